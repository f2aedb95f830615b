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

Text columns may be categoricals (as :func:`~ntm_analysis.evaluation.evaluate`
returns them, categories in any order) or strings (as tables read back from
disk): the results have the same rows, in the same order, with the same values.
Text columns taken from the input keep its dtype; text made here is "string".
Rows are sorted by value (criterion and indicator codes numerically, commune
names in Vietnamese order), with every key column named, so that ties never
fall back on the order of categories.
"""

from __future__ import annotations

import collections
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import labels as lb
from . import schema as s
from .codes import codes_of as _codes
from .codes import first_positions, order_by, shared_codes
from .codes import ranks_of as _ranks_of
from .errors import UsageError
from .evaluation import code_sort_key

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


# --------------------------------------------------------------------------- sort keys
#
# The text columns of the tables come either as categoricals (from evaluate) or as
# plain strings (read back from disk). The work below runs on integer codes (a
# categorical's own codes, or one pd.factorize), and every order is taken from the
# values: the order of a categorical's categories never shows in a result. A sort
# ranks each distinct value once (codes numerically, commune names in Vietnamese
# order, other text by its value), then orders the rows by one integer key.


#: Bound of the combined integer keys (kept well inside int64).
_MAX_KEY = 2**62


def _code_order(code: object) -> tuple[tuple[int, ...], str]:
    """:func:`code_sort_key`, then the text itself for codes it cannot tell apart ("1.a", "1.b")."""
    return code_sort_key(code), str(code)


#: Display order of the values of some columns; any other text column sorts by its value.
_VALUE_ORDER = {"criterion": _code_order, "indicator": _code_order, "commune": lb.vi_sort_key}


def sort_codes(codes) -> list[str]:
    """Distinct codes in numeric order, NA dropped.

    >>> sort_codes(["10", "2", "2", "1"])
    ['1', '2', '10']
    >>> sort_codes(pd.Series(["10", None, "2"], dtype="category"))
    ['2', '10']
    """
    if isinstance(codes, pd.Series):
        codes = codes.dropna().unique()
    return sorted({str(c) for c in codes if not pd.isna(c)}, key=_code_order)


def column_sort_key(col: pd.Series) -> pd.Series:
    """Sort key of a column: numeric rank of codes, Vietnamese order of commune names.

    A categorical column is ranked by its values, not by the order of its
    categories; any other column is its own key.

    >>> col = pd.Series(pd.Categorical(["10", "2"], categories=["10", "2"]), name="criterion")
    >>> column_sort_key(col).tolist()
    [1, 0]
    """
    if col.name not in _VALUE_ORDER and not isinstance(col.dtype, pd.CategoricalDtype):
        return col
    codes, values = _codes(col)
    ranks = pd.array(np.append(_value_ranks(values, col.name), 0)[codes], dtype="Int64")
    ranks[codes < 0] = pd.NA
    return pd.Series(ranks, index=col.index, name=col.name)


_code_key = column_sort_key


def _sort(frame: pd.DataFrame, by: list[str], ascending: bool | list[bool] = True) -> pd.DataFrame:
    """``frame`` sorted by ``by`` in display order (see :func:`column_sort_key`), NA last,
    ties in their current order; index reset."""
    if frame.empty:
        return frame.reset_index(drop=True)
    return frame.take(_sort_order(frame, by, ascending)).reset_index(drop=True)


def _sort_order(
    frame: pd.DataFrame, by: list[str], ascending: bool | list[bool] = True
) -> np.ndarray:
    """The row order of :func:`_sort` (columns of ``by`` not in ``frame`` are left out)."""
    flags = [ascending] * len(by) if isinstance(ascending, bool) else list(ascending)
    ranks = [
        _sort_ranks(frame[c], descending=not a)[0]
        for c, a in zip(by, flags, strict=True)
        if c in frame.columns
    ]
    return order_by(*ranks) if ranks else np.arange(len(frame))


def _sort_ranks(col: pd.Series, *, descending: bool = False) -> tuple[np.ndarray, int]:
    """Dense rank of each row in the column's display order, NA last; and the number of ranks."""
    if col.name in _VALUE_ORDER or _is_text(col.dtype):
        return _code_ranks(*_codes(col), col.name, descending=descending)
    numbers = col.to_numpy(dtype=np.float64, na_value=np.nan)
    known = ~np.isnan(numbers)
    distinct = np.unique(numbers[known])  # sorted
    codes = np.where(known, np.searchsorted(distinct, numbers), -1)
    return _code_ranks(codes, pd.Index(distinct), None, descending=descending)


def _code_ranks(
    codes: np.ndarray, values: pd.Index, name: object, *, descending: bool = False
) -> tuple[np.ndarray, int]:
    """:func:`_sort_ranks` of a coded column (see :func:`_codes`) named ``name``."""
    if name in _VALUE_ORDER or _is_text(values.dtype):
        ranks = _value_ranks(values, name)
    else:  # numbers, in order already
        ranks = np.arange(len(values))
    size = len(values)
    if descending:
        ranks = size - 1 - ranks
    return np.take(np.append(ranks, size), codes), size + 1  # code -1 (NA): the last rank


def _value_ranks(values: pd.Index, name: object) -> np.ndarray:
    """Rank of each of ``values`` in display order (see ``_VALUE_ORDER``), from 0.

    Cached (the result is read-only): the tables of one evaluation share their
    commune names, whose Vietnamese keys cost the most; the categories of a
    categorical column are even the same object from one call to the next.
    """
    key = _VALUE_ORDER.get(name)
    for seen, seen_key, ranks in _RECENT_RANKS:
        if seen is values and seen_key is key:
            return ranks
    ranks = _ranks_of(tuple(values.tolist()), key)
    _RECENT_RANKS.appendleft((values, key, ranks))
    return ranks


_RECENT_RANKS: collections.deque = collections.deque(maxlen=8)


# --------------------------------------------------------------------------- integer codes
#
# Grouping, counting and matching rows on integer codes instead of text.


def _is_text(dtype: object) -> bool:
    return pd.api.types.is_object_dtype(dtype) or isinstance(
        dtype, (pd.CategoricalDtype, pd.StringDtype)
    )


def _combine(coded: Sequence[tuple[np.ndarray, int]], *, spare: int = 1) -> tuple[np.ndarray, int]:
    """One integer id per row for a combination of coded columns, given as (codes, number of
    distinct values) pairs; and the bound of the ids (mixed radix, a digit for NA).

    The ids are int32 when ``bound * spare`` fits (less to read and write), so that
    the caller can scale them by ``spare`` in place.
    """
    sizes = [n_values + 1 for _, n_values in coded]
    dtype = np.int32 if math.prod(sizes) * spare < 2**31 else np.int64
    ids, bound, offset = None, 1, 0  # the id of a row is ids + offset
    for (codes, _), size in zip(coded, sizes, strict=True):
        if ids is None:
            ids = codes.astype(dtype)
        else:
            if bound * size > _MAX_KEY:  # renumber the ids so far, densely
                ids, uniques = pd.factorize(ids)
                bound, offset = len(uniques), 0
            ids *= size  # in place: one array for all the keys
            ids += codes
        offset = offset * size + 1  # NA's code -1 is digit 0
        bound *= size
    ids += offset
    return ids, bound


def _group_ids(coded: Sequence[tuple[np.ndarray, int]]) -> tuple[np.ndarray, int]:
    """Group number of each row (0 .. n_groups - 1, in no particular order) over coded
    columns given as (codes, number of distinct values) pairs; and the number of groups.

    The columns are combined in mixed radix from the fewest values to the most; the
    ids so far are renumbered densely by a count (no hashing) whenever the next
    column would make the possible ids outnumber the rows. A column that another
    one or the ones before it already determine (the commune name, once the code is
    in) adds no group and is skipped; only when the ids still grow too many are
    they hashed.
    """
    n = len(coded[0][0]) if coded else 0
    if not n:
        return np.zeros(0, dtype=np.int64), 0
    limit = 2 * n + 1024
    ids, bound, dense = np.zeros(n, dtype=np.int64), 1, True
    done: list[tuple[np.ndarray, int]] = []
    for codes, n_values in sorted(coded, key=lambda c: c[1]):
        size = n_values + 1  # one more for NA
        if bound * size > limit:
            # only a column with as many values can determine this one
            if any(
                _determined(other + 1, n_other + 1, codes)
                for other, n_other in done
                if n_other >= n_values
            ):
                continue
            if not dense:
                ids, bound = _dense(ids, bound)
            if bound * size > limit and _determined(ids, bound, codes):
                dense = True
                continue
        ids *= size
        ids += codes
        ids += 1
        bound *= size
        dense = False
        done.append((codes, n_values))
    return (ids, bound) if dense else _dense(ids, bound)


def _dense(ids: np.ndarray, bound: int) -> tuple[np.ndarray, int]:
    """``ids`` renumbered 0 .. n - 1 (n distinct ids), by a count when their bound is small."""
    if bound <= 2 * len(ids) + 1024:
        present = np.bincount(ids, minlength=bound) > 0
        return (np.cumsum(present) - 1)[ids], int(present.sum())
    ids, uniques = pd.factorize(ids)
    return ids, len(uniques)


def _determined(ids: np.ndarray, n_ids: int, codes: np.ndarray) -> bool:
    """Whether every id (0 .. n_ids - 1) goes with one code only."""
    table = np.zeros(n_ids, dtype=np.int64)
    table[ids] = codes  # any row's code per id; then check every row against it
    return bool(np.array_equal(table[ids], codes))


def _groups(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row over ``keys`` (NA a value of its own; in no particular
    order) and each group's first row."""
    group, n_groups = _group_ids([(c, len(v)) for c, v in (_codes(frame[k]) for k in keys)])
    return group, first_positions(group, n_groups)


def _group_counts(
    frame: pd.DataFrame, keys: Sequence[str], state: np.ndarray, n_states: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """The groups of ``frame`` over ``keys`` (one row each, NA a value of its own, in no
    particular order) and, per group, how many rows are in each ``state`` (0 .. n_states - 1).

    The key values are decoded from the combined integer ids: no pass over the rows
    beyond the codes and one count.
    """
    coded = [_codes(frame[k]) for k in keys]
    if math.prod(len(v) + 1 for _, v in coded) * n_states > _MAX_KEY:  # too many to decode
        group, first = _groups(frame, keys)
        counts = np.bincount(group * n_states + state, minlength=len(first) * n_states)
        return frame.loc[:, keys].take(first).reset_index(drop=True), counts.reshape(-1, n_states)
    ids, bound = _combine([(c, len(v)) for c, v in coded], spare=n_states)
    ids *= n_states
    ids += state
    if bound * n_states <= 2 * len(ids) + 1024:  # few possible ids: count them all
        counts = np.bincount(ids, minlength=bound * n_states).reshape(bound, n_states)
        present = np.flatnonzero(counts.any(axis=1))
        counts = counts[present]
    else:
        group, uniques = pd.factorize(ids // n_states)
        counts = np.bincount(group * n_states + ids % n_states, minlength=len(uniques) * n_states)
        present, counts = uniques, counts.reshape(-1, n_states)
    columns = {}
    for key, (_, values) in reversed(list(zip(keys, coded, strict=True))):
        present, digit = np.divmod(present, len(values) + 1)  # the digit is code + 1
        columns[key] = _from_codes(frame[key], values, digit - 1)
    return pd.DataFrame({k: columns[k] for k in keys}), counts


def _from_codes(col: pd.Series, values: pd.Index, codes: np.ndarray) -> pd.Series:
    """A column of ``col``'s dtype from codes into ``values`` (see :func:`_codes`)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return pd.Series(pd.Categorical.from_codes(codes, dtype=col.dtype), name=col.name)
    taken = pd.api.extensions.take(values.array, codes, allow_fill=True)
    return pd.Series(taken, name=col.name).astype(col.dtype)


def _previous(order: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Per row, the row just before it in ``order`` within its group (-1 for a group's first)."""
    previous = np.full(len(order), -1, dtype=np.int64)
    same = group[order[1:]] == group[order[:-1]]
    previous[order[1:]] = np.where(same, order[:-1], -1)
    return previous


def _codes_in(col: pd.Series, values: pd.Index) -> np.ndarray:
    """Position of each row's value in ``values`` (distinct), -1 for NA or a value not there."""
    codes, uniques = _codes(col)
    if uniques.equals(values):
        return codes
    return np.append(values.get_indexer(uniques), -1)[codes]


def _match(left: pd.DataFrame, right: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """Per row of ``left``, the position of the first row of ``right`` with equal ``keys``
    (-1 if none). Values are compared, whatever the dtypes and categories."""
    coded = []
    for k in keys:
        (codes_left, codes_right), values = shared_codes(left[k], right[k])
        coded.append((np.concatenate([codes_left, codes_right]), len(values)))
    both, _ = _combine(coded)
    ids_left, ids_right = both[: len(left)], both[len(left) :]
    first = ~pd.Index(ids_right).duplicated()
    hit = pd.Index(ids_right[first]).get_indexer(ids_left)
    return _at(np.flatnonzero(first), hit, -1)


# --------------------------------------------------------------------------- columns


def _take(col: pd.Series, positions: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """``col`` at ``positions``, NA where a position is -1."""
    values = pd.api.extensions.take(col.array, positions, allow_fill=True)
    return pd.Series(values, index=index, name=col.name)


def _at(values: np.ndarray, positions: np.ndarray, fill: object) -> np.ndarray:
    """``values[positions]``, ``fill`` where a position is -1."""
    out = np.full(len(positions), fill, dtype=values.dtype)
    hit = positions >= 0
    out[hit] = values[positions[hit]]
    return out


def _equals(col: pd.Series, value: object) -> np.ndarray:
    """``col == value`` with NA as False."""
    return (col == value).to_numpy(dtype=bool, na_value=False)


def _is_value(col: pd.Series, value: str) -> np.ndarray:
    """``col == value`` with NA as False, for a text column: on the codes of a categorical."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        return _equals(col, value)
    codes, values = _codes(col)
    hit = values.get_indexer([value])[0]  # categories are distinct: one code at most
    return codes == hit if hit >= 0 else np.zeros(len(col), dtype=bool)


def _as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text columns (categorical or not) as "string"."""
    return frame.assign(
        **{
            c: _text(col.cat.categories, col.array.codes, col.index)
            if isinstance(col.dtype, pd.CategoricalDtype)
            else col.astype("string")
            for c, col in frame.items()
            if _is_text(col.dtype)
        }
    )


def _is_true(met: pd.Series) -> np.ndarray:
    """``met == True`` with NA as False (a nullable boolean column)."""
    return met.astype("boolean").to_numpy(dtype=bool, na_value=False)


def _is_false(met: pd.Series) -> np.ndarray:
    return (~met.astype("boolean")).to_numpy(dtype=bool, na_value=False)


def _text(labels: Sequence[object], codes: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """String column ``labels[code]`` per row (NA for code -1), built by one pyarrow take,
    without a Python object per row. ``labels`` may be a list or a text Index."""
    if isinstance(labels, pd.Index) and _is_text(labels.dtype):
        values = pa.array(labels.astype("string").array)
    else:
        texts = [None if pd.isna(v) else str(v) for v in labels]
        values = pa.array(texts, type=pa.large_string())
    taken = values.take(pa.array(codes, mask=codes < 0))
    return pd.Series(pd.arrays.ArrowStringArray(taken), index=index)


def _text_of(col: pd.Series, fn) -> pd.Series:
    """String column ``fn(value)`` per row, ``fn`` called once per distinct value (NA stays NA)."""
    codes, values = _codes(col)
    return _text([fn(v) for v in values], codes, col.index)


def _joined(groups: np.ndarray, texts: pd.Series, n_groups: int) -> pd.Series:
    """The ``texts`` of each group (0 .. n_groups - 1) "; "-joined in their order ("" for a
    group without any); texts of group -1 are left out. One pyarrow join, no Python loop.

    >>> _joined(np.array([1, 0, 1, -1]), pd.Series(["a", "b", "c", "d"]), 3).tolist()
    ['b', 'a; c', '']
    """
    order = np.argsort(groups, kind="stable")
    order = order[groups[order] >= 0]
    offsets = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(groups[order], minlength=n_groups), out=offsets[1:])
    values = pa.array(texts.astype("string").array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    lists = pa.LargeListArray.from_arrays(pa.array(offsets), values.take(pa.array(order)))
    joined = pc.binary_join(lists, pa.scalar("; ", values.type))
    return pd.Series(pd.arrays.ArrowStringArray(joined))


def _floats(x: np.ndarray) -> pd.arrays.FloatingArray:
    """A Float64 array of ``x``, NA where it is NaN."""
    x = np.asarray(x, dtype=np.float64)
    return pd.arrays.FloatingArray(x, np.isnan(x))


def _ints(x: np.ndarray) -> pd.arrays.IntegerArray:
    """An Int64 array of ``x`` (integers, or floats with NaN for NA)."""
    x = np.asarray(x)
    if x.dtype.kind == "f":
        missing = np.isnan(x)
        return pd.arrays.IntegerArray(np.where(missing, 0, x).astype(np.int64), missing)
    return pd.arrays.IntegerArray(x.astype(np.int64), np.zeros(len(x), dtype=bool))


def _num(col: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(col.dtype):
        return col.to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.to_numeric(col, errors="coerce").astype("float64").to_numpy(na_value=np.nan)


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


#: Bands of :func:`commune_standing`, by the codes :func:`_band` computes.
_BANDS = (lb.NO_DATA, lb.BAND_ALL, lb.BAND_FLOOR, lb.BAND_BELOW, lb.BAND_NOT_ALL)


def _band(communes: pd.DataFrame, floor: int | None) -> pd.Series:
    met = communes["criteria_met"].to_numpy()
    full = _equals(communes["criteria_total"], FULL_SET_CRITERIA) & (floor is not None)
    codes = np.select(
        [
            _is_value(communes["status"], s.STATUS_NO_DATA),
            _is_value(communes["status"], s.STATUS_NTM),
            full & (met >= (floor or 0)),
            full,
        ],
        [0, 1, 2, 3],
        default=4,
    )
    return _text(_BANDS, codes, communes.index)


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
    # each commune's previous row: the one before it in year order
    group, _ = _groups(communes, COMMUNE_KEY)
    previous = _previous(np.lexsort((communes["year"].to_numpy(), group)), group)
    met = communes["criteria_met"]
    frame = communes.assign(
        criteria_short=communes["criteria_total"] - met,
        band=_band(communes, floor),
        previous_year=_take(communes["year"], previous, communes.index).astype("Int64"),
        criteria_met_change=(met - _take(met, previous, communes.index)).astype("Int64"),
    )
    frame = _in_year(frame, year)
    return _sort(
        frame,
        ["year", "criteria_met", "commune", "commune_code"],
        ascending=[True, False, True, True],
    )


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
    group, first = _groups(communes, keys)
    n = len(first)
    met = communes["criteria_met"].to_numpy(dtype=np.float64, na_value=np.nan)
    reported = ~_is_value(communes["status"], s.STATUS_NO_DATA)
    ntm = _is_value(communes["status"], s.STATUS_NTM)
    full = _equals(communes["criteria_total"], FULL_SET_CRITERIA)
    below = full & reported & (met < (floor if floor is not None else -1))
    n_reported = np.bincount(group[reported], minlength=n)
    most = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(most, group, communes["criteria_total"].to_numpy(dtype=np.int64))
    least = np.full(n, np.inf)  # criteria met: the least, among communes with data
    np.minimum.at(least, group[reported], met[reported])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(group[reported], weights=met[reported], minlength=n) / n_reported
    out = communes.loc[:, keys].take(first).reset_index(drop=True)
    out = out.assign(
        criteria_total=most,
        communes_total=pd.array(np.bincount(group, minlength=n), dtype="Int64"),
        communes_reported=n_reported,
        communes_ntm=np.bincount(group[ntm], minlength=n),
        mean_criteria_met=_floats(mean),
        min_criteria_met=_ints(np.where(np.isinf(least), np.nan, least)),
        communes_below_floor=np.bincount(group[below], minlength=n),
    )
    out = out.assign(
        share_ntm=(out["communes_ntm"] / out["communes_total"]).astype("Float64"),
    )
    out = _sort(out, _by(by) + ["year", "criteria_set"])
    prev = (
        out.groupby(_by(by), dropna=False, sort=False)["communes_ntm"].shift(1)
        if by
        else (out["communes_ntm"].shift(1))
    )
    out = out.assign(communes_ntm_change=(out["communes_ntm"] - prev).astype("Int64"))
    if criteria is not None:
        shares = criterion_shares(criteria, by=by)
        met_by_all = _equals(shares["communes_met"] == shares["communes_total"], True)
        group, first = _groups(shares, keys)
        per = shares.loc[:, keys].take(first).reset_index(drop=True)
        per = per.assign(
            criteria_met_by_all=np.bincount(group[met_by_all], minlength=len(first)),
            criteria_met_by_none=np.bincount(
                group[_equals(shares["communes_met"], 0)], minlength=len(first)
            ),
        )
        hit = _match(out, per, keys)
        out = out.assign(
            criteria_met_by_all=_take(per["criteria_met_by_all"], hit, out.index).astype("Int64"),
            criteria_met_by_none=_take(per["criteria_met_by_none"], hit, out.index).astype("Int64"),
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
    # per group, rows with met NA, False, True
    state = frame["met"].astype("boolean").to_numpy(dtype=np.int8, na_value=-1) + 1
    out, counts = _group_counts(frame, keys, state, 3)
    total, not_met, met = counts.sum(axis=1), counts[:, 1], counts[:, 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        share, share_of_reported = met / total, met / (met + not_met)
    # the change since the previous year of the same set and code
    ties = ["criteria_set", "criterion"] if code == "indicator" else ["criteria_set"]
    previous = _previous(
        _sort_order(out, by + [code, "year"] + ties), _groups(out, by + ["criteria_set", code])[0]
    )
    out = out.assign(
        communes_total=pd.array(total, dtype="Int64"),
        communes_reported=met + not_met,
        communes_met=met,
        communes_not_met=not_met,
        communes_no_data=pd.array(counts[:, 0], dtype="Int64"),
        share_met=_floats(share),
        share_met_of_reported=_floats(share_of_reported),
        share_met_change=_floats(share - _at(share, previous, np.nan)),
    )
    return _sort(out, by + ["year", code] + ties)


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


def _pair_years(
    frame: pd.DataFrame, keys: list[str], year_from: int, year_to: int
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, pd.DataFrame]:
    """The full outer join of the rows of ``year_from`` and ``year_to`` on ``keys``.

    Returns the rows of either year; per pair, the row of each year (-1 when
    missing); and the pairs' keys. The pairs are in the display order of
    ``keys`` (see :func:`_sort`).
    """
    either = _equals(frame["year"], year_from) | _equals(frame["year"], year_to)
    rows = frame.loc[either].reset_index(drop=True)
    group, n_groups = _group_ids([(c, len(v)) for c, v in (_codes(rows[k]) for k in keys)])
    in_from = np.flatnonzero(_equals(rows["year"], year_from))
    in_to = np.flatnonzero(_equals(rows["year"], year_to))
    if _at_most_once(group[in_from]) and _at_most_once(group[in_to]):  # one pair per group
        row_from = np.full(n_groups, -1, dtype=np.int64)
        row_from[group[in_from]] = in_from
        row_to = np.full(n_groups, -1, dtype=np.int64)
        row_to[group[in_to]] = in_to
    else:  # a key repeated within a year: every pairing, as a merge makes them
        pairs = pd.DataFrame({"_g": group[in_from], "_from": in_from}).merge(
            pd.DataFrame({"_g": group[in_to], "_to": in_to}), on="_g", how="outer"
        )
        row_from = pairs["_from"].fillna(-1).to_numpy(np.int64)
        row_to = pairs["_to"].fillna(-1).to_numpy(np.int64)
    keyed = rows.loc[:, keys].take(np.where(row_from >= 0, row_from, row_to))
    order = _sort_order(keyed, keys)
    keyed = keyed.take(order).reset_index(drop=True)
    return rows, row_from[order], row_to[order], keyed


def _at_most_once(ids: np.ndarray) -> bool:
    return np.bincount(ids).max(initial=0) <= 1


#: Change of a commune × criterion cell (:func:`compare_years`), by code.
_CHANGES = (
    lb.NOT_COMPARABLE,
    lb.NO_DATA,
    lb.GAINED,
    lb.LOST,
    lb.UNCHANGED_MET,
    lb.UNCHANGED_NOT_MET,
)


def _cell_changes(rows: pd.DataFrame, row_from: np.ndarray, row_to: np.ndarray) -> np.ndarray:
    """Code in ``_CHANGES`` of each commune × criterion pair."""
    set_codes, _ = _codes(rows["criteria_set"])
    set_from, set_to = _at(set_codes, row_from, -1), _at(set_codes, row_to, -1)
    met, not_met = _is_true(rows["met"]), _is_false(rows["met"])
    met_from, met_to = _at(met, row_from, False), _at(met, row_to, False)
    not_from, not_to = _at(not_met, row_from, False), _at(not_met, row_to, False)
    return np.select(
        [
            (set_from >= 0) & (set_to >= 0) & (set_from != set_to),
            ~(met_from | not_from) | ~(met_to | not_to),
            not_from & met_to,
            met_from & not_to,
            met_from & met_to,
        ],
        [0, 1, 2, 3, 4],
        default=5,
    )


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

    # per commune × criterion: a full outer join of the two years, on integer keys
    cols = ["year", *COMMUNE_KEY, "criteria_set", "criterion", "met"]
    rows, row_from, row_to, cells = _pair_years(
        criteria.loc[:, cols], ["commune", "criterion", "commune_code"], year_from, year_to
    )
    met = rows["met"].astype("boolean")
    change = _cell_changes(rows, row_from, row_to)
    cells = cells.assign(
        year_from=year_from,
        year_to=year_to,
        criteria_set_from=_take(rows["criteria_set"], row_from),
        criteria_set_to=_take(rows["criteria_set"], row_to),
        met_from=_take(met, row_from),
        met_to=_take(met, row_to),
        change=_text(_CHANGES, change),
    ).loc[
        :,
        ["year_from", "year_to"]
        + COMMUNE_KEY
        + ["criteria_set_from", "criteria_set_to", "criterion", "met_from", "met_to", "change"],
    ]

    # per commune
    ccols = ["year", *COMMUNE_KEY, "criteria_set", "criteria_met", "status"]
    com, com_from, com_to, per = _pair_years(
        communes.loc[:, ccols], ["commune", "commune_code"], year_from, year_to
    )
    # cells are sorted by commune, then criterion number: the joins keep numeric order
    moved = np.isin(change, [_CHANGES.index(lb.GAINED), _CHANGES.index(lb.LOST)])
    owner = _match(cells.loc[moved], per, COMMUNE_KEY)
    gained = change[moved] == _CHANGES.index(lb.GAINED)
    numbers = _text_of(cells["criterion"].loc[moved], str)
    labels = _text_of(cells["criterion"].loc[moved], lambda c: lb.criterion_label(c, name_map))
    lists = {
        "gained": _joined(np.where(gained, owner, -1), numbers, len(per)),
        "gained_names": _joined(np.where(gained, owner, -1), labels, len(per)),
        "lost": _joined(np.where(gained, -1, owner), numbers, len(per)),
        "lost_names": _joined(np.where(gained, -1, owner), labels, len(per)),
    }
    present_from, present_to = com_from >= 0, com_to >= 0
    status_from, status_to = _take(com["status"], com_from), _take(com["status"], com_to)
    ntm_from, ntm_to = _equals(status_from, s.STATUS_NTM), _equals(status_to, s.STATUS_NTM)
    met_from = _take(com["criteria_met"], com_from).astype("Int64")
    met_to = _take(com["criteria_met"], com_to).astype("Int64")
    per = per.assign(
        year_from=year_from,
        year_to=year_to,
        criteria_set_from=_take(com["criteria_set"], com_from),
        criteria_set_to=_take(com["criteria_set"], com_to),
        present_from=present_from,
        present_to=present_to,
        criteria_met_from=met_from,
        criteria_met_to=met_to,
        criteria_met_change=met_to - met_from,
        status_from=status_from,
        status_to=status_to,
        dropped_below_standard=ntm_from & ~ntm_to & status_to.notna().to_numpy() & present_to,
        newly_ntm=ntm_to & ~ntm_from & status_from.notna().to_numpy() & present_from,
        **lists,
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

    # district shares
    shares = criterion_shares(rows)
    shares, share_from, share_to, crit = _pair_years(shares, ["criterion"], year_from, year_to)
    crit = crit.assign(
        criteria_set_from=_take(shares["criteria_set"], share_from),
        criteria_set_to=_take(shares["criteria_set"], share_to),
        share_from=_take(shares["share_met"], share_from),
        share_to=_take(shares["share_met"], share_to),
    )
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
        criterion_name=_text_of(crit["criterion"], name_map.get),
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
    crit = _sort(crit, ["criterion", "criteria_set_from", "criteria_set_to"])
    return YearComparison(year_from, year_to, per, cells, crit)


# --------------------------------------------------------------------------- gaps


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
        keep = keep & _equals(frame["year"], year)
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
    return _sort(out, ["year", "criterion", "indicator", "commune"])


def unmet_indicators(indicators: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Every indicator not met, with its gap to target, or no gap where it has no target.

    The gap view must not hide an unmet indicator because no threshold is set
    (judged by the commune's own appraisal): such rows keep a NA ``gap`` and
    ``has_target`` False. Rows met, or undecided, are left out.
    """
    frame = indicators if year is None else indicators.loc[_equals(indicators["year"], year)]
    frame = frame.loc[~_is_true(frame["met"]) & frame["met"].notna().to_numpy(bool)]
    gaps = gap_to_target(frame)
    keys = ["year", "commune_code", "commune", "indicator"]
    hit = _match(frame, gaps, keys)
    cols = [c for c in ["year", "commune", "commune_code", "criterion", "indicator", "value",
                        "unit", "threshold_op", "threshold"] if c in frame.columns]  # fmt: skip
    out = frame.loc[:, cols].reset_index(drop=True)
    gap = _take(gaps["gap"], hit, out.index).astype("Float64")
    has_target = frame["threshold_op"].isin(s.NUMERIC_OPS).to_numpy(bool, na_value=False)
    out = out.assign(gap=gap, has_target=pd.array(has_target, dtype="boolean"))
    return _sort(out, ["year", "criterion", "indicator", "commune"])


# --------------------------------------------------------------------------- progress


def _target_years(
    sets: pd.Series, target_year: int | Mapping[str, int] | None, catalog: object
) -> pd.Series:
    if isinstance(target_year, int):
        return pd.Series(target_year, index=sets.index, dtype="Int64")
    codes, values = _codes(sets)
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

    ``sets`` and ``codes`` are the coded columns (see :func:`_codes`): the pairs
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
        ids, bound = _combine([(set_codes, len(set_values)), (ind_codes, len(ind_values))])
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
            _codes(frame["criteria_set"]),
            _codes(frame["indicator"]),
        )
        rest = ~numeric
        codes[rest] = _pair_lookup(
            (set_codes[rest], set_values), (ind_codes[rest], ind_values), direction, np.int64
        )
    return _text(labels, codes, frame.index)


def _yes_no(
    ops: pd.Series,
    sets: tuple[np.ndarray, pd.Index],
    codes: tuple[np.ndarray, pd.Index],
    catalog: object,
) -> np.ndarray:
    """Rows of yes/no indicators: op "yes", or kind "yes_no" in the catalog.

    ``sets`` and ``codes`` are the coded criteria_set and indicator columns.
    """
    flag = _is_value(ops, "yes")
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
    shown = [c for c in ["unit", "threshold_op", "threshold"] if c in indicators.columns]
    frame = indicators.loc[:, [*keys, "year", "value", *shown]]
    coded = {k: _codes(frame[k]) for k in keys}
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
    group, n_groups = _group_ids([(c[rows], len(v)) for c, v in coded.values()])
    # per group, the base (first year, earliest row) and current (last year, latest
    # row): the extremes of one (year, row) number per row
    years = frame["year"].to_numpy(dtype=np.int64)[rows]
    first_year = int(years.min())
    years -= first_year
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
    del seen, years, group
    base_year, current_year = first_year + base // len(rows), first_year + current // len(rows)
    has_previous = previous >= 0
    previous_year = np.where(has_previous, first_year + previous // len(rows), -1)
    previous = np.where(has_previous, rows[np.where(has_previous, previous, 0) % len(rows)], -1)
    base, current = rows[base % len(rows)], rows[current % len(rows)]  # rows of frame
    # the output order, from the codes of the keys (every key sorts: the order depends
    # neither on the order of the rows nor on dtypes or categories)
    order = order_by(
        *(
            _code_ranks(coded[k][0][current], coded[k][1], k)[0]
            for k in ["criterion", "indicator", "commune", "commune_code", "criteria_set"]
        )
    )
    base, current, n_years = base[order], current[order], n_years[order]
    base_year, current_year = base_year[order], current_year[order]
    previous, previous_year = previous[order], previous_year[order]
    last = frame.loc[:, keys + shown].take(current).reset_index(drop=True)
    op = last["threshold_op"]
    numeric = op.isin(s.NUMERIC_OPS).to_numpy(bool, na_value=False)
    target = np.where(numeric, _num(last["threshold"]), np.nan)
    direction = _directions(last, catalog)
    target_years = _target_years(last["criteria_set"], target_year, catalog)
    base_value = _num(frame["value"].take(base))
    current_value = _num(frame["value"].take(current))
    previous_value = np.where(
        previous >= 0, _num(frame["value"].take(np.where(previous >= 0, previous, 0))), np.nan
    )
    lower = _equals(direction, "lower")
    computed = _classify(
        x0=base_value,
        x=current_value,
        t0=base_year,
        t=current_year,
        n=n_years,
        target=target,
        big_t=_num(target_years),
        lower=lower,
        best=_best_values(lower, last),
        x_prev=previous_value,
    )
    columns = {k: last[k] for k in keys} | {
        "unit": last["unit"] if "unit" in last.columns else pd.Series(pd.NA, index=last.index),
        "direction": direction,
        "threshold_op": op,
        "target": _floats(target),
        "target_year": target_years,
        "base_year": _ints(base_year),
        "base_value": _floats(base_value),
        "current_year": _ints(current_year),
        "current_value": _floats(current_value),
        "n_years": _ints(n_years),
        "previous_year": _ints(np.where(previous_year >= 0, previous_year, np.nan)),
        "previous_value": _floats(previous_value),
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
    cols = [*COMMUNE_KEY, "criteria_set", "criterion", "indicator", *PROGRESS_COLUMNS]
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

    Two rules on top of the Open SDG method: a value at its best possible
    value (0 temporary houses, 100 %) is achieved, target or not; and a value
    that moved the wrong way in the latest year is never substantial or
    moderate progress (at most limited), whatever the trend since the base.
    """
    sign = np.where(lower, -1.0, 1.0)
    has_target = ~np.isnan(target)
    best = np.full(len(x), np.nan) if best is None else best
    x_prev = np.full(len(x), np.nan) if x_prev is None else x_prev
    with np.errstate(all="ignore"):
        at_best = ~np.isnan(best) & np.where(lower, x <= best, x >= best)
        achieved = (has_target & np.where(lower, x <= target, x >= target)) | at_best
        latest_change = x - x_prev
        fell = sign * latest_change < 0
        span = t - t0
        compound = (x0 > 0) & (x > 0) & (~has_target | (target > 0))
        observed = _on(span > 0, _rate, x0, x, span, compound)
        gain = sign * observed  # positive when moving the good way
        moving = ~np.isnan(observed)
        horizon = big_t - t0
        can_require = has_target & (horizon > 0)
        required = _on(can_require, _rate, x0, target, horizon, compound)
        use_ratio = ~achieved & (n >= 2) & moving & can_require & (sign * required > 0)
        ratio = np.where(use_ratio, observed / required, np.nan)
        status = np.select(
            [achieved, (n < 2) | ~moving, use_ratio, compound],
            [
                0,
                1,
                _rate_status(ratio, RATIO_SUBSTANTIAL, RATIO_MODERATE),
                _rate_status(gain, CAGR_SUBSTANTIAL, CAGR_MODERATE),
            ],
            default=np.where(gain < 0, 5, 4),
        )
        status = np.where(fell & (status >= 2) & (status < 4), 4, status)
        ahead = big_t - t
        projected_value = _on(moving & (ahead >= 0), _project, x, observed, ahead, compound)
        towards = has_target & moving & (gain > 0) & ~achieved
        years = _on(towards, _years_to, x, target, observed, compound)
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
        [0, 1, 2],
        default=3,
    )
    return {
        "latest_change": _floats(latest_change),
        "rate_method": _text([RATE_CAGR, RATE_LINEAR], np.where(compound, 0, 1)).array,
        "observed_rate": _floats(observed),
        "required_rate": _floats(required),
        "ratio": _floats(ratio),
        "status": _text(_STATUSES, status).array,
        "projected_year": _ints(projected_year),
        "projected_value": _floats(projected_value),
        "outlook": _text(_OUTLOOKS, outlook).array,
    }


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
    cols = ["commune", "criteria_set", "criterion", "met"]
    crit = criteria.loc[_equals(criteria["year"], year), cols]
    out = _shortfall(crit, ~_is_true(crit["met"]), ["criteria_set", "criterion"])
    behind = lagging_indicators(indicators, year) if indicators is not None else None
    if behind is not None and not behind.empty:
        b = behind.loc[behind["communes_short"] > 0]
        b = _sort(b, ["criterion", "communes_short", "indicator"], ascending=[True, False, True])
        texts = b["indicator"].astype("string") + " (" + b["communes_short"].astype("string") + ")"
        # per criterion number, its indicators in the order above
        group, first = _groups(b, ["criterion"])
        per = (
            b.loc[:, ["criterion"]]
            .take(first)
            .reset_index(drop=True)
            .assign(
                indicators_behind=_joined(group, texts, len(first)),
                indicators_behind_count=np.bincount(group, minlength=len(first)),
            )
        )
        hit = _match(out, per, ["criterion"])
        out = out.assign(
            indicators_behind=_take(per["indicators_behind"], hit, out.index),
            indicators_behind_count=_take(per["indicators_behind_count"], hit, out.index),
        )
    else:
        out = out.assign(indicators_behind=pd.NA, indicators_behind_count=0)
    out = out.assign(
        criterion_name=_text_of(out["criterion"], name_map.get),
        share_met=(1 - out["communes_short"] / out["communes_total"]).astype("Float64"),
        lagging=out["communes_short"] > 0,
        rank=out["communes_short"].rank(method="min", ascending=False).astype("Int64"),
        indicators_behind=out["indicators_behind"].fillna("").astype("string"),
        indicators_behind_count=out["indicators_behind_count"].fillna(0).astype("int64"),
    )
    out = _sort(out, ["rank", "criterion", "criteria_set"])
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


def _shortfall(frame: pd.DataFrame, short: np.ndarray, keys: list[str]) -> pd.DataFrame:
    """Per ``keys``: communes in all, short (``short`` True) and without data, and
    ``communes_short_names``, the names of the communes short of the code
    (``keys[-1]``), in Vietnamese order, "; "-joined."""
    # states: 0 neither, 1 no data, 2 short, 3 short and no data
    state = 2 * short.astype(np.int8) + frame["met"].isna().to_numpy(dtype=np.int8)
    out, counts = _group_counts(frame, keys, state, 4)
    out = out.assign(
        communes_total=pd.array(counts.sum(axis=1), dtype="Int64"),
        communes_short=counts[:, 2] + counts[:, 3],
        communes_no_data=counts[:, 1] + counts[:, 3],
    )
    code_codes, code_values = _codes(frame[keys[-1]])
    name_codes, name_values = _codes(frame["commune"])
    rows = np.flatnonzero(short & (code_codes >= 0) & (name_codes >= 0))
    # the Vietnamese sort key once per distinct name, not once per row
    rows = rows[np.argsort(_value_ranks(name_values, "commune")[name_codes[rows]], kind="stable")]
    joined = _joined(code_codes[rows], _text(name_values, name_codes[rows]), len(code_values))
    own = _codes_in(out[keys[-1]], code_values)
    return out.assign(communes_short_names=_take(joined, own, out.index).fillna(""))


def lagging_indicators(indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """Communes short of each indicator in ``year`` (met False), most first."""
    cols = ["commune", "criteria_set", "criterion", "indicator", "met"]
    ind = indicators.loc[_equals(indicators["year"], year), cols]
    out = _shortfall(ind, _is_false(ind["met"]), ["criteria_set", "criterion", "indicator"])
    return _sort(
        out,
        ["communes_short", "indicator", "criteria_set", "criterion"],
        ascending=[False, True, True, True],
    )


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

    keys = COMMUNE_KEY + ["criteria_set", "criterion", "indicator"]
    cols = ["year", *keys, "value", "unit", "threshold_op", "threshold", "met"]
    ind = indicators.loc[:, [c for c in cols if c in indicators.columns]]
    ind = ind.loc[_equals(ind["year"], year) & _is_false(ind["met"])]
    # a table for people, from several sources: its text columns are strings
    tasks = _as_strings(ind.drop(columns="met")).assign(task_level="indicator")
    if criteria is not None:
        crit = criteria.loc[:, ["year", *COMMUNE_KEY, "criteria_set", "criterion", "met"]]
        crit = crit.loc[_equals(crit["year"], year) & _is_false(crit["met"])]
        # an unmet criterion with no unmet indicator of its own is a task of its own
        crit = crit.loc[_match(crit, tasks, [*COMMUNE_KEY, "criterion"]) < 0]
        extra = _as_strings(crit.drop(columns="met"))
        extra = extra.assign(indicator=extra["criterion"], task_level="criterion")
        tasks = pd.concat([tasks, extra], ignore_index=True) if not extra.empty else tasks
    gaps = gap_to_target(ind)
    tasks = tasks.assign(gap=_take(gaps["gap"], _match(tasks, gaps, keys), tasks.index))
    if progress is not None and not progress.empty:
        hit = _match(tasks, progress, keys)
        tasks = tasks.assign(
            progress_status=_take(progress["status"], hit, tasks.index),
            **{
                c: _take(progress[c], hit, tasks.index)
                for c in ["outlook", "projected_year", "latest_change"]
            },
            target_year=_take(progress["target_year"], hit, tasks.index),
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
    tasks = _sort(tasks, order)
    first = ["department_id", "department", "year"] + keys
    return tasks.loc[:, first + [c for c in tasks.columns if c not in first]]


def _catalog_texts(frame: pd.DataFrame, catalog: object, lang: str) -> dict[str, pd.Series]:
    """``criterion_name`` and ``indicator_text`` of each row, from the catalog (looked up once
    per distinct set, criterion and indicator)."""
    keys = ["criteria_set", "criterion", "indicator"]
    group, first = _groups(frame, keys)
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
    texts = _text(ind_texts, group, frame.index)
    if "indicator_text" in frame.columns:  # as written, for codes the catalog does not list
        texts = texts.fillna(frame["indicator_text"].astype("string"))
    return {
        "criterion_name": _text(crit_names, group, frame.index),
        "indicator_text": texts,
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
