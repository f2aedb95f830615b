"""The sample's filled task workbooks: what departments might send back, typed the messy way.

:func:`write_sample_plans` cleans the synthetic sample in a temporary folder,
exports its task workbooks (:mod:`ntm_analysis.task_workbooks`) for the
years in :data:`PLAN_YEARS`, fills them in as people do — deadlines as
"30/6/2024", "T9/2024", "Quý III/2024", a date cell, an Excel serial, "năm
2025"; money as "1.200", "1,5 tỷ", "350 triệu", "500 nghìn"; one deadline
"sớm nhất có thể" that cannot be read — and saves them into
``<sample>/plans/``, where ``ntm clean`` imports them. Every name and figure
is made up, and the same sample gives byte-identical workbooks.

The deadlines follow the sample's story: a task still unmet a year later
gets, in turn, a deadline that has passed (overdue) or one still ahead (on
time), so the next year's review shows every kind of tracking.
"""

from __future__ import annotations

import datetime as _dt
import io
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd

from . import config
from .pipeline import clean_folder, load_processed
from .sample_sheets import WORKBOOK_TIMESTAMP, normalise_zip
from .task_workbooks import HEADER_ROW, HEADERS, export_task_workbooks

#: Data years whose tasks the sample's departments have planned.
PLAN_YEARS = (2022, 2023)
#: The one value the sample plants that the import cannot read.
UNREADABLE_DEADLINE = "sớm nhất có thể"

_ACTIONS = {
    "6": "Cải tạo, nâng cấp nhà văn hóa thôn; bổ sung trang thiết bị",
    "15": "Tuyên truyền, vận động người dân tham gia BHYT; hỗ trợ mua thẻ cho hộ cận nghèo",
    "17": "Thu gom, xử lý rác thải sinh hoạt; trồng cây xanh, cải tạo cảnh quan",
}
_DEFAULT_ACTION = "Rà soát, xây dựng kế hoạch khắc phục chỉ tiêu"
_OFFICERS = ("Đ/c Nguyễn Văn A", "Đ/c Trần Thị B", "Đ/c Lê Văn C", "Đ/c Phạm Thị D")
_SOURCES = (
    "Ngân sách huyện",
    "Ngân sách tỉnh",
    "Lồng ghép CTMTQG",
    "Xã hội hóa",
    "ngân sách huyện",  # the same source, typed differently
)
_MONEY = ("1.200", "1,5 tỷ", "350 triệu", "350", "500 nghìn", 80, "2 tỷ 500 triệu", "1.250,5")
_STATUSES = ("Đang thực hiện", "Chưa triển khai", "đang thực hiện", "Hoàn thành", "Chậm tiến độ")


def _deadline_forms(day: _dt.date) -> tuple[object, ...]:
    """The ways people write ``day`` (a month's or quarter's end, or a year's)."""
    quarter = (day.month - 1) // 3 + 1
    roman = ("I", "II", "III", "IV")[quarter - 1]
    serial = (day - _dt.date(1899, 12, 30)).days
    return (
        f"{day.day}/{day.month}/{day.year}",
        f"T{day.month}/{day.year}",
        f"Quý {roman}/{day.year}",
        _dt.datetime(day.year, day.month, day.day),
        f"{day.day:02d}-{day.month:02d}-{day.year}",
        f"Q{quarter}/{day.year}",
        serial,
        f"tháng {day.month}/{day.year}",
    )


def _met_next_year(indicators: pd.DataFrame, year: int) -> dict[tuple[str, str], bool]:
    rows = indicators.loc[indicators["year"] == year + 1, ["commune", "indicator", "met"]]
    return {(c, i): m is True for c, i, m in rows.itertuples(index=False)}


def _fill_book(book, met_next: dict, year: int, counter: list[int]) -> None:
    col = {h: j for j, h in enumerate(HEADERS, start=1)}
    for ws in book.worksheets:
        ws.protection.sheet = True
        rows = [r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value]
        for n, r in enumerate(rows):
            if n == len(rows) - 1 and len(rows) > 2:
                continue  # the last task of a long list is not planned yet
            k = counter[0]
            counter[0] += 1
            commune = str(ws.cell(r, col["Xã"]).value)
            indicator = str(ws.cell(r, col["Chỉ tiêu"]).value).split(". ", 1)[0]
            criterion = indicator.split(".", 1)[0]
            still_open = not met_next.get((commune, indicator), False)
            # an open task: in turn a passed deadline (overdue) and a coming one (on time)
            target_year = year + 2 if still_open and k % 2 else year + 1
            month = (6, 9, 12)[k % 3]
            day = _dt.date(target_year, month, 30 if month in (6, 9) else 31)
            forms = _deadline_forms(day)
            deadline = forms[k % len(forms)]
            if k % 5 == 4:
                deadline = f"năm {target_year}"
            values = {
                "Giải pháp": _ACTIONS.get(criterion, _DEFAULT_ACTION),
                "Cán bộ phụ trách": _OFFICERS[k % len(_OFFICERS)],
                "Hạn hoàn thành": deadline,
                "Kinh phí (triệu đồng)": _MONEY[k % len(_MONEY)],
                "Nguồn vốn": _SOURCES[k % len(_SOURCES)],
                "Tiến độ": _STATUSES[k % len(_STATUSES)],
            }
            for header, value in values.items():
                cell = ws.cell(r, col[header])
                cell.value = value
                if isinstance(value, _dt.datetime):
                    cell.number_format = "DD/MM/YYYY"


def write_sample_plans(sample_dir: str | Path = config.SAMPLE_RAW_DIR) -> list[Path]:
    """Write the filled task workbooks of the sample into ``<sample_dir>/plans/``.

    ``sample_dir`` must hold the sample ``ntm sample`` wrote. Earlier
    ``MAU-synthetic_*`` workbooks there are replaced; returns the paths.
    """
    sample_dir = Path(sample_dir)
    out = sample_dir / config.PLANS_FOLDER
    with tempfile.TemporaryDirectory(prefix="ntm-sample-plans-") as tmp:
        processed = Path(tmp) / "processed"
        clean_folder(sample_dir, processed)
        indicators = load_processed(processed).indicators
        files: dict[str, bytes] = {}
        counter = [0]
        planted = False
        for year in PLAN_YEARS:
            summary = export_task_workbooks(
                Path(tmp) / str(year), processed_dir=processed, year=year
            )
            met_next = _met_next_year(indicators, year)
            for path in summary.files:
                if path.name.endswith("_tong-hop.xlsx"):
                    continue  # the departments send back their own workbooks
                book = openpyxl.load_workbook(path)
                _fill_book(book, met_next, year, counter)
                if year == PLAN_YEARS[-1] and not planted:
                    ws = book.worksheets[0]
                    ws.cell(
                        HEADER_ROW + 1, HEADERS.index("Hạn hoàn thành") + 1
                    ).value = UNREADABLE_DEADLINE
                    planted = True
                book.properties.created = book.properties.modified = WORKBOOK_TIMESTAMP
                buffer = io.BytesIO()
                book.save(buffer)
                files[path.name] = normalise_zip(buffer.getvalue())
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("MAU-synthetic_*"):
        if old.is_file() and old.name not in files:
            old.unlink()
    paths = []
    for name, data in sorted(files.items()):
        path = out / name
        tmp_path = path.with_name(f".{name}.tmp")
        tmp_path.write_bytes(data)
        tmp_path.replace(path)
        paths.append(path)
    return paths
