//! The pure domain of access: who is calling ([`Caller`]) and what they may do ([`policy`]).
//!
//! Whoever authenticated a party builds its [`Caller`] (`search-api` from a bearer token or a
//! session cookie, the `kho` binary for the operator at the machine's console); the ledgered
//! services of `archive-core` take it and ask [`policy`] before they read or change anything.
//! Nothing here does IO: every rule is a function of the caller, the request and the record,
//! unit-tested cell by cell.

mod caller;
pub mod dossier;
pub mod policy;
pub mod share;

pub use caller::{Caller, Credential};
pub use dossier::{
    read_dossier_list, Dossier, DossierCheck, DossierInput, DossierRow, ValidDossier,
    DOSSIER_LIST_COLUMNS, MAX_APPLICANTS,
};
pub use share::{
    Share, ShareInput, ShareState, ShareTarget, ValidShare, MAX_LINK_DAYS, MAX_SHARED_DOCUMENTS,
};
