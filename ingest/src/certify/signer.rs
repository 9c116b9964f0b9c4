//! The agency's signing identity, read from a PKCS#12 file (what a CA hands out, what
//! `openssl pkcs12 -export` writes).

use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Private};
use openssl::x509::X509;

/// A private key with its certificate and the certificates of its chain.
pub struct AgencySigner {
    pub(crate) key: PKey<Private>,
    pub(crate) certificate: X509,
    pub(crate) chain: Vec<X509>,
}

impl std::fmt::Debug for AgencySigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgencySigner")
            .field("subject", &self.subject())
            .finish_non_exhaustive()
    }
}

impl AgencySigner {
    /// Opens a PKCS#12 file's bytes with its password. Errors say what to fix.
    pub fn from_pkcs12(bytes: &[u8], password: &str) -> Result<Self, String> {
        if password.contains('\0') {
            return Err("the password contains a NUL character".into());
        }
        let pkcs12 = openssl::pkcs12::Pkcs12::from_der(bytes)
            .map_err(|_| "not a PKCS#12 file (.p12/.pfx)".to_string())?;
        let parsed = pkcs12.parse2(password).map_err(|_| {
            "cannot open the PKCS#12 file: wrong password, or an encryption this OpenSSL does not \
             support (re-export it with `openssl pkcs12 -export`)"
                .to_string()
        })?;
        let key = parsed.pkey.ok_or("the PKCS#12 file holds no private key")?;
        let certificate = parsed
            .cert
            .ok_or("the PKCS#12 file holds no certificate for its key")?;
        if !matches!(key.id(), Id::RSA | Id::EC) {
            return Err("the key is neither RSA nor ECDSA; kho signs with those two".into());
        }
        if !certificate
            .public_key()
            .is_ok_and(|public| public.public_eq(&key))
        {
            return Err("the certificate in the PKCS#12 file is not the key's".into());
        }
        let chain = parsed
            .ca
            .map(|stack| stack.into_iter().collect())
            .unwrap_or_default();
        Ok(AgencySigner {
            key,
            certificate,
            chain,
        })
    }

    /// The certificate's subject in one line.
    pub fn subject(&self) -> String {
        crate::signature::one_line(self.certificate.subject_name())
    }

    /// The organization (O) of the certificate: the agency.
    pub fn organization(&self) -> Option<String> {
        self.entry(Nid::ORGANIZATIONNAME)
    }

    /// The common name (CN) of the certificate.
    pub fn common_name(&self) -> Option<String> {
        self.entry(Nid::COMMONNAME)
    }

    fn entry(&self, nid: Nid) -> Option<String> {
        self.certificate
            .subject_name()
            .entries_by_nid(nid)
            .next()
            .and_then(|e| e.data().to_string().ok())
            .and_then(|s| schemas::clean_text(&s))
    }

    pub(crate) fn is_rsa(&self) -> bool {
        self.key.id() == Id::RSA
    }
}
