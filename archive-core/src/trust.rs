//! Authenticity kept per store: the trust anchors that PDF signatures are checked against, the
//! signature state of records, and the certified copies this store issued.
//!
//! Trees: `trust_anchors` (name -> [`StoredAnchor`]), `signed_blobs` (sha256 of a blob whose
//! records carry signatures -> nothing: what to check again when the anchors change),
//! `certified_copies` (verification code -> [`CertifiedCopy`]), `copy_sha` (sha256 of a copy ->
//! code) and `doc_copies` (record id, NUL, code -> nothing).
//!
//! Checking a signature needs the bytes and cryptography, so it happens in `ingest`; this module
//! keeps what was concluded, and puts every change in the ledger. Like accounts, anchors and
//! copies belong to a node: they are not in the bucket's journal.

use crate::archive::Archive;
use crate::catalog::codec::{decode, encode};
use crate::{ArchiveError, Result};
use base64::Engine;
use schemas::{
    AccessReason, Action, Actor, CertifiedCopy, DocumentRecord, NewEvent, SignatureInfo,
    TrustAnchorInfo,
};
use time::OffsetDateTime;

const ANCHORS: &str = "trust_anchors";
const SIGNED_BLOBS: &str = "signed_blobs";
const COPIES: &str = "certified_copies";
const COPY_SHA: &str = "copy_sha";
const DOC_COPIES: &str = "doc_copies";

/// A certificate to trust, already parsed and described by the caller (`ingest::signature`).
#[derive(Debug, Clone)]
pub struct NewAnchor {
    pub name: String,
    pub der: Vec<u8>,
    pub subject: String,
    pub fingerprint: String,
    pub not_after: OffsetDateTime,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredAnchor {
    #[serde(flatten)]
    info: TrustAnchorInfo,
    /// The certificate, DER in base64.
    der: String,
}

/// "valid, partial" — the statuses of a list of signatures, for ledger details.
fn statuses(signatures: &[SignatureInfo]) -> String {
    if signatures.is_empty() {
        return "none".into();
    }
    signatures
        .iter()
        .map(|s| s.status.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Archive {
    fn tree(&self, name: &str) -> Result<sled::Tree> {
        self.catalog.named_tree(name)
    }

    fn sled_err(&self) -> impl Fn(sled::Error) -> ArchiveError + '_ {
        |source| ArchiveError::Catalog {
            path: self.root().join("catalog"),
            source,
        }
    }

    /// The store's trust anchors, by name.
    pub(crate) fn anchors(&self) -> Result<Vec<TrustAnchorInfo>> {
        self.stored_anchors()
            .map(|anchors| anchors.into_iter().map(|(info, _)| info).collect())
    }

    /// The anchors' certificates (DER), what a signature check builds its store from.
    pub fn trust_anchor_certificates(&self) -> Result<Vec<Vec<u8>>> {
        self.stored_anchors()
            .map(|anchors| anchors.into_iter().map(|(_, der)| der).collect())
    }

    fn stored_anchors(&self) -> Result<Vec<(TrustAnchorInfo, Vec<u8>)>> {
        let mut out = Vec::new();
        for entry in self.tree(ANCHORS)?.iter() {
            let (key, bytes) = entry.map_err(self.sled_err())?;
            let name = String::from_utf8_lossy(&key).into_owned();
            let stored: StoredAnchor = decode(&format!("trust anchor {name}"), &bytes)?;
            let der = base64::engine::general_purpose::STANDARD
                .decode(&stored.der)
                .map_err(|e| ArchiveError::Damaged {
                    key: format!("trust anchor {name}"),
                    detail: e.to_string(),
                })?;
            out.push((stored.info, der));
        }
        Ok(out)
    }

    /// Adds a trust anchor (audited). A name or certificate already present is a conflict.
    pub(crate) fn insert_anchor(
        &self,
        anchor: NewAnchor,
        actor: &Actor,
    ) -> Result<TrustAnchorInfo> {
        schemas::check_anchor_name(&anchor.name).map_err(|rule| rule.at("name", &anchor.name))?;
        let existing = self.anchors()?;
        if existing.iter().any(|a| a.name == anchor.name) {
            return Err(ArchiveError::Conflict(
                schemas::messages::Message::new(&schemas::messages::CONFLICT_ANCHOR_NAME)
                    .with("name", &anchor.name),
            ));
        }
        if let Some(same) = existing
            .iter()
            .find(|a| a.fingerprint == anchor.fingerprint)
        {
            return Err(ArchiveError::Conflict(
                schemas::messages::Message::new(&schemas::messages::CONFLICT_ANCHOR_TRUSTED)
                    .with("name", &same.name),
            ));
        }
        let info = TrustAnchorInfo {
            name: anchor.name.clone(),
            subject: anchor.subject,
            fingerprint: anchor.fingerprint,
            not_after: anchor.not_after,
            added_at: OffsetDateTime::now_utc(),
            added_by: actor.name.clone(),
        };
        let stored = StoredAnchor {
            info: info.clone(),
            der: base64::engine::general_purpose::STANDARD.encode(&anchor.der),
        };
        let mut event = NewEvent::new(Action::TrustChanged, actor);
        event.detail = Some(format!(
            "trust anchor added: {} ({}, sha256 {})",
            info.name, info.subject, info.fingerprint
        ));
        self.catalog
            .append_events(std::slice::from_ref(&event), info.added_at)?;
        self.tree(ANCHORS)?
            .insert(anchor.name.as_bytes(), encode(&stored)?)
            .map_err(self.sled_err())?;
        self.flush()?;
        Ok(info)
    }

    /// Removes a trust anchor (audited).
    pub(crate) fn delete_anchor(&self, name: &str, actor: &Actor) -> Result<TrustAnchorInfo> {
        let Some(info) = self.anchors()?.into_iter().find(|a| a.name == name) else {
            return Err(ArchiveError::Conflict(
                schemas::messages::Message::new(&schemas::messages::CONFLICT_NO_ANCHOR)
                    .with("name", name),
            ));
        };
        let mut event = NewEvent::new(Action::TrustChanged, actor);
        event.detail = Some(format!(
            "trust anchor removed: {} ({}, sha256 {})",
            info.name, info.subject, info.fingerprint
        ));
        self.catalog
            .append_events(std::slice::from_ref(&event), OffsetDateTime::now_utc())?;
        self.tree(ANCHORS)?
            .remove(name.as_bytes())
            .map_err(self.sled_err())?;
        self.flush()?;
        Ok(info)
    }

    /// Notes that records of this blob carry signatures, so that a change of anchors checks them
    /// again. Called by [`Archive::commit`] and [`Archive::set_signatures`].
    pub(crate) fn mark_signed(&self, sha256: &str, signed: bool) -> Result<()> {
        let tree = self.tree(SIGNED_BLOBS)?;
        if signed {
            tree.insert(sha256.as_bytes(), &[])
                .map_err(self.sled_err())?;
        } else {
            tree.remove(sha256.as_bytes()).map_err(self.sled_err())?;
        }
        Ok(())
    }

    /// The blobs whose records carry signatures.
    pub(crate) fn signed_blobs(&self) -> Result<Vec<String>> {
        self.tree(SIGNED_BLOBS)?
            .iter()
            .keys()
            .map(|key| {
                key.map(|k| String::from_utf8_lossy(&k).into_owned())
                    .map_err(self.sled_err())
            })
            .collect()
    }

    /// Sets the signatures of every record of a blob (a new check: anchors changed, or
    /// re-extraction). Records whose signatures differ get them, a new sequence number (the
    /// index's `signed` filter follows) and a ledger event saying what changed and `why`.
    /// Returns the records that changed.
    pub(crate) fn set_signatures(
        &self,
        sha256: &str,
        signatures: &[SignatureInfo],
        actor: &Actor,
        why: &str,
    ) -> Result<Vec<DocumentRecord>> {
        let mut changed = Vec::new();
        for id in self.catalog.docs_with_blob(sha256)? {
            let Some(current) = self.catalog.get(&id)? else {
                continue;
            };
            if current.signatures == signatures {
                continue;
            }
            let mut event = NewEvent::new(Action::SignaturesChecked, actor);
            event.doc_id = Some(id.clone());
            event.owner_id = Some(current.metadata.owner_id.to_string());
            event.detail = Some(format!(
                "signatures checked again ({why}): {} -> {}",
                statuses(&current.signatures),
                statuses(signatures)
            ));
            let record =
                self.catalog
                    .change_record(&id, &event, OffsetDateTime::now_utc(), |record| {
                        record.signatures = signatures.to_vec();
                        Ok(())
                    })?;
            changed.push(record);
        }
        self.mark_signed(sha256, !signatures.is_empty())?;
        self.flush()?;
        Ok(changed)
    }

    /// Records a certified copy that is about to be handed out, with its ledger event for the
    /// owner, durably. `reason` names the dossier the copy serves, when there is one.
    pub(crate) fn record_certified_copy(
        &self,
        copy: &CertifiedCopy,
        actor: &Actor,
        reason: &AccessReason,
    ) -> Result<()> {
        let record = self.record(&copy.doc_id)?;
        let copies = self.tree(COPIES)?;
        if copies
            .contains_key(copy.code.as_bytes())
            .map_err(self.sled_err())?
        {
            return Err(ArchiveError::Conflict(
                schemas::messages::Message::new(&schemas::messages::CONFLICT_COPY_CODE)
                    .with("code", &copy.code),
            ));
        }
        let mut event = NewEvent::new(Action::Certify, actor);
        event.doc_id = Some(record.id.clone());
        event.owner_id = Some(record.metadata.owner_id.to_string());
        reason.fill(&mut event);
        event.detail = Some(format!(
            "certified copy {} (sha256 {}), signed by {}",
            copy.code,
            copy.sha256,
            copy.agency.as_deref().unwrap_or("an unnamed agency")
        ));
        self.catalog
            .append_events(std::slice::from_ref(&event), copy.certified_at)?;
        copies
            .insert(copy.code.as_bytes(), encode(copy)?)
            .map_err(self.sled_err())?;
        self.tree(COPY_SHA)?
            .insert(copy.sha256.as_bytes(), copy.code.as_bytes())
            .map_err(self.sled_err())?;
        self.tree(DOC_COPIES)?
            .insert(
                [copy.doc_id.as_bytes(), b"\0", copy.code.as_bytes()].concat(),
                &[],
            )
            .map_err(self.sled_err())?;
        self.flush()
    }

    /// The copy with this verification code.
    pub(crate) fn certified_copy(&self, code: &str) -> Result<Option<CertifiedCopy>> {
        match self
            .tree(COPIES)?
            .get(code.as_bytes())
            .map_err(self.sled_err())?
        {
            Some(bytes) => Ok(Some(decode(&format!("certified copy {code}"), &bytes)?)),
            None => Ok(None),
        }
    }

    /// The copy whose bytes hash to `sha256` (a file handed in for checking).
    pub(crate) fn certified_copy_by_sha(&self, sha256: &str) -> Result<Option<CertifiedCopy>> {
        match self
            .tree(COPY_SHA)?
            .get(sha256.as_bytes())
            .map_err(self.sled_err())?
        {
            Some(code) => self.certified_copy(&String::from_utf8_lossy(&code)),
            None => Ok(None),
        }
    }

    /// The copies issued of a document, oldest first.
    pub(crate) fn certified_copies_of(&self, doc_id: &str) -> Result<Vec<CertifiedCopy>> {
        let prefix = [doc_id.as_bytes(), b"\0"].concat();
        let mut out = Vec::new();
        for key in self.tree(DOC_COPIES)?.scan_prefix(&prefix).keys() {
            let key = key.map_err(self.sled_err())?;
            let code = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
            if let Some(copy) = self.certified_copy(&code)? {
                out.push(copy);
            }
        }
        out.sort_by_key(|c| c.certified_at);
        Ok(out)
    }

    /// Records that someone holding `copy` checked it (`how`: by code, by file), in the owner's
    /// ledger, and returns the record of the original for the answer. Not a read by a user of
    /// kho: the checker is anonymous, and sees only what the public page shows.
    pub(crate) fn log_copy_verification(
        &self,
        copy: &CertifiedCopy,
        how: &str,
    ) -> Result<DocumentRecord> {
        let record = self.record(&copy.doc_id)?;
        let mut event = NewEvent::new(Action::VerifyCopy, &Actor::system("public verification"));
        event.doc_id = Some(record.id.clone());
        event.owner_id = Some(record.metadata.owner_id.to_string());
        event.detail = Some(format!(
            "certified copy {} checked by someone holding the copy ({how})",
            copy.code
        ));
        self.catalog
            .append_events(std::slice::from_ref(&event), OffsetDateTime::now_utc())?;
        self.flush()?;
        Ok(record)
    }
}
