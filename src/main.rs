//! `kho`: the command line of the kho archive. Wiring only: each command parses its flags, calls
//! the library crates, and prints. Exit codes: 0 success; 1 some inputs rejected or a check
//! failed (the rest still done); 2 usage error.

#![forbid(unsafe_code)]

mod commands;
mod logging;

/// jemalloc, not glibc's allocator: the index writer's threads and the catalogue's free much of
/// what others allocated, which glibc's per-thread arenas keep; with jemalloc (and the release
/// profile's whole-program build) a rebuild of a million ran 9-13% faster and the open store
/// held 7% less (docs/benchmarks.md, "The binary built whole, with jemalloc"). mimalloc was
/// faster still but put the rebuild over 1 GB resident and the open store a quarter larger
/// (docs/benchmarks.md, "References in blocks"). `kho-bench` uses the same, so that benchmarks
/// measure what ships.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "kho",
    version,
    about = "kho: the e-data store of citizens and organizations",
    long_about = "kho keeps the digitized results of administrative procedures (scans and PDFs) \
                  with their metadata, so that they can be found and reused instead of resubmitted."
)]
struct Cli {
    /// The store folder; created on first use.
    #[arg(long, global = true, env = "KHO_DATA", default_value = "./kho-data")]
    data: PathBuf,
    /// Where originals live: s3://BUCKET[/PREFIX] for an S3-compatible service (endpoint and key
    /// from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; AWS_CA_BUNDLE
    /// for a private certificate authority). Remembered by the store; without it, the store's
    /// folder (DIR/blobs) or what the store remembers.
    #[arg(long, global = true, env = "KHO_BLOBS")]
    blobs: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Store files (or every file under folders) with their metadata, or a manifest batch.
    Ingest(Box<commands::ingest::Args>),
    /// Print separator sheets (A4 PDF, a QR code and the metadata in large text) from a manifest
    /// of dossiers, to put in front of each dossier before scanning a stack (`ingest --split`).
    Sheets(commands::sheets::Args),
    /// Watch a hot folder: files dropped by scanners are split at separator sheets (or stored
    /// whole with default metadata) and moved to DIR/done or DIR/rejected (with NAME.reason.txt).
    Watch(commands::watch::Args),
    /// Find documents: words with or without diacritics, "phrases", prefixes*, -exclusions, IDs.
    Search(commands::search::Args),
    /// Build this store's catalogue and index from the bucket's journal (a new node), or with
    /// --since pick up what other nodes added.
    Rebuild(commands::rebuild::Args),
    /// Rewrite the catalogue into a new one (old versions dropped, pages compressed, ledger
    /// references packed into blocks), check every entry, and swap it in. The store must not
    /// be in use.
    Compact(commands::compact::Args),
    /// Rebuild the search index from the catalogue (resumable).
    Reindex(commands::reindex::Args),
    /// Print a document's record.
    Show(commands::show::Args),
    /// Write a document's original bytes (re-hashed on the way out) to a file or stdout.
    Get(commands::get::Args),
    /// Re-hash every blob, check every record's blob and the ledger chain. Exit 1 on damage.
    Verify(commands::verify::Args),
    /// Print the text kho reads from files (text layer or OCR), without storing them.
    Extract(commands::extract::Args),
    /// Run text extraction (text layer, OCR) again on stored documents; originals untouched.
    Reextract(commands::reextract::Args),
    /// Write the store (or, with --owner, one owner's documents and ledger) as a BagIt bag.
    Export(commands::bag::ExportArgs),
    /// Build a new store at --data from a bag written by `kho export`, checking every hash.
    Import(commands::bag::ImportArgs),
    /// The gazetteer of administrative units before and after 1 July 2025: explain a name,
    /// import a corrected one, read documents' places again.
    #[command(subcommand)]
    Places(commands::places::PlacesCommand),
    /// The domain vocabulary of search (sổ đỏ, GCN QSDĐ, GKS, CCCD ...): show it, or import a
    /// store's own table.
    #[command(subcommand)]
    Vocabulary(commands::vocabulary::VocabularyCommand),
    /// List the agency names this store shows for agency codes (built-in starter table, extended
    /// by DIR/agencies.csv: the province's own list, columns code,name).
    Agencies(commands::agencies::Args),
    /// List the document types this store accepts.
    Types(commands::types::Args),
    /// Serve the HTTP API (`/api/v1`, described at /api/v1/openapi.json).
    Serve(commands::serve::Args),
    /// Manage users (admins, operators, clerks, citizens).
    #[command(subcommand)]
    User(commands::accounts::UserCommand),
    /// Manage API tokens for programs.
    #[command(subcommand)]
    Token(commands::accounts::TokenCommand),
    /// Manage the certificates PDF signatures are checked against (trust anchors).
    #[command(subcommand)]
    Trust(commands::trust::TrustCommand),
    /// Issue a certified electronic copy of a document, signed with the agency's key.
    Certify(commands::certify::Args),
    /// Dossiers received by the one-stop system, which clerks read for (`import` a list).
    #[command(subcommand)]
    Dossier(commands::dossier::DossierCommand),
    /// Check a file handed in as a certified copy: issued here, unchanged, and its state today.
    VerifyCopy(commands::verify_copy::Args),
    /// The province's digitization and reuse indicators (`indicators`), and their counters
    /// counted again from the ledger (`rebuild`).
    #[command(subcommand)]
    Report(commands::report::ReportCommand),
    /// The receivers the event feed is pushed to (`add`, `list`, `remove`).
    #[command(subcommand)]
    Webhook(commands::webhook::WebhookCommand),
}

/// What a command tells `main` about how it went.
pub enum Outcome {
    Success,
    /// Some inputs were rejected or a check failed; the rest was done.
    Partial,
}

/// An error in how the command was called (exit code 2), as opposed to a failure doing it.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A usage error from the message table, in the locale's language.
impl From<schemas::Message> for UsageError {
    fn from(message: schemas::Message) -> Self {
        UsageError(message.to_string())
    }
}

/// The language of rules and refusals on the command line: the locale's (`LC_ALL`,
/// `LC_MESSAGES`, `LANG`): Vietnamese when it starts with `vi`, English otherwise
/// (`schemas::Lang::from_locale` says why).
fn locale_lang() -> schemas::Lang {
    let vars = ["LC_ALL", "LC_MESSAGES", "LANG"].map(|name| std::env::var(name).ok());
    schemas::Lang::from_locale(vars.iter().map(Option::as_deref))
}

fn main() -> ExitCode {
    schemas::messages::set_process_lang(locale_lang());
    let cli = Cli::parse();
    match &cli.command {
        Command::Serve(args) => logging::init(args.log_format, true),
        _ => logging::init(logging::LogFormat::Text, false),
    }
    let store = commands::Store {
        data: cli.data,
        blobs: cli.blobs,
    };
    let result = match cli.command {
        Command::Ingest(args) => commands::ingest::run(&store, *args),
        Command::Sheets(args) => commands::sheets::run(&store, args),
        Command::Watch(args) => commands::watch::run(&store, args),
        Command::Search(args) => commands::search::run(&store, args),
        Command::Rebuild(args) => commands::rebuild::run(&store, args),
        Command::Reindex(args) => commands::reindex::run(&store, args),
        Command::Show(args) => commands::show::run(&store, args),
        Command::Get(args) => commands::get::run(&store, args),
        Command::Verify(args) => commands::verify::run(&store, args),
        Command::Extract(args) => commands::extract::run(&store, args),
        Command::Reextract(args) => commands::reextract::run(&store, args),
        Command::Export(args) => commands::bag::export(&store, args),
        Command::Import(args) => commands::bag::import(&store, args),
        Command::Types(args) => commands::types::run(&store, args),
        Command::Agencies(args) => commands::agencies::run(&store, args),
        Command::Places(command) => commands::places::run(&store, command),
        Command::Vocabulary(command) => commands::vocabulary::run(&store, command),
        Command::Serve(args) => commands::serve::run(&store, args),
        Command::User(command) => commands::accounts::user(&store, command),
        Command::Token(command) => commands::accounts::token(&store, command),
        Command::Trust(command) => commands::trust::run(&store, command),
        Command::Certify(args) => commands::certify::run(&store, args),
        Command::Dossier(command) => commands::dossier::run(&store, command),
        Command::VerifyCopy(args) => commands::verify_copy::run(&store, args),
        Command::Report(command) => commands::report::run(&store, command),
        Command::Webhook(command) => commands::webhook::run(&store, command),
        Command::Compact(args) => commands::compact::run(&store, args),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Partial) => ExitCode::from(1),
        Err(e) if e.downcast_ref::<UsageError>().is_some() => {
            let said = schemas::Message::new(&schemas::messages::CLI_USAGE_ERROR).with("why", e);
            eprintln!("{said}");
            ExitCode::from(2)
        }
        Err(e) => {
            let said =
                schemas::Message::new(&schemas::messages::CLI_ERROR).with("why", format!("{e:#}"));
            eprintln!("{said}");
            ExitCode::from(1)
        }
    }
}
