//! The province's indicators (#21) through the binary and over HTTP: a known history
//! (registered dossiers received in two months at two agencies, documents digitized, reuses by
//! two agencies' clerks, one for a dossier never registered), and every numerator, denominator
//! and rate of `kho report indicators` checked in JSON and CSV; the counters rebuilt from the
//! ledger give the same report; the API route for admins and leaders (an agency-bound leader
//! sees their agency only); the dashboard in Chromium.

use kho_tests::http::{encode, Served};
use kho_tests::Kho;
use schemas::Date;
use serde_json::Value;
use std::collections::BTreeMap;

const DUC: &str = "049075001234";
const THUY: &str = "079305000001";
const PURPOSE: &str = "Đối chiếu giấy tờ";

/// The months of the history: two before this one (dossiers received), and this one (the day
/// documents are stored and reused, which the test cannot choose).
struct Months {
    /// `yyyy-mm-dd` of the 10th of two months ago and of last month.
    first: Date,
    second: Date,
    today: Date,
}

fn months() -> Months {
    let today = schemas::today();
    let tenth_of = |months_back: i32| {
        let m = i32::from(u8::from(today.month())) - 1 - months_back;
        let (year, month) = (today.year() + m.div_euclid(12), m.rem_euclid(12) + 1);
        schemas::parse_date(&format!("{year:04}-{month:02}-10")).unwrap()
    };
    Months {
        first: tenth_of(2),
        second: tenth_of(1),
        today,
    }
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn yymmdd(d: Date) -> String {
    format!(
        "{:02}{:02}{:02}",
        d.year() % 100,
        u8::from(d.month()),
        d.day()
    )
}

fn first_of_month(d: Date) -> Date {
    d.replace_day(1).unwrap()
}

struct History {
    served: Served,
    admin: String,
    months: Months,
}

fn ingest(kho: &Kho, name: &str, owner: &str, doc_type: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, kho_tests::fixtures::pdf(1, name)).unwrap();
    let run = kho.run(
        [
            &[
                "ingest",
                file.to_str().unwrap(),
                "--owner",
                owner,
                "--doc-type",
                doc_type,
                "--json",
            ][..],
            extra,
        ]
        .concat(),
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    run.json_lines()[0]["id"].as_str().unwrap().to_string()
}

/// The known history, served with `--dossier-check format` (so that a clerk can reuse for a
/// dossier that was never registered, which 4.3 must not count).
fn history() -> History {
    let months = months();
    let kho = Kho::new();
    let a1 = format!("000.00.15.H47-{}-0001", yymmdd(months.first));
    let a2 = format!("000.00.15.H47-{}-0002", yymmdd(months.second));
    let b1 = format!("000.00.16.H47-{}-0001", yymmdd(months.second));
    // Four documents: two issued by H47.15, two by H47.16; one is A1's electronic result, one
    // a component of B1.
    let d1 = ingest(
        &kho,
        "khai-sinh-duc.pdf",
        DUC,
        "birth_certificate",
        &["--issuer-code", "H47.15"],
    );
    let d2 = ingest(
        &kho,
        "ket-hon-thuy.pdf",
        THUY,
        "marriage_certificate",
        &["--issuer-code", "000.00.16.H47"],
    );
    let kq1 = format!("{a1}-KQ1");
    ingest(
        &kho,
        "ket-qua-a1.pdf",
        DUC,
        "birth_certificate",
        &[
            "--issuer-code",
            "H47.15",
            "--dossier",
            &a1,
            "--result-code",
            &kq1,
        ],
    );
    ingest(
        &kho,
        "thanh-phan-b1.pdf",
        THUY,
        "death_extract",
        &["--issuer-code", "H47.16", "--dossier", &b1],
    );
    // Three registered dossiers: A1 (two months ago, H47.15), A2 and B1 (last month).
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("ho-so.csv");
    std::fs::write(
        &list,
        format!(
            "code,procedure_code,applicants,receiving_agency,received_on\n\
             {a1},1.001193,{DUC},000.00.15.H47,{}\n\
             {a2},1.001193,{THUY},000.00.15.H47,{}\n\
             {b1},2.000889,{THUY},000.00.16.H47,{}\n",
            iso(months.first),
            iso(months.second),
            iso(months.second)
        ),
    )
    .unwrap();
    let run = kho.run(["dossier", "import", list.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    kho.add_user("canbo15", "clerk", &["--agency", "H47.15"], "mật-khẩu-15");
    kho.add_user(
        "canbo16",
        "clerk",
        &["--agency", "000.00.16.H47"],
        "mật-khẩu-16",
    );
    kho.add_user("lanhdao", "leader", &[], "mật-khẩu-lãnh-đạo");
    let admin = kho.token("admin", &[]);
    let served = Served::start_with(kho, &["--dossier-check", "format"]);
    let login = |name: &str, password: &str| {
        let answer = served.post(
            "/api/v1/login",
            None,
            &serde_json::json!({"username": name, "password": password}),
        );
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()["token"].as_str().unwrap().to_string()
    };
    let clerk15 = login("canbo15", "mật-khẩu-15");
    let clerk16 = login("canbo16", "mật-khẩu-16");
    let b2 = format!("000.00.16.H47-{}-0009", yymmdd(months.second));
    let reuse = |token: &str, doc: &str, dossier: &str, procedure: &str| {
        let answer = served.post(
            &format!("/api/v1/documents/{doc}/reuses"),
            Some(token),
            &serde_json::json!({"dossier_code": dossier, "procedure_code": procedure, "purpose": PURPOSE}),
        );
        assert_eq!(answer.status, 201, "{}", answer.text());
    };
    reuse(&clerk15, &d1, &a1, "1.001193");
    reuse(&clerk15, &d1, &a1, "1.001193"); // again: a reuse, not a second dossier
    reuse(&clerk16, &d2, &b1, "2.000889");
    reuse(&clerk16, &d2, &b2, "2.000889"); // a dossier never registered
    History {
        served,
        admin,
        months,
    }
}

fn indicator(row: &Value, id: &str) -> (u64, Option<u64>, Option<f64>) {
    let v = row["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no indicator {id} in {row}"));
    (
        v["numerator"].as_u64().unwrap(),
        v["denominator"].as_u64(),
        v["rate"].as_f64(),
    )
}

fn row<'a>(report: &'a Value, agency: Option<&str>, from: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["agency"].as_str() == agency && r["from"] == from)
        .unwrap_or_else(|| panic!("no row {agency:?} from {from} in {report:#}"))
}

#[test]
fn every_numerator_denominator_and_rate_of_a_known_history_in_json_and_csv() {
    let h = history();
    let kho = h.served.stop();
    let from = iso(first_of_month(h.months.first));
    let to = iso(h.months.today);
    let report = |extra: &[&str]| {
        kho.run(
            [
                &["report", "indicators", "--from", &from, "--to", &to][..],
                extra,
            ]
            .concat(),
        )
    };

    // By agency over the whole period.
    let run = report(&["--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let by_agency = run.json();
    let province = row(&by_agency, None, &from);
    assert_eq!(province["dossiers_received"], 3);
    assert_eq!(
        province["dossiers_reused"], 3,
        "A1, B1 and the unregistered B2"
    );
    assert_eq!(province["documents_digitized"], 4);
    assert_eq!(province["reuses"], 4);
    assert_eq!(province["median_days_to_reuse"], 0);
    assert_eq!(
        indicator(province, "4.1"),
        (1, None, None),
        "no denominator kho knows"
    );
    assert_eq!(indicator(province, "4.2"), (1, Some(3), Some(0.3333)));
    assert_eq!(indicator(province, "4.3"), (2, Some(3), Some(0.6667)));
    assert_eq!(indicator(province, "4.4"), (2, Some(3), Some(0.6667)));
    let h15 = row(&by_agency, Some("H47.15"), &from);
    assert_eq!(h15["dossiers_received"], 2);
    assert_eq!(h15["documents_digitized"], 2);
    assert_eq!(h15["reuses"], 2);
    assert_eq!(indicator(h15, "4.1"), (1, None, None));
    assert_eq!(indicator(h15, "4.2"), (1, Some(2), Some(0.5)));
    assert_eq!(indicator(h15, "4.3"), (1, Some(2), Some(0.5)));
    assert_eq!(indicator(h15, "4.4"), (1, Some(2), Some(0.5)));
    let h16 = row(&by_agency, Some("H47.16"), &from);
    assert_eq!(h16["dossiers_received"], 1);
    assert_eq!(h16["dossiers_reused"], 2);
    assert_eq!(indicator(h16, "4.1"), (0, None, None));
    assert_eq!(indicator(h16, "4.2"), (0, Some(1), Some(0.0)));
    assert_eq!(indicator(h16, "4.3"), (1, Some(1), Some(1.0)));
    assert_eq!(indicator(h16, "4.4"), (1, Some(1), Some(1.0)));
    assert_eq!(by_agency["rows"].as_array().unwrap().len(), 3);
    // 4.1's missing denominator is said.
    let missing = &province["indicators"][0]["missing_inputs"];
    assert!(missing.to_string().contains("paper"), "{missing}");
    // Digitized per agency and month, by type and text source.
    let this_month = format!(
        "{:04}-{:02}",
        h.months.today.year(),
        u8::from(h.months.today.month())
    );
    let digitized: Vec<(String, String, String, String, u64)> = by_agency["digitized"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["agency"].as_str().unwrap().into(),
                d["month"].as_str().unwrap().into(),
                d["doc_type"].as_str().unwrap().into(),
                d["text_source"].as_str().unwrap().into(),
                d["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let m = this_month.clone();
    let t = || "text_layer".to_string();
    assert_eq!(
        digitized,
        vec![
            (
                "H47.15".into(),
                m.clone(),
                "birth_certificate".into(),
                t(),
                2
            ),
            ("H47.16".into(), m.clone(), "death_extract".into(), t(), 1),
            (
                "H47.16".into(),
                m.clone(),
                "marriage_certificate".into(),
                t(),
                1
            ),
        ]
    );
    assert_eq!(
        by_agency["reuse_by_procedure"],
        serde_json::json!([{"name": "1.001193", "count": 2}, {"name": "2.000889", "count": 2}])
    );
    assert_eq!(
        by_agency["most_reused_types"],
        serde_json::json!([{"name": "birth_certificate", "count": 2}, {"name": "marriage_certificate", "count": 2}])
    );

    // By month: each dossier in the month it was received; documents and reuses this month.
    let by_month = report(&["--by", "month", "--json"]).json();
    let first = iso(first_of_month(h.months.first));
    let second = iso(first_of_month(h.months.second));
    let current = iso(first_of_month(h.months.today));
    let p1 = row(&by_month, None, &first);
    assert_eq!(p1["dossiers_received"], 1);
    assert_eq!(indicator(p1, "4.2"), (1, Some(1), Some(1.0)));
    assert_eq!(indicator(p1, "4.3"), (1, Some(1), Some(1.0)));
    let p2 = row(&by_month, None, &second);
    assert_eq!(p2["dossiers_received"], 2);
    assert_eq!(indicator(p2, "4.2"), (0, Some(2), Some(0.0)));
    assert_eq!(indicator(p2, "4.3"), (1, Some(2), Some(0.5)));
    assert_eq!(indicator(p2, "4.4"), (1, Some(2), Some(0.5)));
    let a2_month = row(&by_month, Some("H47.15"), &second);
    assert_eq!(indicator(a2_month, "4.3"), (0, Some(1), Some(0.0)));
    let p3 = row(&by_month, None, &current);
    assert_eq!(p3["dossiers_received"], 0);
    assert_eq!(p3["documents_digitized"], 4);
    assert_eq!(p3["reuses"], 4);
    assert_eq!(
        indicator(p3, "4.3"),
        (0, Some(0), None),
        "no dossier received this month"
    );
    assert!(
        p3["indicators"][2]["missing_inputs"]
            .to_string()
            .contains("not registered"),
        "{p3}"
    );

    // The same figures in CSV.
    let csv = report(&["--csv"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert!(lines[0].starts_with("agency,from,to,indicator,name,numerator,denominator,rate"));
    assert_eq!(lines.len(), 1 + 3 * 4, "{}", csv.stdout);
    let cells = |agency: &str, id: &str| -> Vec<String> {
        let line = lines
            .iter()
            .find(|l| l.starts_with(&format!("{agency},")) && l.split(',').nth(3) == Some(id))
            .unwrap_or_else(|| panic!("no {agency} {id} in\n{}", csv.stdout));
        line.split(',').map(str::to_string).collect()
    };
    let expected: BTreeMap<(&str, &str), (&str, &str, &str)> = [
        (("province", "4.1"), ("1", "", "")),
        (("province", "4.2"), ("1", "3", "0.3333")),
        (("province", "4.3"), ("2", "3", "0.6667")),
        (("province", "4.4"), ("2", "3", "0.6667")),
        (("H47.15", "4.1"), ("1", "", "")),
        (("H47.15", "4.2"), ("1", "2", "0.5000")),
        (("H47.15", "4.3"), ("1", "2", "0.5000")),
        (("H47.15", "4.4"), ("1", "2", "0.5000")),
        (("H47.16", "4.1"), ("0", "", "")),
        (("H47.16", "4.2"), ("0", "1", "0.0000")),
        (("H47.16", "4.3"), ("1", "1", "1.0000")),
        (("H47.16", "4.4"), ("1", "1", "1.0000")),
    ]
    .into();
    for ((agency, id), (numerator, denominator, rate)) in expected {
        let c = cells(agency, id);
        assert_eq!(
            (c[5].as_str(), c[6].as_str(), c[7].as_str()),
            (numerator, denominator, rate),
            "{agency} {id}"
        );
        assert_eq!(c[1], from);
        assert_eq!(c[2], to);
    }

    // Counted again from the ledger: the same report.
    let rebuilt = kho.run(["report", "rebuild", "--json"]);
    assert_eq!(rebuilt.code, 0, "{}", rebuilt.stderr);
    assert!(rebuilt.json()["events"].as_u64().unwrap() > 10);
    assert_eq!(rebuilt.json()["dossiers"], 4, "A1, A2, B1 and B2");
    assert_eq!(report(&["--json"]).json(), by_agency);
    assert_eq!(report(&["--by", "month", "--json"]).json(), by_month);

    // A usage error names the field.
    let bad = kho.run([
        "report",
        "indicators",
        "--from",
        "2026-02-30",
        "--to",
        "x",
        "--by",
        "year",
    ]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    for field in ["from", "to", "by"] {
        assert!(bad.stderr.contains(field), "{field}: {}", bad.stderr);
    }
}

#[test]
fn the_api_answers_admins_and_leaders_within_their_scope() {
    let h = history();
    let kho = h.served.stop();
    let leader16 = kho.token("leader", &["--agency", "H47.16"]);
    let province_leader = kho.run(["token", "create", "--role", "leader", "--name", "tinh"]);
    assert_eq!(province_leader.code, 0, "{}", province_leader.stderr);
    let province_leader = province_leader.stdout.trim().to_string();
    let operator = kho.token("operator", &[]);
    let served = Served::start(kho);
    let from = iso(first_of_month(h.months.first));
    let to = iso(h.months.today);
    let target = |extra: &str| {
        format!(
            "/api/v1/reports/indicators?from={}&to={}{extra}",
            encode(&from),
            encode(&to)
        )
    };
    let admin = served.get(&target(""), Some(&h.admin));
    assert_eq!(admin.status, 200, "{}", admin.text());
    assert_eq!(admin.json()["rows"].as_array().unwrap().len(), 3);
    let whole = served.get(&target(""), Some(&province_leader));
    assert_eq!(whole.json(), admin.json());
    // An agency's leader: their agency (and the rows under it) only.
    let own = served.get(&target(""), Some(&leader16));
    assert_eq!(own.status, 200, "{}", own.text());
    let rows = own.json()["rows"].as_array().unwrap().clone();
    let agencies: Vec<Value> = rows.iter().map(|r| r["agency"].clone()).collect();
    assert_eq!(agencies, vec![Value::Null, Value::from("H47.16")]);
    assert_eq!(
        rows[0]["dossiers_received"], 1,
        "the scope's total, not the province's"
    );
    let other = served.get(&target("&agency=H47.15"), Some(&leader16));
    assert_eq!(other.status, 403, "{}", other.text());
    assert_eq!(other.json()["code"], "refusal.indicators.other_agency");
    // Nobody else.
    let refused = served.get(&target(""), Some(&operator));
    assert_eq!(refused.status, 403, "{}", refused.text());
    // CSV, and a broken query named field by field.
    let csv = served.get(&target("&format=csv&agency=000.00.16.H47"), Some(&h.admin));
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        csv.text()
            .lines()
            .any(|l| l.starts_with("H47.16,") && l.contains(",4.3,")),
        "{}",
        csv.text()
    );
    let bad = served.get(
        "/api/v1/reports/indicators?from=x&to=2026-01-01&by=year",
        Some(&h.admin),
    );
    assert_eq!(bad.status, 422, "{}", bad.text());
}

#[test]
fn the_dashboard_draws_a_line_per_agency_bars_per_type_and_the_table_in_chromium() {
    use kho_tests::browser::Browser;
    let h = history();
    let browser = Browser::start(&h.served.addr);
    browser.sign_in("lanhdao", "mật-khẩu-lãnh-đạo");
    assert_eq!(
        browser.path(),
        "/dashboard",
        "a leader lands on the dashboard"
    );
    let from = first_of_month(h.months.first);
    let vn = |d: Date| format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year());
    browser.goto(&format!(
        "/dashboard?from={}&to={}",
        encode(&vn(from)),
        encode(&vn(h.months.today))
    ));
    assert_eq!(
        browser.find("input[name=from]").property("value"),
        Value::from(vn(from))
    );
    // A line for the province and one per agency, over three months.
    let lines = browser.script(
        "return [...document.querySelectorAll('svg.chart polyline.series')].map(p => [p.dataset.agency, p.getAttribute('points').split(' ').length])",
    );
    assert_eq!(
        lines,
        serde_json::json!([["province", 3], ["H47.15", 3], ["H47.16", 3]]),
        "{lines}"
    );
    // Each legend entry shows its colour (the pages' CSP drops `style` attributes, so a swatch
    // must be drawn, not styled), and every axis label lies inside its drawing.
    let swatches = browser.script(
        "return [...document.querySelectorAll('figcaption .legend')].map(l => { const s = l.querySelector('svg.swatch'); const b = s ? s.getBoundingClientRect() : {width: 0, height: 0}; return [b.width >= 8 && b.height >= 8, s ? getComputedStyle(s.querySelector('rect')).fill : 'none'] })",
    );
    let swatches = swatches.as_array().cloned().unwrap_or_default();
    assert!(swatches.len() >= 3 + 3, "{swatches:?}");
    let fills: std::collections::BTreeSet<String> = swatches
        .iter()
        .map(|s| {
            assert_eq!(
                s[0],
                Value::Bool(true),
                "a swatch is not drawn: {swatches:?}"
            );
            s[1].as_str().unwrap_or("none").to_string()
        })
        .collect();
    assert!(!fills.contains("none"), "{swatches:?}");
    assert!(
        fills.len() >= 3,
        "the lines' colours are told apart: {swatches:?}"
    );
    let outside = browser.script(
        "return [...document.querySelectorAll('svg.chart text')].filter(t => { const b = t.getBBox(); const w = t.ownerSVGElement.viewBox.baseVal.width; return b.x < 0 || b.x + b.width > w }).map(t => t.textContent)",
    );
    assert_eq!(outside, serde_json::json!([]), "labels cut at the edge");
    let bars = browser.script(
        "return [...document.querySelectorAll('svg.bars rect.bar')].map(r => r.dataset.type)",
    );
    assert_eq!(
        bars,
        serde_json::json!(["birth_certificate", "death_extract", "marriage_certificate"])
    );
    // The table: the province then each agency, 4.3 as numerator/denominator and percent.
    let rows = browser.texts("table.indicators tbody tr");
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[0].starts_with("Toàn tỉnh"), "{rows:?}");
    assert!(
        rows[0].contains("2/3") && rows[0].contains("66,7%"),
        "{rows:?}"
    );
    let href = browser.find("a.download").attribute("href").unwrap();
    assert!(href.starts_with("/dashboard/indicators.csv?"), "{href}");
    browser.screenshot("leader-dashboard");
    // On a phone the page does not scroll sideways: the table scrolls inside its box.
    browser.resize(390, 844);
    let overflow =
        browser.script("return document.documentElement.scrollWidth <= window.innerWidth + 1");
    assert_eq!(overflow, Value::Bool(true));
    browser.screenshot("leader-dashboard-phone");
    browser.resize(1280, 1000);
    // The CSV download: Vietnamese headers and dd/mm/yyyy dates.
    // (through the page: the session cookie is HttpOnly)
    let csv = browser.script(&format!(
        "return fetch('{href}', {{credentials: 'same-origin'}}).then(r => r.text())"
    ));
    let csv = csv.as_str().unwrap_or_default().to_string();
    assert!(csv.starts_with("co_quan,tu_ngay,den_ngay,chi_so"), "{csv}");
    assert!(csv.contains(&format!("Toàn tỉnh,{},", vn(from))), "{csv}");
}
