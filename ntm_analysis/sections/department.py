"""Sections of a department's page: each returns HTML, the notebook displays it."""

from __future__ import annotations

import pandas as pd

from .. import plots
from .. import schema as s
from ..errors import UsageError
from ..names import resolve_name
from ..review import Review, departments
from ..schema import code_sort_key
from .markup import chart, heading, paragraphs, phrase, table_html
from .shared import basis_sentences, task_table, wording_note

#: Indicator trajectories drawn on a roadmap at most.
MAX_ROADMAP_CHARTS = 4


def _department(review: Review, department: str) -> str:
    """The department that ``department`` names, in the review's language: its name in
    either language, or its id in the mapping (``ntm render`` names departments in
    Vietnamese whatever the page's language)."""
    tasks = review.tasks
    names = list(dict.fromkeys(tasks["department"].dropna().astype(str))) + departments(
        review.data, review.year, lang=review.lang
    )
    try:
        return resolve_name(department, list(dict.fromkeys(names)), "department")
    except UsageError:
        ids = tasks.loc[tasks["department_id"].astype(str) == department, "department"]
        if not ids.empty:
            return str(ids.iloc[0])
        other = _in_other_language(review, department)
        if other is None:
            raise
        return other


def _in_other_language(review: Review, department: str) -> str | None:
    """The review-language name of the department ``department`` names in the other
    language of the responsibility mapping, or None."""
    mapping = review.mapping.dropna(subset=["department_vi", "department_en"])
    own, other = (
        ("department_en", "department_vi")
        if review.lang == "en"
        else ("department_vi", "department_en")
    )
    names = dict(zip(mapping[other].astype(str), mapping[own].astype(str), strict=True))
    try:
        return names[resolve_name(department, list(names), "department")]
    except UsageError:
        return None


def department_task_list(review: Review, department: str) -> pd.DataFrame:
    """The department's tasks: every unmet indicator in its charge, by commune."""
    name = _department(review, department)
    rows = review.tasks.loc[review.tasks["department"] == name]
    return task_table(review, rows, with_commune=True)


def tasks(review: Review, department: str) -> str:
    """The department's task list across all communes."""
    lang, year = review.lang, review.year
    name = _department(review, department)
    table = department_task_list(review, department)
    parts = [heading("tasks", lang)]
    if table.empty:
        parts.append(paragraphs([phrase("dept_no_tasks", lang, department=name, year=year)]))
    else:
        parts.append(
            paragraphs(
                [
                    phrase(
                        _tasks_key(len(table), table["commune"].nunique()),
                        lang,
                        department=name,
                        n=len(table),
                        communes=table["commune"].nunique(),
                        year=year,
                    )
                ]
            )
        )
        parts.append(table_html(table.sort_values(["indicator", "commune"]), lang))
        own = review.tasks.loc[review.tasks["department"] == name, "indicator"]
        parts.append(wording_note(review, own))
    parts.append(paragraphs(basis_sentences(review.indicators, year=year, lang=lang)))
    return "".join(parts)


def roadmap(review: Review, department: str) -> str:
    """The roadmap: tasks per deadline and outlook, and each indicator's trajectory."""
    lang = review.lang
    name = _department(review, department)
    table = department_task_list(review, department)
    parts = [heading("roadmap", lang)]
    if table.empty:
        parts.append(
            paragraphs([phrase("dept_no_tasks", lang, department=department, year=review.year)])
        )
        return "".join(parts)
    by_deadline = (
        table.groupby(["target_year", "outlook"], dropna=False, sort=True)
        .agg(tasks=("indicator", "size"), communes=("commune", "nunique"))
        .reset_index()
        .rename(columns={"communes": "communes_total"})
    )
    parts.append(table_html(by_deadline.astype({"target_year": "string"}), lang))
    own = review.tasks.loc[review.tasks["department"] == name]
    codes = (
        own.loc[own["threshold_op"].isin(s.NUMERIC_OPS).fillna(False), "indicator"]
        .dropna()
        .unique()
    )
    for code in sorted(codes, key=code_sort_key)[:MAX_ROADMAP_CHARTS]:
        parts.append(
            chart(
                lambda ax, code=code: plots.plot_indicator_trajectory(
                    review.series,
                    indicator=str(code),
                    progress=review.progress,
                    text=review.indicator_texts.get(str(code)),
                    lang=lang,
                    ax=ax,
                ),
                alt=review.indicator_label(code),
                size="a4",
            )
        )
    return "".join(parts)


#: The sections of a department's page, in page order.
SECTIONS = (tasks, roadmap)


def page(review: Review, department: str) -> str:
    """Every section of the department's page, in order (for a notebook opened by hand)."""
    return "".join(section(review, department) for section in SECTIONS)


def _tasks_key(tasks: int, communes: int) -> str:
    """The phrase of ``tasks`` tasks in ``communes`` communes, in the right number (English).

    >>> _tasks_key(1, 1), _tasks_key(3, 1), _tasks_key(3, 2)
    ('dept_tasks_one', 'dept_tasks_one_commune', 'dept_tasks')
    """
    if communes > 1:
        return "dept_tasks"
    return "dept_tasks_one" if tasks == 1 else "dept_tasks_one_commune"
