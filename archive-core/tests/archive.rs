use archive_core::{Archive, ArchiveError, IngestStatus, NewDocument, Sha256Digest};
use schemas::{Actor, DocTypes, Format, MetadataInput};
use std::io::Read;
use std::os::unix::fs::PermissionsExt;

fn doc(owner: &str) -> NewDocument {
    let metadata = MetadataInput {
        owner_id: Some(owner.into()),
        doc_type: Some("birth_certificate".into()),
        owner_name: Some("Nguyễn Văn Đức".into()),
        ..Default::default()
    }
    .validate(&DocTypes::builtin(), schemas::today())
    .unwrap();
    NewDocument {
        metadata,
        format: Format::Pdf,
        pages: 1,
        source_name: Some("a.pdf".into()),
        actor: Actor::local_operator("test"),
        text: None,
        rescan_of: None,
    }
}

fn blob_path(archive: &Archive, sha: &str) -> std::path::PathBuf {
    archive
        .root()
        .join("blobs")
        .join(&sha[0..2])
        .join(&sha[2..4])
        .join(sha)
}

fn flip_first_byte(path: &std::path::Path) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut bytes = std::fs::read(path).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn same_bytes_dedupe_per_owner_and_share_the_blob() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let first = archive
        .ingest(&mut &b"%PDF-1.4 one"[..], doc("049075001234"))
        .unwrap();
    assert_eq!(first.status, IngestStatus::Stored);
    assert_eq!(
        first.record.sha256,
        Sha256Digest::of(b"%PDF-1.4 one").to_hex()
    );
    let again = archive
        .ingest(&mut &b"%PDF-1.4 one"[..], doc("049075001234"))
        .unwrap();
    assert_eq!(again.status, IngestStatus::Duplicate);
    assert_eq!(again.record.id, first.record.id);
    let other = archive
        .ingest(&mut &b"%PDF-1.4 one"[..], doc("0100109106"))
        .unwrap();
    assert_eq!(other.status, IngestStatus::Stored);
    assert_ne!(other.record.id, first.record.id);
    assert_eq!(other.record.sha256, first.record.sha256);
    assert_eq!(archive.blobs().list().unwrap().count(), 1);
    let mut users = archive
        .catalog()
        .docs_with_blob(&first.record.sha256)
        .unwrap();
    users.sort();
    let mut expected = vec![first.record.id.clone(), other.record.id.clone()];
    expected.sort();
    assert_eq!(users, expected);
    assert_eq!(
        archive
            .catalog()
            .docs_of_owner("049075001234")
            .unwrap()
            .len(),
        1
    );
    assert_eq!((first.record.seq, other.record.seq), (1, 2));
    let report = archive.verify(&mut |_| {}).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.blobs_checked, 1);
    assert_eq!(report.ledger_events, 2);
}

#[test]
fn records_survive_reopen_and_reads_are_ledgered() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let archive = Archive::open(dir.path()).unwrap();
        archive
            .ingest(&mut &b"bytes"[..], doc("049075001234"))
            .unwrap()
            .record
            .id
    };
    let archive = Archive::open(dir.path()).unwrap();
    let actor = Actor::local_operator("reader");
    let (record, mut reader) = archive
        .open_original(&id, &actor, &schemas::AccessReason::purpose("kiểm tra"))
        .unwrap();
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes, b"bytes");
    assert_eq!(
        record.metadata.owner_name.as_deref(),
        Some("Nguyễn Văn Đức")
    );
    archive
        .read_record(&id, &actor, &Default::default())
        .unwrap();
    let actions: Vec<_> = archive
        .catalog()
        .events()
        .map(|e| e.unwrap().event.action)
        .collect();
    use schemas::Action::*;
    assert_eq!(actions, vec![Ingest, Download, ReadMetadata]);
    assert!(matches!(
        archive.record("nope"),
        Err(ArchiveError::NotFound(_))
    ));
}

#[test]
fn verify_names_corrupt_and_missing_blobs_with_their_records() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let a = archive
        .ingest(&mut &b"first document"[..], doc("049075001234"))
        .unwrap()
        .record;
    let b = archive
        .ingest(&mut &b"second document"[..], doc("049075001234"))
        .unwrap()
        .record;
    flip_first_byte(&blob_path(&archive, &a.sha256));
    std::fs::remove_file(blob_path(&archive, &b.sha256)).unwrap();
    let report = archive.verify(&mut |_| {}).unwrap();
    assert!(!report.is_clean());
    assert_eq!(report.corrupt.len(), 1);
    assert_eq!(report.corrupt[0].records, vec![a.id.clone()]);
    assert_eq!(report.missing.len(), 1);
    assert_eq!(report.missing[0].records, vec![b.id.clone()]);
    // Reading the corrupt original fails at the end instead of handing out bad bytes.
    let (_, mut reader) = archive
        .open_original(&a.id, &Actor::local_operator("t"), &Default::default())
        .unwrap();
    let err = reader.read_to_end(&mut Vec::new()).unwrap_err();
    assert!(err.to_string().contains("corrupt"));
}

#[test]
fn an_orphan_blob_is_reported_but_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    archive
        .blobs()
        .put(&mut &b"never recorded"[..], 1000)
        .unwrap();
    let report = archive.verify(&mut |_| {}).unwrap();
    assert!(report.is_clean());
    assert_eq!(
        report.orphans,
        vec![Sha256Digest::of(b"never recorded").to_hex()]
    );
}

#[test]
fn an_edited_ledger_event_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    for i in 0..3u8 {
        archive.ingest(&mut &[i][..], doc("049075001234")).unwrap();
    }
    assert!(archive.verify(&mut |_| {}).unwrap().ledger_ok);
    let tree = archive.catalog().ledger_tree();
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
    archive.ingest(&mut &b"x"[..], doc("049075001234")).unwrap();
    archive.ingest(&mut &b"y"[..], doc("049075001234")).unwrap();
    archive
        .catalog()
        .ledger_tree()
        .remove(2u64.to_be_bytes())
        .unwrap();
    let report = archive.verify(&mut |_| {}).unwrap();
    assert!(!report.ledger_ok, "{report:?}");
}

#[test]
fn the_catalogue_is_locked_while_open() {
    let dir = tempfile::tempdir().unwrap();
    let _held = Archive::open(dir.path()).unwrap();
    // sled's lock is per process (flock); the same process may reopen, so check via a child.
    let status = std::process::Command::new("flock")
        .args(["-n", "-x"])
        .arg(dir.path().join("catalog/db"))
        .arg("true")
        .status()
        .expect("flock (util-linux) must run for this test");
    assert!(!status.success(), "the catalogue must be locked while open");
}

#[test]
fn the_store_extends_document_types_from_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("doc-types.csv"),
        "key,title,validity\nfire_safety_permit,Giấy chứng nhận thẩm duyệt PCCC,permanent\n",
    )
    .unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    assert!(archive.doc_types().get("fire_safety_permit").is_some());
    drop(archive);
    std::fs::write(
        dir.path().join("doc-types.csv"),
        "key,title,validity\nX,y,z\n",
    )
    .unwrap();
    let err = Archive::open(dir.path()).err().unwrap().to_string();
    assert!(
        err.contains("doc-types.csv") && err.contains("line 2"),
        "{err}"
    );
}

#[test]
fn a_store_of_another_layout_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kho-store.json"),
        r#"{"kho_store_version": 99}"#,
    )
    .unwrap();
    let err = Archive::open(dir.path()).err().unwrap().to_string();
    assert!(err.contains("version 99"), "{err}");
}
