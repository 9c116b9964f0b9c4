//! Sharing with consent: a citizen's shares (made, listed, revoked) and their use, by a link's
//! holder (no account: the link's token is the credential) or by a clerk reading for a dossier
//! the share reaches ([`Archive::shared_with_dossier`]).
//!
//! A link's holder reads through a [`ShareVisit`], which only [`Archive::open_share`] makes
//! (the token found, the share in force); the reads are the ordinary services' with a caller
//! that stands for the share ([`Caller::through_share`]), each document checked to be in the
//! share first, so every use is in the owner's ledger with the share as the reader and
//! "opened through share X" as the purpose.

use super::{event_about, Aim, OriginalAccess};
use crate::shares::new_link_token;
use crate::{Archive, ArchiveError, Result};
use schemas::policy::{self, Act, Refusal};
use schemas::{
    AccessReason, Action, Caller, DocumentRecord, Dossier, Format, NewEvent, Share, ShareState,
    ShareTarget, ValidShare,
};
use std::sync::Mutex;
use time::OffsetDateTime;

/// Uses of shares are counted and one-time links used up one at a time.
static SHARE_USES: Mutex<()> = Mutex::new(());

/// What a link's holder opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening<'a> {
    /// The link's page: the documents' metadata (a one-time link opens once).
    Page,
    /// A document's preview or original, within the share.
    Document(&'a str),
}

/// A share opened by its link, in force: what the link's page and downloads read through.
/// Made only by [`Archive::open_share`].
#[derive(Debug, Clone)]
pub struct ShareVisit {
    share: Share,
    caller: Caller,
    reason: AccessReason,
}

impl ShareVisit {
    pub fn share(&self) -> &Share {
        &self.share
    }
}

impl Archive {
    /// A citizen shares some of their documents: with an agency for a procedure until a date,
    /// or as a link. Returns the share and, for a link, its token: shown once, kept only as a
    /// hash. A `share` event for each document in the owner's ledger.
    pub fn create_share(
        &self,
        caller: &Caller,
        share: ValidShare,
    ) -> Result<(Share, Option<String>)> {
        let attempt = "share documents";
        self.authorize_aimed(caller, Act::Share, Aim::Nothing, attempt)?;
        let owner = caller.principal().owner_id.clone().unwrap_or_default();
        let mut records = Vec::new();
        for id in &share.documents {
            match self.catalog.get(id)? {
                Some(record) if policy::may_read(caller, &record) => records.push(record),
                _ => {
                    return Err(self.refuse(
                        caller,
                        Aim::Document(id),
                        format!("{attempt}: not the caller's document"),
                        Refusal::NotTheirDocument { id: id.clone() },
                    ))
                }
            }
        }
        let token = match share.target {
            ShareTarget::Link { .. } => Some(new_link_token()?),
            ShareTarget::Agency { .. } => None,
        };
        let kept = Share {
            id: crate::archive::new_opaque_id()?,
            owner_id: owner,
            documents: share.documents,
            target: share.target,
            until: share.until,
            created_at: OffsetDateTime::now_utc(),
            revoked_at: None,
            first_opened_at: None,
            uses: 0,
            refused_attempts: 0,
            refusal_ledgered_at: None,
        };
        self.keep_new_share(&kept, token.as_deref())?;
        let events: Vec<NewEvent> = records
            .iter()
            .map(|record| {
                let mut event = event_about(
                    Action::Share,
                    caller.actor(),
                    record,
                    &AccessReason::default(),
                );
                event.detail = Some(kept.describe());
                event
            })
            .collect();
        self.log(&events)?;
        Ok((kept, token))
    }

    /// The caller's own shares, newest first.
    pub fn shares(&self, caller: &Caller) -> Result<Vec<Share>> {
        self.authorize_aimed(caller, Act::Share, Aim::Nothing, "list shares")?;
        match &caller.principal().owner_id {
            Some(owner) => self.shares_of_owner(owner),
            None => Ok(Vec::new()),
        }
    }

    /// The owner revokes a share: its link answers 410 from now on, and clerks no longer reach
    /// its documents. A `revoke_share` event for each document.
    pub fn revoke_share(&self, caller: &Caller, id: &str) -> Result<Share> {
        self.authorize_aimed(caller, Act::Share, Aim::Nothing, "revoke a share")?;
        let _one_at_a_time = SHARE_USES.lock().unwrap_or_else(|e| e.into_inner());
        let mut share = match self.share(id)? {
            Some(share) if Some(&share.owner_id) == caller.principal().owner_id.as_ref() => share,
            _ => return Err(ArchiveError::NoShare(id.trim().to_string())),
        };
        if share.revoked_at.is_some() {
            return Err(ArchiveError::Conflict(
                schemas::messages::Message::new(&schemas::messages::CONFLICT_SHARE_REVOKED)
                    .with("id", &share.id),
            ));
        }
        share.revoked_at = Some(OffsetDateTime::now_utc());
        self.update_share(&share)?;
        let mut events = Vec::new();
        for doc in &share.documents {
            if let Some(record) = self.catalog.get(doc)? {
                let mut event = event_about(
                    Action::RevokeShare,
                    caller.actor(),
                    &record,
                    &AccessReason::default(),
                );
                event.detail = Some(format!("revoked {}", share.describe()));
                events.push(event);
            }
        }
        self.log(&events)?;
        Ok(share)
    }

    /// What a link's token leads to, without using it or writing anything: `None` for a token
    /// that opens nothing. For a `HEAD` and for the question a one-time link asks first.
    pub fn peek_share(&self, token: &str) -> Result<Option<Share>> {
        self.share_by_token(token)
    }

    /// Opens a share by its link's token. An unknown token is [`ArchiveError::NoShare`] (not
    /// ledgered: it names no one); a revoked, expired or used-up share is
    /// [`ArchiveError::ShareGone`], and the attempt is in the owner's ledger.
    pub fn open_share(&self, token: &str, opening: Opening<'_>) -> Result<ShareVisit> {
        let _one_at_a_time = SHARE_USES.lock().unwrap_or_else(|e| e.into_inner());
        let Some(mut share) = self.share_by_token(token)? else {
            self.refused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Err(ArchiveError::NoShare("(link)".into()));
        };
        let caller = Caller::through_share(&share.id, &share.owner_id);
        let now = OffsetDateTime::now_utc();
        let state = match opening {
            Opening::Page => share.page_may_open(now),
            Opening::Document(_) => share.state(now),
        };
        let reason = AccessReason::purpose(&format!(
            "opened through share {}: {}",
            share.id,
            share_purpose(&share)
        ));
        if state != ShareState::Active {
            share.refused_attempts += 1;
            if share.refusal_to_ledger(now) {
                share.refusal_ledgered_at = Some(now);
                let detail = format!(
                    "opened through share {} refused: the share is {}",
                    share.id,
                    state.as_str()
                );
                let aim = match opening {
                    Opening::Document(id) if share.documents.iter().any(|d| d == id) => {
                        Aim::Document(id)
                    }
                    _ => Aim::Owner(&share.owner_id),
                };
                let said = super::Attempted {
                    detail: &detail,
                    reason: Some(&reason),
                    refusal: Some(
                        schemas::Message::new(&schemas::messages::SHARE_GONE)
                            .with("id", &share.id)
                            .with_message("state", schemas::Message::new(state.words())),
                    ),
                };
                if let Err(e) = self.record_refusal(&caller, aim, said) {
                    tracing::error!(error = %e, %detail, "could not record a refusal in the ledger");
                }
            }
            self.refused
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.update_share(&share)?;
            return Err(ArchiveError::ShareGone {
                id: share.id,
                state,
            });
        }
        if let Opening::Document(id) = opening {
            if !share.documents.iter().any(|d| d == id.trim()) {
                return Err(ArchiveError::NotFound(id.trim().to_string()));
            }
        }
        if opening == Opening::Page && share.first_opened_at.is_none() {
            share.first_opened_at = Some(now);
        }
        share.uses += 1;
        self.update_share(&share)?;
        Ok(ShareVisit {
            share,
            caller,
            reason,
        })
    }

    /// The documents of an opened share, each with the verification codes of its certified
    /// copies, each ledgered as read through it.
    pub fn shared_documents(
        &self,
        visit: &ShareVisit,
    ) -> Result<Vec<(DocumentRecord, Vec<String>)>> {
        let mut records = Vec::new();
        for id in &visit.share.documents {
            if let Some(record) = self.catalog.get(id)? {
                if record.metadata.owner_id.as_str() == visit.share.owner_id {
                    records.push(record);
                }
            }
        }
        let detail = format!("opened through share {}", visit.share.id);
        self.log_reads(&records, &visit.caller, &visit.reason, Some(&detail))?;
        let mut shown = Vec::new();
        for record in records {
            let codes = self
                .certified_copies_of(&record.id)?
                .into_iter()
                .map(|c| c.code)
                .collect();
            shown.push((record, codes));
        }
        Ok(shown)
    }

    /// An original of an opened share ([`Archive::open_original`] serves it, ledgered).
    pub fn shared_original(&self, visit: &ShareVisit, id: &str) -> Result<OriginalAccess> {
        self.in_visit(visit, id)?;
        self.original_access(&visit.caller, id, &visit.reason)
    }

    /// A page preview of a document of an opened share, ledgered like any preview.
    pub fn shared_preview(
        &self,
        visit: &ShareVisit,
        id: &str,
        page: u32,
        width: u32,
        render: impl FnOnce(Format, &[u8], u32) -> std::result::Result<Vec<u8>, String>,
    ) -> Result<Vec<u8>> {
        self.in_visit(visit, id)?;
        self.preview(&visit.caller, id, &visit.reason, page, width, render)
    }

    fn in_visit(&self, visit: &ShareVisit, id: &str) -> Result<()> {
        if visit.share.documents.iter().any(|d| d == id.trim()) {
            Ok(())
        } else {
            Err(ArchiveError::NotFound(id.trim().to_string()))
        }
    }

    /// The id of a share in force by which the owner shared `record` with the agency and
    /// procedure of `dossier` (with the agency that received it or the clerk's own), if any.
    pub(crate) fn shared_with_dossier(
        &self,
        caller: &Caller,
        record: &DocumentRecord,
        dossier: &Dossier,
    ) -> Result<Option<String>> {
        let now = OffsetDateTime::now_utc();
        let clerk_agency = caller.principal().agency_code.as_deref();
        Ok(self
            .shares_of_doc(&record.id)?
            .into_iter()
            .find(|s| {
                s.owner_id == record.metadata.owner_id.as_str()
                    && s.reaches_dossier(&record.id, dossier, clerk_agency, now)
            })
            .map(|s| s.id))
    }
}

/// The purpose a link's owner gave (an agency share has none).
fn share_purpose(share: &Share) -> &str {
    match &share.target {
        ShareTarget::Link { purpose, .. } => purpose,
        ShareTarget::Agency { .. } => "",
    }
}
