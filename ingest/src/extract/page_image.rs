//! A page as an image, in a form tesseract reads, and the ways to get one from each input format.

use crate::Limits;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

/// One page's image.
#[derive(Debug, Clone, PartialEq)]
pub enum PageImage {
    /// An encoded image file that tesseract decodes itself (no re-encoding on our side):
    /// a PNG or JPEG input, a JPEG embedded in a PDF, a fax stream wrapped in a TIFF header.
    Encoded {
        bytes: Vec<u8>,
        extension: &'static str,
    },
    /// 8-bit pixels, written as PGM (1 channel) or PPM (3 channels).
    Pixels {
        width: u32,
        height: u32,
        channels: u8,
        data: Vec<u8>,
    },
}

impl PageImage {
    /// Writes the image into `dir` as `stem.EXT` and returns the path.
    pub fn write_to(&self, dir: &Path, stem: &str) -> std::io::Result<PathBuf> {
        match self {
            PageImage::Encoded { bytes, extension } => {
                let path = dir.join(format!("{stem}.{extension}"));
                std::fs::write(&path, bytes)?;
                Ok(path)
            }
            PageImage::Pixels {
                width,
                height,
                channels,
                data,
            } => {
                let (magic, ext) = if *channels == 1 {
                    ("P5", "pgm")
                } else {
                    ("P6", "ppm")
                };
                let path = dir.join(format!("{stem}.{ext}"));
                let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
                write!(file, "{magic}\n{width} {height}\n255\n")?;
                file.write_all(data)?;
                file.flush()?;
                Ok(path)
            }
        }
    }

    /// The image decoded (an encoded one under the decoder's default memory limits).
    pub fn to_dynamic(&self) -> Result<image::DynamicImage, String> {
        match self {
            PageImage::Encoded { bytes, .. } => {
                let mut reader = image::ImageReader::new(Cursor::new(bytes))
                    .with_guessed_format()
                    .map_err(|e| e.to_string())?;
                reader.limits(image::Limits::default());
                reader.decode().map_err(|e| e.to_string())
            }
            PageImage::Pixels {
                width,
                height,
                channels,
                data,
            } => {
                let buf = data.clone();
                if *channels == 1 {
                    image::GrayImage::from_raw(*width, *height, buf)
                        .map(image::DynamicImage::ImageLuma8)
                } else {
                    image::RgbImage::from_raw(*width, *height, buf)
                        .map(image::DynamicImage::ImageRgb8)
                }
                .ok_or_else(|| "pixel buffer does not match its size".to_string())
            }
        }
    }

    /// The image turned clockwise by `degrees` (90, 180 or 270), as pixels.
    pub fn rotated(&self, degrees: u16) -> Result<PageImage, String> {
        let img = self.to_dynamic()?;
        let turned = match degrees {
            90 => img.rotate90(),
            180 => img.rotate180(),
            270 => img.rotate270(),
            _ => img,
        };
        let gray = turned.into_luma8();
        Ok(PageImage::Pixels {
            width: gray.width(),
            height: gray.height(),
            channels: 1,
            data: gray.into_raw(),
        })
    }
}

/// Page images of a multi-page TIFF, decoded page by page under the limits.
pub fn tiff_pages(bytes: &[u8], limits: &Limits) -> Vec<Result<PageImage, String>> {
    let mut out = Vec::new();
    each_tiff_page(bytes, limits, &mut |page| {
        out.push(page);
        true
    });
    out
}

/// Decodes a TIFF's pages one at a time, handing each to `page` (which returns `false` to stop),
/// so that only one page is in memory (a scanned stack may hold hundreds).
pub fn each_tiff_page(
    bytes: &[u8],
    limits: &Limits,
    page: &mut dyn FnMut(Result<PageImage, String>) -> bool,
) {
    let mut decoder = match tiff::decoder::Decoder::new(Cursor::new(bytes)) {
        Ok(d) => d,
        Err(e) => {
            page(Err(format!("damaged TIFF: {e}")));
            return;
        }
    };
    let mut tiff_limits = tiff::decoder::Limits::default();
    tiff_limits.decoding_buffer_size = (limits.max_pixels * 4) as usize;
    tiff_limits.intermediate_buffer_size = (limits.max_pixels * 4) as usize;
    decoder = decoder.with_limits(tiff_limits);
    let mut count = 0u32;
    loop {
        count += 1;
        if !page(decode_tiff_page(&mut decoder))
            || count >= limits.max_pages
            || !decoder.more_images()
        {
            break;
        }
        if let Err(e) = decoder.next_image() {
            page(Err(format!("damaged TIFF page: {e}")));
            break;
        }
    }
}

fn decode_tiff_page<R: std::io::Read + std::io::Seek>(
    decoder: &mut tiff::decoder::Decoder<R>,
) -> Result<PageImage, String> {
    use tiff::decoder::DecodingResult;
    use tiff::ColorType;
    let (width, height) = decoder.dimensions().map_err(|e| e.to_string())?;
    let color = decoder.colortype().map_err(|e| e.to_string())?;
    let white_is_zero = matches!(
        decoder.get_tag_u32(tiff::tags::Tag::PhotometricInterpretation),
        Ok(0)
    );
    let data = match decoder
        .read_image()
        .map_err(|e| format!("cannot decode the page: {e}"))?
    {
        DecodingResult::U8(d) => d,
        DecodingResult::U16(d) => d.into_iter().map(|v| (v >> 8) as u8).collect(),
        _ => return Err(format!("unsupported TIFF sample format ({color:?})")),
    };
    let (w, h) = (width as usize, height as usize);
    let gray = |mut pixels: Vec<u8>| {
        if white_is_zero {
            pixels.iter_mut().for_each(|p| *p = 255 - *p);
        }
        pixels
    };
    let (channels, data) = match color {
        ColorType::Gray(8) | ColorType::Gray(16) => (1, gray(data)),
        ColorType::Gray(1) => (1, gray(unpack_bits(&data, w, h))),
        ColorType::RGB(8) | ColorType::RGB(16) => (3, data),
        ColorType::GrayA(8) | ColorType::GrayA(16) => {
            (1, gray(data.chunks(2).map(|c| c[0]).collect()))
        }
        ColorType::RGBA(8) | ColorType::RGBA(16) => {
            (3, data.chunks(4).flat_map(|c| [c[0], c[1], c[2]]).collect())
        }
        other => return Err(format!("unsupported TIFF colour type {other:?}")),
    };
    if data.len() != w * h * channels as usize {
        return Err("the page's pixel data does not match its size".into());
    }
    Ok(PageImage::Pixels {
        width,
        height,
        channels,
        data,
    })
}

/// 1-bit rows (each padded to a byte, 1 = white as in a BlackIsZero image) to 8-bit gray.
pub(crate) fn unpack_bits(packed: &[u8], width: usize, height: usize) -> Vec<u8> {
    let row_bytes = width.div_ceil(8);
    let mut out = Vec::with_capacity(width * height);
    for row in packed.chunks(row_bytes).take(height) {
        for x in 0..width {
            let bit = row.get(x / 8).map_or(0, |b| (b >> (7 - x % 8)) & 1);
            out.push(if bit == 1 { 255 } else { 0 });
        }
    }
    out
}
