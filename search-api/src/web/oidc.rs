//! The web side of signing in through the identity provider (the protocol is
//! [`crate::oidc`]): `GET /login/oidc` (start), `GET /oidc/callback` (the fixed redirect URI),
//! `GET /oidc/logout` (the provider's front-channel logout). Signing out of a session opened
//! here also ends the provider's session (RP-initiated logout, in `login.rs`).
//!
//! Every refusal is a page in Vietnamese naming what was wrong (a state that does not match,
//! a token that fails a check, an ID claim that is not a valid personal ID, too low an
//! assurance level); where a person is named, the refusal is in their ledger.

use super::layout::{page, Frame};
use super::login::safe_next;
use super::{cookie, html_response, secure_cookies, SESSION_COOKIE};
use crate::auth::{open_session, SESSION_TTL};
use crate::error::ApiError;
use crate::extract::Query;
use crate::oidc::{claims, provider, Oidc};
use crate::state::AppState;
use archive_core::accounts::ProviderSession;
use archive_core::service::{ProviderIdentity, ProviderSignIn};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use schemas::messages::{self as m, Message};
use schemas::Lang;
use std::sync::Arc;

/// The cookie that ties a callback to the browser that started the sign-in (its `state`).
/// SameSite=Lax: the provider's redirect back is a cross-site navigation.
const STATE_COOKIE: &str = "kho_oidc_state";

/// The sign-in page's button and the flow's pages say this.
pub const SIGN_IN_WORDS: &str = "Đăng nhập bằng tài khoản định danh điện tử";

#[derive(serde::Deserialize, Default)]
pub struct StartQuery {
    next: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct FrontChannelQuery {
    iss: Option<String>,
    sid: Option<String>,
}

fn state_cookie(value: &str, max_age: u64, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{STATE_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// A refused or failed sign-in, as a page: what went wrong, and the way back.
fn refused_page(status: StatusCode, why: &Message) -> Response {
    let content = html! {
        div.alert role="alert" #loi-dang-nhap {
            p { "Không đăng nhập được bằng tài khoản định danh điện tử." }
            p.detail data-code=(why.code()) { (why.render(Lang::Vi)) }
        }
        p { a href="/login" { "Quay lại trang đăng nhập" } }
    };
    html_response(
        status,
        page(
            "Không đăng nhập được",
            &Frame {
                caller: None,
                csrf: "",
            },
            content,
        ),
    )
}

/// The page for the flow's addresses when the server has no `--oidc-issuer`.
fn not_configured() -> Response {
    refused_page(
        StatusCode::NOT_FOUND,
        &Message::new(&m::OIDC_NOT_CONFIGURED),
    )
}

/// Starts a sign-in: remembers its state, nonce and PKCE verifier, ties it to this browser
/// with a cookie, and sends the browser to the provider.
pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<StartQuery>,
) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return not_configured();
    };
    let next = safe_next(query.next.as_deref().unwrap_or("/")).to_string();
    let worker = oidc.clone();
    let started = tokio::task::spawn_blocking(move || {
        let provider = worker
            .provider
            .get(&worker.config, &worker.redirect_uri, false)?;
        Ok::<_, Message>(provider.start(&worker.config.acr))
    })
    .await;
    let started = match started {
        Ok(Ok(started)) => started,
        Ok(Err(why)) => return refused_page(StatusCode::BAD_GATEWAY, &why),
        Err(e) => return super::error_page(None, ApiError::Internal(e.to_string())),
    };
    if !oidc.pending.insert(
        started.state.clone(),
        started.nonce,
        started.pkce_verifier,
        next,
    ) {
        return super::error_page(
            None,
            ApiError::TooManyRequests(Message::new(&m::OIDC_THROTTLED), 60),
        );
    }
    let mut response = Redirect::to(&started.url).into_response();
    if let Some(cookie) = state_cookie(
        &started.state,
        crate::oidc::pending::PENDING_TTL.as_secs(),
        secure_cookies(&state, &headers),
    ) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// What a callback ends with: a session, or a refusal (with its status).
enum Outcome {
    SignedIn { token: String, next: String },
    Refused(StatusCode, Message),
}

/// The provider sends the browser back here (the configured `redirect_uri`).
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return not_configured();
    };
    let secure = secure_cookies(&state, &headers);
    let outcome = finish(&state, &oidc, &headers, query).await;
    let mut response = match outcome {
        Ok(Outcome::SignedIn { token, next }) => {
            // A page of ours leads on, not a redirect: the session cookie is SameSite=Strict,
            // and a browser does not send it on a navigation that a cross-site redirect (the
            // provider's) started.
            let mut response = html_response(
                StatusCode::OK,
                page(
                    "Đã đăng nhập",
                    &Frame {
                        caller: None,
                        csrf: "",
                    },
                    html! {
                        meta http-equiv="refresh" content=(format!("0; url={next}"));
                        p { "Đã đăng nhập. " a #tiep-tuc href=(next) { "Tiếp tục" } }
                    },
                ),
            );
            if let Some(cookie) =
                super::set_cookie(SESSION_COOKIE, &token, SESSION_TTL.as_secs(), secure)
            {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Ok(Outcome::Refused(status, why)) => {
            tracing::warn!(code = why.code(), reason = %why.render(Lang::En), "sign-in through the identity provider refused");
            refused_page(status, &why)
        }
        Err(e) => super::error_page(None, e),
    };
    if let Some(cookie) = state_cookie("", 0, secure) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

async fn finish(
    state: &AppState,
    oidc: &Arc<Oidc>,
    headers: &HeaderMap,
    query: CallbackQuery,
) -> Result<Outcome, ApiError> {
    let refused = |why: Message| Ok(Outcome::Refused(StatusCode::FORBIDDEN, why));
    let given = query.state.unwrap_or_default();
    // Taken whatever follows: a state is used once.
    let pending = oidc.pending.take(&given);
    let ours = cookie(headers, STATE_COOKIE).unwrap_or_default();
    let Some(pending) = pending
        .filter(|_| !ours.is_empty() && super::constant_time_eq(ours.as_bytes(), given.as_bytes()))
    else {
        return refused(Message::new(&m::OIDC_STATE_MISMATCH));
    };
    if let Some(error) = query.error {
        let said: String = format!(
            "{error}{}",
            query
                .error_description
                .map(|d| format!(" ({d})"))
                .unwrap_or_default()
        )
        .chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect();
        return refused(Message::new(&m::OIDC_PROVIDER_ERROR).with("error", said));
    }
    let Some(code) = query.code.filter(|c| !c.is_empty() && c.len() < 4096) else {
        return refused(Message::new(&m::OIDC_PROVIDER_ERROR).with("error", "no code"));
    };
    let oidc = oidc.clone();
    state
        .blocking(move |archive| Ok(sign_in(archive, &oidc, &code, &pending)))
        .await?
}

/// The blocking part: exchange, checks, the account, the session.
fn sign_in(
    archive: &archive_core::Archive,
    oidc: &Oidc,
    code: &str,
    pending: &crate::oidc::pending::Pending,
) -> Result<Outcome, ApiError> {
    let config = &oidc.config;
    let gateway = |why: Message| Ok(Outcome::Refused(StatusCode::BAD_GATEWAY, why));
    let provider = match oidc.provider.get(config, &oidc.redirect_uri, false) {
        Ok(provider) => provider,
        Err(why) => return gateway(why),
    };
    let token = match provider.exchange(code, &pending.pkce_verifier) {
        Ok(token) => token,
        Err(why) if why.code() == m::OIDC_TOKEN_EXCHANGE.code => return gateway(why),
        Err(why) => return Ok(Outcome::Refused(StatusCode::FORBIDDEN, why)),
    };
    let verified = match provider::verify_with_rotation(
        &oidc.provider,
        config,
        &oidc.redirect_uri,
        &provider,
        &token,
        &pending.nonce,
    ) {
        Ok(verified) => verified,
        Err(why) => {
            record_forged(archive, oidc, &token.to_string(), &why);
            return Ok(Outcome::Refused(StatusCode::FORBIDDEN, why));
        }
    };
    let principal = match claims::principal_of(&verified.claims, &verified.subject, &config.claims)
    {
        Ok(principal) => principal,
        Err(why) => return Ok(Outcome::Refused(StatusCode::FORBIDDEN, why)),
    };
    let who = ProviderIdentity {
        issuer: verified.issuer.clone(),
        subject: verified.subject.clone(),
        principal,
    };
    if !config.acr.is_empty()
        && !verified
            .acr
            .as_ref()
            .is_some_and(|a| config.acr.contains(a))
    {
        let why = Message::new(&m::OIDC_ACR)
            .with("got", verified.acr.as_deref().unwrap_or("-"))
            .with("wanted", config.acr.join(" | "));
        archive.record_refused_sign_in(&who, &why)?;
        return Ok(Outcome::Refused(StatusCode::FORBIDDEN, why));
    }
    let account = match archive.sign_in_through_provider(&who)? {
        ProviderSignIn::Account(account) => account,
        ProviderSignIn::Refused(why) => return Ok(Outcome::Refused(StatusCode::FORBIDDEN, why)),
    };
    let session = ProviderSession {
        issuer: verified.issuer,
        id_token: verified.id_token,
        sid: verified.sid,
    };
    let (token, _) = open_session(archive, account, Some(session))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Outcome::SignedIn {
        token,
        next: pending.next.clone(),
    })
}

/// A token that failed its checks still names someone: if its (unverified) claims name a valid
/// personal ID, the attempt is in that owner's ledger, marked as not vouched for.
fn record_forged(archive: &archive_core::Archive, oidc: &Oidc, raw: &str, why: &Message) {
    let Some(claims) = provider::unverified_claims(raw) else {
        return;
    };
    let subject = claims
        .get("sub")
        .and_then(|s| s.as_str())
        .unwrap_or("-")
        .to_string();
    let Ok(principal) = claims::principal_of(&claims, &subject, &oidc.config.claims) else {
        return;
    };
    if principal.owner_id.is_none() {
        return;
    }
    let who = ProviderIdentity {
        issuer: format!("{} (claims not vouched for)", oidc.config.issuer),
        subject,
        principal,
    };
    if let Err(e) = archive.record_refused_sign_in(&who, why) {
        tracing::error!(error = %e, "could not record a refused sign-in");
    }
}

/// The provider's front-channel logout: `GET /oidc/logout?iss=ISSUER&sid=SESSION` ends the
/// sessions opened through that provider session. Loaded by the provider in a frame.
pub async fn front_channel_logout(
    State(state): State<AppState>,
    Query(query): Query<FrontChannelQuery>,
) -> Response {
    let Some(oidc) = state.oidc.clone() else {
        return not_configured();
    };
    let (Some(iss), Some(sid)) = (query.iss, query.sid) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if iss != oidc.config.issuer {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let ended = state
        .blocking(move |archive| Ok(archive.accounts().end_provider_sessions(&iss, &sid)?))
        .await;
    match ended {
        Ok(count) => {
            tracing::info!(
                sessions = count,
                "front-channel logout from the identity provider"
            );
            (
                [(header::CACHE_CONTROL, "no-store")],
                axum::response::Html(""),
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// Where to send the browser after ending a session that was opened through the provider: the
/// provider's end-session endpoint (it then comes back to `/login`), if it has one.
pub(super) async fn provider_logout(state: &AppState, session: ProviderSession) -> Option<String> {
    let oidc = state.oidc.clone()?;
    tokio::task::spawn_blocking(move || {
        let provider = oidc
            .provider
            .get(&oidc.config, &oidc.redirect_uri, false)
            .ok()?;
        let back = openidconnect::url::Url::parse(&oidc.redirect_uri)
            .ok()?
            .join("/login")
            .ok()?;
        provider.logout_url(&session.id_token, back.as_str())
    })
    .await
    .ok()
    .flatten()
}
