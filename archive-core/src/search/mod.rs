//! Search: the query language ([`query`]), the tantivy index ([`index`]) fed from the catalogue,
//! and snippets ([`snippet`]). Hits always come back through the catalogue, which is
//! authoritative for state, validity and access; the index only finds candidates.

pub(crate) mod expand;
mod facet_cache;
mod facets;
pub(crate) mod index;
mod pairs;
pub mod query;
pub(crate) mod snippet;
pub(crate) mod vocabulary;
mod words;

pub use index::{IndexState, Scan};
pub use words::WordCounter;

use schemas::{Date, DocTypes, DocumentRecord, FieldError, FieldErrors, RuleError, State};
use std::collections::BTreeMap;

/// How deep into the hits a page may start: the index ranks `offset + limit` hits to return a
/// page, so a deep page costs as much as a long one. Narrow the search instead.
pub const MAX_OFFSET: usize = 10_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    #[default]
    Relevance,
    /// Newest issue date first.
    IssuedDesc,
}

impl SortOrder {
    /// `relevance` (or nothing), `date` or `issued`.
    pub fn parse(s: &str) -> Result<Self, RuleError> {
        match s.trim() {
            "" | "relevance" => Ok(SortOrder::Relevance),
            "date" | "issued" => Ok(SortOrder::IssuedDesc),
            _ => Err(RuleError::new(&schemas::messages::SORT_ORDER)),
        }
    }
}

/// A search as a clerk asks it.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub owner: Option<String>,
    /// Only documents of one of these owners (a registered dossier's applicants); empty: no
    /// such filter.
    pub owners_among: Vec<String>,
    pub doc_type: Option<String>,
    pub issuer: Option<String>,
    /// Only documents of this place, old or new name, or of the units it became or came from
    /// (`--place`, `place=`).
    pub place: Option<String>,
    /// Issue date range, inclusive.
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Only documents valid today (active and not expired): what can be reused.
    pub valid_only: bool,
    /// Only documents with a signature of this status (the best of their signatures).
    pub signed: Option<schemas::SignatureStatus>,
    pub limit: usize,
    pub offset: usize,
    pub sort: SortOrder,
}

impl SearchRequest {
    /// The request with its filters in the form the index holds them: trimmed, the issuer and
    /// the place in NFC, empty filters dropped.
    pub fn tidy(&self) -> SearchRequest {
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        SearchRequest {
            owner: given(&self.owner),
            doc_type: given(&self.doc_type),
            issuer: given(&self.issuer).map(|i| schemas::nfc(&i)),
            place: given(&self.place).map(|p| schemas::nfc(&p)),
            ..self.clone()
        }
    }

    /// Checks what the request itself says, every broken field at once: the page (1 to
    /// `max_limit` hits, from at most [`MAX_OFFSET`]), the owner (an owner ID, as
    /// `/owners/{owner_id}` reads it), the type (one of `types`, as an upload's), the dates
    /// (from [`MIN_FILTER_YEAR`] on, `from` not after `to`). Checked before any dossier is: a
    /// malformed owner ID is the caller's typo, not an attempt on someone's papers.
    pub fn check(&self, max_limit: usize, types: &DocTypes) -> Result<(), FieldErrors> {
        let mut errors = Vec::new();
        errors.extend(FieldError::limit_outside(self.limit, max_limit));
        if self.offset > MAX_OFFSET {
            errors.push(
                RuleError::new(&schemas::messages::OFFSET_TOO_FAR)
                    .with("max", MAX_OFFSET)
                    .at("offset", &self.offset.to_string()),
            );
        }
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if let Some(owner) = given(&self.owner) {
            if let Err(e) = schemas::OwnerId::parse(&owner) {
                errors.push(e.at("owner", &owner));
            }
        }
        if let Some(doc_type) = given(&self.doc_type) {
            if let Err(e) = types.require(&doc_type) {
                errors.push(e.at("type", &doc_type));
            }
        }
        for (field, date) in [("from", self.from), ("to", self.to)] {
            if let Some(date) = date.filter(|d| d.year() < MIN_FILTER_YEAR) {
                errors.push(
                    RuleError::new(&schemas::messages::SEARCH_DATE_TOO_EARLY)
                        .with("min", MIN_FILTER_YEAR)
                        .at(field, &schemas::iso_date(date)),
                );
            }
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                errors.push(
                    RuleError::new(&schemas::messages::SEARCH_FROM_AFTER_TO)
                        .with("to", schemas::iso_date(to))
                        .at("from", &schemas::iso_date(from)),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(FieldErrors(errors))
        }
    }
}

/// The earliest year a search's dates may name: kho keeps results of today's procedures (the
/// oldest papers still in use are of the 20th century), so a year before is a typo (`0000`,
/// `0202`), which would otherwise find nothing and say nothing.
pub const MIN_FILTER_YEAR: i32 = 1900;

/// Counts by document type, issuer, issue year, and today's province and commune (full names)
/// over all matching documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Facets {
    pub doc_type: BTreeMap<String, u64>,
    pub issuer: BTreeMap<String, u64>,
    pub year: BTreeMap<String, u64>,
    /// Today's province of each document's main place (its issuer's, else the first in its
    /// text), so that one province is one bucket whatever era its papers name.
    pub province: BTreeMap<String, u64>,
    pub commune: BTreeMap<String, u64>,
}

/// A unit named in an answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlaceRef {
    pub code: String,
    /// Full name with enclosing units: "huyện Núi Thành, tỉnh Quảng Nam".
    pub name: String,
    pub era: schemas::places::Era,
}

/// A unit of the other era a place reached.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlaceInclude {
    #[serde(flatten)]
    pub unit: PlaceRef,
    /// `whole`: all of it went into (came from) the place; `partial`: part of it.
    pub succession: schemas::places::Tier,
}

/// What a place in the query (or the `place` filter) was read as and expanded to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlaceExpansion {
    /// The words it was read from ("xã Núi Thành").
    pub typed: String,
    /// `query` (found among the words), `filter` (the `place` parameter) or `issuer` (the
    /// `issuer` filter, when it is a place's name).
    pub from: &'static str,
    /// The units it was read as (one, or one name in both eras); empty when ambiguous.
    pub units: Vec<PlaceRef>,
    /// Units of the other era it reached, whole first.
    pub includes: Vec<PlaceInclude>,
    /// "gồm cả địa danh trước 01/7/2025: ..." (or why it was not expanded).
    pub note: Option<String>,
    /// Several units carry the name and nothing in the query tells them apart: searched as
    /// words only.
    pub ambiguous: bool,
    /// The candidates when ambiguous (at most 10).
    pub candidates: Vec<PlaceRef>,
}

/// A document type named in an answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DocTypeRef {
    pub key: String,
    pub title: String,
}

/// A term of the domain vocabulary found in the query and what it was searched as.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VocabularyExpansion {
    /// The words it was read from ("so do").
    pub typed: String,
    /// The term of the vocabulary table they matched ("sổ đỏ").
    pub term: String,
    /// Documents of these types match.
    pub doc_types: Vec<DocTypeRef>,
    /// Documents whose text holds one of these phrases match too (besides the term itself).
    pub words: Vec<String>,
}

impl VocabularyExpansion {
    /// What the term was searched as, in a clerk's words (the web's and the CLI's "tìm cả: ..."
    /// line): `"so do" (sổ đỏ): Giấy chứng nhận quyền sử dụng đất, ...` or `CCCD: "căn cước
    /// công dân", "thẻ căn cước"`.
    pub fn described(&self) -> String {
        let mut out = if self.typed == self.term {
            self.term.clone()
        } else {
            format!("\u{201c}{}\u{201d} ({})", self.typed, self.term)
        };
        let mut meant: Vec<String> = self.doc_types.iter().map(|t| t.title.clone()).collect();
        meant.extend(self.words.iter().map(|w| format!("\u{201c}{w}\u{201d}")));
        if !meant.is_empty() {
            out.push_str(": ");
            out.push_str(&meant.join("; "));
        }
        out
    }
}

/// One hit, read back from the catalogue.
#[derive(Debug, Clone)]
pub struct Hit {
    pub record: DocumentRecord,
    pub score: f32,
    pub state: State,
    pub snippet: String,
}

#[derive(Debug, Clone)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// The places found in the query and the filter, and what they expanded to.
    pub place_expansion: Vec<PlaceExpansion>,
    /// The terms of the domain vocabulary found in the query, and what they stood for.
    pub vocabulary_expansion: Vec<VocabularyExpansion>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(request: &SearchRequest) -> Vec<(String, &'static str)> {
        match request.check(100, &DocTypes::builtin()) {
            Ok(()) => Vec::new(),
            Err(errors) => errors
                .0
                .into_iter()
                .map(|e| (e.field.clone(), e.code()))
                .collect(),
        }
    }

    fn date(s: &str) -> Option<Date> {
        Some(schemas::parse_date(s).unwrap())
    }

    /// Review F20: what a search says about itself is checked, every broken field at once,
    /// instead of answering "0 documents" for a filter that can match nothing.
    #[test]
    fn a_search_that_cannot_mean_anything_names_each_field_it_breaks() {
        let fine = SearchRequest {
            limit: 20,
            owner: Some(" 049 075 001 234 ".into()),
            doc_type: Some("birth_certificate".into()),
            from: date("1990-01-01"),
            to: date("2026-12-31"),
            ..SearchRequest::default()
        };
        assert_eq!(codes(&fine), []);
        let broken = SearchRequest {
            limit: 0,
            owner: Some("abc".into()),
            doc_type: Some("nonexistent".into()),
            from: date("2030-01-01"),
            to: date("2020-01-01"),
            ..SearchRequest::default()
        };
        assert_eq!(
            codes(&broken),
            [
                ("limit".to_string(), "request.limit"),
                ("owner".to_string(), "id.digits_only"),
                ("type".to_string(), "doc_type.unknown"),
                ("from".to_string(), "search.from_after_to"),
            ]
        );
        let ancient = SearchRequest {
            limit: 20,
            from: date("0000-01-01"),
            to: date("1899-12-31"),
            ..SearchRequest::default()
        };
        assert_eq!(
            codes(&ancient),
            [
                ("from".to_string(), "search.date_too_early"),
                ("to".to_string(), "search.date_too_early"),
            ]
        );
        let unknown = SearchRequest {
            limit: 20,
            doc_type: Some("nonexistent".into()),
            ..SearchRequest::default()
        };
        let error = unknown.check(100, &DocTypes::builtin()).unwrap_err();
        assert!(
            error.0[0]
                .rule
                .render(schemas::Lang::En)
                .contains("birth_certificate"),
            "the known types are listed: {error}"
        );
    }
}
