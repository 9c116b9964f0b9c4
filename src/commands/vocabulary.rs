//! `kho vocabulary`: the domain vocabulary search expands queries with ("sổ đỏ", "GCN QSDĐ",
//! "GKS" -> document types or phrases).

use crate::{Outcome, UsageError};
use anyhow::Context;

#[derive(clap::Subcommand)]
pub enum VocabularyCommand {
    /// Print the vocabulary in force (the store's, else the one built into kho) as CSV
    /// (`term,doc_type,words`): edit it and give it back to `kho vocabulary import`.
    Show {
        /// Print it as JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Replace this store's vocabulary with FILE (CSV, header `term,doc_type,words`; every row
    /// checked against the store's document types first). Takes effect for the next search;
    /// nothing is reindexed.
    Import { file: std::path::PathBuf },
}

pub fn run(store: &super::Store, command: VocabularyCommand) -> anyhow::Result<Outcome> {
    match command {
        VocabularyCommand::Show { json } => {
            let archive = store.open()?;
            if json {
                super::print_json(&archive.vocabulary().rows())?;
            } else {
                print!("{}", archive.vocabulary().to_csv());
            }
            Ok(Outcome::Success)
        }
        VocabularyCommand::Import { file } => {
            let size = std::fs::metadata(&file)
                .with_context(|| format!("cannot read {}", file.display()))?
                .len();
            if size > archive_core::MAX_VOCABULARY_BYTES as u64 {
                let rule = schemas::RuleError::new(&schemas::messages::VOCABULARY_TOO_LARGE)
                    .with("max", archive_core::MAX_VOCABULARY_BYTES)
                    .with("got", size);
                return Err(UsageError(format!("{}: {rule}", file.display())).into());
            }
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {} as UTF-8 text", file.display()))?;
            let mut archive = store.open()?;
            let rows = archive
                .import_vocabulary(&text)
                .with_context(|| format!("{} was not imported", file.display()))?;
            let said = schemas::Message::new(&schemas::messages::CLI_VOCABULARY_IMPORTED)
                .with("rows", rows)
                .with("file", file.display())
                .with(
                    "path",
                    archive.root().join(archive_core::VOCABULARY_FILE).display(),
                );
            println!("{said}");
            Ok(Outcome::Success)
        }
    }
}
