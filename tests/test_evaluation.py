"""Every evaluation rule, on a tiny hand-written criteria set and dirty records."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ntm_analysis import schema as s
from ntm_analysis.catalog import Catalog, criteria_set_from_data
from ntm_analysis.evaluation import evaluate, records_order
from ntm_analysis.parsing import read_target
from ntm_analysis.registry import Registry

SRC = "test decision"
TINY_SET = {
    "id": "tiny",
    "level": "commune",
    "name_vi": "Bộ thử",
    "decision": "QĐ thử",
    "first_year": 2021,
    "last_year": 2025,
    "source": SRC,
    "regions": [{"code": "A", "name_vi": "Vùng A"}, {"code": "B", "name_vi": "Vùng B"}],
    "criteria": [
        {
            "number": "1",
            "name_vi": "Một",
            "source": SRC,
            "indicators": [
                {
                    "code": "1.1",
                    "text_vi": "Có quy hoạch",
                    "kind": "yes_no",
                    "source": SRC,
                    "thresholds": [{"op": "yes", "text": "Đạt", "source": SRC}],
                },
                {
                    "code": "1.2",
                    "text_vi": "Tỷ lệ",
                    "kind": "percent",
                    "unit": "%",
                    "source": SRC,
                    "thresholds": [{"op": ">=", "value": 80, "text": "≥80%", "source": SRC}],
                },
            ],
        },
        {
            "number": "2",
            "name_vi": "Hai",
            "source": SRC,
            "indicators": [
                {
                    "code": "2",
                    "text_vi": "Tỷ lệ nghèo",
                    "kind": "percent",
                    "direction": "lower",
                    "unit": "%",
                    "source": SRC,
                    "thresholds": [{"op": "<=", "value": 2, "text": "≤2%", "source": SRC}],
                },
            ],
        },
        {
            "number": "3",
            "name_vi": "Ba",
            "source": SRC,
            "indicators": [
                {
                    "code": "3.1",
                    "text_vi": "Thu nhập",
                    "kind": "money_per_capita",
                    "unit": "triệu đồng/người/năm",
                    "source": SRC,
                    "thresholds": [
                        {
                            "region": "A",
                            "year": 2022,
                            "op": ">=",
                            "value": 40,
                            "text": "≥40",
                            "source": "A2022",
                        },
                        {
                            "region": "A",
                            "year": 2023,
                            "op": ">=",
                            "value": 45,
                            "text": "≥45",
                            "source": "A2023",
                        },
                        {
                            "region": "B",
                            "year": 2023,
                            "op": ">=",
                            "value": 50,
                            "text": "≥50",
                            "source": "B2023",
                        },
                    ],
                },
                {"code": "3.2", "text_vi": "Không có ngưỡng", "kind": "yes_no", "source": SRC},
            ],
        },
    ],
}


@pytest.fixture
def catalog() -> Catalog:
    return Catalog(sets=(criteria_set_from_data(TINY_SET),))


@pytest.fixture
def registry() -> Registry:
    frame = pd.DataFrame(
        {
            "code": ["001", "002", "003"],
            "name": ["Xã An", "Xã Bình", "Xã Cường"],
            "unit_type": ["xã", "xã", "xã"],
            "district": ["Huyện Thử"] * 3,
            "province": ["Tỉnh Thử"] * 3,
            "threshold_region": ["A", "B", None],
            "valid_from": [None] * 3,
            "valid_to": [None] * 3,
            "note": [None] * 3,
        }
    )
    return Registry(frame)


CODES = {"Xã An": "001", "Xã Bình": "002", "Xã Cường": "003"}


def rec(
    year, commune, code, value=None, appraisal=None, *, level="indicator", layout=None, target=None
):
    return {
        "year": year,
        "commune": commune,
        "commune_code": CODES[commune],
        "level": level,
        "criterion": code.split(".")[0],
        "indicator": code,
        "value": value,
        "value_text": None if value is None else str(value),
        "unit": None,
        "target_text": target,
        "self_assessed": appraisal,
        "layout": layout or s.LAYOUT_COMMUNE_REPORT,
        "stated_total": None,
        s.SOURCE_FILE: f"{commune}.xlsx",
        s.SOURCE_SHEET: str(year),
        s.SOURCE_ROW: 10,
    }


def records(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(s.RECORD_COLUMNS))
    return frame.astype({"year": "int64", "value": "Float64", "source_row": "Int64"})


def full_report(year, commune, **overrides):
    """Every indicator of the tiny set, all met, with overrides code -> (value, appraisal)."""
    base = {
        "1.1": (1.0, s.MET),
        "1.2": (90.0, s.MET),
        "2": (1.0, s.MET),
        "3.1": (60.0, s.MET),
        "3.2": (None, s.MET),
    }
    base.update(overrides)
    rows = [rec(year, commune, code, v, a) for code, (v, a) in base.items()]
    rows += [rec(year, commune, c, None, s.MET, level="criterion") for c in ("1", "2", "3")]
    return rows


def indicator_row(result, commune, code, year=2023):
    ind = result.indicators
    row = ind.loc[(ind["commune"] == commune) & (ind["indicator"] == code) & (ind["year"] == year)]
    assert len(row) == 1
    return row.iloc[0]


def criterion_row(result, commune, number, year=2023):
    cr = result.criteria
    row = cr.loc[(cr["commune"] == commune) & (cr["criterion"] == number) & (cr["year"] == year)]
    assert len(row) == 1
    return row.iloc[0]


def checks_of(result, commune, subject=None):
    f = result.findings
    f = f.loc[f["commune"] == commune]
    if subject is not None:
        f = f.loc[f["subject"] == subject]
    return set(f["check"])


@pytest.mark.parametrize("value, expected", [(80.0, True), (79.9, False), (100.0, True)])
def test_at_least_threshold(catalog, registry, value, expected):
    result = evaluate(
        records(*full_report(2023, "Xã An", **{"1.2": (value, None)})),
        catalog=catalog,
        registry=registry,
    )
    row = indicator_row(result, "Xã An", "1.2")
    assert row["met"] == expected
    assert row["met_basis"] == s.BASIS_THRESHOLD
    assert row["threshold"] == 80.0
    assert row["threshold_op"] == ">="


@pytest.mark.parametrize("value, expected", [(2.0, True), (3.1, False), (0.0, True)])
def test_at_most_threshold_lower_is_better(catalog, registry, value, expected):
    result = evaluate(
        records(*full_report(2023, "Xã An", **{"2": (value, None)})),
        catalog=catalog,
        registry=registry,
    )
    assert indicator_row(result, "Xã An", "2")["met"] == expected


@pytest.mark.parametrize("value, expected", [(1.0, True), (0.0, False)])
def test_yes_no_threshold(catalog, registry, value, expected):
    result = evaluate(
        records(*full_report(2023, "Xã An", **{"1.1": (value, None)})),
        catalog=catalog,
        registry=registry,
    )
    assert indicator_row(result, "Xã An", "1.1")["met"] == expected


@pytest.mark.parametrize(
    "commune, year, value, expected_met, expected_threshold",
    [
        ("Xã An", 2023, 46.0, True, 45.0),  # region A, 2023
        ("Xã An", 2022, 41.0, True, 40.0),  # region A, 2022: the year picks the figure
        ("Xã An", 2023, 44.0, False, 45.0),
        ("Xã Bình", 2023, 46.0, False, 50.0),  # region B, 2023: the region picks the figure
    ],
)
def test_money_threshold_by_region_and_year(
    catalog, registry, commune, year, value, expected_met, expected_threshold
):
    rows = full_report(year, commune, **{"3.1": (value, None)})
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    row = indicator_row(result, commune, "3.1", year)
    assert row["met"] == expected_met
    assert row["threshold"] == expected_threshold
    assert row["met_basis"] == s.BASIS_THRESHOLD


def test_no_threshold_for_the_region_falls_back_to_the_appraisal(catalog, registry):
    # Xã Bình is in region B, which has no 2022 income figure
    rows = full_report(2022, "Xã Bình", **{"3.1": (41.0, s.NOT_MET)})
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    row = indicator_row(result, "Xã Bình", "3.1", 2022)
    assert row["met"] is False or row["met"] == False  # noqa: E712
    assert row["met_basis"] == s.BASIS_SELF_ASSESSMENT
    assert pd.isna(row["threshold"])


def test_unset_threshold_uses_the_appraisal_and_basically_met_is_not_met(catalog, registry):
    rows = full_report(2023, "Xã An", **{"3.2": (None, s.BASICALLY_MET)})
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    row = indicator_row(result, "Xã An", "3.2")
    assert row["met"] == False  # noqa: E712
    assert row["met_basis"] == s.BASIS_SELF_ASSESSMENT
    assert criterion_row(result, "Xã An", "3")["met"] == False  # noqa: E712


def test_missing_value_with_a_threshold_falls_back_to_the_appraisal(catalog, registry):
    rows = full_report(2023, "Xã An", **{"1.2": (None, s.MET)})
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    row = indicator_row(result, "Xã An", "1.2")
    assert row["met"] == True  # noqa: E712
    assert row["met_basis"] == s.BASIS_SELF_ASSESSMENT
    assert pd.isna(row["value"])  # missing is not zero


def test_neither_value_nor_appraisal_is_undecided(catalog, registry):
    rows = full_report(2023, "Xã An", **{"3.2": (None, None)})
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    row = indicator_row(result, "Xã An", "3.2")
    assert pd.isna(row["met"])
    assert row["met_basis"] == s.BASIS_NONE


def test_appraisal_that_disagrees_with_the_threshold_is_a_finding(catalog, registry):
    rows = full_report(2023, "Xã An", **{"2": (3.1, s.MET)})
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    assert indicator_row(result, "Xã An", "2")["met"] == False  # noqa: E712
    assert "appraisal_vs_threshold" in checks_of(result, "Xã An", "2")
    # ...and the criterion appraisal 'Đạt' now disagrees with the computed result
    assert criterion_row(result, "Xã An", "2")["met"] == False  # noqa: E712
    assert "criterion_appraisal_vs_result" in checks_of(result, "Xã An", "2")


def test_criterion_met_when_every_reported_indicator_is_met(catalog, registry):
    result = evaluate(records(*full_report(2023, "Xã An")), catalog=catalog, registry=registry)
    for number in ("1", "2", "3"):
        row = criterion_row(result, "Xã An", number)
        assert row["met"] == True  # noqa: E712
        assert row["met_basis"] == s.BASIS_INDICATORS
    commune = result.communes.iloc[0]
    assert (commune["criteria_met"], commune["criteria_total"]) == (3, 3)
    assert commune["status"] == s.STATUS_NTM
    assert checks_of(result, "Xã An") == set()


def test_missing_indicator_is_a_finding_and_the_criterion_appraisal_stands(catalog, registry):
    rows = [r for r in full_report(2023, "Xã An") if r["indicator"] != "1.1"]
    rows = [
        {**r, "self_assessed": s.NOT_MET}
        if (r["level"], r["indicator"]) == ("criterion", "1")
        else r
        for r in rows
    ]
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    row = criterion_row(result, "Xã An", "1")
    assert row["indicators_expected"] == 2
    assert row["indicators_reported"] == 1
    assert row["met"] == False  # noqa: E712  (the appraisal 'Chưa đạt' stands for 1.1)
    assert row["met_basis"] == s.BASIS_SELF_ASSESSMENT
    assert "missing_indicator" in checks_of(result, "Xã An", "1.1")


def test_matrix_marks_decide_when_there_are_no_indicators(catalog, registry):
    rows = [
        rec(2023, "Xã Cường", "1", None, s.MET, level="criterion", layout=s.LAYOUT_DISTRICT_MATRIX),
        rec(
            2023,
            "Xã Cường",
            "2",
            None,
            s.BASICALLY_MET,
            level="criterion",
            layout=s.LAYOUT_DISTRICT_MATRIX,
        ),
        rec(
            2023,
            "Xã Cường",
            "3",
            None,
            s.NOT_MET,
            level="criterion",
            layout=s.LAYOUT_DISTRICT_MATRIX,
        ),
    ]
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    assert [criterion_row(result, "Xã Cường", n)["met"] for n in "123"] == [True, False, False]
    assert criterion_row(result, "Xã Cường", "1")["met_basis"] == s.BASIS_MATRIX
    commune = result.communes.iloc[0]
    assert commune["criteria_met"] == 1
    assert commune["criteria_basically_met"] == 1
    assert commune["status"] == s.STATUS_NOT_NTM
    # a matrix-only commune is not flagged for every indicator it could not report
    assert "missing_indicator" not in checks_of(result, "Xã Cường")


def test_district_counts_and_criterion_shares(catalog, registry):
    rows = full_report(2023, "Xã An") + full_report(2023, "Xã Bình", **{"2": (5.0, s.NOT_MET)})
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    d = result.district.iloc[0]
    assert (d["communes_total"], d["communes_ntm"], d["share_ntm"]) == (2, 1, 0.5)
    shares = result.district_criteria.set_index("criterion")["share_met"]
    assert shares["1"] == 1.0
    assert shares["2"] == 0.5
    # Xã Cường is in the registry but sent nothing: reporting completeness
    assert "missing_commune_report" in checks_of(result, "Xã Cường")


def test_inputs_are_not_mutated(catalog, registry):
    frame = records(*full_report(2023, "Xã An", **{"1.2": (50.0, s.MET)}))
    before = frame.copy()
    evaluate(frame, catalog=catalog, registry=registry)
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("value, expected", [(1.9, True), (2.0, False)])
def test_strict_threshold_from_a_province_set(registry, value, expected):
    """'Dưới 2%' (below 2%) is strict: exactly 2.0 does not meet it."""
    import copy

    data = copy.deepcopy(TINY_SET)
    data["criteria"][1]["indicators"][0]["thresholds"] = [
        {"op": "<", "value": 2, "text": "Dưới 2%", "source": SRC}
    ]
    catalog = Catalog(sets=(criteria_set_from_data(data),))
    rows = full_report(2023, "Xã An", **{"2": (value, None)})
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    row = indicator_row(result, "Xã An", "2")
    assert (row["met"], row["threshold_op"]) == (expected, "<")


# --------------------------------------------------------------------------- stated targets


def test_a_sourced_threshold_beats_the_stated_target_and_a_different_one_is_a_finding(
    catalog, registry
):
    rows = full_report(2023, "Xã An")
    rows = [
        {**r, "value": 82.0, "target_text": "≥ 85%"} if r["indicator"] == "1.2" else r for r in rows
    ]
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    row = indicator_row(result, "Xã An", "1.2")
    assert (row["met"], row["met_basis"], row["threshold"]) == (True, s.BASIS_THRESHOLD, 80.0)
    assert row["threshold_source"] == SRC
    f = result.findings.set_index("check")
    assert f.loc["stated_target_vs_threshold", "subject"] == "1.2"
    assert "'≥ 85%'" in f.loc["stated_target_vs_threshold", "message"]
    assert "≥80%" in f.loc["stated_target_vs_threshold", "message"]


def test_a_stated_target_equal_to_the_threshold_is_no_finding(catalog, registry):
    rows = [
        {**r, "target_text": "Tối thiểu 80%"} if r["indicator"] == "1.2" else r
        for r in full_report(2023, "Xã An")
    ]
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    assert checks_of(result, "Xã An") == set()


@pytest.mark.parametrize(
    "value, appraisal, met, finding",
    [
        (41.0, s.MET, False, True),  # 'Đạt' although 41 misses ≥ 45
        (46.0, s.NOT_MET, True, True),  # 'Chưa đạt' although 46 meets it
        (46.0, s.MET, True, False),
        (41.0, None, False, False),
    ],
)
def test_without_a_threshold_the_stated_target_judges_the_value(
    catalog, registry, value, appraisal, met, finding
):
    # Xã Bình is in region B, which has no 2022 income figure
    rows = full_report(2022, "Xã Bình")
    rows = [
        {**r, "value": value, "self_assessed": appraisal, "target_text": "≥ 45 tr.đ/người/năm"}
        if r["indicator"] == "3.1"
        else r
        for r in rows
    ]
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    row = indicator_row(result, "Xã Bình", "3.1", 2022)
    assert (row["met"], row["met_basis"]) == (met, s.BASIS_STATED_TARGET)
    assert (row["threshold"], row["threshold_op"]) == (45.0, ">=")
    assert row["threshold_source"] == s.STATED_TARGET_SOURCE
    assert ("appraisal_vs_stated_target" in checks_of(result, "Xã Bình", "3.1")) is finding
    if finding:
        message = result.findings.loc[
            result.findings["check"] == "appraisal_vs_stated_target", "message"
        ].iloc[0]
        assert message.startswith("Chỉ tiêu 3.1: xã tự đánh giá")
        assert "≥ 45 tr.đ/người/năm" in message


@pytest.mark.parametrize(
    "target, value, met",
    [("Đạt", 1.0, True), ("Có", 0.0, False), ("Không", 0.0, True), ("Không có", 1.0, False)],
)
def test_yes_and_no_stated_targets(catalog, registry, target, value, met):
    rows = [
        {**r, "value": value, "self_assessed": None, "target_text": target}
        if r["indicator"] == "3.2"
        else r
        for r in full_report(2023, "Xã An")
    ]
    row = indicator_row(
        evaluate(records(*rows), catalog=catalog, registry=registry), "Xã An", "3.2"
    )
    assert (row["met"], row["met_basis"]) == (met, s.BASIS_STATED_TARGET)
    assert pd.isna(row["threshold"])


def test_a_percentage_is_not_judged_by_a_yes_target(catalog, registry):
    rows = [
        {**r, "value": 30.0, "self_assessed": s.MET, "target_text": "Đạt"}
        if r["indicator"] == "3.2"
        else r
        for r in full_report(2023, "Xã An")
    ]
    row = indicator_row(
        evaluate(records(*rows), catalog=catalog, registry=registry), "Xã An", "3.2"
    )
    assert (row["met"], row["met_basis"]) == (True, s.BASIS_SELF_ASSESSMENT)


@pytest.mark.parametrize(
    "target, unit, reason",
    [
        ("theo kế hoạch của huyện", None, "không đọc được"),
        ("≥ 45%", "triệu đồng/người/năm", "đơn vị khác"),
    ],
)
def test_an_unusable_target_is_a_finding_and_the_appraisal_decides(
    catalog, registry, target, unit, reason
):
    rows = [
        {**r, "value": 41.0, "unit": unit, "self_assessed": s.MET, "target_text": target}
        if r["indicator"] == "3.1"
        else r
        for r in full_report(2022, "Xã Bình")
    ]
    result = evaluate(records(*rows), catalog=catalog, registry=registry)
    row = indicator_row(result, "Xã Bình", "3.1", 2022)
    assert (row["met"], row["met_basis"]) == (True, s.BASIS_SELF_ASSESSMENT)
    f = result.findings.loc[result.findings["check"] == "target_unparsed"]
    assert f["subject"].tolist() == ["3.1"]
    assert reason in f["message"].iloc[0]
    assert f["source"].iloc[0] == "Xã Bình.xlsx › 2022 › row 10"


def _region_registry(regions: dict[str, str | None]) -> Registry:
    return Registry(
        pd.DataFrame(
            {
                "code": [f"{k:03d}" for k in range(1, len(regions) + 1)],
                "name": list(regions),
                "unit_type": ["xã"] * len(regions),
                "district": ["Huyện Thử"] * len(regions),
                "province": ["Tỉnh Thử"] * len(regions),
                "threshold_region": list(regions.values()),
                "valid_from": [None] * len(regions),
                "valid_to": [None] * len(regions),
                "note": [None] * len(regions),
            }
        )
    )


def _stated_rows(targets: dict[str, str], year=2023, code="3.2"):
    rows = []
    for k, (name, target) in enumerate(targets.items(), start=1):
        rows.append(
            {
                **rec(year, "Xã An", code, 1.0, s.MET, target=target),
                "commune": name,
                "commune_code": f"{k:03d}",
                s.SOURCE_FILE: f"{name}.xlsx",
            }
        )
    return rows


def test_communes_of_one_region_stating_different_targets_are_named(catalog):
    regions = {"Xã Một": "A", "Xã Hai": "A", "Xã Ba": "A", "Xã Bốn": "B", "Xã Năm": "B"}
    targets = {
        "Xã Một": "≥ 95%",
        "Xã Hai": "Tối thiểu 95%",
        "Xã Ba": "≥ 85%",
        "Xã Bốn": "≥ 85%",  # another region: compared only with its own
        "Xã Năm": "≥ 85%",
    }
    rows = _stated_rows(targets)
    result = evaluate(records(*rows), catalog=catalog, registry=_region_registry(regions))
    f = result.findings.loc[result.findings["check"] == "stated_target_inconsistent"]
    assert f["commune"].tolist() == ["Xã Ba"]
    assert f["subject"].tolist() == ["3.2"]
    message = f["message"].iloc[0]
    assert "vùng A" in message and "≥ 95%: 2/3 xã" in message and "'≥ 85%'" in message


def test_a_tie_between_stated_targets_names_every_commune_of_the_region(catalog):
    regions = {"Xã Một": None, "Xã Hai": None}
    rows = _stated_rows({"Xã Một": "≥ 95%", "Xã Hai": "≥ 90%"})
    result = evaluate(records(*rows), catalog=catalog, registry=_region_registry(regions))
    f = result.findings.loc[result.findings["check"] == "stated_target_inconsistent"]
    assert f["commune"].tolist() == ["Xã Một", "Xã Hai"]
    assert "chưa xác định vùng" in f["message"].iloc[0]
    assert "≥ 95%: 1 xã" in f["message"].iloc[0] and "≥ 90%: 1 xã" in f["message"].iloc[0]


def test_the_common_figure_applies_only_where_the_region_is_unset():
    import copy

    data = copy.deepcopy(TINY_SET)
    data["criteria"][2]["indicators"][0]["thresholds"] = [
        {"year": 2022, "op": ">=", "value": 48, "text": "≥48", "source": "chung"},
        {"region": "A", "year": 2022, "op": ">=", "value": 39, "text": "≥39", "source": "A"},
    ]
    ind = criteria_set_from_data(data).indicator("3.1")
    assert ind.threshold_for(None, 2022).value == 48
    assert ind.threshold_for("A", 2022).value == 39
    assert ind.threshold_for("B", 2022) is None  # B's figure is not known: not A's, not 48
    assert ind.threshold_for(None, 2023) is None


# --------------------------------------------------------------------------- reference check
#
# evaluate() works on integer codes for speed; this plain, row-by-row
# reading of the rules (README "Evaluation rules") checks it on random
# reports: values around the thresholds, missing values and appraisals, left
# out indicators and criteria, district-matrix marks, an uncovered year, and
# two communes that share a name.

REF_REGISTRY_ROWS = [
    ("001", "Xã An", "A"),
    ("002", "Xã Bình", "B"),
    ("003", "Xã Cường", None),
    ("004", "Xã An", "B"),  # same name as 001, another district
]
REF_CODES = ("1.1", "1.2", "2", "3.1", "3.2")
REF_CRITERIA = ("1", "2", "3")


@pytest.fixture
def ref_registry() -> Registry:
    return Registry(
        pd.DataFrame(
            {
                "code": [r[0] for r in REF_REGISTRY_ROWS],
                "name": [r[1] for r in REF_REGISTRY_ROWS],
                "unit_type": ["xã"] * 4,
                "district": ["Huyện Thử", "Huyện Thử", "Huyện Thử", "Huyện Khác"],
                "province": ["Tỉnh Thử"] * 4,
                "threshold_region": [r[2] for r in REF_REGISTRY_ROWS],
                "valid_from": [None] * 4,
                "valid_to": [None] * 4,
                "note": [None] * 4,
            }
        )
    )


_APPRAISALS = st.sampled_from([s.MET, s.BASICALLY_MET, s.NOT_MET, None])
_VALUES = st.sampled_from([None, 0.0, 1.0, 1.9, 2.0, 39.0, 45.0, 50.0, 79.9, 80.0, 100.0])
_TARGETS = st.sampled_from(
    [
        None,
        None,
        "≥ 80%",
        "Tối thiểu 85%",
        "Đạt",
        "Có",
        "≤ 2%",
        "dưới 2%",
        "Không",
        "= 1",
        "≥ 45 triệu đồng/người/năm",
        "Từ 40 trở lên",
        "theo kế hoạch",
    ]
)


@st.composite
def random_records(draw) -> pd.DataFrame:
    rows = []
    for code, name, _ in REF_REGISTRY_ROWS:
        for year in draw(st.sets(st.sampled_from([2022, 2023, 2030]), max_size=2)):
            layout = draw(st.sampled_from([s.LAYOUT_COMMUNE_REPORT, s.LAYOUT_DISTRICT_MATRIX]))
            if layout == s.LAYOUT_COMMUNE_REPORT:
                for ind in draw(st.sets(st.sampled_from(REF_CODES))):
                    rows.append(
                        (
                            year,
                            name,
                            code,
                            "indicator",
                            ind,
                            draw(_VALUES),
                            draw(_APPRAISALS),
                            layout,
                            draw(_TARGETS),
                        )
                    )
            for crit in draw(st.sets(st.sampled_from(REF_CRITERIA))):
                report = layout == s.LAYOUT_COMMUNE_REPORT
                value = draw(_VALUES) if report else None
                target = draw(_TARGETS) if report else None
                rows.append(
                    (year, name, code, "criterion", crit, value, draw(_APPRAISALS), layout, target)
                )
    rows = draw(st.permutations(rows))
    return records(
        *(
            {
                **rec(
                    year, "Xã An", code, value, appraisal, level=level, layout=layout, target=target
                ),
                "commune": name,
                "commune_code": unit,
                s.SOURCE_FILE: f"{unit}-{year}.xlsx",
                s.SOURCE_ROW: k + 2,
            }
            for k, (year, name, unit, level, code, value, appraisal, layout, target) in enumerate(
                rows
            )
        )
    )


def _appraisal(code):
    return {s.MET: True, s.BASICALLY_MET: False, s.NOT_MET: False}.get(code)


def reference_evaluation(frame: pd.DataFrame, catalog: Catalog, registry: Registry) -> dict:
    """The rules, one row at a time: {table: {key: facts}} and the findings as a Counter."""
    from collections import Counter

    rows = [
        {k: (None if pd.isna(v) else v) for k, v in r.items()} for r in frame.to_dict("records")
    ]
    cset = catalog.sets[0]
    covered = [r for r in rows if cset.covers(int(r["year"]))]
    present = {
        (r["year"], r["commune_code"], r["indicator"]) for r in covered if r["level"] == "indicator"
    }
    singles = {
        c.number
        for c in cset.criteria
        if len(c.indicators) == 1 and c.indicators[0].code == c.number
    }
    ind_rows = [r for r in covered if r["level"] == "indicator"] + [
        r
        for r in covered
        if r["level"] == "criterion"
        and r["layout"] != s.LAYOUT_DISTRICT_MATRIX
        and r["indicator"] in singles
        and (r["year"], r["commune_code"], r["indicator"]) not in present
    ]
    import operator

    compare = {
        ">=": operator.ge,
        "<=": operator.le,
        ">": operator.gt,
        "<": operator.lt,
        "=": operator.eq,
        "yes": lambda v, _: v >= 0.5,
        "no": lambda v, _: v < 0.5,
    }
    findings = Counter()
    indicators = {}
    stated_in_group: dict[tuple, list] = {}
    for r in ind_rows:
        ind = cset.indicator(r["indicator"])
        region = registry.region_of(r["commune_code"], r["year"])
        t = ind.threshold_for(region, r["year"]) if ind else None
        value, said = r["value"], _appraisal(r["self_assessed"])
        key = (r["year"], r["commune"], r["indicator"])
        t_usable = t is not None and (t.op == "yes" or t.value is not None)
        by_value = None
        if t_usable and value is not None:
            by_value = compare[t.op](value, t.value)
        reading = read_target(r["target_text"])
        stated = reading.target
        by_stated = None
        if stated is not None and value is not None:
            if stated.op in ("yes", "no"):
                by_stated = compare[stated.op](value, None) if value in (0.0, 1.0) else None
            elif stated.value is not None:
                by_stated = compare[stated.op](value, stated.value)
        if by_value is not None:
            met, basis = by_value, s.BASIS_THRESHOLD
            if said is not None and said != by_value:
                findings[(*key, "appraisal_vs_threshold")] += 1
        elif by_stated is not None:
            met, basis = by_stated, s.BASIS_STATED_TARGET
            if said is not None and said != by_stated:
                findings[(*key, "appraisal_vs_stated_target")] += 1
        elif said is not None:
            met, basis = said, s.BASIS_SELF_ASSESSMENT
        else:
            met, basis = None, s.BASIS_NONE
        if reading.status == "unparsed":
            findings[(*key, "target_unparsed")] += 1
        if stated is not None:
            if t_usable and (stated.op, stated.value) != (t.op, t.value):
                findings[(*key, "stated_target_vs_threshold")] += 1
            stated_in_group.setdefault((r["year"], region, r["indicator"]), []).append(
                (key, (stated.op, stated.value, stated.unit))
            )
        indicators[(r["year"], r["commune_code"], r["indicator"])] = (met, basis)
    for members in stated_in_group.values():
        counts = Counter(figure for _, figure in members)
        if len(counts) < 2:
            continue
        top = max(counts.values())
        modes = [f for f, n in counts.items() if n == top]
        for key, figure in members:
            if len(modes) > 1 or figure != modes[0]:
                findings[(*key, "stated_target_inconsistent")] += 1
    units = {(r["year"], r["commune"], r["commune_code"]) for r in covered}
    reporting = {(r["year"], r["commune_code"]) for r in ind_rows}
    criteria, communes = {}, {}
    for year, name, code in units:
        n_met = n_rep = n_bm = 0
        for c in cset.criteria:
            mets = [
                m for (y, u, i), (m, _) in indicators.items()
                if (y, u) == (year, code) and cset.indicator(i) is not None
                and cset.indicator(i).criterion == c.number
            ]  # fmt: skip
            mets += [
                indicators[(year, code, i)][0]
                for i in {
                    r["indicator"]
                    for r in ind_rows
                    if (r["year"], r["commune_code"]) == (year, code)
                }
                if cset.indicator(i) is None and i.split(".")[0] == c.number
            ]
            own = [
                r
                for r in covered
                if (r["year"], r["commune_code"], r["level"]) == (year, code, "criterion")
                and r["indicator"] == c.number
            ]
            said = _appraisal(own[0]["self_assessed"]) if own else None
            complete = len(mets) >= len(c.indicators)
            if mets and complete and (all(m is True for m in mets) or False in mets):
                met, basis = False not in mets, s.BASIS_INDICATORS
            elif mets and not complete and False in mets:
                met, basis = False, s.BASIS_INDICATORS
            elif (mets and not complete or not mets) and said is not None:
                matrix = not mets and own[0]["layout"] == s.LAYOUT_DISTRICT_MATRIX
                met, basis = said, s.BASIS_MATRIX if matrix else s.BASIS_SELF_ASSESSMENT
            else:
                met, basis = None, s.BASIS_NONE
            if mets and said is not None and all(m is True for m in mets) != said:
                findings[(year, name, c.number, "criterion_appraisal_vs_result")] += 1
            criteria[(year, code, c.number)] = (
                met,
                basis,
                len(c.indicators),
                len(mets),
                mets.count(True),
            )
            n_met += met is True
            n_rep += met is not None
            n_bm += bool(own) and own[0]["self_assessed"] == s.BASICALLY_MET
            if (year, code) in reporting:
                for i in c.indicators:
                    if (year, code, i.code) not in indicators:
                        findings[(year, name, i.code, "missing_indicator")] += 1
        status = (
            s.STATUS_NO_DATA
            if n_rep == 0
            else s.STATUS_NTM
            if n_met == len(cset.criteria)
            else s.STATUS_NOT_NTM
        )
        communes[(year, code)] = (n_met, n_bm, n_rep, len(cset.criteria), status)
    return {
        "indicators": indicators,
        "criteria": criteria,
        "communes": communes,
        "findings": findings,
    }


def _as_reference(result) -> dict:
    from collections import Counter

    def rows(frame, key, facts):
        plain = frame.astype(object).where(frame.notna(), None)
        return {tuple(r[k] for k in key): tuple(r[f] for f in facts) for _, r in plain.iterrows()}

    f = result.findings
    checks = {
        "appraisal_vs_threshold",
        "criterion_appraisal_vs_result",
        "missing_indicator",
        "appraisal_vs_stated_target",
        "stated_target_vs_threshold",
        "stated_target_inconsistent",
        "target_unparsed",
    }
    return {
        "indicators": rows(
            result.indicators, ("year", "commune_code", "indicator"), ("met", "met_basis")
        ),
        "criteria": rows(
            result.criteria,
            ("year", "commune_code", "criterion"),
            ("met", "met_basis", "indicators_expected", "indicators_reported", "indicators_met"),
        ),
        "communes": rows(
            result.communes,
            ("year", "commune_code"),
            (
                "criteria_met",
                "criteria_basically_met",
                "criteria_reported",
                "criteria_total",
                "status",
            ),
        ),
        "findings": Counter(
            (r.year, r.commune, r.subject, r.check)
            for r in f.loc[f["check"].isin(checks)].itertuples(index=False)
        ),
    }


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frame=random_records())
def test_evaluation_follows_the_rules_row_by_row(catalog, ref_registry, frame):
    result = evaluate(frame, catalog=catalog, registry=ref_registry)
    assert _as_reference(result) == reference_evaluation(frame, catalog, ref_registry)
    ind = result.indicators
    natural = [tuple(int(p) for p in str(c).split(".")) for c in ind["indicator"]]
    keys = list(zip(ind["year"], ind["commune"].astype(str), natural, strict=True))
    assert keys == sorted(keys)  # year, commune, indicator in natural order


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(
        {c: "string" for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)}
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frame=random_records())
def test_categorical_and_string_records_give_the_same_tables(catalog, ref_registry, frame):
    """Records read dictionary-encoded (any category order) evaluate like plain strings."""
    text = [c for c in frame.columns if frame[c].dtype == object]
    shuffled = frame.assign(
        **{
            c: pd.Categorical(frame[c], categories=sorted(frame[c].dropna().unique(), reverse=True))
            for c in text
        }
    )
    a = evaluate(frame.astype({c: "string" for c in text}), catalog=catalog, registry=ref_registry)
    b = evaluate(shuffled, catalog=catalog, registry=ref_registry)
    for table in (
        "indicators",
        "criteria",
        "communes",
        "district",
        "district_criteria",
        "findings",
    ):
        pd.testing.assert_frame_equal(_plain(getattr(a, table)), _plain(getattr(b, table)))


def test_text_columns_of_the_large_tables_are_categorical(catalog, registry):
    result = evaluate(records(*full_report(2023, "Xã An")), catalog=catalog, registry=registry)
    for table, column in (
        ("indicators", "commune"),
        ("indicators", "met_basis"),
        ("criteria", "criterion"),
        ("communes", "status"),
    ):
        assert isinstance(getattr(result, table)[column].dtype, pd.CategoricalDtype), (
            table,
            column,
        )
    # the criterion's source is its own record's
    row = criterion_row(result, "Xã An", "1")
    assert (row["source_file"], row["source_sheet"], row["source_row"]) == (
        "Xã An.xlsx",
        "2023",
        10,
    )


def test_records_order_is_level_year_commune_then_numeric_code():
    frame = records(
        rec(2023, "Xã Bình", "2", level="criterion"),
        rec(2023, "Xã Bình", "10.1"),
        rec(2022, "Xã Bình", "2"),
        rec(2023, "Xã An", "2.1"),
        rec(2023, "Xã Bình", "2.1"),
    )
    order = records_order(frame)
    assert order.tolist() == [2, 3, 4, 1, 0]
