//! `kho ingest --report FILE`: the batch report an operator acts on, written as the batch goes
//! (a run that is killed leaves the lines it had), in CSV, JSON or JSON lines by extension.

use crate::UsageError;
use anyhow::Context;
use ingest::{FileReport, Summary};
use schemas::json_name;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

enum Format {
    Csv,
    Json,
    JsonLines,
}

pub struct ReportFile {
    path: PathBuf,
    out: BufWriter<File>,
    format: Format,
    rows: u64,
}

const CSV_COLUMNS: &str = "line,file,status,id,sha256,pages,text_source,ocr_confidence,ocr_pages,low_confidence_pages,rescan_of,reject_kind,error,warnings";

fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

impl ReportFile {
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            Some(e) if e.eq_ignore_ascii_case("jsonl") => Format::JsonLines,
            _ => {
                let why = schemas::Message::new(&schemas::messages::CLI_USAGE_REPORT_EXTENSION)
                    .with("path", path.display());
                return Err(UsageError::from(why).into());
            }
        };
        let file = File::create(path)
            .with_context(|| format!("cannot create the report {}", path.display()))?;
        let mut report = ReportFile {
            path: path.to_path_buf(),
            out: BufWriter::new(file),
            format,
            rows: 0,
        };
        match report.format {
            // A BOM so that spreadsheet programs read the Vietnamese as UTF-8.
            Format::Csv => write!(report.out, "\u{feff}{CSV_COLUMNS}\r\n"),
            Format::Json => write!(report.out, "{{\"files\": ["),
            Format::JsonLines => Ok(()),
        }
        .with_context(|| format!("cannot write the report {}", path.display()))?;
        Ok(report)
    }

    pub fn write(&mut self, r: &FileReport) -> anyhow::Result<()> {
        let written = match self.format {
            Format::Csv => {
                let pages: Vec<String> =
                    r.low_confidence_pages.iter().map(u32::to_string).collect();
                let cells = [
                    r.line.map(|l| l.to_string()).unwrap_or_default(),
                    r.file.clone(),
                    json_name(r.status),
                    r.id.clone().unwrap_or_default(),
                    r.sha256.clone().unwrap_or_default(),
                    r.pages.map(|p| p.to_string()).unwrap_or_default(),
                    r.text_source.map(json_name).unwrap_or_default(),
                    r.ocr_confidence
                        .map(|c| format!("{c:.1}"))
                        .unwrap_or_default(),
                    r.ocr_pages.map(|p| p.to_string()).unwrap_or_default(),
                    pages.join(" "),
                    r.rescan_of.clone().unwrap_or_default(),
                    r.reject_kind.map(json_name).unwrap_or_default(),
                    r.error.as_ref().map(|e| e.to_string()).unwrap_or_default(),
                    r.warnings
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; "),
                ];
                let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
                write!(self.out, "{}\r\n", row.join(","))
            }
            Format::Json => {
                let sep = if self.rows == 0 { "\n" } else { ",\n" };
                write!(self.out, "{sep}{}", serde_json::to_string(r)?)
            }
            Format::JsonLines => writeln!(self.out, "{}", serde_json::to_string(r)?),
        };
        self.rows += 1;
        written
            .and_then(|_| self.out.flush())
            .with_context(|| format!("cannot write the report {}", self.path.display()))
    }

    /// Ends the report: the JSON document gets the summary; the others are complete already.
    pub fn finish(&mut self, summary: &Summary) -> anyhow::Result<()> {
        if let Format::Json = self.format {
            write!(
                self.out,
                "\n], \"summary\": {}}}\n",
                serde_json::to_string(summary)?
            )?;
        }
        self.out
            .flush()
            .with_context(|| format!("cannot write the report {}", self.path.display()))
    }
}
