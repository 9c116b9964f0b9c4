#!/usr/bin/env python3
"""Character error rate on corpus/scans200 (200-dpi office scans, JPEG quality 60-85, colour and
grey, two-column letterheads, skewed, stamped), per kind of scan, for:

  - kho itself (`kho extract --json`), each binary given with --kho NAME=PATH (before/after);
  - the obvious references: `tesseract --psm 3` on the JPEG files, and `pdftoppm -r 300` then
    `tesseract --psm 3` on the image-only PDFs;
  - the choices kho could make, run through the same tesseract command kho runs
    (`-l vie --oem 1`, TSV, text rebuilt as kho rebuilds it): page segmentation mode 3 or 6,
    the page image as it is or upscaled to 300 dpi (Lanczos) when it is below, and per page the
    reading of higher mean confidence of psm 3 and psm 6.

Two measures, since a letterhead's two columns sit on the same lines and every reading here
(psm 3 as much as psm 6) reads them across, line by line, while the ground truth has each column
block whole: the order in which blocks come out is not what is measured.
  - CER: for each line of the ground truth (a heading line, a whole paragraph), the edit distance
    to the closest stretch of the reading (whitespace collapsed, NFC), summed, over the truth's
    length: misread and missing characters, wherever the line was put;
  - word error: words missing plus words extra (as multisets) over the truth's words: this one
    also counts what the reading invented (a stamp read as letters).
Readings are kept in a cache (--cache), so the references are read once. With --doc, writes the
section between the SCANS200 markers of docs/benchmarks.md.
Needs Pillow and numpy (Debian: python3-pil python3-numpy).

    python3 bench/cer_scans200.py --kho before=/tmp/kho-before --kho after=target/release/kho [--doc]
"""
import argparse
import csv
import io
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchdoc import write_section  # noqa: E402
from cer import norm  # noqa: E402
import numpy as np  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
ENV = dict(os.environ, OMP_THREAD_LIMIT="1")


def parse_tsv(tsv):
    """kho's ingest/src/extract/ocr.rs parse_tsv: lines, blank line between blocks, mean conf."""
    lines, line_key, block_key, words, confs = [], None, None, [], []
    out = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        block, line = (cols[1], cols[2]), (cols[1], cols[2], cols[3], cols[4])
        if line != line_key:
            if line_key is not None:
                out.append("\n" if block == block_key else "\n\n")
            line_key, block_key = line, block
        else:
            out.append(" ")
        out.append(cols[11].strip())
        conf = float(cols[10])
        if conf >= 0:
            confs.append(conf)
    return "".join(out), (sum(confs) / len(confs) if confs else 0.0)


def tesseract(image, psm):
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["tesseract", image, os.path.join(d, "out"), "-l", "vie", "--oem", "1",
                        "--psm", str(psm), "tsv"], env=ENV, capture_output=True)
        try:
            return parse_tsv(open(os.path.join(d, "out.tsv"), encoding="utf-8").read())
        except FileNotFoundError:
            return "", 0.0


def page_image(row, path, work):
    """The page image kho hands tesseract: the JPEG file, or the JPEG embedded in the PDF; and
    its resolution (header, or pixels over the PDF page's size)."""
    from PIL import Image
    if row["kind"] == "jpeg":
        img = Image.open(path)
        dpi = img.info.get("dpi", (0, 0))[0]
        return path, (dpi if dpi >= 100 else max(img.size) / 11.69)
    subprocess.run(["pdfimages", "-j", path, os.path.join(work, "img")], check=True)
    image = os.path.join(work, sorted(f for f in os.listdir(work) if f.startswith("img"))[0])
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)",
                     subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout)
    w_in = float(size.group(1)) / 72
    return image, Image.open(image).size[0] / w_in


def upscaled(image, dpi, work):
    from PIL import Image
    img = Image.open(image)
    if dpi >= 299:
        return image
    scale = 300 / dpi
    out = os.path.join(work, "up.png")
    img.resize((round(img.width * scale), round(img.height * scale)), Image.LANCZOS).save(out)
    return out


def references(row, path):
    """Every reading of one file but kho's: {name: (text, confidence)}."""
    with tempfile.TemporaryDirectory() as work:
        image, dpi = page_image(row, path, work)
        up = upscaled(image, dpi, work)
        got = {f"psm{p}": tesseract(image, p) for p in (3, 6)}
        got.update({f"psm{p}-up": tesseract(up, p) for p in (3, 6)})
        if row["kind"] == "scan_pdf":
            subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", path,
                            os.path.join(work, "r300")], check=True)
            got["pdftoppm300-psm3"] = tesseract(os.path.join(work, "r300.png"), 3)
        for suffix in ("", "-up"):
            a, b = got[f"psm3{suffix}"], got[f"psm6{suffix}"]
            got[f"best-conf{suffix}"] = a if a[1] >= b[1] else b
        got["dpi"] = (f"{dpi:.0f}", 0)
        return got


def line_distance(line, text):
    """Least edit distance between `line` and any stretch of `text` (semi-global alignment),
    a row at a time with numpy: a row's insertions are a running minimum."""
    t = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    prev = np.zeros(len(t) + 1, dtype=np.int64)  # a stretch may start anywhere
    cols = np.arange(len(t) + 1)
    codes = np.frombuffer(line.encode("utf-32-le"), dtype=np.uint32)
    for i, ch in enumerate(codes, 1):
        best = np.empty_like(prev)
        best[0] = i
        best[1:] = np.minimum(prev[1:] + 1, prev[:-1] + (t != ch))
        best = np.minimum.accumulate(best - cols) + cols
        prev = best
    return int(prev.min())


def order_free_edits(text, truth):
    """Edits of every truth line against the closest stretch of the reading."""
    reading = norm(text)
    lines = [norm(l) for l in truth.splitlines() if l.strip()]
    return sum(line_distance(l, reading) for l in lines), sum(len(l) for l in lines)


def word_error(text, truth):
    t, o = Counter(norm(truth).split()), Counter(norm(text).split())
    return sum(((t - o) + (o - t)).values()) / max(1, sum(t.values()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kho", action="append", default=[],
                    help="NAME=PATH of a kho binary (repeatable: before=..., after=...)")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "corpus", "scans200"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--doc", action="store_true", help="write docs/benchmarks.md")
    ap.add_argument("--cache", default="/tmp/kho-cer-scans200.json",
                    help="readings of the references, kept between runs (delete to read again)")
    args = ap.parse_args()
    rows = list(csv.DictReader(open(os.path.join(args.corpus, "index.csv"), encoding="utf-8")))
    paths = [os.path.join(args.corpus, r["file"]) for r in rows]
    readings = [dict() for _ in rows]
    for spec in args.kho:
        name, binary = spec.split("=", 1)
        out = subprocess.run([binary, "extract", "--jobs", str(args.jobs), "--json", *paths],
                             capture_output=True, env=ENV)
        by_file = {os.path.basename(d["file"]): d for d in map(json.loads, out.stdout.decode().splitlines())}
        for row, reading in zip(rows, readings):
            d = by_file.get(row["file"], {})
            reading[f"kho {name}"] = (d.get("text", ""), d.get("ocr_confidence") or 0.0)
    cache = json.load(open(args.cache, encoding="utf-8")) if os.path.exists(args.cache) else {}
    todo = [(r, p) for r, p in zip(rows, paths) if r["file"] not in cache]
    with ThreadPoolExecutor(args.jobs) as pool:
        for (row, _), refs in zip(todo, pool.map(references, *zip(*todo)) if todo else []):
            cache[row["file"]] = refs
            json.dump(cache, open(args.cache, "w", encoding="utf-8"), ensure_ascii=False)
    for row, reading in zip(rows, readings):
        reading.update({k: tuple(v) for k, v in cache[row["file"]].items()})
    kinds = {"jpeg": "JPEG file", "scan_pdf": "image-only PDF"}
    methods = [f"kho {s.split('=')[0]}" for s in args.kho] + [
        "psm3", "psm6", "psm3-up", "psm6-up", "best-conf", "best-conf-up", "pdftoppm300-psm3"]
    names = {"psm3": "tesseract --psm 3 (the page image as it is)",
             "psm6": "tesseract --psm 6 (as it is)",
             "psm3-up": "tesseract --psm 3, upscaled to 300 dpi",
             "psm6-up": "tesseract --psm 6, upscaled to 300 dpi",
             "best-conf": "psm 3 or 6, higher confidence per page",
             "best-conf-up": "psm 3 or 6, higher confidence per page, upscaled",
             "pdftoppm300-psm3": "`pdftoppm -r 300` + tesseract --psm 3 (PDFs)"}
    # Totals per (method, kind of scan): edits, truth chars, word errors, truth words.
    totals = defaultdict(lambda: [0, 0, 0, 0])
    per_file = []
    for row, reading in zip(rows, readings):
        truth = open(os.path.join(args.corpus, "truth", row["truth"]), encoding="utf-8").read()
        t = norm(truth)
        line = [row["file"], reading["dpi"][0]]
        for m in methods:
            if m not in reading:
                continue
            text = reading[m][0]
            edits, chars = order_free_edits(text, truth)
            words = word_error(text, truth)
            for key in ((m, row["kind"]), (m, f"{row['kind']}/{row['colour']}"), (m, "all")):
                acc = totals[key]
                acc[0] += edits
                acc[1] += chars
                acc[2] += words * len(t.split())
                acc[3] += len(t.split())
            line.append(f"{m} {100 * edits / chars:.1f}%/{100 * words:.1f}%/{reading[m][1]:.0f}")
        per_file.append(line)
        print("  ".join(line), file=sys.stderr)
    groups = ["jpeg/colour", "jpeg/grey", "jpeg", "scan_pdf/colour", "scan_pdf/grey", "scan_pdf", "all"]
    count = Counter()
    for r in rows:
        count[r["kind"]] += 1
        count[f"{r['kind']}/{r['colour']}"] += 1
        count["all"] += 1
    label = lambda g: {"jpeg": "**JPEG, all**", "scan_pdf": "**PDF, all**", "all": "**all**"}.get(
        g, g.replace("jpeg/", "JPEG ").replace("scan_pdf/", "PDF "))
    head = "| reading | " + " | ".join(f"{label(g)} ({count[g]})" for g in groups) + " |"
    lines = [head, "|---|" + "---:|" * len(groups)]
    for m in methods:
        cells = []
        for g in groups:
            acc = totals.get((m, g))
            cells.append("" if not acc or not acc[1] else
                         f"{100 * acc[0] / acc[1]:.2f}% / {100 * acc[2] / acc[3]:.1f}%")
        if any(cells):
            lines.append(f"| {names.get(m, m)} | " + " | ".join(cells) + " |")
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    tess = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    body = "\n".join([
        f"Corpus: `corpus/scans200` ({len(rows)} files). Machine: {machine}. {tess}, `vie`, oem 1. "
        "Each cell: CER / word error (both order-free, see the script).", "", *lines])
    print(body)
    if args.doc:
        write_section("SCANS200", "OCR of 200-dpi office scans", body)


if __name__ == "__main__":
    main()
