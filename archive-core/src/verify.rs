//! `verify`: every blob re-hashed, every record's blob present, the ledger chain intact.

use crate::blob::BlobStore;
use crate::catalog::Catalog;
use crate::{HashingReader, Result, Sha256Digest};
use std::collections::HashSet;

/// A blob that is damaged or gone, with the records that depend on it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DamagedBlob {
    pub sha256: String,
    pub records: Vec<String>,
    pub detail: String,
}

/// What `kho verify --json` prints.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    pub records: u64,
    pub blobs_checked: u64,
    pub bytes_checked: u64,
    /// Blobs whose bytes no longer hash to their name.
    pub corrupt: Vec<DamagedBlob>,
    /// Blobs that records point at but that are not in the store.
    pub missing: Vec<DamagedBlob>,
    /// Blobs no record (and no kept scanned stack) points at: left by an ingest interrupted
    /// before its record was written.
    /// Harmless (the next ingest of the same bytes reuses them) and never deleted automatically.
    pub orphans: Vec<String>,
    pub ledger_ok: bool,
    pub ledger_events: u64,
    pub ledger_error: Option<String>,
    /// Records the search index should hold but does not (`kho reindex` repairs it).
    pub index_missing: Vec<String>,
    /// Records newer than the index's last commit (indexed at the next start-up or batch).
    pub index_pending: u64,
    /// For a store on a bucket: record changes made here and not yet in the bucket's journal
    /// (sent by the next `kho ingest`, `kho rebuild --since` or `kho serve`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal_pending: Option<u64>,
}

impl VerifyReport {
    /// True when nothing is corrupt or missing, the ledger holds and the index has every record
    /// it claims to. Orphans and pending index work do not count.
    pub fn is_clean(&self) -> bool {
        self.corrupt.is_empty()
            && self.missing.is_empty()
            && self.ledger_ok
            && self.index_missing.is_empty()
    }
}

pub(crate) fn verify(
    catalog: &Catalog,
    blobs: &dyn BlobStore,
    progress: &mut dyn FnMut(u64),
) -> Result<VerifyReport> {
    let mut report = VerifyReport {
        records: catalog.count_records() as u64,
        blobs_checked: 0,
        bytes_checked: 0,
        corrupt: Vec::new(),
        missing: Vec::new(),
        orphans: Vec::new(),
        ledger_ok: true,
        ledger_events: 0,
        ledger_error: None,
        index_missing: Vec::new(),
        index_pending: 0,
        journal_pending: None,
    };
    let mut present: HashSet<Sha256Digest> = HashSet::new();
    let mut bad: Vec<(Sha256Digest, String)> = Vec::new();
    for digest in blobs.list()? {
        let digest = digest?;
        let mut reader = HashingReader::new(blobs.open(&digest)?);
        let outcome = std::io::copy(&mut reader, &mut std::io::sink());
        let (actual, size) = reader.finish();
        match outcome {
            Err(e) => bad.push((digest, format!("cannot be read: {e}"))),
            Ok(_) if actual != digest => bad.push((
                digest,
                format!("its bytes now hash to {actual}: the file was modified or damaged"),
            )),
            Ok(_) => {}
        }
        present.insert(digest);
        report.blobs_checked += 1;
        report.bytes_checked += size;
        progress(report.blobs_checked);
    }
    let mut referenced: HashSet<Sha256Digest> = HashSet::new();
    for group in catalog.blobs() {
        let (sha, records) = group?;
        let Some(digest) = Sha256Digest::from_hex(&sha) else {
            report.missing.push(DamagedBlob {
                sha256: sha,
                records,
                detail: "the catalogue holds a malformed sha256".into(),
            });
            continue;
        };
        referenced.insert(digest);
        if !present.contains(&digest) {
            report.missing.push(DamagedBlob {
                sha256: sha,
                records,
                detail: "no blob with this sha256 in the store".into(),
            });
        }
    }
    // A kept scanned stack is used by the documents cut from it, not by a record of its own.
    for sha in catalog.stacks().digests() {
        if let Some(digest) = Sha256Digest::from_hex(&sha?) {
            referenced.insert(digest);
        }
    }
    for (digest, detail) in bad {
        report.corrupt.push(DamagedBlob {
            sha256: digest.to_hex(),
            records: catalog.docs_with_blob(&digest.to_hex())?,
            detail,
        });
    }
    report.orphans = present
        .difference(&referenced)
        .map(Sha256Digest::to_hex)
        .collect();
    report.orphans.sort();
    let ledger = catalog.check_ledger()?;
    report.ledger_ok = ledger.error.is_none();
    report.ledger_events = ledger.events;
    report.ledger_error = ledger.error;
    Ok(report)
}

#[cfg(test)]
mod tests {
    //! An attacker with the disk edits the ledger under the catalogue: `verify` must say so.
    //! (Unit tests: only this crate can reach the ledger's tree at all.)

    use crate::{Archive, NewDocument};
    use schemas::{Caller, DocTypes, Format, MetadataInput};

    fn store_three(archive: &Archive) {
        let metadata = MetadataInput {
            owner_id: Some("049075001234".into()),
            doc_type: Some("birth_certificate".into()),
            ..Default::default()
        }
        .validate(&DocTypes::builtin(), schemas::today())
        .unwrap();
        for i in 0..3u8 {
            let doc = NewDocument::new(metadata.clone(), Format::Pdf, 1);
            archive
                .ingest(&Caller::local_operator("test"), &mut &[i][..], doc)
                .unwrap();
        }
    }

    #[test]
    fn an_edited_ledger_event_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::open(dir.path()).unwrap();
        store_three(&archive);
        assert!(archive.verify(&mut |_| {}).unwrap().ledger_ok);
        let tree = archive.catalog.ledger_tree();
        let key = 2u64.to_be_bytes();
        let mut event: serde_json::Value =
            serde_json::from_slice(&tree.get(key).unwrap().unwrap()).unwrap();
        event["actor"]["name"] = "someone else".into();
        tree.insert(key, serde_json::to_vec(&event).unwrap())
            .unwrap();
        let report = archive.verify(&mut |_| {}).unwrap();
        assert!(!report.ledger_ok);
        assert!(report.ledger_error.unwrap().contains("event 2 was altered"));
    }

    #[test]
    fn a_removed_last_event_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::open(dir.path()).unwrap();
        store_three(&archive);
        archive
            .catalog
            .ledger_tree()
            .remove(3u64.to_be_bytes())
            .unwrap();
        let report = archive.verify(&mut |_| {}).unwrap();
        assert!(!report.ledger_ok, "{report:?}");
    }
}
