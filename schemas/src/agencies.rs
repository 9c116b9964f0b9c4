//! Agency names: a table of agency codes (mã định danh cơ quan) to the names people read, as
//! data: a built-in starter table (`data/agencies.csv`, its source in
//! `data/AGENCIES-SOURCE.md`) that a store extends or overrides with its own CSV of the same
//! columns (`code,name`), the province's own list.

use crate::ids::AgencyCode;
use crate::messages as m;
use crate::RuleError;
use std::collections::BTreeMap;

/// Rows a table may hold, at most.
pub const MAX_AGENCY_ROWS: usize = 100_000;

#[derive(Debug, Clone)]
pub struct Agencies {
    by_code: BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
struct AgencyRow {
    code: String,
    name: String,
}

impl Agencies {
    /// The starter table shipped with kho.
    pub fn builtin() -> Self {
        let mut table = Agencies {
            by_code: BTreeMap::new(),
        };
        // The embedded table is tested below; a failure here is a build defect, not input.
        if let Err(e) = table.extend_from_csv(include_str!("../data/agencies.csv")) {
            panic!("built-in agencies.csv is broken: {e}");
        }
        table
    }

    /// Adds or replaces agencies from CSV text with the header `code,name`. All rows are checked
    /// (a valid agency code, a name) before any is applied; errors name the line.
    pub fn extend_from_csv(&mut self, csv_text: &str) -> Result<usize, RuleError> {
        let parsed = crate::table::read_rows(
            csv_text,
            &m::AGENCY_TABLE,
            &["code", "name"],
            MAX_AGENCY_ROWS,
            |row: AgencyRow| {
                let code = AgencyCode::parse(&row.code).map_err(|e| {
                    RuleError::new(&m::AGENCY_TABLE_CODE)
                        .with("code", &row.code)
                        .with_message("why", e)
                })?;
                let name = crate::clean_text(&row.name).ok_or_else(|| {
                    RuleError::new(&m::AGENCY_TABLE_NO_NAME).with("code", code.as_str())
                })?;
                Ok((code.as_str().to_string(), name))
            },
        )?;
        let n = parsed.len();
        self.by_code.extend(parsed);
        Ok(n)
    }

    /// The name of exactly this code.
    pub fn get(&self, code: &str) -> Option<&str> {
        self.by_code
            .get(&code.trim().to_ascii_uppercase())
            .map(String::as_str)
    }

    /// How a code is shown to people: "NAME (CODE)"; else "Cơ quan CODE thuộc NAME" for the nearest
    /// listed unit above it (`H47.15` under `H47`; `000.00.01.H47` under `H47`); else the code.
    pub fn display(&self, code: &str) -> String {
        let code = code.trim().to_ascii_uppercase();
        if let Some(name) = self.get(&code) {
            return format!("{name} ({code})");
        }
        let parents: Vec<String> = if code.starts_with(|c: char| c.is_ascii_digit()) {
            code.rsplit('.')
                .next()
                .map(str::to_string)
                .into_iter()
                .collect()
        } else {
            let parts: Vec<&str> = code.split('.').collect();
            (1..parts.len())
                .rev()
                .map(|n| parts[..n].join("."))
                .collect()
        };
        parents
            .iter()
            .find_map(|p| self.get(p))
            .map_or(code.clone(), |name| format!("Cơ quan {code} thuộc {name}"))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.by_code.iter().map(|(c, n)| (c.as_str(), n.as_str()))
    }
}

impl Default for Agencies {
    fn default() -> Self {
        Self::builtin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_code_and_by_the_nearest_listed_parent() {
        let mut t = Agencies::builtin();
        assert!(t.get("h47").is_some());
        assert_eq!(
            t.display("H47.15"),
            format!("Cơ quan H47.15 thuộc {}", t.get("H47").unwrap())
        );
        assert_eq!(
            t.display("000.00.01.H47"),
            format!("Cơ quan 000.00.01.H47 thuộc {}", t.get("H47").unwrap())
        );
        assert_eq!(t.display("G01.2"), "G01.2");
        let n = t
            .extend_from_csv("\u{feff}code,name\nH47.15,UBND huyện Núi Thành\n000.00.01.H47,Văn phòng UBND tỉnh\n")
            .unwrap();
        assert_eq!(n, 2);
        assert_eq!(t.display("h47.15"), "UBND huyện Núi Thành (H47.15)");
        assert_eq!(
            t.display("H47.15.3"),
            "Cơ quan H47.15.3 thuộc UBND huyện Núi Thành"
        );
        assert_eq!(
            t.display("000.00.01.H47"),
            "Văn phòng UBND tỉnh (000.00.01.H47)"
        );
    }

    #[test]
    fn a_bad_row_applies_nothing_and_names_its_line() {
        let mut t = Agencies::builtin();
        let e = t
            .extend_from_csv("code,name\nH48,Đà Nẵng\nnot a code,X\nH49,\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("line 4"), "{e}");
        assert!(t.get("H48").is_none());
    }
}
