//! `kho ingest STACK... --split [--plan]`: scanned stacks split at their separator sheets.

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
            .and_then(|input| {
                ingest::capture::plan_stack_file(
                    &input,
                    archive.max_file_bytes(),
                    options,
                    archive.doc_types(),
                    schemas::today(),
                    cfg,
                )
            });
        match planned {
            Err(rejected) => {
                refused = true;
                if json {
                    super::print_json(&rejected)?;
                } else {
                    print_human(&rejected);
                }
            }
            Ok(stack) => {
                refused |= stack.plan.documents() < stack.plan.segments.len();
                if json {
                    super::print_json(&serde_json::json!({
                        "file": stack.display,
                        "sha256": stack.loaded.sha256,
                        "plan": stack.plan,
                    }))?;
                } else {
                    print_plan(&stack.display, &stack.plan);
                }
            }
        }
    }
    let line = "plan only: nothing stored";
    Ok(if json {
        eprintln!("kho: {line}");
        if refused {
            Outcome::Partial
        } else {
            Outcome::Success
        }
    } else {
        println!("{line}");
        if refused {
            Outcome::Partial
        } else {
            Outcome::Success
        }
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
