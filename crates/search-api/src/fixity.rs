//! The server's background fixity thread: [`archive_core::Archive::fixity_step`] paced to the
//! configured bytes per second, a rest between passes, damage in the log and the metrics (the
//! ledger entry is written by the archive). Stopped and joined when the server stops.

use crate::metrics::event;
use crate::state::AppState;
use archive_core::fixity::FixityStep;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub(crate) struct Fixity {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Fixity {
    pub(crate) fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Sleeps `total`, waking every so often to see whether the server is stopping.
fn rest(stop: &AtomicBool, total: Duration) {
    let mut left = total;
    while !left.is_zero() && !stop.load(Ordering::Relaxed) {
        let nap = left.min(Duration::from_millis(100));
        std::thread::sleep(nap);
        left -= nap;
    }
}

pub(crate) fn start(state: &AppState) -> Fixity {
    let stop = Arc::new(AtomicBool::new(false));
    let rate = state.config.fixity_bytes_per_second;
    if rate == 0 {
        return Fixity { stop, thread: None };
    }
    let (archive, metrics, pause) = (
        state.archive.clone(),
        state.metrics.clone(),
        state.config.fixity_pause,
    );
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("kho-fixity".into())
        .spawn(move || {
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
                            eprintln!(
                                "kho serve: fixity: the original {sha256} of record(s) {} is damaged: {detail}; restore it from an export",
                                records.join(", ")
                            );
                        }
                    }
                    Ok(FixityStep::PassComplete) => rest(&flag, pause),
                    Err(e) => {
                        eprintln!("kho serve: fixity: {e}");
                        rest(&flag, pause);
                    }
                }
            }
        });
    match thread {
        Ok(thread) => Fixity {
            stop,
            thread: Some(thread),
        },
        Err(e) => {
            eprintln!("kho serve: fixity: cannot start its thread: {e}");
            Fixity { stop, thread: None }
        }
    }
}
