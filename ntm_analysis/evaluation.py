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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema as s
from .catalog import Catalog, CriteriaSet
from .errors import FindingCheck
from .registry import ASSESSED_UNIT_TYPES, Registry


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
    """:func:`format_source` of every row, vectorised (same text, same gaps)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def arrow_text(col: pd.Series) -> pa.Array:
        return pa.array(col.astype("string").array, type=pa.string())

    sheet = arrow_text(frame[s.SOURCE_SHEET])
    if pc.any(pc.equal(sheet, "")).as_py():
        sheet = pc.if_else(pc.equal(sheet, ""), pa.scalar(None, pa.string()), sheet)
    rows = pd.array(frame[s.SOURCE_ROW], dtype="Float64").astype("Int64")
    row = pa.array(rows, type=pa.int64())
    row = pc.binary_join_element_wise("row", pc.cast(row, pa.string()), " ")
    out = arrow_text(frame[s.SOURCE_FILE])
    for part in (sheet, row):  # join the parts that are present with " › "
        out = pc.coalesce(pc.binary_join_element_wise(out, part, " › "), out, part)
    return pd.Series(pd.array(out, dtype="string"), index=frame.index)


#: The appraisal words as reports write them, for finding messages.
APPRAISAL_WORDS = {s.MET: "Đạt", s.BASICALLY_MET: "Cơ bản đạt", s.NOT_MET: "Chưa đạt"}


def appraisal_word(code: object) -> str:
    """The Vietnamese appraisal word of an appraisal code.

    >>> appraisal_word("basically_met")
    'Cơ bản đạt'
    """
    return APPRAISAL_WORDS.get(code, str(code))


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


def _regions(pairs: pd.DataFrame, registry: Registry | None) -> pd.Series:
    """Threshold region of each (year, commune_code) row, as ``Registry.region_of``."""
    out = pd.Series(pd.NA, index=pairs.index, dtype="string")
    if registry is None:
        return out
    for year in pairs["year"].dropna().unique():
        units = registry.units(int(year)).drop_duplicates("code", keep="first")
        lookup = units.loc[units["code"].notna()].set_index("code")["threshold_region"]
        sel = (pairs["year"] == year) & pairs["commune_code"].notna()
        out[sel] = pairs.loc[sel, "commune_code"].map(lookup).astype("string")
    return out


_RESOLVED_DTYPES = {
    "commune_code": "string",
    "indicator": "string",
    "criteria_set": "string",
    "threshold": "Float64",
    "threshold_op": "string",
    "threshold_text": "string",
    "threshold_source": "string",
}
_THRESHOLD_COLUMNS = ["threshold", "threshold_op", "threshold_text", "threshold_source"]


def _threshold_table(
    keys: pd.DataFrame, catalog: Catalog, registry: Registry | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Small lookup tables for ``keys`` (year, commune_code, indicator).

    Returns ``(regions, thresholds)``: the region of each distinct (year,
    commune_code), and the threshold of each distinct (year, region,
    indicator) of a year that a criteria set covers. Both are tiny next to the
    records (a threshold depends only on year, region and indicator).
    """
    pairs = keys.loc[:, ["year", "commune_code"]].drop_duplicates().reset_index(drop=True)
    pairs = pairs.assign(_region=_regions(pairs, registry))
    sets = _sets_by_year(pairs["year"].dropna().unique(), catalog)
    combos = (
        keys.loc[:, ["year", "indicator"]]
        .drop_duplicates()
        .merge(pairs.loc[:, ["year", "_region"]].drop_duplicates(), on="year")
    )
    rows = []
    for year, ind_code, region in combos.itertuples(index=False):
        cset = sets.get(int(year))
        if cset is None:
            continue
        ind = cset.indicator(ind_code)
        region = None if pd.isna(region) else str(region)
        t = ind.threshold_for(region, int(year)) if ind is not None else None
        rows.append(
            (
                year,
                ind_code,
                region,
                cset.id,
                None if t is None else t.value,
                None if t is None else t.op,
                None if t is None else t.text,
                None if t is None else t.source,
            )
        )
    table = pd.DataFrame(
        rows, columns=["year", "indicator", "_region", "criteria_set", *_THRESHOLD_COLUMNS]
    ).astype({"year": keys["year"].dtype, "_region": "string"})
    return pairs, table.astype({k: v for k, v in _RESOLVED_DTYPES.items() if k in table})


def _attach_thresholds(
    frame: pd.DataFrame, catalog: Catalog, registry: Registry | None
) -> pd.DataFrame:
    """``frame`` rows of years a set covers, with criteria_set and threshold columns."""
    pairs, table = _threshold_table(frame, catalog, registry)
    with_region = frame.merge(pairs, on=["year", "commune_code"], how="left")
    out = with_region.merge(table, on=["year", "indicator", "_region"], how="inner")
    return out.drop(columns="_region")


def resolve_thresholds(
    keys: pd.DataFrame, catalog: Catalog, registry: Registry | None
) -> pd.DataFrame:
    """Threshold per distinct (year, commune_code, indicator).

    Returns ``keys`` de-duplicated with ``criteria_set``, ``threshold``,
    ``threshold_op``, ``threshold_text`` and ``threshold_source`` added.
    """
    distinct = keys.loc[:, ["year", "commune_code", "indicator"]].drop_duplicates()
    distinct = distinct.astype({"commune_code": "string", "indicator": "string"})
    out = _attach_thresholds(distinct, catalog, registry)
    return out.loc[
        :, ["year", "commune_code", "indicator", "criteria_set", *_THRESHOLD_COLUMNS]
    ].astype({"year": keys["year"].dtype, **_RESOLVED_DTYPES})


def _threshold_rows(
    year: pd.Series, code: pd.Series, indicator: pd.Series, catalog: Catalog, registry
) -> tuple[pd.DataFrame, np.ndarray]:
    """Row of a small threshold table for every record (-1: no set covers the year).

    A threshold depends only on (year, region, indicator), so the records are
    factorised and the table has one row per distinct combination; each record
    then finds its row by integer indexing, without merging the large frame.
    """
    y_codes, y_uniq = pd.factorize(year)
    c_codes, c_uniq = pd.factorize(code)
    i_codes, i_uniq = pd.factorize(indicator)
    sets = _sets_by_year(y_uniq, catalog)
    regions: list[str | None] = [None]
    # region index per (year, commune code); the extra last column is "no code"
    region_idx = np.zeros((len(y_uniq), len(c_uniq) + 1), dtype=np.int64)
    if registry is not None:
        for k, y in enumerate(y_uniq):
            units = registry.units(int(y)).drop_duplicates("code", keep="first")
            lookup = units.loc[units["code"].notna()].set_index("code")["threshold_region"]
            mapped = pd.Series(c_uniq, dtype="string").map(lookup)
            for j, region in enumerate(mapped):
                if pd.isna(region):
                    continue
                if region not in regions:
                    regions.append(str(region))
                region_idx[k, j] = regions.index(str(region))
    rows = []
    cube = np.full((len(y_uniq), len(regions), len(i_uniq) + 1), -1, dtype=np.int64)
    for k, y in enumerate(y_uniq):
        cset = sets.get(int(y))
        if cset is None:
            continue
        for r, region in enumerate(regions):
            for j in range(len(i_uniq) + 1):
                ind = cset.indicator(i_uniq[j]) if j < len(i_uniq) else None
                t = ind.threshold_for(region, int(y)) if ind is not None else None
                cube[k, r, j] = len(rows)
                rows.append(
                    (
                        cset.id,
                        None if t is None else t.value,
                        None if t is None else t.op,
                        None if t is None else t.text,
                        None if t is None else t.source,
                    )
                )
    table = pd.DataFrame(rows, columns=["criteria_set", *_THRESHOLD_COLUMNS]).astype(
        {k: v for k, v in _RESOLVED_DTYPES.items() if k in ("criteria_set", *_THRESHOLD_COLUMNS)}
    )
    c_idx = np.where(c_codes < 0, len(c_uniq), c_codes)
    i_idx = np.where(i_codes < 0, len(i_uniq), i_codes)
    if len(y_codes) == 0:
        return table, np.empty(0, dtype=np.int64)
    row = cube[y_codes, region_idx[y_codes, c_idx], i_idx]
    return table, np.where(y_codes < 0, -1, row)


def _labels(codes: np.ndarray, labels: Sequence[str], index: pd.Index) -> pd.Series:
    """A string Series of ``labels[code]`` per row, built in Arrow (no Python strings)."""
    import pyarrow as pa

    arr = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(list(labels), pa.string()))
    return pd.Series(pd.array(arr.cast(pa.string()), dtype="string"), index=index)


def _text(value: object) -> str:
    """A value as an f-string shows it, with pandas' "<NA>" for missing."""
    return "<NA>" if value is None else str(value)


def _sort_positions(year: pd.Series, commune: pd.Series, indicator: pd.Series) -> np.ndarray:
    """Stable order by year, commune and natural indicator code (as ``_natural_key``)."""
    ranks = []
    for col, key in ((year, None), (commune, None), (indicator, code_sort_key)):
        codes, uniq = pd.factorize(col, use_na_sentinel=True)
        order = sorted(range(len(uniq)), key=(lambda j, u=uniq, k=key: k(u[j]) if k else u[j]))
        rank = np.empty(len(uniq) + 1, dtype=np.int64)
        rank[np.array(order, dtype=np.int64)] = np.arange(len(uniq))
        rank[len(uniq)] = len(uniq)  # missing values sort last
        ranks.append(rank[np.where(codes < 0, len(uniq), codes)])
    return np.lexsort(ranks[::-1])


def evaluate_indicators(
    records: pd.DataFrame, catalog: Catalog, registry: Registry | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Evaluate every indicator-level record.

    Returns the indicators table (``schema.INDICATOR_COLUMNS``) and the
    findings where the commune's appraisal disagrees with the threshold.
    """
    pos = np.flatnonzero((records["level"] == "indicator").fillna(False).to_numpy(dtype=bool))
    code = records["commune_code"].take(pos).astype("string")
    indicator = records["indicator"].take(pos).astype("string")
    table, trow = _threshold_rows(records["year"].take(pos), code, indicator, catalog, registry)
    covered = trow >= 0
    pos, trow = pos[covered], trow[covered]
    order = _sort_positions(
        records["year"].take(pos), records["commune"].take(pos), indicator[covered]
    )
    pos, trow = pos[order], trow[order]
    # one take of the large frame, in output order, of the columns the table needs
    needed = [c for c in records.columns if c in s.INDICATOR_COLUMNS]
    ind = records.loc[:, needed].take(pos).reset_index(drop=True)
    ind = ind.assign(
        commune_code=ind["commune_code"].astype("string"),
        indicator=ind["indicator"].astype("string"),
        **{c: table[c].take(trow).reset_index(drop=True) for c in table.columns},
    )

    value = ind["value"].astype("Float64")
    threshold = ind["threshold"]
    op = ind["threshold_op"]
    by_value = pd.Series(pd.NA, index=ind.index, dtype="boolean")
    ge = (op == ">=").fillna(False)
    le = (op == "<=").fillna(False)
    gt = (op == ">").fillna(False)
    lt = (op == "<").fillna(False)
    yes = (op == "yes").fillna(False)
    by_value[ge] = value[ge] >= threshold[ge]
    by_value[le] = value[le] <= threshold[le]
    by_value[gt] = value[gt] > threshold[gt]
    by_value[lt] = value[lt] < threshold[lt]
    by_value[yes] = value[yes] >= 0.5
    by_appraisal = _appraisal_met(ind["self_assessed"])

    use_threshold = by_value.notna()
    met = by_value.where(use_threshold, by_appraisal).astype("boolean")
    basis_code = np.where(
        use_threshold.to_numpy(dtype=bool),
        0,
        np.where(by_appraisal.notna().to_numpy(dtype=bool), 1, 2),
    ).astype(np.int8)
    target_text = ind["target_text"].astype("string")
    ind = ind.assign(
        value=value,
        met=met,
        met_basis=_labels(
            basis_code, (s.BASIS_THRESHOLD, s.BASIS_SELF_ASSESSMENT, s.BASIS_NONE), ind.index
        ),
        target_text=target_text.fillna(ind["threshold_text"]),
        source=_sources(ind),
    )
    disagree = use_threshold & by_appraisal.notna() & (by_value != by_appraisal).fillna(False)
    # findings in the order of the records, as they were read
    flagged = ind.loc[disagree.to_numpy(dtype=bool)]
    flagged = flagged.iloc[np.argsort(pos[disagree.to_numpy(dtype=bool)], kind="stable")]
    cols = (
        "year",
        "commune",
        "indicator",
        "self_assessed",
        "value_text",
        "met",
        "threshold_text",
        "threshold_source",
        "source",
    )
    # plain Python values: iterating arrow-backed columns row by row is slow
    columns = [flagged[c].to_numpy(dtype=object, na_value=None) for c in cols]
    findings = _findings(
        {
            "year": year,
            "commune": commune,
            "subject_type": "indicator",
            "subject": code,
            "check": FindingCheck.APPRAISAL_VS_THRESHOLD.value,
            "message": (
                f"Xã tự đánh giá '{appraisal_word(said)}' nhưng giá trị {_text(value_text)} "
                f"{'đạt' if met else 'không đạt'} ngưỡng {_text(t_text)} "
                f"({_text(t_source)})."
            ),
            "source": source,
        }
        for year, commune, code, said, value_text, met, t_text, t_source, source in zip(
            *columns, strict=True
        )
    )
    out = ind.loc[:, list(s.INDICATOR_COLUMNS)]
    return out, findings


def _natural_key(col: pd.Series) -> pd.Series:
    """Sort "2" before "10" and "2.1" before "2.10" for code columns."""
    if col.name in ("criterion", "indicator", "subject"):
        keys = {c: ".".join(f"{p:04d}" for p in code_sort_key(c)) for c in col.dropna().unique()}
        return col.map(keys, na_action="ignore")
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
    crit_cols = [
        "year",
        "commune",
        "commune_code",
        "criterion",
        "self_assessed",
        "layout",
        *s.SOURCE_COLUMNS,
    ]
    crit_records = records.loc[records["level"] == "criterion", crit_cols]
    unit_cols = ["year", "commune", "commune_code"]
    # commune-years and criterion codes as integers, once: merges and groupbys
    # on them avoid re-factorising the string keys of millions of rows
    both = pd.concat(
        [indicators.loc[:, unit_cols], crit_records.loc[:, unit_cols]], ignore_index=True
    )
    unit_all = both.groupby(unit_cols, sort=False, dropna=False).ngroup().to_numpy()
    first_rows = np.unique(unit_all, return_index=True)[1]  # first-appearance order
    units = both.iloc[first_rows].reset_index(drop=True)
    ind_unit, crit_unit = unit_all[: len(indicators)], unit_all[len(indicators) :]
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
    crit_codes, crit_uniques = pd.factorize(
        pd.concat(
            [
                indicators["criterion"].astype("string"),
                crit_records["criterion"].astype("string"),
            ],
            ignore_index=True,
        )
    )
    crit_index = pd.Index(crit_uniques)
    grid = units.assign(_unit=np.arange(len(units))).merge(skeleton, on="year", how="inner")
    grid = grid.assign(_crit=crit_index.get_indexer(grid["criterion"]))

    met_ind = indicators["met"].astype("boolean")
    self_ind = _appraisal_met(indicators["self_assessed"])
    ind = pd.DataFrame(
        {
            "_unit": ind_unit,
            "_crit": crit_codes[: len(indicators)],
            "_true": (met_ind == True).fillna(False).astype(bool).to_numpy(),  # noqa: E712
            "_false": (met_ind == False).fillna(False).astype(bool).to_numpy(),  # noqa: E712
            "_self_true": (self_ind == True).fillna(False).astype(bool).to_numpy(),  # noqa: E712
            "_self_false": (self_ind == False).fillna(False).astype(bool).to_numpy(),  # noqa: E712
            "source": indicators["source"].array,
        }
    )
    int_keys = ["_unit", "_crit"]
    # plain boolean reductions instead of per-group Python callables
    agg = ind.groupby(int_keys, sort=False).agg(
        indicators_reported=("_true", "size"),
        indicators_met=("_true", "sum"),
        any_false=("_false", "any"),
        all_true=("_true", "all"),
        self_any_false=("_self_false", "any"),
        self_all_true=("_self_true", "all"),
        _source=("source", "first"),
    )
    agg = agg.reset_index()
    crit = pd.DataFrame(
        {
            "_unit": crit_unit,
            "_crit": crit_codes[len(indicators) :],
            "self_assessed": crit_records["self_assessed"].array,
            "layout": crit_records["layout"].array,
            "_crit_source": _sources(crit_records).array,
        }
    )
    # merge on one int64 key (unit x criterion): much faster than on two columns
    n_crit = len(crit_uniques) + 1
    grid = grid.assign(_key=grid["_unit"].to_numpy(np.int64) * n_crit + grid["_crit"].to_numpy())
    agg = agg.assign(_key=agg["_unit"].to_numpy(np.int64) * n_crit + agg["_crit"].to_numpy())
    crit = crit.assign(_key=crit["_unit"].to_numpy(np.int64) * n_crit + crit["_crit"].to_numpy())
    table = grid.merge(agg.drop(columns=int_keys), on="_key", how="left").merge(
        crit.drop(columns=int_keys), on="_key", how="left"
    )
    table = table.drop(columns="_key")
    del both, grid, ind, agg, crit  # national scale: free the intermediates early
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
    said_met = (table["self_assessed"] == s.MET).fillna(False).astype(bool)
    computed = table["all_true"].fillna(False).astype(bool)
    sel = reported & appraisal.notna() & from_ind.notna() & (computed != said_met)
    for r in table.loc[sel].itertuples(index=False):
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
                        f"Tiêu chí {r.criterion}: xã tự đánh giá "
                        f"'{appraisal_word(r.self_assessed)}' nhưng theo các chỉ tiêu thì "
                        f"{'đạt' if computed else 'chưa đạt'} "
                        f"({r.indicators_met}/{r.indicators_reported} chỉ tiêu đạt)."
                    ),
                    "source": r.source,
                }
            )
    self_all = table["self_all_true"].fillna(False).astype(bool)
    self_any_false = table["self_any_false"].fillna(False).astype(bool)
    sel = reported & appraisal.notna() & ((self_all & ~said_met) | (self_any_false & said_met))
    for r in table.loc[sel].itertuples(index=False):
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
                        f"Tiêu chí {r.criterion}: xã tự đánh giá "
                        f"'{appraisal_word(r.self_assessed)}' nhưng tự đánh giá các chỉ tiêu "
                        f"trong cùng báo cáo là {'đạt' if r.self_all_true else 'chưa đạt'}."
                    ),
                    "source": r.source,
                }
            )

    # indicators the catalog expects but a commune report leaves out
    expected = pd.DataFrame(expected_rows, columns=["year", "criterion", "indicator"]).astype(
        {"year": units["year"].dtype, "criterion": "string", "indicator": "string"}
    )
    have = indicators.loc[:, [*unit_cols, "indicator"]]
    # commune-years that report indicators, in order of first appearance: they
    # were numbered first above, so their ids are 0 .. n-1
    unit_id = ind_unit
    reporting = units.iloc[: (int(unit_id.max()) + 1 if len(unit_id) else 0)]
    # only commune-years that lack some expected indicator need the anti-join
    expected_pairs = pd.MultiIndex.from_frame(expected.loc[:, ["year", "indicator"]])
    is_expected = pd.MultiIndex.from_arrays([have["year"], have["indicator"]]).isin(expected_pairs)
    n_have = np.bincount(unit_id[is_expected], minlength=len(reporting))
    n_expected = expected.groupby("year").size()
    need = reporting["year"].map(n_expected).fillna(0).to_numpy()
    short = n_have < need
    # integer keys (commune-year, indicator code) keep the anti-join cheap
    ind_codes, ind_uniques = pd.factorize(have["indicator"])
    short_ids = np.flatnonzero(short)
    expected_coded = expected.assign(_code=pd.Index(ind_uniques).get_indexer(expected["indicator"]))
    should = pd.DataFrame(
        {"_unit": short_ids, "year": reporting["year"].to_numpy()[short_ids]}
    ).merge(expected_coded, on="year")
    sel = short[unit_id]
    have_short = pd.DataFrame({"_unit": unit_id[sel], "_code": ind_codes[sel], "_have": True})
    missing = should.merge(have_short, on=["_unit", "_code"], how="left")
    missing = missing.loc[missing["_have"].isna()]
    # the commune names and codes of the (few) missing rows only
    found = missing["_unit"].to_numpy()
    missing = pd.DataFrame(
        {
            "year": reporting["year"].take(found).array,
            "commune": reporting["commune"].take(found).array,
            "commune_code": reporting["commune_code"].take(found).array,
            "criterion": missing["criterion"].array,
            "indicator": missing["indicator"].array,
        }
    )
    short_communes = missing["commune"].unique()
    table_short = table.loc[
        table["commune"].isin(short_communes),
        ["year", "commune", "criterion", "self_assessed", "source"],
    ]
    info = missing.loc[:, ["year", "commune", "criterion"]].merge(
        table_short,
        on=["year", "commune", "criterion"],
        how="left",
        validate="many_to_one",
    )
    plain = [
        frame[c].to_numpy(dtype=object, na_value=None)
        for frame, c in (
            (missing, "year"),
            (missing, "commune"),
            (missing, "criterion"),
            (missing, "indicator"),
            (info, "self_assessed"),
            (info, "source"),
        )
    ]
    for year, commune, criterion, code, said, src in zip(*plain, strict=True):
        stands = (
            f"dùng kết quả tự đánh giá tiêu chí {criterion} của xã "
            f"('{appraisal_word(said)}') thay cho chỉ tiêu này"
            if said is not None
            else f"tiêu chí {criterion} không có kết quả tự đánh giá để thay thế"
        )
        findings.append(
            {
                "year": year,
                "commune": commune,
                "subject_type": "indicator",
                "subject": code,
                "check": FindingCheck.MISSING_INDICATOR.value,
                "message": f"Báo cáo thiếu chỉ tiêu {code}; {stands}.",
                "source": src,
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
        present = com.loc[:, ["year", "district", "commune_code"]]
        groups = (
            present.loc[:, ["year", "district"]]
            .dropna()
            .drop_duplicates()
            .sort_values(["year", "district"])
        )
        for year in groups["year"].unique():
            # as registry.units(year, assessed_only=True), without its per-row .iloc look-ups
            units = registry.units(int(year))
            units = units.loc[
                units["unit_type"].isin(ASSESSED_UNIT_TYPES).to_numpy(dtype=bool, na_value=False)
            ]
            units = units.reset_index(drop=True)
            units = pd.DataFrame(
                {
                    "district": units["district"].fillna(units["province"]),
                    "code": units["code"],
                    "name": units["name"],
                    "_order": range(len(units)),
                }
            )
            units = units.loc[units["code"].notna()]
            expected = groups.loc[groups["year"] == year].merge(units, on="district")
            have = (
                present.loc[present["year"] == year, ["district", "commune_code"]]
                .drop_duplicates()
                .rename(columns={"commune_code": "code"})
                .assign(_have=True)
            )
            expected = expected.merge(have, on=["district", "code"], how="left")
            expected = expected.loc[expected["_have"].isna()].sort_values(
                ["district", "_order"], kind="stable"
            )
            for row in expected.itertuples(index=False):
                findings.append(
                    {
                        "year": year,
                        "commune": row.name,
                        "subject_type": "commune",
                        "subject": row.code,
                        "check": FindingCheck.MISSING_COMMUNE_REPORT.value,
                        "message": f"Không có số liệu của {row.name} năm {year}, "
                        f"dù {row.district} có báo cáo năm đó.",
                        "source": None,
                    }
                )
    return district, dcrit, _findings(findings)


def add_single_indicator_records(records: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Let a criterion-level record stand for its criterion's only indicator.

    Criteria with one indicator carry the criterion number as the indicator
    code ("5"), and some reports (tidy tables especially) give that row only
    once, as the criterion. Where a commune report or tidy table has such a
    criterion record and no indicator record of the same code, an indicator
    record with the same value and appraisal is added. District-matrix marks
    are left alone: they are criterion appraisals, not indicator values.
    """
    single = {
        (y, c.number)
        for y, cset in _sets_by_year(records["year"].unique(), catalog).items()
        for c in cset.criteria
        if len(c.indicators) == 1 and c.indicators[0].code == c.number
    }
    if not single:
        return records
    codes_by_year: dict[int, set[str]] = {}
    for y, code in single:
        codes_by_year.setdefault(int(y), set()).add(code)
    level = records["level"]
    year = records["year"]
    code = records["indicator"].astype("string")
    candidate = pd.Series(False, index=records.index)
    for y, codes in codes_by_year.items():
        candidate |= ((year == y) & code.isin(list(codes))).fillna(False).astype(bool)
    is_crit = ((level == "criterion") & (records["layout"] != s.LAYOUT_DISTRICT_MATRIX)).fillna(
        False
    )
    crit = records.loc[candidate & is_crit.astype(bool)]
    if crit.empty:
        return records
    # only indicator records of these codes can match: a small anti-join
    is_ind = (level == "indicator").fillna(False).astype(bool)
    have = records.loc[candidate & is_ind, ["year", "commune_code", "indicator"]]
    have = have.assign(_have=True)
    merged = crit.merge(have, on=["year", "commune_code", "indicator"], how="left")
    extra = merged.loc[merged["_have"].isna()].drop(columns="_have").assign(level="indicator")
    if extra.empty:
        return records
    return pd.concat([records, extra.loc[:, list(records.columns)]], ignore_index=True)


def evaluate(records: pd.DataFrame, *, catalog: Catalog, registry: Registry | None) -> Evaluation:
    """Run every evaluation step over ingested records (``schema.RECORD_COLUMNS``)."""
    records = add_single_indicator_records(records, catalog)
    indicators, f1 = evaluate_indicators(records, catalog, registry)
    criteria, f2 = evaluate_criteria(indicators, records, catalog)
    communes = evaluate_communes(criteria)
    district, district_criteria, f3 = evaluate_district(communes, criteria, registry)
    parts = [f for f in (f1, f2, f3) if len(f)]
    findings = pd.concat(parts, ignore_index=True) if parts else _findings([])
    return Evaluation(indicators, criteria, communes, district, district_criteria, findings)
