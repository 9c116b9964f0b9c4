#!/usr/bin/env python3
"""corpus/scans200: one-page administrative documents as an office scanner at 200 dpi leaves
them, the kind the extraction corpus (300 dpi, clean fonts) does not have, with ground truth.

Each document (bench/admin_docs.py: two-column letterhead, body, recipients, signature block) is
written by one PDF producer (reportlab, fpdf2, cairo, LibreOffice, Chromium, Ghostscript) in one
of six fonts (Times-like FreeSerif and Liberation Serif, Arial-like FreeSans and Liberation Sans,
DejaVu Serif and Sans), rendered at 200 dpi, then made to look scanned: a red stamp over the
signer's title and a pen signature, paper tint and uneven light, a skew of up to 1.5 degrees,
scanner blur and sensor noise, colour or grey, JPEG quality 60-85. Saved as a JPEG (most with
the 200 dpi in their JFIF header, some without, as some scanners write them) or as an
image-only PDF holding that JPEG (img2pdf, A4 page), the scanner's own "scan to PDF".

The outputs are committed (tests and CI do not run this). To change them:
    apt-get install python3-cairo python3-pil img2pdf fonts-freefont-ttf fonts-liberation2 \
        fonts-dejavu-core libreoffice-writer-nogui ghostscript chromium poppler-utils
    python3 -m venv --system-site-packages V && V/bin/pip install reportlab fpdf2 numpy
    V/bin/python bench/make_scans200.py [COUNT]
"""
import csv
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

import img2pdf
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import admin_docs  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "corpus", "scans200")
DPI = 200


def word_box(pdf, word, dpi):
    """Pixel box (x0, y0, x1, y1) at `dpi` of the first word equal to `word` on page 1."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", pdf, "-"],
                         capture_output=True, check=True).stdout.decode()
    for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', out):
        if m.group(5) == word:
            return [float(m.group(i)) * dpi / 72 for i in range(1, 5)]
    return None


def stamp(img, cx, cy, rng):
    """A round red agency seal (two rings, a star, a band of marks for its lettering)."""
    layer = Image.new("L", img.size, 0)
    d = ImageDraw.Draw(layer)
    r = rng.randint(78, 92)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=255, width=5)
    d.ellipse([cx - r + 14, cy - r + 14, cx + r - 14, cy + r - 14], outline=255, width=2)
    star = []
    for k in range(10):
        rad = 22 if k % 2 == 0 else 9
        a = np.pi / 2 + k * np.pi / 5
        star.append((cx + rad * np.cos(a), cy - rad * np.sin(a)))
    d.polygon(star, fill=255)
    for k in range(28):  # the seal's lettering, as short strokes around the ring
        a = k * 2 * np.pi / 28
        x, y = cx + (r - 8) * np.cos(a), cy + (r - 8) * np.sin(a)
        d.line([x - 3, y - 3, x + 3, y + 3], fill=255, width=2)
    layer = layer.filter(ImageFilter.GaussianBlur(0.8))
    ink = np.array(layer, dtype=np.float32)[..., None] / 255 * rng.uniform(0.55, 0.8)
    red = np.array([205, 35, 45], dtype=np.float32)
    a = np.asarray(img, dtype=np.float32)
    # Ink multiplies with what is under it (the text shows through).
    a = a * (1 - ink) + (a * red / 255) * ink
    return Image.fromarray(a.clip(0, 255).astype(np.uint8))


def signature(img, x, y, rng):
    d = ImageDraw.Draw(img)
    pts = []
    for k in range(rng.randint(14, 22)):
        pts.append((x + k * rng.uniform(6, 11), y + rng.uniform(-18, 18)))
    d.line(pts, fill=(25, 35, 110), width=3, joint="curve")


def scanned(page, rng, grey):
    """Paper tint and uneven light, skew, blur, noise."""
    w, h = page.size
    a = np.asarray(page, dtype=np.float32)
    tint = np.array([rng.uniform(238, 252), rng.uniform(232, 246), rng.uniform(215, 238)])
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1 - 0.05 * ((xx / w - rng.random()) ** 2 + (yy / h - rng.random()) ** 2)
    a = a * (tint / 255) * light[..., None]
    img = Image.fromarray(a.clip(0, 255).astype(np.uint8))
    angle = rng.uniform(-1.5, 1.5)
    fill = tuple(int(t) for t in tint)
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=fill)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
    a = np.asarray(img, dtype=np.float32)
    sigma = rng.uniform(2, 5)
    nrng = np.random.default_rng(rng.randint(0, 2 ** 31))
    a = a + nrng.normal(0, sigma, a.shape[:2])[..., None]
    img = Image.fromarray(a.clip(0, 255).astype(np.uint8))
    if grey:
        img = img.convert("L")
    return img, angle, sigma


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 14
    rng = random.Random(20261201)
    if os.path.exists(OUT):
        shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "truth"))
    families = list(admin_docs.FONTS)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for i in range(count):
            doc = admin_docs.make_document(rng)
            producer = admin_docs.PRODUCERS[i % len(admin_docs.PRODUCERS)]
            family = families[(i * 5 + i // 6) % len(families)]
            pdf = os.path.join(work, f"{i}.pdf")
            admin_docs.produce(producer, doc, family, pdf)
            subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", "-f", "1", "-l", "1",
                            pdf, os.path.join(work, f"{i}")], check=True)
            page = Image.open(os.path.join(work, f"{i}.png")).convert("RGB")
            role = doc["sign"][-1].split()[0]
            box = word_box(pdf, role, DPI) or [page.width * 0.6, page.height * 0.7, 0, 0]
            signature(page, box[0] + 10, box[1] + 110, rng)
            page = stamp(page, int(box[0] + rng.randint(0, 40)), int(box[1] + rng.randint(0, 40)), rng)
            grey = i % 3 == 1
            img, angle, sigma = scanned(page, rng, grey)
            quality = rng.randint(60, 85)
            # Every third JPEG without a resolution in its header, as some scanners write them.
            kind = "scan_pdf" if i % 2 == 1 else "jpeg"
            dpi_tag = not (kind == "jpeg" and i % 3 == 0)
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=quality, **({"dpi": (DPI, DPI)} if dpi_tag else {}))
            stem = f"{i:02d}-{producer}-{family.lower().replace(' ', '')}-{'grey' if grey else 'colour'}-q{quality}"
            if kind == "jpeg":
                name = stem + ".jpg"
                with open(os.path.join(OUT, name), "wb") as f:
                    f.write(buf.getvalue())
            else:
                name = stem + ".pdf"
                layout = img2pdf.get_layout_fun((img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297)))
                with open(os.path.join(OUT, name), "wb") as f:
                    f.write(img2pdf.convert(buf.getvalue(), layout_fun=layout,
                                            creationdate=None, moddate=None, nodate=True))
            with open(os.path.join(OUT, "truth", stem + ".txt"), "w", encoding="utf-8") as f:
                f.write(admin_docs.truth_text(doc))
            rows.append(dict(file=name, truth=stem + ".txt", kind=kind, producer=producer,
                             font=family, colour="grey" if grey else "colour", quality=quality,
                             skew=f"{angle:+.2f}", noise=f"{sigma:.1f}",
                             dpi_in_header="yes" if dpi_tag else "no"))
            print(name, os.path.getsize(os.path.join(OUT, name)) // 1024, "KB", flush=True)
    with open(os.path.join(OUT, "index.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
