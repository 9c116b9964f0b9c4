//! Who may act on kho: roles and the principal (a user or a program's token) that holds one.
//!
//! What each role may do is decided in [`crate::policy`]; here is only what a principal is, and the
//! rules that make one well formed (a clerk belongs to an agency, a citizen to one owner ID).

use crate::ids::{AgencyCode, OwnerId};
use crate::messages as m;
use crate::{Actor, RuleError};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users and tokens.
    Admin,
    /// Ingests documents and changes their lifecycle.
    Operator,
    /// Reads documents for the dossiers of their agency, and records reuse.
    Clerk,
    /// Reads their own documents and who read them.
    Citizen,
    /// The one-stop system's program (hệ thống một cửa): registers the dossiers it receives,
    /// reads nothing.
    Intake,
    /// A province's or an agency's leader: reads the indicators (of the whole store, or of
    /// their agency and those under it), nothing else.
    Leader,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Operator,
        Role::Clerk,
        Role::Citizen,
        Role::Intake,
        Role::Leader,
    ];

    pub fn parse(s: &str) -> Result<Self, RuleError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "operator" => Ok(Role::Operator),
            "clerk" => Ok(Role::Clerk),
            "citizen" => Ok(Role::Citizen),
            "intake" => Ok(Role::Intake),
            "leader" => Ok(Role::Leader),
            other => Err(RuleError::new(&m::ROLE_UNKNOWN).with("got", format!("{other:?}"))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Clerk => "clerk",
            Role::Citizen => "citizen",
            Role::Intake => "intake",
            Role::Leader => "leader",
        }
    }

    /// The role's name in the words of messages (`cán bộ một cửa`, `clerk`).
    pub fn words(self) -> &'static m::Entry {
        match self {
            Role::Admin => &m::ROLE_ADMIN,
            Role::Operator => &m::ROLE_OPERATOR,
            Role::Clerk => &m::ROLE_CLERK,
            Role::Citizen => &m::ROLE_CITIZEN,
            Role::Intake => &m::ROLE_INTAKE,
            Role::Leader => &m::ROLE_LEADER,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A user or token with its role and what the role is bound to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub name: String,
    pub role: Role,
    /// The clerk's agency (mã định danh cơ quan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_code: Option<String>,
    /// The citizen's or organization's owner ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
}

/// Whether `c` may be in a user name: ASCII letters and digits, `.`, `_`, `-`, `@`, and the
/// letters of Vietnamese (a base letter a-z with the tone and shape marks, đ/Đ). The ledger names
/// readers by name and citizens read those names, so two names must never look alike: no spaces,
/// no invisible characters, no letters of other scripts (Cyrillic "а" beside Latin "a") nor
/// Latin look-alikes (ð for đ, ı for i), no `/` or `\` (ARCHITECTURE.md, "Decisions").
pub fn is_user_name_char(c: char) -> bool {
    use unicode_normalization::UnicodeNormalization;
    const VIETNAMESE_MARKS: [char; 8] = [
        '\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}', '\u{302}', '\u{306}', '\u{31b}',
    ];
    if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | 'đ' | 'Đ') {
        return true;
    }
    let mut parts = std::iter::once(c).nfd();
    parts.next().is_some_and(|base| base.is_ascii_alphabetic())
        && parts.all(|mark| VIETNAMESE_MARKS.contains(&mark))
}

/// Longest accepted user name.
pub const MAX_USER_NAME_CHARS: usize = 64;

impl Principal {
    /// Checks the bindings of the role: a clerk needs an agency code, a citizen an owner ID, and
    /// no other role takes either (an admin bound to an owner would be a confusing half-citizen).
    pub fn new(
        name: &str,
        role: Role,
        agency_code: Option<&str>,
        owner_id: Option<&str>,
    ) -> Result<Self, RuleError> {
        let name = crate::nfc(name.trim());
        if name.is_empty() || name.chars().count() > MAX_USER_NAME_CHARS {
            return Err(RuleError::new(&m::USER_NAME_LENGTH).with("max", MAX_USER_NAME_CHARS));
        }
        if !name.chars().all(is_user_name_char) {
            return Err(RuleError::new(&m::USER_NAME_CHARS));
        }
        let agency_code = agency_code.map(str::trim).filter(|s| !s.is_empty());
        let owner_id = owner_id.map(str::trim).filter(|s| !s.is_empty());
        let agency_code = match (role, agency_code) {
            (Role::Clerk, Some(code)) => Some(AgencyCode::parse(code)?.as_str().to_string()),
            (Role::Clerk, None) => return Err(RuleError::new(&m::USER_CLERK_AGENCY)),
            // A leader bound to an agency sees it and the agencies under it; unbound, the
            // whole store (the province).
            (Role::Leader, Some(code)) => Some(
                AgencyCode::parse(code)
                    .map_err(|e| RuleError::new(&m::USER_LEADER_AGENCY).with_message("why", e))?
                    .as_str()
                    .to_string(),
            ),
            (_, Some(_)) => {
                return Err(
                    RuleError::new(&m::USER_AGENCY_NOT_CLERK).with_message("role", role.words())
                )
            }
            (_, None) => None,
        };
        let owner_id = match (role, owner_id) {
            (Role::Citizen, Some(id)) => Some(OwnerId::parse(id)?.as_str().to_string()),
            (Role::Citizen, None) => return Err(RuleError::new(&m::USER_CITIZEN_OWNER)),
            (_, Some(_)) => {
                return Err(
                    RuleError::new(&m::USER_OWNER_NOT_CITIZEN).with_message("role", role.words())
                )
            }
            (_, None) => None,
        };
        Ok(Principal {
            name,
            role,
            agency_code,
            owner_id,
        })
    }

    /// [`Principal::new`] with the role as typed: the error names the field that broke a rule
    /// (`role`, or `principal` for the name and its bindings).
    pub fn parse(
        name: &str,
        role: &str,
        agency_code: Option<&str>,
        owner_id: Option<&str>,
    ) -> Result<Self, crate::FieldError> {
        let role = Role::parse(role).map_err(|e| e.at("role", role))?;
        Principal::new(name, role, agency_code, owner_id).map_err(|e| {
            // The name's own rules are said on the field that holds it (`username`).
            let field = if e.0.code().starts_with("user.name_") {
                "username"
            } else {
                "principal"
            };
            e.at(field, name)
        })
    }

    /// The principal as the ledger names it; `kind` is `user` or `token`.
    pub fn actor(&self, kind: &str) -> Actor {
        Actor {
            kind: kind.to_string(),
            name: self.name.clone(),
            role: Some(self.role.as_str().to_string()),
            agency_code: self.agency_code.clone(),
            made_by: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_follow_the_role() {
        assert!(Principal::new("an", Role::Clerk, Some("H47.15"), None).is_ok());
        let e = Principal::new("an", Role::Clerk, None, None).unwrap_err();
        assert!(e.to_string().contains("agency"), "{e}");
        let e = Principal::new("an", Role::Clerk, Some("nope"), None).unwrap_err();
        assert!(!e.to_string().is_empty());
        let c = Principal::new("binh", Role::Citizen, None, Some(" 049075001234 ")).unwrap();
        assert_eq!(c.owner_id.as_deref(), Some("049075001234"));
        assert!(Principal::new("binh", Role::Citizen, None, None).is_err());
        assert!(Principal::new("root", Role::Admin, None, Some("049075001234")).is_err());
        assert!(Principal::new("root", Role::Operator, Some("H47.15"), None).is_err());
        assert!(Principal::new("", Role::Admin, None, None).is_err());
        assert!(Principal::new("a\u{7}", Role::Admin, None, None).is_err());
    }

    /// Review F22: names that would read as an existing one in a citizen's ledger are refused
    /// on `username`; Vietnamese names are kept.
    #[test]
    fn user_names_that_can_look_alike_are_refused() {
        for look_alike in [
            "canbo\u{200b}",
            "c\u{430}nbo",
            "can bo",
            "../admin",
            "\u{f0}uc",
            "can\u{131}bo",
            "canbo\u{1b}",
            "ca\u{301}\u{301}n",
        ] {
            let e = Principal::parse(look_alike, "clerk", Some("H47.15"), None).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code()),
                ("username", "user.name_chars"),
                "{look_alike:?}"
            );
        }
        for fine in [
            "canbo",
            "Nguyễn.Văn-Đức",
            "phường_7",
            "thu@kho",
            "049075001234",
        ] {
            assert!(
                Principal::new(fine, Role::Admin, None, None).is_ok(),
                "{fine}"
            );
        }
        let nfd = "Nguye\u{302}\u{303}n";
        assert_eq!(
            Principal::new(nfd, Role::Admin, None, None).unwrap().name,
            "Nguyễn"
        );
        let e = Principal::parse("", "clerk", Some("H47.15"), None).unwrap_err();
        assert_eq!(e.field, "username");
        let e = Principal::parse("an", "clerk", None, None).unwrap_err();
        assert_eq!(e.field, "principal");
    }

    #[test]
    fn roles_parse_and_print() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("root")
            .unwrap_err()
            .to_string()
            .contains("root"));
    }
}
