"""What changed between two years: criteria gained and lost per commune, and district shares."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import labels as lb
from . import schema as s
from .columnar import (
    codes_of,
    equals,
    group_ids,
    is_false,
    is_true,
    joined_texts,
    match_rows,
    sort_order,
    sort_rows,
    take_at,
    text_column,
    text_of,
    values_at,
)
from .evaluation import evaluate_communes
from .standing import criterion_shares

#: Trend words of :func:`compare_years` at district level.
ROSE = "rose"
FELL = "fell"
UNCHANGED = "unchanged"


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
    ``keys`` (see :func:`sort_rows`).
    """
    either = equals(frame["year"], year_from) | equals(frame["year"], year_to)
    rows = frame.loc[either].reset_index(drop=True)
    group, n_groups = group_ids([(c, len(v)) for c, v in (codes_of(rows[k]) for k in keys)])
    in_from = np.flatnonzero(equals(rows["year"], year_from))
    in_to = np.flatnonzero(equals(rows["year"], year_to))
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
    order = sort_order(keyed, keys)
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
    """Code in ``_CHANGES`` of each commune × criterion pair (the rows of each year, -1: none)."""
    set_codes, _ = codes_of(rows["criteria_set"])
    met, not_met = is_true(rows["met"]), is_false(rows["met"])
    return cell_change(
        set_from=values_at(set_codes, row_from, -1),
        set_to=values_at(set_codes, row_to, -1),
        met_from=values_at(met, row_from, False),
        met_to=values_at(met, row_to, False),
        not_met_from=values_at(not_met, row_from, False),
        not_met_to=values_at(not_met, row_to, False),
    )


def cell_change(
    *,
    set_from: np.ndarray,
    set_to: np.ndarray,
    met_from: np.ndarray,
    met_to: np.ndarray,
    not_met_from: np.ndarray,
    not_met_to: np.ndarray,
) -> np.ndarray:
    """The rule for a commune × criterion between two years, as a code in ``_CHANGES``.

    Not comparable when the two years use different criteria sets (codes, -1: no
    row); no data when either year has no decision; else gained, lost, or
    unchanged met / not met.

    >>> codes = cell_change(set_from=np.array([0, 0, 0, 0]), set_to=np.array([1, 0, 0, 0]),
    ...     met_from=np.array([1, 0, 0, 1], bool), met_to=np.array([1, 0, 1, 1], bool),
    ...     not_met_from=np.array([0, 0, 1, 0], bool), not_met_to=np.array([0, 1, 0, 0], bool))
    >>> [_CHANGES[c] for c in codes]
    ['not_comparable', 'no_data', 'gained', 'unchanged_met']
    """
    return np.select(
        [
            (set_from >= 0) & (set_to >= 0) & (set_from != set_to),
            ~(met_from | not_met_from) | ~(met_to | not_met_to),
            not_met_from & met_to,
            met_from & not_met_to,
            met_from & met_to,
        ],
        [0, 1, 2, 3, 4],
        default=5,
    )


def standard_changes(
    status_from: pd.Series, status_to: pd.Series, present_from: np.ndarray, present_to: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The rule for a commune's standing between two years: ``dropped_below_standard``
    (at the standard in the first year, present with another status in the second) and
    ``newly_ntm`` (the other way round).

    >>> dropped, newly = standard_changes(pd.Series(["ntm", "not_ntm", None]),
    ...     pd.Series(["not_ntm", "ntm", "ntm"]), np.array([1, 1, 0], bool), np.ones(3, bool))
    >>> dropped.tolist(), newly.tolist()
    ([True, False, False], [False, True, False])
    """
    ntm_from, ntm_to = equals(status_from, s.STATUS_NTM), equals(status_to, s.STATUS_NTM)
    dropped = ntm_from & ~ntm_to & status_to.notna().to_numpy() & present_to
    newly = ntm_to & ~ntm_from & status_from.notna().to_numpy() & present_from
    return dropped, newly


def share_trend(delta: pd.Series, comparable: pd.Series) -> np.ndarray:
    """The rule for a criterion's district share: not comparable across sets or without
    both shares, else rose, fell or unchanged.

    >>> share_trend(pd.Series([0.1, -0.2, 0.0, 0.3], dtype="Float64"),
    ...             pd.Series([True, True, True, False])).tolist()
    ['rose', 'fell', 'unchanged', 'not_comparable']
    """
    return np.select(
        [
            (~comparable | delta.isna()).to_numpy(bool),
            (delta > 0).fillna(False).to_numpy(bool),
            (delta < 0).fillna(False).to_numpy(bool),
        ],
        [lb.NOT_COMPARABLE, ROSE, FELL],
        default=UNCHANGED,
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
    None: it is then rolled up from ``criteria``. The rules are
    :func:`cell_change`, :func:`standard_changes` and :func:`share_trend`.

    Across a change of criteria set nothing is compared criterion by criterion
    (cells ``not_comparable``, no gains or losses) and ``criteria_met_change``
    is NA: only the standard met or not carries over. Frames with a
    ``schema.UNIT_COLUMN`` pair communes by unit too, so the units before and
    after a merger that share a name and code are never paired.
    """
    if communes is None:
        communes = evaluate_communes(criteria)
    name_map = _names(names, lang)
    rows, cells, change = _criterion_cells(criteria, year_from, year_to)
    per = _commune_changes(communes, cells, change, year_from, year_to, name_map)
    crit = _district_shares(rows, year_from, year_to, name_map)
    return YearComparison(year_from, year_to, per, cells, crit)


def _criterion_cells(
    criteria: pd.DataFrame, year_from: int, year_to: int
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Per commune × criterion, a full outer join of the two years on integer keys: the rows
    of either year, the cells table and the code in ``_CHANGES`` of each cell."""
    key = s.commune_key(criteria)
    cols = ["year", *key, "criteria_set", "criterion", "met"]
    rows, row_from, row_to, cells = _pair_years(
        criteria.loc[:, cols], ["commune", "criterion", *key[:1], *key[2:]], year_from, year_to
    )
    met = rows["met"].astype("boolean")
    change = _cell_changes(rows, row_from, row_to)
    cells = cells.assign(
        year_from=year_from,
        year_to=year_to,
        criteria_set_from=take_at(rows["criteria_set"], row_from),
        criteria_set_to=take_at(rows["criteria_set"], row_to),
        met_from=take_at(met, row_from),
        met_to=take_at(met, row_to),
        change=text_column(_CHANGES, change),
    ).loc[
        :,
        ["year_from", "year_to"]
        + key
        + ["criteria_set_from", "criteria_set_to", "criterion", "met_from", "met_to", "change"],
    ]
    return rows, cells, change


def _commune_changes(
    communes: pd.DataFrame,
    cells: pd.DataFrame,
    change: np.ndarray,
    year_from: int,
    year_to: int,
    name_map: dict[str, str],
) -> pd.DataFrame:
    """One row per commune present in either year: its criteria met, status, the criteria it
    gained and lost (from the ``cells`` and their ``change`` codes)."""
    ckey = s.commune_key(communes)
    ccols = ["year", *ckey, "criteria_set", "criteria_met", "status"]
    com, com_from, com_to, per = _pair_years(
        communes.loc[:, ccols], ["commune", *ckey[:1], *ckey[2:]], year_from, year_to
    )
    # cells are sorted by commune, then criterion number: the joins keep numeric order
    moved = np.isin(change, [_CHANGES.index(lb.GAINED), _CHANGES.index(lb.LOST)])
    owner = match_rows(cells.loc[moved], per, [k for k in ckey if k in cells.columns])
    gained = change[moved] == _CHANGES.index(lb.GAINED)
    numbers = text_of(cells["criterion"].loc[moved], str)
    labels = text_of(cells["criterion"].loc[moved], lambda c: lb.criterion_label(c, name_map))
    lists = {
        "gained": joined_texts(np.where(gained, owner, -1), numbers, len(per)),
        "gained_names": joined_texts(np.where(gained, owner, -1), labels, len(per)),
        "lost": joined_texts(np.where(gained, -1, owner), numbers, len(per)),
        "lost_names": joined_texts(np.where(gained, -1, owner), labels, len(per)),
    }
    present_from, present_to = com_from >= 0, com_to >= 0
    status_from, status_to = take_at(com["status"], com_from), take_at(com["status"], com_to)
    dropped, newly = standard_changes(status_from, status_to, present_from, present_to)
    met_from = take_at(com["criteria_met"], com_from).astype("Int64")
    met_to = take_at(com["criteria_met"], com_to).astype("Int64")
    set_from = take_at(com["criteria_set"], com_from).astype("string")
    same_set = (set_from == take_at(com["criteria_set"], com_to).astype("string")).fillna(False)
    per = per.assign(
        year_from=year_from,
        year_to=year_to,
        criteria_set_from=take_at(com["criteria_set"], com_from),
        criteria_set_to=take_at(com["criteria_set"], com_to),
        present_from=present_from,
        present_to=present_to,
        criteria_met_from=met_from,
        criteria_met_to=met_to,
        criteria_met_change=(met_to - met_from).where(same_set.to_numpy(bool)),
        status_from=status_from,
        status_to=status_to,
        dropped_below_standard=dropped,
        newly_ntm=newly,
        **lists,
    )
    return per.loc[
        :,
        ["year_from", "year_to"]
        + ckey
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


def _district_shares(
    rows: pd.DataFrame, year_from: int, year_to: int, name_map: dict[str, str]
) -> pd.DataFrame:
    """One row per criterion: the share of communes meeting it in each year and its trend."""
    shares = criterion_shares(rows)
    shares, share_from, share_to, crit = _pair_years(shares, ["criterion"], year_from, year_to)
    crit = crit.assign(
        criteria_set_from=take_at(shares["criteria_set"], share_from),
        criteria_set_to=take_at(shares["criteria_set"], share_to),
        share_from=take_at(shares["share_met"], share_from),
        share_to=take_at(shares["share_met"], share_to),
    )
    delta = (crit["share_to"] - crit["share_from"]).astype("Float64").round(12)
    comparable = (crit["criteria_set_from"] == crit["criteria_set_to"]).fillna(False).astype(bool)
    crit = crit.assign(
        year_from=year_from,
        year_to=year_to,
        comparable=comparable,
        share_change=delta.where(comparable),
        trend=pd.Series(share_trend(delta, comparable), index=crit.index, dtype="string"),
        criterion_name=text_of(crit["criterion"], name_map.get),
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
    return sort_rows(crit, ["criterion", "criteria_set_from", "criteria_set_to"])


def _names(names: object, lang: str) -> dict[str, str]:
    return lb.criterion_names(names, lang) if names is not None else {}
