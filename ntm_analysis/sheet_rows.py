"""What the rows of a sheet are (pure): header words and column roles, non-data rows,
cleaned cells, and the search for a table's header."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from . import config
from . import schema as s
from .legacy_fonts import decode_legacy, detect_legacy_in_cells, is_vietnamese_syllable
from .parsing import (
    excel_error,
    fold_text,
    normalize_text,
    split_code,
)

# non-data row kinds
TITLE = "title"
HEADER = "header"
SECTION = "section"
NOTE = "note"
SIGNATURE = "signature"
TOTAL = "total"
BLANK_CRITERION = "blank_criterion"
NON_DATA_KINDS = (TITLE, HEADER, SECTION, NOTE, SIGNATURE, TOTAL, BLANK_CRITERION)

LEVEL_INDICATOR = "indicator"
LEVEL_CRITERION = "criterion"


def cell_error(value: object) -> str | None:
    """The Excel error code of a cell ("#DIV/0!"), or None (cheap for non-text cells)."""
    if isinstance(value, str) and value[:1] == "#":
        return excel_error(value)
    return None


def fold_cell(value: object) -> str:
    """Fold for matching, with punctuation turned into spaces first."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return _fold_str(value)
    return fold_text(value)


@functools.lru_cache(maxsize=1 << 16)
def _fold_str(value: str) -> str:
    return fold_text(_PUNCT.sub(" ", value))


@functools.lru_cache(maxsize=1 << 16)
def _normalize_str(value: str) -> str:
    return normalize_text(value) or ""


_PUNCT = re.compile(r"[_\-–—.,;:()\[\]/\\*]+")

# (role, exact words, prefixes), checked in order on the folded header label.
_REPORT_ROLES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("tt", ("tt", "stt", "so tt", "so thu tu", "thu tu", "ma", "ma so"), ()),
    ("unit", ("dvt", "don vi tinh", "don vi"), ("don vi tinh",)),
    ("note", (), ("ghi chu", "chu thich")),
    (
        "other",
        (),
        (
            "don vi chu tri",
            "co quan chu tri",
            "don vi thuc hien",
            "phong ban",
            "nguon",
            "minh chung",
            "can bo",
        ),
    ),
    ("total", (), ("tong so tieu chi", "tong so tc", "so tieu chi dat", "tong tieu chi", "tong")),
    (
        "appraisal",
        ("dat chua dat",),
        (
            "tu danh gia",
            "xa tu danh gia",
            "danh gia",
            "ket qua danh gia",
            "ket qua tu danh gia",
            "muc do dat",
            "muc do danh gia",
        ),
    ),
    (
        "target",
        ("chuan",),
        (
            "chi tieu chung",
            "chi tieu theo",
            "chi tieu quy dinh",
            "chi tieu dat chuan",
            "chi tieu cua",
            "chi tieu vung",
            "chi tieu tinh",
            "yeu cau",
            "muc chuan",
            "muc yeu cau",
            "nguong",
        ),
    ),
    (
        "value",
        (),
        (
            "ket qua thuc hien",
            "hien trang",
            "ket qua",
            "thuc hien",
            "so lieu",
            "gia tri",
            "thuc trang",
            "muc dat",
        ),
    ),
    ("content", ("chi tieu",), ("noi dung tieu chi", "noi dung chi tieu", "ten chi tieu")),
    (
        "commune",
        ("xa", "don vi", "xa thi tran", "dia phuong", "ten don vi"),
        ("ten xa", "ten don vi", "xa thi tran", "ten dia phuong"),
    ),
    ("name", ("ten", "noi dung", "tieu chi"), ("ten tieu chi", "tieu chi", "noi dung")),
)

_TIDY_ROLES: dict[str, tuple[str, ...]] = {
    "year": ("year", "nam", "nam danh gia", "nam bao cao"),
    "commune": ("commune", "commune name", "xa", "ten xa", "don vi", "ten don vi"),
    "indicator": ("indicator", "indicator code", "code", "ma chi tieu", "ma", "ma tieu chi"),
    "value": ("value", "gia tri", "ket qua", "ket qua thuc hien"),
    "self_assessed": ("self assessed", "selfassessed", "appraisal", "tu danh gia", "danh gia"),
    "unit": ("unit", "don vi tinh", "dvt"),
    "target": ("target", "target text", "chi tieu chung", "yeu cau"),
    "indicator_text": ("indicator text", "noi dung chi tieu", "ten chi tieu"),
}


def report_role(label: object) -> str | None:
    """The role of a commune-report header label, or None.

    >>> report_role("Số TT"), report_role("Kết quả thực hiện"), report_role("Tự đánh giá")
    ('tt', 'value', 'appraisal')
    >>> report_role("Chỉ tiêu chung"), report_role("Nội dung tiêu chí"), report_role("Tên tiêu chí")
    ('target', 'content', 'name')
    """
    folded = fold_cell(label)
    if not folded:
        return None
    for role, exact, prefixes in _REPORT_ROLES:
        if folded in exact or any(folded.startswith(p) for p in prefixes):
            return role
    return None


def tidy_role(label: object) -> str | None:
    """The role of a tidy-table column label (``year``, ``commune``, ...), or None.

    >>> tidy_role("self_assessed"), tidy_role("Năm"), tidy_role("indicator")
    ('self_assessed', 'year', 'indicator')
    """
    folded = fold_cell(label)
    for role, words in _TIDY_ROLES.items():
        if folded in words:
            return role
    return None


_TC = re.compile(r"^(?:tc|tieu chi(?: so)?)\s*(\d{1,2})$")


def criterion_header_number(value: object, criteria_sets: Sequence = ()) -> str | None:
    """Criterion number of a matrix header cell ("1", 1.0, "TC1", "Tiêu chí 1", a name).

    >>> criterion_header_number("TC7"), criterion_header_number(12.0), criterion_header_number("x")
    ('7', '12', None)
    """
    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, int | float):
        if float(value).is_integer() and 1 <= value <= 99:
            return str(int(value))
        return None
    folded = fold_cell(value)
    if folded.isdigit() and 1 <= int(folded) <= 99:
        return str(int(folded))
    m = _TC.match(folded)
    if m and 1 <= int(m.group(1)) <= 99:
        return str(int(m.group(1)))
    for cset in criteria_sets:
        hit = cset.match_criterion_name(value)
        if hit is not None:
            return hit.number
    return None


_SIGNATURE_WORDS = (
    "nguoi lap bieu",
    "nguoi lap",
    "nguoi tong hop",
    "tm uy ban nhan dan",
    "tm ubnd",
    "t m ubnd",
    "chu tich",
    "pho chu tich",
    "ky ten",
    "ky ghi ro ho ten",
    "ky va ghi ro ho ten",
    "dong dau",
    "thu truong",
    "ke toan",
    "noi nhan",
    "xac nhan cua",
    "can bo phu trach",
    "truong phong",
    "kt chu tich",
)
_NOTE_PREFIXES = ("ghi chu", "chu thich", "luu y", "nguon", "chu y", "note", "source", "du lieu")
_TOTAL_PREFIXES = (
    "tong cong",
    "tong so",
    "tong",
    "cong",
    "toan huyen",
    "binh quan",
    "trung binh",
    "total",
)
_DATE_LINE = re.compile(r"\bngay\s+\d{0,2}\s*thang\s+\d{0,2}\s*nam\b")


def text_cells(row: Sequence[object]) -> list[str]:
    return [v for v in row if isinstance(v, str) and v]


def _row_fold(row: Sequence[object]) -> str:
    return " ".join(fold_cell(v) for v in row if v not in ("", None))


def signature_or_note(row: Sequence[object]) -> str | None:
    folded = _row_fold(row)
    if not folded:
        return None
    if any(f" {w} " in f" {folded} " for w in _SIGNATURE_WORDS) or _DATE_LINE.search(folded):
        return SIGNATURE
    first = next((fold_cell(v) for v in row if v not in ("", None)), "")
    if any(first.startswith(p) for p in _NOTE_PREFIXES) or str(
        next((v for v in row if v not in ("", None)), "")
    ).lstrip().startswith("*"):
        return NOTE
    return None


def is_total_label(value: object) -> bool:
    folded = fold_cell(value)
    return any(folded == p or folded.startswith(p + " ") for p in _TOTAL_PREFIXES)


def is_numbering_row(row: Sequence[object]) -> bool:
    """A column-numbering row under a header: 1 2 3 4 ... or (1) (2) (3) or A B 1 2."""
    cells = [v for v in row if v not in ("", None)]
    if len(cells) < 3:
        return False
    nums = []
    for v in cells:
        if isinstance(v, bool):
            return False
        if isinstance(v, int | float):
            if not float(v).is_integer():
                return False
            nums.append(int(v))
            continue
        t = str(v).strip().strip("()").strip()
        if t.isdigit():
            nums.append(int(t))
        elif len(t) == 1 and t.isalpha() and t.isupper():
            continue
        elif t.replace(" ", "") and set(t.replace(" ", "")) <= set("0123456789=+-x*/()"):
            continue  # "(4)=(3)/(2)"
        else:
            return False
    return len(nums) >= 2 and nums == list(range(nums[0], nums[0] + len(nums)))


def is_empty(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)


#: At most this many candidate cells are scored for legacy-font detection.
_LEGACY_SAMPLE = 150
_VIET_SPECIFIC = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9\u0300-\u0323]")


def clean_cells(
    rows: tuple[tuple[object, ...], ...],
) -> tuple[list[tuple[object, ...]], str | None, int]:
    """NFC text, legacy fonts converted; returns (rows, legacy encoding, cells converted)."""
    # legacy text never holds Vietnamese Unicode letters: only the other non-ASCII
    # cells are candidates (this keeps detection cheap on ordinary sheets)
    texts = [
        v
        for row in rows
        for v in row
        if isinstance(v, str) and v and not v.isascii() and not _VIET_SPECIFIC.search(v)
    ]
    encoding = (
        detect_legacy_in_cells(list(dict.fromkeys(texts))[:_LEGACY_SAMPLE]) if texts else None
    )
    converted = 0
    out: list[tuple[object, ...]] = []
    for row in rows:
        new: list[object] = []
        for v in row:
            if isinstance(v, str):
                # the sheet's majority encoding decides (a short cell alone is ambiguous);
                # text holding Vietnamese Unicode letters is already right
                if encoding is not None and v and not v.isascii() and not _VIET_SPECIFIC.search(v):
                    fixed = decode_legacy(v, encoding)
                    if fixed != v and _reads_as_vietnamese(v, fixed):
                        converted += 1
                        v = fixed
                v = _normalize_str(v)
            elif isinstance(v, float) and v != v:
                v = ""
            new.append(v)
        out.append(tuple(new))
    return out, encoding if converted else None, converted


_WORD = re.compile(r"\w+")


def _reads_as_vietnamese(before: str, after: str) -> bool:
    """True when every word that conversion changed is a valid Vietnamese syllable.

    On a sheet judged legacy, this keeps a stray non-Vietnamese word ("café")
    from being "converted" into nonsense ("cafộ"). A short Unicode word that
    is also a valid legacy spelling ("Có" / TCVN3 "Cã") cannot be told apart.
    """
    old_words = _WORD.findall(before)
    new_words = _WORD.findall(after)
    if len(old_words) != len(new_words):
        return True  # punctuation became letters (e.g. "§" -> "Đ"): trust the sheet verdict
    return all(
        o == n or n.isdigit() or is_vietnamese_syllable(n)
        for o, n in zip(old_words, new_words, strict=True)
    )


def as_text(value: object) -> str | None:
    """A cell as written (numbers without a spurious ".0")."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


@dataclass
class TableHeader:
    layout: str
    rows: tuple[int, ...]  # grid indices of the header rows
    roles: dict[int, str]  # grid column -> role
    criteria: dict[int, str] = field(default_factory=dict)  # matrix: column -> criterion


def _labels(rows: list[tuple[object, ...]], top: int, bottom: int | None) -> dict[int, str]:
    """Column labels of a one- or two-row header (the lower label wins where present)."""
    upper = rows[top]
    if bottom is None:
        return {j: v for j, v in enumerate(upper) if isinstance(v, str) and v}
    lower = rows[bottom]
    labels: dict[int, str] = {}
    for j in range(max(len(upper), len(lower))):
        t = upper[j] if j < len(upper) else ""
        b = lower[j] if j < len(lower) else ""
        if not is_empty(b):  # the lower row names the column under a merged top cell
            labels[j] = as_text(b) or ""
        elif not is_empty(t):  # a top cell merged down over both rows
            labels[j] = as_text(t) or ""
    return labels


def _report_roles(labels: dict[int, str]) -> dict[int, str]:
    roles = {}
    for j, label in labels.items():
        role = report_role(label)
        if role is not None:
            roles[j] = role
    return roles


def _report_ok(roles: dict[int, str]) -> bool:
    kinds = set(roles.values())
    return (
        bool(kinds & {"tt", "name", "content"})
        and bool(kinds & {"value", "appraisal", "target"})
        and len(kinds & {"tt", "name", "content", "value", "appraisal", "target"}) >= 3
    )


def find_header(rows: list[tuple[object, ...]], criteria_sets: Sequence) -> TableHeader | None:
    limit = min(len(rows), config.HEADER_SEARCH_ROWS)
    for i in range(limit):
        row = rows[i]
        if sum(1 for v in row if not is_empty(v)) < 2:
            continue
        # tidy table
        troles = {j: r for j, v in enumerate(row) if (r := tidy_role(v)) is not None}
        if {"year", "commune", "indicator", "value"} <= set(troles.values()):
            return TableHeader(s.LAYOUT_TIDY, (i,), troles)
        # district matrix
        crit = _criterion_columns(row, ())
        if len(crit) < 8 and sum(isinstance(v, str) and len(v) > 3 for v in row) >= 8:
            crit = _criterion_columns(row, criteria_sets)  # criterion names as headers
        if len(crit) >= 8:
            top = i - 1 if i > 0 and _matrix_top_row(rows[i - 1]) else None
            labels = _labels(rows, top, i) if top is not None else _labels(rows, i, None)
            roles = {}
            for j, label in labels.items():
                if j in crit:
                    continue
                f = fold_cell(label)
                if f in ("tt", "stt", "so tt"):
                    roles[j] = "tt"
                elif "tong" in f or "so tieu chi dat" in f or "so tc dat" in f:
                    roles[j] = "total"
                elif report_role(label) in ("commune", "name"):
                    roles[j] = "commune"
            header_rows = (top, i) if top is not None else (i,)
            return TableHeader(s.LAYOUT_DISTRICT_MATRIX, header_rows, roles, crit)
        # commune report
        roles = _report_roles(_labels(rows, i, None))
        if _report_ok(roles):
            header_rows: tuple[int, ...] = (i,)
            if i + 1 < len(rows) and _is_header_continuation(rows[i + 1], roles):
                roles = _report_roles(_labels(rows, i, i + 1))
                header_rows = (i, i + 1)
            return TableHeader(s.LAYOUT_COMMUNE_REPORT, header_rows, roles)
    return None


def _criterion_columns(row: tuple[object, ...], criteria_sets: Sequence) -> dict[int, str]:
    crit: dict[int, str] = {}
    for j, v in enumerate(row):
        n = criterion_header_number(v, criteria_sets)
        if n is not None and n not in crit.values():
            crit[j] = n
    return crit


def _matrix_top_row(row: tuple[object, ...]) -> bool:
    for v in row:
        f = fold_cell(v)
        if f.startswith("tieu chi") or f in ("tt", "stt") or report_role(v) == "commune":
            return True
    return False


def _is_header_continuation(row: tuple[object, ...], roles: dict[int, str]) -> bool:
    cells = [(j, v) for j, v in enumerate(row) if not is_empty(v)]
    if not cells:
        return False
    if any(not isinstance(v, str) for _, v in cells):
        return False
    if any(split_code(v)[0] is not None for _, v in cells):
        return False
    sub = [report_role(v) for _, v in cells]
    return sum(r is not None for r in sub) >= max(1, len(cells) // 2)


def cell_at(row: tuple[object, ...], j: int | None) -> object:
    if j is None or j >= len(row):
        return ""
    return row[j]


def first_column(roles: dict[int, str], role: str) -> int | None:
    cols = sorted(j for j, r in roles.items() if r == role)
    return cols[0] if cols else None
