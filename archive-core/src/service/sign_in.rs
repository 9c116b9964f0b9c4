//! Signing in through an identity provider (OpenID Connect): the person the provider vouched
//! for becomes a kho account, made at their first sign-in and bound to them (issuer + subject)
//! so that the same person signing in again is the same account.
//!
//! `search-api` checks the ID token (signature, issuer, audience, expiry, nonce, assurance
//! level) and reads the claims into a [`Principal`]; this decides which account it is and
//! writes what the ledger must know: a new account in the admin audit trail, a refused sign-in
//! in the owner's ledger where an owner is concerned.

use super::Aim;
use crate::accounts::{ProviderLink, UserAccount};
use crate::{Archive, Result};
use schemas::messages::{self as m, Message};
use schemas::{Action, Caller, Credential, NewEvent, Principal, Role};
use time::OffsetDateTime;

/// Who the provider says signed in, its token checked.
#[derive(Debug, Clone)]
pub struct ProviderIdentity {
    pub issuer: String,
    pub subject: String,
    /// The account wanted: a citizen bound to the personal ID of the claim, or staff with the
    /// role and agency of theirs.
    pub principal: Principal,
}

/// The outcome of a sign-in through a provider.
#[derive(Debug)]
pub enum ProviderSignIn {
    /// The account to open a session for (made now at a first sign-in).
    Account(UserAccount),
    /// Refused: why (the refusal is in the ledger).
    Refused(Message),
}

impl Archive {
    /// The account of a person the provider vouched for: the one bound to them, else a new one
    /// (bound now). A citizen's account keeps the personal ID it was made with (a different one
    /// for the same person is refused, not followed); a staff account takes the role and agency
    /// of each sign-in's claims. An account that is not a provider's (it has a password) is
    /// never taken over.
    pub fn sign_in_through_provider(&self, who: &ProviderIdentity) -> Result<ProviderSignIn> {
        self.sign_in_as(who, true)
    }

    fn sign_in_as(&self, who: &ProviderIdentity, retry: bool) -> Result<ProviderSignIn> {
        let accounts = self.accounts();
        let wanted = &who.principal;
        let linked = accounts.provider_link(&who.issuer, &who.subject)?;
        let name = linked
            .as_ref()
            .map_or(wanted.name.as_str(), |l| l.user.as_str());
        let existing = accounts.user(name)?;
        let refused = |message: Message| -> Result<ProviderSignIn> {
            self.record_refused_sign_in(who, &message)?;
            Ok(ProviderSignIn::Refused(message))
        };
        let Some(mut account) = existing else {
            return match self.first_sign_in(who) {
                Ok(account) => Ok(ProviderSignIn::Account(account)),
                // The same person's other sign-in (a second tab, a double click) made it
                // first: theirs is the account, and this finds it now.
                Err(crate::ArchiveError::Conflict(_)) if retry => self.sign_in_as(who, false),
                Err(e) => Err(e),
            };
        };
        if linked.is_none() && !account.password_hash.is_empty() {
            return refused(Message::new(&m::OIDC_NAME_TAKEN).with("user", name));
        }
        if account.disabled {
            return refused(Message::new(&m::OIDC_ACCOUNT_DISABLED).with("user", name));
        }
        let bound = &account.principal;
        if bound.role == Role::Citizen || wanted.role == Role::Citizen {
            if bound.owner_id != wanted.owner_id {
                return refused(
                    Message::new(&m::OIDC_IDENTITY_CHANGED)
                        .with("user", name)
                        .with("bound", bound.owner_id.as_deref().unwrap_or("-"))
                        .with("got", wanted.owner_id.as_deref().unwrap_or("-")),
                );
            }
        } else if bound.role != wanted.role || bound.agency_code != wanted.agency_code {
            // Staff: the provider is the authority on role and agency.
            let before = format!("{} {:?}", bound.role, bound.agency_code);
            account.principal.role = wanted.role;
            account.principal.agency_code = wanted.agency_code.clone();
            accounts.update_user(&account)?;
            self.audit_sign_in(
                &account,
                format!(
                    "user {name}: role and agency from {} changed from {before} to {} {:?}",
                    who.issuer, wanted.role, wanted.agency_code
                ),
            )?;
        }
        if linked.is_none() {
            self.link(who, name)?;
        }
        Ok(ProviderSignIn::Account(account))
    }

    /// Makes the account of a person's first sign-in (no password: only the provider opens
    /// it), binds it to them, and says so in the admin audit trail.
    fn first_sign_in(&self, who: &ProviderIdentity) -> Result<UserAccount> {
        let account = UserAccount {
            principal: who.principal.clone(),
            password_hash: String::new(),
            created_at: OffsetDateTime::now_utc(),
            disabled: false,
        };
        self.accounts().add_user(&account)?;
        self.link(who, &account.principal.name)?;
        let p = &account.principal;
        let binding = p
            .owner_id
            .as_deref()
            .or(p.agency_code.as_deref())
            .map(|b| format!(", {b}"))
            .unwrap_or_default();
        self.audit_sign_in(
            &account,
            format!(
                "add user {} ({}{binding}) at the first sign-in through {}",
                p.name, p.role, who.issuer
            ),
        )?;
        Ok(account)
    }

    fn link(&self, who: &ProviderIdentity, user: &str) -> Result<()> {
        self.accounts().add_provider_link(&ProviderLink {
            issuer: who.issuer.clone(),
            subject: who.subject.clone(),
            user: user.to_string(),
            linked_at: OffsetDateTime::now_utc(),
        })
    }

    fn audit_sign_in(&self, account: &UserAccount, detail: String) -> Result<()> {
        let caller = Caller::signed_in(account.principal.clone(), Credential::Session);
        let mut event = NewEvent::new(Action::Account, caller.actor());
        event.detail = Some(detail);
        self.log(&[event]).map(|_| ())
    }

    /// A sign-in refused after the provider vouched for the person (their token checked, but
    /// kho says no: too low an assurance level, an account disabled, a personal ID that
    /// changed): in that owner's ledger, else in the ledger's index by actor.
    pub fn record_refused_sign_in(&self, who: &ProviderIdentity, why: &Message) -> Result<()> {
        let caller = Caller::signed_in(who.principal.clone(), Credential::Session);
        let detail = format!(
            "sign-in through {} refused: {}",
            who.issuer,
            why.render(schemas::Lang::En)
        );
        let aim = who
            .principal
            .owner_id
            .as_deref()
            .map_or(Aim::Nothing, Aim::Owner);
        let said = super::Attempted {
            detail: &detail,
            reason: None,
            refusal: Some(why.clone()),
        };
        self.record_refusal(&caller, aim, said)
    }
}
