//! Support for kho's end-to-end tests: real files made on the fly ([`fixtures`]) and a handle on
//! the `kho` binary ([`Kho`]). The tests themselves live in `tests/`.

#![forbid(unsafe_code)]

pub mod browser;
pub mod fixtures;
pub mod fuzz;
pub mod garage;
pub mod http;
pub mod oidc_provider;
pub mod pki;
pub mod scans;
pub mod stacks;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `kho` binary under test: `$KHO_BIN`, else `target/debug/kho` of this workspace
/// (`scripts/test.sh` builds it before running the tests).
pub fn kho_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("KHO_BIN") {
        return PathBuf::from(bin);
    }
    workspace_bin("kho")
}

/// A binary of this workspace, built in the debug profile (`cargo build --bins`).
pub fn workspace_bin(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let bin = target.join("debug").join(name);
    assert!(
        bin.exists(),
        "{} does not exist: run `cargo build --workspace --bins` first (scripts/test.sh does)",
        bin.display()
    );
    bin
}

/// The committed sample dossiers (`corpus/`, with `manifest.csv`).
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

/// Copies a folder and everything under it (a store, a bag) for a test to damage the copy.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy's folder");
    for entry in std::fs::read_dir(from).expect("list the folder") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("its type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

/// Where the blob of a sha256 lives in the store folder `data`.
pub fn blob_in(data: &Path, sha256: &str) -> PathBuf {
    data.join("blobs")
        .join(&sha256[0..2])
        .join(&sha256[2..4])
        .join(sha256)
}

/// Flips the bits of `mask` in byte `at` of a file, in place, as a failing disk would (made
/// writable first: stored blobs are read-only).
pub fn damage(path: &Path, at: usize, mask: u8) {
    let mut perms = std::fs::metadata(path).expect("the file").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(path, perms).expect("make it writable");
    let mut bytes = std::fs::read(path).expect("read it");
    if let Some(byte) = bytes.get_mut(at) {
        *byte ^= mask;
    }
    std::fs::write(path, bytes).expect("write it back");
}

/// sha256 of bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A store folder of its own and the binary to drive it.
pub struct Kho {
    pub data: tempfile::TempDir,
    /// Environment for every run on this store (the bucket's endpoint and key, say).
    pub env: Vec<(String, String)>,
}

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as one JSON value per line.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
            .collect()
    }

    /// Document ids by file name, from the JSON lines of an ingest.
    pub fn ids_by_file(&self) -> std::collections::BTreeMap<String, String> {
        self.json_lines()
            .iter()
            .filter_map(|l| {
                Some((
                    l["file"].as_str()?.to_string(),
                    l["id"].as_str()?.to_string(),
                ))
            })
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Kho {
    pub fn new() -> Self {
        Kho {
            data: tempfile::tempdir().expect("temp dir"),
            env: Vec::new(),
        }
    }

    /// A new store whose originals go to the bucket of `garage`, reached through its node `node`.
    pub fn on_bucket(garage: &garage::Garage, node: usize) -> Self {
        let kho = Kho {
            env: garage.env(node),
            ..Kho::new()
        };
        let bucket = format!("s3://{}", garage::BUCKET);
        let run = kho.run(["--blobs", bucket.as_str(), "types"]);
        assert_eq!(run.code, 0, "open a store on {bucket}: {}", run.stderr);
        kho
    }

    /// A command on this store, not yet run.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(kho_bin());
        cmd.arg("--data").arg(self.data.path());
        cmd.env_remove("KHO_DATA").env_remove("KHO_BLOBS");
        // The command line speaks the locale's language: the tests read its English unless
        // they ask otherwise.
        cmd.env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8");
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command()
            .args(args)
            .output()
            .expect("cannot start kho")
            .into()
    }

    /// Ingests the sample dossiers of corpus/manifest.csv; returns the run (JSON lines).
    pub fn ingest_corpus(&self) -> Run {
        let manifest = corpus().join("manifest.csv");
        let run = self.run(["ingest", "--manifest", manifest.to_str().unwrap(), "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run
    }

    /// `kho token create --role ROLE --name ROLE EXTRA...`: a new API token.
    pub fn token(&self, role: &str, extra: &[&str]) -> String {
        let run = self.run([&["token", "create", "--role", role, "--name", role], extra].concat());
        assert_eq!(run.code, 0, "token create: {}", run.stderr);
        run.stdout.trim().to_string()
    }

    /// `kho user add NAME --role ROLE EXTRA...` with the password on standard input.
    pub fn add_user(&self, name: &str, role: &str, extra: &[&str], password: &str) {
        use std::io::Write;
        let mut child = self
            .command()
            .args(["user", "add", name, "--role", role])
            .args(extra)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("cannot start kho user add");
        if let Some(mut stdin) = child.stdin.take() {
            writeln!(stdin, "{password}").expect("write the password");
        }
        let out = child.wait_with_output().expect("kho user add");
        assert!(out.status.success(), "user add {name}");
    }

    /// Runs `args` while another process holds this store's lock, and checks that kho refuses
    /// with its "in use" message.
    pub fn assert_refused_while_in_use(&self, args: &[&str]) {
        let holder = CatalogLockHolder::take(self.data.path());
        let run = self.run(args);
        drop(holder);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("in use by another kho process"),
            "{}",
            run.stderr
        );
    }

    /// Where the blob of a sha256 lives in this store.
    pub fn blob_path(&self, sha256: &str) -> PathBuf {
        blob_in(self.data.path(), sha256)
    }
}

/// Another process holding a store's catalogue lock, as a running `kho serve` would; the lock
/// is let go when this is dropped.
pub struct CatalogLockHolder(std::process::Child);

impl CatalogLockHolder {
    /// Takes the lock of the catalogue of the store at `data` and returns once it is held.
    pub fn take(data: &Path) -> Self {
        let db = data.join("catalog/db");
        // --no-fork: killing flock lets the lock go (a forked `sleep` would keep it).
        let holder = Command::new("flock")
            .args(["-x", "--no-fork"])
            .arg(&db)
            .args(["sleep", "120"])
            .spawn()
            .expect("flock (util-linux) must run for this test");
        let holder = CatalogLockHolder(holder);
        // Wait (bounded) until the lock is really held, rather than for a fixed time.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while Command::new("flock")
            .args(["-n", "-x"])
            .arg(&db)
            .arg("true")
            .status()
            .expect("flock")
            .success()
        {
            assert!(
                std::time::Instant::now() < deadline,
                "the holder never took the lock"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        holder
    }
}

impl Drop for CatalogLockHolder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Default for Kho {
    fn default() -> Self {
        Self::new()
    }
}
