//! Delivery state of what kho pushes out: the webhook receivers of the event feed, one cursor
//! per delivery channel over the ledger's sequence numbers, and the addresses citizens are
//! told at. The ledger is only read (`Catalog::events_after`); a channel's whole state is its
//! cursor, written and flushed after each delivered event, so a restart of kho resumes each
//! channel at the first event it had not delivered (at least once; the event's `seq` is the
//! idempotency key that makes it once for the receiver).
//!
//! Trees: `webhooks` (receiver name -> [`WebhookReceiver`]), `delivery_cursors` (channel key
//! `webhook:NAME` or `mail` -> [`DeliveryCursor`]), `notify_addresses` (owner ID ->
//! [`NotifyAddress`]), all JSON.

use crate::archive::Archive;
use crate::catalog::codec::{decode, encode};
use crate::{ArchiveError, Result};
use schemas::{EmailAddress, FeedType};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

const WEBHOOKS: &str = "webhooks";
const CURSORS: &str = "delivery_cursors";
const ADDRESSES: &str = "notify_addresses";

/// A system that receives the feed's events by POST, signed with its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookReceiver {
    pub name: String,
    pub url: String,
    /// The HMAC-SHA256 key of its signatures (hex of 32 random bytes): kho must keep it to sign,
    /// so it is stored as given, unlike tokens; it is shown once, when the receiver is added.
    pub secret: String,
    pub types: Vec<FeedType>,
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
    pub added_by: String,
}

/// Where a channel is in the ledger, and how its last attempts went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryCursor {
    /// Every event up to this sequence number is delivered (or not for this channel).
    pub after: u64,
    /// Failed attempts at the event after `after`, since the last success.
    pub attempts: u32,
    /// Not before this instant (backoff after a failure).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_try: Option<OffsetDateTime>,
    pub last_error: Option<String>,
    /// Events delivered since the channel began.
    pub delivered: u64,
    /// Events up to this sequence number are in their owners' ledgers as sent to this channel
    /// (an event is ledgered once, before its first attempt, not at each retry).
    #[serde(default)]
    pub ledgered_through: u64,
}

/// A delivery channel: a webhook receiver, or the e-mail relay to citizens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    Webhook(String),
    Mail,
}

impl Channel {
    fn key(&self) -> String {
        match self {
            Channel::Webhook(name) => format!("webhook:{name}"),
            Channel::Mail => "mail".into(),
        }
    }
}

/// The address an owner is told at, and from which event on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyAddress {
    pub address: EmailAddress,
    /// Events after this one are told (the ledger's head when the address was set: no mail
    /// about the past).
    pub since: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub set_at: OffsetDateTime,
}

impl Archive {
    fn delivery_err(&self) -> impl Fn(sled::Error) -> ArchiveError + '_ {
        |source| ArchiveError::Catalog {
            path: self.root().join("catalog"),
            source,
        }
    }

    /// The sequence number of the ledger's last event (0 when empty).
    pub fn ledger_head(&self) -> u64 {
        self.catalog.ledger_len() as u64
    }

    /// A channel's cursor; a channel never seen starts at the ledger's head (it tells what
    /// happens from now on), and that start is written at once: read again later, it must not
    /// move to a newer head and skip what happened in between.
    pub fn delivery_cursor(&self, channel: &Channel) -> Result<DeliveryCursor> {
        let tree = self.catalog.named_tree(CURSORS)?;
        match tree.get(channel.key()).map_err(self.delivery_err())? {
            Some(bytes) => decode(&format!("delivery cursor {}", channel.key()), &bytes),
            None => {
                let start = DeliveryCursor {
                    after: self.ledger_head(),
                    ..DeliveryCursor::default()
                };
                self.save_delivery_cursor(channel, &start)?;
                Ok(start)
            }
        }
    }

    /// Writes a channel's cursor and makes it durable before returning: a delivery counted
    /// here is never repeated after a restart.
    pub fn save_delivery_cursor(&self, channel: &Channel, cursor: &DeliveryCursor) -> Result<()> {
        let tree = self.catalog.named_tree(CURSORS)?;
        tree.insert(channel.key(), encode(cursor)?)
            .map_err(self.delivery_err())?;
        self.catalog.flush()
    }

    pub(crate) fn webhook_receiver(&self, name: &str) -> Result<Option<WebhookReceiver>> {
        let tree = self.catalog.named_tree(WEBHOOKS)?;
        match tree.get(name).map_err(self.delivery_err())? {
            Some(bytes) => decode(&format!("webhook {name}"), &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Every webhook receiver with its secret: for the deliverer, which signs with it (the
    /// service [`Archive::webhooks`] is what people list them by).
    pub fn webhook_receivers(&self) -> Result<Vec<WebhookReceiver>> {
        let tree = self.catalog.named_tree(WEBHOOKS)?;
        tree.iter()
            .map(|item| {
                let (key, bytes) = item.map_err(self.delivery_err())?;
                decode(
                    &format!("webhook {}", String::from_utf8_lossy(&key)),
                    &bytes,
                )
            })
            .collect()
    }

    pub(crate) fn put_webhook_receiver(
        &self,
        receiver: &WebhookReceiver,
        cursor: &DeliveryCursor,
    ) -> Result<()> {
        let webhooks = self.catalog.named_tree(WEBHOOKS)?;
        let cursors = self.catalog.named_tree(CURSORS)?;
        let channel = Channel::Webhook(receiver.name.clone());
        cursors
            .insert(channel.key(), encode(cursor)?)
            .map_err(self.delivery_err())?;
        webhooks
            .insert(receiver.name.as_bytes(), encode(receiver)?)
            .map_err(self.delivery_err())?;
        self.catalog.flush()
    }

    pub(crate) fn delete_webhook_receiver(&self, name: &str) -> Result<bool> {
        let webhooks = self.catalog.named_tree(WEBHOOKS)?;
        let cursors = self.catalog.named_tree(CURSORS)?;
        let removed = webhooks
            .remove(name)
            .map_err(self.delivery_err())?
            .is_some();
        cursors
            .remove(Channel::Webhook(name.to_string()).key())
            .map_err(self.delivery_err())?;
        self.catalog.flush()?;
        Ok(removed)
    }

    pub(crate) fn stored_notify_address(&self, owner: &str) -> Result<Option<NotifyAddress>> {
        let tree = self.catalog.named_tree(ADDRESSES)?;
        match tree.get(owner).map_err(self.delivery_err())? {
            Some(bytes) => decode(&format!("notification address of {owner}"), &bytes).map(Some),
            None => Ok(None),
        }
    }

    pub(crate) fn put_notify_address(
        &self,
        owner: &str,
        address: Option<&NotifyAddress>,
    ) -> Result<()> {
        let tree = self.catalog.named_tree(ADDRESSES)?;
        match address {
            Some(address) => tree
                .insert(owner, encode(address)?)
                .map_err(self.delivery_err())?,
            None => tree.remove(owner).map_err(self.delivery_err())?,
        };
        self.catalog.flush()
    }
}

/// A new receiver's secret: 32 random bytes, hex.
pub(crate) fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ArchiveError::Damaged {
        key: "webhook secret".into(),
        detail: format!("no system randomness: {e}"),
    })?;
    Ok(hex::encode(bytes))
}
