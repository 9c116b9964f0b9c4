//! `kho ingest STACK... --split [--plan]`: scanned stacks split at their separator sheets; and
//! `kho ingest --manifest FILE --plan`, where rows with `split=yes` are stacks.

use super::ingest::{conclude, emit, print_human, summary_line};
use super::progress::BatchProgress;
use crate::Outcome;
use ingest::capture::{SplitOptions, StackPlan};
use ingest::extract::ExtractConfig;
use std::path::PathBuf;

pub fn run(
    store: &super::Store,
    paths: &[PathBuf],
    options: SplitOptions,
    plan_only: bool,
    json: bool,
    jobs: Option<usize>,
) -> anyhow::Result<Outcome> {
    if let Some(jobs) = jobs {
        ingest::set_jobs(jobs).map_err(anyhow::Error::msg)?;
    }
    let archive = store.open()?;
    let cfg = ExtractConfig::default();
    let inputs = ingest::expand_paths(paths);
    if plan_only {
        return plan(&archive, inputs, &options, &cfg, json);
    }
    let source = format!(
        "{} (--split)",
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let started = std::time::Instant::now();
    let progress = std::cell::RefCell::new(BatchProgress::new(started));
    let mut write_error: Option<anyhow::Error> = None;
    let summary = ingest::capture::run_stacks(
        &archive,
        &source,
        inputs
            .into_iter()
            .map(ingest::capture::StackInput::File)
            .collect(),
        &options,
        &super::local_caller(),
        &cfg,
        &mut |r| {
            progress.borrow_mut().clear();
            if let Err(e) = emit(json, None, r) {
                write_error.get_or_insert(e);
            }
        },
        &mut |s| progress.borrow_mut().update(s),
    )?;
    progress.borrow_mut().clear();
    super::sync_index(&archive)?;
    super::push_journal(&archive)?;
    if let Some(e) = write_error {
        return Err(e.context("cannot write the report"));
    }
    Ok(conclude(
        json,
        &summary_line(&summary, started.elapsed()),
        &summary,
    ))
}

/// `--plan`: every stack read and split on paper; nothing stored.
fn plan(
    archive: &archive_core::Archive,
    inputs: Vec<Result<ingest::InputFile, ingest::InputError>>,
    options: &SplitOptions,
    cfg: &ExtractConfig,
    json: bool,
) -> anyhow::Result<Outcome> {
    let mut refused = false;
    for input in inputs {
        let planned = input
            .map_err(|e| {
                Box::new(ingest::FileReport::rejected(
                    e.display,
                    ingest::RejectKind::Path,
                    e.reason,
                ))
            })
            .and_then(|input| ingest::capture::plan_stack_in(archive, &input, options, cfg));
        refused |= show_stack(planned, None, json)?;
    }
    plan_done(refused, json)
}

/// `--manifest FILE --plan`: each `split=yes` row's stack read and split on paper, every other
/// row checked as `--check` does; nothing stored.
pub(super) fn plan_manifest(
    archive: &archive_core::Archive,
    items: impl Iterator<Item = ingest::PlannedItem>,
    cfg: &ExtractConfig,
    json: bool,
) -> anyhow::Result<Outcome> {
    let mut refused = false;
    for item in items {
        let planned = match item {
            Err(rejected) => Err(rejected),
            Ok(ingest::Planned {
                input,
                store_as: ingest::StoreAs::Stack(options),
                line,
            }) => {
                let stack = ingest::capture::plan_stack_in(archive, &input, &options, cfg);
                refused |= show_stack(stack.map_err(|r| with_line(r, line)), line, json)?;
                continue;
            }
            Ok(ingest::Planned {
                input,
                store_as: ingest::StoreAs::Document(metadata),
                line,
            }) => match ingest::check_format(&input) {
                Err(rejected) => Err(with_line(rejected, line)),
                Ok(()) => {
                    if json {
                        super::print_json(&serde_json::json!({
                            "file": input.display,
                            "line": line,
                            "document": metadata,
                        }))?;
                    } else {
                        println!(
                            "{}{}: one document -> {} {}",
                            input.display,
                            line.map(|l| format!(" (line {l})")).unwrap_or_default(),
                            metadata.owner_id.as_str(),
                            metadata.doc_type
                        );
                    }
                    continue;
                }
            },
        };
        refused |= show_stack(planned, None, json)?;
    }
    plan_done(refused, json)
}

fn with_line(rejected: Box<ingest::FileReport>, line: Option<u64>) -> Box<ingest::FileReport> {
    match line {
        Some(line) => Box::new(rejected.at_line(line)),
        None => rejected,
    }
}

/// Prints a stack's plan (or why it has none); `true` if any of it would be refused.
fn show_stack(
    planned: Result<ingest::capture::PlannedStack, Box<ingest::FileReport>>,
    line: Option<u64>,
    json: bool,
) -> anyhow::Result<bool> {
    match planned {
        Err(rejected) => {
            if json {
                super::print_json(&rejected)?;
            } else {
                print_human(&rejected);
            }
            Ok(true)
        }
        Ok(stack) => {
            if json {
                super::print_json(&serde_json::json!({
                    "file": stack.display,
                    "line": line,
                    "sha256": stack.loaded.sha256,
                    "plan": stack.plan,
                }))?;
            } else {
                let shown = match line {
                    Some(line) => format!("{} (line {line})", stack.display),
                    None => stack.display.clone(),
                };
                print_plan(&shown, &stack.plan);
            }
            Ok(stack.plan.documents() < stack.plan.segments.len())
        }
    }
}

fn plan_done(refused: bool, json: bool) -> anyhow::Result<Outcome> {
    let line = "plan only: nothing stored";
    if json {
        eprintln!("kho: {line}");
    } else {
        println!("{line}");
    }
    Ok(if refused {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}

fn pages_list(pages: &[u32]) -> String {
    pages
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_plan(display: &str, plan: &StackPlan) {
    println!(
        "{display}: {} page(s), {} separator(s) (page {}), {} blank page(s){}; {} document(s)",
        plan.pages,
        plan.separator_pages.len(),
        pages_list(&plan.separator_pages),
        plan.blank_pages.len(),
        if plan.blank_pages.is_empty() {
            String::new()
        } else {
            format!(" (page {})", pages_list(&plan.blank_pages))
        },
        plan.documents()
    );
    for (i, segment) in plan.segments.iter().enumerate() {
        let head = format!("  {:>3}. {}", i + 1, segment.page_range());
        match (&segment.metadata, &segment.reason) {
            (Some(m), None) => {
                println!(
                    "{head}: {} page(s) -> {} {} ({}){}{}",
                    segment.pages.len(),
                    m.owner_id.as_str(),
                    m.doc_type,
                    m.title,
                    m.owner_name
                        .as_ref()
                        .map(|n| format!(", {n}"))
                        .unwrap_or_default(),
                    m.dossier_code
                        .as_ref()
                        .map(|c| format!(", dossier {}", c.as_str()))
                        .unwrap_or_default(),
                );
                if !segment.blank_pages.is_empty() {
                    println!(
                        "         blank, dropped: page {}",
                        pages_list(&segment.blank_pages)
                    );
                }
            }
            (_, Some(reason)) => println!("{head}: REJECTED  {reason}"),
            (None, None) => println!("{head}"),
        }
        for warning in &segment.warnings {
            println!("         warning: {warning}");
        }
    }
}
