//! The server's background threads (fixity, the bucket's journal): each runs a loop that looks
//! at a stop flag, and is stopped and joined when the server stops.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub(crate) struct Worker {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    /// A worker that was not needed (its feature is off).
    pub(crate) fn none() -> Worker {
        Worker {
            stop: Arc::new(AtomicBool::new(false)),
            thread: None,
        }
    }

    /// Runs `body` on its own thread named `kho-<name>`; `body` returns when the flag is set.
    pub(crate) fn spawn(name: &str, body: impl FnOnce(Arc<AtomicBool>) + Send + 'static) -> Worker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        match std::thread::Builder::new()
            .name(format!("kho-{name}"))
            .spawn(move || body(flag))
        {
            Ok(thread) => Worker {
                stop,
                thread: Some(thread),
            },
            Err(e) => {
                tracing::error!("{name}: cannot start its thread: {e}");
                Worker { stop, thread: None }
            }
        }
    }

    pub(crate) fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Sleeps `total`, waking every so often to see whether the server is stopping.
pub(crate) fn rest(stop: &AtomicBool, total: Duration) {
    let mut left = total;
    while !left.is_zero() && !stop.load(Ordering::Relaxed) {
        let nap = left.min(Duration::from_millis(100));
        std::thread::sleep(nap);
        left -= nap;
    }
}
