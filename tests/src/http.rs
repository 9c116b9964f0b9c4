//! A served kho and a small HTTP/1.1 client for it, so that the API tests go over a real socket
//! to a real `kho serve` process (no in-process router, no mocks).
//!
//! The client is a few dozen lines over `TcpStream` rather than a library: the tests need raw
//! statuses and headers (Range, ETag, problem+json) and nothing else a library would bring.

use crate::{kho_bin, Kho};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// An answer: status, headers (lower-case names; a repeated header's values one per line) and
/// body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// A request under construction.
pub struct Request {
    method: &'static str,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// The local address to connect from (another client on loopback: 127.0.0.2, say).
    source: Option<std::net::IpAddr>,
}

/// The CSRF token of the session a page was served to (its forms' hidden `csrf` field).
pub fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF token in the page")
        .to_string()
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

impl Request {
    pub fn new(method: &'static str, target: &str) -> Self {
        Request {
            method,
            target: target.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
            source: None,
        }
    }

    /// Connects from this local address (any of 127.0.0.0/8 is loopback on Linux): a client
    /// the server sees as another machine.
    pub fn from(mut self, source: std::net::IpAddr) -> Self {
        self.source = Some(source);
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn bearer(self, token: Option<&str>) -> Self {
        match token {
            Some(t) => self.header("Authorization", &format!("Bearer {t}")),
            None => self,
        }
    }

    /// Adds `name=value` to the query string.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        let sep = if self.target.contains('?') { '&' } else { '?' };
        self.target = format!("{}{sep}{name}={}", self.target, encode(value));
        self
    }

    /// A raw body (set its Content-Type with [`Request::header`]).
    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }

    pub fn json(mut self, value: &serde_json::Value) -> Self {
        self.body = serde_json::to_vec(value).unwrap_or_default();
        self.header("Content-Type", "application/json")
    }

    /// A multipart form: text fields, then one file field named `file`.
    pub fn multipart(mut self, fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> Self {
        let boundary = "kho-test-boundary-7d1f0c";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.body = body;
        self.header(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
    }

    /// Sends the request on a new connection and reads the whole answer.
    pub fn send(self, addr: &str) -> Answer {
        self.try_send(addr)
            .unwrap_or_else(|e| panic!("request to {addr}: {e}"))
    }

    /// [`Request::send`] for a server that may go away (a crash test): the failure to connect,
    /// write or read is returned, not a panic.
    pub fn try_send(self, addr: &str) -> std::io::Result<Answer> {
        let mut stream = match self.source {
            None => TcpStream::connect(addr)?,
            Some(source) => connect_from(source, addr)?,
        };
        stream.set_read_timeout(Some(Duration::from_secs(300)))?;
        let mut head = format!(
            "{} {} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.method,
            self.target,
            self.body.len()
        );
        if !self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("host"))
        {
            head.push_str(&format!("Host: {addr}\r\n"));
        }
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(&self.body)?;
        let mut reader = BufReader::new(stream);
        let mut status_line = String::new();
        reader.read_line(&mut status_line)?;
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("bad status line {status_line:?}"),
                )
            })?;
        let mut headers = BTreeMap::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                // A repeated header (Set-Cookie) keeps every value, one per line.
                headers
                    .entry(name.trim().to_ascii_lowercase())
                    .and_modify(|v: &mut String| {
                        v.push('\n');
                        v.push_str(value.trim());
                    })
                    .or_insert_with(|| value.trim().to_string());
            }
        }
        let mut body = Vec::new();
        if headers
            .get("transfer-encoding")
            .is_some_and(|v| v.contains("chunked"))
        {
            loop {
                let mut size_line = String::new();
                reader.read_line(&mut size_line)?;
                let size =
                    usize::from_str_radix(size_line.trim().split(';').next().unwrap_or("0"), 16)
                        .unwrap_or(0);
                if size == 0 {
                    break;
                }
                let mut chunk = vec![0; size + 2];
                if reader.read_exact(&mut chunk).is_err() {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(length) = headers
            .get("content-length")
            .and_then(|v| v.parse::<usize>().ok())
        {
            // Read what was announced, no more: chromedriver keeps the connection open although
            // it says "close".
            body = vec![0; length];
            reader.read_exact(&mut body)?;
        } else {
            reader.read_to_end(&mut body)?;
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

fn connect_from(source: std::net::IpAddr, addr: &str) -> std::io::Result<TcpStream> {
    use std::net::ToSocketAddrs;
    let target = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other(format!("no address for {addr}")))?;
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(target),
        socket2::Type::STREAM,
        None,
    )?;
    socket.bind(&std::net::SocketAddr::new(source, 0).into())?;
    socket.connect(&target.into())?;
    Ok(socket.into())
}

/// A served store of the six sample dossiers with users signed in: what the tests of the API
/// and of the ledger start from.
pub struct SamplesServed {
    pub served: Served,
    /// Session tokens by user name, from `POST /api/v1/login`.
    pub tokens: BTreeMap<&'static str, String>,
    /// Sample document ids by file name.
    pub docs: BTreeMap<String, String>,
}

/// Ingests the samples, adds `users` (name, role, binding flags) with `password(name)`, serves
/// the store and signs each user in.
pub fn serve_samples(
    users: &[(&'static str, &str, &[&str])],
    password: impl Fn(&str) -> String,
) -> SamplesServed {
    serve_samples_with(users, password, Served::start)
}

/// [`serve_samples`] with the server started by `start` (its options; tokens made at the
/// console before the store is locked).
pub fn serve_samples_with(
    users: &[(&'static str, &str, &[&str])],
    password: impl Fn(&str) -> String,
    start: impl FnOnce(Kho) -> Served,
) -> SamplesServed {
    let kho = Kho::new();
    let docs = kho.ingest_corpus().ids_by_file();
    for (name, role, extra) in users {
        kho.add_user(name, role, extra, &password(name));
    }
    let served = start(kho);
    let mut tokens = BTreeMap::new();
    for (name, _, _) in users {
        let answer = served.post(
            "/api/v1/login",
            None,
            &serde_json::json!({"username": name, "password": password(name)}),
        );
        assert_eq!(answer.status, 200, "login {name}: {}", answer.text());
        tokens.insert(*name, answer.json()["token"].as_str().unwrap().to_string());
    }
    SamplesServed {
        served,
        tokens,
        docs,
    }
}

/// A `kho serve` process on a store of its own, on a free port. It stops when this handle is
/// dropped, and also when the test process dies (it is started with `--stop-on-eof` and its
/// standard input is a pipe from here).
pub struct Served {
    pub addr: String,
    /// The server's `--backup-dir`.
    pub backups: tempfile::TempDir,
    child: Child,
    /// `None` once [`Served::stop`] has handed the store back.
    kho: Option<Kho>,
}

impl Served {
    /// Starts the server on an existing store.
    pub fn start(kho: Kho) -> Served {
        Self::start_with(kho, &[])
    }

    /// Starts the server with more `kho serve` options. The tests written before dossiers were
    /// registered read for invented dossier codes: unless `options` say otherwise, the server
    /// checks a clerk's dossier by its format and province only (`--dossier-check format`);
    /// the tests of registered dossiers pass `--dossier-check registered`.
    pub fn start_with(kho: Kho, options: &[&str]) -> Served {
        Self::spawn(kho, options, None)
    }

    /// Starts the server with its access log on (no `--quiet`) and its standard error, where
    /// logs go, written to `log`.
    pub fn start_logging(kho: Kho, options: &[&str], log: std::fs::File) -> Served {
        Self::spawn(kho, options, Some(log))
    }

    fn spawn(kho: Kho, options: &[&str], log: Option<std::fs::File>) -> Served {
        let quiet: &[&str] = if log.is_some() { &[] } else { &["--quiet"] };
        let stderr = log.map_or_else(Stdio::inherit, Stdio::from);
        let dossier_check: &[&str] = if options.contains(&"--dossier-check") {
            &[]
        } else {
            &["--dossier-check", "format"]
        };
        let backups = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new(kho_bin())
            .arg("--data")
            .arg(kho.data.path())
            .args(["serve", "--addr", "127.0.0.1:0", "--stop-on-eof"])
            .args(quiet)
            .arg("--backup-dir")
            .arg(backups.path())
            .args(options)
            .args(dossier_check)
            .env_remove("KHO_DATA")
            .env_remove("KHO_BLOBS")
            .envs(kho.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("cannot start kho serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("kho serve printed nothing");
        let addr = first
            .trim()
            .rsplit("http://")
            .next()
            .filter(|a| a.contains(':'))
            .unwrap_or_else(|| panic!("kho serve said {first:?}"))
            .to_string();
        Served {
            addr,
            backups,
            child,
            kho: Some(kho),
        }
    }

    pub fn get(&self, target: &str, token: Option<&str>) -> Answer {
        Request::new("GET", target).bearer(token).send(&self.addr)
    }

    pub fn post(&self, target: &str, token: Option<&str>, body: &serde_json::Value) -> Answer {
        Request::new("POST", target)
            .bearer(token)
            .json(body)
            .send(&self.addr)
    }

    pub fn send(&self, request: Request) -> Answer {
        request.send(&self.addr)
    }

    /// Waits until `GET /api/v1/ready` answers 200 (the index has caught up with the
    /// catalogue), at most two minutes.
    pub fn wait_ready(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while self.get("/api/v1/ready", None).status != 200 {
            assert!(
                std::time::Instant::now() < deadline,
                "kho serve never became ready"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// The store folder the server runs on.
    pub fn data_path(&self) -> std::path::PathBuf {
        self.kho
            .as_ref()
            .map(|k| k.data.path().to_path_buf())
            .expect("a running server has its store")
    }

    /// Kills the server with SIGKILL, as a power cut would, and hands the store back.
    pub fn kill(mut self) -> Kho {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.kho.take().expect("a running server has its store")
    }

    /// Stops the server and waits for it (the store can then be opened by the CLI).
    pub fn stop(mut self) -> Kho {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
        self.kho.take().expect("a running server has its store")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
