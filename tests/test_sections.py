"""Page sections on real pipeline output: what a page shows for the data behind it."""

from __future__ import annotations

import re

import pytest

from ntm_analysis.pipeline import clean_folder
from ntm_analysis.review import load_review
from ntm_analysis.sections import commune, department
from ntm_analysis.sections.markup import format_number

PROVINCE_STRICT = """\
decision: "QĐ thử nghiệm (kiểm thử ngưỡng chặt)"
base_set: qd318_2022_commune
thresholds:
  - {indicator: "17.1", op: ">", value: 95, text: "trên 95%", source: "QĐ thử, chỉ tiêu 17.1"}
"""


@pytest.fixture(scope="module")
def strict_review(sample_raw_dir, tmp_path_factory):
    """The sample cleaned with a province set whose 17.1 threshold is strict (> 95)."""
    folder = tmp_path_factory.mktemp("strict")
    province = folder / "province.yaml"
    province.write_text(PROVINCE_STRICT, encoding="utf-8")
    summary = clean_folder(sample_raw_dir, folder / "processed", province_file=province)
    return load_review(summary.out_dir, year=2024)


def _strict_rows(review):
    ind = review.indicators
    return ind.loc[(ind["indicator"] == "17.1") & (ind["year"] == 2024)]


def test_a_strict_threshold_is_evaluated_as_a_number(strict_review):
    rows = _strict_rows(strict_review)
    assert set(rows["threshold_op"].astype(str)) == {">"}
    assert set(rows["threshold"].astype(float)) == {95.0}
    values = rows["value"].astype(float)
    assert (rows["met"].astype(bool) == (values > 95)).all()
    assert (values <= 95).any() and (values > 95).any()  # the sample has both sides


def test_a_strict_threshold_reads_as_a_target_in_the_task_tables(strict_review):
    rows = _strict_rows(strict_review)
    short = rows.loc[rows["value"].astype(float) <= 95]
    name, value = str(short["commune"].iloc[0]), float(short["value"].iloc[0])
    html = commune.unmet(strict_review, name)
    row = re.search(r"<tr>\s*<td>17\.1\. [^<]*</td>(.*?)</tr>", html, re.S)
    assert row, html
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    expected = [format_number(value), "&gt; 95", format_number(95 - value)]
    assert cells[1:4] == expected  # value, target, gap
    table = department.department_task_list(strict_review, "Phòng Tài nguyên – Môi trường")
    strict = table.loc[table["indicator"].str.startswith("17.1.")]
    assert set(strict["threshold"]) == {"> 95"}
    assert len(strict) == len(short)


def test_a_strict_threshold_is_charted_on_the_roadmap(strict_review):
    html = department.roadmap(strict_review, "Phòng Tài nguyên – Môi trường")
    alts = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]*)"', html)
    assert any(a.startswith("17.1. ") for a in alts), alts


def test_target_texts_write_every_operator_and_fall_back_to_the_report():
    import pandas as pd

    from ntm_analysis.sections.shared import target_texts

    rows = pd.DataFrame(
        {
            "threshold_op": pd.array([">=", "<=", ">", "<", "yes", pd.NA, pd.NA], dtype="string"),
            "threshold": pd.array([95, 2, 95, 2.5, None, None, None], dtype="Float64"),
            "target_text": pd.array([None, None, None, None, None, "≥ 60 triệu", None], "string"),
        }
    )
    assert target_texts(rows, "vi") == ["≥ 95", "≤ 2", "> 95", "< 2,5", "Đạt", "≥ 60 triệu", "–"]


def test_every_finding_check_has_a_readable_name_in_both_languages():
    from ntm_analysis import labels as lb
    from ntm_analysis.errors import FindingCheck

    assert set(lb.FINDING_CHECK_NAMES) == set(FindingCheck)
    for check in FindingCheck:
        assert lb.check_name(check, "vi") != check.value
        assert lb.check_name(check.value, "en") != check.value


def test_the_schemas_refuse_a_check_or_reason_outside_the_fixed_sets():
    import pandas as pd

    from ntm_analysis.validation import ContractError, validate_table

    finding = {
        "year": [2024],
        "commune": ["Xã A"],
        "subject_type": ["indicator"],
        "subject": ["17.1"],
        "check": ["appraisal_vs_threshold"],
        "message": ["m"],
        "source": ["a.xlsx › 2024 › row 3"],
        "source_file": ["a.xlsx"],
        "source_sheet": ["2024"],
        "source_row": [3],
    }
    validate_table("findings", pd.DataFrame(finding))
    with pytest.raises(ContractError):
        validate_table("findings", pd.DataFrame(finding | {"check": ["made_up_check"]}))
    reject = {
        "source_file": ["a.xlsx"],
        "source_sheet": ["2024"],
        "source_row": [3],
        "column": ["C"],
        "raw_value": ["#DIV/0!"],
        "reason": ["excel_error"],
        "message": ["m"],
    }
    validate_table("rejects", pd.DataFrame(reject))
    with pytest.raises(ContractError):
        validate_table("rejects", pd.DataFrame(reject | {"reason": ["made_up_reason"]}))
