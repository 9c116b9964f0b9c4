//! Signing in through the national identity provider (OpenID Connect relying party; docs/web.md
//! "Đăng nhập bằng tài khoản định danh điện tử"). `kho serve --oidc-issuer URL --oidc-client-id
//! ID` turns it on.
//!
//! The flow: `GET /login/oidc?next=PATH` remembers a new `state` (also set in a cookie of this
//! browser), a `nonce` and a PKCE verifier ([`pending`]), then sends the browser to the
//! provider's authorization endpoint (scope `openid`, `acr_values`); the provider sends it back
//! to the configured `redirect_uri` (`GET /oidc/callback?code&state`), where the state is taken
//! (once) and compared with the cookie, the code is exchanged (with the verifier and the client
//! secret) for an ID token, and the token is checked ([`provider`]: signature against the
//! provider's JWKS, `iss`, `aud`/`azp`, `exp`, `nonce`, then `acr`). Its claims make a
//! [`schemas::Principal`] ([`claims`]), and `archive-core` decides which account that is
//! (`Archive::sign_in_through_provider`). The web handlers are `web/oidc.rs`.
//!
//! HTTP to the provider is blocking (ureq): it runs on the blocking pool, never on the async
//! threads.

pub mod claims;
pub mod pending;
pub mod provider;

pub use claims::ClaimNames;

/// How `kho serve` signs people in through an identity provider.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// The issuer (its discovery document is `ISSUER/.well-known/openid-configuration`).
    pub issuer: String,
    pub client_id: String,
    /// From `KHO_OIDC_CLIENT_SECRET`; none: a public client (PKCE alone).
    pub client_secret: Option<String>,
    /// Where the provider sends the browser back: fixed here, never taken from a request.
    /// None: `http://ADDRESS/oidc/callback` of the address the server listens on.
    pub redirect_uri: Option<String>,
    /// Accepted assurance levels (`acr`), in order of preference: sent as `acr_values` and the
    /// returned `acr` must be one of them. Empty: none asked, none checked.
    pub acr: Vec<String>,
    pub claims: ClaimNames,
}

impl OidcConfig {
    /// Checks what can be checked before the server starts (the URLs are URLs).
    pub fn check(&self) -> Result<(), String> {
        openidconnect::IssuerUrl::new(self.issuer.clone())
            .map_err(|e| format!("--oidc-issuer {:?} is not a URL: {e}", self.issuer))?;
        if let Some(uri) = &self.redirect_uri {
            openidconnect::RedirectUrl::new(uri.clone())
                .map_err(|e| format!("--oidc-redirect-uri {uri:?} is not a URL: {e}"))?;
        }
        if self.client_id.trim().is_empty() {
            return Err("--oidc-client-id is empty".into());
        }
        Ok(())
    }
}

/// What a running server keeps for OpenID Connect.
pub struct Oidc {
    pub config: OidcConfig,
    /// The fixed redirect URI (the configured one, or the listening address's).
    pub redirect_uri: String,
    pub provider: provider::ProviderCache,
    pub pending: pending::PendingSignIns,
}

impl Oidc {
    pub fn new(config: OidcConfig, listening: std::net::SocketAddr) -> Self {
        let redirect_uri = config
            .redirect_uri
            .clone()
            .unwrap_or_else(|| format!("http://{listening}/oidc/callback"));
        Oidc {
            provider: provider::ProviderCache::new(&config),
            config,
            redirect_uri,
            pending: Default::default(),
        }
    }
}
