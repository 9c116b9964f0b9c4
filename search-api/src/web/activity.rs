//! `/my/activity`: what happened to the citizen's papers, in sentences, newest first: a new
//! document stored for them, a read for dossier X, a reuse, a certified copy made, a share
//! opened, a dossier received, a refused attempt. The same ledger lines as `/my/ledger` (which
//! shows every field); this page says what each means.

use super::citizen::own_id;
use super::layout::instant;
use super::WebUser;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::owners::{lines_query, owner_line_page};
use crate::state::AppState;
use crate::wire::{LineView, LinesParams};
use axum::extract::State;
use axum::response::Response;
use maud::html;

/// Items per page.
const ITEMS_PER_PAGE: usize = 30;

/// One line of the ledger as a sentence, and the kind of item (for the page's style).
pub(crate) fn sentence(line: &LineView) -> (&'static str, String) {
    let e = &line.event;
    let papers = line
        .documents
        .iter()
        .map(|d| {
            if d.title.is_empty() {
                d.doc_type.clone()
            } else {
                d.title.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let who = match (e.actor_kind.as_str(), e.agency_code.as_deref()) {
        ("share", _) => match e.share_purpose() {
            Some(purpose) => format!("Người nhận liên kết bạn chia sẻ cho “{purpose}”"),
            None => "Người nhận liên kết bạn chia sẻ".to_string(),
        },
        ("cli", _) => format!("Cán bộ vận hành {}", e.actor.trim_start_matches("cli:")),
        (_, Some(agency)) => format!("Cán bộ {} ({agency})", e.actor),
        _ => format!("{} ", e.actor).trim_end().to_string(),
    };
    // A clerk let in by the citizen's agency share: the service marks the purpose with it.
    let through_share = e
        .purpose
        .as_deref()
        .and_then(|p| p.strip_prefix("through share "))
        .and_then(|rest| rest.split(':').next())
        .map(|share| format!(" (nhờ chia sẻ {share} của bạn)"))
        .unwrap_or_default();
    let dossier = e
        .dossier_code
        .as_deref()
        .map(|d| format!(" cho hồ sơ {d}{through_share}"))
        .unwrap_or_default();
    match e.action.as_str() {
        "ingest" => (
            "new",
            format!("Giấy tờ mới được lưu vào kho cho bạn: {papers}."),
        ),
        "read_metadata" | "download" | "search" if e.actor_kind == "share" => {
            ("share", format!("{who} đã mở {papers}."))
        }
        "read_metadata" | "download" => ("read", format!("{who} đã xem {papers}{dossier}.")),
        "search" => (
            "read",
            format!("{who} đã tìm trong giấy tờ của bạn{dossier}."),
        ),
        "reuse" => ("reuse", format!("{who} đã dùng lại {papers}{dossier}.")),
        "certify" => (
            "certify",
            format!("{who} đã cấp bản sao điện tử có chứng thực của {papers}{dossier}."),
        ),
        "verify_copy" => (
            "certify",
            format!("Người giữ bản sao đã kiểm tra bản sao của {papers}."),
        ),
        "register_dossier" if e.actor_role.as_deref() == Some("clerk") => (
            "dossier",
            format!(
                "{who} đã tự đăng ký hồ sơ {} của bạn tại bộ phận một cửa (không qua hệ thống một cửa).",
                e.dossier_code.as_deref().unwrap_or("")
            ),
        ),
        "register_dossier" => (
            "dossier",
            format!(
                "Bộ phận một cửa đã tiếp nhận hồ sơ {} của bạn.",
                e.dossier_code.as_deref().unwrap_or("")
            ),
        ),
        "share" => ("share", format!("Bạn đã chia sẻ {papers}.")),
        "revoke_share" => ("share", format!("Bạn đã thu hồi chia sẻ {papers}.")),
        "revoke" => ("change", format!("{papers} đã bị thu hồi.")),
        "supersede" => ("change", format!("{papers} đã được thay thế.")),
        "refused" => (
            "refused",
            match e.refusal_vi() {
                Some(why) => {
                    format!("{who} bị từ chối khi truy cập giấy tờ của bạn{dossier}: {why}.")
                }
                None => format!("{who} bị từ chối khi truy cập giấy tờ của bạn{dossier}."),
            },
        ),
        other => (
            "other",
            format!("{}: {papers}", super::layout::action_name(other)),
        ),
    }
}

pub async fn activity(
    State(state): State<AppState>,
    user: WebUser,
    params: Result<Query<LinesParams>, ApiError>,
) -> Response {
    let result = async {
        let Query(params) = params?;
        let owner = own_id(&user)?;
        let query = lines_query(&params, ITEMS_PER_PAGE)?;
        let page = owner_line_page(&state, user.caller.clone(), owner, query).await?;
        Ok(user.page(
            "Hoạt động",
            html! {
                p { "Những gì đã xảy ra với giấy tờ của bạn, mới nhất ở trên. Chi tiết từng lần truy cập ở " a href="/my/ledger" { "Ai đã xem" } "." }
                @if page.lines.is_empty() {
                    p { "Chưa có hoạt động nào." }
                }
                ol.activity {
                    @for line in &page.lines {
                        @let (kind, text) = sentence(line);
                        li class=(kind) data-action=(line.event.action) {
                            time { (instant(&line.event.at)) } " " (text)
                        }
                    }
                }
                nav.pages {
                    @if let Some(newer) = page.newer {
                        a rel="prev" href=(format!("/my/activity?after={newer}")) { "← Mới hơn" } " "
                    }
                    @if let Some(older) = page.older {
                        a rel="next" href=(format!("/my/activity?before={older}")) { "Cũ hơn →" }
                    }
                }
            },
        ))
    }
    .await;
    user.respond(result)
}
