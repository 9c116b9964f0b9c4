//! Incoming bytes written to a local temporary file while they are hashed: the name of a blob
//! (its sha256) is known only at the end of its bytes, so every store receives them here first.

use super::BlobError;
use crate::{HashingReader, Sha256Digest};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

pub(super) fn io_err(path: &Path) -> impl FnOnce(io::Error) -> BlobError + '_ {
    move |source| BlobError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates `dir` and removes what a crash left in it: those bytes were never acknowledged.
pub(super) fn clear(dir: &Path) -> Result<(), BlobError> {
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        let path = entry.map_err(io_err(dir))?.path();
        fs::remove_file(&path).map_err(io_err(&path))?;
    }
    Ok(())
}

/// A hashed temporary file; removed when dropped unless [`Spooled::persist`] moved it.
#[derive(Debug)]
pub(super) struct Spooled {
    pub path: PathBuf,
    pub digest: Sha256Digest,
    pub size: u64,
    moved: bool,
}

impl Drop for Spooled {
    fn drop(&mut self) {
        if !self.moved {
            let _ = fs::remove_file(&self.path);
        }
    }
}

impl Spooled {
    /// Makes the file's bytes durable (before it becomes a blob).
    pub fn sync(&self) -> Result<(), BlobError> {
        File::open(&self.path)
            .and_then(|f| f.sync_all())
            .map_err(io_err(&self.path))
    }

    /// Makes the file read-only and renames it to `to` (same file system).
    pub fn persist(mut self, to: &Path) -> Result<(), BlobError> {
        let mut perms = fs::metadata(&self.path)
            .map_err(io_err(&self.path))?
            .permissions();
        perms.set_readonly(true);
        fs::set_permissions(&self.path, perms).map_err(io_err(&self.path))?;
        fs::rename(&self.path, to).map_err(io_err(to))?;
        self.moved = true;
        Ok(())
    }
}

/// Streams `src` into a new file in `dir`, hashing it, up to `max_bytes`. Not synced: see
/// [`Spooled::sync`].
pub(super) fn spool(dir: &Path, src: &mut dyn Read, max_bytes: u64) -> Result<Spooled, BlobError> {
    let (path, file) = temp_file(dir)?;
    // Built before anything can fail, so that the file is removed on every error path.
    let mut spooled = Spooled {
        path,
        digest: Sha256Digest::of(b""),
        size: 0,
        moved: false,
    };
    let mut reader = HashingReader::new(src.take(max_bytes.saturating_add(1)));
    let mut writer = io::BufWriter::with_capacity(256 * 1024, file);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(BlobError::Source(e)),
        };
        writer.write_all(&buf[..n]).map_err(io_err(&spooled.path))?;
    }
    writer
        .into_inner()
        .map_err(|e| io_err(&spooled.path)(e.into_error()))?;
    let (digest, size) = reader.finish();
    if size > max_bytes {
        return Err(BlobError::TooLarge { max: max_bytes });
    }
    spooled.digest = digest;
    spooled.size = size;
    Ok(spooled)
}

fn temp_file(dir: &Path) -> Result<(PathBuf, File), BlobError> {
    loop {
        let mut name = [0u8; 12];
        getrandom::fill(&mut name).map_err(|e| BlobError::Io {
            path: dir.to_path_buf(),
            source: io::Error::other(e.to_string()),
        })?;
        let path = dir.join(hex::encode(name));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_err(&path)(e)),
        }
    }
}
