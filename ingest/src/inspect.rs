//! Opening a file of a known format far enough to count its pages, under hard limits, without
//! panicking on hostile input.

use schemas::Format;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Limits on what one file may claim. Checked from headers before pixel buffers are allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_pages: u32,
    /// Largest image, in pixels (width × height) per page.
    pub max_pixels: u64,
    /// Largest width or height of an image, in pixels.
    pub max_side: u32,
    /// Smallest width or height of an image, in pixels: below it no character can be on the page
    /// (ARCHITECTURE.md, "Decisions": what a file must be to be stored as a paper).
    pub min_side: u32,
    /// Largest size a single compressed PDF stream (other than an image) may inflate to; four
    /// times this bounds all of a file's non-image streams together.
    pub max_pdf_stream_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pages: 5_000,
            // An A3 page at 600 dpi is about 70 million pixels.
            max_pixels: 200_000_000,
            max_side: 40_000,
            min_side: 16,
            // Content streams of real documents are a few MiB at most.
            max_pdf_stream_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Why a file of a known format cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectError {
    #[error("{}", self.message())]
    Damaged {
        format: &'static str,
        detail: Damage,
    },
    #[error("{}", self.message())]
    Encrypted,
    #[error("{}", self.message())]
    NoPages { format: &'static str },
    #[error("{}", self.message())]
    TooManyPages {
        format: &'static str,
        pages: u64,
        max: u32,
    },
    #[error("{}", self.message())]
    TooManyPixels {
        format: &'static str,
        page: u32,
        width: u32,
        height: u32,
        max_side: u32,
        max_pixels: u64,
    },
    #[error("{}", self.message())]
    TooSmall {
        format: &'static str,
        page: u32,
        width: u32,
        height: u32,
        min_side: u32,
    },
}

/// What is wrong with a damaged file, in words of the table (a library's own error text, often
/// a debug dump of its structures, never reaches a reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// A chunk's checksum does not match its bytes.
    Checksum,
    /// The file ends before its data does.
    Truncated,
    /// The file's structure is not what its format requires.
    Structure,
    /// A PNG's image data inflates past the size its header declares.
    ExcessImageData,
    /// An encoding or variant of the format kho's readers do not know.
    Unsupported,
    /// A compressed stream inflates past kho's limits.
    StreamOverLimit,
    /// The reader stopped on the file's structure (a contained panic).
    ReaderFailed,
    /// No page can be shown as an image nor read for text.
    NothingViewable,
}

impl Damage {
    pub fn message(self) -> schemas::messages::Message {
        use schemas::messages::{self as m, Message};
        Message::new(match self {
            Damage::Checksum => &m::DAMAGE_CHECKSUM,
            Damage::Truncated => &m::DAMAGE_TRUNCATED,
            Damage::Structure => &m::DAMAGE_STRUCTURE,
            Damage::ExcessImageData => &m::DAMAGE_EXCESS_IMAGE_DATA,
            Damage::Unsupported => &m::DAMAGE_UNSUPPORTED,
            Damage::StreamOverLimit => &m::DAMAGE_STREAM_OVER_LIMIT,
            Damage::ReaderFailed => &m::DAMAGE_READER_FAILED,
            Damage::NothingViewable => &m::DAMAGE_NOTHING_VIEWABLE,
        })
    }

    fn of_image(e: &image::ImageError) -> Damage {
        match e {
            image::ImageError::IoError(_) => Damage::Truncated,
            image::ImageError::Unsupported(_) => Damage::Unsupported,
            image::ImageError::Limits(_) => Damage::StreamOverLimit,
            _ => Damage::Structure,
        }
    }

    fn of_tiff(e: &tiff::TiffError) -> Damage {
        match e {
            tiff::TiffError::IoError(_) => Damage::Truncated,
            tiff::TiffError::UnsupportedError(_) => Damage::Unsupported,
            tiff::TiffError::LimitsExceeded => Damage::StreamOverLimit,
            _ => Damage::Structure,
        }
    }
}

impl InspectError {
    /// The reason in the table's words (the report's `code` and `error`).
    pub fn message(&self) -> schemas::messages::Message {
        use schemas::messages::{self as m, Message};
        match self {
            InspectError::Damaged { format, detail } => Message::new(&m::INGEST_DAMAGED)
                .with("format", format)
                .with_message("detail", detail.message()),
            InspectError::Encrypted => Message::new(&m::INGEST_ENCRYPTED),
            InspectError::NoPages { format } => {
                Message::new(&m::INGEST_NO_PAGES).with("format", format)
            }
            InspectError::TooManyPages { format, pages, max } => {
                Message::new(&m::INGEST_TOO_MANY_PAGES)
                    .with("format", format)
                    .with("pages", pages)
                    .with("max", max)
            }
            InspectError::TooManyPixels {
                format,
                page,
                width,
                height,
                max_side,
                max_pixels,
            } => Message::new(&m::INGEST_TOO_MANY_PIXELS)
                .with("format", format)
                .with("page", page)
                .with("width", width)
                .with("height", height)
                .with("max_side", max_side)
                .with("max_pixels", max_pixels),
            InspectError::TooSmall {
                format,
                page,
                width,
                height,
                min_side,
            } => Message::new(&m::INGEST_TOO_SMALL)
                .with("format", format)
                .with("page", page)
                .with("width", width)
                .with("height", height)
                .with("min_side", min_side),
        }
    }
}

/// What inspection learnt about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspection {
    pub format: Format,
    pub pages: u32,
}

/// Counts the pages of `bytes` (already sniffed as `format`) and checks them against `limits`.
/// A parser that panics on hostile input is contained here and reported as damage.
pub fn inspect(format: Format, bytes: &[u8], limits: &Limits) -> Result<Inspection, InspectError> {
    let outcome = catch_unwind(AssertUnwindSafe(|| match format {
        Format::Pdf => pdf_pages(bytes, limits),
        Format::Png | Format::Jpeg => single_image(format, bytes, limits),
        Format::Tiff => tiff_pages(bytes, limits),
    }));
    let pages = outcome.unwrap_or_else(|_| {
        Err(InspectError::Damaged {
            format: format.name(),
            detail: Damage::ReaderFailed,
        })
    })?;
    Ok(Inspection { format, pages })
}

fn check_page_count(format: Format, pages: u64, limits: &Limits) -> Result<u32, InspectError> {
    if pages == 0 {
        return Err(InspectError::NoPages {
            format: format.name(),
        });
    }
    u32::try_from(pages)
        .ok()
        .filter(|p| *p <= limits.max_pages)
        .ok_or(InspectError::TooManyPages {
            format: format.name(),
            pages,
            max: limits.max_pages,
        })
}

fn check_pixels(
    format: Format,
    page: u32,
    (width, height): (u32, u32),
    limits: &Limits,
) -> Result<(), InspectError> {
    if width < limits.min_side || height < limits.min_side {
        return Err(InspectError::TooSmall {
            format: format.name(),
            page,
            width,
            height,
            min_side: limits.min_side,
        });
    }
    let too_big = width > limits.max_side
        || height > limits.max_side
        || u64::from(width) * u64::from(height) > limits.max_pixels;
    if too_big {
        return Err(InspectError::TooManyPixels {
            format: format.name(),
            page,
            width,
            height,
            max_side: limits.max_side,
            max_pixels: limits.max_pixels,
        });
    }
    Ok(())
}

fn pdf_pages(bytes: &[u8], limits: &Limits) -> Result<u32, InspectError> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(limits.max_pdf_stream_bytes),
        ..Default::default()
    };
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| {
        if matches!(
            e,
            lopdf::Error::Decryption(_)
                | lopdf::Error::InvalidPassword
                | lopdf::Error::UnsupportedSecurityHandler(_)
        ) {
            InspectError::Encrypted
        } else {
            InspectError::Damaged {
                format: "PDF",
                detail: Damage::Structure,
            }
        }
    })?;
    // A PDF with only an owner password (printing or copying restricted) opens with the empty
    // user password and is readable; one that still is encrypted after loading is not.
    if doc.is_encrypted() {
        return Err(InspectError::Encrypted);
    }
    check_streams(&doc, limits).map_err(|detail| InspectError::Damaged {
        format: "PDF",
        detail,
    })?;
    check_page_count(Format::Pdf, doc.get_pages().len() as u64, limits)
}

/// Width and height from a PNG's IHDR chunk, which the format requires to come first.
fn png_header_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let be = |r: std::ops::Range<usize>| bytes.get(r)?.try_into().ok().map(u32::from_be_bytes);
    Some((be(16..20)?, be(20..24)?))
}

/// Checks that no content, form, font or other non-image stream inflates past the limits, so that
/// the extractor (which inflates without limits) cannot be handed a decompression bomb.
fn check_streams(doc: &lopdf::Document, limits: &Limits) -> Result<(), Damage> {
    let mut total = 0usize;
    for object in doc.objects.values() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        let is_image = stream
            .dict
            .get(b"Subtype")
            .and_then(lopdf::Object::as_name)
            .is_ok_and(|n| n == b"Image");
        if is_image {
            continue;
        }
        let size = stream
            .get_plain_content_with_limit(limits.max_pdf_stream_bytes)
            .map(|c| c.len())
            .map_err(|_| Damage::StreamOverLimit)?;
        total += size;
        if total > limits.max_pdf_stream_bytes.saturating_mul(4) {
            return Err(Damage::StreamOverLimit);
        }
    }
    Ok(())
}

fn single_image(format: Format, bytes: &[u8], limits: &Limits) -> Result<u32, InspectError> {
    // Check what the header claims before any decoder sees the file.
    if let Some(dims) = png_header_dimensions(bytes).filter(|_| format == Format::Png) {
        check_pixels(format, 1, dims, limits)?;
        crate::png_data::check_png(bytes).map_err(|detail| InspectError::Damaged {
            format: "PNG",
            detail,
        })?;
    }
    let image_format = match format {
        Format::Png => image::ImageFormat::Png,
        _ => image::ImageFormat::Jpeg,
    };
    let dims = image::ImageReader::with_format(Cursor::new(bytes), image_format)
        .into_dimensions()
        .map_err(|e| InspectError::Damaged {
            format: format.name(),
            detail: Damage::of_image(&e),
        })?;
    check_pixels(format, 1, dims, limits)?;
    Ok(1)
}

fn tiff_pages(bytes: &[u8], limits: &Limits) -> Result<u32, InspectError> {
    let damaged = |e: tiff::TiffError| InspectError::Damaged {
        format: "TIFF",
        detail: Damage::of_tiff(&e),
    };
    let mut decoder = tiff::decoder::Decoder::new(Cursor::new(bytes)).map_err(damaged)?;
    let mut pages: u32 = 0;
    loop {
        pages += 1;
        if pages > limits.max_pages {
            return Err(InspectError::TooManyPages {
                format: "TIFF",
                pages: u64::from(pages),
                max: limits.max_pages,
            });
        }
        let dims = decoder.dimensions().map_err(damaged)?;
        check_pixels(Format::Tiff, pages, dims, limits)?;
        if !decoder.more_images() {
            break;
        }
        decoder.next_image().map_err(damaged)?;
    }
    check_page_count(Format::Tiff, u64::from(pages), limits)
}
