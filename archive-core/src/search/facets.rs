//! Facet counts (document type, issuer, issue year, today's province and commune) and the match
//! count, in one pass.
//!
//! A hand-written collector rather than tantivy's generic terms aggregations: each segment counts
//! by dictionary ordinal into a plain array, reading the columns a block of documents at a time,
//! and turns ordinals into strings once, at the end; no JSON request or result to translate. For
//! a term in all of a million documents the query measured 48-57 ms p50 with it against 56 ms
//! with the aggregations (docs/benchmarks.md): most of the time is scoring, not counting.

use super::Facets;
use schemas::Gazetteer;
use std::collections::BTreeMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentReader};

/// How many buckets each facet keeps, most frequent first.
const DOC_TYPE_BUCKETS: usize = 50;
const ISSUER_BUCKETS: usize = 20;
const PROVINCE_BUCKETS: usize = 34;
const COMMUNE_BUCKETS: usize = 20;
/// Years are stored as numbers; anything at or past this is not a year and is not counted.
const YEAR_LIMIT: usize = 10_000;
const BLOCK: usize = 64;

pub(super) struct FacetCollector;

/// Facets plus the number of matching documents.
pub(super) struct FacetFruit {
    pub total: usize,
    pub facets: Facets,
}

pub(super) struct SegmentFacets {
    doc_type: Option<StrColumn>,
    issuer: Option<StrColumn>,
    province: Option<StrColumn>,
    commune: Option<StrColumn>,
    year: Option<Column<u64>>,
    doc_type_counts: Vec<u64>,
    issuer_counts: Vec<u64>,
    province_counts: Vec<u64>,
    commune_counts: Vec<u64>,
    year_counts: Vec<u64>,
    block: Vec<DocId>,
    values: Vec<Option<u64>>,
    total: usize,
}

pub(super) struct SegmentFruit {
    total: usize,
    doc_type: Vec<(String, u64)>,
    issuer: Vec<(String, u64)>,
    province: Vec<(String, u64)>,
    commune: Vec<(String, u64)>,
    year: Vec<(u64, u64)>,
}

impl Collector for FacetCollector {
    type Fruit = FacetFruit;
    type Child = SegmentFacets;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let columns = segment.fast_fields();
        let doc_type = columns.str("doc_type")?;
        let issuer = columns.str("issuer")?;
        let province = columns.str("province")?;
        let commune = columns.str("commune")?;
        let year = columns.u64("year").ok();
        let counts = |c: &Option<StrColumn>| vec![0; c.as_ref().map_or(0, |c| c.num_terms())];
        Ok(SegmentFacets {
            doc_type_counts: counts(&doc_type),
            issuer_counts: counts(&issuer),
            province_counts: counts(&province),
            commune_counts: counts(&commune),
            year_counts: vec![0; if year.is_some() { YEAR_LIMIT } else { 0 }],
            doc_type,
            issuer,
            province,
            commune,
            year,
            block: Vec::with_capacity(BLOCK),
            values: vec![None; BLOCK],
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<FacetFruit> {
        let mut total = 0;
        let mut doc_type = BTreeMap::new();
        let mut issuer = BTreeMap::new();
        let mut province = BTreeMap::new();
        let mut commune = BTreeMap::new();
        let mut year = BTreeMap::new();
        for fruit in fruits {
            total += fruit.total;
            for (counts, values) in [
                (&mut doc_type, fruit.doc_type),
                (&mut issuer, fruit.issuer),
                (&mut province, fruit.province),
                (&mut commune, fruit.commune),
            ] {
                for (key, n) in values {
                    *counts.entry(key).or_insert(0) += n;
                }
            }
            for (key, n) in fruit.year {
                *year.entry(key.to_string()).or_insert(0) += n;
            }
        }
        Ok(FacetFruit {
            total,
            facets: Facets {
                doc_type: most_frequent(doc_type, DOC_TYPE_BUCKETS),
                issuer: most_frequent(issuer, ISSUER_BUCKETS),
                year,
                province: most_frequent(province, PROVINCE_BUCKETS),
                commune: most_frequent(commune, COMMUNE_BUCKETS),
            },
        })
    }
}

/// Keeps the `keep` largest counts (ties by key, so the answer does not depend on segments).
impl Facets {
    /// The place facets, counted by unit code in the index, keyed by the units' full names
    /// ("thành phố Đà Nẵng") for the answer; a code the gazetteer no longer has stays a code.
    pub(crate) fn name_places(&mut self, gazetteer: &Gazetteer) {
        let named = |by_code: BTreeMap<String, u64>| -> BTreeMap<String, u64> {
            let mut out = BTreeMap::new();
            for (code, n) in by_code {
                let name = gazetteer
                    .by_code(&code)
                    .map_or(code, |u| gazetteer.full_name(u));
                *out.entry(name).or_insert(0) += n;
            }
            out
        };
        self.province = named(std::mem::take(&mut self.province));
        self.commune = named(std::mem::take(&mut self.commune));
    }
}

fn most_frequent(counts: BTreeMap<String, u64>, keep: usize) -> BTreeMap<String, u64> {
    if counts.len() <= keep {
        return counts;
    }
    let mut ranked: Vec<_> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(keep);
    ranked.into_iter().collect()
}

impl SegmentFacets {
    fn flush(&mut self) {
        let docs = &self.block[..];
        let values = &mut self.values[..docs.len()];
        for (column, counts) in [
            (&self.doc_type, &mut self.doc_type_counts),
            (&self.issuer, &mut self.issuer_counts),
            (&self.province, &mut self.province_counts),
            (&self.commune, &mut self.commune_counts),
        ] {
            if let Some(column) = column {
                column.ords().first_vals(docs, values);
                for ord in values.iter().flatten() {
                    if let Some(n) = counts.get_mut(*ord as usize) {
                        *n += 1;
                    }
                }
            }
        }
        if let Some(column) = &self.year {
            column.first_vals(docs, values);
            for year in values.iter().flatten() {
                if let Some(n) = self.year_counts.get_mut(*year as usize) {
                    *n += 1;
                }
            }
        }
        self.total += docs.len();
        self.block.clear();
    }
}

fn named(column: &Option<StrColumn>, counts: &[u64]) -> Vec<(String, u64)> {
    let Some(column) = column else {
        return Vec::new();
    };
    counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .filter_map(|(ord, n)| {
            let mut name = String::new();
            // An ordinal the dictionary cannot name is skipped rather than failing the search.
            match column.ord_to_str(ord as u64, &mut name) {
                Ok(true) => Some((name, *n)),
                _ => None,
            }
        })
        .collect()
}

impl SegmentCollector for SegmentFacets {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.block.push(doc);
        if self.block.len() == BLOCK {
            self.flush();
        }
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for chunk in docs.chunks(BLOCK) {
            if !self.block.is_empty() {
                self.flush();
            }
            self.block.extend_from_slice(chunk);
            self.flush();
        }
    }

    fn harvest(mut self) -> SegmentFruit {
        if !self.block.is_empty() {
            self.flush();
        }
        SegmentFruit {
            total: self.total,
            doc_type: named(&self.doc_type, &self.doc_type_counts),
            issuer: named(&self.issuer, &self.issuer_counts),
            province: named(&self.province, &self.province_counts),
            commune: named(&self.commune, &self.commune_counts),
            // Year 0 stands for "no issue date" in the index.
            year: self
                .year_counts
                .iter()
                .enumerate()
                .filter(|(year, n)| *year > 0 && **n > 0)
                .map(|(year, n)| (year as u64, *n))
                .collect(),
        }
    }
}
