//! An owner's documents ("what can this citizen reuse") and an owner's ledger ("who read mine").

use super::{LedgerEvents, LedgerPage};
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
        self.authorize(
            caller,
            Act::ReadDocuments,
            None,
            "list an owner's documents",
        )?;
        if !policy::may_see_owner(caller, owner.as_str(), Act::ReadDocuments) {
            return Err(self.refuse(
                caller,
                None,
                format!("list the documents of owner {owner}"),
                Refusal::NotTheirOwner {
                    owner: owner.to_string(),
                },
            ));
        }
        policy::check_reason(caller, reason)?;
        let today = schemas::today();
        let records: Vec<DocumentRecord> = self
            .catalog
            .docs_of_owner(owner.as_str())?
            .into_iter()
            .filter(|r| filter.matches(r, today))
            .collect();
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
        self.authorize(caller, Act::SeeLedger, None, "see an owner's ledger")?;
        if !policy::may_see_owner(caller, owner.as_str(), Act::SeeLedger) {
            return Err(self.refuse(
                caller,
                None,
                format!("see the ledger of owner {owner}"),
                Refusal::NotTheirOwner {
                    owner: owner.to_string(),
                },
            ));
        }
        let events = self
            .catalog
            .events_of_owner(owner.as_str(), page.after, page.limit)?;
        Ok(LedgerEvents::of(events, page))
    }
}
