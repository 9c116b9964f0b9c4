//! The province's indicators (QĐ 766/QĐ-TTg, group "số hóa hồ sơ"; docs/indicators.md): what
//! each ledger event adds to the per-day, per-agency counters, and the report made from them.
//! Pure: `archive-core` keeps the counters and calls these functions in the ledger's
//! transaction and in `kho report rebuild`, so that both count the same way.

use crate::ids::{AgencyCode, DossierCode};
use crate::messages::{self as m, Entry, Lang};
use crate::{Action, DocumentRecord, LedgerEvent, TextSource};
use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime};

/// Counter names (the `metric` part of a counter's key).
pub mod metric {
    /// A registered dossier, on the day it was received (its code's date).
    pub const RECEIVED: &str = "received";
    /// Numerators of 4.1-4.4, each counted once per registered dossier, on its reception day.
    pub const I41: &str = "i41";
    pub const I42: &str = "i42";
    pub const I43: &str = "i43";
    pub const I44: &str = "i44";
    /// A dossier (registered or not) with at least one reuse: what 4.3 would count if every
    /// dossier were registered.
    pub const REUSED_ANY: &str = "reused_any";
    /// A document stored, on its ingest day; argument `doc_type` US `text class`.
    pub const DIGITIZED: &str = "digitized";
    /// A reuse, on its day; no argument.
    pub const REUSE: &str = "reuse";
    /// A reuse by procedure code (empty when none was named).
    pub const REUSE_PROCEDURE: &str = "reuse_procedure";
    /// A reuse by the reused paper's type.
    pub const REUSE_TYPE: &str = "reuse_type";
    /// A reuse by whole days since the paper was stored ([`age_bucket`]).
    pub const REUSE_AGE: &str = "reuse_age";
}

/// What a dossier has had, as bits: set once, never cleared, so that each indicator counts a
/// dossier once, whatever the order its events arrive in.
pub mod flag {
    pub const REGISTERED: u8 = 1;
    /// A document of the dossier was stored without a result code (a component digitized).
    pub const COMPONENT: u8 = 2;
    /// A document of the dossier was stored with a result code (its result is electronic).
    pub const RESULT: u8 = 4;
    /// A clerk reused a stored document for it.
    pub const REUSED: u8 = 8;
    /// A certified electronic copy was issued for it (a result's link sent on).
    pub const SENT_ON: u8 = 16;
}

/// Separates the parts of a counter's argument (type and text class).
pub const ARG_SEPARATOR: char = '\u{1f}';

/// The longest reuse age counted day by day; older reuses share one bucket (`MAX_AGE_DAYS + 1`).
pub const MAX_AGE_DAYS: u32 = 366;

/// A metric and when a dossier's flags meet it.
type DossierRule = (&'static str, fn(u8) -> bool);

/// The metrics that become true for a dossier whose flags go from `old` to `new`.
pub fn dossier_transitions(old: u8, new: u8) -> Vec<&'static str> {
    use flag::*;
    let rules: [DossierRule; 6] = [
        (metric::RECEIVED, |f| f & REGISTERED != 0),
        (metric::I41, |f| f & REGISTERED != 0 && f & RESULT != 0),
        (metric::I42, |f| {
            f & REGISTERED != 0 && f & RESULT != 0 && f & (COMPONENT | REUSED) != 0
        }),
        (metric::I43, |f| f & REGISTERED != 0 && f & REUSED != 0),
        (metric::I44, |f| {
            f & REGISTERED != 0 && f & (REUSED | SENT_ON) != 0
        }),
        (metric::REUSED_ANY, |f| f & REUSED != 0),
    ];
    rules
        .iter()
        .filter(|(_, holds)| !holds(old) && holds(new))
        .map(|(name, _)| *name)
        .collect()
}

/// How a stored document's text was obtained, as the report counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextClass {
    /// Every page from the PDF's text layer.
    TextLayer,
    /// Read by OCR (or partly), every page confident enough.
    Ocr,
    /// No text at all, or OCR pages below the confidence threshold: a person should look.
    Review,
}

impl TextClass {
    pub const ALL: [TextClass; 3] = [TextClass::TextLayer, TextClass::Ocr, TextClass::Review];

    pub fn of(record: &DocumentRecord) -> TextClass {
        match record.text_source {
            None => TextClass::Review,
            Some(_) if !record.low_confidence_pages.is_empty() => TextClass::Review,
            Some(TextSource::TextLayer) => TextClass::TextLayer,
            Some(TextSource::Ocr | TextSource::Mixed) => TextClass::Ocr,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TextClass::TextLayer => "text_layer",
            TextClass::Ocr => "ocr",
            TextClass::Review => "review",
        }
    }

    pub fn parse(s: &str) -> Option<TextClass> {
        TextClass::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn words(self) -> &'static Entry {
        match self {
            TextClass::TextLayer => &m::INDICATORS_TEXT_LAYER,
            TextClass::Ocr => &m::INDICATORS_OCR,
            TextClass::Review => &m::INDICATORS_REVIEW,
        }
    }
}

/// The agency a stored document counts for, canonical (`H47.15`): its issuer's code, else the
/// agency of the dossier it was issued for, else the agency of whoever stored it; empty when
/// none is known.
pub fn document_agency(record: &DocumentRecord, stored_by_agency: Option<&str>) -> String {
    if let Some(code) = &record.metadata.issuer_code {
        return code.canonical();
    }
    if let Some(dossier) = &record.metadata.dossier_code {
        return dossier.agency().canonical();
    }
    canonical_agency(stored_by_agency)
}

/// A code as written, in canonical form; empty when absent or unreadable.
pub fn canonical_agency(code: Option<&str>) -> String {
    code.and_then(|c| AgencyCode::parse(c).ok())
        .map(|c| c.canonical())
        .unwrap_or_default()
}

/// The day a moment falls on in Vietnam.
pub fn vietnam_day(at: OffsetDateTime) -> Date {
    at.to_offset(crate::VIETNAM_OFFSET).date()
}

/// A day as the counters' keys sort it: `yyyymmdd` as a number.
pub fn day_number(date: Date) -> u32 {
    let year = u32::try_from(date.year()).unwrap_or(0);
    year * 10_000 + u32::from(u8::from(date.month())) * 100 + u32::from(date.day())
}

/// The day a [`day_number`] names, if it is one.
pub fn day_of_number(n: u32) -> Option<Date> {
    let month = Month::try_from(u8::try_from(n / 100 % 100).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(n / 10_000).ok()?, month, (n % 100) as u8).ok()
}

/// The bucket of a reuse `days` after the paper was stored: whole days up to a year, then one.
pub fn age_bucket(days: i64) -> u32 {
    u32::try_from(days.max(0))
        .unwrap_or(u32::MAX)
        .min(MAX_AGE_DAYS + 1)
}

/// One increment of a counter: on `day`, for `agency` (canonical, empty when unknown), the
/// `metric` with its `arg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Increment {
    pub day: Date,
    pub agency: String,
    pub metric: &'static str,
    pub arg: String,
    pub by: i64,
}

/// What a document event is about, as the counters need it.
pub enum DocFacts<'a> {
    /// No document, or one the counters do not look at.
    None,
    /// The document as it stands (an ingest, a reuse).
    Record(&'a DocumentRecord),
    /// The document before and after a change of its text (a re-extraction).
    Changed {
        before: &'a DocumentRecord,
        after: &'a DocumentRecord,
    },
}

/// What an event changes in a dossier's flags: the dossier and the bits to set.
pub fn dossier_flags_of(event: &LedgerEvent, facts: &DocFacts<'_>) -> Option<(DossierCode, u8)> {
    let e = &event.event;
    let from_event = |bits: u8| {
        e.dossier_code
            .as_deref()
            .and_then(|c| DossierCode::parse(c).ok())
            .map(|c| (c, bits))
    };
    match e.action {
        Action::RegisterDossier => from_event(flag::REGISTERED),
        Action::Reuse => from_event(flag::REUSED),
        Action::Certify => from_event(flag::SENT_ON),
        Action::Ingest => match facts {
            DocFacts::Record(record) => record.metadata.dossier_code.clone().map(|code| {
                let bits = if record.metadata.result_code.is_some() {
                    flag::RESULT
                } else {
                    flag::COMPONENT
                };
                (code, bits)
            }),
            _ => None,
        },
        _ => None,
    }
}

/// The increments of one dossier whose flags went from `old` to `new`.
pub fn dossier_increments(code: &DossierCode, old: u8, new: u8) -> Vec<Increment> {
    dossier_transitions(old, new)
        .into_iter()
        .map(|metric| Increment {
            day: code.received_on(),
            agency: code.agency().canonical(),
            metric,
            arg: String::new(),
            by: 1,
        })
        .collect()
}

/// The increments an event makes that do not depend on a dossier's earlier state: documents
/// stored (by type and text class), reuses (by procedure, by type, by age). A re-extraction
/// moves its document from its old text class to its new one.
pub fn event_increments(event: &LedgerEvent, facts: &DocFacts<'_>) -> Vec<Increment> {
    let e = &event.event;
    let digitized = |record: &DocumentRecord, class: TextClass, by: i64| Increment {
        day: vietnam_day(record.ingested_at),
        agency: document_agency(record, None),
        metric: metric::DIGITIZED,
        arg: format!(
            "{}{ARG_SEPARATOR}{}",
            record.metadata.doc_type,
            class.as_str()
        ),
        by,
    };
    match (e.action, facts) {
        (Action::Ingest, DocFacts::Record(record)) => {
            vec![digitized(record, TextClass::of(record), 1)]
        }
        (Action::Reextract, DocFacts::Changed { before, after }) => {
            let (old, new) = (TextClass::of(before), TextClass::of(after));
            if old == new {
                Vec::new()
            } else {
                vec![digitized(before, old, -1), digitized(after, new, 1)]
            }
        }
        (Action::Reuse, DocFacts::Record(record)) => {
            let day = vietnam_day(event.at);
            let agency = match e.dossier_code.as_deref().map(DossierCode::parse) {
                Some(Ok(code)) => code.agency().canonical(),
                _ => canonical_agency(e.actor.agency_code.as_deref()),
            };
            let age = age_bucket((event.at - record.ingested_at).whole_days());
            let one = |metric, arg: String| Increment {
                day,
                agency: agency.clone(),
                metric,
                arg,
                by: 1,
            };
            vec![
                one(metric::REUSE, String::new()),
                one(
                    metric::REUSE_PROCEDURE,
                    e.procedure_code.clone().unwrap_or_default(),
                ),
                one(metric::REUSE_TYPE, record.metadata.doc_type.clone()),
                one(metric::REUSE_AGE, age.to_string()),
            ]
        }
        _ => Vec::new(),
    }
}

/// Whether the counters need the document an event names (so that the store reads it).
pub fn needs_document(action: Action) -> bool {
    matches!(action, Action::Ingest | Action::Reuse | Action::Reextract)
}

// ---------------------------------------------------------------------------------------------
// The report.

/// How the report's rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// One row per agency over the whole period (and the province's).
    #[default]
    Agency,
    /// One row per agency and month (and the province's per month).
    Month,
}

impl GroupBy {
    pub fn parse(s: &str) -> Result<GroupBy, crate::RuleError> {
        match s.trim() {
            "agency" | "" => Ok(GroupBy::Agency),
            "month" => Ok(GroupBy::Month),
            other => {
                Err(crate::RuleError::new(&m::INDICATORS_GROUP_BY)
                    .with("got", format!("{other:?}")))
            }
        }
    }
}

/// The longest period a report covers, in days (ten years).
pub const MAX_PERIOD_DAYS: i64 = 3660;

/// A checked request for a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    pub from: Date,
    pub to: Date,
    /// Canonical agency code: that agency and the agencies under it. `None`: the whole store.
    pub agency: Option<String>,
    pub by: GroupBy,
}

impl ReportRequest {
    /// Checks the dates (as operators type them) and the agency; every broken rule at once.
    pub fn parse(
        from: &str,
        to: &str,
        agency: Option<&str>,
        by: Option<&str>,
    ) -> Result<ReportRequest, crate::FieldErrors> {
        let mut errors = Vec::new();
        let from_date = crate::parse_date(from)
            .map_err(|e| errors.push(e.at("from", from)))
            .ok();
        let to_date = crate::parse_date(to)
            .map_err(|e| errors.push(e.at("to", to)))
            .ok();
        let agency = agency.map(str::trim).filter(|a| !a.is_empty());
        let agency_code = agency.and_then(|a| {
            AgencyCode::parse(a)
                .map(|c| c.canonical())
                .map_err(|e| errors.push(e.at("agency", a)))
                .ok()
        });
        let group = by
            .map(|b| {
                GroupBy::parse(b)
                    .map_err(|e| errors.push(e.at("by", b)))
                    .ok()
            })
            .unwrap_or(Some(GroupBy::Agency));
        if let (Some(f), Some(t)) = (from_date, to_date) {
            if t < f || (t - f).whole_days() > MAX_PERIOD_DAYS {
                errors.push(
                    crate::RuleError::new(&m::INDICATORS_PERIOD)
                        .with("max", MAX_PERIOD_DAYS)
                        .at("to", to),
                );
            }
        }
        match (from_date, to_date, group) {
            (Some(from), Some(to), Some(by)) if errors.is_empty() => Ok(ReportRequest {
                from,
                to,
                agency: agency_code,
                by,
            }),
            _ => Err(crate::FieldErrors(errors)),
        }
    }

    /// Whether a counter of `agency` (canonical) is in the request's scope.
    pub fn covers(&self, agency: &str) -> bool {
        agency_within(agency, self.agency.as_deref())
    }
}

/// Whether `agency` is `scope` or under it (`H47.15.03` is under `H47.15` and `H47`); every
/// agency is within no scope.
pub fn agency_within(agency: &str, scope: Option<&str>) -> bool {
    match scope {
        None => true,
        Some(scope) => {
            agency == scope || (agency.starts_with(scope) && agency[scope.len()..].starts_with('.'))
        }
    }
}

/// The four indicators of the group "số hóa hồ sơ".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicator {
    I41,
    I42,
    I43,
    I44,
}

impl Indicator {
    pub const ALL: [Indicator; 4] = [
        Indicator::I41,
        Indicator::I42,
        Indicator::I43,
        Indicator::I44,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Indicator::I41 => "4.1",
            Indicator::I42 => "4.2",
            Indicator::I43 => "4.3",
            Indicator::I44 => "4.4",
        }
    }

    pub fn metric(self) -> &'static str {
        match self {
            Indicator::I41 => metric::I41,
            Indicator::I42 => metric::I42,
            Indicator::I43 => metric::I43,
            Indicator::I44 => metric::I44,
        }
    }

    pub fn name(self) -> &'static Entry {
        match self {
            Indicator::I41 => &m::INDICATORS_NAME_41,
            Indicator::I42 => &m::INDICATORS_NAME_42,
            Indicator::I43 => &m::INDICATORS_NAME_43,
            Indicator::I44 => &m::INDICATORS_NAME_44,
        }
    }

    /// What kho cannot see of this indicator, whatever the data (docs/indicators.md).
    fn always_missing(self) -> Vec<&'static Entry> {
        match self {
            Indicator::I41 => vec![&m::INDICATORS_MISSING_PAPER_RESULTS],
            Indicator::I42 | Indicator::I43 | Indicator::I44 => Vec::new(),
        }
    }

    /// Whether kho knows this indicator's denominator (the dossiers received).
    fn has_denominator(self) -> bool {
        !matches!(self, Indicator::I41)
    }
}

/// Numerator, denominator and rate of one indicator in one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorValue {
    pub id: String,
    pub name: String,
    pub numerator: u64,
    /// `None` when kho does not know it (see `missing_inputs`).
    pub denominator: Option<u64>,
    /// numerator / denominator, rounded to 4 places; `None` without a denominator or when it is 0.
    pub rate: Option<f64>,
    /// Inputs kho does not have for this value, in words.
    pub missing_inputs: Vec<String>,
}

/// One row of the report: an agency (or the province: `agency` is `None`) over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    /// Canonical agency code; `None` for the province (every agency in scope); `""` for
    /// documents and reuses no agency could be found for.
    pub agency: Option<String>,
    #[serde(with = "crate::record::iso_date")]
    pub from: Date,
    #[serde(with = "crate::record::iso_date")]
    pub to: Date,
    pub dossiers_received: u64,
    /// Dossiers with a reuse, registered or not.
    pub dossiers_reused: u64,
    pub documents_digitized: u64,
    pub reuses: u64,
    /// Median whole days from a reused paper's storing to its reuse; `None` without reuses.
    pub median_days_to_reuse: Option<u32>,
    pub indicators: Vec<IndicatorValue>,
}

/// Documents digitized per agency and month, by type and text class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DigitizedRow {
    pub agency: String,
    /// `yyyy-mm`.
    pub month: String,
    pub doc_type: String,
    pub text_source: TextClass,
    pub count: u64,
}

/// A count under a name (a procedure code, a paper type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedCount {
    pub name: String,
    pub count: u64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorReport {
    #[serde(with = "crate::record::iso_date")]
    pub from: Date,
    #[serde(with = "crate::record::iso_date")]
    pub to: Date,
    pub agency: Option<String>,
    pub by: GroupBy,
    pub rows: Vec<ReportRow>,
    pub digitized: Vec<DigitizedRow>,
    /// Reuses per procedure code ("" when the reuse named none), most first.
    pub reuse_by_procedure: Vec<NamedCount>,
    /// The paper types reused most, most first (at most [`TOP_TYPES`]).
    pub most_reused_types: Vec<NamedCount>,
}

/// How many paper types `most_reused_types` lists.
pub const TOP_TYPES: usize = 10;

/// The sums of one row's counters, before they are made a [`ReportRow`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowSums {
    pub received: u64,
    pub numerators: [u64; 4],
    pub reused_any: u64,
    pub digitized: u64,
    pub reuses: u64,
    /// Reuse ages: bucket -> count.
    pub ages: std::collections::BTreeMap<u32, u64>,
}

impl RowSums {
    /// Adds one counter's value.
    pub fn add(&mut self, metric: &str, arg: &str, value: i64) {
        let v = u64::try_from(value).unwrap_or(0);
        match metric {
            metric::RECEIVED => self.received += v,
            metric::I41 => self.numerators[0] += v,
            metric::I42 => self.numerators[1] += v,
            metric::I43 => self.numerators[2] += v,
            metric::I44 => self.numerators[3] += v,
            metric::REUSED_ANY => self.reused_any += v,
            metric::DIGITIZED => self.digitized += v,
            metric::REUSE => self.reuses += v,
            metric::REUSE_AGE => {
                if let Ok(bucket) = arg.parse::<u32>() {
                    *self.ages.entry(bucket).or_default() += v;
                }
            }
            _ => {}
        }
    }

    /// The row these sums make, its words in `lang`.
    pub fn row(&self, agency: Option<String>, from: Date, to: Date, lang: Lang) -> ReportRow {
        let indicators = Indicator::ALL
            .into_iter()
            .enumerate()
            .map(|(i, indicator)| {
                let mut missing: Vec<String> = indicator
                    .always_missing()
                    .iter()
                    .map(|e| e.text(lang).to_string())
                    .collect();
                let denominator = indicator.has_denominator().then_some(self.received);
                if indicator.has_denominator() && self.received == 0 {
                    missing.push(m::INDICATORS_MISSING_NOT_REGISTERED.text(lang).to_string());
                }
                IndicatorValue {
                    id: indicator.id().to_string(),
                    name: indicator.name().text(lang).to_string(),
                    numerator: self.numerators[i],
                    denominator,
                    rate: rate(self.numerators[i], denominator),
                    missing_inputs: missing,
                }
            })
            .collect();
        ReportRow {
            agency,
            from,
            to,
            dossiers_received: self.received,
            dossiers_reused: self.reused_any,
            documents_digitized: self.digitized,
            reuses: self.reuses,
            median_days_to_reuse: median_bucket(&self.ages),
            indicators,
        }
    }
}

/// numerator / denominator rounded to 4 places; `None` without a denominator or when it is 0.
pub fn rate(numerator: u64, denominator: Option<u64>) -> Option<f64> {
    match denominator {
        Some(d) if d > 0 => Some((numerator as f64 / d as f64 * 10_000.0).round() / 10_000.0),
        _ => None,
    }
}

/// The median of a histogram (bucket -> count): the lower median's bucket.
pub fn median_bucket(histogram: &std::collections::BTreeMap<u32, u64>) -> Option<u32> {
    let total: u64 = histogram.values().sum();
    if total == 0 {
        return None;
    }
    let middle = total.div_ceil(2);
    let mut seen = 0;
    for (bucket, count) in histogram {
        seen += count;
        if seen >= middle {
            return Some(*bucket);
        }
    }
    None
}

/// The months a period touches, each clipped to the period.
pub fn months_of(from: Date, to: Date) -> Vec<(Date, Date)> {
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let next = crate::add_months(start.replace_day(1).unwrap_or(start), 1);
        let end = next.previous_day().unwrap_or(next).min(to);
        out.push((start, end));
        start = next;
    }
    out
}

/// `yyyy-mm` of a day.
pub fn month_label(date: Date) -> String {
    format!("{:04}-{:02}", date.year(), u8::from(date.month()))
}

/// How dates are written in a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvDates {
    /// `2026-01-31`, English headers (the command line, the API).
    Iso,
    /// `31/01/2026`, Vietnamese headers (the dashboard's download).
    Vietnamese,
}

/// The report's table as CSV: one line per row and indicator.
pub fn report_csv(report: &IndicatorReport, dates: CsvDates) -> String {
    let (header, lang) = match dates {
        CsvDates::Iso => (
            "agency,from,to,indicator,name,numerator,denominator,rate,dossiers_received,documents_digitized,reuses,median_days_to_reuse,missing_inputs",
            Lang::En,
        ),
        CsvDates::Vietnamese => (
            "co_quan,tu_ngay,den_ngay,chi_so,ten_chi_so,tu_so,mau_so,ty_le,ho_so_tiep_nhan,giay_to_so_hoa,luot_tai_su_dung,trung_vi_ngay_den_tai_su_dung,du_lieu_con_thieu",
            Lang::Vi,
        ),
    };
    let date = |d: Date| match dates {
        CsvDates::Iso => crate::iso_date(d),
        CsvDates::Vietnamese => crate::vn_date(d),
    };
    let mut out = String::from(header);
    out.push('\n');
    for row in &report.rows {
        let agency = match &row.agency {
            None => m::INDICATORS_PROVINCE.text(lang).to_string(),
            Some(a) if a.is_empty() => m::INDICATORS_NO_AGENCY.text(lang).to_string(),
            Some(a) => a.clone(),
        };
        for value in &row.indicators {
            let cells = [
                agency.clone(),
                date(row.from),
                date(row.to),
                value.id.clone(),
                value.name.clone(),
                value.numerator.to_string(),
                value.denominator.map(|d| d.to_string()).unwrap_or_default(),
                value.rate.map(|r| format!("{r:.4}")).unwrap_or_default(),
                row.dossiers_received.to_string(),
                row.documents_digitized.to_string(),
                row.reuses.to_string(),
                row.median_days_to_reuse
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                value.missing_inputs.join("; "),
            ];
            let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
    }
    out
}

/// A CSV cell, quoted when it must be; a leading `=`, `+`, `-` or `@` is prefixed with `'` so
/// that a spreadsheet does not run it as a formula.
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn each_indicator_counts_a_dossier_once_whatever_the_order() {
        use flag::*;
        let orders: [[u8; 3]; 3] = [
            [REGISTERED, REUSED, RESULT],
            [RESULT, REUSED, REGISTERED],
            [REUSED, RESULT, REGISTERED],
        ];
        for order in orders {
            let mut flags = 0u8;
            let mut counted = Vec::new();
            for bit in order {
                let new = flags | bit;
                counted.extend(dossier_transitions(flags, new));
                flags = new;
            }
            counted.sort_unstable();
            assert_eq!(
                counted,
                vec!["i41", "i42", "i43", "i44", "received", "reused_any"],
                "{order:?}"
            );
        }
        assert!(dossier_transitions(REGISTERED, REGISTERED).is_empty());
        assert_eq!(dossier_transitions(0, SENT_ON), Vec::<&str>::new());
        assert_eq!(
            dossier_transitions(REGISTERED, REGISTERED | SENT_ON),
            vec!["i44"]
        );
    }

    #[test]
    fn rates_need_a_denominator_and_the_median_is_the_lower_one() {
        assert_eq!(rate(1, Some(3)), Some(0.3333));
        assert_eq!(rate(1, Some(0)), None);
        assert_eq!(rate(1, None), None);
        let h: std::collections::BTreeMap<u32, u64> = [(0, 1), (5, 1), (40, 2)].into();
        assert_eq!(median_bucket(&h), Some(5));
        assert_eq!(median_bucket(&Default::default()), None);
        assert_eq!(age_bucket(-3), 0);
        assert_eq!(age_bucket(10_000), MAX_AGE_DAYS + 1);
    }

    #[test]
    fn days_months_and_scopes() {
        let d = date!(2026 - 03 - 31);
        assert_eq!(day_number(d), 20260331);
        assert_eq!(day_of_number(20260331), Some(d));
        assert_eq!(day_of_number(20261331), None);
        let months = months_of(date!(2026 - 01 - 15), date!(2026 - 03 - 10));
        assert_eq!(
            months,
            vec![
                (date!(2026 - 01 - 15), date!(2026 - 01 - 31)),
                (date!(2026 - 02 - 01), date!(2026 - 02 - 28)),
                (date!(2026 - 03 - 01), date!(2026 - 03 - 10)),
            ]
        );
        assert!(agency_within("H47.15.03", Some("H47.15")));
        assert!(agency_within("H47.15", Some("H47.15")));
        assert!(!agency_within("H47.150", Some("H47.15")));
        assert!(agency_within("", None));
    }

    #[test]
    fn a_request_reports_every_broken_part() {
        let e = ReportRequest::parse("2026-02-30", "x", Some("nope"), Some("year")).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["from", "to", "agency", "by"]);
        let e = ReportRequest::parse("2026-03-01", "2026-01-01", None, None).unwrap_err();
        assert_eq!(e.0[0].code(), "indicators.period");
        let ok = ReportRequest::parse(
            "01/01/2026",
            "2026-03-31",
            Some("000.00.15.H47"),
            Some("month"),
        )
        .unwrap();
        assert_eq!(ok.agency.as_deref(), Some("H47.15"));
        assert_eq!(ok.by, GroupBy::Month);
    }

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("x\"y"), "\"x\"\"y\"");
    }
}
