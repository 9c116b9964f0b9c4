//! The ledger tells the whole truth (issue #16): every route x every kind of answer that tells
//! anything about an owner's documents -> exactly the events expected in that owner's ledger,
//! counted, over HTTP against `kho serve`. The rule for searches is in docs/api.md ("The
//! ledger"): each hit shown is a read; a search scoped to one owner is also one `search`
//! event with its counts.

use kho_tests::http::{encode, serve_samples, Request, SamplesServed, Served};
use std::collections::BTreeMap;

const DUC: &str = "049075001234";
const THUY: &str = "079305000001";
const DOSSIER: &str = "000.00.00.H47-261120-0007";
const PURPOSE: &str = "Đối chiếu";
const BIRTH: &str = "giay-khai-sinh-nguyen-van-duc.pdf";

struct World {
    served: Served,
    tokens: BTreeMap<&'static str, String>,
    docs: BTreeMap<String, String>,
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

fn world() -> World {
    let SamplesServed {
        served,
        tokens,
        docs,
    } = serve_samples(&USERS, password);
    World {
        served,
        tokens,
        docs,
    }
}

fn reason(target: &str) -> String {
    reason_for(target, DOSSIER)
}

fn reason_for(target: &str, dossier: &str) -> String {
    format!(
        "{target}{}dossier_code={}&purpose={}",
        if target.contains('?') { '&' } else { '?' },
        encode(dossier),
        encode(PURPOSE)
    )
}

impl World {
    fn token(&self, user: &str) -> Option<&str> {
        self.tokens.get(user).map(String::as_str)
    }

    /// The events of `owner`'s ledger after event `after`, as (action, detail).
    fn events_after(&self, owner: &str, citizen: &str, after: u64) -> Vec<(String, String)> {
        let answer = self.served.get(
            &format!("/api/v1/owners/{owner}/ledger?limit=1000&after={after}"),
            self.token(citizen),
        );
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["action"].as_str().unwrap().to_string(),
                    e["detail"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }

    /// The newest event's number in the whole ledger, as `owner`'s ledger shows it.
    fn last_seq(&self, owner: &str, citizen: &str) -> u64 {
        let mut after = 0;
        loop {
            let answer = self.served.get(
                &format!("/api/v1/owners/{owner}/ledger?limit=1000&after={after}"),
                self.token(citizen),
            );
            let events = answer.json()["events"].as_array().unwrap().clone();
            match events.last() {
                Some(e) => after = e["seq"].as_u64().unwrap(),
                None => return after,
            }
        }
    }
}

/// One cell: who asks what, the status expected, and the events the owner's ledger must gain,
/// as (action, a piece of the detail).
struct Cell {
    name: &'static str,
    who: &'static str,
    request: Request,
    status: u16,
    /// Whose ledger gains the events: Đức's, unless the cell says Thuý's.
    ledger_of: &'static str,
    events: Vec<(&'static str, &'static str)>,
}

#[test]
fn every_answer_about_an_owner_is_in_their_ledger_counted() {
    let w = world();
    let doc = w.docs[BIRTH].clone();
    let land = w.docs["giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc.pdf"].clone();
    let content = |extra: &[(&str, &str)]| {
        extra.iter().fold(
            Request::new("GET", &reason(&format!("/api/v1/documents/{doc}/content"))),
            |r, (name, value)| r.header(name, value),
        )
    };
    let sha256 = {
        let a = w.served.get(
            &reason(&format!("/api/v1/documents/{doc}")),
            w.token("canbo"),
        );
        a.json()["sha256"].as_str().unwrap().to_string()
    };
    let etag = format!("\"{sha256}\"");
    let birth_bytes = std::fs::read(kho_tests::corpus().join(BIRTH)).unwrap();
    let get = |target: String| Request::new("GET", &target);
    let read = ("read_metadata", "");
    let cells = vec![
        Cell {
            name: "metadata 200",
            who: "canbo",
            request: get(reason(&format!("/api/v1/documents/{doc}"))),
            status: 200,
            ledger_of: DUC,
            events: vec![read],
        },
        Cell {
            name: "metadata refused: another citizen (404)",
            who: "thuy",
            request: get(format!("/api/v1/documents/{doc}")),
            status: 404,
            ledger_of: DUC,
            events: vec![("refused", "not the caller's document")],
        },
        Cell {
            name: "metadata refused: another province's dossier (403)",
            who: "canbo-hanoi",
            request: get(reason(&format!("/api/v1/documents/{doc}"))),
            status: 403,
            ledger_of: DUC,
            events: vec![("refused", "received by an agency of H47")],
        },
        Cell {
            name: "an id that does not exist: the requester's own trail",
            who: "thuy",
            request: get("/api/v1/documents/AAAAAAAAAAAAAAAAAAAAAAAAAA".into()),
            status: 404,
            ledger_of: THUY,
            events: vec![("refused", "no such document")],
        },
        Cell {
            name: "original 200",
            who: "canbo",
            request: content(&[]),
            status: 200,
            ledger_of: DUC,
            events: vec![("download", "")],
        },
        Cell {
            name: "original 206",
            who: "canbo",
            request: content(&[("Range", "bytes=0-9")]),
            status: 206,
            ledger_of: DUC,
            events: vec![("download", "bytes 0-9")],
        },
        Cell {
            name: "original 304",
            who: "canbo",
            request: content(&[("If-None-Match", &etag)]),
            status: 304,
            ledger_of: DUC,
            events: vec![("download", "not modified")],
        },
        Cell {
            name: "original 416",
            who: "canbo",
            request: content(&[("Range", "bytes=999999999-")]),
            status: 416,
            ledger_of: DUC,
            events: vec![("read_metadata", "outside the file")],
        },
        Cell {
            name: "preview 200",
            who: "canbo",
            request: get(reason(&format!(
                "/api/v1/documents/{doc}/pages/1/preview?width=200"
            ))),
            status: 200,
            ledger_of: DUC,
            events: vec![("read_metadata", "preview of page 1")],
        },
        Cell {
            name: "preview of a page that does not exist (422)",
            who: "canbo",
            request: get(reason(&format!(
                "/api/v1/documents/{doc}/pages/99/preview?width=200"
            ))),
            status: 422,
            ledger_of: DUC,
            events: vec![("read_metadata", "preview of page 99")],
        },
        Cell {
            name: "search scoped to the owner, counts and facets only",
            who: "canbo",
            request: get(reason(&format!(
                "/api/v1/search?owner={DUC}&offset=10000&limit=1"
            ))),
            status: 200,
            ledger_of: DUC,
            events: vec![("search", "searched: 2 documents matched, none shown")],
        },
        Cell {
            name: "search scoped to the owner, one hit of two",
            who: "canbo",
            request: get(reason(&format!("/api/v1/search?owner={DUC}&limit=1"))),
            status: 200,
            ledger_of: DUC,
            events: vec![
                ("read_metadata", "search result"),
                ("search", "searched: 2 documents matched, 1 shown"),
            ],
        },
        Cell {
            name: "search scoped to the owner, nothing matches",
            who: "canbo",
            request: get(reason(&format!(
                "/api/v1/search?owner={DUC}&type=criminal_record_extract"
            ))),
            status: 200,
            ledger_of: DUC,
            events: vec![("search", "searched: 0 documents matched")],
        },
        Cell {
            name: "search for the owner's ID typed alone",
            who: "canbo",
            request: get(reason(&format!("/api/v1/search?q={DUC}&limit=1"))),
            status: 200,
            ledger_of: DUC,
            events: vec![
                ("read_metadata", "search result"),
                ("search", "searched: 2 documents matched, 1 shown"),
            ],
        },
        Cell {
            name: "unscoped search: each hit shown",
            who: "canbo",
            request: get(reason("/api/v1/search?q=%2212/KS-1975%22")),
            status: 200,
            ledger_of: DUC,
            events: vec![("read_metadata", "search result")],
        },
        Cell {
            name: "search refused: another province's dossier, aimed at the owner",
            who: "canbo-hanoi",
            request: get(reason(&format!("/api/v1/search?owner={DUC}"))),
            status: 403,
            ledger_of: DUC,
            events: vec![("refused", "search: dossier")],
        },
        Cell {
            name: "the owner's list",
            who: "canbo",
            request: get(reason(&format!("/api/v1/owners/{DUC}/documents"))),
            status: 200,
            ledger_of: DUC,
            events: vec![
                ("read_metadata", "list of the owner's documents"),
                ("read_metadata", "list of the owner's documents"),
            ],
        },
        Cell {
            name: "the owner's list refused: another citizen",
            who: "thuy",
            request: get(format!("/api/v1/owners/{DUC}/documents")),
            status: 404,
            ledger_of: DUC,
            events: vec![("refused", "list the documents of owner")],
        },
        Cell {
            name: "the owner's ledger refused: another citizen",
            who: "thuy",
            request: get(format!("/api/v1/owners/{DUC}/ledger")),
            status: 404,
            ledger_of: DUC,
            events: vec![("refused", "see the ledger of owner")],
        },
        Cell {
            name: "upload of a file the owner already has (duplicate)",
            who: "vanhanh",
            request: Request::new("POST", "/api/v1/documents").multipart(
                &[("owner_id", DUC), ("doc_type", "birth_certificate")],
                BIRTH,
                &birth_bytes,
            ),
            status: 200,
            ledger_of: DUC,
            events: vec![("read_metadata", "duplicate")],
        },
        Cell {
            name: "reuses listed",
            who: "canbo",
            request: get(reason(&format!("/api/v1/documents/{land}/reuses"))),
            status: 200,
            ledger_of: DUC,
            events: vec![("read_metadata", "list of reuses")],
        },
        Cell {
            name: "reuse",
            who: "canbo",
            request: Request::new("POST", &format!("/api/v1/documents/{land}/reuses"))
                .json(&serde_json::json!({"dossier_code": DOSSIER, "purpose": PURPOSE})),
            status: 201,
            ledger_of: DUC,
            events: vec![("reuse", "")],
        },
        Cell {
            name: "reuse refused: a citizen",
            who: "duc",
            request: Request::new("POST", &format!("/api/v1/documents/{land}/reuses"))
                .json(&serde_json::json!({"dossier_code": DOSSIER, "purpose": PURPOSE})),
            status: 403,
            ledger_of: DUC,
            events: vec![("refused", "reuse: a citizen cannot")],
        },
    ];
    let mut failures = Vec::new();
    for cell in cells {
        let citizen = if cell.ledger_of == DUC { "duc" } else { "thuy" };
        let before = w.last_seq(cell.ledger_of, citizen);
        let answer = w.served.send(cell.request.bearer(w.token(cell.who)));
        let gained = w.events_after(cell.ledger_of, citizen, before);
        let matches = gained.len() == cell.events.len()
            && gained
                .iter()
                .zip(&cell.events)
                .all(|((action, detail), (want, piece))| action == want && detail.contains(piece));
        if answer.status != cell.status || !matches {
            failures.push(format!(
                "{}: answered {} (want {}), ledger gained {gained:?}, want {:?}: {}",
                cell.name,
                answer.status,
                cell.status,
                cell.events,
                answer.text().chars().take(200).collect::<String>()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The lines of an owner's ledger (as `duc` reads them) on one page.
fn lines(w: &World, query: &str) -> serde_json::Value {
    let answer = w.served.get(
        &format!("/api/v1/owners/{DUC}/ledger/lines?{query}"),
        w.token("duc"),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

fn summary(line: &serde_json::Value) -> (String, String, usize) {
    (
        line["action"].as_str().unwrap().to_string(),
        line["detail"].as_str().unwrap_or("").to_string(),
        line["documents"].as_array().unwrap().len(),
    )
}

#[test]
fn a_citizens_ledger_reads_newest_first_one_line_per_request_both_ways() {
    let w = world();
    let doc = w.docs[BIRTH].clone();
    let clerk = w.token("canbo");
    let ok = |target: String| {
        let answer = w.served.get(&reason(&target), clerk);
        assert_eq!(answer.status, 200, "{target}: {}", answer.text());
    };
    ok(format!("/api/v1/owners/{DUC}/documents"));
    ok(format!("/api/v1/documents/{doc}"));
    ok(format!("/api/v1/documents/{doc}/content"));
    ok(format!("/api/v1/search?owner={DUC}"));

    // Newest first: the search's summary, then its two hits in one line.
    let first = lines(&w, "limit=2");
    let got: Vec<_> = first["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(summary)
        .collect();
    assert_eq!(got[0].0, "search");
    assert_eq!(
        (got[1].0.as_str(), got[1].1.as_str(), got[1].2),
        ("read_metadata", "search result", 2)
    );
    let named = &first["lines"][1]["documents"][0];
    assert!(!named["doc_type"].as_str().unwrap().is_empty(), "{named}");
    assert!(
        first["newer"].is_null(),
        "the newest page has nothing newer"
    );
    let older = first["older"].as_u64().expect("there are older lines");

    // Older: the download, the read; then the list of two documents in one line.
    let second = lines(&w, &format!("limit=3&before={older}"));
    let got: Vec<_> = second["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(summary)
        .collect();
    assert_eq!(got[0], ("download".into(), String::new(), 1));
    assert_eq!(got[1], ("read_metadata".into(), String::new(), 1));
    assert_eq!(
        got[2],
        (
            "read_metadata".into(),
            "list of the owner's documents".into(),
            2
        )
    );
    // And back: newer than the second page is the first page again.
    let newer = second["newer"].as_u64().expect("there are newer lines");
    let back = lines(&w, &format!("limit=2&after={newer}"));
    assert_eq!(back["lines"], first["lines"]);

    // Filters: by action, by document.
    let downloads = lines(&w, "action=download");
    let got: Vec<_> = downloads["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(summary)
        .collect();
    assert_eq!(got, [("download".to_string(), String::new(), 1)]);
    let about = lines(&w, &format!("document={doc}&limit=200"));
    assert!(about["lines"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["id"] == doc.as_str())));
    let bad = w.served.get(
        &format!("/api/v1/owners/{DUC}/ledger/lines?action=peek"),
        w.token("duc"),
    );
    assert_eq!(bad.status, 422);
    // A program asking outside the page's range, or both ways at once, is told which field.
    for (query, field, code) in [
        ("limit=0", "limit", "request.limit"),
        ("limit=201", "limit", "request.limit"),
        ("before=9&after=3", "after", "ledger.cursors"),
    ] {
        let refused = w.served.get(
            &format!("/api/v1/owners/{DUC}/ledger/lines?{query}"),
            w.token("duc"),
        );
        assert_eq!(refused.status, 422, "{query}: {}", refused.text());
        let text = refused.text();
        assert!(
            text.contains(field) && text.contains(code),
            "{query}: {text}"
        );
    }
    // The web page shows the lines, newest first, with a link to older ones.
    let page = Request::new("GET", "/my/ledger?limit=2")
        .header("Cookie", &format!("kho_session={}", w.tokens["duc"]))
        .send(&w.served.addr);
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(
        html.contains(r#"rel="next""#) && html.contains("Cũ hơn"),
        "{html}"
    );
    assert!(
        !html.contains(r#"rel="prev""#),
        "the newest page has no newer link"
    );
}
