//! `kho-bench texts --data DIR --out DIR [--sample N]`: writes the page texts of N records of a
//! store (default 10,000; the newest by issue date and then by query pages, 1,000 at a time) as
//! the catalogue keeps them (one JSON value per file), so that codecs can be compared on real
//! stored values without a second store (`bench/text_codecs.sh`: zstd with a dictionary trained
//! on them, zstd alone, lz4).

use archive_core::search::{SearchRequest, SortOrder};
use archive_core::Archive;
use schemas::Caller;
use std::collections::HashSet;

pub fn run(args: &[String]) -> Result<(), String> {
    let data = crate::arg(args, "--data").ok_or("--data DIR")?;
    let out = crate::arg(args, "--out").ok_or("--out DIR")?;
    let sample: usize = crate::arg(args, "--sample")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let archive = Archive::open(&data).map_err(|e| e.to_string())?;
    let caller = Caller::local_operator("kho-bench");
    let reason = schemas::AccessReason::purpose("benchmark");
    std::fs::create_dir_all(&out).map_err(|e| format!("{out}: {e}"))?;
    let mut seen = HashSet::new();
    let mut written = 0usize;
    let mut bytes = 0usize;
    // Pages of the newest documents, then of a few common words, until the sample is full.
    'queries: for query in ["", "giấy", "ủy ban", "nguyễn", "trần", "lê", "phạm"] {
        for page in 0..10 {
            let req = SearchRequest {
                query: query.into(),
                limit: 1000,
                offset: page * 1000,
                sort: SortOrder::IssuedDesc,
                ..Default::default()
            };
            let hits = archive
                .search(&caller, &req, &reason)
                .map_err(|e| e.to_string())?
                .hits;
            if hits.is_empty() {
                break;
            }
            for hit in hits {
                let sha = hit.record.sha256.to_string();
                if !seen.insert(sha.clone()) {
                    continue;
                }
                let Some(text) = archive
                    .known_text(&caller, &sha)
                    .map_err(|e| e.to_string())?
                else {
                    continue;
                };
                let value = serde_json::to_vec(&text).map_err(|e| e.to_string())?;
                bytes += value.len();
                let path = format!("{out}/{written:06}.json");
                std::fs::write(&path, &value).map_err(|e| format!("{path}: {e}"))?;
                written += 1;
                if written >= sample {
                    break 'queries;
                }
            }
        }
    }
    println!("wrote {written} page texts, {bytes} bytes as the catalogue keeps them, to {out}");
    Ok(())
}
