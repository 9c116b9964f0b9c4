//! The hot folder (`kho watch DIR`): scanners drop files into DIR; each file is taken once it
//! has stopped growing (its size and modification time unchanged for the settle time) or once
//! it is renamed from `NAME.part`, split if it holds separator sheets (else stored whole with
//! the default metadata), and moved to `DIR/done/` or, with `NAME.reason.txt` beside it, to
//! `DIR/rejected/`.
//!
//! Restarts need no state of their own: a file leaves DIR only after what was stored from it is
//! durable, so a process killed at any moment finds the file still there and ingests it again,
//! and what was already stored comes back as duplicates (cutting a stack is deterministic).

use super::split::SplitOptions;
use super::stack::{run_stacks, StackInput};
use crate::extract::ExtractConfig;
use crate::{FileReport, FileStatus, InputFile, Summary};
use archive_core::{Archive, ArchiveError};
use schemas::Caller;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

pub const DONE: &str = "done";
pub const REJECTED: &str = "rejected";

/// A file is still being written while its name ends so (scanners and `rsync` write a
/// temporary name and rename it when done).
fn in_progress(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with("~$")
        || name.ends_with(".part")
        || name.ends_with(".tmp")
        || name.ends_with(".crdownload")
}

/// The hot folder and what has been seen of its files.
pub struct HotFolder {
    dir: PathBuf,
    settle: Duration,
    /// Size and modification time of each file when last looked at, and since when unchanged.
    seen: HashMap<PathBuf, (u64, Option<SystemTime>, Instant)>,
}

/// What became of one file.
#[derive(Debug)]
pub struct Handled {
    pub file: String,
    /// Where the file is now.
    pub moved_to: PathBuf,
    pub rejected: bool,
    pub reports: Vec<FileReport>,
    pub summary: Summary,
}

impl HotFolder {
    /// Opens DIR (which must exist) and makes `done/` and `rejected/` in it.
    pub fn open(dir: &Path, settle: Duration) -> std::io::Result<Self> {
        if !dir.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{} is not a folder", dir.display()),
            ));
        }
        std::fs::create_dir_all(dir.join(DONE))?;
        std::fs::create_dir_all(dir.join(REJECTED))?;
        Ok(HotFolder {
            dir: dir.to_path_buf(),
            settle,
            seen: HashMap::new(),
        })
    }

    /// Files waiting in DIR (not yet settled, or settled and not yet taken).
    pub fn waiting(&self) -> usize {
        self.seen.len()
    }

    /// The files that have stopped growing, in name order. Sub-folders, `done/`, `rejected/`
    /// and files still being written (`*.part`, hidden files) are left alone.
    pub fn ready(&mut self) -> std::io::Result<Vec<PathBuf>> {
        let now = Instant::now();
        let mut present = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() || in_progress(&name) {
                continue;
            }
            let path = entry.path();
            let state = (meta.len(), meta.modified().ok());
            let since = match self.seen.get(&path) {
                Some(&(len, modified, since)) if (len, modified) == state => since,
                _ => now,
            };
            self.seen.insert(path.clone(), (state.0, state.1, since));
            present.push(path);
        }
        self.seen.retain(|path, _| present.contains(path));
        let mut ready: Vec<PathBuf> = self
            .seen
            .iter()
            .filter(|(_, (_, modified, since))| {
                let unchanged_for = now.duration_since(*since);
                // A file found already old (copied before the watch started) need not wait.
                let old = modified
                    .and_then(|m| m.elapsed().ok())
                    .is_some_and(|age| age >= self.settle);
                unchanged_for >= self.settle || (old && unchanged_for > Duration::ZERO)
            })
            .map(|(path, _)| path.clone())
            .collect();
        ready.sort();
        Ok(ready)
    }

    /// Ingests one ready file and moves it to `done/` or `rejected/` (with `NAME.reason.txt`).
    /// The move comes after the store's flush: a crash before it only means the file is taken
    /// again, and finds its documents already stored.
    pub fn process(
        &mut self,
        archive: &Archive,
        path: &Path,
        options: &SplitOptions,
        caller: &Caller,
        cfg: &ExtractConfig,
        report: &mut dyn FnMut(&FileReport),
    ) -> Result<Handled, ArchiveError> {
        self.seen.remove(path);
        let name = path
            .file_name()
            .map(|n| schemas::nfc(&n.to_string_lossy()))
            .unwrap_or_default();
        let input = InputFile {
            path: path.to_path_buf(),
            display: name.clone(),
        };
        let source = format!("watch {}: {name}", self.dir.display());
        let mut reports = Vec::new();
        let summary = run_stacks(
            archive,
            &source,
            vec![StackInput::File(Ok(input))],
            options,
            caller,
            cfg,
            &mut |r| {
                report(r);
                reports.push(r.clone());
            },
            &mut |_| {},
        )?;
        let rejected = reports.iter().any(|r| r.status == FileStatus::Rejected);
        let moved_to = self
            .move_away(path, &name, rejected, &reports)
            .map_err(|e| ArchiveError::Io {
                path: path.to_path_buf(),
                source: e,
            })?;
        Ok(Handled {
            file: name,
            moved_to,
            rejected,
            reports,
            summary,
        })
    }

    fn move_away(
        &self,
        path: &Path,
        name: &str,
        rejected: bool,
        reports: &[FileReport],
    ) -> std::io::Result<PathBuf> {
        let folder = self.dir.join(if rejected { REJECTED } else { DONE });
        let target = free_name(&folder, name);
        if rejected {
            let mut text = String::new();
            for r in reports {
                let line = match (&r.error, &r.id) {
                    (Some(error), _) => format!("REJECTED  {}: {error}\n", r.file),
                    (None, Some(id)) => {
                        format!("{:<9} {}: id {id}\n", schemas::json_name(r.status), r.file)
                    }
                    (None, None) => format!("{}\n", r.file),
                };
                text.push_str(&line);
            }
            let reason = reason_path(&target);
            let partial = reason.with_extension("txt.part");
            std::fs::write(&partial, text)?;
            std::fs::rename(&partial, &reason)?;
        }
        std::fs::rename(path, &target)?;
        Ok(target)
    }
}

/// `NAME.reason.txt` beside a rejected file.
pub fn reason_path(rejected_file: &Path) -> PathBuf {
    let mut name = rejected_file.file_name().unwrap_or_default().to_os_string();
    name.push(".reason.txt");
    rejected_file.with_file_name(name)
}

/// `folder/name`, or `folder/stem-2.ext`, `-3`... if a file of that name is already there (the
/// same name dropped twice).
fn free_name(folder: &Path, name: &str) -> PathBuf {
    let first = folder.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    (2..)
        .map(|n| folder.join(format!("{stem}-{n}{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}
