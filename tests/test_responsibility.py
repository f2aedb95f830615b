"""The department mapping: the shipped example, user files, and how rows are matched."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_analysis import config
from ntm_analysis.errors import CatalogError
from ntm_analysis.responsibility import (
    RESPONSIBILITY_COLUMNS,
    assign_departments,
    load_responsibility,
    responsibility_from_frame,
)


def mapping(rows) -> pd.DataFrame:
    """rows: (criteria_set, level, code, department_id)."""
    return responsibility_from_frame(
        pd.DataFrame(rows, columns=["criteria_set", "level", "code", "department_id"])
    )


def tasks(*codes, criteria_set="qd318_2022_commune") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "criteria_set": [criteria_set] * len(codes),
            "criterion": [c.split(".")[0] for c in codes],
            "indicator": list(codes),
        }
    )


def test_shipped_example_is_labelled_editable_and_covers_19_criteria():
    text = config.RESPONSIBILITY_FILE.read_text(encoding="utf-8")
    assert text.startswith("# Ví dụ — có thể chỉnh sửa")
    m = load_responsibility()
    assert tuple(m.columns) == RESPONSIBILITY_COLUMNS
    assert m["note"].str.startswith("Ví dụ — có thể chỉnh sửa").all()
    any_set = m.loc[m["criteria_set"].isna() & (m["level"] == "criterion"), "code"]
    assert set(any_set) == {str(k) for k in range(1, 20)}
    by_code = m.loc[m["level"] == "criterion"].groupby("code")["department_vi"].first()
    assert by_code["2"] == "Phòng Kinh tế – Hạ tầng"
    assert by_code["4"] == "Phòng Kinh tế – Hạ tầng"
    assert by_code["16"] == "Phòng Văn hóa – Thông tin"
    assert by_code["17"] == "Phòng Tài nguyên – Môi trường"
    health_insurance = m.loc[m["code"] == "15.1", "department_vi"].tolist()
    assert health_insurance == ["Phòng Y tế", "BHXH huyện"]


def test_shipped_example_has_the_2026_set_criteria():
    m = load_responsibility()
    new = m.loc[m["criteria_set"] == "qd51_2025_commune"]
    assert sorted(set(new["code"]), key=int) == [str(k) for k in range(1, 11)]
    # no districts after 01/07/2025: the commune's own offices, never a district's
    assert not new["department_vi"].str.contains("huyện|Phòng Tư pháp|Phòng Y tế").any()
    by_code = new.groupby("code")["department_vi"].agg(list)
    assert by_code["5"] == ["Phòng Văn hóa – Xã hội (xã)"]
    assert by_code["8"] == ["Phòng Kinh tế (xã)"]
    assert by_code["10"] == ["Văn phòng HĐND và UBND xã", "Công an xã", "Ban CHQS xã"]


def test_user_file_with_comments_and_blank_names(tmp_path):
    path = tmp_path / "my.csv"
    path.write_text(
        "# comment line\n"
        "criteria_set,level,code,department_id,department_vi,department_en,note\n"
        ",criterion,17,tn_mt,,,\n"
        ",indicator,17.2,,Tổ công tác môi trường,Environment team,mới\n",
        encoding="utf-8",
    )
    m = load_responsibility(path)
    assert m.loc[0, "department_vi"] == "Phòng Tài nguyên – Môi trường"
    assert m.loc[0, "department_en"] == "Natural Resources and Environment Office"
    # no id: the Vietnamese name stands for it
    assert m.loc[1, "department_id"] == "Tổ công tác môi trường"
    assert m.loc[1, "note"] == "mới"


def test_missing_file_and_bad_rows_raise_catalog_error(tmp_path):
    with pytest.raises(CatalogError, match="Cannot read"):
        load_responsibility(tmp_path / "none.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("level,code,department_id\ntiêu chí,17,tn_mt\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="Row 2"):
        load_responsibility(bad)
    cols = tmp_path / "cols.csv"
    cols.write_text("code,department_id\n17,tn_mt\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="level"):
        load_responsibility(cols)


def test_indicator_row_overrides_criterion_row():
    m = mapping([(None, "criterion", "17", "tn_mt"), (None, "indicator", "17.8", "y_te")])
    out = assign_departments(tasks("17.1", "17.8"), m)
    assert out["department_id"].tolist() == ["tn_mt", "y_te"]
    assert out["department"].tolist() == ["Phòng Tài nguyên – Môi trường", "Phòng Y tế"]


def test_set_specific_row_overrides_any_set_row():
    m = mapping(
        [(None, "criterion", "5", "gd_dt"), ("qd51_2025_commune", "criterion", "5", "vh_tt")]
    )
    old = assign_departments(tasks("5"), m)
    new = assign_departments(tasks("5.1", criteria_set="qd51_2025_commune"), m)
    assert old["department_id"].tolist() == ["gd_dt"]
    assert new["department_id"].tolist() == ["vh_tt"]


def test_several_departments_give_one_row_each_and_unmapped_are_unassigned():
    m = mapping([(None, "indicator", "15.1", "y_te"), (None, "indicator", "15.1", "bhxh")])
    out = assign_departments(tasks("15.1", "9.1"), m, lang="en")
    assert out["indicator"].tolist() == ["15.1", "15.1", "9.1"]
    assert out["department"].tolist() == [
        "Health Office",
        "District Social Insurance",
        "Unassigned",
    ]
    assert pd.isna(out["department_id"].iloc[2])


def test_assign_does_not_modify_its_input():
    frame = tasks("17.1")
    before = frame.copy()
    assign_departments(frame, mapping([(None, "criterion", "17", "tn_mt")]))
    pd.testing.assert_frame_equal(frame, before)
