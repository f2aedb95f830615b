"""Cell-level parsing of commune spreadsheets: text, numbers, appraisals, codes, names.

Every function here is pure and total: it accepts any cell value a spreadsheet
reader can hand over (``str``, ``int``, ``float``, ``None``, ``NaN``,
``pd.NA``, ``datetime``, ``bool``...) and never raises on bad data.

Conventions worth knowing (see :func:`parse_number` for the full rule):

* Vietnamese writes numbers with a decimal comma and a thousands dot
  ("1.234,5"), but files typed on English-locale machines use the opposite.
* Missing is never zero: blank, "-", "N/A", "Không có số liệu"... parse to
  ``None`` with status ``"missing"``.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import functools
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass

from . import schema

__all__ = [
    "ParsedNumber",
    "Target",
    "TargetReading",
    "decode_text_bytes",
    "excel_error",
    "find_year",
    "fold_text",
    "is_missing",
    "neutralise_formula",
    "normalize_text",
    "parse_appraisal",
    "parse_mark",
    "parse_number",
    "parse_target",
    "read_target",
    "parse_yes_no",
    "roman_heading",
    "split_code",
    "split_unit_prefix",
]

# ----------------------------------------------------------------------------- text

#: Characters turned into a plain space by :func:`normalize_text`.
_SPACE_LIKE = "\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u3000"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_CONTROL_SPACE = "\r\n\t\v\f\x85\u2028\u2029"
_SPACE_TABLE = {ord(c): " " for c in _SPACE_LIKE + _ZERO_WIDTH + _CONTROL_SPACE}
_MULTI_SPACE = re.compile(r" {2,}")


def _never_raises(fallback):
    """Make a cell parser total: on any unexpected exception, return ``fallback``.

    Cell values come from untrusted files; a parser that raises would stop a
    whole ingestion run, so a surprise value is treated as unparseable instead.
    """

    def wrap(function):
        @functools.wraps(function)
        def total(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception:
                return fallback

        return total

    return wrap


def _is_nan_like(value: object) -> bool:
    """True for None, float NaN, pd.NA, pd.NaT and numpy NaN/NaT scalars."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str | bytes | bool | int):
        return False
    try:
        import pandas as pd

        result = pd.isna(value)
    except Exception:
        return False
    return result is True or (isinstance(result, bool) and result)


def _number_to_text(value: float) -> str:
    """Shortest text of a number: 12.0 -> "12", 0.5 -> "0.5"."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e16:
        return str(int(value))
    return repr(float(value))


def _to_text(value: object) -> str | None:
    """Best-effort text of any cell value, or None when it is empty."""
    if _is_nan_like(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("cp1258", errors="replace")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return _number_to_text(float(value))
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    try:
        return str(value)
    except Exception:
        return None


@_never_raises(None)
def normalize_text(value: object) -> str | None:
    """NFC text with spaces tidied; ``None`` for empty cells.

    Non-breaking, zero-width and control spaces (line breaks, tabs) become one
    plain space, runs of spaces collapse and the ends are stripped. Combining
    tone marks (what Windows-1258 decoding yields) are composed (NFC). Numbers
    become their shortest text (``12.0`` -> ``"12"``).

    >>> normalize_text("  Xa\\u0303\\u00a0 Qua\\u0309ng\\nTân ")
    'Xã Quảng Tân'
    >>> normalize_text("   ") is None
    True
    """
    text = _to_text(value)
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text.translate(_SPACE_TABLE))
    text = _MULTI_SPACE.sub(" ", text).strip()
    return text or None


_FOLD_KEEP = re.compile(r"[^a-z0-9]+")


@_never_raises("")
def fold_text(value: object) -> str:
    """Matching key: lower case, no diacritics, "đ" -> "d", only ``[a-z0-9 ]``.

    >>> fold_text("Xã  QUẢNG TÂN")
    'xa quang tan'
    >>> fold_text("Đầm Hà")
    'dam ha'
    """
    if isinstance(value, str):
        return _fold_str(value)
    return _fold_str(_to_text(value) or "")


@functools.lru_cache(maxsize=1 << 17)
def _fold_str(value: str) -> str:
    text = normalize_text(value)
    if text is None:
        return ""
    text = text.casefold().replace("đ", "d").replace("ð", "d")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _FOLD_KEEP.sub(" ", text).strip()


# ------------------------------------------------------------------ missing / errors

_MISSING_EXACT = frozenset(
    {"-", "--", "---", "–", "—", "n/a", "na", "#na", "...", "…", "..", ".", "?", "kcsl", "x/x"}
)
_MISSING_FOLDED = frozenset(
    {
        "khong co so lieu",
        "chua co so lieu",
        "khong co du lieu",
        "chua co du lieu",
        "kcsl",
        "n a",
        "na",
    }
)
_DASHES_DOTS = re.compile(r"^[\-–—.…_/\s]+$")


@_never_raises(False)
def is_missing(value: object) -> bool:
    """True for a cell that means "no value": blank, "-", "N/A", "Không có số liệu"...

    Excel errors such as "#N/A" are *not* missing (see :func:`excel_error`).

    >>> [is_missing(v) for v in (None, float("nan"), " ", "-", "N/A", "Không có số liệu", 0)]
    [True, True, True, True, True, True, False]
    """
    if _is_nan_like(value):
        return True
    if not isinstance(value, str):
        return False
    return _missing_str(value)


@functools.lru_cache(maxsize=1 << 17)
def _missing_str(value: str) -> bool:
    text = normalize_text(value)
    if text is None:
        return True
    if excel_error(text) is not None:
        return False
    low = text.casefold()
    if low in _MISSING_EXACT or _DASHES_DOTS.match(low):
        return True
    return fold_text(text) in _MISSING_FOLDED and low != "#n/a"


_EXCEL_ERRORS = (
    "#DIV/0!",
    "#REF!",
    "#VALUE!",
    "#N/A",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
)
_EXCEL_ERROR_BY_KEY = {e.replace(" ", ""): e for e in _EXCEL_ERRORS}
# Spellings that readers produce for the same errors (calamine enum names, LibreOffice).
_EXCEL_ERROR_ALIASES = {
    "#DIV0!": "#DIV/0!",
    "#DIV/0": "#DIV/0!",
    "DIV0": "#DIV/0!",
    "#NA": "#N/A",
    "#N/A!": "#N/A",
    "#NAME": "#NAME?",
    "#REF": "#REF!",
    "#VALUE": "#VALUE!",
    "#NUM": "#NUM!",
    "#NULL": "#NULL!",
    "ERR:502": "#VALUE!",
    "ERR:503": "#NUM!",
    "ERR:504": "#VALUE!",
    "ERR:522": "#VALUE!",
    "ERR:523": "#VALUE!",
}


@_never_raises(None)
def excel_error(value: object) -> str | None:
    """The canonical Excel error code of a cell ("#DIV/0!", "#N/A"...), else None.

    >>> excel_error(" #div/0! "), excel_error("#N/A"), excel_error("95%")
    ('#DIV/0!', '#N/A', None)
    """
    if _is_nan_like(value) or isinstance(value, bool | numbers.Number):
        return None
    text = _to_text(value)
    if text is None or len(text) > 40:
        return None
    key = text.strip().upper().replace(" ", "")
    if key.startswith("CELLERROR") or key.startswith("ERRORTYPE"):
        key = "#" + key.split(".", 1)[-1]
    if key in _EXCEL_ERROR_BY_KEY:
        return _EXCEL_ERROR_BY_KEY[key]
    return _EXCEL_ERROR_ALIASES.get(key)


# --------------------------------------------------------------------------- numbers


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from a cell.

    ``status`` is ``"ok"``, ``"missing"``, ``"not_number"`` or ``"excel_error"``;
    ``value`` is ``None`` unless the status is ``"ok"``.
    """

    value: float | None
    unit: str | None
    status: str

    @property
    def ok(self) -> bool:
        """True when a number was read."""
        return self.status == "ok"


_MISSING_NUMBER = ParsedNumber(None, None, "missing")
_NOT_NUMBER = ParsedNumber(None, None, "not_number")
_ERROR_NUMBER = ParsedNumber(None, None, "excel_error")

_APPROX_PREFIX = re.compile(
    r"^(?:kho[ảa]ng|x[ấa]p x[ỉi]|g[ầa]n|ước|uoc|ước tính|ca\.|~|≈|∼|±)\s*", re.IGNORECASE
)
_NUMBER_HEAD = re.compile(
    r"^(?P<sign>[+\-−–])?\s*(?P<num>\d+(?:[.,\u00a0 ]\d+)*(?:[.,]\d+)?)(?P<rest>.*)$", re.DOTALL
)
_SCIENTIFIC = re.compile(r"^[+\-]?(?:\d+\.?\d*|\.\d+)[eE][+\-]?\d+$")
_UNIT_TEXT = re.compile(r"^(?:%|‰|[^\W\d_]|[/.()\-²³·*]|(?<=[mM])[23](?![\w])|\s)*$", re.UNICODE)
_MAX_UNIT_LEN = 40


def _parse_with_mark(num: str, mark: str) -> float | None:
    """Parse digits whose decimal mark is known; the other separator groups thousands."""
    thousands = "," if mark == "." else "."
    int_part, _, frac = num.partition(mark)
    if frac and not frac.isdigit():
        return None
    groups = int_part.split(thousands)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        return None
    return float("".join(groups) + ("." + frac if frac else ""))


def _parse_digits(num: str, decimal_mark: str | None = None) -> float | None:
    """Parse digits with separators under the documented dot/comma rule."""
    num = num.replace("\u00a0", " ")
    if decimal_mark in (".", ",") and " " not in num:
        return _parse_with_mark(num, decimal_mark)
    if " " in num:
        groups = num.split(" ")
        head = groups[0]
        # space as thousands separator: "1 234" or "1 234,5"
        tail = groups[-1]
        middle = groups[1:-1]
        last_int = re.split(r"[.,]", tail, maxsplit=1)[0]
        if not (1 <= len(head) <= 3 and head.isdigit()):
            return None
        if any(len(g) != 3 or not g.isdigit() for g in middle) or len(last_int) != 3:
            return None
        if any(c in head for c in ".,"):
            return None
        num = "".join(groups)
        if "," in num and "." in num:
            return None
        return _parse_digits(num.replace(".", ",") if "." in num else num)
    has_dot, has_comma = "." in num, "," in num
    if has_dot and has_comma:
        decimal = "." if num.rfind(".") > num.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        int_part, _, frac = num.rpartition(decimal)
        if decimal in int_part:
            return None
        groups = int_part.split(thousands)
        if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
            return None
        return float("".join(groups) + "." + frac)
    sep = "." if has_dot else "," if has_comma else None
    if sep is None:
        return float(num)
    groups = num.split(sep)
    if len(groups) > 2:
        # several of the same separator: thousands grouping ("1.234.567")
        if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
            return None
        return float("".join(groups))
    int_part, frac = groups
    if sep == "." and len(frac) == 3 and 1 <= len(int_part) <= 3 and int_part != "0":
        return float(int_part + frac)  # "1.234" -> 1234 (thousands dot)
    return float(int_part + "." + frac)


def parse_number(
    value: object, *, percent: bool = False, decimal: str | None = None
) -> ParsedNumber:
    """Read a number, and the unit written after it, from any cell.

    Rules, in order:

    * missing cells (see :func:`is_missing`) -> status ``"missing"``; Excel
      errors -> ``"excel_error"``; ``bool`` and dates -> ``"not_number"``.
    * numeric cells pass through. With ``percent=True`` a numeric cell with
      ``0 <= x <= 1`` is a fraction that Excel displays as a percentage, so it
      is multiplied by 100 (``0.955`` -> ``95.5``); text is never scaled.
    * text: a leading "khoảng" / "~" / "≈" is dropped, then a signed number,
      then an optional unit ("%", "km", "triệu đồng/người/năm"). Separators:
      with both "." and ",", the later one is the decimal separator
      ("1.234,5" and "1,234.5" -> 1234.5). A repeated separator groups
      thousands ("1.234.567"). A single comma is always decimal, the
      Vietnamese way ("1,234" -> 1.234, "95,5" -> 95.5). A single dot is a
      thousands dot only when exactly three digits follow and one to three
      non-zero-led digits precede it ("1.234" -> 1234, "12.500" -> 12500);
      otherwise it is decimal ("95.5", "0.955", "1234.5").
    * ``decimal="."`` or ``decimal=","`` overrides the guess when the caller
      knows the file's convention (a CSV column): "12.345" with ``decimal="."``
      is 12.345, and the other separator may only group thousands.
    * anything after the number that does not look like a unit (for example
      more digits, as in "12/15" or "2021-2025") -> ``"not_number"``.

    >>> parse_number("95,5%")
    ParsedNumber(value=95.5, unit='%', status='ok')
    >>> parse_number("45,3 triệu đồng/người/năm").unit
    'triệu đồng/người/năm'
    >>> parse_number(0.955, percent=True).value
    95.5
    >>> parse_number("Không có số liệu").status
    'missing'
    """
    try:
        return _parse_number(value, percent=percent, decimal_mark=decimal)
    except Exception:
        return _NOT_NUMBER


def _parse_number(value: object, *, percent: bool, decimal_mark: str | None) -> ParsedNumber:
    if is_missing(value):
        return _MISSING_NUMBER
    if isinstance(value, bool):
        return _NOT_NUMBER
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if not math.isfinite(number):
            return _NOT_NUMBER
        if percent:
            if 0 <= number <= 1:
                number = round(number * 100, 10)
            return ParsedNumber(number, "%", "ok")
        return ParsedNumber(number, None, "ok")
    if not isinstance(value, str):
        return _ERROR_NUMBER if excel_error(value) is not None else _NOT_NUMBER
    return _parse_number_str(value, decimal_mark)


@functools.lru_cache(maxsize=1 << 17)
def _parse_number_str(value: str, decimal_mark: str | None) -> ParsedNumber:
    if excel_error(value) is not None:
        return _ERROR_NUMBER
    text = normalize_text(value)
    if text is None:
        return _MISSING_NUMBER
    text = _APPROX_PREFIX.sub("", text)
    if _SCIENTIFIC.match(text):
        number = float(text)
        return ParsedNumber(number, None, "ok") if math.isfinite(number) else _NOT_NUMBER
    match = _NUMBER_HEAD.match(text)
    if not match:
        return _NOT_NUMBER
    number = _parse_digits(match["num"].strip(), decimal_mark)
    if number is None:
        return _NOT_NUMBER
    if match["sign"] and match["sign"] != "+":
        number = -number
    rest = match["rest"].strip().rstrip(".,;").strip()
    unit = None
    if rest and not _UNIT_TEXT.match(rest):
        repaired = _legacy_repaired(rest)  # a unit typed in a legacy font
        if repaired is not None:
            rest = repaired
    if rest:
        if len(rest) > _MAX_UNIT_LEN or not _UNIT_TEXT.match(rest):
            return _NOT_NUMBER
        if rest[0] in ".,/":
            return _NOT_NUMBER
        unit = rest
    return ParsedNumber(number, unit, "ok")


# ------------------------------------------------------------------------ appraisals

_TICKS = frozenset("✓✔☑√✅")
_APPRAISAL_BY_FOLD = {
    "dat": schema.MET,
    "d": schema.MET,
    "x": schema.MET,
    "da dat": schema.MET,
    "dat chuan": schema.MET,
    "co ban dat": schema.BASICALLY_MET,
    "cbd": schema.BASICALLY_MET,
    "c b d": schema.BASICALLY_MET,
    "co ban": schema.BASICALLY_MET,
    "chua dat": schema.NOT_MET,
    "khong dat": schema.NOT_MET,
    "cd": schema.NOT_MET,
    "kd": schema.NOT_MET,
    "c d": schema.NOT_MET,
    "chua dat chuan": schema.NOT_MET,
}


def _legacy_repaired(value: object) -> str | None:
    """The text of a cell converted from TCVN3/VNI, or None when it is not legacy text."""
    if not isinstance(value, str):
        return None
    try:
        from .legacy_fonts import repair_text

        text, encoding = repair_text(value)
    except Exception:
        return None
    return text if encoding else None


@_never_raises(None)
def parse_appraisal(value: object) -> str | None:
    """The commune's own appraisal: ``schema.MET`` / ``BASICALLY_MET`` / ``NOT_MET``, or None.

    Case, spacing and missing diacritics are tolerated ("Dat", "CBD", "Chua dat");
    text typed in a legacy font ("§¹t") is converted first.

    >>> parse_appraisal(" ĐẠT "), parse_appraisal("CBĐ"), parse_appraisal("Chưa đạt")
    ('met', 'basically_met', 'not_met')
    >>> parse_appraisal("95%") is None
    True
    """
    return _appraisal_str(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=1 << 16)
def _appraisal_str(value: str) -> str | None:
    text = normalize_text(value)
    if text is None:
        return None
    if text in _TICKS:
        return schema.MET
    key = fold_text(text.rstrip(".!"))
    found = _APPRAISAL_BY_FOLD.get(key)
    if found is None and key.replace(" ", "") in ("cbd", "cd", "kd"):
        found = _APPRAISAL_BY_FOLD[key.replace(" ", "")]
    if found is None:
        repaired = _legacy_repaired(text)
        if repaired is not None:
            return parse_appraisal(repaired)
    return found


_NOT_MET_BLANKS = frozenset({"-", "--", "–", "—"})


@_never_raises(None)
def parse_mark(value: object) -> str | None:
    """A district-matrix cell as ``MET`` / ``BASICALLY_MET`` / ``NOT_MET``; None if unknown.

    Met: "x", "Đ", "Đạt", "1", ``1``, "✓". Not met: blank, ``None``, "-", "CĐ",
    "Chưa đạt", "0", ``0``. Basically met: "CBĐ", "Cơ bản đạt".

    >>> parse_mark(" x "), parse_mark(1.0), parse_mark(None), parse_mark("CBĐ"), parse_mark("?")
    ('met', 'met', 'not_met', 'basically_met', None)
    """
    if _is_nan_like(value):
        return schema.NOT_MET
    if isinstance(value, bool):
        return schema.MET if value else schema.NOT_MET
    if isinstance(value, numbers.Real):
        number = float(value)
        if number == 1:
            return schema.MET
        if number == 0:
            return schema.NOT_MET
        return None
    if not isinstance(value, str):
        return None
    text = normalize_text(value)
    if text is None or text in _NOT_MET_BLANKS:
        return schema.NOT_MET
    if text in ("1", "1.0", "1,0"):
        return schema.MET
    if text in ("0", "0.0", "0,0"):
        return schema.NOT_MET
    return parse_appraisal(text)


_YES = frozenset({"co", "dat", "d", "x", "yes", "y", "da co", "co dat", "true", "dung", "roi"})
_NO = frozenset(
    {
        "khong",
        "chua dat",
        "chua co",
        "no",
        "cd",
        "kd",
        "n",
        "khong co",
        "khong dat",
        "chua",
        "false",
        "sai",
    }
)


@_never_raises(None)
def parse_yes_no(value: object) -> bool | None:
    """A yes/no cell: "Có", "Đạt", "x", "Yes" -> True; "Không", "Chưa có", "No" -> False.

    >>> parse_yes_no("Có"), parse_yes_no("chưa đạt"), parse_yes_no("95%")
    (True, False, None)
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Real) and not _is_nan_like(value):
        return True if float(value) == 1 else False if float(value) == 0 else None
    text = normalize_text(value) if isinstance(value, str) else None
    if text is None:
        return None
    if text in _TICKS:
        return True
    key = fold_text(text.rstrip(".!"))
    if key in _YES:
        return True
    if key in _NO:
        return False
    repaired = _legacy_repaired(text)
    return parse_yes_no(repaired) if repaired is not None else None


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    """A target or threshold as written in a report ("≥ 95%", "Đạt")."""

    op: str  # ">=" | "<=" | ">" | "<" | "=" | "yes" | "no"
    value: float | None
    unit: str | None
    text: str


_SYMBOL_OP = re.compile(r"^(?P<op>≥|≧|>=|=>|≤|≦|<=|=<|>|<|=|⩾|⩽)\s*")
_SYMBOL_TO_OP = {
    "≥": ">=",
    "≧": ">=",
    "⩾": ">=",
    ">=": ">=",
    "=>": ">=",
    "≤": "<=",
    "≦": "<=",
    "⩽": "<=",
    "<=": "<=",
    "=<": "<=",
    ">": ">",
    "<": "<",
    "=": "=",
}
# Word forms, matched on folded text (longest first). Value: (op, folded prefix).
_WORD_OPS = (
    ("khong vuot qua", "<="),
    ("khong qua", "<="),
    ("khong lon hon", "<="),
    ("khong cao hon", "<="),
    ("khong thap hon", ">="),
    ("khong nho hon", ">="),
    ("khong duoi", ">="),
    ("toi thieu", ">="),
    ("it nhat", ">="),
    ("toi da", "<="),
    ("nho hon hoac bang", "<="),
    ("lon hon hoac bang", ">="),
    ("nho hon", "<"),
    ("lon hon", ">"),
    ("cao hon", ">"),
    ("thap hon", "<"),
    ("duoi", "<"),
    ("tren", ">"),
    ("bang", "="),
    ("dat", ">="),  # "Đạt 100%"
    ("tu", ">="),  # "Từ 95% trở lên"
)
_TRAILING_WORDS = re.compile(
    r"\s*(?:tr[ởo] l[êe]n|tr[ởo] xu[ốo]ng|tr[ởo] v[ềe] tr[ưu][ớo]c)\s*$", re.IGNORECASE
)
_PARENTHETICAL = re.compile(r"\s*\([^()]*\)\s*")
_YES_TARGETS = frozenset({"dat", "co", "dat chuan", "yes", "x", "dat yeu cau", "hoan thanh"})
_NO_TARGETS = frozenset({"khong", "khong co", "no"})
#: Units written several ways, by their folded spelling -> the spelling used here.
_MONEY = "triệu đồng/người/năm"
_UNIT_ALIASES = {
    "phan tram": "%",
    "tr d nguoi nam": _MONEY,
    "trd nguoi nam": _MONEY,
    "tr dong nguoi nam": _MONEY,
    "trieu nguoi nam": _MONEY,
    "trieu dong nguoi nam": _MONEY,
    "trieu dong nguoi": _MONEY,
    "trieu dong nguoi nam nam": _MONEY,
}


def _target_unit(unit: str | None) -> str | None:
    """The unit of a target, without what it counts ("% số hộ" -> "%").

    >>> _target_unit("% số hộ"), _target_unit("tr.đ/người/năm"), _target_unit(None)
    ('%', 'triệu đồng/người/năm', None)
    """
    if unit is None:
        return None
    unit = _TRAILING_WORDS.sub("", unit).strip()
    if not unit:
        return None
    if unit.startswith("%"):
        return "%"
    return _UNIT_ALIASES.get(fold_text(unit), unit)


def parse_target(value: object) -> Target | None:
    """Read a target ("Chỉ tiêu") cell into an operator, a value and a unit.

    A bare number means "at least" ("100%" -> ">= 100"); "Dưới 2%" is "< 2",
    "Tối đa 2%" is "<= 2". "Đạt" / "Có" -> op ``"yes"``; "Không" / "Không có"
    -> op ``"no"``. The unit drops what the figure counts ("100% số hộ" ->
    "%"). ``None`` when the cell is empty or cannot be read (see
    :func:`read_target` to tell the two apart).

    >>> parse_target("≥ 95%")
    Target(op='>=', value=95.0, unit='%', text='≥ 95%')
    >>> parse_target("Từ 95% trở lên").op, parse_target("Dưới 2%").op, parse_target("Đạt").op
    ('>=', '<', 'yes')
    """
    try:
        return _parse_target(value)
    except Exception:
        return None


#: Status of a :class:`TargetReading`.
TARGET_OK = "ok"
TARGET_MISSING = "missing"
TARGET_UNPARSED = "unparsed"


@dataclass(frozen=True)
class TargetReading:
    """What a target cell holds: a :class:`Target`, nothing, or text that is not a target.

    ``status`` is ``"ok"`` (``target`` is set), ``"missing"`` (an empty cell)
    or ``"unparsed"`` (``text`` is what was written, ``target`` is ``None``).
    """

    status: str
    target: Target | None
    text: str | None

    @property
    def ok(self) -> bool:
        """True when a target was read."""
        return self.status == TARGET_OK


def read_target(value: object) -> TargetReading:
    """Read a target cell and say whether it was a target, empty, or unreadable.

    Never raises: whatever the cell holds, the answer is one of the three.

    >>> read_target("Tối thiểu 95%").target.value, read_target(None).status
    (95.0, 'missing')
    >>> read_target("Theo kế hoạch của huyện")
    TargetReading(status='unparsed', target=None, text='Theo kế hoạch của huyện')
    """
    try:
        target = _parse_target(value)
    except Exception:
        target = None
    if target is not None:
        return TargetReading(TARGET_OK, target, target.text)
    try:
        text = str(value) if isinstance(value, bool) else normalize_text(value)
        empty = text is None or (is_missing(text) and excel_error(value) is None)
    except Exception:
        text, empty = None, True
    if empty:
        return TargetReading(TARGET_MISSING, None, None)
    return TargetReading(TARGET_UNPARSED, None, text)


def _parse_target(value: object) -> Target | None:
    if isinstance(value, bool) or excel_error(value) is not None:
        return None
    text = normalize_text(value)
    if text is None or is_missing(text):
        return None
    if isinstance(value, numbers.Real):
        parsed = parse_number(value)
        return Target(">=", parsed.value, None, text) if parsed.ok else None
    text = _legacy_repaired(text) or text  # "Tèi thiÓu 95%" typed in TCVN3
    plain = _PARENTHETICAL.sub(" ", text).strip() or text
    folded = fold_text(plain)
    if folded in _YES_TARGETS or (folded.startswith("dat ") and not re.search(r"\d", plain)):
        return Target("yes", None, None, text)
    if folded in _NO_TARGETS:
        return Target("no", None, None, text)
    body = text
    op = None
    trailing = _TRAILING_WORDS.search(body)
    if trailing:
        body = body[: trailing.start()]
        op = "<=" if "xu" in fold_text(trailing.group()) else ">="
    symbol = _SYMBOL_OP.match(body)
    if symbol:
        op = _SYMBOL_TO_OP[symbol["op"]]
        body = body[symbol.end() :]
    else:
        first_digit = re.search(r"[\d+\-−≥≤<>=]", body)
        head = body[: first_digit.start()] if first_digit else body
        head = re.sub(r"\s+(?:l[àa]|b[ằa]ng|:)\s*$", " ", head, flags=re.IGNORECASE)
        head_folded = fold_text(head)
        if head_folded:
            for words, word_op in _WORD_OPS:
                if head_folded == words:
                    op = op if (words in ("tu", "dat") and op) else word_op
                    break
            else:
                return None
            body = body[first_digit.start() :] if first_digit else ""
            symbol = _SYMBOL_OP.match(body.strip())
            if symbol:
                op = _SYMBOL_TO_OP[symbol["op"]]
                body = body.strip()[symbol.end() :]
    body = _PARENTHETICAL.sub(" ", body).strip()
    parsed = parse_number(body)
    if not parsed.ok:
        return None
    return Target(op or ">=", parsed.value, _target_unit(parsed.unit), text)


# ----------------------------------------------------------------------------- codes

_CODE_HEAD = re.compile(
    r"^(?P<major>\d{1,2})(?:\.(?P<minor>\d{1,2}))?(?P<tail>\.?)(?=$|[\s:)\-–.])"
)
_CODE_COMMA = re.compile(r"^(?P<major>\d{1,2}),(?P<minor>\d{1,2})$")
_CODE_PREFIX = re.compile(
    r"^(?:ti[êe]u ch[íi]|ch[ỉi] ti[êe]u|tc)\s*(?:s[ốo]\s*)?\.?\s*(?=\d)", re.IGNORECASE
)
_CODE_SEPARATORS = " .:)-–—"


def _code_text(major: str, minor: str | None) -> str | None:
    m = int(major)
    if not 1 <= m <= 99:
        return None
    if minor is None:
        return str(m)
    n = int(minor)
    return f"{m}.{n}" if 1 <= n <= 99 else None


def split_code(value: object) -> tuple[str | None, str]:
    """Split a leading criterion / indicator code ("17", "17.1") from its text.

    >>> split_code("17.1. Tỷ lệ hộ")
    ('17.1', 'Tỷ lệ hộ')
    >>> split_code(2.1), split_code("Tiêu chí 5: Trường học"), split_code("a)")
    (('2.1', ''), ('5', 'Trường học'), (None, 'a)'))
    """
    try:
        return _split_code(value)
    except Exception:
        return None, normalize_text(value) or "" if isinstance(value, str) else ""


def _split_code(value: object) -> tuple[str | None, str]:
    if isinstance(value, bool) or _is_nan_like(value):
        return None, ""
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            return None, ""
        text = f"{number:.6f}".rstrip("0").rstrip(".")
        match = re.fullmatch(r"(\d{1,2})(?:\.(\d{1,2}))?", text)
        if match:
            code = _code_text(match[1], match[2])
            if code:
                return code, ""
        return None, normalize_text(value) or ""
    text = normalize_text(value)
    if text is None:
        return None, ""
    body = text
    prefix = _CODE_PREFIX.match(body)
    if prefix:
        body = body[prefix.end() :]
    comma = _CODE_COMMA.match(body)
    if comma:
        code = _code_text(comma["major"], comma["minor"])
        return (code, "") if code else (None, text)
    match = _CODE_HEAD.match(body)
    if not match:
        return None, text
    code = _code_text(match["major"], match["minor"])
    if code is None:
        return None, text
    rest = body[match.end() :].lstrip(_CODE_SEPARATORS).strip()
    return code, rest


_ROMAN = re.compile(r"^(?P<r>XIII|XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I)(?:$|[\s.:)\-–—])")


@_never_raises(None)
def roman_heading(value: object) -> str | None:
    """The Roman numeral of a section heading ("IV. VĂN HÓA - XÃ HỘI") or None.

    Upper-case numerals only; a bare "X" is a met mark, not a heading.

    >>> roman_heading("II. KINH TẾ"), roman_heading("IV"), roman_heading("Xã Quảng Tân")
    ('II', 'IV', None)
    """
    if not isinstance(value, str):
        return None
    text = normalize_text(value)
    if text is None or text == "X":
        return None
    match = _ROMAN.match(text)
    if not match:
        return None
    return match["r"]


# --------------------------------------------------------------------- unit prefixes

_UBND = re.compile(r"^(?:ubnd|[ủu]y ban nh[âa]n d[âa]n|u[ỷy] ban nh[âa]n d[âa]n)\s+", re.IGNORECASE)
_UNIT_PREFIXES = (
    ("thị xã", re.compile(r"^(?:th[ịi] x[ãa]\s*:?\s+|tx(?:\.\s*|\s+))", re.IGNORECASE)),
    (
        "thị trấn",
        re.compile(r"^(?:th[ịi] tr[ấa]n\s*:?\s+|t\.?t(?:\.\s*|\s+))", re.IGNORECASE),
    ),
    ("thành phố", re.compile(r"^(?:th[àa]nh ph[ốo]\s*:?\s+|tp(?:\.\s*|\s+))", re.IGNORECASE)),
    ("xã", re.compile(r"^(?:x[ãa]\s*:?\s+|x\.\s*)", re.IGNORECASE)),
    ("phường", re.compile(r"^(?:ph[ưu][ờo]ng\s*:?\s+|p\.\s*)", re.IGNORECASE)),
    ("huyện", re.compile(r"^(?:huy[ệe]n\s*:?\s+|h\.\s*)", re.IGNORECASE)),
    ("quận", re.compile(r"^(?:qu[ậa]n\s*:?\s+|q\.\s*)", re.IGNORECASE)),
    ("tỉnh", re.compile(r"^(?:t[ỉi]nh\s*:?\s+)", re.IGNORECASE)),
)


@_never_raises((None, ""))
def split_unit_prefix(value: object) -> tuple[str | None, str]:
    """Split an administrative-unit prefix ("xã", "TT", "Huyện"...) from a name.

    Returns the canonical lower-case prefix ("xã", "thị trấn", "phường",
    "huyện", "tỉnh", "thị xã", "thành phố", "quận") and the normalised name
    in its own case. A leading "UBND" / "Ủy ban nhân dân" is dropped.

    >>> split_unit_prefix("UBND XÃ QUẢNG TÂN")
    ('xã', 'QUẢNG TÂN')
    >>> split_unit_prefix("TT. Đầm Hà"), split_unit_prefix("Quảng Tân")
    (('thị trấn', 'Đầm Hà'), (None, 'Quảng Tân'))
    """
    text = normalize_text(value)
    if text is None:
        return None, ""
    body = _UBND.sub("", text, count=1)
    for canonical, pattern in _UNIT_PREFIXES:
        match = pattern.match(body)
        if match:
            name = body[match.end() :].strip(" :,-")
            if name:
                return canonical, name
    return None, text


# ----------------------------------------------------------------------------- years

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_YEAR_RANGE = re.compile(
    r"(?<!\d)(\d{4})\s*(?:-|–|—|/|đến|den|tới|toi|to|~)\s*(\d{4})(?!\d)", re.IGNORECASE
)


@_never_raises(None)
def find_year(value: object, *, lo: int = 2000, hi: int = 2039) -> int | None:
    """The one report year named in a title, sheet or file name, else None.

    A range ("2021-2025", "giai đoạn 2021 - 2025") is not a report year and is
    ignored; several distinct years give None.

    >>> find_year("BÁO CÁO ... NĂM 2023"), find_year("quang_tan_2023.xlsx"), find_year("2021-2025")
    (2023, 2023, None)
    """
    if isinstance(value, bool) or _is_nan_like(value):
        return None
    if isinstance(value, _dt.date):
        return value.year if lo <= value.year <= hi else None
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isfinite(number) and number == int(number) and lo <= number <= hi:
            return int(number)
        return None
    text = normalize_text(value)
    if text is None:
        return None
    text = _YEAR_RANGE.sub(" ", text)
    years = {int(y) for y in _YEAR.findall(text) if lo <= int(y) <= hi}
    return years.pop() if len(years) == 1 else None


# ---------------------------------------------------------------------------- export

_FORMULA_START = ("=", "+", "-", "@")


def neutralise_formula(value: object) -> object:
    """Prefix "'" to text that a spreadsheet would run as a formula; other values unchanged.

    >>> neutralise_formula("=1+1"), neutralise_formula(" @SUM(A1)"), neutralise_formula(-5)
    ("'=1+1", "' @SUM(A1)", -5)
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "\t\r" or value.lstrip(" ").startswith(_FORMULA_START):
        return "'" + value
    return value


# ------------------------------------------------------------------------- decoding


def decode_text_bytes(data: bytes) -> tuple[str, str]:
    """Decode a CSV file's bytes; returns (NFC text, encoding name).

    UTF-8 with BOM -> "utf-8-sig"; UTF-16 with BOM -> "utf-16"; BOM-less
    UTF-16 -> "utf-16-le" / "utf-16-be"; valid UTF-8 -> "utf-8"; anything else
    is taken as Windows Vietnamese, "cp1258" (its combining tone marks are
    composed).

    >>> decode_text_bytes("Đạt".encode("utf-8-sig"))
    ('Đạt', 'utf-8-sig')
    >>> decode_text_bytes(unicodedata.normalize("NFD", "Đạt").encode("cp1258"))
    ('Đạt', 'cp1258')
    """
    data = bytes(data or b"")
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data.decode("utf-8-sig", errors="replace"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = data.decode("utf-16", errors="replace"), "utf-16"
    else:
        head = data[:4096]
        even_nuls = head[0::2].count(0)
        odd_nuls = head[1::2].count(0)
        half = max(len(head) // 2, 1)
        if len(head) >= 2 and max(even_nuls, odd_nuls) >= 0.3 * half and even_nuls != odd_nuls:
            encoding = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
            text = data.decode(encoding, errors="replace")
        else:
            try:
                text, encoding = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                text, encoding = data.decode("cp1258", errors="replace"), "cp1258"
    return unicodedata.normalize("NFC", text), encoding
