#![forbid(unsafe_code)]

use archive_core::{Archive, ArchiveError, IngestStatus, LedgerPage, NewDocument, Sha256Digest};
use schemas::{Caller, Credential, DocTypes, Format, MetadataInput, Principal, Role};
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
        source_name: Some("a.pdf".into()),
        ..NewDocument::new(metadata, Format::Pdf, 1)
    }
}

fn operator() -> Caller {
    Caller::local_operator("test")
}

fn admin() -> Caller {
    Caller::signed_in(
        Principal::new("quantri", Role::Admin, None, None).unwrap(),
        Credential::Session,
    )
}

fn ingest(archive: &Archive, bytes: &[u8], owner: &str) -> archive_core::Ingested {
    archive
        .ingest(&operator(), &mut &bytes[..], doc(owner))
        .unwrap()
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
    let first = ingest(&archive, b"%PDF-1.4 one", "049075001234");
    assert_eq!(first.status, IngestStatus::Stored);
    assert_eq!(
        first.record.sha256,
        Sha256Digest::of(b"%PDF-1.4 one").to_hex()
    );
    let again = ingest(&archive, b"%PDF-1.4 one", "049075001234");
    assert_eq!(again.status, IngestStatus::Duplicate);
    assert_eq!(again.record.id, first.record.id);
    let other = ingest(&archive, b"%PDF-1.4 one", "0100109106");
    assert_eq!(other.status, IngestStatus::Stored);
    assert_ne!(other.record.id, first.record.id);
    assert_eq!(other.record.sha256, first.record.sha256);
    let listed = archive
        .owner_documents(
            &operator(),
            &schemas::OwnerId::parse("049075001234").unwrap(),
            &Default::default(),
            &Default::default(),
        )
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((first.record.seq, other.record.seq), (1, 2));
    let report = archive.verify(&mut |_| {}).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!((report.records, report.blobs_checked), (2, 1));
    assert_eq!(
        report.ledger_events, 4,
        "two ingests, the duplicate found (the owner learns of it), and the listing's read"
    );
}

#[test]
fn records_survive_reopen_and_reads_are_ledgered() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let archive = Archive::open(dir.path()).unwrap();
        ingest(&archive, b"bytes", "049075001234").record.id
    };
    let archive = Archive::open(dir.path()).unwrap();
    let reader = Caller::local_operator("reader");
    let access = archive
        .original_access(&reader, &id, &schemas::AccessReason::purpose("kiểm tra"))
        .unwrap();
    let mut bytes = Vec::new();
    archive
        .read_original(&access)
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    assert_eq!(bytes, b"bytes");
    let document = archive
        .read_document(&reader, &id, &Default::default())
        .unwrap();
    assert_eq!(
        document.record().metadata.owner_name.as_deref(),
        Some("Nguyễn Văn Đức")
    );
    let owner = schemas::OwnerId::parse("049075001234").unwrap();
    let actions: Vec<_> = archive
        .owner_ledger(&admin(), &owner, LedgerPage::new(None, None))
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.event.action)
        .collect();
    use schemas::Action::*;
    assert_eq!(actions, vec![Ingest, Download, ReadMetadata]);
    assert!(matches!(
        archive.read_document(&reader, "nope", &Default::default()),
        Err(ArchiveError::NotFound(_))
    ));
}

#[test]
fn verify_names_corrupt_and_missing_blobs_with_their_records() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let a = ingest(&archive, b"first document", "049075001234").record;
    let b = ingest(&archive, b"second document", "049075001234").record;
    flip_first_byte(&blob_path(&archive, &a.sha256));
    std::fs::remove_file(blob_path(&archive, &b.sha256)).unwrap();
    let report = archive.verify(&mut |_| {}).unwrap();
    assert!(!report.is_clean());
    assert_eq!(report.corrupt.len(), 1);
    assert_eq!(report.corrupt[0].records, vec![a.id.clone()]);
    assert_eq!(report.missing.len(), 1);
    assert_eq!(report.missing[0].records, vec![b.id.clone()]);
    // Reading the corrupt original fails at the end instead of handing out bad bytes.
    let access = archive
        .original_access(&operator(), &a.id, &Default::default())
        .unwrap();
    let mut reader = archive.read_original(&access).unwrap();
    let err = reader.read_to_end(&mut Vec::new()).unwrap_err();
    assert!(err.to_string().contains("corrupt"));
}

#[test]
fn an_orphan_blob_is_reported_but_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    archive.put_blob(&mut &b"never recorded"[..]).unwrap();
    let report = archive.verify(&mut |_| {}).unwrap();
    assert!(report.is_clean());
    assert_eq!(
        report.orphans,
        vec![Sha256Digest::of(b"never recorded").to_hex()]
    );
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
