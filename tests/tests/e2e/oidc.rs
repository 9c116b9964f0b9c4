//! Signing in through an OpenID Connect provider (#20), over real HTTP against the real `kho
//! serve` and a provider of the tests' own on loopback (`kho_tests::oidc_provider`: discovery,
//! JWKS, a token endpoint checking PKCE and the client secret), whose ID tokens the tests sign:
//! a good one, and each forgery (another key, an unknown key, `alg: none`, an HMAC of the client
//! secret, another audience or issuer, expired, a nonce replayed from another sign-in), too low
//! an assurance level, an ID claim that is not a personal ID; a state that is not this
//! browser's or is replayed; `next` and the redirect URI that try to leave the site; logout at
//! kho and at the provider. The browser acceptance with `oidc-provider-mock` is
//! `oidc_browser.rs`.

use kho_tests::http::{encode, Answer, Request, Served};
use kho_tests::oidc_provider::{hmac_signed, query_of, unsigned, Key, Provider};
use kho_tests::Kho;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

const DUC: &str = "049075001234";
const THUY: &str = "079305000001";
const AN: &str = "048090012345";
const SECRET: &str = "bí-mật-máy-khách-2026";
const ADMIN: &str = "quantri";

struct World {
    served: Served,
    provider: Provider,
    docs: BTreeMap<String, String>,
    admin: String,
}

fn password(user: &str) -> String {
    format!("mật-khẩu-oidc-{user}")
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let provider = Provider::start("kho-tinh", SECRET);
        let mut kho = Kho::new();
        let docs = kho.ingest_corpus().ids_by_file();
        kho.add_user(ADMIN, "admin", &[], &password(ADMIN));
        kho.env
            .push(("KHO_OIDC_CLIENT_SECRET".into(), SECRET.into()));
        let served = Served::start_with(
            kho,
            &[
                "--oidc-issuer",
                &provider.issuer,
                "--oidc-client-id",
                "kho-tinh",
                "--oidc-acr",
                "LoA2,LoA3",
                "--oidc-id-claim",
                "so_dinh_danh",
                "--oidc-role-claim",
                "kho_role",
            ],
        );
        let login = served.post(
            "/api/v1/login",
            None,
            &json!({"username": ADMIN, "password": password(ADMIN)}),
        );
        assert_eq!(login.status, 200, "{}", login.text());
        let admin = login.json()["token"].as_str().unwrap().to_string();
        World {
            served,
            provider,
            docs,
            admin,
        }
    })
}

/// A sign-in started at kho: what its callback must carry.
struct Started {
    state: String,
    nonce: String,
    challenge: String,
    /// `kho_oidc_state=...`, as the browser would send it back.
    cookie: String,
}

fn begin(w: &World, next: &str) -> Started {
    begin_with(
        w,
        Request::new("GET", &format!("/login/oidc?next={}", encode(next))),
    )
}

fn begin_with(w: &World, request: Request) -> Started {
    let answer = w.served.send(request);
    assert_eq!(answer.status, 303, "{}", answer.text());
    let location = answer.header("location").unwrap().to_string();
    assert!(
        location.starts_with(&format!("{}/authorize?", w.provider.issuer)),
        "{location}"
    );
    let q = query_of(&location);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "kho-tinh");
    assert_eq!(q["scope"], "openid");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["acr_values"], "LoA2 LoA3");
    // Fixed by configuration (here the listening address), never by the request.
    assert_eq!(
        q["redirect_uri"],
        format!("http://{}/oidc/callback", w.served.addr)
    );
    let cookie = answer
        .header("set-cookie")
        .unwrap()
        .lines()
        .find(|c| c.starts_with("kho_oidc_state="))
        .expect("the state cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    Started {
        state: q["state"].clone(),
        nonce: q["nonce"].clone(),
        challenge: q["code_challenge"].clone(),
        cookie: cookie.split(';').next().unwrap().to_string(),
    }
}

fn new_code() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("code-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// The provider's redirect back to kho, answering `id_token` at the token endpoint.
fn callback(w: &World, started: &Started, id_token: String) -> Answer {
    let code = new_code();
    w.provider.grant(&code, &started.challenge, id_token);
    w.served.send(
        Request::new(
            "GET",
            &format!(
                "/oidc/callback?code={code}&state={}",
                encode(&started.state)
            ),
        )
        .header("Cookie", &started.cookie),
    )
}

/// The session token a successful callback set.
fn session_of(answer: &Answer) -> String {
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer
        .header("set-cookie")
        .unwrap_or_default()
        .lines()
        .find_map(|c| c.strip_prefix("kho_session="))
        .and_then(|c| c.split(';').next())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| panic!("no session: {:?}", answer.headers))
        .to_string()
}

fn citizen(w: &World, started: &Started, sub: &str, id: &str) -> String {
    w.provider.key.sign(&w.provider.claims(
        &started.nonce,
        json!({"sub": sub, "so_dinh_danh": id, "acr": "LoA2", "sid": format!("sid-{sub}")}),
    ))
}

fn sign_in(w: &World, sub: &str, id: &str) -> String {
    let started = begin(w, "/my");
    let token = citizen(w, &started, sub, id);
    session_of(&callback(w, &started, token))
}

fn me(w: &World, token: &str) -> serde_json::Value {
    let answer = w.served.get("/api/v1/me", Some(token));
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

/// A refusal page: 403, no session, in Vietnamese, naming the rule by its code.
fn assert_refused(answer: &Answer, code: &str, case: &str) {
    assert_eq!(answer.status, 403, "{case}: {}", answer.text());
    let cookies = answer.header("set-cookie").unwrap_or_default();
    assert!(
        !cookies.lines().any(|c| c.starts_with("kho_session=")),
        "{case}: a session was opened"
    );
    let page = answer.text();
    assert!(
        page.contains(&format!("data-code=\"{code}\"")),
        "{case}: expected {code}: {page}"
    );
    assert!(page.contains("Không đăng nhập được"), "{case}: {page}");
}

#[test]
fn a_citizen_signs_in_sees_exactly_their_documents_and_is_the_same_account_again() {
    let w = world();
    let started = begin(w, "/my");
    let answer = callback(w, &started, citizen(w, &started, "sub-duc", DUC));
    let token = session_of(&answer);
    // The page leads on to `next` (a same-site navigation carries the Strict cookie).
    assert!(answer.text().contains("url=/my"), "{}", answer.text());
    let who = me(w, &token);
    assert_eq!(who["role"], "citizen");
    assert_eq!(who["owner_id"], DUC);
    let my = w
        .served
        .send(Request::new("GET", "/my").header("Cookie", &format!("kho_session={token}")));
    assert_eq!(my.status, 200);
    let page = my.text();
    let mine: Vec<&String> = w
        .docs
        .iter()
        .filter(|(file, _)| file.contains("nguyen-van-duc"))
        .map(|(_, id)| id)
        .collect();
    assert_eq!(mine.len(), 2);
    for (file, id) in &w.docs {
        assert_eq!(
            page.contains(id.as_str()),
            mine.contains(&id),
            "{file} on /my"
        );
    }
    // Again: the same account, not a second one.
    let again = sign_in(w, "sub-duc", DUC);
    assert_ne!(again, token, "a new session");
    assert_eq!(me(w, &again)["name"], who["name"]);
    let users = w.served.get("/api/v1/users", Some(&w.admin)).text();
    assert_eq!(
        users.matches(&format!("\"owner_id\":\"{DUC}\"")).count(),
        1,
        "{users}"
    );
    // The account made by the provider has no password: the form cannot open it.
    let by_password = w.served.post(
        "/api/v1/login",
        None,
        &json!({"username": who["name"], "password": ""}),
    );
    assert_eq!(by_password.status, 401);
    // The client secret and the PKCE verifier were sent: the provider refused nothing.
    assert!(
        w.provider.refusals().is_empty(),
        "{:?}",
        w.provider.refusals()
    );
}

#[test]
fn forged_tokens_and_bad_claims_are_refused_each_named_and_in_the_owners_ledger() {
    let w = world();
    let p = &w.provider;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let good = |nonce: &str, more: serde_json::Value| {
        let mut extra = json!({"sub": "sub-thuy", "so_dinh_danh": THUY, "acr": "LoA2"});
        if let (Some(all), Some(more)) = (extra.as_object_mut(), more.as_object()) {
            for (k, v) in more {
                all.insert(k.clone(), v.clone());
            }
        }
        p.claims(nonce, extra)
    };
    // A nonce of an earlier sign-in, to be replayed.
    let earlier = begin(w, "/my");
    let other_key = Key::new("k1");
    let unknown_key = Key::new("k9");
    type Forge<'a> = Box<dyn Fn(&str) -> String + 'a>;
    let cases: Vec<(&str, &str, Forge)> = vec![
        (
            "another key, same kid",
            "oidc.token_invalid",
            Box::new(|n| other_key.sign(&good(n, json!({})))),
        ),
        (
            "a key the provider does not publish",
            "oidc.token_invalid",
            Box::new(|n| unknown_key.sign(&good(n, json!({})))),
        ),
        (
            "alg none",
            "oidc.token_invalid",
            Box::new(|n| unsigned(&good(n, json!({})))),
        ),
        (
            "HS256 keyed with the client secret",
            "oidc.token_invalid",
            Box::new(|n| hmac_signed(&good(n, json!({})), SECRET.as_bytes())),
        ),
        (
            "wrong aud",
            "oidc.token_invalid",
            Box::new(|n| p.key.sign(&good(n, json!({"aud": "another-client"})))),
        ),
        (
            "wrong iss",
            "oidc.token_invalid",
            Box::new(|n| p.key.sign(&good(n, json!({"iss": "http://127.0.0.1:1"})))),
        ),
        (
            "expired",
            "oidc.token_invalid",
            Box::new(|n| {
                p.key
                    .sign(&good(n, json!({"iat": now - 900, "exp": now - 600})))
            }),
        ),
        (
            "replayed nonce",
            "oidc.token_invalid",
            Box::new(|_| p.key.sign(&good(&earlier.nonce, json!({})))),
        ),
        (
            "no nonce",
            "oidc.token_invalid",
            Box::new(|_| {
                let mut claims = good("x", json!({}));
                claims.as_object_mut().unwrap().remove("nonce");
                p.key.sign(&claims)
            }),
        ),
        (
            "acr too low",
            "oidc.acr",
            Box::new(|n| p.key.sign(&good(n, json!({"acr": "LoA1"})))),
        ),
        (
            "no acr",
            "oidc.acr",
            Box::new(|n| {
                let mut claims = good(n, json!({}));
                claims.as_object_mut().unwrap().remove("acr");
                p.key.sign(&claims)
            }),
        ),
        (
            "an ID that is not a personal ID",
            "oidc.id_claim_invalid",
            Box::new(|n| p.key.sign(&good(n, json!({"so_dinh_danh": "12345"})))),
        ),
        (
            "no ID claim",
            "oidc.id_claim_missing",
            Box::new(|n| {
                let mut claims = good(n, json!({}));
                claims.as_object_mut().unwrap().remove("so_dinh_danh");
                p.key.sign(&claims)
            }),
        ),
        (
            "an admin role from the provider",
            "oidc.role_claim",
            Box::new(|n| p.key.sign(&good(n, json!({"kho_role": "admin"})))),
        ),
    ];
    for (case, code, forge) in &cases {
        let started = begin(w, "/my");
        let answer = callback(w, &started, forge(&started.nonce));
        assert_refused(&answer, code, case);
    }
    // Thuy's ledger names each refused sign-in that named her: the nine forgeries (marked as
    // not vouched for) and the two assurance levels; not the three that named no valid ID
    // or a staff role.
    let thuy = sign_in(w, "sub-thuy", THUY);
    let ledger = w
        .served
        .get(
            &format!("/api/v1/owners/{THUY}/ledger?limit=1000"),
            Some(&thuy),
        )
        .text();
    assert_eq!(ledger.matches("sign-in through").count(), 11, "{ledger}");
    assert_eq!(ledger.matches("not vouched for").count(), 9, "{ledger}");
    assert_eq!(ledger.matches("assurance level").count(), 2, "{ledger}");
}

#[test]
fn a_state_not_started_by_this_browser_or_replayed_is_refused() {
    let w = world();
    // Made up.
    let made_up = w.served.send(
        Request::new("GET", "/oidc/callback?code=x&state=made-up")
            .header("Cookie", "kho_oidc_state=made-up"),
    );
    assert_refused(&made_up, "oidc.state_mismatch", "made-up state");
    // Another browser's: the right state without its cookie (login CSRF); it is then spent.
    let started = begin(w, "/my");
    let token = citizen(w, &started, "sub-duc", DUC);
    let code = new_code();
    w.provider.grant(&code, &started.challenge, token);
    let target = format!(
        "/oidc/callback?code={code}&state={}",
        encode(&started.state)
    );
    let no_cookie = w.served.send(Request::new("GET", &target));
    assert_refused(
        &no_cookie,
        "oidc.state_mismatch",
        "state without its cookie",
    );
    let spent = w
        .served
        .send(Request::new("GET", &target).header("Cookie", &started.cookie));
    assert_refused(
        &spent,
        "oidc.state_mismatch",
        "state spent by a refused callback",
    );
    // Replayed after a good sign-in.
    let started = begin(w, "/my");
    let token = citizen(w, &started, "sub-duc", DUC);
    let code = new_code();
    w.provider.grant(&code, &started.challenge, token);
    let target = format!(
        "/oidc/callback?code={code}&state={}",
        encode(&started.state)
    );
    let first = w
        .served
        .send(Request::new("GET", &target).header("Cookie", &started.cookie));
    session_of(&first);
    let replayed = w
        .served
        .send(Request::new("GET", &target).header("Cookie", &started.cookie));
    assert_refused(&replayed, "oidc.state_mismatch", "replayed callback");
    // The provider said no.
    let started = begin(w, "/my");
    let denied = w.served.send(
        Request::new(
            "GET",
            &format!(
                "/oidc/callback?error=access_denied&error_description=ng%C6%B0%E1%BB%9Di+d%C3%B9ng+t%E1%BB%AB+ch%E1%BB%91i&state={}",
                encode(&started.state)
            ),
        )
        .header("Cookie", &started.cookie),
    );
    assert_refused(&denied, "oidc.provider_error", "provider error");
    assert!(denied.text().contains("access_denied"));
}

#[test]
fn next_and_the_redirect_uri_never_leave_the_site() {
    let w = world();
    for next in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/%2F%2Fevil.example",
        "javascript:alert(1)",
    ] {
        let started = begin(w, next);
        let answer = callback(w, &started, citizen(w, &started, "sub-duc", DUC));
        session_of(&answer);
        let page = answer.text();
        assert!(page.contains("url=/\""), "{next}: {page}");
        assert!(!page.contains("evil"), "{next}: {page}");
    }
    // A Host header of another site does not move the redirect URI (begin checks it).
    begin_with(
        w,
        Request::new("GET", "/login/oidc?next=/my").header("Host", "evil.example"),
    );
    // A redirect_uri in the start request is ignored too.
    begin_with(
        w,
        Request::new(
            "GET",
            "/login/oidc?next=/my&redirect_uri=https%3A%2F%2Fevil.example%2F",
        ),
    );
}

#[test]
fn signing_out_ends_the_session_at_kho_and_at_the_provider() {
    let w = world();
    // RP-initiated: the form's logout sends the browser to the provider's end-session endpoint.
    let token = sign_in(w, "sub-duc", DUC);
    let cookie = format!("kho_session={token}");
    let my = w
        .served
        .send(Request::new("GET", "/my").header("Cookie", &cookie));
    let csrf = kho_tests::http::csrf_of(&my.text());
    let out = w.served.send(
        Request::new("POST", "/logout")
            .header("Cookie", &cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("csrf={csrf}").into_bytes()),
    );
    assert_eq!(out.status, 200, "{}", out.text());
    let page = out.text();
    let to = page
        .split("href=\"")
        .find(|s| s.starts_with(&format!("{}/logout?", w.provider.issuer)))
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no link to the provider's logout: {page}"))
        .replace("&amp;", "&");
    let q = query_of(&to);
    assert_eq!(q["client_id"], "kho-tinh");
    assert_eq!(
        q["post_logout_redirect_uri"],
        format!("http://{}/login", w.served.addr)
    );
    assert_eq!(q["id_token_hint"].split('.').count(), 3);
    assert_eq!(w.served.get("/api/v1/me", Some(&token)).status, 401);
    // Front-channel: the provider ends its session `sid`; kho ends the sessions opened with it.
    let token = sign_in(w, "sub-fc", AN);
    let wrong_issuer = w.served.get(
        &format!(
            "/oidc/logout?iss={}&sid=sid-sub-fc",
            encode("http://127.0.0.1:1")
        ),
        None,
    );
    assert_eq!(wrong_issuer.status, 400);
    assert_eq!(w.served.get("/api/v1/me", Some(&token)).status, 200);
    let ended = w.served.get(
        &format!(
            "/oidc/logout?iss={}&sid=sid-sub-fc",
            encode(&w.provider.issuer)
        ),
        None,
    );
    assert_eq!(ended.status, 200);
    assert!(
        ended.header("x-frame-options").is_none(),
        "the provider frames it"
    );
    assert_eq!(w.served.get("/api/v1/me", Some(&token)).status, 401);
}

#[test]
fn staff_sign_in_with_the_role_and_agency_of_their_claims() {
    let w = world();
    let started = begin(w, "/");
    let token = w.provider.key.sign(&w.provider.claims(
        &started.nonce,
        json!({
            "sub": "staff-7", "acr": "LoA3", "kho_role": "clerk", "agency_code": "H47.15",
            "preferred_username": "lan.canbo",
        }),
    ));
    let session = session_of(&callback(w, &started, token));
    let who = me(w, &session);
    assert_eq!(who["name"], "lan.canbo");
    assert_eq!(who["role"], "clerk");
    assert!(
        who["agency_code"].as_str().is_some_and(|a| !a.is_empty()),
        "{who}"
    );
}

#[test]
fn the_sign_in_page_offers_both_ways() {
    let w = world();
    let page = w.served.get("/login?next=/my", None).text();
    assert!(
        page.contains("Đăng nhập bằng tài khoản định danh điện tử"),
        "{page}"
    );
    assert!(page.contains("href=\"/login/oidc?next=%2Fmy\""), "{page}");
    assert!(page.contains("name=\"password\""));
}
