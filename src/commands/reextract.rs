use crate::{Outcome, UsageError};
use archive_core::{ReextractTarget, Reextracted};
use ingest::extract::{extract, ExtractConfig};

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
/// read back verified and never modified; only the page texts and the records' summaries change,
/// and each record's ledger says so (a `reextract` event: who, when, which pages, the text
/// source before and after).
pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    if !args.all && args.ids.is_empty() {
        return Err(UsageError::from(schemas::Message::new(
            &schemas::messages::CLI_USAGE_REEXTRACT_NEEDS_IDS,
        ))
        .into());
    }
    let archive = store.open()?;
    let target = if args.all {
        ReextractTarget::All
    } else {
        ReextractTarget::Documents(args.ids.clone())
    };
    let cfg = ExtractConfig::default();
    let read_again = |bytes: &[u8]| -> Result<schemas::DocumentText, String> {
        let format = ingest::sniff(&bytes[..bytes.len().min(ingest::SNIFF_BYTES)])
            .map_err(|e| e.to_string())?;
        let inspection = ingest::inspect(format, bytes, &cfg.limits).map_err(|e| e.to_string())?;
        Ok(extract(format, bytes, inspection.pages, &cfg))
    };
    let caller = super::local_caller();
    let mut failed = 0;
    let mut print_error: Option<anyhow::Error> = None;
    archive.reextract(&caller, &target, &read_again, &mut |done: Reextracted| {
        if let Err(e) = report(args.json, &done) {
            print_error.get_or_insert(e);
        }
        failed += usize::from(done.outcome.is_err());
    })?;
    if let Some(e) = print_error {
        return Err(e);
    }
    // Signatures are read again too (a store from before they were, a better check).
    let trust = ingest::signature::TrustStore::of_archive(&archive)?;
    let check = |bytes: &[u8]| ingest::signature::check_any(bytes, &trust);
    let rechecked = archive.reextract_signatures(
        &caller,
        &target,
        &check,
        &mut super::progress_printer(&schemas::messages::CLI_ACTIVITY_RECHECKING_SIGNATURES),
    )?;
    if !rechecked.changed.is_empty() {
        let said = schemas::Message::new(&schemas::messages::CLI_SIGNATURES_CHANGED)
            .with("n", rechecked.changed.len());
        eprintln!("{said}");
    }
    for (sha256, error) in &rechecked.failed {
        let said = schemas::Message::new(&schemas::messages::CLI_SIGNATURES_UNREADABLE)
            .with("sha256", sha256)
            .with("why", error);
        eprintln!("{said}");
    }
    failed += rechecked.failed.len();
    super::push_journal(&archive)?;
    Ok(if failed > 0 {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}

/// One blob's outcome: a line (or a JSON object) per record it updated, or why it failed.
fn report(json: bool, done: &Reextracted) -> anyhow::Result<()> {
    let (i, total, sha256) = (done.index, done.total, &done.sha256);
    match &done.outcome {
        Ok(records) => {
            for record in records {
                if json {
                    super::print_json(&serde_json::json!({
                        "id": record.id, "status": "reextracted", "text_source": record.text_source,
                        "ocr_confidence": record.ocr_confidence, "error": null,
                    }))?;
                } else {
                    println!(
                        "[{i}/{total}] {}  {}",
                        record.id,
                        serde_json::to_value(record.text_source)?
                    );
                }
            }
        }
        Err(e) => {
            if json {
                super::print_json(&serde_json::json!({
                    "sha256": sha256, "status": "failed", "error": format!("blob {sha256}: {e}"),
                }))?;
            } else {
                let said = schemas::Message::new(&schemas::messages::CLI_REEXTRACT_FAILED)
                    .with("i", i)
                    .with("total", total)
                    .with("sha256", sha256)
                    .with("why", e);
                println!("{said}");
            }
        }
    }
    Ok(())
}
