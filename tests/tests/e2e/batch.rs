//! Batch digitization through the binary: reports an operator can act on (`--report` in CSV and
//! JSON), `--check`, the end-of-run summary and progress lines, rescans, and a batch killed ten
//! times at random moments that ends as a clean run would.

use kho_tests::{fixtures, Kho};
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// A batch folder with a manifest: `good` good rows (PDFs, a TIFF, PNG scans) and a fixed set
/// of bad ones.
fn batch(dir: &Path, good: usize) -> usize {
    fs::create_dir_all(dir.join("scans")).unwrap();
    let mut rows = vec!["file,owner_id,owner_name,doc_type,issued_on,doc_number".to_string()];
    for i in 0..good {
        let (name, bytes) = match i % 5 {
            0 => (format!("scans/{i:03}.tif"), fixtures::tiff(2, i as u8)),
            1 => (format!("scans/{i:03}.png"), fixtures::png(60, 40, i as u8)),
            _ => (
                format!("scans/{i:03}.pdf"),
                fixtures::pdf(1 + i % 3, &format!("ho so so {i}")),
            ),
        };
        fs::write(dir.join(&name), bytes).unwrap();
        rows.push(format!(
            "{name},049075001234,Nguyễn Văn Đức,other,2020-01-{:02},{i}/HS",
            1 + i % 28
        ));
    }
    fs::write(dir.join("scans/notes.pdf"), "a text file named .pdf").unwrap();
    fs::write(dir.join("scans/extra.pdf"), fixtures::pdf(1, "extra")).unwrap();
    let bad = [
        "scans/000.tif,04907500123,,other,,", // bad owner ID (and a repeated file)
        "scans/missing.pdf,049075001234,,other,,", // missing
        "scans/notes.pdf,049075001234,,other,,", // not a PDF
        "scans/extra.pdf,049075001234,,no_such_type,,",
    ];
    rows.extend(bad.iter().map(|r| r.to_string()));
    fs::write(dir.join("batch.csv"), rows.join("\n")).unwrap();
    bad.len()
}

#[test]
fn the_report_names_every_bad_row_and_the_summary_counts_them() {
    let kho = Kho::new();
    let dir = tempfile::tempdir().unwrap();
    let bad = batch(dir.path(), 10);
    let manifest = dir.path().join("batch.csv");
    let csv = dir.path().join("report.csv");
    let json = dir.path().join("report.json");

    // --check: everything validated, nothing stored.
    let check = kho.run([
        "ingest",
        "--manifest",
        manifest.to_str().unwrap(),
        "--check",
        "--report",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    assert!(
        check.stdout.contains("check: 10 file(s) ready, 4 rejected"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("not a PDF, PNG, JPEG or TIFF"),
        "{}",
        check.stdout
    );
    assert_eq!(kho.run(["verify", "--json"]).json()["records"], 0);
    let checked = fs::read_to_string(&csv).unwrap();
    assert_eq!(checked.lines().count(), 1 + bad, "{checked}");

    let run = kho.run([
        "ingest",
        "--manifest",
        manifest.to_str().unwrap(),
        "--report",
        json.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let summary_line = run.stdout.lines().last().unwrap();
    for part in [
        "10 stored",
        "0 duplicate",
        "4 rejected (",
        "1 bad metadata",
        "1 file named twice",
        "1 missing file or bad path",
        "1 not a PDF, PNG, JPEG or TIFF",
        "by OCR",
        "pages/s",
    ] {
        assert!(
            summary_line.contains(part),
            "{part:?} not in {summary_line}"
        );
    }
    // The manifest's own mistakes are announced before any file is read (the unsupported
    // format is only found by reading the file).
    assert!(
        run.stderr
            .contains("3 of 14 row(s) will be rejected without reading their file"),
        "{}",
        run.stderr
    );
    // Not a terminal: plain progress lines on stderr, the last one complete.
    assert!(
        run.stderr.contains("kho: ingest: 14/14 files"),
        "{}",
        run.stderr
    );

    let report: serde_json::Value = serde_json::from_str(&fs::read_to_string(&json).unwrap())
        .expect("the JSON report is one document");
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 14);
    let rejected: BTreeMap<u64, String> = files
        .iter()
        .filter(|f| f["status"] == "rejected")
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["reject_kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        BTreeMap::from([
            (12, "repeated_file".to_string()),
            (13, "path".to_string()),
            (14, "unsupported_format".to_string()),
            (15, "metadata".to_string()),
        ])
    );
    assert_eq!(report["summary"]["stored"], 10);
    assert_eq!(report["summary"]["rejected_by"]["metadata"], 1);
    // The PNG and TIFF pages (noise, no text) go through OCR: read as text, or found empty.
    let ocr_pages = report["summary"]["ocr_pages"].as_u64().unwrap();
    let found_empty = files
        .iter()
        .flat_map(|f| f["warnings"].as_array().cloned().unwrap_or_default())
        .filter(|w| w.as_str().unwrap_or_default().contains("OCR found no text"))
        .count() as u64;
    assert!(
        ocr_pages + found_empty >= 2 + 4,
        "PNG and TIFF pages are OCRed: {ocr_pages} read, {found_empty} found empty"
    );

    // Again, as CSV: what was stored is a duplicate now, nothing is stored twice.
    let again = kho.run([
        "ingest",
        "--manifest",
        manifest.to_str().unwrap(),
        "--report",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(again.code, 1);
    assert!(again
        .stdout
        .lines()
        .last()
        .unwrap()
        .starts_with("0 stored, 10 duplicate, 4 rejected"));
    let table = fs::read_to_string(&csv).unwrap();
    let mut lines = table.lines();
    assert_eq!(
        lines.next().unwrap().trim_start_matches('\u{feff}'),
        "line,file,status,id,sha256,pages,text_source,ocr_confidence,ocr_pages,low_confidence_pages,rescan_of,reject_kind,error,warnings"
    );
    assert_eq!(
        lines.clone().filter(|l| l.contains(",duplicate,")).count(),
        10
    );
    assert!(
        lines.any(|l| l.starts_with("15,scans/extra.pdf,rejected,")
            && l.contains("unknown document type")),
        "{table}"
    );
    assert_eq!(kho.run(["verify", "--json"]).json()["records"], 10);
    assert_eq!(
        kho.run([
            "ingest",
            "--manifest",
            manifest.to_str().unwrap(),
            "--report",
            "r.txt"
        ])
        .code,
        2
    );
}

#[test]
fn a_new_scan_of_a_stored_document_is_linked_to_it() {
    let kho = Kho::new();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/extraction");
    // Two scans of one certificate: a clean PNG, and a JPEG of the same page upside down.
    let clean = corpus.join("giay-khai-sinh-nguyen-van-duc.clean.png");
    let degraded = corpus.join("giay-khai-sinh-nguyen-van-duc.rot180.jpg");
    let args = |file: &Path, number: &str| {
        vec![
            "ingest".to_string(),
            file.to_str().unwrap().to_string(),
            "--owner".into(),
            "049075001234".into(),
            "--doc-type".into(),
            "birth_certificate".into(),
            "--doc-number".into(),
            number.into(),
            "--json".into(),
        ]
    };
    let first = kho.run(args(&clean, "12/KS"));
    assert_eq!(first.code, 0, "{}", first.stderr);
    let first_id = first.json_lines()[0]["id"].as_str().unwrap().to_string();
    let second = kho.run(args(&degraded, "12/KS"));
    let line = &second.json_lines()[0];
    assert_eq!(line["status"], "stored", "a rescan is stored, not refused");
    assert_eq!(line["rescan_of"], first_id.as_str(), "{line}");
    let shown = kho
        .run(["show", line["id"].as_str().unwrap(), "--json"])
        .json();
    assert_eq!(shown["rescan_of"], first_id.as_str());
    // The same number on another document (another text): not a rescan.
    let other = corpus.join("giay-chung-nhan-ket-hon-tran-thi-thuy.skew.png");
    let third = kho.run(args(&other, "12/KS"));
    assert_eq!(third.json_lines()[0]["status"], "stored");
    assert!(
        third.json_lines()[0].get("rescan_of").is_none(),
        "{}",
        third.stdout
    );
}

/// Where to kill a run: after this many newly stored files (0: before any), plus a delay, so
/// that kills land anywhere in the pipeline whatever the machine's speed.
struct KillPoint {
    after_stored: usize,
    delay: Duration,
}

/// Kill points from a tiny deterministic generator (xorshift), seeded from the clock and
/// printed, so that a failure can be replayed with KHO_CRASH_SEED.
fn kill_points(n: usize) -> (u64, Vec<KillPoint>) {
    let seed = std::env::var("KHO_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    let mut x = seed;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let points = (0..n)
        .map(|_| KillPoint {
            after_stored: (next() % 3) as usize,
            delay: Duration::from_millis(next() % 40),
        })
        .collect();
    (seed, points)
}

/// What a store holds, without what differs between runs (ids, times, sequence numbers).
fn contents(kho: &Kho, manifest: &Path) -> BTreeMap<String, serde_json::Value> {
    let run = kho.run(["ingest", "--manifest", manifest.to_str().unwrap(), "--json"]);
    let mut out = BTreeMap::new();
    for line in run.json_lines() {
        let Some(id) = line["id"].as_str() else {
            continue;
        };
        assert_eq!(line["status"], "duplicate", "all stored already: {line}");
        let mut record = kho.run(["show", id, "--json"]).json();
        for volatile in ["id", "seq", "ingested_at", "ingested_by"] {
            record.as_object_mut().unwrap().remove(volatile);
        }
        out.insert(line["file"].as_str().unwrap().to_string(), record);
    }
    out
}

#[test]
fn a_batch_killed_ten_times_ends_as_a_clean_run() {
    let dir = tempfile::tempdir().unwrap();
    let bad = batch(dir.path(), 60);
    let manifest = dir.path().join("batch.csv");
    let (seed, points) = kill_points(10);
    eprintln!("crash test seed {seed} (KHO_CRASH_SEED={seed} replays it)");

    let killed = Kho::new();
    let mut kills = 0;
    for point in &points {
        let mut child = killed
            .command()
            .args(["ingest", "--manifest", manifest.to_str().unwrap(), "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut stored = 0;
        let mut lines = BufReader::new(stdout).lines();
        while stored < point.after_stored {
            match lines.next() {
                Some(Ok(line)) if line.contains("\"status\":\"stored\"") => stored += 1,
                Some(Ok(_)) => {}
                _ => break,
            }
        }
        std::thread::sleep(point.delay);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        drop(lines);
        child.wait().unwrap();
        let verify = killed.run(["verify", "--json"]);
        assert_eq!(
            verify.code, 0,
            "seed {seed}: damaged after a kill: {}",
            verify.stdout
        );
    }
    eprintln!("{kills} of {} runs killed", points.len());
    let finish = killed.run(["ingest", "--manifest", manifest.to_str().unwrap(), "--json"]);
    assert_eq!(finish.code, 1, "the bad rows are still bad");
    assert!(
        kills >= 8,
        "seed {seed}: most runs should have been killed, only {kills} were"
    );

    let clean = Kho::new();
    let run = clean.run(["ingest", "--manifest", manifest.to_str().unwrap(), "--json"]);
    assert_eq!(run.code, 1);
    let stored = run
        .json_lines()
        .iter()
        .filter(|l| l["status"] == "stored")
        .count();
    assert_eq!(stored, 60);
    assert_eq!(run.json_lines().len(), 60 + bad);

    let after_kills = contents(&killed, &manifest);
    let after_clean = contents(&clean, &manifest);
    assert_eq!(after_kills.len(), 60);
    assert_eq!(after_kills, after_clean, "seed {seed}");
    let report = killed.run(["verify", "--json"]).json();
    assert_eq!(report["records"], 60, "seed {seed}: no record stored twice");
    assert_eq!(report["ledger_ok"], true);
    assert!(report["corrupt"].as_array().unwrap().is_empty());
    assert!(report["missing"].as_array().unwrap().is_empty());
}
