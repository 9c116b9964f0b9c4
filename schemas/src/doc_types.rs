//! Document types as data: a built-in table (`data/doc_types.csv`, from domain.md) that a store
//! extends or overrides with its own CSV file of the same columns (`key,title,validity`).

use crate::messages as m;
use crate::{add_months, RuleError};
use std::collections::BTreeMap;
use time::Date;

/// How long a document of a type usually stays valid after its issue date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UsualValidity {
    Permanent,
    /// Valid for this many months after the issue date.
    Months(u32),
    /// The issuer writes the validity on the document.
    PerIssuer,
    /// The type has no validity of its own (a receipt, say).
    None,
}

impl UsualValidity {
    /// `permanent`, `issuer`, `none`, or a number of months like `6m`.
    pub fn parse(s: &str) -> Result<Self, RuleError> {
        match s.trim() {
            "permanent" => Ok(Self::Permanent),
            "issuer" => Ok(Self::PerIssuer),
            "none" => Ok(Self::None),
            other => other
                .strip_suffix('m')
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|n| (1..=1200).contains(n))
                .map(Self::Months)
                .ok_or_else(|| {
                    RuleError::new(&m::DOC_TYPE_VALIDITY).with("got", format!("{other:?}"))
                }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DocType {
    pub key: String,
    /// Vietnamese title, the default title of a document of this type.
    pub title: String,
    pub validity: UsualValidity,
}

impl DocType {
    /// The validity a document of this type gets when the operator gave none.
    pub fn default_validity(&self, issued_on: Option<Date>) -> crate::Validity {
        match (self.validity, issued_on) {
            (UsualValidity::Permanent, _) => crate::Validity::Permanent,
            (UsualValidity::Months(n), Some(issued)) => {
                crate::Validity::Until(add_months(issued, n))
            }
            _ => crate::Validity::Unknown,
        }
    }
}

/// The table of document types in force for a store.
#[derive(Debug, Clone)]
pub struct DocTypes {
    by_key: BTreeMap<String, DocType>,
}

#[derive(serde::Deserialize)]
struct DocTypeRow {
    key: String,
    title: String,
    validity: String,
}

impl DocTypes {
    /// The types listed in domain.md.
    pub fn builtin() -> Self {
        let mut table = DocTypes {
            by_key: BTreeMap::new(),
        };
        // The embedded table is tested below; a failure here is a build defect, not input.
        if let Err(e) = table.extend_from_csv(include_str!("../data/doc_types.csv")) {
            panic!("built-in doc_types.csv is broken: {e}");
        }
        table
    }

    /// Adds or replaces types from CSV text with the header `key,title,validity`. All rows are
    /// checked before any is applied; errors name the line.
    pub fn extend_from_csv(&mut self, csv_text: &str) -> Result<usize, RuleError> {
        let parsed = crate::table::read_rows(
            csv_text,
            &m::DOC_TYPE_TABLE,
            &["key", "title", "validity"],
            usize::MAX,
            Self::check_row,
        )?;
        let n = parsed.len();
        for t in parsed {
            self.by_key.insert(t.key.clone(), t);
        }
        Ok(n)
    }

    fn check_row(row: DocTypeRow) -> Result<DocType, RuleError> {
        let key_ok = !row.key.is_empty()
            && row
                .key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !key_ok {
            return Err(RuleError::new(&m::DOC_TYPE_KEY).with("got", format!("{:?}", row.key)));
        }
        let title = crate::clean_text(&row.title)
            .ok_or_else(|| RuleError::new(&m::DOC_TYPE_NO_TITLE).with("key", &row.key))?;
        Ok(DocType {
            key: row.key,
            title,
            validity: UsualValidity::parse(&row.validity)?,
        })
    }

    pub fn get(&self, key: &str) -> Option<&DocType> {
        self.by_key.get(key)
    }

    /// Looks a key up, or says which keys exist.
    pub fn require(&self, key: &str) -> Result<&DocType, RuleError> {
        let key = key.trim();
        self.get(key).ok_or_else(|| {
            RuleError::new(&m::DOC_TYPE_UNKNOWN).with(
                "known",
                self.by_key.keys().cloned().collect::<Vec<_>>().join(", "),
            )
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = &DocType> {
        self.by_key.values()
    }
}

impl Default for DocTypes {
    fn default() -> Self {
        Self::builtin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn builtin_table_has_the_domain_types() {
        let t = DocTypes::builtin();
        assert_eq!(t.iter().count(), 13);
        assert_eq!(t.get("birth_certificate").unwrap().title, "Giấy khai sinh");
        assert!(t
            .get("civil_status_extract")
            .unwrap()
            .title
            .contains("thay đổi, cải chính"));
        assert_eq!(
            t.get("construction_permit").unwrap().validity,
            UsualValidity::Months(12)
        );
        let e = t.require("passport").unwrap_err().to_string();
        assert!(e.contains("unknown document type") && e.contains("birth_certificate"));
    }

    #[test]
    fn a_file_extends_and_overrides() {
        let mut t = DocTypes::builtin();
        let n = t
            .extend_from_csv("\u{feff}key,title,validity\nfire_safety_permit,Giấy phép PCCC,24m\nother,Khác,none\n")
            .unwrap();
        assert_eq!(n, 2);
        assert_eq!(
            t.get("fire_safety_permit").unwrap().validity,
            UsualValidity::Months(24)
        );
        assert_eq!(t.get("other").unwrap().title, "Khác");
        let e = t
            .extend_from_csv("key,title,validity\nBad Key,x,permanent\nok,y,forever\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("line 3"), "{e}");
        assert!(t.get("ok").is_none(), "nothing applied when a row is bad");
    }

    #[test]
    fn default_validity() {
        let t = DocTypes::builtin();
        let permit = t.get("construction_permit").unwrap();
        assert_eq!(
            permit.default_validity(Some(date!(2024 - 03 - 10))),
            crate::Validity::Until(date!(2025 - 03 - 10))
        );
        assert_eq!(permit.default_validity(None), crate::Validity::Unknown);
    }
}
