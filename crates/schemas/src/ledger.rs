//! Access ledger events: who did what to which document, and why. The owner of a document sees
//! every event about it. Chaining and storage live in archive-core; this is only the shape.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A document was stored.
    Ingest,
    /// Its metadata (or text) was read.
    ReadMetadata,
    /// Its original bytes were read.
    Download,
    /// A clerk reused it in a dossier.
    Reuse,
    Revoke,
    Supersede,
    /// An attempt that authorization refused.
    Refused,
}

/// Who acted: a user or program of kho, or the local operator at the command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// `cli`, `user` or `token`.
    pub kind: String,
    pub name: String,
    pub role: Option<String>,
    pub agency_code: Option<String>,
}

impl Actor {
    /// The operator running `kho` on the machine that holds the store.
    pub fn local_operator(name: &str) -> Self {
        Actor {
            kind: "cli".into(),
            name: name.into(),
            role: Some("operator".into()),
            agency_code: None,
        }
    }
}

/// What an event says, before the ledger gives it a place (`seq`) and a link (`prev_hash`, `hash`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEvent {
    pub action: Action,
    pub actor: Actor,
    pub doc_id: Option<String>,
    pub owner_id: Option<String>,
    pub dossier_code: Option<String>,
    pub purpose: Option<String>,
    pub detail: Option<String>,
}

/// One entry of the append-only, hash-chained ledger. `hash` is the sha256 of this event's JSON
/// with `hash` set to the empty string; `prev_hash` is the hash of the event before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEvent {
    pub seq: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(flatten)]
    pub event: NewEvent,
    pub prev_hash: String,
    pub hash: String,
}
