"""A corrected report sent again: which file is newer, and what the findings say."""

from __future__ import annotations

import os
from pathlib import Path

import corpus
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm_analysis import labels as lb
from ntm_analysis.ingest import ingest_folder
from ntm_analysis.stated_totals import find_stated_total
from ntm_analysis.versions import file_version, newest_first


@pytest.mark.parametrize(
    "older, newer",
    [
        ("BC Tan Lap 2024 (ban cuoi).xlsx", "BC Tan Lap 2024 (ban sua).xlsx"),
        ("Báo cáo Tân Lập 2024.xlsx", "Báo cáo Tân Lập 2024 (bổ sung).xlsx"),
        ("bao-cao-tan-lap-2024.xlsx", "bao-cao-tan-lap-2024-lan-2.xlsx"),
        ("bao-cao lần 2.xlsx", "bao-cao lần 3.xlsx"),
        ("bao-cao (ban sua).xlsx", "bao-cao v3.xlsx"),
        ("bao-cao_v1.xlsx", "bao-cao_v2.xlsx"),
        ("bao-cao 01-12-2024.xlsx", "bao-cao 15.12.2024.xlsx"),
        ("bao-cao.xlsx", "bao-cao 2024-12-15.xlsx"),
    ],
)
def test_the_name_decides_before_the_modification_time(older, newer):
    old, new = file_version(older, mtime=2000.0), file_version(newer, mtime=1000.0)
    assert [v.path for v in newest_first([old, new])] == [newer, older]


def test_then_the_modification_time_then_the_name():
    a, b = file_version("bao-cao-a.xlsx", 1000.0), file_version("bao-cao-b.xlsx", 2000.0)
    assert newest_first([b, a])[0].path == "bao-cao-b.xlsx"
    a2 = file_version("bao-cao-a.xlsx", 3000.0)
    assert newest_first([a2, b])[0].path == "bao-cao-a.xlsx"
    same = [file_version("bao-cao (1).xlsx", 5.0), file_version("bao-cao (2).xlsx", 5.0)]
    assert newest_first(same)[0].path == "bao-cao (2).xlsx"
    assert b.newer_because(a) == "tệp được sửa sau"
    with lb.language("en"):
        assert b.newer_because(a) == "it was modified later"


def test_a_year_or_a_commune_name_is_not_a_version():
    v = file_version("2024/Bao cao xa Quang Lam 2024.xlsx")
    assert (v.revision, v.name_date) == (1, None)


@given(
    st.text(alphabet="abcdeghiklmnoprstuvxy -_", min_size=1, max_size=20),
    st.integers(min_value=2, max_value=9),
    st.floats(min_value=0, max_value=2e9),
    st.floats(min_value=0, max_value=2e9),
)
def test_a_stated_revision_beats_any_modification_time(stem, n, t_old, t_new):
    base = file_version(f"{stem}.xlsx", t_old)
    if base.revision >= n:
        return  # the generated stem already states a higher revision
    revised = file_version(f"{stem} lan {n}.xlsx", t_new)
    assert newest_first([base, revised])[0] is revised


# ----------------------------------------------------------------------------- ingest


def _report(path: Path, rows: list[list], *, statement: str | None = None) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    grid = [
        ["UBND XÃ TÂN LẬP"],
        ["BÁO CÁO KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM 2024"],
        ["TT", "Tên tiêu chí", "Nội dung tiêu chí", "Chỉ tiêu", "Kết quả", "Tự đánh giá"],
        *rows,
    ]
    if statement:
        grid.append([statement])
    for r, row in enumerate(grid, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(r, c, v)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _rows(value_171: str, appraisal_17: str) -> list[list]:
    rows = [[n, f"Tiêu chí {n}", None, None, None, "Đạt"] for n in range(1, 17)]
    rows += [
        [17, "Môi trường", None, None, None, appraisal_17],
        ["17.1", None, "Tỷ lệ hộ dùng nước sạch", "≥ 95%", value_171, appraisal_17],
        [18, "Hệ thống chính trị", None, None, None, "Đạt"],
        [19, "Quốc phòng và an ninh", None, None, None, "Đạt"],
    ]
    return rows


def _ingest(raw: Path):
    return ingest_folder(
        raw, registry=corpus.damha_registry(), catalog=corpus.tiny_catalog(), jobs=1
    )


def test_a_corrected_report_wins_even_when_the_first_one_was_saved_later(tmp_path):
    raw = tmp_path / "raw"
    corrected = raw / "Bao cao Tan Lap 2024 (ban sua).xlsx"
    final = raw / "Bao cao Tan Lap 2024 (ban cuoi).xlsx"
    _report(corrected, _rows("86,8%", "Chưa đạt"))
    _report(final, _rows("90,9%", "Đạt"))
    os.utime(corrected, (1_700_000_000, 1_700_000_000))
    os.utime(final, (1_700_100_000, 1_700_100_000))  # the older version was touched later
    result = _ingest(raw)
    rec = result.records
    kept = rec.loc[(rec["indicator"] == "17.1") & (rec["level"] == "indicator")]
    assert kept["value"].tolist() == [86.8]
    assert kept["source_file"].tolist() == [corrected.name]
    f = result.findings
    assert set(f["check"]) == {"replaced_version"}  # no per-value duplicate lines
    (message,) = f["message"]
    assert f["subject"].tolist() == [final.name]
    assert "tên tệp ghi 'ban sua'" in message and "2/35 giá trị thay đổi" in message
    assert "17.1: 90,9% → 86,8%" in message and "TC 17: Đạt → Chưa đạt" in message
    assert result.rejects.empty
    assert result.ingest_report["totals"]["reconciled"]


def test_identical_copies_are_one_line_per_file_pair(tmp_path):
    raw = tmp_path / "raw"
    _report(raw / "a" / "Bao cao Tan Lap 2024.xlsx", _rows("95%", "Đạt"))
    _report(raw / "b" / "Bao cao Tan Lap 2024 - ban sao.xlsx", _rows("95%", "Đạt"))
    result = _ingest(raw)
    f = result.findings
    assert f["check"].tolist() == ["duplicate_same"]
    assert "có cùng 35 giá trị" in f.iloc[0]["message"]


def test_a_stated_total_is_checked_against_the_reports_own_rows(tmp_path):
    raw = tmp_path / "raw"
    _report(
        raw / "bc.xlsx", _rows("86,8%", "Chưa đạt"), statement="Xã tự đánh giá: Đạt 19/19 tiêu chí"
    )
    f = _ingest(raw).findings
    mismatch = f.loc[f["check"] == "report_total_mismatch"]
    assert len(mismatch) == 1
    assert "Đạt 19/19 tiêu chí" in mismatch.iloc[0]["message"]
    assert "đánh dấu 18 tiêu chí đạt (chưa đạt: 17)" in mismatch.iloc[0]["message"]
    with lb.language("en"):
        f = _ingest(raw).findings
    english = f.loc[f["check"] == "report_total_mismatch", "message"].iloc[0]
    assert "mark 18 as met (not met: 17)" in english


def test_a_stated_total_that_agrees_is_not_a_finding(tmp_path):
    raw = tmp_path / "raw"
    _report(raw / "bc.xlsx", _rows("96%", "Đạt"), statement="Tổng số tiêu chí đạt: 19/19")
    assert _ingest(raw).findings.empty


@pytest.mark.parametrize(
    "cells, expected",
    [
        (["Kết quả: xã đạt 18/19 tiêu chí"], (18, 19)),
        (["Tổng số tiêu chí đạt", None, 17.0], (17, None)),
        (["ĐẠT 19/19 TC"], (19, 19)),
        (["Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025"], None),
        (["Ngày 19/12/2024"], None),
    ],
)
def test_stated_totals_are_read_as_people_write_them(cells, expected):
    found = find_stated_total([cells])
    assert (None if found is None else (found.met, found.out_of)) == expected
