//! The event feed for the one-stop system (`GET /api/v1/events`), its webhook receivers, and
//! the citizens' e-mail notifications: what each channel is told, and who may configure it.
//!
//! The feed is read in the ledger's own order (its global sequence numbers), so a cursor is a
//! sequence number and nothing is ever reordered or skipped. Each page names owners' documents,
//! so it is ledgered: one `events_sent` event per owner per page (per batch for a webhook),
//! naming the events by sequence number, with the reader as actor (the intake token, or
//! `webhook:NAME`). Those events are not of the feed's types: the feed never feeds itself.
//!
//! A citizen's notifications are the citizen's own ledger told to the citizen (the same lines
//! as `/my/activity`): not a read on someone else's behalf, so not ledgered, as the citizen
//! reading their own activity is not.

use super::ledger_lines::{fold, LedgerLine};
use super::Aim;
use crate::delivery::{new_secret, Channel, DeliveryCursor, NotifyAddress, WebhookReceiver};
use crate::{Archive, ArchiveError, Result};
use schemas::feed::{FLAG_COMPONENT, FLAG_RESULT, FLAG_REUSED};
use schemas::policy::{Act, Refusal};
use schemas::{Action, Actor, Caller, EmailAddress, FeedEvent, FeedType, LedgerEvent, NewEvent};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// Most events in one page of the feed.
pub const MAX_FEED_PAGE: usize = 500;
/// Most ledger events looked at for one page: a page of a rare type stops here, and its `next`
/// cursor moves past what was looked at, so no request walks the whole ledger.
const MAX_FEED_SCAN: usize = 20_000;
const SCAN_BATCH: usize = 512;

/// Which events: after sequence number `after`, of `types`, at most `limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedQuery {
    pub after: u64,
    pub types: Vec<FeedType>,
    pub limit: usize,
}

/// A page of the feed, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPage {
    pub events: Vec<FeedEvent>,
    /// The cursor of the next page (`after=`): the last event looked at, which may be past
    /// the last one given (events of other types are skipped).
    pub next: u64,
    /// Whether the ledger held more events past `next` when this page was read.
    pub more: bool,
}

/// One line of a citizen's activity to be mailed, and where to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub owner: String,
    pub address: EmailAddress,
    pub line: LedgerLine,
}

/// A page of notices; `next` is the channel's cursor once they are all sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePage {
    pub notices: Vec<Notice>,
    pub next: u64,
}

/// A webhook receiver as listed (no secret) with its delivery state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookState {
    pub name: String,
    pub url: String,
    pub types: Vec<FeedType>,
    pub added_at: OffsetDateTime,
    pub added_by: String,
    pub cursor: DeliveryCursor,
}

/// A feed event made from a ledger event, with the owner it concerns (for the ledger).
struct Told {
    event: FeedEvent,
    owner: Option<String>,
}

impl Archive {
    /// A page of the event feed for the one-stop system (role `intake`). Ledgered before it
    /// is returned: one `events_sent` event per owner whose documents the page names.
    pub fn events_feed(&self, caller: &Caller, query: &FeedQuery) -> Result<FeedPage> {
        self.authorize_aimed(caller, Act::ReadEvents, Aim::Nothing, "read the event feed")?;
        let (told, next, more) = self.feed_scan(query.after, &query.types, query.limit)?;
        self.log(&sent_events(caller.actor(), &told, 0))?;
        Ok(FeedPage {
            events: told.into_iter().map(|t| t.event).collect(),
            next,
            more,
        })
    }

    /// The next events for webhook receiver `name`, after its cursor: for the deliverer, which
    /// POSTs them in order and moves the cursor. Events not yet in their owners' ledgers as
    /// sent to this receiver are written there first (once: retries do not add events).
    /// `None` when the receiver was removed.
    pub fn webhook_batch(
        &self,
        name: &str,
        limit: usize,
    ) -> Result<Option<(WebhookReceiver, DeliveryCursor, FeedPage)>> {
        let Some(receiver) = self.webhook_receiver(name)? else {
            return Ok(None);
        };
        let channel = Channel::Webhook(name.to_string());
        let mut cursor = self.delivery_cursor(&channel)?;
        let (told, next, more) = self.feed_scan(cursor.after, &receiver.types, limit)?;
        let actor = Actor {
            kind: "webhook".into(),
            name: receiver.name.clone(),
            role: Some(schemas::Role::Intake.as_str().into()),
            agency_code: None,
            made_by: Some(receiver.added_by.clone()),
        };
        let unledgered = sent_events(&actor, &told, cursor.ledgered_through);
        if !unledgered.is_empty() {
            self.log(&unledgered)?;
        }
        if let Some(last) = told.last() {
            if last.event.seq > cursor.ledgered_through {
                cursor.ledgered_through = last.event.seq;
                self.save_delivery_cursor(&channel, &cursor)?;
            }
        }
        let page = FeedPage {
            events: told.into_iter().map(|t| t.event).collect(),
            next,
            more,
        };
        Ok(Some((receiver, cursor, page)))
    }

    /// Events after `after` of `types`, at most `limit`, looking at no more than
    /// [`MAX_FEED_SCAN`] ledger events.
    fn feed_scan(
        &self,
        after: u64,
        types: &[FeedType],
        limit: usize,
    ) -> Result<(Vec<Told>, u64, bool)> {
        let limit = limit.clamp(1, MAX_FEED_PAGE);
        let mut told = Vec::new();
        let mut cursor = after;
        let mut scanned = 0;
        loop {
            let batch = self.catalog.events_after(cursor, SCAN_BATCH)?;
            if batch.is_empty() {
                return Ok((told, cursor, false));
            }
            for event in batch {
                if told.len() == limit || scanned == MAX_FEED_SCAN {
                    return Ok((told, cursor, true));
                }
                scanned += 1;
                cursor = event.seq;
                let Some(kind) = FeedType::of_action(event.event.action) else {
                    continue;
                };
                if types.contains(&kind) {
                    told.push(self.feed_event(kind, &event)?);
                }
            }
        }
    }

    fn feed_event(&self, kind: FeedType, event: &LedgerEvent) -> Result<Told> {
        let doc_id = event.event.doc_id.clone().unwrap_or_default();
        let record = self.catalog.get(&doc_id)?;
        let metadata = record.as_ref().map(|r| &r.metadata);
        let from_record =
            |f: fn(&schemas::DocumentMetadata) -> Option<String>| metadata.and_then(f);
        let mut flags = Vec::new();
        let (dossier_code, procedure_code, result_code, agency_code) = match kind {
            FeedType::Reuse => {
                flags.push(FLAG_REUSED.to_string());
                (
                    event.event.dossier_code.clone(),
                    event.event.procedure_code.clone(),
                    None,
                    event.event.actor.agency_code.clone(),
                )
            }
            FeedType::Stored | FeedType::Revoked => {
                let dossier = from_record(|m| m.dossier_code.as_ref().map(|c| c.to_string()));
                let result = from_record(|m| m.result_code.as_ref().map(|c| c.to_string()));
                if kind == FeedType::Stored {
                    if dossier.is_some() {
                        flags.push(FLAG_COMPONENT.to_string());
                    }
                    if result.is_some() {
                        flags.push(FLAG_RESULT.to_string());
                    }
                }
                (
                    dossier,
                    from_record(|m| m.procedure_code.as_ref().map(|c| c.to_string())),
                    result,
                    from_record(|m| m.issuer_code.as_ref().map(|c| c.as_str().to_string())),
                )
            }
        };
        Ok(Told {
            event: FeedEvent {
                seq: event.seq,
                at: event.at,
                kind,
                flags,
                doc_id,
                doc_type: metadata.map(|m| m.doc_type.clone()).unwrap_or_default(),
                dossier_code,
                procedure_code,
                result_code,
                agency_code,
            },
            owner: event.event.owner_id.clone(),
        })
    }

    /// Adds a webhook receiver (admins, and the operator at the console). Its cursor starts
    /// after event `after` (default: the ledger's head, so it is told what happens from now
    /// on). The secret is made here and returned once. An audit-trail event says who added it.
    pub fn add_webhook(
        &self,
        caller: &Caller,
        name: &str,
        url: &str,
        types: Vec<FeedType>,
        after: Option<u64>,
    ) -> Result<WebhookReceiver> {
        let attempt = format!("add webhook receiver {name}");
        self.authorize_aimed(caller, Act::ManageWebhooks, Aim::Nothing, &attempt)?;
        let name = schemas::feed::check_receiver_name(name)?;
        let url = schemas::feed::check_receiver_url(url)?;
        if self.webhook_receiver(&name)?.is_some() {
            return Err(ArchiveError::Conflict(
                schemas::Message::new(&schemas::messages::CONFLICT_WEBHOOK_EXISTS)
                    .with("name", &name),
            ));
        }
        let types = if types.is_empty() {
            FeedType::ALL.to_vec()
        } else {
            types
        };
        let receiver = WebhookReceiver {
            name: name.clone(),
            url: url.clone(),
            secret: new_secret()?,
            types: types.clone(),
            added_at: OffsetDateTime::now_utc(),
            added_by: caller.actor().name.clone(),
        };
        let start = after.unwrap_or_else(|| self.ledger_head());
        let cursor = DeliveryCursor {
            after: start,
            ledgered_through: start,
            ..DeliveryCursor::default()
        };
        self.put_webhook_receiver(&receiver, &cursor)?;
        let mut event = NewEvent::new(Action::Account, caller.actor());
        event.detail = Some(format!(
            "webhook receiver {name} added: {url}, types {}, after event {start}",
            FeedType::list_string(&types)
        ));
        self.log(&[event])?;
        Ok(receiver)
    }

    /// The webhook receivers (without their secrets) and where each is.
    pub fn webhooks(&self, caller: &Caller) -> Result<Vec<WebhookState>> {
        self.authorize_aimed(
            caller,
            Act::ManageWebhooks,
            Aim::Nothing,
            "list webhook receivers",
        )?;
        self.webhook_receivers()?
            .into_iter()
            .map(|r| {
                let cursor = self.delivery_cursor(&Channel::Webhook(r.name.clone()))?;
                Ok(WebhookState {
                    name: r.name,
                    url: r.url,
                    types: r.types,
                    added_at: r.added_at,
                    added_by: r.added_by,
                    cursor,
                })
            })
            .collect()
    }

    /// Removes a webhook receiver and its cursor.
    pub fn remove_webhook(&self, caller: &Caller, name: &str) -> Result<()> {
        let attempt = format!("remove webhook receiver {}", name.trim());
        self.authorize_aimed(caller, Act::ManageWebhooks, Aim::Nothing, &attempt)?;
        if !self.delete_webhook_receiver(name.trim())? {
            return Err(ArchiveError::NoWebhook(name.trim().to_string()));
        }
        let mut event = NewEvent::new(Action::Account, caller.actor());
        event.detail = Some(format!("webhook receiver {} removed", name.trim()));
        self.log(&[event]).map(|_| ())
    }

    /// The caller's own notification address (citizens).
    pub fn notify_address(&self, caller: &Caller) -> Result<Option<NotifyAddress>> {
        let owner = self.own_owner(caller, "read the notification address")?;
        self.stored_notify_address(&owner)
    }

    /// Sets (or, with `None`, clears) the caller's notification address. Only events after
    /// this moment are mailed to it.
    pub fn set_notify_address(
        &self,
        caller: &Caller,
        address: Option<EmailAddress>,
    ) -> Result<Option<NotifyAddress>> {
        let owner = self.own_owner(caller, "set the notification address")?;
        let stored = address.map(|address| NotifyAddress {
            address,
            since: self.ledger_head(),
            set_at: OffsetDateTime::now_utc(),
        });
        self.put_notify_address(&owner, stored.as_ref())?;
        Ok(stored)
    }

    fn own_owner(&self, caller: &Caller, attempt: &str) -> Result<String> {
        self.authorize_aimed(caller, Act::SetNotifications, Aim::Nothing, attempt)?;
        caller.principal().owner_id.clone().ok_or_else(|| {
            ArchiveError::Refused(Refusal::Role {
                role: caller.role(),
                act: Act::SetNotifications,
            })
        })
    }

    /// The activity lines to mail after event `after`, for owners with a notification address
    /// (events after the address was set), at most `limit` lines, looking at no more than
    /// [`MAX_FEED_SCAN`] events. Not the owner's own acts (a share they made) and not
    /// `events_sent` (bookkeeping the citizen can read on `/my/ledger`). For the relay: kho's
    /// own background work, which tells each owner only their own ledger.
    pub fn pending_notices(&self, after: u64, limit: usize) -> Result<NoticePage> {
        let mut cursor = after;
        let mut scanned = 0;
        let mut wanted: Vec<LedgerEvent> = Vec::new();
        let mut addresses: BTreeMap<String, Option<NotifyAddress>> = BTreeMap::new();
        'scan: loop {
            let batch = self.catalog.events_after(cursor, SCAN_BATCH)?;
            if batch.is_empty() {
                break;
            }
            for event in batch {
                // Lines are whole requests: stop only between two of them.
                let ends_line = wanted.last().is_none_or(|last| last.at != event.at);
                if ends_line && (wanted.len() >= limit || scanned >= MAX_FEED_SCAN) {
                    break 'scan;
                }
                scanned += 1;
                cursor = event.seq;
                let Some(owner) = event.event.owner_id.clone() else {
                    continue;
                };
                if event.event.action == Action::EventsSent
                    || event.event.actor.role.as_deref() == Some("citizen")
                {
                    continue;
                }
                let address = match addresses.get(&owner) {
                    Some(known) => known.clone(),
                    None => {
                        let found = self.stored_notify_address(&owner)?;
                        addresses.insert(owner.clone(), found.clone());
                        found
                    }
                };
                if address.is_some_and(|a| event.seq > a.since) {
                    wanted.push(event);
                }
            }
        }
        let mut by_owner: Vec<(String, Vec<LedgerEvent>)> = Vec::new();
        for group in fold(wanted) {
            let owner = group
                .first()
                .and_then(|e| e.event.owner_id.clone())
                .unwrap_or_default();
            by_owner.push((owner, group));
        }
        let mut notices = Vec::new();
        for (owner, group) in by_owner {
            let Some(Some(address)) = addresses.get(&owner) else {
                continue;
            };
            if let Some(line) = self.line_of(group)? {
                notices.push(Notice {
                    owner,
                    address: address.address.clone(),
                    line,
                });
            }
        }
        Ok(NoticePage {
            notices,
            next: cursor,
        })
    }
}

/// The `events_sent` events for what was told: one per owner, naming the events after
/// `already` (those before were ledgered for this reader before).
fn sent_events(actor: &Actor, told: &[Told], already: u64) -> Vec<NewEvent> {
    let mut by_owner: BTreeMap<&str, Vec<&FeedEvent>> = BTreeMap::new();
    for t in told.iter().filter(|t| t.event.seq > already) {
        if let Some(owner) = &t.owner {
            by_owner.entry(owner).or_default().push(&t.event);
        }
    }
    by_owner
        .into_iter()
        .map(|(owner, events)| {
            let mut event = NewEvent::new(Action::EventsSent, actor);
            event.owner_id = Some(owner.to_string());
            event.detail = Some(format!(
                "told of events {}",
                events
                    .iter()
                    .map(|e| format!("{} ({} {})", e.seq, e.kind.as_str(), e.doc_id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            event
        })
        .collect()
}
