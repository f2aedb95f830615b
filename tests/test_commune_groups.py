"""Targets per commune group (QĐ 51/2025, 2026–2030): catalog, province sets, evaluation."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from ntm_analysis import schema as s
from ntm_analysis.catalog import Indicator, Threshold, load_catalog
from ntm_analysis.errors import CatalogError
from ntm_analysis.evaluation import evaluate
from ntm_analysis.registry import Registry

QD51 = "qd51_2025_commune"


def test_qd51_names_three_commune_groups_instead_of_regions():
    cset = load_catalog().get(QD51)
    assert [g["code"] for g in cset.groups] == ["1", "2", "3"]
    assert cset.regions == ()
    assert load_catalog().get("qd318_2022_commune").groups == ()


def _indicator(*thresholds: Threshold) -> Indicator:
    return Indicator("8.1", "8", "t", "t", "percent", "higher", "%", "x", thresholds)


def _t(value, *, group=None, year=None, origin="national"):
    return Threshold(">=", value, None, year, f"≥{value}", "x", origin, group)


def test_the_most_specific_group_target_wins():
    ind = _indicator(_t(70), _t(80, group="2"), _t(85, group="2", year=2027), _t(60, year=2026))
    assert ind.threshold_for(None, 2026, group="2").value == 80  # group beats year
    assert ind.threshold_for(None, 2027, group="2").value == 85  # group and year beat group
    # another group's figure never applies, and where the indicator is split by group the
    # common figure is only for a commune without a group (as for regions)
    assert ind.threshold_for(None, 2026, group="1") is None
    assert ind.threshold_for(None, 2026, group=None).value == 60  # the year's common figure
    assert ind.threshold_for(None, 2028, group=None).value == 70
    # a province target beats a national one, even a more specific one
    both = _indicator(_t(80, group="2"), _t(75, origin="province"))
    assert both.threshold_for(None, 2026, group="2").value == 75


def _province_yaml(tmp_path, thresholds, base_set=QD51):
    path = tmp_path / "tinh.yaml"
    path.write_text(
        yaml.safe_dump(
            {"decision": "QĐ 9/QĐ-UBND tỉnh Thử", "base_set": base_set, "thresholds": thresholds},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return path


GROUP_TARGETS = [
    {"indicator": "8.1", "indicator_text": "Tỷ lệ thu gom rác", "op": ">=", "value": 95,
     "text": "≥95%"},
    {"indicator": "8.1", "group": 1, "op": ">=", "value": 90, "text": "≥90%"},
    {"indicator": "8.1", "group": 2, "op": ">=", "value": 80, "text": "≥80%"},
]  # fmt: skip


def test_a_province_yaml_sets_targets_per_group(tmp_path):
    cset = load_catalog(_province_yaml(tmp_path, GROUP_TARGETS)).get(QD51)
    ind = cset.indicator("8.1")
    assert (ind.criterion, ind.text_vi, ind.kind) == ("8", "Tỷ lệ thu gom rác", "percent")
    assert ind.threshold_for(None, 2026, group="1").value == 90
    assert ind.threshold_for(None, 2026, group="2").value == 80
    assert ind.threshold_for(None, 2026, group="3") is None  # no group-3 figure: none
    assert ind.threshold_for(None, 2026).value == 95  # no group: the common figure
    assert ind.threshold_for(None, 2026).source == "QĐ 9/QĐ-UBND tỉnh Thử"


def test_a_group_target_for_a_set_without_groups_is_refused(tmp_path):
    path = _province_yaml(
        tmp_path, [{"indicator": "3.1", "group": 1, "op": ">=", "value": 1}], "qd318_2022_commune"
    )
    with pytest.raises(CatalogError, match="no groups"):
        load_catalog(path)
    path = _province_yaml(tmp_path, [{"indicator": "8.1", "group": 4, "op": ">=", "value": 1}])
    with pytest.raises(CatalogError, match="group '4'"):
        load_catalog(path)


def test_a_province_spreadsheet_with_group_columns_sets_the_qd51_targets(tmp_path):
    path = tmp_path / "bo-tieu-chi-2026.xlsx"
    pd.DataFrame(
        {
            "TT": [8, None, None],
            "Tên tiêu chí": ["Môi trường và cảnh quan nông thôn", None, None],
            "Nội dung tiêu chí": [None, "8.1. Tỷ lệ thu gom rác", "8.2. Có mô hình phân loại"],
            "Chỉ tiêu": [None, "≥ 95%", "Đạt"],
            "Nhóm 1": [None, "≥ 90%", None],
            "NHÓM 2": [None, "≥80%", None],
            "Nhóm 3": [None, "≥ 70%", None],
        }
    ).to_excel(path, index=False)
    cset = load_catalog(path).get(QD51)
    ind = cset.indicator("8.1")
    assert ind.text_vi == "Tỷ lệ thu gom rác"
    values = {g: ind.threshold_for(None, 2026, group=g).value for g in ("1", "2", "3", None)}
    assert values == {"1": 90.0, "2": 80.0, "3": 70.0, None: 95.0}
    assert "bo-tieu-chi-2026.xlsx, dòng 3" in ind.threshold_for(None, 2026, group="3").source
    assert cset.indicator("8.2").threshold_for(None, 2026, group="1").op == "yes"
    assert load_catalog(path).get("qd318_2022_commune").province_set is None


def _registry(groups):
    n = len(groups)
    return Registry(
        pd.DataFrame(
            {
                "code": [f"0000{i}" for i in range(n)],
                "name": [f"Xã {chr(65 + i)}" for i in range(n)],
                "unit_type": ["xã"] * n,
                "district": [None] * n,
                "province": ["Tỉnh Thử"] * n,
                "threshold_region": ["DBSH"] * n,
                "commune_group": groups,
                "group_valid_from": ["2026-01-01"] * n,
                "group_valid_to": [None] * n,
                "valid_from": [None] * n,
                "valid_to": [None] * n,
                "note": [None] * n,
            }
        )
    )


def _record(i, year, value):
    return {
        "year": year, "commune": f"Xã {chr(65 + i)}", "commune_code": f"0000{i}",
        "level": "indicator", "criterion": "8", "indicator": "8.1", "value": value,
        "value_text": str(value), "unit": "%", "target_text": None, "self_assessed": s.MET,
        "layout": s.LAYOUT_COMMUNE_REPORT, "stated_total": None,
        s.SOURCE_FILE: "f.xlsx", s.SOURCE_SHEET: str(year), s.SOURCE_ROW: 9,
    }  # fmt: skip


def test_evaluation_judges_each_commune_by_its_groups_target(tmp_path):
    catalog = load_catalog(_province_yaml(tmp_path, GROUP_TARGETS))
    registry = _registry(["1", "2", None])
    records = pd.DataFrame(
        [_record(i, 2026, 85.0) for i in range(3)], columns=list(s.RECORD_COLUMNS)
    ).astype({"year": "int64", "value": "Float64", "source_row": "Int64"})
    ind = evaluate(records, catalog=catalog, registry=registry).indicators.set_index("commune")
    assert ind.loc["Xã A", "threshold"] == 90 and not ind.loc["Xã A", "met"]
    assert ind.loc["Xã B", "threshold"] == 80 and ind.loc["Xã B", "met"]
    assert ind.loc["Xã C", "threshold"] == 95 and not ind.loc["Xã C", "met"]  # no group: general
    assert set(ind["met_basis"]) == {"threshold"}
