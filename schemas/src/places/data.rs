//! The gazetteer file (format in data/PLACES-SOURCE.md): parsed from bytes, plain or gzip.
//! Every line is checked; an error names the line and the rule it broke.

use super::names;
use super::{Era, Gazetteer, Level, Succession, Unit, UnitId};
use std::collections::HashMap;
use std::io::Read;

/// The largest gazetteer accepted, decompressed (the built-in one is under 1 MiB).
pub const MAX_GAZETTEER_BYTES: u64 = 32 * 1024 * 1024;
const FORMAT: &str = "kho-places";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GazetteerError {
    #[error("the gazetteer is not gzip or UTF-8 text: {0}")]
    Encoding(String),
    #[error("the gazetteer is larger than {} MiB decompressed", MAX_GAZETTEER_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("gazetteer line {line}: {rule}")]
    Line { line: usize, rule: String },
    #[error(
        "the gazetteer has no units of {0}: a file must hold both eras (see PLACES-SOURCE.md)"
    )]
    Empty(&'static str),
}

fn line_err(line: usize, rule: impl Into<String>) -> GazetteerError {
    GazetteerError::Line {
        line,
        rule: rule.into(),
    }
}

/// `old:X20968` -> (era, level, code).
fn parse_code(code: &str) -> Option<(Era, Level)> {
    let (era, rest) = code.split_once(':')?;
    let era = match era {
        "old" => Era::Before2025,
        "new" => Era::From2025,
        _ => return None,
    };
    let mut chars = rest.chars();
    let level = Level::from_letter(chars.next()?)?;
    let digits = chars.as_str();
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if level == Level::District && era == Era::From2025 {
        return None;
    }
    Some((era, level))
}

const CODE_RULE: &str = "a unit is written era:level+digits, era old or new, level T (province), H (district, old only) or X (commune), e.g. old:H517";

impl Gazetteer {
    /// Parses a gazetteer file, gzip-compressed or plain.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Gazetteer, GazetteerError> {
        let mut text = String::new();
        if bytes.starts_with(&[0x1f, 0x8b]) {
            flate2::read::GzDecoder::new(bytes)
                .take(MAX_GAZETTEER_BYTES + 1)
                .read_to_string(&mut text)
                .map_err(|e| GazetteerError::Encoding(e.to_string()))?;
        } else {
            text = String::from_utf8(bytes.to_vec())
                .map_err(|e| GazetteerError::Encoding(e.to_string()))?;
        }
        if text.len() as u64 > MAX_GAZETTEER_BYTES {
            return Err(GazetteerError::TooLarge);
        }
        Self::parse(&text)
    }

    /// Parses the text of a gazetteer file.
    pub fn parse(text: &str) -> Result<Gazetteer, GazetteerError> {
        let text = crate::nfc(text);
        let mut units: Vec<Unit> = Vec::new();
        let mut by_code: HashMap<String, UnitId> = HashMap::new();
        let mut parents: Vec<(usize, Option<String>)> = Vec::new();
        let mut aliases: Vec<(usize, String, String)> = Vec::new();
        let mut edges: Vec<(usize, String, String, bool)> = Vec::new();
        let mut version_seen = false;
        for (n, line) in text.lines().enumerate() {
            let n = n + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            match cols.as_slice() {
                ["V", format, version] => {
                    if *format != FORMAT || *version != "1" {
                        return Err(line_err(n, format!("this kho reads {FORMAT} version 1, the file says {format} {version}")));
                    }
                    version_seen = true;
                }
                _ if !version_seen => {
                    return Err(line_err(
                        n,
                        format!("the first line that is not a comment must be \"V\t{FORMAT}\t1\""),
                    ));
                }
                ["U", code, kind, name, parent] => {
                    let (era, level) = parse_code(code).ok_or_else(|| line_err(n, CODE_RULE))?;
                    if !names::TYPE_WORDS.contains(kind) {
                        return Err(line_err(
                            n,
                            format!(
                                "the type word {kind:?} is not one of {}",
                                names::TYPE_WORDS.join(", ")
                            ),
                        ));
                    }
                    if name.is_empty() || name.chars().count() > 100 {
                        return Err(line_err(n, "a unit's name has 1 to 100 characters"));
                    }
                    if by_code.contains_key(*code) {
                        return Err(line_err(n, format!("unit {code} is listed twice")));
                    }
                    let parent = (!parent.is_empty()).then(|| parent.to_string());
                    if (level == Level::Province) != parent.is_none() {
                        return Err(line_err(
                            n,
                            "a province has no parent; every other unit has one",
                        ));
                    }
                    by_code.insert(code.to_string(), UnitId(units.len() as u32));
                    parents.push((n, parent));
                    units.push(Unit {
                        code: code.to_string(),
                        era,
                        level,
                        kind: kind.to_string(),
                        name: name.to_string(),
                        parent: None,
                        aliases: Vec::new(),
                    });
                }
                ["A", code, name] if !name.is_empty() => {
                    aliases.push((n, code.to_string(), name.to_string()));
                }
                ["S", old, new, extent] => {
                    let whole = match *extent {
                        "whole" => true,
                        "partial" => false,
                        _ => return Err(line_err(n, "a succession is whole or partial")),
                    };
                    edges.push((n, old.to_string(), new.to_string(), whole));
                }
                _ => {
                    return Err(line_err(
                        n,
                        "a line is V, U (5 columns), A (3) or S (4), separated by tabs",
                    ));
                }
            }
        }
        let find = |n: usize, code: &str| {
            by_code
                .get(code)
                .copied()
                .ok_or_else(|| line_err(n, format!("unit {code} is not listed (no U line)")))
        };
        for (i, (n, parent)) in parents.iter().enumerate() {
            if let Some(code) = parent {
                let p = find(*n, code)?;
                let (child, up) = (&units[i], &units[p.0 as usize]);
                let fits = child.era == up.era
                    && match (child.level, up.level) {
                        (Level::District, Level::Province) => true,
                        (Level::Commune, Level::District) => child.era == Era::Before2025,
                        (Level::Commune, Level::Province) => child.era == Era::From2025,
                        _ => false,
                    };
                if !fits {
                    return Err(line_err(*n, format!("{} cannot lie within {code}: an old commune lies in a district, a district or a new commune in a province of its era", child.code)));
                }
                units[i].parent = Some(p);
            }
        }
        for (n, code, name) in aliases {
            let id = find(n, &code)?;
            units[id.0 as usize].aliases.push(name);
        }
        let mut successions = Vec::new();
        for (n, old, new, whole) in edges {
            let (o, w) = (find(n, &old)?, find(n, &new)?);
            if units[o.0 as usize].era != Era::Before2025
                || units[w.0 as usize].era != Era::From2025
            {
                return Err(line_err(
                    n,
                    "a succession goes from an old unit to a new one",
                ));
            }
            successions.push(Succession {
                old: o,
                new: w,
                whole,
            });
        }
        for (era, label) in [
            (Era::Before2025, "before 2025"),
            (Era::From2025, "from 2025"),
        ] {
            if !units
                .iter()
                .any(|u| u.era == era && u.level == Level::Province)
            {
                return Err(GazetteerError::Empty(label));
            }
        }
        Ok(Self::assemble(units, by_code, successions))
    }

    fn assemble(
        units: Vec<Unit>,
        by_code: HashMap<String, UnitId>,
        successions: Vec<Succession>,
    ) -> Gazetteer {
        let mut by_name: HashMap<String, Vec<UnitId>> = HashMap::new();
        let mut longest_name = 1;
        for (i, u) in units.iter().enumerate() {
            for name in std::iter::once(&u.name).chain(&u.aliases) {
                let words = names::words(name);
                longest_name = longest_name.max(words.len());
                let ids = by_name.entry(names::key(&words)).or_default();
                if !ids.contains(&UnitId(i as u32)) {
                    ids.push(UnitId(i as u32));
                }
            }
        }
        let mut counterparts: Vec<Vec<(UnitId, bool)>> = vec![Vec::new(); units.len()];
        let mut add = |from: UnitId, to: UnitId, whole: bool| {
            let list = &mut counterparts[from.0 as usize];
            match list.iter_mut().find(|(u, _)| *u == to) {
                Some((_, w)) => *w |= whole,
                None => list.push((to, whole)),
            }
        };
        for s in &successions {
            add(s.old, s.new, s.whole);
            add(s.new, s.old, s.whole);
        }
        // A district's successors are the new communes its communes went to: whole only when
        // all of it went whole into one commune (an island district that became a đặc khu).
        let mut from_districts: HashMap<UnitId, Vec<(UnitId, bool)>> = HashMap::new();
        for s in &successions {
            if units[s.old.0 as usize].level != Level::Commune {
                continue;
            }
            if let Some(district) = units[s.old.0 as usize].parent {
                let list = from_districts.entry(district).or_default();
                if !list.iter().any(|(u, _)| *u == s.new) {
                    list.push((s.new, s.whole));
                }
            }
        }
        for (district, list) in from_districts {
            let whole_into_one = list.len() == 1 && list[0].1;
            for (new, _) in list {
                add(district, new, whole_into_one);
                add(new, district, false);
            }
        }
        Gazetteer {
            units,
            by_code,
            by_name,
            longest_name,
            counterparts,
            successions: successions.len(),
        }
    }
}
