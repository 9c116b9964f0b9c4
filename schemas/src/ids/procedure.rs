use super::agency::is_level1_unit;
use super::{string_identifier, AgencyCode};
use crate::messages as m;
use crate::RuleError;

/// Administrative procedure code (mã thủ tục hành chính) from the national procedure database:
/// `D.DDDDDD`, optionally followed by `.NN` or by `.{agency code}` (e.g. `1.001193`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcedureCode {
    text: String,
}
string_identifier!(ProcedureCode);

impl ProcedureCode {
    pub fn parse(s: &str) -> Result<Self, RuleError> {
        let text = s.trim().to_ascii_uppercase();
        let b = text.as_bytes();
        let base_ok = b.len() >= 8
            && b[0].is_ascii_digit()
            && b[1] == b'.'
            && b[2..8].iter().all(u8::is_ascii_digit);
        if !base_ok {
            return Err(RuleError::new(&m::PROCEDURE_CODE_SHAPE).with("got", text));
        }
        // The first 8 bytes are ASCII, so 8 is a character boundary.
        let rest = &text[8..];
        if !rest.is_empty() {
            let suffix = rest.strip_prefix('.').unwrap_or(rest);
            let two_digits = suffix.len() == 2 && suffix.bytes().all(|b| b.is_ascii_digit());
            if !rest.starts_with('.') || !(two_digits || AgencyCode::parse(suffix).is_ok()) {
                return Err(RuleError::new(&m::PROCEDURE_CODE_SUFFIX).with("got", rest));
            }
        }
        Ok(ProcedureCode { text })
    }
}

/// Result catalogue code: `KQ.{ministry code}.{6 digits}`, e.g. `KQ.G15.000031` (birth certificate).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CatalogueCode {
    text: String,
}
string_identifier!(CatalogueCode);

impl CatalogueCode {
    pub fn parse(s: &str) -> Result<Self, RuleError> {
        let text = s.trim().to_ascii_uppercase();
        let parts: Vec<&str> = text.split('.').collect();
        let ok = parts.len() == 3
            && parts[0] == "KQ"
            && is_level1_unit(parts[1])
            && parts[2].len() == 6
            && parts[2].bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(CatalogueCode { text })
        } else {
            Err(RuleError::new(&m::CATALOGUE_CODE_SHAPE).with("got", text))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn procedure_codes() {
        assert!(ProcedureCode::parse("1.001193").is_ok());
        assert!(ProcedureCode::parse("1.001193.01").is_ok());
        assert!(ProcedureCode::parse("1.001193.000.00.00.H47").is_ok());
        assert!(ProcedureCode::parse("1.001193.H47").is_ok());
        assert!(ProcedureCode::parse("1.00119").is_err());
        assert!(ProcedureCode::parse("1.001193x").is_err());
        assert!(ProcedureCode::parse("1.001193.1").is_err());
        assert!(ProcedureCode::parse("1.0011é3").is_err());
    }

    #[test]
    fn catalogue_codes() {
        assert!(CatalogueCode::parse("KQ.G15.000031").is_ok());
        assert!(CatalogueCode::parse("KQ.G15.00003").is_err());
        assert!(CatalogueCode::parse("XX.G15.000031").is_err());
    }

    proptest! {
        #[test]
        fn generated_codes_parse(code in "[0-9]\\.[0-9]{6}(\\.[0-9]{2})?") {
            prop_assert!(ProcedureCode::parse(&code).is_ok());
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = ProcedureCode::parse(&s);
            let _ = CatalogueCode::parse(&s);
        }
    }
}
