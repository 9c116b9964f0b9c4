//! The indicators' counters (docs/indicators.md): per day and agency, updated in the same
//! transaction as the ledger event that moves them ([`crate::ledger::append`]), and rebuilt
//! from the ledger on demand (`kho report rebuild`). What an event adds is decided in
//! [`schemas::indicators`], the same function for both, so that rebuilt counters equal live
//! ones.
//!
//! Tree `indicators` (keys are bytes):
//! - `c`, day (`yyyymmdd` as u32 big-endian), agency (canonical), 0x00, metric, 0x00, argument
//!   -> i64 big-endian: a counter. Days first, so a period is one range scan.
//! - `d`, dossier code -> one byte of [`schemas::indicators::flag`]: what the dossier has had,
//!   so that each indicator counts a dossier once.
//! - `v` -> present once the counters hold the whole ledger (a new store, or after a rebuild).

use crate::catalog::codec::{decode, tx_err, CatalogTxError};
use crate::{ArchiveError, Result};
use schemas::indicators::{self as ind, DocFacts, Increment};
use schemas::{DocumentRecord, LedgerEvent};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};
use std::collections::HashMap;

pub(crate) const TREE: &str = "indicators";
const COUNTER: u8 = b'c';
const DOSSIER: u8 = b'd';
pub(crate) const BUILT_KEY: &[u8] = b"v";

fn counter_key(inc: &Increment) -> Vec<u8> {
    let mut key = Vec::with_capacity(16 + inc.agency.len() + inc.metric.len() + inc.arg.len());
    key.push(COUNTER);
    key.extend_from_slice(&ind::day_number(inc.day).to_be_bytes());
    key.extend_from_slice(inc.agency.as_bytes());
    key.push(0);
    key.extend_from_slice(inc.metric.as_bytes());
    key.push(0);
    key.extend_from_slice(inc.arg.as_bytes());
    key
}

fn day_bound(day: u32) -> Vec<u8> {
    let mut key = vec![COUNTER];
    key.extend_from_slice(&day.to_be_bytes());
    key
}

fn dossier_key(code: &str) -> Vec<u8> {
    [&[DOSSIER][..], code.as_bytes()].concat()
}

/// One counter read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Counter {
    pub day: u32,
    pub agency: String,
    pub metric: String,
    pub arg: String,
    pub value: i64,
}

fn parse_counter(key: &[u8], value: &[u8]) -> Option<Counter> {
    let rest = key.strip_prefix(&[COUNTER])?;
    let day = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?);
    let mut parts = rest.get(4..)?.splitn(3, |b| *b == 0);
    let agency = String::from_utf8(parts.next()?.to_vec()).ok()?;
    let metric = String::from_utf8(parts.next()?.to_vec()).ok()?;
    let arg = String::from_utf8(parts.next()?.to_vec()).ok()?;
    let value = i64::from_be_bytes(value.try_into().ok()?);
    Some(Counter {
        day,
        agency,
        metric,
        arg,
        value,
    })
}

/// Where counting writes: the ledger's transaction, or a rebuild's memory.
trait Sink {
    type Error;
    fn flags(&mut self, dossier: &str) -> std::result::Result<u8, Self::Error>;
    fn set_flags(&mut self, dossier: &str, flags: u8) -> std::result::Result<(), Self::Error>;
    fn add(&mut self, key: Vec<u8>, by: i64) -> std::result::Result<(), Self::Error>;
}

/// What one event adds, into `sink`: the one counting function of live writes and rebuilds.
fn count<S: Sink>(
    sink: &mut S,
    event: &LedgerEvent,
    facts: &DocFacts<'_>,
) -> std::result::Result<(), S::Error> {
    for inc in ind::event_increments(event, facts) {
        sink.add(counter_key(&inc), inc.by)?;
    }
    if let Some((code, bits)) = ind::dossier_flags_of(event, facts) {
        let old = sink.flags(code.as_str())?;
        let new = old | bits;
        if new != old {
            sink.set_flags(code.as_str(), new)?;
            for inc in ind::dossier_increments(&code, old, new) {
                sink.add(counter_key(&inc), inc.by)?;
            }
        }
    }
    Ok(())
}

struct TxSink<'a>(&'a TransactionalTree);

type TxError = ConflictableTransactionError<CatalogTxError>;

impl Sink for TxSink<'_> {
    type Error = TxError;

    fn flags(&mut self, dossier: &str) -> std::result::Result<u8, TxError> {
        Ok(self
            .0
            .get(dossier_key(dossier))?
            .and_then(|v| v.first().copied())
            .unwrap_or(0))
    }

    fn set_flags(&mut self, dossier: &str, flags: u8) -> std::result::Result<(), TxError> {
        self.0.insert(dossier_key(dossier), &[flags])?;
        Ok(())
    }

    fn add(&mut self, key: Vec<u8>, by: i64) -> std::result::Result<(), TxError> {
        let old = self
            .0
            .get(&key)?
            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
            .map_or(0, i64::from_be_bytes);
        self.0.insert(key, &(old + by).to_be_bytes())?;
        Ok(())
    }
}

/// The trees counting needs inside a ledger transaction: the counters, and the records (read
/// only) for the document an ingest, a reuse or a re-extraction names. `before` is the record
/// as it was before a re-extraction that changed it in the same transaction.
#[derive(Clone, Copy)]
pub(crate) struct CountingTx<'a> {
    pub counters: &'a TransactionalTree,
    pub records: &'a TransactionalTree,
    pub before: Option<&'a DocumentRecord>,
}

/// Counts `event` inside the ledger's transaction.
pub(crate) fn count_in_tx(
    tx: &CountingTx<'_>,
    event: &LedgerEvent,
) -> std::result::Result<(), TxError> {
    let record = match (&event.event.doc_id, ind::needs_document(event.event.action)) {
        (Some(id), true) => match tx.records.get(id.as_bytes())? {
            Some(bytes) => Some(decode::<DocumentRecord>("record", &bytes).map_err(tx_err)?),
            None => None,
        },
        _ => None,
    };
    let facts = facts_of(event, record.as_ref(), tx.before);
    count(&mut TxSink(tx.counters), event, &facts)
}

fn facts_of<'a>(
    event: &LedgerEvent,
    record: Option<&'a DocumentRecord>,
    before: Option<&'a DocumentRecord>,
) -> DocFacts<'a> {
    match (record, event.event.action, before) {
        (Some(after), schemas::Action::Reextract, Some(before)) => {
            DocFacts::Changed { before, after }
        }
        // A rebuild reads the record as it is now: a re-extraction has nothing to move, as
        // the ingest already counted the text class it has now.
        (Some(now), schemas::Action::Reextract, None) => DocFacts::Changed {
            before: now,
            after: now,
        },
        (Some(record), _, _) => DocFacts::Record(record),
        (None, _, _) => DocFacts::None,
    }
}

#[derive(Default)]
struct MemorySink {
    counters: HashMap<Vec<u8>, i64>,
    dossiers: HashMap<String, u8>,
}

impl Sink for MemorySink {
    type Error = std::convert::Infallible;

    fn flags(&mut self, dossier: &str) -> std::result::Result<u8, Self::Error> {
        Ok(self.dossiers.get(dossier).copied().unwrap_or(0))
    }

    fn set_flags(&mut self, dossier: &str, flags: u8) -> std::result::Result<(), Self::Error> {
        self.dossiers.insert(dossier.to_string(), flags);
        Ok(())
    }

    fn add(&mut self, key: Vec<u8>, by: i64) -> std::result::Result<(), Self::Error> {
        *self.counters.entry(key).or_default() += by;
        Ok(())
    }
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildSummary {
    pub events: u64,
    pub counters: u64,
    pub dossiers: u64,
}

/// Counts every event of `ledger` again into memory and replaces the tree's contents with the
/// result, then marks it built. `progress(done, total)` is called every 100,000 events and at
/// the end. The tree is unmarked first, so an interrupted rebuild leaves it "not built" (and
/// the report says so) until it is run again.
pub(crate) fn rebuild(
    counters: &sled::Tree,
    ledger: &sled::Tree,
    records: &sled::Tree,
    total: u64,
    mut progress: impl FnMut(u64, u64),
) -> Result<RebuildSummary> {
    let damaged = |detail: String| ArchiveError::Damaged {
        key: TREE.into(),
        detail,
    };
    counters
        .remove(BUILT_KEY)
        .map_err(|e| damaged(e.to_string()))?;
    let mut sink = MemorySink::default();
    let mut done = 0u64;
    for item in ledger.iter() {
        let (_, value) = item.map_err(|e| damaged(e.to_string()))?;
        let event: LedgerEvent = decode("ledger event", &value)?;
        let record = match (&event.event.doc_id, ind::needs_document(event.event.action)) {
            (Some(id), true) => match records
                .get(id.as_bytes())
                .map_err(|e| damaged(e.to_string()))?
            {
                Some(bytes) => Some(decode::<DocumentRecord>("record", &bytes)?),
                None => None,
            },
            _ => None,
        };
        let facts = facts_of(&event, record.as_ref(), None);
        let Ok(()) = count(&mut sink, &event, &facts);
        done += 1;
        if done % 100_000 == 0 {
            progress(done, total);
        }
    }
    counters.clear().map_err(|e| damaged(e.to_string()))?;
    let mut batch = sled::Batch::default();
    for (key, value) in &sink.counters {
        batch.insert(key.as_slice(), &value.to_be_bytes());
    }
    for (code, flags) in &sink.dossiers {
        batch.insert(dossier_key(code), &[*flags]);
    }
    batch.insert(BUILT_KEY, &[1]);
    counters
        .apply_batch(batch)
        .map_err(|e| damaged(e.to_string()))?;
    progress(done, total);
    Ok(RebuildSummary {
        events: done,
        counters: sink.counters.len() as u64,
        dossiers: sink.dossiers.len() as u64,
    })
}

/// Every counter of the days `from..=to` (day numbers), in key order.
pub(crate) fn counters_between(tree: &sled::Tree, from: u32, to: u32) -> Result<Vec<Counter>> {
    let mut out = Vec::new();
    for item in tree.range(day_bound(from)..day_bound(to.saturating_add(1))) {
        let (key, value) = item.map_err(|e| ArchiveError::Damaged {
            key: TREE.into(),
            detail: e.to_string(),
        })?;
        if let Some(counter) = parse_counter(&key, &value) {
            out.push(counter);
        }
    }
    Ok(out)
}

/// Every counter that is not zero and every dossier mark, as raw pairs (a counter a
/// re-extraction moved away from stays at zero in a live tree; a rebuild never writes it).
pub(crate) fn dump(tree: &sled::Tree) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let mut out = Vec::new();
    for item in tree.iter() {
        let (key, value) = item.map_err(|e| ArchiveError::Damaged {
            key: TREE.into(),
            detail: e.to_string(),
        })?;
        if key.first() == Some(&COUNTER) && value.iter().all(|b| *b == 0) {
            continue;
        }
        out.push((key.to_vec(), value.to_vec()));
    }
    Ok(out)
}
