//! Snippets from the original text (diacritics and case as written), with the words that match
//! the query marked `<b>...</b>`; the rest is HTML-escaped.

use super::query::{ClauseKind, ParsedQuery};

/// How many words a snippet shows.
const WINDOW: usize = 28;

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// The best window of `text` for the query, or its start when nothing matches.
pub fn snippet(text: &str, query: &ParsedQuery) -> String {
    snippet_with(text, query, true)
}

/// [`snippet`], folding every word when `by_first_letter` is false (what the test compares).
fn snippet_with(text: &str, query: &ParsedQuery, by_first_letter: bool) -> String {
    let mut exact = Vec::new();
    let mut prefixes = Vec::new();
    for clause in query.clauses.iter().filter(|c| !c.negated) {
        match &clause.kind {
            ClauseKind::Words(words) => exact.extend(words.iter().map(|w| schemas::fold(w))),
            ClauseKind::Prefix(p) => prefixes.push(p.clone()),
        }
    }
    // A word is folded whole only when its first letter could make it one of the query's: most
    // words of a text are not (folding them all was about 7% of the server's time under search
    // load).
    let firsts: Option<Vec<char>> = exact
        .iter()
        .chain(&prefixes)
        .map(|w| w.chars().next())
        .collect::<Option<_>>()
        .filter(|_| by_first_letter);
    let could_match = |word: &str| match &firsts {
        Some(firsts) => schemas::fold_first(word).is_some_and(|f| firsts.contains(&f)),
        // A word of the query that folds to nothing: fold every word, as that one may match.
        None => true,
    };
    // Words with their byte spans in the original text.
    let mut words: Vec<(usize, usize, bool)> = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (schemas::is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let word = &text[s..i];
                let hit = could_match(word) && {
                    let folded = schemas::fold(word);
                    exact.contains(&folded)
                        || prefixes.iter().any(|p| folded.starts_with(p.as_str()))
                };
                words.push((s, i, hit));
                start = None;
            }
            _ => {}
        }
    }
    if words.is_empty() {
        return String::new();
    }
    let hits: Vec<usize> = words
        .iter()
        .enumerate()
        .filter(|(_, w)| w.2)
        .map(|(i, _)| i)
        .collect();
    // The window (of WINDOW words) holding the most hits, starting a little before the first.
    let mut best = (0, 0usize);
    for &h in &hits {
        let from = h.saturating_sub(4);
        let count = hits
            .iter()
            .filter(|&&x| x >= from && x < from + WINDOW)
            .count();
        if count > best.1 {
            best = (from, count);
        }
    }
    let from = best.0;
    let to = (from + WINDOW).min(words.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    // Between words: punctuation kept, any run of whitespace (newlines too) as one space.
    let push_gap = |gap: &str, out: &mut String| {
        for c in gap.chars() {
            if !c.is_whitespace() {
                escape(c.encode_utf8(&mut [0; 4]), out);
            } else if !out.ends_with(' ') {
                out.push(' ');
            }
        }
    };
    let mut cursor = words[from].0;
    for &(s, e, hit) in &words[from..to] {
        push_gap(&text[cursor..s], &mut out);
        if hit {
            out.push_str("<b>");
            escape(&text[s..e], &mut out);
            out.push_str("</b>");
        } else {
            escape(&text[s..e], &mut out);
        }
        cursor = e;
    }
    if to < words.len() {
        out.push('…');
    } else {
        push_gap(text[cursor..].trim_end(), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    #[test]
    fn marks_matches_in_the_original_spelling() {
        let text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nGIẤY KHAI SINH\nHọ, chữ đệm, tên: NGUYỄN VĂN ĐỨC <x>";
        let s = snippet(text, &parse("nguyen van duc").unwrap());
        assert!(s.contains("<b>NGUYỄN</b> <b>VĂN</b> <b>ĐỨC</b>"), "{s}");
        assert!(s.contains("&lt;x&gt;"), "{s}");
        let s = snippet(text, &parse("khai*").unwrap());
        assert!(s.contains("<b>KHAI</b>"), "{s}");
        assert_eq!(snippet("", &parse("a").unwrap()), "");
    }

    proptest::proptest! {
        /// Folding only the words whose first letter could match marks the same words.
        #[test]
        fn the_first_letter_test_marks_what_folding_every_word_marks(
            text in "([ĐđDdNnGgÂâẤấAa]{1,3}[ỨứUuYyĐđ]{0,2}[ ,.\n]{1,2}){0,40}",
            query in "(\"?[ĐđDdNnGgẤấAa][ỨứUuĐđ]{0,2}\\*?\"? ?){1,3}",
        ) {
            if let Ok(parsed) = parse(&query) {
                proptest::prop_assert_eq!(
                    snippet_with(&text, &parsed, true),
                    snippet_with(&text, &parsed, false)
                );
            }
        }
    }
}
