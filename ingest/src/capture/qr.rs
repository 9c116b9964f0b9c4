//! Finding a separator's QR code on a page image (rqrr, pure Rust; chosen over rxing by
//! measurement, docs/benchmarks.md "Separator QR codes").

use image::GrayImage;

/// What the QR codes on a page say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrFinding {
    /// No kho payload: an ordinary page (it may carry other QR codes, as many certificates do).
    None,
    /// A QR code whose text starts with `KHO`: a separator, whatever it then says.
    Separator(String),
}

/// Looks for QR codes on a grey page and returns the first kho payload. Codes that are not
/// kho's (a verification code printed on a certificate) are ignored; so is a code that cannot be
/// decoded, since nothing says it was a separator (a missed separator is what `--max-pages`
/// guards against).
pub fn find_separator(page: &GrayImage) -> QrFinding {
    let (w, h) = (page.width() as usize, page.height() as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        page.get_pixel(x as u32, y as u32).0[0]
    });
    for grid in prepared.detect_grids() {
        let mut bytes = Vec::new();
        if grid.decode_to(&mut bytes).is_err() {
            continue;
        }
        if bytes.starts_with(b"KHO") {
            return QrFinding::Separator(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    QrFinding::None
}
