//! Revoking and superseding (operators). Nothing is deleted; the history is in the ledger.

use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::JsonBody;
use crate::extract::Path;
use crate::state::AppState;
use crate::wire::{DocumentView, RevokeRequest, SupersedeRequest};
use archive_core::Archive;
use axum::extract::State;
use axum::Json;
use schemas::{Caller, DocumentRecord, SupersedeReason};

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
    auth: Authenticated,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RevokeRequest>,
) -> ApiResult<Json<DocumentView>> {
    Ok(Json(
        revoke_document(&state, auth.caller, id, body.reason).await?,
    ))
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
    auth: Authenticated,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SupersedeRequest>,
) -> ApiResult<Json<DocumentView>> {
    let reason = supersede_reason(&body.reason)?;
    Ok(Json(
        supersede_document(&state, auth.caller, id, body.successor, reason).await?,
    ))
}

/// The reason for superseding, as typed.
pub(crate) fn supersede_reason(raw: &str) -> ApiResult<SupersedeReason> {
    SupersedeReason::parse(raw).map_err(|e| ApiError::field(e.at("reason", raw)))
}

/// Revokes through the service (the API's and the web UI's).
pub(crate) async fn revoke_document(
    state: &AppState,
    caller: Caller,
    id: String,
    reason: String,
) -> ApiResult<DocumentView> {
    changed(state, move |archive| archive.revoke(&caller, &id, &reason)).await
}

/// Supersedes through the service (the API's and the web UI's).
pub(crate) async fn supersede_document(
    state: &AppState,
    caller: Caller,
    id: String,
    successor: String,
    reason: SupersedeReason,
) -> ApiResult<DocumentView> {
    changed(state, move |archive| {
        archive.supersede(&caller, &id, &successor, reason)
    })
    .await
}

/// Runs a lifecycle change and answers with the changed document.
async fn changed(
    state: &AppState,
    change: impl FnOnce(&Archive) -> archive_core::Result<DocumentRecord> + Send + 'static,
) -> ApiResult<DocumentView> {
    state
        .blocking(move |archive| {
            let record = change(archive)?;
            Ok(DocumentView::new(
                &record,
                archive.doc_types(),
                schemas::today(),
            ))
        })
        .await
}
