//! An owner's documents ("what can this citizen reuse") and an owner's ledger ("who read mine").

use super::documents::{event_page, page_bounds};
use super::{allow, reason_of, record_refusal};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Path, Query};
use crate::policy::{self, Act};
use crate::state::AppState;
use crate::wire::{DocumentView, EventPage, OwnerDocsParams, OwnerDocuments, PageParams};
use axum::extract::State;
use axum::Json;

fn owner_id(raw: &str) -> ApiResult<String> {
    schemas::OwnerId::parse(raw)
        .map(|o| o.as_str().to_string())
        .map_err(|e| ApiError::field(e.at("owner_id", raw)))
}

/// An owner's documents with their state today, filtered by the procedure that produced them or
/// by type. Ledgered as a read of each document listed.
#[utoipa::path(get, path = "/api/v1/owners/{owner_id}/documents", tag = "owners",
    params(("owner_id" = String, Path, description = "Personal ID or enterprise code"), OwnerDocsParams),
    responses((status = 200, body = OwnerDocuments), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn owner_documents(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Query(params): Query<OwnerDocsParams>,
) -> ApiResult<Json<OwnerDocuments>> {
    allow(
        &state,
        &caller,
        Act::ReadDocuments,
        None,
        "list an owner's documents",
    )
    .await?;
    let owner = owner_id(&raw)?;
    if !policy::may_see_owner(&caller, &owner, Act::ReadDocuments) {
        record_refusal(
            &state,
            &caller,
            None,
            format!("list the documents of owner {owner}"),
        )
        .await;
        return Err(ApiError::NotFound(format!("no owner {owner}")));
    }
    let reason = reason_of(&caller, &params)?;
    let procedure = params
        .procedure
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            schemas::ids::ProcedureCode::parse(p)
                .map(|c| c.as_str().to_string())
                .map_err(|e| ApiError::field(e.at("procedure", p)))
        })
        .transpose()?;
    let actor = caller.actor.clone();
    let list = state
        .blocking(move |archive| {
            let today = schemas::today();
            let records: Vec<_> = archive
                .catalog()
                .docs_of_owner(&owner)?
                .into_iter()
                .filter(|r| {
                    procedure.as_deref().is_none_or(|p| {
                        r.metadata.procedure_code.as_ref().map(|c| c.as_str()) == Some(p)
                    })
                })
                .filter(|r| {
                    params
                        .doc_type
                        .as_deref()
                        .is_none_or(|t| r.metadata.doc_type == t.trim())
                })
                .filter(|r| {
                    !params.valid_only.unwrap_or(false) || r.state(today) == schemas::State::Valid
                })
                .collect();
            archive.record_reads(&records, &actor, &reason, "list of the owner's documents")?;
            Ok(OwnerDocuments {
                owner_id: owner,
                documents: records
                    .iter()
                    .map(|r| DocumentView::new(r, archive.doc_types(), today))
                    .collect(),
            })
        })
        .await?;
    Ok(Json(list))
}

/// Every event about an owner's documents: who read, downloaded or reused them, for which
/// dossier and why, and refused attempts. For the owner, and for admins.
#[utoipa::path(get, path = "/api/v1/owners/{owner_id}/ledger", tag = "ledger",
    params(("owner_id" = String, Path, description = "Personal ID or enterprise code"), PageParams),
    responses((status = 200, body = EventPage), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn owner_ledger(
    State(state): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<EventPage>> {
    allow(
        &state,
        &caller,
        Act::SeeLedger,
        None,
        "see an owner's ledger",
    )
    .await?;
    let owner = owner_id(&raw)?;
    if !policy::may_see_owner(&caller, &owner, Act::SeeLedger) {
        record_refusal(
            &state,
            &caller,
            None,
            format!("see the ledger of owner {owner}"),
        )
        .await;
        return Err(ApiError::NotFound(format!("no owner {owner}")));
    }
    let (after, limit) = page_bounds(&page);
    let list = state
        .blocking(move |archive| Ok(archive.ledger_of_owner(&owner, after, limit)?))
        .await?;
    Ok(Json(event_page(&list, limit)))
}
