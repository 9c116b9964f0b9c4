//! One document on someone's behalf: its metadata and history, its original (whole or a range),
//! its page previews, its reuses, a reuse in a dossier, and its ledger.

use super::{event_about, LedgerEvents, LedgerPage};
use crate::fixity::FixityCheck;
use crate::{Archive, ArchiveError, Result, VerifyingReader};
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
    fixity: Option<FixityCheck>,
    certified_copies: Vec<CertifiedCopy>,
    issuer_today: Option<AgencySuccession>,
}

impl Document {
    pub fn record(&self) -> &DocumentRecord {
        &self.record
    }

    pub fn history(&self) -> &[LedgerEvent] {
        &self.history
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

/// Leave to open a document's original: its caller may read it, for the reason given. What it
/// tells (size, hash, format, name) is what an HTTP answer needs before the bytes flow (an
/// `ETag` match, a `Range` to check); the read itself, and its ledger event, is
/// [`Archive::open_original`]. Only [`Archive::original_access`] makes one.
#[derive(Debug, Clone)]
pub struct OriginalAccess {
    record: DocumentRecord,
    caller: Caller,
    reason: AccessReason,
}

impl OriginalAccess {
    pub fn id(&self) -> &str {
        &self.record.id
    }

    pub fn sha256(&self) -> &str {
        &self.record.sha256
    }

    pub fn size(&self) -> u64 {
        self.record.size
    }

    pub fn format(&self) -> Format {
        self.record.format
    }

    /// The name to save it under: the file name it was stored from, else `ID.EXT`.
    pub fn file_name(&self) -> String {
        self.record
            .source_name
            .clone()
            .unwrap_or_else(|| format!("{}.{}", self.record.id, self.record.format.extension()))
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

impl Archive {
    /// A document's record, history and fixity for `caller`; the read is in the ledger before
    /// the document is returned.
    pub fn read_document(
        &self,
        caller: &Caller,
        id: &str,
        reason: &AccessReason,
    ) -> Result<Document> {
        let record = self.readable(caller, id, reason, "read metadata")?;
        self.log_reads(std::slice::from_ref(&record), caller, reason, None)?;
        Ok(Document {
            history: self.catalog.history_of_doc(&record.id)?,
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
        let record = self.readable(caller, id, reason, "download")?;
        Ok(OriginalAccess {
            record,
            caller: caller.clone(),
            reason: reason.clone(),
        })
    }

    /// Opens the original bytes (`range`: a part of them), ledgered as a download. The whole is
    /// re-hashed as it is read, and the reader fails at the end if the bytes are not what was
    /// stored; a part cannot be checked against the whole's hash (background fixity covers it).
    pub fn open_original(
        &self,
        access: &OriginalAccess,
        range: Option<ByteRange>,
    ) -> Result<Box<dyn Read + Send>> {
        let record = &access.record;
        let digest = Self::digest_of(record)?;
        let mut event = event_about(
            Action::Download,
            access.caller.actor(),
            record,
            &access.reason,
        );
        let reader: Box<dyn Read + Send> = match range {
            None => Box::new(VerifyingReader::new(self.blobs.open(&digest)?, digest)),
            Some(range) => {
                let raw = self.blobs.open_range(&digest, range.first, range.len())?;
                event.detail = Some(format!("bytes {}-{}", range.first, range.last));
                raw
            }
        };
        self.log(&[event])?;
        Ok(reader)
    }

    /// Page `page` (from 1) of a document as a PNG `width` pixels wide, for `caller`: made once
    /// by `render` (the pixels are `ingest`'s business) from the verified original, then kept
    /// in the preview cache. Ledgered as a read of that page once it is made.
    pub fn preview(
        &self,
        caller: &Caller,
        id: &str,
        reason: &AccessReason,
        page: u32,
        width: u32,
        render: impl FnOnce(Format, &[u8]) -> std::result::Result<Vec<u8>, String>,
    ) -> Result<Vec<u8>> {
        let record = self.readable(caller, id, reason, "preview")?;
        if page == 0 || page > record.pages.max(1) {
            return Err(RuleError::new(format!(
                "the document has {} pages; there is no page {page}",
                record.pages
            ))
            .at("page", &page.to_string())
            .into());
        }
        let png = match self.cached_preview(&record.sha256, page, width) {
            Some(png) => png,
            None => {
                let bytes = self.read_blob(&record.sha256, self.max_file_bytes())?;
                let png = render(record.format, &bytes).map_err(|why| {
                    ArchiveError::from(
                        RuleError::new(format!("cannot be shown: {why}"))
                            .at("page", &page.to_string()),
                    )
                })?;
                self.store_preview(&record.sha256, page, width, &png)?;
                png
            }
        };
        self.log_reads(
            std::slice::from_ref(&record),
            caller,
            reason,
            Some(&format!("preview of page {page}")),
        )?;
        Ok(png)
    }

    /// The dossiers that reused a document, oldest first (ledgered as a read of the list).
    pub fn document_reuses(
        &self,
        caller: &Caller,
        id: &str,
        reason: &AccessReason,
    ) -> Result<Vec<LedgerEvent>> {
        let record = self.readable(caller, id, reason, "list reuses")?;
        self.log_reads(
            std::slice::from_ref(&record),
            caller,
            reason,
            Some("list of reuses"),
        )?;
        self.catalog.reuses_of_doc(&record.id)
    }

    /// A clerk takes a document for a dossier. The dossier code and purpose are required; the
    /// event is what the owner sees and what the document's list of reuses is made of.
    pub fn reuse(
        &self,
        caller: &Caller,
        id: &str,
        reason: &AccessReason,
    ) -> Result<(DocumentRecord, LedgerEvent)> {
        self.authorize(caller, Act::Reuse, Some(id), "reuse")?;
        let record = self.readable(caller, id, reason, "reuse")?;
        reason.require_dossier()?;
        let mut logged =
            self.log(&[event_about(Action::Reuse, caller.actor(), &record, reason)])?;
        let event = logged.pop().ok_or_else(|| ArchiveError::Damaged {
            key: "ledger".into(),
            detail: "an appended event was not returned".into(),
        })?;
        Ok((record, event))
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
                Some(id),
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
