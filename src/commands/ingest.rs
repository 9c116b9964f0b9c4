use super::progress::BatchProgress;
use super::report_file::ReportFile;
use crate::{Outcome, UsageError};
use anyhow::Context;
use ingest::extract::ExtractConfig;
use ingest::{FileReport, FileStatus, PlannedItem};
use schemas::messages as m;
use schemas::{Message, MetadataInput, METADATA_FIELDS};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("stacks").args(["split", "manifest"]).multiple(true)))]
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
    #[command(flatten)]
    metadata: MetadataFlags,
    /// Pages read (OCR) at once; default one per core.
    #[arg(long)]
    jobs: Option<usize>,
    /// One JSON object per input file on stdout, in input order.
    #[arg(long)]
    json: bool,
    /// Also write the report to FILE: CSV (`.csv`), JSON (`.json`) or JSON lines (`.jsonl`).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Check the batch (metadata, paths, repeated files, file formats) and store nothing.
    #[arg(long)]
    check: bool,
    /// Each file is a scanned stack (PDF or multi-page TIFF) of several dossiers, each behind a
    /// separator sheet (`kho sheets`): store one document per separator, with the metadata of
    /// its QR code. Metadata flags fill what a separator leaves empty.
    #[arg(long, conflicts_with_all = ["manifest", "check"])]
    split: bool,
    /// With --split, or --manifest with `split=yes` rows: print how each stack splits
    /// (documents, pages, metadata) and store nothing (a manifest's other rows are checked as
    /// with --check).
    #[arg(long, requires = "stacks", conflicts_with = "check")]
    plan: bool,
    /// With --split (or `split=yes` manifest rows): refuse a document of more than N pages
    /// (blank pages not counted): a separator was probably missed.
    #[arg(long, requires = "stacks", value_name = "N")]
    max_pages: Option<u32>,
    /// With --split (or `split=yes` manifest rows): keep blank pages (backs of duplex scans)
    /// in the documents.
    #[arg(long, requires = "stacks")]
    keep_blank: bool,
}

/// The metadata flags, one per field of the one table of them (`schemas::METADATA_FIELDS`):
/// `--owner`, `--doc-type`, `--issued-on`, ...
#[derive(Debug, Clone, Default)]
struct MetadataFlags(MetadataInput);

impl clap::FromArgMatches for MetadataFlags {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut input = MetadataInput::default();
        for field in METADATA_FIELDS {
            if let Some(value) = matches.get_one::<String>(field.name) {
                input.set(field.name, value.clone());
            }
        }
        Ok(MetadataFlags(input))
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl clap::Args for MetadataFlags {
    fn augment_args(command: clap::Command) -> clap::Command {
        METADATA_FIELDS.iter().fold(command, |command, field| {
            command.arg(
                clap::Arg::new(field.name)
                    .long(field.flag)
                    .value_name("TEXT")
                    .help(field.about.trim_end_matches('.')),
            )
        })
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
}

impl Args {
    fn metadata(&self) -> MetadataInput {
        self.metadata.0.clone()
    }

    fn has_metadata_flags(&self) -> bool {
        self.metadata() != MetadataInput::default()
    }

    fn split_options(&self) -> ingest::capture::SplitOptions {
        ingest::capture::SplitOptions {
            max_pages: self.max_pages,
            keep_blank: self.keep_blank,
            defaults: self.metadata(),
            whole_without_separator: false,
        }
    }
}

/// The folder a manifest's `file` paths are relative to.
fn manifest_root(manifest: &Path, root: Option<&Path>) -> PathBuf {
    match root {
        Some(r) => r.to_path_buf(),
        None => manifest
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf(),
    }
}

/// The manifest's rows, planned one at a time as they are read (`split`: how `split=yes` rows
/// are split).
fn manifest_items<'a>(
    manifest: &Path,
    root: &Path,
    archive: &'a archive_core::Archive,
    split: &'a ingest::capture::SplitOptions,
    say_warnings: bool,
) -> anyhow::Result<impl Iterator<Item = PlannedItem> + Send + 'a> {
    let file = std::fs::File::open(manifest)
        .with_context(|| format!("cannot read the manifest {}", manifest.display()))?;
    let rows = schemas::read_manifest(std::io::BufReader::new(file))
        .with_context(|| format!("manifest {}", manifest.display()))?;
    if say_warnings {
        for warning in &rows.warnings {
            let warning = format!("manifest {}: {warning}", manifest.display());
            eprintln!(
                "kho: {}",
                Message::new(&m::CLI_WARNING).with("why", warning)
            );
        }
    }
    Ok(ingest::plan_manifest(
        rows,
        root,
        archive.doc_types(),
        schemas::today(),
        split,
    ))
}

pub(super) fn print_human(r: &FileReport) {
    let status = schemas::Message::new(match r.status {
        FileStatus::Stored => &schemas::messages::STATUS_STORED,
        FileStatus::Duplicate => &schemas::messages::STATUS_DUPLICATE,
        FileStatus::Rejected => &schemas::messages::STATUS_REJECTED,
    })
    .to_string();
    match (&r.id, &r.error) {
        (_, Some(error)) => println!("{status:<9}  {}  {error}", r.file),
        (Some(id), None) => println!(
            "{status:<9}  {}  {}",
            r.file,
            Message::new(&m::CLI_STORED_FILE)
                .with("id", id)
                .with("pages", r.pages.unwrap_or(0))
        ),
        (None, None) => println!("{status:<9}  {}", r.file),
    }
    if let Some(earlier) = &r.rescan_of {
        println!(
            "           {}",
            Message::new(&m::CLI_PROBABLE_RESCAN).with("earlier", earlier)
        );
    }
    if !r.low_confidence_pages.is_empty() {
        let pages: Vec<String> = r.low_confidence_pages.iter().map(u32::to_string).collect();
        println!(
            "           {}",
            Message::new(&m::CLI_REVIEW_LOW_CONFIDENCE).with("pages", pages.join(", "))
        );
    }
    for warning in &r.warnings {
        println!(
            "           {}",
            Message::new(&m::CLI_WARNING).with_message("why", warning.clone())
        );
    }
    let _ = std::io::stdout().flush();
}

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    if args.manifest.is_some() && args.has_metadata_flags() {
        return Err(UsageError::from(Message::new(&m::CLI_USAGE_METADATA_WITH_MANIFEST)).into());
    }
    if args.split {
        return super::split::run(
            store,
            &args.paths,
            args.split_options(),
            args.plan,
            args.json,
            args.jobs,
        );
    }
    if args.manifest.is_none()
        && (args.metadata.0.owner_id.is_none() || args.metadata.0.doc_type.is_none())
    {
        return Err(
            UsageError::from(Message::new(&m::CLI_USAGE_INGEST_NEEDS_OWNER_AND_TYPE)).into(),
        );
    }
    let mut report_file = match &args.report {
        Some(path) => Some(ReportFile::create(path)?),
        None => None,
    };
    if let Some(jobs) = args.jobs {
        ingest::set_jobs(jobs).map_err(anyhow::Error::msg)?;
    }
    let archive = store.open()?;
    let Some(manifest) = &args.manifest else {
        let items = ingest::plan_paths(
            ingest::expand_paths(&args.paths),
            &args.metadata(),
            archive.doc_types(),
            schemas::today(),
        );
        if args.check {
            return check(items.into_iter(), &args, report_file.as_mut());
        }
        let source = args
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let batch = ingest::Batch {
            source: &source,
            total: items.len() as u64,
            items: items.into_iter(),
        };
        return store_batch(&archive, batch, &args, report_file.as_mut());
    };
    let root = manifest_root(manifest, args.root.as_deref());
    let split = args.split_options();
    if args.check {
        let items = manifest_items(manifest, &root, &archive, &split, true)?;
        return check(items, &args, report_file.as_mut());
    }
    if args.plan {
        let items = manifest_items(manifest, &root, &archive, &split, true)?;
        return super::split::plan_manifest(&archive, items, &ExtractConfig::default(), args.json);
    }
    // Every row is validated before any file is read, so that a manifest's mistakes are known
    // from the start; the rows are then read again as the batch goes rather than kept.
    let (mut total, mut refused) = (0u64, 0u64);
    for item in manifest_items(manifest, &root, &archive, &split, true)? {
        total += 1;
        refused += u64::from(item.is_err());
    }
    if refused > 0 {
        let said = Message::new(&m::CLI_MANIFEST_ROWS_REFUSED)
            .with("manifest", manifest.display())
            .with("refused", refused)
            .with("total", total);
        eprintln!("kho: {said}");
    }
    let source = manifest.display().to_string();
    let batch = ingest::Batch {
        source: &source,
        items: manifest_items(manifest, &root, &archive, &split, false)?,
        total,
    };
    store_batch(&archive, batch, &args, report_file.as_mut())
}

/// Runs the batch, reporting each outcome as it becomes durable.
fn store_batch(
    archive: &archive_core::Archive,
    batch: ingest::Batch<'_, impl Iterator<Item = PlannedItem> + Send>,
    args: &Args,
    mut report_file: Option<&mut ReportFile>,
) -> anyhow::Result<Outcome> {
    let caller = super::local_caller();
    let started = std::time::Instant::now();
    let progress = std::cell::RefCell::new(BatchProgress::new(started));
    let mut write_error: Option<anyhow::Error> = None;
    let summary = ingest::run(
        archive,
        batch,
        &caller,
        &ExtractConfig::default(),
        &mut |r| {
            progress.borrow_mut().clear();
            if let Err(e) = emit(args.json, report_file.as_deref_mut(), r) {
                write_error.get_or_insert(e);
            }
        },
        &mut |s| progress.borrow_mut().update(s),
    )?;
    progress.borrow_mut().clear();
    super::sync_index(archive)?;
    super::push_journal(archive)?;
    if let Some(file) = report_file {
        file.finish(&summary)?;
    }
    if let Some(e) = write_error {
        return Err(e.context("cannot write the report"));
    }
    Ok(conclude(
        args.json,
        &summary_line(&summary, started.elapsed()),
        &summary,
    ))
}

/// One file's outcome: on stdout (a JSON line, or words) and in the report file, if any.
pub(super) fn emit(
    json: bool,
    report_file: Option<&mut ReportFile>,
    r: &FileReport,
) -> anyhow::Result<()> {
    // The report file is written even when stdout is gone (a closed pipe).
    let printed = if json {
        super::print_json(r)
    } else {
        print_human(r);
        Ok(())
    };
    let filed = match report_file {
        Some(file) => file.write(r),
        None => Ok(()),
    };
    printed.and(filed)
}

/// Prints the closing line (on stderr when stdout is JSON) and says how the batch went.
pub(super) fn conclude(json: bool, line: &str, summary: &ingest::Summary) -> Outcome {
    if json {
        eprintln!("kho: {line}");
    } else {
        println!("{line}");
    }
    if summary.rejected > 0 {
        Outcome::Partial
    } else {
        Outcome::Success
    }
}

/// `--check`: every row validated and every file's format recognised from its first bytes;
/// nothing read further, nothing stored.
fn check(
    items: impl Iterator<Item = PlannedItem>,
    args: &Args,
    mut report_file: Option<&mut ReportFile>,
) -> anyhow::Result<Outcome> {
    let mut summary = ingest::Summary::default();
    for item in items {
        summary.total += 1;
        let rejected = match item {
            Err(rejected) => Some(*rejected),
            Ok(planned) => ingest::check_format(&planned.input)
                .err()
                .map(|r| match planned.line {
                    Some(line) => r.at_line(line),
                    None => *r,
                }),
        };
        match rejected {
            None => summary.done += 1,
            Some(r) => {
                summary.count(&r);
                emit(args.json, report_file.as_deref_mut(), &r)?;
            }
        }
    }
    let ok = summary.done - summary.rejected;
    if let Some(file) = report_file {
        file.finish(&summary)?;
    }
    let line = Message::new(&m::CLI_CHECK_SUMMARY)
        .with("ok", ok)
        .with("rejected", summary.rejected)
        .with("by_reason", by_reason(&summary))
        .to_string();
    Ok(conclude(args.json, &line, &summary))
}

fn by_reason(summary: &ingest::Summary) -> String {
    if summary.rejected_by.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = summary
        .rejected_by
        .iter()
        .map(|(kind, n)| format!("{n} {}", schemas::Message::new(kind.words())))
        .collect();
    format!(" ({})", parts.join(", "))
}

pub(super) fn summary_line(s: &ingest::Summary, elapsed: std::time::Duration) -> String {
    let seconds = elapsed.as_secs_f64().max(0.001);
    let stacks = if s.stacks > 0 {
        Message::new(&m::CLI_SUMMARY_STACKS)
            .with("stacks", s.stacks)
            .with("separators", s.separator_pages)
            .with("blank", s.blank_pages)
            .to_string()
    } else {
        String::new()
    };
    let counts = Message::new(&m::CLI_SUMMARY)
        .with("stored", s.stored)
        .with("duplicate", s.duplicate)
        .with("rejected", s.rejected)
        .with("by_reason", by_reason(s))
        .with("pages", s.pages)
        .with("ocr_pages", s.ocr_pages)
        .with("review", s.low_confidence_pages)
        .with("rescans", s.rescans)
        .with("elapsed", super::progress::duration(elapsed))
        .with("rate", format!("{:.1}", s.pages as f64 / seconds));
    stacks + &counts.to_string()
}
