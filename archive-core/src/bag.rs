//! A store, or one owner's part of it, as a BagIt bag (RFC 8493): a folder that any archive tool
//! can check and that any later kho can import.
//!
//! ```text
//! BAG/
//!   bagit.txt, bag-info.txt     BagIt 1.0; Payload-Oxum; kho's format version and the scope
//!   manifest-sha256.txt         sha256 of every file under data/
//!   tagmanifest-sha256.txt      sha256 of the three files above
//!   data/kho-export.json        format, version, scope, counts
//!   data/records.jsonl          one record per line, in sequence order
//!   data/texts.jsonl            {"sha256", "text"}: each blob's page texts
//!   data/ledger.jsonl           the ledger's events, oldest first (an owner's bag: theirs)
//!   data/dossiers.jsonl         registered dossiers (an owner's bag: those naming them)
//!   data/shares.jsonl           {"share", "token_sha256"}: the citizens' shares (an owner's
//!                               bag: theirs, without the link tokens' hashes)
//!   data/stacks.jsonl           the scanned stacks kept whole (their bytes among the blobs;
//!                               not in an owner's bag: a stack holds others' pages)
//!   data/doc-types.csv          the store's own document types, if it has any
//!   data/blobs/ab/<sha256>      the originals, named by their hash
//! ```
//!
//! Export reads the records, texts and ledger with the catalogue's writes paused (one moment,
//! also from a running server), then copies the originals with writes resumed; it writes the bag
//! beside its destination and renames it into place once complete. Import
//! checks the whole bag first (every hash, every file listed and none extra, the counts) and
//! refuses it with every problem named; it then builds the new store beside `--data`, checking
//! that each record's blob is there and that the ledger chain links, and renames it into place.
//! A damaged bag or an interrupted import leaves nothing half-written where the store goes.
//!
//! Accounts (users, tokens) and the operators' batch records are not exported: credentials do not
//! travel in a bag, and batch records describe work done on one machine. Dossiers and shares do
//! (since bag version 2): without them a restored store would refuse its clerks' reads for the
//! dossiers it had received and break the links its citizens gave out. A share travels with the
//! sha256 of its link token, never the token (the store never had it).

use crate::archive::DOC_TYPES_FILE;
use crate::{Archive, ArchiveError, HashingReader, Result, Sha256Digest, VerifyingReader};
use schemas::{DocumentRecord, DocumentText, Dossier, LedgerEvent, Share};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};

/// What kho writes in `data/kho-export.json`.
const FORMAT: &str = "kho-bag";
/// The bag format this kho writes; it imports this one and every earlier one. Version 2 added
/// dossiers, shares and kept stacks (a version-1 bag has none: it imports as before).
pub const BAG_VERSION: u32 = 2;
/// Problems listed when a bag is refused, at most.
const MAX_PROBLEMS: usize = 50;

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole store: what `import` restores.
    Store,
    /// One owner's records, originals and ledger events (a citizen's or an organization's copy).
    Owner(String),
}

/// `data/kho-export.json`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ExportInfo {
    pub format: String,
    pub version: u32,
    /// `store` or `owner`.
    pub scope: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub exported_at: time::OffsetDateTime,
    pub kho_version: String,
    pub records: u64,
    pub blobs: u64,
    pub events: u64,
    #[serde(default)]
    pub dossiers: u64,
    #[serde(default)]
    pub shares: u64,
    #[serde(default)]
    pub stacks: u64,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct TextLine {
    sha256: String,
    text: DocumentText,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ShareLine {
    share: Share,
    /// The hex sha256 of a link's token (agency shares have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_sha256: Option<String>,
}

/// What an export wrote or an import restored.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct BagSummary {
    pub records: u64,
    pub blobs: u64,
    pub texts: u64,
    pub events: u64,
    pub dossiers: u64,
    pub shares: u64,
    pub stacks: u64,
    /// Files under `data/` and their bytes (the bag's Payload-Oxum).
    pub payload_files: u64,
    pub payload_bytes: u64,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A sibling of `path` named `.NAME.SUFFIX`, where work happens before it is renamed into place.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "kho".into());
    path.with_file_name(format!(".{name}.{suffix}"))
}

/// Refuses a destination that holds anything: nothing is ever overwritten.
fn require_empty(path: &Path, what: &'static schemas::messages::Entry) -> Result<()> {
    match std::fs::read_dir(path) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(ArchiveError::Conflict(
                schemas::messages::Message::new(&schemas::messages::CONFLICT_FOLDER_NOT_EMPTY)
                    .with("path", path.display())
                    .with_message("what", what),
            )),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(ArchiveError::Conflict(
            schemas::messages::Message::new(&schemas::messages::CONFLICT_FOLDER_IS_FILE)
                .with("path", path.display())
                .with_message("what", what),
        )),
        Err(e) => Err(io_err(path)(e)),
    }
}

/// Moves the finished work into place (replacing the empty folder there, if any).
fn put_in_place(work: &Path, destination: &Path) -> Result<()> {
    if destination.exists() {
        std::fs::remove_dir(destination).map_err(io_err(destination))?;
    }
    std::fs::rename(work, destination).map_err(io_err(destination))?;
    if let Some(parent) = destination.parent().filter(|p| !p.as_os_str().is_empty()) {
        File::open(parent)
            .and_then(|dir| dir.sync_all())
            .map_err(io_err(parent))?;
    }
    Ok(())
}

/// A file of the bag being written, hashed as it is written.
struct HashedFile {
    relative: String,
    path: PathBuf,
    out: BufWriter<File>,
    hasher: Sha256,
    bytes: u64,
}

impl Write for HashedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// The bag being written: its folder and the manifest of what is in it so far.
struct BagWriter {
    root: PathBuf,
    /// relative path -> sha256 hex, for the payload (`data/...`).
    payload: BTreeMap<String, String>,
    payload_bytes: u64,
}

impl BagWriter {
    fn create(&self, relative: &str) -> Result<HashedFile> {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        let file = File::create(&path).map_err(io_err(&path))?;
        Ok(HashedFile {
            relative: relative.to_string(),
            path,
            out: BufWriter::new(file),
            hasher: Sha256::new(),
            bytes: 0,
        })
    }

    /// Makes the file durable and returns its hash.
    fn finish(file: HashedFile) -> Result<(String, String, u64)> {
        let HashedFile {
            relative,
            path,
            out,
            hasher,
            bytes,
        } = file;
        let file = out
            .into_inner()
            .map_err(|e| io_err(&path)(e.into_error()))?;
        file.sync_all().map_err(io_err(&path))?;
        Ok((relative, hex::encode(hasher.finalize()), bytes))
    }

    fn add(&mut self, file: HashedFile) -> Result<()> {
        let (relative, hash, bytes) = Self::finish(file)?;
        self.payload_bytes += bytes;
        self.payload.insert(relative, hash);
        Ok(())
    }

    fn json_line<T: serde::Serialize>(out: &mut HashedFile, value: &T) -> Result<()> {
        serde_json::to_writer(&mut *out, value).map_err(|e| ArchiveError::Io {
            path: out.path.clone(),
            source: e.into(),
        })?;
        out.write_all(b"\n").map_err(io_err(&out.path))
    }

    /// A tag file (outside `data/`), returned with its hash for the tag manifest.
    fn tag(&self, name: &str, text: &str) -> Result<(String, String)> {
        let mut file = self.create(name)?;
        file.write_all(text.as_bytes())
            .map_err(io_err(&file.path))?;
        let (relative, hash, _) = Self::finish(file)?;
        Ok((relative, hash))
    }
}

fn blob_path(sha256: &str) -> String {
    format!(
        "data/blobs/{}/{sha256}",
        sha256.get(..2).unwrap_or_default()
    )
}

/// Writes `scope` of the archive as a bag at `bag` (a new or empty folder). `progress(done,
/// total)` counts originals copied; each is re-hashed on the way, so a corrupt blob fails the
/// export instead of being packed.
pub fn export(
    archive: &Archive,
    bag: &Path,
    scope: &Scope,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<BagSummary> {
    require_empty(bag, &schemas::messages::WORDS_EXPORT)?;
    let work = beside(bag, "partial");
    if work.exists() {
        std::fs::remove_dir_all(&work).map_err(io_err(&work))?;
    }
    std::fs::create_dir_all(work.join("data")).map_err(io_err(&work))?;
    let mut writer = BagWriter {
        root: work.clone(),
        payload: BTreeMap::new(),
        payload_bytes: 0,
    };
    let catalog = &archive.catalog;
    let mut summary = BagSummary::default();
    // Records, texts and the ledger are read at one moment (writers wait; this is what makes an
    // export from a running server consistent); the originals are copied after, with writes
    // resumed, since a stored blob never changes and every record read has its blob already.
    let paused = catalog.pause_writes();

    let mut blobs: BTreeSet<Sha256Digest> = BTreeSet::new();
    let mut records = writer.create("data/records.jsonl")?;
    let mut write_record = |record: &DocumentRecord, summary: &mut BagSummary| -> Result<()> {
        let digest = Sha256Digest::from_hex(&record.sha256).ok_or(ArchiveError::Damaged {
            key: record.id.clone(),
            detail: format!("its sha256 {:?} is not a hash", record.sha256),
        })?;
        blobs.insert(digest);
        summary.records += 1;
        BagWriter::json_line(&mut records, record)
    };
    match scope {
        Scope::Store => {
            for record in catalog.records_by_seq() {
                write_record(&record?, &mut summary)?;
            }
        }
        Scope::Owner(owner) => {
            let mut owned = catalog.docs_of_owner(owner)?;
            owned.sort_by_key(|r| r.seq);
            for record in &owned {
                write_record(record, &mut summary)?;
            }
        }
    }
    writer.add(records)?;

    let mut texts = writer.create("data/texts.jsonl")?;
    for digest in &blobs {
        let sha256 = digest.to_hex();
        if let Some(text) = catalog.text(&sha256)? {
            BagWriter::json_line(&mut texts, &TextLine { sha256, text })?;
            summary.texts += 1;
        }
    }
    writer.add(texts)?;

    let mut ledger = writer.create("data/ledger.jsonl")?;
    let mut write_event = |event: &LedgerEvent, summary: &mut BagSummary| -> Result<()> {
        summary.events += 1;
        BagWriter::json_line(&mut ledger, event)
    };
    match scope {
        Scope::Store => {
            for event in catalog.events() {
                write_event(&event?, &mut summary)?;
            }
        }
        Scope::Owner(owner) => {
            for event in catalog.events_of_owner(owner, 0, usize::MAX)? {
                write_event(&event, &mut summary)?;
            }
        }
    }
    writer.add(ledger)?;

    let mut dossiers = writer.create("data/dossiers.jsonl")?;
    let mut write_dossier = |dossier: &Dossier, summary: &mut BagSummary| -> Result<()> {
        summary.dossiers += 1;
        BagWriter::json_line(&mut dossiers, dossier)
    };
    let mut shares = writer.create("data/shares.jsonl")?;
    let mut write_share = |line: &ShareLine, summary: &mut BagSummary| -> Result<()> {
        summary.shares += 1;
        BagWriter::json_line(&mut shares, line)
    };
    match scope {
        Scope::Store => {
            archive.for_each_dossier(|dossier| write_dossier(&dossier, &mut summary))?;
            archive.for_each_share(|share, token_sha256| {
                write_share(
                    &ShareLine {
                        share,
                        token_sha256,
                    },
                    &mut summary,
                )
            })?;
        }
        Scope::Owner(owner) => {
            for dossier in archive.dossiers_naming(owner)? {
                write_dossier(&dossier, &mut summary)?;
            }
            for share in archive.shares_of_owner(owner)? {
                let line = ShareLine {
                    share,
                    token_sha256: None,
                };
                write_share(&line, &mut summary)?;
            }
        }
    }
    writer.add(dossiers)?;
    writer.add(shares)?;

    if scope == &Scope::Store {
        let mut stacks = writer.create("data/stacks.jsonl")?;
        let kept = catalog.stacks();
        for digest in kept.digests() {
            let digest = digest?;
            let Some(stack) = kept.get(&digest)? else {
                continue;
            };
            let named = Sha256Digest::from_hex(&stack.sha256).ok_or(ArchiveError::Damaged {
                key: format!("stack {digest}"),
                detail: format!("its sha256 {:?} is not a hash", stack.sha256),
            })?;
            blobs.insert(named);
            summary.stacks += 1;
            BagWriter::json_line(&mut stacks, &stack)?;
        }
        writer.add(stacks)?;
    }

    let own_types = archive.root().join(DOC_TYPES_FILE);
    if scope == &Scope::Store && own_types.exists() {
        let mut out = writer.create("data/doc-types.csv")?;
        let mut src = File::open(&own_types).map_err(io_err(&own_types))?;
        std::io::copy(&mut src, &mut out).map_err(io_err(&own_types))?;
        writer.add(out)?;
    }

    drop(paused);
    let total = blobs.len() as u64;
    for digest in &blobs {
        let sha256 = digest.to_hex();
        let mut out = writer.create(&blob_path(&sha256))?;
        let mut src = VerifyingReader::new(archive.blobs().open(digest)?, *digest);
        std::io::copy(&mut src, &mut out).map_err(|source| ArchiveError::Damaged {
            key: format!("blob {sha256}"),
            detail: format!(
                "cannot be exported: {source}; `kho verify` names the records that use it"
            ),
        })?;
        writer.add(out)?;
        summary.blobs += 1;
        progress(summary.blobs, total);
    }

    let info = ExportInfo {
        format: FORMAT.into(),
        version: BAG_VERSION,
        scope: match scope {
            Scope::Store => "store".into(),
            Scope::Owner(_) => "owner".into(),
        },
        owner_id: match scope {
            Scope::Store => None,
            Scope::Owner(owner) => Some(owner.clone()),
        },
        exported_at: time::OffsetDateTime::now_utc(),
        kho_version: env!("CARGO_PKG_VERSION").into(),
        records: summary.records,
        blobs: summary.blobs,
        events: summary.events,
        dossiers: summary.dossiers,
        shares: summary.shares,
        stacks: summary.stacks,
    };
    let mut out = writer.create("data/kho-export.json")?;
    serde_json::to_writer_pretty(&mut out, &info).map_err(|e| ArchiveError::Io {
        path: out.path.clone(),
        source: e.into(),
    })?;
    writer.add(out)?;

    summary.payload_files = writer.payload.len() as u64;
    summary.payload_bytes = writer.payload_bytes;
    let manifest: String = writer
        .payload
        .iter()
        .map(|(path, hash)| format!("{hash}  {path}\n"))
        .collect();
    let scope_line = match scope {
        Scope::Store => "store".to_string(),
        Scope::Owner(owner) => format!("owner {owner}"),
    };
    let tags = [
        writer.tag(
            "bagit.txt",
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        )?,
        writer.tag(
            "bag-info.txt",
            &format!(
                "Bagging-Date: {}\nPayload-Oxum: {}.{}\nBag-Software-Agent: kho {}\n\
                 External-Description: kho export ({scope_line}): originals, records, page texts, ledger, dossiers and shares\n\
                 Kho-Bag-Version: {BAG_VERSION}\n",
                info.exported_at.date(),
                summary.payload_bytes,
                summary.payload_files,
                info.kho_version,
            ),
        )?,
        writer.tag("manifest-sha256.txt", &manifest)?,
    ];
    let tag_manifest: String = tags
        .iter()
        .map(|(path, hash)| format!("{hash}  {path}\n"))
        .collect();
    writer.tag("tagmanifest-sha256.txt", &tag_manifest)?;
    put_in_place(&work, bag)?;
    Ok(summary)
}

/// A bag whose every file was checked against its manifests.
struct CheckedBag {
    info: ExportInfo,
    payload: BTreeMap<String, String>,
}

/// Collects what is wrong with a bag, to say all of it at once.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, problem: String) {
        self.0.push(problem);
    }

    fn into_result<T>(self, bag: &Path, value: T) -> Result<T> {
        if self.0.is_empty() {
            return Ok(value);
        }
        let shown = self.0.len().min(MAX_PROBLEMS);
        let mut text = self.0[..shown].join("; ");
        if self.0.len() > shown {
            text.push_str(&format!("; and {} more", self.0.len() - shown));
        }
        Err(ArchiveError::Bag {
            path: bag.to_path_buf(),
            problems: text,
        })
    }
}

fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = HashingReader::new(File::open(path)?);
    std::io::copy(&mut file, &mut std::io::sink())?;
    let (digest, bytes) = file.finish();
    Ok((digest.to_hex(), bytes))
}

/// Reads a `manifest-sha256.txt`-style file: `HASH  PATH` per line.
fn read_checksums(
    bag: &Path,
    name: &str,
    problems: &mut Problems,
) -> Option<BTreeMap<String, String>> {
    let path = bag.join(name);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            problems.add(format!(
                "{name} cannot be read ({e}): the export did not finish, or this is not a kho bag"
            ));
            return None;
        }
    };
    let mut entries = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed = line
            .split_once(char::is_whitespace)
            .map(|(hash, path)| (hash.to_ascii_lowercase(), path.trim_start().to_string()));
        let Some((hash, file)) = parsed else {
            problems.add(format!("{name} line {}: not \"HASH  PATH\"", i + 1));
            continue;
        };
        let safe = Path::new(&file)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) || !safe {
            problems.add(format!(
                "{name} line {}: not a sha256 and a relative path inside the bag",
                i + 1
            ));
            continue;
        }
        if entries.insert(file.clone(), hash).is_some() {
            problems.add(format!("{name} lists {file} twice"));
        }
    }
    Some(entries)
}

/// Every file under `dir`, as paths relative to `base` with `/` separators.
fn files_under(base: &Path, dir: &Path, out: &mut Vec<String>, problems: &mut Problems) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.add(format!("{} cannot be listed: {e}", dir.display()));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => files_under(base, &path, out, problems),
            Ok(t) if t.is_file() => {
                if let Ok(relative) = path.strip_prefix(base) {
                    let parts: Vec<String> = relative
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect();
                    out.push(parts.join("/"));
                }
            }
            _ => problems.add(format!(
                "{} is neither a file nor a folder (a link?)",
                path.display()
            )),
        }
    }
}

/// Checks a bag: its declaration, both manifests against the files (every hash, every file
/// listed, none extra), the Payload-Oxum, and kho's description of it.
fn check_bag(bag: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<CheckedBag> {
    let mut problems = Problems::default();
    match std::fs::read_to_string(bag.join("bagit.txt")) {
        Ok(text) if text.lines().any(|l| l.trim() == "BagIt-Version: 1.0") => {}
        Ok(_) => problems.add("bagit.txt does not declare BagIt-Version: 1.0".into()),
        Err(e) => problems.add(format!(
            "bagit.txt cannot be read ({e}): {} is not a bag",
            bag.display()
        )),
    }
    if let Some(tags) = read_checksums(bag, "tagmanifest-sha256.txt", &mut problems) {
        for (file, expected) in &tags {
            match hash_file(&bag.join(file)) {
                Ok((actual, _)) if &actual == expected => {}
                Ok(_) => problems.add(format!("{file} was changed after the export: its sha256 does not match tagmanifest-sha256.txt")),
                Err(e) => problems.add(format!("{file}, listed in tagmanifest-sha256.txt, cannot be read: {e}")),
            }
        }
    }
    let payload = read_checksums(bag, "manifest-sha256.txt", &mut problems).unwrap_or_default();
    let mut present = Vec::new();
    files_under(bag, &bag.join("data"), &mut present, &mut problems);
    for file in &present {
        if !payload.contains_key(file) {
            problems.add(format!(
                "{file} is in the bag but not in manifest-sha256.txt"
            ));
        }
    }
    let (mut bytes, mut done) = (0u64, 0u64);
    let total = payload.len() as u64;
    for (file, expected) in &payload {
        if !file.starts_with("data/") {
            problems.add(format!(
                "manifest-sha256.txt lists {file}, which is outside data/"
            ));
            continue;
        }
        match hash_file(&bag.join(file)) {
            Ok((actual, size)) => {
                bytes += size;
                if &actual != expected {
                    problems.add(format!(
                        "{file} is damaged: its sha256 is {actual}, the manifest says {expected}"
                    ));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.add(format!("{file} is missing (listed in manifest-sha256.txt)"))
            }
            Err(e) => problems.add(format!("{file} cannot be read: {e}")),
        }
        done += 1;
        progress(done, total);
    }
    let oxum = std::fs::read_to_string(bag.join("bag-info.txt"))
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("Payload-Oxum:")
                    .map(|v| v.trim().to_string())
            })
        });
    let counted = format!("{bytes}.{}", payload.len());
    match oxum {
        Some(oxum) if oxum == counted => {}
        Some(oxum) => problems.add(format!(
            "bag-info.txt says Payload-Oxum {oxum}; the bag holds {counted} (bytes.files)"
        )),
        None => problems.add("bag-info.txt has no Payload-Oxum".into()),
    }
    let info: Option<ExportInfo> = match std::fs::read(bag.join("data/kho-export.json")) {
        Ok(bytes) => match serde_json::from_slice::<ExportInfo>(&bytes) {
            Ok(info) if info.format != FORMAT => {
                problems.add(format!(
                    "data/kho-export.json: format {:?} is not a kho bag",
                    info.format
                ));
                None
            }
            Ok(info) if info.version > BAG_VERSION => {
                problems.add(format!(
                    "the bag was made by a newer kho (bag version {}, kho {}); this kho imports up to version {BAG_VERSION}",
                    info.version, info.kho_version
                ));
                None
            }
            Ok(info) => Some(info),
            Err(e) => {
                problems.add(format!("data/kho-export.json cannot be read: {e}"));
                None
            }
        },
        Err(e) => {
            problems.add(format!("data/kho-export.json cannot be read: {e}"));
            None
        }
    };
    let checked = info.map(|info| CheckedBag { info, payload });
    match problems.into_result(bag, checked)? {
        Some(checked) => Ok(checked),
        // Unreachable: no info means a problem was recorded.
        None => Err(ArchiveError::Bag {
            path: bag.to_path_buf(),
            problems: "data/kho-export.json is missing".into(),
        }),
    }
}

/// Longest line of a bag's JSON-lines file: a record, an event, or one blob's page texts (a
/// document of thousands of pages). A longer line is refused rather than read into memory.
const MAX_LINE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a JSON-lines file of the bag, one value per line, naming the line that fails.
fn json_lines<T: serde::de::DeserializeOwned>(
    bag: &Path,
    name: &str,
    mut each: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    let path = bag.join(name);
    let refuse = |problem: String| ArchiveError::Bag {
        path: bag.to_path_buf(),
        problems: format!("{name} {problem}"),
    };
    let mut reader = BufReader::new(File::open(&path).map_err(io_err(&path))?);
    let mut line = String::new();
    for number in 1u64.. {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES)
            .read_line(&mut line)
            .map_err(|e| refuse(format!("line {number}: {e}")))?;
        if read == 0 {
            break;
        }
        if read as u64 == MAX_LINE_BYTES && !line.ends_with('\n') {
            return Err(refuse(format!(
                "line {number} is longer than {MAX_LINE_BYTES} bytes"
            )));
        }
        if line.trim().is_empty() {
            continue;
        }
        let value =
            serde_json::from_str(&line).map_err(|e| refuse(format!("line {number}: {e}")))?;
        each(value)?;
    }
    Ok(())
}

/// Builds a new store at `data` (a new or empty folder) from a whole-store bag: the same records
/// (ids and sequence numbers), originals, page texts and ledger (every event and hash). The
/// search index is not in the bag; it is built when the store is next opened for search.
/// `options` say where the originals go (a bucket, say). `progress(done, total)` counts files
/// checked, then originals restored.
pub fn import(
    bag: &Path,
    data: &Path,
    options: &crate::StoreOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<BagSummary> {
    let checked = check_bag(bag, progress)?;
    if checked.info.scope != "store" {
        return Err(ArchiveError::Bag {
            path: bag.to_path_buf(),
            problems: format!(
                "it holds one owner's documents ({}), which is a copy for them, not a store; import restores a whole-store export (`kho export` without --owner)",
                checked.info.owner_id.as_deref().unwrap_or("?")
            ),
        });
    }
    require_empty(data, &schemas::messages::WORDS_IMPORT)?;
    let work = beside(data, "importing");
    if work.exists() {
        std::fs::remove_dir_all(&work).map_err(io_err(&work))?;
    }
    std::fs::create_dir_all(&work).map_err(io_err(&work))?;
    let restored = restore(bag, &checked, &work, options, progress);
    match restored {
        Ok(summary) => {
            put_in_place(&work, data)?;
            Ok(summary)
        }
        Err(e) => {
            // Nothing half-built is left behind; the bag is untouched.
            let _ = std::fs::remove_dir_all(&work);
            Err(e)
        }
    }
}

fn restore(
    bag: &Path,
    checked: &CheckedBag,
    work: &Path,
    options: &crate::StoreOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<BagSummary> {
    if checked.payload.contains_key("data/doc-types.csv") {
        let target = work.join(DOC_TYPES_FILE);
        std::fs::copy(bag.join("data/doc-types.csv"), &target).map_err(io_err(&target))?;
    }
    let archive = Archive::open_with(work, options)?;
    let mut summary = BagSummary {
        payload_files: checked.payload.len() as u64,
        ..Default::default()
    };
    let blob_files: Vec<&String> = checked
        .payload
        .keys()
        .filter(|f| f.starts_with("data/blobs/"))
        .collect();
    let total = blob_files.len() as u64;
    for file in blob_files {
        let path = bag.join(file);
        let named = file.rsplit('/').next().unwrap_or_default();
        let mut src = File::open(&path).map_err(io_err(&path))?;
        let put = archive.put_blob(&mut src)?;
        if put.digest().to_hex() != named {
            return Err(ArchiveError::Bag {
                path: bag.to_path_buf(),
                problems: format!("{file} holds bytes whose sha256 is {}", put.digest()),
            });
        }
        summary.payload_bytes += put.size();
        summary.blobs += 1;
        progress(summary.blobs, total);
    }
    let catalog = &archive.catalog;
    json_lines(bag, "data/texts.jsonl", |line: TextLine| {
        if Sha256Digest::from_hex(&line.sha256).is_none() {
            return Err(ArchiveError::Bag {
                path: bag.to_path_buf(),
                problems: format!("data/texts.jsonl names {:?}, not a sha256", line.sha256),
            });
        }
        catalog.restore_text(&line.sha256, &line.text)?;
        summary.texts += 1;
        Ok(())
    })?;
    json_lines(bag, "data/records.jsonl", |record: DocumentRecord| {
        let named = Sha256Digest::from_hex(&record.sha256).is_some();
        if !named || !checked.payload.contains_key(&blob_path(&record.sha256)) {
            return Err(ArchiveError::Bag {
                path: bag.to_path_buf(),
                problems: format!(
                    "record {} refers to blob {}, which is not in the bag",
                    record.id, record.sha256
                ),
            });
        }
        catalog.restore_record(&record)?;
        summary.records += 1;
        Ok(())
    })?;
    json_lines(bag, "data/ledger.jsonl", |event: LedgerEvent| {
        catalog.restore_event(&event)?;
        summary.events += 1;
        Ok(())
    })?;
    if checked.payload.contains_key("data/dossiers.jsonl") {
        json_lines(bag, "data/dossiers.jsonl", |dossier: Dossier| {
            check_dossier(&dossier).map_err(|problem| ArchiveError::Bag {
                path: bag.to_path_buf(),
                problems: format!("data/dossiers.jsonl: dossier {:?} {problem}", dossier.code),
            })?;
            archive.keep_dossier(&dossier)?;
            summary.dossiers += 1;
            Ok(())
        })?;
    }
    if checked.payload.contains_key("data/stacks.jsonl") {
        json_lines(
            bag,
            "data/stacks.jsonl",
            |stack: crate::stacks::StackRecord| {
                let named = Sha256Digest::from_hex(&stack.sha256).is_some();
                if !named || !checked.payload.contains_key(&blob_path(&stack.sha256)) {
                    return Err(ArchiveError::Bag {
                        path: bag.to_path_buf(),
                        problems: format!(
                            "data/stacks.jsonl names stack {}, whose bytes are not in the bag",
                            stack.sha256
                        ),
                    });
                }
                catalog.stacks().keep(&stack)?;
                summary.stacks += 1;
                Ok(())
            },
        )?;
    }
    if checked.payload.contains_key("data/shares.jsonl") {
        json_lines(bag, "data/shares.jsonl", |line: ShareLine| {
            check_share(catalog, &line).map_err(|problem| ArchiveError::Bag {
                path: bag.to_path_buf(),
                problems: format!("data/shares.jsonl: share {:?} {problem}", line.share.id),
            })?;
            archive.restore_share(&line.share, line.token_sha256.as_deref())?;
            summary.shares += 1;
            Ok(())
        })?;
    }
    let info = &checked.info;
    let held = [
        summary.records,
        summary.blobs,
        summary.events,
        summary.dossiers,
        summary.shares,
        summary.stacks,
    ];
    let said = [
        info.records,
        info.blobs,
        info.events,
        info.dossiers,
        info.shares,
        info.stacks,
    ];
    if held != said {
        return Err(ArchiveError::Bag {
            path: bag.to_path_buf(),
            problems: format!(
                "it holds {held:?} (records, originals, events, dossiers, shares, stacks); data/kho-export.json says {said:?}"
            ),
        });
    }
    archive.flush()?;
    Ok(summary)
}

/// A bag's dossier obeys the rules a registration obeys (a bag is checked by hash, but may
/// have been made by hand).
fn check_dossier(dossier: &Dossier) -> std::result::Result<(), String> {
    let input = schemas::DossierInput {
        code: dossier.code.clone(),
        procedure_code: dossier.procedure_code.clone(),
        applicants: dossier.applicants.clone(),
        receiving_agency: dossier.receiving_agency.clone(),
        received_on: schemas::iso_date(dossier.received_on),
    };
    match input.validate() {
        Ok(_) => Ok(()),
        Err(errors) => Err(format!("breaks a rule: {errors}")),
    }
}

/// A bag's share names a valid owner and only documents of that owner already restored, and
/// its token hash (if any) is a sha256.
fn check_share(
    catalog: &crate::catalog::Catalog,
    line: &ShareLine,
) -> std::result::Result<(), String> {
    let share = &line.share;
    if let Err(e) = schemas::ids::OwnerId::parse(&share.owner_id) {
        return Err(format!("names owner {:?}: {e}", share.owner_id));
    }
    if let Some(hash) = &line.token_sha256 {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("has token_sha256 {hash:?}, not a sha256"));
        }
    }
    if share.documents.is_empty() {
        return Err("names no document".into());
    }
    for id in &share.documents {
        match catalog.get(id) {
            Ok(Some(record)) if record.metadata.owner_id.as_str() == share.owner_id => {}
            Ok(Some(_)) => return Err(format!("names document {id}, which is not its owner's")),
            Ok(None) => return Err(format!("names document {id}, which is not in the bag")),
            Err(e) => return Err(format!("cannot check document {id}: {e}")),
        }
    }
    Ok(())
}
