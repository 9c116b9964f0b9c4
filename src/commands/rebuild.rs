//! `kho rebuild`: a store's catalogue and index from the bucket's journal (a new node, or one
//! that lost its disk), and with `--since`, what the other nodes added since the last time.

use crate::{Outcome, UsageError};
use archive_core::journal::Pulled;

#[derive(clap::Args)]
pub struct Args {
    /// Pick up only what other nodes wrote since this store last read the journal (the store
    /// may hold records). Without it, --data must be a new or empty store.
    #[arg(long)]
    since: bool,
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    let Some(node) = archive.node_id().map(str::to_string) else {
        let why = schemas::Message::new(&schemas::messages::CLI_USAGE_REBUILD_NEEDS_BUCKET)
            .with("data", store.data.display());
        return Err(UsageError::from(why).into());
    };
    let held = archive.figures()?.documents;
    if !args.since && held > 0 {
        let why = schemas::Message::new(&schemas::messages::CLI_USAGE_REBUILD_STORE_NOT_EMPTY)
            .with("data", store.data.display())
            .with("held", held);
        return Err(UsageError::from(why).into());
    }
    let started = std::time::Instant::now();
    let mut last_print = std::time::Instant::now();
    let pulled = archive.pull_journal(&mut |so_far: &Pulled| {
        if last_print.elapsed() > std::time::Duration::from_secs(3) {
            eprintln!(
                "kho: rebuild: {} page(s), {} new record(s), {} changed",
                so_far.pages, so_far.new, so_far.changed
            );
            last_print = std::time::Instant::now();
        }
    })?;
    super::sync_index(&archive)?;
    if args.since {
        super::push_journal(&archive)?;
    }
    if args.json {
        super::print_json(&serde_json::json!({
            "node": node,
            "nodes_read": pulled.nodes,
            "pages": pulled.pages,
            "new": pulled.new,
            "changed": pulled.changed,
            "unchanged": pulled.unchanged,
            "records": archive.figures()?.documents,
            "seconds": started.elapsed().as_secs_f64(),
        }))?;
    } else {
        println!(
            "{} page(s) from {} other node(s) read in {:.1}s: {} new record(s), {} changed, {} already here; this store ({node}) now holds {} record(s), all indexed",
            pulled.pages,
            pulled.nodes,
            started.elapsed().as_secs_f64(),
            pulled.new,
            pulled.changed,
            pulled.unchanged,
            archive.figures()?.documents
        );
    }
    Ok(Outcome::Success)
}
