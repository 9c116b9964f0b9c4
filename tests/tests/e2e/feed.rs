//! The one-stop system's event feed and webhooks (#21), and citizens' e-mail notifications
//! (#20), end to end through `kho serve` over HTTP: the feed pages by the ledger's sequence and
//! filters by type, names no owner, and answers 400 naming a bad parameter; a webhook receiver
//! that is down then up gets every event once, in order, signed so that the documented check
//! passes and a forged signature fails it; killing kho mid-delivery loses nothing; a citizen's
//! address gets the Vietnamese sentence of `/my/activity` through a real SMTP sink (aiosmtpd).

use kho_tests::http::{serve_samples_with, Request, SamplesServed, Served};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DUC: &str = "049075001234";
const DOSSIER: &str = "000.00.15.H47-261201-0001";

const USERS: [(&str, &str, &[&str]); 3] = [
    ("canbo", "clerk", &["--agency", "H47.15"]),
    ("duc", "citizen", &["--owner", DUC]),
    ("quantri", "admin", &[]),
];

fn password(user: &str) -> String {
    format!("mật-khẩu-của-{user}")
}

struct World {
    served: Served,
    tokens: std::collections::BTreeMap<&'static str, String>,
    docs: std::collections::BTreeMap<String, String>,
    intake: String,
}

/// The samples served with `options`, an intake token, and `before(kho)` run at the console
/// before the server starts (webhook receivers are added there).
fn world(options: &[&str], before: impl FnOnce(&kho_tests::Kho)) -> World {
    let mut intake = String::new();
    let SamplesServed {
        served,
        tokens,
        docs,
    } = serve_samples_with(&USERS, password, |kho| {
        intake = kho.token("intake", &[]);
        before(&kho);
        let mut all: Vec<&str> = vec!["--delivery-poll-ms", "100", "--delivery-max-backoff", "1"];
        all.extend(options);
        Served::start_with(kho, &all)
    });
    World {
        served,
        tokens,
        docs,
        intake,
    }
}

impl World {
    fn token(&self, user: &str) -> &str {
        &self.tokens[user]
    }

    fn doc(&self, file: &str) -> &str {
        &self.docs[file]
    }

    fn reuse(&self, doc: &str, purpose: &str) {
        let answer = self.served.post(
            &format!("/api/v1/documents/{doc}/reuses"),
            Some(self.token("canbo")),
            &serde_json::json!({
                "dossier_code": DOSSIER, "procedure_code": "1.001193", "purpose": purpose,
            }),
        );
        assert!(
            answer.status == 201 || answer.status == 200,
            "{}",
            answer.text()
        );
    }

    fn feed(&self, query: &str) -> serde_json::Value {
        let answer = self
            .served
            .get(&format!("/api/v1/events{query}"), Some(&self.intake));
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()
    }

    /// Every event of `types` from the start, page by page.
    fn all_events(&self, types: &str) -> Vec<serde_json::Value> {
        let mut after = 0;
        let mut events = Vec::new();
        loop {
            let page = self.feed(&format!("?after={after}&types={types}&limit=500"));
            events.extend(page["events"].as_array().unwrap().iter().cloned());
            after = page["next"].as_u64().unwrap();
            if !page["more"].as_bool().unwrap() {
                return events;
            }
        }
    }
}

fn seqs(events: &[serde_json::Value]) -> Vec<u64> {
    events.iter().map(|e| e["seq"].as_u64().unwrap()).collect()
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_feed_pages_by_sequence_filters_by_type_and_names_no_owner() {
    let w = world(&[], |_| {});
    let birth = w.doc("giay-khai-sinh-nguyen-van-duc.pdf").to_string();
    let land = w
        .doc("giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc.pdf")
        .to_string();
    w.reuse(&birth, "Đối chiếu giấy khai sinh");
    w.reuse(&land, "Đối chiếu quyền sử dụng đất");

    let all = w.all_events("");
    let stored: Vec<_> = all.iter().filter(|e| e["type"] == "stored").collect();
    assert_eq!(stored.len(), w.docs.len(), "{all:?}");
    // In the ledger's order, each once.
    let order = seqs(&all);
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{order:?}");
    // A digitized component names its dossier and sets its flag; a result sets its own.
    let land_stored = stored
        .iter()
        .find(|e| e["doc_id"] == land.as_str())
        .unwrap();
    assert_eq!(land_stored["dossier_code"], "000.00.00.H47-190805-0032");
    assert_eq!(
        land_stored["flags"],
        serde_json::json!(["component_digitized"])
    );
    assert!(stored.iter().any(|e| e["flags"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("result_digitized"))));

    let reuses = w.all_events("reuse");
    assert_eq!(reuses.len(), 2, "{reuses:?}");
    for (event, doc) in reuses.iter().zip([&birth, &land]) {
        assert_eq!(event["type"], "reuse");
        assert_eq!(event["doc_id"], doc.as_str());
        assert_eq!(event["dossier_code"], DOSSIER);
        assert_eq!(event["procedure_code"], "1.001193");
        assert_eq!(event["agency_code"], "H47.15");
        assert_eq!(event["flags"], serde_json::json!(["reused_from_store"]));
    }
    // Never the owner, their name, the title or the purpose.
    let text = w.feed("?limit=500").to_string();
    for private in [DUC, "Nguyễn Văn Đức", "Đối chiếu", "owner"] {
        assert!(!text.contains(private), "{private} in the feed: {text}");
    }

    // Pages of two: the cursor walks the same events, none twice, none lost.
    let mut paged = Vec::new();
    let mut after = 0;
    loop {
        let page = w.feed(&format!("?after={after}&limit=2"));
        let events = page["events"].as_array().unwrap();
        assert!(events.len() <= 2);
        paged.extend(events.iter().cloned());
        after = page["next"].as_u64().unwrap();
        if !page["more"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!(seqs(&paged), order);
    // Types together, and after the last: nothing.
    let two = w.all_events("revoked,reuse");
    assert_eq!(seqs(&two), seqs(&reuses));
    let end = w.feed(&format!("?after={}", order.last().unwrap()));
    assert_eq!(end["events"], serde_json::json!([]));
    assert_eq!(end["more"], false);

    // Each page is in the owner's ledger: the one-stop system was told of their events.
    let ledger = w.served.get(
        &format!("/api/v1/owners/{DUC}/ledger?limit=1000"),
        Some(w.token("duc")),
    );
    let told: Vec<_> = ledger.json()["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "events_sent")
        .cloned()
        .collect();
    assert!(!told.is_empty(), "{}", ledger.text());
    assert_eq!(told[0]["actor"], "intake");
    assert!(told
        .iter()
        .any(|e| e["detail"].as_str().unwrap().contains(&birth)));
}

#[test]
fn a_bad_parameter_is_a_400_naming_it_and_only_the_one_stop_system_reads_the_feed() {
    let w = world(&[], |_| {});
    for (query, field) in [
        ("?types=reuse,read", "types"),
        ("?after=abc", "after"),
        ("?after=-1", "after"),
        ("?limit=0", "limit"),
        ("?limit=100000", "limit"),
    ] {
        let answer = w
            .served
            .get(&format!("/api/v1/events{query}"), Some(&w.intake));
        assert_eq!(answer.status, 400, "{query}: {}", answer.text());
        assert_eq!(
            answer.header("content-type"),
            Some("application/problem+json")
        );
        let problem = answer.json();
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(field),
            "{problem}"
        );
    }
    for user in ["canbo", "duc", "quantri"] {
        let answer = w.served.get("/api/v1/events", Some(w.token(user)));
        assert_eq!(answer.status, 403, "{user}: {}", answer.text());
    }
    assert_eq!(w.served.get("/api/v1/events", None).status, 401);
}

/// One request a receiver got.
#[derive(Debug, Clone)]
struct Delivery {
    signature: String,
    idempotency_key: String,
    body: Vec<u8>,
}

/// A webhook receiver on loopback: answers 200 to each POST after `delay`, and keeps what it got.
struct Receiver {
    got: Arc<Mutex<Vec<Delivery>>>,
}

impl Receiver {
    fn start(listener: TcpListener, delay: Duration) -> Receiver {
        let got: Arc<Mutex<Vec<Delivery>>> = Arc::default();
        let kept = got.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                if let Some(delivery) = read_post(&stream) {
                    std::thread::sleep(delay);
                    let mut stream = stream;
                    if stream
                        .write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                        )
                        .is_ok()
                    {
                        kept.lock().unwrap().push(delivery);
                    }
                }
            }
        });
        Receiver { got }
    }

    fn deliveries(&self) -> Vec<Delivery> {
        self.got.lock().unwrap().clone()
    }

    fn seqs(&self) -> Vec<u64> {
        self.deliveries()
            .iter()
            .map(|d| {
                serde_json::from_slice::<serde_json::Value>(&d.body).unwrap()["seq"]
                    .as_u64()
                    .unwrap()
            })
            .collect()
    }
}

fn read_post(stream: &TcpStream) -> Option<Delivery> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream);
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        headers.push(line.trim_end().to_string());
    }
    let header = |name: &str| {
        headers.iter().find_map(|h| {
            let (k, v) = h.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let length: usize = header("content-length")?.parse().ok()?;
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Delivery {
        signature: header("kho-signature").unwrap_or_default(),
        idempotency_key: header("idempotency-key").unwrap_or_default(),
        body,
    })
}

/// The check docs/api.md gives a receiver: `v1` is HMAC-SHA256(secret, "t.body") in hex, and
/// `t` within five minutes. Written with OpenSSL, not kho's code.
fn documented_check(secret: &str, header: &str, body: &[u8]) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        if let Some(x) = part.trim().strip_prefix("t=") {
            t = x.parse::<i64>().ok();
        } else if let Some(x) = part.trim().strip_prefix("v1=") {
            v1 = hex::decode(x).ok();
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    if (now - t).abs() > 300 {
        return false;
    }
    let key = openssl::pkey::PKey::hmac(secret.as_bytes()).unwrap();
    let mut signer =
        openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &key).unwrap();
    signer.update(format!("{t}.").as_bytes()).unwrap();
    signer.update(body).unwrap();
    let mac = signer.sign_to_vec().unwrap();
    mac.len() == v1.len() && openssl::memcmp::eq(&mac, &v1)
}

/// A free loopback port, nothing listening on it (the receiver is "down").
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn add_webhook(kho: &kho_tests::Kho, name: &str, port: u16, types: &str) -> String {
    let run = kho.run([
        "webhook",
        "add",
        name,
        "--url",
        &format!("http://127.0.0.1:{port}/kho/events"),
        "--types",
        types,
        "--after",
        "0",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(name), "{}", run.stderr);
    run.stdout.trim().to_string()
}

#[test]
fn a_receiver_down_then_up_gets_every_event_once_in_order_signed() {
    let port = free_port();
    let mut secret = String::new();
    let w = world(&[], |kho| {
        secret = add_webhook(kho, "motcua", port, "reuse,stored")
    });
    assert_eq!(secret.len(), 64, "{secret:?}");
    let birth = w.doc("giay-khai-sinh-nguyen-van-duc.pdf").to_string();
    for i in 0..3 {
        w.reuse(&birth, &format!("Đối chiếu lần {i}"));
    }
    // Down: attempts fail and are counted.
    wait_until("a failed attempt", Duration::from_secs(30), || {
        let list = w.served.get("/api/v1/webhooks", Some(w.token("quantri")));
        list.json()["webhooks"][0]["attempts"].as_u64().unwrap_or(0) >= 2
    });
    let list = w
        .served
        .get("/api/v1/webhooks", Some(w.token("quantri")))
        .json();
    assert_eq!(list["webhooks"][0]["delivered"], 0, "{list}");
    assert!(list["webhooks"][0]["last_error"].is_string(), "{list}");
    assert!(
        !list.to_string().contains(&secret),
        "the secret is never listed"
    );

    // Up.
    let receiver = Receiver::start(
        TcpListener::bind(("127.0.0.1", port)).unwrap(),
        Duration::ZERO,
    );
    let expected = seqs(&w.all_events("reuse,stored"));
    assert_eq!(expected.len(), w.docs.len() + 3);
    wait_until("every event", Duration::from_secs(60), || {
        receiver.seqs().len() >= expected.len()
    });
    // Nothing more comes (once each).
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(receiver.seqs(), expected);
    for delivery in receiver.deliveries() {
        let event: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
        assert_eq!(delivery.idempotency_key, event["seq"].to_string());
        assert!(
            documented_check(&secret, &delivery.signature, &delivery.body),
            "{delivery:?}"
        );
        // The same JSON as the feed's.
        let same = w.feed(&format!(
            "?after={}&limit=1",
            event["seq"].as_u64().unwrap() - 1
        ));
        assert_eq!(same["events"][0], event);
    }
    // Forgeries fail the documented check: another key, another body, an old timestamp.
    let genuine = &receiver.deliveries()[0];
    let forged_key = {
        let key = openssl::pkey::PKey::hmac(b"not-the-secret").unwrap();
        let mut signer =
            openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &key).unwrap();
        let t = genuine
            .signature
            .split(',')
            .next()
            .unwrap()
            .trim_start_matches("t=");
        signer.update(format!("{t}.").as_bytes()).unwrap();
        signer.update(&genuine.body).unwrap();
        format!("t={t},v1={}", hex::encode(signer.sign_to_vec().unwrap()))
    };
    assert!(!documented_check(&secret, &forged_key, &genuine.body));
    let mut tampered = genuine.body.clone();
    let at = tampered.iter().position(|b| b.is_ascii_digit()).unwrap();
    tampered[at] = if tampered[at] == b'9' {
        b'8'
    } else {
        tampered[at] + 1
    };
    assert!(!documented_check(&secret, &genuine.signature, &tampered));
    let v1 = genuine.signature.split_once(",v1=").unwrap().1;
    assert!(!documented_check(
        &secret,
        &format!("t=1000000000,v1={v1}"),
        &genuine.body
    ));

    let list = w
        .served
        .get("/api/v1/webhooks", Some(w.token("quantri")))
        .json();
    assert_eq!(list["webhooks"][0]["attempts"], 0, "{list}");
    // The cursor is past every event delivered (and past the events of other types after them).
    assert!(
        list["webhooks"][0]["delivered_through"].as_u64().unwrap() >= *expected.last().unwrap(),
        "{list}"
    );
    // Removed: gone from the list.
    let removed = Request::new("DELETE", "/api/v1/webhooks/motcua")
        .bearer(Some(w.token("quantri")))
        .send(&w.served.addr);
    assert_eq!(removed.status, 204, "{}", removed.text());
    let list = w
        .served
        .get("/api/v1/webhooks", Some(w.token("quantri")))
        .json();
    assert_eq!(list["webhooks"], serde_json::json!([]));
}

#[test]
fn killing_kho_mid_delivery_loses_no_event() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // A slow receiver: kho is killed while events are on their way.
    let receiver = Receiver::start(listener, Duration::from_millis(300));
    let w = world(&[], |kho| {
        add_webhook(kho, "motcua", port, "stored,reuse,revoked");
    });
    wait_until("the first deliveries", Duration::from_secs(60), || {
        receiver.seqs().len() >= 2
    });
    let expected_before = seqs(&w.all_events("stored,reuse,revoked"));
    let kho = w.served.kill();
    let got_at_kill = receiver.seqs().len();
    assert!(
        got_at_kill < expected_before.len(),
        "the kill came after every delivery ({got_at_kill}); nothing was tested"
    );
    let served = Served::start_with(
        kho,
        &["--delivery-poll-ms", "100", "--delivery-max-backoff", "1"],
    );
    wait_until(
        "every event after the restart",
        Duration::from_secs(60),
        || receiver.seqs().into_iter().collect::<BTreeSet<_>>().len() >= expected_before.len(),
    );
    std::thread::sleep(Duration::from_millis(800));
    let got = receiver.seqs();
    // Every event, first received in order; at most the one in flight at the kill twice, with
    // the same idempotency key (the receiver drops it).
    let mut first_seen = Vec::new();
    for seq in &got {
        if !first_seen.contains(seq) {
            first_seen.push(*seq);
        }
    }
    assert_eq!(first_seen, expected_before, "{got:?}");
    assert!(got.len() <= expected_before.len() + 1, "{got:?}");
    drop(served);
}

const SMTP_SINK: &str = r#"
import sys, time, pathlib, email, email.policy
from aiosmtpd.controller import Controller
out = pathlib.Path(sys.argv[2])
class Keep:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        n = len(list(out.glob("*.txt")))
        text = "To: " + ",".join(envelope.rcpt_tos) + "\nSubject: " + str(msg["subject"]) + "\n\n" + msg.get_content()
        (out / f"{n:04}.tmp").write_text(text, encoding="utf-8")
        (out / f"{n:04}.tmp").rename(out / f"{n:04}.txt")
        return "250 OK"
c = Controller(Keep(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
"#;

/// aiosmtpd on loopback, writing each message it accepts (decoded) to a file in `dir`.
struct SmtpSink {
    child: std::process::Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl SmtpSink {
    fn start() -> SmtpSink {
        let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/py/bin/python");
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut child = std::process::Command::new(python)
            .args(["-c", SMTP_SINK, &port.to_string()])
            .arg(dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run aiosmtpd (scripts/setup-tests.sh installs it in target/py)");
        let mut ready = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut ready)
            .unwrap();
        assert_eq!(ready.trim(), "ready", "the SMTP sink did not start");
        SmtpSink { child, dir, port }
    }

    fn messages(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_citizen_is_mailed_the_sentence_of_their_activity_page() {
    let sink = SmtpSink::start();
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let w = world(
        &["--smtp-url", &smtp, "--smtp-from", "kho@quangnam.gov.vn"],
        |_| {},
    );
    let cookie = format!("kho_session={}", w.token("duc"));
    let page = Request::new("GET", "/my/notifications")
        .header("cookie", &cookie)
        .send(&w.served.addr);
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("Nhận thông báo"), "{}", page.text());
    let csrf = kho_tests::http::csrf_of(&page.text());
    let post = |address: &str| {
        Request::new("POST", "/my/notifications")
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                format!(
                    "csrf={csrf}&action=save&address={}",
                    kho_tests::http::encode(address)
                )
                .into_bytes(),
            )
            .send(&w.served.addr)
    };
    // A header injection is refused, named, and the form comes back filled in.
    let refused = post("duc@example.vn\r\nBcc: ke-gian@example.vn");
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(
        refused.text().contains("không phải địa chỉ thư điện tử"),
        "{}",
        refused.text()
    );
    let saved = post("duc.nguyen@example.vn");
    assert_eq!(saved.status, 303, "{}", saved.text());
    let shown = Request::new("GET", "/my/notifications?done=saved")
        .header("cookie", &cookie)
        .send(&w.served.addr)
        .text();
    assert!(shown.contains("duc.nguyen@example.vn"), "{shown}");

    // A clerk reuses Đức's birth certificate: the mail says so, as /my/activity does.
    let birth = w.doc("giay-khai-sinh-nguyen-van-duc.pdf").to_string();
    w.reuse(&birth, "Đối chiếu giấy khai sinh");
    wait_until("the mail", Duration::from_secs(30), || {
        !sink.messages().is_empty()
    });
    std::thread::sleep(Duration::from_millis(500));
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let mail = &messages[0];
    assert!(mail.starts_with("To: duc.nguyen@example.vn\n"), "{mail}");
    assert!(mail.contains("Hoạt động mới với giấy tờ của bạn"), "{mail}");
    let activity = Request::new("GET", "/my/activity")
        .header("cookie", &cookie)
        .send(&w.served.addr)
        .text();
    let sentence = "Cán bộ canbo (";
    assert!(
        mail.contains(sentence) && mail.contains("đã dùng lại"),
        "{mail}"
    );
    assert!(mail.contains(&format!("cho hồ sơ {DOSSIER}")), "{mail}");
    let line = mail
        .lines()
        .find(|l| l.contains("đã dùng lại"))
        .and_then(|l| l.split_once(": "))
        .map(|(_, sentence)| sentence.to_string())
        .unwrap();
    assert!(
        activity.contains(&line),
        "{line} not on /my/activity: {activity}"
    );
    // Another owner's events are not mailed to Đức; stopping stops.
    let thuy_doc = w
        .doc("giay-chung-nhan-ket-hon-tran-thi-thuy.png")
        .to_string();
    w.reuse(&thuy_doc, "Đối chiếu giấy kết hôn");
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(sink.messages().len(), 1, "{:?}", sink.messages());
}
