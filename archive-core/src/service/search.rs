//! The search on someone's behalf: who may search, over whose documents, how many hits a page
//! holds (all [`schemas::policy`]), and what the answer told, in the ledger before it leaves.
//!
//! What a search tells about an owner is recorded in that owner's ledger:
//! - each hit shown is a read of that document (`read_metadata`, "search result");
//! - a search *scoped to one owner* (the `owner` filter, a citizen's own search, or a query that
//!   is an owner's ID typed alone) also tells how many of their documents match and their
//!   types, issuers and years: one `search` event for that owner, whatever the page holds
//!   ("searched: 14 documents matched, none shown"), even when nothing matched.
//!
//! An unscoped search's total and facets count documents of many owners and describe none of
//! them alone; recording them for every owner matched would write thousands of events per
//! search. ARCHITECTURE.md ("Decisions") says what this leaves open.

use super::Aim;
use crate::search::{Facets, SearchRequest, SearchResults};
use crate::{Archive, Result};
use schemas::policy::{self, Act};
use schemas::{AccessReason, Action, Caller, DocumentRecord, NewEvent, OwnerId};

impl Archive {
    /// Searches for `caller`: words, phrases, prefixes, IDs and codes, with or without
    /// diacritics, filters, facet counts and snippets (see [`crate::search`]). A citizen's search
    /// covers their own documents whatever owner they ask for. Every hit returned, and the
    /// counts of a search scoped to one owner, are in the ledger before the results are.
    pub fn search(
        &self,
        caller: &Caller,
        request: &SearchRequest,
        reason: &AccessReason,
    ) -> Result<SearchResults> {
        let asked = request
            .owner
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty());
        let aim = asked.map_or(Aim::Nothing, Aim::Owner);
        self.check_reason_of(caller, reason, aim, "search")?;
        self.authorize_aimed(caller, Act::ReadDocuments, aim, "search")?;
        request.check_page(policy::search_page_limit(caller))?;
        let mut request = request.tidy();
        request.owner = policy::search_owner(caller, request.owner.take());
        let results = self.search_catalogue(&request, schemas::today())?;
        let shown: Vec<DocumentRecord> = results.hits.iter().map(|h| h.record.clone()).collect();
        let mut events = self.read_events(&shown, caller, reason, Some("search result"));
        if let Some(owner) = described_owner(&request) {
            let mut event = NewEvent::new(Action::Search, caller.actor());
            event.owner_id = Some(owner);
            event.detail = Some(search_summary(&results));
            reason.fill(&mut event);
            events.push(event);
        }
        self.log(&events)?;
        Ok(results)
    }
}

/// The one owner a search's counts and facets describe, if it is scoped to one: the `owner`
/// filter, else a query that is an owner's ID alone (its records come first and its counts
/// are mostly theirs).
fn described_owner(request: &SearchRequest) -> Option<String> {
    if let Some(owner) = &request.owner {
        return Some(owner.clone());
    }
    let query = request.query.trim();
    let digits = query.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    if !digits {
        return None;
    }
    OwnerId::parse(query).ok().map(|id| id.to_string())
}

/// "searched: 14 documents matched, 2 shown; facets: 3 types, 2 issuers, 4 years, 1 province,
/// 2 communes".
fn search_summary(results: &SearchResults) -> String {
    let shown = match results.hits.len() {
        0 => "none shown".to_string(),
        n => format!("{n} shown"),
    };
    let Facets {
        doc_type,
        issuer,
        year,
        province,
        commune,
    } = &results.facets;
    format!(
        "searched: {} documents matched, {shown}; facets: {} types, {} issuers, {} years, \
         {} provinces, {} communes",
        results.total,
        doc_type.len(),
        issuer.len(),
        year.len(),
        province.len(),
        commune.len()
    )
}
