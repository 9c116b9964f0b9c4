//! An owner's documents ("what can this citizen reuse") and an owner's ledger ("who read mine").

use super::{owner_id, reason_of};
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Path, Query};
use crate::state::AppState;
use crate::wire::{
    DocumentView, EventPage, LinesPage, LinesParams, OwnerDocsParams, OwnerDocuments, PageParams,
};
use archive_core::{LedgerPage, LinesQuery};
use axum::extract::State;
use axum::Json;
use schemas::{AccessReason, Caller, DocumentFilter, OwnerId};

/// An owner's documents with their state today, filtered by the procedure that produced them or
/// by type. Ledgered as a read of each document listed.
#[utoipa::path(get, path = "/api/v1/owners/{owner_id}/documents", tag = "owners",
    params(("owner_id" = String, Path, description = "Personal ID or enterprise code"), OwnerDocsParams),
    responses((status = 200, body = OwnerDocuments), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn owner_documents(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Query(params): Query<OwnerDocsParams>,
) -> ApiResult<Json<OwnerDocuments>> {
    let owner = owner_id(&raw)?;
    let reason = reason_of(&params, &auth.caller)?;
    let filter = DocumentFilter::parse(
        params.procedure.as_deref(),
        params.doc_type.as_deref(),
        params.valid_only.unwrap_or(false),
    )
    .map_err(ApiError::field)?;
    Ok(Json(
        owner_document_list(&state, auth.caller, owner, filter, reason).await?,
    ))
}

/// An owner's documents through the service (the API's and the citizen's page).
pub(crate) async fn owner_document_list(
    state: &AppState,
    caller: Caller,
    owner: OwnerId,
    filter: DocumentFilter,
    reason: AccessReason,
) -> ApiResult<OwnerDocuments> {
    state
        .blocking(move |archive| {
            let records = archive.owner_documents(&caller, &owner, &filter, &reason)?;
            let today = schemas::today();
            Ok(OwnerDocuments {
                owner_id: owner.to_string(),
                documents: records
                    .iter()
                    .map(|r| DocumentView::new(r, archive.doc_types(), today))
                    .collect(),
            })
        })
        .await
}

/// Every event about an owner's documents: who read, downloaded or reused them, for which
/// dossier and why, and refused attempts. For the owner, and for admins.
#[utoipa::path(get, path = "/api/v1/owners/{owner_id}/ledger", tag = "ledger",
    params(("owner_id" = String, Path, description = "Personal ID or enterprise code"), PageParams),
    responses((status = 200, body = EventPage), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn owner_ledger(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<EventPage>> {
    let owner = owner_id(&raw)?;
    let page = LedgerPage::asked(page.after, page.limit)?;
    Ok(Json(
        owner_event_page(&state, auth.caller, owner, page).await?,
    ))
}

/// An owner's ledger through the service (the API's and the citizen's page).
pub(crate) async fn owner_event_page(
    state: &AppState,
    caller: Caller,
    owner: OwnerId,
    page: LedgerPage,
) -> ApiResult<EventPage> {
    state
        .blocking(move |archive| {
            Ok(EventPage::from(
                &archive.owner_ledger(&caller, &owner, page)?,
            ))
        })
        .await
}

/// An owner's ledger as a person reads it: newest first, one line per request with the
/// documents it named, filtered by `document` and `action`, paged both ways (`older` and
/// `newer`). For the owner, and for admins.
#[utoipa::path(get, path = "/api/v1/owners/{owner_id}/ledger/lines", tag = "ledger",
    params(("owner_id" = String, Path, description = "Personal ID or enterprise code"), LinesParams),
    responses((status = 200, body = LinesPage), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn owner_ledger_lines(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(raw): Path<String>,
    Query(params): Query<LinesParams>,
) -> ApiResult<Json<LinesPage>> {
    let owner = owner_id(&raw)?;
    let query = lines_query(&params, 50)?;
    query.check_asked()?;
    Ok(Json(
        owner_line_page(&state, auth.caller, owner, query).await?,
    ))
}

/// The lines asked for, read from the query string (the API's and the citizen's page).
pub(crate) fn lines_query(params: &LinesParams, default_limit: usize) -> ApiResult<LinesQuery> {
    let action = params
        .action
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            serde_json::from_value::<schemas::Action>(serde_json::Value::String(a.to_string()))
                .map_err(|_| {
                    ApiError::field(
                        schemas::RuleError::new(&schemas::messages::LEDGER_ACTION).at("action", a),
                    )
                })
        })
        .transpose()?;
    Ok(LinesQuery {
        before: params.before,
        after: params.after,
        limit: params.limit.unwrap_or(default_limit),
        document: params
            .document
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        action,
    })
}

/// A page of an owner's ledger lines through the service.
pub(crate) async fn owner_line_page(
    state: &AppState,
    caller: Caller,
    owner: OwnerId,
    query: LinesQuery,
) -> ApiResult<LinesPage> {
    state
        .blocking(move |archive| {
            Ok(LinesPage::from(
                &archive.owner_ledger_lines(&caller, &owner, &query)?,
            ))
        })
        .await
}
