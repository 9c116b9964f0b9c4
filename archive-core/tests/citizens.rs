//! Registered dossiers and shares at the service door (no HTTP): what a clerk's search or read
//! for a dossier tells about each owner is in that owner's ledger, with the consent it used.

#![forbid(unsafe_code)]

use archive_core::search::SearchRequest;
use archive_core::{Archive, LedgerPage, NewDocument};
use schemas::{
    AccessReason, Action, Caller, Credential, DocTypes, DocumentText, DossierCheck, DossierInput,
    Format, MetadataInput, OwnerId, PageSource, PageText, Principal, Role, ShareInput,
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

/// `owner` shares `doc` with `agency` for the dossier's procedure; the share's id.
fn share_with_agency(archive: &Archive, owner: &str, doc: &str, agency: &str) -> String {
    let citizen = signed_in("congdan", Role::Citizen, None, Some(owner));
    let share = ShareInput {
        documents: vec![doc.into()],
        kind: "agency".into(),
        agency_code: Some(agency.into()),
        procedure_code: Some("1.001193".into()),
        until: Some(schemas::iso_date(
            schemas::today() + time::Duration::days(10),
        )),
        purpose: None,
        one_time: false,
    }
    .validate(schemas::today())
    .unwrap();
    archive.create_share(&citizen, share).unwrap().0.id
}

#[test]
fn a_clerks_read_through_an_agency_share_names_the_share_in_the_owners_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let archive = registered_store(dir.path(), &[DUC], "000.00.15.H47");
    let duc_birth = store(&archive, DUC, b"%PDF one", "giấy khai sinh Nguyễn Văn Đức");
    let thuy_birth = store(&archive, THUY, b"%PDF two", "giấy khai sinh Trần Thị Thuý");
    let share = share_with_agency(&archive, THUY, &thuy_birth, "000.00.15.H47");
    let clerk = signed_in("canbo", Role::Clerk, Some("000.00.15.H47"), None);
    // The applicant's own document: an ordinary read for the dossier.
    archive
        .read_document(&clerk, &duc_birth, &for_dossier())
        .unwrap();
    let read = ledger(&archive, DUC).pop().unwrap().event;
    assert_eq!(read.action, Action::ReadMetadata);
    assert_eq!(read.purpose.as_deref(), Some("đối chiếu"));
    // The other citizen's document, let in by their share: the read names it.
    archive
        .read_document(&clerk, &thuy_birth, &for_dossier())
        .unwrap();
    let read = ledger(&archive, THUY).pop().unwrap().event;
    assert_eq!(read.action, Action::ReadMetadata);
    assert_eq!(read.dossier_code.as_deref(), Some(DOSSIER));
    assert_eq!(
        read.purpose.as_deref(),
        Some(format!("through share {share}: đối chiếu").as_str())
    );
    // So does a list of their documents for the dossier, and a download.
    let listed = archive
        .owner_documents(
            &clerk,
            &OwnerId::parse(THUY).unwrap(),
            &Default::default(),
            &for_dossier(),
        )
        .unwrap();
    assert_eq!(listed.len(), 1);
    let access = archive
        .original_access(&clerk, &thuy_birth, &for_dossier())
        .unwrap();
    std::io::copy(
        &mut archive.read_original(&access).unwrap(),
        &mut std::io::sink(),
    )
    .unwrap();
    let events = ledger(&archive, THUY);
    let last_two: Vec<_> = events.iter().rev().take(2).map(|e| &e.event).collect();
    assert_eq!(last_two[0].action, Action::Download);
    assert_eq!(last_two[1].action, Action::ReadMetadata);
    for event in last_two {
        assert!(
            event
                .purpose
                .as_deref()
                .unwrap_or_default()
                .starts_with(&format!("through share {share}")),
            "{event:?}"
        );
    }
}

#[test]
fn an_agency_written_in_either_form_is_one_agency_for_shares_and_dossiers() {
    let dir = tempfile::tempdir().unwrap();
    // Received by `000.00.15.H47` (QCVN 102); the citizen shared with `H47.15` (QĐ 20).
    let archive = registered_store(dir.path(), &[DUC], "000.00.15.H47");
    let thuy_birth = store(&archive, THUY, b"%PDF two", "giấy khai sinh Trần Thị Thuý");
    let share = share_with_agency(&archive, THUY, &thuy_birth, "H47.15");
    let clerk = signed_in("canbo", Role::Clerk, Some("000.00.16.H47"), None);
    archive
        .read_document(&clerk, &thuy_birth, &for_dossier())
        .unwrap();
    let read = ledger(&archive, THUY).pop().unwrap().event;
    assert_eq!(read.action, Action::ReadMetadata);
    assert!(read
        .purpose
        .unwrap_or_default()
        .starts_with(&format!("through share {share}")));
    // The one-stop system sending the same dossier again with the other form: the same
    // dossier, not a conflict.
    let intake = signed_in("motcua", Role::Intake, None, None);
    let again = DossierInput {
        code: DOSSIER.into(),
        procedure_code: "1.001193".into(),
        applicants: vec![DUC.into()],
        receiving_agency: "H47.15".into(),
        received_on: "2026-11-27".into(),
    }
    .validate()
    .unwrap();
    let (kept, registration) = archive.register_dossier(&intake, again).unwrap();
    assert_eq!(registration, archive_core::service::Registration::Again);
    assert_eq!(kept.receiving_agency, "000.00.15.H47");
}
