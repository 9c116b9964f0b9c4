//! A webhook's POST: the event's JSON, signed with the receiver's secret.
//!
//! `Kho-Signature: t=TIMESTAMP,v1=HEX`, where HEX is the HMAC-SHA256, keyed with the secret's
//! text (its ASCII bytes), of `TIMESTAMP`, a dot and the body's bytes; TIMESTAMP is Unix
//! seconds. A receiver recomputes it over the body it received, compares in constant time, and
//! refuses a timestamp more than five minutes from its clock (a replay). `Idempotency-Key` (and
//! `Kho-Event-Seq`) is the event's sequence number: an event delivered twice (kho stopped after
//! the POST and before its cursor was written) has the same key. docs/api.md, "Webhooks".

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::time::Duration;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Kho-Signature";

/// The value of [`SIGNATURE_HEADER`] for `body` sent at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac(secret, timestamp, body))
    )
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Vec<u8> {
    // An HMAC key may have any length: `new_from_slice` cannot fail for it.
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return Vec::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

/// The receiver's check, as docs/api.md describes it: the header's `v1` is the HMAC of
/// `t.body` under the secret, and `t` is within `tolerance` seconds of `now`.
pub fn signature_holds(secret: &str, header: &str, body: &[u8], now: i64, tolerance: i64) -> bool {
    let mut timestamp = None;
    let mut given = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => given = hex::decode(v).ok(),
            _ => {}
        }
    }
    let (Some(timestamp), Some(given)) = (timestamp, given) else {
        return false;
    };
    if (now - timestamp).abs() > tolerance {
        return false;
    }
    let Ok(mut check) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    check.update(timestamp.to_string().as_bytes());
    check.update(b".");
    check.update(body);
    check.verify_slice(&given).is_ok()
}

/// POSTs one event; `Err` says why it did not count as delivered (anything but a 2xx).
pub(crate) fn post(
    agent: &ureq::Agent,
    url: &str,
    secret: &str,
    seq: u64,
    body: &[u8],
) -> Result<u16, String> {
    let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let answer = agent
        .post(url)
        .set("Content-Type", "application/json")
        .set("User-Agent", concat!("kho/", env!("CARGO_PKG_VERSION")))
        .set("Idempotency-Key", &seq.to_string())
        .set("Kho-Event-Seq", &seq.to_string())
        .set(SIGNATURE_HEADER, &signature(secret, timestamp, body))
        .send_bytes(body);
    match answer {
        Ok(response) if (200..300).contains(&response.status()) => Ok(response.status()),
        Ok(response) => Err(format!("answered {}", response.status())),
        Err(ureq::Error::Status(status, _)) => Err(format!("answered {status}")),
        Err(ureq::Error::Transport(e)) => Err(e.to_string()),
    }
}

/// The agent deliveries use: no redirects (a receiver's address is what the admin gave), and
/// a bound on each request so that a receiver that hangs cannot hold the others.
pub(crate) fn agent(timeout: Duration) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(timeout)
        .redirects(0)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_for_its_body_and_time_only() {
        let body = br#"{"seq":7}"#;
        let header = signature("bí-mật", 1_700_000_000, body);
        assert!(signature_holds("bí-mật", &header, body, 1_700_000_100, 300));
        assert!(!signature_holds("khác", &header, body, 1_700_000_100, 300));
        assert!(!signature_holds(
            "bí-mật",
            &header,
            br#"{"seq":8}"#,
            1_700_000_100,
            300
        ));
        assert!(!signature_holds(
            "bí-mật",
            &header,
            body,
            1_700_001_000,
            300
        ));
        assert!(!signature_holds("bí-mật", "t=1,v1=zz", body, 1, 300));
    }

    /// The header is what docs/api.md's Python check computes: `hmac.new(b"Jefe",
    /// b"1700000000." + body, hashlib.sha256).hexdigest()` (value from Python's hmac).
    #[test]
    fn the_header_is_the_documented_hmac() {
        assert_eq!(
            signature("Jefe", 1_700_000_000, b"what do ya want for nothing?"),
            "t=1700000000,v1=1cdd0650c8be1cb0974b1788d458b1e781206cfef59b85faafc582d2e182c57e"
        );
    }
}
