//! A batch: every input planned and validated before any is stored; then a pipeline in which a
//! pool of workers reads, extracts (OCR) and writes to the blob store each file in turn, while one
//! writer records the finished files in input order and flushes once for each group of them
//! (group commit). Outcomes are reported in input order, each only after it is durable. A few
//! files per worker are held in memory at most (`pipeline.rs`), whatever the size of the batch.
//! Used by both `kho ingest PATH...` and `kho ingest --manifest`.
//!
//! A manifest row marked `split=yes` names a scanned stack: the pipeline runs up to it, the
//! stack is split and stored by `capture::stack` (itself parallel, page by page and document by
//! document), and the pipeline goes on with the rows after it, so that the report keeps the
//! manifest's order.

use crate::capture::{plan_stack_in, split_and_store, SplitOptions};
use crate::extract::ExtractConfig;
use crate::files::{commit_prepared, prepare_file, RejectKind, Stage};
use crate::pipeline;
use crate::{FileReport, FileStatus, InputFile};
use archive_core::batches::{BatchLine, BatchRecord};
use archive_core::{Archive, ArchiveError};
use schemas::messages::{self as m, Message};
use schemas::{Caller, DocTypes, DocumentMetadata, ManifestRow, ManifestRowError, MetadataInput};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use time::Date;

/// One input ready to store, or the reason it will not be.
/// (The rejection is boxed: it is much larger than a plan, and most items are plans.)
pub type PlannedItem = Result<Planned, Box<FileReport>>;

#[derive(Debug, Clone)]
pub struct Planned {
    pub input: InputFile,
    pub store_as: StoreAs,
    /// The manifest line it came from, if any.
    pub line: Option<u64>,
}

/// What a planned input becomes.
#[derive(Debug, Clone)]
pub enum StoreAs {
    /// One document with this metadata.
    Document(Box<DocumentMetadata>),
    /// A scanned stack split at its separator sheets (a manifest row with `split=yes`), one
    /// document per separator; the options' defaults are the row's own cells.
    Stack(Box<SplitOptions>),
}

impl Planned {
    fn is_stack(&self) -> bool {
        matches!(self.store_as, StoreAs::Stack(_))
    }
}

/// What a run stores: the planned items, taken one at a time as the batch goes, so that
/// they need not all be in memory.
pub struct Batch<'a, I> {
    /// What the batch was run on (a manifest, folders), as the store records it.
    pub source: &'a str,
    pub items: I,
    /// How many items there are, for the progress.
    pub total: u64,
}

/// Counts of a batch, as it goes and when it ends.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Files with an outcome so far, and in all.
    pub done: u64,
    pub total: u64,
    pub stored: u64,
    pub duplicate: u64,
    pub rejected: u64,
    /// Rejections by kind of reason.
    pub rejected_by: BTreeMap<RejectKind, u64>,
    /// Pages of the stored and duplicate files.
    pub pages: u64,
    /// Pages read by OCR (in files stored by this run).
    pub ocr_pages: u64,
    /// OCR pages below the review threshold.
    pub low_confidence_pages: u64,
    /// Stored files linked to an earlier record as probable rescans.
    pub rescans: u64,
    /// Scanned stacks split (`--split`), their separator sheets, and the blank pages dropped.
    pub stacks: u64,
    pub separator_pages: u64,
    pub blank_pages: u64,
}

impl Summary {
    /// Adds one file's outcome.
    pub fn count(&mut self, r: &FileReport) {
        self.done += 1;
        match r.status {
            FileStatus::Stored => self.stored += 1,
            FileStatus::Duplicate => self.duplicate += 1,
            FileStatus::Rejected => {
                self.rejected += 1;
                if let Some(kind) = r.reject_kind {
                    *self.rejected_by.entry(kind).or_insert(0) += 1;
                }
            }
        }
        if r.status != FileStatus::Rejected {
            self.pages += u64::from(r.pages.unwrap_or(0));
        }
        if r.status == FileStatus::Stored {
            self.ocr_pages += u64::from(r.ocr_pages.unwrap_or(0));
            self.low_confidence_pages += r.low_confidence_pages.len() as u64;
            self.rescans += u64::from(r.rescan_of.is_some());
        }
    }
}

/// Plans `kho ingest PATH...`: the same metadata for every file. If the metadata breaks a rule,
/// every file is rejected with that reason (nothing is stored under wrong metadata).
pub fn plan_paths(
    inputs: Vec<Result<InputFile, crate::InputError>>,
    metadata: &MetadataInput,
    types: &DocTypes,
    today: Date,
) -> Vec<PlannedItem> {
    let validated = metadata.validate(types, today).map_err(|e| e.message());
    inputs
        .into_iter()
        .map(|input| {
            let input = input.map_err(|e| {
                Box::new(FileReport::rejected(e.display, RejectKind::Path, e.reason))
            })?;
            match &validated {
                Ok(metadata) => Ok(Planned {
                    input,
                    store_as: StoreAs::Document(Box::new(metadata.clone())),
                    line: None,
                }),
                Err(reason) => Err(Box::new(FileReport::rejected(
                    input.display,
                    RejectKind::Metadata,
                    reason.clone(),
                ))),
            }
        })
        .collect()
}

/// Plans a manifest as it is read: each row's metadata validated, each file resolved under
/// `root` and refused if it escapes it (`..`, an absolute path, a symbolic link out), is missing,
/// is a folder, or was already named by an earlier row. Rows are planned one at a time; what is
/// kept across rows is a 16-byte fingerprint of each file named, for the repeated-file check.
/// A row with `split=yes` is a stack, split with `split` (`--max-pages`, `--keep-blank`) and its
/// own cells as the defaults for what each separator leaves empty: they are validated with each
/// separator's metadata, not alone.
pub fn plan_manifest<'a>(
    rows: impl Iterator<Item = Result<ManifestRow, ManifestRowError>> + 'a,
    root: &Path,
    types: &'a DocTypes,
    today: Date,
    split: &'a SplitOptions,
) -> impl Iterator<Item = PlannedItem> + 'a {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut seen: HashMap<u128, u64> = HashMap::new();
    let mut names = crate::names::NameResolver::default();
    rows.map(move |row| {
        let row = row.map_err(|e| {
            let report = FileReport::rejected(
                format!("line {}", e.line),
                RejectKind::ManifestRow,
                at_line(e.line, e.error),
            );
            Box::new(report.at_line(e.line))
        })?;
        let reject = |kind: RejectKind, reason: Message| {
            Box::new(
                FileReport::rejected(&row.file, kind, at_line(row.line, reason)).at_line(row.line),
            )
        };
        let path = resolve(&canonical_root, &row.file, &mut names)
            .map_err(|r| reject(RejectKind::Path, r))?;
        let first = *seen.entry(fingerprint(&path)).or_insert(row.line);
        if first != row.line {
            return Err(reject(
                RejectKind::RepeatedFile,
                Message::new(&m::INGEST_REPEATED_FILE).with("first", first),
            ));
        }
        let store_as = if row.split {
            StoreAs::Stack(Box::new(SplitOptions {
                defaults: row.metadata,
                ..split.clone()
            }))
        } else {
            let metadata = row
                .metadata
                .validate(types, today)
                .map_err(|e| reject(RejectKind::Metadata, e.message()))?;
            StoreAs::Document(Box::new(metadata))
        };
        Ok(Planned {
            input: InputFile {
                path,
                display: row.file,
            },
            store_as,
            line: Some(row.line),
        })
    })
}

/// The first 16 bytes of the path's sha256: a collision between two of a million paths has a
/// chance of about 1 in 10^27, and it costs 16 bytes a row instead of the whole path.
fn fingerprint(path: &Path) -> u128 {
    let digest = archive_core::Sha256Digest::of(path.as_os_str().as_encoded_bytes());
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest.0[..16]);
    u128::from_le_bytes(first)
}

/// Resolves a manifest `file` cell under the root. Backslashes count as separators, since
/// manifests are often written on Windows; each name is matched by its NFC form, whatever the
/// form on disk (crate::names).
fn resolve(
    root: &Path,
    file: &str,
    names: &mut crate::names::NameResolver,
) -> Result<PathBuf, Message> {
    let rule = |entry: &'static m::Entry| Message::new(entry).with("file", file);
    let relative = PathBuf::from(file.replace('\\', "/"));
    if relative.is_absolute() {
        return Err(rule(&m::INGEST_ABSOLUTE_PATH));
    }
    if relative
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
    {
        return Err(rule(&m::INGEST_LEAVES_ROOT));
    }
    let found = names.find(root, &relative).map_err(|lookup| match lookup {
        crate::names::Lookup::NotFound => {
            rule(&m::INGEST_NOT_UNDER_ROOT).with("root", root.display())
        }
        crate::names::Lookup::Ambiguous(paths) => rule(&m::INGEST_AMBIGUOUS_NAME)
            .with("count", paths.len())
            .with(
                "names",
                paths
                    .iter()
                    .map(|p| {
                        let shown = p.display().to_string();
                        let form = if schemas::nfc(&shown) == shown {
                            "NFC"
                        } else {
                            "NFD"
                        };
                        format!("{shown} ({form})")
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
    })?;
    let canonical = found
        .canonicalize()
        .map_err(|e| rule(&m::INGEST_ROW_UNREADABLE).with("why", e))?;
    if !canonical.starts_with(root) {
        return Err(rule(&m::INGEST_LINK_OUTSIDE));
    }
    if canonical.is_dir() {
        return Err(rule(&m::INGEST_IS_FOLDER));
    }
    Ok(canonical)
}

/// Stored documents between two index updates during a batch.
const INDEX_EVERY_DOCS: u64 = 2000;

/// Files taken and not yet recorded, per worker: a slow file (many OCR pages) lets the others
/// run this far ahead of it before they wait, and memory stays a few files deep.
const IN_FLIGHT_PER_WORKER: usize = 4;

/// Adds outcomes to the store's record of a batch (its lines, numbered from `first_index`, and
/// its counts) and makes them durable with everything committed before them: one flush.
pub(crate) fn record_durably(
    archive: &Archive,
    record: &mut BatchRecord,
    first_index: u64,
    outcomes: &[FileReport],
) -> Result<(), ArchiveError> {
    for outcome in outcomes {
        tally(record, outcome.status);
    }
    let lines: Vec<BatchLine> = outcomes.iter().map(batch_line).collect();
    archive
        .batches()
        .record_lines(record, first_index, &lines)?;
    archive.flush()
}

/// Counts durable outcomes and reports each, with the running counts.
pub(crate) fn announce(
    summary: &mut Summary,
    outcomes: &[FileReport],
    report: &mut dyn FnMut(&FileReport),
    progress: &mut dyn FnMut(&Summary),
) {
    for outcome in outcomes {
        summary.count(outcome);
        report(outcome);
        progress(summary);
    }
}

/// Adds one outcome to the counts kept in the store's record of the batch.
fn tally(record: &mut BatchRecord, status: FileStatus) {
    match status {
        FileStatus::Stored => record.stored += 1,
        FileStatus::Duplicate => record.duplicate += 1,
        FileStatus::Rejected => record.rejected += 1,
    }
}

/// The batch's line in the store's record of batches.
/// Records one file stored outside a batch run (an upload through the API or the web page) as
/// a batch of its own, so that operators find it in the list of batches with the others.
pub fn record_upload(
    archive: &Archive,
    caller: &Caller,
    report: &FileReport,
) -> Result<(), ArchiveError> {
    let batches = archive.batches();
    let mut record = batches.start(
        &caller.actor().name,
        &format!("tải lên: {}", report.file),
        1,
    )?;
    record_durably(archive, &mut record, 0, std::slice::from_ref(report))?;
    batches.finish(&mut record)
}

fn batch_line(r: &FileReport) -> BatchLine {
    BatchLine {
        line: r.line,
        file: r.file.clone(),
        status: schemas::json_name(r.status),
        id: r.id.clone(),
        reject_kind: r.reject_kind.map(schemas::json_name),
        message: r.error.clone(),
        reason: None,
    }
}

/// An outcome of a manifest row's stack: its line, and its reason said on that line as for every
/// other row's rejection.
fn for_row(outcome: FileReport, line: u64) -> FileReport {
    let mut outcome = outcome.at_line(line);
    outcome.error = outcome.error.map(|error| at_line(line, error));
    outcome
}

/// A manifest row's reason, said on its line.
fn at_line(line: u64, reason: Message) -> Message {
    Message::new(&m::INGEST_AT_LINE)
        .with("line", line)
        .with_message("reason", reason)
}

/// Makes a group of outcomes durable (with the batch's record of them), brings the index along
/// every few thousand documents, and reports them.
#[allow(clippy::too_many_arguments)]
fn conclude_group(
    archive: &Archive,
    record: &mut BatchRecord,
    summary: &mut Summary,
    unindexed: &mut u64,
    outcomes: &[FileReport],
    report: &mut dyn FnMut(&FileReport),
    progress: &mut dyn FnMut(&Summary),
) -> Result<(), ArchiveError> {
    // Group commit: one flush makes the whole group (and its report lines) durable before it
    // is reported.
    record_durably(archive, record, summary.done, outcomes)?;
    // The index follows every few thousand documents, so that a long batch is searchable as it
    // goes and the index writer's memory does not grow with the batch.
    *unindexed += outcomes
        .iter()
        .filter(|o| o.status == FileStatus::Stored)
        .count() as u64;
    if *unindexed >= INDEX_EVERY_DOCS {
        archive.sync_index(&mut |_, _| {})?;
        *unindexed = 0;
    }
    announce(summary, outcomes, report, progress);
    Ok(())
}

/// Stores every planned item, reporting each outcome in input order as soon as it is durable
/// (`report`), with the running counts (`progress`). Stops only on a store failure; a file's own
/// problems are rejections in the report. The batch and every outcome are also recorded in the
/// store under its `source`, for the operators' list of recent batches.
pub fn run(
    archive: &Archive,
    batch: Batch<'_, impl Iterator<Item = PlannedItem> + Send>,
    caller: &Caller,
    cfg: &ExtractConfig,
    report: &mut dyn FnMut(&FileReport),
    progress: &mut dyn FnMut(&Summary),
) -> Result<Summary, ArchiveError> {
    let Batch {
        source,
        items,
        total,
    } = batch;
    let mut summary = Summary {
        total,
        ..Summary::default()
    };
    let workers = rayon::current_num_threads().max(1);
    let mut unindexed = 0u64;
    let batches = archive.batches();
    let mut record = batches.start(&caller.actor().name, source, summary.total)?;
    let prepare = |item: PlannedItem| -> (Option<u64>, Result<Stage, ArchiveError>) {
        match item {
            Err(rejected) => (rejected.line, Ok(Stage::Done(rejected))),
            Ok(Planned {
                input,
                store_as: StoreAs::Document(metadata),
                line,
            }) => (line, prepare_file(archive, caller, &input, &metadata, cfg)),
            // Stacks are taken out before the pipeline (below) and never come here; were one
            // to, it is refused rather than stored whole.
            Ok(Planned { input, line, .. }) => (
                line,
                Ok(Stage::Done(Box::new(FileReport::rejected(
                    input.display,
                    RejectKind::Unsplittable,
                    &m::INGEST_STACK_IN_PIPELINE,
                )))),
            ),
        }
    };
    let mut items = items.peekable();
    loop {
        // The items up to the next stack: read, extracted and written to the blob store by a
        // pool of workers, each taking the next file when it is free; the writer records them
        // in input order, a group at a time.
        let files = std::iter::from_fn(|| {
            items.next_if(|item| !item.as_ref().is_ok_and(Planned::is_stack))
        });
        pipeline::in_order(
            files,
            workers,
            IN_FLIGHT_PER_WORKER * workers,
            &prepare,
            &mut |group| {
                let mut outcomes = Vec::with_capacity(group.len());
                for (line, staged) in group {
                    let outcome = match staged? {
                        Stage::Done(done) => *done,
                        Stage::Ready(prepared) => commit_prepared(archive, caller, *prepared)?,
                    };
                    outcomes.push(match line {
                        Some(line) => outcome.at_line(line),
                        None => outcome,
                    });
                }
                conclude_group(
                    archive,
                    &mut record,
                    &mut summary,
                    &mut unindexed,
                    &outcomes,
                    report,
                    progress,
                )
            },
        )?;
        // The stack that stopped the pipeline, split and stored as `kho ingest --split` does.
        let Some(Ok(Planned {
            input,
            store_as: StoreAs::Stack(options),
            line,
        })) = items.next()
        else {
            break;
        };
        let planned = plan_stack_in(archive, &input, &options, cfg);
        let outcomes: Vec<FileReport> =
            split_and_store(archive, planned, &options, caller, cfg, &mut summary)?
                .into_iter()
                .map(|outcome| match line {
                    Some(line) => for_row(outcome, line),
                    None => outcome,
                })
                .collect();
        // The row was counted as one item; it has as many outcomes as segments.
        summary.total += (outcomes.len() as u64).saturating_sub(1);
        record.total = summary.total;
        conclude_group(
            archive,
            &mut record,
            &mut summary,
            &mut unindexed,
            &outcomes,
            report,
            progress,
        )?;
    }
    batches.finish(&mut record)?;
    Ok(summary)
}
