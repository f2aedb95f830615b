"""The commune report layout (pure): criterion rows, then their indicator rows."""

from __future__ import annotations

from . import labels as lb
from . import schema as s
from .errors import FindingCheck, RejectReason
from .parsing import (
    fold_text,
    normalize_text,
    parse_appraisal,
    parse_target,
    parse_yes_no,
    roman_heading,
    split_code,
)
from .sheet_records import SheetBuilder, indicator_value, is_bare_fraction
from .sheet_rows import (
    BLANK_CRITERION,
    HEADER,
    LEVEL_CRITERION,
    LEVEL_INDICATOR,
    NOTE,
    SECTION,
    SIGNATURE,
    TOTAL,
    TableHeader,
    as_text,
    cell_at,
    first_column,
    fold_cell,
    is_empty,
    is_numbering_row,
    is_total_label,
    signature_or_note,
)
from .sheet_titles import MATCH_REASON
from .stated_totals import find_stated_total


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
        cells = [rows[i][j] for i in body if j < len(rows[i]) and not is_empty(rows[i][j])]
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


def _row_code(row, tt, name, content) -> tuple[str | None, int | None]:
    """(code, column) of an indicator/criterion code in the TT cell or leading the text."""
    cell = cell_at(row, tt)
    if not is_empty(cell):
        code, _ = split_code(cell)
        if code is not None:
            return code, tt
    for j in (name, content):
        cell = cell_at(row, j)
        if is_empty(cell) or not isinstance(cell, str):
            continue
        code, _ = split_code(cell)
        if code is None:
            continue
        folded = fold_cell(cell)
        if "." in code or folded.startswith(("tieu chi", "tc")):
            return code, j
    return None, None


def parse_commune_report(
    b: SheetBuilder, rows, body, header: TableHeader, year, match, catalog
) -> None:
    roles = _resolve_value_appraisal(rows, body, header.roles)
    tt = first_column(roles, "tt")
    name = first_column(roles, "name")
    content = first_column(roles, "content")
    target = first_column(roles, "target")
    value_col = first_column(roles, "value")
    appraisal_col = first_column(roles, "appraisal")
    unit_col = first_column(roles, "unit")
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
            lb.message("rej_no_report_year"),
        )
    elif match is None:
        problem = (
            RejectReason.MISSING_COMMUNE,
            lb.message("rej_no_report_commune"),
        )
    elif not match.ok:
        problem = (MATCH_REASON.get(match.status, RejectReason.UNKNOWN_COMMUNE), match.message)
    else:
        try:
            cset = catalog.set_for_year(year)
        except Exception as exc:  # noqa: BLE001 - CatalogError
            problem = (
                RejectReason.NO_CRITERIA_SET,
                lb.message("rej_no_set_detail", year=year, detail=exc),
            )
    commune = match.name if match is not None and match.ok else None
    commune_code = match.code if match is not None and match.ok else None

    crit_rows: dict[str, int] = {}
    ind_seen: set[str] = set()
    after_table = False
    for i in body:
        row = rows[i]
        if is_numbering_row(row):
            b.mark(i, HEADER)
            continue
        code, code_col = _row_code(row, tt, name, content)
        if code is None:
            kind = signature_or_note(row)
            if kind is not None:
                b.mark(i, kind)
                if kind == SIGNATURE:
                    after_table = True
                continue
            label_cells = [cell_at(row, j) for j in (tt, name, content) if j is not None]
            label = next((v for v in label_cells if not is_empty(v)), None)
            if label is not None and is_total_label(label):
                b.mark(i, TOTAL)
                continue
            if any(roman_heading(v) for v in label_cells if isinstance(v, str)):
                b.mark(i, SECTION)
                continue
            if is_numbering_row(row):
                b.mark(i, HEADER)
                continue
            has_result = any(
                not is_empty(cell_at(row, j)) for j in (value_col, appraisal_col) if j is not None
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
                    lb.message("rej_row_without_code", label=as_text(label) or ""),
                    column=value_col if value_col is not None else appraisal_col,
                    raw=cell_at(row, value_col) if value_col is not None else label,
                )
                continue
        if problem is not None:
            b.reject(i, problem[0], problem[1], column=code_col, raw=code)
            continue
        if (
            code in ind_seen
            and isinstance(cell_at(row, code_col), float)
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
        indicator_record(
            b, i, row, ind, year, commune, commune_code, target, value_col, appraisal_col,
            unit_col, reject_errors=False, indicator_text=written,
        )  # fmt: skip


def _report_row(
    b, i, row, code, cset, year, commune, commune_code,
    target, value_col, appraisal_col, unit_col, crit_rows, ind_seen, *, text_cols=(),
) -> None:  # fmt: skip
    set_label = f"{cset.name(lb.current_lang())} ({cset.id})"
    if "." not in code:
        crit = cset.criterion(code)
        if crit is None:
            b.reject(
                i,
                RejectReason.UNKNOWN_INDICATOR,
                lb.message("rej_unknown_criterion_tt", code=code, year=year, set_label=set_label),
                raw=code,
            )
            return
        value_cell = cell_at(row, value_col)
        appraisal_cell = cell_at(row, appraisal_col)
        cells = ((value_col, value_cell), (appraisal_col, appraisal_cell))
        if b.reject_excel_error(i, cells, "rej_excel_error_criterion", code=code):
            return
        appraisal = parse_appraisal(appraisal_cell) if not is_empty(appraisal_cell) else None
        if appraisal is None and not is_empty(value_cell):
            appraisal = parse_appraisal(value_cell)
        single = len(crit.indicators) == 1
        if appraisal is None and is_empty(value_cell) and not single:
            b.mark(i, BLANK_CRITERION)
            return
        if appraisal is None and is_empty(value_cell) and single and is_empty(appraisal_cell):
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
            value_text=as_text(value_cell),
            target_text=as_text(cell_at(row, target)),
            self_assessed=appraisal,
        )
        crit_rows.setdefault(code, i)
        return
    ind, written = reported_indicator(cset, code, row, target, value_col, text_cols)
    if ind is None:
        b.reject(
            i,
            RejectReason.UNKNOWN_INDICATOR,
            lb.message(
                "rej_unknown_indicator_no_criterion"
                if cset.criterion_level
                else "rej_unknown_indicator",
                code=code,
                year=year,
                set_label=set_label,
                criterion=code.split(".")[0],
            ),
            raw=code,
        )
        return
    ind_seen.add(code)
    if cset.indicator(code) is None:
        b.note_unlisted(year, commune, cset, code)
    indicator_record(
        b, i, row, ind, year, commune, commune_code, target, value_col, appraisal_col, unit_col,
        reject_errors=True, indicator_text=written,
    )  # fmt: skip


def _row_wording(cset, code, row, text_cols) -> str | None:
    """The indicator's wording as the row writes it ("Tỷ lệ hộ …" of "17.1. Tỷ lệ hộ …"):
    the first text column that holds more than the code and is not the criterion's name."""
    crit = cset.criterion(str(code).split(".")[0])
    name = fold_text(crit.name_vi) if crit is not None else None
    for j in text_cols:
        cell = cell_at(row, j)
        if isinstance(cell, str) and not is_empty(cell):
            found, rest = split_code(cell)
            text = rest if found == code else normalize_text(cell)
            if text and fold_text(text) != name:
                return text
    return None


def reported_indicator(cset, code, row, target, value_col, text_cols):
    """(indicator, its wording as the row writes it): the catalog's indicator, or for a
    criterion-level set one taken from the row (None when its criterion is not in the set)."""
    text = _row_wording(cset, code, row, text_cols)
    if cset.indicator(code) is not None or not cset.criterion_level:
        return cset.indicator(code), text
    goal = parse_target(cell_at(row, target)) if target is not None else None
    value_cell = cell_at(row, value_col) if value_col is not None else None
    yes_no = (goal is not None and goal.op in ("yes", "no")) or (
        isinstance(value_cell, str) and parse_yes_no(value_cell) is not None
    )
    return cset.reported_indicator(code, text, kind="yes_no" if yes_no else "number"), text or None


def indicator_record(
    b, i, row, ind, year, commune, commune_code, target, value_col, appraisal_col, unit_col,
    *, reject_errors: bool, indicator_text: str | None = None,
) -> None:  # fmt: skip
    value_cell = cell_at(row, value_col)
    appraisal_cell = cell_at(row, appraisal_col)
    if reject_errors and b.reject_excel_error(
        i, [(appraisal_col, appraisal_cell)], "rej_excel_error_appraisal", code=ind.code
    ):
        return
    value, unit, status = indicator_value(value_cell, ind.kind)
    if status == "excel_error":
        if reject_errors:
            b.reject_excel_error(
                i, [(value_col, value_cell)], "rej_excel_error_value", code=ind.code
            )
        return
    appraisal = parse_appraisal(appraisal_cell) if not is_empty(appraisal_cell) else None
    if status == "appraisal" and appraisal is None:
        appraisal = parse_appraisal(value_cell)
    if status == "not_number":
        if reject_errors:
            b.reject(
                i,
                RejectReason.UNPARSEABLE_VALUE,
                lb.message(
                    "rej_unparseable_value", value=as_text(value_cell), code=ind.code, kind=ind.kind
                ),
                column=value_col,
                raw=value_cell,
            )
        return
    if unit is None and unit_col is not None:
        unit = as_text(cell_at(row, unit_col))
    if unit is None and ind.kind == "percent" and value is not None:
        unit = "%"
    if is_bare_fraction(value_cell, ind.kind) and commune is not None:
        b.finding(
            year,
            commune,
            LEVEL_INDICATOR,
            ind.code,
            FindingCheck.FRACTION_AS_PERCENT,
            lb.message(
                "find_fraction_as_percent",
                cell=f"{b.col(value_col)}{b.row_number(i)}",
                bare=lb.format_number(value_cell, digits=6),
                code=ind.code,
                percent=lb.format_number(value, digits=4),
            ),
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
        value_text=as_text(value_cell),
        unit=unit,
        target_text=as_text(cell_at(row, target)),
        self_assessed=appraisal,
    )


def _check_stated_total(b: SheetBuilder, rows, year, commune: str, set_size: int) -> None:
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
        lb.message(
            "find_report_total",
            stated=stated.text,
            commune=commune,
            met=len(met),
            not_met=", ".join(not_met) or lb.message("none"),
        ),
        stated.row,
    )


def _criterion_order(number: object) -> tuple:
    text = str(number)
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


_RECORD_INDEX = {name: k for k, name in enumerate(s.RECORD_COLUMNS)}
