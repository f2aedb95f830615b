"""The findings evaluation raises, and how a finding names its source (pure).

A finding is a row of ``schema.FINDING_COLUMNS``: a check from
:class:`~ntm_analysis.errors.FindingCheck`, a sentence an analyst can act on,
and the file, sheet and row it comes from. This module builds them for indicators
(stated targets and appraisals against thresholds), criteria (appraisals against
indicators, missing indicators) and reporting completeness.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import labels as lb
from . import schema as s
from .catalog import CriteriaSet
from .columnar import codes_of as _codes
from .columnar import (
    rank_lookup,
)
from .errors import FindingCheck
from .registry import Registry
from .stated_targets import (
    StatedTargets,
    departures,
)
from .thresholds import ThresholdTable


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


def source_text(frame: pd.DataFrame) -> pd.Series:
    """:func:`format_source` of every row of a frame with the three source columns.

    Vectorised in Arrow; meant for the rows a reader looks at (findings, a
    commune's table), not for millions of rows at once.

    >>> source_text(pd.DataFrame({"source_file": ["a.xlsx", None],
    ...     "source_sheet": ["2023", ""], "source_row": [12, 3]})).tolist()
    ['a.xlsx › 2023 › row 12', 'row 3']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    def arrow_text(col: pd.Series) -> pa.Array:
        return pa.array(col.astype("string").array, type=pa.string())

    sheet = arrow_text(frame[s.SOURCE_SHEET])
    if len(sheet) and pc.any(pc.equal(sheet, "")).as_py():
        sheet = pc.if_else(pc.equal(sheet, ""), pa.scalar(None, pa.string()), sheet)
    rows = pd.array(frame[s.SOURCE_ROW], dtype="Float64").astype("Int64")
    row = pa.array(rows, type=pa.int64())
    row = pc.binary_join_element_wise("row", pc.cast(row, pa.string()), " ")
    out = arrow_text(frame[s.SOURCE_FILE])
    for part in (sheet, row):  # join the parts that are present with " › "
        out = pc.coalesce(pc.binary_join_element_wise(out, part, " › "), out, part)
    return pd.Series(pd.array(out, dtype="string"), index=frame.index)


def finding_source(frame: pd.DataFrame) -> dict[str, object]:
    """The source columns of findings about the rows of ``frame``: ``source`` for display
    and ``source_file``, ``source_sheet`` (NA for none) and ``source_row`` apart."""
    sheet = frame[s.SOURCE_SHEET].astype("string")
    return {
        "source": source_text(frame).array,
        s.SOURCE_FILE: frame[s.SOURCE_FILE].astype("string").array,
        s.SOURCE_SHEET: sheet.mask(sheet == "").array,
        s.SOURCE_ROW: pd.array(frame[s.SOURCE_ROW], dtype="Float64").astype("Int64"),
    }


#: The appraisal words as reports write them, for finding messages.
APPRAISAL_WORDS = {s.MET: "Đạt", s.BASICALLY_MET: "Cơ bản đạt", s.NOT_MET: "Chưa đạt"}


def appraisal_word(code: object) -> str:
    """The Vietnamese appraisal word of an appraisal code.

    >>> appraisal_word("basically_met")
    'Cơ bản đạt'
    """
    return APPRAISAL_WORDS.get(code, str(code))


#: Findings columns that hold integers; the others hold text.
_FINDING_INTS = ("year", s.SOURCE_ROW)


def findings_table(rows: Iterable[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(s.FINDING_COLUMNS))
    return frame.astype({c: "Int64" for c in _FINDING_INTS}).astype(
        {c: "string" for c in s.FINDING_COLUMNS if c not in _FINDING_INTS}
    )


def _finding_columns(n: int, **columns: object) -> pd.DataFrame:
    """A findings frame from whole columns (a scalar fills its column).

    >>> _finding_columns(2, year=[2023, 2024], commune="Xã An", check="x")["commune"].tolist()
    ['Xã An', 'Xã An']
    """
    data = {}
    for c in s.FINDING_COLUMNS:
        value = columns.get(c)
        if value is None or isinstance(value, str):
            value = [value] * n
        data[c] = pd.array(value, dtype="Int64" if c in _FINDING_INTS else "string")
    return pd.DataFrame(data)


def _indicator_findings(
    part: pd.DataFrame, check: FindingCheck, messages: list[str]
) -> pd.DataFrame:
    """Findings about the given rows of the indicators table, one message each."""
    return _finding_columns(
        len(part),
        year=part["year"].array,
        commune=part["commune"].array,
        subject_type="indicator",
        subject=part["indicator"].array,
        check=check.value,
        message=messages,
        **finding_source(part),
    )


def _plain(part: pd.DataFrame, column: str) -> list:
    return part[column].to_numpy(dtype=object, na_value=None).tolist()


def stated_appraisal_findings(out: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The commune's appraisal disagrees with its value against its own stated target."""
    part = out.take(rows)
    messages = [
        lb.message(
            "find_appraisal_vs_stated_target",
            code=code,
            appraisal=_appraisal(a),
            value=_value(v, vt),
            verdict=_verdict(m),
            target=_text(t),
        )
        for code, a, v, vt, m, t in zip(
            *(_plain(part, c) for c in ("indicator", "self_assessed", "value", "value_text")),
            *(_plain(part, c) for c in ("met", "target_text")),
            strict=True,
        )
    ]
    return _indicator_findings(part, FindingCheck.APPRAISAL_VS_STATED_TARGET, messages)


def stated_vs_threshold_findings(
    out: pd.DataFrame, rows: np.ndarray, stated: StatedTargets, table: ThresholdTable, trow
) -> pd.DataFrame:
    """The report states another target than the sourced threshold in use."""
    part = out.take(rows)
    messages = [
        lb.message(
            "find_stated_target_vs_threshold",
            code=code,
            target=_text(t),
            read_as=stated.labels[k],
            threshold=_text(table.text[r]),
            source=_text(table.source[r]),
        )
        for code, t, k, r in zip(
            _plain(part, "indicator"),
            _plain(part, "target_text"),
            stated.target_id[rows].tolist(),
            trow[rows].tolist(),
            strict=True,
        )
    ]
    return _indicator_findings(part, FindingCheck.STATED_TARGET_VS_THRESHOLD, messages)


def unparsed_target_findings(
    out: pd.DataFrame, rows: np.ndarray, stated: StatedTargets
) -> pd.DataFrame:
    """Target text that is no target, or a target in another unit than the value."""
    part = out.take(rows)
    messages = [
        lb.message("find_target_unit_clash", code=code, target=_text(t), unit=_text(u))
        if clash
        else lb.message("find_target_unparsed", code=code, target=_text(t))
        for code, t, u, clash in zip(
            _plain(part, "indicator"),
            _plain(part, "target_text"),
            _plain(part, "unit"),
            stated.unit_clash[rows].tolist(),
            strict=True,
        )
    ]
    return _indicator_findings(part, FindingCheck.TARGET_UNPARSED, messages)


def inconsistent_target_findings(
    out: pd.DataFrame,
    read_rank: np.ndarray,
    stated: StatedTargets,
    table: ThresholdTable,
    trow: np.ndarray,
) -> pd.DataFrame:
    """Communes of one threshold region stating different targets for an indicator and year.

    A table row is one year x region x indicator, so it is the group. Each
    commune departing from the figure most of its group states gets a
    finding; with no single most common figure, every commune of the group.
    """
    found = departures(trow, stated.target_id)
    rows = found.rows[np.argsort(read_rank[found.rows], kind="stable")]
    keep = {r: k for k, r in enumerate(found.rows.tolist())}
    part = out.take(rows)
    messages = []
    for row, code, year, t in zip(
        rows.tolist(),
        _plain(part, "indicator"),
        _plain(part, "year"),
        _plain(part, "target_text"),
        strict=True,
    ):
        k = keep[row]
        region = table.region_of_row[trow[row]]
        where = (
            lb.message("find_in_region", region=region)
            if region is not None
            else lb.message("find_no_region")
        )
        if found.mode[k] >= 0:
            messages.append(
                lb.message(
                    "find_target_unlike_most",
                    code=code,
                    year=year,
                    target=_text(t),
                    where=where,
                    usual=stated.labels[found.mode[k]],
                    n=found.mode_count[k],
                    total=found.group_size[k],
                )
            )
        else:
            spread = "; ".join(
                lb.message("find_target_figure", figure=stated.labels[i], n=n)
                for i, n in found.figures[k]
            )
            messages.append(
                lb.message(
                    "find_targets_differ",
                    code=code,
                    year=year,
                    target=_text(t),
                    where=where,
                    spread=spread,
                )
            )
    return _indicator_findings(part, FindingCheck.STATED_TARGET_INCONSISTENT, messages)


def threshold_findings(flagged: pd.DataFrame, texts: list, sources: list) -> pd.DataFrame:
    """One finding per indicator whose appraisal disagrees with its threshold (the text and
    the legal source of each row's threshold)."""
    said, value, value_text, met = (
        flagged[c].to_numpy(dtype=object, na_value=None)
        for c in ("self_assessed", "value", "value_text", "met")
    )
    messages = [
        lb.message(
            "find_appraisal_vs_threshold",
            appraisal=_appraisal(a),
            value=_value(v, vt),
            verdict=_verdict(m),
            threshold=_text(text),
            source=_text(source),
        )
        for a, v, vt, m, text, source in zip(
            said, value, value_text, met, texts, sources, strict=True
        )
    ]
    return _finding_columns(
        len(flagged),
        year=flagged["year"].array,
        commune=flagged["commune"].array,
        subject_type="indicator",
        subject=flagged["indicator"].array,
        check=FindingCheck.APPRAISAL_VS_THRESHOLD.value,
        message=messages,
        **finding_source(flagged),
    )


def _text(value: object) -> str:
    """A value as an f-string shows it, with pandas' "<NA>" for missing."""
    return "<NA>" if value is None else str(value)


def _value(number: object, text: object) -> object:
    """A reported value for a message: the number (written the language's way), else its text."""
    return number if isinstance(number, float) and number == number else _text(text)


def _appraisal(code: object) -> str:
    """An appraisal code in the language of the run ("Đạt" / "Met")."""
    return lb.label(str(code), lb.current_lang()) if code is not None else _text(code)


def _verdict(met: object) -> str:
    return lb.message("verdict_meets" if met else "verdict_misses")


@dataclass(frozen=True)
class CriterionFacts:
    """Per row of the (unsorted) criteria table: what the findings need."""

    has_ind: np.ndarray  # any indicator reported
    all_true: np.ndarray  # every reported indicator met
    appraisal: np.ndarray  # the criterion's own appraisal: 1 met, 0 not, -1 none
    self_all_true: np.ndarray  # the indicators' own appraisals: all met
    self_any_false: np.ndarray  # ... some not met


def criterion_findings(table: pd.DataFrame, facts: CriterionFacts) -> pd.DataFrame:
    """Appraisal of a criterion against its indicators' results and their appraisals."""
    said_met = facts.appraisal == 1
    known = facts.has_ind & (facts.appraisal >= 0)
    vs_result = np.flatnonzero(known & (facts.all_true != said_met))
    vs_self = np.flatnonzero(
        known & ((facts.self_all_true & ~said_met) | (facts.self_any_false & said_met))
    )
    parts = []
    for sel, check in (
        (vs_result, FindingCheck.CRITERION_APPRAISAL_VS_RESULT),
        (vs_self, FindingCheck.CRITERION_VS_INDICATORS),
    ):
        part = table.take(sel)
        columns = zip(
            part["criterion"].to_numpy(dtype=object, na_value=None),
            part["self_assessed"].to_numpy(dtype=object, na_value=None),
            part["indicators_met"].tolist(),
            part["indicators_reported"].tolist(),
            facts.all_true[sel].tolist(),
            facts.self_all_true[sel].tolist(),
            strict=True,
        )
        if check is FindingCheck.CRITERION_APPRAISAL_VS_RESULT:
            messages = [
                lb.message(
                    "find_criterion_vs_result",
                    criterion=c,
                    appraisal=_appraisal(a),
                    result=_appraisal(s.MET if ok else s.NOT_MET),
                    met=n_met,
                    reported=n_rep,
                )
                for c, a, n_met, n_rep, ok, _ in columns
            ]
        else:
            messages = [
                lb.message(
                    "find_criterion_vs_indicators",
                    criterion=c,
                    appraisal=_appraisal(a),
                    result=_appraisal(s.MET if self_ok else s.NOT_MET),
                )
                for c, a, _, _, _, self_ok in columns
            ]
        parts.append(
            _finding_columns(
                len(part),
                year=part["year"].array,
                commune=part["commune"].array,
                subject_type="criterion",
                subject=part["criterion"].array,
                check=check.value,
                message=messages,
                **finding_source(part),
            )
        )
    return pd.concat(parts, ignore_index=True)


def missing_indicator_findings(
    table: pd.DataFrame,
    indicators: pd.DataFrame,
    ind_unit: np.ndarray,
    year_of_unit: np.ndarray,
    sets: dict[int, CriteriaSet],
    row_of_key: Callable[[np.ndarray, list], np.ndarray],
) -> pd.DataFrame:
    """Indicators the catalog expects but a commune report leaves out.

    Only commune-years that report indicators (``year_of_unit``) are checked;
    the criterion's own appraisal stands for the missing indicator (and the
    message says so). ``row_of_key(units, criterion numbers)`` gives the
    criteria-table row of each pair.
    """
    ind_codes, ind_values = _codes(indicators["indicator"])
    have = np.zeros((len(year_of_unit), len(ind_values) + 1), dtype=bool)
    have[ind_unit, ind_codes] = True  # code -1 lands in the last column
    have[:, -1] = False  # an expected code absent from the data is never present
    units_found, order_found, criteria, codes = [], [], [], []
    for y, cset in sets.items():
        units = np.flatnonzero(year_of_unit == y)
        if not len(units):
            continue
        expected = [(c.number, i.code) for c in cset.criteria for i in c.indicators]
        cols = ind_values.get_indexer([code for _, code in expected])
        missing = ~have[np.ix_(units, np.where(cols < 0, len(ind_values), cols))]
        u, j = np.nonzero(missing)
        units_found.append(units[u])
        order_found.append(j)
        criteria.extend(expected[b][0] for b in j)
        codes.extend(expected[b][1] for b in j)
    if not units_found:
        return findings_table([])
    unit = np.concatenate(units_found)
    order = np.lexsort((np.concatenate(order_found), unit))  # by unit, then as listed
    unit = unit[order]
    criteria = [criteria[k] for k in order]
    codes = [codes[k] for k in order]
    picked = table.take(row_of_key(unit, criteria))
    said = picked["self_assessed"].to_numpy(dtype=object, na_value=None)
    cache: dict[tuple, str] = {}
    messages = []
    for criterion, code, appraisal in zip(criteria, codes, said, strict=True):
        message = cache.get((criterion, code, appraisal))
        if message is None:
            message = cache[(criterion, code, appraisal)] = (
                lb.message(
                    "find_missing_indicator",
                    code=code,
                    criterion=criterion,
                    appraisal=_appraisal(appraisal),
                )
                if appraisal is not None
                else lb.message(
                    "find_missing_indicator_no_appraisal", code=code, criterion=criterion
                )
            )
        messages.append(message)
    return _finding_columns(
        len(picked),
        year=picked["year"].array,
        commune=picked["commune"].array,
        subject_type="indicator",
        subject=codes,
        check=FindingCheck.MISSING_INDICATOR.value,
        message=messages,
        **finding_source(picked),
    )


def completeness_findings(com: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """One finding per registry commune with no data in a year its district reported.

    Ordered by year, district and the registry's own order of communes.
    """
    d_codes, d_values = _codes(com["district"])
    c_codes, c_values = _codes(com["commune_code"].astype("string"))
    d_rank = rank_lookup(d_values)
    years = com["year"].to_numpy()
    parts = []
    for year in sorted({int(y) for y in pd.unique(years)}):
        sel = years == year
        pair = d_codes[sel].astype(np.int64) * (len(c_values) + 1) + c_codes[sel]
        reported = np.zeros(len(d_values) + 1, dtype=bool)
        reported[d_codes[sel]] = True
        reported[-1] = False  # a missing district reports nothing
        # as registry.units(year, assessed_only=True), in the registry's order
        units = registry.units(year, assessed_only=True)
        units = units.loc[units["code"].notna().to_numpy(dtype=bool)].reset_index(drop=True)
        unit_district = units["district"].fillna(units["province"]).astype("string")
        ud = d_values.get_indexer(unit_district)
        uc = c_values.get_indexer(units["code"].astype("string"))
        unit_pair = ud.astype(np.int64) * (len(c_values) + 1) + uc
        missing = np.flatnonzero(reported[ud] & ((uc < 0) | ~np.isin(unit_pair, pair)))
        missing = missing[np.argsort(d_rank[ud[missing]], kind="stable")]
        found = units.take(missing)
        names = found["name"].astype("string")
        district = unit_district.take(missing).reset_index(drop=True)
        parts.append(
            _finding_columns(
                len(found),
                year=[year] * len(found),
                commune=names.array,
                subject_type="commune",
                subject=found["code"].astype("string").array,
                check=FindingCheck.MISSING_COMMUNE_REPORT.value,
                message=[
                    lb.message("find_missing_commune_report", commune=n, year=year, district=d)
                    for n, d in zip(names.tolist(), district.tolist(), strict=True)
                ],
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else findings_table([])
