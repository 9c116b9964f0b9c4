//! Metadata suggested from a file's text before it is stored (the upload form's "read the file"
//! step) and from the text extracted while storing it (the upload answer): the extraction of
//! `extract`, then `schemas::suggest_fields`, which decides what the text says plainly.

use crate::extract::{extract, ExtractConfig};
use crate::files::{load_bytes, FileReport};
use schemas::Suggestions;

/// Reads `bytes` (text layer or OCR, under `cfg`'s limits and time) and suggests metadata from
/// the text, without storing anything. A file kho would refuse comes back as its report.
pub fn suggest_from_bytes(
    display: &str,
    bytes: Vec<u8>,
    cfg: &ExtractConfig,
) -> Result<Suggestions, Box<FileReport>> {
    let loaded = load_bytes(display, bytes, &cfg.limits)?;
    let text = extract(
        loaded.inspection.format,
        &loaded.bytes,
        loaded.inspection.pages,
        cfg,
    );
    Ok(schemas::suggest_fields(&text.joined(), schemas::today()))
}
