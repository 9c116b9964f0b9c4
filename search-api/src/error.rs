//! One error type for every handler, answered as `application/problem+json` (RFC 9457): the one
//! place where the domain's errors (the store's, the policy's refusals, broken rules) become
//! HTTP statuses.

use archive_core::ArchiveError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use schemas::policy::Refusal;
use schemas::FieldError;
use serde::Serialize;
use utoipa::ToSchema;

/// A problem report: what went wrong, in words, and for validation errors each field and rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` when the status says it all).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For a request that broke validation rules: each field, the value and the rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<FieldProblem>)]
    pub errors: Vec<FieldError>,
}

/// One broken rule of a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub value: String,
    pub rule: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Invalid(String, Vec<FieldError>),
    #[error("sign in first: send `Authorization: Bearer TOKEN` (a token from `kho token create`, or from POST /api/v1/login)")]
    Unauthenticated,
    #[error("wrong user name or password")]
    InvalidLogin,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    RangeNotSatisfiable(String, u64),
    #[error("{0}")]
    TooManyRequests(String, u64),
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(..) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthenticated | ApiError::InvalidLogin => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RangeNotSatisfiable(..) => StatusCode::RANGE_NOT_SATISFIABLE,
            ApiError::TooManyRequests(..) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The answer for a document that does not exist and for one the caller may not see: the
    /// same, so that ids cannot be probed.
    pub fn no_document(id: &str) -> Self {
        ApiError::NotFound(format!("no document with id {}", id.trim()))
    }

    pub fn field(e: FieldError) -> Self {
        ApiError::Invalid(e.to_string(), vec![e])
    }
}

impl From<Refusal> for ApiError {
    /// A refusal's kind decides the status: a role that never may is 403; a document or owner
    /// that is not the caller's is the 404 an unknown one gets (ids cannot be probed); a reason
    /// that breaks a rule is a 422 that names the field; a clerk's dossier outside their
    /// province is 403.
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotTheirDocument { id } => ApiError::no_document(&id),
            Refusal::NotTheirOwner { .. } => ApiError::NotFound(refusal.to_string()),
            Refusal::Reason(field) => ApiError::field(field),
            Refusal::Role { .. } | Refusal::Dossier(_) => ApiError::Forbidden(refusal.to_string()),
        }
    }
}

impl From<ArchiveError> for ApiError {
    fn from(e: ArchiveError) -> Self {
        match e {
            ArchiveError::NotFound(id) => ApiError::no_document(&id),
            ArchiveError::NoBatch(id) => ApiError::NotFound(format!("no batch {id}")),
            ArchiveError::NoStack(sha256) => ApiError::NotFound(format!("no kept stack {sha256}")),
            ArchiveError::Refused(refusal) => refusal.into(),
            ArchiveError::Conflict(m) => ApiError::Conflict(m),
            ArchiveError::Invalid(f) => ApiError::field(f),
            ArchiveError::Query(q) => ApiError::BadRequest(q.to_string()),
            ArchiveError::Place { name, rule } => ApiError::field(schemas::FieldError {
                field: "place".into(),
                value: name,
                rule,
            }),
            // The bucket did not answer (after retries): worth trying again later.
            ArchiveError::Blob(remote) if remote.is_unavailable() => {
                ApiError::Unavailable(remote.to_string())
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::field(e)
    }
}

impl From<schemas::FieldErrors> for ApiError {
    fn from(e: schemas::FieldErrors) -> Self {
        ApiError::Invalid(e.to_string(), e.0)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let errors = match &self {
            ApiError::Invalid(_, errors) => errors.clone(),
            _ => Vec::new(),
        };
        let problem = Problem {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: self.to_string(),
            errors,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        match &self {
            ApiError::Unauthenticated => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"kho\""),
                );
            }
            ApiError::RangeNotSatisfiable(_, size) => {
                if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                    headers.insert(header::CONTENT_RANGE, v);
                }
            }
            ApiError::TooManyRequests(_, seconds) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
            }
            _ => {}
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
