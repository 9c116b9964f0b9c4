//! From what an operator typed (CLI flags, a manifest row, a form) to validated metadata.

use crate::ids::{AgencyCode, DossierCode, OwnerId, ProcedureCode, ResultCode};
use crate::{
    clean_text, parse_date, DocTypes, DocumentMetadata, FieldError, FieldErrors, RuleError,
    Validity,
};
use time::Date;

/// Longest accepted free-text field, in characters; longer input is an error, not truncated.
pub const MAX_FIELD_CHARS: usize = 1000;
/// The summary (trích yếu) may be longer.
pub const MAX_SUMMARY_CHARS: usize = 10_000;

/// Metadata as typed: every field optional text. Empty text means unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct MetadataInput {
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub doc_type: Option<String>,
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub issuer_code: Option<String>,
    pub doc_number: Option<String>,
    pub issued_on: Option<String>,
    pub signer: Option<String>,
    pub valid_until: Option<String>,
    pub validity_scope: Option<String>,
    pub dossier_code: Option<String>,
    pub procedure_code: Option<String>,
    pub result_code: Option<String>,
    pub summary: Option<String>,
}

/// Collects every field error instead of stopping at the first.
struct Checker<'a> {
    errors: Vec<FieldError>,
    input: &'a MetadataInput,
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Checker<'_> {
    fn parse<T>(
        &mut self,
        field: &str,
        raw: &Option<String>,
        parse: impl FnOnce(&str) -> Result<T, RuleError>,
    ) -> Option<T> {
        let raw = present(raw)?;
        match parse(raw) {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e.at(field, raw));
                None
            }
        }
    }

    fn text(&mut self, field: &str, raw: &Option<String>, max_chars: usize) -> Option<String> {
        self.parse(field, raw, |s| {
            let n = s.chars().count();
            if n > max_chars {
                return Err(RuleError(format!(
                    "at most {max_chars} characters, got {n}"
                )));
            }
            Ok(clean_text(s))
        })
        .flatten()
    }

    fn required(&mut self, field: &str, raw: &Option<String>, what: &str) -> bool {
        if present(raw).is_none() {
            self.errors
                .push(RuleError(format!("{what} is required")).at(field, ""));
            return false;
        }
        true
    }
}

/// The fields by their manifest column (and form field) names: the one list `set` and `get`
/// are made from.
macro_rules! named_fields {
    ($($name:ident),* $(,)?) => {
        impl MetadataInput {
            /// Sets a field by its manifest column (and form field) name; `false` for a name that
            /// is not a metadata field.
            pub fn set(&mut self, field: &str, value: String) -> bool {
                match field {
                    $(stringify!($name) => self.$name = Some(value),)*
                    _ => return false,
                }
                true
            }

            /// A field as given, by its manifest column (and form field) name.
            pub fn get(&self, field: &str) -> Option<&str> {
                match field {
                    $(stringify!($name) => self.$name.as_deref(),)*
                    _ => None,
                }
            }
        }
    };
}

named_fields!(
    owner_id,
    owner_name,
    doc_type,
    title,
    issuer,
    issuer_code,
    issued_on,
    valid_until,
    validity_scope,
    signer,
    dossier_code,
    procedure_code,
    result_code,
    doc_number,
    summary,
);

impl MetadataInput {
    /// Validates every field against the domain rules, the document-type table and today's date.
    /// All broken rules are reported at once.
    pub fn validate(&self, types: &DocTypes, today: Date) -> Result<DocumentMetadata, FieldErrors> {
        let mut c = Checker {
            errors: Vec::new(),
            input: self,
        };
        let i = c.input;
        let owner_id = if c.required("owner_id", &i.owner_id, "the owner's ID") {
            c.parse("owner_id", &i.owner_id, OwnerId::parse)
        } else {
            None
        };
        let doc_type = if c.required("doc_type", &i.doc_type, "the document type") {
            c.parse("doc_type", &i.doc_type, |s| types.require(s).cloned())
        } else {
            None
        };
        let owner_name = c.text("owner_name", &i.owner_name, MAX_FIELD_CHARS);
        let title = c.text("title", &i.title, MAX_FIELD_CHARS);
        let issuer = c.text("issuer", &i.issuer, MAX_FIELD_CHARS);
        let doc_number = c.text("doc_number", &i.doc_number, MAX_FIELD_CHARS);
        let signer = c.text("signer", &i.signer, MAX_FIELD_CHARS);
        let validity_scope = c.text("validity_scope", &i.validity_scope, MAX_FIELD_CHARS);
        let summary = c.text("summary", &i.summary, MAX_SUMMARY_CHARS);
        let issuer_code = c.parse("issuer_code", &i.issuer_code, AgencyCode::parse);
        let procedure_code = c.parse("procedure_code", &i.procedure_code, ProcedureCode::parse);
        let result_code = c.parse("result_code", &i.result_code, ResultCode::parse);
        let mut dossier_code = c.parse("dossier_code", &i.dossier_code, DossierCode::parse);
        let issued_on = c.parse("issued_on", &i.issued_on, |s| {
            let d = parse_date(s)?;
            if d > today {
                return Err(RuleError(format!(
                    "an issue date cannot be in the future (today is {today})"
                )));
            }
            Ok(d)
        });
        let mut valid_until = c
            .parse("valid_until", &i.valid_until, Validity::parse)
            .unwrap_or_default();
        if let (Validity::Until(until), Some(issued)) = (valid_until, issued_on) {
            if until < issued {
                c.errors.push(
                    RuleError(format!(
                        "a document cannot expire before it is issued ({issued})"
                    ))
                    .at("valid_until", present(&i.valid_until).unwrap_or_default()),
                );
            }
        }
        if let Some(result) = &result_code {
            match &dossier_code {
                None => dossier_code = Some(result.dossier().clone()),
                Some(dossier) if dossier != result.dossier() => c.errors.push(
                    RuleError(format!(
                        "a result code starts with the code of its dossier, and this one's is {}",
                        result.dossier()
                    ))
                    .at("dossier_code", dossier.as_str()),
                ),
                Some(_) => {}
            }
        }
        if !c.errors.is_empty() {
            return Err(FieldErrors(c.errors));
        }
        let (Some(owner_id), Some(doc_type)) = (owner_id, doc_type) else {
            return Err(FieldErrors(vec![RuleError::new(
                "owner and type are required",
            )
            .at("owner_id", "")]));
        };
        if valid_until == Validity::Unknown && present(&i.valid_until).is_none() {
            valid_until = doc_type.default_validity(issued_on);
        }
        Ok(DocumentMetadata {
            owner_id,
            owner_name,
            title: title.unwrap_or_else(|| doc_type.title.clone()),
            doc_type: doc_type.key,
            issuer,
            issuer_code,
            doc_number,
            issued_on,
            signer,
            valid_until,
            validity_scope,
            dossier_code,
            procedure_code,
            result_code,
            summary,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 27);

    #[test]
    fn fields_are_set_and_read_back_by_their_column_names() {
        let mut m = MetadataInput::default();
        assert!(m.set("issuer", "UBND xã Tam Xuân".into()));
        assert!(m.set("doc_number", "12/KS".into()));
        assert!(!m.set("csrf", "x".into()));
        assert_eq!(m.issuer.as_deref(), Some("UBND xã Tam Xuân"));
        assert_eq!(m.get("doc_number"), Some("12/KS"));
        assert_eq!(m.get("title"), None);
        assert_eq!(m.get("csrf"), None);
    }

    fn input(owner: &str, doc_type: &str) -> MetadataInput {
        MetadataInput {
            owner_id: Some(owner.into()),
            doc_type: Some(doc_type.into()),
            ..Default::default()
        }
    }

    #[test]
    fn fills_defaults_from_the_type() {
        let mut i = input("049075001234", "marital_status_confirmation");
        i.issued_on = Some("15/08/2026".into());
        i.owner_name = Some("  Nguye\u{302}\u{303}n  Văn Đức ".into());
        let m = i.validate(&DocTypes::builtin(), TODAY).unwrap();
        assert_eq!(m.title, "Giấy xác nhận tình trạng hôn nhân");
        assert_eq!(m.owner_name.as_deref(), Some("Nguyễn Văn Đức"));
        assert_eq!(m.valid_until, Validity::Until(date!(2027 - 02 - 15)));
    }

    #[test]
    fn reports_every_broken_rule_with_its_field() {
        let mut i = input("04907500123", "passport");
        i.issued_on = Some("2023-02-30".into());
        i.dossier_code = Some("000.00.00.H47-240501-0001".into());
        i.result_code = Some("000.00.00.H47-240502-0001-KQ1".into());
        i.title = Some("x".repeat(MAX_FIELD_CHARS + 1));
        let errors = i.validate(&DocTypes::builtin(), TODAY).unwrap_err();
        let text = errors.to_string();
        assert!(
            text.contains("owner_id 04907500123: a personal ID has 12 digits, got 11"),
            "{text}"
        );
        assert!(
            text.contains("doc_type passport: unknown document type"),
            "{text}"
        );
        assert!(
            text.contains("issued_on 2023-02-30: 2023-02-30 is not a real date"),
            "{text}"
        );
        assert!(
            text.contains("dossier_code 000.00.00.H47-240501-0001: a result code starts"),
            "{text}"
        );
        assert!(text.contains("title"), "{text}");
        assert_eq!(errors.0.len(), 5);
    }

    #[test]
    fn required_fields_and_date_order() {
        let errors = MetadataInput::default()
            .validate(&DocTypes::builtin(), TODAY)
            .unwrap_err();
        assert_eq!(errors.0.len(), 2);
        assert_eq!(
            errors.0[0].to_string(),
            "owner_id (empty): the owner's ID is required"
        );
        let mut i = input("0100109106", "construction_permit");
        i.issued_on = Some("2025-01-10".into());
        i.valid_until = Some("2025-01-09".into());
        assert!(i.validate(&DocTypes::builtin(), TODAY).is_err());
        i.issued_on = Some("2027-01-01".into());
        i.valid_until = None;
        let e = i
            .validate(&DocTypes::builtin(), TODAY)
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot be in the future"), "{e}");
    }

    #[test]
    fn result_code_gives_the_dossier() {
        let mut i = input("049075001234", "birth_certificate");
        i.result_code = Some("000.00.00.h47-240501-0001-kq1".into());
        let m = i.validate(&DocTypes::builtin(), TODAY).unwrap();
        assert_eq!(
            m.dossier_code.unwrap().as_str(),
            "000.00.00.H47-240501-0001"
        );
        assert_eq!(m.valid_until, Validity::Permanent);
    }
}
