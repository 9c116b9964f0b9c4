//! Registered dossiers and shares at the service door (no HTTP): what a clerk's search or read
//! for a dossier tells about each owner is in that owner's ledger, with the consent it used.

#![forbid(unsafe_code)]

use archive_core::search::SearchRequest;
use archive_core::{Archive, LedgerPage, NewDocument};
use schemas::{
    AccessReason, Action, Caller, Credential, DocTypes, DocumentText, DossierCheck, DossierInput,
    Format, MetadataInput, OwnerId, PageSource, PageText, Principal, Role,
};

const DUC: &str = "049075001234";
const THUY: &str = "079305000001";
const DOSSIER: &str = "000.00.00.H47-261127-0001";

fn signed_in(name: &str, role: Role, agency: Option<&str>, owner: Option<&str>) -> Caller {
    Caller::signed_in(
        Principal::new(name, role, agency, owner).unwrap(),
        Credential::Session,
    )
}

/// A one-page birth certificate of `owner` whose text is `words`.
fn store(archive: &Archive, owner: &str, bytes: &[u8], words: &str) -> String {
    let metadata = MetadataInput {
        owner_id: Some(owner.into()),
        doc_type: Some("birth_certificate".into()),
        ..Default::default()
    }
    .validate(&DocTypes::builtin(), schemas::today())
    .unwrap();
    let text = DocumentText {
        pages: vec![PageText {
            page: 1,
            text: words.into(),
            source: PageSource::Ocr,
            ocr_confidence: Some(90.0),
            rotated: 0,
            note: None,
        }],
        engine: "test".into(),
    };
    let doc = NewDocument {
        text: Some(text),
        ..NewDocument::new(metadata, Format::Pdf, 1)
    };
    archive
        .ingest(&Caller::local_operator("test"), &mut &bytes[..], doc)
        .unwrap()
        .record
        .id
}

fn ledger(archive: &Archive, owner: &str) -> Vec<schemas::LedgerEvent> {
    let admin = signed_in("quantri", Role::Admin, None, None);
    archive
        .owner_ledger(
            &admin,
            &OwnerId::parse(owner).unwrap(),
            LedgerPage::new(None, Some(1000)),
        )
        .unwrap()
        .events
}

/// A store that checks registered dossiers, with `DOSSIER` registered for `applicants`,
/// received by `receiving_agency`.
fn registered_store(dir: &std::path::Path, applicants: &[&str], receiving_agency: &str) -> Archive {
    let mut archive = Archive::open(dir).unwrap();
    archive.set_dossier_check(DossierCheck::Registered);
    let intake = signed_in("motcua", Role::Intake, None, None);
    let dossier = DossierInput {
        code: DOSSIER.into(),
        procedure_code: "1.001193".into(),
        applicants: applicants.iter().map(|a| a.to_string()).collect(),
        receiving_agency: receiving_agency.into(),
        received_on: "2026-11-27".into(),
    }
    .validate()
    .unwrap();
    archive.register_dossier(&intake, dossier).unwrap();
    archive
}

fn for_dossier() -> AccessReason {
    AccessReason::new(Some(DOSSIER), None, Some("đối chiếu")).unwrap()
}

#[test]
fn a_search_for_a_dossier_of_several_applicants_is_a_search_event_for_each() {
    let dir = tempfile::tempdir().unwrap();
    let archive = registered_store(dir.path(), &[DUC, THUY], "000.00.15.H47");
    store(&archive, DUC, b"%PDF one", "giấy khai sinh Nguyễn Văn Đức");
    store(&archive, THUY, b"%PDF two", "giấy khai sinh Trần Thị Thuý");
    archive.sync_index(&mut |_, _| {}).unwrap();
    let clerk = signed_in("canbo", Role::Clerk, Some("000.00.15.H47"), None);
    let request = SearchRequest {
        query: "giấy".into(),
        limit: 20,
        ..Default::default()
    };
    let found = archive.search(&clerk, &request, &for_dossier()).unwrap();
    assert_eq!(found.total, 2);
    for owner in [DUC, THUY] {
        let searches: Vec<_> = ledger(&archive, owner)
            .into_iter()
            .filter(|e| e.event.action == Action::Search)
            .collect();
        assert_eq!(searches.len(), 1, "search events of {owner}");
        let event = &searches[0].event;
        assert_eq!(event.dossier_code.as_deref(), Some(DOSSIER));
        assert!(
            event
                .detail
                .as_deref()
                .unwrap_or_default()
                .starts_with("searched: 2 documents matched, 2 shown"),
            "{:?}",
            event.detail
        );
    }
}
