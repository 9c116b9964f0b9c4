//! The JSON of the citizens' routes (#20): registered dossiers and their use; shares.
//! Beside [`crate::wire`], in the same style, so that the two grow apart without conflicts.

use crate::wire::DocumentView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A dossier the one-stop system received (`POST /api/v1/dossiers`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DossierRequest {
    /// Dossier code, e.g. `000.00.00.H47-261120-0007` (its date is the reception date).
    pub code: String,
    /// Procedure code from the national procedure database, e.g. `1.001193`.
    pub procedure_code: String,
    /// Owner IDs of the applicants (personal IDs or enterprise codes), at least one.
    pub applicants: Vec<String>,
    /// The receiving agency's code (either form), of the province the code names.
    pub receiving_agency: String,
    /// YYYY-MM-DD or DD/MM/YYYY: the date the dossier code carries.
    pub received_on: String,
}

impl DossierRequest {
    pub fn input(&self) -> schemas::DossierInput {
        schemas::DossierInput {
            code: self.code.clone(),
            procedure_code: self.procedure_code.clone(),
            applicants: self.applicants.clone(),
            receiving_agency: self.receiving_agency.clone(),
            received_on: self.received_on.clone(),
        }
    }
}

/// A registered dossier.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierView {
    pub code: String,
    pub procedure_code: String,
    pub applicants: Vec<String>,
    pub receiving_agency: String,
    /// YYYY-MM-DD.
    pub received_on: String,
    /// RFC 3339, UTC.
    pub registered_at: String,
    /// Who sent it (a token's or a clerk's name).
    pub registered_by: String,
}

impl From<&schemas::Dossier> for DossierView {
    fn from(d: &schemas::Dossier) -> Self {
        DossierView {
            code: d.code.clone(),
            procedure_code: d.procedure_code.clone(),
            applicants: d.applicants.clone(),
            receiving_agency: d.receiving_agency.clone(),
            received_on: schemas::iso_date(d.received_on),
            registered_at: rfc3339(d.registered_at),
            registered_by: d.registered_by.clone(),
        }
    }
}

pub(crate) fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// One of the owner's documents a dossier used.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierDocumentView {
    pub document: DocumentView,
    /// Reused in the dossier, not only read.
    pub reused: bool,
    /// RFC 3339: when the dossier first used it.
    pub first_used: String,
}

/// A dossier naming the owner, with their documents it used.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierUseView {
    pub dossier: DossierView,
    pub documents: Vec<DossierDocumentView>,
}

/// The owner's dossiers (`GET /api/v1/owners/{owner_id}/dossiers`).
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerDossiers {
    pub owner_id: String,
    pub dossiers: Vec<DossierUseView>,
}

/// A share to make (`POST /api/v1/shares`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ShareRequest {
    /// Ids of the caller's documents.
    pub documents: Vec<String>,
    /// `agency` (clerks of the agency, for a procedure) or `link` (whoever holds the link).
    pub kind: String,
    /// For `agency`: the agency's code and the procedure.
    pub agency_code: Option<String>,
    pub procedure_code: Option<String>,
    /// The last day it may be used (YYYY-MM-DD or DD/MM/YYYY); a link's at most 30 days away.
    pub until: Option<String>,
    /// For `link`: what for, in words (shown to the recipient and in the ledger).
    pub purpose: Option<String>,
    /// For `link`: one visit only.
    #[serde(default)]
    pub one_time: bool,
}

impl ShareRequest {
    pub fn input(&self) -> schemas::ShareInput {
        schemas::ShareInput {
            documents: self.documents.clone(),
            kind: self.kind.clone(),
            agency_code: self.agency_code.clone(),
            procedure_code: self.procedure_code.clone(),
            until: self.until.clone(),
            purpose: self.purpose.clone(),
            one_time: self.one_time,
        }
    }
}

/// A share, as its owner sees it (never its token).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareView {
    pub id: String,
    /// `agency` or `link`.
    pub kind: String,
    pub documents: Vec<String>,
    pub agency_code: Option<String>,
    pub procedure_code: Option<String>,
    pub purpose: Option<String>,
    pub one_time: bool,
    /// YYYY-MM-DD, inclusive.
    pub until: String,
    /// `active`, `revoked`, `expired` or `used` (a one-time link opened).
    pub state: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// How many times it was used (the link's page, previews, downloads).
    pub uses: u64,
    /// Attempts refused because it was no longer in force (the first of each day is also in
    /// the owner's ledger).
    pub refused_attempts: u64,
}

impl From<&schemas::Share> for ShareView {
    fn from(s: &schemas::Share) -> Self {
        let (kind, agency_code, procedure_code, purpose, one_time) = match &s.target {
            schemas::ShareTarget::Agency {
                agency_code,
                procedure_code,
            } => (
                "agency",
                Some(agency_code.clone()),
                Some(procedure_code.clone()),
                None,
                false,
            ),
            schemas::ShareTarget::Link { purpose, one_time } => {
                ("link", None, None, Some(purpose.clone()), *one_time)
            }
        };
        ShareView {
            id: s.id.clone(),
            kind: kind.into(),
            documents: s.documents.clone(),
            agency_code,
            procedure_code,
            purpose,
            one_time,
            until: schemas::iso_date(s.until),
            state: s.state(time::OffsetDateTime::now_utc()).as_str().into(),
            created_at: rfc3339(s.created_at),
            revoked_at: s.revoked_at.map(rfc3339),
            uses: s.uses,
            refused_attempts: s.refused_attempts,
        }
    }
}

/// A share just made: for a link, its address, shown once (kho keeps only its hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareCreated {
    pub share: ShareView,
    /// `/s/{token}` for a link (prefix it with the server's address); null for an agency share.
    pub link: Option<String>,
}

/// The caller's shares (`GET /api/v1/shares`), newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareList {
    pub shares: Vec<ShareView>,
}
