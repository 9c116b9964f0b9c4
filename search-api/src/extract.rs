//! The request extractors of the handlers: who is calling ([`Authenticated`], from the bearer
//! token), and axum's own, with their rejections answered as problem+json [`ApiError`]s (a
//! malformed query string, path, JSON body or form is a 400 that says what could not be read;
//! a JSON body over [`MAX_JSON_BODY`] is a 413), like every other error of the API. A web
//! page's path ([`PagePath`]) is answered with the Vietnamese error page instead.

use crate::auth::{authenticate, Authenticated};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// The API reads bearer tokens only, never the web UI's cookie, so it has no CSRF surface.
impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(ApiError::Unauthenticated)?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or(ApiError::Unauthenticated)?;
        // A sled point read: microseconds, fine on the async thread.
        authenticate(&state.archive, token)?.ok_or(ApiError::Unauthenticated)
    }
}

/// The address of the client a request came from: the peer of the connection, or, behind the
/// reverse proxy named by `kho serve --trusted-proxy`, the last address it appended to
/// `X-Forwarded-For` (earlier entries are the client's to write, and so cannot be believed).
/// Without connection information (a router called in-process) it is the unspecified address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        let Some(peer) = peer else {
            return Ok(ClientAddress(std::net::IpAddr::V4(
                std::net::Ipv4Addr::UNSPECIFIED,
            )));
        };
        Ok(ClientAddress(client_behind(
            peer,
            state.config.trusted_proxy,
            &parts.headers,
        )))
    }
}

/// The client's address: `peer`, unless `peer` is the trusted proxy and it said whom it
/// forwards for (the last `X-Forwarded-For` entry, which the proxy itself appended).
pub(crate) fn client_behind(
    peer: std::net::IpAddr,
    trusted_proxy: Option<std::net::IpAddr>,
    headers: &axum::http::HeaderMap,
) -> std::net::IpAddr {
    if trusted_proxy != Some(peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|last| last.trim().parse().ok())
        .unwrap_or(peer)
}

/// Query string parameters.
pub struct Query<T>(pub T);

/// Path segments.
pub struct Path<T>(pub T);

/// A JSON request body (responses use `axum::Json`).
pub struct JsonBody<T>(pub T);

/// Largest request body of the routes that take no file (JSON bodies, forms): set on the
/// router (`lib.rs`) and named in the 413 of a body over it.
pub const MAX_JSON_BODY: usize = 1 << 20;

/// Path segments of a web page. A value that cannot be read (a page number `-1`, say) is
/// answered with the error page in Vietnamese, as every page's error is: the address may come
/// from a person without an account (`/s/{token}/...`), who should never see axum's English.
pub struct PagePath<T>(pub T);

/// A web page's `application/x-www-form-urlencoded` form. A form that cannot be read (a field
/// missing or malformed: a page from an older version, a hand-made request) or is over
/// [`MAX_JSON_BODY`] is answered with the Vietnamese error page, never axum's English text.
pub struct PageForm<T>(pub T);

/// A `multipart/form-data` body.
pub struct MultipartForm(pub axum::extract::Multipart);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|e| {
                ApiError::BadRequest(
                    schemas::Message::new(&schemas::messages::QUERY_UNREADABLE)
                        .with("why", e.body_text()),
                )
            })
    }
}

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|e| {
                ApiError::BadRequest(
                    schemas::Message::new(&schemas::messages::PATH_UNREADABLE)
                        .with("why", e.body_text()),
                )
            })
    }
}

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PagePath<T> {
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::path::ErrorKind;
        use axum::extract::rejection::PathRejection;
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| PagePath(value))
            .map_err(|rejection| {
                // The value itself says what is wrong; axum's sentence around it is English.
                let why = match &rejection {
                    PathRejection::FailedToDeserializePathParams(e) => match e.kind() {
                        ErrorKind::ParseErrorAtIndex { value, .. }
                        | ErrorKind::ParseErrorAtKey { value, .. }
                        | ErrorKind::ParseError { value, .. }
                        | ErrorKind::DeserializeError { value, .. } => format!("“{value}”"),
                        _ => rejection.body_text(),
                    },
                    _ => rejection.body_text(),
                };
                crate::web::error_page(
                    None,
                    ApiError::BadRequest(
                        schemas::Message::new(&schemas::messages::PATH_VALUE_UNREADABLE)
                            .with("why", why),
                    ),
                )
            })
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        axum::Json::<T>::from_request(request, state)
            .await
            .map(|axum::Json(value)| JsonBody(value))
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge(
                        schemas::Message::new(&schemas::messages::BODY_TOO_LARGE)
                            .with("max", MAX_JSON_BODY),
                    )
                } else {
                    ApiError::BadRequest(
                        schemas::Message::new(&schemas::messages::JSON_UNREADABLE)
                            .with("why", e.body_text()),
                    )
                }
            })
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = axum::response::Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(request, state)
            .await
            .map(|axum::Form(value)| PageForm(value))
            .map_err(|e| {
                let error = if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge(
                        schemas::Message::new(&schemas::messages::BODY_TOO_LARGE)
                            .with("max", MAX_JSON_BODY),
                    )
                } else {
                    // What serde says is English and about Rust types: it goes to the log.
                    tracing::debug!("a page's form could not be read: {}", e.body_text());
                    ApiError::BadRequest(schemas::Message::new(
                        &schemas::messages::FORM_UNREADABLE_PAGE,
                    ))
                };
                crate::web::error_page(None, error)
            })
    }
}

impl<S: Send + Sync> FromRequest<S> for MultipartForm {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        axum::extract::Multipart::from_request(request, state)
            .await
            .map(MultipartForm)
            .map_err(|e| {
                ApiError::BadRequest(
                    schemas::Message::new(&schemas::messages::NOT_MULTIPART)
                        .with("why", e.body_text()),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_trusted_proxy_names_the_client() {
        let mut headers = axum::http::HeaderMap::new();
        headers.append("x-forwarded-for", "6.6.6.6, 10.0.0.5".parse().unwrap());
        let proxy: std::net::IpAddr = "127.0.0.1".parse().unwrap();
        let stranger: std::net::IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(client_behind(stranger, Some(proxy), &headers), stranger);
        assert_eq!(client_behind(proxy, None, &headers), proxy);
        assert_eq!(
            client_behind(proxy, Some(proxy), &headers),
            "10.0.0.5".parse::<std::net::IpAddr>().unwrap()
        );
    }
}
