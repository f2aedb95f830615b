"""Task workbooks: export -> fill in (with openpyxl, as a person would) -> import."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pandas as pd
import pytest

from ntm_analysis import config
from ntm_analysis import schema as s
from ntm_analysis.errors import UsageError
from ntm_analysis.task_workbooks import (
    DEPARTMENT_COLUMNS,
    HEADER_ROW,
    HEADERS,
    TOOL_COLUMNS,
    export_task_workbooks,
    import_task_workbooks,
    read_plans,
)

YEAR = 2022  # the sample year with the most tasks
FIRST = HEADER_ROW + 1
COL = {h: openpyxl.utils.get_column_letter(j) for j, h in enumerate(HEADERS, start=1)}


@pytest.fixture
def processed(processed_sample_dir, tmp_path):
    """A private copy of the cleaned sample, without any plans imported yet."""
    d = tmp_path / "processed"
    shutil.copytree(processed_sample_dir, d)
    for name in (config.PLANS_FILE, config.PLAN_REJECTS_FILE, config.PLAN_CHANGES_FILE):
        (d / name).unlink(missing_ok=True)
    return d


@pytest.fixture
def exported(processed, tmp_path):
    out = tmp_path / "out"
    summary = export_task_workbooks(out, processed_dir=processed, year=YEAR)
    return summary


def _book(summary, slug):
    path = next(p for p in summary.files if slug in p.name)
    return path, openpyxl.load_workbook(path)


def _rows(ws):
    """{task id: spreadsheet row} of a task sheet."""
    return {ws.cell(r, 1).value: r for r in range(FIRST, ws.max_row + 1) if ws.cell(r, 1).value}


def test_export_writes_one_workbook_per_department_and_a_combined_one(exported):
    names = sorted(p.name for p in exported.files)
    assert names == [
        f"MAU-synthetic_nhiem-vu-{YEAR}_bhxh-huyen.xlsx",
        f"MAU-synthetic_nhiem-vu-{YEAR}_phong-tai-nguyen-moi-truong.xlsx",
        f"MAU-synthetic_nhiem-vu-{YEAR}_phong-van-hoa-thong-tin.xlsx",
        f"MAU-synthetic_nhiem-vu-{YEAR}_phong-y-te.xlsx",
        f"MAU-synthetic_nhiem-vu-{YEAR}_tong-hop.xlsx",
    ]
    _, combined = _book(exported, "tong-hop")
    assert len(combined.sheetnames) == 4
    total = sum(len(_rows(ws)) for ws in combined.worksheets)
    assert total == exported.tasks == 12


def test_export_title_block_header_and_sheet_settings(exported):
    _, book = _book(exported, "tai-nguyen")
    ws = book.active
    assert ws["A1"].value == "UBND HUYỆN ĐẦM HÀ"
    assert ws["A4"].value == f"DANH SÁCH NHIỆM VỤ THỰC HIỆN TIÊU CHÍ NÔNG THÔN MỚI NĂM {YEAR}"
    assert ws["A5"].value == "Đơn vị thực hiện: Phòng Tài nguyên – Môi trường"
    assert tuple(c.value for c in ws[HEADER_ROW]) == HEADERS
    assert ws.freeze_panes == f"A{FIRST}"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.protection.sheet is True
    n_tool = len(TOOL_COLUMNS)
    for col in range(1, len(HEADERS) + 1):
        assert ws.cell(FIRST, col).protection.locked is (col <= n_tool)
    (dv,) = ws.data_validations.dataValidation
    assert dv.formula1 == '"Chưa triển khai,Đang thực hiện,Hoàn thành,Chậm tiến độ"'
    assert str(dv.sqref).startswith(f"{COL['Tiến độ']}{FIRST}:")
    rows = _rows(ws)
    assert all(t.startswith(f"NV-{YEAR}-") and t.endswith("-17.1") for t in rows)
    assert f"NV-{YEAR}-06919-17.1" not in rows  # Đại Bình met 17.1 in 2022
    assert ws.column_dimensions[COL["Chỉ tiêu"]].width >= 24


def test_task_ids_are_the_same_on_every_export(processed, exported, tmp_path):
    again = export_task_workbooks(tmp_path / "again", processed_dir=processed, year=YEAR)
    for a, b in zip(exported.files, again.files, strict=True):
        ids_a = [list(_rows(ws)) for ws in openpyxl.load_workbook(a).worksheets]
        ids_b = [list(_rows(ws)) for ws in openpyxl.load_workbook(b).worksheets]
        assert ids_a == ids_b


def test_export_one_department_by_part_of_its_name(processed, tmp_path):
    summary = export_task_workbooks(
        tmp_path / "one", processed_dir=processed, year=YEAR, department="y tế"
    )
    assert [p.name for p in summary.files] == [f"MAU-synthetic_nhiem-vu-{YEAR}_phong-y-te.xlsx"]
    with pytest.raises(UsageError, match="Không có đơn vị phụ trách"):
        export_task_workbooks(tmp_path / "x", processed_dir=processed, department="Sở Ngoại vụ")


def _fill(ws, row, **values):
    for header, value in values.items():
        ws[f"{COL[header]}{row}"] = value


def test_round_trip_reads_what_people_typed(processed, exported):
    path, book = _book(exported, "bhxh")
    ws = book.active
    rows = _rows(ws)
    (a, b) = sorted(rows)[:2]
    _fill(
        ws,
        rows[a],
        **{
            "Giải pháp": "  Tuyên truyền,\nvận động  ",
            "Cán bộ phụ trách": "Lê Thị B",
            "Hạn hoàn thành": "Quý III/2023",
            "Kinh phí (triệu đồng)": "1,5 tỷ",
            "Nguồn vốn": "Ngân sách huyện",
            "Tiến độ": "Đang thực hiện",
        },
    )
    _fill(
        ws,
        rows[b],
        **{
            "Giải pháp": "Hỗ trợ mua thẻ",
            "Hạn hoàn thành": dt.datetime(2023, 6, 30),
            "Kinh phí (triệu đồng)": "1.200",
            "Tiến độ": "hoàn thành",
        },
    )
    book.save(path)
    summary = import_task_workbooks(exported.out_dir, processed_dir=processed, imported_at="t1")
    assert summary.exit_code == 0 and summary.rejects.empty
    plans = read_plans(processed).set_index("task_id")
    assert list(read_plans(processed).columns) == list(s.PLAN_COLUMNS)
    assert plans.loc[a, "action"] == "Tuyên truyền, vận động"
    assert plans.loc[a, "officer"] == "Lê Thị B"
    assert plans.loc[a, "deadline"] == pd.Timestamp("2023-09-30")
    assert plans.loc[a, "budget_million_vnd"] == 1500
    assert plans.loc[a, "status"] == s.PLAN_IN_PROGRESS
    assert plans.loc[a, "department"] == "BHXH huyện"
    assert plans.loc[a, "year"] == YEAR
    assert plans.loc[a, "source_row"] == rows[a]
    assert plans.loc[b, "deadline"] == pd.Timestamp("2023-06-30")
    assert plans.loc[b, "budget_million_vnd"] == 1200
    assert plans.loc[b, "status"] == s.PLAN_DONE
    assert len(plans) == 2  # rows left blank are not plans


def test_rejects_carry_file_sheet_and_cell(processed, exported):
    path, book = _book(exported, "tai-nguyen")
    ws = book.active
    rows = _rows(ws)
    a, b, c = sorted(rows)[:3]
    _fill(
        ws,
        rows[a],
        **{
            "Giải pháp": "Rà soát hộ",
            "Hạn hoàn thành": "sớm nhất có thể",
            "Kinh phí (triệu đồng)": "350 triệu",
            "Tiến độ": "gần xong",
        },
    )
    _fill(ws, rows[b], **{"Xã": "Xã Khác", "Giải pháp": "Vận động"})
    _fill(ws, rows[c], **{"Mã nhiệm vụ": "NV-2022-99999-17.1", "Giải pháp": "Mở lớp"})
    ws.protection.sheet = False  # as a person who unprotected the sheet would
    book.save(path)
    summary = import_task_workbooks(exported.out_dir, processed_dir=processed)
    assert summary.exit_code == 1
    rejects = pd.read_csv(processed / config.PLAN_REJECTS_FILE, encoding="utf-8-sig", dtype=str)
    got = {(r.cell, r.reason, r.raw_value) for r in rejects.itertuples()}
    assert got == {
        (f"{COL['Hạn hoàn thành']}{rows[a]}", "unreadable_deadline", "sớm nhất có thể"),
        (f"{COL['Tiến độ']}{rows[a]}", "unknown_status", "gần xong"),
        (f"{COL['Xã']}{rows[b]}", "altered_tool_column", "Xã Khác"),
        (f"A{rows[c]}", "unknown_task", "NV-2022-99999-17.1"),
    }
    assert set(rejects["source_file"]) == {path.name}
    assert set(rejects["source_sheet"]) == {"Phòng Tài nguyên – Môi trường"}
    assert "Mở lớp" in rejects.loc[rejects["reason"] == "unknown_task", "message"].iloc[0]
    plans = read_plans(processed).set_index("task_id")
    # the other fields of rejected rows are kept
    assert plans.loc[a, "action"] == "Rà soát hộ"
    assert plans.loc[a, "budget_million_vnd"] == 350
    assert pd.isna(plans.loc[a, "deadline"]) and pd.isna(plans.loc[a, "status"])
    assert plans.loc[b, "commune"] != "Xã Khác" and plans.loc[b, "action"] == "Vận động"
    assert "NV-2022-99999-17.1" not in plans.index


def test_reimport_is_idempotent_and_a_later_import_replaces(processed, exported):
    path, book = _book(exported, "y-te")
    ws = book.active
    rows = _rows(ws)
    a = sorted(rows)[0]
    _fill(ws, rows[a], **{"Giải pháp": "Khám sàng lọc", "Hạn hoàn thành": "T6/2023"})
    book.save(path)
    import_task_workbooks(exported.out_dir, processed_dir=processed, imported_at="t1")
    plans_1 = read_plans(processed)
    changes_file = processed / config.PLAN_CHANGES_FILE
    changes_1 = changes_file.read_bytes()
    again = import_task_workbooks(exported.out_dir, processed_dir=processed, imported_at="t2")
    assert again.changes.empty
    pd.testing.assert_frame_equal(read_plans(processed), plans_1)
    assert changes_file.read_bytes() == changes_1
    # a later, corrected workbook replaces the plan and the change is recorded
    book = openpyxl.load_workbook(path)
    _fill(book.active, rows[a], **{"Hạn hoàn thành": "năm 2024"})
    book.save(path)
    later = import_task_workbooks(exported.out_dir, processed_dir=processed, imported_at="t3")
    plan = read_plans(processed).set_index("task_id").loc[a]
    assert plan["deadline"] == pd.Timestamp("2024-12-31")
    assert len(read_plans(processed)) == len(plans_1)
    changes = pd.read_csv(changes_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert changes[["imported_at", "field", "old_value", "new_value"]].values.tolist() == [
        ["t1", "plan", "", "Khám sàng lọc"],
        ["t3", "deadline", "2023-06-30", "2024-12-31"],
    ]
    assert len(later.changes) == 1


def test_export_after_import_comes_out_filled_in(processed, exported, tmp_path):
    path, book = _book(exported, "van-hoa")
    ws = book.active
    rows = _rows(ws)
    a = sorted(rows)[0]
    _fill(
        ws,
        rows[a],
        **{
            "Giải pháp": "Xây nhà văn hóa thôn",
            "Hạn hoàn thành": "30/6/2023",
            "Kinh phí (triệu đồng)": "2 tỷ 500 triệu",
            "Tiến độ": "Chậm tiến độ",
        },
    )
    book.save(path)
    import_task_workbooks(exported.out_dir, processed_dir=processed)
    again = export_task_workbooks(tmp_path / "again", processed_dir=processed, year=YEAR)
    assert again.prefilled == 1
    _, book = _book(again, "van-hoa")
    ws = book.active
    r = _rows(ws)[a]
    got = {h: ws[f"{COL[h]}{r}"].value for _, h in DEPARTMENT_COLUMNS}
    assert got == {
        "Giải pháp": "Xây nhà văn hóa thôn",
        "Cán bộ phụ trách": None,
        "Hạn hoàn thành": dt.datetime(2023, 6, 30),
        "Kinh phí (triệu đồng)": 2500,
        "Nguồn vốn": None,
        "Tiến độ": "Chậm tiến độ",
    }


def test_cli_export_then_import(processed, tmp_path, capsys):
    from ntm_analysis.cli import main

    out = tmp_path / "cli"
    args = ["tasks", "export", "--processed", str(processed), "--year", str(YEAR)]
    assert main([*args, "--out", str(out)]) == 0
    assert "12 nhiệm vụ" in capsys.readouterr().out
    assert main(["tasks", "import", str(out), "--processed", str(processed)]) == 0
    assert "ô bị loại: 0." in capsys.readouterr().out
    assert main(["tasks", "import", str(tmp_path / "nowhere"), "--processed", str(processed)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Không tìm thấy thư mục sổ nhiệm vụ" in err
    assert main([*args, "--department", "Sở Ngoại vụ", "--out", str(out)]) == 2


def test_export_title_block_names_the_body_of_each_era(processed, tmp_path):
    """Before 01/07/2025 the district issues the task list; for 2026 (no districts) the
    province over the new communes does."""
    for year, issuer in ((2024, "UBND HUYỆN ĐẦM HÀ"), (2026, "UBND TỈNH QUẢNG NINH")):
        summary = export_task_workbooks(tmp_path / str(year), processed_dir=processed, year=year)
        assert summary.files
        for path in summary.files:
            book = openpyxl.load_workbook(path)
            assert {ws["A1"].value for ws in book.worksheets} == {issuer}
            assert all(f"NĂM {year}" in ws["A4"].value for ws in book.worksheets)
