use crate::blob::BlobError;
use std::path::{Path, PathBuf};

/// Everything that can go wrong in the store, each saying where and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("the store at {path} is in use by another kho process (a running `kho serve`, say); stop it or use another --data folder")]
    Locked { path: PathBuf },
    #[error("catalogue error in {path}: {source}; if it persists the catalogue is damaged: build a new store from the last export (`kho --data NEW import BAG`)")]
    Catalog {
        path: PathBuf,
        #[source]
        source: sled::Error,
    },
    /// The store has an index (or a compaction's old catalogue) but no catalogue: opening would
    /// make an empty one and lose every record.
    #[error("the catalogue {path} is missing from this store{}; kho will not make an empty one in its place. Put the catalogue back (or, from an export, `kho --data NEW import BAG`)", match before { Some(b) => format!(" (a compaction's previous catalogue is at {}: move it to {} if nothing newer exists)", b.display(), path.display()), None => String::new() })]
    CatalogMissing {
        path: PathBuf,
        before: Option<PathBuf>,
    },
    /// `kho compact` could not make or swap in the new catalogue; the old one is the store.
    #[error("cannot compact the catalogue ({path}: {detail}); nothing was changed, the store's catalogue is as it was. A compaction needs free space for a copy of the catalogue (about half its size on disk)")]
    Compact { path: PathBuf, detail: String },
    /// An environment setting kho reads has a value it cannot use.
    #[error("{name}={value:?} is not {rule}; fix or unset it")]
    Setting {
        name: &'static str,
        value: String,
        rule: &'static str,
    },
    #[error("damaged catalogue entry {key}: {detail}; run `kho verify`")]
    Damaged { key: String, detail: String },
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error("no document with id {0}")]
    NotFound(String),
    #[error("no batch {0}")]
    NoBatch(u64),
    #[error("no kept stack {0}")]
    NoStack(String),
    /// No share has this id (among the caller's) or this link token.
    #[error("no share {0}")]
    NoShare(String),
    /// No webhook receiver has this name.
    #[error("no webhook receiver {0}")]
    NoWebhook(String),
    /// The share exists but may not be used: revoked, expired, or a one-time link used up.
    #[error("share {id} is {}", state.as_str())]
    ShareGone {
        id: String,
        state: schemas::ShareState,
    },
    /// The policy refused the caller (and the service recorded the attempt where it should be).
    #[error("{0}")]
    Refused(#[from] schemas::policy::Refusal),
    /// The function given to re-extract a blob's text failed on it.
    #[error("the text of blob {sha256} cannot be extracted: {detail}")]
    Extraction { sha256: String, detail: String },
    /// The request is well formed but the store's current state refuses it (a name taken, a
    /// document already revoked).
    #[error("{0}")]
    Conflict(schemas::messages::Message),
    /// A value the caller gave breaks a rule.
    #[error("{0}")]
    Invalid(#[from] schemas::FieldError),
    /// Several values the caller gave break rules, all said at once.
    #[error("{0}")]
    InvalidFields(schemas::FieldErrors),
    #[error("cannot use the store folder {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "search index error in {path}: {detail}; `kho reindex` rebuilds it from the catalogue"
    )]
    Index { path: PathBuf, detail: String },
    #[error("{0}")]
    Query(#[from] crate::search::query::QueryError),
    #[error("{path}: {source}")]
    DocTypes {
        path: PathBuf,
        #[source]
        source: schemas::RuleError,
    },
    #[error("{path}: {source}; fix the file (`kho vocabulary show` prints the table in force), or delete it to use the vocabulary built into kho")]
    Vocabulary {
        path: PathBuf,
        #[source]
        source: schemas::RuleError,
    },
    #[error("{path}: {source}; fix the file, or delete it to use the agency names built into kho")]
    Agencies {
        path: PathBuf,
        #[source]
        source: schemas::RuleError,
    },
    #[error("gazetteer {path}: {source}; fix the file, or delete it to use the gazetteer built into kho")]
    Gazetteer {
        path: PathBuf,
        #[source]
        source: schemas::places::GazetteerError,
    },
    /// A place named in a search that no unit, or several, carry.
    #[error("place {name:?}: {rule}")]
    Place {
        name: String,
        rule: schemas::messages::Message,
    },
    #[error("the bag {path} cannot be imported: {problems}; nothing was imported")]
    Bag { path: PathBuf, problems: String },
    #[error("the store at {path} has layout version {found}; this kho reads version {supported}; use a matching kho release")]
    Version {
        path: PathBuf,
        found: u64,
        supported: u64,
    },
}

pub type Result<T, E = ArchiveError> = std::result::Result<T, E>;

impl ArchiveError {
    /// Broken rules as an error: one as [`ArchiveError::Invalid`], several as
    /// [`ArchiveError::InvalidFields`].
    pub fn fields(mut errors: schemas::FieldErrors) -> Self {
        if errors.0.len() == 1 {
            if let Some(one) = errors.0.pop() {
                return ArchiveError::Invalid(one);
            }
        }
        ArchiveError::InvalidFields(errors)
    }
}

/// `ArchiveError::Io` at `path`, for `map_err`.
pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    }
}
