//! The access ledger: append-only, hash-chained, inside the catalogue's sled database so that an
//! event and the change it records commit together.

use crate::catalog::codec::{decode, encode, tx_err, CatalogTxError};
use schemas::{Action, LedgerEvent, NewEvent};
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
    if !event.hash.is_empty() {
        let mut unhashed = event.clone();
        unhashed.hash.clear();
        return event_hash(&unhashed);
    }
    let json = serde_json::to_vec(event).unwrap_or_default();
    hex::encode(Sha256::digest(&json))
}

/// Sets the hash of `stored` (its hash still empty) and returns its JSON as stored, serialized
/// once: the JSON with the hash empty is what the hash is of, and the hash, the last field, is
/// then written into it. (Serializing twice, and cloning the event, was about a twentieth of the
/// cost of appending an event.)
fn hashed_json(stored: &mut LedgerEvent) -> crate::Result<Vec<u8>> {
    debug_assert!(stored.hash.is_empty());
    let mut json = encode(&*stored)?;
    stored.hash = hex::encode(Sha256::digest(&json));
    const EMPTY_HASH_AT_END: &[u8] = br#""hash":""}"#;
    if !json.ends_with(EMPTY_HASH_AT_END) {
        // Not the layout this relies on: serialize again.
        return encode(&*stored);
    }
    json.truncate(json.len() - br#""}"#.len());
    json.extend_from_slice(stored.hash.as_bytes());
    json.extend_from_slice(br#""}"#);
    Ok(json)
}

pub(crate) mod refs;

/// The list of an owner's (`o`) or a document's (`d`) events, and the others below: the key
/// prefix of its entries in `event_refs` ([`refs`]).
pub(crate) use refs::prefix as ref_prefix;

pub(crate) const OWNER_REF: u8 = b'o';
pub(crate) const DOC_REF: u8 = b'd';
/// A document's lifecycle events (ingest, revoke, supersede): its history without its reads.
pub(crate) const HISTORY_REF: u8 = b'h';
/// A document's reuses.
pub(crate) const REUSE_REF: u8 = b'u';
/// A requester's own trail (`kind:name`): their refused attempts that no owner's ledger holds
/// (an id that does not exist, an act their role never allows).
pub(crate) const ACTOR_REF: u8 = b'a';

/// The admin audit trail: account changes, backups and the store's configuration (trust
/// anchors, the gazetteer).
pub(crate) const AUDIT_REF: u8 = b'z';

/// The id under which [`ACTOR_REF`] files an actor's events.
pub(crate) fn actor_key(actor: &schemas::Actor) -> String {
    format!("{}:{}", actor.kind, actor.name)
}

/// Every list an event is filed under (their key prefixes).
fn lists_of(event: &LedgerEvent) -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    match &event.event.owner_id {
        Some(owner) => keys.push(ref_prefix(OWNER_REF, owner)),
        None if event.event.action == Action::Refused => {
            keys.push(ref_prefix(ACTOR_REF, &actor_key(&event.event.actor)))
        }
        None => {}
    }
    if matches!(
        event.event.action,
        Action::Account | Action::Backup | Action::TrustChanged | Action::ImportGazetteer
    ) {
        keys.push(ref_prefix(AUDIT_REF, ""));
    }
    if let Some(doc) = &event.event.doc_id {
        keys.push(ref_prefix(DOC_REF, doc));
        match event.event.action {
            Action::Ingest
            | Action::Revoke
            | Action::Supersede
            | Action::FixityFailed
            | Action::Reextract
            | Action::SignaturesChecked
            | Action::Certify
            | Action::RereadPlaces => keys.push(ref_prefix(HISTORY_REF, doc)),
            Action::Reuse => keys.push(ref_prefix(REUSE_REF, doc)),
            _ => {}
        }
    }
    keys
}

/// The ledger trees a transaction that appends events must hold, and the indicators'
/// counters each event moves (in the same transaction, [`crate::indicators`]).
pub(crate) struct LedgerTx<'a> {
    pub meta: &'a TransactionalTree,
    pub ledger: &'a TransactionalTree,
    pub refs: &'a TransactionalTree,
    pub counting: crate::indicators::CountingTx<'a>,
}

/// Appends `event` after the current head, within the caller's transaction, and files it under
/// its owner and its document so that each can list its own events without walking the ledger.
pub(crate) fn append(
    tx: &LedgerTx<'_>,
    event: &NewEvent,
    at: OffsetDateTime,
) -> Result<LedgerEvent, ConflictableTransactionError<CatalogTxError>> {
    let LedgerTx {
        meta,
        ledger,
        refs,
        counting,
    } = tx;
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
    let json = hashed_json(&mut stored).map_err(tx_err)?;
    ledger.insert(&stored.seq.to_be_bytes(), json)?;
    let new_head = Head {
        seq: stored.seq,
        hash: stored.hash.clone(),
    };
    meta.insert(HEAD_KEY, encode(&new_head).map_err(tx_err)?)?;
    file_refs(refs, &stored)?;
    crate::indicators::count_in_tx(counting, &stored)?;
    Ok(stored)
}

fn file_refs(
    refs: &TransactionalTree,
    stored: &LedgerEvent,
) -> Result<(), ConflictableTransactionError<CatalogTxError>> {
    for prefix in lists_of(stored) {
        let open_key = refs::open_key(&prefix);
        let open_now = refs.get(&open_key)?;
        let writes =
            refs::file(&open_key, open_now.as_deref(), stored.seq).map_err(|e| tx_err(e.into()))?;
        for (key, value) in writes {
            refs.insert(key, value)?;
        }
    }
    Ok(())
}

/// Writes an exported event back as it was (its sequence number and hashes kept), after checking
/// that it follows the head: the chain a restored store holds is the chain that was exported.
pub(crate) fn restore(
    meta: &sled::Tree,
    ledger: &sled::Tree,
    refs: &sled::Tree,
    event: &LedgerEvent,
) -> crate::Result<()> {
    let damaged = |detail: String| crate::ArchiveError::Damaged {
        key: format!("ledger event {}", event.seq),
        detail,
    };
    let sled_err = |e: sled::Error| damaged(e.to_string());
    let head: Head = match meta.get(HEAD_KEY).map_err(sled_err)? {
        Some(bytes) => decode("ledger head", &bytes)?,
        None => Head {
            seq: 0,
            hash: GENESIS.to_string(),
        },
    };
    if event.seq != head.seq + 1 || event.prev_hash != head.hash {
        return Err(damaged(format!(
            "does not follow event {} of the chain being restored",
            head.seq
        )));
    }
    if event_hash(event) != event.hash {
        return Err(damaged(
            "its hash does not match its content (altered after it was written)".into(),
        ));
    }
    ledger
        .insert(event.seq.to_be_bytes(), encode(event)?)
        .map_err(sled_err)?;
    let head = Head {
        seq: event.seq,
        hash: event.hash.clone(),
    };
    meta.insert(HEAD_KEY, encode(&head)?).map_err(sled_err)?;
    for prefix in lists_of(event) {
        refs::file_in_tree(refs, &prefix, event.seq)?;
    }
    Ok(())
}

/// Files every event under its owner and document: stores written before `event_refs` existed.
pub(crate) fn backfill_refs(ledger: &sled::Tree, refs: &sled::Tree) -> crate::Result<()> {
    for item in ledger.iter() {
        let Ok((_, value)) = item else { continue };
        let Ok(event) = decode::<LedgerEvent>("ledger event", &value) else {
            continue;
        };
        for prefix in lists_of(&event) {
            refs::file_in_tree(refs, &prefix, event.seq)?;
        }
    }
    Ok(())
}

/// The sequence number of the last event (0 for an empty ledger).
pub(crate) fn head_seq(meta: &sled::Tree) -> u64 {
    meta.get(HEAD_KEY)
        .ok()
        .flatten()
        .and_then(|bytes| decode::<Head>("ledger head", &bytes).ok())
        .map_or(0, |head| head.seq)
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
        let mut event: LedgerEvent = match decode("ledger event", &value) {
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
        // Taken out rather than cleared in a copy: a walk of millions of events.
        let hash = std::mem::take(&mut event.hash);
        if event_hash(&event) != hash {
            return Ok(broken(
                expected - 1,
                format!("event {expected} was altered after it was written: its hash does not match its content"),
            ));
        }
        prev = hash;
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn event(text: &str, with_optional: bool) -> LedgerEvent {
        let mut event = NewEvent::new(
            Action::ReadMetadata,
            &schemas::Actor {
                kind: "user".into(),
                name: text.into(),
                role: Some("clerk".into()),
                agency_code: None,
                made_by: with_optional.then(|| format!("admin {text}")),
            },
        );
        event.doc_id = Some("e42fjr5nsanvwfrpsaupdwo3kw".into());
        event.owner_id = Some("017316709271".into());
        event.purpose = Some(text.into());
        event.detail = with_optional.then(|| text.to_string());
        event.procedure_code = with_optional.then(|| "1.001193".into());
        event.refusal = with_optional.then(|| serde_json::json!({"code": text, "params": {}}));
        LedgerEvent {
            seq: 7,
            at: OffsetDateTime::UNIX_EPOCH,
            event,
            prev_hash: GENESIS.into(),
            hash: String::new(),
        }
    }

    proptest! {
        /// The bytes written in one pass are those of serializing the hashed event, and the
        /// hash is the one `kho verify` recomputes, whatever the strings hold (quotes, escapes,
        /// Vietnamese, a `"hash":""}` of their own).
        #[test]
        fn one_pass_writes_what_two_would(
            text in prop_oneof![
                ".{0,40}",
                Just(r#"x","hash":""}"#.to_string()),
                Just("Nguyễn \"Văn\" \\ Đức\n".to_string()),
            ],
            with_optional in any::<bool>(),
        ) {
            let mut stored = event(&text, with_optional);
            let json = hashed_json(&mut stored).unwrap();
            prop_assert_eq!(&json, &encode(&stored).unwrap());
            prop_assert_eq!(&stored.hash, &event_hash(&stored));
            prop_assert_eq!(serde_json::from_slice::<LedgerEvent>(&json).unwrap(), stored);
        }
    }
}
