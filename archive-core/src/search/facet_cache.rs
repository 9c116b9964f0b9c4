//! Facet counts (and the match count) cached per searcher generation.
//!
//! Counting facets walks every match without skipping: for a word in every document of a
//! province that is most of a search's time. The same search asked again (the next page, the
//! same clerk's query from another desk, a dashboard) gets the same counts as long as the index
//! has not changed, and tantivy says when it has: every commit the reader loads makes a new
//! searcher generation. Counts are kept only for the generation they were counted in; the
//! first search of a new generation clears them. So they are never stale, and with them known
//! the search only ranks the top hits, which tantivy's top-k does with block-max pruning.

use super::facets::FacetFruit;
use std::collections::HashMap;
use std::sync::Mutex;

/// Searches whose counts are kept, at most, per generation (a few kilobytes each: the buckets
/// kept are bounded, `facets.rs`). `KHO_FACET_CACHE_ENTRIES` overrides; 0 turns the cache off.
const ENTRIES: usize = 1024;
/// The most `KHO_FACET_CACHE_ENTRIES` may keep: a few GB at the most.
const MAX_ENTRIES: u64 = 1_000_000;

pub(super) struct FacetCache {
    capacity: usize,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    generation: u64,
    /// By the query as the index runs it (its `Debug` form: every clause, boost and bound,
    /// today's date in a validity filter included).
    counts: HashMap<String, FacetFruit>,
}

impl FacetCache {
    /// How many searches `KHO_FACET_CACHE_ENTRIES` asks to keep (an error if kho cannot use
    /// its value).
    pub(super) fn entries_from_settings() -> crate::Result<usize> {
        let said = crate::settings::whole_number(
            "KHO_FACET_CACHE_ENTRIES",
            0..=MAX_ENTRIES,
            "a whole number of searches from 0 (no cache) to 1000000",
        )?;
        Ok(said.map_or(ENTRIES, |n| n as usize))
    }

    pub(super) fn with_capacity(capacity: usize) -> FacetCache {
        FacetCache {
            capacity,
            kept: Mutex::new(Kept::default()),
        }
    }

    /// The counts of `query` counted in `generation`, if kept.
    pub(super) fn get(&self, generation: u64, query: &str) -> Option<FacetFruit> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if kept.generation != generation {
            return None;
        }
        kept.counts.get(query).cloned()
    }

    /// Keeps the counts of `query` counted in `generation`; counts of any other generation are
    /// dropped. When full, the kept counts are dropped all at once (simple, and bounded).
    pub(super) fn put(&self, generation: u64, query: String, counted: &FacetFruit) {
        if self.capacity == 0 {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if kept.generation != generation {
            // Only move forward: a search that began on an older searcher must not clear the
            // counts of the newer one.
            if generation < kept.generation {
                return;
            }
            kept.generation = generation;
            kept.counts.clear();
        }
        if kept.counts.len() >= self.capacity {
            kept.counts.clear();
        }
        kept.counts.insert(query, counted.clone());
    }

    /// How many searches' counts are kept (for tests).
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.kept
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .counts
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Facets;

    fn fruit(total: usize) -> FacetFruit {
        FacetFruit {
            total,
            facets: Facets::default(),
        }
    }

    #[test]
    fn counts_are_kept_for_their_generation_only() {
        let cache = FacetCache::with_capacity(ENTRIES);
        cache.put(1, "q".into(), &fruit(5));
        assert_eq!(cache.get(1, "q").map(|f| f.total), Some(5));
        assert!(cache.get(1, "other").is_none());
        // A commit made generation 2: the counts of 1 are not answered, and go on the next put.
        assert!(cache.get(2, "q").is_none());
        cache.put(2, "r".into(), &fruit(7));
        assert_eq!(cache.len(), 1);
        assert!(cache.get(1, "q").is_none());
        // A search that began on the older searcher does not bring its counts back.
        cache.put(1, "q".into(), &fruit(5));
        assert!(cache.get(1, "q").is_none());
        assert_eq!(cache.get(2, "r").map(|f| f.total), Some(7));
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = FacetCache {
            capacity: 3,
            kept: Mutex::new(Kept::default()),
        };
        for i in 0..10 {
            cache.put(1, format!("q{i}"), &fruit(i));
            assert!(cache.len() <= 3);
        }
        let off = FacetCache {
            capacity: 0,
            kept: Mutex::new(Kept::default()),
        };
        off.put(1, "q".into(), &fruit(1));
        assert!(off.get(1, "q").is_none());
    }
}
