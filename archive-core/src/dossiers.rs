//! Dossiers registered by the one-stop system, kept per node.
//!
//! Trees: `dossiers` (dossier code -> [`Dossier`] as JSON) and `owner_dossiers` (owner ID, NUL,
//! dossier code -> nothing: a citizen's dossiers without a walk). Registering is a change of
//! the store made by the services (`service/dossiers.rs`), each in the applicants' ledgers.
//! Like accounts, dossiers belong to a node: the one-stop system registers each dossier with
//! the node its clerks use. They travel in a store's bag (`kho export`, [`crate::bag`]), so a
//! restored store still binds its clerks' reads to the dossiers received.

use crate::archive::Archive;
use crate::catalog::codec::{decode, encode};
use crate::{ArchiveError, Result};
use schemas::Dossier;

const DOSSIERS: &str = "dossiers";
const OWNER_DOSSIERS: &str = "owner_dossiers";

fn owner_key(owner: &str, code: &str) -> Vec<u8> {
    let mut key = owner_prefix(owner);
    key.extend_from_slice(code.as_bytes());
    key
}

fn owner_prefix(owner: &str) -> Vec<u8> {
    let mut key = owner.as_bytes().to_vec();
    key.push(0);
    key
}

impl Archive {
    fn dossier_err(&self) -> impl Fn(sled::Error) -> ArchiveError + '_ {
        |source| ArchiveError::Catalog {
            path: self.root().join("catalog"),
            source,
        }
    }

    /// The dossier registered under `code` (as [`schemas::ids::DossierCode`] writes it).
    pub(crate) fn registered_dossier(&self, code: &str) -> Result<Option<Dossier>> {
        let tree = self.catalog.named_tree(DOSSIERS)?;
        match tree.get(code.trim()).map_err(self.dossier_err())? {
            Some(bytes) => decode(&format!("dossier {code}"), &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// Keeps `dossier` and files it under each applicant, in one transaction.
    pub(crate) fn keep_dossier(&self, dossier: &Dossier) -> Result<()> {
        let dossiers = self.catalog.named_tree(DOSSIERS)?;
        let by_owner = self.catalog.named_tree(OWNER_DOSSIERS)?;
        let value = encode(dossier)?;
        use sled::Transactional;
        (&dossiers, &by_owner)
            .transaction(|(dossiers, by_owner)| {
                dossiers.insert(dossier.code.as_bytes(), value.as_slice())?;
                for owner in &dossier.applicants {
                    by_owner.insert(owner_key(owner, &dossier.code), &[] as &[u8])?;
                }
                Ok(())
            })
            .map_err(|e: sled::transaction::TransactionError<()>| match e {
                sled::transaction::TransactionError::Storage(source) => ArchiveError::Catalog {
                    path: self.root().join("catalog"),
                    source,
                },
                sled::transaction::TransactionError::Abort(()) => ArchiveError::Damaged {
                    key: format!("dossier {}", dossier.code),
                    detail: "the transaction was aborted".into(),
                },
            })
    }

    /// The dossiers naming `owner` as an applicant, newest reception first.
    pub(crate) fn dossiers_naming(&self, owner: &str) -> Result<Vec<Dossier>> {
        let by_owner = self.catalog.named_tree(OWNER_DOSSIERS)?;
        let prefix = owner_prefix(owner.trim());
        let mut dossiers = Vec::new();
        for entry in by_owner.scan_prefix(&prefix) {
            let (key, _) = entry.map_err(self.dossier_err())?;
            let code = String::from_utf8_lossy(&key[prefix.len()..]).to_string();
            match self.registered_dossier(&code)? {
                Some(dossier) => dossiers.push(dossier),
                None => {
                    return Err(ArchiveError::Damaged {
                        key: format!("owner_dossiers {owner}"),
                        detail: format!("dossier {code} is filed under the owner but not kept"),
                    })
                }
            }
        }
        dossiers.sort_by(|a, b| (b.received_on, &b.code).cmp(&(a.received_on, &a.code)));
        Ok(dossiers)
    }

    /// Every registered dossier, in code order, one at a time (an export of the whole store).
    pub(crate) fn for_each_dossier(
        &self,
        mut each: impl FnMut(Dossier) -> Result<()>,
    ) -> Result<()> {
        let tree = self.catalog.named_tree(DOSSIERS)?;
        for entry in tree.iter() {
            let (key, bytes) = entry.map_err(self.dossier_err())?;
            each(decode(
                &format!("dossier {}", String::from_utf8_lossy(&key)),
                &bytes,
            )?)?;
        }
        Ok(())
    }
}
