//! `kho compact`: a catalogue made before compression (as every store was until now) is
//! rewritten compressed with every entry of every tree unchanged, searched and verified the same
//! afterwards; what an interrupted compaction leaves is either finished or cleared by the next
//! open; and a store in use is not touched.

use crate::forensic::Disk;
use kho_tests::Kho;

/// A store of the sample dossiers whose catalogue was made without compression.
fn uncompressed_store() -> Kho {
    let kho = Kho {
        env: vec![("KHO_CATALOG_COMPRESSION".into(), "off".into())],
        ..Kho::new()
    };
    kho.ingest_corpus();
    assert!(!Disk::compressed(kho.data.path()));
    kho
}

/// What a clerk and an auditor see of the store: a search's hits and `kho verify`'s verdict.
fn seen(kho: &Kho) -> (String, i32) {
    let search = kho.run(["search", "giấy khai sinh", "--json"]);
    assert_eq!(search.code, 0, "{}", search.stderr);
    (search.stdout, kho.run(["verify"]).code)
}

#[test]
fn an_uncompressed_catalogue_is_compacted_compressed_with_every_entry_kept() {
    let mut kho = uncompressed_store();
    let seen_before = seen(&kho);
    let before = Disk::open(kho.data.path()).everything();
    let entries: usize = before.values().map(Vec::len).sum();
    assert!(!before["records"].is_empty() && !before["ledger"].is_empty());

    // The setting for new catalogues does not decide an existing one: compact compresses it.
    kho.env.clear();
    let run = kho.run(["compact", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.json();
    assert_eq!(done["entries"], entries as u64, "{done}");
    assert_eq!(done["trees"], before.len() as u64, "{done}");
    // zstd level 1, the default (archive-core/src/catalog/compact.rs, DEFAULT_LEVEL).
    assert_eq!(done["level"], 1, "{done}");
    assert!(done["bytes_before"].as_u64().unwrap() > 0, "{done}");
    assert!(done["bytes_after"].as_u64().unwrap() > 0, "{done}");

    let data = kho.data.path();
    assert!(Disk::compressed(data), "the new catalogue is compressed");
    assert_eq!(
        Disk::open(data).everything(),
        before,
        "every entry as it was"
    );
    let folders: Vec<String> = std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("catalog"))
        .collect();
    assert_eq!(folders, ["catalog"], "nothing left beside the catalogue");
    assert_eq!(seen(&kho), seen_before);
    assert_eq!(seen_before.1, 0, "kho verify passes");

    // The way back: an uncompressed catalogue, again with everything.
    let plain = Disk::open(data).everything();
    kho.env = vec![("KHO_CATALOG_COMPRESSION".into(), "off".into())];
    let run = kho.run(["compact"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("not compressed") && run.stderr.contains("read back identical"),
        "{}",
        run.stderr
    );
    assert!(!Disk::compressed(data));
    assert_eq!(Disk::open(data).everything(), plain);
}

#[test]
fn what_an_interrupted_compaction_leaves_is_finished_or_cleared() {
    let kho = uncompressed_store();
    let data = kho.data.path();
    let before = Disk::open(data).everything();

    // Killed while copying: the partial copy is cleared, the catalogue is the store.
    std::fs::create_dir(data.join("catalog.compacting")).unwrap();
    std::fs::write(data.join("catalog.compacting/db"), b"half a copy").unwrap();
    let run = kho.run(["types"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!data.join("catalog.compacting").exists());

    // Killed between the two renames of the swap: the complete copy is the store.
    std::fs::rename(data.join("catalog"), data.join("catalog.compacted")).unwrap();
    let run = kho.run(["search", "giấy khai sinh", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stdout.trim().is_empty(),
        "the store's documents are found"
    );
    assert!(!data.join("catalog.compacted").exists());

    // Killed before the old catalogue was removed: it is removed.
    std::fs::create_dir(data.join("catalog.before-compact")).unwrap();
    let run = kho.run(["types"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!data.join("catalog.before-compact").exists());
    let after = Disk::open(data).everything();
    assert_eq!(after["records"], before["records"]);
    assert_eq!(after["texts"], before["texts"]);

    // A stray file under a leftover's name does not keep the store closed.
    std::fs::write(data.join("catalog.before-compact"), b"not a folder").unwrap();
    let run = kho.run(["types"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!data.join("catalog.before-compact").exists());

    // A copy that is not a whole catalogue is not swapped in, and a store whose catalogue is
    // gone (its index is there) is refused rather than opened empty.
    std::fs::rename(data.join("catalog"), data.join("kept-aside")).unwrap();
    std::fs::create_dir(data.join("catalog.compacted")).unwrap();
    let run = kho.run(["search", "giấy khai sinh", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("is missing from this store") && run.stderr.contains("import"),
        "{}",
        run.stderr
    );
    assert!(
        !data.join("catalog").exists(),
        "no empty catalogue was made"
    );

    // Only the old catalogue left beside the store: named, and kept.
    std::fs::remove_dir(data.join("catalog.compacted")).unwrap();
    std::fs::rename(data.join("kept-aside"), data.join("catalog.before-compact")).unwrap();
    let run = kho.run(["verify"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("catalog.before-compact"),
        "{}",
        run.stderr
    );
    assert!(
        data.join("catalog.before-compact/conf").exists(),
        "still there"
    );
    // Moved back as the message says, the store is whole again.
    std::fs::rename(data.join("catalog.before-compact"), data.join("catalog")).unwrap();
    assert_eq!(Disk::open(data).everything()["records"], before["records"]);
}

#[test]
fn a_folder_without_a_store_is_not_compacted() {
    let kho = Kho::new();
    let missing = kho.data.path().join("typo");
    let run = std::process::Command::new(kho_tests::kho_bin())
        .arg("--data")
        .arg(&missing)
        .arg("compact")
        .env_remove("KHO_DATA")
        .env_remove("LC_ALL")
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not a store"), "{stderr}");
    assert!(
        !missing.exists(),
        "no store was made at the mistyped folder"
    );
}

#[test]
fn a_store_in_use_is_not_compacted_and_a_bad_setting_is_named() {
    let kho = uncompressed_store();
    let data = kho.data.path();
    let before = Disk::open(data).everything();

    let run = kho
        .command()
        .env("KHO_CATALOG_COMPRESSION", "fast")
        .arg("compact")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("KHO_CATALOG_COMPRESSION=\"fast\"") && stderr.contains("1 to 22"),
        "{stderr}"
    );

    // Another process holds the catalogue's lock (as `kho serve` would).
    kho.assert_refused_while_in_use(&["compact"]);
    assert!(!Disk::compressed(data));
    assert_eq!(Disk::open(data).everything(), before);
}
