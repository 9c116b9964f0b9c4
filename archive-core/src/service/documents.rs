//! One document on someone's behalf: its metadata and history, its original (whole or a range),
//! its page previews, its reuses, a reuse in a dossier, and its ledger.

use super::{event_about, Aim, LedgerEvents, LedgerPage, Reached};
use crate::fixity::FixityCheck;
use crate::{Archive, ArchiveError, Result, VerifyingReader};
use schemas::messages::{self as m, Message};
use schemas::places::agency::AgencySuccession;
use schemas::policy::{self, Act, Refusal};
use schemas::{
    AccessReason, Action, Caller, CertifiedCopy, DocumentRecord, DocumentText, Format, LedgerEvent,
    RuleError,
};
use std::io::Read;

/// A document as a reader sees it: the record, what happened to it (stored, revoked,
/// superseded, re-extracted) and the last background check of its original, and the certified
/// copies issued of it. Only
/// [`Archive::read_document`] makes one, after the read is in the ledger.
#[derive(Debug, Clone)]
pub struct Document {
    record: DocumentRecord,
    history: Vec<LedgerEvent>,
    reuses: Vec<LedgerEvent>,
    fixity: Option<FixityCheck>,
    certified_copies: Vec<CertifiedCopy>,
    issuer_today: Option<AgencySuccession>,
}

/// A reuse recorded: the document, the ledger event, and the first reuse of the same document in
/// the same dossier if there was one.
#[derive(Debug, Clone)]
pub struct Reused {
    record: DocumentRecord,
    event: LedgerEvent,
    earlier_in_dossier: Option<LedgerEvent>,
}

impl Reused {
    pub fn record(&self) -> &DocumentRecord {
        &self.record
    }

    pub fn event(&self) -> &LedgerEvent {
        &self.event
    }

    /// The first reuse of this document in the same dossier, when this one is not the first.
    pub fn earlier_in_dossier(&self) -> Option<&LedgerEvent> {
        self.earlier_in_dossier.as_ref()
    }
}

impl Document {
    pub fn record(&self) -> &DocumentRecord {
        &self.record
    }

    pub fn history(&self) -> &[LedgerEvent] {
        &self.history
    }

    /// The dossiers that reused it, oldest first (what the owner sees too).
    pub fn reuses(&self) -> &[LedgerEvent] {
        &self.reuses
    }

    pub fn fixity(&self) -> Option<&FixityCheck> {
        self.fixity.as_ref()
    }

    /// The certified copies issued of it, oldest first.
    pub fn certified_copies(&self) -> &[CertifiedCopy] {
        &self.certified_copies
    }

    /// For a paper of an agency of a unit before 1 July 2025: what that unit is today.
    pub fn issuer_today(&self) -> Option<&AgencySuccession> {
        self.issuer_today.as_ref()
    }
}

/// Leave to open a document's original: its caller may read it, for the reason given. It tells
/// nothing about the original; everything an answer needs (size, hash, name), and the read
/// itself with its ledger event, comes from [`Archive::open_original`], whatever the answer
/// (bytes, a part, "not modified", a range outside the file). Only [`Archive::original_access`]
/// makes one.
#[derive(Debug, Clone)]
pub struct OriginalAccess {
    record: DocumentRecord,
    caller: Caller,
    reason: AccessReason,
}

impl OriginalAccess {
    /// The id asked for (what the caller already knows).
    pub fn id(&self) -> &str {
        &self.record.id
    }
}

/// Bytes `first` to `last` of an original, both included (an HTTP `Range`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub first: u64,
    pub last: u64,
}

impl ByteRange {
    pub fn len(&self) -> u64 {
        self.last.saturating_sub(self.first).saturating_add(1)
    }

    /// Never: a range holds at least its first byte.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// A part of an original as asked for, before its size is known (`a-b`, `a-`, `-n`, or words
/// that are none of these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeAsked {
    /// From byte `first` to `last` (to the end when absent), both included.
    From { first: u64, last: Option<u64> },
    /// The last `n` bytes.
    Suffix(u64),
    /// A range that cannot be read (the text as given).
    Malformed(String),
}

impl RangeAsked {
    /// The bytes this asks for in a file of `size` bytes, or `None` when none of them exist.
    pub fn resolve(&self, size: u64) -> Option<ByteRange> {
        let (first, last) = match *self {
            RangeAsked::Suffix(n) => {
                if n == 0 || size == 0 {
                    return None;
                }
                (size.saturating_sub(n), size - 1)
            }
            RangeAsked::From { first, last } => {
                let last = last.unwrap_or(u64::MAX).min(size.saturating_sub(1));
                if first >= size || last < first {
                    return None;
                }
                (first, last)
            }
            RangeAsked::Malformed(_) => return None,
        };
        Some(ByteRange { first, last })
    }

    fn words(&self) -> String {
        match self {
            RangeAsked::From {
                first,
                last: Some(last),
            } => format!("bytes {first}-{last}"),
            RangeAsked::From { first, last: None } => format!("bytes {first}-"),
            RangeAsked::Suffix(n) => format!("the last {n} bytes"),
            RangeAsked::Malformed(text) => format!("{text:?}"),
        }
    }
}

/// What a caller asks of an original: the hashes of copies they already hold (an HTTP
/// `If-None-Match`; `*` for any), and a part of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginalRequest {
    pub held: Vec<String>,
    pub range: Option<RangeAsked>,
}

/// An original's facts, told with every answer about it (after its event).
#[derive(Debug, Clone)]
pub struct OriginalFacts {
    pub id: String,
    pub sha256: String,
    pub size: u64,
    pub format: Format,
    /// The name to save it under: the file name it was stored from, else `ID.EXT`.
    pub file_name: String,
}

/// The answer to an [`OriginalRequest`], each kind ledgered before it is returned.
pub enum OriginalAnswer {
    /// The caller already holds these bytes (`download`, "not modified").
    NotModified,
    /// The part asked for is outside the file (`read_metadata`: its size was told).
    Unsatisfiable,
    /// The bytes (all, re-hashed as read, or `range`) (`download`).
    Bytes {
        reader: Box<dyn Read + Send>,
        range: Option<ByteRange>,
    },
}

impl Archive {
    /// A document's record, history and fixity for `caller`; the read is in the ledger before
    /// the document is returned.
    pub fn read_document(
        &self,
        caller: &Caller,
        id: &str,
        reason: &AccessReason,
    ) -> Result<Document> {
        let Reached { record, reason } = self.readable(caller, id, reason, "read metadata")?;
        let reason = &reason;
        self.log_reads(std::slice::from_ref(&record), caller, reason, None)?;
        Ok(Document {
            history: self.catalog.history_of_doc(&record.id)?,
            reuses: self.catalog.reuses_of_doc(&record.id)?,
            fixity: self.fixity_of(&record.sha256)?,
            certified_copies: self.certified_copies_of(&record.id)?,
            issuer_today: self.issuer_today_of(&record),
            record,
        })
    }

    /// The page texts of a document read with [`Archive::read_document`] (its read is the
    /// ledger event that covers them).
    pub fn document_text(&self, document: &Document) -> Result<Option<DocumentText>> {
        self.text_of(&document.record.sha256)
    }

    /// Leave to open a document's original, for `caller`: decided (refusals ledgered), not yet
    /// read (nothing ledgered for the read until [`Archive::open_original`]).
    pub fn original_access(
        &self,
        caller: &Caller,
        id: &str,
        reason: &AccessReason,
    ) -> Result<OriginalAccess> {
        let Reached { record, reason } = self.readable(caller, id, reason, "download")?;
        let reason = &reason;
        Ok(OriginalAccess {
            record,
            caller: caller.clone(),
            reason: reason.clone(),
        })
    }

    /// Answers a request for the original bytes: "not modified" when the caller already holds
    /// them, "unsatisfiable" for a part outside the file, else the bytes (`range`: a part of
    /// them). Every answer is ledgered first: even a 304 confirms the caller's copy and a 416
    /// tells the size. The whole is re-hashed as it is read, and the reader fails at the end if
    /// the bytes are not what was stored; a part cannot be checked against the whole's hash
    /// (background fixity covers it).
    pub fn open_original(
        &self,
        access: &OriginalAccess,
        request: &OriginalRequest,
    ) -> Result<(OriginalFacts, OriginalAnswer)> {
        let record = &access.record;
        let facts = OriginalFacts {
            id: record.id.clone(),
            sha256: record.sha256.clone(),
            size: record.size,
            format: record.format,
            file_name: record
                .source_name
                .clone()
                .unwrap_or_else(|| format!("{}.{}", record.id, record.format.extension())),
        };
        let event = |action, detail: Option<String>| {
            let mut event = event_about(action, access.caller.actor(), record, &access.reason);
            event.detail = detail;
            event
        };
        if request
            .held
            .iter()
            .any(|h| h.trim() == "*" || h.trim().eq_ignore_ascii_case(&record.sha256))
        {
            self.log(&[event(
                Action::Download,
                Some("not modified: the caller holds these bytes".into()),
            )])?;
            return Ok((facts, OriginalAnswer::NotModified));
        }
        let range = match &request.range {
            None => None,
            Some(asked) => match asked.resolve(record.size) {
                Some(range) => Some(range),
                None => {
                    self.log(&[event(
                        Action::ReadMetadata,
                        Some(format!(
                            "download of {} refused: outside the file (its size told)",
                            asked.words()
                        )),
                    )])?;
                    return Ok((facts, OriginalAnswer::Unsatisfiable));
                }
            },
        };
        let digest = Self::digest_of(record)?;
        let (reader, detail): (Box<dyn Read + Send>, _) = match range {
            None => (
                Box::new(VerifyingReader::new(self.blobs.open(&digest)?, digest)),
                None,
            ),
            Some(range) => (
                self.blobs.open_range(&digest, range.first, range.len())?,
                Some(format!("bytes {}-{}", range.first, range.last)),
            ),
        };
        self.log(&[event(Action::Download, detail)])?;
        Ok((facts, OriginalAnswer::Bytes { reader, range }))
    }

    /// The whole original, re-hashed as it is read (ledgered as a download): what the command
    /// line and tests want from [`Archive::open_original`].
    pub fn read_original(&self, access: &OriginalAccess) -> Result<Box<dyn Read + Send>> {
        match self.open_original(access, &OriginalRequest::default())?.1 {
            OriginalAnswer::Bytes { reader, .. } => Ok(reader),
            OriginalAnswer::NotModified | OriginalAnswer::Unsatisfiable => {
                Err(ArchiveError::Damaged {
                    key: access.record.id.clone(),
                    detail: "a request for the whole original was not answered with it".into(),
                })
            }
        }
    }

    /// Page `page` (from 1) of a document as a PNG about `width` pixels wide (rounded up to one
    /// of [`crate::previews::PREVIEW_WIDTHS`]), for `caller`: drawn once by `render` (the pixels
    /// are `ingest`'s business; it is given the width to draw) from the verified original, then
    /// kept in the preview cache. Ledgered as a read of that page before anything is answered.
    pub fn preview(
        &self,
        caller: &Caller,
        id: &str,
        reason: &AccessReason,
        page: u32,
        width: u32,
        render: impl FnOnce(Format, &[u8], u32) -> std::result::Result<Vec<u8>, String>,
    ) -> Result<Vec<u8>> {
        let width = crate::previews::preview_width(width)?;
        let Reached { record, reason } = self.readable(caller, id, reason, "preview")?;
        let reason = &reason;
        // The read is recorded before anything is answered: a page that does not exist tells
        // how many there are, and a page that cannot be drawn is still a look at the original.
        self.log_reads(
            std::slice::from_ref(&record),
            caller,
            reason,
            Some(&format!("preview of page {page}")),
        )?;
        if page == 0 || page > record.pages.max(1) {
            return Err(RuleError::new(&schemas::messages::PAGE_MISSING)
                .with("pages", record.pages)
                .with("page", page)
                .at("page", &page.to_string())
                .into());
        }
        if let Some(png) = self.cached_preview(&record.sha256, page, width) {
            return Ok(png);
        }
        let bytes = self.read_blob(&record.sha256, self.max_file_bytes())?;
        let png = render(record.format, &bytes, width).map_err(|why| {
            ArchiveError::from(
                RuleError::new(&schemas::messages::PAGE_CANNOT_SHOW)
                    .with("why", why)
                    .at("page", &page.to_string()),
            )
        })?;
        self.store_preview(&record.sha256, page, width, &png)?;
        Ok(png)
    }

    /// The dossiers that reused a document, oldest first (ledgered as a read of the list).
    pub fn document_reuses(
        &self,
        caller: &Caller,
        id: &str,
        reason: &AccessReason,
    ) -> Result<Vec<LedgerEvent>> {
        let Reached { record, reason } = self.readable(caller, id, reason, "list reuses")?;
        let reason = &reason;
        self.log_reads(
            std::slice::from_ref(&record),
            caller,
            reason,
            Some("list of reuses"),
        )?;
        self.catalog.reuses_of_doc(&record.id)
    }

    /// A clerk takes a document for a dossier. The dossier code and purpose are required; the
    /// event is what the owner sees and what the document's list of reuses is made of. A second
    /// reuse of the same document in the same dossier is recorded too (the clerk may mean it),
    /// and the answer names the first ([`Reused::earlier_in_dossier`]) so that the clerk is told.
    pub fn reuse(&self, caller: &Caller, id: &str, reason: &AccessReason) -> Result<Reused> {
        self.authorize(caller, Act::Reuse, Some(id), "reuse")?;
        let Reached { record, reason } = self.readable(caller, id, reason, "reuse")?;
        reason
            .require_dossier()
            .map_err(|e| ArchiveError::Refused(Refusal::Reason(e)))?;
        // Only a paper in force serves a new dossier (domain.md: expired, revoked and
        // superseded papers stay readable but are never reused as valid).
        let not_in_force = match &record.lifecycle {
            schemas::Lifecycle::Revoked { at, .. } => Some(
                Message::new(&m::CONFLICT_REUSE_REVOKED).with("date", schemas::iso_date(at.date())),
            ),
            schemas::Lifecycle::Superseded { successor, .. } => {
                Some(Message::new(&m::CONFLICT_REUSE_SUPERSEDED).with("successor", successor))
            }
            schemas::Lifecycle::Active => match record.metadata.valid_until {
                schemas::Validity::Until(until) if until < schemas::today() => Some(
                    Message::new(&m::CONFLICT_REUSE_EXPIRED).with("date", schemas::iso_date(until)),
                ),
                _ => None,
            },
        };
        if let Some(why) = not_in_force {
            return Err(ArchiveError::Conflict(why.with("id", &record.id)));
        }
        let reason = self.with_registered_procedure(reason)?;
        let reason = &reason;
        let earlier_in_dossier = self
            .catalog
            .reuses_of_doc(&record.id)?
            .into_iter()
            .find(|e| {
                e.event.dossier_code.is_some() && e.event.dossier_code == reason.dossier_code
            });
        let mut logged =
            self.log(&[event_about(Action::Reuse, caller.actor(), &record, reason)])?;
        let event = logged.pop().ok_or_else(|| ArchiveError::Damaged {
            key: "ledger".into(),
            detail: "an appended event was not returned".into(),
        })?;
        Ok(Reused {
            record,
            event,
            earlier_in_dossier,
        })
    }

    /// A reuse serves the procedure its dossier was registered for: the registered procedure
    /// when none is given, a 422 on `procedure_code` when another is (the owner's ledger must
    /// not say a reuse served a procedure the dossier is not for).
    fn with_registered_procedure(&self, reason: AccessReason) -> Result<AccessReason> {
        let Some(code) = reason.dossier_code.as_deref() else {
            return Ok(reason);
        };
        let Some(dossier) = self.registered_dossier(code)? else {
            return Ok(reason);
        };
        match reason.procedure_code.as_deref() {
            None => Ok(AccessReason {
                procedure_code: Some(dossier.procedure_code),
                ..reason
            }),
            Some(given) if given == dossier.procedure_code => Ok(reason),
            Some(given) => Err(RuleError::new(&m::REUSE_PROCEDURE_NOT_THE_DOSSIERS)
                .with("code", &dossier.code)
                .with("procedure", &dossier.procedure_code)
                .at("procedure_code", given)
                .into()),
        }
    }

    /// Every event about one document (reads, downloads, reuses, changes, refused attempts), for
    /// its owner and for admins. Seeing the ledger is not itself a read of the document.
    pub fn document_ledger(
        &self,
        caller: &Caller,
        id: &str,
        page: LedgerPage,
    ) -> Result<LedgerEvents> {
        self.authorize(caller, Act::SeeLedger, Some(id), "see the ledger")?;
        let record = self.record(id)?;
        if !policy::may_see_owner(caller, record.metadata.owner_id.as_str(), Act::SeeLedger) {
            return Err(self.refuse(
                caller,
                Aim::Document(id),
                "see the ledger: not the caller's document".into(),
                Refusal::NotTheirDocument {
                    id: id.trim().to_string(),
                },
            ));
        }
        let events = self
            .catalog
            .events_of_doc(&record.id, page.after, page.limit)?;
        Ok(LedgerEvents::of(events, page))
    }
}
