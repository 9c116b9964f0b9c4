//! The server's background fixity thread: [`archive_core::Archive::fixity_step`] paced to the
//! configured bytes per second, a rest between passes, damage in the log and the metrics (the
//! ledger entry is written by the archive). Stopped and joined when the server stops.

use crate::background::{rest, Worker};
use crate::metrics::event;
use crate::state::AppState;
use archive_core::fixity::FixityStep;
use std::sync::atomic::Ordering;
use std::time::Duration;

pub(crate) fn start(state: &AppState) -> Worker {
    let rate = state.config.fixity_bytes_per_second;
    if rate == 0 {
        return Worker::none();
    }
    let (archive, metrics, pause) = (
        state.archive.clone(),
        state.metrics.clone(),
        state.config.fixity_pause,
    );
    Worker::spawn("fixity", move |flag| {
        while !flag.load(Ordering::Relaxed) {
            match archive.fixity_step() {
                Ok(FixityStep::Verified { bytes, .. }) => {
                    metrics.count(event::FIXITY_VERIFIED);
                    rest(&flag, Duration::from_secs_f64(bytes as f64 / rate as f64));
                }
                Ok(FixityStep::Damaged {
                    sha256,
                    records,
                    detail,
                    newly,
                }) => {
                    if newly {
                        metrics.count(event::FIXITY_DAMAGED);
                        tracing::error!(
                            "fixity: the original {sha256} of record(s) {} is damaged: {detail}; restore it from an export",
                            records.join(", ")
                        );
                    }
                }
                Ok(FixityStep::PassComplete) => rest(&flag, pause),
                Err(e) => {
                    tracing::error!("fixity: {e}");
                    rest(&flag, pause);
                }
            }
        }
    })
}
