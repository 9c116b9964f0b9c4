//! IDs as people type them (review F24): in groups ("049 075 001 234", "049.075.001.234",
//! "0100-109-106"), or in full-width digits (Vietnamese input methods, text copied from PDFs).
//! Both are read as the ID they spell. A lost leading zero ("49075001234", dropped by a
//! spreadsheet) is not guessed: 11 digits could be either of two IDs' mistakes, and a guess
//! would read the wrong person's papers (docs/search.md).

use unicode_normalization::UnicodeNormalization;

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '\u{a0}')
}

/// The digits of `typed` when it spells a personal ID (12 digits) or an enterprise code (10),
/// with single separators between groups and digits of any width; `None` otherwise (a branch
/// code "0100109106-001" keeps its dash and is not compacted).
pub fn compact_id(typed: &str) -> Option<String> {
    let wide: String = typed.trim().nfkc().collect();
    let chars: Vec<char> = wide.chars().collect();
    let digits_at_ends = chars.first()?.is_ascii_digit() && chars.last()?.is_ascii_digit();
    let single_separators = chars
        .windows(2)
        .all(|w| !(is_separator(w[0]) && is_separator(w[1])));
    let only_digits_and_separators = chars.iter().all(|c| c.is_ascii_digit() || is_separator(*c));
    if !(digits_at_ends && single_separators && only_digits_and_separators) {
        return None;
    }
    let digits: String = chars.into_iter().filter(char::is_ascii_digit).collect();
    matches!(digits.len(), 10 | 12).then_some(digits)
}

/// A search query with full-width characters folded (NFKC) and every run of digit groups that
/// spells a 10- or 12-digit ID written as that ID, so that the ID is found as if typed plainly.
pub fn with_typed_ids(query: &str) -> String {
    let chars: Vec<char> = query.nfkc().collect();
    let mut out = String::with_capacity(query.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The longest run digit (separator? digit)* starting here.
        let mut end = i;
        while end + 1 < chars.len() {
            if chars[end + 1].is_ascii_digit() {
                end += 1;
            } else if is_separator(chars[end + 1])
                && chars.get(end + 2).is_some_and(char::is_ascii_digit)
            {
                end += 2;
            } else {
                break;
            }
        }
        let run: String = chars[i..=end].iter().collect();
        let glued_to_more = chars.get(end + 1).is_some_and(|c| c.is_alphanumeric())
            || (i > 0 && chars[i - 1].is_alphanumeric());
        match compact_id(&run).filter(|_| !glued_to_more) {
            Some(id) => out.push_str(&id),
            None => out.push_str(&run),
        }
        i = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_and_full_width_ids_are_read_as_the_id() {
        for typed in [
            "049 075 001 234",
            "049.075.001.234",
            "049-075-001-234",
            "０４９０７５００１２３４",
            " 049075001234 ",
        ] {
            assert_eq!(
                compact_id(typed).as_deref(),
                Some("049075001234"),
                "{typed}"
            );
            assert_eq!(with_typed_ids(typed).trim(), "049075001234", "{typed}");
        }
        assert_eq!(compact_id("0100-109-106").as_deref(), Some("0100109106"));
        // Every owner field reads them too.
        let owner = super::super::OwnerId::parse("０４９ ０７５ ００１ ２３４").unwrap();
        assert_eq!(owner.as_str(), "049075001234");
        let code = super::super::OwnerId::parse("0100.109.106").unwrap();
        assert_eq!(code.as_str(), "0100109106");
        assert!(super::super::OwnerId::parse("49075001234").is_err());
        assert_eq!(
            with_typed_ids("giấy khai sinh 049 075 001 234 năm 2024"),
            "giấy khai sinh 049075001234 năm 2024"
        );
    }

    #[test]
    fn what_is_not_an_id_is_left_alone() {
        // A lost leading zero is not guessed; a branch code keeps its dash; dates stay dates.
        assert_eq!(compact_id("49075001234"), None);
        assert_eq!(with_typed_ids("49 075 001 234"), "49 075 001 234");
        assert_eq!(compact_id("0100109106-001"), None);
        assert_eq!(with_typed_ids("0100109106-001"), "0100109106-001");
        assert_eq!(with_typed_ids("ngày 2024-05-01"), "ngày 2024-05-01");
        assert_eq!(compact_id("049  075 001 234"), None);
        assert_eq!(compact_id("049 075 001 23a"), None);
        assert_eq!(with_typed_ids("A049 075 001 234"), "A049 075 001 234");
    }
}
