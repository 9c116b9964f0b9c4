//! Signing in with a user name and password, signing out, and who am I.

use crate::auth::{self, Authenticated};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ClientAddress, JsonBody};
use crate::metrics::event;
use crate::state::AppState;
use crate::throttle::Throttle;
use crate::wire::{LoginRequest, PrincipalView, TokenView};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

/// Trade a user name and password for a session token (12 hours). Repeated failures for a name
/// lock it for a few minutes.
#[utoipa::path(post, path = "/api/v1/login", tag = "session",
    request_body = LoginRequest,
    responses(
        (status = 200, body = TokenView),
        (status = 401, description = "Wrong user name or password", body = Problem),
        (status = 429, description = "Too many failures for this name", body = Problem),
    ))]
pub async fn login(
    State(state): State<AppState>,
    client: ClientAddress,
    JsonBody(body): JsonBody<LoginRequest>,
) -> ApiResult<Json<TokenView>> {
    Ok(Json(
        open_session(&state, client, &body.username, body.password).await?,
    ))
}

/// Checks a user name and password under the throttle and opens a session (the API's login and
/// the web UI's). The check is counted before it is made ([`Throttle::begin`]).
pub(crate) async fn open_session(
    state: &AppState,
    client: ClientAddress,
    username: &str,
    password: String,
) -> ApiResult<TokenView> {
    let username = username.trim().to_string();
    let throttle = state.throttle.clone();
    let attempt = match throttle.begin(&username, client.0) {
        Ok(attempt) => attempt,
        Err(seconds) => {
            state.metrics.count(event::LOGIN_THROTTLED);
            return Err(ApiError::TooManyRequests(
                schemas::messages::Message::new(&schemas::messages::LOGIN_THROTTLED)
                    .with("username", &username)
                    .with("seconds", seconds)
                    .with("checks", Throttle::MAX_CHECKS)
                    .with("minutes", Throttle::WINDOW.as_secs() / 60),
                seconds,
            ));
        }
    };
    state.metrics.count(event::LOGIN_PASSWORD_CHECK);
    let name = username.clone();
    let opened = state
        .blocking(move |archive| {
            auth::login(archive, &name, &password).map_err(|e| ApiError::Internal(e.to_string()))
        })
        .await?;
    match opened {
        Some((token, grant)) => {
            attempt.succeeded();
            Ok(TokenView {
                token,
                expires_at: grant.expires_at.map(crate::wire::rfc3339),
                principal: PrincipalView::from(&grant.principal),
            })
        }
        None => {
            attempt.failed();
            state.metrics.count(event::LOGIN_FAILED);
            Err(ApiError::InvalidLogin)
        }
    }
}

/// End the session of the token sent.
#[utoipa::path(post, path = "/api/v1/logout", tag = "session",
    responses((status = 204, description = "Signed out")),
    security(("bearer" = [])))]
pub async fn logout(State(state): State<AppState>, auth: Authenticated) -> ApiResult<StatusCode> {
    end_session(&state, auth.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends a session: its token is removed from the store (the API's logout and the web UI's).
pub(crate) async fn end_session(state: &AppState, token_hash: String) -> ApiResult<()> {
    state
        .blocking(move |archive| Ok(archive.accounts().remove_token(&token_hash)?))
        .await
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = PrincipalView), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub async fn me(auth: Authenticated) -> Json<PrincipalView> {
    Json(PrincipalView::from(auth.caller.principal()))
}
