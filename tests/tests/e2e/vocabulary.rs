//! The domain vocabulary of search through the binary and over HTTP (issue #19): `kho
//! vocabulary show|import`, `kho search` and `GET /api/v1/search` saying what a term expanded to.

use kho_tests::http::{encode, Served};
use kho_tests::Kho;

fn search_json(kho: &Kho, query: &str) -> serde_json::Value {
    let run = kho.run(["search", query, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

#[test]
fn the_cli_shows_imports_and_searches_with_the_vocabulary() {
    let kho = Kho::new();
    kho.ingest_corpus();
    let all = search_json(&kho, "")["total"].as_u64().unwrap();
    assert!(all >= 4);
    for q in ["so do", "sổ đỏ", "GCN QSDĐ", "gcn qsdd"] {
        let found = search_json(&kho, q);
        assert_eq!(found["total"], 1, "{q}: {found}");
        assert_eq!(found["hits"][0]["doc_type"], "land_use_right_certificate");
        assert_eq!(
            found["vocabulary_expansion"][0]["doc_types"][0]["key"],
            "land_use_right_certificate"
        );
    }
    let plain = kho.run(["search", "so do"]);
    assert!(
        plain
            .stdout
            .contains("tìm cả: “so do” (sổ đỏ): Giấy chứng nhận quyền sử dụng đất"),
        "{}",
        plain.stdout
    );

    let shown = kho.run(["vocabulary", "show"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(shown.stdout.starts_with("term,doc_type,words\n"));
    assert!(shown.stdout.contains("sổ đỏ,land_use_right_certificate,"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "term,doc_type,words\nsổ xanh,passport,\n").unwrap();
    let refused = kho.run(["vocabulary", "import", bad.to_str().unwrap()]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("line 2") && refused.stderr.contains("passport"),
        "{}",
        refused.stderr
    );
    let edited = dir.path().join("vocabulary.csv");
    std::fs::write(
        &edited,
        format!("{}sổ xanh,land_use_right_certificate,\n", shown.stdout),
    )
    .unwrap();
    let imported = kho.run(["vocabulary", "import", edited.to_str().unwrap()]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    assert_eq!(search_json(&kho, "so xanh")["total"], 1);
    assert_eq!(search_json(&kho, "so do")["total"], 1);
}

#[test]
fn agency_names_are_a_table_a_store_extends() {
    let kho = Kho::new();
    let listed = kho.run(["agencies", "--json"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(listed
        .json()
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["code"] == "H47"));
    std::fs::write(
        kho.data.path().join("agencies.csv"),
        "code,name\nH47.15,UBND huyện Núi Thành\n",
    )
    .unwrap();
    let listed = kho.run(["agencies"]);
    assert!(
        listed.stdout.contains("UBND huyện Núi Thành"),
        "{}",
        listed.stdout
    );
    std::fs::write(
        kho.data.path().join("agencies.csv"),
        "code,name\nnot-a-code,X\n",
    )
    .unwrap();
    let refused = kho.run(["agencies"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("agencies.csv") && refused.stderr.contains("line 2"),
        "{}",
        refused.stderr
    );
}

#[test]
fn the_api_says_what_a_term_expanded_to() {
    let kho = Kho::new();
    kho.ingest_corpus();
    let op = kho.token("operator", &[]);
    let served = Served::start(kho);
    let found = served
        .get(
            &format!("/api/v1/search?q={}", encode("GCN QSDĐ")),
            Some(&op),
        )
        .json();
    assert_eq!(found["total"], 1, "{found}");
    let e = &found["vocabulary_expansion"][0];
    assert_eq!(e["typed"], "GCN QSDĐ");
    assert_eq!(e["term"], "GCN QSDĐ");
    assert_eq!(e["doc_types"][0]["key"], "land_use_right_certificate");
    assert!(e["described"]
        .as_str()
        .unwrap()
        .contains("Giấy chứng nhận quyền sử dụng đất"));
    let words = served
        .get(&format!("/api/v1/search?q={}", encode("hồ sơ")), Some(&op))
        .json();
    assert_eq!(words["vocabulary_expansion"], serde_json::json!([]));
}
