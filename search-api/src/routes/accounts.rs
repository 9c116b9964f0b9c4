//! Users and tokens (admins).

use crate::auth::{self, Authenticated};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{JsonBody, Path, Query};
use crate::state::AppState;
use crate::wire::{
    Ended, EventPage, NewPassword, NewToken, NewUser, PageParams, PrincipalView, SessionView,
    TokenView, UserView,
};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use schemas::policy::Act;
use schemas::{Caller, Principal};

fn principal(
    name: &str,
    role: &str,
    agency: Option<&str>,
    owner: Option<&str>,
) -> ApiResult<Principal> {
    Principal::parse(name, role, agency, owner).map_err(ApiError::field)
}

fn auth_error(e: auth::AuthError) -> ApiError {
    match e {
        auth::AuthError::Rule(rule) => ApiError::field(
            schemas::RuleError::new(&schemas::messages::PASSWORD_RULE)
                .with("why", rule)
                .at("password", ""),
        ),
        auth::AuthError::Store(e) => e.into(),
    }
}

/// Every user.
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    responses((status = 200, body = Vec<UserView>), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_users(
    State(state): State<AppState>,
    auth: Authenticated,
) -> ApiResult<Json<Vec<UserView>>> {
    Ok(Json(user_list(&state, auth.caller).await?))
}

/// Every user, through the service (the API's and the admin's page).
pub(crate) async fn user_list(state: &AppState, caller: Caller) -> ApiResult<Vec<UserView>> {
    let users = state
        .blocking(move |archive| Ok(archive.users(&caller)?))
        .await?;
    Ok(users.iter().map(UserView::from).collect())
}

/// Refuses (and ledgers) a caller who may not manage accounts, before any password is hashed.
async fn may_manage(state: &AppState, caller: &Caller, attempt: &'static str) -> ApiResult<()> {
    let caller = caller.clone();
    state
        .blocking(move |archive| {
            Ok(archive.authorize(&caller, Act::ManageAccounts, None, attempt)?)
        })
        .await
}

/// Add a user (the password is stored as an argon2id hash).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts",
    request_body = NewUser,
    responses(
        (status = 201, body = PrincipalView),
        (status = 409, description = "The name is taken", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn add_user(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<NewUser>,
) -> ApiResult<Response> {
    may_manage(&state, &auth.caller, "add a user").await?;
    let principal = principal(
        &body.username,
        &body.role,
        body.agency_code.as_deref(),
        body.owner_id.as_deref(),
    )?;
    let view = PrincipalView::from(&principal);
    let caller = auth.caller;
    state
        .blocking(move |archive| {
            auth::add_user(archive, &caller, principal, &body.password).map_err(auth_error)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// Make an API token for a program. The token is in this answer only; it expires after `days`
/// (365 unless given; 0: never), and its reads name the admin who made it.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts",
    request_body = NewToken,
    responses((status = 201, body = TokenView), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_token(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<NewToken>,
) -> ApiResult<Response> {
    may_manage(&state, &auth.caller, "create a token").await?;
    let principal = principal(
        &body.name,
        &body.role,
        body.agency_code.as_deref(),
        body.owner_id.as_deref(),
    )?;
    let days = match body.days {
        None => Some(auth::DEFAULT_TOKEN_DAYS),
        Some(0) => None,
        Some(days) => Some(days),
    };
    let caller = auth.caller;
    let (token, grant) = state
        .blocking(move |archive| {
            auth::create_api_token(archive, &caller, principal, days).map_err(auth_error)
        })
        .await?;
    let view = TokenView {
        token,
        expires_at: grant.expires_at.map(crate::wire::rfc3339),
        principal: PrincipalView::from(&grant.principal),
    };
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn set_disabled(
    state: &AppState,
    caller: Caller,
    name: String,
    disabled: bool,
) -> ApiResult<Json<Ended>> {
    let ended = state
        .blocking(move |archive| Ok(archive.set_user_disabled(&caller, &name, disabled)?))
        .await?;
    Ok(Json(Ended { ended }))
}

/// Disable a user: they cannot sign in, and their open sessions end at once.
#[utoipa::path(post, path = "/api/v1/users/{name}/disable", tag = "accounts",
    params(("name" = String, Path, description = "User name")),
    responses((status = 200, body = Ended), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn disable_user(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(name): Path<String>,
) -> ApiResult<Json<Ended>> {
    set_disabled(&state, auth.caller, name, true).await
}

/// Enable a disabled user again.
#[utoipa::path(post, path = "/api/v1/users/{name}/enable", tag = "accounts",
    params(("name" = String, Path, description = "User name")),
    responses((status = 200, body = Ended), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn enable_user(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(name): Path<String>,
) -> ApiResult<Json<Ended>> {
    set_disabled(&state, auth.caller, name, false).await
}

/// Give a user a new password (the password rule applies); their sessions end.
#[utoipa::path(post, path = "/api/v1/users/{name}/password", tag = "accounts",
    params(("name" = String, Path, description = "User name")),
    request_body = NewPassword,
    responses((status = 200, body = Ended), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn set_password(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(name): Path<String>,
    JsonBody(body): JsonBody<NewPassword>,
) -> ApiResult<Json<Ended>> {
    may_manage(&state, &auth.caller, "change a password").await?;
    let caller = auth.caller;
    let ended = state
        .blocking(move |archive| {
            auth::set_password(archive, &caller, &name, &body.password).map_err(auth_error)
        })
        .await?;
    Ok(Json(Ended { ended }))
}

/// A user's open sessions.
#[utoipa::path(get, path = "/api/v1/users/{name}/sessions", tag = "accounts",
    params(("name" = String, Path, description = "User name")),
    responses((status = 200, body = Vec<SessionView>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn user_sessions(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(name): Path<String>,
) -> ApiResult<Json<Vec<SessionView>>> {
    let caller = auth.caller;
    let sessions = state
        .blocking(move |archive| Ok(archive.user_sessions(&caller, &name)?))
        .await?;
    Ok(Json(
        sessions
            .into_iter()
            .map(|s| SessionView {
                id: s.id,
                created_at: crate::wire::rfc3339(s.created_at),
                expires_at: s.expires_at.map(crate::wire::rfc3339),
            })
            .collect(),
    ))
}

/// End one session of a user.
#[utoipa::path(delete, path = "/api/v1/users/{name}/sessions/{id}", tag = "accounts",
    params(("name" = String, Path, description = "User name"),
        ("id" = String, Path, description = "Session id, from the list")),
    responses((status = 204, description = "Ended"), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn end_user_session(
    State(state): State<AppState>,
    auth: Authenticated,
    Path((name, id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let caller = auth.caller;
    state
        .blocking(move |archive| Ok(archive.end_user_session(&caller, &name, &id)?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revoke the API tokens of this name: they get 401 at once.
#[utoipa::path(post, path = "/api/v1/tokens/{name}/revoke", tag = "accounts",
    params(("name" = String, Path, description = "The token's name")),
    responses((status = 200, body = Ended), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(name): Path<String>,
) -> ApiResult<Json<Ended>> {
    let caller = auth.caller;
    let ended = state
        .blocking(move |archive| Ok(archive.revoke_tokens(&caller, &name)?))
        .await?;
    Ok(Json(Ended { ended }))
}

/// The admin audit trail: users, tokens, passwords, sessions ended, backups; hash-chained
/// with the ledger (`kho verify` checks it).
#[utoipa::path(get, path = "/api/v1/audit", tag = "accounts",
    params(PageParams),
    responses((status = 200, body = EventPage), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn audit_trail(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(page): Query<PageParams>,
) -> ApiResult<Json<EventPage>> {
    let page = archive_core::LedgerPage::asked(page.after, page.limit)?;
    let caller = auth.caller;
    let list = state
        .blocking(move |archive| Ok(archive.audit_trail(&caller, page)?))
        .await?;
    Ok(Json(EventPage::from(&list)))
}
