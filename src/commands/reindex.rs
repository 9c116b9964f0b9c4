use crate::Outcome;

#[derive(clap::Args)]
pub struct Args {}

/// sled's page cache for a rebuild, in MiB (the server's default is 64). A rebuild reads each
/// record and page text once, so the cache saves it little, and sled's 64 MiB of compressed
/// pages are about 200 MB of memory: with 16, a rebuild of a million took as long (within this
/// machine's spread), had a resident set 140-170 MB smaller, and ran within a 1 GiB memory
/// limit where 64 was killed; at 100,000, where the cache holds a good share of the page
/// texts, it was 10-15% slower (docs/benchmarks.md, "Rebuilds commit less and wait for their
/// merges"). `$KHO_CATALOG_CACHE_MB` still decides.
const REBUILD_CATALOG_CACHE_MB: u64 = 16;

/// Rebuilds the search index from the catalogue. Interrupted, it resumes where it stopped.
pub fn run(store: &super::Store, _args: Args) -> anyhow::Result<Outcome> {
    let archive = store.open_with(&archive_core::StoreOptions {
        catalog_cache_mb: Some(REBUILD_CATALOG_CACHE_MB),
        ..store.options()
    })?;
    if archive.index_state().rebuilding {
        eprintln!(
            "{}",
            schemas::Message::new(&schemas::messages::CLI_REINDEX_RESUMING)
        );
    }
    let started = std::time::Instant::now();
    let n = super::reindex(&archive)?;
    let said = schemas::Message::new(&schemas::messages::CLI_REINDEXED)
        .with("n", n)
        .with("seconds", format!("{:.1}", started.elapsed().as_secs_f64()));
    println!("{said}");
    Ok(Outcome::Success)
}
