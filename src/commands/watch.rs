//! `kho watch DIR`: the hot folder of a scanning room (ingest::capture::watch).

use crate::{Outcome, UsageError};
use ingest::capture::watch::HotFolder;
use ingest::capture::SplitOptions;
use ingest::extract::ExtractConfig;
use ingest::FileStatus;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// The folder scanners drop files into; `done/` and `rejected/` are made in it.
    dir: PathBuf,
    /// COLUMN=VALUE, repeatable: metadata for what a separator sheet leaves empty, and for a
    /// file dropped without any separator (then owner_id and doc_type are needed), e.g.
    /// `--manifest-column-defaults issuer="UBND xã Tam Xuân"`.
    #[arg(long = "manifest-column-defaults", value_name = "COLUMN=VALUE")]
    defaults: Vec<String>,
    /// Refuse a document of more than N pages (a missed separator).
    #[arg(long, value_name = "N")]
    max_pages: Option<u32>,
    /// Keep blank pages (backs of duplex scans) in the documents.
    #[arg(long)]
    keep_blank: bool,
    /// Seconds a file must stay the same size before it is taken (files renamed from `*.part`
    /// are complete when they appear, and wait one look).
    #[arg(long, default_value_t = 5.0)]
    settle: f64,
    /// Seconds between looks at the folder.
    #[arg(long, default_value_t = 2.0)]
    interval: f64,
    /// Take what is ready now and stop, instead of watching (for cron, and for tests).
    #[arg(long)]
    once: bool,
}

fn log(line: &str) {
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    println!("{now} {line}");
}

fn defaults(pairs: &[String]) -> Result<schemas::MetadataInput, UsageError> {
    let mut input = schemas::MetadataInput::default();
    for pair in pairs {
        let Some((column, value)) = pair.split_once('=') else {
            let why = schemas::Message::new(&schemas::messages::CLI_USAGE_COLUMN_DEFAULT_PAIR)
                .with("pair", format!("{pair:?}"));
            return Err(why.into());
        };
        let column = column.trim().to_lowercase();
        if !input.set(&column, schemas::nfc(value.trim())) {
            let why = schemas::Message::new(&schemas::messages::CLI_USAGE_COLUMN_DEFAULT_UNKNOWN)
                .with("column", format!("{column:?}"))
                .with("known", schemas::SEPARATOR_FIELDS.join(", "));
            return Err(why.into());
        }
    }
    Ok(input)
}

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    let options = SplitOptions {
        max_pages: args.max_pages,
        keep_blank: args.keep_blank,
        defaults: defaults(&args.defaults)?,
        whole_without_separator: true,
    };
    let seconds = |s: f64| Duration::from_secs_f64(s.clamp(0.0, 3600.0));
    let mut folder = HotFolder::open(&args.dir, seconds(args.settle))
        .map_err(|e| anyhow::anyhow!("cannot watch {}: {e}", args.dir.display()))?;
    let archive = store.open()?;
    let caller = super::local_caller();
    let cfg = ExtractConfig::default();
    log(&format!(
        "watching {} (settle {} s; done/ and rejected/ beside the files)",
        args.dir.display(),
        args.settle
    ));
    let mut any_rejected = false;
    loop {
        let ready = folder
            .ready()
            .map_err(|e| anyhow::anyhow!("cannot list {}: {e}", args.dir.display()))?;
        for path in &ready {
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            log(&format!("taking {} ({size} bytes)", path.display()));
            let handled = folder.process(&archive, path, &options, &caller, &cfg, &mut |r| {
                let what = match (r.status, &r.error, &r.id) {
                    (FileStatus::Rejected, Some(e), _) => format!("REJECTED  {}: {e}", r.file),
                    (status, _, Some(id)) => format!(
                        "{}  {}: id {id}, {} page(s)",
                        schemas::json_name(status),
                        r.file,
                        r.pages.unwrap_or(0)
                    ),
                    (status, _, None) => format!("{}  {}", schemas::json_name(status), r.file),
                };
                log(&format!("  {what}"));
            })?;
            super::sync_index(&archive)?;
            super::push_journal(&archive)?;
            any_rejected |= handled.rejected;
            let s = &handled.summary;
            log(&format!(
                "{} -> {}: {} stored, {} duplicate, {} rejected; {} page(s), {} separator(s), {} blank page(s) dropped",
                handled.file,
                handled.moved_to.display(),
                s.stored,
                s.duplicate,
                s.rejected,
                s.pages,
                s.separator_pages,
                s.blank_pages
            ));
        }
        if args.once && folder.waiting() == 0 {
            break;
        }
        let pause = if args.once {
            seconds(args.settle.min(args.interval))
        } else {
            seconds(args.interval)
        };
        std::thread::sleep(pause.max(Duration::from_millis(50)));
    }
    Ok(if any_rejected {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}
