//! The store's gazetteer and the places of its records.
//!
//! A store reads the gazetteer built into kho (`schemas/data/places.tsv.gz`) unless an operator
//! gave it another one (`kho places import FILE`, kept as `DIR/places.tsv[.gz]`): a later
//! correction of the units or of the succession map. Places are derived data: recognized from a
//! record's issuer and text at ingest and re-extraction, and again for every record when the
//! gazetteer changes. Replacing the gazetteer and reading the places again are done on an
//! operator's behalf, ledgered: [`crate::service::places`].

use crate::archive::Archive;
use crate::{ArchiveError, Result};
use schemas::places::agency::AgencySuccession;
use schemas::{DocumentMetadata, DocumentRecord, DocumentText, Gazetteer, RecognizedPlace};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A gazetteer given to the store, gzip-compressed or plain (sniffed, not named).
pub const PLACES_FILES: [&str; 2] = ["places.tsv.gz", "places.tsv"];
/// The largest gazetteer file `kho places import` reads.
pub const MAX_IMPORT_BYTES: u64 = schemas::places::MAX_GAZETTEER_BYTES;

/// What an imported gazetteer holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GazetteerSummary {
    pub provinces_before: usize,
    pub districts_before: usize,
    pub communes_before: usize,
    pub provinces_after: usize,
    pub communes_after: usize,
    pub successions: usize,
}

impl GazetteerSummary {
    pub fn of(g: &Gazetteer) -> Self {
        use schemas::places::{Era, Level};
        GazetteerSummary {
            provinces_before: g.count(Era::Before2025, Level::Province),
            districts_before: g.count(Era::Before2025, Level::District),
            communes_before: g.count(Era::Before2025, Level::Commune),
            provinces_after: g.count(Era::From2025, Level::Province),
            communes_after: g.count(Era::From2025, Level::Commune),
            successions: g.succession_count(),
        }
    }
}

pub(crate) fn gazetteer_error(
    path: &Path,
) -> impl FnOnce(schemas::places::GazetteerError) -> ArchiveError + '_ {
    move |source| ArchiveError::Gazetteer {
        path: path.to_path_buf(),
        source,
    }
}

/// The gazetteer a store folder reads, without opening the store (which a running server
/// holds): explaining a name needs no lock.
pub fn gazetteer_of(root: &Path) -> Result<Arc<Gazetteer>> {
    load(root).map(|(g, _)| g)
}

/// The store's own gazetteer if it has one, else the built-in one.
pub(crate) fn load(root: &Path) -> Result<(Arc<Gazetteer>, Option<PathBuf>)> {
    for name in PLACES_FILES {
        let path = root.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let g = Gazetteer::parse_bytes(&bytes).map_err(gazetteer_error(&path))?;
                return Ok((Arc::new(g), Some(path)));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(ArchiveError::Io { path, source }),
        }
    }
    let builtin = PathBuf::from("(built into kho)");
    Ok((
        Gazetteer::builtin().map_err(gazetteer_error(&builtin))?,
        None,
    ))
}

impl Archive {
    /// The gazetteer this store reads places with.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// The store's own gazetteer file, when it has one (`kho places import`).
    pub fn gazetteer_file(&self) -> Option<&Path> {
        self.gazetteer_file.as_deref()
    }

    /// The places a document names: its issuer's, then its text's, read in the era of its issue
    /// date.
    pub fn places_of(
        &self,
        metadata: &DocumentMetadata,
        text: Option<&DocumentText>,
    ) -> Vec<RecognizedPlace> {
        let joined = text.map(DocumentText::joined);
        self.gazetteer.recognize_document(
            metadata.issuer.as_deref(),
            metadata.issued_on,
            joined.as_deref(),
        )
    }

    /// What became of the unit of a record's issuer on 1 July 2025, for an agency of a unit
    /// before it (none for today's units). Part of a document's read
    /// ([`Archive::read_document`]).
    pub(crate) fn issuer_today_of(&self, record: &DocumentRecord) -> Option<AgencySuccession> {
        let issuer = record.metadata.issuer.as_deref()?;
        self.gazetteer.agency_succession(issuer, &record.places)
    }
}
