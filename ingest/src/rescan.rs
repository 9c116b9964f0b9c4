//! Rescans: a new scan of a document the store already has. The bytes differ (another scanner,
//! another day), so deduplication by sha256 cannot see it; the record can. A new file is a
//! probable rescan of an earlier record of the same owner and document type when they share the
//! document number or, failing numbers, the issue date, and their texts are mostly the same
//! words. It is still stored (the operator decides), and linked to the earlier record.

use archive_core::{Archive, ArchiveError, PutBlob};
use schemas::{DocumentMetadata, DocumentText};
use std::collections::HashSet;

/// Share of distinct words two texts must have in common (Jaccard) to be the same document.
/// OCR of two scans of one page typically shares 70-95% of its words; two different
/// certificates of one type share the form's wording, around 30-50% (a blank form's words over
/// the filled-in ones).
pub const SAME_TEXT: f64 = 0.6;

fn words(text: &DocumentText) -> HashSet<String> {
    schemas::fold(&text.joined())
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_string)
        .collect()
}

/// Jaccard similarity of the distinct words of two texts (0 when either has none).
pub fn similarity(a: &DocumentText, b: &DocumentText) -> f64 {
    jaccard(&words(a), &words(b))
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// The earlier record `metadata` and `text` are probably a rescan of, if any (the most similar).
pub fn find_rescan(
    archive: &Archive,
    metadata: &DocumentMetadata,
    blob: &PutBlob,
    text: &DocumentText,
) -> Result<Option<String>, ArchiveError> {
    let sha = blob.digest.to_hex();
    // The new text's words, made once for all the candidates.
    let mut mine: Option<HashSet<String>> = None;
    let mut best: Option<(f64, String)> = None;
    for earlier in archive
        .catalog()
        .docs_of_owner(metadata.owner_id.as_str())?
    {
        let m = &earlier.metadata;
        if earlier.sha256 == sha || m.doc_type != metadata.doc_type {
            continue;
        }
        let same_key = match (&m.doc_number, &metadata.doc_number) {
            (Some(a), Some(b)) => schemas::fold(a) == schemas::fold(b),
            _ => m.issued_on.is_some() && m.issued_on == metadata.issued_on,
        };
        if !same_key {
            continue;
        }
        let Some(earlier_text) = archive.text(&earlier)? else {
            continue;
        };
        let mine = mine.get_or_insert_with(|| words(text));
        let score = jaccard(mine, &words(&earlier_text));
        if score >= SAME_TEXT && best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, earlier.id.clone()));
        }
    }
    Ok(best.map(|(_, id)| id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemas::{PageSource, PageText};

    fn text(s: &str) -> DocumentText {
        DocumentText {
            pages: vec![PageText {
                text: s.to_string(),
                source: PageSource::Ocr,
                ..PageText::without_text(1, String::new())
            }],
            engine: "test".into(),
        }
    }

    #[test]
    fn two_readings_of_one_page_are_alike_and_two_certificates_are_not() {
        let first = text("GIẤY KHAI SINH Họ, chữ đệm, tên: NGUYỄN VĂN ĐỨC Ngày sinh: 12/03/1975 Nơi sinh: Trạm y tế xã Tam Xuân");
        let rescan = text("GIAY KHAI SINH Ho, chu dem, ten: NGUYEN VAN DUC Ngay sinh: 12/03/1975 Noi sinh: Tram y te xa Tam Xuan");
        let other = text("GIẤY KHAI SINH Họ, chữ đệm, tên: TRẦN THỊ THUÝ Ngày sinh: 01/01/1990 Nơi sinh: Bệnh viện Đà Nẵng");
        assert!(similarity(&first, &rescan) > 0.9);
        assert!(similarity(&first, &other) < SAME_TEXT);
        assert_eq!(similarity(&text(""), &text("")), 0.0);
    }
}
