//! The province's indicators on behalf of an admin, a leader or the console
//! (`Act::SeeIndicators`): the report made from the per-day counters, and their rebuild from
//! the ledger. Counts only: no owner's document is read, so nothing is ledgered but a refusal.

use super::Aim;
use crate::archive::Archive;
use crate::{ArchiveError, Result};
use schemas::indicators::{
    self as ind, DigitizedRow, GroupBy, IndicatorReport, NamedCount, ReportRequest, RowSums,
    TextClass, ARG_SEPARATOR,
};
use schemas::policy::{self, Act};
use schemas::{Caller, Lang};
use std::collections::{BTreeMap, HashMap};

pub use crate::indicators::RebuildSummary;

impl Archive {
    /// The report of `request` as far as `caller` may see it (a leader bound to an agency: that
    /// agency and those under it), its words in `lang`. Refused with `indicators.not_built`
    /// (a conflict) while the store's counters do not hold the whole ledger.
    pub fn indicator_report(
        &self,
        caller: &Caller,
        request: &ReportRequest,
        lang: Lang,
    ) -> Result<IndicatorReport> {
        let attempt = "indicators report";
        self.authorize_aimed(caller, Act::SeeIndicators, Aim::Nothing, attempt)?;
        let scope = policy::indicator_scope(caller, request.agency.as_deref()).map_err(|r| {
            self.refuse(
                caller,
                Aim::Nothing,
                format!("{attempt}: {}", r.render(Lang::En)),
                r,
            )
        })?;
        if !self.catalog.indicators_built()? {
            return Err(ArchiveError::Conflict(schemas::Message::new(
                &schemas::messages::INDICATORS_NOT_BUILT,
            )));
        }
        let request = ReportRequest {
            agency: scope,
            ..request.clone()
        };
        let counters = self
            .catalog
            .indicator_counters(ind::day_number(request.from), ind::day_number(request.to))?;
        Ok(make_report(&request, &counters, lang))
    }

    /// Whether the counters hold the whole ledger (a store made before them holds none until
    /// [`Archive::rebuild_indicators`]).
    pub fn indicators_built(&self) -> Result<bool> {
        self.catalog.indicators_built()
    }

    /// Counts the whole ledger again (`kho report rebuild`): the counters are replaced, not
    /// added to. Writes are held meanwhile. `progress(done, total)` as it goes.
    pub fn rebuild_indicators(
        &self,
        caller: &Caller,
        progress: impl FnMut(u64, u64),
    ) -> Result<RebuildSummary> {
        self.authorize_aimed(
            caller,
            Act::SeeIndicators,
            Aim::Nothing,
            "rebuild indicators",
        )?;
        self.catalog.rebuild_indicators(progress)
    }

    /// Every non-zero counter and dossier mark as raw pairs, for tests that compare a live
    /// store's counters with rebuilt ones.
    #[doc(hidden)]
    pub fn indicator_counters_dump(&self) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.catalog.indicator_dump()
    }
}

/// The report from the counters of its days.
fn make_report(
    request: &ReportRequest,
    counters: &[crate::indicators::Counter],
    lang: Lang,
) -> IndicatorReport {
    let periods = match request.by {
        GroupBy::Agency => vec![(request.from, request.to)],
        GroupBy::Month => ind::months_of(request.from, request.to),
    };
    let period_of = |day: u32| -> Option<usize> {
        let date = ind::day_of_number(day)?;
        periods
            .iter()
            .position(|(from, to)| *from <= date && date <= *to)
    };
    // (period, agency or None for the province) -> sums
    let mut rows: BTreeMap<(usize, Option<String>), RowSums> = BTreeMap::new();
    let mut digitized: BTreeMap<(String, String, String, TextClass), u64> = BTreeMap::new();
    let mut procedures: HashMap<String, u64> = HashMap::new();
    let mut types: HashMap<String, u64> = HashMap::new();
    for c in counters {
        if c.value == 0 || !request.covers(&c.agency) {
            continue;
        }
        let Some(period) = period_of(c.day) else {
            continue;
        };
        for key in [(period, Some(c.agency.clone())), (period, None)] {
            rows.entry(key).or_default().add(&c.metric, &c.arg, c.value);
        }
        let value = u64::try_from(c.value).unwrap_or(0);
        match c.metric.as_str() {
            ind::metric::DIGITIZED => {
                let (doc_type, class) = c.arg.split_once(ARG_SEPARATOR).unwrap_or((&c.arg, ""));
                let (Some(class), Some(date)) =
                    (TextClass::parse(class), ind::day_of_number(c.day))
                else {
                    continue;
                };
                *digitized
                    .entry((
                        c.agency.clone(),
                        ind::month_label(date),
                        doc_type.to_string(),
                        class,
                    ))
                    .or_default() += value;
            }
            ind::metric::REUSE_PROCEDURE => *procedures.entry(c.arg.clone()).or_default() += value,
            ind::metric::REUSE_TYPE => *types.entry(c.arg.clone()).or_default() += value,
            _ => {}
        }
    }
    // The province's row of each period even when nothing happened in it.
    for period in 0..periods.len() {
        rows.entry((period, None)).or_default();
    }
    let rows = rows
        .into_iter()
        .map(|((period, agency), sums)| {
            let (from, to) = periods[period];
            sums.row(agency, from, to, lang)
        })
        .collect();
    IndicatorReport {
        from: request.from,
        to: request.to,
        agency: request.agency.clone(),
        by: request.by,
        rows,
        digitized: digitized
            .into_iter()
            .filter(|(_, count)| *count > 0)
            .map(
                |((agency, month, doc_type, text_source), count)| DigitizedRow {
                    agency,
                    month,
                    doc_type,
                    text_source,
                    count,
                },
            )
            .collect(),
        reuse_by_procedure: ranked(procedures, usize::MAX),
        most_reused_types: ranked(types, ind::TOP_TYPES),
    }
}

/// Counts, most first (ties by name), at most `limit`.
fn ranked(counts: HashMap<String, u64>, limit: usize) -> Vec<NamedCount> {
    let mut list: Vec<NamedCount> = counts
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .map(|(name, count)| NamedCount { name, count })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    list.truncate(limit);
    list
}
