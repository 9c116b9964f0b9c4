//! The index's start-up catch-up in the background: `kho serve` listens (and answers
//! `/api/v1/health`) at once, while this thread indexes what the catalogue holds and the index
//! does not yet; `/api/v1/ready` answers 503 until the index has caught up (a load balancer
//! sends no traffic before). Stopped with the server: what it indexed is committed, the next
//! start carries on from there.

use crate::background::Worker;
use crate::state::AppState;
use std::sync::atomic::Ordering;

pub(crate) fn start(state: &AppState) -> Worker {
    let archive = state.archive.clone();
    Worker::spawn("index-catch-up", move |flag| {
        let started = std::time::Instant::now();
        let mut last_line = started;
        let mut progress = |done: u64, total: u64| {
            // A plain line now and then, for the log.
            if last_line.elapsed().as_secs() >= 10 || done == total {
                tracing::info!("index catch-up: {done} of {total} record(s)");
                last_line = std::time::Instant::now();
            }
        };
        match archive.sync_index_until(&mut progress, &|| flag.load(Ordering::Relaxed)) {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                "index catch-up: {n} record(s) indexed in {:.1}s",
                started.elapsed().as_secs_f64()
            ),
            Err(e) => tracing::error!("index catch-up: {e}; `kho reindex` rebuilds the index"),
        }
    })
}
