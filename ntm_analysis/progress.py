"""Distance to target and progress toward it: gaps, unmet indicators and Open SDG progress."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import labels as lb
from . import schema as s
from .columnar import (
    code_ranks,
    codes_of,
    combine,
    equals,
    floats,
    group_ids,
    ints,
    is_true,
    is_value,
    match_rows,
    numbers_of,
    order_by,
    sort_rows,
    take_at,
    text_column,
)
from .errors import UsageError

#: Open SDG thresholds of the ratio observed / required growth (with a target).
RATIO_SUBSTANTIAL = 0.95
RATIO_MODERATE = 0.6
#: Open SDG thresholds of the observed growth rate per year (without a target).
CAGR_SUBSTANTIAL = 0.015
CAGR_MODERATE = 0.005

#: How an observed / required rate was computed (``rate_method`` column).
RATE_CAGR = "cagr"  # compound annual growth rate, relative
RATE_LINEAR = "linear"  # absolute change per year, in the indicator's unit


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
        if c in indicators.columns
    ]
    # the columns first, then one row filter: a row filter copies every column it keeps
    frame = indicators.loc[:, cols]
    keep = frame["threshold_op"].isin(s.NUMERIC_OPS).to_numpy(bool, na_value=False)
    keep = keep & frame["threshold"].notna().to_numpy(bool)
    if year is not None:
        keep = keep & equals(frame["year"], year)
    frame = frame.loc[keep]
    value = frame["value"].astype("Float64")
    threshold = frame["threshold"].astype("Float64")
    higher = frame["threshold_op"].isin(s.HIGHER_OPS).to_numpy(bool, na_value=False)
    gap = (threshold - value).where(higher, value - threshold).round(9)
    out = frame.assign(
        direction=pd.Series(np.where(higher, "higher", "lower"), index=frame.index, dtype="string"),
        gap=gap.astype("Float64"),
        shortfall=gap.clip(lower=0).astype("Float64"),
        short_of_target=(gap > 0).astype("boolean"),
    )
    return sort_rows(out, ["year", "criterion", "indicator", "commune"])


def unmet_indicators(indicators: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Every indicator not met, with its gap to target, or no gap where it has no target.

    The gap view must not hide an unmet indicator because no threshold is set
    (judged by the commune's own appraisal): such rows keep a NA ``gap`` and
    ``has_target`` False. Rows met, or undecided, are left out.
    """
    frame = indicators if year is None else indicators.loc[equals(indicators["year"], year)]
    frame = frame.loc[~is_true(frame["met"]) & frame["met"].notna().to_numpy(bool)]
    gaps = gap_to_target(frame)
    keys = ["year", "commune_code", "commune", "indicator"]
    hit = match_rows(frame, gaps, keys)
    cols = [c for c in ["year", "commune", "commune_code", "criterion", "indicator", "value",
                        "unit", "threshold_op", "threshold"] if c in frame.columns]  # fmt: skip
    out = frame.loc[:, cols].reset_index(drop=True)
    gap = take_at(gaps["gap"], hit, out.index).astype("Float64")
    has_target = frame["threshold_op"].isin(s.NUMERIC_OPS).to_numpy(bool, na_value=False)
    out = out.assign(gap=gap, has_target=pd.array(has_target, dtype="boolean"))
    return sort_rows(out, ["year", "criterion", "indicator", "commune"])


# --------------------------------------------------------------------------- progress


def _target_years(
    sets: pd.Series, target_year: int | Mapping[str, int] | None, catalog: object
) -> pd.Series:
    if isinstance(target_year, int):
        return pd.Series(target_year, index=sets.index, dtype="Int64")
    codes, values = codes_of(sets)
    years: list[int | None] = [None] * (len(values) + 1)  # the last one for NA
    for code in pd.unique(codes[codes >= 0]):  # sets present, in order of appearance
        set_id = values[code]
        if isinstance(target_year, Mapping) and set_id in target_year:
            years[code] = int(target_year[set_id])
        elif catalog is not None:
            years[code] = int(catalog.get(set_id).target_year)
        else:
            raise UsageError(
                f"No target year for criteria set {set_id!r}: pass target_year= or catalog=."
            )
    return pd.Series(pd.array(years, dtype="Int64")[codes], index=sets.index)


def _pair_lookup(
    sets: tuple[np.ndarray, pd.Index],
    codes: tuple[np.ndarray, pd.Index],
    fn,
    dtype,
    *,
    every_pair: bool = False,
) -> np.ndarray:
    """``fn(set_id, code)`` per row, called once per distinct (criteria_set, indicator) pair.

    ``sets`` and ``codes`` are the coded columns (see :func:`codes_of`): the pairs
    are combined integer codes, so the Python loop runs over the few distinct
    pairs only and each row gets its result by one look-up. With ``every_pair``
    (for an ``fn`` that is safe on any pair) the table covers every combination of
    the two columns' values, which spares a pass to find the pairs present.
    """
    (set_codes, set_values), (ind_codes, ind_values) = sets, codes
    n_pairs = (len(set_values) + 1) * (len(ind_values) + 1)
    if every_pair and n_pairs <= 2**16:
        index = set_codes.astype(np.int32)  # small ids: less to read and write
        index += 1
        index *= len(ind_values) + 1
        index += ind_codes
        index += 1
        pairs = np.arange(n_pairs)
        table, slots = np.zeros(n_pairs, dtype=dtype), pairs
    else:
        ids, bound = combine([(set_codes, len(set_values)), (ind_codes, len(ind_values))])
        if bound <= 2 * len(ids) + 1024:  # few possible pairs: a table over all of them
            pairs = np.flatnonzero(np.bincount(ids, minlength=bound))
            table, slots, index = np.zeros(bound, dtype=dtype), pairs, ids
        else:
            index, pairs = pd.factorize(ids)
            table, slots = np.zeros(len(pairs), dtype=dtype), np.arange(len(pairs))
    set_digit, ind_digit = np.divmod(pairs, len(ind_values) + 1)  # code + 1, 0 for NA
    table[slots] = [
        fn(set_values[si - 1] if si else pd.NA, ind_values[ii - 1] if ii else pd.NA)
        for si, ii in zip(set_digit.tolist(), ind_digit.tolist(), strict=True)
    ]
    return np.take(table, index)


def _directions(frame: pd.DataFrame, catalog: object) -> pd.Series:
    """ "higher" or "lower" per row: from a numeric operator, else the catalog, else "higher"."""
    op = frame["threshold_op"]
    numeric = op.isin(s.NUMERIC_OPS).to_numpy(bool, na_value=False)
    labels = ["higher", "lower"]
    codes = np.where(op.isin(s.HIGHER_OPS).to_numpy(bool, na_value=False), 0, 1)
    codes[~numeric] = 0
    if catalog is not None and not numeric.all():

        def direction(set_id, code):
            ind = catalog.get(set_id).indicator(code) if not pd.isna(set_id) else None
            found = ind.direction if ind is not None and not pd.isna(ind.direction) else "higher"
            if found not in labels:
                labels.append(found)
            return labels.index(found)

        (set_codes, set_values), (ind_codes, ind_values) = (
            codes_of(frame["criteria_set"]),
            codes_of(frame["indicator"]),
        )
        rest = ~numeric
        codes[rest] = _pair_lookup(
            (set_codes[rest], set_values), (ind_codes[rest], ind_values), direction, np.int64
        )
    return text_column(labels, codes, frame.index)


def _yes_no(
    ops: pd.Series,
    sets: tuple[np.ndarray, pd.Index],
    codes: tuple[np.ndarray, pd.Index],
    catalog: object,
) -> np.ndarray:
    """Rows of yes/no indicators: op "yes", or kind "yes_no" in the catalog.

    ``sets`` and ``codes`` are the coded criteria_set and indicator columns.
    """
    flag = is_value(ops, "yes")
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

    return flag | _pair_lookup(sets, codes, is_yes_no, bool, every_pair=True)


@dataclass(frozen=True)
class _SeriesEnds:
    """Per series: the rows (of the frame) of its base, current and previous year
    (-1: none), those years (-1: none) and its number of years with a value."""

    base: np.ndarray
    current: np.ndarray
    previous: np.ndarray
    base_year: np.ndarray
    current_year: np.ndarray
    previous_year: np.ndarray
    n_years: np.ndarray


def _series_ends(
    years: np.ndarray, rows: np.ndarray, group: np.ndarray, n_groups: int
) -> _SeriesEnds:
    """The ends of each series ``group`` (0 .. n_groups - 1) of the ``rows`` of a frame
    with these ``years``: the base (first year, earliest row), the current (last year,
    latest row) and the year before the current one, as the extremes of one (year, row)
    number per row."""
    first_year = int(years.min())
    years = years - first_year
    n_span = int(years.max()) + 1
    small = np.int32 if len(rows) * n_span < 2**31 else np.int64
    when = years.astype(small)
    when *= len(rows)
    when += np.arange(len(rows), dtype=small)
    base = np.full(n_groups, np.iinfo(small).max, dtype=small)
    np.minimum.at(base, group, when)
    current = np.full(n_groups, -1, dtype=small)
    np.maximum.at(current, group, when)
    # the year before the current one (for the latest change): the latest of the other years
    earlier = years < (current[group] // len(rows))
    previous = np.full(n_groups, -1, dtype=small)
    np.maximum.at(previous, group[earlier], when[earlier])
    del when, earlier
    seen = np.zeros((n_groups, n_span), dtype=bool)
    seen[group, years] = True
    n_years = seen.sum(axis=1)
    del seen
    has_previous = previous >= 0
    return _SeriesEnds(
        base=rows[base % len(rows)],
        current=rows[current % len(rows)],
        previous=np.where(has_previous, rows[np.where(has_previous, previous, 0) % len(rows)], -1),
        base_year=first_year + base // len(rows),
        current_year=first_year + current // len(rows),
        previous_year=np.where(has_previous, first_year + previous // len(rows), -1),
        n_years=n_years,
    )


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
    keys = s.COMMUNE_KEY + ["criteria_set", "criterion", "indicator"]
    shown = [c for c in ["unit", "threshold_op", "threshold"] if c in indicators.columns]
    frame = indicators.loc[:, [*keys, "year", "value", *shown]]
    coded = {k: codes_of(frame[k]) for k in keys}
    keep = frame["value"].notna().to_numpy(dtype=bool)
    if year is not None:
        keep = keep & (frame["year"] <= year).to_numpy(dtype=bool, na_value=False)
    keep = keep & ~_yes_no(
        frame["threshold_op"], coded["criteria_set"], coded["indicator"], catalog
    )
    rows = np.flatnonzero(keep)
    if not len(rows):
        return _empty_progress()
    # one group per commune x indicator series, on integer codes
    group, n_groups = group_ids([(c[rows], len(v)) for c, v in coded.values()])
    ends = _series_ends(frame["year"].to_numpy(dtype=np.int64)[rows], rows, group, n_groups)
    base, current, previous, n_years = ends.base, ends.current, ends.previous, ends.n_years
    base_year, current_year, previous_year = ends.base_year, ends.current_year, ends.previous_year
    # the output order, from the codes of the keys (every key sorts: the order depends
    # neither on the order of the rows nor on dtypes or categories)
    order = order_by(
        *(
            code_ranks(coded[k][0][current], coded[k][1], k)[0]
            for k in ["criterion", "indicator", "commune", "commune_code", "criteria_set"]
        )
    )
    base, current, n_years = base[order], current[order], n_years[order]
    base_year, current_year = base_year[order], current_year[order]
    previous, previous_year = previous[order], previous_year[order]
    last = frame.loc[:, keys + shown].take(current).reset_index(drop=True)
    op = last["threshold_op"]
    numeric = op.isin(s.NUMERIC_OPS).to_numpy(bool, na_value=False)
    target = np.where(numeric, numbers_of(last["threshold"]), np.nan)
    direction = _directions(last, catalog)
    target_years = _target_years(last["criteria_set"], target_year, catalog)
    base_value = numbers_of(frame["value"].take(base))
    current_value = numbers_of(frame["value"].take(current))
    previous_value = np.where(
        previous >= 0, numbers_of(frame["value"].take(np.where(previous >= 0, previous, 0))), np.nan
    )
    lower = equals(direction, "lower")
    computed = _classify(
        x0=base_value,
        x=current_value,
        t0=base_year,
        t=current_year,
        n=n_years,
        target=target,
        big_t=numbers_of(target_years),
        lower=lower,
        best=_best_values(lower, last),
        x_prev=previous_value,
    )
    columns = {k: last[k] for k in keys} | {
        "unit": last["unit"] if "unit" in last.columns else pd.Series(pd.NA, index=last.index),
        "direction": direction,
        "threshold_op": op,
        "target": floats(target),
        "target_year": target_years,
        "base_year": ints(base_year),
        "base_value": floats(base_value),
        "current_year": ints(current_year),
        "current_value": floats(current_value),
        "n_years": ints(n_years),
        "previous_year": ints(np.where(previous_year >= 0, previous_year, np.nan)),
        "previous_value": floats(previous_value),
        **computed,
    }
    return pd.DataFrame({c: columns[c] for c in [*keys, *PROGRESS_COLUMNS]}, index=last.index)


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
    "previous_year",
    "previous_value",
    "latest_change",
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
    cols = [*s.COMMUNE_KEY, "criteria_set", "criterion", "indicator", *PROGRESS_COLUMNS]
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})


#: A projection further than this many years ahead is reported as "not at this trend".
MAX_PROJECTION_YEARS = 100


#: Progress statuses and outlooks by the integer codes :func:`_classify` works with.
_STATUSES = (
    lb.PROGRESS_ACHIEVED,
    lb.PROGRESS_NOT_ENOUGH_DATA,
    lb.PROGRESS_SUBSTANTIAL,
    lb.PROGRESS_MODERATE,
    lb.PROGRESS_LIMITED,
    lb.PROGRESS_DETERIORATION,
)
_OUTLOOKS = (lb.OUTLOOK_ACHIEVED, lb.OUTLOOK_UNKNOWN, lb.OUTLOOK_ON_TRACK, lb.OUTLOOK_OFF_TRACK)


def _rate_status(rate: np.ndarray, substantial: float, moderate: float) -> np.ndarray:
    """Code in ``_STATUSES``: substantial (2), moderate (3), limited progress (4) or
    deterioration (5, also for NaN): one step up per threshold reached."""
    steps = (rate >= 0).astype(np.int8)
    steps += rate >= moderate
    steps += rate >= substantial
    return 5 - steps


def _rate(start: np.ndarray, end: np.ndarray, years: np.ndarray, compound: np.ndarray):
    """Change per year from ``start`` to ``end``: compound growth rate or absolute change."""
    return np.where(compound, (end / start) ** (1.0 / years) - 1.0, (end - start) / years)


def _project(value: np.ndarray, rate: np.ndarray, years: np.ndarray, compound: np.ndarray):
    """``value`` after ``years`` at ``rate`` per year (see :func:`_rate`)."""
    return np.where(compound, value * (1.0 + rate) ** years, value + rate * years)


def _years_to(value: np.ndarray, goal: np.ndarray, rate: np.ndarray, compound: np.ndarray):
    """Years for ``value`` to reach ``goal`` at ``rate`` per year (see :func:`_rate`)."""
    return np.where(compound, np.log(goal / value) / np.log1p(rate), (goal - value) / rate)


def _on(rows: np.ndarray, fn, *columns: np.ndarray) -> np.ndarray:
    """``fn(*columns)`` computed on the ``rows`` (a mask) only; NaN on the others."""
    out = np.full(len(rows), np.nan)
    if rows.any():
        out[rows] = fn(*(c[rows] for c in columns))
    return out


def _best_values(lower: np.ndarray, last: pd.DataFrame) -> np.ndarray:
    """The best value an indicator can take: 0 when lower is better, 100 for a
    higher-is-better percentage, none otherwise (NaN)."""
    unit = last["unit"] if "unit" in last.columns else pd.Series(pd.NA, index=last.index)
    percent = unit.astype("string").str.strip().eq("%").to_numpy(bool, na_value=False)
    return np.where(lower, 0.0, np.where(percent, 100.0, np.nan))


def is_achieved(x: np.ndarray, target: np.ndarray, best: np.ndarray, lower: np.ndarray):
    """The rule for "target achieved": the current value meets its target (NaN: none),
    or is at the best value the indicator can take (0 temporary houses, 100 %).

    >>> is_achieved(np.array([96.0, 80.0, 0.0]), np.array([95.0, 95.0, np.nan]),
    ...             np.array([100.0, 100.0, 0.0]), np.array([False, False, True])).tolist()
    [True, False, True]
    """
    with np.errstate(all="ignore"):
        at_best = ~np.isnan(best) & np.where(lower, x <= best, x >= best)
        meets = ~np.isnan(target) & np.where(lower, x <= target, x >= target)
    return meets | at_best


def progress_code(
    *,
    achieved: np.ndarray,
    enough: np.ndarray,
    has_ratio: np.ndarray,
    ratio: np.ndarray,
    compound: np.ndarray,
    gain: np.ndarray,
    fell: np.ndarray,
) -> np.ndarray:
    """The Open SDG rule, as a code in ``_STATUSES``, in this order:

    * target achieved (one point is enough for it);
    * not enough data (``enough`` False: fewer than 2 years, or no rate);
    * with a ``ratio`` of the observed to the required rate (``has_ratio``: a target
      still to reach by a later target year): ≥ 0.95 substantial,
      ≥ 0.6 moderate, ≥ 0 limited, < 0 deterioration;
    * otherwise the observed growth rate signed by direction (``gain``): for a
      positive (``compound``) series ≥ 1.5 %/yr substantial, ≥ 0.5 % moderate,
      ≥ 0 limited; for a series through zero, limited or deterioration by its sign;
    * and a value that moved the wrong way in the latest year (``fell``) is at
      most limited progress, whatever the trend since the base.

    >>> codes = progress_code(achieved=np.array([0, 0, 0, 0], bool),
    ...     enough=np.array([1, 1, 1, 0], bool), has_ratio=np.array([1, 0, 1, 0], bool),
    ...     ratio=np.array([1.2, np.nan, 1.2, np.nan]),
    ...     compound=np.array([1, 1, 1, 1], bool), gain=np.array([0.5, 0.01, 0.5, np.nan]),
    ...     fell=np.array([0, 0, 1, 0], bool))
    >>> [_STATUSES[c] for c in codes]
    ['substantial_progress', 'moderate_progress', 'limited_progress', 'not_enough_data']
    """
    status = np.select(
        [achieved, ~enough, has_ratio, compound],
        [
            0,
            1,
            _rate_status(ratio, RATIO_SUBSTANTIAL, RATIO_MODERATE),
            _rate_status(gain, CAGR_SUBSTANTIAL, CAGR_MODERATE),
        ],
        default=np.where(gain < 0, 5, 4),
    )
    return np.where(fell & (status >= 2) & (status < 4), 4, status)


def outlook_code(
    *,
    achieved: np.ndarray,
    projectable: np.ndarray,
    projected_year: np.ndarray,
    big_t: np.ndarray,
) -> np.ndarray:
    """The outlook, as a code in ``_OUTLOOKS``: already met; cannot project (no target,
    no trend or no target year: ``projectable`` False); on track when the projected
    year is at or before the target year; otherwise off track.

    >>> codes = outlook_code(achieved=np.array([0, 0, 0], bool),
    ...     projectable=np.array([1, 1, 0], bool), projected_year=np.array([2024.0, np.nan, 2024]),
    ...     big_t=np.array([2025.0, 2025, 2025]))
    >>> [_OUTLOOKS[c] for c in codes]
    ['on_track', 'off_track', 'outlook_unknown']
    """
    return np.select(
        [achieved, ~projectable, ~np.isnan(projected_year) & (projected_year <= big_t)],
        [0, 1, 2],
        default=3,
    )


def _classify(
    *,
    x0: np.ndarray,
    x: np.ndarray,
    t0: np.ndarray,
    t: np.ndarray,
    n: np.ndarray,
    target: np.ndarray,
    big_t: np.ndarray,
    lower: np.ndarray,
    best: np.ndarray | None = None,
    x_prev: np.ndarray | None = None,
) -> dict[str, object]:
    """Open SDG classification, vectorised over commune × indicator series.

    Base and current value (``x0``, ``x``) and year (``t0``, ``t``), years with a
    value ``n``, ``target`` (NaN: none) and target year ``big_t`` (NaN: none);
    ``lower`` where lower is better; ``best`` the best value the indicator can
    take (NaN: none) and ``x_prev`` the value of the year before the current
    one (NaN: none). Returns the computed columns of :data:`PROGRESS_COLUMNS`.
    The rules are :func:`is_achieved`, :func:`progress_code` and
    :func:`outlook_code`; the rates and projections are computed here.
    """
    sign = np.where(lower, -1.0, 1.0)
    has_target = ~np.isnan(target)
    best = np.full(len(x), np.nan) if best is None else best
    x_prev = np.full(len(x), np.nan) if x_prev is None else x_prev
    achieved = is_achieved(x, target, best, lower)
    with np.errstate(all="ignore"):
        latest_change = x - x_prev
        span = t - t0
        # compound growth where every value is positive, else absolute change per year
        compound = (x0 > 0) & (x > 0) & (~has_target | (target > 0))
        observed = _on(span > 0, _rate, x0, x, span, compound)
        gain = sign * observed  # positive when moving the good way
        moving = ~np.isnan(observed)
        horizon = big_t - t0
        can_require = has_target & (horizon > 0)
        required = _on(can_require, _rate, x0, target, horizon, compound)
        use_ratio = ~achieved & (n >= 2) & moving & can_require & (sign * required > 0)
        ratio = np.where(use_ratio, observed / required, np.nan)
        status = progress_code(
            achieved=achieved,
            enough=(n >= 2) & moving,
            has_ratio=use_ratio,
            ratio=ratio,
            compound=compound,
            gain=gain,
            fell=sign * latest_change < 0,
        )
        ahead = big_t - t
        projected_value = _on(moving & (ahead >= 0), _project, x, observed, ahead, compound)
        towards = has_target & moving & (gain > 0) & ~achieved
        years = _on(towards, _years_to, x, target, observed, compound)
        reachable = towards & (years >= 0) & (years <= MAX_PROJECTION_YEARS)
        projected_year = np.where(
            achieved, t, np.where(reachable, t + np.ceil(years - 1e-9), np.nan)
        )
    outlook = outlook_code(
        achieved=achieved,
        projectable=has_target & moving & ~np.isnan(big_t),
        projected_year=projected_year,
        big_t=big_t,
    )
    return {
        "latest_change": floats(latest_change),
        "rate_method": text_column([RATE_CAGR, RATE_LINEAR], np.where(compound, 0, 1)).array,
        "observed_rate": floats(observed),
        "required_rate": floats(required),
        "ratio": floats(ratio),
        "status": text_column(_STATUSES, status).array,
        "projected_year": ints(projected_year),
        "projected_value": floats(projected_value),
        "outlook": text_column(_OUTLOOKS, outlook).array,
    }
