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

/// Counts the words an analyzer cuts a text into: the tokenizers' cost measured alone
/// (`kho-bench words`), kho's against tantivy's own.
pub struct WordCounter(TextAnalyzer);

impl WordCounter {
    /// The text fields' analyzer ([`analyzer`]).
    pub fn words() -> WordCounter {
        WordCounter(analyzer())
    }

    /// The pairs field's ([`super::pairs::analyzer`]).
    pub fn pairs() -> WordCounter {
        WordCounter(super::pairs::analyzer())
    }

    /// tantivy's `default` (its `SimpleTokenizer`, the 40-byte limit and its lower-caser): what
    /// [`analyzer`] replaces.
    pub fn tantivy_default() -> WordCounter {
        WordCounter(
            TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(LONGEST_WORD))
                .filter(tantivy::tokenizer::LowerCaser)
                .build(),
        )
    }

    /// How many words `text` is cut into.
    pub fn count(&mut self, text: &str) -> usize {
        let mut stream = self.0.token_stream(text);
        let mut words = 0;
        while stream.advance() {
            words += 1;
        }
        words
    }
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

impl WordStream<'_> {
    /// From byte `at`, the first character that is (`in_word` false) or is not (`in_word`
    /// true) a word's: where the next word starts or the current one ends, `None` at the end.
    /// An ASCII byte is tested as a byte, other characters decoded: the folded fields are
    /// nearly all ASCII, and cutting them went 22-27% faster than with a `char` test of each
    /// character (`kho-bench words`; docs/benchmarks.md, "The index writer's size").
    fn skip(&self, mut at: usize, in_word: bool) -> Option<usize> {
        let bytes = self.text.as_bytes();
        while let Some(&byte) = bytes.get(at) {
            let (is_word, length) = if byte.is_ascii() {
                (byte.is_ascii_alphanumeric(), 1)
            } else {
                // `at` is always a character's first byte (every step is a character's
                // length); `get` would end the scan rather than panic if it were not.
                let c = self.text.get(at..)?.chars().next()?;
                (schemas::is_word_char(c), c.len_utf8())
            };
            if is_word != in_word {
                return Some(at);
            }
            at += length;
        }
        None
    }
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
        let Some(from) = self.skip(self.next, false) else {
            self.next = self.text.len();
            return false;
        };
        self.next = self.skip(from, true).unwrap_or(self.text.len());
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..self.next]);
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

    #[test]
    fn the_counters_count_what_the_analyzers_cut() {
        let text = "giấy khai-sinh, số 12/2020";
        assert_eq!(WordCounter::words().count(text), 6);
        assert_eq!(WordCounter::tantivy_default().count(text), 6);
        assert_eq!(WordCounter::pairs().count(&schemas::fold(text)), 5);
        assert_eq!(WordCounter::words().count(" ,.; "), 0);
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
