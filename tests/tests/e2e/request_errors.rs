//! What a request gets wrong is answered as the rest of kho answers (review F3, F16, F20): every
//! broken field of a read's reason at once; problem+json for every API error (a 405 too, a JSON
//! body over the limit a 413), the Vietnamese error page for every web page (a link's pages
//! too, opened by people without an account); the search's and the ledger's parameters checked
//! as the same parameters are elsewhere; an agency share's end capped. Over HTTP against
//! `kho serve`.

use kho_tests::http::{encode, Request, Served};
use kho_tests::Kho;

const DUC: &str = "049075001234";
const DOSSIER: &str = "000.00.01.H47-261127-0001";

struct World {
    served: Served,
    operator: String,
    clerk: String,
    citizen: String,
    /// The clerk's web session (`kho_session`), from the API's sign-in.
    clerk_session: String,
    doc: String,
}

const PASSWORD: &str = "mật-khẩu-của-cán-bộ";

fn world() -> World {
    let kho = Kho::new();
    let operator = kho.token("operator", &[]);
    let clerk = kho.token("clerk", &["--agency", "H47.15"]);
    let citizen = kho.token("citizen", &["--owner", DUC]);
    kho.add_user("canbo", "clerk", &["--agency", "H47.15"], PASSWORD);
    let served = Served::start(kho);
    let login = served.post(
        "/api/v1/login",
        None,
        &serde_json::json!({"username": "canbo", "password": PASSWORD}),
    );
    assert_eq!(login.status, 200, "{}", login.text());
    let clerk_session = login.json()["token"].as_str().unwrap().to_string();
    let pdf = kho_tests::fixtures::pdf(1, "Giay khai sinh kiem tra loi yeu cau 5521");
    let answer = served.send(
        Request::new("POST", "/api/v1/documents")
            .bearer(Some(&operator))
            .multipart(
                &[("owner_id", DUC), ("doc_type", "birth_certificate")],
                "khai-sinh.pdf",
                &pdf,
            ),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    let doc = answer.json()["id"].as_str().unwrap().to_string();
    World {
        served,
        operator,
        clerk,
        citizen,
        clerk_session,
        doc,
    }
}

fn codes(problem: &serde_json::Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or_default().to_string(),
                        e["code"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect()
}

fn is_problem(answer: &kho_tests::http::Answer) -> bool {
    answer.header("content-type") == Some("application/problem+json")
}

fn is_page(answer: &kho_tests::http::Answer) -> bool {
    answer
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html"))
}

/// Review F3: a malformed dossier code does not hide the empty purpose of a clerk's read.
#[test]
fn a_clerks_reason_reports_every_broken_part_at_once() {
    let w = world();
    let answer = w.served.get(
        &format!(
            "/api/v1/documents/{}?dossier_code=H47-abc&purpose=%20%20%20",
            w.doc
        ),
        Some(&w.clerk),
    );
    assert_eq!(answer.status, 422, "{}", answer.text());
    let problem = answer.json();
    assert_eq!(problem["code"], "request.invalid", "{problem}");
    assert_eq!(
        codes(&problem),
        pairs(&[
            ("dossier_code", "dossier_code.shape"),
            ("purpose", "purpose.required")
        ]),
        "{problem}"
    );
    // A citizen is asked for no purpose: only the malformed code is theirs to fix.
    let own = w.served.get(
        &format!("/api/v1/documents/{}?dossier_code=H47-abc", w.doc),
        Some(&w.citizen),
    );
    assert_eq!(own.status, 422, "{}", own.text());
    assert_eq!(own.json()["code"], "dossier_code.shape", "{}", own.text());
}

/// Review F16: every error of the API is problem+json, every error of a page is the page.
#[test]
fn every_error_is_problem_json_for_programs_and_a_vietnamese_page_for_people() {
    let w = world();
    // A 405 of the API says so, with `Allow`.
    let put = w.served.send(
        Request::new("PUT", &format!("/api/v1/documents/{}", w.doc)).bearer(Some(&w.operator)),
    );
    assert_eq!(put.status, 405, "{}", put.text());
    assert!(is_problem(&put), "{:?}", put.headers);
    assert_eq!(put.json()["code"], "request.method", "{}", put.text());
    assert!(put.header("allow").is_some_and(|a| a.contains("GET")));
    // ... and a page's 405 is a page.
    let logout = w
        .served
        .send(Request::new("GET", "/logout").header("Accept", "text/html"));
    assert_eq!(logout.status, 405);
    assert!(is_page(&logout), "{:?}", logout.headers);
    assert!(logout.text().contains("Không mở được trang theo cách này"));
    // A JSON body over the limit is 413, not a 400 about buffering.
    let huge = serde_json::json!({"username": "x".repeat(2 << 20), "password": "y"});
    let too_large = w
        .served
        .send(Request::new("POST", "/api/v1/login").json(&huge));
    assert_eq!(too_large.status, 413, "{}", too_large.text());
    assert!(is_problem(&too_large));
    assert_eq!(too_large.json()["code"], "too_large.request");
    // A value of a page's address that cannot be read: the page in Vietnamese, never axum's
    // English, for a link's holder without an account too.
    for path in [
        format!("/s/khong-co/documents/{}/pages/-1/preview", w.doc),
        format!(
            "/documents/{}/pages/-1?dossier_code={}&purpose=x",
            w.doc,
            encode(DOSSIER)
        ),
    ] {
        let bad = w.served.send(
            Request::new("GET", &path)
                .header("Accept", "text/html")
                .header("Cookie", &format!("kho_session={}", w.clerk_session)),
        );
        assert_eq!(bad.status, 400, "{path}: {}", bad.text());
        assert!(is_page(&bad), "{path}: {:?}", bad.headers);
        let text = bad.text();
        assert!(text.contains("Địa chỉ không hợp lệ"), "{path}: {text}");
        assert!(text.contains("“-1”"), "{path}: {text}");
        assert!(!text.contains("Cannot parse"), "{path}: {text}");
    }
    // A range outside the file: its detail from the message table, Vietnamese by default.
    let range = w.served.send(
        Request::new(
            "GET",
            &format!(
                "/api/v1/documents/{}/content?dossier_code={}&purpose=x",
                w.doc,
                encode(DOSSIER)
            ),
        )
        .bearer(Some(&w.clerk))
        .header("Range", "bytes=99999999-"),
    );
    assert_eq!(range.status, 416, "{}", range.text());
    assert_eq!(range.json()["code"], "request.range");
    let detail = range.json()["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(detail.contains("nằm ngoài tệp"), "{detail}");
    // The 404 page of an anonymous visitor claims no ledger and points at no API.
    let missing = w
        .served
        .send(Request::new("GET", "/static/x").header("Accept", "text/html"));
    assert_eq!(missing.status, 404);
    assert!(is_page(&missing));
    let text = missing.text();
    assert!(!text.contains("ghi lại"), "{text}");
    assert!(!text.contains("openapi"), "{text}");
    // The API's own 404 still points programs at the description.
    let api_missing = w.served.get("/api/v1/no-such-route", None);
    assert!(is_problem(&api_missing));
    assert!(api_missing.text().contains("openapi.json"));
}

/// Review F20: the search's and the ledger's parameters are checked as the same parameters
/// are elsewhere, and an agency share's end is capped.
#[test]
fn search_ledger_and_share_parameters_are_checked() {
    let w = world();
    for limit in [0, 1001] {
        let answer = w.served.get(
            &format!("/api/v1/owners/{DUC}/ledger?limit={limit}"),
            Some(&w.citizen),
        );
        assert_eq!(answer.status, 422, "{limit}: {}", answer.text());
        assert_eq!(codes(&answer.json()), pairs(&[("limit", "request.limit")]));
    }
    let ok = w.served.get(
        &format!("/api/v1/owners/{DUC}/ledger?limit=1000"),
        Some(&w.citizen),
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
    let search = |query: &str, token: &str| {
        w.served
            .get(&format!("/api/v1/search?q=duc&{query}"), Some(token))
    };
    for (query, field, code) in [
        (
            "from=2030-01-01&to=2020-01-01",
            "from",
            "search.from_after_to",
        ),
        ("from=0000-01-01", "from", "search.date_too_early"),
        ("to=1899-12-31", "to", "search.date_too_early"),
        ("type=nonexistent", "type", "doc_type.unknown"),
        ("owner=abc", "owner", "id.digits_only"),
    ] {
        let answer = search(query, &w.operator);
        assert_eq!(answer.status, 422, "{query}: {}", answer.text());
        assert_eq!(
            codes(&answer.json()),
            pairs(&[(field, code)]),
            "{query}: {}",
            answer.text()
        );
    }
    let unknown = search("type=nonexistent", &w.operator).json();
    assert!(
        unknown["detail"]
            .as_str()
            .is_some_and(|d| d.contains("birth_certificate")),
        "the known types are listed: {unknown}"
    );
    // A malformed owner ID is a typo, answered before the dossier is checked (it was a 403
    // "other applicant" with dossiers registered).
    let clerks = search(
        &format!("owner=abc&dossier_code={}&purpose=x", encode(DOSSIER)),
        &w.clerk,
    );
    assert_eq!(clerks.status, 422, "{}", clerks.text());
    assert_eq!(clerks.json()["code"], "id.digits_only", "{}", clerks.text());
    // An agency share lasts at most a year; the latest day is said as Vietnamese dates are.
    let share = w.served.post(
        "/api/v1/shares",
        Some(&w.citizen),
        &serde_json::json!({
            "documents": [w.doc], "kind": "agency", "agency_code": "000.00.15.H47",
            "procedure_code": "1.001193", "until": "2099-06-01",
        }),
    );
    assert_eq!(share.status, 422, "{}", share.text());
    let problem = share.json();
    assert_eq!(
        codes(&problem),
        pairs(&[("until", "share.until.agency_too_long")])
    );
    let detail = problem["detail"].as_str().unwrap_or_default();
    let latest = detail.rsplit(' ').next().unwrap_or_default();
    assert!(
        latest.len() == 10 && latest.as_bytes()[2] == b'/' && latest.as_bytes()[5] == b'/',
        "dd/mm/yyyy: {detail}"
    );
}

/// A web form that cannot be read (fields missing, a malformed value, a body over the limit)
/// is answered with the Vietnamese error page, not axum's English text about Rust types.
#[test]
fn an_unreadable_web_form_is_answered_with_the_vietnamese_page() {
    let w = world();
    let form = |body: Vec<u8>| {
        w.served.send(
            Request::new("POST", "/login")
                .header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body),
        )
    };
    let missing = form(b"username=canbo".to_vec());
    assert_eq!(missing.status, 400, "{}", missing.text());
    assert!(is_page(&missing), "{:?}", missing.header("content-type"));
    let text = missing.text();
    assert!(text.contains("biểu mẫu"), "{text}");
    for english in ["Failed to deserialize", "missing field"] {
        assert!(!text.contains(english), "{text}");
    }
    let huge = form(format!("username={}", "a".repeat(2 << 20)).into_bytes());
    assert_eq!(huge.status, 413, "{}", huge.text());
    assert!(is_page(&huge), "{:?}", huge.header("content-type"));
    assert!(!huge.text().contains("length limit"), "{}", huge.text());
}
