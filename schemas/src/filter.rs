//! Which of an owner's documents a clerk asks for ("what can be reused for this procedure"):
//! those a procedure produced, those of a type, those valid today.

use crate::ids::ProcedureCode;
use crate::{Date, DocumentRecord, FieldError, State};

/// A filter over an owner's documents. The empty filter keeps every document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentFilter {
    /// Only documents this procedure produced.
    pub procedure: Option<ProcedureCode>,
    /// Only documents of this type (key).
    pub doc_type: Option<String>,
    /// Only documents valid today: what can be reused.
    pub valid_only: bool,
}

fn given(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

impl DocumentFilter {
    /// The filter as typed (query parameters, flags); empty values count as absent. A malformed
    /// procedure code is an error on the field `procedure`.
    pub fn parse(
        procedure: Option<&str>,
        doc_type: Option<&str>,
        valid_only: bool,
    ) -> Result<Self, FieldError> {
        let procedure = given(procedure)
            .map(|p| ProcedureCode::parse(p).map_err(|e| e.at("procedure", p)))
            .transpose()?;
        Ok(DocumentFilter {
            procedure,
            doc_type: given(doc_type).map(str::to_string),
            valid_only,
        })
    }

    /// Whether `record` passes, its state taken as of `today`.
    pub fn matches(&self, record: &DocumentRecord, today: Date) -> bool {
        let m = &record.metadata;
        self.procedure
            .as_ref()
            .is_none_or(|p| m.procedure_code.as_ref() == Some(p))
            && self.doc_type.as_deref().is_none_or(|t| m.doc_type == t)
            && (!self.valid_only || record.state(today) == State::Valid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lifecycle;
    use time::macros::{date, datetime};

    fn record(procedure: Option<&str>, doc_type: &str) -> DocumentRecord {
        let mut record = crate::record::sample("049075001234");
        record.metadata.procedure_code = procedure.map(|p| ProcedureCode::parse(p).unwrap());
        record.metadata.doc_type = doc_type.into();
        record
    }

    #[test]
    fn filters_by_procedure_type_and_validity() {
        let today = date!(2026 - 06 - 01);
        let birth = record(Some("1.001193"), "birth_certificate");
        let marriage = record(None, "marriage_certificate");
        let all = DocumentFilter::parse(None, Some(" "), false).unwrap();
        assert_eq!(all, DocumentFilter::default());
        assert!(all.matches(&birth, today) && all.matches(&marriage, today));
        let by_procedure = DocumentFilter::parse(Some(" 1.001193 "), None, false).unwrap();
        assert!(by_procedure.matches(&birth, today));
        assert!(!by_procedure.matches(&marriage, today));
        let by_type = DocumentFilter::parse(None, Some("marriage_certificate"), false).unwrap();
        assert!(!by_type.matches(&birth, today) && by_type.matches(&marriage, today));
        let valid = DocumentFilter::parse(None, None, true).unwrap();
        let mut revoked = birth.clone();
        revoked.lifecycle = Lifecycle::Revoked {
            reason: "cấp sai".into(),
            at: datetime!(2026-02-01 0:00 UTC),
            by: "op".into(),
        };
        assert!(valid.matches(&birth, today) && !valid.matches(&revoked, today));
        let bad = DocumentFilter::parse(Some("1-2"), None, false).unwrap_err();
        assert_eq!(bad.field, "procedure");
    }
}
