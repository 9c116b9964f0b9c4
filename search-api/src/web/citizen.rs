//! The citizen's pages: "my documents" with their validity, and "who read my documents" from
//! the ledger. Both are the API's owner routes for the citizen's own ID.

use super::layout::{action_name, date, event_note, instant, role_name_str, state_badge, validity};
use super::WebUser;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::owners::{lines_query, owner_document_list, owner_line_page};
use crate::state::AppState;
use crate::wire::LinesParams;
use axum::extract::State;
use axum::response::Response;
use maud::html;
use schemas::{DocumentFilter, OwnerId};

/// Ledger events per page.
const EVENTS_PER_PAGE: usize = 50;

pub(crate) fn own_id(user: &WebUser) -> Result<OwnerId, ApiError> {
    user.caller
        .principal()
        .owner_id
        .as_deref()
        .and_then(|id| OwnerId::parse(id).ok())
        .ok_or_else(|| {
            ApiError::Forbidden(schemas::Message::new(&schemas::messages::CITIZEN_PAGES))
        })
}

/// `/my`: the caller's documents and whether each can still be reused.
pub async fn documents(State(state): State<AppState>, user: WebUser) -> Response {
    let result = async {
        let owner = own_id(&user)?;
        let list = owner_document_list(
            &state,
            user.caller.clone(),
            owner,
            DocumentFilter::default(),
            Default::default(),
        )
        .await?;
        Ok(user.page(
            "Giấy tờ của tôi",
            html! {
                p { "Số định danh: " strong { (list.owner_id) } ". Các giấy tờ còn hiệu lực được cơ quan nhà nước dùng lại, bạn không phải nộp lại bản sao." }
                @if list.documents.is_empty() {
                    p { "Kho chưa có giấy tờ nào của bạn." }
                } @else {
                    table.documents.cards {
                        thead { tr { th { "Giấy tờ" } th { "Cơ quan cấp" } th { "Ngày cấp" } th { "Hiệu lực" } th { "Tình trạng" } } }
                        tbody {
                            @for d in &list.documents {
                                tr {
                                    td { a href=(format!("/documents/{}", d.id)) { (d.title) } }
                                    td data-label="Cơ quan cấp" { (d.issuer.as_deref().unwrap_or("")) }
                                    td data-label="Ngày cấp" { (d.issued_on.as_deref().map(date).unwrap_or_default()) }
                                    td data-label="Hiệu lực" { (validity(d.valid_until.as_deref())) }
                                    td data-label="Tình trạng" { (state_badge(d.state)) }
                                }
                            }
                        }
                    }
                }
                p { a href="/my/ledger" { "Xem ai đã truy cập giấy tờ của tôi →" } }
            },
        ))
    }
    .await;
    user.respond(result)
}

/// `/my/ledger`: who read, downloaded or reused the caller's documents, for which dossier and
/// why, and refused attempts: newest first, one line per request (a search that showed several
/// documents names them all), filtered by document and action, paged both ways.
pub async fn ledger(
    State(state): State<AppState>,
    user: WebUser,
    params: Result<Query<LinesParams>, ApiError>,
) -> Response {
    let result = async {
        let Query(params) = params?;
        let owner = own_id(&user)?;
        let query = lines_query(&params, EVENTS_PER_PAGE)?;
        let filters = |extra: (&str, String)| {
            let mut pairs: Vec<(&str, String)> = Vec::new();
            if let Some(d) = &query.document {
                pairs.push(("document", d.clone()));
            }
            if let Some(a) = &params.action {
                pairs.push(("action", a.clone()));
            }
            pairs.push(extra);
            pairs
                .iter()
                .map(|(k, v)| format!("{k}={}", crate::routes::documents::percent_encode(v)))
                .collect::<Vec<_>>()
                .join("&")
        };
        let page = owner_line_page(&state, user.caller.clone(), owner, query.clone()).await?;
        let type_title = |key: &str| super::layout::doc_type_title(&state, key);
        let actions = ["read_metadata", "search", "download", "reuse", "refused", "ingest", "revoke", "supersede"];
        Ok(user.page(
            "Ai đã xem giấy tờ của tôi",
            html! {
                p { "Mỗi lần cán bộ xem, tìm, tải hoặc dùng lại giấy tờ của bạn đều được ghi lại ở đây, kèm hồ sơ và mục đích, mới nhất ở trên. Sổ ghi không sửa được." }
                form.filters method="get" action="/my/ledger" {
                    label for="action" { "Việc" }
                    select #action name="action" {
                        option value="" { "Tất cả" }
                        @for a in actions {
                            option value=(a) selected[params.action.as_deref() == Some(a)] { (action_name(a)) }
                        }
                    }
                    @if let Some(d) = &query.document {
                        input type="hidden" name="document" value=(d);
                        " " a href="/my/ledger" { "Mọi giấy tờ" }
                    }
                    " " button type="submit" { "Lọc" }
                }
                table.ledger.cards {
                    thead { tr { th { "Thời điểm" } th { "Việc" } th { "Ai" } th { "Cơ quan" } th { "Hồ sơ" } th { "Mục đích" } th { "Giấy tờ" } } }
                    tbody {
                        @for line in &page.lines {
                            @let e = &line.event;
                            tr class=(if e.action == "refused" { "refused" } else { "" }) {
                                td { (instant(&e.at)) }
                                td data-label="Việc" { (action_name(&e.action)) }
                                td data-label="Ai" {
                                    (super::layout::actor_name(&e.actor)) @if let Some(role) = &e.actor_role { " (" (role_name_str(role)) ")" }
                                    @if let Some(made_by) = &e.actor_made_by { br; small { "mã truy cập, tạo bởi " (made_by) } }
                                }
                                td data-label="Cơ quan" { (e.agency_code.as_deref().map(|c| state.archive.agencies().display(c)).unwrap_or_default()) }
                                td data-label="Hồ sơ" { (e.dossier_code.as_deref().unwrap_or("")) }
                                td data-label="Mục đích" { (event_note(e)) }
                                td data-label="Giấy tờ" {
                                    @for (i, d) in line.documents.iter().enumerate() {
                                        @if i > 0 { br; }
                                        a href=(format!("/my/ledger?document={}", d.id)) {
                                            (type_title(&d.doc_type)) @if !d.title.is_empty() { ": " (d.title) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                nav.pages {
                    @if let Some(newer) = page.newer {
                        a rel="prev" href=(format!("/my/ledger?{}", filters(("after", newer.to_string())))) { "← Mới hơn" }
                        " "
                    }
                    @if let Some(older) = page.older {
                        a rel="next" href=(format!("/my/ledger?{}", filters(("before", older.to_string())))) { "Cũ hơn →" }
                    }
                }
            },
        ))
    }
    .await;
    user.respond(result)
}
