//! Vietnamese text rules (domain.md): NFC at every entry point, and a folded form for matching
//! with or without diacritics in which đ/Đ becomes d/D.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, TryLockError};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFC-normalizes text, so that a syllable typed or extracted in NFD (macOS file names, some
/// PDFs, OCR) is one sequence of characters, not letters followed by loose marks.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Trims, NFC-normalizes, removes invisible characters ([`is_invisible`]) and collapses runs of
/// whitespace: the form every free-text field is stored in (metadata, a read's purpose, reasons,
/// names of agencies and terms). Returns `None` for text that is empty after that, so that an
/// invisible purpose is no purpose (`purpose.required`).
pub fn clean_text(s: &str) -> Option<String> {
    let visible: String = s
        .chars()
        .filter_map(|c| match c {
            c if c.is_whitespace() => Some(' '),
            c if is_invisible(c) => None,
            c => Some(c),
        })
        .collect();
    let collapsed = visible.split_whitespace().collect::<Vec<_>>().join(" ");
    (!collapsed.is_empty()).then(|| nfc(&collapsed))
}

/// Characters that show nothing, or change how what follows is shown, and carry no meaning in
/// Vietnamese text: C0/C1 controls (ESC reaches a terminal), zero-width spaces and joiners, the
/// byte-order mark, the soft hyphen, and the bidirectional embeddings, overrides and isolates
/// (U+202E turns "Giấy exe.pdf" around on a page). Removed rather than refused: they come in by
/// copy and paste from PDFs and web pages, and the visible text is what the person meant
/// (ARCHITECTURE.md, "Decisions").
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Lower-case, diacritics removed, đ folded to d: "Đường Nguyễn Huệ" -> "duong nguyen hue".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, |folded| out.push(folded));
    }
    out
}

/// The first character of `fold(s)`, without folding the rest: a cheap test that a word cannot
/// fold to any of a few words (snippets fold a document's words only when it passes).
pub fn fold_first(s: &str) -> Option<char> {
    s.chars().find_map(|c| {
        let mut first = None;
        fold_char(c, |folded| {
            first.get_or_insert(folded);
        });
        first
    })
}

/// One character of [`fold`]: what it folds to, in order, given to `emit` (nothing for a mark).
/// NFD is each character's canonical decomposition, then each run of marks put in canonical
/// order; every mark is dropped here, so that order never shows
/// (`every_character_nfd_reorders_is_a_mark_fold_drops` checks all of Unicode). A character at
/// a time, ASCII as it is: through the whole-string NFD iterator, `fold` and `canonical_tones`
/// were about 30% of a rebuild (docs/benchmarks.md).
fn fold_char(c: char, mut emit: impl FnMut(char)) {
    if c.is_ascii() {
        emit(c.to_ascii_lowercase());
        return;
    }
    match FOLDED_LATIN.get(c as usize) {
        Some(&NOTHING) => {}
        Some(&MORE_THAN_ONE) | None => fold_char_by_decomposition(c, emit),
        Some(&folded) => emit(char::from_u32(folded).unwrap_or(c)),
    }
}

/// What each character below U+1F00 (Latin, Greek, Cyrillic, and the Vietnamese block
/// U+1EA0-U+1EF9) folds to, worked out once: decomposing and lower-casing a character at a time
/// was 5-11% of the thread that makes the index's documents in a rebuild (docs/benchmarks.md,
/// "Reindex: the records walked in id order"). [`NOTHING`] for a mark, [`MORE_THAN_ONE`] for the
/// few that fold to two characters or more, which are decomposed each time.
static FOLDED_LATIN: LazyLock<Vec<u32>> = LazyLock::new(|| {
    (0..TABLED_BELOW)
        .map(|code| {
            let mut folded = Vec::new();
            if let Some(c) = char::from_u32(code) {
                fold_char_by_decomposition(c, |f| folded.push(f));
            }
            match folded[..] {
                [] => NOTHING,
                [one] => one as u32,
                _ => MORE_THAN_ONE,
            }
        })
        .collect()
});
/// The characters [`FOLDED_LATIN`] and [`is_word_char`] look up in tables: below the Greek
/// extended block, so Latin (the Vietnamese block U+1EA0-U+1EF9 included), Greek and Cyrillic.
const TABLED_BELOW: u32 = 0x1F00;
/// Not characters (surrogates), so never a character's fold.
const NOTHING: u32 = 0xD800;
const MORE_THAN_ONE: u32 = 0xD801;

fn fold_char_by_decomposition(c: char, mut emit: impl FnMut(char)) {
    unicode_normalization::char::decompose_canonical(c, |d| {
        if !is_combining_mark(d) {
            d.to_lowercase()
                .map(eth_and_d_stroke_to_d)
                .for_each(&mut emit);
        }
    });
}

/// U+00D0/U+00F0 (Icelandic eth) stands for Đ in text typed with legacy keyboards and fonts; it
/// looks the same and is read the same.
fn eth_and_d_stroke_to_d(c: char) -> char {
    if c == 'đ' || c == 'ð' {
        'd'
    } else {
        c
    }
}

/// `c.is_alphanumeric()`, with the Latin letters Vietnamese is written in (up to U+1EFF) looked
/// up in a table: the standard library searches its Unicode tables for every letter outside
/// ASCII, which was 3-4% of the samples of a search, in the snippets of its hits
/// (docs/benchmarks.md, "Ledger appends grouped").
pub fn is_word_char(c: char) -> bool {
    static LATIN: LazyLock<Vec<u64>> = LazyLock::new(|| {
        let mut bits = vec![0u64; TABLED_BELOW as usize / 64];
        for code in 0..TABLED_BELOW {
            if char::from_u32(code).is_some_and(char::is_alphanumeric) {
                bits[code as usize / 64] |= 1 << (code % 64);
            }
        }
        bits
    });
    match c as u32 {
        _ if c.is_ascii() => c.is_ascii_alphanumeric(),
        code if code < TABLED_BELOW => LATIN[code as usize / 64] & (1 << (code % 64)) != 0,
        _ => c.is_alphanumeric(),
    }
}

/// The five tone marks (as combining characters).
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
/// Marks that make a vowel letter of its own: circumflex, breve, horn.
const SHAPES: [char; 3] = ['\u{302}', '\u{306}', '\u{31b}'];

/// Lower-case, NFC, and every syllable's tone mark moved to one canonical vowel, so that the two
/// conventions in use ("hoà"/"hòa", "thuý"/"thúy", "khoẻ"/"khỏe") are one word. Rule: the tone
/// sits on the vowel that carries a hat, breve or horn (the second of "ươ"); otherwise on the last
/// vowel if a consonant closes the syllable; otherwise on the first of two vowels and the middle
/// of three. "qu" and "gi" count as initial consonants.
pub fn canonical_tones(s: &str) -> String {
    // Piece by piece between ASCII characters that are not letters (spaces, digits,
    // punctuation): no syllable spans one, no mark is reordered across one, and none composes
    // with its neighbours in NFC, but for '<', '=' and '>' (U+0338 makes "≮", "≠", "≯"), which
    // are kept inside pieces. A piece all ASCII is only lower-cased. The pieces are cut at bytes:
    // an ASCII byte is never part of another character in UTF-8.
    let mut out = String::with_capacity(s.len());
    // The table is taken once for the whole text; a thread that finds it taken (another text
    // being worked on) works its pieces out itself rather than wait.
    let mut remembered = match CANONICAL_PIECES.try_lock() {
        Ok(table) => Some(table),
        // A cache: one left poisoned by a panic elsewhere still holds only right answers.
        Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
        Err(TryLockError::WouldBlock) => None,
    };
    let mut rest = s;
    while !rest.is_empty() {
        let end = rest.bytes().position(is_piece_break).unwrap_or(rest.len());
        let (piece, tail) = rest.split_at(end);
        if piece.is_ascii() {
            out.extend(piece.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            match remembered.as_deref_mut() {
                Some(table) => canonical_tones_remembered(table, piece, &mut out),
                None => out.push_str(&canonical_tones_of_piece(piece)),
            }
        }
        match tail.as_bytes().first() {
            Some(&b) => {
                out.push(char::from(b));
                rest = &tail[1..];
            }
            None => rest = tail,
        }
    }
    out
}

/// How many pieces are remembered with their canonical form, and the longest remembered. A
/// language of a few thousand syllables repeats them in every text: looking one up costs a hash
/// of a few bytes where working it out costs NFD, a syllable's analysis and NFC. One table for
/// the process (about 1.5 MB when full, whatever the number of threads), started afresh when
/// full, so a text of names never seen again costs only itself; the one thread that makes the
/// index's documents is its main user.
const REMEMBERED_PIECES: usize = 16_384;
const REMEMBERED_PIECE_BYTES: usize = 32;

static CANONICAL_PIECES: LazyLock<Mutex<HashMap<Box<str>, Box<str>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn canonical_tones_remembered(
    pieces: &mut HashMap<Box<str>, Box<str>>,
    piece: &str,
    out: &mut String,
) {
    if piece.len() > REMEMBERED_PIECE_BYTES {
        out.push_str(&canonical_tones_of_piece(piece));
        return;
    }
    if let Some(canonical) = pieces.get(piece) {
        out.push_str(canonical);
        return;
    }
    let canonical = canonical_tones_of_piece(piece);
    out.push_str(&canonical);
    if pieces.len() >= REMEMBERED_PIECES {
        pieces.clear();
    }
    pieces.insert(piece.into(), canonical.into_boxed_str());
}

/// An ASCII byte that is not a letter, nor one of '<', '=', '>' (see [`canonical_tones`]).
fn is_piece_break(b: u8) -> bool {
    b.is_ascii() && !b.is_ascii_alphabetic() && !matches!(b, b'<' | b'=' | b'>')
}

fn canonical_tones_of_piece(s: &str) -> String {
    let lower: String = s
        .nfd()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ð' { 'đ' } else { c })
        .collect();
    let mut out = String::with_capacity(lower.len());
    let mut word = String::new();
    for c in lower.chars() {
        if c.is_alphabetic() || is_combining_mark(c) {
            word.push(c);
        } else {
            out.push_str(&canonical_syllable(&word));
            word.clear();
            out.push(c);
        }
    }
    out.push_str(&canonical_syllable(&word));
    nfc(&out)
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// One lower-case NFD word: its letters (base + non-tone marks) with the tone placed canonically.
fn canonical_syllable(word: &str) -> String {
    let tones: Vec<char> = word.chars().filter(|c| TONES.contains(c)).collect();
    if tones.len() != 1 {
        return word.to_string();
    }
    // Letters as (base, marks) without the tone.
    let mut letters: Vec<(char, Vec<char>)> = Vec::new();
    for c in word.chars().filter(|c| !TONES.contains(c)) {
        match letters.last_mut() {
            Some((_, marks)) if is_combining_mark(c) => marks.push(c),
            _ => letters.push((c, Vec::new())),
        }
    }
    let Some(mut first) = letters.iter().position(|(b, _)| is_vowel(*b)) else {
        return word.to_string();
    };
    let mut end = first;
    while end < letters.len() && is_vowel(letters[end].0) {
        end += 1;
    }
    let initial_qu = first > 0 && letters[first - 1].0 == 'q' && letters[first].0 == 'u';
    let initial_gi = first == 1
        && letters[0].0 == 'g'
        && letters[first].0 == 'i'
        && letters[first].1.is_empty()
        && end - first > 1;
    if (initial_qu || initial_gi) && end - first > 1 {
        first += 1;
    }
    let cluster = first..end;
    let shaped: Vec<usize> = cluster
        .clone()
        .filter(|&i| letters[i].1.iter().any(|m| SHAPES.contains(m)))
        .collect();
    let closed = end < letters.len();
    let target = match (shaped.last(), cluster.len()) {
        (Some(&i), _) => i,
        (None, _) if closed => end - 1,
        (None, 3) => first + 1,
        (None, _) => first,
    };
    let mut out = String::with_capacity(word.len());
    for (i, (base, marks)) in letters.iter().enumerate() {
        out.push(*base);
        out.extend(marks.iter());
        if i == target {
            out.push(tones[0]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The table agrees with the standard library on every character there is.
    #[test]
    fn word_characters_are_the_alphanumeric_ones() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "U+{:04X}", c as u32);
        }
    }

    /// The definitions, whole-string, as they were written first: the fast forms must agree.
    fn fold_by_definition(s: &str) -> String {
        s.nfd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .map(|c| if c == 'đ' || c == 'ð' { 'd' } else { c })
            .collect()
    }

    fn canonical_tones_by_definition(s: &str) -> String {
        canonical_tones_of_piece(s)
    }

    /// The table of folded characters holds what decomposing gives, for every character.
    #[test]
    fn every_character_folds_as_its_decomposition_does() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let (mut tabled, mut decomposed) = (String::new(), String::new());
            fold_char(c, |f| tabled.push(f));
            fold_char_by_decomposition(c, |f| decomposed.push(f));
            assert_eq!(tabled, decomposed, "U+{:04X}", c as u32);
        }
    }

    /// `fold` decomposes a character at a time and skips NFD's reordering of marks: exact only
    /// if every character that reordering moves (canonical combining class not 0) is a mark,
    /// which `fold` drops.
    #[test]
    fn every_character_nfd_reorders_is_a_mark_fold_drops() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if unicode_normalization::char::canonical_combining_class(c) != 0 {
                assert!(is_combining_mark(c), "U+{:04X}", c as u32);
            }
        }
    }

    /// Pieces that meet at the edges the fast forms cut at: ASCII breaks, "<=>" that compose
    /// with U+0338, marks after a break, Hangul jamo that compose, eth, dotted I, tones.
    const ATOMS: &[&str] = &[
        "<", "=", ">", "\u{338}", " ", ".", "1", "-", "a", "o", "u", "y", "q", "g", "i", "Đ", "ð",
        "İ", "ơ", "Ư", "ể", "\u{301}", "\u{300}", "\u{323}", "\u{302}", "\u{31b}", "가",
        "\u{1100}", "\u{1161}", "\u{11a8}", "hoà", "THUỴ", "ñ", "\u{345}",
    ];

    /// The remembered pieces are a bound, not a leak, and what is remembered is what is worked
    /// out: more distinct pieces than are kept, each asked twice, agree with the definition. A
    /// table of the test's own, since other tests hold the process's one now and then.
    #[test]
    fn remembered_pieces_stay_bounded_and_right() {
        let mut table = HashMap::new();
        for round in 0..2 {
            for i in 0..(REMEMBERED_PIECES + 100) {
                // Letters only: a digit would end the piece.
                let suffix: String = (0..4)
                    .map(|k| char::from(b'a' + ((i / 26usize.pow(k)) % 26) as u8))
                    .collect();
                let piece = format!("hoà{suffix}");
                let mut out = String::new();
                canonical_tones_remembered(&mut table, &piece, &mut out);
                assert_eq!(
                    out,
                    canonical_tones_by_definition(&piece),
                    "{piece} (round {round})"
                );
            }
        }
        assert!(
            !table.is_empty() && table.len() <= REMEMBERED_PIECES,
            "{} kept",
            table.len()
        );
    }

    /// A text whose table is taken by another thread is worked out all the same, without
    /// waiting for the table (a thread that waited would fail the test, not hang it).
    #[test]
    fn a_taken_table_gives_the_same_answer() {
        let text = "Ông Nguyễn Văn Thuý, HOÀ BÌNH, khoẻ <≠> 12/3";
        let remembered = canonical_tones(text);
        let held = CANONICAL_PIECES.lock().unwrap_or_else(|p| p.into_inner());
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(canonical_tones(text)));
        let worked_out = receive.recv_timeout(std::time::Duration::from_secs(30));
        drop(held);
        assert_eq!(
            worked_out.as_deref(),
            Ok(remembered.as_str()),
            "the table held"
        );
        assert_eq!(remembered, canonical_tones_by_definition(text));
    }

    proptest! {
        #[test]
        fn the_fast_forms_agree_at_the_edges(
            atoms in prop::collection::vec(prop::sample::select(ATOMS), 0..16)
        ) {
            let s = atoms.concat();
            prop_assert_eq!(fold(&s), fold_by_definition(&s));
            prop_assert_eq!(canonical_tones(&s), canonical_tones_by_definition(&s));
        }

        #[test]
        fn the_fast_forms_agree_with_the_definitions(
            s in "[\\PC a-zA-Z0-9.,;:!?()<=>\\-_/à-ỹÀ-ỸĐđðÐİẞǅ\u{300}-\u{36f}\u{338}\u{1100}-\u{1112}\u{1161}-\u{1175}\u{11a8}-\u{11c2}가-힣]{0,24}"
        ) {
            prop_assert_eq!(fold(&s), fold_by_definition(&s));
            prop_assert_eq!(canonical_tones(&s), canonical_tones_by_definition(&s));
            let d: String = s.nfd().collect();
            prop_assert_eq!(canonical_tones(&d), canonical_tones_by_definition(&d));
        }
    }

    #[test]
    fn folds_d_with_stroke_and_marks() {
        assert_eq!(fold("Đường Nguyễn Huệ"), "duong nguyen hue");
        assert_eq!(fold("GIẤY KHAI SINH"), "giay khai sinh");
        assert_eq!(fold(&"Đức".nfd().collect::<String>()), "duc");
        // The eth of legacy keyboards, U+00D0, is read as Đ.
        assert_eq!(fold("\u{d0}ức"), "duc");
        assert_eq!(canonical_tones("\u{d0}ức"), canonical_tones("Đức"));
    }

    #[test]
    fn fold_first_is_the_first_character_of_fold() {
        assert_eq!(fold_first("Đường"), Some('d'));
        assert_eq!(fold_first("\u{301}\u{300}Ấy"), Some('a'));
        assert_eq!(fold_first(""), None);
        assert_eq!(fold_first("\u{301}"), None);
    }

    proptest! {
        #[test]
        fn fold_first_agrees_with_fold(
            s in "[\\PC\u{300}-\u{36f}ĐđðÐİẞǅ]{0,6}"
        ) {
            prop_assert_eq!(fold_first(&s), fold(&s).chars().next());
        }
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

    /// Review F14/F25: what shows nothing is not kept, and text made only of it is no text.
    #[test]
    fn invisible_characters_are_removed() {
        assert_eq!(
            clean_text("Tra\u{302}\u{300}n\u{200b} Thi\u{323} \u{200d}Thu\u{309}y\u{feff}"),
            Some("Trần Thị Thủy".into())
        );
        assert_eq!(clean_text("A\u{1}B\u{1b}[31mC"), Some("AB[31mC".into()));
        assert_eq!(
            clean_text("Giấy \u{202e}exe.fdp"),
            Some("Giấy exe.fdp".into())
        );
        for invisible in [
            "\u{200b}\u{200b}",
            "\u{feff}",
            "\u{2066}\u{2069}",
            "\u{1b}\u{7f}",
            "\u{ad}",
        ] {
            assert_eq!(clean_text(invisible), None, "{invisible:?}");
        }
        // Tabs and line breaks are spaces, not removed: words stay apart.
        assert_eq!(clean_text("a\tb\u{85}c"), Some("a b c".into()));
    }

    #[test]
    fn both_tone_conventions_become_one() {
        for (a, b) in [
            ("hoà", "hòa"),
            ("thuý", "thúy"),
            ("Thuỵ", "thụy"),
            ("khoẻ", "khỏe"),
            ("Hoà Bình", "hòa bình"),
            ("loà", "lòa"),
        ] {
            assert_eq!(canonical_tones(a), canonical_tones(b), "{a} / {b}");
        }
        for word in [
            "hoàng", "quý", "quả", "giá", "giữa", "người", "nguyễn", "việt", "đức", "mía", "múa",
            "ngoài", "tuổi", "khuyến", "thuyết", "xoáy", "của", "lý",
        ] {
            assert_eq!(canonical_tones(word), word, "{word} is already canonical");
        }
        assert_eq!(
            canonical_tones("NGUYỄN Văn ĐỨC, hoà!"),
            "nguyễn văn đức, hòa!"
        );
    }

    proptest! {
        #[test]
        fn canonical_tones_is_idempotent_and_nfd_proof(s in "\\PC{0,30}") {
            let once = canonical_tones(&s);
            prop_assert_eq!(canonical_tones(&once), once.clone());
            let d: String = s.nfd().collect();
            prop_assert_eq!(canonical_tones(&d), once);
        }

        /// Whatever is typed or pasted, what is kept shows every character it holds, is trimmed
        /// and NFC, and cleaning it again changes nothing.
        #[test]
        fn clean_text_keeps_nothing_invisible(
            s in "[\\x00-\\x1f\\x7f-\\x9f\\u{ad}\\u{200b}-\\u{200f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}\\u{feff} a-zà-ỹĐđ\\u{300}-\\u{323}]{0,40}"
        ) {
            if let Some(clean) = clean_text(&s) {
                prop_assert!(!clean.chars().any(is_invisible), "{:?}", clean);
                prop_assert_eq!(clean.trim(), clean.as_str());
                prop_assert_eq!(nfc(&clean), clean.clone());
                prop_assert_eq!(clean_text(&clean), Some(clean.clone()));
            } else {
                prop_assert!(s.chars().all(|c| c.is_whitespace() || is_invisible(c)));
            }
        }

        #[test]
        fn nfc_and_nfd_inputs_fold_alike(s in "\\PC{0,30}") {
            let d: String = s.nfd().collect();
            prop_assert_eq!(fold(&s), fold(&d));
            prop_assert_eq!(nfc(&d), nfc(&s));
        }
    }
}
