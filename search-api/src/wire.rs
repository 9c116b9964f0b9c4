//! The JSON of the API: what goes over the wire, with its OpenAPI schema. Domain types stay in
//! `schemas` (which knows nothing of HTTP); these are their views, built from them.

use schemas::{DocumentRecord, LedgerEvent, Lifecycle, Principal, State, Validity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

use schemas::iso_date as iso;

pub(crate) use schemas::json_name;

pub(crate) fn rfc3339(t: schemas::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A document's metadata, its state today and what happened to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: String,
    pub owner_id: String,
    pub owner_name: Option<String>,
    /// Key of the document type (`birth_certificate`, ...).
    pub doc_type: String,
    /// The type's Vietnamese title.
    pub doc_type_title: Option<String>,
    pub title: String,
    pub issuer: Option<String>,
    pub issuer_code: Option<String>,
    pub doc_number: Option<String>,
    /// YYYY-MM-DD.
    pub issued_on: Option<String>,
    pub signer: Option<String>,
    /// `permanent`, a date (YYYY-MM-DD), or null when unknown.
    pub valid_until: Option<String>,
    pub validity_scope: Option<String>,
    pub dossier_code: Option<String>,
    pub procedure_code: Option<String>,
    pub result_code: Option<String>,
    pub summary: Option<String>,
    /// `valid`, `expired`, `revoked` or `superseded`, as of today (Vietnam time).
    #[schema(value_type = String, example = "valid")]
    pub state: State,
    /// Whether it can be offered for reuse: valid today.
    pub reusable: bool,
    #[schema(value_type = Object)]
    pub lifecycle: Lifecycle,
    pub sha256: String,
    pub size: u64,
    /// `pdf`, `png`, `jpeg` or `tiff`.
    pub format: String,
    pub media_type: String,
    pub pages: u32,
    pub text_source: Option<String>,
    pub ocr_confidence: Option<f64>,
    pub ingested_at: String,
    pub ingested_by: String,
    /// Where the original bytes are.
    pub content_url: String,
    /// The PDF's digital signatures, checked against the store's trust anchors: `signer`,
    /// `organization`, `signed_at`, `status` (valid | untrusted | invalid | partial |
    /// unsupported), `covers_whole_file`, `digest_algorithm`, `detail`.
    #[schema(value_type = Vec<Object>)]
    pub signatures: Vec<schemas::SignatureInfo>,
    /// The administrative units its issuer and text name: `code` (`old:H517`), `name` (with
    /// its enclosing units), `era` (`before_2025`, `from_2025`) and `source` (`issuer`, `text`).
    #[schema(value_type = Vec<Object>)]
    pub places: Vec<schemas::RecognizedPlace>,
    /// For a document cut from a scanned stack (`kho ingest --split`): `stack_sha256`,
    /// `stack_name`, `separator_page`, `first_page`, `last_page`, `blank_pages` (stack page
    /// numbers); null for a file stored as it came.
    #[schema(value_type = Option<Object>)]
    pub provenance: Option<schemas::Provenance>,
}

impl DocumentView {
    pub fn new(record: &DocumentRecord, types: &schemas::DocTypes, today: schemas::Date) -> Self {
        let m = &record.metadata;
        let state = record.state(today);
        DocumentView {
            id: record.id.clone(),
            owner_id: m.owner_id.to_string(),
            owner_name: m.owner_name.clone(),
            doc_type: m.doc_type.clone(),
            doc_type_title: types.get(&m.doc_type).map(|t| t.title.clone()),
            title: m.title.clone(),
            issuer: m.issuer.clone(),
            issuer_code: m.issuer_code.as_ref().map(|c| c.to_string()),
            doc_number: m.doc_number.clone(),
            issued_on: m.issued_on.map(iso),
            signer: m.signer.clone(),
            valid_until: match m.valid_until {
                Validity::Permanent => Some("permanent".into()),
                Validity::Until(d) => Some(iso(d)),
                Validity::Unknown => None,
            },
            validity_scope: m.validity_scope.clone(),
            dossier_code: m.dossier_code.as_ref().map(|c| c.to_string()),
            procedure_code: m.procedure_code.as_ref().map(|c| c.to_string()),
            result_code: m.result_code.as_ref().map(|c| c.to_string()),
            summary: m.summary.clone(),
            state,
            reusable: state == State::Valid,
            lifecycle: record.lifecycle.clone(),
            sha256: record.sha256.clone(),
            size: record.size,
            format: json_name(record.format),
            media_type: record.format.media_type().to_string(),
            pages: record.pages,
            text_source: record.text_source.map(json_name),
            ocr_confidence: record.ocr_confidence,
            ingested_at: rfc3339(record.ingested_at),
            ingested_by: record.ingested_by.clone(),
            content_url: format!("/api/v1/documents/{}/content", record.id),
            signatures: record.signatures.clone(),
            places: record.places.clone(),
            provenance: record.provenance.clone(),
        }
    }
}

/// A document with its lifecycle history (stored, revoked, superseded, re-extracted).
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub document: DocumentView,
    pub history: Vec<EventView>,
    /// Every reuse of the document in a dossier, oldest first: when, by whom, the dossier and
    /// the purpose.
    pub reuses: Vec<EventView>,
    /// The last background check of the original (`kho serve`'s fixity), if it has had one.
    pub fixity: Option<FixityView>,
    /// The certified copies issued of this document: `code`, `sha256`, `certified_at`,
    /// `certified_by` (who asked), `agency` and `signer` (the signing certificate),
    /// `dossier_code`.
    #[schema(value_type = Vec<Object>)]
    pub certified_copies: Vec<schemas::CertifiedCopy>,
    /// For a paper issued by an agency of a unit before 1 July 2025, what that unit is today:
    /// `unit`, `unit_code`, `abolished`, `successors` (today's units), `successor_agency` (for a
    /// people's committee), `note` (the sentence of the document page, ending with: validity is
    /// unchanged). Null for today's units.
    #[schema(value_type = Option<Object>)]
    pub issuer_today: Option<schemas::places::agency::AgencySuccession>,
}

/// A trust anchor to add: a CA certificate in PEM.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TrustAnchorRequest {
    /// Letters, digits, `-`, `_`, `.`; 1 to 64.
    pub name: String,
    /// The certificate, PEM (`-----BEGIN CERTIFICATE-----`).
    pub certificate_pem: String,
}

/// A trust anchor as listed, and what changed when it was added or removed.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrustAnchorsView {
    #[schema(value_type = Vec<Object>)]
    pub anchors: Vec<schemas::TrustAnchorInfo>,
    /// Documents whose signature status changed with this request (0 for a listing).
    pub changed_documents: usize,
}

/// The certified copies issued of a document, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertifiedCopiesView {
    /// `code`, `doc_id`, `sha256`, `certified_at`, `certified_by`, `agency`, `signer`,
    /// `dossier_code`.
    #[schema(value_type = Vec<Object>)]
    pub copies: Vec<schemas::CertifiedCopy>,
}

/// Why a certified copy is made: a clerk names the dossier it serves.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CertifyRequestBody {
    pub dossier_code: Option<String>,
    pub procedure_code: Option<String>,
    pub purpose: Option<String>,
}

impl GivesReason for CertifyRequestBody {
    fn reason_fields(&self) -> [Option<&str>; 3] {
        [
            self.dossier_code.as_deref(),
            self.procedure_code.as_deref(),
            self.purpose.as_deref(),
        ]
    }
}

/// What anyone holding a certified copy may learn (`GET /verify/{code}`, `POST /verify`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CopyVerificationView {
    /// Whether the code (or the file) is a copy this store issued, unchanged.
    pub issued_here: bool,
    /// sha256 of the file handed in (`POST /verify` only).
    pub file_sha256: Option<String>,
    /// `code`, `state` (valid | expired | revoked | superseded, today), `doc_type`,
    /// `paper_name`, `issuer`, `issued_on`, `certified_at`, `certified_by` (the agency),
    /// `copy_sha256`, `owner_hint` (initials and the last three digits of the ID).
    #[schema(value_type = Option<Object>)]
    pub copy: Option<schemas::CopyVerification>,
}

impl DocumentDetail {
    pub fn new(
        document: &archive_core::Document,
        types: &schemas::DocTypes,
        today: schemas::Date,
    ) -> Self {
        DocumentDetail {
            document: DocumentView::new(document.record(), types, today),
            history: events(document.history()),
            reuses: events(document.reuses()),
            fixity: document.fixity().cloned().map(FixityView::from),
            certified_copies: document.certified_copies().to_vec(),
            issuer_today: document.issuer_today().cloned(),
        }
    }
}

/// When the original was last re-hashed in the background, and whether it still matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct FixityView {
    /// RFC 3339, UTC.
    pub checked_at: String,
    pub ok: bool,
    pub detail: Option<String>,
}

impl From<archive_core::fixity::FixityCheck> for FixityView {
    fn from(check: archive_core::fixity::FixityCheck) -> Self {
        FixityView {
            checked_at: rfc3339(check.checked_at),
            ok: check.ok,
            detail: check.detail,
        }
    }
}

/// One ledger event: who did what to which document, when and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub seq: u64,
    /// RFC 3339, UTC.
    pub at: String,
    /// `ingest`, `read_metadata`, `search` (counts and facets about one owner's documents),
    /// `download`, `reuse`, `revoke`, `supersede`, `refused`, `fixity_failed`, `reextract`,
    /// `trust_changed`, `signatures_checked`, `certify`, `verify_copy`, `reread_places`,
    /// `import_gazetteer` or `register_dossier`; in the admin audit trail, `account`, `backup`, `trust_changed` and
    /// `import_gazetteer`.
    pub action: String,
    /// `user`, `token`, `cli`, `system` (kho's own background work) or `share` (whoever holds
    /// one of the owner's share links; `actor` is the share id).
    pub actor_kind: String,
    pub actor: String,
    /// For an API token: who made it and when ("admin quantri on 2026-12-05"). Its name is
    /// the maker's choice.
    pub actor_made_by: Option<String>,
    pub actor_role: Option<String>,
    pub agency_code: Option<String>,
    pub doc_id: Option<String>,
    pub owner_id: Option<String>,
    pub dossier_code: Option<String>,
    pub procedure_code: Option<String>,
    pub purpose: Option<String>,
    pub detail: Option<String>,
    /// For a `refused` event: the rule that refused it, as a message of the table (`code`,
    /// `params`; docs/api.md "Errors"), so that a program or a page says it in its language.
    #[schema(value_type = Option<Object>)]
    pub refusal: Option<serde_json::Value>,
}

impl EventView {
    /// The refusal in Vietnamese, for the citizen's pages.
    pub fn refusal_vi(&self) -> Option<String> {
        let message: schemas::Message = serde_json::from_value(self.refusal.clone()?).ok()?;
        Some(message.render(schemas::Lang::Vi))
    }

    /// For what a share's holder did: the purpose the citizen gave the share.
    pub fn share_purpose(&self) -> Option<&str> {
        let rest = self
            .purpose
            .as_deref()?
            .strip_prefix("opened through share ")?;
        rest.split_once(": ").map(|(_, purpose)| purpose)
    }
}

impl From<&LedgerEvent> for EventView {
    fn from(e: &LedgerEvent) -> Self {
        let n = &e.event;
        EventView {
            seq: e.seq,
            at: rfc3339(e.at),
            action: json_name(n.action),
            actor_kind: n.actor.kind.clone(),
            actor: n.actor.name.clone(),
            actor_made_by: n.actor.made_by.clone(),
            actor_role: n.actor.role.clone(),
            agency_code: n.actor.agency_code.clone(),
            doc_id: n.doc_id.clone(),
            owner_id: n.owner_id.clone(),
            dossier_code: n.dossier_code.clone(),
            procedure_code: n.procedure_code.clone(),
            purpose: n.purpose.clone(),
            detail: n.detail.clone(),
            refusal: n.refusal.clone(),
        }
    }
}

pub fn events(list: &[LedgerEvent]) -> Vec<EventView> {
    list.iter().map(EventView::from).collect()
}

/// A page of ledger events; ask for the next with `after=next_after`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub events: Vec<EventView>,
    /// The `after` of the next page, or null at the end.
    pub next_after: Option<u64>,
}

impl From<&archive_core::LedgerEvents> for EventPage {
    fn from(page: &archive_core::LedgerEvents) -> Self {
        EventPage {
            events: events(&page.events),
            next_after: page.next_after,
        }
    }
}

/// Which lines of an owner's ledger: newest first; `before` (older than that event) or `after`
/// (newer than it) page both ways; `document` and `action` filter.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinesParams {
    /// Lines of events before this sequence number (the `older` of a page).
    pub before: Option<u64>,
    /// Lines of events after this sequence number (the `newer` of a page); not with `before`
    /// (422 `ledger.cursors`).
    pub after: Option<u64>,
    /// 1 to 200 lines, default 50 (outside that, 422 `request.limit`).
    pub limit: Option<usize>,
    /// Only events about this document id.
    pub document: Option<String>,
    /// Only events of this action (`read_metadata`, `download`, `search`, `refused`, ...).
    pub action: Option<String>,
}

/// A document as a ledger line names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NamedDocumentView {
    pub id: String,
    pub doc_type: String,
    pub title: String,
}

/// One request in an owner's ledger: its events folded (a search that showed ten documents is
/// one line naming them).
#[derive(Debug, Serialize, ToSchema)]
pub struct LineView {
    /// The line's first and last event.
    pub first_seq: u64,
    pub last_seq: u64,
    /// What the events share (their `doc_id` is the first document's).
    #[serde(flatten)]
    pub event: EventView,
    pub documents: Vec<NamedDocumentView>,
}

/// A page of ledger lines, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinesPage {
    pub lines: Vec<LineView>,
    /// `after=` for newer lines, null when this page is the newest.
    pub newer: Option<u64>,
    /// `before=` for older lines, null at the oldest.
    pub older: Option<u64>,
}

impl From<&archive_core::LedgerLines> for LinesPage {
    fn from(page: &archive_core::LedgerLines) -> Self {
        LinesPage {
            lines: page
                .lines
                .iter()
                .map(|line| LineView {
                    first_seq: line.first_seq,
                    last_seq: line.last_seq,
                    event: EventView::from(&LedgerEvent {
                        seq: line.first_seq,
                        at: line.at,
                        event: line.event.clone(),
                        prev_hash: String::new(),
                        hash: String::new(),
                    }),
                    documents: line
                        .documents
                        .iter()
                        .map(|d| NamedDocumentView {
                            id: d.id.clone(),
                            doc_type: d.doc_type.clone(),
                            title: d.title.clone(),
                        })
                        .collect(),
                })
                .collect(),
            newer: page.newer,
            older: page.older,
        }
    }
}

/// Why the caller reads: required of clerks (the dossier code and purpose), recorded for all.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct ReasonParams {
    /// The dossier the document serves (AGENCY-YYMMDD-XXXX). Required of clerks.
    pub dossier_code: Option<String>,
    /// The procedure of that dossier.
    pub procedure_code: Option<String>,
    /// What the document is used for, in words. Required of clerks.
    pub purpose: Option<String>,
}

/// How an original is handed over: as a file to save (the default), or `inline=true` for a
/// viewer that shows it in the page.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContentParams {
    /// Show in the browser instead of saving (`Content-Disposition: inline`).
    pub inline: Option<bool>,
}

/// A request that says why it reads: the dossier it serves, the procedure and the purpose, each
/// as given (validated by `routes::reason_of` with what the caller's role requires of it).
pub trait GivesReason {
    fn reason_fields(&self) -> [Option<&str>; 3];
}

/// The query-string structs that carry the three reason parameters under their usual names.
macro_rules! gives_reason {
    ($($params:ty),*) => {$(
        impl GivesReason for $params {
            fn reason_fields(&self) -> [Option<&str>; 3] {
                [
                    self.dossier_code.as_deref(),
                    self.procedure_code.as_deref(),
                    self.purpose.as_deref(),
                ]
            }
        }
    )*};
}
gives_reason!(ReasonParams, SearchParams, OwnerDocsParams, PreviewParams);

impl GivesReason for ReuseRequest {
    fn reason_fields(&self) -> [Option<&str>; 3] {
        [
            Some(&self.dossier_code),
            self.procedure_code.as_deref(),
            Some(&self.purpose),
        ]
    }
}

/// A clerk takes a document for a dossier.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReuseRequest {
    pub dossier_code: String,
    pub procedure_code: Option<String>,
    pub purpose: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReuseReceipt {
    pub document: DocumentView,
    /// The ledger event that records the reuse (the owner sees it).
    pub event: EventView,
    /// The document was already reused in this dossier: the reuse is recorded again, and the
    /// clerk is warned.
    pub already_reused_in_dossier: bool,
    /// When it was first reused in this dossier (RFC 3339), if it was.
    pub earlier_reuse_at: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeRequest {
    /// Why, in words (kept in the record and the ledger).
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SupersedeRequest {
    /// The id of the newer document of the same owner.
    pub successor: String,
    /// `amend`, `supplement`, `annul`, `replace` or `correct`.
    pub reason: String,
}

/// The outcome of an upload, in the shape of one line of `kho ingest --json`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadResult {
    pub file: String,
    /// `stored` or `duplicate` (a rejected upload is a problem report).
    pub status: String,
    pub id: Option<String>,
    pub sha256: Option<String>,
    pub pages: Option<u32>,
    pub text_source: Option<String>,
    pub ocr_confidence: Option<f64>,
    pub low_confidence_pages: Vec<u32>,
    pub warnings: Vec<String>,
    /// What the extracted text suggests for the metadata (owner IDs that pass validation, the
    /// name after "Họ và tên", the issue date, the number after "Số:", the issuer's letterhead),
    /// for the operator to compare with what was given; absent for a duplicate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<SuggestionsView>,
}

/// Metadata suggested from a paper's text, to confirm: nothing here is stored as such.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct SuggestionsView {
    /// Personal IDs and enterprise codes found in the text that pass validation.
    pub owner_ids: Vec<String>,
    pub owner_name: Option<String>,
    /// YYYY-MM-DD.
    pub issued_on: Option<String>,
    /// Every date in the text, YYYY-MM-DD.
    pub dates: Vec<String>,
    pub doc_number: Option<String>,
    pub issuer: Option<String>,
}

impl From<schemas::Suggestions> for SuggestionsView {
    fn from(s: schemas::Suggestions) -> Self {
        SuggestionsView {
            owner_ids: s.owner_ids,
            owner_name: s.owner_name,
            issued_on: s.issued_on.map(iso),
            dates: s.dates.into_iter().map(iso).collect(),
            doc_number: s.doc_number,
            issuer: s.issuer,
        }
    }
}

/// Search parameters; everything `kho search` takes.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The query: words (all must match), "phrases", prefix*, -excluded, or an ID or code alone.
    pub q: Option<String>,
    pub owner: Option<String>,
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub doc_type: Option<String>,
    /// The issuing agency: every word of it, with or without diacritics, in any order ("so tai
    /// nguyen", "quang nam"); a place's name also matches the agencies of the units it became
    /// or came from on 1 July 2025.
    pub issuer: Option<String>,
    /// Issued on or after (YYYY-MM-DD or DD/MM/YYYY).
    pub from: Option<String>,
    /// Issued on or before.
    pub to: Option<String>,
    /// Only documents valid today.
    pub valid_only: Option<bool>,
    /// Only documents with a PDF signature of this status (`valid`, `untrusted`, `invalid`,
    /// `partial`, `unsupported`; the best of a document's signatures).
    pub signed: Option<String>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
    /// At most 10000.
    #[param(maximum = 10000)]
    pub offset: Option<usize>,
    /// `relevance` (default) or `issued`.
    pub sort: Option<String>,
    pub dossier_code: Option<String>,
    pub procedure_code: Option<String>,
    pub purpose: Option<String>,
    /// Only documents of this place: an old or new name, with or without diacritics or type
    /// word ("Đà Nẵng", "huyện Núi Thành", "xã Núi Thành, Đà Nẵng"), matching also the units
    /// it became or came from on 1 July 2025.
    pub place: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitView {
    pub id: String,
    pub score: f32,
    pub owner_id: String,
    pub owner_name: Option<String>,
    pub doc_type: String,
    pub title: String,
    pub issuer: Option<String>,
    /// The paper's number as written on it (số, ký hiệu: "12/KS-1975"), when recorded.
    pub doc_number: Option<String>,
    pub issued_on: Option<String>,
    #[schema(value_type = String)]
    pub state: State,
    /// Matched words marked with `<b>`, in the original text; everything else HTML-escaped.
    pub snippet: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetsView {
    pub doc_type: BTreeMap<String, u64>,
    pub issuer: BTreeMap<String, u64>,
    pub year: BTreeMap<String, u64>,
    /// Today's province of each document's main place (issuer's, else the first in its text),
    /// by full name: papers of both eras of one province count in one bucket.
    pub province: BTreeMap<String, u64>,
    /// Today's commune, where the main place lies wholly within one.
    pub commune: BTreeMap<String, u64>,
}

/// A place read in the query or given as `place`, and what it expanded to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlaceExpansionView {
    /// The words it was read from.
    pub typed: String,
    /// `query` or `filter`.
    pub from: String,
    /// The units it was read as (one; two for one name in both eras). Empty when ambiguous.
    pub units: Vec<PlaceUnitView>,
    /// The units of the other era it also matched.
    pub includes: Vec<PlaceUnitView>,
    /// "gồm cả địa danh trước 01/7/2025: ...", or why it was not expanded.
    pub note: Option<String>,
    /// Several units carry the name: searched as words only.
    pub ambiguous: bool,
    /// Up to 10 of those units.
    pub candidates: Vec<PlaceUnitView>,
}

/// A unit in an expansion.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlaceUnitView {
    pub code: String,
    pub name: String,
    /// `before_2025` or `from_2025`.
    #[schema(value_type = String)]
    pub era: schemas::places::Era,
    /// For included units: `whole` or `partial` succession.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub succession: Option<String>,
}

impl From<archive_core::search::PlaceExpansion> for PlaceExpansionView {
    fn from(e: archive_core::search::PlaceExpansion) -> Self {
        let unit = |u: archive_core::search::PlaceRef, succession: Option<String>| PlaceUnitView {
            code: u.code,
            name: u.name,
            era: u.era,
            succession,
        };
        PlaceExpansionView {
            typed: e.typed,
            from: e.from.to_string(),
            units: e.units.into_iter().map(|u| unit(u, None)).collect(),
            includes: e
                .includes
                .into_iter()
                .map(|i| {
                    let tier = schemas::json_name(i.succession);
                    unit(i.unit, Some(tier))
                })
                .collect(),
            note: e.note,
            ambiguous: e.ambiguous,
            candidates: e.candidates.into_iter().map(|u| unit(u, None)).collect(),
        }
    }
}

/// A term of the domain vocabulary read in the query ("sổ đỏ", "GCN QSDĐ", "CCCD") and what it
/// was searched as: documents of `doc_types`, or text holding the term or one of `words`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VocabularyExpansionView {
    /// The words of the query it was read from ("so do").
    pub typed: String,
    /// The term of the store's vocabulary they matched ("sổ đỏ").
    pub term: String,
    /// The document types it means.
    pub doc_types: Vec<DocTypeView>,
    /// Phrases it also means in the text.
    pub words: Vec<String>,
    /// The same in words: "“so do” (sổ đỏ): Giấy chứng nhận quyền sử dụng đất, ...".
    pub described: String,
}

/// A document type: its key and its Vietnamese title.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocTypeView {
    pub key: String,
    pub title: String,
}

impl From<archive_core::search::VocabularyExpansion> for VocabularyExpansionView {
    fn from(e: archive_core::search::VocabularyExpansion) -> Self {
        VocabularyExpansionView {
            described: e.described(),
            typed: e.typed,
            term: e.term,
            doc_types: e
                .doc_types
                .into_iter()
                .map(|t| DocTypeView {
                    key: t.key,
                    title: t.title,
                })
                .collect(),
            words: e.words,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchView {
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub hits: Vec<SearchHitView>,
    pub facets: FacetsView,
    /// The places read in the query (and the `place` filter) and what each expanded to.
    pub place_expansion: Vec<PlaceExpansionView>,
    /// The terms of the domain vocabulary read in the query (second expansion step) and what
    /// each was searched as.
    pub vocabulary_expansion: Vec<VocabularyExpansionView>,
}

impl SearchView {
    /// The page of results a search returned, asked from `offset`, `limit` at most.
    pub fn new(results: archive_core::search::SearchResults, offset: usize, limit: usize) -> Self {
        SearchView {
            total: results.total,
            offset,
            limit,
            hits: results
                .hits
                .into_iter()
                .map(|h| {
                    let m = &h.record.metadata;
                    SearchHitView {
                        id: h.record.id.clone(),
                        score: h.score,
                        owner_id: m.owner_id.to_string(),
                        owner_name: m.owner_name.clone(),
                        doc_type: m.doc_type.clone(),
                        title: m.title.clone(),
                        issuer: m.issuer.clone(),
                        doc_number: m.doc_number.clone(),
                        issued_on: m.issued_on.map(iso),
                        state: h.state,
                        snippet: h.snippet,
                    }
                })
                .collect(),
            facets: FacetsView {
                doc_type: results.facets.doc_type,
                issuer: results.facets.issuer,
                year: results.facets.year,
                province: results.facets.province,
                commune: results.facets.commune,
            },
            place_expansion: results
                .place_expansion
                .into_iter()
                .map(PlaceExpansionView::from)
                .collect(),
            vocabulary_expansion: results
                .vocabulary_expansion
                .into_iter()
                .map(VocabularyExpansionView::from)
                .collect(),
        }
    }
}

/// An owner's documents, each with its state: what they can reuse.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerDocuments {
    pub owner_id: String,
    pub documents: Vec<DocumentView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OwnerDocsParams {
    /// Only documents produced by this procedure (procedure code).
    pub procedure: Option<String>,
    /// Only documents of this type (key).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub doc_type: Option<String>,
    /// Only documents valid today.
    pub valid_only: Option<bool>,
    pub dossier_code: Option<String>,
    pub procedure_code: Option<String>,
    pub purpose: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Events after this sequence number (0: from the start).
    pub after: Option<u64>,
    /// 1 to 1000, default 100.
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewParams {
    /// Width in pixels, 64 to 1600 (default 400), rounded up to 200, 400, 800 or 1600: the
    /// preview is drawn at that width.
    #[param(minimum = 64, maximum = 1600)]
    pub width: Option<u32>,
    pub dossier_code: Option<String>,
    pub procedure_code: Option<String>,
    pub purpose: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    /// Send as `Authorization: Bearer TOKEN`. Shown once; only its hash is kept.
    pub token: String,
    /// RFC 3339, or null for a token that does not expire.
    pub expires_at: Option<String>,
    pub principal: PrincipalView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PrincipalView {
    pub name: String,
    /// `admin`, `operator`, `clerk` or `citizen`.
    pub role: String,
    pub agency_code: Option<String>,
    pub owner_id: Option<String>,
}

impl From<&Principal> for PrincipalView {
    fn from(p: &Principal) -> Self {
        PrincipalView {
            name: p.name.clone(),
            role: p.role.as_str().to_string(),
            agency_code: p.agency_code.clone(),
            owner_id: p.owner_id.clone(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    /// `admin`, `operator`, `clerk` or `citizen`.
    pub role: String,
    /// Required for a clerk.
    pub agency_code: Option<String>,
    /// Required for a citizen.
    pub owner_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewToken {
    /// What the token is for (a program's name).
    pub name: String,
    pub role: String,
    pub agency_code: Option<String>,
    pub owner_id: Option<String>,
    /// Days until it expires: 365 unless given; 0 for a token that lasts until revoked.
    pub days: Option<u32>,
}

/// A new password for a user (the password rule applies).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPassword {
    pub password: String,
}

/// One open session of a user.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// The first characters of the hash of its secret: what ends it.
    pub id: String,
    pub created_at: String,
    pub expires_at: Option<String>,
}

/// What a change of credentials ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ended {
    /// Tokens revoked, or sessions ended.
    pub ended: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    #[serde(flatten)]
    pub principal: PrincipalView,
    pub created_at: String,
    pub disabled: bool,
}

impl From<&archive_core::accounts::UserAccount> for UserView {
    fn from(a: &archive_core::accounts::UserAccount) -> Self {
        UserView {
            principal: PrincipalView::from(&a.principal),
            created_at: rfc3339(a.created_at),
            disabled: a.disabled,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub version: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    pub ready: bool,
    pub documents: u64,
    /// Catalogue changes the search index has not caught up with.
    pub index_pending: u64,
}

/// A batch run of `kho ingest`.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchView {
    pub id: u64,
    /// Who ran it (`cli:NAME`).
    pub actor: String,
    /// The manifest or paths it was run on.
    pub source: String,
    pub started_at: String,
    /// Null while it runs, and for ever if its process died (re-running it is how it resumes).
    pub finished_at: Option<String>,
    pub total: u64,
    pub stored: u64,
    pub duplicate: u64,
    pub rejected: u64,
}

impl From<&archive_core::batches::BatchRecord> for BatchView {
    fn from(b: &archive_core::batches::BatchRecord) -> Self {
        BatchView {
            id: b.id,
            actor: b.actor.clone(),
            source: b.source.clone(),
            started_at: rfc3339(b.started_at),
            finished_at: b.finished_at.map(rfc3339),
            total: b.total,
            stored: b.stored,
            duplicate: b.duplicate,
            rejected: b.rejected,
        }
    }
}

/// A backup made by `POST /api/v1/backups`: a BagIt bag that `kho import` restores.
#[derive(Debug, Serialize, ToSchema)]
pub struct BackupView {
    /// The bag's folder name, `kho-backup-YYYYMMDDTHHMMSSZ`.
    pub name: String,
    /// Where it is on the server.
    pub path: String,
    pub records: u64,
    pub blobs: u64,
    pub texts: u64,
    pub events: u64,
    /// Registered dossiers and citizens' shares (link tokens as hashes only).
    pub dossiers: u64,
    pub shares: u64,
    pub payload_bytes: u64,
    pub seconds: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchList {
    pub batches: Vec<BatchView>,
}

/// One file of a batch: its place in the batch (from 0), and its outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchLineView {
    pub index: u64,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub line: archive_core::batches::BatchLine,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchReport {
    pub batch: BatchView,
    pub lines: Vec<BatchLineView>,
    /// `from` for the next page, if there is one.
    pub next_from: Option<u64>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchLinesParams {
    /// First line (index from 0).
    pub from: Option<u64>,
    /// Lines per page (default 200, at most 1000).
    pub limit: Option<usize>,
    /// Only the rejected files.
    pub rejected_only: Option<bool>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchListParams {
    /// How many, newest first (default 30, at most 200).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<usize>,
}

/// One run of pages of a scanned stack, as it splits (`POST /api/v1/stacks`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StackSegmentView {
    /// The separator sheet's page; absent for pages before the first sheet.
    pub separator_page: Option<u32>,
    pub first_page: u32,
    pub last_page: u32,
    /// The stack's pages that make the document.
    pub pages: Vec<u32>,
    /// Blank pages of the range, dropped.
    pub blank_pages: Vec<u32>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub doc_type: Option<String>,
    pub title: Option<String>,
    pub dossier_code: Option<String>,
    pub procedure_code: Option<String>,
    /// Why it will not be stored (`no_separator`, `bad_separator`, `too_many_pages`, `empty`).
    pub problem: Option<String>,
    pub reason: Option<String>,
    pub warnings: Vec<String>,
}

/// A stack kept and its split plan: nothing is stored as documents until it is confirmed
/// (`POST /api/v1/stacks/{sha256}/split`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StackPlanView {
    pub sha256: String,
    pub file: String,
    pub pages: u32,
    pub separator_pages: Vec<u32>,
    pub blank_pages: Vec<u32>,
    /// How many documents will be stored.
    pub documents: usize,
    pub segments: Vec<StackSegmentView>,
    /// The options the plan was made with: send them back to split it.
    pub options: SplitRequest,
}

/// How to split a kept stack: the options the plan was made with.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct SplitRequest {
    pub max_pages: Option<u32>,
    #[serde(default)]
    pub keep_blank: bool,
    /// Manifest columns for what a separator leaves empty (`issuer`, `owner_name`...).
    #[serde(default)]
    pub defaults: std::collections::BTreeMap<String, String>,
}

/// What splitting a stack stored: one line per document or refused run of pages, in the shape
/// of `kho ingest --json`, and the batch it is recorded as.
#[derive(Debug, Serialize, ToSchema)]
pub struct SplitResult {
    pub stored: u64,
    pub duplicate: u64,
    pub rejected: u64,
    pub results: Vec<StackDocumentResult>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StackDocumentResult {
    pub file: String,
    /// `stored`, `duplicate` or `rejected`.
    pub status: String,
    pub id: Option<String>,
    pub pages: Option<u32>,
    pub reject_kind: Option<String>,
    /// The rejection's stable code (docs/api.md, "Errors"), and its words in the language asked.
    pub code: Option<String>,
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document's view has every metadata field of the one table, under the same name.
    #[test]
    fn a_document_view_shows_every_metadata_field() {
        let record: DocumentRecord = serde_json::from_value(serde_json::json!({
            "id": "doc", "seq": 1, "owner_id": "049075001234", "owner_name": null,
            "doc_type": "birth_certificate", "title": "Giấy khai sinh", "issuer": null,
            "issuer_code": null, "doc_number": null, "issued_on": null, "signer": null,
            "valid_until": "permanent", "validity_scope": null, "dossier_code": null,
            "procedure_code": null, "result_code": null, "summary": null,
            "sha256": "00".repeat(32), "size": 1, "format": "pdf", "pages": 1,
            "source_name": null, "ingested_at": "2026-01-01T00:00:00Z", "ingested_by": "t",
            "lifecycle": {"status": "active"},
        }))
        .unwrap();
        let view = serde_json::to_value(DocumentView::new(
            &record,
            &schemas::DocTypes::builtin(),
            schemas::today(),
        ))
        .unwrap();
        for field in schemas::METADATA_FIELDS {
            assert!(
                view.get(field.name).is_some(),
                "no {} in {view}",
                field.name
            );
        }
    }
}
