//! Rescans: a new scan of a document the store already has. The bytes differ (another scanner,
//! another day), so deduplication by sha256 cannot see it; the record can. A new file is a
//! probable rescan of an earlier record of the same owner and document type when they share the
//! document number or, failing numbers, the issue date ([`same_key`]), and their texts are
//! mostly the same words ([`similarity`] at least [`SAME_TEXT`]). It is still stored (the
//! operator decides), and linked to the earlier record. The rule is here; `archive-core` applies
//! it to the owner's records when it stores a document.

use crate::{DocumentMetadata, DocumentText};
use std::collections::HashSet;

/// Share of distinct words two texts must have in common (Jaccard) to be the same document.
/// OCR of two scans of one page typically shares 70-95% of its words; two different
/// certificates of one type share the form's wording, around 30-50% (a blank form's words over
/// the filled-in ones).
pub const SAME_TEXT: f64 = 0.6;

/// The distinct folded words of a text (two characters or more): what [`jaccard`] compares.
pub fn words(text: &DocumentText) -> HashSet<String> {
    crate::fold(&text.joined())
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_string)
        .collect()
}

/// Jaccard similarity of two word sets (0 when both are empty).
pub fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// Jaccard similarity of the distinct words of two texts.
pub fn similarity(a: &DocumentText, b: &DocumentText) -> f64 {
    jaccard(&words(a), &words(b))
}

/// Whether an earlier record's metadata names the same document as a new file's: the same
/// owner and type, and the same number (folded) or, when either has none, the same issue date.
pub fn same_key(earlier: &DocumentMetadata, new: &DocumentMetadata) -> bool {
    if earlier.owner_id != new.owner_id || earlier.doc_type != new.doc_type {
        return false;
    }
    match (&earlier.doc_number, &new.doc_number) {
        (Some(a), Some(b)) => crate::fold(a) == crate::fold(b),
        _ => earlier.issued_on.is_some() && earlier.issued_on == new.issued_on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PageSource, PageText};

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

    #[test]
    fn the_same_document_is_named_by_number_or_else_by_date() {
        let input = |number: Option<&str>, issued: Option<&str>| {
            crate::MetadataInput {
                owner_id: Some("049075001234".into()),
                doc_type: Some("birth_certificate".into()),
                doc_number: number.map(str::to_string),
                issued_on: issued.map(str::to_string),
                ..Default::default()
            }
            .validate(
                &crate::DocTypes::builtin(),
                time::macros::date!(2026 - 01 - 01),
            )
            .unwrap()
        };
        assert!(same_key(
            &input(Some("12/KS"), None),
            &input(Some("12/ks"), None)
        ));
        assert!(!same_key(
            &input(Some("12/KS"), None),
            &input(Some("13/KS"), None)
        ));
        let dated = input(None, Some("2020-01-02"));
        assert!(same_key(&dated, &input(Some("12/KS"), Some("2020-01-02"))));
        assert!(!same_key(&input(None, None), &input(None, None)));
    }
}
