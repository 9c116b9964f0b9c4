//! The operator's upload in a real browser (issue #19): once a scan is chosen, kho reads it
//! (OCR, nothing stored) and fills the empty fields with what its text says, each marked as a
//! suggestion to check; dates are typed dd/mm/yyyy; revoking asks for a confirmation first; a
//! successor is picked among the owner's active documents, not typed as an id. The
//! API's upload answer carries the same suggestions.

use kho_tests::browser::Browser;
use kho_tests::http::{Request, Served};
use kho_tests::{corpus, Kho};

const ENTER: &str = "\u{E007}";
const SCAN: &str = "giay-xac-nhan-tinh-trang-hon-nhan-pham-thi-hoa.jpg";
const HOA: &str = "001196054321";

fn value(browser: &Browser, css: &str) -> String {
    browser
        .find(css)
        .property("value")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn upload_suggestions_a_confirmed_revocation_and_a_successor_picked_by_words() {
    let kho = Kho::new();
    kho.add_user("vanhanh", "operator", &[], "mật-khẩu-vanhanh");
    let token = kho.token("operator", &[]);
    let served = Served::start(kho);
    let browser = Browser::start(&served.addr);
    browser.sign_in("vanhanh", "mật-khẩu-vanhanh");
    browser.goto("/upload");

    // Dates are text typed dd/mm/yyyy, never the browser's date picker.
    assert_eq!(
        browser.find("#issued_on").attribute("type").as_deref(),
        Some("text")
    );
    assert_eq!(
        browser
            .find("#issued_on")
            .attribute("placeholder")
            .as_deref(),
        Some("dd/mm/yyyy")
    );
    assert!(!browser.exists("input[type=date]"));

    // The operator typed a title already: a suggestion never overwrites what was typed.
    browser
        .find("#title")
        .fill("Xác nhận tình trạng hôn nhân của chị Hoa");
    browser.choose_file_for_suggestions(&corpus().join(SCAN));
    let status = browser.find("#goi-y").text();
    assert!(status.contains("gợi ý"), "{status}");
    assert_eq!(value(&browser, "#owner_id"), HOA, "{status}");
    assert_eq!(value(&browser, "#owner_name"), "Phạm Thị Hoa");
    assert_eq!(value(&browser, "#doc_number"), "207/XNTTHN");
    // The scan has no letterhead: no issuer is made up.
    assert_eq!(value(&browser, "#issuer"), "");
    for field in ["owner_id", "owner_name", "doc_number"] {
        let class = browser.find(&format!("#{field}")).attribute("class");
        assert!(class.unwrap_or_default().contains("suggested"), "{field}");
        assert!(browser
            .find(&format!("#goi-y-{field}"))
            .text()
            .contains("Gợi ý từ nội dung tệp"));
    }
    assert_eq!(
        value(&browser, "#title"),
        "Xác nhận tình trạng hôn nhân của chị Hoa"
    );
    // Correcting a suggestion takes its mark away.
    browser.find("#doc_number").fill("207/XNTTHN-2026");
    assert!(!browser.exists("#goi-y-doc_number"));
    browser.screenshot("operator-upload-suggestions");

    browser
        .find("#doc_type option[value='marital_status_confirmation']")
        .click();
    browser.find("#issued_on").fill("01/09/2026");
    browser.navigating(|| browser.find("form.upload button").click());
    let stored = browser.find("#ket-qua-tai-len").text();
    assert!(stored.contains("Đã lưu"), "{stored}");
    let document_link = browser
        .find("#ket-qua-tai-len a")
        .attribute("href")
        .unwrap_or_default();
    // The web upload is listed with the batches, as a batch of one.
    browser.goto("/batches");
    let rows = browser.texts("table.batches tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains(&format!("tải lên: {SCAN}")), "{rows:?}");
    browser.goto(&document_link);
    let metadata = browser.find("dl.metadata").text();
    assert!(metadata.contains("01/09/2026"), "{metadata}");
    assert!(metadata.contains("207/XNTTHN-2026"), "{metadata}");
    let document = browser.path();

    // Revoking asks first; "Hủy" leaves the document as it was.
    browser.find("#revoke_reason").fill("Cấp nhầm người");
    browser.navigating(|| {
        browser.find("#revoke_reason").send(ENTER);
    });
    let ask = browser.find("#xac-nhan-vong-doi").text();
    assert!(
        ask.contains("không hoàn tác được") && ask.contains("Cấp nhầm người"),
        "{ask}"
    );
    browser.screenshot("operator-revoke-confirmation");
    browser.navigating(|| browser.find("#huy").click());
    assert_eq!(browser.path(), document);
    assert!(!browser.find("p.state").text().contains("Đã thu hồi"));
    // Confirmed, it is revoked.
    browser.find("#revoke_reason").fill("Cấp nhầm người");
    browser.navigating(|| {
        browser.find("#revoke_reason").send(ENTER);
    });
    browser.navigating(|| browser.find("#xac-nhan").click());
    assert!(browser.find("p.state .badge").text().contains("Đã thu hồi"));

    // The API's upload answer carries what the text suggests.
    let bytes = std::fs::read(corpus().join("giay-khai-sinh-nguyen-van-duc.pdf")).unwrap();
    let answer = served.send(
        Request::new("POST", "/api/v1/documents")
            .bearer(Some(&token))
            .multipart(
                &[
                    ("owner_id", "049075001234"),
                    ("doc_type", "birth_certificate"),
                ],
                "giay-khai-sinh.pdf",
                &bytes,
            ),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    let suggestions = &answer.json()["suggestions"];
    assert_eq!(suggestions["owner_ids"][0], "049075001234", "{suggestions}");
    assert_eq!(suggestions["doc_number"], "12/KS-1975", "{suggestions}");
    assert_eq!(suggestions["owner_name"], "Nguyễn Văn Đức", "{suggestions}");
    let old = answer.json()["id"].as_str().unwrap().to_string();

    // Superseding: the successor is picked among the owner's active documents, by words.
    for (title, number) in [
        ("Giấy khai sinh (bản cấp lại)", "12/KS-2026"),
        ("Giấy phép xây dựng", "9/GPXD"),
    ] {
        let answer = served.send(
            Request::new("POST", "/api/v1/documents")
                .bearer(Some(&token))
                .multipart(
                    &[
                        ("owner_id", "049075001234"),
                        (
                            "doc_type",
                            if number.contains("KS") {
                                "birth_certificate"
                            } else {
                                "construction_permit"
                            },
                        ),
                        ("title", title),
                        ("doc_number", number),
                    ],
                    &format!("{number}.pdf").replace('/', "-"),
                    &kho_tests::fixtures::pdf(1, number),
                ),
        );
        assert_eq!(answer.status, 201, "{}", answer.text());
    }
    browser.goto(&format!("/documents/{old}"));
    assert!(!browser.exists("#successor"), "no internal id to type");
    browser.navigating(|| browser.find("#chon-thay-the").click());
    assert_eq!(
        browser.texts("input[name=successor]").len(),
        2,
        "both other documents"
    );
    browser.find("#q").fill("ban cap lai");
    browser.navigating(|| browser.find("form.search button").click());
    let offered = browser.texts("fieldset label");
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert!(offered[0].contains("12/KS-2026"), "{offered:?}");
    browser.screenshot("operator-successor-picker");
    browser.navigating(|| browser.find("form.inline button[type=submit]").click());
    assert!(browser
        .find("#xac-nhan-vong-doi")
        .text()
        .contains("Thay thế"));
    browser.navigating(|| browser.find("#xac-nhan").click());
    assert!(browser.find("p.lifecycle").text().contains("Được thay thế"));
    browser.navigating(|| browser.find("p.lifecycle a").click());
    assert!(browser.find("dl.metadata").text().contains("12/KS-2026"));
}
