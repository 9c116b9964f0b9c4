//! A document's own file, cut out of a stack: the PDF with the other pages deleted (and the
//! objects only they used pruned), or a TIFF of the chosen pages re-encoded without loss. The
//! cut is deterministic: the same stack and pages give the same bytes, so a stack ingested
//! twice (a restart) finds its documents as duplicates.

use crate::extract::page_image::each_tiff_page;
use crate::extract::PageImage;
use crate::Limits;
use schemas::Format;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The bytes of a file holding `pages` (1-based, ascending) of the stack.
pub fn cut(
    format: Format,
    bytes: &[u8],
    pages: &[u32],
    limits: &Limits,
) -> Result<Vec<u8>, String> {
    // lopdf and tiff are given hostile files too: a panic in them is this stack's error.
    catch_unwind(AssertUnwindSafe(|| match format {
        Format::Pdf => cut_pdf(bytes, pages, limits),
        Format::Tiff => cut_tiff(bytes, pages, limits),
        other => Err(format!("a {} file cannot be split", other.name())),
    }))
    .unwrap_or_else(|_| {
        Err("the file could not be cut into documents (its structure is damaged)".to_string())
    })
}

fn cut_pdf(bytes: &[u8], pages: &[u32], limits: &Limits) -> Result<Vec<u8>, String> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(limits.max_pdf_stream_bytes),
        ..Default::default()
    };
    let mut doc = lopdf::Document::load_mem_with_options(bytes, options)
        .map_err(|e| format!("the PDF cannot be read: {e}"))?;
    let others: Vec<u32> = doc
        .get_pages()
        .keys()
        .copied()
        .filter(|p| pages.binary_search(p).is_err())
        .collect();
    doc.delete_pages(&others);
    // Outlines and the structure tree point into every page of the stack; they describe it,
    // not this document.
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.remove(b"Outlines");
        catalog.remove(b"StructTreeRoot");
        catalog.remove(b"PageLabels");
    }
    doc.prune_objects();
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| format!("cannot write the document's PDF: {e}"))?;
    Ok(out)
}

fn cut_tiff(bytes: &[u8], pages: &[u32], limits: &Limits) -> Result<Vec<u8>, String> {
    use tiff::encoder::{colortype, Compression, DeflateLevel, TiffEncoder};
    let mut out = Cursor::new(Vec::new());
    let mut encoder = TiffEncoder::new(&mut out)
        .map_err(|e| e.to_string())?
        .with_compression(Compression::Deflate(DeflateLevel::Balanced));
    let mut number = 0u32;
    let mut failure = None;
    let last = pages.last().copied().unwrap_or(0);
    each_tiff_page(bytes, limits, &mut |page| {
        number += 1;
        if pages.binary_search(&number).is_err() {
            return number < last;
        }
        let written = page.and_then(|image| match image {
            PageImage::Pixels {
                width,
                height,
                channels: 1,
                data,
            } => encoder
                .write_image::<colortype::Gray8>(width, height, &data)
                .map_err(|e| e.to_string()),
            PageImage::Pixels {
                width,
                height,
                data,
                ..
            } => encoder
                .write_image::<colortype::RGB8>(width, height, &data)
                .map_err(|e| e.to_string()),
            PageImage::Encoded { .. } => Err("unexpected encoded TIFF page".to_string()),
        });
        if let Err(why) = written {
            failure = Some(format!("page {number} of the TIFF: {why}"));
            return false;
        }
        number < last
    });
    if let Some(why) = failure {
        return Err(why);
    }
    Ok(out.into_inner())
}
