//! The batch manifest (design.md, "Manifest CSV"): UTF-8 with or without BOM, comma-separated,
//! a header row; `file`, `owner_id` and `doc_type` required, empty cells unknown, unknown columns
//! a warning. Parsing is pure: rows come back as typed text, validated later against the store's
//! document types with [`crate::MetadataInput::validate`].

use crate::messages::{self as m, Message};
use crate::{nfc, MetadataInput, METADATA_FIELDS};
use std::io::Read;

/// Largest manifest accepted, in bytes (about a million rows).
pub const MAX_MANIFEST_BYTES: usize = 256 * 1024 * 1024;

/// The column of the file's path; the others are the metadata fields, by their names.
const FILE_COLUMN: &str = "file";

/// The optional column that says a row's file is a scanned stack to split at its separator
/// sheets (`yes`), the row's other cells then filling what each separator leaves empty.
pub const SPLIT_COLUMN: &str = "split";

/// Every column a manifest may have: the file, whether to split it, then the metadata fields.
fn known_columns() -> impl Iterator<Item = &'static str> {
    [FILE_COLUMN, SPLIT_COLUMN]
        .into_iter()
        .chain(METADATA_FIELDS.iter().map(|f| f.name))
}

/// Reads a `split` cell: empty, `no`, `false`, `0` -> no; `yes`, `true`, `1` -> yes (any case).
pub fn parse_split(cell: &str) -> Result<bool, Message> {
    match cell.trim().to_lowercase().as_str() {
        "" | "no" | "false" | "0" => Ok(false),
        "yes" | "true" | "1" => Ok(true),
        _ => Err(Message::new(&m::MANIFEST_SPLIT)
            .with("column", SPLIT_COLUMN)
            .with("got", cell)),
    }
}

/// The columns a manifest must have: the file and the required metadata fields.
fn required_columns() -> impl Iterator<Item = &'static str> {
    std::iter::once(FILE_COLUMN).chain(
        METADATA_FIELDS
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name),
    )
}

/// One data row, with the line it came from (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRow {
    pub line: u64,
    /// The `file` cell, NFC, relative to the manifest's folder or the given root.
    pub file: String,
    /// The file is a scanned stack to split at its separator sheets (the `split` column); the
    /// metadata is then the default for what each separator leaves empty, not the document's.
    pub split: bool,
    pub metadata: MetadataInput,
}

/// A row that could not be read at all (wrong number of cells, bad UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRowError {
    pub line: u64,
    pub error: Message,
}

/// The whole manifest is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    #[error("{}", Message::new(&m::MANIFEST_TOO_LARGE).with("max", MAX_MANIFEST_BYTES))]
    TooLarge,
    #[error("{}", Message::new(&m::MANIFEST_NO_HEADER))]
    NoHeader,
    #[error("{}", Message::new(&m::MANIFEST_BAD_HEADER).with("why", .0))]
    BadHeader(String),
    #[error("{}", Message::new(&m::MANIFEST_MISSING_COLUMNS).with("missing", .0).with("columns", .1))]
    MissingColumns(String, String),
    #[error("{}", Message::new(&m::MANIFEST_DUPLICATE_COLUMN).with("column", .0))]
    DuplicateColumn(String),
}

/// A manifest being read: the header is checked when it is opened, then the rows are read one at
/// a time, so that a batch of a million rows is never held in memory.
pub struct Manifest<'a> {
    reader: csv::Reader<LineTracker<'a>>,
    columns: Vec<String>,
    /// Unknown columns, said once.
    pub warnings: Vec<String>,
    record: csv::ByteRecord,
    newlines: u64,
    finished: bool,
    /// Every row names its file (not so for the dossiers of separator sheets).
    needs_file: bool,
}

/// Opens a manifest: reads and checks its header (names matched trimmed and case-insensitively).
pub fn read_manifest<'a>(source: impl Read + Send + 'a) -> Result<Manifest<'a>, ManifestError> {
    read_at_most(source, MAX_MANIFEST_BYTES as u64, true)
}

/// Opens a manifest of dossiers for separator sheets (`kho sheets`): as [`read_manifest`], but
/// the `file` column is not needed (the files do not exist yet: they are the scans to come).
pub fn read_sheet_manifest<'a>(
    source: impl Read + Send + 'a,
) -> Result<Manifest<'a>, ManifestError> {
    read_at_most(source, MAX_MANIFEST_BYTES as u64, false)
}

fn read_at_most<'a>(
    source: impl Read + Send + 'a,
    limit: u64,
    needs_file: bool,
) -> Result<Manifest<'a>, ManifestError> {
    let mut tracker = LineTracker::new(Box::new(source), limit);
    tracker.skip_bom().map_err(|e| match e.kind() {
        std::io::ErrorKind::FileTooLarge => ManifestError::TooLarge,
        _ => ManifestError::BadHeader(e.to_string()),
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(tracker);
    let mut header = csv::ByteRecord::new();
    match reader.read_byte_record(&mut header) {
        Ok(false) => return Err(ManifestError::NoHeader),
        Err(e) if too_large(&e) => return Err(ManifestError::TooLarge),
        Err(e) => return Err(ManifestError::BadHeader(e.to_string())),
        Ok(true) => {}
    }
    let columns: Vec<String> = header
        .iter()
        .map(|c| nfc(String::from_utf8_lossy(c).trim()).to_lowercase())
        .collect();
    let mut warnings = Vec::new();
    for (i, c) in columns.iter().enumerate() {
        if columns[..i].contains(c) {
            return Err(ManifestError::DuplicateColumn(c.clone()));
        }
        if !known_columns().any(|k| k == c) {
            warnings.push(
                Message::new(&m::MANIFEST_UNKNOWN_COLUMN)
                    .with("column", format!("{c:?}"))
                    .with("known", known_columns().collect::<Vec<_>>().join(", "))
                    .to_string(),
            );
        }
    }
    let missing: Vec<&str> = required_columns()
        .filter(|r| needs_file || *r != FILE_COLUMN)
        .filter(|r| !columns.iter().any(|c| c == r))
        .collect();
    if !missing.is_empty() {
        return Err(ManifestError::MissingColumns(
            missing.join(", "),
            columns.join(", "),
        ));
    }
    Ok(Manifest {
        reader,
        columns,
        warnings,
        record: csv::ByteRecord::new(),
        newlines: 0,
        finished: false,
        needs_file,
    })
}

impl Iterator for Manifest<'_> {
    type Item = Result<ManifestRow, ManifestRowError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.finished {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => self.finished = true,
                Err(e) => {
                    // Only reading can fail here (rows of any width are accepted): the rest of the
                    // manifest is out of reach, so this row is the last.
                    self.finished = true;
                    let offset = e.position().map_or(0, |p| p.byte());
                    let line = self.line_at(offset);
                    let error = if too_large(&e) {
                        Message::new(&m::MANIFEST_TOO_LARGE_FROM_HERE)
                            .with("max", MAX_MANIFEST_BYTES)
                    } else {
                        Message::new(&m::MANIFEST_ROW_UNREADABLE).with("why", e)
                    };
                    return Some(Err(ManifestRowError { line, error }));
                }
                Ok(true) => {
                    let offset = self.record.position().map_or(0, |p| p.byte());
                    let line = self.line_at(offset);
                    match read_row(&self.columns, &self.record, self.needs_file) {
                        Ok(None) => continue, // a blank line
                        Ok(Some((file, split, metadata))) => {
                            return Some(Ok(ManifestRow {
                                line,
                                file,
                                split,
                                metadata,
                            }))
                        }
                        Err(error) => return Some(Err(ManifestRowError { line, error })),
                    }
                }
            }
        }
        None
    }
}

impl Manifest<'_> {
    /// The line of the record that starts at this byte offset (the header is line 1). csv's own
    /// line numbers skip blank lines, so newlines are counted as the bytes go by.
    fn line_at(&mut self, offset: u64) -> u64 {
        let marks = &mut self.reader.get_mut().marks;
        let mut offset = offset;
        while let Some(&(at, byte)) = marks.front() {
            // A record's position is where the reader resumed, before any blank lines it skipped.
            if at > offset {
                break;
            }
            if at == offset {
                offset += 1;
            }
            self.newlines += u64::from(byte == b'\n');
            marks.pop_front();
        }
        self.newlines + 1
    }
}

fn too_large(e: &csv::Error) -> bool {
    matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::FileTooLarge)
}

/// Passes the manifest's bytes through, noting where each line break is (only those not yet
/// claimed by a row: a few kilobytes' worth, the reader's look-ahead), and refusing to read past
/// [`MAX_MANIFEST_BYTES`].
struct LineTracker<'a> {
    inner: Box<dyn Read + Send + 'a>,
    /// Leading bytes read to look for a byte-order mark, handed out first.
    head: Vec<u8>,
    offset: u64,
    limit: u64,
    marks: std::collections::VecDeque<(u64, u8)>,
}

impl<'a> LineTracker<'a> {
    fn new(inner: Box<dyn Read + Send + 'a>, limit: u64) -> Self {
        LineTracker {
            inner,
            head: Vec::new(),
            offset: 0,
            limit,
            marks: Default::default(),
        }
    }

    /// Drops a UTF-8 byte-order mark, if the source starts with one.
    fn skip_bom(&mut self) -> std::io::Result<()> {
        let bom = "\u{feff}".as_bytes();
        let mut head = [0u8; 3];
        let mut got = 0;
        while got < head.len() {
            match self.inner.read(&mut head[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if &head[..got] != bom {
            self.head = head[..got].to_vec();
        }
        Ok(())
    }
}

impl Read for LineTracker<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = if self.head.is_empty() {
            self.inner.read(buf)?
        } else {
            let n = self.head.len().min(buf.len());
            buf[..n].copy_from_slice(&self.head[..n]);
            self.head.drain(..n);
            n
        };
        for (i, byte) in buf[..n].iter().enumerate() {
            if matches!(byte, b'\n' | b'\r') {
                self.marks.push_back((self.offset + i as u64, *byte));
            }
        }
        self.offset += n as u64;
        if self.offset > self.limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "the manifest is too large",
            ));
        }
        Ok(n)
    }
}

/// Reads one row; `Ok(None)` for a row whose cells are all empty.
fn read_row(
    columns: &[String],
    record: &csv::ByteRecord,
    needs_file: bool,
) -> Result<Option<(String, bool, MetadataInput)>, Message> {
    if record.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
        return Ok(None);
    }
    if record.len() != columns.len() {
        return Err(Message::new(&m::MANIFEST_CELLS)
            .with("got", record.len())
            .with("expected", columns.len()));
    }
    let mut input = MetadataInput::default();
    let mut file = String::new();
    let mut split = false;
    for (column, cell) in columns.iter().zip(record.iter()) {
        let text = std::str::from_utf8(cell)
            .map_err(|_| Message::new(&m::MANIFEST_UTF8).with("column", column))?;
        let text = nfc(text.trim());
        if text.is_empty() {
            continue;
        }
        if column == FILE_COLUMN {
            file = text;
        } else if column == SPLIT_COLUMN {
            split = parse_split(&text)?;
        } else {
            input.set(column, text);
        }
    }
    if file.is_empty() && needs_file {
        return Err(Message::new(&m::MANIFEST_FILE_REQUIRED));
    }
    Ok(Some((file, split, input)))
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
        let m = read_manifest(text.as_bytes()).unwrap();
        assert_eq!(m.warnings.len(), 1);
        assert!(m.warnings[0].contains("colour"));
        let rows: Vec<_> = m.map(Result::unwrap).collect();
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
        let m =
            read_manifest(&b"file,owner_id,doc_type\na.pdf,1\n,049075001234,other\n"[..]).unwrap();
        let errors: Vec<_> = m.map(Result::unwrap_err).collect();
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].error.to_string().contains("2 cells"));
        assert_eq!(errors[1].line, 3);
        assert!(errors[1]
            .error
            .to_string()
            .contains("file column is required"));
        let e = read_manifest(&b"file,owner\nx,y\n"[..])
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("owner_id, doc_type"), "{e}");
        assert_eq!(read_manifest(&b""[..]).err(), Some(ManifestError::NoHeader));
        assert!(read_manifest(&b"file,file,owner_id,doc_type\n"[..]).is_err());
        let rows: Vec<_> = read_manifest(&b"file,owner_id,doc_type\na.pdf,\xff\xfe,other\n"[..])
            .unwrap()
            .collect();
        assert!(rows[0]
            .as_ref()
            .unwrap_err()
            .error
            .to_string()
            .contains("UTF-8"));
    }

    #[test]
    fn the_split_column_is_yes_or_no() {
        for yes in ["yes", "YES", "true", "1", " Yes "] {
            assert_eq!(parse_split(yes), Ok(true), "{yes}");
        }
        for no in ["", "no", "No", "false", "0"] {
            assert_eq!(parse_split(no), Ok(false), "{no:?}");
        }
        let text = "file,owner_id,doc_type,Split\n\
                    a.pdf,049075001234,other,\n\
                    stack.pdf,,,yes\n\
                    b.pdf,049075001234,other,có\n";
        let m = read_manifest(text.as_bytes()).unwrap();
        assert!(m.warnings.is_empty(), "{:?}", m.warnings);
        let rows: Vec<_> = m.collect();
        assert!(!rows[0].as_ref().unwrap().split);
        let stack = rows[1].as_ref().unwrap();
        assert!(stack.split);
        assert_eq!(stack.metadata, MetadataInput::default());
        let bad = rows[2].as_ref().unwrap_err();
        assert_eq!(bad.line, 4);
        assert!(
            bad.error.to_string().contains("split (có)")
                && bad.error.to_string().contains("yes or no"),
            "{bad:?}"
        );
        // Without the column, no row is a stack.
        let plain = read_manifest(&b"file,owner_id,doc_type\na.pdf,1,other\n"[..]).unwrap();
        assert!(plain.map(Result::unwrap).all(|r| !r.split));
    }

    /// Hands out one byte per read: every row boundary falls at the edge of a read.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((byte, rest)), Some(slot)) => {
                    *slot = *byte;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn line_numbers_count_blank_lines_crlf_and_quoted_breaks() {
        let text = "\u{feff}file,owner_id,doc_type\r\n\r\na.pdf,049075001234,other\r\n\
                    \"b\nc.pdf\",049075001234,other\n\n\n   \nd.pdf,1\n";
        for rows in [
            read_manifest(text.as_bytes()).unwrap().collect::<Vec<_>>(),
            read_manifest(Trickle(text.as_bytes())).unwrap().collect(),
        ] {
            let lines: Vec<u64> = rows
                .iter()
                .map(|r| match r {
                    Ok(row) => row.line,
                    Err(e) => e.line,
                })
                .collect();
            assert_eq!(lines, vec![3, 4, 9], "{rows:?}");
            assert_eq!(rows[1].as_ref().unwrap().file, "b\nc.pdf");
        }
    }

    #[test]
    fn an_endless_manifest_stops_at_the_limit() {
        let endless = std::io::repeat(b'x');
        let header = &b"file,owner_id,doc_type\n"[..];
        let rows: Vec<_> = read_at_most(header.chain(endless), 1 << 20, true)
            .unwrap()
            .collect();
        assert_eq!(rows.len(), 1);
        let error = rows[0].as_ref().unwrap_err();
        assert!(error.error.to_string().contains("larger than"), "{error:?}");
        assert_eq!(
            read_at_most(std::io::repeat(b'x'), 1 << 20, true).err(),
            Some(ManifestError::TooLarge)
        );
    }

    proptest! {
        #[test]
        fn never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let mut text = b"file,owner_id,doc_type\n".to_vec();
            text.extend(bytes);
            let _ = read_manifest(&text[..]).map(|rows| rows.count());
        }
    }
}
