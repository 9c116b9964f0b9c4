//! A cache of page previews (`DIR/cache/previews/`): derived data, made on demand by `ingest` and
//! kept so that a page is drawn once. Deleting the folder loses nothing.

use crate::archive::Archive;
use crate::{ArchiveError, Result};
use std::path::PathBuf;

/// The widths previews are drawn at: a width asked for is rounded up to one of them, so that
/// the cache holds at most this many images per page, whatever clients ask.
pub const PREVIEW_WIDTHS: [u32; 4] = [200, 400, 800, 1600];
/// The narrowest and widest a client may ask for.
pub const ASKED_WIDTHS: std::ops::RangeInclusive<u32> = 64..=1600;

/// The width a preview asked `asked` pixels wide is drawn at (the next fixed width up), or the
/// rule it breaks.
pub fn preview_width(asked: u32) -> std::result::Result<u32, schemas::FieldError> {
    if !ASKED_WIDTHS.contains(&asked) {
        return Err(schemas::RuleError::new(&schemas::messages::PREVIEW_WIDTH)
            .with("min", ASKED_WIDTHS.start())
            .with("max", ASKED_WIDTHS.end())
            .at("width", &asked.to_string()));
    }
    Ok(PREVIEW_WIDTHS
        .into_iter()
        .find(|w| *w >= asked)
        .unwrap_or(*ASKED_WIDTHS.end()))
}

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

#[cfg(test)]
mod tests {
    #[test]
    fn widths_round_up_to_a_few_fixed_sizes() {
        use super::preview_width;
        assert_eq!(preview_width(64).unwrap(), 200);
        assert_eq!(preview_width(201).unwrap(), 400);
        assert_eq!(preview_width(800).unwrap(), 800);
        assert_eq!(preview_width(1537).unwrap(), 1600);
        assert!(preview_width(63).is_err());
        assert!(preview_width(1601).is_err());
        let distinct: std::collections::BTreeSet<u32> =
            (64..=1600).map(|w| preview_width(w).unwrap()).collect();
        assert_eq!(distinct.len(), super::PREVIEW_WIDTHS.len());
    }
}
