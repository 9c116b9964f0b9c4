use crate::Outcome;
use ingest::extract::{extract, ExtractConfig};
use ingest::load_file;
use rayon::prelude::*;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Files or folders to read (nothing is stored).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Pages read at once (default: one per core).
    #[arg(long)]
    jobs: Option<usize>,
    /// One JSON object per file: text, page texts and how each page was read.
    #[arg(long)]
    json: bool,
}

/// Shows what kho reads from files, without storing them: for checking a scanner's output or an
/// unusual PDF before a batch, and for measuring extraction (bench/).
pub fn run(_store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    if let Some(jobs) = args.jobs {
        ingest::set_jobs(jobs).map_err(anyhow::Error::msg)?;
    }
    let cfg = ExtractConfig::default();
    // Files are read in parallel (and the pages of each file too); output keeps input order.
    let results: Vec<Result<_, Box<ingest::FileReport>>> = ingest::expand_paths(&args.paths)
        .into_par_iter()
        .map(|input| {
            let input = input.map_err(|e| {
                Box::new(ingest::FileReport::rejected(
                    e.display,
                    ingest::RejectKind::Path,
                    e.reason,
                ))
            })?;
            let loaded = load_file(&input, archive_core::DEFAULT_MAX_FILE_BYTES, &cfg.limits)?;
            let text = extract(
                loaded.inspection.format,
                &loaded.bytes,
                loaded.inspection.pages,
                &cfg,
            );
            Ok((input, loaded, text))
        })
        .collect();
    let mut rejected = 0;
    for result in results {
        match result {
            Err(report) => {
                rejected += 1;
                if args.json {
                    super::print_json(&report)?;
                } else {
                    println!(
                        "REJECTED  {}  {}",
                        report.file,
                        report.error.map(|e| e.to_string()).unwrap_or_default()
                    );
                }
            }
            Ok((input, loaded, text)) => {
                if args.json {
                    let mut value = serde_json::json!({
                        "file": input.display, "status": "extracted", "sha256": loaded.sha256,
                        "format": loaded.inspection.format, "pages": loaded.inspection.pages,
                        "text_source": text.source(), "ocr_confidence": text.ocr_confidence(),
                        "low_confidence_pages": text.low_confidence_pages(),
                        "warnings": ingest::text_warnings(&text), "error": null,
                    });
                    super::show::add_text(&mut value, Some(&text));
                    super::print_json(&value)?;
                } else {
                    println!("== {} ({} page(s))", input.display, loaded.inspection.pages);
                    super::show::print_pages(Some(&text));
                }
            }
        }
    }
    Ok(if rejected > 0 {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}
