//! Text from every page: the PDF text layer where it is sound, Vietnamese OCR everywhere else.
//!
//! [`extract`] is a pure function of the bytes (it never touches the store), so it runs on any
//! number of threads and can be re-run later (`kho reextract`). It never fails as a whole: a page
//! that yields no text says why in its note, and the document is still stored.

mod ocr;
pub mod page_image;
pub(crate) mod pdf_pages;
mod pdf_text;
mod quality;

pub use ocr::{OcrConfig, OcrError, OcrPage};
pub use page_image::PageImage;
pub use quality::reject_reason;

use crate::Limits;
use rayon::prelude::*;
use schemas::{DocumentText, Format, PageSource, PageText};
use std::sync::OnceLock;
use std::time::Duration;

/// How extraction runs.
#[derive(Debug, Clone)]
pub struct ExtractConfig {
    pub ocr: OcrConfig,
    pub limits: Limits,
    /// Longest time the PDF text layer of one file may take to read.
    pub text_layer_timeout: Duration,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            ocr: OcrConfig::default(),
            limits: Limits::default(),
            text_layer_timeout: Duration::from_secs(60),
        }
    }
}

impl ExtractConfig {
    /// Names the engines, for the record of how a text was made.
    fn engine(&self) -> String {
        format!(
            "pdf-extract 0.12; {} ({}, psm {})",
            self.ocr.describe(),
            self.ocr.languages,
            self.ocr.psm
        )
    }
}

/// Trims trailing spaces from lines and runs of blank lines (text layers often carry both).
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = true;
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() {
            if !blank_run {
                out.push('\n');
            }
            blank_run = true;
        } else {
            out.push_str(line);
            out.push('\n');
            blank_run = false;
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// A page still to be read by OCR, and why.
struct OcrJob {
    page: u32,
    /// Why the text layer was not used (PDF pages).
    reason: Option<String>,
}

/// A page's text, and whether the page can be seen at all (as an image, or through its text):
/// a page whose image cannot be had, or whose image neither OCR nor kho's decoder can read,
/// cannot be shown to anyone.
struct PageOutcome {
    text: PageText,
    viewable: bool,
}

fn ocr_result(cfg: &ExtractConfig, job: &OcrJob, image: Result<PageImage, String>) -> PageOutcome {
    let mut viewable = image.is_ok();
    let read = image.and_then(|img| {
        cfg.ocr.ocr_page(&img).map_err(|e| {
            if matches!(e, OcrError::ImageUnreadable(_)) {
                // Decoded here only when the engine gave up: the rare, damaged case.
                viewable = img.to_dynamic().is_ok();
            }
            e.to_string()
        })
    });
    PageOutcome {
        text: ocr_text(job, read),
        viewable,
    }
}

fn ocr_text(job: &OcrJob, read: Result<OcrPage, String>) -> PageText {
    let mut notes: Vec<String> = job.reason.iter().cloned().collect();
    match read {
        Ok(page) => {
            if page.rotated != 0 {
                notes.push(format!("the page was turned {}° to read it", page.rotated));
            }
            let has_text = page.text.chars().any(char::is_alphanumeric);
            if !has_text {
                notes.push("OCR found no text (a blank page?)".into());
            }
            PageText {
                page: job.page,
                text: page.text,
                source: if has_text {
                    PageSource::Ocr
                } else {
                    PageSource::None
                },
                ocr_confidence: has_text
                    .then(|| (f64::from(page.confidence) * 10.0).round() / 10.0),
                rotated: page.rotated,
                note: (!notes.is_empty()).then(|| notes.join("; ")),
            }
        }
        Err(e) => {
            notes.push(e);
            PageText::without_text(job.page, notes.join("; "))
        }
    }
}

/// Extracts the text of every page of a file already inspected as `format` with `pages` pages.
/// Never fails: a page without text says why in its note (re-reading a stored file keeps it).
pub fn extract(format: Format, bytes: &[u8], pages: u32, cfg: &ExtractConfig) -> DocumentText {
    extract_pages(format, bytes, pages, cfg).0
}

/// [`extract`] for a file about to be stored: a file no page of which can be shown (neither
/// rendered nor decoded, nor read for text) is damaged, not a paper (ARCHITECTURE.md,
/// "Decisions": what a file must be to be stored as a paper).
pub fn extract_new(
    format: Format,
    bytes: &[u8],
    pages: u32,
    cfg: &ExtractConfig,
) -> Result<DocumentText, crate::InspectError> {
    let (text, viewable_pages) = extract_pages(format, bytes, pages, cfg);
    if viewable_pages == 0 {
        return Err(crate::InspectError::Damaged {
            format: format.name(),
            detail: crate::inspect::Damage::NothingViewable,
        });
    }
    Ok(text)
}

/// The text of every page and how many pages can be seen.
fn extract_pages(
    format: Format,
    bytes: &[u8],
    pages: u32,
    cfg: &ExtractConfig,
) -> (DocumentText, usize) {
    let outcomes = match format {
        Format::Pdf => extract_pdf(bytes, pages, cfg),
        Format::Tiff if pages > 1 => extract_tiff(bytes, cfg),
        // A single image is handed to tesseract as it is, whatever its format.
        Format::Png | Format::Jpeg | Format::Tiff => {
            let extension = match format {
                Format::Png => "png",
                Format::Jpeg => "jpg",
                _ => "tif",
            };
            let image = PageImage::Encoded {
                bytes: bytes.to_vec(),
                extension,
            };
            let job = OcrJob {
                page: 1,
                reason: None,
            };
            vec![ocr_result(cfg, &job, Ok(image))]
        }
    };
    let viewable = outcomes.iter().filter(|o| o.viewable).count();
    let mut texts: Vec<PageText> = outcomes.into_iter().map(|o| o.text).collect();
    texts.sort_by_key(|p| p.page);
    let text = DocumentText {
        pages: texts,
        engine: cfg.engine(),
    };
    (text, viewable)
}

/// Decodes a few pages at a time (as many as there are workers) and OCRs them in parallel, so
/// memory holds a handful of page images whatever the page count.
fn extract_tiff(bytes: &[u8], cfg: &ExtractConfig) -> Vec<PageOutcome> {
    let images = page_image::tiff_pages(bytes, &cfg.limits);
    let chunk = rayon::current_num_threads().max(1);
    let mut out = Vec::with_capacity(images.len());
    let mut numbered = images.into_iter().enumerate().peekable();
    while numbered.peek().is_some() {
        let batch: Vec<(usize, Result<PageImage, String>)> =
            numbered.by_ref().take(chunk).collect();
        out.par_extend(batch.into_par_iter().map(|(i, image)| {
            let job = OcrJob {
                page: i as u32 + 1,
                reason: None,
            };
            ocr_result(cfg, &job, image)
        }));
    }
    out
}

fn extract_pdf(bytes: &[u8], pages: u32, cfg: &ExtractConfig) -> Vec<PageOutcome> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(cfg.limits.max_pdf_stream_bytes),
        ..Default::default()
    };
    let doc = match lopdf::Document::load_mem_with_options(bytes, options) {
        Ok(d) => d,
        Err(e) => {
            return (1..=pages)
                .map(|page| PageOutcome {
                    text: PageText::without_text(page, format!("the PDF cannot be read: {e}")),
                    viewable: false,
                })
                .collect()
        }
    };
    let page_ids = doc.get_pages();
    let layer = pdf_text::text_layer(&doc, bytes, &cfg.limits, cfg.text_layer_timeout);
    let mut done = Vec::new();
    let mut jobs = Vec::new();
    for &page in page_ids.keys() {
        let text = match &layer {
            Ok(texts) => texts.get(page as usize - 1).cloned().unwrap_or_default(),
            Err(_) => String::new(),
        };
        let reason = match &layer {
            Err(e) => Some(e.clone()),
            Ok(_) => quality::reject_reason(&text),
        };
        match reason {
            None => done.push(PageOutcome {
                text: PageText {
                    page,
                    text: tidy(&text),
                    source: PageSource::TextLayer,
                    ocr_confidence: None,
                    rotated: 0,
                    note: None,
                },
                viewable: true,
            }),
            Some(reason) => jobs.push(OcrJob {
                page,
                reason: Some(reason),
            }),
        }
    }
    let renderer: OnceLock<Result<pdf_pages::PdfRenderer, String>> = OnceLock::new();
    let ocr_pages: Vec<PageOutcome> = jobs
        .par_iter()
        .map(|job| {
            let page_id = page_ids[&job.page];
            let image = match pdf_pages::embedded_scan(&doc, page_id, &cfg.limits) {
                Some(image) => Ok(image),
                None => renderer
                    .get_or_init(|| pdf_pages::PdfRenderer::new(bytes, cfg.ocr.page_timeout))
                    .as_ref()
                    .map_err(Clone::clone)
                    .and_then(|r| {
                        r.render(job.page, pdf_pages::page_size(&doc, page_id), &cfg.limits)
                    }),
            };
            ocr_result(cfg, job, image)
        })
        .collect();
    done.extend(ocr_pages);
    done
}
