//! Sharing with consent on the web: the citizen's `/my/shares` (make, list, revoke) and the
//! page a link opens for its holder (`/s/{token}`: the shared documents' metadata, page
//! previews and download, nothing else of the owner). A revoked, expired or used-up link is a
//! 410 with a Vietnamese page; an unknown one a 404.

use super::citizen::own_id;
use super::forms::{self, FieldMessages};
use super::layout::{date, instant, state_badge, validity, Frame};
use super::{error_page, html_response, WebUser};
use crate::error::ApiError;
use crate::extract::PageForm;
use crate::extract::PagePath;
use crate::extract::Query;
use crate::routes::documents::original_response_with;
use crate::routes::owners::owner_document_list;
use crate::routes::shares::{end_share, make_share, share_list};
use crate::state::AppState;
use crate::wire::DocumentView;
use crate::wire_citizens::ShareRequest;
use archive_core::service::Opening;
use archive_core::ArchiveError;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use schemas::DocumentFilter;

/// What the page says was just done: `agency` (shared with an agency) or `revoked`. A link just
/// made is never here: it is a bearer secret, shown once in the answer to the form and never
/// put in an address (browser history, a shared computer's next user).
#[derive(serde::Deserialize, Default)]
pub struct Done {
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
    let Query(done) = done.unwrap_or(Query(Done::default()));
    let result = shares_page(
        &state,
        &user,
        &headers,
        &done,
        None,
        &ShareRequest::default(),
        &FieldMessages::none(),
    )
    .await;
    user.respond(result)
}

/// The page of `/my/shares`, its form holding `typed` with every message of `messages`
/// under the field it is about (a refused form comes back as it was filled in).
async fn shares_page(
    state: &AppState,
    user: &WebUser,
    headers: &HeaderMap,
    done: &Done,
    new_link: Option<&str>,
    typed: &ShareRequest,
    messages: &FieldMessages,
) -> Result<Response, ApiError> {
    let owner = own_id(user)?;
    let docs = owner_document_list(
        state,
        user.caller.clone(),
        owner,
        DocumentFilter::default(),
        Default::default(),
    )
    .await?;
    let list = share_list(state, user.caller.clone()).await?;
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
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (purpose, agency_code, procedure_code, until) = (
        text(&typed.purpose),
        text(&typed.agency_code),
        text(&typed.procedure_code),
        text(&typed.until),
    );
    let agency_kind = typed.kind == "agency";
    // The rules about the documents are named `documents` or `documents[i]`; the kind's too
    // go above the form's fields, under their own fieldset.
    let about_documents: Vec<&str> = messages
        .others(SHARE_FIELDS)
        .into_iter()
        .filter(|(field, _)| field.starts_with("documents"))
        .map(|(_, m)| m)
        .collect();
    let about_kind = messages.about(&["kind"]);
    let elsewhere: Vec<&str> = messages
        .others(SHARE_FIELDS)
        .into_iter()
        .filter(|(field, _)| !field.starts_with("documents"))
        .map(|(_, m)| m)
        .collect();
    Ok(user.page(
        "Chia sẻ giấy tờ",
        html! {
            @if let Some(link) = new_link {
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
            @if !messages.is_empty() {
                div.alert role="alert" #loi-chia-se {
                    p { "Chưa chia sẻ được. Vui lòng sửa các ô được đánh dấu rồi gửi lại." }
                    @for m in &elsewhere { p { (m) } }
                }
            }
            p { "Bạn chọn giấy tờ nào được chia sẻ, cho ai, đến ngày nào. Mỗi lần người nhận mở đều được ghi vào sổ truy cập của bạn. Bạn có thể thu hồi bất cứ lúc nào." }
            form #share-form method="post" action="/my/shares" {
                input type="hidden" name="csrf" value=(user.csrf);
                fieldset #documents aria-invalid=[(!about_documents.is_empty()).then_some("true")]
                    aria-describedby=[(!about_documents.is_empty()).then_some("documents-loi")] {
                    legend { "Giấy tờ chia sẻ *" }
                    @for d in &docs.documents {
                        label { input type="checkbox" name="documents" value=(d.id)
                            checked[typed.documents.iter().any(|t| t.trim() == d.id)]; " " (d.title) }
                    }
                    @if !about_documents.is_empty() {
                        p.field-error #documents-loi { @for (i, m) in about_documents.iter().enumerate() { @if i > 0 { br; } (m) } }
                    }
                }
                fieldset #kind aria-invalid=[(!about_kind.is_empty()).then_some("true")]
                    aria-describedby=[(!about_kind.is_empty()).then_some("kind-loi")] {
                    legend { "Chia sẻ với" }
                    label { input type="radio" name="kind" value="link" checked[!agency_kind]; " Một liên kết (ngân hàng, nơi làm việc...)" }
                    label { input type="radio" name="kind" value="agency" checked[agency_kind]; " Một cơ quan nhà nước, cho một thủ tục" }
                    @if !about_kind.is_empty() {
                        p.field-error #kind-loi { @for (i, m) in about_kind.iter().enumerate() { @if i > 0 { br; } (m) } }
                    }
                }
                (forms::TextField { id: "purpose", name: "purpose", label: "Mục đích (với liên kết)",
                    value: &purpose, required: false, placeholder: Some("Hồ sơ vay vốn ngân hàng"), fields: &["purpose"] }
                    .render(messages))
                label { input type="checkbox" name="one_time" value="true" checked[typed.one_time]; " Chỉ mở được một lần" }
                (forms::TextField { id: "agency_code", name: "agency_code", label: "Mã cơ quan (với cơ quan)",
                    value: &agency_code, required: false, placeholder: Some("H47.15"), fields: &["agency_code"] }
                    .render(messages))
                (forms::TextField { id: "procedure_code", name: "procedure_code", label: "Mã thủ tục (với cơ quan)",
                    value: &procedure_code, required: false, placeholder: Some("1.001193"), fields: &["procedure_code"] }
                    .render(messages))
                (forms::TextField { id: "until", name: "until", label: "Đến hết ngày (dd/mm/yyyy; liên kết: tối đa 30 ngày)",
                    value: &until, required: true, placeholder: Some("31/12/2026"), fields: &["until"] }
                    .render(messages))
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
                                td {
                                    (s.uses)
                                    @if s.refused_attempts > 0 {
                                        br; small { (s.refused_attempts) " lần mở bị từ chối" }
                                    }
                                }
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

/// The fields of the share form shown with their own inputs (the documents' rules are
/// `documents[i]`, under the list of documents).
const SHARE_FIELDS: &[&str] = &["kind", "purpose", "agency_code", "procedure_code", "until"];

fn share_state_name(state: &str) -> &str {
    match state {
        "active" => "Đang chia sẻ",
        "revoked" => "Đã thu hồi",
        "expired" => "Đã hết hạn",
        "used" => "Đã dùng",
        other => other,
    }
}

/// Makes a share from the form (fields repeat: one `documents` per box ticked). A form that
/// breaks rules comes back as it was filled in, each rule under its field.
pub async fn create(
    State(state): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    PageForm(fields): PageForm<Vec<(String, String)>>,
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
        match make_share(&state, user.caller.clone(), &request).await {
            Ok(created) => match &created.link {
                // The link is shown in this answer only (not stored in a cache either).
                Some(link) => {
                    let mut page = shares_page(
                        &state,
                        &user,
                        &headers,
                        &Done::default(),
                        Some(link),
                        &ShareRequest::default(),
                        &FieldMessages::none(),
                    )
                    .await?;
                    page.headers_mut().insert(
                        header::CACHE_CONTROL,
                        header::HeaderValue::from_static("no-store"),
                    );
                    Ok(page)
                }
                None => Ok(Redirect::to("/my/shares?done=agency").into_response()),
            },
            Err(e @ ApiError::Invalid(..)) => {
                let messages = FieldMessages::of(Some(&e));
                let mut page = shares_page(
                    &state,
                    &user,
                    &headers,
                    &Done::default(),
                    None,
                    &request,
                    &messages,
                )
                .await?;
                *page.status_mut() = e.status();
                Ok(page)
            }
            Err(e) => Err(e),
        }
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
    PagePath(id): PagePath<String>,
    headers: HeaderMap,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    let result = async {
        user.check_csrf(&headers, &form.csrf)?;
        end_share(&state, user.caller.clone(), id).await?;
        Ok(Redirect::to("/my/shares?done=revoked").into_response())
    }
    .await;
    user.respond(result)
}

/// `GET /s/{token}`. A `HEAD` (a link checker, a chat app making a preview) reads nothing and
/// uses nothing: it says only whether the link would open. A one-time link nobody opened yet
/// asks its holder first, with a button: fetching its address alone (a mail scanner, a
/// preview) must not use it up. Any other link opens at once ([`open_link`]).
pub async fn link_page(
    State(state): State<AppState>,
    method: axum::http::Method,
    PagePath(token): PagePath<String>,
) -> Response {
    let asking = {
        let token = token.clone();
        state
            .blocking(move |archive| {
                let now = time::OffsetDateTime::now_utc();
                Ok(archive
                    .peek_share(&token)?
                    .map(|share| (share.page_may_open(now), share.asks_before_opening(now))))
            })
            .await
    };
    let (page_state, asks) = match asking {
        Ok(Some(found)) => found,
        Ok(None) => {
            return error_page(None, ApiError::from(ArchiveError::NoShare("(link)".into())))
        }
        Err(error) => return error_page(None, error),
    };
    if method == axum::http::Method::HEAD {
        let status = if page_state == schemas::ShareState::Active {
            StatusCode::OK
        } else {
            StatusCode::GONE
        };
        return (status, no_trace_headers()).into_response();
    }
    if asks {
        let frame = Frame {
            caller: None,
            csrf: "",
        };
        let content = html! {
            p { "Giấy tờ được chia sẻ với bạn qua một liên kết chỉ mở được một lần." }
            p { "Khi bấm mở, bạn có 30 phút để xem và tải giấy tờ; sau đó liên kết không dùng được nữa. Lần mở được ghi vào sổ truy cập của người chia sẻ." }
            form method="post" action=(format!("/s/{token}")) {
                button type="submit" { "Mở giấy tờ" }
            }
        };
        let mut response = html_response(
            StatusCode::OK,
            super::layout::page("Giấy tờ được chia sẻ", &frame, content),
        );
        response.headers_mut().extend(no_trace_headers());
        return response;
    }
    open_link(state, token).await
}

/// `POST /s/{token}`: the button of a one-time link's question opens it.
pub async fn link_open(
    State(state): State<AppState>,
    PagePath(token): PagePath<String>,
) -> Response {
    open_link(state, token).await
}

/// The headers of every answer about a link: its token is in the address, so no referrer
/// leaves with it and nothing keeps a copy.
fn no_trace_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    headers
}

/// What a link's holder sees: the shared documents' metadata, page previews, download, and the
/// verification page of their certified copies; nothing else of the owner.
async fn open_link(state: AppState, token: String) -> Response {
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
    response.headers_mut().extend(no_trace_headers());
    response
}

/// A shared document's original, answered as the API answers originals (ranges, ETags).
pub async fn link_download(
    State(state): State<AppState>,
    PagePath((token, id)): PagePath<(String, String)>,
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
    PagePath((token, id, page)): PagePath<(String, String, u32)>,
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
