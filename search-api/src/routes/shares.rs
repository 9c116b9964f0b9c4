//! Sharing with consent: a citizen's shares (`/api/v1/shares`). The link's pages for its
//! holder are in `web/shares.rs`.

use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{JsonBody, Path};
use crate::state::AppState;
use crate::wire_citizens::{ShareCreated, ShareList, ShareRequest, ShareView};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use schemas::Caller;

/// Share some of one's documents (citizens): with an agency for a procedure until a date
/// (`kind: agency`: its clerks reading for a registered dossier of that procedure reach them),
/// or as a link (`kind: link`: a purpose, at most 30 days, optionally `one_time`). 201 with the
/// share and, for a link, its address `link` (shown once: kho keeps only a hash of its token).
/// A `share` event for each document in the owner's ledger.
#[utoipa::path(post, path = "/api/v1/shares", tag = "shares",
    request_body = ShareRequest,
    responses((status = 201, body = ShareCreated), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_share(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<ShareRequest>,
) -> ApiResult<(StatusCode, Json<ShareCreated>)> {
    let created = make_share(&state, auth.caller, &body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Makes a share through the service (the API's and the citizen's page).
pub(crate) async fn make_share(
    state: &AppState,
    caller: Caller,
    body: &ShareRequest,
) -> ApiResult<ShareCreated> {
    let valid = body
        .input()
        .validate(schemas::today())
        .map_err(ApiError::from)?;
    state
        .blocking(move |archive| {
            let (share, token) = archive.create_share(&caller, valid)?;
            Ok(ShareCreated {
                share: ShareView::from(&share),
                link: token.map(|t| format!("/s/{t}")),
            })
        })
        .await
}

/// The caller's shares, newest first, with their state today and how often each was used.
#[utoipa::path(get, path = "/api/v1/shares", tag = "shares",
    responses((status = 200, body = ShareList), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_shares(
    State(state): State<AppState>,
    auth: Authenticated,
) -> ApiResult<Json<ShareList>> {
    Ok(Json(share_list(&state, auth.caller).await?))
}

pub(crate) async fn share_list(state: &AppState, caller: Caller) -> ApiResult<ShareList> {
    state
        .blocking(move |archive| {
            Ok(ShareList {
                shares: archive
                    .shares(&caller)?
                    .iter()
                    .map(ShareView::from)
                    .collect(),
            })
        })
        .await
}

/// Revoke one of one's shares: its link answers 410 from now on, clerks no longer reach its
/// documents. 404 for a share that is not the caller's; 409 if revoked already.
#[utoipa::path(delete, path = "/api/v1/shares/{id}", tag = "shares",
    params(("id" = String, Path, description = "Share id")),
    responses((status = 200, body = ShareView), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn revoke_share(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<ShareView>> {
    Ok(Json(end_share(&state, auth.caller, id).await?))
}

pub(crate) async fn end_share(
    state: &AppState,
    caller: Caller,
    id: String,
) -> ApiResult<ShareView> {
    state
        .blocking(move |archive| Ok(ShareView::from(&archive.revoke_share(&caller, &id)?)))
        .await
}
