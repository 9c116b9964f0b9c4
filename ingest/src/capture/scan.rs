//! Looking at every page of a stack once, at low resolution: is it a separator (a kho QR code),
//! is it blank? Pages are looked at a few at a time in parallel; only those few images are in
//! memory, whatever the stack's length.

use super::blank;
use super::qr::{find_separator, QrFinding};
use crate::extract::page_image::each_tiff_page;
use crate::extract::pdf_pages::{embedded_scan, page_size, PdfRenderer};
use crate::extract::PageImage;
use crate::Limits;
use image::imageops::FilterType;
use image::GrayImage;
use rayon::prelude::*;
use schemas::Format;
use std::time::Duration;

/// The resolution pages are looked at for QR codes and ink. Measured (docs/benchmarks.md,
/// "Separator QR codes"): every test sheet, the densest included, decoded from 75 dpi up; one
/// step above that for margin (2.6 pixels a module on the densest code).
pub const SCAN_DPI: f32 = 100.0;

/// What one page of a stack is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageScan {
    /// 1-based page number in the stack.
    pub page: u32,
    pub qr: QrFinding,
    pub blank: bool,
    /// The page could not be looked at (it is kept as an ordinary page).
    pub problem: Option<String>,
}

fn to_gray(image: &PageImage) -> Result<GrayImage, String> {
    Ok(image.to_dynamic()?.into_luma8())
}

/// Brings a page image to about [`SCAN_DPI`], given its resolution.
fn at_scan_dpi(gray: GrayImage, dpi: f32) -> (GrayImage, f32) {
    if dpi <= SCAN_DPI * 1.25 {
        return (gray, dpi);
    }
    let scale = SCAN_DPI / dpi;
    let (w, h) = (
        ((gray.width() as f32 * scale).round() as u32).max(1),
        ((gray.height() as f32 * scale).round() as u32).max(1),
    );
    (
        image::imageops::resize(&gray, w, h, FilterType::Triangle),
        SCAN_DPI,
    )
}

fn look(page: u32, image: Result<(GrayImage, f32), String>) -> PageScan {
    match image {
        Ok((gray, dpi)) => {
            let (gray, dpi) = at_scan_dpi(gray, dpi);
            let qr = find_separator(&gray);
            // A separator is never "blank"; anything else is tested for ink.
            let blank = qr == QrFinding::None && blank::is_blank(&gray, dpi);
            PageScan {
                page,
                qr,
                blank,
                problem: None,
            }
        }
        Err(why) => PageScan {
            page,
            qr: QrFinding::None,
            blank: false,
            problem: Some(why),
        },
    }
}

/// The resolution of a page image whose paper size is unknown (a TIFF page): read as A4 or
/// Letter, whichever way up, from its longer side.
fn assumed_dpi(gray: &GrayImage) -> f32 {
    gray.width().max(gray.height()) as f32 / 11.69
}

/// Looks at every page of a PDF or multi-page TIFF stack.
pub fn scan_stack(
    format: Format,
    bytes: &[u8],
    limits: &Limits,
    timeout: Duration,
) -> Result<Vec<PageScan>, String> {
    match format {
        Format::Pdf => scan_pdf(bytes, limits, timeout),
        Format::Tiff => Ok(scan_tiff(bytes, limits)),
        other => Err(format!(
            "a {} file holds one page; --split takes a PDF or a multi-page TIFF stack",
            other.name()
        )),
    }
}

fn scan_pdf(bytes: &[u8], limits: &Limits, timeout: Duration) -> Result<Vec<PageScan>, String> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(limits.max_pdf_stream_bytes),
        ..Default::default()
    };
    let doc = lopdf::Document::load_mem_with_options(bytes, options)
        .map_err(|e| format!("the PDF cannot be read: {e}"))?;
    let pages: Vec<(u32, lopdf::ObjectId)> = doc.get_pages().into_iter().collect();
    let renderer = std::sync::OnceLock::new();
    Ok(pages
        .par_iter()
        .map(|&(number, id)| {
            let size = page_size(&doc, id);
            let image = match embedded_scan(&doc, id, limits) {
                Some(image) => to_gray(&image).map(|gray| {
                    let width_in = size.map_or(8.27, |(w, h)| if gray.width() > gray.height() { w.max(h) } else { w.min(h) } / 72.0);
                    let dpi = gray.width() as f32 / width_in.max(0.1);
                    (gray, dpi)
                }),
                None => renderer
                    .get_or_init(|| PdfRenderer::new(bytes, timeout))
                    .as_ref()
                    .map_err(Clone::clone)
                    .and_then(|r| r.render_at(number, SCAN_DPI, size, limits))
                    .and_then(|image| to_gray(&image))
                    .map(|gray| (gray, SCAN_DPI)),
            };
            look(number, image)
        })
        .collect())
}

fn scan_tiff(bytes: &[u8], limits: &Limits) -> Vec<PageScan> {
    let chunk = rayon::current_num_threads().max(1) * 2;
    let mut out = Vec::new();
    let mut pending: Vec<(u32, Result<PageImage, String>)> = Vec::with_capacity(chunk);
    let flush = |pending: &mut Vec<(u32, Result<PageImage, String>)>, out: &mut Vec<PageScan>| {
        out.par_extend(pending.par_drain(..).map(|(page, image)| {
            let image = image.and_then(|i| to_gray(&i)).map(|gray| {
                let dpi = assumed_dpi(&gray);
                (gray, dpi)
            });
            look(page, image)
        }));
    };
    let mut number = 0;
    each_tiff_page(bytes, limits, &mut |image| {
        number += 1;
        pending.push((number, image));
        if pending.len() >= chunk {
            flush(&mut pending, &mut out);
        }
        true
    });
    flush(&mut pending, &mut out);
    out
}
