//! Scanned-looking pages, for the capture tests and the QR benchmark: pages rendered with
//! poppler, turned a little, speckled and JPEG-compressed as a 200-dpi office scanner does;
//! blank backs of duplex scans (paper tone, show-through, dust); image-only PDFs of such pages;
//! multi-page TIFF stacks.

use image::{GrayImage, Luma};
use std::io::Cursor;
use std::path::Path;
use std::process::Command;

// What a scanner does to a page, in a file of its own that needs only `image` and `tempfile`,
// so that the QR benchmark (bench/qr-compare, outside the workspace) uses the very same code.
#[path = "scan_look.rs"]
mod look;
pub use look::{jpeg, paper, render_pdf_page, scanned, skew, Noise};

/// The back of a one-sided page in a duplex scan at `dpi`: paper tone, faint show-through of the
/// other side's lines, a few specks of dust, the scanner's shadow at one edge.
pub fn blank_back(dpi: u32, seed: u64) -> GrayImage {
    let (w, h) = (a4(dpi).0, a4(dpi).1);
    let mut noise = Noise::new(seed);
    let mut page = GrayImage::from_pixel(w, h, Luma([255]));
    // Show-through: faint grey bars where the front's lines of text are.
    let line = dpi / 6;
    for row in (h / 8..h * 7 / 8).step_by(line as usize) {
        for y in row..row + dpi / 25 {
            for x in w / 8..w * 7 / 8 {
                page.put_pixel(x, y, Luma([215]));
            }
        }
    }
    // Dust: a few specks of 1-2 pixels.
    for _ in 0..40 {
        let (x, y) = (noise.next_u64() as u32 % w, noise.next_u64() as u32 % h);
        for (dx, dy) in [(0, 0), (1, 0), (0, 1)] {
            if x + dx < w && y + dy < h {
                page.put_pixel(x + dx, y + dy, Luma([60]));
            }
        }
    }
    // The scanner lid's shadow along the left edge.
    for y in 0..h {
        for x in 0..dpi / 20 {
            page.put_pixel(x, y, Luma([40]));
        }
    }
    paper(&page, seed)
}

/// An A4 page's size in pixels at `dpi`.
pub fn a4(dpi: u32) -> (u32, u32) {
    (
        (8.27 * dpi as f32).round() as u32,
        (11.69 * dpi as f32).round() as u32,
    )
}

/// A round stamp (a ring with a bar across), `radius_mm` wide, at the page's lower right.
pub fn stamp(page: &mut GrayImage, dpi: u32, radius_mm: f32) {
    let r = radius_mm / 25.4 * dpi as f32;
    let thick = 0.8 / 25.4 * dpi as f32;
    let (cx, cy) = (page.width() as f32 * 0.7, page.height() as f32 * 0.75);
    for y in (cy - r - thick) as u32..(cy + r + thick) as u32 {
        for x in (cx - r - thick) as u32..(cx + r + thick) as u32 {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            let ring = (d - r).abs() < thick || (d - r * 0.7).abs() < thick / 2.0;
            let bar = (y as f32 - cy).abs() < thick && d < r * 0.7;
            if ring || bar {
                // Red ink, as grey.
                page.put_pixel(x, y, Luma([95]));
            }
        }
    }
}

/// A blank duplex back at 200 dpi (paper tone, noise, JPEG 70) as a one-page image-only PDF
/// written to `path`.
pub fn write_blank_back_pdf(path: &Path, seed: u64) {
    let back = blank_back(200, seed);
    let pdf = image_pdf(&[(jpeg(&back, 70), back.width(), back.height())], 200);
    std::fs::write(path, pdf).unwrap();
}

/// An image-only PDF: each page one JPEG (as scanners write them), sized for `dpi`.
pub fn image_pdf(jpegs: &[(Vec<u8>, u32, u32)], dpi: u32) -> Vec<u8> {
    use ingest::capture::sheet_pdf::{write_image_pdf, ImagePage};
    let pages: Vec<ImagePage> = jpegs
        .iter()
        .map(|(bytes, width, height)| ImagePage {
            width: *width,
            height: *height,
            dpi: dpi as f32,
            filter: "DCTDecode",
            data: bytes.clone(),
        })
        .collect();
    let mut out = Vec::new();
    write_image_pdf(&pages, &mut out).expect("write pdf");
    out
}

/// Merges PDFs with `qpdf`, as scanning rooms put stacks together: each part a file and, if
/// given, its page selection (`"2"`, `"1-3"`).
pub fn qpdf_merge(parts: &[(&Path, Option<&str>)], out: &Path) {
    let mut command = Command::new("qpdf");
    command.args(["--empty", "--pages"]);
    for (file, pages) in parts {
        command.arg(file);
        if let Some(pages) = pages {
            command.arg(pages);
        }
    }
    let status = command
        .arg("--")
        .arg(out)
        .status()
        .expect("qpdf runs (scripts/setup.sh installs it)");
    assert!(
        status.success(),
        "qpdf could not merge into {}",
        out.display()
    );
}

/// One scanned page as an image-only PDF of one page.
pub fn scanned_pdf(page: &GrayImage, dpi: u32, degrees: f32, quality: u8, seed: u64) -> Vec<u8> {
    let bytes = scanned(page, degrees, quality, seed);
    image_pdf(&[(bytes, page.width(), page.height())], dpi)
}

/// A multi-page TIFF (Deflate, 8-bit grey) of these pages: a stack as TIFF scanners write it.
pub fn tiff_stack(pages: &[GrayImage]) -> Vec<u8> {
    use tiff::encoder::{colortype, Compression, DeflateLevel, TiffEncoder};
    let mut out = Cursor::new(Vec::new());
    let mut encoder = TiffEncoder::new(&mut out)
        .expect("tiff")
        .with_compression(Compression::Deflate(DeflateLevel::Fast));
    for page in pages {
        encoder
            .write_image::<colortype::Gray8>(page.width(), page.height(), page.as_raw())
            .expect("tiff page");
    }
    out.into_inner()
}
