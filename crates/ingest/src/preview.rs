//! Page previews: one page of a stored file as a small PNG, for the web UI and the API.
//!
//! A pure function of bytes like the rest of this crate; caching the result is the caller's
//! business. PDF pages are drawn by `pdftoppm` straight at the preview size (a process of its
//! own, with a time limit, so that a hostile PDF cannot take the server down); images are decoded
//! under the same limits as at ingest and scaled down.

use crate::extract::page_image::{tiff_pages, PageImage};
use crate::Limits;
use schemas::Format;
use std::io::Cursor;
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

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
    let dir = tempfile::Builder::new()
        .prefix("kho-preview-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let pdf = dir.path().join("input.pdf");
    std::fs::write(&pdf, bytes).map_err(|e| format!("cannot write a temporary file: {e}"))?;
    let base = dir.path().join("preview");
    let mut child = Command::new("pdftoppm")
        .args(["-png", "-singlefile", "-scale-to-x"])
        .arg(width.to_string())
        .args([
            "-scale-to-y",
            "-1",
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
        ])
        .arg(&pdf)
        .arg(&base)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            format!(
                "cannot draw the page: pdftoppm could not be started ({e}); install poppler-utils"
            )
        })?;
    match child.wait_timeout(PDF_TIMEOUT) {
        Ok(Some(status)) if status.success() => {}
        Ok(Some(_)) => return Err(format!("cannot draw page {page} of this PDF")),
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "drawing page {page} took longer than {} s",
                PDF_TIMEOUT.as_secs()
            ));
        }
    }
    std::fs::read(base.with_extension("png")).map_err(|_| format!("the PDF has no page {page}"))
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
