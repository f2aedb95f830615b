"""Evaluate indicators against the catalog and roll results up.

One generic pass over the catalog, no per-criterion code:

* an indicator is met by its threshold when the catalog (or the province's
  set) has one and the value is known; otherwise by the commune's own
  appraisal; every row records which basis was used;
* a criterion is met when every indicator reported for it is met; where the
  report leaves out indicators that the catalog expects, the commune's own
  appraisal of the criterion stands for them (and a finding says so);
* "Cơ bản đạt" (basically met) counts as not met;
* a commune meets the NTM standard when it meets every criterion of the set.

All functions here are pure: DataFrames in, DataFrames out, inputs untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema as s
from .catalog import Catalog, CriteriaSet
from .errors import FindingCheck
from .registry import Registry


@dataclass(frozen=True)
class Evaluation:
    """Every processed table produced from one set of records."""

    indicators: pd.DataFrame
    criteria: pd.DataFrame
    communes: pd.DataFrame
    district: pd.DataFrame
    district_criteria: pd.DataFrame
    findings: pd.DataFrame


def format_source(file: object, sheet: object, row: object) -> str | None:
    """Human-readable source: ``"file.xlsx › Sheet1 › row 12"``.

    >>> format_source("a.xlsx", "2023", 12)
    'a.xlsx › 2023 › row 12'
    """
    parts = []
    if not pd.isna(file):
        parts.append(str(file))
    if not pd.isna(sheet) and str(sheet):
        parts.append(str(sheet))
    if not pd.isna(row):
        parts.append(f"row {int(row)}")
    return " › ".join(parts) if parts else None


def _sources(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [
            format_source(f, sh, r)
            for f, sh, r in zip(
                frame[s.SOURCE_FILE], frame[s.SOURCE_SHEET], frame[s.SOURCE_ROW], strict=True
            )
        ],
        index=frame.index,
        dtype="string",
    )


def _findings(rows: Iterable[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(s.FINDING_COLUMNS))
    return frame.astype({"year": "Int64"}).astype(
        {c: "string" for c in s.FINDING_COLUMNS if c != "year"}
    )


def _sets_by_year(years: Iterable[int], catalog: Catalog) -> dict[int, CriteriaSet]:
    out = {}
    for y in sorted({int(y) for y in years}):
        try:
            out[y] = catalog.set_for_year(y)
        except Exception:  # a year no set covers: its records are left out upstream
            continue
    return out


def _appraisal_met(appraisal: pd.Series) -> pd.Series:
    """Nullable boolean: MET -> True, BASICALLY_MET / NOT_MET -> False, NA -> NA."""
    out = pd.Series(pd.NA, index=appraisal.index, dtype="boolean")
    out[appraisal == s.MET] = True
    out[appraisal.isin([s.BASICALLY_MET, s.NOT_MET])] = False
    return out


# --------------------------------------------------------------------------- indicators


def resolve_thresholds(
    keys: pd.DataFrame, catalog: Catalog, registry: Registry | None
) -> pd.DataFrame:
    """Threshold per distinct (year, commune_code, indicator).

    Returns ``keys`` de-duplicated with ``criteria_set``, ``threshold``,
    ``threshold_op``, ``threshold_text`` and ``threshold_source`` added.
    """
    distinct = keys.loc[:, ["year", "commune_code", "indicator"]].drop_duplicates()
    sets = _sets_by_year(distinct["year"].unique(), catalog)
    rows = []
    region_cache: dict[tuple[str, int], str | None] = {}
    for year, code, ind_code in distinct.itertuples(index=False):
        cset = sets.get(int(year))
        if cset is None:
            continue
        key = (code, int(year))
        if key not in region_cache:
            region_cache[key] = (
                registry.region_of(code, int(year))
                if registry is not None and not pd.isna(code)
                else None
            )
        ind = cset.indicator(ind_code)
        t = ind.threshold_for(region_cache[key], int(year)) if ind is not None else None
        rows.append(
            {
                "year": year,
                "commune_code": code,
                "indicator": ind_code,
                "criteria_set": cset.id,
                "threshold": None if t is None else t.value,
                "threshold_op": None if t is None else t.op,
                "threshold_text": None if t is None else t.text,
                "threshold_source": None if t is None else t.source,
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "year",
            "commune_code",
            "indicator",
            "criteria_set",
            "threshold",
            "threshold_op",
            "threshold_text",
            "threshold_source",
        ],
    )
    return out.astype(
        {
            "year": keys["year"].dtype,
            "commune_code": "string",
            "indicator": "string",
            "criteria_set": "string",
            "threshold": "Float64",
            "threshold_op": "string",
            "threshold_text": "string",
            "threshold_source": "string",
        }
    )


def evaluate_indicators(
    records: pd.DataFrame, catalog: Catalog, registry: Registry | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Evaluate every indicator-level record.

    Returns the indicators table (``schema.INDICATOR_COLUMNS``) and the
    findings where the commune's appraisal disagrees with the threshold.
    """
    ind = records.loc[records["level"] == "indicator"].copy()
    ind["commune_code"] = ind["commune_code"].astype("string")
    ind["indicator"] = ind["indicator"].astype("string")
    resolved = resolve_thresholds(ind, catalog, registry)
    ind = ind.merge(resolved, on=["year", "commune_code", "indicator"], how="inner")

    value = ind["value"].astype("Float64")
    threshold = ind["threshold"]
    op = ind["threshold_op"]
    by_value = pd.Series(pd.NA, index=ind.index, dtype="boolean")
    ge = (op == ">=").fillna(False)
    le = (op == "<=").fillna(False)
    yes = (op == "yes").fillna(False)
    by_value[ge] = value[ge] >= threshold[ge]
    by_value[le] = value[le] <= threshold[le]
    by_value[yes] = value[yes] >= 0.5
    by_appraisal = _appraisal_met(ind["self_assessed"])

    use_threshold = by_value.notna()
    met = by_value.where(use_threshold, by_appraisal).astype("boolean")
    basis = np.where(
        use_threshold,
        s.BASIS_THRESHOLD,
        np.where(by_appraisal.notna(), s.BASIS_SELF_ASSESSMENT, s.BASIS_NONE),
    )
    target_text = ind["target_text"].astype("string")
    ind = ind.assign(
        value=value,
        met=met,
        met_basis=pd.Series(basis, index=ind.index, dtype="string"),
        target_text=target_text.fillna(ind["threshold_text"]),
        source=_sources(ind),
    )
    disagree = use_threshold & by_appraisal.notna() & (by_value != by_appraisal).fillna(False)
    findings = _findings(
        {
            "year": r.year,
            "commune": r.commune,
            "subject_type": "indicator",
            "subject": r.indicator,
            "check": FindingCheck.APPRAISAL_VS_THRESHOLD.value,
            "message": (
                f"Self-appraisal '{r.self_assessed}' but value {r.value_text} "
                f"{'meets' if r.met else 'does not meet'} the threshold {r.threshold_text} "
                f"({r.threshold_source})."
            ),
            "source": r.source,
        }
        for r in ind.loc[disagree].itertuples(index=False)
    )
    out = ind.loc[:, list(s.INDICATOR_COLUMNS)]
    out = out.sort_values(["year", "commune", "indicator"], key=_natural_key).reset_index(drop=True)
    return out, findings


def _natural_key(col: pd.Series) -> pd.Series:
    """Sort "2" before "10" and "2.1" before "2.10" for code columns."""
    if col.name in ("criterion", "indicator", "subject"):
        return col.map(lambda c: ".".join(f"{p:04d}" for p in code_sort_key(c)), na_action="ignore")
    return col


def code_sort_key(code: object) -> tuple[int, ...]:
    """Numeric sort key of a criterion / indicator code.

    >>> sorted(["10", "2.1", "2", "1.10", "1.2"], key=code_sort_key)
    ['1.2', '1.10', '2', '2.1', '10']
    """
    parts = []
    for p in str(code).split("."):
        parts.append(int(p) if p.isdigit() else 10**6)
    return tuple(parts)


# --------------------------------------------------------------------------- criteria


def evaluate_criteria(
    indicators: pd.DataFrame, records: pd.DataFrame, catalog: Catalog
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Roll indicators up to criteria, with the commune's appraisal beside.

    Returns the criteria table (``schema.CRITERION_COLUMNS``) and findings:
    missing indicators, appraisal vs computed result, and appraisal vs the
    indicators' own appraisals.
    """
    crit_records = records.loc[records["level"] == "criterion"]
    units = pd.concat(
        [
            indicators.loc[:, ["year", "commune", "commune_code"]],
            crit_records.loc[:, ["year", "commune", "commune_code"]],
        ]
    ).drop_duplicates()
    sets = _sets_by_year(units["year"].unique(), catalog)

    # one skeleton row per commune-year x criterion of its set
    skeleton_rows = []
    expected_rows = []
    for y, cset in sets.items():
        for c in cset.criteria:
            skeleton_rows.append((y, cset.id, c.number, len(c.indicators)))
            expected_rows.extend((y, c.number, i.code) for i in c.indicators)
    skeleton = pd.DataFrame(
        skeleton_rows, columns=["year", "criteria_set", "criterion", "indicators_expected"]
    ).astype({"year": units["year"].dtype, "criterion": "string"})
    grid = units.merge(skeleton, on="year", how="inner")

    ind = indicators.assign(
        criterion=indicators["criterion"].astype("string"),
        _met=indicators["met"].astype("boolean"),
        _self=_appraisal_met(indicators["self_assessed"]),
    )
    keys = ["year", "commune", "commune_code", "criterion"]
    agg = ind.groupby(keys, dropna=False, observed=True).agg(
        indicators_reported=("indicator", "size"),
        indicators_met=("_met", lambda x: int((x == True).sum())),  # noqa: E712
        any_false=("_met", lambda x: bool((x == False).any())),  # noqa: E712
        all_true=("_met", lambda x: bool(x.notna().all() and x.all())),
        self_any_false=("_self", lambda x: bool((x == False).any())),  # noqa: E712
        self_all_true=("_self", lambda x: bool(x.notna().all() and x.all())),
        _source=("source", "first"),
    )
    agg = agg.reset_index()
    crit = crit_records.loc[
        :, ["year", "commune", "commune_code", "criterion", "self_assessed", "layout"]
    ].assign(
        criterion=lambda f: f["criterion"].astype("string"),
        _crit_source=_sources(crit_records),
    )
    table = grid.merge(agg, on=keys, how="left").merge(crit, on=keys, how="left")
    for col in ("indicators_reported", "indicators_met"):
        table[col] = table[col].astype("Int64").fillna(0).astype("int64")

    reported = table["indicators_reported"] > 0
    complete = reported & (table["indicators_reported"] >= table["indicators_expected"])
    from_ind = pd.Series(pd.NA, index=table.index, dtype="boolean")
    from_ind[reported & table["all_true"].fillna(False).astype(bool)] = True
    from_ind[reported & table["any_false"].fillna(False).astype(bool)] = False
    appraisal = _appraisal_met(table["self_assessed"])

    met = pd.Series(pd.NA, index=table.index, dtype="boolean")
    basis = pd.Series(s.BASIS_NONE, index=table.index, dtype="string")
    # complete indicator data decides alone
    sel = complete & from_ind.notna()
    met[sel] = from_ind[sel]
    basis[sel] = s.BASIS_INDICATORS
    # partial indicator data: any unmet indicator fails the criterion; otherwise the
    # commune's appraisal stands for the indicators it left out
    partial = reported & ~complete
    sel = partial & (from_ind == False).fillna(False)  # noqa: E712
    met[sel] = False
    basis[sel] = s.BASIS_INDICATORS
    sel = partial & (from_ind != False).fillna(True) & appraisal.notna()  # noqa: E712
    met[sel] = appraisal[sel]
    basis[sel] = s.BASIS_SELF_ASSESSMENT
    # no indicator data: the criterion appraisal (report or district matrix) stands
    sel = ~reported & appraisal.notna()
    met[sel] = appraisal[sel]
    basis[sel] = np.where(
        table.loc[sel, "layout"] == s.LAYOUT_DISTRICT_MATRIX,
        s.BASIS_MATRIX,
        s.BASIS_SELF_ASSESSMENT,
    )
    table = table.assign(
        met=met,
        met_basis=basis,
        source=table["_crit_source"].fillna(table["_source"]).astype("string"),
    )

    findings = []
    for r in table.loc[reported & appraisal.notna() & from_ind.notna()].itertuples(index=False):
        computed = bool(r.all_true)
        said = r.self_assessed == s.MET
        if computed != said:
            findings.append(
                {
                    "year": r.year,
                    "commune": r.commune,
                    "subject_type": "criterion",
                    "subject": r.criterion,
                    "check": FindingCheck.CRITERION_APPRAISAL_VS_RESULT.value,
                    "message": (
                        f"Criterion {r.criterion}: appraised '{r.self_assessed}' but "
                        f"its indicators evaluate to {'met' if computed else 'not met'} "
                        f"({r.indicators_met}/{r.indicators_reported} indicators met)."
                    ),
                    "source": r.source,
                }
            )
    for r in table.loc[reported & appraisal.notna()].itertuples(index=False):
        said = r.self_assessed == s.MET
        if r.self_all_true and not said or r.self_any_false and said:
            findings.append(
                {
                    "year": r.year,
                    "commune": r.commune,
                    "subject_type": "criterion",
                    "subject": r.criterion,
                    "check": FindingCheck.CRITERION_VS_INDICATORS.value,
                    "message": (
                        f"Criterion {r.criterion}: appraised '{r.self_assessed}' but the report's "
                        f"own indicator appraisals say {'met' if r.self_all_true else 'not met'}."
                    ),
                    "source": r.source,
                }
            )

    # indicators the catalog expects but a commune report leaves out
    expected = pd.DataFrame(expected_rows, columns=["year", "criterion", "indicator"]).astype(
        {"year": units["year"].dtype, "criterion": "string", "indicator": "string"}
    )
    reporting = indicators.loc[:, ["year", "commune", "commune_code"]].drop_duplicates()
    should = reporting.merge(expected, on="year")
    have = indicators.loc[:, ["year", "commune", "commune_code", "indicator"]].assign(_have=True)
    missing = should.merge(have, on=["year", "commune", "commune_code", "indicator"], how="left")
    missing = missing.loc[missing["_have"].isna()]
    crit_info = table.set_index(["year", "commune", "criterion"])
    for r in missing.itertuples(index=False):
        info = crit_info.loc[(r.year, r.commune, r.criterion)]
        said = info["self_assessed"]
        stands = (
            f"the commune's appraisal of criterion {r.criterion} ('{said}') stands for it"
            if not pd.isna(said)
            else f"criterion {r.criterion} has no appraisal to fall back on"
        )
        findings.append(
            {
                "year": r.year,
                "commune": r.commune,
                "subject_type": "indicator",
                "subject": r.indicator,
                "check": FindingCheck.MISSING_INDICATOR.value,
                "message": f"Indicator {r.indicator} is missing from the report; {stands}.",
                "source": info["source"],
            }
        )
    out = table.loc[:, list(s.CRITERION_COLUMNS)].astype(
        {"self_assessed": "string", "criteria_set": "string"}
    )
    out = out.sort_values(["year", "commune", "criterion"], key=_natural_key).reset_index(drop=True)
    return out, _findings(findings)


# --------------------------------------------------------------------------- communes & district


def evaluate_communes(criteria: pd.DataFrame) -> pd.DataFrame:
    """Criteria met per commune and year, and the NTM status."""
    keys = ["year", "commune", "commune_code", "criteria_set"]
    frame = criteria.assign(
        _met=(criteria["met"] == True).fillna(False),  # noqa: E712
        _bm=(criteria["self_assessed"] == s.BASICALLY_MET).fillna(False),
        _rep=criteria["met"].notna(),
    )
    out = (
        frame.groupby(keys, dropna=False, observed=True)
        .agg(
            criteria_met=("_met", "sum"),
            criteria_basically_met=("_bm", "sum"),
            criteria_reported=("_rep", "sum"),
            criteria_total=("criterion", "size"),
        )
        .reset_index()
    )
    status = np.where(
        out["criteria_reported"] == 0,
        s.STATUS_NO_DATA,
        np.where(out["criteria_met"] == out["criteria_total"], s.STATUS_NTM, s.STATUS_NOT_NTM),
    )
    out = out.assign(status=pd.Series(status, index=out.index, dtype="string"))
    out = out.astype(
        {
            "criteria_met": "int64",
            "criteria_basically_met": "int64",
            "criteria_reported": "int64",
            "criteria_total": "int64",
        }
    )
    return (
        out.loc[:, list(s.COMMUNE_COLUMNS)].sort_values(["year", "commune"]).reset_index(drop=True)
    )


def _district_of(communes: pd.DataFrame, registry: Registry | None) -> pd.Series:
    if registry is None:
        return pd.Series("", index=communes.index, dtype="string")
    frame = registry.frame
    lookup = {}
    for row in frame.itertuples(index=False):
        lookup.setdefault(row.code, row.district if not pd.isna(row.district) else row.province)
    return communes["commune_code"].map(lookup).astype("string").fillna("")


def evaluate_district(
    communes: pd.DataFrame, criteria: pd.DataFrame, registry: Registry | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """District roll-ups per year, and reporting-completeness findings.

    Returns ``(district, district_criteria, findings)``: communes at the
    standard per district and year; the share of communes meeting each
    criterion; and one finding per registry commune with no data in a year
    that its district reported.
    """
    com = communes.assign(district=_district_of(communes, registry))
    district = (
        com.assign(_ntm=com["status"] == s.STATUS_NTM)
        .groupby(["year", "district", "criteria_set"], observed=True)
        .agg(
            communes_total=("commune", "nunique"),
            communes_ntm=("_ntm", "sum"),
            mean_criteria_met=("criteria_met", "mean"),
        )
        .reset_index()
    )
    district = district.assign(
        share_ntm=district["communes_ntm"] / district["communes_total"],
    ).astype({"communes_total": "int64", "communes_ntm": "int64"})
    district = district.loc[:, list(s.DISTRICT_COLUMNS)]

    crit = criteria.merge(com.loc[:, ["year", "commune", "district"]], on=["year", "commune"])
    crit = crit.assign(_met=(crit["met"] == True).fillna(False), _rep=crit["met"].notna())  # noqa: E712
    dcrit = (
        crit.groupby(["year", "district", "criteria_set", "criterion"], observed=True)
        .agg(communes_met=("_met", "sum"), communes_reported=("_rep", "sum"))
        .reset_index()
    )
    dcrit = dcrit.assign(
        share_met=(dcrit["communes_met"] / dcrit["communes_reported"].replace(0, np.nan)).astype(
            "Float64"
        )
    ).astype({"communes_met": "int64", "communes_reported": "int64"})
    dcrit = dcrit.sort_values(["year", "district", "criterion"], key=_natural_key).reset_index(
        drop=True
    )

    findings = []
    if registry is not None:
        for (year, dist), group in com.groupby(["year", "district"]):
            expected = registry.units(int(year), assessed_only=True)
            expected = expected.loc[expected["district"].fillna(expected["province"]) == dist]
            have = set(group["commune_code"])
            for row in expected.itertuples(index=False):
                if pd.isna(row.code) or row.code in have:
                    continue
                findings.append(
                    {
                        "year": year,
                        "commune": row.name,
                        "subject_type": "commune",
                        "subject": row.code,
                        "check": FindingCheck.MISSING_COMMUNE_REPORT.value,
                        "message": f"No data for {row.name} in {year}, although {dist} reported.",
                        "source": None,
                    }
                )
    return district, dcrit, _findings(findings)


def evaluate(records: pd.DataFrame, *, catalog: Catalog, registry: Registry | None) -> Evaluation:
    """Run every evaluation step over ingested records (``schema.RECORD_COLUMNS``)."""
    indicators, f1 = evaluate_indicators(records, catalog, registry)
    criteria, f2 = evaluate_criteria(indicators, records, catalog)
    communes = evaluate_communes(criteria)
    district, district_criteria, f3 = evaluate_district(communes, criteria, registry)
    findings = pd.concat([f for f in (f1, f2, f3) if len(f)], ignore_index=True)
    if findings.empty:
        findings = _findings([])
    return Evaluation(indicators, criteria, communes, district, district_criteria, findings)
