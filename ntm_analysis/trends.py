"""Year-over-year analysis over the processed tables.

Every function here is pure: it takes the processed tables
(:data:`~ntm_analysis.schema.INDICATOR_COLUMNS`,
:data:`~ntm_analysis.schema.CRITERION_COLUMNS`,
:data:`~ntm_analysis.schema.COMMUNE_COLUMNS`) and returns new DataFrames; no
input is modified and nothing touches the disk. Nothing assumes 19 criteria:
the criteria come from the data (and names from the catalog when given).

The four questions of a review meeting map onto:

* where each commune stands: :func:`commune_standing`, :func:`district_summary`,
  :func:`criterion_shares`, :func:`indicator_shares`;
* what changed: :func:`compare_years`;
* what holds the district back: :func:`lagging_criteria`, :func:`lagging_indicators`,
  :func:`gap_to_target`, :func:`progress_status`;
* who must do what by when: :func:`department_tasks`, :func:`district_conditions`.

Commune identity is the pair (``commune_code``, ``commune``): codes are reused
with a new meaning after the 07/2025 reform, so a code alone is not a key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import labels as lb
from . import schema as s
from .errors import UsageError

#: Criteria of a full 19-criterion commune set (QĐ 1980, QĐ 318).
FULL_SET_CRITERIA = 19
#: QĐ 263 target: no commune under 15 criteria (applies to 19-criterion sets).
FLOOR_CRITERIA = 15
#: QĐ 320: share of advanced communes a district needs.
DISTRICT_ADVANCED_SHARE = 0.10
#: QĐ 320: resident satisfaction a district needs.
DISTRICT_SATISFACTION = 0.90

#: Open SDG thresholds of the ratio observed / required growth (with a target).
RATIO_SUBSTANTIAL = 0.95
RATIO_MODERATE = 0.6
#: Open SDG thresholds of the observed growth rate per year (without a target).
CAGR_SUBSTANTIAL = 0.015
CAGR_MODERATE = 0.005

#: How an observed / required rate was computed (``rate_method`` column).
RATE_CAGR = "cagr"  # compound annual growth rate, relative
RATE_LINEAR = "linear"  # absolute change per year, in the indicator's unit

#: Trend words of :func:`compare_years` at district level.
ROSE = "rose"
FELL = "fell"
UNCHANGED = "unchanged"

COMMUNE_KEY = ["commune_code", "commune"]


# --------------------------------------------------------------------------- helpers


def code_sort_key(code: object) -> tuple[int, ...]:
    """Numeric sort key of a criterion / indicator code ("2" < "10", "2.1" < "2.10").

    >>> sorted(["10", "2.1", "2", "1.10", "1.2"], key=code_sort_key)
    ['1.2', '1.10', '2', '2.1', '10']
    """
    return tuple(int(p) if p.isdigit() else 10**6 for p in str(code).split("."))


def sort_codes(codes) -> list[str]:
    """Distinct codes in numeric order, NA dropped.

    >>> sort_codes(["10", "2", "2", "1"])
    ['1', '2', '10']
    """
    return sorted({str(c) for c in codes if not pd.isna(c)}, key=code_sort_key)


def column_sort_key(col: pd.Series) -> pd.Series:
    """Sort key of a column: numeric rank of codes, Vietnamese order of commune names."""
    if col.name in ("criterion", "indicator"):
        ranks = {c: i for i, c in enumerate(sort_codes(col.dropna().unique()))}
        return col.map(ranks, na_action="ignore").astype("Int64")
    if col.name == "commune":
        names = sorted(col.dropna().unique(), key=lb.vi_sort_key)
        return col.map({c: i for i, c in enumerate(names)}, na_action="ignore").astype("Int64")
    return col


_code_key = column_sort_key


def _sort(frame: pd.DataFrame, by: list[str], ascending: bool | list[bool] = True) -> pd.DataFrame:
    by = [c for c in by if c in frame.columns]
    if not by or frame.empty:
        return frame.reset_index(drop=True)
    return frame.sort_values(by, key=_code_key, ascending=ascending, kind="stable").reset_index(
        drop=True
    )


def _is_true(met: pd.Series) -> pd.Series:
    """``met == True`` with NA as False (a nullable boolean column)."""
    return met.astype("boolean").fillna(False).astype(bool)


def _is_false(met: pd.Series) -> pd.Series:
    return (~met.astype("boolean")).fillna(False).astype(bool)


def _by(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _in_year(frame: pd.DataFrame, year: int | None) -> pd.DataFrame:
    return frame if year is None else frame.loc[frame["year"] == year]


def _names(names: object, lang: str) -> dict[str, str]:
    return lb.criterion_names(names, lang) if names is not None else {}


def _join_codes(codes: Sequence[str], names: Mapping[str, str]) -> str:
    return "; ".join(lb.criterion_label(c, names) for c in sort_codes(codes))


# --------------------------------------------------------------------------- standing


def _band(communes: pd.DataFrame, floor: int | None) -> pd.Series:
    met = communes["criteria_met"]
    total = communes["criteria_total"]
    full = total == FULL_SET_CRITERIA
    choices = np.select(
        [
            (communes["status"] == s.STATUS_NO_DATA).to_numpy(bool),
            (communes["status"] == s.STATUS_NTM).to_numpy(bool),
            (full & (floor is not None) & (met >= (floor or 0))).to_numpy(bool),
            (full & (floor is not None)).to_numpy(bool),
        ],
        [lb.NO_DATA, lb.BAND_ALL, lb.BAND_FLOOR, lb.BAND_BELOW],
        default=lb.BAND_NOT_ALL,
    )
    return pd.Series(choices, index=communes.index, dtype="string")


def commune_standing(
    communes: pd.DataFrame, year: int | None = None, *, floor: int | None = FLOOR_CRITERIA
) -> pd.DataFrame:
    """Criteria met and NTM status per commune, with band and change since the previous year.

    Adds ``criteria_short`` (criteria not met), ``band`` (``labels.BAND_*``: all /
    15–18 / under 15 for a 19-criterion set, "not all" for other sets),
    ``previous_year`` (the commune's latest earlier year in the data, NA for a
    commune that appears that year) and ``criteria_met_change``. Sorted by year,
    then criteria met (most first), then commune.
    """
    frame = communes
    frame = frame.sort_values(["commune_code", "commune", "year"], kind="stable")
    grouped = frame.groupby(COMMUNE_KEY, dropna=False, sort=False)
    prev_year = grouped["year"].shift(1)
    prev_met = grouped["criteria_met"].shift(1)
    frame = frame.assign(
        criteria_short=frame["criteria_total"] - frame["criteria_met"],
        band=_band(frame, floor),
        previous_year=prev_year.astype("Int64"),
        criteria_met_change=(frame["criteria_met"] - prev_met).astype("Int64"),
    )
    frame = _in_year(frame, year)
    return _sort(frame, ["year", "criteria_met", "commune"], ascending=[True, False, True])


def district_summary(
    communes: pd.DataFrame,
    criteria: pd.DataFrame | None = None,
    *,
    by: str | Sequence[str] | None = None,
    floor: int | None = FLOOR_CRITERIA,
) -> pd.DataFrame:
    """District totals per year: communes, at standard, mean criteria, below the floor.

    ``by`` names extra grouping columns of ``communes`` (for example a
    ``district`` column joined from the registry). With ``criteria``, also
    ``criteria_met_by_all`` (criteria every commune met) and
    ``criteria_met_by_none``. The share of communes meeting each criterion is
    :func:`criterion_shares`.

    Columns: ``year``, *by*, ``criteria_set``, ``criteria_total``,
    ``communes_total``, ``communes_reported``, ``communes_ntm``, ``share_ntm``
    (of all communes), ``communes_ntm_change`` (since the previous year in the
    data), ``mean_criteria_met`` (over communes with data), ``min_criteria_met``,
    ``communes_below_floor``.
    """
    keys = _by(by) + ["year", "criteria_set"]
    frame = communes.assign(
        _ntm=communes["status"] == s.STATUS_NTM,
        _rep=communes["status"] != s.STATUS_NO_DATA,
        _met_rep=communes["criteria_met"].where(communes["status"] != s.STATUS_NO_DATA),
        _below=(
            (communes["criteria_total"] == FULL_SET_CRITERIA)
            & (communes["status"] != s.STATUS_NO_DATA)
            & (communes["criteria_met"] < (floor if floor is not None else -1))
        ),
    )
    out = (
        frame.groupby(keys, dropna=False, observed=True)
        .agg(
            criteria_total=("criteria_total", "max"),
            communes_total=("commune", "size"),
            communes_reported=("_rep", "sum"),
            communes_ntm=("_ntm", "sum"),
            mean_criteria_met=("_met_rep", "mean"),
            min_criteria_met=("_met_rep", "min"),
            communes_below_floor=("_below", "sum"),
        )
        .reset_index()
    )
    out = out.assign(
        share_ntm=(out["communes_ntm"] / out["communes_total"]).astype("Float64"),
        mean_criteria_met=out["mean_criteria_met"].astype("Float64"),
        min_criteria_met=out["min_criteria_met"].astype("Int64"),
    )
    out = _sort(out, _by(by) + ["year"])
    prev = (
        out.groupby(_by(by), dropna=False, sort=False)["communes_ntm"].shift(1)
        if by
        else (out["communes_ntm"].shift(1))
    )
    out = out.assign(communes_ntm_change=(out["communes_ntm"] - prev).astype("Int64"))
    if criteria is not None:
        shares = criterion_shares(criteria, by=by)
        per = shares.assign(
            _all=shares["communes_met"] == shares["communes_total"],
            _none=shares["communes_met"] == 0,
        )
        per = (
            per.groupby(keys, dropna=False, observed=True)
            .agg(criteria_met_by_all=("_all", "sum"), criteria_met_by_none=("_none", "sum"))
            .reset_index()
        )
        out = out.merge(per, on=keys, how="left")
        out = out.assign(
            criteria_met_by_all=out["criteria_met_by_all"].astype("Int64"),
            criteria_met_by_none=out["criteria_met_by_none"].astype("Int64"),
        )
    cols = keys[:-1] + [
        "criteria_set",
        "criteria_total",
        "communes_total",
        "communes_reported",
        "communes_ntm",
        "share_ntm",
        "communes_ntm_change",
        "mean_criteria_met",
        "min_criteria_met",
        "communes_below_floor",
    ]
    cols = [c for c in ["year"] + cols if c in out.columns]
    cols = list(dict.fromkeys(cols + [c for c in out.columns if c not in cols]))
    return out.loc[:, cols]


def _shares(frame: pd.DataFrame, code: str, by: list[str]) -> pd.DataFrame:
    keys = by + ["year", "criteria_set"] + (["criterion"] if code == "indicator" else []) + [code]
    work = frame.assign(
        _met=_is_true(frame["met"]),
        _not=_is_false(frame["met"]),
        _rep=frame["met"].notna(),
    )
    out = (
        work.groupby(keys, dropna=False, observed=True)
        .agg(
            communes_total=("commune", "size"),
            communes_reported=("_rep", "sum"),
            communes_met=("_met", "sum"),
            communes_not_met=("_not", "sum"),
        )
        .reset_index()
    )
    out = out.assign(
        communes_no_data=out["communes_total"] - out["communes_reported"],
        share_met=(out["communes_met"] / out["communes_total"]).astype("Float64"),
        share_met_of_reported=(
            out["communes_met"] / out["communes_reported"].replace(0, np.nan)
        ).astype("Float64"),
    )
    out = _sort(out, by + [code, "year"])
    prev = out.groupby(by + ["criteria_set", code], dropna=False, sort=False)["share_met"].shift(1)
    out = out.assign(share_met_change=(out["share_met"] - prev).astype("Float64"))
    return _sort(out, by + ["year", code])


def criterion_shares(
    criteria: pd.DataFrame, *, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Communes meeting each criterion per year.

    ``share_met`` is over every commune with a row for the criterion that year
    (a criterion without a decision counts as not met, as for recognition);
    ``share_met_of_reported`` only over those with a decision.
    ``share_met_change`` is the change since the previous year of the same set.
    """
    return _shares(criteria, "criterion", _by(by))


def indicator_shares(
    indicators: pd.DataFrame, *, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Communes meeting each indicator per year (same columns as :func:`criterion_shares`)."""
    return _shares(indicators, "indicator", _by(by))


# --------------------------------------------------------------------------- change


@dataclass(frozen=True)
class YearComparison:
    """What changed between two years.

    ``communes``: one row per commune (present in either year) with
    ``criteria_met_from/to``, ``criteria_met_change``, ``status_from/to``,
    ``gained`` / ``lost`` (criterion numbers, "; "-joined), ``gained_names`` /
    ``lost_names``, ``dropped_below_standard``, ``newly_ntm``, ``present_from``,
    ``present_to``.

    ``cells``: one row per commune × criterion with ``met_from``, ``met_to`` and
    ``change`` (``labels.GAINED`` / ``LOST`` / ``UNCHANGED_MET`` /
    ``UNCHANGED_NOT_MET`` / ``NO_DATA`` / ``NOT_COMPARABLE`` when the two years
    use different criteria sets).

    ``criteria``: one row per criterion with ``share_from``, ``share_to``,
    ``share_change`` and ``trend`` (``ROSE`` / ``FELL`` / ``UNCHANGED``).
    """

    year_from: int
    year_to: int
    communes: pd.DataFrame
    cells: pd.DataFrame
    criteria: pd.DataFrame


def compare_years(
    criteria: pd.DataFrame,
    communes: pd.DataFrame | None,
    year_from: int,
    year_to: int,
    *,
    names: object = None,
    lang: str = "vi",
) -> YearComparison:
    """Criteria gained and lost per commune between two years, and district share changes.

    ``names`` gives criterion names for ``gained_names`` / ``lost_names``: a
    :class:`~ntm_analysis.catalog.CriteriaSet`, a catalog or ``{number: name}``.
    A commune missing in one year appears with ``present_from`` or
    ``present_to`` False and its cells marked ``no_data``. ``communes`` may be
    None: it is then rolled up from ``criteria``.
    """
    if communes is None:
        from .evaluation import evaluate_communes

        communes = evaluate_communes(criteria)
    name_map = _names(names, lang)
    cols = COMMUNE_KEY + ["criteria_set", "criterion", "met"]
    a = criteria.loc[criteria["year"] == year_from, cols]
    b = criteria.loc[criteria["year"] == year_to, cols]
    cells = a.merge(b, on=COMMUNE_KEY + ["criterion"], how="outer", suffixes=("_from", "_to"))
    met_from = cells["met_from"].astype("boolean")
    met_to = cells["met_to"].astype("boolean")
    same_set = (cells["criteria_set_from"] == cells["criteria_set_to"]).fillna(False)
    change = np.select(
        [
            ~same_set.to_numpy(bool)
            & cells["criteria_set_from"].notna().to_numpy(bool)
            & cells["criteria_set_to"].notna().to_numpy(bool),
            (met_from.isna() | met_to.isna()).to_numpy(bool),
            (~met_from & met_to).fillna(False).to_numpy(bool),
            (met_from & ~met_to).fillna(False).to_numpy(bool),
            (met_from & met_to).fillna(False).to_numpy(bool),
        ],
        [lb.NOT_COMPARABLE, lb.NO_DATA, lb.GAINED, lb.LOST, lb.UNCHANGED_MET],
        default=lb.UNCHANGED_NOT_MET,
    )
    cells = cells.assign(
        met_from=met_from,
        met_to=met_to,
        change=pd.Series(change, index=cells.index, dtype="string"),
    )
    cells = cells.assign(year_from=year_from, year_to=year_to).loc[
        :,
        ["year_from", "year_to"]
        + COMMUNE_KEY
        + ["criteria_set_from", "criteria_set_to", "criterion", "met_from", "met_to", "change"],
    ]
    cells = _sort(cells, ["commune", "criterion"])

    # per commune
    ccols = COMMUNE_KEY + ["criteria_set", "criteria_met", "criteria_total", "status"]
    ca = communes.loc[communes["year"] == year_from, ccols].assign(_p=True)
    cb = communes.loc[communes["year"] == year_to, ccols].assign(_p=True)
    per = ca.merge(cb, on=COMMUNE_KEY, how="outer", suffixes=("_from", "_to"))
    # cells are sorted by commune, then criterion number: joins keep numeric order
    moved = cells.loc[cells["change"].isin([lb.GAINED, lb.LOST]).fillna(False).astype(bool)]
    labels_of = {c: lb.criterion_label(c, name_map) for c in moved["criterion"].unique()}
    moved = moved.assign(_name=moved["criterion"].map(labels_of).astype("string"))
    joined: dict[tuple, dict[str, list[str]]] = {}
    for code, name, crit, label, change in zip(
        moved["commune_code"].tolist(),
        moved["commune"].tolist(),
        moved["criterion"].tolist(),
        moved["_name"].tolist(),
        moved["change"].tolist(),
        strict=True,
    ):
        entry = joined.setdefault(
            (code, name), {"gained": [], "gained_names": [], "lost": [], "lost_names": []}
        )
        col = "gained" if change == lb.GAINED else "lost"
        entry[col].append(crit)
        entry[f"{col}_names"].append(label)
    part = pd.DataFrame(
        [
            {"commune_code": k[0], "commune": k[1], **{c: "; ".join(v) for c, v in e.items()}}
            for k, e in joined.items()
        ],
        columns=COMMUNE_KEY + ["gained", "gained_names", "lost", "lost_names"],
    ).astype({"commune_code": per["commune_code"].dtype, "commune": per["commune"].dtype})
    per = per.merge(part, on=COMMUNE_KEY, how="left")
    present_from = per["_p_from"].notna()
    present_to = per["_p_to"].notna()
    per = per.assign(
        year_from=year_from,
        year_to=year_to,
        present_from=present_from,
        present_to=present_to,
        criteria_met_from=per["criteria_met_from"].astype("Int64"),
        criteria_met_to=per["criteria_met_to"].astype("Int64"),
        criteria_met_change=(per["criteria_met_to"] - per["criteria_met_from"]).astype("Int64"),
        dropped_below_standard=(
            (per["status_from"] == s.STATUS_NTM) & (per["status_to"] != s.STATUS_NTM) & present_to
        )
        .fillna(False)
        .astype(bool),
        newly_ntm=(
            (per["status_to"] == s.STATUS_NTM) & (per["status_from"] != s.STATUS_NTM) & present_from
        )
        .fillna(False)
        .astype(bool),
        gained=per["gained"].fillna("").astype("string"),
        gained_names=per["gained_names"].fillna("").astype("string"),
        lost=per["lost"].fillna("").astype("string"),
        lost_names=per["lost_names"].fillna("").astype("string"),
    )
    per = per.loc[
        :,
        ["year_from", "year_to"]
        + COMMUNE_KEY
        + [
            "criteria_set_from",
            "criteria_set_to",
            "present_from",
            "present_to",
            "criteria_met_from",
            "criteria_met_to",
            "criteria_met_change",
            "status_from",
            "status_to",
            "dropped_below_standard",
            "newly_ntm",
            "gained",
            "gained_names",
            "lost",
            "lost_names",
        ],
    ]
    per = _sort(per, ["commune"])

    # district shares
    shares = criterion_shares(criteria.loc[criteria["year"].isin([year_from, year_to])])
    sa = shares.loc[shares["year"] == year_from, ["criteria_set", "criterion", "share_met"]]
    sb = shares.loc[shares["year"] == year_to, ["criteria_set", "criterion", "share_met"]]
    crit = sa.merge(sb, on="criterion", how="outer", suffixes=("_from", "_to"))
    crit = crit.rename(columns={"share_met_from": "share_from", "share_met_to": "share_to"})
    delta = (crit["share_to"] - crit["share_from"]).astype("Float64").round(12)
    comparable = (crit["criteria_set_from"] == crit["criteria_set_to"]).fillna(False).astype(bool)
    trend = np.select(
        [
            (~comparable | delta.isna()).to_numpy(bool),
            (delta > 0).fillna(False).to_numpy(bool),
            (delta < 0).fillna(False).to_numpy(bool),
        ],
        [lb.NOT_COMPARABLE, ROSE, FELL],
        default=UNCHANGED,
    )
    crit = crit.assign(
        year_from=year_from,
        year_to=year_to,
        comparable=comparable,
        share_change=delta.where(comparable),
        trend=pd.Series(trend, index=crit.index, dtype="string"),
        criterion_name=crit["criterion"].map(name_map).astype("string"),
    ).loc[
        :,
        [
            "year_from",
            "year_to",
            "criteria_set_from",
            "criteria_set_to",
            "criterion",
            "criterion_name",
            "share_from",
            "share_to",
            "share_change",
            "comparable",
            "trend",
        ],
    ]
    return YearComparison(year_from, year_to, per, cells, _sort(crit, ["criterion"]))


# --------------------------------------------------------------------------- gaps


NUMERIC_OPS = (">=", "<=", ">", "<")
#: Operators whose threshold is a floor (higher is better); the others are ceilings.
HIGHER_OPS = (">=", ">")


def gap_to_target(indicators: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Value, threshold and gap of every numeric indicator with a threshold.

    The gap is in the indicator's own unit and respects its direction:
    **positive = short of the target** (how much a "≥" indicator must still
    rise, or a "≤" indicator must still fall), zero or negative = target met
    (by that margin). Health-insurance coverage 88.2 against ≥ 95 gives 6.8;
    poverty 3.1 against ≤ 2 gives 1.1. Rows with no value keep a NA gap.
    Yes/no indicators and indicators with no threshold set are left out.

    >>> t = pd.DataFrame({"year": [2024, 2024], "commune": ["A", "B"],
    ...     "commune_code": ["1", "2"], "criteria_set": ["x", "x"], "criterion": ["15", "11"],
    ...     "indicator": ["15.1", "11"], "value": [88.2, 3.1], "unit": ["%", "%"],
    ...     "threshold": [95.0, 2.0], "threshold_op": [">=", "<="], "met": [False, False]})
    >>> gap_to_target(t)["gap"].tolist()
    [1.1, 6.8]
    """
    frame = _in_year(indicators, year)
    numeric = frame["threshold_op"].isin(NUMERIC_OPS).fillna(False) & frame["threshold"].notna()
    frame = frame.loc[numeric.astype(bool)]
    value = frame["value"].astype("Float64")
    threshold = frame["threshold"].astype("Float64")
    higher = frame["threshold_op"].isin(HIGHER_OPS).fillna(False).astype(bool)
    gap = (threshold - value).where(higher, value - threshold).round(9)
    cols = [
        c
        for c in [
            "year",
            "commune",
            "commune_code",
            "criteria_set",
            "criterion",
            "indicator",
            "value",
            "unit",
            "threshold_op",
            "threshold",
            "met",
        ]
        if c in frame.columns
    ]
    out = frame.loc[:, cols].assign(
        direction=pd.Series(np.where(higher, "higher", "lower"), index=frame.index, dtype="string"),
        gap=gap.astype("Float64"),
        shortfall=gap.clip(lower=0).astype("Float64"),
        short_of_target=(gap > 0).astype("boolean"),
    )
    return _sort(out, ["year", "criterion", "indicator", "commune"])


# --------------------------------------------------------------------------- progress


def _target_years(
    sets: pd.Series, target_year: int | Mapping[str, int] | None, catalog: object
) -> pd.Series:
    if isinstance(target_year, int):
        return pd.Series(target_year, index=sets.index, dtype="Int64")
    lookup: dict[str, int] = {}
    for set_id in sets.dropna().unique():
        if isinstance(target_year, Mapping) and set_id in target_year:
            lookup[set_id] = int(target_year[set_id])
        elif catalog is not None:
            lookup[set_id] = int(catalog.get(set_id).target_year)
        else:
            raise UsageError(
                f"No target year for criteria set {set_id!r}: pass target_year= or catalog=."
            )
    return sets.map(lookup).astype("Int64")


def _pair_lookup(frame: pd.DataFrame, fn) -> np.ndarray:
    """``fn(set_id, code)`` per row, computed once per distinct (criteria_set, indicator).

    The pairs are factorised (NA kept as its own pair) and the results mapped back by
    integer code, so the Python loop runs over the few distinct pairs only.
    """
    sets, codes = frame["criteria_set"], frame["indicator"]
    set_codes, set_uniques = pd.factorize(sets, use_na_sentinel=True)
    ind_codes, ind_uniques = pd.factorize(codes, use_na_sentinel=True)
    n_ind = len(ind_uniques) + 1
    pair = (set_codes.astype(np.int64) + 1) * n_ind + (ind_codes.astype(np.int64) + 1)
    pair_codes, pair_uniques = pd.factorize(pair)
    values = []
    for key in pair_uniques:
        s_i, i_i = divmod(int(key), n_ind)
        set_id = set_uniques[s_i - 1] if s_i else pd.NA
        code = ind_uniques[i_i - 1] if i_i else pd.NA
        values.append(fn(set_id, code))
    return np.asarray(values, dtype=object)[pair_codes]


def _directions(frame: pd.DataFrame, catalog: object) -> pd.Series:
    op = frame["threshold_op"]
    out = pd.Series(
        np.where(op.isin(HIGHER_OPS).fillna(True).astype(bool), "higher", "lower"),
        index=frame.index,
        dtype="string",
    ).where(op.isin(NUMERIC_OPS).fillna(False).astype(bool))
    if catalog is not None and out.isna().any():
        missing = out.isna()

        def direction(set_id, code):
            ind = catalog.get(set_id).indicator(code) if not pd.isna(set_id) else None
            return ind.direction if ind is not None else "higher"

        fill = pd.Series(
            _pair_lookup(frame.loc[missing], direction),
            index=frame.index[missing],
            dtype="string",
        )
        out = out.fillna(fill)
    return out.fillna("higher")


def _yes_no(frame: pd.DataFrame, catalog: object) -> pd.Series:
    """Rows of yes/no indicators: op "yes", or kind "yes_no" in the catalog."""
    flag = (frame["threshold_op"] == "yes").fillna(False).astype(bool)
    if catalog is None:
        return flag

    def is_yes_no(set_id, code):
        ind = None
        if not pd.isna(set_id):
            try:
                ind = catalog.get(set_id).indicator(code)
            except Exception:  # noqa: BLE001 - unknown set: keep the row
                ind = None
        return ind is not None and ind.kind == "yes_no"

    by_kind = pd.Series(_pair_lookup(frame, is_yes_no).astype(bool), index=frame.index)
    return flag | by_kind


def progress_status(
    indicators: pd.DataFrame,
    *,
    year: int | None = None,
    target_year: int | Mapping[str, int] | None = None,
    catalog: object = None,
) -> pd.DataFrame:
    """Open SDG progress status and outlook of each numeric indicator per commune.

    The method (Open SDG "progress measure", see the domain reference):

    * the **base year** is the first year with a value of that commune ×
      indicator (within one criteria set); the **current year** the last one,
      up to ``year`` when given;
    * the **target** is the threshold on the current year's row (where a
      decision sets thresholds per year, as for income, the target year's own
      figure is not in the table, so the current one stands in for it);
    * **target achieved** when the current value meets that threshold
      (checked first: one point is enough for it);
    * **not enough data** with fewer than 2 years of values;
    * with a target: the observed compound annual growth rate (base → current)
      divided by the rate required to reach the threshold from the base value
      by the target year; ratio ≥ 0.95 substantial, ≥ 0.6 moderate, ≥ 0
      limited, < 0 deterioration. For a lower-is-better indicator both rates
      are negative when things improve, so the ratio keeps its meaning;
    * without a threshold: the growth rate itself, signed by direction
      (lower is better: a fall counts as growth): ≥ 1.5 %/yr substantial,
      ≥ 0.5 % moderate, ≥ 0 limited, < 0 deterioration;
    * **zero or negative values**: compound growth is undefined, so for such a
      series (base, current or target ≤ 0) both rates are absolute changes per
      year in the indicator's unit (``rate_method`` = ``"linear"``) and the
      same ratio thresholds apply; without a threshold such a series is
      classed by the sign of its change only (rise of a higher-is-better
      indicator: limited; fall: deterioration);
    * when the required rate is not positive in the good direction (the base
      value already met the target) or the target year is not after the base
      year, the no-target rule is used on the observed rate.

    The **projected year** is when the current trend (same rate, from the
    current value) reaches the threshold; NA when the trend does not move
    towards it. ``projected_value`` is the value expected in the target year.
    ``outlook`` is ``labels.OUTLOOK_*``: already met, on track (projected
    year ≤ target year), off track, or cannot project.

    ``target_year`` is an int, ``{criteria_set: year}``, or taken from
    ``catalog.get(set).target_year``. With a catalog, yes/no indicators are
    recognised by kind even without a threshold, and the direction of
    indicators without a threshold comes from the catalog (else "higher").

    Every input of the classification is a column: ``base_year``,
    ``base_value``, ``current_year``, ``current_value``, ``n_years``,
    ``threshold_op``, ``target``, ``target_year``, ``rate_method``,
    ``observed_rate``, ``required_rate``, ``ratio``.
    """
    keys = COMMUNE_KEY + ["criteria_set", "criterion", "indicator"]
    # Only the columns used below, filtered in one pass: each row filter of the full
    # table would copy every text column.
    used = [*keys, "year", "value", "unit", "threshold_op", "threshold"]
    frame = indicators.loc[:, [c for c in used if c in indicators.columns]]
    keep = frame["value"].notna().to_numpy(dtype=bool, na_value=False)
    if year is not None:
        keep = keep & (frame["year"] <= year).to_numpy(dtype=bool, na_value=False)
    frame = frame.loc[keep]
    frame = frame.loc[~_yes_no(frame, catalog)]
    frame = frame.sort_values("year", kind="stable")
    grouped = frame.groupby(keys, dropna=False, sort=False)
    first = grouped.head(1).set_index(keys)
    last = grouped.tail(1).set_index(keys)
    n_years = grouped["year"].nunique()
    out = pd.DataFrame(
        {
            "base_year": first["year"].astype("Int64"),
            "base_value": first["value"].astype("Float64"),
            "current_year": last["year"].astype("Int64"),
            "current_value": last["value"].astype("Float64"),
            "n_years": n_years.reindex(last.index).astype("Int64"),
            "unit": last["unit"] if "unit" in last.columns else pd.NA,
            "threshold_op": last["threshold_op"],
            "target": last["threshold"].astype("Float64"),
        }
    ).reset_index()
    if out.empty:
        return _empty_progress()
    out = out.assign(
        direction=_directions(out, catalog),
        target_year=_target_years(out["criteria_set"], target_year, catalog),
    )
    has_target = out["target"].notna() & out["threshold_op"].isin(NUMERIC_OPS).fillna(False)
    out = out.assign(target=out["target"].where(has_target))
    res = _classify(out)
    out = pd.concat([out, res], axis=1)
    cols = keys + list(PROGRESS_COLUMNS)
    return _sort(out.loc[:, cols], ["criterion", "indicator", "commune"])


#: Columns of :func:`progress_status` after the commune and indicator keys: every input of
#: the classification, so that anyone can audit a status.
PROGRESS_COLUMNS = (
    "unit",
    "direction",
    "threshold_op",
    "target",
    "target_year",
    "base_year",
    "base_value",
    "current_year",
    "current_value",
    "n_years",
    "rate_method",
    "observed_rate",
    "required_rate",
    "ratio",
    "status",
    "projected_year",
    "projected_value",
    "outlook",
)


def _empty_progress() -> pd.DataFrame:
    cols = [*COMMUNE_KEY, "criteria_set", "criterion", "indicator", *PROGRESS_COLUMNS]
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})


#: A projection further than this many years ahead is reported as "not at this trend".
MAX_PROJECTION_YEARS = 100


def _num(col: pd.Series) -> np.ndarray:
    return pd.to_numeric(col, errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def _rate_status(rate: np.ndarray, substantial: float, moderate: float) -> np.ndarray:
    return np.select(
        [rate >= substantial, rate >= moderate, rate >= 0],
        [lb.PROGRESS_SUBSTANTIAL, lb.PROGRESS_MODERATE, lb.PROGRESS_LIMITED],
        default=lb.PROGRESS_DETERIORATION,
    )


def _classify(out: pd.DataFrame) -> pd.DataFrame:
    """Open SDG classification, vectorised over commune × indicator rows."""
    x0, x = _num(out["base_value"]), _num(out["current_value"])
    t0, t = _num(out["base_year"]), _num(out["current_year"])
    n, target, big_t = _num(out["n_years"]), _num(out["target"]), _num(out["target_year"])
    lower = (out["direction"] == "lower").fillna(False).to_numpy(bool)
    sign = np.where(lower, -1.0, 1.0)
    has_target = ~np.isnan(target)
    with np.errstate(all="ignore"):
        achieved = has_target & np.where(lower, x <= target, x >= target)
        span = t - t0
        positive = (x0 > 0) & (x > 0) & (~has_target | (target > 0))
        observed = np.where(
            span > 0, np.where(positive, (x / x0) ** (1.0 / span) - 1.0, (x - x0) / span), np.nan
        )
        horizon = big_t - t0
        can_require = has_target & (horizon > 0)
        required = np.where(
            can_require,
            np.where(positive, (target / x0) ** (1.0 / horizon) - 1.0, (target - x0) / horizon),
            np.nan,
        )
        moving = ~np.isnan(observed)
        use_ratio = ~achieved & (n >= 2) & moving & can_require & (sign * required > 0)
        ratio = np.where(use_ratio, observed / required, np.nan)
        status = np.select(
            [achieved, (n < 2) | ~moving, use_ratio, positive],
            [
                np.full(len(x), lb.PROGRESS_ACHIEVED),
                np.full(len(x), lb.PROGRESS_NOT_ENOUGH_DATA),
                _rate_status(ratio, RATIO_SUBSTANTIAL, RATIO_MODERATE),
                _rate_status(sign * observed, CAGR_SUBSTANTIAL, CAGR_MODERATE),
            ],
            default=np.where(sign * observed < 0, lb.PROGRESS_DETERIORATION, lb.PROGRESS_LIMITED),
        )
        ahead = big_t - t
        projected_value = np.where(
            moving & (ahead >= 0),
            np.where(positive, x * (1.0 + observed) ** ahead, x + observed * ahead),
            np.nan,
        )
        towards = has_target & moving & (sign * observed > 0) & ~achieved
        years = np.where(positive, np.log(target / x) / np.log1p(observed), (target - x) / observed)
        reachable = towards & (years >= 0) & (years <= MAX_PROJECTION_YEARS)
        projected_year = np.where(
            achieved, t, np.where(reachable, t + np.ceil(years - 1e-9), np.nan)
        )
    outlook = np.select(
        [
            achieved,
            ~has_target | ~moving | np.isnan(big_t),
            ~np.isnan(projected_year) & (projected_year <= big_t),
        ],
        [lb.OUTLOOK_ACHIEVED, lb.OUTLOOK_UNKNOWN, lb.OUTLOOK_ON_TRACK],
        default=lb.OUTLOOK_OFF_TRACK,
    )
    idx = out.index
    return pd.DataFrame(
        {
            "rate_method": pd.Series(
                np.where(positive, RATE_CAGR, RATE_LINEAR), index=idx, dtype="string"
            ),
            "observed_rate": pd.Series(observed, index=idx).astype("Float64"),
            "required_rate": pd.Series(required, index=idx).astype("Float64"),
            "ratio": pd.Series(ratio, index=idx).astype("Float64"),
            "status": pd.Series(status, index=idx, dtype="string"),
            "projected_year": pd.Series(projected_year, index=idx).astype("Int64"),
            "projected_value": pd.Series(projected_value, index=idx).astype("Float64"),
            "outlook": pd.Series(outlook, index=idx, dtype="string"),
        },
        index=idx,
    )


# --------------------------------------------------------------------------- lagging


def lagging_criteria(
    criteria: pd.DataFrame,
    indicators: pd.DataFrame | None,
    year: int,
    *,
    names: object = None,
    lang: str = "vi",
) -> pd.DataFrame:
    """Criteria ranked by communes short of them in ``year``, with the indicators behind each.

    ``communes_short`` counts communes whose criterion is not met, including
    those with no decision (``communes_no_data``). ``indicators_behind`` lists
    the unmet indicators with the number of communes short, most first
    ("17.2 (3); 17.5 (1)"). ``rank`` is 1 for the criterion most communes
    miss (ties share a rank); criteria every commune meets come last with
    ``lagging`` False.
    """
    name_map = _names(names, lang)
    crit = criteria.loc[criteria["year"] == year]
    out = _shortfall(crit, ~_is_true(crit["met"]), ["criteria_set", "criterion"])
    behind = lagging_indicators(indicators, year) if indicators is not None else None
    if behind is not None and not behind.empty:
        b = behind.loc[behind["communes_short"] > 0]
        b = b.sort_values(
            ["criterion", "communes_short", "indicator"],
            key=lambda c: _code_key(c) if c.name != "communes_short" else -c,
            kind="stable",
        )
        per = (
            b.assign(_txt=b["indicator"] + " (" + b["communes_short"].astype(str) + ")")
            .groupby("criterion")
            .agg(
                indicators_behind=("_txt", "; ".join), indicators_behind_count=("indicator", "size")
            )
            .reset_index()
        )
        out = out.merge(per, on="criterion", how="left")
    else:
        out = out.assign(indicators_behind=pd.NA, indicators_behind_count=0)
    out = out.assign(
        criterion_name=out["criterion"].map(name_map).astype("string"),
        share_met=(1 - out["communes_short"] / out["communes_total"]).astype("Float64"),
        lagging=out["communes_short"] > 0,
        rank=out["communes_short"].rank(method="min", ascending=False).astype("Int64"),
        communes_short_names=out["communes_short_names"].fillna("").astype("string"),
        indicators_behind=out["indicators_behind"].fillna("").astype("string"),
        indicators_behind_count=out["indicators_behind_count"].fillna(0).astype("int64"),
    )
    out = _sort(out, ["rank", "criterion"])
    return out.loc[
        :,
        [
            "rank",
            "criteria_set",
            "criterion",
            "criterion_name",
            "communes_total",
            "communes_short",
            "communes_no_data",
            "share_met",
            "lagging",
            "communes_short_names",
            "indicators_behind",
            "indicators_behind_count",
        ],
    ]


def _shortfall(frame: pd.DataFrame, short: pd.Series, keys: list[str]) -> pd.DataFrame:
    """Per ``keys``: communes in all, short (``short`` True) and without data, and
    the names of the communes short, in Vietnamese order."""
    work = frame.assign(_short=short, _nd=frame["met"].isna())
    out = (
        work.groupby(keys, dropna=False)
        .agg(
            communes_total=("commune", "size"),
            communes_short=("_short", "sum"),
            communes_no_data=("_nd", "sum"),
        )
        .reset_index()
    )
    short_rows = work.loc[work["_short"]]
    # the Vietnamese sort key once per distinct name, not once per (code, commune)
    sort_keys = {n: lb.vi_sort_key(n) for n in short_rows["commune"].astype(str).unique()}
    last = keys[-1]
    names = (
        short_rows.groupby(last)["commune"]
        .agg(lambda c: "; ".join(sorted(c.astype(str), key=sort_keys.__getitem__)))
        .rename("communes_short_names")
    )
    return out.merge(names.reset_index(), on=last, how="left")


def lagging_indicators(indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """Communes short of each indicator in ``year`` (met False), most first."""
    ind = indicators.loc[indicators["year"] == year]
    out = _shortfall(ind, _is_false(ind["met"]), ["criteria_set", "criterion", "indicator"])
    out = out.assign(communes_short_names=out["communes_short_names"].fillna("").astype("string"))
    out = _sort(out, ["indicator"])
    return out.sort_values("communes_short", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- tasks


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
    from .responsibility import assign_departments

    ind = indicators.loc[(indicators["year"] == year) & _is_false(indicators["met"])]
    keys = COMMUNE_KEY + ["criteria_set", "criterion", "indicator"]
    cols = [
        c
        for c in ["year"] + keys + ["value", "unit", "threshold_op", "threshold"]
        if c in ind.columns
    ]
    tasks = ind.loc[:, cols].assign(task_level="indicator")
    if criteria is not None:
        crit = criteria.loc[(criteria["year"] == year) & _is_false(criteria["met"])]
        covered = tasks.loc[:, COMMUNE_KEY + ["criterion"]].drop_duplicates().assign(_has=True)
        crit = crit.merge(covered, on=COMMUNE_KEY + ["criterion"], how="left")
        crit = crit.loc[crit["_has"].isna()]
        extra = crit.loc[:, ["year"] + COMMUNE_KEY + ["criteria_set", "criterion"]].assign(
            indicator=crit["criterion"], task_level="criterion"
        )
        tasks = pd.concat([tasks, extra], ignore_index=True) if not extra.empty else tasks
    gaps = gap_to_target(ind).loc[:, keys + ["gap"]]
    tasks = tasks.merge(gaps, on=keys, how="left")
    if progress is not None and not progress.empty:
        p = progress.loc[:, keys + ["status", "outlook", "projected_year", "target_year"]].rename(
            columns={"status": "progress_status"}
        )
        tasks = tasks.merge(p, on=keys, how="left")
    else:
        tasks = tasks.assign(
            progress_status=pd.NA, outlook=pd.NA, projected_year=pd.NA, target_year=pd.NA
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
    )
    if catalog is not None:
        tasks = tasks.assign(**_catalog_texts(tasks, catalog, lang))
    tasks = assign_departments(tasks, mapping, lang=lang)
    order = ["department", "criterion", "indicator", "commune"]
    tasks = _sort(tasks, order)
    first = ["department_id", "department", "year"] + keys
    return tasks.loc[:, first + [c for c in tasks.columns if c not in first]]


def _catalog_texts(frame: pd.DataFrame, catalog: object, lang: str) -> dict[str, pd.Series]:
    """``criterion_name`` and ``indicator_text`` of each row, from the catalog."""
    pairs = frame.loc[:, ["criteria_set", "criterion", "indicator"]].drop_duplicates()
    crit_names, ind_texts = {}, {}
    for set_id, number, code in pairs.itertuples(index=False):
        try:
            cs = catalog.get(set_id)
        except Exception:  # noqa: BLE001 - a set the catalog does not know: leave blank
            continue
        c = cs.criterion(number)
        i = cs.indicator(code)
        crit_names[(set_id, number, code)] = c.name(lang) if c is not None else pd.NA
        ind_texts[(set_id, number, code)] = i.text(lang) if i is not None else pd.NA
    keys = list(zip(frame["criteria_set"], frame["criterion"], frame["indicator"], strict=True))
    return {
        "criterion_name": pd.Series(
            [crit_names.get(k, pd.NA) for k in keys], index=frame.index, dtype="string"
        ),
        "indicator_text": pd.Series(
            [ind_texts.get(k, pd.NA) for k in keys], index=frame.index, dtype="string"
        ),
    }


# --------------------------------------------------------------------------- district


def _per_year(value: object, year: int) -> object:
    if isinstance(value, Mapping):
        return value.get(year)
    return value


def district_conditions(
    communes: pd.DataFrame,
    *,
    year: int | None = None,
    advanced: pd.DataFrame | None = None,
    towns_civilised: bool | Mapping[int, bool] | None = None,
    satisfaction: float | Mapping[int, float] | None = None,
    district_criteria: pd.DataFrame | None = None,
    lang: str = "vi",
) -> pd.DataFrame:
    """QĐ 320 district conditions per year, each met, not met or "cannot decide" with a reason.

    ``communes`` covers one district (filter it first). The conditions:
    ``all_communes_ntm`` (from ``communes``); ``advanced_share`` (≥ 10 % of
    communes advanced: ``advanced`` is the communes table evaluated against
    the advanced set, a commune with status ``ntm`` there being advanced);
    ``towns_civilised`` and ``satisfaction`` (≥ 90 %; a share or a percent)
    given by the caller; ``district_criteria`` (a criteria table of the
    district set: met when every criterion is met). Anything not supplied is
    ``cannot_decide`` with a reason; ``district_ntm`` sums them up (not met
    when any is not met, met when all are met, otherwise cannot decide).
    Communes in the registry but absent from the data are not seen here (see
    the reporting-completeness findings).
    """
    rows = []
    years = sorted(communes["year"].unique()) if year is None else [year]
    for y in years:
        com = communes.loc[communes["year"] == y]
        total = len(com)
        ntm = int((com["status"] == s.STATUS_NTM).sum())
        no_data = int((com["status"] == s.STATUS_NO_DATA).sum())
        not_ntm = int((com["status"] == s.STATUS_NOT_NTM).sum())
        conds = []
        if total == 0:
            conds.append(
                (
                    "all_communes_ntm",
                    "100%",
                    "",
                    lb.CONDITION_CANNOT_DECIDE,
                    "reason_communes_missing",
                )
            )
        elif not_ntm:
            conds.append(("all_communes_ntm", "100%", f"{ntm}/{total}", lb.CONDITION_NOT_MET, ""))
        elif no_data:
            conds.append(
                (
                    "all_communes_ntm",
                    "100%",
                    f"{ntm}/{total}",
                    lb.CONDITION_CANNOT_DECIDE,
                    "reason_communes_missing",
                )
            )
        else:
            conds.append(("all_communes_ntm", "100%", f"{ntm}/{total}", lb.CONDITION_MET, ""))

        req = f"≥ {DISTRICT_ADVANCED_SHARE:.0%}"
        adv = None if advanced is None else advanced.loc[advanced["year"] == y]
        if adv is None or adv.empty or total == 0:
            conds.append(
                ("advanced_share", req, "", lb.CONDITION_CANNOT_DECIDE, "reason_no_advanced_data")
            )
        else:
            n_adv = int((adv["status"] == s.STATUS_NTM).sum())
            share = n_adv / total
            res = lb.CONDITION_MET if share >= DISTRICT_ADVANCED_SHARE else lb.CONDITION_NOT_MET
            conds.append(("advanced_share", req, f"{n_adv}/{total} ({share:.0%})", res, ""))

        towns = _per_year(towns_civilised, y)
        if towns is None:
            conds.append(
                ("towns_civilised", "100%", "", lb.CONDITION_CANNOT_DECIDE, "reason_no_town_data")
            )
        else:
            res = lb.CONDITION_MET if towns else lb.CONDITION_NOT_MET
            conds.append(("towns_civilised", "100%", str(bool(towns)), res, ""))

        sat = _per_year(satisfaction, y)
        req = f"≥ {DISTRICT_SATISFACTION:.0%}"
        if sat is None or pd.isna(sat):
            conds.append(
                ("satisfaction", req, "", lb.CONDITION_CANNOT_DECIDE, "reason_no_satisfaction_data")
            )
        else:
            share = float(sat) / 100 if float(sat) > 1 else float(sat)
            res = lb.CONDITION_MET if share >= DISTRICT_SATISFACTION else lb.CONDITION_NOT_MET
            conds.append(("satisfaction", req, f"{share:.0%}", res, ""))

        dc = (
            None
            if district_criteria is None
            else district_criteria.loc[district_criteria["year"] == y]
        )
        if dc is None or dc.empty:
            conds.append(
                (
                    "district_criteria",
                    "100%",
                    "",
                    lb.CONDITION_CANNOT_DECIDE,
                    "reason_no_district_criteria",
                )
            )
        else:
            met = int(_is_true(dc["met"]).sum())
            n = len(dc)
            if met == n:
                res, reason = lb.CONDITION_MET, ""
            elif _is_false(dc["met"]).any():
                res, reason = lb.CONDITION_NOT_MET, ""
            else:
                res, reason = lb.CONDITION_CANNOT_DECIDE, "reason_no_district_criteria"
            conds.append(("district_criteria", f"{n}/{n}", f"{met}/{n}", res, reason))

        results = [c[3] for c in conds]
        if lb.CONDITION_NOT_MET in results:
            overall = lb.CONDITION_NOT_MET
        elif all(r == lb.CONDITION_MET for r in results):
            overall = lb.CONDITION_MET
        else:
            overall = lb.CONDITION_CANNOT_DECIDE
        conds.append(("district_ntm", "", "", overall, ""))
        for cond, required, observed, result, reason in conds:
            rows.append(
                {
                    "year": int(y),
                    "condition": cond,
                    "condition_label": lb.label(f"cond_{cond}", lang)
                    if cond != "district_ntm"
                    else lb.label("district_ntm", lang),
                    "required": required,
                    "observed": observed,
                    "result": result,
                    "result_label": lb.label(result, lang),
                    "reason": lb.label(reason, lang) if reason else "",
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "year",
            "condition",
            "condition_label",
            "required",
            "observed",
            "result",
            "result_label",
            "reason",
        ],
    )
    return out.astype({c: "string" for c in out.columns if c != "year"})
