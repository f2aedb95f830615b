"""The sample's filled plan workbooks: written by `ntm sample`, imported by `ntm clean`."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_analysis import config, roadmap
from ntm_analysis import schema as s
from ntm_analysis.cli import main
from ntm_analysis.pipeline import load_processed
from ntm_analysis.sample_plans import PLAN_YEARS, UNREADABLE_DEADLINE
from ntm_analysis.task_workbooks import read_plans


@pytest.fixture(scope="module")
def sample_with_plans(tmp_path_factory):
    """`ntm sample` then `ntm clean` of it, as `make report` runs them."""
    raw = tmp_path_factory.mktemp("raw_plans")
    out = tmp_path_factory.mktemp("processed_plans")
    assert main(["sample", "--out", str(raw / "sample")]) == 0
    assert main(["clean", "--raw", str(raw), "--out", str(out), "--quiet"]) == 1
    return raw, out


def test_sample_ships_one_filled_workbook_per_department_and_year(sample_with_plans):
    raw, _ = sample_with_plans
    names = sorted(p.name for p in (raw / "sample" / config.PLANS_FOLDER).iterdir())
    assert names[0] == "MAU-synthetic_nhiem-vu-2022_bhxh-huyen.xlsx"
    assert {n.split("_")[1] for n in names} == {f"nhiem-vu-{y}" for y in PLAN_YEARS}
    assert not any("tong-hop" in n for n in names)


def test_clean_imports_the_sample_plans_and_rejects_the_one_unreadable_deadline(
    sample_with_plans,
):
    _, out = sample_with_plans
    plans = read_plans(out)
    assert set(plans["year"]) == set(PLAN_YEARS)
    assert plans["deadline"].notna().sum() == len(plans) - 1
    assert plans["budget_million_vnd"].notna().all()
    rejects = pd.read_csv(out / config.PLAN_REJECTS_FILE, encoding="utf-8-sig", dtype=str)
    assert rejects[["raw_value", "reason"]].values.tolist() == [
        [UNREADABLE_DEADLINE, "unreadable_deadline"]
    ]
    # the commune-report clean did not read the plan workbooks
    report = load_processed(out).ingest_report
    assert not any("nhiem-vu" in f["file"] for f in report["files"] if f["status"] == "read")


def test_the_sample_story_shows_every_kind_of_tracking(sample_with_plans):
    _, out = sample_with_plans
    data = load_processed(out)
    plans = read_plans(out)
    tracked = roadmap.track_plans(plans, data.indicators, 2023, criteria=data.criteria)
    assert {s.TRACK_CLOSED, s.TRACK_OVERDUE, s.TRACK_ON_TIME} <= set(tracked["tracking"])
    later = roadmap.track_plans(plans, data.indicators, 2024, criteria=data.criteria)
    assert len(later) == (plans["year"] == 2023).sum() > 0
