//! Places: Vietnam's administrative units before and after the reorganization of 1 July 2025
//! (63 provinces, districts and ~10,000 communes before; 34 provinces and 3,321 communes after),
//! the succession between them, and the recognition of place names in text and queries.
//!
//! - [`Gazetteer`] holds the units and the succession map, parsed from the format of
//!   `data/places.tsv.gz` ([`Gazetteer::builtin`], or a store's own file: [`Gazetteer::parse`]).
//! - [`recognize`] finds the units a text names ("thôn 3, xã Tam Xuân I, huyện Núi Thành, tỉnh
//!   Quảng Nam", "UBND huyện Núi Thành"): one reading per mention or none, never a guess.
//! - [`query`] finds a place in what a clerk types ("xa nui thanh da nang", "TP. Đà Nẵng").
//! - [`expand`] says under which units a document naming a place is indexed (the unit, its
//!   enclosing units, and the units of the other era it became or came from), and what a place
//!   in a query expands to.
//! - [`agency`] says what became of an issuing agency's unit.
//!
//! Pure: no IO. The built-in gazetteer is decompressed and parsed once, on first use.

pub mod agency;
mod data;
pub mod expand;
pub(crate) mod names;
pub mod query;
pub mod recognize;
#[cfg(test)]
mod tests;

pub use data::{GazetteerError, MAX_GAZETTEER_BYTES};
pub use expand::{Expansion, IndexTerms, Tier};
pub use query::{QueryPlace, QueryPlaces};
pub use recognize::{PlaceSource, RecognizedPlace};

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

/// The day the new units took effect.
pub const REORGANIZATION_DATE: time::Date = time::macros::date!(2025 - 07 - 01);

/// Before or after 1 July 2025.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Era {
    /// Units in force until 30 June 2025 (63 provinces, districts, communes).
    #[serde(rename = "before_2025")]
    Before2025,
    /// Units from 1 July 2025 (34 provinces, communes, no districts).
    #[serde(rename = "from_2025")]
    From2025,
}

impl Era {
    /// The era of a paper issued on `date`.
    pub fn of_date(date: time::Date) -> Era {
        if date < REORGANIZATION_DATE {
            Era::Before2025
        } else {
            Era::From2025
        }
    }

    /// "trước 01/7/2025" / "từ 01/7/2025".
    pub fn label(self) -> &'static str {
        match self {
            Era::Before2025 => "trước 01/7/2025",
            Era::From2025 => "từ 01/7/2025",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// tỉnh, thành phố trực thuộc trung ương
    Province,
    /// huyện, quận, thị xã, thành phố thuộc tỉnh (before 2025 only)
    District,
    /// xã, phường, thị trấn, đặc khu
    Commune,
}

impl Level {
    fn from_letter(c: char) -> Option<Level> {
        match c {
            'T' => Some(Level::Province),
            'H' => Some(Level::District),
            'X' => Some(Level::Commune),
            _ => None,
        }
    }
}

/// A unit's position in [`Gazetteer::units`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitId(pub(crate) u32);

/// One administrative unit of one era.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// `era:level+GSO code`, e.g. `old:H517` (huyện Núi Thành), `new:T48` (thành phố Đà Nẵng).
    pub code: String,
    pub era: Era,
    pub level: Level,
    /// The type word, lower case: tỉnh, thành phố, huyện, quận, thị xã, xã, phường, thị trấn,
    /// đặc khu.
    pub kind: String,
    /// The name without its type word: "Núi Thành".
    pub name: String,
    pub parent: Option<UnitId>,
    /// Other names (an earlier name of the same unit).
    pub aliases: Vec<String>,
}

/// A succession edge: the new unit was formed from the old one, whole or in part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Succession {
    pub old: UnitId,
    pub new: UnitId,
    pub whole: bool,
}

/// The units of both eras and the succession between them, with the name index the resolver
/// reads.
#[derive(Debug)]
pub struct Gazetteer {
    units: Vec<Unit>,
    by_code: HashMap<String, UnitId>,
    /// Folded name (tokens joined by one space) -> units with that name or alias.
    by_name: HashMap<String, Vec<UnitId>>,
    /// Longest name, in tokens.
    longest_name: usize,
    /// Per unit: the units of the other era it became (old) or came from (new), with whether
    /// the edge is whole. Districts get theirs from their communes ([`data`]).
    counterparts: Vec<Vec<(UnitId, bool)>>,
    successions: usize,
}

static BUILTIN: LazyLock<Result<Arc<Gazetteer>, GazetteerError>> = LazyLock::new(|| {
    Gazetteer::parse_bytes(include_bytes!("../../data/places.tsv.gz")).map(Arc::new)
});

impl Gazetteer {
    /// The gazetteer shipped with kho (schemas/data/places.tsv.gz; PLACES-SOURCE.md beside it).
    pub fn builtin() -> Result<Arc<Gazetteer>, GazetteerError> {
        BUILTIN.clone()
    }

    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// Every unit's id, in file order.
    pub fn ids(&self) -> impl Iterator<Item = UnitId> {
        (0..self.units.len() as u32).map(UnitId)
    }

    pub fn unit(&self, id: UnitId) -> &Unit {
        &self.units[id.0 as usize]
    }

    pub fn by_code(&self, code: &str) -> Option<UnitId> {
        self.by_code.get(code).copied()
    }

    /// How many succession edges the file gave (province and commune lines).
    pub fn succession_count(&self) -> usize {
        self.successions
    }

    /// Units of one era and level.
    pub fn count(&self, era: Era, level: Level) -> usize {
        self.units
            .iter()
            .filter(|u| u.era == era && u.level == level)
            .count()
    }

    /// The unit and its enclosing units, innermost first.
    pub fn chain(&self, id: UnitId) -> impl Iterator<Item = UnitId> + '_ {
        std::iter::successors(Some(id), move |u| self.unit(*u).parent)
    }

    /// The province a unit lies in (itself for a province).
    pub fn province_of(&self, id: UnitId) -> UnitId {
        self.chain(id).last().unwrap_or(id)
    }

    /// Whether `inner` is `outer` or lies within it (same era).
    pub fn within(&self, inner: UnitId, outer: UnitId) -> bool {
        self.chain(inner).any(|u| u == outer)
    }

    /// The units of the other era: successors of an old unit, predecessors of a new one, each
    /// with whether the edge is whole.
    pub fn counterparts(&self, id: UnitId) -> &[(UnitId, bool)] {
        &self.counterparts[id.0 as usize]
    }

    /// "xã Tam Xuân I" (type word and name).
    pub fn short_name(&self, id: UnitId) -> String {
        let u = self.unit(id);
        format!("{} {}", u.kind, u.name)
    }

    /// "xã Tam Xuân I, huyện Núi Thành, tỉnh Quảng Nam": the unit and its enclosing units.
    pub fn full_name(&self, id: UnitId) -> String {
        self.chain(id)
            .map(|u| self.short_name(u))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Units whose name or alias folds to the words given (no type word).
    pub fn named(&self, name: &str) -> &[UnitId] {
        let key = names::key(&names::words(name));
        self.by_name.get(&key).map_or(&[], Vec::as_slice)
    }

    fn by_key(&self, key: &str) -> &[UnitId] {
        self.by_name.get(key).map_or(&[], Vec::as_slice)
    }
}
