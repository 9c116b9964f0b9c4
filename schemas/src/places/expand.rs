//! Under which units a document is found, and what a place in a query reaches.
//!
//! A document that names a unit is indexed under the unit and its enclosing units (tier
//! `Named`), and under the units of the other era it became or came from, with their enclosing
//! units: tier `Whole` where the document certainly lies within that unit (the old commune went
//! whole into it; every commune a new commune was formed from lay in it), `Partial` where it may
//! (an old commune split among several new ones). A place in a query then needs no expansion of
//! its own: it looks up its own unit in the three tiers, named first.

use super::recognize::{PlaceSource, RecognizedPlace};
use super::{Era, Gazetteer, Level, UnitId};
use std::collections::BTreeMap;

/// How a document is tied to a unit, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// The document names the unit or a unit within it.
    Named,
    /// The document names a unit of the other era that lies wholly within this one.
    Whole,
    /// The document names a unit of the other era that overlaps this one.
    Partial,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Named, Tier::Whole, Tier::Partial];

    /// The prefix of an index term of this tier: `=new:T48`, `~old:T49`, `?old:H517`.
    pub fn term(self, code: &str) -> String {
        let prefix = match self {
            Tier::Named => '=',
            Tier::Whole => '~',
            Tier::Partial => '?',
        };
        format!("{prefix}{code}")
    }
}

/// What the index keeps of a document's places.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexTerms {
    /// Tiered unit codes ([`Tier::term`]).
    pub terms: Vec<String>,
    /// Today's province of the document's main place (its issuer's, else the first named).
    pub province: Option<String>,
    /// Today's commune of the main place, when it lies wholly within one.
    pub commune: Option<String>,
}

/// What a place in a query reaches beyond itself: the units of the other era.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    pub unit: UnitId,
    /// Units of the other era, whole ones first.
    pub includes: Vec<(UnitId, Tier)>,
}

impl Gazetteer {
    /// The units a document naming `id` is found under, each with its strongest tier.
    pub fn footprint(&self, id: UnitId) -> BTreeMap<UnitId, Tier> {
        let mut out = BTreeMap::new();
        let mut put = |u: UnitId, t: Tier| {
            let e = out.entry(u).or_insert(t);
            *e = (*e).min(t);
        };
        for u in self.chain(id) {
            put(u, Tier::Named);
        }
        // The unit's counterparts, or, for a unit without any (a commune merged before the
        // table was drawn up), its nearest enclosing unit's, which it may lie in only partly.
        let Some((from, counterparts)) = self
            .chain(id)
            .map(|u| (u, self.counterparts(u)))
            .find(|(_, c)| !c.is_empty())
        else {
            return out;
        };
        for (c, whole) in counterparts {
            for outer in self.chain(*c) {
                let all_within = counterparts.iter().all(|(x, _)| self.within(*x, outer));
                let certain = from == id && all_within && (counterparts.len() > 1 || *whole);
                let enclosing = all_within && self.unit(outer).level == Level::Province;
                put(
                    outer,
                    if certain || enclosing {
                        Tier::Whole
                    } else {
                        Tier::Partial
                    },
                );
            }
        }
        out
    }

    /// The index terms and facet values of a document's places. Codes the gazetteer does not
    /// know (a record made with another gazetteer) are skipped.
    pub fn index_terms(&self, places: &[RecognizedPlace]) -> IndexTerms {
        let mut all: BTreeMap<UnitId, Tier> = BTreeMap::new();
        let ids: Vec<(UnitId, PlaceSource)> = places
            .iter()
            .filter_map(|p| self.by_code(&p.code).map(|id| (id, p.source)))
            .collect();
        for (id, _) in &ids {
            // A unit that encloses another named one ("thành phố Đà Nẵng" after "xã Núi Thành")
            // adds nothing but its own other-era predecessors, which the inner unit narrows.
            if ids
                .iter()
                .any(|(inner, _)| inner != id && self.within(*inner, *id))
            {
                continue;
            }
            for (u, t) in self.footprint(*id) {
                let e = all.entry(u).or_insert(t);
                *e = (*e).min(t);
            }
        }
        let main = ids
            .iter()
            .filter(|(_, s)| *s == PlaceSource::Issuer)
            .chain(ids.iter().filter(|(_, s)| *s == PlaceSource::Text))
            .min_by_key(|(id, s)| {
                (
                    *s != PlaceSource::Issuer,
                    std::cmp::Reverse(self.unit(*id).level),
                )
            })
            .map(|(id, _)| *id);
        let (mut province, mut commune) = (None, None);
        if let Some(main) = main {
            let today: Vec<(UnitId, Tier)> = self
                .footprint(main)
                .into_iter()
                .filter(|(u, t)| self.unit(*u).era == Era::From2025 && *t != Tier::Partial)
                .collect();
            let one = |level: Level| {
                let mut of_level = today.iter().filter(|(u, _)| self.unit(*u).level == level);
                match (of_level.next(), of_level.next()) {
                    (Some((u, _)), None) => Some(self.unit(*u).code.clone()),
                    _ => None,
                }
            };
            province = one(Level::Province);
            commune = one(Level::Commune);
        }
        IndexTerms {
            terms: all
                .into_iter()
                .map(|(u, t)| t.term(&self.unit(u).code))
                .collect(),
            province,
            commune,
        }
    }

    /// What a unit in a query reaches in the other era (whole first, then by code), for the
    /// answer to say.
    pub fn expansion(&self, id: UnitId) -> Expansion {
        let counterparts = self.counterparts(id);
        let mut includes: Vec<(UnitId, Tier)> = counterparts
            .iter()
            // A new commune's districts are implied by its communes.
            .filter(|(u, _)| {
                !(self.unit(*u).level == Level::District && self.unit(id).level == Level::Commune)
            })
            .map(|(u, whole)| (*u, if *whole { Tier::Whole } else { Tier::Partial }))
            .collect();
        includes.sort_by(|a, b| {
            a.1.cmp(&b.1)
                .then_with(|| self.unit(a.0).code.cmp(&self.unit(b.0).code))
        });
        Expansion { unit: id, includes }
    }

    /// "gồm cả địa danh trước 01/7/2025: thị trấn Núi Thành, xã Tam Hiệp (một phần) thuộc huyện
    /// Núi Thành, tỉnh Quảng Nam". `None` when the unit has no counterpart.
    pub fn expansion_note(&self, expansion: &Expansion) -> Option<String> {
        let first = expansion.includes.first()?;
        let era = self.unit(first.0).era;
        // Group by the enclosing units, in order of first appearance.
        let mut groups: Vec<(Option<UnitId>, Vec<String>)> = Vec::new();
        for (u, tier) in &expansion.includes {
            let parent = self.unit(*u).parent;
            let mut name = self.short_name(*u);
            if *tier == Tier::Partial {
                name.push_str(" (một phần)");
            }
            match groups.iter_mut().find(|(p, _)| *p == parent) {
                Some((_, names)) => names.push(name),
                None => groups.push((parent, vec![name])),
            }
        }
        let parts: Vec<String> = groups
            .into_iter()
            .map(|(parent, names)| match parent {
                Some(p) => format!("{} thuộc {}", names.join(", "), self.full_name(p)),
                None => names.join(", "),
            })
            .collect();
        Some(format!(
            "gồm cả địa danh {}: {}",
            era.label(),
            parts.join("; ")
        ))
    }
}
