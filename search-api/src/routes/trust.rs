//! Trust anchors (admins) and certified copies (operators, clerks naming the dossier).

use super::reason_of;
use crate::auth::Authenticated;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{JsonBody, Path};
use crate::state::AppState;
use crate::wire::{CertifiedCopiesView, CertifyRequestBody, TrustAnchorRequest, TrustAnchorsView};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use schemas::policy::Act;
use schemas::{AccessReason, CertifiedCopy};

/// The store's trust anchors: the CA certificates PDF signatures are checked against.
#[utoipa::path(get, path = "/api/v1/trust-anchors", tag = "trust",
    responses((status = 200, body = TrustAnchorsView), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_anchors(
    State(state): State<AppState>,
    auth: Authenticated,
) -> ApiResult<Json<TrustAnchorsView>> {
    let caller = auth.caller;
    let anchors = state
        .blocking(move |archive| archive.trust_anchors(&caller).map_err(ApiError::from))
        .await?;
    Ok(Json(TrustAnchorsView {
        anchors,
        changed_documents: 0,
    }))
}

/// Trust a CA certificate; every stored signature is checked again (audited).
#[utoipa::path(post, path = "/api/v1/trust-anchors", tag = "trust",
    request_body = TrustAnchorRequest,
    responses(
        (status = 201, body = TrustAnchorsView),
        (status = 403, body = Problem),
        (status = 409, description = "The name or the certificate is already there", body = Problem),
        (status = 422, description = "Not a certificate, or a bad name", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn add_anchor(
    State(state): State<AppState>,
    auth: Authenticated,
    JsonBody(body): JsonBody<TrustAnchorRequest>,
) -> ApiResult<Response> {
    let caller = auth.caller;
    let view = state
        .blocking(move |archive| {
            // Allowed before the certificate is read: a refusal says so whatever was sent.
            archive.authorize(&caller, Act::ManageTrust, None, "add a trust anchor")?;
            let anchor =
                ingest::signature::read_anchor(body.name.trim(), body.certificate_pem.as_bytes())
                    .map_err(|rule| {
                    ApiError::field(
                        schemas::RuleError::new(&schemas::messages::CERTIFICATE_RULE)
                            .with("why", rule)
                            .at("certificate_pem", "(certificate)"),
                    )
                })?;
            let info = archive.add_trust_anchor(&caller, anchor)?;
            rechecked(
                archive,
                &caller,
                &format!("trust anchor {} added", info.name),
            )
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// Stop trusting an anchor; every stored signature is checked again (audited).
#[utoipa::path(delete, path = "/api/v1/trust-anchors/{name}", tag = "trust",
    params(("name" = String, Path, description = "The anchor's name")),
    responses(
        (status = 200, body = TrustAnchorsView),
        (status = 403, body = Problem),
        (status = 409, description = "No anchor of that name", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn remove_anchor(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(name): Path<String>,
) -> ApiResult<Json<TrustAnchorsView>> {
    let caller = auth.caller;
    let view = state
        .blocking(move |archive| {
            let info = archive.remove_trust_anchor(&caller, &name)?;
            rechecked(
                archive,
                &caller,
                &format!("trust anchor {} removed", info.name),
            )
        })
        .await?;
    Ok(Json(view))
}

/// Checks the stored signatures again after the anchors changed, and lists the anchors.
fn rechecked(
    archive: &archive_core::Archive,
    caller: &schemas::Caller,
    why: &str,
) -> ApiResult<TrustAnchorsView> {
    let recheck = ingest::signature::recheck_signed(archive, caller, why, &mut |_, _| {})?;
    for (sha256, error) in &recheck.failed {
        eprintln!("kho serve: blob {sha256} could not be read to check its signatures: {error}");
    }
    Ok(TrustAnchorsView {
        anchors: archive.trust_anchors(caller)?,
        changed_documents: recheck.changed.len(),
    })
}

/// The certified copies issued of a document (who asked, when, its code).
#[utoipa::path(get, path = "/api/v1/documents/{id}/certified-copies", tag = "trust",
    params(("id" = String, Path, description = "Document id"), crate::wire::ReasonParams),
    responses(
        (status = 200, body = CertifiedCopiesView),
        (status = 404, body = Problem),
        (status = 422, description = "A clerk must name the dossier and purpose", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn list_copies(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    crate::extract::Query(params): crate::extract::Query<crate::wire::ReasonParams>,
) -> ApiResult<Json<CertifiedCopiesView>> {
    let reason = reason_of(&params, &auth.caller)?;
    let caller = auth.caller;
    let copies = state
        .blocking(move |archive| {
            archive
                .certified_copies(&caller, &id, &reason)
                .map_err(ApiError::from)
        })
        .await?;
    Ok(Json(CertifiedCopiesView { copies }))
}

/// Issue a certified electronic copy: every page of the original, a QR code with the dossier,
/// procedure, owner and paper and the verification code, signed (PAdES B-B) with the key of
/// `kho serve --signing-key`. A clerk names the dossier it serves. The copy is a ledger event
/// for the owner and is listed on the document; its code is in `X-Verification-Code`.
#[utoipa::path(post, path = "/api/v1/documents/{id}/certified-copies", tag = "trust",
    params(("id" = String, Path, description = "Document id")),
    request_body = CertifyRequestBody,
    responses(
        (status = 201, description = "The signed copy", content_type = "application/pdf"),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 422, body = Problem),
        (status = 409, description = "The server has no signing key (`kho serve --signing-key`)", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn certify(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CertifyRequestBody>,
) -> ApiResult<Response> {
    let reason = reason_of(&body, &auth.caller)?;
    let (copy, bytes) = certify_copy(&state, auth.caller, id, reason).await?;
    Ok(copy_response(&copy, bytes))
}

/// The signed copy as a download, its code in `X-Verification-Code` (the API's and the web UI's).
pub(crate) fn copy_response(copy: &CertifiedCopy, bytes: Vec<u8>) -> Response {
    (
        StatusCode::CREATED,
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ban-sao-{}.pdf\"", copy.code),
            ),
            (header::LOCATION, format!("/verify/{}", copy.code)),
            (
                header::HeaderName::from_static("x-verification-code"),
                copy.code.clone(),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Makes a certified copy through the service (the API's and the web UI's).
pub(crate) async fn certify_copy(
    state: &AppState,
    caller: schemas::Caller,
    id: String,
    reason: AccessReason,
) -> ApiResult<(CertifiedCopy, Vec<u8>)> {
    let signer = state.config.signing_key.clone();
    let verify_base = state.config.verify_url.clone();
    let limits = state.config.extract.limits;
    state
        .blocking(move |archive| {
            let Some(signer) = signer else {
                // Like a backup without a folder: the server is not set up for it (409, not a
                // 5xx). Whether the caller may certify at all is answered first.
                archive.authorize(&caller, Act::Certify, Some(&id), "certify a copy")?;
                return Err(ApiError::Conflict(schemas::Message::new(
                    &schemas::messages::CONFLICT_NO_SIGNING_KEY,
                )));
            };
            let request = ingest::certify::CertifyRequest {
                signer: &signer,
                verify_base: verify_base.as_deref(),
                limits: &limits,
            };
            ingest::certify::certify_document(archive, &caller, &id, &reason, &request).map_err(
                |e| match e {
                    ingest::certify::CertifyError::Archive(e) => ApiError::from(e),
                    other => ApiError::Internal(other.to_string()),
                },
            )
        })
        .await
}
