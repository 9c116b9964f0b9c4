//! The one-stop system's event feed (`GET /api/v1/events`) and the admins' webhook receivers
//! (`/api/v1/webhooks`). The deliveries themselves are `crate::delivery`'s.

use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{JsonBody, Path, Query};
use crate::state::AppState;
use crate::wire_feed::{
    FeedEventView, FeedPageView, FeedParams, WebhookCreated, WebhookList, WebhookRequest,
    WebhookView,
};
use archive_core::service::{FeedQuery, MAX_FEED_PAGE};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use schemas::feed::parse_feed_after;
use schemas::{FeedType, RuleError};

/// Events for the one-stop system (role `intake`), oldest first, after the ledger sequence
/// number `after`: `reuse` (a clerk reused a stored document in a dossier), `stored` (a
/// document was digitized, for a dossier or as a result), `revoked`. Each carries the dossier
/// and procedure codes and the flags they set; never an owner's ID or name, never a byte of a
/// document. Keep `next` and ask again with `after=next`. Each page is in the ledger of every
/// owner it names (`events_sent`). An unknown type, or an `after` or `limit` that is not a
/// number, is a 400 naming the parameter.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(FeedParams),
    responses(
        (status = 200, body = FeedPageView),
        (status = 400, body = Problem),
        (status = 403, body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn events(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(params): Query<FeedParams>,
) -> ApiResult<Json<FeedPageView>> {
    let query = feed_query(&params)?;
    let caller = auth.caller;
    state
        .blocking(move |archive| {
            let page = archive.events_feed(&caller, &query)?;
            Ok(Json(FeedPageView {
                events: page.events.iter().map(FeedEventView::from).collect(),
                next: page.next,
                more: page.more,
            }))
        })
        .await
}

fn feed_query(params: &FeedParams) -> ApiResult<FeedQuery> {
    let after = parse_feed_after(params.after.as_deref()).map_err(ApiError::BadParameter)?;
    let types =
        FeedType::parse_list(params.types.as_deref(), "types").map_err(ApiError::BadParameter)?;
    let limit = match params.limit.as_deref().map(str::trim) {
        None | Some("") => 100,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_FEED_PAGE).contains(n))
            .ok_or_else(|| {
                ApiError::BadParameter(
                    RuleError::new(&schemas::messages::FEED_LIMIT_SHAPE)
                        .with("max", MAX_FEED_PAGE)
                        .with("got", format!("{raw:?}"))
                        .at("limit", raw),
                )
            })?,
    };
    Ok(FeedQuery {
        after,
        types,
        limit,
    })
}

/// Add a webhook receiver (admins): kho POSTs each event of its types to `url`, in order,
/// signed (`Kho-Signature`, docs/api.md "Webhooks"), retried with backoff until it answers
/// 2xx. 201 with the secret, shown once; 409 if the name is taken.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "events",
    request_body = WebhookRequest,
    responses(
        (status = 201, body = WebhookCreated),
        (status = 403, body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn add_webhook(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<WebhookRequest>,
) -> ApiResult<(StatusCode, Json<WebhookCreated>)> {
    let types = FeedType::parse_list(body.types.as_deref(), "types").map_err(ApiError::field)?;
    let caller = auth.caller;
    state
        .blocking(move |archive| {
            let receiver =
                archive.add_webhook(&caller, &body.name, &body.url, types, body.after)?;
            let after = archive
                .delivery_cursor(&archive_core::delivery::Channel::Webhook(
                    receiver.name.clone(),
                ))?
                .after;
            Ok((
                StatusCode::CREATED,
                Json(WebhookCreated {
                    name: receiver.name,
                    url: receiver.url,
                    types: receiver
                        .types
                        .iter()
                        .map(|t| t.as_str().to_string())
                        .collect(),
                    secret: receiver.secret,
                    after,
                }),
            ))
        })
        .await
}

/// The webhook receivers (admins) and how their deliveries go: the last event delivered,
/// failed attempts, the next try, the last error. Secrets are never listed.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "events",
    responses((status = 200, body = WebhookList), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_webhooks(
    State(state): State<AppState>,
    auth: Authenticated,
) -> ApiResult<Json<WebhookList>> {
    let caller = auth.caller;
    state
        .blocking(move |archive| {
            Ok(Json(WebhookList {
                webhooks: archive
                    .webhooks(&caller)?
                    .iter()
                    .map(WebhookView::from)
                    .collect(),
            }))
        })
        .await
}

/// Remove a webhook receiver (admins): its deliveries stop and its cursor is forgotten.
#[utoipa::path(delete, path = "/api/v1/webhooks/{name}", tag = "events",
    params(("name" = String, Path, description = "Receiver name")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn remove_webhook(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    let caller = auth.caller;
    state
        .blocking(move |archive| {
            archive.remove_webhook(&caller, &name)?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
