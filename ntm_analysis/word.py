"""Open Word (.docx) and OpenDocument text (.odt) reports into raw row grids.

Communes often send their self-assessment as a text document: letterhead,
title paragraphs, the table of criteria and indicators (often split into
several tables across pages, with or without the header repeated), then the
signature block. This module turns such a document into
:class:`DocumentSheet` grids that the spreadsheet layouts
(:mod:`ntm_analysis.layouts`) read like any sheet:

* every non-empty paragraph is one row of one cell, every table row one row;
* a merged cell keeps its text in its top-left cell only, the cells it covers
  are empty (as spreadsheets give them);
* a table continued in the next table (only blank paragraphs or a "(tiếp
  theo)" line between them, and the same number of columns or the same first
  row) is joined to it; a repeated header row and a "(tiếp theo)" line are set
  aside and counted as non-data rows;
* the paragraphs above a table belong to it (they name the commune and the
  year, as title rows do in a sheet); paragraphs after the last table belong to
  the last one. Of a long text above a table (more than
  :data:`TITLE_PARAGRAPHS` paragraphs) only the first and the last paragraphs
  are its title rows; the text between is a sheet of its own ("Văn bản trước
  bảng 2"), whose rows are counted as non-data.

Rows are numbered 1, 2, … from the first row of a sheet's grid (blank
paragraphs are not counted); the sheet is named after the tables it holds
("Bảng 2", "Bảng 2–3"). Joining tables that hold no header to a neighbouring
table (letterhead, signature block) needs the layouts and is done by
:mod:`ntm_analysis.documents`.

A legacy Word 97–2003 ``.doc`` and a ``.pdf`` are not data to this tool;
:data:`NOT_DATA_MESSAGES` says how the commune should send them instead.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph

from . import labels as lb
from .parsing import fold_text
from .readers import (
    UNREADABLE_CORRUPT,
    UNREADABLE_NOT_SPREADSHEET,
    UNREADABLE_PASSWORD,
    RawSheet,
    load_input,
    unreadable,
)

#: Reason codes (in the ingest report) of documents that are not data.
UNREADABLE_WORD_97 = "word_97_document"
UNREADABLE_PDF = "pdf_document"
UNREADABLE_NO_TABLE = "no_table"

#: The one Vietnamese line per reason that tells the commune how to send the data instead.
NOT_DATA_MESSAGES = {
    UNREADABLE_WORD_97: "unreadable_word_97",
    UNREADABLE_PDF: "unreadable_pdf",
}

#: Kinds of the rows a document sets aside (counted as non-data rows).
SET_ASIDE_HEADER = "header"
SET_ASIDE_CONTINUATION = "title"

_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")

#: At most this many paragraphs above a table are its title rows: the first and the last
#: ``TITLE_PARAGRAPHS // 2`` of a longer text (letterhead and title; the caption right above
#: the table). The text between is a sheet of its own, of non-data rows.
TITLE_PARAGRAPHS = 10

#: Rows at the top of a table compared with the first rows of its continuation.
_HEADER_ROWS = 6

#: A paragraph that only says the table goes on: "(tiếp theo)", "Tiếp theo bảng trên", "(tiếp)",
#: "(còn tiếp)" (folded: no diacritics, lower case). "Tiếp tục …" is text, not a continuation.
_CONTINUATION = re.compile(
    r"^\(?\s*(tiep theo|con tiep|continued)\b.{0,40}$|^\(\s*tiep\s*\)$|^tiep\s*[:.]?$"
)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the document body (its text, not stripped)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table of the document body: its rows of cell texts (merged cells resolved)."""

    number: int
    rows: tuple[tuple[str, ...], ...]

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True)
class DocumentSheet(RawSheet):
    """The grid of one table of a text document, with the paragraphs around it.

    ``tables`` are the numbers (1-based, in document order) of the document
    tables it holds; ``set_aside`` lists grid rows (0-based) that are neither
    data nor header of the table as read: a header repeated on a continuation
    table, a "(tiếp theo)" line; each with the non-data kind it counts as.
    ``table_rows`` gives the grid row where each table starts. A sheet with no
    table holds the middle of a long text above table ``text_before``.
    """

    tables: tuple[int, ...] = ()
    set_aside: tuple[tuple[int, str], ...] = ()
    table_rows: tuple[tuple[int, int], ...] = field(default=())
    #: For a sheet of text only (no table): the number of the table the text stands above.
    text_before: int | None = None


def sheet_name(tables: tuple[int, ...], text_before: int | None = None) -> str:
    """The name a document sheet gets from its tables.

    >>> sheet_name((2,)), sheet_name((2, 3)), sheet_name((), 4)
    ('Bảng 2', 'Bảng 2–3', 'Văn bản trước bảng 4')
    """
    if not tables:
        return f"Văn bản trước bảng {text_before}"
    if len(tables) == 1:
        return f"Bảng {tables[0]}"
    return f"Bảng {tables[0]}–{tables[-1]}"


# --------------------------------------------------------------------------- .docx


def _docx_text(element, parent) -> str:
    return DocxParagraph(element, parent).text


def _docx_cell_text(tc, parent) -> str:
    # every non-blank paragraph of the cell, nested tables included, one line each
    texts = (_docx_text(p, parent) for p in tc.iter(qn("w:p")))
    return "\n".join(t for t in texts if t.strip())


def _docx_table(tbl, parent, number: int) -> Table:
    """The table's rows on its column grid; merged cells keep their text top-left only."""
    rows: list[list[str]] = []
    for tr in tbl.tr_lst:
        row: list[str] = [""] * (tr.grid_before or 0)
        for tc in tr.tc_lst:
            span = max(1, tc.grid_span or 1)
            text = "" if tc.vMerge == "continue" else _docx_cell_text(tc, parent)
            row.extend([text] + [""] * (span - 1))
        row.extend([""] * (tr.grid_after or 0))
        rows.append(row)
    width = max(
        [len(r) for r in rows] + [len(tbl.tblGrid.gridCol_lst) if tbl.tblGrid is not None else 0]
    )
    return Table(number, tuple(tuple(r + [""] * (width - len(r))) for r in rows))


def _docx_blocks(data: bytes, rel: str) -> list[Paragraph | Table]:
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile) as exc:
        raise unreadable(
            rel,
            UNREADABLE_CORRUPT,
            lb.message("unreadable_word_damaged"),
        ) from exc
    except (KeyError, ValueError) as exc:  # another Office package, or parts missing
        raise unreadable(
            rel,
            UNREADABLE_NOT_SPREADSHEET,
            lb.message("unreadable_not_docx"),
        ) from exc
    blocks: list[Paragraph | Table] = []
    count = 0

    def walk(container) -> None:
        nonlocal count
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                blocks.append(Paragraph(_docx_text(child, document)))
            elif child.tag == qn("w:tbl"):
                count += 1
                blocks.append(_docx_table(child, document, count))
            elif child.tag == qn("w:sdt"):  # content control around paragraphs or tables
                for content in child.iterchildren(qn("w:sdtContent")):
                    walk(content)

    walk(document.element.body)
    return blocks


# --------------------------------------------------------------------------- .odt

_ODF = {
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}


def _odf(ns: str, name: str) -> str:
    return f"{{{_ODF[ns]}}}{name}"


def _odf_text(element) -> str:
    """Text of an ODF paragraph: spans, spaces (text:s), tabs and line breaks."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag == _odf("text", "s"):
            parts.append(" " * int(child.get(_odf("text", "c"), "1") or 1))
        elif child.tag == _odf("text", "tab"):
            parts.append("\t")
        elif child.tag == _odf("text", "line-break"):
            parts.append("\n")
        elif child.tag not in (_odf("text", "note"), _odf("office", "annotation")):
            parts.append(_odf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _odf_cell_text(cell) -> str:
    paragraphs = [p for p in cell.iter() if p.tag in (_odf("text", "p"), _odf("text", "h"))]
    return "\n".join(t for t in map(_odf_text, paragraphs) if t.strip())


def _odt_rows(table) -> list:
    rows = []
    for child in table:
        if child.tag == _odf("table", "table-row"):
            repeat = int(child.get(_odf("table", "number-rows-repeated"), "1") or 1)
            rows.extend([child] * min(repeat, 1000))
        elif child.tag in (
            _odf("table", "table-header-rows"),
            _odf("table", "table-rows"),
            _odf("table", "table-row-group"),
        ):
            rows.extend(_odt_rows(child))
    return rows


def _odt_table(table, number: int) -> Table:
    rows: list[list[str]] = []
    for tr in _odt_rows(table):
        row: list[str] = []
        for cell in tr:
            if cell.tag not in (_odf("table", "table-cell"), _odf("table", "covered-table-cell")):
                continue
            repeat = min(int(cell.get(_odf("table", "number-columns-repeated"), "1") or 1), 1000)
            covered = cell.tag == _odf("table", "covered-table-cell")
            text = "" if covered else _odf_cell_text(cell)
            row.extend([text] * repeat)
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return Table(number, tuple(tuple(r + [""] * (width - len(r))) for r in rows))


def _odt_blocks(data: bytes, rel: str) -> list[Paragraph | Table]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            mimetype = zf.read("mimetype").decode("ascii", "replace").strip()
            if mimetype != "application/vnd.oasis.opendocument.text":
                raise unreadable(
                    rel,
                    UNREADABLE_NOT_SPREADSHEET,
                    lb.message("unreadable_not_odt", mimetype=mimetype),
                )
            root = ElementTree.fromstring(zf.read("content.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as exc:
        raise unreadable(
            rel, UNREADABLE_CORRUPT, lb.message("unreadable_document_damaged")
        ) from exc
    body = root.find(f"{_odf('office', 'body')}/{_odf('office', 'text')}")
    blocks: list[Paragraph | Table] = []
    count = 0

    def walk(container) -> None:
        nonlocal count
        for child in container:
            if child.tag in (_odf("text", "p"), _odf("text", "h")):
                blocks.append(Paragraph(_odf_text(child)))
            elif child.tag == _odf("table", "table"):
                count += 1
                blocks.append(_odt_table(child, count))
            elif child.tag in (
                _odf("text", "section"),
                _odf("text", "list"),
                _odf("text", "list-item"),
                _odf("text", "list-header"),
            ):
                walk(child)

    if body is not None:
        walk(body)
    return blocks


# --------------------------------------------------------------------------- grouping


def _is_continuation(text: str) -> bool:
    return bool(_CONTINUATION.match(fold_text(text).strip()))


def _norm_row(row: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(" ".join(v.split()).casefold() for v in row)


def _repeated_header(first: Table, table: Table) -> int:
    """How many leading rows of ``table`` repeat rows near the top of ``first``.

    The header of a table continued on the next page is often repeated there
    (without the title rows the first part may hold above it). Only the first
    ``_HEADER_ROWS`` rows of ``first`` are compared, and at least one row of
    ``table`` is left as data.
    """
    top = [_norm_row(r) for r in first.rows[:_HEADER_ROWS]]
    if not table.rows or not any(v.strip() for v in table.rows[0]):
        return 0
    lead = _norm_row(table.rows[0])
    if lead not in top:
        return 0
    start = top.index(lead)
    n = 0
    while (
        start + n < len(top)
        and n < len(table.rows) - 1
        and any(v.strip() for v in table.rows[n])
        and _norm_row(table.rows[n]) == top[start + n]
    ):
        n += 1
    return n


@dataclass
class _Group:
    rows: list[tuple[str, ...]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    set_aside: list[tuple[int, str]] = field(default_factory=list)
    table_rows: list[tuple[int, int]] = field(default_factory=list)
    text_before: int | None = None

    def add_paragraphs(self, texts: list[str], kind: str | None = None) -> None:
        for text in texts:
            if kind is not None:
                self.set_aside.append((len(self.rows), kind))
            self.rows.append((text,))

    def add_table(self, table: Table, repeated: int = 0) -> None:
        self.table_rows.append((table.number, len(self.rows)))
        for k, row in enumerate(table.rows):
            if k < repeated:
                self.set_aside.append((len(self.rows), SET_ASIDE_HEADER))
            self.rows.append(row)
        self.tables.append(table)


def _continues(group: _Group, between: list[str], table: Table) -> int | None:
    """None when ``table`` starts a new table; else the number of repeated header rows."""
    if not group.tables or not all(_is_continuation(t) for t in between):
        return None
    repeated = _repeated_header(group.tables[0], table)
    if repeated or table.width == group.tables[-1].width:
        return repeated
    return None


def group_blocks(blocks: list[Paragraph | Table]) -> list[_Group]:
    """Tables with the paragraphs that belong to them (see the module docstring)."""
    groups: list[_Group] = []
    current = _Group()
    pending: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if block.text.strip():
                pending.append(block.text.strip())
            continue
        repeated = _continues(current, pending, block)
        if repeated is None:
            if current.tables:
                groups.append(current)
                current = _Group()
            if len(pending) > TITLE_PARAGRAPHS:
                keep = TITLE_PARAGRAPHS // 2
                text = _Group(text_before=block.number)
                text.add_paragraphs(pending[keep:-keep])
                groups.append(text)
                pending = pending[:keep] + pending[-keep:]
            current.add_paragraphs(pending)
        else:
            current.add_paragraphs(pending, SET_ASIDE_CONTINUATION)
        pending = []
        current.add_table(block, repeated or 0)
    current.add_paragraphs(pending)
    if current.rows:
        groups.append(current)
    return groups


def document_sheets(blocks: list[Paragraph | Table], rel: str) -> list[DocumentSheet]:
    """One :class:`DocumentSheet` per table (continuations joined) of a document's blocks."""
    sheets = []
    for group in group_blocks(blocks):
        width = max(len(r) for r in group.rows)
        grid = tuple(tuple(r) + ("",) * (width - len(r)) for r in group.rows)
        numbers = tuple(t.number for t in group.tables)
        sheets.append(
            DocumentSheet(
                file=rel,
                sheet=sheet_name(numbers, group.text_before),
                hidden=False,
                rows=grid,
                tables=numbers,
                set_aside=tuple(group.set_aside),
                table_rows=tuple(group.table_rows),
                text_before=group.text_before,
            )
        )
    return sheets


# --------------------------------------------------------------------------- entry point


def read_document(path: Path, *, raw_dir: Path) -> list[DocumentSheet]:
    """The tables of one .docx or .odt file as :class:`DocumentSheet` grids.

    A ``.doc`` (Word 97–2003) or ``.pdf`` raises with reason
    ``word_97_document`` / ``pdf_document`` and a Vietnamese line saying how to
    send the data instead (a ``.doc`` that is really a renamed .docx is read).
    Raises :class:`~ntm_analysis.errors.UnreadableFileError` (one line) for an
    empty, too large, damaged, password-protected or mis-named document, and for
    a document with no table.
    """
    rel, ext, data = load_input(Path(path), Path(raw_dir))
    if data.startswith(_CFB_MAGIC):
        if _ENCRYPTED in data:
            raise unreadable(
                rel,
                UNREADABLE_PASSWORD,
                lb.message("unreadable_document_encrypted"),
            )
        raise unreadable(rel, UNREADABLE_WORD_97, lb.message(NOT_DATA_MESSAGES[UNREADABLE_WORD_97]))
    if ext == ".pdf" or data.lstrip()[:5] == b"%PDF-":
        raise unreadable(rel, UNREADABLE_PDF, lb.message(NOT_DATA_MESSAGES[UNREADABLE_PDF]))
    if not data.startswith(_ZIP_MAGIC):
        raise unreadable(
            rel,
            UNREADABLE_NOT_SPREADSHEET,
            lb.message("unreadable_not_document", ext=ext),
        )
    # a .doc that is really a .docx (renamed) is read as one
    blocks = _odt_blocks(data, rel) if ext == ".odt" else _docx_blocks(data, rel)
    if not any(isinstance(b, Table) for b in blocks):
        raise unreadable(
            rel,
            UNREADABLE_NO_TABLE,
            lb.message("unreadable_no_table"),
        )
    return document_sheets(blocks, rel)
