//! Page previews: one page of a stored file as a small PNG, for the web UI and the API.
//!
//! A pure function of bytes like the rest of this crate; caching the result is the caller's
//! business. PDF pages are drawn by `pdftoppm` straight at the preview size (a process of its
//! own, with a time limit, so that a hostile PDF cannot take the server down); images are decoded
//! under the same limits as at ingest and scaled down.

use crate::extract::page_image::{tiff_pages, PageImage};
use crate::extract::pdf_pages::PdfRenderer;
use crate::Limits;
use schemas::Format;
use std::io::Cursor;
use std::time::Duration;

/// Widths a preview may be asked at, in pixels.
pub const PREVIEW_WIDTHS: std::ops::RangeInclusive<u32> = 64..=1600;
const PDF_TIMEOUT: Duration = Duration::from_secs(30);

/// Page `page` (1-based) of a file of `format`, `width` pixels wide (never enlarged), as PNG.
pub fn page_preview(
    format: Format,
    bytes: &[u8],
    page: u32,
    width: u32,
    limits: &Limits,
) -> Result<Vec<u8>, String> {
    if !PREVIEW_WIDTHS.contains(&width) {
        return Err(format!(
            "a preview is {} to {} pixels wide, got {width}",
            PREVIEW_WIDTHS.start(),
            PREVIEW_WIDTHS.end()
        ));
    }
    if page == 0 {
        return Err("pages are numbered from 1".into());
    }
    let image = match format {
        Format::Pdf => return pdf_preview(bytes, page, width),
        Format::Tiff => tiff_pages(bytes, limits)
            .into_iter()
            .nth(page as usize - 1)
            .ok_or_else(|| format!("the file has no page {page}"))??,
        Format::Png | Format::Jpeg => {
            if page != 1 {
                return Err(format!("the file has no page {page}"));
            }
            PageImage::Encoded {
                bytes: bytes.to_vec(),
                extension: "img",
            }
        }
    };
    let decoded = image.to_dynamic()?;
    let scaled = if decoded.width() > width {
        decoded.thumbnail(width, u32::MAX)
    } else {
        decoded
    };
    let mut png = Vec::new();
    scaled
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| format!("cannot encode the preview: {e}"))?;
    Ok(png)
}

fn pdf_preview(bytes: &[u8], page: u32, width: u32) -> Result<Vec<u8>, String> {
    PdfRenderer::new(bytes, PDF_TIMEOUT)?.png(page, width)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::GrayImage::from_pixel(width, height, image::Luma([200]));
        let mut out = Vec::new();
        image::DynamicImage::ImageLuma8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn images_are_scaled_down_never_up() {
        let limits = Limits::default();
        let small = page_preview(Format::Png, &png(1000, 500), 1, 200, &limits).unwrap();
        let decoded = image::load_from_memory(&small).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (200, 100));
        let kept = page_preview(Format::Png, &png(100, 50), 1, 200, &limits).unwrap();
        assert_eq!(image::load_from_memory(&kept).unwrap().width(), 100);
    }

    #[test]
    fn bad_requests_and_bad_bytes_are_errors_not_panics() {
        let limits = Limits::default();
        assert!(page_preview(Format::Png, &png(10, 10), 2, 200, &limits).is_err());
        assert!(page_preview(Format::Png, &png(10, 10), 0, 200, &limits).is_err());
        assert!(page_preview(Format::Png, &png(10, 10), 1, 5, &limits).is_err());
        assert!(page_preview(Format::Jpeg, b"not a jpeg", 1, 200, &limits).is_err());
        assert!(page_preview(Format::Pdf, b"%PDF-1.4 broken", 1, 200, &limits).is_err());
        assert!(page_preview(Format::Tiff, b"II*\0garbage", 1, 200, &limits).is_err());
    }
}
