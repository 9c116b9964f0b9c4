//! Words of place names: how a line is cut into words, how a name becomes a lookup key, and
//! the type words ("xã", "thành phố") and their abbreviations ("TP.", "Q.", "H.").

use crate::text::fold;

/// One word of a line.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    /// Lower case, diacritics kept (NFC).
    pub lower: String,
    /// Lower case, folded (no diacritics, đ -> d).
    pub folded: String,
    /// Byte range in the line.
    pub start: usize,
    pub end: usize,
    /// A '.' follows directly ("Q." "TP.").
    pub dot_after: bool,
    /// A separator (, ; : - ( ) /) stands between the previous word and this one.
    pub sep_before: bool,
    /// One that no name spans (all of them but the dash of "Chân Mây - Lăng Cô").
    pub hard_sep_before: bool,
}

/// The words of a line: runs of letters and digits (an apostrophe inside a word, as in
/// "Cư M'gar", cuts it like any other mark, on both sides of a comparison).
pub(crate) fn words(line: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut start = None;
    let mut sep = false;
    let mut hard = false;
    let push = |out: &mut Vec<Word>, s: usize, e: usize, sep: bool, hard: bool| {
        let raw = &line[s..e];
        let lower = crate::nfc(&raw.to_lowercase());
        let folded = fold(raw);
        out.push(Word {
            lower,
            folded,
            start: s,
            end: e,
            dot_after: line[e..].starts_with('.'),
            sep_before: sep,
            hard_sep_before: hard,
        });
    };
    for (i, c) in line.char_indices() {
        // Combining marks belong to the word (NFD text).
        if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) {
            if start.is_none() {
                start = Some(i);
            }
        } else {
            if let Some(s) = start.take() {
                push(&mut out, s, i, sep, hard);
                sep = false;
                hard = false;
            }
            if matches!(c, ',' | ';' | ':' | '-' | '–' | '—' | '(' | ')' | '/') {
                sep = true;
                hard |= !matches!(c, '-' | '–' | '—');
            }
        }
    }
    if let Some(s) = start {
        push(&mut out, s, line.len(), sep, hard);
    }
    out
}

/// A name's lookup key: folded words joined by one space, numbers without leading zeros, and
/// Roman numerals after the first word as digits ("Tam Xuân I" = "tam xuan 1" = "Tam Xuân 01").
pub(crate) fn key(words: &[Word]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&normal_word(&w.folded, i > 0));
    }
    out
}

fn normal_word(folded: &str, may_be_numeral: bool) -> String {
    if !folded.is_empty() && folded.bytes().all(|b| b.is_ascii_digit()) {
        let trimmed = folded.trim_start_matches('0');
        return if trimmed.is_empty() { "0" } else { trimmed }.to_string();
    }
    if may_be_numeral {
        let roman = match folded {
            "i" => Some("1"),
            "ii" => Some("2"),
            "iii" => Some("3"),
            "iv" => Some("4"),
            _ => None,
        };
        if let Some(digits) = roman {
            return digits.to_string();
        }
    }
    folded.to_string()
}

/// The type words, canonical (lower case, NFC), with their words.
pub(crate) const TYPE_WORDS: [&str; 9] = [
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "tỉnh",
    "huyện",
    "quận",
    "phường",
    "xã",
];

/// A type word found at a position.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TypeWord {
    /// Canonical type word (one of [`TYPE_WORDS`]).
    pub kind: &'static str,
    /// How many words it takes.
    pub len: usize,
}

/// Each type word as words, with diacritics and folded (checked in this order: "thành phố"
/// before anything that starts like it).
const TYPE_WORD_PARTS: [(&str, &[&str], &[&str]); 9] = [
    ("thành phố", &["thành", "phố"], &["thanh", "pho"]),
    ("thị trấn", &["thị", "trấn"], &["thi", "tran"]),
    ("thị xã", &["thị", "xã"], &["thi", "xa"]),
    ("đặc khu", &["đặc", "khu"], &["dac", "khu"]),
    ("tỉnh", &["tỉnh"], &["tinh"]),
    ("huyện", &["huyện"], &["huyen"]),
    ("quận", &["quận"], &["quan"]),
    ("phường", &["phường"], &["phuong"]),
    ("xã", &["xã"], &["xa"]),
];

/// The type word or abbreviation that starts at `words[i]`, if any. `strict`: the words must
/// carry their diacritics ("xã", not "xa", which is also an ordinary word), unless `plain_line`
/// says the text has no diacritics anywhere. Queries are read leniently.
pub(crate) fn type_word_at(
    words: &[Word],
    i: usize,
    strict: bool,
    plain_line: bool,
) -> Option<TypeWord> {
    let w = words.get(i)?;
    let lenient = !strict || plain_line;
    for (kind, exact, folded) in TYPE_WORD_PARTS {
        let fits = exact
            .iter()
            .zip(folded.iter())
            .enumerate()
            .all(|(k, (e, f))| {
                words.get(i + k).is_some_and(|word| {
                    (k == 0 || !word.sep_before)
                        && (word.lower == *e || (lenient && word.folded == *f))
                })
            });
        if fits {
            return Some(TypeWord {
                kind,
                len: exact.len(),
            });
        }
    }
    // Abbreviations: TP, TX, TT with or without a dot ("TP.HCM" too); Q., H., X., P. only
    // with their dot (single letters are initials otherwise).
    let kind = match (w.folded.as_str(), w.dot_after) {
        ("tp", _) => "thành phố",
        ("tx", _) => "thị xã",
        ("tt", _) => "thị trấn",
        ("q", true) => "quận",
        ("h", true) => "huyện",
        ("x", true) => "xã",
        ("p", true) => "phường",
        _ => return None,
    };
    Some(TypeWord { kind, len: 1 })
}

/// Whether a line has any letter outside ASCII (then its type words must carry diacritics).
pub(crate) fn has_diacritics(line: &str) -> bool {
    line.chars().any(|c| c.is_alphabetic() && !c.is_ascii())
}
