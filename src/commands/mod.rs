//! One module per subcommand.

pub mod extract;
pub mod get;
pub mod ingest;
pub mod reextract;
pub mod show;
pub mod types;
pub mod verify;

use anyhow::Context;
use archive_core::Archive;
use std::path::Path;

pub fn open(data: &Path) -> anyhow::Result<Archive> {
    Archive::open(data).with_context(|| format!("cannot open the store at {}", data.display()))
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
