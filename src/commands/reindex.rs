use crate::Outcome;

#[derive(clap::Args)]
pub struct Args {}

/// Rebuilds the search index from the catalogue. Interrupted, it resumes where it stopped.
pub fn run(store: &super::Store, _args: Args) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
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
