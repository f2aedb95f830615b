"""Task workbooks: out to the departments (``ntm tasks export``) and back (``ntm tasks import``).

The I/O edge of the roadmap. :func:`export_task_workbooks` writes one .xlsx
per department, plus one combined workbook, listing the department's tasks
(unmet indicators of communes, :func:`ntm_analysis.roadmap.workbook_tasks`)
with the tool's columns locked and the department's columns open for typing.
:func:`import_task_workbooks` reads the filled workbooks back (.xlsx, .xlsm,
.xls, .ods: whatever they were saved as), whatever people typed, and keeps
the plans in ``plans.parquet`` of the processed folder, with every cell it
could not use in ``plan_rejects.csv`` and every change in ``plan_changes.csv``.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import config, roadmap
from . import labels as lb
from . import schema as s
from .catalog import load_catalog
from .errors import NoDataError, RejectReason, UnreadableFileError, UsageError
from .parsing import fold_text, normalize_text
from .pipeline import load_processed, safe_csv_frame
from .plan_parsing import parse_deadline, parse_money_million
from .provenance import is_sample_file
from .readers import (
    SKIP_PLAN_WORKBOOKS,
    SKIP_SAMPLE_BESIDE_REAL_DATA,
    RawSheet,
    column_letter,
    discover_inputs,
    read_sheets,
)
from .responsibility import load_responsibility
from .validation import validate_table
from .writing import atomic_write

#: The columns the tool fills: (field of roadmap.workbook_tasks, header).
TOOL_COLUMNS = (
    ("task_id", "Mã nhiệm vụ"),
    ("commune_text", "Xã"),
    ("criterion_text", "Tiêu chí"),
    ("indicator_text_full", "Chỉ tiêu"),
    ("current_text", "Hiện trạng"),
    ("target_text_full", "Mục tiêu"),
    ("gap_text", "Còn thiếu"),
    ("outlook_text", "Triển vọng"),
)
#: The columns the department fills: (field of plans.parquet, header).
DEPARTMENT_COLUMNS = (
    ("action", "Giải pháp"),
    ("officer", "Cán bộ phụ trách"),
    ("deadline", "Hạn hoàn thành"),
    ("budget_million_vnd", "Kinh phí (triệu đồng)"),
    ("funding_source", "Nguồn vốn"),
    ("status", "Tiến độ"),
)
HEADERS = tuple(h for _, h in TOOL_COLUMNS + DEPARTMENT_COLUMNS)
TITLE = "DANH SÁCH NHIỆM VỤ THỰC HIỆN TIÊU CHÍ NÔNG THÔN MỚI NĂM {year}"
DEPARTMENT_PREFIX = "Đơn vị thực hiện:"
#: Rows of the title block; the header is the next row.
HEADER_ROW = 8
#: Spare open rows under the tasks, for a department that adds a line.
SPARE_ROWS = 0

_STATUS_WORDS = {
    s.PLAN_NOT_STARTED: ("chua trien khai", "chua thuc hien", "chua", "not started"),
    s.PLAN_IN_PROGRESS: (
        "dang thuc hien",
        "dang trien khai",
        "dang lam",
        "in progress",
    ),
    s.PLAN_DONE: ("hoan thanh", "da hoan thanh", "xong", "da xong", "done", "completed"),
    s.PLAN_DELAYED: ("cham tien do", "cham", "tre han", "qua han", "delayed", "late"),
}
_STATUS_BY_WORD = {w: code for code, words in _STATUS_WORDS.items() for w in words}
_TASK_ID = re.compile(r"^NV-(\d{4})-")

_WIDTHS = {  # minimum and maximum widths (characters) per header
    "Mã nhiệm vụ": (14, 24),
    "Xã": (12, 20),
    "Tiêu chí": (14, 28),
    "Chỉ tiêu": (24, 48),
    "Giải pháp": (30, 40),
    "Cán bộ phụ trách": (16, 22),
    "Hạn hoàn thành": (13, 16),
    "Kinh phí (triệu đồng)": (12, 14),
    "Nguồn vốn": (14, 22),
    "Tiến độ": (15, 17),
}


# --------------------------------------------------------------------------- shared


def _catalog_for(data):
    try:
        return load_catalog(data.ingest_report.get("province_set") or None)
    except Exception:  # noqa: BLE001 - a province file moved since cleaning: national catalog
        return load_catalog()


def issuing_body(data, year: int) -> str:
    """The people's committee over the communes of ``year``: "UBND HUYỆN ĐẦM HÀ" while
    districts existed, "UBND TỈNH QUẢNG NINH" for a year after 01/07/2025 (no district:
    the evaluation rolls those communes up to their province); "UBND" when the year's
    communes fall under several or none."""
    rows = data.district.loc[data.district["year"] == int(year), "district"]
    names = rows.dropna().astype(str).unique().tolist()
    return f"UBND {names[0]}".upper() if len(names) == 1 else "UBND"


def read_plans(processed_dir: str | Path | None = None) -> pd.DataFrame:
    """The plans imported so far (``plans.parquet``), validated; empty when none."""
    d = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DATA_DIR
    path = d / config.PLANS_FILE
    if not path.is_file():
        return roadmap.empty_plans()
    return validate_table("plans", pd.read_parquet(path))


def _resolve_department(name: str, known: list[str]) -> str:
    folded = fold_text(name)
    for k in known:
        if fold_text(k) == folded:
            return k
    hits = [k for k in known if folded and folded in fold_text(k)]
    if len(hits) == 1:
        return hits[0]
    raise UsageError(
        lb.message(
            "err_unknown_name",
            what=lb.message("what_department"),
            name=name,
            known=", ".join(known),
        )
    )


# --------------------------------------------------------------------------- export


@dataclass
class ExportSummary:
    """What ``ntm tasks export`` wrote."""

    year: int
    out_dir: Path
    files: list[Path]
    tasks: int
    prefilled: int

    def lines(self) -> list[str]:
        return [
            lb.message("tasks_exported", year=self.year, n=self.tasks, prefilled=self.prefilled),
            *(f"  {p}" for p in self.files),
        ]


def export_task_workbooks(
    out_dir: str | Path,
    *,
    processed_dir: str | Path | None = None,
    year: int | None = None,
    department: str | None = None,
    mapping_file: str | Path | None = None,
) -> ExportSummary:
    """Write one task workbook per department, plus a combined one, into ``out_dir``.

    ``year`` defaults to the latest year of the processed data; ``department``
    (a name, or part of one, or a department id) writes that department only
    (and no combined workbook). Plans already imported come out filled in.
    """
    data = load_processed(processed_dir)
    chosen = int(year) if year is not None else max(data.years)
    if chosen not in data.years:
        raise UsageError(
            lb.message("err_unknown_years", missing=[chosen], path=data.path, available=data.years)
        )
    mapping = load_responsibility(mapping_file)
    tasks = roadmap.workbook_tasks(
        data.indicators, data.criteria, mapping, chosen, catalog=_catalog_for(data)
    )
    known = list(dict.fromkeys(tasks["department"].astype(str))) or list(
        dict.fromkeys(mapping["department_vi"].dropna().astype(str))
    )
    if department is not None:
        ids = mapping.loc[mapping["department_id"] == department, "department_vi"]
        name = str(ids.iloc[0]) if len(ids) else _resolve_department(department, known)
        tasks = tasks.loc[tasks["department"] == name]
        known = [name]
    out = Path(out_dir)
    raw = config.RAW_DATA_DIR.resolve()
    if out.resolve() == raw:
        raise UsageError(lb.message("err_write_into_raw", path=raw))
    out.mkdir(parents=True, exist_ok=True)
    plans = read_plans(data.path)
    issuer = issuing_body(data, chosen)
    files = []
    prefix = "MAU-synthetic_" if data.is_sample else ""
    for name in known:
        rows = tasks.loc[tasks["department"] == name]
        book = Workbook()
        book.active.title = _sheet_title(name, [])
        _write_sheet(
            book.active,
            rows,
            plans,
            issuer=issuer,
            department=name,
            year=chosen,
            sample=data.is_sample,
        )
        path = out / f"{prefix}nhiem-vu-{chosen}_{_slug(name)}.xlsx"
        atomic_write(path, lambda p, b=book: b.save(p))
        files.append(path)
    if department is None and len(known) > 1:
        book = Workbook()
        book.remove(book.active)
        for name in known:
            sheet = book.create_sheet(_sheet_title(name, book.sheetnames))
            _write_sheet(
                sheet,
                tasks.loc[tasks["department"] == name],
                plans,
                issuer=issuer,
                department=name,
                year=chosen,
                sample=data.is_sample,
            )
        path = out / f"{prefix}nhiem-vu-{chosen}_tong-hop.xlsx"
        atomic_write(path, lambda p, b=book: b.save(p))
        files.append(path)
    keys = set(zip(plans["task_id"], plans["department"], strict=True))
    prefilled = sum(
        (t, d) in keys for t, d in zip(tasks["task_id"], tasks["department"], strict=True)
    )
    return ExportSummary(chosen, out, files, len(tasks), prefilled)


def _slug(name: str) -> str:
    return fold_text(name).replace(" ", "-")[:60] or "don-vi"


def _sheet_title(name: str, taken: list[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Sheet"
    title, n = base, 2
    while title in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    return title


_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TOOL_FILL = PatternFill("solid", fgColor="EDEDED")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def _write_sheet(ws, rows: pd.DataFrame, plans: pd.DataFrame, *, issuer, department, year, sample):
    """Fill one worksheet: title block, header, one row per task (see the module doc)."""
    width = len(HEADERS)
    last = get_column_letter(width)
    bold = Font(bold=True)
    ws["A1"], ws["A2"] = issuer, department.upper()
    ws["A1"].font = ws["A2"].font = bold
    right = get_column_letter(width - 5)
    ws[f"{right}1"], ws[f"{right}2"] = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    )
    ws[f"{right}1"].font = bold
    ws[f"{right}2"].font = Font(bold=True, underline="single")
    for r in (1, 2):
        ws.merge_cells(f"A{r}:D{r}")
        ws.merge_cells(f"{right}{r}:{last}{r}")
        ws[f"A{r}"].alignment = ws[f"{right}{r}"].alignment = Alignment(horizontal="center")
    ws["A4"] = TITLE.format(year=year)
    ws["A4"].font = Font(bold=True, size=14)
    ws["A5"] = f"{DEPARTMENT_PREFIX} {department}"
    ws["A5"].font = bold
    ws["A6"] = (
        f"(Nhiệm vụ lập từ kết quả đánh giá năm {year}. Các cột nền xám do phần mềm điền, "
        "không sửa; đơn vị điền các cột từ “Giải pháp” đến “Tiến độ”. Hạn hoàn thành ghi "
        "ngày/tháng/năm, tháng/năm, quý/năm hoặc năm; kinh phí tính bằng triệu đồng.)"
    )
    if sample:
        ws["A7"] = "DỮ LIỆU MẪU TỔNG HỢP (SYNTHETIC) — không phải số liệu thật"
        ws["A7"].font = Font(bold=True, color="C00000")
    for r in (4, 5, 6, 7):
        ws.merge_cells(f"A{r}:{last}{r}")
        ws[f"A{r}"].alignment = Alignment(
            horizontal="center" if r == 4 else "left", wrap_text=True, vertical="top"
        )
    ws.row_dimensions[6].height = 30
    for j, header in enumerate(HEADERS, start=1):
        c = ws.cell(HEADER_ROW, j, header)
        c.font, c.fill, c.border = bold, _HEADER_FILL, _BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    by_key = plans.set_index(["task_id", "department"]).sort_index() if len(plans) else None
    lengths = [len(h) for h in HEADERS]
    n_tool = len(TOOL_COLUMNS)
    r = HEADER_ROW
    for r, task in enumerate(rows.itertuples(index=False), start=HEADER_ROW + 1):
        plan = None
        if by_key is not None and (task.task_id, task.department) in by_key.index:
            plan = by_key.loc[(task.task_id, task.department)]
        for j, (key, _) in enumerate(TOOL_COLUMNS, start=1):
            value = str(getattr(task, key))
            c = ws.cell(r, j, value)
            c.fill, c.border, c.alignment = _TOOL_FILL, _BORDER, _WRAP_TOP
            lengths[j - 1] = max(lengths[j - 1], len(value))
        for j, (key, _) in enumerate(DEPARTMENT_COLUMNS, start=n_tool + 1):
            value = _plan_cell(plan, key) if plan is not None else None
            c = ws.cell(r, j, value)
            c.border, c.alignment = _BORDER, _WRAP_TOP
            c.protection = Protection(locked=False)
            if key == "deadline":
                c.number_format = "DD/MM/YYYY"
            if value is not None:
                lengths[j - 1] = max(lengths[j - 1], len(str(value)))
    last_row = max(r, HEADER_ROW + 1) + SPARE_ROWS
    status_col = get_column_letter(width)
    choices = [lb.label(f"plan_{c}") for c in s.PLAN_STATUSES]
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Tiến độ",
        error="Chọn một trong: " + ", ".join(choices),
        promptTitle="Tiến độ",
        prompt="Chọn trong danh sách",
    )
    dv.add(f"{status_col}{HEADER_ROW + 1}:{status_col}{last_row}")
    ws.add_data_validation(dv)
    for j, header in enumerate(HEADERS, start=1):
        lo, hi = _WIDTHS.get(header, (10, 20))
        ws.column_dimensions[get_column_letter(j)].width = min(max(lengths[j - 1] + 2, lo), hi)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.protection.sheet = True
    # people may still resize, sort and filter; only the locked tool cells refuse edits
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    ws.protection.sort = False
    ws.protection.autoFilter = False
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(r, HEADER_ROW + 1)}"


def _plan_cell(plan: pd.Series, key: str) -> object:
    value = plan[key]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if key == "deadline":
        return pd.Timestamp(value).to_pydatetime()
    if key == "status":
        return lb.label(f"plan_{value}")
    if key == "budget_million_vnd":
        number = float(value)
        return int(number) if number.is_integer() else number
    return str(value)


# --------------------------------------------------------------------------- import


@dataclass
class ImportSummary:
    """What ``ntm tasks import`` read, kept, rejected and changed."""

    folder: Path
    processed_dir: Path
    files_read: int
    files_unreadable: int
    rows_read: int
    plans_imported: int
    plans: pd.DataFrame
    rejects: pd.DataFrame
    changes: pd.DataFrame
    written: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 all read; 1 something was rejected (or a file could not be opened)."""
        return 1 if len(self.rejects) else 0

    def lines(self) -> list[str]:
        out = [
            lb.message(
                "tasks_read",
                read=self.files_read,
                unreadable=self.files_unreadable,
                rows=self.rows_read,
                plans=self.plans_imported,
            ),
            lb.message(
                "tasks_held",
                plans=len(self.plans),
                changes=len(self.changes),
                rejects=len(self.rejects),
            ),
        ]
        for r in self.rejects.head(10).itertuples(index=False):
            out.append(
                lb.message(
                    "tasks_reject",
                    file=r.source_file,
                    sheet=r.source_sheet,
                    cell=r.cell,
                    text=r.message,
                )
            )
        if len(self.rejects) > 10:
            out.append(
                lb.message("tasks_more", n=len(self.rejects) - 10, file=config.PLAN_REJECTS_FILE)
            )
        if self.written:
            out.append(lb.message("cli_written", path=self.processed_dir))
        return out


def _reject(
    sheet: RawSheet | None,
    file: str,
    row: int | None,
    col: int | None,
    header: str,
    raw: object,
    reason: RejectReason,
    message: str,
) -> dict:
    cell = f"{column_letter(col)}{row}" if col is not None and row is not None else None
    raw_text = normalize_text(raw) if raw is not None else None
    return {
        s.SOURCE_FILE: file,
        s.SOURCE_SHEET: sheet.sheet if sheet is not None else None,
        "cell": cell,
        s.SOURCE_ROW: row,
        "column": header or None,
        "raw_value": raw_text,
        "reason": str(reason),
        "message": message,
    }


def _find_header(sheet: RawSheet) -> tuple[int, dict[str, int]] | None:
    """(row index in ``sheet.rows``, header -> absolute column index), or None."""
    wanted = {fold_text(h): h for h in HEADERS}
    for i, row in enumerate(sheet.rows[: config.HEADER_SEARCH_ROWS]):
        found = {}
        for j, v in enumerate(row):
            h = wanted.get(fold_text(v))
            if h is not None and h not in found:
                found[h] = sheet.first_col + j
        if "Mã nhiệm vụ" in found and len(found) >= 3:
            return i, found
    return None


def _sheet_department(sheet: RawSheet, header_index: int) -> str | None:
    prefix = fold_text(DEPARTMENT_PREFIX)
    for row in sheet.rows[:header_index]:
        for v in row:
            text = normalize_text(v)
            if text and fold_text(text).startswith(prefix):
                return normalize_text(text.split(":", 1)[1]) if ":" in text else None
    return normalize_text(sheet.sheet)


def _status_code(value: object) -> tuple[str | None, bool]:
    """(code, readable) of a typed "Tiến độ"."""
    folded = fold_text(value)
    if not folded:
        return None, True
    if folded in s.PLAN_STATUSES:
        return folded, True
    code = _STATUS_BY_WORD.get(folded)
    return code, code is not None


def _cell(row: tuple, sheet: RawSheet, col: int | None) -> object:
    if col is None:
        return None
    j = col - sheet.first_col
    v = row[j] if 0 <= j < len(row) else None
    return None if v == "" else v


class _KnownTasks:
    """The tasks the processed data gives, computed once per year as ids come up."""

    def __init__(self, data, mapping, catalog):
        self.data, self.mapping, self.catalog = data, mapping, catalog
        self._years: dict[int, pd.DataFrame] = {}

    def of(self, task_id: str) -> pd.DataFrame:
        m = _TASK_ID.match(task_id)
        if m is None or int(m[1]) not in self.data.years:
            return self.data.indicators.iloc[0:0]
        year = int(m[1])
        if year not in self._years:
            self._years[year] = roadmap.workbook_tasks(
                self.data.indicators, self.data.criteria, self.mapping, year, catalog=self.catalog
            )
        tasks = self._years[year]
        return tasks.loc[tasks["task_id"] == task_id]


def _read_sheet(sheet: RawSheet, known: _KnownTasks) -> tuple[list[dict], list[dict], int]:
    """(plan rows, rejects, task rows read) of one worksheet."""
    file = sheet.file
    found = _find_header(sheet)
    if found is None:
        has_content = any(normalize_text(v) for row in sheet.rows for v in row)
        if not has_content or sheet.hidden:
            return [], [], 0
        return (
            [],
            [
                _reject(
                    sheet,
                    file,
                    None,
                    None,
                    "",
                    None,
                    RejectReason.NO_HEADER,
                    lb.message("plan_no_header"),
                )
            ],
            0,
        )
    header_index, cols = found
    sheet_department = _sheet_department(sheet, header_index)
    plans, rejects, read = [], [], 0
    id_col = cols["Mã nhiệm vụ"]
    for i in range(header_index + 1, len(sheet.rows)):
        row = sheet.rows[i]
        r = sheet.first_row + i
        raw_id = _cell(row, sheet, id_col)
        typed = {k: _cell(row, sheet, cols.get(h)) for k, h in DEPARTMENT_COLUMNS}
        has_plan = any(normalize_text(v) for v in typed.values())
        tid = (normalize_text(raw_id) or "").upper().replace(" ", "")
        if not tid:
            if has_plan:
                rejects.append(
                    _reject(
                        sheet,
                        file,
                        r,
                        id_col,
                        "Mã nhiệm vụ",
                        raw_id,
                        RejectReason.UNKNOWN_TASK,
                        lb.message("plan_no_task_id", row=_row_text(typed)),
                    )
                )
            continue
        read += 1
        task = known.of(tid)
        if task.empty:
            rejects.append(
                _reject(
                    sheet,
                    file,
                    r,
                    id_col,
                    "Mã nhiệm vụ",
                    raw_id,
                    RejectReason.UNKNOWN_TASK,
                    lb.message("plan_unknown_task", task=tid, row=_row_text(typed)),
                )
            )
            continue
        departments = task["department"].astype(str).tolist()
        if sheet_department in departments:
            department = sheet_department
        elif len(departments) == 1:
            department = departments[0]
        else:
            rejects.append(
                _reject(
                    sheet,
                    file,
                    r,
                    id_col,
                    "Mã nhiệm vụ",
                    raw_id,
                    RejectReason.UNKNOWN_TASK,
                    lb.message(
                        "plan_several_departments",
                        task=tid,
                        departments=", ".join(departments),
                        sheet=sheet.sheet,
                        row=_row_text(typed),
                    ),
                )
            )
            continue
        expected = task.loc[task["department"] == department].iloc[0]
        for key, header in TOOL_COLUMNS[1:]:
            col = cols.get(header)
            if col is None:
                continue
            value = _cell(row, sheet, col)
            if fold_text(value) != fold_text(expected[key]):
                rejects.append(
                    _reject(
                        sheet,
                        file,
                        r,
                        col,
                        header,
                        value,
                        RejectReason.ALTERED_TOOL_COLUMN,
                        lb.message("plan_altered_cell", expected=expected[key], task=tid),
                    )
                )
        if not has_plan:
            continue
        plan = _plan_row(sheet, r, cols, typed, rejects)
        plans.append(
            {
                "task_id": tid,
                "year": int(expected["year"]),
                "department": department,
                "commune": str(expected["commune"]),
                "indicator": str(expected["indicator"]),
                **plan,
                s.SOURCE_FILE: file,
                s.SOURCE_ROW: r,
            }
        )
    return plans, rejects, read


def _row_text(typed: dict) -> str:
    parts = [
        f"{h}: {normalize_text(typed[k])}"
        for k, h in DEPARTMENT_COLUMNS
        if normalize_text(typed[k])
    ]
    return lb.message("plan_row_text", text="; ".join(parts) if parts else lb.message("empty"))


def _plan_row(sheet: RawSheet, r: int, cols: dict, typed: dict, rejects: list) -> dict:
    headers = dict(DEPARTMENT_COLUMNS)
    deadline = parse_deadline(typed["deadline"])
    if deadline.status == "unreadable":
        rejects.append(
            _reject(
                sheet,
                sheet.file,
                r,
                cols.get(headers["deadline"]),
                headers["deadline"],
                typed["deadline"],
                RejectReason.UNREADABLE_DEADLINE,
                lb.message("plan_unreadable_deadline"),
            )
        )
    money = parse_money_million(typed["budget_million_vnd"])
    if money.status == "unreadable":
        rejects.append(
            _reject(
                sheet,
                sheet.file,
                r,
                cols.get(headers["budget_million_vnd"]),
                headers["budget_million_vnd"],
                typed["budget_million_vnd"],
                RejectReason.UNREADABLE_BUDGET,
                lb.message("plan_unreadable_budget"),
            )
        )
    status, readable = _status_code(typed["status"])
    if not readable:
        # the workbook's drop-down is in Vietnamese, whatever the language of the run
        choices = ", ".join(lb.label(f"plan_{c}", "vi") for c in s.PLAN_STATUSES)
        rejects.append(
            _reject(
                sheet,
                sheet.file,
                r,
                cols.get(headers["status"]),
                headers["status"],
                typed["status"],
                RejectReason.UNKNOWN_STATUS,
                lb.message("plan_unknown_status", choices=choices),
            )
        )
    return {
        "action": normalize_text(typed["action"]),
        "officer": normalize_text(typed["officer"]),
        "deadline": pd.Timestamp(deadline.date) if deadline.ok else pd.NaT,
        "budget_million_vnd": money.value if money.ok else None,
        "funding_source": normalize_text(typed["funding_source"]),
        "status": status,
    }


def _folders(folder: str | Path | list) -> tuple[list[Path], Path]:
    """The folders to read and the folder file names are given relative to."""
    folders = [Path(f) for f in folder] if isinstance(folder, list | tuple) else [Path(folder)]
    for f in folders:
        if not f.is_dir():
            raise UsageError(lb.message("err_plan_folder_not_found", path=f))
    base = folders[0] if len(folders) == 1 else Path(os.path.commonpath(folders))
    return folders, base


def read_task_workbooks(
    folder: str | Path | list, data, *, mapping: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Read every workbook below ``folder`` (or folders); returns (plans, rejects, counts).

    ``data`` is the processed data (:func:`~ntm_analysis.pipeline.load_processed`)
    the task ids are checked against. When the same task comes from several
    files, the most recently saved file wins (then the later path).
    """
    folders, base = _folders(folder)
    mapping = mapping if mapping is not None else load_responsibility()
    known = _KnownTasks(data, mapping, _catalog_for(data))
    paths = []
    for f in folders:
        found, _ = discover_inputs(f, skip_plans=False)
        paths += [p for p in found if p.suffix.lower() not in (".csv", ".tsv")]
    paths.sort(key=lambda p: (os.stat(p).st_mtime_ns, p.relative_to(base).as_posix()))
    plans, rejects = [], []
    counts = {"files_read": 0, "files_unreadable": 0, "rows_read": 0}
    for path in paths:
        try:
            sheets = read_sheets(path, raw_dir=base)
        except UnreadableFileError as exc:
            counts["files_unreadable"] += 1
            rejects.append(
                _reject(
                    None,
                    exc.path,
                    None,
                    None,
                    "",
                    None,
                    RejectReason.UNREADABLE_FILE,
                    lb.message("plan_cannot_open", detail=exc),
                )
            )
            continue
        counts["files_read"] += 1
        for sheet in sheets:
            p, r, n = _read_sheet(sheet, known)
            plans.extend(p)
            rejects.extend(r)
            counts["rows_read"] += n
    frame = pd.DataFrame(plans, columns=list(s.PLAN_COLUMNS))
    if len(frame):
        frame = frame.drop_duplicates(["task_id", "department"], keep="last")
    reject_frame = pd.DataFrame(rejects, columns=list(s.PLAN_REJECT_COLUMNS))
    return (
        validate_table("plans", frame.reset_index(drop=True)),
        validate_table("plan_rejects", reject_frame),
        counts,
    )


def import_task_workbooks(
    folder: str | Path | list,
    *,
    processed_dir: str | Path | None = None,
    imported_at: str | None = None,
) -> ImportSummary:
    """Read filled task workbooks and keep their plans in the processed folder.

    Writes ``plans.parquet`` (the plans read now laid over those imported
    before: a later import of a task replaces the earlier one),
    ``plan_rejects.csv`` (this import's rejects) and appends every changed
    field to ``plan_changes.csv``. Importing the same workbooks twice changes
    nothing.
    """
    d = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DATA_DIR
    data = load_processed(d)
    folders, base = _folders(folder)
    imported, rejects, counts = read_task_workbooks(folders, data)
    if counts["files_read"] == 0 and counts["files_unreadable"] == 0:
        where = ", ".join(str(f) for f in folders)
        raise NoDataError(lb.message("err_no_plan_workbooks", path=where))
    when = imported_at or _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    plans, changes = roadmap.merge_plans(read_plans(d), imported, imported_at=when)
    plans = validate_table("plans", plans)
    written = []
    path = d / config.PLANS_FILE
    atomic_write(path, lambda p: plans.to_parquet(p, index=False))
    written.append(path)
    path = d / config.PLAN_REJECTS_FILE
    table = safe_csv_frame(rejects)
    atomic_write(path, lambda p: table.to_csv(p, index=False, encoding="utf-8-sig"))
    written.append(path)
    if len(changes):
        path = d / config.PLAN_CHANGES_FILE
        if path.is_file():
            before = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            all_changes = pd.concat([before, changes.astype("string")], ignore_index=True)
        else:
            all_changes = changes
        out = safe_csv_frame(all_changes)
        atomic_write(path, lambda p: out.to_csv(p, index=False, encoding="utf-8-sig"))
        written.append(path)
    return ImportSummary(
        folder=base,
        processed_dir=d,
        files_read=counts["files_read"],
        files_unreadable=counts["files_unreadable"],
        rows_read=counts["rows_read"],
        plans_imported=len(imported),
        plans=plans,
        rejects=rejects,
        changes=changes,
        written=written,
    )


def import_raw_plan_folders(
    raw_dir: str | Path, ingest_report: dict, processed_dir: str | Path
) -> ImportSummary | None:
    """Import the ``plans/`` folders a clean run of ``raw_dir`` found (what ``ntm clean`` does).

    ``ingest_report`` is the clean run's ingest ingest_report: its ``plan_workbooks``
    entries name the folders. A sample's plans set aside with the sample (real
    data beside it) are not imported. None when there is nothing to import.
    """
    files = ingest_report.get("files", [])
    folders = [f["file"] for f in files if f.get("reason") == SKIP_PLAN_WORKBOOKS]
    if any(f.get("reason") == SKIP_SAMPLE_BESIDE_REAL_DATA for f in files):
        folders = [f for f in folders if not is_sample_file(f.rstrip("/") + "/x")]
    folders = [Path(raw_dir) / f for f in folders]
    folders = [f for f in folders if any(p.is_file() for p in f.rglob("*"))]
    if not folders:
        return None
    return import_task_workbooks(folders, processed_dir=processed_dir)
