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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

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
from .findings import (
    CriterionFacts,
    completeness_findings,
    criterion_findings,
    findings_table,
    inconsistent_target_findings,
    missing_indicator_findings,
    stated_appraisal_findings,
    stated_vs_threshold_findings,
    threshold_findings,
    unparsed_target_findings,
)
from .registry import Registry
from .schema import code_sort_key
from .stated_targets import (
    StatedTargets,
    judge_by_stated,
    read_stated_targets,
    same_as_threshold,
)
from .thresholds import compare_with_thresholds, sets_by_year, threshold_table

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
    table = threshold_table(y_uniq, c_values, i_values, catalog, registry)
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
    known, by_value = compare_with_thresholds(number, table, trow)
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
        threshold_findings(
            out.take(flagged),
            [table.text[r] for r in trow[flagged].tolist()],
            [table.source[r] for r in trow[flagged].tolist()],
        ),
        stated_appraisal_findings(
            out, in_read_order(stated_known & said & (by_stated != (appraisal == 1)))
        ),
        stated_vs_threshold_findings(
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
        unparsed_target_findings(out, in_read_order(stated.unparsed | stated.unit_clash), stated),
        inconsistent_target_findings(out, read_rank, stated, table, trow),
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
    sets = sets_by_year(units.years, catalog)
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
    facts = CriterionFacts(
        has_ind=has_ind,
        all_true=has_ind & (counts[:, 0] == n_reported),
        appraisal=appraisal,
        self_all_true=has_ind & (by_self[key, 0] == n_reported),
        self_any_false=by_self[key, 1] > 0,
    )
    findings = [
        criterion_findings(table, facts),
        missing_indicator_findings(
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


def _district_codes(frame: pd.DataFrame, registry: Registry | None) -> tuple[np.ndarray, pd.Index]:
    """Codes and names of each row's district ("" when unknown).

    The district is the one of the unit that held the row's commune code at the
    end of the row's year, or its province for a unit without a district (the
    communes formed on 01/07/2025): a code reused after a merger names another
    unit, so it is never looked up alone.
    """
    y_codes, y_values = _codes(frame["year"])
    c_codes, c_values = _codes(frame["commune_code"])
    table = np.zeros((len(y_values) + 1, len(c_values) + 1), dtype=np.int64)
    names: list[str] = [""]
    if registry is not None:
        wanted = pd.Index(pd.Series(c_values, dtype="string"))
        for k, year in enumerate(y_values.tolist()):
            units = registry.units(int(year))
            end = str(date(int(year), 12, 31))
            # the unit standing at the end of the year first, then the others of the year
            last = units["valid_to"].isna() | (units["valid_to"].astype("string") >= end)
            units = units.assign(_rank=np.where(last.to_numpy(dtype=bool), 0, 1))
            units = units.sort_values("_rank", kind="stable").drop_duplicates("code")
            area = units["district"].fillna(units["province"]).astype("string")
            by_code = dict(zip(units["code"].astype("string"), area, strict=True))
            for j, code in enumerate(wanted.tolist()):
                name = by_code.get(code)
                name = "" if name is None or pd.isna(name) else str(name)
                if name not in names:
                    names.append(name)
                table[k, j] = names.index(name)
    picked = table[np.where(y_codes < 0, len(y_values), y_codes), c_codes]
    name_codes, districts = pd.factorize(pd.Index(names, dtype="str"))
    return name_codes[picked], pd.Index(districts)


def _district_of(frame: pd.DataFrame, registry: Registry | None) -> pd.Series:
    """District of each row by its unit in the row's year ("" when unknown)."""
    codes, districts = _district_codes(frame, registry)
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
    com = communes.assign(
        district=_district_of(communes, registry),
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
        _district_codes(criteria, registry),
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
    findings = completeness_findings(com, registry) if registry is not None else findings_table([])
    return district, dcrit, findings


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
    sets = sets_by_year(y_uniq, catalog)
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
    findings = pd.concat(parts, ignore_index=True) if parts else findings_table([])
    return Evaluation(indicators, criteria, communes, district, district_criteria, findings)
