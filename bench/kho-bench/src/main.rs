//! `kho-bench generate --docs N --data DIR [--jsonl FILE]`: N synthetic Vietnamese documents
//! (realistic names, places, document types and administrative text) written straight into a
//! store's catalogue, with their page texts, and optionally as JSON lines for other engines.
//! Blobs are not written: the benchmark measures the index, which is rebuilt from the catalogue
//! (`kho reindex`). Deterministic for a given seed.
//!
//! `kho-bench query --data DIR [--runs N]`: search latency in-process (p50/p99, top 20 with
//! facets) for a rare term, a common term, a 4-syllable phrase, an owner ID, and a filtered query.
//!
//! `kho-bench blobs --to (s3://BUCKET | DIR) --files N --size BYTES [--threads T]`: blob store
//! upload, download and dedupe throughput ([`blobs`]).

mod blobs;

use archive_core::search::{SearchRequest, SortOrder};
use archive_core::{Archive, Catalog};
use schemas::{
    Actor, DocTypes, DocumentMetadata, DocumentRecord, DocumentText, Format, Lifecycle,
    MetadataInput, NewEvent, PageSource, PageText,
};
use std::io::Write;
use std::time::Instant;

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
const WARD: &[&str] = &[
    "xã Tam Xuân",
    "phường Bến Nghé",
    "phường Láng Hạ",
    "xã Hải Hậu",
    "phường Hải Châu I",
    "xã Đông Hòa",
    "phường Cửa Đông",
    "thị trấn Núi Thành",
    "xã Tân Phú",
    "phường Thạch Thang",
    "xã Quỳnh Lưu",
    "phường Vĩnh Ninh",
];
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

fn document(rng: &mut Rng, owners: &[(String, String)], types: &[&str]) -> Generated {
    let (owner_id, owner_name) = &owners[rng.below(owners.len())];
    let doc_type = rng.pick(types).to_string();
    let province = schemas::provinces::PROVINCES[rng.below(63)].name;
    let ward = rng.pick(WARD);
    let issuer = format!("Ủy ban nhân dân {ward}, tỉnh {province}");
    let year = 1990 + rng.below(36) as i32;
    let (month, day) = (1 + rng.below(12), 1 + rng.below(28));
    let number = format!("{}/{}", 1 + rng.below(999), year);
    let mut lines = vec![
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_string(),
        "Độc lập - Tự do - Hạnh phúc".to_string(),
        format!("Số: {number}"),
        format!("Họ, chữ đệm, tên: {}", owner_name.to_uppercase()),
        format!("Số định danh cá nhân: {owner_id}"),
        format!(
            "Nơi cư trú: số {} đường {}, {ward}, tỉnh {province}",
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

fn generate(args: &[String]) -> Result<(), String> {
    let n: usize = arg(args, "--docs")
        .and_then(|v| v.parse().ok())
        .ok_or("--docs N")?;
    let data = arg(args, "--data").ok_or("--data DIR")?;
    let mut jsonl = arg(args, "--jsonl")
        .map(|p| std::fs::File::create(p).map(std::io::BufWriter::new))
        .transpose()
        .map_err(|e| e.to_string())?;
    // The catalogue only: records and texts, as an archive would hold them.
    let catalog =
        Catalog::open(&std::path::Path::new(&data).join("catalog")).map_err(|e| e.to_string())?;
    std::fs::write(
        std::path::Path::new(&data).join("kho-store.json"),
        b"{\"kho_store_version\": 1}",
    )
    .map_err(|e| e.to_string())?;
    let types = DocTypes::builtin();
    let keys: Vec<&str> = types.iter().map(|t| t.key.as_str()).collect();
    let today = schemas::today();
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let owners: Vec<(String, String)> = (0..(n / 3).max(1))
        .map(|_| (personal_id(&mut rng), person(&mut rng)))
        .collect();
    let actor = Actor::local_operator("kho-bench");
    let started = Instant::now();
    for i in 0..n {
        let g = document(&mut rng, &owners, &keys);
        let metadata: DocumentMetadata = g
            .metadata
            .validate(&types, today)
            .map_err(|e| e.to_string())?;
        let sha = archive_core::Sha256Digest::of(g.text.as_bytes()).to_hex();
        let text = DocumentText {
            pages: vec![PageText {
                page: 1,
                text: g.text.clone(),
                source: PageSource::Ocr,
                ocr_confidence: Some(90.0),
                rotated: 0,
                note: None,
            }],
            engine: "kho-bench synthetic".into(),
        };
        if let Some(out) = jsonl.as_mut() {
            let line = serde_json::json!({
                "id": i, "owner_id": metadata.owner_id, "owner_name": metadata.owner_name, "doc_type": metadata.doc_type,
                "title": metadata.title, "issuer": metadata.issuer, "issued_on": metadata.issued_on.map(|d| d.to_string()),
                "text": g.text,
            });
            writeln!(out, "{line}").map_err(|e| e.to_string())?;
        }
        let mut record = DocumentRecord {
            id: format!("synth{i:08}"),
            seq: 0,
            metadata,
            sha256: sha,
            size: g.text.len() as u64,
            format: Format::Pdf,
            pages: 1,
            source_name: None,
            ingested_at: schemas::OffsetDateTime::now_utc(),
            ingested_by: actor.name.clone(),
            lifecycle: Lifecycle::Active,
            text_source: None,
            ocr_confidence: None,
            low_confidence_pages: vec![],
            rescan_of: None,
        };
        record.set_text_summary(&text);
        let event = NewEvent::new(schemas::Action::Ingest, &actor);
        catalog
            .insert(
                record,
                Some(&text),
                &event,
                schemas::OffsetDateTime::now_utc(),
            )
            .map_err(|e| e.to_string())?;
        if (i + 1) % 100_000 == 0 {
            eprintln!(
                "generated {} documents in {:.0}s",
                i + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    catalog.flush().map_err(|e| e.to_string())?;
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
    let today = schemas::today();
    // Owner IDs and a rare given name to query, taken from the store itself.
    let owners: Vec<String> = archive
        .catalog()
        .records_since(1)
        .take(runs)
        .filter_map(|r| r.ok())
        .map(|r| r.metadata.owner_id.to_string())
        .collect();
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
    for (name, make) in cases {
        let mut times = Vec::with_capacity(runs);
        let mut total = 0;
        for i in 0..runs {
            let req = make(i);
            let t = Instant::now();
            let r = archive.search(&req, today).map_err(|e| e.to_string())?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            total = r.total;
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!(
            "| {name} | {runs} | {total} | {:.1} | {:.1} |",
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        );
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.get(1).map(String::as_str) {
        Some("generate") => generate(&args),
        Some("query") => query(&args),
        Some("blobs") => blobs::run(&args),
        _ => Err("usage: kho-bench generate --docs N --data DIR [--jsonl FILE] | query --data DIR [--runs N] | blobs --to (s3://BUCKET | DIR) --files N --size BYTES [--threads T]".into()),
    };
    if let Err(e) = result {
        eprintln!("kho-bench: {e}");
        std::process::exit(1);
    }
}
