"""Integer codes of table columns: the shared primitives of evaluation and trends.

National-scale tables repeat a few thousand distinct values (commune names,
codes, years) over millions of rows, so the transforms group, match and sort
rows on small integer codes instead of text. This module defines those codes
once; everything here is pure.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pandas as pd


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
