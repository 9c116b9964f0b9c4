//! Query expansion: the step between what a clerk types and what the index runs. Places are
//! taken out of the words and looked up as units in both eras (schemas::places); what they
//! reached is reported with the answer. The second step, the domain vocabulary
//! ([`super::vocabulary`]), takes the words this one left and gives clauses of its own.

use super::index::{IndexQuery, PlaceClause};
use super::query::{tokens, ParsedQuery};
use super::vocabulary::TermClause;
use super::{PlaceExpansion, PlaceInclude, PlaceRef, SearchRequest};
use crate::{ArchiveError, Result};
use schemas::messages::{self as m, Lang, Message};
use schemas::places::{Expansion, UnitId};
use schemas::Gazetteer;

/// Candidates listed for an ambiguous name, at most.
const MAX_CANDIDATES: usize = 10;

/// A request after expansion.
pub(crate) struct Expanded {
    /// The query without the places (blanked, so that offsets elsewhere still hold).
    pub rest: String,
    pub places: Vec<PlaceClause>,
    pub place_filter: Option<PlaceClause>,
    /// The `issuer` filter read as a place, when it is one.
    pub issuer_place: Option<PlaceClause>,
    pub shown: Vec<PlaceExpansion>,
}

impl Expanded {
    /// The query the index runs: the clauses `rest` parsed to, the places, the terms of the
    /// vocabulary (the second step), the filter.
    pub(crate) fn index_query<'a>(
        &'a self,
        rest: &'a ParsedQuery,
        terms: &'a [TermClause],
    ) -> IndexQuery<'a> {
        IndexQuery {
            parsed: rest,
            places: &self.places,
            terms,
            place_filter: self.place_filter.as_ref(),
            issuer_place: self.issuer_place.as_ref(),
        }
    }
}

fn unit_ref(g: &Gazetteer, id: UnitId) -> PlaceRef {
    let u = g.unit(id);
    PlaceRef {
        code: u.code.clone(),
        name: g.full_name(id),
        era: u.era,
    }
}

fn shown(
    g: &Gazetteer,
    typed: &str,
    from: &'static str,
    units: &[UnitId],
    expansions: &[Expansion],
) -> PlaceExpansion {
    let mut includes: Vec<PlaceInclude> = Vec::new();
    let mut notes = Vec::new();
    for e in expansions {
        for (u, tier) in &e.includes {
            if !includes.iter().any(|i| i.unit.code == g.unit(*u).code) {
                includes.push(PlaceInclude {
                    unit: unit_ref(g, *u),
                    succession: *tier,
                });
            }
        }
        notes.extend(g.expansion_note(e));
    }
    PlaceExpansion {
        typed: typed.to_string(),
        from,
        units: units.iter().map(|u| unit_ref(g, *u)).collect(),
        includes,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
        ambiguous: false,
        candidates: Vec::new(),
    }
}

fn clause(g: &Gazetteer, units: &[UnitId], name: &str) -> PlaceClause {
    PlaceClause {
        codes: units.iter().map(|u| g.unit(*u).code.clone()).collect(),
        words: tokens(name),
    }
}

pub(crate) fn expand(g: &Gazetteer, req: &SearchRequest) -> Result<Expanded> {
    let query = schemas::nfc(&req.query);
    let found = g.find_in_query(&query);
    let mut rest = query.clone();
    let mut out = Expanded {
        rest: String::new(),
        places: Vec::new(),
        place_filter: None,
        issuer_place: None,
        shown: Vec::new(),
    };
    for place in &found.places {
        for span in &place.spans {
            rest.replace_range(span.clone(), &" ".repeat(span.len()));
        }
        out.places.push(clause(g, &place.units, &place.name));
        out.shown.push(shown(
            g,
            &place.typed,
            "query",
            &place.units,
            &place.expansions,
        ));
    }
    for ambiguous in &found.ambiguous {
        let provinces: std::collections::BTreeSet<UnitId> = ambiguous
            .candidates
            .iter()
            .map(|u| g.province_of(*u))
            .collect();
        out.shown.push(PlaceExpansion {
            typed: ambiguous.typed.clone(),
            from: "query",
            units: Vec::new(),
            includes: Vec::new(),
            // Shown on the (Vietnamese) results page and in the API's `places`.
            note: Some(
                Message::new(&m::PLACE_QUERY_AMBIGUOUS)
                    .with("typed", &ambiguous.typed)
                    .with("count", ambiguous.candidates.len())
                    .with("provinces", provinces.len())
                    .render(Lang::Vi),
            ),
            ambiguous: true,
            candidates: ambiguous
                .candidates
                .iter()
                .take(MAX_CANDIDATES)
                .map(|u| unit_ref(g, *u))
                .collect(),
        });
    }
    if let Some(name) = req
        .place
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        match g.resolve_name(name) {
            Ok(place) => {
                out.place_filter = Some(clause(g, &place.units, &place.name));
                out.shown
                    .push(shown(g, name, "filter", &place.units, &place.expansions));
            }
            Err(candidates) if candidates.is_empty() => {
                return Err(ArchiveError::Place {
                    name: name.to_string(),
                    rule: Message::new(&m::PLACE_UNKNOWN),
                })
            }
            Err(candidates) => {
                let names: Vec<String> = candidates
                    .iter()
                    .take(MAX_CANDIDATES)
                    .map(|u| g.full_name(*u))
                    .collect();
                return Err(ArchiveError::Place {
                    name: name.to_string(),
                    rule: Message::new(&m::PLACE_AMBIGUOUS)
                        .with("count", candidates.len())
                        .with("names", names.join("; "))
                        .with(
                            "more",
                            if candidates.len() > MAX_CANDIDATES {
                                "; ..."
                            } else {
                                ""
                            },
                        )
                        .with("example", names.first().cloned().unwrap_or_default()),
                });
            }
        }
    }
    // An issuer filter that is a place's name ("Quảng Nam") also takes the agencies of that
    // place and of the units it became or came from; any other is matched as words only.
    if let Some(issuer) = req
        .issuer
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        if let Ok(place) = g.resolve_name(issuer) {
            out.issuer_place = Some(clause(g, &place.units, &place.name));
            out.shown
                .push(shown(g, issuer, "issuer", &place.units, &place.expansions));
        }
    }
    out.rest = rest;
    Ok(out)
}
