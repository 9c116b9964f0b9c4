//! Export, wipe, import: the same records, originals, page texts and ledger; a damaged bag is
//! refused with every problem named and nothing written; an owner's bag holds only theirs; and a
//! bag passes the Library of Congress's BagIt validator (bagit-python, installed by
//! scripts/setup.sh), not only kho's own reading of it.

use crate::forensic::Disk;
use archive_core::Archive;
use kho_tests::{copy_dir, sha256_hex, Kho};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Everything a store holds that an export must carry, as comparable values.
#[derive(Debug, PartialEq)]
struct Contents {
    records: Vec<serde_json::Value>,
    texts: BTreeMap<String, serde_json::Value>,
    events: Vec<serde_json::Value>,
    blobs: Vec<String>,
}

/// What a stopped store holds, read from its disk (not through kho, which would ledger it).
fn contents(data: &Path) -> Contents {
    let disk = Disk::open(data);
    let records = disk.records_by_seq();
    let all_texts = disk.tree("texts");
    let texts = records
        .iter()
        .filter_map(|r| {
            let sha = r["sha256"].as_str().unwrap().to_string();
            let text = all_texts.get(sha.as_bytes()).unwrap()?;
            Some((sha, serde_json::from_slice(&text).unwrap()))
        })
        .collect();
    let mut blobs = Vec::new();
    files(&data.join("blobs"), &data.join("blobs"), &mut blobs);
    let mut blobs: Vec<String> = blobs
        .into_iter()
        .filter(|f| !f.starts_with(".tmp"))
        .filter_map(|f| f.rsplit('/').next().map(str::to_string))
        .collect();
    blobs.sort();
    Contents {
        records,
        texts,
        events: disk.json_values("ledger"),
        blobs,
    }
}

fn bagit_validates(bag: &Path) -> (bool, String) {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/py/bin/python");
    let out = Command::new(&python)
        .args(["-m", "bagit", "--validate", "--quiet"])
        .arg(bag)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/setup.sh", python.display()));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn files(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, base, out);
        } else {
            out.push(
                path.strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
}

/// Rewrites a bag's manifests and Payload-Oxum after its payload was edited: what a careful
/// forger (or a newer kho) would produce, so that only kho's own checks can refuse it.
fn reseal(bag: &Path) {
    let mut payload = Vec::new();
    files(&bag.join("data"), bag, &mut payload);
    payload.sort();
    let (mut manifest, mut bytes) = (String::new(), 0);
    for file in &payload {
        let content = fs::read(bag.join(file)).unwrap();
        bytes += content.len();
        manifest.push_str(&format!("{}  {file}\n", sha256_hex(&content)));
    }
    fs::write(bag.join("manifest-sha256.txt"), manifest).unwrap();
    let info = fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    let info: String = info
        .lines()
        .map(|l| match l.starts_with("Payload-Oxum:") {
            true => format!("Payload-Oxum: {bytes}.{}\n", payload.len()),
            false => format!("{l}\n"),
        })
        .collect();
    fs::write(bag.join("bag-info.txt"), info).unwrap();
    let tags: String = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"]
        .iter()
        .map(|t| format!("{}  {t}\n", sha256_hex(&fs::read(bag.join(t)).unwrap())))
        .collect();
    fs::write(bag.join("tagmanifest-sha256.txt"), tags).unwrap();
}

/// `kho --data TARGET import BAG`, which must refuse (exit 1); returns what it said.
fn refused_import(bag: &Path, target: &Path) -> String {
    let out = Command::new(kho_tests::kho_bin())
        .arg("--data")
        .arg(target)
        .args(["import", bag.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    stderr
}

#[test]
fn export_wipe_import_gives_the_same_store_and_damage_is_refused() {
    let kho = Kho::new();
    fs::write(
        kho.data.path().join("doc-types.csv"),
        "key,title,validity\nfire_safety_permit,Giấy chứng nhận thẩm duyệt PCCC,permanent\n",
    )
    .unwrap();
    let ids = kho.ingest_corpus().ids_by_file();
    let id = ids.values().next().unwrap().clone();
    // Reads are ledger events too: the bag must carry them.
    assert_eq!(kho.run(["show", &id]).code, 0);
    let out = tempfile::tempdir().unwrap();
    let bag = out.path().join("bag");

    let export = kho.run(["export", bag.to_str().unwrap(), "--json"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let exported = export.json();
    assert_eq!(exported["records"].as_u64(), Some(ids.len() as u64));
    let (valid, why) = bagit_validates(&bag);
    assert!(valid, "bagit-python refuses the bag: {why}");
    // Nothing is overwritten: a second export to the same folder is refused.
    let again = kho.run(["export", bag.to_str().unwrap()]);
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);

    let before = contents(kho.data.path());
    assert!(before.events.len() > ids.len(), "reads are in the ledger");
    let restored = Kho::new();
    let import = restored.run(["import", bag.to_str().unwrap(), "--json"]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert_eq!(
        import.json()["events"].as_u64(),
        Some(before.events.len() as u64)
    );
    assert_eq!(contents(restored.data.path()), before);
    let verify = restored.run(["verify", "--json"]).json();
    assert_eq!(verify["ledger_ok"], true, "{verify}");
    assert_eq!(verify["corrupt"].as_array().map(Vec::len), Some(0));
    assert_eq!(verify["index_missing"].as_array().map(Vec::len), Some(0));
    let types = restored.run(["types"]);
    assert!(
        types.stdout.contains("fire_safety_permit"),
        "{}",
        types.stdout
    );
    let search = |k: &Kho| k.run(["search", "nguyen van duc", "--json"]).json()["total"].clone();
    assert_eq!(search(&restored), search(&kho));
    // Importing over a store that holds anything is refused.
    let over = restored.run(["import", bag.to_str().unwrap()]);
    assert_eq!(over.code, 1);
    assert!(over.stderr.contains("not empty"), "{}", over.stderr);

    // Damage of every kind, all named at once; nothing is created where the store would go.
    let bad = out.path().join("bad");
    copy_dir(&bag, &bad);
    let mut blobs = Vec::new();
    files(&bad.join("data/blobs"), &bad, &mut blobs);
    blobs.sort();
    kho_tests::damage(&bad.join(&blobs[0]), 10, 0x01);
    fs::remove_file(bad.join(&blobs[1])).unwrap();
    fs::write(bad.join("data/notes.txt"), "added later").unwrap();
    let target = out.path().join("from-bad");
    let stderr = refused_import(&bad, &target);
    for named in [
        format!("{} is damaged", blobs[0]),
        format!("{} is missing", blobs[1]),
        "data/notes.txt is in the bag but not in manifest-sha256.txt".to_string(),
        "Payload-Oxum".to_string(),
        "nothing was imported".to_string(),
    ] {
        assert!(stderr.contains(&named), "{named:?} not in: {stderr}");
    }
    assert!(!target.exists() || fs::read_dir(&target).unwrap().next().is_none());
    assert!(
        !bagit_validates(&bad).0,
        "bagit-python agrees the bag is damaged"
    );

    // A bag whose hashes were all recomputed after an edit still cannot slip a broken ledger
    // chain past the import.
    let forged = out.path().join("forged");
    copy_dir(&bag, &forged);
    let ledger = fs::read_to_string(forged.join("data/ledger.jsonl")).unwrap();
    // One event taken out of the middle of the chain (a read someone would rather hide).
    let mut lines: Vec<&str> = ledger.lines().collect();
    lines.remove(lines.len() / 2);
    let edited = lines.join("\n") + "\n";
    fs::write(forged.join("data/ledger.jsonl"), edited).unwrap();
    reseal(&forged);
    assert!(bagit_validates(&forged).0, "the forgery is a valid bag");
    let forged_target = out.path().join("from-forged");
    let stderr = refused_import(&forged, &forged_target);
    assert!(stderr.contains("ledger event"), "{stderr}");
    assert!(!forged_target.exists(), "nothing half-built is left");

    // A bag from a newer kho is refused by version, not misread.
    let newer = out.path().join("newer");
    copy_dir(&bag, &newer);
    let info = fs::read_to_string(newer.join("data/kho-export.json")).unwrap();
    fs::write(
        newer.join("data/kho-export.json"),
        info.replace("\"version\": 2", "\"version\": 3"),
    )
    .unwrap();
    reseal(&newer);
    let refused = Kho::new().run(["import", newer.to_str().unwrap()]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("newer kho"), "{}", refused.stderr);
}

/// A store restored from its bag still binds its clerks' reads to the dossiers it had
/// received, and the links its citizens gave out still open (their tokens' hashes travel, never
/// the tokens); a share naming another owner's document is refused even in a resealed bag.
#[test]
fn registered_dossiers_and_shares_travel_in_a_stores_bag() {
    use kho_tests::http::{serve_samples_with, Request, SamplesServed, Served};
    const DUC: &str = "049075001234";
    const DOSSIER: &str = "000.00.00.H47-261120-0011";
    let password = |user: &str| format!("mật-khẩu-của-{user}");
    let mut intake = String::new();
    let SamplesServed {
        served,
        tokens,
        docs,
    } = serve_samples_with(&[("duc", "citizen", &["--owner", DUC])], password, |kho| {
        intake = kho.token("intake", &[]);
        Served::start(kho)
    });
    let registered = served.post(
        "/api/v1/dossiers",
        Some(&intake),
        &serde_json::json!({
            "code": DOSSIER, "procedure_code": "1.001193", "applicants": [DUC],
            "receiving_agency": "000.00.15.H47", "received_on": "2026-11-20",
        }),
    );
    assert_eq!(registered.status, 201, "{}", registered.text());
    let birth = &docs["giay-khai-sinh-nguyen-van-duc.pdf"];
    let until = (0..10).fold(schemas::today(), |d, _| d.next_day().unwrap());
    let shared = served.post(
        "/api/v1/shares",
        tokens.get("duc").map(String::as_str),
        &serde_json::json!({
            "documents": [birth], "kind": "link", "purpose": "hồ sơ vay vốn",
            "until": schemas::iso_date(until), "one_time": false,
        }),
    );
    assert_eq!(shared.status, 201, "{}", shared.text());
    let link = shared.json()["link"].as_str().unwrap().to_string();
    let kho = served.stop();

    let out = tempfile::tempdir().unwrap();
    let bag = out.path().join("bag");
    let export = kho.run(["export", bag.to_str().unwrap(), "--json"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert_eq!(export.json()["dossiers"], 1, "{}", export.stdout);
    assert_eq!(export.json()["shares"], 1, "{}", export.stdout);
    assert!(bagit_validates(&bag).0);
    let shares_file = fs::read_to_string(bag.join("data/shares.jsonl")).unwrap();
    let token = link.rsplit('/').next().unwrap();
    assert!(
        !shares_file.contains(token),
        "the token itself never travels"
    );
    assert!(shares_file.contains(&sha256_hex(token.as_bytes())));

    let restored = Kho::new();
    let import = restored.run(["import", bag.to_str().unwrap(), "--json"]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert_eq!(import.json()["dossiers"], 1);
    assert_eq!(import.json()["shares"], 1);
    let clerk = restored.token("clerk", &["--agency", "H47.15"]);
    let served = Served::start_with(restored, &["--dossier-check", "registered"]);
    let opened = Request::new("GET", &link)
        .header("accept", "text/html")
        .send(&served.addr);
    assert_eq!(opened.status, 200, "the link opens on the restored store");
    let read = served.get(
        &format!("/api/v1/documents/{birth}?dossier_code={DOSSIER}&purpose=x%C3%A9t%20h%E1%BB%93%20s%C6%A1"),
        Some(&clerk),
    );
    assert_eq!(
        read.status,
        200,
        "the dossier is still registered: {}",
        read.text()
    );
    drop(served);

    // A hand-made bag cannot give a citizen's share another owner's document.
    let forged = out.path().join("forged");
    copy_dir(&bag, &forged);
    let thuy_doc = records_of(&forged)
        .into_iter()
        .find(|r| r["owner_id"] != DUC)
        .map(|r| r["id"].as_str().unwrap().to_string())
        .unwrap();
    let edited = shares_file.replace(birth.as_str(), &thuy_doc);
    fs::write(forged.join("data/shares.jsonl"), edited).unwrap();
    reseal(&forged);
    let stderr = refused_import(&forged, &out.path().join("from-forged"));
    assert!(stderr.contains("not its owner's"), "{stderr}");
}

fn records_of(bag: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(bag.join("data/records.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn an_owners_bag_holds_only_theirs_and_is_not_a_store() {
    let kho = Kho::new();
    kho.ingest_corpus();
    let owner = "049075001234";
    let out = tempfile::tempdir().unwrap();
    let bag = out.path().join("owner");
    let export = kho.run(["export", bag.to_str().unwrap(), "--owner", owner, "--json"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert!(bagit_validates(&bag).0);
    let records = fs::read_to_string(bag.join("data/records.jsonl")).unwrap();
    let owners: Vec<String> = records
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|r| r["owner_id"].as_str().unwrap().to_string())
        .collect();
    assert!(owners.len() >= 2, "{owners:?}");
    assert!(owners.iter().all(|o| o == owner), "{owners:?}");
    let ledger = fs::read_to_string(bag.join("data/ledger.jsonl")).unwrap();
    assert_eq!(
        ledger.lines().count(),
        owners.len(),
        "one ingest event each"
    );
    assert!(ledger.lines().all(|l| l.contains(owner)));
    let mut blobs = Vec::new();
    files(&bag.join("data/blobs"), &bag, &mut blobs);
    assert_eq!(blobs.len(), owners.len());
    let refused = Kho::new().run(["import", bag.to_str().unwrap()]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("one owner's documents"),
        "{}",
        refused.stderr
    );
}

#[test]
fn an_online_backup_taken_during_uploads_restores_everything_acknowledged_before_it() {
    use kho_tests::http::{Request, Served};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let kho = Kho::new();
    kho.ingest_corpus();
    let (admin, operator) = (kho.token("admin", &[]), kho.token("operator", &[]));
    let served = Served::start(kho);
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let running = Arc::new(AtomicBool::new(true));
    let uploaders: Vec<_> = (0..2)
        .map(|u| {
            let (addr, operator) = (served.addr.clone(), operator.clone());
            let (acknowledged, running) = (acknowledged.clone(), running.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while running.load(Ordering::Relaxed) {
                    n += 1;
                    let pdf = kho_tests::fixtures::pdf(1, &format!("sao luu {u} {n}"));
                    let answer = Request::new("POST", "/api/v1/documents")
                        .bearer(Some(&operator))
                        .multipart(
                            &[("owner_id", "049075001234"), ("doc_type", "other")],
                            "ban-sao.pdf",
                            &pdf,
                        )
                        .send(&addr);
                    assert_eq!(answer.status, 201, "{}", answer.text());
                    let id = answer.json()["id"].as_str().unwrap().to_string();
                    acknowledged.lock().unwrap().push(id);
                }
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let backup = served.send(Request::new("POST", "/api/v1/backups").bearer(Some(&admin)));
    assert_eq!(backup.status, 201, "{}", backup.text());
    std::thread::sleep(std::time::Duration::from_millis(300));
    running.store(false, Ordering::Relaxed);
    for uploader in uploaders {
        uploader
            .join()
            .expect("an upload failed while the backup ran");
    }
    let after = acknowledged.lock().unwrap().len();
    assert!(
        !before.is_empty() && after > before.len(),
        "uploads went on around the backup"
    );
    let bag = PathBuf::from(backup.json()["path"].as_str().unwrap());
    assert!(bag.starts_with(served.backups.path()));
    assert!(bagit_validates(&bag).0);

    let restored = Kho::new();
    let import = restored.run(["import", bag.to_str().unwrap(), "--json"]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    let archive = Archive::open(restored.data.path()).unwrap();
    let operator = schemas::Caller::local_operator("test");
    for id in &before {
        assert!(
            archive
                .read_document(&operator, id, &Default::default())
                .is_ok(),
            "{id}, acknowledged before the backup, is not in it"
        );
    }
    let report = archive.verify(&mut |_| {}).unwrap();
    assert!(report.ledger_ok && report.missing.is_empty() && report.corrupt.is_empty());
    assert_eq!(
        report.records,
        backup.json()["records"].as_u64().unwrap(),
        "the bag is one moment: its records and their events"
    );
}
