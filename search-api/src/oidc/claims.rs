//! From an ID token's claims to the principal kho signs in: a citizen bound to the personal ID
//! of a configured claim, or (when a role claim is configured and present) staff with the role
//! and agency of theirs. Pure: the token is already checked.

use schemas::messages::{self as m, Message};
use schemas::{Principal, Role};
use serde_json::{Map, Value};

/// Which claims say what (`kho serve --oidc-id-claim`, `--oidc-role-claim`,
/// `--oidc-agency-claim`).
#[derive(Debug, Clone)]
pub struct ClaimNames {
    /// The personal ID (số định danh cá nhân) of a citizen.
    pub personal_id: String,
    /// A staff member's role (`clerk` or `operator`); none: everyone is a citizen, staff keep
    /// local accounts.
    pub role: Option<String>,
    /// A clerk's agency code (mã định danh cơ quan).
    pub agency: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        ClaimNames {
            personal_id: "personal_id".into(),
            role: None,
            agency: "agency_code".into(),
        }
    }
}

/// Roles a provider may give. Admins (and programs' roles) stay local accounts: a provider
/// that is wrong or taken over cannot make an administrator of kho.
const PROVIDER_ROLES: [Role; 2] = [Role::Clerk, Role::Operator];

/// A claim as text: a string, or a number written as digits (a personal ID sent as a JSON
/// number); an array gives its first string.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) if n.is_u64() => Some(n.to_string()),
        Value::Array(items) => items.iter().find_map(text_of),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// The principal an ID token's claims make, or why they make none.
pub fn principal_of(
    claims: &Map<String, Value>,
    subject: &str,
    names: &ClaimNames,
) -> Result<Principal, Message> {
    let role = names
        .role
        .as_deref()
        .and_then(|claim| claims.get(claim).map(|v| (claim, v)));
    if let Some((claim, value)) = role {
        return staff_of(claims, subject, names, claim, value);
    }
    let claim = names.personal_id.as_str();
    let Some(id) = claims.get(claim).and_then(text_of) else {
        return Err(Message::new(&m::OIDC_ID_CLAIM_MISSING).with("claim", claim));
    };
    // A citizen's account is named by their personal ID: what they type and read.
    let id = schemas::nfc(&id);
    Principal::new(&id, Role::Citizen, None, Some(&id)).map_err(|e| {
        Message::new(&m::OIDC_ID_CLAIM_INVALID)
            .with("claim", claim)
            .with_message("why", e.0)
    })
}

fn staff_of(
    claims: &Map<String, Value>,
    subject: &str,
    names: &ClaimNames,
    claim: &str,
    value: &Value,
) -> Result<Principal, Message> {
    let got = text_of(value).unwrap_or_default();
    let role = Role::parse(&got)
        .ok()
        .filter(|r| PROVIDER_ROLES.contains(r))
        .ok_or_else(|| {
            Message::new(&m::OIDC_ROLE_CLAIM)
                .with("got", &got)
                .with("claim", claim)
        })?;
    let agency = claims.get(&names.agency).and_then(text_of);
    let agency = agency.filter(|_| role == Role::Clerk);
    let name = claims
        .get("preferred_username")
        .and_then(text_of)
        .unwrap_or_else(|| subject.to_string());
    Principal::new(&name, role, agency.as_deref(), None)
        .map_err(|e| Message::new(&m::OIDC_STAFF_CLAIMS).with_message("why", e.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemas::Lang;

    fn claims(json: serde_json::Value) -> Map<String, Value> {
        json.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_citizen_is_the_personal_id_of_the_claim_validated_as_an_owner_id() {
        let names = ClaimNames::default();
        let p = principal_of(
            &claims(serde_json::json!({"personal_id": " 049075001234 "})),
            "sub-1",
            &names,
        )
        .unwrap();
        assert_eq!(
            (p.role, p.owner_id.as_deref()),
            (Role::Citizen, Some("049075001234"))
        );
        assert_eq!(p.name, "049075001234");
        let as_number = principal_of(
            &claims(serde_json::json!({"personal_id": 1099012345u64})),
            "s",
            &names,
        );
        assert!(as_number.is_err(), "10 digits is not a personal ID");
        let missing =
            principal_of(&claims(serde_json::json!({"email": "a@b"})), "s", &names).unwrap_err();
        assert_eq!(missing.code(), "oidc.id_claim_missing");
        let invalid = principal_of(
            &claims(serde_json::json!({"personal_id": "12345"})),
            "s",
            &names,
        )
        .unwrap_err();
        assert_eq!(invalid.code(), "oidc.id_claim_invalid");
        assert!(
            invalid.render(Lang::Vi).contains("personal_id"),
            "{}",
            invalid.render(Lang::Vi)
        );
    }

    #[test]
    fn staff_take_role_and_agency_from_their_claims_and_never_admin() {
        let names = ClaimNames {
            role: Some("kho_role".into()),
            ..ClaimNames::default()
        };
        let clerk = principal_of(
            &claims(serde_json::json!({
                "kho_role": "clerk", "agency_code": "H47.15", "preferred_username": "lan.nt"
            })),
            "sub-9",
            &names,
        )
        .unwrap();
        assert_eq!(clerk.role, Role::Clerk);
        assert_eq!(clerk.name, "lan.nt");
        assert!(clerk.agency_code.is_some());
        let admin = principal_of(
            &claims(serde_json::json!({"kho_role": "admin"})),
            "s",
            &names,
        );
        assert_eq!(admin.unwrap_err().code(), "oidc.role_claim");
        let no_agency = principal_of(
            &claims(serde_json::json!({"kho_role": ["clerk"]})),
            "s",
            &names,
        );
        assert_eq!(no_agency.unwrap_err().code(), "oidc.staff_claims");
        // Without the role claim, the same configuration signs in a citizen.
        let citizen = principal_of(
            &claims(serde_json::json!({"personal_id": "049075001234"})),
            "s",
            &names,
        )
        .unwrap();
        assert_eq!(citizen.role, Role::Citizen);
    }
}
