//! Background fixity: the stored originals re-hashed one at a time, in sha256 order, resuming
//! where the last step stopped (also across restarts), so that a disk's silent damage is found
//! without anyone running `kho verify`. The caller (the server's background thread) paces the
//! steps to a rate in bytes per second; each step records when the blob was checked and how it
//! went, and damage found is written once to the ledger, on every record that uses the blob, so
//! that each owner sees it.

use crate::catalog::codec::{decode, encode};
use crate::{Archive, ArchiveError, Result, Sha256Digest, VerifyingReader};
use schemas::{Action, Actor, NewEvent};
use time::OffsetDateTime;

/// Where the next step starts: the last blob checked (in the catalogue's `meta` tree).
const CURSOR_KEY: &[u8] = b"fixity_cursor";

/// The last check of one blob.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FixityCheck {
    #[serde(with = "time::serde::rfc3339")]
    pub checked_at: OffsetDateTime,
    /// The bytes still hash to the blob's name.
    pub ok: bool,
    /// What is wrong, when something is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixityStep {
    /// A blob was re-hashed and matches its name.
    Verified { sha256: String, bytes: u64 },
    /// A blob is damaged or missing; `newly` when this was not known before (then the ledger
    /// says so on each of `records`).
    Damaged {
        sha256: String,
        records: Vec<String>,
        detail: String,
        newly: bool,
    },
    /// Every blob has been checked since the pass began; the next step starts a new pass.
    PassComplete,
}

impl Archive {
    /// Checks the next blob after the last one checked.
    pub fn fixity_step(&self) -> Result<FixityStep> {
        let catalog = &self.catalog;
        let meta = catalog.meta_tree();
        let err = |e: sled::Error| ArchiveError::Damaged {
            key: "fixity".into(),
            detail: e.to_string(),
        };
        let cursor = meta
            .get(CURSOR_KEY)
            .map_err(err)?
            .map(|c| String::from_utf8_lossy(&c).into_owned());
        let Some(next) = catalog.blobs_after(cursor.as_deref()).next() else {
            meta.remove(CURSOR_KEY).map_err(err)?;
            return Ok(FixityStep::PassComplete);
        };
        let (sha256, records) = next?;
        let outcome = match Sha256Digest::from_hex(&sha256) {
            None => Err(format!("{sha256:?} is not a sha256")),
            Some(digest) => self
                .blobs()
                .open(&digest)
                .map_err(|e| e.to_string())
                .and_then(|raw| {
                    std::io::copy(&mut VerifyingReader::new(raw, digest), &mut std::io::sink())
                        .map_err(|e| e.to_string())
                }),
        };
        let now = OffsetDateTime::now_utc();
        let (check, step) = match outcome {
            Ok(bytes) => (
                FixityCheck {
                    checked_at: now,
                    ok: true,
                    detail: None,
                },
                FixityStep::Verified {
                    sha256: sha256.clone(),
                    bytes,
                },
            ),
            Err(detail) => {
                // Damage already reported at an earlier pass is not written to the ledger again.
                let newly = self.fixity_of(&sha256)?.is_none_or(|p| p.ok);
                if newly {
                    let actor = Actor::system("fixity");
                    let events: Vec<NewEvent> = records
                        .iter()
                        .filter_map(|id| catalog.get(id).ok().flatten())
                        .map(|record| {
                            let mut event = NewEvent::new(Action::FixityFailed, &actor);
                            event.doc_id = Some(record.id.clone());
                            event.owner_id = Some(record.metadata.owner_id.as_str().to_string());
                            event.detail = Some(format!(
                                "the original (sha256 {sha256}) failed its background check: {detail}; restore it from an export"
                            ));
                            event
                        })
                        .collect();
                    catalog.append_events(&events, now)?;
                }
                (
                    FixityCheck {
                        checked_at: now,
                        ok: false,
                        detail: Some(detail.clone()),
                    },
                    FixityStep::Damaged {
                        sha256: sha256.clone(),
                        records,
                        detail,
                        newly,
                    },
                )
            }
        };
        catalog
            .fixity
            .insert(sha256.as_bytes(), encode(&check)?)
            .map_err(err)?;
        meta.insert(CURSOR_KEY, sha256.as_bytes()).map_err(err)?;
        Ok(step)
    }

    /// The last background check of a blob, if it has had one.
    pub(crate) fn fixity_of(&self, sha256: &str) -> Result<Option<FixityCheck>> {
        match self
            .catalog
            .fixity
            .get(sha256)
            .map_err(|e| ArchiveError::Damaged {
                key: format!("fixity {sha256}"),
                detail: e.to_string(),
            })? {
            Some(bytes) => Ok(Some(decode("fixity check", &bytes)?)),
            None => Ok(None),
        }
    }
}
