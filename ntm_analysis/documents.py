"""Parse the tables of a text document with the spreadsheet layouts (pure, no I/O).

:mod:`ntm_analysis.word` gives one grid per table of a .docx/.odt (tables
continued across pages already joined). Here each grid goes through
:func:`ntm_analysis.layouts.parse_sheet` like a sheet, with two additions that
only a document needs:

* a table that holds no header of its own — the letterhead table above the
  report, the signature table below it — is joined to its neighbour: to the
  table before it, or, above the first table with a header, to the one after
  it; its rows are then titles, notes or signatures of that table as they would
  be in a sheet, instead of rejects;
* the rows the reader set aside (a header repeated on a continuation table, a
  "(tiếp theo)" line) are counted as non-data rows, and so is the middle of a
  long text above a table (a sheet without a table), so that every non-empty
  row of the document is still accounted for.
"""

from __future__ import annotations

from dataclasses import replace

from .layouts import parse_sheet
from .sheet_records import SheetResult
from .sheet_rows import NOTE
from .word import DocumentSheet, sheet_name


def _blank(sheet: DocumentSheet) -> DocumentSheet:
    """The sheet with its set-aside rows emptied (their row numbers stay)."""
    if not sheet.set_aside:
        return sheet
    aside = {i for i, _ in sheet.set_aside}
    width = len(sheet.rows[0]) if sheet.rows else 0
    rows = tuple(("",) * width if i in aside else row for i, row in enumerate(sheet.rows))
    return replace(sheet, rows=rows)


def _count_set_aside(sheet: DocumentSheet, result: SheetResult) -> SheetResult:
    counts = dict(result.non_data_rows)
    for _, kind in sheet.set_aside:
        counts[kind] = counts.get(kind, 0) + 1
    notes = list(result.notes)
    if len(sheet.tables) > 1:
        notes.append(
            "Word tables " + ", ".join(str(n) for n in sheet.tables) + " read as one table"
        )
    if sheet.set_aside:
        notes.append(f"{len(sheet.set_aside)} repeated header or continuation row(s) set aside")
    return replace(
        result,
        rows_read=result.rows_read + len(sheet.set_aside),
        non_data_rows=dict(sorted(counts.items())),
        notes=notes,
    )


def _parse_one(sheet: DocumentSheet, registry, catalog) -> SheetResult:
    """Parse a document grid; its set-aside rows count as non-data only under a header."""
    result = parse_sheet(_blank(sheet), registry=registry, catalog=catalog)
    if result.layout is None and sheet.set_aside:
        return parse_sheet(sheet, registry=registry, catalog=catalog)  # all rejected: no header
    return _count_set_aside(sheet, result) if result.layout is not None else result


def join_sheets(sheets: list[DocumentSheet]) -> DocumentSheet:
    """Several document grids, in order, as one (row numbers continue)."""
    width = max(len(s.rows[0]) for s in sheets if s.rows)
    rows: list[tuple[object, ...]] = []
    set_aside: list[tuple[int, str]] = []
    table_rows: list[tuple[int, int]] = []
    for sheet in sheets:
        offset = len(rows)
        rows.extend(tuple(r) + ("",) * (width - len(r)) for r in sheet.rows)
        set_aside.extend((i + offset, kind) for i, kind in sheet.set_aside)
        table_rows.extend((n, i + offset) for n, i in sheet.table_rows)
    tables = tuple(n for s in sheets for n in s.tables)
    return replace(
        sheets[0],
        sheet=sheet_name(tables),
        rows=tuple(rows),
        tables=tables,
        set_aside=tuple(set_aside),
        table_rows=tuple(table_rows),
    )


def _text_result(sheet: DocumentSheet) -> SheetResult:
    """A sheet of running text: every non-empty paragraph a non-data (note) row."""
    n = sum(1 for row in sheet.rows if any(str(v).strip() for v in row))
    return SheetResult(
        rows_read=n,
        non_data_rows={NOTE: n} if n else {},
        notes=[f"text above Word table {sheet.text_before}, not a table: counted as non-data"],
    )


def parse_document(
    sheets: list[DocumentSheet], *, registry, catalog
) -> list[tuple[DocumentSheet, SheetResult]]:
    """Each table of one document with what it yielded (see the module docstring).

    Tables without a header are joined to a neighbouring table that has one;
    when no table has a header, each is returned as parsed (every row rejected,
    as for a sheet without a table). Sheets of text only come first.
    """
    texts = [(s, _text_result(s)) for s in sheets if not s.tables]
    return texts + _parse_tables([s for s in sheets if s.tables], registry, catalog)


def _parse_tables(
    sheets: list[DocumentSheet], registry, catalog
) -> list[tuple[DocumentSheet, SheetResult]]:
    results = [_parse_one(sheet, registry, catalog) for sheet in sheets]
    headed = [k for k, r in enumerate(results) if r.layout is not None]
    if not headed or len(headed) == len(sheets):
        return list(zip(sheets, results, strict=True))
    owner = {}
    for k in range(len(sheets)):
        before = [h for h in headed if h <= k]
        owner[k] = before[-1] if before else headed[0]
    out = []
    for h in headed:
        members = [k for k in range(len(sheets)) if owner[k] == h]
        joined = join_sheets([sheets[k] for k in members]) if len(members) > 1 else sheets[h]
        result = _parse_one(joined, registry, catalog) if len(members) > 1 else results[h]
        if result.layout is None:  # joining pushed the header out of reach: keep them apart
            out.extend((sheets[k], results[k]) for k in members)
        else:
            out.append((joined, result))
    return out
