//! The text of a stored document, page by page, and how each page's text was obtained.

use serde::{Deserialize, Serialize};

/// Below this mean word confidence (0-100) an OCR page is flagged for human review.
pub const LOW_OCR_CONFIDENCE: f64 = 70.0;

/// How one page's text was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageSource {
    /// The PDF's own text layer.
    TextLayer,
    /// Tesseract on the page image.
    Ocr,
    /// No text could be obtained (the note says why).
    None,
}

/// How a document's text was obtained, over all its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    TextLayer,
    Ocr,
    /// Some pages from the text layer, some by OCR.
    Mixed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageText {
    /// 1-based page number.
    pub page: u32,
    /// NFC text.
    pub text: String,
    pub source: PageSource,
    /// Mean word confidence of an OCR page, 0-100.
    pub ocr_confidence: Option<f64>,
    /// Degrees the page image was turned to read it upright (0, 90, 180, 270).
    #[serde(default)]
    pub rotated: u16,
    /// Why the page was read the way it was, when that is worth knowing: a text layer that was
    /// rejected (and why), an OCR that failed, a rotation.
    pub note: Option<String>,
}

impl PageText {
    /// A page that yielded no text, and why.
    pub fn without_text(page: u32, why: String) -> Self {
        PageText {
            page,
            text: String::new(),
            source: PageSource::None,
            ocr_confidence: None,
            rotated: 0,
            note: Some(why),
        }
    }
}

/// All pages of a document, and the engines that produced them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentText {
    pub pages: Vec<PageText>,
    /// Engines and versions, e.g. "pdf-extract 0.12; tesseract 5.3.0 (vie, psm 6)".
    pub engine: String,
}

impl DocumentText {
    pub fn source(&self) -> Option<TextSource> {
        let layer = self.pages.iter().any(|p| p.source == PageSource::TextLayer);
        let ocr = self.pages.iter().any(|p| p.source == PageSource::Ocr);
        match (layer, ocr) {
            (true, true) => Some(TextSource::Mixed),
            (true, false) => Some(TextSource::TextLayer),
            (false, true) => Some(TextSource::Ocr),
            (false, false) => None,
        }
    }

    /// Mean OCR confidence over the OCR pages, weighted by their text length.
    pub fn ocr_confidence(&self) -> Option<f64> {
        let (sum, weight) = self
            .pages
            .iter()
            .filter_map(|p| Some((p.ocr_confidence?, p.text.chars().count().max(1) as f64)))
            .fold((0.0, 0.0), |(s, w), (c, n)| (s + c * n, w + n));
        (weight > 0.0).then(|| (sum / weight * 10.0).round() / 10.0)
    }

    /// OCR pages below [`LOW_OCR_CONFIDENCE`], for review.
    pub fn low_confidence_pages(&self) -> Vec<u32> {
        self.pages
            .iter()
            .filter(|p| p.ocr_confidence.is_some_and(|c| c < LOW_OCR_CONFIDENCE))
            .map(|p| p.page)
            .collect()
    }

    /// Page texts joined with form feeds, as `kho show --text` prints them.
    pub fn joined(&self) -> String {
        self.pages
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\u{c}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: u32, text: &str, source: PageSource, conf: Option<f64>) -> PageText {
        PageText {
            page: n,
            text: text.into(),
            source,
            ocr_confidence: conf,
            rotated: 0,
            note: None,
        }
    }

    #[test]
    fn summarises_pages() {
        let t = DocumentText {
            pages: vec![
                page(1, "abcd", PageSource::TextLayer, None),
                page(2, "ab", PageSource::Ocr, Some(90.0)),
                page(3, "abcdef", PageSource::Ocr, Some(60.0)),
            ],
            engine: "test".into(),
        };
        assert_eq!(t.source(), Some(TextSource::Mixed));
        assert_eq!(t.ocr_confidence(), Some(67.5));
        assert_eq!(t.low_confidence_pages(), vec![3]);
        assert_eq!(t.joined(), "abcd\u{c}ab\u{c}abcdef");
    }
}
