"""A commune report's own statement of how many criteria it meets ("Đạt 19/19 tiêu chí").

Reports often state the total in a title, a totals row or a closing note. The
statement is read here and checked against the report's own criterion rows,
as the district matrix's "Tổng số tiêu chí đạt" column is checked against its
marks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_PATTERNS = (
    # "Đạt 19/19 tiêu chí", "đạt 18/19 TC", "19/19 tiêu chí"
    re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})\s*(?:tieu chi|tc)\b"),
    re.compile(r"\bdat\s+(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])"),
    # "Tổng số tiêu chí đạt: 19", "Số tiêu chí đạt 18/19"
    re.compile(r"tieu chi dat\W{0,3}(\d{1,2})(?:\s*/\s*(\d{1,2}))?(?![\d/])"),
)


def _fold(text: str) -> str:
    """Lower case without diacritics, punctuation kept ("Đạt 19/19" -> "dat 19/19")."""
    text = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class StatedTotal:
    """What a report says it meets: ``met`` criteria out of ``out_of`` (when written)."""

    met: int
    out_of: int | None
    row: int  # index of the row in the sheet's grid
    text: str  # the statement as written


def find_stated_total(rows: Sequence[Sequence[object]]) -> StatedTotal | None:
    """The last statement of criteria met in a sheet's rows, if any.

    >>> find_stated_total([["UBND XÃ DỰC YÊN"], ["Xã tự đánh giá: Đạt 19/19 tiêu chí"]])
    StatedTotal(met=19, out_of=19, row=1, text='Xã tự đánh giá: Đạt 19/19 tiêu chí')
    >>> find_stated_total([["Tổng số tiêu chí đạt", None, 18]]).met
    18
    >>> find_stated_total([["Bộ tiêu chí xã nông thôn mới giai đoạn 2021 - 2025"]]) is None
    True
    """
    found: StatedTotal | None = None
    for i, row in enumerate(rows):
        cells = [str(v).strip() for v in row if v is not None and str(v).strip()]
        if not cells:
            continue
        text = " ".join(_number_text(v) for v in row if v is not None and str(v).strip())
        folded = _fold(text)
        for pattern in _PATTERNS:
            match = pattern.search(folded)
            if match:
                met = int(match.group(1))
                out_of = int(match.group(2)) if match.group(2) else None
                if out_of is None or met <= out_of:
                    found = StatedTotal(met, out_of, i, text)
                break
    return found


def _number_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
