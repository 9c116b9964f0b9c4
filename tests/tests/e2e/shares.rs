//! Sharing with consent (#20), over HTTP against `kho serve --dossier-check registered` with its
//! access log written to a file: links (page, previews, download, nothing else; one-time;
//! revoked -> 410 with a Vietnamese page; a guessed token -> 404), agency shares reaching a
//! clerk's registered dossier, every use in the owner's ledger, tokens never in the log nor
//! in the store.

use kho_tests::http::{serve_samples_with, Answer, Request, SamplesServed, Served};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const DUC: &str = "049075001234";
const THUY: &str = "079305000001";
/// Thuý's dossier, procedure 1.001193, at agency 000.00.15.H47.
const THUY_DOSSIER: &str = "000.00.00.H47-261120-0011";

struct World {
    served: Served,
    tokens: BTreeMap<&'static str, String>,
    docs: BTreeMap<String, String>,
    log: tempfile::NamedTempFile,
}

const USERS: [(&str, &str, &[&str]); 3] = [
    ("canbo", "clerk", &["--agency", "H47.15"]),
    ("duc", "citizen", &["--owner", DUC]),
    ("thuy", "citizen", &["--owner", THUY]),
];

fn password(user: &str) -> String {
    format!("mật-khẩu-của-{user}")
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let mut intake = String::new();
        let log = tempfile::NamedTempFile::new().unwrap();
        let SamplesServed {
            served,
            tokens,
            docs,
        } = serve_samples_with(&USERS, password, |kho| {
            intake = kho.token("intake", &[]);
            Served::start_logging(
                kho,
                &["--dossier-check", "registered"],
                log.reopen().unwrap(),
            )
        });
        let registered = served.post(
            "/api/v1/dossiers",
            Some(&intake),
            &serde_json::json!({
                "code": THUY_DOSSIER, "procedure_code": "1.001193", "applicants": [THUY],
                "receiving_agency": "000.00.15.H47", "received_on": "2026-11-20",
            }),
        );
        assert_eq!(registered.status, 201, "{}", registered.text());
        World {
            served,
            tokens,
            docs,
            log,
        }
    })
}

fn in_days(days: u32) -> String {
    let day = (0..days).fold(schemas::today(), |d, _| d.next_day().unwrap());
    schemas::iso_date(day)
}

impl World {
    fn token(&self, user: &str) -> Option<&str> {
        self.tokens.get(user).map(String::as_str)
    }

    fn duc_birth(&self) -> &str {
        &self.docs["giay-khai-sinh-nguyen-van-duc.pdf"]
    }

    fn duc_land(&self) -> &str {
        &self.docs["giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc.pdf"]
    }

    fn share(&self, user: &str, body: serde_json::Value) -> Answer {
        self.served.post("/api/v1/shares", self.token(user), &body)
    }

    /// Đức shares his birth certificate as a link; answers (share id, link path).
    fn duc_link(&self, purpose: &str, one_time: bool) -> (String, String) {
        let answer = self.share(
            "duc",
            serde_json::json!({
                "documents": [self.duc_birth()], "kind": "link", "purpose": purpose,
                "until": in_days(10), "one_time": one_time,
            }),
        );
        assert_eq!(answer.status, 201, "{}", answer.text());
        let json = answer.json();
        (
            json["share"]["id"].as_str().unwrap().to_string(),
            json["link"].as_str().unwrap().to_string(),
        )
    }

    fn ledger(&self, owner: &str, user: &str) -> Vec<serde_json::Value> {
        let answer = self.served.get(
            &format!("/api/v1/owners/{owner}/ledger?limit=1000"),
            self.token(user),
        );
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()["events"].as_array().unwrap().clone()
    }

    fn open(&self, path: &str) -> Answer {
        Request::new("GET", path)
            .header("accept", "text/html")
            .send(&self.served.addr)
    }
}

#[test]
fn a_link_shows_the_shared_documents_previews_and_download_and_nothing_else() {
    let w = world();
    let (id, link) = w.duc_link("Hồ sơ vay vốn ngân hàng", false);
    let token = link.strip_prefix("/s/").unwrap();
    assert!(token.len() >= 43, "a long random token: {token}");
    let page = w.open(&link);
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(html.contains("Hồ sơ vay vốn ngân hàng"), "{html}");
    assert!(html.contains("Giấy khai sinh"), "{html}");
    assert!(
        html.contains(&format!("data-id=\"{}\"", w.duc_birth())),
        "{html}"
    );
    assert!(
        !html.contains(w.duc_land()),
        "another document of Đức's: {html}"
    );
    assert!(!html.contains("quyền sử dụng đất"), "{html}");
    assert!(!html.contains(DUC), "the owner's ID is not shown: {html}");
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));

    let preview = w.open(&format!(
        "{link}/documents/{}/pages/1/preview?width=200",
        w.duc_birth()
    ));
    assert_eq!(preview.status, 200);
    assert_eq!(preview.header("content-type"), Some("image/png"));
    let original = w.open(&format!("{link}/documents/{}/content", w.duc_birth()));
    assert_eq!(original.status, 200);
    let pdf = std::fs::read(kho_tests::corpus().join("giay-khai-sinh-nguyen-van-duc.pdf")).unwrap();
    assert_eq!(original.body, pdf);
    // Not in the share: as if it did not exist.
    let other = w.open(&format!("{link}/documents/{}/content", w.duc_land()));
    assert_eq!(other.status, 404);

    // Every use is in Đức's ledger, the share as the reader.
    let events = w.ledger(DUC, "duc");
    let through: Vec<_> = events
        .iter()
        .filter(|e| e["actor_kind"] == "share" && e["actor"] == id.as_str())
        .collect();
    let actions: Vec<&str> = through
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"read_metadata"), "{actions:?}");
    assert!(actions.contains(&"download"), "{actions:?}");
    assert!(through.iter().all(|e| e["purpose"]
        .as_str()
        .unwrap_or("")
        .starts_with(&format!("opened through share {id}"))));
    assert!(
        through.iter().all(|e| e["doc_id"] == w.duc_birth()),
        "{through:?}"
    );
    let shared = events
        .iter()
        .find(|e| {
            e["action"] == "share"
                && e["detail"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with(&format!("share {id} "))
        })
        .unwrap_or_else(|| panic!("{events:?}"));
    assert!(shared["detail"].as_str().unwrap().contains("as a link"));

    // The owner's list counts the uses; the token is in it nowhere.
    let list = w.served.get("/api/v1/shares", w.token("duc"));
    assert_eq!(list.status, 200);
    assert!(!list.text().contains(token));
    let mine = list.json()["shares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id.as_str())
        .cloned()
        .unwrap();
    assert!(mine["uses"].as_u64().unwrap() >= 3, "{mine}");
    assert_eq!(mine["state"], "active");
}

#[test]
fn share_tokens_are_never_logged_nor_stored() {
    let w = world();
    let (_, link) = w.duc_link("Hồ sơ xin việc", false);
    let token = link.strip_prefix("/s/").unwrap().to_string();
    assert_eq!(w.open(&link).status, 200);
    assert_eq!(
        w.open(&format!("{link}/documents/{}/content", w.duc_birth()))
            .status,
        200
    );
    // The access log has the requests, by route, never the token.
    let log = std::fs::read_to_string(w.log.path()).unwrap();
    assert!(
        log.contains("/s/{token}"),
        "the access log names the route: {log}"
    );
    assert!(!log.contains(&token), "the token is in the access log");
    // The store keeps its hash only.
    let mut stack = vec![w.served.data_path()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                assert!(
                    !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
                    "the token is stored in {}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn a_revoked_link_answers_410_with_a_vietnamese_page_and_the_attempt_is_ledgered() {
    let w = world();
    let (id, link) = w.duc_link("Hồ sơ thuê nhà", false);
    assert_eq!(w.open(&link).status, 200);
    // Thuý cannot revoke Đức's share; Đức can, once.
    let hers = Request::new("DELETE", &format!("/api/v1/shares/{id}"))
        .bearer(w.token("thuy"))
        .send(&w.served.addr);
    assert_eq!(hers.status, 404, "{}", hers.text());
    let revoked = Request::new("DELETE", &format!("/api/v1/shares/{id}"))
        .bearer(w.token("duc"))
        .send(&w.served.addr);
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    assert_eq!(revoked.json()["state"], "revoked");
    let again = Request::new("DELETE", &format!("/api/v1/shares/{id}"))
        .bearer(w.token("duc"))
        .send(&w.served.addr);
    assert_eq!(again.status, 409, "{}", again.text());
    for path in [
        link.clone(),
        format!("{link}/documents/{}/content", w.duc_birth()),
        format!("{link}/documents/{}/pages/1/preview", w.duc_birth()),
    ] {
        let gone = w.open(&path);
        assert_eq!(gone.status, 410, "{path}: {}", gone.text());
        let page = gone.text();
        assert!(page.contains("Liên kết không còn dùng được"), "{page}");
        // Vietnamese only, and no internal id for the bank clerk holding the link.
        assert!(
            page.contains("liên kết chia sẻ này đã bị thu hồi"),
            "{page}"
        );
        assert!(
            !page.contains(&id) && !page.contains("ask its owner"),
            "{page}"
        );
    }
    // Whoever holds a dead link cannot grow the owner's ledger: one event a day, the rest
    // counted on the share.
    for _ in 0..20 {
        assert_eq!(w.open(&link).status, 410);
    }
    let events = w.ledger(DUC, "duc");
    let refused: Vec<_> = events
        .iter()
        .filter(|e| {
            e["action"] == "refused"
                && e["detail"].as_str().unwrap_or("").contains(&format!(
                    "opened through share {id} refused: the share is revoked"
                ))
        })
        .collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(
        refused[0]["refusal"]["code"], "share.gone",
        "{:?}",
        refused[0]
    );
    assert_eq!(
        refused[0]["purpose"],
        format!("opened through share {id}: Hồ sơ thuê nhà")
    );
    let list = w.served.get("/api/v1/shares", w.token("duc"));
    let share = list.json()["shares"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(share["refused_attempts"], 23, "{share}");
    assert!(events.iter().any(|e| e["action"] == "revoke_share"));
}

#[test]
fn a_guessed_token_finds_nothing() {
    let w = world();
    let guess = format!("/s/{}", "A".repeat(43));
    let answer = w.open(&guess);
    assert_eq!(answer.status, 404, "{}", answer.text());
    let short = w.open("/s/x");
    assert_eq!(short.status, 404);
}

#[test]
fn a_one_time_link_opens_once_and_serves_that_visit() {
    let w = world();
    let (_, link) = w.duc_link("Nộp hồ sơ học bổng", true);
    // A link checker's HEAD and a preview's GET do not use it up: the page asks first and
    // shows nothing of the papers.
    let head = Request::new("HEAD", &link).send(&w.served.addr);
    assert_eq!(head.status, 200);
    for _ in 0..2 {
        let asked = w.open(&link);
        assert_eq!(asked.status, 200, "{}", asked.text());
        let page = asked.text();
        assert!(page.contains("Mở giấy tờ"), "{page}");
        assert!(!page.contains("Giấy khai sinh"), "{page}");
    }
    // The holder's button opens it.
    let opened = Request::new("POST", &link)
        .header("accept", "text/html")
        .send(&w.served.addr);
    assert_eq!(opened.status, 200, "{}", opened.text());
    assert!(
        opened.text().contains("Giấy khai sinh"),
        "{}",
        opened.text()
    );
    // The visit's previews and downloads still work...
    let preview = w.open(&format!(
        "{link}/documents/{}/pages/1/preview",
        w.duc_birth()
    ));
    assert_eq!(preview.status, 200);
    // ...but the page does not open twice.
    let second = w.open(&link);
    assert_eq!(second.status, 410, "{}", second.text());
    assert!(second.text().contains("Liên kết không còn dùng được"));
}

#[test]
fn shares_are_checked_field_by_field_and_only_a_citizen_shares_their_own() {
    let w = world();
    let long = w.share(
        "duc",
        serde_json::json!({"documents": [w.duc_birth()], "kind": "link", "purpose": "x", "until": in_days(31)}),
    );
    assert_eq!(long.status, 422, "{}", long.text());
    assert!(
        long.json()["code"] == "share.until.too_long",
        "{}",
        long.text()
    );
    let empty = w.share(
        "duc",
        serde_json::json!({"documents": [], "kind": "agency"}),
    );
    assert_eq!(empty.status, 422, "{}", empty.text());
    for field in ["documents", "until", "agency_code", "procedure_code"] {
        assert!(
            empty.text().contains(&format!("\"{field}\"")),
            "{field}: {}",
            empty.text()
        );
    }
    // Someone else's document: as if it did not exist, and in its owner's ledger.
    let theirs = w.share(
        "thuy",
        serde_json::json!({"documents": [w.duc_birth()], "kind": "link", "purpose": "x", "until": in_days(3)}),
    );
    assert_eq!(theirs.status, 404, "{}", theirs.text());
    let clerk = w.share(
        "canbo",
        serde_json::json!({"documents": [w.duc_birth()], "kind": "link", "purpose": "x", "until": in_days(3)}),
    );
    assert_eq!(clerk.status, 403, "{}", clerk.text());
    assert!(clerk.json()["detail"]
        .as_str()
        .unwrap_or("")
        .contains("chia sẻ giấy tờ"));
}

#[test]
fn an_agency_share_lets_the_agencys_clerk_read_for_a_dossier_of_its_procedure() {
    let w = world();
    let read = || {
        w.served.get(
            &format!(
                "/api/v1/documents/{}?dossier_code={}&purpose={}",
                w.duc_birth(),
                kho_tests::http::encode(THUY_DOSSIER),
                kho_tests::http::encode("Đối chiếu giấy khai sinh của cha")
            ),
            w.token("canbo"),
        )
    };
    // Thuý's dossier: Đức's paper is not hers.
    let before = read();
    assert_eq!(before.status, 403, "{}", before.text());
    let answer = w.share(
        "duc",
        serde_json::json!({
            "documents": [w.duc_birth()], "kind": "agency", "agency_code": "000.00.15.H47",
            "procedure_code": "1.001193", "until": in_days(60),
        }),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    assert!(answer.json()["link"].is_null());
    let id = answer.json()["share"]["id"].as_str().unwrap().to_string();
    let shared = read();
    assert_eq!(shared.status, 200, "{}", shared.text());
    // Đức's ledger says the clerk read it through a share of his, not as an applicant's.
    let through: Vec<String> = w
        .ledger(DUC, "duc")
        .iter()
        .filter(|e| e["action"] == "read_metadata" && e["dossier_code"] == THUY_DOSSIER)
        .filter_map(|e| e["purpose"].as_str().map(str::to_string))
        .filter(|p| p.ends_with(": Đối chiếu giấy khai sinh của cha"))
        .collect();
    assert!(!through.is_empty());
    assert!(
        through.iter().all(|p| p.starts_with("through share ")),
        "{through:?}"
    );
    // His other papers stay out of reach.
    let land = w.served.get(
        &format!(
            "/api/v1/documents/{}?dossier_code={}&purpose=x",
            w.duc_land(),
            kho_tests::http::encode(THUY_DOSSIER)
        ),
        w.token("canbo"),
    );
    assert_eq!(land.status, 403, "{}", land.text());
    let revoked = Request::new("DELETE", &format!("/api/v1/shares/{id}"))
        .bearer(w.token("duc"))
        .send(&w.served.addr);
    assert_eq!(revoked.status, 200);
    assert_eq!(read().status, 403);
}

#[test]
fn the_citizens_shares_page_lists_them_with_their_state() {
    let w = world();
    let (id, _) = w.duc_link("Trang chia sẻ", false);
    let page = Request::new("GET", "/my/shares")
        .header(
            "cookie",
            &format!("kho_session={}", w.token("duc").unwrap()),
        )
        .send(&w.served.addr);
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(html.contains(&format!("data-share=\"{id}\"")), "{html}");
    assert!(html.contains("Trang chia sẻ"));
    assert!(html.contains("Thu hồi"));
}

#[test]
fn the_activity_feed_tells_the_citizen_what_happened_in_sentences() {
    let w = world();
    // A link opened, and a clerk reading for a dossier through an agency share.
    let purpose = "Hoạt động";
    let (_, link) = w.duc_link(purpose, false);
    assert_eq!(w.open(&link).status, 200);
    let answer = w.share(
        "duc",
        serde_json::json!({
            "documents": [w.duc_birth()], "kind": "agency", "agency_code": "000.00.15.H47",
            "procedure_code": "1.001193", "until": in_days(5),
        }),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    let read = w.served.get(
        &format!(
            "/api/v1/documents/{}?dossier_code={}&purpose=x",
            w.duc_birth(),
            kho_tests::http::encode(THUY_DOSSIER)
        ),
        w.token("canbo"),
    );
    assert_eq!(read.status, 200, "{}", read.text());
    // The whole feed, page after page ("Cũ hơn"): the other tests of this server add to
    // Đức's ledger at the same time, so the oldest lines may be past the first page.
    let mut html = String::new();
    let mut next = Some("/my/activity".to_string());
    let mut pages = 0;
    while let Some(path) = next.take() {
        pages += 1;
        assert!(pages <= 50, "the feed's pages never end: {path}");
        let page = Request::new("GET", &path)
            .header(
                "cookie",
                &format!("kho_session={}", w.token("duc").unwrap()),
            )
            .send(&w.served.addr);
        assert_eq!(page.status, 200, "{}", page.text());
        let text = page.text();
        next = text
            .split("rel=\"next\" href=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(|href| href.replace("&amp;", "&"));
        html.push_str(&text);
    }
    for expected in [
        "Giấy tờ mới được lưu vào kho cho bạn: Giấy khai sinh".to_string(),
        format!("Người nhận liên kết bạn chia sẻ cho “{purpose}” đã mở Giấy khai sinh."),
        // Let in by an agency share (this test's, or another test's still in force).
        format!(
            "Cán bộ canbo (H47.15) đã xem Giấy khai sinh cho hồ sơ {THUY_DOSSIER} (nhờ chia sẻ "
        ),
        "Bạn đã chia sẻ Giấy khai sinh.".to_string(),
    ] {
        assert!(html.contains(&expected), "{expected}: {html}");
    }
    // Thuý's feed says nothing of Đức's papers.
    let hers = Request::new("GET", "/my/activity")
        .header(
            "cookie",
            &format!("kho_session={}", w.token("thuy").unwrap()),
        )
        .send(&w.served.addr);
    assert_eq!(hers.status, 200);
    assert!(!hers.text().contains("Giấy khai sinh"), "{}", hers.text());
}

#[test]
fn a_refused_share_form_comes_back_filled_in_with_each_rule_under_its_field() {
    let w = world();
    // Thuý's form: Đức's feed, which another test reads a page of, stays as it is.
    let cookie = format!("kho_session={}", w.token("thuy").unwrap());
    let marriage = &w.docs["giay-chung-nhan-ket-hon-tran-thi-thuy.png"];
    let page = Request::new("GET", "/my/shares")
        .header("cookie", &cookie)
        .send(&w.served.addr)
        .text();
    let csrf = kho_tests::http::csrf_of(&page);
    // An agency share with a malformed agency code, no procedure and a day already past.
    let answer = Request::new("POST", "/my/shares")
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            format!(
                "csrf={csrf}&documents={}&kind=agency&agency_code={}&procedure_code=&until={}&purpose={}&one_time=true",
                marriage,
                kho_tests::http::encode("H47..15"),
                kho_tests::http::encode("01/01/2020"),
                kho_tests::http::encode("Vay vốn"),
            )
            .into_bytes(),
        )
        .send(&w.served.addr);
    assert_eq!(answer.status, 422, "{}", answer.text());
    let html = answer.text();
    assert!(html.contains("id=\"loi-chia-se\""), "{html}");
    // Each broken rule under its own field, the field marked invalid.
    for field in ["agency_code", "procedure_code", "until"] {
        assert!(
            html.contains(&format!(
                "aria-invalid=\"true\" aria-describedby=\"{field}-loi\""
            )),
            "{field} marked: {html}"
        );
        let said = html
            .split(&format!("<p class=\"field-error\" id=\"{field}-loi\">"))
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or_default();
        assert!(
            !said.trim().is_empty(),
            "{field}: a message under it: {html}"
        );
    }
    assert!(!html.contains("aria-describedby=\"purpose-loi\""), "{html}");
    // What was typed, ticked and chosen is kept.
    for kept in [
        "value=\"H47..15\"".to_string(),
        "value=\"01/01/2020\"".to_string(),
        "value=\"Vay vốn\"".to_string(),
        format!("value=\"{marriage}\" checked"),
        "name=\"kind\" value=\"agency\" checked".to_string(),
        "name=\"one_time\" value=\"true\" checked".to_string(),
    ] {
        assert!(html.contains(&kept), "{kept}: {html}");
    }
    assert!(
        !html.contains("name=\"kind\" value=\"link\" checked"),
        "{html}"
    );
}

/// The link a citizen just made is a bearer secret: shown once, in the answer to the form,
/// never in an address (browser history); an address cannot make the page show one.
#[test]
fn a_new_link_is_shown_in_the_answer_and_never_put_in_an_address() {
    let w = world();
    let cookie = format!("kho_session={}", w.token("duc").unwrap());
    let page = Request::new("GET", "/my/shares")
        .header("cookie", &cookie)
        .send(&w.served.addr)
        .text();
    let csrf = kho_tests::http::csrf_of(&page);
    let answer = Request::new("POST", "/my/shares")
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(
            format!(
                "csrf={csrf}&documents={}&kind=link&until={}&purpose={}",
                w.duc_birth(),
                kho_tests::http::encode(&in_days(3)),
                kho_tests::http::encode("Hồ sơ xin việc"),
            )
            .into_bytes(),
        )
        .send(&w.served.addr);
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(answer.header("location").is_none());
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let html = answer.text();
    let link = html
        .split("id=\"share-link\" readonly value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{html}"));
    let path = &link[link.find("/s/").unwrap()..];
    assert_eq!(w.open(path).status, 200, "the link shown opens");
    // What an address says is never shown as a link just made.
    let forged = Request::new("GET", "/my/shares?link=%2Fs%2Fattacker")
        .header("cookie", &cookie)
        .send(&w.served.addr)
        .text();
    assert!(!forged.contains("Đã tạo liên kết"), "{forged}");
}
