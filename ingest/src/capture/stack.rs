//! Storing a scanned stack: each stack read once and looked at page by page, its split planned,
//! the stack kept whole (a blob of its own), every planned document cut out, extracted and
//! stored with its provenance, and every refused run of pages reported with its pages and
//! reason. The run is recorded in the store's batches like any `kho ingest`.

use super::cut::cut;
use super::scan::scan_stack;
use super::split::{plan, SegmentProblem, SplitOptions, StackPlan};
use crate::batch::{announce, record_durably};
use crate::extract::ExtractConfig;
use crate::files::{commit_prepared, prepare_loaded, RejectKind, Stage};
use crate::{load_bytes, load_file, FileReport, InputFile, LoadedFile, Summary};
use archive_core::{Archive, ArchiveError};
use rayon::prelude::*;
use schemas::messages::{self as m, Message};
use schemas::{Caller, DocTypes, Provenance};
use time::Date;

/// Documents cut from one scanned stack that are extracted at once: two per worker, so that
/// memory stays a few documents deep.
fn window() -> usize {
    rayon::current_num_threads().max(1) * 2
}

/// A stack read and planned: its bytes, and how it splits.
pub struct PlannedStack {
    pub display: String,
    pub source_name: Option<String>,
    pub loaded: LoadedFile,
    pub plan: StackPlan,
}

/// Reads a stack file (bounded) and plans its split; stores nothing. A file that cannot be a
/// stack comes back as its rejection.
pub fn plan_stack_file(
    input: &InputFile,
    max_bytes: u64,
    options: &SplitOptions,
    types: &DocTypes,
    today: Date,
    cfg: &ExtractConfig,
) -> Result<PlannedStack, Box<FileReport>> {
    let loaded = load_file(input, max_bytes, &cfg.limits)?;
    let source_name = input
        .path
        .file_name()
        .map(|n| schemas::nfc(&n.to_string_lossy()));
    plan_stack(
        &input.display,
        source_name,
        loaded,
        options,
        types,
        today,
        cfg,
    )
}

/// [`plan_stack_file`] with the store's file size limit, its document types and today's date.
pub fn plan_stack_in(
    archive: &Archive,
    input: &InputFile,
    options: &SplitOptions,
    cfg: &ExtractConfig,
) -> Result<PlannedStack, Box<FileReport>> {
    plan_stack_file(
        input,
        archive.max_file_bytes(),
        options,
        archive.doc_types(),
        schemas::today(),
        cfg,
    )
}

/// Plans the split of a stack already in memory (an upload).
pub fn plan_stack(
    display: &str,
    source_name: Option<String>,
    loaded: LoadedFile,
    options: &SplitOptions,
    types: &DocTypes,
    today: Date,
    cfg: &ExtractConfig,
) -> Result<PlannedStack, Box<FileReport>> {
    let scans = scan_stack(
        loaded.inspection.format,
        &loaded.bytes,
        &cfg.limits,
        cfg.ocr.page_timeout,
    )
    .map_err(|why| {
        Box::new(FileReport {
            sha256: Some(loaded.sha256.clone()),
            ..FileReport::rejected(
                display,
                RejectKind::Unsplittable,
                Message::new(&m::INGEST_CANNOT_SPLIT).with("why", why),
            )
        })
    })?;
    Ok(PlannedStack {
        display: display.to_string(),
        source_name,
        plan: plan(&scans, options, types, today),
        loaded,
    })
}

/// How a segment is named in reports: the stack and its pages.
fn segment_display(display: &str, separator: Option<u32>, range: &str) -> String {
    match separator {
        Some(page) => format!("{display} (separator page {page}, {range})"),
        None => format!("{display} ({range})"),
    }
}

fn reject_kind(problem: SegmentProblem) -> RejectKind {
    match problem {
        SegmentProblem::NoSeparator => RejectKind::NoSeparator,
        SegmentProblem::BadSeparator => RejectKind::BadSeparator,
        SegmentProblem::TooManyPages => RejectKind::MissedSeparator,
        SegmentProblem::Empty => RejectKind::EmptySegment,
    }
}

/// Stores a planned stack: the stack kept, then each document; every segment's outcome, durable
/// when this returns. Stops only on a store failure.
pub fn store_stack(
    archive: &Archive,
    stack: PlannedStack,
    caller: &Caller,
    cfg: &ExtractConfig,
) -> Result<Vec<FileReport>, ArchiveError> {
    let PlannedStack {
        display,
        source_name,
        loaded,
        plan,
    } = stack;
    let format = loaded.inspection.format;
    let kept = archive.keep_stack(
        caller,
        &loaded.bytes,
        source_name.clone(),
        format,
        loaded.inspection.pages,
    )?;
    type Job<'p> = (&'p super::split::Segment, String);
    let jobs: Vec<Job<'_>> = plan
        .segments
        .iter()
        .map(|s| {
            (
                s,
                segment_display(&display, s.separator_page, &s.page_range()),
            )
        })
        .collect();
    let mut outcomes = Vec::with_capacity(jobs.len());
    for chunk in jobs.chunks(window()) {
        let staged: Vec<Result<Stage, ArchiveError>> = chunk
            .par_iter()
            .map(|(segment, name)| {
                let (Some(metadata), None, Some(separator_page)) =
                    (&segment.metadata, segment.problem, segment.separator_page)
                else {
                    let kind = segment.problem.map_or(RejectKind::NoSeparator, reject_kind);
                    let reason = segment.reason.clone().unwrap_or_else(|| {
                        Message::new(&m::INGEST_BEFORE_SEPARATOR)
                            .with_message("range", segment.pages_message())
                    });
                    return Ok(Stage::Done(Box::new(FileReport::rejected(
                        name, kind, reason,
                    ))));
                };
                let bytes = match cut(format, &loaded.bytes, &segment.pages, &cfg.limits) {
                    Ok(bytes) => bytes,
                    Err(why) => {
                        return Ok(Stage::Done(Box::new(FileReport::rejected(
                            name,
                            RejectKind::Unsplittable,
                            Message::new(&m::INGEST_CANNOT_SPLIT).with("why", why),
                        ))))
                    }
                };
                let loaded = match load_bytes(name, bytes, &cfg.limits) {
                    Ok(loaded) => loaded,
                    Err(rejected) => return Ok(Stage::Done(rejected)),
                };
                let provenance = Provenance {
                    stack_sha256: kept.sha256.clone(),
                    stack_name: source_name.clone(),
                    separator_page,
                    first_page: segment.first_page,
                    last_page: segment.last_page,
                    blank_pages: segment.blank_pages.clone(),
                };
                Ok(
                    match prepare_loaded(
                        archive,
                        caller,
                        name,
                        source_name.clone(),
                        loaded,
                        metadata,
                        cfg,
                    )? {
                        Stage::Ready(mut prepared) => {
                            prepared.provenance = Some(provenance);
                            Stage::Ready(prepared)
                        }
                        Stage::Done(mut done) => {
                            // A duplicate: the owner already has these pages.
                            done.provenance.get_or_insert(provenance);
                            Stage::Done(done)
                        }
                    },
                )
            })
            .collect();
        for stage in staged {
            let mut outcome = match stage? {
                Stage::Done(done) => *done,
                Stage::Ready(prepared) => commit_prepared(archive, caller, *prepared)?,
            };
            for warning in jobs_warnings(&plan, &outcome) {
                outcome.warnings.push(warning);
            }
            outcomes.push(outcome);
        }
    }
    archive.flush()?;
    Ok(outcomes)
}

/// The page warnings of the segment a report is about (pages that could not be looked at).
fn jobs_warnings(plan: &StackPlan, outcome: &FileReport) -> Vec<schemas::Message> {
    let Some(p) = &outcome.provenance else {
        return Vec::new();
    };
    plan.segments
        .iter()
        .find(|s| s.separator_page == Some(p.separator_page))
        .map(|s| s.warnings.clone())
        .unwrap_or_default()
}

/// A stack to split: a file on disk, or bytes already in memory (an upload, a kept stack).
pub enum StackInput {
    File(Result<InputFile, crate::InputError>),
    Bytes {
        display: String,
        source_name: Option<String>,
        bytes: Vec<u8>,
    },
}

/// Splits and stores stacks, one after the other, as one batch in the store's record of
/// batches (`source`): each document and each refused run of pages is a line. A file that is
/// not a stack at all is one rejected line.
#[allow(clippy::too_many_arguments)]
pub fn run_stacks(
    archive: &Archive,
    source: &str,
    inputs: Vec<StackInput>,
    options: &SplitOptions,
    caller: &Caller,
    cfg: &ExtractConfig,
    report: &mut dyn FnMut(&FileReport),
    progress: &mut dyn FnMut(&Summary),
) -> Result<Summary, ArchiveError> {
    let batches = archive.batches();
    let mut record = batches.start(&caller.actor().name, source, inputs.len() as u64)?;
    let mut summary = Summary::default();
    let today = schemas::today();
    let types = archive.doc_types();
    for input in inputs {
        let planned = match input {
            StackInput::File(file) => file
                .map_err(|e| Box::new(FileReport::rejected(e.display, RejectKind::Path, e.reason)))
                .and_then(|input| {
                    plan_stack_file(&input, archive.max_file_bytes(), options, types, today, cfg)
                }),
            StackInput::Bytes {
                display,
                source_name,
                bytes,
            } => load_bytes(&display, bytes, &cfg.limits).and_then(|loaded| {
                plan_stack(&display, source_name, loaded, options, types, today, cfg)
            }),
        };
        let outcomes = split_and_store(archive, planned, options, caller, cfg, &mut summary)?;
        summary.total += outcomes.len() as u64;
        record.total = summary.total;
        record_durably(archive, &mut record, summary.done, &outcomes)?;
        announce(&mut summary, &outcomes, report, progress);
    }
    batches.finish(&mut record)?;
    Ok(summary)
}

/// Stores a planned stack (or reports why the file is none): split at its separators, counted in
/// `summary` (stacks, separator sheets, blank pages), or stored whole when it has no separator
/// and the options allow it. Used by `--split`, the hot folder, and manifest rows with
/// `split=yes` (`crate::batch`). The outcomes are durable when this returns.
pub fn split_and_store(
    archive: &Archive,
    planned: Result<PlannedStack, Box<FileReport>>,
    options: &SplitOptions,
    caller: &Caller,
    cfg: &ExtractConfig,
    summary: &mut Summary,
) -> Result<Vec<FileReport>, ArchiveError> {
    Ok(match planned {
        Err(rejected) => vec![*rejected],
        Ok(stack) if stack.plan.separator_pages.is_empty() && options.whole_without_separator => {
            vec![store_whole(
                archive,
                stack,
                options,
                caller,
                cfg,
                schemas::today(),
            )?]
        }
        Ok(stack) => {
            summary.stacks += 1;
            summary.separator_pages += stack.plan.separator_pages.len() as u64;
            summary.blank_pages += stack.plan.blank_pages.len() as u64;
            store_stack(archive, stack, caller, cfg)?
        }
    })
}

/// A file without separators stored as one document, with the default metadata.
fn store_whole(
    archive: &Archive,
    stack: PlannedStack,
    options: &SplitOptions,
    caller: &Caller,
    cfg: &ExtractConfig,
    today: Date,
) -> Result<FileReport, ArchiveError> {
    let metadata = match options.defaults.validate(archive.doc_types(), today) {
        Ok(metadata) => metadata,
        Err(e) => {
            return Ok(FileReport::rejected(
                &stack.display,
                RejectKind::NoSeparator,
                Message::new(&m::INGEST_NO_SEPARATOR_NO_DEFAULTS)
                    .with_message("errors", e.message()),
            ))
        }
    };
    match prepare_loaded(
        archive,
        caller,
        &stack.display,
        stack.source_name,
        stack.loaded,
        &metadata,
        cfg,
    )? {
        Stage::Done(done) => Ok(*done),
        Stage::Ready(prepared) => commit_prepared(archive, caller, *prepared),
    }
}
