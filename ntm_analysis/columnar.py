"""Integer-coded columns: the shared mechanics of evaluation and the analysis modules.

National-scale tables repeat a few thousand distinct values (commune names,
codes, years) over millions of rows, so the transforms group, match and sort
rows on small integer codes instead of text. This module defines those codes
once, with the grouping, matching, sorting and column-building built on them;
everything here is pure.

Text columns may be categoricals (as :func:`~ntm_analysis.evaluation.evaluate`
returns them, categories in any order) or strings (as tables read back from
disk): every order is taken from the values, never from the order of a
categorical's categories.
"""

from __future__ import annotations

import collections
import functools
import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import labels as lb
from .schema import code_sort_key


def code_type(n_values: int) -> type:
    """The smallest signed integer type for codes -1 .. n_values - 1.

    >>> code_type(100), code_type(1000)
    (<class 'numpy.int8'>, <class 'numpy.int16'>)
    """
    for dtype in (np.int8, np.int16, np.int32):
        if n_values <= np.iinfo(dtype).max:
            return dtype
    return np.int64


def codes_of(col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of a column (-1 for NA) and the distinct values they index.

    A categorical gives its own codes and categories (in whatever order, unused
    ones included); an integer column without NA its offsets from the smallest
    value; anything else is factorised. The codes are of the smallest integer
    type that holds them: cast before doing arithmetic with them.

    >>> codes, values = codes_of(pd.Series([2023, 2021, 2023]))
    >>> codes.tolist(), values.tolist()
    ([2, 0, 2], [2021, 2022, 2023])
    >>> codes, values = codes_of(pd.Series(["b", None, "a"]))
    >>> codes.tolist(), values.tolist()
    ([0, -1, 1], ['b', 'a'])
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        return np.asarray(col.array.codes), col.cat.categories
    if isinstance(col.dtype, np.dtype) and col.dtype.kind in "iu" and len(col):
        values = col.to_numpy()
        low, high = int(values.min()), int(values.max())
        if high - low <= 2 * len(values):
            small = np.empty(len(values), dtype=code_type(high - low + 1))
            np.subtract(values, low, out=small, casting="unsafe")
            return small, pd.Index(np.arange(low, high + 1))
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return codes.astype(code_type(len(uniques)), copy=False), pd.Index(uniques)


def shared_codes(*cols: pd.Series) -> tuple[list[np.ndarray], pd.Index]:
    """Codes of several columns in one shared list of distinct values.

    >>> codes, values = shared_codes(pd.Series(["b", "a"]), pd.Series(["a", None, "c"]))
    >>> [c.tolist() for c in codes], values.tolist()
    ([[0, 1], [1, -1, 2]], ['b', 'a', 'c'])
    """
    coded = [codes_of(c) for c in cols]
    values = coded[0][1]
    for _, uniques in coded[1:]:
        if not uniques.equals(values):
            values = values.append(uniques[~uniques.isin(values)])
    out = []
    for codes, uniques in coded:
        if uniques.equals(values):
            out.append(codes)
            continue
        remap = np.append(values.get_indexer(uniques), -1)  # code -1 stays -1
        out.append(remap[codes])
    return out, values


@functools.lru_cache(maxsize=16)
def ranks_of(plain: tuple, key: Callable | None = None) -> np.ndarray:
    """Rank of each of ``plain`` in sorted order (by ``key`` when given), from 0.

    Cached, so the result is read-only.

    >>> ranks_of(("b", "c", "a")).tolist()
    [1, 2, 0]
    """
    if key is None:
        order = sorted(range(len(plain)), key=plain.__getitem__)
    else:
        order = sorted(range(len(plain)), key=lambda j: key(plain[j]))
    ranks = np.empty(len(plain), dtype=np.int64)
    ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(plain))
    ranks.flags.writeable = False
    return ranks


def first_positions(keys: np.ndarray, size: int) -> np.ndarray:
    """Per key in ``range(size)``: the position of its first row (-1: no row).

    >>> first_positions(np.array([2, 0, 2, 0]), 4).tolist()
    [1, -1, 0, -1]
    """
    first = np.full(size, len(keys), dtype=np.int64)
    np.minimum.at(first, keys, np.arange(len(keys)))
    first[first == len(keys)] = -1
    return first


def order_by(*ranks: np.ndarray) -> np.ndarray:
    """Stable order of rows by several integer rank columns (first column first).

    >>> order_by(np.array([1, 0, 1]), np.array([0, 5, 0])).tolist()
    [1, 0, 2]
    """
    if not ranks or len(ranks[0]) == 0:
        return np.arange(len(ranks[0]) if ranks else 0)
    widths = [int(r.max()) + 1 for r in ranks]
    if float(np.prod(np.array(widths, dtype=np.float64))) >= 2**62:
        return np.lexsort(ranks[::-1])
    key = ranks[0].astype(np.int64)  # one int64 key, built in place (Horner)
    for r, width in zip(ranks[1:], widths[1:], strict=True):
        key *= width
        key += r
    if len(key) < 2 or bool(np.all(key[1:] >= key[:-1])):
        return np.arange(len(key))  # already in order (the common case)
    return np.argsort(key, kind="stable")


# --------------------------------------------------------------------------- sort keys
#
# The text columns of the tables come either as categoricals (from evaluate) or as
# plain strings (read back from disk). The work below runs on integer codes (a
# categorical's own codes, or one pd.factorize), and every order is taken from the
# values: the order of a categorical's categories never shows in a result. A sort
# ranks each distinct value once (codes numerically, commune names in Vietnamese
# order, other text by its value), then orders the rows by one integer key.


#: Bound of the combined integer keys (kept well inside int64).
MAX_KEY = 2**62


def code_order(code: object) -> tuple[tuple[int, ...], str]:
    """:func:`code_sort_key`, then the text itself for codes it cannot tell apart ("1.a", "1.b")."""
    return code_sort_key(code), str(code)


#: Display order of the values of some columns; any other text column sorts by its value.
VALUE_ORDER = {"criterion": code_order, "indicator": code_order, "commune": lb.vi_sort_key}


def sort_codes(codes) -> list[str]:
    """Distinct codes in numeric order, NA dropped.

    >>> sort_codes(["10", "2", "2", "1"])
    ['1', '2', '10']
    >>> sort_codes(pd.Series(["10", None, "2"], dtype="category"))
    ['2', '10']
    """
    if isinstance(codes, pd.Series):
        codes = codes.dropna().unique()
    return sorted({str(c) for c in codes if not pd.isna(c)}, key=code_order)


def column_sort_key(col: pd.Series) -> pd.Series:
    """Sort key of a column: numeric rank of codes, Vietnamese order of commune names.

    A categorical column is ranked by its values, not by the order of its
    categories; any other column is its own key.

    >>> col = pd.Series(pd.Categorical(["10", "2"], categories=["10", "2"]), name="criterion")
    >>> column_sort_key(col).tolist()
    [1, 0]
    """
    if col.name not in VALUE_ORDER and not isinstance(col.dtype, pd.CategoricalDtype):
        return col
    codes, values = codes_of(col)
    ranks = pd.array(np.append(value_ranks(values, col.name), 0)[codes], dtype="Int64")
    ranks[codes < 0] = pd.NA
    return pd.Series(ranks, index=col.index, name=col.name)


def sort_rows(
    frame: pd.DataFrame, by: list[str], ascending: bool | list[bool] = True
) -> pd.DataFrame:
    """``frame`` sorted by ``by`` in display order (see :func:`column_sort_key`), NA last,
    ties in their current order; index reset."""
    if frame.empty:
        return frame.reset_index(drop=True)
    return frame.take(sort_order(frame, by, ascending)).reset_index(drop=True)


def sort_order(
    frame: pd.DataFrame, by: list[str], ascending: bool | list[bool] = True
) -> np.ndarray:
    """The row order of :func:`sort_rows` (columns of ``by`` not in ``frame`` are left out)."""
    flags = [ascending] * len(by) if isinstance(ascending, bool) else list(ascending)
    ranks = [
        sort_ranks(frame[c], descending=not a)[0]
        for c, a in zip(by, flags, strict=True)
        if c in frame.columns
    ]
    return order_by(*ranks) if ranks else np.arange(len(frame))


def sort_ranks(col: pd.Series, *, descending: bool = False) -> tuple[np.ndarray, int]:
    """Dense rank of each row in the column's display order, NA last; and the number of ranks."""
    if col.name in VALUE_ORDER or is_text(col.dtype):
        return code_ranks(*codes_of(col), col.name, descending=descending)
    numbers = col.to_numpy(dtype=np.float64, na_value=np.nan)
    known = ~np.isnan(numbers)
    distinct = np.unique(numbers[known])  # sorted
    codes = np.where(known, np.searchsorted(distinct, numbers), -1)
    return code_ranks(codes, pd.Index(distinct), None, descending=descending)


def code_ranks(
    codes: np.ndarray, values: pd.Index, name: object, *, descending: bool = False
) -> tuple[np.ndarray, int]:
    """:func:`sort_ranks` of a coded column (see :func:`codes_of`) named ``name``."""
    if name in VALUE_ORDER or is_text(values.dtype):
        ranks = value_ranks(values, name)
    else:  # numbers, in order already
        ranks = np.arange(len(values))
    size = len(values)
    if descending:
        ranks = size - 1 - ranks
    return np.take(np.append(ranks, size), codes), size + 1  # code -1 (NA): the last rank


def value_ranks(values: pd.Index, name: object) -> np.ndarray:
    """Rank of each of ``values`` in display order (see ``VALUE_ORDER``), from 0.

    Cached (the result is read-only): the tables of one evaluation share their
    commune names, whose Vietnamese keys cost the most; the categories of a
    categorical column are even the same object from one call to the next.
    """
    key = VALUE_ORDER.get(name)
    for seen, seen_key, ranks in _RECENT_RANKS:
        if seen is values and seen_key is key:
            return ranks
    ranks = ranks_of(tuple(values.tolist()), key)
    _RECENT_RANKS.appendleft((values, key, ranks))
    return ranks


_RECENT_RANKS: collections.deque = collections.deque(maxlen=8)


# --------------------------------------------------------------------------- integer codes
#
# Grouping, counting and matching rows on integer codes instead of text.


def is_text(dtype: object) -> bool:
    return pd.api.types.is_object_dtype(dtype) or isinstance(
        dtype, (pd.CategoricalDtype, pd.StringDtype)
    )


def combine(coded: Sequence[tuple[np.ndarray, int]], *, spare: int = 1) -> tuple[np.ndarray, int]:
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
            if bound * size > MAX_KEY:  # renumber the ids so far, densely
                ids, uniques = pd.factorize(ids)
                bound, offset = len(uniques), 0
            ids *= size  # in place: one array for all the keys
            ids += codes
        offset = offset * size + 1  # NA's code -1 is digit 0
        bound *= size
    ids += offset
    return ids, bound


def group_ids(coded: Sequence[tuple[np.ndarray, int]]) -> tuple[np.ndarray, int]:
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
                is_determined(other + 1, n_other + 1, codes)
                for other, n_other in done
                if n_other >= n_values
            ):
                continue
            if not dense:
                ids, bound = dense_ids(ids, bound)
            if bound * size > limit and is_determined(ids, bound, codes):
                dense = True
                continue
        ids *= size
        ids += codes
        ids += 1
        bound *= size
        dense = False
        done.append((codes, n_values))
    return (ids, bound) if dense else dense_ids(ids, bound)


def dense_ids(ids: np.ndarray, bound: int) -> tuple[np.ndarray, int]:
    """``ids`` renumbered 0 .. n - 1 (n distinct ids), by a count when their bound is small."""
    if bound <= 2 * len(ids) + 1024:
        present = np.bincount(ids, minlength=bound) > 0
        return (np.cumsum(present) - 1)[ids], int(present.sum())
    ids, uniques = pd.factorize(ids)
    return ids, len(uniques)


def is_determined(ids: np.ndarray, n_ids: int, codes: np.ndarray) -> bool:
    """Whether every id (0 .. n_ids - 1) goes with one code only."""
    table = np.zeros(n_ids, dtype=np.int64)
    table[ids] = codes  # any row's code per id; then check every row against it
    return bool(np.array_equal(table[ids], codes))


def groups_of(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Group number of each row over ``keys`` (NA a value of its own; in no particular
    order) and each group's first row."""
    group, n_groups = group_ids([(c, len(v)) for c, v in (codes_of(frame[k]) for k in keys)])
    return group, first_positions(group, n_groups)


def group_counts(
    frame: pd.DataFrame, keys: Sequence[str], state: np.ndarray, n_states: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """The groups of ``frame`` over ``keys`` (one row each, NA a value of its own, in no
    particular order) and, per group, how many rows are in each ``state`` (0 .. n_states - 1).

    The key values are decoded from the combined integer ids: no pass over the rows
    beyond the codes and one count.
    """
    coded = [codes_of(frame[k]) for k in keys]
    if math.prod(len(v) + 1 for _, v in coded) * n_states > MAX_KEY:  # too many to decode
        group, first = groups_of(frame, keys)
        counts = np.bincount(group * n_states + state, minlength=len(first) * n_states)
        return frame.loc[:, keys].take(first).reset_index(drop=True), counts.reshape(-1, n_states)
    ids, bound = combine([(c, len(v)) for c, v in coded], spare=n_states)
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
        columns[key] = from_codes(frame[key], values, digit - 1)
    return pd.DataFrame({k: columns[k] for k in keys}), counts


def from_codes(col: pd.Series, values: pd.Index, codes: np.ndarray) -> pd.Series:
    """A column of ``col``'s dtype from codes into ``values`` (see :func:`codes_of`)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return pd.Series(pd.Categorical.from_codes(codes, dtype=col.dtype), name=col.name)
    taken = pd.api.extensions.take(values.array, codes, allow_fill=True)
    return pd.Series(taken, name=col.name).astype(col.dtype)


def previous_in_group(order: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Per row, the row just before it in ``order`` within its group (-1 for a group's first)."""
    previous = np.full(len(order), -1, dtype=np.int64)
    same = group[order[1:]] == group[order[:-1]]
    previous[order[1:]] = np.where(same, order[:-1], -1)
    return previous


def codes_in(col: pd.Series, values: pd.Index) -> np.ndarray:
    """Position of each row's value in ``values`` (distinct), -1 for NA or a value not there."""
    codes, uniques = codes_of(col)
    if uniques.equals(values):
        return codes
    return np.append(values.get_indexer(uniques), -1)[codes]


def match_rows(left: pd.DataFrame, right: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """Per row of ``left``, the position of the first row of ``right`` with equal ``keys``
    (-1 if none). Values are compared, whatever the dtypes and categories."""
    coded = []
    for k in keys:
        (codes_left, codes_right), values = shared_codes(left[k], right[k])
        coded.append((np.concatenate([codes_left, codes_right]), len(values)))
    both, _ = combine(coded)
    ids_left, ids_right = both[: len(left)], both[len(left) :]
    first = ~pd.Index(ids_right).duplicated()
    hit = pd.Index(ids_right[first]).get_indexer(ids_left)
    return values_at(np.flatnonzero(first), hit, -1)


# --------------------------------------------------------------------------- columns


def take_at(col: pd.Series, positions: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """``col`` at ``positions``, NA where a position is -1."""
    values = pd.api.extensions.take(col.array, positions, allow_fill=True)
    return pd.Series(values, index=index, name=col.name)


def values_at(values: np.ndarray, positions: np.ndarray, fill: object) -> np.ndarray:
    """``values[positions]``, ``fill`` where a position is -1."""
    out = np.full(len(positions), fill, dtype=values.dtype)
    hit = positions >= 0
    out[hit] = values[positions[hit]]
    return out


def equals(col: pd.Series, value: object) -> np.ndarray:
    """``col == value`` with NA as False."""
    return (col == value).to_numpy(dtype=bool, na_value=False)


def is_value(col: pd.Series, value: str) -> np.ndarray:
    """``col == value`` with NA as False, for a text column: on the codes of a categorical."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        return equals(col, value)
    codes, values = codes_of(col)
    hit = values.get_indexer([value])[0]  # categories are distinct: one code at most
    return codes == hit if hit >= 0 else np.zeros(len(col), dtype=bool)


def as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text columns (categorical or not) as "string"."""
    return frame.assign(
        **{
            c: text_column(col.cat.categories, col.array.codes, col.index)
            if isinstance(col.dtype, pd.CategoricalDtype)
            else col.astype("string")
            for c, col in frame.items()
            if is_text(col.dtype)
        }
    )


def is_true(met: pd.Series) -> np.ndarray:
    """``met == True`` with NA as False (a nullable boolean column)."""
    return met.astype("boolean").to_numpy(dtype=bool, na_value=False)


def is_false(met: pd.Series) -> np.ndarray:
    return (~met.astype("boolean")).to_numpy(dtype=bool, na_value=False)


def text_column(
    labels: Sequence[object], codes: np.ndarray, index: pd.Index | None = None
) -> pd.Series:
    """String column ``labels[code]`` per row (NA for code -1), built by one pyarrow take,
    without a Python object per row. ``labels`` may be a list or a text Index."""
    if isinstance(labels, pd.Index) and is_text(labels.dtype):
        values = pa.array(labels.astype("string").array)
    else:
        texts = [None if pd.isna(v) else str(v) for v in labels]
        values = pa.array(texts, type=pa.large_string())
    taken = values.take(pa.array(codes, mask=codes < 0))
    return pd.Series(pd.arrays.ArrowStringArray(taken), index=index)


def text_of(col: pd.Series, fn) -> pd.Series:
    """String column ``fn(value)`` per row, ``fn`` called once per distinct value (NA stays NA)."""
    codes, values = codes_of(col)
    return text_column([fn(v) for v in values], codes, col.index)


def joined_texts(groups: np.ndarray, texts: pd.Series, n_groups: int) -> pd.Series:
    """The ``texts`` of each group (0 .. n_groups - 1) "; "-joined in their order ("" for a
    group without any); texts of group -1 are left out. One pyarrow join, no Python loop.

    >>> joined_texts(np.array([1, 0, 1, -1]), pd.Series(["a", "b", "c", "d"]), 3).tolist()
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


def floats(x: np.ndarray) -> pd.arrays.FloatingArray:
    """A Float64 array of ``x``, NA where it is NaN."""
    x = np.asarray(x, dtype=np.float64)
    return pd.arrays.FloatingArray(x, np.isnan(x))


def ints(x: np.ndarray) -> pd.arrays.IntegerArray:
    """An Int64 array of ``x`` (integers, or floats with NaN for NA)."""
    x = np.asarray(x)
    if x.dtype.kind == "f":
        missing = np.isnan(x)
        return pd.arrays.IntegerArray(np.where(missing, 0, x).astype(np.int64), missing)
    return pd.arrays.IntegerArray(x.astype(np.int64), np.zeros(len(x), dtype=bool))


def numbers_of(col: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(col.dtype):
        return col.to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.to_numeric(col, errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def as_list(by: str | Sequence[str] | None) -> list[str]:
    """``by`` as a list of column names (none for None)."""
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def in_year(frame: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """The rows of ``year`` (all rows for None)."""
    return frame if year is None else frame.loc[frame["year"] == year]


# --------------------------------------------------------------------------- tables of records


def as_categorical(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` with the given text columns as categoricals (others untouched).

    Columns that are categorical already are kept as they are, so records
    read with dictionary-encoded text (:func:`ntm_analysis.pipeline.read_records`)
    cost nothing here.

    >>> as_categorical(pd.DataFrame({"a": ["x", "y", "x"]}), ["a"])["a"].cat.categories.tolist()
    ['x', 'y']
    """
    convert = {
        c: frame[c].astype("string").astype("category")
        for c in columns
        if c in frame.columns and not isinstance(frame[c].dtype, pd.CategoricalDtype)
    }
    return frame.assign(**convert) if convert else frame


def categorical_from_codes(codes: np.ndarray, values: Sequence | pd.Index) -> pd.Categorical:
    """A categorical of ``values[code]`` per row (-1: missing), values made distinct."""
    values = pd.Index(values)
    if values.has_duplicates or values.hasnans:
        uniq = values.dropna().unique()
        remap = np.append(uniq.get_indexer(values), -1)
        codes, values = remap[codes], uniq
    if values.dtype == object:
        values = values.astype("str")
    return pd.Categorical.from_codes(codes, categories=values)


def rank_lookup(values: pd.Index, key: Callable | None = None) -> np.ndarray:
    """Rank of each distinct value in sorted order (``key`` per value), then one for NA.

    Index it with codes: code -1 (missing) picks the last slot, so NA sorts last.
    """
    return np.append(ranks_of(tuple(values.tolist()), key), len(values))


def rank_per_row(col: pd.Series, key: Callable | None = None) -> np.ndarray:
    """Per row, the rank of its value in sorted order (``key`` per distinct value; NA last)."""
    codes, values = codes_of(col)
    return rank_lookup(values, key)[codes]


class CodedColumns:
    """The codes of a frame's columns (see :func:`codes_of`), each computed once."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._done: dict[str, tuple[np.ndarray, pd.Index]] = {}

    def __call__(self, name: str) -> tuple[np.ndarray, pd.Index]:
        if name not in self._done:
            self._done[name] = codes_of(self.frame[name])
        return self._done[name]


def take_rows(frame: pd.DataFrame, columns: Sequence[str], rows: np.ndarray) -> pd.DataFrame:
    """``frame.loc[:, columns].take(rows)`` for valid positions, one gather per array.

    Taking each column's array directly skips the frame-level index
    conversion and bounds checks of a general take.
    """
    rows = np.asarray(rows, dtype=np.intp)
    out = {}
    for name in columns:
        array = frame[name].array
        if isinstance(array, pd.arrays.NumpyExtensionArray):
            out[name] = array.to_numpy()[rows]
        else:
            out[name] = array.take(rows)
    return pd.DataFrame(out, copy=False)


def year_codes(year: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the year column (-1: missing) and its distinct years as ints."""
    codes, uniques = codes_of(year)
    return codes, np.asarray(uniques, dtype=np.int64)


def boolean_array(values: np.ndarray, known: np.ndarray) -> pd.arrays.BooleanArray:
    return pd.arrays.BooleanArray(values.astype(bool), ~known.astype(bool))


def fill_categorical(a: pd.Series, b: pd.Series) -> pd.Categorical:
    """Categorical ``a`` with its gaps filled from categorical ``b`` (same length)."""
    (a_codes, b_codes), values = shared_codes(a, b)
    return categorical_from_codes(np.where(a_codes >= 0, a_codes, b_codes), values)


def take_codes(codes: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``codes[positions]`` with -1 for a position of -1."""
    return (
        np.where(positions >= 0, codes[np.maximum(positions, 0)], -1)
        if len(codes)
        else (np.full(len(positions), -1, dtype=np.int64))
    )
