"""The roadmap on the pages: timeline and budget charts (checked against the data they
draw) and the plan, resource and tracking sections on the sample with its plans."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from ntm_analysis import plots, roadmap
from ntm_analysis import schema as s
from ntm_analysis.cli import main
from ntm_analysis.errors import UsageError
from ntm_analysis.review import load_review
from ntm_analysis.sections import department as department_page
from ntm_analysis.sections import plans as sections


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


PLANS = pd.DataFrame(
    {
        "task_id": ["a", "b", "c", "d"],
        "year": [2023] * 4,
        "department": ["P"] * 4,
        "commune": ["Xã A", "Xã B", "Xã C", "Xã D"],
        "indicator": ["6.3", "15.1", "17.1", "17.2"],
        "deadline": pd.to_datetime(["2024-09-30", "2024-06-30", None, "2025-12-31"]),
        "status": pd.array([s.PLAN_DONE, s.PLAN_DELAYED, s.PLAN_DONE, pd.NA], dtype="string"),
        "budget_million_vnd": pd.array([1500.0, 350.0, None, 80.0], dtype="Float64"),
        "funding_source": ["Ngân sách huyện", "Ngân sách tỉnh", "Ngân sách huyện", "Xã hội hóa"],
    }
)


def test_timeline_draws_each_dated_task_at_its_deadline_coloured_by_status():
    ax = plots.plot_plan_timeline(PLANS, as_of=pd.Timestamp("2024-12-31"))
    by_gid = {c.get_gid(): c for c in ax.collections}
    assert set(by_gid) == {s.PLAN_DONE, s.PLAN_DELAYED, "plan_none"}
    points = {
        gid: [(mdates.num2date(x).date().isoformat(), y) for x, y in c.get_offsets()]
        for gid, c in by_gid.items()
    }
    # earliest deadline at the top (row 0); the undated task is not drawn
    assert points == {
        s.PLAN_DELAYED: [("2024-06-30", 0.0)],
        s.PLAN_DONE: [("2024-09-30", 1.0)],
        "plan_none": [("2025-12-31", 2.0)],
    }
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Xã B · 15.1",
        "Xã A · 6.3",
        "Xã D · 17.2",
    ]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Hoàn thành",
        "Chậm tiến độ",
        "Chưa có kế hoạch",
    ]
    assert ax.get_title() == "Lộ trình thực hiện nhiệm vụ"
    en = plots.plot_plan_timeline(PLANS, lang="en", ax=plt.figure().gca())
    assert en.get_xlabel() == "Deadline"


def test_timeline_by_tracking_state():
    tracked = PLANS.assign(
        tracking=[s.TRACK_CLOSED, s.TRACK_OVERDUE, s.TRACK_CLOSED, s.TRACK_ON_TIME]
    )
    ax = plots.plot_plan_timeline(tracked, hue="tracking", lang="en")
    got = {c.get_gid(): len(c.get_offsets()) for c in ax.collections}
    assert got == {s.TRACK_CLOSED: 1, s.TRACK_OVERDUE: 1, s.TRACK_ON_TIME: 1}
    assert "Open, overdue" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_budget_bars_are_the_totals_by_funding_source():
    budget = roadmap.budget_by_source(PLANS)
    ax = plots.plot_budget_by_source(budget)
    (bars,) = ax.containers
    widths = [b.get_width() for b in bars]
    assert widths == [1500.0, 350.0, 80.0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Ngân sách huyện",
        "Ngân sách tỉnh",
        "Xã hội hóa",
    ]
    assert [t.get_text() for t in ax.texts] == ["1.500", "350", "80"]
    assert np.isclose(sum(widths), PLANS["budget_million_vnd"].sum())


@pytest.fixture(scope="module")
def processed_with_plans(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw_pages")
    out = tmp_path_factory.mktemp("processed_pages")
    assert main(["sample", "--out", str(raw / "sample")]) == 0
    assert main(["clean", "--raw", str(raw), "--out", str(out), "--quiet"]) == 1
    return out


def test_district_review_2023_tracks_the_2022_plans(processed_with_plans):
    review = load_review(processed_with_plans, year=2023)
    tracked = sections.review_tracking(review)
    counts = tracked["tracking"].value_counts().to_dict()
    html = sections.district_tracking(review)
    sentence = (
        f"{counts[s.TRACK_CLOSED]} đã hoàn thành (chỉ tiêu đã đạt), "
        f"{counts[s.TRACK_OVERDUE]} chưa đạt và quá hạn, {counts[s.TRACK_ON_TIME]} chưa đạt"
    )
    assert sentence in html
    roadmap_html = sections.district_roadmap(review)
    assert "Lộ trình và nguồn lực" in roadmap_html and "Nhiệm vụ quá hạn" in roadmap_html
    overdue = tracked.loc[tracked["tracking"] == s.TRACK_OVERDUE]
    assert all(c in roadmap_html for c in overdue["commune"])
    assert roadmap_html.count("<img") >= 2  # timeline and budget


def test_plan_tables_say_whose_wording_their_indicators_carry(processed_with_plans):
    review = load_review(processed_with_plans, year=2023)
    tracked = sections.review_tracking(review)
    overdue = tracked.loc[tracked["tracking"] == s.TRACK_OVERDUE, "indicator"].astype(str)
    html = sections.district_roadmap(review)
    note = html[html.index('<p class="ntm-note">') :]
    assert "ghi theo báo cáo của xã" in note
    assert all(code in note for code in set(overdue))


def test_department_page_shows_plans_resources_and_tracking(processed_with_plans):
    review = load_review(processed_with_plans, year=2024, lang="en")
    html = sections.department_plans(review, "Health Office")
    assert "Plans and roadmap" in html and "<img" in html
    own = sections.plans_in_view(review)
    own = own.loc[own["department"] == "Health Office"]
    total = own["budget_million_vnd"].sum()
    resources = sections.department_resources(review, "Health Office")
    assert f"Total planned budget: {total:.0f} million VND" in resources
    tracking = sections.department_tracking(review, "Health Office")
    assert "Plans drawn from the 2023 data, checked against 2024" in tracking


def test_an_english_department_page_takes_the_vietnamese_name_ntm_render_passes(
    processed_with_plans,
):
    review = load_review(processed_with_plans, year=2024, lang="en")
    by_vi = sections.department_plans(review, "Phòng Y tế")
    assert by_vi == sections.department_plans(review, "Health Office")
    assert "Plans and roadmap" in by_vi
    tasks = department_page.tasks(review, "Phòng Tài nguyên – Môi trường")
    assert "Natural Resources and Environment Office: " in tasks and "Phòng" not in tasks
    assert "Health Office has no unmet indicator" in department_page.tasks(review, "Phòng Y tế")
    vi_review = load_review(processed_with_plans, year=2024, lang="vi")
    vi_tasks = department_page.tasks(vi_review, "Natural Resources and Environment Office")
    assert "Phòng Tài nguyên – Môi trường: " in vi_tasks
    with pytest.raises(UsageError, match="Phòng Không Có"):
        department_page.tasks(review, "Phòng Không Có")


def test_pages_without_any_plan_say_how_to_get_them(processed_sample_dir):
    review = load_review(processed_sample_dir, year=2024)
    assert "ntm tasks export" in sections.district_roadmap(review)
    assert "Không có kế hoạch nào lập từ số liệu năm 2023" in sections.district_tracking(review)
    assert "<img" in sections.district_bands(review)
