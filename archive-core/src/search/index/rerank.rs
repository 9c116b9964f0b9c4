//! The passes of a relevance search after the query's own walk, or in place of its ranking part.
//!
//! - The second pass ([`SearchIndex::second_pass`]): what is checked only in the best matches of
//!   the first, because checking it in every match costs word positions in every match.
//! - The pairs-first pass ([`SearchIndex::pairs_first`]): a phrase of three words or more ranks
//!   its candidates by its word pairs' terms (no positions, block-max pruning), then scores each
//!   candidate by the query itself, phrase and all. Positions are read in a few hundred
//!   documents, not in every document holding the phrase (76,927 at a million for "quyền sử
//!   dụng đất", where reading them was three quarters of the search; docs/benchmarks.md,
//!   "Phrases ranked through their pairs first").
//!
//! Both move a query's scorer to given documents ([`matching_scores`]) rather than walk it.

use super::{SearchIndex, EXACT_BOOST, PHRASE_BOOST};
use crate::search::query::{ClauseKind, ParsedQuery};
use tantivy::collector::TopDocs;
use tantivy::query::{BoostQuery, EnableScoring, Query, Scorer};
use tantivy::{DocAddress, DocSet, Searcher};

/// Candidates the pairs-first pass takes for each document it must rank. Most documents that hold
/// a phrase's pairs hold the phrase; the others (the pairs apart) are dropped when scored, and
/// when they leave too few, the phrase is ranked by its positions after all.
const CANDIDATES_PER_HIT: usize = 4;

/// How a phrase of three or more words is asked of the index.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Phrases {
    /// Its words at consecutive positions: what it means.
    Positions,
    /// Its adjacent pairs, each a term of the pairs field, in any place: every document with
    /// the phrase and a few without, ranked without reading positions. Only for finding
    /// candidates: never to count, never to exclude (a negated phrase keeps its positions).
    Pairs,
}

/// Whether the query holds a phrase of three or more words that must be present, the case the
/// pairs-first pass is for (two words are one pair's term already).
pub(super) fn has_long_phrase(parsed: &ParsedQuery) -> bool {
    parsed
        .clauses
        .iter()
        .any(|c| !c.negated && matches!(&c.kind, ClauseKind::Words(w) if w.len() >= 3))
}

/// The score `query` gives each document of `top`, `None` where it does not match: its scorer
/// moved to each of them in turn, segment by segment in document order. A filter on their ids
/// instead built a set of a hundred ids and walked the id dictionary with it on every search, a
/// tenth of the server's time under search load (docs/benchmarks.md, "sled's zstd contexts").
pub(super) fn matching_scores(
    searcher: &Searcher,
    query: &dyn Query,
    top: &[(f32, DocAddress)],
) -> tantivy::Result<Vec<Option<f32>>> {
    let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut order: Vec<usize> = (0..top.len()).collect();
    order.sort_by_key(|&i| top[i].1);
    let mut scores = vec![None; top.len()];
    let mut current: Option<(u32, Box<dyn Scorer>)> = None;
    for i in order {
        let address = top[i].1;
        let scorer = match &mut current {
            Some((segment, scorer)) if *segment == address.segment_ord => scorer,
            _ => {
                let segment = searcher.segment_reader(address.segment_ord);
                &mut current
                    .insert((address.segment_ord, weight.scorer(segment, 1.0)?))
                    .1
            }
        };
        let mut doc = scorer.doc();
        if doc < address.doc_id {
            doc = scorer.seek(address.doc_id);
        }
        if doc == address.doc_id {
            scores[i] = Some(scorer.score());
        }
    }
    Ok(scores)
}

/// What the second pass's queries add to each document of `top`: the sum of the scores of
/// those that match it.
pub(super) fn second_pass_scores(
    searcher: &Searcher,
    queries: &[Box<dyn Query>],
    top: &[(f32, DocAddress)],
) -> tantivy::Result<Vec<f32>> {
    let mut added = vec![0.0; top.len()];
    for query in queries {
        let scores = matching_scores(searcher, query.as_ref(), top)?;
        for (sum, score) in added.iter_mut().zip(scores) {
            *sum += score.unwrap_or(0.0);
        }
    }
    Ok(added)
}

impl SearchIndex {
    /// What the second pass adds to the best matches of the first: the query's plain words as
    /// one phrase (documents where they stand together rank above those where they are
    /// scattered; for two words or more), and the exact form of each quoted phrase typed with
    /// diacritics. Each is scored on its own and the scores added ([`second_pass_scores`]): the
    /// union of them as one query moved its scorer through every match in a window of 4,096
    /// documents around each hit, reading their positions (6.2 of the 10 ms of "quyền sử dụng
    /// đất" at a million).
    pub(super) fn second_pass(&self, parsed: &ParsedQuery) -> Vec<Box<dyn Query>> {
        if parsed.identifier.is_some() {
            return Vec::new();
        }
        let f = self.fields;
        let wanted = || {
            parsed
                .clauses
                .iter()
                .filter(|c| !c.negated)
                .filter_map(|c| match &c.kind {
                    ClauseKind::Words(w) => Some(w),
                    ClauseKind::Prefix(_) => None,
                })
        };
        let mut queries: Vec<Box<dyn Query>> = Vec::new();
        let words: Vec<String> = wanted().flatten().cloned().collect();
        if words.len() >= 2 {
            let phrase = self.folded_words(&words);
            queries.push(Box::new(BoostQuery::new(phrase, PHRASE_BOOST)));
        }
        for phrase in wanted().filter(|w| w.len() >= 2) {
            let typed_plain = phrase
                .iter()
                .all(|w| schemas::canonical_tones(w) == schemas::fold(w));
            if !typed_plain {
                let exact = Self::words_in(f.exact, phrase, schemas::canonical_tones);
                queries.push(Box::new(BoostQuery::new(exact, EXACT_BOOST)));
            }
        }
        queries
    }

    /// The best `window` matches of `query`, found through `by_pairs` (the same query with its
    /// long phrases as their pairs, [`Phrases::Pairs`]): its best candidates, each scored by
    /// `query`, those it does not match dropped, ranked by that score. When fewer than
    /// `window` candidates hold the phrase while more were left out, `query` itself is walked:
    /// pairs that stand apart in many documents (a phrase whose words are common apart) cannot
    /// crowd the phrase out.
    ///
    /// Documents of equal score keep the candidates' order (the pairs' score, then address),
    /// not the address alone: a deeper page takes more candidates, and those it adds come
    /// after every earlier one of the same score, so each page's ranking starts with the one a
    /// shallower page showed. (By address, the added candidates' lower addresses came first:
    /// page 6 showed documents of pages 1-5 again.) What can differ from walking `query` is
    /// which documents of equal score are shown, and a document outside the candidates that
    /// would score higher than one inside: its pairs would then score lower while its phrase
    /// scored higher, which pairs each at least as frequent as the phrase rarely allow.
    pub(super) fn pairs_first(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        by_pairs: &dyn Query,
        window: usize,
    ) -> tantivy::Result<Vec<(f32, DocAddress)>> {
        let wanted = window.saturating_mul(CANDIDATES_PER_HIT);
        let candidates =
            searcher.search(by_pairs, &TopDocs::with_limit(wanted).order_by_score())?;
        let scores = matching_scores(searcher, query, &candidates)?;
        let mut ranked: Vec<(f32, DocAddress)> = candidates
            .iter()
            .zip(scores)
            .filter_map(|(&(_, address), score)| score.map(|s| (s, address)))
            .collect();
        if ranked.len() < window && candidates.len() == wanted {
            return searcher.search(query, &TopDocs::with_limit(window).order_by_score());
        }
        // Stable: equal scores stay in the candidates' order.
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.truncate(window);
        Ok(ranked)
    }
}
