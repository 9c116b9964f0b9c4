//! Revoking and superseding (operators). Nothing is deleted; the history is in the ledger.

use super::allow;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::JsonBody;
use crate::extract::Path;
use crate::policy::Act;
use crate::state::AppState;
use crate::wire::{DocumentView, RevokeRequest, SupersedeRequest};
use archive_core::Archive;
use axum::extract::State;
use axum::Json;
use schemas::DocumentRecord;

/// Mark a document revoked, with the reason.
#[utoipa::path(post, path = "/api/v1/documents/{id}/revoke", tag = "lifecycle",
    params(("id" = String, Path, description = "Document id")),
    request_body = RevokeRequest,
    responses(
        (status = 200, body = DocumentView),
        (status = 404, body = Problem),
        (status = 409, description = "Already revoked or superseded", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RevokeRequest>,
) -> ApiResult<Json<DocumentView>> {
    allow(&state, &caller, Act::ChangeLifecycle, Some(&id), "revoke").await?;
    let actor = caller.actor.clone();
    changed(&state, move |archive| {
        archive.revoke(&id, &body.reason, &actor)
    })
    .await
}

/// Runs a lifecycle change, brings the index up to date (the document's `active` filter), and
/// answers with the changed document.
async fn changed(
    state: &AppState,
    change: impl FnOnce(&Archive) -> archive_core::Result<DocumentRecord> + Send + 'static,
) -> ApiResult<Json<DocumentView>> {
    let view = state
        .blocking(move |archive| {
            let record = change(archive)?;
            archive.sync_index(&mut |_, _| {})?;
            Ok(DocumentView::new(
                &record,
                archive.doc_types(),
                schemas::today(),
            ))
        })
        .await?;
    Ok(Json(view))
}

/// Mark a document superseded by a newer one of the same owner (amend, supplement, annul,
/// replace, correct).
#[utoipa::path(post, path = "/api/v1/documents/{id}/supersede", tag = "lifecycle",
    params(("id" = String, Path, description = "Document id")),
    request_body = SupersedeRequest,
    responses(
        (status = 200, body = DocumentView),
        (status = 404, body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn supersede(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SupersedeRequest>,
) -> ApiResult<Json<DocumentView>> {
    allow(
        &state,
        &caller,
        Act::ChangeLifecycle,
        Some(&id),
        "supersede",
    )
    .await?;
    let reason = schemas::SupersedeReason::parse(&body.reason)
        .map_err(|e| ApiError::field(e.at("reason", &body.reason)))?;
    let actor = caller.actor.clone();
    changed(&state, move |archive| {
        archive.supersede(&id, &body.successor, reason, &actor)
    })
    .await
}
