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
    let mut exact = Vec::new();
    let mut prefixes = Vec::new();
    for clause in query.clauses.iter().filter(|c| !c.negated) {
        match &clause.kind {
            ClauseKind::Words(words) => exact.extend(words.iter().map(|w| schemas::fold(w))),
            ClauseKind::Prefix(p) => prefixes.push(p.clone()),
        }
    }
    // Words with their byte spans in the original text.
    let mut words: Vec<(usize, usize, bool)> = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let folded = schemas::fold(&text[s..i]);
                let hit = exact.contains(&folded)
                    || prefixes.iter().any(|p| folded.starts_with(p.as_str()));
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
}
