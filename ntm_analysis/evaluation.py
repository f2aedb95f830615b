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

How it stays fast at national scale (millions of indicator rows): the text
columns of the records (commune names, codes, file names, appraisal words)
repeat a few thousand distinct values over millions of rows, so they are
handled as pandas categoricals and every look-up, roll-up and sort works on
their integer codes. A threshold depends only on (year, region, indicator):
the catalog is asked once per distinct combination and each record finds its
threshold by integer indexing. The large output tables (indicators, criteria,
communes) keep their text columns categorical - a few bytes per row instead of
a string each; the pipeline writes them as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema as s
from .catalog import Catalog, CriteriaSet
from .columnar import (
    CodedColumns,
    as_categorical,
    boolean_array,
    categorical_from_codes,
    fill_categorical,
    first_positions,
    order_by,
    rank_lookup,
    rank_per_row,
    take_codes,
    take_rows,
    year_codes,
)
from .columnar import codes_of as _codes
from .columnar import shared_codes as _shared_codes
from .errors import FindingCheck
from .registry import Registry
from .schema import code_sort_key
from .stated_targets import (
    StatedTargets,
    departures,
    judge_by_stated,
    read_stated_targets,
    same_as_threshold,
)

#: Text columns of the records that evaluation handles as categoricals.
CATEGORICAL_RECORD_COLUMNS = (
    "commune",
    "commune_code",
    "level",
    "criterion",
    "indicator",
    "indicator_text",
    "value_text",
    "unit",
    "target_text",
    "self_assessed",
    "layout",
    s.SOURCE_FILE,
    s.SOURCE_SHEET,
)


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
        data[c] = pd.array(value, dtype="Int64" if c == "year" else "string")
    return pd.DataFrame(data)


def _sets_by_year(years: Iterable[int], catalog: Catalog) -> dict[int, CriteriaSet]:
    out = {}
    for y in sorted({int(y) for y in years}):
        try:
            out[y] = catalog.set_for_year(y)
        except Exception:  # a year no set covers: its records are left out upstream
            continue
    return out


# --------------------------------------------------------------------------- codes


def _appraisal_codes(appraisal: pd.Series) -> np.ndarray:
    """Per row: 1 for MET, 0 for BASICALLY_MET / NOT_MET, -1 for none."""
    codes, values = _codes(appraisal)
    lut = np.full(len(values) + 1, -1, dtype=np.int8)
    for j, v in enumerate(values):
        if v == s.MET:
            lut[j] = 1
        elif v in (s.BASICALLY_MET, s.NOT_MET):
            lut[j] = 0
    return lut[codes]


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class _ThresholdTable:
    """One row per distinct (year, region, indicator) of the records."""

    criteria_set: pd.Index  # set id per table row
    value: np.ndarray  # float, NaN when unset
    op: np.ndarray  # code into s.THRESHOLD_OPS, -1 when unset
    text: list  # threshold text or None
    source: list  # legal source or None
    cube: np.ndarray  # table row per (year, region, indicator code); -1: no set
    region: np.ndarray  # region index per (year, commune code)
    region_of_row: np.ndarray  # region (None: unset) of each table row

    def frame(self) -> pd.DataFrame:
        """The table's columns as a frame (text categorical), to take rows from."""
        return pd.DataFrame(
            {
                "criteria_set": pd.Categorical(self.criteria_set),
                "threshold": pd.arrays.FloatingArray(self.value, np.isnan(self.value)),
                "threshold_op": categorical_from_codes(self.op, s.THRESHOLD_OPS),
                "threshold_text": pd.Categorical(pd.Series(self.text, dtype="string")),
                "threshold_source": pd.Categorical(pd.Series(self.source, dtype="string")),
            }
        )

    def take(self, rows: np.ndarray) -> dict[str, pd.api.extensions.ExtensionArray]:
        """The table's columns at ``rows`` (one per record), categorical codes taken directly."""
        out = {}
        for name, col in self.frame().items():
            array = col.array
            if isinstance(array, pd.Categorical):
                out[name] = pd.Categorical.from_codes(
                    array.codes[rows], dtype=array.dtype, validate=False
                )
            else:
                out[name] = array.take(rows)
        return out

    def rows(self, year: np.ndarray, code: np.ndarray, indicator: np.ndarray) -> np.ndarray:
        """Table row per record, from its codes (-1: no set covers its year)."""
        if not len(year):
            return np.empty(0, dtype=np.int64)
        row = self.cube[year, self.region[year, code], indicator]
        return np.where(year < 0, -1, row)


def _region_codes(
    y_uniq: np.ndarray,
    c_values: pd.Index,
    registry: Registry | None,
    sets: dict[int, CriteriaSet] | None = None,
) -> tuple[np.ndarray, list[str | None]]:
    """Target class per (distinct year, commune code; last column: no code), and the classes.

    The class is the commune's threshold region, or its commune group in a year
    whose set has groups (QĐ 51/2025).
    """
    sets = sets or {}
    regions: list[str | None] = [None]
    region_idx = np.zeros((len(y_uniq), len(c_values) + 1), dtype=np.int16)
    if registry is None:
        return region_idx, regions
    codes = pd.Index(c_values.astype("string"))
    for k, y in enumerate(y_uniq):
        units = registry.units(int(y))
        units = units.loc[units["code"].notna().to_numpy(dtype=bool)]
        first = ~units["code"].duplicated(keep="first").to_numpy()
        at = pd.Index(units["code"].astype("string")[first]).get_indexer(codes)
        cset = sets.get(int(y))
        column = "commune_group" if cset is not None and cset.groups else "threshold_region"
        r_codes, r_values = pd.factorize(units[column][first], use_na_sentinel=True)
        for region in r_values:
            if str(region) not in regions:
                regions.append(str(region))
        # per unit: its region's index (0: none); the extra last slot is for "no such unit"
        global_idx = np.array([regions.index(str(r)) for r in r_values] + [0], dtype=np.int16)
        index_of = np.append(global_idx[r_codes], np.int16(0))
        region_idx[k, : len(c_values)] = index_of[at]
    return region_idx, regions


def _threshold_table(
    years: np.ndarray,
    codes: pd.Index,
    indicators: pd.Index,
    catalog: Catalog,
    registry: Registry | None,
) -> _ThresholdTable:
    """The thresholds of the distinct (year, commune code, indicator) values.

    A threshold depends only on (year, region, indicator), so the catalog is
    asked once per distinct combination; each record then finds its row by
    integer indexing (:meth:`_ThresholdTable.rows`), without merging the large
    frame.
    """
    sets = _sets_by_year(years, catalog)
    region_idx, regions = _region_codes(years, codes, registry, sets)
    indicator_list = indicators.tolist()
    set_ids, values, ops, texts, sources, row_regions = [], [], [], [], [], []
    cube = np.full((len(years) + 1, len(regions), len(indicators) + 1), -1, dtype=np.int32)
    for k, y in enumerate(years):
        cset = sets.get(int(y))
        if cset is None:
            continue
        for r, region in enumerate(regions):
            for j in range(len(indicators) + 1):
                ind = cset.indicator(indicator_list[j]) if j < len(indicators) else None
                if ind is None:
                    t = None
                elif cset.groups:
                    t = ind.threshold_for(None, int(y), group=region)
                else:
                    t = ind.threshold_for(region, int(y))
                cube[k, r, j] = len(set_ids)
                set_ids.append(cset.id)
                values.append(np.nan if t is None or t.value is None else float(t.value))
                ops.append(-1 if t is None else s.THRESHOLD_OPS.index(t.op))
                texts.append(None if t is None else t.text)
                sources.append(None if t is None else t.source)
                row_regions.append(region)
    return _ThresholdTable(
        pd.Index(set_ids, dtype="str"),
        np.array(values, dtype=np.float64),
        np.array(ops, dtype=np.int8),
        texts,
        sources,
        cube,
        np.vstack([region_idx, np.zeros((1, region_idx.shape[1]), dtype=np.int16)]),
        np.array(row_regions, dtype=object),
    )


def _compare(value: np.ndarray, table: _ThresholdTable, rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """``(known, met)``: whether a threshold decides each row, and how.

    Every operator is one comparison ``sign * value > bound`` (or ``>=`` when
    not strict), so the rows need no per-operator passes.
    """
    op, threshold = table.op, table.value
    yes = op == s.THRESHOLD_OPS.index(s.OP_YES)
    sign = np.where((op == 1) | (op == 3), -1.0, 1.0)  # "<=" and "<" compare negated
    bound = np.where(yes, 0.5, sign * threshold)
    strict = (op == 2) | (op == 3)
    usable = (op >= 0) & (yes | ~np.isnan(threshold))
    x = value * sign[rows]
    b = bound[rows]
    with np.errstate(invalid="ignore"):
        met = np.where(strict[rows], x > b, x >= b)
    known = usable[rows] & ~np.isnan(value)
    return known, met & known


def records_order(records: pd.DataFrame) -> np.ndarray:
    """Positions that put records in their file order: indicator rows first, then
    criterion rows, each by year, commune and code (numeric order).

    ``ntm clean`` writes ``records.parquet`` in this order. Evaluation is
    correct for records in any order; in this one, its indicator rows need no
    sorting.
    """
    coded = CodedColumns(records)
    level_codes, level_values = coded("level")
    level_rank = np.append(np.where(np.asarray(level_values == "indicator", dtype=bool), 0, 1), 2)[
        level_codes
    ]
    y_codes, y_uniq = year_codes(records["year"])
    commune_codes, commune_values = coded("commune")
    i_codes, i_values = coded("indicator")
    return order_by(
        level_rank,
        rank_lookup(pd.Index(y_uniq))[y_codes],
        rank_lookup(commune_values)[commune_codes],
        rank_lookup(i_values, code_sort_key)[i_codes],
    )


def evaluate_indicators(
    records: pd.DataFrame, catalog: Catalog, registry: Registry | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Evaluate every indicator-level record.

    Returns the indicators table (``schema.INDICATOR_COLUMNS``, sorted by
    year, commune and indicator, text columns categorical) and the findings
    where the commune's appraisal disagrees with the threshold.
    """
    records = as_categorical(records, CATEGORICAL_RECORD_COLUMNS)
    coded = CodedColumns(records)
    level_codes, level_values = coded("level")
    y_codes, y_uniq = year_codes(records["year"])
    c_codes, c_values = coded("commune_code")
    i_codes, i_values = coded("indicator")
    table = _threshold_table(y_uniq, c_values, i_values, catalog, registry)
    # indicator rows, then criterion rows standing for their only indicator,
    # of years a set covers
    is_indicator = np.append(np.asarray(level_values == "indicator", dtype=bool), False)
    standing = _standing_positions(coded, y_codes, y_uniq, catalog)
    pos = np.concatenate([np.flatnonzero(is_indicator[level_codes]), standing])
    trow = table.rows(y_codes[pos], c_codes[pos], i_codes[pos])
    if (trow < 0).any():
        covered = np.flatnonzero(trow >= 0)
        pos, trow = pos[covered], trow[covered]
    # in (year, commune, indicator) order
    commune_codes, commune_values = coded("commune")
    order = order_by(
        rank_lookup(pd.Index(y_uniq))[y_codes[pos]],
        rank_lookup(commune_values)[commune_codes[pos]],
        rank_lookup(i_values, code_sort_key)[i_codes[pos]],
    )
    pos, trow = pos[order], trow[order].astype(np.intp)
    # one take of the large frame, of the columns the table needs, and one of
    # the small threshold table
    ind = take_rows(records, [c for c in records.columns if c in s.INDICATOR_COLUMNS], pos)
    thresholds = table.take(trow)

    value = ind["value"].astype("Float64").array
    number = value.to_numpy(np.float64, na_value=np.nan)
    known, by_value = _compare(number, table, trow)
    stated = read_stated_targets(ind["target_text"], ind["unit"])
    stated_known, by_stated = judge_by_stated(stated, number)
    stated_known &= ~known  # a sourced threshold beats the report's own target
    appraisal = _appraisal_codes(ind["self_assessed"])
    met = np.where(known, by_value, np.where(stated_known, by_stated, appraisal == 1))
    decided = known | stated_known | (appraisal >= 0)
    basis = np.select([known, stated_known, appraisal >= 0], [0, 1, 2], 3).astype(np.int8)
    in_use = _target_in_use(thresholds, stated, stated_known)
    out = pd.DataFrame(
        {
            "year": ind["year"].array,
            "commune": ind["commune"].array,
            "commune_code": ind["commune_code"].array,
            "criteria_set": thresholds["criteria_set"],
            "criterion": ind["criterion"].array,
            "indicator": ind["indicator"].array,
            "indicator_text": (
                ind["indicator_text"].array
                if "indicator_text" in ind
                else pd.Categorical([None] * len(ind), categories=pd.Index([], dtype="string"))
            ),
            "value": value,
            "value_text": ind["value_text"].array,
            "unit": ind["unit"].array,
            "target_text": fill_categorical(
                ind["target_text"], pd.Series(thresholds["threshold_text"])
            ),
            **in_use,
            "met": boolean_array(met, decided),
            "met_basis": categorical_from_codes(
                basis,
                (s.BASIS_THRESHOLD, s.BASIS_STATED_TARGET, s.BASIS_SELF_ASSESSMENT, s.BASIS_NONE),
            ),
            "self_assessed": ind["self_assessed"].array,
            s.SOURCE_FILE: ind[s.SOURCE_FILE].array,
            s.SOURCE_SHEET: ind[s.SOURCE_SHEET].array,
            s.SOURCE_ROW: ind[s.SOURCE_ROW].astype("Int64").array,
        },
        copy=False,
    )
    # findings in the order the rows were read (rows standing for an indicator come last)
    read_rank = np.where(np.isin(pos, standing), len(records) + pos, pos)

    def in_read_order(mask: np.ndarray) -> np.ndarray:
        rows = np.flatnonzero(mask)
        return rows[np.argsort(read_rank[rows], kind="stable")]

    said = appraisal >= 0
    flagged = in_read_order(known & said & (by_value != (appraisal == 1)))
    usable = (table.op >= 0) & (
        (table.op == s.THRESHOLD_OPS.index(s.OP_YES)) | ~np.isnan(table.value)
    )
    has_threshold = usable[trow]
    findings = [
        _threshold_findings(out.take(flagged), table, trow[flagged]),
        _stated_appraisal_findings(
            out, in_read_order(stated_known & said & (by_stated != (appraisal == 1)))
        ),
        _stated_vs_threshold_findings(
            out,
            in_read_order(
                has_threshold
                & (stated.op >= 0)
                & ~same_as_threshold(stated, table.op[trow], table.value[trow])
            ),
            stated,
            table,
            trow,
        ),
        _unparsed_target_findings(out, in_read_order(stated.unparsed | stated.unit_clash), stated),
        _inconsistent_target_findings(out, read_rank, stated, table, trow),
    ]
    return out, pd.concat(findings, ignore_index=True)


def _target_in_use(
    thresholds: dict, stated: StatedTargets, stated_known: np.ndarray
) -> dict[str, pd.api.extensions.ExtensionArray]:
    """The threshold columns: the catalog's threshold, or the stated target where it judged.

    Stated "=" and "Không" targets have no threshold operator: their figure
    and operator stay empty, the source still says what judged the row.
    """
    op_codes = thresholds["threshold_op"].codes
    as_threshold = stated_known & (stated.op < len(s.THRESHOLD_OPS))
    figure = thresholds["threshold"].to_numpy(np.float64, na_value=np.nan)
    figure = np.where(stated_known, np.where(as_threshold, stated.value, np.nan), figure)
    op = np.where(stated_known, np.where(as_threshold, stated.op, -1), op_codes)
    source = thresholds["threshold_source"]
    categories = source.categories
    if s.STATED_TARGET_SOURCE not in categories:
        categories = categories.append(pd.Index([s.STATED_TARGET_SOURCE], dtype=categories.dtype))
    source_codes = np.where(stated_known, categories.get_loc(s.STATED_TARGET_SOURCE), source.codes)
    return {
        "threshold": pd.arrays.FloatingArray(figure, np.isnan(figure)),
        "threshold_op": pd.Categorical.from_codes(
            op.astype(np.int8), dtype=thresholds["threshold_op"].dtype, validate=False
        ),
        "threshold_source": pd.Categorical.from_codes(
            source_codes, categories=categories, validate=False
        ),
    }


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
        source=source_text(part).array,
    )


def _plain(part: pd.DataFrame, column: str) -> list:
    return part[column].to_numpy(dtype=object, na_value=None).tolist()


def _stated_appraisal_findings(out: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The commune's appraisal disagrees with its value against its own stated target."""
    part = out.take(rows)
    messages = [
        f"Chỉ tiêu {code}: xã tự đánh giá '{appraisal_word(a)}' nhưng kết quả {_text(v)} "
        f"{'đạt' if m else 'không đạt'} chỉ tiêu chính báo cáo ghi '{_text(t)}'."
        for code, a, v, m, t in zip(
            *(_plain(part, c) for c in ("indicator", "self_assessed", "value_text", "met")),
            _plain(part, "target_text"),
            strict=True,
        )
    ]
    return _indicator_findings(part, FindingCheck.APPRAISAL_VS_STATED_TARGET, messages)


def _stated_vs_threshold_findings(
    out: pd.DataFrame, rows: np.ndarray, stated: StatedTargets, table: _ThresholdTable, trow
) -> pd.DataFrame:
    """The report states another target than the sourced threshold in use."""
    part = out.take(rows)
    messages = [
        f"Chỉ tiêu {code}: báo cáo ghi chỉ tiêu '{_text(t)}' ({stated.labels[k]}), khác ngưỡng "
        f"đang áp dụng '{_text(table.text[r])}' ({_text(table.source[r])})."
        for code, t, k, r in zip(
            _plain(part, "indicator"),
            _plain(part, "target_text"),
            stated.target_id[rows].tolist(),
            trow[rows].tolist(),
            strict=True,
        )
    ]
    return _indicator_findings(part, FindingCheck.STATED_TARGET_VS_THRESHOLD, messages)


def _unparsed_target_findings(
    out: pd.DataFrame, rows: np.ndarray, stated: StatedTargets
) -> pd.DataFrame:
    """Target text that is no target, or a target in another unit than the value."""
    part = out.take(rows)
    messages = [
        f"Chỉ tiêu {code}: không dùng được chỉ tiêu báo cáo ghi '{_text(t)}' ("
        + (
            f"đơn vị khác với đơn vị của kết quả '{_text(u)}'"
            if clash
            else "không đọc được toán tử và mức"
        )
        + "); chỉ tiêu này được đánh giá theo căn cứ kế tiếp."
        for code, t, u, clash in zip(
            _plain(part, "indicator"),
            _plain(part, "target_text"),
            _plain(part, "unit"),
            stated.unit_clash[rows].tolist(),
            strict=True,
        )
    ]
    return _indicator_findings(part, FindingCheck.TARGET_UNPARSED, messages)


def _inconsistent_target_findings(
    out: pd.DataFrame,
    read_rank: np.ndarray,
    stated: StatedTargets,
    table: _ThresholdTable,
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
        where = f"vùng {region}" if region is not None else "chưa xác định vùng"
        head = f"Chỉ tiêu {code} năm {year}: báo cáo ghi chỉ tiêu '{_text(t)}'"
        if found.mode[k] >= 0:
            messages.append(
                f"{head}, khác mức phần lớn các xã {where} ghi "
                f"({stated.labels[found.mode[k]]}: {found.mode_count[k]}/{found.group_size[k]} xã)."
            )
        else:
            spread = "; ".join(f"{stated.labels[i]}: {n} xã" for i, n in found.figures[k])
            messages.append(
                f"{head}; các xã {where} ghi các mức khác nhau, không có mức chung ({spread})."
            )
    return _indicator_findings(part, FindingCheck.STATED_TARGET_INCONSISTENT, messages)


def _threshold_findings(
    flagged: pd.DataFrame, table: _ThresholdTable, trow: np.ndarray
) -> pd.DataFrame:
    """One finding per indicator whose appraisal disagrees with its threshold."""
    said, value_text, met = (
        flagged[c].to_numpy(dtype=object, na_value=None)
        for c in ("self_assessed", "value_text", "met")
    )
    messages = [
        f"Xã tự đánh giá '{appraisal_word(a)}' nhưng giá trị {_text(v)} "
        f"{'đạt' if m else 'không đạt'} ngưỡng {_text(table.text[r])} "
        f"({_text(table.source[r])})."
        for a, v, m, r in zip(said, value_text, met, trow.tolist(), strict=True)
    ]
    return _finding_columns(
        len(flagged),
        year=flagged["year"].array,
        commune=flagged["commune"].array,
        subject_type="indicator",
        subject=flagged["indicator"].array,
        check=FindingCheck.APPRAISAL_VS_THRESHOLD.value,
        message=messages,
        source=source_text(flagged).array,
    )


def _text(value: object) -> str:
    """A value as an f-string shows it, with pandas' "<NA>" for missing."""
    return "<NA>" if value is None else str(value)


# --------------------------------------------------------------------------- criteria


#: How a criterion was decided (``met_basis``), by the codes :func:`decide_criteria` returns.
CRITERION_BASES = (s.BASIS_INDICATORS, s.BASIS_MATRIX, s.BASIS_SELF_ASSESSMENT, s.BASIS_NONE)


def decide_criteria(
    *,
    n_expected: np.ndarray,
    n_reported: np.ndarray,
    n_met: np.ndarray,
    n_not_met: np.ndarray,
    appraisal: np.ndarray,
    from_matrix: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rule that decides a criterion, over rows of commune-year × criterion.

    * Every indicator the set lists is reported: the indicators decide alone (met
      when all are met, not met when any is not).
    * Some are reported: any unmet indicator fails the criterion; otherwise the
      commune's appraisal of the criterion stands for the indicators it left out.
    * None is reported: the criterion's appraisal stands (a district matrix's mark
      or a report's word).
    * Otherwise the criterion is undecided.

    ``n_*`` count the indicators per row (expected by the set, reported, met, not
    met); ``appraisal`` is 1 met, 0 not met, -1 none. Returns ``met``,
    ``decided`` and the code of the basis in :data:`CRITERION_BASES`.

    >>> met, decided, basis = decide_criteria(
    ...     n_expected=np.array([2, 2, 2, 2]), n_reported=np.array([2, 1, 1, 0]),
    ...     n_met=np.array([2, 1, 1, 0]), n_not_met=np.array([0, 0, 0, 0]),
    ...     appraisal=np.array([-1, 0, -1, 1]), from_matrix=np.array([0, 0, 0, 1], bool))
    >>> met.tolist(), decided.tolist()
    ([True, False, False, True], [True, True, False, True])
    >>> [CRITERION_BASES[b] for b in basis]
    ['indicators', 'self_assessment', 'undecided', 'district_matrix']
    """
    has_ind = n_reported > 0
    complete = has_ind & (n_reported >= n_expected)
    partial = has_ind & ~complete
    all_met = has_ind & (n_met == n_reported)
    any_not_met = n_not_met > 0
    by_indicators = (complete & (all_met | any_not_met)) | (partial & any_not_met)
    by_appraisal = ~by_indicators & (appraisal >= 0) & (partial | ~has_ind)
    met = np.where(by_indicators, all_met & ~any_not_met, appraisal == 1)
    basis = np.select(
        [by_indicators, by_appraisal & ~has_ind & from_matrix, by_appraisal], [0, 1, 2], 3
    )
    return met, by_indicators | by_appraisal, basis


@dataclass(frozen=True)
class _Units:
    """Commune-years ("units") as integers, numbered in order of first appearance
    with the indicators first: units 0 .. ``n_reporting`` - 1 report indicators."""

    ind_unit: np.ndarray  # unit of each indicator row
    crit_unit: np.ndarray  # unit of each criterion record
    year: np.ndarray  # per unit, its code in ``years``
    commune: np.ndarray  # ... in ``communes``
    code: np.ndarray  # ... in ``codes``
    years: np.ndarray  # distinct years, as ints
    communes: pd.Index
    codes: pd.Index

    @property
    def n(self) -> int:
        return len(self.year)

    @property
    def n_reporting(self) -> int:
        return int(self.ind_unit.max()) + 1 if len(self.ind_unit) else 0


def _criterion_records(records: pd.DataFrame) -> pd.DataFrame:
    """The criterion-level records with a year, in the columns evaluation reads."""
    records = as_categorical(records, CATEGORICAL_RECORD_COLUMNS)
    level_codes, level_values = _codes(records["level"])
    is_criterion = np.append(np.asarray(level_values == "criterion", dtype=bool), False)
    columns = ["year", "commune", "commune_code", "criterion", "self_assessed", "layout"]
    return take_rows(
        records,
        [*columns, *s.SOURCE_COLUMNS],
        np.flatnonzero(is_criterion[level_codes] & records["year"].notna().to_numpy()),
    )


def _commune_years(indicators: pd.DataFrame, crit_records: pd.DataFrame) -> _Units:
    (year_i, year_c), years = _shared_codes(indicators["year"], crit_records["year"])
    (com_i, com_c), communes = _shared_codes(indicators["commune"], crit_records["commune"])
    (code_i, code_c), codes = _shared_codes(
        indicators["commune_code"], crit_records["commune_code"]
    )
    unit_key = np.concatenate([year_i, year_c]).astype(np.int64) * (
        len(communes) + 1
    ) + np.concatenate([com_i, com_c])
    unit_key = unit_key * (len(codes) + 1) + np.concatenate([code_i, code_c])
    unit_all, _ = pd.factorize(unit_key)
    first = first_positions(unit_all, int(unit_all.max()) + 1 if len(unit_all) else 0)
    n_ind = len(indicators)
    return _Units(
        ind_unit=unit_all[:n_ind],
        crit_unit=unit_all[n_ind:],
        year=np.concatenate([year_i, year_c])[first],
        commune=np.concatenate([com_i, com_c])[first],
        code=np.concatenate([code_i, code_c])[first],
        years=np.asarray(years, dtype=np.int64),
        communes=communes,
        codes=codes,
    )


def _criterion_numbers(
    indicators: pd.DataFrame, crit_records: pd.DataFrame, sets: Mapping[int, CriteriaSet]
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Criterion numbers, those of the catalog sets first, then any others in the data;
    and the number's code of each indicator row and of each criterion record."""
    (crit_i, crit_c), data_numbers = _shared_codes(
        indicators["criterion"], crit_records["criterion"]
    )
    numbers = pd.Index(
        list(dict.fromkeys([c.number for cset in sets.values() for c in cset.criteria]))
    ).astype("str")
    numbers = numbers.append(data_numbers[~data_numbers.isin(numbers)].astype("str"))
    remap = np.append(numbers.get_indexer(data_numbers), -1)
    return numbers, remap[crit_i], remap[crit_c]


def _set_grid(
    units: _Units, sets: Mapping[int, CriteriaSet], numbers: pd.Index
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[int]]:
    """One row per unit × criterion of its year's set, units in order, criteria as the
    set lists them: the unit, the set (a row of the returned years) and the criterion
    of each row, and the number of indicators the set lists for it."""
    set_years = sorted(sets)
    width = max((len(cset.criteria) for cset in sets.values()), default=1)
    matrix = np.zeros((len(set_years) + 1, width), dtype=np.int64)  # criterion per slot
    n_listed = np.zeros(len(set_years) + 1, dtype=np.int64)  # last row: no set
    expected_n = np.zeros((len(set_years) + 1, len(numbers) + 1), dtype=np.int64)
    for k, y in enumerate(set_years):
        listed = [numbers.get_loc(c.number) for c in sets[y].criteria]
        matrix[k, : len(listed)] = listed
        n_listed[k] = len(listed)
        expected_n[k, listed] = [len(c.indicators) for c in sets[y].criteria]
    set_row_of_year = np.array([set_years.index(y) if y in sets else len(set_years)
                                for y in units.years.tolist()], dtype=np.int64)  # fmt: skip
    unit_set = set_row_of_year[units.year] if units.n else np.empty(0, dtype=np.int64)
    per_unit = n_listed[unit_set]
    grid_unit = np.repeat(np.arange(units.n), per_unit)
    slot = np.arange(len(grid_unit)) - np.repeat(np.cumsum(per_unit) - per_unit, per_unit)
    grid_set = unit_set[grid_unit]
    grid_crit = matrix[grid_set, slot]
    return grid_unit, grid_set, grid_crit, expected_n[grid_set, grid_crit], set_years


def _state_counts(key: np.ndarray, state: np.ndarray, size: int) -> np.ndarray:
    """Per key (0 .. size - 1), how many rows are in each state 0, 1, 2 (one pass)."""
    return np.bincount(key * 3 + state, minlength=size * 3).reshape(size, 3)


def _met_states(met: pd.Series) -> np.ndarray:
    """Per row: 0 met, 1 not met, 2 undecided."""
    array = met.astype("boolean").array
    return np.where(array.isna(), 2, np.where(array.to_numpy(bool, na_value=False), 0, 1))


def _from_matrix(layout: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Whether each of ``rows`` (-1: none) of a criterion-record table comes from a district
    matrix."""
    layout_codes, layout_values = _codes(layout)
    return take_codes(layout_codes, rows) == (
        layout_values.get_loc(s.LAYOUT_DISTRICT_MATRIX)
        if s.LAYOUT_DISTRICT_MATRIX in layout_values
        else -2
    )


def _criterion_sources(
    indicators: pd.DataFrame, crit_records: pd.DataFrame, crow: np.ndarray, irow: np.ndarray
) -> dict[str, object]:
    """The source columns of each criterion row: its own record (``crow``), else its first
    indicator (``irow``)."""
    (file_i, file_c), files = _shared_codes(indicators[s.SOURCE_FILE], crit_records[s.SOURCE_FILE])
    (sheet_i, sheet_c), sheets = _shared_codes(
        indicators[s.SOURCE_SHEET], crit_records[s.SOURCE_SHEET]
    )
    use_crit = crow >= 0

    def pick(ind_codes: np.ndarray, crit_codes: np.ndarray) -> np.ndarray:
        return np.where(use_crit, take_codes(crit_codes, crow), take_codes(ind_codes, irow))

    def rows_at(col: pd.Series, positions: np.ndarray) -> pd.arrays.IntegerArray:
        array = col.astype("Int64").array
        if not len(array):
            return pd.array([pd.NA] * len(positions), dtype="Int64")
        taken = array.take(np.maximum(positions, 0))
        taken[positions < 0] = pd.NA
        return taken

    rows = rows_at(crit_records[s.SOURCE_ROW], crow)
    rows[~use_crit] = rows_at(indicators[s.SOURCE_ROW], irow[~use_crit])
    return {
        s.SOURCE_FILE: categorical_from_codes(pick(file_i, file_c), files),
        s.SOURCE_SHEET: categorical_from_codes(pick(sheet_i, sheet_c), sheets),
        s.SOURCE_ROW: rows,
    }


def evaluate_criteria(
    indicators: pd.DataFrame, records: pd.DataFrame, catalog: Catalog
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Roll indicators up to criteria, with the commune's appraisal beside.

    Returns the criteria table (``schema.CRITERION_COLUMNS``, sorted by year,
    commune and criterion, text columns categorical) and findings: missing
    indicators, appraisal vs computed result, and appraisal vs the indicators'
    own appraisals. Each criterion is decided by :func:`decide_criteria`.
    """
    crit_records = _criterion_records(records)
    units = _commune_years(indicators, crit_records)
    sets = _sets_by_year(units.years, catalog)
    numbers, crit_i, crit_c = _criterion_numbers(indicators, crit_records, sets)
    n_crit = len(numbers) + 1  # the last slot: no criterion code

    def dense(unit: np.ndarray, crit: np.ndarray) -> np.ndarray:
        return unit * n_crit + np.where(crit < 0, n_crit - 1, crit)

    size = units.n * n_crit
    ind_key = dense(units.ind_unit, crit_i)
    # per unit x criterion: the indicators' results and their own appraisals
    by_met = _state_counts(ind_key, _met_states(indicators["met"]), size)
    self_code = _appraisal_codes(indicators["self_assessed"])
    by_self = _state_counts(ind_key, np.where(self_code < 0, 2, 1 - self_code), size)
    first_ind = first_positions(ind_key, size)
    first_crit = first_positions(dense(units.crit_unit, crit_c), size)

    grid_unit, grid_set, grid_crit, n_expected, set_years = _set_grid(units, sets, numbers)
    key = dense(grid_unit, grid_crit)
    counts = by_met[key]
    n_reported = counts.sum(axis=1)
    crow = first_crit[key]
    appraisal = take_codes(_appraisal_codes(crit_records["self_assessed"]), crow)
    met, decided, basis = decide_criteria(
        n_expected=n_expected,
        n_reported=n_reported,
        n_met=counts[:, 0],
        n_not_met=counts[:, 1],
        appraisal=appraisal,
        from_matrix=_from_matrix(crit_records["layout"], crow),
    )
    self_codes, self_values = _codes(crit_records["self_assessed"])
    table = pd.DataFrame(
        {
            "year": units.years[units.year][grid_unit],
            "commune": categorical_from_codes(units.commune[grid_unit], units.communes),
            "commune_code": categorical_from_codes(units.code[grid_unit], units.codes),
            "criteria_set": categorical_from_codes(grid_set, [sets[y].id for y in set_years]),
            "criterion": categorical_from_codes(grid_crit, numbers),
            "met": boolean_array(met, decided),
            "met_basis": categorical_from_codes(basis, CRITERION_BASES),
            "self_assessed": categorical_from_codes(take_codes(self_codes, crow), self_values),
            "indicators_expected": n_expected,
            "indicators_reported": n_reported.astype(np.int64),
            "indicators_met": counts[:, 0],
            **_criterion_sources(indicators, crit_records, crow, first_ind[key]),
        },
        copy=False,
    )
    row_of = np.full(size, -1, dtype=np.int64)
    row_of[key] = np.arange(len(key))
    has_ind = n_reported > 0
    facts = _CriterionFacts(
        has_ind=has_ind,
        all_true=has_ind & (counts[:, 0] == n_reported),
        appraisal=appraisal,
        self_all_true=has_ind & (by_self[key, 0] == n_reported),
        self_any_false=by_self[key, 1] > 0,
    )
    findings = [
        _criterion_findings(table, facts),
        _missing_indicator_findings(
            table,
            indicators,
            units.ind_unit,
            units.years[units.year][: units.n_reporting],
            sets,
            row_of_key=lambda unit, number: row_of[dense(unit, numbers.get_indexer(number))],
        ),
    ]
    # by year, commune and criterion: ranked per unit and per criterion, then gathered
    unit_rank = (
        rank_lookup(pd.Index(units.years))[units.year] * (len(units.communes) + 1)
        + rank_lookup(units.communes)[units.commune]
    )
    order = order_by(unit_rank[grid_unit], rank_lookup(numbers, code_sort_key)[grid_crit])
    out = table.take(order).reset_index(drop=True)
    return out, pd.concat(findings, ignore_index=True)


@dataclass(frozen=True)
class _CriterionFacts:
    """Per row of the (unsorted) criteria table: what the findings need."""

    has_ind: np.ndarray  # any indicator reported
    all_true: np.ndarray  # every reported indicator met
    appraisal: np.ndarray  # the criterion's own appraisal: 1 met, 0 not, -1 none
    self_all_true: np.ndarray  # the indicators' own appraisals: all met
    self_any_false: np.ndarray  # ... some not met


def _criterion_findings(table: pd.DataFrame, facts: _CriterionFacts) -> pd.DataFrame:
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
                f"Tiêu chí {c}: xã tự đánh giá '{appraisal_word(a)}' nhưng theo các chỉ tiêu "
                f"thì {'đạt' if ok else 'chưa đạt'} ({n_met}/{n_rep} chỉ tiêu đạt)."
                for c, a, n_met, n_rep, ok, _ in columns
            ]
        else:
            messages = [
                f"Tiêu chí {c}: xã tự đánh giá '{appraisal_word(a)}' nhưng tự đánh giá các "
                f"chỉ tiêu trong cùng báo cáo là {'đạt' if self_ok else 'chưa đạt'}."
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
                source=source_text(part).array,
            )
        )
    return pd.concat(parts, ignore_index=True)


def _missing_indicator_findings(
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
        return _findings([])
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
            stands = (
                f"dùng kết quả tự đánh giá tiêu chí {criterion} của xã "
                f"('{appraisal_word(appraisal)}') thay cho chỉ tiêu này"
                if appraisal is not None
                else f"tiêu chí {criterion} không có kết quả tự đánh giá để thay thế"
            )
            message = cache[(criterion, code, appraisal)] = (
                f"Báo cáo thiếu chỉ tiêu {code}; {stands}."
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
        source=source_text(picked).array,
    )


# --------------------------------------------------------------------------- communes & district


def evaluate_communes(criteria: pd.DataFrame) -> pd.DataFrame:
    """Criteria met per commune and year, and the NTM status.

    One row per (year, commune, commune_code, criteria_set), sorted by year
    and commune; text columns categorical.
    """
    keys = ["year", "commune", "commune_code", "criteria_set"]
    coded = [_codes(criteria[k]) for k in keys]
    group_key = np.zeros(len(criteria), dtype=np.int64)
    for codes, values in coded:
        group_key = group_key * (len(values) + 1) + np.where(codes < 0, len(values), codes)
    group, _ = pd.factorize(group_key)
    n = int(group.max()) + 1 if len(group) else 0
    met = criteria["met"].astype("boolean")
    count = np.bincount(group, minlength=n).astype(np.int64)
    n_met = np.bincount(group, weights=met.fillna(False).to_numpy(bool), minlength=n)
    n_bm = np.bincount(
        group,
        weights=(criteria["self_assessed"] == s.BASICALLY_MET).fillna(False).to_numpy(bool),
        minlength=n,
    )
    n_rep = np.bincount(group, weights=met.notna().to_numpy(bool), minlength=n)
    first = first_positions(group, n)
    columns = {
        k: categorical_from_codes(codes[first], values)
        if k != "year"
        else np.asarray(values)[codes[first]]
        for k, (codes, values) in zip(keys, coded, strict=True)
    }
    status = np.where(n_rep == 0, 2, np.where(n_met == count, 0, 1))
    out = pd.DataFrame(
        {
            **columns,
            "criteria_met": n_met.astype(np.int64),
            "criteria_basically_met": n_bm.astype(np.int64),
            "criteria_reported": n_rep.astype(np.int64),
            "criteria_total": count,
            "status": categorical_from_codes(
                status, (s.STATUS_NTM, s.STATUS_NOT_NTM, s.STATUS_NO_DATA)
            ),
        }
    )
    order = order_by(*(rank_per_row(out[k]) for k in keys))
    return out.take(order).reset_index(drop=True)


def _district_lookup(registry: Registry | None) -> dict[str, str]:
    """Commune code -> district (or province, for a unit without one)."""
    if registry is None:
        return {}
    frame = registry.frame
    lookup: dict[str, str] = {}
    for code, district, province in zip(
        frame["code"].to_numpy(dtype=object, na_value=None),
        frame["district"].to_numpy(dtype=object, na_value=None),
        frame["province"].to_numpy(dtype=object, na_value=None),
        strict=True,
    ):
        lookup.setdefault(code, district if district is not None else province)
    return lookup


def _district_codes(frame: pd.DataFrame, lookup: dict[str, str]) -> tuple[np.ndarray, pd.Index]:
    """Codes and names of each row's district, by its commune code ("" when unknown)."""
    codes, values = _codes(frame["commune_code"])
    names = [lookup.get(v, "") or "" for v in values.tolist()] + [""]
    name_codes, districts = pd.factorize(pd.Index(names, dtype="str"))
    return name_codes[codes], pd.Index(districts)


def _district_of(frame: pd.DataFrame, lookup: dict[str, str]) -> pd.Series:
    """District of each row by its commune code ("" when unknown)."""
    codes, districts = _district_codes(frame, lookup)
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=districts), index=frame.index
    ).astype("string")


def evaluate_district(
    communes: pd.DataFrame, criteria: pd.DataFrame, registry: Registry | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """District roll-ups per year, and reporting-completeness findings.

    Returns ``(district, district_criteria, findings)``: communes at the
    standard per district and year; the share of communes meeting each
    criterion; and one finding per registry commune with no data in a year
    that its district reported.
    """
    lookup = _district_lookup(registry)
    com = communes.assign(
        district=_district_of(communes, lookup),
        criteria_set=communes["criteria_set"].astype("string"),
    )
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

    # criteria per district: count on integer keys, then label the few groups
    coded = [
        _codes(criteria["year"]),
        _district_codes(criteria, lookup),
        _codes(criteria["criteria_set"]),
        _codes(criteria["criterion"]),
    ]
    group_key = np.zeros(len(criteria), dtype=np.int64)
    for codes, values in coded:
        group_key = group_key * (len(values) + 1) + np.where(codes < 0, len(values), codes)
    valid = np.all([codes >= 0 for codes, _ in coded], axis=0) if len(criteria) else []
    group, _ = pd.factorize(np.where(valid, group_key, -1), use_na_sentinel=False)
    n = int(group.max()) + 1 if len(group) else 0
    met = criteria["met"].astype("boolean")
    first = first_positions(group, n)
    dcrit = pd.DataFrame(
        {
            "year": np.asarray(coded[0][1])[coded[0][0][first]],
            "district": pd.array(np.asarray(coded[1][1], dtype=object)[coded[1][0][first]],
                                 dtype="string"),
            "criteria_set": pd.array(
                np.asarray(coded[2][1], dtype=object)[coded[2][0][first]], dtype="string"
            ),
            "criterion": pd.array(
                np.asarray(coded[3][1], dtype=object)[coded[3][0][first]], dtype="string"
            ),
            "communes_met": np.bincount(
                group, weights=met.fillna(False).to_numpy(bool), minlength=n
            ).astype(np.int64),
            "communes_reported": np.bincount(
                group, weights=met.notna().to_numpy(bool), minlength=n
            ).astype(np.int64),
        }
    ).loc[np.asarray(valid)[first] if len(first) else []]  # fmt: skip
    dcrit = dcrit.assign(
        share_met=(dcrit["communes_met"] / dcrit["communes_reported"].replace(0, np.nan)).astype(
            "Float64"
        )
    )
    order = order_by(
        rank_per_row(dcrit["year"]),
        rank_per_row(dcrit["district"]),
        rank_per_row(dcrit["criterion"], code_sort_key),
        rank_per_row(dcrit["criteria_set"]),
    )
    dcrit = dcrit.take(order).reset_index(drop=True)
    findings = _completeness_findings(com, registry) if registry is not None else _findings([])
    return district, dcrit, findings


def _completeness_findings(com: pd.DataFrame, registry: Registry) -> pd.DataFrame:
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
                message=(
                    "Không có số liệu của "
                    + names.reset_index(drop=True)
                    + f" năm {year}, dù "
                    + district
                    + " có báo cáo năm đó."
                ).array,
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else _findings([])


def _standing_positions(
    coded: CodedColumns, y_codes: np.ndarray, y_uniq: np.ndarray, catalog: Catalog
) -> np.ndarray:
    """Criterion records that stand for their criterion's only indicator (positions).

    Criteria with one indicator carry the criterion number as the indicator
    code ("5"), and some reports (tidy tables especially) give that row only
    once, as the criterion. Where a commune report or tidy table has such a
    criterion record and no indicator record of the same code, the criterion
    record is evaluated as the indicator too, with the same value and
    appraisal. District-matrix marks are left alone: they are criterion
    appraisals, not indicator values.
    """
    sets = _sets_by_year(y_uniq, catalog)
    i_codes, i_values = coded("indicator")
    # per (distinct year, indicator code): a single-indicator criterion's code?
    single = np.zeros((len(y_uniq) + 1, len(i_values) + 1), dtype=bool)
    for k, y in enumerate(y_uniq):
        cset = sets.get(int(y))
        if cset is None:
            continue
        for c in cset.criteria:
            if len(c.indicators) == 1 and c.indicators[0].code == c.number:
                j = i_values.get_indexer([c.number])[0]
                if j >= 0:
                    single[k, j] = True
    none = np.empty(0, dtype=np.int64)
    if not single.any():
        return none
    # only rows of such codes (in any year) need a closer look
    rows = np.flatnonzero(single.any(axis=0)[i_codes])
    rows = rows[single[y_codes[rows], i_codes[rows]]]
    level_codes, level_values = coded("level")
    layout_codes, layout_values = coded("layout")

    def flags(values: pd.Index, wanted: str) -> np.ndarray:  # per code (+ missing)
        return np.append(np.asarray(values == wanted, dtype=bool), False)

    is_crit = (
        flags(level_values, "criterion")[level_codes[rows]]
        & ~flags(layout_values, s.LAYOUT_DISTRICT_MATRIX)[layout_codes[rows]]
    )
    if not is_crit.any():
        return none
    is_ind = flags(level_values, "indicator")[level_codes[rows]]
    # (year, commune code, indicator) as one integer: a small anti-join
    c_codes, c_values = coded("commune_code")
    c_rows = c_codes[rows].astype(np.int64)
    key = (
        y_codes[rows].astype(np.int64) * (len(c_values) + 1)
        + np.where(c_rows < 0, len(c_values), c_rows)
    ) * (len(i_values) + 1) + i_codes[rows]
    return rows[is_crit & ~np.isin(key, key[is_ind])]


def evaluate(records: pd.DataFrame, *, catalog: Catalog, registry: Registry | None) -> Evaluation:
    """Run every evaluation step over ingested records (``schema.RECORD_COLUMNS``)."""
    records = as_categorical(records, CATEGORICAL_RECORD_COLUMNS)
    indicators, f1 = evaluate_indicators(records, catalog, registry)
    criteria, f2 = evaluate_criteria(indicators, records, catalog)
    communes = evaluate_communes(criteria)
    district, district_criteria, f3 = evaluate_district(communes, criteria, registry)
    parts = [f for f in (f1, f2, f3) if len(f)]
    findings = pd.concat(parts, ignore_index=True) if parts else _findings([])
    return Evaluation(indicators, criteria, communes, district, district_criteria, findings)
