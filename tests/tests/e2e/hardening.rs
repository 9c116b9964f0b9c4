//! Headers and limits of the server (issue #16, "Headers"): `nosniff` on every answer,
//! originals saved as files unless a viewer asks to show them, previews kept in no cache and
//! drawn at a few fixed widths, `next` a path of this site only, and slow clients cut off
//! (headers that never finish, a body that stalls). Over a real socket against `kho serve`.

use kho_tests::http::{encode, Request, Served};
use kho_tests::Kho;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const DOSSIER: &str = "000.00.00.H47-261120-0007";

fn served_with(options: &[&str]) -> (Served, String, String) {
    let kho = Kho::new();
    let docs = kho.ingest_corpus().ids_by_file();
    let token = kho.token("clerk", &["--agency", "H47.15"]);
    let doc = docs["giay-khai-sinh-nguyen-van-duc.pdf"].clone();
    (Served::start_with(kho, options), token, doc)
}

fn reason(target: &str) -> String {
    format!(
        "{target}{}dossier_code={}&purpose=x",
        if target.contains('?') { '&' } else { '?' },
        encode(DOSSIER)
    )
}

#[test]
fn headers_say_what_an_answer_is_and_how_long_it_may_be_kept() {
    let (served, token, doc) = served_with(&[]);
    let token = Some(token.as_str());
    // nosniff everywhere: API, errors, web pages, originals.
    let content = served.get(&reason(&format!("/api/v1/documents/{doc}/content")), token);
    for answer in [
        &served.get("/api/v1/health", None),
        &served.get("/api/v1/no-such-route", None),
        &served.get(&format!("/api/v1/documents/{doc}"), None),
        &served.get("/login", None),
        &served.get("/no-such-page", None),
        &content,
    ] {
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
    }
    // An original is a file to save, unless a viewer asks to show it.
    assert_eq!(content.status, 200);
    assert!(content
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment;"));
    let shown = served.get(
        &reason(&format!("/api/v1/documents/{doc}/content?inline=true")),
        token,
    );
    assert!(shown
        .header("content-disposition")
        .unwrap()
        .starts_with("inline;"));
    assert_eq!(shown.header("content-security-policy"), Some("sandbox"));

    // Previews: kept in no cache, drawn at a few widths whatever is asked.
    let mut widths = std::collections::BTreeSet::new();
    for asked in [64, 150, 200, 201, 333, 399, 400, 555, 799, 1000, 1537, 1600] {
        let preview = served.get(
            &reason(&format!(
                "/api/v1/documents/{doc}/pages/1/preview?width={asked}"
            )),
            token,
        );
        assert_eq!(preview.status, 200, "{asked}: {}", preview.text());
        assert_eq!(preview.header("cache-control"), Some("no-store"));
        widths.insert(image::load_from_memory(&preview.body).unwrap().width());
    }
    assert!(widths.len() <= 4, "drawn at {widths:?}");
    let cached = std::fs::read_dir(served.data_path().join("cache/previews"))
        .unwrap()
        .count();
    assert!(cached <= 4, "{cached} previews cached for one page");
    let too_wide = served.get(
        &reason(&format!(
            "/api/v1/documents/{doc}/pages/1/preview?width=1601"
        )),
        token,
    );
    assert_eq!(too_wide.status, 422);
}

#[test]
fn the_login_form_goes_back_to_a_path_of_this_site_only() {
    let (served, _, _) = served_with(&[]);
    for next in [
        "%2F%09%2Fevil.example",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
    ] {
        let page = served.get(&format!("/login?next={next}"), None);
        assert_eq!(page.status, 200);
        let text = page.text();
        assert!(
            text.contains(r#"name="next" value="/""#),
            "{next}: {}",
            text
        );
        assert!(!text.contains("evil.example"), "{next}");
    }
    let page = served.get("/login?next=%2Fdocuments%2Fabc", None).text();
    assert!(
        page.contains(r#"name="next" value="/documents/abc""#),
        "{page}"
    );
}

/// Reads until the server closes the connection (or 60 s pass, which fails the test).
fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return got,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return got,
            Err(e) => panic!("the server kept a slow connection open: {e}"),
        }
    }
}

#[test]
fn slow_clients_are_cut_off() {
    let (served, _, _) = served_with(&["--header-timeout", "1", "--body-timeout", "1"]);
    // Headers that never finish (slowloris): the connection is closed.
    let mut slow = TcpStream::connect(&served.addr).unwrap();
    slow.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: kho\r\nX-Slow: ")
        .unwrap();
    let answer = read_until_closed(&mut slow);
    assert!(
        answer.is_empty() || String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    // A body that stalls: the request ends with an error and the connection closes.
    let mut stalled = TcpStream::connect(&served.addr).unwrap();
    stalled
        .write_all(
            b"POST /api/v1/login HTTP/1.1\r\nHost: kho\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"username\"",
        )
        .unwrap();
    let answer = String::from_utf8_lossy(&read_until_closed(&mut stalled)).into_owned();
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );
    // The server still answers others.
    assert_eq!(served.get("/api/v1/health", None).status, 200);
    assert_eq!(
        Request::new("GET", "/api/v1/health")
            .send(&served.addr)
            .status,
        200
    );
}
