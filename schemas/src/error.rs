//! The two error shapes of validation: a broken rule, and a broken rule pinned to a field.

use std::fmt;

/// A validation rule that a value broke, in words an operator or clerk understands,
/// e.g. "a personal ID has 12 digits, got 11". It does not name the field or the value:
/// the caller knows those and adds them with [`RuleError::at`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RuleError(pub String);

impl RuleError {
    pub fn new(rule: impl Into<String>) -> Self {
        RuleError(rule.into())
    }

    /// Pins the rule to the field and the raw value it was read from.
    pub fn at(self, field: &str, value: &str) -> FieldError {
        FieldError {
            field: field.to_string(),
            value: value.to_string(),
            rule: self.0,
        }
    }
}

/// A field whose value broke a rule: `owner_id 04907500123: a personal ID has 12 digits, got 11`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
pub struct FieldError {
    pub field: String,
    pub value: String,
    pub rule: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "{} (empty): {}", self.field, self.rule)
        } else {
            write!(f, "{} {}: {}", self.field, self.value, self.rule)
        }
    }
}

/// Several field errors at once, so that an operator fixes a row in one go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FieldErrors(pub Vec<FieldError>);

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}
