//! The province's indicators (`GET /api/v1/reports/indicators`), for admins and leaders.

use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::Query;
use crate::lang::RequestLang;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use schemas::indicators::{CsvDates, IndicatorReport, ReportRequest};
use serde::Deserialize;
use utoipa::IntoParams;

/// The query of the indicators report.
#[derive(Debug, Deserialize, IntoParams)]
pub struct IndicatorParams {
    /// First day (YYYY-MM-DD or DD/MM/YYYY), Vietnam time.
    pub from: String,
    /// Last day, included.
    pub to: String,
    /// Only this agency and those under it (H47.15 or 000.00.15.H47). A leader bound to an
    /// agency gets theirs when this is absent.
    pub agency: Option<String>,
    /// `agency` (one row per agency over the period, the default) or `month`.
    pub by: Option<String>,
    /// `json` (the default) or `csv` (the indicator table, ISO dates).
    pub format: Option<String>,
}

/// Indicators 4.1-4.4 of QĐ 766/QĐ-TTg's "số hóa hồ sơ" group as far as kho's data tells them,
/// per agency and for the province, with what is digitized and reused. Admins and leaders; a
/// leader bound to an agency sees it and the agencies under it (403 for another). 409 while
/// the store's counters are not built (`kho report rebuild`). The JSON (docs/indicators.md):
/// `rows` (each with `agency` (null: the province), `from`, `to`, `dossiers_received`,
/// `dossiers_reused`, `documents_digitized`, `reuses`, `median_days_to_reuse` and
/// `indicators`: `id`, `name`, `numerator`, `denominator`, `rate`, `missing_inputs`),
/// `digitized`, `reuse_by_procedure`, `most_reused_types`.
#[utoipa::path(get, path = "/api/v1/reports/indicators", tag = "reports",
    params(IndicatorParams),
    responses(
        (status = 200, body = serde_json::Value, description = "The report"),
        (status = 200, content_type = "text/csv", description = "With format=csv"),
        (status = 403, body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn indicators(
    State(state): State<AppState>,
    auth: Authenticated,
    RequestLang(lang): RequestLang,
    Query(params): Query<IndicatorParams>,
) -> ApiResult<Response> {
    let csv = match params.format.as_deref().map(str::trim) {
        None | Some("" | "json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::from(schemas::FieldErrors(vec![
                schemas::RuleError::new(&schemas::messages::INDICATORS_FORMAT)
                    .with("got", format!("{other:?}"))
                    .at("format", other),
            ])))
        }
    };
    let report = indicator_report(&state, auth.caller, &params, lang).await?;
    Ok(if csv {
        csv_response(
            schemas::indicators::report_csv(&report, CsvDates::Iso),
            "indicators.csv",
        )
    } else {
        Json(report).into_response()
    })
}

/// The report through the service (the API's and the dashboard's).
pub(crate) async fn indicator_report(
    state: &AppState,
    caller: schemas::Caller,
    params: &IndicatorParams,
    lang: schemas::Lang,
) -> ApiResult<IndicatorReport> {
    let request = ReportRequest::parse(
        &params.from,
        &params.to,
        params.agency.as_deref(),
        params.by.as_deref(),
    )
    .map_err(ApiError::from)?;
    state
        .blocking(move |archive| Ok(archive.indicator_report(&caller, &request, lang)?))
        .await
}

/// A CSV download.
pub(crate) fn csv_response(body: String, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
