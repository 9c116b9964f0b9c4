//! `kho-bench history`: a store with the history the indicators count, made through the real
//! services (docs/benchmarks.md, "Indicators"): documents stored (`Archive::ingest`: blob,
//! commit, flush), dossiers registered by the one-stop system (received on days spread over
//! 2026, at ten agencies), and reuses by clerks of those agencies. Every event moves the
//! counters in its own transaction, as in production.

use archive_core::{Archive, NewDocument};
use schemas::{
    AccessReason, Caller, Credential, DocTypes, DocumentText, DossierInput, Format, MetadataInput,
    PageSource, PageText, Principal, Role,
};
use std::time::Instant;

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
    let archive = Archive::open(std::path::Path::new(&data)).map_err(|e| e.to_string())?;
    let operator = Caller::local_operator("kho-bench");
    let types = ["birth_certificate", "marriage_certificate", "death_extract"];
    let agencies: Vec<String> = (10..20).map(|n| format!("000.00.{n}.H47")).collect();
    let started = Instant::now();
    let mut ids = Vec::with_capacity(docs);
    for i in 0..docs {
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
        ids.push(stored.record.id);
        if (i + 1) % 10_000 == 0 {
            eprintln!(
                "kho-bench history: {} documents ({:.0}s)",
                i + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    let intake = Caller::signed_in(
        Principal::new("motcua", Role::Intake, None, None).map_err(|e| e.to_string())?,
        Credential::ApiToken,
    );
    let year_start = schemas::parse_date("2026-01-01").map_err(|e| e.to_string())?;
    let mut codes = Vec::with_capacity(dossiers);
    for i in 0..dossiers {
        let day = schemas::Date::from_julian_day(year_start.to_julian_day() + (i % 365) as i32)
            .map_err(|e| e.to_string())?;
        let agency = &agencies[i % agencies.len()];
        let code = format!(
            "{agency}-{:02}{:02}{:02}-{:04}",
            day.year() % 100,
            u8::from(day.month()),
            day.day(),
            1 + i / 3650 % 9999
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
        codes.push(code);
        if (i + 1) % 10_000 == 0 {
            eprintln!(
                "kho-bench history: {} dossiers ({:.0}s)",
                i + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    let clerks: Vec<Caller> = agencies
        .iter()
        .map(|a| {
            Principal::new(&format!("canbo-{a}"), Role::Clerk, Some(a), None)
                .map(|p| Caller::signed_in(p, Credential::Session))
                .map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    for i in 0..reuses {
        // Dossier i's applicant is owner(i); document i is theirs.
        let d = i % codes.len().max(1);
        let doc = &ids[d % ids.len()];
        let reason = AccessReason::new(
            Some(&codes[d]),
            Some(&format!("1.00{:04}", 1000 + d % 50)),
            Some("đối chiếu"),
        )
        .map_err(|e| e.to_string())?;
        archive
            .reuse(&clerks[d % clerks.len()], doc, &reason)
            .map_err(|e| format!("reuse {i}: {e}"))?;
        if (i + 1) % 10_000 == 0 {
            eprintln!(
                "kho-bench history: {} reuses ({:.0}s)",
                i + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!(
        "kho-bench history: {docs} documents, {dossiers} dossiers, {reuses} reuses in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
