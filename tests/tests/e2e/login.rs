//! Signing in cannot be got around (issue #16): the throttle counts a password check before it
//! is made, so a concurrent burst gets at most five checks; and a stranger's failures do not
//! lock the real user out of an address that has not failed. Over a real socket, with the
//! server seeing real client addresses (127.0.0.1 and 127.0.0.2).

use kho_tests::http::{Request, Served};
use kho_tests::Kho;
use std::net::IpAddr;
use std::sync::{Arc, Barrier};

const PASSWORD: &str = "một mật khẩu đủ dài 2026";

fn password_checks(served: &Served) -> u64 {
    let text = served.get("/metrics", None).text();
    text.lines()
        .find_map(|l| l.strip_prefix("kho_events_total{event=\"login_password_check\"} "))
        .map_or(0, |n| n.trim().parse().unwrap())
}

fn login(served: &Served, from: &str, password: &str) -> u16 {
    Request::new("POST", "/api/v1/login")
        .from(from.parse::<IpAddr>().unwrap())
        .json(&serde_json::json!({"username": "canbo", "password": password}))
        .send(&served.addr)
        .status
}

#[test]
fn a_concurrent_burst_gets_at_most_five_password_checks_and_another_address_still_signs_in() {
    let kho = Kho::new();
    kho.add_user("canbo", "clerk", &["--agency", "H47.15"], PASSWORD);
    let served = Arc::new(Served::start(kho));
    assert_eq!(password_checks(&served), 0);

    // 20 sign-ins for one name at the same moment: 19 wrong, one right.
    let barrier = Arc::new(Barrier::new(20));
    let burst: Vec<_> = (0..20)
        .map(|i| {
            let (served, barrier) = (served.clone(), barrier.clone());
            std::thread::spawn(move || {
                let password = if i == 13 {
                    PASSWORD
                } else {
                    "sai mật khẩu rồi"
                };
                let request = Request::new("POST", "/api/v1/login")
                    .json(&serde_json::json!({"username": "canbo", "password": password}));
                barrier.wait();
                request.send(&served.addr).status
            })
        })
        .collect();
    let statuses: Vec<u16> = burst.into_iter().map(|t| t.join().unwrap()).collect();
    let checks = password_checks(&served);
    let count = |s: u16| statuses.iter().filter(|&&x| x == s).count() as u64;
    assert!(checks <= 5, "{checks} password checks for {statuses:?}");
    assert_eq!(count(401) + count(200), checks, "{statuses:?}");
    assert_eq!(count(429), 20 - checks, "{statuses:?}");

    // The name is locked for this address, even with the right password...
    assert_eq!(login(&served, "127.0.0.1", PASSWORD), 429);
    // ...but not for an address that has not failed on it: the clerk at their desk.
    assert_eq!(login(&served, "127.0.0.2", PASSWORD), 200);
    assert_eq!(login(&served, "127.0.0.2", PASSWORD), 200);
    // One failure from there, and it waits too.
    assert_eq!(login(&served, "127.0.0.2", "sai mật khẩu rồi"), 401);
    assert_eq!(login(&served, "127.0.0.2", PASSWORD), 429);
    assert_eq!(login(&served, "127.0.0.3", PASSWORD), 200);
}

#[test]
fn forwarded_for_is_believed_only_from_the_trusted_proxy() {
    let kho = Kho::new();
    kho.add_user("canbo", "clerk", &["--agency", "H47.15"], PASSWORD);
    // The proxy is 127.0.0.1; 127.0.0.2 is a client that writes the header itself.
    let served = Served::start_with(kho, &["--trusted-proxy", "127.0.0.1"]);
    let via_proxy = |client: &str, password: &str| {
        Request::new("POST", "/api/v1/login")
            .header("X-Forwarded-For", &format!("6.6.6.6, {client}"))
            .json(&serde_json::json!({"username": "canbo", "password": password}))
            .send(&served.addr)
            .status
    };
    for _ in 0..5 {
        assert_eq!(via_proxy("192.0.2.10", "sai mật khẩu rồi"), 401);
    }
    assert_eq!(
        via_proxy("192.0.2.10", PASSWORD),
        429,
        "the failing client waits"
    );
    assert_eq!(
        via_proxy("192.0.2.20", PASSWORD),
        200,
        "another client behind the proxy"
    );
    // A direct client cannot pretend to be someone else: its own address counts.
    let spoofed = Request::new("POST", "/api/v1/login")
        .from("127.0.0.2".parse().unwrap())
        .header("X-Forwarded-For", "192.0.2.30")
        .json(&serde_json::json!({"username": "canbo", "password": "sai mật khẩu rồi"}))
        .send(&served.addr)
        .status;
    assert_eq!(spoofed, 401);
    assert_eq!(
        via_proxy("192.0.2.30", PASSWORD),
        200,
        "the spoof counted against 127.0.0.2"
    );
    assert_eq!(login(&served, "127.0.0.2", PASSWORD), 429);
}
