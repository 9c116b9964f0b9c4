//! The two error shapes of validation: a broken rule, and a broken rule pinned to a field. Both
//! carry a [`Message`] of the one table (`messages.rs`): a stable code and its parameters,
//! rendered in Vietnamese or English by whoever shows it.

use crate::messages::{self, Entry, Lang, Message};
use std::fmt;

/// A validation rule that a value broke, e.g. `personal_id.length` with `got = 11` ("a personal
/// ID has 12 digits, got 11"). It does not name the field or the value: the caller knows those
/// and adds them with [`RuleError::at`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RuleError(pub Message);

impl RuleError {
    pub fn new(entry: &'static Entry) -> Self {
        RuleError(Message::new(entry))
    }

    /// Adds a parameter written as given (numbers, values, codes).
    pub fn with(self, name: &'static str, value: impl fmt::Display) -> Self {
        RuleError(self.0.with(name, value))
    }

    /// Adds a parameter that is itself a message (a nested rule, a role), rendered in the same
    /// language.
    pub fn with_message(self, name: &'static str, value: impl Into<Message>) -> Self {
        RuleError(self.0.with_message(name, value))
    }

    /// Adds a parameter that is a list of messages.
    pub fn with_list(self, name: &'static str, values: Vec<Message>) -> Self {
        RuleError(self.0.with_list(name, values))
    }

    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    pub fn render(&self, lang: Lang) -> String {
        self.0.render(lang)
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

impl From<RuleError> for Message {
    fn from(e: RuleError) -> Self {
        e.0
    }
}

/// A field whose value broke a rule: `owner_id 04907500123: a personal ID has 12 digits, got 11`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FieldError {
    pub field: String,
    pub value: String,
    pub rule: Message,
}

impl FieldError {
    /// A page's `limit` outside 1 to `max`: `request.limit` naming `limit`; `None` within.
    pub fn limit_outside(limit: usize, max: usize) -> Option<FieldError> {
        (!(1..=max).contains(&limit)).then(|| {
            RuleError::new(&messages::LIMIT_RANGE)
                .with("max", max)
                .at("limit", &limit.to_string())
        })
    }

    pub fn code(&self) -> &'static str {
        self.rule.code()
    }

    /// The whole line: field, value and rule.
    pub fn message(&self) -> Message {
        let entry = if self.value.is_empty() {
            &messages::FIELD_RULE_EMPTY
        } else {
            &messages::FIELD_RULE
        };
        Message::new(entry)
            .with("field", &self.field)
            .with("value", &self.value)
            .with_message("rule", self.rule.clone())
    }

    pub fn render(&self, lang: Lang) -> String {
        self.message().render(lang)
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message())
    }
}

/// Several field errors at once, so that an operator fixes a row in one go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// All of them as one message (one broken rule is its own message).
    pub fn message(&self) -> Message {
        match self.0.as_slice() {
            [one] => one.message(),
            many => Message::new(&messages::METADATA_ERRORS)
                .with_list("errors", many.iter().map(FieldError::message).collect()),
        }
    }

    pub fn render(&self, lang: Lang) -> String {
        self.0
            .iter()
            .map(|e| e.render(lang))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl From<FieldError> for FieldErrors {
    fn from(e: FieldError) -> Self {
        FieldErrors(vec![e])
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(crate::messages::process_lang()))
    }
}
