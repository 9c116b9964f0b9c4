//! `kho ingest --manifest`: good rows stored, bad rows reported with their line and reason.

use kho_tests::{fixtures, Kho};
use std::fs;

#[test]
fn good_rows_are_stored_and_bad_rows_named_by_line() {
    let kho = Kho::new();
    let batch = tempfile::tempdir().unwrap();
    let dir = batch.path();
    fs::create_dir_all(dir.join("scans")).unwrap();
    fs::write(dir.join("scans/ks.pdf"), fixtures::pdf(2, "khai sinh")).unwrap();
    fs::write(dir.join("scans/dkdn.tif"), fixtures::tiff(3, 7)).unwrap();
    fs::write(dir.join("scans/kh.jpg"), fixtures::jpeg(80, 60, 5)).unwrap();
    fs::write(dir.join("scans/bad-date.png"), fixtures::png(20, 20, 5)).unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("secret.pdf"),
        fixtures::pdf(1, "secret"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.pdf"),
        dir.join("scans/link.pdf"),
    )
    .unwrap();
    let manifest = "\u{feff}file,owner_id,owner_name,doc_type,title,issuer,issued_on,valid_until,dossier_code,procedure_code,result_code,doc_number,scanner\n\
        scans/ks.pdf,049075001234,Nguyễn Văn Đức,birth_certificate,,UBND xã Tam Xuân,12/03/1975,,,1.001193,,12/KS,A\n\
        scans\\dkdn.tif,0100109106,Công ty TNHH Hòa Bình,enterprise_registration,,Sở Kế hoạch và Đầu tư,2020-06-01,,000.00.00.H47-200601-0001,,000.00.00.H47-200601-0001-KQ1,,B\n\
        scans/kh.jpg,079305000001,\"Trần Thị Thuý, Lê Văn An\",marriage_certificate,,,,,,,,,C\n\
        scans/bad-date.png,049075001234,,other,,,2023-02-29,,,,,,D\n\
        scans/missing.pdf,049075001234,,other,,,,,,,,,E\n\
        ../outside.pdf,049075001234,,other,,,,,,,,,F\n\
        /etc/passwd,049075001234,,other,,,,,,,,,G\n\
        scans/link.pdf,049075001234,,other,,,,,,,,,H\n\
        scans/ks.pdf,049075001234,,birth_certificate,,,,,,,,,I\n\
        scans/kh.jpg,049075001234\n";
    let manifest_path = dir.join("batch.csv");
    fs::write(&manifest_path, manifest).unwrap();

    let run = kho.run([
        "ingest",
        "--manifest",
        manifest_path.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("scanner"),
        "unknown column warned about: {}",
        run.stderr
    );
    let lines = run.json_lines();
    assert_eq!(lines.len(), 10);
    let status: Vec<&str> = lines
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert_eq!(&status[..3], ["stored", "stored", "stored"]);
    assert!(status[3..].iter().all(|s| *s == "rejected"), "{status:?}");
    let error = |i: usize| lines[i]["error"].as_str().unwrap().to_string();
    let expect = [
        (3, 5, "not a real date"),
        (4, 6, "no such file"),
        (5, 7, "leaves the root"),
        (6, 8, "absolute path"),
        (7, 9, "outside the root"),
        (8, 10, "same file as line 2"),
        (9, 11, "2 cells"),
    ];
    for (i, line, text) in expect {
        assert_eq!(lines[i]["line"], line, "{}", error(i));
        assert!(
            error(i).starts_with(&format!("line {line}:")),
            "{}",
            error(i)
        );
        assert!(error(i).contains(text), "line {line}: {}", error(i));
    }
    let enterprise = kho
        .run(["show", lines[1]["id"].as_str().unwrap(), "--json"])
        .json();
    assert_eq!(enterprise["pages"], 3);
    assert_eq!(enterprise["dossier_code"], "000.00.00.H47-200601-0001");
    assert_eq!(enterprise["owner_name"], "Công ty TNHH Hòa Bình");
    let birth = kho
        .run(["show", lines[0]["id"].as_str().unwrap(), "--json"])
        .json();
    assert_eq!(birth["issued_on"], "1975-03-12");
    assert_eq!(birth["procedure_code"], "1.001193");
    assert_eq!(birth["doc_number"], "12/KS");

    // The same batch again: nothing is stored twice.
    let again = kho.run([
        "ingest",
        "--manifest",
        manifest_path.to_str().unwrap(),
        "--json",
    ]);
    let status: Vec<String> = again
        .json_lines()
        .iter()
        .map(|l| l["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(&status[..3], ["duplicate", "duplicate", "duplicate"]);
    assert_eq!(kho.run(["verify", "--json"]).json()["records"], 3);
}

#[test]
fn an_unusable_manifest_is_an_error_with_its_reason() {
    let kho = Kho::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.csv");
    fs::write(&path, "file,owner\na.pdf,1\n").unwrap();
    let run = kho.run(["ingest", "--manifest", path.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("owner_id, doc_type"), "{}", run.stderr);
    let flags = kho.run([
        "ingest",
        "--manifest",
        path.to_str().unwrap(),
        "--owner",
        "049075001234",
    ]);
    assert_eq!(flags.code, 2, "metadata flags do not mix with a manifest");
}
