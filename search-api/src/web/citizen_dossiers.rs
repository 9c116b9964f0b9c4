//! `/my/dossiers`: the dossiers the one-stop system registered with the citizen as an
//! applicant, and which of their documents each read or reused.

use super::citizen::own_id;
use super::layout::{date, instant};
use super::WebUser;
use crate::routes::dossiers::owner_dossier_list;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use maud::html;

pub async fn dossiers(State(state): State<AppState>, user: WebUser) -> Response {
    let result = async {
        let owner = own_id(&user)?;
        let list = owner_dossier_list(&state, user.caller.clone(), owner).await?;
        Ok(user.page(
            "Hồ sơ của tôi",
            html! {
                p { "Các hồ sơ thủ tục hành chính bạn đã nộp (do bộ phận một cửa đăng ký), và giấy tờ nào trong kho đã được cán bộ xem hoặc dùng lại cho từng hồ sơ." }
                @if list.dossiers.is_empty() {
                    p #no-dossiers { "Chưa có hồ sơ nào mang số định danh của bạn." }
                }
                @for u in &list.dossiers {
                    section.dossier data-code=(u.dossier.code) {
                        h2 { "Hồ sơ " (u.dossier.code) }
                        p {
                            "Thủ tục " strong { (u.dossier.procedure_code) }
                            ", tiếp nhận tại " (u.dossier.receiving_agency)
                            " ngày " (date(&u.dossier.received_on)) "."
                        }
                        @if u.documents.is_empty() {
                            p { "Chưa dùng giấy tờ nào trong kho." }
                        } @else {
                            table.documents {
                                thead { tr { th { "Giấy tờ" } th { "Đã" } th { "Lần đầu" } } }
                                tbody {
                                    @for d in &u.documents {
                                        tr {
                                            td { a href=(format!("/documents/{}", d.document.id)) { (d.document.title) } }
                                            td { @if d.reused { "Dùng lại trong hồ sơ" } @else { "Xem" } }
                                            td { (instant(&d.first_used)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            },
        ))
    }
    .await;
    user.respond(result)
}
