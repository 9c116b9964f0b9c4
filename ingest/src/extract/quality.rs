//! Is a text layer worth keeping? An empty layer, one full of U+FFFD or private-use characters
//! (fonts without a Unicode map), or one in a legacy Vietnamese encoding (TCVN3/ABC or VNI,
//! which extract as mojibake like "Céng hßa x· héi") is rejected, and the page is OCRed instead.

/// Latin-1 letters that Vietnamese uses; the other Latin-1 characters in Vietnamese-looking
/// text are the signature of TCVN3 or VNI bytes read as Windows-1252.
const VIETNAMESE_LATIN1: &str = "àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ";
/// Characters common in TCVN3 mojibake and rare elsewhere.
const TCVN3_MARKS: &str = "¸µ¶·¹¨¾»¼½Æ©ÇÊË®¬§ª¤¥¦ßÜÖ×ÐÞ";
/// Characters common in VNI mojibake (tone bytes after a vowel).
const VNI_MARKS: &str = "øùúûüõöïñäåæëîÿ";

/// Why a text layer is refused, in words for the record.
pub fn reject_reason(text: &str) -> Option<String> {
    let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
    if letters == 0 {
        return Some("the page has no text layer".into());
    }
    let total = text.chars().filter(|c| !c.is_whitespace()).count().max(1);
    let share = |n: usize| n as f32 / total as f32;
    let replacement = text.chars().filter(|&c| c == '\u{fffd}').count();
    if share(replacement) > 0.02 {
        return Some(format!(
            "the text layer has {replacement} unreadable characters (U+FFFD): its fonts have no Unicode map"
        ));
    }
    let private = text
        .chars()
        .filter(|c| ('\u{e000}'..='\u{f8ff}').contains(c))
        .count();
    if share(private) > 0.02 {
        return Some(format!(
            "the text layer has {private} private-use characters: its fonts have no Unicode map"
        ));
    }
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !c.is_whitespace())
        .count();
    if share(controls) > 0.02 {
        return Some(format!(
            "the text layer has {controls} control characters: it is garbage"
        ));
    }
    if letters >= 12 {
        let suspicious = text
            .chars()
            .filter(|c| ('\u{a0}'..='\u{ff}').contains(c) && !VIETNAMESE_LATIN1.contains(*c))
            .count();
        let vietnamese = text
            .chars()
            .filter(|c| ('\u{1ea0}'..='\u{1ef9}').contains(c) || "ăâđêôơưĂÂĐÊÔƠƯ".contains(*c))
            .count();
        if suspicious as f32 / letters as f32 > 0.03 && suspicious > vietnamese {
            let tcvn3 = text.chars().filter(|c| TCVN3_MARKS.contains(*c)).count();
            let vni = text.chars().filter(|c| VNI_MARKS.contains(*c)).count();
            let encoding = if tcvn3 >= vni { "TCVN3 (ABC)" } else { "VNI" };
            return Some(format!(
                "the text layer looks like {encoding}-encoded Vietnamese read as Unicode (mojibake)"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_good_text() {
        assert_eq!(
            reject_reason("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"),
            None
        );
        assert_eq!(reject_reason("Certificate of incorporation, page 2"), None);
        assert_eq!(reject_reason("Hà Nội, ngày 12 tháng 3 năm 2024"), None);
    }

    #[test]
    fn refuses_bad_layers() {
        assert!(reject_reason("  \n ").unwrap().contains("no text layer"));
        assert!(reject_reason("\u{fffd}\u{fffd}\u{fffd} abc \u{fffd}")
            .unwrap()
            .contains("U+FFFD"));
        assert!(reject_reason("\u{e001}\u{e002}\u{e003}abc")
            .unwrap()
            .contains("private-use"));
        let tcvn3 = "Céng hßa x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc";
        assert!(
            reject_reason(tcvn3).unwrap().contains("TCVN3"),
            "{:?}",
            reject_reason(tcvn3)
        );
        let vni = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc";
        assert!(
            reject_reason(vni).unwrap().contains("VNI"),
            "{:?}",
            reject_reason(vni)
        );
    }
}
