"""Reports under a set the catalog knows at criterion level only (QĐ 51/2025, 2026–2030)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from ntm_analysis import schema as s
from ntm_analysis.catalog import load_catalog
from ntm_analysis.evaluation import evaluate
from ntm_analysis.ingest import ingest_folder
from ntm_analysis.layouts import parse_sheet
from ntm_analysis.readers import RawSheet
from ntm_analysis.registry import load_registry

HEADER = ["TT", "Tên tiêu chí", "Nội dung tiêu chí", "Chỉ tiêu", "Kết quả thực hiện", "Tự đánh giá"]
BODY = [
    [1, "Quy hoạch", None, None, None, "Đạt"],
    [None, None, "1.1. Có quy hoạch chung xã được phê duyệt", "Đạt", "Có", "Đạt"],
    [8, "Môi trường và cảnh quan nông thôn", None, None, None, "Chưa đạt"],
    [None, None, "8.1. Tỷ lệ chất thải rắn được thu gom", "≥ 90%", "85,5%", "Chưa đạt"],
    [None, None, "8.2 Tỷ lệ hộ phân loại rác tại nguồn", "≥ 60%", "72%", "Đạt"],
    [None, None, "11.1. Chỉ tiêu không có trong bộ", "Đạt", "Đạt", "Đạt"],
]


def sheet(rows, *, file="MAU_xa-dam-ha_2026.xlsx", name="2026"):
    width = max(len(r) for r in rows)
    grid = tuple(tuple("" if v is None else v for v in r) + ("",) * (width - len(r)) for r in rows)
    return RawSheet(file, name, False, grid, 1, 0)


REPORT = [["UBND XÃ ĐẦM HÀ"], ["BÁO CÁO KẾT QUẢ THỰC HIỆN NĂM 2026"], HEADER, *BODY]


@pytest.fixture(scope="module")
def parsed():
    return parse_sheet(sheet(REPORT), registry=load_registry(), catalog=load_catalog())


def test_indicator_rows_are_kept_under_their_criterion_as_written(parsed):
    r = parsed.records
    ind = r.loc[r["level"] == "indicator"].set_index("indicator")
    assert list(ind.index) == ["1.1", "8.1", "8.2"]
    assert set(ind["commune"]) == {"Xã Đầm Hà"} and set(ind["commune_code"]) == {"06895"}
    assert list(ind["criterion"]) == ["1", "8", "8"]
    assert ind.loc["8.1", "indicator_text"] == "Tỷ lệ chất thải rắn được thu gom"
    assert ind.loc["8.2", "indicator_text"] == "Tỷ lệ hộ phân loại rác tại nguồn"
    assert ind.loc["8.1", "value"] == pytest.approx(85.5)
    assert ind.loc["8.1", "target_text"] == "≥ 90%"
    assert ind.loc["1.1", "value"] == 1.0  # "Có" read as yes against an "Đạt" target
    assert ind.loc["8.1", "self_assessed"] == s.NOT_MET


def test_only_a_row_whose_criterion_is_not_in_the_set_is_rejected(parsed):
    assert list(parsed.rejects["reason"]) == ["unknown_indicator"]
    assert "bộ này không có tiêu chí 11" in parsed.rejects.iloc[0]["message"]
    assert parsed.reconciled


def test_one_finding_notes_that_the_indicator_list_is_not_in_the_catalog(parsed):
    f = parsed.findings
    notes = f.loc[f["check"] == "indicators_not_in_catalog"]
    assert len(notes) == 1
    note = notes.iloc[0]
    assert (note["subject_type"], note["subject"]) == ("file", "MAU_xa-dam-ha_2026.xlsx")
    assert "QĐ 51/2025" in note["message"] and "1.1, 8.1, 8.2" in note["message"]


def test_a_listed_set_still_rejects_unknown_indicators():
    rows = [["UBND XÃ TÂN LẬP"], ["BÁO CÁO NĂM 2023"], HEADER]
    rows += [[None, None, "17.99. Không có trong QĐ 318", "Đạt", "Đạt", "Đạt"]]
    res = parse_sheet(sheet(rows), registry=load_registry(), catalog=load_catalog())
    assert list(res.rejects["reason"]) == ["unknown_indicator"]
    assert not (res.findings["check"] == "indicators_not_in_catalog").any()


def test_one_finding_per_file_across_its_sheets(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    for k, year in enumerate((2026, 2027)):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = str(year)
        rows = [["UBND XÃ QUẢNG TÂN"], [f"BÁO CÁO KẾT QUẢ NĂM {year}"], HEADER, *BODY[2:5]]
        for row in rows:
            ws.append(row)
    wb.save(tmp_path / "quang-tan.xlsx")
    result = ingest_folder(tmp_path, registry=load_registry(), catalog=load_catalog())
    assert len(result.records.query("level == 'indicator'")) == 4
    notes = result.findings.loc[result.findings["check"] == "indicators_not_in_catalog"]
    assert len(notes) == 1


def _evaluate(parsed, catalog):
    return evaluate(parsed.records, catalog=catalog, registry=load_registry())


def test_kept_rows_are_judged_by_the_stated_target_without_a_province_set(parsed):
    result = _evaluate(parsed, load_catalog())
    ind = result.indicators.set_index("indicator")
    assert set(ind["criteria_set"].astype(str)) == {"qd51_2025_commune"}
    assert set(ind["met_basis"]) == {s.BASIS_STATED_TARGET}
    assert ind.loc["8.1", "threshold"] == 90
    assert ind.loc["8.1", "indicator_text"] == "Tỷ lệ chất thải rắn được thu gom"
    assert not ind.loc["8.1", "met"] and ind.loc["8.2", "met"]
    crit = result.criteria.set_index("criterion")
    assert crit.loc["8", "indicators_reported"] == 2 and crit.loc["8", "indicators_met"] == 1
    assert not crit.loc["8", "met"] and crit.loc["1", "met"]


def test_kept_rows_are_judged_by_the_province_set_where_it_has_a_target(parsed, tmp_path):
    path = tmp_path / "tinh.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "decision": "QĐ 9/QĐ-UBND",
                "base_set": "qd51_2025_commune",
                "thresholds": [{"indicator": "8.1", "op": ">=", "value": 80, "text": "≥80%"}],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    ind = _evaluate(parsed, load_catalog(path)).indicators.set_index("indicator")
    assert ind.loc["8.1", "met_basis"] == s.BASIS_THRESHOLD
    assert ind.loc["8.1", "threshold"] == 80 and ind.loc["8.1", "met"]
    assert ind.loc["8.2", "met_basis"] == s.BASIS_STATED_TARGET  # no province figure for 8.2


def test_kept_rows_without_a_target_are_judged_by_the_appraisal():
    rows = [["UBND XÃ ĐẦM HÀ"], ["BÁO CÁO KẾT QUẢ THỰC HIỆN NĂM 2026"], HEADER]
    rows += [[None, None, "6.1. Tỷ lệ hộ nghèo đa chiều", None, "1,2%", "Đạt"]]
    parsed = parse_sheet(sheet(rows), registry=load_registry(), catalog=load_catalog())
    ind = _evaluate(parsed, load_catalog()).indicators.iloc[0]
    assert (ind["indicator"], ind["met_basis"], ind["met"]) == (
        "6.1",
        s.BASIS_SELF_ASSESSMENT,
        True,
    )
    assert pd.isna(ind["threshold"])
