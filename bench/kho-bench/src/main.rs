//! `kho-bench generate --docs N --data DIR [--jsonl FILE]`: N synthetic Vietnamese documents
//! (realistic names, places, document types and administrative text) stored the way `kho ingest`
//! stores them: each a one-page PDF whose text layer carries the document's words (folded to
//! ASCII, the standard font's repertoire), put in the blob store and recorded through
//! [`Archive::commit`] by the local operator `kho-bench`, with the Vietnamese text as its page
//! text (as an OCR would give it). So every store the benchmarks and the search tests use keeps
//! the invariants: each record's original is there, each ingest is in the ledger. Optionally also
//! as JSON lines for other engines. The index is not built (`kho reindex` or the next search
//! does). Deterministic for a given seed, except the record ids (random after their first four
//! characters, as always).
//!
//! `kho-bench query --data DIR [--runs N] [--only WORDS]`: search latency in-process through the search service
//! (p50/p99, top 20 with facets, the hits ledgered as a clerk's would be) for a rare term, a
//! common term, a 4-syllable phrase, an owner ID, and a filtered query.
//!
//! `kho-bench words [--pages N] [--rounds R]`: the index's tokenizers alone, against tantivy's
//! own `default` analyzer, on full pages of the generator's text ([`words`]).
//!
//! `kho-bench texts --data DIR --out DIR [--sample N]`: page texts as the catalogue keeps them,
//! one file each, for comparing codecs ([`texts`]).
//!
//! `kho-bench blobs --to (s3://BUCKET | DIR) --files N --size BYTES [--threads T]`: blob store
//! upload, download and dedupe throughput ([`blobs`]).

#![forbid(unsafe_code)]

mod blobs;
mod history;
mod texts;

/// The allocator `kho` ships with (src/main.rs), so that what is measured here is what runs.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use archive_core::search::{SearchRequest, SortOrder};
use archive_core::{Archive, NewDocument, PutBlob};
use schemas::{
    Caller, DocTypes, DocumentMetadata, DocumentText, Format, MetadataInput, PageSource, PageText,
};
use std::io::Write;
use std::time::Instant;

/// Documents generated, stored as blobs in parallel, then recorded and flushed together.
const CHUNK: usize = 512;

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Cao",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Xuân", "Hoàng", "Thu", "Kim",
    "Công", "Bảo", "Gia",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Châu", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hoa",
    "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Phúc",
    "Phương", "Quân", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Thủy", "Trang", "Trung", "Tuấn",
    "Tú", "Việt", "Vy", "Yến", "Thuý",
];
/// Given names that occur about once in 2,000 people: what a "rare term" query looks for.
const RARE_GIVEN: &[&str] = &["Khuê", "Diệp", "Uyên"];
const STREET: &[&str] = &[
    "Nguyễn Huệ",
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Hai Bà Trưng",
    "Điện Biên Phủ",
    "Hoàng Diệu",
    "Nguyễn Chí Thanh",
    "Lý Thường Kiệt",
    "Phan Châu Trinh",
    "Đường Thành",
];
const FILLER: &[&str] = &[
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014",
    "Căn cứ Nghị định số 45/2020/NĐ-CP về thực hiện thủ tục hành chính trên môi trường điện tử",
    "Xét đề nghị của công dân và hồ sơ kèm theo",
    "Người yêu cầu cam đoan những nội dung khai trên đây là đúng sự thật",
    "Bản sao được cấp từ sổ gốc theo yêu cầu của người có tên trên",
    "Giấy này có giá trị sử dụng trong phạm vi cả nước",
    "Cán bộ tư pháp hộ tịch đã kiểm tra giấy tờ tùy thân của người yêu cầu",
    "Ủy ban nhân dân chịu trách nhiệm về tính chính xác của thông tin",
    "Thông tin được đối chiếu với Cơ sở dữ liệu quốc gia về dân cư",
    "Mọi sửa chữa, tẩy xóa trên giấy tờ này đều không có giá trị",
];

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in 0..n from the high 32 bits (the low bits of xorshift* are weak: drawing from
    /// them made a 1-in-2000 name appear in 7% of documents).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn person(rng: &mut Rng) -> String {
    let given = if rng.below(2000) == 0 {
        rng.pick(RARE_GIVEN)
    } else {
        rng.pick(GIVEN)
    };
    format!("{} {} {}", rng.pick(FAMILY), rng.pick(MIDDLE), given)
}

fn personal_id(rng: &mut Rng) -> String {
    let provinces = &schemas::provinces::PROVINCES;
    let p = provinces[rng.below(provinces.len())].code;
    let century = rng.below(2) as u64 * 2 + rng.below(2) as u64; // 1900s or 2000s, either sex
    let yy = if century >= 2 {
        rng.below(20)
    } else {
        40 + rng.below(60)
    };
    format!("{p}{century}{yy:02}{:06}", rng.below(1_000_000))
}

struct Generated {
    metadata: MetadataInput,
    text: String,
}

/// Communes of each era, to name in papers of that era (real units, so that places are read
/// and indexed as in a real archive).
struct Communes {
    gazetteer: std::sync::Arc<schemas::Gazetteer>,
    before: Vec<schemas::places::UnitId>,
    after: Vec<schemas::places::UnitId>,
}

impl Communes {
    fn new() -> Result<Self, String> {
        use schemas::places::{Era, Level};
        let gazetteer = schemas::Gazetteer::builtin().map_err(|e| e.to_string())?;
        let of = |era: Era| {
            gazetteer
                .ids()
                .filter(|u| {
                    gazetteer.unit(*u).era == era && gazetteer.unit(*u).level == Level::Commune
                })
                .collect::<Vec<_>>()
        };
        let (before, after) = (of(Era::Before2025), of(Era::From2025));
        Ok(Communes {
            gazetteer,
            before,
            after,
        })
    }
}

fn document(
    rng: &mut Rng,
    owners: &[(String, String)],
    types: &[&str],
    communes: &Communes,
) -> Generated {
    let (owner_id, owner_name) = &owners[rng.below(owners.len())];
    let doc_type = rng.pick(types).to_string();
    let year = 1990 + rng.below(36) as i32;
    let (month, day) = (1 + rng.below(12), 1 + rng.below(28));
    // A paper names the units of its time: before 1 July 2025 the old ones.
    let era = if (year, month) < (2025, 7) {
        &communes.before
    } else {
        &communes.after
    };
    let g = &communes.gazetteer;
    let commune = era[rng.below(era.len())];
    let ward = g.full_name(commune);
    let province = g.unit(g.province_of(commune)).name.clone();
    let issuer = format!("Ủy ban nhân dân {ward}");
    let number = format!("{}/{}", 1 + rng.below(999), year);
    let mut lines = vec![
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_string(),
        "Độc lập - Tự do - Hạnh phúc".to_string(),
        format!("Số: {number}"),
        format!("Họ, chữ đệm, tên: {}", owner_name.to_uppercase()),
        format!("Số định danh cá nhân: {owner_id}"),
        format!(
            "Nơi cư trú: số {} đường {}, {ward}",
            1 + rng.below(300),
            rng.pick(STREET)
        ),
        format!("Họ, chữ đệm, tên người thân: {}", person(rng)),
    ];
    for _ in 0..6 + rng.below(10) {
        lines.push(rng.pick(FILLER).to_string());
    }
    lines.push(format!(
        "{province}, ngày {day:02} tháng {month:02} năm {year}"
    ));
    lines.push(format!("Người ký: {}", person(rng)));
    Generated {
        metadata: MetadataInput {
            owner_id: Some(owner_id.clone()),
            owner_name: Some(owner_name.clone()),
            doc_type: Some(doc_type),
            issuer: Some(issuer),
            doc_number: Some(number),
            issued_on: Some(format!("{year}-{month:02}-{day:02}")),
            ..Default::default()
        },
        text: lines.join("\n"),
    }
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// A one-page PDF that shows `lines` (folded to ASCII: the standard Helvetica has no Vietnamese)
/// in its text layer; small, valid, and different for different text.
fn pdf(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT /F1 9 Tf 40 800 Td 11 TL\n");
    for line in lines {
        let ascii: String = schemas::fold(line)
            .chars()
            .map(|c| match c {
                '(' | ')' | '\\' => ' ',
                c if c.is_ascii() && !c.is_ascii_control() => c,
                _ => '?',
            })
            .collect();
        content.push_str(&format!("({ascii}) Tj T*\n"));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// One generated document, ready to store.
struct Ready {
    metadata: DocumentMetadata,
    text: String,
    bytes: Vec<u8>,
}

fn generate(args: &[String]) -> Result<(), String> {
    let n: usize = arg(args, "--docs")
        .and_then(|v| v.parse().ok())
        .ok_or("--docs N")?;
    let data = arg(args, "--data").ok_or("--data DIR")?;
    let mut jsonl = arg(args, "--jsonl")
        .map(|p| std::fs::File::create(p).map(std::io::BufWriter::new))
        .transpose()
        .map_err(|e| e.to_string())?;
    let archive = Archive::open(&data).map_err(|e| e.to_string())?;
    let caller = Caller::local_operator("kho-bench");
    let types = DocTypes::builtin();
    let keys: Vec<&str> = types.iter().map(|t| t.key.as_str()).collect();
    let today = schemas::today();
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let owners: Vec<(String, String)> = (0..(n / 3).max(1))
        .map(|_| (personal_id(&mut rng), person(&mut rng)))
        .collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let communes = Communes::new()?;
    let started = Instant::now();
    let mut done = 0;
    while done < n {
        let mut chunk = Vec::with_capacity(CHUNK.min(n - done));
        for i in done..(done + CHUNK).min(n) {
            let g = document(&mut rng, &owners, &keys, &communes);
            let metadata = g
                .metadata
                .validate(&types, today)
                .map_err(|e| e.to_string())?;
            if let Some(out) = jsonl.as_mut() {
                let line = serde_json::json!({
                    "id": i, "owner_id": metadata.owner_id, "owner_name": metadata.owner_name, "doc_type": metadata.doc_type,
                    "title": metadata.title, "issuer": metadata.issuer, "issued_on": metadata.issued_on.map(schemas::iso_date),
                    "text": g.text,
                });
                writeln!(out, "{line}").map_err(|e| e.to_string())?;
            }
            let lines: Vec<String> = g.text.lines().map(str::to_string).collect();
            chunk.push(Ready {
                bytes: pdf(&lines),
                metadata,
                text: g.text,
            });
        }
        // The bytes first, on every core (each blob durable when put), as a batch does; then
        // the records by one writer, flushed once for the chunk.
        let blobs: Vec<Result<PutBlob, String>> = std::thread::scope(|scope| {
            let per = chunk.len().div_ceil(workers).max(1);
            let handles: Vec<_> = chunk
                .chunks(per)
                .map(|part| {
                    let archive = &archive;
                    scope.spawn(move || {
                        part.iter()
                            .map(|d| {
                                archive
                                    .put_blob(&mut d.bytes.as_slice())
                                    .map_err(|e| e.to_string())
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join()
                        .unwrap_or_else(|_| vec![Err("a worker panicked".into())])
                })
                .collect()
        });
        for (ready, blob) in chunk.into_iter().zip(blobs) {
            let text = DocumentText {
                pages: vec![PageText {
                    page: 1,
                    text: ready.text,
                    source: PageSource::Ocr,
                    ocr_confidence: Some(90.0),
                    rotated: 0,
                    note: None,
                }],
                engine: "kho-bench synthetic".into(),
            };
            let doc = NewDocument {
                text: Some(text),
                ..NewDocument::new(ready.metadata, Format::Pdf, 1)
            };
            archive
                .commit(&caller, doc, &blob?)
                .map_err(|e| e.to_string())?;
        }
        archive.flush().map_err(|e| e.to_string())?;
        let before = done;
        done = (done + CHUNK).min(n);
        if done / 100_000 > before / 100_000 {
            eprintln!(
                "generated {done} documents in {:.0}s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    if let Some(mut out) = jsonl {
        out.flush().map_err(|e| e.to_string())?;
    }
    eprintln!(
        "generated {n} documents in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Builds the request of run `i` of a query case.
type RequestFor<'a> = Box<dyn Fn(usize) -> SearchRequest + 'a>;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn query(args: &[String]) -> Result<(), String> {
    let data = arg(args, "--data").ok_or("--data DIR")?;
    let runs: usize = arg(args, "--runs")
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let archive = Archive::open(&data).map_err(|e| e.to_string())?;
    archive
        .sync_index(&mut |_, _| {})
        .map_err(|e| e.to_string())?;
    let caller = Caller::local_operator("kho-bench");
    let reason = schemas::AccessReason::purpose("benchmark");
    // Owner IDs to query, taken from the store itself (the newest documents' owners).
    let newest = SearchRequest {
        limit: runs.clamp(1, 1000),
        sort: SortOrder::IssuedDesc,
        ..Default::default()
    };
    let owners: Vec<String> = archive
        .search(&caller, &newest, &reason)
        .map_err(|e| e.to_string())?
        .hits
        .into_iter()
        .map(|h| h.record.metadata.owner_id.to_string())
        .collect();
    if owners.is_empty() {
        return Err(format!("the store at {data} holds no documents"));
    }
    let base = SearchRequest {
        limit: 20,
        sort: SortOrder::Relevance,
        ..Default::default()
    };
    let cases: Vec<(&str, RequestFor)> = vec![
        (
            "rare term (khuê)",
            Box::new(|_| SearchRequest {
                query: "khuê".into(),
                ..base.clone()
            }),
        ),
        (
            "common term (ủy ban)",
            Box::new(|_| SearchRequest {
                query: "uy ban".into(),
                ..base.clone()
            }),
        ),
        (
            "4-syllable phrase",
            Box::new(|_| SearchRequest {
                query: "\"quyền sử dụng đất\"".into(),
                ..base.clone()
            }),
        ),
        (
            "owner ID",
            Box::new(|i| SearchRequest {
                query: owners[i % owners.len()].clone(),
                ..base.clone()
            }),
        ),
        (
            "place, expanded (Quảng Nam)",
            Box::new(|_| SearchRequest {
                query: "Quảng Nam".into(),
                ..base.clone()
            }),
        ),
        (
            "same words, not expanded (\"Quảng Nam\")",
            Box::new(|_| SearchRequest {
                query: "\"Quảng Nam\"".into(),
                ..base.clone()
            }),
        ),
        (
            "place + words (xã Núi Thành, Đà Nẵng giấy khai sinh)",
            Box::new(|_| SearchRequest {
                query: "xã Núi Thành, Đà Nẵng giấy khai sinh".into(),
                ..base.clone()
            }),
        ),
        (
            "same words, not expanded",
            Box::new(|_| SearchRequest {
                query: "\"xã Núi Thành\" \"Đà Nẵng\" giấy khai sinh".into(),
                ..base.clone()
            }),
        ),
        (
            // The API load row's query, in process: what a request costs before HTTP and the
            // ledger's 20 read events.
            "common name (nguyen van duc)",
            Box::new(|_| SearchRequest {
                query: "nguyen van duc".into(),
                ..base.clone()
            }),
        ),
        (
            "filtered + facets",
            Box::new(|_| SearchRequest {
                query: "nguyen van".into(),
                doc_type: Some("birth_certificate".into()),
                from: schemas::parse_date("2010-01-01").ok(),
                valid_only: true,
                ..base.clone()
            }),
        ),
    ];
    println!("| query | runs | hits (total) | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|");
    // `--only WORDS`: the cases whose name holds WORDS (one query under a profiler).
    let only = arg(args, "--only");
    for (name, make) in cases {
        if only
            .as_ref()
            .is_some_and(|only| !name.contains(only.as_str()))
        {
            continue;
        }
        let mut times = Vec::with_capacity(runs);
        let mut total = 0;
        for i in 0..runs {
            let req = make(i);
            let t = Instant::now();
            let r = archive
                .search(&caller, &req, &reason)
                .map_err(|e| e.to_string())?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            total = r.total;
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "| {name} | {runs} | {total} | {:.2} | {:.1} |",
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        );
    }
    Ok(())
}

/// `kho-bench places [--pages N]`: the cost of reading places in a page of text, as ingest and
/// re-extraction pay it, next to folding the same page (what indexing already does to every
/// page). Pages are the generator's papers padded to about 3,000 characters (an A4 page of
/// administrative text) with their filler lines.
fn places(args: &[String]) -> Result<(), String> {
    let n: usize = arg(args, "--pages")
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let communes = Communes::new()?;
    let pages = full_pages(n, &communes);
    let chars: usize = pages.iter().map(|(_, t)| t.chars().count()).sum();
    let g = &communes.gazetteer;
    let started = Instant::now();
    let mut found = 0usize;
    for (doc, text) in &pages {
        let issued = doc
            .metadata
            .issued_on
            .as_deref()
            .and_then(|d| schemas::parse_date(d).ok());
        found += g
            .recognize_document(doc.metadata.issuer.as_deref(), issued, Some(text))
            .len();
    }
    let recognize = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut folded = 0usize;
    for (_, text) in &pages {
        folded += schemas::fold(text).len();
    }
    let fold = started.elapsed().as_secs_f64();
    println!("| step | pages | chars/page | µs per page | pages/s |");
    println!("|---|---:|---:|---:|---:|");
    for (name, secs) in [
        ("read places (issuer + text)", recognize),
        ("fold the text (reference)", fold),
    ] {
        println!(
            "| {name} | {n} | {} | {:.0} | {:.0} |",
            chars / n.max(1),
            secs * 1e6 / n as f64,
            n as f64 / secs
        );
    }
    eprintln!("{found} places read; {folded} folded bytes");
    Ok(())
}

/// `n` of the generator's papers, each padded to about 3,000 characters (an A4 page of
/// administrative text) with its filler lines.
fn full_pages(n: usize, communes: &Communes) -> Vec<(Generated, String)> {
    let types = DocTypes::builtin();
    let keys: Vec<&str> = types.iter().map(|t| t.key.as_str()).collect();
    let mut rng = Rng(0x9a9e_5eed_0000_0001);
    let owners: Vec<(String, String)> = (0..100)
        .map(|_| (personal_id(&mut rng), person(&mut rng)))
        .collect();
    (0..n)
        .map(|_| {
            let g = document(&mut rng, &owners, &keys, communes);
            let mut text = g.text.clone();
            while text.chars().count() < 3000 {
                text.push('\n');
                text.push_str(rng.pick(FILLER));
            }
            (g, text)
        })
        .collect()
}

/// `kho-bench words [--pages N] [--rounds R]`: the cost of cutting pages into the index's
/// words, as a rebuild pays it for each text field (the exact form, the folded form, and the
/// folded form's pairs), against tantivy's own `default` analyzer on the same texts. The median
/// of R rounds, each over every page.
fn words(args: &[String]) -> Result<(), String> {
    let n: usize = arg(args, "--pages")
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let rounds: usize = arg(args, "--rounds")
        .and_then(|v| v.parse().ok())
        .unwrap_or(7)
        .max(1);
    let communes = Communes::new()?;
    let pages = full_pages(n, &communes);
    let exact: Vec<String> = pages
        .iter()
        .map(|(_, t)| schemas::canonical_tones(t))
        .collect();
    let folded: Vec<String> = pages.iter().map(|(_, t)| schemas::fold(t)).collect();
    use archive_core::search::WordCounter;
    /// A case: its name, the analyzer, the texts it cuts.
    type Case<'a> = (&'a str, fn() -> WordCounter, &'a [String]);
    let cases: [Case; 5] = [
        ("kho, exact form", WordCounter::words, &exact),
        (
            "tantivy default, exact form",
            WordCounter::tantivy_default,
            &exact,
        ),
        ("kho, folded form", WordCounter::words, &folded),
        (
            "tantivy default, folded form",
            WordCounter::tantivy_default,
            &folded,
        ),
        ("kho, folded form's pairs", WordCounter::pairs, &folded),
    ];
    println!("| analyzer, field | pages | words | MB/s | µs per page |");
    println!("|---|---:|---:|---:|---:|");
    for (name, make, texts) in cases {
        let bytes: usize = texts.iter().map(String::len).sum();
        let mut counter = make();
        let mut words = 0;
        let mut times: Vec<f64> = (0..rounds)
            .map(|_| {
                let started = Instant::now();
                words = texts.iter().map(|t| counter.count(t)).sum::<usize>();
                started.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(|a, b| a.total_cmp(b));
        let secs = times[rounds / 2];
        println!(
            "| {name} | {n} | {words} | {:.0} | {:.1} |",
            bytes as f64 / secs / 1e6,
            secs * 1e6 / n as f64
        );
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("generate") => generate(&args),
        Some("words") => words(&args),
        Some("query") => query(&args),
        Some("blobs") => blobs::run(&args),
        Some("places") => places(&args),
        Some("texts") => texts::run(&args),
        Some("history") => history::run(&args),
        _ => Err("usage: kho-bench generate --docs N --data DIR [--jsonl FILE] | query --data DIR [--runs N] | blobs --to (s3://BUCKET | DIR) --files N --size BYTES [--threads T] | places [--pages N] | words [--pages N] [--rounds R] | history --data DIR [--docs N] [--dossiers N] [--reuses N] | texts --data DIR --out DIR [--sample N]".into()),
    };
    if let Err(e) = result {
        eprintln!("kho-bench: {e}");
        std::process::exit(1);
    }
}
