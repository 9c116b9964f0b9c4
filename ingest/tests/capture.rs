//! Capture on scanned-looking pages: separator sheets written by kho read back from 200-dpi JPEG
//! scans turned askew; blank backs of duplex scans told from pages with a little on them; the
//! split plan of a stack; a document cut out of a PDF and a TIFF stack.

#![forbid(unsafe_code)]

use image::GrayImage;
use ingest::capture::qr::{find_separator, QrFinding};
use ingest::capture::scan::scan_stack;
use ingest::capture::sheet_pdf::{write_sheets, Sheet, SheetFonts, SheetLine};
use ingest::capture::split::{plan, SegmentProblem, SplitOptions};
use ingest::capture::{blank, cut};
use ingest::extract::ExtractConfig;
use kho_tests::scans;
use schemas::messages::Lang;
use schemas::{DocTypes, Format, MetadataInput};
use std::path::{Path, PathBuf};

fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../corpus")
        .join(rel)
}

fn metadata(owner: &str, doc_type: &str, name: &str) -> MetadataInput {
    let mut m = MetadataInput::default();
    m.set("owner_id", owner.into());
    m.set("doc_type", doc_type.into());
    m.set("owner_name", name.into());
    m
}

/// Separator sheets as kho prints them, written to `dir/sheets.pdf`.
fn sheets_pdf(dir: &Path, rows: &[MetadataInput]) -> PathBuf {
    let sheets: Vec<Sheet> = rows
        .iter()
        .map(|m| Sheet {
            payload: schemas::separator_payload(m).unwrap(),
            headline: format!("Số định danh: {}", m.get("owner_id").unwrap()),
            lines: vec![SheetLine {
                label: "Họ tên".into(),
                value: m.get("owner_name").unwrap_or("").into(),
            }],
            footer: "test".into(),
        })
        .collect();
    let mut out = Vec::new();
    write_sheets(&sheets, &SheetFonts::load().unwrap(), &mut out).unwrap();
    let path = dir.join("sheets.pdf");
    std::fs::write(&path, out).unwrap();
    path
}

fn decode(jpeg: &[u8]) -> GrayImage {
    image::load_from_memory(jpeg).unwrap().into_luma8()
}

#[test]
fn a_printed_sheet_scanned_askew_at_200_dpi_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let row = metadata("049075001234", "birth_certificate", "Nguyễn Văn Đức");
    let pdf = sheets_pdf(dir.path(), std::slice::from_ref(&row));
    let page = scans::render_pdf_page(&pdf, 1, 200);
    for (degrees, quality) in [(1.5, 60), (-1.0, 75), (0.5, 85)] {
        let scan = decode(&scans::scanned(&page, degrees, quality, 7));
        match find_separator(&scan) {
            QrFinding::Separator(payload) => {
                assert_eq!(schemas::parse_separator(&payload).unwrap(), row)
            }
            QrFinding::None => panic!("sheet not read at {degrees} degrees, quality {quality}"),
        }
        assert!(!blank::is_blank(&scan, 200.0));
    }
}

#[test]
fn blank_backs_are_blank_and_a_little_text_or_a_stamp_is_not() {
    let dir = tempfile::tempdir().unwrap();
    for dpi in [200, 300] {
        for seed in 0..3 {
            let back = decode(&scans::jpeg(&scans::blank_back(dpi, seed), 70));
            assert!(
                blank::is_blank(&back, dpi as f32),
                "a blank back at {dpi} dpi (seed {seed}) has {} inked squares",
                blank::inked_tiles(&back, dpi as f32)
            );
        }
        // One short line ("- trang 1" after a short word), rendered from a real PDF.
        let line_pdf = dir.path().join("line.pdf");
        std::fs::write(&line_pdf, kho_tests::fixtures::pdf(1, "Ghi chu")).unwrap();
        let line = decode(&scans::scanned(
            &scans::render_pdf_page(&line_pdf, 1, dpi),
            0.7,
            65,
            3,
        ));
        assert!(
            !blank::is_blank(&line, dpi as f32),
            "one short line at {dpi} dpi was taken for blank ({} inked squares)",
            blank::inked_tiles(&line, dpi as f32)
        );
        // A stamp alone on a blank back.
        let mut stamped = scans::blank_back(dpi, 9);
        scans::stamp(&mut stamped, dpi, 15.0);
        let stamped = decode(&scans::jpeg(&stamped, 70));
        assert!(
            !blank::is_blank(&stamped, dpi as f32),
            "a stamp at {dpi} dpi was taken for blank"
        );
    }
}

/// A stack as `qpdf` merges it: sheet, 2 scanned pages, a blank back, sheet, 1 page.
fn stack(dir: &Path) -> (PathBuf, [MetadataInput; 2]) {
    let rows = [
        metadata("049075001234", "birth_certificate", "Nguyễn Văn Đức"),
        metadata("079190004567", "marriage_certificate", "Trần Thị Thủy"),
    ];
    let sheets = sheets_pdf(dir, &rows);
    let land = corpus("giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc.pdf");
    let page = |n| scans::render_pdf_page(&land, n, 200);
    let doc1 = dir.join("doc1.pdf");
    let (p1, p2) = (page(1), page(1));
    std::fs::write(
        &doc1,
        scans::image_pdf(
            &[
                (scans::scanned(&p1, 0.8, 75, 1), p1.width(), p1.height()),
                (scans::scanned(&p2, -0.6, 70, 2), p2.width(), p2.height()),
            ],
            200,
        ),
    )
    .unwrap();
    let blank = dir.join("blank.pdf");
    scans::write_blank_back_pdf(&blank, 4);
    let doc2 = dir.join("doc2.pdf");
    std::fs::write(&doc2, scans::scanned_pdf(&page(1), 200, 1.2, 80, 5)).unwrap();
    let out = dir.join("stack.pdf");
    scans::qpdf_merge(
        &[
            (&sheets, Some("1")),
            (&doc1, None),
            (&blank, None),
            (&sheets, Some("2")),
            (&doc2, None),
        ],
        &out,
    );
    (out, rows)
}

#[test]
fn a_qpdf_stack_splits_at_its_sheets_and_drops_the_blank_back() {
    let dir = tempfile::tempdir().unwrap();
    let (path, rows) = stack(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    let cfg = ExtractConfig::default();
    let scans = scan_stack(Format::Pdf, &bytes, &cfg.limits, cfg.ocr.page_timeout).unwrap();
    assert_eq!(scans.len(), 6);
    let types = DocTypes::builtin();
    let today = schemas::today();
    let p = plan(&scans, &SplitOptions::default(), &types, today);
    assert_eq!(p.separator_pages, [1, 5]);
    assert_eq!(p.blank_pages, [4]);
    assert_eq!(p.segments.len(), 2);
    let (a, b) = (&p.segments[0], &p.segments[1]);
    assert_eq!(
        (a.first_page, a.last_page, a.pages.clone()),
        (2, 4, vec![2, 3])
    );
    assert_eq!(
        a.metadata.as_ref().unwrap().owner_id.as_str(),
        "049075001234"
    );
    assert_eq!(b.pages, [6]);
    assert_eq!(
        b.metadata.as_ref().unwrap().owner_name.as_deref(),
        Some("Trần Thị Thủy")
    );
    assert_eq!(
        b.metadata.as_ref().unwrap().doc_type,
        rows[1].get("doc_type").unwrap()
    );
    // Kept blank with --keep-blank; a missed separator caught by --max-pages.
    let keep = SplitOptions {
        keep_blank: true,
        ..SplitOptions::default()
    };
    assert_eq!(
        plan(&scans, &keep, &types, today).segments[0].pages,
        [2, 3, 4]
    );
    let strict = SplitOptions {
        max_pages: Some(1),
        ..SplitOptions::default()
    };
    let p2 = plan(&scans, &strict, &types, today);
    assert_eq!(p2.segments[0].problem, Some(SegmentProblem::TooManyPages));
    assert!(p2.segments[0]
        .reason
        .as_ref()
        .unwrap()
        .render(Lang::En)
        .contains("pages 2-4"));
    assert_eq!(p2.segments[1].problem, None);
    // The cut document holds exactly its pages, and cutting again gives the same bytes.
    let doc = cut::cut(Format::Pdf, &bytes, &a.pages, &cfg.limits).unwrap();
    let again = cut::cut(Format::Pdf, &bytes, &a.pages, &cfg.limits).unwrap();
    assert_eq!(doc, again);
    assert_eq!(
        ingest::inspect(Format::Pdf, &doc, &cfg.limits)
            .unwrap()
            .pages,
        2
    );
    assert!(doc.len() < bytes.len());
}

#[test]
fn pages_before_the_first_sheet_and_a_bad_sheet_are_refused_with_their_pages() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = metadata("12345", "birth_certificate", "Sai Số");
    bad.set("issued_on", "2020-02-30".into());
    let sheets = sheets_pdf(dir.path(), &[bad]);
    let loose = scans::blank_back(150, 1);
    let mut text = loose.clone();
    scans::stamp(&mut text, 150, 15.0);
    let sheet = scans::render_pdf_page(&sheets, 1, 150);
    let pages = [text.clone(), sheet, text];
    let tiff = scans::tiff_stack(&pages);
    let cfg = ExtractConfig::default();
    let scans = scan_stack(Format::Tiff, &tiff, &cfg.limits, cfg.ocr.page_timeout).unwrap();
    let p = plan(
        &scans,
        &SplitOptions::default(),
        &DocTypes::builtin(),
        schemas::today(),
    );
    assert_eq!(p.separator_pages, [2]);
    assert_eq!(p.segments[0].problem, Some(SegmentProblem::NoSeparator));
    assert!(p.segments[0]
        .reason
        .as_ref()
        .unwrap()
        .render(Lang::En)
        .contains("page 1 come before"));
    assert!(p.segments[0]
        .reason
        .as_ref()
        .unwrap()
        .render(Lang::Vi)
        .contains("trang số 1 đứng trước tờ phân cách"));
    assert_eq!(p.segments[1].problem, Some(SegmentProblem::BadSeparator));
    let reason = p.segments[1].reason.as_ref().unwrap().render(Lang::En);
    assert!(
        reason.contains("page 2") && reason.contains("owner_id") && reason.contains("issued_on"),
        "{reason}"
    );
    // A TIFF stack cuts into a TIFF of the chosen pages.
    let doc = cut::cut(Format::Tiff, &tiff, &[1, 3], &cfg.limits).unwrap();
    assert_eq!(
        ingest::inspect(Format::Tiff, &doc, &cfg.limits)
            .unwrap()
            .pages,
        2
    );
}
