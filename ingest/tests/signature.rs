//! Signatures checked on the way in and certified copies made on the way out, against a CA of
//! the tests' own, with poppler's `pdfsig`, zbar's `zbarimg` and pyHanko as outside judges.

#![forbid(unsafe_code)]

use ingest::certify::{make_copy, AgencySigner, CopyStamp};
use ingest::signature::{check_pdf, check_pdf_with, SignatureLimits, TrustStore};
use kho_tests::fixtures;
use kho_tests::pki::{Pki, P12_PASSWORD};
use schemas::{CopyQrPayload, Format, SignatureStatus};
use std::process::Command;
use time::OffsetDateTime;

fn signer(p12: &std::path::Path) -> AgencySigner {
    AgencySigner::from_pkcs12(&std::fs::read(p12).unwrap(), P12_PASSWORD).unwrap()
}

fn trusting(pki: &Pki) -> TrustStore {
    let pem = std::fs::read(pki.ca_pem()).unwrap();
    let anchor = ingest::signature::read_anchor("root", &pem).unwrap();
    TrustStore::from_der(&[anchor.der])
}

fn stamp() -> CopyStamp {
    CopyStamp {
        payload: CopyQrPayload {
            dossier_code: Some("000.00.00.H47-240501-0001".into()),
            procedure_code: Some("1.001193".into()),
            owner_id: "049075001234".into(),
            paper_name: "Giấy khai sinh".into(),
            code: "ABCDE-12345".into(),
        },
        verify_at: "/verify/ABCDE-12345".into(),
        at: OffsetDateTime::now_utc(),
    }
}

fn copy_of(original: &[u8], format: Format, signer: &AgencySigner) -> Vec<u8> {
    make_copy(
        original,
        format,
        &stamp(),
        signer,
        &ingest::Limits::default(),
    )
    .unwrap()
}

fn only(pdf: &[u8], trust: &TrustStore) -> schemas::SignatureInfo {
    let mut sigs = check_pdf(pdf, trust, OffsetDateTime::now_utc());
    assert_eq!(sigs.len(), 1, "{sigs:?}");
    sigs.remove(0)
}

#[test]
fn a_certified_copy_passes_pdfsig_kho_and_zbarimg() {
    let pki = Pki::new();
    let agency = signer(&pki.agency_p12());
    let copy = copy_of(&fixtures::pdf(2, "bản gốc"), Format::Pdf, &agency);
    let path = pki.path("copy.pdf");
    std::fs::write(&path, &copy).unwrap();

    let report = pki.pdfsig(&path);
    assert!(report.contains("Signature is Valid"), "{report}");
    assert!(report.contains("Total document signed"), "{report}");
    assert!(report.contains("Certificate is Trusted"), "{report}");
    assert!(report.contains("ETSI.CAdES.detached"), "{report}");

    let sig = only(&copy, &trusting(&pki));
    assert_eq!(sig.status, SignatureStatus::Valid, "{sig:?}");
    assert!(sig.covers_whole_file);
    assert_eq!(sig.organization.as_deref(), Some("UBND xã Núi Thành"));
    assert_eq!(sig.signer.as_deref(), Some("Bộ phận Một cửa xã Núi Thành"));
    assert_eq!(sig.digest_algorithm.as_deref(), Some("sha256"));
    let pages = lopdf::Document::load_mem(&copy).unwrap().get_pages().len();
    assert_eq!(pages, 2);

    // The QR code at the top left of page 1 reads back as the payload.
    let png = pki.path("page");
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&path)
        .arg(&png)
        .status()
        .unwrap();
    assert!(status.success());
    let out = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(pki.path("page.png"))
        .output()
        .expect("zbarimg (zbar-tools)");
    let decoded = String::from_utf8(out.stdout).unwrap();
    assert_eq!(decoded.trim_end(), stamp().payload.encode());
}

#[test]
fn scans_become_pages_of_the_copy() {
    let pki = Pki::new();
    let agency = signer(&pki.agency_p12());
    for (bytes, format, pages) in [
        (fixtures::jpeg(800, 1100, 3), Format::Jpeg, 1),
        (fixtures::png(600, 800, 4), Format::Png, 1),
        (fixtures::tiff(3, 5), Format::Tiff, 3),
    ] {
        let copy = copy_of(&bytes, format, &agency);
        let doc = lopdf::Document::load_mem(&copy).unwrap();
        assert_eq!(doc.get_pages().len(), pages, "{format:?}");
        assert_eq!(only(&copy, &trusting(&pki)).status, SignatureStatus::Valid);
        let path = pki.path("scan-copy.pdf");
        std::fs::write(&path, &copy).unwrap();
        assert!(pki.pdfsig(&path).contains("Signature is Valid"));
    }
}

#[test]
fn changed_bytes_unknown_issuers_and_later_updates_are_named() {
    let pki = Pki::new();
    let agency = signer(&pki.agency_p12());
    let copy = copy_of(&fixtures::pdf(1, "x"), Format::Pdf, &agency);
    let trust = trusting(&pki);

    // One byte changed inside the signed range (early in the file, before the signature).
    let mut changed = copy.clone();
    changed[20] ^= 0x01;
    let sig = only(&changed, &trust);
    assert_eq!(sig.status, SignatureStatus::Invalid);
    assert!(sig.detail.contains("digest mismatch"), "{}", sig.detail);

    // The same file in a store that trusts nothing.
    let sig = only(&copy, &TrustStore::default());
    assert_eq!(sig.status, SignatureStatus::Untrusted);
    assert!(sig.detail.contains("no trust anchors"), "{}", sig.detail);
    assert_eq!(sig.organization.as_deref(), Some("UBND xã Núi Thành"));

    // An incremental update appended after signing.
    let mut updated = copy.clone();
    updated.extend_from_slice(b"\n99 0 obj\n(added later)\nendobj\n");
    let sig = only(&updated, &trust);
    assert_eq!(sig.status, SignatureStatus::Partial);
    assert!(!sig.covers_whole_file);
}

#[test]
fn a_pdf_signed_by_pyhanko_is_valid_with_its_signer() {
    let pki = Pki::new();
    let input = pki.path("unsigned.pdf");
    std::fs::write(&input, fixtures::pdf(1, "ký bởi pyHanko")).unwrap();
    let output = pki.path("pyhanko.pdf");
    pki.pyhanko_sign(&input, &output);
    let signed = std::fs::read(&output).unwrap();
    let sig = only(&signed, &trusting(&pki));
    assert_eq!(sig.status, SignatureStatus::Valid, "{sig:?}");
    assert_eq!(sig.signer.as_deref(), Some("Bộ phận Một cửa xã Núi Thành"));
    assert_eq!(sig.organization.as_deref(), Some("UBND xã Núi Thành"));
    assert!(sig.signed_at.is_some());
}

#[test]
fn hostile_signatures_get_a_status_not_a_crash() {
    let pki = Pki::new();
    let trust = trusting(&pki);

    // A certificate that had expired when it signed.
    let expired = copy_of(
        &fixtures::pdf(1, "e"),
        Format::Pdf,
        &signer(&pki.expired_p12()),
    );
    let sig = only(&expired, &trust);
    assert_eq!(sig.status, SignatureStatus::Invalid, "{sig:?}");
    assert!(sig.detail.contains("expired"), "{}", sig.detail);

    // An issuer chain that loops.
    let looping = copy_of(
        &fixtures::pdf(1, "l"),
        Format::Pdf,
        &signer(&pki.looping_p12()),
    );
    let sig = only(&looping, &trust);
    assert_eq!(sig.status, SignatureStatus::Untrusted, "{sig:?}");

    // An unknown signature algorithm: the SignerInfo's OID (the last sha256WithRSAEncryption in
    // the value; the certificates' come before it) changed to one nobody defined.
    let good = copy_of(
        &fixtures::pdf(1, "u"),
        Format::Pdf,
        &signer(&pki.agency_p12()),
    );
    let oid = b"2A864886F70D01010B";
    let at = good.windows(oid.len()).rposition(|w| w == oid).unwrap() + 16;
    let mut unknown = good.clone();
    unknown[at..at + 2].copy_from_slice(b"7F");
    let sig = only(&unknown, &trust);
    assert_eq!(sig.status, SignatureStatus::Unsupported, "{sig:?}");
    assert!(
        sig.detail.contains("unknown signature algorithm"),
        "{}",
        sig.detail
    );

    // A value that is not DER, and one of megabytes.
    for (contents, status, words) in [
        (
            "DEADBEEF".to_string(),
            SignatureStatus::Invalid,
            "not a CMS",
        ),
        (
            "00".repeat(2 * 1024 * 1024),
            SignatureStatus::Unsupported,
            "over the limit",
        ),
    ] {
        let pdf = handmade_signed(&contents);
        let sig = only(&pdf, &trust);
        assert_eq!(sig.status, status, "{sig:?}");
        assert!(sig.detail.contains(words), "{}", sig.detail);
    }

    // Many signature dictionaries: the first ones checked, the rest counted.
    let mut many = Vec::new();
    for _ in 0..20 {
        many.extend_from_slice(&handmade_signed("3000"));
    }
    let limits = SignatureLimits {
        max_signatures: 4,
        ..Default::default()
    };
    let sigs = check_pdf_with(&many, &trust, OffsetDateTime::now_utc(), &limits);
    assert!(sigs.len() <= 5);
    assert_eq!(sigs.last().unwrap().status, SignatureStatus::Unsupported);
}

/// A PDF-shaped file with one signature dictionary around `contents` (hex), honest ranges.
fn handmade_signed(contents: &str) -> Vec<u8> {
    let head = "%PDF-1.7\n1 0 obj\n<</Type/Sig/SubFilter/adbe.pkcs7.detached/ByteRange ";
    let width = 40;
    let before = head.len() + width + "/Contents ".len();
    let after = before + contents.len() + 2;
    let tail = ">>\nendobj\n%%EOF\n";
    let total = after + tail.len();
    let range = format!("[0 {before} {after} {}]", total - after);
    format!("{head}{range:<width$}/Contents <{contents}>{tail}").into_bytes()
}
