//! The stored record of a document: its validated metadata, where its bytes are, and its
//! lifecycle. The record is what the catalogue keeps and what `kho show --json` prints.

use crate::ids::{AgencyCode, DossierCode, OwnerId, ProcedureCode, ResultCode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, OffsetDateTime};

/// Dates as `YYYY-MM-DD` strings. Hand-written rather than `time`'s serde helpers because those
/// reject `null` inside `#[serde(flatten)]` (it arrives as a unit, not a none).
pub(crate) mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::iso_date(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        crate::parse_date(&s).map_err(serde::de::Error::custom)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => super::serialize(d, s),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|s| crate::parse_date(&s).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

/// The file formats kho accepts, recognised by their first bytes, never by file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Png,
    Jpeg,
    Tiff,
}

impl Format {
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
            Format::Tiff => "image/tiff",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Pdf => "PDF",
            Format::Png => "PNG",
            Format::Jpeg => "JPEG",
            Format::Tiff => "TIFF",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Png => "png",
            Format::Jpeg => "jpg",
            Format::Tiff => "tif",
        }
    }
}

/// Until when a document is valid. Serialized as `"permanent"`, a date, or `null` (unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Validity {
    Permanent,
    Until(Date),
    #[default]
    Unknown,
}

impl Validity {
    /// `permanent` (or `không thời hạn`, the words the upload form's hint gives, or `vĩnh
    /// viễn`, with or without diacritics), or a date.
    pub fn parse(s: &str) -> Result<Self, crate::RuleError> {
        match crate::fold(s.trim()).as_str() {
            "permanent" | "khong thoi han" | "vinh vien" => Ok(Validity::Permanent),
            _ => crate::parse_date(s).map(Validity::Until),
        }
    }
}

impl Serialize for Validity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Validity::Permanent => s.serialize_str("permanent"),
            Validity::Until(d) => iso_date::serialize(d, s),
            Validity::Unknown => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for Validity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(Validity::Unknown),
            Some(s) => Validity::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}

/// Why a newer result replaced an older one (domain.md, "Lifecycle").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupersedeReason {
    Amend,
    Supplement,
    Annul,
    Replace,
    Correct,
}

impl SupersedeReason {
    pub const ALL: [SupersedeReason; 5] = [
        SupersedeReason::Amend,
        SupersedeReason::Supplement,
        SupersedeReason::Annul,
        SupersedeReason::Replace,
        SupersedeReason::Correct,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SupersedeReason::Amend => "amend",
            SupersedeReason::Supplement => "supplement",
            SupersedeReason::Annul => "annul",
            SupersedeReason::Replace => "replace",
            SupersedeReason::Correct => "correct",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::RuleError> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                crate::RuleError::new(&crate::messages::SUPERSEDE_REASON)
                    .with("got", format!("{s:?}"))
            })
    }
}

/// What happened to a document after it was stored. Nothing is ever deleted: a revoked or
/// superseded document stays retrievable for agencies but is never offered for reuse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Lifecycle {
    #[default]
    Active,
    Revoked {
        reason: String,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
        by: String,
    },
    Superseded {
        successor: String,
        reason: SupersedeReason,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
        by: String,
    },
}

/// The state a user sees: the lifecycle combined with the validity date and today's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Valid,
    Expired,
    Revoked,
    Superseded,
}

/// Validated metadata of one document, as given by an operator or a manifest row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMetadata {
    pub owner_id: OwnerId,
    pub owner_name: Option<String>,
    pub doc_type: String,
    pub title: String,
    pub issuer: Option<String>,
    pub issuer_code: Option<AgencyCode>,
    pub doc_number: Option<String>,
    #[serde(with = "iso_date::option")]
    pub issued_on: Option<Date>,
    pub signer: Option<String>,
    pub valid_until: Validity,
    pub validity_scope: Option<String>,
    pub dossier_code: Option<DossierCode>,
    pub procedure_code: Option<ProcedureCode>,
    pub result_code: Option<ResultCode>,
    pub summary: Option<String>,
}

/// A stored document. `id` is opaque and not guessable (archive-core's `new_record_id`); `seq`
/// orders records by catalogue insertion (what the index and replicas catch up from) and is
/// never shown as an identifier.
///
/// Written with its metadata's fields beside its own (`flatten`); read back through
/// [`FlatRecord`], the same fields in one struct (see there why).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "FlatRecord")]
pub struct DocumentRecord {
    pub id: String,
    pub seq: u64,
    #[serde(flatten)]
    pub metadata: DocumentMetadata,
    pub sha256: String,
    pub size: u64,
    pub format: Format,
    pub pages: u32,
    /// The file name it was ingested from (NFC), for the operator's orientation only.
    pub source_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub ingested_at: OffsetDateTime,
    pub ingested_by: String,
    pub lifecycle: Lifecycle,
    /// How the text was obtained; `None` when no page yielded text. The page texts themselves are
    /// kept by the catalogue beside the record, keyed by sha256.
    #[serde(default)]
    pub text_source: Option<crate::TextSource>,
    /// Mean OCR confidence over the OCR pages.
    #[serde(default)]
    pub ocr_confidence: Option<f64>,
    /// OCR pages below the review threshold.
    #[serde(default)]
    pub low_confidence_pages: Vec<u32>,
    /// The earlier record this one is probably a new scan of (kept apart, linked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescan_of: Option<String>,
    /// The digital signatures found in the original (PDFs), checked against this store's trust
    /// anchors at ingest, by `kho reextract`, and again whenever the anchors change.
    #[serde(default)]
    pub signatures: Vec<crate::SignatureInfo>,
    /// For a document cut out of a scanned stack (`kho ingest --split`): the stack and its pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::Provenance>,
    /// The administrative units its issuer and text name (`places::recognize`), set at ingest
    /// and re-extraction; what the index files it under, in both eras.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<crate::RecognizedPlace>,
}

/// [`DocumentRecord`] as it is read: every field of the record and of its metadata side by
/// side, with the attributes both structs give them. serde reads a `flatten`ed struct by first
/// copying every field of the object into a buffer of its own and then reading from that; a
/// record read this way took 6.8 µs, read directly 4.4 µs (docs/benchmarks.md, "Ledger appends
/// grouped"). A search reads each of its hits; `kho reindex` every record. A field added to
/// `DocumentRecord` and not here does not compile (the conversion below names them all), one
/// added here and not there is never read (a warning); the round-trip tests check the
/// attributes.
#[derive(Deserialize)]
struct FlatRecord {
    id: String,
    seq: u64,
    owner_id: OwnerId,
    owner_name: Option<String>,
    doc_type: String,
    title: String,
    issuer: Option<String>,
    issuer_code: Option<AgencyCode>,
    doc_number: Option<String>,
    #[serde(with = "iso_date::option")]
    issued_on: Option<Date>,
    signer: Option<String>,
    valid_until: Validity,
    validity_scope: Option<String>,
    dossier_code: Option<DossierCode>,
    procedure_code: Option<ProcedureCode>,
    result_code: Option<ResultCode>,
    summary: Option<String>,
    sha256: String,
    size: u64,
    format: Format,
    pages: u32,
    source_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    ingested_at: OffsetDateTime,
    ingested_by: String,
    lifecycle: Lifecycle,
    #[serde(default)]
    text_source: Option<crate::TextSource>,
    #[serde(default)]
    ocr_confidence: Option<f64>,
    #[serde(default)]
    low_confidence_pages: Vec<u32>,
    #[serde(default)]
    rescan_of: Option<String>,
    #[serde(default)]
    signatures: Vec<crate::SignatureInfo>,
    #[serde(default)]
    provenance: Option<crate::Provenance>,
    #[serde(default)]
    places: Vec<crate::RecognizedPlace>,
}

impl From<FlatRecord> for DocumentRecord {
    fn from(flat: FlatRecord) -> Self {
        DocumentRecord {
            id: flat.id,
            seq: flat.seq,
            metadata: DocumentMetadata {
                owner_id: flat.owner_id,
                owner_name: flat.owner_name,
                doc_type: flat.doc_type,
                title: flat.title,
                issuer: flat.issuer,
                issuer_code: flat.issuer_code,
                doc_number: flat.doc_number,
                issued_on: flat.issued_on,
                signer: flat.signer,
                valid_until: flat.valid_until,
                validity_scope: flat.validity_scope,
                dossier_code: flat.dossier_code,
                procedure_code: flat.procedure_code,
                result_code: flat.result_code,
                summary: flat.summary,
            },
            sha256: flat.sha256,
            size: flat.size,
            format: flat.format,
            pages: flat.pages,
            source_name: flat.source_name,
            ingested_at: flat.ingested_at,
            ingested_by: flat.ingested_by,
            lifecycle: flat.lifecycle,
            text_source: flat.text_source,
            ocr_confidence: flat.ocr_confidence,
            low_confidence_pages: flat.low_confidence_pages,
            rescan_of: flat.rescan_of,
            signatures: flat.signatures,
            provenance: flat.provenance,
            places: flat.places,
        }
    }
}

impl DocumentRecord {
    /// Copies the summary of the page texts (source, confidence, pages to review) into the record.
    pub fn set_text_summary(&mut self, text: &crate::DocumentText) {
        self.text_source = text.source();
        self.ocr_confidence = text.ocr_confidence();
        self.low_confidence_pages = text.low_confidence_pages();
    }

    /// The best status among the record's signatures, for the index's `signed` filter: a
    /// document with one valid signature is `valid` even if a later one is partial.
    pub fn signed_status(&self) -> Option<crate::SignatureStatus> {
        use crate::SignatureStatus::*;
        [Valid, Partial, Untrusted, Invalid, Unsupported]
            .into_iter()
            .find(|status| self.signatures.iter().any(|s| s.status == *status))
    }

    pub fn state(&self, today: Date) -> State {
        match &self.lifecycle {
            Lifecycle::Revoked { .. } => State::Revoked,
            Lifecycle::Superseded { .. } => State::Superseded,
            Lifecycle::Active => match self.metadata.valid_until {
                Validity::Until(until) if until < today => State::Expired,
                _ => State::Valid,
            },
        }
    }
}

/// A record to test rules on (the policy's, the filters'): an active birth certificate of
/// `owner`, valid for ever.
#[cfg(test)]
pub(crate) fn sample(owner: &str) -> DocumentRecord {
    use time::macros::{date, datetime};
    DocumentRecord {
        id: "x".into(),
        seq: 1,
        metadata: DocumentMetadata {
            owner_id: OwnerId::parse(owner).unwrap(),
            owner_name: Some("Nguyễn Văn Đức".into()),
            doc_type: "birth_certificate".into(),
            title: "Giấy khai sinh".into(),
            issuer: None,
            issuer_code: None,
            doc_number: None,
            issued_on: Some(date!(2020 - 01 - 02)),
            signer: None,
            valid_until: Validity::Permanent,
            validity_scope: None,
            dossier_code: None,
            procedure_code: None,
            result_code: None,
            summary: None,
        },
        sha256: "00".repeat(32),
        size: 3,
        format: Format::Pdf,
        pages: 1,
        source_name: None,
        ingested_at: datetime!(2026-01-01 0:00 UTC),
        ingested_by: "test".into(),
        lifecycle: Lifecycle::Active,
        text_source: None,
        ocr_confidence: None,
        low_confidence_pages: vec![],
        rescan_of: None,
        signatures: vec![],
        provenance: None,
        places: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    /// The upload form's hint says "không thời hạn": what it says is taken, typed either way.
    #[test]
    fn validity_in_words_as_the_form_hints() {
        for typed in ["không thời hạn", "Khong thoi han", "vĩnh viễn", "permanent"] {
            assert_eq!(Validity::parse(typed), Ok(Validity::Permanent), "{typed}");
        }
        assert!(Validity::parse("không").is_err());
    }

    fn record(valid_until: Validity) -> DocumentRecord {
        let mut record = sample("049075001234");
        record.metadata.valid_until = valid_until;
        record
    }

    #[test]
    fn state_follows_validity_and_lifecycle() {
        let today = date!(2026 - 06 - 01);
        assert_eq!(record(Validity::Permanent).state(today), State::Valid);
        assert_eq!(
            record(Validity::Until(date!(2026 - 05 - 31))).state(today),
            State::Expired
        );
        assert_eq!(record(Validity::Until(today)).state(today), State::Valid);
        let mut r = record(Validity::Permanent);
        r.lifecycle = Lifecycle::Revoked {
            reason: "cấp sai".into(),
            at: datetime!(2026-02-01 0:00 UTC),
            by: "op".into(),
        };
        assert_eq!(r.state(today), State::Revoked);
    }

    #[test]
    fn json_round_trip_is_flat_and_readable() {
        let r = record(Validity::Until(date!(2027 - 01 - 31)));
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["owner_id"], "049075001234");
        assert_eq!(json["issued_on"], "2020-01-02");
        assert_eq!(json["valid_until"], "2027-01-31");
        assert_eq!(json["lifecycle"]["status"], "active");
        let back: DocumentRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
        let permanent = serde_json::to_value(record(Validity::Permanent)).unwrap();
        assert_eq!(permanent["valid_until"], "permanent");
        let unknown = serde_json::to_value(record(Validity::Unknown)).unwrap();
        assert!(unknown["valid_until"].is_null());
    }

    /// A record with every field given: read (through [`FlatRecord`]), written (the derived,
    /// flattened form) and read again, from bytes as the catalogue keeps them, it is the same,
    /// and the JSON is the same.
    #[test]
    fn every_field_is_read_back_as_written() {
        let json = serde_json::json!({
            "id": "e42fjr5nsanvwfrpsaupdwo3kw", "seq": 9376,
            "owner_id": "017316709271", "owner_name": "Võ Thanh Phương",
            "doc_type": "birth_certificate", "title": "Giấy khai sinh",
            "issuer": "Ủy ban nhân dân xã Khuê Ngọc Điền", "issuer_code": "H47.15",
            "doc_number": "151/2020", "issued_on": "2020-11-03", "signer": "Lê Văn Tám",
            "valid_until": "2030-12-31", "validity_scope": "toàn quốc",
            "dossier_code": "000.00.00.H47-240501-0001", "procedure_code": "1.001193",
            "result_code": "000.00.00.H47-240501-0001-KQ2", "summary": "bản chính",
            "sha256": "57".repeat(32), "size": 1967, "format": "pdf", "pages": 3,
            "source_name": "giấy khai sinh.pdf", "ingested_at": "2026-12-06T09:44:32.821049486Z",
            "ingested_by": "op", "text_source": "mixed", "ocr_confidence": 90.5,
            "low_confidence_pages": [2], "rescan_of": "abc",
            "lifecycle": {"status": "superseded", "successor": "def", "reason": "correct",
                          "at": "2026-12-07T00:00:00Z", "by": "op"},
            "signatures": [{"signer": "A", "organization": "UBND", "signed_at": "2026-01-01T00:00:00Z",
                            "status": "valid", "covers_whole_file": true,
                            "digest_algorithm": "sha256", "detail": "ok"}],
            "provenance": {"stack_sha256": "ab".repeat(32), "stack_name": "lô 1.pdf",
                           "separator_page": 1, "first_page": 2, "last_page": 4, "blank_pages": [3]},
            "places": [{"code": "old:X24475", "name": "xã Khuê Ngọc Điền", "era": "before_2025",
                        "source": "issuer"}],
        });
        let record: DocumentRecord = serde_json::from_slice(json.to_string().as_bytes()).unwrap();
        let written = serde_json::to_vec(&record).unwrap();
        let back: DocumentRecord = serde_json::from_slice(&written).unwrap();
        assert_eq!(back, record);
        let written: serde_json::Value = serde_json::from_slice(&written).unwrap();
        assert_eq!(written, json);
    }

    /// A record written before its later fields existed reads with their defaults; one without
    /// a field that has none is refused, naming it.
    #[test]
    fn older_records_read_with_defaults() {
        let mut json = serde_json::to_value(record(Validity::Permanent)).unwrap();
        let fields = json.as_object_mut().unwrap();
        for later in [
            "text_source",
            "ocr_confidence",
            "low_confidence_pages",
            "rescan_of",
            "signatures",
            "provenance",
            "places",
        ] {
            fields.remove(later);
        }
        let back: DocumentRecord = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, record(Validity::Permanent));
        json.as_object_mut().unwrap().remove("issued_on");
        let refused = serde_json::from_value::<DocumentRecord>(json).unwrap_err();
        assert!(refused.to_string().contains("issued_on"), "{refused}");
    }
}
