//! Who is calling: users with argon2id-hashed passwords, bearer tokens stored as sha256 hashes,
//! short-lived login sessions (the throttle on password guessing is [`crate::throttle`]).
//!
//! The `kho` binary calls [`add_user`] and [`create_api_token`]; the HTTP layer calls [`login`] and
//! [`authenticate`]s each request's token into the [`schemas::Caller`] that the services of
//! `archive-core` take (the extractors are in [`crate::extract`] and [`crate::web`]).

use archive_core::accounts::{ProviderSession, TokenGrant, TokenKind, UserAccount};
use archive_core::{Archive, ArchiveError};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use schemas::{Caller, Credential, Principal};
use sha2::{Digest, Sha256};
use std::time::Duration;
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

/// The passwords refused as too common (search-api/data/common-passwords.txt), compared as
/// [`password_seen`] makes them.
fn common_passwords() -> &'static std::collections::HashSet<String> {
    static LIST: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../data/common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(password_seen)
            .collect()
    })
}

/// A password as a guesser varies it: without diacritics (đ as d), case or spaces.
fn password_seen(password: &str) -> String {
    schemas::fold(password)
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The password rule: at least [`MIN_PASSWORD_CHARS`] characters, at least 4 different ones,
/// not the user's name (with digits after it), not on the list of the most common passwords (as written, or without
/// diacritics, case and spaces). Each refusal says which rule it broke.
pub fn check_password(user: &str, password: &str) -> Result<(), AuthError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AuthError::Rule(format!(
            "a password has at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    let seen = password_seen(password);
    let distinct: std::collections::HashSet<char> = seen.chars().collect();
    if distinct.len() < 4 {
        return Err(AuthError::Rule(
            "a password has at least 4 different characters".into(),
        ));
    }
    let name = password_seen(user);
    if seen.strip_prefix(&name).is_some_and(|rest| {
        rest.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation())
    }) {
        return Err(AuthError::Rule(
            "a password must not be the user name (with digits after it)".into(),
        ));
    }
    if common_passwords().contains(&seen) {
        return Err(AuthError::Rule(
            "this password is one of the most common ones, which are tried first; choose another"
                .into(),
        ));
    }
    Ok(())
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

/// Adds a user (`kho user add`, `POST /api/v1/users`) on behalf of `caller` (an admin, at the
/// console or over HTTP), after the password rule ([`check_password`]).
pub fn add_user(
    archive: &Archive,
    caller: &Caller,
    principal: Principal,
    password: &str,
) -> Result<(), AuthError> {
    check_password(&principal.name, password)?;
    let account = UserAccount {
        principal,
        password_hash: hash_password(password)?,
        created_at: OffsetDateTime::now_utc(),
        disabled: false,
    };
    archive.add_user(caller, &account)?;
    Ok(())
}

/// Gives user `name` a new password (after the password rule) and ends their sessions; returns
/// how many were ended (`kho user password`, `POST /api/v1/users/{name}/password`).
pub fn set_password(
    archive: &Archive,
    caller: &Caller,
    name: &str,
    password: &str,
) -> Result<usize, AuthError> {
    check_password(name, password)?;
    Ok(archive.set_password(caller, name, hash_password(password)?)?)
}

/// How long an API token lasts unless its maker says otherwise.
pub const DEFAULT_TOKEN_DAYS: u32 = 365;

/// Makes an API token for `principal`, lasting `days` (none: never expires), on behalf of
/// `caller` (an admin), and returns it; only its hash is stored, so this is the one time it can
/// be read. The token remembers who made it.
pub fn create_api_token(
    archive: &Archive,
    caller: &Caller,
    principal: Principal,
    days: Option<u32>,
) -> Result<(String, TokenGrant), AuthError> {
    let token = format!("{TOKEN_PREFIX}{}", random_hex(32)?);
    let now = OffsetDateTime::now_utc();
    let grant = TokenGrant {
        principal,
        kind: TokenKind::Api,
        user: None,
        created_at: now,
        expires_at: days.map(|d| now + Duration::from_secs(u64::from(d.clamp(1, 3650)) * 86_400)),
        made_by: None,
        provider: None,
    };
    let grant = archive.add_api_token(caller, &token_hash(&token), grant)?;
    Ok((token, grant))
}

/// Opens a session for a user who has just proved who they are (with a password, or through
/// an identity provider: `provider`); the token is returned once.
pub(crate) fn open_session(
    archive: &Archive,
    account: UserAccount,
    provider: Option<ProviderSession>,
) -> Result<(String, TokenGrant), AuthError> {
    let token = format!("{TOKEN_PREFIX}{}", random_hex(32)?);
    let now = OffsetDateTime::now_utc();
    let grant = TokenGrant {
        user: Some(account.principal.name.clone()),
        principal: account.principal,
        kind: TokenKind::Session,
        created_at: now,
        expires_at: Some(now + SESSION_TTL),
        made_by: None,
        provider,
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
            open_session(archive, account, None).map(Some)
        }
        _ => Ok(None),
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
    let caller = match grant.kind {
        TokenKind::Api => Caller::token_made_by(grant.principal, grant.made_by),
        TokenKind::Session => {
            // A disabled (or removed) user's sessions end at once, even one opened before.
            let user = grant.user.as_deref().unwrap_or(&grant.principal.name);
            match archive.accounts().user(user)? {
                Some(account) if !account.disabled => {
                    Caller::signed_in(grant.principal, Credential::Session)
                }
                _ => return Ok(None),
            }
        }
    };
    Ok(Some(Authenticated {
        caller,
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
    fn common_and_weak_passwords_are_refused_with_the_rule_they_break() {
        let refused = |user: &str, password: &str| match check_password(user, password) {
            Err(AuthError::Rule(rule)) => rule,
            other => panic!("{password:?} passed: {other:?}"),
        };
        assert!(refused("an", "ngắn").contains("at least 10"));
        assert!(refused("an", "aaaaabbbbbaaaa").contains("4 different"));
        assert!(refused("nguyenvana", "Nguyễn Văn A 2026").contains("user name"));
        for common in [
            "1234567890",
            "QWERTYUIOP",
            "Mật khẩu 123",
            "matkhau@123",
            "P@ssw0rd12",
        ] {
            assert!(refused("canbo", common).contains("most common"), "{common}");
        }
        assert!(common_passwords().len() >= 90);
        check_password("canbo", "một mật khẩu đủ dài 2026").unwrap();
    }
}
