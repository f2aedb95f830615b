"""A fixture corpus of real-world raw files, written by the tests themselves.

``build_corpus(raw_dir)`` writes every shape and mess the ingestion issue lists
into ``raw_dir``: commune reports (.xlsx, .xls via xlwt, .ods via pandas/odf),
district matrices, tidy CSVs in four encodings and three separators, legacy
font text, Excel errors, hidden and empty sheets, and broken files. It uses a
small criteria set (:func:`tiny_catalog`) and a Đầm Hà registry
(:func:`damha_registry`) so that the tests do not depend on the shipped data.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd

from ntm_analysis.catalog import Catalog, criteria_set_from_data
from ntm_analysis.legacy_fonts import encode_legacy
from ntm_analysis.registry import Registry

CRITERIA_NAMES = (
    "Quy hoạch",
    "Giao thông",
    "Thủy lợi và phòng, chống thiên tai",
    "Điện",
    "Trường học",
    "Cơ sở vật chất văn hóa",
    "Cơ sở hạ tầng thương mại nông thôn",
    "Thông tin và Truyền thông",
    "Nhà ở dân cư",
    "Thu nhập",
    "Nghèo đa chiều",
    "Lao động",
    "Tổ chức sản xuất và phát triển kinh tế nông thôn",
    "Giáo dục và Đào tạo",
    "Y tế",
    "Văn hóa",
    "Môi trường và an toàn thực phẩm",
    "Hệ thống chính trị và tiếp cận pháp luật",
    "Quốc phòng và An ninh",
)


def _indicators(n: int) -> list[tuple[str, str]]:
    if n == 1:
        return [("1.1", "yes_no"), ("1.2", "yes_no")]
    if n == 2:
        return [("2.1", "percent"), ("2.2", "percent")]
    if n == 15:
        return [("15.1", "percent"), ("15.2", "percent")]
    if n == 17:
        return [(f"17.{k}", "percent" if k % 2 else "yes_no") for k in range(1, 11)]
    if n == 10:
        return [("10", "money_per_capita")]
    if n in (5, 11):
        return [(str(n), "percent")]
    return [(str(n), "yes_no")]


TINY_SET = {
    "id": "test_2021",
    "level": "commune",
    "name_vi": "Bộ tiêu chí thử",
    "name_en": "Test set",
    "decision": "QĐ thử",
    "first_year": 2021,
    "last_year": 2025,
    "source": "test",
    "criteria": [
        {
            "number": str(i + 1),
            "name_vi": name,
            "source": "test",
            "indicators": [
                {"code": code, "text_vi": f"Chỉ tiêu {code}", "kind": kind, "source": "test"}
                for code, kind in _indicators(i + 1)
            ],
        }
        for i, name in enumerate(CRITERIA_NAMES)
    ],
}


def tiny_catalog() -> Catalog:
    """19 criteria (2021–2025); 1, 2, 15, 17 have several indicators, the rest one."""
    return Catalog(sets=(criteria_set_from_data(TINY_SET),))


DAMHA_UNITS = (
    ("06895", "Thị trấn Đầm Hà", "thị trấn", None, "2025-06-30"),
    ("06916", "Xã Đầm Hà", "xã", None, "2025-06-30"),
    ("06904", "Xã Tân Bình", "xã", None, "2025-06-30"),
    ("06917", "Xã Tân Lập", "xã", None, "2025-06-30"),
    ("06919", "Xã Đại Bình", "xã", None, "2025-06-30"),
    ("06898", "Xã Quảng Lâm", "xã", None, "2025-06-30"),
    ("06901", "Xã Quảng An", "xã", None, "2025-06-30"),
    ("06910", "Xã Dực Yên", "xã", None, "2025-06-30"),
    ("06913", "Xã Quảng Tân", "xã", None, "2025-06-30"),
    (None, "Xã Quảng Lợi", "xã", None, "2019-12-31"),
)


def damha_registry() -> Registry:
    """Đầm Hà's units 2021–2024 plus Quảng Lợi (merged away on 2020-01-01)."""
    frame = pd.DataFrame(
        [
            {
                "code": code,
                "name": name,
                "unit_type": kind,
                "district": "Huyện Đầm Hà",
                "province": "Tỉnh Quảng Ninh",
                "threshold_region": None,
                "valid_from": start,
                "valid_to": end,
                "note": None,
            }
            for code, name, kind, start, end in DAMHA_UNITS
        ]
    )
    return Registry(frame)


# --------------------------------------------------------------------------- writers


def _write_grid(ws, grid, *, top: int = 1, left: int = 1) -> None:
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if v is not None and v != "":
                ws.cell(top + r, left + c, v)


TITLE_QT = [
    ["UBND XÃ QUẢNG TÂN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    ["BÁO CÁO KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ QUỐC GIA VỀ XÃ NÔNG THÔN MỚI NĂM 2023"],
    ["(Xã Quảng Tân, huyện Đầm Hà, tỉnh Quảng Ninh)"],
]

HEADER_A = ["TT", "Tên tiêu chí", "Nội dung tiêu chí", "Chỉ tiêu chung", "Kết quả thực hiện",
            "Tự đánh giá", "Ghi chú"]  # fmt: skip

#: The commune report of Quảng Tân 2023: rows after the header (TT, name, content, target,
#: value, appraisal, note). Expected outcome per row in the comment.
BODY_QT = [
    [1, 2, 3, 4, 5, 6, 7],  # header (numbering)
    ["I", "QUY HOẠCH"],  # section
    [1, "Quy hoạch", None, None, None, "Đạt"],  # record: criterion 1 met
    [1.1, None, "Có quy hoạch chung xây dựng xã", "Đạt", "Có", "Đạt"],  # 1.1 = 1.0
    ["1.2", None, "Ban hành quy định quản lý", "Đạt", "Đạt", "Đạt"],  # 1.2 = 1.0
    [2, "Giao thông", None, None, None, "Chưa đạt"],  # criterion 2 not met
    [None, None, "2.1. Tỷ lệ đường xã được nhựa hóa", "100%", 0.955, "Chưa đạt"],  # 95.5
    [2.2, None, "Tỷ lệ đường thôn", "≥ 95%", "#DIV/0!", "Đạt"],  # reject excel_error F..
    [None, None, "- Đường trục thôn", None, "80%"],  # reject unrecognised_row
    [5, "Trường học", None, "100%", "95,5%", "Chưa đạt"],  # criterion 5 + indicator 5 = 95.5
    [10, "Thu nhập", None, "≥ 45 triệu", "45,3 triệu đồng/người/năm", "Đạt"],  # 10 = 45.3
    [15, "Y tế", None, None, None, None],  # blank_criterion
    ["15.1", None, "Tỷ lệ tham gia BHYT", "≥ 95%", "N/A", "Chưa đạt"],  # missing value (NA)
    ["15.2", None, "Tỷ lệ dân có sổ sức khỏe", "≥ 90%", "  88 ", "Chưa đạt"],  # 88 as text
    ["17.12", None, "Chỉ tiêu không có", None, "5", None],  # reject unknown_indicator
    [11, "Nghèo đa chiều", None, "≤ 2%", "1.234,5", "Chưa đạt"],  # 1234.5 (silly but parsed)
    [None],
    ["Tổng số tiêu chí đạt: 3/19"],  # total
    ["Ghi chú: số liệu đến ngày 30/11/2023"],  # note
    [None, "NGƯỜI LẬP BIỂU", None, None, "TM. ỦY BAN NHÂN DÂN"],  # signature
    [None, None, None, None, "CHỦ TỊCH"],  # signature
]


def write_quang_tan_2023(raw: Path) -> Path:
    """xlsx: leading empty rows and column, a hidden duplicate sheet, an empty sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "BC 2023"
    _write_grid(ws, TITLE_QT + [[]] + [HEADER_A] + BODY_QT, top=3, left=2)
    hidden = wb.create_sheet("Copy")
    _write_grid(hidden, TITLE_QT + [HEADER_A] + BODY_QT[2:5])
    hidden.sheet_state = "hidden"
    wb.create_sheet("Trống")
    path = raw / "2023" / "quang_tan_2023.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_dam_ha_multi_year(raw: Path) -> Path:
    """xlsm name, one sheet per year, two-row merged header, other wording and column order."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for year, q_value in ((2022, 0.9), (2023, "97 %")):
        ws = wb.create_sheet(str(year))
        title_year = 2021 if year == 2022 else year  # 2022 sheet: title says 2021 (conflict)
        grid = [
            ["ỦY BAN NHÂN DÂN XÃ ĐẦM HÀ"],
            [f"BÁO CÁO TỰ ĐÁNH GIÁ KẾT QUẢ XÂY DỰNG NÔNG THÔN MỚI NĂM {title_year}"],
            [],
            ["Số TT", "Nội dung", "Chỉ tiêu theo quy định", "Kết quả", None, "Đơn vị chủ trì"],
            [None, None, None, "Hiện trạng", "Đánh giá của xã", None],
            [2, "Giao thông", None, None, "Đạt", "Phòng KT-HT"],
            ["2.1", "Tỷ lệ đường xã", "100%", q_value, "Đạt"],
            ["2.2", "Tỷ lệ đường thôn", "≥ 95%", "96", "Đạt"],
            [],
            ["Đầm Hà, ngày 10 tháng 12 năm 2023"],
        ]
        _write_grid(ws, grid)
        ws.merge_cells(start_row=4, start_column=4, end_row=4, end_column=5)
        ws.merge_cells(start_row=4, start_column=1, end_row=5, end_column=1)
    path = raw / "xa_dam_ha_bao_cao.xlsm"
    wb.save(path)
    return path


def write_tan_binh_xls(raw: Path) -> Path:
    """Excel 97-2003 (.xls via xlwt), text typed in the TCVN3 legacy font encoding."""
    import xlwt

    def t(text):
        return encode_legacy(text, "tcvn3")

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Tan Binh")
    grid = [
        [t("UBND xã Tân Bình")],  # toned capitals need the .VnTimeH font: mixed case
        [t("Báo cáo kết quả thực hiện tiêu chí nông thôn mới năm 2022")],
        [t("TT"), t("Tên tiêu chí"), t("Kết quả"), t("Tự đánh giá")],
        [1, t("Quy hoạch"), None, t("Đạt")],
        ["1.1", t("Có quy hoạch"), t("Có"), t("Đạt")],
        ["1.2", t("Ban hành quy định"), t("Chưa có"), t("Chưa đạt")],
        [4, t("Điện"), t("Đạt"), t("Đạt")],
    ]
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if v is not None:
                sheet.write(r, c, v)
    path = raw / "tan_binh_2022.xls"
    book.save(str(path))
    return path


def write_dai_binh_ods(raw: Path) -> Path:
    """LibreOffice .ods (pandas + odfpy), VNI-Windows legacy text."""

    def v(text):
        return encode_legacy(text, "vni")

    grid = [
        [v("UBND XÃ ĐẠI BÌNH"), None, None, None],
        [v("BÁO CÁO NĂM 2023"), None, None, None],
        ["STT", v("Tiêu chí"), v("Hiện trạng"), v("Tự đánh giá")],
        [4, v("Điện"), v("Đạt"), v("Đạt")],
        [5, v("Trường học"), 100, v("Đạt")],
        [11, v("Nghèo đa chiều"), "1,5%", v("Đạt")],
    ]
    path = raw / "dai_binh_2023.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame(grid).to_excel(writer, sheet_name="2023", header=False, index=False)
    return path


MATRIX_MARKS = {
    # commune as written -> 19 marks, stated total
    "Xã Quảng Tân": (["x"] * 4 + [""] + ["x"] * 14, 18),  # crit 5 empty -> not met (agrees)
    "Dực Yên": (["Đạt"] * 19, 19),
    "QUẢNG LÂM": ([" X "] * 17 + ["CĐ", "x"], 18),
    "Quang An": (["1"] * 16 + ["CBĐ", "0", "✓"], 17),  # stated 17, marks 17? (16 + ✓ = 17)
    "Tân Lập": (["x"] * 18 + ["-"], 17),  # marks 18 but stated 17 -> finding
    "Xã Đại Bình": (["x"] * 18 + ["??"], 18),  # bad mark in criterion 19
    "Đầm Hà": (["x"] * 19, 19),  # ambiguous: reject
    "Xã Quảng Lợi": (["x"] * 19, 19),  # not valid in 2023: reject
}


def write_matrix_2023(raw: Path) -> Path:
    """District matrix: merged 'Tiêu chí' over 1..19, total column, totals and note rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tong hop"
    grid = [
        ["BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN TIÊU CHÍ NÔNG THÔN MỚI NĂM 2023"],
        ["(Huyện Đầm Hà, tỉnh Quảng Ninh)"],
        ["TT", "Tên xã", "Tiêu chí"] + [None] * 18 + ["Tổng số tiêu chí đạt"],
        [None, None] + list(range(1, 20)) + [None],
    ]
    for k, (name, (marks, total)) in enumerate(MATRIX_MARKS.items(), start=1):
        grid.append([k, name, *marks, total])
    grid.append(["", "Tổng cộng"] + [None] * 19 + [150])
    grid.append(["Ghi chú: x = đạt; CBĐ = cơ bản đạt"])
    _write_grid(ws, grid)
    ws.merge_cells(start_row=3, start_column=3, end_row=3, end_column=21)
    path = raw / "ma_tran_2023.xlsx"
    wb.save(path)
    return path


def write_matrix_tc_2022(raw: Path) -> Path:
    """District matrix with TC1..TC19 headers and a conflicting mark for Quảng Tân 2022."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Năm 2022"
    grid = [
        ["Đơn vị", *[f"TC{n}" for n in range(1, 20)]],
        ["Quảng Tân", *(["x"] * 19)],
        ["Tân Bình", *(["x"] * 19)],
    ]
    _write_grid(ws, grid)
    path = raw / "ma_tran_tc.xlsx"
    wb.save(path)
    return path


def write_tan_binh_2022_report(raw: Path) -> Path:
    """A commune report disagreeing with the 2022 matrix (criterion 4 not met)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2022"
    grid = [
        ["UBND XÃ TÂN BÌNH"],
        ["BÁO CÁO NĂM 2022"],
        ["TT", "Tên tiêu chí", "Kết quả", "Tự đánh giá"],
        [4, "Điện", "Chưa đạt", "Chưa đạt"],
    ]
    _write_grid(ws, grid)
    path = raw / "tan_binh_2022_dien.xlsx"
    wb.save(path)
    return path


TIDY_ROWS = [
    # year, commune, indicator, value, self_assessed
    ("2024", "Quảng Lâm", "2.1", "92,5", "Chưa đạt"),
    ("2024", "Quảng Lâm", "17.1", "100%", "Đạt"),
    ("2024", "Quảng Lâm", "17", "", "Đạt"),
    ("2024", "Quảng Lâm", "99.9", "1", ""),  # unknown indicator
    ("2024", "Hòa Bình", "2.1", "90", ""),  # unknown commune
    ("2024", "Quảng Lâm", "2.2", "#REF!", ""),  # excel error
]


def _cp1258_bytes(text: str) -> bytes:
    """Windows-1258 as Vietnamese Excel writes it: tone marks as combining characters."""
    out = bytearray()
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(p for p in parts if p in tones)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def write_tidy_csvs(raw: Path) -> list[Path]:
    """The same tidy table as UTF-8 (,), UTF-8-BOM (;), cp1258 (tab) and UTF-16 (;)."""
    header = ["year", "commune", "indicator", "value", "self_assessed"]
    out = []
    variants = (
        ("tidy_utf8.csv", ",", "utf-8", 2024),
        ("tidy_bom.csv", ";", "utf-8-sig", 2023),
        ("tidy_cp1258.csv", "\t", "cp1258", 2022),
        ("tidy_utf16.csv", ";", "utf-16", 2021),
    )
    folder = raw / "tidy"
    folder.mkdir(parents=True, exist_ok=True)
    for name, sep, enc, year in variants:
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
        writer.writerow(header)
        for row in TIDY_ROWS:
            writer.writerow([str(year), *row[1:]])
        text = buf.getvalue()
        data = _cp1258_bytes(text) if enc == "cp1258" else text.encode(enc)
        path = folder / name
        path.write_bytes(data)
        out.append(path)
    return out


def write_missing_context(raw: Path) -> list[Path]:
    """Reports whose commune cannot be decided: bare 'Đầm Hà' and merged-away Quảng Lợi."""
    paths = []
    for name, title in (
        ("dam_ha_2024.xlsx", "BÁO CÁO KẾT QUẢ NĂM 2024"),
        ("bao_cao_2023.xlsx", "UBND XÃ QUẢNG LỢI - BÁO CÁO NĂM 2023"),
        ("khong_nam.xlsx", "UBND XÃ DỰC YÊN"),
    ):
        wb = openpyxl.Workbook()
        ws = wb.active
        _write_grid(
            ws,
            [[title], ["TT", "Tên tiêu chí", "Kết quả", "Tự đánh giá"], [4, "Điện", "Đạt", "Đạt"]],
        )
        path = raw / name
        wb.save(path)
        paths.append(path)
    return paths


def write_instructions_sheet(raw: Path) -> Path:
    """A workbook whose only sheet is prose: every row is rejected (no header)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Hướng dẫn"
    _write_grid(ws, [["Hướng dẫn điền biểu"], ["Điền số liệu vào các ô trống"]])
    path = raw / "huong_dan.xlsx"
    wb.save(path)
    return path


#: Broken or ignored files: relative path -> expected status, reason.
BROKEN = {
    "empty.xlsx": ("unreadable", "empty_file"),
    "truncated.xlsx": ("unreadable", "corrupt"),
    "notes_not_excel.xlsx": ("unreadable", "not_a_spreadsheet"),
    "protected.xlsx": ("unreadable", "password_protected"),
    "huge.xlsx": ("unreadable", "too_large"),
    "binary.csv": ("unreadable", "not_a_spreadsheet"),
    "~$quang_tan_2023.xlsx": ("skipped", "lock_file"),
    ".DS_Store": ("skipped", "hidden_file"),
    "Thumbs.db": ("skipped", "hidden_file"),
    "bien_ban.pdf": ("unreadable", "pdf_document"),
}

#: Size limit the tests set (config.MAX_INPUT_BYTES) so that huge.xlsx is over it.
TEST_SIZE_LIMIT = 200_000


def _cfb_encrypted() -> bytes:
    """A stand-in for an encrypted OOXML package: a CFB container naming EncryptedPackage."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
    header += b"\x00" * (512 - len(header))
    directory = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 40
    directory += "EncryptedPackage".encode("utf-16-le") + b"\x00" * 40
    return header + directory + b"\x00" * 1024


def write_broken(raw: Path, good: Path) -> None:
    (raw / "empty.xlsx").write_bytes(b"")
    (raw / "truncated.xlsx").write_bytes(good.read_bytes()[:700])
    (raw / "notes_not_excel.xlsx").write_text("Biên bản họp ngày 12/3\n", encoding="utf-8")
    (raw / "protected.xlsx").write_bytes(_cfb_encrypted())
    (raw / "huge.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * (TEST_SIZE_LIMIT + 10))
    (raw / "binary.csv").write_bytes(bytes(range(256)) * 8)
    (raw / "~$quang_tan_2023.xlsx").write_bytes(b"\x00lock")
    (raw / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (raw / "Thumbs.db").write_bytes(b"\x00")
    (raw / "bien_ban.pdf").write_bytes(b"%PDF-1.4\n")


def build_corpus(raw: Path) -> Path:
    """Write the whole corpus into ``raw`` (created) and return it."""
    raw = Path(raw)
    raw.mkdir(parents=True, exist_ok=True)
    good = write_quang_tan_2023(raw)
    write_dam_ha_multi_year(raw)
    write_tan_binh_xls(raw)
    write_dai_binh_ods(raw)
    write_matrix_2023(raw)
    write_matrix_tc_2022(raw)
    write_tan_binh_2022_report(raw)
    write_tidy_csvs(raw)
    write_missing_context(raw)
    write_instructions_sheet(raw)
    write_broken(raw, good)
    return raw
