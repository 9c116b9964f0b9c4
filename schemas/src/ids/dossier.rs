use super::agency::check_qcvn102;
use super::string_identifier;
use crate::messages as m;
use crate::RuleError;
use time::{Date, Month};

/// Dossier code (mã số hồ sơ): `{agency code in QCVN 102 form}-YYMMDD-XXXX`, where YYMMDD is the
/// reception date and XXXX the daily sequence from 0001 (Circular 01/2018/TT-VPCP art. 19).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DossierCode {
    text: String,
    received_on: Date,
}
string_identifier!(DossierCode);

impl DossierCode {
    pub fn parse(s: &str) -> Result<Self, RuleError> {
        let text = s.trim().to_ascii_uppercase();
        let mut parts = text.rsplitn(3, '-');
        let (Some(seq), Some(ymd), Some(agency)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(RuleError::new(&m::DOSSIER_CODE_SHAPE).with("got", text));
        };
        check_qcvn102(agency)?;
        let received_on = parse_yymmdd(ymd)?;
        if seq.len() != 4 || !seq.bytes().all(|b| b.is_ascii_digit()) || seq == "0000" {
            return Err(RuleError::new(&m::DOSSIER_CODE_SEQUENCE).with("got", seq));
        }
        Ok(DossierCode { text, received_on })
    }

    /// The agency that received the dossier (the QCVN 102 code the dossier code starts with).
    pub fn agency(&self) -> super::AgencyCode {
        let head = self.text.rsplitn(3, '-').nth(2).unwrap_or_default();
        // The code was checked at parse time, so this parse cannot fail; fall back to the whole
        // text rather than panic if it ever did.
        super::AgencyCode::parse(head).unwrap_or_else(|_| super::AgencyCode {
            text: head.to_string(),
            form: super::AgencyCodeForm::Qcvn102,
        })
    }

    /// The reception date encoded in the code.
    pub fn received_on(&self) -> Date {
        self.received_on
    }
}

fn parse_yymmdd(s: &str) -> Result<Date, RuleError> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RuleError::new(&m::DOSSIER_CODE_DATE_SHAPE).with("got", s));
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u8>().unwrap_or(0);
    let year = 2000 + i32::from(n(0..2));
    let date = Month::try_from(n(2..4))
        .ok()
        .and_then(|month| Date::from_calendar_date(year, month, n(4..6)).ok());
    date.ok_or_else(|| RuleError::new(&m::DOSSIER_CODE_DATE).with("got", s))
}

/// Result code in the store (mã kết quả): `{dossier code}-KQ{n}`, n the 1-based index of the
/// results of one dossier (Decree 45/2020 art. 14(3)).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResultCode {
    text: String,
    dossier: DossierCode,
    index: u32,
}
string_identifier!(ResultCode);

impl ResultCode {
    pub fn parse(s: &str) -> Result<Self, RuleError> {
        let text = s.trim().to_ascii_uppercase();
        let Some((dossier, n)) = text.rsplit_once("-KQ") else {
            return Err(RuleError::new(&m::RESULT_CODE_SHAPE).with("got", text));
        };
        let dossier = DossierCode::parse(dossier)?;
        let index = n
            .parse::<u32>()
            .ok()
            .filter(|i| *i >= 1 && n.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| RuleError::new(&m::RESULT_CODE_NUMBER).with("got", format!("{n:?}")))?;
        Ok(ResultCode {
            text,
            dossier,
            index,
        })
    }

    pub fn dossier(&self) -> &DossierCode {
        &self.dossier
    }

    pub fn index(&self) -> u32 {
        self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_agency_and_its_province_come_from_the_code() {
        let code = DossierCode::parse("000.00.00.H47-240501-0001").unwrap();
        assert_eq!(code.agency().as_str(), "000.00.00.H47");
        assert_eq!(code.agency().level1_unit(), "H47");
        assert_eq!(
            crate::ids::AgencyCode::parse("H47.15")
                .unwrap()
                .level1_unit(),
            "H47"
        );
    }

    #[test]
    fn dossier_codes() {
        let d = DossierCode::parse("000.00.00.H47-240501-0001").unwrap();
        assert_eq!(d.received_on().to_string(), "2024-05-01");
        assert!(DossierCode::parse("000.00.00.H47-240230-0001")
            .unwrap_err()
            .to_string()
            .contains("240230 is not a real date"));
        assert!(DossierCode::parse("000.00.00.H47-240501-0000").is_err());
        assert!(DossierCode::parse("H47-240501-0001").is_err());
        assert!(DossierCode::parse("000.00.00.H47-240501").is_err());
    }

    #[test]
    fn result_codes() {
        let r = ResultCode::parse("000.00.00.H47-240501-0001-KQ2").unwrap();
        assert_eq!(r.index(), 2);
        assert_eq!(r.dossier().as_str(), "000.00.00.H47-240501-0001");
        assert!(ResultCode::parse("000.00.00.H47-240501-0001-KQ0").is_err());
        assert!(ResultCode::parse("000.00.00.H47-240501-0001-KQ+1").is_err());
        assert!(ResultCode::parse("000.00.00.H47-240501-0001").is_err());
    }

    proptest! {
        #[test]
        fn every_real_date_is_accepted(days in 0i64..(365 * 99), seq in 1u32..10000) {
            let date = Date::from_calendar_date(2000, Month::January, 1).unwrap() + time::Duration::days(days);
            let code = format!(
                "000.00.00.H47-{:02}{:02}{:02}-{seq:04}",
                date.year() % 100, u8::from(date.month()), date.day()
            );
            let parsed = DossierCode::parse(&code).unwrap();
            prop_assert_eq!(parsed.received_on(), date);
            let result = ResultCode::parse(&format!("{code}-KQ{}", seq)).unwrap();
            prop_assert_eq!(result.index(), seq);
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = DossierCode::parse(&s);
            let _ = ResultCode::parse(&s);
        }
    }
}
