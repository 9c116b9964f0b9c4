//! kho over HTTP: the REST API under `/api/v1` that clerks' one-stop systems and citizens'
//! portals use, the web UI beside it, and `kho serve`.
//!
//! The only crate that knows HTTP, tokens, cookies, HTML and wire JSON. Handlers ([`routes`])
//! and web pages ([`web`]) do extract -> service -> render: they authenticate ([`auth`]) into a
//! [`schemas::Caller`], call one of `archive-core`'s services off the async threads (the
//! service applies [`schemas::policy`] and writes the ledger), and answer in [`wire`] types,
//! HTML, or a problem+json [`error`]. The OpenAPI document is built from the same annotations
//! that register the routes, so a route cannot be missing from it.

#![forbid(unsafe_code)]

pub mod auth;
mod background;
mod catch_up;
mod connections;
pub mod delivery;
pub mod error;
pub mod extract;
mod fixity;
pub mod lang;
pub mod metrics;
pub mod oidc;
pub mod openapi;
mod replication;
pub mod routes;
pub mod state;
pub mod throttle;
pub mod web;
pub mod wire;
pub mod wire_citizens;
pub mod wire_feed;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use routes::{
    accounts, backups, batches, documents, dossiers, events, lifecycle, owners, reports, search,
    session, shares, stacks, system, trust, verify,
};
use state::AppState;
use std::time::Instant;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use state::ServerConfig;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kho",
        description = "The e-data store of citizens and organizations: digitized results of administrative procedures, found and reused once-only, every read in the owner's ledger.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "documents", description = "Upload, metadata, original bytes, previews"),
        (name = "search"), (name = "owners"), (name = "reuse"), (name = "lifecycle"),
        (name = "ledger", description = "Who read what, for which dossier"),
        (name = "batches", description = "Batch runs of `kho ingest` and their reports"),
        (name = "session"), (name = "accounts"), (name = "system"),
        (name = "trust", description = "Trust anchors, certified copies, public verification"),
        (name = "dossiers", description = "Dossiers registered by the one-stop system"),
        (name = "reports", description = "The province's digitization and reuse indicators"),
        (name = "shares", description = "A citizen's documents shared with an agency or as a link"),
        (name = "events", description = "The one-stop system's event feed and webhook receivers"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The router and its OpenAPI document, from one list of routes.
pub fn router(state: AppState) -> (axum::Router, utoipa::openapi::OpenApi) {
    // Uploads may be as large as the store accepts, plus the form's overhead; every other body
    // is small.
    let upload_limit = usize::try_from(state.archive.max_file_bytes())
        .unwrap_or(usize::MAX)
        .saturating_add(1 << 20);
    let uploads = OpenApiRouter::new()
        .routes(routes!(documents::upload))
        .routes(routes!(stacks::plan_stack))
        .layer(DefaultBodyLimit::max(upload_limit));
    // Public checks of copies take no account: their own, smaller limit (plus a form's overhead).
    let public_files = OpenApiRouter::new()
        .routes(routes!(verify::verify_file))
        .layer(DefaultBodyLimit::max(
            verify::MAX_VERIFY_FILE_BYTES.saturating_add(1 << 16),
        ));
    let (router, mut api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(uploads)
        .merge(public_files)
        .routes(routes!(documents::get_document))
        .routes(routes!(documents::content))
        .routes(routes!(documents::preview))
        .routes(routes!(documents::list_reuses, documents::reuse))
        .routes(routes!(documents::document_ledger))
        .routes(routes!(lifecycle::revoke))
        .routes(routes!(lifecycle::supersede))
        .routes(routes!(search::search))
        .routes(routes!(owners::owner_documents))
        .routes(routes!(owners::owner_ledger))
        .routes(routes!(owners::owner_ledger_lines))
        .routes(routes!(dossiers::register_dossier))
        .routes(routes!(dossiers::owner_dossiers))
        .routes(routes!(reports::indicators))
        .routes(routes!(shares::list_shares, shares::create_share))
        .routes(routes!(shares::revoke_share))
        .routes(routes!(events::events))
        .routes(routes!(events::list_webhooks, events::add_webhook))
        .routes(routes!(events::remove_webhook))
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::me))
        .routes(routes!(accounts::list_users, accounts::add_user))
        .routes(routes!(accounts::create_token))
        .routes(routes!(accounts::disable_user))
        .routes(routes!(accounts::enable_user))
        .routes(routes!(accounts::set_password))
        .routes(routes!(accounts::user_sessions))
        .routes(routes!(accounts::end_user_session))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(accounts::audit_trail))
        .routes(routes!(batches::list_batches))
        .routes(routes!(batches::get_batch))
        .routes(routes!(stacks::split_stack))
        .routes(routes!(backups::create_backup))
        .routes(routes!(trust::list_anchors, trust::add_anchor))
        .routes(routes!(trust::remove_anchor))
        .routes(routes!(trust::list_copies, trust::certify))
        .routes(routes!(verify::verify_code))
        .routes(routes!(system::health))
        .routes(routes!(system::ready))
        .routes(routes!(system::metrics))
        .routes(routes!(system::openapi))
        .layer(DefaultBodyLimit::max(extract::MAX_JSON_BODY))
        .split_for_parts();
    openapi::complete(&mut api);
    let json = api.to_json().unwrap_or_default();
    let _ = state.openapi.set(json);
    let router = router
        .merge(web::router(upload_limit))
        // Every route's other methods (after the merge: it applies to the routes there are).
        .method_not_allowed_fallback(
            |method: axum::http::Method, uri: axum::http::Uri| async move {
                let refused = error::ApiError::MethodNotAllowed(
                    schemas::Message::new(&schemas::messages::METHOD_NOT_ALLOWED)
                        .with("method", method.as_str())
                        .with("path", uri.path()),
                );
                if uri.path().starts_with("/api/") {
                    refused.into_response()
                } else {
                    web::error_page(None, refused)
                }
            },
        )
        .fallback(|uri: axum::http::Uri| async move {
            if uri.path().starts_with("/api/") {
                error::ApiError::NotFound(
                    schemas::Message::new(&schemas::messages::NO_ROUTE).with("path", uri.path()),
                )
                .into_response()
            } else {
                // People, not programs: no pointer to the API's description.
                let missing = error::ApiError::NotFound(
                    schemas::Message::new(&schemas::messages::NO_PAGE).with("path", uri.path()),
                );
                web::error_page(None, missing)
            }
        })
        .layer(axum::middleware::from_fn_with_state(state.clone(), observe))
        .layer(axum::middleware::from_fn(lang::speak_the_asked_language))
        .with_state(state);
    (router, api)
}

/// Times every request for the metrics and logs it, and marks every answer `nosniff` (target `kho::access`: method, path,
/// status, milliseconds).
async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    // A share link's path holds its token, which is a credential: the log gets the route.
    let path = if route.starts_with("/s/") {
        route.clone()
    } else {
        request.uri().path().to_string()
    };
    let mut response = next.run(request).await;
    // No answer of kho's is to be sniffed into another type (an original served as
    // `application/pdf` must not run as HTML).
    response.headers_mut().insert(
        axum::http::header::X_CONTENT_TYPE_OPTIONS,
        axum::http::HeaderValue::from_static("nosniff"),
    );
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state.metrics.observe(&route, &method, status, seconds);
    if state.config.access_log {
        let ms = (seconds * 10_000.0).round() / 10.0;
        tracing::info!(target: "kho::access", %method, %path, status, ms, "request");
    }
    response
}

/// Serves until SIGINT or SIGTERM (or, if configured, the end of standard input). Listens at
/// once; the index catches up with the catalogue in the background ([`catch_up`]), and until it
/// has, `/api/v1/ready` answers 503 (`/api/v1/health` answers from the start). `on_listening` is called with the bound address (port 0 picks a
/// free one).
pub async fn serve(
    archive: archive_core::Archive,
    config: ServerConfig,
    addr: std::net::SocketAddr,
    on_listening: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    let stop_on_eof = config.stop_on_stdin_eof;
    let (header_timeout, body_timeout) = (config.header_timeout, config.body_timeout);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let listening = listener.local_addr()?;
    let oidc = config.oidc.clone();
    let mut state = AppState::new(archive, config);
    // The redirect URI defaults to the address listened on: known only now.
    state.oidc = oidc.map(|c| std::sync::Arc::new(oidc::Oidc::new(c, listening)));
    let catch_up = catch_up::start(&state);
    let fixity = fixity::start(&state);
    let journal = replication::start(&state);
    let deliveries = delivery::start(&state);
    let (app, _) = router(state);
    on_listening(listening);
    let served = connections::serve(
        listener,
        app,
        header_timeout,
        body_timeout,
        shutdown_signal(stop_on_eof),
    )
    .await;
    catch_up.stop();
    fixity.stop();
    deliveries.stop();
    // Its last push sends what was stored up to the stop.
    journal.stop();
    served
}

async fn shutdown_signal(stop_on_eof: bool) {
    let stdin_closed = async {
        if !stop_on_eof {
            return std::future::pending::<()>().await;
        }
        let _ = tokio::task::spawn_blocking(|| {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        })
        .await;
    };
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
        _ = stdin_closed => {},
    }
}

/// [`serve`] on its own multi-threaded runtime, for callers that are not async (the binary).
pub fn serve_blocking(
    archive: archive_core::Archive,
    config: ServerConfig,
    addr: std::net::SocketAddr,
    on_listening: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(archive, config, addr, on_listening))
}
