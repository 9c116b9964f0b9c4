//! Search: the query language ([`query`]), the tantivy index ([`index`]) fed from the catalogue,
//! and snippets ([`snippet`]). Hits always come back through the catalogue, which is
//! authoritative for state, validity and access; the index only finds candidates.

pub(crate) mod expand;
mod facet_cache;
mod facets;
pub(crate) mod index;
pub mod query;
pub(crate) mod snippet;
pub(crate) mod vocabulary;

pub use index::IndexState;

use schemas::{Date, DocumentRecord, FieldError, RuleError, State};
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

    /// Checks the page asked for: 1 to `max_limit` hits, from at most [`MAX_OFFSET`].
    pub fn check_page(&self, max_limit: usize) -> Result<(), FieldError> {
        if self.limit == 0 || self.limit > max_limit {
            return Err(RuleError::new(&schemas::messages::LIMIT_RANGE)
                .with("max", max_limit)
                .at("limit", &self.limit.to_string()));
        }
        if self.offset > MAX_OFFSET {
            return Err(RuleError::new(&schemas::messages::OFFSET_TOO_FAR)
                .with("max", MAX_OFFSET)
                .at("offset", &self.offset.to_string()));
        }
        Ok(())
    }
}

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
