//! The store's tables as CSV (document types, agency names, the search vocabulary): read whole,
//! every row checked, and nothing taken when any row is wrong, each error naming its line.

use crate::RuleError;
use serde::de::DeserializeOwned;

/// Reads `csv_text` (UTF-8, a byte-order mark allowed) whose first line names at least the
/// columns of `header`, at most `max_rows` rows, each deserialized and passed through `check`.
/// `what` names the table in the error ("document type table").
pub(crate) fn read_rows<R: DeserializeOwned, T>(
    csv_text: &str,
    what: &str,
    header: &[&str],
    max_rows: usize,
    mut check: impl FnMut(R) -> Result<T, String>,
) -> Result<Vec<T>, RuleError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let found: Vec<String> = reader
        .headers()
        .map_err(|e| RuleError::new(format!("{what}: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    if !header.iter().all(|h| found.iter().any(|f| f == h)) {
        return Err(RuleError::new(format!(
            "{what}: the first line is the header {}, got {:?}",
            header.join(","),
            found.join(",")
        )));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, row) in reader.deserialize::<R>().enumerate() {
        let line = i + 2;
        if i >= max_rows {
            errors.push(format!("more than {max_rows} rows"));
            break;
        }
        match row.map_err(|e| e.to_string()).and_then(&mut check) {
            Ok(row) => rows.push(row),
            Err(e) => errors.push(format!("line {line}: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(RuleError::new(format!("{what}: {}", errors.join("; "))))
    }
}
