"""The targets commune reports state in their "Chỉ tiêu" column, as a basis of judgement.

A real commune report copies beside each indicator the target it was assessed
against, taken from the province's detailing set ("≥ 95%", "≤ 2%", "Đạt").
Where no sourced threshold applies, that stated target is the best local
record of the province's figure: comparing the reported value with it does
not depend on the commune's own appraisal.

Like the rest of evaluation this works on integer codes: each distinct target
text is read once (:func:`ntm_analysis.parsing.read_target`) and every row
finds its operator and figure by indexing. Pure functions, arrays in and out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema as s
from .columnar import codes_of
from .parsing import TARGET_UNPARSED, read_target

#: Operators of stated targets, in the order of their codes. The first five
#: are those of catalog thresholds, with the same codes.
STATED_OPS = (*s.THRESHOLD_OPS, "=", "no")
_YES, _EQ, _NO = STATED_OPS.index("yes"), STATED_OPS.index("="), STATED_OPS.index("no")
_SYMBOLS = {**s.OP_SYMBOLS, "=": "=", "yes": "Đạt", "no": "Không"}


def target_label(op: str, value: float | None, unit: str | None) -> str:
    """A target written one way whatever the report wrote: ``"≥ 95%"``, ``"Đạt"``.

    >>> target_label(">=", 95.0, "%"), target_label("<", 2.5, "%"), target_label("yes", None, None)
    ('≥ 95%', '< 2,5%', 'Đạt')
    >>> target_label(">=", 53.0, "triệu đồng/người/năm")
    '≥ 53 triệu đồng/người/năm'
    """
    symbol = _SYMBOLS.get(op, op)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return symbol
    figure = f"{value:g}".replace(".", ",")
    if unit is None:
        return f"{symbol} {figure}"
    return f"{symbol} {figure}{unit}" if unit == "%" else f"{symbol} {figure} {unit}"


@dataclass(frozen=True)
class StatedTargets:
    """Per row: the target the report states, read and checked against the value's unit."""

    op: np.ndarray  # code into STATED_OPS; -1: none, unreadable, or in another unit
    value: np.ndarray  # float64 figure (NaN for "Đạt" / "Không" or none)
    unparsed: np.ndarray  # bool: text that is not a target
    unit_clash: np.ndarray  # bool: a target in % beside a value in another unit, or the reverse
    target_id: np.ndarray  # id of the distinct target (op, figure, unit); -1 where op is -1
    labels: tuple[str, ...]  # label of each target id (see target_label)


def read_stated_targets(target_text: pd.Series, unit: pd.Series) -> StatedTargets:
    """Read every row's stated target, each distinct text once.

    ``unit`` is the unit found with the value (or in the header). A target in
    "%" beside a value in another unit (or the reverse) cannot judge the
    value: the row gets ``unit_clash`` and no target.
    """
    t_codes, t_values = codes_of(target_text)
    n = len(t_values)
    op = np.full(n + 1, -1, dtype=np.int8)
    figure = np.full(n + 1, np.nan)
    unparsed = np.zeros(n + 1, dtype=bool)
    percent = np.zeros(n + 1, dtype=np.int8)  # 1: in %, -1: in another unit, 0: no unit
    ids: dict[tuple, int] = {}
    target_id = np.full(n + 1, -1, dtype=np.int32)
    labels: list[str] = []
    for k, text in enumerate(t_values.tolist()):
        reading = read_target(text)
        unparsed[k] = reading.status == TARGET_UNPARSED
        target = reading.target
        if target is None or target.op not in STATED_OPS:
            continue
        op[k] = STATED_OPS.index(target.op)
        figure[k] = np.nan if target.value is None else target.value
        percent[k] = 0 if target.unit is None else 1 if target.unit == "%" else -1
        key = (target.op, target.value, target.unit)
        if key not in ids:
            ids[key] = len(labels)
            labels.append(target_label(*key))
        target_id[k] = ids[key]
    u_codes, u_values = codes_of(unit)
    unit_percent = np.zeros(len(u_values) + 1, dtype=np.int8)
    for j, u in enumerate(u_values.tolist()):
        unit_percent[j] = 1 if str(u).strip().startswith("%") else -1
    row_percent, row_unit = percent[t_codes], unit_percent[u_codes]
    clash = (row_percent != 0) & (row_unit != 0) & (row_percent != row_unit)
    row_op = np.where(clash, np.int8(-1), op[t_codes])
    return StatedTargets(
        op=row_op,
        value=figure[t_codes],
        unparsed=unparsed[t_codes],
        unit_clash=clash,
        target_id=np.where(clash, -1, target_id[t_codes]),
        labels=tuple(labels),
    )


def judge_by_stated(targets: StatedTargets, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(known, met)`` per row: whether the stated target decides the row, and how.

    A comparison needs a figure and a value; "Đạt" / "Không" need a yes/no
    value (1 or 0): a percentage beside a target of "Đạt" is not judged by it.
    """
    op, bound = targets.op, targets.value
    yes_no = (op == _YES) | (op == _NO)
    flag = (value == 0) | (value == 1)
    with np.errstate(invalid="ignore"):
        met = np.select(
            [op == 0, op == 1, op == 2, op == 3, op == _YES, op == _EQ, op == _NO],
            [
                value >= bound,
                value <= bound,
                value > bound,
                value < bound,
                value >= 0.5,
                np.isclose(value, bound),
                value < 0.5,
            ],
            False,
        )
    known = (op >= 0) & ~np.isnan(value) & np.where(yes_no, flag, ~np.isnan(bound))
    return known, met & known


def same_as_threshold(
    targets: StatedTargets, threshold_op: np.ndarray, threshold: np.ndarray
) -> np.ndarray:
    """Per row: the stated target has the operator and figure of the threshold.

    ``threshold_op`` holds codes into the catalog's operators (the first
    five of :data:`STATED_OPS`), -1 where no threshold applies.
    """
    same_figure = np.isclose(targets.value, threshold) | (
        np.isnan(targets.value) & np.isnan(threshold)
    )
    return (targets.op == threshold_op) & same_figure


@dataclass(frozen=True)
class Departures:
    """Rows whose stated target departs from the one most rows of their group state."""

    rows: np.ndarray  # positions of the departing rows
    mode: np.ndarray  # per departing row: target id most stated in its group (-1: a tie)
    mode_count: np.ndarray  # ... how many rows state it
    group_size: np.ndarray  # ... rows of the group with a target
    figures: list[list[tuple[int, int]]]  # ... every (target id, count) of its group


def departures(group: np.ndarray, target_id: np.ndarray) -> Departures:
    """Within each group, the rows that state another target than the most common one.

    ``group`` is a non-negative integer per row (for example the threshold
    table row, one per year x region x indicator); rows with ``target_id``
    -1 take no part. When two figures tie for most common, every row of the
    group departs (``mode`` -1). Counting is one ``bincount`` over the
    (group, target) pairs present, so it stays linear in the rows.

    >>> d = departures(np.array([0, 0, 0, 1, 1]), np.array([5, 5, 7, 5, 7]))
    >>> d.rows.tolist(), d.mode.tolist()
    ([2, 3, 4], [5, -1, -1])
    """
    rows = np.flatnonzero(target_id >= 0)
    empty = np.empty(0, dtype=np.int64)
    if not len(rows):
        return Departures(empty, empty, empty, empty, [])
    g_codes, g_values = pd.factorize(group[rows], sort=True)
    t_codes, t_values = pd.factorize(target_id[rows], sort=True)
    n_g, n_t = len(g_values), len(t_values)
    counts = np.bincount(g_codes * n_t + t_codes, minlength=n_g * n_t).reshape(n_g, n_t)
    varied = (counts > 0).sum(axis=1) > 1
    if not varied.any():
        return Departures(empty, empty, empty, empty, [])
    top = counts.max(axis=1)
    unique_top = (counts == top[:, None]).sum(axis=1) == 1
    mode = np.where(unique_top, counts.argmax(axis=1), -1)
    leaving = varied[g_codes] & (t_codes != mode[g_codes])
    picked, g_picked = rows[leaving], g_codes[leaving]
    t_values = np.asarray(t_values, dtype=np.int64)
    mode_id = np.where(mode >= 0, t_values[np.maximum(mode, 0)], -1)
    figures_of = {}
    for g in np.unique(g_picked).tolist():
        present = np.flatnonzero(counts[g])
        pairs = [(int(t_values[j]), int(counts[g, j])) for j in present]
        figures_of[g] = sorted(pairs, key=lambda tc: (-tc[1], tc[0]))
    return Departures(
        rows=picked,
        mode=mode_id[g_picked],
        mode_count=np.where(mode[g_picked] >= 0, top[g_picked], 0).astype(np.int64),
        group_size=counts.sum(axis=1)[g_picked].astype(np.int64),
        figures=[figures_of[g] for g in g_picked.tolist()],
    )
