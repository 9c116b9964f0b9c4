//! Authenticity on someone's behalf: the store's trust anchors (admin configuration, and the
//! operator at the console), checking stored signatures again, certified copies (issued for a
//! reader, listed with a document) and the public check of a copy by whoever holds one.
//!
//! Checking a signature and making a copy need the bytes and cryptography, which are `ingest`'s:
//! callers pass those functions in. What is decided (who may) is [`schemas::policy`]'s; what
//! is kept and ledgered is here and in [`crate::trust`].

use super::{Reached, ReextractTarget};
use crate::trust::NewAnchor;
use crate::{Archive, ArchiveError, Result};
use schemas::policy::{self, Act};
use schemas::{
    AccessReason, Caller, CertifiedCopy, CopyVerification, DocumentRecord, Format, SignatureInfo,
    TrustAnchorInfo,
};
use std::collections::BTreeSet;

/// What checking stored signatures again did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SignatureRecheck {
    /// Originals checked again.
    pub checked: usize,
    /// The documents whose signature status changed (each with a `signatures_checked` event).
    pub changed: Vec<String>,
    /// Originals that could not be read (`kho verify` says more), with why.
    pub failed: Vec<(String, String)>,
}

/// Checks the signatures of an original (a PDF's; none for other formats), against the anchors
/// the caller read with [`Archive::trust_anchor_certificates`].
pub type SignatureCheck<'a> = &'a dyn Fn(&[u8]) -> Vec<SignatureInfo>;

impl Archive {
    /// The store's trust anchors (admins; the console).
    pub fn trust_anchors(&self, caller: &Caller) -> Result<Vec<TrustAnchorInfo>> {
        self.authorize(caller, Act::ManageTrust, None, "list trust anchors")?;
        self.anchors()
    }

    /// Trusts a CA certificate (audited). Signatures already stored keep their status until
    /// [`Archive::recheck_signatures`] runs with the new anchors.
    pub fn add_trust_anchor(&self, caller: &Caller, anchor: NewAnchor) -> Result<TrustAnchorInfo> {
        self.authorize(caller, Act::ManageTrust, None, "add a trust anchor")?;
        self.insert_anchor(anchor, caller.actor())
    }

    /// Stops trusting an anchor (audited); see [`Archive::add_trust_anchor`] for what follows.
    pub fn remove_trust_anchor(&self, caller: &Caller, name: &str) -> Result<TrustAnchorInfo> {
        self.authorize(caller, Act::ManageTrust, None, "remove a trust anchor")?;
        self.delete_anchor(name, caller.actor())
    }

    /// Checks again every stored original that carries signatures (after the anchors changed),
    /// with `check`; documents whose status changed get it and a ledger event saying `why`, and
    /// the index's `signed` filter follows. `progress` hears (done, total).
    pub fn recheck_signatures(
        &self,
        caller: &Caller,
        why: &str,
        check: SignatureCheck<'_>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<SignatureRecheck> {
        self.authorize(caller, Act::ManageTrust, None, "check signatures again")?;
        let blobs = self.signed_blobs()?;
        self.check_signatures_of(caller, &blobs, why, check, progress)
    }

    /// Reads the signatures of the PDF originals of `target` again (with re-extraction: a store
    /// from before signatures were read, a better check), like [`Archive::recheck_signatures`].
    pub fn reextract_signatures(
        &self,
        caller: &Caller,
        target: &ReextractTarget,
        check: SignatureCheck<'_>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<SignatureRecheck> {
        self.authorize(caller, Act::Reextract, None, "re-extract signatures")?;
        let mut pdfs = Vec::new();
        for sha256 in self.target_blobs(target)? {
            let ids = self.catalog.docs_with_blob(&sha256)?;
            let first = match ids.first() {
                Some(id) => self.catalog.get(id)?,
                None => None,
            };
            if first.is_some_and(|record| record.format == Format::Pdf) {
                pdfs.push(sha256);
            }
        }
        self.check_signatures_of(caller, &pdfs, "re-extraction", check, progress)
    }

    /// The blobs a re-extraction runs on.
    pub(crate) fn target_blobs(&self, target: &ReextractTarget) -> Result<BTreeSet<String>> {
        let mut blobs = BTreeSet::new();
        match target {
            ReextractTarget::All => {
                for group in self.catalog.blobs() {
                    blobs.insert(group?.0);
                }
            }
            ReextractTarget::Documents(ids) => {
                for id in ids {
                    blobs.insert(self.record(id)?.sha256);
                }
            }
        }
        Ok(blobs)
    }

    fn check_signatures_of(
        &self,
        caller: &Caller,
        blobs: &[String],
        why: &str,
        check: SignatureCheck<'_>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<SignatureRecheck> {
        let total = blobs.len() as u64;
        let mut outcome = SignatureRecheck::default();
        for (done, sha256) in (0u64..).zip(blobs) {
            progress(done, total);
            match self.read_blob(sha256, self.max_file_bytes()) {
                Ok(bytes) => {
                    let signatures = check(&bytes);
                    let changed = self.set_signatures(sha256, &signatures, caller.actor(), why)?;
                    outcome.changed.extend(changed.into_iter().map(|r| r.id));
                    outcome.checked += 1;
                }
                Err(e) => outcome.failed.push((sha256.clone(), e.to_string())),
            }
        }
        progress(total, total);
        if !outcome.changed.is_empty() {
            self.sync_index(&mut |_, _| {})?;
        }
        Ok(outcome)
    }

    /// Issues a certified copy of document `id` for `caller` (operators; clerks naming a
    /// dossier of their province, as for any read): `make` builds and signs it from the record
    /// and the verified original (`ingest`'s business). The copy is recorded, with its `certify`
    /// event in the owner's ledger (which names who asked and for which dossier), before it is
    /// returned. The copy's document, requester and dossier are the service's, whatever `make`
    /// put there.
    pub fn certify<E: From<ArchiveError>>(
        &self,
        caller: &Caller,
        id: &str,
        reason: &AccessReason,
        make: impl FnOnce(&DocumentRecord, &[u8]) -> std::result::Result<(CertifiedCopy, Vec<u8>), E>,
    ) -> std::result::Result<(CertifiedCopy, Vec<u8>), E> {
        self.authorize(caller, Act::Certify, Some(id), "certify a copy")?;
        let Reached { record, reason } = self.readable(caller, id, reason, "certify a copy")?;
        let reason = &reason;
        // A signed copy travels offline: of a revoked or superseded paper it would vouch for
        // what is no longer in force, whatever /verify says today.
        let ended = match &record.lifecycle {
            schemas::Lifecycle::Active => None,
            schemas::Lifecycle::Revoked { at, .. } => Some(
                schemas::messages::Message::new(&schemas::messages::CONFLICT_CERTIFY_REVOKED)
                    .with("date", schemas::iso_date(at.date())),
            ),
            schemas::Lifecycle::Superseded { successor, .. } => Some(
                schemas::messages::Message::new(&schemas::messages::CONFLICT_CERTIFY_SUPERSEDED)
                    .with("successor", successor),
            ),
        };
        if let Some(ended) = ended {
            return Err(ArchiveError::Conflict(ended.with("id", &record.id)).into());
        }
        let original = self.read_blob(&record.sha256, self.max_file_bytes())?;
        let (mut copy, bytes) = make(&record, &original)?;
        copy.doc_id = record.id.clone();
        copy.certified_by = caller.actor().name.clone();
        copy.dossier_code = reason.dossier_code.clone();
        self.record_certified_copy(&copy, caller.actor(), reason)?;
        Ok((copy, bytes))
    }

    /// The certified copies issued of a document, oldest first (ledgered as a read of the list).
    pub fn certified_copies(
        &self,
        caller: &Caller,
        id: &str,
        reason: &AccessReason,
    ) -> Result<Vec<CertifiedCopy>> {
        let Reached { record, reason } =
            self.readable(caller, id, reason, "list certified copies")?;
        let reason = &reason;
        self.log_reads(
            std::slice::from_ref(&record),
            caller,
            reason,
            Some("list of certified copies"),
        )?;
        self.certified_copies_of(&record.id)
    }

    /// What someone holding the copy with this verification code may learn of it (no account:
    /// [`policy::copy_holder_view`] decides what, and it names no one), its check recorded in the
    /// owner's ledger (`how`: where it was checked). `None`: no copy has this code.
    pub fn check_copy_by_code(&self, code: &str, how: &str) -> Result<Option<CopyVerification>> {
        match self.certified_copy(code)? {
            Some(copy) => self.copy_checked(&copy, how).map(Some),
            None => Ok(None),
        }
    }

    /// Like [`Archive::check_copy_by_code`], for a file handed in: the copy whose bytes hash to
    /// `sha256`, if this store issued one.
    pub fn check_copy_by_sha256(
        &self,
        sha256: &str,
        how: &str,
    ) -> Result<Option<CopyVerification>> {
        match self.certified_copy_by_sha(sha256)? {
            Some(copy) => self.copy_checked(&copy, how).map(Some),
            None => Ok(None),
        }
    }

    fn copy_checked(&self, copy: &CertifiedCopy, how: &str) -> Result<CopyVerification> {
        let record = self.log_copy_verification(copy, how)?;
        Ok(policy::copy_holder_view(
            copy,
            &record,
            self.doc_types(),
            schemas::today(),
        ))
    }
}
