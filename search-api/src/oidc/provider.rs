//! The provider as kho talks to it: discovery (cached, read again after
//! [`REDISCOVER_AFTER`] or when a token names a key the cached JWKS lacks: key rotation), the
//! authorization URL, the code exchange and every check of the ID token, and the URL of
//! RP-initiated logout. All of it is blocking HTTP (ureq): call it on the blocking pool.

use super::OidcConfig;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AuthenticationContextClass, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, LogoutRequest, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout,
    RedirectUrl, TokenResponse,
};
use schemas::messages::{self as m, Message};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The discovery document and keys are read again after this long.
pub const REDISCOVER_AFTER: Duration = Duration::from_secs(15 * 60);
/// Keys read again for an unknown key id at most this often.
const MIN_REDISCOVERY_GAP: Duration = Duration::from_secs(60);
/// Longest wait for the provider (discovery, keys, token).
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// Signatures accepted on ID tokens: public-key ones only. `none` and the HMAC algorithms
/// (keyed with the client secret, which kho's operators also hold) are refused.
const ALGORITHMS: [CoreJwsSigningAlgorithm; 7] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EdDsa,
];

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A provider as discovered.
pub struct Provider {
    client: Client,
    end_session: Option<EndSessionUrl>,
    http: openidconnect::ureq::Agent,
    discovered: Instant,
}

/// A sign-in started: where to send the browser, and what its callback must match.
pub struct Started {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// An ID token whose signature, issuer, audience, expiry and nonce were checked.
#[derive(Debug)]
pub struct Verified {
    pub issuer: String,
    pub subject: String,
    pub acr: Option<String>,
    pub sid: Option<String>,
    /// Every claim of the (checked) token, for the configured claims.
    pub claims: serde_json::Map<String, serde_json::Value>,
    /// The token as received: the `id_token_hint` of a logout.
    pub id_token: String,
}

/// The discovered provider, shared by every request.
pub struct ProviderCache {
    current: Mutex<Option<Arc<Provider>>>,
}

impl ProviderCache {
    pub fn new(_config: &OidcConfig) -> Self {
        ProviderCache {
            current: Mutex::new(None),
        }
    }

    /// The provider, discovered if the cached one is missing, old, or `stale` (forced). A
    /// provider that cannot be reached leaves the cached one in use.
    pub fn get(
        &self,
        config: &OidcConfig,
        redirect_uri: &str,
        stale: bool,
    ) -> Result<Arc<Provider>, Message> {
        let cached = self
            .current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let Some(provider) = &cached {
            let age = provider.discovered.elapsed();
            // Forced at most once a minute: forged tokens naming unknown keys cannot make kho
            // hammer the provider.
            if age < REDISCOVER_AFTER && (!stale || age < MIN_REDISCOVERY_GAP) {
                return Ok(provider.clone());
            }
        }
        match discover(config, redirect_uri) {
            Ok(provider) => {
                let provider = Arc::new(provider);
                *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(provider.clone());
                Ok(provider)
            }
            Err(message) => match cached {
                Some(provider) => {
                    tracing::warn!(issuer = %config.issuer, error = %message.render(schemas::Lang::En), "identity provider not reached again; its cached keys stay in use");
                    Ok(provider)
                }
                None => Err(message),
            },
        }
    }
}

fn unreachable(config: &OidcConfig, why: impl std::fmt::Display) -> Message {
    Message::new(&m::OIDC_PROVIDER_UNREACHABLE)
        .with("issuer", &config.issuer)
        .with("why", why)
}

/// An error with its causes, as the library gave them.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn discover(config: &OidcConfig, redirect_uri: &str) -> Result<Provider, Message> {
    // No redirects: a provider's answer that points elsewhere is not followed (SSRF).
    let http = openidconnect::ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(HTTP_TIMEOUT)
        .build();
    let issuer = IssuerUrl::new(config.issuer.clone()).map_err(|e| unreachable(config, e))?;
    let metadata = ProviderMetadataWithLogout::discover(&issuer, &http)
        .map_err(|e| unreachable(config, chain(&e)))?;
    let end_session = metadata.additional_metadata().end_session_endpoint.clone();
    let redirect =
        RedirectUrl::new(redirect_uri.to_string()).map_err(|e| unreachable(config, e))?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(config.client_id.clone()),
        config.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(redirect);
    Ok(Provider {
        client,
        end_session,
        http,
        discovered: Instant::now(),
    })
}

impl Provider {
    /// A new sign-in: a fresh `state`, `nonce` and PKCE verifier (S256), and the provider's
    /// authorization URL asking for them (scope `openid`, `acr_values` when configured).
    pub fn start(&self, acr: &[String]) -> Started {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for level in acr {
            request =
                request.add_auth_context_value(AuthenticationContextClass::new(level.clone()));
        }
        let (url, state, nonce) = request.url();
        Started {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        }
    }

    /// Exchanges the code (with the PKCE verifier and the client's secret) for tokens.
    pub fn exchange(&self, code: &str, pkce_verifier: &str) -> Result<CoreIdToken, Message> {
        let exchange_failed = |why: String| Message::new(&m::OIDC_TOKEN_EXCHANGE).with("why", why);
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| exchange_failed(chain(&e)))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request(&self.http)
            .map_err(|e| match e {
                // An answer that is no token response (an ID token that is no JWT) is a bad
                // token, not a provider out of reach.
                openidconnect::RequestTokenError::Parse(..) => invalid(chain(&e)),
                e => exchange_failed(chain(&e)),
            })?;
        response
            .id_token()
            .cloned()
            .ok_or_else(|| invalid("the token response has no id_token"))
    }

    /// Checks an ID token: signature against the provider's keys (public-key algorithms only),
    /// `iss`, `aud` (and `azp`), `exp`, and the `nonce` of this sign-in. `Err(None)` when no
    /// key of the cached set matches: the caller reads the keys again and retries once.
    pub fn verify(&self, token: &CoreIdToken, nonce: &str) -> Result<Verified, Option<Message>> {
        use openidconnect::{ClaimsVerificationError as C, SignatureVerificationError as S};
        let verifier = self.client.id_token_verifier().set_allowed_algs(ALGORITHMS);
        let claims = match token.claims(&verifier, &Nonce::new(nonce.to_string())) {
            Ok(claims) => claims,
            Err(C::SignatureVerification(S::NoMatchingKey)) => return Err(None),
            Err(e) => return Err(Some(invalid(chain(&e)))),
        };
        let raw = token.to_string();
        let all = payload_of(&raw).ok_or_else(|| Some(invalid("unreadable claims")))?;
        Ok(Verified {
            issuer: claims.issuer().as_str().to_string(),
            subject: claims.subject().as_str().to_string(),
            acr: claims.auth_context_ref().map(|a| a.as_str().to_string()),
            sid: all.get("sid").and_then(|v| v.as_str()).map(str::to_string),
            claims: all,
            id_token: raw,
        })
    }

    /// Where to send the browser so that the provider ends its session too (RP-initiated
    /// logout), if it has an `end_session_endpoint`; it sends the browser back to
    /// `post_logout`.
    pub fn logout_url(&self, id_token: &str, post_logout: &str) -> Option<String> {
        let endpoint = self.end_session.clone()?;
        let token: CoreIdToken = id_token.parse().ok()?;
        let mut request = LogoutRequest::from(endpoint)
            .set_id_token_hint(&token)
            .set_client_id(self.client.client_id().clone());
        if let Ok(back) = PostLogoutRedirectUrl::new(post_logout.to_string()) {
            request = request.set_post_logout_redirect_uri(back);
        }
        Some(request.http_get_url().to_string())
    }
}

fn invalid(why: impl std::fmt::Display) -> Message {
    Message::new(&m::OIDC_TOKEN_INVALID).with("why", why)
}

/// The claims of a token that failed its checks: who it claims to be, to be recorded as such,
/// never believed.
pub fn unverified_claims(jwt: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    payload_of(jwt)
}

/// The claims of a JWT (its second part), for the configured claims the library's types do not
/// name. Only called on a token already checked.
fn payload_of(jwt: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    use base64::Engine;
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Checks a whole sign-in's token with the cached keys, and once more with keys read again
/// when none matched (the provider rotated its keys).
pub fn verify_with_rotation(
    cache: &ProviderCache,
    config: &OidcConfig,
    redirect_uri: &str,
    provider: &Provider,
    token: &CoreIdToken,
    nonce: &str,
) -> Result<Verified, Message> {
    match provider.verify(token, nonce) {
        Ok(verified) => Ok(verified),
        Err(Some(message)) => Err(message),
        Err(None) => {
            let fresh = cache.get(config, redirect_uri, true)?;
            fresh.verify(token, nonce).map_err(|e| {
                e.unwrap_or_else(|| invalid("no key of the provider matches the token's signature"))
            })
        }
    }
}
