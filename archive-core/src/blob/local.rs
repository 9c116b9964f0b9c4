use super::spool::{self, io_err};
use super::{BlobError, BlobStore, PutBlob};
use crate::Sha256Digest;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Blobs as files in a folder: `<root>/ab/cd/<sha256>`, written to `<root>/.tmp/` first, fsynced,
/// renamed into place, and the folders fsynced, so that a blob is either whole under its name or
/// absent. Stored files are made read-only.
#[derive(Debug)]
pub struct LocalBlobStore {
    root: PathBuf,
}

const TMP: &str = ".tmp";

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
        spool::clear(&root.join(TMP))?;
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
}

impl BlobStore for LocalBlobStore {
    fn put(&self, src: &mut dyn Read, max_bytes: u64) -> Result<PutBlob, BlobError> {
        let spooled = spool::spool(&self.root.join(TMP), src, max_bytes)?;
        let (digest, size) = (spooled.digest, spooled.size);
        let final_path = self.path_of(&digest);
        if final_path.exists() {
            return Ok(PutBlob {
                digest,
                size,
                newly_written: false,
            });
        }
        // Only bytes that become a blob are worth an fsync.
        spooled.sync()?;
        let leaf = final_path.parent().unwrap_or(&self.root);
        fs::create_dir_all(leaf).map_err(io_err(leaf))?;
        spooled.persist(&final_path)?;
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
