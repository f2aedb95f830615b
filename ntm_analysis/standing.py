"""Where each commune stands: criteria met, bands, district totals and shares per year.

Pure functions over the processed tables (:data:`~ntm_analysis.schema.COMMUNE_COLUMNS`,
:data:`~ntm_analysis.schema.CRITERION_COLUMNS`, :data:`~ntm_analysis.schema.INDICATOR_COLUMNS`):
they return new DataFrames and never modify their input. Nothing assumes 19
criteria: the criteria come from the data. Commune identity is the pair
(``commune_code``, ``commune``): codes are reused with a new meaning after the
07/2025 reform, so a code alone is not a key.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import labels as lb
from . import schema as s
from .catalog import load_commune_floor
from .columnar import (
    as_list,
    equals,
    floats,
    group_counts,
    groups_of,
    in_year,
    ints,
    is_value,
    match_rows,
    previous_in_group,
    sort_order,
    sort_rows,
    take_at,
    text_column,
    values_at,
)

#: The programme's floor (QĐ 263: no commune under 15 criteria of a full 19-criterion set),
#: from ``data/catalog/programme/qd263_2022_targets.yaml``; None where the file sets none.
_FLOOR = load_commune_floor()
#: Criteria of a full commune set, the only size the floor is counted against.
FULL_SET_CRITERIA = _FLOOR.full_set_criteria if _FLOOR is not None else None
#: Fewest criteria a commune of a full set should meet (the default ``floor=``).
FLOOR_CRITERIA = _FLOOR.criteria if _FLOOR is not None else None


#: Bands of :func:`commune_standing`, by the codes :func:`_band` computes.
_BANDS = (lb.NO_DATA, lb.BAND_ALL, lb.BAND_FLOOR, lb.BAND_BELOW, lb.BAND_NOT_ALL)


def _band(communes: pd.DataFrame, floor: int | None) -> pd.Series:
    met = communes["criteria_met"].to_numpy()
    full = equals(communes["criteria_total"], FULL_SET_CRITERIA) & (floor is not None)
    codes = np.select(
        [
            is_value(communes["status"], s.STATUS_NO_DATA),
            is_value(communes["status"], s.STATUS_NTM),
            full & (met >= (floor or 0)),
            full,
        ],
        [0, 1, 2, 3],
        default=4,
    )
    return text_column(_BANDS, codes, communes.index)


def commune_standing(
    communes: pd.DataFrame, year: int | None = None, *, floor: int | None = FLOOR_CRITERIA
) -> pd.DataFrame:
    """Criteria met and NTM status per commune, with band and change since the previous year.

    Adds ``criteria_short`` (criteria not met), ``band`` (``labels.BAND_*``: all /
    15–18 / under 15 for a 19-criterion set, "not all" for other sets),
    ``previous_year`` (the commune's latest earlier year in the data, NA for a
    commune that appears that year) and ``criteria_met_change`` (NA where the
    previous row is of another criteria set: counts of two sets are not
    compared). A frame with a ``schema.UNIT_COLUMN`` keys communes by unit too.
    Sorted by year, then criteria met (most first), then commune.
    """
    # each commune's previous row: the one before it in year order
    group, _ = groups_of(communes, s.commune_key(communes))
    previous = previous_in_group(np.lexsort((communes["year"].to_numpy(), group)), group)
    met = communes["criteria_met"]
    change = (met - take_at(met, previous, communes.index)).astype("Int64")
    set_before = take_at(communes["criteria_set"], previous, communes.index).astype("string")
    same_set = (set_before == communes["criteria_set"].astype("string")).fillna(False)
    frame = communes.assign(
        criteria_short=communes["criteria_total"] - met,
        band=_band(communes, floor),
        previous_year=take_at(communes["year"], previous, communes.index).astype("Int64"),
        criteria_met_change=change.where(same_set.to_numpy(bool)),
    )
    frame = in_year(frame, year)
    return sort_rows(
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
    keys = as_list(by) + ["year", "criteria_set"]
    group, first = groups_of(communes, keys)
    n = len(first)
    met = communes["criteria_met"].to_numpy(dtype=np.float64, na_value=np.nan)
    reported = ~is_value(communes["status"], s.STATUS_NO_DATA)
    ntm = is_value(communes["status"], s.STATUS_NTM)
    full = equals(communes["criteria_total"], FULL_SET_CRITERIA)
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
        mean_criteria_met=floats(mean),
        min_criteria_met=ints(np.where(np.isinf(least), np.nan, least)),
        communes_below_floor=np.bincount(group[below], minlength=n),
    )
    out = out.assign(
        share_ntm=(out["communes_ntm"] / out["communes_total"]).astype("Float64"),
    )
    out = sort_rows(out, as_list(by) + ["year", "criteria_set"])
    prev = (
        out.groupby(as_list(by), dropna=False, sort=False)["communes_ntm"].shift(1)
        if by
        else (out["communes_ntm"].shift(1))
    )
    out = out.assign(communes_ntm_change=(out["communes_ntm"] - prev).astype("Int64"))
    if criteria is not None:
        shares = criterion_shares(criteria, by=by)
        met_by_all = equals(shares["communes_met"] == shares["communes_total"], True)
        group, first = groups_of(shares, keys)
        per = shares.loc[:, keys].take(first).reset_index(drop=True)
        per = per.assign(
            criteria_met_by_all=np.bincount(group[met_by_all], minlength=len(first)),
            criteria_met_by_none=np.bincount(
                group[equals(shares["communes_met"], 0)], minlength=len(first)
            ),
        )
        hit = match_rows(out, per, keys)
        out = out.assign(
            criteria_met_by_all=take_at(per["criteria_met_by_all"], hit, out.index).astype("Int64"),
            criteria_met_by_none=take_at(per["criteria_met_by_none"], hit, out.index).astype(
                "Int64"
            ),
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
    out, counts = group_counts(frame, keys, state, 3)
    total, not_met, met = counts.sum(axis=1), counts[:, 1], counts[:, 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        share, share_of_reported = met / total, met / (met + not_met)
    # the change since the previous year of the same set and code
    ties = ["criteria_set", "criterion"] if code == "indicator" else ["criteria_set"]
    previous = previous_in_group(
        sort_order(out, by + [code, "year"] + ties), groups_of(out, by + ["criteria_set", code])[0]
    )
    out = out.assign(
        communes_total=pd.array(total, dtype="Int64"),
        communes_reported=met + not_met,
        communes_met=met,
        communes_not_met=not_met,
        communes_no_data=pd.array(counts[:, 0], dtype="Int64"),
        share_met=floats(share),
        share_met_of_reported=floats(share_of_reported),
        share_met_change=floats(share - values_at(share, previous, np.nan)),
    )
    return sort_rows(out, by + ["year", code] + ties)


def criterion_shares(
    criteria: pd.DataFrame, *, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Communes meeting each criterion per year.

    ``share_met`` is over every commune with a row for the criterion that year
    (a criterion without a decision counts as not met, as for recognition);
    ``share_met_of_reported`` only over those with a decision.
    ``share_met_change`` is the change since the previous year of the same set.
    """
    return _shares(criteria, "criterion", as_list(by))


def indicator_shares(
    indicators: pd.DataFrame, *, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Communes meeting each indicator per year (same columns as :func:`criterion_shares`)."""
    return _shares(indicators, "indicator", as_list(by))
