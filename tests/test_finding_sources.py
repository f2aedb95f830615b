"""Findings point into their source cell with separate file, sheet and row columns
(``source`` stays, joined, for display)."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook

from ntm_analysis import config
from ntm_analysis import schema as s
from ntm_analysis.pipeline import clean_folder, load_processed

HEADER = ["TT", "Tên tiêu chí", "Nội dung tiêu chí", "Chỉ tiêu", "Kết quả thực hiện", "Tự đánh giá"]
TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM 2024"


def fill(ws, commune, value):
    for row in (
        [f"UBND XÃ {commune}"],
        [TITLE],
        HEADER,
        [17, "Môi trường và an toàn thực phẩm", None, None, None, "Đạt"],
        # row 5: appraised "Đạt" below its own stated target
        ["17.1", None, "Tỷ lệ hộ dùng nước sạch", "≥ 95%", value, "Đạt"],
    ):
        ws.append(row)


def write_report(path, commune, values):
    """One sheet per (sheet name, value)."""
    wb = Workbook()
    for k, (sheet, value) in enumerate(values):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = sheet
        fill(ws, commune, value)
    wb.save(path)


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    root = tmp_path_factory.mktemp("sources")
    raw = root / "raw"
    raw.mkdir()
    # the same commune and year twice in one file, with another value: a duplicate conflict
    write_report(raw / "tan_lap.xlsx", "TÂN LẬP", [("2024", "88,2%"), ("Biểu 1", "90%")])
    # a corrected version of a report
    write_report(raw / "dai_binh.xlsx", "ĐẠI BÌNH", [("2024", "80%")])
    write_report(raw / "dai_binh (bản sửa).xlsx", "ĐẠI BÌNH", [("2024", "81%")])
    return clean_folder(raw, root / "processed").out_dir


def test_an_evaluation_finding_names_file_sheet_and_row_apart(processed):
    f = load_processed(processed).findings
    rows = f.loc[(f["check"] == "appraisal_vs_stated_target") & (f["commune"] == "Xã Tân Lập")]
    row = rows.iloc[0]
    assert row["subject"] == "17.1"
    kept = (row[s.SOURCE_FILE], row[s.SOURCE_SHEET], row[s.SOURCE_ROW])
    assert kept == ("tan_lap.xlsx", "2024", 5)  # the visible first sheet wins
    assert row["source"] == "tan_lap.xlsx › 2024 › row 5"


def test_a_duplicate_finding_points_at_the_kept_record(processed):
    data = load_processed(processed)
    f = data.findings
    conflict = f.loc[f["check"] == "duplicate_conflict"]
    assert len(conflict) >= 1
    ind = data.indicators
    ind = ind.loc[(ind["indicator"] == "17.1") & (ind["commune"] == "Xã Tân Lập")].iloc[0]
    first = conflict.iloc[0]
    assert (first[s.SOURCE_FILE], first[s.SOURCE_SHEET], first[s.SOURCE_ROW]) == (
        ind[s.SOURCE_FILE],
        ind[s.SOURCE_SHEET],
        ind[s.SOURCE_ROW],
    )
    replaced = f.loc[f["check"] == "replaced_version"].iloc[0]
    assert replaced["subject"] == "dai_binh.xlsx"
    assert replaced[s.SOURCE_FILE] == "dai_binh (bản sửa).xlsx"  # a whole file: no sheet, row
    assert pd.isna(replaced[s.SOURCE_SHEET]) and pd.isna(replaced[s.SOURCE_ROW])


def test_the_columns_are_in_findings_csv_and_types_hold(processed):
    raw = pd.read_csv(processed / config.FINDINGS_FILE, dtype=str)
    assert list(raw.columns) == list(s.FINDING_COLUMNS)
    assert list(s.FINDING_COLUMNS[-3:]) == [s.SOURCE_FILE, s.SOURCE_SHEET, s.SOURCE_ROW]
    f = load_processed(processed).findings
    assert str(f[s.SOURCE_ROW].dtype) == "Int64"
    with_row = f.loc[f[s.SOURCE_ROW].notna()]
    assert len(with_row) and set(with_row[s.SOURCE_FILE]) <= {
        "tan_lap.xlsx",
        "dai_binh (bản sửa).xlsx",
    }


def test_a_findings_csv_written_before_the_split_still_loads(processed, tmp_path):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(processed, old)
    path = old / config.FINDINGS_FILE
    frame = pd.read_csv(path, dtype=str)
    frame.drop(columns=[s.SOURCE_FILE, s.SOURCE_SHEET, s.SOURCE_ROW]).to_csv(path, index=False)
    f = load_processed(old).findings
    assert list(f.columns) == list(s.FINDING_COLUMNS)
    assert f[s.SOURCE_FILE].isna().all() and f["source"].notna().any()


def test_a_layout_finding_carries_its_cell(tmp_path):
    from ntm_analysis.catalog import load_catalog
    from ntm_analysis.layouts import parse_sheet
    from ntm_analysis.readers import RawSheet
    from ntm_analysis.registry import load_registry

    rows = [["UBND XÃ TÂN LẬP"], [TITLE], HEADER, ["17.1", None, "x", "≥ 95%", 0.882, "Đạt"]]
    width = len(HEADER)
    grid = tuple(tuple("" if v is None else v for v in r) + ("",) * (width - len(r)) for r in rows)
    result = parse_sheet(
        RawSheet("bao_cao.xlsx", "Biểu", False, grid, 1, 0),
        registry=load_registry(),
        catalog=load_catalog(),
    )
    f = result.findings.loc[result.findings["check"] == "fraction_as_percent"].iloc[0]
    assert (f[s.SOURCE_FILE], f[s.SOURCE_SHEET], f[s.SOURCE_ROW]) == ("bao_cao.xlsx", "Biểu", 4)
    assert f["source"] == "bao_cao.xlsx › Biểu › row 4"
