use crate::Outcome;
use std::io::Write;
use std::net::SocketAddr;

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on; port 0 picks a free port (printed on the first line).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Pages read (OCR) at once for uploads; default one per core.
    #[arg(long)]
    jobs: Option<usize>,
    /// No log line per request.
    #[arg(long)]
    quiet: bool,
    /// How log lines are written on standard error: `text` for people, `json` (one object per
    /// line) for a log collector. `KHO_LOG` chooses what is logged (default `info`).
    #[arg(long, value_enum, default_value_t = crate::logging::LogFormat::Text)]
    pub log_format: crate::logging::LogFormat,
    /// Stop when standard input closes (for supervisors and tests).
    #[arg(long)]
    stop_on_eof: bool,
    /// Web session cookies without `Secure` also for addresses other than loopback: only to try
    /// kho over plain HTTP on a trusted network (put it behind TLS otherwise).
    #[arg(long)]
    insecure_cookies: bool,
    /// Folder for online backups (`POST /api/v1/backups`, admins): each is a bag that
    /// `kho import` restores. Put it on another disk. Without it, backups are refused.
    #[arg(long)]
    backup_dir: Option<std::path::PathBuf>,
    /// Background fixity: re-hash the stored originals at this many MiB per second, one after
    /// another, and report any that no longer match (log, metrics, the owner's ledger). 0: off.
    #[arg(long, default_value_t = 8.0, value_name = "MIB_PER_SECOND")]
    fixity_rate: f64,
    /// Seconds of rest between two fixity passes over every original.
    #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
    fixity_pause: u64,
    /// For a store whose originals are in a bucket (--blobs s3://...): read what other nodes
    /// stored or changed every this many seconds (0: never; `kho rebuild --since` does it by
    /// hand). This node's own changes go to the bucket within seconds regardless.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    follow: u64,
    /// The agency's key and certificate (PKCS#12) for certified copies
    /// (`POST /api/v1/documents/{id}/certified-copies`). Password from $KHO_SIGNING_PASSWORD,
    /// else the first line of standard input. Without it, copies are refused.
    #[arg(long, value_name = "AGENCY.p12")]
    signing_key: Option<std::path::PathBuf>,
    /// The public address of the verification page printed on copies before their code
    /// (e.g. https://kho.example.gov.vn/verify/). Default: the path /verify/ alone.
    #[arg(long, value_name = "URL")]
    verify_url: Option<String>,
    /// Public checks of certified copies (`/verify`) allowed per client address and minute.
    #[arg(long, default_value_t = 30)]
    verify_per_minute: u32,
    /// The address of a reverse proxy in front of kho: for connections from it (only), the
    /// client is the last address in `X-Forwarded-For`, which the proxy appends. Off by
    /// default: the connection's peer is the client, and the header is ignored (anyone can
    /// write it). The login throttle counts by client address.
    #[arg(long, value_name = "IP")]
    trusted_proxy: Option<std::net::IpAddr>,
    /// Close a connection whose request headers have not all arrived after this many seconds
    /// (slow clients holding connections open).
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    header_timeout: u64,
    /// End a request whose body sends nothing for this many seconds.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    body_timeout: u64,
    /// How a clerk's dossier is checked: `registered` (the dossier was registered by the
    /// one-stop system, `POST /api/v1/dossiers`, and the document is its applicants' or shared
    /// with it) or `format` (well formed and of the clerk's province: for provinces whose
    /// one-stop system is not connected yet).
    #[arg(long, value_enum, default_value_t = DossierCheckArg::Registered)]
    dossier_check: DossierCheckArg,
    /// The province's mail relay for citizens' e-mail notifications, `smtp://HOST[:PORT]`
    /// (plain SMTP on a trusted network; the relay does TLS onwards). Without it nothing is
    /// mailed (citizens may still set their address on /my/notifications).
    #[arg(long, value_name = "URL", requires = "smtp_from")]
    smtp_url: Option<String>,
    /// The sender of notifications (`From:`), e.g. kho@quangnam.gov.vn.
    #[arg(long, value_name = "ADDRESS", requires = "smtp_url")]
    smtp_from: Option<String>,
    /// How often new ledger events are looked for, to push to webhook receivers and mail.
    #[arg(long, default_value_t = 1000, value_name = "MILLISECONDS")]
    delivery_poll_ms: u64,
    /// The longest wait between two attempts at a delivery (waits double from 1 s up to it).
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    delivery_max_backoff: u64,
    #[command(flatten)]
    oidc: OidcArgs,
}

/// Signing in through the national identity provider (OpenID Connect; docs/web.md).
#[derive(clap::Args)]
struct OidcArgs {
    /// The identity provider's issuer URL: turns on "Đăng nhập bằng tài khoản định danh điện
    /// tử" (discovery at ISSUER/.well-known/openid-configuration). The client secret is read
    /// from $KHO_OIDC_CLIENT_SECRET (none: a public client, PKCE alone).
    #[arg(long, value_name = "URL", requires = "oidc_client_id")]
    oidc_issuer: Option<String>,
    /// kho's client id at the provider.
    #[arg(long, value_name = "ID", requires = "oidc_issuer")]
    oidc_client_id: Option<String>,
    /// The redirect URI registered at the provider, ending in /oidc/callback (e.g.
    /// https://kho.example.gov.vn/oidc/callback). Default: http://ADDR/oidc/callback of --addr.
    #[arg(long, value_name = "URL", requires = "oidc_issuer")]
    oidc_redirect_uri: Option<String>,
    /// Assurance level asked for (`acr_values`) and required of the returned `acr`, e.g. LoA2;
    /// repeat it (or separate by commas) to accept several.
    #[arg(
        long,
        value_name = "LEVEL",
        value_delimiter = ',',
        requires = "oidc_issuer"
    )]
    oidc_acr: Vec<String>,
    /// The ID token's claim holding the citizen's personal ID (validated like any owner ID).
    #[arg(long, value_name = "CLAIM", default_value = "personal_id")]
    oidc_id_claim: String,
    /// The claim holding a staff member's role (clerk or operator); when a token carries it,
    /// the person signs in as that staff role instead of as a citizen. Default: none (staff
    /// keep local accounts).
    #[arg(long, value_name = "CLAIM", requires = "oidc_issuer")]
    oidc_role_claim: Option<String>,
    /// The claim holding a clerk's agency code (with --oidc-role-claim).
    #[arg(long, value_name = "CLAIM", default_value = "agency_code")]
    oidc_agency_claim: String,
}

impl OidcArgs {
    fn config(self) -> anyhow::Result<Option<search_api::oidc::OidcConfig>> {
        let (Some(issuer), Some(client_id)) = (self.oidc_issuer, self.oidc_client_id) else {
            return Ok(None);
        };
        let config = search_api::oidc::OidcConfig {
            issuer: issuer.trim_end_matches('/').to_string(),
            client_id,
            client_secret: std::env::var("KHO_OIDC_CLIENT_SECRET")
                .ok()
                .filter(|s| !s.is_empty()),
            redirect_uri: self.oidc_redirect_uri,
            acr: self
                .oidc_acr
                .into_iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            claims: search_api::oidc::ClaimNames {
                personal_id: self.oidc_id_claim,
                role: self.oidc_role_claim,
                agency: self.oidc_agency_claim,
            },
        };
        config.check().map_err(anyhow::Error::msg)?;
        Ok(Some(config))
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DossierCheckArg {
    Format,
    Registered,
}

impl From<DossierCheckArg> for schemas::DossierCheck {
    fn from(arg: DossierCheckArg) -> Self {
        match arg {
            DossierCheckArg::Format => schemas::DossierCheck::Format,
            DossierCheckArg::Registered => schemas::DossierCheck::Registered,
        }
    }
}

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    if let Some(jobs) = args.jobs {
        ingest::set_jobs(jobs).map_err(anyhow::Error::msg)?;
    }
    // The key is opened first: a wrong password stops here, before the store is locked.
    let signing_key = args
        .signing_key
        .as_deref()
        .map(super::certify::signing_key)
        .transpose()?
        .map(std::sync::Arc::new);
    if let Some(key) = &signing_key {
        eprintln!("kho: certified copies are signed as {}", key.subject());
    }
    let oidc = args.oidc.config()?;
    let smtp = match (&args.smtp_url, &args.smtp_from) {
        (Some(url), Some(from)) => {
            Some(search_api::delivery::SmtpConfig::parse(url, from).map_err(crate::UsageError)?)
        }
        _ => None,
    };
    let mut archive = store.open()?;
    archive.set_dossier_check(args.dossier_check.into());
    // Start-up reconciliation (what the catalogue holds and the index does not yet) runs in the
    // server's background, so that health answers at once and ready once it is done.
    let config = search_api::ServerConfig {
        access_log: !args.quiet,
        stop_on_stdin_eof: args.stop_on_eof,
        insecure_cookies: args.insecure_cookies,
        backup_dir: args.backup_dir,
        fixity_bytes_per_second: (args.fixity_rate.max(0.0) * 1024.0 * 1024.0) as u64,
        fixity_pause: std::time::Duration::from_secs(args.fixity_pause),
        follow_every: std::time::Duration::from_secs(args.follow),
        signing_key,
        verify_url: args.verify_url,
        verify_per_minute: args.verify_per_minute,
        trusted_proxy: args.trusted_proxy,
        header_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
        body_timeout: std::time::Duration::from_secs(args.body_timeout.max(1)),
        oidc,
        delivery: search_api::delivery::DeliveryConfig {
            poll: std::time::Duration::from_millis(args.delivery_poll_ms.max(10)),
            max_backoff: std::time::Duration::from_secs(args.delivery_max_backoff.max(1)),
            smtp,
            ..Default::default()
        },
        ..Default::default()
    };
    search_api::serve_blocking(archive, config, args.addr, |bound| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "kho: listening on http://{bound}");
        let _ = out.flush();
    })?;
    tracing::info!("stopped");
    Ok(Outcome::Success)
}
