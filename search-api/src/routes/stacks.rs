//! Scanned stacks over HTTP: upload a stack and see how it splits, then confirm the split.
//! Extract -> service -> render: `Archive::keep_stack` and `Archive::kept_stack` (act
//! `SplitStacks`, operators) decide access; the web UI's "Tải lên chồng hồ sơ" page calls the
//! same plain functions here ([`may_split_stacks`], [`plan_upload`], [`split_kept`]), never the
//! handlers.

use super::documents::{read_upload_form, ReadUpload};
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{JsonBody, MultipartForm, Path};
use crate::state::AppState;
use crate::wire::{
    SplitRequest, SplitResult, StackDocumentResult, StackPlanView, StackSegmentView,
};
use axum::extract::State;
use axum::Json;
use ingest::capture::{SplitOptions, StackInput, StackPlan};
use schemas::policy::Act;
use schemas::{Caller, MetadataInput};

/// Refuses (and ledgers) a caller who may not split stacks, before anything of a form is read.
pub(crate) async fn may_split_stacks(state: &AppState, caller: &Caller) -> ApiResult<()> {
    let caller = caller.clone();
    state
        .blocking(move |archive| {
            Ok(archive.authorize(&caller, Act::SplitStacks, None, "split a scanned stack")?)
        })
        .await
}

fn options(request: &SplitRequest) -> ApiResult<SplitOptions> {
    let mut defaults = MetadataInput::default();
    for (field, value) in &request.defaults {
        if !defaults.set(field, value.clone()) {
            return Err(ApiError::field(
                schemas::RuleError::new(&schemas::messages::NOT_A_METADATA_FIELD)
                    .at("defaults", field),
            ));
        }
    }
    Ok(SplitOptions {
        max_pages: request.max_pages,
        keep_blank: request.keep_blank,
        defaults,
        whole_without_separator: false,
    })
}

fn plan_view(
    sha256: String,
    file: String,
    plan: StackPlan,
    options: SplitRequest,
    lang: schemas::Lang,
) -> StackPlanView {
    StackPlanView {
        sha256,
        options,
        file,
        pages: plan.pages,
        documents: plan.documents(),
        separator_pages: plan.separator_pages.clone(),
        blank_pages: plan.blank_pages.clone(),
        segments: plan
            .segments
            .into_iter()
            .map(|s| {
                let m = s.metadata.as_ref();
                StackSegmentView {
                    separator_page: s.separator_page,
                    first_page: s.first_page,
                    last_page: s.last_page,
                    owner_id: m.map(|m| m.owner_id.as_str().to_string()),
                    owner_name: m.and_then(|m| m.owner_name.clone()),
                    doc_type: m.map(|m| m.doc_type.clone()),
                    title: m.map(|m| m.title.clone()),
                    dossier_code: m
                        .and_then(|m| m.dossier_code.as_ref().map(|c| c.as_str().to_string())),
                    procedure_code: m
                        .and_then(|m| m.procedure_code.as_ref().map(|c| c.as_str().to_string())),
                    problem: s.problem.map(crate::wire::json_name),
                    reason: s.reason.map(|r| r.render(lang)),
                    warnings: s.warnings.iter().map(|w| w.render(lang)).collect(),
                    pages: s.pages,
                    blank_pages: s.blank_pages,
                }
            })
            .collect(),
    }
}

/// Keep a scanned stack and plan its split (operators). Multipart: `file` (PDF or multi-page
/// TIFF), optional `max_pages`, `keep_blank` (`true`), and metadata fields for what the
/// separators leave empty. No document is stored.
#[utoipa::path(post, path = "/api/v1/stacks", tag = "documents",
    request_body(content_type = "multipart/form-data", description = "file, max_pages, keep_blank, metadata defaults"),
    responses(
        (status = 200, description = "The stack is kept; how it splits", body = StackPlanView),
        (status = 422, description = "Not a stack kho can split", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn plan_stack(
    State(state): State<AppState>,
    auth: Authenticated,
    MultipartForm(form): MultipartForm,
) -> ApiResult<Json<StackPlanView>> {
    may_split_stacks(&state, &auth.caller).await?;
    let form = read_upload_form(&state, form).await?;
    plan_upload(&state, &auth.caller, form, crate::lang::current())
        .await
        .map(Json)
}

/// [`plan_stack`] on a form already read (the web UI reads it first, for its CSRF token); the
/// segments' reasons in `lang`.
pub(crate) async fn plan_upload(
    state: &AppState,
    caller: &Caller,
    form: ReadUpload,
    lang: schemas::Lang,
) -> ApiResult<StackPlanView> {
    let (file_name, bytes) = form.file.ok_or_else(|| {
        ApiError::BadRequest(schemas::Message::new(&schemas::messages::NO_FILE_FIELD))
    })?;
    let mut request = SplitRequest::default();
    for (name, value) in &form.other_fields {
        match name.as_str() {
            "max_pages" if !value.trim().is_empty() => {
                request.max_pages = Some(value.trim().parse().map_err(|_| {
                    ApiError::field(
                        schemas::RuleError::new(&schemas::messages::WHOLE_PAGES)
                            .at("max_pages", value),
                    )
                })?)
            }
            "keep_blank" => request.keep_blank = matches!(value.as_str(), "true" | "on" | "1"),
            _ => {}
        }
    }
    for field in schemas::SEPARATOR_FIELDS {
        if let Some(value) = form.input.get(field).filter(|v| !v.trim().is_empty()) {
            request
                .defaults
                .insert(field.to_string(), value.to_string());
        }
    }
    let options = options(&request)?;
    let caller = caller.clone();
    let config = state.config.clone();
    let view = state
        .blocking(move |archive| {
            let loaded = ingest::load_bytes(&file_name, bytes, &config.extract.limits)
                .map_err(|r| rejected(&r))?;
            let stack = ingest::capture::plan_stack(
                &file_name,
                Some(file_name.clone()),
                loaded,
                &options,
                archive.doc_types(),
                schemas::today(),
                &config.extract,
            )
            .map_err(|r| rejected(&r))?;
            let kept = archive.keep_stack(
                &caller,
                &stack.loaded.bytes,
                stack.source_name.clone(),
                stack.loaded.inspection.format,
                stack.loaded.inspection.pages,
            )?;
            Ok(plan_view(kept.sha256, file_name, stack.plan, request, lang))
        })
        .await?;
    Ok(view)
}

fn rejected(report: &ingest::FileReport) -> ApiError {
    crate::routes::documents::file_rejected(report)
}

/// Split a kept stack and store its documents (operators), with the options of its plan. The
/// run is recorded as a batch.
#[utoipa::path(post, path = "/api/v1/stacks/{sha256}/split", tag = "documents",
    params(("sha256" = String, Path, description = "The kept stack's sha256 (from its plan)")),
    request_body = SplitRequest,
    responses(
        (status = 200, description = "Each document stored, found, or refused", body = SplitResult),
        (status = 404, description = "No kept stack with this sha256", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn split_stack(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(sha256): Path<String>,
    JsonBody(request): JsonBody<SplitRequest>,
) -> ApiResult<Json<SplitResult>> {
    split_kept(
        &state,
        &auth.caller,
        sha256,
        request,
        crate::lang::current(),
    )
    .await
    .map(Json)
}

/// [`split_stack`] on a request already read (the web UI's confirm form); reasons in `lang`.
pub(crate) async fn split_kept(
    state: &AppState,
    caller: &Caller,
    sha256: String,
    request: SplitRequest,
    lang: schemas::Lang,
) -> ApiResult<SplitResult> {
    let options = options(&request)?;
    let caller = caller.clone();
    let config = state.config.clone();
    state
        .blocking(move |archive| {
            let kept = archive.kept_stack(&caller, &sha256)?;
            let display = kept
                .record
                .name
                .clone()
                .unwrap_or_else(|| kept.record.sha256.clone());
            let mut results = Vec::new();
            let summary = ingest::capture::run_stacks(
                archive,
                &format!("web upload: {display} (split)"),
                vec![StackInput::Bytes {
                    display,
                    source_name: kept.record.name.clone(),
                    bytes: kept.bytes,
                }],
                &options,
                &caller,
                &config.extract,
                &mut |r| {
                    results.push(StackDocumentResult {
                        file: r.file.clone(),
                        status: crate::wire::json_name(r.status),
                        id: r.id.clone(),
                        pages: r.pages,
                        reject_kind: r.reject_kind.map(crate::wire::json_name),
                        code: r.error.as_ref().map(|e| e.code().to_string()),
                        error: r.error.as_ref().map(|e| e.render(lang)),
                    })
                },
                &mut |_| {},
            )?;
            if summary.stored > 0 {
                archive.sync_index(&mut |_, _| {})?;
            }
            Ok(SplitResult {
                stored: summary.stored,
                duplicate: summary.duplicate,
                rejected: summary.rejected,
                results,
            })
        })
        .await
}
