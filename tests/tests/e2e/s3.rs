//! kho on an S3 bucket, against real Garage servers started for each test (`kho_tests::garage`):
//! originals in the bucket and nowhere else, the store rebuilt from the bucket alone, a second
//! node on the same bucket, and a three-node Garage cluster that loses a node.

use archive_core::{BlobError, BlobStore, S3BlobStore, S3Config};
use kho_tests::garage::{self, Garage};
use kho_tests::http::{Request, Served};
use kho_tests::{corpus, sha256_hex, Kho};
use std::collections::BTreeMap;
use std::io::Read;
use std::time::Duration;

const DUC: &str = "049075001234";
const BUCKET_URL: &str = "s3://kho";
const QUERIES: [&str; 6] = [
    "nguyen",
    "Nguyễn Văn Đức",
    "giấy phép xây dựng",
    "\"khai sinh\"",
    "DUC",
    "049075001234",
];

/// The corpus's files by name, with their bytes.
fn corpus_files() -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(corpus())
        .expect("corpus")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x != "csv" && x != "md"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("read corpus file"))
        })
        .collect()
}

/// A query, its total and its hits' ids, best first.
type QueryResult = (String, u64, Vec<String>);

/// Each query's total and hits, as `kho search --json` gives them. Hits of equal score are put
/// in id order: the index's order among equals is not part of the contract. Scores themselves
/// are not compared: BM25's statistics count a changed record's old version until its segment
/// is merged, so two nodes' scores differ while their order agrees.
fn search_results(kho: &Kho) -> Vec<QueryResult> {
    QUERIES
        .iter()
        .map(|q| {
            let q = if *q == "DUC" { DUC } else { q };
            let run = kho.run(["search", q, "--json"]);
            assert_eq!(run.code, 0, "search {q}: {}", run.stderr);
            let v = run.json();
            let mut hits: Vec<(i64, String)> = v["hits"]
                .as_array()
                .expect("hits")
                .iter()
                .map(|h| {
                    let score = (h["score"].as_f64().unwrap() * 1e4).round() as i64;
                    (-score, h["id"].as_str().unwrap().to_string())
                })
                .collect();
            hits.sort();
            let ids = hits.into_iter().map(|(_, id)| id).collect();
            (q.to_string(), v["total"].as_u64().unwrap(), ids)
        })
        .collect()
}

/// `kho get ID`: the original's bytes, re-hashed by kho on the way out.
fn original(kho: &Kho, id: &str) -> Vec<u8> {
    let got = kho.command().args(["get", id]).output().expect("kho get");
    assert!(
        got.status.success(),
        "kho get {id}: {}",
        String::from_utf8_lossy(&got.stderr)
    );
    got.stdout
}

/// `kho verify`, which must find nothing wrong; its report.
fn verified(kho: &Kho) -> String {
    let verify = kho.run(["verify"]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
    verify.stdout
}

fn a_kho_on(garage: &Garage, node: usize) -> Kho {
    Kho {
        env: garage.env(node),
        ..Kho::new()
    }
}

#[test]
fn originals_go_to_the_bucket_and_the_store_rebuilds_from_it() {
    let garage = Garage::single();
    let kho = Kho::on_bucket(&garage, 0);
    let run = kho.ingest_corpus();
    assert!(
        run.stderr.contains("written to the bucket"),
        "{}",
        run.stderr
    );
    let stored: Vec<serde_json::Value> = run
        .json_lines()
        .into_iter()
        .filter(|l| l["status"] == "stored")
        .collect();
    let files = corpus_files();
    assert_eq!(stored.len(), 6, "{}", run.stdout);

    // Every original is in the bucket under its sha256, read back by Garage's web endpoint
    // (not kho's S3 client), and no original is on the node's disk.
    for line in &stored {
        let sha = line["sha256"].as_str().unwrap();
        let bytes = garage
            .object(&format!("blobs/{sha}"))
            .unwrap_or_else(|| panic!("blobs/{sha} is not in the bucket"));
        assert_eq!(sha256_hex(&bytes), sha);
        let name = line["file"].as_str().unwrap();
        let file = name.rsplit('/').next().unwrap();
        assert_eq!(files[file], bytes, "{file}");
    }
    assert!(!kho.data.path().join("blobs").exists());
    // The blobs, the bucket's description and one journal page.
    assert_eq!(garage.object_count(8), 8);
    let description = garage.object("kho-bucket.json").expect("kho-bucket.json");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&description).unwrap()["kho_bucket_version"],
        1
    );

    let verify = verified(&kho);
    assert!(verify.contains("6 blob(s) checked"), "{}", verify);
    assert!(
        verify.contains("journal: 0 record change(s) made here not yet in the bucket"),
        "{}",
        verify
    );

    // The same bytes again: nothing new in the bucket.
    let again = kho.ingest_corpus();
    assert_eq!(
        again
            .json_lines()
            .iter()
            .filter(|l| l["status"] == "duplicate")
            .count(),
        6
    );
    assert_eq!(garage.object_count(8), 8);

    // A new node, from the bucket alone.
    let before = search_results(&kho);
    assert!(before.iter().all(|(_, total, _)| *total > 0), "{before:?}");
    let rebuilt = a_kho_on(&garage, 0);
    let run = rebuilt.run(["--blobs", BUCKET_URL, "rebuild", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary = run.json();
    assert_eq!(summary["new"], 6, "{summary}");
    assert_eq!(summary["records"], 6, "{summary}");
    assert_eq!(search_results(&rebuilt), before);
    for line in &stored {
        let id = line["id"].as_str().unwrap();
        let show = rebuilt.run(["show", id, "--json"]);
        assert_eq!(show.code, 0, "{}", show.stderr);
        let on_first_node = kho.run(["show", id, "--json"]);
        let (mut a, mut b) = (show.json(), on_first_node.json());
        // Only the local sequence number may differ.
        for v in [&mut a, &mut b] {
            v.as_object_mut().unwrap().remove("seq");
        }
        assert_eq!(a, b);
        assert_eq!(
            sha256_hex(&original(&rebuilt, id)),
            line["sha256"].as_str().unwrap()
        );
    }
    verified(&rebuilt);
    // Rebuilding over a store that has records is refused; --since adds nothing new.
    let refused = rebuilt.run(["rebuild"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("--since"), "{}", refused.stderr);
    let since = rebuilt.run(["rebuild", "--since", "--json"]);
    assert_eq!(since.code, 0, "{}", since.stderr);
    assert_eq!(since.json()["new"], 0);
    assert_eq!(since.json()["pages"], 0);
    // The store remembers its bucket; another location is refused by name.
    let other = rebuilt.run(["--blobs", "s3://another-bucket", "types"]);
    assert_ne!(other.code, 0);
    assert!(other.stderr.contains("s3://kho"), "{}", other.stderr);
}

#[test]
fn large_files_go_up_in_parts_and_come_back_whole() {
    let garage = Garage::single();
    let env: BTreeMap<String, String> = garage.env(0).into_iter().collect();
    let config = S3Config::from_vars(BUCKET_URL, |k| env.get(k).cloned()).unwrap();
    let spool = tempfile::tempdir().unwrap();
    let mut store = S3BlobStore::open(&config, spool.path()).unwrap();
    store.set_part_size(5 * 1024 * 1024);
    // 12 MiB and 3 bytes: three parts, the last one short.
    let mut bytes = Vec::with_capacity(12 * 1024 * 1024 + 3);
    let mut x: u32 = 2463534242;
    while bytes.len() < 12 * 1024 * 1024 + 3 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push(x as u8);
    }
    let put = store.put(&mut bytes.as_slice(), 64 * 1024 * 1024).unwrap();
    assert!(put.newly_written());
    assert_eq!(put.size(), bytes.len() as u64);
    assert_eq!(put.digest().to_hex(), sha256_hex(&bytes));
    let again = store.put(&mut bytes.as_slice(), 64 * 1024 * 1024).unwrap();
    assert!(!again.newly_written());
    assert_eq!(store.size(&put.digest()).unwrap(), Some(bytes.len() as u64));
    let mut back = Vec::new();
    store
        .open(&put.digest())
        .unwrap()
        .read_to_end(&mut back)
        .unwrap();
    assert!(back == bytes, "the bytes read back differ");
    let mut part = Vec::new();
    let start = 5 * 1024 * 1024 - 2;
    store
        .open_range(&put.digest(), start as u64, 10)
        .unwrap()
        .read_to_end(&mut part)
        .unwrap();
    assert_eq!(part, bytes[start..start + 10]);
    let listed: Vec<_> = store.list().unwrap().map(Result::unwrap).collect();
    assert_eq!(listed, vec![put.digest()]);
    assert!(
        garage
            .object(&format!("blobs/{}", put.digest().to_hex()))
            .unwrap()
            == bytes
    );
    // Over the limit: refused, nothing uploaded, nothing left in the spool.
    let too_large = store.put(&mut bytes.as_slice(), 1024 * 1024).unwrap_err();
    assert!(
        matches!(too_large, BlobError::TooLarge { .. }),
        "{too_large}"
    );
    assert_eq!(std::fs::read_dir(spool.path()).unwrap().count(), 0);
    assert_eq!(store.list().unwrap().count(), 1);
    let missing = archive_core::Sha256Digest::of(b"never stored");
    assert!(matches!(store.open(&missing), Err(BlobError::NotFound(_))));
    assert_eq!(store.size(&missing).unwrap(), None);
}

/// A store on `garage` whose environment has `name` set to `value` instead.
fn with_var(garage: &Garage, name: &str, value: &str) -> Kho {
    let mut kho = a_kho_on(garage, 0);
    for (k, v) in &mut kho.env {
        if k == name {
            *v = value.to_string();
        }
    }
    kho
}

#[test]
fn a_wrong_bucket_key_or_endpoint_is_named() {
    let garage = Garage::single();
    let kho = a_kho_on(&garage, 0);
    let missing = kho.run(["--blobs", "s3://no-such-bucket", "types"]);
    assert_ne!(missing.code, 0);
    assert!(
        missing.stderr.contains("no-such-bucket") && missing.stderr.contains("create the bucket"),
        "{}",
        missing.stderr
    );
    let denied = with_var(&garage, "AWS_SECRET_ACCESS_KEY", &"0".repeat(64))
        .run(["--blobs", BUCKET_URL, "types"]);
    assert_ne!(denied.code, 0);
    assert!(
        denied.stderr.contains("AWS_SECRET_ACCESS_KEY"),
        "{}",
        denied.stderr
    );
    let mut no_key = a_kho_on(&garage, 0);
    no_key.env.retain(|(k, _)| k != "AWS_ACCESS_KEY_ID");
    let unset = no_key
        .command()
        .env_remove("AWS_ACCESS_KEY_ID")
        .args(["--blobs", BUCKET_URL, "types"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&unset.stderr).contains("AWS_ACCESS_KEY_ID is not set"));
    // No answer at all is not a configuration error: the store opens (records and search are
    // local), says so, and each file that needs the bucket is refused with the reason.
    let nowhere = with_var(&garage, "AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    let opened = nowhere.run(["--blobs", BUCKET_URL, "types"]);
    assert_eq!(opened.code, 0, "{}", opened.stderr);
    assert!(opened.stderr.contains("reachable"), "{}", opened.stderr);
    let pdf = nowhere.data.path().join("ban-sao.pdf");
    std::fs::write(&pdf, kho_tests::fixtures::pdf(1, "Ban sao")).unwrap();
    let refused = nowhere.run([
        "ingest",
        pdf.to_str().unwrap(),
        "--owner",
        DUC,
        "--doc-type",
        "birth_certificate",
        "--json",
    ]);
    assert_ne!(refused.code, 0);
    let report = format!("{}{}", refused.stdout, refused.stderr);
    assert!(
        report.contains("127.0.0.1:9") && report.contains("reachable"),
        "{report}"
    );
    assert!(!report.contains("X-Amz-Signature"), "{report}");
    let bad_endpoint = with_var(&garage, "AWS_ENDPOINT_URL", "file:///tmp/garage")
        .run(["--blobs", BUCKET_URL, "types"]);
    assert_ne!(bad_endpoint.code, 0);
    assert!(
        bad_endpoint.stderr.contains("AWS_ENDPOINT_URL") && bad_endpoint.stderr.contains("http://"),
        "{}",
        bad_endpoint.stderr
    );
    let bad_url = kho.run(["--blobs", "s3://Bad_Name", "types"]);
    assert!(bad_url.stderr.contains("bucket name"), "{}", bad_url.stderr);
}

fn with_reason(target: &str) -> String {
    format!(
        "{target}{}dossier_code={}&purpose={}",
        if target.contains('?') { '&' } else { '?' },
        kho_tests::http::encode("000.00.00.H47-261120-0007"),
        kho_tests::http::encode("Đối chiếu")
    )
}

fn upload(served: &Served, token: &str, label: &str) -> serde_json::Value {
    let pdf = kho_tests::fixtures::pdf(1, &format!("Ban sao so {label}"));
    let answer = served.send(
        Request::new("POST", "/api/v1/documents")
            .bearer(Some(token))
            .multipart(
                &[("owner_id", DUC), ("doc_type", "birth_certificate")],
                &format!("{label}.pdf"),
                &pdf,
            ),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    answer.json()
}

/// Polls `served` for document `id` until `check` accepts it (the other node's journal arrives
/// within its --follow period).
fn wait_for_document(
    served: &Served,
    token: &str,
    id: &str,
    what: &str,
    check: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let mut last = serde_json::Value::Null;
    garage::wait_for(Duration::from_secs(60), what, || {
        let answer = served.get(
            &with_reason(&format!("/api/v1/documents/{id}")),
            Some(token),
        );
        if answer.status == 200 {
            last = answer.json();
            return check(&last);
        }
        false
    });
    last
}

#[test]
fn a_second_node_on_the_same_bucket_serves_reads_and_follows() {
    let garage = Garage::single();
    let a = Kho::on_bucket(&garage, 0);
    let ingested = a.ingest_corpus();
    let ids = ingested.ids_by_file();
    let b = a_kho_on(&garage, 0);
    let rebuilt = b.run(["--blobs", BUCKET_URL, "rebuild"]);
    assert_eq!(rebuilt.code, 0, "{}", rebuilt.stderr);
    // Accounts belong to each node.
    let (op_a, clerk_a) = (
        a.token("operator", &[]),
        a.token("clerk", &["--agency", "H47.15"]),
    );
    let duc_a = a.token("citizen", &["--owner", DUC]);
    let (op_b, clerk_b) = (
        b.token("operator", &[]),
        b.token("clerk", &["--agency", "H47.15"]),
    );
    let node_a = Served::start_with(a, &["--follow", "1", "--fixity-rate", "0"]);
    let node_b = Served::start_with(b, &["--follow", "1", "--fixity-rate", "0"]);

    // B serves what A stored, bytes included.
    let files = corpus_files();
    for (file, id) in &ids {
        let name = file.rsplit('/').next().unwrap();
        let content = node_b.get(
            &with_reason(&format!("/api/v1/documents/{id}/content")),
            Some(&clerk_b),
        );
        assert_eq!(content.status, 200, "{}", content.text());
        assert!(content.body == files[name], "{name}");
    }
    let hits = node_b.get(
        &with_reason("/api/v1/search?q=nguyen+van+duc"),
        Some(&clerk_b),
    );
    assert_eq!(hits.status, 200, "{}", hits.text());
    assert!(hits.json()["total"].as_u64().unwrap() >= 1);

    // A document uploaded to A reaches B; one revoked on B is revoked on A.
    let fresh = upload(&node_a, &op_a, "from-node-a");
    let fresh_id = fresh["id"].as_str().unwrap().to_string();
    let on_b = wait_for_document(&node_b, &clerk_b, &fresh_id, "the upload to A on B", |_| {
        true
    });
    assert_eq!(on_b["sha256"], fresh["sha256"]);
    let target = &ids["giay-khai-sinh-nguyen-van-duc.pdf"];
    let revoked = node_b.post(
        &format!("/api/v1/documents/{target}/revoke"),
        Some(&op_b),
        &serde_json::json!({"reason": "Cấp lại bản mới"}),
    );
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    let on_a = wait_for_document(&node_a, &clerk_a, target, "the revocation on B at A", |d| {
        d["state"] == "revoked"
    });
    assert_eq!(on_a["lifecycle"]["reason"], "Cấp lại bản mới");
    // A's ledger tells the document's history, the revocation made on B included.
    let ledger = node_a.get(&format!("/api/v1/documents/{target}/ledger"), Some(&duc_a));
    assert_eq!(ledger.status, 200, "{}", ledger.text());
    let actions: Vec<String> = ledger.json()["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(actions.iter().any(|a| a == "ingest"), "{actions:?}");
    assert!(actions.iter().any(|a| a == "revoke"), "{actions:?}");

    // Nothing echoes: once both have settled, each change is in the bucket once per node that
    // made it, and a further pull on each node finds nothing new.
    let a = node_a.stop();
    let b = node_b.stop();
    for kho in [&a, &b] {
        let since = kho.run(["rebuild", "--since", "--json"]);
        assert_eq!(since.code, 0, "{}", since.stderr);
        assert_eq!(since.json()["new"], 0, "{}", since.stdout);
        assert_eq!(since.json()["changed"], 0, "{}", since.stdout);
        verified(kho);
    }
    assert_eq!(search_results(&a), search_results(&b));
    // In the bucket: 7 originals, its description, A's two pages (the corpus, the upload) and
    // B's one (the revocation). A node never writes back what it applied from another.
    assert_eq!(garage.object_count(11), 11);
}

#[test]
fn a_three_node_cluster_loses_a_node_and_kho_goes_on() {
    let mut garage = Garage::cluster(3);
    let kho = Kho::on_bucket(&garage, 0);
    let first = kho.ingest_corpus();
    assert_eq!(
        first
            .json_lines()
            .iter()
            .filter(|l| l["status"] == "stored")
            .count(),
        6
    );
    garage.stop_node(2);
    // Writes and reads need 2 of the 3 copies: with one node gone, both still work.
    let more = tempfile::tempdir().unwrap();
    for i in 0..3 {
        std::fs::write(
            more.path().join(format!("ban-sao-{i}.pdf")),
            kho_tests::fixtures::pdf(1, &format!("Ban sao so {i} sau su co")),
        )
        .unwrap();
    }
    let run = kho.run([
        "ingest",
        more.path().to_str().unwrap(),
        "--owner",
        DUC,
        "--doc-type",
        "birth_certificate",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.json_lines()
            .iter()
            .filter(|l| l["status"] == "stored")
            .count(),
        3
    );
    for (_, id) in first.ids_by_file() {
        original(&kho, &id);
    }
    let verify = verified(&kho);
    assert!(verify.contains("9 blob(s) checked"), "{}", verify);
    // A new node rebuilt through another Garage node sees all nine.
    let rebuilt = a_kho_on(&garage, 1);
    let run = rebuilt.run(["--blobs", BUCKET_URL, "rebuild", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["records"], 9);
    assert_eq!(search_results(&rebuilt), search_results(&kho));
}

#[test]
fn the_bucket_going_away_is_a_503_and_kho_recovers() {
    let mut garage = Garage::single();
    let kho = Kho::on_bucket(&garage, 0);
    let ingested = kho.ingest_corpus();
    let id = ingested.ids_by_file()["giay-khai-sinh-nguyen-van-duc.pdf"].clone();
    let (operator, clerk) = (
        kho.token("operator", &[]),
        kho.token("clerk", &["--agency", "H47.15"]),
    );
    let served = Served::start_with(kho, &["--fixity-rate", "0"]);
    let content = with_reason(&format!("/api/v1/documents/{id}/content"));
    assert_eq!(served.get(&content, Some(&clerk)).status, 200);

    garage.stop_node(0);
    let down = served.get(&content, Some(&clerk));
    assert_eq!(down.status, 503, "{}", down.text());
    assert!(down.text().contains("reachable"), "{}", down.text());
    let pdf = kho_tests::fixtures::pdf(1, "Ban sao khi mat ket noi");
    let refused = served.send(
        Request::new("POST", "/api/v1/documents")
            .bearer(Some(&operator))
            .multipart(
                &[("owner_id", DUC), ("doc_type", "birth_certificate")],
                "mat-ket-noi.pdf",
                &pdf,
            ),
    );
    assert_eq!(refused.status, 503, "{}", refused.text());
    // The record is metadata the node still has; search goes on.
    let found = served.get(&with_reason("/api/v1/search?q=khai+sinh"), Some(&clerk));
    assert_eq!(found.status, 200, "{}", found.text());

    // A node (re)started while the bucket is away comes up, says so, and serves what it holds.
    let kho = served.stop();
    let restarted = kho.run(["search", "khai sinh"]);
    assert_eq!(restarted.code, 0, "{}", restarted.stderr);
    assert!(
        restarted
            .stderr
            .contains("originals cannot be read or stored until the bucket answers"),
        "{}",
        restarted.stderr
    );
    let served = Served::start_with(kho, &["--fixity-rate", "0"]);
    let found = served.get(&with_reason("/api/v1/search?q=khai+sinh"), Some(&clerk));
    assert_eq!(found.status, 200, "{}", found.text());
    assert_eq!(served.get(&content, Some(&clerk)).status, 503);

    garage.start_node(0);
    garage::wait_for(
        Duration::from_secs(30),
        "the bucket to answer again",
        || served.get(&content, Some(&clerk)).status == 200,
    );
    let fresh = upload(&served, &operator, "sau-khi-ket-noi-lai");
    let kho = served.stop();
    verified(&kho);
    // What was stored after the outage reached the journal: a new node sees it.
    let rebuilt = a_kho_on(&garage, 0);
    let run = rebuilt.run(["--blobs", BUCKET_URL, "rebuild", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["records"], 7);
    let show = rebuilt.run(["show", fresh["id"].as_str().unwrap(), "--json"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
}

#[test]
fn an_https_endpoint_of_a_private_authority_is_trusted_through_aws_ca_bundle() {
    let garage = Garage::single();
    let proxy = garage.tls_proxy(0);
    let over_tls = |ca: Option<&std::path::Path>| {
        let mut kho = with_var(&garage, "AWS_ENDPOINT_URL", &proxy.endpoint);
        kho.env.retain(|(k, _)| k != "AWS_CA_BUNDLE");
        if let Some(ca) = ca {
            kho.env
                .push(("AWS_CA_BUNDLE".into(), ca.display().to_string()));
        }
        kho
    };
    // Not trusted: refused at once, naming what to set (not taken for an outage).
    let untrusted = over_tls(None);
    let refused = untrusted
        .command()
        .env_remove("AWS_CA_BUNDLE")
        .args(["--blobs", BUCKET_URL, "types"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    assert!(stderr.contains("AWS_CA_BUNDLE"), "{stderr}");
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
    // A signed URL in a message would let its reader repeat the request.
    assert!(!stderr.contains("X-Amz-Signature"), "{stderr}");
    // Trusted: the whole path works over TLS.
    let kho = over_tls(Some(&proxy.ca));
    let run = kho.run(
        ["--blobs", BUCKET_URL, "ingest", "--manifest"]
            .into_iter()
            .map(String::from)
            .chain([
                corpus().join("manifest.csv").display().to_string(),
                "--json".into(),
            ]),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for (_, id) in run.ids_by_file() {
        original(&kho, &id);
    }
    verified(&kho);
    // A bundle that is not PEM is named.
    let not_pem = kho.data.path().join("not-a-bundle.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let bad = over_tls(Some(&not_pem)).run(["--blobs", BUCKET_URL, "types"]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("not-a-bundle.pem"), "{}", bad.stderr);
}
