//! Users and API tokens, kept in the catalogue's sled database next to the ledger they act on.
//!
//! Trees: `users` (user name -> [`UserAccount`]), `tokens` (sha256 hex of the token ->
//! [`TokenGrant`]) and `provider_links` (an identity provider's issuer and subject ->
//! [`ProviderLink`]: which account a person signing in through OpenID Connect is). This module stores what it is given: hashing passwords (argon2id) and
//! tokens, and deciding what a role may do, belong to `search-api`. A token's secret is never
//! stored, only its hash.

use crate::catalog::codec::{decode, encode};
use crate::{ArchiveError, Result};
use schemas::Principal;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct UserAccount {
    pub principal: Principal,
    /// A PHC string (`$argon2id$...`).
    pub password_hash: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default)]
    pub disabled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// Made by `kho token create` for a program; lasts until revoked or its expiry.
    Api,
    /// Made by a login with user name and password; short-lived.
    Session,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TokenGrant {
    pub principal: Principal,
    pub kind: TokenKind,
    /// For a session, the user it belongs to.
    #[serde(default)]
    pub user: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub expires_at: Option<OffsetDateTime>,
    /// For an API token, who made it and when ("admin quantri on 2026-12-05"), shown beside
    /// its name wherever its reads appear.
    #[serde(default)]
    pub made_by: Option<String>,
    /// For a session opened through an identity provider: what signing out there needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderSession>,
}

/// The provider's side of a session opened through OpenID Connect: the ID token (sent back as
/// `id_token_hint` when the user signs out, so that the provider ends its session too) and the
/// provider's session id `sid` (its front-channel logout names it).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ProviderSession {
    pub issuer: String,
    pub id_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// A person of an identity provider (issuer + subject) bound to a kho account, made at their
/// first sign-in; the same person signing in again is the same account.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ProviderLink {
    pub issuer: String,
    pub subject: String,
    pub user: String,
    #[serde(with = "time::serde::rfc3339")]
    pub linked_at: OffsetDateTime,
}

/// The key of a link: issuer and subject, which no URL or subject contains (a NUL between).
fn link_key(issuer: &str, subject: &str) -> Vec<u8> {
    [issuer.as_bytes(), b"\0", subject.as_bytes()].concat()
}

pub struct Accounts {
    users: sled::Tree,
    tokens: sled::Tree,
    provider_links: sled::Tree,
    path: PathBuf,
}

impl Accounts {
    pub(crate) fn new(
        users: sled::Tree,
        tokens: sled::Tree,
        provider_links: sled::Tree,
        path: &Path,
    ) -> Self {
        Accounts {
            users,
            tokens,
            provider_links,
            path: path.to_path_buf(),
        }
    }

    /// The account a provider's person is bound to, if they signed in before.
    pub fn provider_link(&self, issuer: &str, subject: &str) -> Result<Option<ProviderLink>> {
        match self
            .provider_links
            .get(link_key(issuer, subject))
            .map_err(self.err())?
        {
            Some(bytes) => Ok(Some(decode("provider link", &bytes)?)),
            None => Ok(None),
        }
    }

    /// Binds a provider's person to an account (the service checks the account first).
    pub(crate) fn add_provider_link(&self, link: &ProviderLink) -> Result<()> {
        self.provider_links
            .insert(link_key(&link.issuer, &link.subject), encode(link)?)
            .map_err(self.err())?;
        self.flush()
    }

    /// Ends every session opened through `issuer` whose provider session is `sid` (the
    /// provider's front-channel logout); returns how many.
    pub fn end_provider_sessions(&self, issuer: &str, sid: &str) -> Result<usize> {
        self.remove_tokens(|grant| {
            grant
                .provider
                .as_ref()
                .is_some_and(|p| p.issuer == issuer && p.sid.as_deref() == Some(sid))
        })
    }

    fn err(&self) -> impl Fn(sled::Error) -> ArchiveError + '_ {
        |source| ArchiveError::Catalog {
            path: self.path.clone(),
            source,
        }
    }

    /// Makes the change durable. Flushing a tree flushes the whole database (one fsync).
    fn flush(&self) -> Result<()> {
        self.users.flush().map(|_| ()).map_err(self.err())
    }

    /// Adds a user; a name already taken is refused, and so is one that differs from a taken
    /// name only by case ("Lan" beside "lan"): people read them as one, and the ledger names
    /// readers by name. (Accounts are made by an admin, one at a time: the scan is small.)
    pub fn add_user(&self, account: &UserAccount) -> Result<()> {
        let wanted = account.principal.name.to_lowercase();
        for item in self.users.iter() {
            let (key, _) = item.map_err(self.err())?;
            let taken = String::from_utf8_lossy(&key);
            if taken.to_lowercase() == wanted && *taken != account.principal.name {
                return Err(ArchiveError::Conflict(
                    schemas::messages::Message::new(&schemas::messages::CONFLICT_USER_CASE)
                        .with("taken", &taken),
                ));
            }
        }
        let name = account.principal.name.as_bytes();
        let swapped = self
            .users
            .compare_and_swap(name, None as Option<&[u8]>, Some(encode(account)?))
            .map_err(self.err())?;
        if swapped.is_err() {
            return Err(ArchiveError::Conflict(
                schemas::messages::Message::new(&schemas::messages::CONFLICT_USER_EXISTS)
                    .with("name", &account.principal.name),
            ));
        }
        self.flush()
    }

    /// Replaces a user's stored account (a new password, disabled).
    pub fn update_user(&self, account: &UserAccount) -> Result<()> {
        let name = account.principal.name.as_bytes();
        if self.users.get(name).map_err(self.err())?.is_none() {
            return Err(ArchiveError::NotFound(format!(
                "user {}",
                account.principal.name
            )));
        }
        self.users
            .insert(name, encode(account)?)
            .map_err(self.err())?;
        self.flush()
    }

    pub fn user(&self, name: &str) -> Result<Option<UserAccount>> {
        match self.users.get(name.as_bytes()).map_err(self.err())? {
            Some(bytes) => Ok(Some(decode(&format!("user {name}"), &bytes)?)),
            None => Ok(None),
        }
    }

    pub fn users(&self) -> Result<Vec<UserAccount>> {
        self.users
            .iter()
            .map(|item| {
                let (key, bytes) = item.map_err(self.err())?;
                decode(&format!("user {}", String::from_utf8_lossy(&key)), &bytes)
            })
            .collect()
    }

    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    /// Files a token under the sha256 (hex) of its secret.
    pub fn add_token(&self, token_sha256: &str, grant: &TokenGrant) -> Result<()> {
        self.tokens
            .insert(token_sha256.as_bytes(), encode(grant)?)
            .map_err(self.err())?;
        self.flush()
    }

    /// The grant of a token, if it exists and has not expired at `now`. An expired token is
    /// removed when it is met.
    pub fn token(&self, token_sha256: &str, now: OffsetDateTime) -> Result<Option<TokenGrant>> {
        let Some(bytes) = self
            .tokens
            .get(token_sha256.as_bytes())
            .map_err(self.err())?
        else {
            return Ok(None);
        };
        let grant: TokenGrant = decode("token", &bytes)?;
        if grant.expires_at.is_some_and(|at| at <= now) {
            self.tokens
                .remove(token_sha256.as_bytes())
                .map_err(self.err())?;
            return Ok(None);
        }
        Ok(Some(grant))
    }

    /// Removes every token `remove` picks; returns how many it picked. Expired tokens met on
    /// the way are removed too (not counted).
    pub(crate) fn remove_tokens(&self, remove: impl Fn(&TokenGrant) -> bool) -> Result<usize> {
        let now = OffsetDateTime::now_utc();
        let mut removed = 0;
        for (hash, grant) in self.all_tokens()? {
            let picked = remove(&grant);
            if picked || grant.expires_at.is_some_and(|at| at <= now) {
                self.tokens.remove(hash.as_bytes()).map_err(self.err())?;
                removed += usize::from(picked);
            }
        }
        self.flush()?;
        Ok(removed)
    }

    /// Every token, with the sha256 of its secret.
    pub(crate) fn all_tokens(&self) -> Result<Vec<(String, TokenGrant)>> {
        self.tokens
            .iter()
            .map(|item| {
                let (key, bytes) = item.map_err(self.err())?;
                Ok((
                    String::from_utf8_lossy(&key).into_owned(),
                    decode("token", &bytes)?,
                ))
            })
            .collect()
    }

    /// Removes a token (a logout); removing one that is not there is not an error.
    pub fn remove_token(&self, token_sha256: &str) -> Result<()> {
        self.tokens
            .remove(token_sha256.as_bytes())
            .map_err(self.err())?;
        self.flush()
    }
}
