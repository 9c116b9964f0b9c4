//! How the index follows the catalogue: each commit's payload says how far it has come
//! ([`IndexState`]), and a sync indexes what lies past it, committing as it goes. An empty index
//! is first filled by a walk of the records in id order ([`Scan`]); a rebuild empties the index
//! and syncs. Interrupted anywhere, the next sync carries on from the last commit.

use super::{err, SearchIndex, Tables};
use crate::catalog::Catalog;
use crate::Result;
use schemas::DocumentRecord;
use std::time::{Duration, Instant};
use tantivy::{IndexWriter, Term};

/// Commit at least this often during a long catch-up, so that an interruption loses little.
/// `KHO_INDEX_COMMIT_DOCS` overrides the count (smaller: less lost on a kill, slower indexing).
/// Each commit ends the writer's segments where they stand, so that every commit adds small
/// segments for the merges to redo: at a million, 100,000 rather than 20,000 made `kho reindex`
/// 2-13% faster with a quarter less resident memory (docs/benchmarks.md, "Rebuilds commit less
/// and wait for their merges").
const COMMIT_EVERY_DOCS: usize = 100_000;
/// ... or this often, whichever comes first.
const COMMIT_EVERY: Duration = Duration::from_secs(60);

fn commit_every_docs() -> Result<usize> {
    let said = crate::settings::whole_number(
        "KHO_INDEX_COMMIT_DOCS",
        1..=u64::from(u32::MAX),
        "a whole number of documents from 1 to 4294967295",
    )?;
    Ok(said.map_or(COMMIT_EVERY_DOCS, |n| n as usize))
}

/// What the last commit says about the index.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndexState {
    /// The last catalogue sequence number the index holds.
    pub seq: u64,
    /// A rebuild started and has not finished.
    #[serde(default)]
    pub rebuilding: bool,
    /// A scan of the records in id order that filled an empty index and has not finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<Scan>,
}

impl IndexState {
    /// Whether the index holds a record as it was written at sequence number `seq`.
    pub fn holds(&self, seq: u64, id: &str) -> bool {
        seq <= self.seq
            || self.scan.as_ref().is_some_and(|scan| {
                seq <= scan.upto && scan.after.as_deref().is_some_and(|after| id <= after)
            })
    }

    /// How many index changes are owed, given the catalogue's last sequence number and its
    /// number of records: during a scan, the records it has not reached and what was written
    /// since it began.
    pub fn pending(&self, last_seq: u64, records: u64) -> u64 {
        match &self.scan {
            Some(scan) => records.saturating_sub(scan.indexed) + last_seq.saturating_sub(scan.upto),
            None => last_seq.saturating_sub(self.seq),
        }
    }
}

/// How far a scan of the records in id order has come ([`SearchIndex::sync_until`]). An older
/// kho that finds one in the index ignores it and follows the sequence numbers from `seq`
/// (0), replacing what the scan indexed: slower, the same index.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Scan {
    /// The last id indexed and committed; none yet when `None`.
    pub after: Option<String>,
    /// The catalogue's last sequence number when the scan began: what it holds once done.
    pub upto: u64,
    /// How many records it has indexed (for progress, and what it still owes:
    /// [`IndexState::pending`]).
    pub indexed: u64,
}

/// One sync's writing: documents added since the last commit, and the commits, made every
/// [`commit_every_docs`] documents or [`COMMIT_EVERY`].
struct Pass<'a> {
    index: &'a SearchIndex,
    catalog: &'a Catalog,
    tables: Tables<'a>,
    writer: &'a mut IndexWriter,
    state: IndexState,
    since_commit: usize,
    last_commit: Instant,
    commit_every: usize,
}

impl Pass<'_> {
    /// Indexes `records` in turn while `stop()` says go on: `replace` deletes the index's
    /// earlier form of each first; `moved_past` notes in the state that a record is indexed.
    /// `progress` gets how many of them are indexed at each commit. Returns how many were
    /// indexed, and whether they ran out (not stopped).
    fn index_each(
        &mut self,
        records: impl Iterator<Item = Result<DocumentRecord>>,
        replace: bool,
        stop: &dyn Fn() -> bool,
        mut moved_past: impl FnMut(&mut IndexState, DocumentRecord),
        progress: &mut dyn FnMut(u64),
    ) -> Result<(u64, bool)> {
        let mut indexed = 0;
        for item in records {
            if stop() {
                return Ok((indexed, false));
            }
            let record = item?;
            let text = self.catalog.text(&record.sha256)?;
            let index = self.index;
            if replace {
                self.writer
                    .delete_term(Term::from_field_text(index.fields.id, &record.id));
            }
            self.writer
                .add_document(index.document(&record, text.as_ref(), self.tables))
                .map_err(err(&index.path))?;
            moved_past(&mut self.state, record);
            indexed += 1;
            if self.added()? {
                progress(indexed);
            }
        }
        Ok((indexed, true))
    }

    /// Counts a document added; commits when it is time, and says whether it did.
    fn added(&mut self) -> Result<bool> {
        self.since_commit += 1;
        if self.since_commit < self.commit_every && self.last_commit.elapsed() <= COMMIT_EVERY {
            return Ok(false);
        }
        // Searches meanwhile see what is indexed so far (the server answers while it catches
        // up in the background): `commit` reloads the reader.
        self.commit()?;
        self.since_commit = 0;
        self.last_commit = Instant::now();
        Ok(true)
    }

    fn commit(&mut self) -> Result<()> {
        // The index never holds what the catalogue could still lose: a record another thread
        // wrote and has not made durable yet is indexed here, so make it durable before the
        // index says it holds it (a kill in between would leave the index ahead, and the
        // catalogue's next records reusing the lost numbers unindexed).
        self.catalog.flush()?;
        self.index.commit(self.writer, self.state.clone())?;
        // The writer's threads have just freed their segment's buffers: without this, glibc
        // keeps them in per-thread arenas and a rebuild's resident memory grows with each
        // segment (docs/benchmarks.md, "Reindex: the records walked in id order").
        crate::memory::release_free_memory();
        Ok(())
    }
}

impl SearchIndex {
    /// Indexes every catalogue record past the last committed sequence number, committing as it
    /// goes. `progress(done, total)` is called now and then. Returns how many were indexed.
    pub(crate) fn sync(
        &self,
        catalog: &Catalog,
        tables: Tables,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<u64> {
        self.sync_until(catalog, tables, progress, &|| false)
    }

    /// [`Self::sync`] that stops early, after committing what it indexed, once `stop()` says so
    /// (the server's background catch-up when the server stops): the next sync carries on.
    ///
    /// An empty index is filled in two passes: first every record in id order ([`Scan`]: the
    /// record tree read page by page, not a page per record), then by sequence number the
    /// records written since the scan began (their earlier forms, if the scan saw them, are
    /// replaced). An index that holds records follows the sequence numbers only.
    pub(crate) fn sync_until(
        &self,
        catalog: &Catalog,
        tables: Tables,
        progress: &mut dyn FnMut(u64, u64),
        stop: &dyn Fn() -> bool,
    ) -> Result<u64> {
        let up_to_date = |state: &IndexState, last: u64| state.seq >= last && !state.rebuilding;
        if up_to_date(&self.state(), catalog.last_seq()?) {
            return Ok(0);
        }
        let done = self.with_writer(|writer| {
            // Read again under the writer's lock: another sync (a batch's, the server's
            // background catch-up) may have indexed these records while this one waited.
            let mut state = self.state();
            let last = catalog.last_seq()?;
            if up_to_date(&state, last) {
                return Ok(0);
            }
            if state.seq == 0 && state.scan.is_none() && self.reader.searcher().num_docs() == 0 {
                state.scan = Some(Scan {
                    after: None,
                    upto: last,
                    indexed: 0,
                });
            }
            let mut pass = Pass {
                index: self,
                catalog,
                tables,
                writer,
                state,
                since_commit: 0,
                last_commit: Instant::now(),
                commit_every: commit_every_docs()?,
            };
            let mut done = 0;
            let mut finished = true;
            let mut reported = (0, 0);
            if let Some(scan) = pass.state.scan.clone() {
                let total = catalog.record_count() as u64 + last.saturating_sub(scan.upto);
                // No earlier form to replace: the index was empty when the scan began, and it
                // meets each id once, after the last one it committed.
                let (indexed, ran_out) = pass.index_each(
                    catalog.records_after(scan.after.as_deref()),
                    false,
                    stop,
                    |state, record| {
                        if let Some(at) = state.scan.as_mut() {
                            at.after = Some(record.id);
                            at.indexed += 1;
                        }
                    },
                    &mut |indexed| progress(scan.indexed + indexed, total),
                )?;
                done += indexed;
                reported = (scan.indexed + indexed, total);
                finished = ran_out;
                if finished {
                    pass.state.seq = scan.upto;
                    pass.state.scan = None;
                }
            }
            if finished {
                let from = pass.state.seq;
                let total = last.saturating_sub(from);
                let (indexed, ran_out) = pass.index_each(
                    catalog.records_since(from + 1),
                    true,
                    stop,
                    |state, record| state.seq = record.seq,
                    &mut |indexed| progress(indexed, total),
                )?;
                done += indexed;
                if total > 0 {
                    reported = (indexed, total);
                }
                finished = ran_out;
            }
            if finished {
                pass.state.seq = pass.state.seq.max(last);
                pass.state.rebuilding = false;
            }
            pass.commit()?;
            progress(reported.0, reported.1);
            Ok(done)
        })?;
        crate::memory::release_free_memory();
        Ok(done)
    }

    /// Starts the index afresh (rebuilt by the next sync) if it says it holds changes past the
    /// catalogue's last: the catalogue lost them (restored from an older copy, or a crash took
    /// writes that were never made durable) and its next records will reuse their numbers, which
    /// the index would take for indexed. [`Self::reset`] says so.
    pub(crate) fn restart_if_ahead_of(&mut self, last_seq: u64) -> Result<()> {
        let held = self.state().seq;
        if held <= last_seq {
            return Ok(());
        }
        self.start_rebuild()?;
        self.reset = Some(format!(
            "the index holds changes up to number {held} but the catalogue's last is \
             {last_seq} (the catalogue is older than the index); it is rebuilt from the catalogue"
        ));
        Ok(())
    }

    /// Empties the index and marks a rebuild begun, so that syncs carry it on until it is done.
    fn start_rebuild(&self) -> Result<()> {
        self.with_writer(|writer| {
            writer.delete_all_documents().map_err(err(&self.path))?;
            self.commit(
                writer,
                IndexState {
                    seq: 0,
                    rebuilding: true,
                    scan: None,
                },
            )
        })
    }

    /// Rebuilds the index from the catalogue. Resumable: if a rebuild was interrupted, this
    /// carries on from where it stopped instead of starting over.
    pub(crate) fn rebuild(
        &self,
        catalog: &Catalog,
        tables: Tables,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<u64> {
        if !self.state().rebuilding {
            self.start_rebuild()?;
        }
        self.sync(catalog, tables, progress)
    }
}
