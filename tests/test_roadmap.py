"""The roadmap's pure functions: task ids, merging imports, tracking, district sums."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ntm_analysis import roadmap
from ntm_analysis import schema as s


def _plans(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {
        "task_id": [f"NV-2023-0{i}-6.3" for i in range(n)],
        "year": [2023] * n,
        "department": ["Phòng A"] * n,
        "commune": [f"Xã {i}" for i in range(n)],
        "indicator": ["6.3"] * n,
        "action": ["Xây nhà văn hóa"] * n,
        "officer": [pd.NA] * n,
        "deadline": [pd.NaT] * n,
        "budget_million_vnd": [pd.NA] * n,
        "funding_source": [pd.NA] * n,
        "status": [pd.NA] * n,
        "source_file": ["a.xlsx"] * n,
        "source_row": list(range(9, 9 + n)),
    }
    base.update(cols)
    frame = pd.DataFrame(base)
    return frame.astype(
        {"deadline": "datetime64[ns]", "budget_million_vnd": "Float64", "year": "Int64"}
    )


def test_task_id_is_made_from_its_keys():
    assert roadmap.task_id(2023, "06919", "Xã Đại Bình", "15.1") == "NV-2023-06919-15.1"
    assert roadmap.task_id(2023, None, "Xã Đại Bình", "15") == "NV-2023-xa-dai-binh-15"


def test_tracking_closed_overdue_on_time_and_no_deadline():
    plans = _plans(
        deadline=pd.to_datetime(["2024-06-30", "2024-06-30", "2025-06-30", None, "2024-01-31"])
    )
    indicators = pd.DataFrame(
        {
            "year": [2024] * 4 + [2023],
            "commune": ["Xã 0", "Xã 1", "Xã 2", "Xã 3", "Xã 4"],
            "indicator": ["6.3"] * 5,
            "met": pd.array([True, False, False, False, False], dtype="boolean"),
        }
    )
    tracked = roadmap.track_plans(plans, indicators, 2024)
    assert tracked["tracking"].tolist() == [
        s.TRACK_CLOSED,
        s.TRACK_OVERDUE,
        s.TRACK_ON_TIME,
        s.TRACK_NO_DEADLINE,
        s.TRACK_NO_DATA,  # Xã 4 has no 2024 result
    ]
    # an earlier reference date: the 30/6/2024 deadline has not passed yet
    early = roadmap.track_plans(plans, indicators, 2024, as_of=dt.date(2024, 3, 31))
    assert early["tracking"].tolist()[1] == s.TRACK_ON_TIME
    counts = roadmap.tracking_counts(tracked)
    assert counts.loc[0, list(s.TRACKING_STATES)].tolist() == [1, 1, 1, 1, 1]
    # plans of other years are not tracked against 2024
    assert roadmap.track_plans(plans, indicators, 2025).empty


def test_criterion_level_task_is_closed_by_its_criterion():
    plans = _plans(indicator=["17"], deadline=pd.to_datetime(["2024-06-30"]))
    criteria = pd.DataFrame(
        {
            "year": [2024],
            "commune": ["Xã 0"],
            "criterion": ["17"],
            "met": pd.array([True], dtype="boolean"),
        }
    )
    indicators = pd.DataFrame(columns=["year", "commune", "indicator", "met"])
    tracked = roadmap.track_plans(plans, indicators, 2024, criteria=criteria)
    assert tracked["tracking"].tolist() == [s.TRACK_CLOSED]


def test_merge_plans_replaces_and_lists_changes_without_touching_inputs():
    old = _plans(action=["A", "B"], budget_million_vnd=pd.array([100.0, None], dtype="Float64"))
    new = _plans(action=["A"], budget_million_vnd=pd.array([150.0], dtype="Float64"))
    new = pd.concat([new, _plans(task_id=["NV-2023-09-6.3"], action=["C"])], ignore_index=True)
    before = old.copy()
    plans, changes = roadmap.merge_plans(old, new, imported_at="t")
    pd.testing.assert_frame_equal(old, before)
    assert sorted(plans["task_id"]) == ["NV-2023-00-6.3", "NV-2023-01-6.3", "NV-2023-09-6.3"]
    assert plans.set_index("task_id").loc["NV-2023-00-6.3", "budget_million_vnd"] == 150
    got = changes[["task_id", "field", "old_value", "new_value"]].values.tolist()
    assert got == [
        ["NV-2023-00-6.3", "budget_million_vnd", "100", "150"],
        ["NV-2023-09-6.3", "plan", "", "C"],
    ]
    again, none = roadmap.merge_plans(plans, new, imported_at="t2")
    assert none.empty
    pd.testing.assert_frame_equal(again, plans)


def test_coverage_and_budget_by_source():
    tasks = pd.DataFrame(
        {"task_id": ["t1", "t2", "t3"], "department": ["Phòng A", "Phòng A", "Phòng B"]}
    )
    plans = _plans(
        task_id=["t1", "t3", "t4"],
        department=["Phòng A", "Phòng B", "Phòng B"],
        budget_million_vnd=pd.array([1500.0, 350.0, None], dtype="Float64"),
        funding_source=["Ngân sách huyện", " ngân sách  huyện", pd.NA],
    )
    cov = roadmap.plan_coverage(tasks, plans)
    assert cov.values.tolist() == [["Phòng A", 2, 1, 1], ["Phòng B", 1, 1, 0]]
    budget = roadmap.budget_by_source(plans)
    assert budget.values.tolist() == [
        ["Ngân sách huyện", pytest.approx(1850.0), 2],
        ["Chưa xác định", 0.0, 1],
    ]
