#!/usr/bin/env python3
"""N small born-digital PDFs (one page of administrative text, Helvetica, ASCII Vietnamese without
diacritics, every file different) and a manifest for them, for the batch throughput benchmark.
Written by hand (a PDF of one text page is six objects), so no PDF library is needed.

    python3 bench/make_born_digital.py N OUTDIR [FIRST]
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


def main():
    n, outdir = int(sys.argv[1]), sys.argv[2]
    # Optional: a first number other than 0, for a batch of new owners and files on top of an
    # earlier one (the memory-against-store-size measurement).
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
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
