//! The full-text index (tantivy): its schema, the document it makes of a record, and the
//! queries it runs. Derived data: it is rebuilt from the catalogue, never the other way round.
//! Each commit's payload says how far it has come, so the index catches up by reading the
//! catalogue past that ([`SearchIndex::sync`], in `sync.rs`), whether after a batch, after a
//! crash, or during a rebuild that was interrupted.

mod rerank;
mod sync;

use self::rerank::{has_long_phrase, second_pass_scores, Phrases};
pub use self::sync::{IndexState, Scan};
use super::facet_cache::FacetCache;
use super::facets::{FacetCollector, FacetFruit};
use super::query::{ClauseKind, ParsedQuery};
use super::vocabulary::TermClause;
use super::{pairs, words};
use super::{Facets, SearchRequest, SortOrder};
use crate::{ArchiveError, Result};
use schemas::{DocTypes, DocumentRecord, DocumentText, Lifecycle, Validity};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery,
    RegexQuery, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STRING, TEXT,
};
use tantivy::{
    doc, DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher,
    TantivyDocument, Term,
};

/// Text indexed per document, at most (a bound on memory, not on what is stored).
const MAX_INDEXED_TEXT: usize = 2 * 1024 * 1024;
/// How many of the best word matches the second pass re-ranks.
const RERANK_WINDOW: usize = 100;
/// How much a match in the exact form typed (with its diacritics) weighs, over the folded match.
const EXACT_BOOST: f32 = 1.5;
/// A word's exact form is not scored when at least this share of the documents with its folded
/// form have it ([`SearchIndex::exact_tells_apart`]).
const EXACT_SAME_SHARE: f64 = 0.95;
/// How much the query's words standing together as a phrase weigh.
const PHRASE_BOOST: f32 = 3.0;
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
    /// The best status among the record's PDF signatures (`valid`, `partial`, ...), `none`.
    signed: Field,
    /// Metadata and text, tone placement made canonical (diacritics kept).
    exact: Field,
    /// Metadata and text, folded (no diacritics, đ -> d).
    folded: Field,
    /// The folded text's adjacent word pairs, with their counts (no positions): a phrase of two
    /// words is one of its terms ([`pairs`]).
    pairs: Field,
    /// Unit codes by tier (`=new:T48`, `~old:T49`, `?old:H517`: schemas::places::Tier).
    places: Field,
    /// Today's province and commune of the document's main place (codes), for facets.
    province: Field,
    /// The issuer's words, folded, for the issuer filter ("so tai nguyen", "quang nam").
    issuer_words: Field,
    /// Unit codes by tier of the places the issuer names (not the text's).
    issuer_places: Field,
    commune: Field,
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
        signed: b.add_text_field("signed", STRING),
        exact: b.add_text_field("exact", TEXT),
        folded: b.add_text_field("folded", TEXT),
        pairs: b.add_text_field(
            "pairs",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(pairs::TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        ),
        places: b.add_text_field("places", STRING),
        province: b.add_text_field("province", STRING | FAST),
        commune: b.add_text_field("commune", STRING | FAST),
        issuer_words: b.add_text_field("issuer_words", TEXT),
        issuer_places: b.add_text_field("issuer_places", STRING),
    };
    (b.build(), fields)
}

/// The analyzers the schema's text fields name: the words (under tantivy's own name) and the
/// word pairs.
fn register_analyzers(index: &Index) {
    let analyzers = index.tokenizers();
    analyzers.register(words::TOKENIZER, words::analyzer());
    analyzers.register(pairs::TOKENIZER, pairs::analyzer());
}

/// The index writer's threads and each one's memory budget: as many threads as cores (at most
/// four), 64 MiB each, unless `KHO_INDEX_THREADS` / `KHO_INDEX_THREAD_MB` say otherwise.
#[derive(Clone, Copy)]
struct WriterSize {
    threads: usize,
    budget_per_thread: usize,
}

impl WriterSize {
    fn from_settings() -> Result<WriterSize> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = crate::settings::whole_number(
            "KHO_INDEX_THREADS",
            1..=8,
            "a whole number of threads from 1 to 8",
        )?
        .map_or(cores.min(4), |n| n as usize);
        let budget_mb = crate::settings::whole_number(
            "KHO_INDEX_THREAD_MB",
            16..=1024,
            "a whole number of MiB from 16 to 1024",
        )?
        .map_or(64, |n| n as usize);
        Ok(WriterSize {
            threads,
            budget_per_thread: budget_mb * 1024 * 1024,
        })
    }
}

fn ymd(d: schemas::Date) -> u64 {
    d.year().max(0) as u64 * 10_000 + u64::from(u8::from(d.month())) * 100 + u64::from(d.day())
}

/// A query as the index runs it: the clauses left after the places were taken out, the places,
/// and the `place` filter.
pub struct IndexQuery<'a> {
    pub parsed: &'a ParsedQuery,
    pub places: &'a [PlaceClause],
    /// Terms of the domain vocabulary (super::vocabulary).
    pub terms: &'a [TermClause],
    pub place_filter: Option<&'a PlaceClause>,
    /// The `issuer` filter read as a place, when it is one ("Quảng Nam").
    pub issuer_place: Option<&'a PlaceClause>,
}

/// The store's tables a document is indexed with.
#[derive(Clone, Copy)]
pub struct Tables<'a> {
    pub doc_types: &'a DocTypes,
    pub gazetteer: &'a schemas::Gazetteer,
}

/// A place of a query, as the index looks it up: the unit codes it may be, and its name as
/// folded words for documents that name it in words the gazetteer did not read.
#[derive(Debug, Clone, Default)]
pub struct PlaceClause {
    pub codes: Vec<String>,
    pub words: Vec<String>,
}

/// What a tier adds to a document's score: the place named first, then the units it became or
/// came from whole, then the name in the text, then partial successions.
const TIER_SCORES: [(schemas::places::Tier, f32); 3] = [
    (schemas::places::Tier::Named, 3.0),
    (schemas::places::Tier::Whole, 2.0),
    (schemas::places::Tier::Partial, 1.0),
];
const PLACE_WORDS_SCORE: f32 = 1.5;
/// What a document of the type a vocabulary term means adds (its phrase in the text adds
/// [`PLACE_WORDS_SCORE`]): the paper itself ranks above papers that mention it.
const TERM_TYPE_SCORE: f32 = 3.0;

/// Hits from the index: record ids (best first), the total count and the facet counts.
pub(crate) struct IndexHits {
    pub total: usize,
    pub hits: Vec<(String, f32)>,
    pub facets: Facets,
}

pub(crate) struct SearchIndex {
    path: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    /// Why the index found at open was set aside and started afresh, if it was.
    reset: Option<String>,
    /// Facet counts of the searches of the current searcher generation.
    facet_cache: FacetCache,
    /// How the writer is made when a write first needs it.
    writer_size: WriterSize,
    /// The state of the commit the reader shows, set once the reader has moved to it: what
    /// `ready` and `verify` read, so that no one is told the index holds what searches do not
    /// yet see (the commit's file is on disk a moment before the reader reloads).
    visible: Mutex<IndexState>,
}

fn err(path: &Path) -> impl Fn(tantivy::TantivyError) -> ArchiveError + '_ {
    move |e| ArchiveError::Index {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

impl SearchIndex {
    /// Opens the index, creating it on first use. An index that cannot be opened (a segment
    /// file deleted or truncated, its metadata damaged) is derived data: it is moved aside to
    /// `index.damaged-SECONDS` and started afresh, so that the next sync rebuilds it from the
    /// catalogue, and [`SearchIndex::reset`] says so. Without this a damaged index would make
    /// the whole store unopenable, `kho reindex` included.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        // Settings first: an unusable one is the operator's to mend, not damage to move aside.
        let facet_entries = FacetCache::entries_from_settings()?;
        let writer_size = WriterSize::from_settings()?;
        let damage = match Self::open_as_is(path, facet_entries, writer_size) {
            Ok(index) => return Ok(index),
            Err(e @ ArchiveError::Io { .. }) => return Err(e),
            Err(ArchiveError::Index { detail, .. }) => detail,
            Err(e) => e.to_string(),
        };
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let aside = path.with_file_name(format!("index.damaged-{seconds}"));
        std::fs::rename(path, &aside).map_err(|source| ArchiveError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut index = Self::open_as_is(path, facet_entries, writer_size)?;
        index.reset = Some(format!(
            "{damage}; it was moved to {} (delete it when done) and is rebuilt from the catalogue",
            aside.display()
        ));
        Ok(index)
    }

    /// Why the index was started afresh when it was opened, if it was.
    pub(crate) fn reset(&self) -> Option<&str> {
        self.reset.as_deref()
    }

    fn open_as_is(path: &Path, facet_entries: usize, writer_size: WriterSize) -> Result<Self> {
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
        register_analyzers(&index);
        // Search the segments in parallel: a query that matches most documents (and counts
        // facets over all of them) is bound by CPU, and there is one thread per core to use.
        index
            .set_default_multithread_executor()
            .map_err(err(path))?;
        // Read before the reader opens: if anything, it shows more than this says, never less.
        let visible = Mutex::new(Self::committed_state(&index));
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
            reset: None,
            facet_cache: FacetCache::with_capacity(facet_entries),
            writer_size,
            visible,
        })
    }

    /// The state of the commit that searches see.
    pub(crate) fn state(&self) -> IndexState {
        self.visible
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The state the last commit on disk records.
    fn committed_state(index: &Index) -> IndexState {
        index
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
                let WriterSize {
                    threads,
                    budget_per_thread,
                } = self.writer_size;
                let writer = self
                    .index
                    .writer_with_num_threads(threads, threads * budget_per_thread)
                    .map_err(err(&self.path))?;
                guard.insert(writer)
            }
        };
        f(writer)
    }

    /// Waits until the writer's merges are done, then lets the writer go (the next write makes
    /// another). A writer dropped with merges under way abandons them, leaving segments the
    /// merge policy had set out to merge (docs/benchmarks.md, "Rebuilds commit less and wait for
    /// their merges").
    pub(crate) fn finish_merges(&self) -> Result<()> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(writer) = guard.take() {
            writer.wait_merging_threads().map_err(err(&self.path))?;
            // Searches move to the merged segments (the reader reloads only when told).
            self.reader.reload().map_err(err(&self.path))?;
        }
        Ok(())
    }

    fn commit(&self, writer: &mut IndexWriter, state: IndexState) -> Result<()> {
        let payload = serde_json::to_string(&state).unwrap_or_default();
        let mut prepared = writer.prepare_commit().map_err(err(&self.path))?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(err(&self.path))?;
        // `ready` reads the state: searches must see the documents it counts before anyone can
        // read it, so the reader moves on first (under the writer's lock), then the state.
        self.reader.reload().map_err(err(&self.path))?;
        *self.visible.lock().unwrap_or_else(|p| p.into_inner()) = state;
        Ok(())
    }

    fn document(
        &self,
        record: &DocumentRecord,
        text: Option<&DocumentText>,
        tables: Tables,
    ) -> TantivyDocument {
        let types = tables.doc_types;
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
        // One field per form, metadata written twice before the text: a word of the title, the
        // owner's name or the issuer counts double, so metadata matches rank above mentions in
        // the text (BM25F by repetition) while a word is still one posting list, not a union of
        // one per part. At a million documents a union per word was most of a common word's
        // cost (docs/benchmarks.md).
        let meta = meta.join("\n");
        let all = format!("{meta}\n{meta}\n{body}");
        let folded = schemas::fold(&all);
        let mut doc = doc!(
            f.id => record.id.as_str(),
            f.owner => m.owner_id.as_str(),
            f.codes => m.owner_id.as_str(),
            f.doc_type => m.doc_type.as_str(),
            f.issued => issued,
            f.year => issued / 10_000,
            f.valid_until => valid_until,
            f.active => u64::from(record.lifecycle == Lifecycle::Active),
            f.signed => record.signed_status().map_or("none", |s| s.as_str()),
            f.exact => schemas::canonical_tones(&all),
        );
        doc.add_text(f.pairs, &folded);
        doc.add_text(f.folded, folded);
        if let Some(issuer) = &m.issuer {
            doc.add_text(f.issuer, issuer);
            doc.add_text(f.issuer_words, schemas::fold(issuer));
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
        let of_issuer: Vec<schemas::RecognizedPlace> = record
            .places
            .iter()
            .filter(|p| p.source == schemas::places::PlaceSource::Issuer)
            .cloned()
            .collect();
        if !of_issuer.is_empty() {
            for term in tables.gazetteer.index_terms(&of_issuer).terms {
                doc.add_text(f.issuer_places, term);
            }
        }
        let places = tables.gazetteer.index_terms(&record.places);
        for term in &places.terms {
            doc.add_text(f.places, term);
        }
        if let Some(province) = &places.province {
            doc.add_text(f.province, province);
        }
        if let Some(commune) = &places.commune {
            doc.add_text(f.commune, commune);
        }
        doc
    }

    /// Ids of the given records that the index does not hold (for `verify`).
    pub(crate) fn missing<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Result<Vec<String>> {
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

    /// The words (in this order when more than one) in a field.
    fn words_in(field: Field, words: &[String], form: fn(&str) -> String) -> Box<dyn Query> {
        let mut terms: Vec<Term> = words
            .iter()
            .map(|w| Term::from_field_text(field, &form(w)))
            .collect();
        match terms.len() {
            1 => Box::new(TermQuery::new(
                terms.remove(0),
                IndexRecordOption::WithFreqs,
            )),
            _ => Box::new(PhraseQuery::new(terms)),
        }
    }

    /// The words in their folded form (in this order when more than one). Two words are their
    /// pair's term: no positions read, and block-max pruning applies. Three or more are the
    /// phrase over the folded words, since a document may hold each of its pairs apart. Their
    /// pairs' terms added as filters were measured slower (29.6 -> 37.5 ms p50 at a million on
    /// "quyền sử dụng đất": the positions were read as often); what ranks such a phrase through
    /// its pairs is a pass of its own ([`SearchIndex::pairs_first`]).
    fn folded_words(&self, words: &[String]) -> Box<dyn Query> {
        if let [first, second] = words {
            return self.pair_term(first, second);
        }
        Self::words_in(self.fields.folded, words, schemas::fold)
    }

    /// The term of two adjacent words in the pairs field.
    fn pair_term(&self, first: &str, second: &str) -> Box<dyn Query> {
        let pair = pairs::pair(&schemas::fold(first), &schemas::fold(second));
        let term = Term::from_field_text(self.fields.pairs, &pair);
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
    }

    /// Words match in their folded form. A single word typed with diacritics also scores its
    /// exact (tone-canonical) form, so that "Hòa" ranks Hòa above Hoa; a phrase's exact form is
    /// scored in the second pass ([`Self::second_pass`]), since whole phrases rarely collide.
    fn text_query(&self, searcher: &Searcher, words: &[String], negated: bool) -> Box<dyn Query> {
        let f = self.fields;
        let folded = self.folded_words(words);
        let [word] = words else {
            return folded;
        };
        if negated || !self.exact_tells_apart(searcher, word) {
            return folded;
        }
        let exact = Self::words_in(f.exact, words, schemas::canonical_tones);
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, folded),
            (Occur::Should, Box::new(BoostQuery::new(exact, EXACT_BOOST))),
        ]))
    }

    /// Whether scoring the word's exact form can change the order: not when it was typed
    /// without diacritics (its exact form is its folded form), nor when nearly every document
    /// with the folded form has the exact one (then the boost is the same for nearly all
    /// matches, and it would cost a second walk of a list as long as the first: "ủy" in
    /// every document of a province).
    fn exact_tells_apart(&self, searcher: &Searcher, word: &str) -> bool {
        let exact = schemas::canonical_tones(word);
        let folded = schemas::fold(word);
        if exact == folded {
            return false;
        }
        let frequency = |field: Field, text: &str| {
            searcher
                .doc_freq(&Term::from_field_text(field, text))
                .unwrap_or(0)
        };
        let with_folded = frequency(self.fields.folded, &folded);
        let with_exact = frequency(self.fields.exact, &exact);
        (with_exact as f64) < EXACT_SAME_SHARE * with_folded as f64
    }

    fn prefix_query(&self, prefix: &str) -> Box<dyn Query> {
        let pattern = format!("{}.*", regex_escape(prefix));
        match RegexQuery::from_pattern(&pattern, self.fields.folded) {
            Ok(q) => Box::new(q),
            // The prefix is escaped, so this is not expected; match nothing rather than fail.
            Err(_) => Box::new(BooleanQuery::new(Vec::new())),
        }
    }

    /// A place of the query: its codes in each tier, each with a constant score by tier, or its
    /// name as a phrase in the folded text.
    fn place_query(&self, place: &PlaceClause, with_words: bool) -> Box<dyn Query> {
        self.place_query_in(self.fields.places, place, with_words)
    }

    fn place_query_in(
        &self,
        field: Field,
        place: &PlaceClause,
        with_words: bool,
    ) -> Box<dyn Query> {
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for code in &place.codes {
            for (tier, score) in TIER_SCORES {
                let term = Term::from_field_text(field, &tier.term(code));
                let q = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                should.push((Occur::Should, Box::new(ConstScoreQuery::new(q, score))));
            }
        }
        if with_words && !place.words.is_empty() {
            let words = self.folded_words(&place.words);
            should.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(words, PLACE_WORDS_SCORE)),
            ));
        }
        Box::new(BooleanQuery::new(should))
    }

    /// A term of the domain vocabulary: documents of its types (the paper itself), or its
    /// phrases in the folded text (a paper that mentions it), each a constant score.
    fn term_query(&self, term: &TermClause) -> Box<dyn Query> {
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for key in &term.doc_types {
            let t = Term::from_field_text(self.fields.doc_type, key);
            let q = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
            should.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(q, TERM_TYPE_SCORE)),
            ));
        }
        for phrase in &term.phrases {
            let q = self.folded_words(phrase);
            should.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(q, PLACE_WORDS_SCORE)),
            ));
        }
        Box::new(BooleanQuery::new(should))
    }

    /// The `issuer` filter: every word of it (folded, any order) in the issuer's name, or, when
    /// it reads as a place, an issuer of that place or of the units it became or came from.
    /// Adds nothing to the score.
    fn issuer_filter(&self, issuer: &str, place: Option<&PlaceClause>) -> Box<dyn Query> {
        let words: Vec<(Occur, Box<dyn Query>)> = super::query::tokens(&schemas::fold(issuer))
            .into_iter()
            .map(|w| {
                let t = Term::from_field_text(self.fields.issuer_words, &w);
                (
                    Occur::Must,
                    Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
                )
            })
            .collect();
        let mut either: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, Box::new(BooleanQuery::new(words)))];
        if let Some(place) = place {
            either.push((
                Occur::Should,
                self.place_query_in(self.fields.issuer_places, place, false),
            ));
        }
        Box::new(BoostQuery::new(Box::new(BooleanQuery::new(either)), 0.0))
    }

    fn build(
        &self,
        searcher: &Searcher,
        req: &SearchRequest,
        query: &IndexQuery,
        today: schemas::Date,
        phrases: Phrases,
    ) -> Box<dyn Query> {
        let f = self.fields;
        let parsed = query.parsed;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for place in query.places {
            must.push((Occur::Must, self.place_query(place, true)));
        }
        for term in query.terms {
            must.push((Occur::Must, self.term_query(term)));
        }
        for clause in &parsed.clauses {
            let q = match &clause.kind {
                // Each pair its own clause of the conjunction: a pure intersection of term
                // lists, which tantivy's top-k walks with block-max pruning.
                ClauseKind::Words(words)
                    if phrases == Phrases::Pairs && !clause.negated && words.len() >= 3 =>
                {
                    for pair in words.windows(2) {
                        if let [first, second] = pair {
                            must.push((Occur::Must, self.pair_term(first, second)));
                        }
                    }
                    continue;
                }
                ClauseKind::Words(words) => self.text_query(searcher, words, clause.negated),
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
        let mut filters: Vec<(Occur, Box<dyn Query>)> = if let Some(id) = &parsed.identifier {
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
            vec![(Occur::Must, Box::new(BooleanQuery::new(should)))]
        } else if must.is_empty() {
            vec![(Occur::Must, Box::new(AllQuery))]
        } else {
            if must.iter().all(|(o, _)| *o == Occur::MustNot) {
                must.push((Occur::Must, Box::new(AllQuery)));
            }
            // The words' clauses and the filters in one conjunction, not one nested in the
            // other: plain words are then a pure intersection of term lists (one list when
            // alone, below), which tantivy's top-k walks with block-max pruning.
            must
        };
        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(owner) = &req.owner {
            filters.push((Occur::Must, term(f.owner, owner)));
        }
        if !req.owners_among.is_empty() {
            let any: Vec<(Occur, Box<dyn Query>)> = req
                .owners_among
                .iter()
                .map(|owner| (Occur::Should, term(f.owner, owner)))
                .collect();
            filters.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(doc_type) = &req.doc_type {
            filters.push((Occur::Must, term(f.doc_type, doc_type)));
        }
        if let Some(issuer) = &req.issuer {
            filters.push((Occur::Must, self.issuer_filter(issuer, query.issuer_place)));
        }
        if let Some(signed) = req.signed {
            filters.push((Occur::Must, term(f.signed, signed.as_str())));
        }
        if let Some(place) = query.place_filter {
            // A filter: in any tier, adding nothing to the score.
            let q = self.place_query(place, false);
            filters.push((Occur::Must, Box::new(BoostQuery::new(q, 0.0))));
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
        if let [(Occur::Must, _)] = filters.as_slice() {
            if let Some((_, only)) = filters.pop() {
                return only;
            }
        }
        Box::new(BooleanQuery::new(filters))
    }

    pub(crate) fn search(
        &self,
        req: &SearchRequest,
        expanded: &IndexQuery,
        today: schemas::Date,
    ) -> Result<IndexHits> {
        let parsed = expanded.parsed;
        let searcher = self.reader.searcher();
        let query = self.build(&searcher, req, expanded, today, Phrases::Positions);
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
        // Facets and the total from the cache when this search was counted in this generation
        // of the index; then only the top hits are ranked (block-max pruning, no facet walk).
        let generation = searcher.generation().generation_id();
        let key = format!("{query:?}");
        let cached = self.facet_cache.get(generation, &key);
        let counted_now = |counted: FacetFruit| {
            self.facet_cache.put(generation, key.clone(), &counted);
            counted
        };
        let FacetFruit { total, facets } = match req.sort {
            SortOrder::Relevance => {
                // Pass 1 scores every match on its words alone and counts facets over all of
                // them; pass 2 checks word positions (the words as a phrase, a quoted phrase's
                // exact form) only in the best RERANK_WINDOW. Checking positions in every match
                // was most of the cost of a query that matches most documents (118 of 141 ms at
                // a million). Facets are counted in the same walk: a second walk without scores
                // (so that the top-k one could skip blocks) measured slower (docs/benchmarks.md).
                // Without a second pass (one word, an ID) the page is all there is to rank.
                let second = self.second_pass(parsed);
                let window = if second.is_empty() {
                    req.offset + limit
                } else {
                    (req.offset + limit).max(RERANK_WINDOW)
                };
                let best = TopDocs::with_limit(window).order_by_score();
                // A phrase of three words or more is ranked through its pairs whether or not
                // its counts are kept, so that every page of a search ranks the same way.
                let by_pairs = has_long_phrase(parsed)
                    .then(|| self.build(&searcher, req, expanded, today, Phrases::Pairs));
                let (top, counted) = match (by_pairs, cached) {
                    (Some(by_pairs), cached) => {
                        let counted = match cached {
                            Some(counted) => counted,
                            None => counted_now(
                                searcher
                                    .search(&query, &FacetCollector)
                                    .map_err(err(&self.path))?,
                            ),
                        };
                        let top = self
                            .pairs_first(&searcher, query.as_ref(), by_pairs.as_ref(), window)
                            .map_err(err(&self.path))?;
                        (top, counted)
                    }
                    (None, Some(counted)) => (
                        searcher.search(&query, &best).map_err(err(&self.path))?,
                        counted,
                    ),
                    (None, None) => {
                        let (top, counted) = searcher
                            .search(&query, &(best, FacetCollector))
                            .map_err(err(&self.path))?;
                        (top, counted_now(counted))
                    }
                };
                let second =
                    second_pass_scores(&searcher, &second, &top).map_err(err(&self.path))?;
                for ((score, address), extra) in top.into_iter().zip(second) {
                    if let Some(id) = id_of(address)? {
                        hits.push((id, score + extra));
                    }
                }
                hits.sort_by(|a, b| b.1.total_cmp(&a.1));
                hits = hits.into_iter().skip(req.offset).take(limit).collect();
                counted
            }
            SortOrder::IssuedDesc => {
                let newest = TopDocs::with_limit(limit)
                    .and_offset(req.offset)
                    .order_by_u64_field("issued", Order::Desc);
                let (top, counted) = match cached {
                    Some(counted) => (
                        searcher.search(&query, &newest).map_err(err(&self.path))?,
                        counted,
                    ),
                    None => {
                        let (top, counted) = searcher
                            .search(&query, &(newest, FacetCollector))
                            .map_err(err(&self.path))?;
                        (top, counted_now(counted))
                    }
                };
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

#[cfg(test)]
mod tests {
    use super::{schema, IndexState, SearchIndex};
    use tantivy::{Index, TantivyDocument};

    /// `ready` and `verify` read the state: it must never say the index holds what searches do
    /// not see yet. A commit made behind the reader's back (as a commit is on disk a moment
    /// before the reader reloads) does not move it; the index's own commit moves both.
    #[test]
    fn the_state_is_what_searches_see_not_what_the_disk_says() {
        let dir = tempfile::tempdir().unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        {
            let behind = Index::open_in_dir(dir.path()).unwrap();
            super::register_analyzers(&behind);
            let mut writer = behind.writer_with_num_threads(1, 15_000_000).unwrap();
            let (_, fields) = schema();
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.id, "01TESTRECORD");
            writer.add_document(doc).unwrap();
            let mut prepared = writer.prepare_commit().unwrap();
            prepared.set_payload(r#"{"seq":5}"#);
            prepared.commit().unwrap();
        }
        assert_eq!(SearchIndex::committed_state(&index.index).seq, 5);
        assert_eq!(index.state(), IndexState::default());
        assert_eq!(index.reader.searcher().num_docs(), 0);

        let moved = IndexState {
            seq: 5,
            rebuilding: false,
            scan: None,
        };
        index
            .with_writer(|writer| index.commit(writer, moved.clone()))
            .unwrap();
        assert_eq!(index.state(), moved);
        assert_eq!(index.reader.searcher().num_docs(), 1);
        // Opened again, it starts from what the disk says.
        drop(index);
        assert_eq!(SearchIndex::open(dir.path()).unwrap().state(), moved);
    }

    /// An index that says it holds changes the catalogue does not have (the catalogue lost
    /// them) starts afresh: the catalogue's next records reuse those numbers.
    #[test]
    fn an_index_ahead_of_the_catalogue_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = SearchIndex::open(dir.path()).unwrap();
        let (_, fields) = schema();
        let held = IndexState {
            seq: 9,
            rebuilding: false,
            scan: None,
        };
        index
            .with_writer(|writer| {
                let mut doc = TantivyDocument::default();
                doc.add_text(fields.id, "01TESTRECORD");
                writer.add_document(doc).unwrap();
                index.commit(writer, held.clone())
            })
            .unwrap();
        index.restart_if_ahead_of(9).unwrap();
        assert_eq!((index.state(), index.reset()), (held, None));

        index.restart_if_ahead_of(7).unwrap();
        let rebuilding = IndexState {
            seq: 0,
            rebuilding: true,
            scan: None,
        };
        assert_eq!(index.state(), rebuilding);
        assert_eq!(index.reader.searcher().num_docs(), 0);
        let why = index.reset().unwrap();
        assert!(
            why.contains("up to number 9") && why.contains("last is 7"),
            "{why}"
        );
    }
}
