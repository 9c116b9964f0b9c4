//! The scanning room through the binary: `kho sheets` printed, a stack merged with `qpdf` from
//! those sheets, scanned-looking image pages and a blank back, split by `kho ingest --split`
//! (and `--plan`, `--max-pages`), a TIFF stack, the hot folder `kho watch` (a slow copy, a bad
//! file, a `.part` rename, SIGKILL and restart), manifests naming files in the other Unicode
//! form, and manifest rows whose file is a stack (`split=yes`).

use kho_tests::stacks::{print_sheets, stack};
use kho_tests::{corpus, scans, Kho, Run};
use serde_json::Value;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn records(kho: &Kho) -> u64 {
    let run = kho.run(["verify", "--json"]);
    run.json()["records"].as_u64().unwrap()
}

fn documents(run: &Run) -> Vec<Value> {
    run.json_lines()
}

#[test]
fn a_stack_splits_into_its_dossiers_with_their_metadata_and_provenance() {
    let kho = Kho::new();
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(&kho, dir.path());
    let stack_arg = stack.to_str().unwrap();

    // --plan: the split on paper, nothing stored.
    let plan = kho.run(["ingest", stack_arg, "--split", "--plan", "--json"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let p = &plan.json_lines()[0]["plan"];
    assert_eq!(p["pages"], 6);
    assert_eq!(p["separator_pages"], serde_json::json!([1, 5]));
    assert_eq!(p["blank_pages"], serde_json::json!([4]));
    assert_eq!(p["segments"][0]["pages"], serde_json::json!([2, 3]));
    assert_eq!(p["segments"][1]["pages"], serde_json::json!([6]));
    assert_eq!(records(&kho), 0, "--plan stores nothing");
    let human = kho.run(["ingest", stack_arg, "--split", "--plan"]);
    assert!(
        human.stdout.contains("049075001234") && human.stdout.contains("blank, dropped: page 4"),
        "{}",
        human.stdout
    );

    // The split itself.
    let run = kho.run(["ingest", stack_arg, "--split", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let docs = documents(&run);
    assert_eq!(docs.len(), 2, "{}", run.stdout);
    assert!(docs.iter().all(|d| d["status"] == "stored"));
    assert_eq!(docs[0]["pages"], 2);
    assert_eq!(docs[1]["pages"], 1);
    let stack_sha = kho_tests::sha256_hex(&std::fs::read(&stack).unwrap());
    let provenance = &docs[0]["provenance"];
    assert_eq!(provenance["stack_sha256"], stack_sha.as_str());
    assert_eq!(provenance["separator_page"], 1);
    assert_eq!(
        (
            provenance["first_page"].as_u64(),
            provenance["last_page"].as_u64()
        ),
        (Some(2), Some(4))
    );
    assert_eq!(provenance["blank_pages"], serde_json::json!([4]));
    assert!(
        run.stderr
            .contains("1 stack(s) split at 2 separator sheet(s), 1 blank page(s) dropped"),
        "{}",
        run.stderr
    );

    let first = kho
        .run(["show", docs[0]["id"].as_str().unwrap(), "--json", "--text"])
        .json();
    assert_eq!(first["owner_id"], "049075001234");
    assert_eq!(first["owner_name"], "Nguyễn Văn Đức");
    assert_eq!(first["doc_type"], "land_use_right_certificate");
    assert_eq!(first["dossier_code"], "000.00.00.H47-240501-0001");
    assert_eq!(first["issued_on"], "2020-01-02");
    assert_eq!(first["pages"], 2);
    assert_eq!(first["provenance"]["stack_name"], "chong-ho-so.pdf");
    let text = schemas::fold(first["text"].as_str().unwrap()).to_lowercase();
    assert!(
        text.contains("su dung dat"),
        "the scanned pages were read: {text}"
    );
    let second = kho
        .run(["show", docs[1]["id"].as_str().unwrap(), "--json"])
        .json();
    assert_eq!(second["owner_name"], "Trần Thị Thủy");
    assert_eq!(second["title"], "Giấy khai sinh bản sao");
    assert_eq!(second["procedure_code"], "1.001193");

    // The stack is kept (its blob, counted as used), and the separators are not documents.
    assert!(kho.blob_path(&stack_sha).is_file());
    let verify = kho.run(["verify", "--json"]).json();
    assert_eq!(verify["records"], 2);
    assert_eq!(
        verify["orphans"],
        serde_json::json!([]),
        "the kept stack is no orphan"
    );
    // A store's bag carries the stack: restored, it is still kept, not an orphan.
    let out = tempfile::tempdir().unwrap();
    let bag = out.path().join("bag");
    let export = kho.run(["export", bag.to_str().unwrap(), "--json"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    assert_eq!(export.json()["stacks"], 1, "{}", export.stdout);
    let restored = Kho::new();
    let import = restored.run(["import", bag.to_str().unwrap(), "--json"]);
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(restored.blob_path(&stack_sha).is_file());
    let verify = restored.run(["verify", "--json"]).json();
    assert_eq!(verify["orphans"], serde_json::json!([]), "{verify}");

    // Again: nothing new (the cut is deterministic).
    let again = kho.run(["ingest", stack_arg, "--split", "--json"]);
    assert!(
        documents(&again).iter().all(|d| d["status"] == "duplicate"),
        "{}",
        again.stdout
    );
    assert_eq!(records(&kho), 2);

    // A missed separator: --max-pages refuses the long part, the rest goes on.
    let kho2 = Kho::new();
    let strict = kho2.run(["ingest", stack_arg, "--split", "--max-pages", "1", "--json"]);
    assert_eq!(strict.code, 1);
    let lines = documents(&strict);
    assert_eq!(lines[0]["status"], "rejected");
    assert_eq!(lines[0]["reject_kind"], "missed_separator");
    assert!(
        lines[0]["error"].as_str().unwrap().contains("pages 2-4"),
        "{}",
        strict.stdout
    );
    assert_eq!(lines[1]["status"], "stored");
}

#[test]
fn a_multi_page_tiff_stack_splits_too() {
    let kho = Kho::new();
    let dir = tempfile::tempdir().unwrap();
    let sheets = print_sheets(&kho, dir.path());
    let sheet = |n| scans::render_pdf_page(&sheets, n, 150);
    let page = |src: &str| scans::render_pdf_page(&corpus().join(src), 1, 150);
    let pages = [
        sheet(1),
        page("giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc.pdf"),
        scans::blank_back(150, 2),
        sheet(2),
        page("giay-khai-sinh-nguyen-van-duc.pdf"),
        page("giay-phep-xay-dung-le-van-an.pdf"),
    ];
    let tiff = dir.path().join("stack.tif");
    std::fs::write(&tiff, scans::tiff_stack(&pages)).unwrap();
    let run = kho.run([
        "ingest",
        tiff.to_str().unwrap(),
        "--split",
        "--keep-blank",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let docs = documents(&run);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["pages"], 2, "--keep-blank keeps the blank back");
    assert_eq!(docs[1]["pages"], 2);
    let shown = kho
        .run(["show", docs[1]["id"].as_str().unwrap(), "--json"])
        .json();
    assert_eq!(shown["format"], "tiff");
    assert_eq!(shown["owner_id"], "079190004567");
}

/// `kho watch DIR` running in the background, its log lines read as they come.
struct Watcher {
    child: std::process::Child,
    log: std::sync::mpsc::Receiver<String>,
}

impl Watcher {
    fn start(kho: &Kho, dir: &Path, extra: &[&str]) -> Self {
        let mut child = kho
            .command()
            .args([
                "watch",
                dir.to_str().unwrap(),
                "--settle",
                "1",
                "--interval",
                "0.2",
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start kho watch");
        let stdout = child.stdout.take().unwrap();
        let (send, log) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Watcher { child, log }
    }

    /// Waits for a log line containing `text`.
    fn wait_line(&self, text: &str, limit: Duration) -> String {
        let started = Instant::now();
        loop {
            let left = limit.saturating_sub(started.elapsed());
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(_) => panic!("no log line with {text:?} within {limit:?}"),
            }
        }
    }

    fn kill(mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }
}

#[test]
fn a_manifest_row_can_be_a_stack_split_among_ordinary_rows() {
    let kho = Kho::new();
    let dir = tempfile::tempdir().unwrap();
    let stack = stack(&kho, dir.path());
    std::fs::copy(
        corpus().join("giay-phep-xay-dung-le-van-an.pdf"),
        dir.path().join("phep.pdf"),
    )
    .unwrap();
    std::fs::copy(
        corpus().join("giay-chung-nhan-ket-hon-tran-thi-thuy.png"),
        dir.path().join("ket-hon.png"),
    )
    .unwrap();
    // A "stack" without any separator sheet: one scanned page (made by stack() above).
    let loose = dir.path().join("birth.pdf");
    assert!(loose.is_file());
    let stack_name = stack.file_name().unwrap().to_str().unwrap();
    // The split row's cells fill what the separators leave empty (the issuer); the
    // separators' own values win (owner_name of the first dossier).
    let manifest = dir.path().join("lo.csv");
    std::fs::write(
        &manifest,
        format!(
            "file,owner_id,doc_type,owner_name,issuer,split\n\
             phep.pdf,001085000111,construction_permit,Lê Văn An,,no\n\
             {stack_name},,,Không Dùng,UBND xã Tam Xuân,yes\n\
             birth.pdf,,,,,YES\n\
             ket-hon.png,079190004567,other,Trần Thị Thủy,,\n"
        ),
    )
    .unwrap();
    let manifest_arg = manifest.to_str().unwrap();

    // --plan: the stack's split on paper with its line, the other rows checked; nothing stored.
    let plan = kho.run(["ingest", "--manifest", manifest_arg, "--plan", "--json"]);
    assert_eq!(plan.code, 1, "the loose row is refused: {}", plan.stderr);
    let lines = plan.json_lines();
    assert_eq!(lines.len(), 4, "{}", plan.stdout);
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[0]["document"]["doc_type"], "construction_permit");
    assert_eq!(lines[1]["line"], 3);
    assert_eq!(
        lines[1]["plan"]["separator_pages"],
        serde_json::json!([1, 5])
    );
    assert_eq!(
        lines[1]["plan"]["segments"][0]["metadata"]["issuer"],
        "UBND xã Tam Xuân"
    );
    assert_eq!(lines[2]["line"], 4);
    assert_eq!(lines[2]["plan"]["segments"][0]["problem"], "no_separator");
    assert_eq!(records(&kho), 0, "--plan stores nothing");
    let human = kho.run(["ingest", "--manifest", manifest_arg, "--plan"]);
    assert!(
        human.stdout.contains(&format!("{stack_name} (line 3)"))
            && human.stdout.contains("blank, dropped: page 4"),
        "{}",
        human.stdout
    );

    // The batch: rows in the manifest's order, the stack's documents and refusals on its line.
    let run = kho.run(["ingest", "--manifest", manifest_arg, "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = documents(&run);
    let summary: Vec<(u64, &str)> = out
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (2, "stored"),
            (3, "stored"),
            (3, "stored"),
            (4, "rejected"),
            (5, "stored")
        ],
        "{}",
        run.stdout
    );
    assert_eq!(
        (out[1]["pages"].as_u64(), out[2]["pages"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(out[1]["provenance"]["separator_page"], 1);
    assert_eq!(out[2]["provenance"]["separator_page"], 5);
    assert_eq!(out[3]["reject_kind"], "no_separator");
    let reason = out[3]["error"].as_str().unwrap();
    assert!(
        reason.starts_with("line 4: ")
            && reason.contains("page 1")
            && reason.contains("before the first separator"),
        "{reason}"
    );
    assert!(
        run.stderr
            .contains("2 stack(s) split at 2 separator sheet(s), 1 blank page(s) dropped")
            && run.stderr.contains("4 stored, 0 duplicate, 1 rejected"),
        "{}",
        run.stderr
    );
    let first = kho
        .run(["show", out[1]["id"].as_str().unwrap(), "--json"])
        .json();
    assert_eq!(first["owner_id"], "049075001234");
    assert_eq!(
        first["owner_name"], "Nguyễn Văn Đức",
        "the separator's value wins"
    );
    assert_eq!(first["issuer"], "UBND xã Tam Xuân", "the row fills the gap");
    assert_eq!(first["pages"], 2);
    let second = kho
        .run(["show", out[2]["id"].as_str().unwrap(), "--json"])
        .json();
    assert_eq!(second["owner_name"], "Trần Thị Thủy");
    assert_eq!(second["issuer"], "UBND xã Tam Xuân");
    assert_eq!(records(&kho), 4);

    // The store's record of the batch has every outcome, with its line.
    {
        let archive = archive_core::Archive::open(kho.data.path()).unwrap();
        let batch = archive.batches().recent(1).unwrap().remove(0);
        assert_eq!(
            (batch.total, batch.stored, batch.duplicate, batch.rejected),
            (5, 4, 0, 1)
        );
        let lines = archive.batches().lines(batch.id, 0, 100, false).unwrap();
        let numbered: Vec<Option<u64>> = lines.iter().map(|(_, l)| l.line).collect();
        assert_eq!(numbered, vec![Some(2), Some(3), Some(3), Some(4), Some(5)]);
    }

    // Again: nothing stored twice.
    let again = kho.run(["ingest", "--manifest", manifest_arg, "--json"]);
    let statuses: Vec<String> = documents(&again)
        .iter()
        .map(|d| d["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        statuses,
        [
            "duplicate",
            "duplicate",
            "duplicate",
            "rejected",
            "duplicate"
        ],
        "{}",
        again.stdout
    );
    assert_eq!(records(&kho), 4);

    // A split cell that is neither yes nor no: that row refused, named by line and column.
    let bad = dir.path().join("sai.csv");
    std::fs::write(
        &bad,
        format!("file,owner_id,doc_type,split\n{stack_name},,,có lẽ\n"),
    )
    .unwrap();
    let refused = kho.run(["ingest", "--manifest", bad.to_str().unwrap(), "--json"]);
    assert_eq!(refused.code, 1);
    let line = &documents(&refused)[0];
    assert_eq!(line["status"], "rejected");
    assert_eq!(line["reject_kind"], "manifest_row");
    let error = line["error"].as_str().unwrap();
    assert!(
        error.contains("line 2") && error.contains("split (có lẽ)") && error.contains("yes or no"),
        "{error}"
    );
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_hot_folder_takes_finished_files_and_survives_a_kill() {
    let kho = Kho::new();
    let work = tempfile::tempdir().unwrap();
    let stack_bytes = std::fs::read(stack(&kho, work.path())).unwrap();
    let hot = tempfile::tempdir().unwrap();
    let dir = hot.path();
    let watcher = Watcher::start(&kho, dir, &["--max-pages", "10"]);

    // A bad file, a stack copied slowly (half, a pause longer than the settle time would be
    // if it counted from the first look, the rest), and a file written as .part then renamed.
    std::fs::write(dir.join("khong-phai-pdf.pdf"), b"hello, this is not a scan").unwrap();
    {
        use std::io::Write;
        let mut slow = std::fs::File::create(dir.join("cham.pdf")).unwrap();
        let half = stack_bytes.len() / 2;
        slow.write_all(&stack_bytes[..half]).unwrap();
        slow.flush().unwrap();
        std::thread::sleep(Duration::from_millis(600));
        slow.write_all(&stack_bytes[half..half + 1000]).unwrap();
        slow.flush().unwrap();
        std::thread::sleep(Duration::from_millis(600));
        slow.write_all(&stack_bytes[half + 1000..]).unwrap();
    }
    std::fs::write(
        dir.join("ho-so-don.pdf.part"),
        kho_tests::fixtures::pdf(1, "don le"),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::rename(dir.join("ho-so-don.pdf.part"), dir.join("ho-so-don.pdf")).unwrap();

    watcher.wait_line("watching", Duration::from_secs(30));
    wait_for("the files to be taken", Duration::from_secs(240), || {
        dir.join("done/cham.pdf").exists()
            && dir.join("rejected/khong-phai-pdf.pdf").exists()
            && dir.join("rejected/ho-so-don.pdf").exists()
    });
    watcher.kill();
    let reason =
        std::fs::read_to_string(dir.join("rejected/khong-phai-pdf.pdf.reason.txt")).unwrap();
    assert!(
        reason.contains("REJECTED") && reason.contains("khong-phai-pdf.pdf"),
        "{reason}"
    );
    // No separator and no default metadata: refused, with the reason.
    let reason = std::fs::read_to_string(dir.join("rejected/ho-so-don.pdf.reason.txt")).unwrap();
    assert!(reason.contains("no separator"), "{reason}");
    assert_eq!(records(&kho), 2, "the slow copy was taken once, whole");
    assert!(!dir.join("cham.pdf").exists());

    // Each file is a batch in the store's record (what the operators' batch list shows).
    {
        let archive = archive_core::Archive::open(kho.data.path()).unwrap();
        let recent = archive.batches().recent(10).unwrap();
        let sources: Vec<&str> = recent.iter().map(|b| b.source.as_str()).collect();
        assert_eq!(recent.len(), 3, "{sources:?}");
        assert!(
            sources.iter().any(|s| s.ends_with(": cham.pdf")),
            "{sources:?}"
        );
        let slow = recent
            .iter()
            .find(|b| b.source.ends_with(": cham.pdf"))
            .unwrap();
        assert_eq!((slow.stored, slow.rejected), (2, 0));
        assert!(slow.finished_at.is_some());
    }

    // With default metadata, a file without separators is one document.
    std::fs::write(
        dir.join("don-le.pdf"),
        kho_tests::fixtures::pdf(2, "mot ho so"),
    )
    .unwrap();
    let once = kho.run([
        "watch",
        dir.to_str().unwrap(),
        "--once",
        "--settle",
        "0.2",
        "--manifest-column-defaults",
        "owner_id=049075001234",
        "--manifest-column-defaults",
        "doc_type=other",
        "--manifest-column-defaults",
        "issuer=UBND xã Tam Xuân",
    ]);
    assert_eq!(once.code, 0, "{}\n{}", once.stdout, once.stderr);
    assert!(
        once.stdout.contains("taking") && once.stdout.contains("don-le.pdf"),
        "{}",
        once.stdout
    );
    assert!(dir.join("done/don-le.pdf").exists());
    assert_eq!(records(&kho), 3);

    // SIGKILL while a stack is being read, then a restart: no duplicate, no lost file.
    std::fs::write(dir.join("chong-2.pdf"), &stack_bytes).unwrap();
    let kho2 = Kho::new();
    let watcher = Watcher::start(&kho2, dir, &[]);
    watcher.wait_line("taking", Duration::from_secs(60));
    // In the middle of the stack: its pages being looked at, or its documents being read.
    std::thread::sleep(Duration::from_millis(1500));
    watcher.kill();
    let after_kill = records(&kho2);
    assert!(after_kill <= 2);
    let restart = kho2.run(["watch", dir.to_str().unwrap(), "--once", "--settle", "0.2"]);
    assert_eq!(restart.code, 0, "{}\n{}", restart.stdout, restart.stderr);
    assert!(dir.join("done/chong-2.pdf").exists(), "{}", restart.stdout);
    assert!(!dir.join("chong-2.pdf").exists());
    assert_eq!(
        records(&kho2),
        2,
        "each dossier stored once, whatever the kill interrupted"
    );
}

#[test]
fn manifest_rows_find_their_files_in_the_other_unicode_form() {
    // corpus/unicode-names: a manifest written on Windows (NFC everywhere) beside a folder
    // "Hồ sơ Thủy" copied from a Mac (NFD, holding "Giấy khai sinh.pdf" in NFD) and one made
    // here (NFC), and two different files named "Trần Đức.pdf", one in each form.
    let kho = Kho::new();
    let manifest = corpus().join("unicode-names/manifest.csv");
    let run = kho.run(["ingest", "--manifest", manifest.to_str().unwrap(), "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines = run.json_lines();
    assert_eq!(
        lines[0]["status"], "stored",
        "NFC row, NFD folder and file: {}",
        run.stdout
    );
    assert_eq!(
        lines[1]["status"], "stored",
        "the twin NFC folder: {}",
        run.stdout
    );
    assert_eq!(lines[2]["status"], "rejected");
    assert_eq!(lines[2]["reject_kind"], "path");
    let error = lines[2]["error"].as_str().unwrap();
    assert!(
        error.contains("(NFC)") && error.contains("(NFD)") && error.contains("2 different files"),
        "{error}"
    );
}
