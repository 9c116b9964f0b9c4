use crate::{Outcome, UsageError};
use anyhow::Context;
use ingest::extract::ExtractConfig;
use ingest::{FileReport, FileStatus, PlannedItem};
use schemas::MetadataInput;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// Files or folders to store (folders are walked recursively).
    #[arg(required_unless_present = "manifest", conflicts_with = "manifest")]
    paths: Vec<PathBuf>,
    /// A CSV manifest: one row per file with its metadata (see the README).
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// Folder the manifest's `file` paths are relative to (default: the manifest's folder).
    #[arg(long, requires = "manifest")]
    root: Option<PathBuf>,
    /// Owner: 12-digit personal ID or 10-digit enterprise code.
    #[arg(long = "owner")]
    owner_id: Option<String>,
    #[arg(long)]
    owner_name: Option<String>,
    /// Document type key (`kho types` lists them).
    #[arg(long)]
    doc_type: Option<String>,
    #[arg(long)]
    title: Option<String>,
    /// Issuing agency's name.
    #[arg(long)]
    issuer: Option<String>,
    /// Issuing agency's code (e.g. H47.15 or 000.00.00.H47).
    #[arg(long)]
    issuer_code: Option<String>,
    /// Document number (số ký hiệu).
    #[arg(long)]
    doc_number: Option<String>,
    /// YYYY-MM-DD or DD/MM/YYYY.
    #[arg(long)]
    issued_on: Option<String>,
    /// YYYY-MM-DD, DD/MM/YYYY, or `permanent`; default from the document type.
    #[arg(long)]
    valid_until: Option<String>,
    #[arg(long)]
    signer: Option<String>,
    /// Dossier code, e.g. 000.00.00.H47-240501-0001.
    #[arg(long = "dossier")]
    dossier_code: Option<String>,
    /// Procedure code, e.g. 1.001193.
    #[arg(long = "procedure")]
    procedure_code: Option<String>,
    /// Result code, e.g. 000.00.00.H47-240501-0001-KQ1.
    #[arg(long = "result-code")]
    result_code: Option<String>,
    #[arg(long)]
    summary: Option<String>,
    /// Pages read (OCR) at once; default one per core.
    #[arg(long)]
    jobs: Option<usize>,
    /// One JSON object per input file on stdout, in input order.
    #[arg(long)]
    json: bool,
}

impl Args {
    fn metadata(&self) -> MetadataInput {
        MetadataInput {
            owner_id: self.owner_id.clone(),
            owner_name: self.owner_name.clone(),
            doc_type: self.doc_type.clone(),
            title: self.title.clone(),
            issuer: self.issuer.clone(),
            issuer_code: self.issuer_code.clone(),
            doc_number: self.doc_number.clone(),
            issued_on: self.issued_on.clone(),
            signer: self.signer.clone(),
            valid_until: self.valid_until.clone(),
            validity_scope: None,
            dossier_code: self.dossier_code.clone(),
            procedure_code: self.procedure_code.clone(),
            result_code: self.result_code.clone(),
            summary: self.summary.clone(),
        }
    }

    fn has_metadata_flags(&self) -> bool {
        self.metadata() != MetadataInput::default()
    }
}

fn plan_manifest(
    manifest: &Path,
    root: Option<&Path>,
    archive: &archive_core::Archive,
) -> anyhow::Result<Vec<PlannedItem>> {
    let bytes = std::fs::read(manifest)
        .with_context(|| format!("cannot read the manifest {}", manifest.display()))?;
    let parsed = schemas::parse_manifest(&bytes)
        .with_context(|| format!("manifest {}", manifest.display()))?;
    for warning in &parsed.warnings {
        eprintln!("kho: warning: manifest {}: {warning}", manifest.display());
    }
    let root = match root {
        Some(r) => r.to_path_buf(),
        None => manifest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf(),
    };
    Ok(ingest::plan_manifest(
        parsed,
        &root,
        archive.doc_types(),
        schemas::today(),
    ))
}

fn print_human(r: &FileReport) {
    let status = match r.status {
        FileStatus::Stored => "stored",
        FileStatus::Duplicate => "duplicate",
        FileStatus::Rejected => "REJECTED",
    };
    match (&r.id, &r.error) {
        (_, Some(error)) => println!("{status:<9}  {}  {error}", r.file),
        (Some(id), None) => println!(
            "{status:<9}  {}  id {id}  {} page(s)",
            r.file,
            r.pages.unwrap_or(0)
        ),
        (None, None) => println!("{status:<9}  {}", r.file),
    }
    if !r.low_confidence_pages.is_empty() {
        let pages: Vec<String> = r.low_confidence_pages.iter().map(u32::to_string).collect();
        println!(
            "           review: low OCR confidence on page(s) {}",
            pages.join(", ")
        );
    }
    for warning in &r.warnings {
        println!("           warning: {warning}");
    }
    let _ = std::io::stdout().flush();
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    if args.manifest.is_some() && args.has_metadata_flags() {
        return Err(UsageError(
            "metadata flags apply to PATH arguments; with --manifest the metadata comes from its columns".into(),
        )
        .into());
    }
    if args.manifest.is_none() && (args.owner_id.is_none() || args.doc_type.is_none()) {
        return Err(UsageError(
            "kho ingest PATH... needs --owner ID and --doc-type KEY (or use --manifest FILE.csv)"
                .into(),
        )
        .into());
    }
    if let Some(jobs) = args.jobs {
        ingest::set_jobs(jobs).map_err(anyhow::Error::msg)?;
    }
    let archive = super::open(data)?;
    let items = match &args.manifest {
        Some(manifest) => plan_manifest(manifest, args.root.as_deref(), &archive)?,
        None => ingest::plan_paths(
            ingest::expand_paths(&args.paths),
            &args.metadata(),
            archive.doc_types(),
            schemas::today(),
        ),
    };
    let actor = super::local_actor();
    let mut print_error = None;
    let summary = ingest::run(
        &archive,
        items,
        &actor,
        &ExtractConfig::default(),
        &mut |r| {
            if args.json {
                if let Err(e) = super::print_json(r) {
                    print_error.get_or_insert(e);
                }
            } else {
                print_human(r);
            }
        },
    )?;
    super::sync_index(&archive)?;
    if let Some(e) = print_error {
        return Err(e.context("cannot write the report to stdout"));
    }
    let line = format!(
        "{} stored, {} duplicate, {} rejected, {} page(s)",
        summary.stored, summary.duplicate, summary.rejected, summary.pages
    );
    if args.json {
        eprintln!("kho: {line}");
    } else {
        println!("{line}");
    }
    Ok(if summary.rejected > 0 {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}
