//! The login throttle: password guessing is bounded per user name and per client address,
//! counted *before* the password is checked, under one lock, so that concurrent requests cannot
//! slip past it; and a stranger's failures cannot lock the real user out.
//!
//! The rule, within a window of [`Throttle::WINDOW`]:
//! - every password check of a name counts, in flight or done; once a name has had
//!   [`Throttle::MAX_CHECKS`], it is locked *for the addresses that have failed on it* (or have
//!   a check of it in flight). An address that has not failed on that name still gets its
//!   checks, one at a time: the real user at their desk signs in during an attack from
//!   elsewhere, and each such address can guess at most once before it is locked too;
//! - an address with [`Throttle::MAX_ADDRESS_FAILURES`] failures on any names is locked for every
//!   name (password spraying).
//!
//! IPv6 addresses are counted by their /64 network (one host controls a whole /64). Memory is
//! bounded: old windows are forgotten, and at most [`MAX_ENTRIES`] of each kind are kept.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Most names, addresses or pairs remembered at once.
pub const MAX_ENTRIES: usize = 100_000;

#[derive(Clone, Copy)]
struct Window {
    count: u32,
    in_flight: u32,
    since: Instant,
}

impl Window {
    fn new() -> Self {
        Window {
            count: 0,
            in_flight: 0,
            since: Instant::now(),
        }
    }

    fn left(&self) -> Option<Duration> {
        Throttle::WINDOW.checked_sub(self.since.elapsed())
    }
}

#[derive(Default)]
struct Counts {
    /// Password checks of a name (done or in flight).
    names: HashMap<String, Window>,
    /// Failures of an address, on any name.
    addresses: HashMap<IpAddr, Window>,
    /// Failures (and checks in flight) of an address on a name.
    pairs: HashMap<(String, IpAddr), Window>,
}

fn current<K: std::hash::Hash + Eq + Clone>(map: &mut HashMap<K, Window>, key: &K) -> Window {
    match map.get(key) {
        Some(w) if w.left().is_some() => *w,
        _ => Window::new(),
    }
}

fn forget_old<K>(map: &mut HashMap<K, Window>) {
    if map.len() >= MAX_ENTRIES {
        map.retain(|_, w| w.left().is_some() || w.in_flight > 0);
    }
}

/// The throttle of sign-ins; one per server.
#[derive(Default)]
pub struct Throttle {
    counts: Mutex<Counts>,
}

/// A password check the throttle let through. Say how it went ([`Attempt::succeeded`],
/// [`Attempt::failed`]); dropped without a verdict (the store failed), it is forgotten.
pub struct Attempt<'a> {
    throttle: &'a Throttle,
    name: String,
    address: IpAddr,
    settled: bool,
}

/// The key of a client address: IPv4 as is, IPv6 by its /64 network.
pub(crate) fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

impl Throttle {
    /// Password checks of one name per window before it is locked for addresses that failed.
    pub const MAX_CHECKS: u32 = 5;
    /// Failures from one address (on any names) per window before it is locked.
    pub const MAX_ADDRESS_FAILURES: u32 = 20;
    pub const WINDOW: Duration = Duration::from_secs(300);

    fn counts(&self) -> MutexGuard<'_, Counts> {
        // A panic while holding the lock cannot leave the counts inconsistent in a way that
        // matters more than refusing every sign-in would.
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Lets a password check of `name` from `address` go ahead, counting it first; or the
    /// seconds to wait.
    pub fn begin(&self, name: &str, address: IpAddr) -> Result<Attempt<'_>, u64> {
        let name = name.trim().to_lowercase();
        let address = address_key(address);
        let mut counts = self.counts();
        let Counts {
            names,
            addresses,
            pairs,
        } = &mut *counts;
        forget_old(names);
        forget_old(addresses);
        forget_old(pairs);
        let pair_key = (name.clone(), address);
        let by_name = current(names, &name);
        let by_address = current(addresses, &address);
        let pair = current(pairs, &pair_key);
        let wait = |w: &Window| w.left().map_or(1, |d| d.as_secs().max(1));
        if by_address.count >= Self::MAX_ADDRESS_FAILURES {
            return Err(wait(&by_address));
        }
        if by_name.count >= Self::MAX_CHECKS && pair.count + pair.in_flight > 0 {
            return Err(wait(&by_name));
        }
        names.insert(
            name.clone(),
            Window {
                count: by_name.count + 1,
                ..by_name
            },
        );
        pairs.insert(
            pair_key,
            Window {
                in_flight: pair.in_flight + 1,
                ..pair
            },
        );
        Ok(Attempt {
            throttle: self,
            name,
            address,
            settled: false,
        })
    }

    /// Seconds before `name` may be tried again from `address`, if it is locked (without
    /// counting anything).
    pub fn locked_for(&self, name: &str, address: IpAddr) -> Option<u64> {
        let name = name.trim().to_lowercase();
        let address = address_key(address);
        let mut counts = self.counts();
        let by_name = current(&mut counts.names, &name);
        let by_address = current(&mut counts.addresses, &address);
        let pair = current(&mut counts.pairs, &(name, address));
        if by_address.count >= Self::MAX_ADDRESS_FAILURES {
            return by_address.left().map(|d| d.as_secs().max(1));
        }
        (by_name.count >= Self::MAX_CHECKS && pair.count + pair.in_flight > 0)
            .then(|| by_name.left().map_or(1, |d| d.as_secs().max(1)))
    }

    fn settle(&self, attempt: &Attempt<'_>, failed: bool) {
        let mut counts = self.counts();
        let pair_key = (attempt.name.clone(), attempt.address);
        if let Some(pair) = counts.pairs.get_mut(&pair_key) {
            pair.in_flight = pair.in_flight.saturating_sub(1);
            if failed {
                pair.count += 1;
            }
        }
        if failed {
            let by_address = current(&mut counts.addresses, &attempt.address);
            counts.addresses.insert(
                attempt.address,
                Window {
                    count: by_address.count + 1,
                    ..by_address
                },
            );
        }
    }
}

impl Attempt<'_> {
    /// The password was right: nothing more is counted (the check itself stays counted for
    /// the name, so that a burst cannot get more checks than the limit by including it).
    pub fn succeeded(mut self) {
        self.settled = true;
        self.throttle.settle(&self, false);
    }

    /// The password was wrong (or the name unknown).
    pub fn failed(mut self) {
        self.settled = true;
        self.throttle.settle(&self, true);
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.settled {
            let mut counts = self.throttle.counts();
            if let Some(w) = counts.names.get_mut(&self.name) {
                w.count = w.count.saturating_sub(1);
            }
            if let Some(pair) = counts.pairs.get_mut(&(self.name.clone(), self.address)) {
                pair.in_flight = pair.in_flight.saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn checks_are_counted_before_they_finish() {
        let throttle = Throttle::default();
        let here = ip("10.0.0.1");
        let in_flight: Vec<_> = (0..Throttle::MAX_CHECKS)
            .map(|_| throttle.begin("An", here).expect("within the limit"))
            .collect();
        assert!(throttle.begin("an", here).is_err(), "a sixth check at once");
        in_flight.into_iter().for_each(Attempt::failed);
        assert!(throttle.begin("AN", here).is_err());
        assert!(throttle.locked_for("an", here).is_some());
    }

    #[test]
    fn a_stranger_cannot_lock_the_user_out_of_a_clean_address() {
        let throttle = Throttle::default();
        for _ in 0..10 {
            if let Ok(a) = throttle.begin("an", ip("203.0.113.9")) {
                a.failed();
            }
        }
        assert!(throttle.locked_for("an", ip("203.0.113.9")).is_some());
        let desk = ip("10.0.0.7");
        assert_eq!(throttle.locked_for("an", desk), None);
        let first = throttle.begin("an", desk).expect("a clean address passes");
        assert!(
            throttle.begin("an", desk).is_err(),
            "one check at a time from it while the name is under attack"
        );
        first.succeeded();
        throttle
            .begin("an", desk)
            .expect("and again after")
            .succeeded();
        // A failure from the desk locks it too.
        throttle.begin("an", desk).unwrap().failed();
        assert!(throttle.begin("an", desk).is_err());
    }

    #[test]
    fn an_address_spraying_names_is_locked() {
        let throttle = Throttle::default();
        let sprayer = ip("2001:db8::1");
        for n in 0..Throttle::MAX_ADDRESS_FAILURES {
            throttle
                .begin(&format!("user{n}"), sprayer)
                .unwrap()
                .failed();
        }
        assert!(
            throttle.begin("someone", ip("2001:db8::2")).is_err(),
            "same /64"
        );
        assert!(throttle.begin("someone", ip("2001:db9::2")).is_ok());
    }

    #[test]
    fn an_unsettled_check_is_forgotten() {
        let throttle = Throttle::default();
        let here = ip("10.0.0.1");
        for _ in 0..10 {
            drop(throttle.begin("an", here).unwrap());
        }
        assert_eq!(throttle.locked_for("an", here), None);
    }
}
