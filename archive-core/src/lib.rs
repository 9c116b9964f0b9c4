//! The store of kho: where original bytes, records and the access ledger live, and the only crate
//! that writes them.
//!
//! An [`Archive`] is one store folder: a [`BlobStore`] of original bytes named by their sha256, a
//! [`Catalog`] in sled (records, owner and hash indexes, sequence numbers) and the hash-chained
//! access ledger inside the same sled database. The facade keeps the invariants of design.md:
//! bytes are durable before the record that points at them, a record and its ledger event commit
//! together, nothing stored is modified or deleted, and reads go through a re-hashing reader.
//!
//! This crate does not parse files, extract text or speak HTTP.

mod access;
pub mod accounts;
mod archive;
pub mod bag;
pub mod batches;
pub mod blob;
mod catalog;
mod digest;
mod error;
pub mod fixity;
mod group_flush;
pub mod journal;
pub mod ledger;
mod memory;
mod previews;
pub mod search;
mod verify;

pub use access::ReadReason;
pub use archive::{
    Archive, IngestStatus, Ingested, NewDocument, StoreOptions, DEFAULT_MAX_FILE_BYTES,
    DOC_TYPES_FILE, STORE_VERSION,
};
pub use blob::{BlobError, BlobStore, LocalBlobStore, PutBlob, S3BlobStore, S3Config};
pub use catalog::{Catalog, Inserted};
pub use digest::{HashingReader, Sha256Digest, VerifyingReader};
pub use error::{ArchiveError, Result};
pub use verify::{DamagedBlob, VerifyReport};
