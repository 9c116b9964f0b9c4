use crate::Outcome;

#[derive(clap::Args)]
pub struct Args {}

/// Rebuilds the search index from the catalogue. Interrupted, it resumes where it stopped.
pub fn run(store: &super::Store, _args: Args) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
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
