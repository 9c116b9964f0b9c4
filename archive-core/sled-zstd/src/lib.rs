//! The zstd calls sled 0.34.7 makes for its page compression (`block::compress`,
//! `block::decompress`, `stream::decode_all`), over the same libzstd as crates.io's `zstd`
//! 0.9.2, which this crate replaces in kho's build (MIT, Alexandre Bury; same signatures).
//!
//! Why: the original makes a new compression or decompression context for every call, and
//! libzstd asks the CPU for its features (`cpuid`) every time it makes one. On a virtual machine
//! `cpuid` traps to the hypervisor: 6.5 µs each on the project's machine, three per context, so
//! that a fifth of a compressed catalogue's search time went to making contexts
//! (docs/benchmarks.md, "sled's zstd contexts"). Here each thread keeps one context of each kind
//! and reuses it. The bytes written are the same (`ZSTD_compressCCtx` at a given level ignores
//! any earlier use of the context), so catalogues written by either read with either.
//!
//! One difference, also for speed: an input shorter than [`STORED_BELOW`] bytes is written as a
//! frame holding it as it is (a raw block, RFC 8878), which every zstd reader reads. sled
//! compresses each change to a page on its own (one ledger event, one reference key), and such
//! inputs are where zstd costs most and gains least: measured on the writes of 300 searches at a
//! million documents (docs/benchmarks.md, "Ledger appends grouped"), those under 512 bytes were 85
//! of the 100 calls per search, cost 1.5 to 8 microseconds each (entropy tables built for a few
//! hundred bytes), and came out 0.75x (under 64 bytes) to 1.34x their size. Pages, which
//! compress 3x and more, are compressed as before. The cost: small pages (a leaf of short
//! keys) stay stored too, a catalogue 5-10% larger.

#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::io;
use zstd_safe::{CCtx, DCtx, InBuffer, OutBuffer};

thread_local! {
    static COMPRESSOR: RefCell<CCtx<'static>> = RefCell::new(CCtx::create());
    static DECOMPRESSOR: RefCell<DCtx<'static>> = RefCell::new(DCtx::create());
}

fn error(code: usize) -> io::Error {
    io::Error::other(zstd_safe::get_error_name(code))
}

/// Inputs shorter than this are stored in their frame as they are, not compressed.
pub const STORED_BELOW: usize = 512;

// What `stored_frame` can write: two bytes of size, one block (at most 128 KiB).
const _: () = assert!(STORED_BELOW <= 256 + u16::MAX as usize && STORED_BELOW <= 128 * 1024);

/// One zstd frame that holds `data` (shorter than [`STORED_BELOW`]) as one raw block: the
/// magic number, a single-segment frame header with the content's size, the block's 3-byte
/// header (last block, raw, its size), the bytes (RFC 8878, 3.1.1).
fn stored_frame(data: &[u8]) -> Vec<u8> {
    const MAGIC: u32 = 0xFD2F_B528;
    const SINGLE_SEGMENT: u8 = 0b0010_0000;
    // The content size field: 1 byte for 0-255; 2 bytes for 256-65,791, holding size - 256.
    const TWO_BYTE_SIZE: u8 = 0b0100_0000;
    let mut frame = Vec::with_capacity(data.len() + 10);
    frame.extend_from_slice(&MAGIC.to_le_bytes());
    match u8::try_from(data.len()) {
        Ok(size) => frame.extend_from_slice(&[SINGLE_SEGMENT, size]),
        Err(_) => {
            frame.push(SINGLE_SEGMENT | TWO_BYTE_SIZE);
            frame.extend_from_slice(&((data.len() - 256) as u16).to_le_bytes());
        }
    }
    let last_raw_block = 1 | (data.len() as u32) << 3;
    frame.extend_from_slice(&last_raw_block.to_le_bytes()[..3]);
    frame.extend_from_slice(data);
    frame
}

/// Whole blocks in, whole blocks out.
pub mod block {
    use super::{error, stored_frame, COMPRESSOR, DECOMPRESSOR, STORED_BELOW};
    use std::io;

    /// One zstd frame of `data` at `level` (0: zstd's default); under [`STORED_BELOW`] bytes,
    /// a frame that stores it as it is.
    pub fn compress(data: &[u8], level: i32) -> io::Result<Vec<u8>> {
        if data.len() < STORED_BELOW {
            return Ok(stored_frame(data));
        }
        let mut out = Vec::with_capacity(zstd_safe::compress_bound(data.len()));
        COMPRESSOR.with(|context| {
            context
                .borrow_mut()
                .compress(&mut out, data, level)
                .map_err(error)
        })?;
        Ok(out)
    }

    /// The content of the frame `data`, which must fit in `capacity` bytes.
    pub fn decompress(data: &[u8], capacity: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(capacity);
        DECOMPRESSOR.with(|context| {
            context
                .borrow_mut()
                .decompress(&mut out, data)
                .map_err(error)
        })?;
        Ok(out)
    }
}

/// Frames read from a reader.
pub mod stream {
    use super::{error, DCtx, InBuffer, OutBuffer, DECOMPRESSOR};
    use std::io::{self, Read};

    /// The content of every frame `source` holds, one after another.
    pub fn decode_all<R: Read>(mut source: R) -> io::Result<Vec<u8>> {
        let mut input = Vec::new();
        source.read_to_end(&mut input)?;
        let mut out = Vec::new();
        if input.is_empty() {
            return Ok(out);
        }
        DECOMPRESSOR.with(|context| {
            let mut context = context.borrow_mut();
            // Whatever an earlier call left half done (it returned an error) is dropped.
            context.reset().map_err(error)?;
            let mut input = InBuffer::around(&input);
            loop {
                if out.capacity() - out.len() < DCtx::out_size() {
                    out.reserve(DCtx::out_size());
                }
                let before = (input.pos(), out.len());
                let to_come = {
                    let filled = out.len();
                    let mut output = OutBuffer::around_pos(&mut out, filled);
                    context
                        .decompress_stream(&mut output, &mut input)
                        .map_err(error)?
                };
                let all_read = input.pos() == input.src.len();
                if all_read && to_come == 0 {
                    return Ok(out);
                }
                if all_read && before == (input.pos(), out.len()) {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the zstd frame ends before its end",
                    ));
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// A context made for the call, as the original does.
    fn fresh_frame(data: &[u8], level: i32) -> Vec<u8> {
        let mut out = Vec::with_capacity(zstd_safe::compress_bound(data.len()));
        zstd_safe::CCtx::create()
            .compress(&mut out, data, level)
            .unwrap();
        out
    }

    fn page(seed: u8, len: usize) -> Vec<u8> {
        // Text-like: repeats, as catalogue pages do.
        let words = [
            "giấy ",
            "khai ",
            "sinh ",
            "Nguyễn ",
            "Văn ",
            "{\"id\":",
            &"x".repeat(seed as usize % 7),
        ];
        (0..len)
            .flat_map(|i| words[(i * 7 + seed as usize) % words.len()].bytes())
            .take(len)
            .collect()
    }

    #[test]
    fn empty_and_truncated_input() {
        assert_eq!(
            super::stream::decode_all(&[][..]).unwrap(),
            Vec::<u8>::new()
        );
        let nothing = super::block::compress(&[], 3).unwrap();
        assert_eq!(
            super::stream::decode_all(&nothing[..]).unwrap(),
            Vec::<u8>::new()
        );
        let frame = super::block::compress(&page(3, 5000), 3).unwrap();
        assert!(super::stream::decode_all(&frame[..frame.len() / 2]).is_err());
        assert!(super::stream::decode_all(&b"not zstd"[..]).is_err());
        // The context is usable again after the errors.
        assert_eq!(
            super::stream::decode_all(&frame[..]).unwrap(),
            page(3, 5000)
        );
    }

    /// Every length a stored frame is written for, with text and with arbitrary bytes: libzstd
    /// itself (a context made for the call) reads it back exactly and reads its content size
    /// from the header; from the threshold on, frames are libzstd's.
    #[test]
    fn stored_frames_are_zstd_frames() {
        for len in 0..=super::STORED_BELOW {
            let text = page(len as u8, len);
            let bytes: Vec<u8> = (0..len).map(|i| (i * 131 + len) as u8).collect();
            for data in [text, bytes] {
                let frame = super::block::compress(&data, 3).unwrap();
                let mut read = Vec::with_capacity(len);
                zstd_safe::DCtx::create()
                    .decompress(&mut read, &frame)
                    .unwrap();
                assert_eq!(read, data, "length {len}");
                assert_eq!(
                    zstd_safe::get_frame_content_size(&frame),
                    len as u64,
                    "length {len}"
                );
                assert_eq!(super::stream::decode_all(&frame[..]).unwrap(), data);
                if len < super::STORED_BELOW {
                    assert_eq!(frame.len(), len + if len < 256 { 9 } else { 10 });
                } else {
                    assert_eq!(frame, fresh_frame(&data, 3));
                }
            }
        }
    }

    proptest! {
        /// The same bytes as a context made for the call, one after another on one thread with
        /// levels and sizes changing; they read back exactly, by both readers, and two frames
        /// one after another read back as both contents.
        #[test]
        fn frames_are_the_originals_and_read_back(
            calls in proptest::collection::vec(
                (any::<u8>(), prop_oneof![0usize..1024, 0usize..40_000], 1i32..10),
                1..12,
            )
        ) {
            let mut previous: Option<(Vec<u8>, Vec<u8>)> = None;
            for (seed, len, level) in calls {
                let data = page(seed, len);
                let frame = super::block::compress(&data, level).unwrap();
                if data.len() >= super::STORED_BELOW {
                    prop_assert_eq!(&frame, &fresh_frame(&data, level));
                }
                prop_assert_eq!(&super::block::decompress(&frame, data.len()).unwrap(), &data);
                prop_assert_eq!(&super::stream::decode_all(&frame[..]).unwrap(), &data);
                if let Some((before, before_frame)) = previous {
                    let both = [before_frame, frame.clone()].concat();
                    let expected = [before, data.clone()].concat();
                    prop_assert_eq!(super::stream::decode_all(&both[..]).unwrap(), expected);
                }
                previous = Some((data, frame));
            }
        }
    }
}
