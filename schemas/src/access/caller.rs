use crate::{Actor, Principal, Role};

/// How a caller proved who they are; the ledger names the actor's kind after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A user's session, opened with a user name and password (`user` in the ledger).
    Session,
    /// A program's API token (`token` in the ledger).
    ApiToken,
}

impl Credential {
    fn actor_kind(self) -> &'static str {
        match self {
            Credential::Session => "user",
            Credential::ApiToken => "token",
        }
    }
}

/// An authenticated party: the principal its credential stands for (role and bindings: what
/// the policy decides on) and the actor the ledger names for what it does. The two are made
/// together, so that the ledger always names the principal the policy judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    principal: Principal,
    actor: Actor,
}

impl Caller {
    /// A principal whose credential was just checked (a token, a session).
    pub fn signed_in(principal: Principal, credential: Credential) -> Self {
        Caller {
            actor: principal.actor(credential.actor_kind()),
            principal,
        }
    }

    /// A program's API token, made by `made_by` ("admin quantri on 2026-12-05"): the ledger
    /// says so beside the name the token carries, which its maker chose.
    pub fn token_made_by(principal: Principal, made_by: Option<String>) -> Self {
        let mut caller = Caller::signed_in(principal, Credential::ApiToken);
        caller.actor.made_by = made_by;
        caller
    }

    /// The administrator at the console of the machine that holds the store (`kho user`,
    /// `kho token`): an admin, named `name` in the ledger with the kind `cli`. Whoever holds
    /// the disk holds the accounts; the audit trail records what they did.
    pub fn local_admin(name: &str) -> Self {
        let mut actor = Actor::local_operator(name);
        actor.role = Some(Role::Admin.as_str().to_string());
        Caller {
            principal: Principal {
                name: name.to_string(),
                role: Role::Admin,
                agency_code: None,
                owner_id: None,
            },
            actor,
        }
    }

    /// The operator at the console of the machine that holds the store (the `kho` binary, a
    /// benchmark): an operator, named `name` in the ledger with the kind `cli`.
    pub fn local_operator(name: &str) -> Self {
        Caller {
            principal: Principal {
                name: name.to_string(),
                role: Role::Operator,
                agency_code: None,
                owner_id: None,
            },
            actor: Actor::local_operator(name),
        }
    }

    /// Whoever holds one of the owner's shares (a link, or an agency's share): reads as the
    /// owner would, so only the share services make one, after checking that the document
    /// asked for is in the share and the share is in force. The ledger names the share
    /// (actor kind `share`), never the owner, as the reader.
    pub fn through_share(share_id: &str, owner_id: &str) -> Self {
        Caller {
            principal: Principal {
                name: format!("share:{share_id}"),
                role: Role::Citizen,
                agency_code: None,
                owner_id: Some(owner_id.to_string()),
            },
            actor: Actor {
                kind: "share".into(),
                name: share_id.to_string(),
                role: None,
                agency_code: None,
                made_by: None,
            },
        }
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    pub fn role(&self) -> Role {
        self.principal.role
    }

    /// Whether this is the operator at the console rather than someone over the network.
    pub fn is_local(&self) -> bool {
        self.actor.kind == "cli"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_names_the_principal_the_policy_judges() {
        let clerk = Principal::new("an", Role::Clerk, Some("H47.15"), None).unwrap();
        let caller = Caller::signed_in(clerk.clone(), Credential::Session);
        assert_eq!(caller.principal(), &clerk);
        assert_eq!(caller.actor().kind, "user");
        assert_eq!(caller.actor().name, "an");
        assert_eq!(caller.actor().agency_code.as_deref(), Some("H47.15"));
        let program = Caller::signed_in(clerk, Credential::ApiToken);
        assert_eq!(program.actor().kind, "token");
        assert!(!program.is_local());
        let console = Caller::local_operator("cli:lan");
        assert_eq!(console.role(), Role::Operator);
        assert_eq!(console.actor().kind, "cli");
        assert!(console.is_local());
    }
}
