//! Applying a record written by another node (from the bucket's journal) to this catalogue.
//!
//! A record changes in one direction only: active, then revoked or superseded, for good. So two
//! nodes' copies merge without a coordinator: the further state wins, and two different final
//! states (the same record revoked on one node and superseded on another before either saw the
//! other) are settled by the earlier change, then by their JSON, the same way on every node.
//! History events are compared by what happened and when, so applying a page twice, or a
//! record that went through several nodes, adds each event once.

use super::codec::{decode, encode, tx_err};
use super::{file_new_record, renumber, Catalog, NewRecordTrees};
use crate::ledger::{self, LedgerTx};
use crate::{ArchiveError, Result};
use schemas::{DocumentRecord, DocumentText, LedgerEvent, Lifecycle};
use sled::transaction::Transactional;

/// What applying a foreign record did here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Applied {
    /// The record was not here.
    New,
    /// Its state, text or history changed here.
    Changed,
    /// Everything it says was already here.
    Unchanged,
}

/// An event's identity across nodes: what happened and when, not where it sits in a chain.
fn fingerprint(event: &LedgerEvent) -> String {
    let what = serde_json::to_string(&event.event).unwrap_or_default();
    format!("{} {what}", event.at.unix_timestamp_nanos())
}

fn change_time(lifecycle: &Lifecycle) -> Option<(i128, String)> {
    match lifecycle {
        Lifecycle::Active => None,
        Lifecycle::Revoked { at, .. } | Lifecycle::Superseded { at, .. } => Some((
            at.unix_timestamp_nanos(),
            serde_json::to_string(lifecycle).unwrap_or_default(),
        )),
    }
}

/// The lifecycle both copies converge to.
fn merge_lifecycle(local: &Lifecycle, incoming: &Lifecycle) -> Lifecycle {
    match (change_time(local), change_time(incoming)) {
        (None, Some(_)) => incoming.clone(),
        (Some(mine), Some(theirs)) if theirs < mine => incoming.clone(),
        _ => local.clone(),
    }
}

impl Catalog {
    /// Whether the record change numbered `seq` came from another node (the journal does not
    /// send it back).
    pub(crate) fn is_replicated(&self, seq: u64) -> Result<bool> {
        self.replicated
            .contains_key(seq.to_be_bytes())
            .map_err(self.err())
    }

    /// Merges a record written by another node, with its page texts and its history, in one
    /// transaction. A record whose state or text changes gets a new sequence number here (so the
    /// index catches up), marked as replicated.
    pub(crate) fn apply_replicated(
        &self,
        incoming: &DocumentRecord,
        history: &[LedgerEvent],
        text: Option<&DocumentText>,
    ) -> Result<Applied> {
        let known: std::collections::HashSet<String> = self
            .history_of_doc(&incoming.id)?
            .iter()
            .map(fingerprint)
            .collect();
        let missing: Vec<&LedgerEvent> = history
            .iter()
            .filter(|e| !known.contains(&fingerprint(e)))
            .collect();
        let text_bytes = text.map(encode).transpose()?;
        let _writing = self.writing();
        // Ten trees: more than sled's tuples take, so a slice.
        let trees = [
            &self.records,
            &self.owner_docs,
            &self.sha_docs,
            &self.seq_docs,
            &self.meta,
            &self.ledger,
            &self.texts,
            &self.event_refs,
            &self.replicated,
            &self.indicators,
        ];
        let result = trees[..].transaction(|trees| {
                let [records, owner_docs, sha_docs, seq_docs, meta, ledger, texts, refs, replicated, counters] =
                    trees.as_slice()
                else {
                    return Err(tx_err(ArchiveError::Damaged {
                        key: "catalogue".into(),
                        detail: "a transaction over the replicated record's trees lost a tree".into(),
                    }));
                };
                let id = incoming.id.as_bytes();
                let local: Option<DocumentRecord> = records
                    .get(id)?
                    .map(|bytes| decode("record", &bytes))
                    .transpose()
                    .map_err(tx_err)?;
                let text_changed = match &text_bytes {
                    Some(bytes) => texts
                        .get(incoming.sha256.as_bytes())?
                        .is_none_or(|have| have.as_ref() != bytes.as_slice()),
                    None => false,
                };
                let mut merged = local.clone().unwrap_or_else(|| incoming.clone());
                merged.lifecycle = merge_lifecycle(&merged.lifecycle, &incoming.lifecycle);
                if let (Some(text), true) = (text, text_changed) {
                    merged.set_text_summary(text);
                }
                let record_changed = local.as_ref() != Some(&merged) || text_changed;
                let outcome = match &local {
                    None => Applied::New,
                    Some(_) if record_changed || !missing.is_empty() => Applied::Changed,
                    Some(_) => return Ok(Applied::Unchanged),
                };
                if let (Some(bytes), true) = (&text_bytes, text_changed) {
                    texts.insert(incoming.sha256.as_bytes(), bytes.as_slice())?;
                }
                // Only a record whose state or text moved needs a new number (the index follows
                // numbers); events added to its history alone do not. A new record has moved.
                if record_changed {
                    renumber(meta, seq_docs, &mut merged, local.as_ref().map(|l| l.seq))?;
                    replicated.insert(&merged.seq.to_be_bytes(), &[])?;
                    if local.is_none() {
                        // Two nodes may each have stored the same bytes for the same owner: both
                        // records are kept; the dedupe key keeps pointing at the first one here.
                        let trees = NewRecordTrees {
                            records,
                            owner_docs,
                            sha_docs,
                            meta,
                        };
                        file_new_record(&trees, &merged)?;
                    } else {
                        records.insert(id, encode(&merged).map_err(tx_err)?)?;
                    }
                }
                let tx = LedgerTx {
                    meta,
                    ledger,
                    refs,
                    counting: crate::indicators::CountingTx {
                        counters,
                        records,
                        before: None,
                    },
                };
                for event in &missing {
                    ledger::append(&tx, &event.event, event.at)?;
                }
                Ok(outcome)
            });
        self.tx_result(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn revoked(at: time::OffsetDateTime) -> Lifecycle {
        Lifecycle::Revoked {
            reason: "cấp lại".into(),
            at,
            by: "clerk".into(),
        }
    }

    #[test]
    fn lifecycles_converge_whichever_order_they_arrive_in() {
        let early = revoked(datetime!(2026-01-01 0:00 UTC));
        let late = revoked(datetime!(2026-02-01 0:00 UTC));
        let active = Lifecycle::Active;
        assert_eq!(merge_lifecycle(&active, &early), early);
        assert_eq!(merge_lifecycle(&early, &active), early);
        assert_eq!(merge_lifecycle(&late, &early), early);
        assert_eq!(merge_lifecycle(&early, &late), early);
        assert_eq!(merge_lifecycle(&active, &active), active);
    }
}
