//! The batch's schedule: items are worked on by a pool (as many at once as there are workers),
//! each worker taking the next item as soon as it is free, while one consumer receives the
//! results in input order, in groups of whatever has arrived in order since its last group.
//!
//! This replaced windows of files worked on together, where each window waited for its slowest
//! file: with one-page scans a worker was idle whenever its window's last OCR page ran alone
//! (1.47 of 2 cores busy, measured in docs/benchmarks.md). Memory stays bounded: an item holds a
//! ticket from when it is taken until the consumer has had it, so at most `in_flight` items are
//! being worked on or waiting for an earlier one, however slow the earliest is.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, PoisonError};

/// A counting semaphore that can be closed (then every wait ends, refused).
struct Tickets {
    state: Mutex<(usize, bool)>,
    freed: Condvar,
}

impl Tickets {
    fn new(count: usize) -> Self {
        Tickets {
            state: Mutex::new((count.max(1), false)),
            freed: Condvar::new(),
        }
    }

    /// Waits for a ticket; `false` once closed.
    fn acquire(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            match *state {
                (_, true) => return false,
                (0, false) => {
                    state = self
                        .freed
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner)
                }
                (ref mut free, false) => {
                    *free -= 1;
                    return true;
                }
            }
        }
    }

    fn release(&self, count: usize) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.0 += count;
        self.freed.notify_all();
    }

    fn close(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.1 = true;
        self.freed.notify_all();
    }
}

/// Closes the tickets if a worker unwinds, so that the others stop instead of waiting for a
/// result that will never come (the panic then reaches the caller).
struct CloseOnPanic<'a>(&'a Tickets);

impl Drop for CloseOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.close();
        }
    }
}

/// Runs `work` on every item on rayon's pool, `workers` at a time, with at most `in_flight`
/// items taken and not yet consumed; `consume` gets the results in input order, each group as
/// soon as it is complete up to its last item. Stops at the first error of `consume` (no more
/// items are taken; items being worked on finish and are dropped).
pub(crate) fn in_order<T, R, E>(
    items: impl Iterator<Item = T> + Send,
    workers: usize,
    in_flight: usize,
    work: &(dyn Fn(T) -> R + Sync),
    consume: &mut dyn FnMut(Vec<R>) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
    R: Send,
{
    let tickets = Tickets::new(in_flight.max(workers));
    let source = Mutex::new(items.enumerate());
    let (results, received) = mpsc::channel::<(usize, R)>();
    let (tickets, source) = (&tickets, &source);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            rayon::scope(|pool| {
                for _ in 0..workers.max(1) {
                    let results = results.clone();
                    pool.spawn(move |_| {
                        let _guard = CloseOnPanic(tickets);
                        while tickets.acquire() {
                            let next = source.lock().unwrap_or_else(PoisonError::into_inner).next();
                            let Some((index, item)) = next else {
                                tickets.release(1);
                                break;
                            };
                            if results.send((index, work(item))).is_err() {
                                break; // the consumer stopped
                            }
                        }
                    });
                }
            });
        });
        let mut waiting = BTreeMap::new();
        let mut next = 0usize;
        let outcome = (|| {
            while let Ok((index, result)) = received.recv() {
                waiting.insert(index, result);
                while let Ok((index, result)) = received.try_recv() {
                    waiting.insert(index, result);
                }
                let mut group = Vec::new();
                while let Some(result) = waiting.remove(&next) {
                    group.push(result);
                    next += 1;
                }
                if !group.is_empty() {
                    let count = group.len();
                    consume(group)?;
                    tickets.release(count);
                }
            }
            Ok(())
        })();
        // Whatever happened, the workers stop taking items and the channel is let go.
        tickets.close();
        drop(received);
        outcome
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// Items finish out of order (later ones faster); the consumer still sees 0, 1, 2, ... and
    /// never more than `in_flight` items are held at once.
    #[test]
    fn results_come_in_input_order_within_the_bound() {
        let held = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let work = |i: usize| {
            let now = held.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            // Every fifth item is slow, so the ones after it finish first.
            std::thread::sleep(Duration::from_millis(if i % 5 == 0 { 20 } else { 1 }));
            i
        };
        let mut seen = Vec::new();
        let mut groups = 0;
        let result: Result<(), ()> = in_order(0..200usize, 3, 6, &work, &mut |group| {
            groups += 1;
            held.fetch_sub(group.len(), Ordering::SeqCst);
            seen.extend(group);
            Ok(())
        });
        assert_eq!(result, Ok(()));
        assert_eq!(seen, (0..200).collect::<Vec<_>>());
        assert!(most.load(Ordering::SeqCst) <= 6, "{most:?}");
        assert!(
            groups < 200,
            "results that arrive together are consumed together"
        );
    }

    /// A slow item does not hold up the other workers: the first item finishes only once five
    /// later ones have (with windows of two items per worker, the window would have waited for
    /// it and the five could never finish first).
    #[test]
    fn a_slow_item_does_not_stop_the_other_workers() {
        use std::sync::{Condvar, Mutex};
        let finished = Mutex::new(0usize);
        let changed = Condvar::new();
        let work = |i: usize| {
            if i == 0 {
                let guard = finished.lock().unwrap();
                let (count, timeout) = changed
                    .wait_timeout_while(guard, Duration::from_secs(60), |n| *n < 5)
                    .unwrap();
                return (i, *count >= 5 && !timeout.timed_out());
            }
            *finished.lock().unwrap() += 1;
            changed.notify_all();
            (i, true)
        };
        let mut seen = Vec::new();
        let result: Result<(), ()> = in_order(0..12usize, 2, 8, &work, &mut |group| {
            seen.extend(group);
            Ok(())
        });
        assert_eq!(result, Ok(()));
        assert_eq!(
            seen[0],
            (0, true),
            "five later items finished while the first ran"
        );
        assert_eq!(
            seen.iter().map(|s| s.0).collect::<Vec<_>>(),
            (0..12).collect::<Vec<_>>()
        );
    }

    /// A failing consumer stops the run: no item after the failure is taken beyond the tickets
    /// already handed out, and the error comes back.
    #[test]
    fn a_consumer_error_stops_the_workers() {
        let taken = AtomicUsize::new(0);
        let work = |i: usize| {
            taken.fetch_add(1, Ordering::SeqCst);
            i
        };
        let mut consumed = 0;
        let result = in_order(0..10_000usize, 2, 4, &work, &mut |group| {
            consumed += group.len();
            if consumed >= 3 {
                Err("disk full")
            } else {
                Ok(())
            }
        });
        assert_eq!(result, Err("disk full"));
        assert!(taken.load(Ordering::SeqCst) < 100, "{taken:?}");
    }

    #[test]
    fn no_items_is_no_group() {
        let mut groups = 0;
        let result: Result<(), ()> = in_order(std::iter::empty::<u8>(), 2, 4, &|i| i, &mut |_| {
            groups += 1;
            Ok(())
        });
        assert_eq!((result, groups), (Ok(()), 0));
    }
}
