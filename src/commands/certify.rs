use crate::{Outcome, UsageError};
use anyhow::Context;
use std::io::BufRead;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The document to copy.
    id: String,
    /// Where to write the signed copy (PDF).
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// The digitizing agency's key and certificate (PKCS#12). Password from
    /// $KHO_SIGNING_PASSWORD, else the first line of standard input.
    #[arg(long)]
    key: PathBuf,
    /// The dossier the copy is made for (recorded with the copy and in the owner's ledger).
    #[arg(long)]
    dossier: Option<String>,
    /// Why the copy is made, in words.
    #[arg(long)]
    purpose: Option<String>,
    /// The public address of the verification page, printed on the copy before its code
    /// (e.g. https://kho.example.gov.vn/verify/). Default: the path /verify/ alone.
    #[arg(long)]
    verify_url: Option<String>,
    #[arg(long)]
    json: bool,
}

/// Opens the agency's PKCS#12 with the password from $KHO_SIGNING_PASSWORD or standard input.
pub fn signing_key(path: &Path) -> anyhow::Result<ingest::certify::AgencySigner> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let password = match std::env::var("KHO_SIGNING_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                eprint!("password of {}: ", path.display());
            }
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the key's password from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    ingest::certify::AgencySigner::from_pkcs12(&bytes, &password)
        .map_err(|why| UsageError(format!("{}: {why}", path.display())).into())
}

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    let signer = signing_key(&args.key)?;
    let reason = schemas::AccessReason::new(args.dossier.as_deref(), None, args.purpose.as_deref())
        .map_err(|e| UsageError(e.to_string()))?;
    let archive = store.open()?;
    let limits = ingest::Limits::default();
    let request = ingest::certify::CertifyRequest {
        signer: &signer,
        verify_base: args.verify_url.as_deref(),
        limits: &limits,
    };
    let (copy, bytes) = ingest::certify::certify_document(
        &archive,
        &super::local_caller(),
        &args.id,
        &reason,
        &request,
    )?;
    let dir = args
        .output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    std::io::Write::write_all(tmp.as_file_mut(), &bytes)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    tmp.as_file().sync_all()?;
    tmp.persist(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    if args.json {
        super::print_json(&copy)?;
    } else {
        println!(
            "certified copy {} of {} written to {} (sha256 {}), signed by {}",
            copy.code,
            copy.doc_id,
            args.output.display(),
            copy.sha256,
            signer.subject()
        );
    }
    Ok(Outcome::Success)
}
