//! The language of a request's answer: Vietnamese, unless `Accept-Language` prefers English
//! (`schemas::Lang::from_accept_language`). The router's outermost layer reads it once
//! ([`RequestLang`]) and keeps it for the request's task, so that every problem+json, whichever
//! handler or extractor raised it, speaks it.

use axum::extract::{FromRequestParts, Request};
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use schemas::Lang;
use std::convert::Infallible;

tokio::task_local! {
    static LANG: Lang;
}

/// The language the request asked for (`Accept-Language`), Vietnamese by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Ok(RequestLang(Lang::from_accept_language(header)))
    }
}

/// The layer: answers the request in the language it asked for.
pub async fn speak_the_asked_language(
    RequestLang(lang): RequestLang,
    request: Request,
    next: Next,
) -> Response {
    LANG.scope(lang, next.run(request)).await
}

/// The language of the request being answered (Vietnamese outside one).
pub fn current() -> Lang {
    LANG.try_with(|lang| *lang).unwrap_or_default()
}
