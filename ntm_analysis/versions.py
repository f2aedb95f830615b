"""Which of two files is the newer version of a report.

A commune often sends a report again: "… (bản sửa).xlsx", "… bổ sung.xlsx",
"… lần 2.xlsx", "… v2.xlsx" or "… 15-03-2024.xlsx". When two files hold the
same commune, year and code, the newer version wins. Newer is decided, in
order, by:

1. the revision the name states: "lần N" / "vN" is revision N; "bản sửa",
   "sửa đổi", "bổ sung", "điều chỉnh", "cập nhật" or "đính chính" is at least
   revision 2; a name without any is revision 1;
2. a date in the name (dd-mm-yyyy, dd.mm.yyyy, dd_mm_yyyy, yyyy-mm-dd or
   ddmmyyyy), a later date being newer; a name with a date beats one without;
3. the file's modification time;
4. the name: the later in sorted order ("(2)" after "(1)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from . import labels as lb
from .parsing import fold_text

#: Words (folded: lower case, no diacritics) that mark a corrected or supplemented report.
CORRECTION_WORDS = ("ban sua", "sua doi", "sua lai", "bo sung", "dieu chinh", "cap nhat",
                    "dinh chinh")  # fmt: skip

_NUMBERED = re.compile(r"\b(?:lan|v|ver|version|ban)\s*\.?\s*(\d{1,2})\b")
_DATES = (
    (re.compile(r"(?<!\d)(\d{1,2})[-._ ](\d{1,2})[-._ ](\d{4})(?!\d)"), (3, 2, 1)),
    (re.compile(r"(?<!\d)(\d{4})[-._ ](\d{1,2})[-._ ](\d{1,2})(?!\d)"), (1, 2, 3)),
    (re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{4})(?!\d)"), (3, 2, 1)),
)


def _revision(folded: str) -> tuple[int, str | None]:
    """The revision a folded name states, and the words that state it."""
    numbered = [(int(m.group(1)), m.group(0)) for m in _NUMBERED.finditer(folded)]
    revision, words = max(numbered) if numbered else (1, None)
    if revision < 2:
        word = next((w for w in CORRECTION_WORDS if w in folded), None)
        if word is not None:
            return 2, word
        return 1, None
    return revision, words


def _date_in(name: str) -> date | None:
    found: list[date] = []
    for pattern, (y, m, d) in _DATES:
        for match in pattern.finditer(name):
            try:
                found.append(date(int(match.group(y)), int(match.group(m)), int(match.group(d))))
            except ValueError:
                continue
    plausible = [d for d in found if 2000 <= d.year <= 2100]
    return max(plausible) if plausible else None


@dataclass(frozen=True)
class FileVersion:
    """What a file's name and modification time say about its version."""

    path: str
    revision: int
    revision_words: str | None
    name_date: date | None
    mtime: float

    @property
    def key(self) -> tuple:
        """Sort key: a larger key is a newer version."""
        return (self.revision, self.name_date or date.min, self.mtime, self.path)

    def newer_because(self, older: FileVersion) -> str:
        """Why this file was taken as newer than ``older`` (in the language of the run)."""
        if self.revision != older.revision:
            words = self.revision_words or lb.message("newer_revision", n=self.revision)
            return lb.message("newer_name_says", words=words)
        if self.name_date != older.name_date:
            return lb.message("newer_name_date", date=f"{self.name_date:%d/%m/%Y}")
        if self.mtime != older.mtime:
            return lb.message("newer_modified")
        return lb.message("newer_sorts_later")


def file_version(path: str, mtime: float = 0.0) -> FileVersion:
    """Read the version a file name states.

    >>> v = file_version("2024/Bao cao xa Tan Lap (ban sua).xlsx")
    >>> (v.revision, v.revision_words)
    (2, 'ban sua')
    >>> file_version("BC Tân Lập lần 3.xlsx").revision
    3
    >>> file_version("bao-cao_15-03-2024.xlsx").name_date
    datetime.date(2024, 3, 15)
    >>> file_version("bao-cao-2024.xlsx").name_date is None
    True
    """
    stem = PurePosixPath(path).stem
    folded = fold_text(stem)
    revision, words = _revision(folded)
    return FileVersion(path, revision, words, _date_in(stem), float(mtime))


def newest_first(versions: list[FileVersion]) -> list[FileVersion]:
    """The files ordered from the newest version to the oldest."""
    return sorted(versions, key=lambda v: v.key, reverse=True)
