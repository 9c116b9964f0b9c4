//! Dossiers registered by the one-stop system (`POST /api/v1/dossiers`) and a citizen's view of
//! theirs: which of their documents each dossier read or reused.

use super::Aim;
use crate::{Archive, ArchiveError, Result};
use schemas::policy::{self, Act, Refusal};
use schemas::{
    AccessReason, Action, Caller, DocumentRecord, Dossier, NewEvent, OwnerId, ValidDossier,
};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Whether a registration made something new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    /// The dossier was not known; it is now, and its applicants' ledgers say so.
    New,
    /// The same dossier, with the same fields, was registered before (the one-stop system
    /// sent it again): nothing changed.
    Again,
}

/// A dossier naming the owner, with their documents it used: read (metadata, text, bytes,
/// previews) or reused, by document id, in the order first used.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierUse {
    pub dossier: Dossier,
    pub documents: Vec<DossierDocument>,
}

/// One of the owner's documents a dossier used.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierDocument {
    pub record: DocumentRecord,
    /// Reused in the dossier (not only read).
    pub reused: bool,
    /// When it was first used for the dossier.
    pub first_used: OffsetDateTime,
}

impl Archive {
    /// Registers a dossier the one-stop system received (role `intake`, or a clerk at reception
    /// for their own province). Registering the same dossier again with the same fields is
    /// harmless; with other fields it is a conflict (a dossier's applicants do not change).
    /// Each applicant's ledger gets a `register_dossier` event.
    pub fn register_dossier(
        &self,
        caller: &Caller,
        dossier: ValidDossier,
    ) -> Result<(Dossier, Registration)> {
        let attempt = format!("register dossier {}", dossier.code);
        self.authorize_aimed(caller, Act::RegisterDossier, Aim::Nothing, &attempt)?;
        // A dossier is registered once received: a date to come is a mistake (or a way to
        // keep a read open), never a reception.
        if dossier.received_on > schemas::today() {
            return Err(
                schemas::RuleError::new(&schemas::messages::DOSSIER_RECEIVED_LATER)
                    .with("today", schemas::iso_date(schemas::today()))
                    .at("received_on", &schemas::iso_date(dossier.received_on))
                    .into(),
            );
        }
        policy::may_register_dossier(caller, &dossier).map_err(|refusal| {
            self.refuse(
                caller,
                Aim::Nothing,
                format!("{attempt}: {refusal}"),
                refusal,
            )
        })?;
        if let Some(known) = self.registered_dossier(&dossier.code)? {
            let same = known.procedure_code == dossier.procedure_code
                && known.applicants == dossier.applicants
                && schemas::ids::same_agency_code(
                    &known.receiving_agency,
                    &dossier.receiving_agency,
                )
                && known.received_on == dossier.received_on;
            return if same {
                Ok((known, Registration::Again))
            } else {
                Err(ArchiveError::Conflict(
                    schemas::messages::Message::new(
                        &schemas::messages::CONFLICT_DOSSIER_REGISTERED,
                    )
                    .with("code", &known.code)
                    .with("by", &known.registered_by)
                    .with(
                        "at",
                        known
                            .registered_at
                            .format(&time::format_description::well_known::Rfc3339)
                            .unwrap_or_default(),
                    ),
                ))
            };
        }
        let dossier = dossier.registered(OffsetDateTime::now_utc(), &caller.actor().name);
        self.keep_dossier(&dossier)?;
        let events: Vec<NewEvent> = dossier
            .applicants
            .iter()
            .map(|owner| {
                let mut event = NewEvent::new(Action::RegisterDossier, caller.actor());
                event.owner_id = Some(owner.clone());
                event.dossier_code = Some(dossier.code.clone());
                event.procedure_code = Some(dossier.procedure_code.clone());
                // A clerk registering at the desk is said apart from the one-stop system:
                // the citizen sees who opened the dossier their papers are read for.
                let by = match caller.role() {
                    schemas::Role::Clerk => " (by a clerk at reception)",
                    _ => "",
                };
                event.detail = Some(format!(
                    "dossier registered{by}: received by {} on {}",
                    dossier.receiving_agency,
                    schemas::iso_date(dossier.received_on)
                ));
                event
            })
            .collect();
        self.log(&events)?;
        Ok((dossier, Registration::New))
    }

    /// The dossiers naming `owner` as an applicant, newest first, each with the owner's
    /// documents it used (from the owner's ledger). For the owner themselves; the documents
    /// shown are ledgered as read, like any list of theirs.
    pub fn owner_dossiers(&self, caller: &Caller, owner: &OwnerId) -> Result<Vec<DossierUse>> {
        let aim = Aim::Owner(owner.as_str());
        let attempt = "list an owner's dossiers";
        self.authorize_aimed(caller, Act::SeeLedger, aim, attempt)?;
        if caller.role() != schemas::Role::Citizen
            || !policy::may_see_owner(caller, owner.as_str(), Act::SeeLedger)
        {
            return Err(self.refuse(
                caller,
                aim,
                format!("{attempt}: not the caller's"),
                Refusal::NotTheirOwner {
                    owner: owner.to_string(),
                },
            ));
        }
        let dossiers = self.dossiers_naming(owner.as_str())?;
        let mut used: BTreeMap<String, Vec<(String, bool, OffsetDateTime)>> = BTreeMap::new();
        let mut after = 0;
        loop {
            let events = self.catalog.events_of_owner(owner.as_str(), after, 1000)?;
            let Some(last) = events.last() else { break };
            after = last.seq;
            for event in &events {
                let e = &event.event;
                let (Some(code), Some(doc)) = (&e.dossier_code, &e.doc_id) else {
                    continue;
                };
                let reused = match e.action {
                    Action::Reuse => true,
                    Action::ReadMetadata | Action::Download | Action::Certify => false,
                    _ => continue,
                };
                let docs = used.entry(code.clone()).or_default();
                match docs.iter_mut().find(|(id, _, _)| id == doc) {
                    Some(seen) => seen.1 |= reused,
                    None => docs.push((doc.clone(), reused, event.at)),
                }
            }
            if events.len() < 1000 {
                break;
            }
        }
        let mut answer = Vec::new();
        let mut shown = Vec::new();
        for dossier in dossiers {
            let mut documents = Vec::new();
            for (id, reused, first_used) in used.remove(&dossier.code).unwrap_or_default() {
                if let Some(record) = self.catalog.get(&id)? {
                    shown.push(record.clone());
                    documents.push(DossierDocument {
                        record,
                        reused,
                        first_used,
                    });
                }
            }
            answer.push(DossierUse { dossier, documents });
        }
        self.log_reads(
            &shown,
            caller,
            &AccessReason::default(),
            Some("list of the owner's dossiers"),
        )?;
        Ok(answer)
    }
}
