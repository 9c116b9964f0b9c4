//! Recognising a file's format from its first bytes. The file name is never trusted: a text file
//! named `.pdf` is text.

use schemas::messages::{self as m, Message};
use schemas::Format;

/// How many leading bytes [`sniff`] looks at. PDF readers accept a header anywhere in the first
/// kilobyte, so that much is read.
pub const SNIFF_BYTES: usize = 1024;

/// Why a file is not one of the accepted formats.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SniffError {
    #[error("{}", self.message())]
    Empty,
    /// What the content looks like instead, as an entry of the table.
    #[error("{}", self.message())]
    Unsupported(&'static m::Entry),
}

impl SniffError {
    /// The reason in the table's words (the report's `code` and `error`).
    pub fn message(&self) -> Message {
        match self {
            SniffError::Empty => Message::new(&m::INGEST_EMPTY),
            SniffError::Unsupported(content) => {
                Message::new(&m::INGEST_UNSUPPORTED_FORMAT).with_message("content", *content)
            }
        }
    }
}

/// The format of a file whose first bytes are `head` (up to [`SNIFF_BYTES`]).
pub fn sniff(head: &[u8]) -> Result<Format, SniffError> {
    if head.is_empty() {
        return Err(SniffError::Empty);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if head.starts_with(b"II*\0")
        || head.starts_with(b"MM\0*")
        || head.starts_with(b"II+\0")
        || head.starts_with(b"MM\0+")
    {
        return Ok(Format::Tiff);
    }
    let window = &head[..head.len().min(SNIFF_BYTES)];
    if window.windows(5).any(|w| w == b"%PDF-") {
        return Ok(Format::Pdf);
    }
    Err(SniffError::Unsupported(describe(window)))
}

/// A short description of what the bytes look like, for the rejection message.
fn describe(head: &[u8]) -> &'static m::Entry {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"PK\x03\x04") {
        &m::CONTENT_ZIP
    } else if starts(&[0xD0, 0xCF, 0x11, 0xE0]) {
        &m::CONTENT_OLD_OFFICE
    } else if starts(b"GIF8") {
        &m::CONTENT_GIF
    } else if starts(b"BM") {
        &m::CONTENT_BMP
    } else if starts(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        &m::CONTENT_WEBP
    } else if head.get(4..8) == Some(b"ftyp") {
        &m::CONTENT_HEIC
    } else if starts(b"Rar!") || starts(b"7z\xBC\xAF") || starts(&[0x1F, 0x8B]) {
        &m::CONTENT_ARCHIVE
    } else if starts(b"{\\rtf") {
        &m::CONTENT_RTF
    } else if looks_like_html(head) {
        &m::CONTENT_HTML
    } else if std::str::from_utf8(trim_partial_utf8(head))
        .is_ok_and(|s| s.chars().all(|c| !c.is_control() || c.is_whitespace()))
    {
        &m::CONTENT_TEXT
    } else {
        &m::CONTENT_BINARY
    }
}

fn looks_like_html(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(256)]).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with("<!doctype html") || text.starts_with("<html")
}

/// Drops a UTF-8 sequence cut off by the end of the sniffed window.
fn trim_partial_utf8(bytes: &[u8]) -> &[u8] {
    match std::str::from_utf8(bytes) {
        Ok(_) => bytes,
        Err(e) if e.error_len().is_none() => &bytes[..e.valid_up_to()],
        Err(_) => bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Ok(Format::Pdf));
        assert_eq!(sniff(b"\r\n%PDF-1.4\n"), Ok(Format::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Ok(Format::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok(Format::Jpeg));
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), Ok(Format::Tiff));
        assert_eq!(sniff(b"MM\0*\0\0\0\x08"), Ok(Format::Tiff));
    }

    #[test]
    fn names_what_it_found_instead() {
        assert_eq!(sniff(b""), Err(SniffError::Empty));
        let text = sniff("Giấy khai sinh\nHọ tên: Nguyễn Văn Đức\n".as_bytes()).unwrap_err();
        assert!(text.to_string().contains("plain text"), "{text}");
        assert!(sniff(b"PK\x03\x04rest")
            .unwrap_err()
            .to_string()
            .contains("ZIP"));
        assert!(sniff(b"<!DOCTYPE html><html>")
            .unwrap_err()
            .to_string()
            .contains("HTML"));
        assert!(sniff(&[0, 1, 2, 3, 200, 201])
            .unwrap_err()
            .to_string()
            .contains("binary"));
        // A UTF-8 character cut by the window is still text.
        let mut cut = "ệ".repeat(400).into_bytes();
        cut.truncate(1000);
        assert!(sniff(&cut).unwrap_err().to_string().contains("plain text"));
    }
}
