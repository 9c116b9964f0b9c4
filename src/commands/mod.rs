//! One module per subcommand.

pub mod accounts;
pub mod bag;
pub mod extract;
pub mod get;
pub mod ingest;
pub mod progress;
pub mod reextract;
pub mod reindex;
pub mod report_file;
pub mod search;
pub mod serve;
pub mod show;
pub mod types;
pub mod verify;

use anyhow::Context;
use archive_core::Archive;
use std::path::Path;

pub fn open(data: &Path) -> anyhow::Result<Archive> {
    let archive = Archive::open(data)
        .with_context(|| format!("cannot open the store at {}", data.display()))?;
    if let Some(why) = archive.index_reset() {
        eprintln!("kho: warning: the search index was damaged: {why}");
    }
    Ok(archive)
}

/// The local operator, for the ledger: `$KHO_OPERATOR`, else the login name.
pub fn local_actor() -> schemas::Actor {
    let name = std::env::var("KHO_OPERATOR")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "operator".to_string());
    schemas::Actor::local_operator(&format!("cli:{name}"))
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
pub fn progress_printer(what: &'static str) -> impl FnMut(u64, u64) {
    let mut last = std::time::Instant::now();
    move |done, total| {
        if last.elapsed() > std::time::Duration::from_secs(3) {
            eprintln!("kho: {what}: {done}/{total}");
            last = std::time::Instant::now();
        }
    }
}

/// Brings the search index up to date (start-up reconciliation, or after a batch).
pub fn sync_index(archive: &Archive) -> anyhow::Result<()> {
    archive.sync_index(&mut progress_printer("indexing"))?;
    Ok(())
}
