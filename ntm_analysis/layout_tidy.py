"""The tidy table layout (pure): columns year, commune, indicator, value, self-assessment."""

from __future__ import annotations

from . import labels as lb
from .errors import RejectReason
from .layout_commune_report import indicator_record, reported_indicator
from .parsing import (
    find_year,
    parse_appraisal,
    split_code,
)
from .sheet_records import SheetBuilder
from .sheet_rows import (
    LEVEL_CRITERION,
    NOTE,
    TOTAL,
    TableHeader,
    as_text,
    cell_at,
    first_column,
    is_empty,
    is_total_label,
    signature_or_note,
)
from .sheet_titles import MATCH_REASON


def parse_tidy(b: SheetBuilder, rows, body, header: TableHeader, matcher, catalog) -> None:
    roles = header.roles
    col = {r: first_column(roles, r) for r in set(roles.values())}
    year_col, commune_col = col.get("year"), col.get("commune")
    ind_col, value_col = col.get("indicator"), col.get("value")
    sa_col, unit_col, target_col = col.get("self_assessed"), col.get("unit"), col.get("target")
    text_cols = [j for j in (ind_col, col.get("indicator_text")) if j is not None]
    sets: dict[int, object] = {}
    for i in body:
        row = rows[i]
        year_cell, name_cell, code_cell = (
            cell_at(row, j) for j in (year_col, commune_col, ind_col)
        )
        if is_empty(year_cell) and is_empty(name_cell) and is_empty(code_cell):
            kind = signature_or_note(row) or NOTE
            b.mark(i, kind)
            continue
        if is_total_label(name_cell) or is_total_label(year_cell):
            b.mark(i, TOTAL)
            continue
        year = find_year(year_cell)
        if year is None:
            b.reject(
                i,
                RejectReason.MISSING_YEAR,
                lb.message("rej_not_a_year", value=as_text(year_cell) or ""),
                column=year_col,
                raw=year_cell,
            )
            continue
        if is_empty(name_cell):
            b.reject(
                i,
                RejectReason.MISSING_COMMUNE,
                lb.message("rej_empty_commune"),
                column=commune_col,
            )
            continue
        match = matcher.match(str(name_cell), year)
        if not match.ok:
            b.reject(
                i,
                MATCH_REASON.get(match.status, RejectReason.UNKNOWN_COMMUNE),
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
                lb.message("rej_no_set", year=year),
                column=year_col,
                raw=year_cell,
            )
            continue
        code, _ = split_code(code_cell)
        if code is None:
            b.reject(
                i,
                RejectReason.UNKNOWN_INDICATOR,
                lb.message("rej_not_a_code", value=as_text(code_cell) or ""),
                column=ind_col,
                raw=code_cell,
            )
            continue
        value_cell = cell_at(row, value_col)
        sa_cell = cell_at(row, sa_col)
        if "." not in code:
            if cset.criterion(code) is None:
                b.reject(
                    i,
                    RejectReason.UNKNOWN_INDICATOR,
                    lb.message("rej_unknown_criterion", code=code, year=year, set_id=cset.id),
                    column=ind_col,
                    raw=code_cell,
                )
                continue
            cells = ((value_col, value_cell), (sa_col, sa_cell))
            if not b.reject_excel_error(i, cells, "rej_excel_error"):
                appraisal = parse_appraisal(sa_cell) if not is_empty(sa_cell) else None
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
                    value_text=as_text(value_cell),
                    target_text=as_text(cell_at(row, target_col)),
                    self_assessed=appraisal,
                )
            continue
        ind, written = reported_indicator(cset, code, row, None, value_col, text_cols)
        if ind is None:
            b.reject(
                i,
                RejectReason.UNKNOWN_INDICATOR,
                lb.message("rej_unknown_indicator_in_set", code=code, year=year, set_id=cset.id),
                column=ind_col,
                raw=code_cell,
            )
            continue
        if cset.indicator(code) is None:
            b.note_unlisted(year, match.name, cset, code)
        indicator_record(
            b, i, row, ind, year, match.name, match.code, target_col, value_col, sa_col,
            unit_col, reject_errors=True, indicator_text=written,
        )  # fmt: skip
