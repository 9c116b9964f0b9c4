//! The store of kho: where original bytes, records and the access ledger live, and the only crate
//! that writes them.
//!
//! An [`Archive`] is one store folder: a [`BlobStore`] of original bytes named by their sha256, a
//! catalogue in sled (records, owner and hash indexes, sequence numbers) with the hash-chained
//! access ledger inside the same sled database, and a search index derived from them. The
//! catalogue is private: callers get documents only through the [`service`]s, which take the
//! [`schemas::Caller`], apply [`schemas::policy`] and write the ledger event before anything
//! leaves. The facade keeps the invariants of design.md: bytes are durable before the record
//! that points at them ([`PutBlob`]), a record and its ledger event commit together, nothing
//! stored is modified or deleted, and reads go through a re-hashing reader.
//!
//! This crate does not parse files or extract text (callers pass those functions in), and
//! knows no HTTP server; its one HTTP client talks to an S3-compatible bucket ([`blob::s3`]).

// One function needs `unsafe` (memory.rs: glibc's malloc_trim, which has no safe binding); it
// is allowed there alone, and nowhere else.
#![deny(unsafe_code)]

pub mod accounts;
mod archive;
pub mod bag;
pub mod batches;
pub mod blob;
mod catalog;
pub mod delivery;
mod digest;
mod dossiers;
mod error;
pub mod fixity;
mod group_append;
mod group_flush;
mod indicators;
pub mod journal;
pub mod ledger;
mod memory;
pub mod places;
pub mod previews;
pub mod search;
pub mod service;
mod settings;
mod shares;
mod stacks;
mod storing;
mod trust;
mod verify;

pub use archive::{
    Archive, StoreFigures, StoreOptions, AGENCIES_FILE, DEFAULT_MAX_FILE_BYTES, DOC_TYPES_FILE,
    MAX_VOCABULARY_BYTES, STORE_FILE, STORE_VERSION, VOCABULARY_FILE,
};
pub use blob::{BlobError, BlobStore, LocalBlobStore, PutBlob, S3BlobStore, S3Config};
pub use catalog::compact::{CompactProgress, Compacted};
pub use digest::{HashingReader, Sha256Digest, VerifyingReader};
pub use error::{ArchiveError, Result};
pub use service::{
    BatchReport, ByteRange, Document, KeptStack, LedgerEvents, LedgerLine, LedgerLines, LedgerPage,
    LinesQuery, NamedDocument, OriginalAccess, OriginalAnswer, OriginalFacts, OriginalRequest,
    RangeAsked, ReextractTarget, Reextracted, Reused, SessionInfo, SignatureCheck,
    SignatureRecheck,
};
pub use stacks::StackRecord;
pub use storing::{IngestStatus, Ingested, NewDocument};
pub use trust::NewAnchor;
pub use verify::{DamagedBlob, VerifyReport};
