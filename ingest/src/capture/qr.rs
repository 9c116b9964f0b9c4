//! Finding a separator's QR code on a page image (rxing, pure Rust; chosen over rqrr by
//! measurement: it read every test sheet at 75 to 300 dpi where rqrr missed a quarter, and
//! faster; docs/benchmarks.md, "Separator QR codes").

use image::GrayImage;
use rxing::{BarcodeFormat, DecodeHintValue, DecodeHints};

/// What the QR codes on a page say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrFinding {
    /// No kho payload: an ordinary page (it may carry another QR code, as many certificates do).
    None,
    /// A QR code whose text starts with `KHO`: a separator, whatever it then says.
    Separator(String),
}

/// Looks for a QR code on a grey page and returns it if it is kho's. A code that is not kho's
/// (a verification code printed on a certificate) is ignored; so is a code that cannot be
/// decoded, since nothing says it was a separator (a missed separator is what `--max-pages`
/// guards against).
pub fn find_separator(page: &GrayImage) -> QrFinding {
    let mut hints = DecodeHints::default()
        .with(DecodeHintValue::TryHarder(true))
        .with(DecodeHintValue::CharacterSet("UTF-8".to_string()));
    match rxing::helpers::detect_in_luma_with_hints(
        page.as_raw().clone(),
        page.width(),
        page.height(),
        Some(BarcodeFormat::QR_CODE),
        &mut hints,
    ) {
        Ok(found) if schemas::is_separator_payload(found.getText()) => {
            QrFinding::Separator(found.getText().to_string())
        }
        _ => QrFinding::None,
    }
}
