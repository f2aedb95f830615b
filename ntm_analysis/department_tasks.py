"""Who must do what by when: every unmet indicator of a year as a task of its department."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from . import labels as lb
from . import schema as s
from .columnar import (
    as_strings,
    equals,
    groups_of,
    is_false,
    match_rows,
    sort_rows,
    take_at,
    text_column,
)
from .progress import gap_to_target
from .responsibility import assign_departments


def department_tasks(
    indicators: pd.DataFrame,
    progress: pd.DataFrame | None,
    mapping: pd.DataFrame,
    year: int,
    *,
    criteria: pd.DataFrame | None = None,
    target_year: int | Mapping[str, int] | None = None,
    catalog: object = None,
    lang: str = "vi",
) -> pd.DataFrame:
    """Every unmet indicator of ``year`` by commune, with its owner, gap, progress and deadline.

    With ``criteria``, a criterion not met in ``year`` for which the commune
    has no unmet indicator (a district-matrix mark, say) becomes one task too,
    with ``task_level`` "criterion" and ``indicator`` equal to the criterion
    number. With ``catalog``, ``criterion_name`` and ``indicator_text`` (in
    ``lang``) are filled.

    ``progress`` is :func:`progress_status` (computed up to ``year``);
    ``mapping`` is :func:`~ntm_analysis.responsibility.load_responsibility`
    (an indicator row beats its criterion's row; a code with several
    departments gives one task per department; unmapped codes go to
    ``department_id`` NA, named "Chưa phân công"). The roadmap year is the
    progress ``target_year``; for indicators outside ``progress`` (yes/no)
    it comes from ``target_year`` (int or ``{criteria_set: year}``) or the
    other rows of the same set.
    """
    keys = s.COMMUNE_KEY + ["criteria_set", "criterion", "indicator"]
    cols = ["year", *keys, "value", "unit", "threshold_op", "threshold", "met"]
    ind = indicators.loc[:, [c for c in cols if c in indicators.columns]]
    ind = ind.loc[equals(ind["year"], year) & is_false(ind["met"])]
    # a table for people, from several sources: its text columns are strings
    tasks = as_strings(ind.drop(columns="met")).assign(task_level="indicator")
    if criteria is not None:
        crit = criteria.loc[:, ["year", *s.COMMUNE_KEY, "criteria_set", "criterion", "met"]]
        crit = crit.loc[equals(crit["year"], year) & is_false(crit["met"])]
        # an unmet criterion with no unmet indicator of its own is a task of its own
        crit = crit.loc[match_rows(crit, tasks, [*s.COMMUNE_KEY, "criterion"]) < 0]
        extra = as_strings(crit.drop(columns="met"))
        extra = extra.assign(indicator=extra["criterion"], task_level="criterion")
        tasks = pd.concat([tasks, extra], ignore_index=True) if not extra.empty else tasks
    gaps = gap_to_target(ind)
    tasks = tasks.assign(gap=take_at(gaps["gap"], match_rows(tasks, gaps, keys), tasks.index))
    if progress is not None and not progress.empty:
        hit = match_rows(tasks, progress, keys)
        tasks = tasks.assign(
            progress_status=take_at(progress["status"], hit, tasks.index),
            **{
                c: take_at(progress[c], hit, tasks.index)
                for c in ["outlook", "projected_year", "latest_change"]
            },
            target_year=take_at(progress["target_year"], hit, tasks.index),
        )
    else:
        tasks = tasks.assign(
            progress_status=pd.NA,
            outlook=pd.NA,
            projected_year=pd.NA,
            target_year=pd.NA,
            latest_change=pd.NA,
        )
    fallback = {}
    if progress is not None and not progress.empty:
        fallback = progress.groupby("criteria_set")["target_year"].max().dropna().to_dict()
    if isinstance(target_year, int):
        fallback = dict.fromkeys(tasks["criteria_set"].dropna().unique(), target_year)
    elif isinstance(target_year, Mapping):
        fallback = {**fallback, **target_year}
    tasks = tasks.assign(
        target_year=tasks["target_year"]
        .astype("Int64")
        .fillna(tasks["criteria_set"].map(fallback).astype("Int64")),
        projected_year=tasks["projected_year"].astype("Int64"),
        progress_status=tasks["progress_status"].astype("string"),
        outlook=tasks["outlook"].astype("string").fillna(lb.OUTLOOK_UNKNOWN),
        gap=tasks["gap"].astype("Float64"),
        latest_change=tasks["latest_change"].astype("Float64"),
    )
    if catalog is not None:
        tasks = tasks.assign(**_catalog_texts(tasks, catalog, lang))
    tasks = assign_departments(tasks, mapping, lang=lang)
    order = ["department", "criterion", "indicator", "commune"]
    tasks = sort_rows(tasks, order)
    first = ["department_id", "department", "year"] + keys
    return tasks.loc[:, first + [c for c in tasks.columns if c not in first]]


def _catalog_texts(frame: pd.DataFrame, catalog: object, lang: str) -> dict[str, pd.Series]:
    """``criterion_name`` and ``indicator_text`` of each row, from the catalog (looked up once
    per distinct set, criterion and indicator)."""
    keys = ["criteria_set", "criterion", "indicator"]
    group, first = groups_of(frame, keys)
    crit_names, ind_texts = [], []
    for set_id, number, code in frame.loc[:, keys].take(first).itertuples(index=False):
        try:
            cs = catalog.get(set_id)
        except Exception:  # noqa: BLE001 - a set the catalog does not know: leave blank
            crit_names.append(pd.NA)
            ind_texts.append(pd.NA)
            continue
        c = cs.criterion(number)
        i = cs.indicator(code)
        crit_names.append(c.name(lang) if c is not None else pd.NA)
        ind_texts.append(i.text(lang) if i is not None else pd.NA)
    texts = text_column(ind_texts, group, frame.index)
    if "indicator_text" in frame.columns:  # as written, for codes the catalog does not list
        texts = texts.fillna(frame["indicator_text"].astype("string"))
    return {
        "criterion_name": text_column(crit_names, group, frame.index),
        "indicator_text": texts,
    }
