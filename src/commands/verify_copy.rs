use crate::Outcome;
use anyhow::Context;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The file someone handed in as a certified copy.
    file: PathBuf,
    #[arg(long)]
    json: bool,
}

/// Exit 0 only for an unchanged copy this store issued whose original is valid today.
pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let check = ingest::certify::check_copy_file(&archive, &bytes, "kho verify-copy")?;
    let good = check
        .copy
        .as_ref()
        .is_some_and(|c| c.state == schemas::State::Valid);
    if args.json {
        super::print_json(&check)?;
    } else {
        match &check.copy {
            Some(copy) => {
                println!(
                    "{}: an unchanged certified copy issued by this store, code {}",
                    args.file.display(),
                    copy.code
                );
                println!(
                    "  paper: {} ({}), issued by {} on {}",
                    copy.paper_name,
                    copy.doc_type,
                    copy.issuer.as_deref().unwrap_or("?"),
                    copy.issued_on.as_deref().unwrap_or("?")
                );
                println!(
                    "  state of the original today: {}",
                    schemas::json_name(copy.state)
                );
                println!(
                    "  certified {} by {}; owner {}",
                    copy.certified_at.date(),
                    copy.certified_by.as_deref().unwrap_or("?"),
                    copy.owner_hint
                );
            }
            None => println!(
                "{}: NOT a copy issued by this store, or changed since (sha256 {})",
                args.file.display(),
                check.sha256
            ),
        }
        for sig in &check.signatures {
            println!(
                "  signature: {} ({}), {}: {}",
                sig.organization.as_deref().unwrap_or("?"),
                sig.signer.as_deref().unwrap_or("?"),
                sig.status.as_str(),
                sig.detail
            );
        }
    }
    Ok(if good {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}
