//! The committed hostile files (corpus/hostile) through `kho ingest`: each gets the outcome and
//! reason its index names, nothing panics, and a good file in the same command is still stored.

use kho_tests::Kho;

use kho_tests::corpus;

#[test]
fn hostile_files_are_refused_with_their_reason_and_the_rest_is_stored() {
    let kho = Kho::new();
    let index = std::fs::read_to_string(corpus().join("hostile/index.csv")).unwrap();
    let rows: Vec<Vec<&str>> = index
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let good = corpus().join("giay-khai-sinh-nguyen-van-duc.pdf");
    let mut args = vec!["ingest".to_string()];
    args.extend(rows.iter().map(|r| {
        corpus()
            .join("hostile")
            .join(r[0])
            .to_string_lossy()
            .into_owned()
    }));
    args.push(good.to_string_lossy().into_owned());
    args.extend(["--owner", "049075001234", "--doc-type", "other", "--json"].map(String::from));
    let run = kho.run(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let lines = run.json_lines();
    assert_eq!(lines.len(), rows.len() + 1);
    for (row, line) in rows.iter().zip(&lines) {
        let (file, expect, reason) = (row[0], row[1], row[2]);
        let status = line["status"].as_str().unwrap();
        match expect {
            "rejected" => {
                assert_eq!(status, "rejected", "{file}: {line}");
                let error = line["error"].as_str().unwrap();
                assert!(error.contains(reason), "{file}: {error}");
            }
            "stored" => assert_eq!(status, "stored", "{file}: {line}"),
            _ => {
                // Damaged images may be refused, or stored with a warning that says which page
                // yielded no text; either way the outcome is explained.
                if status == "stored" {
                    assert!(
                        line["warnings"].as_array().is_some_and(|w| !w.is_empty()),
                        "{file}: {line}"
                    );
                } else {
                    assert!(
                        line["error"].as_str().is_some_and(|e| !e.is_empty()),
                        "{file}: {line}"
                    );
                }
            }
        }
    }
    assert_eq!(lines.last().unwrap()["status"], "stored");
    let verify = kho.run(["verify", "--json"]);
    assert_eq!(verify.code, 0, "{}", verify.stdout);
}
