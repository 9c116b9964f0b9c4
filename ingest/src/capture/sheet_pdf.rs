//! Writing separator sheets: each an A4 page drawn as a 200-dpi grey image (a QR code, large
//! Vietnamese text in DejaVu Sans, a heavy frame and the words "TỜ PHÂN CÁCH"), put into a PDF
//! as a Flate-compressed image. Drawing the page rather than embedding the font keeps the PDF
//! writer to a few objects, prints the same everywhere, and makes the generated sheet look to
//! `--split` exactly like a scanned one.
//!
//! Its QR codes are made by [`crate::pdfgen::utf8_qr`], as certified copies' are.

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use lopdf::{dictionary, Document, Object, Stream};
use qrcode::{Color, QrCode};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Sheets are drawn at this resolution.
pub const SHEET_DPI: u32 = 200;
/// A4 in points.
const A4_PT: (f32, f32) = (595.276, 841.89);
/// The QR code's side on paper, in millimetres (quiet zone included).
const QR_MM: f32 = 75.0;

/// Where the fonts are looked for, in order; `KHO_SHEET_FONT` (a regular TrueType file) first.
const FONT_DIRS: [&str; 3] = [
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu",
];

#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("no font with Vietnamese letters found ({0}); install fonts-dejavu-core, or set KHO_SHEET_FONT to a TrueType file")]
    NoFont(String),
    #[error("the font {path} cannot be read: {why}")]
    BadFont { path: PathBuf, why: String },
    #[error("the QR code cannot hold this metadata: {0}")]
    Qr(String),
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
}

/// One line of text on a sheet.
pub struct SheetLine {
    pub label: String,
    pub value: String,
}

/// What one sheet shows.
pub struct Sheet {
    pub payload: String,
    /// The owner ID, printed largest, under the heading.
    pub headline: String,
    pub lines: Vec<SheetLine>,
    /// Small print at the bottom (which sheet of which manifest).
    pub footer: String,
}

/// The regular and bold faces sheets are drawn with.
pub struct SheetFonts {
    regular: FontVec,
    bold: FontVec,
}

impl SheetFonts {
    /// DejaVu Sans from the system (or `KHO_SHEET_FONT`, used for both faces).
    pub fn load() -> Result<Self, SheetError> {
        let read = |path: &Path| -> Result<FontVec, SheetError> {
            let bytes = std::fs::read(path).map_err(|e| SheetError::BadFont {
                path: path.to_path_buf(),
                why: e.to_string(),
            })?;
            FontVec::try_from_vec(bytes).map_err(|e| SheetError::BadFont {
                path: path.to_path_buf(),
                why: e.to_string(),
            })
        };
        if let Some(path) = std::env::var_os("KHO_SHEET_FONT") {
            let path = PathBuf::from(path);
            return Ok(SheetFonts {
                regular: read(&path)?,
                bold: read(&path)?,
            });
        }
        for dir in FONT_DIRS {
            let regular = Path::new(dir).join("DejaVuSans.ttf");
            if regular.is_file() {
                let bold = Path::new(dir).join("DejaVuSans-Bold.ttf");
                let bold_path = if bold.is_file() { &bold } else { &regular };
                return Ok(SheetFonts {
                    regular: read(&regular)?,
                    bold: read(bold_path)?,
                });
            }
        }
        Err(SheetError::NoFont(format!(
            "looked in {}",
            FONT_DIRS.join(", ")
        )))
    }
}

/// A grey page being drawn (0 black, 255 white).
struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

fn mm(v: f32) -> u32 {
    (v / 25.4 * SHEET_DPI as f32).round() as u32
}

impl Canvas {
    fn a4() -> Self {
        let width = (A4_PT.0 / 72.0 * SHEET_DPI as f32).round() as u32;
        let height = (A4_PT.1 / 72.0 * SHEET_DPI as f32).round() as u32;
        Canvas {
            width,
            height,
            pixels: vec![255; (width * height) as usize],
        }
    }

    fn fill(&mut self, x: u32, y: u32, w: u32, h: u32) {
        for row in y..(y + h).min(self.height) {
            let start = (row * self.width + x.min(self.width)) as usize;
            let end = (row * self.width + (x + w).min(self.width)) as usize;
            self.pixels[start..end].fill(0);
        }
    }

    /// Darkens a pixel by coverage `c` (0-1), for anti-aliased glyphs.
    fn ink(&mut self, x: i64, y: i64, c: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let i = (y as u32 * self.width + x as u32) as usize;
        let v = f32::from(self.pixels[i]) * (1.0 - c.clamp(0.0, 1.0));
        self.pixels[i] = v.round() as u8;
    }

    /// Width of `text` in pixels at size `px`.
    fn measure(font: &FontVec, px: f32, text: &str) -> f32 {
        let scaled = font.as_scaled(PxScale::from(px));
        let mut width = 0.0;
        let mut previous = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = previous {
                width += scaled.kern(p, id);
            }
            width += scaled.h_advance(id);
            previous = Some(id);
        }
        width
    }

    /// Draws one line with its top at `top`, starting at `left`; returns the line height.
    fn text(&mut self, font: &FontVec, px: f32, left: f32, top: f32, text: &str) -> f32 {
        let scaled = font.as_scaled(PxScale::from(px));
        let baseline = top + scaled.ascent();
        let mut x = left;
        let mut previous = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = previous {
                x += scaled.kern(p, id);
            }
            let glyph = id.with_scale_and_position(px, ab_glyph::point(x, baseline));
            if let Some(outline) = font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                outline.draw(|gx, gy, c| {
                    self.ink(
                        bounds.min.x as i64 + i64::from(gx),
                        bounds.min.y as i64 + i64::from(gy),
                        c,
                    )
                });
            }
            x += scaled.h_advance(id);
            previous = Some(id);
        }
        scaled.height() + scaled.line_gap()
    }

    fn centered(&mut self, font: &FontVec, px: f32, top: f32, text: &str) -> f32 {
        let width = Self::measure(font, px, text);
        let left = ((self.width as f32 - width) / 2.0).max(0.0);
        self.text(font, px, left, top, text)
    }

    /// Draws the QR code as a square of side `side` pixels (quiet zone included) at (x, y).
    fn qr(&mut self, code: &QrCode, x: u32, y: u32, side: u32) {
        let modules = code.width() as u32;
        let total = modules + 8; // four modules of quiet zone on each side
        let module = side / total;
        let offset = (side - module * total) / 2 + 4 * module;
        for (i, color) in code.to_colors().into_iter().enumerate() {
            if color == Color::Dark {
                let (mx, my) = (i as u32 % modules, i as u32 / modules);
                self.fill(
                    x + offset + mx * module,
                    y + offset + my * module,
                    module,
                    module,
                );
            }
        }
    }
}

/// Breaks `text` into lines no wider than `width` pixels at size `px` (at spaces; a word longer
/// than a line is cut).
fn wrap(font: &FontVec, px: f32, width: f32, text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if Canvas::measure(font, px, &candidate) <= width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Draws one sheet.
fn draw(sheet: &Sheet, fonts: &SheetFonts) -> Result<Canvas, SheetError> {
    // UTF-8 behind an ECI designator, like the QR codes of certified copies: phone readers
    // and zbar then read Vietnamese names as written instead of guessing another encoding.
    let code = crate::pdfgen::utf8_qr(&sheet.payload).map_err(SheetError::Qr)?;
    let mut page = Canvas::a4();
    // A heavy frame and a black band with the mark: a separator is recognisable at a glance in
    // a stack of paper, and from the scanner's output tray.
    let (margin, frame) = (mm(8.0), mm(2.5));
    let (w, h) = (page.width, page.height);
    page.fill(margin, margin, w - 2 * margin, frame);
    page.fill(margin, h - margin - frame, w - 2 * margin, frame);
    page.fill(margin, margin, frame, h - 2 * margin);
    page.fill(w - margin - frame, margin, frame, h - 2 * margin);
    let mut y = (margin + frame + mm(8.0)) as f32;
    y += page.centered(&fonts.bold, mm(13.0) as f32, y, "TỜ PHÂN CÁCH");
    y += page.centered(&fonts.regular, mm(5.0) as f32, y, "Separator sheet · kho");
    y += mm(3.0) as f32;
    let side = mm(QR_MM);
    page.qr(&code, (w - side) / 2, y as u32, side);
    y += side as f32 + mm(3.0) as f32;
    y += page.centered(&fonts.bold, mm(9.0) as f32, y, &sheet.headline);
    y += mm(3.0) as f32;
    let left = (margin + frame + mm(10.0)) as f32;
    let text_width = w as f32 - 2.0 * left;
    let px = mm(5.2) as f32;
    let bottom = (h - margin - frame - mm(22.0)) as f32;
    for line in &sheet.lines {
        let label = format!("{}: ", line.label);
        let label_width = Canvas::measure(&fonts.regular, px, &label);
        let mut first = true;
        for part in wrap(&fonts.bold, px, text_width - label_width, &line.value) {
            if y > bottom {
                break;
            }
            if first {
                page.text(&fonts.regular, px, left, y, &label);
                first = false;
            }
            y += page.text(&fonts.bold, px, left + label_width, y, &part);
        }
    }
    let small = mm(3.8) as f32;
    let mut fy = bottom + mm(4.0) as f32;
    fy += page.centered(
        &fonts.regular,
        small,
        fy,
        "Đặt tờ này lên trước hồ sơ khi quét. Tờ phân cách không được lưu vào hồ sơ.",
    );
    page.centered(&fonts.regular, small, fy, &sheet.footer);
    Ok(page)
}

/// Writes the sheets as one PDF, one A4 page each, to `out`.
pub fn write_sheets(
    sheets: &[Sheet],
    fonts: &SheetFonts,
    out: &mut dyn Write,
) -> Result<(), SheetError> {
    let mut pages = Vec::with_capacity(sheets.len());
    for sheet in sheets {
        let page = draw(sheet, fonts)?;
        let mut deflate =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        deflate
            .write_all(&page.pixels)
            .map_err(|e| SheetError::Pdf(e.to_string()))?;
        pages.push(ImagePage {
            width: page.width,
            height: page.height,
            dpi: SHEET_DPI as f32,
            filter: "FlateDecode",
            data: deflate
                .finish()
                .map_err(|e| SheetError::Pdf(e.to_string()))?,
        });
    }
    write_image_pdf(&pages, out)
}

/// One page of an image-only PDF: a grey image, already encoded for its filter.
pub struct ImagePage {
    pub width: u32,
    pub height: u32,
    /// Sets the page's size: the image covers it at this resolution.
    pub dpi: f32,
    /// `FlateDecode` (8-bit grey pixels, zlib) or `DCTDecode` (a JPEG file).
    pub filter: &'static str,
    pub data: Vec<u8>,
}

/// Writes an image-only PDF, one image per page, as scanners write them.
pub fn write_image_pdf(pages: &[ImagePage], out: &mut dyn Write) -> Result<(), SheetError> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::with_capacity(pages.len());
    for page in pages {
        let image = Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => i64::from(page.width),
                "Height" => i64::from(page.height),
                "ColorSpace" => "DeviceGray",
                "BitsPerComponent" => 8,
                "Filter" => page.filter,
            },
            page.data.clone(),
        );
        let image_id = doc.add_object(image);
        let (w, h) = (
            page.width as f32 * 72.0 / page.dpi,
            page.height as f32 * 72.0 / page.dpi,
        );
        let draw_image = format!("q {w} 0 0 {h} 0 0 cm /Im0 Do Q");
        let content_id = doc.add_object(Stream::new(dictionary! {}, draw_image.into_bytes()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(w), Object::Real(h)],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
            "Contents" => content_id,
        });
        kids.push(Object::Reference(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.save_to(&mut &mut *out)
        .map_err(|e| SheetError::Pdf(e.to_string()))
}

/// One sheet as grey pixels (width, height, pixels) at [`SHEET_DPI`], for tests and benchmarks
/// that scan it the way a scanner would.
pub fn render_sheet(sheet: &Sheet, fonts: &SheetFonts) -> Result<(u32, u32, Vec<u8>), SheetError> {
    let page = draw(sheet, fonts)?;
    Ok((page.width, page.height, page.pixels))
}
