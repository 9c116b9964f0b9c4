use crate::Outcome;
use std::path::Path;

#[derive(clap::Args)]
pub struct Args {}

/// Rebuilds the search index from the catalogue. Interrupted, it resumes where it stopped.
pub fn run(data: &Path, _args: Args) -> anyhow::Result<Outcome> {
    let archive = super::open(data)?;
    if archive.index_state().rebuilding {
        eprintln!("kho: reindex: resuming the interrupted rebuild");
    }
    let started = std::time::Instant::now();
    let n = archive.reindex(&mut super::progress_printer("reindex"))?;
    println!(
        "{n} document(s) indexed in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(Outcome::Success)
}
