//! Scanning-room capture: what a separator sheet's QR code says, and where a document cut out of
//! a scanned stack came from.
//!
//! A separator's QR payload is versioned, positional and compact (docs/capture.md):
//!
//! ```text
//! KHO1|owner_id|doc_type|dossier_code|procedure_code|owner_name|title|issuer|issuer_code|
//!      doc_number|issued_on|valid_until|result_code|signer|validity_scope|summary
//! ```
//!
//! Empty fields are unknown, trailing empty fields are left out, and `%`, `|`, CR and LF inside a
//! value are written `%25`, `%7C`, `%0D`, `%0A`. The payload is parsed into a
//! [`MetadataInput`], which is then validated exactly like a manifest row, both when the sheet is
//! printed and when the stack is split.

use crate::{nfc, MetadataInput, RuleError};
use serde::{Deserialize, Serialize};

/// The first field of every payload of this version.
pub const SEPARATOR_VERSION: &str = "KHO1";

/// The payload's fields after the version, in order: manifest column names.
pub const SEPARATOR_FIELDS: [&str; 15] = [
    "owner_id",
    "doc_type",
    "dossier_code",
    "procedure_code",
    "owner_name",
    "title",
    "issuer",
    "issuer_code",
    "doc_number",
    "issued_on",
    "valid_until",
    "result_code",
    "signer",
    "validity_scope",
    "summary",
];

/// Longest payload, in bytes: a QR code of version 25 at error correction level M holds it, which
/// the 75-mm square on the sheet keeps at about 0.6 mm a module, read at 100 dpi.
pub const MAX_SEPARATOR_PAYLOAD_BYTES: usize = 800;

/// The QR payload of a separator sheet for this metadata (as an operator gave it; validate it
/// first). Fails only when the text is too long for a QR code a scanner reads reliably.
pub fn separator_payload(metadata: &MetadataInput) -> Result<String, RuleError> {
    let mut fields: Vec<String> = SEPARATOR_FIELDS
        .iter()
        .map(|name| escape(metadata.get(name).map(str::trim).unwrap_or("")))
        .collect();
    while fields.last().is_some_and(String::is_empty) {
        fields.pop();
    }
    let payload = std::iter::once(SEPARATOR_VERSION.to_string())
        .chain(fields)
        .collect::<Vec<_>>()
        .join("|");
    if payload.len() > MAX_SEPARATOR_PAYLOAD_BYTES {
        return Err(RuleError::new(&crate::messages::SEPARATOR_TOO_LONG)
            .with("got", payload.len())
            .with("max", MAX_SEPARATOR_PAYLOAD_BYTES));
    }
    Ok(payload)
}

/// Whether a QR code's text is a kho separator's, of any version: `KHO`, digits, `|`. Other
/// codes on a page are ordinary content: a certified copy's (`KHOCOPY1|...`), a one-stop
/// system's, a product's.
pub fn is_separator_payload(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("KHO") else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && rest.as_bytes().get(digits) == Some(&b'|')
}

/// Reads a separator payload back into metadata (NFC, trimmed), without validating the values:
/// [`MetadataInput::validate`] does that, as for a manifest row.
pub fn parse_separator(payload: &str) -> Result<MetadataInput, RuleError> {
    let mut parts = payload.split('|');
    let version = parts.next().unwrap_or("");
    if version != SEPARATOR_VERSION {
        let looks_like_kho = version.len() <= 8 && version.starts_with("KHO");
        return Err(if looks_like_kho {
            RuleError::new(&crate::messages::SEPARATOR_VERSION_UNKNOWN)
                .with("got", format!("{version:?}"))
                .with("expected", SEPARATOR_VERSION)
        } else {
            RuleError::new(&crate::messages::SEPARATOR_NOT_KHO)
        });
    }
    let values: Vec<&str> = parts.collect();
    if values.len() > SEPARATOR_FIELDS.len() {
        return Err(RuleError::new(&crate::messages::SEPARATOR_FIELD_COUNT)
            .with("got", values.len())
            .with("version", SEPARATOR_VERSION)
            .with("expected", SEPARATOR_FIELDS.len()));
    }
    let mut metadata = MetadataInput::default();
    for (name, raw) in SEPARATOR_FIELDS.iter().zip(values) {
        let value = unescape(raw).map_err(|why| {
            RuleError::new(&crate::messages::SEPARATOR_FIELD)
                .with("name", name)
                .with("why", why)
        })?;
        let value = nfc(value.trim());
        if !value.is_empty() {
            metadata.set(name, value);
        }
    }
    Ok(metadata)
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '%' => out.push_str("%25"),
            '|' => out.push_str("%7C"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(value: &str) -> Result<String, String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3).unwrap_or("");
        out.push(match code {
            "25" => '%',
            "7C" | "7c" => '|',
            "0D" | "0d" => '\r',
            "0A" | "0a" => '\n',
            _ => {
                return Err(format!(
                    "%{code} is not one of the escapes %25, %7C, %0D, %0A"
                ))
            }
        });
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Where a document cut out of a scanned stack came from (`kho ingest --split`). The stack's
/// bytes are kept as a blob of their own, under this sha256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The sha256 of the whole stack as it was scanned.
    pub stack_sha256: String,
    /// The stack's file name, for orientation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_name: Option<String>,
    /// The separator sheet's page in the stack (1-based).
    pub separator_page: u32,
    /// The pages of the stack this document was cut from, the separator excluded (inclusive).
    pub first_page: u32,
    pub last_page: u32,
    /// Pages of that range found blank and left out of the document (stack page numbers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blank_pages: Vec<u32>,
}

impl Provenance {
    /// "pages 3-7" of the stack.
    pub fn page_range(&self) -> String {
        if self.first_page == self.last_page {
            format!("page {}", self.first_page)
        } else {
            format!("pages {}-{}", self.first_page, self.last_page)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_kho_and_a_version_make_a_separator() {
        use super::is_separator_payload;
        assert!(is_separator_payload("KHO1|049075001234|birth_certificate"));
        assert!(is_separator_payload("KHO2|later"));
        assert!(!is_separator_payload(
            "KHOCOPY1|000.00.00.H47-240501-0001||049075001234|Giấy khai sinh|ABCDE-12345"
        ));
        assert!(!is_separator_payload("KHO|x"));
        assert!(!is_separator_payload("KHO1"));
        assert!(!is_separator_payload("https://dichvucong.gov.vn/?KHO1|"));
    }

    use super::*;
    use proptest::prelude::*;

    fn sample() -> MetadataInput {
        let mut m = MetadataInput::default();
        m.set("owner_id", "049075001234".into());
        m.set("doc_type", "birth_certificate".into());
        m.set("dossier_code", "000.00.00.H47-240501-0001".into());
        m.set("owner_name", "Nguyễn Văn Đức".into());
        m.set("title", "Giấy khai sinh | bản chính 100%".into());
        m
    }

    #[test]
    fn payload_is_compact_and_round_trips() {
        let payload = separator_payload(&sample()).unwrap();
        assert_eq!(
            payload,
            "KHO1|049075001234|birth_certificate|000.00.00.H47-240501-0001||Nguyễn Văn Đức|Giấy khai sinh %7C bản chính 100%25"
        );
        assert_eq!(parse_separator(&payload).unwrap(), sample());
    }

    #[test]
    fn foreign_and_future_payloads_are_named() {
        let e = parse_separator("https://example.com")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a kho separator"), "{e}");
        let e = parse_separator("KHO2|x").unwrap_err().to_string();
        assert!(e.contains("version \"KHO2\""), "{e}");
        let too_many = format!("KHO1{}", "|x".repeat(16));
        let e = parse_separator(&too_many).unwrap_err().to_string();
        assert!(e.contains("16 fields"), "{e}");
        let e = parse_separator("KHO1|0490%7").unwrap_err().to_string();
        assert!(e.contains("owner_id") && e.contains("%7"), "{e}");
    }

    #[test]
    fn nfd_in_the_code_comes_back_nfc() {
        let nfd = "KHO1|049075001234|other|||Nguye\u{302}\u{303}n";
        let m = parse_separator(nfd).unwrap();
        assert_eq!(m.get("owner_name"), Some("Nguyễn"));
    }

    #[test]
    fn too_long_is_refused_with_a_reason() {
        let mut m = sample();
        m.set("summary", "dài ".repeat(300));
        let e = separator_payload(&m).unwrap_err().to_string();
        assert!(e.contains("shorten the summary"), "{e}");
    }

    proptest! {
        #[test]
        fn any_field_values_round_trip(values in proptest::collection::vec("[^\u{0}]{0,20}", 15)) {
            let mut m = MetadataInput::default();
            for (name, v) in SEPARATOR_FIELDS.iter().zip(&values) {
                let v = nfc(v.trim());
                if !v.is_empty() {
                    m.set(name, v);
                }
            }
            let payload = separator_payload(&m).unwrap();
            prop_assert_eq!(parse_separator(&payload).unwrap(), m);
        }
    }
}
