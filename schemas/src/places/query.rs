//! A place in what a clerk types: "Đà Nẵng", "da nang", "xã Núi Thành, Đà Nẵng", "TP. Đà Nẵng",
//! "Q.1 TP HCM", "huyen nui thanh quang nam".
//!
//! Read more leniently than papers: type words with or without diacritics, and bare names. A bare
//! name is a place when it is a province's, or when the query also names a unit that encloses
//! it ("Núi Thành Quảng Nam"). A name several units carry in different provinces ("xã Tân Phú"
//! with no province) is reported as ambiguous and searched as words only.

use super::expand::Expansion;
use super::names;
use super::recognize::Reading;
use super::{Gazetteer, Level, UnitId};
use std::ops::Range;

/// A place found in a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryPlace {
    /// Byte ranges of the query it takes: its type word and name, and the names of the units
    /// that only narrowed it ("Đà Nẵng" in "xã Núi Thành, Đà Nẵng").
    pub spans: Vec<Range<usize>>,
    /// What was typed for the place itself ("xã Núi Thành").
    pub typed: String,
    /// Its name as words, to match in text too ("Núi Thành").
    pub name: String,
    /// The unit, or one name read in both eras (both units).
    pub units: Vec<UnitId>,
    /// What each unit reaches in the other era (units of the place itself left out).
    pub expansions: Vec<Expansion>,
}

/// A name in a query that several units carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmbiguousPlace {
    pub typed: String,
    pub candidates: Vec<UnitId>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryPlaces {
    pub places: Vec<QueryPlace>,
    pub ambiguous: Vec<AmbiguousPlace>,
}

/// The query with quoted phrases and excluded words (-word) blanked out, byte for byte, so that
/// offsets still hold: places are looked for only among the plain words.
pub(crate) fn plain_part(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut quoted = false;
    let mut excluded = false;
    let mut prev_space = true;
    for c in query.chars() {
        if c == '"' {
            quoted = !quoted;
        }
        if prev_space && c == '-' {
            excluded = true;
        }
        if c.is_whitespace() {
            excluded = false;
        }
        prev_space = c.is_whitespace();
        if quoted || excluded || c == '"' {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// Most readings of one name taken together as one place.
const MAX_LINEAGE: usize = 4;

impl Gazetteer {
    /// Several units of one name that are one place through time ("Núi Thành, Quảng Nam": the
    /// district, its town and the commune that succeeded them): each lies within another's
    /// footprint. A clerk who names it means all of them.
    fn one_lineage(&self, candidates: &[UnitId]) -> Option<Vec<UnitId>> {
        if candidates.len() > MAX_LINEAGE {
            return None;
        }
        let prints: Vec<_> = candidates.iter().map(|u| self.footprint(*u)).collect();
        let related = |a: usize, b: usize| {
            prints[a].contains_key(&candidates[b]) || prints[b].contains_key(&candidates[a])
        };
        let all = (0..candidates.len()).all(|a| (0..candidates.len()).all(|b| related(a, b)));
        all.then(|| candidates.to_vec())
    }

    /// The places in a query (NFC text expected, as the query parser makes it).
    pub fn find_in_query(&self, query: &str) -> QueryPlaces {
        let plain = plain_part(query);
        let words = names::words(&plain);
        let mut mentions = self.mentions(&words, Reading::Query, true, None);
        let span = |m: &super::recognize::Mention| words[m.start].start..words[m.end - 1].end;
        // A bare name needs to be a province's, or to lie within another mention's unit.
        let others: Vec<Vec<UnitId>> = mentions.iter().map(|m| m.candidates.clone()).collect();
        for (i, m) in mentions.iter_mut().enumerate() {
            if m.typed {
                continue;
            }
            m.candidates.retain(|u| {
                self.unit(*u).level == Level::Province
                    || others
                        .iter()
                        .enumerate()
                        .any(|(j, o)| j != i && o.iter().any(|outer| self.within_any(*u, *outer)))
            });
        }
        mentions.retain(|m| !m.candidates.is_empty());
        let mut out = QueryPlaces::default();
        let resolved: Vec<Option<Vec<UnitId>>> = mentions
            .iter()
            .map(|m| {
                self.resolved(&m.candidates)
                    .or_else(|| self.one_lineage(&m.candidates))
            })
            .collect();
        for (i, m) in mentions.iter().enumerate() {
            let Some(units) = &resolved[i] else {
                out.ambiguous.push(AmbiguousPlace {
                    typed: plain[span(m)].to_string(),
                    candidates: m.candidates.clone(),
                });
                continue;
            };
            // A unit that encloses another place of the query only narrows it.
            let encloses_another = resolved.iter().enumerate().any(|(j, other)| {
                j != i
                    && other.as_ref().is_some_and(|inner| {
                        inner
                            .iter()
                            .any(|u| units.iter().any(|o| self.within_any(*u, *o)))
                    })
            });
            if encloses_another {
                continue;
            }
            let mut spans = vec![span(m)];
            for (j, other) in resolved.iter().enumerate() {
                if let Some(outer) = other {
                    if j != i
                        && units
                            .iter()
                            .any(|u| outer.iter().any(|o| self.within_any(*u, *o)))
                    {
                        spans.push(span(&mentions[j]));
                    }
                }
            }
            let name_start = if m.typed {
                let tw = names::type_word_at(&words, m.start, false, true).map_or(0, |t| t.len);
                m.start + tw
            } else {
                m.start
            };
            let expansions = self.expansions_beyond(units);
            out.places.push(QueryPlace {
                spans,
                typed: plain[span(m)].to_string(),
                name: plain[words[name_start].start..words[m.end - 1].end].to_string(),
                units: units.clone(),
                expansions,
            });
        }
        out
    }

    /// The units a name given on its own may be (`--place`, `kho places show`): read like a
    /// query. `Ok` with one reading, `Err` with the candidates when there are several (empty:
    /// no unit has that name).
    pub fn resolve_name(&self, name: &str) -> Result<QueryPlace, Vec<UnitId>> {
        let name = crate::nfc(name);
        let found = self.find_in_query(&name);
        if let Some(ambiguous) = found.ambiguous.into_iter().next() {
            return Err(ambiguous.candidates);
        }
        let mut places = found.places.into_iter();
        match (places.next(), places.next()) {
            (Some(one), None) => Ok(one),
            (Some(a), Some(b)) => Err([a.units, b.units].concat()),
            // A bare name that is not a province's ("Núi Thành"): given on its own, it is the
            // place when every unit of that name is one place through time; otherwise the
            // candidates tell the clerk what to add.
            _ => {
                let named = self.units_named(&name);
                if named.is_empty() {
                    return Err(named);
                }
                let units = self
                    .resolved(&named)
                    .or_else(|| self.one_lineage(&named))
                    .ok_or(named)?;
                let words = names::words(&name);
                let skip = names::type_word_at(&words, 0, false, true).map_or(0, |t| t.len);
                Ok(QueryPlace {
                    spans: std::iter::once(0..name.len()).collect(),
                    typed: name.clone(),
                    name: name[words[skip].start..].to_string(),
                    expansions: self.expansions_beyond(&units),
                    units,
                })
            }
        }
    }

    /// What each of `units` reaches in the other era, the units themselves left out.
    fn expansions_beyond(&self, units: &[UnitId]) -> Vec<Expansion> {
        units
            .iter()
            .map(|u| {
                let mut e = self.expansion(*u);
                e.includes.retain(|(x, _)| !units.contains(x));
                e
            })
            .filter(|e| !e.includes.is_empty())
            .collect()
    }

    /// Every unit carrying a name (with or without its type word), for `kho places show`.
    pub fn units_named(&self, name: &str) -> Vec<UnitId> {
        let words = names::words(&crate::nfc(name));
        let skip = names::type_word_at(&words, 0, false, true).map_or(0, |t| t.len);
        let kind = names::type_word_at(&words, 0, false, true).map(|t| t.kind);
        if words.len() <= skip {
            return Vec::new();
        }
        self.by_key(&names::key(&words[skip..]))
            .iter()
            .copied()
            .filter(|u| kind.is_none_or(|k| self.unit(*u).kind == k))
            .collect()
    }
}
