//! The record of every batch run (`kho ingest`): who ran it, on what, its counts, and one line
//! per file with its outcome and reason, so that an operator can read a batch's report from the
//! store (the web UI's "recent batches") long after the terminal that ran it is gone.
//!
//! Trees: `batches` (batch id, big-endian -> [`BatchRecord`]) and `batch_lines` (batch id ++
//! line index, both big-endian -> [`BatchLine`]). Lines are written by the batch writer before
//! its group flush, so a line is durable exactly when the outcome it reports is. A batch whose
//! process died keeps `finished_at: None`: it shows as interrupted, and re-running it (the way a
//! batch is resumed) makes a new batch whose stored files show as duplicates.

use crate::catalog::codec::{decode, encode};
use crate::{ArchiveError, Result};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BatchRecord {
    pub id: u64,
    /// Who ran it (the actor of its ingest events).
    pub actor: String,
    /// What it was run on: the manifest or the paths given.
    pub source: String,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// None while it runs, and for ever if its process died.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub finished_at: Option<OffsetDateTime>,
    pub total: u64,
    pub stored: u64,
    pub duplicate: u64,
    pub rejected: u64,
}

/// One file's outcome in a batch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BatchLine {
    /// The manifest line, if the batch had a manifest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub file: String,
    /// `stored`, `duplicate` or `rejected`.
    pub status: String,
    /// The document, for stored and duplicate files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// For a rejection: the kind of reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_kind: Option<String>,
    /// The reason as its code and parameters (no words: rendered in the reader's language when
    /// shown). A code the table no longer knows reads back as none.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "known_message"
    )]
    pub message: Option<schemas::messages::Message>,
    /// The reason in words, as reports stored before codes have it (new lines leave it empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A stored message, or none when its code is not (any longer) in the table: the line still
/// reads back, with its kind.
fn known_message<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<schemas::messages::Message>, D::Error> {
    use serde::Deserialize;
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

pub struct Batches {
    batches: sled::Tree,
    lines: sled::Tree,
    path: PathBuf,
}

fn line_key(batch: u64, index: u64) -> [u8; 16] {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&batch.to_be_bytes());
    key[8..].copy_from_slice(&index.to_be_bytes());
    key
}

impl Batches {
    pub(crate) fn new(batches: sled::Tree, lines: sled::Tree, path: &Path) -> Self {
        Batches {
            batches,
            lines,
            path: path.to_path_buf(),
        }
    }

    fn err(&self) -> impl Fn(sled::Error) -> ArchiveError + '_ {
        |source| ArchiveError::Catalog {
            path: self.path.clone(),
            source,
        }
    }

    fn put(&self, record: &BatchRecord) -> Result<()> {
        self.batches
            .insert(record.id.to_be_bytes(), encode(record)?)
            .map_err(self.err())?;
        Ok(())
    }

    /// Opens the record of a new batch (made durable by the batch's first flush).
    pub fn start(&self, actor: &str, source: &str, total: u64) -> Result<BatchRecord> {
        // Numbered 1, 2, 3...: one process holds the store, so the last number is the highest.
        let last = self.batches.last().map_err(self.err())?;
        let id = last
            .and_then(|(key, _)| <[u8; 8]>::try_from(key.as_ref()).ok())
            .map_or(0, u64::from_be_bytes)
            + 1;
        let record = BatchRecord {
            id,
            actor: actor.to_string(),
            source: source.to_string(),
            started_at: OffsetDateTime::now_utc(),
            finished_at: None,
            total,
            stored: 0,
            duplicate: 0,
            rejected: 0,
        };
        self.put(&record)?;
        Ok(record)
    }

    /// Adds outcomes to a batch, numbered from `first_index`, and its running counts.
    pub fn record_lines(
        &self,
        record: &BatchRecord,
        first_index: u64,
        lines: &[BatchLine],
    ) -> Result<()> {
        let mut batch = sled::Batch::default();
        for (i, line) in lines.iter().enumerate() {
            batch.insert(&line_key(record.id, first_index + i as u64), encode(line)?);
        }
        self.lines.apply_batch(batch).map_err(self.err())?;
        self.put(record)
    }

    /// Closes a batch with its final counts, durably.
    pub fn finish(&self, record: &mut BatchRecord) -> Result<()> {
        record.finished_at = Some(OffsetDateTime::now_utc());
        self.put(record)?;
        // Flushing a tree flushes the whole database (one fsync).
        self.batches.flush().map(|_| ()).map_err(self.err())
    }

    /// The newest batches first.
    pub fn recent(&self, limit: usize) -> Result<Vec<BatchRecord>> {
        self.batches
            .iter()
            .rev()
            .take(limit)
            .map(|item| {
                let (_, bytes) = item.map_err(self.err())?;
                decode("batch", &bytes)
            })
            .collect()
    }

    pub fn get(&self, id: u64) -> Result<Option<BatchRecord>> {
        match self.batches.get(id.to_be_bytes()).map_err(self.err())? {
            Some(bytes) => Ok(Some(decode(&format!("batch {id}"), &bytes)?)),
            None => Ok(None),
        }
    }

    /// A page of a batch's lines from index `from`; `only_rejected` keeps the rejections.
    pub fn lines(
        &self,
        id: u64,
        from: u64,
        limit: usize,
        only_rejected: bool,
    ) -> Result<Vec<(u64, BatchLine)>> {
        let mut out = Vec::new();
        for item in self
            .lines
            .range(line_key(id, from)..=line_key(id, u64::MAX))
        {
            let (key, bytes) = item.map_err(self.err())?;
            let index = key
                .get(8..16)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            let line: BatchLine = decode(&format!("batch {id} line {index}"), &bytes)?;
            if only_rejected && line.status != "rejected" {
                continue;
            }
            out.push((index, line));
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;

    fn line(file: &str, status: &str) -> super::BatchLine {
        super::BatchLine {
            line: Some(2),
            file: file.into(),
            status: status.into(),
            id: None,
            reject_kind: None,
            message: None,
            reason: None,
        }
    }

    /// A rejection is stored as its code and parameters, no words; a report stored before codes
    /// (words only) and one whose code the table no longer has still read back.
    #[test]
    fn a_lines_reason_is_stored_without_words_and_old_lines_still_read() {
        use schemas::messages::{Lang, Message, INGEST_TOO_LARGE};
        let mut rejected = line("b.pdf", "rejected");
        rejected.message = Some(
            Message::new(&INGEST_TOO_LARGE)
                .with("size", 9)
                .with("max", 8),
        );
        let stored = String::from_utf8(crate::catalog::codec::encode(&rejected).unwrap()).unwrap();
        assert!(stored.contains(r#""code":"ingest.too_large""#), "{stored}");
        assert!(!stored.contains("bytes"), "no English stored: {stored}");
        let back: super::BatchLine =
            crate::catalog::codec::decode("line", stored.as_bytes()).unwrap();
        assert_eq!(
            back.message.unwrap().render(Lang::Vi),
            "tệp có 9 byte; kho nhận tối đa 8 byte mỗi tệp"
        );
        let old = br#"{"file":"c.pdf","status":"rejected","reject_kind":"too_large","reason":"the file is 9 bytes"}"#;
        let old: super::BatchLine = crate::catalog::codec::decode("line", old).unwrap();
        assert_eq!(
            (old.message, old.reason.as_deref()),
            (None, Some("the file is 9 bytes"))
        );
        let gone =
            br#"{"file":"d.pdf","status":"rejected","message":{"code":"no.longer","params":{}}}"#;
        let gone: super::BatchLine = crate::catalog::codec::decode("line", gone).unwrap();
        assert_eq!((gone.file.as_str(), gone.message), ("d.pdf", None));
    }

    #[test]
    fn batches_keep_their_lines_and_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog");
        {
            let catalog = Catalog::open(&path, &path.join("no-index"), None).unwrap();
            let batches = catalog.batches();
            let mut first = batches.start("operator:cli", "a/manifest.csv", 3).unwrap();
            first.stored = 2;
            first.rejected = 1;
            batches
                .record_lines(
                    &first,
                    0,
                    &[line("a.pdf", "stored"), line("b.pdf", "rejected")],
                )
                .unwrap();
            batches
                .record_lines(&first, 2, &[line("c.pdf", "stored")])
                .unwrap();
            batches.finish(&mut first).unwrap();
            let second = batches.start("operator:cli", "b", 1).unwrap();
            catalog.flush().unwrap();
            assert_eq!((first.id, second.id), (1, 2));
        }
        let catalog = Catalog::open(&path, &path.join("no-index"), None).unwrap();
        let batches = catalog.batches();
        let recent = batches.recent(10).unwrap();
        assert_eq!(recent.len(), 2);
        assert_eq!(recent[0].source, "b", "newest first");
        assert!(recent[0].finished_at.is_none(), "never finished");
        let first = &recent[1];
        assert!(first.finished_at.is_some());
        let all = batches.lines(first.id, 0, 100, false).unwrap();
        assert_eq!(
            all.iter()
                .map(|(i, l)| (*i, l.file.as_str()))
                .collect::<Vec<_>>(),
            [(0, "a.pdf"), (1, "b.pdf"), (2, "c.pdf")]
        );
        let rejected = batches.lines(first.id, 0, 100, true).unwrap();
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].1.file, "b.pdf");
        assert_eq!(batches.lines(first.id, 2, 1, false).unwrap()[0].0, 2);
        assert!(batches
            .lines(recent[0].id, 0, 10, false)
            .unwrap()
            .is_empty());
    }
}
