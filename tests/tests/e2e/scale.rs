//! Province scale (issue #22), end to end through the binary: `kho serve` on a store whose index
//! is behind its catalogue answers health at once and `ready` only once the index has caught up
//! in the background.

use kho_tests::http::Served;
use kho_tests::{workspace_bin, Kho};
use std::process::Command;
use std::time::{Duration, Instant};

/// Documents written through the real write path (blob, record, fsync) by `kho-bench`, which
/// does not index them: the index of the store is behind by all of them.
fn unindexed_documents(kho: &Kho, n: u64) {
    let status = Command::new(workspace_bin("kho-bench"))
        .args(["generate", "--docs", &n.to_string(), "--data"])
        .arg(kho.data.path())
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn serve_answers_health_before_the_index_has_caught_up_and_ready_after() {
    let mut kho = Kho::new();
    let docs = 3000;
    unindexed_documents(&kho, docs);
    // A commit every 50 documents: the catch-up takes seconds, not milliseconds, so that the
    // first answers come while it runs (the way a million records take minutes).
    kho.env
        .push(("KHO_INDEX_COMMIT_DOCS".to_string(), "50".to_string()));
    let served = Served::start(kho);
    let health = served.get("/api/v1/health", None);
    assert_eq!(health.status, 200, "{}", health.text());
    assert_eq!(health.json()["status"], "ok");
    let first = served.get("/api/v1/ready", None);
    assert_eq!(
        first.status,
        503,
        "ready before the index caught up: {}",
        first.text()
    );
    let pending = first.json()["index_pending"].as_u64().unwrap();
    assert!(pending > 0 && pending <= docs, "{pending}");
    assert_eq!(first.json()["ready"], false);
    assert_eq!(first.json()["documents"], docs);
    let deadline = Instant::now() + Duration::from_secs(300);
    let ready = loop {
        let answer = served.get("/api/v1/ready", None);
        if answer.status == 200 {
            break answer;
        }
        assert_eq!(answer.status, 503, "{}", answer.text());
        assert!(Instant::now() < deadline, "the index never caught up");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(ready.json()["ready"], true);
    assert_eq!(ready.json()["index_pending"], 0);
    let kho = served.stop();
    // Caught up for real: every record is in the index, none owed (verify does not sync).
    let verified = kho.run(["verify", "--json"]).json();
    assert_eq!(verified["index_pending"], 0);
    assert_eq!(verified["index_missing"].as_array().unwrap().len(), 0);
}

#[test]
fn a_server_stopped_during_the_catch_up_keeps_what_it_indexed_and_the_next_carries_on() {
    let mut kho = Kho::new();
    let docs = 3000;
    unindexed_documents(&kho, docs);
    kho.env
        .push(("KHO_INDEX_COMMIT_DOCS".to_string(), "50".to_string()));
    let served = Served::start(kho);
    // Stop as soon as some of the catch-up is committed (ready says how much is owed).
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let answer = served.get("/api/v1/ready", None);
        assert_eq!(answer.status, 503, "caught up before it could be stopped");
        if answer.json()["index_pending"].as_u64().unwrap() < docs {
            break;
        }
        assert!(Instant::now() < deadline, "no catch-up commit seen");
        std::thread::sleep(Duration::from_millis(5));
    }
    let kho = served.stop();
    let owed = kho.run(["verify", "--json"]).json()["index_pending"]
        .as_u64()
        .unwrap();
    assert!(
        owed > 0 && owed < docs,
        "stopped part way, its commits kept: {owed} owed"
    );
    let served = Served::start(kho);
    let deadline = Instant::now() + Duration::from_secs(300);
    while served.get("/api/v1/ready", None).status != 200 {
        assert!(Instant::now() < deadline, "the index never caught up");
        std::thread::sleep(Duration::from_millis(50));
    }
    let kho = served.stop();
    let verified = kho.run(["verify", "--json"]).json();
    assert_eq!(verified["index_pending"], 0);
    assert_eq!(verified["index_missing"].as_array().unwrap().len(), 0);
}
