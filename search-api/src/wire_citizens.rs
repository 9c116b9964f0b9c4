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
