//! A certificate authority of the tests' own, made with the `openssl` command (no network): a
//! root, an agency certificate issued by it and the agency's PKCS#12; plus the odd certificates
//! the hostile cases need (expired, a chain that loops), and the tools that check signatures
//! from outside kho: poppler's `pdfsig` with an NSS database, pyHanko as another signer.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The password of every PKCS#12 file made here.
pub const P12_PASSWORD: &str = "mật-khẩu thử";

pub struct Pki {
    pub dir: tempfile::TempDir,
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("run openssl");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Pki {
    /// Makes the root and the agency (Vietnamese names, UTF-8) in a new folder.
    pub fn new() -> Pki {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = |name: &str| dir.path().join(name);
        std::fs::write(
            p("ca.ext"),
            "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n",
        )
        .unwrap();
        std::fs::write(
            p("leaf.ext"),
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
        )
        .unwrap();
        run(Command::new("openssl").current_dir(dir.path()).args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "3650",
            "-utf8",
            "-subj",
            "/C=VN/O=Cơ quan chứng thực thử nghiệm/CN=Kho Test Root CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]));
        run(Command::new("openssl").current_dir(dir.path()).args([
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "agency.key",
            "-out",
            "agency.csr",
            "-utf8",
            "-subj",
            "/C=VN/O=UBND xã Núi Thành/CN=Bộ phận Một cửa xã Núi Thành",
        ]));
        run(Command::new("openssl").current_dir(dir.path()).args([
            "x509",
            "-req",
            "-in",
            "agency.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "agency.pem",
            "-days",
            "825",
            "-extfile",
            "leaf.ext",
        ]));
        run(Command::new("openssl")
            .current_dir(dir.path())
            .args([
                "pkcs12",
                "-export",
                "-inkey",
                "agency.key",
                "-in",
                "agency.pem",
                "-certfile",
                "ca.pem",
                "-out",
                "agency.p12",
                "-passout",
            ])
            .arg(format!("pass:{P12_PASSWORD}")));
        Pki { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn ca_pem(&self) -> PathBuf {
        self.path("ca.pem")
    }

    pub fn agency_p12(&self) -> PathBuf {
        self.path("agency.p12")
    }

    /// An NSS database trusting the root, for `pdfsig -nssdir`.
    pub fn nss_db(&self) -> PathBuf {
        let db = self.path("nss");
        if !db.exists() {
            std::fs::create_dir_all(&db).unwrap();
            run(Command::new("certutil")
                .args(["-N", "--empty-password", "-d"])
                .arg(format!("sql:{}", db.display())));
            run(Command::new("certutil")
                .args(["-A", "-n", "kho-test-root", "-t", "CT,C,C", "-i"])
                .arg(self.ca_pem())
                .arg("-d")
                .arg(format!("sql:{}", db.display())));
        }
        db
    }

    /// `pdfsig`'s report on a file, checked against the root. pdfsig exits 0 even on a digest
    /// mismatch: read its words.
    pub fn pdfsig(&self, pdf: &Path) -> String {
        let out = Command::new("pdfsig")
            .arg("-nssdir")
            .arg(format!("sql:{}", self.nss_db().display()))
            .arg(pdf)
            .output()
            .expect("run pdfsig (poppler-utils)");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    /// Signs `input` with pyHanko (another signer than kho) as the agency, to `output`.
    pub fn pyhanko_sign(&self, input: &Path, output: &Path) {
        let script = r#"
import sys
from pyhanko.sign import signers
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
inp, out, key, cert, ca = sys.argv[1:6]
signer = signers.SimpleSigner.load(key, cert, ca_chain_files=(ca,))
with open(inp, 'rb') as f:
    writer = IncrementalPdfFileWriter(f)
    meta = signers.PdfSignatureMetadata(field_name='Signature1')
    with open(out, 'wb') as o:
        signers.sign_pdf(writer, meta, signer=signer, output=o)
"#;
        let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/py/bin/python");
        let out = Command::new(python)
            .arg("-c")
            .arg(script)
            .arg(input)
            .arg(output)
            .arg(self.path("agency.key"))
            .arg(self.path("agency.pem"))
            .arg(self.ca_pem())
            .output()
            .expect("run pyHanko (scripts/setup.sh installs it in target/py)");
        assert!(
            out.status.success(),
            "pyHanko failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A PKCS#12 whose certificate (issued by the root) expired yesterday, valid for the ten
    /// days before. Made with the openssl library: the command cannot backdate.
    pub fn expired_p12(&self) -> PathBuf {
        let path = self.path("expired.p12");
        let ca_key = read_key(&self.path("ca.key"));
        let ca = read_cert(&self.ca_pem());
        let key = new_key();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let cert = issue(
            "Hết hạn",
            &key,
            ca.subject_name(),
            &ca_key,
            now - 10 * 86_400,
            now - 86_400,
            false,
        );
        write_p12(&path, &key, &cert, &[ca]);
        path
    }

    /// A PKCS#12 whose issuer chain loops: intermediates A and B each issued by the other, the
    /// signer issued by A, every certificate carried in the signature.
    pub fn looping_p12(&self) -> PathBuf {
        let path = self.path("loop.p12");
        let (key_a, key_b, leaf_key) = (new_key(), new_key(), new_key());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let name = |cn: &str| {
            let mut n = openssl::x509::X509NameBuilder::new().unwrap();
            n.append_entry_by_text("CN", cn).unwrap();
            n.build()
        };
        let (name_a, name_b) = (name("Loop A"), name("Loop B"));
        let a = issue_named(
            &name_a,
            &key_a,
            &name_b,
            &key_b,
            now - 86_400,
            now + 86_400 * 30,
            true,
        );
        let b = issue_named(
            &name_b,
            &key_b,
            &name_a,
            &key_a,
            now - 86_400,
            now + 86_400 * 30,
            true,
        );
        let leaf = issue(
            "Vòng lặp",
            &leaf_key,
            &name_a,
            &key_a,
            now - 86_400,
            now + 86_400 * 30,
            false,
        );
        write_p12(&path, &leaf_key, &leaf, &[a, b]);
        path
    }
}

impl Default for Pki {
    fn default() -> Self {
        Pki::new()
    }
}

use openssl::pkey::{PKey, Private};
use openssl::x509::{X509Name, X509NameRef, X509};

fn read_key(path: &Path) -> PKey<Private> {
    PKey::private_key_from_pem(&std::fs::read(path).unwrap()).unwrap()
}

fn read_cert(path: &Path) -> X509 {
    X509::from_pem(&std::fs::read(path).unwrap()).unwrap()
}

fn new_key() -> PKey<Private> {
    PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap()
}

fn issue(
    cn: &str,
    key: &PKey<Private>,
    issuer: &X509NameRef,
    issuer_key: &PKey<Private>,
    not_before: i64,
    not_after: i64,
    ca: bool,
) -> X509 {
    let mut subject = openssl::x509::X509NameBuilder::new().unwrap();
    subject.append_entry_by_text("C", "VN").unwrap();
    subject.append_entry_by_text("O", "UBND xã Thử").unwrap();
    subject.append_entry_by_text("CN", cn).unwrap();
    issue_named(
        &subject.build(),
        key,
        issuer,
        issuer_key,
        not_before,
        not_after,
        ca,
    )
}

fn issue_named(
    subject: &X509Name,
    key: &PKey<Private>,
    issuer: &X509NameRef,
    issuer_key: &PKey<Private>,
    not_before: i64,
    not_after: i64,
    ca: bool,
) -> X509 {
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    let mut serial = openssl::bn::BigNum::new().unwrap();
    serial
        .rand(64, openssl::bn::MsbOption::MAYBE_ZERO, false)
        .unwrap();
    b.set_serial_number(&serial.to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(subject).unwrap();
    b.set_issuer_name(issuer).unwrap();
    b.set_pubkey(key).unwrap();
    b.set_not_before(&openssl::asn1::Asn1Time::from_unix(not_before).unwrap())
        .unwrap();
    b.set_not_after(&openssl::asn1::Asn1Time::from_unix(not_after).unwrap())
        .unwrap();
    let mut constraints = openssl::x509::extension::BasicConstraints::new();
    if ca {
        constraints.ca();
    }
    b.append_extension(constraints.build().unwrap()).unwrap();
    b.sign(issuer_key, openssl::hash::MessageDigest::sha256())
        .unwrap();
    b.build()
}

fn write_p12(path: &Path, key: &PKey<Private>, cert: &X509, chain: &[X509]) {
    let mut stack = openssl::stack::Stack::new().unwrap();
    for c in chain {
        stack.push(c.clone()).unwrap();
    }
    let p12 = openssl::pkcs12::Pkcs12::builder()
        .name("kho test")
        .pkey(key)
        .cert(cert)
        .ca(stack)
        .build2(P12_PASSWORD)
        .unwrap();
    std::fs::write(path, p12.to_der().unwrap()).unwrap();
}
