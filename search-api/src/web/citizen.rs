//! The citizen's pages: "my documents" with their validity, and "who read my documents" from
//! the ledger. Both are the API's owner routes for the citizen's own ID.

use super::layout::{action_name, date, event_note, instant, role_name_str, state_badge, validity};
use super::WebUser;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::owners::{owner_document_list, owner_event_page};
use crate::state::AppState;
use crate::wire::PageParams;
use archive_core::LedgerPage;
use axum::extract::State;
use axum::response::Response;
use maud::html;
use schemas::{DocumentFilter, OwnerId};

/// Ledger events per page.
const EVENTS_PER_PAGE: usize = 50;

fn own_id(user: &WebUser) -> Result<OwnerId, ApiError> {
    user.caller
        .principal()
        .owner_id
        .as_deref()
        .and_then(|id| OwnerId::parse(id).ok())
        .ok_or_else(|| {
            ApiError::Forbidden(
                "these pages are for citizens and organizations with an owner ID".into(),
            )
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
/// why, newest last, and refused attempts.
pub async fn ledger(
    State(state): State<AppState>,
    user: WebUser,
    page: Result<Query<PageParams>, ApiError>,
) -> Response {
    let result = async {
        let Query(page) = page?;
        let owner = own_id(&user)?;
        let page = LedgerPage::new(page.after, Some(EVENTS_PER_PAGE));
        let events = owner_event_page(&state, user.caller.clone(), owner, page).await?;
        Ok(user.page(
            "Ai đã xem giấy tờ của tôi",
            html! {
                p { "Mỗi lần cán bộ xem, tải hoặc dùng lại giấy tờ của bạn đều được ghi lại ở đây, kèm hồ sơ và mục đích. Sổ ghi không sửa được." }
                table.ledger.cards {
                    thead { tr { th { "Thời điểm" } th { "Việc" } th { "Ai" } th { "Cơ quan" } th { "Hồ sơ" } th { "Mục đích" } th { "Giấy tờ" } } }
                    tbody {
                        @for e in &events.events {
                            tr class=(if e.action == "refused" { "refused" } else { "" }) {
                                td { (instant(&e.at)) }
                                td data-label="Việc" { (action_name(&e.action)) }
                                td data-label="Ai" { (e.actor) @if let Some(role) = &e.actor_role { " (" (role_name_str(role)) ")" } }
                                td data-label="Cơ quan" { (e.agency_code.as_deref().unwrap_or("")) }
                                td data-label="Hồ sơ" { (e.dossier_code.as_deref().unwrap_or("")) }
                                td data-label="Mục đích" { (event_note(e)) }
                                td { @if let Some(doc) = &e.doc_id { a href=(format!("/documents/{doc}")) { "Xem" } } }
                            }
                        }
                    }
                }
                @if let Some(next) = events.next_after {
                    p { a rel="next" href=(format!("/my/ledger?after={next}")) { "Xem tiếp →" } }
                }
            },
        ))
    }
    .await;
    user.respond(result)
}
