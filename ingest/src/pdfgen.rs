//! Small pieces of PDF writing shared by everything kho prints: a QR code drawn as vector
//! squares (sharp at any zoom, a few hundred bytes), one-line labels in a standard font, and
//! page images as XObjects. Content-stream operators and lopdf objects only; callers place them.

use lopdf::{dictionary, Dictionary, Object, Stream};
use qrcode::{EcLevel, QrCode};
use std::fmt::Write as _;

/// The resource name [`helvetica`] is registered under by callers.
pub const LABEL_FONT: &str = "KhoHelv";

/// Operators that draw `text` as a QR code (ISO/IEC 18004, error correction M) filling the
/// square of side `size` points whose lower-left corner is (`x`, `y`), on a white square that
/// includes the 4-module quiet zone.
pub fn qr_operators(text: &str, x: f32, y: f32, size: f32) -> Result<Vec<u8>, String> {
    let code = utf8_qr(text)?;
    let width = code.width();
    let quiet = 4;
    let module = size / (width + 2 * quiet) as f32;
    let mut ops = String::new();
    let _ = writeln!(
        ops,
        "q 1 1 1 rg {x:.3} {y:.3} {size:.3} {size:.3} re f 0 0 0 rg"
    );
    let colors = code.to_colors();
    for row in 0..width {
        // One rectangle per run of dark modules in a row keeps the stream short.
        let mut col = 0;
        while col < width {
            if colors[row * width + col] == qrcode::Color::Dark {
                let start = col;
                while col < width && colors[row * width + col] == qrcode::Color::Dark {
                    col += 1;
                }
                let left = x + (quiet + start) as f32 * module;
                let top = y + size - (quiet + row + 1) as f32 * module;
                let _ = writeln!(
                    ops,
                    "{left:.3} {top:.3} {:.3} {module:.3} re",
                    (col - start) as f32 * module
                );
            } else {
                col += 1;
            }
        }
    }
    ops.push_str("f Q\n");
    Ok(ops.into_bytes())
}

/// A QR code of `text` in byte mode behind an ECI designator for UTF-8 (ECI 26), so that
/// readers do not guess another encoding for Vietnamese letters (zbar guesses Shift JIS).
pub fn utf8_qr(text: &str) -> Result<QrCode, String> {
    use qrcode::bits::Bits;
    use qrcode::Version;
    for version in 1..=40 {
        let mut bits = Bits::new(Version::Normal(version));
        let fits = bits.push_eci_designator(26).is_ok()
            && bits.push_byte_data(text.as_bytes()).is_ok()
            && bits.push_terminator(EcLevel::M).is_ok();
        if fits {
            return QrCode::with_bits(bits, EcLevel::M)
                .map_err(|e| format!("the QR code cannot be made: {e}"));
        }
    }
    Err(format!("the QR code cannot hold {} bytes", text.len()))
}

/// Operators that write `lines` (ASCII; other characters become `?`) in [`LABEL_FONT`] at
/// `size` points, the first line's baseline at (`x`, `y`), each next line lower.
pub fn label_operators(lines: &[&str], x: f32, y: f32, size: f32) -> Vec<u8> {
    let mut ops = format!(
        "q 0 0 0 rg BT /{LABEL_FONT} {size:.1} Tf {:.1} TL {x:.3} {y:.3} Td\n",
        size * 1.25
    );
    for (i, line) in lines.iter().enumerate() {
        let escaped: String = line
            .chars()
            .map(|c| {
                if c.is_ascii() && !c.is_ascii_control() {
                    c
                } else {
                    '?'
                }
            })
            .flat_map(|c| match c {
                '(' | ')' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        if i > 0 {
            ops.push_str("T* ");
        }
        let _ = writeln!(ops, "({escaped}) Tj");
    }
    ops.push_str("ET Q\n");
    ops.into_bytes()
}

/// Helvetica, one of the standard 14 fonts every reader has (nothing embedded).
pub fn helvetica() -> Dictionary {
    dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    }
}

/// A JPEG as an image XObject, its bytes kept as they are (no re-encoding, no loss).
pub fn jpeg_xobject(jpeg: &[u8]) -> Result<(Stream, u32, u32), String> {
    use image::ImageDecoder;
    let decoder = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg))
        .map_err(|e| format!("damaged JPEG: {e}"))?;
    let (width, height) = decoder.dimensions();
    let color_space = match decoder.color_type().channel_count() {
        1 => "DeviceGray",
        3 => "DeviceRGB",
        _ => "DeviceCMYK",
    };
    let mut dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => width as i64,
        "Height" => height as i64,
        "ColorSpace" => color_space,
        "BitsPerComponent" => 8,
        "Filter" => "DCTDecode",
    };
    if color_space == "DeviceCMYK" {
        // Adobe's CMYK JPEGs are stored inverted.
        dict.set(
            "Decode",
            vec![
                1.into(),
                0.into(),
                1.into(),
                0.into(),
                1.into(),
                0.into(),
                1.into(),
                0.into(),
            ],
        );
    }
    Ok((
        Stream::new(dict, jpeg.to_vec()).with_compression(false),
        width,
        height,
    ))
}

/// 8-bit gray or RGB pixels as a Flate-compressed image XObject.
pub fn pixels_xobject(width: u32, height: u32, channels: u8, data: &[u8]) -> Stream {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let compressed = encoder
        .write_all(data)
        .and_then(|_| encoder.finish())
        .unwrap_or_default();
    let dict = dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => width as i64,
        "Height" => height as i64,
        "ColorSpace" => if channels == 1 { "DeviceGray" } else { "DeviceRGB" },
        "BitsPerComponent" => 8,
        "Filter" => "FlateDecode",
    };
    Stream::new(dict, compressed).with_compression(false)
}

/// A PDF text string: ASCII as is, anything else as UTF-16BE with its byte-order mark.
pub fn text_string(text: &str) -> Object {
    if text.is_ascii() {
        Object::string_literal(text)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, lopdf::StringFormat::Hexadecimal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_is_drawn_inside_its_square_and_labels_escape() {
        let ops = String::from_utf8(
            qr_operators("KHOCOPY1|a|b|c|d|ABCDE-12345", 10.0, 20.0, 100.0).unwrap(),
        )
        .unwrap();
        assert!(ops.starts_with("q 1 1 1 rg 10.000 20.000 100.000 100.000 re f"));
        for line in ops.lines().filter(|l| l.ends_with(" re")) {
            let n: Vec<f32> = line
                .split(' ')
                .take(4)
                .map(|v| v.parse().unwrap())
                .collect();
            assert!(
                n[0] >= 10.0 && n[0] + n[2] <= 110.01 && n[1] >= 20.0 && n[1] + n[3] <= 120.01,
                "{line}"
            );
        }
        let label = String::from_utf8(label_operators(&["a (b) \\ đ"], 0.0, 0.0, 8.0)).unwrap();
        assert!(label.contains("(a \\(b\\) \\\\ ?) Tj"));
    }
}
