//! The words the index's text fields are cut into: runs of letters and digits, as tantivy's own
//! `default` analyzer cuts them (its `SimpleTokenizer`, words of 40 bytes or more dropped), but
//! without its lower-caser, and with [`schemas::is_word_char`] for the test of a character.
//!
//! Every text field is written already lower-case (`schemas::fold`, `schemas::canonical_tones`,
//! checked for every character there is by `what_the_fields_hold_is_lower_case`), so the words
//! are the ones tantivy's analyzer makes, position for position (`the_words_are_tantivys`), and
//! an index built by either reads the same: this analyzer is registered under tantivy's name,
//! `default`, and the schema does not change. Why: in a profile of `kho reindex` the lower-caser
//! and the standard library's Unicode tables were about a tenth of the samples
//! (docs/benchmarks.md, "Ledger appends grouped").

use tantivy::tokenizer::{RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer};

/// The name the analyzer is registered under: tantivy's, which the `TEXT` fields name.
pub(crate) const TOKENIZER: &str = "default";

/// Words longer than this many bytes are left out (as tantivy's `default` does).
pub(crate) const LONGEST_WORD: usize = 40;

/// The text fields' analyzer.
pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(Words::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .build()
}

/// Cuts a text into its runs of letters and digits.
#[derive(Clone, Default)]
pub(crate) struct Words {
    token: Token,
}

pub(crate) struct WordStream<'a> {
    text: &'a str,
    /// Where the next word is looked for.
    next: usize,
    token: &'a mut Token,
}

impl Tokenizer for Words {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            next: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let rest = &self.text[self.next..];
        let Some(start) = rest.find(schemas::is_word_char) else {
            self.next = self.text.len();
            return false;
        };
        let word = &rest[start..];
        let length = word
            .find(|c: char| !schemas::is_word_char(c))
            .unwrap_or(word.len());
        let from = self.next + start;
        self.next = from + length;
        self.token.text.clear();
        self.token.text.push_str(&word[..length]);
        self.token.offset_from = from;
        self.token.offset_to = self.next;
        // `reset` leaves the position at usize::MAX: the first word is at 0.
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tokens(mut analyzer: TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    fn tantivys(text: &str) -> Vec<(String, usize, usize, usize)> {
        let default = tantivy::tokenizer::TokenizerManager::default()
            .get("default")
            .expect("tantivy registers its default analyzer");
        tokens(default, text)
    }

    #[test]
    fn words_positions_and_offsets() {
        assert_eq!(
            tokens(analyzer(), "  giấy khai-sinh, số 12/2020 "),
            vec![
                ("giấy".to_string(), 0, 2, 8),
                ("khai".to_string(), 1, 9, 13),
                ("sinh".to_string(), 2, 14, 18),
                ("số".to_string(), 3, 20, 24),
                ("12".to_string(), 4, 25, 27),
                ("2020".to_string(), 5, 28, 32),
            ]
        );
        assert!(tokens(analyzer(), "").is_empty());
        assert!(tokens(analyzer(), " ,.; ").is_empty());
        // A word of 40 bytes is dropped and keeps its place.
        let long = "x".repeat(LONGEST_WORD);
        let words = tokens(analyzer(), &format!("a {long} b"));
        assert_eq!(
            words
                .iter()
                .map(|w| (w.0.as_str(), w.1))
                .collect::<Vec<_>>(),
            [("a", 0), ("b", 2)]
        );
    }

    /// Every character `fold` and `canonical_tones` can write is its own lower case, so
    /// tantivy's lower-caser would leave what the fields hold as it is.
    #[test]
    fn what_the_fields_hold_is_lower_case() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let alone = c.to_string();
            for written in [schemas::fold(&alone), schemas::canonical_tones(&alone)] {
                for w in written.chars() {
                    assert!(
                        w.to_lowercase().eq([w]),
                        "U+{:04X} writes U+{:04X}",
                        c as u32,
                        w as u32
                    );
                }
            }
        }
    }

    proptest! {
        /// On what the fields hold, the same words at the same positions and offsets as
        /// tantivy's `default` analyzer (words, 40-byte limit, lower-caser).
        #[test]
        fn the_words_are_tantivys(
            text in prop_oneof![
                "[a-zA-Z0-9 ,.\\-/()àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐÀÉÔƯ\n]{0,120}",
                ".{0,60}",
            ]
        ) {
            for written in [schemas::fold(&text), schemas::canonical_tones(&text)] {
                prop_assert_eq!(tokens(analyzer(), &written), tantivys(&written));
            }
        }
    }
}
