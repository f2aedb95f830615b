"""The conditions of a district standard per year, each met, not met or undecided.

The conditions are data: each criteria set of level "district" lists them in
its catalog YAML (``conditions:``, QĐ 320/QĐ-TTg for 2021–2025) with what is
measured, the operator, the figure and the legal source. One generic loop
judges every condition the set lists; this module only says how each kind of
measure is observed in the tables and inputs given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from . import labels as lb
from . import schema as s
from .catalog import Catalog, CriteriaSet, DistrictCondition, load_catalog
from .columnar import is_false, is_true
from .errors import CatalogError

COLUMNS = [
    "year",
    "condition",
    "condition_label",
    "required",
    "observed",
    "result",
    "result_label",
    "reason",
]


@dataclass(frozen=True)
class Observation:
    """What the data say about one measure in one year.

    ``low`` and ``high`` bound the measured value (a share from 0 to 1, or 1.0 /
    0.0 for yes / no): they differ when some units have no data, and are None
    when nothing is known. ``reason`` is the label key saying what is missing.
    """

    low: float | None = None
    high: float | None = None
    text: str = ""
    reason: str = ""
    #: How the requirement reads with these data ("9/9"); None: from the condition.
    required: str | None = None


@dataclass(frozen=True)
class _Inputs:
    communes: pd.DataFrame
    advanced: pd.DataFrame | None
    towns_civilised: object
    satisfaction: object
    district_criteria: pd.DataFrame | None


def _per_year(value: object, year: int) -> object:
    if isinstance(value, Mapping):
        return value.get(year)
    return value


def _in_year(frame: pd.DataFrame | None, year: int) -> pd.DataFrame | None:
    return None if frame is None else frame.loc[frame["year"] == year]


# --------------------------------------------------------------------------- measures


def _communes_ntm(inputs: _Inputs, year: int) -> Observation:
    """Share of the district's communes at the standard; communes without data may be either."""
    com = _in_year(inputs.communes, year)
    total = len(com)
    if total == 0:
        return Observation(reason="reason_communes_missing")
    ntm = int((com["status"] == s.STATUS_NTM).sum())
    no_data = int((com["status"] == s.STATUS_NO_DATA).sum())
    return Observation(
        ntm / total, (ntm + no_data) / total, f"{ntm}/{total}", "reason_communes_missing"
    )


def _communes_advanced(inputs: _Inputs, year: int) -> Observation:
    """Share of the district's communes at the advanced standard (status ``ntm`` in the
    communes table evaluated against the advanced set)."""
    total = len(_in_year(inputs.communes, year))
    adv = _in_year(inputs.advanced, year)
    if adv is None or adv.empty or total == 0:
        return Observation(reason="reason_no_advanced_data")
    n_adv = int((adv["status"] == s.STATUS_NTM).sum())
    share = n_adv / total
    return Observation(share, share, f"{n_adv}/{total} ({share:.0%})")


def _towns_civilised(inputs: _Inputs, year: int) -> Observation:
    """Whether every town of the district meets its standard (given by the caller)."""
    towns = _per_year(inputs.towns_civilised, year)
    if towns is None:
        return Observation(reason="reason_no_town_data")
    value = 1.0 if towns else 0.0
    return Observation(value, value, str(bool(towns)))


def _resident_satisfaction(inputs: _Inputs, year: int) -> Observation:
    """Resident satisfaction, a share or a percent (given by the caller)."""
    sat = _per_year(inputs.satisfaction, year)
    if sat is None or pd.isna(sat):
        return Observation(reason="reason_no_satisfaction_data")
    share = float(sat) / 100 if float(sat) > 1 else float(sat)
    return Observation(share, share, f"{share:.0%}")


def _district_criteria(inputs: _Inputs, year: int) -> Observation:
    """Share of the district set's criteria met; criteria without a decision may be either."""
    dc = _in_year(inputs.district_criteria, year)
    if dc is None or dc.empty:
        return Observation(reason="reason_no_district_criteria")
    n = len(dc)
    met = int(is_true(dc["met"]).sum())
    not_met = int(is_false(dc["met"]).sum())
    return Observation(
        met / n, (n - not_met) / n, f"{met}/{n}", "reason_no_district_criteria", f"{n}/{n}"
    )


#: How each measure a catalog condition may name is observed.
MEASURES: dict[str, Callable[[_Inputs, int], Observation]] = {
    "communes_ntm": _communes_ntm,
    "communes_advanced": _communes_advanced,
    "towns_civilised": _towns_civilised,
    "resident_satisfaction": _resident_satisfaction,
    "district_criteria": _district_criteria,
}


# --------------------------------------------------------------------------- the rules


def judge(condition: DistrictCondition, observed: Observation) -> str:
    """``labels.CONDITION_*`` of one condition: met when even the least favourable value
    the data allow meets it, not met when even the most favourable does not.

    >>> from ntm_analysis.catalog import DistrictCondition
    >>> at_least_90 = DistrictCondition("satisfaction", "resident_satisfaction", ">=", 0.9,
    ...                                 "", "", "source")
    >>> judge(at_least_90, Observation(0.92, 0.92))
    'condition_met'
    >>> judge(at_least_90, Observation(0.8, 0.95))
    'cannot_decide'
    """
    if observed.low is None:
        return lb.CONDITION_CANNOT_DECIDE
    at_low = condition.threshold.is_met_by(observed.low)
    at_high = condition.threshold.is_met_by(observed.high)
    if not (at_low or at_high):
        return lb.CONDITION_NOT_MET
    if at_low and at_high:
        return lb.CONDITION_MET
    return lb.CONDITION_CANNOT_DECIDE


def overall(results: list[str]) -> str:
    """The district standard: not met when any condition is not met, met when all are met."""
    if lb.CONDITION_NOT_MET in results:
        return lb.CONDITION_NOT_MET
    if all(r == lb.CONDITION_MET for r in results):
        return lb.CONDITION_MET
    return lb.CONDITION_CANNOT_DECIDE


def _required(condition: DistrictCondition, observed: Observation) -> str:
    """The requirement as a person reads it: "100%", "≥ 10%", or the measure's own ("9/9")."""
    if observed.required is not None:
        return observed.required
    if condition.op == s.OP_YES or (condition.op == s.OP_AT_LEAST and condition.value == 1):
        return "100%"
    return f"{s.OP_SYMBOLS[condition.op]} {condition.value:.0%}"


# --------------------------------------------------------------------------- the table


def district_conditions(
    communes: pd.DataFrame,
    *,
    year: int | None = None,
    advanced: pd.DataFrame | None = None,
    towns_civilised: bool | Mapping[int, bool] | None = None,
    satisfaction: float | Mapping[int, float] | None = None,
    district_criteria: pd.DataFrame | None = None,
    catalog: Catalog | None = None,
    lang: str = "vi",
) -> pd.DataFrame:
    """The district conditions of the set covering each year, each met, not met or "cannot
    decide" with a reason; and ``district_ntm``, which sums them up.

    ``communes`` covers one district (filter it first). The conditions and their
    figures come from the catalog's district set for the year (``catalog``, the
    packaged one by default; QĐ 320 for 2021–2025: every commune at the standard,
    ≥ 10 % advanced, every town civilised, resident satisfaction ≥ 90 %, every
    district criterion met). ``advanced`` is the communes table evaluated against
    the advanced set (a commune with status ``ntm`` there being advanced);
    ``towns_civilised`` and ``satisfaction`` (a share or a percent) are given by the
    caller, per year or for all; ``district_criteria`` is a criteria table of the
    district set. Anything not supplied is ``cannot_decide`` with a reason;
    ``district_ntm`` is not met when any condition is not met, met when all are
    met, otherwise cannot decide. Years no district set covers give no rows.
    Communes in the registry but absent from the data are not seen here (see the
    reporting-completeness findings).
    """
    catalog = catalog if catalog is not None else load_catalog()
    inputs = _Inputs(communes, advanced, towns_civilised, satisfaction, district_criteria)
    rows = []
    years = sorted(communes["year"].unique()) if year is None else [year]
    for y in years:
        cset = _district_set(catalog, int(y))
        if cset is None:
            continue
        results = []
        for condition in cset.conditions:
            observed = MEASURES[condition.measure](inputs, y)
            result = judge(condition, observed)
            results.append(result)
            reason = observed.reason if result == lb.CONDITION_CANNOT_DECIDE else ""
            rows.append(
                _row(y, condition.id, condition.name(lang), _required(condition, observed),
                     observed.text, result, reason, lang)
            )  # fmt: skip
        result = overall(results)
        rows.append(
            _row(y, "district_ntm", lb.label("district_ntm", lang), "", "", result, "", lang)
        )
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.astype({c: "string" for c in out.columns if c != "year"})


def _district_set(catalog: Catalog, year: int) -> CriteriaSet | None:
    try:
        return catalog.set_for_year(year, "district")
    except CatalogError:  # no district set covers the year
        return None


def _row(year, condition, label, required, observed, result, reason, lang) -> dict:
    return {
        "year": int(year),
        "condition": condition,
        "condition_label": label,
        "required": required,
        "observed": observed,
        "result": result,
        "result_label": lb.label(result, lang),
        "reason": lb.label(reason, lang) if reason else "",
    }
