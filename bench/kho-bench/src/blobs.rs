//! `kho-bench blobs --to (s3://BUCKET[/PREFIX] | DIR) --files N --size BYTES [--threads T]`:
//! blob store throughput through kho's own `BlobStore` (the code `kho ingest` and `kho serve`
//! use): N new files of SIZE pseudo-random bytes put by T threads, read back whole and
//! re-hashed, then put again (the dedupe path: one HEAD, no upload). Prints a table row.
//! For a bucket, the endpoint and key come from the standard AWS variables.

use archive_core::{
    BlobStore, LocalBlobStore, S3BlobStore, S3Config, Sha256Digest, VerifyingReader,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

fn bytes_of(file: usize, size: usize, nonce: u64) -> Vec<u8> {
    let mut x = (file as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ nonce;
    let mut out = Vec::with_capacity(size + 8);
    while out.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(size);
    out
}

/// Runs `work(i)` for i in 0..n on `threads` threads; returns the seconds it took.
fn timed(
    n: usize,
    threads: usize,
    work: &(dyn Fn(usize) -> Result<(), String> + Sync),
) -> Result<f64, String> {
    let next = AtomicUsize::new(0);
    let failure = Mutex::new(None);
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return;
                }
                if let Err(e) = work(i) {
                    *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    return;
                }
            });
        }
    });
    match failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(e) => Err(e),
        None => Ok(started.elapsed().as_secs_f64()),
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let to = crate::arg(args, "--to").ok_or("--to s3://BUCKET or DIR")?;
    let files: usize = crate::arg(args, "--files")
        .and_then(|v| v.parse().ok())
        .ok_or("--files N")?;
    let size: usize = crate::arg(args, "--size")
        .and_then(|v| v.parse().ok())
        .ok_or("--size BYTES")?;
    let threads: usize = crate::arg(args, "--threads")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let spool = std::env::temp_dir().join(format!("kho-bench-spool-{}", std::process::id()));
    let store: Box<dyn BlobStore> = if to.starts_with("s3://") {
        let config = S3Config::from_env(&to).map_err(|e| e.to_string())?;
        Box::new(S3BlobStore::open(&config, &spool).map_err(|e| e.to_string())?)
    } else {
        Box::new(LocalBlobStore::open(&to).map_err(|e| e.to_string())?)
    };
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let digests = Mutex::new(vec![Sha256Digest::of(b""); files]);
    let put = timed(files, threads, &|i| {
        let bytes = bytes_of(i, size, nonce);
        let put = store
            .put(&mut bytes.as_slice(), u64::MAX)
            .map_err(|e| e.to_string())?;
        if !put.newly_written() {
            return Err(format!("file {i} was already stored"));
        }
        digests.lock().unwrap_or_else(|p| p.into_inner())[i] = put.digest();
        Ok(())
    })?;
    let digests = digests.into_inner().unwrap_or_else(|p| p.into_inner());
    let get = timed(files, threads, &|i| {
        let reader = store.open(&digests[i]).map_err(|e| e.to_string())?;
        let n = std::io::copy(
            &mut VerifyingReader::new(reader, digests[i]),
            &mut std::io::sink(),
        )
        .map_err(|e| e.to_string())?;
        if n != size as u64 {
            return Err(format!("file {i}: {n} bytes read back, not {size}"));
        }
        Ok(())
    })?;
    let again = timed(files, threads, &|i| {
        let bytes = bytes_of(i, size, nonce);
        let put = store
            .put(&mut bytes.as_slice(), u64::MAX)
            .map_err(|e| e.to_string())?;
        if put.newly_written() {
            return Err(format!("file {i} was not recognised as stored"));
        }
        Ok(())
    })?;
    let _ = std::fs::remove_dir_all(&spool);
    let mb = (files * size) as f64 / 1e6;
    println!(
        "| {} | {files} x {size} B | {threads} | {:.1} MB/s ({:.0} files/s) | {:.1} MB/s ({:.0} files/s) | {:.0} files/s |",
        store.location(),
        mb / put,
        files as f64 / put,
        mb / get,
        files as f64 / get,
        files as f64 / again
    );
    Ok(())
}
