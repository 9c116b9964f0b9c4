use super::{require_digits, string_identifier};
use crate::messages as m;
use crate::RuleError;

/// Enterprise code / tax code (mã số doanh nghiệp / mã số thuế): 10 digits whose last is a check
/// digit, optionally followed by `-NNN` for a dependent unit (branch).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnterpriseCode {
    text: String,
}
string_identifier!(EnterpriseCode);

const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/// The check digit that the first nine digits require, or `None` when the formula gives 10,
/// which no issued code can carry.
pub(crate) fn check_digit(first9: &[u8]) -> Option<u32> {
    let sum: u32 = first9
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let digit = 10 - sum % 11;
    (digit < 10).then_some(digit)
}

impl EnterpriseCode {
    pub fn parse(s: &str) -> Result<Self, RuleError> {
        let s = s.trim();
        let (main, branch) = match s.split_once('-') {
            Some((main, branch)) => (main, Some(branch)),
            None => (s, None),
        };
        require_digits(main, &m::ENTERPRISE_CODE_WORDS)?;
        if main.len() != 10 {
            return Err(RuleError::new(&m::ENTERPRISE_CODE_LENGTH).with("got", main.len()));
        }
        if let Some(branch) = branch {
            if branch.len() != 3 || !branch.bytes().all(|b| b.is_ascii_digit()) {
                return Err(RuleError::new(&m::ENTERPRISE_CODE_BRANCH).with("got", branch));
            }
            if branch == "000" {
                return Err(RuleError::new(&m::ENTERPRISE_CODE_BRANCH_ZERO).with("got", branch));
            }
        }
        let bytes = main.as_bytes();
        let given = u32::from(bytes[9] - b'0');
        match check_digit(&bytes[..9]) {
            None => Err(RuleError::new(&m::ENTERPRISE_CODE_NO_CHECK_DIGIT).with("got", &main[..9])),
            Some(expected) if expected != given => {
                Err(RuleError::new(&m::ENTERPRISE_CODE_CHECK_DIGIT)
                    .with("expected", expected)
                    .with("got", given))
            }
            Some(_) => Ok(EnterpriseCode {
                text: s.to_string(),
            }),
        }
    }

    /// The 10-digit code of the enterprise itself, without a branch suffix.
    pub fn head_office(&self) -> &str {
        &self.text[..10]
    }

    pub fn branch(&self) -> Option<&str> {
        self.text.get(11..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_codes() {
        let code = EnterpriseCode::parse("0100109106").unwrap();
        assert_eq!(code.head_office(), "0100109106");
        assert_eq!(code.branch(), None);
        let branch = EnterpriseCode::parse("0100109106-001").unwrap();
        assert_eq!(branch.branch(), Some("001"));
        assert!(EnterpriseCode::parse("0100109107")
            .unwrap_err()
            .to_string()
            .contains("require 6, got 7"));
        assert!(EnterpriseCode::parse("0100109106-000").is_err());
        assert!(EnterpriseCode::parse("0100109106-01").is_err());
        assert!(EnterpriseCode::parse("010010910")
            .unwrap_err()
            .to_string()
            .contains("got 9"));
    }

    proptest! {
        #[test]
        fn the_computed_check_digit_is_accepted_and_every_other_refused(first9 in "[0-9]{9}", other in 0u32..10) {
            let with = |d: u32| format!("{}{}", first9, d);
            match check_digit(first9.as_bytes()) {
                Some(d) => {
                    let good = with(d);
                    prop_assert!(EnterpriseCode::parse(&good).is_ok());
                    let bad = with(other);
                    if other != d {
                        prop_assert!(EnterpriseCode::parse(&bad).is_err());
                    }
                }
                None => {
                    let bad = with(other);
                    prop_assert!(EnterpriseCode::parse(&bad).is_err());
                }
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = EnterpriseCode::parse(&s);
        }
    }
}
