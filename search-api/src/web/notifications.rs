//! `/my/notifications`: the citizen chooses the e-mail address they are told at about new
//! activity on their papers (the sentences of `/my/activity`, mailed by the province's relay
//! when `kho serve --smtp-url` is set), or stops it.

use super::WebUser;
use crate::error::ApiError;
use crate::extract::PageForm;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use schemas::messages::{self as m, Entry};
use schemas::{EmailAddress, Lang, Message};

fn words(entry: &'static Entry) -> String {
    Message::new(entry).render(Lang::Vi)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    done: Result<crate::extract::Query<Done>, ApiError>,
) -> Response {
    let done = done.map(|q| q.0).unwrap_or_default();
    let result = render(&state, &user, done.done.as_deref(), None).await;
    user.respond(result)
}

/// The page, with a refused address and its reason when the form was wrong.
async fn render(
    state: &AppState,
    user: &WebUser,
    done: Option<&str>,
    refused: Option<(&str, String)>,
) -> Result<Response, ApiError> {
    let caller = user.caller.clone();
    let current = state
        .blocking(move |archive| Ok(archive.notify_address(&caller)?))
        .await?;
    let relay_on = state.config.delivery.smtp.is_some();
    let typed = refused
        .as_ref()
        .map(|(typed, _)| typed.to_string())
        .or_else(|| current.as_ref().map(|c| c.address.to_string()))
        .unwrap_or_default();
    let markup = html! {
        p { (words(&m::NOTIFY_PAGE_INTRO)) }
        @if !relay_on {
            p.note { (words(&m::NOTIFY_RELAY_OFF)) }
        }
        @match done {
            Some("saved") => p.done role="status" {
                (Message::new(&m::NOTIFY_SAVED)
                    .with("address", current.as_ref().map(|c| c.address.to_string()).unwrap_or_default())
                    .render(Lang::Vi))
            },
            Some("stopped") => p.done role="status" { (words(&m::NOTIFY_STOPPED)) },
            _ => {},
        }
        @match &current {
            Some(c) => p.current { (Message::new(&m::NOTIFY_CURRENT).with("address", c.address.as_str()).render(Lang::Vi)) },
            None => p.current { (words(&m::NOTIFY_NONE)) },
        }
        form method="post" action="/my/notifications" {
            input type="hidden" name="csrf" value=(user.csrf);
            label for="address" { (words(&m::NOTIFY_ADDRESS_LABEL)) }
            input #address type="email" name="address" value=(typed) autocomplete="email"
                inputmode="email" maxlength=(schemas::feed::MAX_ADDRESS_CHARS)
                aria-invalid=[refused.as_ref().map(|_| "true")];
            @if let Some((_, why)) = &refused {
                p.error role="alert" { (why) }
            }
            button type="submit" name="action" value="save" { (words(&m::NOTIFY_SAVE)) }
            @if current.is_some() {
                " "
                button type="submit" name="action" value="stop" { (words(&m::NOTIFY_STOP)) }
            }
        }
    };
    let page = user.page(&words(&m::NOTIFY_PAGE_TITLE), markup);
    Ok(match refused {
        Some(_) => {
            let (mut parts, body) = page.into_parts();
            parts.status = StatusCode::UNPROCESSABLE_ENTITY;
            Response::from_parts(parts, body)
        }
        None => page,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct NotifyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    action: String,
}

pub async fn submit(
    State(state): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    PageForm(form): PageForm<NotifyForm>,
) -> Response {
    let result = async {
        user.check_csrf(&headers, &form.csrf)?;
        let address = if form.action == "stop" {
            None
        } else {
            match EmailAddress::parse(&form.address) {
                Ok(address) => Some(address),
                Err(rule) => {
                    let why = rule
                        .at("address", form.address.trim())
                        .message()
                        .render(Lang::Vi);
                    return render(&state, &user, None, Some((form.address.trim(), why))).await;
                }
            }
        };
        let stopping = address.is_none();
        let caller = user.caller.clone();
        state
            .blocking(move |archive| Ok(archive.set_notify_address(&caller, address)?))
            .await?;
        let done = if stopping { "stopped" } else { "saved" };
        Ok(Redirect::to(&format!("/my/notifications?done={done}")).into_response())
    }
    .await;
    user.respond(result)
}
