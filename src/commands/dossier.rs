//! `kho dossier import LIST.csv`: dossiers received by the one-stop system, registered at the
//! console (for a one-stop system that hands over lists instead of calling
//! `POST /api/v1/dossiers`). Each row stands alone: a bad row is reported with its line and
//! field, the others are registered.

use crate::{Outcome, UsageError};
use anyhow::Context;
use archive_core::service::Registration;
use std::path::PathBuf;

#[derive(clap::Subcommand)]
pub enum DossierCommand {
    /// Register the dossiers of a CSV list (columns code, procedure_code, applicants (owner IDs
    /// separated by `;`), receiving_agency, received_on). A dossier already registered with
    /// the same fields is left as it is.
    Import {
        /// The list (UTF-8 CSV with a header row).
        file: PathBuf,
    },
}

/// Longest list read, in bytes.
const MAX_LIST_BYTES: u64 = 64 << 20;

pub fn run(store: &super::Store, command: DossierCommand) -> anyhow::Result<Outcome> {
    let DossierCommand::Import { file } = command;
    let size = std::fs::metadata(&file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    if size > MAX_LIST_BYTES {
        let why = schemas::Message::new(&schemas::messages::CLI_USAGE_DOSSIER_LIST_TOO_LARGE)
            .with("file", file.display())
            .with("size", size)
            .with("max", MAX_LIST_BYTES);
        return Err(UsageError::from(why).into());
    }
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {} as UTF-8 text", file.display()))?;
    let rows = schemas::read_dossier_list(&text)
        .map_err(|e| UsageError(format!("{}: {e}", file.display())))?;
    let archive = store.open()?;
    let caller = super::local_caller();
    let (mut new, mut again, mut bad) = (0, 0, 0);
    for (line, row) in rows {
        let outcome = row.map_err(|errors| errors.to_string()).and_then(|valid| {
            archive
                .register_dossier(&caller, valid)
                .map_err(|e| e.to_string())
        });
        match outcome {
            Ok((dossier, Registration::New)) => {
                new += 1;
                let said = schemas::Message::new(&schemas::messages::CLI_DOSSIER_REGISTERED)
                    .with("file", file.display())
                    .with("line", line)
                    .with("code", &dossier.code);
                println!("{said}");
            }
            Ok((dossier, Registration::Again)) => {
                again += 1;
                let said =
                    schemas::Message::new(&schemas::messages::CLI_DOSSIER_REGISTERED_ALREADY)
                        .with("file", file.display())
                        .with("line", line)
                        .with("code", &dossier.code);
                println!("{said}");
            }
            Err(why) => {
                bad += 1;
                let said = schemas::Message::new(&schemas::messages::CLI_DOSSIER_REJECTED)
                    .with("file", file.display())
                    .with("line", line)
                    .with("why", why);
                println!("{said}");
            }
        }
    }
    let said = schemas::Message::new(&schemas::messages::CLI_DOSSIER_SUMMARY)
        .with("new", new)
        .with("again", again)
        .with("bad", bad);
    println!("{said}");
    Ok(if bad == 0 {
        Outcome::Success
    } else {
        Outcome::Partial
    })
}
