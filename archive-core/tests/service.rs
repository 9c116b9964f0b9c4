//! The services on their own (no HTTP): each decides with the policy, and what it does or refuses
//! is in the ledger, filed where the owner sees it. The API's tests check the same cells over a
//! socket; these check the rules at the door itself.

#![forbid(unsafe_code)]

use archive_core::{Archive, ArchiveError, LedgerPage, NewDocument, ReextractTarget};
use schemas::policy::{Refusal, RefusalKind};
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

fn text(words: &str) -> DocumentText {
    DocumentText {
        pages: vec![PageText {
            page: 1,
            text: words.into(),
            source: PageSource::Ocr,
            ocr_confidence: Some(90.0),
            rotated: 0,
            note: None,
        }],
        engine: "test".into(),
    }
}

/// A one-page birth certificate of `owner`, with `text` as its page text if given.
fn new_document(owner: &str, text: Option<DocumentText>) -> NewDocument {
    let metadata = MetadataInput {
        owner_id: Some(owner.into()),
        doc_type: Some("birth_certificate".into()),
        ..Default::default()
    }
    .validate(&DocTypes::builtin(), schemas::today())
    .unwrap();
    NewDocument {
        text,
        ..NewDocument::new(metadata, Format::Pdf, 1)
    }
}

fn store(archive: &Archive, owner: &str, bytes: &[u8], words: &str) -> String {
    let doc = new_document(owner, Some(text(words)));
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

#[test]
fn a_refused_read_answers_as_an_unknown_id_and_is_in_the_owners_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let doc = store(&archive, DUC, b"%PDF one", "giấy khai sinh");
    let thuy = signed_in("thuy", Role::Citizen, None, Some(THUY));
    let refused = archive
        .read_document(&thuy, &doc, &Default::default())
        .unwrap_err();
    let unknown = archive
        .read_document(&thuy, "zzzzzzzzzzzzzzzzzzzzzzzzzz", &Default::default())
        .unwrap_err();
    assert!(matches!(
        &refused,
        ArchiveError::Refused(Refusal::NotTheirDocument { .. })
    ));
    assert!(matches!(unknown, ArchiveError::NotFound(_)));
    assert_eq!(
        refused.to_string().replace(&doc, "ID"),
        unknown
            .to_string()
            .replace("zzzzzzzzzzzzzzzzzzzzzzzzzz", "ID")
    );
    let last = ledger(&archive, DUC).pop().unwrap();
    assert_eq!(last.event.action, Action::Refused);
    assert_eq!(last.event.actor.name, "thuy");
    assert_eq!(
        last.event.detail.as_deref(),
        Some("read metadata: not the caller's document")
    );
}

#[test]
fn a_role_that_never_may_is_refused_before_any_lookup_and_ledgered() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let doc = store(&archive, DUC, b"%PDF one", "giấy khai sinh");
    let clerk = signed_in("canbo", Role::Clerk, Some("H47.15"), None);
    let refused = archive.revoke(&clerk, &doc, "cấp nhầm").unwrap_err();
    let ArchiveError::Refused(refusal) = refused else {
        panic!("{refused}");
    };
    assert_eq!(refusal.kind(), RefusalKind::Role);
    let last = ledger(&archive, DUC).pop().unwrap();
    assert_eq!(
        last.event.detail.as_deref(),
        Some("revoke: a clerk cannot revoke or supersede documents")
    );
    assert_eq!(last.event.doc_id.as_deref(), Some(doc.as_str()));
    // Nor can a clerk store anything: the write path asks the policy too.
    let put = archive.put_blob(&mut &b"%PDF two"[..]).unwrap();
    assert!(matches!(
        archive.commit(&clerk, new_document(DUC, None), &put),
        Err(ArchiveError::Refused(Refusal::Role { .. }))
    ));
}

#[test]
fn a_clerks_search_names_a_dossier_and_each_hit_is_a_read() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    store(&archive, DUC, b"%PDF one", "giấy khai sinh Nguyễn Văn Đức");
    store(
        &archive,
        THUY,
        b"%PDF two",
        "giấy chứng nhận kết hôn Trần Thị Thuý",
    );
    archive.sync_index(&mut |_, _| {}).unwrap();
    let clerk = signed_in("canbo", Role::Clerk, Some("H47.15"), None);
    let request = archive_core::search::SearchRequest {
        query: "giấy".into(),
        limit: 20,
        ..Default::default()
    };
    let bare = archive
        .search(&clerk, &request, &Default::default())
        .unwrap_err();
    assert!(matches!(bare, ArchiveError::Refused(Refusal::Reason(_))));
    let reason =
        AccessReason::new(Some("000.00.00.H47-261127-0001"), None, Some("đối chiếu")).unwrap();
    let found = archive.search(&clerk, &request, &reason).unwrap();
    assert_eq!(found.hits.len(), 2);
    for owner in [DUC, THUY] {
        let last = ledger(&archive, owner).pop().unwrap();
        assert_eq!(last.event.action, Action::ReadMetadata);
        assert_eq!(last.event.detail.as_deref(), Some("search result"));
        assert_eq!(
            last.event.dossier_code.as_deref(),
            Some("000.00.00.H47-261127-0001")
        );
    }
    // A citizen asking for someone else's documents gets their own.
    let duc = signed_in("duc", Role::Citizen, None, Some(DUC));
    let theirs = archive_core::search::SearchRequest {
        owner: Some(THUY.into()),
        ..request.clone()
    };
    let mine = archive.search(&duc, &theirs, &Default::default()).unwrap();
    assert_eq!(mine.hits.len(), 1);
    assert_eq!(mine.hits[0].record.metadata.owner_id.as_str(), DUC);
    // Pages are bounded by who asks.
    let long = archive_core::search::SearchRequest {
        limit: 500,
        ..request
    };
    assert!(matches!(
        archive.search(&duc, &long, &Default::default()),
        Err(ArchiveError::Invalid(e)) if e.field == "limit"
    ));
}

#[test]
fn a_reextraction_is_a_ledgered_change_of_every_record_of_the_blob() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let first = store(&archive, DUC, b"%PDF shared", "chữ đọc sai");
    let second = store(&archive, THUY, b"%PDF shared", "chữ đọc sai");
    let operator = Caller::local_operator("cli:an");
    let mut outcomes = Vec::new();
    archive
        .reextract(
            &operator,
            &ReextractTarget::Documents(vec![first.clone()]),
            &|bytes: &[u8]| {
                assert_eq!(bytes, b"%PDF shared");
                Ok(text("chữ đọc đúng"))
            },
            &mut |done| outcomes.push(done),
        )
        .unwrap();
    assert_eq!(outcomes.len(), 1, "one blob");
    let updated = outcomes.pop().unwrap().outcome.unwrap();
    assert_eq!(updated.len(), 2, "both records of the blob");
    for (owner, id) in [(DUC, &first), (THUY, &second)] {
        let last = ledger(&archive, owner).pop().unwrap();
        assert_eq!(last.event.action, Action::Reextract);
        assert_eq!(last.event.actor.name, "cli:an");
        assert_eq!(last.event.doc_id.as_deref(), Some(id.as_str()));
        assert_eq!(
            last.event.detail.as_deref(),
            Some("text extracted again (test): page(s) 1 changed of 1; text source ocr -> ocr")
        );
    }
    let document = archive
        .read_document(&operator, &first, &Default::default())
        .unwrap();
    let actions: Vec<Action> = document.history().iter().map(|e| e.event.action).collect();
    assert_eq!(actions, [Action::Ingest, Action::Reextract]);
    let now = archive.document_text(&document).unwrap().unwrap();
    assert_eq!(now.pages[0].text, "chữ đọc đúng");
    // Only operators re-extract.
    let clerk = signed_in("canbo", Role::Clerk, Some("H47.15"), None);
    assert!(archive
        .reextract(
            &clerk,
            &ReextractTarget::All,
            &|_| Ok(text("x")),
            &mut |_| {}
        )
        .is_err());
}

#[test]
fn only_an_operator_keeps_or_reads_back_a_scanned_stack_and_a_document_is_no_stack() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let stack = b"%PDF a stack of three dossiers";
    let clerk = signed_in("canbo", Role::Clerk, Some("H47.15"), None);
    let citizen = signed_in("duc", Role::Citizen, None, Some(DUC));
    for who in [&clerk, &citizen] {
        assert!(matches!(
            archive.keep_stack(who, stack, Some("chong.pdf".into()), Format::Pdf, 9),
            Err(ArchiveError::Refused(Refusal::Role { .. }))
        ));
    }
    let operator = Caller::local_operator("scan-room");
    let kept = archive
        .keep_stack(&operator, stack, Some("chong.pdf".into()), Format::Pdf, 9)
        .unwrap();
    assert_eq!((kept.pages, kept.kept_by.as_str()), (9, "scan-room"));
    let again = archive
        .keep_stack(&operator, stack, Some("khac.pdf".into()), Format::Pdf, 9)
        .unwrap();
    assert_eq!(
        again.name.as_deref(),
        Some("chong.pdf"),
        "the first keep stays"
    );
    assert!(matches!(
        archive.kept_stack(&clerk, &kept.sha256),
        Err(ArchiveError::Refused(Refusal::Role { .. }))
    ));
    let read = archive.kept_stack(&operator, &kept.sha256).unwrap();
    assert_eq!(read.bytes, stack);
    // A stored document's bytes are a blob too, but not a stack: no door to them here.
    store(&archive, DUC, b"%PDF one", "giấy khai sinh");
    let document_sha = archive_core::Sha256Digest::of(b"%PDF one").to_hex();
    assert!(matches!(
        archive.kept_stack(&operator, &document_sha),
        Err(ArchiveError::NoStack(_))
    ));
}

#[test]
fn a_user_name_that_differs_from_a_taken_one_only_by_case_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let admin = Caller::local_admin("test");
    let account = |name: &str| archive_core::accounts::UserAccount {
        principal: Principal::new(name, Role::Clerk, Some("H47.15"), None).unwrap(),
        password_hash: "$argon2id$test".into(),
        created_at: time::OffsetDateTime::now_utc(),
        disabled: false,
    };
    archive.add_user(&admin, &account("lan")).unwrap();
    for taken in ["lan", "Lan", "LAN"] {
        match archive.add_user(&admin, &account(taken)) {
            Err(ArchiveError::Conflict(why)) => {
                let why = why.render(schemas::Lang::En);
                assert!(why.contains("\"lan\""), "{why}")
            }
            other => panic!("{taken}: {other:?}"),
        }
    }
    archive.add_user(&admin, &account("lan2")).unwrap();
}

// Registered dossiers and shares (#20): what a clerk's search or read for a dossier tells
// about each owner is in that owner's ledger, with the consent it used.

/// A store that checks registered dossiers, with `DOSSIER` registered for `applicants`,
/// received by `receiving_agency`.
fn registered_store(dir: &std::path::Path, applicants: &[&str], receiving_agency: &str) -> Archive {
    let mut archive = Archive::open(dir).unwrap();
    archive.set_dossier_check(DossierCheck::Registered);
    register(&archive, applicants, receiving_agency);
    archive
}

/// The one-stop system registers `DOSSIER` (procedure 1.001193) for `applicants`.
fn register(
    archive: &Archive,
    applicants: &[&str],
    receiving_agency: &str,
) -> (schemas::Dossier, archive_core::service::Registration) {
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
    archive.register_dossier(&intake, dossier).unwrap()
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
    let request = archive_core::search::SearchRequest {
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
    let (kept, registration) = register(&archive, &[DUC], "H47.15");
    assert_eq!(registration, archive_core::service::Registration::Again);
    assert_eq!(kept.receiving_agency, "000.00.15.H47");
}

/// Reads and searches from many threads at once share transactions (`group_append`): each read
/// is in its owner's ledger once, the chain holds, and a search's events stay consecutive.
#[test]
fn concurrent_reads_each_land_once_in_an_unbroken_chain() {
    let dir = tempfile::tempdir().unwrap();
    let archive = std::sync::Arc::new(Archive::open(dir.path()).unwrap());
    let owners = [DUC, THUY, "001203004567", "038099000123"];
    let docs: Vec<String> = owners
        .iter()
        .enumerate()
        .map(|(i, owner)| {
            store(
                &archive,
                owner,
                format!("%PDF {i}").as_bytes(),
                "giấy khai sinh",
            )
        })
        .collect();
    archive.sync_index(&mut |_, _| {}).unwrap();
    let before: Vec<usize> = owners.iter().map(|o| ledger(&archive, o).len()).collect();
    let reads_per_thread = 25;
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (archive, docs) = (archive.clone(), docs.clone());
            std::thread::spawn(move || {
                let operator = Caller::local_operator("cli:an");
                for i in 0..reads_per_thread {
                    if t == 0 && i % 5 == 0 {
                        let request = archive_core::search::SearchRequest {
                            query: "khai sinh".into(),
                            limit: 20,
                            ..Default::default()
                        };
                        let found = archive
                            .search(&operator, &request, &Default::default())
                            .unwrap();
                        assert_eq!(found.hits.len(), 4);
                    } else {
                        archive
                            .read_document(&operator, &docs[(t + i) % 4], &Default::default())
                            .unwrap();
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let report = archive.verify(&mut |_| {}).unwrap();
    assert!(report.ledger_ok, "{:?}", report.ledger_error);
    let searches = reads_per_thread / 5;
    let mut all_seqs = Vec::new();
    let mut search_reads = Vec::new();
    for (i, owner) in owners.iter().enumerate() {
        let events = ledger(&archive, owner);
        let new = &events[before[i]..];
        // Thread 0 searches instead of reading every fifth time; each search reads all four.
        let reads_of_this_doc = (0..8)
            .flat_map(|t| (0..reads_per_thread).map(move |r| (t, r)))
            .filter(|&(t, r)| !(t == 0 && r % 5 == 0) && (t + r) % 4 == i)
            .count();
        assert_eq!(new.len(), reads_of_this_doc + searches, "{owner}");
        all_seqs.extend(new.iter().map(|e| e.seq));
        search_reads.extend(
            new.iter()
                .filter(|e| e.event.detail.as_deref() == Some("search result"))
                .map(|e| e.seq),
        );
    }
    search_reads.sort_unstable();
    assert_eq!(search_reads.len(), searches * 4);
    for one_search in search_reads.chunks(4) {
        assert_eq!(one_search[3] - one_search[0], 3, "{search_reads:?}");
    }
    let count = all_seqs.len();
    all_seqs.sort_unstable();
    all_seqs.dedup();
    assert_eq!(all_seqs.len(), count, "an event filed twice");
}

/// An empty index is filled by a scan of the records in id order. Stopped part way, it keeps
/// what it committed and says what it owes; carried on, it indexes every record once, as it is
/// now, those written meanwhile on either side of where the scan stood included.
#[test]
fn an_index_filled_by_a_scan_carries_on_and_holds_every_record_once_as_it_is_now() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let mut ids: Vec<String> = (0..12)
        .map(|i| {
            let words = format!("giấy khai sinh số {i}");
            store(&archive, DUC, format!("%PDF {i}").as_bytes(), &words)
        })
        .collect();
    let asked = std::cell::Cell::new(0);
    let indexed = archive
        .sync_index_until(&mut |_, _| {}, &|| {
            asked.set(asked.get() + 1);
            asked.get() > 5
        })
        .unwrap();
    assert_eq!(indexed, 5);
    let state = archive.index_state();
    let scan = state
        .scan
        .clone()
        .expect("an empty index is filled by a scan");
    assert_eq!((state.seq, scan.indexed, scan.upto), (0, 5, 12));
    assert_eq!(archive.figures().unwrap().index_pending, 7);
    let verified = archive.verify(&mut |_| {}).unwrap();
    assert_eq!(verified.index_pending, 7);
    assert!(verified.index_missing.is_empty());

    // Written meanwhile: records before where the scan stood (only the sequence numbers bring
    // them) and after it (the scan meets them, then the sequence numbers again).
    let after = scan.after.expect("the scan committed where it stood");
    let (mut before_cursor, mut after_cursor) = (0, 0);
    for i in 12..200 {
        let words = format!("giấy khai sinh số {i}");
        let id = store(&archive, THUY, format!("%PDF {i}").as_bytes(), &words);
        if id <= after {
            before_cursor += 1;
        } else {
            after_cursor += 1;
        }
        ids.push(id);
        if before_cursor > 0 && after_cursor > 0 {
            break;
        }
    }
    assert!(before_cursor > 0 && after_cursor > 0);
    // A record the scan passed changes (revoking syncs the index, which carries the scan on).
    let passed = ids.iter().find(|id| **id <= after).unwrap().clone();
    archive
        .revoke(&Caller::local_operator("test"), &passed, "cấp nhầm")
        .unwrap();

    let state = archive.index_state();
    assert!(state.scan.is_none() && !state.rebuilding, "{state:?}");
    assert_eq!(archive.figures().unwrap().index_pending, 0);
    let verified = archive.verify(&mut |_| {}).unwrap();
    assert_eq!(verified.index_pending, 0);
    assert!(verified.index_missing.is_empty());
    let count = |valid_only: bool| {
        let request = archive_core::search::SearchRequest {
            query: "giấy khai sinh".into(),
            limit: 1,
            valid_only,
            ..Default::default()
        };
        archive
            .search(
                &Caller::local_operator("test"),
                &request,
                &Default::default(),
            )
            .unwrap()
            .total
    };
    assert_eq!(count(false), ids.len(), "every record once");
    assert_eq!(count(true), ids.len() - 1, "the revoked one as it is now");
}
