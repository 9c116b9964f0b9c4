//! The operators' and admins' views: the record of batch runs (operators) and the users
//! (admins). Neither reads a document.

use crate::accounts::UserAccount;
use crate::batches::{BatchLine, BatchRecord};
use crate::{Archive, ArchiveError, Result};
use schemas::policy::Act;
use schemas::{Caller, FieldError};

/// Most batches listed at once.
pub const MAX_BATCHES: usize = 200;
/// Most report lines in one page of a batch's report.
pub const MAX_BATCH_LINES: usize = 1000;

/// A batch and one page of its report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchReport {
    pub batch: BatchRecord,
    /// Each line with its place in the batch (from 0).
    pub lines: Vec<(u64, BatchLine)>,
    /// Where the next page starts, if there is one.
    pub next_from: Option<u64>,
}

impl Archive {
    /// The `limit` most recent batch runs, newest first (1 to [`MAX_BATCHES`]).
    pub fn recent_batches(&self, caller: &Caller, limit: usize) -> Result<Vec<BatchRecord>> {
        self.authorize(caller, Act::SeeBatches, None, "list batches")?;
        if let Some(outside) = FieldError::limit_outside(limit, MAX_BATCHES) {
            return Err(outside.into());
        }
        self.batches().recent(limit)
    }

    /// Batch `id` and `limit` lines of its report from line `from` (only the rejected files if
    /// asked); `limit` is kept within 1 to [`MAX_BATCH_LINES`].
    pub fn batch_report(
        &self,
        caller: &Caller,
        id: u64,
        from: u64,
        limit: usize,
        only_rejected: bool,
    ) -> Result<BatchReport> {
        self.authorize(caller, Act::SeeBatches, None, "read a batch report")?;
        let limit = limit.clamp(1, MAX_BATCH_LINES);
        let batches = self.batches();
        let batch = batches.get(id)?.ok_or(ArchiveError::NoBatch(id))?;
        let mut lines = batches.lines(id, from, limit + 1, only_rejected)?;
        let next_from = lines.get(limit).map(|(index, _)| *index);
        lines.truncate(limit);
        Ok(BatchReport {
            batch,
            lines,
            next_from,
        })
    }

    /// Every user of this store.
    pub fn users(&self, caller: &Caller) -> Result<Vec<UserAccount>> {
        self.authorize(caller, Act::ManageAccounts, None, "list users")?;
        self.accounts().users()
    }
}
