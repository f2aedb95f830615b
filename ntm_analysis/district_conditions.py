"""The QĐ 320 conditions of a district standard per year, each met, not met or undecided."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from . import labels as lb
from . import schema as s
from .columnar import (
    is_false,
    is_true,
)

#: QĐ 320: share of advanced communes a district needs.
DISTRICT_ADVANCED_SHARE = 0.10
#: QĐ 320: resident satisfaction a district needs.
DISTRICT_SATISFACTION = 0.90


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
            met = int(is_true(dc["met"]).sum())
            n = len(dc)
            if met == n:
                res, reason = lb.CONDITION_MET, ""
            elif is_false(dc["met"]).any():
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
