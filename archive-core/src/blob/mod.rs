//! Content-addressed storage of original bytes.
//!
//! [`BlobStore`] is the seam between kho and where bytes live, in the manner of tantivy's
//! `Directory`: the archive only puts, opens, sizes and lists blobs by their sha256, so a local
//! folder ([`LocalBlobStore`]) and an object store can stand behind the same calls. A store never
//! modifies or deletes a blob once written.

mod local;
pub mod s3;
mod spool;

pub use local::LocalBlobStore;
pub use s3::{S3BlobStore, S3Config};

use crate::Sha256Digest;
use std::io::Read;
use std::path::PathBuf;

/// What a `put` did: proof that these bytes are durable in the blob store under `digest`.
///
/// Only a [`BlobStore`] of this module makes one (its fields are private), so that
/// [`crate::Archive::commit`], which takes one, can only write a record whose blob exists:
///
/// ```compile_fail
/// // Outside the blob module a PutBlob cannot be made up:
/// let forged = archive_core::PutBlob {
///     digest: archive_core::Sha256Digest::of(b"never stored"),
///     size: 12,
///     newly_written: true,
/// };
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PutBlob {
    digest: Sha256Digest,
    size: u64,
    newly_written: bool,
}

impl PutBlob {
    /// The sha256 of the bytes: the blob's name.
    pub fn digest(&self) -> Sha256Digest {
        self.digest
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// False when a blob with the same bytes was already stored (dedupe).
    pub fn newly_written(&self) -> bool {
        self.newly_written
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("no blob {0} in the store")]
    NotFound(Sha256Digest),
    #[error("the input is larger than the limit of {max} bytes per file")]
    TooLarge { max: u64 },
    #[error(
        "blob store IO error on {path}: {source}; check the disk and the folder's permissions"
    )]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the input: {0}")]
    Source(#[source] std::io::Error),
    #[error("{what} on {location} failed: {detail}")]
    Remote {
        what: String,
        location: String,
        detail: String,
        /// The service did not answer, or answered "try later" (5xx, 429), after retries: the
        /// same request may succeed later. Otherwise it refused (a key, a bucket, a rule).
        unavailable: bool,
    },
    /// The configuration of a blob store (a URL, an environment variable) is unusable.
    #[error("{0}")]
    Config(String),
}

impl BlobError {
    /// A remote store that did not answer: worth trying again later.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            BlobError::Remote {
                unavailable: true,
                ..
            }
        )
    }
}

pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Streams `src` into the store while hashing it, up to `max_bytes`. When this returns, the
    /// blob is durable (the bytes and their name survive a crash). Same bytes: nothing written.
    fn put(&self, src: &mut dyn Read, max_bytes: u64) -> Result<PutBlob, BlobError>;

    /// The raw bytes of a blob. Use [`crate::VerifyingReader`] to check them on the way out.
    fn open(&self, digest: &Sha256Digest) -> Result<Box<dyn Read + Send>, BlobError>;

    /// `len` bytes of a blob from byte `start` (an HTTP Range request). Not re-hashed: a part
    /// cannot be checked against the whole's hash; background verification covers it. The
    /// default reads and discards up to `start`; stores that can seek do better.
    fn open_range(
        &self,
        digest: &Sha256Digest,
        start: u64,
        len: u64,
    ) -> Result<Box<dyn Read + Send>, BlobError> {
        let mut raw = self.open(digest)?;
        std::io::copy(&mut (&mut raw).take(start), &mut std::io::sink())
            .map_err(BlobError::Source)?;
        Ok(Box::new(raw.take(len)))
    }

    /// The size of a blob, or `None` if there is none by that name.
    fn size(&self, digest: &Sha256Digest) -> Result<Option<u64>, BlobError>;

    /// Every blob name in the store, in no particular order.
    fn list(
        &self,
    ) -> Result<Box<dyn Iterator<Item = Result<Sha256Digest, BlobError>> + '_>, BlobError>;

    /// A human description of where the blobs live, for messages.
    fn location(&self) -> String;
}
