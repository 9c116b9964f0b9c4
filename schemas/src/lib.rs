//! The domain of kho, as types that can only hold valid values.
//!
//! What a stored document is ([`DocumentRecord`]), who owns it ([`OwnerId`]), what kind it is
//! ([`DocTypes`], a data table), the identifiers of Vietnamese administration ([`ids`]), dates as
//! operators type them, and the Vietnamese text rules (NFC, folding). Every validation failure
//! names the rule it broke, in words an operator understands.
//!
//! This crate does no IO: it knows nothing of files, storage or HTTP, so it can validate a
//! manifest or a form anywhere.

#![forbid(unsafe_code)]

pub mod access;
mod agencies;
mod capture;
mod date;
mod doc_types;
mod error;
pub mod feed;
mod filter;
pub mod ids;
pub mod indicators;
mod ledger;
mod manifest;
pub mod messages;
mod metadata;
pub mod places;
mod principal;
pub mod provinces;
mod record;
pub mod rescan;
mod suggest;
mod table;
mod text;
mod text_layer;
mod trust;
mod vocabulary;

pub use access::{
    policy, read_dossier_list, Caller, Credential, Dossier, DossierCheck, DossierInput, DossierRow,
    Share, ShareInput, ShareState, ShareTarget, ValidDossier, ValidShare, DOSSIER_LIST_COLUMNS,
    MAX_APPLICANTS, MAX_LINK_DAYS, MAX_SHARED_DOCUMENTS,
};
pub use agencies::{Agencies, MAX_AGENCY_ROWS};
pub use capture::{
    is_separator_payload, parse_separator, separator_payload, Provenance,
    MAX_SEPARATOR_PAYLOAD_BYTES, SEPARATOR_FIELDS, SEPARATOR_VERSION,
};
pub use date::{add_months, date_words, iso_date, parse_date, today, vn_date, VIETNAM_OFFSET};
pub use doc_types::{DocType, DocTypes, UsualValidity};
pub use error::{FieldError, FieldErrors, RuleError};
pub use feed::{EmailAddress, FeedEvent, FeedType};
pub use filter::DocumentFilter;
pub use ids::OwnerId;
pub use ledger::{AccessReason, Action, Actor, LedgerEvent, NewEvent, MAX_PURPOSE_CHARS};
pub use manifest::{
    parse_split, read_manifest, read_sheet_manifest, Manifest, ManifestError, ManifestRow,
    ManifestRowError, MAX_MANIFEST_BYTES, SPLIT_COLUMN,
};
pub use messages::{Lang, Message};
pub use metadata::{
    MetadataField, MetadataInput, MAX_FIELD_CHARS, MAX_SUMMARY_CHARS, METADATA_FIELDS,
};
pub use places::{Gazetteer, RecognizedPlace};
pub use principal::{Principal, Role, MAX_USER_NAME_CHARS};
pub use record::{
    DocumentMetadata, DocumentRecord, Format, Lifecycle, State, SupersedeReason, Validity,
};
pub use suggest::{suggest_fields, Suggestions};
pub use text::{canonical_tones, clean_text, fold, fold_first, is_invisible, is_word_char, nfc};
pub use text_layer::{DocumentText, PageSource, PageText, TextSource, LOW_OCR_CONFIDENCE};
pub use trust::{
    check_anchor_name, owner_hint, parse_verification_code, verification_code, CertifiedCopy,
    CopyQrPayload, CopyVerification, SignatureInfo, SignatureStatus, TrustAnchorInfo,
    CODE_ALPHABET, MAX_ANCHOR_NAME_CHARS,
};

pub use vocabulary::{QueryTerm, Vocabulary, VocabularyRow, MAX_VOCABULARY_ROWS};

pub use time::{Date, OffsetDateTime};

/// The name a unit enum variant has on the wire (its serde name): `FileStatus::Stored` ->
/// `"stored"`. Empty for a value that is not a plain string.
pub fn json_name<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
