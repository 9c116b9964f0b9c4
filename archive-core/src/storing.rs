//! The write path: a document's bytes first, durable in the blob store ([`Archive::put_blob`],
//! on any number of threads), then its record, indexes and ledger event in one catalogue
//! transaction ([`Archive::commit`], by one writer), made durable by [`Archive::flush`]. A
//! record can only be written for a [`PutBlob`], which only the blob store makes: a record never
//! points at a missing blob.

use crate::archive::new_record_id;
use crate::blob::PutBlob;
use crate::catalog::Inserted;
use crate::{Archive, Result};
use schemas::policy::Act;
use schemas::{
    Action, Caller, DocumentMetadata, DocumentRecord, DocumentText, Format, Lifecycle, NewEvent,
    Provenance, RecognizedPlace,
};
use std::collections::HashSet;
use std::io::Read;
use time::OffsetDateTime;

/// A document about to be stored: validated metadata plus what the ingest stage learnt of the file.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub metadata: DocumentMetadata,
    pub format: Format,
    pub pages: u32,
    pub source_name: Option<String>,
    /// Page texts, if extracted. Kept once per blob.
    pub text: Option<DocumentText>,
    /// The digital signatures found in the file, as checked at ingest.
    pub signatures: Vec<schemas::SignatureInfo>,
    /// The scanned stack it was cut from, if it was (`kho ingest --split`).
    pub provenance: Option<Provenance>,
}

impl NewDocument {
    /// A document of which nothing more is known than its metadata, format and page count (no
    /// file name, text, signatures or stack); callers set what they learnt with struct update
    /// syntax (`NewDocument { text, ..NewDocument::new(metadata, format, pages) }`).
    pub fn new(metadata: DocumentMetadata, format: Format, pages: u32) -> Self {
        NewDocument {
            metadata,
            format,
            pages,
            source_name: None,
            text: None,
            signatures: Vec::new(),
            provenance: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IngestStatus {
    Stored,
    Duplicate,
}

#[derive(Debug, Clone)]
pub struct Ingested {
    pub status: IngestStatus,
    pub record: DocumentRecord,
}

/// The event that tells an owner an upload found their document already stored (the uploader
/// learnt that they have it, and its id).
fn duplicate_event(caller: &Caller, record: &DocumentRecord) -> NewEvent {
    let mut event = crate::service::event_about(
        Action::ReadMetadata,
        caller.actor(),
        record,
        &schemas::AccessReason::default(),
    );
    event.detail = Some("upload of a file the owner already has (duplicate)".into());
    event
}

impl Archive {
    /// Stores one document on behalf of `caller` (who must be allowed to upload): the bytes
    /// first (durable), then the record, its indexes and the ledger event in one transaction,
    /// flushed before this returns. So an acknowledged document survives a crash, and a record
    /// never points at a missing blob. The same bytes for the same owner return the existing
    /// record; for another owner, a new record shares the blob.
    pub fn ingest(
        &self,
        caller: &Caller,
        src: &mut dyn Read,
        doc: NewDocument,
    ) -> Result<Ingested> {
        let blob = self.put_blob(src)?;
        let ingested = self.commit(caller, doc, &blob)?;
        self.flush()?;
        Ok(ingested)
    }

    /// The first half of [`Archive::ingest`]: the bytes, durable when this returns. Safe to run
    /// on many threads at once; a crash after it leaves an orphan blob, never a broken record.
    pub fn put_blob(&self, src: &mut dyn Read) -> Result<PutBlob> {
        Ok(self.blobs.put(src, self.max_file_bytes())?)
    }

    /// The second half of [`Archive::ingest`]: the record, its indexes and its ledger event in
    /// one transaction, for a blob already stored, on behalf of `caller` (who must be allowed to
    /// upload; a refusal is ledgered). A new file that is probably a new scan of one of the
    /// owner's documents is linked to it ([`schemas::rescan`]). Not durable until
    /// [`Archive::flush`]: a batch commits many documents and flushes once, and reports them
    /// stored only after that.
    pub fn commit(&self, caller: &Caller, doc: NewDocument, blob: &PutBlob) -> Result<Ingested> {
        self.commit_with_places(caller, doc, blob, None)
    }

    /// [`Archive::commit`] with the document's places already read ([`Archive::places_of`]):
    /// a batch reads them on its parallel workers, not on its single writer.
    pub fn commit_with_places(
        &self,
        caller: &Caller,
        doc: NewDocument,
        blob: &PutBlob,
        places: Option<Vec<RecognizedPlace>>,
    ) -> Result<Ingested> {
        self.authorize(caller, Act::Upload, None, "upload")?;
        let sha256 = blob.digest().to_hex();
        let rescan_of = match &doc.text {
            Some(text) => self.find_rescan(&doc.metadata, &sha256, text)?,
            None => None,
        };
        let now = OffsetDateTime::now_utc();
        let owner = doc.metadata.owner_id.as_str().to_string();
        let mut record = DocumentRecord {
            id: new_record_id(&blob.digest())?,
            seq: 0,
            metadata: doc.metadata,
            sha256,
            size: blob.size(),
            format: doc.format,
            pages: doc.pages,
            source_name: doc.source_name,
            ingested_at: now,
            ingested_by: caller.actor().name.clone(),
            lifecycle: Lifecycle::Active,
            text_source: None,
            ocr_confidence: None,
            low_confidence_pages: Vec::new(),
            rescan_of: rescan_of.clone(),
            signatures: doc.signatures,
            provenance: doc.provenance.clone(),
            places: Vec::new(),
        };
        if !record.signatures.is_empty() {
            // Before the record: a crash in between leaves a mark on a blob with no signed
            // record, which the next check of signatures clears; never a signed record unmarked.
            self.mark_signed(&record.sha256, true)?;
        }
        if let Some(text) = &doc.text {
            record.set_text_summary(text);
        }
        record.places = match places {
            Some(places) => places,
            None => self.places_of(&record.metadata, doc.text.as_ref()),
        };
        let mut event = NewEvent::new(Action::Ingest, caller.actor());
        event.owner_id = Some(owner);
        let cut_from = doc.provenance.as_ref().map(|p| {
            format!(
                "cut from the scanned stack {} ({} of it)",
                p.stack_sha256,
                p.page_range()
            )
        });
        let rescan = rescan_of.map(|earlier| format!("probable rescan of {earlier}"));
        event.detail = match (cut_from, rescan) {
            (Some(cut), Some(rescan)) => Some(format!("{cut}; {rescan}")),
            (cut, rescan) => cut.or(rescan),
        };
        Ok(
            match self
                .catalog
                .insert(record, doc.text.as_ref(), &event, now)?
            {
                Inserted::Stored(record) => Ingested {
                    status: IngestStatus::Stored,
                    record,
                },
                Inserted::Duplicate(record) => {
                    self.log(&[duplicate_event(caller, &record)])?;
                    Ingested {
                        status: IngestStatus::Duplicate,
                        record,
                    }
                }
            },
        )
    }

    /// The owner's existing record of these bytes, if any: a re-ingest returns it as a duplicate
    /// without extracting anything again. For a caller allowed to upload (who holds the bytes).
    /// Finding one tells the uploader that the owner has this document, and its id: that is in
    /// the owner's ledger before the record is returned.
    pub fn find_existing(
        &self,
        caller: &Caller,
        sha256: &str,
        owner: &str,
    ) -> Result<Option<DocumentRecord>> {
        self.authorize(caller, Act::Upload, None, "upload")?;
        let found = self.catalog.find(sha256, owner)?;
        if let Some(record) = &found {
            self.log(&[duplicate_event(caller, record)])?;
        }
        Ok(found)
    }

    /// The page texts already extracted from these bytes (another owner's copy of them), so that
    /// they are not extracted twice. For a caller allowed to upload (who holds the bytes).
    pub fn known_text(&self, caller: &Caller, sha256: &str) -> Result<Option<DocumentText>> {
        self.authorize(caller, Act::Upload, None, "upload")?;
        self.text_of(sha256)
    }

    /// The earlier record of the same owner that a new file (`metadata`, `text`) is probably a
    /// rescan of, if any: the most similar of those [`schemas::rescan`] says name the same
    /// document.
    fn find_rescan(
        &self,
        metadata: &DocumentMetadata,
        sha256: &str,
        text: &DocumentText,
    ) -> Result<Option<String>> {
        use schemas::rescan;
        // The new text's words, made once for all the candidates.
        let mut mine: Option<HashSet<String>> = None;
        let mut best: Option<(f64, String)> = None;
        for earlier in self.catalog.docs_of_owner(metadata.owner_id.as_str())? {
            if earlier.sha256 == sha256 || !rescan::same_key(&earlier.metadata, metadata) {
                continue;
            }
            let Some(earlier_text) = self.text_of(&earlier.sha256)? else {
                continue;
            };
            let mine = mine.get_or_insert_with(|| rescan::words(text));
            let score = rescan::jaccard(mine, &rescan::words(&earlier_text));
            if score >= rescan::SAME_TEXT && best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, earlier.id.clone()));
            }
        }
        Ok(best.map(|(_, id)| id))
    }
}
