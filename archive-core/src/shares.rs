//! Shares a citizen made, kept per node.
//!
//! Trees: `shares` (share id -> [`Share`] as JSON), `share_tokens` (sha256 of a link's token,
//! hex -> share id: the token itself is never stored), `owner_shares` (owner ID, NUL, share id)
//! and `doc_shares` (document id, NUL, share id: what a clerk's read for a dossier asks). The
//! services (`service/shares.rs`) make, revoke and use them, each in the owner's ledger.

use crate::archive::Archive;
use crate::catalog::codec::{decode, encode};
use crate::{ArchiveError, Result};
use schemas::Share;
use sha2::{Digest, Sha256};

const SHARES: &str = "shares";
const SHARE_TOKENS: &str = "share_tokens";
const OWNER_SHARES: &str = "owner_shares";
const DOC_SHARES: &str = "doc_shares";

fn pair(first: &str, second: &str) -> Vec<u8> {
    let mut key = first.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(second.as_bytes());
    key
}

fn prefix(first: &str) -> Vec<u8> {
    let mut key = first.as_bytes().to_vec();
    key.push(0);
    key
}

/// The hex sha256 of a link token: what the store keeps and looks up.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

impl Archive {
    fn share_err(&self) -> impl Fn(sled::Error) -> ArchiveError + '_ {
        |source| ArchiveError::Catalog {
            path: self.root().join("catalog"),
            source,
        }
    }

    pub(crate) fn share(&self, id: &str) -> Result<Option<Share>> {
        let tree = self.catalog.named_tree(SHARES)?;
        match tree.get(id.trim()).map_err(self.share_err())? {
            Some(bytes) => decode(&format!("share {id}"), &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// The share a link token opens, if any.
    pub(crate) fn share_by_token(&self, token: &str) -> Result<Option<Share>> {
        let tokens = self.catalog.named_tree(SHARE_TOKENS)?;
        match tokens.get(token_hash(token)).map_err(self.share_err())? {
            Some(id) => self.share(&String::from_utf8_lossy(&id)),
            None => Ok(None),
        }
    }

    /// Keeps a new share (and its link token's hash) and files it under its owner and
    /// documents.
    pub(crate) fn keep_new_share(&self, share: &Share, token: Option<&str>) -> Result<()> {
        self.keep_share(share, token.map(token_hash))
    }

    /// Keeps a share from a store's bag, with the hash its link token had: a restored store
    /// still opens the links the citizen gave out (the token itself was never kept).
    pub(crate) fn restore_share(&self, share: &Share, token_sha256: Option<&str>) -> Result<()> {
        self.keep_share(share, token_sha256.map(str::to_string))
    }

    fn keep_share(&self, share: &Share, hash: Option<String>) -> Result<()> {
        let shares = self.catalog.named_tree(SHARES)?;
        let tokens = self.catalog.named_tree(SHARE_TOKENS)?;
        let by_owner = self.catalog.named_tree(OWNER_SHARES)?;
        let by_doc = self.catalog.named_tree(DOC_SHARES)?;
        let value = encode(share)?;
        use sled::Transactional;
        (&shares, &tokens, &by_owner, &by_doc)
            .transaction(|(shares, tokens, by_owner, by_doc)| {
                shares.insert(share.id.as_bytes(), value.as_slice())?;
                if let Some(hash) = &hash {
                    tokens.insert(hash.as_bytes(), share.id.as_bytes())?;
                }
                by_owner.insert(pair(&share.owner_id, &share.id), &[] as &[u8])?;
                for doc in &share.documents {
                    by_doc.insert(pair(doc, &share.id), &[] as &[u8])?;
                }
                Ok(())
            })
            .map_err(|e: sled::transaction::TransactionError<()>| {
                self.transaction_err(e, &share.id)
            })
    }

    fn transaction_err(
        &self,
        e: sled::transaction::TransactionError<()>,
        id: &str,
    ) -> ArchiveError {
        match e {
            sled::transaction::TransactionError::Storage(source) => ArchiveError::Catalog {
                path: self.root().join("catalog"),
                source,
            },
            sled::transaction::TransactionError::Abort(()) => ArchiveError::Damaged {
                key: format!("share {id}"),
                detail: "the transaction was aborted".into(),
            },
        }
    }

    /// Writes a changed share (revoked, opened, used once more).
    pub(crate) fn update_share(&self, share: &Share) -> Result<()> {
        let shares = self.catalog.named_tree(SHARES)?;
        shares
            .insert(share.id.as_bytes(), encode(share)?)
            .map_err(self.share_err())?;
        Ok(())
    }

    /// The owner's shares, newest first.
    pub(crate) fn shares_of_owner(&self, owner: &str) -> Result<Vec<Share>> {
        self.shares_under(OWNER_SHARES, owner).map(|mut shares| {
            shares.sort_by_key(|s| std::cmp::Reverse(s.created_at));
            shares
        })
    }

    /// Every share with its link token's hash (None for an agency share), in id order, one at
    /// a time (an export of the whole store).
    pub(crate) fn for_each_share(
        &self,
        mut each: impl FnMut(Share, Option<String>) -> Result<()>,
    ) -> Result<()> {
        let mut hashes = std::collections::HashMap::new();
        for entry in self.catalog.named_tree(SHARE_TOKENS)?.iter() {
            let (hash, id) = entry.map_err(self.share_err())?;
            hashes.insert(id.to_vec(), String::from_utf8_lossy(&hash).into_owned());
        }
        for entry in self.catalog.named_tree(SHARES)?.iter() {
            let (id, bytes) = entry.map_err(self.share_err())?;
            let share = decode(&format!("share {}", String::from_utf8_lossy(&id)), &bytes)?;
            each(share, hashes.remove(id.as_ref()))?;
        }
        Ok(())
    }

    /// The shares naming a document.
    pub(crate) fn shares_of_doc(&self, doc_id: &str) -> Result<Vec<Share>> {
        self.shares_under(DOC_SHARES, doc_id)
    }

    fn shares_under(&self, tree: &str, first: &str) -> Result<Vec<Share>> {
        let index = self.catalog.named_tree(tree)?;
        let start = prefix(first.trim());
        let mut shares = Vec::new();
        for entry in index.scan_prefix(&start) {
            let (key, _) = entry.map_err(self.share_err())?;
            let id = String::from_utf8_lossy(&key[start.len()..]).to_string();
            match self.share(&id)? {
                Some(share) => shares.push(share),
                None => {
                    return Err(ArchiveError::Damaged {
                        key: format!("{tree} {first}"),
                        detail: format!("share {id} is filed but not kept"),
                    })
                }
            }
        }
        Ok(shares)
    }
}

/// A link token: 32 random bytes, URL-safe base64 without padding (43 characters).
pub(crate) fn new_link_token() -> Result<String> {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ArchiveError::Io {
        path: std::path::PathBuf::from("(system random source)"),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}
