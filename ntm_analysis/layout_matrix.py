"""The district matrix layout (pure): one row per commune, one column per criterion."""

from __future__ import annotations

from . import labels as lb
from . import schema as s
from .errors import FindingCheck, RejectReason
from .parsing import (
    parse_mark,
    parse_number,
)
from .sheet_records import SheetBuilder
from .sheet_rows import (
    HEADER,
    LEVEL_CRITERION,
    NOTE,
    SIGNATURE,
    TOTAL,
    TableHeader,
    as_text,
    cell_at,
    cell_error,
    first_column,
    is_empty,
    is_numbering_row,
    is_total_label,
    signature_or_note,
)
from .sheet_titles import MATCH_REASON


def parse_matrix(b: SheetBuilder, rows, body, header: TableHeader, year, matcher, catalog) -> None:
    roles = header.roles
    tt = first_column(roles, "tt")
    name_col = first_column(roles, "commune")
    total_col = first_column(roles, "total")
    first_crit = min(header.criteria)
    if name_col is None:  # the text column left of the criteria
        lefts = [
            j
            for j in range(first_crit)
            if j != tt and any(isinstance(cell_at(rows[i], j), str) for i in body)
        ]
        name_col = lefts[-1] if lefts else None
    cset = None
    problem = None
    if year is None:
        problem = (
            RejectReason.MISSING_YEAR,
            lb.message("rej_no_matrix_year"),
        )
    else:
        try:
            cset = catalog.set_for_year(year)
        except Exception as exc:  # noqa: BLE001
            problem = (
                RejectReason.NO_CRITERIA_SET,
                lb.message("rej_no_set_detail", year=year, detail=exc),
            )
    crit_cols = {
        j: n for j, n in header.criteria.items() if cset is None or cset.criterion(n) is not None
    }
    for i in body:
        row = rows[i]
        label = cell_at(row, name_col)
        marks = [(j, cell_at(row, j)) for j in crit_cols]
        kind = signature_or_note(row)
        if kind is not None and (is_empty(label) or kind == SIGNATURE):
            b.mark(i, kind)
            continue
        if is_empty(label):
            if is_total_label(cell_at(row, tt)):
                b.mark(i, TOTAL)
            elif is_numbering_row(row):
                b.mark(i, HEADER)
            elif all(is_empty(v) for _, v in marks):
                b.mark(i, NOTE)
            else:
                b.reject(
                    i,
                    RejectReason.MISSING_COMMUNE,
                    lb.message("rej_matrix_row_without_commune"),
                    column=name_col,
                )
            continue
        if is_total_label(label) or is_numbering_row(row):
            b.mark(i, TOTAL if is_total_label(label) else HEADER)
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
                MATCH_REASON.get(match.status, RejectReason.UNKNOWN_COMMUNE),
                match.message,
                column=name_col,
                raw=label,
            )
            continue
        stated = None
        if total_col is not None:
            parsed = parse_number(cell_at(row, total_col))
            stated = parsed.value if parsed.status == "ok" else None
        kept = 0
        met = 0
        for j, cell in marks:
            n = crit_cols[j]
            err = cell_error(cell)
            mark = None if err else parse_mark(cell)
            if mark is None:
                b.reject(
                    i,
                    RejectReason.EXCEL_ERROR if err else RejectReason.BAD_MARK,
                    (
                        lb.message(
                            "rej_excel_error_mark",
                            cell=f"{b.col(j)}{b.row_number(i)}",
                            error=err,
                            criterion=n,
                            commune=match.name,
                        )
                        if err
                        else lb.message(
                            "rej_bad_mark",
                            mark=as_text(cell),
                            cell=f"{b.col(j)}{b.row_number(i)}",
                            criterion=n,
                            commune=match.name,
                        )
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
                value_text=as_text(cell),
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
                lb.message(
                    "find_matrix_total", stated=as_text(stated), commune=match.name, met=met
                ),
                i,
            )
