//! The architecture's rules that the compiler does not check by itself, checked here so that a
//! change breaking one fails the suite (ARCHITECTURE.md, "Invariants", names each test):
//! dependencies point down and only `archive-core` uses the store engines (read from
//! `cargo metadata`); the document-bearing functions of `archive-core` all take a caller; pages
//! never call handlers; the catalogue codec is a leaf; every crate forbids `unsafe`; what ships
//! is built whole, with jemalloc. These are the second line: visibility (a private catalogue, a
//! `PutBlob` no one else can make) is the first. Fast: no binary is run.

#![forbid(unsafe_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// Each workspace package's declared dependencies: (dependency, kind), kind `normal`, `dev` or
/// `build`.
fn declared_dependencies() -> BTreeMap<String, Vec<(String, String)>> {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(workspace())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    (
                        d["name"].as_str().unwrap().to_string(),
                        d["kind"].as_str().unwrap_or("normal").to_string(),
                    )
                })
                .collect();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

#[test]
fn only_archive_core_depends_on_sled_or_tantivy() {
    let mut offenders = Vec::new();
    for (package, deps) in declared_dependencies() {
        for (dep, kind) in deps {
            if !["sled", "tantivy"].contains(&dep.as_str()) || package == "archive-core" {
                continue;
            }
            // The tests that play an attacker with the disk open the catalogue with sled
            // (tests/tests/forensic/); nothing that ships may.
            if package == "kho-tests" && dep == "sled" && kind == "dev" {
                continue;
            }
            offenders.push(format!("{package} -> {dep} ({kind})"));
        }
    }
    assert!(
        offenders.is_empty(),
        "only archive-core writes the store: {offenders:?}"
    );
}

#[test]
fn dependencies_point_down_and_only_search_api_knows_http() {
    let layers: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("schemas", &[][..]),
        ("archive-core", &["schemas"][..]),
        ("ingest", &["schemas", "archive-core"][..]),
        ("search-api", &["schemas", "archive-core", "ingest"][..]),
        (
            "kho",
            &["schemas", "archive-core", "ingest", "search-api"][..],
        ),
        ("kho-bench", &["schemas", "archive-core"][..]),
        ("kho-tests", &["schemas", "archive-core", "ingest"][..]),
        // Stands in for crates.io's adobe-cmap-parser under pdf-extract ([patch.crates-io]):
        // a leaf that depends on nothing of ours.
        ("adobe-cmap-parser", &[][..]),
        // archive-core/sled-zstd: stands in for crates.io's zstd 0.9 under sled, the same way.
        ("zstd", &[][..]),
    ]);
    let servers = [
        "axum",
        "tokio",
        "hyper",
        "tower",
        "utoipa",
        "utoipa-axum",
        "maud",
    ];
    let deps = declared_dependencies();
    let ours: BTreeSet<&str> = layers.keys().copied().collect();
    assert_eq!(
        deps.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        ours,
        "a new crate needs its place in the layers (here and in ARCHITECTURE.md)"
    );
    for (package, list) in &deps {
        for (dep, kind) in list {
            if kind == "normal" && ours.contains(dep.as_str()) {
                assert!(
                    layers[package.as_str()].contains(&dep.as_str()),
                    "{package} may not depend on {dep}: dependencies point down"
                );
            }
            if servers.contains(&dep.as_str()) {
                assert_eq!(
                    package, "search-api",
                    "{package} -> {dep}: only search-api serves HTTP"
                );
            }
        }
    }
    // schemas does no IO: its dependencies are parsing and text only (flate2 inflates the
    // gazetteer compiled into it, in memory).
    let schemas: BTreeSet<&str> = deps["schemas"]
        .iter()
        .filter(|(_, kind)| kind == "normal")
        .map(|(dep, _)| dep.as_str())
        .collect();
    let pure = BTreeSet::from([
        "csv",
        "flate2",
        "serde",
        "serde_json",
        "thiserror",
        "time",
        "unicode-normalization",
    ]);
    assert!(schemas.is_subset(&pure), "schemas depends on {schemas:?}");
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out.sort();
    out
}

/// A file's text without its `#[cfg(test)]` module (the tests at the end of a file).
fn without_tests(text: &str) -> &str {
    text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text)
}

#[test]
fn no_other_crate_names_the_store_engines() {
    let root = workspace();
    for dir in [
        "schemas/src",
        "ingest/src",
        "search-api/src",
        "src",
        "bench/kho-bench/src",
        "tests/src",
    ] {
        for (path, text) in sources(&root.join(dir)) {
            for engine in ["sled::", "tantivy::"] {
                assert!(
                    !text.contains(engine),
                    "{} names {engine}: only archive-core may",
                    path.display()
                );
            }
        }
    }
}

/// A public function of `archive-core`: the file it is in, the type of the `impl` block it is
/// in (empty for a free function), and its signature up to the body.
struct PublicFn {
    path: PathBuf,
    owner: String,
    signature: String,
}

/// The public functions of `archive-core` (outside its tests).
fn public_functions() -> Vec<PublicFn> {
    let mut out = Vec::new();
    for (path, text) in sources(&workspace().join("archive-core/src")) {
        let text = without_tests(&text);
        for (at, _) in text.match_indices("pub fn ") {
            let signature: String = text[at..]
                .split(['{', ';'])
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let owner = text[..at]
                .rfind("\nimpl")
                .map(|start| {
                    let head = text[start + "\nimpl".len()..]
                        .split(['{', '\n'])
                        .next()
                        .unwrap_or_default();
                    let head = head.rsplit(" for ").next().unwrap_or(head).trim();
                    // `<'a> Name<'a>` and `<T: Read> Name<T>`: the name.
                    let head = match head.strip_prefix('<') {
                        Some(generic) => generic.split_once('>').map_or(head, |(_, rest)| rest),
                        None => head,
                    };
                    head.trim()
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                        .unwrap_or_default()
                        .to_string()
                })
                .unwrap_or_default();
            out.push(PublicFn {
                path: path.clone(),
                owner,
                signature,
            });
        }
    }
    out
}

/// The acceptance check of the issue: no public accessor hands out the catalogue.
#[test]
fn the_catalogue_has_no_public_door() {
    for PublicFn {
        path, signature, ..
    } in public_functions()
    {
        assert!(
            !signature.starts_with("pub fn catalog(") && !signature.contains("Catalog"),
            "{}: {signature}",
            path.display()
        );
        assert!(
            !signature.contains("ledger_tree") && !signature.contains("sled::"),
            "{}: {signature}",
            path.display()
        );
    }
}

/// Whatever hands out a document (its record, its text, its bytes, search hits, the events about
/// it) takes the caller it is handed to, or a capability only a service makes (a `Document`
/// read, an `OriginalAccess` granted): so it went through the policy and the ledger.
#[test]
fn what_carries_a_document_takes_a_caller() {
    let carries = [
        "DocumentRecord",
        "DocumentText",
        "SearchResults",
        "Document>",
        "OriginalAccess",
        "LedgerEvent",
        "Ingested",
        "dyn Read",
    ];
    // A `ShareVisit` is made only by `open_share` (a link's token found, the share in force).
    let vouched = [
        "caller: &Caller",
        "&Document",
        "access: &OriginalAccess",
        "visit: &ShareVisit",
    ];
    // What only a service makes: holding one is the proof of a ledgered, allowed read (a
    // `Reused` is the answer of the reuse service, its fields private).
    let capabilities = ["Document", "OriginalAccess", "Reused", "ShareVisit"];
    let mut unguarded = Vec::new();
    for PublicFn {
        path,
        owner,
        signature,
    } in public_functions()
    {
        if capabilities.contains(&owner.as_str()) {
            continue;
        }
        let Some((params, returns)) = signature.rsplit_once("->") else {
            continue;
        };
        // Types that only describe a record, built from one the caller already holds.
        let describes = path.ends_with("blob/mod.rs")
            || path.ends_with("digest.rs")
            || path.ends_with("blob/local.rs")
            || path.ends_with("blob/s3/mod.rs")
            || path.ends_with("blob/s3/client.rs")
            || path.ends_with("verify.rs");
        if describes || !carries.iter().any(|t| returns.contains(t)) {
            continue;
        }
        if !vouched.iter().any(|v| params.contains(v)) {
            unguarded.push(format!("{}: {signature}", path.display()));
        }
    }
    assert!(
        unguarded.is_empty(),
        "these hand out documents without a caller:\n{}",
        unguarded.join("\n")
    );
}

/// The names of the API's handlers: each function annotated `#[utoipa::path]`.
fn handlers() -> Vec<String> {
    let mut names = Vec::new();
    for (_, text) in sources(&workspace().join("search-api/src/routes")) {
        for block in text.split("#[utoipa::path(").skip(1) {
            let after = block.split("pub async fn ").nth(1).unwrap_or_default();
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// Pages render what a service returns; they never call a handler (and so never build the
/// extractors a handler takes).
#[test]
fn web_pages_never_call_handlers() {
    let handlers = handlers();
    assert!(handlers.len() >= 20, "found only {handlers:?}");
    for (path, text) in sources(&workspace().join("search-api/src/web")) {
        for handler in &handlers {
            for call in [format!("::{handler}("), format!(" {handler}(State(")] {
                assert!(
                    !text.contains(&call),
                    "{} calls the handler {handler}: pages call services",
                    path.display()
                );
            }
        }
        assert!(
            !text.contains("JsonBody("),
            "{} builds an extractor to call a handler",
            path.display()
        );
    }
}

/// A handler does extract -> service -> render: it never decides access or writes the ledger
/// itself (those live in `schemas::policy` and `archive-core`'s services).
#[test]
fn handlers_decide_nothing() {
    for dir in ["search-api/src/routes", "search-api/src/web"] {
        for (path, text) in sources(&workspace().join(dir)) {
            for decision in [
                "require(",
                "may_read(",
                "may_see_owner(",
                "check_reason(",
                "search_owner(",
                "search_page_limit(",
                ".log(",
                "record_refusal(",
            ] {
                assert!(
                    !text.contains(decision),
                    "{} decides access ({decision}): that is the services' and the policy's",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn the_catalogue_codec_is_a_leaf() {
    let codec =
        std::fs::read_to_string(workspace().join("archive-core/src/catalog/codec.rs")).unwrap();
    for line in codec.lines().filter(|l| l.starts_with("use ")) {
        assert!(
            line == "use crate::{ArchiveError, Result};" || !line.starts_with("use crate::"),
            "catalog/codec.rs must not use the modules that use it: {line}"
        );
        assert!(!line.starts_with("use super::"), "{line}");
    }
}

#[test]
fn put_blob_is_made_only_by_the_blob_store() {
    let blob = std::fs::read_to_string(workspace().join("archive-core/src/blob/mod.rs")).unwrap();
    let body = blob
        .split("pub struct PutBlob {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("PutBlob is defined in blob/mod.rs");
    assert!(
        !body.contains("pub "),
        "PutBlob's fields must stay private: {body}"
    );
}

/// Every crate root of the workspace (libraries, binaries, integration tests).
fn crate_roots() -> Vec<PathBuf> {
    let root = workspace();
    let mut roots = Vec::new();
    for package in [
        "schemas",
        "archive-core",
        "ingest",
        "search-api",
        "tests",
        "bench/kho-bench",
        "ingest/adobe-cmap-parser",
        ".",
    ] {
        let dir = root.join(package);
        for file in ["src/lib.rs", "src/main.rs"] {
            if dir.join(file).exists() {
                roots.push(dir.join(file));
            }
        }
        if let Ok(entries) = std::fs::read_dir(dir.join("tests")) {
            roots.extend(
                entries
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.extension().is_some_and(|e| e == "rs")),
            );
        }
    }
    roots.sort();
    roots
}

/// `#![forbid(unsafe_code)]` in every crate; archive-core denies it and allows it in one
/// function (glibc's `malloc_trim`, which has no safe binding).
#[test]
fn every_crate_forbids_unsafe_code() {
    let roots = crate_roots();
    assert!(roots.len() > 20, "{roots:?}");
    for path in roots {
        let text = std::fs::read_to_string(&path).unwrap();
        let expected = if path.ends_with("archive-core/src/lib.rs") {
            "#![deny(unsafe_code)]"
        } else {
            "#![forbid(unsafe_code)]"
        };
        assert!(
            text.contains(expected),
            "{} lacks {expected}",
            path.display()
        );
    }
    let mut allowed = Vec::new();
    for dir in [
        "schemas",
        "archive-core",
        "ingest",
        "search-api",
        "src",
        "tests",
        "bench",
    ] {
        for (path, text) in sources(&workspace().join(dir)) {
            if text.contains(concat!("#[allow(", "unsafe_code)]")) {
                allowed.push(path);
            }
        }
    }
    assert_eq!(
        allowed,
        [workspace().join("archive-core/src/memory.rs")],
        "unsafe is allowed in memory.rs alone"
    );
}

/// What ships is built as one unit with jemalloc (#22): the release profile's whole-program
/// optimization and the binaries' allocator made `kho reindex` 9-13% faster and `kho serve`
/// smaller at ready (docs/benchmarks.md, "The binary built whole, with jemalloc"). Dropping
/// either would quietly undo that, so it fails here, naming what to measure first. `kho-bench`
/// declares the same allocator, or the benchmarks would not measure what ships.
#[test]
fn the_shipped_binaries_are_built_whole_with_jemalloc() {
    let manifest = std::fs::read_to_string(workspace().join("Cargo.toml")).unwrap();
    let release: Vec<&str> = manifest
        .split("\n[profile.release]\n")
        .nth(1)
        .expect("Cargo.toml has a [profile.release] section")
        .lines()
        .take_while(|line| !line.starts_with('['))
        .map(str::trim)
        .collect();
    for setting in ["lto = \"fat\"", "codegen-units = 1"] {
        assert!(
            release.contains(&setting),
            "[profile.release] lacks {setting}: measure `kho reindex` before dropping it \
             (docs/benchmarks.md)"
        );
    }
    for main in ["src/main.rs", "bench/kho-bench/src/main.rs"] {
        let text = std::fs::read_to_string(workspace().join(main)).unwrap();
        assert!(
            text.contains(
                "#[global_allocator]\nstatic ALLOCATOR: tikv_jemallocator::Jemalloc = \
                 tikv_jemallocator::Jemalloc;"
            ),
            "{main} does not declare jemalloc as its allocator"
        );
    }
}
