//! Credentials can be ended, and admins' actions are on the record (issue #16): tokens revoked,
//! users disabled and given new passwords get 401 at once; tokens expire (a year unless told,
//! shown); a token made by an admin says so wherever its reads appear; the admin audit trail
//! holds users, tokens, passwords, sessions and backups, hash-chained with the ledger, and
//! `kho verify` finds it tampered with. Over HTTP against `kho serve`, and at the console.

use kho_tests::http::{encode, Request, Served};
use kho_tests::Kho;

const DUC: &str = "049075001234";
const DOSSIER: &str = "000.00.00.H47-261120-0007";

fn password(user: &str) -> String {
    format!("mật-khẩu-của-{user}")
}

fn login(served: &Served, user: &str, password: &str) -> (u16, Option<String>) {
    let answer = served.post(
        "/api/v1/login",
        None,
        &serde_json::json!({"username": user, "password": password}),
    );
    let token = answer.json()["token"].as_str().map(str::to_string);
    (answer.status, token)
}

/// A sign-in expected to fail, from another address: the throttle counts failures per
/// address, and the successful sign-ins of this test come from 127.0.0.1.
fn failing_login(served: &Served, user: &str, password: &str) -> u16 {
    Request::new("POST", "/api/v1/login")
        .from("127.0.0.9".parse().unwrap())
        .json(&serde_json::json!({"username": user, "password": password}))
        .send(&served.addr)
        .status
}

fn me(served: &Served, token: &str) -> u16 {
    served.get("/api/v1/me", Some(token)).status
}

fn next_year() -> i64 {
    // The year a token made today with the default of 365 days expires in, at the latest.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    1970 + (now + 366 * 86_400) / 31_556_952
}

#[test]
fn credentials_end_at_once_and_admins_actions_are_on_the_record() {
    let kho = Kho::new();
    let docs = kho.ingest_corpus().ids_by_file();
    let doc = docs["giay-khai-sinh-nguyen-van-duc.pdf"].clone();
    for (name, role, extra) in [
        ("quantri", "admin", &[][..]),
        ("canbo", "clerk", &["--agency", "H47.15"][..]),
        ("duc", "citizen", &["--owner", DUC][..]),
    ] {
        kho.add_user(name, role, extra, &password(name));
    }
    // At the console: a token's expiry is shown (a year by default), and it can be revoked.
    let made = kho.run([
        "token", "create", "--role", "clerk", "--agency", "H47", "--name", "thu",
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let year = next_year();
    assert!(
        made.stderr.contains("token thu expires on ")
            && (made.stderr.contains(&format!("{year}-"))
                || made.stderr.contains(&format!("{}-", year - 1))),
        "{}",
        made.stderr
    );
    let console_token = made.stdout.trim().to_string();
    let revoked = kho.run(["token", "revoke", "thu"]);
    assert_eq!(revoked.code, 0, "{}", revoked.stderr);
    assert!(revoked.stdout.contains("1 token(s) named thu revoked"));
    assert_ne!(
        kho.run(["token", "revoke", "thu"]).code,
        0,
        "nothing left to revoke"
    );
    // A weak password is refused with the rule it breaks.
    let weak = {
        use std::io::Write;
        let mut child = kho
            .command()
            .args(["user", "password", "canbo"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "matkhau@123").unwrap();
        child.wait_with_output().unwrap()
    };
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("most common"));

    let served = Served::start(kho);
    assert_eq!(me(&served, &console_token), 401, "a revoked token");
    let admin = login(&served, "quantri", &password("quantri")).1.unwrap();
    let admin = Some(admin.as_str());

    // An API token made by an admin: a year unless told, and its reads name its maker.
    let answer = served.post(
        "/api/v1/tokens",
        admin,
        &serde_json::json!({"name": "canbo", "role": "clerk", "agency_code": "H47.15"}),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    let expires = answer.json()["expires_at"].as_str().unwrap().to_string();
    assert!(
        expires.starts_with(&format!("{year}-")) || expires.starts_with(&format!("{}-", year - 1))
    );
    let program = answer.json()["token"].as_str().unwrap().to_string();
    let read = served.get(
        &format!(
            "/api/v1/documents/{doc}?dossier_code={}&purpose=x",
            encode(DOSSIER)
        ),
        Some(&program),
    );
    assert_eq!(read.status, 200, "{}", read.text());
    let duc = login(&served, "duc", &password("duc")).1.unwrap();
    let ledger = served
        .get(
            &format!("/api/v1/owners/{DUC}/ledger?limit=1000"),
            Some(&duc),
        )
        .json();
    let last = ledger["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["actor"], "canbo");
    assert_eq!(last["actor_kind"], "token");
    let made_by = last["actor_made_by"].as_str().unwrap_or_default();
    assert!(made_by.starts_with("admin quantri on "), "{last}");
    // Revoked: 401 at once.
    let revoke = served.post("/api/v1/tokens/canbo/revoke", admin, &serde_json::json!({}));
    assert_eq!(revoke.status, 200, "{}", revoke.text());
    assert_eq!(revoke.json()["ended"], 1);
    assert_eq!(me(&served, &program), 401);

    // A disabled user: their open session ends at once, and they cannot sign in.
    let (status, session) = login(&served, "canbo", &password("canbo"));
    assert_eq!(status, 200);
    let session = session.unwrap();
    assert_eq!(me(&served, &session), 200);
    let sessions = served.get("/api/v1/users/canbo/sessions", admin).json();
    assert_eq!(sessions.as_array().unwrap().len(), 1, "{sessions}");
    let disabled = served.post("/api/v1/users/canbo/disable", admin, &serde_json::json!({}));
    assert_eq!(disabled.status, 200, "{}", disabled.text());
    assert_eq!(me(&served, &session), 401);
    assert_eq!(failing_login(&served, "canbo", &password("canbo")), 401);
    let enabled = served.post("/api/v1/users/canbo/enable", admin, &serde_json::json!({}));
    assert_eq!(enabled.status, 200);
    let (status, session) = login(&served, "canbo", &password("canbo"));
    assert_eq!(status, 200);
    let session = session.unwrap();

    // One session ended by an admin.
    let sessions = served.get("/api/v1/users/canbo/sessions", admin).json();
    let id = sessions[0]["id"].as_str().unwrap().to_string();
    let ended = served
        .send(Request::new("DELETE", &format!("/api/v1/users/canbo/sessions/{id}")).bearer(admin));
    assert_eq!(ended.status, 204, "{}", ended.text());
    assert_eq!(me(&served, &session), 401);

    // A new password: the rule applies; sessions end; the old password stops working.
    let (_, session) = login(&served, "canbo", &password("canbo"));
    let session = session.unwrap();
    let common = served.post(
        "/api/v1/users/canbo/password",
        admin,
        &serde_json::json!({"password": "Mật khẩu 123"}),
    );
    assert_eq!(common.status, 422, "{}", common.text());
    assert!(common.text().contains("most common"));
    let changed = served.post(
        "/api/v1/users/canbo/password",
        admin,
        &serde_json::json!({"password": "một mật khẩu mới hẳn"}),
    );
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(changed.json()["ended"], 1);
    assert_eq!(me(&served, &session), 401);
    assert_eq!(failing_login(&served, "canbo", &password("canbo")), 401);
    assert_eq!(login(&served, "canbo", "một mật khẩu mới hẳn").0, 200);

    // A backup is on the record too.
    let backup = served.post("/api/v1/backups", admin, &serde_json::json!({}));
    assert_eq!(backup.status, 201, "{}", backup.text());

    // The audit trail: admins only, everything above in order.
    let clerk = login(&served, "canbo", "một mật khẩu mới hẳn").1.unwrap();
    assert_eq!(served.get("/api/v1/audit", Some(&clerk)).status, 403);
    let trail = served.get("/api/v1/audit?limit=1000", admin).json();
    let details: Vec<String> = trail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["action"].as_str().unwrap(),
                e["detail"].as_str().unwrap()
            )
        })
        .collect();
    let expected_starts = [
        "account add user quantri (admin",
        "account add user canbo (clerk, H47.15",
        "account add user duc (citizen, 049075001234",
        "account create token thu (clerk; expires ",
        "account revoke token thu (1 revoked",
        "account create token canbo (clerk; expires ",
        "account revoke token canbo (1 revoked",
        "account disable user canbo (1 sessions ended",
        "account enable user canbo",
        "account end session ",
        "account new password for user canbo (1 sessions ended",
        "backup backup ",
    ];
    assert_eq!(details.len(), expected_starts.len(), "{details:#?}");
    for (got, want) in details.iter().zip(expected_starts) {
        assert!(got.starts_with(want), "{got:?} should start with {want:?}");
    }

    // An expired token gets 401; tampering with the audit trail is found by verify.
    let kho = served.stop();
    let expiring = kho.run([
        "token", "create", "--role", "clerk", "--agency", "H47", "--name", "cu",
    ]);
    let expiring = expiring.stdout.trim().to_string();
    {
        let disk = crate::forensic::Disk::open(kho.data.path());
        let tokens = disk.tree("tokens");
        let hash = kho_tests::sha256_hex(expiring.as_bytes());
        let mut grant: serde_json::Value =
            serde_json::from_slice(&tokens.get(hash.as_bytes()).unwrap().unwrap()).unwrap();
        grant["expires_at"] = serde_json::json!("2020-01-01T00:00:00Z");
        tokens
            .insert(hash.as_bytes(), serde_json::to_vec(&grant).unwrap())
            .unwrap();
        disk.flush();
    }
    assert_eq!(kho.run(["verify"]).code, 0);
    let served = Served::start(kho);
    assert_eq!(me(&served, &expiring), 401, "an expired token");
    let kho = served.stop();
    {
        let disk = crate::forensic::Disk::open(kho.data.path());
        let ledger = disk.tree("ledger");
        let (key, value) = ledger
            .iter()
            .map(Result::unwrap)
            .find(|(_, v)| {
                let e: serde_json::Value = serde_json::from_slice(v).unwrap();
                e["action"] == "account"
                    && e["detail"]
                        .as_str()
                        .unwrap_or("")
                        .starts_with("disable user canbo")
            })
            .expect("the disable is in the ledger");
        let mut event: serde_json::Value = serde_json::from_slice(&value).unwrap();
        event["detail"] = serde_json::json!("enable user canbo");
        ledger
            .insert(key, serde_json::to_vec(&event).unwrap())
            .unwrap();
        disk.flush();
    }
    let verify = kho.run(["verify", "--json"]);
    assert_eq!(verify.code, 1, "{}{}", verify.stdout, verify.stderr);
    assert_eq!(verify.json()["ledger_ok"], false);
}

/// Review F27: `kho token create --json` writes `expires_at` in RFC 3339, as the API does
/// (`2027-12-05T22:46:21.277405913Z`), not the `time` crate's Display form
/// (`2027-12-05 22:27:04.609898252 +00:00:00`) that a script parsing the API's cannot read.
#[test]
fn the_consoles_token_json_writes_its_expiry_in_rfc_3339() {
    let kho = Kho::new();
    let made = kho.run([
        "token", "create", "--role", "intake", "--name", "motcua", "--json",
    ]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let json: serde_json::Value = serde_json::from_str(made.stdout.trim()).unwrap();
    let expires = json["expires_at"].as_str().unwrap_or_default();
    assert!(is_rfc3339(expires), "{json}");
    assert!(
        expires.starts_with(&format!("{}-", next_year()))
            || expires.starts_with(&format!("{}-", next_year() - 1)),
        "{json}"
    );
}

/// `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or `+HH:MM`/`-HH:MM` (RFC 3339 section 5.6).
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range.clone())
            .is_some_and(|d| d.len() == range.len() && d.iter().all(u8::is_ascii_digit))
    };
    let shape = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(digits(0..4) && shape(4, b'-') && digits(5..7) && shape(7, b'-') && digits(8..10))
        || !(shape(10, b'T') && digits(11..13) && shape(13, b':') && digits(14..16))
        || !(shape(16, b':') && digits(17..19))
    {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    let offset = rest.as_bytes();
    rest == "Z"
        || (offset.len() == 6
            && (offset[0] == b'+' || offset[0] == b'-')
            && offset[1..3].iter().all(u8::is_ascii_digit)
            && offset[3] == b':'
            && offset[4..6].iter().all(u8::is_ascii_digit))
}
