//! The web UI in a real browser (headless Chromium through chromedriver) against a real
//! `kho serve`: a clerk signs in, searches without diacritics, opens a document and reuses it in
//! a dossier; the citizen sees that read in their ledger; a citizen who types another's document
//! address is refused; an operator uploads and reads a batch report. The screenshots of
//! docs/screenshots/ come from these tests (`KHO_UPDATE_SCREENSHOTS=1`). Cookie and CSRF rules
//! are checked at the HTTP level, where the exact headers can be seen.

use kho_tests::browser::Browser;
use kho_tests::http::{Request, Served};
use kho_tests::Kho;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const DUC: &str = "049075001234";
const THUY: &str = "079305000001";
const DOSSIER: &str = "000.00.01.H47-261127-0042";
const PURPOSE: &str = "Đối chiếu khi cấp đổi giấy chứng nhận";
const ENTER: &str = "\u{E007}";
const TAB: &str = "\u{E004}";

struct World {
    served: Served,
    docs: BTreeMap<String, String>,
    _inputs: tempfile::TempDir,
}

const USERS: [(&str, &str, &[&str]); 5] = [
    ("vanhanh", "operator", &[]),
    ("canbo", "clerk", &["--agency", "H47.15"]),
    // A second clerk of the same province for the dossier tests: every sign-in counts against a
    // name's throttle, and `canbo` has a wrong password in its test.
    ("canbo2", "clerk", &["--agency", "H47.15"]),
    ("duc", "citizen", &["--owner", DUC]),
    ("thuy", "citizen", &["--owner", THUY]),
];

fn password(user: &str) -> String {
    format!("mật-khẩu-web-{user}")
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let kho = Kho::new();
        let docs = kho.ingest_corpus().ids_by_file();
        // A second batch with a rejected row, for the operator's report pages.
        let inputs = tempfile::tempdir().unwrap();
        let dir = inputs.path().join("lo-2");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("trich-luc.pdf"),
            kho_tests::fixtures::pdf(1, "Trích lục khai tử"),
        )
        .unwrap();
        std::fs::write(
            dir.join("manifest.csv"),
            "file,owner_id,doc_type\ntrich-luc.pdf,001190012346,death_extract\nkhong-co.pdf,001190012346,death_extract\n",
        )
        .unwrap();
        let second = kho.run(["ingest", "--manifest", dir.join("manifest.csv").to_str().unwrap()]);
        assert_eq!(second.code, 1, "one row is rejected: {}", second.stdout);
        for (name, role, extra) in USERS {
            kho.add_user(name, role, extra, &password(name));
        }
        World {
            served: Served::start(kho),
            docs,
            _inputs: inputs,
        }
    })
}

/// Signs in through the form with the keyboard only: type, Tab, type, Enter.
fn sign_in(browser: &Browser, user: &str) {
    browser.goto("/login");
    browser.find("#username").fill(user);
    browser.keys(TAB);
    browser.focused().send(&password(user));
    browser.navigating(|| browser.keys(ENTER));
    browser.find("header .who");
}

fn sign_out(browser: &Browser) {
    browser.navigating(|| browser.find(".who button").click());
    browser.find("form.login");
}

#[test]
fn a_clerk_finds_and_reuses_a_document_and_the_citizen_sees_it_in_their_ledger() {
    let world = world();
    let browser = Browser::start(&world.served.addr);

    // Signed out, any page leads to the login form, which keeps where the user was going.
    browser.goto("/?q=abc");
    browser.find("form.login");
    assert!(
        browser.path().starts_with("/login?next="),
        "{}",
        browser.path()
    );

    // A wrong password: a clear message, in Vietnamese, and still on the form.
    browser.find("#username").fill("canbo");
    browser.find("#password").fill("không phải mật khẩu");
    browser.navigating(|| browser.find("form.login button").click());
    assert!(
        browser
            .find("#loi-dang-nhap")
            .text()
            .contains("mật khẩu không đúng"),
        "{}",
        browser.find("main").text()
    );
    browser.screenshot("login-wrong-password");

    // The sign-in form starts in the name field (issue #19).
    browser.goto("/login");
    assert_eq!(
        browser.focused().attribute("id").as_deref(),
        Some("username"),
        "{}",
        browser.script("return document.activeElement.outerHTML")
    );
    // On a page without a field to start in, the skip link is the first thing the keyboard
    // reaches.
    browser.goto("/verify");
    browser.keys(TAB);
    let first = browser.focused();
    assert_eq!(
        first.attribute("href").as_deref(),
        Some("#noi-dung"),
        "{}",
        browser.script("return document.activeElement.outerHTML")
    );
    assert_eq!(
        first.text(),
        "Bỏ qua đến nội dung chính",
        "shown when focused"
    );

    sign_in(&browser, "canbo");
    assert_eq!(browser.path(), "/");

    // The clerk names the dossier and the purpose, then types without diacritics.
    browser.find("#dossier_code").fill(DOSSIER);
    browser.find("#purpose").fill(PURPOSE);
    browser.find("#q").fill("nguyen van duc giay khai sinh");
    browser.navigating(|| browser.keys(ENTER));
    browser.find("ol.hits");
    let search_url = browser.url();
    assert!(
        search_url.contains("q=nguyen+van+duc+giay+khai+sinh")
            || search_url.contains("q=nguyen%20van%20duc%20giay%20khai%20sinh"),
        "the search lives in the URL: {search_url}"
    );
    let titles = browser.texts("li.hit h2");
    assert_eq!(
        titles.first().map(String::as_str),
        Some("Giấy khai sinh"),
        "{titles:?}"
    );
    let snippet = browser.find("li.hit .snippet").property("innerHTML");
    assert!(
        snippet
            .as_str()
            .unwrap_or_default()
            .contains("<b>NGUYỄN</b>"),
        "matches marked in the original spelling: {snippet}"
    );
    assert!(browser
        .find("li.hit .badge")
        .text()
        .contains("Còn hiệu lực"));
    assert!(browser.find(".facets").text().contains("Giấy khai sinh"));
    browser.screenshot("clerk-search");

    // Reloading the address gives the same search.
    browser.goto(&search_url);
    assert_eq!(browser.texts("li.hit h2"), titles);

    // A facet narrows the search, and stays in the URL.
    browser.navigating(|| browser.find(".facets a").click());
    browser.find("ol.hits");
    assert!(browser.url().contains("type="), "{}", browser.url());

    // The document: metadata, state, page previews, download, history.
    browser.goto(&search_url);
    browser.navigating(|| browser.find("li.hit h2 a").click());
    browser.find("dl.metadata");
    assert_eq!(browser.find("main h1").text(), "Giấy khai sinh");
    let metadata = browser.find("dl.metadata").text();
    assert!(
        metadata.contains("12/03/1975"),
        "dates as dd/mm/yyyy: {metadata}"
    );
    assert!(metadata.contains("Nguyễn Văn Đức"), "{metadata}");
    let download = browser
        .find("a[download]")
        .attribute("href")
        .unwrap_or_default();
    assert!(download.contains("/content?dossier_code="), "{download}");
    browser.script("document.querySelector('.previews img').scrollIntoView()");
    let started = std::time::Instant::now();
    while browser
        .script("return document.querySelector('.previews img').naturalWidth")
        .as_u64()
        .unwrap_or(0)
        == 0
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "the page preview did not load"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert!(browser.find("table").text().contains("Lưu vào kho"));

    // Reuse in the dossier: code and purpose come filled from the search.
    browser.script("window.scrollTo(0, 0)");
    assert_eq!(
        browser.find("#reuse_dossier").property("value").as_str(),
        Some(DOSSIER)
    );
    browser.find("#reuse_procedure").fill("1.001193");
    browser.navigating(|| browser.find(".reuse button").click());
    let confirmation = browser.find("#da-tai-su-dung").text();
    assert!(confirmation.contains(DOSSIER), "{confirmation}");
    browser.screenshot("clerk-document");
    sign_out(&browser);

    // Đức signs in: his documents, then who read them.
    sign_in(&browser, "duc");
    assert_eq!(browser.path(), "/my");
    let mine = browser.find("table.documents").text();
    assert!(
        mine.contains("Giấy khai sinh") && mine.contains("Còn hiệu lực"),
        "{mine}"
    );
    assert!(!mine.contains("kết hôn"), "not Thuý's documents: {mine}");
    browser.screenshot("citizen-documents");
    browser.resize(390, 844);
    browser.screenshot("citizen-documents-phone");
    browser.resize(1280, 1000);

    browser.navigating(|| browser.find("a[href='/my/ledger']").click());
    browser.find("table.ledger");
    let rows = browser.texts("table.ledger tbody tr");
    let reuse = rows
        .iter()
        .find(|r| r.contains("Tái sử dụng trong hồ sơ"))
        .unwrap_or_else(|| panic!("no reuse in Đức's ledger: {rows:#?}"));
    assert!(
        reuse.contains("canbo") && reuse.contains(DOSSIER) && reuse.contains(PURPOSE),
        "{reuse}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("Xem thông tin") && r.contains("canbo") && r.contains(DOSSIER)),
        "the clerk's read of the document: {rows:#?}"
    );
    browser.screenshot("citizen-ledger");
}

#[test]
fn a_citizen_who_types_another_citizens_document_address_is_refused() {
    let world = world();
    let browser = Browser::start(&world.served.addr);
    sign_in(&browser, "duc");
    let thuy_doc = &world.docs["giay-chung-nhan-ket-hon-tran-thi-thuy.png"];
    browser.goto(&format!("/documents/{thuy_doc}"));
    assert_eq!(browser.find("main h1").text(), "Không tìm thấy");
    let page = browser.find("main").text();
    assert!(
        !page.contains("Trần Thị Thuý"),
        "nothing of Thuý's shows: {page}"
    );
    browser.goto(&format!("/documents/{thuy_doc}/content"));
    assert_eq!(browser.find("main h1").text(), "Không tìm thấy");
    browser.screenshot("citizen-refused");

    // Thuý sees the attempt in her ledger.
    sign_out(&browser);
    sign_in(&browser, "thuy");
    browser.goto("/my/ledger");
    let rows = browser.texts("table.ledger tbody tr");
    assert!(
        rows.iter()
            .any(|r| r.contains("Bị từ chối truy cập") && r.contains("duc")),
        "{rows:#?}"
    );
}

#[test]
fn an_operator_uploads_a_document_and_reads_the_batch_reports() {
    let world = world();
    let browser = Browser::start(&world.served.addr);
    sign_in(&browser, "vanhanh");
    browser.navigating(|| browser.find("a[href='/upload']").click());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("giay-xac-nhan-cu-tru.pdf");
    std::fs::write(
        &file,
        kho_tests::fixtures::pdf(1, "Giấy xác nhận thông tin về cư trú của Lê Thị Mai"),
    )
    .unwrap();

    // A rejected form comes back with its values and the rule broken.
    browser.find("#file").send(file.to_str().unwrap());
    browser
        .find("#doc_type option[value='residence_confirmation']")
        .click();
    browser.find("#owner_id").fill("12345");
    browser.find("#owner_name").fill("Lê Thị Mai");
    browser.navigating(|| browser.find("form.upload button").click());
    let error = browser.find("#loi-tai-len").text();
    assert!(error.contains("Số định danh"), "{error}");
    assert_eq!(
        browser.find("#owner_name").property("value").as_str(),
        Some("Lê Thị Mai")
    );

    browser.find("#file").send(file.to_str().unwrap());
    browser.find("#owner_id").fill("001190012345");
    browser.navigating(|| browser.find("form.upload button").click());
    let stored = browser.find("#ket-qua-tai-len").text();
    assert!(stored.contains("Đã lưu"), "{stored}");
    browser.screenshot("operator-upload");
    browser.navigating(|| browser.find("#ket-qua-tai-len a").click());
    assert!(browser.find("dl.metadata").text().contains("Lê Thị Mai"));

    // Revoked from its page, after a confirmation: final, with the reason, and shown as such.
    browser.find("#revoke_reason").fill("Cấp nhầm người");
    browser.navigating(|| {
        browser.find("#revoke_reason").send(ENTER);
    });
    browser.navigating(|| browser.find("#xac-nhan").click());
    assert!(browser.find("p.state .badge").text().contains("Đã thu hồi"));
    assert!(browser
        .find("p.lifecycle")
        .text()
        .contains("Cấp nhầm người"));
    assert!(!browser.exists("#revoke_reason"), "no second revocation");

    // The batch that loaded the sample dossiers, with its report.
    browser.goto("/batches");
    let batches = browser.find("table.batches").text();
    assert!(batches.contains("manifest.csv"), "{batches}");
    browser.screenshot("operator-batches");
    let rows = browser.texts("table.batches tbody tr");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows[0].contains("tải lên: giay-xac-nhan-cu-tru.pdf"),
        "the web upload, newest first: {rows:?}"
    );
    assert!(rows[1].contains("lo-2"), "{rows:?}");
    browser.navigating(|| browser.find("table.batches tbody tr:last-child a").click());
    let report = browser.find("table.report").text();
    assert!(
        report.contains("giay-khai-sinh-nguyen-van-duc.pdf") && report.contains("Đã lưu"),
        "{report}"
    );
    assert_eq!(browser.texts("table.report tbody tr").len(), 6);

    // The batch with a rejected row: only the rejections, with their reason.
    browser.goto("/batches");
    browser.navigating(|| {
        browser
            .find("table.batches tbody tr:nth-child(2) a")
            .click()
    });
    browser.navigating(|| browser.find("a[href$='show=rejected']").click());
    let rejected = browser.texts("table.report tbody tr");
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(
        rejected[0].contains("khong-co.pdf") && rejected[0].contains("Bị từ chối"),
        "{rejected:?}"
    );
    // Its reason in Vietnamese, though the batch ran under an English locale: the store keeps
    // the code and its parameters, the page renders them.
    assert!(
        rejected[0].contains("dòng 3: tệp khong-co.pdf: không có tệp này trong"),
        "{rejected:?}"
    );
    browser.screenshot("operator-batch-report");
}

fn form_login(world: &World, user: &str) -> String {
    let form = Request::new("GET", "/login").send(&world.served.addr);
    let cookies = form.header("set-cookie").unwrap_or_default().to_string();
    assert!(
        cookies.contains("HttpOnly") && cookies.contains("SameSite=Strict"),
        "{cookies}"
    );
    let csrf = cookies
        .split(';')
        .next()
        .and_then(|c| c.strip_prefix("kho_login_csrf="))
        .unwrap_or_default()
        .to_string();
    let body = format!(
        "username={user}&password={}&csrf={csrf}",
        kho_tests::http::encode(&password(user))
    );
    let answer = Request::new("POST", "/login")
        .header("Cookie", &format!("kho_login_csrf={csrf}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.into_bytes())
        .send(&world.served.addr);
    assert_eq!(answer.status, 303, "{}", answer.text());
    let set = answer.header("set-cookie").unwrap_or_default();
    let session = set
        .lines()
        .find(|l| l.starts_with("kho_session="))
        .unwrap_or_else(|| panic!("no session cookie: {set}"));
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(
            session.contains(attribute),
            "{attribute} missing: {session}"
        );
    }
    session.split(';').next().unwrap_or_default().to_string()
}

#[test]
fn forms_without_the_sessions_csrf_token_or_from_another_site_are_refused() {
    let world = world();
    let duc_birth = &world.docs["giay-khai-sinh-nguyen-van-duc.pdf"];
    let session = form_login(world, "canbo");
    let reuse = |csrf: &str, origin: Option<&str>| {
        let mut request = Request::new("POST", &format!("/documents/{duc_birth}/reuse"))
            .header("Cookie", &session)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(
                format!(
                    "csrf={csrf}&dossier_code={}&purpose=x",
                    kho_tests::http::encode(DOSSIER)
                )
                .into_bytes(),
            );
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        request.send(&world.served.addr)
    };
    assert_eq!(reuse("", None).status, 403);
    assert_eq!(
        reuse("0123456789abcdef0123456789abcdef01234567", None).status,
        403
    );
    // The token of the session, read from a page of the site, works; from another site it does
    // not.
    let page = Request::new("GET", "/")
        .header("Cookie", &session)
        .send(&world.served.addr)
        .text();
    let csrf = kho_tests::http::csrf_of(&page);
    assert_eq!(reuse(&csrf, Some("http://evil.example")).status, 403);
    let done = reuse(&csrf, None);
    assert_eq!(done.status, 303, "{}", done.text());

    // The login form itself needs its CSRF cookie.
    let forged = Request::new("POST", "/login")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("username=canbo&password={}&csrf=x", password("canbo")).into_bytes())
        .send(&world.served.addr);
    assert_eq!(forged.status, 403);
    assert!(!forged
        .header("set-cookie")
        .unwrap_or_default()
        .contains("kho_session"));

    // Pages are not cached or framed and load nothing from elsewhere.
    let page = Request::new("GET", "/my")
        .header("Cookie", &form_login(world, "duc"))
        .send(&world.served.addr);
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert!(page
        .header("content-security-policy")
        .is_some_and(|p| p.contains("default-src 'self'")));
    assert!(!page.text().contains("http://") && !page.text().contains("https://"));
}

#[test]
fn a_wrong_password_is_throttled_on_the_form_too() {
    let world = world();
    let attempt = || {
        let form = Request::new("GET", "/login").send(&world.served.addr);
        let csrf = form
            .header("set-cookie")
            .unwrap_or_default()
            .split(';')
            .next()
            .and_then(|c| c.strip_prefix("kho_login_csrf="))
            .unwrap_or_default()
            .to_string();
        Request::new("POST", "/login")
            .header("Cookie", &format!("kho_login_csrf={csrf}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("username=khong-ai&password=sai-mat-khau&csrf={csrf}").into_bytes())
            .send(&world.served.addr)
    };
    for _ in 0..5 {
        let answer = attempt();
        assert_eq!(answer.status, 401);
        assert!(answer
            .text()
            .contains("Tên đăng nhập hoặc mật khẩu không đúng"));
    }
    let locked = attempt();
    assert_eq!(locked.status, 429);
    assert!(
        locked.text().contains("Vui lòng thử lại sau"),
        "{}",
        locked.text()
    );
}

const DOSSIER_2: &str = "000.00.01.H47-261127-0077";
const PURPOSE_2: &str = "Cấp đổi giấy chứng nhận quyền sử dụng đất";

/// The banner of the dossier being handled and its text.
fn banner(browser: &Browser) -> String {
    browser.find(".dossier-banner").text()
}

/// Each of these inputs is marked invalid, with its message under it.
fn assert_marked_invalid(browser: &Browser, ids: &[&str]) {
    for id in ids {
        let input = browser.find(&format!("#{id}"));
        assert_eq!(
            input.attribute("aria-invalid").as_deref(),
            Some("true"),
            "{id}"
        );
        assert_eq!(
            input.attribute("aria-describedby"),
            Some(format!("{id}-loi")),
            "{id}"
        );
        let message = browser.find(&format!("#{id}-loi")).text();
        assert!(!message.trim().is_empty(), "{id}: no message under it");
    }
}

/// Waits until an image on the page has loaded (a preview drawn by the server).
fn wait_for_image(browser: &Browser, css: &str) {
    let started = std::time::Instant::now();
    let probe = format!("return document.querySelector(\"{css}\").naturalWidth");
    while browser.script(&probe).as_u64().unwrap_or(0) == 0 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{css} did not load"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// Issue #19: the dossier a clerk handles stays in view from the search to the document, a page
/// of it, the reuse, and back to the results; the menu keeps it; a document opened without it
/// asks for it with a small form; a second reuse in the same dossier is warned about; the
/// document's history lists its reuses.
#[test]
fn the_clerks_dossier_stays_in_view_from_search_to_reuse_and_back() {
    let world = world();
    let browser = Browser::start(&world.served.addr);
    sign_in(&browser, "canbo2");
    assert!(!browser.exists(".dossier-banner"), "no dossier yet");
    let example = browser
        .find("#dossier_code")
        .attribute("placeholder")
        .unwrap_or_default();
    assert!(
        example.starts_with("000.00.00.H47-"),
        "the example is of the clerk's own province: {example}"
    );

    // A search without the dossier: both missing fields said at once, each under its field.
    browser.goto("/?q=giay+khai+sinh");
    assert_marked_invalid(&browser, &["dossier_code", "purpose"]);
    browser.goto("/");

    browser.find("#dossier_code").fill(DOSSIER_2);
    browser.find("#purpose").fill(PURPOSE_2);
    browser.find("#q").fill("giay khai sinh nguyen van duc");
    browser.navigating(|| browser.keys(ENTER));
    browser.find("ol.hits");
    let expected = format!("Đang xử lý hồ sơ {DOSSIER_2} — {PURPOSE_2}");
    assert_eq!(banner(&browser), expected, "on the search");
    let menu = browser
        .find("header nav a")
        .attribute("href")
        .unwrap_or_default();
    assert!(
        menu.contains("dossier_code=") && menu.contains("purpose="),
        "the menu keeps the dossier: {menu}"
    );
    let results = browser.url();
    assert_eq!(
        browser
            .find("#bo-qua-den-ket-qua")
            .attribute("href")
            .as_deref(),
        Some("#ket-qua"),
        "the skip link to the results comes before the facets"
    );
    assert_eq!(
        browser
            .find("#bo-qua-den-ket-qua")
            .property("textContent")
            .as_str(),
        Some("Bỏ qua, đến kết quả")
    );

    // The document.
    browser.navigating(|| browser.find("li.hit h2 a").click());
    browser.find("dl.metadata");
    assert_eq!(banner(&browser), expected, "on the document");

    // One page, large (its preview is drawn lazily: brought into view and awaited first).
    browser.script("document.querySelector('.previews img').scrollIntoView()");
    wait_for_image(&browser, ".previews img");
    browser.navigating(|| browser.find(".previews a.page-link").click());
    wait_for_image(&browser, ".page-large img");
    assert_eq!(banner(&browser), expected, "on a page of the document");
    browser.screenshot("clerk-page");
    browser.navigating(|| browser.find("#quay-lai-giay-to").click());
    browser.find("dl.metadata");
    assert_eq!(banner(&browser), expected, "back on the document");

    // The reuse, twice: the second is recorded and warned about.
    assert_eq!(
        browser.find("#reuse_dossier").property("value").as_str(),
        Some(DOSSIER_2)
    );
    browser.navigating(|| browser.find("#form-tai-su-dung button").click());
    assert!(browser.find("#da-tai-su-dung").text().contains(DOSSIER_2));
    assert!(!browser.exists("#da-dung-truoc-do"), "a first reuse");
    assert_eq!(banner(&browser), expected, "after the reuse");
    browser.navigating(|| browser.find("#form-tai-su-dung button").click());
    let warning = browser.find("#da-dung-truoc-do").text();
    assert!(
        warning.contains("đã được tái sử dụng cho chính hồ sơ này"),
        "{warning}"
    );
    let history = browser.texts("section[aria-labelledby='tieu-de-lich-su'] tbody tr");
    let reuses = history
        .iter()
        .filter(|r| r.contains("Tái sử dụng trong hồ sơ") && r.contains(PURPOSE_2))
        .count();
    assert_eq!(reuses, 2, "the history lists the reuses: {history:#?}");
    browser.screenshot("clerk-reused-twice");

    // Back to the results, the dossier still there.
    browser.navigating(|| browser.find("#quay-lai-ket-qua").click());
    browser.find("ol.hits");
    let back = browser.url();
    assert!(
        back.contains("q=giay") && back.contains("dossier_code="),
        "{back} (from {results})"
    );
    assert_eq!(banner(&browser), expected, "back on the results");

    // A document's address without the dossier: a small form, then the document.
    let doc = &world.docs["giay-khai-sinh-nguyen-van-duc.pdf"];
    browser.goto(&format!("/documents/{doc}"));
    browser.find("form.dossier");
    assert_marked_invalid(&browser, &["dossier_code", "purpose"]);
    browser.find("#dossier_code").fill(DOSSIER_2);
    browser.find("#purpose").fill(PURPOSE_2);
    browser.navigating(|| browser.find("form.dossier button").click());
    browser.find("dl.metadata");
    assert_eq!(banner(&browser), expected);
}

/// Issue #19: a refused reuse stays on the document's page with what the clerk typed, each
/// broken rule under its field; another province's dossier is refused for what it is.
#[test]
fn a_refused_reuse_keeps_the_typed_values_on_the_page() {
    let world = world();
    let browser = Browser::start(&world.served.addr);
    sign_in(&browser, "canbo2");
    let doc = &world.docs["giay-khai-sinh-nguyen-van-duc.pdf"];
    browser.goto(&format!(
        "/documents/{doc}?dossier_code={DOSSIER_2}&purpose=tra%20c%E1%BB%A9u"
    ));
    browser.find("#form-tai-su-dung");

    // A malformed dossier code and no purpose: both said, under their fields.
    browser.find("#reuse_dossier").fill("H47-khong-hop-le");
    browser.find("#reuse_procedure").fill("1.001193");
    browser.find("#reuse_purpose").fill("");
    browser.script("document.querySelectorAll('#form-tai-su-dung [required]').forEach(e => e.removeAttribute('required'))");
    browser.navigating(|| browser.find("#form-tai-su-dung button").click());
    browser.find("#loi-tai-su-dung");
    assert_eq!(
        browser.find("main h1").text(),
        "Giấy khai sinh",
        "the same page"
    );
    assert_eq!(
        browser.find("#reuse_dossier").property("value").as_str(),
        Some("H47-khong-hop-le"),
        "the value typed is kept"
    );
    assert_eq!(
        browser.find("#reuse_procedure").property("value").as_str(),
        Some("1.001193")
    );
    assert_marked_invalid(&browser, &["reuse_dossier", "reuse_purpose"]);
    let under = browser.find("#reuse_dossier-loi").text();
    assert!(
        under.contains("có dạng") && under.contains("nhận được"),
        "{under}"
    );
    let under = browser.find("#reuse_purpose-loi").text();
    assert!(under.contains("dùng vào việc gì"), "{under}");
    assert!(
        banner(&browser).contains(DOSSIER_2),
        "the page's dossier stays"
    );
    browser.script("document.getElementById('loi-tai-su-dung').scrollIntoView()");
    browser.screenshot("clerk-reuse-error");

    // Another province's dossier: refused as such, the values kept.
    let elsewhere = "000.00.00.H01-261127-0001";
    browser.find("#reuse_dossier").fill(elsewhere);
    browser.find("#reuse_purpose").fill("Đối chiếu");
    browser.navigating(|| browser.find("#form-tai-su-dung button").click());
    let alert = browser.find("#loi-tai-su-dung").text();
    assert!(
        alert.contains("H01") && alert.contains("chỉ tra cứu cho hồ sơ của H47"),
        "the real cause: {alert}"
    );
    assert!(!alert.contains("Vai trò"), "not a role refusal: {alert}");
    assert_eq!(
        browser.find("#reuse_dossier").property("value").as_str(),
        Some(elsewhere)
    );

    // Reading with it: the page says the province is the cause, in Vietnamese.
    browser.goto(&format!(
        "/documents/{doc}?dossier_code={elsewhere}&purpose=x"
    ));
    assert_eq!(
        browser.find("main h1").text(),
        "Hồ sơ ngoài phạm vi tra cứu"
    );
    let page = browser.find("main").text();
    assert!(page.contains("do cơ quan thuộc H01 tiếp nhận"), "{page}");
    assert!(
        !page.contains("Vai trò") && !page.contains("clerk"),
        "{page}"
    );
    // An unknown id: not found, said in Vietnamese.
    browser.goto(&format!(
        "/documents/khongco?dossier_code={DOSSIER_2}&purpose=x"
    ));
    assert_eq!(browser.find("main h1").text(), "Không tìm thấy");
    let page = browser.find("main").text();
    assert!(
        page.contains("không có giấy tờ nào có mã khongco"),
        "{page}"
    );
}

/// Words of English sentences: none of them is a Vietnamese word, and a sentence of English
/// left in a page (a rule, a refusal, a hint) has some of them.
const ENGLISH_WORDS: &[&str] = &[
    "the",
    "is",
    "are",
    "was",
    "be",
    "of",
    "and",
    "or",
    "to",
    "with",
    "not",
    "cannot",
    "must",
    "please",
    "error",
    "invalid",
    "required",
    "found",
    "document",
    "documents",
    "owner",
    "should",
    "which",
    "your",
    "this",
    "from",
    "has",
    "have",
    "got",
    "no",
    "at",
    "most",
    "file",
    "page",
    "search",
    "sign",
    "read",
    "reads",
    "only",
    "for",
    "by",
    "an",
    "it",
    "its",
    "there",
    "here",
];

/// The English words of a text, each with a little of what surrounds it.
fn english_in(text: &str) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .iter()
        .enumerate()
        .filter(|(_, w)| ENGLISH_WORDS.contains(&w.to_lowercase().as_str()))
        .map(|(i, w)| {
            let from = i.saturating_sub(4);
            let to = (i + 5).min(words.len());
            format!("{w}: «{}»", words[from..to].join(" "))
        })
        .collect()
}

/// Issue #19: the main pages of every role, rendered in the browser, hold no English sentence
/// (rules, refusals, hints, notes of the ledger): signed out, a clerk's search, results,
/// document, page, forms with every missing field, refusals; an operator's pages; a citizen's
/// documents and ledger; a batch's report with its rejected file's reason.
#[test]
fn no_page_speaks_english_only() {
    let world = world();
    let browser = Browser::start(&world.served.addr);
    let doc = &world.docs["giay-khai-sinh-nguyen-van-duc.pdf"];
    let reason = format!("dossier_code={DOSSIER_2}&purpose=tra%20c%E1%BB%A9u");
    let seen = std::cell::RefCell::new(Vec::new());
    // The page the browser shows now (reached by a form, say), named `what`.
    let look = |browser: &Browser, what: &str| {
        browser.find("main");
        let text = browser.script("return document.body.innerText");
        let found = english_in(text.as_str().unwrap_or_default());
        seen.borrow_mut().push(what.to_string());
        assert!(found.is_empty(), "{what}: {found:#?}");
    };
    let visit = |browser: &Browser, path: &str| {
        browser.goto(path);
        look(browser, path);
    };
    visit(&browser, "/login");
    visit(&browser, "/verify");
    visit(&browser, "/verify/ABCDE-FGHIJ");

    sign_in(&browser, "canbo2");
    visit(&browser, "/");
    visit(&browser, "/?q=giay+khai+sinh");
    visit(&browser, &format!("/?q=giay+khai+sinh&{reason}"));
    visit(
        &browser,
        "/?q=giay&dossier_code=sai&purpose=x&from=2024-13-01",
    );
    visit(&browser, &format!("/documents/{doc}?{reason}"));
    visit(&browser, &format!("/documents/{doc}/pages/1?{reason}"));
    visit(&browser, &format!("/documents/{doc}/pages/9?{reason}"));
    visit(&browser, &format!("/documents/{doc}"));
    visit(
        &browser,
        &format!("/documents/{doc}?dossier_code=000.00.00.H01-261127-0001&purpose=x"),
    );
    visit(&browser, &format!("/documents/khongco?{reason}"));
    visit(&browser, "/khong-co-trang-nay");
    visit(&browser, "/upload");
    sign_out(&browser);

    sign_in(&browser, "vanhanh");
    visit(&browser, "/upload");
    // The upload form with the suggestions kho read from a chosen file (nothing is stored).
    browser.choose_file_for_suggestions(
        &kho_tests::corpus().join("giay-khai-sinh-nguyen-van-duc.pdf"),
    );
    look(&browser, "/upload (suggestions)");
    visit(&browser, "/upload/stack");
    visit(&browser, "/batches");
    // The second batch (`lo-2`), whose row names a missing file.
    visit(&browser, "/batches/2");
    visit(&browser, "/batches/2?show=rejected");
    visit(&browser, &format!("/documents/{doc}"));
    // The revocation's confirmation (not confirmed: the world's documents stay as they are).
    browser.find("#revoke_reason").fill("Cấp nhầm người");
    browser.navigating(|| {
        browser.find("#revoke_reason").send(ENTER);
    });
    browser.find("#xac-nhan-vong-doi");
    look(&browser, "revocation confirmation");
    visit(&browser, &format!("/documents/{doc}/supersede"));
    visit(
        &browser,
        &format!("/documents/{doc}/supersede?q=giay+khai+sinh"),
    );
    visit(&browser, "/?q=nguyen+van+duc");
    sign_out(&browser);

    sign_in(&browser, "duc");
    visit(&browser, "/my");
    visit(&browser, "/my/ledger");
    visit(&browser, &format!("/documents/{doc}"));
    visit(
        &browser,
        &format!(
            "/documents/{}",
            world.docs["giay-chung-nhan-ket-hon-tran-thi-thuy.png"]
        ),
    );
    let seen = seen.into_inner();
    assert!(seen.len() > 20, "{seen:?}");
}
