//! `/documents/{id}/supersede`: the operator picks the document that supersedes this one among
//! the owner's active documents (searched by words, with or without diacritics), instead of
//! typing an internal id. The choice goes to the lifecycle form, which asks for a confirmation.
//! Reading the document and listing the owner's documents are the ledgered reads the API makes;
//! whether the caller may supersede is decided where the change is made (the service).

use super::clerk::with_reason;
use super::layout::{self, date};
use super::WebUser;
use crate::error::ApiError;
use crate::extract::{PagePath, Query};
use crate::routes::documents::{document_detail, percent_encode};
use crate::routes::owner_id;
use crate::routes::owners::owner_document_list;
use crate::routes::reason_of;
use crate::state::AppState;
use crate::wire::{DocumentView, ReasonParams};
use axum::extract::State;
use axum::response::Response;
use maud::html;
use schemas::{DocumentFilter, Lifecycle};

#[derive(serde::Deserialize, Default)]
pub struct PickerQuery {
    /// Words to narrow the owner's documents (title, type, number, issuer).
    q: Option<String>,
    #[serde(flatten)]
    reason: ReasonParams,
}

/// Whether every word of `q` (folded) is in the document's title, type, number or issuer.
fn matches(d: &DocumentView, q: &str) -> bool {
    let hay = schemas::fold(
        &[
            Some(d.title.as_str()),
            d.doc_type_title.as_deref(),
            d.doc_number.as_deref(),
            d.issuer.as_deref(),
            d.issued_on.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" "),
    );
    schemas::fold(q).split_whitespace().all(|w| hay.contains(w))
}

pub async fn picker(
    State(state): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<String>,
    query: Result<Query<PickerQuery>, ApiError>,
) -> Response {
    let result = async {
        let Query(query) = query?;
        let reason = reason_of(&query.reason, &user.caller)?;
        let detail = document_detail(&state, user.caller.clone(), id.clone(), reason.clone()).await?;
        let d = detail.document;
        let owner = owner_id(&d.owner_id)?;
        let list = owner_document_list(
            &state,
            user.caller.clone(),
            owner,
            DocumentFilter::default(),
            reason,
        )
        .await?;
        let typed = query.q.clone().unwrap_or_default();
        let candidates: Vec<&DocumentView> = list
            .documents
            .iter()
            .filter(|c| c.id != d.id && matches!(c.lifecycle, Lifecycle::Active))
            .filter(|c| matches(c, &typed))
            .collect();
        let base = format!("/documents/{}", percent_encode(&d.id));
        Ok(user.page_in_dossier(
            "Chọn giấy tờ thay thế",
            &query.reason,
            html! {
                p { "Giấy tờ bị thay thế: " strong { (d.title) } " · " (d.owner_name.as_deref().unwrap_or("")) " · " (d.owner_id)
                    @if let Some(n) = &d.doc_number { " · số " (n) } }
                form.search method="get" action=(format!("{base}/supersede")) role="search" {
                    input type="hidden" name="dossier_code" value=(query.reason.dossier_code.clone().unwrap_or_default());
                    input type="hidden" name="procedure_code" value=(query.reason.procedure_code.clone().unwrap_or_default());
                    input type="hidden" name="purpose" value=(query.reason.purpose.clone().unwrap_or_default());
                    div.query {
                        label for="q" { "Tìm trong giấy tờ còn hiệu lực của cùng chủ sở hữu (tên, loại, số, cơ quan cấp)" }
                        input #q type="search" name="q" value=(typed) placeholder="giay chung nhan 2026";
                        button type="submit" { "Tìm" }
                    }
                }
                @if candidates.is_empty() {
                    p.alert role="alert" { "Chủ sở hữu không có giấy tờ nào khác còn hiệu lực"
                        @if !typed.trim().is_empty() { " khớp với “" (typed) "”" } "." }
                } @else {
                    form.inline method="post" action=(format!("{base}/lifecycle")) {
                        input type="hidden" name="csrf" value=(user.csrf);
                        input type="hidden" name="change" value="supersede";
                        fieldset.wide {
                            legend { "Giấy tờ thay thế *" }
                            @for (i, c) in candidates.iter().enumerate() {
                                div.check {
                                    input type="radio" name="successor" id=(format!("successor-{i}")) value=(c.id) required checked[candidates.len() == 1];
                                    label for=(format!("successor-{i}")) {
                                        strong { (c.title) }
                                        " · " (c.doc_type_title.as_deref().unwrap_or(&c.doc_type))
                                        @if let Some(n) = &c.doc_number { " · số " (n) }
                                        @if let Some(on) = &c.issued_on { " · cấp ngày " (date(on)) }
                                        @if let Some(issuer) = &c.issuer { " · " (issuer) }
                                    }
                                }
                            }
                        }
                        div {
                            label for="supersede_reason" { "Hình thức" }
                            select #supersede_reason name="reason" {
                                @for r in schemas::SupersedeReason::ALL {
                                    option value=(r.as_str()) { (layout::supersede_reason(r)) }
                                }
                            }
                        }
                        div { button type="submit" { "Thay thế" } }
                    }
                }
                p { a href=(with_reason(&base, &query.reason, &[])) { "← Về giấy tờ" } }
            },
        ))
    }
    .await;
    user.respond(result)
}
