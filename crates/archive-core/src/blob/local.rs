use super::{BlobError, BlobStore, PutBlob};
use crate::{HashingReader, Sha256Digest};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Blobs as files in a folder: `<root>/ab/cd/<sha256>`, written to `<root>/.tmp/` first, fsynced,
/// renamed into place, and the folders fsynced, so that a blob is either whole under its name or
/// absent. Stored files are made read-only.
#[derive(Debug)]
pub struct LocalBlobStore {
    root: PathBuf,
}

const TMP: &str = ".tmp";

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> BlobError + '_ {
    move |source| BlobError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn sync_dir(dir: &Path) -> Result<(), BlobError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir))
}

impl LocalBlobStore {
    /// Opens (creating if needed) a store rooted at `root`. Temporary files left by a crash are
    /// removed: they were never acknowledged. Call only while holding the store's lock.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, BlobError> {
        let root = root.into();
        let tmp = root.join(TMP);
        fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
        for entry in fs::read_dir(&tmp).map_err(io_err(&tmp))? {
            let path = entry.map_err(io_err(&tmp))?.path();
            fs::remove_file(&path).map_err(io_err(&path))?;
        }
        Ok(LocalBlobStore { root })
    }

    /// Where a blob lives on disk.
    pub fn path_of(&self, digest: &Sha256Digest) -> PathBuf {
        let hex = digest.to_hex();
        self.root.join(&hex[0..2]).join(&hex[2..4]).join(hex)
    }

    fn open_file(&self, digest: &Sha256Digest) -> Result<File, BlobError> {
        let path = self.path_of(digest);
        File::open(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => BlobError::NotFound(*digest),
            _ => io_err(&path)(e),
        })
    }

    fn temp_file(&self) -> Result<(PathBuf, File), BlobError> {
        let tmp = self.root.join(TMP);
        loop {
            let mut name = [0u8; 12];
            getrandom::fill(&mut name).map_err(|e| BlobError::Io {
                path: tmp.clone(),
                source: io::Error::other(e.to_string()),
            })?;
            let path = tmp.join(hex::encode(name));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok((path, file)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_err(&path)(e)),
            }
        }
    }

    fn write_temp(
        &self,
        src: &mut dyn Read,
        max_bytes: u64,
        path: &Path,
        file: File,
    ) -> Result<(Sha256Digest, u64), BlobError> {
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
            writer.write_all(&buf[..n]).map_err(io_err(path))?;
        }
        let file = writer
            .into_inner()
            .map_err(|e| io_err(path)(e.into_error()))?;
        let (digest, size) = reader.finish();
        if size > max_bytes {
            return Err(BlobError::TooLarge { max: max_bytes });
        }
        file.sync_all().map_err(io_err(path))?;
        Ok((digest, size))
    }
}

impl BlobStore for LocalBlobStore {
    fn put(&self, src: &mut dyn Read, max_bytes: u64) -> Result<PutBlob, BlobError> {
        let (tmp_path, file) = self.temp_file()?;
        let written = self.write_temp(src, max_bytes, &tmp_path, file);
        let (digest, size) = match written {
            Ok(v) => v,
            Err(e) => {
                let _ = fs::remove_file(&tmp_path);
                return Err(e);
            }
        };
        let final_path = self.path_of(&digest);
        if final_path.exists() {
            fs::remove_file(&tmp_path).map_err(io_err(&tmp_path))?;
            return Ok(PutBlob {
                digest,
                size,
                newly_written: false,
            });
        }
        let leaf = final_path.parent().unwrap_or(&self.root);
        fs::create_dir_all(leaf).map_err(io_err(leaf))?;
        let mut perms = fs::metadata(&tmp_path)
            .map_err(io_err(&tmp_path))?
            .permissions();
        perms.set_readonly(true);
        fs::set_permissions(&tmp_path, perms).map_err(io_err(&tmp_path))?;
        fs::rename(&tmp_path, &final_path).map_err(io_err(&final_path))?;
        // The rename is durable only once the folders that changed are synced.
        sync_dir(leaf)?;
        if let Some(mid) = leaf.parent() {
            sync_dir(mid)?;
        }
        sync_dir(&self.root)?;
        Ok(PutBlob {
            digest,
            size,
            newly_written: true,
        })
    }

    fn open(&self, digest: &Sha256Digest) -> Result<Box<dyn Read + Send>, BlobError> {
        let file = self.open_file(digest)?;
        Ok(Box::new(io::BufReader::with_capacity(256 * 1024, file)))
    }

    fn open_range(
        &self,
        digest: &Sha256Digest,
        start: u64,
        len: u64,
    ) -> Result<Box<dyn Read + Send>, BlobError> {
        use std::io::Seek;
        let mut file = self.open_file(digest)?;
        file.seek(io::SeekFrom::Start(start))
            .map_err(|e| io_err(&self.path_of(digest))(e))?;
        Ok(Box::new(
            io::BufReader::with_capacity(64 * 1024, file).take(len),
        ))
    }

    fn size(&self, digest: &Sha256Digest) -> Result<Option<u64>, BlobError> {
        let path = self.path_of(digest);
        match fs::metadata(&path) {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(&path)(e)),
        }
    }

    fn list(
        &self,
    ) -> Result<Box<dyn Iterator<Item = Result<Sha256Digest, BlobError>> + '_>, BlobError> {
        Ok(Box::new(LocalWalk::new(&self.root)?))
    }

    fn location(&self) -> String {
        self.root.display().to_string()
    }
}

/// Walks `ab/cd/<sha>` one leaf folder at a time, so memory stays flat however many blobs exist.
struct LocalWalk {
    /// Folders still to read, deepest level last.
    pending: Vec<(PathBuf, u8)>,
    current: std::vec::IntoIter<Result<Sha256Digest, BlobError>>,
}

impl LocalWalk {
    fn new(root: &Path) -> Result<Self, BlobError> {
        Ok(LocalWalk {
            pending: vec![(root.to_path_buf(), 0)],
            current: Vec::new().into_iter(),
        })
    }

    /// Reads one folder: at depth 0 and 1 it queues 2-hex subfolders, at depth 2 it yields blobs.
    /// Anything else (the .tmp folder, stray files) is not a blob and is skipped.
    fn expand(&mut self, dir: PathBuf, depth: u8) -> Vec<Result<Sha256Digest, BlobError>> {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => return vec![Err(io_err(&dir)(e))],
        };
        let mut out = Vec::new();
        let mut subdirs = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    out.push(Err(io_err(&dir)(e)));
                    continue;
                }
            };
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if depth < 2 {
                if name.len() == 2 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
                    subdirs.push((entry.path(), depth + 1));
                }
            } else if let Some(d) = Sha256Digest::from_hex(name) {
                out.push(Ok(d));
            }
        }
        self.pending.extend(subdirs);
        out
    }
}

impl Iterator for LocalWalk {
    type Item = Result<Sha256Digest, BlobError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(item);
            }
            let (dir, depth) = self.pending.pop()?;
            self.current = self.expand(dir, depth).into_iter();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_dedupes_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalBlobStore::open(dir.path().join("blobs")).unwrap();
        let first = store.put(&mut &b"hello"[..], 100).unwrap();
        assert!(first.newly_written);
        assert_eq!(first.size, 5);
        let again = store.put(&mut &b"hello"[..], 100).unwrap();
        assert!(!again.newly_written);
        assert_eq!(again.digest, first.digest);
        let mut back = Vec::new();
        store
            .open(&first.digest)
            .unwrap()
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, b"hello");
        assert_eq!(store.size(&first.digest).unwrap(), Some(5));
        let listed: Vec<_> = store.list().unwrap().map(Result::unwrap).collect();
        assert_eq!(listed, vec![first.digest]);
        assert!(fs::metadata(store.path_of(&first.digest))
            .unwrap()
            .permissions()
            .readonly());
        assert_eq!(
            fs::read_dir(dir.path().join("blobs/.tmp")).unwrap().count(),
            0
        );
    }

    #[test]
    fn too_large_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalBlobStore::open(dir.path()).unwrap();
        let err = store.put(&mut &[7u8; 101][..], 100).unwrap_err();
        assert!(matches!(err, BlobError::TooLarge { max: 100 }));
        assert_eq!(store.list().unwrap().count(), 0);
        assert_eq!(fs::read_dir(dir.path().join(".tmp")).unwrap().count(), 0);
        assert!(store.put(&mut &[7u8; 100][..], 100).is_ok());
    }

    #[test]
    fn missing_blob_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalBlobStore::open(dir.path()).unwrap();
        let d = Sha256Digest::of(b"nothing");
        assert!(matches!(store.open(&d), Err(BlobError::NotFound(_))));
        assert_eq!(store.size(&d).unwrap(), None);
    }
}
