//! Digital signatures in PDFs, checked on the way in: every signature dictionary is found in the
//! raw bytes ([`byte_range`]), its byte ranges checked against the file, its CMS SignedData read
//! ([`der`], [`cms`]) and verified (the message digest of the signed bytes, the signer's
//! signature over it), and the signer's certificate chained to the store's trust anchors
//! ([`TrustStore`]). A pure function of the bytes and the anchors: it never rejects a file, never
//! touches the store, and every problem, however hostile the input, is a status and a detail.
//!
//! Revocation (OCSP, CRL) is not checked: stores often run on networks without access to the
//! CAs' responders, and a B-B signature carries no revocation data of its own.

mod byte_range;
mod cms;
pub(crate) mod der;

use cms::{Problem, SignedData};
use openssl::nid::Nid;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::{X509VerifyFlags, X509VerifyParam};
use openssl::x509::{X509NameRef, X509StoreContext, X509};
use schemas::{SignatureInfo, SignatureStatus};
use time::OffsetDateTime;

/// Bounds on what one file can make the check do.
#[derive(Debug, Clone, Copy)]
pub struct SignatureLimits {
    /// Signatures checked per file; more are counted in one `unsupported` entry.
    pub max_signatures: usize,
    /// Bytes of one signature value (DER; the hex in the file is twice that).
    pub max_contents_bytes: usize,
    /// Certificates carried by one signature.
    pub max_certificates: usize,
    /// Certificates in a chain, anchor included.
    pub max_chain_depth: u32,
}

impl Default for SignatureLimits {
    fn default() -> Self {
        SignatureLimits {
            max_signatures: 16,
            max_contents_bytes: 256 * 1024,
            max_certificates: 32,
            max_chain_depth: 8,
        }
    }
}

/// The certificates a store trusts, ready to build chains to.
#[derive(Default)]
pub struct TrustStore {
    anchors: Vec<X509>,
}

impl TrustStore {
    /// From the anchors' DER as the archive keeps them; one that does not parse is left out
    /// (it was checked when added, so this means damage, and trusting less is the safe side).
    pub fn from_der(certificates: &[Vec<u8>]) -> Self {
        TrustStore {
            anchors: certificates
                .iter()
                .filter_map(|der| X509::from_der(der).ok())
                .collect(),
        }
    }

    /// The store's current anchors.
    pub fn of_archive(archive: &archive_core::Archive) -> Result<Self, archive_core::ArchiveError> {
        Ok(Self::from_der(&archive.trust_anchor_certificates()?))
    }

    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}

/// Reads a certificate to trust from PEM or DER bytes (`kho trust add CA.pem`) and describes it.
pub fn read_anchor(name: &str, bytes: &[u8]) -> Result<archive_core::NewAnchor, String> {
    let cert = X509::from_pem(bytes)
        .or_else(|_| X509::from_der(bytes))
        .map_err(|_| "not a certificate in PEM or DER form".to_string())?;
    let der = cert
        .to_der()
        .map_err(|_| "the certificate cannot be re-encoded".to_string())?;
    let fingerprint = hex::encode(
        openssl::hash::hash(openssl::hash::MessageDigest::sha256(), &der)
            .map_err(|e| e.to_string())?,
    );
    if !cert
        .public_key()
        .is_ok_and(|key| cert.verify(&key).unwrap_or(false))
        && cert.subject_name().to_der().ok() == cert.issuer_name().to_der().ok()
    {
        return Err("the self-signed certificate's own signature does not verify".into());
    }
    Ok(archive_core::NewAnchor {
        name: name.to_string(),
        der,
        subject: one_line(cert.subject_name()),
        fingerprint,
        not_after: asn1_to_time(cert.not_after()).unwrap_or(OffsetDateTime::UNIX_EPOCH),
    })
}

/// `CN=..., O=..., C=VN`.
pub fn one_line(name: &X509NameRef) -> String {
    name.entries()
        .filter_map(|entry| {
            let key = entry.object().nid().short_name().ok()?;
            let value = entry.data().to_string().ok()?;
            Some(format!("{key}={}", schemas::nfc(&value)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn name_entry(name: &X509NameRef, nid: Nid) -> Option<String> {
    name.entries_by_nid(nid)
        .next()
        .and_then(|entry| entry.data().to_string().ok())
        .and_then(|s| schemas::clean_text(&s))
}

fn asn1_to_time(t: &openssl::asn1::Asn1TimeRef) -> Option<OffsetDateTime> {
    let epoch = openssl::asn1::Asn1Time::from_unix(0).ok()?;
    let diff = epoch.diff(t).ok()?;
    OffsetDateTime::from_unix_timestamp(i64::from(diff.days) * 86_400 + i64::from(diff.secs)).ok()
}

fn day(t: OffsetDateTime) -> String {
    schemas::iso_date(t.date())
}

/// The signatures of a file about to be stored (or stored), against the archive's current
/// anchors: none for formats other than PDF.
pub fn check_stored_format(
    archive: &archive_core::Archive,
    format: schemas::Format,
    bytes: &[u8],
) -> Result<Vec<SignatureInfo>, archive_core::ArchiveError> {
    if format != schemas::Format::Pdf {
        return Ok(Vec::new());
    }
    let trust = TrustStore::of_archive(archive)?;
    Ok(check_pdf(bytes, &trust, OffsetDateTime::now_utc()))
}

/// The signatures of a file of any kind, checked now: a PDF's (a file that starts like one, or
/// has `%PDF-` in its first kilobyte as readers accept); none for anything else.
pub fn check_any(bytes: &[u8], trust: &TrustStore) -> Vec<SignatureInfo> {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") || bytes.starts_with(b"%PDF") {
        check_pdf(bytes, trust, OffsetDateTime::now_utc())
    } else {
        Vec::new()
    }
}

/// Checks every signature of a PDF. `now` decides which certificates have expired.
pub fn check_pdf(pdf: &[u8], trust: &TrustStore, now: OffsetDateTime) -> Vec<SignatureInfo> {
    check_pdf_with(pdf, trust, now, &SignatureLimits::default())
}

pub fn check_pdf_with(
    pdf: &[u8],
    trust: &TrustStore,
    now: OffsetDateTime,
    limits: &SignatureLimits,
) -> Vec<SignatureInfo> {
    let (found, more) = byte_range::find_signatures(pdf, limits.max_signatures);
    let mut out: Vec<SignatureInfo> = found
        .iter()
        .map(|sig| check_one(pdf, sig, trust, now, limits))
        .collect();
    if more > 0 {
        out.push(SignatureInfo {
            signer: None,
            organization: None,
            signed_at: None,
            status: SignatureStatus::Unsupported,
            covers_whole_file: false,
            digest_algorithm: None,
            detail: format!(
                "{more} more signature dictionaries not checked (the limit is {} per file)",
                limits.max_signatures
            ),
        });
    }
    out
}

fn check_one(
    pdf: &[u8],
    found: &byte_range::Found<'_>,
    trust: &TrustStore,
    now: OffsetDateTime,
    limits: &SignatureLimits,
) -> SignatureInfo {
    let mut info = SignatureInfo {
        signer: None,
        organization: None,
        signed_at: found.claimed_time,
        status: SignatureStatus::Invalid,
        covers_whole_file: false,
        digest_algorithm: None,
        detail: String::new(),
    };
    let ranges = match &found.ranges {
        Ok(ranges) => *ranges,
        Err(why) => {
            info.detail = why.clone();
            return info;
        }
    };
    info.covers_whole_file = ranges.covers_whole_file;
    let conclude = |mut info: SignatureInfo, problem: Problem| {
        match problem {
            Problem::Invalid(why) => {
                info.status = SignatureStatus::Invalid;
                info.detail = why;
            }
            Problem::Unsupported(why) => {
                info.status = SignatureStatus::Unsupported;
                info.detail = why;
            }
        }
        info
    };
    match found.sub_filter.as_deref() {
        Some("adbe.pkcs7.detached" | "ETSI.CAdES.detached") => {}
        Some("adbe.pkcs7.sha1") => return conclude(
            info,
            Problem::Unsupported(
                "adbe.pkcs7.sha1 signs a SHA-1 digest of the file, which is broken; not checked"
                    .into(),
            ),
        ),
        Some("ETSI.RFC3161") => {
            return conclude(
                info,
                Problem::Unsupported(
                    "a document timestamp (ETSI.RFC3161), not a signature; not checked".into(),
                ),
            )
        }
        Some(other) => {
            return conclude(
                info,
                Problem::Unsupported(format!("the signature format /{other} is not checked")),
            )
        }
        None => {
            return conclude(
                info,
                Problem::Unsupported("the signature dictionary names no /SubFilter".into()),
            )
        }
    }
    let hex_len = found.contents_hex.len();
    if hex_len / 2 > limits.max_contents_bytes {
        return conclude(
            info,
            Problem::Unsupported(format!(
                "the signature value is {} bytes, over the limit of {}",
                hex_len / 2,
                limits.max_contents_bytes
            )),
        );
    }
    let Ok(value) = hex::decode(if hex_len % 2 == 0 {
        found.contents_hex
    } else {
        &found.contents_hex[..hex_len - 1]
    }) else {
        return conclude(
            info,
            Problem::Invalid("/Contents is not hexadecimal".into()),
        );
    };
    let signed_data = match SignedData::parse(&value, limits.max_certificates) {
        Ok(sd) => sd,
        Err(problem) => return conclude(info, problem),
    };
    info.digest_algorithm = Some(cms::digest_name(signed_data.digest_oid()));
    if let Some(at) = signed_data.signing_time() {
        info.signed_at = Some(at);
    }
    let Some(signer) = signed_data.signer_certificate() else {
        return conclude(
            info,
            Problem::Invalid("the signer's certificate is not in the signature".into()),
        );
    };
    info.signer = name_entry(signer.subject_name(), Nid::COMMONNAME);
    info.organization = name_entry(signer.subject_name(), Nid::ORGANIZATIONNAME);
    if let Err(problem) = signed_data.verify(&signer, ranges.slices(pdf)) {
        return conclude(info, problem);
    }
    let chain = check_chain(
        &signer,
        &signed_data.certificates,
        trust,
        info.signed_at,
        now,
        limits,
    );
    let (status, detail) = match chain {
        Chain::Trusted(note) => (SignatureStatus::Valid, note),
        Chain::Untrusted(why) => (SignatureStatus::Untrusted, why),
        Chain::Invalid(why) => (SignatureStatus::Invalid, why),
    };
    if !ranges.covers_whole_file && status != SignatureStatus::Invalid {
        info.status = SignatureStatus::Partial;
        info.detail = format!(
            "the signature is good for the bytes it covers, but {} bytes were added after signing \
             (an incremental update: later changes or signatures); the signer's certificate: {detail}",
            ranges.bytes_after(pdf.len())
        );
        return info;
    }
    info.status = status;
    info.detail = detail;
    info
}

enum Chain {
    Trusted(String),
    Untrusted(String),
    Invalid(String),
}

/// openssl's verification results kho names (x509_vfy.h).
const ERR_UNABLE_TO_GET_ISSUER_CERT: i32 = 2;
const ERR_CERT_SIGNATURE_FAILURE: i32 = 7;
const ERR_CERT_NOT_YET_VALID: i32 = 9;
const ERR_CERT_HAS_EXPIRED: i32 = 10;
const ERR_DEPTH_ZERO_SELF_SIGNED_CERT: i32 = 18;
const ERR_SELF_SIGNED_CERT_IN_CHAIN: i32 = 19;
const ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: i32 = 20;
const ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: i32 = 21;
const ERR_CERT_CHAIN_TOO_LONG: i32 = 22;

/// Builds the chain from the signer to an anchor at the time the signature says it was made
/// (a B-B signature has no timestamp, so that is the signer's word; without it, now).
fn check_chain(
    signer: &X509,
    carried: &[&[u8]],
    trust: &TrustStore,
    signed_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
    limits: &SignatureLimits,
) -> Chain {
    let at = signed_at.filter(|t| *t <= now).unwrap_or(now);
    let outcome = (|| -> Result<(bool, i32, String, u32), openssl::error::ErrorStack> {
        let mut param = X509VerifyParam::new()?;
        param.set_time(at.unix_timestamp() as _);
        // `set_depth` counts intermediates: the leaf and the anchor are not in it.
        param.set_depth(limits.max_chain_depth.saturating_sub(2) as _);
        param.set_flags(X509VerifyFlags::PARTIAL_CHAIN | X509VerifyFlags::USE_CHECK_TIME)?;
        let mut builder = X509StoreBuilder::new()?;
        for anchor in &trust.anchors {
            builder.add_cert(anchor.clone())?;
        }
        builder.set_param(&param)?;
        let store = builder.build();
        let mut untrusted = openssl::stack::Stack::new()?;
        for der in carried {
            if let Ok(cert) = X509::from_der(der) {
                untrusted.push(cert)?;
            }
        }
        let mut context = X509StoreContext::new()?;
        context.init(&store, signer, &untrusted, |ctx| {
            let ok = ctx.verify_cert()?;
            let error = ctx.error();
            Ok((
                ok,
                error.as_raw(),
                error.error_string().to_string(),
                ctx.error_depth(),
            ))
        })
    })();
    let (ok, code, words, depth) = match outcome {
        Ok(outcome) => outcome,
        Err(e) => {
            return Chain::Untrusted(format!("the certificate chain could not be built: {e}"))
        }
    };
    let issuer = one_line(signer.issuer_name());
    let expired_since = asn1_to_time(signer.not_after())
        .filter(|end| *end < now)
        .map(|end| format!("; the certificate has expired since, on {}", day(end)))
        .unwrap_or_default();
    let whose = if depth == 0 {
        "the signer's certificate".to_string()
    } else {
        format!("certificate {depth} of the chain")
    };
    let when = match signed_at {
        Some(t) => format!("at the signing time it states ({})", day(t)),
        None => "today (the signature states no signing time)".into(),
    };
    if ok {
        return Chain::Trusted(format!(
            "signed by a certificate that chains to a trust anchor of this store, checked {when}{expired_since}"
        ));
    }
    match code {
        ERR_UNABLE_TO_GET_ISSUER_CERT
        | ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
        | ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE
        | ERR_SELF_SIGNED_CERT_IN_CHAIN
        | ERR_DEPTH_ZERO_SELF_SIGNED_CERT => Chain::Untrusted(if trust.is_empty() {
            format!("the signature is good, but this store has no trust anchors (`kho trust add`); issuer: {issuer}")
        } else {
            format!("the signature is good, but the issuer is not among this store's trust anchors: {issuer}")
        }),
        ERR_CERT_HAS_EXPIRED => Chain::Invalid(format!("{whose} had expired {when}")),
        ERR_CERT_NOT_YET_VALID => Chain::Invalid(format!("{whose} was not yet valid {when}")),
        ERR_CERT_CHAIN_TOO_LONG => Chain::Untrusted(format!(
            "the certificate chain is longer than {} certificates (or loops)",
            limits.max_chain_depth
        )),
        ERR_CERT_SIGNATURE_FAILURE => {
            Chain::Invalid(format!("{whose} is not signed by its issuer's key"))
        }
        _ => Chain::Untrusted(format!("the certificate chain does not check: {words}")),
    }
}

/// Checks again every stored PDF that carries signatures, against the store's current anchors
/// (after `kho trust add/remove`), through the archive's service (an admin's, or the console's):
/// documents whose status changed get it and a ledger event saying `why`.
pub fn recheck_signed(
    archive: &archive_core::Archive,
    caller: &schemas::Caller,
    why: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<archive_core::SignatureRecheck, archive_core::ArchiveError> {
    let trust = TrustStore::of_archive(archive)?;
    archive.recheck_signatures(caller, why, &|bytes| check_any(bytes, &trust), progress)
}
