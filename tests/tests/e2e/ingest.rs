//! `kho ingest`, `show`, `get` and `verify` through the binary, per the CLI contract.

use kho_tests::{fixtures, Kho};
use std::fs;
use std::path::Path;
use std::process::Command;

const OWNER: &str = "049075001234";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&path, bytes).unwrap();
    path
}

fn sha256sum(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

#[test]
fn stored_then_duplicate_then_identical_bytes_back() {
    let kho = Kho::new();
    let files = tempfile::tempdir().unwrap();
    let pdf = write(
        files.path(),
        "some.pdf",
        &fixtures::pdf(2, "Giấy khai sinh"),
    );
    let args = [
        "ingest",
        pdf.to_str().unwrap(),
        "--owner",
        OWNER,
        "--doc-type",
        "birth_certificate",
        "--json",
    ];

    let first = kho.run(args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let lines = first.json_lines();
    assert_eq!(lines.len(), 1, "one JSON line per input file");
    let line = &lines[0];
    assert_eq!(line["status"], "stored");
    assert_eq!(line["sha256"], sha256sum(&pdf).as_str());
    assert_eq!(line["pages"], 2);
    assert_eq!(line["error"], serde_json::Value::Null);
    let id = line["id"].as_str().unwrap().to_string();

    let again = kho.run(args);
    assert_eq!(again.code, 0);
    assert_eq!(again.json_lines()[0]["status"], "duplicate");
    assert_eq!(again.json_lines()[0]["id"], id.as_str());

    let out = files.path().join("out");
    let get = kho.run(["get", &id, "-o", out.to_str().unwrap()]);
    assert_eq!(get.code, 0, "{}", get.stderr);
    assert_eq!(fs::read(&out).unwrap(), fs::read(&pdf).unwrap());

    let shown = kho.run(["show", &id, "--json"]).json();
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(shown["owner_id"], OWNER);
    assert_eq!(shown["state"], "valid");
    assert_eq!(shown["valid_until"], "permanent");
    assert_eq!(shown["title"], "Giấy khai sinh");
    assert_eq!(shown["pages"], 2);
    assert_eq!(shown["sha256"], sha256sum(&pdf).as_str());
}

#[test]
fn the_same_bytes_for_another_owner_are_stored_once_and_recorded_for_both() {
    let kho = Kho::new();
    let files = tempfile::tempdir().unwrap();
    let png = write(files.path(), "scan.png", &fixtures::png(50, 40, 9));
    let a = kho.run([
        "ingest",
        png.to_str().unwrap(),
        "--owner",
        OWNER,
        "--doc-type",
        "other",
        "--json",
    ]);
    let b = kho.run([
        "ingest",
        png.to_str().unwrap(),
        "--owner",
        "0100109106",
        "--doc-type",
        "other",
        "--json",
    ]);
    let (a, b) = (&a.json_lines()[0], &b.json_lines()[0]);
    assert_eq!(
        (a["status"].as_str(), b["status"].as_str()),
        (Some("stored"), Some("stored"))
    );
    assert_ne!(a["id"], b["id"]);
    assert_eq!(a["sha256"], b["sha256"]);
    let report = kho.run(["verify", "--json"]);
    assert_eq!(report.code, 0);
    let report = report.json();
    assert_eq!(report["records"], 2);
    assert_eq!(report["blobs_checked"], 1);
}

#[test]
fn a_flipped_byte_fails_verify_and_names_the_record() {
    let kho = Kho::new();
    let files = tempfile::tempdir().unwrap();
    let good = write(files.path(), "good.pdf", &fixtures::pdf(1, "tốt"));
    let bad = write(files.path(), "bad.tif", &fixtures::tiff(2, 4));
    let run = kho.run([
        "ingest",
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
        "--owner",
        OWNER,
        "--doc-type",
        "other",
        "--json",
    ]);
    let lines = run.json_lines();
    assert_eq!(lines[1]["pages"], 2);
    let clean = kho.run(["verify", "--json"]);
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    assert_eq!(clean.json()["ledger_ok"], true);

    let victim_sha = lines[1]["sha256"].as_str().unwrap();
    let victim_id = lines[1]["id"].as_str().unwrap();
    let blob = kho.blob_path(victim_sha);
    let meta = fs::metadata(&blob).unwrap();
    assert!(meta.permissions().readonly(), "stored blobs are read-only");
    kho_tests::damage(&blob, meta.len() as usize / 2, 0x01);

    let damaged = kho.run(["verify", "--json"]);
    assert_eq!(damaged.code, 1);
    let report = damaged.json();
    assert_eq!(report["corrupt"][0]["records"][0], victim_id);
    assert_eq!(report["corrupt"].as_array().unwrap().len(), 1);
    let human = kho.run(["verify"]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains(victim_id) && human.stdout.contains("CORRUPT"));

    let out = files.path().join("copy.tif");
    let get = kho.run(["get", victim_id, "-o", out.to_str().unwrap()]);
    assert_eq!(get.code, 1);
    assert!(get.stderr.contains("corrupt"), "{}", get.stderr);
    assert!(!out.exists(), "no file is written from corrupt bytes");
}

#[test]
fn bad_metadata_is_rejected_naming_the_rule() {
    let kho = Kho::new();
    let files = tempfile::tempdir().unwrap();
    let pdf = write(files.path(), "a.pdf", &fixtures::pdf(1, "a"));
    let pdf = pdf.to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--owner", "04907500123", "--doc-type", "other"],
            "owner_id 04907500123: a personal ID has 12 digits, got 11",
        ),
        (
            &["--owner", "0100109107", "--doc-type", "other"],
            "check digit",
        ),
        (
            &["--owner", OWNER, "--doc-type", "passport"],
            "doc_type passport: unknown document type",
        ),
        (
            &[
                "--owner",
                OWNER,
                "--doc-type",
                "other",
                "--issued-on",
                "2023-02-29",
            ],
            "issued_on 2023-02-29: 2023-02-29 is not a real date",
        ),
        (
            &[
                "--owner",
                OWNER,
                "--doc-type",
                "other",
                "--dossier",
                "000.00.00.H47-241301-0001",
            ],
            "241301 is not a real date",
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["ingest", pdf, "--json"];
        args.extend_from_slice(flags);
        let run = kho.run(&args);
        assert_eq!(run.code, 1, "{flags:?}");
        let line = &run.json_lines()[0];
        assert_eq!(line["status"], "rejected");
        let error = line["error"].as_str().unwrap();
        assert!(error.contains(expected), "{flags:?}: {error}");
    }
    let verify = kho.run(["verify", "--json"]).json();
    assert_eq!(verify["records"], 0, "nothing stored under bad metadata");
}

/// The command line states rules in the locale's language: Vietnamese under `vi_VN.UTF-8`
/// (also when only `LC_MESSAGES` or `LC_ALL` says so), English under `C` (issue #19).
#[test]
fn the_command_line_speaks_the_language_of_the_locale() {
    let kho = Kho::new();
    let files = tempfile::tempdir().unwrap();
    let pdf = write(files.path(), "a.pdf", &fixtures::pdf(1, "a"));
    let pdf = pdf.to_str().unwrap();
    let args = [
        "ingest",
        pdf,
        "--json",
        "--owner",
        "04907500123",
        "--doc-type",
        "other",
        "--issued-on",
        "2023-02-29",
    ];
    let error_under = |vars: &[(&str, &str)]| {
        let mut command = kho.command();
        command.args(args);
        for (name, value) in vars {
            command.env(name, value);
        }
        let run: kho_tests::Run = command.output().unwrap().into();
        assert_eq!(run.code, 1, "{vars:?}: {}", run.stderr);
        run.json_lines()[0]["error"].as_str().unwrap().to_string()
    };
    let vietnamese = error_under(&[("LANG", "vi_VN.UTF-8")]);
    assert!(
        vietnamese
            .contains("owner_id 04907500123: số định danh cá nhân có 12 chữ số, nhận được 11"),
        "{vietnamese}"
    );
    assert!(
        vietnamese.contains("2023-02-29 không phải ngày có thật: tháng 2 năm 2023 có 28 ngày"),
        "all fields at once: {vietnamese}"
    );
    assert_eq!(
        error_under(&[("LANG", "C"), ("LC_MESSAGES", "vi_VN.UTF-8")]),
        vietnamese
    );
    let english = error_under(&[("LANG", "C")]);
    assert!(
        english.contains("owner_id 04907500123: a personal ID has 12 digits, got 11"),
        "{english}"
    );
    assert!(english.contains("month 2 of 2023 has 28 days"), "{english}");
    assert_eq!(
        error_under(&[("LANG", "vi_VN.UTF-8"), ("LC_ALL", "C")]),
        english,
        "LC_ALL comes first"
    );
}

/// A rejected file's reason follows the locale too: a Vietnamese desk reads why in Vietnamese,
/// with the same stable `code` in the JSON line whatever the language (issue #19).
#[test]
fn a_rejected_files_reason_is_said_in_the_locales_language() {
    let kho = Kho::new();
    let files = tempfile::tempdir().unwrap();
    let notes = write(files.path(), "ghi-chu.pdf", b"just some notes, typed");
    let empty = write(files.path(), "rong.pdf", b"");
    let run_under = |lang: &str, json: bool| {
        let mut command = kho.command();
        command.args(["ingest", notes.to_str().unwrap(), empty.to_str().unwrap()]);
        command.args(["--owner", "049075001234", "--doc-type", "other"]);
        if json {
            command.arg("--json");
        }
        command.env("LANG", lang);
        let run: kho_tests::Run = command.output().unwrap().into();
        assert_eq!(run.code, 1, "{lang}: {}", run.stderr);
        run
    };
    let human = run_under("vi_VN.UTF-8", false).stdout;
    assert!(
        human.contains("ghi-chu.pdf")
            && human.contains(
                "không phải tệp PDF, PNG, JPEG hay TIFF: nội dung của nó là văn bản thuần"
            ),
        "{human}"
    );
    assert!(human.contains("tệp rỗng (0 byte)"), "{human}");
    assert!(
        human.contains("TỪ CHỐI"),
        "the outcome in Vietnamese too: {human}"
    );
    assert!(!human.contains("not a PDF"), "{human}");
    let vietnamese = run_under("vi_VN.UTF-8", true).json_lines();
    let english = run_under("C.UTF-8", true).json_lines();
    for lines in [&vietnamese, &english] {
        assert_eq!(lines[0]["code"], "ingest.unsupported_format");
        assert_eq!(lines[0]["reject_kind"], "unsupported_format");
        assert_eq!(lines[1]["code"], "ingest.empty");
        // An empty file is its own kind: the remedy is another copy, not another format.
        assert_eq!(lines[1]["reject_kind"], "empty");
    }
    assert_eq!(english[1]["error"], "the file is empty (0 bytes)");
    assert_eq!(vietnamese[1]["error"], "tệp rỗng (0 byte)");
}

#[test]
fn the_summary_line_and_a_usage_error_are_said_in_the_locales_language() {
    let kho = Kho::new();
    let files = tempfile::tempdir().unwrap();
    let scan = write(files.path(), "giay-khai-sinh.pdf", &fixtures::pdf(1, "một"));
    let empty = write(files.path(), "rong.pdf", b"");
    // `kho ARGS` under LANG=`lang`, exiting with `code`.
    let run_under = |lang: &str, args: &[&str], code: i32| {
        let mut command = kho.command();
        command.args(args).env("LANG", lang);
        let run: kho_tests::Run = command.output().unwrap().into();
        assert_eq!(run.code, code, "{lang} {args:?}: {}", run.stderr);
        run
    };
    let (scan, empty) = (scan.to_str().unwrap(), empty.to_str().unwrap());
    let batch = [
        "ingest",
        scan,
        empty,
        "--owner",
        "049075001234",
        "--doc-type",
        "other",
    ];
    let ingest_under = |lang: &str| run_under(lang, &batch, 1).stdout;
    let vietnamese = ingest_under("vi_VN.UTF-8");
    assert!(
        vietnamese.contains("1 đã lưu, 0 đã có, 1 bị từ chối (1 "),
        "the summary in Vietnamese: {vietnamese}"
    );
    assert!(vietnamese.contains("trang/giây"), "{vietnamese}");
    assert!(
        vietnamese.contains("mã ") && vietnamese.contains("1 trang"),
        "the stored file's line in Vietnamese: {vietnamese}"
    );
    assert!(
        !vietnamese.contains(" stored,") && !vietnamese.contains("pages/s"),
        "no English left in: {vietnamese}"
    );
    // The same store again: the scan is a duplicate now, said in English under LANG=C.
    let english = ingest_under("C.UTF-8");
    assert!(
        english.contains("0 stored, 1 duplicate, 1 rejected (1 "),
        "the summary in English: {english}"
    );
    assert!(english.contains("pages/s"), "{english}");
    assert!(!english.contains("đã lưu"), "{english}");

    // PATH without --owner and --doc-type: a usage error (exit 2).
    let usage_under = |lang: &str| run_under(lang, &["ingest", scan], 2).stderr;
    let vietnamese = usage_under("vi_VN.UTF-8");
    assert!(
        vietnamese
            .contains("kho: lỗi cách dùng: kho ingest PATH... cần --owner ID và --doc-type KEY"),
        "{vietnamese}"
    );
    let english = usage_under("C.UTF-8");
    assert!(
        english
            .contains("kho: usage error: kho ingest PATH... needs --owner ID and --doc-type KEY"),
        "{english}"
    );
}

#[test]
fn bad_files_are_rejected_while_the_good_ones_of_the_same_command_are_stored() {
    let kho = Kho::new();
    let files = tempfile::tempdir().unwrap();
    let dir = files.path();
    let inputs = [
        write(dir, "1-good.pdf", &fixtures::pdf(1, "một")),
        write(dir, "2-empty.pdf", b""),
        write(
            dir,
            "3-text.pdf",
            "Giấy khai sinh\nHọ và tên: Nguyễn Văn Đức\n".as_bytes(),
        ),
        write(dir, "4-good.jpg", &fixtures::jpeg(60, 40, 1)),
        write(
            dir,
            "5-huge.png",
            &fixtures::png_header_claiming(60_000, 60_000),
        ),
        write(dir, "6-cut.pdf", &fixtures::pdf(3, "cut")[..60]),
        write(
            dir,
            "7-docx.pdf",
            b"PK\x03\x04\x14\x00\x06\x00word/document.xml",
        ),
        dir.join("8-missing.pdf"),
    ];
    let mut args = vec!["ingest".to_string()];
    args.extend(inputs.iter().map(|p| p.to_string_lossy().into_owned()));
    args.extend(["--owner", OWNER, "--doc-type", "other", "--json"].map(String::from));
    let run = kho.run(&args);
    assert_eq!(run.code, 1);
    let lines = run.json_lines();
    assert_eq!(
        lines.len(),
        inputs.len(),
        "one line per input, in input order"
    );
    for (line, input) in lines.iter().zip(&inputs) {
        assert_eq!(line["file"], input.to_str().unwrap());
    }
    let status: Vec<&str> = lines
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        status,
        [
            "stored", "rejected", "rejected", "stored", "rejected", "rejected", "rejected",
            "rejected"
        ]
    );
    let error = |i: usize| lines[i]["error"].as_str().unwrap().to_string();
    assert!(error(1).contains("empty (0 bytes)"));
    assert!(error(2).contains("plain text") && error(2).contains("not a PDF"));
    assert!(error(4).contains("60000x60000"));
    assert!(error(5).contains("PDF"));
    assert!(error(6).contains("ZIP"));
    assert!(error(7).contains("no such file"));
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(kho.run(["verify", "--json"]).json()["records"], 2);
}

#[test]
fn folders_are_walked_in_path_order_and_names_are_nfc() {
    let kho = Kho::new();
    let files = tempfile::tempdir().unwrap();
    let root = files.path().join("hồ sơ");
    let nfd_name = unicode_nfd("Giấy khai sinh Đức.pdf");
    write(&root, "b/2.png", &fixtures::png(30, 30, 2));
    write(&root, "a.pdf", &fixtures::pdf(1, "a"));
    write(&root, &format!("b/{nfd_name}"), &fixtures::pdf(1, "nfd"));
    let run = kho.run([
        "ingest",
        root.to_str().unwrap(),
        "--owner",
        OWNER,
        "--doc-type",
        "other",
        "--owner-name",
        &unicode_nfd("Nguyễn Văn Đức"),
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines = run.json_lines();
    let names: Vec<String> = lines
        .iter()
        .map(|l| {
            l["file"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["a.pdf", "2.png", "Giấy khai sinh Đức.pdf"]);
    let shown = kho
        .run(["show", lines[2]["id"].as_str().unwrap(), "--json"])
        .json();
    assert_eq!(shown["source_name"], "Giấy khai sinh Đức.pdf");
    assert_eq!(shown["owner_name"], "Nguyễn Văn Đức");
}

/// NFD without a normalization crate: the few letters these tests use, decomposed by hand.
fn unicode_nfd(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ấ' => "a\u{302}\u{301}".to_string(),
            'ễ' => "e\u{302}\u{303}".to_string(),
            'ă' => "a\u{306}".to_string(),
            'ứ' => "u\u{31b}\u{301}".to_string(),
            'ồ' => "o\u{302}\u{300}".to_string(),
            'ơ' => "o\u{31b}".to_string(),
            other => other.to_string(),
        })
        .collect()
}

#[test]
fn usage_errors_exit_2() {
    let kho = Kho::new();
    assert_eq!(kho.run(["ingest"]).code, 2);
    assert_eq!(kho.run(["ingest", "x.pdf"]).code, 2, "no owner or type");
    assert_eq!(
        kho.run([
            "ingest",
            "x.pdf",
            "--owner",
            OWNER,
            "--doc-type",
            "other",
            "--bogus"
        ])
        .code,
        2
    );
    assert_eq!(kho.run(["frobnicate"]).code, 2);
    let unknown = kho.run(["show", "nosuchid"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("no document with id nosuchid"));
}

#[test]
fn types_lists_the_domain_table() {
    let kho = Kho::new();
    let run = kho.run(["types"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("land_use_right_certificate"));
    assert!(run.stdout.contains("Giấy chứng nhận kết hôn"));
}

#[test]
fn text_is_extracted_at_ingest_and_shown_with_text() {
    let kho = Kho::new();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let manifest = corpus.join("manifest.csv");
    let run = kho.run(["ingest", "--manifest", manifest.to_str().unwrap(), "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines = run.json_lines();
    let by_file = |name: &str| lines.iter().find(|l| l["file"] == name).unwrap().clone();
    let pdf = by_file("giay-khai-sinh-nguyen-van-duc.pdf");
    assert_eq!(pdf["text_source"], "text_layer");
    assert_eq!(pdf["ocr_confidence"], serde_json::Value::Null);
    let scan = by_file("giay-chung-nhan-ket-hon-tran-thi-thuy.png");
    assert_eq!(scan["text_source"], "ocr");
    assert!(scan["ocr_confidence"].as_f64().unwrap() > 80.0);

    let tiff = by_file("giay-chung-nhan-dang-ky-doanh-nghiep-hoa-binh.tif");
    let shown = kho
        .run(["show", tiff["id"].as_str().unwrap(), "--text", "--json"])
        .json();
    let pages = shown["page_texts"].as_array().unwrap();
    assert_eq!(pages.len(), 2);
    assert!(
        pages[1].as_str().unwrap().contains("Vốn điều lệ"),
        "{}",
        pages[1]
    );
    assert_eq!(shown["text"].as_str().unwrap().split('\u{c}').count(), 2);
    assert_eq!(shown["page_details"][0]["source"], "ocr");

    // Re-extraction rewrites the texts, never the original bytes.
    let before = kho.run(["verify", "--json"]).json();
    let re = kho.run(["reextract", tiff["id"].as_str().unwrap(), "--json"]);
    assert_eq!(re.code, 0, "{}", re.stderr);
    assert_eq!(re.json_lines()[0]["status"], "reextracted");
    let after = kho.run(["verify", "--json"]).json();
    assert_eq!(after["bytes_checked"], before["bytes_checked"]);
    assert_eq!(after["corrupt"].as_array().unwrap().len(), 0);
    let again = kho
        .run(["show", tiff["id"].as_str().unwrap(), "--text", "--json"])
        .json();
    assert_eq!(again["page_texts"], shown["page_texts"]);
    // ... and leaves its trace in the document's history: who, which pages, the text source
    // before and after.
    let archive = archive_core::Archive::open(kho.data.path()).unwrap();
    let document = archive
        .read_document(
            &schemas::Caller::local_operator("test"),
            tiff["id"].as_str().unwrap(),
            &Default::default(),
        )
        .unwrap();
    let reextracted: Vec<_> = document
        .history()
        .iter()
        .filter(|e| e.event.action == schemas::Action::Reextract)
        .collect();
    assert_eq!(reextracted.len(), 1, "{:?}", document.history());
    let event = &reextracted[0].event;
    assert!(event.actor.name.starts_with("cli:"), "{event:?}");
    let detail = event.detail.as_deref().unwrap_or_default();
    assert!(
        detail.contains("of 2") && detail.contains("text source ocr -> ocr"),
        "{detail}"
    );
}

#[test]
fn a_store_in_use_by_another_process_is_refused_with_a_clear_message() {
    let kho = Kho::new();
    assert_eq!(kho.run(["types"]).code, 0, "creates the store");
    // Another process holds the catalogue's lock, as a running `kho serve` would.
    kho.assert_refused_while_in_use(&["types"]);
}
