//! The record of batch runs (`kho ingest`): the recent ones and each one's report, for
//! operators (the web UI's batch pages read the same services).

use crate::auth::Authenticated;
use crate::error::{ApiResult, Problem};
use crate::extract::{Path, Query};
use crate::state::AppState;
use crate::wire::{
    BatchLineView, BatchLinesParams, BatchList, BatchListParams, BatchReport, BatchView,
};
use axum::extract::State;
use axum::Json;
use schemas::Caller;

/// The recent batch runs, newest first, with their counts.
#[utoipa::path(get, path = "/api/v1/batches", tag = "batches",
    params(BatchListParams),
    responses((status = 200, body = BatchList), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_batches(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(params): Query<BatchListParams>,
) -> ApiResult<Json<BatchList>> {
    Ok(Json(
        batch_list(&state, auth.caller, params.limit.unwrap_or(30)).await?,
    ))
}

/// The recent batches through the service (the API's and the operator's page).
pub(crate) async fn batch_list(
    state: &AppState,
    caller: Caller,
    limit: usize,
) -> ApiResult<BatchList> {
    let batches = state
        .blocking(move |archive| Ok(archive.recent_batches(&caller, limit)?))
        .await?;
    Ok(BatchList {
        batches: batches.iter().map(BatchView::from).collect(),
    })
}

/// One batch and a page of its report: every file with its outcome, the document stored and,
/// for a rejection, the kind and the reason.
#[utoipa::path(get, path = "/api/v1/batches/{id}", tag = "batches",
    params(("id" = u64, Path, description = "Batch number"), BatchLinesParams),
    responses((status = 200, body = BatchReport), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_batch(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<u64>,
    Query(params): Query<BatchLinesParams>,
) -> ApiResult<Json<BatchReport>> {
    Ok(Json(batch_report(&state, auth.caller, id, &params).await?))
}

/// A batch's report through the service (the API's and the operator's page).
pub(crate) async fn batch_report(
    state: &AppState,
    caller: Caller,
    id: u64,
    params: &BatchLinesParams,
) -> ApiResult<BatchReport> {
    let from = params.from.unwrap_or(0);
    let limit = params.limit.unwrap_or(200);
    let only_rejected = params.rejected_only.unwrap_or(false);
    let report = state
        .blocking(move |archive| {
            Ok(archive.batch_report(&caller, id, from, limit, only_rejected)?)
        })
        .await?;
    Ok(BatchReport {
        batch: BatchView::from(&report.batch),
        lines: report
            .lines
            .into_iter()
            .map(|(index, line)| BatchLineView { index, line })
            .collect(),
        next_from: report.next_from,
    })
}
