//! The self-describing bucket: every record a node stores or changes is also written to the
//! bucket as JSON, so that a new node rebuilds its catalogue (and then its index) from the bucket
//! alone, and a running node picks up what the others added.
//!
//! ```text
//! <prefix>kho-bucket.json                    {"kho_bucket_version": 1}
//! <prefix>blobs/<sha256>                     original bytes
//! <prefix>journal/<node>/<last seq, 20 digits>.json
//!     {"kho_journal_version":1, "node", "first_seq", "last_seq", "entries": [
//!         {"record": {...}, "history": [ledger events], "text": {page texts} | null}, ...]}
//! ```
//!
//! A node's journal follows its catalogue's sequence numbers, which every record change
//! advances; a cursor in `meta` says how far it has been written (the same pattern as the search
//! index), so a crash only means the next push starts earlier. Each page holds a record's whole
//! current state, its lifecycle history and its page texts: pages are independent and applying
//! one twice changes nothing. Records a node applied from another node's journal are not written
//! back to its own. Reads (the access events of the ledger) stay in each node's own ledger.

use crate::blob::s3::S3Client;
use crate::catalog::Applied;
use crate::{Archive, ArchiveError, Result, Sha256Digest};
use schemas::{DocumentRecord, DocumentText, LedgerEvent};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

pub const JOURNAL_VERSION: u64 = 1;
const BUCKET_FILE: &str = "kho-bucket.json";
const JOURNAL: &str = "journal/";
const PUSHED_KEY: &[u8] = b"journal_pushed";
const PULLED_PREFIX: &str = "journal_pulled/";
/// A page closes at this many records or bytes, whichever comes first.
const PAGE_RECORDS: usize = 500;
const PAGE_BYTES: usize = 8 * 1024 * 1024;

#[derive(serde::Serialize, serde::Deserialize)]
struct BucketFile {
    kho_bucket_version: u64,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Page {
    kho_journal_version: u64,
    node: String,
    first_seq: u64,
    last_seq: u64,
    #[serde(with = "time::serde::rfc3339")]
    written_at: OffsetDateTime,
    entries: Vec<Entry>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    record: DocumentRecord,
    history: Vec<LedgerEvent>,
    text: Option<DocumentText>,
}

/// What one push wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Pushed {
    pub pages: u64,
    pub records: u64,
}

/// What one pull read and applied.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Pulled {
    /// Other nodes whose journal was read.
    pub nodes: u64,
    pub pages: u64,
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
}

/// The journal of this node in a bucket.
pub(crate) struct Journal {
    client: Arc<S3Client>,
    node: String,
    /// One push and one pull at a time: each moves a cursor.
    pushing: Mutex<()>,
    pulling: Mutex<()>,
    /// Why the bucket did not answer when the store was opened, if it did not.
    unreachable: Option<String>,
}

fn page_key(node: &str, last_seq: u64) -> String {
    format!("{JOURNAL}{node}/{last_seq:020}.json")
}

impl Journal {
    /// Checks (or, in a new bucket, writes) the bucket's description. That first request is the
    /// store's check of the bucket: a refusal (a key, a bucket, a newer layout) stops here; no
    /// answer does not, since what the node holds locally (records, search) stays usable.
    pub fn open(client: Arc<S3Client>, node: String) -> Result<Journal> {
        let unreachable = match Self::check_bucket(&client) {
            Ok(()) => None,
            Err(ArchiveError::Blob(e)) if e.is_unavailable() => Some(e.to_string()),
            Err(e) => return Err(e),
        };
        Ok(Journal {
            client,
            node,
            pushing: Mutex::new(()),
            pulling: Mutex::new(()),
            unreachable,
        })
    }

    fn check_bucket(client: &S3Client) -> Result<()> {
        match client.get_bytes(BUCKET_FILE)? {
            Some(bytes) => {
                let file: BucketFile =
                    serde_json::from_slice(&bytes).map_err(|e| ArchiveError::Damaged {
                        key: format!("{} {BUCKET_FILE}", client.location()),
                        detail: e.to_string(),
                    })?;
                if file.kho_bucket_version > JOURNAL_VERSION {
                    return Err(ArchiveError::Conflict(
                        schemas::messages::Message::new(
                            &schemas::messages::CONFLICT_BUCKET_VERSION,
                        )
                        .with("bucket", client.location())
                        .with("found", file.kho_bucket_version)
                        .with("supported", JOURNAL_VERSION),
                    ));
                }
            }
            None => {
                let body = serde_json::to_vec(&BucketFile {
                    kho_bucket_version: JOURNAL_VERSION,
                })
                .unwrap_or_default();
                client.put_bytes(BUCKET_FILE, &body, &Sha256Digest::of(&body))?;
            }
        }
        Ok(())
    }

    /// Why the bucket did not answer when the store was opened, if it did not.
    pub fn unreachable(&self) -> Option<&str> {
        self.unreachable.as_deref()
    }

    pub fn node(&self) -> &str {
        &self.node
    }
}

impl Archive {
    /// This node's name in the bucket's journal (`None` for a store on a local folder).
    pub fn node_id(&self) -> Option<&str> {
        self.journal.as_ref().map(Journal::node)
    }

    /// How many record changes made here are not in the bucket's journal yet (`None` for a
    /// store on a local folder).
    pub fn journal_pending(&self) -> Result<Option<u64>> {
        if self.journal.is_none() {
            return Ok(None);
        }
        let cursor = self.catalog.meta_u64(PUSHED_KEY)?;
        let mut pending = 0;
        for item in self.catalog.ids_by_seq_since(cursor + 1) {
            let (seq, _) = item?;
            if !self.catalog.is_replicated(seq)? {
                pending += 1;
            }
        }
        Ok(Some(pending))
    }

    /// Writes the records this node stored or changed since the last push to the bucket's
    /// journal. A no-op for a store on a local folder.
    pub fn push_journal(&self) -> Result<Pushed> {
        let Some(journal) = &self.journal else {
            return Ok(Pushed::default());
        };
        let _one = journal.pushing.lock().unwrap_or_else(|p| p.into_inner());
        // Only what survives a crash here is sent to other nodes: records numbered up to `durable`
        // are flushed below; later ones wait for the next push. (A record sent and then lost in
        // a crash would leave its number to another record, under the same page name.)
        let durable = self.catalog.last_seq()?;
        self.catalog.flush()?;
        let cursor = self.catalog.meta_u64(PUSHED_KEY)?;
        let mut pushed = Pushed::default();
        let mut page = PageDraft::default();
        let mut last_seen = cursor;
        for record in self.catalog.records_since(cursor + 1) {
            let record = record?;
            if record.seq > durable {
                break;
            }
            last_seen = record.seq;
            if self.catalog.is_replicated(record.seq)? {
                continue;
            }
            page.first_seq.get_or_insert(record.seq);
            let text = self.catalog.text(&record.sha256)?;
            page.bytes += text
                .as_ref()
                .map_or(0, |t| t.pages.iter().map(|p| p.text.len()).sum::<usize>())
                + 1024;
            page.entries.push(Entry {
                history: self.catalog.history_of_doc(&record.id)?,
                record,
                text,
            });
            if page.entries.len() >= PAGE_RECORDS || page.bytes >= PAGE_BYTES {
                self.write_page(journal, std::mem::take(&mut page), last_seen, &mut pushed)?;
            }
        }
        if !page.entries.is_empty() {
            self.write_page(journal, page, last_seen, &mut pushed)?;
        }
        if last_seen != cursor {
            self.catalog.set_meta_u64(PUSHED_KEY, last_seen)?;
        }
        Ok(pushed)
    }

    /// Writes a page ending at `last_seq` and moves the push cursor past it.
    fn write_page(
        &self,
        journal: &Journal,
        draft: PageDraft,
        last_seq: u64,
        pushed: &mut Pushed,
    ) -> Result<()> {
        let records = draft.entries.len() as u64;
        let page = Page {
            kho_journal_version: JOURNAL_VERSION,
            node: journal.node.clone(),
            first_seq: draft.first_seq.unwrap_or(last_seq),
            last_seq,
            written_at: OffsetDateTime::now_utc(),
            entries: draft.entries,
        };
        let key = page_key(&journal.node, last_seq);
        let body = serde_json::to_vec(&page).map_err(|e| ArchiveError::Damaged {
            key: key.clone(),
            detail: format!("cannot encode the journal page: {e}"),
        })?;
        journal
            .client
            .put_bytes(&key, &body, &Sha256Digest::of(&body))?;
        self.catalog.set_meta_u64(PUSHED_KEY, last_seq)?;
        pushed.pages += 1;
        pushed.records += records;
        Ok(())
    }

    /// Reads what other nodes wrote to the bucket's journal since the last pull (everything,
    /// the first time) and merges it into this catalogue. The index catches up at the next
    /// [`Archive::sync_index`]. A no-op for a store on a local folder.
    pub fn pull_journal(&self, progress: &mut dyn FnMut(&Pulled)) -> Result<Pulled> {
        let Some(journal) = &self.journal else {
            return Ok(Pulled::default());
        };
        let _one = journal.pulling.lock().unwrap_or_else(|p| p.into_inner());
        let mut pulled = Pulled::default();
        for folder in journal.client.list_folders(JOURNAL)? {
            let node = folder
                .strip_prefix(JOURNAL)
                .unwrap_or(&folder)
                .trim_end_matches('/')
                .to_string();
            if node == journal.node || node.is_empty() {
                continue;
            }
            pulled.nodes += 1;
            let cursor_key = format!("{PULLED_PREFIX}{node}");
            let cursor = self.catalog.meta_u64(cursor_key.as_bytes())?;
            let start_after = (cursor > 0).then(|| page_key(&node, cursor));
            // Listed first, read after: pages written meanwhile wait for the next pull.
            let keys: Vec<String> = journal
                .client
                .list(&folder, start_after.as_deref())
                .collect::<std::result::Result<_, _>>()?;
            for key in keys {
                let page = read_page(journal, &node, &key)?;
                for entry in &page.entries {
                    match self.catalog.apply_replicated(
                        &entry.record,
                        &entry.history,
                        entry.text.as_ref(),
                    )? {
                        Applied::New => pulled.new += 1,
                        Applied::Changed => pulled.changed += 1,
                        Applied::Unchanged => pulled.unchanged += 1,
                    }
                }
                self.catalog.flush()?;
                self.catalog
                    .set_meta_u64(cursor_key.as_bytes(), page.last_seq)?;
                pulled.pages += 1;
                progress(&pulled);
            }
        }
        self.catalog.flush()?;
        Ok(pulled)
    }
}

/// Entries gathered for the next page.
#[derive(Default)]
struct PageDraft {
    first_seq: Option<u64>,
    entries: Vec<Entry>,
    /// About how large the page will be.
    bytes: usize,
}

/// Page `key` of `node`'s journal, checked to be what its name says.
fn read_page(journal: &Journal, node: &str, key: &str) -> Result<Page> {
    let damaged = |detail: String| ArchiveError::Damaged {
        key: format!("{} {key}", journal.client.location()),
        detail,
    };
    let Some(bytes) = journal.client.get_bytes(key)? else {
        return Err(damaged("listed but gone".into()));
    };
    let page: Page =
        serde_json::from_slice(&bytes).map_err(|e| damaged(format!("not a journal page: {e}")))?;
    if page.kho_journal_version > JOURNAL_VERSION {
        return Err(damaged(format!(
            "journal version {}; this kho reads {JOURNAL_VERSION}: use a matching kho release",
            page.kho_journal_version
        )));
    }
    if page.node != node || page_key(node, page.last_seq) != key {
        return Err(damaged(format!(
            "says it is page {} of {}",
            page.last_seq, page.node
        )));
    }
    Ok(page)
}
