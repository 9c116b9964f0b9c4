//! The server's journal thread, for a store whose originals are in a bucket: what this node
//! stores or changes goes to the bucket's journal within seconds ([`PUSH_EVERY`]), and every
//! `follow_every` what other nodes wrote is merged into the catalogue and the index. A failure
//! (the bucket unreachable) is logged once and retried; nothing is lost, since both directions
//! resume from cursors kept in the catalogue.

use crate::background::{rest, Worker};
use crate::metrics::event;
use crate::state::AppState;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const PUSH_EVERY: Duration = Duration::from_secs(2);

pub(crate) fn start(state: &AppState) -> Worker {
    if state.archive.node_id().is_none() {
        return Worker::none();
    }
    let (archive, metrics, follow_every) = (
        state.archive.clone(),
        state.metrics.clone(),
        state.config.follow_every,
    );
    Worker::spawn("journal", move |flag| {
        let mut last_pull: Option<Instant> = None;
        let mut failing: Option<String> = None;
        let mut report = |what: &str, result: Result<(), archive_core::ArchiveError>| match result {
            Ok(()) if failing.take().is_some() => {
                tracing::info!("journal: the bucket answers again")
            }
            Ok(()) => {}
            Err(e) => {
                let message = e.to_string();
                if failing.as_deref() != Some(message.as_str()) {
                    tracing::warn!("journal: {what}: {message}; retrying");
                    failing = Some(message);
                }
            }
        };
        loop {
            let stopping = flag.load(Ordering::Relaxed);
            let pushed = archive
                .push_journal()
                .map(|p| metrics.count_n(event::JOURNAL_PUSHED, p.records));
            report("writing this node's changes", pushed);
            if stopping {
                return;
            }
            let due =
                !follow_every.is_zero() && last_pull.is_none_or(|at| at.elapsed() >= follow_every);
            if due {
                last_pull = Some(Instant::now());
                let pulled = archive.pull_journal(&mut |_| {}).and_then(|p| {
                    metrics.count_n(event::JOURNAL_PULLED, p.new + p.changed);
                    if p.new + p.changed > 0 {
                        tracing::info!(
                            "journal: {} new and {} changed record(s) from other nodes",
                            p.new,
                            p.changed
                        );
                        archive.sync_index(&mut |_, _| {})?;
                    }
                    Ok(())
                });
                report("reading other nodes' changes", pulled);
            }
            rest(&flag, PUSH_EVERY);
        }
    })
}
