//! Facet counts are cached per searcher generation (issue #22): the same search asked again
//! answers the same counts, and a commit (a new document indexed) makes a new generation whose
//! counts are counted afresh, never the stale ones.

#![forbid(unsafe_code)]

use archive_core::search::{SearchRequest, SearchResults, SortOrder};
use archive_core::{Archive, NewDocument};
use schemas::{Caller, DocTypes, DocumentText, Format, MetadataInput, PageSource, PageText};

fn store(archive: &Archive, owner_id: &str, issuer: &str) {
    let metadata = MetadataInput {
        owner_id: Some(owner_id.into()),
        doc_type: Some("birth_certificate".into()),
        owner_name: Some("Nguyễn Văn An".into()),
        issuer: Some(issuer.into()),
        ..Default::default()
    }
    .validate(&DocTypes::builtin(), schemas::today())
    .unwrap();
    let bytes = format!("%PDF-1.4 {owner_id} {issuer}");
    let text = DocumentText {
        pages: vec![PageText {
            page: 1,
            text: "Giấy khai sinh, Ủy ban nhân dân cấp.".into(),
            source: PageSource::TextLayer,
            ocr_confidence: None,
            rotated: 0,
            note: None,
        }],
        engine: "test".into(),
    };
    let doc = NewDocument {
        source_name: Some(format!("{owner_id}.pdf")),
        text: Some(text),
        ..NewDocument::new(metadata, Format::Pdf, 1)
    };
    archive
        .ingest(&Caller::local_operator("test"), &mut bytes.as_bytes(), doc)
        .unwrap();
}

fn search(archive: &Archive, sort: SortOrder) -> SearchResults {
    let req = SearchRequest {
        query: "uy ban".into(),
        limit: 20,
        sort,
        ..Default::default()
    };
    archive
        .search(&Caller::local_operator("test"), &req, &Default::default())
        .unwrap()
}

#[test]
fn a_commit_invalidates_the_cached_facet_counts() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    store(&archive, "001090000001", "Ủy ban nhân dân xã Tân Phú");
    store(&archive, "001090000002", "Ủy ban nhân dân xã Tân Phú");
    archive.sync_index(&mut |_, _| {}).unwrap();
    for sort in [SortOrder::Relevance, SortOrder::IssuedDesc] {
        let first = search(&archive, sort);
        assert_eq!(first.total, 2);
        // Asked again in the same generation: the same answer (from the cache).
        let again = search(&archive, sort);
        assert_eq!(again.total, 2);
        assert_eq!(again.facets, first.facets);
        assert_eq!(again.hits.len(), 2);
    }
    // A new document, indexed: its commit makes a new searcher generation.
    store(&archive, "001090000003", "Ủy ban nhân dân phường Hòa Khánh");
    archive.sync_index(&mut |_, _| {}).unwrap();
    for sort in [SortOrder::Relevance, SortOrder::IssuedDesc] {
        let after = search(&archive, sort);
        assert_eq!(
            after.total, 3,
            "the counts of the old generation are not answered"
        );
        assert_eq!(after.hits.len(), 3);
        assert_eq!(
            after.facets.issuer.get("Ủy ban nhân dân xã Tân Phú"),
            Some(&2)
        );
        assert_eq!(
            after.facets.issuer.get("Ủy ban nhân dân phường Hòa Khánh"),
            Some(&1)
        );
        assert_eq!(after.facets.doc_type.get("birth_certificate"), Some(&3));
    }
}
