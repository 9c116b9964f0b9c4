//! The operator's stack upload: a scanned stack goes up, its split plan comes back (documents,
//! pages, metadata read from the separator sheets, refused runs of pages with their reasons),
//! and only the operator's confirmation stores the documents. Both steps call the services
//! through the plain functions the API's handlers use (`routes::stacks`), never the handlers.

use super::layout::field_label;
use super::WebUser;
use crate::extract::PageForm;
use crate::extract::{MultipartForm, PagePath};
use crate::routes::documents::read_upload_form;
use crate::routes::stacks::{self, may_split_stacks};
use crate::state::AppState;
use crate::wire::{SplitRequest, StackPlanView};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{html, Markup};
use std::collections::BTreeMap;

/// Fields an operator may give for what the sheets leave empty.
const DEFAULT_FIELDS: [&str; 3] = ["issuer", "issuer_code", "signer"];

fn pages(list: &[u32]) -> String {
    list.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn form(user: &WebUser) -> Markup {
    html! {
        p { "Tải lên một tệp PDF hoặc TIFF nhiều trang đã quét cả chồng hồ sơ, mỗi hồ sơ có "
            strong { "tờ phân cách" } " (in bằng " code { "kho sheets" } ") đặt trước. "
            "Kho sẽ cho xem cách chia trước khi lưu." }
        form.upload method="post" action="/upload/stack" enctype="multipart/form-data" {
            input type="hidden" name="csrf" value=(user.csrf);
            label for="file" { "Tệp chồng hồ sơ (PDF, TIFF) *" }
            input #file type="file" name="file" required accept=".pdf,.tif,.tiff,application/pdf,image/tiff";
            label for="max_pages" { "Số trang tối đa mỗi giấy tờ" }
            input #max_pages name="max_pages" type="number" min="1" placeholder="để trống: không giới hạn";
            label for="keep_blank" { input #keep_blank type="checkbox" name="keep_blank" value="true"; " Giữ các trang trắng" }
            @for name in DEFAULT_FIELDS {
                label for=(name) { (field_label(name)) " (khi tờ phân cách để trống)" }
                input id=(name) name=(name) type="text";
            }
            button type="submit" { "Xem cách chia" }
        }
    }
}

/// `/upload/stack`: the form.
pub async fn stack_form(State(state): State<AppState>, user: WebUser) -> Response {
    let result = may_split_stacks(&state, &user.caller)
        .await
        .map(|()| user.page("Tải lên chồng hồ sơ đã quét", form(&user)));
    user.respond(result)
}

fn plan_page(user: &WebUser, plan: &StackPlanView) -> Markup {
    html! {
        div.notice role="status" #ke-hoach-chia {
            p { strong { (plan.file) } ": " (plan.pages) " trang, "
                (plan.separator_pages.len()) " tờ phân cách (trang " (pages(&plan.separator_pages)) "), "
                (plan.blank_pages.len()) " trang trắng"
                @if !plan.blank_pages.is_empty() { " (trang " (pages(&plan.blank_pages)) ")" }
                ". Sẽ lưu " strong { (plan.documents) } " giấy tờ." }
        }
        table.report #cac-phan {
            thead { tr { th { "#" } th { "Trang" } th { "Tờ phân cách" } th { "Chủ sở hữu" } th { "Loại giấy tờ" } th { "Mã hồ sơ" } th { "Kết quả" } } }
            tbody {
                @for (i, s) in plan.segments.iter().enumerate() {
                    tr class=(if s.problem.is_some() { "rejected" } else { "stored" }) {
                        td.num { (i + 1) }
                        td { (pages(&s.pages)) " (" (s.pages.len()) " trang)"
                            @if !s.blank_pages.is_empty() { br; small { "bỏ trang trắng " (pages(&s.blank_pages)) } } }
                        td.num { (s.separator_page.map(|p| p.to_string()).unwrap_or_default()) }
                        td { (s.owner_id.clone().unwrap_or_default()) @if let Some(n) = &s.owner_name { br; (n) } }
                        td { (s.title.clone().unwrap_or_default()) }
                        td { (s.dossier_code.clone().unwrap_or_default()) }
                        td { @if let Some(reason) = &s.reason { "Không lưu: " span.detail { (reason) } } @else { "Sẽ lưu" } }
                    }
                }
            }
        }
        @if plan.documents > 0 {
            form method="post" action=(format!("/upload/stack/{}", plan.sha256)) {
                input type="hidden" name="csrf" value=(user.csrf);
                @if let Some(max) = plan.options.max_pages { input type="hidden" name="max_pages" value=(max); }
                @if plan.options.keep_blank { input type="hidden" name="keep_blank" value="true"; }
                @for (name, value) in &plan.options.defaults { input type="hidden" name=(name) value=(value); }
                button type="submit" #xac-nhan { "Xác nhận: lưu " (plan.documents) " giấy tờ" }
            }
        }
        p { a href="/upload/stack" { "Tải lên chồng khác" } }
    }
}

/// Keeps the uploaded stack and shows its split plan, with a button that stores it.
pub async fn plan(
    State(state): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    MultipartForm(multipart): MultipartForm,
) -> Response {
    let result = async {
        may_split_stacks(&state, &user.caller).await?;
        let form = read_upload_form(&state, multipart).await?;
        user.check_upload_csrf(&headers, &form)?;
        let plan = stacks::plan_upload(&state, &user.caller, form, schemas::Lang::Vi).await?;
        Ok(user.page("Cách chia chồng hồ sơ", plan_page(&user, &plan)))
    }
    .await;
    user.respond(result)
}

/// Stores the documents of a kept stack, as planned.
pub async fn split(
    State(state): State<AppState>,
    user: WebUser,
    PagePath(sha256): PagePath<String>,
    headers: HeaderMap,
    PageForm(fields): PageForm<BTreeMap<String, String>>,
) -> Response {
    let result = async {
        user.check_csrf(&headers, fields.get("csrf").map_or("", String::as_str))?;
        let mut request = SplitRequest {
            max_pages: fields.get("max_pages").and_then(|v| v.trim().parse().ok()),
            keep_blank: fields.get("keep_blank").is_some_and(|v| v == "true"),
            defaults: BTreeMap::new(),
        };
        for name in schemas::SEPARATOR_FIELDS {
            if let Some(value) = fields.get(name) {
                request.defaults.insert(name.to_string(), value.clone());
            }
        }
        let done = stacks::split_kept(&state, &user.caller, sha256, request, schemas::Lang::Vi).await?;
        Ok(user.page(
            "Đã chia chồng hồ sơ",
            html! {
                div.notice role="status" #ket-qua-chia {
                    p { "Đã lưu " strong { (done.stored) } " giấy tờ, " (done.duplicate) " đã có sẵn, "
                        (done.rejected) " phần không lưu." }
                }
                table.report {
                    thead { tr { th { "Phần" } th { "Kết quả" } th { "Lý do" } } }
                    tbody {
                        @for r in &done.results {
                            tr class=(r.status) {
                                td { (r.file) }
                                td { @match r.status.as_str() {
                                        "stored" => { "Đã lưu" }
                                        "duplicate" => { "Đã có" }
                                        _ => { "Không lưu" }
                                    }
                                    @if let Some(id) = &r.id { " · " a href=(format!("/documents/{id}")) { "xem" } } }
                                td { @if let Some(e) = &r.error { span.detail { (e) } } }
                            }
                        }
                    }
                }
                p { a href="/batches" { "Các lô số hóa" } " · " a href="/upload/stack" { "Tải lên chồng khác" } }
            },
        ))
    }
    .await;
    user.respond(result)
}
