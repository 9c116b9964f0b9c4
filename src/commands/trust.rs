use crate::{Outcome, UsageError};
use anyhow::Context;
use std::path::PathBuf;

#[derive(clap::Subcommand)]
pub enum TrustCommand {
    /// Trust a CA certificate (PEM or DER) as an anchor for PDF signatures. Signatures already
    /// stored are checked again.
    Add {
        /// The certificate file (the national root, a government or licensed CA).
        file: PathBuf,
        /// Its name in this store (default: the file's name without extension).
        #[arg(long)]
        name: Option<String>,
    },
    /// List the trust anchors.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stop trusting an anchor. Signatures already stored are checked again.
    Remove { name: String },
}

/// A file stem as an anchor name: letters, digits, `-`, `_`, `.`, others as `-`.
fn name_from(file: &std::path::Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(schemas::MAX_ANCHOR_NAME_CHARS)
        .collect()
}

pub fn run(store: &super::Store, command: TrustCommand) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    let caller = super::local_caller();
    let why = match command {
        TrustCommand::List { json } => {
            let anchors = archive.trust_anchors(&caller)?;
            if json {
                super::print_json(&anchors)?;
            } else if anchors.is_empty() {
                println!(
                    "no trust anchors: signatures are `untrusted` until `kho trust add CA.pem`"
                );
            }
            if !json {
                for a in anchors {
                    println!(
                        "{}  {}  until {}  sha256 {}",
                        a.name,
                        a.subject,
                        a.not_after.date(),
                        a.fingerprint
                    );
                }
            }
            return Ok(Outcome::Success);
        }
        TrustCommand::Add { file, name } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = name.unwrap_or_else(|| name_from(&file));
            let anchor = ingest::signature::read_anchor(&name, &bytes)
                .map_err(|why| UsageError(format!("{}: {why}", file.display())))?;
            let info = archive.add_trust_anchor(&caller, anchor)?;
            println!("trusted {}: {}", info.name, info.subject);
            format!("trust anchor {} added", info.name)
        }
        TrustCommand::Remove { name } => {
            let info = archive.remove_trust_anchor(&caller, &name)?;
            println!("removed {}: {}", info.name, info.subject);
            format!("trust anchor {} removed", info.name)
        }
    };
    let mut progress =
        super::progress_printer(&schemas::messages::CLI_ACTIVITY_RECHECKING_SIGNATURES);
    let recheck = ingest::signature::recheck_signed(&archive, &caller, &why, &mut progress)?;
    println!(
        "signatures checked again in {} file(s); {} document(s) changed status",
        recheck.checked,
        recheck.changed.len()
    );
    for (sha256, error) in &recheck.failed {
        eprintln!("kho: blob {sha256} could not be read to check its signatures: {error}");
    }
    super::push_journal(&archive)?;
    Ok(if recheck.failed.is_empty() {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}
