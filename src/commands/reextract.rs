use crate::{Outcome, UsageError};
use anyhow::Context;
use ingest::extract::{extract, ExtractConfig};
use std::collections::BTreeSet;

#[derive(clap::Args)]
pub struct Args {
    /// The documents to re-extract.
    ids: Vec<String>,
    /// Re-extract every document in the store.
    #[arg(long, conflicts_with = "ids")]
    all: bool,
    /// One JSON object per re-extracted document.
    #[arg(long)]
    json: bool,
}

/// Runs text extraction again on stored originals (after an OCR upgrade, say). The originals are
/// read back verified and never modified; only the page texts and the records' summaries change.
pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    if !args.all && args.ids.is_empty() {
        return Err(UsageError("kho reextract needs document ids, or --all".into()).into());
    }
    let archive = store.open()?;
    let mut blobs = BTreeSet::new();
    if args.all {
        for group in archive.catalog().blobs() {
            blobs.insert(group?.0);
        }
    } else {
        for id in &args.ids {
            blobs.insert(archive.record(id)?.sha256);
        }
    }
    let cfg = ExtractConfig::default();
    let total = blobs.len();
    let mut failed = 0;
    for (i, sha256) in blobs.iter().enumerate() {
        let outcome = archive
            .read_blob(sha256, archive.max_file_bytes())
            .with_context(|| format!("blob {sha256}"))
            .and_then(|bytes| {
                let format = ingest::sniff(&bytes[..bytes.len().min(ingest::SNIFF_BYTES)])?;
                let inspection = ingest::inspect(format, &bytes, &cfg.limits)?;
                let text = extract(format, &bytes, inspection.pages, &cfg);
                Ok(archive.replace_text(sha256, &text)?)
            });
        match outcome {
            Ok(records) => {
                for record in records {
                    if args.json {
                        super::print_json(&serde_json::json!({
                            "id": record.id, "status": "reextracted", "text_source": record.text_source,
                            "ocr_confidence": record.ocr_confidence, "error": null,
                        }))?;
                    } else {
                        println!(
                            "[{}/{total}] {}  {}",
                            i + 1,
                            record.id,
                            serde_json::to_value(record.text_source)?
                        );
                    }
                }
            }
            Err(e) => {
                failed += 1;
                if args.json {
                    super::print_json(&serde_json::json!({
                        "sha256": sha256, "status": "failed", "error": format!("{e:#}"),
                    }))?;
                } else {
                    println!("[{}/{total}] FAILED blob {sha256}: {e:#}", i + 1);
                }
            }
        }
    }
    super::push_journal(&archive)?;
    Ok(if failed > 0 {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}
