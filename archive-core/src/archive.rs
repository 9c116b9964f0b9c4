//! The [`Archive`] facade: one store folder, its blobs, catalogue, index and ledger, kept
//! consistent. Opening, the store's parts (crate-private), and the work that no caller asks for
//! (verify, index upkeep). What is done on someone's behalf is in [`crate::service`]; storing
//! documents in [`crate::storing`].

use crate::blob::{BlobStore, LocalBlobStore, S3BlobStore, S3Config};
use crate::catalog::Catalog;
use crate::error::io_err;
use crate::journal::Journal;
use crate::search::index::{IndexState, SearchIndex, Tables};
use crate::search::{query, snippet, Hit, SearchRequest, SearchResults};
use crate::verify::{verify, VerifyReport};
use crate::{ArchiveError, Result, Sha256Digest, VerifyingReader};
use crate::{CompactProgress, Compacted};
use schemas::{DocTypes, DocumentRecord, DocumentText, Vocabulary};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The layout version of a store folder; bumped when a release changes it incompatibly.
pub const STORE_VERSION: u64 = 1;
/// The file that makes a folder a store (its layout version, where its originals are).
pub const STORE_FILE: &str = "kho-store.json";
/// An optional CSV in the store folder that extends the built-in document types.
pub const DOC_TYPES_FILE: &str = "doc-types.csv";
/// An optional CSV in the store folder that extends the built-in agency names (`code,name`).
pub const AGENCIES_FILE: &str = "agencies.csv";
/// An optional CSV in the store folder that replaces the built-in search vocabulary
/// (`kho vocabulary import`).
pub const VOCABULARY_FILE: &str = "vocabulary.csv";
/// Largest vocabulary file `import_vocabulary` takes.
pub const MAX_VOCABULARY_BYTES: usize = 1024 * 1024;
/// Default limit on one file's size.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

#[derive(serde::Serialize, serde::Deserialize)]
struct StoreFile {
    kho_store_version: u64,
    /// `s3://BUCKET[/PREFIX]` when the originals live in a bucket; absent for `DIR/blobs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    blobs: Option<String>,
}

/// How to open a store beyond its folder.
#[derive(Debug, Default, Clone)]
pub struct StoreOptions {
    /// `s3://BUCKET[/PREFIX]`: originals in an S3-compatible bucket, reached through the
    /// standard AWS environment variables ([`S3Config::from_env`]). `None`: whatever the store
    /// was created with (its own `blobs/` folder by default). Recorded in `kho-store.json` at
    /// creation; a store cannot be reopened on another location.
    pub blobs: Option<String>,
    /// sled's page cache for this opening, in MiB; `None`: 64. `$KHO_CATALOG_CACHE_MB`, when
    /// set, overrides both (the operator's word over a command's default).
    pub catalog_cache_mb: Option<u64>,
}

/// A store folder:
/// ```text
/// DIR/kho-store.json   layout version
/// DIR/catalog/         sled: records, page texts, indexes, ledger
/// DIR/blobs/ab/cd/SHA  original bytes, read-only
/// DIR/index/           tantivy full-text index (derived: `reindex` rebuilds it)
/// DIR/doc-types.csv    optional: extra document types
/// DIR/vocabulary.csv   optional: the store's search vocabulary (`kho vocabulary import`)
/// DIR/agencies.csv     optional: agency names by code (the province's own list)
/// DIR/places.tsv[.gz]  optional: the store's own gazetteer (`kho places import`)
/// DIR/spool/           incoming files over one part (16 MiB) being hashed, blobs in a bucket
/// ```
pub struct Archive {
    root: PathBuf,
    /// Private to the crate: callers above reach records only through the services.
    pub(crate) catalog: Catalog,
    pub(crate) blobs: Box<dyn BlobStore>,
    index: SearchIndex,
    doc_types: DocTypes,
    /// The domain vocabulary of search (built in, or DIR/vocabulary.csv).
    vocabulary: Vocabulary,
    /// Agency names by code (built in, extended by DIR/agencies.csv).
    agencies: schemas::Agencies,
    max_file_bytes: u64,
    /// How a clerk's dossier is checked (`kho serve --dossier-check`).
    dossier_check: schemas::DossierCheck,
    /// This node's journal in the bucket, when the blobs are in one ([`crate::journal`]).
    pub(crate) journal: Option<Journal>,
    /// Refused attempts recorded since the store was opened (for metrics).
    pub(crate) refused: std::sync::atomic::AtomicU64,
    /// Units of both eras and their succession ([`crate::places`]).
    pub(crate) gazetteer: std::sync::Arc<schemas::Gazetteer>,
    pub(crate) gazetteer_file: Option<PathBuf>,
}

/// Counts read from the store for metrics and readiness, without walking anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreFigures {
    pub documents: u64,
    /// Catalogue changes not yet in the search index.
    pub index_pending: u64,
    pub ledger_events: u64,
    /// Attempts the policy refused (and the ledger recorded) since the store was opened.
    pub refused: u64,
}

/// The text of an optional file of the store folder (a table that extends a built-in one), or
/// `None` when there is none.
fn optional_text(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(path)(e)),
    }
}

/// A stored sha256 read back as a digest; `key` names where it was found, for the message.
fn digest_named(sha256: &str, key: &str) -> Result<Sha256Digest> {
    Sha256Digest::from_hex(sha256).ok_or_else(|| ArchiveError::Damaged {
        key: key.to_string(),
        detail: format!("sha256 {sha256:?} is not 64 hex digits"),
    })
}

/// Lower-case base32 in the order of its values: each character sorts as the five bits it holds.
const SORTED_BASE32: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// How many of a record id's characters carry its blob's sha256 (20 bits).
const ID_CHARS_OF_SHA: usize = 4;

/// 26 characters of lower-case base32: opaque, not sequential, not guessable. The first four
/// are the first 20 bits of the blob's sha256, in an alphabet that sorts as its values do; the
/// other 22 are random (110 bits). So records in id order are in the order of their texts'
/// keys (the blob's sha256), and a walk of every record (an index rebuild) reads the page
/// texts in key order: one catalogue page for many texts, where random ids read one page per
/// text, about six times the work (docs/benchmarks.md, "Where a rebuild's text reads go").
/// Twenty bits tell nothing of a paper to anyone who has not got it.
pub(crate) fn new_record_id(blob: &Sha256Digest) -> Result<String> {
    let [b0, b1, b2, ..] = blob.0;
    let prefix = (u32::from(b0) << 12) | (u32::from(b1) << 4) | (u32::from(b2) >> 4);
    let mut id: String = (0..ID_CHARS_OF_SHA)
        .rev()
        .map(|i| SORTED_BASE32[((prefix >> (5 * i)) & 31) as usize] as char)
        .collect();
    id.push_str(&random_base32(26 - ID_CHARS_OF_SHA)?);
    Ok(id)
}

/// 26 random characters of lower-case base32 (130 bits), for what has no blob (shares).
pub(crate) fn new_opaque_id() -> Result<String> {
    random_base32(26)
}

fn random_base32(chars: usize) -> Result<String> {
    let mut bytes = vec![0u8; chars];
    getrandom::fill(&mut bytes).map_err(|e| ArchiveError::Io {
        path: PathBuf::from("(system random source)"),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(bytes
        .iter()
        .map(|b| SORTED_BASE32[usize::from(b & 31)] as char)
        .collect())
}

impl Archive {
    /// Opens the store at `root`, creating it on first use.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        Self::open_with(root, &StoreOptions::default())
    }

    /// Opens the store at `root` with `options`, creating it on first use.
    pub fn open_with(root: impl Into<PathBuf>, options: &StoreOptions) -> Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root).map_err(io_err(&root))?;
        let stored = Self::check_version(&root)?;
        // The catalogue's lock guards the whole folder, so take it before touching blobs.
        let catalog = Catalog::open(
            &root.join("catalog"),
            &root.join("index"),
            options.catalog_cache_mb,
        )?;
        let blobs_url = match (&options.blobs, &stored.blobs) {
            (Some(asked), Some(kept)) if asked != kept => {
                return Err(ArchiveError::Conflict(
                    schemas::messages::Message::new(&schemas::messages::CONFLICT_BLOBS_ELSEWHERE)
                        .with("root", root.display())
                        .with("kept", kept)
                        .with("asked", asked),
                ))
            }
            (Some(asked), None) if catalog.last_seq()? > 0 => {
                return Err(ArchiveError::Conflict(
                    schemas::messages::Message::new(&schemas::messages::CONFLICT_BLOBS_CANNOT_MOVE)
                        .with("root", root.display())
                        .with("asked", asked),
                ))
            }
            (asked, kept) => asked.clone().or_else(|| kept.clone()),
        };
        let (blobs, journal): (Box<dyn BlobStore>, Option<Journal>) = match &blobs_url {
            None => (Box::new(LocalBlobStore::open(root.join("blobs"))?), None),
            Some(url) => {
                let config = S3Config::from_env(url)?;
                let store = S3BlobStore::open(&config, root.join("spool"))?;
                let journal = Journal::open(store.client(), catalog.node_id()?)?;
                (Box::new(store), Some(journal))
            }
        };
        if stored.blobs != blobs_url {
            Self::write_store_file(&root, blobs_url)?;
        }
        let mut index = SearchIndex::open(&root.join("index"))?;
        index.restart_if_ahead_of(catalog.last_seq()?)?;
        let mut doc_types = DocTypes::builtin();
        let extra = root.join(DOC_TYPES_FILE);
        if let Some(text) = optional_text(&extra)? {
            doc_types
                .extend_from_csv(&text)
                .map_err(|source| ArchiveError::DocTypes {
                    path: extra.clone(),
                    source,
                })?;
        }
        let vocabulary = Self::load_vocabulary(&root, &doc_types)?;
        let mut agencies = schemas::Agencies::builtin();
        let agencies_file = root.join(AGENCIES_FILE);
        if let Some(text) = optional_text(&agencies_file)? {
            agencies
                .extend_from_csv(&text)
                .map_err(|source| ArchiveError::Agencies {
                    path: agencies_file.clone(),
                    source,
                })?;
        }
        let (gazetteer, gazetteer_file) = crate::places::load(&root)?;
        Ok(Archive {
            root,
            catalog,
            blobs,
            index,
            doc_types,
            vocabulary,
            agencies,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            dossier_check: schemas::DossierCheck::Format,
            journal,
            refused: Default::default(),
            gazetteer,
            gazetteer_file,
        })
    }

    fn write_store_file(root: &Path, blobs: Option<String>) -> Result<()> {
        let path = root.join(STORE_FILE);
        let body = serde_json::to_vec_pretty(&StoreFile {
            kho_store_version: STORE_VERSION,
            blobs,
        })
        .unwrap_or_default();
        std::fs::write(&path, body).map_err(io_err(&path))
    }

    fn check_version(root: &Path) -> Result<StoreFile> {
        let path = root.join(STORE_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let file: StoreFile =
                    serde_json::from_slice(&bytes).map_err(|e| ArchiveError::Damaged {
                        key: path.display().to_string(),
                        detail: e.to_string(),
                    })?;
                if file.kho_store_version != STORE_VERSION {
                    return Err(ArchiveError::Version {
                        path,
                        found: file.kho_store_version,
                        supported: STORE_VERSION,
                    });
                }
                Ok(file)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Self::write_store_file(root, None)?;
                Ok(StoreFile {
                    kho_store_version: STORE_VERSION,
                    blobs: None,
                })
            }
            Err(e) => Err(io_err(&path)(e)),
        }
    }

    /// Rewrites the catalogue into a new one, every entry checked, and swaps it in (`kho
    /// compact`): the space sled's log keeps for old versions is given back, and a catalogue
    /// made before compression is compressed (`$KHO_CATALOG_COMPRESSION` chooses; `off` writes
    /// it uncompressed). Takes the archive: the store is closed when it returns. Blobs and the
    /// index are not touched (the sequence numbers the index follows are copied as they are).
    pub fn compact(self, progress: &mut dyn FnMut(&CompactProgress<'_>)) -> Result<Compacted> {
        self.catalog.compact(progress)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn doc_types(&self) -> &DocTypes {
        &self.doc_types
    }

    fn load_vocabulary(root: &Path, doc_types: &DocTypes) -> Result<Vocabulary> {
        let path = root.join(VOCABULARY_FILE);
        match optional_text(&path)? {
            Some(text) => Vocabulary::from_csv(&text, doc_types)
                .map_err(|source| ArchiveError::Vocabulary { path, source }),
            None => Ok(Vocabulary::builtin()),
        }
    }

    /// Agency names by code: how an agency code is shown to people.
    pub fn agencies(&self) -> &schemas::Agencies {
        &self.agencies
    }

    /// The domain vocabulary search expands queries with.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Replaces the store's vocabulary with a CSV table (`term,doc_type,words`), checked whole
    /// against the store's document types before anything is written; kept as
    /// DIR/vocabulary.csv (written beside it, then renamed). Returns the number of rows. Queries
    /// are expanded at search time, so nothing needs reindexing.
    pub fn import_vocabulary(&mut self, csv_text: &str) -> Result<usize> {
        let path = self.root.join(VOCABULARY_FILE);
        if csv_text.len() > MAX_VOCABULARY_BYTES {
            return Err(ArchiveError::Vocabulary {
                path,
                source: schemas::RuleError::new(&schemas::messages::VOCABULARY_TOO_LARGE)
                    .with("max", MAX_VOCABULARY_BYTES)
                    .with("got", csv_text.len()),
            });
        }
        let vocabulary = Vocabulary::from_csv(csv_text, &self.doc_types).map_err(|source| {
            ArchiveError::Vocabulary {
                path: path.clone(),
                source,
            }
        })?;
        let temp = path.with_extension("csv.new");
        std::fs::write(&temp, vocabulary.to_csv()).map_err(io_err(&temp))?;
        std::fs::rename(&temp, &path).map_err(io_err(&path))?;
        let rows = vocabulary.rows().len();
        self.vocabulary = vocabulary;
        Ok(rows)
    }

    /// The users and tokens of this store (hashing and deciding belong to the caller).
    pub fn accounts(&self) -> &crate::accounts::Accounts {
        self.catalog.accounts()
    }

    /// The record of batch runs (what each `kho ingest` did, file by file).
    pub fn batches(&self) -> &crate::batches::Batches {
        self.catalog.batches()
    }

    pub(crate) fn blobs(&self) -> &dyn BlobStore {
        self.blobs.as_ref()
    }

    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_bytes
    }

    pub fn set_max_file_bytes(&mut self, max: u64) {
        self.max_file_bytes = max;
    }

    /// How a clerk's dossier is checked. A store opens with [`schemas::DossierCheck::Format`]
    /// (the console and the benchmarks serve no clerk); `kho serve` sets what its
    /// `--dossier-check` says, `registered` unless told otherwise.
    pub fn dossier_check(&self) -> schemas::DossierCheck {
        self.dossier_check
    }

    pub fn set_dossier_check(&mut self, check: schemas::DossierCheck) {
        self.dossier_check = check;
    }

    /// Makes every commit so far durable (concurrent callers share the fsync).
    pub fn flush(&self) -> Result<()> {
        self.catalog.flush()
    }

    /// The page texts of a blob, unledgered: for the services and the write path.
    pub(crate) fn text_of(&self, sha256: &str) -> Result<Option<DocumentText>> {
        self.catalog.text(sha256)
    }

    /// Reads a blob whole, verifying it, unledgered: for the services that ledger what they
    /// make of it (a preview, a re-extraction).
    pub(crate) fn read_blob(&self, sha256: &str, max_bytes: u64) -> Result<Vec<u8>> {
        let digest = digest_named(sha256, sha256)?;
        let mut bytes = Vec::new();
        VerifyingReader::new(self.blobs.open(&digest)?, digest)
            .take(max_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| ArchiveError::Io {
                path: PathBuf::from(self.blobs.location()).join(sha256),
                source,
            })?;
        Ok(bytes)
    }

    /// The blob digest a record names.
    pub(crate) fn digest_of(record: &DocumentRecord) -> Result<Sha256Digest> {
        digest_named(&record.sha256, &format!("record {}", record.id))
    }

    /// A record, without recording a read: for the services, which decide and ledger.
    pub(crate) fn record(&self, id: &str) -> Result<DocumentRecord> {
        self.catalog
            .get(id.trim())?
            .ok_or_else(|| ArchiveError::NotFound(id.trim().to_string()))
    }

    /// How many documents, ledger events and index changes to come there are.
    pub fn figures(&self) -> Result<StoreFigures> {
        Ok(StoreFigures {
            documents: self.catalog.record_count() as u64,
            index_pending: self
                .index_state()
                .pending(self.catalog.last_seq()?, self.catalog.record_count() as u64),
            ledger_events: self.catalog.ledger_len() as u64,
            refused: self.refused.load(std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// Re-hashes every blob and cross-checks blobs, records, the ledger and the search index.
    pub fn verify(&self, progress: &mut dyn FnMut(u64)) -> Result<VerifyReport> {
        let mut report = verify(&self.catalog, self.blobs.as_ref(), progress)?;
        let state = self.index.state();
        let mut ids = Vec::new();
        for item in self.catalog.ids_by_seq() {
            let (seq, id) = item?;
            if state.holds(seq, &id) {
                ids.push(id);
            } else {
                report.index_pending += 1;
            }
        }
        report.index_missing = self.index.missing(ids.iter().map(String::as_str))?;
        report.journal_pending = self.journal_pending()?;
        Ok(report)
    }

    fn tables(&self) -> Tables<'_> {
        Tables {
            doc_types: &self.doc_types,
            gazetteer: &self.gazetteer,
        }
    }

    /// Brings the search index up to date with the catalogue (what changed since its last commit).
    /// Called at start-up by the commands that search, and after every batch.
    pub fn sync_index(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        self.index.sync(&self.catalog, self.tables(), progress)
    }

    /// [`Archive::sync_index`] that stops early once `stop()` says so, keeping what it indexed
    /// (committed): the server's background catch-up, stopped with the server.
    pub fn sync_index_until(
        &self,
        progress: &mut dyn FnMut(u64, u64),
        stop: &dyn Fn() -> bool,
    ) -> Result<u64> {
        self.index
            .sync_until(&self.catalog, self.tables(), progress, stop)
    }

    /// Rebuilds the search index from the catalogue; resumes an interrupted rebuild.
    pub fn reindex(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        self.index.rebuild(&self.catalog, self.tables(), progress)
    }

    /// Waits for the search index's merges of segments to finish. A command that ends after a
    /// rebuild calls it, so that it does not abandon the merges its rebuild started (the server
    /// lets them run in the background instead).
    pub fn finish_index_merges(&self) -> Result<()> {
        self.index.finish_merges()
    }

    /// Why the bucket of originals did not answer when the store was opened, if it did not:
    /// records and search work, originals cannot be read or stored until it answers.
    pub fn blobs_unreachable(&self) -> Option<&str> {
        self.journal.as_ref().and_then(Journal::unreachable)
    }

    /// Why the search index was found damaged and started afresh at open, if it was.
    pub fn index_reset(&self) -> Option<&str> {
        self.index.reset()
    }

    pub fn index_state(&self) -> IndexState {
        self.index.state()
    }

    /// Searches, unledgered (the service [`Archive::search`] decides and ledgers). The index
    /// finds candidates; each hit is read back from the catalogue, which decides its state (as of
    /// `today`) and its snippet. A hit the catalogue no longer holds, or that is not valid when
    /// only valid documents are asked for, is dropped.
    pub(crate) fn search_catalogue(
        &self,
        req: &SearchRequest,
        today: schemas::Date,
    ) -> Result<SearchResults> {
        query::parse(&req.query)?;
        // Step 1, places; step 2, the domain vocabulary, on the words places left.
        let expanded = crate::search::expand::expand(&self.gazetteer, req)?;
        let terms =
            crate::search::vocabulary::expand(&self.vocabulary, &self.doc_types, &expanded.rest);
        let rest = query::parse(&terms.rest)?;
        // Snippets mark the words typed (places included), a term only where it is one word.
        let parsed = query::parse(&terms.for_snippets(&req.query))?;
        let mut found =
            self.index
                .search(req, &expanded.index_query(&rest, &terms.clauses), today)?;
        found.facets.name_places(&self.gazetteer);
        let mut hits = Vec::with_capacity(found.hits.len());
        for (id, score) in found.hits {
            let Some(record) = self.catalog.get(&id)? else {
                continue;
            };
            let state = record.state(today);
            if req.valid_only && state != schemas::State::Valid {
                continue;
            }
            let body = self
                .catalog
                .text(&record.sha256)?
                .map(|t| t.joined())
                .unwrap_or_default();
            let mut snip = snippet::snippet(&body, &parsed);
            if !snip.contains("<b>") {
                let m = &record.metadata;
                let meta = [
                    Some(m.title.as_str()),
                    m.owner_name.as_deref(),
                    m.issuer.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
                let from_meta = snippet::snippet(&meta, &parsed);
                if from_meta.contains("<b>") || snip.is_empty() {
                    snip = from_meta;
                }
            }
            hits.push(Hit {
                record,
                score,
                state,
                snippet: snip,
            });
        }
        Ok(SearchResults {
            total: found.total,
            hits,
            facets: found.facets,
            place_expansion: expanded.shown,
            vocabulary_expansion: terms.shown,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_are_opaque_and_distinct() {
        let blob = Sha256Digest([7; 32]);
        let ids: std::collections::HashSet<String> = (0..1000)
            .map(|_| new_record_id(&blob).unwrap())
            .chain((0..1000).map(|_| new_opaque_id().unwrap()))
            .collect();
        assert_eq!(ids.len(), 2000);
        assert!(ids.iter().all(|id| id.len() == 26
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))));
    }

    proptest::proptest! {
        /// Record ids sort as their blobs' sha256 do, to the 20 bits they carry: a walk of the
        /// records in id order reads the texts (keyed by sha256) in their order.
        #[test]
        fn record_ids_sort_as_their_blobs(a: [u8; 32], b: [u8; 32]) {
            let (id_a, id_b) = (
                new_record_id(&Sha256Digest(a)).unwrap(),
                new_record_id(&Sha256Digest(b)).unwrap(),
            );
            let prefix = |d: &[u8; 32]| (d[0], d[1], d[2] >> 4);
            let hex = |d: &[u8; 32]| Sha256Digest(*d).to_hex();
            proptest::prop_assert_eq!(prefix(&a).cmp(&prefix(&b)), id_a[..4].cmp(&id_b[..4]));
            if prefix(&a) != prefix(&b) {
                proptest::prop_assert_eq!(hex(&a).cmp(&hex(&b)), id_a.cmp(&id_b));
            }
        }
    }
}
