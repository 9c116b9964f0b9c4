//! `kho export` and `kho import`: a store (or one owner's part of it) as a BagIt bag, and back.

use crate::Outcome;
use anyhow::Context;
use archive_core::bag::{self, BagSummary, Scope};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Folder to write the bag to (new or empty).
    bag: PathBuf,
    /// Only this owner's documents and ledger events (12-digit personal ID or enterprise code).
    #[arg(long = "owner")]
    owner_id: Option<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// A bag written by `kho export` (without --owner).
    bag: PathBuf,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

fn say(json: bool, summary: &BagSummary, line: String) -> anyhow::Result<()> {
    if json {
        super::print_json(summary)
    } else {
        println!("{line}");
        Ok(())
    }
}

fn summary_line(
    entry: &'static schemas::messages::Entry,
    summary: &BagSummary,
    path: &std::path::Path,
) -> String {
    schemas::Message::new(entry)
        .with("records", summary.records)
        .with("blobs", summary.blobs)
        .with("texts", summary.texts)
        .with("events", summary.events)
        .with("dossiers", summary.dossiers)
        .with("shares", summary.shares)
        .with("stacks", summary.stacks)
        .with("bytes", summary.payload_bytes)
        .with("path", path.display())
        .to_string()
}

pub fn export(store: &super::Store, args: ExportArgs) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    let scope = match &args.owner_id {
        Some(owner) => Scope::Owner(owner.trim().to_string()),
        None => Scope::Store,
    };
    let summary = bag::export(
        &archive,
        &args.bag,
        &scope,
        &mut super::progress_printer(&schemas::messages::CLI_ACTIVITY_EXPORT),
    )
    .with_context(|| format!("cannot export to {}", args.bag.display()))?;
    say(
        args.json,
        &summary,
        summary_line(&schemas::messages::CLI_EXPORTED, &summary, &args.bag),
    )?;
    Ok(Outcome::Success)
}

pub fn import(store: &super::Store, args: ImportArgs) -> anyhow::Result<Outcome> {
    let summary = bag::import(
        &args.bag,
        &store.data,
        &store.options(),
        &mut super::progress_printer(&schemas::messages::CLI_ACTIVITY_IMPORT),
    )?;
    // The index is derived data, not in the bag: build it now rather than at the first search.
    let archive = store.open()?;
    super::sync_index(&archive)?;
    super::push_journal(&archive)?;
    say(
        args.json,
        &summary,
        summary_line(&schemas::messages::CLI_IMPORTED, &summary, &store.data),
    )?;
    Ok(Outcome::Success)
}
