//! Certified electronic copies: a new PDF holding every page of a stored original (PDF pages as
//! they are, scans as their images), a QR code at the top left of the first page with the
//! one-stop system's fields and kho's verification code, and the digitizing agency's PAdES
//! baseline B-B signature over the whole file.
//!
//! [`make_copy`] is a pure function of the original's bytes, the request and the key;
//! [`certify_document`] adds the store through its `certify` service: the caller is allowed
//! (or refused, ledgered), the original read, the copy recorded (a ledger event for the owner)
//! and the bytes handed out.

mod cms_out;
mod pades;
mod signer;

pub use signer::AgencySigner;

use crate::extract::page_image::{tiff_pages, PageImage};
use crate::pdfgen;
use crate::Limits;
use archive_core::{Archive, ArchiveError};
use lopdf::{dictionary, Document, Object, ObjectId, Stream};
use schemas::{AccessReason, Caller, CertifiedCopy, CopyQrPayload, DocumentRecord, Format};
use time::OffsetDateTime;

/// Why a copy could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CertifyError {
    #[error("the original of {id} cannot be copied: {detail}")]
    Original { id: String, detail: String },
    #[error("the copy could not be signed: {0}")]
    Signing(String),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
}

/// What goes on the copy besides the pages.
#[derive(Debug, Clone)]
pub struct CopyStamp {
    pub payload: CopyQrPayload,
    /// Where a holder checks the copy: `/verify/CODE`, or a whole URL when the server knows its
    /// public address.
    pub verify_at: String,
    pub at: OffsetDateTime,
}

/// Side of the QR code, in points (about 28 mm: decodes from a phone or a 150-dpi scan).
const QR_SIZE: f32 = 80.0;
const MARGIN: f32 = 14.0;

/// Builds and signs the copy of `original` (its format as stored).
pub fn make_copy(
    original: &[u8],
    format: Format,
    stamp: &CopyStamp,
    signer: &AgencySigner,
    limits: &Limits,
) -> Result<Vec<u8>, String> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let (mut doc, first_page) = match format {
            Format::Pdf => from_pdf(original, limits)?,
            Format::Jpeg | Format::Png | Format::Tiff => from_images(original, format, limits)?,
        };
        add_stamp(&mut doc, first_page, stamp)?;
        let reason = format!(
            "Bản sao điện tử có chứng thực, mã kiểm tra {}",
            stamp.payload.code
        );
        pades::sign(doc, first_page, signer, &reason, stamp.at)
    }));
    outcome.unwrap_or_else(|_| Err("the PDF library failed on this original".into()))
}

/// The original PDF itself, less its own signature fields (they cannot stay valid in a new file,
/// and a reader would show them as broken), objects no longer used dropped.
fn from_pdf(original: &[u8], limits: &Limits) -> Result<(Document, ObjectId), String> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(limits.max_pdf_stream_bytes),
        ..Default::default()
    };
    let mut doc = Document::load_mem_with_options(original, options)
        .map_err(|e| format!("the PDF cannot be read: {e}"))?;
    if doc.is_encrypted() {
        return Err("the PDF is encrypted".into());
    }
    if let Ok(catalog) = doc.catalog_mut() {
        // Signature fields and their permissions, and whatever would act when the copy is
        // opened: the agency's signature must not vouch for scripts, launches or attachments.
        for key in [
            b"AcroForm".as_slice(),
            b"Perms",
            b"DSS",
            b"OpenAction",
            b"AA",
        ] {
            catalog.remove(key);
        }
    }
    strip_active_names(&mut doc);
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    for &page in &pages {
        let annots = match doc.get_dictionary(page).and_then(|p| p.get(b"Annots")) {
            Ok(Object::Array(items)) => items.clone(),
            Ok(Object::Reference(id)) => doc
                .get_object(*id)
                .and_then(Object::as_array)
                .cloned()
                .unwrap_or_default(),
            _ => continue,
        };
        let mut kept: Vec<Object> = annots
            .into_iter()
            .filter(|annot| {
                let dict = match annot {
                    Object::Reference(id) => doc.get_dictionary(*id).ok(),
                    Object::Dictionary(d) => Some(d),
                    _ => None,
                };
                !dict.is_some_and(|d| {
                    d.get(b"FT").and_then(Object::as_name).ok() == Some(b"Sig".as_slice())
                        || ACTIVE_ANNOTATIONS
                            .contains(&d.get(b"Subtype").and_then(Object::as_name).unwrap_or(b""))
                })
            })
            .collect();
        for annot in &mut kept {
            match annot {
                Object::Reference(id) => {
                    if let Ok(dict) = doc.get_dictionary_mut(*id) {
                        disarm(dict);
                    }
                }
                Object::Dictionary(dict) => disarm(dict),
                _ => {}
            }
        }
        if let Ok(dict) = doc.get_dictionary_mut(page) {
            dict.remove(b"AA");
            dict.set("Annots", kept);
        }
    }
    doc.prune_objects();
    let first = *pages.first().ok_or("the PDF has no pages")?;
    Ok((doc, first))
}

/// Annotations that play or carry content (attachments, sound, video, rich media): dropped.
const ACTIVE_ANNOTATIONS: [&[u8]; 5] = [
    b"FileAttachment",
    b"Sound",
    b"Movie",
    b"Screen",
    b"RichMedia",
];

/// Actions a link may keep: going to a page, a named page, a web address. Any other (JavaScript,
/// Launch, SubmitForm, ImportData, GoToR/GoToE to other files...) is removed.
const PASSIVE_ACTIONS: [&[u8]; 3] = [b"GoTo", b"Named", b"URI"];

/// An annotation without its triggered actions, and without its action unless that is passive.
fn disarm(annot: &mut lopdf::Dictionary) {
    annot.remove(b"AA");
    let passive = annot
        .get(b"A")
        .and_then(Object::as_dict)
        .and_then(|a| a.get(b"S"))
        .and_then(Object::as_name)
        .is_ok_and(|kind| PASSIVE_ACTIONS.contains(&kind));
    if !passive {
        annot.remove(b"A");
    }
}

/// The document-level scripts and embedded files (`/Names` `/JavaScript`, `/EmbeddedFiles`).
fn strip_active_names(doc: &mut Document) {
    let names = match doc.catalog().and_then(|c| c.get(b"Names")) {
        Ok(Object::Reference(id)) => Some(*id),
        _ => None,
    };
    let strip = |dict: &mut lopdf::Dictionary| {
        dict.remove(b"JavaScript");
        dict.remove(b"EmbeddedFiles");
    };
    match names {
        Some(id) => {
            if let Ok(dict) = doc.get_dictionary_mut(id) {
                strip(dict);
            }
        }
        None => {
            if let Ok(Object::Dictionary(dict)) =
                doc.catalog_mut().and_then(|c| c.get_mut(b"Names"))
            {
                strip(dict);
            }
        }
    }
}

/// A new PDF with one page per image, each page the image's shape fitted to A4.
fn from_images(
    original: &[u8],
    format: Format,
    limits: &Limits,
) -> Result<(Document, ObjectId), String> {
    let mut images: Vec<(Stream, u32, u32)> = Vec::new();
    match format {
        Format::Jpeg => images.push(pdfgen::jpeg_xobject(original)?),
        Format::Png => images.push(pixels_of(&PageImage::Encoded {
            bytes: original.to_vec(),
            extension: "png",
        })?),
        _ => {
            for page in tiff_pages(original, limits) {
                images.push(pixels_of(&page?)?);
            }
        }
    }
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for (stream, width, height) in images {
        let scale = (595.0 / width as f32).min(842.0 / height as f32);
        let (w, h) = (width as f32 * scale, height as f32 * scale);
        let image_id = doc.add_object(stream);
        let content = format!("q {w:.3} 0 0 {h:.3} 0 0 cm /Scan Do Q\n");
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        kids.push(Object::Reference(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), w.into(), h.into()],
            "Contents" => content_id,
            "Resources" => dictionary! { "XObject" => dictionary! { "Scan" => image_id } },
        })));
    }
    let first = match kids.first() {
        Some(Object::Reference(id)) => *id,
        _ => return Err("the original has no pages".into()),
    };
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    Ok((doc, first))
}

fn pixels_of(page: &PageImage) -> Result<(Stream, u32, u32), String> {
    let image = page.to_dynamic()?;
    let (width, height) = (image.width(), image.height());
    Ok(if image.color().has_color() {
        (
            pdfgen::pixels_xobject(width, height, 3, image.to_rgb8().as_raw()),
            width,
            height,
        )
    } else {
        (
            pdfgen::pixels_xobject(width, height, 1, image.to_luma8().as_raw()),
            width,
            height,
        )
    })
}

/// The page's /MediaBox, inherited from the page tree if need be; A4 if none is readable.
fn media_box(doc: &Document, page: ObjectId) -> [f32; 4] {
    let mut current = doc.get_dictionary(page).ok();
    for _ in 0..32 {
        let Some(dict) = current else { break };
        if let Ok(Object::Array(values)) = dict.get(b"MediaBox") {
            let numbers: Vec<f32> = values.iter().filter_map(|v| v.as_float().ok()).collect();
            if let [x0, y0, x1, y1] = numbers[..] {
                return [x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)];
            }
        }
        current = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_dictionary(id))
            .ok();
    }
    [0.0, 0.0, 595.0, 842.0]
}

/// Draws the QR code and the verification code at the top left of the first page, over the
/// page's own content (wrapped in q/Q so that its graphics state cannot move the stamp). Only
/// the QR code has a white ground (a reader needs its quiet zone); the words are drawn without
/// one, so that they hide as little of the page as possible.
fn add_stamp(doc: &mut Document, page: ObjectId, stamp: &CopyStamp) -> Result<(), String> {
    let [x0, _, _, y1] = media_box(doc, page);
    let qr_x = x0 + MARGIN;
    let qr_y = y1 - MARGIN - QR_SIZE;
    let mut ops = pdfgen::qr_operators(&stamp.payload.encode(), qr_x, qr_y, QR_SIZE)?;
    let code_line = format!("Ma kiem tra: {}", stamp.payload.code);
    let where_line = format!("Kiem tra tai: {}", stamp.verify_at);
    let lines = [
        "Ban sao dien tu co chung thuc",
        code_line.as_str(),
        where_line.as_str(),
    ];
    ops.extend(pdfgen::label_operators(&lines, qr_x + 2.0, qr_y - 9.0, 7.0));

    let font_id = doc.add_object(pdfgen::helvetica());
    let resources = doc
        .get_or_create_resources(page)
        .and_then(Object::as_dict_mut)
        .map_err(|e| format!("first page resources: {e}"))?;
    if !resources.has(b"Font") {
        resources.set("Font", dictionary! {});
    }
    let font_holder = resources.get(b"Font").ok().cloned();
    match font_holder {
        Some(Object::Reference(id)) => doc
            .get_dictionary_mut(id)
            .map_err(|e| format!("first page fonts: {e}"))?
            .set(pdfgen::LABEL_FONT, font_id),
        _ => doc
            .get_or_create_resources(page)
            .and_then(Object::as_dict_mut)
            .and_then(|r| r.get_mut(b"Font"))
            .and_then(Object::as_dict_mut)
            .map_err(|e| format!("first page fonts: {e}"))?
            .set(pdfgen::LABEL_FONT, font_id),
    }

    let old: Vec<Object> = match doc.get_dictionary(page).and_then(|p| p.get(b"Contents")) {
        Ok(Object::Reference(id)) => match doc.get_object(*id) {
            Ok(Object::Array(items)) => items.clone(),
            _ => vec![Object::Reference(*id)],
        },
        Ok(Object::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    let open = doc.add_object(Stream::new(dictionary! {}, b"q\n".to_vec()));
    let close = doc.add_object(Stream::new(
        dictionary! {},
        [b"Q\n".as_slice(), &ops].concat(),
    ));
    let mut contents = vec![Object::Reference(open)];
    contents.extend(old);
    contents.push(Object::Reference(close));
    doc.get_dictionary_mut(page)
        .map_err(|e| format!("first page: {e}"))?
        .set("Contents", contents);
    Ok(())
}

/// A fresh verification code from the system's random source.
fn new_code() -> Result<String, CertifyError> {
    let mut random = [0u8; 8];
    openssl::rand::rand_bytes(&mut random)
        .map_err(|e| CertifyError::Signing(format!("no random source: {e}")))?;
    Ok(schemas::verification_code(random))
}

/// What [`certify_document`] needs besides the document and who asks.
pub struct CertifyRequest<'a> {
    pub signer: &'a AgencySigner,
    /// The public address of `/verify`, without the code (`https://kho.example.gov.vn/verify/`);
    /// `None` prints the path only.
    pub verify_base: Option<&'a str>,
    pub limits: &'a Limits,
}

/// Makes a certified copy of stored document `id` for `caller`, through the archive's
/// [`Archive::certify`] service (which decides whether the caller may, reads the verified
/// original and records the copy with its ledger event for the owner, naming the dossier of
/// `reason`), and returns it with its bytes.
pub fn certify_document(
    archive: &Archive,
    caller: &Caller,
    id: &str,
    reason: &AccessReason,
    request: &CertifyRequest<'_>,
) -> Result<(CertifiedCopy, Vec<u8>), CertifyError> {
    archive.certify(caller, id, reason, |record, original| {
        build_copy(archive, caller, reason, record, original, request)
    })
}

/// The signed copy of `original` and its description, as [`Archive::certify`] records it.
fn build_copy(
    archive: &Archive,
    caller: &Caller,
    reason: &AccessReason,
    record: &DocumentRecord,
    original: &[u8],
    request: &CertifyRequest<'_>,
) -> Result<(CertifiedCopy, Vec<u8>), CertifyError> {
    let code = new_code()?;
    let at = OffsetDateTime::now_utc();
    let paper_name = archive
        .doc_types()
        .get(&record.metadata.doc_type)
        .map(|t| t.title.clone())
        .unwrap_or_else(|| record.metadata.title.clone());
    let stamp = CopyStamp {
        payload: CopyQrPayload {
            dossier_code: record.metadata.dossier_code.as_ref().map(|c| c.to_string()),
            procedure_code: record
                .metadata
                .procedure_code
                .as_ref()
                .map(|c| c.to_string()),
            owner_id: record.metadata.owner_id.to_string(),
            paper_name,
            code: code.clone(),
        },
        verify_at: format!("{}{code}", request.verify_base.unwrap_or("/verify/")),
        at,
    };
    let bytes = make_copy(
        original,
        record.format,
        &stamp,
        request.signer,
        request.limits,
    )
    .map_err(|detail| CertifyError::Original {
        id: record.id.clone(),
        detail,
    })?;
    let copy = CertifiedCopy {
        code,
        doc_id: record.id.clone(),
        sha256: sha256_hex(&bytes)?,
        certified_at: at,
        certified_by: caller.actor().name.clone(),
        agency: request.signer.organization(),
        signer: request.signer.common_name(),
        dossier_code: reason.dossier_code.clone(),
    };
    Ok((copy, bytes))
}

fn sha256_hex(bytes: &[u8]) -> Result<String, CertifyError> {
    openssl::hash::hash(openssl::hash::MessageDigest::sha256(), bytes)
        .map(hex::encode)
        .map_err(|e| CertifyError::Signing(e.to_string()))
}

/// What checking a file handed in as a certified copy found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CopyCheck {
    /// sha256 of the file handed in.
    pub sha256: String,
    /// Whether it is, byte for byte, a copy this store issued.
    pub issued_here: bool,
    /// The copy and today's state of its original, when it is one.
    pub copy: Option<schemas::CopyVerification>,
    /// The file's own signatures, checked against the store's anchors.
    pub signatures: Vec<schemas::SignatureInfo>,
}

/// Checks a file someone holds: is it an unchanged copy kho issued, and what is its original's
/// state today. A copy found is recorded in the owner's ledger (`how`: where it was checked) by
/// the archive's [`Archive::check_copy_by_sha256`] service.
pub fn check_copy_file(
    archive: &Archive,
    bytes: &[u8],
    how: &str,
) -> Result<CopyCheck, CertifyError> {
    let sha256 = sha256_hex(bytes)?;
    let signatures =
        crate::signature::check_any(bytes, &crate::signature::TrustStore::of_archive(archive)?);
    let copy = archive.check_copy_by_sha256(&sha256, how)?;
    Ok(CopyCheck {
        sha256,
        issued_here: copy.is_some(),
        copy,
        signatures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-page PDF that runs a script when opened, on a link, and from its name tree, and
    /// carries an attachment and a web link.
    fn pdf_with_active_content() -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let js =
            dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("app.alert(1)") };
        let js_id = doc.add_object(js.clone());
        let link = dictionary! {
            "Type" => "Annot", "Subtype" => "Link", "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
            "A" => js.clone(),
        };
        let web = dictionary! {
            "Type" => "Annot", "Subtype" => "Link", "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
            "A" => dictionary! { "S" => "URI", "URI" => Object::string_literal("https://dichvucong.gov.vn") },
        };
        let attachment = dictionary! {
            "Type" => "Annot", "Subtype" => "FileAttachment", "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
        };
        let link_id = doc.add_object(link);
        let web_id = doc.add_object(web);
        let attachment_id = doc.add_object(attachment);
        let content = doc.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content,
            "Annots" => vec![link_id.into(), web_id.into(), attachment_id.into()],
            "AA" => dictionary! { "O" => js_id },
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let names = dictionary! {
            "JavaScript" => dictionary! { "Names" => vec![Object::string_literal("a"), js_id.into()] },
        };
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog", "Pages" => pages_id, "OpenAction" => js_id, "Names" => names,
        });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    #[test]
    fn a_copy_carries_no_script_launch_or_attachment_but_keeps_web_links() {
        let (mut doc, _) = from_pdf(&pdf_with_active_content(), &Limits::default()).unwrap();
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for active in [
            "JavaScript",
            "OpenAction",
            "app.alert",
            "FileAttachment",
            "/AA",
        ] {
            assert!(!text.contains(active), "{active} left in the copy");
        }
        assert!(text.contains("dichvucong.gov.vn"), "the web link is kept");
    }
}
