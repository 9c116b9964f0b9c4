use super::{require_digits, string_identifier};
use crate::messages as m;
use crate::provinces::{province_by_code, Province};
use crate::RuleError;

/// Personal identification number (số định danh cá nhân), the 12 digits on the citizen ID card:
/// 3 digits of the province of birth registration, 1 century/gender digit, 2 digits of the birth
/// year, 6 random digits. There is no check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonalId {
    text: String,
}
string_identifier!(PersonalId);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

impl PersonalId {
    /// Parses and validates against the current year (a birth year cannot be in the future).
    pub fn parse(s: &str) -> Result<Self, RuleError> {
        Self::parse_in_year(s, crate::date::today().year())
    }

    /// Same as [`PersonalId::parse`], with "now" given, for reproducible checks.
    pub fn parse_in_year(s: &str, this_year: i32) -> Result<Self, RuleError> {
        let s = s.trim();
        require_digits(s, &m::PERSONAL_ID_WORDS)?;
        if s.len() != 12 {
            return Err(RuleError::new(&m::PERSONAL_ID_LENGTH).with("got", s.len()));
        }
        if province_by_code(&s[..3]).is_none() {
            return Err(RuleError::new(&m::PERSONAL_ID_PROVINCE).with("got", &s[..3]));
        }
        let id = PersonalId {
            text: s.to_string(),
        };
        let year = id.birth_year();
        if year > this_year {
            return Err(RuleError::new(&m::PERSONAL_ID_BIRTH_YEAR)
                .with("got", &s[3..6])
                .with("year", year));
        }
        Ok(id)
    }

    pub fn province(&self) -> &'static Province {
        // Parsing checked the code against the same table.
        province_by_code(&self.text[..3]).unwrap_or(&crate::provinces::UNKNOWN_PROVINCE)
    }

    fn century_digit(&self) -> u32 {
        u32::from(self.text.as_bytes()[3] - b'0')
    }

    /// Birth year: the century/gender digit picks 1900 + 100 * (digit / 2).
    pub fn birth_year(&self) -> i32 {
        let century = 1900 + 100 * (self.century_digit() / 2) as i32;
        let yy: i32 = self.text[4..6].parse().unwrap_or(0);
        century + yy
    }

    pub fn gender(&self) -> Gender {
        if self.century_digit() % 2 == 0 {
            Gender::Male
        } else {
            Gender::Female
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_province_year_and_gender() {
        let id = PersonalId::parse_in_year("049075001234", 2026).unwrap();
        assert_eq!(id.province().name, "Quảng Nam");
        assert_eq!(id.birth_year(), 1975);
        assert_eq!(id.gender(), Gender::Male);
        let id = PersonalId::parse_in_year("079305000001", 2026).unwrap();
        assert_eq!(id.birth_year(), 2005);
        assert_eq!(id.gender(), Gender::Female);
    }

    #[test]
    fn names_the_rule_it_broke() {
        let e = |s| PersonalId::parse_in_year(s, 2026).unwrap_err().to_string();
        assert_eq!(e("04907500123"), "a personal ID has 12 digits, got 11");
        assert!(e("04907500123x").contains("only digits, found 'x' at position 12"));
        assert!(e("003075001234").contains("003 is not a province code"));
        assert!(e("049475001234").contains("means 2175, which is in the future"));
        assert!(e("049227001234").contains("2027"));
    }

    proptest! {
        #[test]
        fn every_real_province_and_past_year_is_accepted(
            p in prop::sample::select(crate::provinces::PROVINCES.iter().map(|p| p.code).collect::<Vec<_>>()),
            century in 0u32..4, yy in 0u32..100, rest in 0u32..1_000_000,
        ) {
            let s = format!("{p}{century}{yy:02}{rest:06}");
            match PersonalId::parse_in_year(&s, 2026) {
                Ok(id) => {
                    prop_assert_eq!(id.as_str(), s.as_str());
                    prop_assert!(id.birth_year() <= 2026);
                }
                Err(e) => {
                    prop_assert!(1900 + 100 * (century / 2) as i32 + yy as i32 > 2026, "{}", e);
                }
            }
        }

        #[test]
        fn any_length_but_twelve_is_rejected(s in "[0-9]{0,11}|[0-9]{13,20}") {
            let e = PersonalId::parse_in_year(&s, 2026).unwrap_err();
            prop_assert!(e.to_string().contains("12 digits"), "{}", e);
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = PersonalId::parse_in_year(&s, 2026);
        }
    }
}
