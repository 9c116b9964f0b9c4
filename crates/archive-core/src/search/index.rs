//! The full-text index (tantivy). Derived data: it is rebuilt from the catalogue, never the other
//! way round. Each commit's payload records the last catalogue sequence number it holds, so the
//! index catches up by reading the catalogue past that number ([`SearchIndex::sync`]), whether
//! after a batch, after a crash, or during a rebuild that was interrupted.

use super::facets::{FacetCollector, FacetFruit};
use super::query::{ClauseKind, ParsedQuery};
use super::{Facets, SearchRequest, SortOrder};
use crate::catalog::Catalog;
use crate::{ArchiveError, Result};
use schemas::{DocTypes, DocumentRecord, DocumentText, Lifecycle, Validity};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, RegexQuery,
    TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Schema, FAST, INDEXED, STRING, TEXT};
use tantivy::{
    doc, DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
};

/// Text indexed per document, at most (a bound on memory, not on what is stored).
const MAX_INDEXED_TEXT: usize = 2 * 1024 * 1024;
/// Commit at least this often during a long catch-up, so that an interruption loses little.
/// `KHO_INDEX_COMMIT_DOCS` overrides the count (smaller: less lost on a kill, slower indexing).
const COMMIT_EVERY_DOCS: usize = 20_000;

fn commit_every_docs() -> usize {
    std::env::var("KHO_INDEX_COMMIT_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(COMMIT_EVERY_DOCS)
}
const COMMIT_EVERY: Duration = Duration::from_secs(60);
/// How many of the best word matches the phrase check re-ranks.
const RERANK_WINDOW: usize = 100;
const NO_DATE: u64 = 0;
const NO_END: u64 = 99_991_231;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    owner: Field,
    codes: Field,
    doc_type: Field,
    issuer: Field,
    issued: Field,
    year: Field,
    valid_until: Field,
    active: Field,
    meta_exact: Field,
    meta_folded: Field,
    body_exact: Field,
    body_folded: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | FAST),
        owner: b.add_text_field("owner", STRING),
        codes: b.add_text_field("codes", STRING),
        doc_type: b.add_text_field("doc_type", STRING | FAST),
        issuer: b.add_text_field("issuer", STRING | FAST),
        issued: b.add_u64_field("issued", INDEXED | FAST),
        year: b.add_u64_field("year", INDEXED | FAST),
        valid_until: b.add_u64_field("valid_until", INDEXED | FAST),
        active: b.add_u64_field("active", INDEXED | FAST),
        meta_exact: b.add_text_field("meta_exact", TEXT),
        meta_folded: b.add_text_field("meta_folded", TEXT),
        body_exact: b.add_text_field("body_exact", TEXT),
        body_folded: b.add_text_field("body_folded", TEXT),
    };
    (b.build(), fields)
}

fn ymd(d: schemas::Date) -> u64 {
    d.year().max(0) as u64 * 10_000 + u64::from(u8::from(d.month())) * 100 + u64::from(d.day())
}

/// What the last commit says about the index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndexState {
    /// The last catalogue sequence number the index holds.
    pub seq: u64,
    /// A rebuild started and has not finished.
    #[serde(default)]
    pub rebuilding: bool,
}

/// Hits from the index: record ids (best first), the total count and the facet counts.
pub struct IndexHits {
    pub total: usize,
    pub hits: Vec<(String, f32)>,
    pub facets: Facets,
}

pub struct SearchIndex {
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
}

fn err(path: &Path) -> impl Fn(tantivy::TantivyError) -> ArchiveError + '_ {
    move |e| ArchiveError::Index {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

impl SearchIndex {
    pub fn open(path: &Path) -> Result<Self> {
        std::fs::create_dir_all(path).map_err(|source| ArchiveError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let (schema, fields) = schema();
        let dir =
            tantivy::directory::MmapDirectory::open(path).map_err(|e| ArchiveError::Index {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
        let mut index = match Index::open_or_create(dir, schema.clone()) {
            Ok(index) => index,
            // An index built by a release with another schema: it is derived data, so start it
            // afresh (its empty state makes the next sync index every record).
            Err(tantivy::TantivyError::SchemaError(_)) => {
                std::fs::remove_dir_all(path)
                    .and_then(|_| std::fs::create_dir_all(path))
                    .map_err(|source| ArchiveError::Io {
                        path: path.to_path_buf(),
                        source,
                    })?;
                let dir = tantivy::directory::MmapDirectory::open(path).map_err(|e| {
                    ArchiveError::Index {
                        path: path.to_path_buf(),
                        detail: e.to_string(),
                    }
                })?;
                Index::open_or_create(dir, schema).map_err(err(path))?
            }
            Err(e) => return Err(err(path)(e)),
        };
        // Search the segments in parallel: a query that matches most documents (and counts
        // facets over all of them) is bound by CPU, and there is one thread per core to use.
        index
            .set_default_multithread_executor()
            .map_err(err(path))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(err(path))?;
        Ok(SearchIndex {
            path: path.to_path_buf(),
            index,
            reader,
            writer: Mutex::new(None),
            fields,
        })
    }

    pub fn state(&self) -> IndexState {
        self.index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default()
    }

    fn with_writer<T>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<T>) -> Result<T> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let writer = match guard.as_mut() {
            Some(writer) => writer,
            None => {
                // The writer is made on first use: searching alone never takes the index lock.
                let threads = std::thread::available_parallelism()
                    .map_or(1, |n| n.get())
                    .min(4);
                let writer = self
                    .index
                    .writer_with_num_threads(threads, threads * 64 * 1024 * 1024)
                    .map_err(err(&self.path))?;
                guard.insert(writer)
            }
        };
        f(writer)
    }

    fn commit(&self, writer: &mut IndexWriter, state: IndexState) -> Result<()> {
        let payload = serde_json::to_string(&state).unwrap_or_default();
        let mut prepared = writer.prepare_commit().map_err(err(&self.path))?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(err(&self.path))?;
        Ok(())
    }

    fn document(
        &self,
        record: &DocumentRecord,
        text: Option<&DocumentText>,
        types: &DocTypes,
    ) -> TantivyDocument {
        let f = self.fields;
        let m = &record.metadata;
        let type_title = types
            .get(&m.doc_type)
            .map(|t| t.title.as_str())
            .unwrap_or_default();
        let meta: Vec<&str> = [
            Some(m.title.as_str()),
            Some(type_title),
            m.owner_name.as_deref(),
            m.issuer.as_deref(),
            m.doc_number.as_deref(),
            m.signer.as_deref(),
            m.summary.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let meta = meta.join("\n");
        let mut body = text.map(DocumentText::joined).unwrap_or_default();
        if body.len() > MAX_INDEXED_TEXT {
            let mut cut = MAX_INDEXED_TEXT;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
        }
        let issued = m.issued_on.map_or(NO_DATE, ymd);
        let valid_until = match m.valid_until {
            Validity::Until(d) => ymd(d),
            _ => NO_END,
        };
        let mut doc = doc!(
            f.id => record.id.as_str(),
            f.owner => m.owner_id.as_str(),
            f.codes => m.owner_id.as_str(),
            f.doc_type => m.doc_type.as_str(),
            f.issued => issued,
            f.year => issued / 10_000,
            f.valid_until => valid_until,
            f.active => u64::from(record.lifecycle == Lifecycle::Active),
            f.meta_exact => schemas::canonical_tones(&meta),
            f.meta_folded => schemas::fold(&meta),
            f.body_exact => schemas::canonical_tones(&body),
            f.body_folded => schemas::fold(&body),
        );
        if let Some(issuer) = &m.issuer {
            doc.add_text(f.issuer, issuer);
        }
        let codes = [
            m.dossier_code.as_ref().map(|c| c.as_str()),
            m.result_code.as_ref().map(|c| c.as_str()),
            m.procedure_code.as_ref().map(|c| c.as_str()),
            m.issuer_code.as_ref().map(|c| c.as_str()),
        ];
        for code in codes.into_iter().flatten() {
            doc.add_text(f.codes, code);
        }
        doc
    }

    /// Indexes every catalogue record past the last committed sequence number, committing as it
    /// goes. `progress(done, total)` is called now and then. Returns how many were indexed.
    pub fn sync(
        &self,
        catalog: &Catalog,
        types: &DocTypes,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<u64> {
        let mut state = self.state();
        let last = catalog.last_seq()?;
        if state.seq >= last && !state.rebuilding {
            return Ok(0);
        }
        let total = last.saturating_sub(state.seq);
        let commit_every = commit_every_docs();
        let done = self.with_writer(|writer| {
            let mut done = 0u64;
            let mut since_commit = 0usize;
            let mut last_commit = Instant::now();
            for item in catalog.records_since(state.seq + 1) {
                let record = item?;
                let text = catalog.text(&record.sha256)?;
                writer.delete_term(Term::from_field_text(self.fields.id, &record.id));
                writer
                    .add_document(self.document(&record, text.as_ref(), types))
                    .map_err(err(&self.path))?;
                state.seq = record.seq;
                done += 1;
                since_commit += 1;
                if since_commit >= commit_every || last_commit.elapsed() > COMMIT_EVERY {
                    self.commit(writer, state)?;
                    progress(done, total);
                    since_commit = 0;
                    last_commit = Instant::now();
                }
            }
            state.seq = state.seq.max(last);
            state.rebuilding = false;
            self.commit(writer, state)?;
            progress(done, total);
            Ok(done)
        })?;
        self.reader.reload().map_err(err(&self.path))?;
        crate::memory::release_free_memory();
        Ok(done)
    }

    /// Rebuilds the index from the catalogue. Resumable: if a rebuild was interrupted, this
    /// carries on from where it stopped instead of starting over.
    pub fn rebuild(
        &self,
        catalog: &Catalog,
        types: &DocTypes,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<u64> {
        if !self.state().rebuilding {
            self.with_writer(|writer| {
                writer.delete_all_documents().map_err(err(&self.path))?;
                self.commit(
                    writer,
                    IndexState {
                        seq: 0,
                        rebuilding: true,
                    },
                )
            })?;
        }
        self.sync(catalog, types, progress)
    }

    /// Ids of the given records that the index does not hold (for `verify`).
    pub fn missing<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Result<Vec<String>> {
        let searcher = self.reader.searcher();
        let mut missing = Vec::new();
        for id in ids {
            let term = Term::from_field_text(self.fields.id, id);
            if searcher.doc_freq(&term).map_err(err(&self.path))? == 0 {
                missing.push(id.to_string());
            }
        }
        Ok(missing)
    }

    fn text_query(&self, words: &[String], negated: bool) -> Box<dyn Query> {
        let f = self.fields;
        // Exact (tone-canonical) matches rank above folded ones, metadata above body text.
        let weighted = [
            (f.meta_exact, 4.0, true),
            (f.meta_folded, 2.5, false),
            (f.body_exact, 1.5, true),
            (f.body_folded, 1.0, false),
        ];
        // Typed without diacritics, the exact form of the words is their folded form: the exact
        // fields would only repeat the folded ones' work (half the postings of a common word).
        let already_folded = words
            .iter()
            .all(|w| schemas::canonical_tones(w) == schemas::fold(w));
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost, exact) in weighted {
            if exact && already_folded {
                continue;
            }
            let terms: Vec<Term> = words
                .iter()
                .map(|w| {
                    let t = if exact {
                        schemas::canonical_tones(w)
                    } else {
                        schemas::fold(w)
                    };
                    Term::from_field_text(field, &t)
                })
                .collect();
            let q: Box<dyn Query> = if terms.len() == 1 {
                Box::new(TermQuery::new(
                    terms[0].clone(),
                    IndexRecordOption::WithFreqs,
                ))
            } else {
                Box::new(PhraseQuery::new(terms))
            };
            should.push((
                Occur::Should,
                if negated {
                    q
                } else {
                    Box::new(BoostQuery::new(q, boost))
                },
            ));
        }
        Box::new(BooleanQuery::new(should))
    }

    fn prefix_query(&self, prefix: &str) -> Box<dyn Query> {
        let f = self.fields;
        let pattern = format!("{}.*", regex_escape(prefix));
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost) in [(f.meta_folded, 2.0), (f.body_folded, 1.0)] {
            if let Ok(q) = RegexQuery::from_pattern(&pattern, field) {
                should.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
            }
        }
        Box::new(BooleanQuery::new(should))
    }

    /// The query's plain words as one phrase, in the folded fields: documents where they stand
    /// together rank above those where they are scattered. `None` for fewer than two words.
    fn phrase_boost(&self, parsed: &ParsedQuery) -> Option<Box<dyn Query>> {
        let words: Vec<&String> = parsed
            .clauses
            .iter()
            .filter(|c| !c.negated)
            .filter_map(|c| match &c.kind {
                ClauseKind::Words(w) => Some(w),
                ClauseKind::Prefix(_) => None,
            })
            .flatten()
            .collect();
        if words.len() < 2 || parsed.identifier.is_some() {
            return None;
        }
        let f = self.fields;
        let should: Vec<(Occur, Box<dyn Query>)> = [(f.meta_folded, 6.0), (f.body_folded, 3.0)]
            .into_iter()
            .map(|(field, boost)| {
                let terms = words
                    .iter()
                    .map(|w| Term::from_field_text(field, &schemas::fold(w)))
                    .collect();
                let phrase: Box<dyn Query> = Box::new(PhraseQuery::new(terms));
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(phrase, boost)) as Box<dyn Query>,
                )
            })
            .collect();
        Some(Box::new(BooleanQuery::new(should)))
    }

    fn build(
        &self,
        req: &SearchRequest,
        parsed: &ParsedQuery,
        today: schemas::Date,
    ) -> Box<dyn Query> {
        let f = self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for clause in &parsed.clauses {
            let q = match &clause.kind {
                ClauseKind::Words(words) => self.text_query(words, clause.negated),
                ClauseKind::Prefix(p) => self.prefix_query(p),
            };
            must.push((
                if clause.negated {
                    Occur::MustNot
                } else {
                    Occur::Must
                },
                q,
            ));
        }
        let text: Box<dyn Query> = if let Some(id) = &parsed.identifier {
            // An identifier typed alone: its records first, then documents that mention it.
            let code = Box::new(TermQuery::new(
                Term::from_field_text(f.codes, id),
                IndexRecordOption::Basic,
            ));
            let mut should: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, Box::new(BoostQuery::new(code, 20.0)))];
            if !must.is_empty() {
                should.push((Occur::Should, Box::new(BooleanQuery::new(must))));
            }
            Box::new(BooleanQuery::new(should))
        } else if must.is_empty() {
            Box::new(AllQuery)
        } else {
            if must.iter().all(|(o, _)| *o == Occur::MustNot) {
                must.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(must))
        };
        let mut filters: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(owner) = &req.owner {
            filters.push((Occur::Must, term(f.owner, owner)));
        }
        if let Some(doc_type) = &req.doc_type {
            filters.push((Occur::Must, term(f.doc_type, doc_type)));
        }
        if let Some(issuer) = &req.issuer {
            filters.push((Occur::Must, term(f.issuer, issuer)));
        }
        if req.from.is_some() || req.to.is_some() {
            let lower = req.from.map_or(
                Bound::Excluded(Term::from_field_u64(f.issued, NO_DATE)),
                |d| Bound::Included(Term::from_field_u64(f.issued, ymd(d))),
            );
            let upper = req.to.map_or(Bound::Unbounded, |d| {
                Bound::Included(Term::from_field_u64(f.issued, ymd(d)))
            });
            filters.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        if req.valid_only {
            filters.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(f.active, 1),
                    IndexRecordOption::Basic,
                )),
            ));
            let from_today = Bound::Included(Term::from_field_u64(f.valid_until, ymd(today)));
            filters.push((
                Occur::Must,
                Box::new(RangeQuery::new(from_today, Bound::Unbounded)),
            ));
        }
        Box::new(BooleanQuery::new(filters))
    }

    pub fn search(
        &self,
        req: &SearchRequest,
        parsed: &ParsedQuery,
        today: schemas::Date,
    ) -> Result<IndexHits> {
        let searcher = self.reader.searcher();
        let query = self.build(req, parsed, today);
        let limit = req.limit.clamp(1, 1000);
        // Ids are read from their fast column (one dictionary lookup), not from the compressed
        // document store: the re-ranking window needs a hundred or so of them per search.
        let id_columns = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.fast_fields().str("id"))
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(err(&self.path))?;
        let id_of = |address: DocAddress| -> Result<Option<String>> {
            let Some(Some(column)) = id_columns.get(address.segment_ord as usize) else {
                return Ok(None);
            };
            let Some(ord) = column.term_ords(address.doc_id).next() else {
                return Ok(None);
            };
            let mut id = String::new();
            let found = column
                .ord_to_str(ord, &mut id)
                .map_err(|e| ArchiveError::Index {
                    path: self.path.clone(),
                    detail: e.to_string(),
                })?;
            Ok(found.then_some(id))
        };
        let mut hits: Vec<(String, f32)> = Vec::new();
        let FacetFruit { total, facets } = match req.sort {
            SortOrder::Relevance => {
                // Pass 1 scores every match on its words alone and counts facets over all of
                // them; pass 2 checks the words as a phrase only in the best RERANK_WINDOW.
                // Checking word positions in every match was most of the cost of a query that
                // matches most documents (118 of 141 ms at a million).
                // Facets are counted in the same walk: a second walk without scores (so that
                // the top-k one could skip blocks) measured slower, 53 against 48 ms p50 for a
                // term in all of a million documents, because the query is a union over four
                // fields per word and gains little from skipping.
                let window = (req.offset + limit).max(RERANK_WINDOW);
                let (top, counted) = searcher
                    .search(
                        &query,
                        &(TopDocs::with_limit(window).order_by_score(), FacetCollector),
                    )
                    .map_err(err(&self.path))?;
                for (score, address) in top {
                    if let Some(id) = id_of(address)? {
                        hits.push((id, score));
                    }
                }
                if let Some(phrase) = self.phrase_boost(parsed) {
                    let ids = hits
                        .iter()
                        .map(|(id, _)| Term::from_field_text(self.fields.id, id));
                    let within: Vec<(Occur, Box<dyn Query>)> = vec![
                        (Occur::Must, phrase),
                        (Occur::Must, Box::new(TermSetQuery::new(ids))),
                    ];
                    let boosted = searcher
                        .search(
                            &BooleanQuery::new(within),
                            &TopDocs::with_limit(window).order_by_score(),
                        )
                        .map_err(err(&self.path))?;
                    let mut extra = std::collections::HashMap::new();
                    for (score, address) in boosted {
                        if let Some(id) = id_of(address)? {
                            extra.insert(id, score);
                        }
                    }
                    for (id, score) in hits.iter_mut() {
                        *score += extra.get(id).copied().unwrap_or(0.0);
                    }
                    hits.sort_by(|a, b| b.1.total_cmp(&a.1));
                }
                hits = hits.into_iter().skip(req.offset).take(limit).collect();
                counted
            }
            SortOrder::IssuedDesc => {
                let top = TopDocs::with_limit(limit).and_offset(req.offset);
                let (top, counted) = searcher
                    .search(
                        &query,
                        &(
                            top.order_by_u64_field("issued", Order::Desc),
                            FacetCollector,
                        ),
                    )
                    .map_err(err(&self.path))?;
                for (_, address) in top {
                    if let Some(id) = id_of(address)? {
                        hits.push((id, 0.0));
                    }
                }
                counted
            }
        };
        Ok(IndexHits {
            total,
            hits,
            facets,
        })
    }
}

fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
