//! Changes made on someone's behalf, each one transaction with its ledger event: revoking and
//! superseding (only from active; the old record points at its successor), and re-extracting a
//! blob's text (who, when, which pages, the text source before and after).

use super::event_about;
use crate::{Archive, ArchiveError, Result};
use schemas::messages;
use schemas::policy::Act;
use schemas::{
    AccessReason, Action, Actor, Caller, DocumentRecord, DocumentText, Lifecycle, NewEvent,
    RuleError, SupersedeReason, TextSource,
};
use time::OffsetDateTime;

/// Longest revocation reason, in characters.
const MAX_REASON_CHARS: usize = 1000;
/// Page numbers named in a re-extraction's event, at most.
const MAX_PAGES_NAMED: usize = 20;

/// Which documents a re-extraction runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReextractTarget {
    /// Every blob in the store.
    All,
    /// The blobs of these documents.
    Documents(Vec<String>),
}

/// What re-extracting one blob did: the records that use it, updated, or why it failed (the
/// other blobs are still done).
#[derive(Debug)]
pub struct Reextracted {
    pub sha256: String,
    /// 1-based, of `total`.
    pub index: usize,
    pub total: usize,
    pub outcome: Result<Vec<DocumentRecord>>,
}

impl Archive {
    /// Runs text extraction again on stored originals (after an OCR upgrade, say), for
    /// `caller`: each blob read back verified (never modified), given to `extract` (the
    /// extraction is `ingest`'s business), and its new page texts written with a `reextract`
    /// event on every record that uses it, saying which pages changed and the text source
    /// before and after. `each` hears of every blob, done or failed; only a refusal or a failure
    /// to list the blobs stops the run.
    pub fn reextract(
        &self,
        caller: &Caller,
        target: &ReextractTarget,
        extract: &dyn Fn(&[u8]) -> std::result::Result<DocumentText, String>,
        each: &mut dyn FnMut(Reextracted),
    ) -> Result<()> {
        self.authorize(caller, Act::Reextract, None, "re-extract")?;
        let blobs = self.target_blobs(target)?;
        let total = blobs.len();
        for (i, sha256) in blobs.into_iter().enumerate() {
            let outcome = self.reextract_blob(caller.actor(), &sha256, extract);
            each(Reextracted {
                sha256,
                index: i + 1,
                total,
                outcome,
            });
        }
        Ok(())
    }

    fn reextract_blob(
        &self,
        actor: &Actor,
        sha256: &str,
        extract: &dyn Fn(&[u8]) -> std::result::Result<DocumentText, String>,
    ) -> Result<Vec<DocumentRecord>> {
        let bytes = self.read_blob(sha256, self.max_file_bytes())?;
        let text = extract(&bytes).map_err(|why| ArchiveError::Extraction {
            sha256: sha256.to_string(),
            detail: why,
        })?;
        let before = self.text_of(sha256)?;
        let changed = changed_pages(before.as_ref(), &text);
        let updated = self.catalog.replace_text(
            sha256,
            &text,
            OffsetDateTime::now_utc(),
            |old, new| {
                let mut event =
                    event_about(Action::Reextract, actor, old, &AccessReason::default());
                event.detail = Some(reextract_detail(&changed, &text, old, new));
                event
            },
            |record| {
                record.places = self.places_of(&record.metadata, Some(&text));
            },
        )?;
        self.catalog.flush()?;
        Ok(updated)
    }

    /// Marks an active document revoked. Nothing is deleted: the record and its bytes stay, and
    /// the document is no longer offered as valid.
    pub fn revoke(&self, caller: &Caller, id: &str, reason: &str) -> Result<DocumentRecord> {
        self.authorize(caller, Act::ChangeLifecycle, Some(id), "revoke")?;
        let actor = caller.actor();
        let reason = schemas::clean_text(reason)
            .filter(|r| r.chars().count() <= MAX_REASON_CHARS)
            .ok_or_else(|| {
                RuleError::new(&messages::REVOKE_REASON)
                    .with("max", MAX_REASON_CHARS)
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
        caller: &Caller,
        id: &str,
        successor: &str,
        reason: SupersedeReason,
    ) -> Result<DocumentRecord> {
        self.authorize(caller, Act::ChangeLifecycle, Some(id), "supersede")?;
        let actor = caller.actor();
        let current = self.record(id)?;
        let next = self.catalog.get(successor.trim())?.ok_or_else(|| {
            RuleError::new(&messages::SUCCESSOR_UNKNOWN).at("successor", successor)
        })?;
        if next.id == current.id {
            return Err(RuleError::new(&messages::SUCCESSOR_ITSELF)
                .at("successor", successor)
                .into());
        }
        if next.metadata.owner_id != current.metadata.owner_id {
            return Err(RuleError::new(&messages::SUCCESSOR_OTHER_OWNER)
                .with("owner", &next.metadata.owner_id)
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
    /// the change) with the event that says so, in one transaction, durable on return; the
    /// search index follows at once (the document's `active` filter).
    fn end_lifecycle(
        &self,
        current: &DocumentRecord,
        action: Action,
        detail: String,
        actor: &Actor,
        lifecycle: impl Fn(OffsetDateTime) -> Lifecycle,
    ) -> Result<DocumentRecord> {
        let mut event: NewEvent = event_about(action, actor, current, &AccessReason::default());
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
        self.sync_index(&mut |_, _| {})?;
        Ok(changed)
    }
}

/// The pages whose text or way of reading differs between two extractions (every page when
/// there was none before), in order.
fn changed_pages(before: Option<&DocumentText>, after: &DocumentText) -> Vec<u32> {
    let old = |page: u32| before.and_then(|b| b.pages.iter().find(|p| p.page == page));
    after
        .pages
        .iter()
        .filter(|p| old(p.page).is_none_or(|o| o.text != p.text || o.source != p.source))
        .map(|p| p.page)
        .collect()
}

fn source_name(source: Option<TextSource>) -> String {
    source.map_or_else(|| "none".to_string(), schemas::json_name)
}

/// What a re-extraction event says: which pages changed, of how many, and the text source of
/// the record before and after.
fn reextract_detail(
    changed: &[u32],
    text: &DocumentText,
    old: &DocumentRecord,
    new: &DocumentRecord,
) -> String {
    let mut pages: Vec<String> = changed
        .iter()
        .take(MAX_PAGES_NAMED)
        .map(u32::to_string)
        .collect();
    if changed.len() > MAX_PAGES_NAMED {
        pages.push(format!("and {} more", changed.len() - MAX_PAGES_NAMED));
    }
    let which = if pages.is_empty() {
        "no page changed".to_string()
    } else {
        format!("page(s) {} changed", pages.join(", "))
    };
    format!(
        "text extracted again ({}): {which} of {}; text source {} -> {}",
        text.engine,
        text.pages.len(),
        source_name(old.text_source),
        source_name(new.text_source)
    )
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
