//! The public page where anyone holding a certified copy checks it: by the code under its QR
//! code, or by handing in the file. No sign-in, no personal data on the page.

use super::layout::{self, date, instant, state_badge, Frame};
use crate::error::ApiError;
use crate::wire::CopyVerificationView;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

const TITLE: &str = "Kiểm tra bản sao điện tử có chứng thực";

fn frame() -> Frame<'static> {
    Frame {
        caller: None,
        csrf: "",
    }
}

fn forms(code: Option<&str>) -> Markup {
    html! {
        section aria-labelledby="tieu-de-kiem-tra" {
            h2 #tieu-de-kiem-tra { "Kiểm tra bản sao khác" }
            // A plain GET form (no script: the page's policy allows none inline); `form` below
            // sends `/verify?code=X` on to `/verify/X`.
            form.inline method="get" action="/verify" {
                div {
                    label for="code" { "Mã kiểm tra (in dưới mã QR)" }
                    input #code name="code" required placeholder="XXXXX-XXXXX" value=(code.unwrap_or(""));
                }
                div { button type="submit" { "Kiểm tra mã" } }
            }
            form.inline method="post" action="/verify" enctype="multipart/form-data" {
                div.wide {
                    label for="file" { "Hoặc tải lên tệp bản sao (PDF)" }
                    input #file type="file" name="file" accept="application/pdf" required;
                }
                div { button type="submit" { "Kiểm tra tệp" } }
            }
        }
    }
}

/// What the code form sends.
#[derive(Debug, serde::Deserialize)]
pub struct CodeForm {
    code: Option<String>,
}

/// The form alone (`GET /verify`), or, with a code typed in it (`GET /verify?code=X`), on to
/// that code's page.
pub async fn form(axum::extract::Query(asked): axum::extract::Query<CodeForm>) -> Response {
    let code = asked.code.as_deref().map(str::trim).unwrap_or("");
    if code.is_empty() {
        return super::html_response(StatusCode::OK, layout::page(TITLE, &frame(), forms(None)));
    }
    let path = crate::routes::documents::percent_encode(code);
    axum::response::Redirect::to(&format!("/verify/{path}")).into_response()
}

/// The answer of a check as a page; errors with their status.
pub fn page(answer: Result<CopyVerificationView, ApiError>, code: Option<&str>) -> Response {
    let (status, content) = match answer {
        Ok(view) => (StatusCode::OK, result(&view)),
        Err(error) => {
            let explanation = match &error {
                ApiError::NotFound(_) => {
                    "Không có bản sao nào mang mã này. Hãy kiểm tra lại các chữ và số dưới mã QR."
                }
                ApiError::Invalid(..) | ApiError::BadRequest(_) => {
                    "Mã kiểm tra gồm 10 chữ và số, dạng XXXXX-XXXXX."
                }
                ApiError::TooManyRequests(..) => {
                    "Quá nhiều lượt kiểm tra từ địa chỉ này. Vui lòng thử lại sau một phút."
                }
                ApiError::TooLarge(_) => "Tệp quá lớn.",
                _ => "Kho gặp lỗi khi kiểm tra. Vui lòng thử lại sau.",
            };
            (
                error.status(),
                html! { div.alert role="alert" { p { (explanation) } } },
            )
        }
    };
    let body = html! { (content) (forms(code)) };
    super::html_response(status, layout::page(TITLE, &frame(), body))
}

fn result(view: &CopyVerificationView) -> Markup {
    let Some(copy) = &view.copy else {
        return html! {
            div.alert role="alert" {
                p { strong { "Tệp này không phải bản sao do kho cấp, hoặc đã bị thay đổi sau khi cấp." } }
                @if let Some(sha) = &view.file_sha256 { p { "Mã băm SHA-256 của tệp: " code { (sha) } } }
            }
        };
    };
    html! {
        div.notice role="status" {
            p {
                @if view.file_sha256.is_some() {
                    strong { "Tệp đúng là bản sao do kho cấp, chưa bị thay đổi." }
                } @else {
                    strong { "Mã kiểm tra " (copy.code) " là của một bản sao do kho cấp." }
                    " So mã băm SHA-256 dưới đây với tệp bạn giữ để chắc tệp chưa bị thay đổi."
                }
            }
        }
        p.state { "Tình trạng giấy tờ hôm nay: " (state_badge(copy.state)) }
        dl.metadata {
            div { dt { "Loại giấy tờ" } dd { (copy.paper_name) } }
            @if let Some(issuer) = &copy.issuer { div { dt { "Cơ quan cấp" } dd { (issuer) } } }
            @if let Some(issued) = &copy.issued_on { div { dt { "Ngày cấp" } dd { (date(issued)) } } }
            div { dt { "Chứng thực bản sao lúc" } dd { (instant(&crate::wire::rfc3339(copy.certified_at))) } }
            div { dt { "Cơ quan chứng thực" } dd { (copy.certified_by.as_deref().unwrap_or("(không rõ)")) } }
            div { dt { "Mã băm SHA-256 của bản sao" } dd { code { (copy.copy_sha256) } } }
            div { dt { "Chủ sở hữu (gợi ý)" } dd { (copy.owner_hint) } }
        }
        p.hint { "Lần kiểm tra này được ghi vào nhật ký của chủ sở hữu giấy tờ." }
    }
}
