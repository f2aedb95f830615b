"""Cell-level parsing of what departments type into task workbooks: deadlines and money.

Like :mod:`ntm_analysis.parsing`, every function here is pure and total: any
cell value goes in (text, number, date, ``None``...), a result comes out, and
nothing raises on bad data. Numbers are read with
:func:`ntm_analysis.parsing.parse_number`, so "1.200" (thousands dot) and
"1,5" (decimal comma) follow the same rule as everywhere else in the tool.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import math
import numbers
import re
from dataclasses import dataclass

from .parsing import fold_text, is_missing, normalize_text, parse_number

__all__ = [
    "DEADLINE_DAY",
    "DEADLINE_MONTH",
    "DEADLINE_QUARTER",
    "DEADLINE_YEAR",
    "ParsedDeadline",
    "ParsedMoney",
    "excel_serial_to_date",
    "parse_deadline",
    "parse_money_million",
]

STATUS_OK = "ok"
STATUS_MISSING = "missing"
STATUS_UNREADABLE = "unreadable"

#: How precisely a deadline was written; a month, quarter or year means its last day.
DEADLINE_DAY = "day"
DEADLINE_MONTH = "month"
DEADLINE_QUARTER = "quarter"
DEADLINE_YEAR = "year"

#: Years a deadline may fall in; anything else is a typing slip.
MIN_YEAR, MAX_YEAR = 2000, 2100
#: Excel serial numbers of 1 January MIN_YEAR and 31 December MAX_YEAR.
_EXCEL_EPOCH = _dt.date(1899, 12, 30)
_MIN_SERIAL = (_dt.date(MIN_YEAR, 1, 1) - _EXCEL_EPOCH).days
_MAX_SERIAL = (_dt.date(MAX_YEAR, 12, 31) - _EXCEL_EPOCH).days


@dataclass(frozen=True)
class ParsedDeadline:
    """A deadline read from a cell.

    ``status`` is ``"ok"``, ``"missing"`` (blank) or ``"unreadable"`` ("sớm
    nhất có thể"); ``date`` is set only when the status is ``"ok"``, and is
    the last day of the month, quarter or year when only those were written
    (``precision`` says which).
    """

    date: _dt.date | None
    status: str
    precision: str | None = None

    @property
    def ok(self) -> bool:
        """True when a date was read."""
        return self.status == STATUS_OK


@dataclass(frozen=True)
class ParsedMoney:
    """An amount in million VND read from a cell (``status`` as :class:`ParsedDeadline`)."""

    value: float | None
    status: str

    @property
    def ok(self) -> bool:
        """True when an amount was read."""
        return self.status == STATUS_OK


_MISSING_DEADLINE = ParsedDeadline(None, STATUS_MISSING)
_UNREADABLE_DEADLINE = ParsedDeadline(None, STATUS_UNREADABLE)
_MISSING_MONEY = ParsedMoney(None, STATUS_MISSING)
_UNREADABLE_MONEY = ParsedMoney(None, STATUS_UNREADABLE)


def excel_serial_to_date(serial: float) -> _dt.date | None:
    """The date of an Excel serial day number (1900 date system), or None out of range.

    >>> excel_serial_to_date(45473)
    datetime.date(2024, 6, 30)
    """
    if not isinstance(serial, numbers.Real) or not math.isfinite(serial):
        return None
    day = int(math.floor(serial))
    if not _MIN_SERIAL <= day <= _MAX_SERIAL:
        return None
    return _EXCEL_EPOCH + _dt.timedelta(days=day)


# ------------------------------------------------------------------------- deadlines

#: Words around a deadline that do not change it ("trước 30/6/2024", "hạn: quý 3/2024").
_FILLER = re.compile(
    r"\b(?:truoc|den|han|thoi han|hoan thanh|hoan thanh trong|trong|ngay|vao|cuoi|het|"
    r"cham nhat|muon nhat|by|before|end of|deadline)\b"
)
_ROMAN_QUARTER = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER_WORD = r"(?:quy|q|quarter)"
_MONTH_WORD = r"(?:thang|t|month)"
_YEAR_WORD = r"(?:nam|year)"

_DMY = re.compile(r"^(\d{1,2}) (\d{1,2}) (\d{4}|\d{2})$")
_YMD = re.compile(r"^(\d{4}) (\d{1,2}) (\d{1,2})$")
_MY = re.compile(rf"^(?:{_MONTH_WORD} ?)?(\d{{1,2}}) (?:{_YEAR_WORD} )?(\d{{4}})$")
_QY = re.compile(rf"^{_QUARTER_WORD} ?(i|ii|iii|iv|[1-4]) (?:{_YEAR_WORD} )?(\d{{4}})$")
_Y = re.compile(rf"^(?:{_YEAR_WORD} )?(\d{{4}})$")


def _year(text: str) -> int | None:
    year = int(text)
    if len(text) == 2:
        year += 2000
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _end_of_month(year: int, month: int) -> _dt.date:
    return _dt.date(year, month, calendar.monthrange(year, month)[1])


def _deadline_from_folded(text: str) -> ParsedDeadline:
    text = re.sub(r"\s+", " ", _FILLER.sub(" ", text)).strip()
    if m := _DMY.match(text):
        day, month, year = int(m[1]), int(m[2]), _year(m[3])
        if year is None:
            return _UNREADABLE_DEADLINE
        return ParsedDeadline(_dt.date(year, month, day), STATUS_OK, DEADLINE_DAY)
    if m := _YMD.match(text):
        year = _year(m[1])
        if year is None:
            return _UNREADABLE_DEADLINE
        return ParsedDeadline(_dt.date(year, int(m[2]), int(m[3])), STATUS_OK, DEADLINE_DAY)
    if m := _MY.match(text):
        month, year = int(m[1]), _year(m[2])
        if year is None or not 1 <= month <= 12:
            return _UNREADABLE_DEADLINE
        return ParsedDeadline(_end_of_month(year, month), STATUS_OK, DEADLINE_MONTH)
    if m := _QY.match(text):
        quarter = _ROMAN_QUARTER.get(m[1]) or int(m[1])
        year = _year(m[2])
        if year is None:
            return _UNREADABLE_DEADLINE
        return ParsedDeadline(_end_of_month(year, 3 * quarter), STATUS_OK, DEADLINE_QUARTER)
    if m := _Y.match(text):
        year = _year(m[1])
        if year is None:
            return _UNREADABLE_DEADLINE
        return ParsedDeadline(_dt.date(year, 12, 31), STATUS_OK, DEADLINE_YEAR)
    return _UNREADABLE_DEADLINE


def parse_deadline(value: object) -> ParsedDeadline:
    """Read a deadline as people type it; a month, quarter or year means its last day.

    Day first, the Vietnamese way: "30/6/2024", "30-06-2024", "30.6.24",
    "2024-06-30" (ISO), a date cell or an Excel serial number; "6/2024",
    "T6/2024", "tháng 6/2024" (end of June); "Quý III/2024", "Q3/2024", "quý 3
    năm 2024" (end of September); "năm 2025" or 2025 (end of the year). Words
    such as "trước", "hạn", "cuối" around it are ignored. Blank is
    ``"missing"``; anything else ("sớm nhất có thể", "31/2/2024") is
    ``"unreadable"``.

    >>> parse_deadline("Quý III/2024").date
    datetime.date(2024, 9, 30)
    >>> parse_deadline("T2/2024").date
    datetime.date(2024, 2, 29)
    >>> parse_deadline("sớm nhất có thể").status
    'unreadable'
    """
    try:
        return _parse_deadline(value)
    except Exception:  # a date that does not exist (31/2), or any surprise value
        return _UNREADABLE_DEADLINE


def _parse_deadline(value: object) -> ParsedDeadline:
    if is_missing(value):
        return _MISSING_DEADLINE
    if isinstance(value, bool):
        return _UNREADABLE_DEADLINE
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            return _UNREADABLE_DEADLINE
        return ParsedDeadline(value, STATUS_OK, DEADLINE_DAY)
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return _parse_deadline(value.to_pydatetime())
    if isinstance(value, numbers.Real):
        number = float(value)
        if number.is_integer() and MIN_YEAR <= number <= MAX_YEAR:
            return ParsedDeadline(_dt.date(int(number), 12, 31), STATUS_OK, DEADLINE_YEAR)
        day = excel_serial_to_date(number)
        if day is None:
            return _UNREADABLE_DEADLINE
        return ParsedDeadline(day, STATUS_OK, DEADLINE_DAY)
    text = normalize_text(value)
    if text is None:
        return _MISSING_DEADLINE
    return _deadline_from_folded(fold_text(text))


# ----------------------------------------------------------------------------- money

#: Unit words (folded) -> factor to million VND.
_MONEY_UNITS = {
    "": 1.0,
    "trieu": 1.0,
    "trieu dong": 1.0,
    "tr": 1.0,
    "trd": 1.0,
    "tr d": 1.0,
    "trieu vnd": 1.0,
    "million": 1.0,
    "million vnd": 1.0,
    "ty": 1000.0,
    "ti": 1000.0,
    "ty dong": 1000.0,
    "ti dong": 1000.0,
    "ty vnd": 1000.0,
    "billion": 1000.0,
    "billion vnd": 1000.0,
    "nghin": 0.001,
    "ngan": 0.001,
    "nghin dong": 0.001,
    "ngan dong": 0.001,
    "k": 0.001,
    "dong": 1e-6,
    "d": 1e-6,
    "vnd": 1e-6,
}
#: "2 tỷ 500 triệu": a whole part in one unit and a rest in a smaller one.
_COMPOUND = re.compile(r"^(?P<big>\d+(?:[.,]\d+)*)\s*(?P<u1>[^\d\s][^\d]*?)\s+(?P<small>\d.*)$")


def _money_text(text: str) -> float | None:
    parsed = parse_number(text)
    if parsed.ok:
        factor = _MONEY_UNITS.get(fold_text(parsed.unit or ""))
        if factor is None or parsed.value < 0:
            return None
        return parsed.value * factor
    m = _COMPOUND.match(text)
    if m is None:
        return None
    big = parse_number(f"{m['big']} {m['u1']}")
    small = _money_text(m["small"])
    if not big.ok or small is None:
        return None
    factor = _MONEY_UNITS.get(fold_text(big.unit or ""))
    if factor is None or factor <= 1.0 or big.value < 0:
        return None
    return big.value * factor + small


def parse_money_million(value: object) -> ParsedMoney:
    """Read an amount of money as people type it, in million VND.

    A bare number is already in million VND (the column says so): "350",
    "1.200" (a thousands dot: 1,200), "12,5" (a decimal comma). A unit
    converts it: "1,5 tỷ" = 1,500; "350 triệu" / "350 tr" = 350; "500 nghìn"
    = 0.5; "1.500.000.000 đồng" = 1,500; "2 tỷ 500 triệu" = 2,500. Blank and
    "-" are ``"missing"``; a negative or unreadable amount is ``"unreadable"``.

    >>> parse_money_million("1,5 tỷ").value
    1500.0
    >>> parse_money_million("1.200").value
    1200.0
    >>> parse_money_million("khoảng vài trăm").status
    'unreadable'
    """
    try:
        return _parse_money(value)
    except Exception:
        return _UNREADABLE_MONEY


def _parse_money(value: object) -> ParsedMoney:
    if is_missing(value):
        return _MISSING_MONEY
    if isinstance(value, bool | _dt.date):
        return _UNREADABLE_MONEY
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number) or number < 0:
            return _UNREADABLE_MONEY
        return ParsedMoney(number, STATUS_OK)
    text = normalize_text(value)
    if text is None:
        return _MISSING_MONEY
    amount = _money_text(text)
    if amount is None or not math.isfinite(amount):
        return _UNREADABLE_MONEY
    return ParsedMoney(round(amount, 6), STATUS_OK)
