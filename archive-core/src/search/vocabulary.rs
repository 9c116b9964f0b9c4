//! The second query-expansion step, after places ([`super::expand`]): the domain vocabulary
//! (schemas::Vocabulary: "sổ đỏ", "GCN QSDĐ", "GKS", "CCCD") taken out of the words left and
//! turned into clauses of their own: documents of the types a term means, or the phrases it
//! means in the text. "so do" is then one clause (land-use certificates, or "sổ đỏ" written in a
//! text), not the two words "so" and "do" that nearly every Vietnamese text holds.

use super::{DocTypeRef, VocabularyExpansion};
use schemas::{DocTypes, Vocabulary};

/// A term of the query as the index looks it up: any of its document types, or any of its
/// phrases (as words) in the folded text.
#[derive(Debug, Clone, Default)]
pub struct TermClause {
    pub doc_types: Vec<String>,
    pub phrases: Vec<Vec<String>>,
}

/// The query after this step.
pub(crate) struct TermsExpanded {
    /// The query without the terms (blanked, so that offsets still hold).
    pub rest: String,
    pub clauses: Vec<TermClause>,
    /// Where the terms were in the query (byte ranges of the NFC query).
    pub spans: Vec<std::ops::Range<usize>>,
    pub shown: Vec<VocabularyExpansion>,
}

/// Takes the vocabulary's terms out of `query` (what the place step left).
impl TermsExpanded {
    /// The query snippets mark: the words as typed, but a term's words only where the term
    /// stands as one word ("GKS", "CCCD"), since "so do" marked word by word would light up
    /// every "số" and "đồ" of a text.
    pub(crate) fn for_snippets(&self, query: &str) -> String {
        let mut out = schemas::nfc(query);
        for span in &self.spans {
            if out.is_char_boundary(span.start) && out.is_char_boundary(span.end) {
                out.replace_range(span.clone(), &" ".repeat(span.len()));
            }
        }
        for clause in &self.clauses {
            for phrase in clause.phrases.iter().filter(|p| p.len() == 1) {
                out.push(' ');
                out.push_str(&phrase[0]);
            }
        }
        out
    }
}

pub(crate) fn expand(vocabulary: &Vocabulary, doc_types: &DocTypes, query: &str) -> TermsExpanded {
    let mut rest = query.to_string();
    let mut clauses = Vec::new();
    let mut spans = Vec::new();
    let mut shown = Vec::new();
    for term in vocabulary.find_in_query(query) {
        rest.replace_range(term.span.clone(), &" ".repeat(term.span.len()));
        spans.push(term.span.clone());
        clauses.push(TermClause {
            doc_types: term.doc_types.clone(),
            phrases: term
                .phrases
                .iter()
                .map(|p| super::query::tokens(p))
                .filter(|t| !t.is_empty())
                .collect(),
        });
        shown.push(VocabularyExpansion {
            typed: term.typed,
            term: term.term,
            doc_types: term
                .doc_types
                .iter()
                .map(|key| DocTypeRef {
                    key: key.clone(),
                    title: doc_types
                        .get(key)
                        .map_or_else(|| key.clone(), |t| t.title.clone()),
                })
                .collect(),
            words: term.phrases.into_iter().skip(1).collect(),
        });
    }
    TermsExpanded {
        rest,
        clauses,
        spans,
        shown,
    }
}
