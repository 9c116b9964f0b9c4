//! Acceptance of the sign-in through the national identity provider (#20) in a real browser:
//! headless Chromium, the real `kho serve`, and a real OpenID Connect provider on loopback
//! (`oidc-provider-mock` from PyPI, installed by scripts/setup.sh into target/py). The provider
//! runs on `localhost` and kho on `127.0.0.1`: two sites, as in production, so that the
//! cookies' SameSite rules are those a citizen's browser applies. A citizen signs in through
//! the provider and sees exactly their documents; signs out (at kho and at the provider); signs
//! in again and is the same account.

use kho_tests::browser::Browser;
use kho_tests::http::Served;
use kho_tests::Kho;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DUC: &str = "049075001234";

/// `oidc-provider-mock` on a free port, with Duc as a predefined user whose ID token carries his
/// personal ID; stopped when dropped.
struct MockProvider {
    child: Child,
    port: u16,
}

impl MockProvider {
    fn start() -> MockProvider {
        let bin =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/py/bin/oidc-provider-mock");
        assert!(
            bin.exists(),
            "{} is missing: run scripts/setup.sh",
            bin.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new(bin)
            .args(["--port", &port.to_string(), "--require-nonce", "true"])
            .args([
                "--user-claims",
                &format!(r#"{{"sub": "duc", "so_dinh_danh": "{DUC}"}}"#),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start oidc-provider-mock");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "oidc-provider-mock did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        MockProvider { child, port }
    }
}

impl Drop for MockProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The page's HTML as the browser has it.
fn html(browser: &Browser) -> String {
    browser
        .script("return document.documentElement.outerHTML")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Waits until the browser is on `path` of kho (after redirects and pages that lead on).
fn wait_for_path(browser: &Browser, path: &str) {
    let started = Instant::now();
    while browser.path() != path {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "still on {} waiting for {path}: {}",
            browser.url(),
            html(browser)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// From kho's sign-in page through the provider's form (Duc's button) back to /my.
fn sign_in_through_provider(browser: &Browser, provider_port: u16) {
    browser.goto("/login?next=/my");
    let link = browser.find("#dang-nhap-dinh-danh");
    assert_eq!(link.text(), "Đăng nhập bằng tài khoản định danh điện tử");
    browser.navigating(|| link.click());
    assert!(
        browser
            .url()
            .starts_with(&format!("http://localhost:{provider_port}/")),
        "at the provider: {}",
        browser.url()
    );
    let duc = browser.find("button[name=sub][value=duc]");
    duc.click();
    wait_for_path(browser, "/my");
    browser.find("header .who");
}

#[test]
fn a_citizen_signs_in_through_the_provider_sees_exactly_their_documents_and_is_the_same_account_again(
) {
    let provider = MockProvider::start();
    let mut kho = Kho::new();
    let docs = kho.ingest_corpus().ids_by_file();
    // The mock takes any client id and secret, but a secret it must get (client_secret_basic).
    kho.env
        .push(("KHO_OIDC_CLIENT_SECRET".into(), "bí-mật-thử".into()));
    let issuer = format!("http://localhost:{}", provider.port);
    let served = Served::start_with(
        kho,
        &[
            "--oidc-issuer",
            &issuer,
            "--oidc-client-id",
            "kho-tinh",
            "--oidc-id-claim",
            "so_dinh_danh",
        ],
    );
    let browser = Browser::start(&served.addr);
    sign_in_through_provider(&browser, provider.port);
    let who = browser.find("header .who").text();
    assert!(who.contains(DUC), "{who}");
    let page = html(&browser);
    let mut mine = 0;
    for (file, id) in &docs {
        let is_mine = file.contains("nguyen-van-duc");
        mine += usize::from(is_mine);
        assert_eq!(page.contains(id.as_str()), is_mine, "{file} on /my");
    }
    assert_eq!(mine, 2);
    // Out: kho's session ends, and the browser is sent to the provider's end-session page,
    // which sends it back to kho's sign-in page.
    browser.navigating(|| browser.find("header .who form button").click());
    let started = Instant::now();
    while !browser.url().contains("/oauth2/end_session") {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "not at the provider: {}",
            browser.url()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        html(&browser).contains("id_token_hint"),
        "the provider got the ID token hint"
    );
    browser.navigating(|| browser.find("form button[type=submit]").click());
    wait_for_path(&browser, "/login");
    browser.goto("/my");
    assert!(
        browser.path().starts_with("/login"),
        "signed out: {}",
        browser.path()
    );
    // In again: the same account.
    sign_in_through_provider(&browser, provider.port);
    assert_eq!(browser.find("header .who").text(), who);
    assert!(html(&browser).contains(docs["giay-khai-sinh-nguyen-van-duc.pdf"].as_str()));
}
