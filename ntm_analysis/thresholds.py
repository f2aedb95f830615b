"""The thresholds in force, as arrays: one row per year × region (or group) × indicator
of the catalog, and the comparison of values with them (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema as s
from .catalog import Catalog, CriteriaSet
from .columnar import (
    categorical_from_codes,
)
from .registry import Registry


def sets_by_year(years: Iterable[int], catalog: Catalog) -> dict[int, CriteriaSet]:
    out = {}
    for y in sorted({int(y) for y in years}):
        try:
            out[y] = catalog.set_for_year(y)
        except Exception:  # a year no set covers: its records are left out upstream
            continue
    return out


@dataclass(frozen=True)
class ThresholdTable:
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


def threshold_table(
    years: np.ndarray,
    codes: pd.Index,
    indicators: pd.Index,
    catalog: Catalog,
    registry: Registry | None,
) -> ThresholdTable:
    """The thresholds of the distinct (year, commune code, indicator) values.

    A threshold depends only on (year, region, indicator), so the catalog is
    asked once per distinct combination; each record then finds its row by
    integer indexing (:meth:`ThresholdTable.rows`), without merging the large
    frame.
    """
    sets = sets_by_year(years, catalog)
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
    return ThresholdTable(
        pd.Index(set_ids, dtype="str"),
        np.array(values, dtype=np.float64),
        np.array(ops, dtype=np.int8),
        texts,
        sources,
        cube,
        np.vstack([region_idx, np.zeros((1, region_idx.shape[1]), dtype=np.int16)]),
        np.array(row_regions, dtype=object),
    )


def compare_with_thresholds(
    value: np.ndarray, table: ThresholdTable, rows: np.ndarray
) -> tuple[np.ndarray, ...]:
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
