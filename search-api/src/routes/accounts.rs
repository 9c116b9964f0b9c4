//! Users and tokens (admins).

use crate::auth::{self, Authenticated};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::JsonBody;
use crate::state::AppState;
use crate::wire::{NewToken, NewUser, PrincipalView, TokenView, UserView};
use archive_core::accounts::TokenKind;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use schemas::policy::Act;
use schemas::{Caller, Principal};
use std::time::Duration;

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
        auth::AuthError::Rule(rule) => ApiError::Invalid(
            rule.clone(),
            vec![schemas::RuleError::new(rule).at("password", "")],
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
    state
        .blocking(move |archive| {
            auth::add_user(archive, principal, &body.password).map_err(auth_error)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// Make an API token for a program. The token is in this answer only.
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
    let ttl = body
        .days
        .map(|d| Duration::from_secs(u64::from(d.clamp(1, 3650)) * 86_400));
    let (token, grant) = state
        .blocking(move |archive| {
            auth::create_token(archive, principal, TokenKind::Api, None, ttl).map_err(auth_error)
        })
        .await?;
    let view = TokenView {
        token,
        expires_at: grant.expires_at.map(crate::wire::rfc3339),
        principal: PrincipalView::from(&grant.principal),
    };
    Ok((StatusCode::CREATED, Json(view)).into_response())
}
