#!/usr/bin/env python3
"""N small born-digital PDFs and a manifest for them, for the batch throughput benchmark.

Default: one page of administrative text, Helvetica, ASCII Vietnamese without diacritics, every
file different; written by hand (a PDF of one text page is six objects), so no PDF library is
needed. These are the cheapest PDFs there are to read: no font program, one simple encoding.

--fonts: realistic ones instead: Vietnamese letters with diacritics in embedded subset TrueType
fonts (simple and Identity-H CID fonts with ToUnicode maps), two-column letterheads, from six
producers in turn (reportlab, fpdf2, cairo, LibreOffice, Chromium, Ghostscript; see
bench/admin_docs.py for what they need). Every file is a different document, except Chromium's:
it takes about a second a file, so up to 50 are printed and the rest are byte-unique copies of
them (a comment appended after %%EOF), which kho and pdftotext must read all the same.

    python3 bench/make_born_digital.py [--fonts] N OUTDIR [FIRST]
"""
import os
import random
import sys

SURNAMES = ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ho", "Ngo", "Duong"]
MIDDLE = ["Van", "Thi", "Minh", "Ngoc", "Duc", "Thanh", "Quoc", "Hong", "Gia", "Bao"]
GIVEN = ["An", "Binh", "Chi", "Dung", "Giang", "Hoa", "Khanh", "Lan", "Minh", "Nga", "Phuc", "Quang",
         "Son", "Thuy", "Trang", "Tuan", "Vy", "Yen"]
PLACES = ["Tam Xuan", "Nui Thanh", "Hoi An", "Dien Ban", "Thang Binh", "Que Son", "Tam Ky", "Duy Xuyen"]
LINES = [
    "CONG HOA XA HOI CHU NGHIA VIET NAM",
    "Doc lap - Tu do - Hanh phuc",
    "GIAY CHUNG NHAN",
    "Uy ban nhan dan xa {place}, huyen {district}, tinh Quang Nam",
    "Chung nhan ong/ba: {name}",
    "Sinh ngay {day:02d}/{month:02d}/{year}",
    "Noi cu tru: thon {n}, xa {place}",
    "So dinh danh ca nhan: {pid}",
    "So: {n}/GCN-UBND ngay {day:02d}/{month:02d}/2024",
    "Giay nay co gia tri ke tu ngay ky.",
    "TM. UY BAN NHAN DAN - CHU TICH",
]


def pdf(lines):
    content = ["BT", "/F1 11 Tf", "14 TL", "72 770 Td"]
    for line in lines:
        safe = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        content.append(f"({safe}) Tj T*")
    content.append("ET")
    stream = "\n".join(content).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def with_fonts(n, outdir, first, rng):
    """The --fonts set: (relative path, person's name) per file, written under OUTDIR/pdf."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import admin_docs
    families = list(admin_docs.FONTS)
    plan = [(i, admin_docs.PRODUCERS[i % len(admin_docs.PRODUCERS)], families[(i // 6) % len(families)])
            for i in range(first, first + n)]
    docs = {i: admin_docs.make_document(rng) for i, _, _ in plan}
    paths = {i: f"pdf/{i // 1000:03d}/{i:06d}.pdf" for i, _, _ in plan}
    for rel in set(os.path.dirname(p) for p in paths.values()):
        os.makedirs(os.path.join(outdir, rel), exist_ok=True)
    office = [(i, f) for i, p, f in plan if p == "libreoffice"]
    if office:
        made = admin_docs.libreoffice_pdfs([(docs[i], f) for i, f in office], os.path.join(outdir, "lo"))
        for (i, _), path in zip(office, made):
            os.replace(path, os.path.join(outdir, paths[i]))
        os.rmdir(os.path.join(outdir, "lo"))
    printed = []
    for k, (i, producer, family) in enumerate(plan):
        out = os.path.join(outdir, paths[i])
        if producer == "libreoffice":
            pass
        elif producer == "chromium" and len(printed) >= 50:
            with open(printed[k % len(printed)], "rb") as src, open(out, "wb") as dst:
                dst.write(src.read() + f"%kho-bench copy {i}\n".encode())
        else:
            admin_docs.produce(producer, docs[i], family, out)
            if producer == "chromium":
                printed.append(out)
        if k % 100 == 0:
            print(f"{k}/{n}", file=sys.stderr, flush=True)
    return [(paths[i], docs[i]["body"][0]) for i, _, _ in plan]


def main():
    fonts = "--fonts" in sys.argv
    argv = [a for a in sys.argv if a != "--fonts"]
    n, outdir = int(argv[1]), argv[2]
    # Optional: a first number other than 0, for a batch of new owners and files on top of an
    # earlier one (the memory-against-store-size measurement).
    first = int(argv[3]) if len(argv) > 3 else 0
    if fonts:
        rng = random.Random(20261202 + first)
        rows = ["file,owner_id,doc_type"]
        for i, (path, _) in enumerate(with_fonts(n, outdir, first, rng), first):
            pid = f"049{rng.choice('01')}{rng.randint(60, 99):02d}{i:06d}"
            rows.append(f"{path},{pid},other")
        with open(os.path.join(outdir, "manifest.csv"), "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        return
    rng = random.Random(20261127 + first)
    os.makedirs(os.path.join(outdir, "pdf"), exist_ok=True)
    rows = ["file,owner_id,owner_name,doc_type,issued_on,doc_number"]
    for i in range(first, first + n):
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        # Quang Nam (049), born 1960-1999 (century digit 0 or 1 by gender), a different ID each.
        pid = f"049{rng.choice('01')}{rng.randint(60, 99):02d}{i:06d}"
        values = dict(place=rng.choice(PLACES), district=rng.choice(PLACES), name=name,
                      day=rng.randint(1, 28), month=rng.randint(1, 12), year=rng.randint(1960, 1999),
                      n=i + 1, pid=pid)
        lines = [l.format(**values) for l in LINES]
        path = f"pdf/{i // 1000:03d}/{i:06d}.pdf"
        os.makedirs(os.path.join(outdir, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(outdir, path), "wb") as f:
            f.write(pdf(lines))
        rows.append(f"{path},{pid},{name},civil_status_extract,2024-{values['month']:02d}-{values['day']:02d},{i + 1}/GCN")
    with open(os.path.join(outdir, "manifest.csv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
