//! Signing a PDF built in memory: a signature field on the first page, a signature dictionary
//! with a placeholder /Contents, the file written once, its /ByteRange filled in (same width),
//! the bytes around the placeholder hashed and signed, the value written into the placeholder.

use super::signer::AgencySigner;
use crate::pdfgen::text_string;
use lopdf::{dictionary, Document, Object, ObjectId, StringFormat};
use time::OffsetDateTime;

/// Ten digits: wide enough for any offset of a file within kho's size limit.
const PLACEHOLDER_NUMBER: i64 = 9_999_999_999;

fn find(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// `D:YYYYMMDDHHmmSSZ`.
fn pdf_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Signs `doc` (whose first page is `page`) and returns the signed file's bytes.
pub(crate) fn sign(
    mut doc: Document,
    page: ObjectId,
    signer: &AgencySigner,
    reason: &str,
    at: OffsetDateTime,
) -> Result<Vec<u8>, String> {
    let reserve = super::cms_out::reserve(signer);
    let mut sig = dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "M" => Object::string_literal(pdf_date(at)),
        "Reason" => text_string(reason),
        "ByteRange" => vec![Object::Integer(PLACEHOLDER_NUMBER); 4],
        "Contents" => Object::String(vec![0u8; reserve], StringFormat::Hexadecimal),
    };
    if let Some(name) = signer.common_name() {
        sig.set("Name", text_string(&name));
    }
    let sig_id = doc.add_object(sig);
    let field_id = doc.add_object(dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "T" => Object::string_literal("kho-certification"),
        "V" => sig_id,
        "Rect" => vec![0.into(), 0.into(), 0.into(), 0.into()],
        "F" => 132,
        "P" => page,
    });
    add_annotation(&mut doc, page, field_id)?;
    let catalog = doc
        .catalog_mut()
        .map_err(|e| format!("no catalogue: {e}"))?;
    catalog.set(
        "AcroForm",
        dictionary! {
            "Fields" => vec![Object::Reference(field_id)],
            "SigFlags" => 3,
        },
    );
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes)
        .map_err(|e| format!("cannot write the PDF: {e}"))?;

    let placeholder = format!("/ByteRange[{n} {n} {n} {n}]", n = PLACEHOLDER_NUMBER);
    let range_at = match find(&bytes, placeholder.as_bytes()).as_slice() {
        [one] => *one + "/ByteRange".len(),
        _ => return Err("the signature placeholder was not written once".into()),
    };
    let hex_placeholder = [b"<".as_slice(), &vec![b'0'; reserve * 2], b">"].concat();
    let contents_start = match find(&bytes, &hex_placeholder).as_slice() {
        [one] => *one,
        _ => return Err("the signature value placeholder was not written once".into()),
    };
    let contents_end = contents_start + hex_placeholder.len();
    let ranges = format!(
        "[0 {contents_start} {contents_end} {}]",
        bytes.len() - contents_end
    );
    let width = placeholder.len() - "/ByteRange".len();
    if ranges.len() > width {
        return Err("the file is too large to sign".into());
    }
    // Same width as the placeholder: spaces before the closing bracket.
    let padded = format!("{:<pad$}]", &ranges[..ranges.len() - 1], pad = width - 1);
    bytes[range_at..range_at + width].copy_from_slice(padded.as_bytes());

    let mut hasher = openssl::hash::Hasher::new(openssl::hash::MessageDigest::sha256())
        .map_err(|e| e.to_string())?;
    hasher
        .update(&bytes[..contents_start])
        .and_then(|_| hasher.update(&bytes[contents_end..]))
        .map_err(|e| e.to_string())?;
    let digest = hasher.finish().map_err(|e| e.to_string())?;
    let value = super::cms_out::signed_data(signer, &digest)?;
    if value.len() > reserve {
        return Err(format!(
            "the signature value ({} bytes) does not fit the room reserved ({reserve})",
            value.len()
        ));
    }
    let hex = hex::encode_upper(&value);
    bytes[contents_start + 1..contents_start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(bytes)
}

fn add_annotation(doc: &mut Document, page: ObjectId, annotation: ObjectId) -> Result<(), String> {
    let existing = doc
        .get_dictionary(page)
        .map_err(|e| format!("first page: {e}"))?
        .get(b"Annots")
        .ok()
        .cloned();
    let mut list = match existing {
        Some(Object::Array(items)) => items,
        Some(Object::Reference(id)) => doc
            .get_object(id)
            .ok()
            .and_then(|o| o.as_array().ok().cloned())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    list.push(Object::Reference(annotation));
    doc.get_dictionary_mut(page)
        .map_err(|e| format!("first page: {e}"))?
        .set("Annots", list);
    Ok(())
}
