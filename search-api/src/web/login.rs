//! Signing in and out of the web UI. The login is the API's (`routes::session::open_session`:
//! same password check, same throttle); this adds the form, its CSRF cookie and the session
//! cookie.

use super::layout::{page, percent_decoded, Frame};
use super::{
    cookie, html_response, secure_cookies, set_cookie, WebUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE,
};
use crate::auth::SESSION_TTL;
use crate::error::ApiError;
use crate::extract::PageForm;
use crate::extract::{ClientAddress, Query};
use crate::routes::session::{end_session, open_session};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

#[derive(serde::Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// Where to go after signing in: a path of this site only. Anything else (another host written
/// as `//host`, `/\\host`, `/\t/host` which browsers read as `//host`, their percent-encoded
/// forms, a scheme) goes to `/`.
pub(super) fn safe_next(next: &str) -> &str {
    let next = next.trim();
    let raw_ok = !next
        .chars()
        .any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    if raw_ok && same_site_path(next) && same_site_path(&percent_decoded(next)) {
        next
    } else {
        "/"
    }
}

/// A path that stays on this site once a browser has dropped the tabs and line breaks it
/// ignores: one `/`, then not another `/` or `\`.
fn same_site_path(path: &str) -> bool {
    let seen: String = path
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    path.len() <= 2048 && seen.starts_with('/') && !seen.starts_with("//") && !seen.contains('\\')
}

fn login_page(
    provider: bool,
    status: StatusCode,
    csrf: &str,
    next: &str,
    username: &str,
    message: Option<&str>,
) -> Response {
    let content = html! {
        @if let Some(message) = message {
            div.alert role="alert" #loi-dang-nhap { p { (message) } }
        }
        @if provider {
            // The national identity first: most people have it; the form is for staff and
            // accounts an admin made.
            p.provider {
                a.button #dang-nhap-dinh-danh href=(format!("/login/oidc?{}", super::layout::query_string(&[("next", next)]))) {
                    (super::oidc::SIGN_IN_WORDS)
                }
            }
            p { "Hoặc đăng nhập bằng tên đăng nhập và mật khẩu do kho cấp:" }
        }
        form.login method="post" action="/login" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="next" value=(next);
            label for="username" { "Tên đăng nhập" }
            input #username type="text" name="username" value=(username) autocomplete="username" autofocus
                required;
            label for="password" { "Mật khẩu" }
            input #password type="password" name="password" autocomplete="current-password" required;
            button type="submit" { "Đăng nhập" }
        }
    };
    html_response(
        status,
        page(
            "Đăng nhập",
            &Frame {
                caller: None,
                csrf: "",
            },
            content,
        ),
    )
}

/// The login form, with a fresh CSRF value in a cookie and in the form.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Response {
    let csrf = match random_token() {
        Ok(csrf) => csrf,
        Err(e) => return super::error_page(None, e),
    };
    let next = safe_next(query.next.as_deref().unwrap_or("/"));
    let mut response = login_page(state.oidc.is_some(), StatusCode::OK, &csrf, next, "", None);
    if let Some(cookie) = set_cookie(
        LOGIN_CSRF_COOKIE,
        &csrf,
        3600,
        secure_cookies(&state, &headers),
    ) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(format!("the system gave no random bytes: {e}")))?;
    Ok(hex::encode(bytes))
}

/// Checks the password (through the API's login) and sets the session cookie.
pub async fn submit(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    PageForm(form): PageForm<LoginForm>,
) -> Response {
    let next = safe_next(&form.next).to_string();
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    let origin_ok = super::check_origin(&headers).is_ok();
    if !origin_ok
        || expected.is_empty()
        || !super::constant_time_eq(form.csrf.as_bytes(), expected.as_bytes())
    {
        return login_page(
            state.oidc.is_some(),
            StatusCode::FORBIDDEN,
            &expected,
            &next,
            &form.username,
            Some("Phiên của biểu mẫu đã hết hạn. Vui lòng tải lại trang và đăng nhập lại."),
        );
    }
    let answer = open_session(&state, client, &form.username, form.password).await;
    match answer {
        Ok(opened) => {
            let secure = secure_cookies(&state, &headers);
            let mut response = Redirect::to(&next).into_response();
            let cookies = [
                set_cookie(SESSION_COOKIE, &opened.token, SESSION_TTL.as_secs(), secure),
                set_cookie(LOGIN_CSRF_COOKIE, "", 0, secure),
            ];
            for cookie in cookies.into_iter().flatten() {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(ApiError::TooManyRequests(_, seconds)) => login_page(
            state.oidc.is_some(),
            StatusCode::TOO_MANY_REQUESTS,
            &expected,
            &next,
            &form.username,
            Some(&format!(
                "Tài khoản này đã nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau {} phút.",
                seconds.div_ceil(60)
            )),
        ),
        Err(ApiError::InvalidLogin) => login_page(
            state.oidc.is_some(),
            StatusCode::UNAUTHORIZED,
            &expected,
            &next,
            &form.username,
            Some("Tên đăng nhập hoặc mật khẩu không đúng."),
        ),
        Err(other) => super::error_page(None, other),
    }
}

#[derive(serde::Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// Ends the session (the token is removed from the store) and clears the cookie. A session
/// opened through the identity provider ends there too: the browser goes to the provider's
/// end-session endpoint (RP-initiated logout), which sends it back to `/login`.
pub async fn logout(
    State(state): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    PageForm(form): PageForm<LogoutForm>,
) -> Response {
    if let Err(e) = user.check_csrf(&headers, &form.csrf) {
        return user.respond(Err(e));
    }
    let hash = user.token_hash.clone();
    let grant = state
        .blocking(move |archive| {
            Ok(archive
                .accounts()
                .token(&hash, time::OffsetDateTime::now_utc())?)
        })
        .await;
    if let Err(e) = end_session(&state, user.token_hash.clone()).await {
        return user.respond(Err(e));
    }
    let provider_session = grant.ok().flatten().and_then(|g| g.provider);
    let to = match provider_session {
        Some(session) => super::oidc::provider_logout(&state, session).await,
        None => None,
    };
    let mut response = match to {
        // A page leads on, not a redirect: the pages' CSP (`form-action 'self'`) stops a
        // form's redirect to another site.
        Some(to) => html_response(
            StatusCode::OK,
            page(
                "Đăng xuất",
                &Frame {
                    caller: None,
                    csrf: "",
                },
                html! {
                    meta http-equiv="refresh" content=(format!("0; url={to}"));
                    p { "Đã đăng xuất khỏi kho. Đang đăng xuất khỏi hệ thống định danh… "
                        a #dang-xuat-dinh-danh href=(to) { "Tiếp tục" } }
                },
            ),
        ),
        None => Redirect::to("/login").into_response(),
    };
    if let Some(cookie) = set_cookie(SESSION_COOKIE, "", 0, secure_cookies(&state, &headers)) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_paths_of_this_site_are_followed_after_login() {
        assert_eq!(super::safe_next("/documents/x?y=1"), "/documents/x?y=1");
        assert_eq!(super::safe_next("https://evil.example/"), "/");
        assert_eq!(super::safe_next("//evil.example/"), "/");
        assert_eq!(super::safe_next("/\\evil.example"), "/");
        assert_eq!(super::safe_next(""), "/");
        for good in ["/", "/?q=a%20b", "/documents/ABC", "/a/b%2Fc"] {
            assert_eq!(super::safe_next(good), good, "{good}");
        }
        for bad in [
            "/\t/evil.example",
            "/%09/evil.example",
            "%2F%2Fevil.example",
            "/%2Fevil.example",
            "/%5Cevil.example",
            "/%2F%09%2Fevil",
            "javascript:alert(1)",
            "/\n/evil",
        ] {
            assert_eq!(super::safe_next(bad), "/", "{bad:?}");
        }
    }
}
