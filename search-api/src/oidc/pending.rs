//! Sign-ins started and not yet finished: each `state` with its nonce, PKCE verifier and where
//! to go after, kept in memory for [`PENDING_TTL`] and taken at most once, so that a callback
//! replayed (or a state made up) finds nothing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a started sign-in waits for its callback.
pub const PENDING_TTL: Duration = Duration::from_secs(600);
/// Most sign-ins waiting at once (a flood of `GET /login/oidc` cannot exhaust memory).
pub const MAX_PENDING: usize = 20_000;

pub struct Pending {
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: String,
    started: Instant,
}

#[derive(Default)]
pub struct PendingSignIns {
    by_state: Mutex<HashMap<String, Pending>>,
}

impl PendingSignIns {
    /// Remembers a started sign-in; false when too many are waiting.
    pub fn insert(
        &self,
        state: String,
        nonce: String,
        pkce_verifier: String,
        next: String,
    ) -> bool {
        let mut map = self.by_state.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_PENDING {
            map.retain(|_, p| p.started.elapsed() < PENDING_TTL);
            if map.len() >= MAX_PENDING {
                return false;
            }
        }
        map.insert(
            state,
            Pending {
                nonce,
                pkce_verifier,
                next,
                started: Instant::now(),
            },
        );
        true
    }

    /// Takes the sign-in of `state` (it can be taken once), if it has not expired.
    pub fn take(&self, state: &str) -> Option<Pending> {
        let mut map = self.by_state.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(state)
            .filter(|p| p.started.elapsed() < PENDING_TTL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_taken_once_and_only_if_it_was_started() {
        let pending = PendingSignIns::default();
        assert!(pending.insert("s1".into(), "n".into(), "v".into(), "/my".into()));
        assert!(pending.take("s2").is_none());
        let taken = pending.take("s1").expect("started");
        assert_eq!((taken.nonce.as_str(), taken.next.as_str()), ("n", "/my"));
        assert!(
            pending.take("s1").is_none(),
            "a replayed state finds nothing"
        );
    }
}
