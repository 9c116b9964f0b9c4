//! An owner's documents ("what can this citizen reuse") and an owner's ledger ("who read mine").

use super::{Aim, LedgerEvents, LedgerPage};
use crate::{Archive, Result};
use schemas::policy::{self, Act, Refusal};
use schemas::{AccessReason, Caller, DocumentFilter, DocumentRecord, OwnerId};

impl Archive {
    /// An owner's documents that pass `filter` (their state taken today), each ledgered as read.
    pub fn owner_documents(
        &self,
        caller: &Caller,
        owner: &OwnerId,
        filter: &DocumentFilter,
        reason: &AccessReason,
    ) -> Result<Vec<DocumentRecord>> {
        let aim = Aim::Owner(owner.as_str());
        let attempt = "list an owner's documents";
        let dossier = self.check_reason_of(caller, reason, aim, attempt)?;
        self.authorize_aimed(caller, Act::ReadDocuments, aim, attempt)?;
        if !policy::may_see_owner(caller, owner.as_str(), Act::ReadDocuments) {
            return Err(self.refuse(
                caller,
                aim,
                format!("list the documents of owner {owner}"),
                Refusal::NotTheirOwner {
                    owner: owner.to_string(),
                },
            ));
        }
        let today = schemas::today();
        let records: Vec<DocumentRecord> = self
            .catalog
            .docs_of_owner(owner.as_str())?
            .into_iter()
            .filter(|r| filter.matches(r, today))
            .collect();
        if let Some(dossier) = dossier
            .as_ref()
            .filter(|d| !d.has_applicant(owner.as_str()))
        {
            // Not an applicant: only what they shared with this dossier, if anything, each
            // read marked with the share that let it in.
            let mut shared = Vec::new();
            let mut events = Vec::new();
            for record in records {
                if let Some(share) = self.shared_with_dossier(caller, &record, dossier)? {
                    events.extend(self.read_events(
                        std::slice::from_ref(&record),
                        caller,
                        &reason.through_share(&share),
                        Some("list of the owner's documents"),
                    ));
                    shared.push(record);
                }
            }
            if shared.is_empty() {
                self.check_dossier_reaches(
                    caller,
                    reason,
                    Some(dossier),
                    owner.as_str(),
                    false,
                    aim,
                    attempt,
                )?;
            }
            self.log(&events)?;
            return Ok(shared);
        }
        self.log_reads(
            &records,
            caller,
            reason,
            Some("list of the owner's documents"),
        )?;
        Ok(records)
    }

    /// Every event about an owner's documents: who read, downloaded or reused them, for which
    /// dossier and why, and refused attempts. For the owner, and for admins.
    pub fn owner_ledger(
        &self,
        caller: &Caller,
        owner: &OwnerId,
        page: LedgerPage,
    ) -> Result<LedgerEvents> {
        self.may_see_ledger_of(caller, owner)?;
        let events = self
            .catalog
            .events_of_owner(owner.as_str(), page.after, page.limit)?;
        Ok(LedgerEvents::of(events, page))
    }
}

impl Archive {
    /// Refuses (and records in the owner's ledger) a caller who may not see `owner`'s ledger.
    pub(crate) fn may_see_ledger_of(&self, caller: &Caller, owner: &OwnerId) -> Result<()> {
        let aim = Aim::Owner(owner.as_str());
        self.authorize_aimed(caller, Act::SeeLedger, aim, "see an owner's ledger")?;
        if policy::may_see_owner(caller, owner.as_str(), Act::SeeLedger) {
            return Ok(());
        }
        Err(self.refuse(
            caller,
            aim,
            format!("see the ledger of owner {owner}"),
            Refusal::NotTheirOwner {
                owner: owner.to_string(),
            },
        ))
    }

    /// A requester's own trail: their refused attempts that no owner's ledger holds (an id that
    /// does not exist, an act their role never allows), for themselves. A citizen's are in
    /// their own ledger instead.
    pub fn own_trail(&self, caller: &Caller, page: LedgerPage) -> Result<LedgerEvents> {
        let events = self
            .catalog
            .events_of_actor(caller.actor(), page.after, page.limit)?;
        Ok(LedgerEvents::of(events, page))
    }
}
