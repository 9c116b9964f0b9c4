//! Search, with everything `kho search` has. Each hit shown is ledgered as a read.

use super::{allow, reason_of};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Query;
use crate::policy::Act;
use crate::state::AppState;
use crate::wire::{FacetsView, SearchHitView, SearchParams, SearchView};
use archive_core::search::{SearchRequest, SortOrder};
use axum::extract::State;
use axum::Json;
use schemas::Role;

/// Most hits per page.
pub const MAX_LIMIT: usize = 100;

fn date(field: &str, value: &Option<String>) -> ApiResult<Option<schemas::Date>> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| schemas::parse_date(v).map_err(|e| ApiError::field(e.at(field, v))))
        .transpose()
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
    caller: Caller,
    Query(params): Query<SearchParams>,
) -> ApiResult<Json<SearchView>> {
    allow(&state, &caller, Act::ReadDocuments, None, "search").await?;
    let reason = reason_of(&caller, &params)?;
    let sort = match params.sort.as_deref().map(str::trim) {
        None | Some("") | Some("relevance") => SortOrder::Relevance,
        Some("date") | Some("issued") => SortOrder::IssuedDesc,
        Some(other) => {
            return Err(ApiError::field(
                schemas::RuleError::new("sort by relevance or date").at("sort", other),
            ))
        }
    };
    let limit = params.limit.unwrap_or(20);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::field(
            schemas::RuleError::new(format!("1 to {MAX_LIMIT}")).at("limit", &limit.to_string()),
        ));
    }
    let offset = params.offset.unwrap_or(0);
    if offset > 10_000 {
        return Err(ApiError::field(
            schemas::RuleError::new("at most 10000: narrow the search instead")
                .at("offset", &offset.to_string()),
        ));
    }
    let owner = if caller.principal.role == Role::Citizen {
        caller.principal.owner_id.clone()
    } else {
        params
            .owner
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_string)
    };
    let req = SearchRequest {
        query: params.q.clone().unwrap_or_default(),
        owner,
        doc_type: params.doc_type.clone().filter(|t| !t.trim().is_empty()),
        issuer: params
            .issuer
            .as_deref()
            .map(schemas::nfc)
            .filter(|i| !i.trim().is_empty()),
        from: date("from", &params.from)?,
        to: date("to", &params.to)?,
        valid_only: params.valid_only.unwrap_or(false),
        limit,
        offset,
        sort,
    };
    let actor = caller.actor.clone();
    let view = state
        .blocking(move |archive| {
            let results = archive.search(&req, schemas::today())?;
            let records: Vec<_> = results.hits.iter().map(|h| h.record.clone()).collect();
            archive.record_reads(&records, &actor, &reason, "search result")?;
            Ok(SearchView {
                total: results.total,
                offset,
                limit,
                hits: results
                    .hits
                    .into_iter()
                    .map(|h| {
                        let m = &h.record.metadata;
                        SearchHitView {
                            id: h.record.id.clone(),
                            score: h.score,
                            owner_id: m.owner_id.to_string(),
                            owner_name: m.owner_name.clone(),
                            doc_type: m.doc_type.clone(),
                            title: m.title.clone(),
                            issuer: m.issuer.clone(),
                            issued_on: m.issued_on.map(|d| {
                                format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
                            }),
                            state: h.state,
                            snippet: h.snippet,
                        }
                    })
                    .collect(),
                facets: FacetsView {
                    doc_type: results.facets.doc_type,
                    issuer: results.facets.issuer,
                    year: results.facets.year,
                },
            })
        })
        .await?;
    Ok(Json(view))
}
