"""What one sheet yields (pure): its records, rejects and findings with the row accounting,
collected row by row, and the value read from one cell."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from . import labels as lb
from . import schema as s
from .errors import FindingCheck, RejectReason
from .parsing import (
    excel_error,
    is_missing,
    parse_appraisal,
    parse_number,
    parse_yes_no,
)
from .readers import RawSheet, column_letter
from .sheet_rows import as_text, cell_error, is_empty


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


class SheetBuilder:
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
                as_text(raw),
                str(reason),
                message,
            )
        )
        if whole_row and i is not None and self.kinds.get(i) != "record":
            self.kinds[i] = "rejected"

    def reject_excel_error(
        self, i: int, cells: Sequence[tuple[int | None, object]], key: str, **fields: object
    ) -> bool:
        """Reject row ``i`` at the first of ``cells`` ((column, value) pairs) that holds a
        spreadsheet error (#DIV/0!, #N/A …), with message ``key`` naming the cell and the
        error; True when one did (the caller then keeps nothing of the row)."""
        for j, cell in cells:
            error = None if j is None else excel_error(cell)
            if error is not None:
                at = f"{self.col(j)}{self.row_number(i)}"
                self.reject(
                    i,
                    RejectReason.EXCEL_ERROR,
                    lb.message(key, cell=at, error=error, **fields),
                    column=j,
                    raw=cell,
                )
                return True
        return False

    def finding(self, year, commune, subject_type, subject, check, message, i=None) -> None:
        row = None if i is None else self.row_number(i)
        self.findings.append(
            (year, commune, subject_type, subject, str(check), message, self.source(i),
             self.sheet.file, self.sheet.sheet or None, row)
        )  # fmt: skip

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
                lb.message(
                    "find_indicators_not_in_catalog",
                    decision=decision,
                    set_id=set_id,
                    n=len(codes),
                    codes=", ".join(codes[:6]) + (", …" if len(codes) > 6 else ""),
                ),
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
                    lb.message("rej_unrecognised_row"),
                    raw=first_text(self.sheet.rows[i]),
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


def first_text(row: Sequence[object]) -> object:
    return next((v for v in row if not is_empty(v)), None)


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
    return _frame(rows, s.FINDING_COLUMNS, {"year": "Int64", s.SOURCE_ROW: "Int64"})


def indicator_value(cell: object, kind: str) -> tuple[float | None, str | None, str]:
    """(value, unit, status) of a value cell for an indicator of ``kind``.

    status: "ok", "missing", "excel_error", "appraisal" (an appraisal word where
    a number was expected: value None) or "not_number".
    """
    if isinstance(cell, int | float) and not isinstance(cell, bool) and kind != "yes_no":
        parsed = parse_number(cell, percent=(kind == "percent"))  # fast path: a number cell
        if parsed.status == "ok":
            return parsed.value, parsed.unit, "ok"
    err = cell_error(cell)
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


def is_bare_fraction(cell: object, kind: str) -> bool:
    """A numeric cell in (0, 1] of a percent indicator: read as a fraction, flagged."""
    return (
        kind == "percent"
        and isinstance(cell, int | float)
        and not isinstance(cell, bool)
        and 0 < cell <= 1
    )
