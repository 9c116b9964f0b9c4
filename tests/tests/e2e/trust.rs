//! Trust end to end through the binary: a PDF signed by another tool is stored with its
//! signatures, anchors change what they say, `--signed` finds them, hostile signature
//! dictionaries are stored with a status, and `kho certify` / `kho verify-copy` close the loop.

use kho_tests::pki::{Pki, P12_PASSWORD};
use kho_tests::{fixtures, Kho};
use std::path::Path;

const OWNER: &str = "049075001234";

fn ingest(kho: &Kho, file: &Path) -> serde_json::Value {
    let run = kho.run([
        "ingest",
        file.to_str().unwrap(),
        "--owner",
        OWNER,
        "--owner-name",
        "Nguyễn Văn Đức",
        "--doc-type",
        "birth_certificate",
        "--issuer",
        "UBND xã Núi Thành",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json_lines().remove(0)
}

fn show(kho: &Kho, id: &str) -> serde_json::Value {
    let run = kho.run(["show", id, "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()
}

fn statuses(record: &serde_json::Value) -> Vec<String> {
    record["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap().to_string())
        .collect()
}

fn signed_valid(kho: &Kho) -> Vec<String> {
    let run = kho.run(["search", "--signed", "valid", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.json()["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn signatures_follow_the_trust_anchors_and_the_bytes() {
    let pki = Pki::new();
    let kho = Kho::new();
    let unsigned = pki.path("unsigned.pdf");
    std::fs::write(&unsigned, fixtures::pdf(1, "Giấy khai sinh ký số")).unwrap();
    let signed = pki.path("signed.pdf");
    pki.pyhanko_sign(&unsigned, &signed);

    // No anchors yet: a good signature by an unknown issuer.
    let id = ingest(&kho, &signed)["id"].as_str().unwrap().to_string();
    let record = show(&kho, &id);
    assert_eq!(statuses(&record), ["untrusted"]);
    let sig = &record["signatures"][0];
    assert_eq!(sig["signer"], "Bộ phận Một cửa xã Núi Thành");
    assert_eq!(sig["organization"], "UBND xã Núi Thành");
    assert_eq!(sig["covers_whole_file"], true);
    assert!(sig["signed_at"].is_string());
    assert!(signed_valid(&kho).is_empty());

    // Trusting the root makes it valid, in the record and in search; audited.
    let add = kho.run([
        "trust",
        "add",
        pki.ca_pem().to_str().unwrap(),
        "--name",
        "test-root",
    ]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    assert!(
        add.stdout.contains("1 document(s) changed status"),
        "{}",
        add.stdout
    );
    assert_eq!(statuses(&show(&kho, &id)), ["valid"]);
    assert_eq!(signed_valid(&kho), vec![id.clone()]);
    let list = kho.run(["trust", "list", "--json"]);
    assert_eq!(list.json()[0]["name"], "test-root");
    assert_eq!(
        kho.run(["trust", "add", pki.ca_pem().to_str().unwrap()])
            .code,
        1
    );

    // One byte changed inside the signed range, an update appended: each its own status, and
    // both files are still stored.
    let bytes = std::fs::read(&signed).unwrap();
    // The page's words, "trang 1" -> "trang 2": the file still opens, it just says otherwise.
    let mut changed = bytes.clone();
    let at = bytes.windows(7).position(|w| w == b"trang 1").unwrap() + 6;
    changed[at] = b'2';
    std::fs::write(pki.path("changed.pdf"), &changed).unwrap();
    let changed_id = ingest(&kho, &pki.path("changed.pdf"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(statuses(&show(&kho, &changed_id)), ["invalid"]);
    let mut updated = bytes.clone();
    updated.extend_from_slice(b"\n99 0 obj\n(added after signing)\nendobj\n");
    std::fs::write(pki.path("updated.pdf"), &updated).unwrap();
    let updated_id = ingest(&kho, &pki.path("updated.pdf"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let record = show(&kho, &updated_id);
    assert_eq!(statuses(&record), ["partial"]);
    assert_eq!(record["signatures"][0]["covers_whole_file"], false);

    // Removing the anchor: untrusted again, and the change is in the owner's ledger.
    let remove = kho.run(["trust", "remove", "test-root"]);
    assert_eq!(remove.code, 0, "{}", remove.stderr);
    assert_eq!(statuses(&show(&kho, &id)), ["untrusted"]);
    assert!(signed_valid(&kho).is_empty());
    assert_eq!(kho.run(["trust", "remove", "test-root"]).code, 1);
}

#[test]
fn hostile_signature_dictionaries_are_stored_with_a_status() {
    let kho = Kho::new();
    let dir = tempfile::tempdir().unwrap();
    // A real PDF with signature dictionaries appended that lie in every way the issue lists.
    let mut pdf = fixtures::pdf(1, "giả mạo");
    let lies = [
        "<</Type/Sig/SubFilter/adbe.pkcs7.detached/ByteRange [0 10 999999999 10]/Contents <00>>>",
        "<</Type/Sig/SubFilter/adbe.pkcs7.detached/ByteRange [0 500 100 10]/Contents <00>>>",
        "<</Type/Sig/SubFilter/adbe.pkcs7.sha1/ByteRange [0 1 2 1]/Contents <00>>>",
    ];
    for (i, lie) in lies.iter().enumerate() {
        pdf.extend_from_slice(format!("\n{} 0 obj\n{lie}\nendobj\n", 900 + i).as_bytes());
    }
    let file = dir.path().join("lies.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let line = ingest(&kho, &file);
    assert_eq!(line["status"], "stored");
    let record = show(&kho, line["id"].as_str().unwrap());
    let sigs = record["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 3);
    let details: Vec<&str> = sigs.iter().map(|s| s["detail"].as_str().unwrap()).collect();
    assert!(details[0].contains("outside the file"), "{details:?}");
    assert!(details[1].contains("overlap"), "{details:?}");
    assert_eq!(sigs[0]["status"], "invalid");
    let bad = kho.run(["search", "--signed", "maybe"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn certify_then_verify_copy() {
    let pki = Pki::new();
    let kho = Kho::new();
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("scan.jpg");
    std::fs::write(&scan, fixtures::jpeg(827, 1170, 9)).unwrap();
    let id = ingest(&kho, &scan)["id"].as_str().unwrap().to_string();
    assert_eq!(
        kho.run(["trust", "add", pki.ca_pem().to_str().unwrap()])
            .code,
        0
    );

    let copy = dir.path().join("copy.pdf");
    let run = kho
        .command()
        .args([
            "certify",
            &id,
            "-o",
            copy.to_str().unwrap(),
            "--json",
            "--key",
        ])
        .arg(pki.agency_p12())
        .args(["--dossier", "000.00.00.H47-240501-0001"])
        .env("KHO_SIGNING_PASSWORD", P12_PASSWORD)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let issued: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let code = issued["code"].as_str().unwrap();
    assert_eq!(issued["agency"], "UBND xã Núi Thành");
    let report = pki.pdfsig(&copy);
    assert!(
        report.contains("Signature is Valid") && report.contains("Total document signed"),
        "{report}"
    );

    // The copy is listed on the document.
    let record = show(&kho, &id);
    assert_eq!(record["certified_copies"][0]["code"], code);

    // Checking it: issued here, unchanged, valid; its signature valid with the anchor.
    let check = kho.run(["verify-copy", copy.to_str().unwrap(), "--json"]);
    assert_eq!(check.code, 0, "{}\n{}", check.stdout, check.stderr);
    let check = check.json();
    assert_eq!(check["issued_here"], true);
    assert_eq!(check["copy"]["state"], "valid");
    assert_eq!(check["copy"]["owner_hint"], "N.V.Đ., ***234");
    assert_eq!(check["signatures"][0]["status"], "valid");
    let text = check.to_string();
    assert!(!text.contains("Nguyễn") && !text.contains(OWNER), "{text}");

    // A changed copy is not one kho issued.
    let mut bytes = std::fs::read(&copy).unwrap();
    bytes[40] ^= 1;
    let changed = dir.path().join("changed.pdf");
    std::fs::write(&changed, &bytes).unwrap();
    let check = kho.run(["verify-copy", changed.to_str().unwrap(), "--json"]);
    assert_eq!(check.code, 1);
    assert_eq!(check.json()["issued_here"], false);

    // A wrong password is a usage error naming the file.
    let run = kho
        .command()
        .args(["certify", &id, "-o", copy.to_str().unwrap(), "--key"])
        .arg(pki.agency_p12())
        .env("KHO_SIGNING_PASSWORD", "sai")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("wrong password"));
}
