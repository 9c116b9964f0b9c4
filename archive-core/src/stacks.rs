//! Scanned stacks kept whole (`kho ingest --split`, `kho watch`, the web's stack upload): a stack
//! holds the documents of many owners, so it is not a document of any of them. Its bytes are a
//! blob like any other (content-addressed, never modified); this tree (`stacks`: sha256 ->
//! [`StackRecord`]) says what the blob is, so that `verify` counts it as used rather than
//! orphaned, and each document cut from it points here by its provenance
//! (`schemas::Provenance::stack_sha256`). Reached only through the services
//! (`crate::service::stacks`), which ask the policy first.

use crate::catalog::codec::{decode, encode};
use crate::{ArchiveError, Result};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// What the store knows of a kept stack: its bytes' name and size, and who brought it when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StackRecord {
    pub sha256: String,
    pub size: u64,
    /// The file name it was ingested from (NFC).
    pub name: Option<String>,
    pub format: schemas::Format,
    pub pages: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub kept_at: OffsetDateTime,
    pub kept_by: String,
}

pub(crate) struct Stacks {
    tree: sled::Tree,
    path: PathBuf,
}

impl Stacks {
    pub(crate) fn new(tree: sled::Tree, path: &Path) -> Self {
        Stacks {
            tree,
            path: path.to_path_buf(),
        }
    }

    fn err(&self) -> impl Fn(sled::Error) -> ArchiveError + '_ {
        |source| ArchiveError::Catalog {
            path: self.path.clone(),
            source,
        }
    }

    /// Records a stack (the first record of the same bytes stays: it says when they came in).
    /// Durable at the next flush.
    pub(crate) fn keep(&self, record: &StackRecord) -> Result<StackRecord> {
        if let Some(earlier) = self.get(&record.sha256)? {
            return Ok(earlier);
        }
        self.tree
            .insert(record.sha256.as_bytes(), encode(record)?)
            .map_err(self.err())?;
        Ok(record.clone())
    }

    pub(crate) fn get(&self, sha256: &str) -> Result<Option<StackRecord>> {
        match self.tree.get(sha256.as_bytes()).map_err(self.err())? {
            Some(bytes) => Ok(Some(decode(&format!("stack {sha256}"), &bytes)?)),
            None => Ok(None),
        }
    }

    /// Every kept stack's sha256.
    pub(crate) fn digests(&self) -> impl Iterator<Item = Result<String>> + '_ {
        self.tree.iter().keys().map(|key| {
            let key = key.map_err(self.err())?;
            Ok(String::from_utf8_lossy(&key).into_owned())
        })
    }
}
