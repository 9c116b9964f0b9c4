//! A scanning room's stack, made the way an operator makes one: `kho sheets` for three dossiers
//! (one refused), scanned-looking pages of corpus documents, a blank duplex back, all merged by
//! `qpdf`. Shared by the capture tests of the CLI, the hot folder and the web UI.

use crate::{corpus, scans, Kho};
use std::path::{Path, PathBuf};

pub const DOSSIERS: &str = "owner_id,owner_name,doc_type,title,dossier_code,procedure_code,issued_on\n\
    049075001234,Nguyễn Văn Đức,land_use_right_certificate,,000.00.00.H47-240501-0001,,02/01/2020\n\
    079190004567,Trần Thị Thủy,birth_certificate,Giấy khai sinh bản sao,000.00.00.H47-240502-0002,1.001193,2019-03-15\n\
    12345,Sai Số,birth_certificate,,,,\n";

/// `kho sheets` for the dossiers above: two sheets (the third row is refused, named by line).
pub fn print_sheets(kho: &Kho, dir: &Path) -> PathBuf {
    std::fs::write(dir.join("dossiers.csv"), DOSSIERS).unwrap();
    let sheets = dir.join("sheets.pdf");
    let run = kho.run([
        "sheets",
        "--manifest",
        dir.join("dossiers.csv").to_str().unwrap(),
        "-o",
        sheets.to_str().unwrap(),
    ]);
    assert_eq!(
        run.code, 1,
        "a bad row makes the run partial: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("line 4") && run.stderr.contains("owner_id"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("2 separator sheet(s)"),
        "{}",
        run.stdout
    );
    sheets
}

/// One page of a corpus document as a 200-dpi scan in an image-only PDF.
pub fn scanned_page(dir: &Path, name: &str, source: &str, degrees: f32, seed: u64) -> PathBuf {
    let page = scans::render_pdf_page(&corpus().join(source), 1, 200);
    let path = dir.join(name);
    std::fs::write(&path, scans::scanned_pdf(&page, 200, degrees, 75, seed)).unwrap();
    path
}

/// sheet 1, two scanned pages, a blank back, sheet 2, one scanned page: merged by qpdf.
pub fn stack(kho: &Kho, dir: &Path) -> PathBuf {
    let sheets = print_sheets(kho, dir);
    let land = scanned_page(
        dir,
        "land.pdf",
        "giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc.pdf",
        0.8,
        1,
    );
    let land2 = scanned_page(
        dir,
        "land2.pdf",
        "giay-phep-xay-dung-le-van-an.pdf",
        -0.5,
        2,
    );
    let birth = scanned_page(
        dir,
        "birth.pdf",
        "giay-khai-sinh-nguyen-van-duc.pdf",
        1.2,
        3,
    );
    let blank = dir.join("blank.pdf");
    scans::write_blank_back_pdf(&blank, 4);
    let out = dir.join("chong-ho-so.pdf");
    scans::qpdf_merge(
        &[
            (&sheets, Some("1")),
            (&land, None),
            (&land2, None),
            (&blank, None),
            (&sheets, Some("2")),
            (&birth, None),
        ],
        &out,
    );
    out
}
