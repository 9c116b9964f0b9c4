//! Access ledger events: who did what to which document, and why. The owner of a document sees
//! every event about it. Chaining and storage live in archive-core; this is only the shape.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A document was stored.
    Ingest,
    /// Its metadata (or text) was read.
    ReadMetadata,
    /// A search scoped to one owner answered counts and facets about their documents (the
    /// event is the owner's, with no document; each hit shown is a `ReadMetadata` of its own).
    Search,
    /// Its original bytes were read.
    Download,
    /// A clerk reused it in a dossier.
    Reuse,
    Revoke,
    Supersede,
    /// An attempt that authorization refused.
    Refused,
    /// An account changed (the admin audit trail): a user added, disabled, enabled or given a
    /// new password, a token made or revoked, a session ended. No owner; the detail says what.
    Account,
    /// An online backup of the store was made (the admin audit trail).
    Backup,
    /// The server's background check found the document's original no longer matching its hash.
    FixityFailed,
    /// The page texts were made again from the original (`kho reextract`); the detail says which
    /// pages changed and how the text was obtained before and after.
    Reextract,
    /// A trust anchor (root certificate for PDF signatures) was added to or removed from the store.
    TrustChanged,
    /// The document's signatures were checked again and their status changed (new trust anchors,
    /// re-extraction).
    SignaturesChecked,
    /// A certified electronic copy of the document was issued.
    Certify,
    /// Someone holding a certified copy checked it (public verification).
    VerifyCopy,
    /// The places the document names were read again with the store's gazetteer (`kho places
    /// refresh`, `kho places import`); the detail says the unit codes before and after.
    RereadPlaces,
    /// The store's gazetteer was replaced (`kho places import`); about no one document.
    ImportGazetteer,
    /// The one-stop system (or a clerk at reception) registered a dossier naming the owner as
    /// an applicant; clerks may then read their documents for it.
    RegisterDossier,
    /// The owner shared documents (with an agency for a procedure, or as a link); the detail
    /// says with whom and until when. Each use of the share is a read whose actor is the share.
    Share,
    /// The owner revoked a share.
    RevokeShare,
    /// The one-stop system was told of events about the owner's documents (a page of the event
    /// feed, or webhook deliveries): the detail names the events' sequence numbers and types.
    EventsSent,
}

/// Who acted: a user or program of kho, or the local operator at the command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// `cli`, `user` or `token`.
    pub kind: String,
    pub name: String,
    pub role: Option<String>,
    pub agency_code: Option<String>,
    /// For an API token, who made it and when ("admin quantri on 2026-12-05"): the name a token
    /// carries is chosen by whoever made it. Left out of the JSON when absent, so that the
    /// hashes of events written before this field existed still check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_by: Option<String>,
}

impl Actor {
    /// How the ledger says what kind of actor this is: `admin` for an admin (whatever their
    /// credential), else the kind (`cli`, `user`, `token`, `system`).
    pub fn kind_word(&self) -> &str {
        match self.role.as_deref() {
            Some("admin") => "admin",
            _ => &self.kind,
        }
    }

    /// kho itself, doing background work (`name` says which).
    pub fn system(name: &str) -> Self {
        Actor {
            kind: "system".into(),
            name: name.into(),
            role: None,
            agency_code: None,
            made_by: None,
        }
    }

    /// The operator running `kho` on the machine that holds the store.
    pub fn local_operator(name: &str) -> Self {
        Actor {
            kind: "cli".into(),
            name: name.into(),
            role: Some("operator".into()),
            agency_code: None,
            made_by: None,
        }
    }
}

/// What an event says, before the ledger gives it a place (`seq`) and a link (`prev_hash`, `hash`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEvent {
    pub action: Action,
    pub actor: Actor,
    pub doc_id: Option<String>,
    pub owner_id: Option<String>,
    pub dossier_code: Option<String>,
    /// The procedure a reuse served. Left out of the JSON when absent, so that the hashes of
    /// events written before this field existed still check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_code: Option<String>,
    pub purpose: Option<String>,
    pub detail: Option<String>,
    /// Why a refused attempt was refused: a message of the table as stored
    /// (`{"code", "params"}`), kept as raw JSON so that the event's hash never depends on
    /// today's table; absent from the JSON otherwise (older events' hashes still check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<serde_json::Value>,
}

impl NewEvent {
    /// An event with only its action and actor; the caller fills in what it is about.
    pub fn new(action: Action, actor: &Actor) -> Self {
        NewEvent {
            action,
            actor: actor.clone(),
            doc_id: None,
            owner_id: None,
            dossier_code: None,
            procedure_code: None,
            purpose: None,
            detail: None,
            refusal: None,
        }
    }

    /// The refusal of a refused attempt, as the table renders it today (None for an event
    /// that is not one, or one written before refusals were stored, or a code the table no
    /// longer has).
    pub fn refusal_message(&self) -> Option<crate::Message> {
        self.refusal
            .as_ref()
            .and_then(|value| serde_json::from_value(value.clone()).ok())
    }
}

/// One entry of the append-only, hash-chained ledger. `hash` is the sha256 of this event's JSON
/// with `hash` set to the empty string; `prev_hash` is the hash of the event before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEvent {
    pub seq: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(flatten)]
    pub event: NewEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// Why someone reads or reuses a document: the dossier it serves, its procedure, and a purpose in
/// words. A clerk's read must name the dossier and the purpose; the owner sees both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessReason {
    pub dossier_code: Option<String>,
    pub procedure_code: Option<String>,
    pub purpose: Option<String>,
}

/// Longest purpose accepted, in characters.
pub const MAX_PURPOSE_CHARS: usize = 500;

impl AccessReason {
    /// Validates each part that is given; empty parts count as absent. Every broken rule is
    /// reported at once.
    pub fn new(
        dossier_code: Option<&str>,
        procedure_code: Option<&str>,
        purpose: Option<&str>,
    ) -> Result<Self, crate::FieldErrors> {
        let mut errors = Vec::new();
        let dossier_code = given(dossier_code).and_then(|v| {
            crate::ids::DossierCode::parse(v)
                .map(|c| c.as_str().to_string())
                .map_err(|e| errors.push(e.at("dossier_code", v)))
                .ok()
        });
        let procedure_code = given(procedure_code).and_then(|v| {
            crate::ids::ProcedureCode::parse(v)
                .map(|c| c.as_str().to_string())
                .map_err(|e| errors.push(e.at("procedure_code", v)))
                .ok()
        });
        let purpose = given(purpose).and_then(crate::clean_text);
        if let Some(long) = purpose
            .as_ref()
            .filter(|p| p.chars().count() > MAX_PURPOSE_CHARS)
        {
            // The value quoted is its beginning: enough to recognise, not the whole page back.
            let start: String = long.chars().take(40).collect();
            errors.push(
                crate::RuleError::new(&crate::messages::PURPOSE_TOO_LONG)
                    .with("max", MAX_PURPOSE_CHARS)
                    .at("purpose", &format!("{start}…")),
            );
        }
        if !errors.is_empty() {
            return Err(crate::FieldErrors(errors));
        }
        Ok(AccessReason {
            dossier_code,
            procedure_code,
            purpose,
        })
    }

    /// A reason that must name the dossier and the purpose (a reuse): every part checked, every
    /// missing or broken one reported at once.
    pub fn for_dossier(
        dossier_code: Option<&str>,
        procedure_code: Option<&str>,
        purpose: Option<&str>,
    ) -> Result<Self, crate::FieldErrors> {
        let mut errors = match AccessReason::new(dossier_code, procedure_code, purpose) {
            Ok(reason) => match reason.require_dossier() {
                Ok(()) => return Ok(reason),
                Err(missing) => return Err(missing),
            },
            Err(broken) => broken.0,
        };
        // Parts were broken: the missing ones are said too.
        let said =
            |errors: &[crate::FieldError], field: &str| errors.iter().any(|e| e.field == field);
        if given(dossier_code).is_none() && !said(&errors, "dossier_code") {
            errors.push(dossier_required());
        }
        if given(purpose).and_then(crate::clean_text).is_none() && !said(&errors, "purpose") {
            errors
                .push(crate::RuleError::new(&crate::messages::PURPOSE_REQUIRED).at("purpose", ""));
        }
        Err(crate::FieldErrors(errors))
    }

    /// Only a purpose (a command-line read, say).
    pub fn purpose(purpose: &str) -> Self {
        AccessReason {
            purpose: crate::clean_text(purpose),
            ..AccessReason::default()
        }
    }

    /// Requires the dossier and the purpose, as a clerk's read and every reuse do.
    /// Every missing one is reported at once.
    pub fn require_dossier(&self) -> Result<(), crate::FieldErrors> {
        let mut missing = Vec::new();
        if self.dossier_code.is_none() {
            missing.push(dossier_required());
        }
        if self.purpose.is_none() {
            missing
                .push(crate::RuleError::new(&crate::messages::PURPOSE_REQUIRED).at("purpose", ""));
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(crate::FieldErrors(missing))
        }
    }

    /// Writes the reason into an event.
    /// The same reason, marked as using the owner's share `share_id` ("through share X:
    /// purpose"), as a link's opens are ("opened through share X: purpose"): the owner sees
    /// that their consent was what let the reader in.
    pub fn through_share(&self, share_id: &str) -> AccessReason {
        let purpose = match self.purpose.as_deref() {
            Some(purpose) => format!("through share {share_id}: {purpose}"),
            None => format!("through share {share_id}"),
        };
        AccessReason {
            purpose: Some(purpose),
            ..self.clone()
        }
    }

    pub fn fill(&self, event: &mut NewEvent) {
        event.dossier_code = self.dossier_code.clone();
        event.procedure_code = self.procedure_code.clone();
        event.purpose = self.purpose.clone();
    }
}

fn dossier_required() -> crate::FieldError {
    crate::RuleError::new(&crate::messages::DOSSIER_CODE_REQUIRED)
        .with("example", "000.00.00.H47-240501-0001")
        .at("dossier_code", "")
}

fn given(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(r: Result<AccessReason, crate::FieldErrors>) -> Vec<(String, &'static str)> {
        r.unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.field.clone(), e.code()))
            .collect()
    }

    #[test]
    fn a_reuse_reason_reports_every_missing_and_broken_part_at_once() {
        assert_eq!(
            fields(AccessReason::for_dossier(None, None, Some(" "))),
            [
                ("dossier_code".to_string(), "dossier_code.required"),
                ("purpose".to_string(), "purpose.required")
            ]
        );
        assert_eq!(
            fields(AccessReason::for_dossier(Some("H47-x"), Some("1.0"), None)),
            [
                ("dossier_code".to_string(), "dossier_code.shape"),
                ("procedure_code".to_string(), "procedure_code.shape"),
                ("purpose".to_string(), "purpose.required")
            ]
        );
        let ok =
            AccessReason::for_dossier(Some("000.00.00.H47-240501-0001"), None, Some("đối chiếu"));
        assert_eq!(ok.unwrap().purpose.as_deref(), Some("đối chiếu"));
    }

    /// Review F25: a purpose of zero-width spaces, a byte-order mark or controls is no purpose,
    /// and controls never reach the append-only ledger.
    #[test]
    fn an_invisible_purpose_is_no_purpose() {
        let code = Some("000.00.00.H47-240501-0001");
        for invisible in [
            "\u{200b}\u{200b}",
            "\u{feff}",
            "\u{1b}\u{1}",
            "\u{202e} \u{2060}",
        ] {
            assert_eq!(
                fields(AccessReason::for_dossier(code, None, Some(invisible))),
                [("purpose".to_string(), "purpose.required")],
                "{invisible:?}"
            );
            assert_eq!(
                AccessReason::new(code, None, Some(invisible))
                    .unwrap()
                    .purpose,
                None
            );
        }
        let kept = AccessReason::for_dossier(code, None, Some("\u{1b}[31mđối\u{200b} chiếu\u{1}"));
        assert_eq!(kept.unwrap().purpose.as_deref(), Some("[31mđối chiếu"));
        let long = "x".repeat(MAX_PURPOSE_CHARS + 1);
        let e = AccessReason::new(code, None, Some(&long)).unwrap_err();
        assert!(e.0[0].value.starts_with("xxxx"), "{:?}", e.0[0]);
    }
}
