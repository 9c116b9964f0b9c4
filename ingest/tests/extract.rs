//! Text extraction on the committed corpus (corpus/extraction), against its ground truth.
//! Real pdf-extract, real tesseract with the Vietnamese model, real poppler for rendering.

#![forbid(unsafe_code)]

mod common;

use common::{assert_cer_within, collapsed, distance};
use ingest::extract::{extract, ExtractConfig};
use ingest::{inspect, sniff};
use schemas::{DocumentText, PageSource, TextSource};
use std::path::PathBuf;

fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus")
        .join(rel)
}

fn read(file: &str) -> DocumentText {
    let bytes = std::fs::read(corpus(&format!("extraction/{file}"))).unwrap();
    let cfg = ExtractConfig::default();
    let format = sniff(&bytes).unwrap();
    let pages = inspect(format, &bytes, &cfg.limits).unwrap().pages;
    extract(format, &bytes, pages, &cfg)
}

fn truth(stem: &str) -> String {
    std::fs::read_to_string(corpus(&format!("truth/{stem}.txt"))).unwrap()
}

/// Character error rate: edit distance over the truth's length, whitespace collapsed.
fn cer(got: &str, truth: &str) -> f64 {
    let (a, b) = (collapsed(got), collapsed(truth));
    distance(&a, &b, false) as f64 / b.len().max(1) as f64
}

fn assert_reads(file: &str, stem: &str, max_cer: f64) -> DocumentText {
    let text = read(file);
    let rate = cer(&text.joined(), &truth(stem));
    let joined = text.joined();
    assert_cer_within(file, rate, max_cer, &joined);
    assert_eq!(joined, schemas::nfc(&joined), "{file}: text is not NFC");
    text
}

#[test]
fn born_digital_pdfs_from_each_producer_read_exactly() {
    for producer in ["fpdf2", "reportlab", "libreoffice", "ghostscript", "cairo"] {
        let text = assert_reads(
            &format!("giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc.{producer}.pdf"),
            "giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc",
            0.01,
        );
        assert_eq!(text.source(), Some(TextSource::TextLayer), "{producer}");
        // Writer's text import flows the two pages of text onto one.
        if producer != "libreoffice" {
            assert_eq!(text.pages.len(), 2, "{producer}");
        }
    }
}

#[test]
fn nfd_text_layers_come_out_nfc() {
    let text = assert_reads(
        "trich-luc-khai-tu-hoang-van-minh.nfd.pdf",
        "trich-luc-khai-tu-hoang-van-minh",
        0.01,
    );
    assert!(text.joined().contains("HOÀNG VĂN MINH"));
}

#[test]
fn an_ocrmypdf_layer_in_form_xobjects_is_used() {
    let text = assert_reads(
        "giay-chung-nhan-dang-ky-doanh-nghiep-hoa-binh.ocrmypdf.pdf",
        "giay-chung-nhan-dang-ky-doanh-nghiep-hoa-binh",
        0.02,
    );
    assert_eq!(text.source(), Some(TextSource::TextLayer));
}

#[test]
fn a_mojibake_layer_is_replaced_by_ocr_and_says_why() {
    let text = assert_reads(
        "giay-chung-nhan-ket-hon-tran-thi-thuy.tcvn3-layer.pdf",
        "giay-chung-nhan-ket-hon-tran-thi-thuy",
        0.02,
    );
    let page = &text.pages[0];
    assert_eq!(page.source, PageSource::Ocr);
    assert!(
        page.note.as_deref().unwrap_or_default().contains("TCVN3"),
        "{:?}",
        page.note
    );
    assert!(page.ocr_confidence.unwrap() > 80.0);
}

#[test]
fn image_only_pdfs_are_read_by_ocr_whatever_the_image_filter() {
    for (file, stem) in [
        (
            "giay-phep-xay-dung-le-van-an.scan-dct.pdf",
            "giay-phep-xay-dung-le-van-an",
        ),
        (
            "giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc.scan-flate-dct.pdf",
            "giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc",
        ),
        (
            "giay-chung-nhan-dang-ky-ho-kinh-doanh-do-thi-nga.scan-ccitt.pdf",
            "giay-chung-nhan-dang-ky-ho-kinh-doanh-do-thi-nga",
        ),
        (
            "giay-xac-nhan-tinh-trang-hon-nhan-pham-thi-hoa.scan-flate.pdf",
            "giay-xac-nhan-tinh-trang-hon-nhan-pham-thi-hoa",
        ),
    ] {
        let text = assert_reads(file, stem, 0.02);
        assert_eq!(text.source(), Some(TextSource::Ocr), "{file}");
        assert!(text
            .pages
            .iter()
            .all(|p| p.note.as_deref() == Some("the page has no text layer")));
    }
}

#[test]
fn rotated_scans_are_read_upright() {
    for (file, stem, degrees) in [
        (
            "giay-chung-nhan-dang-ky-ho-kinh-doanh-do-thi-nga.rot90.png",
            "giay-chung-nhan-dang-ky-ho-kinh-doanh-do-thi-nga",
            90,
        ),
        (
            "giay-khai-sinh-nguyen-van-duc.rot180.jpg",
            "giay-khai-sinh-nguyen-van-duc",
            180,
        ),
        (
            "giay-chung-nhan-ket-hon-tran-thi-thuy.rot270.jpg",
            "giay-chung-nhan-ket-hon-tran-thi-thuy",
            270,
        ),
    ] {
        let text = assert_reads(file, stem, 0.02);
        // Tesseract's automatic segmentation (psm 3) finds vertical lines of text itself, so a
        // page on its side may be read well without kho turning it; an upside-down page never is.
        let rotated = text.pages[0].rotated;
        assert!(
            rotated == degrees || (rotated == 0 && degrees != 180),
            "{file}: turned {rotated}"
        );
    }
}

#[test]
fn degraded_scans_and_multi_page_tiffs_are_read() {
    for (file, stem, max) in [
        (
            "trich-luc-khai-tu-hoang-van-minh.noise.png",
            "trich-luc-khai-tu-hoang-van-minh",
            0.05,
        ),
        (
            "giay-chung-nhan-ket-hon-tran-thi-thuy.skew.png",
            "giay-chung-nhan-ket-hon-tran-thi-thuy",
            0.02,
        ),
        (
            "giay-xac-nhan-tinh-trang-hon-nhan-pham-thi-hoa.lowcontrast.png",
            "giay-xac-nhan-tinh-trang-hon-nhan-pham-thi-hoa",
            0.02,
        ),
        (
            "trich-luc-khai-tu-hoang-van-minh.jpeg30.jpg",
            "trich-luc-khai-tu-hoang-van-minh",
            0.02,
        ),
        (
            "giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc.group4.tif",
            "giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc",
            0.02,
        ),
        (
            "giay-phep-xay-dung-le-van-an.lzw.tif",
            "giay-phep-xay-dung-le-van-an",
            0.02,
        ),
    ] {
        let text = assert_reads(file, stem, max);
        assert_eq!(text.source(), Some(TextSource::Ocr), "{file}");
        assert!(text.ocr_confidence().unwrap() > 80.0, "{file}");
    }
}

#[test]
fn a_missing_ocr_engine_leaves_pages_without_text_and_says_so() {
    let bytes =
        std::fs::read(corpus("extraction/giay-khai-sinh-nguyen-van-duc.clean.png")).unwrap();
    let mut cfg = ExtractConfig::default();
    cfg.ocr.tesseract = PathBuf::from("/nonexistent/tesseract");
    let text = extract(schemas::Format::Png, &bytes, 1, &cfg);
    assert_eq!(text.source(), None);
    assert!(text.pages[0]
        .note
        .as_deref()
        .unwrap()
        .contains("install tesseract-ocr"));
    assert!(
        text.engine.contains("not found at /nonexistent/tesseract"),
        "{}",
        text.engine
    );
}
