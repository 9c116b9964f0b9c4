//! sled's two zstd calls on a catalogue-like page, crates.io's `zstd` 0.9.2 (a new context per
//! call) against `archive-core/sled-zstd` (one per thread): microseconds per call.
//!
//!     cargo run --release --manifest-path bench/zstd-contexts/Cargo.toml [PAGE_BYTES] [CALLS]

#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::Instant;

fn per_call(calls: u32, mut f: impl FnMut()) -> f64 {
    let started = Instant::now();
    for _ in 0..calls {
        f();
    }
    started.elapsed().as_secs_f64() * 1e6 / f64::from(calls)
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<u32>().unwrap_or(0));
    let bytes = args.next().filter(|&n| n > 0).unwrap_or(6000) as usize;
    let calls = args.next().filter(|&n| n > 0).unwrap_or(50_000);
    let text = "{\"id\":\"x\",\"title\":\"Giấy khai sinh\",\"owner\":\"Nguyễn Văn Đức\"} ";
    let page: Vec<u8> = text.bytes().cycle().take(bytes).collect();
    let frame = crates_io::block::compress(&page, 3).expect("compress");
    println!(
        "| round | decode_all crates.io | decode_all kept | compress crates.io | compress kept |"
    );
    println!("|---|---:|---:|---:|---:|");
    for round in 1..=2 {
        let decode_new = per_call(calls, || {
            black_box(crates_io::stream::decode_all(&frame[..]).expect("decode"));
        });
        let decode_kept = per_call(calls, || {
            black_box(kept::stream::decode_all(&frame[..]).expect("decode"));
        });
        let compress_new = per_call(calls, || {
            black_box(crates_io::block::compress(&page, 3).expect("compress"));
        });
        let compress_kept = per_call(calls, || {
            black_box(kept::block::compress(&page, 3).expect("compress"));
        });
        println!(
            "| {round} | {decode_new:.1} µs | {decode_kept:.1} µs | {compress_new:.1} µs | {compress_kept:.1} µs |"
        );
    }
}
