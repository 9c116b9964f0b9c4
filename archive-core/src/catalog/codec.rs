//! How the catalogue's values are written: JSON (records are small, self-describing and readable
//! in a repair), numbers as 8 big-endian bytes (so that keys sort in numeric order), and the
//! error carried out of a sled transaction. A leaf: the catalogue and the modules that keep
//! their own trees in its database (ledger, accounts, batches, fixity) use it; it uses none of
//! them.

use crate::{ArchiveError, Result};
use sled::transaction::ConflictableTransactionError;

/// The error type carried out of a sled transaction closure.
#[derive(Debug)]
pub(crate) struct CatalogTxError(pub ArchiveError);

/// Aborts a sled transaction with `e`.
pub(crate) fn tx_err(e: ArchiveError) -> ConflictableTransactionError<CatalogTxError> {
    ConflictableTransactionError::Abort(CatalogTxError(e))
}

pub(crate) fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| ArchiveError::Damaged {
        key: "(new entry)".into(),
        detail: e.to_string(),
    })
}

/// Reads a stored value back; `what` names it in the error.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| ArchiveError::Damaged {
        key: what.to_string(),
        detail: e.to_string(),
    })
}

/// A number stored as 8 big-endian bytes; 0 when absent or malformed.
pub(crate) fn read_u64(bytes: Option<sled::IVec>) -> u64 {
    bytes
        .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
        .map(u64::from_be_bytes)
        .unwrap_or(0)
}
