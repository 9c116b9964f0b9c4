//! The way into the store: recognising files by content, opening them under hard limits to count
//! their pages, and handing them to the archive with validated metadata.
//!
//! Inspection ([`sniff`], [`inspect`]) is a pure function of bytes: it never touches the store,
//! so it can run on any number of threads and be re-run later. Writing goes only through
//! [`archive_core::Archive`], on behalf of the [`schemas::Caller`] who runs the batch or the
//! upload: [`prepare_file`] stores the bytes (on many threads at once) and [`commit_prepared`]
//! the record (by a batch's single writer; a probable rescan is linked there).
//!
//! [`extract`] turns the bytes into page texts: the PDF text layer where it is sound, Vietnamese
//! OCR (tesseract) elsewhere.

#![forbid(unsafe_code)]

mod batch;
pub mod capture;
pub mod certify;
pub mod extract;
mod files;
mod inspect;
mod names;
pub mod pdfgen;
mod pipeline;
mod png_data;
pub mod preview;
pub mod signature;
mod sniff;
pub mod suggest;

pub use batch::{
    plan_manifest, plan_paths, record_upload, run, Batch, Planned, PlannedItem, StoreAs, Summary,
};
pub use files::{
    check_format, commit_prepared, expand_paths, ingest_loaded, ingest_loaded_suggesting,
    load_bytes, load_file, prepare_file, text_warnings, FileReport, FileStatus, InputError,
    InputFile, LoadedFile, Prepared, RejectKind, Stage,
};
pub use inspect::{inspect, Damage, InspectError, Inspection, Limits};
pub use sniff::{sniff, SniffError, SNIFF_BYTES};

/// Sets how many pages are read (OCR) at once, for the whole process. Call once, before any work;
/// the default is one per core.
pub fn set_jobs(jobs: usize) -> Result<(), String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build_global()
        .map_err(|e| e.to_string())
}
