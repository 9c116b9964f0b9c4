//! The services: every read and change made on someone's behalf. Each takes the [`Caller`] that
//! whoever authenticated built, asks [`schemas::policy`] whether it may, writes the ledger event
//! (or the refusal's) and only then hands out a domain value. This is the one door to the
//! documents: the unledgered reads of the catalogue are private to the crate, so no crate above
//! can get a record, a text or an original without the event that says who read it and why.
//!
//! - [`documents`]: one document (metadata, original, previews, reuses, reuse, its ledger);
//! - [`owners`]: an owner's documents and ledger;
//! - [`search`](mod@search): the search, every hit shown ledgered;
//! - [`changes`]: revoke, supersede, re-extract;
//! - [`feed`]: the one-stop system's event feed, its webhook receivers, citizens'
//!   notification addresses and the notices mailed to them;
//! - [`dossiers`]: dossiers registered by the one-stop system, and a citizen's dossiers;
//! - [`places`]: replace the gazetteer, read every document's places again;
//! - [`operations`]: the operators' and admins' views (batches, users);
//! - [`trust`](mod@trust): trust anchors, signatures checked again, certified copies and their
//!   public check;
//! - [`shares`]: a citizen's shares and their use through a link;
//! - [`sign_in`]: the account of a person an identity provider vouched for (OpenID Connect);
//! - [`stacks`]: scanned stacks kept whole and read back to be split.
//!
//! Order of checks, the same in every service: a read first checks the reason it gives (a
//! clerk's dossier, not ledgered: a malformed or missing reason is the caller's mistake, not an
//! attempt), then the role (refused attempts are ledgered, filed under the document they name),
//! then the document or owner (one the caller may not see is refused as if it did not exist,
//! and ledgered).

pub mod accounts;
pub mod changes;
pub mod documents;
pub mod dossiers;
pub mod feed;
pub mod indicators;
pub mod ledger_lines;
pub mod operations;
pub mod owners;
pub mod places;
pub mod search;
pub mod shares;
pub mod sign_in;
pub mod stacks;
pub mod trust;

pub use accounts::SessionInfo;
pub use changes::{ReextractTarget, Reextracted};
pub use documents::{
    ByteRange, Document, OriginalAccess, OriginalAnswer, OriginalFacts, OriginalRequest,
    RangeAsked, Reused,
};
pub use dossiers::{DossierDocument, DossierUse, Registration};
pub use feed::{FeedPage, FeedQuery, Notice, NoticePage, WebhookState, MAX_FEED_PAGE};
pub use ledger_lines::{LedgerLine, LedgerLines, LinesQuery, NamedDocument};
pub use operations::BatchReport;
pub use shares::{Opening, ShareVisit};
pub use sign_in::{ProviderIdentity, ProviderSignIn};
pub use stacks::KeptStack;
pub use trust::{SignatureCheck, SignatureRecheck};

use crate::{Archive, ArchiveError, Result};
use schemas::policy::{self, Act, Refusal};
use schemas::{
    AccessReason, Action, Actor, Caller, DocumentRecord, Dossier, DossierCheck, LedgerEvent,
    NewEvent,
};
use time::OffsetDateTime;

/// Most ledger events in one page of a ledger view.
pub const MAX_LEDGER_PAGE: usize = 1000;

/// Which events of a ledger view: those after event `after`, at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerPage {
    pub after: u64,
    pub limit: usize,
}

impl LedgerPage {
    /// From the start unless told otherwise, 100 at a time, 1 to [`MAX_LEDGER_PAGE`].
    pub fn new(after: Option<u64>, limit: Option<usize>) -> Self {
        LedgerPage {
            after: after.unwrap_or(0),
            limit: limit.unwrap_or(100).clamp(1, MAX_LEDGER_PAGE),
        }
    }

    /// The page a request asks for: a `limit` outside 1 to [`MAX_LEDGER_PAGE`] is refused,
    /// naming `limit` (review F20), instead of being quietly moved into the range.
    pub fn asked(after: Option<u64>, limit: Option<usize>) -> Result<Self> {
        match limit.and_then(|limit| schemas::FieldError::limit_outside(limit, MAX_LEDGER_PAGE)) {
            Some(outside) => Err(outside.into()),
            None => Ok(LedgerPage::new(after, limit)),
        }
    }
}

/// A page of ledger events, oldest first; `next_after` asks for the next page, if there may be
/// one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEvents {
    pub events: Vec<LedgerEvent>,
    pub next_after: Option<u64>,
}

impl LedgerEvents {
    fn of(events: Vec<LedgerEvent>, page: LedgerPage) -> Self {
        let next_after = (events.len() == page.limit)
            .then(|| events.last().map(|e| e.seq))
            .flatten();
        LedgerEvents { events, next_after }
    }
}

/// An event about `record` by `actor`, with the reason given.
pub(crate) fn event_about(
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

/// A document the caller may read, and the reason its read is ledgered with.
pub(crate) struct Reached {
    pub(crate) record: DocumentRecord,
    pub(crate) reason: AccessReason,
}

/// What a refused (or failed) attempt said, for its ledger event.
pub(crate) struct Attempted<'a> {
    /// The ledger's note: the attempt and why, in English (the API's record).
    pub(crate) detail: &'a str,
    /// The reason the caller gave (dossier, procedure, purpose), when it gave one.
    pub(crate) reason: Option<&'a AccessReason>,
    /// Why it was refused, stored as a message of the table for the owner's pages.
    pub(crate) refusal: Option<schemas::Message>,
}

/// What a refused attempt was aimed at, so that the refusal is filed where its target's owner
/// reads: a document (its owner's ledger; an id that does not exist goes to the requester's own
/// trail), an owner (their ledger), or nothing in particular (the requester's own trail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aim<'a> {
    Nothing,
    Document(&'a str),
    Owner(&'a str),
}

impl<'a> Aim<'a> {
    fn document(about: Option<&'a str>) -> Self {
        about.map_or(Aim::Nothing, Aim::Document)
    }
}

impl Archive {
    /// Refuses (and records the refusal of) a caller whose role does not allow `act` at all.
    /// `about` names the document the attempt was about, so that its owner sees it; `attempt`
    /// says what was tried, in the ledger's words. For work that is not the archive's (hashing
    /// a password, reading an upload form) but must be allowed first.
    pub fn authorize(
        &self,
        caller: &Caller,
        act: Act,
        about: Option<&str>,
        attempt: &str,
    ) -> Result<()> {
        self.authorize_aimed(caller, act, Aim::document(about), attempt)
    }

    pub(crate) fn authorize_aimed(
        &self,
        caller: &Caller,
        act: Act,
        aim: Aim<'_>,
        attempt: &str,
    ) -> Result<()> {
        policy::require(caller, act).map_err(|refusal| {
            self.refuse(
                caller,
                aim,
                format!("{attempt}: {}", refusal.render(schemas::Lang::En)),
                refusal,
            )
        })
    }

    /// Checks the reason a read gives ([`policy::check_reason`]). A missing or malformed reason
    /// is the caller's mistake and is answered without an event; a well-formed reason the
    /// policy refuses (a clerk citing another province's dossier) is a refused attempt, filed
    /// where it was aimed.
    pub(crate) fn check_reason_of(
        &self,
        caller: &Caller,
        reason: &AccessReason,
        aim: Aim<'_>,
        attempt: &str,
    ) -> Result<Option<Dossier>> {
        match policy::check_reason(caller, reason) {
            Ok(()) => {}
            Err(refusal @ Refusal::Reason(_)) => return Err(ArchiveError::Refused(refusal)),
            Err(refusal) => {
                return Err(self.refuse_for(
                    caller,
                    aim,
                    Some(reason),
                    format!("{attempt}: {}", refusal.render(schemas::Lang::En)),
                    refusal,
                ))
            }
        }
        self.bound_dossier(caller, reason, aim, attempt)
    }

    /// The registered dossier a clerk's read is bound to (`None` for other callers, and under
    /// [`DossierCheck::Format`]); an unregistered code is a refused attempt, filed where aimed.
    fn bound_dossier(
        &self,
        caller: &Caller,
        reason: &AccessReason,
        aim: Aim<'_>,
        attempt: &str,
    ) -> Result<Option<Dossier>> {
        if caller.role() != schemas::Role::Clerk || self.dossier_check() == DossierCheck::Format {
            return Ok(None);
        }
        let Some(code) = &reason.dossier_code else {
            return Ok(None);
        };
        let registered = self.registered_dossier(code)?;
        policy::check_registered(caller, reason, self.dossier_check(), registered.as_ref())
            .map_err(|refusal| {
                let detail = format!("{attempt}: {}", refusal.render(schemas::Lang::En));
                self.refuse_for(caller, aim, Some(reason), detail, refusal)
            })?;
        Ok(registered)
    }

    /// Refuses (and records) a clerk's read of `owner`'s documents for a dossier that is not
    /// theirs (`shared`: the document is shared with the dossier).
    // The refusal's event needs all of it: who, for what reason, aimed where, doing what.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check_dossier_reaches(
        &self,
        caller: &Caller,
        reason: &AccessReason,
        dossier: Option<&Dossier>,
        owner: &str,
        shared: bool,
        aim: Aim<'_>,
        attempt: &str,
    ) -> Result<()> {
        let Some(dossier) = dossier else {
            return Ok(());
        };
        policy::may_read_for_dossier(caller, dossier, owner, shared).map_err(|refusal| {
            let detail = format!("{attempt}: {}", refusal.render(schemas::Lang::En));
            self.refuse_for(caller, aim, Some(reason), detail, refusal)
        })
    }

    /// Writes a refused attempt to the ledger and returns the refusal as the error to answer
    /// with. The event is filed where it was aimed (see [`Aim`]). A failure to write the event
    /// is logged, not hidden behind the refusal the caller gets anyway.
    pub(crate) fn refuse(
        &self,
        caller: &Caller,
        aim: Aim<'_>,
        detail: String,
        refusal: Refusal,
    ) -> ArchiveError {
        self.refuse_for(caller, aim, None, detail, refusal)
    }

    /// [`Self::refuse`] for an attempt that gave a reason: the event names the dossier, the
    /// procedure and the purpose given, so that the owner sees what the refused reader said.
    pub(crate) fn refuse_for(
        &self,
        caller: &Caller,
        aim: Aim<'_>,
        reason: Option<&AccessReason>,
        detail: String,
        refusal: Refusal,
    ) -> ArchiveError {
        self.refused
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let said = Attempted {
            detail: &detail,
            reason,
            refusal: Some(refusal.message()),
        };
        if let Err(e) = self.record_refusal(caller, aim, said) {
            tracing::error!(error = %e, %detail, "could not record a refusal in the ledger");
        }
        ArchiveError::Refused(refusal)
    }

    fn record_refusal(&self, caller: &Caller, aim: Aim<'_>, said: Attempted<'_>) -> Result<()> {
        let detail = said.detail;
        let mut event = NewEvent::new(Action::Refused, caller.actor());
        event.detail = Some(detail.to_string());
        if let Some(reason) = said.reason {
            event.dossier_code = reason.dossier_code.clone();
            event.procedure_code = reason.procedure_code.clone();
            event.purpose = reason.purpose.clone();
        }
        event.refusal = said
            .refusal
            .and_then(|refusal| serde_json::to_value(refusal).ok());
        match aim {
            Aim::Document(id) => match self.catalog.get(id.trim())? {
                Some(record) => {
                    event.doc_id = Some(record.id.clone());
                    event.owner_id = Some(record.metadata.owner_id.to_string());
                }
                None => event.detail = Some(format!("{detail} (no document {:?})", id.trim())),
            },
            Aim::Owner(owner) => event.owner_id = Some(owner.trim().to_string()),
            Aim::Nothing => {}
        }
        if event.owner_id.is_none() {
            // The requester's own trail: a citizen's ledger, else the ledger's actor index.
            event.owner_id = caller.principal().owner_id.clone();
        }
        self.log(&[event]).map(|_| ())
    }

    /// Appends events and makes them durable: a read is in the ledger before its result leaves.
    pub(crate) fn log(&self, events: &[NewEvent]) -> Result<Vec<LedgerEvent>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let logged = self
            .catalog
            .append_events(events, OffsetDateTime::now_utc())?;
        self.catalog.flush()?;
        Ok(logged)
    }

    /// The events that say `records` were shown to `caller` (a record read, the hits of a
    /// search, an owner's list). `detail` says how they were shown.
    pub(crate) fn read_events(
        &self,
        records: &[DocumentRecord],
        caller: &Caller,
        reason: &AccessReason,
        detail: Option<&str>,
    ) -> Vec<NewEvent> {
        records
            .iter()
            .map(|record| {
                let mut event = event_about(Action::ReadMetadata, caller.actor(), record, reason);
                event.detail = detail.map(str::to_string);
                event
            })
            .collect()
    }

    /// Records that `records` were shown to `caller`, in one transaction.
    pub(crate) fn log_reads(
        &self,
        records: &[DocumentRecord],
        caller: &Caller,
        reason: &AccessReason,
        detail: Option<&str>,
    ) -> Result<()> {
        self.log(&self.read_events(records, caller, reason, detail))
            .map(|_| ())
    }

    /// The record of `id` if the caller may read it for `reason`: the reason, the role, the
    /// record, then whether it is theirs. A document the caller may not read is refused as one
    /// that does not exist, and the attempt is recorded. The answer's reason is what the read's
    /// events carry: `reason`, marked "through share X" when the owner's share with the
    /// dossier is what lets the clerk in.
    pub(crate) fn readable(
        &self,
        caller: &Caller,
        id: &str,
        reason: &AccessReason,
        attempt: &str,
    ) -> Result<Reached> {
        let dossier = self.check_reason_of(caller, reason, Aim::Document(id), attempt)?;
        self.authorize(caller, Act::ReadDocuments, Some(id), attempt)?;
        let record = match self.record(id) {
            Ok(record) => record,
            Err(ArchiveError::NotFound(missing)) => {
                // Not a refusal (nothing was forbidden), but an attempt: in the requester's
                // own trail.
                let detail = format!("{attempt}: no such document");
                let said = Attempted {
                    detail: &detail,
                    reason: Some(reason),
                    refusal: None,
                };
                if let Err(e) = self.record_refusal(caller, Aim::Document(id), said) {
                    tracing::error!(error = %e, %detail, "could not record an attempt in the ledger");
                }
                return Err(ArchiveError::NotFound(missing));
            }
            Err(e) => return Err(e),
        };
        if policy::may_read(caller, &record) {
            let owner = record.metadata.owner_id.as_str();
            let share = match &dossier {
                Some(dossier) if !dossier.has_applicant(owner) => {
                    self.shared_with_dossier(caller, &record, dossier)?
                }
                _ => None,
            };
            self.check_dossier_reaches(
                caller,
                reason,
                dossier.as_ref(),
                owner,
                share.is_some(),
                Aim::Document(id),
                attempt,
            )?;
            let reason = match &share {
                Some(share) => reason.through_share(share),
                None => reason.clone(),
            };
            Ok(Reached { record, reason })
        } else {
            Err(self.refuse_for(
                caller,
                Aim::Document(id),
                Some(reason),
                format!("{attempt}: not the caller's document"),
                Refusal::NotTheirDocument {
                    id: id.trim().to_string(),
                },
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Review F20: a ledger page of 0 or 1001 events is refused with the field and the range.
    #[test]
    fn a_ledger_page_outside_its_range_is_refused_naming_limit() {
        for wrong in [0, MAX_LEDGER_PAGE + 1] {
            match LedgerPage::asked(None, Some(wrong)) {
                Err(ArchiveError::Invalid(e)) => {
                    assert_eq!((e.field.as_str(), e.code()), ("limit", "request.limit"));
                    assert_eq!(e.value, wrong.to_string());
                }
                other => panic!("{wrong}: {other:?}"),
            }
        }
        let page = LedgerPage::asked(Some(7), Some(MAX_LEDGER_PAGE)).unwrap();
        assert_eq!((page.after, page.limit), (7, MAX_LEDGER_PAGE));
        assert_eq!(LedgerPage::asked(None, None).unwrap().limit, 100);
    }
}
