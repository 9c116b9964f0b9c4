//! A small blocking S3 client: each request is signed by rusty-s3 (SigV4 presigned URLs, no IO of
//! its own) and sent by ureq, so bytes stream through `Read` with no async runtime in between.
//! Every request kho makes is idempotent (objects are named by their content or by a sequence
//! number and never rewritten with other bytes), so transient failures are retried.

use super::S3Config;
use crate::blob::BlobError;
use crate::Sha256Digest;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use md5::Digest as _;
use md5::Md5;
use rusty_s3::actions::ListObjectsV2;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use std::collections::VecDeque;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// How long a signed URL stays valid: one request, retries included.
const SIGNED_FOR: Duration = Duration::from_secs(15 * 60);
const ATTEMPTS: u32 = 5;
/// Object bodies kho reads whole (journal pages, the bucket file) are at most this large.
const MAX_SMALL_OBJECT: u64 = 256 * 1024 * 1024;
const CHECKSUM_SHA256: &str = "x-amz-checksum-sha256";
const CONTENT_MD5: &str = "content-md5";

pub(crate) struct S3Client {
    bucket: Bucket,
    credentials: Credentials,
    agent: ureq::Agent,
    /// Prepended to every key ("" or "some/prefix/").
    prefix: String,
    location: String,
}

impl std::fmt::Debug for S3Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Client")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// What a request sends.
enum Body<'a> {
    Empty,
    Bytes(&'a [u8]),
    /// `len` bytes of a file from `offset`, re-read on every attempt.
    File {
        path: &'a Path,
        offset: u64,
        len: u64,
    },
}

/// A failed request, before it is given a name for the message.
enum Failure {
    Status {
        code: u16,
        s3_code: String,
        message: String,
    },
    Transport(String),
    /// The endpoint's certificate was refused: a configuration to fix, not an outage.
    Tls(String),
    Local(std::io::Error),
}

impl Failure {
    fn retryable(&self) -> bool {
        match self {
            Failure::Status { code, .. } => *code == 429 || *code >= 500,
            Failure::Transport(_) => true,
            Failure::Tls(_) | Failure::Local(_) => false,
        }
    }
}

impl S3Client {
    pub fn new(config: &S3Config) -> Result<Self, BlobError> {
        let bad_endpoint = |detail: String| {
            BlobError::Config(format!(
                "the S3 endpoint {:?} (AWS_ENDPOINT_URL) is not usable: {detail}",
                config.endpoint
            ))
        };
        let endpoint = Url::parse(&config.endpoint).map_err(|e| bad_endpoint(e.to_string()))?;
        if !matches!(endpoint.scheme(), "http" | "https") || endpoint.host_str().is_none() {
            return Err(bad_endpoint(
                "it must be http:// or https:// and a host, e.g. http://127.0.0.1:3900".into(),
            ));
        }
        // A custom endpoint (Garage, MinIO) is addressed by path; AWS by virtual host.
        let style = if config.path_style {
            UrlStyle::Path
        } else {
            UrlStyle::VirtualHost
        };
        let bucket = Bucket::new(
            endpoint,
            style,
            config.bucket.clone(),
            config.region.clone(),
        )
        .map_err(|e| bad_endpoint(e.to_string()))?;
        let credentials = match &config.session_token {
            Some(token) => Credentials::new_with_token(
                config.access_key_id.clone(),
                config.secret_access_key.clone(),
                token.clone(),
            ),
            None => Credentials::new(
                config.access_key_id.clone(),
                config.secret_access_key.clone(),
            ),
        };
        let mut agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(10))
            .timeout_read(Duration::from_secs(120))
            .timeout_write(Duration::from_secs(120))
            .max_idle_connections_per_host(16);
        if let Some(bundle) = &config.ca_bundle {
            agent = agent.tls_config(Arc::new(tls_trusting(bundle)?));
        }
        let agent = agent.build();
        Ok(S3Client {
            bucket,
            credentials,
            agent,
            prefix: config.prefix.clone(),
            location: config.to_string(),
        })
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    fn full_key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn error(&self, what: &str, key: &str, failure: Failure) -> BlobError {
        let unavailable = failure.retryable();
        let detail = match failure {
            Failure::Status {
                code,
                s3_code,
                message,
            } => {
                let hint = match (code, s3_code.as_str()) {
                    (_, "NoSuchBucket") => "; create the bucket and allow the key on it",
                    (403, _) | (_, "InvalidAccessKeyId") | (_, "SignatureDoesNotMatch") => {
                        "; check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and the key's rights on the bucket"
                    }
                    _ => "",
                };
                format!("HTTP {code} {s3_code} {message}{hint}")
            }
            Failure::Transport(detail) => {
                format!("{detail}; is the endpoint (AWS_ENDPOINT_URL) reachable?")
            }
            Failure::Tls(detail) => format!(
                "{detail}; if the endpoint's certificate comes from a private authority, set AWS_CA_BUNDLE to its certificate (PEM)"
            ),
            Failure::Local(e) => format!("reading the local copy: {e}"),
        };
        BlobError::Remote {
            what: format!("{what} {}", self.full_key(key)),
            location: self.location.clone(),
            detail,
            unavailable,
        }
    }

    /// Sends a signed request, retrying transient failures with a growing pause.
    fn send(
        &self,
        method: &str,
        sign: &dyn Fn() -> Url,
        headers: &[(&str, String)],
        body: &Body<'_>,
    ) -> Result<ureq::Response, Failure> {
        let mut pause = Duration::from_millis(200);
        let mut attempt = 1;
        loop {
            match self.send_once(method, sign(), headers, body) {
                Err(failure) if failure.retryable() && attempt < ATTEMPTS => {
                    std::thread::sleep(pause);
                    pause *= 2;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn send_once(
        &self,
        method: &str,
        url: Url,
        headers: &[(&str, String)],
        body: &Body<'_>,
    ) -> Result<ureq::Response, Failure> {
        let mut request = self.agent.request_url(method, &url);
        for (name, value) in headers {
            request = request.set(name, value);
        }
        let sent = match body {
            Body::Empty => request.call(),
            Body::Bytes(bytes) => request.send_bytes(bytes),
            Body::File { path, offset, len } => {
                let mut file = std::fs::File::open(path).map_err(Failure::Local)?;
                file.seek(SeekFrom::Start(*offset))
                    .map_err(Failure::Local)?;
                request
                    .set("Content-Length", &len.to_string())
                    .send(std::io::BufReader::with_capacity(256 * 1024, file).take(*len))
            }
        };
        match sent {
            Ok(response) => Ok(response),
            Err(ureq::Error::Status(code, response)) => {
                let text = response.into_string().unwrap_or_default();
                Err(Failure::Status {
                    code,
                    s3_code: xml_field(&text, "Code"),
                    message: xml_field(&text, "Message"),
                })
            }
            Err(ureq::Error::Transport(t)) => {
                // Not `t.to_string()`: that starts with the URL, whose signature would let anyone
                // who reads the log repeat the request for 15 minutes.
                let mut detail = t.kind().to_string();
                if let Some(message) = t.message() {
                    detail = format!("{detail}: {message}");
                }
                if let Some(source) = std::error::Error::source(&t) {
                    detail = format!("{detail}: {source}");
                }
                if detail.contains("certificate") {
                    Err(Failure::Tls(detail))
                } else {
                    Err(Failure::Transport(detail))
                }
            }
        }
    }

    /// The size of an object, or `None` if there is none.
    pub fn head(&self, key: &str) -> Result<Option<u64>, BlobError> {
        let full = self.full_key(key);
        let sign = || {
            self.bucket
                .head_object(Some(&self.credentials), &full)
                .sign(SIGNED_FOR)
        };
        match self.send("HEAD", &sign, &[], &Body::Empty) {
            Ok(response) => Ok(response
                .header("Content-Length")
                .and_then(|v| v.parse().ok())),
            Err(Failure::Status { code: 404, .. }) => Ok(None),
            Err(f) => Err(self.error("HEAD", key, f)),
        }
    }

    /// An object's bytes as they arrive, optionally a range of them; `None` if there is none.
    pub fn get(
        &self,
        key: &str,
        range: Option<(u64, u64)>,
    ) -> Result<Option<Box<dyn Read + Send>>, BlobError> {
        let full = self.full_key(key);
        let sign = || {
            self.bucket
                .get_object(Some(&self.credentials), &full)
                .sign(SIGNED_FOR)
        };
        let headers: Vec<(&str, String)> = match range {
            Some((start, len)) if len > 0 => {
                vec![("Range", format!("bytes={start}-{}", start + len - 1))]
            }
            Some(_) => return Ok(Some(Box::new(std::io::empty()))),
            None => Vec::new(),
        };
        match self.send("GET", &sign, &headers, &Body::Empty) {
            Ok(response) => match range {
                // A service that ignores Range answers 200 with the whole object: cut it here.
                Some((start, len)) if response.status() == 200 => {
                    let mut whole = response.into_reader();
                    std::io::copy(&mut (&mut whole).take(start), &mut std::io::sink())
                        .map_err(|e| self.error("GET", key, Failure::Transport(e.to_string())))?;
                    Ok(Some(Box::new(whole.take(len))))
                }
                _ => Ok(Some(Box::new(response.into_reader()))),
            },
            // A missing bucket is a configuration to fix, not a missing object.
            Err(Failure::Status {
                code: 404, s3_code, ..
            }) if s3_code != "NoSuchBucket" => Ok(None),
            Err(f) => Err(self.error("GET", key, f)),
        }
    }

    /// A small object read whole (journal pages, the bucket's description).
    pub fn get_bytes(&self, key: &str) -> Result<Option<Vec<u8>>, BlobError> {
        let Some(reader) = self.get(key, None)? else {
            return Ok(None);
        };
        let mut bytes = Vec::new();
        reader
            .take(MAX_SMALL_OBJECT)
            .read_to_end(&mut bytes)
            .map_err(|e| self.error("GET", key, Failure::Transport(e.to_string())))?;
        Ok(Some(bytes))
    }

    /// Uploads `bytes` in one request, with their sha256 (`digest`, which the caller has
    /// already) for the service to check (`x-amz-checksum-sha256`): a byte changed on the way is
    /// refused, not stored.
    pub fn put_bytes(
        &self,
        key: &str,
        bytes: &[u8],
        digest: &Sha256Digest,
    ) -> Result<(), BlobError> {
        let full = self.full_key(key);
        let checksum = BASE64.encode(digest.0);
        let sign = || {
            let mut action = self.bucket.put_object(Some(&self.credentials), &full);
            action
                .headers_mut()
                .insert(CHECKSUM_SHA256, checksum.as_str());
            action.sign(SIGNED_FOR)
        };
        let headers = [(CHECKSUM_SHA256, checksum.clone())];
        self.send("PUT", &sign, &headers, &Body::Bytes(bytes))
            .map(drop)
            .map_err(|f| self.error("PUT", key, f))
    }

    /// Uploads a local file as a multipart upload in parts of `part_size`, each with its MD5
    /// for the service to check (`Content-MD5`).
    pub fn put_multipart(
        &self,
        key: &str,
        path: &Path,
        size: u64,
        part_size: u64,
    ) -> Result<(), BlobError> {
        let full = self.full_key(key);
        let upload_id = self.create_multipart(key, &full)?;
        let uploaded = self.upload_parts(key, &full, &upload_id, path, size, part_size);
        if uploaded.is_err() {
            // Parts of an abandoned upload take space until aborted; try once, keep the error.
            let sign = || {
                self.bucket
                    .abort_multipart_upload(Some(&self.credentials), &full, &upload_id)
                    .sign(SIGNED_FOR)
            };
            let _ = self.send("DELETE", &sign, &[], &Body::Empty);
        }
        uploaded
    }

    fn create_multipart(&self, key: &str, full: &str) -> Result<String, BlobError> {
        let sign = || {
            self.bucket
                .create_multipart_upload(Some(&self.credentials), full)
                .sign(SIGNED_FOR)
        };
        let response = self
            .send("POST", &sign, &[], &Body::Empty)
            .map_err(|f| self.error("start multipart upload of", key, f))?;
        let text = response.into_string().map_err(|e| {
            self.error(
                "start multipart upload of",
                key,
                Failure::Transport(e.to_string()),
            )
        })?;
        let parsed =
            rusty_s3::actions::CreateMultipartUpload::parse_response(&text).map_err(|e| {
                self.error(
                    "start multipart upload of",
                    key,
                    Failure::Transport(format!("unreadable answer: {e}")),
                )
            })?;
        Ok(parsed.upload_id().to_string())
    }

    fn upload_parts(
        &self,
        key: &str,
        full: &str,
        upload_id: &str,
        path: &Path,
        size: u64,
        part_size: u64,
    ) -> Result<(), BlobError> {
        let mut etags = Vec::new();
        let mut offset = 0;
        let mut number: u16 = 1;
        while offset < size {
            let len = part_size.min(size - offset);
            let what = format!("upload part {number} of");
            let md5 = part_md5(path, offset, len)
                .map_err(|e| self.error(&what, key, Failure::Local(e)))?;
            let sign = || {
                let mut action =
                    self.bucket
                        .upload_part(Some(&self.credentials), full, number, upload_id);
                action.headers_mut().insert(CONTENT_MD5, md5.as_str());
                action.sign(SIGNED_FOR)
            };
            let headers = [(CONTENT_MD5, md5.clone())];
            let response = self
                .send("PUT", &sign, &headers, &Body::File { path, offset, len })
                .map_err(|f| self.error(&what, key, f))?;
            let etag = response.header("ETag").unwrap_or_default().to_string();
            if etag.is_empty() {
                return Err(self.error(
                    &what,
                    key,
                    Failure::Transport("the answer has no ETag".into()),
                ));
            }
            etags.push(etag);
            offset += len;
            number = number.checked_add(1).ok_or_else(|| {
                self.error(
                    &what,
                    key,
                    Failure::Transport("more than 65,535 parts".into()),
                )
            })?;
        }
        let complete = self.bucket.complete_multipart_upload(
            Some(&self.credentials),
            full,
            upload_id,
            etags.iter().map(String::as_str),
        );
        let url = complete.sign(SIGNED_FOR);
        let body = complete.body();
        let response = self
            .send("POST", &|| url.clone(), &[], &Body::Bytes(body.as_bytes()))
            .map_err(|f| self.error("complete multipart upload of", key, f))?;
        // S3 may answer 200 with an error in the body when completion fails late.
        let text = response.into_string().unwrap_or_default();
        if text.contains("<Error>") {
            return Err(self.error(
                "complete multipart upload of",
                key,
                Failure::Status {
                    code: 200,
                    s3_code: xml_field(&text, "Code"),
                    message: xml_field(&text, "Message"),
                },
            ));
        }
        Ok(())
    }

    /// Every key under `prefix` (relative to the store's prefix) after `start_after`, in key
    /// order, fetched a page at a time.
    pub fn list<'a>(&'a self, prefix: &str, start_after: Option<&str>) -> Listing<'a> {
        Listing {
            client: self,
            prefix: self.full_key(prefix),
            start_after: start_after.map(|k| self.full_key(k)),
            token: None,
            page: VecDeque::new(),
            done: false,
        }
    }

    /// The "folders" directly under `prefix` (keys cut at the next `/`), relative to the store's
    /// prefix.
    pub fn list_folders(&self, prefix: &str) -> Result<Vec<String>, BlobError> {
        let full_prefix = self.full_key(prefix);
        let mut folders = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self.list_page(&full_prefix, Some("/"), None, token.as_deref())?;
            folders.extend(
                page.common_prefixes
                    .into_iter()
                    .filter_map(|p| p.prefix.strip_prefix(&self.prefix).map(str::to_string)),
            );
            token = page.next_continuation_token;
            if token.is_none() {
                return Ok(folders);
            }
        }
    }

    fn list_page(
        &self,
        prefix: &str,
        delimiter: Option<&str>,
        start_after: Option<&str>,
        token: Option<&str>,
    ) -> Result<rusty_s3::actions::ListObjectsV2Response, BlobError> {
        let sign = || {
            let mut action: ListObjectsV2<'_> =
                self.bucket.list_objects_v2(Some(&self.credentials));
            action.with_prefix(prefix);
            if let Some(d) = delimiter {
                action.with_delimiter(d);
            }
            if let Some(s) = start_after {
                action.with_start_after(s);
            }
            if let Some(t) = token {
                action.with_continuation_token(t);
            }
            action.sign(SIGNED_FOR)
        };
        let response = self
            .send("GET", &sign, &[], &Body::Empty)
            .map_err(|f| self.error("LIST", prefix, f))?;
        let text = response
            .into_string()
            .map_err(|e| self.error("LIST", prefix, Failure::Transport(e.to_string())))?;
        ListObjectsV2::parse_response(&text).map_err(|e| {
            self.error(
                "LIST",
                prefix,
                Failure::Transport(format!("unreadable answer: {e}")),
            )
        })
    }
}

/// Keys listed a page at a time, without the store's prefix.
pub(crate) struct Listing<'a> {
    client: &'a S3Client,
    prefix: String,
    start_after: Option<String>,
    token: Option<String>,
    page: VecDeque<String>,
    done: bool,
}

impl Iterator for Listing<'_> {
    type Item = Result<String, BlobError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.page.pop_front() {
                return Some(Ok(item));
            }
            if self.done {
                return None;
            }
            let page = match self.client.list_page(
                &self.prefix,
                None,
                self.start_after.as_deref(),
                self.token.as_deref(),
            ) {
                Ok(page) => page,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            self.token = page.next_continuation_token;
            self.done = self.token.is_none();
            let store_prefix = &self.client.prefix;
            self.page.extend(page.contents.into_iter().filter_map(|c| {
                c.key
                    .strip_prefix(store_prefix.as_str())
                    .map(str::to_string)
            }));
        }
    }
}

/// TLS that trusts Mozilla's roots (ureq's default) and the certificates of a PEM `bundle`.
fn tls_trusting(bundle: &Path) -> Result<rustls::ClientConfig, BlobError> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::CertificateDer;
    let unusable = |detail: String| {
        BlobError::Config(format!(
            "AWS_CA_BUNDLE {}: {detail}; name a PEM file of certificates",
            bundle.display()
        ))
    };
    let certs = CertificateDer::pem_file_iter(bundle)
        .map_err(|e| unusable(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| unusable(e.to_string()))?;
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(unusable("no usable certificate in it".into()));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| unusable(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// The base64 MD5 of `len` bytes of a file from `offset` (a part's `Content-MD5`).
fn part_md5(path: &Path, offset: u64, len: u64) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    let mut hasher = Md5::new();
    let mut reader = file.take(len);
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(BASE64.encode(hasher.finalize()))
}

/// The text of the first `<name>` element of an S3 error document ("" if none).
fn xml_field(text: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    text.find(&open)
        .and_then(|start| {
            let rest = &text[start + open.len()..];
            rest.find(&close).map(|end| rest[..end].trim().to_string())
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::xml_field;

    #[test]
    fn reads_the_code_of_an_s3_error() {
        let body = "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>Bucket not found: x</Message></Error>";
        assert_eq!(xml_field(body, "Code"), "NoSuchBucket");
        assert_eq!(xml_field(body, "Message"), "Bucket not found: x");
        assert_eq!(xml_field("", "Code"), "");
        assert_eq!(xml_field("<Code>unclosed", "Code"), "");
    }
}
