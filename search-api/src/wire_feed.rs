//! Wire types of the event feed and its webhooks (`/api/v1/events`, `/api/v1/webhooks`). The
//! event JSON is the same in a feed page and in a webhook's POST body ([`FeedEventView`]).

use schemas::FeedEvent;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

/// One event for the one-stop system: what sets its dossiers' national flags. No owner ID or
/// name, no title, no purpose, no document bytes (docs/api.md, "Event feed").
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeedEventView {
    /// The ledger's sequence number: the cursor, and a webhook's idempotency key.
    pub seq: u64,
    /// When it happened (RFC 3339).
    pub at: String,
    /// `reuse`, `stored` or `revoked`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `reused_from_store`, `component_digitized`, `result_digitized`.
    pub flags: Vec<String>,
    pub doc_id: String,
    /// The paper's type code.
    pub doc_type: String,
    pub dossier_code: Option<String>,
    pub procedure_code: Option<String>,
    pub result_code: Option<String>,
    /// A reuse: the clerk's agency; otherwise the issuing agency's code.
    pub agency_code: Option<String>,
}

impl From<&FeedEvent> for FeedEventView {
    fn from(e: &FeedEvent) -> Self {
        FeedEventView {
            seq: e.seq,
            at: rfc3339(e.at),
            kind: e.kind.as_str().to_string(),
            flags: e.flags.clone(),
            doc_id: e.doc_id.clone(),
            doc_type: e.doc_type.clone(),
            dossier_code: e.dossier_code.clone(),
            procedure_code: e.procedure_code.clone(),
            result_code: e.result_code.clone(),
            agency_code: e.agency_code.clone(),
        }
    }
}

pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A page of the feed, oldest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedPageView {
    pub events: Vec<FeedEventView>,
    /// `after=` for the next page: the last event looked at (events of other types are
    /// skipped, so it may be past the last one given). Keep it even when `events` is empty.
    pub next: u64,
    /// Whether more events were already there when this page was read.
    pub more: bool,
}

/// The feed's query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Events after this ledger sequence number (default 0: from the first).
    pub after: Option<String>,
    /// Comma-separated: `reuse`, `stored`, `revoked` (default all three).
    pub types: Option<String>,
    /// Events per page, 1 to 500 (default 100).
    pub limit: Option<String>,
}

/// A webhook receiver to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WebhookRequest {
    /// 1 to 64 of `A-Z a-z 0-9 - _ .`.
    pub name: String,
    /// `http://` or `https://` address kho POSTs each event to.
    pub url: String,
    /// Comma-separated event types (default all).
    pub types: Option<String>,
    /// Deliver events after this sequence number (default: the ledger's head, i.e. only new
    /// events; 0 for the whole history).
    pub after: Option<u64>,
}

/// A receiver just added: its secret is shown this once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookCreated {
    pub name: String,
    pub url: String,
    pub types: Vec<String>,
    /// The HMAC-SHA256 key of the `Kho-Signature` header (hex). Shown once.
    pub secret: String,
    pub after: u64,
}

/// A receiver and how its deliveries go.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookView {
    pub name: String,
    pub url: String,
    pub types: Vec<String>,
    pub added_at: String,
    pub added_by: String,
    /// Every event up to this sequence number is delivered.
    pub delivered_through: u64,
    pub delivered: u64,
    /// Failed attempts at the next event since the last success.
    pub attempts: u32,
    pub next_try: Option<String>,
    pub last_error: Option<String>,
}

impl From<&archive_core::service::WebhookState> for WebhookView {
    fn from(w: &archive_core::service::WebhookState) -> Self {
        WebhookView {
            name: w.name.clone(),
            url: w.url.clone(),
            types: w.types.iter().map(|t| t.as_str().to_string()).collect(),
            added_at: rfc3339(w.added_at),
            added_by: w.added_by.clone(),
            delivered_through: w.cursor.after,
            delivered: w.cursor.delivered,
            attempts: w.cursor.attempts,
            next_try: w.cursor.next_try.map(rfc3339),
            last_error: w.cursor.last_error.clone(),
        }
    }
}

/// The webhook receivers.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WebhookList {
    pub webhooks: Vec<WebhookView>,
}
