//! Papers of both eras of the 1 July 2025 reorganization: old and new place names find the same
//! papers (issue #23, "Acceptance"), through `Archive::search` on a real store and index.

#![forbid(unsafe_code)]

use archive_core::search::{SearchRequest, SearchResults};
use archive_core::{Archive, ArchiveError, LedgerPage, NewDocument};
use schemas::places::Era;
use schemas::policy::RefusalKind;
use schemas::{
    Action, Caller, Credential, DocTypes, DocumentRecord, DocumentText, Format, MetadataInput,
    PageSource, PageText, Principal, Role,
};

fn operator() -> Caller {
    Caller::local_operator("test")
}

/// A record as the local operator reads it (ledgered, as any read).
fn record(archive: &Archive, id: &str) -> DocumentRecord {
    archive
        .read_document(&operator(), id, &Default::default())
        .unwrap()
        .record()
        .clone()
}

struct Paper<'a> {
    owner: &'a str,
    issuer: &'a str,
    issued_on: &'a str,
    text: &'a str,
}

fn store(archive: &Archive, paper: Paper) -> String {
    let metadata = MetadataInput {
        owner_id: Some(paper.owner.into()),
        doc_type: Some("land_use_right_certificate".into()),
        issuer: Some(paper.issuer.into()),
        issued_on: Some(paper.issued_on.into()),
        ..Default::default()
    }
    .validate(&DocTypes::builtin(), schemas::today())
    .unwrap();
    let bytes = format!("%PDF-1.4 {} {}", paper.issuer, paper.text);
    let text = DocumentText {
        pages: vec![PageText {
            page: 1,
            text: paper.text.into(),
            source: PageSource::TextLayer,
            ocr_confidence: None,
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
        .ingest(&operator(), &mut bytes.as_bytes(), doc)
        .unwrap()
        .record
        .id
}

fn search(archive: &Archive, query: &str, place: Option<&str>) -> SearchResults {
    let req = SearchRequest {
        query: query.into(),
        place: place.map(str::to_string),
        limit: 20,
        ..Default::default()
    };
    archive.sync_index(&mut |_, _| {}).unwrap();
    archive
        .search(&operator(), &req, &Default::default())
        .unwrap()
}

fn ids(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.record.id.clone()).collect()
}

/// A store with papers of both eras, in Đà Nẵng, the former Quảng Nam, and elsewhere.
struct Papers {
    _dir: tempfile::TempDir,
    archive: Archive,
    /// 2019, UBND huyện Núi Thành, tỉnh Quảng Nam (abolished district of a merged province).
    quang_nam_2019: String,
    /// 2026, UBND xã Núi Thành, thành phố Đà Nẵng (formed from communes of former Quảng Nam).
    nui_thanh_2026: String,
    /// 2026, UBND phường Hải Châu, thành phố Đà Nẵng (formed from wards of Đà Nẵng itself).
    hai_chau_2026: String,
    /// 2018, an address in xã Tam Hiệp, huyện Núi Thành (one of the communes xã Núi Thành was
    /// formed from), issued by the province.
    tam_hiep_2018: String,
    /// 2020, Hà Nội.
    ha_noi_2020: String,
}

fn papers() -> Papers {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let quang_nam_2019 = store(
        &archive,
        Paper {
            owner: "049075001234",
            issuer: "UBND huyện Núi Thành, tỉnh Quảng Nam",
            issued_on: "2019-05-01",
            text: "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\nThửa đất số 12, tờ bản đồ số 3",
        },
    );
    let nui_thanh_2026 = store(
        &archive,
        Paper {
            owner: "049075001235",
            issuer: "UBND xã Núi Thành, thành phố Đà Nẵng",
            issued_on: "2026-02-10",
            text: "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\nThửa đất số 40, tờ bản đồ số 7",
        },
    );
    let hai_chau_2026 = store(
        &archive,
        Paper {
            owner: "048075001236",
            issuer: "UBND phường Hải Châu, thành phố Đà Nẵng",
            issued_on: "2026-03-01",
            text: "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\nThửa đất số 5, tờ bản đồ số 1",
        },
    );
    let tam_hiep_2018 = store(
        &archive,
        Paper {
            owner: "049075001237",
            issuer: "Sở Tài nguyên và Môi trường",
            issued_on: "2018-08-08",
            text: "Địa chỉ thửa đất: thôn 2, xã Tam Hiệp, huyện Núi Thành, tỉnh Quảng Nam",
        },
    );
    let ha_noi_2020 = store(
        &archive,
        Paper {
            owner: "001075001238",
            issuer: "UBND quận Ba Đình, thành phố Hà Nội",
            issued_on: "2020-01-01",
            text: "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
        },
    );
    Papers {
        _dir: dir,
        archive,
        quang_nam_2019,
        nui_thanh_2026,
        hai_chau_2026,
        tam_hiep_2018,
        ha_noi_2020,
    }
}

#[test]
fn places_are_read_at_ingest_with_their_era() {
    let p = papers();
    let record = record(&p.archive, &p.quang_nam_2019);
    let codes: Vec<(&str, Era)> = record
        .places
        .iter()
        .map(|x| (x.code.as_str(), x.era))
        .collect();
    assert_eq!(
        codes,
        [("old:H517", Era::Before2025), ("old:T49", Era::Before2025)]
    );
    let record = self::record(&p.archive, &p.tam_hiep_2018);
    assert_eq!(
        record.places[0].name,
        "xã Tam Hiệp, huyện Núi Thành, tỉnh Quảng Nam"
    );
}

#[test]
fn todays_name_finds_papers_of_the_merged_province() {
    let p = papers();
    for query in ["Đà Nẵng", "da nang", "TP. Đà Nẵng", "thanh pho da nang"] {
        let found = search(&p.archive, query, None);
        let ids = ids(&found);
        for id in [
            &p.quang_nam_2019,
            &p.nui_thanh_2026,
            &p.hai_chau_2026,
            &p.tam_hiep_2018,
        ] {
            assert!(ids.contains(id), "{query:?} finds {id}: {ids:?}");
        }
        assert!(!ids.contains(&p.ha_noi_2020), "{query:?}");
        // Papers that name Đà Nẵng rank above those of the former Quảng Nam.
        let first_old = ids.iter().position(|i| *i == p.quang_nam_2019).unwrap();
        let last_named = ids
            .iter()
            .rposition(|i| *i == p.hai_chau_2026 || *i == p.nui_thanh_2026)
            .unwrap();
        assert!(last_named < first_old, "{query:?}: {ids:?}");
        let shown = &found.place_expansion[0];
        assert_eq!(
            shown.note.as_deref(),
            Some("gồm cả địa danh trước 01/7/2025: tỉnh Quảng Nam"),
            "{query:?}"
        );
        assert!(!shown.ambiguous);
    }
}

#[test]
fn the_old_name_finds_what_its_successors_issued_and_no_more() {
    let p = papers();
    let found = search(&p.archive, "Quảng Nam", None);
    let ids = ids(&found);
    assert!(
        ids.contains(&p.quang_nam_2019) && ids.contains(&p.tam_hiep_2018),
        "{ids:?}"
    );
    assert!(
        ids.contains(&p.nui_thanh_2026),
        "a commune formed from former Quảng Nam communes: {ids:?}"
    );
    assert!(
        !ids.contains(&p.hai_chau_2026),
        "a ward formed from Đà Nẵng's own wards: {ids:?}"
    );
    assert_eq!(
        found.place_expansion[0].note.as_deref(),
        Some("gồm cả địa danh từ 01/7/2025: thành phố Đà Nẵng")
    );
}

#[test]
fn a_new_communes_name_finds_the_papers_of_the_communes_it_was_formed_from() {
    let p = papers();
    let found = search(&p.archive, "xã Núi Thành, Đà Nẵng", None);
    let ids = ids(&found);
    assert_eq!(
        ids.first(),
        Some(&p.nui_thanh_2026),
        "the paper that names it ranks first: {ids:?}"
    );
    assert!(
        ids.contains(&p.tam_hiep_2018),
        "xã Tam Hiệp went whole into xã Núi Thành: {ids:?}"
    );
    assert!(
        ids.contains(&p.quang_nam_2019),
        "part of huyện Núi Thành: {ids:?}"
    );
    assert!(
        !ids.contains(&p.hai_chau_2026) && !ids.contains(&p.ha_noi_2020),
        "{ids:?}"
    );
    let note = found.place_expansion[0].note.clone().unwrap();
    assert!(
        note.starts_with("gồm cả địa danh trước 01/7/2025:"),
        "{note}"
    );
    assert!(
        note.contains("xã Tam Hiệp") && note.contains("huyện Núi Thành, tỉnh Quảng Nam"),
        "{note}"
    );
    // Partial ranks below whole: the district's paper (part of it) after xã Tam Hiệp's.
    let whole = ids.iter().position(|i| *i == p.tam_hiep_2018).unwrap();
    let partial = ids.iter().position(|i| *i == p.quang_nam_2019).unwrap();
    assert!(whole < partial, "{ids:?}");
}

#[test]
fn an_ambiguous_commune_name_alone_is_not_expanded_across_provinces() {
    let p = papers();
    let other = store(
        &p.archive,
        Paper {
            owner: "079075001239",
            issuer: "UBND xã Tân Phú, tỉnh Đồng Nai",
            issued_on: "2026-01-20",
            text: "Giấy xác nhận",
        },
    );
    let found = search(&p.archive, "xã Tân Phú", None);
    let shown = &found.place_expansion[0];
    assert!(
        shown.ambiguous && shown.units.is_empty() && shown.includes.is_empty(),
        "{shown:?}"
    );
    assert!(shown.candidates.len() > 2);
    // Searched as words: the paper that says it is found, nothing else of its province.
    assert_eq!(ids(&found), std::slice::from_ref(&other));
    // With its province it is a place.
    let found = search(&p.archive, "xã Tân Phú, Đồng Nai", None);
    assert!(!found.place_expansion[0].ambiguous);
    assert_eq!(ids(&found), [other]);
}

#[test]
fn the_place_filter_and_the_facets_of_todays_units() {
    let p = papers();
    let found = search(&p.archive, "", Some("Quảng Nam"));
    let ids = ids(&found);
    assert!(
        ids.contains(&p.quang_nam_2019) && ids.contains(&p.nui_thanh_2026),
        "{ids:?}"
    );
    assert!(
        !ids.contains(&p.hai_chau_2026) && !ids.contains(&p.ha_noi_2020),
        "{ids:?}"
    );
    assert_eq!(found.place_expansion[0].from, "filter");
    // One bucket for Đà Nẵng, whatever era the issuer names.
    let all = search(&p.archive, "", None);
    assert_eq!(
        all.facets.province.get("thành phố Đà Nẵng"),
        Some(&4),
        "{:?}",
        all.facets.province
    );
    assert_eq!(all.facets.province.get("thành phố Hà Nội"), Some(&1));
    assert_eq!(
        all.facets.commune.get("xã Núi Thành, thành phố Đà Nẵng"),
        Some(&2),
        "{:?}",
        all.facets.commune
    );
    // A name no unit has, or several units have, is refused with what to do.
    for bad in ["Atlantis", "xã Tân Phú", "Tân Phú"] {
        let req = SearchRequest {
            place: Some(bad.into()),
            limit: 5,
            ..Default::default()
        };
        match p.archive.search(&operator(), &req, &Default::default()) {
            Err(ArchiveError::Place { name, rule }) => {
                assert_eq!(name, bad);
                let ambiguous = bad != "Atlantis";
                let code = if ambiguous {
                    "place.ambiguous"
                } else {
                    "place.unknown"
                };
                assert_eq!(rule.code(), code, "{bad}: {rule}");
                let english = rule.render(schemas::Lang::En);
                assert_eq!(english.contains("units ("), ambiguous, "{bad}: {english}");
                let vietnamese = rule.render(schemas::Lang::Vi);
                assert_eq!(
                    vietnamese.contains("đơn vị ("),
                    ambiguous,
                    "{bad}: {vietnamese}"
                );
            }
            other => panic!("{bad}: {:?}", other.map(|r| r.total)),
        }
    }
}

/// A gazetteer that knows two provinces, Quảng Nam (before 1 July 2025) wholly in Đà Nẵng.
const TWO_PROVINCES: &str = "V\tkho-places\t1\nU\told:T49\ttỉnh\tQuảng Nam\t\nU\tnew:T48\tthành phố\tĐà Nẵng\t\nS\told:T49\tnew:T48\twhole\n";

/// A 2019 paper of a district of Quảng Nam.
fn store_nui_thanh_2019(archive: &Archive) -> String {
    store(
        archive,
        Paper {
            owner: "049075001234",
            issuer: "UBND huyện Núi Thành, tỉnh Quảng Nam",
            issued_on: "2019-05-01",
            text: "",
        },
    )
}

#[test]
fn an_imported_gazetteer_replaces_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    let id = store_nui_thanh_2019(&archive);
    // A correction that knows only two provinces: the record's places follow it.
    assert!(archive
        .import_gazetteer(&operator(), b"V\tkho-places\t1\nbroken\n")
        .is_err());
    assert!(
        archive.gazetteer_file().is_none(),
        "a bad file changes nothing"
    );
    let summary = archive
        .import_gazetteer(&operator(), TWO_PROVINCES.as_bytes())
        .unwrap();
    assert_eq!((summary.provinces_before, summary.provinces_after), (1, 1));
    assert_eq!(
        archive.refresh_places(&operator(), &mut |_, _| {}).unwrap(),
        1
    );
    assert_eq!(
        archive.refresh_places(&operator(), &mut |_, _| {}).unwrap(),
        0,
        "a second run changes nothing"
    );
    let codes: Vec<String> = record(&archive, &id)
        .places
        .into_iter()
        .map(|p| p.code)
        .collect();
    assert_eq!(codes, ["old:T49"]);
    archive.reindex(&mut |_, _| {}).unwrap();
    drop(archive);
    let archive = Archive::open(dir.path()).unwrap();
    assert!(archive.gazetteer_file().is_some(), "kept by the store");
    assert_eq!(ids(&search(&archive, "Đà Nẵng", None)), [id]);
}

/// Replacing the gazetteer and reading the places again are an operator's, ledgered: the import
/// once for the store, each changed record with its codes before and after, in its owner's
/// ledger and the document's history; anyone else is refused, and the refusal is ledgered.
#[test]
fn changing_the_gazetteer_is_an_operators_and_is_ledgered() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    let id = store_nui_thanh_2019(&archive);
    let clerk = Caller::signed_in(
        Principal::new("canbo", Role::Clerk, Some("H47.15"), None).unwrap(),
        Credential::Session,
    );
    let admin = Caller::signed_in(
        Principal::new("quantri", Role::Admin, None, None).unwrap(),
        Credential::Session,
    );
    let before = archive.figures().unwrap();
    for caller in [&clerk, &admin] {
        match archive.import_gazetteer(caller, TWO_PROVINCES.as_bytes()) {
            Err(ArchiveError::Refused(r)) => assert_eq!(r.kind(), RefusalKind::Role),
            other => panic!("{:?}", other.map(|_| ())),
        }
        match archive.refresh_places(caller, &mut |_, _| {}) {
            Err(ArchiveError::Refused(r)) => assert_eq!(r.kind(), RefusalKind::Role),
            other => panic!("{other:?}"),
        }
    }
    assert!(
        archive.gazetteer_file().is_none(),
        "a refusal changes nothing"
    );
    let refused = archive.figures().unwrap();
    assert_eq!(refused.refused - before.refused, 4);
    assert_eq!(
        refused.ledger_events - before.ledger_events,
        4,
        "each refusal is in the ledger"
    );
    archive
        .import_gazetteer(&operator(), TWO_PROVINCES.as_bytes())
        .unwrap();
    assert_eq!(
        archive.refresh_places(&operator(), &mut |_, _| {}).unwrap(),
        1
    );
    // The import is in the store's ledger (about no one document) beside the record's event.
    assert_eq!(
        archive.figures().unwrap().ledger_events - refused.ledger_events,
        2,
        "the import and the re-read"
    );

    let ledger = archive
        .owner_ledger(
            &admin,
            &schemas::OwnerId::parse("049075001234").unwrap(),
            LedgerPage::new(None, Some(1000)),
        )
        .unwrap()
        .events;
    let reread: Vec<_> = ledger
        .iter()
        .filter(|e| e.event.action == Action::RereadPlaces)
        .collect();
    assert_eq!(reread.len(), 1, "{ledger:?}");
    let event = &reread[0].event;
    assert_eq!(event.doc_id.as_deref(), Some(id.as_str()));
    assert_eq!(event.actor.name, "test");
    let detail = event.detail.as_deref().unwrap_or_default();
    assert!(
        detail.contains("old:H517, old:T49 -> old:T49") && detail.contains("places.tsv"),
        "{detail}"
    );
    let history = archive
        .read_document(&operator(), &id, &Default::default())
        .unwrap()
        .history()
        .iter()
        .map(|e| e.event.action)
        .collect::<Vec<_>>();
    assert_eq!(history, [Action::Ingest, Action::RereadPlaces]);
}
