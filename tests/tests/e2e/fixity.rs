//! Background fixity: a running server re-hashes the stored originals on its own, records when
//! each was checked, and reports a damaged one (found without anyone running `kho verify`) in the
//! document's view, the metrics, the log and, once, the owner's ledger.

use kho_tests::http::Served;
use kho_tests::Kho;
use std::time::{Duration, Instant};

/// Polls until `done` holds, for at most a minute (the checks run every second here).
fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "gave up waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn event_count(served: &Served, event: &str) -> u64 {
    let metrics = served.get("/metrics", None).text();
    let prefix = format!("kho_events_total{{event=\"{event}\"}} ");
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map_or(0, |n| n.trim().parse().unwrap())
}

#[test]
fn a_damaged_original_is_found_by_the_server_and_reported_once() {
    let kho = Kho::new();
    let ids = kho.ingest_corpus().ids_by_file();
    let (admin, operator) = (kho.token("admin", &[]), kho.token("operator", &[]));
    let id = ids["giay-khai-sinh-nguyen-van-duc.pdf"].clone();
    let served = Served::start_with(kho, &["--fixity-rate", "1000", "--fixity-pause", "1"]);
    let document = |served: &Served| {
        let answer = served.get(&format!("/api/v1/documents/{id}"), Some(&operator));
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()
    };
    wait_for("the first check", || {
        document(&served)["fixity"]["ok"] == true
    });
    let first = document(&served)["fixity"]["checked_at"].clone();
    assert!(first.is_string(), "{first}");
    wait_for("every original checked", || {
        event_count(&served, "fixity_verified") >= ids.len() as u64
    });

    // Damage the original on disk, as a failing disk would, behind the server's back.
    let sha = document(&served)["sha256"].as_str().unwrap().to_string();
    kho_tests::damage(&kho_tests::blob_in(&served.data_path(), &sha), 100, 0x20);

    wait_for("the damage to be found", || {
        document(&served)["fixity"]["ok"] == false
    });
    let view = document(&served);
    assert!(
        view["fixity"]["detail"]
            .as_str()
            .unwrap()
            .contains("corrupt"),
        "{view}"
    );
    assert!(
        view["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "fixity_failed" && e["actor_kind"] == "system"),
        "{view}"
    );
    assert_eq!(event_count(&served, "fixity_damaged"), 1);
    // Another pass or two: the damage is reported once, not at every pass.
    let verified = event_count(&served, "fixity_verified");
    wait_for("two more passes", || {
        event_count(&served, "fixity_verified") >= verified + 2 * (ids.len() as u64 - 1)
    });
    assert_eq!(event_count(&served, "fixity_damaged"), 1);
    let ledger = served.get(
        &format!(
            "/api/v1/owners/{}/ledger",
            view["owner_id"].as_str().unwrap()
        ),
        Some(&admin),
    );
    let failures = ledger.json()["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "fixity_failed")
        .count();
    assert_eq!(failures, 1, "{}", ledger.text());
    let kho = served.stop();
    // The CLI agrees.
    assert_eq!(kho.run(["verify"]).code, 1);
}
