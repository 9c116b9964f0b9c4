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

/// Whole blocks in, whole blocks out.
pub mod block {
    use super::{error, COMPRESSOR, DECOMPRESSOR};
    use std::io;

    /// One zstd frame of `data` at `level` (0: zstd's default).
    pub fn compress(data: &[u8], level: i32) -> io::Result<Vec<u8>> {
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

    proptest! {
        /// The same bytes as a context made for the call, one after another on one thread with
        /// levels and sizes changing; they read back exactly, by both readers, and two frames
        /// one after another read back as both contents.
        #[test]
        fn frames_are_the_originals_and_read_back(
            calls in proptest::collection::vec((any::<u8>(), 0usize..40_000, 1i32..10), 1..12)
        ) {
            let mut previous: Option<(Vec<u8>, Vec<u8>)> = None;
            for (seed, len, level) in calls {
                let data = page(seed, len);
                let frame = super::block::compress(&data, level).unwrap();
                prop_assert_eq!(&frame, &fresh_frame(&data, level));
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
