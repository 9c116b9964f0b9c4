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
use crate::{Archive, ArchiveError, Result};
use schemas::{DocumentRecord, DocumentText, LedgerEvent};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;

pub const JOURNAL_VERSION: u64 = 1;
const BUCKET_FILE: &str = "kho-bucket.json";
const JOURNAL: &str = "journal/";
const PUSHED_KEY: &[u8] = b"journal_pushed";
const PULLED_PREFIX: &str = "journal_pulled/";
const NODE_KEY: &[u8] = b"node_id";
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
}

fn page_key(node: &str, last_seq: u64) -> String {
    format!("{JOURNAL}{node}/{last_seq:020}.json")
}

/// This node's name in the bucket: made once, kept in the catalogue's `meta`.
pub(crate) fn node_id(meta: &sled::Tree, path: &std::path::Path) -> Result<String> {
    let err = |source| ArchiveError::Catalog {
        path: path.to_path_buf(),
        source,
    };
    if let Some(id) = meta.get(NODE_KEY).map_err(err)? {
        return Ok(String::from_utf8_lossy(&id).into_owned());
    }
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).map_err(|e| ArchiveError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let id = format!("node-{}", hex::encode(bytes));
    meta.insert(NODE_KEY, id.as_bytes()).map_err(err)?;
    Ok(id)
}

impl Journal {
    /// Checks (or, in a new bucket, writes) the bucket's description; not when the bucket does
    /// not answer (`reachable` false): every later request fails or succeeds on its own.
    pub fn open(client: Arc<S3Client>, node: String, reachable: bool) -> Result<Journal> {
        if reachable {
            match client.get_bytes(BUCKET_FILE)? {
                Some(bytes) => {
                    let file: BucketFile =
                        serde_json::from_slice(&bytes).map_err(|e| ArchiveError::Damaged {
                            key: format!("{} {BUCKET_FILE}", client.location()),
                            detail: e.to_string(),
                        })?;
                    if file.kho_bucket_version > JOURNAL_VERSION {
                        return Err(ArchiveError::Conflict(format!(
                            "the bucket {} has layout version {}; this kho reads version {JOURNAL_VERSION}: use a matching kho release",
                            client.location(),
                            file.kho_bucket_version
                        )));
                    }
                }
                None => {
                    let body = serde_json::to_vec(&BucketFile {
                        kho_bucket_version: JOURNAL_VERSION,
                    })
                    .unwrap_or_default();
                    client.put_bytes(BUCKET_FILE, &body)?;
                }
            }
        }
        Ok(Journal {
            client,
            node,
            pushing: Mutex::new(()),
            pulling: Mutex::new(()),
        })
    }

    pub fn node(&self) -> &str {
        &self.node
    }
}

fn read_cursor(meta: &sled::Tree, key: &[u8], path: &std::path::Path) -> Result<u64> {
    let bytes = meta.get(key).map_err(|source| ArchiveError::Catalog {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(bytes
        .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
        .map_or(0, u64::from_be_bytes))
}

fn write_cursor(meta: &sled::Tree, key: &[u8], value: u64, path: &std::path::Path) -> Result<()> {
    meta.insert(key, &value.to_be_bytes())
        .map_err(|source| ArchiveError::Catalog {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(())
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
        let cursor = read_cursor(
            self.catalog.meta_tree(),
            PUSHED_KEY,
            &self.root().join("catalog"),
        )?;
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
        let meta = self.catalog.meta_tree();
        let path = self.root().join("catalog");
        let cursor = read_cursor(meta, PUSHED_KEY, &path)?;
        let mut pushed = Pushed::default();
        let mut entries = Vec::new();
        let mut bytes = 0;
        let mut first_seq = None;
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
            first_seq.get_or_insert(record.seq);
            let text = self.catalog.text(&record.sha256)?;
            bytes += text.as_ref().map_or(0, |t| t.joined().len()) + 1024;
            entries.push(Entry {
                history: self.catalog.history_of_doc(&record.id)?,
                record,
                text,
            });
            if entries.len() >= PAGE_RECORDS || bytes >= PAGE_BYTES {
                let first = first_seq.take().unwrap_or(last_seen);
                pushed.records += entries.len() as u64;
                self.write_page(journal, first, last_seen, std::mem::take(&mut entries))?;
                pushed.pages += 1;
                write_cursor(meta, PUSHED_KEY, last_seen, &path)?;
                bytes = 0;
            }
        }
        if !entries.is_empty() {
            let first = first_seq.unwrap_or(last_seen);
            pushed.records += entries.len() as u64;
            self.write_page(journal, first, last_seen, entries)?;
            pushed.pages += 1;
        }
        if last_seen != cursor {
            write_cursor(meta, PUSHED_KEY, last_seen, &path)?;
        }
        Ok(pushed)
    }

    fn write_page(
        &self,
        journal: &Journal,
        first_seq: u64,
        last_seq: u64,
        entries: Vec<Entry>,
    ) -> Result<()> {
        let page = Page {
            kho_journal_version: JOURNAL_VERSION,
            node: journal.node.clone(),
            first_seq,
            last_seq,
            written_at: OffsetDateTime::now_utc(),
            entries,
        };
        let body = serde_json::to_vec(&page).map_err(|e| ArchiveError::Damaged {
            key: page_key(&journal.node, last_seq),
            detail: format!("cannot encode the journal page: {e}"),
        })?;
        journal
            .client
            .put_bytes(&page_key(&journal.node, last_seq), &body)?;
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
        let meta = self.catalog.meta_tree();
        let path = self.root().join("catalog");
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
            let cursor = read_cursor(meta, cursor_key.as_bytes(), &path)?;
            let start_after = (cursor > 0).then(|| page_key(&node, cursor));
            // Listed first, read after: pages written meanwhile wait for the next pull.
            let keys: Vec<String> = journal
                .client
                .list(&folder, start_after.as_deref())
                .map(|item| item.map(|listed| listed.key))
                .collect::<std::result::Result<_, _>>()?;
            for key in keys {
                let damaged = |detail: String| ArchiveError::Damaged {
                    key: format!("{} {key}", journal.client.location()),
                    detail,
                };
                let Some(bytes) = journal.client.get_bytes(&key)? else {
                    return Err(damaged("listed but gone".into()));
                };
                let page: Page = serde_json::from_slice(&bytes)
                    .map_err(|e| damaged(format!("not a journal page: {e}")))?;
                if page.kho_journal_version > JOURNAL_VERSION {
                    return Err(damaged(format!(
                        "journal version {}; this kho reads {JOURNAL_VERSION}: use a matching kho release",
                        page.kho_journal_version
                    )));
                }
                if page.node != node || page_key(&node, page.last_seq) != key {
                    return Err(damaged(format!(
                        "says it is page {} of {}",
                        page.last_seq, page.node
                    )));
                }
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
                write_cursor(meta, cursor_key.as_bytes(), page.last_seq, &path)?;
                pulled.pages += 1;
                progress(&pulled);
            }
        }
        self.catalog.flush()?;
        Ok(pulled)
    }
}
