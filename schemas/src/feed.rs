//! What kho tells other systems and citizens about new events: the one-stop system's event
//! feed and webhooks (the national flags of its dossiers), and the citizen's e-mail address for
//! notifications. Only shapes and rules: reading the ledger and delivering live in
//! archive-core and search-api.
//!
//! A feed event carries what the one-stop system needs to set a dossier's flags and nothing
//! more: the dossier and procedure codes, the document's opaque id and paper type, the agency,
//! the flags. Never the owner's ID or name, the paper's title (it often holds the name), the
//! purpose a clerk typed (free text), or any byte of the document: the one-stop system holds the
//! applicants of its own dossiers, and anything else would be personal data it has no use for.

use crate::messages as m;
use crate::{FieldError, RuleError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A kind of event the feed gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedType {
    /// A clerk reused a stored document in a dossier (the dossier's "reused from the store").
    Reuse,
    /// A document was stored (digitized); with a dossier code, a component of that dossier was
    /// digitized; with a result code, the result was.
    Stored,
    /// A document was revoked: the flags it set may need to be taken back.
    Revoked,
}

impl FeedType {
    pub const ALL: [FeedType; 3] = [FeedType::Reuse, FeedType::Stored, FeedType::Revoked];

    pub fn as_str(self) -> &'static str {
        match self {
            FeedType::Reuse => "reuse",
            FeedType::Stored => "stored",
            FeedType::Revoked => "revoked",
        }
    }

    /// The feed type of a ledger action, if the feed gives it.
    pub fn of_action(action: crate::Action) -> Option<FeedType> {
        match action {
            crate::Action::Reuse => Some(FeedType::Reuse),
            crate::Action::Ingest => Some(FeedType::Stored),
            crate::Action::Revoke => Some(FeedType::Revoked),
            _ => None,
        }
    }

    /// A comma-separated list (`reuse,stored`) as the `types` parameter (or the `--types` flag)
    /// gives it; empty or absent means every type. An unknown name is refused, naming `field`.
    pub fn parse_list(list: Option<&str>, field: &str) -> Result<Vec<FeedType>, FieldError> {
        let Some(list) = list.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(FeedType::ALL.to_vec());
        };
        let mut types = Vec::new();
        for name in list.split(',').map(str::trim) {
            let found = FeedType::ALL
                .into_iter()
                .find(|t| t.as_str().eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    RuleError::new(&m::FEED_TYPE_UNKNOWN)
                        .with("got", format!("{name:?}"))
                        .with("known", "reuse, stored, revoked")
                        .at(field, list)
                })?;
            if !types.contains(&found) {
                types.push(found);
            }
        }
        types.sort();
        Ok(types)
    }

    /// The list written back (`reuse,stored`).
    pub fn list_string(types: &[FeedType]) -> String {
        types
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The `after` cursor as typed: a ledger sequence number, 0 (or absent) for the start.
pub fn parse_feed_after(after: Option<&str>) -> Result<u64, FieldError> {
    match after.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(0),
        Some(raw) => raw.parse::<u64>().map_err(|_| {
            RuleError::new(&m::FEED_AFTER_SHAPE)
                .with("got", format!("{raw:?}"))
                .at("after", raw)
        }),
    }
}

/// One event of the feed (and the body of a webhook's POST): see the module for what it leaves
/// out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedEvent {
    /// The ledger's sequence number: the cursor, and the idempotency key of a webhook.
    pub seq: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(rename = "type")]
    pub kind: FeedType,
    /// The flags of the national system this event sets: `reused_from_store` (a reuse),
    /// `component_digitized` (stored for a dossier), `result_digitized` (a stored result).
    pub flags: Vec<String>,
    /// The document's opaque id (what a clerk reuses by).
    pub doc_id: String,
    /// The paper's type code (`giay_khai_sinh`).
    pub doc_type: String,
    /// The dossier: for a reuse, the dossier it served; otherwise the one the document was
    /// digitized for, if its metadata names one.
    pub dossier_code: Option<String>,
    pub procedure_code: Option<String>,
    /// The result's code (mã kết quả), for a stored result.
    pub result_code: Option<String>,
    /// For a reuse, the clerk's agency; otherwise the issuing agency's code, if known.
    pub agency_code: Option<String>,
}

/// The flag names of [`FeedEvent::flags`].
pub const FLAG_REUSED: &str = "reused_from_store";
pub const FLAG_COMPONENT: &str = "component_digitized";
pub const FLAG_RESULT: &str = "result_digitized";

/// Longest e-mail address accepted (RFC 5321's path limit, less the brackets).
pub const MAX_ADDRESS_CHARS: usize = 254;

/// An e-mail address a citizen is told at: ASCII, one `@`, a local part of at most 64 printable
/// characters without spaces, quotes or brackets, and a domain of dot-separated labels of
/// letters, digits and hyphens with at least one dot. Strict on purpose: it goes into an SMTP
/// command and a mail header, where a line break or a bracket would be an injection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<EmailAddress, RuleError> {
        let address = raw.trim();
        let shape = || RuleError::new(&m::EMAIL_SHAPE).with("got", format!("{address:?}"));
        if address.is_empty() || address.chars().count() > MAX_ADDRESS_CHARS {
            return Err(RuleError::new(&m::EMAIL_LENGTH).with("max", MAX_ADDRESS_CHARS));
        }
        let Some((local, domain)) = address.split_once('@') else {
            return Err(shape());
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return Err(shape());
        }
        Ok(EmailAddress(format!(
            "{local}@{}",
            domain.to_ascii_lowercase()
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Longest webhook receiver name.
pub const MAX_RECEIVER_NAME_CHARS: usize = 64;

/// A webhook receiver's name: 1 to 64 ASCII letters, digits, `-`, `_` or `.` (it is a path
/// segment of the API and a key of the store).
pub fn check_receiver_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.len() <= MAX_RECEIVER_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(name.to_string())
    } else {
        Err(RuleError::new(&m::WEBHOOK_NAME_SHAPE)
            .with("max", MAX_RECEIVER_NAME_CHARS)
            .at("name", name))
    }
}

/// A webhook receiver's address: `http://` or `https://`, a host, no spaces or control
/// characters, at most 2000 characters.
pub fn check_receiver_url(url: &str) -> Result<String, FieldError> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let ok = rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !host.starts_with(':')
    }) && url.len() <= 2000
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(url.to_string())
    } else {
        Err(RuleError::new(&m::WEBHOOK_URL_SHAPE).at("url", url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_parse_as_a_list_and_unknown_names_the_parameter() {
        assert_eq!(
            FeedType::parse_list(Some("revoked, reuse,reuse"), "types").unwrap(),
            [FeedType::Reuse, FeedType::Revoked]
        );
        assert_eq!(FeedType::parse_list(None, "types").unwrap().len(), 3);
        let e = FeedType::parse_list(Some("reuse,read"), "types").unwrap_err();
        assert_eq!(e.field, "types");
        assert!(e.to_string().contains("read"), "{e}");
        assert_eq!(parse_feed_after(Some("12")).unwrap(), 12);
        assert_eq!(parse_feed_after(None).unwrap(), 0);
        assert_eq!(parse_feed_after(Some("-1")).unwrap_err().field, "after");
    }

    #[test]
    fn addresses_are_strict_where_a_header_could_be_injected() {
        assert_eq!(
            EmailAddress::parse(" duc.nguyen+kho@Mail.Example.VN ")
                .unwrap()
                .as_str(),
            "duc.nguyen+kho@mail.example.vn"
        );
        for bad in [
            "",
            "duc",
            "duc@localhost",
            "a b@example.vn",
            "duc@example.vn\r\nBcc: x@y.vn",
            "<duc@example.vn>",
            "đức@example.vn",
            "duc@-example.vn",
            "duc@@example.vn",
            ".duc@example.vn",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn receiver_names_and_urls_are_checked() {
        assert!(check_receiver_name("mot-cua_H47.1").is_ok());
        assert!(check_receiver_name("một cửa").is_err());
        assert!(check_receiver_url("http://127.0.0.1:9000/hook").is_ok());
        assert!(check_receiver_url("https://motcua.example.vn/kho?x=1").is_ok());
        for bad in ["ftp://x", "http://", "http:// x", "motcua.example.vn/hook"] {
            assert!(check_receiver_url(bad).is_err(), "{bad:?}");
        }
    }
}
