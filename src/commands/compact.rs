//! `kho compact`: the catalogue rewritten into a new one and swapped in, every entry read back
//! and checked first. It gives back the space sled's log keeps for old versions of entries, and
//! compresses a catalogue made before kho compressed them (`$KHO_CATALOG_COMPRESSION` chooses
//! the zstd level, or `off`). The store must not be in use (the catalogue's lock says so); an
//! interrupted run leaves the old catalogue as it was and starts again from nothing.

use crate::{Outcome, UsageError};
use archive_core::{CompactProgress, Compacted};
use schemas::messages as m;
use schemas::Message;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Print the summary as one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    // Opening makes a store where there is none: a mistyped --data would be "compacted".
    if !store.data.join(archive_core::STORE_FILE).is_file() {
        let why = Message::new(&m::CLI_USAGE_COMPACT_NO_STORE).with("data", store.data.display());
        return Err(UsageError::from(why).into());
    }
    let archive = store.open()?;
    let mut last = Instant::now();
    let mut tell = |p: &CompactProgress<'_>| {
        if p.checking || last.elapsed() >= Duration::from_secs(5) {
            let code = if p.checking {
                &m::CLI_COMPACT_CHECKING
            } else {
                &m::CLI_COMPACT_COPYING
            };
            eprintln!(
                "{}",
                Message::new(code)
                    .with("tree", p.tree)
                    .with("entries", p.entries)
            );
            last = Instant::now();
        }
    };
    let done = archive.compact(&mut tell)?;
    if args.json {
        println!("{}", serde_json::to_string(&done)?);
    } else {
        eprintln!("{}", summary(&store.data.join("catalog"), &done));
    }
    Ok(Outcome::Success)
}

fn summary(path: &std::path::Path, done: &Compacted) -> Message {
    let megabytes = |bytes: u64| format!("{:.1}", bytes as f64 / 1e6);
    let compression = match done.level {
        Some(level) => Message::new(&m::WORDS_ZSTD_LEVEL).with("level", level),
        None => Message::new(&m::WORDS_UNCOMPRESSED),
    };
    Message::new(&m::CLI_COMPACT_DONE)
        .with("path", path.display())
        .with("before", megabytes(done.bytes_before))
        .with("after", megabytes(done.bytes_after))
        .with_message("compression", compression)
        .with("entries", done.entries)
        .with("trees", done.trees)
        .with("seconds", format!("{:.1}", done.seconds))
}
