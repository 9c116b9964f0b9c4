//! The server's crash-consistency harness: `kho serve` is killed with SIGKILL at random moments
//! while uploads and searches run against it, ROUNDS times, and restarted each time. After each
//! kill, every upload the server acknowledged (201) is in the catalogue with its bytes, and
//! `verify` finds no missing or corrupt blob, an intact ledger and an index that holds every record
//! it says it holds and nothing the catalogue lost; once a restarted server is ready, its
//! searches count exactly what the catalogue holds. The figures go to docs/reliability.md.

use archive_core::Archive;
use kho_tests::http::{encode, Request, Served};
use kho_tests::Kho;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ROUNDS: u64 = 20;
const UPLOADERS: usize = 3;
const OWNER: &str = "049075001234";
const DOSSIER: &str = "000.00.00.H47-261120-0007";

/// What the searchers saw: answers by status, and the worst failure.
#[derive(Default)]
struct Seen {
    searches: u64,
    server_errors: Vec<String>,
}

/// How many documents a search for everything finds, as the clerk's API answers it.
fn indexed_total(served: &Served, clerk: &str) -> u64 {
    let target = format!(
        "/api/v1/search?q=&limit=1&dossier_code={}&purpose={}",
        encode(DOSSIER),
        encode("Kiểm tra sau sự cố")
    );
    let answer = served.get(&target, Some(clerk));
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()["total"].as_u64().unwrap()
}

#[test]
fn every_acknowledged_upload_survives_sigkills_of_the_server() {
    let mut kho = Kho::new();
    let operator = kho.token("operator", &[]);
    let clerk = kho.token("clerk", &["--agency", "H47.15"]);
    // (id, sha256) of every upload the server answered 201 to.
    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let mut seed: u64 = 20261127;
    let mut report = Vec::new();
    // Records the catalogue held after the last kill.
    let mut records = 0u64;
    for round in 0..ROUNDS {
        let served = Served::start(kho);
        // Start-up reconciliation (in the background since #22: the server listens at once,
        // `ready` once the index has caught up): then the index holds exactly the catalogue's
        // records.
        served.wait_ready();
        let total = indexed_total(&served, &clerk);
        assert_eq!(total, records, "round {round}: index against catalogue");
        let running = Arc::new(AtomicBool::new(true));
        let mut workers = Vec::new();
        for uploader in 0..UPLOADERS {
            let (addr, operator) = (served.addr.clone(), operator.clone());
            let (acknowledged, running) = (acknowledged.clone(), running.clone());
            workers.push(std::thread::spawn(move || {
                let mut n = 0;
                while running.load(Ordering::Relaxed) {
                    n += 1;
                    let label = format!("vong {round} may {uploader} ban {n}");
                    let pdf = kho_tests::fixtures::pdf(1, &label);
                    let request = Request::new("POST", "/api/v1/documents")
                        .bearer(Some(&operator))
                        .multipart(
                            &[("owner_id", OWNER), ("doc_type", "birth_certificate")],
                            &format!("{n}.pdf"),
                            &pdf,
                        );
                    match request.try_send(&addr) {
                        Ok(answer) if answer.status == 201 => {
                            let id = answer.json()["id"].as_str().unwrap().to_string();
                            let sha = kho_tests::sha256_hex(&pdf);
                            acknowledged.lock().unwrap().push((id, sha));
                        }
                        Ok(answer) => {
                            panic!("upload answered {}: {}", answer.status, answer.text())
                        }
                        Err(_) => break, // the server is gone
                    }
                }
            }));
        }
        {
            let (addr, clerk) = (served.addr.clone(), clerk.clone());
            let (seen, running) = (seen.clone(), running.clone());
            workers.push(std::thread::spawn(move || {
                while running.load(Ordering::Relaxed) {
                    let target = format!(
                        "/api/v1/search?q=ban+sao&dossier_code={}&purpose={}",
                        encode(DOSSIER),
                        encode("Đối chiếu")
                    );
                    match Request::new("GET", &target)
                        .bearer(Some(&clerk))
                        .try_send(&addr)
                    {
                        Ok(answer) => {
                            let mut seen = seen.lock().unwrap();
                            seen.searches += 1;
                            if answer.status >= 500 {
                                seen.server_errors.push(answer.text());
                            }
                        }
                        Err(_) => break,
                    }
                }
            }));
        }
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let wait = Duration::from_millis(400 + (seed >> 33) % 1600);
        std::thread::sleep(wait);
        kho = served.kill();
        running.store(false, Ordering::Relaxed);
        for worker in workers {
            worker.join().expect("a worker failed");
        }

        // Every acknowledged upload is there, with its bytes; nothing points at a missing blob.
        let archive = Archive::open(kho.data.path()).unwrap();
        // The index never holds what the catalogue lost in the kill (it would then take the
        // catalogue's next records, which reuse the lost numbers, for indexed).
        assert_eq!(archive.index_reset(), None, "round {round}");
        let acked = acknowledged.lock().unwrap().clone();
        let operator = schemas::Caller::local_operator("test");
        for (id, sha) in &acked {
            let document = archive
                .read_document(&operator, id, &Default::default())
                .unwrap_or_else(|e| panic!("round {round}: acknowledged {id} is gone: {e}"));
            assert_eq!(&document.record().sha256, sha, "round {round}: {id}");
        }
        let verify = archive.verify(&mut |_| {}).unwrap();
        assert!(verify.missing.is_empty(), "round {round}: {verify:?}");
        assert!(verify.corrupt.is_empty(), "round {round}: {verify:?}");
        assert!(verify.ledger_ok, "round {round}: {verify:?}");
        // Every record the index says it holds, it holds.
        assert!(verify.index_missing.is_empty(), "round {round}: {verify:?}");
        records = archive.figures().unwrap().documents;
        drop(archive);
        report.push(format!(
            "round {round}: killed after {} ms; {} uploads acknowledged so far, {records} records, {} orphan blob(s)",
            wait.as_millis(),
            acked.len(),
            verify.orphans.len()
        ));
    }
    // After the last kill: the restarted server's index holds the catalogue, no more, no less.
    let served = Served::start(kho);
    served.wait_ready();
    let total = indexed_total(&served, &clerk);
    let kho = served.stop();
    let archive = Archive::open(kho.data.path()).unwrap();
    assert_eq!(total, archive.figures().unwrap().documents);
    let seen = seen.lock().unwrap();
    assert!(seen.server_errors.is_empty(), "{:?}", seen.server_errors);
    assert!(
        acknowledged.lock().unwrap().len() as u64 >= ROUNDS,
        "uploads were acknowledged"
    );
    println!("{}", report.join("\n"));
    println!(
        "{} searches answered, none 5xx; index after the last restart: {total} = catalogue",
        seen.searches
    );
}
