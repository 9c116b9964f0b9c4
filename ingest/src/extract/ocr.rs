//! OCR with the `tesseract` command: one process per page, single-threaded (OMP_THREAD_LIMIT=1)
//! so that pages run in parallel, each under a time limit. A crash or hang of the engine stays out
//! of kho's process.

use super::page_image::PageImage;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;
use wait_timeout::ChildExt;

#[derive(Debug, Clone)]
pub struct OcrConfig {
    /// The tesseract executable.
    pub tesseract: PathBuf,
    /// Tesseract languages, e.g. `vie` or `vie+eng`.
    pub languages: String,
    /// Page segmentation mode: 3 (automatic: columns and blocks found on the page). It read
    /// 200-dpi office scans with fewer errors than 6 (one uniform block) and the extraction
    /// corpus as well (ARCHITECTURE.md, "Decisions"; docs/benchmarks.md).
    pub psm: u8,
    /// Longest time one page may take.
    pub page_timeout: Duration,
    /// A page read below this confidence, or with almost no text, is checked for rotation.
    pub rotation_check_below: f32,
    /// The engine's version line, asked once per configuration.
    version_line: OnceLock<String>,
}

impl Default for OcrConfig {
    fn default() -> Self {
        OcrConfig {
            tesseract: PathBuf::from("tesseract"),
            languages: "vie".into(),
            psm: 3,
            page_timeout: Duration::from_secs(180),
            rotation_check_below: 75.0,
            version_line: OnceLock::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OcrError {
    #[error("the OCR engine could not be started ({0}); install tesseract-ocr and tesseract-ocr-vie (scripts/setup.sh does)")]
    Unavailable(String),
    #[error("OCR took longer than {0} s and was stopped")]
    Timeout(u64),
    #[error("OCR failed: {0}")]
    Failed(String),
    /// The engine ran and gave up on the image (damaged, cut short, a format variant leptonica
    /// does not read). Its own stderr (leptonica's C messages) goes to the log, never into a
    /// page's note or a warning.
    #[error("the OCR engine could not read the page image (a damaged or cut-short image; tesseract {0})")]
    ImageUnreadable(String),
}

/// What OCR read on one page.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrPage {
    pub text: String,
    /// Mean word confidence, 0-100 (0 when no word was read).
    pub confidence: f32,
    /// Degrees clockwise the image was turned before the reading kept.
    pub rotated: u16,
}

impl OcrConfig {
    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.tesseract);
        cmd.env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs a prepared command under the page time limit; returns its stderr.
    fn run(&self, mut cmd: Command) -> Result<String, OcrError> {
        let mut child = cmd
            .spawn()
            .map_err(|e| OcrError::Unavailable(format!("{}: {e}", self.tesseract.display())))?;
        let status = match child.wait_timeout(self.page_timeout) {
            Ok(Some(status)) => status,
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(OcrError::Timeout(self.page_timeout.as_secs()));
            }
            Err(e) => return Err(OcrError::Failed(e.to_string())),
        };
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            use std::io::Read;
            // Bounded: tesseract's warnings are short; never let them grow without limit.
            let _ = pipe.by_ref().take(64 * 1024).read_to_string(&mut stderr);
        }
        if !status.success() {
            tracing::warn!(%status, stderr = %stderr.trim(), "tesseract gave up on a page image");
            return Err(OcrError::ImageUnreadable(status.to_string()));
        }
        Ok(stderr)
    }

    /// The engine's version line, e.g. "tesseract 5.3.0", for the record of how text was made.
    pub fn version(&self) -> Result<String, OcrError> {
        let out = Command::new(&self.tesseract)
            .arg("--version")
            .output()
            .map_err(|e| OcrError::Unavailable(format!("{}: {e}", self.tesseract.display())))?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        Ok(text
            .lines()
            .next()
            .unwrap_or("tesseract")
            .trim()
            .to_string())
    }

    /// "tesseract 5.3.0", or a note that it was not found; asked of this configuration's
    /// executable once.
    pub fn describe(&self) -> &str {
        self.version_line.get_or_init(|| {
            self.version().unwrap_or_else(|_| {
                format!("tesseract (not found at {})", self.tesseract.display())
            })
        })
    }

    /// Reads one image file: text and mean confidence, from tesseract's TSV output.
    fn read(&self, image: &Path, work: &Path) -> Result<(String, f32), OcrError> {
        let base = work.join("out");
        let mut cmd = self.command();
        cmd.arg(image)
            .arg(&base)
            .args(["-l", &self.languages, "--oem", "1", "--psm"])
            .arg(self.psm.to_string())
            .arg("tsv");
        self.run(cmd)?;
        let tsv = std::fs::read_to_string(base.with_extension("tsv"))
            .map_err(|e| OcrError::Failed(format!("no output: {e}")))?;
        Ok(parse_tsv(&tsv))
    }

    /// Asks tesseract's orientation detection how far the page is turned. `None` when unsure.
    fn orientation(&self, image: &Path) -> Option<u16> {
        let mut cmd = self.command();
        cmd.arg(image).arg("stdout").args(["--psm", "0"]);
        cmd.stdout(Stdio::piped());
        let child = cmd.spawn().ok()?;
        let out = wait_with_output_timeout(child, self.page_timeout)?;
        let text = String::from_utf8_lossy(&out);
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
        };
        let rotate: u16 = field("Rotate:")?.parse().ok()?;
        let confidence: f32 = field("Orientation confidence:")?.parse().ok()?;
        (rotate != 0 && confidence >= 1.0).then_some(rotate)
    }

    /// OCRs one page image. A page that reads poorly is checked for a 90/180/270 degree turn and,
    /// if one is found, read again upright; the better reading is kept.
    pub fn ocr_page(&self, image: &PageImage) -> Result<OcrPage, OcrError> {
        let work = tempfile::Builder::new()
            .prefix("kho-ocr-")
            .tempdir()
            .map_err(|e| OcrError::Failed(format!("cannot create a temporary folder: {e}")))?;
        let path = image
            .write_to(work.path(), "page")
            .map_err(|e| OcrError::Failed(e.to_string()))?;
        let (text, confidence) = self.read(&path, work.path())?;
        let first = OcrPage {
            text,
            confidence,
            rotated: 0,
        };
        let suspicious = first.confidence < self.rotation_check_below
            || first.text.chars().filter(|c| c.is_alphanumeric()).count() < 20;
        if !suspicious {
            return Ok(first);
        }
        let Some(rotate) = self.orientation(&path) else {
            return Ok(first);
        };
        let Ok(turned) = image.rotated(rotate) else {
            return Ok(first);
        };
        let turned_path = turned
            .write_to(work.path(), "turned")
            .map_err(|e| OcrError::Failed(e.to_string()))?;
        let (text, confidence) = self.read(&turned_path, work.path())?;
        Ok(if confidence > first.confidence {
            OcrPage {
                text,
                confidence,
                rotated: rotate,
            }
        } else {
            first
        })
    }
}

fn wait_with_output_timeout(mut child: std::process::Child, limit: Duration) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.by_ref().take(1024 * 1024).read_to_end(&mut buf);
        buf
    });
    match child.wait_timeout(limit) {
        Ok(Some(status)) if status.success() => reader.join().ok(),
        Ok(Some(_)) => None,
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            None
        }
    }
}

/// Rebuilds the text from tesseract's TSV (words, with block/paragraph/line numbers) and the mean
/// confidence of its words. Lines end with a newline; blocks are separated by a blank line, as in
/// tesseract's plain-text output.
pub(crate) fn parse_tsv(tsv: &str) -> (String, f32) {
    let mut text = String::new();
    let mut line_key = None;
    let mut block_key = None;
    let (mut conf_sum, mut words) = (0.0f32, 0u32);
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let word = cols[11].trim();
        let conf: f32 = cols[10].parse().unwrap_or(-1.0);
        if word.is_empty() {
            continue;
        }
        let block = (cols[1], cols[2]);
        let line = (cols[1], cols[2], cols[3], cols[4]);
        if line_key != Some(line) {
            if line_key.is_some() {
                text.push('\n');
                if block_key != Some(block) {
                    text.push('\n');
                }
            }
            line_key = Some(line);
            block_key = Some(block);
        } else {
            text.push(' ');
        }
        text.push_str(word);
        if conf >= 0.0 {
            conf_sum += conf;
            words += 1;
        }
    }
    if !text.is_empty() {
        text.push('\n');
    }
    let confidence = if words > 0 {
        conf_sum / words as f32
    } else {
        0.0
    };
    (schemas::nfc(&text), confidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_becomes_lines_and_blocks() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tCộng\n\
            5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t80\thòa\n\
            5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t70\tĐộc\n\
            4\t1\t2\t1\t1\t0\t0\t0\t1\t1\t-1\t\n\
            5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t60\tlập\n";
        let (text, conf) = parse_tsv(tsv);
        assert_eq!(text, "Cộng hòa\nĐộc\n\nlập\n");
        assert_eq!(conf, 75.0);
        assert_eq!(parse_tsv("header\n"), (String::new(), 0.0));
    }
}
