//! SIGKILL in the middle of a multi-file ingest: every file reported `stored` before the kill is
//! present and verifies, and no record points at a missing blob.

use kho_tests::{fixtures, Kho};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

const FILES: usize = 120;

#[test]
fn every_acknowledged_file_survives_a_sigkill() {
    let kho = Kho::new();
    let inputs = tempfile::tempdir().unwrap();
    let mut originals = HashMap::new();
    for i in 0..FILES {
        let bytes = fixtures::pdf(1 + i % 3, &format!("hồ sơ số {i}"));
        let path = inputs.path().join(format!("{i:04}.pdf"));
        std::fs::write(&path, &bytes).unwrap();
        originals.insert(path.to_string_lossy().into_owned(), bytes);
    }
    let mut acknowledged: HashMap<String, String> = HashMap::new();
    // Kill after different numbers of acknowledgements, then once more to let it finish.
    for kill_after in [3usize, 17, 40] {
        let mut child = kho
            .command()
            .args(["ingest", inputs.path().to_str().unwrap()])
            .args(["--owner", "049075001234", "--doc-type", "other", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut newly_stored = 0;
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            if v["status"] == "stored" {
                newly_stored += 1;
                acknowledged.insert(
                    v["file"].as_str().unwrap().to_string(),
                    v["id"].as_str().unwrap().to_string(),
                );
                if newly_stored == kill_after {
                    child.kill().unwrap(); // SIGKILL
                    break;
                }
            }
        }
        child.wait().unwrap();

        let verify = kho.run(["verify", "--json"]);
        let report = verify.json();
        assert_eq!(
            verify.code, 0,
            "store damaged after SIGKILL: {}",
            verify.stdout
        );
        assert_eq!(report["missing"].as_array().unwrap().len(), 0);
        assert_eq!(report["corrupt"].as_array().unwrap().len(), 0);
        assert!(report["records"].as_u64().unwrap() >= acknowledged.len() as u64);
        for (file, id) in &acknowledged {
            let out = inputs.path().join("out.bin");
            let get = kho.run(["get", id, "-o", out.to_str().unwrap()]);
            assert_eq!(
                get.code, 0,
                "{file} acknowledged as {id} but: {}",
                get.stderr
            );
            assert_eq!(&std::fs::read(&out).unwrap(), &originals[file]);
        }
    }
    // Resuming: the same command finishes the rest and stores nothing twice.
    let finish = kho.run([
        "ingest",
        inputs.path().to_str().unwrap(),
        "--owner",
        "049075001234",
        "--doc-type",
        "other",
        "--json",
    ]);
    assert_eq!(finish.code, 0, "{}", finish.stderr);
    for line in finish.json_lines() {
        if let Some(id) = acknowledged.get(line["file"].as_str().unwrap()) {
            assert_eq!(line["status"], "duplicate");
            assert_eq!(line["id"], id.as_str());
        }
    }
    let report = kho.run(["verify", "--json"]).json();
    assert_eq!(report["records"], FILES);
    // Blobs written just before a kill, whose record never was, are orphans: reported, harmless.
    let orphans = report["orphans"].as_array().unwrap().len() as u64;
    assert_eq!(
        report["blobs_checked"].as_u64().unwrap(),
        FILES as u64 + orphans
    );
}
