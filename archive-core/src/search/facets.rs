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
use std::collections::{BTreeMap, HashMap};
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
#[derive(Clone)]
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
        // Hash maps while merging (thousands of issuers and communes), ordered once kept.
        let mut doc_type = HashMap::new();
        let mut issuer = HashMap::new();
        let mut province = HashMap::new();
        let mut commune = HashMap::new();
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

fn most_frequent(counts: HashMap<String, u64>, keep: usize) -> BTreeMap<String, u64> {
    let mut ranked: Vec<_> = counts.into_iter().collect();
    if ranked.len() > keep {
        let by_count =
            |a: &(String, u64), b: &(String, u64)| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0));
        ranked.select_nth_unstable_by(keep, by_count);
        ranked.truncate(keep);
    }
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

/// The counted ordinals of a segment with their terms, read in one walk of the dictionary in
/// ordinal order. Naming each ordinal on its own (`ord_to_str`) decodes its dictionary block
/// from the block's start every time: with the issuers and communes of a whole province (tens
/// of thousands of terms, nearly all counted by a common word) that was most of a query's time
/// at a million documents (docs/benchmarks.md, "Province scale").
fn named(column: &Option<StrColumn>, counts: &[u64]) -> Vec<(String, u64)> {
    let Some(column) = column else {
        return Vec::new();
    };
    let counted: Vec<u64> = counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(ord, _)| ord as u64)
        .collect();
    let mut out = Vec::with_capacity(counted.len());
    let mut ords = counted.iter();
    // Terms the dictionary cannot name (not expected) end the walk rather than fail the search.
    let _ = column
        .dictionary()
        .sorted_ords_to_term_cb(&counted, |term| {
            if let Some(&ord) = ords.next() {
                if let Ok(name) = std::str::from_utf8(term) {
                    out.push((name.to_string(), counts[ord as usize]));
                }
            }
        });
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::AllQuery;
    use tantivy::schema::{Schema, FAST, INDEXED, STRING};
    use tantivy::{doc, Index};

    /// Issuers and communes of a whole province are thousands of dictionary terms over many
    /// blocks: each counted ordinal must get its own name, in every segment, and the merged
    /// counts must be the true ones.
    #[test]
    fn counts_over_thousands_of_terms_name_each_ordinal_right() {
        let mut b = Schema::builder();
        let doc_type = b.add_text_field("doc_type", STRING | FAST);
        let issuer = b.add_text_field("issuer", STRING | FAST);
        let province = b.add_text_field("province", STRING | FAST);
        let commune = b.add_text_field("commune", STRING | FAST);
        let year = b.add_u64_field("year", INDEXED | FAST);
        let index = Index::create_in_ram(b.build());
        let mut writer = index.writer_with_num_threads(1, 20_000_000).unwrap();
        let mut expected: HashMap<String, u64> = HashMap::new();
        let mut communes: HashMap<String, u64> = HashMap::new();
        for i in 0..6000u64 {
            // 1,500 issuers, each of a different count (i squared spreads them unevenly).
            let k = (i * i) % 1500;
            let name = format!("Ủy ban nhân dân xã số {k:04}, tỉnh thử nghiệm");
            *expected.entry(name.clone()).or_default() += 1;
            let c = format!("C{:05}", (i * 7) % 2500);
            *communes.entry(c.clone()).or_default() += 1;
            writer
                .add_document(doc!(
                    doc_type => "birth_certificate",
                    issuer => name,
                    province => "P01",
                    commune => c,
                    year => 2000 + i % 20,
                ))
                .unwrap();
            // Several segments, so that counts of one name are merged across them.
            if i % 2000 == 1999 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let fruit = searcher.search(&AllQuery, &FacetCollector).unwrap();
        assert_eq!(fruit.total, 6000);
        assert_eq!(
            fruit.facets.issuer,
            most_frequent(expected, ISSUER_BUCKETS),
            "the 20 largest issuers, with their true counts"
        );
        assert_eq!(
            fruit.facets.commune,
            most_frequent(communes, COMMUNE_BUCKETS)
        );
        assert_eq!(fruit.facets.province.get("P01"), Some(&6000));
        assert_eq!(fruit.facets.year.len(), 20);
        assert_eq!(fruit.facets.year.get("2000"), Some(&300));
    }
}
