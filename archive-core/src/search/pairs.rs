//! Word pairs ("shingles"): each two words that stand next to each other in the folded text are
//! indexed as one term of a field of their own, so that a phrase of two words (a place's name,
//! "khai sinh") is one term's list, read without positions (and, alone in a query, with
//! block-max pruning), rather than the positions of every document that has both words. At a million documents "Quảng Nam"
//! went from 33.3 to 13.0 ms p50 and the expanded place from 20.5 to 5.6 (docs/benchmarks.md,
//! "Phrases through word pairs"). Longer phrases stay phrases over the words (measured).
//!
//! A pair is the two folded words with one space between them (a word never holds a space);
//! it is indexed at its first word's position, and only for words at consecutive positions, so
//! a word dropped for its length breaks the pair as it breaks a phrase.

use super::words::{Words, LONGEST_WORD};
use tantivy::tokenizer::{
    RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// The name the pair analyzer is registered under in the index.
pub(crate) const TOKENIZER: &str = "kho_word_pairs";

/// The folded text's own analyzer ([`super::words`]: the words of tantivy's `default`, the
/// text already lower-case), followed by [`WordPairs`]: the pairs line up with the folded words.
pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(Words::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(WordPairs)
        .build()
}

/// The term of two words, as the index holds it (both already folded).
pub(crate) fn pair(first: &str, second: &str) -> String {
    format!("{first} {second}")
}

/// A token filter that turns a stream of words into the stream of its adjacent pairs.
#[derive(Clone, Copy)]
pub(crate) struct WordPairs;

impl TokenFilter for WordPairs {
    type Tokenizer<T: Tokenizer> = WordPairsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> WordPairsFilter<T> {
        WordPairsFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub(crate) struct WordPairsFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for WordPairsFilter<T> {
    type TokenStream<'a> = WordPairsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordPairsStream {
            words: self.inner.token_stream(text),
            previous: Previous::default(),
            pair: Token::default(),
        }
    }
}

/// The last word read. Its text is a buffer kept from word to word: a pair is written for
/// nearly every word of every document indexed, so it allocates nothing once warm.
#[derive(Default)]
struct Previous {
    text: String,
    position: Option<usize>,
    offset_from: usize,
}

pub(crate) struct WordPairsStream<S> {
    words: S,
    previous: Previous,
    pair: Token,
}

impl<S: TokenStream> TokenStream for WordPairsStream<S> {
    fn advance(&mut self) -> bool {
        while self.words.advance() {
            let word = self.words.token();
            let previous = &mut self.previous;
            let adjacent = previous
                .position
                .is_some_and(|p| p.checked_add(1) == Some(word.position));
            if adjacent {
                self.pair.text.clear();
                self.pair.text.push_str(&previous.text);
                self.pair.text.push(' ');
                self.pair.text.push_str(&word.text);
                self.pair.position = word.position - 1;
                self.pair.offset_from = previous.offset_from;
                self.pair.offset_to = word.offset_to;
                self.pair.position_length = 2;
            }
            previous.text.clear();
            previous.text.push_str(&word.text);
            previous.position = Some(word.position);
            previous.offset_from = word.offset_from;
            if adjacent {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.pair
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.pair
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tokens(mut analyzer: TextAnalyzer, text: &str) -> Vec<(String, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position));
        }
        out
    }

    /// The pairs of a text as the index writes it: folded first.
    fn pairs_of(text: &str) -> Vec<(String, usize)> {
        tokens(analyzer(), &schemas::fold(text))
    }

    /// The words as the folded field indexes them: tantivy's own `default` analyzer, so that a
    /// change of it in tantivy shows here as pairs that no longer line up.
    fn words_of(text: &str) -> Vec<(String, usize)> {
        let default = tantivy::tokenizer::TokenizerManager::default()
            .get("default")
            .expect("tantivy registers its default analyzer");
        tokens(default, text)
    }

    #[test]
    fn each_adjacent_pair_at_its_first_words_position() {
        assert_eq!(
            pairs_of("quyen su dung dat, Quang Nam"),
            vec![
                ("quyen su".to_string(), 0),
                ("su dung".to_string(), 1),
                ("dung dat".to_string(), 2),
                ("dat quang".to_string(), 3),
                ("quang nam".to_string(), 4),
            ]
        );
        assert!(pairs_of("").is_empty());
        assert!(pairs_of("mot").is_empty());
    }

    #[test]
    fn a_word_dropped_for_its_length_breaks_the_pair() {
        let long = "a".repeat(41);
        assert_eq!(
            pairs_of(&format!("giay {long} khai sinh")),
            vec![("khai sinh".to_string(), 2)]
        );
    }

    proptest! {
        /// The pairs are exactly the words of the folded field's own analyzer taken two by two
        /// where they stand next to each other: a phrase found through pairs is the phrase.
        #[test]
        fn pairs_are_the_adjacent_words(
            parts in prop::collection::vec(
                (prop_oneof!["[a-zA-Z0-9ăâđêôơưĐ]{1,6}", "[a-z]{38,44}"], "[ ,.\n-]{1,3}"),
                0..14,
            )
        ) {
            let text: String = parts.iter().map(|(w, sep)| format!("{w}{sep}")).collect();
            let words = words_of(&schemas::fold(&text));
            let expected: Vec<(String, usize)> = words
                .windows(2)
                .filter(|w| w[0].1 + 1 == w[1].1)
                .map(|w| (pair(&w[0].0, &w[1].0), w[0].1))
                .collect();
            prop_assert_eq!(pairs_of(&text), expected);
        }
    }
}
