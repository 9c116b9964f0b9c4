use crate::Outcome;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The document's id.
    id: String,
    /// Write to this file (atomically: it appears only if the bytes verified). Default: stdout.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
}

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    let access = archive.original_access(&super::local_caller(), &args.id, &Default::default())?;
    let mut reader = archive.read_original(&access)?;
    match args.output {
        None => {
            let mut out = std::io::stdout().lock();
            std::io::copy(&mut reader, &mut out)
                .with_context(|| format!("cannot write document {} to stdout", access.id()))?;
            out.flush()?;
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .with_context(|| format!("cannot create a file in {}", dir.display()))?;
            std::io::copy(&mut reader, tmp.as_file_mut()).with_context(|| {
                format!(
                    "cannot write document {} to {}",
                    access.id(),
                    path.display()
                )
            })?;
            tmp.as_file().sync_all()?;
            tmp.persist(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
        }
    }
    Ok(Outcome::Success)
}
