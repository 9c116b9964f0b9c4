//! The way into the store: recognising files by content, opening them under hard limits to count
//! their pages, and handing them to the archive with validated metadata.
//!
//! Inspection ([`sniff`], [`inspect`]) is a pure function of bytes: it never touches the store,
//! so it can run on any number of threads and be re-run later. [`ingest_file`] is the only part
//! that writes, and it writes only through [`archive_core::Archive`].
//!
//! [`extract`] turns the bytes into page texts: the PDF text layer where it is sound, Vietnamese
//! OCR (tesseract) elsewhere.

mod batch;
pub mod extract;
mod files;
mod inspect;
mod sniff;

pub use batch::{plan_manifest, plan_paths, run, Planned, PlannedItem, Summary};
pub use files::{expand_paths, ingest_file, FileReport, FileStatus, InputError, InputFile};
pub use inspect::{inspect, InspectError, Inspection, Limits};
pub use sniff::{sniff, SniffError, SNIFF_BYTES};
