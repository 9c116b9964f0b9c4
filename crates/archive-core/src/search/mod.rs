//! Search: the query language ([`query`]), the tantivy index ([`index`]) fed from the catalogue,
//! and snippets ([`snippet`]). Hits always come back through the catalogue, which is
//! authoritative for state, validity and access; the index only finds candidates.

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

impl Facets {
    fn from_aggregations(results: &tantivy::aggregation::agg_result::AggregationResults) -> Self {
        let json = serde_json::to_value(results).unwrap_or_default();
        let buckets = |name: &str| -> BTreeMap<String, u64> {
            json[name]["buckets"]
                .as_array()
                .map(|b| {
                    b.iter()
                        .filter_map(|b| {
                            let key = match &b["key"] {
                                serde_json::Value::String(s) => s.clone(),
                                serde_json::Value::Number(n) => {
                                    n.as_f64().map(|f| (f as u64).to_string())?
                                }
                                _ => return None,
                            };
                            Some((key, b["doc_count"].as_u64()?))
                        })
                        .filter(|(k, _)| k != "0")
                        .collect()
                })
                .unwrap_or_default()
        };
        Facets {
            doc_type: buckets("doc_type"),
            issuer: buckets("issuer"),
            year: buckets("year"),
        }
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
}
