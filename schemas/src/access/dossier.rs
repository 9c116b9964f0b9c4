//! Dossiers registered by the one-stop system (hệ thống một cửa): what a clerk's read is bound to.
//!
//! The one-stop system (or a clerk at reception) tells kho that a dossier was received: its
//! code, the procedure, the applicants' owner IDs, the agency that received it and when. A
//! clerk's read or reuse for that dossier then reaches only its applicants' documents, or
//! documents shared with it ([`crate::policy::may_read_for_dossier`]).

use crate::ids::{AgencyCode, DossierCode, OwnerId, ProcedureCode};
use crate::messages as m;
use crate::{FieldErrors, RuleError};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Most applicants one dossier names (a household's members, a company's founders).
pub const MAX_APPLICANTS: usize = 50;

/// How a clerk's dossier is checked (`kho serve --dossier-check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DossierCheck {
    /// Well formed and of the clerk's province (the rule before dossiers were registered, for
    /// provinces whose one-stop system is not connected yet).
    Format,
    /// Registered by the one-stop system, and the document is its applicants' or shared with it.
    #[default]
    Registered,
}

impl DossierCheck {
    pub fn parse(s: &str) -> Result<Self, RuleError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "format" => Ok(DossierCheck::Format),
            "registered" => Ok(DossierCheck::Registered),
            other => {
                Err(RuleError::new(&m::DOSSIER_CHECK_UNKNOWN).with("got", format!("{other:?}")))
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DossierCheck::Format => "format",
            DossierCheck::Registered => "registered",
        }
    }
}

/// A dossier as the one-stop system sends it (`POST /api/v1/dossiers`): strings as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierInput {
    pub code: String,
    pub procedure_code: String,
    pub applicants: Vec<String>,
    pub receiving_agency: String,
    /// ISO or DD/MM/YYYY; it must be the date the code carries.
    pub received_on: String,
}

/// A registered dossier: every field checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    pub code: String,
    pub procedure_code: String,
    /// Owner IDs (personal IDs or enterprise codes), in the order given, no duplicates.
    pub applicants: Vec<String>,
    pub receiving_agency: String,
    #[serde(with = "crate::record::iso_date")]
    pub received_on: Date,
    /// When kho recorded it, and who sent it (the ledger's actor name).
    #[serde(with = "time::serde::rfc3339")]
    pub registered_at: OffsetDateTime,
    pub registered_by: String,
}

impl DossierInput {
    /// Checks every field and names each that breaks a rule, all at once.
    pub fn validate(&self) -> Result<ValidDossier, FieldErrors> {
        let mut errors = Vec::new();
        let code = DossierCode::parse(&self.code)
            .map_err(|e| errors.push(e.at("code", &self.code)))
            .ok();
        let procedure_code = ProcedureCode::parse(&self.procedure_code)
            .map_err(|e| errors.push(e.at("procedure_code", &self.procedure_code)))
            .ok();
        let mut applicants: Vec<String> = Vec::new();
        if self.applicants.is_empty() {
            errors.push(RuleError::new(&m::DOSSIER_APPLICANTS_NONE).at("applicants", ""));
        } else if self.applicants.len() > MAX_APPLICANTS {
            errors.push(
                RuleError::new(&m::DOSSIER_APPLICANTS_TOO_MANY)
                    .with("max", MAX_APPLICANTS)
                    .at("applicants", ""),
            );
        } else {
            for (i, raw) in self.applicants.iter().enumerate() {
                match OwnerId::parse(raw) {
                    Ok(id) if !applicants.contains(&id.to_string()) => {
                        applicants.push(id.to_string())
                    }
                    Ok(_) => errors.push(
                        RuleError::new(&m::DOSSIER_APPLICANT_REPEATED)
                            .at(&format!("applicants[{i}]"), raw),
                    ),
                    Err(e) => errors.push(e.at(&format!("applicants[{i}]"), raw)),
                }
            }
        }
        let receiving_agency = AgencyCode::parse(&self.receiving_agency)
            .map_err(|e| errors.push(e.at("receiving_agency", &self.receiving_agency)))
            .ok();
        let received_on = crate::parse_date(&self.received_on)
            .map_err(|e| errors.push(e.at("received_on", &self.received_on)))
            .ok();
        if let (Some(code), Some(date)) = (&code, received_on) {
            if code.received_on() != date {
                errors.push(
                    RuleError::new(&m::DOSSIER_DATE_MISMATCH)
                        .with("code", code)
                        .with("date", crate::iso_date(code.received_on()))
                        .at("received_on", &self.received_on),
                );
            }
        }
        if let (Some(code), Some(agency)) = (&code, &receiving_agency) {
            if code.agency().level1_unit() != agency.level1_unit() {
                errors.push(
                    RuleError::new(&m::DOSSIER_AGENCY_MISMATCH)
                        .with("code", code)
                        .with("unit", code.agency().level1_unit())
                        .at("receiving_agency", &self.receiving_agency),
                );
            }
        }
        match (code, procedure_code, receiving_agency, received_on) {
            (Some(code), Some(procedure), Some(agency), Some(received_on)) if errors.is_empty() => {
                Ok(ValidDossier {
                    code: code.to_string(),
                    procedure_code: procedure.to_string(),
                    applicants,
                    receiving_agency: agency.as_str().to_string(),
                    received_on,
                })
            }
            _ => Err(FieldErrors(errors)),
        }
    }
}

/// A dossier whose fields passed [`DossierInput::validate`], not yet registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDossier {
    pub code: String,
    pub procedure_code: String,
    pub applicants: Vec<String>,
    pub receiving_agency: String,
    pub received_on: Date,
}

impl ValidDossier {
    /// The dossier as kept, registered now by `by`.
    pub fn registered(self, at: OffsetDateTime, by: &str) -> Dossier {
        Dossier {
            code: self.code,
            procedure_code: self.procedure_code,
            applicants: self.applicants,
            receiving_agency: self.receiving_agency,
            received_on: self.received_on,
            registered_at: at,
            registered_by: by.to_string(),
        }
    }

    /// The level-1 unit (province or ministry) of the agency that received it.
    pub fn level1_unit(&self) -> String {
        DossierCode::parse(&self.code)
            .map(|c| c.agency().level1_unit().to_string())
            .unwrap_or_default()
    }
}

impl Dossier {
    pub fn has_applicant(&self, owner_id: &str) -> bool {
        self.applicants.iter().any(|a| a == owner_id.trim())
    }
}

/// The columns of a list of dossiers (`kho dossier import`): applicants separated by `;`.
pub const DOSSIER_LIST_COLUMNS: [&str; 5] = [
    "code",
    "procedure_code",
    "applicants",
    "receiving_agency",
    "received_on",
];

/// One row of a list of dossiers: its line number (the header is line 1) and what it holds.
pub type DossierRow = (usize, Result<ValidDossier, FieldErrors>);

/// Reads a list of dossiers (CSV with the header [`DOSSIER_LIST_COLUMNS`], UTF-8), each row
/// validated on its own so that one bad row does not stop the others. A missing column or
/// unreadable CSV stops the whole list.
pub fn read_dossier_list(text: &str) -> Result<Vec<DossierRow>, RuleError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| RuleError::new(&m::DOSSIER_LIST_HEADER).with("why", e))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| {
                RuleError::new(&m::DOSSIER_LIST_COLUMN)
                    .with("name", format!("{name:?}"))
                    .with("columns", DOSSIER_LIST_COLUMNS.join(","))
            })
    };
    let at: Vec<usize> = DOSSIER_LIST_COLUMNS
        .iter()
        .map(|name| column(name))
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                rows.push((
                    line,
                    Err(FieldErrors(vec![RuleError::new(&m::DOSSIER_LIST_ROW)
                        .with("why", e)
                        .at("code", "")])),
                ));
                continue;
            }
        };
        let cell = |k: usize| record.get(at[k]).unwrap_or("").trim().to_string();
        let input = DossierInput {
            code: cell(0),
            procedure_code: cell(1),
            applicants: cell(2)
                .split(';')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
            receiving_agency: cell(3),
            received_on: cell(4),
        };
        rows.push((line, input.validate()));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> DossierInput {
        DossierInput {
            code: "000.00.00.H47-261120-0007".into(),
            procedure_code: "1.001193".into(),
            applicants: vec!["049075001234".into()],
            receiving_agency: "000.00.15.H47".into(),
            received_on: "20/11/2026".into(),
        }
    }

    #[test]
    fn a_well_formed_dossier_is_kept_and_an_applicant_named_twice_is_said() {
        let valid = input().validate().unwrap();
        assert_eq!(valid.applicants, vec!["049075001234"]);
        let twice = DossierInput {
            applicants: vec!["049075001234".into(), "049075001234".into()],
            ..input()
        };
        let errors = twice.validate().unwrap_err();
        assert_eq!(errors.0[0].field, "applicants[1]");
        assert_eq!(errors.0[0].code(), "dossier.applicants.repeated");
        assert_eq!(valid.level1_unit(), "H47");
        assert_eq!(crate::iso_date(valid.received_on), "2026-11-20");
    }

    #[test]
    fn every_broken_field_is_named_at_once() {
        let bad = DossierInput {
            code: "H47-1".into(),
            procedure_code: "".into(),
            applicants: vec!["12345".into()],
            receiving_agency: "nowhere".into(),
            received_on: "31/02/2026".into(),
        };
        let errors = bad.validate().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "code",
                "procedure_code",
                "applicants[0]",
                "receiving_agency",
                "received_on"
            ]
        );
        let none = DossierInput {
            applicants: vec![],
            ..input()
        };
        assert_eq!(none.validate().unwrap_err().0[0].field, "applicants");
    }

    #[test]
    fn the_date_and_agency_agree_with_the_code() {
        let late = DossierInput {
            received_on: "2026-11-21".into(),
            ..input()
        };
        assert_eq!(late.validate().unwrap_err().0[0].field, "received_on");
        let elsewhere = DossierInput {
            receiving_agency: "000.00.15.H29".into(),
            ..input()
        };
        assert_eq!(
            elsewhere.validate().unwrap_err().0[0].field,
            "receiving_agency"
        );
    }

    #[test]
    fn a_list_is_read_row_by_row() {
        let list = "code,procedure_code,applicants,receiving_agency,received_on\n\
            000.00.00.H47-261120-0007,1.001193,049075001234;079305000001,000.00.15.H47,2026-11-20\n\
            bad,1.001193,049075001234,000.00.15.H47,2026-11-20\n";
        let rows = read_dossier_list(list).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.as_ref().unwrap().applicants.len(), 2);
        assert_eq!(rows[1].0, 3);
        assert_eq!(rows[1].1.as_ref().unwrap_err().0[0].field, "code");
        assert!(read_dossier_list("code,applicants\n").is_err());
    }

    #[test]
    fn the_check_is_named() {
        assert_eq!(DossierCheck::parse("FORMAT").unwrap(), DossierCheck::Format);
        assert_eq!(DossierCheck::default(), DossierCheck::Registered);
        assert!(DossierCheck::parse("loose").is_err());
    }
}
