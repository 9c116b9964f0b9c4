//! Identifiers of the domain (domain.md, "Identifiers"). Each type can only be built through
//! its `parse`, so holding one means the value passed every rule; a failure names the rule.

mod agency;
mod dossier;
mod enterprise;
mod owner;
mod personal;
mod procedure;
mod typed;

pub use agency::{same_agency_code, AgencyCode, AgencyCodeForm};
pub use dossier::{DossierCode, ResultCode};
pub use enterprise::EnterpriseCode;
pub use owner::OwnerId;
pub use personal::{Gender, PersonalId};
pub use procedure::{CatalogueCode, ProcedureCode};
pub use typed::{compact_id, with_typed_ids};

use crate::RuleError;

/// Position (1-based) and character of the first non-digit, if any.
fn first_non_digit(s: &str) -> Option<(usize, char)> {
    s.chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_digit())
        .map(|(i, c)| (i + 1, c))
}

/// Rejects anything but ASCII digits, naming the offending character.
fn require_digits(s: &str, what: &'static crate::messages::Entry) -> Result<(), RuleError> {
    match first_non_digit(s) {
        None => Ok(()),
        Some((pos, c)) => Err(RuleError::new(&crate::messages::ID_DIGITS_ONLY)
            .with_message("what", what)
            .with("found", format!("{c:?}"))
            .with("position", pos)),
    }
}

/// Implements `Display`, `AsRef<str>`, `FromStr` and string serde for an identifier newtype
/// whose canonical text is its only field.
macro_rules! string_identifier {
    ($ty:ident) => {
        impl $ty {
            pub fn as_str(&self) -> &str {
                &self.text
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.text)
            }
        }
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.text
            }
        }
        impl std::str::FromStr for $ty {
            type Err = $crate::RuleError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::parse(s)
            }
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.text)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $ty::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}
use string_identifier;
