//! Who is calling: users with argon2id-hashed passwords, bearer tokens stored as sha256 hashes,
//! short-lived login sessions, and a throttle on password guessing.
//!
//! The `kho` binary calls [`add_user`] and [`create_token`]; the HTTP layer calls [`login`] and
//! [`authenticate`]s each request's token into the [`schemas::Caller`] that the services of
//! `archive-core` take (the extractors are in [`crate::extract`] and [`crate::web`]).

use archive_core::accounts::{TokenGrant, TokenKind, UserAccount};
use archive_core::{Archive, ArchiveError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use schemas::{Caller, Credential, Principal};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// How long a login session lasts.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);
const TOKEN_PREFIX: &str = "kho_";

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    Rule(String),
    #[error(transparent)]
    Store(#[from] ArchiveError),
}

fn random_hex(bytes: usize) -> Result<String, AuthError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| AuthError::Rule(format!("the system gave no random bytes: {e}")))?;
    Ok(hex::encode(buf))
}

/// sha256 (hex) of a token: what the store keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn hash_password(password: &str) -> Result<String, AuthError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AuthError::Rule(format!(
            "a password has at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| AuthError::Rule(format!("the system gave no random bytes: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AuthError::Rule(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Rule(format!("cannot hash the password: {e}")))
}

fn password_matches(stored_hash: &str, password: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Adds a user (`kho user add`, `POST /api/v1/users`).
pub fn add_user(archive: &Archive, principal: Principal, password: &str) -> Result<(), AuthError> {
    let account = UserAccount {
        principal,
        password_hash: hash_password(password)?,
        created_at: OffsetDateTime::now_utc(),
        disabled: false,
    };
    archive.accounts().add_user(&account)?;
    Ok(())
}

/// Makes a token for `principal` and returns it; only its hash is stored, so this is the one
/// time it can be read.
pub fn create_token(
    archive: &Archive,
    principal: Principal,
    kind: TokenKind,
    user: Option<String>,
    ttl: Option<Duration>,
) -> Result<(String, TokenGrant), AuthError> {
    let token = format!("{TOKEN_PREFIX}{}", random_hex(32)?);
    let now = OffsetDateTime::now_utc();
    let grant = TokenGrant {
        principal,
        kind,
        user,
        created_at: now,
        expires_at: ttl.map(|ttl| now + ttl),
    };
    archive.accounts().add_token(&token_hash(&token), &grant)?;
    Ok((token, grant))
}

/// Checks a user name and password and opens a session. The same answer for an unknown user
/// and a wrong password, and the same work (a hash is verified either way), so that user names
/// cannot be probed.
pub fn login(
    archive: &Archive,
    username: &str,
    password: &str,
) -> Result<Option<(String, TokenGrant)>, AuthError> {
    // The hash of a random password, verified when the user does not exist.
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let decoy = DECOY.get_or_init(|| {
        random_hex(16)
            .and_then(|p| hash_password(&p))
            .unwrap_or_default()
    });
    let account = archive.accounts().user(username.trim())?;
    let hash = account
        .as_ref()
        .map_or(decoy.as_str(), |a| a.password_hash.as_str());
    let matches = password_matches(hash, password);
    match account {
        Some(account) if matches && !account.disabled => {
            let name = account.principal.name.clone();
            create_token(
                archive,
                account.principal,
                TokenKind::Session,
                Some(name),
                Some(SESSION_TTL),
            )
            .map(Some)
        }
        _ => Ok(None),
    }
}

/// Failed logins per user name: after [`Throttle::MAX_FAILURES`] within the window, that name is
/// refused for the rest of the window whatever the password.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    pub const MAX_FAILURES: u32 = 5;
    pub const WINDOW: Duration = Duration::from_secs(300);

    /// Seconds to wait before trying this name again, if it is locked.
    pub fn locked_for(&self, username: &str) -> Option<u64> {
        let failures = self.failures.lock().ok()?;
        let (count, since) = failures.get(&username.to_lowercase())?;
        let left = Self::WINDOW.checked_sub(since.elapsed())?;
        (*count >= Self::MAX_FAILURES).then(|| left.as_secs().max(1))
    }

    pub fn failed(&self, username: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            // Forget old windows so that the map cannot grow without bound.
            if failures.len() > 100_000 {
                failures.retain(|_, (_, since)| since.elapsed() < Self::WINDOW);
            }
            let entry = failures
                .entry(username.to_lowercase())
                .or_insert((0, Instant::now()));
            if entry.1.elapsed() >= Self::WINDOW {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        }
    }

    pub fn succeeded(&self, username: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&username.to_lowercase());
        }
    }
}

/// A request's authenticated caller, with the hash of the token it came with (a logout ends
/// that session).
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub caller: Caller,
    pub token_hash: String,
}

/// The caller a token (from the `Authorization` header or the web UI's session cookie) stands
/// for, if it is one of ours and has not expired.
pub fn authenticate(archive: &Archive, token: &str) -> Result<Option<Authenticated>, ArchiveError> {
    let token = token.trim();
    if !token.starts_with(TOKEN_PREFIX) || token.len() >= 200 {
        return Ok(None);
    }
    let hash = token_hash(token);
    let Some(grant) = archive.accounts().token(&hash, OffsetDateTime::now_utc())? else {
        return Ok(None);
    };
    let credential = match grant.kind {
        TokenKind::Api => Credential::ApiToken,
        TokenKind::Session => Credential::Session,
    };
    Ok(Some(Authenticated {
        caller: Caller::signed_in(grant.principal, credential),
        token_hash: hash,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("mật khẩu dài đủ").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(password_matches(&hash, "mật khẩu dài đủ"));
        assert!(!password_matches(&hash, "mat khau dai du"));
        assert!(!password_matches("not a hash", "x"));
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn the_throttle_locks_after_repeated_failures() {
        let throttle = Throttle::default();
        for _ in 0..Throttle::MAX_FAILURES - 1 {
            throttle.failed("An");
        }
        assert_eq!(throttle.locked_for("an"), None);
        throttle.failed("an");
        assert!(throttle.locked_for("AN").is_some());
        throttle.succeeded("an");
        assert_eq!(throttle.locked_for("an"), None);
    }
}
