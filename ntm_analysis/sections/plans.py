"""Sections on the roadmap: the plans departments sent back, their resources and tracking.

Each function returns HTML for a notebook to display, like the other page
sections. The plans are ``plans.parquet`` of the processed folder
(``ntm tasks import`` or ``ntm clean`` writes it); a page "sees" the plans of
the tasks of its year and of the year before, and tracks the latter against
its year's data (:func:`ntm_analysis.roadmap.track_plans`).
"""

from __future__ import annotations

import html

import pandas as pd

from .. import labels as lb
from .. import plots, roadmap
from .. import schema as s
from ..lagging import lagging_indicators
from ..progress import gap_to_target
from ..review import Review
from ..task_workbooks import read_plans
from .department import _department
from .markup import chart, format_number, paragraphs, phrase, table_html
from .shared import wording_note

#: Indicator trajectories the district review draws at most.
MAX_TRAJECTORIES = 4
#: Plan rows a table shows at most.
MAX_PLAN_ROWS = 60


def _heading(key: str, lang: str, *, level: int = 2) -> str:
    anchor = key.replace("_", "-")
    return f'<h{level} id="{anchor}">{html.escape(lb.section_title(key, lang))}</h{level}>'


def _table(frame: pd.DataFrame, lang: str) -> str:
    renamed = frame.rename(
        columns=lb.column_headings(frame.columns, lang, table=lb.PLAN_COLUMN_HEADINGS)
    )
    return table_html(renamed, lang, max_rows=MAX_PLAN_ROWS)


# ------------------------------------------------------------------------------ data


def _in_lang(review: Review, frame: pd.DataFrame) -> pd.DataFrame:
    """Department names (stored in Vietnamese) in the review's language."""
    if review.lang != "en" or frame.empty:
        return frame
    names = roadmap.department_names(review.mapping)
    return frame.assign(department=frame["department"].map(lambda d: names.get(d, d)))


def review_plans(review: Review) -> pd.DataFrame:
    """Every plan imported so far (department names in the review's language)."""
    return review.cached("plans", lambda: _in_lang(review, read_plans(review.data.path)))


def plans_in_view(review: Review) -> pd.DataFrame:
    """The plans of the tasks of the review's year and of the year before."""
    plans = review_plans(review)
    return plans.loc[plans["year"].isin([review.year - 1, review.year])]


def review_tasks(review: Review) -> pd.DataFrame:
    """The year's tasks with their ids (:func:`ntm_analysis.roadmap.workbook_tasks`)."""

    def compute():
        tasks = roadmap.workbook_tasks(
            review.indicators, review.criteria, review.mapping, review.year, catalog=review.catalog
        )
        return _in_lang(review, tasks)

    return review.cached("workbook_tasks", compute)


def review_tracking(review: Review) -> pd.DataFrame:
    """The plans of the year before, tracked against the review's year."""
    return review.cached(
        "plan_tracking",
        lambda: roadmap.track_plans(
            review_plans(review), review.indicators, review.year, criteria=review.criteria
        ),
    )


def _plan_rows(review: Review, plans: pd.DataFrame, *, with_department: bool) -> pd.DataFrame:
    lang = review.lang
    rows = plans.sort_values(
        ["deadline", "commune", "indicator"], kind="stable", na_position="last"
    )
    out = pd.DataFrame(
        {
            "department": rows["department"],
            "commune": rows["commune"],
            "indicator": [review.indicator_label(c) for c in rows["indicator"]],
            "action": rows["action"],
            "officer": rows["officer"],
            "deadline": [
                "–" if pd.isna(d) else pd.Timestamp(d).strftime("%d/%m/%Y")
                for d in rows["deadline"]
            ],
            "budget_million_vnd": rows["budget_million_vnd"].astype("Float64").astype(float),
            "funding_source": rows["funding_source"],
            "status": roadmap.plan_status_labels(rows["status"], lang),
        }
    )
    if "tracking" in rows:
        out = out.assign(tracking=[lb.label(t, lang) for t in rows["tracking"]])
    return out if with_department else out.drop(columns="department")


def _timeline(review: Review, plans: pd.DataFrame, *, hue: str = "status") -> str:
    if plans["deadline"].notna().sum() == 0:
        return ""
    lang = review.lang
    return chart(
        lambda ax: plots.plot_plan_timeline(
            plans, hue=hue, as_of=pd.Timestamp(review.year, 12, 31), lang=lang, ax=ax
        ),
        alt=lb.label("title_plan_timeline", lang),
        size="a4",
    )


def _budget(review: Review, plans: pd.DataFrame) -> list[str]:
    lang = review.lang
    budget = roadmap.budget_by_source(plans)
    total = budget["budget_million_vnd"].astype("Float64").sum()
    if not len(budget) or not total:
        return [paragraphs([phrase("no_budget", lang)])]
    parts = [
        paragraphs(
            [phrase("budget_total", lang, total=format_number(total, lang, 0), sources=len(budget))]
        ),
        chart(
            lambda ax: plots.plot_budget_by_source(budget, lang=lang, ax=ax),
            alt=lb.label("title_budget_by_source", lang),
            size="a4",
        ),
        _table(budget.assign(budget_million_vnd=budget["budget_million_vnd"].astype(float)), lang),
    ]
    return parts


# ------------------------------------------------------------------------ department


def department_plans(review: Review, department: str) -> str:
    """The department's plans: how many tasks are planned, the timeline and the plan table."""
    lang, year = review.lang, review.year
    name = _department(review, department)
    plans = plans_in_view(review)
    own = plans.loc[plans["department"] == name]
    parts = [_heading("plans", lang)]
    tasks = review_tasks(review)
    mine = tasks.loc[tasks["department"] == name]
    if len(mine):
        cov = roadmap.plan_coverage(mine, review_plans(review))
        planned = int(cov["planned"].sum())
        parts.append(
            paragraphs([phrase("unplanned", lang, year=year, planned=planned, total=len(mine))])
        )
    if own.empty:
        parts.append(paragraphs([phrase("no_plans", lang, year=year, prev=year - 1)]))
        return "".join(parts)
    years = phrase("and", lang).join(str(y) for y in sorted(set(own["year"])))
    dated = int(own["deadline"].notna().sum())
    parts.append(paragraphs([phrase("plans_seen", lang, n=len(own), years=years, dated=dated)]))
    parts.append(_timeline(review, own))
    parts.append(_table(_plan_rows(review, own, with_department=False), lang))
    parts.append(wording_note(review, own["indicator"]))
    return "".join(parts)


def department_resources(review: Review, department: str) -> str:
    """The department's planned budget summed by funding source."""
    name = _department(review, department)
    plans = plans_in_view(review)
    own = plans.loc[plans["department"] == name]
    return "".join([_heading("resources", review.lang), *_budget(review, own)])


def department_gaps(review: Review, department: str) -> str:
    """The distance to target of every commune on the indicators in the department's charge."""
    lang, year = review.lang, review.year
    name = _department(review, department)
    codes = set(review.tasks.loc[review.tasks["department"] == name, "indicator"].astype(str))
    ind = review.indicators.loc[review.indicators["indicator"].astype(str).isin(codes)]
    ind = ind.loc[ind["year"] == year]
    parts = [_heading("gaps", lang)]
    gaps = gap_to_target(ind, year).dropna(subset=["gap"]) if len(ind) else ind
    if gaps.empty:
        parts.append(paragraphs([phrase("no_gap", lang)]))
        return "".join(parts)
    parts.append(
        chart(
            lambda ax: plots.plot_gap_to_target(ind, year=year, lang=lang, ax=ax),
            alt=lb.label("title_gap_to_target", lang, year=year),
            size="a4",
        )
    )
    return "".join(parts)


def _tracking_sentence(tracked: pd.DataFrame, review: Review) -> str:
    lang = review.lang
    counts = tracked["tracking"].value_counts()
    other = int(counts.get(s.TRACK_NO_DEADLINE, 0) + counts.get(s.TRACK_NO_DATA, 0))
    return phrase(
        "tracking_counts",
        lang,
        prev=review.year - 1,
        year=review.year,
        closed=int(counts.get(s.TRACK_CLOSED, 0)),
        overdue=int(counts.get(s.TRACK_OVERDUE, 0)),
        on_time=int(counts.get(s.TRACK_ON_TIME, 0)),
        other=phrase("tracking_other", lang, n=other) if other else "",
    )


def department_tracking(review: Review, department: str) -> str:
    """Each task the department planned from last year's data: closed, overdue or on time."""
    lang = review.lang
    name = _department(review, department)
    tracked = review_tracking(review)
    own = tracked.loc[tracked["department"] == name]
    parts = [_heading("tracking", lang)]
    if own.empty:
        parts.append(paragraphs([phrase("no_tracking", lang, prev=review.year - 1)]))
        return "".join(parts)
    parts.append(paragraphs([_tracking_sentence(own, review)]))
    parts.append(_timeline(review, own, hue="tracking"))
    parts.append(_table(_plan_rows(review, own, with_department=False), lang))
    parts.append(wording_note(review, own["indicator"]))
    return "".join(parts)


#: The roadmap sections of a department's page, in page order.
DEPARTMENT_SECTIONS = (department_plans, department_resources, department_gaps, department_tracking)


# -------------------------------------------------------------------------- district


def district_roadmap(review: Review) -> str:
    """ "Lộ trình và nguồn lực": tasks planned per department, budget by source, overdue tasks."""
    lang, year = review.lang, review.year
    parts = [_heading("roadmap_resources", lang)]
    tasks = review_tasks(review)
    plans = plans_in_view(review)
    if len(tasks):
        cov = roadmap.plan_coverage(tasks, review_plans(review))
        parts.append(
            paragraphs(
                [
                    phrase(
                        "unplanned",
                        lang,
                        year=year,
                        planned=int(cov["planned"].sum()),
                        total=int(cov["tasks"].sum()),
                    )
                ]
            )
        )
        parts.append(_table(cov, lang))
    if plans.empty:
        parts.append(paragraphs([phrase("no_plans", lang, year=year, prev=year - 1)]))
        return "".join(parts)
    parts.append(_timeline(review, plans))
    parts.extend(_budget(review, plans))
    tracked = review_tracking(review)
    overdue = tracked.loc[tracked["tracking"] == s.TRACK_OVERDUE]
    if overdue.empty:
        parts.append(paragraphs([phrase("no_overdue", lang)]))
    else:
        parts.append(paragraphs([phrase("overdue_list", lang)]))
        parts.append(_table(_plan_rows(review, overdue, with_department=True), lang))
        parts.append(wording_note(review, overdue["indicator"]))
    return "".join(parts)


def district_tracking(review: Review) -> str:
    """Last year's plans checked against this year's data, per department."""
    lang = review.lang
    parts = [_heading("tracking", lang)]
    tracked = review_tracking(review)
    if tracked.empty:
        parts.append(paragraphs([phrase("no_tracking", lang, prev=review.year - 1)]))
        return "".join(parts)
    parts.append(paragraphs([_tracking_sentence(tracked, review)]))
    parts.append(_timeline(review, tracked, hue="tracking"))
    parts.append(_table(roadmap.tracking_counts(tracked), lang))
    return "".join(parts)


def district_bands(review: Review) -> str:
    """The band chart: communes by criteria met, year by year."""
    lang = review.lang
    communes = review.communes.loc[review.communes["year"] <= review.year]
    return _heading("bands", lang) + chart(
        lambda ax: plots.plot_bands(communes, lang=lang, ax=ax),
        alt=lb.label("title_bands", lang),
        size="a4",
    )


def district_trajectories(review: Review) -> str:
    """The trajectories of the most lagging indicators, with threshold and projection."""
    lang, year = review.lang, review.year
    parts = [_heading("trajectories", lang)]
    lagging = lagging_indicators(review.indicators, year)
    lagging = lagging.loc[lagging["communes_short"] > 0]
    numeric = review.indicators.loc[review.indicators["value"].notna(), "indicator"].astype(str)
    codes = [c for c in lagging["indicator"].astype(str) if c in set(numeric)]
    codes = list(dict.fromkeys(codes))[:MAX_TRAJECTORIES]
    if not codes:
        parts.append(paragraphs([phrase("no_trajectory", lang)]))
        return "".join(parts)
    for code in codes:
        parts.append(
            chart(
                lambda ax, code=code: plots.plot_indicator_trajectory(
                    review.series,
                    indicator=code,
                    progress=review.progress,
                    text=review.indicator_texts.get(code),
                    lang=lang,
                    ax=ax,
                ),
                alt=review.indicator_label(code),
                size="a4",
            )
        )
    return "".join(parts)


#: The roadmap sections of the district review, in page order.
DISTRICT_SECTIONS = (district_bands, district_trajectories, district_roadmap, district_tracking)

__all__ = [
    "DEPARTMENT_SECTIONS",
    "DISTRICT_SECTIONS",
    "department_gaps",
    "department_plans",
    "department_resources",
    "department_tracking",
    "district_bands",
    "district_roadmap",
    "district_tracking",
    "district_trajectories",
    "plans_in_view",
    "review_plans",
    "review_tasks",
    "review_tracking",
]
