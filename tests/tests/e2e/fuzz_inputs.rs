//! Replays every committed fuzzing input (fuzz/seeds/TARGET and fuzz/regressions/TARGET: the
//! starting corpus and any input that once crashed a target) through the target's body, so that
//! a fixed crash stays fixed without libFuzzer in the suite. A panic fails the test.

use std::path::Path;

#[test]
fn every_committed_fuzz_input_runs_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut replayed = 0;
    for (target, body) in kho_tests::fuzz::TARGETS {
        for kind in ["seeds", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(kind).join(target)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                body(&data);
                replayed += 1;
            }
        }
    }
    assert!(
        replayed >= 20,
        "only {replayed} inputs: are fuzz/seeds there?"
    );
}
