//! A real browser for the web UI tests: Debian's headless Chromium driven over W3C WebDriver by
//! `chromedriver` (package `chromium-driver`, installed by scripts/setup.sh), through the same
//! small HTTP client the API tests use. No browser automation library: the protocol is a few
//! JSON calls.

use crate::http::Request;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The key under which WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Browser {
    driver: Child,
    driver_addr: String,
    session: String,
    /// Where the pages are: `http://127.0.0.1:PORT`.
    pub base: String,
}

/// An element on the current page.
pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

fn program(name: &str, candidates: &[&str]) -> PathBuf {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!("{name} is not installed ({candidates:?}); run scripts/setup.sh, which installs chromium and chromium-driver")
        })
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session for the site at `base`
    /// (`127.0.0.1:PORT`).
    pub fn start(site_addr: &str) -> Browser {
        let driver_bin = program("chromedriver", &["/usr/bin/chromedriver"]);
        let chromium = program("chromium", &["/usr/bin/chromium"]);
        // A free port, asked of the system; chromedriver's own "--port=0" answer is printed to a
        // block-buffered pipe and arrives too late to be read.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("no free port for chromedriver");
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start chromedriver");
        let driver_addr = format!("127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            let listening = std::net::TcpStream::connect(&driver_addr).is_ok();
            let ready = listening
                && Request::new("GET", "/status").send(&driver_addr).json()["value"]["ready"]
                    == json!(true);
            if ready {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver not ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,1000", "--lang=vi-VN", "--hide-scrollbars"]
            }
        }}});
        let answer = Request::new("POST", "/session")
            .json(&capabilities)
            .send(&driver_addr);
        let value = answer.json();
        let session = value["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no browser session: {}", answer.text()))
            .to_string();
        Browser {
            driver,
            driver_addr,
            session,
            base: format!("http://{site_addr}"),
        }
    }

    fn call(&self, method: &'static str, path: &str, body: Option<Value>) -> Value {
        let target = format!("/session/{}{path}", self.session);
        let mut request = Request::new(method, &target);
        if let Some(body) = body {
            request = request.json(&body);
        } else if method == "POST" {
            request = request.json(&json!({}));
        }
        if std::env::var_os("KHO_WEBDRIVER_TRACE").is_some() {
            eprintln!("webdriver: {method} {path}");
        }
        let answer = request.send(&self.driver_addr);
        let value = answer.json();
        assert!(
            answer.status == 200,
            "WebDriver {method} {path}: {} {}",
            answer.status,
            answer.text()
        );
        value["value"].clone()
    }

    /// Opens a path of the site (or a whole URL).
    pub fn goto(&self, path: &str) {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        };
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// Signs in through kho's form (name, password, the button) and waits for the signed-in
    /// frame.
    pub fn sign_in(&self, user: &str, password: &str) {
        self.goto("/login");
        self.find("#username").fill(user);
        self.find("#password").fill(password);
        self.navigating(|| self.find("form.login button").click());
        self.find("header .who");
    }

    /// Does something that loads a new page (a click on a link, a form sent), and waits until
    /// the new page has replaced the old one: finding an element right after a click could
    /// otherwise find it on the page being left.
    pub fn navigating(&self, action: impl FnOnce()) {
        let page_of = || self.script("return String(performance.timeOrigin)");
        let before = page_of();
        action();
        let started = Instant::now();
        loop {
            let now = page_of();
            let loaded = self.script("return document.readyState") == json!("complete");
            if now != before && loaded {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "no new page after the action, still on {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The path and query of the current page.
    pub fn path(&self) -> String {
        self.url().trim_start_matches(&self.base).to_string()
    }

    pub fn title(&self) -> String {
        self.call("GET", "/title", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn find_now(&self, css: &str) -> Option<Element<'_>> {
        let target = format!("/session/{}/element", self.session);
        let answer = Request::new("POST", &target)
            .json(&json!({"using": "css selector", "value": css}))
            .send(&self.driver_addr);
        if answer.status != 200 {
            return None;
        }
        answer.json()["value"][ELEMENT_KEY]
            .as_str()
            .map(|id| Element {
                browser: self,
                id: id.to_string(),
            })
    }

    /// The first element matching `css`, waiting up to 10 s for it to appear.
    pub fn find(&self, css: &str) -> Element<'_> {
        let started = Instant::now();
        loop {
            if let Some(element) = self.find_now(css) {
                return element;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no element {css:?} on {}: {}",
                self.url(),
                self.find_now("body").map(|b| b.text()).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn exists(&self, css: &str) -> bool {
        self.find_now(css).is_some()
    }

    /// The text of every element matching `css`.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let found = self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        found
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|e| e[ELEMENT_KEY].as_str())
                    .map(|id| {
                        Element {
                            browser: self,
                            id: id.to_string(),
                        }
                        .text()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Runs a script in the page and returns its value.
    pub fn script(&self, body: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": body, "args": []})),
        )
    }

    /// Chooses `file` in the upload form's file input and waits (up to two minutes: a scan is
    /// read by OCR) until the page's script has filled in kho's suggestions.
    pub fn choose_file_for_suggestions(&self, file: &std::path::Path) {
        let file = file.canonicalize().unwrap();
        self.find("#file").send(file.to_str().unwrap());
        let started = std::time::Instant::now();
        while self
            .script("return document.body.getAttribute('data-suggested')")
            .is_null()
        {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(120),
                "no suggestions came back"
            );
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
    }

    /// Presses keys on whatever has the focus (`\u{E004}` is Tab, `\u{E007}` Enter).
    pub fn keys(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| {
                [
                    json!({"type": "keyDown", "value": c.to_string()}),
                    json!({"type": "keyUp", "value": c.to_string()}),
                ]
            })
            .collect();
        self.call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    /// The element that has the keyboard focus.
    pub fn focused(&self) -> Element<'_> {
        let value = self.call("GET", "/element/active", None);
        Element {
            browser: self,
            id: value[ELEMENT_KEY].as_str().unwrap_or_default().to_string(),
        }
    }

    pub fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// Saves a PNG of the viewport as `target/screenshots/NAME.png`, and under docs/screenshots/
    /// too when `KHO_UPDATE_SCREENSHOTS=1` (how the README's pictures are refreshed).
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let encoded = self.call("GET", "/screenshot", None);
        let png = decode_base64(encoded.as_str().unwrap_or_default());
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = root.join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("target/screenshots");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, &png).expect("write screenshot");
        if std::env::var("KHO_UPDATE_SCREENSHOTS").as_deref() == Ok("1") {
            let docs = root.join("docs/screenshots");
            std::fs::create_dir_all(&docs).expect("docs/screenshots");
            std::fs::write(docs.join(format!("{name}.png")), &png).expect("write screenshot");
        }
        path
    }
}

impl Element<'_> {
    fn call(&self, method: &'static str, path: &str, body: Option<Value>) -> Value {
        self.browser
            .call(method, &format!("/element/{}{path}", self.id), body)
    }

    pub fn text(&self) -> String {
        self.call("GET", "/text", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn attribute(&self, name: &str) -> Option<String> {
        self.call("GET", &format!("/attribute/{name}"), None)
            .as_str()
            .map(str::to_string)
    }

    pub fn property(&self, name: &str) -> Value {
        self.call("GET", &format!("/property/{name}"), None)
    }

    /// Types into the element, after clearing it.
    pub fn fill(&self, text: &str) -> &Self {
        self.call("POST", "/clear", None);
        self.call("POST", "/value", Some(json!({ "text": text })));
        self
    }

    /// Types without clearing (for file inputs: the path of the file).
    pub fn send(&self, text: &str) -> &Self {
        self.call("POST", "/value", Some(json!({ "text": text })));
        self
    }

    pub fn click(&self) {
        self.call("POST", "/click", None);
    }

    pub fn is_same(&self, other: &Element) -> bool {
        self.id == other.id
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let target = format!("/session/{}", self.session);
        if !std::thread::panicking() {
            Request::new("DELETE", &target).send(&self.driver_addr);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for sextet in text.bytes().filter_map(value) {
        buffer = (buffer << 6) | u32::from(sextet);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_decodes() {
        assert_eq!(super::decode_base64("aG9hIGLDrG5o"), "hoa bình".as_bytes());
        assert_eq!(super::decode_base64("YQ=="), b"a");
    }
}
