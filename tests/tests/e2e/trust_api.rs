//! Trust over HTTP against `kho serve --signing-key`: admins manage anchors, a clerk issues a
//! certified copy for a dossier, anyone checks it at /verify (page and JSON, by code and by file)
//! without signing in and without seeing personal data, a revocation shows, every check is in
//! the owner's ledger, and checks are rate-limited.

use kho_tests::http::{Request, Served};
use kho_tests::pki::{Pki, P12_PASSWORD};
use kho_tests::{fixtures, Kho};

const DUC: &str = "049075001234";
const NAME: &str = "Nguyễn Văn Đức";
const DOSSIER: &str = "000.00.00.H47-261120-0007";

#[test]
fn certify_verify_revoke_over_http() {
    let pki = Pki::new();
    let mut kho = Kho::new();
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("giay-khai-sinh.pdf");
    let unsigned = dir.path().join("unsigned.pdf");
    std::fs::write(&unsigned, fixtures::pdf(2, "Giấy khai sinh bản chính")).unwrap();
    pki.pyhanko_sign(&unsigned, &scan);
    let run = kho.run([
        "ingest",
        scan.to_str().unwrap(),
        "--owner",
        DUC,
        "--owner-name",
        NAME,
        "--doc-type",
        "birth_certificate",
        "--issuer",
        "UBND xã Núi Thành",
        "--issued-on",
        "2020-01-02",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run.json_lines()[0]["id"].as_str().unwrap().to_string();
    let admin = kho.token("admin", &[]);
    let operator = kho.token("operator", &[]);
    let clerk = kho.token("clerk", &["--agency", "H47.15"]);
    let citizen = kho.token("citizen", &["--owner", DUC]);
    kho.env
        .push(("KHO_SIGNING_PASSWORD".into(), P12_PASSWORD.into()));
    let key = pki.agency_p12();
    let served = Served::start_with(
        kho,
        &[
            "--signing-key",
            key.to_str().unwrap(),
            "--verify-per-minute",
            "12",
        ],
    );

    // The signature is untrusted until an admin adds the anchor; clerks may not.
    let doc = served
        .get(&format!("/api/v1/documents/{id}"), Some(&operator))
        .json();
    assert_eq!(doc["signatures"][0]["status"], "untrusted", "{doc}");
    let pem = std::fs::read_to_string(pki.ca_pem()).unwrap();
    let body = serde_json::json!({"name": "test-root", "certificate_pem": pem});
    assert_eq!(
        served
            .post("/api/v1/trust-anchors", Some(&clerk), &body)
            .status,
        403
    );
    let added = served.post("/api/v1/trust-anchors", Some(&admin), &body);
    assert_eq!(added.status, 201, "{}", added.text());
    assert_eq!(added.json()["changed_documents"], 1);
    let doc = served
        .get(&format!("/api/v1/documents/{id}"), Some(&operator))
        .json();
    assert_eq!(doc["signatures"][0]["status"], "valid");
    assert_eq!(doc["signatures"][0]["organization"], "UBND xã Núi Thành");
    // The document page shows the badge (a session cookie takes any token).
    let page = Request::new("GET", &format!("/documents/{id}"))
        .header("Cookie", &format!("kho_session={operator}"))
        .send(&served.addr);
    assert!(
        page.text().contains("Đã ký số: UBND xã Núi Thành — hợp lệ"),
        "{}",
        page.text()
    );
    let found = served
        .get("/api/v1/search?signed=valid", Some(&operator))
        .json();
    assert_eq!(found["total"], 1, "{found}");

    // A clerk must name a dossier; with one, the copy comes back signed.
    let path = format!("/api/v1/documents/{id}/certified-copies");
    let refused = served.post(&path, Some(&clerk), &serde_json::json!({}));
    assert_eq!(refused.status, 422, "{}", refused.text());
    let copy = served.post(
        &path,
        Some(&clerk),
        &serde_json::json!({"dossier_code": DOSSIER, "purpose": "Cấp bản sao cho ngân hàng"}),
    );
    assert_eq!(copy.status, 201, "{}", copy.text());
    assert_eq!(copy.header("content-type"), Some("application/pdf"));
    let code = copy.header("x-verification-code").unwrap().to_string();
    let copy_path = dir.path().join("copy.pdf");
    std::fs::write(&copy_path, &copy.body).unwrap();
    let report = pki.pdfsig(&copy_path);
    assert!(
        report.contains("Signature is Valid") && report.contains("Total document signed"),
        "{report}"
    );
    let listed = served
        .get(
            &format!("{path}?dossier_code={DOSSIER}&purpose=xem"),
            Some(&clerk),
        )
        .json();
    assert_eq!(listed["copies"][0]["code"], code.as_str());
    assert_eq!(listed["copies"][0]["dossier_code"], DOSSIER);

    // Anyone: JSON by code, the page by code, JSON by file; none shows the name or the ID.
    let json = Request::new("GET", &format!("/verify/{code}"))
        .header("Accept", "application/json")
        .send(&served.addr);
    assert_eq!(json.status, 200, "{}", json.text());
    // The state can change (revoked): no cache answers for the store.
    assert_eq!(json.header("cache-control"), Some("no-store"));
    let answer = json.json();
    assert_eq!(answer["copy"]["state"], "valid");
    assert_eq!(answer["copy"]["certified_by"], "UBND xã Núi Thành");
    assert_eq!(
        answer["copy"]["copy_sha256"],
        kho_tests::sha256_hex(&copy.body)
    );
    assert_eq!(answer["copy"]["owner_hint"], "N.V.Đ., ***234");
    let page = Request::new(
        "GET",
        &format!("/verify/{}", code.to_lowercase().replace('-', "")),
    )
    .header("Accept", "text/html,application/xhtml+xml")
    .send(&served.addr);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("Còn hiệu lực") && html.contains("Giấy khai sinh"),
        "{html}"
    );
    for answer_text in [json.text(), html.clone()] {
        for secret in [NAME, DUC, "Nguyen", "Đức"] {
            assert!(
                !answer_text.contains(secret),
                "{secret} in a public answer: {answer_text}"
            );
        }
    }
    let by_file = Request::new("POST", "/verify")
        .header("Accept", "application/json")
        .header("Content-Type", "application/pdf")
        .body(copy.body.clone())
        .send(&served.addr)
        .json();
    assert_eq!(by_file["issued_here"], true);
    let mut changed = copy.body.clone();
    changed[50] ^= 1;
    let by_file = Request::new("POST", "/verify")
        .header("Accept", "application/json")
        .body(changed)
        .send(&served.addr)
        .json();
    assert_eq!(by_file["issued_here"], false);
    assert_eq!(served.get("/verify/ZZZZZ-ZZZZZ", None).status, 404);

    // Revoked: the public answer says so.
    let revoked = served.post(
        &format!("/api/v1/documents/{id}/revoke"),
        Some(&operator),
        &serde_json::json!({"reason": "Cấp sai thông tin"}),
    );
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    let json = Request::new("GET", &format!("/verify/{code}"))
        .header("Accept", "application/json")
        .send(&served.addr)
        .json();
    assert_eq!(json["copy"]["state"], "revoked");
    let page = Request::new("GET", &format!("/verify/{code}"))
        .header("Accept", "text/html")
        .send(&served.addr);
    assert!(page.text().contains("Đã thu hồi"), "{}", page.text());

    // The owner sees the copy and every check in their ledger.
    let ledger = served
        .get(
            &format!("/api/v1/owners/{DUC}/ledger?limit=1000"),
            Some(&citizen),
        )
        .json();
    let actions: Vec<&str> = ledger["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "certify").count(),
        1,
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| **a == "verify_copy").count(),
        5,
        "{actions:?}"
    );

    // Rate limit: 12 checks a minute per address, then 429 (7 made so far).
    let statuses: Vec<u16> = (0..10)
        .map(|_| served.get(&format!("/verify/{code}"), None).status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        5,
        "{statuses:?}"
    );
}
