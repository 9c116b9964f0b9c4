//! The deliverer: one background thread that pushes what happened to every channel, in the
//! ledger's order. Each webhook receiver gets the events of its types, one POST each, signed
//! ([`webhook`]); each citizen with a notification address gets an e-mail per activity line
//! through the province's relay ([`smtp`]), with the sentence of `/my/activity`.
//!
//! A channel's state is its cursor in archive-core (`archive_core::delivery`), written and
//! flushed after each event delivered: a restart resumes at the first event not yet
//! delivered, so a receiver gets every event, in order, at least once, and once by its
//! idempotency key (the sequence number). A failure stops the channel at that event and
//! retries it after 1, 2, 4, ... seconds, at most `max_backoff`; the other channels go on.
//! Channels are served one after another on the thread: a receiver that hangs costs the others
//! at most the request timeout per round.

pub mod smtp;
pub mod webhook;

use crate::background::{rest, Worker};
use crate::state::AppState;
use archive_core::delivery::{Channel, DeliveryCursor};
use archive_core::Archive;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use time::OffsetDateTime;

pub use smtp::SmtpConfig;

/// How deliveries run (`kho serve --delivery-*`, `--smtp-*`).
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// How often the ledger is looked at for new events.
    pub poll: Duration,
    /// The longest wait between two attempts at an event.
    pub max_backoff: Duration,
    /// Each POST or SMTP conversation ends after this long.
    pub timeout: Duration,
    /// The relay for citizens' e-mail notifications (none: not mailed).
    pub smtp: Option<SmtpConfig>,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            poll: Duration::from_secs(1),
            max_backoff: Duration::from_secs(600),
            timeout: Duration::from_secs(10),
            smtp: None,
        }
    }
}

/// Events looked at per channel per round.
const BATCH: usize = 50;

pub(crate) fn start(state: &AppState) -> Worker {
    let archive = state.archive.clone();
    let config = state.config.delivery.clone();
    Worker::spawn("delivery", move |stop| {
        let agent = webhook::agent(config.timeout);
        while !stop.load(Ordering::Relaxed) {
            let receivers = match archive.webhook_receivers() {
                Ok(receivers) => receivers,
                Err(e) => {
                    tracing::error!(error = %e, "delivery: cannot list webhook receivers");
                    Vec::new()
                }
            };
            for receiver in receivers {
                if let Err(e) = deliver_webhook(&archive, &agent, &config, &receiver.name, &stop) {
                    tracing::error!(receiver = %receiver.name, error = %e, "delivery: webhook");
                }
            }
            if let Some(smtp) = &config.smtp {
                if let Err(e) = deliver_mail(&archive, &config, smtp, &stop) {
                    tracing::error!(error = %e, "delivery: e-mail notifications");
                }
            }
            rest(&stop, config.poll);
        }
    })
}

fn due(cursor: &DeliveryCursor) -> bool {
    cursor
        .next_try
        .is_none_or(|at| at <= OffsetDateTime::now_utc())
}

/// After a failure: the attempt counted, the error kept, the next try pushed back.
fn failed(cursor: &mut DeliveryCursor, config: &DeliveryConfig, error: String) {
    cursor.attempts = cursor.attempts.saturating_add(1);
    let wait = Duration::from_secs(1u64 << cursor.attempts.saturating_sub(1).min(20))
        .min(config.max_backoff);
    cursor.next_try = Some(OffsetDateTime::now_utc() + wait);
    cursor.last_error = Some(error);
}

fn succeeded(cursor: &mut DeliveryCursor, through: u64) {
    cursor.after = through;
    cursor.attempts = 0;
    cursor.next_try = None;
    cursor.last_error = None;
    cursor.delivered += 1;
}

fn deliver_webhook(
    archive: &Archive,
    agent: &ureq::Agent,
    config: &DeliveryConfig,
    name: &str,
    stop: &AtomicBool,
) -> archive_core::Result<()> {
    let channel = Channel::Webhook(name.to_string());
    if !due(&archive.delivery_cursor(&channel)?) {
        return Ok(());
    }
    let Some((receiver, mut cursor, page)) = archive.webhook_batch(name, BATCH)? else {
        return Ok(());
    };
    for event in &page.events {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let body =
            serde_json::to_vec(&crate::wire_feed::FeedEventView::from(event)).unwrap_or_default();
        match webhook::post(agent, &receiver.url, &receiver.secret, event.seq, &body) {
            Ok(_) => {
                succeeded(&mut cursor, event.seq);
                archive.save_delivery_cursor(&channel, &cursor)?;
            }
            Err(error) => {
                tracing::warn!(receiver = %name, seq = event.seq, %error, attempts = cursor.attempts + 1,
                    "delivery: webhook refused or unreachable; will retry");
                failed(&mut cursor, config, error);
                return archive.save_delivery_cursor(&channel, &cursor);
            }
        }
    }
    // Every event given is delivered: the cursor moves past what the page looked at (events
    // of other types), so the next round starts there.
    if page.next > cursor.after {
        cursor.after = page.next;
        archive.save_delivery_cursor(&channel, &cursor)?;
    }
    Ok(())
}

fn deliver_mail(
    archive: &Archive,
    config: &DeliveryConfig,
    smtp: &SmtpConfig,
    stop: &AtomicBool,
) -> archive_core::Result<()> {
    let channel = Channel::Mail;
    let mut cursor = archive.delivery_cursor(&channel)?;
    if !due(&cursor) {
        return Ok(());
    }
    let page = archive.pending_notices(cursor.after, BATCH)?;
    let subject =
        schemas::Message::new(&schemas::messages::NOTIFY_MAIL_SUBJECT).render(schemas::Lang::Vi);
    let footer =
        schemas::Message::new(&schemas::messages::NOTIFY_MAIL_FOOTER).render(schemas::Lang::Vi);
    for notice in &page.notices {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let lines = archive_core::LedgerLines {
            lines: vec![notice.line.clone()],
            newer: None,
            older: None,
        };
        let view = crate::wire::LinesPage::from(&lines);
        let Some(line) = view.lines.first() else {
            continue;
        };
        let (_, sentence) = crate::web::activity::sentence(line);
        let when = crate::web::layout::instant(&line.event.at);
        let body = format!("{when}: {sentence}\n\n{footer}\n");
        let id = format!(
            "{}-{}",
            notice.line.last_seq,
            &archive_core::Sha256Digest::of(notice.owner.as_bytes()).to_hex()[..12]
        );
        let mail = smtp::Mail {
            to: notice.address.as_str(),
            subject: &subject,
            body: &body,
            message_id: &id,
        };
        match smtp::send(smtp, &mail, config.timeout) {
            Ok(()) => {
                succeeded(&mut cursor, notice.line.last_seq);
                archive.save_delivery_cursor(&channel, &cursor)?;
            }
            Err(error) => {
                tracing::warn!(seq = notice.line.last_seq, %error, "delivery: e-mail not accepted; will retry");
                failed(&mut cursor, config, error);
                return archive.save_delivery_cursor(&channel, &cursor);
            }
        }
    }
    if page.next > cursor.after {
        cursor.after = page.next;
        archive.save_delivery_cursor(&channel, &cursor)?;
    }
    Ok(())
}
