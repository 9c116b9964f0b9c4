//! See `kho_tests::fuzz::pdf_extract` (the suite replays this target's seeds and regressions through it).
#![no_main]
libfuzzer_sys::fuzz_target!(
    init: kho_tests::fuzz::quiet_contained_panics(),
    |data: &[u8]| kho_tests::fuzz::pdf_extract(data)
);
