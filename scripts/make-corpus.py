#!/usr/bin/env python3
"""Builds kho's corpus from text written here, with its ground truth:

- corpus/*.pdf|png|jpg|tif + corpus/manifest.csv: the sample dossiers of the quick start;
- corpus/extraction/ + index.csv: every document in every input kind kho reads: born-digital PDFs
  from five producers (fpdf2, reportlab, LibreOffice, Ghostscript, cairo), NFD text layers, 300 dpi scans
  as PNG, JPEG and multi-page TIFF (deflate, LZW, CCITT G4), clean and degraded (noise, blur, skew,
  low contrast, JPEG artefacts, rotated 90/180/270), image-only PDFs (DCT, Flate, Flate+DCT,
  CCITT), an ocrmypdf PDF (invisible text in Form XObjects), a scan under a TCVN3 mojibake layer;
- corpus/truth/NAME.txt: the text of each document, pages separated by form feeds.

The outputs are committed, so neither tests nor CI run this. To change them:
    apt-get install fonts-dejavu-core libreoffice-writer-nogui ghostscript ocrmypdf qpdf python3-cairo
    pip install fpdf2 pillow reportlab img2pdf && python3 scripts/make-corpus.py
Samples and images are deterministic; LibreOffice, Ghostscript and ocrmypdf stamp dates.
"""
import csv
import os
import unicodedata

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus")
FONTS = "/usr/share/fonts/truetype/dejavu"
DPI = 300
A4_PX = (2480, 3508)

HEADER = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]

# Each document: file name, metadata (manifest columns) and pages of text lines.
DOCUMENTS = [
    {
        "file": "giay-khai-sinh-nguyen-van-duc.pdf",
        "owner_id": "049075001234",
        "owner_name": "Nguyễn Văn Đức",
        "doc_type": "birth_certificate",
        "issuer": "Ủy ban nhân dân xã Tam Xuân, huyện Núi Thành, tỉnh Quảng Nam",
        "issued_on": "1975-03-12",
        "procedure_code": "1.001193",
        "doc_number": "12/KS-1975",
        "pages": [
            HEADER + [
                "GIẤY KHAI SINH",
                "Số: 12/KS-1975",
                "Họ, chữ đệm, tên: NGUYỄN VĂN ĐỨC",
                "Ngày, tháng, năm sinh: 12/03/1975",
                "Giới tính: Nam   Dân tộc: Kinh   Quốc tịch: Việt Nam",
                "Nơi sinh: Trạm y tế xã Tam Xuân, huyện Núi Thành, tỉnh Quảng Nam",
                "Quê quán: xã Tam Xuân, huyện Núi Thành, tỉnh Quảng Nam",
                "Số định danh cá nhân: 049075001234",
                "Họ, chữ đệm, tên người mẹ: TRẦN THỊ HOÀ",
                "Họ, chữ đệm, tên người cha: NGUYỄN VĂN HÙNG",
                "Nơi đăng ký khai sinh: Ủy ban nhân dân xã Tam Xuân",
                "Ngày, tháng, năm đăng ký: 20/03/1975",
            ]
        ],
    },
    {
        "file": "giay-chung-nhan-quyen-su-dung-dat-nguyen-van-duc.pdf",
        "owner_id": "049075001234",
        "owner_name": "Nguyễn Văn Đức",
        "doc_type": "land_use_right_certificate",
        "issuer": "Sở Tài nguyên và Môi trường tỉnh Quảng Nam",
        "issued_on": "2019-08-21",
        "doc_number": "CS 04512",
        "dossier_code": "000.00.00.H47-190805-0032",
        "pages": [
            HEADER + [
                "GIẤY CHỨNG NHẬN",
                "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở",
                "VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
                "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất",
                "Ông: Nguyễn Văn Đức, sinh năm 1975",
                "Số định danh cá nhân: 049075001234",
                "Địa chỉ thường trú: thôn Đông Xuân, xã Tam Xuân, huyện Núi Thành",
            ],
            [
                "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất",
                "Thửa đất số: 215   Tờ bản đồ số: 18",
                "Địa chỉ: thôn Đông Xuân, xã Tam Xuân, huyện Núi Thành, tỉnh Quảng Nam",
                "Diện tích: 312,5 m² (Ba trăm mười hai phẩy năm mét vuông)",
                "Hình thức sử dụng: sử dụng riêng",
                "Mục đích sử dụng: đất ở tại nông thôn 200 m², đất trồng cây lâu năm 112,5 m²",
                "Thời hạn sử dụng: đất ở lâu dài",
                "Nguồn gốc sử dụng: Nhà nước công nhận quyền sử dụng đất",
                "Số vào sổ cấp giấy chứng nhận: CS 04512",
            ],
        ],
    },
    {
        "file": "giay-chung-nhan-ket-hon-tran-thi-thuy.png",
        "owner_id": "079305000001",
        "owner_name": "Trần Thị Thuý",
        "doc_type": "marriage_certificate",
        "issuer": "Ủy ban nhân dân phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
        "issued_on": "2025-06-14",
        "doc_number": "45/2025",
        "pages": [
            HEADER + [
                "GIẤY CHỨNG NHẬN KẾT HÔN",
                "Số: 45/2025",
                "Họ, chữ đệm, tên vợ: TRẦN THỊ THUÝ",
                "Ngày sinh: 02/01/2005   Dân tộc: Kinh",
                "Số định danh cá nhân: 079305000001",
                "Họ, chữ đệm, tên chồng: LÊ VĂN AN",
                "Ngày sinh: 15/07/2001   Dân tộc: Kinh",
                "Nơi đăng ký kết hôn: Ủy ban nhân dân phường Bến Nghé",
                "Ngày, tháng, năm đăng ký: 14/06/2025",
            ]
        ],
    },
    {
        "file": "giay-chung-nhan-dang-ky-doanh-nghiep-hoa-binh.tif",
        "owner_id": "0100109106",
        "owner_name": "Công ty TNHH Thương mại Hòa Bình",
        "doc_type": "enterprise_registration",
        "issuer": "Phòng Đăng ký kinh doanh, Sở Kế hoạch và Đầu tư thành phố Hà Nội",
        "issued_on": "2020-06-01",
        "dossier_code": "000.00.00.H26-200525-0107",
        "result_code": "000.00.00.H26-200525-0107-KQ1",
        "pages": [
            HEADER + [
                "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP",
                "CÔNG TY TRÁCH NHIỆM HỮU HẠN HAI THÀNH VIÊN TRỞ LÊN",
                "Mã số doanh nghiệp: 0100109106",
                "Đăng ký lần đầu: ngày 01 tháng 06 năm 2020",
                "1. Tên công ty viết bằng tiếng Việt: CÔNG TY TNHH THƯƠNG MẠI HÒA BÌNH",
                "Tên công ty viết tắt: HOA BINH TRADING CO., LTD",
                "2. Địa chỉ trụ sở chính: số 18 phố Đường Thành, phường Cửa Đông,",
                "quận Hoàn Kiếm, thành phố Hà Nội",
            ],
            [
                "3. Vốn điều lệ: 5.000.000.000 đồng (Năm tỷ đồng)",
                "4. Danh sách thành viên góp vốn:",
                "Phạm Quốc Khánh, góp 3.000.000.000 đồng, tỷ lệ 60%",
                "Đoàn Thị Ngọc Ánh, góp 2.000.000.000 đồng, tỷ lệ 40%",
                "5. Người đại diện theo pháp luật của công ty:",
                "Họ và tên: PHẠM QUỐC KHÁNH   Chức danh: Giám đốc",
                "Số định danh cá nhân: 001082004567",
            ],
        ],
    },
    {
        "file": "giay-phep-xay-dung-le-van-an.pdf",
        "owner_id": "048090012345",
        "owner_name": "Lê Văn An",
        "doc_type": "construction_permit",
        "issuer": "Ủy ban nhân dân quận Hải Châu, thành phố Đà Nẵng",
        "issued_on": "2025-03-10",
        "doc_number": "318/GPXD",
        "procedure_code": "1.009994",
        "pages": [
            HEADER + [
                "GIẤY PHÉP XÂY DỰNG",
                "Số: 318/GPXD",
                "Cấp cho: Ông Lê Văn An",
                "Địa chỉ: số 27 đường Nguyễn Chí Thanh, phường Hải Châu I, quận Hải Châu",
                "Được phép xây dựng công trình: nhà ở riêng lẻ",
                "Theo thiết kế có ký hiệu: KT-01 đến KT-09",
            ],
            [
                "Gồm các nội dung sau:",
                "Vị trí xây dựng: thửa đất số 96, tờ bản đồ số 12",
                "Cốt nền xây dựng công trình: +0,45 m so với cốt vỉa hè",
                "Mật độ xây dựng: 85%   Hệ số sử dụng đất: 4,25",
                "Chiều cao công trình: 15,6 m; số tầng: 04 tầng và 01 tum",
                "Giấy phép này có hiệu lực khởi công xây dựng trong thời hạn 12 tháng",
                "kể từ ngày cấp; quá thời hạn trên thì phải đề nghị gia hạn giấy phép.",
            ],
        ],
    },
    {
        "file": "giay-xac-nhan-tinh-trang-hon-nhan-pham-thi-hoa.jpg",
        "owner_id": "001196054321",
        "owner_name": "Phạm Thị Hoa",
        "doc_type": "marital_status_confirmation",
        "issuer": "Ủy ban nhân dân phường Láng Hạ, quận Đống Đa, thành phố Hà Nội",
        "issued_on": "2026-09-01",
        "doc_number": "207/XNTTHN",
        "pages": [
            HEADER + [
                "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
                "Số: 207/XNTTHN",
                "Xét đề nghị của bà Phạm Thị Hoa về việc xác nhận tình trạng hôn nhân,",
                "Họ, chữ đệm, tên: PHẠM THỊ HOA",
                "Ngày, tháng, năm sinh: 23/11/1996   Giới tính: Nữ",
                "Số định danh cá nhân: 001196054321",
                "Nơi cư trú: số 9 ngõ 45 phố Thái Thịnh, phường Láng Hạ, quận Đống Đa",
                "Tình trạng hôn nhân: Hiện tại chưa đăng ký kết hôn với ai.",
                "Giấy này có giá trị sử dụng 06 tháng kể từ ngày cấp.",
                "Mục đích sử dụng: để làm thủ tục đăng ký kết hôn.",
            ]
        ],
    },
]

DOCUMENTS += [
    {
        "file": "trich-luc-khai-tu-hoang-van-minh.pdf",
        "owner_id": "036052007788",
        "owner_name": "Hoàng Văn Minh",
        "doc_type": "death_extract",
        "issuer": "Ủy ban nhân dân xã Hải Hậu, tỉnh Nam Định",
        "issued_on": "2024-02-05",
        "doc_number": "08/TLKT",
        "pages": [
            HEADER + [
                "TRÍCH LỤC KHAI TỬ",
                "Số: 08/TLKT",
                "Họ, chữ đệm, tên người đã chết: HOÀNG VĂN MINH",
                "Ngày, tháng, năm sinh: 19/08/1952   Giới tính: Nam",
                "Số định danh cá nhân: 036052007788",
                "Đã chết vào lúc: 14 giờ 30 phút, ngày 01/02/2024",
                "Nơi chết: tại nhà, xóm 7, xã Hải Hậu, tỉnh Nam Định",
                "Nguyên nhân chết: già yếu",
                "Họ, chữ đệm, tên người đi khai tử: Hoàng Thị Lụa",
            ]
        ],
    },
    {
        "file": "giay-chung-nhan-dang-ky-ho-kinh-doanh-do-thi-nga.pdf",
        "owner_id": "079186003344",
        "owner_name": "Đỗ Thị Ngà",
        "doc_type": "household_business_registration",
        "issuer": "Phòng Tài chính - Kế hoạch quận Bình Thạnh, Thành phố Hồ Chí Minh",
        "issued_on": "2022-11-15",
        "doc_number": "41S8012345",
        "pages": [
            HEADER + [
                "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",
                "Số: 41S8012345",
                "Đăng ký lần đầu: ngày 15 tháng 11 năm 2022",
                "1. Tên hộ kinh doanh: TIỆM BÁNH MÌ CÔ NGÀ",
                "2. Địa điểm kinh doanh: 112 Xô Viết Nghệ Tĩnh, phường 21, quận Bình Thạnh",
                "3. Ngành, nghề kinh doanh: bán lẻ bánh mì, đồ uống",
                "4. Vốn kinh doanh: 150.000.000 đồng",
                "5. Chủ hộ kinh doanh: ĐỖ THỊ NGÀ, sinh ngày 30/04/1986",
                "Số định danh cá nhân: 079186003344",
            ]
        ],
    },
]

# The quick start's sample dossiers: the first six documents, one file each.
SAMPLES = DOCUMENTS[:6]

MANIFEST_COLUMNS = [
    "file", "owner_id", "owner_name", "doc_type", "title", "issuer", "issued_on",
    "valid_until", "dossier_code", "procedure_code", "result_code", "doc_number",
]


def nfc(s):
    return unicodedata.normalize("NFC", s)


def render_pdf(doc, path):
    pdf = FPDF(format="A4")
    pdf.set_creation_date(__import__("datetime").datetime(2026, 1, 1))
    pdf.add_font("DejaVuSerif", "", os.path.join(FONTS, "DejaVuSerif.ttf"))
    pdf.add_font("DejaVuSerif", "B", os.path.join(FONTS, "DejaVuSerif-Bold.ttf"))
    for lines in doc["pages"]:
        pdf.add_page()
        pdf.set_margins(20, 20, 20)
        pdf.set_y(20)
        for i, line in enumerate(lines):
            title = line.isupper() or i < 2
            pdf.set_font("DejaVuSerif", "B" if title else "", 13 if title else 11.5)
            pdf.cell(0, 9, line, align="C" if title else "L", new_x="LMARGIN", new_y="NEXT")
    pdf.output(path)


def render_page_image(lines):
    img = Image.new("L", A4_PX, 255)
    draw = ImageDraw.Draw(img)
    regular = ImageFont.truetype(os.path.join(FONTS, "DejaVuSerif.ttf"), 46)
    bold = ImageFont.truetype(os.path.join(FONTS, "DejaVuSerif-Bold.ttf"), 52)
    y = 230
    for i, line in enumerate(lines):
        title = line.isupper() or i < 2
        font = bold if title else regular
        width = draw.textlength(line, font=font)
        x = (A4_PX[0] - width) / 2 if title else 236
        draw.text((x, y), line, font=font, fill=20)
        y += 96
    return img


def render_images(doc, path):
    pages = [render_page_image(p) for p in doc["pages"]]
    ext = os.path.splitext(path)[1]
    if ext == ".png":
        pages[0].save(path, dpi=(DPI, DPI), optimize=True)
    elif ext == ".jpg":
        pages[0].save(path, dpi=(DPI, DPI), quality=85)
    elif ext == ".tif":
        pages[0].save(path, dpi=(DPI, DPI), compression="tiff_deflate",
                      save_all=True, append_images=pages[1:])
    else:
        raise ValueError(path)


# --- the extraction corpus: every format and producer, clean and degraded -------------------

import io
import json
import random
import shutil
import subprocess
import zlib

import img2pdf
from PIL import ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

EXTRACTION = os.path.join(ROOT, "extraction")


def stem_of(doc):
    return os.path.splitext(doc["file"])[0]


def degrade(img, variant, seed):
    rnd = random.Random(seed)
    if variant == "noise":
        px = img.load()
        w, h = img.size
        for _ in range(w * h // 300):
            x, y = rnd.randrange(w), rnd.randrange(h)
            px[x, y] = 0 if rnd.random() < 0.5 else 255
        return img.filter(ImageFilter.GaussianBlur(0.6))
    if variant == "blur":
        return img.filter(ImageFilter.GaussianBlur(1.6))
    if variant == "skew":
        return img.rotate(1.8, resample=Image.BICUBIC, fillcolor=255)
    if variant == "lowcontrast":
        return img.point(lambda v: int(150 + v * 0.33))
    if variant == "rot90":
        return img.transpose(Image.ROTATE_90)
    if variant == "rot180":
        return img.transpose(Image.ROTATE_180)
    if variant == "rot270":
        return img.transpose(Image.ROTATE_270)
    return img


def save_image(pages, path, **kw):
    ext = os.path.splitext(path)[1]
    if ext == ".png":
        pages[0].save(path, dpi=(DPI, DPI), optimize=True)
    elif ext == ".jpg":
        pages[0].save(path, dpi=(DPI, DPI), quality=kw.get("quality", 85))
    elif ext == ".tif":
        compression = kw.get("compression", "tiff_deflate")
        if compression == "group4":
            pages = [p.point(lambda v: 255 if v > 160 else 0).convert("1") for p in pages]
        pages[0].save(path, dpi=(DPI, DPI), compression=compression, save_all=True,
                      append_images=pages[1:])


def reportlab_pdf(doc, path, nfd=False):
    pdfmetrics.registerFont(TTFont("DejaVuSerif", os.path.join(FONTS, "DejaVuSerif.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSerif-Bold", os.path.join(FONTS, "DejaVuSerif-Bold.ttf")))
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    for lines in doc["pages"]:
        y = A4[1] - 60
        for i, line in enumerate(lines):
            title = line.isupper() or i < 2
            c.setFont("DejaVuSerif-Bold" if title else "DejaVuSerif", 13 if title else 11)
            text = unicodedata.normalize("NFD", line) if nfd else line
            if title:
                c.drawCentredString(A4[0] / 2, y, text)
            else:
                c.drawString(57, y, text)
            y -= 24
        c.showPage()
    c.save()


def libreoffice_pdf(doc, path, font="DejaVu Serif"):
    """Writer's plain-text import (UTF-8), one paragraph per line, then its PDF export.
    (Its HTML import was tried first and drops the first paragraph.)"""
    work = path + ".d"
    os.makedirs(work, exist_ok=True)
    src = os.path.join(work, "doc.txt")
    with open(src, "w", encoding="utf-8") as f:
        f.write("\n\n".join("\n".join(lines) for lines in doc["pages"]) + "\n")
    subprocess.run(["soffice", "--headless", f"--infilter=Text (encoded):UTF8,LF,{font},vi-VN,",
                    "--convert-to", "pdf", "--outdir", work, src], check=True, capture_output=True)
    shutil.move(os.path.join(work, "doc.pdf"), path)
    shutil.rmtree(work)


CAIRO_SCRIPT = r"""
import json, sys
import cairo
doc, path = json.loads(sys.argv[1]), sys.argv[2]
surface = cairo.PDFSurface(path, 595.28, 841.89)
surface.set_metadata(cairo.PDFMetadata.CREATE_DATE, "2026-01-01T00:00:00")
ctx = cairo.Context(surface)
for lines in doc["pages"]:
    y = 60
    for i, line in enumerate(lines):
        title = line.isupper() or i < 2
        ctx.select_font_face("DejaVu Serif", cairo.FONT_SLANT_NORMAL,
                             cairo.FONT_WEIGHT_BOLD if title else cairo.FONT_WEIGHT_NORMAL)
        ctx.set_font_size(13 if title else 11)
        width = ctx.text_extents(line).x_advance
        ctx.move_to((595.28 - width) / 2 if title else 57, y)
        ctx.show_text(line)
        y += 24
    ctx.show_page()
surface.finish()
"""


def cairo_pdf(doc, path):
    """cairo's PDF surface (as GTK and many report tools write PDFs), through Debian's
    python3-cairo in the system Python."""
    subprocess.run(["/usr/bin/python3", "-c", CAIRO_SCRIPT,
                    json.dumps({"pages": doc["pages"]}), path], check=True)


def ghostscript_pdf(source, path):
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite",
                    f"-sOutputFile={path}", source], check=True)


def flate_dct_pdf(jpegs, path):
    """An image-only PDF whose page images are JPEGs further Flate-compressed:
    /Filter [/FlateDecode /DCTDecode], as some scanning software writes them."""
    objects = []
    kids = []
    for jpeg, (w, h) in jpegs:
        data = zlib.compress(jpeg, 9)
        img_n = len(objects) + 3
        objects.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                       b"/BitsPerComponent 8 /Filter [/FlateDecode /DCTDecode] /Length %d >>\nstream\n"
                       % (w, h, len(data)) + data + b"\nendstream")
        content = b"q 595.28 0 0 841.89 0 0 cm /Im0 Do Q"
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] "
                       b"/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                       % (img_n, img_n + 1))
        kids.append(img_n + 2)
    head = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)]
    with open(path, "wb") as f:
        f.write(write_pdf(head + objects, header=b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"))


def write_pdf(objects, header=b"%PDF-1.4\n"):
    """Serializes numbered objects (1, 2, ...; the catalogue first) with a cross-reference table."""
    out = header
    offsets = []
    for i, o in enumerate(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


# A stand-in for TCVN3 (ABC) mojibake: the Vietnamese letters of the text replaced by the
# Latin-1 characters that TCVN3 bytes show as when read as Windows-1252 ("Céng hßa x· héi").
# The mapping below follows TCVN3 for the letters the domain notes quote and spreads the rest
# over TCVN3's byte range; it reproduces what a detector sees, not a full TCVN3 table.
TCVN3_KNOWN = {"ộ": "é", "ò": "ß", "ã": "·", "ủ": "ñ", "ĩ": "Ü", "ệ": "Ö", "Đ": "§", "ậ": "Ë",
               "ự": "ù", "ạ": "¹", "ú": "ó", "ă": "¨", "â": "©", "ê": "ª", "ô": "«", "ơ": "¬",
               "ư": "­", "đ": "®"}
TCVN3_FILL = "¸µ¶·¹¨¾»¼½Æ©ÇÊË®¬§ª¤¥¦ßÜÖ×ÐÞ"


def tcvn3_mojibake(text):
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 128:
            out.append(ch)
        else:
            out.append(TCVN3_KNOWN.get(ch, TCVN3_FILL[ord(ch) % len(TCVN3_FILL)]))
    return "".join(out)


def scan_with_layer(page_png, lines, path):
    """A scanned page with an invisible text layer in a legacy encoding: the layer is garbage,
    the image is right, so kho must OCR it."""
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    c.drawImage(page_png, 0, 0, width=A4[0], height=A4[1])
    t = c.beginText(57, A4[1] - 60)
    t.setTextRenderMode(3)
    t.setFont("Helvetica", 11)
    for line in lines:
        t.textLine(tcvn3_mojibake(line))
    c.drawText(t)
    c.showPage()
    c.save()


def build_extraction_corpus():
    if os.path.isdir(EXTRACTION):
        shutil.rmtree(EXTRACTION)
    os.makedirs(EXTRACTION)
    index = []

    def add(name, doc, kind, producer, variant):
        index.append({"file": name, "truth": stem_of(doc) + ".txt", "kind": kind,
                      "producer": producer, "variant": variant, "pages": len(doc["pages"])})

    scans = {stem_of(d): [render_page_image(p) for p in d["pages"]] for d in DOCUMENTS}
    for n, doc in enumerate(DOCUMENTS):
        stem = stem_of(doc)
        # Born-digital PDFs from four producers.
        fpdf_path = os.path.join(EXTRACTION, f"{stem}.fpdf2.pdf")
        render_pdf(doc, fpdf_path)
        add(os.path.basename(fpdf_path), doc, "text_pdf", "fpdf2", "clean")
        name = f"{stem}.reportlab.pdf"
        reportlab_pdf(doc, os.path.join(EXTRACTION, name))
        add(name, doc, "text_pdf", "reportlab", "clean")
        name = f"{stem}.libreoffice.pdf"
        libreoffice_pdf(doc, os.path.join(EXTRACTION, name))
        add(name, doc, "text_pdf", "libreoffice", "clean")
        if n == 0:
            # The same through Writer's default font, which lacks Vietnamese glyphs: LibreOffice
            # then composes letters from pieces, a hard case for text-layer extraction.
            name = f"{stem}.libreoffice-fallback-font.pdf"
            libreoffice_pdf(doc, os.path.join(EXTRACTION, name), font="")
            add(name, doc, "text_pdf", "libreoffice", "fallback-font")
        name = f"{stem}.ghostscript.pdf"
        ghostscript_pdf(fpdf_path, os.path.join(EXTRACTION, name))
        add(name, doc, "text_pdf", "ghostscript", "clean")
        name = f"{stem}.cairo.pdf"
        cairo_pdf(doc, os.path.join(EXTRACTION, name))
        add(name, doc, "text_pdf", "cairo", "clean")

    plan = [
        # (document index, output kind, variant, extra)
        # PNG and JPEG hold one page: single-page documents only.
        (0, "png", "clean", {}), (6, "png", "noise", {}), (2, "png", "skew", {}),
        (7, "png", "rot90", {}), (5, "png", "lowcontrast", {}),
        (5, "jpg", "clean", {}), (6, "jpg", "jpeg30", {"quality": 30}), (7, "jpg", "blur", {}),
        (0, "jpg", "rot180", {}), (2, "jpg", "rot270", {}),
        (3, "tif", "clean", {}), (1, "tif", "group4", {"compression": "group4"}),
        (4, "tif", "lzw", {"compression": "tiff_lzw"}),
    ]
    for i, (n, ext, variant, extra) in enumerate(plan):
        doc = DOCUMENTS[n]
        pages = [degrade(p.copy(), variant, seed=i) for p in scans[stem_of(doc)]]
        name = f"{stem_of(doc)}.{variant}.{ext}"
        save_image(pages, os.path.join(EXTRACTION, name), **extra)
        add(name, doc, {"png": "png", "jpg": "jpeg", "tif": "tiff"}[ext], "pillow", variant)

    # Image-only scanned PDFs, one per way of storing the page image.
    def jpegs_of(doc, quality=80):
        out = []
        for p in scans[stem_of(doc)]:
            buf = io.BytesIO()
            p.save(buf, "JPEG", quality=quality, dpi=(DPI, DPI))
            out.append((buf.getvalue(), p.size))
        return out

    layout = img2pdf.get_layout_fun((img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297)))
    doc = DOCUMENTS[4]
    name = f"{stem_of(doc)}.scan-dct.pdf"
    with open(os.path.join(EXTRACTION, name), "wb") as f:
        f.write(img2pdf.convert([j for j, _ in jpegs_of(doc)], layout_fun=layout))
    add(name, doc, "scan_pdf", "img2pdf", "dct")

    doc = DOCUMENTS[5]
    name = f"{stem_of(doc)}.scan-flate.pdf"
    pngs = []
    for p in scans[stem_of(doc)]:
        buf = io.BytesIO()
        p.save(buf, "PNG", dpi=(DPI, DPI))
        pngs.append(buf.getvalue())
    with open(os.path.join(EXTRACTION, name), "wb") as f:
        f.write(img2pdf.convert(pngs, layout_fun=layout))
    add(name, doc, "scan_pdf", "img2pdf", "flate")

    doc = DOCUMENTS[1]
    name = f"{stem_of(doc)}.scan-flate-dct.pdf"
    flate_dct_pdf(jpegs_of(doc), os.path.join(EXTRACTION, name))
    add(name, doc, "scan_pdf", "kho-script", "flate+dct")

    doc = DOCUMENTS[7]
    name = f"{stem_of(doc)}.scan-ccitt.pdf"
    tif = os.path.join(EXTRACTION, "g4.tmp.tif")
    save_image(scans[stem_of(doc)], tif, compression="group4")
    with open(os.path.join(EXTRACTION, name), "wb") as f:
        f.write(img2pdf.convert(tif, layout_fun=layout))
    os.remove(tif)
    add(name, doc, "scan_pdf", "img2pdf", "ccitt-g4")

    # An OCRed PDF as ocrmypdf writes it: the scan plus an invisible text layer.
    doc = DOCUMENTS[3]
    src = os.path.join(EXTRACTION, "ocrmypdf-input.tmp.pdf")
    with open(src, "wb") as f:
        f.write(img2pdf.convert([j for j, _ in jpegs_of(doc)], layout_fun=layout))
    name = f"{stem_of(doc)}.ocrmypdf.pdf"
    subprocess.run(["ocrmypdf", "-q", "-l", "vie", "--output-type", "pdf", src,
                    os.path.join(EXTRACTION, name)], check=True)
    os.remove(src)
    add(name, doc, "ocr_pdf", "ocrmypdf", "text-layer")

    # Text in NFD (decomposed marks) in the text layer.
    for n in (0, 6):
        doc = DOCUMENTS[n]
        name = f"{stem_of(doc)}.nfd.pdf"
        reportlab_pdf(doc, os.path.join(EXTRACTION, name), nfd=True)
        add(name, doc, "text_pdf", "reportlab", "nfd")

    # A scan under a TCVN3 mojibake text layer.
    doc = DOCUMENTS[2]
    png = os.path.join(EXTRACTION, "layer.tmp.png")
    scans[stem_of(doc)][0].save(png)
    name = f"{stem_of(doc)}.tcvn3-layer.pdf"
    scan_with_layer(png, doc["pages"][0], os.path.join(EXTRACTION, name))
    os.remove(png)
    add(name, doc, "scan_pdf", "reportlab", "tcvn3-layer")

    with open(os.path.join(EXTRACTION, "index.csv"), "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["file", "truth", "kind", "producer", "variant", "pages"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(index)
    return len(index)


HOSTILE = os.path.join(ROOT, "hostile")


def grey_png(width, height, level=255):
    """A minimal 8-bit greyscale PNG of one colour, chunks and CRCs written by hand."""
    def chunk(kind, data):
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    rows = b"".join(b"\x00" + bytes([level]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b""))


def build_hostile_corpus():
    """Files kho must refuse (or accept) with a clear reason and without harm. Each is listed in
    hostile/index.csv with what kho must do."""
    if os.path.isdir(HOSTILE):
        shutil.rmtree(HOSTILE)
    os.makedirs(HOSTILE)
    rows = []
    base = os.path.join(EXTRACTION, "giay-khai-sinh-nguyen-van-duc.fpdf2.pdf")
    data = open(base, "rb").read()

    def put(name, content, expect, reason):
        with open(os.path.join(HOSTILE, name), "wb") as f:
            f.write(content)
        rows.append({"file": name, "expect": expect, "reason": reason})

    enc = os.path.join(HOSTILE, "password-protected.pdf")
    subprocess.run(["qpdf", "--encrypt", "mat-khau", "chu-so-huu", "256", "--", base, enc], check=True)
    rows.append({"file": "password-protected.pdf", "expect": "rejected", "reason": "password"})
    owner = os.path.join(HOSTILE, "owner-password-only.pdf")
    subprocess.run(["qpdf", "--encrypt", "", "chu-so-huu", "256", "--print=none", "--",
                    base, owner], check=True)
    rows.append({"file": "owner-password-only.pdf", "expect": "stored", "reason": "readable"})
    # A content stream that inflates to 300 MiB of zeros from a few hundred KiB.
    bomb = zlib.compress(b"\0" * (300 * 1024 * 1024), 9)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"]
    out = write_pdf(objs)
    put("decompression-bomb.pdf", out, "rejected", "limit")
    # lopdf recovers its structure; kho keeps it and warns that no page could be read.
    put("truncated.pdf", data[: len(data) // 3], "stored-or-rejected", "")
    put("header-then-garbage.pdf", b"%PDF-1.7\n" + bytes(random.Random(7).randrange(256) for _ in range(4000)),
        "rejected", "damaged PDF")
    put("empty.pdf", b"", "rejected", "empty")
    put("text-named.pdf", "Giấy khai sinh\nHọ và tên: Nguyễn Văn Đức\n".encode(), "rejected", "plain text")
    put("office-document.pdf", b"PK\x03\x04\x14\x00\x06\x00" + b"word/document.xml" + b"\0" * 64,
        "rejected", "ZIP")
    ihdr = b"IHDR" + (60000).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    png = b"\x89PNG\r\n\x1a\n" + (13).to_bytes(4, "big") + ihdr + zlib.crc32(ihdr).to_bytes(4, "big")
    put("claims-60000x60000.png", png, "rejected", "60000x60000")
    jpg = open(os.path.join(EXTRACTION, "giay-xac-nhan-tinh-trang-hon-nhan-pham-thi-hoa.clean.jpg"), "rb").read()
    put("truncated.jpg", jpg[:2000], "stored-or-rejected", "")
    tif = open(os.path.join(EXTRACTION, "giay-chung-nhan-dang-ky-doanh-nghiep-hoa-binh.clean.tif"), "rb").read()
    put("truncated.tif", tif[:5000], "stored-or-rejected", "")
    # Review F11-F13: images that cannot be the scan of a paper, and a damaged one. The damaged
    # one is large enough to be a page (40x30), so what kho must name is the damage itself.
    put("one-pixel.png", grey_png(1, 1), "rejected", "1x1 pixels: not the scan of a paper")
    put("zero.png", grey_png(0, 0), "rejected", "0x0 pixels: not the scan of a paper")
    bad = bytearray(grey_png(40, 30))
    bad[29] ^= 0xFF  # the IHDR chunk's CRC
    put("bad-crc.png", bytes(bad), "rejected", "fails its checksum")
    with open(os.path.join(HOSTILE, "index.csv"), "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["file", "expect", "reason"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main():
    os.makedirs(os.path.join(ROOT, "truth"), exist_ok=True)
    rows = []
    for doc in DOCUMENTS:
        truth = "\f".join("\n".join(nfc(l) for l in page) for page in doc["pages"])
        with open(os.path.join(ROOT, "truth", stem_of(doc) + ".txt"), "w", encoding="utf-8") as f:
            f.write(truth + "\n")
        if doc in SAMPLES:
            path = os.path.join(ROOT, doc["file"])
            if path.endswith(".pdf"):
                render_pdf(doc, path)
            else:
                render_images(doc, path)
            rows.append({c: nfc(doc.get(c, "")) for c in MANIFEST_COLUMNS})
    with open(os.path.join(ROOT, "manifest.csv"), "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    n = build_extraction_corpus()
    h = build_hostile_corpus()
    print(f"wrote {len(rows)} sample dossiers, {n} extraction files and {h} hostile files "
          f"under {os.path.normpath(ROOT)}")


if __name__ == "__main__":
    main()
