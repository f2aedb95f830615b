"""Year-over-year analysis: small frames with known answers."""

from __future__ import annotations

import math
import unicodedata
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ntm_analysis import labels as lb
from ntm_analysis import schema as s
from ntm_analysis.changes import FELL, ROSE, UNCHANGED, compare_years
from ntm_analysis.columnar import groups_of
from ntm_analysis.department_tasks import department_tasks
from ntm_analysis.district_conditions import district_conditions
from ntm_analysis.errors import UsageError
from ntm_analysis.evaluation import evaluate_communes
from ntm_analysis.lagging import lagging_criteria, lagging_indicators
from ntm_analysis.progress import RATE_CAGR, RATE_LINEAR, gap_to_target, progress_status
from ntm_analysis.responsibility import responsibility_from_frame
from ntm_analysis.standing import (
    commune_standing,
    criterion_shares,
    district_summary,
    indicator_shares,
)

SET = "qd318_2022_commune"
SET_2026 = "qd51_2025_commune"


def criteria_frame(rows) -> pd.DataFrame:
    """rows: (year, commune, criterion, met[, self_assessed[, criteria_set]])."""
    out = []
    for r in rows:
        year, commune, criterion, met = r[:4]
        out.append(
            {
                "year": year,
                "commune": commune,
                "commune_code": commune[-1],
                "criteria_set": r[5] if len(r) > 5 else SET,
                "criterion": criterion,
                "met": met,
                "met_basis": s.BASIS_INDICATORS,
                "self_assessed": r[4] if len(r) > 4 else pd.NA,
                "indicators_expected": 1,
                "indicators_reported": 1,
                "indicators_met": int(bool(met)),
                "source": "test",
            }
        )
    return pd.DataFrame(out, columns=list(s.CRITERION_COLUMNS)).astype(
        {"met": "boolean", "criteria_set": "string", "criterion": "string"}
    )


def indicators_frame(rows) -> pd.DataFrame:
    """rows: (year, commune, indicator, value, threshold, op[, met[, criteria_set]])."""
    out = []
    for r in rows:
        year, commune, code, value, threshold, op = r[:6]
        met = r[6] if len(r) > 6 else None
        if met is None and value is not None and isinstance(op, str) and op in (">=", "<="):
            met = value >= threshold if op == ">=" else value <= threshold
        out.append(
            {
                "year": year,
                "commune": commune,
                "commune_code": commune[-1],
                "criteria_set": r[7] if len(r) > 7 else SET,
                "criterion": code.split(".")[0],
                "indicator": code,
                "value": value,
                "value_text": None if value is None else str(value),
                "unit": "%",
                "target_text": None,
                "threshold": threshold,
                "threshold_op": op,
                "threshold_source": None,
                "met": met,
                "met_basis": s.BASIS_THRESHOLD,
                "self_assessed": pd.NA,
                "source": "test",
                "source_file": "f.xlsx",
                "source_sheet": "S",
                "source_row": 1,
            }
        )
    return pd.DataFrame(out, columns=list(s.INDICATOR_COLUMNS)).astype(
        {"met": "boolean", "value": "Float64", "threshold": "Float64", "threshold_op": "string"}
    )


def full_set(year, commune, n_met, total=19, criteria_set=SET):
    """A commune meeting criteria 1..n_met of a ``total``-criterion set."""
    return [(year, commune, str(k), k <= n_met, pd.NA, criteria_set) for k in range(1, total + 1)]


@pytest.fixture
def three_years():
    """A: 19, 18, 19; B: 16 in 2022, missing 2023, 14 in 2024; C appears in 2023 with 19."""
    rows = (
        full_set(2022, "Xã A", 19)
        + full_set(2023, "Xã A", 18)
        + full_set(2024, "Xã A", 19)
        + full_set(2022, "Xã B", 16)
        + full_set(2024, "Xã B", 14)
        + full_set(2023, "Xã C", 19)
        + full_set(2024, "Xã C", 19)
    )
    crit = criteria_frame(rows)
    return crit, evaluate_communes(crit)


# --------------------------------------------------------------------------- standing


def test_standing_bands_and_change_with_missing_year_and_late_commune(three_years):
    _, com = three_years
    st = commune_standing(com)
    row = st.set_index(["year", "commune"])
    assert row.loc[(2024, "Xã A"), "band"] == lb.BAND_ALL
    assert row.loc[(2022, "Xã B"), "band"] == lb.BAND_FLOOR
    assert row.loc[(2024, "Xã B"), "band"] == lb.BAND_BELOW
    # B skipped 2023: its previous year is 2022, change 14 - 16
    assert row.loc[(2024, "Xã B"), "previous_year"] == 2022
    assert row.loc[(2024, "Xã B"), "criteria_met_change"] == -2
    # C appears mid-series: no previous year
    assert pd.isna(row.loc[(2023, "Xã C"), "previous_year"])
    assert row.loc[(2023, "Xã A"), "criteria_short"] == 1


def test_standing_of_one_year_is_sorted_by_criteria_met(three_years):
    _, com = three_years
    st = commune_standing(com, 2024)
    assert st["commune"].tolist() == ["Xã A", "Xã C", "Xã B"]
    assert st["criteria_met"].tolist() == [19, 19, 14]


def test_standing_of_ten_criterion_set_has_no_floor_band():
    crit = criteria_frame(
        full_set(2026, "Xã A", 7, 10, SET_2026) + full_set(2026, "Xã B", 10, 10, SET_2026)
    )
    st = commune_standing(evaluate_communes(crit)).set_index("commune")
    assert st.loc["Xã A", "band"] == lb.BAND_NOT_ALL
    assert st.loc["Xã B", "band"] == lb.BAND_ALL
    assert st.loc["Xã B", "criteria_total"] == 10


def test_district_summary_counts_per_year(three_years):
    crit, com = three_years
    d = district_summary(com, crit).set_index("year")
    assert d["communes_total"].tolist() == [2, 2, 3]
    assert d["communes_ntm"].tolist() == [1, 1, 2]
    assert d.loc[2024, "share_ntm"] == pytest.approx(2 / 3)
    assert d.loc[2024, "communes_ntm_change"] == 1
    assert pd.isna(d.loc[2022, "communes_ntm_change"])
    assert d.loc[2024, "communes_below_floor"] == 1
    assert d.loc[2024, "mean_criteria_met"] == pytest.approx((19 + 14 + 19) / 3)
    assert d.loc[2024, "min_criteria_met"] == 14
    # 2024: criteria 1..14 met by all three communes
    assert d.loc[2024, "criteria_met_by_all"] == 14


def test_criterion_shares_count_undecided_as_not_met_and_sort_numerically():
    crit = criteria_frame(
        [
            (2024, "Xã A", "10", True),
            (2024, "Xã B", "10", None),
            (2024, "Xã A", "2", False),
            (2024, "Xã B", "2", True),
        ]
    )
    sh = criterion_shares(crit)
    assert sh["criterion"].tolist() == ["2", "10"]
    ten = sh.set_index("criterion").loc["10"]
    assert ten["share_met"] == 0.5
    assert ten["share_met_of_reported"] == 1.0
    assert ten["communes_no_data"] == 1


def test_indicator_shares_change_since_previous_year():
    ind = indicators_frame(
        [
            (2023, "Xã A", "17.1", 50.0, 60.0, ">="),
            (2023, "Xã B", "17.1", 70.0, 60.0, ">="),
            (2024, "Xã A", "17.1", 65.0, 60.0, ">="),
            (2024, "Xã B", "17.1", 70.0, 60.0, ">="),
        ]
    )
    sh = indicator_shares(ind).set_index("year")
    assert sh.loc[2023, "share_met"] == 0.5
    assert sh.loc[2024, "share_met_change"] == 0.5


# --------------------------------------------------------------------------- change


def test_compare_years_names_gained_and_lost_and_flags_drop(three_years):
    crit, com = three_years
    names = {str(k): f"TC{k}" for k in range(1, 20)}
    cmp = compare_years(crit, com, 2022, 2023, names=names)
    a = cmp.communes.set_index("commune").loc["Xã A"]
    assert a["lost"] == "19"
    assert a["lost_names"] == "19. TC19"
    assert a["gained"] == ""
    assert bool(a["dropped_below_standard"]) is True
    assert a["criteria_met_change"] == -1
    # B is absent in 2023, C is new in 2023
    b = cmp.communes.set_index("commune").loc["Xã B"]
    c = cmp.communes.set_index("commune").loc["Xã C"]
    assert not b["present_to"] and not b["dropped_below_standard"]
    assert not c["present_from"] and not c["newly_ntm"]
    cells = cmp.cells.set_index(["commune", "criterion"])["change"]
    assert cells[("Xã A", "19")] == lb.LOST
    assert cells[("Xã A", "1")] == lb.UNCHANGED_MET
    assert cells[("Xã C", "1")] == lb.NO_DATA


def test_compare_years_gained_several_in_numeric_order():
    crit = criteria_frame(
        [
            (2023, "Xã A", "10", False),
            (2023, "Xã A", "2", False),
            (2023, "Xã A", "3", False),
            (2024, "Xã A", "10", True),
            (2024, "Xã A", "2", True),
            (2024, "Xã A", "3", False),
        ]
    )
    cmp = compare_years(crit, None, 2023, 2024, names={"2": "Giao thông", "10": "Thu nhập"})
    row = cmp.communes.iloc[0]
    assert row["gained"] == "2; 10"
    assert row["gained_names"] == "2. Giao thông; 10. Thu nhập"
    assert cmp.cells.set_index("criterion").loc["3", "change"] == lb.UNCHANGED_NOT_MET


def test_compare_years_district_trend(three_years):
    crit, com = three_years
    cmp = compare_years(crit, com, 2022, 2024)
    c = cmp.criteria.set_index("criterion")
    # criterion 15: A and B met in 2022 (1.0); in 2024 A, C met, B not (2/3)
    assert c.loc["15", "share_from"] == 1.0
    assert c.loc["15", "share_to"] == pytest.approx(2 / 3)
    assert c.loc["15", "trend"] == FELL
    # criterion 17: only A met in 2022 (1/2); A and C in 2024 (2/3)
    assert c.loc["17", "trend"] == ROSE
    assert c.loc["1", "trend"] == UNCHANGED


def test_compare_years_across_criteria_sets_is_not_comparable():
    crit = criteria_frame(full_set(2025, "Xã A", 19) + full_set(2026, "Xã A", 10, 10, SET_2026))
    cmp = compare_years(crit, None, 2025, 2026)
    assert set(cmp.cells.loc[cmp.cells["criterion"].isin(["1", "5"]), "change"]) == {
        lb.NOT_COMPARABLE
    }
    assert not cmp.criteria["comparable"].any()


# --------------------------------------------------------------------------- gaps


def test_gap_to_target_in_own_unit_and_direction():
    ind = indicators_frame(
        [
            (2024, "Xã A", "15.1", 88.2, 95.0, ">="),
            (2024, "Xã A", "11", 3.1, 2.0, "<="),
            (2024, "Xã B", "11", 1.5, 2.0, "<="),
            (2024, "Xã B", "15.1", None, 95.0, ">="),
            (2024, "Xã B", "17.1", 70.0, None, pd.NA),  # threshold not set
            (2024, "Xã B", "3.2", 1.0, None, "yes", True),
            (2023, "Xã A", "15.1", 80.0, 95.0, ">="),
        ]
    )
    gaps = gap_to_target(ind, 2024).set_index(["commune", "indicator"])
    assert gaps.loc[("Xã A", "15.1"), "gap"] == pytest.approx(6.8)
    assert gaps.loc[("Xã A", "11"), "gap"] == pytest.approx(1.1)
    assert gaps.loc[("Xã A", "11"), "direction"] == "lower"
    assert gaps.loc[("Xã B", "11"), "gap"] == pytest.approx(-0.5)
    assert gaps.loc[("Xã B", "11"), "shortfall"] == 0
    assert pd.isna(gaps.loc[("Xã B", "15.1"), "gap"])
    assert ("Xã B", "17.1") not in gaps.index
    assert ("Xã B", "3.2") not in gaps.index
    assert len(gaps) == 4


# --------------------------------------------------------------------------- progress


def series(commune, code, points, threshold, op, criteria_set=SET):
    return [(y, commune, code, v, threshold, op, None, criteria_set) for y, v in points]


def progress_of(rows, **kws):
    kws.setdefault("target_year", 2025)
    return progress_status(indicators_frame(rows), **kws).set_index(["commune", "indicator"])


def test_progress_with_target_higher_is_better_exports_inputs():
    p = progress_of(series("Xã A", "15.1", [(2021, 80.0), (2024, 88.2)], 95.0, ">=")).iloc[0]
    observed = (88.2 / 80) ** (1 / 3) - 1
    required = (95 / 80) ** (1 / 4) - 1
    assert (p["base_year"], p["base_value"], p["current_year"], p["current_value"]) == (
        2021,
        80.0,
        2024,
        88.2,
    )
    assert p["target"] == 95.0 and p["target_year"] == 2025 and p["n_years"] == 2
    assert p["rate_method"] == RATE_CAGR
    assert p["observed_rate"] == pytest.approx(observed)
    assert p["required_rate"] == pytest.approx(required)
    assert p["ratio"] == pytest.approx(observed / required)
    assert p["ratio"] == pytest.approx(0.7531, abs=1e-4)
    assert p["status"] == lb.PROGRESS_MODERATE
    years = math.log(95 / 88.2) / math.log(1 + observed)  # 2.3 years at this pace
    assert p["projected_year"] == 2024 + math.ceil(years) == 2027
    assert p["projected_value"] == pytest.approx(88.2 * (1 + observed))
    assert p["outlook"] == lb.OUTLOOK_OFF_TRACK


def test_progress_ratio_bands():
    # required: 80 -> 95 over 4 years; observed chosen for ratios ~0.7 and ~0.3
    req = (95 / 80) ** (1 / 4) - 1
    moderate = 80 * (1 + 0.7 * req) ** 3
    limited = 80 * (1 + 0.3 * req) ** 3
    rows = series("Xã A", "15.1", [(2021, 80.0), (2024, moderate)], 95.0, ">=") + series(
        "Xã B", "15.1", [(2021, 80.0), (2024, limited)], 95.0, ">="
    )
    p = progress_of(rows)
    assert p.loc[("Xã A", "15.1"), "ratio"] == pytest.approx(0.7)
    assert p.loc[("Xã A", "15.1"), "status"] == lb.PROGRESS_MODERATE
    assert p.loc[("Xã B", "15.1"), "status"] == lb.PROGRESS_LIMITED
    assert p.loc[("Xã B", "15.1"), "outlook"] == lb.OUTLOOK_OFF_TRACK


def test_progress_lower_is_better_improving_and_worsening():
    rows = series("Xã A", "11", [(2021, 5.0), (2022, 4.0), (2023, 3.1)], 2.0, "<=") + series(
        "Xã B", "11", [(2021, 3.0), (2023, 3.5)], 2.0, "<="
    )
    p = progress_of(rows)
    a, b = p.loc[("Xã A", "11")], p.loc[("Xã B", "11")]
    assert a["direction"] == "lower"
    assert a["observed_rate"] < 0 and a["required_rate"] < 0
    assert a["ratio"] == pytest.approx(((3.1 / 5) ** 0.5 - 1) / ((2 / 5) ** 0.25 - 1))
    assert a["status"] == lb.PROGRESS_SUBSTANTIAL
    assert a["n_years"] == 3
    assert b["status"] == lb.PROGRESS_DETERIORATION
    assert pd.isna(b["projected_year"])
    assert b["outlook"] == lb.OUTLOOK_OFF_TRACK


def test_progress_target_achieved_needs_one_point_and_not_enough_data_otherwise():
    rows = series("Xã A", "15.1", [(2024, 96.0)], 95.0, ">=") + series(
        "Xã B", "15.1", [(2024, 90.0)], 95.0, ">="
    )
    p = progress_of(rows)
    assert p.loc[("Xã A", "15.1"), "status"] == lb.PROGRESS_ACHIEVED
    assert p.loc[("Xã A", "15.1"), "outlook"] == lb.OUTLOOK_ACHIEVED
    assert p.loc[("Xã A", "15.1"), "projected_year"] == 2024
    assert p.loc[("Xã B", "15.1"), "status"] == lb.PROGRESS_NOT_ENOUGH_DATA
    assert p.loc[("Xã B", "15.1"), "outlook"] == lb.OUTLOOK_UNKNOWN


def test_progress_missing_values_and_years_are_skipped():
    rows = series("Xã A", "15.1", [(2021, None), (2022, 80.0), (2024, 84.0)], 95.0, ">=")
    p = progress_of(rows).iloc[0]
    assert (p["base_year"], p["current_year"], p["n_years"]) == (2022, 2024, 2)
    assert p["observed_rate"] == pytest.approx((84 / 80) ** 0.5 - 1)


def test_progress_up_to_a_year_ignores_later_values():
    rows = series("Xã A", "15.1", [(2021, 80.0), (2022, 82.0), (2023, 99.0)], 95.0, ">=")
    p = progress_of(rows, year=2022).iloc[0]
    assert p["current_year"] == 2022 and p["status"] != lb.PROGRESS_ACHIEVED


def test_progress_zero_base_uses_linear_rates():
    rows = series("Xã A", "8.1", [(2021, 0.0), (2023, 40.0)], 50.0, ">=")
    p = progress_of(rows).iloc[0]
    assert p["rate_method"] == RATE_LINEAR
    assert p["observed_rate"] == 20.0
    assert p["required_rate"] == 12.5
    assert p["ratio"] == 1.6
    assert p["status"] == lb.PROGRESS_SUBSTANTIAL
    assert p["projected_year"] == 2024
    assert p["projected_value"] == 80.0
    assert p["outlook"] == lb.OUTLOOK_ON_TRACK


def test_progress_poverty_reaching_zero_is_achieved():
    p = progress_of(series("Xã A", "11", [(2021, 4.0), (2023, 0.0)], 2.0, "<=")).iloc[0]
    assert p["status"] == lb.PROGRESS_ACHIEVED
    assert p["rate_method"] == RATE_LINEAR


def test_progress_without_threshold_uses_growth_rate_and_catalog_direction():
    # (below 100: a percentage at 100 is at its best value, which counts as achieved)
    rows = series("Xã A", "10", [(2023, 50.0), (2024, 51.0)], None, pd.NA) + series(
        "Xã A", "11", [(2023, 50.0), (2024, 51.0)], None, pd.NA
    )
    fake = SimpleNamespace(
        get=lambda set_id: SimpleNamespace(
            target_year=2025,
            indicator=lambda code: SimpleNamespace(
                kind="percent", direction="lower" if code == "11" else "higher"
            ),
        )
    )
    p = progress_status(indicators_frame(rows), catalog=fake).set_index("indicator")
    assert p.loc["10", "status"] == lb.PROGRESS_SUBSTANTIAL  # +2 %/yr >= 1.5 %
    assert p.loc["11", "status"] == lb.PROGRESS_DETERIORATION  # lower is better, it rose
    assert pd.isna(p.loc["10", "ratio"])
    assert p.loc["10", "target_year"] == 2025
    assert p.loc["10", "outlook"] == lb.OUTLOOK_UNKNOWN


def test_progress_leaves_out_yes_no_indicators():
    rows = series("Xã A", "3.2", [(2023, 0.0), (2024, 1.0)], None, "yes")
    assert progress_status(indicators_frame(rows), target_year=2025).empty


def test_progress_target_year_per_set_or_error():
    rows = series("Xã A", "15.1", [(2021, 80.0), (2024, 88.0)], 95.0, ">=")
    ind = indicators_frame(rows)
    p = progress_status(ind, target_year={SET: 2030})
    assert p["target_year"].tolist() == [2030]
    with pytest.raises(UsageError, match="target year"):
        progress_status(ind)


def test_analysis_does_not_mutate_inputs(three_years):
    crit, com = three_years
    ind = indicators_frame(series("Xã A", "15.1", [(2021, 80.0), (2024, 88.0)], 95.0, ">="))
    before = (crit.copy(), com.copy(), ind.copy())
    commune_standing(com)
    district_summary(com, crit)
    compare_years(crit, com, 2022, 2024)
    gap_to_target(ind)
    progress_status(ind, target_year=2025)
    lagging_criteria(crit, ind, 2024)
    pd.testing.assert_frame_equal(crit, before[0])
    pd.testing.assert_frame_equal(com, before[1])
    pd.testing.assert_frame_equal(ind, before[2])


# --------------------------------------------------------------------------- lagging & tasks


def test_lagging_criteria_ranked_with_indicators_behind():
    crit = criteria_frame(
        [
            (2024, "Xã A", "17", False),
            (2024, "Xã B", "17", False),
            (2024, "Xã C", "17", True),
            (2024, "Xã A", "2", False),
            (2024, "Xã B", "2", None),
            (2024, "Xã C", "2", True),
            (2024, "Xã A", "5", True),
            (2024, "Xã B", "5", True),
            (2024, "Xã C", "5", True),
        ]
    )
    ind = indicators_frame(
        [
            (2024, "Xã A", "17.1", 50.0, 60.0, ">="),
            (2024, "Xã B", "17.1", 55.0, 60.0, ">="),
            (2024, "Xã A", "17.5", 1.0, 0.0, "<="),
            (2024, "Xã C", "17.5", 0.0, 0.0, "<="),
            (2024, "Xã A", "2.1", 10.0, 80.0, ">="),
        ]
    )
    lag = lagging_criteria(crit, ind, 2024, names={"17": "Môi trường"})
    assert lag["criterion"].tolist() == ["2", "17", "5"]
    assert lag["rank"].tolist() == [1, 1, 3]
    row = lag.set_index("criterion").loc["17"]
    assert row["communes_short"] == 2
    assert row["criterion_name"] == "Môi trường"
    assert row["indicators_behind"] == "17.1 (2); 17.5 (1)"
    assert row["communes_short_names"] == "Xã A; Xã B"
    assert lag.set_index("criterion").loc["2", "communes_no_data"] == 1
    assert not lag.set_index("criterion").loc["5", "lagging"]


def test_department_tasks_owner_gap_progress_and_roadmap():
    ind = indicators_frame(
        [
            (2023, "Xã A", "15.1", 85.0, 95.0, ">="),
            (2024, "Xã A", "15.1", 88.2, 95.0, ">="),
            (2024, "Xã A", "17.1", 50.0, 60.0, ">="),
            (2024, "Xã A", "3.2", 0.0, None, "yes", False),
            (2024, "Xã A", "19.1", 0.0, None, "yes", False),
            (2024, "Xã B", "17.1", 70.0, 60.0, ">="),
        ]
    )
    mapping = responsibility_from_frame(
        pd.DataFrame(
            {
                "criteria_set": ["", "", "", ""],
                "level": ["criterion", "indicator", "indicator", "criterion"],
                "code": ["15", "15.1", "15.1", "17"],
                "department_id": ["y_te", "y_te", "bhxh", "tn_mt"],
                "department_vi": ["", "", "", ""],
                "department_en": ["", "", "", ""],
                "note": ["", "", "", ""],
            }
        )
    )
    progress = progress_status(ind, year=2024, target_year=2025)
    tasks = department_tasks(ind, progress, mapping, 2024)
    assert len(tasks) == 5  # 15.1 twice (two departments), 17.1, 3.2, 19.1 (unassigned)
    t = tasks.set_index(["department_id", "indicator"])
    assert t.loc[("bhxh", "15.1"), "gap"] == pytest.approx(6.8)
    assert t.loc[("bhxh", "15.1"), "department"] == "BHXH huyện"
    assert t.loc[("y_te", "15.1"), "progress_status"] == progress["status"].iloc[0]
    assert t.loc[("tn_mt", "17.1"), "commune"] == "Xã A"
    assert t.loc[("tn_mt", "17.1"), "target_year"] == 2025
    assert pd.isna(t.loc[("tn_mt", "17.1"), "progress_status"]) is False
    unassigned = tasks.loc[tasks["department_id"].isna()]
    assert set(unassigned["indicator"]) == {"3.2", "19.1"}
    assert set(unassigned["department"]) == {"Chưa phân công"}
    assert unassigned["target_year"].tolist() == [2025, 2025]


# --------------------------------------------------------------------------- district


def test_district_conditions_cannot_decide_without_advanced_data(three_years):
    crit = criteria_frame(full_set(2024, "Xã A", 19) + full_set(2024, "Xã C", 19))
    cond = district_conditions(evaluate_communes(crit)).set_index("condition")
    assert cond.loc["all_communes_ntm", "result"] == lb.CONDITION_MET
    assert cond.loc["all_communes_ntm", "observed"] == "2/2"
    assert cond.loc["advanced_share", "result"] == lb.CONDITION_CANNOT_DECIDE
    assert cond.loc["advanced_share", "reason"] == "Không có số liệu xã NTM nâng cao"
    assert cond.loc["district_ntm", "result"] == lb.CONDITION_CANNOT_DECIDE


def test_district_conditions_decided_when_all_data_given(three_years):
    crit = criteria_frame(full_set(2024, "Xã A", 19) + full_set(2024, "Xã C", 19))
    com = evaluate_communes(crit)
    advanced = com.assign(status=[s.STATUS_NTM, s.STATUS_NOT_NTM])
    dcrit = pd.DataFrame({"year": [2024] * 9, "criterion": list("123456789"), "met": [True] * 9})
    cond = district_conditions(
        com,
        advanced=advanced,
        towns_civilised=True,
        satisfaction=92,
        district_criteria=dcrit,
        lang="en",
    ).set_index("condition")
    assert cond.loc["advanced_share", "observed"] == "1/2 (50%)"
    assert cond.loc["satisfaction", "result"] == lb.CONDITION_MET
    assert cond.loc["district_ntm", "result"] == lb.CONDITION_MET
    assert cond.loc["district_ntm", "result_label"] == "Met"


def test_district_conditions_not_met_when_a_commune_is_below(three_years):
    _, com = three_years
    cond = district_conditions(com, year=2024).set_index("condition")
    assert cond.loc["all_communes_ntm", "result"] == lb.CONDITION_NOT_MET
    assert cond.loc["all_communes_ntm", "observed"] == "2/3"
    assert cond.loc["district_ntm", "result"] == lb.CONDITION_NOT_MET


def test_province_scale_ten_criteria_runs_without_assuming_nineteen():
    rows = []
    for i in range(150):
        for year in (2026, 2027):
            rows += full_set(year, f"Xã {i:03d}", (i + year) % 11, 10, SET_2026)
    crit = criteria_frame(rows).assign(commune_code=lambda d: d["commune"])
    com = evaluate_communes(crit)
    d = district_summary(com, crit)
    assert d["criteria_total"].tolist() == [10, 10]
    assert d["communes_total"].tolist() == [150, 150]
    cmp = compare_years(crit, com, 2026, 2027)
    assert len(cmp.communes) == 150 and len(cmp.cells) == 1500
    lag = lagging_criteria(crit, None, 2027)
    assert len(lag) == 10


def test_department_tasks_add_unmet_criteria_without_indicators_and_catalog_texts():
    ind = indicators_frame([(2024, "Xã A", "17.1", 50.0, 60.0, ">=")])
    crit = criteria_frame(
        [
            (2024, "Xã A", "17", False),  # covered by its indicator 17.1
            (2024, "Xã B", "2", False),  # matrix mark only: a criterion-level task
            (2024, "Xã B", "5", True),
        ]
    )
    mapping = responsibility_from_frame(
        pd.DataFrame(
            {
                "level": ["criterion", "criterion"],
                "code": ["2", "17"],
                "department_id": ["kt_ht", "tn_mt"],
            }
        )  # fmt: skip
    )
    fake = SimpleNamespace(
        get=lambda set_id: SimpleNamespace(
            criterion=lambda n: SimpleNamespace(name=lambda lang: f"TC {n} {lang}"),
            indicator=lambda c: SimpleNamespace(text=lambda lang: f"CT {c}") if "." in c else None,
        )
    )
    tasks = department_tasks(
        ind, None, mapping, 2024, criteria=crit, target_year=2025, catalog=fake, lang="en"
    )
    t = tasks.set_index("commune")
    assert len(tasks) == 2
    assert t.loc["Xã B", "task_level"] == "criterion"
    assert t.loc["Xã B", "indicator"] == "2"
    assert t.loc["Xã B", "department"] == "Economy and Infrastructure Office"
    assert t.loc["Xã B", "criterion_name"] == "TC 2 en"
    assert pd.isna(t.loc["Xã B", "indicator_text"])
    assert t.loc["Xã A", "indicator_text"] == "CT 17.1"
    assert t.loc["Xã A", "gap"] == 10.0
    assert t.loc["Xã B", "target_year"] == 2025


def test_communes_sort_in_vietnamese_order():
    rows = [(2024, name, "1", True) for name in ["Xã Đầm Hà", "Xã Tân Bình", "Xã Dực Yên"]]
    crit = criteria_frame(rows).assign(commune_code=["1", "2", "3"])
    st = commune_standing(evaluate_communes(crit))
    assert st["commune"].tolist() == ["Xã Dực Yên", "Xã Đầm Hà", "Xã Tân Bình"]


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
def test_vietnamese_sort_key_strips_marks_like_nfd_of_the_whole_text(text):
    # the key folds case, puts "đ" after "d" and drops combining marks character by
    # character; that must equal dropping them from the NFD form of the whole text
    folded = text.casefold().replace("đ", "d\uffff")
    nfd = unicodedata.normalize("NFD", folded)
    expected = "".join(c for c in nfd if not unicodedata.combining(c))
    assert lb.vi_sort_key(text) == (expected, text)


@settings(max_examples=40, deadline=None)
@given(
    value=st.floats(0, 1000, allow_nan=False),
    threshold=st.floats(0, 1000, allow_nan=False),
    op=st.sampled_from([">=", "<="]),
)
def test_gap_is_positive_exactly_when_the_value_misses_the_threshold(value, threshold, op):
    ind = indicators_frame([(2024, "Xã A", "15.1", value, threshold, op)])
    gap = gap_to_target(ind)["gap"].iloc[0]
    met = value >= threshold if op == ">=" else value <= threshold
    assert (gap > 0) == (not met) or abs(value - threshold) < 1e-9
    assert abs(gap) == pytest.approx(abs(value - threshold), abs=1e-6)


# --------------------------------------------------------------------------- text dtypes
#
# evaluate() gives categorical text columns; tables read back from disk give strings. Every
# public function must give the same rows, in the same order, with the same values for
# both, whatever the order of the categories.


def _as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns (categorical, str or object) as the nullable "string" dtype."""
    text = [
        c
        for c in frame.columns
        if isinstance(frame[c].dtype, (pd.CategoricalDtype, pd.StringDtype))
        or frame[c].dtype == object
    ]
    return frame.astype(dict.fromkeys(text, "string"))


def _as_categories(frame: pd.DataFrame, *, reverse: bool = False) -> pd.DataFrame:
    """Text columns as categoricals; with ``reverse``, categories in reverse sorted order."""
    out = {}
    for c in frame.columns:
        if isinstance(frame[c].dtype, pd.StringDtype) or frame[c].dtype == object:
            values = sorted(frame[c].dropna().unique(), reverse=reverse)
            out[c] = pd.Categorical(frame[c], categories=pd.Index(values, dtype="str"))
    return frame.assign(**out)


@pytest.fixture
def awkward_evaluation():
    """Two communes named alike (codes 1 and 2), a code reused under a new name (3), a
    commune missing a year, undecided criteria, a second criteria set in the last year,
    rows in no particular order."""
    rows = (
        full_set(2023, "Xã Tân An", 15)
        + full_set(2024, "Xã Tân An", 17)
        + full_set(2025, "Xã Tân An", 19)
        + full_set(2023, "Xã Đông", 19)
        + full_set(2025, "Xã Đông", 12)
        + full_set(2024, "Xã Bắc", 16)
        + full_set(2025, "Xã Bắc", 10, 10, SET_2026)
    )
    crit = criteria_frame(rows)
    codes = {"Xã Tân An": "1", "Xã Đông": "4", "Xã Bắc": "5"}
    crit = crit.assign(commune_code=crit["commune"].map(codes))
    twin = crit.loc[crit["commune"] == "Xã Tân An"].assign(commune_code="2")
    twin = twin.assign(met=twin["met"].where(twin["criterion"] != "7"))  # undecided
    reused = crit.loc[crit["commune"] == "Xã Đông"].assign(commune_code="1", commune="Xã Mới")
    crit = pd.concat([crit, twin, reused], ignore_index=True).sample(frac=1, random_state=7)
    crit = _as_strings(crit.reset_index(drop=True))
    ind = indicators_frame(
        [
            (year, name, code, value + (year - 2023) * step, threshold, op)
            for year in (2023, 2024, 2025)
            for name in ("Xã Tân An", "Xã Đông", "Xã Bắc")
            for code, value, step, threshold, op in [
                ("15.1", 80.0, 4.0, 95.0, ">="),
                ("11", 5.0, -1.0, 2.0, "<="),
                ("17.2", 40.0, 10.0, None, pd.NA),
                ("3.2", 1.0, 0.0, None, "yes"),
            ]
        ]
    )
    ind = ind.assign(commune_code=ind["commune"].map(codes))
    ind = pd.concat([ind, ind.assign(commune_code="2")], ignore_index=True)
    ind = _as_strings(ind.sample(frac=1, random_state=3).reset_index(drop=True))
    com = _as_strings(evaluate_communes(crit))
    return ind, crit, com


def _run_every_function(ind, crit, com):
    mapping = responsibility_from_frame(
        pd.DataFrame(
            {
                "level": ["criterion", "indicator"],
                "code": ["15", "11"],
                "department_id": ["y_te", "kt_ht"],
            }
        )  # fmt: skip
    )
    names = {str(k): f"Tiêu chí {k}" for k in range(1, 20)}
    progress = progress_status(ind, target_year={SET: 2025, SET_2026: 2030})
    cmp = compare_years(crit, com, 2024, 2025, names=names)
    by_district = {"district": lambda d: d["commune_code"].astype("string").isin(["1", "2"])}
    return {
        "standing": commune_standing(com),
        "standing_2025": commune_standing(com, 2025),
        "summary": district_summary(com, crit),
        "summary_by": district_summary(
            com.assign(**by_district), crit.assign(**by_district), by="district"
        ),
        "criterion_shares": criterion_shares(crit),
        "indicator_shares": indicator_shares(ind),
        "compare_communes": cmp.communes,
        "compare_cells": cmp.cells,
        "compare_criteria": cmp.criteria,
        "compare_rolled_up": compare_years(crit, None, 2023, 2025).communes,
        "gap": gap_to_target(ind),
        "progress": progress,
        "progress_2024": progress_status(ind, year=2024, target_year=2025),
        "lagging": lagging_criteria(crit, ind, 2025, names=names),
        "lagging_without_indicators": lagging_criteria(crit, None, 2024),
        "lagging_indicators": lagging_indicators(ind, 2025),
        "tasks": department_tasks(ind, progress, mapping, 2025, criteria=crit),
        "conditions": district_conditions(com, year=2025, satisfaction=0.95),
    }


@pytest.mark.parametrize("reverse", [False, True], ids=["categories", "reversed_categories"])
def test_every_function_gives_the_same_result_for_categorical_and_string_text(
    awkward_evaluation, reverse
):
    ind, crit, com = awkward_evaluation
    expected = _run_every_function(ind, crit, com)
    got = _run_every_function(
        _as_categories(ind, reverse=reverse),
        _as_categories(crit, reverse=reverse),
        _as_categories(com, reverse=reverse),
    )
    for name, frame in expected.items():
        assert len(frame), name  # the fixture exercises every function
        pd.testing.assert_frame_equal(_as_strings(got[name]), _as_strings(frame), obj=name)


def test_department_tasks_are_the_same_table_for_categorical_and_string_text(
    awkward_evaluation,
):
    # the tasks mix indicators, criteria and progress: their text columns are strings
    expected = _run_every_function(*awkward_evaluation)["tasks"]
    got = _run_every_function(*(_as_categories(f) for f in awkward_evaluation))["tasks"]
    pd.testing.assert_frame_equal(got, expected)
    assert isinstance(got["indicator"].dtype, pd.StringDtype)


def test_categorical_text_sorts_by_value_not_by_category_order(awkward_evaluation):
    _, crit, com = (_as_categories(f, reverse=True) for f in awkward_evaluation)
    st = commune_standing(com, 2023)
    # most criteria met first, then the Vietnamese order of names, then the code
    assert list(zip(st["commune"], st["commune_code"], strict=True)) == [
        ("Xã Đông", "4"),
        ("Xã Mới", "1"),
        ("Xã Tân An", "1"),
        ("Xã Tân An", "2"),
    ]
    cells = compare_years(crit, com, 2024, 2025).cells
    tan_an = cells.loc[cells["commune"] == "Xã Tân An"]
    assert tan_an["criterion"].astype(str).tolist()[:4] == ["1", "1", "2", "2"]
    assert tan_an["commune_code"].astype(str).tolist()[:4] == ["1", "2", "1", "2"]
    lag = lagging_criteria(crit, None, 2024)
    assert lag.loc[lag["criterion"] == "19", "communes_short_names"].item() == (
        "Xã Bắc; Xã Tân An; Xã Tân An"
    )


def test_grouping_on_codes_matches_pandas_groupby():
    # many distinct values, so that the dense, hashed and skipped-column paths all run
    rng = np.random.default_rng(0)
    n = 3000
    code = rng.integers(0, 2500, n)
    frame = pd.DataFrame(
        {
            "code": pd.Series(code.astype(str), dtype="string"),
            "name": pd.Series([f"Xã {c % 2400}" for c in code], dtype="category"),
            "other": rng.integers(0, 3000, n),
            "small": pd.Series(rng.choice(["a", "b", None], n), dtype="string"),
        }
    )
    for keys in (["code", "name"], ["small", "code"], ["code", "other", "small"]):
        group, first = groups_of(frame, keys)
        expected = frame.groupby(keys, dropna=False, observed=True, sort=False).ngroup()
        # the same partition of the rows (the numbering may differ)
        assert pd.crosstab(group, expected.to_numpy()).gt(0).sum(axis=1).eq(1).all()
        assert len(first) == expected.nunique()
        assert (group[first] == np.arange(len(first))).all()
