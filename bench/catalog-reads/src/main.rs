//! What reading a store's page texts costs, on a store no process has open (docs/benchmarks.md,
//! "Where a rebuild's text reads go").
//!
//!     cargo run --release --manifest-path bench/catalog-reads/Cargo.toml -- walks STORE [N] [CACHE_MB]
//!     cargo run --release --manifest-path bench/catalog-reads/Cargo.toml -- values STORE [N]
//!
//! `walks`: N records (default 100,000) walked four ways: the records alone in id order, each
//! decoded; the texts alone in their (sha256) order; the records in id order with each one's
//! page texts read by sha256, as `kho reindex` reads them; and `sha_docs` in sha256 order, each
//! record read by id and its texts by sha256 (the texts then in key order, the records not). sled 0.34 keeps at most 16 entries to a leaf
//! node and reads and decompresses a whole node for one entry: what a walk reads out of key
//! order costs a node per entry.
//!
//! `values`: N page texts (default 200,000, every fifth of the store's) written into fresh sled
//! databases set as kho sets its catalogue, each value as stored (JSON, sled compressing its
//! pages) or compressed alone with zstd, then read back in a scattered order: microseconds per
//! read and bytes on disk.
//!
//! The catalogue is opened through sled directly (same cache, compression as created), so this
//! reads its layout (archive-core/src/catalog/mod.rs); that layout is what it measures.

#![forbid(unsafe_code)]

use schemas::{DocumentRecord, DocumentText};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// kho's default catalogue cache (archive-core's `cache_bytes`), MiB.
const CACHE_MB: u64 = 64;
/// kho's zstd level for a catalogue's pages (archive-core's `compact::DEFAULT_LEVEL`).
const PAGE_LEVEL: i32 = 1;

type Outcome<T> = Result<T, String>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: u64| -> Outcome<u64> {
        args.get(i).map_or(Ok(default), |v| {
            v.parse().map_err(|_| format!("{v}: not a whole number"))
        })
    };
    let result = match (args.first().map(String::as_str), args.get(1)) {
        (Some("walks"), Some(store)) => number(2, 100_000).and_then(|n| {
            number(3, CACHE_MB).and_then(|cache| walks(Path::new(store), n as usize, cache))
        }),
        (Some("values"), Some(store)) => {
            number(2, 200_000).and_then(|n| values(Path::new(store), n as usize))
        }
        _ => Err("usage: catalog-reads walks STORE [N] [CACHE_MB] | values STORE [N]".into()),
    };
    if let Err(e) = result {
        eprintln!("catalog-reads: {e}");
        std::process::exit(1);
    }
}

/// Opens a sled database as kho opens its catalogue: `compressed` as it was created.
fn open(path: &Path, cache_mb: u64, compressed: bool) -> Outcome<sled::Db> {
    sled::Config::new()
        .path(path)
        .cache_capacity(cache_mb << 20)
        .use_compression(compressed)
        .compression_factor(PAGE_LEVEL)
        .open()
        .map_err(|e| format!("{}: {e} (is a kho process using it?)", path.display()))
}

/// A store's catalogue, opened with the compression it was created with (sled's settings file
/// is text lines and a 4-byte checksum).
fn open_catalogue(store: &Path, cache_mb: u64) -> Outcome<(sled::Db, bool)> {
    let path = store.join("catalog");
    let conf = std::fs::read(path.join("conf")).map_err(|e| {
        format!(
            "{}: {e} (is {} a kho store?)",
            path.display(),
            store.display()
        )
    })?;
    let compressed = String::from_utf8_lossy(&conf)
        .lines()
        .any(|l| l.trim() == "use_compression: true");
    Ok((open(&path, cache_mb, compressed)?, compressed))
}

fn tree(db: &sled::Db, name: &str) -> Outcome<sled::Tree> {
    db.open_tree(name).map_err(|e| format!("tree {name}: {e}"))
}

fn failed(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn walks(store: &Path, records: usize, cache_mb: u64) -> Outcome<()> {
    let (db, compressed) = open_catalogue(store, cache_mb)?;
    let (record_tree, texts, sha_docs) = (
        tree(&db, "records")?,
        tree(&db, "texts")?,
        tree(&db, "sha_docs")?,
    );
    let decode_text =
        |bytes: &[u8]| -> Outcome<DocumentText> { serde_json::from_slice(bytes).map_err(failed) };
    let text_of = |sha: &[u8]| -> Outcome<DocumentText> {
        let bytes = texts
            .get(sha)
            .map_err(failed)?
            .ok_or_else(|| format!("no text for {}", String::from_utf8_lossy(sha)))?;
        decode_text(&bytes)
    };
    let record_of =
        |bytes: &[u8]| -> Outcome<DocumentRecord> { serde_json::from_slice(bytes).map_err(failed) };
    // The records in id order, with their texts or not.
    let by_id = |with_texts: bool| -> Outcome<usize> {
        let mut n = 0;
        for item in record_tree.iter().take(records) {
            let record = record_of(&item.map_err(failed)?.1)?;
            if with_texts {
                std::hint::black_box(text_of(record.sha256.as_bytes())?);
            }
            n += 1;
        }
        Ok(n)
    };
    let texts_in_order = || -> Outcome<usize> {
        let mut n = 0;
        for item in texts.iter().take(records) {
            std::hint::black_box(decode_text(&item.map_err(failed)?.1)?);
            n += 1;
        }
        Ok(n)
    };
    let by_sha = || -> Outcome<usize> {
        let mut n = 0;
        for item in sha_docs.iter().take(records) {
            let (key, id) = item.map_err(failed)?;
            let bytes = record_tree.get(&id).map_err(failed)?.ok_or_else(|| {
                format!(
                    "sha_docs names record {}, which is not there",
                    String::from_utf8_lossy(&id)
                )
            })?;
            let record = record_of(&bytes)?;
            // The key is the sha256, 0x00, the owner.
            let sha = key.split(|b| *b == 0).next().unwrap_or_default();
            if sha != record.sha256.as_bytes() {
                return Err(format!(
                    "sha_docs and record {} disagree on its sha256",
                    record.id
                ));
            }
            std::hint::black_box(text_of(sha)?);
            n += 1;
        }
        Ok(n)
    };
    println!(
        "{records} records of {}, catalogue cache {cache_mb} MiB, compressed: {compressed}",
        store.display()
    );
    println!("| walk | records | µs per record | CPU s |");
    println!("|---|---:|---:|---:|");
    let cases: [(&str, &dyn Fn() -> Outcome<usize>); 4] = [
        ("records in id order", &|| by_id(false)),
        ("texts in sha256 order", &texts_in_order),
        (
            "records in id order, texts by sha256 (the rebuild's)",
            &|| by_id(true),
        ),
        ("sha_docs in order, records by id, texts by sha256", &by_sha),
    ];
    for (name, walk) in cases {
        let (started, cpu) = (Instant::now(), cpu_seconds());
        let n = walk()?;
        let micros = started.elapsed().as_secs_f64() * 1e6 / n.max(1) as f64;
        println!(
            "| {name} | {n} | {micros:.1} | {:.1} |",
            cpu_seconds() - cpu
        );
    }
    Ok(())
}

/// How a page text's value is kept.
#[derive(Clone, Copy)]
enum Value {
    /// As the catalogue keeps it: JSON, sled compressing whole pages.
    AsStored,
    /// JSON compressed alone with zstd at this level, then stored (sled compresses its pages
    /// still).
    Zstd(i32),
}

impl Value {
    fn name(self) -> String {
        match self {
            Value::AsStored => "as stored (JSON, pages compressed by sled)".into(),
            Value::Zstd(level) => {
                format!("each value zstd -{level}, then pages compressed by sled")
            }
        }
    }
}

fn values(store: &Path, count: usize) -> Outcome<()> {
    let sample: Vec<(sled::IVec, sled::IVec)> = {
        let (db, _) = open_catalogue(store, CACHE_MB)?;
        let texts = tree(&db, "texts")?;
        let sample = texts
            .iter()
            .step_by(5)
            .take(count)
            .collect::<Result<_, _>>();
        sample.map_err(failed)?
    };
    let raw: usize = sample.iter().map(|(_, v)| v.len()).sum();
    println!(
        "{} page texts of {}, {:.0} bytes each as JSON",
        sample.len(),
        store.display(),
        raw as f64 / sample.len().max(1) as f64
    );
    println!("| value | bytes of values | on disk | µs per read, first / second round |");
    println!("|---|---:|---:|---:|");
    let scratch = std::env::temp_dir().join(format!("catalog-reads-{}", std::process::id()));
    for value in [Value::AsStored, Value::Zstd(1), Value::Zstd(3)] {
        let result = one_value_form(&scratch, &sample, value);
        let _ = std::fs::remove_dir_all(&scratch);
        let (stored, on_disk, reads) = result?;
        println!(
            "| {} | {stored} | {on_disk} | {:.1} / {:.1} |",
            value.name(),
            reads[0],
            reads[1]
        );
    }
    Ok(())
}

/// Writes the sample in one form, reopens the database, reads every value twice in a scattered
/// order: (bytes of values, bytes on disk, µs per read each round).
fn one_value_form(
    path: &Path,
    sample: &[(sled::IVec, sled::IVec)],
    value: Value,
) -> Outcome<(usize, u64, [f64; 2])> {
    let mut compressor = zstd_safe::CCtx::create();
    let mut stored = 0;
    {
        let db = open(path, CACHE_MB, true)?;
        let texts = tree(&db, "texts")?;
        for chunk in sample.chunks(1000) {
            let mut batch = sled::Batch::default();
            for (key, json) in chunk {
                let bytes = match value {
                    Value::AsStored => json.to_vec(),
                    Value::Zstd(level) => {
                        let mut out = Vec::with_capacity(zstd_safe::compress_bound(json.len()));
                        compressor
                            .compress(&mut out, json, level)
                            .map_err(|code| format!("zstd error {code}"))?;
                        out
                    }
                };
                stored += bytes.len();
                batch.insert(key.clone(), bytes);
            }
            texts.apply_batch(batch).map_err(failed)?;
        }
        db.flush().map_err(failed)?;
    }
    let on_disk = bytes_under(path)?;
    let db = open(path, CACHE_MB, true)?;
    let texts = tree(&db, "texts")?;
    let mut decompressor = zstd_safe::DCtx::create();
    let mut json = Vec::new();
    let mut reads = [0.0; 2];
    let n = sample.len();
    for round in &mut reads {
        let started = Instant::now();
        for i in 0..n {
            // A stride prime to n visits every value once, far from the last one.
            let (key, _) = &sample[(i * 7919 + 13) % n];
            let bytes = texts
                .get(key)
                .map_err(failed)?
                .ok_or("a value written is gone")?;
            let text: DocumentText = match value {
                Value::AsStored => serde_json::from_slice(&bytes),
                Value::Zstd(_) => {
                    json.clear();
                    json.reserve(64 * 1024);
                    decompressor
                        .decompress(&mut json, &bytes)
                        .map_err(|code| format!("zstd error {code}"))?;
                    serde_json::from_slice(&json)
                }
            }
            .map_err(failed)?;
            std::hint::black_box(text);
        }
        *round = started.elapsed().as_secs_f64() * 1e6 / n.max(1) as f64;
    }
    Ok((stored, on_disk, reads))
}

/// Bytes of the files under a directory.
fn bytes_under(dir: &Path) -> Outcome<u64> {
    let mut total = 0;
    let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let entry = entry.map_err(failed)?;
            let meta = entry.metadata().map_err(failed)?;
            if meta.is_dir() {
                pending.push(entry.path());
            } else {
                total += meta.len();
            }
        }
    }
    Ok(total)
}

/// This process's user and system CPU time so far (Linux), or 0 where it cannot be read.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // The fields after the command's name, which may hold spaces: hence the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime, in clock ticks (100 a second on Linux).
    (ticks(11) + ticks(12)) / 100.0
}
