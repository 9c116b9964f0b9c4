//! Public verification of certified copies: anyone holding a copy (a bank, another office) checks
//! it without an account, by the code printed under its QR code or by handing in the file. The
//! answer shows no personal data (the owner only as initials and the ID's last three digits);
//! every check is an event in the owner's ledger; a client gets a limited number per minute, so
//! codes cannot be guessed by trying.

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ClientAddress, Path};
use crate::state::AppState;
use crate::wire::CopyVerificationView;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Checks per client address in the current minute, and in all (a bound for clients behind
/// one address, and for a flood from many).
#[derive(Default)]
pub struct Limiter {
    window: Mutex<Window>,
}

/// The current minute's counts.
#[derive(Default)]
struct Window {
    started: Option<Instant>,
    per_client: HashMap<IpAddr, u32>,
    total: u32,
}

impl Limiter {
    /// Counts a check by `client` (an IPv6 client by its /64, as the login throttle counts);
    /// `false` when it is over `per_minute` (per client) or 20 times that (all clients).
    pub fn allow(&self, client: IpAddr, per_minute: u32) -> bool {
        let client = crate::throttle::address_key(client);
        let mut window = self.window.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if window
            .started
            .is_none_or(|s| now.duration_since(s) >= Duration::from_secs(60))
        {
            *window = Window {
                started: Some(now),
                ..Window::default()
            };
        }
        let all_clients = window.total;
        let count = window.per_client.entry(client).or_insert(0);
        if *count >= per_minute || all_clients >= per_minute.saturating_mul(20) {
            return false;
        }
        *count += 1;
        window.total += 1;
        true
    }
}

fn check_rate(state: &AppState, client: &ClientAddress) -> ApiResult<()> {
    if state
        .verify_limiter
        .allow(client.0, state.config.verify_per_minute.max(1))
    {
        Ok(())
    } else {
        Err(ApiError::TooManyRequests(
            schemas::messages::Message::new(&schemas::messages::VERIFY_THROTTLED),
            60,
        ))
    }
}

/// Whether the client asked for JSON rather than the page: browsers ask for `text/html` and get
/// the page; programs that ask for `application/json`, or say nothing, get JSON.
pub fn wants_json(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept.contains("application/json") || !accept.contains("text/html")
}

/// The state of the copy with this code, recorded in its owner's ledger.
pub async fn by_code(state: &AppState, code: &str) -> ApiResult<CopyVerificationView> {
    let code = schemas::parse_verification_code(code)
        .map_err(|rule| ApiError::field(rule.at("code", code)))?;
    state
        .blocking(move |archive| {
            let Some(view) = archive.check_copy_by_code(&code, "by its code")? else {
                return Err(ApiError::NotFound(
                    schemas::Message::new(&schemas::messages::NO_CERTIFIED_COPY)
                        .with("code", &code),
                ));
            };
            Ok(CopyVerificationView {
                issued_here: true,
                file_sha256: None,
                copy: Some(view),
            })
        })
        .await
}

/// Whether `bytes` are an unchanged copy this store issued, and its state.
pub async fn by_file(state: &AppState, bytes: Vec<u8>) -> ApiResult<CopyVerificationView> {
    state
        .blocking(move |archive| {
            let check =
                ingest::certify::check_copy_file(archive, &bytes, "by the file").map_err(|e| {
                    match e {
                        ingest::certify::CertifyError::Archive(e) => ApiError::from(e),
                        other => ApiError::Internal(other.to_string()),
                    }
                })?;
            Ok(CopyVerificationView {
                issued_here: check.issued_here,
                file_sha256: Some(check.sha256),
                copy: check.copy,
            })
        })
        .await
}

/// Check a certified copy by the code printed under its QR code. A page in Vietnamese for a
/// browser, JSON with `Accept: application/json` (or no `Accept`). No sign-in; rate-limited; recorded in the owner's ledger.
#[utoipa::path(get, path = "/verify/{code}", tag = "trust",
    params(("code" = String, Path, description = "The verification code (XXXXX-XXXXX)")),
    responses(
        (status = 200, description = "The copy: JSON, or the page for a browser (`Accept: text/html`)",
            content((CopyVerificationView = "application/json"), (String = "text/html"))),
        (status = 404, description = "No copy has this code", content((Problem = "application/json"), (String = "text/html"))),
        (status = 422, description = "Not a code's shape", content((Problem = "application/json"), (String = "text/html"))),
        (status = 429, description = "Too many checks from this address", content((Problem = "application/json"), (String = "text/html"))),
    ))]
pub async fn verify_code(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let json = wants_json(&headers);
    let answer = async {
        check_rate(&state, &client)?;
        by_code(&state, &code).await
    }
    .await;
    respond(json, answer, Some(&code))
}

/// Check a file: is it an unchanged certified copy this store issued, and its state today. The
/// file as the request body (`Content-Type: application/pdf`) or as the `file` field of a form.
#[utoipa::path(post, path = "/verify", tag = "trust",
    request_body(content = String, content_type = "application/octet-stream",
        description = "The file (any content type but a form; `application/pdf` is usual)"),
    responses(
        (status = 200, description = "Whether the file is a copy issued here: JSON, or the page for a browser",
            content((CopyVerificationView = "application/json"), (String = "text/html"))),
        (status = 400, description = "No file", content((Problem = "application/json"), (String = "text/html"))),
        (status = 413, description = "Too large", content((Problem = "application/json"), (String = "text/html"))),
        (status = 429, description = "Too many checks from this address", content((Problem = "application/json"), (String = "text/html"))),
    ))]
pub async fn verify_file(
    State(state): State<AppState>,
    client: ClientAddress,
    request: Request,
) -> Response {
    let json = wants_json(request.headers());
    let answer = async {
        check_rate(&state, &client)?;
        // Anyone may send a file, so memory is bounded twice: each body by
        // MAX_VERIFY_FILE_BYTES (the router's limit), and the bodies held at once by
        // FILE_CHECKS_AT_ONCE (a body is read only with a permit).
        let _permit = FILE_CHECKS
            .acquire()
            .await
            .map_err(|_| ApiError::Internal("the file checks are closed".into()))?;
        let bytes = file_of(&state, request).await?;
        by_file(&state, bytes).await
    }
    .await;
    respond(json, answer, None)
}

/// The largest file `POST /verify` reads (413 beyond): a copy of a long scanned dossier can be
/// checked by its code instead.
pub const MAX_VERIFY_FILE_BYTES: usize = 32 << 20;

/// Files checked at once; further checks wait for a permit before their body is read.
const FILE_CHECKS_AT_ONCE: usize = 2;
static FILE_CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(FILE_CHECKS_AT_ONCE);

/// The file of a verification request: the body, or the `file` field of a multipart form.
async fn file_of(state: &AppState, request: Request) -> ApiResult<Vec<u8>> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    if multipart {
        let crate::extract::MultipartForm(mut form) =
            crate::extract::MultipartForm::from_request(request, state).await?;
        while let Some(field) = form.next_field().await.map_err(|e| {
            ApiError::BadRequest(
                schemas::Message::new(&schemas::messages::FORM_UNREADABLE).with("why", e),
            )
        })? {
            if field.name() == Some("file") {
                let bytes = field.bytes().await.map_err(|e| {
                    ApiError::BadRequest(
                        schemas::Message::new(&schemas::messages::PART_UNREADABLE)
                            .with("what", "the file")
                            .with("why", e),
                    )
                })?;
                return Ok(Vec::from(bytes));
            }
        }
        return Err(ApiError::BadRequest(schemas::Message::new(
            &schemas::messages::NO_FILE_FIELD,
        )));
    }
    let bytes = axum::body::Bytes::from_request(request, state)
        .await
        .map_err(|e| {
            ApiError::TooLarge(
                schemas::Message::new(&schemas::messages::TOO_LARGE_BODY).with("why", e),
            )
        })?;
    if bytes.is_empty() {
        return Err(ApiError::BadRequest(schemas::Message::new(
            &schemas::messages::COPY_AS_BODY,
        )));
    }
    Ok(Vec::from(bytes))
}

fn respond(json: bool, answer: ApiResult<CopyVerificationView>, code: Option<&str>) -> Response {
    let mut response = match (json, answer) {
        (true, Ok(view)) => Json(view).into_response(),
        (true, Err(e)) => e.into_response(),
        (false, answer) => crate::web::verify::page(answer, code),
    };
    // A copy's state changes (revoked, superseded): a cache must not answer for the store, and
    // the answer names a holder.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}
