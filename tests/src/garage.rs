//! Garage, the S3-compatible object store, run for a test: one node or a cluster of several on
//! loopback, each node a real `garage server` process with its own folders and ports, a bucket
//! and a key made with Garage's own CLI. Stopped when the handle is dropped.

use crate::http::Request;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The bucket every test cluster has.
pub const BUCKET: &str = "kho";
const WEB_DOMAIN: &str = ".web.garage.localhost";

/// The `garage` binary: `$KHO_GARAGE`, else `target/tools/bin/garage` (where
/// `scripts/setup.sh` installs it), else `garage` on the PATH.
pub fn garage_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("KHO_GARAGE") {
        return PathBuf::from(bin);
    }
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/tools/bin/garage");
    if tools.exists() {
        return tools;
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("garage"))
        .find(|p| p.exists());
    on_path.unwrap_or_else(|| {
        panic!("no garage binary: run scripts/setup.sh (it installs Garage into target/tools)")
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

struct Node {
    config: PathBuf,
    s3_port: u16,
    web_port: u16,
    rpc_port: u16,
    child: Option<Child>,
}

/// A running Garage cluster with one bucket ([`BUCKET`]) and one key allowed on it.
pub struct Garage {
    _dir: tempfile::TempDir,
    nodes: Vec<Node>,
    pub key_id: String,
    pub secret: String,
}

impl Garage {
    /// One node, replication factor 1 (what `kho` needs to run against a bucket).
    pub fn single() -> Garage {
        Self::cluster(1)
    }

    /// `n` nodes on loopback, each its own zone, every object on all of them (replication
    /// factor `n`): with 3, writes and reads need 2 answers, so one node may be down.
    pub fn cluster(n: usize) -> Garage {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut secret = [0u8; 32];
        for (i, b) in secret.iter_mut().enumerate() {
            *b = (std::process::id() as u8)
                .wrapping_mul(31)
                .wrapping_add(i as u8 * 7);
        }
        let rpc_secret: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        let mut nodes = Vec::new();
        for i in 0..n {
            let root = dir.path().join(format!("node{i}"));
            std::fs::create_dir_all(&root).expect("node folder");
            let (s3_port, web_port, rpc_port) = (free_port(), free_port(), free_port());
            let config = root.join("garage.toml");
            std::fs::write(
                &config,
                format!(
                    r#"metadata_dir = "{root}/meta"
data_dir = "{root}/data"
db_engine = "sqlite"
replication_factor = {n}
rpc_bind_addr = "127.0.0.1:{rpc_port}"
rpc_public_addr = "127.0.0.1:{rpc_port}"
rpc_secret = "{rpc_secret}"
[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:{s3_port}"
root_domain = ".s3.garage.localhost"
[s3_web]
bind_addr = "127.0.0.1:{web_port}"
root_domain = "{WEB_DOMAIN}"
index = "index.html"
"#,
                    root = root.display()
                ),
            )
            .expect("write garage.toml");
            nodes.push(Node {
                config,
                s3_port,
                web_port,
                rpc_port,
                child: None,
            });
        }
        let mut garage = Garage {
            _dir: dir,
            nodes,
            key_id: String::new(),
            secret: String::new(),
        };
        for i in 0..n {
            garage.start_node(i);
        }
        let ids: Vec<String> = (0..n)
            .map(|i| garage.cli(i, &["node", "id", "-q"]).trim().to_string())
            .collect();
        for id in ids.iter().skip(1) {
            garage.cli(0, &["node", "connect", id]);
        }
        for (i, id) in ids.iter().enumerate() {
            let short = id.split('@').next().unwrap_or(id);
            let zone = format!("dc{i}");
            garage.cli(0, &["layout", "assign", "-z", &zone, "-c", "1G", short]);
        }
        garage.cli(0, &["layout", "apply", "--version", "1"]);
        // The layout reaches every node before a bucket can be made.
        garage.retry(0, &["bucket", "create", BUCKET]);
        let key = garage.cli(0, &["key", "create", "kho-test"]);
        garage.key_id = field(&key, "Key ID:");
        garage.secret = field(&key, "Secret key:");
        garage.cli(
            0,
            &[
                "bucket", "allow", "--read", "--write", "--owner", BUCKET, "--key", "kho-test",
            ],
        );
        garage.cli(0, &["bucket", "website", "--allow", BUCKET]);
        garage
    }

    /// Starts node `i` (again, after [`Garage::stop_node`]: same folders, same ports).
    pub fn start_node(&mut self, i: usize) {
        let node = &mut self.nodes[i];
        let log = std::fs::File::create(node.config.with_file_name("server.log")).expect("log");
        let child = Command::new(garage_bin())
            .arg("-c")
            .arg(&node.config)
            .arg("server")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("cannot start garage server");
        node.child = Some(child);
        let port = node.rpc_port;
        wait_for(
            Duration::from_secs(30),
            &format!("garage node {i} on port {port}"),
            || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
        );
    }

    /// Stops node `i` (SIGKILL: as a machine lost would).
    pub fn stop_node(&mut self, i: usize) {
        if let Some(mut child) = self.nodes[i].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn run(&self, i: usize, args: &[&str]) -> std::process::Output {
        Command::new(garage_bin())
            .arg("-c")
            .arg(&self.nodes[i].config)
            .args(args)
            .output()
            .expect("cannot run garage")
    }

    /// Runs `garage ARGS` against node `i`; panics with its output if it fails.
    pub fn cli(&self, i: usize, args: &[&str]) -> String {
        let out = self.run(i, args);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "garage {args:?}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    }

    /// [`Garage::cli`], tried again for a while: right after start or a layout change.
    fn retry(&self, i: usize, args: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let out = self.run(i, args);
            if out.status.success() {
                return String::from_utf8_lossy(&out.stdout).into_owned();
            }
            assert!(
                Instant::now() < deadline,
                "garage {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// The S3 endpoint of node `i`.
    pub fn endpoint(&self, i: usize) -> String {
        format!("http://127.0.0.1:{}", self.nodes[i].s3_port)
    }

    /// The standard AWS variables that reach the bucket through node `i`.
    pub fn env(&self, i: usize) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT_URL", self.endpoint(i)),
            ("AWS_REGION", "garage".to_string()),
            ("AWS_ACCESS_KEY_ID", self.key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// An object's bytes read through Garage's web endpoint, which is not S3 and not kho's
    /// client: a check of what the bucket holds that does not trust kho. `None` if absent.
    pub fn object(&self, key: &str) -> Option<Vec<u8>> {
        let answer = Request::new("GET", &format!("/{key}"))
            .header("Host", &format!("{BUCKET}{WEB_DOMAIN}"))
            .send(&format!("127.0.0.1:{}", self.nodes[0].web_port));
        match answer.status {
            200 => Some(answer.body),
            404 => None,
            other => panic!("garage web GET {key}: HTTP {other}: {}", answer.text()),
        }
    }

    /// How many objects the bucket holds, as Garage counts them (its counters follow writes
    /// within moments: waits up to 20 s for `expected`).
    pub fn object_count(&self, expected: u64) -> u64 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let info = self.cli(0, &["bucket", "info", BUCKET]);
            let count = field(&info, "Objects:").parse().unwrap_or(0);
            if count == expected || Instant::now() > deadline {
                return count;
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    }
}

/// An `https://localhost:PORT` in front of a Garage node's S3 API: socat terminating TLS with a
/// certificate signed by a certificate authority made for the test (openssl), which no system
/// trusts. Stopped when dropped.
pub struct TlsProxy {
    pub endpoint: String,
    /// The authority's certificate (PEM), what AWS_CA_BUNDLE must name.
    pub ca: PathBuf,
    _dir: tempfile::TempDir,
    child: Child,
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("cannot run openssl (scripts/setup.sh installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Garage {
    /// A TLS proxy to node `i`'s S3 API.
    pub fn tls_proxy(&self, i: usize) -> TlsProxy {
        let dir = tempfile::tempdir().expect("temp dir");
        let subject_ca = "/CN=kho test authority";
        openssl(
            dir.path(),
            &[
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
                "ca.pem", "-days", "2", "-subj", subject_ca,
            ],
        );
        openssl(
            dir.path(),
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
            ],
        );
        std::fs::write(
            dir.path().join("san.ext"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
        )
        .expect("write san.ext");
        openssl(
            dir.path(),
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "san.ext",
            ],
        );
        let port = free_port();
        let listen = format!(
            "OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,cert={},key={},verify=0",
            dir.path().join("server.pem").display(),
            dir.path().join("server.key").display()
        );
        let child = Command::new("socat")
            .arg(listen)
            .arg(format!("TCP:127.0.0.1:{}", self.nodes[i].s3_port))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start socat (scripts/setup.sh installs it)");
        wait_for(Duration::from_secs(10), "the TLS proxy", || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        TlsProxy {
            endpoint: format!("https://localhost:{port}"),
            ca: dir.path().join("ca.pem"),
            _dir: dir,
            child,
        }
    }
}

impl Drop for TlsProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        for i in 0..self.nodes.len() {
            self.stop_node(i);
        }
    }
}

/// The value after `label` on its line of Garage's CLI output.
fn field(text: &str, label: &str) -> String {
    text.lines()
        .find_map(|line| line.trim().strip_prefix(label))
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| panic!("no {label:?} in garage's output: {text}"))
}

/// Polls `ready` until it holds, or panics naming `what` after `limit`.
pub fn wait_for(limit: Duration, what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !ready() {
        assert!(Instant::now() < deadline, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
