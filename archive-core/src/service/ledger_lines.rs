//! An owner's ledger as a person reads it: newest first, one line per request (a search or a
//! list that showed ten documents is one line naming the ten), each document named by its
//! title, filtered by document and by action, paged both ways.

use crate::{Archive, Result};
use schemas::{Action, Caller, LedgerEvent, NewEvent, OwnerId};
use time::OffsetDateTime;

/// Most lines in one page.
pub const MAX_LINES: usize = 200;
/// Most events looked at for one page (filters that match rarely stop here, and the page says
/// there is more).
const MAX_SCANNED: usize = 20_000;
/// Events read from the index at a time.
const BATCH: usize = 256;

/// Which lines: older than event `before`, or newer than event `after` (not both; neither: the
/// newest), at most `limit`, only about `document` and only of `action` if given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinesQuery {
    pub before: Option<u64>,
    pub after: Option<u64>,
    pub limit: usize,
    pub document: Option<String>,
    pub action: Option<Action>,
}

impl LinesQuery {
    /// What a program asked, checked as the other ledger pages are: a `limit` outside 1 to
    /// [`MAX_LINES`] and `before` with `after` are refused, naming the field, instead of being
    /// bent (the web pages, where a hand-edited address asks, keep the limit in range instead).
    pub fn check_asked(&self) -> Result<()> {
        if let Some(outside) = schemas::FieldError::limit_outside(self.limit, MAX_LINES) {
            return Err(outside.into());
        }
        if let (Some(_), Some(after)) = (self.before, self.after) {
            return Err(schemas::RuleError::new(&schemas::messages::LEDGER_CURSORS)
                .at("after", &after.to_string())
                .into());
        }
        Ok(())
    }
}

/// A document as a line names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedDocument {
    pub id: String,
    pub doc_type: String,
    pub title: String,
}

/// One request's events: what they share (actor, action, reason, detail), when, and the
/// documents they were about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLine {
    pub first_seq: u64,
    pub last_seq: u64,
    pub at: OffsetDateTime,
    /// The first event's; its `doc_id` is the first of `documents`.
    pub event: NewEvent,
    pub documents: Vec<NamedDocument>,
}

/// A page of lines, newest first, with the cursors of the pages beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerLines {
    pub lines: Vec<LedgerLine>,
    /// `after=` for the page of newer lines, if there may be one.
    pub newer: Option<u64>,
    /// `before=` for the page of older lines, if there may be one.
    pub older: Option<u64>,
}

/// Whether two events are one request's: everything but the document the same, written at
/// the same instant (one transaction).
fn same_request(a: &LedgerEvent, b: &LedgerEvent) -> bool {
    let strip = |e: &LedgerEvent| NewEvent {
        doc_id: None,
        ..e.event.clone()
    };
    a.at == b.at && strip(a) == strip(b)
}

/// Groups events (in the order given) into lines of one request each.
pub(crate) fn fold(events: Vec<LedgerEvent>) -> Vec<Vec<LedgerEvent>> {
    let mut groups: Vec<Vec<LedgerEvent>> = Vec::new();
    for event in events {
        match groups.last_mut() {
            Some(group) if group.last().is_some_and(|last| same_request(last, &event)) => {
                group.push(event)
            }
            _ => groups.push(vec![event]),
        }
    }
    groups
}

impl Archive {
    /// An owner's ledger in lines (see the module): for the owner, and for admins.
    pub fn owner_ledger_lines(
        &self,
        caller: &Caller,
        owner: &OwnerId,
        query: &LinesQuery,
    ) -> Result<LedgerLines> {
        self.may_see_ledger_of(caller, owner)?;
        let limit = query.limit.clamp(1, MAX_LINES);
        let wanted = |e: &LedgerEvent| {
            query
                .document
                .as_deref()
                .is_none_or(|d| e.event.doc_id.as_deref() == Some(d.trim()))
                && query.action.is_none_or(|a| e.event.action == a)
        };
        let newer_first = query.after.is_none();
        let mut cursor = match query.after {
            Some(after) => after,
            None => query.before.unwrap_or(u64::MAX),
        };
        let mut matched = Vec::new();
        let mut scanned = 0;
        let mut exhausted = false;
        // One group more than asked tells whether there is a next page, and that the last
        // group kept is whole.
        while fold(matched.clone()).len() <= limit {
            let batch = if newer_first {
                self.catalog
                    .events_of_owner_before(owner.as_str(), cursor, BATCH)?
            } else {
                self.catalog
                    .events_of_owner(owner.as_str(), cursor, BATCH)?
            };
            if batch.is_empty() || scanned >= MAX_SCANNED {
                exhausted = batch.is_empty();
                break;
            }
            for event in batch {
                cursor = event.seq;
                scanned += 1;
                if wanted(&event) {
                    matched.push(event);
                }
            }
        }
        let mut groups = fold(matched);
        let more = groups.len() > limit || !exhausted;
        groups.truncate(limit);
        let first = groups.first().and_then(|g| g.first()).map(|e| e.seq);
        let last = groups.last().and_then(|g| g.last()).map(|e| e.seq);
        let (newer, older) = if newer_first {
            (query.before.and(first), if more { last } else { None })
        } else {
            (if more { last } else { None }, first)
        };
        if !newer_first {
            groups.reverse();
            for group in &mut groups {
                group.reverse();
            }
        }
        let lines = groups
            .into_iter()
            .filter_map(|group| self.line_of(group).transpose())
            .collect::<Result<Vec<_>>>()?;
        Ok(LedgerLines {
            lines,
            newer,
            older,
        })
    }

    pub(crate) fn line_of(&self, group: Vec<LedgerEvent>) -> Result<Option<LedgerLine>> {
        let (Some(head), Some(tail)) = (group.first(), group.last()) else {
            return Ok(None);
        };
        let mut documents = Vec::new();
        for event in &group {
            let Some(id) = &event.event.doc_id else {
                continue;
            };
            let named = match self.catalog.get(id)? {
                Some(record) => NamedDocument {
                    id: id.clone(),
                    doc_type: record.metadata.doc_type.clone(),
                    title: record.metadata.title.clone(),
                },
                None => NamedDocument {
                    id: id.clone(),
                    doc_type: String::new(),
                    title: String::new(),
                },
            };
            documents.push(named);
        }
        Ok(Some(LedgerLine {
            first_seq: head.seq.min(tail.seq),
            last_seq: head.seq.max(tail.seq),
            at: head.at,
            event: head.event.clone(),
            documents,
        }))
    }
}
