//! Real input files built on the fly: PDFs written with lopdf, images encoded with `image`,
//! and hostile variants of them.

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use std::io::Cursor;

/// A born-digital PDF with one line of text on each page, made distinct by `seed`. The text is
/// written in a standard font, which holds only ASCII: other characters of `seed` are dropped
/// (in a standard font they would make a mojibake text layer, which kho sends to OCR).
pub fn pdf(pages: usize, seed: &str) -> Vec<u8> {
    let seed: String = seed.chars().filter(char::is_ascii).collect();
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for page in 1..=pages {
        let text = format!("{seed} - trang {page}");
        let content = Content {
            operations: vec![
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 18.into()]),
                Operation::new("Td", vec![72.into(), 760.into()]),
                Operation::new("Tj", vec![Object::string_literal(text)]),
                Operation::new("ET", vec![]),
            ],
        };
        let bytes = content.encode().expect("encode content");
        let content_id = doc.add_object(Stream::new(dictionary! {}, bytes));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        kids.push(Object::Reference(page_id));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages as i64, "Resources" => resources_id,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save pdf");
    out
}

fn gray(width: u32, height: u32, seed: u8) -> image::GrayImage {
    image::GrayImage::from_fn(width, height, |x, y| {
        image::Luma([((x * 7 + y * 13) as u8).wrapping_add(seed) | 0x80])
    })
}

fn encode(img: &image::GrayImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encode image");
    out.into_inner()
}

pub fn png(width: u32, height: u32, seed: u8) -> Vec<u8> {
    encode(&gray(width, height, seed), image::ImageFormat::Png)
}

pub fn jpeg(width: u32, height: u32, seed: u8) -> Vec<u8> {
    encode(&gray(width, height, seed), image::ImageFormat::Jpeg)
}

/// A little-endian baseline TIFF with `pages` uncompressed 8-bit gray pages, their IFDs chained.
/// Written by hand because `image` encodes one page per file.
pub fn tiff(pages: usize, seed: u8) -> Vec<u8> {
    let (w, h) = (64u32, 48u32);
    let mut out = b"II*\0\0\0\0\0".to_vec();
    let mut link_at = 4usize;
    for p in 0..pages {
        let pixels: Vec<u8> = gray(w, h, seed.wrapping_add(p as u8)).into_raw();
        let strip_offset = out.len() as u32;
        out.extend_from_slice(&pixels);
        if out.len() % 2 == 1 {
            out.push(0);
        }
        let ifd_offset = out.len() as u32;
        out[link_at..link_at + 4].copy_from_slice(&ifd_offset.to_le_bytes());
        let entries: [(u16, u16, u32); 9] = [
            (256, 4, w),                   // ImageWidth
            (257, 4, h),                   // ImageLength
            (258, 3, 8),                   // BitsPerSample
            (259, 3, 1),                   // Compression: none
            (262, 3, 1),                   // Photometric: BlackIsZero
            (273, 4, strip_offset),        // StripOffsets
            (277, 3, 1),                   // SamplesPerPixel
            (278, 4, h),                   // RowsPerStrip
            (279, 4, pixels.len() as u32), // StripByteCounts
        ];
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, kind, value) in entries {
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
        link_at = out.len();
        out.extend_from_slice(&0u32.to_le_bytes());
    }
    out
}

/// A valid PNG signature and header that claim `width` x `height` pixels, and nothing else:
/// a decoder that trusts the header would try to allocate the whole image.
pub fn png_header_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
