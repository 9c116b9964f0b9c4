//! The operator's stack upload in a real browser against a real `kho serve`: a stack made of
//! `kho sheets` pages, scanned-looking pages and a blank back goes up, the split plan comes
//! back and nothing is stored until the operator confirms; then the documents are stored and
//! the run is in the batch list. Its own server, so that the batches of web.rs stay as they are.

use kho_tests::browser::Browser;
use kho_tests::http::{Request, Served};
use kho_tests::Kho;

const ENTER: &str = "\u{E007}";
const TAB: &str = "\u{E004}";

#[test]
fn an_operator_sees_the_split_plan_before_the_stack_is_stored() {
    let kho = Kho::new();
    let dir = tempfile::tempdir().unwrap();
    let stack = kho_tests::stacks::stack(&kho, dir.path());
    kho.add_user("phongscan", "operator", &[], "mật-khẩu-phòng-scan");
    let clerk = kho.token("clerk", &["--agency", "H47.15"]);
    let operator = kho.token("operator", &[]);
    let served = Served::start(kho);
    let stack_bytes = std::fs::read(&stack).unwrap();
    let browser = Browser::start(&served.addr);
    browser.goto("/login");
    browser.find("#username").fill("phongscan");
    browser.keys(TAB);
    browser.focused().send("mật-khẩu-phòng-scan");
    browser.navigating(|| browser.keys(ENTER));
    browser.find("header .who");

    browser.navigating(|| browser.find("a[href='/upload/stack']").click());
    browser.find("#file").send(stack.to_str().unwrap());
    browser.find("#max_pages").fill("10");
    browser.navigating(|| browser.find("form.upload button").click());
    let summary = browser.find("#ke-hoach-chia").text();
    assert!(
        summary.contains("6 trang") && summary.contains("Sẽ lưu 2 giấy tờ"),
        "{summary}"
    );
    let rows = browser.texts("#cac-phan tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[0].contains("049075001234") && rows[0].contains("2, 3"),
        "{rows:?}"
    );
    assert!(rows[1].contains("Trần Thị Thủy"), "{rows:?}");
    browser.screenshot("operator-stack-plan");

    // Nothing is stored yet: the batch list is empty.
    browser.goto("/batches");
    assert!(browser.find("main").text().contains("Chưa có lô nào"));
    browser.goto("/upload/stack");
    browser.find("#file").send(stack.to_str().unwrap());
    browser.navigating(|| browser.find("form.upload button").click());
    browser.navigating(|| browser.find("#xac-nhan").click());
    let done = browser.find("#ket-qua-chia").text();
    assert!(done.contains("Đã lưu 2 giấy tờ"), "{done}");
    browser.goto("/batches");
    let batches = browser.texts("table.batches tbody tr");
    assert_eq!(batches.len(), 1, "{batches:?}");
    assert!(batches[0].contains("chong-ho-so.pdf"), "{batches:?}");

    // The same services over the API: only operators keep or split stacks (a clerk's refusal
    // is 403 on both routes), and a sha256 that names no kept stack is 404, even that of a
    // stored document's original.
    let plan = served.send(
        Request::new("POST", "/api/v1/stacks")
            .bearer(Some(&clerk))
            .multipart(&[], "chong-ho-so.pdf", &stack_bytes),
    );
    assert_eq!(plan.status, 403, "{}", plan.text());
    let kept_sha = kho_tests::sha256_hex(&stack_bytes);
    let split = served.post(
        &format!("/api/v1/stacks/{kept_sha}/split"),
        Some(&clerk),
        &serde_json::json!({}),
    );
    assert_eq!(split.status, 403, "{}", split.text());
    let unknown = served.post(
        &format!("/api/v1/stacks/{}/split", "0".repeat(64)),
        Some(&operator),
        &serde_json::json!({}),
    );
    assert_eq!(unknown.status, 404, "{}", unknown.text());
    let documents = served.get("/api/v1/owners/049075001234/documents", Some(&operator));
    assert_eq!(documents.status, 200, "{}", documents.text());
    let listed = documents.json();
    let document_sha = listed["documents"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    // Each document cut from the stack says where it came from.
    let provenance = &listed["documents"][0]["provenance"];
    assert_eq!(provenance["stack_sha256"], kept_sha.as_str(), "{listed}");
    assert!(provenance["first_page"].as_u64().is_some(), "{listed}");
    let not_a_stack = served.post(
        &format!("/api/v1/stacks/{document_sha}/split"),
        Some(&operator),
        &serde_json::json!({}),
    );
    assert_eq!(not_a_stack.status, 404, "{}", not_a_stack.text());
}
