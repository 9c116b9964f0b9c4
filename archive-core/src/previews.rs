//! A cache of page previews (`DIR/cache/previews/`): derived data, made on demand by `ingest` and
//! kept so that a page is drawn once. Deleting the folder loses nothing.

use crate::archive::Archive;
use crate::{ArchiveError, Result};
use std::path::PathBuf;

impl Archive {
    fn preview_path(&self, sha256: &str, page: u32, width: u32) -> Option<PathBuf> {
        // The name is built from checked parts only: a sha256 and two numbers.
        crate::Sha256Digest::from_hex(sha256)?;
        Some(
            self.root()
                .join("cache")
                .join("previews")
                .join(format!("{sha256}-p{page}-w{width}.png")),
        )
    }

    /// A preview made earlier, if any.
    pub fn cached_preview(&self, sha256: &str, page: u32, width: u32) -> Option<Vec<u8>> {
        std::fs::read(self.preview_path(sha256, page, width)?).ok()
    }

    /// Keeps a preview (written to a temporary name, then renamed, so a reader never sees half).
    pub fn store_preview(&self, sha256: &str, page: u32, width: u32, png: &[u8]) -> Result<()> {
        let Some(path) = self.preview_path(sha256, page, width) else {
            return Ok(());
        };
        let io = |source| ArchiveError::Io {
            path: path.clone(),
            source,
        };
        let dir = path.parent().unwrap_or(self.root());
        std::fs::create_dir_all(dir).map_err(io)?;
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temp = path.with_extension(format!("{}-{n}.tmp", std::process::id()));
        std::fs::write(&temp, png).map_err(io)?;
        std::fs::rename(&temp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            io(e)
        })
    }
}
