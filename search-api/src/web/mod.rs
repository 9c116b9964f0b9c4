//! The web UI in Vietnamese, served by `kho serve` next to the API: server-rendered HTML
//! (maud), one stylesheet and a few lines of script, nothing from another host.
//!
//! The pages are a second face of the same services: every page calls the `archive-core`
//! service its API route calls, with the [`Caller`] of the session cookie, so authorization,
//! the ledger and validation are written once, in the services; pages never call a handler.
//! What this module adds is HTML, the session cookie, and CSRF:
//!
//! - The session cookie (`kho_session`) holds a session token from the same login as
//!   `POST /api/v1/login` (same throttle); it is HttpOnly and SameSite=Strict, and Secure unless
//!   the request came to a loopback address or the server runs with `--insecure-cookies`.
//! - Every form carries a CSRF token: for a signed-in user, a keyed hash of their session
//!   (so it needs no storage and dies with the session); for the login form, a random value
//!   also set in a cookie (double submit). POSTs whose `Origin` names another site are refused.
//! - The API itself never reads the cookie: it stays bearer-only, so it has no CSRF surface.

pub(crate) mod activity;
mod citizen;
mod citizen_dossiers;
mod clerk;
mod dashboard;
mod forms;
pub mod layout;
mod login;
mod notifications;
mod oidc;
mod operator;
mod shares;
mod stacks;
#[cfg(test)]
mod style_tests;
mod successor;
mod suggest;
pub mod verify;

use crate::auth::authenticate;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use layout::{field_label, page, Frame};
use maud::{html, Markup};
use schemas::{Caller, Lang};
use sha2::{Digest, Sha256};

pub(crate) const SESSION_COOKIE: &str = "kho_session";
const LOGIN_CSRF_COOKIE: &str = "kho_login_csrf";

/// The web pages, to be merged with the API's router. `upload_limit` caps an upload form's body,
/// as it caps the API's.
pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/", get(clerk::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/login/oidc", get(oidc::start))
        .route("/oidc/callback", get(oidc::callback))
        .route("/oidc/logout", get(oidc::front_channel_logout))
        .route("/documents/{id}", get(clerk::document))
        .route("/documents/{id}/content", get(clerk::download))
        .route("/documents/{id}/pages/{page}", get(clerk::page_view))
        .route("/documents/{id}/pages/{page}/preview", get(clerk::preview))
        .route("/documents/{id}/reuse", post(clerk::reuse))
        .route("/documents/{id}/lifecycle", post(clerk::change_lifecycle))
        .route("/documents/{id}/supersede", get(successor::picker))
        .route("/documents/{id}/certify", post(clerk::certify))
        .route("/my", get(citizen::documents))
        .route("/my/ledger", get(citizen::ledger))
        .route("/my/dossiers", get(citizen_dossiers::dossiers))
        .route("/my/activity", get(activity::activity))
        .route("/dashboard", get(dashboard::dashboard))
        .route("/dashboard/indicators.csv", get(dashboard::dashboard_csv))
        .route(
            "/my/notifications",
            get(notifications::page).post(notifications::submit),
        )
        .route("/my/shares", get(shares::my_shares).post(shares::create))
        .route("/my/shares/{id}/revoke", post(shares::revoke))
        .route("/s/{token}", get(shares::link_page).post(shares::link_open))
        .route(
            "/s/{token}/documents/{id}/content",
            get(shares::link_download),
        )
        .route(
            "/s/{token}/documents/{id}/pages/{page}/preview",
            get(shares::link_preview),
        )
        .route(
            "/upload",
            get(operator::upload_form)
                .post(operator::upload)
                .layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/verify", get(verify::form))
        .route(
            "/upload/stack",
            get(stacks::stack_form)
                .post(stacks::plan)
                .layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/upload/stack/{sha256}", post(stacks::split))
        .route(
            "/upload/suggest",
            post(suggest::suggest).layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/batches", get(operator::batches))
        .route("/batches/{id}", get(operator::batch))
        .route("/static/kho.css", get(stylesheet))
        .route("/static/kho.js", get(script))
}

async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", include_str!("assets/kho.css"))
}

async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/kho.js"),
    )
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// A signed-in user of the web UI.
pub struct WebUser {
    pub caller: Caller,
    /// The hash of their session token (signing out removes it).
    pub token_hash: String,
    /// The CSRF token their forms carry.
    pub csrf: String,
}

impl WebUser {
    pub fn frame(&self) -> Frame<'_> {
        Frame {
            caller: Some(&self.caller),
            csrf: &self.csrf,
        }
    }

    /// A page in this user's frame.
    pub fn page(&self, title: &str, content: Markup) -> Response {
        html_response(StatusCode::OK, page(title, &self.frame(), content))
    }

    /// A page of the clerk's flow, with the banner of the dossier being handled (if the reason
    /// names one) and the menu keeping it.
    pub fn page_in_dossier(
        &self,
        title: &str,
        reason: &crate::wire::ReasonParams,
        content: Markup,
    ) -> Response {
        let dossier = layout::Dossier::of(reason);
        html_response(
            StatusCode::OK,
            layout::page_in_dossier(title, &self.frame(), dossier.as_ref(), content),
        )
    }

    /// The answer for a handler's result: its page, or the error as a page.
    pub fn respond(&self, result: Result<Response, ApiError>) -> Response {
        result.unwrap_or_else(|e| error_page(Some(self), e))
    }

    /// Refuses an upload form (multipart) whose `csrf` field is not this session's token.
    pub(crate) fn check_upload_csrf(
        &self,
        headers: &HeaderMap,
        form: &crate::routes::documents::ReadUpload,
    ) -> Result<(), ApiError> {
        let csrf = form
            .other_fields
            .iter()
            .find(|(name, _)| name == "csrf")
            .map(|(_, value)| value.as_str())
            .unwrap_or_default();
        self.check_csrf(headers, csrf)
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, headers: &HeaderMap, given: &str) -> Result<(), ApiError> {
        check_origin(headers)?;
        if constant_time_eq(given.trim().as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(schemas::Message::new(
                &schemas::messages::CSRF_MISMATCH,
            )))
        }
    }
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_login = |parts: &Parts| {
            // The web routes are merged, not nested: this is the path the browser asked for.
            let here = parts.uri.to_string();
            Redirect::to(&format!(
                "/login?{}",
                layout::query_string(&[("next", &here)])
            ))
            .into_response()
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login(parts));
        };
        match authenticate(&state.archive, &token) {
            Ok(Some(auth)) => Ok(WebUser {
                csrf: csrf_for(state, &auth.token_hash),
                caller: auth.caller,
                token_hash: auth.token_hash,
            }),
            Ok(None) => Err(to_login(parts)),
            Err(e) => Err(error_page(None, e.into())),
        }
    }
}

/// A cookie's value from the request.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The CSRF token of a session: a hash of the session under the server's key.
fn csrf_for(state: &AppState, token_hash: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(state.csrf_key);
    hasher.update(b"csrf\0");
    hasher.update(token_hash.as_bytes());
    hex::encode(&hasher.finalize()[..20])
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Refuses a POST that a page of another site sent (its `Origin` is not this host).
fn check_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(()); // not sent by older browsers for same-origin forms; the token decides
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .unwrap_or(origin);
    if origin_host == host {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            schemas::Message::new(&schemas::messages::FOREIGN_ORIGIN).with("origin", origin),
        ))
    }
}

/// Whether cookies set for this request need `Secure`: not on a loopback address (a browser on
/// the same machine), nor when the server was told the network is trusted.
fn secure_cookies(state: &AppState, headers: &HeaderMap) -> bool {
    if state.config.insecure_cookies {
        return false;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let name = if host.starts_with('[') {
        host.split(']')
            .next()
            .unwrap_or_default()
            .trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or_default()
    };
    let loopback = name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    !loopback
}

/// A `Set-Cookie` value; `max_age` 0 deletes the cookie.
fn set_cookie(name: &str, value: &str, max_age: u64, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .ok()
}

pub(crate) fn html_response(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, markup.into_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // Pages hold personal data: never cached, never framed, nothing from elsewhere.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// An error as a page in Vietnamese. Signed-out callers are sent to the login page.
pub(crate) fn error_page(user: Option<&WebUser>, error: ApiError) -> Response {
    if matches!(error, ApiError::Unauthenticated) {
        return Redirect::to("/login").into_response();
    }
    let status = error.status();
    let (title, explanation) = match &error {
        // Only a signed-in person's attempt is ledgered: an anonymous visitor is not told so.
        ApiError::NotFound(_) if user.is_some() => (
            "Không tìm thấy",
            "Không có giấy tờ hoặc trang này, hoặc bạn không có quyền xem. Lần truy cập này đã được ghi lại.",
        ),
        ApiError::NotFound(_) => (
            "Không tìm thấy",
            "Không có trang này. Hãy kiểm tra lại địa chỉ, hoặc mở lại từ một liên kết của kho.",
        ),
        ApiError::BadRequest(m) if m.code() == schemas::messages::PATH_VALUE_UNREADABLE.code => (
            "Địa chỉ không hợp lệ",
            "Địa chỉ của trang có một giá trị không đọc được. Hãy mở lại trang từ một liên kết của kho.",
        ),
        ApiError::MethodNotAllowed(_) => (
            "Không mở được trang theo cách này",
            "Địa chỉ này không nhận yêu cầu kiểu này (chẳng hạn một nút bấm được mở như một liên kết). Hãy quay lại trang trước và dùng nút trên trang.",
        ),
        ApiError::RangeNotSatisfiable(..) => (
            "Không đọc được phần tệp được hỏi",
            "Phần tệp được hỏi nằm ngoài tệp. Hãy tải lại cả tệp.",
        ),
        ApiError::Forbidden(m) if m.code() == schemas::messages::REFUSAL_DOSSIER_NOT_REGISTERED.code => (
            "Hồ sơ chưa được đăng ký",
            "Hệ thống một cửa chưa gửi hồ sơ này cho kho. Cán bộ chỉ xem giấy tờ cho hồ sơ đã được tiếp nhận và đăng ký, cùng người nộp của hồ sơ; hãy kiểm tra lại mã hồ sơ.",
        ),
        ApiError::Forbidden(m) if m.code() == schemas::messages::REFUSAL_DOSSIER_OTHER_APPLICANT.code
            || m.code() == schemas::messages::REFUSAL_DOSSIER_OTHER_APPLICANTS.code => (
            "Giấy tờ không thuộc người nộp hồ sơ",
            "Hồ sơ này được đăng ký cho người nộp khác. Cán bộ chỉ xem được giấy tờ của người nộp hồ sơ, hoặc giấy tờ mà chủ giấy tờ đã chia sẻ cho hồ sơ.",
        ),
        ApiError::Forbidden(m) if m.code() == schemas::messages::REFUSAL_CLERK_NO_AGENCY.code
            || m.code() == schemas::messages::REFUSAL_CLERK_AGENCY_INVALID.code => (
            "Tài khoản chưa có mã cơ quan",
            "Quản trị viên cần đặt mã cơ quan hợp lệ cho tài khoản của bạn trước khi bạn tra cứu cho hồ sơ.",
        ),
        ApiError::Forbidden(m) if m.code().starts_with("refusal.dossier") => (
            "Hồ sơ ngoài phạm vi tra cứu",
            "Bạn chỉ tra cứu được cho hồ sơ do cơ quan thuộc tỉnh, thành phố (hoặc bộ, ngành) của mình tiếp nhận.",
        ),
        ApiError::Forbidden(m) if m.code() == schemas::messages::REFUSAL_ROLE.code
            || m.code() == schemas::messages::REFUSAL_ROLE_AN.code => {
            ("Không được phép", "Vai trò của bạn không được làm việc này.")
        }
        ApiError::Forbidden(_) => ("Không được phép", "Yêu cầu này không được thực hiện."),
        ApiError::Invalid(..) | ApiError::BadRequest(_) => (
            "Thông tin chưa hợp lệ",
            "Vui lòng sửa các mục dưới đây rồi gửi lại.",
        ),
        ApiError::TooLarge(_) => ("Tệp quá lớn", "Tệp vượt quá kích thước kho nhận."),
        ApiError::Conflict(_) => ("Không thực hiện được", "Việc này mâu thuẫn với trạng thái hiện tại của kho."),
        ApiError::TooManyRequests(..) => ("Quá nhiều lần thử", "Vui lòng thử lại sau ít phút."),
        ApiError::Gone(_) => (
            "Liên kết không còn dùng được",
            "Người chia sẻ đã thu hồi liên kết này, hoặc liên kết đã hết hạn hay đã được dùng một lần. Hãy xin người chia sẻ một liên kết mới.",
        ),
        _ => ("Lỗi hệ thống", "Kho gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại hoặc báo quản trị."),
    };
    let content = html! {
        div.alert role="alert" {
            p { (explanation) }
            (problem_details(&error))
        }
        p { a href="/" { "Về trang chính" } }
    };
    let frame = user.map(WebUser::frame).unwrap_or(Frame {
        caller: None,
        csrf: "",
    });
    html_response(status, page(title, &frame, content))
}

/// The fields and rules an error names (for a rejected form), else its detail.
pub(crate) fn problem_details(error: &ApiError) -> Markup {
    html! {
        @match error {
            ApiError::Invalid(_, fields) if !fields.is_empty() => {
                ul.errors {
                    @for f in fields {
                        li {
                            strong { (field_label(&f.field)) }
                            @if !f.value.is_empty() { " (“" (f.value) "”)" }
                            ": " (f.rule.render(Lang::Vi))
                        }
                    }
                }
            }
            // Problems of the server come from the system, in English.
            ApiError::Invalid(..)
            | ApiError::NotFound(_)
            | ApiError::Forbidden(_)
            | ApiError::BadRequest(_)
            | ApiError::Conflict(_)
            | ApiError::Gone(_)
            | ApiError::TooLarge(_)
            | ApiError::MethodNotAllowed(_)
            | ApiError::RangeNotSatisfiable(..) => {
                p.detail { (error.detail(Lang::Vi)) }
            }
            _ => { p.detail lang="en" { (error.to_string()) } }
        }
    }
}
