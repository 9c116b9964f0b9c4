//! Vietnamese text rules (domain.md): NFC at every entry point, and a folded form for matching
//! with or without diacritics in which đ/Đ becomes d/D.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFC-normalizes text, so that a syllable typed or extracted in NFD (macOS file names, some
/// PDFs, OCR) is one sequence of characters, not letters followed by loose marks.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Trims, NFC-normalizes and collapses runs of whitespace: the form every free-text field is
/// stored in. Returns `None` for text that is empty after trimming.
pub fn clean_text(s: &str) -> Option<String> {
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!collapsed.is_empty()).then(|| nfc(&collapsed))
}

/// Lower-case, diacritics removed, đ folded to d: "Đường Nguyễn Huệ" -> "duong nguyen hue".
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_d_with_stroke_and_marks() {
        assert_eq!(fold("Đường Nguyễn Huệ"), "duong nguyen hue");
        assert_eq!(fold("GIẤY KHAI SINH"), "giay khai sinh");
        assert_eq!(fold(&"Đức".nfd().collect::<String>()), "duc");
    }

    #[test]
    fn nfc_joins_decomposed_syllables() {
        let decomposed: String = "Nguyễn".nfd().collect();
        assert_ne!(decomposed, "Nguyễn");
        assert_eq!(nfc(&decomposed), "Nguyễn");
        assert_eq!(
            clean_text("  Nguyễn \t Văn\nĐức "),
            Some("Nguyễn Văn Đức".into())
        );
        assert_eq!(clean_text(" \n "), None);
    }

    proptest! {
        #[test]
        fn nfc_and_nfd_inputs_fold_alike(s in "\\PC{0,30}") {
            let d: String = s.nfd().collect();
            prop_assert_eq!(fold(&s), fold(&d));
            prop_assert_eq!(nfc(&d), nfc(&s));
        }
    }
}
