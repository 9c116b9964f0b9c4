//! A CMS SignedData for a PAdES baseline B-B signature (ETSI EN 319 142-1): detached, SHA-256,
//! signed attributes content-type, message-digest and signing-certificate-v2 (which binds the
//! signer's certificate to the signature), and no signing-time attribute (B-B carries the time in
//! the dictionary's /M). Written by hand with [`crate::signature::der`] because openssl's CMS
//! signing cannot add signing-certificate-v2 through the safe API.

use super::signer::AgencySigner;
use crate::signature::der::{self, encode, encode_oid, encode_parts};
use openssl::hash::{hash, MessageDigest};

const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const ID_DATA: &str = "1.2.840.113549.1.7.1";
const CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const SIGNING_CERTIFICATE_V2: &str = "1.2.840.113549.1.9.16.2.47";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const SHA256_WITH_RSA: &str = "1.2.840.113549.1.1.11";
const ECDSA_WITH_SHA256: &str = "1.2.840.10045.4.3.2";
/// `[4]` EXPLICIT: a directoryName in GeneralNames.
const DIRECTORY_NAME: u8 = 0xA4;

/// A non-negative INTEGER from big-endian magnitude bytes.
fn unsigned_integer(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = magnitude.iter().copied().skip_while(|&b| b == 0).collect();
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(&trimmed);
    encode(der::INTEGER, &content)
}

fn attribute(oid: &str, value: &[u8]) -> Vec<u8> {
    encode_parts(der::SEQUENCE, &[&encode_oid(oid), &encode(der::SET, value)])
}

/// The signature value (DER of a ContentInfo) over data whose SHA-256 is `digest`.
pub(crate) fn signed_data(signer: &AgencySigner, digest: &[u8]) -> Result<Vec<u8>, String> {
    let e = |what: &str| {
        let what = what.to_string();
        move |err: openssl::error::ErrorStack| format!("{what}: {err}")
    };
    let cert_der = signer.certificate.to_der().map_err(e("certificate"))?;
    let issuer = signer
        .certificate
        .issuer_name()
        .to_der()
        .map_err(e("issuer"))?;
    let serial = unsigned_integer(
        &signer
            .certificate
            .serial_number()
            .to_bn()
            .map_err(e("serial"))?
            .to_vec(),
    );
    let cert_hash = hash(MessageDigest::sha256(), &cert_der).map_err(e("certificate hash"))?;
    let issuer_serial = encode_parts(
        der::SEQUENCE,
        &[
            &encode(der::SEQUENCE, &encode(DIRECTORY_NAME, &issuer)),
            &serial,
        ],
    );
    // ESSCertIDv2 with the default hash algorithm (SHA-256) left out, as DER requires.
    let ess_cert_id = encode_parts(
        der::SEQUENCE,
        &[&encode(der::OCTET_STRING, &cert_hash), &issuer_serial],
    );
    let signing_certificate = encode(der::SEQUENCE, &encode(der::SEQUENCE, &ess_cert_id));
    let mut attributes = [
        attribute(CONTENT_TYPE, &encode_oid(ID_DATA)),
        attribute(MESSAGE_DIGEST, &encode(der::OCTET_STRING, digest)),
        attribute(SIGNING_CERTIFICATE_V2, &signing_certificate),
    ];
    // A SET OF is sorted by encoding in DER; the signature covers exactly these bytes.
    attributes.sort();
    let attributes = attributes.concat();
    let mut signer_ctx =
        openssl::sign::Signer::new(MessageDigest::sha256(), &signer.key).map_err(e("signer"))?;
    signer_ctx
        .update(&encode(der::SET, &attributes))
        .map_err(e("signing"))?;
    let signature = signer_ctx.sign_to_vec().map_err(e("signing"))?;
    let signature_algorithm = if signer.is_rsa() {
        der::algorithm_null(SHA256_WITH_RSA)
    } else {
        der::algorithm(ECDSA_WITH_SHA256)
    };
    let signer_info = encode_parts(
        der::SEQUENCE,
        &[
            &unsigned_integer(&[1]),
            &encode_parts(der::SEQUENCE, &[&issuer, &serial]),
            &der::algorithm(SHA256),
            &encode(der::CONTEXT_0, &attributes),
            &signature_algorithm,
            &encode(der::OCTET_STRING, &signature),
        ],
    );
    let mut certificates = cert_der;
    for cert in &signer.chain {
        certificates.extend(cert.to_der().map_err(e("chain certificate"))?);
    }
    let signed_data = encode_parts(
        der::SEQUENCE,
        &[
            &unsigned_integer(&[1]),
            &encode(der::SET, &der::algorithm(SHA256)),
            &encode(der::SEQUENCE, &encode_oid(ID_DATA)),
            &encode(der::CONTEXT_0, &certificates),
            &encode(der::SET, &signer_info),
        ],
    );
    Ok(encode_parts(
        der::SEQUENCE,
        &[
            &encode_oid(SIGNED_DATA),
            &encode(der::CONTEXT_0, &signed_data),
        ],
    ))
}

/// Room to reserve for the signature value: the certificates, the signature, the attributes,
/// with a margin.
pub(crate) fn reserve(signer: &AgencySigner) -> usize {
    let certs: usize = std::iter::once(&signer.certificate)
        .chain(&signer.chain)
        .filter_map(|c| c.to_der().ok())
        .map(|d| d.len())
        .sum();
    certs + signer.key.size() + 2048
}
