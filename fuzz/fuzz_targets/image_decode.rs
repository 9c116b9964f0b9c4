//! See `kho_tests::fuzz::image_decode` (the suite replays this target's seeds and regressions through it).
#![no_main]
libfuzzer_sys::fuzz_target!(
    init: kho_tests::fuzz::quiet_contained_panics(),
    |data: &[u8]| kho_tests::fuzz::image_decode(data)
);
