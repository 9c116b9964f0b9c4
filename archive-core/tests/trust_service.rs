//! The trust services on their own (no HTTP, no cryptography: the functions `ingest` passes in
//! are stand-ins here): certified copies are issued only to whom the policy allows, recorded
//! and ledgered; a copy holder's check is in the owner's ledger and names no one; trust anchors
//! are an admin's (or the console's), and checking signatures again is ledgered per document.

#![forbid(unsafe_code)]

use archive_core::{Archive, ArchiveError, LedgerPage, NewAnchor, NewDocument};
use schemas::policy::{Refusal, RefusalKind};
use schemas::{
    AccessReason, Action, Caller, CertifiedCopy, Credential, DocTypes, Format, MetadataInput,
    OwnerId, Principal, Role, SignatureInfo, SignatureStatus,
};
use time::OffsetDateTime;

const DUC: &str = "049075001234";
const DOSSIER_H47: &str = "000.00.00.H47-240501-0001";
const DOSSIER_H01: &str = "000.00.00.H01-240501-0001";

fn signed_in(name: &str, role: Role, agency: Option<&str>, owner: Option<&str>) -> Caller {
    Caller::signed_in(
        Principal::new(name, role, agency, owner).unwrap(),
        Credential::Session,
    )
}

fn clerk() -> Caller {
    signed_in("canbo", Role::Clerk, Some("H47.15"), None)
}

fn admin() -> Caller {
    signed_in("quantri", Role::Admin, None, None)
}

fn signature(status: SignatureStatus) -> SignatureInfo {
    SignatureInfo {
        signer: Some("Nguyễn Văn A".into()),
        organization: Some("UBND xã Tam Kỳ".into()),
        signed_at: None,
        status,
        covers_whole_file: true,
        digest_algorithm: Some("sha256".into()),
        detail: "test".into(),
    }
}

/// A birth certificate of DUC with these signatures.
fn store(archive: &Archive, bytes: &[u8], signatures: Vec<SignatureInfo>) -> String {
    let metadata = MetadataInput {
        owner_id: Some(DUC.into()),
        doc_type: Some("birth_certificate".into()),
        issuer: Some("UBND xã Tam Kỳ".into()),
        ..Default::default()
    }
    .validate(&DocTypes::builtin(), schemas::today())
    .unwrap();
    let doc = NewDocument {
        signatures,
        ..NewDocument::new(metadata, Format::Pdf, 1)
    };
    archive
        .ingest(&Caller::local_operator("test"), &mut &bytes[..], doc)
        .unwrap()
        .record
        .id
}

fn ledger(archive: &Archive) -> Vec<schemas::LedgerEvent> {
    archive
        .owner_ledger(
            &admin(),
            &OwnerId::parse(DUC).unwrap(),
            LedgerPage::new(None, Some(1000)),
        )
        .unwrap()
        .events
}

/// A stand-in for `ingest::certify`: a "copy" that is the original with a mark, its record
/// filled with wrong names that the service must replace.
fn fake_copy(
    code: &str,
) -> impl FnOnce(&schemas::DocumentRecord, &[u8]) -> Result<(CertifiedCopy, Vec<u8>), ArchiveError> + '_
{
    move |_record, original| {
        let bytes = [original, b" (copy)"].concat();
        let copy = CertifiedCopy {
            code: code.to_string(),
            doc_id: "not-the-document".into(),
            sha256: format!("{:064x}", bytes.len()),
            certified_at: OffsetDateTime::now_utc(),
            certified_by: "someone else".into(),
            agency: Some("Sở Tư pháp".into()),
            signer: Some("Kho".into()),
            dossier_code: Some("made up".into()),
        };
        Ok((copy, bytes))
    }
}

#[test]
fn a_copy_is_issued_to_an_allowed_reader_recorded_with_its_event_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let doc = store(&archive, b"%PDF original", Vec::new());
    let reason = AccessReason::new(Some(DOSSIER_H47), None, Some("bản sao")).unwrap();
    let (copy, bytes) = archive
        .certify(&clerk(), &doc, &reason, fake_copy("ABCDE-12345"))
        .unwrap();
    assert_eq!(bytes, b"%PDF original (copy)");
    assert_eq!(copy.doc_id, doc);
    assert_eq!(copy.certified_by, "canbo");
    assert_eq!(copy.dossier_code.as_deref(), Some(DOSSIER_H47));
    let certified = ledger(&archive).pop().unwrap();
    assert_eq!(certified.event.action, Action::Certify);
    assert_eq!(certified.event.actor.name, "canbo");
    assert_eq!(certified.event.doc_id.as_deref(), Some(doc.as_str()));
    assert_eq!(certified.event.dossier_code.as_deref(), Some(DOSSIER_H47));

    let operator = signed_in("vanhanh", Role::Operator, None, None);
    let document = archive
        .read_document(&operator, &doc, &Default::default())
        .unwrap();
    assert_eq!(document.certified_copies(), std::slice::from_ref(&copy));
    let listed = archive
        .certified_copies(&operator, &doc, &Default::default())
        .unwrap();
    assert_eq!(listed, vec![copy]);
    let read = ledger(&archive).pop().unwrap();
    assert_eq!(read.event.action, Action::ReadMetadata);
    assert_eq!(
        read.event.detail.as_deref(),
        Some("list of certified copies")
    );
}

#[test]
fn a_copy_is_refused_to_roles_and_dossiers_the_policy_refuses_and_the_refusal_is_ledgered() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let doc = store(&archive, b"%PDF original", Vec::new());
    let owner = signed_in("duc", Role::Citizen, None, Some(DUC));
    let mut made = false;
    let refused = archive
        .certify(&owner, &doc, &Default::default(), |_: &_, _: &_| {
            made = true;
            Err::<(CertifiedCopy, Vec<u8>), ArchiveError>(ArchiveError::Conflict(
                schemas::Message::new(&schemas::messages::CONFLICT_COPY_CODE),
            ))
        })
        .unwrap_err();
    assert!(!made, "nothing is made for a refused caller");
    let ArchiveError::Refused(refusal) = refused else {
        panic!("{refused}");
    };
    assert_eq!(refusal.kind(), RefusalKind::Role);
    let last = ledger(&archive).pop().unwrap();
    assert_eq!(last.event.action, Action::Refused);
    assert_eq!(last.event.doc_id.as_deref(), Some(doc.as_str()));

    // A clerk names a dossier, and one of their province.
    let none = archive
        .certify(
            &clerk(),
            &doc,
            &Default::default(),
            fake_copy("ABCDE-00001"),
        )
        .unwrap_err();
    assert!(matches!(none, ArchiveError::Refused(Refusal::Reason(_))));
    let elsewhere = AccessReason::new(Some(DOSSIER_H01), None, Some("bản sao")).unwrap();
    let other = archive
        .certify(&clerk(), &doc, &elsewhere, fake_copy("ABCDE-00002"))
        .unwrap_err();
    assert!(matches!(other, ArchiveError::Refused(Refusal::Dossier(_))));
    let admin_refused = archive
        .certify(
            &admin(),
            &doc,
            &Default::default(),
            fake_copy("ABCDE-00003"),
        )
        .unwrap_err();
    assert!(matches!(
        admin_refused,
        ArchiveError::Refused(Refusal::Role { .. })
    ));
    let operator = signed_in("vanhanh", Role::Operator, None, None);
    assert!(archive
        .certified_copies(&operator, &doc, &Default::default())
        .unwrap()
        .is_empty());
}

#[test]
fn no_copy_of_a_revoked_document() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let doc = store(&archive, b"%PDF original", Vec::new());
    let operator = signed_in("vanhanh", Role::Operator, None, None);
    archive.revoke(&operator, &doc, "cấp nhầm").unwrap();
    let refused = archive
        .certify(
            &operator,
            &doc,
            &Default::default(),
            fake_copy("ABCDE-99999"),
        )
        .unwrap_err();
    assert!(
        matches!(&refused, ArchiveError::Conflict(words) if words.code() == "conflict.certify_revoked"),
        "{refused}"
    );
    assert!(archive
        .certified_copies(&operator, &doc, &Default::default())
        .unwrap()
        .is_empty());
}

#[test]
fn a_holders_check_is_in_the_owners_ledger_and_names_no_one() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let doc = store(&archive, b"%PDF original", Vec::new());
    let operator = signed_in("vanhanh", Role::Operator, None, None);
    let (copy, _) = archive
        .certify(
            &operator,
            &doc,
            &Default::default(),
            fake_copy("ABCDE-12345"),
        )
        .unwrap();
    let view = archive
        .check_copy_by_code("ABCDE-12345", "by its code")
        .unwrap()
        .unwrap();
    assert_eq!(view.code, "ABCDE-12345");
    assert_eq!(view.copy_sha256, copy.sha256);
    assert_eq!(view.owner_hint, "***234");
    let json = serde_json::to_string(&view).unwrap();
    assert!(!json.contains(DUC) && !json.contains(&doc), "{json}");
    let checked = ledger(&archive).pop().unwrap();
    assert_eq!(checked.event.action, Action::VerifyCopy);
    assert_eq!(checked.event.doc_id.as_deref(), Some(doc.as_str()));
    assert_eq!(checked.event.actor.kind, "system");

    let by_file = archive
        .check_copy_by_sha256(&copy.sha256, "by the file")
        .unwrap();
    assert_eq!(by_file, Some(view));
    let before = ledger(&archive).len();
    assert_eq!(
        archive
            .check_copy_by_code("ZZZZZ-ZZZZZ", "by its code")
            .unwrap(),
        None
    );
    assert_eq!(
        archive
            .check_copy_by_sha256(&"0".repeat(64), "by the file")
            .unwrap(),
        None
    );
    assert_eq!(ledger(&archive).len(), before, "no copy, no owner to tell");
}

fn anchor(name: &str) -> NewAnchor {
    NewAnchor {
        name: name.into(),
        der: vec![0x30, 0x00],
        subject: "CN=Test CA".into(),
        fingerprint: "ab".repeat(32),
        not_after: OffsetDateTime::now_utc(),
    }
}

#[test]
fn trust_anchors_are_an_admins_or_the_consoles() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    for caller in [
        signed_in("vanhanh", Role::Operator, None, None),
        clerk(),
        signed_in("duc", Role::Citizen, None, Some(DUC)),
    ] {
        let refused = archive.add_trust_anchor(&caller, anchor("ca")).unwrap_err();
        assert!(
            matches!(refused, ArchiveError::Refused(Refusal::Role { .. })),
            "{refused}"
        );
        assert!(archive.trust_anchors(&caller).is_err());
    }
    let added = archive.add_trust_anchor(&admin(), anchor("ca")).unwrap();
    assert_eq!(added.added_by, "quantri");
    let console = Caller::local_operator("cli:an");
    assert_eq!(archive.trust_anchors(&console).unwrap(), vec![added]);
    assert_eq!(
        archive.trust_anchor_certificates().unwrap(),
        vec![vec![0x30, 0x00]]
    );
    let removed = archive.remove_trust_anchor(&console, "ca").unwrap();
    assert_eq!(removed.name, "ca");
    assert!(archive.trust_anchors(&admin()).unwrap().is_empty());
    // Both changes are configuration: in the admin audit trail, and in no owner's ledger.
    let audit = archive
        .audit_trail(&admin(), archive_core::LedgerPage::new(None, None))
        .unwrap();
    let trust: Vec<_> = audit
        .events
        .iter()
        .filter(|e| e.event.action == schemas::Action::TrustChanged)
        .collect();
    assert_eq!(trust.len(), 2);
    assert!(trust.iter().all(|e| e.event.owner_id.is_none()));
}

#[test]
fn checking_signatures_again_changes_and_ledgers_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let signed = store(
        &archive,
        b"%PDF signed",
        vec![signature(SignatureStatus::Untrusted)],
    );
    let _plain = store(&archive, b"%PDF plain", Vec::new());
    let operator = signed_in("vanhanh", Role::Operator, None, None);
    let now_trusted = |_: &[u8]| vec![signature(SignatureStatus::Valid)];
    assert!(archive
        .recheck_signatures(&operator, "anchor added", &now_trusted, &mut |_, _| {})
        .is_err());
    let mut seen = Vec::new();
    let recheck = archive
        .recheck_signatures(
            &admin(),
            "trust anchor ca added",
            &now_trusted,
            &mut |done, total| seen.push((done, total)),
        )
        .unwrap();
    assert_eq!(recheck.checked, 1, "only the signed original is read");
    assert_eq!(recheck.changed, vec![signed.clone()]);
    assert_eq!(seen.last(), Some(&(1, 1)));
    let event = ledger(&archive).pop().unwrap();
    assert_eq!(event.event.action, Action::SignaturesChecked);
    assert_eq!(
        event.event.detail.as_deref(),
        Some("signatures checked again (trust anchor ca added): untrusted -> valid")
    );
    let again = archive
        .recheck_signatures(&admin(), "again", &now_trusted, &mut |_, _| {})
        .unwrap();
    assert!(again.changed.is_empty(), "the same status is no change");

    // Re-extraction reads the signatures of the PDFs it names (an operator's act).
    let target = archive_core::ReextractTarget::Documents(vec![signed.clone()]);
    let none = |_: &[u8]| Vec::new();
    let reread = archive
        .reextract_signatures(&operator, &target, &none, &mut |_, _| {})
        .unwrap();
    assert_eq!(reread.changed, vec![signed.clone()]);
    let document = archive
        .read_document(&operator, &signed, &Default::default())
        .unwrap();
    assert!(document.record().signatures.is_empty());
    assert!(archive
        .reextract_signatures(&clerk(), &target, &none, &mut |_, _| {})
        .is_err());
}
