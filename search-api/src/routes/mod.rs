//! The handlers, by resource. Each is thin: authorize, call the archive off the async threads,
//! shape the answer. The checks they share are here.

pub mod accounts;
pub mod backups;
pub mod batches;
pub mod documents;
pub mod lifecycle;
pub mod owners;
pub mod search;
pub mod session;
pub mod system;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::metrics::event;
use crate::policy::{self, Act};
use crate::state::AppState;
use crate::wire::GivesReason;
use schemas::{AccessReason, DocumentRecord};

/// Refuses (and records the refusal of) a caller whose role does not allow `act`. `doc` names
/// the document the attempt was about, so that its owner sees it.
pub(crate) async fn allow(
    state: &AppState,
    caller: &Caller,
    act: Act,
    doc: Option<&str>,
    attempt: &str,
) -> ApiResult<()> {
    match policy::require(caller, act) {
        Ok(()) => Ok(()),
        Err(refusal) => {
            record_refusal(state, caller, doc, format!("{attempt}: {refusal}")).await;
            Err(refusal)
        }
    }
}

/// Writes a refusal to the ledger. A failure to write it is logged, not hidden behind the
/// refusal the caller gets anyway.
pub(crate) async fn record_refusal(
    state: &AppState,
    caller: &Caller,
    doc: Option<&str>,
    detail: String,
) {
    state.metrics.count(event::REFUSED);
    let actor = caller.actor.clone();
    let doc = doc.map(str::to_string);
    let logged = state
        .blocking(move |archive| {
            archive
                .record_refusal(&actor, doc.as_deref(), &detail)
                .map_err(ApiError::from)
        })
        .await;
    if let Err(e) = logged {
        eprintln!("kho serve: could not record a refusal in the ledger: {e}");
    }
}

/// The record of `id` if the caller may read it. A document the caller may not read gets the
/// same answer as one that does not exist; the attempt is recorded. The reason of the read has
/// been checked already ([`reason_of`]).
pub(crate) async fn readable(
    state: &AppState,
    caller: &Caller,
    id: &str,
    attempt: &str,
) -> ApiResult<DocumentRecord> {
    allow(state, caller, Act::ReadDocuments, Some(id), attempt).await?;
    let wanted = id.to_string();
    let record = state
        .blocking(move |archive| archive.record(&wanted).map_err(ApiError::from))
        .await?;
    if policy::may_read(caller, &record) {
        Ok(record)
    } else {
        record_refusal(
            state,
            caller,
            Some(id),
            format!("{attempt}: not the caller's document"),
        )
        .await;
        Err(ApiError::no_document(id))
    }
}

/// The reason a request gives for reading, validated, and checked against what the caller's
/// role requires (a clerk names a dossier of their province).
pub(crate) fn reason_of(caller: &Caller, request: &impl GivesReason) -> ApiResult<AccessReason> {
    let [dossier_code, procedure_code, purpose] = request.reason_fields();
    let reason =
        AccessReason::new(dossier_code, procedure_code, purpose).map_err(ApiError::field)?;
    policy::check_reason(caller, &reason)?;
    Ok(reason)
}
