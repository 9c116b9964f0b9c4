//! Papers of both eras of the 1 July 2025 reorganization, through the binary and over HTTP:
//! today's name finds the old province's papers and the other way round, the answer says what it
//! included, an ambiguous commune alone is not expanded, `--place`/`place=` filter, the document
//! shows its issuer's successor, and `kho places` explains and replaces the gazetteer.

use kho_tests::fixtures;
use kho_tests::http::Served;
use kho_tests::Kho;

struct Papers {
    kho: Kho,
    /// 2019, UBND huyện Núi Thành, tỉnh Quảng Nam; its text names a commune of the district
    /// (ASCII, as old text layers often are).
    quang_nam_2019: String,
    /// 2026, UBND xã Núi Thành, thành phố Đà Nẵng.
    nui_thanh_2026: String,
    /// 2026, UBND phường Hải Châu, thành phố Đà Nẵng (Đà Nẵng's own wards).
    hai_chau_2026: String,
}

fn ingest(
    kho: &Kho,
    dir: &std::path::Path,
    name: &str,
    text: &str,
    issuer: &str,
    issued_on: &str,
) -> String {
    let path = dir.join(name);
    std::fs::write(&path, fixtures::pdf(1, text)).unwrap();
    let run = kho.run([
        "ingest",
        path.to_str().unwrap(),
        "--owner",
        "049075001234",
        "--doc-type",
        "land_use_right_certificate",
        "--title",
        "Giấy chứng nhận quyền sử dụng đất",
        "--issuer",
        issuer,
        "--issued-on",
        issued_on,
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json_lines()[0]["id"].as_str().unwrap().to_string()
}

fn papers() -> Papers {
    let kho = Kho::new();
    let files = tempfile::tempdir().unwrap();
    let quang_nam_2019 = ingest(
        &kho,
        files.path(),
        "a.pdf",
        "Thua dat tai xa Tam Hiep, huyen Nui Thanh, tinh Quang Nam",
        "UBND huyện Núi Thành, tỉnh Quảng Nam",
        "2019-05-01",
    );
    let nui_thanh_2026 = ingest(
        &kho,
        files.path(),
        "b.pdf",
        "Thua dat so 40 to ban do so 7",
        "UBND xã Núi Thành, thành phố Đà Nẵng",
        "2026-02-10",
    );
    let hai_chau_2026 = ingest(
        &kho,
        files.path(),
        "c.pdf",
        "Thua dat so 5 to ban do so 1",
        "UBND phường Hải Châu, thành phố Đà Nẵng",
        "2026-03-01",
    );
    Papers {
        kho,
        quang_nam_2019,
        nui_thanh_2026,
        hai_chau_2026,
    }
}

fn hit_ids(answer: &serde_json::Value) -> Vec<String> {
    answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_command_line_searches_across_eras_and_explains_places() {
    let p = papers();
    for query in ["Đà Nẵng", "da nang"] {
        let run = p.kho.run(["search", query, "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let answer = run.json();
        let ids = hit_ids(&answer);
        for id in [&p.quang_nam_2019, &p.nui_thanh_2026, &p.hai_chau_2026] {
            assert!(ids.contains(id), "{query}: {ids:?}");
        }
        assert_eq!(
            answer["place_expansion"][0]["note"],
            "gồm cả địa danh trước 01/7/2025: tỉnh Quảng Nam"
        );
        assert_eq!(
            answer["facets"]["province"]["thành phố Đà Nẵng"], 3,
            "{}",
            answer["facets"]
        );
    }
    let answer = p.kho.run(["search", "Quảng Nam", "--json"]).json();
    let ids = hit_ids(&answer);
    assert!(
        ids.contains(&p.quang_nam_2019) && ids.contains(&p.nui_thanh_2026),
        "{ids:?}"
    );
    assert!(!ids.contains(&p.hai_chau_2026), "{ids:?}");
    // The human answer says it too.
    let run = p.kho.run(["search", "xã Núi Thành, Đà Nẵng"]);
    assert!(
        run.stdout
            .contains("gồm cả địa danh trước 01/7/2025: thị trấn Núi Thành"),
        "{}",
        run.stdout
    );
    // An ambiguous commune alone: words only, said so.
    let answer = p.kho.run(["search", "xã Tân Phú", "--json"]).json();
    assert_eq!(answer["place_expansion"][0]["ambiguous"], true);
    assert_eq!(answer["total"], 0);
    // The filter: a name no unit has, or several have, is a usage error naming the flag.
    let run = p.kho.run(["search", "", "--place", "xã Tân Phú"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--place") && run.stderr.contains("the province or the district"),
        "{}",
        run.stderr
    );
    let answer = p
        .kho
        .run(["search", "", "--place", "huyen nui thanh", "--json"])
        .json();
    let ids = hit_ids(&answer);
    assert!(
        ids.contains(&p.quang_nam_2019)
            && ids.contains(&p.nui_thanh_2026)
            && !ids.contains(&p.hai_chau_2026),
        "{ids:?}"
    );
    // The record and its issuer's successor.
    let shown = p.kho.run(["show", &p.quang_nam_2019, "--json"]).json();
    let codes: Vec<&str> = shown["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(&codes[..2], ["old:H517", "old:T49"], "{}", shown["places"]);
    assert!(
        codes.contains(&"old:X20989"),
        "xã Tam Hiệp read from the text without diacritics: {codes:?}"
    );
    assert_eq!(shown["issuer_today"]["abolished"], true);
    assert!(shown["issuer_today"]["note"]
        .as_str()
        .unwrap()
        .contains("không làm thay đổi hiệu lực"));
    assert_eq!(shown["state"], "valid");
    // kho places show.
    let explained = p.kho.run(["places", "show", "Núi Thành", "--json"]).json();
    let units: Vec<&str> = explained["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert!(
        units.contains(&"old:H517") && units.contains(&"new:X20965"),
        "{units:?}"
    );
    let run = p.kho.run(["places", "show", "Atlantis"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
}

#[test]
fn a_store_takes_a_corrected_gazetteer_and_refuses_a_broken_one() {
    let p = papers();
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.tsv");
    std::fs::write(&broken, "V\tkho-places\t1\nU\told:T49\ttỉnh\n").unwrap();
    let run = p.kho.run(["places", "import", broken.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("line 2"), "{}", run.stderr);
    // A correction that separates Quảng Nam from Đà Nẵng (for the test's sake).
    let fixed = dir.path().join("fixed.tsv");
    std::fs::write(
        &fixed,
        "V\tkho-places\t1\nU\told:T49\ttỉnh\tQuảng Nam\t\nU\tnew:T49\ttỉnh\tQuảng Nam\t\nU\tnew:T48\tthành phố\tĐà Nẵng\t\nS\told:T49\tnew:T49\twhole\n",
    )
    .unwrap();
    let run = p.kho.run(["places", "import", fixed.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("1 successions"), "{}", run.stdout);
    let ids = hit_ids(
        &p.kho
            .run(["search", "", "--place", "Đà Nẵng", "--json"])
            .json(),
    );
    assert!(!ids.contains(&p.quang_nam_2019), "{ids:?}");
    // Every document whose places changed says so in its history, by whom and from what.
    let archive = archive_core::Archive::open(p.kho.data.path()).unwrap();
    let document = archive
        .read_document(
            &schemas::Caller::local_operator("test"),
            &p.quang_nam_2019,
            &Default::default(),
        )
        .unwrap();
    let reread: Vec<_> = document
        .history()
        .iter()
        .filter(|e| e.event.action == schemas::Action::RereadPlaces)
        .collect();
    assert_eq!(reread.len(), 1, "{:?}", document.history());
    let event = &reread[0].event;
    assert!(event.actor.name.starts_with("cli:"), "{event:?}");
    let detail = event.detail.as_deref().unwrap_or_default();
    assert!(
        detail.contains("gazetteer places.tsv") && detail.contains("-> old:T49"),
        "{detail}"
    );
}

#[test]
fn the_api_answers_place_expansion_the_filter_and_issuer_today() {
    let p = papers();
    let operator = p.kho.token("operator", &[]);
    let served = Served::start(p.kho);
    let answer = served.get("/api/v1/search?q=da+nang", Some(&operator));
    assert_eq!(answer.status, 200, "{}", answer.text());
    let json = answer.json();
    assert_eq!(hit_ids(&json).len(), 3);
    let expansion = &json["place_expansion"][0];
    assert_eq!(expansion["from"], "query");
    assert_eq!(expansion["units"][0]["era"], "before_2025");
    assert!(
        expansion["includes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["code"] == "old:T49" && u["succession"] == "whole"),
        "{expansion}"
    );
    let filtered = served
        .get("/api/v1/search?place=Qu%E1%BA%A3ng+Nam", Some(&operator))
        .json();
    assert_eq!(hit_ids(&filtered).len(), 2, "{filtered}");
    assert_eq!(filtered["place_expansion"][0]["from"], "filter");
    let refused = served.get("/api/v1/search?place=xa+tan+phu", Some(&operator));
    assert_eq!(refused.status, 422, "{}", refused.text());
    let problem = refused.json();
    assert_eq!(problem["errors"][0]["field"], "place", "{problem}");
    assert_eq!(problem["errors"][0]["value"], "xa tan phu", "{problem}");
    // A name alone that is one place through time is the filter.
    let bare = served.get("/api/v1/search?place=N%C3%BAi+Th%C3%A0nh", Some(&operator));
    assert_eq!(bare.status, 200, "{}", bare.text());
    assert!(hit_ids(&bare.json()).contains(&p.quang_nam_2019));
    let doc = served
        .get(
            &format!("/api/v1/documents/{}", p.quang_nam_2019),
            Some(&operator),
        )
        .json();
    assert_eq!(doc["issuer_today"]["unit_code"], "old:H517");
    assert!(doc["issuer_today"]["successors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "xã Núi Thành, thành phố Đà Nẵng"));
    assert_eq!(doc["places"][0]["source"], "issuer");
    let today = served
        .get(
            &format!("/api/v1/documents/{}", p.nui_thanh_2026),
            Some(&operator),
        )
        .json();
    assert!(today["issuer_today"].is_null(), "{today}");
}
