//! Sharing with consent: a citizen lets an agency use some of their documents for a procedure
//! until a date, or gives a link to someone without an account (a bank, an employer) with a
//! purpose and an expiry of at most [`MAX_LINK_DAYS`] days, optionally for one use.
//!
//! A share names documents, never "everything": whoever holds it sees those documents'
//! metadata, previews and originals and nothing else of the owner. What a share allows is
//! decided here ([`Share::state`], [`Share::reaches_dossier`]); the store keeps shares and their
//! link tokens (as hashes only) and ledgers every use.

use crate::ids::{same_agency_code, AgencyCode, ProcedureCode};
use crate::messages as m;
use crate::{Dossier, FieldErrors, RuleError};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

/// Longest a link may stay open, in days from the day it is made.
pub const MAX_LINK_DAYS: i64 = 30;
/// Longest an agency share may last, in days from the day it is made: a year covers the
/// longest procedures, and consent that is given for ever is not what a citizen means by
/// sharing for one procedure (ARCHITECTURE.md, review F20). A new share continues one.
pub const MAX_AGENCY_SHARE_DAYS: i64 = 365;
/// Most documents one share names.
pub const MAX_SHARED_DOCUMENTS: usize = 50;
/// Longest purpose, in characters.
pub const MAX_SHARE_PURPOSE_CHARS: usize = 300;
/// How long a one-time link, once opened, still serves that visit's previews and downloads.
pub const ONE_TIME_VISIT_MINUTES: i64 = 30;

/// A share as the citizen asks for it (`POST /api/v1/shares`): strings as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareInput {
    /// Ids of the owner's documents.
    pub documents: Vec<String>,
    /// `agency` or `link`.
    pub kind: String,
    /// Agency shares: the agency's code and the procedure.
    pub agency_code: Option<String>,
    pub procedure_code: Option<String>,
    /// Agency shares: the last day (inclusive), as ISO or DD/MM/YYYY. Links: the last day too,
    /// at most [`MAX_LINK_DAYS`] days from today.
    pub until: Option<String>,
    /// Links: what for, in words (the recipient and the ledger see it).
    pub purpose: Option<String>,
    /// Links: usable once (one visit).
    #[serde(default)]
    pub one_time: bool,
}

/// Who a share is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShareTarget {
    /// Clerks of this agency, reading for a registered dossier of this procedure.
    Agency {
        agency_code: String,
        procedure_code: String,
    },
    /// Whoever holds the link.
    Link { purpose: String, one_time: bool },
}

/// A share, validated and ready to keep (the store adds its id, owner and token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidShare {
    pub documents: Vec<String>,
    pub target: ShareTarget,
    pub until: Date,
}

/// A kept share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub id: String,
    pub owner_id: String,
    pub documents: Vec<String>,
    #[serde(flatten)]
    pub target: ShareTarget,
    /// The last day it may be used (Vietnam time), inclusive.
    #[serde(with = "crate::record::iso_date")]
    pub until: Date,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    /// When a link was first opened (one-time links are used up by it).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub first_opened_at: Option<OffsetDateTime>,
    /// How many times it was used (pages, previews, downloads).
    #[serde(default)]
    pub uses: u64,
    /// Attempts refused because it was no longer in force (revoked, expired, used up).
    #[serde(default)]
    pub refused_attempts: u64,
    /// When such an attempt was last written to the owner's ledger: at most one a day is, so
    /// that whoever holds a dead link cannot grow the owner's ledger without bound.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub refusal_ledgered_at: Option<OffsetDateTime>,
}

/// Whether a share may be used now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareState {
    Active,
    Revoked,
    Expired,
    /// A one-time link already opened (and its visit over).
    Used,
}

impl ShareState {
    /// The state in words ("revoked"), from the table.
    pub fn words(self) -> &'static m::Entry {
        match self {
            ShareState::Active => &m::SHARE_STATE_ACTIVE,
            ShareState::Revoked => &m::SHARE_STATE_REVOKED,
            ShareState::Expired => &m::SHARE_STATE_EXPIRED,
            ShareState::Used => &m::SHARE_STATE_USED,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ShareState::Active => "active",
            ShareState::Revoked => "revoked",
            ShareState::Expired => "expired",
            ShareState::Used => "used",
        }
    }
}

impl ShareInput {
    /// Checks every field and names each that breaks a rule, all at once. `today` is the day in
    /// Vietnam ([`crate::today`]): a link ends at most [`MAX_LINK_DAYS`] days after it.
    pub fn validate(&self, today: Date) -> Result<ValidShare, FieldErrors> {
        let mut errors = Vec::new();
        let mut documents: Vec<String> = Vec::new();
        for (i, id) in self.documents.iter().enumerate() {
            let id = id.trim().to_ascii_lowercase();
            if id.len() != 26 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                errors.push(
                    RuleError::new(&m::SHARE_DOCUMENT_ID).at(&format!("documents[{i}]"), &id),
                );
            } else if !documents.contains(&id) {
                documents.push(id);
            }
        }
        if self.documents.is_empty() {
            errors.push(RuleError::new(&m::SHARE_NO_DOCUMENTS).at("documents", ""));
        } else if documents.len() > MAX_SHARED_DOCUMENTS {
            errors.push(
                RuleError::new(&m::SHARE_TOO_MANY)
                    .with("max", MAX_SHARED_DOCUMENTS)
                    .at("documents", ""),
            );
        }
        let until = match self
            .until
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => {
                errors.push(RuleError::new(&m::SHARE_UNTIL_MISSING).at("until", ""));
                None
            }
            Some(raw) => match crate::parse_date(raw) {
                Err(e) => {
                    errors.push(e.at("until", raw));
                    None
                }
                Ok(day) if day < today => {
                    errors.push(RuleError::new(&m::SHARE_UNTIL_PAST).at("until", raw));
                    None
                }
                Ok(day) => Some((raw, day)),
            },
        };
        let target = match self.kind.trim() {
            "agency" => {
                errors.extend(too_long(
                    until,
                    today,
                    MAX_AGENCY_SHARE_DAYS,
                    &m::SHARE_AGENCY_TOO_LONG,
                ));
                let agency = given(&self.agency_code).map(|raw| {
                    AgencyCode::parse(raw)
                        .map(|a| a.as_str().to_string())
                        .map_err(|e| e.at("agency_code", raw))
                });
                let procedure = given(&self.procedure_code).map(|raw| {
                    ProcedureCode::parse(raw)
                        .map(|p| p.as_str().to_string())
                        .map_err(|e| e.at("procedure_code", raw))
                });
                match (agency, procedure) {
                    (Some(Ok(agency_code)), Some(Ok(procedure_code))) => {
                        Some(ShareTarget::Agency {
                            agency_code,
                            procedure_code,
                        })
                    }
                    (agency, procedure) => {
                        for (field, value) in
                            [("agency_code", agency), ("procedure_code", procedure)]
                        {
                            match value {
                                None => errors
                                    .push(RuleError::new(&m::SHARE_AGENCY_FIELDS).at(field, "")),
                                Some(Err(e)) => errors.push(e),
                                Some(Ok(_)) => {}
                            }
                        }
                        None
                    }
                }
            }
            "link" => {
                errors.extend(too_long(
                    until,
                    today,
                    MAX_LINK_DAYS,
                    &m::SHARE_LINK_TOO_LONG,
                ));
                match given(&self.purpose).and_then(crate::clean_text) {
                    None => {
                        errors.push(RuleError::new(&m::SHARE_PURPOSE_MISSING).at("purpose", ""));
                        None
                    }
                    Some(p) if p.chars().count() > MAX_SHARE_PURPOSE_CHARS => {
                        errors.push(
                            RuleError::new(&m::SHARE_PURPOSE_TOO_LONG)
                                .with("max", MAX_SHARE_PURPOSE_CHARS)
                                .at("purpose", ""),
                        );
                        None
                    }
                    Some(purpose) => Some(ShareTarget::Link {
                        purpose,
                        one_time: self.one_time,
                    }),
                }
            }
            other => {
                errors.push(RuleError::new(&m::SHARE_KIND).at("kind", other));
                None
            }
        };
        match (target, until) {
            (Some(target), Some((_, until))) if errors.is_empty() => Ok(ValidShare {
                documents,
                target,
                until,
            }),
            _ => Err(FieldErrors(errors)),
        }
    }
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The broken rule of a last day more than `max_days` after `today`, naming the latest day
/// allowed (written as each language writes dates).
fn too_long(
    until: Option<(&str, Date)>,
    today: Date,
    max_days: i64,
    rule: &'static m::Entry,
) -> Option<crate::FieldError> {
    let (raw, day) = until?;
    let latest = today + Duration::days(max_days);
    (day > latest).then(|| {
        RuleError::new(rule)
            .with("days", max_days)
            .with_message("latest", crate::date_words(latest))
            .at("until", raw)
    })
}

impl Share {
    /// Whether a refused attempt now goes to the owner's ledger: the first of each day (Vietnam
    /// time); the others are only counted on the share.
    pub fn refusal_to_ledger(&self, now: OffsetDateTime) -> bool {
        let day = |t: OffsetDateTime| t.to_offset(crate::VIETNAM_OFFSET).date();
        self.refusal_ledgered_at
            .is_none_or(|last| day(last) != day(now))
    }

    /// Whether the link's page would open now without using the link up: a one-time link in
    /// force that nobody opened yet asks its holder first (a link preview or a mail scanner
    /// fetching the address must not use it).
    pub fn asks_before_opening(&self, now: OffsetDateTime) -> bool {
        matches!(self.target, ShareTarget::Link { one_time: true, .. })
            && self.first_opened_at.is_none()
            && self.state(now) == ShareState::Active
    }

    /// Whether it may be used at `now` (Vietnam's day decides expiry).
    pub fn state(&self, now: OffsetDateTime) -> ShareState {
        if self.revoked_at.is_some() {
            return ShareState::Revoked;
        }
        let today = now.to_offset(crate::VIETNAM_OFFSET).date();
        if today > self.until {
            return ShareState::Expired;
        }
        if let (ShareTarget::Link { one_time: true, .. }, Some(opened)) =
            (&self.target, self.first_opened_at)
        {
            if now - opened > Duration::minutes(ONE_TIME_VISIT_MINUTES) {
                return ShareState::Used;
            }
        }
        ShareState::Active
    }

    /// Whether opening the link page now is allowed: a one-time link's page opens once.
    pub fn page_may_open(&self, now: OffsetDateTime) -> ShareState {
        match (self.state(now), &self.target, self.first_opened_at) {
            (ShareState::Active, ShareTarget::Link { one_time: true, .. }, Some(_)) => {
                ShareState::Used
            }
            (state, _, _) => state,
        }
    }

    /// Whether this share lets a clerk reading for `dossier` use document `doc_id`: an agency
    /// share in force, for the dossier's procedure, with the agency that received it (or the
    /// clerk's own agency, `clerk_agency`).
    pub fn reaches_dossier(
        &self,
        doc_id: &str,
        dossier: &Dossier,
        clerk_agency: Option<&str>,
        now: OffsetDateTime,
    ) -> bool {
        let ShareTarget::Agency {
            agency_code,
            procedure_code,
        } = &self.target
        else {
            return false;
        };
        self.state(now) == ShareState::Active
            && self.documents.iter().any(|d| d == doc_id)
            && *procedure_code == dossier.procedure_code
            && (same_agency_code(agency_code, &dossier.receiving_agency)
                || clerk_agency.is_some_and(|clerk| same_agency_code(agency_code, clerk)))
    }

    /// What the share is, in the ledger's words.
    pub fn describe(&self) -> String {
        match &self.target {
            ShareTarget::Agency {
                agency_code,
                procedure_code,
            } => format!(
                "share {} with agency {agency_code} for procedure {procedure_code} until {}",
                self.id,
                crate::iso_date(self.until)
            ),
            ShareTarget::Link { purpose, one_time } => format!(
                "share {} as a {}link for \"{purpose}\" until {}",
                self.id,
                if *one_time { "one-time " } else { "" },
                crate::iso_date(self.until)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    const DOC: &str = "abcdefghijklmnopqrstuvwxyz";
    const TODAY: Date = date!(2026 - 12 - 05);

    fn link(until: &str, one_time: bool) -> ShareInput {
        ShareInput {
            documents: vec![DOC.into()],
            kind: "link".into(),
            until: Some(until.into()),
            purpose: Some("hồ sơ vay vốn".into()),
            one_time,
            ..ShareInput::default()
        }
    }

    fn kept(valid: ValidShare) -> Share {
        Share {
            id: "s1".into(),
            owner_id: "049075001234".into(),
            documents: valid.documents,
            target: valid.target,
            until: valid.until,
            created_at: datetime!(2026-12-05 01:00 UTC),
            revoked_at: None,
            first_opened_at: None,
            uses: 0,
            refused_attempts: 0,
            refusal_ledgered_at: None,
        }
    }

    #[test]
    fn a_link_lasts_at_most_thirty_days_and_names_its_purpose() {
        assert!(link("2027-01-04", false).validate(TODAY).is_ok());
        let long = link("2027-01-05", false).validate(TODAY).unwrap_err();
        assert_eq!(long.0[0].field, "until");
        assert_eq!(long.0[0].code(), "share.until.too_long");
        let past = link("2026-12-04", false).validate(TODAY).unwrap_err();
        assert_eq!(past.0[0].field, "until");
        let no_purpose = ShareInput {
            purpose: None,
            ..link("2026-12-20", false)
        };
        assert_eq!(
            no_purpose.validate(TODAY).unwrap_err().0[0].field,
            "purpose"
        );
    }

    /// Review F20: an agency share lasts at most a year (it had no bound); the latest day is
    /// written dd/mm/yyyy in Vietnamese, as the pages write dates, and ISO in English.
    #[test]
    fn an_agency_share_lasts_at_most_a_year() {
        let agency = |until: &str| ShareInput {
            documents: vec![DOC.into()],
            kind: "agency".into(),
            agency_code: Some("000.00.15.H47".into()),
            procedure_code: Some("1.001193".into()),
            until: Some(until.into()),
            ..ShareInput::default()
        };
        assert!(agency("2027-12-05").validate(TODAY).is_ok());
        let long = agency("2099-06-01").validate(TODAY).unwrap_err();
        assert_eq!(long.0.len(), 1, "{long}");
        assert_eq!(long.0[0].field, "until");
        assert_eq!(long.0[0].code(), "share.until.agency_too_long");
        assert!(
            long.0[0].rule.render(m::Lang::Vi).ends_with("05/12/2027"),
            "{}",
            long.0[0].rule.render(m::Lang::Vi)
        );
        assert!(
            long.0[0].rule.render(m::Lang::En).contains("2027-12-05"),
            "{}",
            long.0[0].rule.render(m::Lang::En)
        );
        let link = link("2027-01-05", false).validate(TODAY).unwrap_err();
        assert!(
            link.0[0].rule.render(m::Lang::Vi).ends_with("04/01/2027"),
            "{}",
            link.0[0].rule.render(m::Lang::Vi)
        );
    }

    #[test]
    fn every_broken_field_is_named() {
        let bad = ShareInput {
            documents: vec!["x".into()],
            kind: "agency".into(),
            agency_code: Some("nowhere!".into()),
            ..ShareInput::default()
        };
        let fields: Vec<String> = bad
            .validate(TODAY)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["documents[0]", "until", "agency_code", "procedure_code"]
        );
    }

    #[test]
    fn a_share_is_revoked_expired_or_used_up() {
        let mut share = kept(link("2026-12-10", true).validate(TODAY).unwrap());
        let now = datetime!(2026-12-05 03:00 UTC);
        assert_eq!(share.state(now), ShareState::Active);
        assert_eq!(share.page_may_open(now), ShareState::Active);
        share.first_opened_at = Some(now);
        assert_eq!(share.page_may_open(now), ShareState::Used);
        assert_eq!(share.state(now + Duration::minutes(5)), ShareState::Active);
        assert_eq!(share.state(now + Duration::minutes(31)), ShareState::Used);
        // The last day is inclusive, in Vietnam time.
        assert_eq!(
            share.state(datetime!(2026-12-10 16:59 UTC)),
            ShareState::Used
        );
        share.first_opened_at = None;
        assert_eq!(
            share.state(datetime!(2026-12-10 16:59 UTC)),
            ShareState::Active
        );
        assert_eq!(
            share.state(datetime!(2026-12-10 17:00 UTC)),
            ShareState::Expired
        );
        share.revoked_at = Some(now);
        assert_eq!(share.state(now), ShareState::Revoked);
    }

    #[test]
    fn an_agency_share_reaches_a_dossier_of_its_procedure_and_agency() {
        let share = kept(
            ShareInput {
                documents: vec![DOC.into()],
                kind: "agency".into(),
                agency_code: Some("000.00.15.H47".into()),
                procedure_code: Some("1.001193".into()),
                until: Some("2026-12-31".into()),
                ..ShareInput::default()
            }
            .validate(TODAY)
            .unwrap(),
        );
        let dossier = crate::DossierInput {
            code: "000.00.00.H47-261120-0007".into(),
            procedure_code: "1.001193".into(),
            applicants: vec!["079305000001".into()],
            receiving_agency: "000.00.15.H47".into(),
            received_on: "2026-11-20".into(),
        }
        .validate()
        .unwrap()
        .registered(datetime!(2026-11-20 01:00 UTC), "motcua");
        let now = datetime!(2026-12-05 03:00 UTC);
        assert!(share.reaches_dossier(DOC, &dossier, None, now));
        assert!(!share.reaches_dossier("zzzzzzzzzzzzzzzzzzzzzzzzzz", &dossier, None, now));
        let other = Dossier {
            procedure_code: "1.000000".into(),
            ..dossier.clone()
        };
        assert!(!share.reaches_dossier(DOC, &other, None, now));
        assert!(!share.reaches_dossier(DOC, &dossier, None, datetime!(2027-01-01 03:00 UTC)));
        // The agency in the other form is the same agency, for the dossier or the clerk.
        let written_otherwise = Dossier {
            receiving_agency: "H47.15".into(),
            ..dossier.clone()
        };
        assert!(share.reaches_dossier(DOC, &written_otherwise, None, now));
        let elsewhere = Dossier {
            receiving_agency: "H47.16".into(),
            ..dossier.clone()
        };
        assert!(!share.reaches_dossier(DOC, &elsewhere, None, now));
        assert!(!share.reaches_dossier(DOC, &elsewhere, Some("H47.16"), now));
        assert!(share.reaches_dossier(DOC, &elsewhere, Some("H47.15"), now));
    }
}
