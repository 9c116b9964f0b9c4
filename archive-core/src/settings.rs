//! Settings read from the environment (`KHO_...`): unset means the default; a value kho cannot
//! use is an error naming the variable and its rule ([`ArchiveError::Setting`]), never quietly
//! replaced by something the operator did not ask for.

use crate::{ArchiveError, Result};
use std::ops::RangeInclusive;

/// `$name` as a whole number within `range` (`rule` says so in words), `None` when unset.
pub(crate) fn whole_number(
    name: &'static str,
    range: RangeInclusive<u64>,
    rule: &'static str,
) -> Result<Option<u64>> {
    match std::env::var(name) {
        Err(_) => Ok(None),
        Ok(value) => match value.trim().parse::<u64>() {
            Ok(n) if range.contains(&n) => Ok(Some(n)),
            _ => Err(ArchiveError::Setting { name, value, rule }),
        },
    }
}
