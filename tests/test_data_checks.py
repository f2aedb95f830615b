"""The data-check section lists every finding it counts, grouped by check."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest
from render_fixtures import write_processed_fixture

from ntm_analysis import schema as s
from ntm_analysis.pipeline import load_processed
from ntm_analysis.review import Review
from ntm_analysis.sections import district


def _finding(check: str, commune: str, subject: str, message: str) -> dict:
    return {
        "year": 2024,
        "commune": commune,
        "subject_type": "criterion",
        "subject": subject,
        "check": check,
        "message": message,
        "source": "bc.xlsx",
    }


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return load_processed(write_processed_fixture(tmp_path_factory.mktemp("processed")))


def _review(data, rows: list[dict], lang: str = "vi") -> Review:
    findings = pd.DataFrame(rows, columns=list(s.FINDING_COLUMNS)).astype({"year": "Int64"})
    return Review(dataclasses.replace(data, findings=findings), year=2024, lang=lang)


def test_every_counted_finding_is_listed_whatever_its_check(data):
    rows = [
        _finding("matrix_total_mismatch", "Xã Dực Yên", "criteria_met", "Ma trận ghi 19, dấu 18."),
        _finding("duplicate_conflict", "Xã Quảng Tân", "2", "Tiêu chí 2 khác nhau."),
        _finding("source_conflict", "Xã Đầm Hà", "", "Tiêu đề ghi 2021, tên sheet 2022."),
    ]
    html = district.data_checks(_review(data, rows))
    assert "3 phát hiện khi đối chiếu số liệu năm 2024" in html
    for row in rows:
        assert row["message"] in html
    assert "Tổng số tiêu chí đạt không khớp (1)" in html  # one group heading per check


def test_a_long_group_names_how_many_more(data):
    rows = [
        _finding("missing_indicator", f"Xã {i:02d}", "17.1", f"Thiếu chỉ tiêu 17.1 ({i:02d}).")
        for i in range(25)
    ]
    rows.append(_finding("legacy_encoding", "Xã Tân Bình", "", "Đã chuyển phông TCVN3."))
    html = district.data_checks(_review(data, rows))
    assert "26 phát hiện" in html
    listed = re.findall(r"Thiếu chỉ tiêu 17\.1 \(\d\d\)", html)
    assert len(listed) == district.FINDINGS_PER_CHECK
    more = 25 - district.FINDINGS_PER_CHECK
    assert f"và {more} phát hiện khác" in html and "findings.csv" in html
    assert "Đã chuyển phông TCVN3." in html  # a short group is not crowded out


def test_english_counts_are_pluralised(data):
    rows = [_finding("missing_indicator", f"Xã {i}", "1", f"m{i}") for i in range(12)]
    html = district.data_checks(_review(data, rows, lang="en"))
    more = 12 - district.FINDINGS_PER_CHECK
    assert f"and {more} more finding" + ("s" if more != 1 else "") in html
    one = district.data_checks(_review(data, rows[:1], lang="en"))
    assert "1 finding in the" in one and "1 findings" not in one
