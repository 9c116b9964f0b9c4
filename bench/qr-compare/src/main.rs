//! The separator QR decoders side by side (rqrr, rxing) on sheets as a scanning room makes
//! them: `kho sheets` printed to PDF (the built binary: $KHO_BIN, else target/release/kho, else
//! target/debug/kho), rendered at 300 and 200 dpi,
//! turned by up to 1.5 degrees, paper-toned and JPEG-compressed at quality 60-85, then looked at
//! by each decoder at several resolutions. Prints, per scan and analysis resolution, how many
//! sheets each decoder read back exactly and its mean time per page.

use image::imageops::FilterType;
use image::GrayImage;
use std::path::PathBuf;
use std::time::Instant;

#[path = "../../../tests/src/scan_look.rs"]
#[allow(dead_code)]
mod scan_look;
use scan_look::{render_pdf_page, scanned};

fn rows(n: usize) -> Vec<schemas::MetadataInput> {
    let names = [
        "Nguyễn Văn Đức",
        "Trần Thị Thủy",
        "Lê Hoàng Yến",
        "Phạm Quốc Việt",
    ];
    (0..n)
        .map(|i| {
            let mut m = schemas::MetadataInput::default();
            m.set("owner_id", format!("0490750{:05}", 1000 + i));
            m.set("doc_type", "birth_certificate".into());
            m.set("dossier_code", format!("000.00.00.H47-2405{:02}-{:04}", 1 + i % 28, i + 1));
            m.set("procedure_code", "1.001193".into());
            m.set("owner_name", names[i % names.len()].into());
            // A third of the sheets carry a long summary: the densest codes kho prints.
            match i % 3 {
                0 => {}
                1 => {
                    m.set("issuer", "UBND xã Tam Xuân, huyện Núi Thành, tỉnh Quảng Nam".into());
                    m.set("issued_on", "2020-01-02".into());
                }
                _ => {
                    m.set("summary", "Đăng ký khai sinh cho trẻ sinh tại Trạm y tế xã, cha mẹ là công dân Việt Nam, cư trú tại thôn Phú Đông; bản chính lưu tại sổ đăng ký khai sinh quyển số 01/2020. ".repeat(3));
                }
            }
            m
        })
        .collect()
}

/// The rows as a manifest for `kho sheets`.
fn manifest(rows: &[schemas::MetadataInput]) -> String {
    let mut out = schemas::SEPARATOR_FIELDS.join(",") + "\n";
    for row in rows {
        let cells: Vec<String> = schemas::SEPARATOR_FIELDS
            .iter()
            .map(|f| format!("\"{}\"", row.get(f).unwrap_or("").replace('"', "\"\"")))
            .collect();
        out += &(cells.join(",") + "\n");
    }
    out
}

fn kho_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("KHO_BIN") {
        return bin.into();
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let release = root.join("target/release/kho");
    if release.is_file() { release } else { root.join("target/debug/kho") }
}

fn rqrr_decode(page: &GrayImage) -> Option<String> {
    let (w, h) = (page.width() as usize, page.height() as usize);
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        page.get_pixel(x as u32, y as u32).0[0]
    });
    prepared.detect_grids().into_iter().find_map(|g| {
        let mut bytes = Vec::new();
        g.decode_to(&mut bytes).ok()?;
        String::from_utf8(bytes).ok()
    })
}

fn rxing_decode(page: &GrayImage) -> Option<String> {
    let mut hints = rxing::DecodeHints::default().with(rxing::DecodeHintValue::TryHarder(true));
    rxing::helpers::detect_in_luma_with_hints(
        page.as_raw().clone(),
        page.width(),
        page.height(),
        Some(rxing::BarcodeFormat::QR_CODE),
        &mut hints,
    )
    .ok()
    .map(|r| r.getText().to_string())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        eprintln!("qr-compare: {e}");
        std::process::exit(1);
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let n: usize = match args {
        [flag, n] if flag == "--sheets" => n.parse().map_err(|_| "--sheets N".to_string())?,
        [] => 24,
        _ => return Err("usage: qr-compare [--sheets N]".into()),
    };
    let rows = rows(n);
    let payloads: Vec<String> = rows
        .iter()
        .map(|m| schemas::separator_payload(m).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    std::fs::write(dir.path().join("dossiers.csv"), manifest(&rows)).map_err(|e| e.to_string())?;
    let pdf = dir.path().join("sheets.pdf");
    let status = std::process::Command::new(kho_bin())
        .arg("--data")
        .arg(dir.path().join("store"))
        .args(["sheets", "--manifest"])
        .arg(dir.path().join("dossiers.csv"))
        .arg("-o")
        .arg(&pdf)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", kho_bin().display()))?;
    if !status.success() {
        return Err("kho sheets failed".into());
    }
    println!(
        "{n} sheets; payloads {}-{} bytes; skew -1.5..1.5 degrees; JPEG quality 60/70/85",
        payloads.iter().map(String::len).min().unwrap_or(0),
        payloads.iter().map(String::len).max().unwrap_or(0)
    );
    println!("| scan dpi | analysed at | rqrr read | rqrr ms/page | rxing read | rxing ms/page |");
    println!("|---|---|---|---|---|---|");
    for scan_dpi in [300u32, 200] {
        let scans: Vec<GrayImage> = (0..n)
            .map(|i| {
                let page = render_pdf_page(&pdf, i as u32 + 1, scan_dpi);
                let degrees = ((i % 7) as f32 - 3.0) * 0.5;
                let quality = [60, 70, 85][i % 3];
                let jpeg = scanned(&page, degrees, quality, i as u64);
                image::load_from_memory(&jpeg)
                    .map(|d| d.into_luma8())
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<_, _>>()?;
        for dpi in [75u32, 100, 125, 150, 200, 300]
            .into_iter()
            .filter(|d| *d <= scan_dpi)
        {
            let pages: Vec<GrayImage> = scans
                .iter()
                .map(|s| {
                    let scale = dpi as f32 / scan_dpi as f32;
                    let (w, h) = (
                        (s.width() as f32 * scale) as u32,
                        (s.height() as f32 * scale) as u32,
                    );
                    image::imageops::resize(s, w, h, FilterType::Triangle)
                })
                .collect();
            let mut row = format!("| {scan_dpi} | {dpi} |");
            for decode in [
                rqrr_decode as fn(&GrayImage) -> Option<String>,
                rxing_decode,
            ] {
                let started = Instant::now();
                let read = pages
                    .iter()
                    .zip(&payloads)
                    .filter(|(page, payload)| decode(page).as_deref() == Some(payload.as_str()))
                    .count();
                let ms = started.elapsed().as_secs_f64() * 1000.0 / n as f64;
                row += &format!(" {read}/{n} | {ms:.0} |");
            }
            println!("{row}");
        }
    }
    Ok(())
}
