//! From what an operator typed (CLI flags, a manifest row, a form) to validated metadata.

use crate::ids::{AgencyCode, DossierCode, OwnerId, ProcedureCode, ResultCode};
use crate::messages as m;
use crate::{
    clean_text, parse_date, DocTypes, DocumentMetadata, FieldError, FieldErrors, RuleError,
    Validity,
};
use time::Date;

/// Longest accepted free-text field, in characters; longer input is an error, not truncated.
pub const MAX_FIELD_CHARS: usize = 1000;
/// The summary (trích yếu) may be longer.
pub const MAX_SUMMARY_CHARS: usize = 10_000;
/// The earliest year an issue date (or an end of validity) may have. Archives keep colonial-era
/// papers (land titles of the 1880s), so the bound is not the Republic's founding; it catches a
/// year typed short ("0026", "26/05/0202"), which the date's shape alone lets through as year 26
/// or 202.
pub const EARLIEST_ISSUE_YEAR: i32 = 1800;

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
                return Err(RuleError::new(&m::TEXT_TOO_LONG)
                    .with("max", max_chars)
                    .with("got", n));
            }
            Ok(clean_text(s))
        })
        .flatten()
    }

    fn required(&mut self, field: &str, raw: &Option<String>, rule: &'static m::Entry) -> bool {
        if present(raw).is_none() {
            self.errors.push(RuleError::new(rule).at(field, ""));
            return false;
        }
        true
    }
}

/// One metadata field, as every interface names it: the manifest column, the upload form's field,
/// the JSON key of the record and of the API, and (with `-` for `_`) the command-line flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetadataField {
    pub name: &'static str,
    /// A document cannot be stored without it.
    pub required: bool,
    /// The `kho ingest` flag, without `--`: the name with `-` for `_`, or a shorter word.
    pub flag: &'static str,
    /// What it holds, in a line (the command line's and the API's help).
    pub about: &'static str,
}

/// The metadata fields of a document: the one list the typed input ([`MetadataInput`]), the
/// manifest's columns, the command line's flags, the upload form and its OpenAPI schema are made
/// from (or, for the typed record and its views, checked against).
macro_rules! metadata_fields {
    ($($name:ident: $required:literal, $flag:literal, $about:literal;)*) => {
        /// Metadata as typed (command-line flags, a manifest row, a form): every field optional
        /// text. Empty text means unknown.
        #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
        #[serde(default)]
        pub struct MetadataInput {
            $(#[doc = $about] pub $name: Option<String>,)*
        }

        /// Every metadata field, in the order forms and reports show them.
        pub const METADATA_FIELDS: &[MetadataField] = &[$(MetadataField {
            name: stringify!($name),
            required: $required,
            flag: $flag,
            about: $about,
        },)*];

        impl MetadataInput {
            /// Sets a field by its name; `false` for a name that is not a metadata field.
            pub fn set(&mut self, field: &str, value: String) -> bool {
                match field {
                    $(stringify!($name) => self.$name = Some(value),)*
                    _ => return false,
                }
                true
            }

            /// A field as given, by its name.
            pub fn get(&self, field: &str) -> Option<&str> {
                match field {
                    $(stringify!($name) => self.$name.as_deref(),)*
                    _ => None,
                }
            }
        }
    };
}

metadata_fields! {
    owner_id: true, "owner", "The owner: a 12-digit personal ID or a 10-digit enterprise code (a dependent unit: 10 digits, a dash and 3).";
    owner_name: false, "owner-name", "The owner's name as the document writes it.";
    doc_type: true, "doc-type", "The document type's key (`kho types` lists them).";
    title: false, "title", "The document's title (default: the type's Vietnamese title).";
    doc_number: false, "doc-number", "The document's number (số ký hiệu).";
    issuer: false, "issuer", "The issuing agency's name.";
    issuer_code: false, "issuer-code", "The issuing agency's code, e.g. H47.15 or 000.00.00.H47.";
    issued_on: false, "issued-on", "The issue date: YYYY-MM-DD or DD/MM/YYYY.";
    signer: false, "signer", "Who signed it.";
    valid_until: false, "valid-until", "Valid until: a date, or `permanent` (default: from the document type).";
    validity_scope: false, "validity-scope", "Where or for what it is valid.";
    dossier_code: false, "dossier", "The dossier that produced it, e.g. 000.00.00.H47-240501-0001.";
    procedure_code: false, "procedure", "The procedure that produced it, e.g. 1.001193.";
    result_code: false, "result-code", "Its result code, e.g. 000.00.00.H47-240501-0001-KQ1.";
    summary: false, "summary", "Its summary (trích yếu).";
}

impl DocumentMetadata {
    /// A field's value as text, by its name (`None`: unknown, or not a field): dates as
    /// YYYY-MM-DD, validity as `permanent` or a date.
    pub fn value(&self, field: &str) -> Option<String> {
        let text = |v: &Option<String>| v.clone();
        let code = |v: Option<&str>| v.map(str::to_string);
        match field {
            "owner_id" => Some(self.owner_id.to_string()),
            "owner_name" => text(&self.owner_name),
            "doc_type" => Some(self.doc_type.clone()),
            "title" => Some(self.title.clone()),
            "doc_number" => text(&self.doc_number),
            "issuer" => text(&self.issuer),
            "issuer_code" => code(self.issuer_code.as_ref().map(|c| c.as_str())),
            "issued_on" => self.issued_on.map(crate::iso_date),
            "signer" => text(&self.signer),
            "valid_until" => match self.valid_until {
                Validity::Permanent => Some("permanent".into()),
                Validity::Until(d) => Some(crate::iso_date(d)),
                Validity::Unknown => None,
            },
            "validity_scope" => text(&self.validity_scope),
            "dossier_code" => code(self.dossier_code.as_ref().map(|c| c.as_str())),
            "procedure_code" => code(self.procedure_code.as_ref().map(|c| c.as_str())),
            "result_code" => code(self.result_code.as_ref().map(|c| c.as_str())),
            "summary" => text(&self.summary),
            _ => None,
        }
    }

    /// Every field with its value, in the table's order.
    pub fn values(&self) -> impl Iterator<Item = (&'static MetadataField, Option<String>)> + '_ {
        METADATA_FIELDS.iter().map(|f| (f, self.value(f.name)))
    }
}

impl MetadataInput {
    /// Validates every field against the domain rules, the document-type table and today's date.
    /// All broken rules are reported at once.
    pub fn validate(&self, types: &DocTypes, today: Date) -> Result<DocumentMetadata, FieldErrors> {
        let mut c = Checker {
            errors: Vec::new(),
            input: self,
        };
        let i = c.input;
        let owner_id = if c.required("owner_id", &i.owner_id, &m::OWNER_ID_REQUIRED) {
            c.parse("owner_id", &i.owner_id, OwnerId::parse)
        } else {
            None
        };
        let doc_type = if c.required("doc_type", &i.doc_type, &m::DOC_TYPE_REQUIRED) {
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
                return Err(RuleError::new(&m::ISSUED_ON_FUTURE).with("today", today));
            }
            if d.year() < EARLIEST_ISSUE_YEAR {
                return Err(
                    RuleError::new(&m::ISSUED_ON_TOO_EARLY).with("min", EARLIEST_ISSUE_YEAR)
                );
            }
            Ok(d)
        });
        let mut valid_until = c
            .parse("valid_until", &i.valid_until, |s| {
                match Validity::parse(s)? {
                    Validity::Until(d) if d.year() < EARLIEST_ISSUE_YEAR => {
                        Err(RuleError::new(&m::VALID_UNTIL_TOO_EARLY)
                            .with("min", EARLIEST_ISSUE_YEAR))
                    }
                    validity => Ok(validity),
                }
            })
            .unwrap_or_default();
        if let (Validity::Until(until), Some(issued)) = (valid_until, issued_on) {
            if until < issued {
                c.errors.push(
                    RuleError::new(&m::VALID_UNTIL_BEFORE_ISSUE)
                        .with("issued", issued)
                        .at("valid_until", present(&i.valid_until).unwrap_or_default()),
                );
            }
        }
        if let Some(result) = &result_code {
            match &dossier_code {
                None => dossier_code = Some(result.dossier().clone()),
                Some(dossier) if dossier != result.dossier() => c.errors.push(
                    RuleError::new(&m::RESULT_CODE_DOSSIER)
                        .with("dossier", result.dossier())
                        .at("dossier_code", dossier.as_str()),
                ),
                Some(_) => {}
            }
        }
        if !c.errors.is_empty() {
            return Err(FieldErrors(c.errors));
        }
        let (Some(owner_id), Some(doc_type)) = (owner_id, doc_type) else {
            return Err(FieldErrors(vec![
                RuleError::new(&m::OWNER_ID_REQUIRED).at("owner_id", "")
            ]));
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
    fn the_table_names_every_field_of_the_input_once() {
        let mut input = MetadataInput::default();
        for (i, field) in METADATA_FIELDS.iter().enumerate() {
            assert!(input.set(field.name, i.to_string()), "{}", field.name);
            assert!(
                METADATA_FIELDS[..i].iter().all(|f| f.name != field.name),
                "{} twice",
                field.name
            );
        }
        for (i, field) in METADATA_FIELDS.iter().enumerate() {
            assert_eq!(input.get(field.name), Some(i.to_string().as_str()));
        }
        let required: Vec<&str> = METADATA_FIELDS
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        assert_eq!(required, ["owner_id", "doc_type"]);
        for field in METADATA_FIELDS {
            let plain = field.name.replace('_', "-");
            assert!(
                field.flag == plain || plain.starts_with(field.flag) || field.flag == "result-code",
                "{}: --{}",
                field.name,
                field.flag
            );
        }
        assert_eq!(METADATA_FIELDS[0].flag, "owner");
    }

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
        assert_eq!(errors.0[0].code(), "owner_id.required");
        assert_eq!(errors.0[1].code(), "doc_type.required");
        assert!(errors.0[0]
            .render(crate::Lang::En)
            .starts_with("owner_id (empty): an owner ID is required"));
        assert_eq!(
            errors.0[1].render(crate::Lang::Vi),
            "doc_type (trống): cần loại giấy tờ"
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
        // A year typed short is named, with the field; an old paper is not refused.
        for short in ["0026-05-01", "01/01/0000", "26/05/0202"] {
            i.issued_on = Some(short.into());
            let errors = i.validate(&DocTypes::builtin(), TODAY).unwrap_err();
            assert_eq!(errors.0.len(), 1, "{short}");
            assert_eq!(errors.0[0].code(), "issued_on.too_early", "{short}");
            let said = errors.0[0].render(crate::Lang::Vi);
            assert!(said.starts_with(&format!("issued_on {short}: ")), "{said}");
            assert!(said.contains("1800"), "{said}");
        }
        i.issued_on = Some("15/03/1886".into());
        assert!(i.validate(&DocTypes::builtin(), TODAY).is_ok());
        i.issued_on = None;
        i.valid_until = Some("31/12/0026".into());
        let errors = i.validate(&DocTypes::builtin(), TODAY).unwrap_err();
        assert_eq!(errors.0[0].code(), "valid_until.too_early");
    }

    #[test]
    fn a_record_has_a_value_for_every_field_of_the_table() {
        let mut i = input("049075001234", "birth_certificate");
        for (field, value) in [
            ("owner_name", "Nguyễn Văn Đức"),
            ("title", "Giấy khai sinh"),
            ("doc_number", "12/KS"),
            ("issuer", "UBND xã Tam Xuân"),
            ("issuer_code", "H47.15"),
            ("issued_on", "2020-01-02"),
            ("signer", "Lê Văn A"),
            ("valid_until", "permanent"),
            ("validity_scope", "cả nước"),
            ("procedure_code", "1.001193"),
            ("result_code", "000.00.00.H47-240501-0001-KQ1"),
            ("summary", "Đăng ký khai sinh"),
        ] {
            assert!(i.set(field, value.into()));
        }
        let m = i.validate(&DocTypes::builtin(), TODAY).unwrap();
        let missing: Vec<&str> = m
            .values()
            .filter(|(_, v)| v.is_none())
            .map(|(f, _)| f.name)
            .collect();
        assert!(missing.is_empty(), "no value for {missing:?}");
        assert_eq!(m.value("issued_on").as_deref(), Some("2020-01-02"));
        assert_eq!(
            m.value("dossier_code").as_deref(),
            Some("000.00.00.H47-240501-0001")
        );
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
