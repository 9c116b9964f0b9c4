//! What ranks first: the exact spelling typed over its folded twin (a word or a quoted phrase), the owner over a mention in
//! the text, the words as a phrase over the same words scattered. The recall test (tests/search.rs)
//! checks that documents are found; this checks the order the index is built to give.

#![forbid(unsafe_code)]

use archive_core::search::SearchRequest;
use archive_core::{Archive, NewDocument};
use schemas::{Caller, DocTypes, DocumentText, Format, MetadataInput, PageSource, PageText};

fn store(archive: &Archive, owner_id: &str, owner_name: &str, text: &str) -> String {
    let metadata = MetadataInput {
        owner_id: Some(owner_id.into()),
        doc_type: Some("birth_certificate".into()),
        owner_name: Some(owner_name.into()),
        ..Default::default()
    }
    .validate(&DocTypes::builtin(), schemas::today())
    .unwrap();
    let bytes = format!("%PDF-1.4 {owner_id} {text}");
    let text = DocumentText {
        pages: vec![PageText {
            page: 1,
            text: text.into(),
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
        .unwrap()
        .record
        .id
}

fn ranked(archive: &Archive, query: &str) -> Vec<String> {
    let req = SearchRequest {
        query: query.into(),
        limit: 20,
        ..Default::default()
    };
    archive
        .search(&Caller::local_operator("test"), &req, &Default::default())
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.record.id)
        .collect()
}

#[test]
fn exact_spelling_owner_and_phrase_rank_first() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    // The same folded word, two spellings: "Hòa" (peace) and "Hoa" (flower) are different names.
    let hoa = store(
        &archive,
        "001090000001",
        "Lê Văn Hoa",
        "Giấy khai sinh của Lê Văn Hoa, sinh tại xã Tân Phú.",
    );
    let hoa_tone = store(
        &archive,
        "001090000002",
        "Trần Thị Hòa",
        "Giấy khai sinh của Trần Thị Hòa, sinh tại xã Tân Phú.",
    );
    // The owner, and a document that only names him as a witness, of about the same length.
    let owner = store(
        &archive,
        "001090000003",
        "Nguyễn Văn Đức",
        "Giấy khai sinh, đăng ký tại Ủy ban nhân dân xã Bình An, huyện Châu Thành.",
    );
    let witness = store(
        &archive,
        "001090000004",
        "Phạm Thị Lan",
        "Giấy khai sinh, người làm chứng Nguyễn Văn Đức, xã Bình An, huyện Châu Thành.",
    );
    // The same words scattered, and together (stored second: a tie would not favour it).
    let scattered = store(
        &archive,
        "001090000006",
        "Đỗ Minh Khoa",
        "Đất ở thửa số 14; quyền của hộ được ghi nhận; sử dụng theo giấy chứng nhận.",
    );
    let phrase = store(
        &archive,
        "001090000005",
        "Võ Minh Tâm",
        "Đã cấp giấy chứng nhận quyền sử dụng đất cho hộ ông Tâm tại thửa số 12.",
    );
    // A quoted phrase whose folded form two spellings share (stored in this order so that a
    // tie would favour the wrong one).
    let vase = store(
        &archive,
        "001090000007",
        "Mai Thị Thu",
        "Biên bản kiểm kê: một hoa bình bằng gốm, để tại nhà kho của thôn.",
    );
    let place = store(
        &archive,
        "001090000008",
        "Mai Văn Thuận",
        "Biên bản kiểm kê: một tủ gỗ cũ, để tại trụ sở xã Hòa Bình.",
    );
    archive.sync_index(&mut |_, _| {}).unwrap();

    let peace = ranked(&archive, "Hòa");
    assert_eq!(peace.first(), Some(&hoa_tone), "{peace:?}");
    assert!(peace.contains(&hoa), "folded twin still found: {peace:?}");
    let flower = ranked(&archive, "Hoa");
    assert!(
        flower.contains(&hoa) && flower.contains(&hoa_tone),
        "typed plain, both spellings match: {flower:?}"
    );

    for query in ["nguyen van duc", "Nguyễn Văn Đức", "NGUYỄN VĂN ĐỨC"] {
        let found = ranked(&archive, query);
        assert_eq!(found.first(), Some(&owner), "{query}: {found:?}");
        assert!(found.contains(&witness), "{query}: {found:?}");
    }

    let found = ranked(&archive, "\"Hòa Bình\" kiểm kê");
    assert_eq!(found.first(), Some(&place), "{found:?}");
    assert!(found.contains(&vase), "{found:?}");

    for query in ["quyen su dung dat", "quyền sử dụng đất"] {
        let found = ranked(&archive, query);
        assert_eq!(found.first(), Some(&phrase), "{query}: {found:?}");
        assert!(found.contains(&scattered), "{query}: {found:?}");
    }
}

/// Phrases are looked up through the folded text's word pairs (search/pairs.rs); what they find
/// must be what a phrase means: the words side by side, in order. A document that holds every
/// pair of the phrase but not the phrase, or whose words are parted by one too long to index,
/// is not a hit; both spellings find the same documents; a negated phrase leaves exactly those.
#[test]
fn a_phrase_is_its_words_side_by_side_not_its_pairs_apart() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let text = |t: &str| format!("Giấy tờ. {t}. Hết.");
    let together = store(
        &archive,
        "001090000011",
        "Phan Văn Lộc",
        &text("Giấy chứng nhận quyền sử dụng đất số 12"),
    );
    let unmarked = store(
        &archive,
        "001090000012",
        "Phan Văn Tài",
        &text("giay chung nhan quyen su dung dat so 13"),
    );
    let pairs_apart = store(
        &archive,
        "001090000013",
        "Phan Văn Phúc",
        &text("Quyền sử. Cách sử dụng. Dụng đất"),
    );
    let long_word = "a".repeat(41);
    let parted = store(
        &archive,
        "001090000014",
        "Phan Văn Thọ",
        &text(&format!("quyền sử dụng {long_word} đất")),
    );
    archive.sync_index(&mut |_, _| {}).unwrap();
    let found = |query: &str| {
        let req = SearchRequest {
            query: query.into(),
            limit: 20,
            ..Default::default()
        };
        let search = || {
            archive
                .search(&Caller::local_operator("test"), &req, &Default::default())
                .unwrap()
        };
        let result = search();
        // Asked again, its counts are kept and only the ranking runs: the same hits.
        let again = search();
        assert_eq!(again.total, result.total, "{query}: asked again");
        let again: Vec<String> = again.hits.into_iter().map(|h| h.record.id).collect();
        let mut ids: Vec<String> = result.hits.into_iter().map(|h| h.record.id).collect();
        assert_eq!(again, ids, "{query}: asked again");
        assert_eq!(
            result.total,
            ids.len(),
            "{query}: the total counts the hits"
        );
        ids.sort();
        ids
    };
    let sorted = |mut ids: Vec<&String>| {
        ids.sort();
        ids.into_iter().cloned().collect::<Vec<String>>()
    };
    for query in [
        "\"quyền sử dụng đất\"",
        "\"quyen su dung dat\"",
        "\"QUYỀN SỬ DỤNG ĐẤT\"",
    ] {
        assert_eq!(found(query), sorted(vec![&together, &unmarked]), "{query}");
    }
    assert_eq!(
        found("\"sử dụng\""),
        sorted(vec![&together, &unmarked, &pairs_apart, &parted])
    );
    assert_eq!(
        found("\"dụng đất\""),
        sorted(vec![&together, &unmarked, &pairs_apart])
    );
    assert_eq!(found("\"sử dụng đất\""), sorted(vec![&together, &unmarked]));
    assert_eq!(
        found("quyền -\"sử dụng đất\""),
        sorted(vec![&pairs_apart, &parted])
    );
    // Three words whose two pairs are both in the document, apart.
    assert_eq!(found("\"cách sử dụng đất\""), Vec::<String>::new());
    assert_eq!(found("\"cách sử dụng\""), sorted(vec![&pairs_apart]));
}

fn page(archive: &Archive, query: &str, offset: usize, limit: usize) -> (usize, Vec<String>) {
    let req = SearchRequest {
        query: query.into(),
        offset,
        limit,
        ..Default::default()
    };
    let result = archive
        .search(&Caller::local_operator("test"), &req, &Default::default())
        .unwrap();
    let ids = result.hits.into_iter().map(|h| h.record.id).collect();
    (result.total, ids)
}

/// A phrase of three words or more is ranked through its pairs first (search/index/rerank.rs):
/// candidates by the pairs' terms, each then scored by the phrase. Documents that hold the pairs
/// more often than the phrase, apart, outrank every true hit in that first step; they must not
/// be hits, the true hits must rank by the phrase, and every way of asking (counted, kept, a
/// page at a time) must give the same order.
#[test]
fn a_long_phrase_ranked_through_its_pairs_is_ranked_by_the_phrase() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    let filler = "Căn cứ hồ sơ đề nghị của công dân, cơ quan có thẩm quyền xem xét và giải quyết.";
    let phrase = "quyền sử dụng đất";
    let mut by_count = Vec::new();
    for (i, times) in [1usize, 3, 2, 1, 2].into_iter().enumerate() {
        let text = format!("{filler} {}", vec![phrase; times].join(". "));
        let id = store(&archive, &format!("0010900{:05}", i), "Lê Thị Hoa", &text);
        by_count.push((times, id));
    }
    for i in 0..30 {
        store(
            &archive,
            &format!("0010901{i:05}"),
            "Trần Văn Nam",
            "Quyền sử. Sử dụng. Dụng đất. Quyền sử. Sử dụng. Dụng đất. Quyền sử. Sử dụng. Dụng đất.",
        );
    }
    archive.sync_index(&mut |_, _| {}).unwrap();
    let query = "\"quyền sử dụng đất\"";
    let (total, first) = page(&archive, query, 0, 20);
    assert_eq!(total, 5, "only the documents that hold the phrase");
    let (_, again) = page(&archive, query, 0, 20);
    assert_eq!(again, first, "counted, then kept: the same order");
    let by_pages: Vec<String> = (0..3)
        .flat_map(|p| page(&archive, query, p * 2, 2).1)
        .collect();
    assert_eq!(by_pages, first, "page by page: the same order");
    // The phrase three times first, then twice, then once (the texts are alike otherwise).
    let times_of = |id: &String| by_count.iter().find(|(_, d)| d == id).map(|(t, _)| *t);
    let times: Vec<Option<usize>> = first.iter().map(times_of).collect();
    assert_eq!(times, vec![Some(3), Some(2), Some(2), Some(1), Some(1)]);
}

/// When the documents that hold a phrase's pairs apart outnumber the candidates the pairs-first
/// pass takes, the phrase is ranked by its positions after all: the true hits are not crowded out.
#[test]
fn pairs_apart_in_many_documents_do_not_crowd_out_the_phrase() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    // More than the candidates taken for a first page (four for each of the hundred ranked).
    for i in 0..420 {
        store(
            &archive,
            &format!("0010902{i:05}"),
            "Trần Văn Nam",
            "Sử dụng đất. Cấp giấy chứng nhận quyền sử. Sử dụng đất. Quyền sử.",
        );
    }
    let mut wanted = Vec::new();
    for i in 0..3 {
        let text = format!(
            "Hồ sơ số {i} gồm nhiều trang, trong đó có giấy chứng nhận quyền sử dụng đất của hộ gia đình \
             được cấp theo quy định của pháp luật về đất đai và các văn bản hướng dẫn thi hành."
        );
        wanted.push(store(
            &archive,
            &format!("0010903{i:05}"),
            "Lê Văn Bình",
            &text,
        ));
    }
    archive.sync_index(&mut |_, _| {}).unwrap();
    let query = "\"quyền sử dụng đất\"";
    for _ in 0..2 {
        let (total, mut ids) = page(&archive, query, 0, 20);
        assert_eq!(total, 3);
        ids.sort();
        wanted.sort();
        assert_eq!(ids, wanted);
    }
    assert_eq!(
        page(&archive, "\"chứng nhận quyền sử dụng đất\"", 0, 20)
            .1
            .len(),
        3
    );
}

/// Paging through a phrase's hits beyond the hundred ranked for the first pages: a deeper page
/// takes more candidates, and the documents they add (of the same score as those shown, with
/// lower addresses) must not push shown ones down onto the next page. Hits of equal score: the
/// phrase once in texts of one length; 120 stored first hold nothing more, the 380 after also
/// hold two of its pairs again, so the pairs rank them first.
#[test]
fn pages_past_the_first_hundred_neither_repeat_nor_skip() {
    let dir = tempfile::tempdir().unwrap();
    let archive = Archive::open(dir.path()).unwrap();
    for (first, count, tail) in [(0, 120, "một hai ba"), (120, 380, "quyền sử dụng")] {
        for i in first..first + count {
            let text = format!("Cấp giấy chứng nhận quyền sử dụng đất. {tail}.");
            store(&archive, &format!("0010904{i:05}"), "Lê Văn Bình", &text);
        }
    }
    archive.sync_index(&mut |_, _| {}).unwrap();
    let query = "\"quyen su dung dat\"";
    let (total, whole) = page(&archive, query, 0, 160);
    assert_eq!(total, 500);
    let paged: Vec<String> = (0..8)
        .flat_map(|p| page(&archive, query, p * 20, 20).1)
        .collect();
    let mut distinct = paged.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), paged.len(), "a document shown on two pages");
    assert_eq!(paged, whole, "page by page as in one page");
}
