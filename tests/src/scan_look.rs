//! What an office scanner makes of a page: rendered by poppler, turned a little, paper-toned
//! with sensor noise, JPEG-compressed. Needs only `image` and `tempfile`.

use image::{GrayImage, Luma};
use std::io::Cursor;
use std::path::Path;
use std::process::Command;

/// A small deterministic generator (xorshift), so that fixtures are the same on every run.
pub struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Self {
        Noise(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform in [-amplitude, amplitude].
    pub fn centered(&mut self, amplitude: i32) -> i32 {
        if amplitude == 0 {
            return 0;
        }
        (self.next_u64() % (2 * amplitude as u64 + 1)) as i32 - amplitude
    }
}

/// Page `page` of a PDF rendered to grey at `dpi` by `pdftoppm`.
pub fn render_pdf_page(pdf: &Path, page: u32, dpi: u32) -> GrayImage {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-gray", "-png", "-singlefile", "-r", &dpi.to_string()])
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg(&base)
        .status()
        .expect("pdftoppm runs (poppler-utils)");
    assert!(status.success(), "pdftoppm failed on {}", pdf.display());
    image::open(base.with_extension("png"))
        .expect("rendered page")
        .into_luma8()
}

/// Turns a page by `degrees` (bilinear, white outside), as a sheet fed slightly askew.
pub fn skew(page: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = page.dimensions();
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    GrayImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let sx = cos * dx + sin * dy + cx;
        let sy = -sin * dx + cos * dy + cy;
        if sx < 0.0 || sy < 0.0 || sx >= (w - 1) as f32 || sy >= (h - 1) as f32 {
            return Luma([255]);
        }
        let (x0, y0) = (sx.floor() as u32, sy.floor() as u32);
        let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
        let p = |x, y| f32::from(page.get_pixel(x, y).0[0]);
        let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1, y0) * fx;
        let bottom = p(x0, y0 + 1) * (1.0 - fx) + p(x0 + 1, y0 + 1) * fx;
        Luma([(top * (1.0 - fy) + bottom * fy).round() as u8])
    })
}

/// Paper tone and sensor noise: white becomes a light grey that varies, ink is not quite black.
pub fn paper(page: &GrayImage, seed: u64) -> GrayImage {
    let mut noise = Noise::new(seed);
    GrayImage::from_fn(page.width(), page.height(), |x, y| {
        let v = i32::from(page.get_pixel(x, y).0[0]);
        let toned = 18 + v * 215 / 255; // 18 (ink) .. 233 (paper)
        Luma([(toned + noise.centered(6)).clamp(0, 255) as u8])
    })
}

/// JPEG bytes of a grey page at `quality`.
pub fn jpeg(page: &GrayImage, quality: u8) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(page)
        .expect("encode jpeg");
    out.into_inner()
}

/// What an office scanner makes of a page: turned by `degrees`, paper-toned, speckled, JPEG.
pub fn scanned(page: &GrayImage, degrees: f32, quality: u8, seed: u64) -> Vec<u8> {
    jpeg(&paper(&skew(page, degrees), seed), quality)
}
