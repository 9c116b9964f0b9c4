#!/usr/bin/env python3
"""Builds kho's sample corpus from text written here: each document rendered as a born-digital
PDF or as a 300 dpi page scan (PNG, JPEG, multi-page TIFF), with its ground truth text
(corpus/truth/NAME.txt, pages separated by form feeds) and corpus/manifest.csv.

The outputs are committed; run this only to change them:
    pip install fpdf2 pillow && python3 scripts/make-corpus.py
Needs the DejaVu fonts (Debian: fonts-dejavu-core). Output is deterministic.
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


def main():
    os.makedirs(os.path.join(ROOT, "truth"), exist_ok=True)
    rows = []
    for doc in DOCUMENTS:
        path = os.path.join(ROOT, doc["file"])
        if path.endswith(".pdf"):
            render_pdf(doc, path)
        else:
            render_images(doc, path)
        truth = "\f".join("\n".join(nfc(l) for l in page) for page in doc["pages"])
        stem = os.path.splitext(doc["file"])[0]
        with open(os.path.join(ROOT, "truth", stem + ".txt"), "w", encoding="utf-8") as f:
            f.write(truth + "\n")
        rows.append({c: nfc(doc.get(c, "")) for c in MANIFEST_COLUMNS})
    with open(os.path.join(ROOT, "manifest.csv"), "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} documents to {os.path.normpath(ROOT)}")


if __name__ == "__main__":
    main()
