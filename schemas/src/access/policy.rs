//! What each role may do: the authorization matrix, in one place.
//!
//! | act                            | admin | operator | clerk                 | citizen      |
//! |--------------------------------|-------|----------|-----------------------|--------------|
//! | upload, revoke, supersede,     |       | yes      |                       |              |
//! |   re-extract                   |       |          |                       |              |
//! | keep and split scanned stacks  |       | yes      |                       |              |
//! | replace the gazetteer, read    |       | yes      |                       |              |
//! |   documents' places again      |       |          |                       |              |
//! | read a document (metadata,     |       | any      | any, naming a dossier | own only     |
//! |   bytes, previews, reuses)     |       |          |   of their province   |              |
//! | search, list an owner's docs   |       | any      | naming a dossier      | own only     |
//! | reuse in a dossier             |       |          | naming the dossier    |              |
//! | see the ledger of a document   | any   |          |                       | own only     |
//! |   or an owner                  |       |          |                       |              |
//! | read batch reports             |       | yes      |                       |              |
//! | issue a certified copy         |       | yes      | naming a dossier      |              |
//! |                                |       |          |   of their province   |              |
//! | manage users and tokens,       | yes   |          |                       |              |
//! |   make backups                 |       |          |                       |              |
//! | manage trust anchors           | yes   | at the   |                       |              |
//! |                                |       | console  |                       |              |
//! | register a dossier             |       | at the   | of their province     |              |
//! |                                |       | console  |                       |              |
//! | share own documents (agency,   |       |          |                       | own only     |
//! |   link), list, revoke shares   |       |          |                       |              |
//! | manage webhook receivers       | yes   | at the   |                       |              |
//! |                                |       | console  |                       |              |
//! | set own notification address   |       |          |                       | own only     |
//!
//! Whoever holds a citizen's link reads that share's documents (metadata, previews, originals)
//! and nothing else, through the share services; a clerk reaches a document shared with the
//! agency and procedure of a registered dossier ([`may_read_for_dossier`]'s `shared`).
//!
//! The role `intake` (the one-stop system's program) registers dossiers and reads the event
//! feed (`Act::ReadEvents`: dossier and procedure codes, document ids and types, never an
//! owner's ID or a document's content; see `crate::feed`), and does nothing else.
//! With dossiers registered (`kho serve --dossier-check registered`, the default), a clerk's
//! dossier must be registered, and a read or reuse for it reaches only the documents of its
//! applicants or shared with it ([`check_registered`], [`may_read_for_dossier`]).
//!
//! Checking a certified copy (`/verify`, by its code or its file) needs no account: anyone
//! holding a copy may learn what [`copy_holder_view`] shows, which names no one.
//!
//! Admins manage accounts and audit the ledger but do not read citizens' papers; operators handle
//! documents but do not see who read them. A document the caller may not read gets the same
//! answer as one that does not exist ([`Refusal::NotTheirDocument`]). A citizen's search covers
//! their own documents only ([`search_owner`]); a page of hits holds at most
//! [`search_page_limit`].
//!
//! These are pure functions: `archive-core`'s services call them and write the ledger event (or
//! the refusal event); nothing else decides access.

use crate::messages::{self as m, Entry, Lang, Message};
use crate::{
    AccessReason, Caller, CertifiedCopy, CopyVerification, DocTypes, DocumentRecord, Dossier,
    DossierCheck, FieldError, FieldErrors, Role, ValidDossier,
};
use std::fmt;
use time::Date;

/// Something a caller may want to do, allowed by role alone (whose documents is decided after).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Act {
    Upload,
    ChangeLifecycle,
    /// Run text extraction again on stored originals.
    Reextract,
    /// Keep a scanned stack of many owners' dossiers whole and split it at its separator sheets
    /// (a stack is no owner's document: only the documents cut from it are).
    SplitStacks,
    /// Replace the store's gazetteer and read every document's places again with it.
    ManagePlaces,
    ReadDocuments,
    Reuse,
    SeeLedger,
    SeeBatches,
    ManageAccounts,
    Backup,
    /// Issue a certified electronic copy of a document (signed by the agency's key).
    Certify,
    /// Add or remove the certificates PDF signatures are checked against.
    ManageTrust,
    /// Record a dossier the one-stop system received (its applicants, procedure, agency).
    RegisterDossier,
    /// Share one's own documents with an agency or as a link; list and revoke one's shares.
    Share,
    /// Read the event feed (`GET /api/v1/events`): the one-stop system's program.
    ReadEvents,
    /// Add, list and remove webhook receivers of the event feed.
    ManageWebhooks,
    /// Choose the e-mail address one is told at about one's own documents.
    SetNotifications,
    /// Read the digitization and reuse indicators (counts, never documents).
    SeeIndicators,
}

impl Act {
    pub const ALL: [Act; 19] = [
        Act::Upload,
        Act::ChangeLifecycle,
        Act::Reextract,
        Act::SplitStacks,
        Act::ManagePlaces,
        Act::ReadDocuments,
        Act::Reuse,
        Act::SeeLedger,
        Act::SeeBatches,
        Act::ManageAccounts,
        Act::Backup,
        Act::Certify,
        Act::ManageTrust,
        Act::RegisterDossier,
        Act::Share,
        Act::SeeIndicators,
        Act::ReadEvents,
        Act::ManageWebhooks,
        Act::SetNotifications,
    ];

    /// What the act is, in the words of a refusal ("a clerk cannot ...").
    pub fn words(self) -> &'static Entry {
        match self {
            Act::Upload => &m::ACT_UPLOAD,
            Act::ChangeLifecycle => &m::ACT_CHANGE_LIFECYCLE,
            Act::Reextract => &m::ACT_REEXTRACT,
            Act::SplitStacks => &m::ACT_SPLIT_STACKS,
            Act::ManagePlaces => &m::ACT_MANAGE_PLACES,
            Act::ReadDocuments => &m::ACT_READ_DOCUMENTS,
            Act::Reuse => &m::ACT_REUSE,
            Act::SeeLedger => &m::ACT_SEE_LEDGER,
            Act::SeeBatches => &m::ACT_SEE_BATCHES,
            Act::ManageAccounts => &m::ACT_MANAGE_ACCOUNTS,
            Act::Backup => &m::ACT_BACKUP,
            Act::Certify => &m::ACT_CERTIFY,
            Act::ManageTrust => &m::ACT_MANAGE_TRUST,
            Act::RegisterDossier => &m::ACT_REGISTER_DOSSIER,
            Act::Share => &m::ACT_SHARE,
            Act::SeeIndicators => &m::ACT_SEE_INDICATORS,
            Act::ReadEvents => &m::ACT_READ_EVENTS,
            Act::ManageWebhooks => &m::ACT_MANAGE_WEBHOOKS,
            Act::SetNotifications => &m::ACT_SET_NOTIFICATIONS,
        }
    }

    /// The roles that may do it.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Act::Upload
            | Act::ChangeLifecycle
            | Act::Reextract
            | Act::SplitStacks
            | Act::ManagePlaces
            | Act::SeeBatches => &[Role::Operator],
            Act::ReadDocuments => &[Role::Operator, Role::Clerk, Role::Citizen],
            Act::Reuse => &[Role::Clerk],
            Act::SeeLedger => &[Role::Admin, Role::Citizen],
            Act::ManageAccounts | Act::Backup | Act::ManageTrust => &[Role::Admin],
            Act::Certify => &[Role::Operator, Role::Clerk],
            Act::RegisterDossier => &[Role::Intake, Role::Clerk],
            Act::Share | Act::SetNotifications => &[Role::Citizen],
            Act::SeeIndicators => &[Role::Admin, Role::Leader],
            Act::ReadEvents => &[Role::Intake],
            Act::ManageWebhooks => &[Role::Admin],
        }
    }

    /// Whether the operator at the console of the store's machine may do it whatever their role:
    /// the store's trust anchors, which whoever holds the store folder controls anyway (as they
    /// add users with `kho user add`), and registered dossiers (`kho dossier import`, for a
    /// one-stop system that sends lists rather than calling the API). Over the network the
    /// role decides alone.
    pub fn at_the_console(self) -> bool {
        matches!(
            self,
            Act::ManageTrust | Act::RegisterDossier | Act::SeeIndicators | Act::ManageWebhooks
        )
    }
}

/// The stable name of a kind of refusal: what a program matches on, whatever the words say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The role never allows the act.
    Role,
    /// The document or owner is not the caller's; told apart from nothing at all.
    NotFound,
    /// A clerk's read names no dossier they may serve.
    Dossier,
    /// The reason given for a read breaks a rule.
    Reason,
    /// The caller asked for more than their scope (a leader, another agency's indicators).
    Scope,
}

impl RefusalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalKind::Role => "role",
            RefusalKind::NotFound => "not_found",
            RefusalKind::Dossier => "dossier",
            RefusalKind::Reason => "reason",
            RefusalKind::Scope => "scope",
        }
    }
}

/// Why the policy said no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The caller's role never allows `act`.
    Role { role: Role, act: Act },
    /// The caller may not read this document: answered exactly as an unknown id is, so that ids
    /// cannot be probed.
    NotTheirDocument { id: String },
    /// The caller may not see what concerns this owner: answered as if there were none.
    NotTheirOwner { owner: String },
    /// A clerk's read does not name a dossier they may serve (the message says why: another
    /// province's dossier, a clerk without an agency).
    Dossier(Message),
    /// The reason given for a read breaks rules (a clerk names the dossier and the purpose),
    /// each reported.
    Reason(FieldErrors),
    /// The caller asked for more than their scope allows (the message says what it is).
    Scope(Message),
}

impl Refusal {
    pub fn kind(&self) -> RefusalKind {
        match self {
            Refusal::Role { .. } => RefusalKind::Role,
            Refusal::NotTheirDocument { .. } | Refusal::NotTheirOwner { .. } => {
                RefusalKind::NotFound
            }
            Refusal::Dossier(_) => RefusalKind::Dossier,
            Refusal::Reason(_) => RefusalKind::Reason,
            Refusal::Scope(_) => RefusalKind::Scope,
        }
    }
}

/// "a" or "an" before a role's name in English ("an operator", "a clerk").
fn role_refusal(role: Role) -> &'static Entry {
    if role.as_str().starts_with(['a', 'e', 'i', 'o', 'u']) {
        &m::REFUSAL_ROLE_AN
    } else {
        &m::REFUSAL_ROLE
    }
}

impl Refusal {
    /// What the refusal says, as a message of the one table (its code is stable).
    pub fn message(&self) -> Message {
        match self {
            Refusal::Role { role, act } => Message::new(role_refusal(*role))
                .with_message("role", role.words())
                .with_message("act", act.words()),
            Refusal::NotTheirDocument { id } => {
                Message::new(&m::REFUSAL_NO_DOCUMENT).with("id", id.trim())
            }
            Refusal::NotTheirOwner { owner } => {
                Message::new(&m::REFUSAL_NO_OWNER).with("owner", owner)
            }
            Refusal::Dossier(message) | Refusal::Scope(message) => message.clone(),
            Refusal::Reason(fields) => match fields.0.as_slice() {
                [one] => one.message(),
                many => Message::new(&m::INVALID_FIELDS)
                    .with("count", many.len())
                    .with_list("errors", many.iter().map(FieldError::message).collect()),
            },
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Reason(fields) if fields.0.len() == 1 => fields.0[0].code(),
            other => other.message().code(),
        }
    }

    pub fn render(&self, lang: Lang) -> String {
        self.message().render(lang)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message())
    }
}

impl std::error::Error for Refusal {}

/// Refuses a caller whose role does not allow `act` at all.
pub fn require(caller: &Caller, act: Act) -> Result<(), Refusal> {
    if act.roles().contains(&caller.role()) || (caller.is_local() && act.at_the_console()) {
        Ok(())
    } else {
        Err(Refusal::Role {
            role: caller.role(),
            act,
        })
    }
}

/// The reason a caller gives for a read, validated with what the caller's role requires of it. A
/// clerk must name the dossier and the purpose ([`check_reason`]), so every missing and every
/// malformed part of a clerk's reason is reported at once (a malformed dossier code does not
/// hide an empty purpose); other callers' parts are validated when given.
pub fn reason_for(
    caller: &Caller,
    dossier_code: Option<&str>,
    procedure_code: Option<&str>,
    purpose: Option<&str>,
) -> Result<AccessReason, FieldErrors> {
    if caller.principal().role == Role::Clerk {
        AccessReason::for_dossier(dossier_code, procedure_code, purpose)
    } else {
        AccessReason::new(dossier_code, procedure_code, purpose)
    }
}

/// A clerk reads only while naming the dossier it serves and what for, and only for dossiers of
/// their own province or ministry (the level-1 unit their agency code and the dossier code
/// share). Others may give a reason; it is recorded but not required.
pub fn check_reason(caller: &Caller, reason: &AccessReason) -> Result<(), Refusal> {
    let principal = caller.principal();
    if principal.role != Role::Clerk {
        return Ok(());
    }
    reason.require_dossier().map_err(Refusal::Reason)?;
    let (Some(dossier), Some(agency)) = (&reason.dossier_code, &principal.agency_code) else {
        return Err(Refusal::Dossier(Message::new(&m::REFUSAL_CLERK_NO_AGENCY)));
    };
    let dossier_unit = crate::ids::DossierCode::parse(dossier)
        .map(|d| d.agency().level1_unit().to_string())
        .map_err(|e| Refusal::Reason(e.at("dossier_code", dossier).into()))?;
    let own_unit = crate::ids::AgencyCode::parse(agency)
        .map(|a| a.level1_unit().to_string())
        .map_err(|e| {
            Refusal::Dossier(Message::new(&m::REFUSAL_CLERK_AGENCY_INVALID).with_message("why", e))
        })?;
    if dossier_unit != own_unit {
        return Err(Refusal::Dossier(
            Message::new(&m::REFUSAL_OTHER_PROVINCE)
                .with("dossier", dossier)
                .with("dossier_unit", &dossier_unit)
                .with("agency", agency)
                .with("own_unit", &own_unit),
        ));
    }
    Ok(())
}

/// The level-1 unit (province or ministry) of a clerk's agency, or why there is none.
fn clerk_unit(caller: &Caller) -> Result<String, Refusal> {
    let Some(agency) = &caller.principal().agency_code else {
        return Err(Refusal::Dossier(Message::new(&m::REFUSAL_CLERK_NO_AGENCY)));
    };
    crate::ids::AgencyCode::parse(agency)
        .map(|a| a.level1_unit().to_string())
        .map_err(|e| {
            Refusal::Dossier(Message::new(&m::REFUSAL_CLERK_AGENCY_INVALID).with_message("why", e))
        })
}

/// The agencies whose indicators the caller may see (given that the role allows it), narrowed
/// to `asked` (a canonical agency code): `None` is every agency. A leader bound to an agency
/// sees it and those under it; asking for an agency outside that is refused.
pub fn indicator_scope(caller: &Caller, asked: Option<&str>) -> Result<Option<String>, Refusal> {
    let own = match caller.role() {
        Role::Leader => caller
            .principal()
            .agency_code
            .as_deref()
            .and_then(|c| crate::ids::AgencyCode::parse(c).ok())
            .map(|c| c.canonical()),
        _ => None,
    };
    match (own, asked) {
        (None, asked) => Ok(asked.map(str::to_string)),
        (Some(own), None) => Ok(Some(own)),
        (Some(own), Some(asked)) if crate::indicators::agency_within(asked, Some(&own)) => {
            Ok(Some(asked.to_string()))
        }
        (Some(own), Some(asked)) => Err(Refusal::Scope(
            Message::new(&m::REFUSAL_INDICATORS_OTHER_AGENCY)
                .with("asked", asked)
                .with("own", own),
        )),
    }
}

/// Who may register `dossier` (given that the role allows registering at all): the one-stop
/// system's token any, a clerk at reception only a dossier received in their own province.
pub fn may_register_dossier(caller: &Caller, dossier: &ValidDossier) -> Result<(), Refusal> {
    if caller.role() != Role::Clerk {
        return Ok(());
    }
    let own = clerk_unit(caller)?;
    let unit = dossier.level1_unit();
    if unit == own {
        Ok(())
    } else {
        Err(Refusal::Dossier(
            Message::new(&m::REFUSAL_REGISTER_OTHER_PROVINCE)
                .with("code", &dossier.code)
                .with("unit", unit)
                .with("own", own),
        ))
    }
}

/// With dossiers registered, a clerk's dossier must be one the one-stop system registered
/// (`registered` is what the store holds under the code the clerk gave). Others, and any
/// caller under [`DossierCheck::Format`], pass.
pub fn check_registered(
    caller: &Caller,
    reason: &AccessReason,
    check: DossierCheck,
    registered: Option<&Dossier>,
) -> Result<(), Refusal> {
    if caller.role() != Role::Clerk || check == DossierCheck::Format {
        return Ok(());
    }
    match (&reason.dossier_code, registered) {
        (Some(_), Some(_)) | (None, _) => Ok(()),
        (Some(code), None) => Err(Refusal::Dossier(
            Message::new(&m::REFUSAL_DOSSIER_NOT_REGISTERED).with("code", code),
        )),
    }
}

/// A clerk's read or reuse for a registered dossier reaches the documents of its applicants,
/// and those shared with it (`shared`, decided by whoever holds the shares).
pub fn may_read_for_dossier(
    caller: &Caller,
    dossier: &Dossier,
    owner_id: &str,
    shared: bool,
) -> Result<(), Refusal> {
    if caller.role() != Role::Clerk || dossier.has_applicant(owner_id) || shared {
        return Ok(());
    }
    Err(Refusal::Dossier(match dossier.applicants.len() {
        1 => Message::new(&m::REFUSAL_DOSSIER_OTHER_APPLICANT).with("code", &dossier.code),
        n => Message::new(&m::REFUSAL_DOSSIER_OTHER_APPLICANTS)
            .with("code", &dossier.code)
            .with("count", n),
    }))
}

/// Whether the caller may read this document (given that the role allows reading at all).
pub fn may_read(caller: &Caller, record: &DocumentRecord) -> bool {
    match caller.role() {
        Role::Operator | Role::Clerk => true,
        Role::Citizen => owns(caller, record.metadata.owner_id.as_str()),
        Role::Admin | Role::Intake | Role::Leader => false,
    }
}

/// Whether the caller may see what concerns this owner under `act` (their documents, their
/// ledger).
pub fn may_see_owner(caller: &Caller, owner_id: &str, act: Act) -> bool {
    match (caller.role(), act) {
        (Role::Citizen, _) => owns(caller, owner_id),
        (Role::Admin, Act::SeeLedger) => true,
        (Role::Operator | Role::Clerk, Act::ReadDocuments) => true,
        _ => false,
    }
}

/// Whose documents a search covers: a citizen's own, whatever they asked; anyone else's what
/// they asked (`None`: everyone's).
pub fn search_owner(caller: &Caller, asked: Option<String>) -> Option<String> {
    match caller.role() {
        Role::Citizen => caller.principal().owner_id.clone(),
        _ => asked,
    }
}

/// Most hits in one page of a search: 100 over the network (an answer a person reads, or a
/// program pages through), 1000 for the operator at the console.
pub fn search_page_limit(caller: &Caller) -> usize {
    if caller.is_local() {
        1000
    } else {
        100
    }
}

/// What anyone holding a certified copy learns when they check it, without an account: the
/// paper (type, issuer, date), its state `today`, who certified the copy and when, the copy's
/// hash, and the owner only as a hint (initials, last three digits of the ID). Never the
/// owner's name or ID, the document's id, its text or its number: a code read off a copy lent
/// to a bank must not become a way to look people up.
pub fn copy_holder_view(
    copy: &CertifiedCopy,
    record: &DocumentRecord,
    types: &DocTypes,
    today: Date,
) -> CopyVerification {
    let m = &record.metadata;
    CopyVerification {
        code: copy.code.clone(),
        state: record.state(today),
        doc_type: m.doc_type.clone(),
        paper_name: types
            .get(&m.doc_type)
            .map(|t| t.title.clone())
            .unwrap_or_else(|| m.doc_type.clone()),
        issuer: m.issuer.clone(),
        issued_on: m.issued_on.map(crate::iso_date),
        certified_at: copy.certified_at,
        certified_by: copy.agency.clone(),
        copy_sha256: copy.sha256.clone(),
        owner_hint: crate::owner_hint(m.owner_name.as_deref(), m.owner_id.as_str()),
    }
}

fn owns(caller: &Caller, owner_id: &str) -> bool {
    caller.principal().owner_id.as_deref() == Some(owner_id.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Credential, Principal};

    const DUC: &str = "049075001234";
    const THUY: &str = "079305000001";

    fn caller(role: Role) -> Caller {
        let principal = match role {
            Role::Clerk => Principal::new("canbo", role, Some("H47.15"), None),
            Role::Citizen => Principal::new("duc", role, None, Some(DUC)),
            _ => Principal::new("x", role, None, None),
        };
        Caller::signed_in(principal.unwrap(), Credential::Session)
    }

    fn record_of(owner: &str) -> DocumentRecord {
        crate::record::sample(owner)
    }

    /// The matrix of the module's table, one assertion per cell.
    #[test]
    fn every_cell_of_the_role_matrix() {
        use Role::*;
        let allowed: &[(Act, &[Role])] = &[
            (Act::Upload, &[Operator]),
            (Act::ChangeLifecycle, &[Operator]),
            (Act::Reextract, &[Operator]),
            (Act::SplitStacks, &[Operator]),
            (Act::ManagePlaces, &[Operator]),
            (Act::ReadDocuments, &[Operator, Clerk, Citizen]),
            (Act::Reuse, &[Clerk]),
            (Act::SeeLedger, &[Admin, Citizen]),
            (Act::SeeBatches, &[Operator]),
            (Act::ManageAccounts, &[Admin]),
            (Act::Backup, &[Admin]),
            (Act::Certify, &[Operator, Clerk]),
            (Act::ManageTrust, &[Admin]),
            (Act::RegisterDossier, &[Intake, Clerk]),
            (Act::Share, &[Citizen]),
            (Act::SeeIndicators, &[Admin, Leader]),
            (Act::ReadEvents, &[Intake]),
            (Act::ManageWebhooks, &[Admin]),
            (Act::SetNotifications, &[Citizen]),
        ];
        assert_eq!(allowed.len(), Act::ALL.len());
        for (act, roles) in allowed {
            for role in Role::ALL {
                let outcome = require(&caller(role), *act);
                assert_eq!(outcome.is_ok(), roles.contains(&role), "{act:?} by {role}");
                if let Err(refusal) = outcome {
                    assert_eq!(refusal.kind(), RefusalKind::Role);
                    assert_eq!(
                        refusal.to_string(),
                        format!(
                            "{} {role} cannot {}",
                            if role == Role::Admin || role == Role::Operator || role == Role::Intake
                            {
                                "an"
                            } else {
                                "a"
                            },
                            act.words().en
                        )
                    );
                }
            }
        }
    }

    /// The operator at the console: an operator's acts, and the store's trust anchors.
    #[test]
    fn the_console_manages_trust_anchors_and_does_an_operators_acts() {
        let console = Caller::local_operator("cli:an");
        for act in Act::ALL {
            let expected = act.roles().contains(&Role::Operator)
                || act == Act::ManageTrust
                || act == Act::RegisterDossier
                || act == Act::SeeIndicators
                || act == Act::ManageWebhooks;
            assert_eq!(require(&console, act).is_ok(), expected, "{act:?}");
        }
        let refusal = require(&caller(Role::Operator), Act::ManageTrust).unwrap_err();
        assert_eq!(refusal.kind(), RefusalKind::Role);
        assert!(refusal
            .to_string()
            .ends_with("operator cannot manage trust anchors"));
    }

    #[test]
    fn refusals_take_the_article_of_the_role() {
        let operator = require(&caller(Role::Operator), Act::ManageTrust).unwrap_err();
        assert_eq!(
            operator.to_string(),
            "an operator cannot manage trust anchors"
        );
        let clerk = require(&caller(Role::Clerk), Act::Upload).unwrap_err();
        assert_eq!(clerk.to_string(), "a clerk cannot upload documents");
    }

    /// The cells of the two trust rows, one test each (the matrix test above checks them all
    /// together; these name the cell that broke).
    fn refused_for_role(role: Role, act: Act) -> bool {
        require(&caller(role), act).is_err_and(|r| r.kind() == RefusalKind::Role)
    }

    #[test]
    fn an_admin_cannot_certify() {
        assert!(refused_for_role(Role::Admin, Act::Certify));
    }

    #[test]
    fn an_operator_certifies() {
        assert_eq!(require(&caller(Role::Operator), Act::Certify), Ok(()));
    }

    #[test]
    fn a_citizen_cannot_certify() {
        assert!(refused_for_role(Role::Citizen, Act::Certify));
    }

    #[test]
    fn an_admin_manages_trust_anchors() {
        assert_eq!(require(&caller(Role::Admin), Act::ManageTrust), Ok(()));
    }

    #[test]
    fn an_operator_over_the_network_cannot_manage_trust_anchors() {
        assert!(refused_for_role(Role::Operator, Act::ManageTrust));
    }

    #[test]
    fn a_clerk_cannot_manage_trust_anchors() {
        assert!(refused_for_role(Role::Clerk, Act::ManageTrust));
    }

    #[test]
    fn a_citizen_cannot_manage_trust_anchors() {
        assert!(refused_for_role(Role::Citizen, Act::ManageTrust));
    }

    /// A clerk issues a copy only while naming a dossier of their province, like any read.
    #[test]
    fn a_clerk_certifies_for_a_dossier_of_their_province() {
        let clerk = caller(Role::Clerk);
        assert_eq!(require(&clerk, Act::Certify), Ok(()));
        let none = check_reason(&clerk, &AccessReason::default()).unwrap_err();
        assert_eq!(none.kind(), RefusalKind::Reason);
        let here = AccessReason::new(Some("000.00.00.H47-240501-0001"), None, Some("bản sao"));
        assert_eq!(check_reason(&clerk, &here.unwrap()), Ok(()));
        let operator = caller(Role::Operator);
        assert_eq!(require(&operator, Act::Certify), Ok(()));
        assert_eq!(check_reason(&operator, &AccessReason::default()), Ok(()));
    }

    /// Review F3: a clerk's malformed dossier code does not hide the empty purpose; both are
    /// reported. A citizen, of whom no purpose is asked, hears only of the malformed code.
    #[test]
    fn every_broken_part_of_a_clerks_reason_is_reported_at_once() {
        let codes = |role: Role| -> Vec<(String, &'static str)> {
            reason_for(&caller(role), Some("H47-abc"), None, Some("   "))
                .unwrap_err()
                .0
                .into_iter()
                .map(|e| (e.field.clone(), e.code()))
                .collect()
        };
        assert_eq!(
            codes(Role::Clerk),
            [
                ("dossier_code".to_string(), "dossier_code.shape"),
                ("purpose".to_string(), "purpose.required")
            ]
        );
        assert_eq!(
            codes(Role::Citizen),
            [("dossier_code".to_string(), "dossier_code.shape")]
        );
        let fine = reason_for(
            &caller(Role::Clerk),
            Some("000.00.00.H47-240501-0001"),
            None,
            Some("đối chiếu"),
        );
        assert_eq!(fine.unwrap().purpose.as_deref(), Some("đối chiếu"));
        let operator = reason_for(&caller(Role::Operator), None, None, None);
        assert_eq!(operator.unwrap(), AccessReason::default());
    }

    fn dossier_of(applicants: &[&str]) -> Dossier {
        crate::DossierInput {
            code: "000.00.00.H47-261120-0007".into(),
            procedure_code: "1.001193".into(),
            applicants: applicants.iter().map(|a| a.to_string()).collect(),
            receiving_agency: "000.00.15.H47".into(),
            received_on: "2026-11-20".into(),
        }
        .validate()
        .unwrap()
        .registered(time::OffsetDateTime::UNIX_EPOCH, "motcua")
    }

    /// With dossiers registered, a clerk's dossier must be registered; the old rule checks the
    /// format and province only. Other roles are not asked for one.
    #[test]
    fn a_clerks_dossier_must_be_registered_unless_the_store_checks_format_only() {
        let clerk = caller(Role::Clerk);
        let reason =
            AccessReason::new(Some("000.00.00.H47-261120-0007"), None, Some("cấp phép")).unwrap();
        let refusal =
            check_registered(&clerk, &reason, DossierCheck::Registered, None).unwrap_err();
        assert_eq!(refusal.kind(), RefusalKind::Dossier);
        assert!(
            refusal.to_string().contains("is not registered"),
            "{refusal}"
        );
        let dossier = dossier_of(&[DUC]);
        assert_eq!(
            check_registered(&clerk, &reason, DossierCheck::Registered, Some(&dossier)),
            Ok(())
        );
        assert_eq!(
            check_registered(&clerk, &reason, DossierCheck::Format, None),
            Ok(())
        );
        let operator = caller(Role::Operator);
        assert_eq!(
            check_registered(&operator, &reason, DossierCheck::Registered, None),
            Ok(())
        );
    }

    #[test]
    fn a_clerk_reads_for_a_dossier_its_applicants_documents_or_those_shared_with_it() {
        let clerk = caller(Role::Clerk);
        let dossier = dossier_of(&[DUC]);
        assert_eq!(may_read_for_dossier(&clerk, &dossier, DUC, false), Ok(()));
        let other = may_read_for_dossier(&clerk, &dossier, THUY, false).unwrap_err();
        assert_eq!(other.kind(), RefusalKind::Dossier);
        assert!(
            other
                .to_string()
                .contains("registered for another applicant"),
            "{other}"
        );
        assert_eq!(may_read_for_dossier(&clerk, &dossier, THUY, true), Ok(()));
    }

    #[test]
    fn a_clerk_at_reception_registers_dossiers_of_their_province_and_intake_any() {
        let here = dossier_of(&[DUC]);
        let valid = crate::DossierInput {
            code: here.code.clone(),
            procedure_code: here.procedure_code.clone(),
            applicants: here.applicants.clone(),
            receiving_agency: here.receiving_agency.clone(),
            received_on: "2026-11-20".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(may_register_dossier(&caller(Role::Clerk), &valid), Ok(()));
        let elsewhere = crate::DossierInput {
            code: "000.00.00.H29-261120-0001".into(),
            procedure_code: "1.001193".into(),
            applicants: vec![DUC.into()],
            receiving_agency: "000.00.15.H29".into(),
            received_on: "2026-11-20".into(),
        }
        .validate()
        .unwrap();
        let refusal = may_register_dossier(&caller(Role::Clerk), &elsewhere).unwrap_err();
        assert_eq!(refusal.kind(), RefusalKind::Dossier);
        assert_eq!(
            may_register_dossier(&caller(Role::Intake), &elsewhere),
            Ok(())
        );
        assert!(!may_read(&caller(Role::Intake), &record_of(DUC)));
    }

    /// Whoever holds a copy learns the paper and its state, never who owns it.
    #[test]
    fn a_copy_holder_sees_no_name_and_no_id() {
        let mut record = record_of(DUC);
        record.metadata.owner_name = Some("Nguyễn Văn Đức".into());
        record.metadata.issuer = Some("UBND xã Tam Kỳ".into());
        let copy = CertifiedCopy {
            code: "ABCDE-12345".into(),
            doc_id: record.id.clone(),
            sha256: "ab".repeat(32),
            certified_at: time::OffsetDateTime::UNIX_EPOCH,
            certified_by: "canbo".into(),
            agency: Some("Sở Tư pháp".into()),
            signer: Some("Kho".into()),
            dossier_code: Some("000.00.00.H47-240501-0001".into()),
        };
        let today = time::macros::date!(2026 - 01 - 02);
        let view = copy_holder_view(&copy, &record, &DocTypes::builtin(), today);
        assert_eq!(view.paper_name, "Giấy khai sinh");
        assert_eq!(view.state, crate::State::Valid);
        assert_eq!(view.certified_by.as_deref(), Some("Sở Tư pháp"));
        assert_eq!(view.owner_hint, "N.V.Đ., ***234");
        let json = serde_json::to_string(&view).unwrap();
        for secret in [DUC, "Nguyễn", "Đức", "\"doc\"", "canbo"] {
            assert!(!json.contains(secret), "{secret} in {json}");
        }
        record.lifecycle = crate::Lifecycle::Revoked {
            reason: "sai".into(),
            at: time::OffsetDateTime::UNIX_EPOCH,
            by: "op".into(),
        };
        let revoked = copy_holder_view(&copy, &record, &DocTypes::builtin(), today);
        assert_eq!(revoked.state, crate::State::Revoked);
    }

    #[test]
    fn who_may_read_a_document() {
        let own = record_of(DUC);
        let other = record_of(THUY);
        for (role, own_ok, other_ok) in [
            (Role::Admin, false, false),
            (Role::Operator, true, true),
            (Role::Clerk, true, true),
            (Role::Citizen, true, false),
        ] {
            assert_eq!(may_read(&caller(role), &own), own_ok, "{role} own");
            assert_eq!(may_read(&caller(role), &other), other_ok, "{role} other");
        }
    }

    #[test]
    fn who_may_see_an_owner() {
        for (role, act, own_ok, other_ok) in [
            (Role::Admin, Act::SeeLedger, true, true),
            (Role::Admin, Act::ReadDocuments, false, false),
            (Role::Operator, Act::ReadDocuments, true, true),
            (Role::Operator, Act::SeeLedger, false, false),
            (Role::Clerk, Act::ReadDocuments, true, true),
            (Role::Clerk, Act::SeeLedger, false, false),
            (Role::Citizen, Act::ReadDocuments, true, false),
            (Role::Citizen, Act::SeeLedger, true, false),
        ] {
            let c = caller(role);
            assert_eq!(may_see_owner(&c, DUC, act), own_ok, "{role} {act:?} own");
            assert_eq!(
                may_see_owner(&c, THUY, act),
                other_ok,
                "{role} {act:?} other"
            );
        }
    }

    #[test]
    fn a_clerk_names_a_dossier_of_their_province() {
        let clerk = caller(Role::Clerk);
        let reason = |dossier: Option<&str>, purpose: Option<&str>| {
            AccessReason::new(dossier, None, purpose).unwrap()
        };
        let bare = check_reason(&clerk, &AccessReason::default()).unwrap_err();
        assert_eq!(bare.kind(), RefusalKind::Reason);
        assert!(bare.to_string().contains("dossier_code"), "{bare}");
        let no_purpose = check_reason(&clerk, &reason(Some("000.00.00.H47-240501-0001"), None));
        assert_eq!(no_purpose.unwrap_err().kind(), RefusalKind::Reason);
        assert_eq!(
            check_reason(
                &clerk,
                &reason(Some("000.00.00.H47-240501-0001"), Some("đối chiếu"))
            ),
            Ok(())
        );
        let elsewhere = check_reason(
            &clerk,
            &reason(Some("000.00.00.H29-240501-0001"), Some("đối chiếu")),
        )
        .unwrap_err();
        assert_eq!(elsewhere.kind(), RefusalKind::Dossier);
        assert!(elsewhere.to_string().contains("H29"), "{elsewhere}");
        for role in [Role::Admin, Role::Operator, Role::Citizen] {
            assert_eq!(
                check_reason(&caller(role), &AccessReason::default()),
                Ok(())
            );
        }
    }

    #[test]
    fn a_citizen_searches_their_own_documents_only() {
        assert_eq!(
            search_owner(&caller(Role::Citizen), Some(THUY.into())).as_deref(),
            Some(DUC)
        );
        assert_eq!(
            search_owner(&caller(Role::Citizen), None).as_deref(),
            Some(DUC)
        );
        assert_eq!(
            search_owner(&caller(Role::Clerk), Some(THUY.into())).as_deref(),
            Some(THUY)
        );
        assert_eq!(search_owner(&caller(Role::Operator), None), None);
        assert_eq!(search_page_limit(&caller(Role::Operator)), 100);
        assert_eq!(search_page_limit(&Caller::local_operator("cli:an")), 1000);
    }

    #[test]
    fn a_refusal_of_a_document_reads_as_an_unknown_id() {
        let refusal = Refusal::NotTheirDocument { id: " abc ".into() };
        assert_eq!(refusal.to_string(), "no document with id abc");
        assert_eq!(refusal.kind().as_str(), "not_found");
    }
}
