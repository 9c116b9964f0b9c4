//! Calendar dates as operators type them, and "today" in Vietnam.

use crate::RuleError;
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// Vietnam has one time zone, UTC+7, and no daylight saving.
pub const VIETNAM_OFFSET: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// Today's date in Vietnam: what "expired" and "in the future" are measured against.
pub fn today() -> Date {
    OffsetDateTime::now_utc().to_offset(VIETNAM_OFFSET).date()
}

/// A date as `YYYY-MM-DD` (ISO 8601): how kho writes dates everywhere (records, JSON, the
/// command line), whatever the operator typed.
pub fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A date as `dd/mm/yyyy`: how Vietnamese forms and kho's pages, dashboard and Vietnamese CSV
/// write it.
pub fn vn_date(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// A date in words: `dd/mm/yyyy` in Vietnamese (how Vietnamese forms and kho's pages write it),
/// `YYYY-MM-DD` in English. For a date inside a message of the table.
pub fn date_words(d: Date) -> crate::Message {
    crate::Message::new(&crate::messages::WORDS_DATE)
        .with("day", format!("{:02}", d.day()))
        .with("month", format!("{:02}", u8::from(d.month())))
        .with("year", format!("{:04}", d.year()))
}

/// Parses `YYYY-MM-DD` (ISO 8601) or `DD/MM/YYYY` (how Vietnamese forms and spreadsheets write
/// dates; day first is never ambiguous here). The date must exist.
pub fn parse_date(s: &str) -> Result<Date, RuleError> {
    let s = s.trim();
    let fields: Option<(&str, &str, &str)> = if let Some((y, rest)) = s.split_once('-') {
        rest.split_once('-').map(|(m, d)| (y, m, d))
    } else if let Some((d, rest)) = s.split_once('/') {
        rest.split_once('/').map(|(m, y)| (y, m, d))
    } else {
        None
    };
    let shape_error = || RuleError::new(&crate::messages::DATE_SHAPE).with("got", format!("{s:?}"));
    let (y, m, d) = fields.ok_or_else(shape_error)?;
    let digits = |t: &str, min: usize, max: usize| {
        (min..=max).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(y, 4, 4) && digits(m, 1, 2) && digits(d, 1, 2)) {
        return Err(shape_error());
    }
    let (year, month, day) = (
        y.parse::<i32>().map_err(|_| shape_error())?,
        m.parse::<u8>().map_err(|_| shape_error())?,
        d.parse::<u8>().map_err(|_| shape_error())?,
    );
    let month = Month::try_from(month).map_err(|_| {
        RuleError::new(&crate::messages::DATE_NO_MONTH)
            .with("got", s)
            .with("month", m)
    })?;
    Date::from_calendar_date(year, month, day).map_err(|_| {
        RuleError::new(&crate::messages::DATE_DAYS_IN_MONTH)
            .with("got", s)
            .with("month", u8::from(month))
            .with("year", year)
            .with("days", month.length(year))
    })
}

/// `date` plus whole calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb).
pub fn add_months(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::December);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn both_spellings() {
        assert_eq!(parse_date("2024-05-01").unwrap(), date!(2024 - 05 - 01));
        assert_eq!(parse_date("01/05/2024").unwrap(), date!(2024 - 05 - 01));
        assert_eq!(parse_date("1/5/2024").unwrap(), date!(2024 - 05 - 01));
        assert_eq!(
            parse_date("2023-02-29").unwrap_err().to_string(),
            "2023-02-29 is not a real date: month 2 of 2023 has 28 days"
        );
        assert!(parse_date("2024-13-01")
            .unwrap_err()
            .to_string()
            .contains("no month 13"));
        assert!(parse_date("2024/05/01").is_err());
        assert!(parse_date("24-05-01").is_err());
        assert!(parse_date("").is_err());
    }

    #[test]
    fn months_clamp() {
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2024 - 08 - 15), 6), date!(2025 - 02 - 15));
    }

    proptest! {
        #[test]
        fn round_trips(days in -40000i64..40000) {
            let d = date!(2000 - 01 - 01) + time::Duration::days(days);
            let iso = iso_date(d);
            let vn = format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year());
            prop_assert_eq!(parse_date(&iso).unwrap(), d);
            prop_assert_eq!(parse_date(&vn).unwrap(), d);
        }

        #[test]
        fn never_panics(s in "\\PC{0,16}") {
            let _ = parse_date(&s);
        }
    }
}
