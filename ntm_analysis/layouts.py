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

from . import config
from . import labels as lb
from . import schema as s
from .errors import FindingCheck, RejectReason
from .layout_commune_report import parse_commune_report
from .layout_matrix import parse_matrix
from .layout_tidy import parse_tidy
from .parsing import (
    find_year,
)
from .readers import RawSheet
from .sheet_records import SheetBuilder, SheetResult, first_text
from .sheet_rows import HEADER, TITLE, clean_cells, find_header, is_empty, text_cells
from .sheet_titles import TitleMatcher, strip_stem, title_commune, title_year


def parse_sheet(sheet: RawSheet, *, registry, catalog) -> SheetResult:
    """Detect the layout of one sheet and turn its rows into records (pure).

    ``registry`` matches commune names (:class:`~ntm_analysis.registry.Registry`),
    ``catalog`` gives the criteria set of each year
    (:class:`~ntm_analysis.catalog.Catalog`). Bad data never raises: it becomes
    rejects, findings and row counts in the returned :class:`SheetResult`.
    """
    rows, legacy, converted = clean_cells(sheet.rows)
    non_empty = [i for i, row in enumerate(rows) if any(not is_empty(v) for v in row)]
    notes: list[str] = []
    if not non_empty:
        b = SheetBuilder(sheet, None)
        return b.result([], None, ["empty sheet"])
    commune_sets = [cs for cs in catalog.sets if cs.level == "commune"]
    header = find_header(rows, commune_sets)
    b = SheetBuilder(sheet, header.layout if header else None)
    if legacy:
        notes.append(f"{converted} cell(s) converted from {legacy}")
    matcher = TitleMatcher(registry)
    if header is None:
        for i in non_empty:
            b.reject(
                i,
                RejectReason.NO_HEADER,
                lb.message("rej_no_header", rows=config.HEADER_SEARCH_ROWS),
                raw=first_text(rows[i]),
            )
        _legacy_finding(b, legacy, converted, None, None)
        return b.result(non_empty, legacy, notes)
    first_header = header.rows[0]
    for i in non_empty:
        if i < first_header:
            b.mark(i, TITLE)
        elif i in header.rows:
            b.mark(i, HEADER)
    titles = [t for i in non_empty if i < first_header for t in text_cells(rows[i])]
    body = [i for i in non_empty if i > header.rows[-1]]
    if header.layout == s.LAYOUT_COMMUNE_REPORT:
        year, match = _report_context(b, titles, matcher, sheet)
        parse_commune_report(b, rows, body, header, year, match, catalog)
        _legacy_finding(b, legacy, converted, year, match.name if match and match.ok else None)
    elif header.layout == s.LAYOUT_DISTRICT_MATRIX:
        year = _context_year(b, titles, sheet)
        parse_matrix(b, rows, body, header, year, matcher, catalog)
        _legacy_finding(b, legacy, converted, year, None)
    else:
        parse_tidy(b, rows, body, header, matcher, catalog)
        _legacy_finding(b, legacy, converted, None, None)
    return b.result(non_empty, legacy, notes)


def _legacy_finding(b: SheetBuilder, legacy, converted, year, commune) -> None:
    if legacy:
        label = {"tcvn3": "TCVN3 (.VnTime)", "vni": "VNI-Windows"}.get(legacy, legacy)
        b.finding(
            year,
            commune,
            "sheet",
            b.source(),
            FindingCheck.LEGACY_ENCODING,
            lb.message("find_legacy_encoding", n=converted, encoding=label),
        )


def _context_year(b: SheetBuilder, titles: list[str], sheet: RawSheet) -> int | None:
    found = [
        (where, y)
        for where, y in (
            (lb.message("where_title"), title_year(titles)),
            (lb.message("where_sheet_name"), find_year(sheet.sheet) if sheet.sheet else None),
            (lb.message("where_file_name"), find_year(strip_stem(sheet.file))),
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
                lb.message(
                    "find_year_conflict", chosen_where=chosen_where, chosen=chosen, where=where, y=y
                ),
            )
    return chosen


def _report_context(b: SheetBuilder, titles: list[str], matcher: TitleMatcher, sheet: RawSheet):
    """(year, UnitMatch or None) of a commune report, with source-conflict findings."""
    year = _context_year(b, titles, sheet)
    candidates = []
    title_match, _ = title_commune(titles, matcher, year)
    if title_match is not None:
        candidates.append((lb.message("where_title"), title_match))
    if sheet.sheet:
        m = matcher.find_in_text(sheet.sheet, year)
        if m is not None:
            candidates.append((lb.message("where_sheet_name"), m))
    m = matcher.find_in_text(strip_stem(sheet.file).replace("_", " "), year)
    if m is not None:
        candidates.append((lb.message("where_file_name"), m))
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
                lb.message(
                    "find_commune_conflict",
                    chosen_where=chosen_where,
                    chosen=chosen.name,
                    where=where,
                    other=m.name,
                ),
            )
    return year, chosen
