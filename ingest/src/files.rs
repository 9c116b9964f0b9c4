//! From paths on disk to stored documents: walking folders, reading each file once, and turning
//! every outcome into a [`FileReport`] line.

use crate::extract::{extract_new, ExtractConfig};
use crate::{inspect, sniff, InspectError, Inspection, Limits, SNIFF_BYTES};
use archive_core::{
    Archive, ArchiveError, BlobError, IngestStatus, NewDocument, PutBlob, Sha256Digest,
};
use schemas::messages::{self as m, Message};
use schemas::{Caller, DocumentMetadata, DocumentRecord, DocumentText, TextSource};
use std::io::Read;
use std::path::{Path, PathBuf};

/// One input file, with the name it is reported under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path as the operator gave it (or as found under a given folder), NFC.
    pub display: String,
}

/// A path that could not be expanded into input files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub display: String,
    pub reason: Message,
}

/// Expands paths into files: a file is itself, a folder is every file below it in path order.
/// Symbolic links to files are followed; links to folders are not (they could loop). Paths that
/// do not exist or cannot be read come back as errors, in place, so that the report keeps the
/// operator's order.
pub fn expand_paths(paths: &[PathBuf]) -> Vec<Result<InputFile, InputError>> {
    let mut out = Vec::new();
    for path in paths {
        let display = schemas::nfc(&path.to_string_lossy());
        match std::fs::metadata(path) {
            Err(e) => out.push(Err(InputError {
                display,
                reason: if e.kind() == std::io::ErrorKind::NotFound {
                    Message::new(&m::INGEST_NO_SUCH_PATH)
                } else {
                    Message::new(&m::INGEST_CANNOT_READ_PATH).with("why", e)
                },
            })),
            Ok(m) if m.is_dir() => walk(path, &mut out),
            Ok(_) => out.push(Ok(InputFile {
                path: path.clone(),
                display,
            })),
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<Result<InputFile, InputError>>) {
    let display = |p: &Path| schemas::nfc(&p.to_string_lossy());
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            out.push(Err(InputError {
                display: display(dir),
                reason: Message::new(&m::INGEST_CANNOT_LIST).with("why", e),
            }));
            return;
        }
    };
    entries.sort();
    for path in entries {
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() && !is_link => walk(&path, out),
            Ok(m) if m.is_dir() => {}
            Ok(_) => out.push(Ok(InputFile {
                display: display(&path),
                path,
            })),
            Err(e) => out.push(Err(InputError {
                display: display(&path),
                reason: Message::new(&m::INGEST_CANNOT_READ_PATH).with("why", e),
            })),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Stored,
    Duplicate,
    Rejected,
}

/// Why a file was rejected, as a category an operator can count and act on (the `error` says
/// the particulars).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectKind {
    /// A metadata field breaks a rule (owner ID, type, dates, codes).
    Metadata,
    /// The manifest row cannot be read.
    ManifestRow,
    /// The file is missing, a folder, or outside the root.
    Path,
    /// An earlier row named the same file.
    RepeatedFile,
    /// The file cannot be read from disk.
    Unreadable,
    TooLarge,
    /// A file of 0 bytes (an interrupted copy or scan, most often): said apart from a format
    /// kho does not take, because the operator's remedy differs (scan again, not convert).
    Empty,
    /// Not a PDF, PNG, JPEG or TIFF.
    UnsupportedFormat,
    /// A PDF or image that is broken.
    Damaged,
    /// A password-protected PDF.
    Encrypted,
    /// Outside the limits: more pages or pixels than allowed, or too few pixels to be a scan.
    OverLimits,
    /// Pages of a scanned stack before its first separator sheet (`--split`).
    NoSeparator,
    /// A separator sheet whose QR code does not parse or whose metadata breaks a rule.
    BadSeparator,
    /// A document of a stack longer than `--max-pages`: a separator was probably missed.
    MissedSeparator,
    /// A separator sheet followed by no page.
    EmptySegment,
    /// A file that cannot be split (not a PDF or TIFF stack, or its pages cannot be cut out).
    Unsplittable,
}

impl RejectKind {
    /// The kind of a file whose first bytes are not a format kho takes.
    fn of_sniff(e: &crate::SniffError) -> RejectKind {
        match e {
            crate::SniffError::Empty => RejectKind::Empty,
            _ => RejectKind::UnsupportedFormat,
        }
    }

    /// The kind in the table's words (`reject_kind.too_large`...).
    pub fn words(self) -> &'static m::Entry {
        match self {
            RejectKind::Metadata => &m::REJECT_METADATA,
            RejectKind::ManifestRow => &m::REJECT_MANIFEST_ROW,
            RejectKind::Path => &m::REJECT_PATH,
            RejectKind::RepeatedFile => &m::REJECT_REPEATED_FILE,
            RejectKind::Unreadable => &m::REJECT_UNREADABLE,
            RejectKind::TooLarge => &m::REJECT_TOO_LARGE,
            RejectKind::Empty => &m::REJECT_EMPTY,
            RejectKind::UnsupportedFormat => &m::REJECT_UNSUPPORTED_FORMAT,
            RejectKind::Damaged => &m::REJECT_DAMAGED,
            RejectKind::Encrypted => &m::REJECT_ENCRYPTED,
            RejectKind::OverLimits => &m::REJECT_OVER_LIMITS,
            RejectKind::NoSeparator => &m::REJECT_NO_SEPARATOR,
            RejectKind::BadSeparator => &m::REJECT_BAD_SEPARATOR,
            RejectKind::MissedSeparator => &m::REJECT_MISSED_SEPARATOR,
            RejectKind::EmptySegment => &m::REJECT_EMPTY_SEGMENT,
            RejectKind::Unsplittable => &m::REJECT_UNSPLITTABLE,
        }
    }
}

/// The outcome for one input file: one line of `kho ingest --json`, in the shape of design.md.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FileReport {
    pub file: String,
    /// The manifest line, for a manifest batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    pub status: FileStatus,
    pub id: Option<String>,
    pub sha256: Option<String>,
    pub pages: Option<u32>,
    /// `text_layer`, `ocr` or `mixed`; `null` when no page yielded text.
    pub text_source: Option<TextSource>,
    /// Mean OCR confidence (0-100) over the OCR pages.
    pub ocr_confidence: Option<f64>,
    /// OCR pages below the review threshold, to be checked by a person.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub low_confidence_pages: Vec<u32>,
    /// Pages stored without text, and why (the document itself is stored); their words in the
    /// process's language when serialised.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "schemas::messages::serialize_rendered_all"
    )]
    pub warnings: Vec<Message>,
    /// Why the file was rejected: `code` (stable, from the table in `schemas::messages`) and
    /// `error` (its words in the process's language; the web and the API render the code in
    /// their reader's language).
    #[serde(flatten, serialize_with = "reason_fields")]
    pub error: Option<Message>,
    /// For a rejected file: the kind of reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reject_kind: Option<RejectKind>,
    /// How many pages were read by OCR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr_pages: Option<u32>,
    /// A stored document that looks like a new scan of this earlier one (same owner and type,
    /// same number or issue date, much the same text); the record is linked to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rescan_of: Option<String>,
    /// A document cut out of a scanned stack (`--split`): the stack, its separator and pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<schemas::Provenance>,
}

/// A rejection's `code` and `error` (its words in the process's language), or neither; as
/// `"error": null` for a file that was not rejected, as before codes.
fn reason_fields<S: serde::Serializer>(
    reason: &Option<Message>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(None)?;
    match reason {
        Some(reason) => {
            map.serialize_entry("code", reason.code())?;
            map.serialize_entry("error", &reason.to_string())?;
        }
        None => map.serialize_entry("error", &None::<String>)?,
    }
    map.end()
}

impl FileReport {
    pub fn rejected(file: impl Into<String>, kind: RejectKind, error: impl Into<Message>) -> Self {
        FileReport {
            file: file.into(),
            line: None,
            status: FileStatus::Rejected,
            id: None,
            sha256: None,
            pages: None,
            text_source: None,
            ocr_confidence: None,
            low_confidence_pages: Vec::new(),
            warnings: Vec::new(),
            error: Some(error.into()),
            reject_kind: Some(kind),
            ocr_pages: None,
            rescan_of: None,
            provenance: None,
        }
    }
}

impl FileReport {
    fn of_record(display: &str, status: FileStatus, record: &DocumentRecord) -> Self {
        FileReport {
            file: display.to_string(),
            line: None,
            status,
            id: Some(record.id.clone()),
            sha256: Some(record.sha256.clone()),
            pages: Some(record.pages),
            text_source: record.text_source,
            ocr_confidence: record.ocr_confidence,
            low_confidence_pages: record.low_confidence_pages.clone(),
            warnings: Vec::new(),
            error: None,
            reject_kind: None,
            ocr_pages: None,
            rescan_of: record.rescan_of.clone(),
            provenance: record.provenance.clone(),
        }
    }

    pub fn at_line(self, line: u64) -> Self {
        FileReport {
            line: Some(line),
            ..self
        }
    }
}

/// Reads a whole file, refusing it (without reading further) once it passes `max_bytes`.
fn read_bounded(path: &Path, max_bytes: u64) -> Result<Vec<u8>, (RejectKind, Message)> {
    let unreadable = |what: &'static m::Entry, e: std::io::Error| {
        (RejectKind::Unreadable, Message::new(what).with("why", e))
    };
    let file = std::fs::File::open(path).map_err(|e| unreadable(&m::INGEST_CANNOT_OPEN, e))?;
    let declared = file.metadata().map(|m| m.len()).unwrap_or(0);
    let too_large = |size: u64| {
        (
            RejectKind::TooLarge,
            Message::new(&m::INGEST_TOO_LARGE)
                .with("size", size)
                .with("max", max_bytes),
        )
    };
    if declared > max_bytes {
        return Err(too_large(declared));
    }
    let mut bytes = Vec::with_capacity(declared as usize);
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(&m::INGEST_CANNOT_READ, e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// What `kho ingest --check` asks of a file: that it can be opened and its first bytes are a
/// format kho takes. Nothing more is read.
pub fn check_format(input: &InputFile) -> Result<(), Box<FileReport>> {
    let reject =
        |kind, reason: Message| Box::new(FileReport::rejected(&input.display, kind, reason));
    let unreadable = |what: &'static m::Entry, e: std::io::Error| {
        reject(RejectKind::Unreadable, Message::new(what).with("why", e))
    };
    let file =
        std::fs::File::open(&input.path).map_err(|e| unreadable(&m::INGEST_CANNOT_OPEN, e))?;
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    file.take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| unreadable(&m::INGEST_CANNOT_READ, e))?;
    sniff(&head)
        .map(|_| ())
        .map_err(|e| reject(RejectKind::of_sniff(&e), e.message()))
}

/// A file read whole and recognised: its bytes, their sha256, its format and page count.
pub struct LoadedFile {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub inspection: Inspection,
}

/// Reads a file once (bounded) and inspects it; a file that cannot be accepted comes back as its
/// rejection report.
pub fn load_file(
    input: &InputFile,
    max_bytes: u64,
    limits: &Limits,
) -> Result<LoadedFile, Box<FileReport>> {
    let bytes = read_bounded(&input.path, max_bytes)
        .map_err(|(kind, reason)| Box::new(FileReport::rejected(&input.display, kind, reason)))?;
    load_bytes(&input.display, bytes, limits)
}

fn reject_kind_of(e: &InspectError) -> RejectKind {
    match e {
        InspectError::Encrypted => RejectKind::Encrypted,
        InspectError::TooManyPages { .. }
        | InspectError::TooManyPixels { .. }
        | InspectError::TooSmall { .. } => RejectKind::OverLimits,
        InspectError::Damaged { .. } | InspectError::NoPages { .. } => RejectKind::Damaged,
    }
}

/// Recognises bytes already in memory (an HTTP upload, say) as [`load_file`] does a file.
pub fn load_bytes(
    display: &str,
    bytes: Vec<u8>,
    limits: &Limits,
) -> Result<LoadedFile, Box<FileReport>> {
    let sha256 = Sha256Digest::of(&bytes).to_hex();
    let inspection = sniff(&bytes[..bytes.len().min(SNIFF_BYTES)])
        .map_err(|e| (RejectKind::of_sniff(&e), e.message()))
        .and_then(|format| {
            inspect(format, &bytes, limits).map_err(|e| (reject_kind_of(&e), e.message()))
        })
        .map_err(|(kind, reason)| {
            Box::new(FileReport {
                sha256: Some(sha256.clone()),
                ..FileReport::rejected(display, kind, reason)
            })
        })?;
    Ok(LoadedFile {
        bytes,
        sha256,
        inspection,
    })
}

/// Stores one file that is already in memory (an upload), durably: [`prepare_file`]'s work on
/// bytes from elsewhere, then [`commit_prepared`] and a flush. `display` names it in the report;
/// `source_name` is the file name kept in the record. The bytes that are sniffed, inspected and
/// extracted are exactly the bytes that are hashed and stored; a file the owner already has is
/// a duplicate before any extraction work; every problem of the file is a rejected report.
/// Also the metadata its extracted text suggests (none for a duplicate or a
/// rejection, whose text is not read): what the upload answer shows beside what was given.
pub fn ingest_loaded_suggesting(
    archive: &Archive,
    caller: &Caller,
    display: &str,
    source_name: Option<String>,
    loaded: LoadedFile,
    metadata: &DocumentMetadata,
    cfg: &ExtractConfig,
) -> Result<(FileReport, Option<schemas::Suggestions>), ArchiveError> {
    match prepare_loaded(archive, caller, display, source_name, loaded, metadata, cfg)? {
        Stage::Done(report) => Ok((*report, None)),
        Stage::Ready(prepared) => {
            let suggestions = schemas::suggest_fields(&prepared.text.joined(), schemas::today());
            let report = commit_prepared(archive, caller, *prepared)?;
            archive.flush()?;
            Ok((report, Some(suggestions)))
        }
    }
}

/// [`ingest_loaded_suggesting`] without the suggestions.
pub fn ingest_loaded(
    archive: &Archive,
    caller: &Caller,
    display: &str,
    source_name: Option<String>,
    loaded: LoadedFile,
    metadata: &DocumentMetadata,
    cfg: &ExtractConfig,
) -> Result<FileReport, ArchiveError> {
    ingest_loaded_suggesting(archive, caller, display, source_name, loaded, metadata, cfg)
        .map(|(report, _)| report)
}

/// A file after the parallel stage of a batch: either its outcome is already known (rejected,
/// or a duplicate), or it is ready to be recorded.
pub enum Stage {
    Done(Box<FileReport>),
    Ready(Box<Prepared>),
}

/// A file read, recognised, its text extracted and its bytes durable in the blob store: all that
/// is left is the catalogue transaction, which the single writer of a batch does.
pub struct Prepared {
    pub display: String,
    pub metadata: DocumentMetadata,
    pub format: schemas::Format,
    pub pages: u32,
    pub source_name: Option<String>,
    pub text: DocumentText,
    /// The signatures of a PDF, checked against the store's trust anchors.
    pub signatures: Vec<schemas::SignatureInfo>,
    pub blob: PutBlob,
    /// Set for a document cut out of a scanned stack.
    pub provenance: Option<schemas::Provenance>,
    /// The places its issuer and text name, read here (in parallel) rather than by the writer.
    pub places: Vec<schemas::RecognizedPlace>,
}

/// The parallel stage for a file on disk: read, recognise, check for a duplicate, extract, store
/// the bytes. Touches the catalogue only to read, on behalf of `caller` (who must be allowed to
/// upload).
pub fn prepare_file(
    archive: &Archive,
    caller: &Caller,
    input: &InputFile,
    metadata: &DocumentMetadata,
    cfg: &ExtractConfig,
) -> Result<Stage, ArchiveError> {
    let loaded = match load_file(input, archive.max_file_bytes(), &cfg.limits) {
        Ok(loaded) => loaded,
        Err(rejected) => return Ok(Stage::Done(rejected)),
    };
    let source_name = input
        .path
        .file_name()
        .map(|n| schemas::nfc(&n.to_string_lossy()));
    prepare_loaded(
        archive,
        caller,
        &input.display,
        source_name,
        loaded,
        metadata,
        cfg,
    )
}

pub(crate) fn prepare_loaded(
    archive: &Archive,
    caller: &Caller,
    display: &str,
    source_name: Option<String>,
    loaded: LoadedFile,
    metadata: &DocumentMetadata,
    cfg: &ExtractConfig,
) -> Result<Stage, ArchiveError> {
    let LoadedFile {
        bytes,
        sha256,
        inspection,
    } = loaded;
    if let Some(existing) = archive.find_existing(caller, &sha256, metadata.owner_id.as_str())? {
        return Ok(Stage::Done(Box::new(FileReport::of_record(
            display,
            FileStatus::Duplicate,
            &existing,
        ))));
    }
    let text = match archive.known_text(caller, &sha256)? {
        Some(text) => text,
        None => match extract_new(inspection.format, &bytes, inspection.pages, cfg) {
            Ok(text) => text,
            Err(e) => {
                return Ok(Stage::Done(Box::new(FileReport {
                    sha256: Some(sha256),
                    ..FileReport::rejected(display, reject_kind_of(&e), e.message())
                })))
            }
        },
    };
    let signatures = crate::signature::check_stored_format(archive, inspection.format, &bytes)?;
    let blob = match archive.put_blob(&mut bytes.as_slice()) {
        Ok(blob) => blob,
        Err(ArchiveError::Blob(BlobError::TooLarge { max })) => {
            return Ok(Stage::Done(Box::new(FileReport::rejected(
                display,
                RejectKind::TooLarge,
                Message::new(&m::INGEST_OVER_BLOB_LIMIT).with("max", max),
            ))))
        }
        // Store-level failures (disk, catalogue) are not the file's fault: stop the run.
        Err(e) => return Err(e),
    };
    let places = archive.places_of(metadata, Some(&text));
    Ok(Stage::Ready(Box::new(Prepared {
        places,
        display: display.to_string(),
        metadata: metadata.clone(),
        format: inspection.format,
        pages: inspection.pages,
        source_name,
        text,
        signatures,
        blob,
        provenance: None,
    })))
}

/// The writer's stage: the record, linked to an earlier scan of the same document if there is
/// one, in one catalogue transaction, on behalf of `caller`. Not durable until the caller flushes
/// (a batch flushes once per group of files, and reports them only then).
pub fn commit_prepared(
    archive: &Archive,
    caller: &Caller,
    prepared: Prepared,
) -> Result<FileReport, ArchiveError> {
    let warnings = text_warnings(&prepared.text);
    let ocr_pages = prepared
        .text
        .pages
        .iter()
        .filter(|p| p.source == schemas::PageSource::Ocr)
        .count() as u32;
    let doc = NewDocument {
        metadata: prepared.metadata,
        format: prepared.format,
        pages: prepared.pages,
        source_name: prepared.source_name,
        text: Some(prepared.text),
        signatures: prepared.signatures,
        provenance: prepared.provenance,
    };
    let ingested =
        archive.commit_with_places(caller, doc, &prepared.blob, Some(prepared.places))?;
    let status = match ingested.status {
        IngestStatus::Stored => FileStatus::Stored,
        IngestStatus::Duplicate => FileStatus::Duplicate,
    };
    Ok(FileReport {
        warnings,
        ocr_pages: Some(ocr_pages),
        ..FileReport::of_record(&prepared.display, status, &ingested.record)
    })
}

/// "page N: why" for every page that yielded no text (the why as the OCR engine or the PDF
/// reader gave it).
pub fn text_warnings(text: &schemas::DocumentText) -> Vec<Message> {
    text.pages
        .iter()
        .filter(|p| p.source == schemas::PageSource::None)
        .map(|p| {
            let warning =
                Message::new(&schemas::messages::INGEST_PAGE_NO_TEXT).with("page", p.page);
            match p.note.as_deref() {
                Some(why) => warning.with("why", why),
                None => warning.with_message(
                    "why",
                    Message::new(&schemas::messages::INGEST_NOTHING_READABLE),
                ),
            }
        })
        .collect()
}
