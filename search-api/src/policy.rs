//! What each role may do: the authorization matrix, in one place.
//!
//! | action                         | admin | operator | clerk                 | citizen      |
//! |--------------------------------|-------|----------|-----------------------|--------------|
//! | upload, revoke, supersede      |       | yes      |                       |              |
//! | read a document (metadata,     |       | any      | any, naming a dossier | own only     |
//! |   bytes, previews, reuses)     |       |          |   of their province   |              |
//! | search, list an owner's docs   |       | any      | naming a dossier      | own only     |
//! | reuse in a dossier             |       |          | naming the dossier    |              |
//! | see the ledger of a document   | any   |          |                       | own only     |
//! |   or an owner                  |       |          |                       |              |
//! | read batch reports             |       | yes      |                       |              |
//! | manage users and tokens        | yes   |          |                       |              |
//!
//! Admins manage accounts and audit the ledger but do not read citizens' papers; operators handle
//! documents but do not see who read them. A document the caller may not read gets the same
//! answer as one that does not exist, and the attempt is recorded.

use crate::auth::Caller;
use crate::error::ApiError;
use schemas::{AccessReason, DocumentRecord, Role};

/// A permission that depends only on the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Upload,
    ChangeLifecycle,
    ReadDocuments,
    Reuse,
    SeeLedger,
    SeeBatches,
    ManageAccounts,
    Backup,
}

impl Act {
    fn words(self) -> &'static str {
        match self {
            Act::Upload => "upload documents",
            Act::ChangeLifecycle => "revoke or supersede documents",
            Act::ReadDocuments => "read documents",
            Act::Reuse => "reuse documents in a dossier",
            Act::SeeLedger => "see the access ledger",
            Act::SeeBatches => "read batch reports",
            Act::ManageAccounts => "manage users and tokens",
            Act::Backup => "make backups",
        }
    }

    fn roles(self) -> &'static [Role] {
        match self {
            Act::Upload | Act::ChangeLifecycle | Act::SeeBatches => &[Role::Operator],
            Act::ReadDocuments => &[Role::Operator, Role::Clerk, Role::Citizen],
            Act::Reuse => &[Role::Clerk],
            Act::SeeLedger => &[Role::Admin, Role::Citizen],
            Act::ManageAccounts | Act::Backup => &[Role::Admin],
        }
    }
}

/// Refuses a caller whose role does not allow `act` at all.
pub fn require(caller: &Caller, act: Act) -> Result<(), ApiError> {
    if act.roles().contains(&caller.principal.role) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "a {} cannot {}",
            caller.principal.role,
            act.words()
        )))
    }
}

/// A clerk reads only while naming the dossier it serves and what for, and only for dossiers of
/// their own province or ministry (the level-1 unit their agency code and the dossier code share).
/// Others may give a reason; it is recorded but not required.
pub fn check_reason(caller: &Caller, reason: &AccessReason) -> Result<(), ApiError> {
    if caller.principal.role != Role::Clerk {
        return Ok(());
    }
    reason.require_dossier()?;
    let (Some(dossier), Some(agency)) = (&reason.dossier_code, &caller.principal.agency_code)
    else {
        return Err(ApiError::Forbidden(
            "this clerk has no agency code; an admin must set one".into(),
        ));
    };
    let dossier_unit = schemas::ids::DossierCode::parse(dossier)
        .map(|d| d.agency().level1_unit().to_string())
        .map_err(|e| ApiError::field(e.at("dossier_code", dossier)))?;
    let own_unit = schemas::ids::AgencyCode::parse(agency)
        .map(|a| a.level1_unit().to_string())
        .map_err(|e| ApiError::Forbidden(format!("this clerk's agency code is not valid: {e}")))?;
    if dossier_unit != own_unit {
        return Err(ApiError::Forbidden(format!(
            "dossier {dossier} was received by an agency of {dossier_unit}; a clerk of {agency} reads for dossiers of {own_unit} only"
        )));
    }
    Ok(())
}

/// Whether the caller may read this document (the role already allows reading).
pub fn may_read(caller: &Caller, record: &DocumentRecord) -> bool {
    match caller.principal.role {
        Role::Operator | Role::Clerk => true,
        Role::Citizen => owns(caller, record.metadata.owner_id.as_str()),
        Role::Admin => false,
    }
}

/// Whether the caller may see what concerns this owner (their documents, their ledger).
pub fn may_see_owner(caller: &Caller, owner_id: &str, act: Act) -> bool {
    match (caller.principal.role, act) {
        (Role::Citizen, _) => owns(caller, owner_id),
        (Role::Admin, Act::SeeLedger) => true,
        (Role::Operator | Role::Clerk, Act::ReadDocuments) => true,
        _ => false,
    }
}

fn owns(caller: &Caller, owner_id: &str) -> bool {
    caller.principal.owner_id.as_deref() == Some(owner_id.trim())
}
