//! Group commit for sled transactions: concurrent callers that each append a few ledger events
//! share one transaction instead of queueing for one each.
//!
//! Each caller leaves its request in a queue. One caller at a time is the leader: it takes every
//! request waiting (its own among them), runs them together, and hands each caller its own
//! response. Under one caller this is a plain call. Why: sled serializes transactions on one
//! lock that waiters spin for (`sched_yield`), and each transaction pays its own staging and
//! commit; under 64 concurrent API reads a profile put a tenth of the server in `sched_yield`
//! (docs/benchmarks.md, "Ledger appends grouped"). Flushes are shared the same way
//! ([`crate::group_flush`]).

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard};

enum Outcome<R> {
    Done(R),
    /// The leader that took the request unwound before answering it.
    Abandoned,
}

struct State<Q, R> {
    next_id: u64,
    waiting: Vec<(u64, Q)>,
    leading: bool,
    outcomes: HashMap<u64, Outcome<R>>,
}

pub(crate) struct GroupAppend<Q, R> {
    state: Mutex<State<Q, R>>,
    turn: Condvar,
}

impl<Q, R> Default for GroupAppend<Q, R> {
    fn default() -> Self {
        GroupAppend {
            state: Mutex::new(State {
                next_id: 0,
                waiting: Vec::new(),
                leading: false,
                outcomes: HashMap::new(),
            }),
            turn: Condvar::new(),
        }
    }
}

impl<Q, R> GroupAppend<Q, R> {
    /// Runs `request` together with those of the callers waiting at the same time: `work` (run
    /// by whichever caller leads) gets the requests in the order they came and returns one
    /// response each, in that order. `None` when the leader that took this request unwound
    /// (panicked) before answering, or answered fewer requests than it took.
    pub(crate) fn run(&self, request: Q, work: impl FnOnce(Vec<Q>) -> Vec<R>) -> Option<R> {
        let mut work = Some(work);
        let mut state = self.lock();
        let id = state.next_id;
        state.next_id += 1;
        state.waiting.push((id, request));
        loop {
            if let Some(outcome) = state.outcomes.remove(&id) {
                return match outcome {
                    Outcome::Done(response) => Some(response),
                    Outcome::Abandoned => None,
                };
            }
            // Whoever took this request answers it before stepping down, so a caller that leads
            // has its own request in the round, and leads once.
            if !state.leading {
                let work = work.take()?;
                state.leading = true;
                let (ids, requests): (Vec<u64>, Vec<Q>) =
                    std::mem::take(&mut state.waiting).into_iter().unzip();
                drop(state);
                let abandon = AbandonOnUnwind {
                    group: self,
                    ids: &ids,
                };
                let mut responses = work(requests).into_iter();
                std::mem::forget(abandon);
                state = self.lock();
                state.leading = false;
                for id in &ids {
                    let outcome = responses.next().map_or(Outcome::Abandoned, Outcome::Done);
                    state.outcomes.insert(*id, outcome);
                }
                self.turn.notify_all();
                continue;
            }
            state = self.turn.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<Q, R>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Dropped only when the leader's `work` unwinds: its callers are told, and another may lead.
struct AbandonOnUnwind<'a, Q, R> {
    group: &'a GroupAppend<Q, R>,
    ids: &'a [u64],
}

impl<Q, R> Drop for AbandonOnUnwind<'_, Q, R> {
    fn drop(&mut self) {
        let mut state = self.group.lock();
        state.leading = false;
        for id in self.ids {
            state.outcomes.insert(*id, Outcome::Abandoned);
        }
        self.group.turn.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};
    use std::time::Duration;

    #[test]
    fn one_caller_is_a_plain_call() {
        let group = GroupAppend::default();
        assert_eq!(
            group.run(3, |all| all.iter().map(|x| x * 2).collect()),
            Some(6)
        );
        assert_eq!(
            group.run(4, |all| all.iter().map(|x| x + 1).collect()),
            Some(5)
        );
    }

    /// Callers arriving while a round runs share the next one, and each gets its own answer.
    #[test]
    fn concurrent_callers_share_rounds_and_each_gets_its_own() {
        let group = Arc::new(GroupAppend::default());
        let rounds = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(Barrier::new(16));
        let threads: Vec<_> = (0..16u64)
            .map(|caller| {
                let (group, rounds, start) = (group.clone(), rounds.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    for i in 0..20u64 {
                        let request = caller * 1000 + i;
                        let answer = group.run(request, |all| {
                            rounds.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(1));
                            all.iter().map(|r| r * 10).collect()
                        });
                        assert_eq!(answer, Some(request * 10));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(rounds.load(Ordering::SeqCst) < 320, "rounds were shared");
    }

    /// A leader that panics leaves its round's callers an answer (`None`), not a wait without
    /// end, and the group goes on.
    #[test]
    fn a_leader_that_panics_does_not_strand_the_others() {
        let group = Arc::new(GroupAppend::<u64, u64>::default());
        let inside = Arc::new(Barrier::new(2));
        let leader = {
            let (group, inside) = (group.clone(), inside.clone());
            std::thread::spawn(move || {
                group.run(1, |_| {
                    inside.wait();
                    std::thread::sleep(Duration::from_millis(50));
                    panic!("the work failed");
                })
            })
        };
        inside.wait();
        // Queued behind the leader: taken by the next round, which this caller leads.
        let follower = {
            let group = group.clone();
            std::thread::spawn(move || group.run(2, |all| all))
        };
        assert!(leader.join().is_err());
        assert_eq!(follower.join().unwrap(), Some(2));
        assert_eq!(group.run(3, |all| all), Some(3));
    }

    #[test]
    fn answers_missing_from_a_round_are_none() {
        let group = GroupAppend::<u64, u64>::default();
        assert_eq!(group.run(1, |_| Vec::new()), None);
        assert_eq!(group.run(2, |all| all), Some(2));
    }
}
