"""The bundled synthetic sample: Đầm Hà district's communes, 2021–2024, as communes send them.

Everything written here is **made up** (``MAU`` = mẫu, "sample"): file names carry
``MAU-synthetic``, every sheet opens with :data:`SYNTHETIC_LABEL`, and a
``README.txt`` in the folder says so.

Two layers:

* :func:`generate_sample` is pure. It draws the figures from
  ``numpy.random.default_rng(seed)`` along a fixed storyline
  (:data:`UNMET_PLAN`) and returns the ground truth as DataFrames
  (:class:`SampleTruth`), so tests can check that cleaning the written files
  reproduces it.
* :func:`write_sample` lays the truth out as the raw files a district office
  receives: one commune report per commune and year (shape A of the ingestion
  issue, in four header variants, as .xlsx, .xls and .ods, one workbook with a
  sheet per year), one district summary matrix (shape B, a sheet per year), and
  a small amount of realistic mess, every item listed in :data:`PLANTED_MESS`.
  Same seed, same bytes.

Every criterion, indicator and target text comes from the catalog
(:func:`ntm_analysis.catalog.load_catalog`); the units and codes come from the
registry. Like real reports, every indicator row states a target in its "Chỉ
tiêu" cell: the catalog's sourced threshold where it has one, otherwise an
**illustrative** figure (:func:`_illustrative_target`) that exists only in the
made-up sample and never enters the catalog.

>>> truth = generate_sample()
>>> sorted(truth.communes["year"].unique().tolist())
[2021, 2022, 2023, 2024]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from . import schema as s
from .catalog import Catalog, CriteriaSet, Indicator, Threshold, load_catalog
from .names import slugify
from .provenance import SAMPLE_FILE_PREFIX
from .registry import Registry, load_registry
from .sample_2026 import WIDTHS as MERGED_WIDTHS
from .sample_2026 import merged_commune_reports
from .sample_sheets import (
    SYNTHETIC_LABEL,
    WRITERS,
    Sheet,
    cell_address,
    commune_report_sheet,
    legacy_sheet,
    matrix_sheet,
    xlsx_bytes,
)

# ----------------------------------------------------------------------------- settings

SAMPLE_DISTRICT = "Huyện Đầm Hà"
SAMPLE_PROVINCE = "Tỉnh Quảng Ninh"
SAMPLE_YEARS = (2021, 2022, 2023, 2024)
DEFAULT_SEED = 2024

#: Every written file name starts with this.
FILE_PREFIX = SAMPLE_FILE_PREFIX
README_NAME = "README.txt"
MATRIX_FILE = f"{FILE_PREFIX}_huyen-dam-ha_tong-hop-tieu-chi.xlsx"

#: The storyline: criteria each commune does NOT meet, per year (all others are met).
#: Several communes gain criteria (15–17 in 2021 -> 19 by 2023/2024); Xã Tân Lập
#: loses criterion 17 in 2024; environment (17), health (15, through insurance
#: coverage) and cultural facilities (6) lag the most, as the district reported in
#: early 2024.
UNMET_PLAN: Mapping[str, Mapping[int, tuple[str, ...]]] = {
    "Xã Đầm Hà": {2021: ("6", "15", "17"), 2022: ("17",), 2023: (), 2024: ()},
    "Xã Tân Bình": {2021: ("6", "13", "15", "17"), 2022: ("6", "17"), 2023: (), 2024: ()},
    "Xã Tân Lập": {2021: ("15", "17"), 2022: (), 2023: (), 2024: ("17",)},
    "Xã Đại Bình": {2021: ("6", "14", "15", "17"), 2022: ("6", "15"), 2023: ("15",), 2024: ()},
    "Xã Quảng Lâm": {2021: ("6", "10", "17"), 2022: ("6", "17"), 2023: (), 2024: ()},
    "Xã Quảng An": {2021: ("15", "17"), 2022: ("15",), 2023: (), 2024: ()},
    "Xã Dực Yên": {2021: ("2", "6", "15", "17"), 2022: ("6", "17"), 2023: ("6",), 2024: ()},
    "Xã Quảng Tân": {2021: ("6", "15"), 2022: (), 2023: (), 2024: ()},
}

#: Unmet criteria that the commune itself calls "Cơ bản đạt" (basically met).
BASICALLY_MET_PLAN: Mapping[tuple[str, int], tuple[str, ...]] = {
    ("Xã Dực Yên", 2023): ("6",),
    ("Xã Đại Bình", 2023): ("15",),
}

#: How each commune sends its report: header variant, file format, sheet naming.
#: Variants: "v1" TT | Tên tiêu chí | Nội dung tiêu chí | Chỉ tiêu | Kết quả thực hiện |
#: Tự đánh giá | Ghi chú; "v2" one text column with the code inside it; "v3" other
#: wording and order plus an extra column; "v4" a header over two merged rows.
COMMUNE_STYLE: Mapping[str, Mapping[str, object]] = {
    "Xã Đầm Hà": {"variant": "v1", "format": "xlsx", "sheet": "Sheet1"},
    "Xã Tân Bình": {"variant": "v2", "format": "xlsx", "sheet": "TH {year}", "ods_years": (2024,)},
    "Xã Tân Lập": {"variant": "v3", "format": "xlsx", "sheet": "Bao cao"},
    "Xã Đại Bình": {"variant": "v4", "format": "xlsx", "sheet": "{year}"},
    "Xã Quảng Lâm": {"variant": "v1", "format": "xlsx", "sheet": "BC NTM"},
    "Xã Quảng An": {"variant": "v3", "format": "xlsx", "sheet": "Năm {year}", "one_workbook": True},
    "Xã Dực Yên": {"variant": "v2", "format": "xls", "sheet": "Sheet1"},
    "Xã Quảng Tân": {"variant": "v1", "format": "xlsx", "sheet": "Biểu {year}"},
}


@dataclass(frozen=True)
class PlantedMess:
    """One deliberate flaw in the sample; where it lands is resolved at generation."""

    key: str
    kind: str
    commune: str
    year: int | None
    description: str


#: Every deliberate flaw of the sample. ``SampleTruth.mess`` says exactly where each
#: one landed (file, sheet, cell, indicator, raw value).
PLANTED_MESS: tuple[PlantedMess, ...] = (
    PlantedMess(
        "decimal_comma",
        "number_text",
        "Xã Đại Bình",
        2023,
        'A percentage typed as text with a decimal comma and a percent sign (e.g. "92,4%").',
    ),
    PlantedMess(
        "number_as_text",
        "number_text",
        "Xã Tân Lập",
        2022,
        'A number stored as a text cell (e.g. "94.8").',
    ),
    PlantedMess(
        "percent_fraction",
        "number_format",
        "Xã Quảng Tân",
        2024,
        "A percentage stored as an Excel fraction (e.g. 0.924) with a % number format.",
    ),
    PlantedMess(
        "legacy_tcvn3",
        "legacy_encoding",
        "Xã Quảng Lâm",
        2021,
        "The whole workbook typed in the TCVN3 (.VnTime) legacy font encoding.",
    ),
    PlantedMess(
        "stray_spaces",
        "whitespace",
        "Xã Tân Bình",
        2022,
        'Stray and doubled spaces in the title and in appraisal cells ("  Đạt ").',
    ),
    PlantedMess(
        "name_without_diacritics",
        "commune_name",
        "Xã Quảng Lâm",
        2022,
        'The commune name typed without diacritics in the titles ("Quang Lam").',
    ),
    PlantedMess(
        "appraisal_disagrees_with_threshold",
        "appraisal",
        "Xã Quảng An",
        2021,
        'An indicator the commune appraises "Đạt" although its value misses the threshold.',
    ),
    PlantedMess(
        "appraisal_disagrees_with_stated_target",
        "appraisal",
        "Xã Quảng Tân",
        2024,
        'An indicator the commune appraises "Đạt" although its value misses the target its '
        "own report states.",
    ),
    PlantedMess(
        "omitted_indicator",
        "completeness",
        "Xã Tân Bình",
        2023,
        "One indicator the catalog expects is left out of the report.",
    ),
    PlantedMess(
        "excel_error",
        "excel_error",
        "Xã Đầm Hà",
        2022,
        'A value cell holding the Excel error "#DIV/0!".',
    ),
    PlantedMess(
        "hidden_empty_sheet",
        "sheet",
        "Xã Quảng An",
        None,
        "A hidden, empty sheet in the workbook that holds one sheet per year.",
    ),
    PlantedMess(
        "matrix_total_mismatch",
        "matrix_total",
        "Xã Dực Yên",
        2023,
        'The district matrix states a "Tổng số tiêu chí đạt" one higher than its marks.',
    ),
)

_MESS_BY_KEY = {m.key: m for m in PLANTED_MESS}

TRUTH_INDICATOR_COLUMNS = (
    "year",
    "commune",
    "commune_code",
    "criteria_set",
    "criterion",
    "indicator",
    "kind",
    "value",
    "value_text",
    "target_text",
    "threshold_op",
    "threshold",
    "self_assessed",
    "met",
    "lagging",
    "in_report",
    "mess",
)
TRUTH_CRITERION_COLUMNS = (
    "year",
    "commune",
    "commune_code",
    "criteria_set",
    "criterion",
    "self_assessed",
    "met",
)
MESS_COLUMNS = (
    "key",
    "kind",
    "commune",
    "year",
    "file",
    "sheet",
    "cell",
    "indicator",
    "raw_value",
    "description",
)


@dataclass(frozen=True)
class SampleTruth:
    """What the sample says, before it is laid out in files.

    ``indicators``: one row per year × commune × indicator of the set
    (:data:`TRUTH_INDICATOR_COLUMNS`; ``in_report`` is False for the omitted
    one, ``met`` is what evaluation should compute). ``criteria``: one row per
    year × commune × criterion with the commune's own appraisal and the
    computed ``met``. ``communes``: criteria met per year × commune. ``mess``:
    where each :data:`PLANTED_MESS` item landed (file, sheet, cell, indicator,
    raw value; filled by :func:`render_sample`, empty from
    :func:`generate_sample`).
    """

    seed: int
    indicators: pd.DataFrame
    criteria: pd.DataFrame
    communes: pd.DataFrame
    mess: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MESS_COLUMNS))


# ----------------------------------------------------------------------------- helpers


def _fmt_number(value: float) -> str:
    """The number as a spreadsheet shows a plain float cell: 95.5, 100, 58.3."""
    return f"{value:g}"


def _numeric(t: Threshold | None) -> bool:
    return t is not None and t.op in (">=", "<=") and t.value is not None


def _lagging_indicator(criterion_indicators: Sequence[Indicator]) -> Indicator | None:
    """The indicator that keeps an unmet criterion unmet.

    Health insurance coverage for criterion 15 when the catalog words it so;
    otherwise the first indicator with a numeric threshold, then the first
    percentage, then the first indicator.
    """
    if not criterion_indicators:
        return None
    for ind in criterion_indicators:
        if "bảo hiểm y tế" in ind.text_vi.lower():
            return ind
    for ind in criterion_indicators:
        if any(t.op in (">=", "<=") and t.value is not None for t in ind.thresholds):
            return ind
    for ind in criterion_indicators:
        if ind.kind == "percent":
            return ind
    return criterion_indicators[0]


# ----------------------------------------------------------------------------- values


def _value_path(
    rng: np.random.Generator,
    ind: Indicator,
    thresholds: Sequence[Threshold | None],
    met: Sequence[bool],
) -> list[float]:
    """Values of one indicator of one commune over the years, consistent with ``met``.

    With a numeric threshold the value is on the right side of it exactly when
    ``met``. Without one, a lagging indicator still climbs plausibly across an
    internal story line (coverage 85% -> 88% -> 91% -> 93%) that is *not* a
    threshold: the commune's own appraisal decides there. yes/no indicators are
    1.0 / 0.0.
    """
    n = len(met)
    numeric = [_numeric(t) for t in thresholds]
    if ind.kind == "yes_no" or (not any(numeric) and any(t is not None for t in thresholds)):
        return [1.0 if m else 0.0 for m in met]
    lower = ind.direction == "lower"
    lagging = not all(met)
    line: float | None = None  # the story line a lagging value crosses
    values: list[float] = []
    if ind.kind == "percent" and lower:
        # rates such as multidimensional poverty: a few percent, falling slowly
        # (kept above 1 so a plain number never reads like an Excel fraction)
        v = float(rng.uniform(3.5, 6.5))
        for _ in range(n):
            values.append(v)
            v -= float(rng.uniform(0.2, 0.6))
        line = values[-1] + 0.5 if lagging else None
    elif ind.kind == "percent":
        if lagging:
            line = _line_for(thresholds, rng)
            values = _climbing_path(rng, line, met)
        else:
            v = float(rng.uniform(91.0, 98.0))
            for _ in range(n):
                values.append(min(v, 100.0))
                v += float(rng.uniform(0.1, 1.0))
    elif ind.kind == "money_per_capita":
        v = float(rng.uniform(52.0, 62.0))
        line = v * 1.1 if lagging else None
        for _ in range(n):
            values.append(v)
            v *= 1.0 + float(rng.uniform(0.06, 0.09))
    elif ind.kind == "count" and lower:  # e.g. temporary or dilapidated houses
        values = [0.0 if m else float(rng.integers(1, 4)) for m in met]
        line = 0.5 if lagging else None
    elif ind.kind == "count":
        v = float(rng.integers(1, 5))
        for _ in range(n):
            values.append(v)
            v += float(rng.integers(0, 2))
    else:
        v = float(rng.uniform(2.0, 10.0))
        for _ in range(n):
            values.append(v)
            v += float(rng.uniform(0.0, 1.0))
    decimals = 0 if ind.kind == "count" else 1
    out = []
    for value, t, m in zip(values, thresholds, met, strict=True):
        side = t if _numeric(t) else None
        if side is None and line is not None:
            side = Threshold("<=" if lower else ">=", round(line, decimals), None, None, "", "")
        if side is not None:
            value = _fit_threshold(rng, ind, value, side, m)
        value = round(value, decimals)
        if side is not None:  # rounding must not cross the line
            unit = 10.0**-decimals
            while side.is_met_by(value) != m:
                value = round(value + (unit if (side.op == ">=") == m else -unit), decimals)
        out.append(value)
    return out


def _line_for(thresholds: Sequence[Threshold | None], rng: np.random.Generator) -> float:
    """The catalog's ">=" threshold when there is one, else a story line near 90%."""
    for t in thresholds:
        if _numeric(t) and t.op == ">=":
            return float(t.value)
    return float(rng.uniform(89.0, 92.0))


def _climbing_path(rng: np.random.Generator, line: float, met: Sequence[bool]) -> list[float]:
    """A percentage that climbs towards ``line`` while unmet, stays above it once met,
    and falls just below it in a year it is lost (85 -> 88 -> 91 -> 93)."""
    values: list[float] = []
    for i, m in enumerate(met):
        before = values[-1] if values else None
        if m:
            floor = line + float(rng.uniform(0.3, 1.5))
            v = floor if before is None or not met[i - 1] else before + float(rng.uniform(0.5, 2.0))
        elif before is None:
            v = line - float(rng.uniform(5.0, 7.5))
        elif met[i - 1]:
            v = line - float(rng.uniform(0.8, 2.5))  # lost this year
        else:
            v = min(before + float(rng.uniform(2.0, 3.5)), line - float(rng.uniform(0.5, 1.5)))
        values.append(min(v, 100.0))
    return values


def _fit_threshold(
    rng: np.random.Generator, ind: Indicator, value: float, t: Threshold, met: bool
) -> float:
    """Move ``value`` just enough to land on the side of ``t`` that ``met`` asks for."""
    cap = 100.0 if ind.kind == "percent" else None
    scale = max(abs(t.value) * 0.03, 0.5) if ind.kind != "percent" else 1.0
    if t.is_met_by(value) == met:
        return value
    if t.op == ">=":
        if met:
            value = t.value + float(rng.uniform(0.2, 2.0)) * scale
            return min(value, cap) if cap is not None else value
        return t.value - float(rng.uniform(0.8, 3.0)) * scale
    if met:
        return max(t.value - float(rng.uniform(0.2, 1.5)) * scale, 0.0)
    return t.value + float(rng.uniform(0.4, 2.0)) * scale


def _target_text(t: Threshold | None) -> str:
    """The target cell: the wording of the catalog's threshold or of the illustrative target."""
    return t.text if t is not None and t.text else ""


#: Source of the sample's made-up targets (never a catalog entry).
ILLUSTRATIVE = "illustrative target of the synthetic sample"
#: How each header variant words an "at least" target, as different communes do.
_AT_LEAST_WORDING = {"v1": "≥ {x}%", "v2": "Từ {x}% trở lên", "v3": "Tối thiểu {x}%", "v4": "≥{x}%"}
#: Made-up income targets per year (2022 has a sourced national figure in the catalog).
_ILLUSTRATIVE_INCOME = {2021: 45, 2023: 52, 2024: 56}


def _illustrative_target(ind: Indicator, year: int, variant: str) -> Threshold | None:
    """A made-up target for an indicator the catalog gives no threshold (sample only).

    Real reports state a target on every row; the sample does too, with
    round figures that fit its storyline. They are not official figures.

    >>> ind = load_catalog().get("qd318_2022_commune").indicator("2.1")
    >>> _illustrative_target(ind, 2023, "v2").text
    'Từ 90% trở lên'
    """
    if ind.kind == "yes_no":
        return Threshold("yes", None, None, year, "Đạt", ILLUSTRATIVE)
    if ind.kind == "percent" and ind.direction == "lower":
        return Threshold("<=", 7.0, None, year, "≤ 7%", ILLUSTRATIVE)
    if ind.kind == "percent":
        text = _AT_LEAST_WORDING.get(variant, "≥ {x}%").format(x=90)
        return Threshold(">=", 90.0, None, year, text, ILLUSTRATIVE)
    if ind.kind == "count" and ind.direction == "lower":
        return Threshold("<=", 0.0, None, year, "≤ 0 căn", ILLUSTRATIVE)
    if ind.kind == "money_per_capita" and year in _ILLUSTRATIVE_INCOME:
        x = _ILLUSTRATIVE_INCOME[year]
        return Threshold(">=", float(x), None, year, f"≥ {x} triệu đồng/người/năm", ILLUSTRATIVE)
    if ind.kind == "count":
        return Threshold(">=", 1.0, None, year, "≥ 1", ILLUSTRATIVE)
    return None


# ----------------------------------------------------------------------------- the truth


def generate_sample(
    seed: int = DEFAULT_SEED,
    *,
    catalog: Catalog | None = None,
    registry: Registry | None = None,
) -> SampleTruth:
    """The sample's ground truth (pure): values, appraisals and computed results.

    ``catalog`` and ``registry`` default to the ones shipped with the package.
    The storyline (:data:`UNMET_PLAN`) is fixed; ``seed`` draws the figures.
    """
    catalog = catalog if catalog is not None else load_catalog()
    registry = registry if registry is not None else load_registry()
    rng = np.random.default_rng(seed)
    ind_rows: list[dict] = []
    crit_rows: list[dict] = []
    for commune, code in _sample_units(registry):
        plan = UNMET_PLAN[commune]
        sets = {year: catalog.set_for_year(year) for year in SAMPLE_YEARS}
        regions = {year: registry.region_of(code, year) for year in SAMPLE_YEARS}
        # one value path per indicator of the latest set (codes shared across years)
        codes = _indicator_codes(sets)
        for ind_code in codes:
            per_year = {y: sets[y].indicator(ind_code) for y in SAMPLE_YEARS}
            ind = next(i for i in per_year.values() if i is not None)
            lag = {
                y: (
                    per_year[y] is not None
                    and ind.criterion in plan[y]
                    and _lagging_indicator(sets[y].criterion(ind.criterion).indicators) is not None
                    and _lagging_indicator(sets[y].criterion(ind.criterion).indicators).code
                    == ind_code
                )
                for y in SAMPLE_YEARS
            }
            sourced = [
                ind.threshold_for(regions[y], y) if per_year[y] is not None else None
                for y in SAMPLE_YEARS
            ]
            variant = str(COMMUNE_STYLE[commune]["variant"])
            thresholds = [
                t if t is not None or per_year[y] is None else _illustrative_target(ind, y, variant)
                for y, t in zip(SAMPLE_YEARS, sourced, strict=True)
            ]
            # the planted over-optimistic appraisal: the value misses, the word says "Đạt"
            optimistic = {
                y: (commune, y, ind_code) == _optimistic_appraisal(sets, regions, commune, y)
                for y in SAMPLE_YEARS
            }
            contrary = {
                y: (commune, y, ind_code) == _contrary_appraisal(sets, regions, commune, y, variant)
                for y in SAMPLE_YEARS
            }
            met_plan = [not (lag[y] or optimistic[y] or contrary[y]) for y in SAMPLE_YEARS]
            values = _value_path(rng, ind, thresholds, met_plan)
            for y, t, value in zip(SAMPLE_YEARS, thresholds, values, strict=True):
                if per_year[y] is None:
                    continue
                basically = ind.criterion in BASICALLY_MET_PLAN.get((commune, y), ())
                own_word = s.BASICALLY_MET if basically else s.NOT_MET
                self_assessed = own_word if lag[y] else s.MET
                if ind.kind == "yes_no" or (t is not None and t.op == "yes"):
                    value_text = "Đạt" if value >= 0.5 else "Chưa đạt"
                else:
                    value_text = _fmt_number(value)
                ind_rows.append(
                    {
                        "year": y,
                        "commune": commune,
                        "commune_code": code,
                        "criteria_set": sets[y].id,
                        "criterion": ind.criterion,
                        "indicator": ind_code,
                        "kind": ind.kind,
                        "value": value,
                        "value_text": value_text,
                        "target_text": _target_text(t),
                        "threshold_op": t.op if t is not None else None,
                        "threshold": t.value if t is not None else None,
                        "sourced": t is not None and t.source != ILLUSTRATIVE,
                        "self_assessed": self_assessed,
                        "lagging": lag[y],
                        "in_report": True,
                        "mess": "appraisal_disagrees_with_stated_target" if contrary[y] else None,
                    }
                )
        for y in SAMPLE_YEARS:
            for crit in sets[y].criteria:
                unmet = crit.number in plan[y]
                basically = crit.number in BASICALLY_MET_PLAN.get((commune, y), ())
                crit_rows.append(
                    {
                        "year": y,
                        "commune": commune,
                        "commune_code": code,
                        "criteria_set": sets[y].id,
                        "criterion": crit.number,
                        "self_assessed": (
                            (s.BASICALLY_MET if basically else s.NOT_MET) if unmet else s.MET
                        ),
                    }
                )
    indicators = pd.DataFrame(ind_rows)
    criteria = pd.DataFrame(crit_rows)
    indicators = _plant_value_mess(indicators)
    indicators = indicators.assign(met=_computed_met(indicators))
    criteria = criteria.assign(met=_criterion_met(criteria, indicators))
    return SampleTruth(
        seed=seed,
        indicators=_typed(indicators.loc[:, list(TRUTH_INDICATOR_COLUMNS)]),
        criteria=criteria.loc[:, list(TRUTH_CRITERION_COLUMNS)].astype(
            {"met": "boolean", "year": "int64"}
        ),
        communes=_commune_totals(criteria),
    )


def _optimistic_appraisal(
    sets: Mapping[int, CriteriaSet],
    regions: Mapping[int, str | None],
    commune: str,
    year: int,
) -> tuple[str, int, str] | None:
    """(commune, year, indicator) of the planted appraisal that disagrees with its threshold.

    The first indicator with a numeric threshold in a criterion the commune
    meets that year; ``None`` for every other commune and year.
    """
    m = _MESS_BY_KEY["appraisal_disagrees_with_threshold"]
    if (commune, year) != (m.commune, m.year):
        return None
    for ind in sets[year].indicators:
        if ind.criterion in UNMET_PLAN[commune][year]:
            continue
        if _numeric(ind.threshold_for(regions[year], year)):
            return (commune, year, ind.code)
    return None


def _contrary_appraisal(
    sets: Mapping[int, CriteriaSet],
    regions: Mapping[int, str | None],
    commune: str,
    year: int,
    variant: str,
) -> tuple[str, int, str] | None:
    """(commune, year, indicator) of the planted appraisal that contradicts the stated target.

    The first percentage with only an illustrative target in a criterion the
    commune meets that year: its value misses the target the report states,
    yet the commune writes "Đạt".
    """
    m = _MESS_BY_KEY["appraisal_disagrees_with_stated_target"]
    if (commune, year) != (m.commune, m.year):
        return None
    for ind in sets[year].indicators:
        if ind.criterion in UNMET_PLAN[commune][year] or ind.kind != "percent":
            continue
        if ind.threshold_for(regions[year], year) is None and _numeric(
            _illustrative_target(ind, year, variant)
        ):
            return (commune, year, ind.code)
    return None


def _sample_units(registry: Registry) -> list[tuple[str, str]]:
    """(name, code) of the communes assessed in every sample year, registry order."""
    units = registry.units(SAMPLE_YEARS[0], assessed_only=True)
    units = units.loc[units["district"].astype("string").fillna("") == SAMPLE_DISTRICT]
    out = []
    for name, code in zip(units["name"], units["code"], strict=True):
        if name not in UNMET_PLAN:
            raise ValueError(f"The sample has no storyline for {name}; update UNMET_PLAN.")
        out.append((str(name), str(code)))
    missing = set(UNMET_PLAN) - {n for n, _ in out}
    if missing:
        raise ValueError(f"The registry lacks sample communes: {', '.join(sorted(missing))}.")
    return out


def _indicator_codes(sets: Mapping[int, CriteriaSet]) -> list[str]:
    seen: dict[str, None] = {}
    for cset in sets.values():
        for ind in cset.indicators:
            seen.setdefault(ind.code, None)
    return list(seen)


def _typed(indicators: pd.DataFrame) -> pd.DataFrame:
    return indicators.astype(
        {
            "year": "int64",
            "value": "Float64",
            "threshold": "Float64",
            "met": "boolean",
            "lagging": "bool",
            "in_report": "bool",
            "mess": "string",
            "threshold_op": "string",
            "value_text": "string",
            "target_text": "string",
        }
    )


def _find_mess_row(
    indicators: pd.DataFrame,
    key: str,
    *,
    want: str,
    exclude: set[int] | None = None,
    nth: int = 0,
) -> int | None:
    """Index of the indicator row that carries mess item ``key``.

    ``want``: "percent" (a percentage of a met criterion, not lagging),
    "threshold" (a numeric threshold in a criterion met that year),
    "multi" (an indicator of a multi-indicator, met criterion). ``nth`` picks
    a later candidate, so different flaws land on different indicators.
    """
    m = _MESS_BY_KEY[key]
    here = indicators.loc[(indicators["commune"] == m.commune) & (indicators["year"] == m.year)]
    exclude = exclude or set()
    if want == "percent":
        pool = here.loc[
            (here["kind"] == "percent")
            & ~here["lagging"]
            & (here["threshold_op"].isna() | (here["threshold_op"] == ">="))
        ]
    elif want == "threshold":
        sourced = here["sourced"].astype(bool)
        pool = here.loc[here["threshold_op"].isin([">=", "<="]) & ~here["lagging"] & sourced]
        if pool.empty:
            pool = here.loc[(here["threshold_op"] == "yes") & ~here["lagging"] & sourced]
    else:
        sizes = here.groupby("criterion")["indicator"].transform("size")
        pool = here.loc[(sizes > 1) & ~here["lagging"] & (here["indicator"] != here["criterion"])]
    pool = pool.loc[~pool.index.isin(exclude) & pool["mess"].isna().to_numpy(dtype=bool)]
    if pool.empty:
        return None
    if want == "multi":
        return int(pool.index[-1])
    return int(pool.index[min(nth, len(pool) - 1)])


def _plant_value_mess(indicators: pd.DataFrame) -> pd.DataFrame:
    """Mark (and, where the mess changes a value, change) the mess-bearing rows."""
    out = indicators.copy()
    used: set[int] = set()
    for key, want, nth in (
        ("decimal_comma", "percent", 0),
        ("number_as_text", "percent", 1),
        ("percent_fraction", "percent", 2),
        ("excel_error", "percent", 3),
        ("appraisal_disagrees_with_threshold", "threshold", 0),
        ("omitted_indicator", "multi", 0),
    ):
        idx = _find_mess_row(out, key, want=want, exclude=used, nth=nth)
        if idx is None:
            continue
        used.add(idx)
        out.loc[idx, "mess"] = key
        value = out.loc[idx, "value"]
        if key == "decimal_comma":
            out.loc[idx, "value_text"] = f"{value:.1f}".replace(".", ",") + "%"
        elif key == "number_as_text":
            out.loc[idx, "value_text"] = f"{value:.1f}"
        elif key == "excel_error":
            out.loc[idx, ["value", "value_text"]] = [np.nan, "#DIV/0!"]
        elif key == "omitted_indicator":
            out.loc[idx, "in_report"] = False
        elif key == "appraisal_disagrees_with_threshold":
            row = out.loc[idx]
            op, threshold = row["threshold_op"], row["threshold"]
            t = Threshold(op, threshold, None, None, "", "") if isinstance(op, str) else None
            if _numeric(t):  # just short of it (the path climbs across it next year)
                gap = max(abs(t.value) * 0.01, 0.4)
                bad = round(t.value - gap if t.op == ">=" else t.value + gap, 1)
                out.loc[idx, ["value", "value_text"]] = [bad, _fmt_number(bad)]
            else:
                out.loc[idx, ["value", "value_text"]] = [0.0, "Chưa đạt"]
            # the commune still writes "Đạt" (self_assessed stays MET)
    return out


def _computed_met(indicators: pd.DataFrame) -> list[object]:
    """What evaluation should find per indicator: by threshold if set, else by appraisal."""
    met: list[object] = []
    for row in indicators.itertuples(index=False):
        has_threshold = isinstance(row.threshold_op, str)
        if not row.in_report:
            met.append(pd.NA)
        elif pd.isna(row.value) and has_threshold:
            met.append(pd.NA)  # the #DIV/0! cell: no value, the row is rejected
        elif has_threshold:
            t = Threshold(row.threshold_op, row.threshold, None, None, "", "")
            met.append(bool(t.is_met_by(float(row.value))))
        else:
            met.append(row.self_assessed == s.MET)
    return met


def _criterion_met(criteria: pd.DataFrame, indicators: pd.DataFrame) -> list[bool]:
    """A criterion is met when every reported indicator is met; omitted ones use its appraisal."""
    groups = {k: g for k, g in indicators.groupby(["year", "commune", "criterion"], sort=False)}
    out = []
    for row in criteria.itertuples(index=False):
        g = groups.get((row.year, row.commune, row.criterion))
        own = row.self_assessed == s.MET
        if g is None or g.empty:
            out.append(own)
            continue
        decided = g["met"].dropna()
        ok = bool(decided.astype(bool).all()) if len(decided) else own
        if len(decided) < len(g):
            ok = ok and own
        out.append(ok)
    return out


def _commune_totals(criteria: pd.DataFrame) -> pd.DataFrame:
    totals = (
        criteria.groupby(["year", "commune", "commune_code", "criteria_set"], sort=False)
        .agg(
            criteria_met=("met", "sum"),
            criteria_total=("criterion", "size"),
        )
        .reset_index()
    )
    status = np.where(
        totals["criteria_met"] == totals["criteria_total"], s.STATUS_NTM, s.STATUS_NOT_NTM
    )
    return totals.assign(
        criteria_met=totals["criteria_met"].astype("int64"),
        criteria_total=totals["criteria_total"].astype("int64"),
        status=status,
    )


# ----------------------------------------------------------------------------- assembly

README_TEXT = """\
DỮ LIỆU MẪU TỔNG HỢP (SYNTHETIC) — KHÔNG PHẢI SỐ LIỆU THẬT
=========================================================

Thư mục này do lệnh `ntm sample` tạo ra (seed {seed}). Mọi con số, đánh giá và
tên tệp ở đây đều là dữ liệu mẫu tổng hợp để thử công cụ ntm-analysis; chúng
KHÔNG phải báo cáo thật của huyện Đầm Hà hay của bất kỳ xã nào. Tên đơn vị hành
chính là thật; số liệu là giả. Tên tiêu chí, chỉ tiêu và ngưỡng lấy từ danh mục
tiêu chí của công cụ (QĐ 318/QĐ-TTg và các nguồn ghi trong danh mục).

Nội dung:
- {n_reports} báo cáo của xã (mỗi xã, mỗi năm {first}–{last}; .xlsx, .xls, .ods,
  một sổ có mỗi năm một trang tính);
- 1 bảng tổng hợp của huyện (mỗi năm một trang tính): {matrix};
- 2 báo cáo năm 2026 của hai xã mới thành lập từ 01/07/2025 (Xã Đầm Hà, Xã Quảng
  Tân) theo bộ tiêu chí QĐ 51/2025/QĐ-TTg: nội dung chỉ tiêu, chỉ tiêu (mục tiêu)
  và nhóm xã đều là dữ liệu mẫu;
- một ít "lỗi thật" cố ý cài vào (dấu phẩy thập phân, số lưu dạng chữ, phần trăm
  lưu dạng phân số, phông TCVN3, khoảng trắng thừa, tên xã không dấu, ô #DIV/0!,
  trang tính ẩn, tự đánh giá lệch ngưỡng, thiếu chỉ tiêu, tổng không khớp) để
  kiểm tra bước làm sạch. Danh sách đầy đủ: ntm_analysis/sample.py, PLANTED_MESS.

Chạy lại `ntm sample` sẽ ghi đè các tệp MAU-synthetic_* trong thư mục này.

SYNTHETIC SAMPLE DATA — NOT REAL FIGURES. Written by `ntm sample` (seed {seed}).
Real unit names, made-up figures and appraisals, with a little deliberate mess
(listed in ntm_analysis/sample.py, PLANTED_MESS) for testing the cleaning step.
"""


def render_sample(
    seed: int = DEFAULT_SEED,
    *,
    catalog: Catalog | None = None,
    registry: Registry | None = None,
) -> tuple[dict[str, bytes], SampleTruth]:
    """The sample's files as ``{file name: bytes}`` and its truth, with ``mess`` resolved (pure)."""
    catalog = catalog if catalog is not None else load_catalog()
    registry = registry if registry is not None else load_registry()
    truth = generate_sample(seed, catalog=catalog, registry=registry)
    files: dict[str, bytes] = {}
    mess_rows: list[dict] = []
    ind_groups = {k: g for k, g in truth.indicators.groupby(["commune", "year"], sort=False)}
    crit_groups = {k: g for k, g in truth.criteria.groupby(["commune", "year"], sort=False)}
    communes = list(dict.fromkeys(truth.communes["commune"]))

    def record(key: str, file: str, sheet: str, loc: tuple[int, int, object], indicator=None):
        m = _MESS_BY_KEY[key]
        row, col, raw = loc
        mess_rows.append(
            {
                "key": key,
                "kind": m.kind,
                "commune": m.commune,
                "year": m.year,
                "file": file,
                "sheet": sheet,
                "cell": cell_address(row, col) if row >= 0 else None,
                "indicator": indicator,
                "raw_value": None if raw is None else str(raw),
                "description": m.description,
            }
        )

    for commune in communes:
        style = COMMUNE_STYLE[commune]
        slug = slugify(commune)
        grouped: list[Sheet] = []
        for year in SAMPLE_YEARS:
            mess_here = {m.key for m in PLANTED_MESS if m.commune == commune and m.year == year}
            sheet_name = str(style["sheet"]).format(year=year)
            sheet, where = commune_report_sheet(
                sheet_name=sheet_name,
                commune=commune,
                year=year,
                variant=str(style["variant"]),
                cset=catalog.set_for_year(year),
                ind_rows=ind_groups[(commune, year)],
                crit_rows=crit_groups[(commune, year)],
                mess_here=mess_here,
            )
            fmt = "ods" if year in style.get("ods_years", ()) else str(style["format"])
            if "legacy_tcvn3" in mess_here:
                sheet = legacy_sheet(sheet, "tcvn3")
                where["legacy_tcvn3"] = (1, 0, sheet.rows[1][0])
            if style.get("one_workbook"):
                name = f"{FILE_PREFIX}_{slug}_bao-cao-cac-nam.{fmt}"
                grouped.append(sheet)
            else:
                name = f"{FILE_PREFIX}_{slug}_{year}.{fmt}"
                files[name] = WRITERS[fmt]([sheet])
            ind_here = ind_groups[(commune, year)]
            for key, loc in where.items():
                code = ind_here.loc[ind_here["mess"] == key, "indicator"]
                record(key, name, sheet_name, loc, code.iloc[0] if len(code) else None)
        if grouped:
            hidden = Sheet(name="Sheet2", hidden=True)
            if _MESS_BY_KEY["hidden_empty_sheet"].commune == commune:
                grouped.insert(2, hidden)
                record("hidden_empty_sheet", name, hidden.name, (-1, -1, None))
            files[name] = WRITERS[str(style["format"])](grouped)

    mismatch = _MESS_BY_KEY["matrix_total_mismatch"]
    matrix_sheets = []
    for year in SAMPLE_YEARS:
        sheet, where = matrix_sheet(
            year,
            catalog.set_for_year(year),
            truth.criteria,
            communes,
            mismatch=mismatch.commune if year == mismatch.year else None,
        )
        matrix_sheets.append(sheet)
        if where is not None:
            record(mismatch.key, MATRIX_FILE, sheet.name, where)
    files[MATRIX_FILE] = xlsx_bytes(matrix_sheets)
    for report in merged_commune_reports(catalog, seed, SYNTHETIC_LABEL):  # 2026, QĐ 51
        sheet = Sheet(name=report.sheet, widths=list(MERGED_WIDTHS))
        for k, cells in enumerate(report.rows):
            sheet.add(cells, width=len(cells), bold=k in report.bold_rows)
        files[report.file] = xlsx_bytes([sheet])
    n_reports = len(truth.communes)
    files[README_NAME] = README_TEXT.format(
        seed=seed,
        n_reports=n_reports,
        first=SAMPLE_YEARS[0],
        last=SAMPLE_YEARS[-1],
        matrix=MATRIX_FILE,
    ).encode("utf-8")
    mess = pd.DataFrame(mess_rows, columns=list(MESS_COLUMNS)).astype({"year": "Int64"})
    mess = mess.sort_values("key", kind="stable").reset_index(drop=True)
    return dict(sorted(files.items())), dataclasses.replace(truth, mess=mess)


def write_sample(out_dir: Path = config.SAMPLE_RAW_DIR, *, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the synthetic sample into ``out_dir`` and return the written paths.

    Earlier ``MAU-synthetic_*`` files and the README in ``out_dir`` are replaced;
    nothing else there is touched.
    """
    out_dir = Path(out_dir)
    files, _ = render_sample(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob(f"{FILE_PREFIX}_*"):
        if old.is_file() and old.name not in files:
            old.unlink()
    paths = []
    for name, data in files.items():
        path = out_dir / name
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        paths.append(path)
    return paths
