"""History across mergers and across criteria sets.

Two rules keep a series over the years honest:

* **A series belongs to one unit.** Names and codes are reused by the units
  formed on 01/07/2025 (the new Xã Quảng Tân keeps the name and code 06913 of
  the old one; the new Xã Đầm Hà has the name of an old commune and the code of
  the old town). A row of the processed tables belongs to the registry unit that
  carried its name and code in its year (:func:`unit_keys`); the history of a
  commune is the rows of its own unit (:func:`own_rows`), and the units it was
  formed from are listed apart, with their last standing (:func:`formed_from`).
* **Criterion numbers are never compared across criteria sets.** Criterion 6
  of QĐ 318 is not criterion 6 of QĐ 51. A series is cut where its criteria set
  changes (:func:`set_runs`); across sets only what continues is compared: the
  standard met or not, and criteria met as a share of the set's total
  (:func:`share_of_set`).

No rule decides the NTM status of a commune formed by a merger: no public
source the project holds states one, so :func:`formed_from` lists the
predecessors' statuses side by side and the pages say that nothing is decided.

Every function is pure: inputs are never modified.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from . import labels as lb
from . import schema as s
from .lineage import LineageLink, Unit
from .parsing import fold_text
from .registry import ASSESSED_UNIT_TYPES, Registry

#: Column :func:`with_units` adds: the registry unit a row belongs to.
UNIT_COLUMN = "unit"

#: Levels of the criteria sets whose standing :func:`formed_from` reports, in page order
#: (catalog ``level``): NTM, advanced NTM, model NTM.
STANDING_LEVELS = ("commune", "commune_advanced", "commune_model")

#: Status of a unit that is not assessed under the commune sets (a town, a ward).
NOT_ASSESSED = "not_assessed"

#: Columns of :func:`formed_from`, in order.
FORMED_FROM_COLUMNS = (
    "predecessor",
    "predecessor_code",
    "unit_type",
    "merged_on",
    "legal_basis",
    "last_year",
    "criteria_set",
    "criteria_met",
    "criteria_total",
    *(f"status_{level}" for level in STANDING_LEVELS),
    *(f"status_{level}_year" for level in STANDING_LEVELS),
)


def unit_key(unit: Unit) -> str:
    """A text key of one unit for one validity period: code, name and first day.

    >>> from ntm_analysis.registry import load_registry
    >>> unit_key(load_registry().unit("06913", on=date(2026, 1, 1)))
    '06913|Xã Quảng Tân|2025-07-01'
    """
    start = unit.valid_from.isoformat() if unit.valid_from else ""
    return f"{unit.code or ''}|{unit.name}|{start}"


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def unit_in_year(registry: Registry, commune: object, code: object, year: int) -> Unit | None:
    """The registry unit a row of ``year`` names: the one valid at the end of the year
    (a report assesses the year), else the one valid at its start.

    >>> from ntm_analysis.registry import load_registry
    >>> reg = load_registry()
    >>> unit_in_year(reg, "Xã Quảng Tân", "06913", 2024).valid_to
    datetime.date(2025, 6, 30)
    >>> unit_in_year(reg, "Xã Quảng Tân", "06913", 2026).valid_from
    datetime.date(2025, 7, 1)
    """
    name = _text(commune)
    for day in (date(int(year), 12, 31), date(int(year), 1, 1)):
        unit = registry.unit(_text(code), on=day, name=name)
        if unit is not None:
            return unit
    return None


#: Per registry: (code, folded name) -> [(first day, last day, unit key)], built once.
_UNIT_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _unit_index(registry: Registry) -> dict[tuple[str | None, str], list[tuple[date, date, str]]]:
    index = _UNIT_INDEXES.get(registry)
    if index is None:
        index = {}
        f = registry.frame
        for code, name, start, end in zip(
            f["code"], f["name"], f["valid_from"], f["valid_to"], strict=True
        ):
            first = date.min if pd.isna(start) else date.fromisoformat(str(start))
            last = date.max if pd.isna(end) else date.fromisoformat(str(end))
            code = None if pd.isna(code) else str(code)
            key = f"{code or ''}|{name}|{'' if first == date.min else first.isoformat()}"
            index.setdefault((code, fold_text(name)), []).append((first, last, key))
        _UNIT_INDEXES[registry] = index
    return index


def unit_keys(frame: pd.DataFrame, registry: Registry) -> pd.Series:
    """Per row of ``frame`` (``year``, ``commune``, ``commune_code``), the key
    (:func:`unit_key`) of the registry unit it belongs to, found as
    :func:`unit_in_year` finds it; NA when the registry has none (the row then
    keeps its name and code as identity)."""
    index = _unit_index(registry)
    cols = ["year", "commune", "commune_code"]
    keys: dict[tuple, object] = {}
    for year, commune, code in frame.loc[:, cols].drop_duplicates().itertuples(index=False):
        spans = index.get((_text(code), fold_text(commune)), []) if not pd.isna(year) else []
        found: object = pd.NA
        for day in (date(int(year), 12, 31), date(int(year), 1, 1)) if spans else ():
            hits = [key for first, last, key in spans if first <= day <= last]
            if len(hits) == 1:
                found = hits[0]
                break
        keys[(year, commune, code)] = found
    values = [keys[t] for t in frame.loc[:, cols].itertuples(index=False, name=None)]
    return pd.Series(values, index=frame.index, dtype="string", name=UNIT_COLUMN)


def with_units(frame: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """A copy of ``frame`` with a :data:`UNIT_COLUMN` naming each row's unit.

    :func:`~ntm_analysis.changes.compare_years` and
    :func:`~ntm_analysis.standing.commune_standing` key communes by it too, so the
    old and the new Xã Quảng Tân (same name, same code) are never paired.
    """
    return frame.assign(**{UNIT_COLUMN: unit_keys(frame, registry)})


def current_series(frame: pd.DataFrame, registry: Registry, year: int) -> pd.DataFrame:
    """The rows of ``frame`` up to ``year`` whose series is still assessed in ``year``.

    A series is one registry unit under one criteria set. A series that ends before
    ``year`` is history, not progress: a unit merged away, or a unit whose later
    reports are judged by another criteria set (criterion 6 of QĐ 318 is not
    criterion 6 of QĐ 51, even for a commune that kept its name and code). A row the
    registry does not know keeps its name and code as its unit.
    """
    upto = frame.loc[(frame["year"] <= int(year)).fillna(False).to_numpy(bool)]
    units = unit_keys(upto, registry)
    fallback = (
        upto["commune_code"].astype("string").fillna("")
        + "|"
        + upto["commune"].astype("string").fillna("")
    )
    series = units.fillna("~" + fallback) + "#" + upto["criteria_set"].astype("string").fillna("")
    now = set(series.loc[(upto["year"] == int(year)).fillna(False).to_numpy(bool)])
    return upto.loc[series.isin(now).to_numpy(bool)]


def own_rows(frame: pd.DataFrame, registry: Registry, commune: str, year: int) -> pd.DataFrame:
    """The rows of ``frame`` that belong to the unit ``commune`` names in ``year``.

    Rows of an earlier or later unit of the same name (or code) are left out;
    without a registry unit, the rows with the commune's name and code.
    """
    named = frame.loc[(frame["commune"].astype("string") == commune).fillna(False)]
    now = named.loc[(named["year"] == int(year)).fillna(False)]
    codes = now["commune_code"] if len(now) else named["commune_code"]
    code = _text(codes.iloc[-1]) if len(codes) else None
    unit = unit_in_year(registry, commune, code, int(year))
    if unit is None:
        codes = named["commune_code"].astype("string")
        same = (codes == code).fillna(False) if code else codes.isna()
        return named.loc[same.to_numpy(bool)]
    return named.loc[(unit_keys(named, registry) == unit_key(unit)).fillna(False)]


def _level_of(set_id: object, levels: Mapping[str, str] | None) -> str:
    if levels is None:
        return "commune"
    return levels.get(str(set_id), "")


def _standing(rows: pd.DataFrame, levels: Mapping[str, str] | None) -> dict[str, object]:
    """Last standing of one unit from its own rows (one per year and set)."""
    out: dict[str, object] = {
        "last_year": pd.NA,
        "criteria_set": pd.NA,
        "criteria_met": pd.NA,
        "criteria_total": pd.NA,
    }
    level = rows["criteria_set"].map(lambda v: _level_of(v, levels))
    for name in STANDING_LEVELS:
        mine = rows.loc[(level == name).to_numpy(bool)]
        reported = mine.loc[(mine["status"].astype("string") != s.STATUS_NO_DATA).fillna(False)]
        last = (reported if len(reported) else mine).sort_values("year").tail(1)
        if last.empty:
            out[f"status_{name}"] = lb.NO_DATA
            out[f"status_{name}_year"] = pd.NA
            continue
        r = last.iloc[0]
        out[f"status_{name}"] = str(r["status"])
        out[f"status_{name}_year"] = int(r["year"])
        if name == "commune":
            out.update(
                last_year=int(r["year"]),
                criteria_set=str(r["criteria_set"]),
                criteria_met=int(r["criteria_met"]),
                criteria_total=int(r["criteria_total"]),
            )
    return out


def formed_from(
    communes: pd.DataFrame,
    registry: Registry,
    commune: str,
    year: int,
    *,
    levels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The units ``commune`` (as it stood in ``year``) was formed from, with their last standing.

    One row per predecessor in the lineage file, in its order: name and code,
    unit type, the merger's date and legal basis (NA where the file has none),
    the last year with data of the predecessor's own unit (never its namesake's)
    under a commune NTM set with criteria met of that set's total, and per
    level of :data:`STANDING_LEVELS` its latest status and year
    (``labels.NO_DATA`` when the data holds none, :data:`NOT_ASSESSED` for a
    town or ward). ``levels`` maps criteria set ids to catalog levels (None:
    every set is a commune NTM set). Nothing is decided about ``commune``'s
    own status.
    """
    unit = unit_of_commune(communes, registry, commune, year)
    links = registry.predecessors(unit.code, on=_day_in(unit, year), name=unit.name) if unit else ()
    rows = [_predecessor_row(communes, registry, link, levels) for link in links]
    out = pd.DataFrame(rows, columns=list(FORMED_FROM_COLUMNS))
    ints = ["last_year", "criteria_met", "criteria_total"]
    ints += [f"status_{level}_year" for level in STANDING_LEVELS]
    texts = [c for c in FORMED_FROM_COLUMNS if c not in ints and c != "merged_on"]
    return out.astype({**dict.fromkeys(ints, "Int64"), **dict.fromkeys(texts, "string")})


def became_part_of(
    communes: pd.DataFrame, registry: Registry, commune: str, year: int
) -> tuple[LineageLink, ...]:
    """The links out of the unit ``commune`` names in ``year``: what it later became part of."""
    unit = unit_of_commune(communes, registry, commune, year)
    if unit is None:
        return ()
    return registry.successors(unit.code, on=_day_in(unit, year), name=unit.name)


def unit_of_commune(
    communes: pd.DataFrame, registry: Registry, commune: str, year: int
) -> Unit | None:
    """The registry unit the commune ``commune`` of the data is in ``year``."""
    mine = own_rows(communes, registry, commune, year)
    now = mine.loc[(mine["year"] == int(year)).fillna(False)]
    row = now if len(now) else mine.sort_values("year").tail(1)
    code = _text(row["commune_code"].iloc[0]) if len(row) else None
    return unit_in_year(registry, commune, code, int(year))


def _day_in(unit: Unit, year: int) -> date:
    """A day of ``year`` on which ``unit`` is valid (the year's end when it is)."""
    end = date(int(year), 12, 31)
    if unit.valid_on(end):
        return end
    return unit.valid_to if unit.valid_to is not None else end


def _predecessor_row(
    communes: pd.DataFrame,
    registry: Registry,
    link: LineageLink,
    levels: Mapping[str, str] | None,
) -> dict[str, object]:
    pred = link.predecessor
    named = communes.loc[(communes["commune"].astype("string") == pred.name).fillna(False)]
    keys = unit_keys(named, registry)
    own = named.loc[(keys == unit_key(pred)).fillna(False)]
    row = {
        "predecessor": pred.name,
        "predecessor_code": pred.code,
        "unit_type": pred.unit_type,
        "merged_on": link.effective,
        "legal_basis": link.legal_basis,
        **_standing(own, levels),
    }
    if pred.unit_type not in ASSESSED_UNIT_TYPES and own.empty:
        row.update({f"status_{level}": NOT_ASSESSED for level in STANDING_LEVELS})
    return row


# ----------------------------------------------------------------------------- sets


def set_runs(frame: pd.DataFrame, *, by: str | list[str] = "commune") -> pd.Series:
    """Per row, the number of its run: rows of one ``by`` group in year order,
    cut where the criteria set (or the :data:`UNIT_COLUMN`, when present) changes.

    A line drawn over the years joins only rows of one run.

    >>> f = pd.DataFrame({"commune": ["A"] * 3, "year": [2023, 2024, 2026],
    ...                   "criteria_set": ["qd318", "qd318", "qd51"]})
    >>> set_runs(f).tolist()
    [0, 0, 1]
    """
    by = [by] if isinstance(by, str) else list(by)
    cut = [c for c in ("criteria_set", UNIT_COLUMN) if c in frame.columns]
    plain = frame.reset_index(drop=True)  # positions: the index may repeat labels
    order = plain.sort_values([*by, "year"], kind="stable").index.to_numpy()
    marks = plain.loc[order, [*by, *cut]].astype("string").fillna("\x00").to_numpy(dtype=object)
    changed = np.ones(len(marks), dtype=bool)
    changed[1:] = (marks[1:] != marks[:-1]).any(axis=1)
    runs = np.empty(len(plain), dtype=np.int64)
    runs[order] = np.cumsum(changed) - 1
    return pd.Series(runs, index=frame.index)


def spans_sets(frame: pd.DataFrame) -> bool:
    """True when ``frame``'s rows use more than one criteria set (counts must not be compared)."""
    return "criteria_set" in frame.columns and frame["criteria_set"].dropna().nunique() > 1


def share_of_set(communes: pd.DataFrame) -> pd.Series:
    """Criteria met as a percentage of the set's total, per row (NA without a total).

    >>> share_of_set(pd.DataFrame({"criteria_met": [19, 8], "criteria_total": [19, 10]})).tolist()
    [100.0, 80.0]
    """
    met = communes["criteria_met"].astype("Float64")
    total = communes["criteria_total"].astype("Float64")
    return (met / total.where(total > 0) * 100).rename("criteria_share")


def sets_in_order(frame: pd.DataFrame) -> list[str]:
    """The criteria sets of ``frame`` in the order of their first year."""
    if "criteria_set" not in frame.columns:
        return []
    rows = frame.dropna(subset=["criteria_set"]).sort_values("year", kind="stable")
    return list(dict.fromkeys(rows["criteria_set"].astype(str)))


def first_years(frame: pd.DataFrame) -> dict[str, int]:
    """The first year of each criteria set in ``frame`` (where a new set starts)."""
    if "criteria_set" not in frame.columns:
        return {}
    rows = frame.dropna(subset=["criteria_set", "year"])
    firsts = rows.groupby(rows["criteria_set"].astype(str))["year"].min()
    return {str(k): int(v) for k, v in firsts.items()}
