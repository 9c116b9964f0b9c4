//! `kho webhook add|list|remove`: the receivers the event feed is pushed to (the same as
//! `/api/v1/webhooks`, at the console, for a store that is not being served). `add` prints the
//! new receiver's secret alone on standard output (shown once), its description on standard
//! error.

use crate::{Outcome, UsageError};
use schemas::messages as m;
use schemas::{FeedType, Message};

#[derive(clap::Subcommand)]
pub enum WebhookCommand {
    /// Add a receiver: every event of its types is POSTed to URL, signed (`Kho-Signature`),
    /// in order, retried until it answers 2xx.
    Add {
        /// 1 to 64 of A-Z a-z 0-9 - _ .
        name: String,
        /// http:// or https:// address.
        #[arg(long)]
        url: String,
        /// Comma-separated: reuse, stored, revoked (default: all).
        #[arg(long)]
        types: Option<String>,
        /// Deliver the events after this ledger sequence number (default: only new events;
        /// 0: the whole history).
        #[arg(long, value_name = "SEQ")]
        after: Option<u64>,
    },
    /// List the receivers and how their deliveries go.
    List {
        /// One JSON object per receiver per line.
        #[arg(long)]
        json: bool,
    },
    /// Remove a receiver: its deliveries stop.
    Remove { name: String },
}

pub fn run(store: &super::Store, command: WebhookCommand) -> anyhow::Result<Outcome> {
    let archive = store.open()?;
    let caller = super::local_caller();
    match command {
        WebhookCommand::Add {
            name,
            url,
            types,
            after,
        } => {
            let types = FeedType::parse_list(types.as_deref(), "--types")
                .map_err(|e| UsageError(e.to_string()))?;
            let receiver = archive.add_webhook(&caller, &name, &url, types, after)?;
            let cursor = archive.delivery_cursor(&archive_core::delivery::Channel::Webhook(
                receiver.name.clone(),
            ))?;
            eprintln!(
                "{}",
                Message::new(&m::CLI_WEBHOOK_ADDED)
                    .with("name", &receiver.name)
                    .with("url", &receiver.url)
                    .with("types", FeedType::list_string(&receiver.types))
                    .with("after", cursor.after)
            );
            println!("{}", receiver.secret);
        }
        WebhookCommand::List { json } => {
            for w in archive.webhooks(&caller)? {
                if json {
                    let line = serde_json::json!({
                        "name": w.name, "url": w.url,
                        "types": w.types.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                        "delivered_through": w.cursor.after, "delivered": w.cursor.delivered,
                        "attempts": w.cursor.attempts, "last_error": w.cursor.last_error,
                    });
                    println!("{line}");
                } else {
                    println!(
                        "{}",
                        Message::new(&m::CLI_WEBHOOK_LINE)
                            .with("name", &w.name)
                            .with("url", &w.url)
                            .with("types", FeedType::list_string(&w.types))
                            .with("after", w.cursor.after)
                            .with("attempts", w.cursor.attempts)
                            .with("error", w.cursor.last_error.as_deref().unwrap_or("-"))
                    );
                }
            }
        }
        WebhookCommand::Remove { name } => {
            archive.remove_webhook(&caller, &name)?;
            eprintln!(
                "{}",
                Message::new(&m::CLI_WEBHOOK_REMOVED).with("name", name.trim())
            );
        }
    }
    Ok(Outcome::Success)
}
