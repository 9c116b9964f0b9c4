//! The corruption drill: damage each part of a store the way disks and people do (bytes flipped
//! in originals, the catalogue's files truncated, flipped or deleted, index segments deleted or
//! truncated), and check that kho never panics or hangs, says what is damaged, recovers what it
//! can by itself (the index, from the catalogue) and that the rest comes back from an export.
//! Run with `--nocapture` to see the table written in docs/reliability.md.

use kho_tests::{copy_dir, Kho};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs kho on `data`, failing the test if it panics, dies of a signal or runs past a minute.
fn kho_on(data: &Path, args: &[&str]) -> Outcome {
    let mut child = Command::new(kho_tests::kho_bin())
        .arg("--data")
        .arg(data)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("kho {args:?} on {} hung", data.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let outcome = Outcome {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        outcome.code == 0 || outcome.code == 1,
        "kho {args:?} exited {} (a panic is 101, a signal -1):\n{}",
        outcome.code,
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);
    outcome
}

fn first_line(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.chars().take(150).collect()
}

/// A reproducible spread of offsets into a file.
fn offsets(len: u64, n: usize) -> Vec<u64> {
    let mut x: u64 = 20261127;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % len.max(1)
        })
        .collect()
}

fn truncate(path: &Path, len: u64) {
    fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len)
        .unwrap();
}

fn files_in(dir: &Path, ending: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(ending))
        .collect();
    found.sort();
    found
}

/// Something done to a copy of a store.
type Damage = dyn Fn(&Path);

#[test]
fn damage_is_named_never_a_panic_and_an_export_brings_the_store_back() {
    let kho = Kho::new();
    let ingested = kho.ingest_corpus();
    let ids = ingested.ids_by_file();
    let a_blob = ingested.json_lines()[0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let total = |o: &Outcome| -> u64 {
        serde_json::from_str::<serde_json::Value>(&o.stdout).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    let all = total(&kho_on(
        kho.data.path(),
        &["search", "", "--json", "--limit", "1"],
    ));
    assert_eq!(all, ids.len() as u64);
    let scratch = tempfile::tempdir().unwrap();
    let bag = scratch.path().join("bag");
    assert_eq!(
        kho_on(kho.data.path(), &["export", bag.to_str().unwrap()]).code,
        0
    );
    let records = ids.len() as u64;
    let mut table = vec!["| damage | `kho verify` | what kho says |".to_string()];
    let mut case = 0;
    let mut damaged_store = |what: &str, damage: &dyn Fn(&Path)| -> (PathBuf, Outcome) {
        case += 1;
        let store = scratch.path().join(format!("case-{case}"));
        copy_dir(kho.data.path(), &store);
        damage(&store);
        let verify = kho_on(&store, &["verify", "--json"]);
        let report = serde_json::from_str::<serde_json::Value>(&verify.stdout).ok();
        let said = match report {
            Some(r) => format!(
                "{} records, {} corrupt, {} missing, {} orphan blobs, ledger {}",
                r["records"],
                r["corrupt"].as_array().map_or(0, Vec::len),
                r["missing"].as_array().map_or(0, Vec::len),
                r["orphans"].as_array().map_or(0, Vec::len),
                if r["ledger_ok"] == true {
                    "intact"
                } else {
                    "BROKEN"
                }
            ),
            None => first_line(&verify.stderr).replace(store.to_str().unwrap(), "DATA"),
        };
        if verify.code == 0 {
            // Damage kho reads through must be harmless: nothing silently lost.
            let r: serde_json::Value = serde_json::from_str(&verify.stdout).unwrap();
            assert_eq!(r["records"].as_u64(), Some(records), "{what}: {r}");
            assert_eq!(r["ledger_ok"], true, "{what}: {r}");
        }
        table.push(format!("| {what} | exit {} | {said} |", verify.code));
        (store, verify)
    };

    // Originals: every flipped byte is found and named with the record that uses the blob.
    let (_, verify) = damaged_store("a byte flipped in an original", &|store| {
        kho_tests::damage(&kho_tests::blob_in(store, &a_blob), 7, 0x5a);
    });
    assert_eq!(verify.code, 1);
    let report: serde_json::Value = serde_json::from_str(&verify.stdout).unwrap();
    assert_eq!(
        report["corrupt"].as_array().map(Vec::len),
        Some(1),
        "{report}"
    );

    // The catalogue: sled's files truncated, flipped at spread offsets, or deleted. kho either
    // reads through (sled checksums its log: a flip in unused space is harmless) or refuses
    // with the catalogue named; it never panics or hangs.
    let db_len = fs::metadata(kho.data.path().join("catalog/db"))
        .unwrap()
        .len();
    for len in [0, 4096, db_len / 2, db_len - 1] {
        let (_, verify) = damaged_store(&format!("catalogue `db` cut to {len} bytes"), &|store| {
            truncate(&store.join("catalog/db"), len)
        });
        if verify.code == 1 && verify.stdout.is_empty() {
            assert!(verify.stderr.contains("catalog"), "{}", verify.stderr);
        }
    }
    // Spread over the first 32 KiB, where this small store's log actually is (sled preallocates
    // its segments; flips in the unused rest are harmless).
    for at in offsets(db_len.min(32 * 1024), 8) {
        let (_, verify) = damaged_store(&format!("catalogue `db`: byte {at} flipped"), &|store| {
            kho_tests::damage(&store.join("catalog/db"), at as usize, 0x5a)
        });
        if verify.code == 1 && verify.stdout.is_empty() {
            assert!(verify.stderr.contains("catalog"), "{}", verify.stderr);
        }
    }
    damaged_store("catalogue snapshot files deleted", &|store| {
        for snap in files_in(&store.join("catalog"), "") {
            if snap
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("snap.")
            {
                fs::remove_file(snap).unwrap();
            }
        }
    });
    damaged_store("catalogue `conf` overwritten", &|store| {
        fs::write(store.join("catalog/conf"), b"garbage").unwrap()
    });

    // The index: derived data, so a damaged one is set aside and rebuilt by the next command.
    let index_cases: [(&str, &Damage); 3] = [
        ("an index segment file deleted", &|store: &Path| {
            fs::remove_file(&files_in(&store.join("index"), ".idx")[0]).unwrap()
        }),
        ("an index segment file truncated", &|store: &Path| {
            truncate(&files_in(&store.join("index"), ".term")[0], 10)
        }),
        ("the index's meta.json garbled", &|store: &Path| {
            fs::write(store.join("index/meta.json"), b"{not json").unwrap()
        }),
    ];
    for (what, damage) in index_cases {
        let (store, _) = damaged_store(what, damage);
        let search = kho_on(&store, &["search", "", "--json", "--limit", "1"]);
        assert_eq!(search.code, 0, "{what}: {}", search.stderr);
        assert_eq!(total(&search), all, "{what}: every record is found again");
        let verify = kho_on(&store, &["verify", "--json"]);
        assert_eq!(verify.code, 0, "{what}: {}", verify.stdout);
    }

    // What the store cannot mend by itself comes back from the export.
    let restored = scratch.path().join("restored");
    let import = kho_on(&restored, &["import", bag.to_str().unwrap()]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert_eq!(kho_on(&restored, &["verify"]).code, 0);
    let search = kho_on(&restored, &["search", "", "--json", "--limit", "1"]);
    assert_eq!(total(&search), all);
    println!("{}", table.join("\n"));
}
