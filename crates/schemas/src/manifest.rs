//! The batch manifest (design.md, "Manifest CSV"): UTF-8 with or without BOM, comma-separated,
//! a header row; `file`, `owner_id` and `doc_type` required, empty cells unknown, unknown columns
//! a warning. Parsing is pure: rows come back as typed text, validated later against the store's
//! document types with [`crate::MetadataInput::validate`].

use crate::{nfc, MetadataInput};

/// Largest manifest accepted, in bytes (about a million rows).
pub const MAX_MANIFEST_BYTES: usize = 256 * 1024 * 1024;

const REQUIRED: [&str; 3] = ["file", "owner_id", "doc_type"];
const KNOWN: [&str; 16] = [
    "file",
    "owner_id",
    "owner_name",
    "doc_type",
    "title",
    "issuer",
    "issuer_code",
    "issued_on",
    "valid_until",
    "validity_scope",
    "signer",
    "dossier_code",
    "procedure_code",
    "result_code",
    "doc_number",
    "summary",
];

/// One data row, with the line it came from (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRow {
    pub line: u64,
    /// The `file` cell, NFC, relative to the manifest's folder or the given root.
    pub file: String,
    pub metadata: MetadataInput,
}

/// A row that could not be read at all (wrong number of cells, bad UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRowError {
    pub line: u64,
    pub error: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub rows: Vec<Result<ManifestRow, ManifestRowError>>,
    pub warnings: Vec<String>,
}

/// The whole manifest is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    #[error("the manifest is {0} bytes; at most {MAX_MANIFEST_BYTES} are accepted (split it)")]
    TooLarge(usize),
    #[error("the manifest has no header row")]
    NoHeader,
    #[error("the manifest's header row cannot be read: {0}")]
    BadHeader(String),
    #[error("the manifest's header lacks the required column(s) {0}; it has: {1}")]
    MissingColumns(String, String),
    #[error("the manifest names the column {0} twice")]
    DuplicateColumn(String),
}

/// Parses manifest bytes. Header names are matched trimmed and case-insensitively.
pub fn parse_manifest(bytes: &[u8]) -> Result<Manifest, ManifestError> {
    if bytes.len() > MAX_MANIFEST_BYTES {
        return Err(ManifestError::TooLarge(bytes.len()));
    }
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        None => return Err(ManifestError::NoHeader),
        Some(Err(e)) => return Err(ManifestError::BadHeader(e.to_string())),
        Some(Ok(h)) => h,
    };
    let columns: Vec<String> = header
        .iter()
        .map(|c| nfc(String::from_utf8_lossy(c).trim()).to_lowercase())
        .collect();
    let mut manifest = Manifest::default();
    for (i, c) in columns.iter().enumerate() {
        if columns[..i].contains(c) {
            return Err(ManifestError::DuplicateColumn(c.clone()));
        }
        if !KNOWN.contains(&c.as_str()) {
            manifest.warnings.push(format!(
                "column {c:?} is not a known column and is ignored (known: {})",
                KNOWN.join(", ")
            ));
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|r| !columns.iter().any(|c| c == r))
        .collect();
    if !missing.is_empty() {
        return Err(ManifestError::MissingColumns(
            missing.join(", "),
            columns.join(", "),
        ));
    }
    // csv's own line numbers skip blank lines; count newlines up to each record's byte offset.
    let mut lines = LineCounter::default();
    for record in records {
        let (line, row) = match record {
            Err(e) => {
                let line = lines.line_at(bytes, e.position().map_or(0, |p| p.byte()));
                (line, Err(format!("cannot be read as CSV: {e}")))
            }
            Ok(r) => {
                let line = lines.line_at(bytes, r.position().map_or(0, |p| p.byte()));
                (line, read_row(&columns, &r))
            }
        };
        if let Ok(None) = row {
            continue; // a blank line
        }
        manifest.rows.push(match row {
            Ok(Some((file, metadata))) => Ok(ManifestRow {
                line,
                file,
                metadata,
            }),
            Ok(None) => continue,
            Err(error) => Err(ManifestRowError { line, error }),
        });
    }
    Ok(manifest)
}

/// Line numbers of increasing byte offsets, in one pass over the text.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, text: &[u8], offset: u64) -> u64 {
        let mut offset = (offset as usize).min(text.len());
        // A record's position is where the reader resumed, before any blank lines it skipped.
        while matches!(text.get(offset), Some(b'\n' | b'\r')) {
            offset += 1;
        }
        if offset > self.offset {
            self.newlines += text[self.offset..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.offset = offset;
        }
        self.newlines + 1
    }
}

/// Reads one row; `Ok(None)` for a row whose cells are all empty.
fn read_row(
    columns: &[String],
    record: &csv::ByteRecord,
) -> Result<Option<(String, MetadataInput)>, String> {
    if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
        return Ok(None);
    }
    if record.len() != columns.len() {
        return Err(format!(
            "has {} cells but the header has {} columns",
            record.len(),
            columns.len()
        ));
    }
    let mut input = MetadataInput::default();
    let mut file = String::new();
    for (column, cell) in columns.iter().zip(record.iter()) {
        let text = std::str::from_utf8(cell).map_err(|_| {
            format!("column {column} is not valid UTF-8 (save the manifest as UTF-8)")
        })?;
        let text = nfc(text.trim());
        if text.is_empty() {
            continue;
        }
        if column == "file" {
            file = text;
        } else {
            input.set(column, text);
        }
    }
    if file.is_empty() {
        return Err("file (empty): the file column is required".into());
    }
    Ok(Some((file, input)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_rows_with_bom_and_quotes() {
        let text = "\u{feff}File,owner_id,doc_type,owner_name,colour\n\
                    a.pdf,049075001234,birth_certificate,\"Nguyễn Văn Đức\",red\n\
                    \n\
                    b.png,0100109106,enterprise_registration,,blue\n";
        let m = parse_manifest(text.as_bytes()).unwrap();
        assert_eq!(m.warnings.len(), 1);
        assert!(m.warnings[0].contains("colour"));
        let rows: Vec<_> = m.rows.into_iter().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].file, "a.pdf");
        assert_eq!(
            rows[0].metadata.owner_name.as_deref(),
            Some("Nguyễn Văn Đức")
        );
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].metadata.owner_name, None);
    }

    #[test]
    fn bad_rows_and_headers_are_named() {
        let m = parse_manifest(b"file,owner_id,doc_type\na.pdf,1\n,049075001234,other\n").unwrap();
        let errors: Vec<_> = m.rows.into_iter().map(Result::unwrap_err).collect();
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].error.contains("2 cells"));
        assert_eq!(errors[1].line, 3);
        assert!(errors[1].error.contains("file column is required"));
        let e = parse_manifest(b"file,owner\nx,y\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("owner_id, doc_type"), "{e}");
        assert_eq!(parse_manifest(b""), Err(ManifestError::NoHeader));
        assert!(parse_manifest(b"file,file,owner_id,doc_type\n").is_err());
        let m = parse_manifest(b"file,owner_id,doc_type\na.pdf,\xff\xfe,other\n").unwrap();
        assert!(m.rows[0].as_ref().unwrap_err().error.contains("UTF-8"));
    }

    proptest! {
        #[test]
        fn never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let mut text = b"file,owner_id,doc_type\n".to_vec();
            text.extend(bytes);
            let _ = parse_manifest(&text);
        }
    }
}
