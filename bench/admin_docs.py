"""Vietnamese administrative documents as real offices write them (Decree 30/2020 layout: agency
name and number on the left, Quốc hiệu and Tiêu ngữ on the right, title, body, recipients on the
left and the signature block on the right), with random names, places and numbers, and the PDF
producers that write them: reportlab, fpdf2 and cairo with embedded TrueType fonts, LibreOffice
Writer, Chromium's print to PDF, and Ghostscript re-distilling another producer's file.

Shared by bench/make_scans200.py (200-dpi scans of these pages) and
bench/make_born_digital.py --fonts (born-digital files with embedded subset fonts).
Needs: Debian's python3-cairo, fonts-freefont-ttf, fonts-liberation2, fonts-dejavu-core,
libreoffice-writer-nogui, ghostscript, chromium; pip's reportlab, fpdf2, pillow.
"""
import html
import json
import os
import random
import shutil
import subprocess
import tempfile
import unicodedata

from PIL import ImageFont

A4 = (595.28, 841.89)

# (family, regular file, bold file): Times-like, Arial-like and DejaVu faces with Vietnamese.
FONTS = {
    "FreeSerif": ("/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
                  "/usr/share/fonts/truetype/freefont/FreeSerifBold.ttf"),
    "FreeSans": ("/usr/share/fonts/truetype/freefont/FreeSans.ttf",
                 "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf"),
    "Liberation Serif": ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
                         "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"),
    "Liberation Sans": ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
                        "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
    "DejaVu Serif": ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
                     "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"),
    "DejaVu Sans": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Vũ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý", "Phan", "Trương", "Đoàn"]
MIDDLE_M = ["Văn", "Minh", "Đức", "Quốc", "Hữu", "Công", "Thành", "Xuân", "Đình", "Quang"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Kim", "Mỹ", "Bích", "Diệu", "Thúy"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Khánh", "Phúc", "Thắng", "Cường", "Hải", "Nghĩa", "Toàn",
           "Quý", "Lộc", "Trọng", "Vĩnh", "Đạt"]
GIVEN_F = ["Hoa", "Lan", "Hương", "Nga", "Trang", "Thủy", "Yến", "Loan", "Phượng", "Nhung",
           "Huyền", "Ánh", "Duyên", "Oanh", "Điệp"]
# (commune, district, province) as papers of their time name them.
PLACES = [("Tam Xuân", "Núi Thành", "Quảng Nam"), ("Điện Ngọc", "Điện Bàn", "Quảng Nam"),
          ("Hòa Khánh", "Liên Chiểu", "Đà Nẵng"), ("Yên Thế", "Lục Yên", "Yên Bái"),
          ("Phước Hậu", "Ninh Phước", "Ninh Thuận"), ("Cẩm Thanh", "Hội An", "Quảng Nam"),
          ("Xuân Đỉnh", "Bắc Từ Liêm", "Hà Nội"), ("Thạnh Mỹ Lợi", "Thủ Đức", "Hồ Chí Minh"),
          ("Nghĩa Đô", "Cầu Giấy", "Hà Nội"), ("Quỳnh Lưu", "Nho Quan", "Ninh Bình"),
          ("Đồng Tiến", "Phổ Yên", "Thái Nguyên"), ("Ea Tu", "Buôn Ma Thuột", "Đắk Lắk")]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Phan Châu Trinh",
           "Quang Trung", "Điện Biên Phủ", "Võ Thị Sáu", "Lý Thường Kiệt", "Bạch Đằng"]

# (title, subject, code in the number, the act's body as format strings, signer's role)
KINDS = [
    ("QUYẾT ĐỊNH", "Về việc cấp Giấy chứng nhận quyền sử dụng đất cho hộ {name}", "QĐ-UBND", [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Căn cứ Luật Đất đai ngày {day} tháng {month} năm 2013 và các văn bản hướng dẫn thi hành;",
        "Xét đề nghị của Trưởng phòng Tài nguyên và Môi trường tại Tờ trình số {n2}/TTr-TNMT.",
        "Điều 1. Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền "
        "với đất cho hộ ông (bà) {name}, số định danh cá nhân {pid}, thường trú tại thôn {hamlet}, "
        "xã {commune}, thửa đất số {parcel}, tờ bản đồ số {sheet}, diện tích {area} m².",
        "Điều 2. Mục đích sử dụng: đất ở tại nông thôn; thời hạn sử dụng: lâu dài; nguồn gốc: "
        "Nhà nước công nhận quyền sử dụng đất.",
        "Điều 3. Chánh Văn phòng, Trưởng phòng Tài nguyên và Môi trường và hộ ông (bà) {name} "
        "chịu trách nhiệm thi hành Quyết định này kể từ ngày ký.",
    ], ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    ("GIẤY XÁC NHẬN", "Tình trạng hôn nhân", "XN-UBND", [
        "Xét đề nghị của ông (bà) {name}, sinh ngày {day}/{month}/{byear}, về việc xác nhận "
        "tình trạng hôn nhân.",
        "Ủy ban nhân dân xã {commune} xác nhận: ông (bà) {name}, số định danh cá nhân {pid}, "
        "nơi cư trú: số {house} đường {street}, thôn {hamlet}, xã {commune}, huyện {district}, "
        "tỉnh {province}.",
        "Trong thời gian cư trú tại địa phương từ năm {byear2} đến nay, ông (bà) {name} chưa đăng "
        "ký kết hôn với ai.",
        "Giấy này có giá trị sử dụng trong thời hạn 06 tháng kể từ ngày cấp, để làm thủ tục đăng "
        "ký kết hôn.",
    ], ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    ("GIẤY PHÉP XÂY DỰNG", "Số: {n2}/GPXD", "GPXD", [
        "Cấp cho: ông (bà) {name}, địa chỉ: số {house} đường {street}, xã {commune}.",
        "Được phép xây dựng công trình: nhà ở riêng lẻ, cấp III, {floors} tầng.",
        "Theo thiết kế có ký hiệu {sheet}/KT do Công ty Tư vấn Xây dựng {commune} lập.",
        "Vị trí xây dựng: thửa đất số {parcel}, tờ bản đồ số {sheet}, diện tích xây dựng tầng "
        "một {area} m², tổng diện tích sàn {area2} m², chiều cao công trình {height} m.",
        "Giấy phép này có hiệu lực khởi công xây dựng trong thời hạn 12 tháng kể từ ngày cấp; "
        "quá thời hạn trên thì phải đề nghị gia hạn giấy phép xây dựng.",
    ], ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    ("THÔNG BÁO", "Kết quả giải quyết hồ sơ thủ tục hành chính", "TB-UBND", [
        "Ủy ban nhân dân huyện {district} đã nhận hồ sơ số 000.00.00.H47-{yy}{mm}{dd}-{seq} "
        "của ông (bà) {name} về việc đăng ký hộ kinh doanh.",
        "Sau khi xem xét, Phòng Tài chính - Kế hoạch thông báo: hồ sơ hợp lệ; hộ kinh doanh "
        "{shop} được cấp mã số {tax}, địa điểm kinh doanh tại số {house} đường {street}.",
        "Vốn kinh doanh: {capital}.000.000 đồng. Ngành nghề: bán lẻ lương thực, thực phẩm, đồ "
        "uống trong các cửa hàng chuyên doanh.",
        "Đề nghị ông (bà) {name} đến Bộ phận Một cửa nhận kết quả trước ngày {day2}/{month}/{year}.",
    ], ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")),
]


def nfc(s):
    return unicodedata.normalize("NFC", s)


def person(rng):
    female = rng.random() < 0.5
    return " ".join([rng.choice(SURNAMES), rng.choice(MIDDLE_F if female else MIDDLE_M),
                     rng.choice(GIVEN_F if female else GIVEN_M)])


def make_document(rng):
    """One document: its blocks of lines (already in reading order) and values for its layout."""
    title, subject, code, body, sign_role = rng.choice(KINDS)
    commune, district, province = rng.choice(PLACES)
    year = rng.randint(2008, 2025)
    v = dict(name=person(rng), pid=f"0{rng.randint(1, 96):02d}{rng.randint(0, 3)}{rng.randint(50, 99)}"
             f"{rng.randint(0, 999999):06d}", commune=commune, district=district, province=province,
             hamlet=rng.choice(["Đông", "Tây", "Trung", "Phú", "An"]) + " " + rng.choice(["Xuân", "Hòa", "Lộc", "Mỹ"]),
             day=rng.randint(1, 28), day2=rng.randint(1, 28), month=rng.randint(1, 12),
             year=year, byear=rng.randint(1950, 2003), byear2=rng.randint(2004, 2015),
             n2=rng.randint(10, 990), parcel=rng.randint(1, 600), sheet=rng.randint(1, 60),
             area=f"{rng.randint(60, 400)},{rng.randint(0, 9)}", area2=rng.randint(120, 900),
             floors=rng.randint(2, 5), height=f"{rng.randint(7, 19)},{rng.randint(0, 9)}",
             house=rng.randint(1, 300), street=rng.choice(STREETS), shop=person(rng).split()[-1] + " " + rng.choice(["Phát", "Thịnh", "Hưng"]),
             tax=f"{rng.randint(0, 9)}{rng.randint(0, 999999999):09d}", capital=rng.randint(50, 900),
             yy=f"{year % 100:02d}", mm=f"{rng.randint(1, 12):02d}", dd=f"{rng.randint(1, 28):02d}",
             seq=f"{rng.randint(1, 300):04d}")
    level = "HUYỆN" if code in ("GPXD", "TB-UBND") else "XÃ"
    unit = district if level == "HUYỆN" else commune
    parent = f"UBND {'TỈNH ' + province.upper() if level == 'HUYỆN' else 'HUYỆN ' + district.upper()}"
    left_head = [parent, f"ỦY BAN NHÂN DÂN {level} {unit.upper()}" if len(unit) < 10
                 else f"ỦY BAN NHÂN DÂN {level}", *([] if len(unit) < 10 else [unit.upper()]),
                 f"Số: {v['n2']}/{code}"]
    right_head = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  f"{unit}, ngày {v['day']:02d} tháng {v['month']:02d} năm {year}"]
    recipients = ["Nơi nhận:", "- Như Điều 3;" if code == "QĐ-UBND" else f"- Ông (bà) {v['name']};",
                  "- Lưu: VT."]
    doc = {
        "left_head": [nfc(l) for l in left_head],
        "right_head": [nfc(l) for l in right_head],
        "title": [nfc(title), nfc(subject.format(**v))],
        "body": [nfc(p.format(**v)) for p in body],
        "recipients": [nfc(l) for l in recipients],
        "sign": [nfc(l) for l in sign_role],
        "signer": nfc(person(rng)),
    }
    return doc


def truth_text(doc):
    """The text a careful reader copies out: each column block whole, left before right."""
    blocks = [doc["left_head"], doc["right_head"], doc["title"], doc["body"],
              doc["recipients"], doc["sign"] + [doc["signer"]]]
    return "\n\n".join("\n".join(b) for b in blocks) + "\n"


# --- layout by coordinates (reportlab, fpdf2, cairo) ---------------------------------------

def wrap(text, font_path, size, width):
    font = ImageFont.truetype(font_path, 100)
    measure = lambda s: font.getlength(s) * size / 100
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if measure(trial) > width and line:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines, measure


def layout(doc, family, size=13):
    """Text runs (x, y from the top, text, size, bold) of the page: points on A4."""
    regular, bold = FONTS[family]
    runs = []
    left, right = 70, A4[0] - 50
    y = 60

    def centred(lines, cx, y, sz, is_bold, step):
        for line in lines:
            _, measure = wrap(line, bold if is_bold else regular, sz, 10_000)
            runs.append((cx - measure(line) / 2, y, line, sz, is_bold))
            y += step
        return y

    ly = centred(doc["left_head"][:1], 160, y, size - 1, False, size + 3)
    ly = centred(doc["left_head"][1:-1], 160, ly, size - 1, True, size + 3)
    ly = centred(doc["left_head"][-1:], 160, ly + 6, size - 1, False, size + 3)
    ry = centred(doc["right_head"][:1], 400, y, size - 1, True, size + 3)
    ry = centred(doc["right_head"][1:2], 400, ry, size, True, size + 3)
    ry = centred(doc["right_head"][2:], 400, ry + 8, size - 1, False, size + 3)
    y = max(ly, ry) + 30
    y = centred(doc["title"][:1], A4[0] / 2, y, size + 1, True, size + 5)
    y = centred(doc["title"][1:], A4[0] / 2, y, size, True, size + 5) + 16
    for para in doc["body"]:
        lines, _ = wrap(para, regular, size, right - left - 30)
        for i, line in enumerate(lines):
            runs.append((left + (30 if i == 0 else 0), y, line, size, False))
            y += size * 1.45
        y += 6
    y += 20
    sign_top = y
    for i, line in enumerate(doc["recipients"]):
        runs.append((left, y, line, size - 2 if i else size - 1, i == 0))
        y += size
    sy = centred(doc["sign"], 420, sign_top, size, True, size + 3)
    centred([doc["signer"]], 420, sy + 70, size, True, size)
    return runs


def reportlab_pdf(doc, family, path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    regular, bold = FONTS[family]
    pdfmetrics.registerFont(TTFont(family.replace(" ", ""), regular))
    pdfmetrics.registerFont(TTFont(family.replace(" ", "") + "-Bold", bold))
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    for x, y, text, size, is_bold in layout(doc, family):
        c.setFont(family.replace(" ", "") + ("-Bold" if is_bold else ""), size)
        c.drawString(x, A4[1] - y, text)
    c.showPage()
    c.save()


def fpdf2_pdf(doc, family, path):
    from fpdf import FPDF
    regular, bold = FONTS[family]
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font(family, "", regular)
    pdf.add_font(family, "B", bold)
    pdf.add_page()
    for x, y, text, size, is_bold in layout(doc, family):
        pdf.set_font(family, "B" if is_bold else "", size)
        pdf.text(x, y, text)
    pdf.output(path)


CAIRO_SCRIPT = r"""
import json, sys
import cairo
runs, family, path = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
surface = cairo.PDFSurface(path, 595.28, 841.89)
surface.set_metadata(cairo.PDFMetadata.CREATE_DATE, "2026-01-01T00:00:00")
ctx = cairo.Context(surface)
for x, y, text, size, bold in runs:
    ctx.select_font_face(family, cairo.FONT_SLANT_NORMAL,
                         cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL)
    ctx.set_font_size(size)
    ctx.move_to(x, y)
    ctx.show_text(text)
ctx.show_page()
surface.finish()
"""


def cairo_pdf(doc, family, path):
    """cairo's PDF surface (GTK applications, many report tools), via Debian's python3-cairo."""
    subprocess.run(["/usr/bin/python3", "-c", CAIRO_SCRIPT, json.dumps(layout(doc, family)),
                    family, path], check=True)


# --- layout by HTML (LibreOffice Writer, Chromium) ------------------------------------------

def to_html(doc, family, size=13):
    e = lambda s: html.escape(s)
    br = lambda lines: "<br>".join(e(l) for l in lines)
    cell = "text-align:center;vertical-align:top"
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><style>
body {{ font-family: '{family}'; font-size: {size}pt; margin: 0 }}
@page {{ size: A4; margin: 2cm 2cm 2cm 2.5cm }}
p {{ margin: 0 0 6pt 0; text-indent: 1cm; text-align: justify }}
td {{ font-size: {size - 1}pt }}
</style></head><body>
<p></p>
<table width="100%"><tr><td width="40%" style="{cell}">{e(doc['left_head'][0])}<br><b>{br(doc['left_head'][1:-1])}</b><br>{e(doc['left_head'][-1])}</td>
<td width="60%" style="{cell}"><b>{br(doc['right_head'][:2])}</b><br><i>{e(doc['right_head'][2])}</i></td></tr></table>
<br><div style="text-align:center"><b>{e(doc['title'][0])}<br>{e(doc['title'][1])}</b></div><br>
{''.join(f'<p>{e(p)}</p>' for p in doc['body'])}
<br><table width="100%"><tr><td width="45%" style="vertical-align:top;text-align:left"><b><i>{e(doc['recipients'][0])}</i></b><br>{br(doc['recipients'][1:])}</td>
<td width="55%" style="{cell}"><b>{br(doc['sign'])}<br><br><br><br><br>{e(doc['signer'])}</b></td></tr></table>
</body></html>"""


def libreoffice_pdfs(docs_families, outdir):
    """Writer's HTML import and PDF export, many files in one soffice run. Returns the paths."""
    work = tempfile.mkdtemp(prefix="kho-lo-")
    sources = []
    for i, (doc, family) in enumerate(docs_families):
        src = os.path.join(work, f"doc{i:05d}.html")
        with open(src, "w", encoding="utf-8") as f:
            f.write(to_html(doc, family))
        sources.append(src)
    for start in range(0, len(sources), 200):
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf:writer_pdf_Export",
                        "--outdir", outdir, *sources[start:start + 200]], check=True,
                       capture_output=True)
    shutil.rmtree(work)
    return [os.path.join(outdir, f"doc{i:05d}.pdf") for i in range(len(sources))]


def chromium_pdf(doc, family, path):
    """Chromium's print to PDF (Skia), as web applications produce their printouts."""
    with tempfile.TemporaryDirectory(prefix="kho-chr-") as work:
        src = os.path.join(work, "doc.html")
        with open(src, "w", encoding="utf-8") as f:
            f.write(to_html(doc, family))
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        "--no-pdf-header-footer", f"--user-data-dir={work}/profile",
                        f"--print-to-pdf={path}", f"file://{src}"], check=True,
                       capture_output=True, timeout=120)


def ghostscript_pdf(source, path):
    """Ghostscript's pdfwrite re-distilling another file (as print-to-PDF drivers do)."""
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite",
                    f"-sOutputFile={path}", source], check=True)


PRODUCERS = ["reportlab", "fpdf2", "cairo", "libreoffice", "chromium", "ghostscript"]


def produce(producer, doc, family, path):
    """One document's PDF from one producer (LibreOffice one at a time: use libreoffice_pdfs
    for many)."""
    if producer == "reportlab":
        reportlab_pdf(doc, family, path)
    elif producer == "fpdf2":
        fpdf2_pdf(doc, family, path)
    elif producer == "cairo":
        cairo_pdf(doc, family, path)
    elif producer == "chromium":
        chromium_pdf(doc, family, path)
    elif producer == "libreoffice":
        out = tempfile.mkdtemp(prefix="kho-lo-out-")
        shutil.move(libreoffice_pdfs([(doc, family)], out)[0], path)
        shutil.rmtree(out)
    elif producer == "ghostscript":
        with tempfile.TemporaryDirectory() as work:
            cairo_pdf(doc, family, os.path.join(work, "src.pdf"))
            ghostscript_pdf(os.path.join(work, "src.pdf"), path)
    else:
        raise ValueError(producer)


if __name__ == "__main__":
    # A look at each producer: python3 bench/admin_docs.py OUTDIR
    import sys
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(1)
    for i, producer in enumerate(PRODUCERS):
        family = list(FONTS)[i % len(FONTS)]
        produce(producer, make_document(rng), family, os.path.join(out, f"{producer}.pdf"))
        print(producer, family)
