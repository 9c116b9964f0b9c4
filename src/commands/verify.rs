use crate::Outcome;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    let started = Instant::now();
    let mut last = Instant::now();
    let report = archive.verify(&mut |blobs| {
        if last.elapsed() > Duration::from_secs(5) {
            eprintln!("kho: verify: {blobs} blobs checked");
            last = Instant::now();
        }
    })?;
    if args.json {
        super::print_json(&report)?;
    } else {
        println!(
            "{} record(s), {} blob(s) checked ({} bytes) in {:.1}s",
            report.records,
            report.blobs_checked,
            report.bytes_checked,
            started.elapsed().as_secs_f64()
        );
        for (kind, list) in [("CORRUPT", &report.corrupt), ("MISSING", &report.missing)] {
            for blob in list {
                println!(
                    "{kind}  blob {}  used by record(s) {}: {}",
                    blob.sha256,
                    blob.records.join(", "),
                    blob.detail
                );
            }
        }
        if !report.orphans.is_empty() {
            let or_elsewhere = if report.journal_pending.is_some() {
                ", or stored by another node whose journal this node has not read yet"
            } else {
                ""
            };
            println!(
                "{} orphan blob(s) (stored bytes whose record was never written, e.g. after a crash{or_elsewhere}; harmless)",
                report.orphans.len()
            );
        }
        if let Some(pending) = report.journal_pending {
            println!(
                "journal: {pending} record change(s) made here not yet in the bucket{}",
                if pending > 0 {
                    " (the next `kho ingest`, `kho rebuild --since` or `kho serve` sends them)"
                } else {
                    ""
                }
            );
        }
        if !report.index_missing.is_empty() {
            println!(
                "INDEX: {} record(s) missing from the search index (run `kho reindex`): {}",
                report.index_missing.len(),
                report
                    .index_missing
                    .iter()
                    .take(10)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        match &report.ledger_error {
            None => println!("ledger: {} event(s), chain intact", report.ledger_events),
            Some(e) => println!("LEDGER BROKEN: {e}"),
        }
        println!("{}", if report.is_clean() { "OK" } else { "DAMAGED" });
    }
    Ok(if report.is_clean() {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}
