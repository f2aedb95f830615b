"""Find input files and open them into raw row grids (the only disk-reading stage).

Every spreadsheet shape the district receives (.xlsx, .xlsm, .xls, .ods, .csv)
becomes a list of :class:`RawSheet` (text documents, .docx and .odt, are opened
by :mod:`ntm_analysis.word` into the same grids): the sheet's non-empty rectangle as tuples
of raw cell values (numbers stay numbers, text stays text), with the 1-based
spreadsheet number of its first row and the 0-based index of its first column
so that every cell keeps its real address ("E12").

Reading uses python-calamine (fast, no openpyxl). Calamine turns Excel error
cells ("#DIV/0!") into empty cells, so for .xlsx/.xlsm the sheet XML is scanned
for error cells and they are put back as their error text; for .xls the error
cells are found with xlrd. A file that cannot be read raises
:class:`~ntm_analysis.errors.UnreadableFileError` with a reason code and one
clear line; nothing here ever writes to the raw folder.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import python_calamine as pc

from . import config
from . import labels as lb
from .errors import UnreadableFileError
from .parsing import decode_text_bytes
from .provenance import SAMPLE_FOLDER, is_sample_file

#: Extensions read as workbooks / as delimited text.
WORKBOOK_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_EXTENSIONS = (".csv", ".tsv")
SUPPORTED_EXTENSIONS = WORKBOOK_EXTENSIONS + TEXT_EXTENSIONS
#: Text documents whose tables are read (:mod:`ntm_analysis.word`).
DOCUMENT_EXTENSIONS = (".docx", ".odt")
#: Documents that are not data to this tool; named in the report with how to send the data.
NOT_DATA_EXTENSIONS = (".doc", ".pdf")
#: Every extension that discovery hands to reading.
INPUT_EXTENSIONS = SUPPORTED_EXTENSIONS + DOCUMENT_EXTENSIONS + NOT_DATA_EXTENSIONS

#: Names of operating-system files that are never data.
OS_FILES = frozenset({"thumbs.db", "desktop.ini", ".ds_store", "icon\r"})

# reasons of SkippedFile / UnreadableFileError
SKIP_LOCK_FILE = "lock_file"
SKIP_HIDDEN_FILE = "hidden_file"
SKIP_UNSUPPORTED = "unsupported_extension"
SKIP_SAMPLE_BESIDE_REAL_DATA = "sample_beside_real_data"
SKIP_PLAN_WORKBOOKS = "plan_workbooks"
UNREADABLE_EMPTY = "empty_file"
UNREADABLE_TOO_LARGE = "too_large"
UNREADABLE_PASSWORD = "password_protected"
UNREADABLE_CORRUPT = "corrupt"
UNREADABLE_NOT_SPREADSHEET = "not_a_spreadsheet"
UNREADABLE_UNSUPPORTED = "unsupported_extension"

_ZIP_MAGIC = b"PK\x03\x04"
_ZIP_EMPTY_MAGIC = b"PK\x05\x06"
_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


@dataclass(frozen=True)
class RawSheet:
    """One sheet's non-empty rectangle of raw cell values.

    ``rows[i][j]`` is the cell at spreadsheet row ``first_row + i`` (1-based)
    and column index ``first_col + j`` (0-based; see :func:`column_letter`).
    Empty cells are ``""``.
    """

    file: str
    sheet: str
    hidden: bool
    rows: tuple[tuple[object, ...], ...]
    first_row: int = 1
    first_col: int = 0


@dataclass(frozen=True)
class SkippedFile:
    """A file of the raw folder that was deliberately not read."""

    file: str
    reason: str
    message: str


def column_letter(index: int) -> str:
    """Spreadsheet column letters of a 0-based column index.

    >>> column_letter(0), column_letter(4), column_letter(26), column_letter(701)
    ('A', 'E', 'AA', 'ZZ')
    """
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _relative(path: Path, raw_dir: Path) -> str:
    try:
        return path.resolve().relative_to(raw_dir.resolve()).as_posix()
    except ValueError:
        return PurePosixPath(path.name).as_posix()


def _skip_reason(path: Path, rel_parts: tuple[str, ...]) -> tuple[str, str] | None:
    name = path.name
    if name.startswith("~$") or name.startswith(".~lock."):
        return SKIP_LOCK_FILE, lb.message("skip_lock_file")
    if any(part.startswith(".") for part in rel_parts) or name.lower() in OS_FILES:
        return SKIP_HIDDEN_FILE, lb.message("skip_hidden_file")
    if path.suffix.lower() not in INPUT_EXTENSIONS:
        kinds = ", ".join(SUPPORTED_EXTENSIONS + DOCUMENT_EXTENSIONS)
        return SKIP_UNSUPPORTED, lb.message("skip_unsupported", kinds=kinds)
    return None


def _set_sample_aside(inputs: list[Path], raw_dir: Path) -> tuple[list[Path], list[SkippedFile]]:
    """Keep the synthetic sample out of a folder that also holds real data.

    ``ntm sample`` writes into ``<raw>/sample/``; once a user puts real files
    beside it, mixing made-up figures into their review would be wrong, so the
    sample is set aside (and listed as skipped). Cleaned alone, it is read.
    Which files are the sample is :func:`ntm_analysis.provenance.is_sample_file`.
    """
    in_sample = [is_sample_file(p.relative_to(raw_dir)) for p in inputs]
    if all(in_sample) or not any(in_sample):
        return inputs, []
    message = lb.message("skip_sample_aside", path=(raw_dir / SAMPLE_FOLDER).as_posix())
    kept = [p for p, sample in zip(inputs, in_sample, strict=True) if not sample]
    aside = [
        SkippedFile(p.relative_to(raw_dir).as_posix(), SKIP_SAMPLE_BESIDE_REAL_DATA, message)
        for p, sample in zip(inputs, in_sample, strict=True)
        if sample
    ]
    return kept, aside


def discover_inputs(
    raw_dir: Path, *, skip_plans: bool = True
) -> tuple[list[Path], list[SkippedFile]]:
    """Every readable input under ``raw_dir`` (recursive), and what was skipped.

    Office lock files (``~$…``), hidden and OS files (``.DS_Store``) and
    unsupported extensions are skipped with a reason; a hidden folder (``.git``)
    is skipped as a whole, as one entry, and so is a ``plans/`` folder of
    filled task workbooks (``ntm tasks import`` reads those) unless
    ``skip_plans`` is false. The order is deterministic: sorted by relative path.
    """
    raw_dir = Path(raw_dir)
    inputs: list[Path] = []
    skipped: list[SkippedFile] = []
    for folder, dirs, names in os.walk(raw_dir):
        base = Path(folder)
        rel_base = base.relative_to(raw_dir)
        for d in sorted(dirs):
            if d.startswith("."):
                rel = (rel_base / d).as_posix() + "/"
                skipped.append(SkippedFile(rel, SKIP_HIDDEN_FILE, lb.message("skip_hidden_folder")))
            elif skip_plans and d.lower() == config.PLANS_FOLDER:
                rel = (rel_base / d).as_posix() + "/"
                message = lb.message("skip_plan_workbooks")
                skipped.append(SkippedFile(rel, SKIP_PLAN_WORKBOOKS, message))
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and not (skip_plans and d.lower() == config.PLANS_FOLDER)
        )
        for name in names:
            path = base / name
            if not path.is_file():
                continue
            rel = rel_base / name
            why = _skip_reason(path, rel.parts)
            if why is None:
                inputs.append(path)
            else:
                skipped.append(SkippedFile(rel.as_posix(), why[0], why[1]))
    inputs.sort(key=lambda p: p.relative_to(raw_dir).as_posix())
    inputs, set_aside = _set_sample_aside(inputs, raw_dir)
    skipped.extend(set_aside)
    skipped.sort(key=lambda s: s.file)
    return inputs, skipped


# --------------------------------------------------------------------------- workbooks


def unreadable(rel: str, reason: str, message: str) -> UnreadableFileError:
    """The error for one file; its message is one sentence (the file is in ``path``)."""
    return UnreadableFileError(message[:1].upper() + message[1:], path=rel, reason=reason)


def _check_magic(data: bytes, ext: str, rel: str) -> None:
    """Refuse bytes that are not the container a workbook extension promises."""
    head = data[:8]
    if head.startswith(_CFB_MAGIC):
        if ext in (".xlsx", ".xlsm") and any(m in data for m in _ENCRYPTED_MARKERS):
            raise unreadable(
                rel,
                UNREADABLE_PASSWORD,
                lb.message("unreadable_encrypted"),
            )
        return
    if head.startswith(_ZIP_MAGIC) or head.startswith(_ZIP_EMPTY_MAGIC):
        return
    start = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")):
        hint = lb.message("hint_html")
    elif (
        start.startswith(b"<?xml")
        and b"urn:schemas-microsoft-com:office:spreadsheet" in (data[:4096])
    ):
        hint = lb.message("hint_xml2003")
    else:
        hint = lb.message("hint_wrong_name")
    raise unreadable(
        rel,
        UNREADABLE_NOT_SPREADSHEET,
        lb.message("unreadable_not_spreadsheet", ext=ext, hint=hint),
    )


_SHEET_REL = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"')
_SHEET_REL_ALT = re.compile(rb'<sheet\b[^>]*?r:id="([^"]+)"[^>]*?name="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"')
_REL_ALT = re.compile(rb'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')
_ERROR_CELL = re.compile(rb'<c\b([^>]*?)\bt="e"([^>]*)>(?:<f[^<]*(?:</f>)?)?\s*<v>([^<]*)</v>')
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


def _unescape_xml(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(a, b)
    return text


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _xlsx_error_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Error cells per sheet name of an OOXML workbook: {(row0, col0): "#DIV/0!"}."""
    out: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" not in names:
                return out
            book = zf.read("xl/workbook.xml")
            rels = (
                zf.read("xl/_rels/workbook.xml.rels")
                if "xl/_rels/workbook.xml.rels" in names
                else b""
            )
            targets = {i: t for i, t in _REL.findall(rels)} | {
                i: t for t, i in _REL_ALT.findall(rels)
            }
            sheets = _SHEET_REL.findall(book) or [(n, i) for i, n in _SHEET_REL_ALT.findall(book)]
            for name, rid in sheets:
                target = targets.get(rid)
                if target is None:
                    continue
                t = target.decode()
                part = t.lstrip("/") if t.startswith("/") else f"xl/{t}"
                if part not in names:
                    continue
                xml = zf.read(part)
                if b't="e"' not in xml:
                    continue
                cells: dict[tuple[int, int], str] = {}
                for attrs1, attrs2, value in _ERROR_CELL.findall(xml):
                    ref = _CELL_REF.search(attrs1 + b" " + attrs2)
                    if ref:
                        cells[(int(ref.group(2)) - 1, _col_index(ref.group(1)))] = _unescape_xml(
                            value
                        )
                if cells:
                    out[_unescape_xml(name)] = cells
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return {}
    return out


def _xls_error_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Error cells per sheet of an Excel 97-2003 workbook (via xlrd)."""
    try:
        import xlrd
    except ImportError:  # pragma: no cover - xlrd is a dependency
        return {}
    out: dict[str, dict[tuple[int, int], str]] = {}
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        for index in range(book.nsheets):
            sh = book.sheet_by_index(index)
            cells = {}
            for r in range(sh.nrows):
                for c, ctype in enumerate(sh.row_types(r)):
                    if ctype == xlrd.XL_CELL_ERROR:
                        code = sh.cell_value(r, c)
                        cells[(r, c)] = xlrd.error_text_from_code.get(code, "#N/A")
            if cells:
                out[sh.name] = cells
            book.unload_sheet(index)
    except Exception:  # noqa: BLE001 - error cells are a best-effort extra
        return {}
    return out


def _grid(sheet: pc.CalamineSheet) -> tuple[list[list[object]], int, int]:
    rows = sheet.to_python(skip_empty_area=True)
    start = sheet.start
    if start is None:
        return [], 0, 0
    return rows, start[0], start[1]


def _place_errors(
    rows: list[list[object]], r0: int, c0: int, errors: dict[tuple[int, int], str]
) -> tuple[list[list[object]], int, int]:
    """Put error texts back into the grid, growing it when they fall outside."""
    if not errors:
        return rows, r0, c0
    width = max((len(r) for r in rows), default=0)
    top = min([r0] + [r for r, _ in errors]) if rows else min(r for r, _ in errors)
    left = min([c0] + [c for _, c in errors]) if rows else min(c for _, c in errors)
    bottom = max([r0 + len(rows) - 1] + [r for r, _ in errors])
    right = max([c0 + width - 1] + [c for _, c in errors])
    grid = [["" for _ in range(right - left + 1)] for _ in range(bottom - top + 1)]
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            grid[r0 - top + i][c0 - left + j] = v
    for (r, c), text in errors.items():
        if grid[r - top][c - left] in ("", None):
            grid[r - top][c - left] = text
    return grid, top, left


def _tupled(rows: list[list[object]]) -> tuple[tuple[object, ...], ...]:
    return tuple(tuple("" if v is None else v for v in row) for row in rows)


def _read_workbook(data: bytes, ext: str, rel: str) -> list[RawSheet]:
    _check_magic(data, ext, rel)
    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except pc.PasswordError as exc:
        raise unreadable(
            rel,
            UNREADABLE_PASSWORD,
            lb.message("unreadable_password"),
        ) from exc
    except Exception as exc:  # noqa: BLE001 - calamine raises many kinds for broken files
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise unreadable(
                rel,
                UNREADABLE_PASSWORD,
                lb.message("unreadable_password"),
            ) from exc
        raise unreadable(
            rel,
            UNREADABLE_CORRUPT,
            lb.message("unreadable_damaged", detail=_short(exc)),
        ) from exc
    if data.startswith(_ZIP_MAGIC) and ext in (".xlsx", ".xlsm"):
        errors = _xlsx_error_cells(data)
    elif data.startswith(_CFB_MAGIC):
        errors = _xls_error_cells(data)
    else:
        errors = {}
    sheets: list[RawSheet] = []
    try:
        for meta in book.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows, r0, c0 = _grid(sheet)
            rows, r0, c0 = _place_errors(rows, r0, c0, errors.get(meta.name, {}))
            sheets.append(
                RawSheet(
                    file=rel,
                    sheet=str(meta.name),
                    hidden=meta.visible != pc.SheetVisibleEnum.Visible,
                    rows=_tupled(rows),
                    first_row=r0 + 1,
                    first_col=c0,
                )
            )
    except Exception as exc:  # noqa: BLE001
        text = str(exc).lower()
        reason = UNREADABLE_PASSWORD if "password" in text else UNREADABLE_CORRUPT
        raise unreadable(rel, reason, lb.message("unreadable_sheet", detail=_short(exc))) from exc
    finally:
        book.close()
    return sheets


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:120] + ("…" if len(text) > 120 else "")


# --------------------------------------------------------------------------- CSV

_DELIMITERS = (";", "\t", ",")


def _sniff_delimiter(text: str, ext: str) -> str:
    """The delimiter of the first non-empty line (``;``, tab or ``,``)."""
    if ext == ".tsv":
        return "\t"
    first = text.lstrip()[:6].lower()
    if first.startswith("sep=") and len(first) > 4 and first[4] in ",;\t|":
        return first[4]  # Excel's "sep=;" hint line
    for line in text.splitlines():
        if line.strip():
            counts = {d: _count_outside_quotes(line, d) for d in _DELIMITERS}
            best = max(_DELIMITERS, key=lambda d: (counts[d], -_DELIMITERS.index(d)))
            return best if counts[best] else ","
    return ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    inside = False
    n = 0
    for ch in line:
        if ch == '"':
            inside = not inside
        elif ch == delimiter and not inside:
            n += 1
    return n


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if sample.count(b"\x00") > len(sample) // 4:  # BOM-less UTF-16
        return False
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > max(8, len(sample) // 20)


def _read_csv(data: bytes, ext: str, rel: str) -> list[RawSheet]:
    if data.startswith((_ZIP_MAGIC, _CFB_MAGIC)) or _looks_binary(data):
        raise unreadable(
            rel,
            UNREADABLE_NOT_SPREADSHEET,
            lb.message("unreadable_binary_csv", ext=ext),
        )
    text, _encoding = decode_text_bytes(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = _sniff_delimiter(text, ext)
    try:
        parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise unreadable(rel, UNREADABLE_CORRUPT, lb.message("unreadable_csv", detail=exc)) from exc
    # drop trailing empty rows; keep leading ones out of the grid but count the offset
    first = 0
    while first < len(parsed) and not any(c.strip() for c in parsed[first]):
        first += 1
    last = len(parsed)
    while last > first and not any(c.strip() for c in parsed[last - 1]):
        last -= 1
    rows = parsed[first:last]
    width = max((len(r) for r in rows), default=0)
    grid = tuple(tuple(r) + ("",) * (width - len(r)) for r in rows)
    return [RawSheet(file=rel, sheet="", hidden=False, rows=grid, first_row=first + 1, first_col=0)]


# --------------------------------------------------------------------------- entry point


def load_input(path: Path, raw_dir: Path) -> tuple[str, str, bytes]:
    """(path relative to ``raw_dir``, lower-case extension, bytes) of one input file.

    Raises :class:`~ntm_analysis.errors.UnreadableFileError` for an empty file,
    a file over ``NTM_MAX_INPUT_BYTES`` or one that cannot be read.
    """
    path = Path(path)
    rel = _relative(path, Path(raw_dir))
    ext = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise unreadable(
            rel, UNREADABLE_CORRUPT, lb.message("unreadable_cannot_open", detail=exc)
        ) from exc
    if size == 0:
        raise unreadable(rel, UNREADABLE_EMPTY, lb.message("unreadable_empty"))
    if size > config.MAX_INPUT_BYTES:
        raise unreadable(
            rel,
            UNREADABLE_TOO_LARGE,
            lb.message("unreadable_too_large", size=size, limit=config.MAX_INPUT_BYTES),
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise unreadable(
            rel, UNREADABLE_CORRUPT, lb.message("unreadable_cannot_read", detail=exc)
        ) from exc
    return rel, ext, data


def read_sheets(path: Path, *, raw_dir: Path) -> list[RawSheet]:
    """Every worksheet of one input file as :class:`RawSheet` (CSV: one sheet named "").

    Raises :class:`~ntm_analysis.errors.UnreadableFileError` whose ``reason`` is
    one of ``empty_file``, ``too_large``, ``password_protected``, ``corrupt``,
    ``not_a_spreadsheet`` or ``unsupported_extension``, with a one-line message.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        rel = _relative(path, Path(raw_dir))
        raise unreadable(rel, UNREADABLE_UNSUPPORTED, lb.message("unreadable_unsupported", ext=ext))
    rel, ext, data = load_input(path, Path(raw_dir))
    if ext in TEXT_EXTENSIONS:
        return _read_csv(data, ext, rel)
    return _read_workbook(data, ext, rel)
