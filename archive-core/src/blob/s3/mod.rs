//! Blobs in an S3-compatible bucket (Garage, MinIO, AWS S3), under `<prefix>blobs/<sha256>`.
//!
//! Incoming bytes are hashed before anything is sent: a file of up to one part (16 MiB) in
//! memory, a larger one spooled to a local file. Then the blob's key is known, and a blob already
//! in the bucket is not sent again (the same dedupe as the local store, decided before any
//! upload). Large files go up as a multipart upload whose parts are re-read from the spool file
//! when a request is retried. A `put` returns when the bucket has
//! answered 200: the service's own replication decides what that survives.

mod client;

pub(crate) use client::S3Client;

use super::spool;
use super::{BlobError, BlobStore, PutBlob};
use crate::Sha256Digest;
use std::fmt;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the blobs of a bucket live, relative to the store's prefix.
const BLOBS: &str = "blobs/";
/// Files at or under this size go up in one request; larger ones in parts of this size.
pub const DEFAULT_PART_SIZE: u64 = 16 * 1024 * 1024;
/// S3's smallest part (all but the last).
const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;

/// An `s3://BUCKET[/PREFIX]` location with what reaching it takes, from the standard AWS
/// environment variables.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    pub bucket: String,
    /// "" or a prefix ending in `/`.
    pub prefix: String,
    pub endpoint: String,
    pub region: String,
    /// Address the bucket in the path (custom endpoints) rather than the host name (AWS).
    pub path_style: bool,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    /// PEM certificates trusted for an `https://` endpoint besides Mozilla's roots (a private
    /// certificate authority), from AWS_CA_BUNDLE.
    pub ca_bundle: Option<PathBuf>,
}

impl fmt::Display for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = self.prefix.trim_end_matches('/');
        let slash = if prefix.is_empty() { "" } else { "/" };
        write!(
            f,
            "s3://{}{slash}{prefix} at {}",
            self.bucket, self.endpoint
        )
    }
}

// The secret stays out of logs and panics.
impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S3Config({self})")
    }
}

/// The bucket and prefix of an `s3://BUCKET[/PREFIX]` URL, checked against S3's naming rules.
pub fn parse_s3_url(url: &str) -> Result<(String, String), BlobError> {
    let bad = |rule: &str| {
        BlobError::Config(format!(
            "--blobs {url:?}: {rule}; write s3://BUCKET or s3://BUCKET/PREFIX"
        ))
    };
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| bad("only s3:// locations are known"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && bucket
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric());
    if !bucket_ok {
        return Err(bad(
            "a bucket name is 3 to 63 lower-case letters, digits, '-' or '.'",
        ));
    }
    let prefix = prefix.trim_matches('/');
    if prefix
        .split('/')
        .any(|part| part == "." || part == ".." || (part.is_empty() && !prefix.is_empty()))
        || prefix.chars().any(char::is_control)
    {
        return Err(bad("the prefix has an empty, '.' or '..' part"));
    }
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    Ok((bucket.to_string(), prefix))
}

impl S3Config {
    /// Reads AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (AWS itself when neither is set),
    /// AWS_REGION or AWS_DEFAULT_REGION (us-east-1), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    /// AWS_SESSION_TOKEN and AWS_CA_BUNDLE through `var`.
    pub fn from_vars(
        url: &str,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<S3Config, BlobError> {
        let (bucket, prefix) = parse_s3_url(url)?;
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let region = set("AWS_REGION")
            .or_else(|| set("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".into());
        let custom = set("AWS_ENDPOINT_URL_S3").or_else(|| set("AWS_ENDPOINT_URL"));
        let path_style = custom.is_some();
        let endpoint = custom.unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"));
        let missing = |name: &str| {
            BlobError::Config(format!(
                "--blobs {url}: the environment variable {name} is not set; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to a key allowed on the bucket"
            ))
        };
        Ok(S3Config {
            bucket,
            prefix,
            endpoint,
            region,
            path_style,
            access_key_id: set("AWS_ACCESS_KEY_ID").ok_or_else(|| missing("AWS_ACCESS_KEY_ID"))?,
            secret_access_key: set("AWS_SECRET_ACCESS_KEY")
                .ok_or_else(|| missing("AWS_SECRET_ACCESS_KEY"))?,
            session_token: set("AWS_SESSION_TOKEN"),
            ca_bundle: set("AWS_CA_BUNDLE").map(PathBuf::from),
        })
    }

    /// [`S3Config::from_vars`] with the process environment.
    pub fn from_env(url: &str) -> Result<S3Config, BlobError> {
        Self::from_vars(url, |name| std::env::var(name).ok())
    }
}

/// The [`BlobStore`] of a bucket.
#[derive(Debug)]
pub struct S3BlobStore {
    client: Arc<S3Client>,
    spool: PathBuf,
    part_size: u64,
}

impl S3BlobStore {
    /// A store on the bucket of `config` (no request is made: an archive checks the bucket
    /// when it opens its journal), and a cleared `spool`, the local folder where large incoming
    /// files wait while they are hashed.
    pub fn open(config: &S3Config, spool_dir: impl Into<PathBuf>) -> Result<Self, BlobError> {
        let client = Arc::new(S3Client::new(config)?);
        let spool_dir = spool_dir.into();
        spool::clear(&spool_dir)?;
        Ok(S3BlobStore {
            client,
            spool: spool_dir,
            part_size: DEFAULT_PART_SIZE,
        })
    }

    /// Files larger than `bytes` (at least 5 MiB, S3's smallest part) go up in parts of it.
    pub fn set_part_size(&mut self, bytes: u64) {
        self.part_size = bytes.max(MIN_PART_SIZE);
    }

    pub(crate) fn client(&self) -> Arc<S3Client> {
        Arc::clone(&self.client)
    }

    fn key(digest: &Sha256Digest) -> String {
        format!("{BLOBS}{}", digest.to_hex())
    }
}

impl BlobStore for S3BlobStore {
    fn put(&self, src: &mut dyn Read, max_bytes: u64) -> Result<PutBlob, BlobError> {
        // Most originals fit in one request: held in memory, they need no spool file.
        let mut head = Vec::new();
        src.take(self.part_size.min(max_bytes).saturating_add(1))
            .read_to_end(&mut head)
            .map_err(BlobError::Source)?;
        let fits = head.len() as u64 <= self.part_size.min(max_bytes);
        let (digest, size, spooled) = if fits {
            (Sha256Digest::of(&head), head.len() as u64, None)
        } else {
            let mut rest = std::io::Cursor::new(head).chain(src);
            let spooled = spool::spool(&self.spool, &mut rest, max_bytes)?;
            head = Vec::new();
            (spooled.digest, spooled.size, Some(spooled))
        };
        let key = Self::key(&digest);
        let newly_written = match self.client.head(&key)? {
            Some(stored) if stored == size => false,
            // Absent, or (an interrupted foreign writer) of the wrong size: write it whole.
            _ => {
                match &spooled {
                    None => self.client.put_bytes(&key, &head, &digest)?,
                    Some(file) => {
                        self.client
                            .put_multipart(&key, &file.path, size, self.part_size)?
                    }
                }
                true
            }
        };
        Ok(PutBlob {
            digest,
            size,
            newly_written,
        })
    }

    fn open(&self, digest: &Sha256Digest) -> Result<Box<dyn Read + Send>, BlobError> {
        self.client
            .get(&Self::key(digest), None)?
            .ok_or(BlobError::NotFound(*digest))
    }

    fn open_range(
        &self,
        digest: &Sha256Digest,
        start: u64,
        len: u64,
    ) -> Result<Box<dyn Read + Send>, BlobError> {
        self.client
            .get(&Self::key(digest), Some((start, len)))?
            .ok_or(BlobError::NotFound(*digest))
    }

    fn size(&self, digest: &Sha256Digest) -> Result<Option<u64>, BlobError> {
        self.client.head(&Self::key(digest))
    }

    fn list(
        &self,
    ) -> Result<Box<dyn Iterator<Item = Result<Sha256Digest, BlobError>> + '_>, BlobError> {
        Ok(Box::new(self.client.list(BLOBS, None).filter_map(|item| {
            match item {
                // Anything under blobs/ that is not named by a sha256 is not a blob.
                Ok(key) => key
                    .strip_prefix(BLOBS)
                    .and_then(Sha256Digest::from_hex)
                    .map(Ok),
                Err(e) => Some(Err(e)),
            }
        })))
    }

    fn location(&self) -> String {
        self.client.location().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn urls_name_a_bucket_and_a_prefix() {
        assert_eq!(parse_s3_url("s3://kho").unwrap(), ("kho".into(), "".into()));
        assert_eq!(
            parse_s3_url("s3://kho-archive/province/ha-noi/").unwrap(),
            ("kho-archive".into(), "province/ha-noi/".into())
        );
        for bad in [
            "kho",
            "s3://",
            "s3://Kho",
            "s3://ab",
            "s3://-kho",
            "s3://kho/a//b",
            "s3://kho/../x",
            "file:///tmp",
        ] {
            let err = parse_s3_url(bad).unwrap_err().to_string();
            assert!(err.contains(bad), "{bad}: {err}");
        }
    }

    #[test]
    fn config_comes_from_the_standard_variables() {
        let config = S3Config::from_vars(
            "s3://kho/x",
            vars(&[
                ("AWS_ENDPOINT_URL", "http://127.0.0.1:3900"),
                ("AWS_REGION", "garage"),
                ("AWS_ACCESS_KEY_ID", "GK1"),
                ("AWS_SECRET_ACCESS_KEY", "secret"),
            ]),
        )
        .unwrap();
        assert!(config.path_style);
        assert_eq!(config.region, "garage");
        assert_eq!(config.to_string(), "s3://kho/x at http://127.0.0.1:3900");
        let bare = S3Config::from_vars(
            "s3://kho",
            vars(&[("AWS_ACCESS_KEY_ID", "A"), ("AWS_SECRET_ACCESS_KEY", "B")]),
        )
        .unwrap();
        assert_eq!(
            bare.to_string(),
            "s3://kho at https://s3.us-east-1.amazonaws.com"
        );
        assert!(!format!("{config:?}").contains("secret"));
        let aws = S3Config::from_vars(
            "s3://kho",
            vars(&[("AWS_ACCESS_KEY_ID", "A"), ("AWS_SECRET_ACCESS_KEY", "B")]),
        )
        .unwrap();
        assert_eq!(aws.endpoint, "https://s3.us-east-1.amazonaws.com");
        assert!(!aws.path_style);
        let err = S3Config::from_vars("s3://kho", vars(&[("AWS_ACCESS_KEY_ID", "A")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("AWS_SECRET_ACCESS_KEY"), "{err}");
    }
}
