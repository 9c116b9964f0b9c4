//! The search page in a real browser (issue #19): a name of a paper ("so do") found through the
//! domain vocabulary and said so ("tìm cả: ..."), a partial issuer picked from the facet's list
//! ("quang nam"), the filters in use shown as chips that remove them, the panel open when any
//! filter is in use (the owner's too), the paper's number in each hit, and the facets after the
//! first result in reading order. Previews: a thumbnail of each hit, a page enlarged by a click,
//! each a ledgered read.

use kho_tests::browser::Browser;
use kho_tests::http::{encode, Served};
use kho_tests::Kho;

const DUC: &str = "049075001234";
const DOSSIER: &str = "000.00.01.H47-261127-0042";
const PURPOSE: &str = "Đối chiếu khi cấp đổi giấy chứng nhận";
const ENTER: &str = "\u{E007}";

fn reason() -> String {
    format!(
        "dossier_code={}&purpose={}",
        encode(DOSSIER),
        encode(PURPOSE)
    )
}

#[test]
fn a_clerk_searches_with_a_paper_name_and_a_partial_issuer() {
    let kho = Kho::new();
    kho.ingest_corpus();
    kho.add_user("canbo", "clerk", &["--agency", "H47.15"], "mật-khẩu-canbo");
    let served = Served::start(kho);
    let browser = Browser::start(&served.addr);
    browser.sign_in("canbo", "mật-khẩu-canbo");

    // No filter in use: the panel is closed, no chips.
    assert_eq!(browser.find("details.filters").attribute("open"), None);

    // "so do", the everyday name, typed without diacritics: the land-use certificate, and
    // a line saying what it was searched as.
    browser.find("#dossier_code").fill(DOSSIER);
    browser.find("#purpose").fill(PURPOSE);
    browser.find("#q").fill("so do");
    browser.navigating(|| browser.keys(ENTER));
    browser.find("ol.hits");
    let line = browser.find("p.vocabulary").text();
    assert!(
        line.starts_with("tìm cả:") && line.contains("Giấy chứng nhận quyền sử dụng đất"),
        "{line}"
    );
    let titles = browser.texts("li.hit h2");
    assert_eq!(titles.len(), 1, "{titles:?}");
    assert!(titles[0].starts_with("Giấy chứng nhận quyền sử dụng đất"));
    // The paper's number is in the hit.
    assert_eq!(browser.find("li.hit .number").text(), "CS 04512");
    // The facets come after the first result in reading order.
    let after = browser.script(
        "return !!(document.querySelector('li.hit').compareDocumentPosition(\
         document.querySelector('aside.facets')) & Node.DOCUMENT_POSITION_FOLLOWING)",
    );
    assert_eq!(after, serde_json::json!(true));
    // Yet on a desk-wide screen they stand to the left of the hits.
    let left = browser.script(
        "return document.querySelector('aside.facets').getBoundingClientRect().left < \
         document.querySelector('ol.hits').getBoundingClientRect().left",
    );
    assert_eq!(left, serde_json::json!(true));
    browser.screenshot("clerk-search-vocabulary");

    // The same with diacritics and as the abbreviation.
    for q in ["sổ đỏ", "GCN QSDĐ"] {
        browser.goto(&format!("/?q={}&{}", encode(q), reason()));
        assert_eq!(browser.texts("li.hit h2"), titles, "{q}");
    }

    // A partial issuer, folded: "quang nam" finds both of Quảng Nam's agencies' papers.
    browser.goto(&format!("/?{}", reason()));
    browser.find("details.filters summary").click();
    browser.find("#issuer").fill("quang nam");
    browser.navigating(|| browser.find("form.search button[type=submit]").click());
    browser.find("ol.hits");
    let hits = browser.texts("li.hit h2");
    assert_eq!(hits.len(), 2, "{hits:?}");
    let metas = browser.texts("li.hit .meta").join("\n");
    assert!(
        metas.contains("Sở Tài nguyên và Môi trường tỉnh Quảng Nam"),
        "{metas}"
    );
    assert!(metas.contains("xã Tam Xuân"), "{metas}");
    // The panel stays open, the filter is a chip, the issuers found are the pick list.
    assert!(browser.find("details.filters").attribute("open").is_some());
    let chips = browser.texts("ul.chips li");
    assert_eq!(chips.len(), 1, "{chips:?}");
    assert!(chips[0].contains("Cơ quan cấp: quang nam"), "{chips:?}");
    let options = browser.script(
        "return Array.from(document.querySelectorAll('#issuers option')).map(o => o.value)",
    );
    let options: Vec<String> = serde_json::from_value(options).unwrap();
    assert!(
        options.contains(&"Sở Tài nguyên và Môi trường tỉnh Quảng Nam".to_string()),
        "{options:?}"
    );
    assert_eq!(
        browser.find("#issuer").attribute("list").as_deref(),
        Some("issuers")
    );

    // "so tai nguyen" with a word search: the chip, and removing it widens the search again.
    browser.goto(&format!(
        "/?q=nguyen+van+duc&issuer={}&{}",
        encode("so tai nguyen"),
        reason()
    ));
    assert_eq!(browser.texts("li.hit h2").len(), 1);
    browser.navigating(|| browser.find("ul.chips li a").click());
    browser.find("ol.hits");
    assert!(!browser.exists("ul.chips"));
    assert_eq!(
        browser.texts("li.hit h2").len(),
        2,
        "the issuer is no longer a filter"
    );
    assert!(
        browser.url().contains("q=nguyen"),
        "the words stay: {}",
        browser.url()
    );

    // Dates are typed dd/mm/yyyy, never in a date picker; the year facet's dates show so too.
    assert!(!browser.exists("input[type=date]"));
    browser.goto(&format!("/?from=2019-01-01&to=2019-12-31&{}", reason()));
    let value = |css: &str| {
        browser
            .find(css)
            .property("value")
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(value("#from"), "01/01/2019");
    assert_eq!(value("#to"), "31/12/2019");
    browser.find("#from").fill("22/08/2019");
    browser.navigating(|| browser.find("form.search button[type=submit]").click());
    assert!(browser.exists("ul.chips"));
    assert!(browser
        .texts("ul.chips li")
        .iter()
        .any(|c| c.contains("Cấp từ ngày: 22/08/2019")));
    assert_eq!(
        browser.texts("li.hit h2").len(),
        0,
        "the certificate is of 21/08/2019"
    );
    browser.find("#from").fill("21/08/2019");
    browser.navigating(|| browser.find("form.search button[type=submit]").click());
    assert_eq!(browser.texts("li.hit h2").len(), 1);

    // The owner alone is a filter: the panel opens and shows it as a chip.
    browser.goto(&format!("/?owner={DUC}&{}", reason()));
    browser.find("ol.hits");
    assert!(browser.find("details.filters").attribute("open").is_some());
    let chips = browser.texts("ul.chips li");
    assert!(
        chips[0].contains(&format!("Chủ sở hữu: {DUC}")),
        "{chips:?}"
    );
}

/// Waits until the image `css` has loaded and returns its natural width.
fn loaded_width(browser: &Browser, css: &str) -> u64 {
    let started = std::time::Instant::now();
    loop {
        let width = browser
            .script(&format!(
                "const i = document.querySelector('{css}'); i.scrollIntoView(); return i.complete ? i.naturalWidth : 0"
            ))
            .as_u64()
            .unwrap_or(0);
        if width > 0 {
            return width;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "{css} did not load"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn thumbnails_in_results_and_a_page_enlarged_by_a_click_are_ledgered_reads() {
    let kho = Kho::new();
    kho.ingest_corpus();
    kho.add_user("canbo", "clerk", &["--agency", "H47.15"], "mật-khẩu-canbo");
    kho.add_user("duc", "citizen", &["--owner", DUC], "mật-khẩu-duc");
    // The province's own agency names, beside the store.
    std::fs::write(
        kho.data.path().join("agencies.csv"),
        "code,name\nH47.15,UBND huyện Núi Thành\n",
    )
    .unwrap();
    let served = Served::start(kho);
    // The owner reads his ledger.
    let login = served.post(
        "/api/v1/login",
        None,
        &serde_json::json!({"username": "duc", "password": "mật-khẩu-duc"}),
    );
    assert_eq!(login.status, 200, "{}", login.text());
    let owner = login.json()["token"].as_str().unwrap().to_string();
    let previews_in_ledger = || -> Vec<serde_json::Value> {
        let ledger = served
            .get(
                &format!("/api/v1/owners/{DUC}/ledger?limit=1000"),
                Some(&owner),
            )
            .json();
        let events = ledger["events"].as_array().cloned().unwrap_or_else(|| {
            ledger
                .as_array()
                .cloned()
                .unwrap_or_else(|| panic!("{ledger}"))
        });
        events
            .into_iter()
            .filter(|e| e.to_string().contains("preview of page"))
            .collect()
    };
    assert!(previews_in_ledger().is_empty());

    let browser = Browser::start(&served.addr);
    browser.sign_in("canbo", "mật-khẩu-canbo");
    browser.goto(&format!("/?q=nguyen+van+duc&{}", reason()));
    browser.find("ol.hits");
    let thumbs = browser.texts("li.hit a.thumb").len();
    assert_eq!(
        thumbs,
        browser.texts("li.hit h2").len(),
        "one thumbnail a hit"
    );
    assert_eq!(thumbs, 2);
    let thumb = loaded_width(&browser, "li.hit a.thumb img");
    assert!((100..=200).contains(&thumb), "drawn 200 px wide: {thumb}");
    let src = browser
        .find("li.hit a.thumb img")
        .attribute("src")
        .unwrap_or_default();
    assert!(
        src.contains("/pages/1/preview")
            && src.contains("width=200")
            && src.contains("dossier_code="),
        "{src}"
    );
    loaded_width(&browser, "li.hit:nth-child(2) a.thumb img");
    // Each thumbnail is a read of the owner's page 1, with the dossier.
    let after_search = previews_in_ledger();
    assert_eq!(after_search.len(), 2, "{after_search:?}");
    assert!(after_search.iter().all(|e| e.to_string().contains(DOSSIER)));

    // The document page: click a page to enlarge it to 1600 px, then 800 px, then back.
    browser.navigating(|| browser.find("li.hit h2 a").click());
    browser.find("dl.metadata");
    loaded_width(&browser, ".previews img");
    browser.navigating(|| browser.find(".previews a.zoom").click());
    assert!(browser.path().contains("/pages/1"), "{}", browser.path());
    let big = loaded_width(&browser, "img.zoomed");
    assert!(big > 800, "enlarged beyond the document page's 800: {big}");
    browser.screenshot("clerk-page-zoom");
    browser.navigating(|| browser.find(".zoom-nav a[href*='width=800']").click());
    let fitted = loaded_width(&browser, "img.zoomed");
    assert!(fitted <= 800 && fitted > 400, "{fitted}");
    browser.navigating(|| browser.find(".zoom-nav a").click());
    browser.find("dl.metadata");
    assert!(browser.url().contains("dossier_code="), "{}", browser.url());
    // Every look was a ledgered read: the two thumbnails, the page on the document page and
    // the two enlargements.
    assert!(
        previews_in_ledger().len() >= 5,
        "{:?}",
        previews_in_ledger()
    );

    // The owner reads who looked: the clerk's agency by its name, not its code alone.
    browser.navigating(|| browser.find(".who button").click());
    browser.sign_in("duc", "mật-khẩu-duc");
    browser.goto("/my/ledger");
    let ledger = browser.find("main").text();
    assert!(ledger.contains("UBND huyện Núi Thành (H47.15)"), "{ledger}");
}
