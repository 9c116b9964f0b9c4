//! The operator's pages: upload one document with its metadata (the API's upload: same rules,
//! same answers), and the recent batches of `kho ingest` with their reports, read from the
//! store's record of batches.

use super::forms;
use super::layout::{self, field_label, instant};
use super::WebUser;
use crate::error::ApiError;
use crate::extract::{MultipartForm, Path, Query};
use crate::routes::batches::{batch_list, batch_report};
use crate::routes::documents::{may_upload, read_upload_form, store_upload};
use crate::state::AppState;
use crate::wire::{BatchLineView, BatchLinesParams, BatchView};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{html, Markup};
use schemas::{MetadataField, MetadataInput, METADATA_FIELDS};

/// Batches listed on the page.
const RECENT_BATCHES: usize = 30;
/// Report lines per page of a batch.
const LINES_PER_PAGE: usize = 200;

/// What the form's field for a metadata field shows inside it (the label is `field_label`'s).
fn hint(field: &str) -> &'static str {
    match field {
        "owner_id" => "12 chữ số (CCCD) hoặc mã số doanh nghiệp",
        "title" => "để trống: theo loại giấy tờ",
        "issuer_code" => "ví dụ 000.00.01.H29",
        "valid_until" => "dd/mm/yyyy, \"không thời hạn\", hoặc để trống: theo loại giấy tờ",
        "issued_on" => "dd/mm/yyyy",
        "dossier_code" => "hồ sơ đã cấp ra giấy tờ này",
        _ => "",
    }
}

/// The form's metadata fields, from the one table of them (the document type is a list).
fn form_fields() -> impl Iterator<Item = &'static MetadataField> {
    METADATA_FIELDS.iter().filter(|f| f.name != "doc_type")
}

fn upload_page(
    state: &AppState,
    user: &WebUser,
    input: &MetadataInput,
    before: Markup,
    messages: &forms::FieldMessages,
) -> Markup {
    let under = |field: &str| {
        let said = messages.about(&[field]);
        html! {
            @if !said.is_empty() {
                p.field-error id=(format!("{field}-loi")) {
                    @for (i, m) in said.iter().enumerate() { @if i > 0 { br; } (m) }
                }
            }
        }
    };
    let invalid = |field: &str| (!messages.about(&[field]).is_empty()).then_some("true");
    let described = |field: &str| invalid(field).map(|_| format!("{field}-loi"));
    html! {
        (before)
        form.upload method="post" action="/upload" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(user.csrf);
            label for="file" { "Tệp (PDF, PNG, JPEG, TIFF) *" }
            input #file type="file" name="file" required accept=".pdf,.png,.jpg,.jpeg,.tif,.tiff,application/pdf,image/png,image/jpeg,image/tiff"
                data-suggest="/upload/suggest";
            // Filled by the page's script once kho has read the chosen file.
            p #goi-y.suggestions aria-live="polite" {}
            label for="doc_type" { "Loại giấy tờ *" }
            select #doc_type name="doc_type" required aria-invalid=[invalid("doc_type")] aria-describedby=[described("doc_type")] {
                option value="" { "Chọn loại giấy tờ" }
                @for t in state.archive.doc_types().iter() {
                    option value=(t.key) selected[input.doc_type.as_deref() == Some(t.key.as_str())] { (t.title) }
                }
            }
            (under("doc_type"))
            @for field in form_fields() {
                label for=(field.name) { (field_label(field.name)) @if field.required { " *" } }
                input id=(field.name) name=(field.name)
                    type="text"
                    inputmode=[(field.name == "issued_on").then_some("numeric")]
                    required[field.required]
                    value=(input.get(field.name).unwrap_or(""))
                    placeholder=(hint(field.name))
                    aria-invalid=[invalid(field.name)] aria-describedby=[described(field.name)];
                (under(field.name))
            }
            button type="submit" { "Lưu vào kho" }
        }
    }
}

/// Only operators upload; a refusal is ledgered as the API's is.
async fn require_upload(state: &AppState, user: &WebUser) -> Result<(), ApiError> {
    may_upload(state, &user.caller).await
}

/// `/upload`: the form.
pub async fn upload_form(State(state): State<AppState>, user: WebUser) -> Response {
    let result = require_upload(&state, &user).await.map(|()| {
        user.page(
            "Tải lên giấy tờ",
            upload_page(
                &state,
                &user,
                &MetadataInput::default(),
                html! {},
                &forms::FieldMessages::none(),
            ),
        )
    });
    user.respond(result)
}

/// Stores the uploaded document and shows what happened; a rejected form comes back with its
/// values and the rules it broke.
pub async fn upload(
    State(state): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    MultipartForm(form): MultipartForm,
) -> Response {
    let result = async {
        require_upload(&state, &user).await?;
        let form = read_upload_form(&state, form).await?;
        user.check_upload_csrf(&headers, &form)?;
        let input = form.input.clone();
        match store_upload(&state, &user.caller, form, Vec::new(), schemas::Lang::Vi).await {
            Ok((status, stored)) => {
                let id = stored.id.clone().unwrap_or_default();
                let content = html! {
                    div.notice role="status" #ket-qua-tai-len {
                        @if status == StatusCode::CREATED {
                            p { "Đã lưu " strong { (stored.file) } " vào kho (" (stored.pages.unwrap_or(0)) " trang)." }
                        } @else {
                            p { "Chủ sở hữu này đã có đúng tệp " strong { (stored.file) } " trong kho; không lưu thêm bản nào." }
                        }
                        @for w in &stored.warnings { p.detail { (w) } }
                        @if !stored.low_confidence_pages.is_empty() {
                            p { "Cần người kiểm tra lại chữ nhận dạng ở các trang: "
                                (stored.low_confidence_pages.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")) }
                        }
                        p { a href=(format!("/documents/{id}")) { "Xem giấy tờ" } " · " a href="/upload" { "Tải lên giấy tờ khác" } }
                    }
                };
                Ok(user.page("Tải lên giấy tờ", content))
            }
            Err(e @ (ApiError::Invalid(..) | ApiError::BadRequest(_) | ApiError::TooLarge(_))) => {
                let before = html! {
                    div.alert role="alert" #loi-tai-len {
                        p { "Kho chưa nhận giấy tờ này. Vui lòng sửa rồi gửi lại (chọn lại tệp)." }
                        (super::problem_details(&e))
                    }
                };
                let messages = forms::FieldMessages::of(Some(&e));
                let mut page = user.page(
                    "Tải lên giấy tờ",
                    upload_page(&state, &user, &input, before, &messages),
                );
                *page.status_mut() = e.status();
                Ok(page)
            }
            Err(e) => Err(e),
        }
    }
    .await;
    user.respond(result)
}

/// `/batches`: the recent runs of `kho ingest`, newest first.
pub async fn batches(State(state): State<AppState>, user: WebUser) -> Response {
    let result = async {
        let list = batch_list(&state, user.caller.clone(), RECENT_BATCHES).await?;
        let list = list.batches;
        Ok(user.page(
            "Các lô số hóa gần đây",
            html! {
                p { "Mỗi lần nhập một loạt tệp trên máy chủ là một lô. Lô bị dừng giữa chừng được chạy lại đúng như lần trước: tệp đã lưu sẽ được báo là đã có." }
                @if list.is_empty() {
                    p { "Chưa có lô nào." }
                } @else {
                    table.batches {
                        thead { tr { th { "Lô" } th { "Bắt đầu" } th { "Nguồn" } th { "Tổng" } th { "Đã lưu" } th { "Đã có" } th { "Bị từ chối" } th { "Tình trạng" } } }
                        tbody {
                            @for b in &list {
                                tr {
                                    td { a href=(format!("/batches/{}", b.id)) { "#" (b.id) } }
                                    td { (instant(&b.started_at)) }
                                    td { (b.source) }
                                    td.num { (b.total) }
                                    td.num { (b.stored) }
                                    td.num { (b.duplicate) }
                                    td.num { (b.rejected) }
                                    td { (batch_state(b)) }
                                }
                            }
                        }
                    }
                }
            },
        ))
    }
    .await;
    user.respond(result)
}

fn batch_state(b: &BatchView) -> String {
    match &b.finished_at {
        Some(at) => format!("Xong lúc {}", instant(at)),
        None if b.stored + b.duplicate + b.rejected < b.total => {
            "Đang chạy hoặc bị dừng giữa chừng".to_string()
        }
        None => "Bị dừng trước khi kết thúc".to_string(),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct BatchQuery {
    /// `rejected` to list only the rejected files.
    show: Option<String>,
    from: Option<u64>,
}

/// `/batches/{id}`: one batch's report, every file with its outcome and reason.
pub async fn batch(
    State(state): State<AppState>,
    user: WebUser,
    id: Result<Path<u64>, ApiError>,
    query: Result<Query<BatchQuery>, ApiError>,
) -> Response {
    let result = async {
        let Path(id) = id?;
        let Query(query) = query?;
        let only_rejected = query.show.as_deref() == Some("rejected");
        let params = BatchLinesParams {
            from: query.from,
            limit: Some(LINES_PER_PAGE),
            rejected_only: Some(only_rejected),
        };
        let report = batch_report(&state, user.caller.clone(), id, &params).await?;
        let (record, lines, more) = (report.batch, report.lines, report.next_from);
        let show = if only_rejected { "&show=rejected" } else { "" };
        Ok(user.page(
            &format!("Lô #{}", record.id),
            html! {
                dl.metadata {
                    div { dt { "Nguồn" } dd { (record.source) } }
                    div { dt { "Người chạy" } dd { (layout::actor_name(&record.actor)) } }
                    div { dt { "Bắt đầu" } dd { (instant(&record.started_at)) } }
                    div { dt { "Tình trạng" } dd { (batch_state(&record)) } }
                    div { dt { "Kết quả" } dd { (record.stored) " đã lưu, " (record.duplicate) " đã có, " (record.rejected) " bị từ chối / " (record.total) " tệp" } }
                }
                p {
                    @if only_rejected { a href=(format!("/batches/{id}")) { "Xem tất cả tệp" } }
                    @else { a href=(format!("/batches/{id}?show=rejected")) { "Chỉ xem tệp bị từ chối" } }
                }
                table.report {
                    thead { tr { th { "#" } th { "Dòng" } th { "Tệp" } th { "Kết quả" } th { "Lý do" } } }
                    tbody {
                        @for BatchLineView { index, line } in &lines {
                            tr class=(line.status) {
                                td.num { (index + 1) }
                                td.num { (line.line.map(|l| l.to_string()).unwrap_or_default()) }
                                td { (line.file) }
                                td {
                                    @match line.status.as_str() {
                                        "stored" => { "Đã lưu" }
                                        "duplicate" => { "Đã có" }
                                        "rejected" => { "Bị từ chối" }
                                        other => { (other) }
                                    }
                                    @if let Some(doc) = &line.id { " · " a href=(format!("/documents/{doc}")) { "xem" } }
                                }
                                td {
                                    (reject_kind(line.reject_kind.as_deref()))
                                    @if let Some(reason) = &line.message {
                                        span.detail { " " (reason.render(schemas::Lang::Vi)) }
                                    } @else if let Some(reason) = &line.reason {
                                        // A report stored before codes: its words as stored.
                                        span.detail lang="en" { " " (reason) }
                                    }
                                }
                            }
                        }
                    }
                }
                @if let Some(next) = more {
                    p { a rel="next" href=(format!("/batches/{id}?from={next}{show}")) { "Xem tiếp →" } }
                }
            },
        ))
    }
    .await;
    user.respond(result)
}

/// The kind of a rejection, in Vietnamese (the detail follows it): its entry in the table, or
/// plain "rejected" for a kind this version does not know.
fn reject_kind(kind: Option<&str>) -> String {
    match kind {
        Some(kind) => {
            let words = schemas::messages::entry(&format!("reject_kind.{kind}"))
                .map_or("bị từ chối", |e| e.vi);
            let mut chars = words.chars();
            let first = chars.next().map(|c| c.to_uppercase().to_string());
            format!("{}{}:", first.unwrap_or_default(), chars.as_str())
        }
        None => String::new(),
    }
}
