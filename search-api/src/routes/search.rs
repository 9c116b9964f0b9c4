//! Search, with everything `kho search` has. Each hit shown is ledgered as a read (by the
//! service, which also decides whose documents a search covers and how long a page may be).

use super::reason_of;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Query;
use crate::state::AppState;
use crate::wire::{SearchParams, SearchView};
use archive_core::search::{SearchRequest, SortOrder};
use axum::extract::State;
use axum::Json;
use schemas::{AccessReason, Caller};

fn date(field: &str, value: &Option<String>) -> ApiResult<Option<schemas::Date>> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| schemas::parse_date(v).map_err(|e| ApiError::field(e.at(field, v))))
        .transpose()
}

/// The search and the reason for it, read from the query string (the API's and the web UI's).
pub(crate) fn search_request(
    params: &SearchParams,
    caller: &Caller,
) -> ApiResult<(SearchRequest, AccessReason)> {
    let reason = reason_of(params, caller)?;
    let sort = params.sort.as_deref().unwrap_or_default();
    let sort = SortOrder::parse(sort).map_err(|e| ApiError::field(e.at("sort", sort.trim())))?;
    let request = SearchRequest {
        query: params.q.clone().unwrap_or_default(),
        owner: params.owner.clone(),
        owners_among: Vec::new(),
        doc_type: params.doc_type.clone(),
        issuer: params.issuer.clone(),
        place: params.place.clone(),
        from: date("from", &params.from)?,
        to: date("to", &params.to)?,
        valid_only: params.valid_only.unwrap_or(false),
        signed: params
            .signed
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                schemas::SignatureStatus::parse(s).map_err(|e| ApiError::field(e.at("signed", s)))
            })
            .transpose()?,
        limit: params.limit.unwrap_or(20),
        offset: params.offset.unwrap_or(0),
        sort,
    };
    Ok((request, reason))
}

/// Runs a search through the service and shapes the page of results.
pub(crate) async fn search_view(
    state: &AppState,
    caller: Caller,
    request: SearchRequest,
    reason: AccessReason,
) -> ApiResult<SearchView> {
    state
        .blocking(move |archive| {
            let results = archive.search(&caller, &request, &reason)?;
            Ok(SearchView::new(results, request.offset, request.limit))
        })
        .await
}

/// Search by words, phrases, prefixes, IDs and codes, with or without diacritics; filters; facet
/// counts; highlighted snippets. A citizen's search covers only their own documents.
#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(SearchParams),
    responses(
        (status = 200, body = SearchView),
        (status = 400, description = "A malformed query", body = Problem),
        (status = 422, description = "A bad filter", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn search(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(params): Query<SearchParams>,
) -> ApiResult<Json<SearchView>> {
    let (request, reason) = search_request(&params, &auth.caller)?;
    Ok(Json(
        search_view(&state, auth.caller, request, reason).await?,
    ))
}
