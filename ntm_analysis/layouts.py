"""Recognise a sheet's layout and turn its rows into records (pure, no I/O).

Three layouts are read (see :mod:`ntm_analysis.schema`):

* **commune report** (``commune_report``): title rows naming the commune and
  the year, a header found by its content in the first
  ``config.HEADER_SEARCH_ROWS`` rows (one row or two merged rows, any wording
  and column order), criterion rows followed by their indicator rows, then
  notes and signature blocks;
* **district matrix** (``district_matrix``): one row per commune, one column per
  criterion ("1".."19", "TC1".."TC19" or the criterion names), met marks, an
  optional "Tổng số tiêu chí đạt" column, a totals row;
* **tidy table** (``tidy``): columns year, commune, indicator, value and
  optionally self_assessed.

Every non-empty row ends as exactly one of: a record row (one or more records),
a recognised non-data row (``title``, ``header``, ``section``, ``note``,
``signature``, ``total``, ``blank_criterion``), or a rejected row (one line in
the rejects table per rejected row, and one per unusable cell of a matrix row).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from . import config
from . import schema as s
from .errors import FindingCheck, RejectReason
from .legacy_fonts import decode_legacy, detect_legacy_in_cells, is_vietnamese_syllable
from .parsing import (
    excel_error,
    find_year,
    fold_text,
    is_missing,
    normalize_text,
    parse_appraisal,
    parse_mark,
    parse_number,
    parse_target,
    parse_yes_no,
    roman_heading,
    split_code,
    split_unit_prefix,
)
from .readers import RawSheet, column_letter
from .stated_totals import find_stated_total

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

#: How a registry match status becomes a reject reason.
_MATCH_REASON = {
    "unknown": RejectReason.UNKNOWN_COMMUNE,
    "ambiguous": RejectReason.AMBIGUOUS_COMMUNE,
    "not_valid_in_year": RejectReason.COMMUNE_NOT_VALID_IN_YEAR,
    "not_a_commune": RejectReason.UNKNOWN_COMMUNE,
}


@dataclass
class SheetResult:
    """Everything one sheet yielded, with its row accounting.

    ``records`` / ``rejects`` / ``findings`` are DataFrames built on first
    access from the row tuples (``record_rows`` ...), so that folder ingestion
    can build one frame for all sheets instead of three per sheet.
    """

    record_rows: list[tuple] = field(default_factory=list)
    reject_rows: list[tuple] = field(default_factory=list)
    finding_rows: list[tuple] = field(default_factory=list)
    rows_read: int = 0
    records_rows: int = 0
    non_data_rows: dict[str, int] = field(default_factory=dict)
    rejected_rows: int = 0
    layout: str | None = None
    legacy_encoding: str | None = None
    notes: list[str] = field(default_factory=list)

    @functools.cached_property
    def records(self) -> pd.DataFrame:
        """Records, columns ``schema.RECORD_COLUMNS``."""
        return records_frame(self.record_rows)

    @functools.cached_property
    def rejects(self) -> pd.DataFrame:
        """Reject lines, columns ``schema.REJECT_COLUMNS``."""
        return rejects_frame(self.reject_rows)

    @functools.cached_property
    def findings(self) -> pd.DataFrame:
        """Findings, columns ``schema.FINDING_COLUMNS``."""
        return findings_frame(self.finding_rows)

    @property
    def non_data_total(self) -> int:
        return sum(self.non_data_rows.values())

    @property
    def reconciled(self) -> bool:
        return self.rows_read == self.records_rows + self.non_data_total + self.rejected_rows


# --------------------------------------------------------------------------- header words


def _error(value: object) -> str | None:
    """The Excel error code of a cell ("#DIV/0!"), or None (cheap for non-text cells)."""
    if isinstance(value, str) and value[:1] == "#":
        return excel_error(value)
    return None


def _fold(value: object) -> str:
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
    folded = _fold(label)
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
    folded = _fold(label)
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
    folded = _fold(value)
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


# --------------------------------------------------------------------------- row kinds

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


def _text_cells(row: Sequence[object]) -> list[str]:
    return [v for v in row if isinstance(v, str) and v]


def _row_fold(row: Sequence[object]) -> str:
    return " ".join(_fold(v) for v in row if v not in ("", None))


def _signature_or_note(row: Sequence[object]) -> str | None:
    folded = _row_fold(row)
    if not folded:
        return None
    if any(f" {w} " in f" {folded} " for w in _SIGNATURE_WORDS) or _DATE_LINE.search(folded):
        return SIGNATURE
    first = next((_fold(v) for v in row if v not in ("", None)), "")
    if any(first.startswith(p) for p in _NOTE_PREFIXES) or str(
        next((v for v in row if v not in ("", None)), "")
    ).lstrip().startswith("*"):
        return NOTE
    return None


def _is_total_label(value: object) -> bool:
    folded = _fold(value)
    return any(folded == p or folded.startswith(p + " ") for p in _TOTAL_PREFIXES)


def _is_numbering_row(row: Sequence[object]) -> bool:
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


# --------------------------------------------------------------------------- cells


def _is_empty(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and value != value)


#: At most this many candidate cells are scored for legacy-font detection.
_LEGACY_SAMPLE = 150
_VIET_SPECIFIC = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9\u0300-\u0323]")


def _clean_cells(
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


def _as_text(value: object) -> str | None:
    """A cell as written (numbers without a spurious ".0")."""
    if _is_empty(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------- header search


@dataclass
class _Header:
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
        if not _is_empty(b):  # the lower row names the column under a merged top cell
            labels[j] = _as_text(b) or ""
        elif not _is_empty(t):  # a top cell merged down over both rows
            labels[j] = _as_text(t) or ""
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


def _find_header(rows: list[tuple[object, ...]], criteria_sets: Sequence) -> _Header | None:
    limit = min(len(rows), config.HEADER_SEARCH_ROWS)
    for i in range(limit):
        row = rows[i]
        if sum(1 for v in row if not _is_empty(v)) < 2:
            continue
        # tidy table
        troles = {j: r for j, v in enumerate(row) if (r := tidy_role(v)) is not None}
        if {"year", "commune", "indicator", "value"} <= set(troles.values()):
            return _Header(s.LAYOUT_TIDY, (i,), troles)
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
                f = _fold(label)
                if f in ("tt", "stt", "so tt"):
                    roles[j] = "tt"
                elif "tong" in f or "so tieu chi dat" in f or "so tc dat" in f:
                    roles[j] = "total"
                elif report_role(label) in ("commune", "name"):
                    roles[j] = "commune"
            header_rows = (top, i) if top is not None else (i,)
            return _Header(s.LAYOUT_DISTRICT_MATRIX, header_rows, roles, crit)
        # commune report
        roles = _report_roles(_labels(rows, i, None))
        if _report_ok(roles):
            header_rows: tuple[int, ...] = (i,)
            if i + 1 < len(rows) and _is_header_continuation(rows[i + 1], roles):
                roles = _report_roles(_labels(rows, i, i + 1))
                header_rows = (i, i + 1)
            return _Header(s.LAYOUT_COMMUNE_REPORT, header_rows, roles)
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
        f = _fold(v)
        if f.startswith("tieu chi") or f in ("tt", "stt") or report_role(v) == "commune":
            return True
    return False


def _is_header_continuation(row: tuple[object, ...], roles: dict[int, str]) -> bool:
    cells = [(j, v) for j, v in enumerate(row) if not _is_empty(v)]
    if not cells:
        return False
    if any(not isinstance(v, str) for _, v in cells):
        return False
    if any(split_code(v)[0] is not None for _, v in cells):
        return False
    sub = [report_role(v) for _, v in cells]
    return sum(r is not None for r in sub) >= max(1, len(cells) // 2)


# --------------------------------------------------------------------------- title context


_REGISTRY_INDEX: dict[int, tuple[object, list[tuple[str, str]]]] = {}

_PREFIX_WORDS = (
    ("thi tran", "thị trấn"),
    ("thi xa", "thị xã"),
    ("thanh pho", "thành phố"),
    ("ubnd xa", "xã"),
    ("uy ban nhan dan xa", "xã"),
    ("xa", "xã"),
    ("tt", "thị trấn"),
    ("t t", "thị trấn"),
    ("x", "xã"),
    ("phuong", "phường"),
    ("p", "phường"),
    ("huyen", "huyện"),
    ("h", "huyện"),
    ("tinh", "tỉnh"),
    ("quan", "quận"),
    ("tp", "thành phố"),
)
_HIGHER = ("huyện", "tỉnh", "quận", "thành phố", "thị xã")


def _bare_names(registry) -> list[tuple[str, str]]:
    """(folded bare name, bare name as written) of every registry unit, longest first."""
    key = id(registry)
    hit = _REGISTRY_INDEX.get(key)
    if hit is not None and hit[0] is registry:
        return hit[1]
    seen: dict[str, str] = {}
    for name in registry.frame["name"].dropna():
        bare = split_unit_prefix(name)[1]
        folded = _fold(bare)
        if folded:
            seen.setdefault(folded, bare)
    names = sorted(seen.items(), key=lambda kv: -len(kv[0]))
    _REGISTRY_INDEX[key] = (registry, names)
    return names


_MATCH_CACHE: dict[int, tuple[object, dict]] = {}


class _Matcher:
    """Registry matching, cached per registry object (names repeat across sheets)."""

    def __init__(self, registry):
        self.registry = registry
        hit = _MATCH_CACHE.get(id(registry))
        if hit is None or hit[0] is not registry:
            if len(_MATCH_CACHE) > 8:
                _MATCH_CACHE.clear()
            hit = (registry, {})
            _MATCH_CACHE[id(registry)] = hit
        self.cache: dict[tuple[str, int | None], object] = hit[1]

    def match(self, text: str, year: int | None):
        key = (text, year)
        found = self.cache.get(key)
        if found is None:
            found = self.registry.match(text, year=year)
            self.cache[key] = found
        return found

    def find_in_text(self, text: object, year: int | None, *, mode: str = "any"):
        """The commune named somewhere in free text (title, sheet or file name), or None.

        A name preceded by a district or province word ("huyện Đầm Hà") is
        never taken for a commune. ``mode="prefixed"`` only accepts names written
        with a unit word ("xã Quảng Tân"); ``mode="multiword"`` accepts bare names
        of two or more words (a one-word name is too likely to be an ordinary
        word of a title).
        """
        folded = f" {_fold(text)} "
        if not folded.strip():
            return None
        results = []
        taken: list[tuple[int, int]] = []
        for key, bare in _bare_names(self.registry):
            start = 0
            needle = f" {key} "
            while (pos := folded.find(needle, start)) >= 0:
                start = pos + 1
                span = (pos, pos + len(needle))
                if any(a < span[1] and span[0] < b for a, b in taken):
                    continue
                before = folded[: pos + 1].rstrip()
                prefix = None
                for word, canonical in _PREFIX_WORDS:
                    if before == word or before.endswith(" " + word):
                        prefix = canonical
                        break
                taken.append(span)
                if prefix in _HIGHER:
                    continue
                if prefix is None and (
                    mode == "prefixed" or (mode == "multiword" and " " not in key)
                ):
                    continue
                phrase = f"{prefix} {bare}" if prefix else bare
                results.append(self.match(phrase, year))
        if not results and mode == "any":  # file names written together: "BC_QuangTan_2023"
            compact = folded.replace(" ", "")
            for key, bare in _bare_names(self.registry):
                joined = key.replace(" ", "")
                if len(joined) >= 6 and " " in key and joined in compact:
                    results.append(self.match(bare, year))
                    break
        if not results:
            return None
        for r in results:
            if r.status == "ok":
                return r
        return results[0]


def _title_year(texts: Iterable[str]) -> int | None:
    years: list[int] = []
    fallback: list[int] = []
    for t in texts:
        folded = _fold(t)
        for m in re.finditer(r"\bnam (\d{4})\b", folded):
            if re.search(r"thang \d{1,2}\s*$", folded[: m.start()]) or re.search(
                r"ngay\s*\d{0,2}\s*thang\s*\d{0,2}\s*$", folded[: m.start()]
            ):
                continue
            y = int(m.group(1))
            if 2000 <= y <= 2039:
                years.append(y)
        if not years and not any(w in folded for w in ("quyet dinh", " qd ", "ngay ", "giai doan")):
            y = find_year(t)
            if y is not None:
                fallback.append(y)
    distinct = list(dict.fromkeys(years or fallback))
    return distinct[0] if distinct else None


def _title_commune(texts: Sequence[str], matcher: _Matcher, year: int | None):
    for mode in ("prefixed", "multiword"):
        for t in texts:
            found = matcher.find_in_text(t, year, mode=mode)
            if found is not None:
                return found, t
    # a prefixed name that is not in the registry ("UBND XÃ AN PHÚ")
    for t in texts:
        for part in re.split(r"[,;()–\-]", t):
            prefix, bare = split_unit_prefix(part.strip())
            folded = _fold(bare)
            if (
                prefix in ("xã", "thị trấn", "phường")
                and folded
                and not folded.startswith(("nong thon", "ntm", "dat chuan"))
                and len(folded.split()) <= 4
            ):
                return matcher.match(part.strip(), year), t
    return None, None


def _strip_stem(name: str) -> str:
    stem = name.rsplit("/", 1)[-1]
    return stem.rsplit(".", 1)[0] if "." in stem else stem


# --------------------------------------------------------------------------- builders


class _Builder:
    """Collects records, rejects, findings and row accounting of one sheet."""

    def __init__(self, sheet: RawSheet, layout: str | None):
        self.sheet = sheet
        self.layout = layout
        self.records: list[tuple] = []
        self.rejects: list[tuple] = []
        self.findings: list[tuple] = []
        self.kinds: dict[int, str] = {}  # grid row -> "record" | "rejected" | non-data kind
        #: (year, commune, set) -> indicator codes kept although the catalog lists none
        self.unlisted: dict[tuple, list[str]] = {}

    def row_number(self, i: int) -> int:
        return self.sheet.first_row + i

    def col(self, j: int | None) -> str | None:
        return None if j is None else column_letter(self.sheet.first_col + j)

    def source(self, i: int | None = None) -> str:
        parts = [self.sheet.file]
        if self.sheet.sheet:
            parts.append(self.sheet.sheet)
        if i is not None:
            parts.append(f"row {self.row_number(i)}")
        return " › ".join(parts)

    def mark(self, i: int, kind: str) -> None:
        self.kinds[i] = kind

    def record(self, i: int, **kw) -> None:
        self.records.append(
            (
                kw["year"],
                kw["commune"],
                kw["commune_code"],
                kw["level"],
                kw["criterion"],
                kw["indicator"],
                kw.get("indicator_text"),
                kw.get("value"),
                kw.get("value_text"),
                kw.get("unit"),
                kw.get("target_text"),
                kw.get("self_assessed"),
                self.layout,
                kw.get("stated_total"),
                self.sheet.file,
                self.sheet.sheet,
                self.row_number(i),
            )
        )
        self.kinds[i] = "record"

    def reject(
        self,
        i: int | None,
        reason: str,
        message: str,
        *,
        column: int | str | None = None,
        raw: object = None,
        whole_row: bool = True,
    ) -> None:
        col = self.col(column) if isinstance(column, int) else column
        self.rejects.append(
            (
                self.sheet.file,
                self.sheet.sheet,
                None if i is None else self.row_number(i),
                col,
                _as_text(raw),
                str(reason),
                message,
            )
        )
        if whole_row and i is not None and self.kinds.get(i) != "record":
            self.kinds[i] = "rejected"

    def finding(self, year, commune, subject_type, subject, check, message, i=None) -> None:
        self.findings.append(
            (year, commune, subject_type, subject, str(check), message, self.source(i))
        )

    def note_unlisted(self, year, commune, cset, code: str) -> None:
        self.unlisted.setdefault((year, commune, cset.id, cset.decision), []).append(code)

    def _unlisted_findings(self) -> None:
        for (year, commune, set_id, decision), codes in self.unlisted.items():
            self.finding(
                year,
                commune,
                "file",
                self.sheet.file,
                FindingCheck.INDICATORS_NOT_IN_CATALOG,
                f"The indicator list of {decision} ({set_id}) is not in the catalog yet: "
                f"{len(codes)} indicator row(s) ({', '.join(codes[:6])}"
                f"{', …' if len(codes) > 6 else ''}) were kept as written under their criterion "
                "and judged by the province set, the stated target or the commune's appraisal.",
            )

    def result(self, non_empty: list[int], legacy: str | None, notes: list[str]) -> SheetResult:
        self._unlisted_findings()
        counts: dict[str, int] = {}
        records_rows = rejected = 0
        for i in non_empty:
            kind = self.kinds.get(i)
            if kind is None:  # should not happen: a row nobody claimed
                kind = "rejected"
                self.reject(
                    i,
                    RejectReason.UNRECOGNISED_ROW,
                    "The row fits no pattern of the table and was not used.",
                    raw=_first_text(self.sheet.rows[i]),
                )
            if kind == "record":
                records_rows += 1
            elif kind == "rejected":
                rejected += 1
            else:
                counts[kind] = counts.get(kind, 0) + 1
        return SheetResult(
            record_rows=self.records,
            reject_rows=self.rejects,
            finding_rows=self.findings,
            rows_read=len(non_empty),
            records_rows=records_rows,
            non_data_rows=counts,
            rejected_rows=rejected,
            layout=self.layout,
            legacy_encoding=legacy,
            notes=notes,
        )


def _first_text(row: Sequence[object]) -> object:
    return next((v for v in row if not _is_empty(v)), None)


def _frame(rows: list[tuple], columns: tuple[str, ...], types: dict[str, str]) -> pd.DataFrame:
    """Build a typed frame column by column (much cheaper than ``astype`` per sheet)."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    data = {}
    for name, values in zip(columns, cols, strict=True):
        dtype = types.get(name, "string")
        if dtype == "int64":
            data[name] = pd.array(values, dtype="int64")
        else:
            data[name] = pd.array([None if v is None else v for v in values], dtype=dtype)
    return pd.DataFrame(data, columns=list(columns))


_RECORD_TYPES = {
    "year": "int64",
    "value": "Float64",
    "stated_total": "Float64",
    s.SOURCE_ROW: "Int64",
}


def records_frame(rows: list[tuple]) -> pd.DataFrame:
    """Records (tuples in ``schema.RECORD_COLUMNS`` order) as a typed DataFrame."""
    return _frame(rows, s.RECORD_COLUMNS, _RECORD_TYPES)


def rejects_frame(rows: list[tuple]) -> pd.DataFrame:
    """Reject lines (tuples in ``schema.REJECT_COLUMNS`` order) as a typed DataFrame."""
    return _frame(rows, s.REJECT_COLUMNS, {s.SOURCE_ROW: "Int64"})


def findings_frame(rows: list[tuple]) -> pd.DataFrame:
    """Findings (tuples in ``schema.FINDING_COLUMNS`` order) as a typed DataFrame."""
    return _frame(rows, s.FINDING_COLUMNS, {"year": "Int64"})


# --------------------------------------------------------------------------- values


def _indicator_value(cell: object, kind: str) -> tuple[float | None, str | None, str]:
    """(value, unit, status) of a value cell for an indicator of ``kind``.

    status: "ok", "missing", "excel_error", "appraisal" (an appraisal word where
    a number was expected: value None) or "not_number".
    """
    if isinstance(cell, int | float) and not isinstance(cell, bool) and kind != "yes_no":
        parsed = parse_number(cell, percent=(kind == "percent"))  # fast path: a number cell
        if parsed.status == "ok":
            return parsed.value, parsed.unit, "ok"
    err = _error(cell)
    if err is not None:
        return None, None, "excel_error"
    if is_missing(cell):
        return None, None, "missing"
    if kind == "yes_no":
        yn = parse_yes_no(cell)
        if yn is not None:
            return (1.0 if yn else 0.0), None, "ok"
        appraisal = parse_appraisal(cell)
        if appraisal == s.MET:
            return 1.0, None, "ok"
        if appraisal == s.NOT_MET:
            return 0.0, None, "ok"
        if appraisal == s.BASICALLY_MET:
            return None, None, "appraisal"
        parsed = parse_number(cell)
        if parsed.status == "ok" and parsed.value in (0.0, 1.0):
            return parsed.value, None, "ok"
        return None, None, "not_number"
    parsed = parse_number(cell, percent=(kind == "percent"))
    if parsed.status == "ok":
        return parsed.value, parsed.unit, "ok"
    if parsed.status == "missing":
        return None, None, "missing"
    if parsed.status == "excel_error":
        return None, None, "excel_error"
    if parse_appraisal(cell) is not None or parse_yes_no(cell) is not None:
        return None, None, "appraisal"
    return None, None, "not_number"


def _is_bare_fraction(cell: object, kind: str) -> bool:
    """A numeric cell in (0, 1] of a percent indicator: read as a fraction, flagged."""
    return (
        kind == "percent"
        and isinstance(cell, int | float)
        and not isinstance(cell, bool)
        and 0 < cell <= 1
    )


# --------------------------------------------------------------------------- entry point


def parse_sheet(sheet: RawSheet, *, registry, catalog) -> SheetResult:
    """Detect the layout of one sheet and turn its rows into records (pure).

    ``registry`` matches commune names (:class:`~ntm_analysis.registry.Registry`),
    ``catalog`` gives the criteria set of each year
    (:class:`~ntm_analysis.catalog.Catalog`). Bad data never raises: it becomes
    rejects, findings and row counts in the returned :class:`SheetResult`.
    """
    rows, legacy, converted = _clean_cells(sheet.rows)
    non_empty = [i for i, row in enumerate(rows) if any(not _is_empty(v) for v in row)]
    notes: list[str] = []
    if not non_empty:
        b = _Builder(sheet, None)
        return b.result([], None, ["empty sheet"])
    commune_sets = [cs for cs in catalog.sets if cs.level == "commune"]
    header = _find_header(rows, commune_sets)
    b = _Builder(sheet, header.layout if header else None)
    if legacy:
        notes.append(f"{converted} cell(s) converted from {legacy}")
    matcher = _Matcher(registry)
    if header is None:
        for i in non_empty:
            b.reject(
                i,
                RejectReason.NO_HEADER,
                f"No table header (e.g. 'TT | Tên tiêu chí | Kết quả | Tự đánh giá', or "
                f"year/commune/indicator/value) in the first {config.HEADER_SEARCH_ROWS} rows "
                "of this sheet; its rows were not used.",
                raw=_first_text(rows[i]),
            )
        _legacy_finding(b, legacy, converted, None, None)
        return b.result(non_empty, legacy, notes)
    first_header = header.rows[0]
    for i in non_empty:
        if i < first_header:
            b.mark(i, TITLE)
        elif i in header.rows:
            b.mark(i, HEADER)
    titles = [t for i in non_empty if i < first_header for t in _text_cells(rows[i])]
    body = [i for i in non_empty if i > header.rows[-1]]
    if header.layout == s.LAYOUT_COMMUNE_REPORT:
        year, match = _report_context(b, titles, matcher, sheet)
        _parse_report(b, rows, body, header, year, match, catalog)
        _legacy_finding(b, legacy, converted, year, match.name if match and match.ok else None)
    elif header.layout == s.LAYOUT_DISTRICT_MATRIX:
        year = _context_year(b, titles, sheet)
        _parse_matrix(b, rows, body, header, year, matcher, catalog)
        _legacy_finding(b, legacy, converted, year, None)
    else:
        _parse_tidy(b, rows, body, header, matcher, catalog)
        _legacy_finding(b, legacy, converted, None, None)
    return b.result(non_empty, legacy, notes)


def _legacy_finding(b: _Builder, legacy, converted, year, commune) -> None:
    if legacy:
        label = {"tcvn3": "TCVN3 (.VnTime)", "vni": "VNI-Windows"}.get(legacy, legacy)
        b.finding(
            year,
            commune,
            "sheet",
            b.source(),
            FindingCheck.LEGACY_ENCODING,
            f"{converted} text cell(s) were typed in the legacy {label} font encoding and were "
            "converted to Unicode; check the converted text.",
        )


def _context_year(b: _Builder, titles: list[str], sheet: RawSheet) -> int | None:
    found = [
        (where, y)
        for where, y in (
            ("title", _title_year(titles)),
            ("sheet name", find_year(sheet.sheet) if sheet.sheet else None),
            ("file name", find_year(_strip_stem(sheet.file))),
        )
        if y is not None
    ]
    if not found:
        return None
    chosen_where, chosen = found[0]
    for where, y in found[1:]:
        if y != chosen:
            b.finding(
                chosen,
                None,
                "sheet",
                b.source(),
                FindingCheck.SOURCE_CONFLICT,
                f"The {chosen_where} gives the year {chosen} but the {where} gives {y}; "
                f"{chosen} was used.",
            )
    return chosen


def _report_context(b: _Builder, titles: list[str], matcher: _Matcher, sheet: RawSheet):
    """(year, UnitMatch or None) of a commune report, with source-conflict findings."""
    year = _context_year(b, titles, sheet)
    candidates = []
    title_match, _ = _title_commune(titles, matcher, year)
    if title_match is not None:
        candidates.append(("title", title_match))
    if sheet.sheet:
        m = matcher.find_in_text(sheet.sheet, year)
        if m is not None:
            candidates.append(("sheet name", m))
    m = matcher.find_in_text(_strip_stem(sheet.file).replace("_", " "), year)
    if m is not None:
        candidates.append(("file name", m))
    if not candidates:
        return year, None
    chosen_where, chosen = candidates[0]
    for where, m in candidates[1:]:
        if chosen.ok and m.ok and m.name != chosen.name:
            b.finding(
                year,
                chosen.name,
                "commune",
                chosen.name,
                FindingCheck.SOURCE_CONFLICT,
                f"The {chosen_where} names {chosen.name} but the {where} names {m.name}; "
                f"{chosen.name} was used.",
            )
    return year, chosen


# --------------------------------------------------------------------------- commune report


def _resolve_value_appraisal(
    rows: list[tuple[object, ...]], body: list[int], roles: dict[int, str]
) -> dict[int, str]:
    """Tell the value column from the appraisal column by content when headers are unclear."""
    cands = [j for j, r in roles.items() if r in ("value", "appraisal")]
    kinds = [roles[j] for j in cands]
    if len(cands) < 2 or (kinds.count("value") == 1 and kinds.count("appraisal") == 1):
        return roles
    share = {}
    for j in cands:
        cells = [rows[i][j] for i in body if j < len(rows[i]) and not _is_empty(rows[i][j])]
        hits = sum(1 for v in cells if parse_appraisal(v) is not None)
        share[j] = hits / len(cells) if cells else 0.0
    appraisal = max(cands, key=lambda j: (share[j], j))
    out = dict(roles)
    if share[appraisal] >= 0.5:
        rest = [j for j in cands if j != appraisal]
        value = min(rest, key=lambda j: (share[j], j))
        for j in cands:
            out[j] = "other"
        out[appraisal] = "appraisal"
        out[value] = "value"
    return out


def _cell(row: tuple[object, ...], j: int | None) -> object:
    if j is None or j >= len(row):
        return ""
    return row[j]


def _first_col(roles: dict[int, str], role: str) -> int | None:
    cols = sorted(j for j, r in roles.items() if r == role)
    return cols[0] if cols else None


def _row_code(row, tt, name, content) -> tuple[str | None, int | None]:
    """(code, column) of an indicator/criterion code in the TT cell or leading the text."""
    cell = _cell(row, tt)
    if not _is_empty(cell):
        code, _ = split_code(cell)
        if code is not None:
            return code, tt
    for j in (name, content):
        cell = _cell(row, j)
        if _is_empty(cell) or not isinstance(cell, str):
            continue
        code, _ = split_code(cell)
        if code is None:
            continue
        folded = _fold(cell)
        if "." in code or folded.startswith(("tieu chi", "tc")):
            return code, j
    return None, None


def _parse_report(b: _Builder, rows, body, header: _Header, year, match, catalog) -> None:
    roles = _resolve_value_appraisal(rows, body, header.roles)
    tt = _first_col(roles, "tt")
    name = _first_col(roles, "name")
    content = _first_col(roles, "content")
    target = _first_col(roles, "target")
    value_col = _first_col(roles, "value")
    appraisal_col = _first_col(roles, "appraisal")
    unit_col = _first_col(roles, "unit")
    contents = sorted(j for j, r in roles.items() if r == "content")
    if (
        target is None and len(contents) > 1
    ):  # "Nội dung tiêu chí | Chỉ tiêu": the 2nd is the target
        target = contents[1]
    if name is None and content is not None:
        name = content

    # the context of this sheet: year, commune, criteria set
    problem: tuple[str, str] | None = None
    cset = None
    if year is None:
        problem = (
            RejectReason.MISSING_YEAR,
            "No report year in the titles, sheet name or file name; add 'NĂM 2023' to the title "
            "or the year to the sheet name.",
        )
    elif match is None:
        problem = (
            RejectReason.MISSING_COMMUNE,
            "No commune name in the titles, sheet name or file name; add e.g. 'UBND XÃ QUẢNG TÂN' "
            "to the title.",
        )
    elif not match.ok:
        problem = (_MATCH_REASON.get(match.status, RejectReason.UNKNOWN_COMMUNE), match.message)
    else:
        try:
            cset = catalog.set_for_year(year)
        except Exception as exc:  # noqa: BLE001 - CatalogError
            problem = (
                RejectReason.NO_CRITERIA_SET,
                f"No commune criteria set covers the year {year} ({exc}).",
            )
    commune = match.name if match is not None and match.ok else None
    commune_code = match.code if match is not None and match.ok else None

    crit_rows: dict[str, int] = {}
    ind_seen: set[str] = set()
    after_table = False
    for i in body:
        row = rows[i]
        if _is_numbering_row(row):
            b.mark(i, HEADER)
            continue
        code, code_col = _row_code(row, tt, name, content)
        if code is None:
            kind = _signature_or_note(row)
            if kind is not None:
                b.mark(i, kind)
                if kind == SIGNATURE:
                    after_table = True
                continue
            label_cells = [_cell(row, j) for j in (tt, name, content) if j is not None]
            label = next((v for v in label_cells if not _is_empty(v)), None)
            if label is not None and _is_total_label(label):
                b.mark(i, TOTAL)
                continue
            if any(roman_heading(v) for v in label_cells if isinstance(v, str)):
                b.mark(i, SECTION)
                continue
            if _is_numbering_row(row):
                b.mark(i, HEADER)
                continue
            has_result = any(
                not _is_empty(_cell(row, j)) for j in (value_col, appraisal_col) if j is not None
            )
            crit = None
            if label is not None and cset is not None:
                crit = cset.match_criterion_name(label)
            elif label is not None and problem is not None:
                crit = next(
                    (c for cs in catalog.sets if (c := cs.match_criterion_name(label))), None
                )
            if crit is not None and has_result:
                code, code_col = crit.number, name
            elif not has_result or after_table:
                b.mark(i, SECTION if crit is not None else NOTE)
                continue
            else:
                b.reject(
                    i,
                    RejectReason.UNRECOGNISED_ROW,
                    f"The row has a result but no criterion or indicator code "
                    f"('{_as_text(label) or ''}'); write the code (e.g. 17.1) in the TT column "
                    "to use it.",
                    column=value_col if value_col is not None else appraisal_col,
                    raw=_cell(row, value_col) if value_col is not None else label,
                )
                continue
        if problem is not None:
            b.reject(i, problem[0], problem[1], column=code_col, raw=code)
            continue
        if (
            code in ind_seen
            and isinstance(_cell(row, code_col), float)
            and cset.indicator(code + "0") is not None
        ):
            code += "0"  # "17.10" typed as a number reads 17.1; the second 17.1 is 17.10
        _report_row(
            b, i, row, code, cset, year, commune, commune_code,
            target, value_col, appraisal_col, unit_col, crit_rows, ind_seen,
            text_cols=[j for j in (code_col, content, name) if j is not None],
        )  # fmt: skip

    if cset is not None and commune is not None:
        _check_stated_total(b, rows, year, commune, len(cset.criteria))
    # a single-indicator criterion row carries its indicator's value as well
    if cset is None:
        return
    for number, i in crit_rows.items():
        crit = cset.criterion(number)
        if crit is None or len(crit.indicators) != 1:
            continue
        ind = crit.indicators[0]
        if ind.code in ind_seen:
            continue
        row = rows[i]
        written = _row_wording(cset, ind.code, row, [content] if content is not None else [])
        _indicator_record(
            b, i, row, ind, year, commune, commune_code, target, value_col, appraisal_col,
            unit_col, reject_errors=False, indicator_text=written,
        )  # fmt: skip


def _report_row(
    b, i, row, code, cset, year, commune, commune_code,
    target, value_col, appraisal_col, unit_col, crit_rows, ind_seen, *, text_cols=(),
) -> None:  # fmt: skip
    set_label = f"{cset.name('en')} ({cset.id})"
    if "." not in code:
        crit = cset.criterion(code)
        if crit is None:
            b.reject(
                i,
                RejectReason.UNKNOWN_INDICATOR,
                f"Criterion {code} is not in the criteria set for {year}, {set_label}; "
                "check the number in the TT column.",
                raw=code,
            )
            return
        value_cell = _cell(row, value_col)
        appraisal_cell = _cell(row, appraisal_col)
        for j, cell in ((value_col, value_cell), (appraisal_col, appraisal_cell)):
            if j is not None and _error(cell) is not None:
                b.reject(
                    i,
                    RejectReason.EXCEL_ERROR,
                    f"Cell {b.col(j)}{b.row_number(i)} shows the Excel error {_error(cell)} "
                    f"for criterion {code}; fix the formula and re-send the file.",
                    column=j,
                    raw=cell,
                )
                return
        appraisal = parse_appraisal(appraisal_cell) if not _is_empty(appraisal_cell) else None
        if appraisal is None and not _is_empty(value_cell):
            appraisal = parse_appraisal(value_cell)
        single = len(crit.indicators) == 1
        if appraisal is None and _is_empty(value_cell) and not single:
            b.mark(i, BLANK_CRITERION)
            return
        if appraisal is None and _is_empty(value_cell) and single and _is_empty(appraisal_cell):
            b.mark(i, BLANK_CRITERION)
            return
        b.record(
            i,
            year=year,
            commune=commune,
            commune_code=commune_code,
            level=LEVEL_CRITERION,
            criterion=code,
            indicator=code,
            value=None,
            value_text=_as_text(value_cell),
            target_text=_as_text(_cell(row, target)),
            self_assessed=appraisal,
        )
        crit_rows.setdefault(code, i)
        return
    ind, written = _reported_indicator(cset, code, row, target, value_col, text_cols)
    if ind is None:
        b.reject(
            i,
            RejectReason.UNKNOWN_INDICATOR,
            f"Indicator {code} is not in the criteria set for {year}, {set_label}"
            + (
                f" (criterion {code.split('.')[0]} does not exist in it)"
                if cset.criterion_level
                else ""
            )
            + "; check the code or the report year.",
            raw=code,
        )
        return
    ind_seen.add(code)
    if cset.indicator(code) is None:
        b.note_unlisted(year, commune, cset, code)
    _indicator_record(
        b, i, row, ind, year, commune, commune_code, target, value_col, appraisal_col, unit_col,
        reject_errors=True, indicator_text=written,
    )  # fmt: skip


def _row_wording(cset, code, row, text_cols) -> str | None:
    """The indicator's wording as the row writes it ("Tỷ lệ hộ …" of "17.1. Tỷ lệ hộ …"):
    the first text column that holds more than the code and is not the criterion's name."""
    crit = cset.criterion(str(code).split(".")[0])
    name = fold_text(crit.name_vi) if crit is not None else None
    for j in text_cols:
        cell = _cell(row, j)
        if isinstance(cell, str) and not _is_empty(cell):
            found, rest = split_code(cell)
            text = rest if found == code else normalize_text(cell)
            if text and fold_text(text) != name:
                return text
    return None


def _reported_indicator(cset, code, row, target, value_col, text_cols):
    """(indicator, its wording as the row writes it): the catalog's indicator, or for a
    criterion-level set one taken from the row (None when its criterion is not in the set)."""
    text = _row_wording(cset, code, row, text_cols)
    if cset.indicator(code) is not None or not cset.criterion_level:
        return cset.indicator(code), text
    goal = parse_target(_cell(row, target)) if target is not None else None
    value_cell = _cell(row, value_col) if value_col is not None else None
    yes_no = (goal is not None and goal.op in ("yes", "no")) or (
        isinstance(value_cell, str) and parse_yes_no(value_cell) is not None
    )
    return cset.reported_indicator(code, text, kind="yes_no" if yes_no else "number"), text or None


def _indicator_record(
    b, i, row, ind, year, commune, commune_code, target, value_col, appraisal_col, unit_col,
    *, reject_errors: bool, indicator_text: str | None = None,
) -> None:  # fmt: skip
    value_cell = _cell(row, value_col)
    appraisal_cell = _cell(row, appraisal_col)
    if _error(appraisal_cell) is not None and reject_errors:
        b.reject(
            i,
            RejectReason.EXCEL_ERROR,
            f"Cell {b.col(appraisal_col)}{b.row_number(i)} shows the Excel error "
            f"{_error(appraisal_cell)} for indicator {ind.code}; fix it and re-send the file.",
            column=appraisal_col,
            raw=appraisal_cell,
        )
        return
    value, unit, status = _indicator_value(value_cell, ind.kind)
    if status == "excel_error":
        if reject_errors:
            b.reject(
                i,
                RejectReason.EXCEL_ERROR,
                f"Cell {b.col(value_col)}{b.row_number(i)} shows the Excel error "
                f"{_error(value_cell)} instead of the value of indicator {ind.code}; "
                "fix the formula and re-send the file.",
                column=value_col,
                raw=value_cell,
            )
        return
    appraisal = parse_appraisal(appraisal_cell) if not _is_empty(appraisal_cell) else None
    if status == "appraisal" and appraisal is None:
        appraisal = parse_appraisal(value_cell)
    if status == "not_number":
        if reject_errors:
            b.reject(
                i,
                RejectReason.UNPARSEABLE_VALUE,
                f"The value '{_as_text(value_cell)}' of indicator {ind.code} ({ind.kind}) is "
                "neither a number nor an appraisal; write a number (e.g. 95,5%) or Đạt / "
                "Chưa đạt.",
                column=value_col,
                raw=value_cell,
            )
        return
    if unit is None and unit_col is not None:
        unit = _as_text(_cell(row, unit_col))
    if unit is None and ind.kind == "percent" and value is not None:
        unit = "%"
    if _is_bare_fraction(value_cell, ind.kind) and commune is not None:
        b.finding(
            year,
            commune,
            LEVEL_INDICATOR,
            ind.code,
            FindingCheck.FRACTION_AS_PERCENT,
            f"Cell {b.col(value_col)}{b.row_number(i)} holds the bare number "
            f"{_as_text(value_cell)} for indicator {ind.code} (a percentage); it was read as "
            f"{_as_text(value)}%, the way Excel stores a % cell. If {_as_text(value_cell)}% was "
            "meant, write it with its % sign.",
            i,
        )
    b.record(
        i,
        year=year,
        commune=commune,
        commune_code=commune_code,
        level=LEVEL_INDICATOR,
        criterion=ind.criterion,
        indicator=ind.code,
        indicator_text=indicator_text,
        value=value,
        value_text=_as_text(value_cell),
        unit=unit,
        target_text=_as_text(_cell(row, target)),
        self_assessed=appraisal,
    )


# --------------------------------------------------------------------------- district matrix


def _parse_matrix(b: _Builder, rows, body, header: _Header, year, matcher, catalog) -> None:
    roles = header.roles
    tt = _first_col(roles, "tt")
    name_col = _first_col(roles, "commune")
    total_col = _first_col(roles, "total")
    first_crit = min(header.criteria)
    if name_col is None:  # the text column left of the criteria
        lefts = [
            j
            for j in range(first_crit)
            if j != tt and any(isinstance(_cell(rows[i], j), str) for i in body)
        ]
        name_col = lefts[-1] if lefts else None
    cset = None
    problem = None
    if year is None:
        problem = (
            RejectReason.MISSING_YEAR,
            "No year in the matrix titles, sheet name or file name; add 'NĂM 2023' to the title.",
        )
    else:
        try:
            cset = catalog.set_for_year(year)
        except Exception as exc:  # noqa: BLE001
            problem = (RejectReason.NO_CRITERIA_SET, f"No criteria set covers {year} ({exc}).")
    crit_cols = {
        j: n for j, n in header.criteria.items() if cset is None or cset.criterion(n) is not None
    }
    for i in body:
        row = rows[i]
        label = _cell(row, name_col)
        marks = [(j, _cell(row, j)) for j in crit_cols]
        kind = _signature_or_note(row)
        if kind is not None and (_is_empty(label) or kind == SIGNATURE):
            b.mark(i, kind)
            continue
        if _is_empty(label):
            if _is_total_label(_cell(row, tt)):
                b.mark(i, TOTAL)
            elif _is_numbering_row(row):
                b.mark(i, HEADER)
            elif all(_is_empty(v) for _, v in marks):
                b.mark(i, NOTE)
            else:
                b.reject(
                    i,
                    RejectReason.MISSING_COMMUNE,
                    "A matrix row has marks but no commune name; write the commune name.",
                    column=name_col,
                )
            continue
        if _is_total_label(label) or _is_numbering_row(row):
            b.mark(i, TOTAL if _is_total_label(label) else HEADER)
            continue
        if problem is not None:
            b.reject(i, problem[0], problem[1], column=name_col, raw=label)
            continue
        match = matcher.match(str(label), year)
        if not match.ok:
            if match.status == "not_a_commune":  # "Huyện Đầm Hà": a district total row
                b.mark(i, TOTAL)
                continue
            b.reject(
                i,
                _MATCH_REASON.get(match.status, RejectReason.UNKNOWN_COMMUNE),
                match.message,
                column=name_col,
                raw=label,
            )
            continue
        stated = None
        if total_col is not None:
            parsed = parse_number(_cell(row, total_col))
            stated = parsed.value if parsed.status == "ok" else None
        kept = 0
        met = 0
        for j, cell in marks:
            n = crit_cols[j]
            err = _error(cell)
            mark = None if err else parse_mark(cell)
            if mark is None:
                b.reject(
                    i,
                    RejectReason.EXCEL_ERROR if err else RejectReason.BAD_MARK,
                    (
                        f"Cell {b.col(j)}{b.row_number(i)} shows the Excel error {err} for "
                        f"criterion {n} of {match.name}."
                        if err
                        else f"'{_as_text(cell)}' in cell {b.col(j)}{b.row_number(i)} (criterion "
                        f"{n} of {match.name}) is not a known mark; use x / Đạt, CBĐ or leave "
                        "it empty for not met."
                    ),
                    column=j,
                    raw=cell,
                    whole_row=False,
                )
                continue
            kept += 1
            met += mark == s.MET
            b.record(
                i,
                year=year,
                commune=match.name,
                commune_code=match.code,
                level=LEVEL_CRITERION,
                criterion=n,
                indicator=n,
                value=None,
                value_text=_as_text(cell),
                self_assessed=mark,
                stated_total=stated,
            )
        if not kept:
            b.kinds[i] = "rejected"
            continue
        if stated is not None and kept == len(marks) and stated != met:
            b.finding(
                year,
                match.name,
                "total",
                "criteria_met",
                FindingCheck.MATRIX_TOTAL_MISMATCH,
                f"The matrix states {_as_text(stated)} criteria met for {match.name} but its "
                f"marks show {met}.",
                i,
            )


def _check_stated_total(b: _Builder, rows, year, commune: str, set_size: int) -> None:
    """Check "Đạt 19/19 tiêu chí" against the report's own criterion rows."""
    stated = find_stated_total(rows)
    if stated is None:
        return
    level, appraisal = _RECORD_INDEX["level"], _RECORD_INDEX["self_assessed"]
    number = _RECORD_INDEX["criterion"]
    appraised = {
        r[number]: r[appraisal]
        for r in b.records
        if r[level] == LEVEL_CRITERION and r[appraisal] is not None
    }
    if len(appraised) < (stated.out_of or set_size):
        return  # the rows do not cover what the statement counts
    met = sorted((n for n, a in appraised.items() if a == s.MET), key=_criterion_order)
    if len(met) == stated.met:
        return
    not_met = sorted((n for n, a in appraised.items() if a != s.MET), key=_criterion_order)
    b.finding(
        year,
        commune,
        "total",
        "criteria_met",
        FindingCheck.REPORT_TOTAL_MISMATCH,
        f"The report states '{stated.text}' for {commune} but its own criterion rows mark "
        f"{len(met)} as met (not met: {', '.join(not_met) or 'none'}).",
        stated.row,
    )


def _criterion_order(number: object) -> tuple:
    text = str(number)
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


_RECORD_INDEX = {name: k for k, name in enumerate(s.RECORD_COLUMNS)}


# --------------------------------------------------------------------------- tidy table


def _parse_tidy(b: _Builder, rows, body, header: _Header, matcher, catalog) -> None:
    roles = header.roles
    col = {r: _first_col(roles, r) for r in set(roles.values())}
    year_col, commune_col = col.get("year"), col.get("commune")
    ind_col, value_col = col.get("indicator"), col.get("value")
    sa_col, unit_col, target_col = col.get("self_assessed"), col.get("unit"), col.get("target")
    text_cols = [j for j in (ind_col, col.get("indicator_text")) if j is not None]
    sets: dict[int, object] = {}
    for i in body:
        row = rows[i]
        year_cell, name_cell, code_cell = (_cell(row, j) for j in (year_col, commune_col, ind_col))
        if _is_empty(year_cell) and _is_empty(name_cell) and _is_empty(code_cell):
            kind = _signature_or_note(row) or NOTE
            b.mark(i, kind)
            continue
        if _is_total_label(name_cell) or _is_total_label(year_cell):
            b.mark(i, TOTAL)
            continue
        year = find_year(year_cell)
        if year is None:
            b.reject(
                i,
                RejectReason.MISSING_YEAR,
                f"'{_as_text(year_cell) or ''}' is not a year; write the report year (e.g. 2023).",
                column=year_col,
                raw=year_cell,
            )
            continue
        if _is_empty(name_cell):
            b.reject(
                i, RejectReason.MISSING_COMMUNE, "The commune column is empty.", column=commune_col
            )
            continue
        match = matcher.match(str(name_cell), year)
        if not match.ok:
            b.reject(
                i,
                _MATCH_REASON.get(match.status, RejectReason.UNKNOWN_COMMUNE),
                match.message,
                column=commune_col,
                raw=name_cell,
            )
            continue
        if year not in sets:
            try:
                sets[year] = catalog.set_for_year(year)
            except Exception:  # noqa: BLE001
                sets[year] = None
        cset = sets[year]
        if cset is None:
            b.reject(
                i,
                RejectReason.NO_CRITERIA_SET,
                f"No commune criteria set covers the year {year}.",
                column=year_col,
                raw=year_cell,
            )
            continue
        code, _ = split_code(code_cell)
        if code is None:
            b.reject(
                i,
                RejectReason.UNKNOWN_INDICATOR,
                f"'{_as_text(code_cell) or ''}' is not an indicator or criterion code "
                "(e.g. 17.1 or 17).",
                column=ind_col,
                raw=code_cell,
            )
            continue
        value_cell = _cell(row, value_col)
        sa_cell = _cell(row, sa_col)
        if "." not in code:
            if cset.criterion(code) is None:
                b.reject(
                    i,
                    RejectReason.UNKNOWN_INDICATOR,
                    f"Criterion {code} is not in the criteria set for {year} ({cset.id}).",
                    column=ind_col,
                    raw=code_cell,
                )
                continue
            for j, cell in ((value_col, value_cell), (sa_col, sa_cell)):
                if j is not None and _error(cell) is not None:
                    b.reject(
                        i,
                        RejectReason.EXCEL_ERROR,
                        f"Cell {b.col(j)}{b.row_number(i)} shows the Excel error "
                        f"{_error(cell)}; fix it and re-send the file.",
                        column=j,
                        raw=cell,
                    )
                    break
            else:
                appraisal = parse_appraisal(sa_cell) if not _is_empty(sa_cell) else None
                if appraisal is None:
                    appraisal = parse_appraisal(value_cell)
                b.record(
                    i,
                    year=year,
                    commune=match.name,
                    commune_code=match.code,
                    level=LEVEL_CRITERION,
                    criterion=code,
                    indicator=code,
                    value=None,
                    value_text=_as_text(value_cell),
                    target_text=_as_text(_cell(row, target_col)),
                    self_assessed=appraisal,
                )
            continue
        ind, written = _reported_indicator(cset, code, row, None, value_col, text_cols)
        if ind is None:
            b.reject(
                i,
                RejectReason.UNKNOWN_INDICATOR,
                f"Indicator {code} is not in the criteria set for {year} ({cset.id}).",
                column=ind_col,
                raw=code_cell,
            )
            continue
        if cset.indicator(code) is None:
            b.note_unlisted(year, match.name, cset, code)
        _indicator_record(
            b, i, row, ind, year, match.name, match.code, target_col, value_col, sa_col,
            unit_col, reject_errors=True, indicator_text=written,
        )  # fmt: skip
