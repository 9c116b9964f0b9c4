//! The CMS SignedData inside a PDF signature (RFC 5652, as PAdES and adbe.pkcs7.detached use
//! it): read with [`super::der`], checked with openssl (digests, public-key signatures).

use super::der::{self, DerError, Element, Reader};
use openssl::hash::{Hasher, MessageDigest};
use openssl::x509::X509;
use time::OffsetDateTime;

const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const ID_DATA: &str = "1.2.840.113549.1.7.1";
const CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const SIGNING_TIME: &str = "1.2.840.113549.1.9.5";

/// Why a signature cannot be called good, split the way the statuses are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The bytes or the signature do not match: `invalid`.
    Invalid(String),
    /// Something kho does not check: `unsupported`.
    Unsupported(String),
}

impl From<DerError> for Problem {
    fn from(e: DerError) -> Self {
        Problem::Invalid(format!("the signature value is not a CMS SignedData ({e})"))
    }
}

/// Which certificate signed (RFC 5652 SignerIdentifier).
#[derive(Debug, Clone, Copy)]
enum SignerId<'a> {
    IssuerSerial { issuer: &'a [u8], serial: &'a [u8] },
    KeyId(&'a [u8]),
}

/// A parsed SignedData with exactly one signer.
pub(crate) struct SignedData<'a> {
    pub certificates: Vec<&'a [u8]>,
    sid: SignerId<'a>,
    digest_oid: String,
    /// The encoded `[0]` signed attributes, when present.
    signed_attrs: Option<Element<'a>>,
    signature_oid: String,
    signature: &'a [u8],
}

/// A digest algorithm kho checks, by OID.
pub(crate) fn digest_by_oid(oid: &str) -> Result<(MessageDigest, &'static str), Problem> {
    match oid {
        "2.16.840.1.101.3.4.2.1" => Ok((MessageDigest::sha256(), "sha256")),
        "2.16.840.1.101.3.4.2.2" => Ok((MessageDigest::sha384(), "sha384")),
        "2.16.840.1.101.3.4.2.3" => Ok((MessageDigest::sha512(), "sha512")),
        "2.16.840.1.101.3.4.2.4" => Ok((MessageDigest::sha224(), "sha224")),
        "1.3.14.3.2.26" => Err(Problem::Unsupported(
            "the digest is SHA-1, which is broken (collisions can be made); kho does not accept it"
                .into(),
        )),
        other => Err(Problem::Unsupported(format!(
            "unknown digest algorithm (OID {other})"
        ))),
    }
}

/// Name of the digest algorithm of an OID, for the record, even when unsupported.
pub(crate) fn digest_name(oid: &str) -> String {
    match oid {
        "1.3.14.3.2.26" => "sha1".into(),
        "1.2.840.113549.2.5" => "md5".into(),
        other => digest_by_oid(other)
            .map(|(_, name)| name.to_string())
            .unwrap_or_else(|_| other.to_string()),
    }
}

impl<'a> SignedData<'a> {
    /// Reads the DER of a ContentInfo holding a SignedData. Trailing zero bytes (the unused
    /// part of a /Contents placeholder) are allowed; anything else after it is not.
    pub fn parse(bytes: &'a [u8], max_certificates: usize) -> Result<Self, Problem> {
        let mut outer = Reader::new(bytes);
        let content_info = outer.next(der::SEQUENCE, "ContentInfo")?;
        if outer.rest().iter().any(|&b| b != 0) {
            return Err(Problem::Invalid(
                "bytes other than padding follow the CMS structure".into(),
            ));
        }
        let mut ci = content_info.children();
        let content_type = ci.next(der::OID, "contentType")?;
        if der::oid_string(content_type.content) != SIGNED_DATA {
            return Err(Problem::Unsupported(format!(
                "the signature value is CMS content of type {}, not SignedData",
                der::oid_string(content_type.content)
            )));
        }
        let explicit = ci.next(der::CONTEXT_0, "content")?;
        let signed_data = explicit.children().next(der::SEQUENCE, "SignedData")?;
        let mut sd = signed_data.children();
        sd.next(der::INTEGER, "version")?;
        sd.next(der::SET, "digestAlgorithms")?;
        let encap = sd.next(der::SEQUENCE, "encapContentInfo")?;
        let mut encap = encap.children();
        let encap_type = der::oid_string(encap.next(der::OID, "eContentType")?.content);
        if !encap.is_empty() {
            return Err(Problem::Unsupported(
                "the signature carries its content inside (not detached): an adbe.pkcs7.sha1-style signature".into(),
            ));
        }
        if encap_type != ID_DATA {
            return Err(Problem::Unsupported(format!(
                "the signed content type is {encap_type}, not data"
            )));
        }
        let mut certificates = Vec::new();
        if let Some(certs) = sd.optional(der::CONTEXT_0, "certificates")? {
            let mut certs = certs.children();
            while !certs.is_empty() {
                let cert = certs.any("certificate")?;
                if cert.tag == der::SEQUENCE {
                    if certificates.len() == max_certificates {
                        return Err(Problem::Unsupported(format!(
                            "the signature carries more than {max_certificates} certificates"
                        )));
                    }
                    certificates.push(cert.encoded);
                }
            }
        }
        sd.optional(der::CONTEXT_1, "crls")?;
        let signer_infos = sd.next(der::SET, "signerInfos")?;
        let mut infos = signer_infos.children();
        let info = infos.next(der::SEQUENCE, "SignerInfo")?;
        if !infos.is_empty() {
            return Err(Problem::Unsupported(
                "more than one signer inside one PDF signature".into(),
            ));
        }
        let mut si = info.children();
        si.next(der::INTEGER, "SignerInfo version")?;
        let sid_element = si.any("SignerIdentifier")?;
        let sid = match sid_element.tag {
            der::SEQUENCE => {
                let mut parts = sid_element.children();
                let issuer = parts.next(der::SEQUENCE, "issuer")?.encoded;
                let serial = parts.next(der::INTEGER, "serialNumber")?.content;
                SignerId::IssuerSerial { issuer, serial }
            }
            der::CONTEXT_0_PRIMITIVE => SignerId::KeyId(sid_element.content),
            _ => {
                return Err(Problem::Invalid(
                    "the SignerIdentifier has an unknown form".into(),
                ))
            }
        };
        let digest_oid = der::oid_string(
            si.next(der::SEQUENCE, "digestAlgorithm")?
                .children()
                .next(der::OID, "digestAlgorithm")?
                .content,
        );
        let signed_attrs = si.optional(der::CONTEXT_0, "signedAttrs")?;
        let signature_oid = der::oid_string(
            si.next(der::SEQUENCE, "signatureAlgorithm")?
                .children()
                .next(der::OID, "signatureAlgorithm")?
                .content,
        );
        let signature = si.next(der::OCTET_STRING, "signature")?.content;
        Ok(SignedData {
            certificates,
            sid,
            digest_oid,
            signed_attrs,
            signature_oid,
            signature,
        })
    }

    pub fn digest_oid(&self) -> &str {
        &self.digest_oid
    }

    /// The certificate the SignerIdentifier names, among those carried.
    pub fn signer_certificate(&self) -> Option<X509> {
        self.certificates.iter().find_map(|der| {
            let cert = X509::from_der(der).ok()?;
            let matches = match self.sid {
                SignerId::IssuerSerial { issuer, serial } => {
                    cert.issuer_name().to_der().ok()?.as_slice() == issuer
                        && same_integer(&cert.serial_number().to_bn().ok()?.to_vec(), serial)
                }
                SignerId::KeyId(key_id) => cert
                    .subject_key_id()
                    .is_some_and(|id| id.as_slice() == key_id),
            };
            matches.then_some(cert)
        })
    }

    /// The signing-time attribute, if any.
    pub fn signing_time(&self) -> Option<OffsetDateTime> {
        let value = self.attribute(SIGNING_TIME).ok().flatten()?;
        parse_asn1_time(value)
    }

    /// The first value of a signed attribute.
    fn attribute(&self, oid: &str) -> Result<Option<Element<'a>>, Problem> {
        let Some(attrs) = self.signed_attrs else {
            return Ok(None);
        };
        let mut attrs = attrs.children();
        while !attrs.is_empty() {
            let attr = attrs.next(der::SEQUENCE, "Attribute")?;
            let mut parts = attr.children();
            let attr_oid = der::oid_string(parts.next(der::OID, "attrType")?.content);
            if attr_oid == oid {
                let values = parts.next(der::SET, "attrValues")?;
                return Ok(Some(values.children().any("attrValue")?));
            }
        }
        Ok(None)
    }

    /// Checks the signature over the signed ranges with the signer's key: the message digest,
    /// then the public-key signature. `Ok` means the bytes are exactly what was signed.
    pub fn verify(&self, signer: &X509, signed: [&[u8]; 2]) -> Result<(), Problem> {
        let (digest, _) = digest_by_oid(&self.digest_oid)?;
        let key = signer.public_key().map_err(|_| {
            Problem::Unsupported("the signer's public key is of a kind kho cannot read".into())
        })?;
        let verify_digest = self.signature_digest(digest)?;
        let mut verifier = openssl::sign::Verifier::new(verify_digest, &key).map_err(|_| {
            Problem::Unsupported(format!(
                "the signer's key cannot be used with {}",
                self.signature_oid
            ))
        })?;
        match self.signed_attrs {
            Some(attrs) => {
                let content_type = self
                    .attribute(CONTENT_TYPE)?
                    .map(|v| der::oid_string(v.content));
                if content_type.as_deref() != Some(ID_DATA) {
                    return Err(Problem::Invalid(
                        "the signed attributes lack the content type `data`".into(),
                    ));
                }
                let claimed = self
                    .attribute(MESSAGE_DIGEST)?
                    .filter(|v| v.tag == der::OCTET_STRING)
                    .ok_or_else(|| {
                        Problem::Invalid("the signed attributes lack the message digest".into())
                    })?;
                let actual = hash(digest, signed)?;
                if claimed.content != actual.as_slice() {
                    return Err(Problem::Invalid(
                        "digest mismatch: the signed bytes were changed after signing".into(),
                    ));
                }
                // The signature is over the attributes' DER with the SET tag (RFC 5652 5.4).
                let mut as_set = attrs.encoded.to_vec();
                as_set[0] = der::SET;
                verifier.update(&as_set).map_err(crypto_problem)?;
            }
            None => {
                for part in signed {
                    verifier.update(part).map_err(crypto_problem)?;
                }
            }
        }
        match verifier.verify(self.signature) {
            Ok(true) => Ok(()),
            Ok(false) | Err(_) => Err(Problem::Invalid(
                "the signature does not verify with the signer's certificate".into(),
            )),
        }
    }

    /// The digest the public-key signature uses: the one of the signature algorithm when it names
    /// one, else the SignerInfo's.
    fn signature_digest(&self, digest: MessageDigest) -> Result<MessageDigest, Problem> {
        let named =
            match self.signature_oid.as_str() {
                // rsaEncryption, id-ecPublicKey: the digest is the SignerInfo's.
                "1.2.840.113549.1.1.1" | "1.2.840.10045.2.1" => return Ok(digest),
                "1.2.840.113549.1.1.11" | "1.2.840.10045.4.3.2" => MessageDigest::sha256(),
                "1.2.840.113549.1.1.12" | "1.2.840.10045.4.3.3" => MessageDigest::sha384(),
                "1.2.840.113549.1.1.13" | "1.2.840.10045.4.3.4" => MessageDigest::sha512(),
                "1.2.840.113549.1.1.14" | "1.2.840.10045.4.3.1" => MessageDigest::sha224(),
                "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" => return Err(Problem::Unsupported(
                    "the signature algorithm uses SHA-1, which is broken; kho does not accept it"
                        .into(),
                )),
                "1.2.840.113549.1.1.10" => {
                    return Err(Problem::Unsupported(
                        "RSASSA-PSS signatures are not checked yet".into(),
                    ))
                }
                other => {
                    return Err(Problem::Unsupported(format!(
                        "unknown signature algorithm (OID {other})"
                    )))
                }
            };
        Ok(named)
    }
}

fn crypto_problem(_: openssl::error::ErrorStack) -> Problem {
    Problem::Invalid("the signature could not be computed over the signed bytes".into())
}

fn hash(digest: MessageDigest, parts: [&[u8]; 2]) -> Result<Vec<u8>, Problem> {
    let mut hasher = Hasher::new(digest).map_err(crypto_problem)?;
    for part in parts {
        hasher.update(part).map_err(crypto_problem)?;
    }
    Ok(hasher.finish().map_err(crypto_problem)?.to_vec())
}

/// DER INTEGER content (two's complement, maybe a leading zero) against a big-endian magnitude.
fn same_integer(magnitude: &[u8], der_content: &[u8]) -> bool {
    let strip = |b: &[u8]| -> Vec<u8> { b.iter().copied().skip_while(|&x| x == 0).collect() };
    strip(magnitude) == strip(der_content)
}

/// UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
pub(crate) fn parse_asn1_time(element: Element<'_>) -> Option<OffsetDateTime> {
    let text = std::str::from_utf8(element.content).ok()?;
    let text = text.strip_suffix('Z')?;
    let full = match element.tag {
        der::UTC_TIME if text.len() == 12 => {
            let yy: u32 = text[..2].parse().ok()?;
            format!("{}{text}", if yy >= 50 { "19" } else { "20" })
        }
        der::GENERALIZED_TIME if text.len() >= 14 => text[..14].to_string(),
        _ => return None,
    };
    super::byte_range::parse_pdf_date(&full)
}
