//! Page images of a PDF for OCR. A scanned page usually holds one image: JPEG (DCT) bytes go to
//! tesseract untouched, Flate-compressed pixels are inflated (bounded), fax (CCITT) streams are
//! wrapped in a TIFF header. Anything else (JBIG2, several images, vector drawing, a /Rotate) is
//! rendered with poppler's `pdftoppm`, which reads every PDF feature.

use super::page_image::{unpack_bits, PageImage};
use crate::Limits;
use lopdf::{Document, Object, ObjectId};
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// Resolution pages are rendered at when they must be rendered.
const RENDER_DPI: f32 = 300.0;

/// The PDF written once to a temporary file, for `pdftoppm`.
pub struct PdfRenderer {
    dir: tempfile::TempDir,
    pdf: PathBuf,
    timeout: Duration,
}

impl PdfRenderer {
    pub fn new(bytes: &[u8], timeout: Duration) -> Result<Self, String> {
        let dir = tempfile::Builder::new()
            .prefix("kho-pdf-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
        let pdf = dir.path().join("input.pdf");
        std::fs::write(&pdf, bytes).map_err(|e| format!("cannot write a temporary file: {e}"))?;
        Ok(PdfRenderer { dir, pdf, timeout })
    }

    /// Renders page `page` (1-based) to 8-bit gray at up to 300 dpi, keeping the longest side
    /// within the pixel limits.
    pub fn render(
        &self,
        page: u32,
        page_size_pt: Option<(f32, f32)>,
        limits: &Limits,
    ) -> Result<PageImage, String> {
        self.render_at(page, RENDER_DPI, page_size_pt, limits)
    }

    /// [`PdfRenderer::render`] at up to `dpi` (separator and blank-page detection look at pages
    /// at less than OCR's 300 dpi).
    pub fn render_at(
        &self,
        page: u32,
        dpi: f32,
        page_size_pt: Option<(f32, f32)>,
        limits: &Limits,
    ) -> Result<PageImage, String> {
        let longest_pt = page_size_pt.map_or(842.0, |(w, h)| w.max(h)).max(1.0);
        let max_dpi = limits.max_side.min(10_000) as f32 * 72.0 / longest_pt;
        let dpi = dpi.min(max_dpi).max(10.0);
        let base = self.dir.path().join(format!("page-{page}"));
        let dpi = format!("{dpi:.0}");
        match self.pdftoppm(&["-gray", "-singlefile", "-r", &dpi], page, &base) {
            Ok(()) => {}
            Err(Pdftoppm::NotStarted(e)) => return Err(format!("cannot render the page: pdftoppm could not be started ({e}); install poppler-utils")),
            Err(Pdftoppm::Failed(s)) => return Err(format!("cannot render the page: pdftoppm exited with {s}")),
            Err(Pdftoppm::TimedOut) => {
                return Err(format!(
                    "rendering the page took longer than {} s",
                    self.timeout.as_secs()
                ))
            }
        }
        let path = base.with_extension("pgm");
        let bytes = std::fs::read(&path).map_err(|e| format!("no rendered page: {e}"))?;
        let _ = std::fs::remove_file(&path);
        parse_pgm(&bytes).ok_or_else(|| "pdftoppm wrote an unreadable image".to_string())
    }

    /// Page `page` as a PNG `width` pixels wide (a preview).
    pub fn png(&self, page: u32, width: u32) -> Result<Vec<u8>, String> {
        let base = self.dir.path().join(format!("preview-{page}-{width}"));
        let width = width.to_string();
        let args = [
            "-png",
            "-singlefile",
            "-scale-to-x",
            &width,
            "-scale-to-y",
            "-1",
        ];
        match self.pdftoppm(&args, page, &base) {
            Ok(()) => {}
            Err(Pdftoppm::NotStarted(e)) => {
                return Err(format!(
                "cannot draw the page: pdftoppm could not be started ({e}); install poppler-utils"
            ))
            }
            Err(Pdftoppm::Failed(_)) => return Err(format!("cannot draw page {page} of this PDF")),
            Err(Pdftoppm::TimedOut) => {
                return Err(format!(
                    "drawing page {page} took longer than {} s",
                    self.timeout.as_secs()
                ))
            }
        }
        std::fs::read(base.with_extension("png")).map_err(|_| format!("the PDF has no page {page}"))
    }

    /// Runs `pdftoppm ARGS -f PAGE -l PAGE input.pdf BASE` under the time limit.
    fn pdftoppm(&self, args: &[&str], page: u32, base: &std::path::Path) -> Result<(), Pdftoppm> {
        let page = page.to_string();
        let mut child = Command::new("pdftoppm")
            .args(args)
            .args(["-f", &page, "-l", &page])
            .arg(&self.pdf)
            .arg(base)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(Pdftoppm::NotStarted)?;
        match child.wait_timeout(self.timeout) {
            Ok(Some(s)) if s.success() => Ok(()),
            Ok(Some(s)) => Err(Pdftoppm::Failed(s)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                Err(Pdftoppm::TimedOut)
            }
        }
    }
}

/// How a `pdftoppm` run went wrong.
enum Pdftoppm {
    NotStarted(std::io::Error),
    Failed(std::process::ExitStatus),
    TimedOut,
}

fn parse_pgm(bytes: &[u8]) -> Option<PageImage> {
    // "P5\n<w> <h>\n255\n<data>" as pdftoppm writes it.
    let mut fields = Vec::new();
    let mut pos = 0;
    while fields.len() < 4 {
        while bytes.get(pos)?.is_ascii_whitespace() {
            pos += 1;
        }
        let start = pos;
        while !bytes.get(pos)?.is_ascii_whitespace() {
            pos += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..pos]).ok()?);
    }
    let (width, height): (u32, u32) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    if fields[0] != "P5" || fields[3] != "255" {
        return None;
    }
    let data = bytes.get(pos + 1..)?.to_vec();
    (data.len() == width as usize * height as usize).then_some(PageImage::Pixels {
        width,
        height,
        channels: 1,
        data,
    })
}

/// The page's size in points (from its inherited MediaBox), if it can be read.
pub fn page_size(doc: &Document, page_id: ObjectId) -> Option<(f32, f32)> {
    let mut dict = doc.get_dictionary(page_id).ok()?;
    for _ in 0..32 {
        if let Ok(Object::Array(b)) = dict.get(b"MediaBox").map(|o| resolve(doc, o)) {
            let n: Vec<f32> = b
                .iter()
                .filter_map(|o| resolve(doc, o).as_float().ok())
                .collect();
            if n.len() == 4 {
                return Some(((n[2] - n[0]).abs(), (n[3] - n[1]).abs()));
            }
        }
        let parent = dict.get(b"Parent").ok()?.as_reference().ok()?;
        dict = doc.get_dictionary(parent).ok()?;
    }
    None
}

fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    match obj {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(obj),
        _ => obj,
    }
}

fn rotation(doc: &Document, page_id: ObjectId) -> i64 {
    let mut dict = doc.get_dictionary(page_id).ok();
    for _ in 0..32 {
        let Some(d) = dict else { return 0 };
        if let Ok(r) = d
            .get(b"Rotate")
            .map(|o| resolve(doc, o))
            .and_then(Object::as_i64)
        {
            return r.rem_euclid(360);
        }
        dict = d
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_dictionary(id))
            .ok();
    }
    0
}

/// The one image of a scanned page, without rendering, when the page is that simple.
pub fn embedded_scan(doc: &Document, page_id: ObjectId, limits: &Limits) -> Option<PageImage> {
    if rotation(doc, page_id) != 0 {
        return None;
    }
    let images = doc.get_page_images(page_id).ok()?;
    let [image] = images.as_slice() else {
        return None;
    };
    let (width, height) = (
        u32::try_from(image.width).ok()?,
        u32::try_from(image.height).ok()?,
    );
    if width == 0
        || height == 0
        || width > limits.max_side
        || height > limits.max_side
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return None;
    }
    let dict = image.origin_dict;
    if dict
        .get(b"ImageMask")
        .and_then(Object::as_bool)
        .unwrap_or(false)
        || dict.has(b"Decode")
    {
        return None;
    }
    let filters: Vec<&str> = image.filters.as_ref()?.iter().map(String::as_str).collect();
    let params = dict.get(b"DecodeParms").ok().map(|o| resolve(doc, o));
    match filters.as_slice() {
        ["DCTDecode"] => Some(PageImage::Encoded {
            bytes: image.content.to_vec(),
            extension: "jpg",
        }),
        ["FlateDecode", "DCTDecode"] => Some(PageImage::Encoded {
            bytes: inflate(image.content, limits.max_pixels as usize * 4)?,
            extension: "jpg",
        }),
        ["FlateDecode"] => {
            if params.is_some_and(|p| !matches!(p, Object::Null)) {
                return None; // predictors: leave it to the renderer
            }
            let raw = inflate(image.content, limits.max_pixels as usize * 4)?;
            let bpc = image.bits_per_component?;
            let (w, h) = (width as usize, height as usize);
            match (image.color_space.as_deref()?, bpc) {
                ("DeviceGray", 8) if raw.len() >= w * h => Some(PageImage::Pixels {
                    width,
                    height,
                    channels: 1,
                    data: raw[..w * h].to_vec(),
                }),
                ("DeviceRGB", 8) if raw.len() >= w * h * 3 => Some(PageImage::Pixels {
                    width,
                    height,
                    channels: 3,
                    data: raw[..w * h * 3].to_vec(),
                }),
                ("DeviceGray", 1) if raw.len() >= w.div_ceil(8) * h => Some(PageImage::Pixels {
                    width,
                    height,
                    channels: 1,
                    data: unpack_bits(&raw, w, h),
                }),
                _ => None,
            }
        }
        ["CCITTFaxDecode"] => {
            let p = params.and_then(|p| p.as_dict().ok());
            let int = |key: &[u8], default: i64| {
                p.and_then(|d| d.get(key).ok())
                    .and_then(|o| o.as_i64().ok())
                    .unwrap_or(default)
            };
            let black_is_1 = p
                .and_then(|d| d.get(b"BlackIs1").ok())
                .and_then(|o| o.as_bool().ok())
                .unwrap_or(false);
            if int(b"Columns", 1728) != i64::from(width)
                || p.is_some_and(|d| d.has(b"EncodedByteAlign"))
            {
                return None;
            }
            Some(PageImage::Encoded {
                bytes: fax_tiff(image.content, width, height, int(b"K", 0), black_is_1),
                extension: "tif",
            })
        }
        _ => None,
    }
}

fn inflate(data: &[u8], max: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(max as u64 + 1)
        .read_to_end(&mut out)
        .ok()?;
    (out.len() <= max).then_some(out)
}

/// A single-strip TIFF around a CCITT fax stream, so that tesseract (leptonica) decodes it.
fn fax_tiff(data: &[u8], width: u32, height: u32, k: i64, black_is_1: bool) -> Vec<u8> {
    let compression: u32 = if k < 0 { 4 } else { 3 };
    let t4_options: u32 = if k > 0 { 1 } else { 0 };
    // With BlackIs1 false (the default) 0 bits are black: TIFF's BlackIsZero (1).
    let photometric: u32 = if black_is_1 { 0 } else { 1 };
    let mut entries: Vec<(u16, u16, u32)> = vec![
        (256, 4, width),
        (257, 4, height),
        (258, 3, 1),
        (259, 3, compression),
        (262, 3, photometric),
        (273, 4, 0), // StripOffsets, patched below
        (277, 3, 1),
        (278, 4, height),
        (279, 4, data.len() as u32),
    ];
    if compression == 3 {
        entries.push((292, 4, t4_options));
    }
    let ifd_len = 2 + entries.len() * 12 + 4;
    let data_offset = (8 + ifd_len) as u32;
    let mut out = b"II*\0".to_vec();
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, kind, mut value) in entries {
        if tag == 273 {
            value = data_offset;
        }
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        if kind == 3 {
            out.extend_from_slice(&(value as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(data);
    out
}
