//! Authenticity: the digital signatures found in a stored PDF, the trust anchors they are checked
//! against, and the certified copies kho issues. Shapes and rules only; the checking is in
//! `ingest` (it needs the bytes and the crypto) and the keeping in `archive-core`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What kho concluded about one signature in a PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureStatus {
    /// The signature matches the bytes it covers, those bytes are the whole file, and the signer's
    /// certificate chains to one of this store's trust anchors.
    Valid,
    /// A good signature over the whole file, by a certificate that does not chain to a trust anchor.
    Untrusted,
    /// The signed bytes changed (digest mismatch), the signature does not verify, the dictionary
    /// lies (byte ranges outside the file, overlapping, not around /Contents), or the certificate
    /// was not valid when it signed.
    Invalid,
    /// A good signature over only part of the file: bytes were added after signing (an incremental
    /// update), so what is shown may differ from what was signed.
    Partial,
    /// A kind of signature or algorithm kho does not check (the detail says which), or one over a
    /// limit.
    Unsupported,
}

impl SignatureStatus {
    pub const ALL: [SignatureStatus; 5] = [
        SignatureStatus::Valid,
        SignatureStatus::Untrusted,
        SignatureStatus::Invalid,
        SignatureStatus::Partial,
        SignatureStatus::Unsupported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignatureStatus::Valid => "valid",
            SignatureStatus::Untrusted => "untrusted",
            SignatureStatus::Invalid => "invalid",
            SignatureStatus::Partial => "partial",
            SignatureStatus::Unsupported => "unsupported",
        }
    }

    /// The Vietnamese word shown to people.
    pub fn vietnamese(self) -> &'static str {
        match self {
            SignatureStatus::Valid => "hợp lệ",
            SignatureStatus::Untrusted => "chưa xác định được nơi cấp chứng thư",
            SignatureStatus::Invalid => "không hợp lệ",
            SignatureStatus::Partial => "tệp đã bị thêm nội dung sau khi ký",
            SignatureStatus::Unsupported => "không kiểm tra được",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::RuleError> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| {
                crate::RuleError::new(&crate::messages::SIGNATURE_STATUS)
                    .with("got", format!("{s:?}"))
            })
    }
}

/// One signature of a stored PDF, as `kho show --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureInfo {
    /// The signer certificate's common name (CN), when a certificate was found.
    pub signer: Option<String>,
    /// The signer certificate's organization (O).
    pub organization: Option<String>,
    /// When it says it was signed (the CMS signing-time attribute, else the dictionary's /M).
    /// Claimed by the signer: without a timestamp nobody vouches for it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub signed_at: Option<OffsetDateTime>,
    pub status: SignatureStatus,
    /// Whether the signed byte ranges are the whole file (nothing added after signing).
    pub covers_whole_file: bool,
    /// `sha256`, `sha384`, `sha512`, ... as found in the signature.
    #[serde(default)]
    pub digest_algorithm: Option<String>,
    /// Why this status, in words (the rule broken, the certificate problem, the limit hit).
    pub detail: String,
}

/// A certificate this store trusts as the root (or an intermediate) of signers' chains, as listed
/// by `kho trust list`. The certificate itself is kept beside it (DER).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustAnchorInfo {
    pub name: String,
    /// The certificate's subject, in one line (`CN=..., O=..., C=VN`).
    pub subject: String,
    /// sha256 of the certificate's DER, in hex.
    pub fingerprint: String,
    #[serde(with = "time::serde::rfc3339")]
    pub not_after: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
    pub added_by: String,
}

/// The longest trust anchor name.
pub const MAX_ANCHOR_NAME_CHARS: usize = 64;

/// A trust anchor's name: letters, digits, `-`, `_`, `.`, 1 to 64 characters.
pub fn check_anchor_name(name: &str) -> Result<(), crate::RuleError> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_ANCHOR_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(crate::RuleError::new(&crate::messages::TRUST_ANCHOR_NAME)
            .with("max", MAX_ANCHOR_NAME_CHARS)
            .with("got", format!("{name:?}")))
    }
}

/// A certified electronic copy kho issued: the copy's own hash (what a holder's file is checked
/// against), the document it copies, and who certified it for which dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertifiedCopy {
    /// The short verification code printed on the copy and under its QR code (`/verify/{code}`).
    pub code: String,
    pub doc_id: String,
    /// sha256 of the copy's bytes as issued.
    pub sha256: String,
    #[serde(with = "time::serde::rfc3339")]
    pub certified_at: OffsetDateTime,
    /// Who asked for the copy (user or operator name).
    pub certified_by: String,
    /// The agency that signed: the organization (O) of the signing certificate.
    pub agency: Option<String>,
    /// The signing certificate's common name.
    pub signer: Option<String>,
    /// The dossier the copy was made for, when a clerk named one.
    pub dossier_code: Option<String>,
}

/// Letters of verification codes: Crockford's base32 (no I, L, O, U), read aloud without doubt.
pub const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Turns 50 random bits into a verification code `XXXXX-XXXXX`.
pub fn verification_code(random: [u8; 8]) -> String {
    let bits = u64::from_be_bytes(random);
    let letters: String = (0..10)
        .map(|i| char::from(CODE_ALPHABET[((bits >> (i * 5)) & 31) as usize]))
        .collect();
    format!("{}-{}", &letters[..5], &letters[5..])
}

/// A verification code as typed by a person: upper-cased, `O` read as `0`, `I`/`L` as `1`, with
/// or without the dash. Errors name the rule.
pub fn parse_verification_code(input: &str) -> Result<String, crate::RuleError> {
    let letters: String = input
        .trim()
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    if letters.len() == 10 && letters.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
        Ok(format!("{}-{}", &letters[..5], &letters[5..]))
    } else {
        Err(crate::RuleError::new(&crate::messages::VERIFICATION_CODE))
    }
}

/// What the QR code on a certified copy carries: the fields of the one-stop system's result QR
/// codes (dossier code, procedure code, owner identifier, paper name), then kho's verification
/// code. One line, fields separated by `|`, empty when unknown, a version tag first so that a
/// later layout can be told apart: `KHOCOPY1|dossier|procedure|owner|paper name|code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyQrPayload {
    pub dossier_code: Option<String>,
    pub procedure_code: Option<String>,
    pub owner_id: String,
    pub paper_name: String,
    pub code: String,
}

impl CopyQrPayload {
    pub const TAG: &'static str = "KHOCOPY1";

    pub fn encode(&self) -> String {
        let clean = |s: &str| s.replace(['|', '\n', '\r'], " ");
        [
            Self::TAG.to_string(),
            clean(self.dossier_code.as_deref().unwrap_or("")),
            clean(self.procedure_code.as_deref().unwrap_or("")),
            clean(&self.owner_id),
            clean(&self.paper_name),
            clean(&self.code),
        ]
        .join("|")
    }

    pub fn decode(line: &str) -> Result<Self, crate::RuleError> {
        let fields: Vec<&str> = line.trim_end_matches(['\n', '\r']).split('|').collect();
        if fields.len() != 6 || fields[0] != Self::TAG {
            return Err(
                crate::RuleError::new(&crate::messages::COPY_QR_SHAPE).with("tag", Self::TAG)
            );
        }
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Ok(CopyQrPayload {
            dossier_code: some(fields[1]),
            procedure_code: some(fields[2]),
            owner_id: fields[3].to_string(),
            paper_name: fields[4].to_string(),
            code: parse_verification_code(fields[5])?,
        })
    }
}

/// The owner as a hint for strangers: initials of the name and the last three digits of the ID
/// (`N.V.Đ., ***234`), never the name or the ID.
pub fn owner_hint(owner_name: Option<&str>, owner_id: &str) -> String {
    let initials: String = owner_name
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|word| word.chars().next())
        .flat_map(|c| c.to_uppercase().chain(std::iter::once('.')))
        .collect();
    let digits: Vec<char> = owner_id.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(3)..].iter().collect();
    if initials.is_empty() {
        format!("***{tail}")
    } else {
        format!("{initials}, ***{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_ten_crockford_letters_and_forgive_typing() {
        let code = verification_code([0xFF, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(code.len(), 11);
        assert_eq!(parse_verification_code(&code).unwrap(), code);
        let typed = code.replace('-', "").to_lowercase();
        assert_eq!(parse_verification_code(&typed).unwrap(), code);
        assert_eq!(
            parse_verification_code("oooooiiiii").unwrap(),
            "00000-11111"
        );
        assert!(parse_verification_code("ABCDE-FGHIU").is_err());
        assert!(parse_verification_code("ABC").is_err());
        assert!(parse_verification_code("../../etc").is_err());
    }

    #[test]
    fn qr_payload_round_trips_and_cannot_be_split_by_a_field() {
        let payload = CopyQrPayload {
            dossier_code: Some("000.00.00.H47-240501-0001".into()),
            procedure_code: None,
            owner_id: "049075001234".into(),
            paper_name: "Giấy khai sinh | bản chính".into(),
            code: "ABCDE-12345".into(),
        };
        let line = payload.encode();
        assert_eq!(
            line,
            "KHOCOPY1|000.00.00.H47-240501-0001||049075001234|Giấy khai sinh   bản chính|ABCDE-12345"
        );
        let back = CopyQrPayload::decode(&line).unwrap();
        assert_eq!(back.procedure_code, None);
        assert_eq!(back.owner_id, "049075001234");
        assert!(CopyQrPayload::decode("KHOCOPY2|a|b|c|d|ABCDE-12345").is_err());
    }

    #[test]
    fn owner_hint_shows_neither_name_nor_id() {
        let hint = owner_hint(Some("Nguyễn Văn Đức"), "049075001234");
        assert_eq!(hint, "N.V.Đ., ***234");
        assert!(!hint.contains("Nguyễn") && !hint.contains("049075001234"));
        assert_eq!(owner_hint(None, "0100109106"), "***106");
    }

    #[test]
    fn statuses_parse_by_their_wire_names() {
        for status in SignatureStatus::ALL {
            assert_eq!(SignatureStatus::parse(status.as_str()).unwrap(), status);
            assert_eq!(crate::json_name(status), status.as_str());
        }
        assert!(SignatureStatus::parse("ok").is_err());
        assert!(check_anchor_name("vn-root_2019.1").is_ok());
        assert!(check_anchor_name("").is_err());
        assert!(check_anchor_name("a/b").is_err());
    }
}

/// What anyone holding a certified copy may learn about it (`/verify/{code}`, `POST /verify`,
/// `kho verify-copy`): the paper, today's state of the original, who certified the copy and
/// when, the copy's hash, and the owner only as a hint. Nothing here names the owner. Made by
/// [`crate::policy::copy_holder_view`], which decides what a stranger may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyVerification {
    pub code: String,
    /// Today's state of the original: valid, expired, revoked or superseded.
    pub state: crate::State,
    /// Key of the document type.
    pub doc_type: String,
    /// The type's Vietnamese name (the paper's name).
    pub paper_name: String,
    pub issuer: Option<String>,
    /// YYYY-MM-DD.
    pub issued_on: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub certified_at: OffsetDateTime,
    /// The agency that signed the copy.
    pub certified_by: Option<String>,
    /// sha256 of the copy as issued: a holder's file with another hash is not this copy.
    pub copy_sha256: String,
    /// Initials and the last three digits of the owner's ID.
    pub owner_hint: String,
}
