//! `kho report indicators` (the province's digitization and reuse indicators from the
//! per-day counters) and `kho report rebuild` (the counters counted again from the ledger).

use crate::{Outcome, UsageError};
use schemas::indicators::{CsvDates, IndicatorReport, ReportRequest};

#[derive(clap::Subcommand)]
pub enum ReportCommand {
    /// Indicators 4.1-4.4 (numerator, denominator, rate, missing inputs) per agency and for the
    /// province, documents digitized per agency and month, reuses per procedure, the most
    /// reused paper types and the median days from storing to reuse (docs/indicators.md).
    /// A store whose counters were never built gets them built first (as `kho report rebuild`).
    Indicators(IndicatorArgs),
    /// Count the whole ledger again into the indicators' counters (replacing them), with
    /// progress; for a store made before the counters existed, or one imported from a bag.
    Rebuild {
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
pub struct IndicatorArgs {
    /// First day of the period (YYYY-MM-DD or DD/MM/YYYY), Vietnam time.
    #[arg(long)]
    from: String,
    /// Last day of the period, included.
    #[arg(long)]
    to: String,
    /// Only this agency and those under it (either form: H47.15 or 000.00.15.H47).
    #[arg(long)]
    agency: Option<String>,
    /// One row per agency over the period (`agency`, the default) or per agency and month.
    #[arg(long)]
    by: Option<String>,
    /// The report as one JSON object.
    #[arg(long)]
    json: bool,
    /// The indicator table as CSV (one line per row and indicator; ISO dates).
    #[arg(long)]
    csv: bool,
}

pub fn run(store: &super::Store, command: ReportCommand) -> anyhow::Result<Outcome> {
    match command {
        ReportCommand::Indicators(args) => indicators(store, args),
        ReportCommand::Rebuild { json } => {
            let archive = store.open()?;
            let summary = rebuild(&archive)?;
            if json {
                super::print_json(&serde_json::json!({
                    "events": summary.events,
                    "counters": summary.counters,
                    "dossiers": summary.dossiers,
                }))?;
            } else {
                print_rebuilt(&summary);
            }
            Ok(Outcome::Success)
        }
    }
}

fn print_rebuilt(summary: &archive_core::service::indicators::RebuildSummary) {
    let said = schemas::Message::new(&schemas::messages::CLI_REPORT_REBUILT)
        .with("events", summary.events)
        .with("counters", summary.counters)
        .with("dossiers", summary.dossiers);
    eprintln!("{said}");
}

fn rebuild(
    archive: &archive_core::Archive,
) -> anyhow::Result<archive_core::service::indicators::RebuildSummary> {
    let caller = super::local_caller();
    let activity =
        schemas::messages::CLI_ACTIVITY_REBUILD_COUNTERS.text(schemas::messages::process_lang());
    let started = std::time::Instant::now();
    let summary = archive.rebuild_indicators(&caller, |done, total| {
        eprintln!(
            "kho: {activity}: {done}/{total} ({:.0}s)",
            started.elapsed().as_secs_f64()
        );
    })?;
    Ok(summary)
}

fn indicators(store: &super::Store, args: IndicatorArgs) -> anyhow::Result<Outcome> {
    if args.json && args.csv {
        return Err(
            UsageError::from(schemas::Message::new(&schemas::messages::CLI_REPORT_FORMAT)).into(),
        );
    }
    let request = ReportRequest::parse(
        &args.from,
        &args.to,
        args.agency.as_deref(),
        args.by.as_deref(),
    )
    .map_err(|errors| UsageError(errors.to_string()))?;
    let archive = store.open()?;
    if !archive.indicators_built()? {
        print_rebuilt(&rebuild(&archive)?);
    }
    let lang = schemas::messages::process_lang();
    let report = archive.indicator_report(&super::local_caller(), &request, lang)?;
    if args.json {
        super::print_json(&report)?;
    } else if args.csv {
        print!(
            "{}",
            schemas::indicators::report_csv(&report, CsvDates::Iso)
        );
    } else {
        print_text(&report, lang);
    }
    Ok(Outcome::Success)
}

fn print_text(report: &IndicatorReport, lang: schemas::Lang) {
    use schemas::messages as m;
    for row in &report.rows {
        let agency = match &row.agency {
            None => m::INDICATORS_PROVINCE.text(lang).to_string(),
            Some(a) if a.is_empty() => m::INDICATORS_NO_AGENCY.text(lang).to_string(),
            Some(a) => a.clone(),
        };
        let median = row
            .median_days_to_reuse
            .map_or_else(|| "-".to_string(), |d| d.to_string());
        let line = schemas::Message::new(&m::CLI_REPORT_ROW)
            .with("agency", agency)
            .with("from", schemas::iso_date(row.from))
            .with("to", schemas::iso_date(row.to))
            .with("received", row.dossiers_received)
            .with("digitized", row.documents_digitized)
            .with("reuses", row.reuses)
            .with("median", median);
        println!("{}", line.render(lang));
        for v in &row.indicators {
            let denominator = v
                .denominator
                .map_or_else(|| "?".to_string(), |d| d.to_string());
            let rate = v
                .rate
                .map_or_else(|| "-".to_string(), |r| format!("{:.1}%", r * 100.0));
            println!(
                "  {} {}: {}/{} = {rate}",
                v.id, v.name, v.numerator, denominator
            );
            for missing in &v.missing_inputs {
                println!("      ({missing})");
            }
        }
    }
    let or_dash = |s: &str| {
        if s.is_empty() {
            "-".to_string()
        } else {
            s.to_string()
        }
    };
    for d in &report.digitized {
        let line = schemas::Message::new(&m::CLI_REPORT_DIGITIZED)
            .with("agency", or_dash(&d.agency))
            .with("month", &d.month)
            .with("doc_type", &d.doc_type)
            .with("source", d.text_source.as_str())
            .with("count", d.count);
        println!("{}", line.render(lang));
    }
    for p in &report.reuse_by_procedure {
        let line = schemas::Message::new(&m::CLI_REPORT_REUSED_FOR)
            .with("procedure", or_dash(&p.name))
            .with("count", p.count);
        println!("{}", line.render(lang));
    }
    for t in &report.most_reused_types {
        let line = schemas::Message::new(&m::CLI_REPORT_REUSED_TYPE)
            .with("doc_type", &t.name)
            .with("count", t.count);
        println!("{}", line.render(lang));
    }
}
