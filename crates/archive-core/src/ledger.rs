//! The access ledger: append-only, hash-chained, inside the catalogue's sled database so that an
//! event and the change it records commit together.

use crate::catalog::{decode, encode, tx_err, CatalogTxError};
use schemas::{LedgerEvent, NewEvent};
use sha2::{Digest, Sha256};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};
use time::OffsetDateTime;

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const HEAD_KEY: &[u8] = b"ledger_head";

#[derive(serde::Serialize, serde::Deserialize)]
struct Head {
    seq: u64,
    hash: String,
}

/// sha256 of the event's JSON with `hash` emptied.
pub fn event_hash(event: &LedgerEvent) -> String {
    let mut unhashed = event.clone();
    unhashed.hash.clear();
    let json = serde_json::to_vec(&unhashed).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

/// Appends `event` after the current head, within the caller's transaction.
pub(crate) fn append(
    meta: &TransactionalTree,
    ledger: &TransactionalTree,
    event: &NewEvent,
    at: OffsetDateTime,
) -> Result<LedgerEvent, ConflictableTransactionError<CatalogTxError>> {
    let head: Head = match meta.get(HEAD_KEY)? {
        Some(bytes) => decode("ledger head", &bytes).map_err(tx_err)?,
        None => Head {
            seq: 0,
            hash: GENESIS.to_string(),
        },
    };
    let mut stored = LedgerEvent {
        seq: head.seq + 1,
        at,
        event: event.clone(),
        prev_hash: head.hash,
        hash: String::new(),
    };
    stored.hash = event_hash(&stored);
    ledger.insert(&stored.seq.to_be_bytes(), encode(&stored).map_err(tx_err)?)?;
    let new_head = Head {
        seq: stored.seq,
        hash: stored.hash.clone(),
    };
    meta.insert(HEAD_KEY, encode(&new_head).map_err(tx_err)?)?;
    Ok(stored)
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerCheck {
    pub events: u64,
    /// The first break found, in words, or `None` when the chain holds.
    pub error: Option<String>,
}

/// Walks every event in order: sequence without gaps, each `prev_hash` the hash before it,
/// each `hash` recomputed, and the head pointing at the last event.
pub(crate) fn check(meta: &sled::Tree, ledger: &sled::Tree) -> Result<LedgerCheck, sled::Error> {
    let mut prev = GENESIS.to_string();
    let mut expected = 1u64;
    let broken = |events, msg: String| LedgerCheck {
        events,
        error: Some(msg),
    };
    for item in ledger.iter() {
        let (key, value) = item?;
        let event: LedgerEvent = match decode("ledger event", &value) {
            Ok(e) => e,
            Err(e) => return Ok(broken(expected - 1, format!("event {expected}: {e}"))),
        };
        let key_seq = <[u8; 8]>::try_from(key.as_ref())
            .ok()
            .map(u64::from_be_bytes);
        if key_seq != Some(expected) || event.seq != expected {
            return Ok(broken(
                expected - 1,
                format!(
                    "event {expected} is missing or out of place (found {})",
                    event.seq
                ),
            ));
        }
        if event.prev_hash != prev {
            return Ok(broken(
                expected - 1,
                format!("event {expected} does not link to the event before it"),
            ));
        }
        if event_hash(&event) != event.hash {
            return Ok(broken(
                expected - 1,
                format!("event {expected} was altered after it was written: its hash does not match its content"),
            ));
        }
        prev = event.hash;
        expected += 1;
    }
    let events = expected - 1;
    let head: Option<Head> = match meta.get(HEAD_KEY)? {
        Some(bytes) => decode("ledger head", &bytes).ok(),
        None => None,
    };
    let head_ok = match head {
        None => events == 0,
        Some(h) => h.seq == events && h.hash == prev,
    };
    Ok(LedgerCheck {
        events,
        error: (!head_ok).then(|| {
            format!("the ledger head does not match its last event ({events}): events were removed")
        }),
    })
}
