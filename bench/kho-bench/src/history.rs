//! `kho-bench history`: a store with the history the indicators count, made through the real
//! services (docs/benchmarks.md, "Indicators"): documents stored (`Archive::ingest`: blob,
//! commit, flush), dossiers registered by the one-stop system (received on the 365 days before
//! today, at ten agencies), and reuses by clerks of those agencies. Every event moves the
//! counters in its own transaction, as in production. `--threads T` callers at once (default
//! 16), as a server's requests would be: the ledger's group commit shares their flushes.

use archive_core::{Archive, NewDocument};
use schemas::{
    AccessReason, Caller, Credential, DocTypes, DocumentText, DossierInput, Format, MetadataInput,
    PageSource, PageText, Principal, Role,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Runs `each(i)` for i in 0..n on a pool of `threads` threads and returns the results in order
/// of i, with a line on standard error every 10,000.
fn in_parallel<T: Send>(
    n: usize,
    threads: usize,
    what: &str,
    started: Instant,
    each: impl Fn(usize) -> Result<T, String> + Sync,
) -> Result<Vec<T>, String> {
    use rayon::prelude::*;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.clamp(1, 256))
        .build()
        .map_err(|e| e.to_string())?;
    let done = AtomicUsize::new(0);
    pool.install(|| {
        (0..n)
            .into_par_iter()
            .map(|i| {
                let out = each(i)?;
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                if d % 10_000 == 0 {
                    eprintln!(
                        "kho-bench history: {d} {what} ({:.0}s)",
                        started.elapsed().as_secs_f64()
                    );
                }
                Ok(out)
            })
            .collect()
    })
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn number(args: &[String], name: &str, default: usize) -> Result<usize, String> {
    arg(args, name).map_or(Ok(default), |v| {
        v.parse().map_err(|_| format!("{name}: not a number: {v}"))
    })
}

/// A personal ID that passes kho's checks (Quảng Nam's province code 049, a 1975 man).
fn owner(i: usize) -> String {
    format!("049075{:06}", i % 1_000_000)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let data = arg(args, "--data").ok_or("--data DIR is required")?;
    let docs = number(args, "--docs", 10_000)?;
    let dossiers = number(args, "--dossiers", 10_000)?;
    let reuses = number(args, "--reuses", 50_000)?;
    let threads = number(args, "--threads", 16)?;
    if dossiers > docs {
        return Err(
            "--dossiers must not exceed --docs (dossier i's applicant owns document i)".into(),
        );
    }
    if reuses > 0 && dossiers == 0 {
        return Err("--reuses needs at least one dossier to reuse for".into());
    }
    let archive = Archive::open(std::path::Path::new(&data)).map_err(|e| e.to_string())?;
    let operator = Caller::local_operator("kho-bench");
    let types = ["birth_certificate", "marriage_certificate", "death_extract"];
    let agencies: Vec<String> = (10..20).map(|n| format!("000.00.{n}.H47")).collect();
    let started = Instant::now();
    let ids = in_parallel(docs, threads, "documents", started, |i| {
        let metadata = MetadataInput {
            owner_id: Some(owner(i)),
            doc_type: Some(types[i % types.len()].into()),
            issuer_code: Some(agencies[i % agencies.len()].clone()),
            ..Default::default()
        }
        .validate(&DocTypes::builtin(), schemas::today())
        .map_err(|e| e.to_string())?;
        let text = DocumentText {
            pages: vec![PageText {
                page: 1,
                text: format!("Giấy tờ số {i} của công dân"),
                source: if i % 3 == 0 {
                    PageSource::Ocr
                } else {
                    PageSource::TextLayer
                },
                ocr_confidence: (i % 3 == 0).then_some(if i % 9 == 0 { 40.0 } else { 92.0 }),
                rotated: 0,
                note: None,
            }],
            engine: "kho-bench".into(),
        };
        let bytes = format!("%PDF-1.4 kho-bench history document {i}");
        let doc = NewDocument {
            text: Some(text),
            ..NewDocument::new(metadata, Format::Pdf, 1)
        };
        let stored = archive
            .ingest(&operator, &mut bytes.as_bytes(), doc)
            .map_err(|e| e.to_string())?;
        Ok(stored.record.id)
    })?;
    let intake = Caller::signed_in(
        Principal::new("motcua", Role::Intake, None, None).map_err(|e| e.to_string())?,
        Credential::ApiToken,
    );
    // The year before today: a dossier received after today is refused.
    let year_start = schemas::today().to_julian_day() - 365;
    let codes = in_parallel(dossiers, threads, "dossiers", started, |i| {
        let day = schemas::Date::from_julian_day(year_start + (i % 365) as i32)
            .map_err(|e| e.to_string())?;
        let agency = &agencies[i % agencies.len()];
        let code = format!(
            "{agency}-{:02}{:02}{:02}-{:04}",
            day.year() % 100,
            u8::from(day.month()),
            day.day(),
            // Agency and day repeat every lcm(10, 365) = 730 dossiers: the serial tells those apart.
            1 + i / 730 % 9999
        );
        let input = DossierInput {
            code: code.clone(),
            procedure_code: format!("1.00{:04}", 1000 + i % 50),
            applicants: vec![owner(i % docs.max(1))],
            receiving_agency: agency.clone(),
            received_on: schemas::iso_date(day),
        }
        .validate()
        .map_err(|e| e.to_string())?;
        archive
            .register_dossier(&intake, input)
            .map_err(|e| format!("{code}: {e}"))?;
        Ok(code)
    })?;
    let clerks: Vec<Caller> = agencies
        .iter()
        .map(|a| {
            Principal::new(&format!("canbo-{a}"), Role::Clerk, Some(a), None)
                .map(|p| Caller::signed_in(p, Credential::Session))
                .map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    in_parallel(reuses, threads, "reuses", started, |i| {
        // Dossier d's applicant is owner(d); document d is theirs.
        let d = i % codes.len().max(1);
        let doc = &ids[d % ids.len().max(1)];
        let reason = AccessReason::new(
            Some(&codes[d]),
            Some(&format!("1.00{:04}", 1000 + d % 50)),
            Some("đối chiếu"),
        )
        .map_err(|e| e.to_string())?;
        archive
            .reuse(&clerks[d % clerks.len()], doc, &reason)
            .map_err(|e| format!("reuse {i}: {e}"))?;
        Ok(())
    })?;
    eprintln!(
        "kho-bench history: {docs} documents, {dossiers} dossiers, {reuses} reuses in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
