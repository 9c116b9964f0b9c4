//! Scanned stacks (`kho ingest --split`, `kho watch`, the web's stack upload): an operator keeps
//! a stack whole before its documents are cut out of it, and reads a kept stack back to split
//! it. Both are [`Act::SplitStacks`]; a refusal is ledgered like any other. Keeping a stack
//! writes no ledger event of its own: a stack is no owner's document (it holds many owners'
//! pages), its record says who kept it and when ([`StackRecord`]), and each document cut from
//! it is stored through [`Archive::commit`], whose ingest event names the stack and its pages.

use crate::stacks::StackRecord;
use crate::{Archive, ArchiveError, Result};
use schemas::policy::Act;
use schemas::{Caller, Format};
use time::OffsetDateTime;

/// A kept stack read back whole (its bytes re-hashed on the way), to be split.
#[derive(Debug, Clone)]
pub struct KeptStack {
    pub record: StackRecord,
    pub bytes: Vec<u8>,
}

impl Archive {
    /// Keeps a scanned stack whole on behalf of `caller` (who must be allowed to split stacks):
    /// its bytes as a blob, and a record saying that the blob is a stack. Durable when this
    /// returns. Keeping the same bytes again returns the first record (when they first came in).
    pub fn keep_stack(
        &self,
        caller: &Caller,
        bytes: &[u8],
        name: Option<String>,
        format: Format,
        pages: u32,
    ) -> Result<StackRecord> {
        self.authorize(caller, Act::SplitStacks, None, "keep a scanned stack")?;
        let blob = self.put_blob(&mut &bytes[..])?;
        let kept = self.catalog.stacks().keep(&StackRecord {
            sha256: blob.digest().to_hex(),
            size: blob.size(),
            name,
            format,
            pages,
            kept_at: OffsetDateTime::now_utc(),
            kept_by: caller.actor().name.clone(),
        })?;
        self.flush()?;
        Ok(kept)
    }

    /// A kept stack, its bytes verified, for `caller` to split (who must be allowed to split
    /// stacks). A sha256 that names no kept stack is [`ArchiveError::NoStack`], whatever blob it
    /// may name: a document's original is not a stack.
    pub fn kept_stack(&self, caller: &Caller, sha256: &str) -> Result<KeptStack> {
        self.authorize(caller, Act::SplitStacks, None, "split a kept stack")?;
        let sha256 = sha256.trim();
        let record = self
            .catalog
            .stacks()
            .get(sha256)?
            .ok_or_else(|| ArchiveError::NoStack(sha256.to_string()))?;
        let bytes = self.read_blob(&record.sha256, self.max_file_bytes())?;
        Ok(KeptStack { record, bytes })
    }
}
