//! The text layer of a PDF, page by page, with pdf-extract (which follows Form XObjects, where
//! ocrmypdf puts its invisible text), guarded: inspection has already checked that every
//! non-image stream inflates within the limits (the extractor itself has none), the extractor
//! runs on its own thread under a time limit, and a panic in it is contained.

use crate::Limits;
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, ObjectId};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::Duration;

/// The content streams of pages and forms: where text-showing operators live.
fn content_stream_ids(doc: &Document) -> Vec<ObjectId> {
    let mut ids: Vec<ObjectId> = doc
        .get_pages()
        .values()
        .flat_map(|&page| doc.get_page_contents(page))
        .collect();
    ids.extend(doc.objects.iter().filter_map(|(id, object)| {
        let Object::Stream(stream) = object else {
            return None;
        };
        let subtype = stream.dict.get(b"Subtype").and_then(Object::as_name).ok()?;
        (subtype == b"Form").then_some(*id)
    }));
    ids.sort();
    ids.dedup();
    ids
}

/// Whether a content stream has a `'` or `"` byte outside its strings and comments, where it
/// can only be one of those operators. Text in embedded subset fonts is written as strings of
/// glyph codes in which these bytes are common, and parsing every such stream whole to look for
/// the operators was 7% of kho's time on born-digital PDFs (docs/benchmarks.md); this scan is
/// one pass over the bytes. It may say yes wrongly (then the stream is parsed, as before),
/// never no wrongly.
fn has_quote_operator(content: &[u8]) -> bool {
    let mut at = 0;
    while let Some(&b) = content.get(at) {
        match b {
            b'\'' | b'"' => return true,
            b'%' => {
                while content.get(at).is_some_and(|&c| c != b'\n' && c != b'\r') {
                    at += 1;
                }
            }
            b'(' => {
                let mut depth = 0usize;
                while let Some(&c) = content.get(at) {
                    match c {
                        b'\\' => at += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    at += 1;
                }
            }
            b'<' if content.get(at + 1) != Some(&b'<') => {
                while content.get(at).is_some_and(|&c| c != b'>') {
                    at += 1;
                }
            }
            b'<' => at += 1, // "<<": a dictionary, read on
            _ => {}
        }
        at += 1;
    }
    false
}

/// Rewrites the text operators `'` and `"` into the equivalent `T*` + `Tj` (with `Tw`, `Tc`),
/// which the extractor understands; it skips lines shown with them (Ghostscript writes most of
/// its lines so). Returns the rewritten PDF, or `None` when no stream uses them.
fn normalize_text_operators(doc: &Document, limits: &Limits) -> Option<Vec<u8>> {
    let mut rewrites = Vec::new();
    for id in content_stream_ids(doc) {
        let Ok(Object::Stream(stream)) = doc.get_object(id) else {
            continue;
        };
        let Ok(plain) = stream.get_plain_content_with_limit(limits.max_pdf_stream_bytes) else {
            continue;
        };
        if !has_quote_operator(&plain) {
            continue;
        }
        let Ok(content) = Content::decode(&plain) else {
            continue;
        };
        if !content
            .operations
            .iter()
            .any(|op| op.operator == "'" || op.operator == "\"")
        {
            continue;
        }
        let mut operations = Vec::with_capacity(content.operations.len() + 8);
        for op in content.operations {
            match (op.operator.as_str(), op.operands.as_slice()) {
                ("'", [text]) => {
                    operations.push(Operation::new("T*", vec![]));
                    operations.push(Operation::new("Tj", vec![text.clone()]));
                }
                ("\"", [word_spacing, char_spacing, text]) => {
                    operations.push(Operation::new("Tw", vec![word_spacing.clone()]));
                    operations.push(Operation::new("Tc", vec![char_spacing.clone()]));
                    operations.push(Operation::new("T*", vec![]));
                    operations.push(Operation::new("Tj", vec![text.clone()]));
                }
                _ => operations.push(op),
            }
        }
        if let Ok(encoded) = (Content { operations }).encode() {
            rewrites.push((id, encoded));
        }
    }
    if rewrites.is_empty() {
        return None;
    }
    let mut doc = doc.clone();
    for (id, encoded) in rewrites {
        if let Ok(Object::Stream(stream)) = doc.get_object_mut(id) {
            stream.set_plain_content(encoded);
        }
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).ok()?;
    Some(out)
}

/// Page texts from the text layer (NFC). An error means no page text could be read at all.
pub fn text_layer(
    doc: &Document,
    bytes: &[u8],
    limits: &Limits,
    timeout: Duration,
) -> Result<Vec<String>, String> {
    let owned = normalize_text_operators(doc, limits).unwrap_or_else(|| bytes.to_vec());
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

#[cfg(test)]
mod tests {
    use super::has_quote_operator;

    #[test]
    fn quote_operators_are_found_outside_strings_only() {
        assert!(has_quote_operator(
            b"BT /F1 12 Tf 14 TL (line one) Tj (line two) ' ET"
        ));
        assert!(has_quote_operator(b"BT 0 0 (spaced) \" ET"));
        // Glyph codes of subset fonts: quote bytes inside literal and hex strings, nested
        // parentheses and escapes, a comment, a dictionary.
        assert!(!has_quote_operator(
            b"BT /F1 12 Tf (a'b\"c) Tj (x(y')z\\)') Tj <0027 0022> Tj % it's a comment\n<< /A 1 >> BDC EMC ET"
        ));
        assert!(!has_quote_operator(b"(unterminated ' string"));
        assert!(!has_quote_operator(b""));
    }
}
