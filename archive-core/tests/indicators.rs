//! The indicators' counters (#21) at the service level: moved in the ledger's transaction, and
//! counted again from the ledger by the rebuild to exactly the same counters and dossier marks,
//! a re-extraction that changes a document's text class included; a store restored from
//! events is "not built" until rebuilt; only admins, leaders and the console see the report.

#![forbid(unsafe_code)]

use archive_core::{Archive, ArchiveError, NewDocument, ReextractTarget};
use schemas::indicators::ReportRequest;
use schemas::{
    AccessReason, Caller, Credential, DocTypes, DocumentText, DossierInput, Format, Lang,
    MetadataInput, PageSource, PageText, Principal, Role,
};

const DUC: &str = "049075001234";
const THUY: &str = "079305000001";

fn signed_in(name: &str, role: Role, agency: Option<&str>) -> Caller {
    Caller::signed_in(
        Principal::new(name, role, agency, None).unwrap(),
        Credential::Session,
    )
}

fn text(words: &str, source: PageSource, confidence: Option<f64>) -> DocumentText {
    DocumentText {
        pages: vec![PageText {
            page: 1,
            text: words.into(),
            source,
            ocr_confidence: confidence,
            rotated: 0,
            note: None,
        }],
        engine: "test".into(),
    }
}

fn store(
    archive: &Archive,
    owner: &str,
    bytes: &[u8],
    fields: &[(&str, &str)],
    t: DocumentText,
) -> String {
    let mut input = MetadataInput {
        owner_id: Some(owner.into()),
        doc_type: Some("birth_certificate".into()),
        ..Default::default()
    };
    for (field, value) in fields {
        assert!(input.set(field, value.to_string()));
    }
    let metadata = input
        .validate(&DocTypes::builtin(), schemas::today())
        .unwrap();
    let doc = NewDocument {
        text: Some(t),
        ..NewDocument::new(metadata, Format::Pdf, 1)
    };
    archive
        .ingest(&Caller::local_operator("test"), &mut &bytes[..], doc)
        .unwrap()
        .record
        .id
}

fn register(archive: &Archive, code: &str, owner: &str, agency: &str, on: &str) {
    let intake = signed_in("motcua", Role::Intake, None);
    let dossier = DossierInput {
        code: code.into(),
        procedure_code: "1.001193".into(),
        applicants: vec![owner.into()],
        receiving_agency: agency.into(),
        received_on: on.into(),
    }
    .validate()
    .unwrap();
    archive.register_dossier(&intake, dossier).unwrap();
}

#[test]
fn rebuilt_counters_equal_the_live_ones_after_a_known_history() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    assert!(
        archive.indicators_built().unwrap(),
        "a new store counts from its first event"
    );
    let a1 = "000.00.15.H47-261020-0001";
    let b1 = "000.00.16.H47-261110-0001";
    let scan = store(
        &archive,
        DUC,
        b"%PDF a",
        &[("issuer_code", "H47.15")],
        text("khai sinh", PageSource::Ocr, Some(40.0)),
    );
    let layer = store(
        &archive,
        THUY,
        b"%PDF b",
        &[("issuer_code", "H47.16")],
        text("ket hon", PageSource::TextLayer, None),
    );
    store(
        &archive,
        DUC,
        b"%PDF c",
        &[("dossier_code", a1), ("result_code", &format!("{a1}-KQ1"))],
        text("ket qua", PageSource::TextLayer, None),
    );
    register(&archive, a1, DUC, "000.00.15.H47", "2026-10-20");
    register(&archive, b1, THUY, "000.00.16.H47", "2026-11-10");
    let clerk15 = signed_in("canbo15", Role::Clerk, Some("H47.15"));
    let clerk16 = signed_in("canbo16", Role::Clerk, Some("H47.16"));
    let reason = |code| AccessReason::new(Some(code), Some("1.001193"), Some("đối chiếu")).unwrap();
    archive.reuse(&clerk15, &scan, &reason(a1)).unwrap();
    archive.reuse(&clerk16, &layer, &reason(b1)).unwrap();
    // A re-extraction moves the scan from "to review" (confidence 40) to OCR.
    archive
        .reextract(
            &Caller::local_operator("test"),
            &ReextractTarget::Documents(vec![scan.clone()]),
            &|_: &[u8]| Ok(text("khai sinh", PageSource::Ocr, Some(95.0))),
            &mut |_| {},
        )
        .unwrap();
    let live = archive.indicator_counters_dump().unwrap();
    assert!(live.len() > 10, "{} counters", live.len());
    let summary = archive
        .rebuild_indicators(&Caller::local_operator("test"), |_, _| {})
        .unwrap();
    assert_eq!(summary.dossiers, 2);
    let rebuilt = archive.indicator_counters_dump().unwrap();
    assert_eq!(rebuilt, live, "rebuilt counters differ from the live ones");

    let admin = signed_in("quantri", Role::Admin, None);
    let request = ReportRequest::parse("2026-10-01", "2026-12-31", None, None).unwrap();
    let report = archive
        .indicator_report(&admin, &request, Lang::En)
        .unwrap();
    let province = &report.rows[0];
    assert_eq!(province.agency, None);
    assert_eq!(province.dossiers_received, 2);
    let numerators: Vec<u64> = province.indicators.iter().map(|v| v.numerator).collect();
    assert_eq!(numerators, vec![1, 1, 2, 2], "4.1-4.4");
    assert_eq!(province.indicators[2].rate, Some(1.0));

    // Only admins, leaders and the console; a leader within their agency.
    let clerk_asks = archive.indicator_report(&clerk15, &request, Lang::En);
    assert!(matches!(clerk_asks, Err(ArchiveError::Refused(_))));
    let leader = signed_in("lanhdao", Role::Leader, Some("000.00.16.H47"));
    let theirs = archive
        .indicator_report(&leader, &request, Lang::En)
        .unwrap();
    let agencies: Vec<Option<String>> = theirs.rows.iter().map(|r| r.agency.clone()).collect();
    assert_eq!(agencies, vec![None, Some("H47.16".to_string())]);
    let other = ReportRequest::parse("2026-10-01", "2026-12-31", Some("H47.15"), None).unwrap();
    assert!(matches!(
        archive.indicator_report(&leader, &other, Lang::En),
        Err(ArchiveError::Refused(_))
    ));
}
