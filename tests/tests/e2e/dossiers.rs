//! Dossiers registered by the one-stop system (#20), over HTTP against `kho serve
//! --dossier-check registered`: registration (`POST /api/v1/dossiers`, role `intake` or a clerk
//! at reception), reads and reuses bound to a dossier's applicants, an unregistered code
//! refused and ledgered, the citizen's dossiers with the documents each used, and the old rule
//! under `--dossier-check format`.

use kho_tests::http::{encode, serve_samples, serve_samples_with, Request, SamplesServed, Served};
use kho_tests::Kho;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const DUC: &str = "049075001234";
const THUY: &str = "079305000001";
/// Đức's dossier at the one-stop desk of Quảng Nam (H47).
const DUC_DOSSIER: &str = "000.00.00.H47-261120-0007";
/// Well formed, of Quảng Nam, never registered.
const INVENTED: &str = "000.00.00.H47-261120-0999";
const PURPOSE: &str = "Đối chiếu giấy khai sinh";

struct World {
    served: Served,
    tokens: BTreeMap<&'static str, String>,
    docs: BTreeMap<String, String>,
    intake: String,
}

const USERS: [(&str, &str, &[&str]); 5] = [
    ("vanhanh", "operator", &[]),
    ("canbo", "clerk", &["--agency", "H47.15"]),
    ("canbo-hanoi", "clerk", &["--agency", "H01"]),
    ("duc", "citizen", &["--owner", DUC]),
    ("thuy", "citizen", &["--owner", THUY]),
];

fn password(user: &str) -> String {
    format!("mật-khẩu-của-{user}")
}

/// The samples served with registered dossiers, an intake token, and Đức's dossier
/// registered by it.
fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let mut intake = String::new();
        let SamplesServed {
            served,
            tokens,
            docs,
        } = serve_samples_with(&USERS, password, |kho| {
            intake = kho.token("intake", &[]);
            Served::start_with(kho, &["--dossier-check", "registered"])
        });
        let w = World {
            served,
            tokens,
            docs,
            intake,
        };
        let answer = w.register(&w.intake, &duc_dossier());
        assert_eq!(answer.status, 201, "{}", answer.text());
        w
    })
}

fn duc_dossier() -> serde_json::Value {
    serde_json::json!({
        "code": DUC_DOSSIER,
        "procedure_code": "1.001193",
        "applicants": [DUC],
        "receiving_agency": "000.00.15.H47",
        "received_on": "20/11/2026",
    })
}

impl World {
    fn token(&self, user: &str) -> Option<&str> {
        self.tokens.get(user).map(String::as_str)
    }

    fn register(&self, token: &str, body: &serde_json::Value) -> kho_tests::http::Answer {
        self.served.post("/api/v1/dossiers", Some(token), body)
    }

    fn duc_birth(&self) -> &str {
        &self.docs["giay-khai-sinh-nguyen-van-duc.pdf"]
    }

    fn thuy_marriage(&self) -> &str {
        &self.docs["giay-chung-nhan-ket-hon-tran-thi-thuy.png"]
    }

    fn ledger_of(&self, owner: &str, user: &str) -> Vec<serde_json::Value> {
        let answer = self.served.get(
            &format!("/api/v1/owners/{owner}/ledger?limit=1000"),
            self.token(user),
        );
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()["events"].as_array().unwrap().clone()
    }
}

fn for_dossier(target: &str, dossier: &str) -> String {
    format!(
        "{target}{}dossier_code={}&purpose={}",
        if target.contains('?') { '&' } else { '?' },
        encode(dossier),
        encode(PURPOSE)
    )
}

#[test]
fn a_dossier_is_registered_by_the_one_stop_token_once_and_each_field_is_checked() {
    let w = world();
    // The same dossier again: harmless (the one-stop system retries).
    let again = w.register(&w.intake, &duc_dossier());
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["applicants"], serde_json::json!([DUC]));
    assert_eq!(again.json()["received_on"], "2026-11-20");
    assert_eq!(again.json()["registered_by"], "intake");
    // The same code with other applicants: a conflict, not a silent change.
    let mut changed = duc_dossier();
    changed["applicants"] = serde_json::json!([THUY]);
    let conflict = w.register(&w.intake, &changed);
    assert_eq!(conflict.status, 409, "{}", conflict.text());
    // Every broken field named at once.
    let bad = w.register(
        &w.intake,
        &serde_json::json!({
            "code": "H47-1", "procedure_code": "1.001193", "applicants": ["12345"],
            "receiving_agency": "000.00.15.H47", "received_on": "2026-02-31",
        }),
    );
    assert_eq!(bad.status, 422, "{}", bad.text());
    let text = bad.text();
    for field in ["code", "applicants[0]", "received_on"] {
        assert!(text.contains(&format!("\"{field}\"")), "{field}: {text}");
    }
    // The date must be the one the code carries.
    let mut late = duc_dossier();
    late["code"] = serde_json::json!("000.00.00.H47-261121-0001");
    let late = w.register(&w.intake, &late);
    assert_eq!(late.status, 422, "{}", late.text());
    assert!(late.text().contains("received_on"), "{}", late.text());
    // A reception still to come is no reception; an applicant named twice is said.
    let future = w.register(
        &w.intake,
        &serde_json::json!({
            "code": "000.00.00.H47-351120-0001", "procedure_code": "1.001193",
            "applicants": [DUC], "receiving_agency": "000.00.15.H47", "received_on": "2035-11-20",
        }),
    );
    assert_eq!(future.status, 422, "{}", future.text());
    assert_eq!(
        future.json()["errors"][0]["field"],
        "received_on",
        "{}",
        future.text()
    );
    assert_eq!(
        future.json()["errors"][0]["code"],
        "dossier.received_on.later"
    );
    let twice = w.register(
        &w.intake,
        &serde_json::json!({
            "code": "000.00.00.H47-261120-0041", "procedure_code": "1.001193",
            "applicants": [DUC, DUC], "receiving_agency": "000.00.15.H47", "received_on": "2026-11-20",
        }),
    );
    assert_eq!(twice.status, 422, "{}", twice.text());
    assert_eq!(
        twice.json()["errors"][0]["field"],
        "applicants[1]",
        "{}",
        twice.text()
    );
    // The applicant's ledger says the dossier was registered, by whom.
    let events = w.ledger_of(DUC, "duc");
    let registered: Vec<_> = events
        .iter()
        .filter(|e| e["action"] == "register_dossier")
        .collect();
    assert_eq!(registered.len(), 1, "{events:?}");
    assert_eq!(registered[0]["dossier_code"], DUC_DOSSIER);
    assert_eq!(registered[0]["actor_kind"], "token");
    assert_eq!(registered[0]["actor"], "intake");
}

#[test]
fn a_clerk_at_reception_registers_for_their_province_and_others_may_not_register() {
    let w = world();
    let own = serde_json::json!({
        "code": "000.00.15.H47-261125-0003", "procedure_code": "1.001193",
        "applicants": [THUY], "receiving_agency": "H47.15", "received_on": "2026-11-25",
    });
    let answer = w.register(w.token("canbo").unwrap(), &own);
    assert_eq!(answer.status, 201, "{}", answer.text());
    assert_eq!(answer.json()["registered_by"], "canbo");
    // Thuý is told that a clerk, not the one-stop system, opened a dossier in her name.
    let feed = Request::new("GET", "/my/activity")
        .header(
            "cookie",
            &format!("kho_session={}", w.token("thuy").unwrap()),
        )
        .send(&w.served.addr)
        .text();
    assert!(
        feed.contains("Cán bộ canbo (H47.15) đã tự đăng ký hồ sơ 000.00.15.H47-261125-0003"),
        "{feed}"
    );
    let hanoi = w.register(w.token("canbo-hanoi").unwrap(), &own);
    assert_eq!(hanoi.status, 403, "{}", hanoi.text());
    assert_eq!(
        hanoi.json()["code"],
        "refusal.dossier.register_other_province",
        "{}",
        hanoi.text()
    );
    for user in ["vanhanh", "duc"] {
        let refused = w.register(w.token(user).unwrap(), &own);
        assert_eq!(refused.status, 403, "{user}: {}", refused.text());
        assert!(
            refused.json()["detail"]
                .as_str()
                .unwrap_or("")
                .contains("đăng ký hồ sơ"),
            "{}",
            refused.text()
        );
    }
    // The intake token reads nothing.
    let read = w.served.get(
        &format!("/api/v1/documents/{}", w.duc_birth()),
        Some(&w.intake),
    );
    assert_eq!(read.status, 403, "{}", read.text());
}

#[test]
fn a_clerk_reads_and_reuses_for_a_registered_dossier_only_its_applicants_documents() {
    let w = world();
    let clerk = w.token("canbo");
    let own = w.served.get(
        &for_dossier(&format!("/api/v1/documents/{}", w.duc_birth()), DUC_DOSSIER),
        clerk,
    );
    assert_eq!(own.status, 200, "{}", own.text());
    let reuse = w.served.post(
        &format!("/api/v1/documents/{}/reuses", w.duc_birth()),
        clerk,
        &serde_json::json!({"dossier_code": DUC_DOSSIER, "purpose": PURPOSE}),
    );
    assert_eq!(reuse.status, 201, "{}", reuse.text());

    // Thuý's paper for Đức's dossier: refused, named, and in Thuý's ledger.
    let other = w.served.get(
        &for_dossier(
            &format!("/api/v1/documents/{}", w.thuy_marriage()),
            DUC_DOSSIER,
        ),
        clerk,
    );
    assert_eq!(other.status, 403, "{}", other.text());
    assert!(
        other.json()["code"] == "refusal.dossier.other_applicant",
        "{}",
        other.text()
    );
    let other_reuse = w.served.post(
        &format!("/api/v1/documents/{}/reuses", w.thuy_marriage()),
        clerk,
        &serde_json::json!({"dossier_code": DUC_DOSSIER, "purpose": PURPOSE}),
    );
    assert_eq!(other_reuse.status, 403, "{}", other_reuse.text());
    let list = w.served.get(
        &for_dossier(&format!("/api/v1/owners/{THUY}/documents"), DUC_DOSSIER),
        clerk,
    );
    assert_eq!(list.status, 403, "{}", list.text());
    let thuy = w.ledger_of(THUY, "thuy");
    let refusals: Vec<_> = thuy
        .iter()
        .filter(|e| {
            e["action"] == "refused"
                && e["detail"]
                    .as_str()
                    .unwrap_or("")
                    .contains("registered for another applicant")
        })
        .collect();
    assert!(refusals.len() >= 3, "{thuy:?}");
    assert!(thuy
        .iter()
        .all(|e| e["action"] != "read_metadata" || e["actor"] != "canbo"));

    // A search for the dossier covers its applicant only, whatever the words.
    let search = w.served.get(
        &for_dossier("/api/v1/search?q=&limit=100", DUC_DOSSIER),
        clerk,
    );
    assert_eq!(search.status, 200, "{}", search.text());
    let hits = search.json()["hits"].as_array().unwrap().clone();
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert!(hits.iter().all(|h| h["owner_id"] == DUC), "{hits:?}");
    let aimed = w.served.get(
        &for_dossier(&format!("/api/v1/search?q=&owner={THUY}"), DUC_DOSSIER),
        clerk,
    );
    assert_eq!(aimed.status, 403, "{}", aimed.text());
    // Her ID typed in the search box is the same attempt: refused, and in her ledger.
    let before = w.ledger_of(THUY, "thuy").len();
    let typed = w.served.get(
        &for_dossier(&format!("/api/v1/search?q={THUY}"), DUC_DOSSIER),
        clerk,
    );
    assert_eq!(typed.status, 403, "{}", typed.text());
    assert_eq!(typed.json()["code"], "refusal.dossier.other_applicant");
    let after = w.ledger_of(THUY, "thuy");
    assert!(
        after.len() > before && after.iter().any(|e| e["action"] == "refused"),
        "{after:?}"
    );
    // The clerk's page says what the search covers.
    let page = Request::new("GET", &for_dossier("/?q=tran+thi+thuy", DUC_DOSSIER))
        .header("cookie", &format!("kho_session={}", clerk.unwrap()))
        .send(&w.served.addr)
        .text();
    assert!(
        page.contains(&format!(
            "Chỉ tìm trong giấy tờ của người nộp hồ sơ {DUC_DOSSIER}"
        )),
        "{page}"
    );
}

#[test]
fn an_unregistered_dossier_code_is_refused_with_its_reason_in_the_owners_ledger() {
    let w = world();
    let clerk = w.token("canbo");
    let answer = w.served.get(
        &for_dossier(&format!("/api/v1/documents/{}", w.duc_birth()), INVENTED),
        clerk,
    );
    assert_eq!(answer.status, 403, "{}", answer.text());
    assert!(
        answer.json()["code"] == "refusal.dossier.not_registered",
        "{}",
        answer.text()
    );
    let search = w
        .served
        .get(&for_dossier("/api/v1/search?q=duc", INVENTED), clerk);
    assert_eq!(search.status, 403, "{}", search.text());
    let events = w.ledger_of(DUC, "duc");
    // The refused event names the dossier and the purpose the clerk gave, and the rule.
    let refused = events
        .iter()
        .find(|e| {
            e["action"] == "refused"
                && e["doc_id"] == w.duc_birth()
                && e["detail"]
                    .as_str()
                    .unwrap_or("")
                    .contains(&format!("dossier {INVENTED} is not registered"))
        })
        .unwrap_or_else(|| panic!("{events:?}"));
    assert_eq!(refused["dossier_code"], INVENTED, "{refused}");
    assert_eq!(refused["purpose"], PURPOSE, "{refused}");
    assert_eq!(
        refused["refusal"]["code"], "refusal.dossier.not_registered",
        "{refused}"
    );
    // Đức reads it in Vietnamese: what the clerk said, and why kho refused.
    let cookie = |user: &str| format!("kho_session={}", w.token(user).unwrap());
    let page = Request::new("GET", "/my/ledger")
        .header("cookie", &cookie("duc"))
        .send(&w.served.addr)
        .text();
    assert!(
        page.contains(&format!(
            "{PURPOSE} (bị từ chối: hồ sơ {INVENTED} chưa được đăng ký"
        )),
        "{page}"
    );
    // The clerk's page says what happened, in the clerk's words, not another refusal's.
    let clerk_page = Request::new(
        "GET",
        &for_dossier(&format!("/documents/{}", w.duc_birth()), INVENTED),
    )
    .header("cookie", &cookie("canbo"))
    .header("accept", "text/html")
    .send(&w.served.addr);
    assert_eq!(clerk_page.status, 403);
    let html = clerk_page.text();
    assert!(html.contains("Hồ sơ chưa được đăng ký"), "{html}");
    assert!(!html.contains("của mình tiếp nhận"), "{html}");
    assert!(!html.contains("/api/v1/"), "no developer words: {html}");
}

/// A reuse serves a new dossier only with a paper in force, and only for the procedure the
/// dossier was registered for (which it takes when none is given).
#[test]
fn a_reuse_takes_only_a_paper_in_force_and_the_registered_procedure() {
    let w = world();
    let clerk = w.token("canbo");
    const AN: &str = "048090012345";
    const AN_DOSSIER: &str = "000.00.00.H47-261120-0031";
    let registered = w.register(
        &w.intake,
        &serde_json::json!({
            "code": AN_DOSSIER, "procedure_code": "1.009994", "applicants": [AN],
            "receiving_agency": "000.00.15.H47", "received_on": "2026-11-20",
        }),
    );
    assert_eq!(registered.status, 201, "{}", registered.text());
    // Lê Văn An's construction permit of 10/03/2025 is past its validity.
    let permit = &w.docs["giay-phep-xay-dung-le-van-an.pdf"];
    let expired = w.served.post(
        &format!("/api/v1/documents/{permit}/reuses"),
        clerk,
        &serde_json::json!({"dossier_code": AN_DOSSIER, "purpose": "Gia hạn giấy phép"}),
    );
    assert_eq!(expired.status, 409, "{}", expired.text());
    assert_eq!(
        expired.json()["code"],
        "conflict.reuse_expired",
        "{}",
        expired.text()
    );
    // It can still be read for the dossier (and that read is recorded).
    let read = w.served.get(
        &for_dossier(&format!("/api/v1/documents/{permit}"), AN_DOSSIER),
        clerk,
    );
    assert_eq!(read.status, 200, "{}", read.text());
    assert_eq!(
        read.json()["reuses"],
        serde_json::json!([]),
        "no reuse was recorded"
    );

    // Another procedure than the dossier's: refused on that field.
    let wrong = w.served.post(
        &format!("/api/v1/documents/{}/reuses", w.duc_birth()),
        clerk,
        &serde_json::json!({
            "dossier_code": DUC_DOSSIER, "procedure_code": "1.009994", "purpose": PURPOSE,
        }),
    );
    assert_eq!(wrong.status, 422, "{}", wrong.text());
    let problem = wrong.json();
    assert_eq!(problem["errors"][0]["field"], "procedure_code", "{problem}");
    assert_eq!(
        problem["errors"][0]["code"], "reuse.procedure_not_the_dossiers",
        "{problem}"
    );
    // None given: the dossier's own.
    let right = w.served.post(
        &format!("/api/v1/documents/{}/reuses", w.duc_birth()),
        clerk,
        &serde_json::json!({"dossier_code": DUC_DOSSIER, "purpose": PURPOSE}),
    );
    assert_eq!(right.status, 201, "{}", right.text());
    let events = w.ledger_of(DUC, "duc");
    let reuse = events
        .iter()
        .rev()
        .find(|e| e["action"] == "reuse")
        .unwrap_or_else(|| panic!("{events:?}"));
    assert_eq!(reuse["procedure_code"], "1.001193", "{reuse}");
}

#[test]
fn the_citizen_sees_their_dossiers_and_the_documents_each_used() {
    let w = world();
    // A reuse for the dossier first, so that the list has something to show.
    let reuse = w.served.post(
        &format!("/api/v1/documents/{}/reuses", w.duc_birth()),
        w.token("canbo"),
        &serde_json::json!({"dossier_code": DUC_DOSSIER, "purpose": PURPOSE}),
    );
    assert_eq!(reuse.status, 201, "{}", reuse.text());
    let answer = w
        .served
        .get(&format!("/api/v1/owners/{DUC}/dossiers"), w.token("duc"));
    assert_eq!(answer.status, 200, "{}", answer.text());
    let dossiers = answer.json()["dossiers"].as_array().unwrap().clone();
    let mine = dossiers
        .iter()
        .find(|d| d["dossier"]["code"] == DUC_DOSSIER)
        .unwrap_or_else(|| panic!("{dossiers:?}"));
    // The birth certificate was reused; whatever else the dossier read (its searches) is
    // Đức's and listed as read.
    let used = mine["documents"].as_array().unwrap();
    let birth = used
        .iter()
        .find(|d| d["document"]["id"] == w.duc_birth())
        .unwrap_or_else(|| panic!("{used:?}"));
    assert_eq!(birth["reused"], true);
    assert!(
        used.iter().all(|d| d["document"]["owner_id"] == DUC),
        "{used:?}"
    );
    // Thuý's dossiers do not include Đức's; she cannot list his.
    let hers = w
        .served
        .get(&format!("/api/v1/owners/{DUC}/dossiers"), w.token("thuy"));
    assert_eq!(hers.status, 404, "{}", hers.text());
    let clerk = w
        .served
        .get(&format!("/api/v1/owners/{DUC}/dossiers"), w.token("canbo"));
    assert_eq!(clerk.status, 403, "{}", clerk.text());
    // The page says the same.
    let page = Request::new("GET", "/my/dossiers")
        .header(
            "cookie",
            &format!("kho_session={}", w.token("duc").unwrap()),
        )
        .send(&w.served.addr);
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(html.contains(DUC_DOSSIER), "{html}");
    assert!(html.contains("Dùng lại trong hồ sơ"), "{html}");
}

#[test]
fn the_format_check_keeps_the_old_rule_for_provinces_not_yet_connected() {
    // `serve_samples` runs with `--dossier-check format`, as the tests about other things do.
    let SamplesServed {
        served,
        tokens,
        docs,
    } = serve_samples(&[("canbo", "clerk", &["--agency", "H47.15"])], password);
    let answer = served.get(
        &for_dossier(
            &format!(
                "/api/v1/documents/{}",
                docs["giay-khai-sinh-nguyen-van-duc.pdf"]
            ),
            INVENTED,
        ),
        Some(&tokens["canbo"]),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
}

#[test]
fn a_list_of_dossiers_is_imported_at_the_console_row_by_row() {
    let kho = Kho::new();
    let list = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        list.path(),
        "code,procedure_code,applicants,receiving_agency,received_on\n\
         000.00.00.H47-261120-0007,1.001193,049075001234;079305000001,000.00.15.H47,2026-11-20\n\
         000.00.00.H47-261120-0008,1.001193,12345,000.00.15.H47,2026-11-20\n",
    )
    .unwrap();
    let run = kho.run(["dossier", "import", list.path().to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains(":2: registered 000.00.00.H47-261120-0007"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(":3: rejected: applicants[0]"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("1 dossiers registered, 0 already registered, 1 rejected"));
    let again = kho.run(["dossier", "import", list.path().to_str().unwrap()]);
    assert!(
        again.stdout.contains("registered already"),
        "{}",
        again.stdout
    );
    // Under a Vietnamese locale the console says the same in Vietnamese.
    let mut command = kho.command();
    command.args(["dossier", "import", list.path().to_str().unwrap()]);
    command.env("LANG", "vi_VN.UTF-8");
    let vietnamese: kho_tests::Run = command.output().unwrap().into();
    assert!(
        vietnamese
            .stdout
            .contains("000.00.00.H47-261120-0007 đã được đăng ký từ trước")
            && vietnamese
                .stdout
                .contains("kho: 0 hồ sơ đã đăng ký, 1 hồ sơ đã đăng ký từ trước, 1 bị từ chối"),
        "{}",
        vietnamese.stdout
    );
    // The samples' list (scripts/run.sh) is valid as committed.
    let samples = kho.run([
        "dossier",
        "import",
        kho_tests::corpus().join("dossiers.csv").to_str().unwrap(),
    ]);
    assert_eq!(samples.code, 0, "{}{}", samples.stdout, samples.stderr);
}

/// The clerk's pages: a reuse confirmed only from the ledger (an address that says `done=reuse`
/// confirms nothing), no certified-copy form a server without a key cannot honour, and a value
/// that cannot be read said under its field with the search kept.
#[test]
fn the_clerks_pages_confirm_from_the_ledger_and_never_dead_end() {
    let w = world();
    let cookie = format!("kho_session={}", w.token("canbo").unwrap());
    let page = |path: &str| {
        Request::new("GET", path)
            .header("cookie", &cookie)
            .send(&w.served.addr)
    };
    // Đức's land certificate was never reused by this clerk for his dossier.
    let land = &w.docs["giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc.pdf"];
    let forged = page(&format!(
        "{}&done=reuse&earlier=1999-01-01T00:00:00Z",
        for_dossier(&format!("/documents/{land}"), DUC_DOSSIER)
    ));
    assert_eq!(forged.status, 200, "{}", forged.text());
    let html = forged.text();
    assert!(!html.contains("id=\"da-tai-su-dung\""), "{html}");
    assert!(!html.contains("id=\"da-dung-truoc-do\""), "{html}");
    // This server has no signing key: no form, a word for the clerk instead.
    assert!(html.contains("id=\"chua-bat-chung-thuc\""), "{html}");
    assert!(
        !html.contains(&format!("action=\"/documents/{land}/certify\"")),
        "{html}"
    );

    let bad = page(&format!(
        "{}&offset=-1&valid_only=maybe",
        for_dossier("/?q=nguyen+van+duc", DUC_DOSSIER)
    ));
    let html = bad.text();
    assert!(!html.contains("Failed to deserialize"), "{html}");
    assert!(html.contains("cần một số nguyên không âm"), "{html}");
    assert!(html.contains("cần true hoặc false"), "{html}");
    // The search form still holds the dossier and the words.
    assert!(html.contains(&format!("value=\"{DUC_DOSSIER}\"")), "{html}");
    assert!(html.contains("value=\"nguyen van duc\""), "{html}");
}
