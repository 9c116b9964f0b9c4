//! The search on someone's behalf: who may search, over whose documents, how many hits a page
//! holds (all [`schemas::policy`]), and every hit shown ledgered as a read ("search result").

use crate::search::{SearchRequest, SearchResults};
use crate::{Archive, Result};
use schemas::policy::{self, Act};
use schemas::{AccessReason, Caller, DocumentRecord};

impl Archive {
    /// Searches for `caller`: words, phrases, prefixes, IDs and codes, with or without
    /// diacritics, filters, facet counts and snippets (see [`crate::search`]). A citizen's search
    /// covers their own documents whatever owner they ask for. Each hit returned is in the
    /// ledger before the results are.
    pub fn search(
        &self,
        caller: &Caller,
        request: &SearchRequest,
        reason: &AccessReason,
    ) -> Result<SearchResults> {
        self.authorize(caller, Act::ReadDocuments, None, "search")?;
        policy::check_reason(caller, reason)?;
        request.check_page(policy::search_page_limit(caller))?;
        let mut request = request.tidy();
        request.owner = policy::search_owner(caller, request.owner.take());
        let results = self.search_catalogue(&request, schemas::today())?;
        let shown: Vec<DocumentRecord> = results.hits.iter().map(|h| h.record.clone()).collect();
        self.log_reads(&shown, caller, reason, Some("search result"))?;
        Ok(results)
    }
}
