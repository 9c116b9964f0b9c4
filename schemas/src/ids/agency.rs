use super::string_identifier;
use crate::RuleError;

/// Agency identification code (mã định danh cơ quan). Two forms are in use and both are kept:
/// the QĐ 20/2020 form `[A-Y]NN(.PART)*` (at most 35 characters, e.g. `H47.15`) and the older
/// QCVN 102 form `NNN.NN.NN.[A-Y]NN` (e.g. `000.00.00.H47`), which dossier codes embed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgencyCode {
    pub(super) text: String,
    pub(super) form: AgencyCodeForm,
}
string_identifier!(AgencyCode);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgencyCodeForm {
    /// `[A-Y]\d{2}(\.[0-9A-Z]+)*`, Decision 20/2020/QĐ-TTg.
    Qd20,
    /// `\d{3}\.\d{2}\.\d{2}\.[A-Y]\d{2}`, QCVN 102:2016/BTTTT.
    Qcvn102,
}

/// `[A-Y]\d{2}`: the level-1 unit letter (ministries G, provinces H, ...) and two digits.
pub(crate) fn is_level1_unit(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3 && (b'A'..=b'Y').contains(&b[0]) && b[1].is_ascii_digit() && b[2].is_ascii_digit()
}

fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// Checks the QCVN 102 form alone, for dossier codes which require it.
pub(crate) fn check_qcvn102(s: &str) -> Result<(), RuleError> {
    let parts: Vec<&str> = s.split('.').collect();
    let ok = parts.len() == 4
        && is_digits(parts[0], 3)
        && is_digits(parts[1], 2)
        && is_digits(parts[2], 2)
        && is_level1_unit(parts[3]);
    if ok {
        Ok(())
    } else {
        Err(RuleError::new(&crate::messages::AGENCY_CODE_QCVN102).with("got", s))
    }
}

impl AgencyCode {
    pub const MAX_LEN: usize = 35;

    /// Letters are taken in either case and stored upper-case.
    pub fn parse(s: &str) -> Result<Self, RuleError> {
        let text = s.trim().to_ascii_uppercase();
        if text.is_empty() {
            return Err(RuleError::new(&crate::messages::AGENCY_CODE_EMPTY));
        }
        if text.as_bytes()[0].is_ascii_digit() {
            check_qcvn102(&text)?;
            return Ok(AgencyCode {
                text,
                form: AgencyCodeForm::Qcvn102,
            });
        }
        if text.len() > Self::MAX_LEN {
            return Err(RuleError::new(&crate::messages::AGENCY_CODE_LENGTH)
                .with("max", Self::MAX_LEN)
                .with("got", text.len()));
        }
        let mut parts = text.split('.');
        let head = parts.next().unwrap_or_default();
        if !is_level1_unit(head) {
            return Err(RuleError::new(&crate::messages::AGENCY_CODE_HEAD).with("got", head));
        }
        if let Some(bad) =
            parts.find(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(
                RuleError::new(&crate::messages::AGENCY_CODE_PARTS).with("got", format!("{bad:?}"))
            );
        }
        Ok(AgencyCode {
            text,
            form: AgencyCodeForm::Qd20,
        })
    }

    pub fn form(&self) -> AgencyCodeForm {
        self.form
    }

    /// The level-1 unit (`H47`: a province; `G15`: a ministry) the agency belongs to: the head of
    /// a QĐ 20 code, the tail of a QCVN 102 code. The one thing both forms say alike.
    pub fn level1_unit(&self) -> &str {
        match self.form {
            AgencyCodeForm::Qd20 => self.text.split('.').next().unwrap_or_default(),
            AgencyCodeForm::Qcvn102 => self.text.rsplit('.').next().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn both_forms() {
        assert_eq!(
            AgencyCode::parse("H47").unwrap().form(),
            AgencyCodeForm::Qd20
        );
        assert_eq!(
            AgencyCode::parse("h47.15.2a").unwrap().as_str(),
            "H47.15.2A"
        );
        assert_eq!(
            AgencyCode::parse("000.00.00.H47").unwrap().form(),
            AgencyCodeForm::Qcvn102
        );
        assert!(AgencyCode::parse("Z47").is_err());
        assert!(AgencyCode::parse("H4").is_err());
        assert!(AgencyCode::parse("H47..1").is_err());
        assert!(AgencyCode::parse("000.00.H47").is_err());
        assert!(AgencyCode::parse(&format!("H47.{}", "1".repeat(40))).is_err());
    }

    proptest! {
        #[test]
        fn generated_qd20_codes_parse(
            head in "[A-Y][0-9]{2}",
            parts in prop::collection::vec("[0-9A-Z]{1,4}", 0..5),
        ) {
            let code = std::iter::once(head).chain(parts).collect::<Vec<_>>().join(".");
            prop_assert!(AgencyCode::parse(&code).is_ok(), "{}", code);
        }

        #[test]
        fn generated_qcvn102_codes_parse(code in "[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-Y][0-9]{2}") {
            prop_assert_eq!(AgencyCode::parse(&code).unwrap().form(), AgencyCodeForm::Qcvn102);
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = AgencyCode::parse(&s);
        }
    }
}
