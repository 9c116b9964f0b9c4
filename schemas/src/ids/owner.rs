use super::{EnterpriseCode, PersonalId};
use crate::RuleError;
use std::fmt;

/// Who a document belongs to: a citizen (personal ID) or an organization (enterprise code).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OwnerId {
    Person(PersonalId),
    Organization(EnterpriseCode),
}

impl OwnerId {
    /// 10 digits, or anything with a dash, is read as an enterprise code; everything else as a
    /// personal ID, so that a mistyped 11-digit ID gets the personal-ID message.
    pub fn parse(s: &str) -> Result<Self, RuleError> {
        let compact = super::compact_id(s);
        let s = compact.as_deref().unwrap_or(s.trim());
        if s.is_empty() {
            return Err(RuleError::new(&crate::messages::OWNER_ID_REQUIRED));
        }
        if s.contains('-') || s.len() == 10 {
            EnterpriseCode::parse(s).map(OwnerId::Organization)
        } else {
            PersonalId::parse(s).map(OwnerId::Person)
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            OwnerId::Person(id) => id.as_str(),
            OwnerId::Organization(code) => code.as_str(),
        }
    }
}

impl fmt::Display for OwnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for OwnerId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for OwnerId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        // A stored owner was valid when stored; re-check only the shape, not "birth year in
        // the future", so that a record never becomes unreadable.
        OwnerId::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatches_on_shape() {
        assert!(matches!(
            OwnerId::parse("049075001234"),
            Ok(OwnerId::Person(_))
        ));
        assert!(matches!(
            OwnerId::parse(" 0100109106 "),
            Ok(OwnerId::Organization(_))
        ));
        assert!(matches!(
            OwnerId::parse("0100109106-002"),
            Ok(OwnerId::Organization(_))
        ));
        assert_eq!(
            OwnerId::parse("04907500123").unwrap_err().to_string(),
            "a personal ID has 12 digits, got 11"
        );
    }
}
