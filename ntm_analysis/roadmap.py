"""The roadmap: departments' tasks with stable ids, their plans, and how the plans fare.

Pure functions, DataFrames in and out (the task workbooks themselves are read
and written by :mod:`ntm_analysis.task_workbooks`):

* :func:`task_id` and :func:`workbook_tasks` — one row per task (an unmet
  indicator of a commune, per department in charge), with the texts the
  tool fills into a department's workbook;
* :func:`merge_plans` — a new import over the plans already held: later
  replaces earlier, and every changed field is listed;
* :func:`track_plans` — once year Y+1's data is in, each planned task of
  year Y is closed, open and overdue, or open on time;
* :func:`plan_coverage`, :func:`budget_by_source` — the district view.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import labels as lb
from . import schema as s
from .department_tasks import department_tasks
from .errors import CatalogError
from .parsing import fold_text, normalize_text
from .progress import progress_status

#: The fields of a plan that a department fills in, in workbook order.
PLAN_FIELDS = ("action", "officer", "deadline", "budget_million_vnd", "funding_source", "status")


def task_id(year: object, commune_code: object, commune: object, indicator: object) -> str:
    """The stable id of the task "indicator of this commune in this year's data".

    Made from its keys, so every export of the same year, commune and
    indicator gives the same id (the commune's registry code, or its name
    when it has none).

    >>> task_id(2023, "06919", "Xã Đại Bình", "15.1")
    'NV-2023-06919-15.1'
    """
    code = commune_code if isinstance(commune_code, str) and commune_code.strip() else None
    if code is None:
        code = fold_text(commune).replace(" ", "-") or "x"
    return f"NV-{int(year)}-{code.strip()}-{str(indicator).strip()}"


def _number(value: object) -> str:
    """ "88,4" (decimal comma, at most one decimal, no trailing zeros)."""
    if value is None or pd.isna(value):
        return ""
    text = f"{round(float(value), 1):.1f}".rstrip("0").rstrip(".")
    return ("0" if text == "-0" else text).replace(".", ",")


def _with_unit(value: object, unit: object) -> str:
    text = _number(value)
    if not text:
        return ""
    unit = unit if isinstance(unit, str) and unit.strip() else ""
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".strip()


def _target(op: object, threshold: object, unit: object, target_text: object) -> str:
    op = op if isinstance(op, str) else None
    if op in s.OP_SYMBOLS and not pd.isna(threshold):
        return f"{s.OP_SYMBOLS[op]} {_with_unit(threshold, unit)}"
    if op == s.OP_YES:
        return lb.label(s.MET)
    if isinstance(target_text, str) and target_text.strip():
        return target_text.strip()
    return lb.label(s.MET)


def workbook_tasks(
    indicators: pd.DataFrame,
    criteria: pd.DataFrame | None,
    mapping: pd.DataFrame,
    year: int,
    *,
    catalog: object = None,
) -> pd.DataFrame:
    """The tasks of ``year`` with their id and the texts of the workbook's tool columns.

    Built on :func:`ntm_analysis.department_tasks.department_tasks` (so the tasks, owners
    and outlooks are the ones the review pages show). Columns: ``task_id,
    year, department_id, department, commune_code, commune, criteria_set,
    criterion, indicator, task_level`` and the Vietnamese texts
    ``commune_text, criterion_text, indicator_text_full, current_text,
    target_text_full, gap_text, outlook_text``. The department is named in
    Vietnamese (the workbooks are the official form).
    """
    progress = progress_status(indicators, year=year, catalog=catalog)
    tasks = department_tasks(
        indicators, progress, mapping, year, criteria=criteria, catalog=catalog, lang="vi"
    )
    if tasks.empty:
        return pd.DataFrame(columns=list(WORKBOOK_TASK_COLUMNS))
    keys = ["commune_code", "commune", "indicator"]
    own = ["indicator_text"] if "indicator_text" in indicators.columns else []
    targets = (
        indicators.loc[indicators["year"] == year, [*keys, "target_text", *own]]
        .drop_duplicates(keys)
        .rename(columns={"indicator_text": "report_wording"})
    )
    tasks = tasks.merge(targets, on=keys, how="left")
    names = tasks.get("criterion_name", pd.Series(pd.NA, index=tasks.index))
    texts = _wording_in_use(tasks, catalog)
    out = tasks.assign(
        task_id=[
            task_id(y, c, n, i)
            for y, c, n, i in zip(
                tasks["year"],
                tasks["commune_code"],
                tasks["commune"],
                tasks["indicator"],
                strict=True,
            )
        ],
        commune_text=tasks["commune"].astype(str),
        criterion_text=[
            f"{c}. {n}" if isinstance(n, str) and n else str(c)
            for c, n in zip(tasks["criterion"], names, strict=True)
        ],
        indicator_text_full=[
            f"{i}. {t}" if isinstance(t, str) and t and i != c else str(i)
            for i, t, c in zip(tasks["indicator"], texts, tasks["criterion"], strict=True)
        ],
        current_text=[
            _with_unit(v, u) or "–" for v, u in zip(tasks["value"], tasks["unit"], strict=True)
        ],
        target_text_full=[
            _target(o, t, u, x)
            for o, t, u, x in zip(
                tasks["threshold_op"],
                tasks["threshold"],
                tasks["unit"],
                tasks["target_text"],
                strict=True,
            )
        ],
        gap_text=[
            _with_unit(g, u) or "–" for g, u in zip(tasks["gap"], tasks["unit"], strict=True)
        ],
        outlook_text=[lb.label(str(o)) for o in tasks["outlook"].fillna(lb.OUTLOOK_UNKNOWN)],
    )
    return out.loc[:, list(WORKBOOK_TASK_COLUMNS)].reset_index(drop=True)


def _wording_in_use(tasks: pd.DataFrame, catalog: object) -> list[object]:
    """Each task's indicator text: the catalog's where its wording is confirmed, else the
    wording of the commune's own report (the catalog's when the report gives none)."""
    listed = tasks.get("indicator_text", pd.Series(pd.NA, index=tasks.index))
    written = tasks.get("report_wording", pd.Series(pd.NA, index=tasks.index))
    out = []
    for set_id, code, text, own in zip(
        tasks["criteria_set"], tasks["indicator"], listed, written, strict=True
    ):
        if isinstance(own, str) and own.strip() and not _text_confirmed(catalog, set_id, code):
            out.append(own)
        else:
            out.append(text)
    return out


def _text_confirmed(catalog: object, set_id: object, code: object) -> bool:
    """True when the catalog's wording of ``code`` in ``set_id`` is confirmed."""
    if catalog is None or not isinstance(set_id, str):
        return False
    try:
        ind = catalog.get(set_id).indicator(str(code))
    except CatalogError:
        return False
    return ind is not None and ind.text_confirmed


WORKBOOK_TASK_COLUMNS = (
    "task_id",
    "year",
    "department_id",
    "department",
    "commune_code",
    "commune",
    "criteria_set",
    "criterion",
    "indicator",
    "task_level",
    "commune_text",
    "criterion_text",
    "indicator_text_full",
    "current_text",
    "target_text_full",
    "gap_text",
    "outlook_text",
)


# --------------------------------------------------------------------------- plans


def empty_plans() -> pd.DataFrame:
    """A plans table with no rows and the contract's columns."""
    return pd.DataFrame({c: pd.Series(dtype=_PLAN_DTYPES.get(c, "string")) for c in s.PLAN_COLUMNS})


_PLAN_DTYPES = {
    "year": "Int64",
    "deadline": "datetime64[ns]",
    "budget_million_vnd": "Float64",
    s.SOURCE_ROW: "Int64",
}


def _field_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp | _dt.date):
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, float):
        return _number(value).replace(",", ".")
    return str(value)


def merge_plans(
    existing: pd.DataFrame, imported: pd.DataFrame, *, imported_at: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lay an import over the plans already held; returns (plans, changes).

    A task (``task_id`` × ``department``) in ``imported`` replaces the
    earlier row; tasks not in ``imported`` stay as they were. ``changes``
    has one row per field whose value differs (``schema.PLAN_CHANGE_COLUMNS``;
    a task planned for the first time is one row with ``field`` "plan"), so
    importing the same workbooks again gives no changes and the same plans.
    Neither input is modified.
    """
    key = ["task_id", "department"]
    existing = existing if len(existing) else empty_plans()
    imported = imported if len(imported) else empty_plans()
    old = existing.set_index(key)
    changes = []
    for row in imported.itertuples(index=False):
        k = (row.task_id, row.department)
        src = {s.SOURCE_FILE: row.source_file, s.SOURCE_ROW: row.source_row}
        if k not in old.index:
            changes.append(
                {
                    "task_id": k[0],
                    "department": k[1],
                    "field": "plan",
                    "old_value": "",
                    "new_value": row.action if isinstance(row.action, str) else "",
                    **src,
                }
            )
            continue
        before = old.loc[k]
        for f in PLAN_FIELDS:
            a, b = _field_text(before[f]), _field_text(getattr(row, f))
            if a != b:
                changes.append(
                    {
                        "task_id": k[0],
                        "department": k[1],
                        "field": f,
                        "old_value": a,
                        "new_value": b,
                        **src,
                    }
                )
    kept = existing.loc[~existing.set_index(key).index.isin(imported.set_index(key).index)]
    parts = [p for p in (kept, imported) if len(p)]
    plans = pd.concat(parts, ignore_index=True) if parts else empty_plans()
    plans = plans.sort_values(["year", "department", "task_id"], kind="stable").reset_index(
        drop=True
    )
    columns = [c for c in s.PLAN_CHANGE_COLUMNS if c != "imported_at"]
    change_frame = pd.DataFrame(changes, columns=columns)
    change_frame.insert(0, "imported_at", imported_at)
    return plans.loc[:, list(s.PLAN_COLUMNS)], change_frame.astype(
        {c: "string" for c in change_frame.columns if c != s.SOURCE_ROW} | {s.SOURCE_ROW: "Int64"}
    )


# ------------------------------------------------------------------------ tracking


def _met_lookup(frame: pd.DataFrame | None, year: int, code_col: str) -> dict[tuple, object]:
    if frame is None or frame.empty:
        return {}
    rows = frame.loc[frame["year"] == year, ["commune", code_col, "met"]]
    return {
        (str(c), str(k)): (None if pd.isna(m) else bool(m))
        for c, k, m in rows.itertuples(index=False)
    }


def _sets_of(frame: pd.DataFrame | None, year: int) -> dict[str, frozenset]:
    """Commune -> the criteria sets of its rows in ``year``."""
    if frame is None or frame.empty or "criteria_set" not in frame.columns:
        return {}
    rows = frame.loc[frame["year"] == year, ["commune", "criteria_set"]].dropna()
    return {
        str(c): frozenset(g.astype(str))
        for c, g in rows.groupby("commune", sort=False)["criteria_set"]
    }


def track_plans(
    plans: pd.DataFrame,
    indicators: pd.DataFrame,
    year: int,
    *,
    criteria: pd.DataFrame | None = None,
    as_of: _dt.date | None = None,
) -> pd.DataFrame:
    """How each task planned from year ``year - 1``'s data stands in year ``year``.

    ``tracking`` is ``closed`` when the indicator (or, for a criterion-level
    task, the criterion) is met in ``year``; otherwise ``overdue`` when the
    deadline is before ``as_of`` (default: 31 December of ``year``, the date
    the year's data describes), ``on_time`` when it is not, ``no_deadline``
    without a readable deadline, and ``no_data`` when ``year`` has no result
    for it. A commune whose criteria set changed between the two years has
    no result for the task (``no_data``): indicator 6.1 of QĐ 318 is not 6.1
    of QĐ 51. Returns the plans of ``year - 1`` with ``tracking`` and
    ``met_now`` added (empty when there are none).

    >>> plans = pd.DataFrame({"task_id": ["NV-2023-1-6.3"], "year": [2023],
    ...     "department": ["P"], "commune": ["Xã A"], "indicator": ["6.3"],
    ...     "deadline": [pd.Timestamp("2024-06-30")]})
    >>> ind = pd.DataFrame({"year": [2024], "commune": ["Xã A"], "indicator": ["6.3"],
    ...     "met": pd.array([False], dtype="boolean")})
    >>> track_plans(plans, ind, 2024)["tracking"].tolist()
    ['overdue']
    """
    as_of = as_of or _dt.date(int(year), 12, 31)
    rows = plans.loc[plans["year"] == year - 1] if len(plans) else plans
    if rows.empty:
        return rows.assign(tracking=pd.Series(dtype="string"), met_now=pd.Series(dtype="boolean"))
    by_indicator = _met_lookup(indicators, year, "indicator")
    by_criterion = _met_lookup(criteria, year, "criterion")
    sets_then = _sets_of(indicators, year - 1) | _sets_of(criteria, year - 1)
    sets_now = _sets_of(indicators, year) | _sets_of(criteria, year)
    met_now, tracking = [], []
    limit = pd.Timestamp(as_of)
    for commune, code, deadline in rows.loc[:, ["commune", "indicator", "deadline"]].itertuples(
        index=False
    ):
        key = (str(commune), str(code))
        met = (
            by_indicator.get(key, by_criterion.get(key))
            if "." in str(code)
            else (by_criterion.get(key, by_indicator.get(key)))
        )
        then, now = sets_then.get(str(commune)), sets_now.get(str(commune))
        if then and now and not then & now:  # another criteria set: nothing to compare
            met = None
        met_now.append(met)
        if met is True:
            tracking.append(s.TRACK_CLOSED)
        elif met is None:
            tracking.append(s.TRACK_NO_DATA)
        elif deadline is None or pd.isna(deadline):
            tracking.append(s.TRACK_NO_DEADLINE)
        elif pd.Timestamp(deadline) < limit:
            tracking.append(s.TRACK_OVERDUE)
        else:
            tracking.append(s.TRACK_ON_TIME)
    return rows.assign(
        tracking=pd.array(tracking, dtype="string"),
        met_now=pd.array(met_now, dtype="boolean"),
    ).reset_index(drop=True)


def tracking_counts(tracked: pd.DataFrame) -> pd.DataFrame:
    """Tasks per department and tracking state (every state a column, zeros kept)."""
    if tracked.empty:
        return pd.DataFrame(columns=["department", *s.TRACKING_STATES])
    table = pd.crosstab(tracked["department"], tracked["tracking"])
    table = table.reindex(columns=list(s.TRACKING_STATES), fill_value=0)
    return table.reset_index().rename_axis(columns=None)


# ------------------------------------------------------------------- district view


def plan_coverage(tasks: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """Tasks planned and not yet planned, per department (``tasks`` from :func:`workbook_tasks`)."""
    if tasks.empty:
        return pd.DataFrame(columns=["department", "tasks", "planned", "unplanned"])
    planned_keys = (
        set(zip(plans["task_id"], plans["department"], strict=True)) if len(plans) else set()
    )
    pairs = zip(tasks["task_id"], tasks["department"], strict=True)
    planned = np.array([p in planned_keys for p in pairs], dtype=bool)
    out = (
        tasks.assign(planned=planned)
        .groupby("department", sort=True)["planned"]
        .agg(tasks="size", planned="sum")
        .reset_index()
    )
    return out.assign(unplanned=out["tasks"] - out["planned"]).astype(
        {"tasks": "int64", "planned": "int64", "unplanned": "int64"}
    )


def budget_by_source(plans: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Total budget (million VND) and tasks per funding source (and ``by``, e.g. department).

    Sources typed differently ("Ngân sách huyện", "ngân sách  huyện") count
    as one, under their most frequent spelling; a plan with no funding source
    counts under "Chưa xác định"; a plan with no budget adds a task but no money.
    """
    keys = ([by] if by else []) + ["funding_source"]
    if plans.empty:
        return pd.DataFrame(columns=[*keys, "budget_million_vnd", "tasks"])
    typed = plans["funding_source"].map(normalize_text, na_action="ignore").astype("string")
    folded = typed.map(fold_text, na_action="ignore")
    spelling = (
        pd.DataFrame({"key": folded, "text": typed})
        .dropna()
        .groupby(["key", "text"], sort=True)
        .size()
        .sort_values(ascending=False, kind="stable")
        .reset_index()
        .drop_duplicates("key")
        .set_index("key")["text"]
    )
    source = folded.map(spelling, na_action="ignore").astype("string")
    work = plans.assign(funding_source=source.fillna(lb.label("funding_unknown")))
    out = (
        work.groupby(keys, sort=True)
        .agg(
            budget_million_vnd=("budget_million_vnd", lambda b: b.astype("Float64").sum()),
            tasks=("task_id", "size"),
        )
        .reset_index()
    )
    order = [*keys[:-1], "budget_million_vnd"]
    ascending = [True] * (len(keys) - 1) + [False]
    return out.sort_values(order, ascending=ascending, kind="stable").reset_index(drop=True)


def plan_status_labels(codes: pd.Series, lang: str = "vi") -> pd.Series:
    """The workbook words ("Đang thực hiện") of plan status codes; NA stays NA."""
    return codes.map(lambda c: lb.label(f"plan_{c}", lang) if isinstance(c, str) else pd.NA)


def department_names(mapping: pd.DataFrame) -> Mapping[str, str]:
    """Vietnamese department name -> English, from a responsibility mapping."""
    return dict(zip(mapping["department_vi"], mapping["department_en"], strict=True))
