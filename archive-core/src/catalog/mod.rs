//! The catalogue: records and their indexes in sled, the single source of truth for what is
//! stored, its state, and who read it. Private to `archive-core`: everything above reaches it
//! through [`crate::Archive`], whose services decide access and write the ledger.
//!
//! Trees (keys are bytes; values JSON unless said otherwise, see [`codec`]):
//! - `records`    id -> record
//! - `owner_docs` owner id, 0x00, doc id -> (empty)
//! - `sha_docs`   sha256 hex, 0x00, owner id -> doc id (dedupe and "which records use this blob")
//! - `seq_docs`   seq (u64 big-endian) -> doc id (what the index and replicas catch up from)
//! - `meta`       `seq` (u64 big-endian), `record_count`, `ledger_head`, cursors
//! - `ledger`     event seq (u64 big-endian) -> ledger event
//! - `texts`      sha256 hex -> page texts (text is a function of the bytes, shared by owners)
//! - `event_refs` `o` owner id or `d` doc id (and others), 0x00, first event seq of a block or
//!   `u64::MAX` for the open one -> event seqs: each owner's and each document's events, in
//!   blocks, so that "who read my documents" does not walk the whole ledger ([`crate::ledger`])
//! - `fixity`     sha256 hex -> the last background check of that blob ([`crate::fixity`])
//! - `replicated` seq -> (empty): changes that came from another node's journal
//! - `indicators` per-day, per-agency counters moved by ledger events: see [`crate::indicators`]
//! - `users`, `tokens`: see [`crate::accounts`]; `batches`, `batch_lines`: [`crate::batches`]

pub(crate) mod codec;
pub(crate) mod compact;
mod replicate;

pub(crate) use replicate::Applied;

use self::codec::{decode, encode, read_u64, tx_err, CatalogTxError};
use crate::indicators::CountingTx;
use crate::ledger::{self, LedgerCheck, LedgerTx};
use crate::{ArchiveError, Result};
use schemas::{DocumentRecord, DocumentText, LedgerEvent, NewEvent};
use sled::transaction::{
    ConflictableTransactionError, TransactionError, Transactional, TransactionalTree,
};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

const SEQ_KEY: &[u8] = b"seq";
const NODE_KEY: &[u8] = b"node_id";
/// How many records there are (sled's `len` walks the whole tree; metrics ask often).
const RECORD_COUNT_KEY: &[u8] = b"record_count";
/// Set once `event_refs` holds every ledger event (stores from before it existed are backfilled).
const REFS_READY_KEY: &[u8] = b"event_refs_v2";

type TxResult<T> = std::result::Result<T, ConflictableTransactionError<CatalogTxError>>;

fn sha_key(sha256: &str, owner: &str) -> Vec<u8> {
    [sha256.as_bytes(), b"\0", owner.as_bytes()].concat()
}

fn owner_key(owner: &str, id: &str) -> Vec<u8> {
    [owner.as_bytes(), b"\0", id.as_bytes()].concat()
}

/// Gives `record` the next sequence number, filed in `seq_docs` in place of its `previous` one,
/// so that derived data (the index, the bucket's journal) catches up with it.
fn renumber(
    meta: &TransactionalTree,
    seq_docs: &TransactionalTree,
    record: &mut DocumentRecord,
    previous: Option<u64>,
) -> TxResult<()> {
    if let Some(old) = previous {
        seq_docs.remove(&old.to_be_bytes())?;
    }
    let seq = read_u64(meta.get(SEQ_KEY)?) + 1;
    meta.insert(SEQ_KEY, &seq.to_be_bytes())?;
    record.seq = seq;
    seq_docs.insert(&seq.to_be_bytes(), record.id.as_bytes())?;
    Ok(())
}

/// The trees a record new to this catalogue is filed in, within one transaction.
struct NewRecordTrees<'a> {
    records: &'a TransactionalTree,
    owner_docs: &'a TransactionalTree,
    sha_docs: &'a TransactionalTree,
    meta: &'a TransactionalTree,
}

/// What filing a new record found already there.
struct Filed {
    /// Another record had this id.
    id_taken: bool,
    /// The owner already had a record of these bytes (the dedupe key keeps pointing at it).
    bytes_taken: bool,
}

/// Files `record`, new to this catalogue (its sequence number already settled), under its id,
/// its owner and its bytes, and counts it: the one place that knows a new record's indexes.
/// An insert, a record replicated from another node and a restored one all come through here.
fn file_new_record(t: &NewRecordTrees<'_>, record: &DocumentRecord) -> TxResult<Filed> {
    let owner = record.metadata.owner_id.as_str();
    let id = record.id.as_bytes();
    let id_taken = t
        .records
        .insert(id, encode(record).map_err(tx_err)?)?
        .is_some();
    t.owner_docs.insert(owner_key(owner, &record.id), &[])?;
    let dedupe_key = sha_key(&record.sha256, owner);
    let bytes_taken = t.sha_docs.get(&dedupe_key)?.is_some();
    if !bytes_taken {
        t.sha_docs.insert(dedupe_key, id)?;
    }
    if !id_taken {
        let count = read_u64(t.meta.get(RECORD_COUNT_KEY)?) + 1;
        t.meta.insert(RECORD_COUNT_KEY, &count.to_be_bytes())?;
    }
    Ok(Filed {
        id_taken,
        bytes_taken,
    })
}

/// What an insert did: stored a new record, or found the same bytes already stored for the owner.
#[derive(Debug, Clone)]
pub(crate) enum Inserted {
    Stored(DocumentRecord),
    Duplicate(DocumentRecord),
}

pub(crate) struct Catalog {
    path: PathBuf,
    db: sled::Db,
    records: sled::Tree,
    owner_docs: sled::Tree,
    sha_docs: sled::Tree,
    seq_docs: sled::Tree,
    meta: sled::Tree,
    ledger: sled::Tree,
    texts: sled::Tree,
    event_refs: sled::Tree,
    /// The indicators' counters, moved in each ledger transaction ([`crate::indicators`]).
    indicators: sled::Tree,
    /// sha256 hex -> the last background check of that blob ([`crate::fixity`]).
    pub(crate) fixity: sled::Tree,
    accounts: crate::accounts::Accounts,
    batches: crate::batches::Batches,
    stacks: crate::stacks::Stacks,
    group_flush: crate::group_flush::GroupFlush,
    /// Concurrent [`Catalog::append_events`] calls, run a round at a time in one transaction.
    appends: crate::group_append::GroupAppend<EventsToAppend, Result<Vec<LedgerEvent>>>,
    /// Every write to what a bag carries (records, texts, the ledger) holds this shared; an
    /// online export holds it exclusively while it reads them, so that it reads one moment.
    writes: std::sync::RwLock<()>,
    /// Sequence numbers given to changes that came from another node's journal.
    replicated: sled::Tree,
}

/// How long `open` waits for a catalogue lock that is being released.
///
/// sled releases its file lock only when its last background thread lets go of the database, a
/// moment after the handle is dropped, so reopening a store in the same process can find the lock
/// still held. Another process that really holds the store keeps it longer than this, and then the
/// caller gets `Locked`.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// sled's page cache: `$KHO_CATALOG_CACHE_MB`, else what the opener asked for, else 64 MiB
/// (sled's own default is 1 GiB). Reads that miss it are served by the operating system's page
/// cache. sled counts it in compressed bytes, so it holds about three times that in memory; it
/// is not a bound on sled's memory (its page table grows with the entries, docs/benchmarks.md).
fn cache_bytes(asked_mb: Option<u64>) -> Result<u64> {
    const MB: std::ops::RangeInclusive<u64> = 8..=64 * 1024;
    let said = crate::settings::whole_number(
        "KHO_CATALOG_CACHE_MB",
        MB,
        "a whole number of MiB from 8 to 65536",
    )?;
    let mb = said.or(asked_mb).unwrap_or(64);
    Ok(mb.clamp(*MB.start(), *MB.end()) * 1024 * 1024)
}

fn open_sled_waiting_for_lock(config: &sled::Config, path: &Path) -> Result<sled::Db> {
    let started = std::time::Instant::now();
    loop {
        match config.open() {
            Ok(db) => return Ok(db),
            Err(source) => {
                let locked = matches!(&source, sled::Error::Io(e)
                    if e.kind() == std::io::ErrorKind::WouldBlock
                        || e.to_string().contains("could not acquire lock"));
                if !locked {
                    return Err(ArchiveError::Catalog {
                        path: path.to_path_buf(),
                        source,
                    });
                }
                if started.elapsed() >= LOCK_WAIT {
                    return Err(ArchiveError::Locked {
                        path: path.to_path_buf(),
                    });
                }
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
        }
    }
}

impl Catalog {
    /// Opens (creating) the catalogue and takes its exclusive lock.
    pub(crate) fn open(path: &Path, index: &Path, cache_mb: Option<u64>) -> Result<Self> {
        compact::finish_interrupted_swap(path, index)?;
        let config = compact::sled_config(
            path,
            compact::level_for_new_catalogues()?,
            cache_bytes(cache_mb)?,
        )?;
        let db = open_sled_waiting_for_lock(&config, path)?;
        // The lock is held: nothing is compacting this catalogue, whatever lies beside it.
        compact::remove_leftovers(path);
        let tree = |name: &str| {
            db.open_tree(name).map_err(|source| ArchiveError::Catalog {
                path: path.to_path_buf(),
                source,
            })
        };
        let catalog = Catalog {
            records: tree("records")?,
            owner_docs: tree("owner_docs")?,
            sha_docs: tree("sha_docs")?,
            seq_docs: tree("seq_docs")?,
            meta: tree("meta")?,
            ledger: tree("ledger")?,
            texts: tree("texts")?,
            event_refs: tree(ledger::refs::TREE)?,
            indicators: tree(crate::indicators::TREE)?,
            fixity: tree("fixity")?,
            replicated: tree("replicated")?,
            accounts: crate::accounts::Accounts::new(
                tree("users")?,
                tree("tokens")?,
                tree("provider_links")?,
                path,
            ),
            batches: crate::batches::Batches::new(tree("batches")?, tree("batch_lines")?, path),
            stacks: crate::stacks::Stacks::new(tree("stacks")?, path),
            group_flush: Default::default(),
            appends: Default::default(),
            writes: Default::default(),
            path: path.to_path_buf(),
            db,
        };
        if catalog
            .meta
            .get(REFS_READY_KEY)
            .map_err(catalog.err())?
            .is_none()
        {
            ledger::backfill_refs(&catalog.ledger, &catalog.event_refs)?;
            catalog
                .meta
                .insert(REFS_READY_KEY, &[1])
                .map_err(catalog.err())?;
        }
        // A store whose ledger is empty gets every event counted from its first: its counters
        // are built. An older store's are built by `kho report rebuild` (or on first need).
        if ledger::head_seq(&catalog.meta) == 0 {
            catalog
                .indicators
                .insert(crate::indicators::BUILT_KEY, &[1])
                .map_err(catalog.err())?;
        }
        if catalog
            .meta
            .get(RECORD_COUNT_KEY)
            .map_err(catalog.err())?
            .is_none()
        {
            let count = catalog.records.len() as u64;
            catalog
                .meta
                .insert(RECORD_COUNT_KEY, &count.to_be_bytes())
                .map_err(catalog.err())?;
        }
        Ok(catalog)
    }

    /// Held while writing records, texts or the ledger (see `writes`).
    fn writing(&self) -> std::sync::RwLockReadGuard<'_, ()> {
        self.writes.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Holds every write to records, texts and the ledger until the guard is dropped: what they
    /// hold meanwhile is one consistent moment (an online export reads them under it).
    pub(crate) fn pause_writes(&self) -> std::sync::RwLockWriteGuard<'_, ()> {
        self.writes.write().unwrap_or_else(|p| p.into_inner())
    }

    fn err(&self) -> impl Fn(sled::Error) -> ArchiveError + '_ {
        |source| ArchiveError::Catalog {
            path: self.path.clone(),
            source,
        }
    }

    fn tx_result<T>(
        &self,
        r: std::result::Result<T, TransactionError<CatalogTxError>>,
    ) -> Result<T> {
        match r {
            Ok(v) => Ok(v),
            Err(TransactionError::Abort(CatalogTxError(e))) => Err(e),
            Err(TransactionError::Storage(e)) => Err(self.err()(e)),
        }
    }

    /// Inserts `record` (its `seq` is assigned here) with its indexes and ledger event in one
    /// transaction, unless the owner already has a record of the same bytes. Not durable until
    /// [`Catalog::flush`].
    pub(crate) fn insert(
        &self,
        record: DocumentRecord,
        text: Option<&DocumentText>,
        event: &NewEvent,
        at: OffsetDateTime,
    ) -> Result<Inserted> {
        let text_bytes = text.map(encode).transpose()?;
        let _writing = self.writing();
        let dedupe_key = sha_key(&record.sha256, record.metadata.owner_id.as_str());
        let trees = (
            &self.records,
            &self.owner_docs,
            &self.sha_docs,
            &self.seq_docs,
            &self.meta,
            &self.ledger,
            &self.texts,
            &self.event_refs,
            &self.indicators,
        );
        let result = trees.transaction(
            |(records, owner_docs, sha_docs, seq_docs, meta, ledger, texts, refs, counters)| {
                if let Some(existing_id) = sha_docs.get(&dedupe_key)? {
                    let bytes = records.get(&existing_id)?.ok_or_else(|| {
                        tx_err(ArchiveError::Damaged {
                            key: String::from_utf8_lossy(&existing_id).into_owned(),
                            detail: "indexed by sha256 but has no record".into(),
                        })
                    })?;
                    return Ok(Inserted::Duplicate(
                        decode("record", &bytes).map_err(tx_err)?,
                    ));
                }
                let mut record = record.clone();
                renumber(meta, seq_docs, &mut record, None)?;
                let trees = NewRecordTrees {
                    records,
                    owner_docs,
                    sha_docs,
                    meta,
                };
                if file_new_record(&trees, &record)?.id_taken {
                    return Err(tx_err(ArchiveError::Conflict(
                        schemas::messages::Message::new(&schemas::messages::CONFLICT_RECORD_EXISTS)
                            .with("id", &record.id),
                    )));
                }
                if let Some(bytes) = &text_bytes {
                    if texts.get(record.sha256.as_bytes())?.is_none() {
                        texts.insert(record.sha256.as_bytes(), bytes.as_slice())?;
                    }
                }
                let mut event = event.clone();
                event.doc_id = Some(record.id.clone());
                let counting = CountingTx {
                    counters,
                    records,
                    before: None,
                };
                ledger::append(
                    &LedgerTx {
                        meta,
                        ledger,
                        refs,
                        counting,
                    },
                    &event,
                    at,
                )?;
                Ok(Inserted::Stored(record))
            },
        );
        self.tx_result(result)
    }

    /// The record of `owner` for the blob `sha256`, if the owner has one (what a re-ingest of the
    /// same bytes returns as a duplicate, checked before any extraction work).
    pub(crate) fn find(&self, sha256: &str, owner: &str) -> Result<Option<DocumentRecord>> {
        match self
            .sha_docs
            .get(sha_key(sha256, owner))
            .map_err(self.err())?
        {
            Some(id) => self.get(&String::from_utf8_lossy(&id)),
            None => Ok(None),
        }
    }

    /// The page texts of a blob.
    pub(crate) fn text(&self, sha256: &str) -> Result<Option<DocumentText>> {
        match self.texts.get(sha256.as_bytes()).map_err(self.err())? {
            Some(bytes) => Ok(Some(decode(&format!("text of {sha256}"), &bytes)?)),
            None => Ok(None),
        }
    }

    /// Replaces the page texts of a blob (re-extraction) and updates every record that uses it,
    /// each with the event `event_for(before, after)` says, in one transaction. The records get
    /// new sequence numbers, so that derived data (the index, the journal) catches up; `derive`
    /// renews what a record derives from its text (its places).
    pub(crate) fn replace_text(
        &self,
        sha256: &str,
        text: &DocumentText,
        at: OffsetDateTime,
        event_for: impl Fn(&DocumentRecord, &DocumentRecord) -> NewEvent,
        derive: impl Fn(&mut DocumentRecord),
    ) -> Result<Vec<DocumentRecord>> {
        let ids = self.docs_with_blob(sha256)?;
        let text_bytes = encode(text)?;
        let _writing = self.writing();
        let trees = (
            &self.records,
            &self.seq_docs,
            &self.meta,
            &self.texts,
            &self.ledger,
            &self.event_refs,
            &self.indicators,
        );
        let result =
            trees.transaction(|(records, seq_docs, meta, texts, ledger, refs, counters)| {
                texts.insert(sha256.as_bytes(), text_bytes.as_slice())?;
                let mut updated = Vec::new();
                for id in &ids {
                    let Some(bytes) = records.get(id.as_bytes())? else {
                        continue;
                    };
                    let before: DocumentRecord = decode("record", &bytes).map_err(tx_err)?;
                    let mut record = before.clone();
                    renumber(meta, seq_docs, &mut record, Some(before.seq))?;
                    record.set_text_summary(text);
                    derive(&mut record);
                    records.insert(id.as_bytes(), encode(&record).map_err(tx_err)?)?;
                    let event = event_for(&before, &record);
                    let counting = CountingTx {
                        counters,
                        records,
                        before: Some(&before),
                    };
                    ledger::append(
                        &LedgerTx {
                            meta,
                            ledger,
                            refs,
                            counting,
                        },
                        &event,
                        at,
                    )?;
                    updated.push(record);
                }
                Ok(updated)
            });
        self.tx_result(result)
    }

    /// Rewrites what a record derives from its text and the store's tables (its places), with
    /// the event `derive` returns, in one transaction; a new sequence number lets the index
    /// catch up. `derive` changes the record and returns its event, or returns `None` to leave
    /// it as it is. Returns the record written, if one was.
    pub(crate) fn update_derived(
        &self,
        id: &str,
        at: OffsetDateTime,
        derive: impl Fn(&mut DocumentRecord) -> Option<NewEvent>,
    ) -> Result<Option<DocumentRecord>> {
        self.rewrite_record(id, at, |record| Ok(derive(record)))
    }

    /// Appends several events in one transaction (the hits of one search, say), at once
    /// visible, consecutive in the ledger. Callers appending at the same time share a
    /// transaction ([`crate::group_append`]); should theirs fail, each is tried alone, so
    /// that an error is the caller's own.
    pub(crate) fn append_events(
        &self,
        events: &[NewEvent],
        at: OffsetDateTime,
    ) -> Result<Vec<LedgerEvent>> {
        let request = EventsToAppend {
            events: events.to_vec(),
            at,
        };
        self.appends
            .run(request, |round| match self.append_requests(&round) {
                Ok(appended) => appended.into_iter().map(Ok).collect(),
                Err(_) if round.len() > 1 => round
                    .iter()
                    .map(|one| {
                        let mut alone = self.append_requests(std::slice::from_ref(one))?;
                        Ok(alone.pop().unwrap_or_default())
                    })
                    .collect(),
                Err(e) => vec![Err(e)],
            })
            .unwrap_or_else(|| {
                Err(ArchiveError::Damaged {
                    key: format!("ledger of {}", self.path.display()),
                    detail: "the append these events were part of failed midway; they were not \
                             written"
                        .into(),
                })
            })
    }

    /// Appends each request's events, in order, in one transaction; the events appended for
    /// each.
    fn append_requests(&self, requests: &[EventsToAppend]) -> Result<Vec<Vec<LedgerEvent>>> {
        let _writing = self.writing();
        let trees = (
            &self.meta,
            &self.ledger,
            &self.event_refs,
            &self.records,
            &self.indicators,
        );
        let result = trees.transaction(|(meta, ledger, refs, records, counters)| {
            let tx = LedgerTx {
                meta,
                ledger,
                refs,
                counting: CountingTx {
                    counters,
                    records,
                    before: None,
                },
            };
            requests
                .iter()
                .map(|request| {
                    request
                        .events
                        .iter()
                        .map(|e| ledger::append(&tx, e, request.at))
                        .collect()
                })
                .collect()
        });
        self.tx_result(result)
    }

    /// Changes a record and appends the event that says why, in one transaction. `change` sees
    /// the current record and refuses with an error (which aborts everything) or edits it. The
    /// record gets a new sequence number so that the index catches up.
    pub(crate) fn change_record(
        &self,
        id: &str,
        event: &NewEvent,
        at: OffsetDateTime,
        change: impl Fn(&mut DocumentRecord) -> Result<()>,
    ) -> Result<DocumentRecord> {
        self.rewrite_record(id, at, |record| {
            change(record)?;
            Ok(Some(event.clone()))
        })?
        .ok_or_else(|| ArchiveError::NotFound(id.to_string()))
    }

    /// The one way a stored record is rewritten: in one transaction, `edit` sees the current
    /// record and edits it, returning the ledger event that says why (or `None`: nothing is
    /// written; an error aborts everything); the record gets a new sequence number so that the
    /// index catches up. `None` if there is no record `id` or nothing was written.
    fn rewrite_record(
        &self,
        id: &str,
        at: OffsetDateTime,
        edit: impl Fn(&mut DocumentRecord) -> Result<Option<NewEvent>>,
    ) -> Result<Option<DocumentRecord>> {
        let _writing = self.writing();
        let trees = (
            &self.records,
            &self.seq_docs,
            &self.meta,
            &self.ledger,
            &self.event_refs,
            &self.indicators,
        );
        let result = trees.transaction(|(records, seq_docs, meta, ledger, refs, counters)| {
            let Some(bytes) = records.get(id.as_bytes())? else {
                return Ok(None);
            };
            let mut record: DocumentRecord = decode("record", &bytes).map_err(tx_err)?;
            let Some(event) = edit(&mut record).map_err(tx_err)? else {
                return Ok(None);
            };
            let previous = record.seq;
            renumber(meta, seq_docs, &mut record, Some(previous))?;
            records.insert(id.as_bytes(), encode(&record).map_err(tx_err)?)?;
            let counting = CountingTx {
                counters,
                records,
                before: None,
            };
            ledger::append(
                &LedgerTx {
                    meta,
                    ledger,
                    refs,
                    counting,
                },
                &event,
                at,
            )?;
            Ok(Some(record))
        });
        self.tx_result(result)
    }

    /// The events about an owner's documents (and refused attempts on them), oldest first,
    /// starting after event `after`, at most `limit`.
    pub(crate) fn events_of_owner(
        &self,
        owner: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<LedgerEvent>> {
        self.referenced_events(&ledger::ref_prefix(ledger::OWNER_REF, owner), after, limit)
    }

    /// An actor's refused attempts that no owner's ledger holds, oldest first.
    pub(crate) fn events_of_actor(
        &self,
        actor: &schemas::Actor,
        after: u64,
        limit: usize,
    ) -> Result<Vec<LedgerEvent>> {
        let id = ledger::actor_key(actor);
        self.referenced_events(&ledger::ref_prefix(ledger::ACTOR_REF, &id), after, limit)
    }

    /// The events about an owner's documents before event `before`, newest first, at most
    /// `limit`.
    pub(crate) fn events_of_owner_before(
        &self,
        owner: &str,
        before: u64,
        limit: usize,
    ) -> Result<Vec<LedgerEvent>> {
        let prefix = ledger::ref_prefix(ledger::OWNER_REF, owner);
        self.events_numbered(
            ledger::refs::Numbers::before(&self.event_refs, &prefix, before),
            limit,
        )
    }

    /// The admin audit trail (account changes, backups), oldest first.
    pub(crate) fn audit_events(&self, after: u64, limit: usize) -> Result<Vec<LedgerEvent>> {
        self.referenced_events(&ledger::ref_prefix(ledger::AUDIT_REF, ""), after, limit)
    }

    /// The events about one document, oldest first.
    pub(crate) fn events_of_doc(
        &self,
        id: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<LedgerEvent>> {
        self.referenced_events(&ledger::ref_prefix(ledger::DOC_REF, id), after, limit)
    }

    /// A document's lifecycle events (stored, revoked, superseded), oldest first.
    pub(crate) fn history_of_doc(&self, id: &str) -> Result<Vec<LedgerEvent>> {
        self.referenced_events(&ledger::ref_prefix(ledger::HISTORY_REF, id), 0, usize::MAX)
    }

    /// A document's reuses, oldest first.
    pub(crate) fn reuses_of_doc(&self, id: &str) -> Result<Vec<LedgerEvent>> {
        self.referenced_events(&ledger::ref_prefix(ledger::REUSE_REF, id), 0, usize::MAX)
    }

    fn referenced_events(
        &self,
        prefix: &[u8],
        after: u64,
        limit: usize,
    ) -> Result<Vec<LedgerEvent>> {
        self.events_numbered(
            ledger::refs::Numbers::after(&self.event_refs, prefix, after),
            limit,
        )
    }

    /// The ledger events `numbers` names, at most `limit`, in the order given.
    fn events_numbered(
        &self,
        numbers: impl Iterator<Item = Result<u64>>,
        limit: usize,
    ) -> Result<Vec<LedgerEvent>> {
        let mut out = Vec::new();
        for seq in numbers {
            if out.len() >= limit {
                break;
            }
            if let Some(bytes) = self.ledger.get(seq?.to_be_bytes()).map_err(self.err())? {
                out.push(decode("ledger event", &bytes)?);
            }
        }
        Ok(out)
    }

    /// A tree of the catalogue's database by name (opened on first use), for the modules that keep
    /// their own small tables ([`crate::trust`]).
    pub(crate) fn named_tree(&self, name: &str) -> Result<sled::Tree> {
        self.db.open_tree(name).map_err(self.err())
    }

    pub(crate) fn accounts(&self) -> &crate::accounts::Accounts {
        &self.accounts
    }

    pub(crate) fn batches(&self) -> &crate::batches::Batches {
        &self.batches
    }

    /// The scanned stacks kept whole (`--split`).
    pub(crate) fn stacks(&self) -> &crate::stacks::Stacks {
        &self.stacks
    }

    /// Rewrites the catalogue into a new one and swaps it in ([`compact`]); the catalogue is
    /// closed afterwards.
    pub(crate) fn compact(
        self,
        progress: &mut dyn FnMut(&compact::CompactProgress<'_>),
    ) -> Result<compact::Compacted> {
        let path = self.path.clone();
        let level = compact::level_for_new_catalogues()?;
        let done = compact::compact(&self.db, &path, level, cache_bytes(None)?, progress);
        drop(self);
        let done = done?;
        compact::remove_swapped_out(&path)?;
        Ok(done)
    }

    /// Makes everything inserted so far durable (fsync). Concurrent callers share flushes.
    pub(crate) fn flush(&self) -> Result<()> {
        self.group_flush
            .flush(|| self.db.flush().map(|_| ()).map_err(|e| e.to_string()))
            .map_err(|detail| ArchiveError::Damaged {
                key: format!("catalogue {}", self.path.display()),
                detail: format!("cannot make it durable: {detail}"),
            })
    }

    pub(crate) fn get(&self, id: &str) -> Result<Option<DocumentRecord>> {
        match self.records.get(id.as_bytes()).map_err(self.err())? {
            Some(bytes) => Ok(Some(decode(&format!("record {id}"), &bytes)?)),
            None => Ok(None),
        }
    }

    /// Every record of an owner, in id order.
    pub(crate) fn docs_of_owner(&self, owner: &str) -> Result<Vec<DocumentRecord>> {
        let prefix = [owner.as_bytes(), b"\0"].concat();
        let mut out = Vec::new();
        for item in self.owner_docs.scan_prefix(&prefix) {
            let (key, _) = item.map_err(self.err())?;
            let id = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
            if let Some(record) = self.get(&id)? {
                out.push(record);
            }
        }
        Ok(out)
    }

    /// Ids of the records that point at a blob.
    pub(crate) fn docs_with_blob(&self, sha256: &str) -> Result<Vec<String>> {
        let prefix = [sha256.as_bytes(), b"\0"].concat();
        self.sha_docs
            .scan_prefix(&prefix)
            .map(|item| {
                item.map(|(_, id)| String::from_utf8_lossy(&id).into_owned())
                    .map_err(self.err())
            })
            .collect()
    }

    /// Every blob the catalogue refers to, with the records that use it, in sha256 order.
    pub(crate) fn blobs(&self) -> impl Iterator<Item = Result<(String, Vec<String>)>> + '_ {
        BlobGroups {
            inner: self.sha_docs.iter(),
            pending: None,
            catalog: self,
        }
    }

    /// The blobs whose sha256 comes after `after` (all of them for `None`), with their records,
    /// in sha256 order: where a background pass over the blobs resumes.
    pub(crate) fn blobs_after(
        &self,
        after: Option<&str>,
    ) -> impl Iterator<Item = Result<(String, Vec<String>)>> + '_ {
        // Keys are "sha256 \0 owner": every key of a later blob sorts after "sha256 \x01".
        let start = after.map_or_else(Vec::new, |sha| [sha.as_bytes(), b"\x01"].concat());
        BlobGroups {
            inner: self.sha_docs.range(start..),
            pending: None,
            catalog: self,
        }
    }

    /// Every record's sequence number and id, in insertion order, without reading the records.
    pub(crate) fn ids_by_seq(&self) -> impl Iterator<Item = Result<(u64, String)>> + '_ {
        self.ids_by_seq_since(0)
    }

    /// [`Catalog::ids_by_seq`] from sequence number `from`.
    pub(crate) fn ids_by_seq_since(
        &self,
        from: u64,
    ) -> impl Iterator<Item = Result<(u64, String)>> + '_ {
        self.seq_docs.range(from.to_be_bytes()..).map(move |item| {
            let (seq, id) = item.map_err(self.err())?;
            let seq = <[u8; 8]>::try_from(seq.as_ref()).map_or(0, u64::from_be_bytes);
            Ok((seq, String::from_utf8_lossy(&id).into_owned()))
        })
    }

    /// Every record in insertion order.
    pub(crate) fn records_by_seq(&self) -> impl Iterator<Item = Result<DocumentRecord>> + '_ {
        self.ids_by_seq().map(move |item| {
            let (_, id) = item?;
            self.get(&id)?.ok_or(ArchiveError::Damaged {
                key: id,
                detail: "listed by sequence number but has no record".into(),
            })
        })
    }

    /// Records in id order, those after `after` (all when `None`). A walk of the record tree
    /// as it lies on disk: each of its pages is read once, where reading by sequence number
    /// reads a page for every record (ids are not in insertion order), which was a fifth of the
    /// thread that makes the index's documents in a rebuild at a million (docs/benchmarks.md,
    /// "Reindex: the records walked in id order"). Ids begin with their blob's sha256, so the
    /// texts such a walk reads come in key order too ([`crate::archive::new_record_id`]).
    pub(crate) fn records_after(
        &self,
        after: Option<&str>,
    ) -> impl Iterator<Item = Result<DocumentRecord>> + '_ {
        use std::ops::Bound;
        let from = after.map_or(Bound::Unbounded, |id| {
            Bound::Excluded(sled::IVec::from(id.as_bytes()))
        });
        self.records
            .range::<sled::IVec, _>((from, Bound::Unbounded))
            .map(move |item| {
                let (id, bytes) = item.map_err(self.err())?;
                decode(&format!("record {}", String::from_utf8_lossy(&id)), &bytes)
            })
    }

    /// Records whose sequence number is `from` or more, in sequence order.
    pub(crate) fn records_since(
        &self,
        from: u64,
    ) -> impl Iterator<Item = Result<DocumentRecord>> + '_ {
        self.seq_docs.range(from.to_be_bytes()..).map(move |item| {
            let (_, id) = item.map_err(self.err())?;
            let id = String::from_utf8_lossy(&id).into_owned();
            self.get(&id)?.ok_or(ArchiveError::Damaged {
                key: id,
                detail: "listed by sequence number but has no record".into(),
            })
        })
    }

    /// The last sequence number given out.
    pub(crate) fn last_seq(&self) -> Result<u64> {
        Ok(read_u64(self.meta.get(SEQ_KEY).map_err(self.err())?))
    }

    /// Records counted one by one (what `verify` reports; O(n)).
    pub(crate) fn count_records(&self) -> usize {
        self.records.len()
    }

    /// Records as counted at each insert (O(1), for metrics and readiness).
    pub(crate) fn record_count(&self) -> usize {
        read_u64(self.meta.get(RECORD_COUNT_KEY).ok().flatten()) as usize
    }

    /// How many events the ledger holds: the sequence number of its head, since events are
    /// numbered from 1 without gaps (`verify` checks that).
    pub(crate) fn ledger_len(&self) -> usize {
        ledger::head_seq(&self.meta) as usize
    }

    /// At most `limit` ledger events after event `after`, in order: the global sequence the
    /// event feed and its deliveries page by (a range read; the write path is untouched).
    pub(crate) fn events_after(&self, after: u64, limit: usize) -> Result<Vec<LedgerEvent>> {
        let from = after.saturating_add(1).to_be_bytes();
        self.ledger
            .range(from..)
            .take(limit)
            .map(|item| {
                let (_, bytes) = item.map_err(self.err())?;
                decode("ledger event", &bytes)
            })
            .collect()
    }

    /// Ledger events, oldest first.
    pub(crate) fn events(&self) -> impl Iterator<Item = Result<LedgerEvent>> + '_ {
        self.ledger.iter().map(move |item| {
            let (_, bytes) = item.map_err(self.err())?;
            decode("ledger event", &bytes)
        })
    }

    pub(crate) fn check_ledger(&self) -> Result<LedgerCheck> {
        let mut check = ledger::check(&self.meta, &self.ledger).map_err(self.err())?;
        if check.error.is_none() {
            let lists = ledger::refs::lists_out_of_order(&self.event_refs)?;
            if lists > 0 {
                check.error = Some(format!(
                    "{lists} owner's or document's list(s) of ledger events read out of order \
                     (an older kho wrote to this store after a newer one), so their pages skip \
                     events; the events themselves are intact: run `kho compact` (the store \
                     stopped) to put the lists back in order"
                ));
            }
        }
        Ok(check)
    }

    /// Writes an exported blob's page texts back.
    pub(crate) fn restore_text(&self, sha256: &str, text: &DocumentText) -> Result<()> {
        self.texts
            .insert(sha256.as_bytes(), encode(text)?)
            .map_err(self.err())?;
        Ok(())
    }

    /// Writes an exported record back as it was (its id and sequence number kept), with its
    /// indexes, in one transaction. For [`crate::bag`], which imports into an empty store only.
    pub(crate) fn restore_record(&self, record: &DocumentRecord) -> Result<()> {
        let conflict = |what: &str| {
            tx_err(ArchiveError::Conflict(
                schemas::messages::Message::new(&schemas::messages::CONFLICT_RECORD_REPEATS)
                    .with("id", &record.id)
                    .with("what", what),
            ))
        };
        let trees = (
            &self.records,
            &self.owner_docs,
            &self.sha_docs,
            &self.seq_docs,
            &self.meta,
        );
        let result = trees.transaction(|(records, owner_docs, sha_docs, seq_docs, meta)| {
            let trees = NewRecordTrees {
                records,
                owner_docs,
                sha_docs,
                meta,
            };
            let filed = file_new_record(&trees, record)?;
            if filed.id_taken {
                return Err(conflict("id"));
            }
            if filed.bytes_taken {
                return Err(conflict("owner and bytes"));
            }
            if seq_docs
                .insert(&record.seq.to_be_bytes(), record.id.as_bytes())?
                .is_some()
            {
                return Err(conflict("sequence number"));
            }
            let seq = read_u64(meta.get(SEQ_KEY)?).max(record.seq);
            meta.insert(SEQ_KEY, &seq.to_be_bytes())?;
            Ok(())
        });
        self.tx_result(result)
    }

    /// Writes an exported ledger event back, checking that it continues the chain.
    pub(crate) fn restore_event(&self, event: &LedgerEvent) -> Result<()> {
        // Restored events are not counted one by one: the counters are left "not built" until
        // `kho report rebuild` (or the first report) counts the whole ledger.
        self.indicators
            .remove(crate::indicators::BUILT_KEY)
            .map_err(self.err())?;
        ledger::restore(&self.meta, &self.ledger, &self.event_refs, event)
    }

    /// Whether the indicators' counters hold the whole ledger.
    pub(crate) fn indicators_built(&self) -> Result<bool> {
        Ok(self
            .indicators
            .get(crate::indicators::BUILT_KEY)
            .map_err(self.err())?
            .is_some())
    }

    /// Counts the whole ledger again into the indicators' counters ([`crate::indicators::rebuild`]).
    pub(crate) fn rebuild_indicators(
        &self,
        progress: impl FnMut(u64, u64),
    ) -> Result<crate::indicators::RebuildSummary> {
        let _writing = self.pause_writes();
        let total = ledger::head_seq(&self.meta);
        let summary = crate::indicators::rebuild(
            &self.indicators,
            &self.ledger,
            &self.records,
            total,
            progress,
        )?;
        self.indicators.flush().map_err(self.err())?;
        Ok(summary)
    }

    /// The counters of the days `from..=to` (day numbers).
    pub(crate) fn indicator_counters(
        &self,
        from: u32,
        to: u32,
    ) -> Result<Vec<crate::indicators::Counter>> {
        crate::indicators::counters_between(&self.indicators, from, to)
    }

    /// Every counter and dossier mark (tests compare live and rebuilt ones).
    pub(crate) fn indicator_dump(&self) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        crate::indicators::dump(&self.indicators)
    }

    /// The small facts kept beside the trees (sequence counters, the ledger head, cursors).
    pub(crate) fn meta_tree(&self) -> &sled::Tree {
        &self.meta
    }

    /// A number kept in `meta` under `key` (a cursor), 0 when there is none.
    pub(crate) fn meta_u64(&self, key: &[u8]) -> Result<u64> {
        Ok(read_u64(self.meta.get(key).map_err(self.err())?))
    }

    pub(crate) fn set_meta_u64(&self, key: &[u8], value: u64) -> Result<()> {
        self.meta
            .insert(key, &value.to_be_bytes())
            .map_err(self.err())?;
        Ok(())
    }

    /// This store's name among the nodes sharing a bucket: made at first use, then kept.
    pub(crate) fn node_id(&self) -> Result<String> {
        if let Some(id) = self.meta.get(NODE_KEY).map_err(self.err())? {
            return Ok(String::from_utf8_lossy(&id).into_owned());
        }
        let mut bytes = [0u8; 10];
        getrandom::fill(&mut bytes).map_err(|e| ArchiveError::Io {
            path: self.path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let id = format!("node-{}", hex::encode(bytes));
        self.meta
            .insert(NODE_KEY, id.as_bytes())
            .map_err(self.err())?;
        Ok(id)
    }

    /// The ledger's tree, for the tests that play an attacker editing it.
    #[cfg(test)]
    pub(crate) fn ledger_tree(&self) -> &sled::Tree {
        &self.ledger
    }
}

/// Groups consecutive `sha_docs` entries by their sha256 prefix.
struct BlobGroups<'a> {
    inner: sled::Iter,
    pending: Option<(String, Vec<String>)>,
    catalog: &'a Catalog,
}

impl Iterator for BlobGroups<'_> {
    type Item = Result<(String, Vec<String>)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.inner.next() {
                None => return self.pending.take().map(Ok),
                Some(Err(e)) => return Some(Err(self.catalog.err()(e))),
                Some(Ok((key, id))) => {
                    let sha = String::from_utf8_lossy(&key[..key.len().min(64)]).into_owned();
                    let id = String::from_utf8_lossy(&id).into_owned();
                    match &mut self.pending {
                        Some((current, ids)) if *current == sha => ids.push(id),
                        _ => {
                            let done = self.pending.replace((sha, vec![id]));
                            if done.is_some() {
                                return done.map(Ok);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One caller's events for [`Catalog::append_events`], with the time they are stamped with.
pub(crate) struct EventsToAppend {
    events: Vec<NewEvent>,
    at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::{cache_bytes, Catalog};
    use crate::ledger;
    use schemas::{Action, Actor, LedgerEvent, NewEvent};
    use time::OffsetDateTime;

    fn seqs(events: crate::Result<Vec<LedgerEvent>>) -> Vec<u64> {
        events.unwrap().iter().map(|e| e.seq).collect()
    }

    /// What the lists read as, every way they are read: an owner's page after and before a
    /// number, a document's events, its history and reuses.
    fn lists(catalog: &Catalog) -> Vec<Vec<u64>> {
        let (owner, doc) = ("017316709271", "e42fjr5nsanvwfrpsaupdwo3kw");
        vec![
            seqs(catalog.events_of_owner(owner, 0, 1000)),
            seqs(catalog.events_of_owner(owner, 20, 7)),
            seqs(catalog.events_of_owner_before(owner, 30, 9)),
            seqs(catalog.events_of_owner_before(owner, u64::MAX, 5)),
            seqs(catalog.events_of_owner("079201000123", 0, 1000)),
            seqs(catalog.events_of_doc(doc, 3, 1000)),
            seqs(catalog.history_of_doc(doc)),
            seqs(catalog.reuses_of_doc(doc)),
        ]
    }

    /// A catalogue in a folder of its own (removed when this is dropped).
    struct Folder {
        _dir: tempfile::TempDir,
        path: std::path::PathBuf,
        index: std::path::PathBuf,
    }

    impl Folder {
        fn open(&self) -> Catalog {
            Catalog::open(&self.path, &self.index, None).unwrap()
        }
    }

    /// A new catalogue whose ledger holds `count` of [`events`].
    fn catalog_with(count: usize) -> (Folder, Catalog) {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder {
            path: dir.path().join("catalog"),
            index: dir.path().join("index"),
            _dir: dir,
        };
        let catalog = folder.open();
        catalog
            .append_events(&events(count), OffsetDateTime::UNIX_EPOCH)
            .unwrap();
        (folder, catalog)
    }

    fn events(count: usize) -> Vec<NewEvent> {
        let clerk = Actor {
            kind: "user".into(),
            name: "clerk".into(),
            role: Some("clerk".into()),
            agency_code: None,
            made_by: None,
        };
        (0..count)
            .map(|i| {
                let action = [Action::Ingest, Action::ReadMetadata, Action::Reuse][i % 3];
                let mut event = NewEvent::new(action, &clerk);
                event.owner_id = Some(["017316709271", "079201000123"][i % 5 / 4].into());
                event.doc_id = Some(["e42fjr5nsanvwfrpsaupdwo3kw", "f7"][i % 2].into());
                event
            })
            .collect()
    }

    /// An older kho writing to a store after a newer one files its references as singles,
    /// which sort before the list's open block: `kho verify` says so and names the remedy, and
    /// `kho compact` puts the list back in order.
    #[test]
    fn a_list_an_older_kho_wrote_to_is_named_by_verify_and_mended_by_compaction() {
        let (folder, catalog) = catalog_with(20);
        assert!(catalog.check_ledger().unwrap().error.is_none());
        let owner = "017316709271";
        // The fifth event is the other owner's: filed here too, it is this list's newest.
        let appended = catalog
            .append_events(&events(5), OffsetDateTime::UNIX_EPOCH)
            .unwrap();
        let newest = appended[4].seq;
        // As the older kho files it: one empty entry, the number in the key.
        let single = [
            ledger::ref_prefix(ledger::OWNER_REF, owner),
            newest.to_be_bytes().to_vec(),
        ];
        catalog.event_refs.insert(single.concat(), &[]).unwrap();
        let read = seqs(catalog.events_of_owner(owner, 0, 1000));
        assert_ne!(
            read.last(),
            Some(&newest),
            "out of order before compaction: {read:?}"
        );
        let error = catalog.check_ledger().unwrap().error.unwrap();
        assert!(
            error.contains("out of order") && error.contains("kho compact"),
            "{error}"
        );

        catalog.compact(&mut |_| {}).unwrap();
        let catalog = folder.open();
        let read = seqs(catalog.events_of_owner(owner, 0, 1000));
        assert_eq!(read.last(), Some(&newest), "{read:?}");
        assert!(read.windows(2).all(|w| w[0] < w[1]), "{read:?}");
        assert!(catalog.check_ledger().unwrap().error.is_none());
    }

    /// A store written before references were kept in blocks reads the same, goes on filing
    /// new events after its old references, and `kho compact` packs them.
    #[test]
    fn references_from_before_blocks_read_the_same_and_compaction_packs_them() {
        let (folder, catalog) = catalog_with(90);
        let in_blocks = catalog.event_refs.len();
        let read = lists(&catalog);
        assert!(read.iter().all(|list| !list.is_empty()), "{read:?}");

        ledger::refs::unpack(&catalog.event_refs);
        let singles = catalog.event_refs.len();
        assert!(
            singles > 3 * in_blocks,
            "{singles} entries, {in_blocks} in blocks"
        );
        assert_eq!(lists(&catalog), read);

        let more = catalog
            .append_events(&events(10), OffsetDateTime::UNIX_EPOCH)
            .unwrap();
        let read = lists(&catalog);
        assert!(read[0].ends_with(&[more[7].seq, more[8].seq]), "{read:?}");
        let compacted = catalog.compact(&mut |_| {}).unwrap();
        assert!(compacted.entries > 0);

        let catalog = folder.open();
        assert_eq!(lists(&catalog), read);
        // As many entries as a store that filed the same events in blocks from the start.
        let (_fresh_folder, fresh) = catalog_with(90);
        fresh
            .append_events(&events(10), OffsetDateTime::UNIX_EPOCH)
            .unwrap();
        assert_eq!(catalog.event_refs.len(), fresh.event_refs.len());
        assert_eq!(lists(&fresh), read);
    }

    #[test]
    fn the_cache_is_what_the_opener_asks_unless_the_operator_says() {
        const MIB: u64 = 1024 * 1024;
        match std::env::var("KHO_CATALOG_CACHE_MB") {
            Err(_) => {
                assert_eq!(cache_bytes(None).unwrap(), 64 * MIB);
                assert_eq!(cache_bytes(Some(16)).unwrap(), 16 * MIB);
                assert_eq!(cache_bytes(Some(1)).unwrap(), 8 * MIB, "no less than 8 MiB");
            }
            Ok(said) => match said.trim().parse::<u64>() {
                Ok(mb @ 8..=65536) => assert_eq!(cache_bytes(Some(16)).unwrap(), mb * MIB),
                _ => assert!(cache_bytes(Some(16)).is_err()),
            },
        }
    }
}
