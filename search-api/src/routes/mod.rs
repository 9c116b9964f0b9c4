//! The handlers, by resource. Each does extract -> service -> render and nothing else: it reads
//! the request into domain values (a parse error is a 400 or 422 that names the field), calls
//! one of `archive-core`'s services with the [`Authenticated`](crate::auth::Authenticated)
//! caller on the blocking pool (the service decides access, writes the ledger and returns a
//! domain value), and answers with [`crate::wire`] types or an [`ApiError`]. Who may do what,
//! and what is ledgered, is never decided here.
//!
//! The few pieces the web pages share with the handlers (reading a reason or an owner ID,
//! streaming an original, drawing a preview, reading an upload form) are plain functions here,
//! not handlers: pages never call a handler.

pub mod accounts;
pub mod backups;
pub mod batches;
pub mod documents;
pub mod dossiers;
pub mod events;
pub mod lifecycle;
pub mod owners;
pub mod reports;
pub mod search;
pub mod session;
pub mod shares;
pub mod stacks;
pub mod system;
pub mod trust;
pub mod verify;

use crate::error::{ApiError, ApiResult};
use crate::wire::GivesReason;
use schemas::{AccessReason, Caller, OwnerId};

/// The reason a request gives for reading (dossier, procedure, purpose), validated, every
/// missing or broken part that the caller's role requires reported at once
/// ([`schemas::policy::reason_for`]). Whether the dossier is the clerk's to name (province,
/// registration) is the services'.
pub(crate) fn reason_of(request: &impl GivesReason, caller: &Caller) -> ApiResult<AccessReason> {
    let [dossier_code, procedure_code, purpose] = request.reason_fields();
    schemas::policy::reason_for(caller, dossier_code, procedure_code, purpose)
        .map_err(ApiError::fields)
}

/// An owner ID from a path segment.
pub(crate) fn owner_id(raw: &str) -> ApiResult<OwnerId> {
    OwnerId::parse(raw).map_err(|e| ApiError::field(e.at("owner_id", raw)))
}
