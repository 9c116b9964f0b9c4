//! Forms that say what is wrong where: every broken rule of a rejected form under its own
//! field (`aria-invalid`, the message tied to the input), in Vietnamese; and the examples a
//! form shows.

use maud::{html, Markup};
use schemas::Caller;

/// What an error says about each field of a form, in Vietnamese: every broken rule, so that a
/// form shows each message under its own field (issue #19: all at once, none dropped).
pub struct FieldMessages(Vec<(String, String)>);

impl FieldMessages {
    pub fn none() -> Self {
        FieldMessages(Vec::new())
    }

    /// The field errors of `error` (a rejected form); nothing for other errors.
    pub fn of(error: Option<&crate::error::ApiError>) -> Self {
        match error {
            Some(crate::error::ApiError::Invalid(_, fields)) => FieldMessages(
                fields
                    .iter()
                    .map(|f| (f.field.clone(), f.rule.render(schemas::Lang::Vi)))
                    .collect(),
            ),
            _ => FieldMessages::none(),
        }
    }

    /// The messages about an input that stands for any of `fields` (an input named `owner`
    /// is the rule's `owner_id`).
    pub fn about(&self, fields: &[&str]) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(f, _)| fields.contains(&f.as_str()))
            .map(|(_, m)| m.as_str())
            .collect()
    }

    /// Whether any message is about none of `shown` (a form shows those above it).
    pub fn others(&self, shown: &[&str]) -> Vec<(&str, &str)> {
        self.0
            .iter()
            .filter(|(f, _)| !shown.contains(&f.as_str()))
            .map(|(f, m)| (f.as_str(), m.as_str()))
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A labelled text input that shows the rules it broke under it (`aria-invalid`, the message
/// tied to the input by `aria-describedby`).
pub struct TextField<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    pub required: bool,
    pub placeholder: Option<&'a str>,
    /// The rule's field names this input answers for.
    pub fields: &'a [&'a str],
}

impl TextField<'_> {
    pub fn render(&self, messages: &FieldMessages) -> Markup {
        let said = messages.about(self.fields);
        let error_id = format!("{}-loi", self.id);
        html! {
            label for=(self.id) { (self.label) @if self.required { " *" } }
            @if said.is_empty() {
                input id=(self.id) name=(self.name) value=(self.value)
                    placeholder=[self.placeholder] required[self.required];
            } @else {
                input id=(self.id) name=(self.name) value=(self.value)
                    placeholder=[self.placeholder] required[self.required]
                    aria-invalid="true" aria-describedby=(error_id);
                p.field-error id=(error_id) {
                    @for (i, m) in said.iter().enumerate() {
                        @if i > 0 { br; }
                        (m)
                    }
                }
            }
        }
    }
}

/// An example dossier code for a form's placeholder: received today by the caller's own
/// province (a clerk of H47.15 sees `000.00.00.H47-YYMMDD-0001`), since a clerk reads only for
/// dossiers of their province.
pub fn example_dossier_code(caller: &Caller) -> String {
    let today = schemas::today();
    let unit = caller
        .principal()
        .agency_code
        .as_deref()
        .and_then(|a| schemas::ids::AgencyCode::parse(a).ok())
        .map(|a| a.level1_unit().to_string())
        .unwrap_or_else(|| "H29".to_string());
    format!(
        "000.00.00.{unit}-{:02}{:02}{:02}-0001",
        today.year() % 100,
        u8::from(today.month()),
        today.day()
    )
}
