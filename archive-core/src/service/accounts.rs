//! Accounts on an admin's behalf, each change in the admin audit trail: users added, disabled,
//! enabled, given a new password; API tokens made and revoked; sessions listed and ended;
//! backups. The trail is made of ledger events (`account`, `backup`) in the same hash chain as
//! the reads, so `kho verify` finds tampering with either; it is filed apart from every
//! owner's ledger and read with [`Archive::audit_trail`]. Hashing passwords and making token
//! secrets belong to `search-api` (`auth`); this stores what it is given.

use super::{LedgerEvents, LedgerPage};
use crate::accounts::{TokenGrant, TokenKind, UserAccount};
use crate::{Archive, ArchiveError, Result};
use schemas::policy::Act;
use schemas::{Action, Caller, NewEvent};
use time::OffsetDateTime;

/// A user's open session as an admin sees it: never its secret, only the first characters of
/// the secret's hash, which name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
}

/// Characters of a session's hash that name it.
const SESSION_ID_CHARS: usize = 16;

impl Archive {
    /// Appends an event to the admin audit trail.
    fn audit(&self, caller: &Caller, action: Action, detail: String) -> Result<()> {
        let mut event = NewEvent::new(action, caller.actor());
        event.detail = Some(detail);
        self.log(&[event]).map(|_| ())
    }

    fn account_of(&self, name: &str) -> Result<UserAccount> {
        self.accounts()
            .user(name.trim())?
            .ok_or_else(|| ArchiveError::NotFound(format!("user {}", name.trim())))
    }

    /// Ends every session of user `name`; how many there were.
    fn end_sessions_of(&self, name: &str) -> Result<usize> {
        self.accounts().remove_tokens(|grant| {
            grant.kind == TokenKind::Session && grant.user.as_deref() == Some(name)
        })
    }

    /// Adds a user (the password hashed by the caller of this).
    pub fn add_user(&self, caller: &Caller, account: &UserAccount) -> Result<()> {
        self.authorize(caller, Act::ManageAccounts, None, "add a user")?;
        self.accounts().add_user(account)?;
        let p = &account.principal;
        let binding = p
            .agency_code
            .as_deref()
            .or(p.owner_id.as_deref())
            .map(|b| format!(", {b}"))
            .unwrap_or_default();
        self.audit(
            caller,
            Action::Account,
            format!("add user {} ({}{binding})", p.name, p.role),
        )
    }

    /// Disables (`disabled`) or enables user `name`. Disabling ends their sessions at once;
    /// returns how many were ended.
    pub fn set_user_disabled(&self, caller: &Caller, name: &str, disabled: bool) -> Result<usize> {
        let verb = if disabled { "disable" } else { "enable" };
        self.authorize(caller, Act::ManageAccounts, None, &format!("{verb} a user"))?;
        let mut account = self.account_of(name)?;
        account.disabled = disabled;
        self.accounts().update_user(&account)?;
        let ended = if disabled {
            self.end_sessions_of(&account.principal.name)?
        } else {
            0
        };
        let name = &account.principal.name;
        self.audit(
            caller,
            Action::Account,
            match disabled {
                true => format!("disable user {name} ({ended} sessions ended)"),
                false => format!("enable user {name}"),
            },
        )?;
        Ok(ended)
    }

    /// Gives user `name` a new password (its argon2id PHC string) and ends their sessions.
    pub fn set_password(
        &self,
        caller: &Caller,
        name: &str,
        password_hash: String,
    ) -> Result<usize> {
        self.authorize(caller, Act::ManageAccounts, None, "change a password")?;
        let mut account = self.account_of(name)?;
        account.password_hash = password_hash;
        self.accounts().update_user(&account)?;
        let ended = self.end_sessions_of(&account.principal.name)?;
        self.audit(
            caller,
            Action::Account,
            format!(
                "new password for user {} ({ended} sessions ended)",
                account.principal.name
            ),
        )?;
        Ok(ended)
    }

    /// Files an API token (under the sha256 of its secret) made by `caller`, who is written
    /// into it: its reads say "made by ...".
    pub fn add_api_token(
        &self,
        caller: &Caller,
        token_sha256: &str,
        mut grant: TokenGrant,
    ) -> Result<TokenGrant> {
        self.authorize(caller, Act::ManageAccounts, None, "create a token")?;
        let actor = caller.actor();
        let day = schemas::iso_date(schemas::today());
        grant.kind = TokenKind::Api;
        grant.made_by = Some(format!("{} {} on {day}", actor.kind_word(), actor.name));
        self.accounts().add_token(token_sha256, &grant)?;
        let expiry = grant
            .expires_at
            .map(|at| format!("expires {}", schemas::iso_date(at.date())))
            .unwrap_or_else(|| "never expires".into());
        let p = &grant.principal;
        self.audit(
            caller,
            Action::Account,
            format!("create token {} ({}; {expiry})", p.name, p.role),
        )?;
        Ok(grant)
    }

    /// Revokes every API token named `name`; how many there were (none: not found).
    pub fn revoke_tokens(&self, caller: &Caller, name: &str) -> Result<usize> {
        self.authorize(caller, Act::ManageAccounts, None, "revoke a token")?;
        let name = name.trim();
        let revoked = self
            .accounts()
            .remove_tokens(|grant| grant.kind == TokenKind::Api && grant.principal.name == name)?;
        if revoked == 0 {
            return Err(ArchiveError::NotFound(format!("token {name}")));
        }
        self.audit(
            caller,
            Action::Account,
            format!("revoke token {name} ({revoked} revoked)"),
        )?;
        Ok(revoked)
    }

    /// The open sessions of user `name`, oldest first.
    pub fn user_sessions(&self, caller: &Caller, name: &str) -> Result<Vec<SessionInfo>> {
        self.authorize(caller, Act::ManageAccounts, None, "list sessions")?;
        let account = self.account_of(name)?;
        let now = OffsetDateTime::now_utc();
        let mut sessions: Vec<SessionInfo> = self
            .accounts()
            .all_tokens()?
            .into_iter()
            .filter(|(_, g)| {
                g.kind == TokenKind::Session
                    && g.user.as_deref() == Some(account.principal.name.as_str())
                    && g.expires_at.is_none_or(|at| at > now)
            })
            .map(|(hash, g)| SessionInfo {
                id: hash.chars().take(SESSION_ID_CHARS).collect(),
                created_at: g.created_at,
                expires_at: g.expires_at,
            })
            .collect();
        sessions.sort_by_key(|s| s.created_at);
        Ok(sessions)
    }

    /// Ends one session of user `name` (its id from [`Archive::user_sessions`]).
    pub fn end_user_session(&self, caller: &Caller, name: &str, id: &str) -> Result<()> {
        self.authorize(caller, Act::ManageAccounts, None, "end a session")?;
        let account = self.account_of(name)?;
        let id = id.trim().to_ascii_lowercase();
        if id.len() != SESSION_ID_CHARS {
            return Err(ArchiveError::NotFound(format!("session {id}")));
        }
        let user = account.principal.name.as_str();
        let hashes: Vec<String> = self
            .accounts()
            .all_tokens()?
            .into_iter()
            .filter(|(hash, g)| {
                g.kind == TokenKind::Session
                    && g.user.as_deref() == Some(user)
                    && hash.starts_with(&id)
            })
            .map(|(hash, _)| hash)
            .collect();
        if hashes.is_empty() {
            return Err(ArchiveError::NotFound(format!(
                "session {id} of user {user}"
            )));
        }
        for hash in &hashes {
            self.accounts().remove_token(hash)?;
        }
        self.audit(
            caller,
            Action::Account,
            format!("end session {id} of user {user}"),
        )
    }

    /// Records a backup made by `caller` (`detail`: where, what it holds).
    pub fn record_backup(&self, caller: &Caller, detail: String) -> Result<()> {
        self.authorize(caller, Act::Backup, None, "make a backup")?;
        self.audit(caller, Action::Backup, detail)
    }

    /// The admin audit trail: account changes and backups, oldest first. For admins.
    pub fn audit_trail(&self, caller: &Caller, page: LedgerPage) -> Result<LedgerEvents> {
        self.authorize(caller, Act::ManageAccounts, None, "see the audit trail")?;
        let events = self.catalog.audit_events(page.after, page.limit)?;
        Ok(LedgerEvents::of(events, page))
    }
}
