//! One error type for every handler, answered as `application/problem+json` (RFC 9457): the one
//! place where the domain's errors (the store's, the policy's refusals, broken rules) become
//! HTTP statuses. Rules, refusals and the common answers carry a [`Message`] of the one table
//! (`schemas::messages`): the problem's `code` is its stable code and `detail` its text in the
//! request's language ([`crate::lang`]: Vietnamese unless `Accept-Language` prefers English).

use archive_core::ArchiveError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use schemas::messages::{self, Lang, Message};
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
    /// The stable code of the problem (`personal_id.length`, `refusal.role`, ...): what a
    /// program matches on. docs/api.md lists where the codes live.
    pub code: String,
    /// What went wrong, in Vietnamese unless the request's `Accept-Language` prefers English.
    pub detail: String,
    /// For a request that broke validation rules: each field, the value and the rule, all of
    /// them at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// One broken rule of a request.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub value: String,
    /// The rule's stable code, e.g. `personal_id.length`.
    pub code: String,
    /// The rule in words, in the language of `detail`.
    pub rule: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(Message),
    /// A query parameter that breaks its rule: a 400 naming it (`errors[0].field`).
    #[error("{}", .0.message())]
    BadParameter(FieldError),
    #[error("{0}")]
    Invalid(Message, Vec<FieldError>),
    #[error("{}", Message::new(&messages::UNAUTHENTICATED))]
    Unauthenticated,
    #[error("{}", Message::new(&messages::INVALID_LOGIN))]
    InvalidLogin,
    #[error("{0}")]
    Forbidden(Message),
    #[error("{0}")]
    NotFound(Message),
    #[error("{0}")]
    Conflict(Message),
    #[error("{0}")]
    TooLarge(Message),
    #[error("{0}")]
    RangeNotSatisfiable(Message, u64),
    /// A route that exists, asked with a method it does not take (405, with `Allow`).
    #[error("{0}")]
    MethodNotAllowed(Message),
    #[error("{0}")]
    TooManyRequests(Message, u64),
    #[error("{0}")]
    Unavailable(String),
    /// A share revoked, expired or used up (410).
    #[error("{0}")]
    Gone(Message),
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) | ApiError::BadParameter(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(..) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthenticated | ApiError::InvalidLogin => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RangeNotSatisfiable(..) => StatusCode::RANGE_NOT_SATISFIABLE,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TooManyRequests(..) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The answer for a document that does not exist and for one the caller may not see: the
    /// same, so that ids cannot be probed.
    pub fn no_document(id: &str) -> Self {
        ApiError::NotFound(Message::new(&messages::REFUSAL_NO_DOCUMENT).with("id", id.trim()))
    }

    pub fn field(e: FieldError) -> Self {
        ApiError::Invalid(e.message(), vec![e])
    }

    /// Several broken rules at once: the detail names them all, `errors` each.
    pub fn fields(errors: schemas::FieldErrors) -> Self {
        match errors.0.as_slice() {
            [one] => ApiError::field(one.clone()),
            many => ApiError::Invalid(
                Message::new(&messages::INVALID_FIELDS)
                    .with("count", many.len())
                    .with_list("errors", many.iter().map(FieldError::message).collect()),
                errors.0,
            ),
        }
    }

    /// The stable code of the problem: the message's, or one per status for problems of the
    /// request's shape and of the server.
    pub fn code(&self) -> &'static str {
        match self {
            // One broken rule: its code, as the field's; several: `request.invalid`.
            ApiError::Invalid(_, fields) if fields.len() == 1 => fields[0].code(),
            ApiError::Invalid(m, _)
            | ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Gone(m) => m.code(),
            ApiError::Unauthenticated => messages::UNAUTHENTICATED.code,
            ApiError::InvalidLogin => messages::INVALID_LOGIN.code,
            ApiError::BadRequest(m) => m.code(),
            ApiError::BadParameter(e) => e.code(),
            ApiError::Conflict(m) | ApiError::TooLarge(m) => m.code(),
            ApiError::RangeNotSatisfiable(m, _) | ApiError::MethodNotAllowed(m) => m.code(),
            ApiError::TooManyRequests(..) => "request.too_many",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The detail in `lang`. Problems of the server (and the reasons libraries give inside a
    /// 400) come from the system and are in English.
    pub fn detail(&self, lang: Lang) -> String {
        match self {
            ApiError::Invalid(m, _)
            | ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Gone(m)
            | ApiError::BadRequest(m)
            | ApiError::Conflict(m)
            | ApiError::TooLarge(m)
            | ApiError::RangeNotSatisfiable(m, _)
            | ApiError::MethodNotAllowed(m)
            | ApiError::TooManyRequests(m, _) => m.render(lang),
            ApiError::BadParameter(e) => e.message().render(lang),
            ApiError::Unauthenticated => Message::new(&messages::UNAUTHENTICATED).render(lang),
            ApiError::InvalidLogin => Message::new(&messages::INVALID_LOGIN).render(lang),
            other => other.to_string(),
        }
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
            Refusal::NotTheirOwner { .. } => ApiError::NotFound(refusal.message()),
            Refusal::Reason(fields) => ApiError::fields(fields),
            Refusal::Role { .. } | Refusal::Dossier(_) | Refusal::Scope(_) => {
                ApiError::Forbidden(refusal.message())
            }
        }
    }
}

impl From<ArchiveError> for ApiError {
    fn from(e: ArchiveError) -> Self {
        match e {
            ArchiveError::NotFound(id) => ApiError::no_document(&id),
            ArchiveError::NoBatch(id) => {
                ApiError::NotFound(Message::new(&messages::NO_BATCH).with("id", id))
            }
            ArchiveError::NoStack(sha256) => {
                ApiError::NotFound(Message::new(&messages::NO_STACK).with("sha256", sha256))
            }
            ArchiveError::NoShare(id) => {
                ApiError::NotFound(Message::new(&messages::NO_SHARE).with("id", id))
            }
            ArchiveError::NoWebhook(name) => {
                ApiError::NotFound(Message::new(&messages::NO_WEBHOOK).with("name", name))
            }
            ArchiveError::ShareGone { id, state } => ApiError::Gone(
                Message::new(&messages::SHARE_GONE)
                    .with("id", id)
                    .with_message("state", Message::new(state.words())),
            ),
            ArchiveError::Refused(refusal) => refusal.into(),
            ArchiveError::Conflict(m) => ApiError::Conflict(m),
            ArchiveError::Invalid(f) => ApiError::field(f),
            ArchiveError::InvalidFields(f) => ApiError::fields(f),
            ArchiveError::Query(q) => ApiError::BadRequest(
                Message::new(&messages::SEARCH_QUERY).with_message("why", q.message()),
            ),
            ArchiveError::Place { name, rule } => {
                ApiError::field(schemas::RuleError(rule).at("place", &name))
            }
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
        ApiError::fields(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let lang = crate::lang::current();
        let broken: &[FieldError] = match &self {
            ApiError::Invalid(_, errors) => errors,
            ApiError::BadParameter(e) => std::slice::from_ref(e),
            _ => &[],
        };
        let errors = broken
            .iter()
            .map(|e| FieldProblem {
                field: e.field.clone(),
                value: e.value.clone(),
                code: e.code().to_string(),
                rule: e.rule.render(lang),
            })
            .collect();
        let problem = Problem {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            code: self.code().to_string(),
            detail: self.detail(lang),
            errors,
        };
        let mut response = problem_response(status, &problem);
        let headers = response.headers_mut();
        if let Ok(v) = HeaderValue::from_str(lang.as_str()) {
            headers.insert(header::CONTENT_LANGUAGE, v);
        }
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

fn problem_response(status: StatusCode, problem: &Problem) -> Response {
    let body = serde_json::to_vec(problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

pub type ApiResult<T> = Result<T, ApiError>;
