//! A batch: every input planned and validated before any is stored, then stored one by one, each
//! outcome reported as it happens. Used by both `kho ingest PATH...` and `kho ingest --manifest`.

use crate::extract::ExtractConfig;
use crate::{ingest_file, FileReport, FileStatus, InputFile};
use archive_core::{Archive, ArchiveError};
use schemas::{Actor, DocTypes, DocumentMetadata, Manifest, MetadataInput};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use time::Date;

/// One input ready to store, or the reason it will not be.
/// (The rejection is boxed: it is much larger than a plan, and most items are plans.)
pub type PlannedItem = Result<Planned, Box<FileReport>>;

#[derive(Debug, Clone)]
pub struct Planned {
    pub input: InputFile,
    pub metadata: DocumentMetadata,
    /// The manifest line it came from, if any.
    pub line: Option<u64>,
}

/// Counts of a finished batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub stored: u64,
    pub duplicate: u64,
    pub rejected: u64,
    pub pages: u64,
}

/// Plans `kho ingest PATH...`: the same metadata for every file. If the metadata breaks a rule,
/// every file is rejected with that reason (nothing is stored under wrong metadata).
pub fn plan_paths(
    inputs: Vec<Result<InputFile, crate::InputError>>,
    metadata: &MetadataInput,
    types: &DocTypes,
    today: Date,
) -> Vec<PlannedItem> {
    let validated = metadata.validate(types, today).map_err(|e| e.to_string());
    inputs
        .into_iter()
        .map(|input| {
            let input = input.map_err(|e| Box::new(FileReport::rejected(e.display, e.reason)))?;
            match &validated {
                Ok(metadata) => Ok(Planned {
                    input,
                    metadata: metadata.clone(),
                    line: None,
                }),
                Err(reason) => Err(Box::new(FileReport::rejected(
                    input.display,
                    reason.clone(),
                ))),
            }
        })
        .collect()
}

/// Plans a manifest: each row's metadata validated, each file resolved under `root` and refused
/// if it escapes it (`..`, an absolute path, a symbolic link out), is missing, is a folder, or was
/// already named by an earlier row.
pub fn plan_manifest(
    manifest: Manifest,
    root: &Path,
    types: &DocTypes,
    today: Date,
) -> Vec<PlannedItem> {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut seen: HashMap<PathBuf, u64> = HashMap::new();
    manifest
        .rows
        .into_iter()
        .map(|row| {
            let row = row.map_err(|e| {
                let report = FileReport::rejected(
                    format!("line {}", e.line),
                    format!("line {}: {}", e.line, e.error),
                );
                Box::new(report.at_line(e.line))
            })?;
            let reject = |reason: String| {
                Box::new(
                    FileReport::rejected(&row.file, format!("line {}: {reason}", row.line))
                        .at_line(row.line),
                )
            };
            let path = resolve(&canonical_root, &row.file).map_err(reject)?;
            if let Some(first) = seen.get(&path) {
                return Err(reject(format!("names the same file as line {first}")));
            }
            seen.insert(path.clone(), row.line);
            let metadata = row
                .metadata
                .validate(types, today)
                .map_err(|e| reject(e.to_string()))?;
            Ok(Planned {
                input: InputFile {
                    path,
                    display: row.file.clone(),
                },
                metadata,
                line: Some(row.line),
            })
        })
        .collect()
}

/// Resolves a manifest `file` cell under the root. Backslashes count as separators, since
/// manifests are often written on Windows.
fn resolve(root: &Path, file: &str) -> Result<PathBuf, String> {
    let relative = PathBuf::from(file.replace('\\', "/"));
    if relative.is_absolute() {
        return Err(format!(
            "file {file}: an absolute path is not allowed; give the path relative to the manifest's folder (or --root)"
        ));
    }
    if relative
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
    {
        return Err(format!("file {file}: the path leaves the root folder (..)"));
    }
    let joined = root.join(&relative);
    let canonical = joined.canonicalize().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("file {file}: no such file under {}", root.display())
        } else {
            format!("file {file}: cannot read it: {e}")
        }
    })?;
    if !canonical.starts_with(root) {
        return Err(format!(
            "file {file}: a symbolic link that leads outside the root folder"
        ));
    }
    if canonical.is_dir() {
        return Err(format!(
            "file {file}: is a folder; a manifest row names one file"
        ));
    }
    Ok(canonical)
}

/// Stores every planned item in order, calling `report` with each outcome as soon as it is
/// known (for a `stored` line, after the document is durable). Stops only on a store failure.
pub fn run(
    archive: &Archive,
    items: Vec<PlannedItem>,
    actor: &Actor,
    cfg: &ExtractConfig,
    report: &mut dyn FnMut(&FileReport),
) -> Result<Summary, ArchiveError> {
    let mut summary = Summary::default();
    for item in items {
        let outcome = match item {
            Err(rejected) => *rejected,
            Ok(planned) => {
                let r = ingest_file(archive, &planned.input, &planned.metadata, actor, cfg)?;
                match planned.line {
                    Some(line) => r.at_line(line),
                    None => r,
                }
            }
        };
        match outcome.status {
            FileStatus::Stored => summary.stored += 1,
            FileStatus::Duplicate => summary.duplicate += 1,
            FileStatus::Rejected => summary.rejected += 1,
        }
        if outcome.status != FileStatus::Rejected {
            summary.pages += u64::from(outcome.pages.unwrap_or(0));
        }
        report(&outcome);
    }
    Ok(summary)
}
