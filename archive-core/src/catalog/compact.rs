//! How the catalogue sits on disk: sled's pages compressed with zstd, and `kho compact`, which
//! rewrites a catalogue into a new one (dropping the old versions sled's log still holds, and
//! compressing one made before compression) and swaps it in.
//!
//! Compression is sled's own (`compression` feature): every page sled writes is one zstd frame,
//! so the JSON keys that records and events repeat, and the sentences that page texts share, are
//! stored once per page. Measured at a million documents: 8.49 GB -> 2.06 GB after `kho compact`
//! (docs/benchmarks.md, "Province scale"). sled refuses to reopen a catalogue with the other
//! setting, so the setting a catalogue was created with is read back from sled's own `conf` file
//! and kept; `$KHO_CATALOG_COMPRESSION` chooses it for new catalogues only.
//!
//! The swap is safe against a crash at any point: the copy is built in `catalog.compacting/`,
//! checked entry by entry, renamed `catalog.compacted/` once complete, and swapped in while the
//! old catalogue's lock is still held. Until that rename the old catalogue is the store; after
//! it the new one is (an interrupted swap is finished by the next open, see
//! [`finish_interrupted_swap`]). An interrupted compaction starts again from nothing.

use crate::error::io_err;
use crate::ledger;
use crate::{ArchiveError, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// zstd level sled writes pages at. 1, not zstd's default 3: a million documents compacted at
/// level 1 took 2.02 GB against 2.06 GB (eleventh session), and with zstd's contexts kept,
/// level 1 compresses the pages a search's ledger events rewrite 1.2 to 2.5 times as fast, the
/// same size (docs/benchmarks.md, "Ledger appends grouped"). A catalogue written at another level
/// reads the same; the level is not stored (`$KHO_CATALOG_COMPRESSION` sets it for each run).
pub const DEFAULT_LEVEL: i32 = 1;
/// How many entries one write batch of the copy carries.
const COPY_BATCH: usize = 10_000;

/// The zstd level for a new catalogue: `$KHO_CATALOG_COMPRESSION` (1-22, or `off`), by default
/// [`DEFAULT_LEVEL`].
pub fn level_for_new_catalogues() -> Result<Option<i32>> {
    match std::env::var("KHO_CATALOG_COMPRESSION") {
        Err(_) => Ok(Some(DEFAULT_LEVEL)),
        Ok(value) => parse_level(&value).ok_or_else(|| ArchiveError::Setting {
            name: "KHO_CATALOG_COMPRESSION",
            value,
            rule: "a zstd level from 1 to 22, or off (0)",
        }),
    }
}

fn parse_level(value: &str) -> Option<Option<i32>> {
    match value.trim() {
        off if off.eq_ignore_ascii_case("off") || off == "0" => Some(None),
        level => level
            .parse::<i32>()
            .ok()
            .filter(|l| (1..=22).contains(l))
            .map(Some),
    }
}

/// Whether the catalogue at `path` was created compressed, from sled's `conf` file; `None` for a
/// catalogue not created yet.
pub(crate) fn created_compressed(path: &Path) -> Result<Option<bool>> {
    let conf = path.join("conf");
    // Text lines, then sled's 4-byte checksum.
    let text = match std::fs::read(&conf) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(ArchiveError::Io { path: conf, source }),
    };
    text.lines()
        .find_map(|line| line.strip_prefix("use_compression:"))
        .and_then(|v| v.trim().parse::<bool>().ok())
        .map(Some)
        .ok_or_else(|| ArchiveError::Damaged {
            key: conf.display().to_string(),
            detail: "sled's settings file has no readable use_compression line".into(),
        })
}

/// sled's settings for the catalogue at `path`: its own compression if it exists, else `level`.
pub(crate) fn sled_config(
    path: &Path,
    level: Option<i32>,
    cache_bytes: u64,
) -> Result<sled::Config> {
    let compressed = match created_compressed(path)? {
        Some(kept) => kept.then_some(level.unwrap_or(DEFAULT_LEVEL)),
        None => level,
    };
    let config = sled::Config::new().path(path).cache_capacity(cache_bytes);
    Ok(match compressed {
        Some(level) => config.use_compression(true).compression_factor(level),
        None => config,
    })
}

/// The folders of a compaction, beside the catalogue.
struct Folders {
    catalog: PathBuf,
    /// Being written; incomplete until renamed.
    compacting: PathBuf,
    /// Complete and checked, not yet swapped in.
    compacted: PathBuf,
    /// The old catalogue, swapped out, being removed.
    before: PathBuf,
}

impl Folders {
    fn of(catalog: &Path) -> Folders {
        let beside = |suffix: &str| {
            let mut name = catalog.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        Folders {
            catalog: catalog.to_path_buf(),
            compacting: beside(".compacting"),
            compacted: beside(".compacted"),
            before: beside(".before-compact"),
        }
    }
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_err(path)(e)),
        _ => Ok(()),
    }
}

/// Whether `path` is a whole sled database folder (sled writes `conf` first when it makes one).
fn is_catalogue(path: &Path) -> bool {
    path.join("conf").is_file()
}

/// Before the catalogue at `catalog` is opened: a compaction stopped between its two renames
/// left no catalogue but a complete copy; that copy is the store. A catalogue that is missing
/// from a store that had one (its index exists, or a compaction's old catalogue lies beside
/// it) is refused: opening would make an empty catalogue and the store would silently lose
/// every record.
pub(crate) fn finish_interrupted_swap(catalog: &Path, index: &Path) -> Result<()> {
    let folders = Folders::of(catalog);
    if folders.catalog.exists() {
        return Ok(());
    }
    if is_catalogue(&folders.compacted) {
        match std::fs::rename(&folders.compacted, &folders.catalog) {
            // Another process finished it at the same moment.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && folders.catalog.exists() => {}
            done => done.map_err(io_err(&folders.compacted))?,
        }
        tracing::warn!(
            catalogue = %folders.catalog.display(),
            "a compaction was stopped while swapping catalogues; its complete, checked copy is now the catalogue"
        );
        return Ok(());
    }
    if index.exists() || folders.before.exists() {
        return Err(ArchiveError::CatalogMissing {
            path: folders.catalog.clone(),
            before: folders.before.exists().then(|| folders.before.clone()),
        });
    }
    Ok(())
}

/// Once the catalogue's lock is held (so no compaction is running on it): what an interrupted
/// compaction left beside it is removed; the catalogue itself is the store. Best effort: a
/// leftover that cannot be removed is said in the log and does not keep the store closed.
pub(crate) fn remove_leftovers(catalog: &Path) {
    let folders = Folders::of(catalog);
    for leftover in [&folders.compacting, &folders.compacted, &folders.before] {
        if std::fs::symlink_metadata(leftover).is_err() {
            continue;
        }
        let removed = if leftover.is_dir() && !leftover.is_symlink() {
            std::fs::remove_dir_all(leftover)
        } else {
            std::fs::remove_file(leftover)
        };
        match removed {
            Ok(()) => tracing::warn!(
                leftover = %leftover.display(),
                "removed what an interrupted compaction left beside the catalogue"
            ),
            Err(e) => tracing::warn!(
                leftover = %leftover.display(),
                "cannot remove what an interrupted compaction left beside the catalogue: {e}; \
                 remove it by hand when the store is stopped"
            ),
        }
    }
}

/// What `kho compact` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Compacted {
    /// The catalogue's size on disk before and after, in bytes.
    pub bytes_before: u64,
    pub bytes_after: u64,
    /// Trees and entries copied (and read back identical).
    pub trees: usize,
    pub entries: u64,
    /// The zstd level of the new catalogue; `None`: not compressed.
    pub level: Option<i32>,
    pub seconds: f64,
}

/// How far a compaction is, for its progress lines.
#[derive(Debug, Clone)]
pub struct CompactProgress<'a> {
    pub tree: &'a str,
    pub entries: u64,
    /// `true` while reading the copy back to check it.
    pub checking: bool,
}

/// A digest of a tree's entries whatever the order they come in (each key and value
/// length-prefixed, hashed alone, the hashes summed): what was written, compared with what reads
/// back in key order. A packed tree's entries are not written in key order ([`ledger::refs`]).
#[derive(Default, PartialEq, Eq)]
struct TreeDigest {
    sum: u128,
    entries: u64,
}

impl TreeDigest {
    fn add(&mut self, key: &[u8], value: &[u8]) {
        let mut entry = Sha256::new();
        for part in [key, value] {
            entry.update((part.len() as u64).to_be_bytes());
            entry.update(part);
        }
        let hash: [u8; 32] = entry.finalize().into();
        let mut half = [0u8; 16];
        half.copy_from_slice(&hash[..16]);
        self.sum = self.sum.wrapping_add(u128::from_be_bytes(half));
        self.entries += 1;
    }
}

fn folder_bytes(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => folder_bytes(&entry.path()),
            _ => entry.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

/// Rewrites `old` (the open catalogue at `catalog`, whose lock the caller holds) into a new
/// catalogue compressed at `level`, checks that every tree reads back identical, and swaps it in.
/// `old` must not be written to during the call, and the caller must drop it and not use it
/// again afterwards: the catalogue at `catalog` is then the new one.
pub(crate) fn compact(
    old: &sled::Db,
    catalog: &Path,
    level: Option<i32>,
    cache_bytes: u64,
    progress: &mut dyn FnMut(&CompactProgress<'_>),
) -> Result<Compacted> {
    let started = std::time::Instant::now();
    let folders = Folders::of(catalog);
    remove_leftovers(catalog);
    old.flush().map_err(sled_err(catalog))?;
    let bytes_before = folder_bytes(catalog);
    let copied = copy_checked(
        (old, catalog),
        &folders.compacting,
        level,
        cache_bytes,
        progress,
    );
    let (trees, entries) = match copied {
        Ok(counts) => counts,
        Err(e) => {
            // Nothing of the old catalogue was touched; the partial copy only takes space.
            let _ = remove_if_present(&folders.compacting);
            return Err(match e {
                ArchiveError::Catalog { path, source } => ArchiveError::Compact {
                    path,
                    detail: source.to_string(),
                },
                ArchiveError::Io { path, source } => ArchiveError::Compact {
                    path,
                    detail: source.to_string(),
                },
                other => other,
            });
        }
    };
    let unchanged = |e: std::io::Error| ArchiveError::Compact {
        path: folders.compacted.clone(),
        detail: e.to_string(),
    };
    std::fs::rename(&folders.compacting, &folders.compacted).map_err(unchanged)?;
    std::fs::rename(&folders.catalog, &folders.before).map_err(unchanged)?;
    match std::fs::rename(&folders.compacted, &folders.catalog) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && folders.catalog.exists() => {}
        Err(e) => {
            // The old catalogue goes back: the store stays as it was.
            std::fs::rename(&folders.before, &folders.catalog).map_err(io_err(&folders.before))?;
            return Err(unchanged(e));
        }
        Ok(()) => {}
    }
    sync_folder(catalog.parent().unwrap_or(Path::new(".")));
    Ok(Compacted {
        bytes_before,
        bytes_after: folder_bytes(catalog),
        trees,
        entries,
        level,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// After the old catalogue's handle is dropped: its files are removed.
pub(crate) fn remove_swapped_out(catalog: &Path) -> Result<()> {
    remove_if_present(&Folders::of(catalog).before)
}

fn sync_folder(path: &Path) {
    // Makes the renames durable; a failure here leaves them to the next sync, not undone.
    if let Ok(dir) = std::fs::File::open(path) {
        let _ = dir.sync_all();
    }
}

fn sled_err(path: &Path) -> impl Fn(sled::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Catalog {
        path: path.to_path_buf(),
        source,
    }
}

/// Copies every tree of `old` (the catalogue at `from_path`, named in its read errors) into a
/// new catalogue at `to`, then opens the copy again and compares each tree's digest with the one
/// taken while copying. Returns (trees, entries).
fn copy_checked(
    (old, from_path): (&sled::Db, &Path),
    to: &Path,
    level: Option<i32>,
    cache_bytes: u64,
    progress: &mut dyn FnMut(&CompactProgress<'_>),
) -> Result<(usize, u64)> {
    let err = sled_err(to);
    let new = sled_config(to, level, cache_bytes)?.open().map_err(&err)?;
    let mut digests = Vec::new();
    let mut entries = 0u64;
    for name in old.tree_names() {
        let label = String::from_utf8_lossy(&name).into_owned();
        let from = old.open_tree(&name).map_err(sled_err(from_path))?;
        let into = new.open_tree(&name).map_err(&err)?;
        let mut digest = TreeDigest::default();
        let mut batch = sled::Batch::default();
        let (mut in_batch, mut in_tree) = (0usize, 0u64);
        // Event references are packed into blocks as they are copied (stores from before
        // blocks hold one entry per reference: `ledger::refs`).
        let mut packer =
            (name.as_ref() == ledger::refs::TREE.as_bytes()).then(ledger::refs::Packer::default);
        let mut put = |key: &[u8], value: &[u8]| -> Result<()> {
            digest.add(key, value);
            batch.insert(key, value);
            in_batch += 1;
            in_tree += 1;
            if in_batch == COPY_BATCH {
                into.apply_batch(std::mem::take(&mut batch)).map_err(&err)?;
                in_batch = 0;
                progress(&CompactProgress {
                    tree: &label,
                    entries: in_tree,
                    checking: false,
                });
            }
            Ok(())
        };
        for item in from.iter() {
            let (key, value) = item.map_err(sled_err(from_path))?;
            match packer.as_mut() {
                None => put(&key, &value)?,
                Some(packer) => {
                    for (key, value) in packer.push(&key, &value)? {
                        put(&key, &value)?;
                    }
                }
            }
        }
        if let Some(mut packer) = packer {
            for (key, value) in packer.finish() {
                put(&key, &value)?;
            }
            if packer.read != packer.written + packer.repeated {
                return Err(ArchiveError::Damaged {
                    key: format!("{} tree {label}", to.display()),
                    detail: format!(
                        "{} event references read but {} packed ({} read twice); the old \
                         catalogue is kept unchanged",
                        packer.read, packer.written, packer.repeated
                    ),
                });
            }
        }
        into.apply_batch(batch).map_err(&err)?;
        if in_tree > 0 {
            progress(&CompactProgress {
                tree: &label,
                entries: in_tree,
                checking: false,
            });
        }
        entries += in_tree;
        digests.push((name, label, digest, in_tree));
    }
    new.flush().map_err(&err)?;
    drop(new);
    // Read back from the disk, not sled's cache. Opening also writes sled's snapshot of the new
    // catalogue: without it the first open after the swap replays the whole copy (22 s instead
    // of 0.6 s at a million documents).
    let new = super::open_sled_waiting_for_lock(&sled_config(to, level, cache_bytes)?, to)?;
    for (name, label, expected, count) in &digests {
        if *count > 0 {
            progress(&CompactProgress {
                tree: label,
                entries: *count,
                checking: true,
            });
        }
        let mut digest = TreeDigest::default();
        for item in new.open_tree(name).map_err(&err)?.iter() {
            let (key, value) = item.map_err(&err)?;
            digest.add(&key, &value);
        }
        if digest != *expected {
            return Err(ArchiveError::Damaged {
                key: format!("{} tree {label}", to.display()),
                detail: "the compacted copy does not read back as written; the old catalogue \
                         is kept unchanged"
                    .into(),
            });
        }
    }
    Ok((digests.len(), entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_read_from_their_words() {
        assert_eq!(parse_level("off"), Some(None));
        assert_eq!(parse_level("OFF"), Some(None));
        assert_eq!(parse_level("0"), Some(None));
        assert_eq!(parse_level(" 3 "), Some(Some(3)));
        assert_eq!(parse_level("22"), Some(Some(22)));
        for bad in ["23", "-1", "fast", ""] {
            assert_eq!(parse_level(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_catalogue_keeps_the_compression_it_was_created_with() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog");
        assert_eq!(created_compressed(&path).unwrap(), None);
        {
            let config = sled_config(&path, None, 1 << 20).unwrap();
            let db = super::super::open_sled_waiting_for_lock(&config, &path).unwrap();
            db.insert(b"k", b"v".as_slice()).unwrap();
            db.flush().unwrap();
        }
        assert_eq!(created_compressed(&path).unwrap(), Some(false));
        // Asked for compression now, the catalogue still opens as it was made.
        let config = sled_config(&path, Some(3), 1 << 20).unwrap();
        let db = super::super::open_sled_waiting_for_lock(&config, &path).unwrap();
        assert_eq!(db.get(b"k").unwrap().as_deref(), Some(b"v".as_slice()));
    }
}
