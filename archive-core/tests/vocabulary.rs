//! The domain vocabulary in search (issue #19): everyday names and abbreviations of papers ("sổ
//! đỏ", "GCN QSDĐ", "GKS") find the papers they name, through `Archive::search` on a real store
//! and index, and no longer every document that holds the words "so" and "do".

#![forbid(unsafe_code)]

use archive_core::search::{SearchRequest, SearchResults};
use archive_core::{Archive, ArchiveError, NewDocument};
use schemas::{Caller, DocTypes, DocumentText, Format, MetadataInput, PageSource, PageText};

fn operator() -> Caller {
    Caller::local_operator("test")
}

fn store(archive: &Archive, owner: &str, doc_type: &str, text: &str) -> String {
    let metadata = MetadataInput {
        owner_id: Some(owner.into()),
        doc_type: Some(doc_type.into()),
        issuer: Some("UBND xã Hòa Vang, thành phố Đà Nẵng".into()),
        issued_on: Some("2024-05-01".into()),
        ..Default::default()
    }
    .validate(&DocTypes::builtin(), schemas::today())
    .unwrap();
    let bytes = format!("%PDF-1.4 {owner} {doc_type} {text}");
    let doc = NewDocument {
        text: Some(DocumentText {
            pages: vec![PageText {
                page: 1,
                text: text.into(),
                source: PageSource::TextLayer,
                ocr_confidence: None,
                rotated: 0,
                note: None,
            }],
            engine: "test".into(),
        }),
        ..NewDocument::new(metadata, Format::Pdf, 1)
    };
    archive
        .ingest(&operator(), &mut bytes.as_bytes(), doc)
        .unwrap()
        .record
        .id
}

fn search(archive: &Archive, query: &str) -> SearchResults {
    archive.sync_index(&mut |_, _| {}).unwrap();
    let req = SearchRequest {
        query: query.into(),
        limit: 50,
        ..Default::default()
    };
    archive
        .search(&operator(), &req, &Default::default())
        .unwrap()
}

fn ids(results: &SearchResults) -> Vec<String> {
    let mut ids: Vec<String> = results.hits.iter().map(|h| h.record.id.clone()).collect();
    ids.sort();
    ids
}

struct Desk {
    _dir: tempfile::TempDir,
    archive: Archive,
    land: Vec<String>,
    birth: String,
    receipt: String,
    all: usize,
}

/// Papers whose texts all hold "số" and "do"/"đo" (as real ones do: "Số: ...", "do ... cấp",
/// "số đo"), so that "so do" read as two words matches every one of them.
fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let land = vec![
        store(
            &archive,
            "048075001231",
            "land_use_right_certificate",
            "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở\nSố vào sổ cấp GCN: CS 01234\nThửa đất số 12, tờ bản đồ số 3, do UBND cấp",
        ),
        store(
            &archive,
            "048075001232",
            "land_use_right_certificate",
            "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\nSố: CT 99887\nDiện tích theo số đo thực tế 120 m2, do Văn phòng đăng ký đất đai đo đạc",
        ),
    ];
    let birth = store(
        &archive,
        "048075001233",
        "birth_certificate",
        "GIẤY KHAI SINH\nSố: 15/2024\nHọ và tên: Trần Thị Do\nNơi đăng ký: UBND xã Hòa Vang, do ông Lê Văn Sơ làm chứng",
    );
    let receipt = store(
        &archive,
        "048075001234",
        "dossier_receipt",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nSố hồ sơ: 000.00.00.H47-240501-0001\nThủ tục: cấp đổi sổ đỏ (GCN) do bị rách, số đo không đổi",
    );
    let marriage = store(
        &archive,
        "048075001235",
        "marriage_certificate",
        "GIẤY CHỨNG NHẬN KẾT HÔN\nSố: 08\nĐăng ký kết hôn do UBND xã cấp; so sánh với sổ đăng ký",
    );
    let _ = marriage;
    let all = 5;
    Desk {
        _dir: dir,
        archive,
        land,
        birth,
        receipt,
        all,
    }
}

#[test]
fn land_use_certificate_names_find_the_certificates_and_not_every_document() {
    let d = desk();
    // Before the vocabulary, "so do" was two words of every text.
    let words = search(&d.archive, "\"so\" \"do\"");
    assert_eq!(words.total, d.all, "the fixture holds the words everywhere");

    let mut land = d.land.clone();
    land.sort();
    let mut land_or_mention = [d.land.clone(), vec![d.receipt.clone()]].concat();
    land_or_mention.sort();
    for q in ["GCN QSDĐ", "gcn qsdd", "GCNQSDĐ", "sổ hồng", "bìa đỏ"] {
        let r = search(&d.archive, q);
        assert_eq!(ids(&r), land, "{q}");
        assert_eq!(r.vocabulary_expansion.len(), 1, "{q}");
        let e = &r.vocabulary_expansion[0];
        assert_eq!(e.doc_types[0].key, "land_use_right_certificate");
        assert!(e.doc_types[0]
            .title
            .starts_with("Giấy chứng nhận quyền sử dụng đất"));
    }
    // "sổ đỏ": the certificates, and the receipt whose text says "sổ đỏ"; the certificates first.
    let folded = search(&d.archive, "so do");
    let exact = search(&d.archive, "sổ đỏ");
    assert_eq!(ids(&folded), land_or_mention);
    assert_eq!(
        ids(&exact),
        ids(&folded),
        "folded and unfolded forms are equal"
    );
    assert!(folded.total < d.all);
    assert!(!ids(&folded).contains(&d.birth));
    let last = &folded.hits[folded.hits.len() - 1].record.id;
    assert_eq!(
        last, &d.receipt,
        "the papers themselves rank above a mention"
    );
    for hit in &folded.hits {
        assert!(
            !hit.snippet.to_lowercase().contains("<b>số</b>"),
            "a term is not marked word by word: {}",
            hit.snippet
        );
    }
    let gks = search(&d.archive, "GKS");
    assert_eq!(ids(&gks), vec![d.birth.clone()]);
    assert_eq!(exact.vocabulary_expansion[0].typed, "sổ đỏ");
    assert_eq!(folded.vocabulary_expansion[0].typed, "so do");
    assert_eq!(folded.vocabulary_expansion[0].term, "sổ đỏ");
    // "số đo" (a measurement), typed with its diacritics, is words, not the certificate.
    let measure = search(&d.archive, "số đo");
    assert!(measure.vocabulary_expansion.is_empty());
    assert!(ids(&measure).contains(&d.receipt));
}

#[test]
fn ordinary_words_and_other_terms_still_work() {
    let d = desk();
    // A phrase with "so" in it is words, as before.
    let r = search(&d.archive, "so sánh");
    assert!(r.vocabulary_expansion.is_empty());
    assert_eq!(r.total, 1);
    let r = search(&d.archive, "hồ sơ");
    assert!(ids(&r).contains(&d.receipt));
    // An abbreviation with other words: both must hold.
    let r = search(&d.archive, "GKS Trần Thị Do");
    assert_eq!(ids(&r), vec![d.birth.clone()]);
    assert_eq!(
        r.vocabulary_expansion[0].doc_types[0].key,
        "birth_certificate"
    );
    let r = search(&d.archive, "GKS Nguyễn");
    assert_eq!(r.total, 0);
    // Quoted, a term is searched as typed: a phrase, folded, its exact spelling first.
    let r = search(&d.archive, "\"sổ đỏ\"");
    assert!(r.vocabulary_expansion.is_empty());
    assert_eq!(r.hits[0].record.id, d.receipt);
    assert!(!ids(&r).contains(&d.birth));
    // A term with a place: both expansions apply.
    let r = search(&d.archive, "sổ đỏ Đà Nẵng");
    assert_eq!(r.place_expansion.len(), 1);
    assert_eq!(r.vocabulary_expansion.len(), 1);
}

#[test]
fn a_store_replaces_the_vocabulary_and_keeps_it() {
    let d = desk();
    let dir = d._dir;
    let mut archive = d.archive;
    let bad = archive
        .import_vocabulary("term,doc_type,words\nsổ xanh,passport,\n")
        .unwrap_err();
    assert!(matches!(bad, ArchiveError::Vocabulary { .. }), "{bad}");
    assert!(bad.to_string().contains("line 2"), "{bad}");
    assert_eq!(search(&archive, "so do").vocabulary_expansion.len(), 1);

    let n = archive
        .import_vocabulary("term,doc_type,words\nsổ xanh,land_use_right_certificate,\n")
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(search(&archive, "so xanh").total, 2);
    assert!(search(&archive, "so do").vocabulary_expansion.is_empty());
    drop(archive);
    let archive = Archive::open(dir.path()).unwrap();
    assert_eq!(archive.vocabulary().rows().len(), 1);
    assert_eq!(search(&archive, "sổ xanh").total, 2);
    drop(archive);
    // A broken file the store cannot read says where and what to do.
    std::fs::write(
        dir.path().join("vocabulary.csv"),
        "term,doc_type,words\nx,nope,\n",
    )
    .unwrap();
    let e = Archive::open(dir.path()).err().unwrap().to_string();
    assert!(
        e.contains("vocabulary.csv") && e.contains("kho vocabulary show"),
        "{e}"
    );
}
