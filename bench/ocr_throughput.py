#!/usr/bin/env python3
"""OCR pages per second: `kho extract` against the `tesseract` CLI alone, on the same page images
with the same parallelism (N jobs, OMP_THREAD_LIMIT=1, `-l vie --oem 1 --psm 3`, TSV output as
kho reads it). Pages: the upright single-page scans of corpus/extraction (clean and degraded PNG
and JPEG), each copied R times under other names so that no work is skipped. Best of 2 runs.
Writes the table into docs/benchmarks.md between the OCR-SPEED markers.

    python3 bench/ocr_throughput.py [--kho target/release/kho] [--jobs 2] [--repeat 4]
"""
import argparse
import glob
import os
import platform
import shutil
import subprocess
import tempfile
import time

from benchdoc import write_section

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
UPRIGHT = ("clean", "noise", "skew", "lowcontrast", "jpeg30", "blur")


def best_of(runs, fn):
    return min(fn() for _ in range(runs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kho", default=os.path.join(ROOT, "target", "release", "kho"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--repeat", type=int, default=4)
    args = ap.parse_args()
    sources = [p for p in sorted(glob.glob(os.path.join(ROOT, "corpus", "extraction", "*")))
               if p.endswith((".png", ".jpg")) and any(f".{v}." in p for v in UPRIGHT)]
    with tempfile.TemporaryDirectory() as work:
        pages = []
        for r in range(args.repeat):
            for src in sources:
                dst = os.path.join(work, f"{r}-{os.path.basename(src)}")
                shutil.copy(src, dst)
                pages.append(dst)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")

        def run_kho():
            t = time.perf_counter()
            subprocess.run([args.kho, "extract", "--jobs", str(args.jobs), "--json", *pages],
                           check=True, stdout=subprocess.DEVNULL)
            return time.perf_counter() - t

        def run_tesseract():
            out = os.path.join(work, "out")
            os.makedirs(out, exist_ok=True)
            t = time.perf_counter()
            xargs = subprocess.Popen(
                ["xargs", "-0", "-P", str(args.jobs), "-I{}", "sh", "-c",
                 f'tesseract "$1" "{out}/$(basename "$1")" -l vie --oem 1 --psm 3 tsv 2>/dev/null', "_", "{}"],
                stdin=subprocess.PIPE, env=env)
            xargs.communicate("\0".join(pages).encode())
            return time.perf_counter() - t

        tess = best_of(2, run_tesseract)
        kho = best_of(2, run_kho)
    n = len(pages)
    overhead = (kho - tess) / tess * 100
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}"
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    lines = [
        "| tool | pages | jobs | seconds | pages/s |",
        "|---|---:|---:|---:|---:|",
        f"| tesseract CLI alone (xargs -P {args.jobs}) | {n} | {args.jobs} | {tess:.1f} | {n / tess:.2f} |",
        f"| kho extract --jobs {args.jobs} | {n} | {args.jobs} | {kho:.1f} | {n / kho:.2f} |",
        "",
        f"kho's overhead over tesseract alone: {overhead:+.1f}% (target: at most +10%).",
    ]
    write_section("OCR-SPEED", "OCR throughput", "\n".join([
        f"Machine: {machine}. {version}, `vie`, psm 3, 300 dpi A4 pages.", "", *lines]))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
