//! The text layer of a PDF, page by page, with pdf-extract (which follows Form XObjects, where
//! ocrmypdf puts its invisible text), guarded: every non-image stream is first inflated with a
//! bound, the extractor runs on its own thread under a time limit, and a panic in it is contained.

use crate::Limits;
use lopdf::{Document, Object};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::Duration;

/// Checks that no content, form, font or other non-image stream inflates past the limits, so that
/// the extractor (which inflates without limits) cannot be handed a decompression bomb.
fn check_streams(doc: &Document, limits: &Limits) -> Result<(), String> {
    let mut total = 0usize;
    for (id, object) in &doc.objects {
        let Object::Stream(stream) = object else {
            continue;
        };
        let is_image = stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|n| n == b"Image");
        if is_image {
            continue;
        }
        let size = stream
            .get_plain_content_with_limit(limits.max_pdf_stream_bytes)
            .map(|c| c.len())
            .map_err(|e| {
                format!(
                    "stream {} {} cannot be decoded within the limits: {e}",
                    id.0, id.1
                )
            })?;
        total += size;
        if total > limits.max_pdf_stream_bytes.saturating_mul(4) {
            return Err("the PDF's streams inflate past the total limit".into());
        }
    }
    Ok(())
}

/// Page texts from the text layer (NFC). An error means no page text could be read at all.
pub fn text_layer(
    doc: &Document,
    bytes: &[u8],
    limits: &Limits,
    timeout: Duration,
) -> Result<Vec<String>, String> {
    check_streams(doc, limits)?;
    let owned = bytes.to_vec();
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("kho-pdf-text".into())
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| {
                pdf_extract::extract_text_from_mem_by_pages(&owned)
            }));
            let _ = tx.send(result);
        })
        .map_err(|e| format!("cannot start the text extractor: {e}"))?;
    match rx.recv_timeout(timeout) {
        Ok(Ok(Ok(pages))) => Ok(pages.iter().map(|p| schemas::nfc(p)).collect()),
        Ok(Ok(Err(e))) => Err(format!("the text layer cannot be read: {e}")),
        Ok(Err(_)) => {
            Err("the text layer cannot be read: the PDF's structure made the extractor fail".into())
        }
        // The extractor thread is left to finish on its own; its result is dropped.
        Err(_) => Err(format!(
            "reading the text layer took longer than {} s",
            timeout.as_secs()
        )),
    }
}
