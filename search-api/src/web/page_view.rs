//! One page of a document, enlarged: the preview drawn at 800 or 1600 pixels (the widest of the
//! fixed set), reached by clicking a page on the document page. The image is the same preview
//! route as everywhere, so each look is a ledgered read of that page, with the dossier and
//! purpose the link carried.

use super::clerk::with_reason;
use super::WebUser;
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::wire::PreviewParams;
use axum::response::Response;
use maud::html;

/// The widths a page is enlarged to: fitted to a desk screen, and the widest preview drawn.
pub(super) const ZOOM_WIDTHS: [u32; 2] = [800, 1600];

/// `/documents/{id}/pages/{page}?width=800|1600`: the page enlarged.
pub async fn page(
    user: WebUser,
    Path((id, page)): Path<(String, u32)>,
    params: Result<Query<PreviewParams>, ApiError>,
) -> Response {
    let result = (|| {
        let Query(params) = params?;
        // The reason is checked where the image is read (the preview route); here it is only
        // carried on.
        let width = match params.width {
            Some(w) if w <= ZOOM_WIDTHS[0] => ZOOM_WIDTHS[0],
            _ => ZOOM_WIDTHS[1],
        };
        let base = format!("/documents/{id}");
        let here = format!("{base}/pages/{page}");
        let title = format!("Trang {page} (phóng to)");
        Ok(user.page(
            &title,
            html! {
                nav.zoom-nav aria-label="Xem trang" {
                    a href=(format!("{}#trang-{page}", with_reason(&base, &params, &[]))) { "← Về giấy tờ" }
                    " · Cỡ: "
                    @for w in ZOOM_WIDTHS {
                        @if w == width {
                            strong aria-current="true" { (w) " px" }
                        } @else {
                            a href=(with_reason(&here, &params, &[("width", &w.to_string())])) { (w) " px" }
                        }
                        " "
                    }
                    @if page > 1 {
                        " · "
                        a href=(with_reason(&format!("{base}/pages/{}", page - 1), &params, &[("width", &width.to_string())])) { "← Trang trước" }
                    }
                    " · "
                    a href=(with_reason(&format!("{base}/pages/{}", page + 1), &params, &[("width", &width.to_string())])) { "Trang sau →" }
                }
                div.zoomed {
                    img.zoomed width=(width)
                        src=(with_reason(&format!("{base}/pages/{page}/preview"), &params, &[("width", &width.to_string())]))
                        alt=(format!("Trang {page}, rộng {width} điểm ảnh"));
                }
            },
        ))
    })();
    user.respond(result)
}
