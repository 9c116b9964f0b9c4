//! The bodies of the fuzz targets (`fuzz/`), here so that the suite replays every committed seed
//! and regression input through exactly what the fuzzer ran (`tests/tests/e2e/fuzz_inputs.rs`),
//! without libFuzzer. Each must return for any bytes: no panic, no hang, no allocation bomb.

use std::time::Duration;

/// For the fuzz binaries' start: panics that kho contains by design (a parser's panic caught
/// and reported as damage) are silent instead of aborting. One that escapes kho still reaches
/// libFuzzer's `catch_unwind` and aborts: that is a crash, as it should be.
pub fn quiet_contained_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}

/// Format sniffing, then inspection under the default limits (lopdf, image headers).
pub fn sniff_inspect(data: &[u8]) {
    if let Ok(format) = ingest::sniff(data) {
        let _ = ingest::inspect(format, data, &ingest::Limits::default());
    }
}

/// The PDF text layer (lopdf, pdf-extract, the quality checks) on bytes that inspect as a PDF.
/// OCR points at a missing program, so pages without a sound layer end at once with a note.
pub fn pdf_extract(data: &[u8]) {
    let limits = ingest::Limits::default();
    let Ok(inspection) = ingest::inspect(schemas::Format::Pdf, data, &limits) else {
        return;
    };
    let mut cfg = ingest::extract::ExtractConfig::default();
    cfg.ocr.tesseract = "/nonexistent/tesseract".into();
    cfg.text_layer_timeout = Duration::from_secs(5);
    let _ = ingest::extract::extract(schemas::Format::Pdf, data, inspection.pages, &cfg);
}

/// Image decoding: every page of a TIFF split and decoded to pixels under the pixel limits.
pub fn tiff_pages(data: &[u8]) {
    let limits = ingest::Limits::default();
    for page in ingest::extract::page_image::tiff_pages(data, &limits)
        .into_iter()
        .flatten()
    {
        let _ = page.to_dynamic();
    }
}

/// Image decoding as previews do it: PNG, JPEG and TIFF that pass inspection (as every stored
/// file has) decoded, scaled and encoded to PNG, the first pages of a TIFF each.
pub fn image_decode(data: &[u8]) {
    let limits = ingest::Limits::default();
    let Ok(format) = ingest::sniff(data) else {
        return;
    };
    if format == schemas::Format::Pdf {
        return;
    }
    let Ok(inspection) = ingest::inspect(format, data, &limits) else {
        return;
    };
    for page in 1..=inspection.pages.min(3) {
        let _ = ingest::preview::page_preview(format, data, page, 200, &limits);
    }
}

/// Manifest parsing and each row's validation.
pub fn manifest(data: &[u8]) {
    let types = schemas::DocTypes::builtin();
    if let Ok(rows) = schemas::read_manifest(data) {
        for row in rows.flatten() {
            let _ = row.metadata.validate(&types, schemas::today());
        }
    }
}

/// The query language and the Vietnamese text rules it applies.
pub fn query(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = archive_core::search::query::parse(&text);
    let _ = schemas::fold(&text);
    let _ = schemas::canonical_tones(&text);
}

/// A fuzz target's body.
pub type Body = fn(&[u8]);

/// Every target by name, as `fuzz/` names them.
pub const TARGETS: [(&str, Body); 6] = [
    ("sniff_inspect", sniff_inspect),
    ("pdf_extract", pdf_extract),
    ("tiff_pages", tiff_pages),
    ("image_decode", image_decode),
    ("manifest", manifest),
    ("query", query),
];
