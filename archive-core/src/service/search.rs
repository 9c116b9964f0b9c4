//! The search on someone's behalf: who may search, over whose documents, how many hits a page
//! holds (all [`schemas::policy`]), and what the answer told, in the ledger before it leaves.
//!
//! What a search tells about an owner is recorded in that owner's ledger:
//! - each hit shown is a read of that document (`read_metadata`, "search result");
//! - a search *scoped to one owner* (the `owner` filter, a citizen's own search, or a query that
//!   is an owner's ID typed alone) also tells how many of their documents match and their
//!   types, issuers and years: one `search` event for that owner, whatever the page holds
//!   ("searched: 14 documents matched, none shown"), even when nothing matched;
//! - a clerk's search for a registered dossier of several applicants counts only their
//!   documents: one `search` event for each applicant, as for a single applicant.
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
        // An ID typed in groups or in full-width digits is read as the ID (schemas::ids::typed).
        let asked = request
            .owner
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(|o| schemas::ids::compact_id(o).unwrap_or_else(|| o.to_string()));
        // What the request says of itself first: a malformed owner ID is a typo answered as
        // such, never an attempt on someone's papers checked against the dossier (review F20).
        request
            .check(policy::search_page_limit(caller), self.doc_types())
            .map_err(crate::ArchiveError::fields)?;
        let aim = asked.as_deref().map_or(Aim::Nothing, Aim::Owner);
        let dossier = self.check_reason_of(caller, reason, aim, "search")?;
        self.authorize_aimed(caller, Act::ReadDocuments, aim, "search")?;
        let mut request = request.tidy();
        request.query = schemas::ids::with_typed_ids(&request.query);
        request.owner = policy::search_owner(caller, asked.clone());
        if let Some(dossier) = &dossier {
            // An ID typed among the words is an owner asked for, as `owner=` is: one the
            // dossier does not name is refused and the attempt is in their ledger (the search
            // would find nothing of theirs, and saying "0 documents" would hide the attempt).
            for typed in owner_ids_in(&request.query) {
                if !dossier.has_applicant(&typed) {
                    self.check_dossier_reaches(
                        caller,
                        reason,
                        Some(dossier),
                        &typed,
                        false,
                        Aim::Owner(&typed),
                        "search",
                    )?;
                }
            }
            // A clerk's search for a registered dossier covers its applicants' documents.
            match &request.owner {
                Some(owner) => self.check_dossier_reaches(
                    caller,
                    reason,
                    Some(dossier),
                    owner,
                    false,
                    aim,
                    "search",
                )?,
                None if dossier.applicants.len() == 1 => {
                    request.owner = dossier.applicants.first().cloned()
                }
                None => request.owners_among = dossier.applicants.clone(),
            }
        }
        let results = self.search_catalogue(&request, schemas::today())?;
        let shown: Vec<DocumentRecord> = results.hits.iter().map(|h| h.record.clone()).collect();
        let mut events = self.read_events(&shown, caller, reason, Some("search result"));
        for owner in described_owners(&request) {
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

/// The owners a search's counts and facets describe: the `owner` filter, else the applicants
/// of a clerk's registered dossier the search is filtered to (its counts are theirs only),
/// else every owner whose ID is a word of the query, however it is written (alone, quoted, `+ID`, `ID*`, beside
/// other words or an exclusion): an ID's records come first and the counts are mostly theirs.
/// An unscoped search of words describes no one owner (docs/api.md, "The ledger").
fn described_owners(request: &SearchRequest) -> Vec<String> {
    if let Some(owner) = &request.owner {
        return vec![owner.clone()];
    }
    if !request.owners_among.is_empty() {
        let mut owners = request.owners_among.clone();
        owners.sort();
        owners.dedup();
        return owners;
    }
    owner_ids_in(&request.query)
}

/// Every owner ID written among the words of a query (alone, quoted, `+ID`, `ID*`, beside other
/// words or an exclusion), sorted, once each.
fn owner_ids_in(query: &str) -> Vec<String> {
    let mut owners: Vec<String> = query
        .split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .map(|word| word.trim_matches('-'))
        .filter(|word| word.len() >= 9)
        .filter_map(|word| OwnerId::parse(word).ok())
        .map(|id| id.to_string())
        .collect();
    owners.sort();
    owners.dedup();
    owners
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

#[cfg(test)]
mod tests {
    use super::described_owners;
    use crate::search::SearchRequest;

    fn owners_of(query: &str) -> Vec<String> {
        described_owners(&SearchRequest {
            query: query.into(),
            ..SearchRequest::default()
        })
    }

    #[test]
    fn an_id_however_written_describes_its_owner() {
        for query in [
            "049075001234",
            "\"049075001234\"",
            "049075001234*",
            "+049075001234",
            "049075001234 -zzzz",
            "049075001234 049075001234",
            "giấy khai sinh 049075001234",
        ] {
            assert_eq!(owners_of(query), vec!["049075001234"], "{query}");
        }
        assert!(owners_of("nguyen van duc").is_empty());
        assert!(owners_of("2020").is_empty());
    }
}
