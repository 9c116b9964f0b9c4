//! Sharing with consent on the web: the citizen's `/my/shares` (make, list, revoke) and the
//! page a link opens for its holder (`/s/{token}`: the shared documents' metadata, page
//! previews and download, nothing else of the owner). A revoked, expired or used-up link is a
//! 410 with a Vietnamese page; an unknown one a 404.

use super::citizen::own_id;
use super::layout::{date, instant, state_badge, validity, Frame};
use super::{error_page, html_response, WebUser};
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::documents::{original_response_with, percent_encode};
use crate::routes::owners::owner_document_list;
use crate::routes::shares::{end_share, make_share, share_list};
use crate::state::AppState;
use crate::wire::DocumentView;
use crate::wire_citizens::ShareRequest;
use archive_core::service::Opening;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use schemas::DocumentFilter;

#[derive(serde::Deserialize, Default)]
pub struct Done {
    /// The address of a link just made (shown once).
    link: Option<String>,
    done: Option<String>,
}

/// `/my/shares`: the forms to share documents (with an agency, or as a link) and the list of
/// shares with their state and uses, each revocable.
pub async fn my_shares(
    State(state): State<AppState>,
    user: WebUser,
    done: Result<Query<Done>, ApiError>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let Query(done) = done.unwrap_or(Query(Done::default()));
        let owner = own_id(&user)?;
        let docs = owner_document_list(
            &state,
            user.caller.clone(),
            owner,
            DocumentFilter::default(),
            Default::default(),
        )
        .await?;
        let list = share_list(&state, user.caller.clone()).await?;
        let title_of = |id: &str| {
            docs.documents
                .iter()
                .find(|d| d.id == id)
                .map(|d| d.title.clone())
                .unwrap_or_else(|| id.to_string())
        };
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        Ok(user.page(
            "Chia sẻ giấy tờ",
            html! {
                @if let Some(link) = done.link.as_deref().filter(|l| l.starts_with("/s/")) {
                    div.notice role="status" {
                        p { "Đã tạo liên kết. Hãy sao chép và gửi cho người nhận ngay: kho chỉ hiện liên kết này một lần." }
                        p { input #share-link readonly value=(format!("http://{host}{link}")) aria-label="Liên kết chia sẻ"; }
                    }
                }
                @if done.done.as_deref() == Some("agency") {
                    div.notice role="status" { p { "Đã chia sẻ với cơ quan." } }
                }
                @if done.done.as_deref() == Some("revoked") {
                    div.notice role="status" { p { "Đã thu hồi chia sẻ." } }
                }
                p { "Bạn chọn giấy tờ nào được chia sẻ, cho ai, đến ngày nào. Mỗi lần người nhận mở đều được ghi vào sổ truy cập của bạn. Bạn có thể thu hồi bất cứ lúc nào." }
                form #share-form method="post" action="/my/shares" {
                    input type="hidden" name="csrf" value=(user.csrf);
                    fieldset {
                        legend { "Giấy tờ chia sẻ" }
                        @for d in &docs.documents {
                            label { input type="checkbox" name="documents" value=(d.id); " " (d.title) }
                        }
                    }
                    fieldset {
                        legend { "Chia sẻ với" }
                        label { input type="radio" name="kind" value="link" checked; " Một liên kết (ngân hàng, nơi làm việc...)" }
                        label { input type="radio" name="kind" value="agency"; " Một cơ quan nhà nước, cho một thủ tục" }
                    }
                    label for="purpose" { "Mục đích (với liên kết)" }
                    input #purpose name="purpose" maxlength="300";
                    label { input type="checkbox" name="one_time" value="true"; " Chỉ mở được một lần" }
                    label for="agency_code" { "Mã cơ quan (với cơ quan)" }
                    input #agency_code name="agency_code";
                    label for="procedure_code" { "Mã thủ tục (với cơ quan)" }
                    input #procedure_code name="procedure_code";
                    label for="until" { "Đến hết ngày (liên kết: tối đa 30 ngày)" }
                    input #until name="until" type="date" required;
                    button type="submit" { "Chia sẻ" }
                }
                h2 { "Các lần chia sẻ" }
                @if list.shares.is_empty() {
                    p { "Bạn chưa chia sẻ giấy tờ nào." }
                } @else {
                    table.shares {
                        thead { tr { th { "Với" } th { "Giấy tờ" } th { "Đến ngày" } th { "Tình trạng" } th { "Số lần dùng" } th { "" } } }
                        tbody {
                            @for s in &list.shares {
                                tr data-share=(s.id) {
                                    td {
                                        @if s.kind == "link" {
                                            "Liên kết: " (s.purpose.as_deref().unwrap_or(""))
                                            @if s.one_time { " (một lần)" }
                                        } @else {
                                            "Cơ quan " (s.agency_code.as_deref().unwrap_or("")) ", thủ tục " (s.procedure_code.as_deref().unwrap_or(""))
                                        }
                                    }
                                    td { @for id in &s.documents { (title_of(id)) br; } }
                                    td { (date(&s.until)) }
                                    td.state { (share_state_name(&s.state)) }
                                    td { (s.uses) }
                                    td {
                                        @if s.state == "active" {
                                            form method="post" action=(format!("/my/shares/{}/revoke", s.id)) {
                                                input type="hidden" name="csrf" value=(user.csrf);
                                                button type="submit" { "Thu hồi" }
                                            }
                                        } @else if let Some(at) = &s.revoked_at {
                                            "Thu hồi lúc " (instant(at))
                                        }
                                    }
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

fn share_state_name(state: &str) -> &str {
    match state {
        "active" => "Đang chia sẻ",
        "revoked" => "Đã thu hồi",
        "expired" => "Đã hết hạn",
        "used" => "Đã dùng",
        other => other,
    }
}

/// Makes a share from the form (fields repeat: one `documents` per box ticked).
pub async fn create(
    State(state): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let one = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.trim().is_empty())
        };
        user.check_csrf(&headers, &one("csrf").unwrap_or_default())?;
        let request = ShareRequest {
            documents: fields
                .iter()
                .filter(|(k, _)| k == "documents")
                .map(|(_, v)| v.clone())
                .collect(),
            kind: one("kind").unwrap_or_default(),
            agency_code: one("agency_code"),
            procedure_code: one("procedure_code"),
            until: one("until"),
            purpose: one("purpose"),
            one_time: one("one_time").is_some(),
        };
        let created = make_share(&state, user.caller.clone(), &request).await?;
        let target = match &created.link {
            Some(link) => format!("/my/shares?link={}", percent_encode(link)),
            None => "/my/shares?done=agency".to_string(),
        };
        Ok(Redirect::to(&target).into_response())
    }
    .await;
    user.respond(result)
}

#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        user.check_csrf(&headers, &form.csrf)?;
        end_share(&state, user.caller.clone(), id).await?;
        Ok(Redirect::to("/my/shares?done=revoked").into_response())
    }
    .await;
    user.respond(result)
}

/// `/s/{token}`: what a link's holder sees: the shared documents' metadata, page previews,
/// download, and the verification page of their certified copies; nothing else of the owner.
pub async fn link_page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let result = state
        .blocking(move |archive| {
            let visit = archive.open_share(&token, Opening::Page)?;
            let documents = archive.shared_documents(&visit)?;
            let today = schemas::today();
            let shown: Vec<(DocumentView, Vec<String>)> = documents
                .iter()
                .map(|(record, codes)| {
                    (
                        DocumentView::new(record, archive.doc_types(), today),
                        codes.clone(),
                    )
                })
                .collect();
            Ok((visit.share().clone(), shown, token))
        })
        .await;
    let (share, documents, token) = match result {
        Ok(found) => found,
        Err(error) => return error_page(None, error),
    };
    let purpose = match &share.target {
        schemas::ShareTarget::Link { purpose, .. } => purpose.clone(),
        schemas::ShareTarget::Agency { .. } => String::new(),
    };
    let one_time = matches!(
        share.target,
        schemas::ShareTarget::Link { one_time: true, .. }
    );
    let frame = Frame {
        caller: None,
        csrf: "",
    };
    let content = html! {
        p { "Giấy tờ được chia sẻ cho: " strong { (purpose) } ". Liên kết dùng được đến hết ngày " (date(&schemas::iso_date(share.until))) "." }
        @if one_time {
            p.notice { "Liên kết này chỉ mở được một lần: hãy xem và tải giấy tờ trong 30 phút tới." }
        }
        @for (d, codes) in &documents {
            section.shared-document data-id=(d.id) {
                h2 { (d.title) }
                dl {
                    dt { "Loại giấy tờ" } dd { (d.doc_type_title.as_deref().unwrap_or(&d.doc_type)) }
                    dt { "Cơ quan cấp" } dd { (d.issuer.as_deref().unwrap_or("")) }
                    dt { "Số" } dd { (d.doc_number.as_deref().unwrap_or("")) }
                    dt { "Ngày cấp" } dd { (d.issued_on.as_deref().map(date).unwrap_or_default()) }
                    dt { "Hiệu lực" } dd { (validity(d.valid_until.as_deref())) " " (state_badge(d.state)) }
                }
                div.previews {
                    @for page in 1..=d.pages.min(20) {
                        img src=(format!("/s/{token}/documents/{}/pages/{page}/preview?width=400", d.id))
                            alt=(format!("Trang {page}")) loading="lazy" width="400";
                    }
                }
                p { a.download href=(format!("/s/{token}/documents/{}/content", d.id)) { "Tải bản gốc" } }
                @for code in codes {
                    p { "Bản sao điện tử có chứng thực: " a href=(format!("/verify/{code}")) { "kiểm tra mã " (code) } }
                }
            }
        }
    };
    let mut response = html_response(
        StatusCode::OK,
        super::layout::page("Giấy tờ được chia sẻ", &frame, content),
    );
    // The token is in the address: no referrer leaves this page with it.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    response
}

/// A shared document's original, answered as the API answers originals (ranges, ETags).
pub async fn link_download(
    State(state): State<AppState>,
    Path((token, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let result = original_response_with(
        &state,
        move |archive| {
            let visit = archive.open_share(&token, Opening::Document(&id))?;
            archive.shared_original(&visit, &id)
        },
        &headers,
        false,
    )
    .await;
    result.unwrap_or_else(|error| error_page(None, error))
}

#[derive(serde::Deserialize)]
pub struct Width {
    width: Option<u32>,
}

/// A page preview of a shared document.
pub async fn link_preview(
    State(state): State<AppState>,
    Path((token, id, page)): Path<(String, String, u32)>,
    width: Result<Query<Width>, ApiError>,
) -> Response {
    let width = width.ok().and_then(|Query(w)| w.width).unwrap_or(400);
    let limits = state.config.extract.limits;
    let result = state
        .blocking(move |archive| {
            let visit = archive.open_share(&token, Opening::Document(&id))?;
            Ok(
                archive.shared_preview(&visit, &id, page, width, |format, bytes, drawn| {
                    ingest::preview::page_preview(format, bytes, page, drawn, &limits)
                })?,
            )
        })
        .await;
    match result {
        Ok(png) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            png,
        )
            .into_response(),
        Err(error) => error_page(None, error),
    }
}
