"""The synthetic sample's sheets, laid out the way offices type them, and their files.

A commune report (criterion rows, then their indicator rows, in four header
variants), the district matrix, the same sheet re-typed in a legacy font, and
the bytes of .xlsx, .xls and .ods workbooks holding them. The bytes are fixed
(workbook properties and zip dates do not follow the clock), so the same sample
is the same files. :mod:`ntm_analysis.sample` decides what the sheets say.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from . import schema as s
from .catalog import CriteriaSet
from .legacy_fonts import encode_legacy

#: Title row at the top of every sheet (kept above the header, read as a title row).
SYNTHETIC_LABEL = "DỮ LIỆU MẪU TỔNG HỢP (SYNTHETIC) — không phải số liệu thật"

#: Fixed workbook properties, so the bytes do not depend on the clock.
WORKBOOK_CREATOR = "ntm-analysis (dữ liệu mẫu tổng hợp / synthetic sample)"
WORKBOOK_TIMESTAMP = datetime(2024, 1, 15, 8, 0, 0)
_ZIP_DATE_TIME = (2024, 1, 15, 8, 0, 0)

_APPRAISAL_WORD = {s.MET: "Đạt", s.BASICALLY_MET: "Cơ bản đạt", s.NOT_MET: "Chưa đạt"}


def _bare(name: str) -> str:
    """Commune name without its unit prefix: "Xã Quảng Tân" -> "Quảng Tân"."""
    return re.sub(r"^(xã|thị trấn|phường)\s+", "", name, flags=re.IGNORECASE)


def _strip_diacritics(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))


# ----------------------------------------------------------------------------- sheets


@dataclass
class Sheet:
    """A sheet before it is written: rows of cell values plus their presentation."""

    name: str
    rows: list[list[object]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    bold_rows: set[int] = field(default_factory=set)
    widths: list[float] = field(default_factory=list)
    hidden: bool = False

    def add(self, cells: Sequence[object], *, width: int, bold: bool = False) -> int:
        row = list(cells) + [None] * (width - len(cells))
        self.rows.append(row)
        if bold:
            self.bold_rows.add(len(self.rows) - 1)
        return len(self.rows) - 1

    def merge_row(self, r: int, c1: int, c2: int) -> None:
        if c2 > c1:
            self.merges.append((r, c1, r, c2))


def cell_address(row: int, col: int) -> str:
    """Spreadsheet address of a 0-based cell: (0, 0) -> "A1".

    >>> cell_address(11, 4)
    'E12'
    """
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


#: Header variants: (role, label) in column order. Roles: tt, name, content, text
#: (name or "code. content" in one column), target, value, appraisal, note, other.
_VARIANTS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "v1": (
        ("tt", "TT"),
        ("name", "Tên tiêu chí"),
        ("content", "Nội dung tiêu chí"),
        ("target", "Chỉ tiêu"),
        ("value", "Kết quả thực hiện"),
        ("appraisal", "Tự đánh giá"),
        ("note", "Ghi chú"),
    ),
    "v2": (
        ("tt", "STT"),
        ("text", "Nội dung"),
        ("target", "Chỉ tiêu theo quy định"),
        ("value", "Kết quả"),
        ("appraisal", "Đánh giá của xã"),
        ("note", "Ghi chú"),
    ),
    "v3": (
        ("tt", "Số TT"),
        ("name", "Tiêu chí"),
        ("content", "Nội dung tiêu chí"),
        ("value", "Hiện trạng"),
        ("target", "Chỉ tiêu chung"),
        ("appraisal", "Kết quả đánh giá"),
        ("other", "Đơn vị chủ trì"),
        ("note", "Ghi chú"),
    ),
    "v4": (
        ("tt", "TT"),
        ("name", "Tên tiêu chí"),
        ("content", "Nội dung tiêu chí"),
        ("target", "Yêu cầu"),
        ("value", "Kết quả thực hiện"),
        ("appraisal", "Tự đánh giá"),
        ("note", "Ghi chú"),
    ),
}

_TITLES = {
    "v1": (
        "UBND XÃ {BARE}",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ QUỐC GIA VỀ XÃ NÔNG THÔN MỚI NĂM {year}",
    ),
    "v2": (
        "UBND XÃ {BARE}",
        "BÁO CÁO TỰ ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM {year}",
    ),
    "v3": (
        "ỦY BAN NHÂN DÂN XÃ {BARE}",
        "KẾT QUẢ RÀ SOÁT MỨC ĐỘ ĐẠT CÁC TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM {year}",
    ),
    "v4": ("UBND XÃ {BARE}", "BÁO CÁO KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM {year}"),
}
_SUBTITLE = "({name}, huyện Đầm Hà, tỉnh Quảng Ninh)"
_REPORT_NOTE = (
    "Ghi chú: Số liệu trong biểu là dữ liệu mẫu tổng hợp (synthetic), không phải số liệu thật."
)
_COLUMN_WIDTHS = {
    "tt": 6,
    "name": 22,
    "content": 48,
    "text": 60,
    "target": 14,
    "value": 14,
    "appraisal": 13,
    "note": 14,
    "other": 16,
}


def commune_report_sheet(
    *,
    sheet_name: str,
    commune: str,
    year: int,
    variant: str,
    cset: CriteriaSet,
    ind_rows: pd.DataFrame,
    crit_rows: pd.DataFrame,
    mess_here: set[str],
) -> tuple[Sheet, dict[str, tuple[int, int, object]]]:
    """One commune report sheet (shape A) and where each mess item landed.

    Returns the sheet and ``{mess key: (row, col, raw value)}``.
    """
    columns = _VARIANTS[variant]
    roles = [r for r, _ in columns]
    width = len(columns)
    col = {r: i for i, r in enumerate(roles)}
    sheet = Sheet(name=sheet_name, widths=[_COLUMN_WIDTHS[r] for r in roles])
    where: dict[str, tuple[int, int, object]] = {}
    bare = _bare(commune)
    plain = "name_without_diacritics" in mess_here
    spaces = "stray_spaces" in mess_here

    def txt(text: str) -> str:
        return _strip_diacritics(text) if plain else text

    r = sheet.add([SYNTHETIC_LABEL], width=width, bold=True)
    sheet.merge_row(r, 0, width - 1)
    unit_title, report_title = _TITLES[variant]
    unit_line = unit_title.format(BARE=bare.upper())
    if spaces:
        unit_line = unit_line.replace(" ", "  ", 2) + " "
    r = sheet.add([txt(unit_line)], width=width, bold=True)
    sheet.merge_row(r, 0, 2)
    if spaces:
        where["stray_spaces"] = (r, 0, sheet.rows[r][0])
    if plain:
        where["name_without_diacritics"] = (r, 0, sheet.rows[r][0])
    r = sheet.add([txt(report_title.format(year=year))], width=width, bold=True)
    sheet.merge_row(r, 0, width - 1)
    r = sheet.add([txt(_SUBTITLE.format(name=commune))], width=width)
    sheet.merge_row(r, 0, width - 1)
    sheet.add([], width=width)
    if variant == "v4":
        top = [label for _, label in columns]
        top[col["value"]] = f"Kết quả năm {year}"
        top[col["appraisal"]] = None
        bottom: list[object] = [None] * width
        bottom[col["value"]] = columns[col["value"]][1]
        bottom[col["appraisal"]] = columns[col["appraisal"]][1]
        r1 = sheet.add(top, width=width, bold=True)
        r2 = sheet.add(bottom, width=width, bold=True)
        sheet.merges.append((r1, col["value"], r1, col["appraisal"]))
        for role in roles:
            if role not in ("value", "appraisal"):
                sheet.merges.append((r1, col[role], r2, col[role]))
    else:
        sheet.add([label for _, label in columns], width=width, bold=True)

    crit_appraisal = dict(zip(crit_rows["criterion"], crit_rows["self_assessed"], strict=True))
    by_code = {row["indicator"]: row for _, row in ind_rows.iterrows()}
    spaced = 0
    for crit in cset.criteria:
        indicators = [i for i in crit.indicators if i.code in by_code]
        single = len(crit.indicators) == 1 and crit.indicators[0].code == crit.number
        cells: list[object] = [None] * width
        cells[col["tt"]] = crit.number
        if "text" in col:
            cells[col["text"]] = crit.name_vi
        else:
            cells[col["name"]] = crit.name_vi
        appraisal = _APPRAISAL_WORD[crit_appraisal[crit.number]]
        cells[col["appraisal"]] = appraisal
        if not single:
            sheet.add(cells, width=width)
        for ind in indicators:
            row = by_code[ind.code]
            if not bool(row["in_report"]):
                where["omitted_indicator"] = (-1, -1, ind.code)
                continue
            if not single:
                cells = [None] * width
                if "text" in col:
                    cells[col["text"]] = f"{ind.code}. {ind.text_vi}"
                else:
                    cells[col["tt"]] = ind.code
                    cells[col["content"]] = ind.text_vi
            elif "content" in col:
                cells[col["content"]] = ind.text_vi
            cells[col["target"]] = row["target_text"] or None
            value, fmt = _value_cell(row)
            cells[col["value"]] = value
            word = _APPRAISAL_WORD[row["self_assessed"]]
            if spaces and row["self_assessed"] == s.MET and spaced < 3:
                word = f"  {word} "
                spaced += 1
            cells[col["appraisal"]] = word
            r = sheet.add(cells, width=width)
            if fmt is not None:
                sheet.formats[(r, col["value"])] = fmt
            mess = row["mess"]
            if not pd.isna(mess) and mess != "omitted_indicator":
                where[str(mess)] = (r, col["value"], value)
    sheet.add([], width=width)
    r = sheet.add([_REPORT_NOTE], width=width)
    sheet.merge_row(r, 0, width - 1)
    right = width - 2
    sheet.add(
        [None] * right + [txt(f"{bare}, ngày 15 tháng 12 năm {year}")],
        width=width,
    )
    sheet.add(
        [None, "NGƯỜI LẬP BIỂU"] + [None] * (right - 2) + ["TM. ỦY BAN NHÂN DÂN"],
        width=width,
        bold=True,
    )
    sheet.add([None] * right + ["CHỦ TỊCH"], width=width, bold=True)
    return sheet, where


def _value_cell(row: pd.Series) -> tuple[object, str | None]:
    """The value cell as the commune typed it, and its number format."""
    mess = None if pd.isna(row["mess"]) else str(row["mess"])
    text = row["value_text"]
    if mess in ("decimal_comma", "number_as_text", "excel_error"):
        return str(text), None
    if mess == "percent_fraction":
        return round(float(row["value"]) / 100.0, 6), "0.0%"
    if row["kind"] == "yes_no" or (
        not pd.isna(row["threshold_op"]) and row["threshold_op"] == "yes"
    ):
        return str(text), None
    value = float(row["value"])
    return (int(value) if value.is_integer() else value), None


def matrix_sheet(
    year: int,
    cset: CriteriaSet,
    criteria: pd.DataFrame,
    communes: Sequence[str],
    *,
    mismatch: str | None,
) -> tuple[Sheet, tuple[int, int, object] | None]:
    """The district summary matrix of one year (shape B)."""
    numbers = [c.number for c in cset.criteria]
    width = 2 + len(numbers) + 2
    total_col = 2 + len(numbers)
    sheet = Sheet(name=str(year), widths=[5, 16] + [4.5] * len(numbers) + [12, 12])
    r = sheet.add([SYNTHETIC_LABEL], width=width, bold=True)
    sheet.merge_row(r, 0, width - 1)
    r = sheet.add(["UBND HUYỆN ĐẦM HÀ"], width=width, bold=True)
    sheet.merge_row(r, 0, 4)
    r = sheet.add(
        [f"BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM {year}"],
        width=width,
        bold=True,
    )
    sheet.merge_row(r, 0, width - 1)
    sheet.add([], width=width)
    top = (
        ["TT", "Tên xã", "Tiêu chí"]
        + [None] * (len(numbers) - 1)
        + ["Tổng số tiêu chí đạt", "Ghi chú"]
    )
    r1 = sheet.add(top, width=width, bold=True)
    r2 = sheet.add([None, None, *[int(n) for n in numbers]], width=width, bold=True)
    sheet.merges += [
        (r1, 2, r1, 1 + len(numbers)),
        (r1, 0, r2, 0),
        (r1, 1, r2, 1),
        (r1, total_col, r2, total_col),
        (r1, total_col + 1, r2, total_col + 1),
    ]
    met_mark = {2021: "x", 2022: "x", 2023: "X", 2024: "Đ"}.get(year, "x")
    not_met = "-" if year == 2022 else None
    column_totals = [0] * len(numbers)
    where = None
    here = criteria.loc[criteria["year"] == year]
    for k, commune in enumerate(communes, start=1):
        own = dict(
            zip(
                here.loc[here["commune"] == commune, "criterion"],
                here.loc[here["commune"] == commune, "self_assessed"],
                strict=True,
            )
        )
        marks: list[object] = []
        for j, number in enumerate(numbers):
            appraisal = own.get(number)
            if appraisal == s.MET:
                marks.append(met_mark)
                column_totals[j] += 1
            elif appraisal == s.BASICALLY_MET:
                marks.append("CBĐ")
            else:
                marks.append(not_met)
        stated = sum(1 for a in own.values() if a == s.MET)
        label = commune if _bare(commune) == "Đầm Hà" else _bare(commune)
        cells = [k, label, *marks, stated, None]
        r = sheet.add(cells, width=width)
        if commune == mismatch:
            sheet.rows[r][total_col] = stated + 1
            where = (r, total_col, stated + 1)
    sheet.add(
        [None, "Tổng", *column_totals, sum(column_totals), None],
        width=width,
        bold=True,
    )
    r = sheet.add(
        [
            'Ghi chú: x / Đ = đạt; CBĐ = cơ bản đạt; để trống hoặc "-" = chưa đạt. '
            "Dữ liệu mẫu tổng hợp (synthetic), không phải số liệu thật."
        ],
        width=width,
    )
    sheet.merge_row(r, 0, width - 1)
    sheet.add(
        [None, "NGƯỜI LẬP BIỂU"] + [None] * (width - 6) + ["TM. ỦY BAN NHÂN DÂN"],
        width=width,
        bold=True,
    )
    sheet.add([None] * (width - 4) + ["CHỦ TỊCH"], width=width, bold=True)
    return sheet, where


def legacy_sheet(sheet: Sheet, encoding: str) -> Sheet:
    """The same sheet typed in a legacy font encoding (text cells converted)."""
    rows = []
    for r, row in enumerate(sheet.rows):
        out = []
        for value in row:
            if isinstance(value, str):
                if r == 0 and value == SYNTHETIC_LABEL:
                    value = "Dữ liệu mẫu tổng hợp (SYNTHETIC) - không phải số liệu thật"
                value = encode_legacy(_legacy_friendly(value), encoding)
            out.append(value)
        rows.append(out)
    return _replace_rows(sheet, rows)


def _legacy_friendly(text: str) -> str:
    """Lower-case the capitals that TCVN3's normal font cannot hold (those with tone marks).

    The lead words keep their first capital when it has no tone mark, as typists
    of the .VnTime era wrote titles ("UBND xã Quảng Lâm").
    """
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)
        if ch.isupper() and len(base) > 1 and ch not in "ĐĂÂÊÔƠƯ":
            out.append(ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def _replace_rows(sheet: Sheet, rows: list[list[object]]) -> Sheet:
    return Sheet(
        name=sheet.name,
        rows=rows,
        merges=list(sheet.merges),
        formats=dict(sheet.formats),
        bold_rows=set(sheet.bold_rows),
        widths=list(sheet.widths),
        hidden=sheet.hidden,
    )


# ----------------------------------------------------------------------------- writers (to bytes)


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip container with fixed timestamps and core properties.

    Same input, same bytes: the writers otherwise stamp the current time.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = WORKBOOK_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    content,
                )
            elif info.filename.endswith(".xml") and b"urn:oasis:names:tc:opendocument" in content:
                content = _canonical_namespaces(content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE_TIME)
            fixed.compress_type = info.compress_type
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 0
            dst.writestr(fixed, content)
    return out.getvalue()


_ROOT_TAG = re.compile(
    rb"<([A-Za-z][\w.-]*:[\w.-]+)((?:\s+[^\s=>]+=(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>"
)
_XMLNS = re.compile(rb"""xmlns:([\w.-]+)=(["'])(.*?)\2""")
_PREFIX_USE = re.compile(rb"[<\s/]([A-Za-z][\w.-]*):[A-Za-z][\w.-]*")


def _canonical_namespaces(content: bytes) -> bytes:
    """Declare on the root element exactly the namespaces the document uses, sorted.

    odfpy declares every namespace it has met so far in the process, so the
    same workbook would otherwise differ between a first and a later write.
    """
    m = _ROOT_TAG.search(content)
    if m is None:
        return content
    attrs = m.group(2)
    declared = {p: uri for p, _, uri in _XMLNS.findall(attrs)}
    others = _XMLNS.sub(b"", attrs).split()
    body = content[: m.start()] + m.group(1) + b" " + b" ".join(others) + content[m.end() :]
    used = {p for p in _PREFIX_USE.findall(body) if p in declared}
    used.add(m.group(1).split(b":")[0])
    decls = b"".join(b' xmlns:%s="%s"' % (p, declared[p]) for p in sorted(used) if p in declared)
    rest = b"".join(b" " + a for a in others)
    tag = b"<" + m.group(1) + decls + rest + (b"/>" if m.group(3) else b">")
    return content[: m.start()] + tag + content[m.end() :]


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = WORKBOOK_CREATOR
    wb.properties.lastModifiedBy = WORKBOOK_CREATOR
    wb.properties.title = "Dữ liệu mẫu tổng hợp (synthetic)"
    wb.properties.created = WORKBOOK_TIMESTAMP
    wb.properties.modified = WORKBOOK_TIMESTAMP
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for sh in sheets:
        ws = wb.create_sheet(sh.name)
        for r, row in enumerate(sh.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                fmt = sh.formats.get((r - 1, c - 1))
                if fmt is not None:
                    cell.number_format = fmt
                if r - 1 in sh.bold_rows:
                    cell.font = bold
                elif isinstance(value, str) and len(value) > 30:
                    cell.alignment = wrap
        for r1, c1, r2, c2 in sh.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        for c, w in enumerate(sh.widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = w
        if sh.hidden:
            ws.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue())


def _xls_bytes(sheets: Sequence[Sheet]) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    bold = xlwt.easyxf("font: bold on")
    plain = xlwt.XFStyle()
    for sh in sheets:
        ws = wb.add_sheet(sh.name, cell_overwrite_ok=True)
        for r, row in enumerate(sh.rows):
            style = bold if r in sh.bold_rows else plain
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                ws.write(r, c, value, style)
        for r1, c1, r2, c2 in sh.merges:
            ws.merge(r1, r2, c1, c2)
        for c, w in enumerate(sh.widths):
            ws.col(c).width = int(w * 256)
        if sh.hidden:
            ws.visibility = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _ods_bytes(sheets: Sequence[Sheet]) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="odf") as writer:
        for sh in sheets:
            frame = pd.DataFrame([[None if v == "" else v for v in row] for row in sh.rows])
            frame.to_excel(writer, sheet_name=sh.name, header=False, index=False)
    return normalise_zip(buf.getvalue())


WRITERS = {"xlsx": xlsx_bytes, "xls": _xls_bytes, "ods": _ods_bytes}
