//! Prometheus metrics, kept by hand (a few counters and one histogram do not need a library):
//! requests by route, method and status; request duration by route; events worth alerting on.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Upper bounds of the duration histogram, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    durations: BTreeMap<String, Histogram>,
    events: BTreeMap<&'static str, u64>,
}

/// Counters named in the `kho_events_total{event=...}` family.
pub mod event {
    /// An attempt the policy refused (counted by the services: [`super::StoreFigures::refused`]).
    pub const REFUSED: &str = "refused";
    pub const LOGIN_FAILED: &str = "login_failed";
    pub const LOGIN_THROTTLED: &str = "login_throttled";
    /// A password checked (argon2) at sign-in, counted as the throttle lets it through.
    pub const LOGIN_PASSWORD_CHECK: &str = "login_password_check";
    pub const UPLOAD_STORED: &str = "upload_stored";
    pub const UPLOAD_DUPLICATE: &str = "upload_duplicate";
    pub const UPLOAD_REJECTED: &str = "upload_rejected";
    /// An original re-hashed by the background fixity check and found sound.
    pub const FIXITY_VERIFIED: &str = "fixity_verified";
    /// An original found damaged or missing by it (once per damage found).
    pub const FIXITY_DAMAGED: &str = "fixity_damaged";
    /// A record this node stored or changed, written to the bucket's journal.
    pub const JOURNAL_PUSHED: &str = "journal_pushed";
    /// A record another node wrote, new or changed here.
    pub const JOURNAL_PULLED: &str = "journal_pulled";
}

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

pub use archive_core::StoreFigures;

impl Metrics {
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        *inner
            .requests
            .entry((route.to_string(), method.to_string(), status))
            .or_insert(0) += 1;
        let h = inner.durations.entry(route.to_string()).or_default();
        h.count += 1;
        h.sum += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
    }

    pub fn count(&self, event: &'static str) {
        self.count_n(event, 1);
    }

    pub fn count_n(&self, event: &'static str, n: u64) {
        if let Ok(mut inner) = self.inner.lock() {
            *inner.events.entry(event).or_insert(0) += n;
        }
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn render(&self, store: &StoreFigures) -> String {
        let mut out = String::new();
        let Ok(inner) = self.inner.lock() else {
            return out;
        };
        let _ = writeln!(
            out,
            "# HELP kho_http_requests_total HTTP requests answered."
        );
        let _ = writeln!(out, "# TYPE kho_http_requests_total counter");
        for ((route, method, status), n) in &inner.requests {
            let _ = writeln!(
                out,
                "kho_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        let _ = writeln!(
            out,
            "# HELP kho_http_request_duration_seconds Time to answer."
        );
        let _ = writeln!(out, "# TYPE kho_http_request_duration_seconds histogram");
        for (route, h) in &inner.durations {
            let route = escape(route);
            for (bound, n) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "kho_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "kho_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "kho_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "kho_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP kho_events_total Refusals, logins, uploads and background fixity checks."
        );
        let _ = writeln!(out, "# TYPE kho_events_total counter");
        // Refusals are counted by the services that make them (in the store's figures).
        let mut events = inner.events.clone();
        if store.refused > 0 {
            *events.entry(event::REFUSED).or_insert(0) += store.refused;
        }
        for (event, n) in &events {
            let _ = writeln!(out, "kho_events_total{{event=\"{event}\"}} {n}");
        }
        for (name, help, value) in [
            (
                "kho_documents",
                "Records in the catalogue.",
                store.documents,
            ),
            (
                "kho_index_pending",
                "Catalogue changes not yet in the search index.",
                store.index_pending,
            ),
            (
                "kho_ledger_events",
                "Events in the access ledger.",
                store.ledger_events,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} gauge");
            let _ = writeln!(out, "{name} {value}");
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.observe("/api/v1/health", "GET", 200, 0.002);
        m.observe("/api/v1/health", "GET", 200, 0.2);
        let text = m.render(&StoreFigures {
            documents: 3,
            index_pending: 0,
            ledger_events: 7,
            refused: 1,
        });
        assert!(text.contains(
            "kho_http_requests_total{route=\"/api/v1/health\",method=\"GET\",status=\"200\"} 2"
        ));
        assert!(text.contains("le=\"0.0025\"} 1"), "{text}");
        assert!(text.contains("le=\"0.25\"} 2"));
        assert!(text.contains("le=\"+Inf\"} 2"));
        assert!(text.contains("kho_events_total{event=\"refused\"} 1"));
        assert!(text.contains("kho_documents 3"));
    }
}
