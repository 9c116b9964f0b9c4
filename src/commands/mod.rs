//! One module per subcommand.

pub mod accounts;
pub mod agencies;
pub mod bag;
pub mod certify;
pub mod compact;
pub mod dossier;
pub mod extract;
pub mod get;
pub mod ingest;
pub mod places;
pub mod progress;
pub mod rebuild;
pub mod reextract;
pub mod reindex;
pub mod report;
pub mod report_file;
pub mod search;
pub mod serve;
pub mod sheets;
pub mod show;
pub mod split;
pub mod trust;
pub mod types;
pub mod verify;
pub mod verify_copy;
pub mod vocabulary;
pub mod watch;
pub mod webhook;

use anyhow::Context;
use archive_core::{Archive, StoreOptions};
use std::path::PathBuf;

/// The store the global flags name: its folder and where its originals live.
pub struct Store {
    pub data: PathBuf,
    /// `s3://BUCKET[/PREFIX]`, or `None`: what the store already uses (a folder by default).
    pub blobs: Option<String>,
}

impl Store {
    pub fn options(&self) -> StoreOptions {
        StoreOptions {
            blobs: self.blobs.clone(),
            catalog_cache_mb: None,
        }
    }

    pub fn open(&self) -> anyhow::Result<Archive> {
        self.open_with(&self.options())
    }

    /// [`Self::open`] with options of the command's own (from [`Self::options`]).
    pub fn open_with(&self, options: &StoreOptions) -> anyhow::Result<Archive> {
        let archive = Archive::open_with(&self.data, options)
            .with_context(|| format!("cannot open the store at {}", self.data.display()))?;
        if let Some(why) = archive.index_reset() {
            tracing::warn!("the search index was damaged: {why}");
        }
        if let Some(why) = archive.blobs_unreachable() {
            tracing::warn!(
                "{why}; records and search work, originals cannot be read or stored until the bucket answers"
            );
        }
        Ok(archive)
    }
}

/// The operator at this machine's console, the caller of every command: `cli:` and
/// `$KHO_OPERATOR`, else the login name.
pub fn local_caller() -> schemas::Caller {
    schemas::Caller::local_operator(&format!("cli:{}", console_name()))
}

/// Who is at the console: `$KHO_OPERATOR`, else `$USER`.
fn console_name() -> String {
    std::env::var("KHO_OPERATOR")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "operator".to_string())
}

/// The console as an administrator (`kho user`, `kho token`): whoever holds the store's disk
/// holds its accounts; the admin audit trail records what they do, as `cli:NAME`.
pub fn local_admin() -> schemas::Caller {
    schemas::Caller::local_admin(&format!("cli:{}", console_name()))
}

/// Prints one JSON value on its own line.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// A progress callback that prints a line at most every few seconds (on stderr, so that stdout
/// stays the command's output).
pub fn progress_printer(what: &'static schemas::messages::Entry) -> impl FnMut(u64, u64) {
    let mut last = std::time::Instant::now();
    move |done, total| {
        if last.elapsed() > std::time::Duration::from_secs(3) {
            let said = schemas::Message::new(&schemas::messages::CLI_PROGRESS_COUNT)
                .with_message("what", schemas::Message::new(what))
                .with("done", done)
                .with("total", total);
            eprintln!("{said}");
            last = std::time::Instant::now();
        }
    }
}

/// Sends what this command stored or changed to the bucket's journal, for the other nodes (a
/// no-op for a store on a local folder).
pub fn push_journal(archive: &Archive) -> anyhow::Result<()> {
    let pushed = archive
        .push_journal()
        .context("the documents are stored, but not yet in the bucket's journal; the next `kho ingest`, `kho rebuild --since` or `kho serve` on this store sends them")?;
    if pushed.records > 0 {
        tracing::info!(
            "journal: {} record(s) written to the bucket in {} page(s)",
            pushed.records,
            pushed.pages
        );
    }
    Ok(())
}

/// Rebuilds the search index, then waits for the merges it started, so that exiting does not
/// abandon them; returns how many documents it indexed.
pub fn reindex(archive: &Archive) -> anyhow::Result<u64> {
    let what = &schemas::messages::CLI_ACTIVITY_REINDEX;
    let n = archive.reindex(&mut progress_printer(what))?;
    let said = schemas::Message::new(&schemas::messages::CLI_MERGING_SEGMENTS)
        .with_message("what", schemas::Message::new(what));
    eprintln!("{said}");
    archive.finish_index_merges()?;
    Ok(n)
}

/// Brings the search index up to date (start-up reconciliation, or after a batch).
pub fn sync_index(archive: &Archive) -> anyhow::Result<()> {
    archive.sync_index(&mut progress_printer(
        &schemas::messages::CLI_ACTIVITY_INDEXING,
    ))?;
    Ok(())
}
