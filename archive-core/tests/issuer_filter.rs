//! The issuer filter matches words, folded (issue #19): "so tai nguyen", "quang nam" find the
//! agencies whose names hold them, and an issuer filter that is a place's name also takes the
//! agencies of the units that place became or came from (1 July 2025).

#![forbid(unsafe_code)]

use archive_core::search::{SearchRequest, SearchResults};
use archive_core::{Archive, NewDocument};
use schemas::{Caller, DocTypes, Format, MetadataInput};

fn operator() -> Caller {
    Caller::local_operator("test")
}

fn store(archive: &Archive, owner: &str, issuer: &str) -> String {
    let metadata = MetadataInput {
        owner_id: Some(owner.into()),
        doc_type: Some("land_use_right_certificate".into()),
        issuer: Some(issuer.into()),
        issued_on: Some("2024-05-01".into()),
        ..Default::default()
    }
    .validate(&DocTypes::builtin(), schemas::today())
    .unwrap();
    let bytes = format!("%PDF-1.4 {owner} {issuer}");
    archive
        .ingest(
            &operator(),
            &mut bytes.as_bytes(),
            NewDocument::new(metadata, Format::Pdf, 1),
        )
        .unwrap()
        .record
        .id
}

fn by_issuer(archive: &Archive, issuer: &str) -> SearchResults {
    archive.sync_index(&mut |_, _| {}).unwrap();
    let req = SearchRequest {
        issuer: Some(issuer.into()),
        limit: 50,
        ..Default::default()
    };
    archive
        .search(&operator(), &req.tidy(), &Default::default())
        .unwrap()
}

fn ids(results: &SearchResults) -> Vec<String> {
    let mut ids: Vec<String> = results.hits.iter().map(|h| h.record.id.clone()).collect();
    ids.sort();
    ids
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn the_issuer_filter_matches_folded_words_and_places() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let so_quang_nam = store(
        &archive,
        "049075001231",
        "Sở Tài nguyên và Môi trường tỉnh Quảng Nam",
    );
    let nui_thanh = store(
        &archive,
        "049075001232",
        "UBND xã Núi Thành, thành phố Đà Nẵng",
    );
    let hai_chau = store(
        &archive,
        "048075001233",
        "UBND phường Hải Châu, thành phố Đà Nẵng",
    );
    let so_ha_noi = store(
        &archive,
        "001075001234",
        "Sở Tài nguyên và Môi trường thành phố Hà Nội",
    );

    for words in [
        "so tai nguyen",
        "Sở Tài nguyên",
        "SỞ TÀI NGUYÊN",
        "tai nguyen moi truong",
    ] {
        assert_eq!(
            ids(&by_issuer(&archive, words)),
            sorted(vec![so_quang_nam.clone(), so_ha_noi.clone()]),
            "{words}"
        );
    }
    assert_eq!(
        ids(&by_issuer(&archive, "so tai nguyen ha noi")),
        vec![so_ha_noi.clone()]
    );
    // The facet's value, the full name, still finds exactly its documents.
    assert_eq!(
        ids(&by_issuer(
            &archive,
            "UBND phường Hải Châu, thành phố Đà Nẵng"
        )),
        vec![hai_chau.clone()]
    );
    // "quang nam": the words, and the agencies of today's communes formed from Quảng Nam's;
    // not Hải Châu (formed from Đà Nẵng's own wards), not Hà Nội.
    let quang_nam = by_issuer(&archive, "quang nam");
    assert_eq!(
        ids(&quang_nam),
        sorted(vec![so_quang_nam.clone(), nui_thanh.clone()])
    );
    assert!(
        quang_nam
            .place_expansion
            .iter()
            .any(|p| p.from == "issuer" && p.typed == "quang nam"),
        "{:?}",
        quang_nam.place_expansion
    );
    // Words no issuer holds: nothing.
    assert_eq!(by_issuer(&archive, "cong an").total, 0);
}
