//! Reads and changes made on someone's behalf, each recorded in the ledger: reading a record or
//! its bytes, reuse in a dossier, revoking and superseding, refused attempts, and the views of the
//! ledger that an owner or a document has.
//!
//! Who may do what is not decided here (that is `search-api`'s authorization); this module makes
//! sure that whatever is done is in the ledger, durably, before its result is handed out.

use crate::archive::Archive;
use crate::{ArchiveError, Result, VerifyingReader};
use schemas::{
    AccessReason, Action, Actor, DocumentRecord, LedgerEvent, Lifecycle, NewEvent, RuleError,
    SupersedeReason,
};
use std::io::Read;
use time::OffsetDateTime;

/// The name used for [`AccessReason`] in this crate's API.
pub type ReadReason = AccessReason;

/// Longest revocation reason, in characters.
const MAX_REASON_CHARS: usize = 1000;

fn event_about(
    action: Action,
    actor: &Actor,
    record: &DocumentRecord,
    reason: &AccessReason,
) -> NewEvent {
    let mut event = NewEvent::new(action, actor);
    event.doc_id = Some(record.id.clone());
    event.owner_id = Some(record.metadata.owner_id.to_string());
    reason.fill(&mut event);
    event
}

impl Archive {
    /// Appends events and makes them durable: a read is in the ledger before its result leaves.
    fn log(&self, events: &[NewEvent]) -> Result<Vec<LedgerEvent>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let logged = self
            .catalog
            .append_events(events, OffsetDateTime::now_utc())?;
        self.catalog.flush()?;
        Ok(logged)
    }

    /// Reads a record on behalf of `actor`; the read is in the ledger before the record is returned.
    pub fn read_record(
        &self,
        id: &str,
        actor: &Actor,
        reason: &AccessReason,
    ) -> Result<DocumentRecord> {
        let record = self.record(id)?;
        self.log_read(&record, actor, reason)?;
        Ok(record)
    }

    /// Records a read of a record the caller already holds (looked up to check access).
    pub fn log_read(
        &self,
        record: &DocumentRecord,
        actor: &Actor,
        reason: &AccessReason,
    ) -> Result<()> {
        self.log(&[event_about(Action::ReadMetadata, actor, record, reason)])
            .map(|_| ())
    }

    /// Records that `records` were shown to `actor` (the hits of a search, an owner's list), in
    /// one transaction. `detail` says how they were shown.
    pub fn record_reads(
        &self,
        records: &[DocumentRecord],
        actor: &Actor,
        reason: &AccessReason,
        detail: &str,
    ) -> Result<()> {
        let events: Vec<_> = records
            .iter()
            .map(|record| {
                let mut event = event_about(Action::ReadMetadata, actor, record, reason);
                event.detail = Some(detail.to_string());
                event
            })
            .collect();
        self.log(&events).map(|_| ())
    }

    /// Opens the original bytes on behalf of `actor` (ledgered). The reader re-hashes the bytes and
    /// fails at the end if they are not what was stored.
    pub fn open_original(
        &self,
        id: &str,
        actor: &Actor,
        reason: &AccessReason,
    ) -> Result<(DocumentRecord, VerifyingReader<Box<dyn Read + Send>>)> {
        let record = self.record(id)?;
        let reader = self.open_record_original(&record, actor, reason)?;
        Ok((record, reader))
    }

    /// [`Archive::open_original`] for a record the caller already holds.
    pub fn open_record_original(
        &self,
        record: &DocumentRecord,
        actor: &Actor,
        reason: &AccessReason,
    ) -> Result<VerifyingReader<Box<dyn Read + Send>>> {
        let digest = Self::digest_of(record)?;
        let raw = self.blobs.open(&digest)?;
        self.log(&[event_about(Action::Download, actor, record, reason)])?;
        Ok(VerifyingReader::new(raw, digest))
    }

    /// Opens `len` bytes of the original from `start` (ledgered as a download of that range).
    pub fn open_original_range(
        &self,
        record: &DocumentRecord,
        actor: &Actor,
        reason: &AccessReason,
        start: u64,
        len: u64,
    ) -> Result<Box<dyn Read + Send>> {
        let digest = Self::digest_of(record)?;
        let raw = self.blobs.open_range(&digest, start, len)?;
        let mut event = event_about(Action::Download, actor, record, reason);
        event.detail = Some(format!(
            "bytes {start}-{}",
            start.saturating_add(len).saturating_sub(1)
        ));
        self.log(&[event])?;
        Ok(raw)
    }

    /// Records an attempt that authorization refused. When `id` names a document, the event is
    /// filed under it and its owner, so that the owner sees who tried.
    pub fn record_refusal(&self, actor: &Actor, id: Option<&str>, detail: &str) -> Result<()> {
        let mut event = NewEvent::new(Action::Refused, actor);
        event.detail = Some(detail.to_string());
        if let Some(id) = id {
            match self.catalog.get(id.trim())? {
                Some(record) => {
                    event.doc_id = Some(record.id.clone());
                    event.owner_id = Some(record.metadata.owner_id.to_string());
                }
                None => event.detail = Some(format!("{detail} (no document {id:?})")),
            }
        }
        self.log(&[event]).map(|_| ())
    }

    /// A clerk takes a document for a dossier. The dossier code and purpose are required; the
    /// event is what the owner sees and what the document's list of reuses is made of.
    pub fn reuse(
        &self,
        id: &str,
        actor: &Actor,
        reason: &AccessReason,
    ) -> Result<(DocumentRecord, LedgerEvent)> {
        reason.require_dossier()?;
        let record = self.record(id)?;
        let mut logged = self.log(&[event_about(Action::Reuse, actor, &record, reason)])?;
        let event = logged.pop().ok_or_else(|| ArchiveError::Damaged {
            key: "ledger".into(),
            detail: "an appended event was not returned".into(),
        })?;
        Ok((record, event))
    }

    /// The reuses of a document, oldest first.
    pub fn reuses(&self, record: &DocumentRecord) -> Result<Vec<LedgerEvent>> {
        self.catalog.reuses_of_doc(&record.id)
    }

    /// What happened to a document: stored, revoked, superseded; oldest first.
    pub fn history(&self, record: &DocumentRecord) -> Result<Vec<LedgerEvent>> {
        self.catalog.history_of_doc(&record.id)
    }

    /// Every event about an owner's documents after event `after`, at most `limit`, oldest first.
    pub fn ledger_of_owner(
        &self,
        owner: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<LedgerEvent>> {
        self.catalog.events_of_owner(owner.trim(), after, limit)
    }

    /// Every event about one document after event `after`, at most `limit`, oldest first.
    pub fn ledger_of_doc(
        &self,
        record: &DocumentRecord,
        after: u64,
        limit: usize,
    ) -> Result<Vec<LedgerEvent>> {
        self.catalog.events_of_doc(&record.id, after, limit)
    }

    /// Marks an active document revoked. Nothing is deleted: the record and its bytes stay, and
    /// the document is no longer offered as valid.
    pub fn revoke(&self, id: &str, reason: &str, actor: &Actor) -> Result<DocumentRecord> {
        let reason = schemas::clean_text(reason)
            .filter(|r| r.chars().count() <= MAX_REASON_CHARS)
            .ok_or_else(|| {
                RuleError::new(format!(
                    "say why the document is revoked, in 1 to {MAX_REASON_CHARS} characters"
                ))
                .at("reason", "")
            })?;
        let current = self.record(id)?;
        self.end_lifecycle(&current, Action::Revoke, reason.clone(), actor, |at| {
            Lifecycle::Revoked {
                reason: reason.clone(),
                at,
                by: actor.name.clone(),
            }
        })
    }

    /// Marks an active document superseded by `successor`, a document of the same owner that is
    /// itself still active. The old record points at its successor.
    pub fn supersede(
        &self,
        id: &str,
        successor: &str,
        reason: SupersedeReason,
        actor: &Actor,
    ) -> Result<DocumentRecord> {
        let current = self.record(id)?;
        let next = self
            .catalog
            .get(successor.trim())?
            .ok_or_else(|| RuleError::new("no document with this id").at("successor", successor))?;
        if next.id == current.id {
            return Err(RuleError::new("a document cannot supersede itself")
                .at("successor", successor)
                .into());
        }
        if next.metadata.owner_id != current.metadata.owner_id {
            return Err(RuleError::new(format!(
                "the successor belongs to another owner ({}); a result is superseded by one of the same owner",
                next.metadata.owner_id
            ))
            .at("successor", successor)
            .into());
        }
        if next.lifecycle != Lifecycle::Active {
            return Err(ArchiveError::Conflict(format!(
                "the successor {} is itself revoked or superseded",
                next.id
            )));
        }
        let detail = format!("{} by {}", reason.as_str(), next.id);
        self.end_lifecycle(&current, Action::Supersede, detail, actor, |at| {
            Lifecycle::Superseded {
                successor: next.id.clone(),
                reason,
                at,
                by: actor.name.clone(),
            }
        })
    }

    /// Moves an active record to its final lifecycle state (`lifecycle` made with the time of
    /// the change) with the event that says so, in one transaction, durable on return.
    fn end_lifecycle(
        &self,
        current: &DocumentRecord,
        action: Action,
        detail: String,
        actor: &Actor,
        lifecycle: impl Fn(OffsetDateTime) -> Lifecycle,
    ) -> Result<DocumentRecord> {
        let mut event = event_about(action, actor, current, &AccessReason::default());
        event.detail = Some(detail);
        let at = OffsetDateTime::now_utc();
        let changed = self
            .catalog
            .change_record(&current.id, &event, at, |record| {
                ensure_active(record)?;
                record.lifecycle = lifecycle(at);
                Ok(())
            })?;
        self.catalog.flush()?;
        Ok(changed)
    }
}

fn ensure_active(record: &DocumentRecord) -> Result<()> {
    match &record.lifecycle {
        Lifecycle::Active => Ok(()),
        Lifecycle::Revoked { .. } => Err(ArchiveError::Conflict(format!(
            "document {} is already revoked; a lifecycle change is final",
            record.id
        ))),
        Lifecycle::Superseded { successor, .. } => Err(ArchiveError::Conflict(format!(
            "document {} is already superseded by {successor}; a lifecycle change is final",
            record.id
        ))),
    }
}
