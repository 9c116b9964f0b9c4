//! The store's tables as CSV (document types, agency names, the search vocabulary): read whole,
//! every row checked, and nothing taken when any row is wrong; the error is a line-numbered
//! list of what is wrong (`table.line`), under the table's own entry (`doc_type.table`, ...).

use crate::messages::{self as m, Entry, Message};
use crate::RuleError;
use serde::de::DeserializeOwned;

/// Reads `csv_text` (UTF-8, a byte-order mark allowed) whose first line names at least the
/// columns of `header`, at most `max_rows` rows, each deserialized and passed through `check`.
/// `table` is the table's entry of the message table, with an `{errors}` placeholder that
/// receives the list of line errors.
pub(crate) fn read_rows<R: DeserializeOwned, T>(
    csv_text: &str,
    table: &'static Entry,
    header: &[&str],
    max_rows: usize,
    mut check: impl FnMut(R) -> Result<T, RuleError>,
) -> Result<Vec<T>, RuleError> {
    let fail = |errors: Vec<Message>| RuleError::new(table).with_list("errors", errors);
    let line = |line: usize| Message::new(&m::TABLE_LINE).with("line", line);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let found: Vec<String> = reader
        .headers()
        .map_err(|e| fail(vec![line(1).with("why", e)]))?
        .iter()
        .map(str::to_string)
        .collect();
    if !header.iter().all(|h| found.iter().any(|f| f == h)) {
        return Err(fail(vec![line(1).with_message(
            "why",
            Message::new(&m::TABLE_HEADER)
                .with("expected", header.join(","))
                .with("got", found.join(",")),
        )]));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, row) in reader.deserialize::<R>().enumerate() {
        if i >= max_rows {
            errors.push(Message::new(&m::TABLE_TOO_MANY_ROWS).with("max", max_rows));
            break;
        }
        match row {
            Err(e) => errors.push(line(i + 2).with("why", e)),
            Ok(row) => match check(row) {
                Ok(row) => rows.push(row),
                Err(e) => errors.push(line(i + 2).with_message("why", e)),
            },
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(fail(errors))
    }
}
