//! The record of batch runs (`kho ingest`): the recent ones and each one's report, for
//! operators (the web UI's batch pages read these handlers too).

use super::allow;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Path, Query};
use crate::policy::Act;
use crate::state::AppState;
use crate::wire::{
    BatchLineView, BatchLinesParams, BatchList, BatchListParams, BatchReport, BatchView,
};
use axum::extract::State;
use axum::Json;

/// Most batches listed, and most report lines per page.
pub const MAX_BATCHES: usize = 200;
pub const MAX_LINES: usize = 1000;

/// The recent batch runs, newest first, with their counts.
#[utoipa::path(get, path = "/api/v1/batches", tag = "batches",
    params(BatchListParams),
    responses((status = 200, body = BatchList), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_batches(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<BatchListParams>,
) -> ApiResult<Json<BatchList>> {
    allow(&state, &caller, Act::SeeBatches, None, "list batches").await?;
    let limit = params.limit.unwrap_or(30);
    if !(1..=MAX_BATCHES).contains(&limit) {
        return Err(ApiError::field(
            schemas::RuleError::new(format!("1 to {MAX_BATCHES}")).at("limit", &limit.to_string()),
        ));
    }
    let batches = state
        .blocking(move |archive| Ok(archive.catalog().batches().recent(limit)?))
        .await?;
    Ok(Json(BatchList {
        batches: batches.iter().map(BatchView::from).collect(),
    }))
}

/// One batch and a page of its report: every file with its outcome, the document stored and,
/// for a rejection, the kind and the reason.
#[utoipa::path(get, path = "/api/v1/batches/{id}", tag = "batches",
    params(("id" = u64, Path, description = "Batch number"), BatchLinesParams),
    responses((status = 200, body = BatchReport), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_batch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<u64>,
    Query(params): Query<BatchLinesParams>,
) -> ApiResult<Json<BatchReport>> {
    allow(
        &state,
        &caller,
        Act::SeeBatches,
        None,
        "read a batch report",
    )
    .await?;
    let from = params.from.unwrap_or(0);
    let limit = params.limit.unwrap_or(200).clamp(1, MAX_LINES);
    let only_rejected = params.rejected_only.unwrap_or(false);
    let report = state
        .blocking(move |archive| {
            let batches = archive.catalog().batches();
            let batch = batches
                .get(id)?
                .ok_or_else(|| ApiError::NotFound(format!("no batch {id}")))?;
            let mut lines = batches.lines(id, from, limit + 1, only_rejected)?;
            let next_from = (lines.len() > limit).then(|| lines[limit].0);
            lines.truncate(limit);
            Ok(BatchReport {
                batch: BatchView::from(&batch),
                lines: lines
                    .into_iter()
                    .map(|(index, line)| BatchLineView { index, line })
                    .collect(),
                next_from,
            })
        })
        .await?;
    Ok(Json(report))
}
