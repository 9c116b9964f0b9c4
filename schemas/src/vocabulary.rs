//! The domain vocabulary of search: the names clerks and citizens give papers ("sổ đỏ", "GCN
//! QSDĐ", "GKS", "CCCD") and what they mean, as data: a built-in table (`data/vocabulary.csv`)
//! that a store replaces with its own file of the same columns (`term,doc_type,words`).
//!
//! A row says that `term`, typed in a query, means documents of `doc_type`, or text containing
//! the phrase `words` (either or both; several rows of one term add up). The term itself is
//! always also looked for as a phrase in the text. Terms are found in a query word by word: a
//! word typed without diacritics matches on its folded form ("so do" = "sổ đỏ"), a word typed
//! with them on its exact form ("số đo", a measurement, is not "sổ đỏ").

use crate::messages as m;
use crate::places::names::{words, Word};
use crate::{canonical_tones, fold, DocTypes, RuleError};
use std::ops::Range;

/// Most rows a vocabulary table may hold (a bound on memory and on the work per query).
pub const MAX_VOCABULARY_ROWS: usize = 5_000;
/// Most words in one term.
const MAX_TERM_WORDS: usize = 8;

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VocabularyRow {
    /// What is typed ("sổ đỏ", "GCN QSDĐ"), NFC.
    pub term: String,
    /// The document type it means (a key of the store's document types), if any.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub doc_type: Option<String>,
    /// A phrase it also means in the text ("căn cước công dân" for "CCCD"), if any.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub words: Option<String>,
}

fn empty_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s: Option<String> = serde::Deserialize::deserialize(d)?;
    Ok(s.and_then(|s| crate::clean_text(&s)))
}

/// A term as it is matched: its words lower-cased with canonical tones, and folded.
#[derive(Debug, Clone)]
struct Term {
    typed: String,
    exact: Vec<String>,
    folded: Vec<String>,
    doc_types: Vec<String>,
    phrases: Vec<String>,
}

/// The vocabulary in force for a store.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    rows: Vec<VocabularyRow>,
    /// Rows of one term (compared folded and with canonical tones) taken together.
    terms: Vec<Term>,
}

/// A term found in a query and what it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    /// Byte range of the query it takes.
    pub span: Range<usize>,
    /// What was typed ("so do").
    pub typed: String,
    /// The term of the table it matched ("sổ đỏ").
    pub term: String,
    /// Document types it means.
    pub doc_types: Vec<String>,
    /// Phrases it means in the text: the term itself first, then the table's `words`.
    pub phrases: Vec<String>,
}

/// One word of a query as typed: plain (no diacritics) or not.
fn word_matches(query_word: &Word, exact: &str, folded: &str) -> bool {
    if query_word.folded == query_word.lower {
        query_word.folded == folded
    } else {
        canonical_tones(&query_word.lower) == exact
    }
}

impl Vocabulary {
    /// The built-in table (`data/vocabulary.csv`), checked against the built-in document types.
    pub fn builtin() -> Self {
        // The embedded table is tested below; a failure here is a build defect, not input.
        match Self::from_csv(include_str!("../data/vocabulary.csv"), &DocTypes::builtin()) {
            Ok(v) => v,
            Err(e) => panic!("built-in vocabulary.csv is broken: {e}"),
        }
    }

    /// A table from CSV text with the header `term,doc_type,words` (it replaces the built-in
    /// one). Every row is checked before any is taken: a term, a known document type or a
    /// phrase; errors name the line.
    pub fn from_csv(csv_text: &str, doc_types: &DocTypes) -> Result<Self, RuleError> {
        let rows = crate::table::read_rows(
            csv_text,
            &m::VOCABULARY_TABLE,
            &["term", "doc_type", "words"],
            MAX_VOCABULARY_ROWS,
            |row| Self::check_row(row, doc_types),
        )?;
        Ok(Self::from_rows(rows))
    }

    fn check_row(row: VocabularyRow, doc_types: &DocTypes) -> Result<VocabularyRow, RuleError> {
        let term =
            crate::clean_text(&row.term).ok_or_else(|| RuleError::new(&m::VOCABULARY_NO_TERM))?;
        let count = words(&term).len();
        if count == 0 || count > MAX_TERM_WORDS {
            return Err(RuleError::new(&m::VOCABULARY_TERM_WORDS)
                .with("max", MAX_TERM_WORDS)
                .with("got", &term));
        }
        if let Some(key) = &row.doc_type {
            doc_types.require(key).map_err(|e| {
                RuleError::new(&m::VOCABULARY_DOC_TYPE)
                    .with("term", &term)
                    .with("doc_type", key)
                    .with_message("why", e)
            })?;
        }
        if row.doc_type.is_none() && row.words.is_none() {
            return Err(RuleError::new(&m::VOCABULARY_MEANS_NOTHING).with("term", &term));
        }
        Ok(VocabularyRow {
            term,
            doc_type: row.doc_type,
            words: row.words.map(|w| crate::nfc(&w)),
        })
    }

    fn from_rows(rows: Vec<VocabularyRow>) -> Self {
        let mut terms: Vec<Term> = Vec::new();
        for row in &rows {
            let ws = words(&row.term);
            let exact: Vec<String> = ws.iter().map(|w| canonical_tones(&w.lower)).collect();
            let folded: Vec<String> = ws.iter().map(|w| w.folded.clone()).collect();
            let i = match terms.iter().position(|t| t.exact == exact) {
                Some(i) => i,
                None => {
                    terms.push(Term {
                        typed: row.term.clone(),
                        exact,
                        folded,
                        doc_types: Vec::new(),
                        phrases: vec![row.term.clone()],
                    });
                    terms.len() - 1
                }
            };
            let t = &mut terms[i];
            if let Some(d) = &row.doc_type {
                if !t.doc_types.contains(d) {
                    t.doc_types.push(d.clone());
                }
            }
            if let Some(w) = &row.words {
                if !t.phrases.iter().any(|p| fold(p) == fold(w)) {
                    t.phrases.push(w.clone());
                }
            }
        }
        // Longest first, so that "GCN QSDĐ" wins over "QSDĐ" where both match.
        terms.sort_by_key(|t| std::cmp::Reverse(t.exact.len()));
        Vocabulary { rows, terms }
    }

    /// The rows, in the order of the table.
    pub fn rows(&self) -> &[VocabularyRow] {
        &self.rows
    }

    /// The table as CSV (the format [`Vocabulary::from_csv`] reads), to edit and import again.
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing to memory does not fail; a failed row would only be missing from the output.
        let _ = w.write_record(["term", "doc_type", "words"]);
        for row in &self.rows {
            let _ = w.write_record([
                row.term.as_str(),
                row.doc_type.as_deref().unwrap_or(""),
                row.words.as_deref().unwrap_or(""),
            ]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// The terms in a query (NFC), left to right, the longest at each place; quoted phrases and
    /// excluded words (-word) are left alone, as typed.
    pub fn find_in_query(&self, query: &str) -> Vec<QueryTerm> {
        let plain = crate::places::query::plain_part(query);
        let ws = words(&plain);
        let mut out = Vec::new();
        let mut i = 0;
        while i < ws.len() {
            let found = self.terms.iter().find(|t| {
                let n = t.exact.len();
                i + n <= ws.len()
                    && (0..n).all(|k| word_matches(&ws[i + k], &t.exact[k], &t.folded[k]))
            });
            match found {
                Some(t) => {
                    let n = t.exact.len();
                    let span = ws[i].start..ws[i + n - 1].end;
                    out.push(QueryTerm {
                        typed: plain[span.clone()].to_string(),
                        span,
                        term: t.typed.clone(),
                        doc_types: t.doc_types.clone(),
                        phrases: t.phrases.clone(),
                    });
                    i += n;
                }
                None => i += 1,
            }
        }
        out
    }
}

impl Default for Vocabulary {
    fn default() -> Self {
        Self::builtin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(q: &str) -> Vec<(String, Vec<String>)> {
        Vocabulary::builtin()
            .find_in_query(&crate::nfc(q))
            .into_iter()
            .map(|t| (t.typed, t.doc_types))
            .collect()
    }

    fn land() -> Vec<String> {
        vec!["land_use_right_certificate".to_string()]
    }

    #[test]
    fn the_built_in_table_loads_and_names_known_types_only() {
        let v = Vocabulary::builtin();
        assert!(v.rows().len() > 30);
        let types = DocTypes::builtin();
        for row in v.rows() {
            if let Some(d) = &row.doc_type {
                assert!(types.get(d).is_some(), "{d}");
            }
        }
        // What `show` prints is what `import` reads.
        let again = Vocabulary::from_csv(&v.to_csv(), &types).unwrap();
        assert_eq!(again.rows(), v.rows());
    }

    #[test]
    fn land_use_certificate_names_with_and_without_diacritics() {
        for q in [
            "sổ đỏ",
            "so do",
            "SỔ ĐỎ",
            "Sổ Hồng",
            "so hong",
            "GCN QSDĐ",
            "gcn qsdd",
            "GCN QSDD",
            "GCNQSDĐ",
            "bia do",
        ] {
            assert_eq!(found(q), vec![(q.to_string(), land())], "{q}");
        }
        // Decomposed input (NFD) is the same once NFC'd, as every query is.
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd("sổ đỏ").collect();
        assert_eq!(found(&nfd).len(), 1);
    }

    #[test]
    fn a_word_typed_with_diacritics_is_matched_exactly() {
        // "số đo" (a measurement) and "sở" are not "sổ".
        assert!(found("số đo thửa đất").is_empty());
        assert!(found("sở đỏ").is_empty());
        // "so" alone, or in an ordinary phrase, is no term.
        assert!(found("hồ sơ so sánh").is_empty());
        assert!(found("so").is_empty());
    }

    #[test]
    fn terms_in_a_longer_query_keep_their_place_and_the_longest_wins() {
        let v = Vocabulary::builtin();
        let q = crate::nfc("Nguyễn Văn An GCN QSDĐ Núi Thành");
        let t = v.find_in_query(&q);
        assert_eq!(t.len(), 1);
        assert_eq!(&q[t[0].span.clone()], "GCN QSDĐ");
        assert_eq!(t[0].term, "GCN QSDĐ");
        assert_eq!(t[0].phrases, vec!["GCN QSDĐ".to_string()]);
        // Quoted or excluded, it is left as typed.
        assert!(v.find_in_query("\"sổ đỏ\"").is_empty());
        assert!(v.find_in_query("nguyen -GKS").is_empty());
        // Several rows of one term add up.
        let dk = v.find_in_query("ĐKKD");
        assert_eq!(
            dk[0].doc_types,
            vec!["household_business_registration", "enterprise_registration"]
        );
        let cccd = v.find_in_query("cccd");
        assert!(cccd[0].doc_types.is_empty());
        assert_eq!(
            cccd[0].phrases,
            vec!["CCCD", "căn cước công dân", "thẻ căn cước"]
        );
    }

    #[test]
    fn a_stores_table_is_checked_row_by_row() {
        let types = DocTypes::builtin();
        let v = Vocabulary::from_csv(
            "\u{feff}term,doc_type,words\nsổ xanh,land_use_right_certificate,\nGPLX,,giấy phép lái xe\n",
            &types,
        )
        .unwrap();
        assert_eq!(v.rows().len(), 2);
        assert!(
            v.find_in_query("so do").is_empty(),
            "it replaces the built-in table"
        );
        assert_eq!(v.find_in_query("so xanh")[0].doc_types, land());
        let e = Vocabulary::from_csv(
            "term,doc_type,words\n,birth_certificate,\nX,passport,\nY,,\n",
            &types,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("line 2") && e.contains("line 3") && e.contains("line 4"),
            "{e}"
        );
        assert!(e.contains("passport"), "{e}");
        let e = Vocabulary::from_csv("term,type\nx,y\n", &types)
            .unwrap_err()
            .to_string();
        assert!(e.contains("term,doc_type,words"), "{e}");
    }
}
