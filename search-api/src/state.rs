//! What every handler shares: the archive, the login throttle, the metrics, the settings.

use crate::metrics::Metrics;
use crate::throttle::Throttle;
use archive_core::Archive;
use ingest::extract::ExtractConfig;
use std::sync::Arc;

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// How text is extracted from uploads.
    pub extract: ExtractConfig,
    /// One line per request on standard error.
    pub access_log: bool,
    /// Stop when standard input reaches its end: a supervisor (or a test) that dies takes the
    /// server with it.
    pub stop_on_stdin_eof: bool,
    /// Web session cookies without `Secure` even for non-loopback hosts: only for trying kho on
    /// a trusted network without TLS.
    pub insecure_cookies: bool,
    /// Where `POST /api/v1/backups` writes its bags (none: backups are refused).
    pub backup_dir: Option<std::path::PathBuf>,
    /// Background fixity: originals re-hashed at this many bytes per second (0: off).
    pub fixity_bytes_per_second: u64,
    /// The rest between two fixity passes over every original.
    pub fixity_pause: std::time::Duration,
    /// For a store on a bucket: how often other nodes' changes are read from the journal
    /// (zero: never; this node's own changes are written within seconds regardless).
    pub follow_every: std::time::Duration,
    /// The agency's key for certified copies (`kho serve --signing-key`); none: copies refused.
    pub signing_key: Option<Arc<ingest::certify::AgencySigner>>,
    /// The public address of the verification page printed on copies (`https://.../verify/`).
    pub verify_url: Option<String>,
    /// Public verifications allowed per client address and minute.
    pub verify_per_minute: u32,
    /// The reverse proxy whose `X-Forwarded-For` names the client (none: the connection's peer
    /// is the client; the header is ignored).
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// A connection whose request headers take longer than this is closed (slow clients that
    /// would hold connections open: slowloris).
    pub header_timeout: std::time::Duration,
    /// A request body that sends nothing for this long ends with an error.
    pub body_timeout: std::time::Duration,
    /// Signing in through an identity provider (`kho serve --oidc-issuer`); none: passwords only.
    pub oidc: Option<crate::oidc::OidcConfig>,
    /// Webhook deliveries and citizens' e-mail notifications.
    pub delivery: crate::delivery::DeliveryConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            extract: ExtractConfig::default(),
            access_log: true,
            stop_on_stdin_eof: false,
            insecure_cookies: false,
            backup_dir: None,
            fixity_bytes_per_second: 8 * 1024 * 1024,
            fixity_pause: std::time::Duration::from_secs(3600),
            follow_every: std::time::Duration::from_secs(30),
            signing_key: None,
            verify_url: None,
            verify_per_minute: 30,
            trusted_proxy: None,
            header_timeout: std::time::Duration::from_secs(10),
            body_timeout: std::time::Duration::from_secs(30),
            oidc: None,
            delivery: Default::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub archive: Arc<Archive>,
    pub throttle: Arc<Throttle>,
    pub metrics: Arc<Metrics>,
    pub config: Arc<ServerConfig>,
    /// Uploads extract text (OCR): a few at a time, so that a burst cannot exhaust memory.
    pub uploads: Arc<tokio::sync::Semaphore>,
    /// The OpenAPI document, made from the router when it is built.
    pub openapi: Arc<std::sync::OnceLock<String>>,
    /// The key of the web UI's CSRF tokens, new at each start.
    pub csrf_key: [u8; 32],
    /// Held while a backup runs: one at a time.
    pub backup: Arc<tokio::sync::Mutex<()>>,
    /// Counts public verifications per client, for the rate limit.
    pub verify_limiter: Arc<crate::routes::verify::Limiter>,
    /// The identity provider's sign-in, when configured (made once the address is known).
    pub oidc: Option<Arc<crate::oidc::Oidc>>,
}

fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    if getrandom::fill(&mut key).is_err() {
        // No system randomness: a key from the clock and the process still differs per start.
        let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
        key.copy_from_slice(&<sha2::Sha256 as sha2::Digest>::digest(seed.as_bytes()));
    }
    key
}

impl AppState {
    pub fn new(archive: Archive, config: ServerConfig) -> Self {
        let uploads = Arc::new(tokio::sync::Semaphore::new(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                .max(1),
        ));
        AppState {
            archive: Arc::new(archive),
            throttle: Arc::default(),
            metrics: Arc::default(),
            config: Arc::new(config),
            uploads,
            openapi: Arc::default(),
            csrf_key: random_key(),
            backup: Default::default(),
            verify_limiter: Default::default(),
            oidc: None,
        }
    }

    /// Runs store work (sled, tantivy, files, OCR) off the async threads.
    pub async fn blocking<T, F>(&self, work: F) -> Result<T, crate::error::ApiError>
    where
        F: FnOnce(&archive_core::Archive) -> Result<T, crate::error::ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let archive = self.archive.clone();
        tokio::task::spawn_blocking(move || work(&archive))
            .await
            .map_err(|e| crate::error::ApiError::Internal(format!("a worker stopped: {e}")))?
    }
}
