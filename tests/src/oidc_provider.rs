//! An OpenID Connect provider of the tests' own, on loopback: discovery, JWKS, a token endpoint
//! (checking the PKCE verifier and the client's secret, as a real provider does) and an
//! end-session endpoint, serving ID tokens the test signs itself: with the provider's key, with
//! another key, `alg: none`, with an HMAC of the client secret, with any claims. What
//! `oidc-provider-mock` cannot do (an `acr`, forged tokens), over real HTTP, against the real
//! `kho serve`.

use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Signer;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// base64url without padding, as JWTs write it.
pub fn b64url(bytes: &[u8]) -> String {
    openssl::base64::encode_block(bytes)
        .replace('+', "-")
        .replace('/', "_")
        .trim_end_matches('=')
        .to_string()
}

/// A key pair the provider publishes (or not).
pub struct Key {
    pub kid: String,
    pkey: PKey<Private>,
}

impl Key {
    pub fn new(kid: &str) -> Key {
        Key {
            kid: kid.to_string(),
            pkey: PKey::from_rsa(Rsa::generate(2048).expect("RSA key")).expect("key"),
        }
    }

    fn jwk(&self) -> serde_json::Value {
        let rsa = self.pkey.rsa().expect("RSA");
        serde_json::json!({
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
            "n": b64url(&rsa.n().to_vec()), "e": b64url(&rsa.e().to_vec()),
        })
    }

    /// An RS256 JWT of `claims` signed with this key.
    pub fn sign(&self, claims: &serde_json::Value) -> String {
        let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": self.kid});
        let input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(claims.to_string().as_bytes())
        );
        let mut signer = Signer::new(MessageDigest::sha256(), &self.pkey).expect("signer");
        signer.update(input.as_bytes()).expect("sign");
        format!("{input}.{}", b64url(&signer.sign_to_vec().expect("sign")))
    }
}

/// A JWT with `alg: none` and no signature.
pub fn unsigned(claims: &serde_json::Value) -> String {
    let header = serde_json::json!({"alg": "none", "typ": "JWT"});
    format!(
        "{}.{}.",
        b64url(header.to_string().as_bytes()),
        b64url(claims.to_string().as_bytes())
    )
}

/// A JWT signed HS256 with `secret` (the client secret: an algorithm-confusion forgery).
pub fn hmac_signed(claims: &serde_json::Value, secret: &[u8]) -> String {
    let header = serde_json::json!({"alg": "HS256", "typ": "JWT"});
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(claims.to_string().as_bytes())
    );
    let key = PKey::hmac(secret).expect("hmac key");
    let mut signer = Signer::new(MessageDigest::sha256(), &key).expect("signer");
    signer.update(input.as_bytes()).expect("sign");
    format!("{input}.{}", b64url(&signer.sign_to_vec().expect("sign")))
}

/// A code the token endpoint will accept once: the PKCE challenge it must match, and the ID
/// token it answers with.
struct Grant {
    challenge: String,
    id_token: String,
}

#[derive(Default)]
struct Shared {
    grants: HashMap<String, Grant>,
    /// What the token endpoint refused, and why (the tests read it).
    refusals: Vec<String>,
    /// The end-session requests' query strings.
    logouts: Vec<String>,
}

/// The provider: its issuer URL, its key, the client it knows.
pub struct Provider {
    pub issuer: String,
    pub key: Key,
    pub client_id: String,
    pub client_secret: String,
    shared: Arc<Mutex<Shared>>,
}

impl Provider {
    /// Starts the provider on a free loopback port; it serves until the test process ends.
    pub fn start(client_id: &str, client_secret: &str) -> Provider {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let issuer = format!("http://{}", listener.local_addr().expect("addr"));
        let key = Key::new("k1");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let site = Site {
            issuer: issuer.clone(),
            jwks: serde_json::json!({"keys": [key.jwk()]}),
            basic: format!("{client_id}:{client_secret}"),
            shared: shared.clone(),
        };
        let site = Arc::new(site);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let site = site.clone();
                std::thread::spawn(move || site.answer(stream));
            }
        });
        Provider {
            issuer,
            key,
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            shared,
        }
    }

    /// The token endpoint will answer `code` (once, with the verifier of `challenge`) with
    /// `id_token`.
    pub fn grant(&self, code: &str, challenge: &str, id_token: String) {
        self.shared.lock().expect("lock").grants.insert(
            code.to_string(),
            Grant {
                challenge: challenge.to_string(),
                id_token,
            },
        );
    }

    /// What the token endpoint refused so far.
    pub fn refusals(&self) -> Vec<String> {
        self.shared.lock().expect("lock").refusals.clone()
    }

    /// The end-session requests so far (their query strings).
    pub fn logouts(&self) -> Vec<String> {
        self.shared.lock().expect("lock").logouts.clone()
    }

    /// Claims of a good ID token for this provider and client.
    pub fn claims(&self, nonce: &str, extra: serde_json::Value) -> serde_json::Value {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let mut claims = serde_json::json!({
            "iss": self.issuer, "aud": self.client_id, "sub": "sub-1",
            "iat": now, "exp": now + 300, "nonce": nonce,
        });
        if let (Some(all), Some(more)) = (claims.as_object_mut(), extra.as_object()) {
            for (k, v) in more {
                all.insert(k.clone(), v.clone());
            }
        }
        claims
    }
}

struct Site {
    issuer: String,
    jwks: serde_json::Value,
    /// `client_id:client_secret`, as the client must prove.
    basic: String,
    shared: Arc<Mutex<Shared>>,
}

impl Site {
    fn answer(&self, stream: TcpStream) {
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or("").to_string(),
            parts.next().unwrap_or("").to_string(),
        );
        let mut headers = HashMap::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                break;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((k, v)) = header.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length.min(1 << 20)];
        let _ = reader.read_exact(&mut body);
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        let (status, json) = match (method.as_str(), path) {
            ("GET", "/.well-known/openid-configuration") => (
                200,
                serde_json::json!({
                    "issuer": self.issuer,
                    "authorization_endpoint": format!("{}/authorize", self.issuer),
                    "token_endpoint": format!("{}/token", self.issuer),
                    "jwks_uri": format!("{}/jwks", self.issuer),
                    "end_session_endpoint": format!("{}/logout", self.issuer),
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "acr_values_supported": ["LoA1", "LoA2", "LoA3"],
                }),
            ),
            ("GET", "/jwks") => (200, self.jwks.clone()),
            ("POST", "/token") => self.token(&headers, &String::from_utf8_lossy(&body)),
            ("GET", "/logout") => {
                self.shared
                    .lock()
                    .expect("lock")
                    .logouts
                    .push(query.to_string());
                (200, serde_json::json!({}))
            }
            _ => (404, serde_json::json!({"error": "not_found"})),
        };
        let body = json.to_string();
        let mut stream = stream;
        let _ = write!(
            stream,
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
    }

    fn token(&self, headers: &HashMap<String, String>, body: &str) -> (u16, serde_json::Value) {
        let form: HashMap<String, String> = body
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_string(), percent_decode(v)))
            .collect();
        let mut shared = self.shared.lock().expect("lock");
        let refused = match check_grant(&mut shared, &self.basic, headers, &form) {
            Ok(id_token) => {
                return (
                    200,
                    serde_json::json!({
                        "access_token": "at-1", "token_type": "Bearer", "expires_in": 300,
                        "id_token": id_token,
                    }),
                )
            }
            Err(why) => why,
        };
        shared.refusals.push(refused.to_string());
        (
            400,
            serde_json::json!({"error": "invalid_grant", "error_description": refused}),
        )
    }
}

/// The token request's checks: client authentication, the grant type, a known unused code and
/// its PKCE verifier. The ID token to answer, or why not.
fn check_grant(
    shared: &mut Shared,
    basic: &str,
    headers: &HashMap<String, String>,
    form: &HashMap<String, String>,
) -> Result<String, &'static str> {
    // RFC 6749 2.3.1: id and secret form-encoded, then base64.
    let given = headers
        .get("authorization")
        .and_then(|h| h.strip_prefix("Basic "))
        .and_then(|b| openssl::base64::decode_block(b).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .and_then(|pair| {
            pair.split_once(':')
                .map(|(id, secret)| format!("{}:{}", percent_decode(id), percent_decode(secret)))
        });
    if given.as_deref() != Some(basic) {
        return Err("client authentication failed");
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return Err("grant_type");
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let grant = shared.grants.remove(&code).ok_or("unknown or used code")?;
    let digest = openssl::sha::sha256(verifier.as_bytes());
    if b64url(&digest) != grant.challenge {
        return Err("PKCE verifier does not match");
    }
    Ok(grant.id_token)
}

/// `%XX` and `+` decoded.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The query parameters of a URL, decoded.
pub fn query_of(url: &str) -> HashMap<String, String> {
    url.split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_string(), percent_decode(v)))
        .collect()
}
