//! Place names in text: "thôn 3, xã Tam Xuân I, huyện Núi Thành, tỉnh Quảng Nam", "UBND
//! huyện Núi Thành", "TP. Đà Nẵng".
//!
//! A mention is a type word (or its abbreviation) followed by a unit's name, or, after a
//! separator, a province's name alone ("..., Quảng Nam"). A name that several units carry is
//! narrowed by the other mentions of the same line (the district and province of an address) and
//! by the paper's era; what is still ambiguous is left out, never guessed. The only exception is
//! one name read in both eras (thành phố Đà Nẵng before and after 1 July 2025, on a paper with no
//! date): both readings are kept, since they name the same place.

use super::names::{self, Word};
use super::{Era, Gazetteer, Level, UnitId};

/// Where a place was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceSource {
    /// The issuing agency (metadata `issuer`).
    Issuer,
    /// The document's text.
    Text,
}

/// A unit a document names, as stored on its record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecognizedPlace {
    /// The unit (`old:H517`).
    pub code: String,
    /// Its full name with enclosing units: "huyện Núi Thành, tỉnh Quảng Nam".
    pub name: String,
    pub era: Era,
    pub source: PlaceSource,
}

/// Most places kept per document (a bound on the record, not a limit a real paper reaches).
pub const MAX_PLACES: usize = 64;

/// One mention: the words it covers and the units it may be.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub start: usize,
    pub end: usize,
    /// A type word was written (a bare name is only a province, or context in a query).
    pub typed: bool,
    pub candidates: Vec<UnitId>,
}

/// How strictly to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    /// Papers: type words with their diacritics; bare names only for provinces, after a
    /// separator.
    Text,
    /// What a clerk types: type words with or without diacritics; bare names anywhere.
    Query,
}

impl Gazetteer {
    /// The mentions of one line, their candidates narrowed by each other and by `era`.
    pub(crate) fn mentions(
        &self,
        words: &[Word],
        reading: Reading,
        plain: bool,
        era: Option<Era>,
    ) -> Vec<Mention> {
        let strict = reading == Reading::Text;
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let typed = names::type_word_at(words, i, strict, plain);
            let name_start = i + typed.map_or(0, |t| t.len);
            let bare_allowed = match reading {
                Reading::Text => words[i].sep_before,
                Reading::Query => true,
            };
            if typed.is_none() && !bare_allowed {
                i += 1;
                continue;
            }
            let mut found = None;
            // A name does not run across a comma: "xã Tân An, thành phố ..." is not "Tân An
            // Thành".
            let room = words
                .iter()
                .skip(name_start)
                .enumerate()
                .take_while(|(k, w)| *k == 0 || !w.hard_sep_before)
                .count();
            let longest = self.longest_name.min(room);
            for len in (1..=longest).rev() {
                let key = names::key(&words[name_start..name_start + len]);
                let candidates: Vec<UnitId> = self
                    .by_key(&key)
                    .iter()
                    .copied()
                    .filter(|u| match typed {
                        Some(t) => self.unit(*u).kind == t.kind,
                        None => reading == Reading::Query || self.unit(*u).level == Level::Province,
                    })
                    .collect();
                if candidates.is_empty() {
                    continue;
                }
                let name = &words[name_start..name_start + len];
                if typed.is_none() && strict {
                    // A province named alone in a paper ends its part of the line ("..., Quảng
                    // Nam" or "Nơi sinh: Quảng Nam") and, in a line written with diacritics,
                    // carries its own: "viết tắt: HOA BINH TRADING" names a company, not Hoà Bình.
                    let end = name_start + len;
                    let ends_part =
                        end == words.len() || words[end].sep_before || name[len - 1].dot_after;
                    let written = if plain {
                        candidates
                    } else {
                        self.written_exactly(name, &candidates)
                    };
                    if ends_part && !written.is_empty() {
                        found = Some((len, written));
                    }
                    break;
                }
                found = Some((len, self.prefer_exact(name, candidates)));
                break;
            }
            match found {
                Some((len, candidates)) => {
                    out.push(Mention {
                        start: i,
                        end: name_start + len,
                        typed: typed.is_some(),
                        candidates,
                    });
                    i = name_start + len;
                }
                None => i += 1,
            }
        }
        self.narrow(&mut out, reading, era);
        out
    }

    /// Of several units whose names fold alike ("Sa Pa" and "Sa Pả"), those written exactly as
    /// typed, when there are any.
    fn prefer_exact(&self, typed: &[Word], candidates: Vec<UnitId>) -> Vec<UnitId> {
        if candidates.len() < 2 {
            return candidates;
        }
        let same = self.written_exactly(typed, &candidates);
        if same.is_empty() {
            candidates
        } else {
            same
        }
    }

    /// The candidates whose name (or an alias) is written as typed, diacritics and all (tone
    /// marks placed either way: "Hoà" = "Hòa").
    fn written_exactly(&self, typed: &[Word], candidates: &[UnitId]) -> Vec<UnitId> {
        let exact = |words: &mut dyn Iterator<Item = &str>| {
            words
                .map(crate::canonical_tones)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let wanted = exact(&mut typed.iter().map(|w| w.lower.as_str()));
        candidates
            .iter()
            .copied()
            .filter(|u| {
                let unit = self.unit(*u);
                std::iter::once(&unit.name)
                    .chain(&unit.aliases)
                    .any(|name| {
                        let words = names::words(name);
                        exact(&mut words.iter().map(|w| w.lower.as_str())) == wanted
                    })
            })
            .collect()
    }

    /// Whether `inner` lies within `outer`: in the same era by the parent chain; across eras a
    /// unit lies within the new (old) province its own province became (came from).
    pub(crate) fn within_any(&self, inner: UnitId, outer: UnitId) -> bool {
        let (i, o) = (self.unit(inner), self.unit(outer));
        if i.era == o.era {
            return inner != outer && self.within(inner, outer);
        }
        o.level == Level::Province
            && self
                .counterparts(self.province_of(inner))
                .iter()
                .any(|(p, _)| *p == outer)
    }

    fn narrow(&self, mentions: &mut [Mention], reading: Reading, era: Option<Era>) {
        if let Some(era) = era {
            for m in mentions.iter_mut() {
                if m.candidates.iter().any(|u| self.unit(*u).era == era) {
                    m.candidates.retain(|u| self.unit(*u).era == era);
                }
            }
        }
        // Twice, so that a district narrowed by its province then narrows its commune.
        for _ in 0..2 {
            for a in 0..mentions.len() {
                for b in 0..mentions.len() {
                    // In papers an address goes from the smallest unit to the largest.
                    if a == b || (reading == Reading::Text && b < a) {
                        continue;
                    }
                    let outer = mentions[b].candidates.clone();
                    let inner = &mentions[a].candidates;
                    let kept: Vec<UnitId> = inner
                        .iter()
                        .copied()
                        .filter(|u| outer.iter().any(|o| self.within_any(*u, *o)))
                        .collect();
                    if kept.is_empty() {
                        continue;
                    }
                    let outer_kept: Vec<UnitId> = outer
                        .iter()
                        .copied()
                        .filter(|o| kept.iter().any(|u| self.within_any(*u, *o)))
                        .collect();
                    mentions[a].candidates = kept;
                    mentions[b].candidates = outer_kept;
                }
            }
        }
    }

    /// The reading of a mention, if it has one: a single unit, or one name in both eras (two
    /// units, one the other's successor).
    pub(crate) fn resolved(&self, candidates: &[UnitId]) -> Option<Vec<UnitId>> {
        match candidates {
            [one] => Some(vec![*one]),
            [a, b]
                if self.unit(*a).era != self.unit(*b).era
                    && self.counterparts(*a).iter().any(|(u, _)| u == b) =>
            {
                Some(vec![*a, *b])
            }
            _ => None,
        }
    }

    /// The places a text names, in order of first mention, each once.
    pub fn recognize(
        &self,
        text: &str,
        source: PlaceSource,
        era: Option<Era>,
    ) -> Vec<RecognizedPlace> {
        let mut out = Vec::new();
        self.recognize_into(text, source, era, &mut out);
        out
    }

    fn recognize_into(
        &self,
        text: &str,
        source: PlaceSource,
        era: Option<Era>,
        out: &mut Vec<RecognizedPlace>,
    ) {
        for line in text.lines() {
            if out.len() >= MAX_PLACES {
                return;
            }
            let words = names::words(line);
            if words.is_empty() {
                continue;
            }
            let plain = !names::has_diacritics(line);
            for m in self.mentions(&words, Reading::Text, plain, era) {
                for id in self.resolved(&m.candidates).unwrap_or_default() {
                    let unit = self.unit(id);
                    if out.len() < MAX_PLACES
                        && !out.iter().any(|p: &RecognizedPlace| p.code == unit.code)
                    {
                        out.push(RecognizedPlace {
                            code: unit.code.clone(),
                            name: self.full_name(id),
                            era: unit.era,
                            source,
                        });
                    }
                }
            }
        }
    }

    /// The places of a document: its issuer first, then its text, read in the era of its issue
    /// date when it has one.
    pub fn recognize_document(
        &self,
        issuer: Option<&str>,
        issued_on: Option<time::Date>,
        text: Option<&str>,
    ) -> Vec<RecognizedPlace> {
        let era = issued_on.map(Era::of_date);
        let mut out = Vec::new();
        if let Some(issuer) = issuer {
            self.recognize_into(issuer, PlaceSource::Issuer, era, &mut out);
        }
        if let Some(text) = text {
            self.recognize_into(text, PlaceSource::Text, era, &mut out);
        }
        out
    }
}
