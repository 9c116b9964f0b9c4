//! Search: the query language ([`query`]), the tantivy index ([`index`]) fed from the catalogue,
//! and snippets ([`snippet`]). Hits always come back through the catalogue, which is
//! authoritative for state, validity and access; the index only finds candidates.

mod facets;
pub mod index;
pub mod query;
pub mod snippet;

use schemas::{Date, DocumentRecord, State};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    #[default]
    Relevance,
    /// Newest issue date first.
    IssuedDesc,
}

/// A search as a clerk asks it.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub owner: Option<String>,
    pub doc_type: Option<String>,
    pub issuer: Option<String>,
    /// Issue date range, inclusive.
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Only documents valid today (active and not expired): what can be reused.
    pub valid_only: bool,
    pub limit: usize,
    pub offset: usize,
    pub sort: SortOrder,
}

/// Counts by document type, issuer and issue year over all matching documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Facets {
    pub doc_type: BTreeMap<String, u64>,
    pub issuer: BTreeMap<String, u64>,
    pub year: BTreeMap<String, u64>,
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
}
