#!/usr/bin/env python3
"""Character error rate of kho's text extraction on corpus/extraction, per kind of input, next to
the obvious reference on the same files:
  - text-layer PDFs: `pdftotext -enc UTF-8` (poppler);
  - scans (PNG, JPEG, TIFF): the `tesseract` CLI on the image file, `-l vie --psm 3` as kho uses;
  - image-only PDFs: `pdfimages -png` then the `tesseract` CLI on each page image.
CER = edit distance / length of the ground truth, after NFC and collapsing all whitespace to one
space (layout is not text). Writes the table into docs/benchmarks.md between the CER markers.

    python3 bench/cer.py [--kho target/release/kho] [--before OLD_KHO]

With --before, an older kho binary is measured on the same files too (a column beside kho's).
"""
import argparse
import csv
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict

from benchdoc import write_section

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
CORPUS = os.path.join(ROOT, "corpus", "extraction")
TRUTH = os.path.join(ROOT, "corpus", "truth")
ENV = dict(os.environ, OMP_THREAD_LIMIT="1")


def norm(text):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def distance(a, b):
    """Levenshtein distance, O(len(a) * len(b)) time, O(len(b)) memory."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


PSM = "3"


def tesseract(path):
    out = subprocess.run(["tesseract", path, "stdout", "-l", "vie", "--oem", "1", "--psm", PSM],
                         capture_output=True, env=ENV)
    return out.stdout.decode("utf-8", "replace")


def reference(row, path):
    if row["kind"] in ("text_pdf", "ocr_pdf"):
        return subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"],
                              capture_output=True).stdout.decode("utf-8", "replace")
    if row["kind"] == "scan_pdf":
        with tempfile.TemporaryDirectory() as d:
            # -png: every page image decoded losslessly (fax and Flate+DCT images included).
            subprocess.run(["pdfimages", "-png", path, os.path.join(d, "img")], check=True)
            return "\n".join(tesseract(os.path.join(d, f)) for f in sorted(os.listdir(d)))
    return tesseract(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kho", default=os.path.join(ROOT, "target", "release", "kho"))
    ap.add_argument("--before", help="an older kho binary, measured beside")
    args = ap.parse_args()
    rows = list(csv.DictReader(open(os.path.join(CORPUS, "index.csv"), encoding="utf-8")))
    files = [os.path.join(CORPUS, r["file"]) for r in rows]

    def texts_of(binary):
        out = subprocess.run([binary, "extract", "--json", *files], capture_output=True, check=False)
        return {os.path.basename(d["file"]): d.get("text", "")
                for d in map(json.loads, out.stdout.decode().splitlines())}

    kho = texts_of(args.kho)
    before = texts_of(args.before) if args.before else {}
    per_kind = defaultdict(lambda: [0, 0, 0, 0, 0])  # kho, ref, before edits, truth chars, files
    per_file = []
    for row, path in zip(rows, files):
        truth = norm(open(os.path.join(TRUTH, row["truth"]), encoding="utf-8").read())
        k = distance(norm(kho.get(row["file"], "")), truth)
        r = distance(norm(reference(row, path)), truth)
        b = distance(norm(before.get(row["file"], "")), truth) if before else 0
        key = row["kind"]
        acc = per_kind[key]
        acc[0] += k
        acc[1] += r
        acc[2] += b
        acc[3] += len(truth)
        acc[4] += 1
        per_file.append((row, k / len(truth), r / len(truth), b / len(truth)))
        print(f"{row['file']:<70} kho {100 * k / len(truth):6.2f}%  ref {100 * r / len(truth):6.2f}%"
              f"  before {100 * b / len(truth):6.2f}%", file=sys.stderr)
    names = {"text_pdf": "born-digital PDF (text layer)", "ocr_pdf": "OCRed PDF (ocrmypdf layer)",
             "scan_pdf": "image-only PDF (OCR)", "png": "PNG scan (OCR)", "jpeg": "JPEG scan (OCR)",
             "tiff": "TIFF scan (OCR)"}
    refs = {"text_pdf": "pdftotext", "ocr_pdf": "pdftotext", "scan_pdf": "pdfimages -png + tesseract",
            "png": "tesseract", "jpeg": "tesseract", "tiff": "tesseract"}
    extra = " kho before |" if before else ""
    lines = [f"| input | files | kho CER |{extra} reference | reference CER | kho - reference |",
             "|---|---:|---:|" + ("---:|" if before else "") + "---|---:|---:|"]
    for kind in ["text_pdf", "ocr_pdf", "scan_pdf", "png", "jpeg", "tiff"]:
        if kind not in per_kind:
            continue
        k, r, b, n, f = per_kind[kind]
        was = f" {100 * b / n:.2f}% |" if before else ""
        lines.append(f"| {names[kind]} | {f} | {100 * k / n:.2f}% |{was} {refs[kind]} | {100 * r / n:.2f}% "
                     f"| {100 * (k - r) / n:+.2f} pp |")
    lines += ["", "Per file (kho / reference CER" + (" / kho before" if before else "") +
              ") where two of them differ by more than 0.5 pp:", ""]
    for row, k, r, b in per_file:
        if abs(k - r) > 0.005 or (before and abs(k - b) > 0.005):
            was = f" / {100 * b:.2f}%" if before else ""
            lines.append(f"- `{row['file']}` ({row['variant']}): {100 * k:.2f}% / {100 * r:.2f}%{was}")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}"
    tess = subprocess.run(["tesseract", "--version"], capture_output=True).stdout.decode().splitlines()[0]
    write_section("CER", "Text extraction: character error rate", "\n".join([
        f"Corpus: `corpus/extraction` ({len(rows)} files). Machine: {machine}. {tess}, `vie`, psm {PSM}"
        + (f"; kho before: `{args.before}`." if before else "."),
        "", *lines]))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
