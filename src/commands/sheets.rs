//! `kho sheets --manifest FILE.csv -o SHEETS.pdf`: one separator sheet per manifest row.

use crate::Outcome;
use anyhow::Context;
use ingest::capture::sheet_pdf::{write_sheets, SheetFonts};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The dossiers: a CSV with the manifest's columns (`owner_id` and `doc_type` required, no
    /// `file` needed).
    #[arg(long)]
    manifest: PathBuf,
    /// The PDF to write: one A4 separator sheet per valid row.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
}

pub fn run(store: &super::Store, args: Args) -> anyhow::Result<Outcome> {
    // The document types come from the store (a store may add its own).
    let archive = store.open()?;
    let file = std::fs::File::open(&args.manifest)
        .with_context(|| format!("cannot read the manifest {}", args.manifest.display()))?;
    let rows = schemas::read_sheet_manifest(std::io::BufReader::new(file))
        .with_context(|| format!("manifest {}", args.manifest.display()))?;
    for warning in &rows.warnings {
        eprintln!(
            "kho: warning: manifest {}: {warning}",
            args.manifest.display()
        );
    }
    let name = args.manifest.file_name().map_or_else(
        || args.manifest.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    // Rows are checked first, so that sheets are numbered among the sheets printed ("Tờ 2/5"),
    // not among rows some of which were refused.
    let make = |row: &schemas::ManifestRow, number: usize, total: usize| {
        ingest::capture::sheets::sheet_for_row(
            row,
            archive.doc_types(),
            schemas::today(),
            number,
            total,
            &name,
        )
        .map_err(|why| format!("line {}: {why}", row.line))
    };
    let mut printable = Vec::new();
    let mut rejected = 0;
    for row in rows {
        let checked = row
            .map_err(|e| format!("line {}: {}", e.line, e.error))
            .and_then(|row| make(&row, 1, 1).map(|_| row));
        match checked {
            Ok(row) => printable.push(row),
            Err(why) => {
                rejected += 1;
                eprintln!("kho: REJECTED  manifest {}: {why}", args.manifest.display());
            }
        }
    }
    let total = printable.len();
    let sheets = printable
        .iter()
        .enumerate()
        .map(|(i, row)| make(row, i + 1, total))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    if sheets.is_empty() {
        anyhow::bail!(
            "no row of {} can make a separator sheet; nothing written",
            args.manifest.display()
        );
    }
    let fonts = SheetFonts::load()?;
    let tmp = args.output.with_extension("pdf.part");
    {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(&tmp)
                .with_context(|| format!("cannot write {}", tmp.display()))?,
        );
        write_sheets(&sheets, &fonts, &mut out)?;
        std::io::Write::flush(&mut out)?;
    }
    std::fs::rename(&tmp, &args.output)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    println!(
        "{} separator sheet(s) written to {}{}",
        sheets.len(),
        args.output.display(),
        if rejected > 0 {
            format!("; {rejected} row(s) rejected (above)")
        } else {
            String::new()
        }
    );
    Ok(if rejected > 0 {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}
