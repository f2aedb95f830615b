"""The criteria catalog: criteria sets, their indicators and sourced thresholds.

The catalog is data. Each criteria set is one YAML file in
``ntm_analysis/data/catalog/``; this module only loads, validates and queries
it. A province's detailing set (YAML, or a spreadsheet laid out like the
decision's annex) can be laid over a national set to fill in or override
thresholds; every threshold keeps the legal source it came from.

>>> cat = load_catalog()
>>> cat.set_for_year(2023).id
'qd318_2022_commune'
>>> len(cat.set_for_year(2023).criteria)
19
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import config
from . import labels as lb
from .errors import CatalogError
from .parsing import (
    find_year,
    fold_text,
    normalize_text,
    parse_number,
    parse_target,
    split_code,
)
from .schema import NUMERIC_OPS, THRESHOLD_OPS

KINDS = ("yes_no", "percent", "count", "money_per_capita", "number")
DIRECTIONS = ("higher", "lower")
LEVELS = ("commune", "commune_advanced", "district")

#: What a district condition of the catalog may measure (see
#: :mod:`ntm_analysis.district_conditions`, which observes each).
CONDITION_MEASURES = (
    "communes_ntm",  # share of the district's communes at the commune standard
    "communes_advanced",  # share of them at the advanced commune standard
    "towns_civilised",  # every town at its standard (yes / no)
    "resident_satisfaction",  # share of residents satisfied
    "district_criteria",  # share of the district set's criteria met
)

#: The programme targets file (not a criteria set: :func:`load_catalog` reads only the
#: files directly in the catalog folder).
PROGRAMME_FILE = config.CATALOG_DIR / "programme" / "qd263_2022_targets.yaml"

#: Where a threshold came from: the national decision or a province's set.
ORIGIN_NATIONAL = "national"
ORIGIN_PROVINCE = "province"


@dataclass(frozen=True)
class Threshold:
    """One target of an indicator, for a region or a commune group and / or a year.

    ``None`` means all. Sets up to 2025 name regions; QĐ 51/2025 names commune
    groups ("1", "2", "3") instead.
    """

    op: str
    value: float | None
    region: str | None
    year: int | None
    text: str
    source: str
    origin: str = ORIGIN_NATIONAL
    group: str | None = None
    #: How the figure was read when not from a copy of the decision itself
    #: ("a provincial news site quoting the decision"); None: the decision's text.
    certainty: str | None = None
    note: str | None = None

    def is_met_by(self, value: float | None) -> bool | None:
        """Compare a value with this threshold; ``None`` when the value is missing.

        >>> Threshold(">=", 95.0, None, None, "≥95%", "x").is_met_by(95.0)
        True
        >>> Threshold("<=", 2.0, None, None, "≤2%", "x").is_met_by(3.1)
        False
        >>> Threshold("yes", None, None, None, "Đạt", "x").is_met_by(1.0)
        True
        """
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if self.op == ">=":
            return bool(value >= self.value)
        if self.op == "<=":
            return bool(value <= self.value)
        if self.op == ">":
            return bool(value > self.value)
        if self.op == "<":
            return bool(value < self.value)
        return bool(value >= 0.5)  # yes/no values are 1.0 / 0.0

    def specificity(self) -> int:
        """Rank for choosing among matching thresholds: region (or group) and year beat 'all'."""
        return (2 if self.region is not None or self.group is not None else 0) + (
            1 if self.year is not None else 0
        )


@dataclass(frozen=True)
class Indicator:
    """One indicator ("chỉ tiêu") of a criterion."""

    code: str
    criterion: str
    text_vi: str
    text_en: str
    kind: str
    direction: str
    unit: str | None
    source: str
    thresholds: tuple[Threshold, ...] = ()
    province_sets: bool = False
    #: The wording was checked against the decision itself (or a province's decision). When
    #: False, pages show the wording of the commune's own report beside the code instead.
    text_confirmed: bool = False

    def text(self, lang: str = "vi") -> str:
        return self.text_en if lang == "en" else self.text_vi

    def threshold_for(
        self, region: str | None, year: int, *, group: str | None = None
    ) -> Threshold | None:
        """The threshold that applies to a commune of ``region`` (or ``group``) in ``year``.

        A province's threshold beats the national one; among those of one
        origin, the most specific match (region or group, and year) wins. A
        threshold for a region or group other than the commune's never applies.
        Where the set splits the indicator by region (or group) for the year,
        its common figure ("chỉ tiêu chung") applies only to a commune whose
        region (group) is unset: a commune of a region the set gives no figure
        for is left without a threshold rather than judged against another
        region's figure.

        >>> ind = load_catalog().get("qd318_2022_commune").indicator("3.1")
        >>> ind.threshold_for(None, 2023).text
        '≥ 80%'
        """
        best: Threshold | None = None
        for origin in (ORIGIN_PROVINCE, ORIGIN_NATIONAL):
            split = any(
                t.origin == origin
                and t.year in (None, year)
                and (
                    (region is not None and t.region is not None)
                    or (group is not None and t.group is not None)
                )
                for t in self.thresholds
            )
            for t in self.thresholds:
                if t.origin != origin:
                    continue
                if t.region is not None and t.region != region:
                    continue
                if t.group is not None and t.group != group:
                    continue
                if t.region is None and t.group is None and split and t.year in (None, year):
                    continue
                if t.year is not None and t.year != year:
                    continue
                if best is None or t.specificity() > best.specificity():
                    best = t
            if best is not None:
                return best
        return None


@dataclass(frozen=True)
class Criterion:
    """One criterion ("tiêu chí") of a set."""

    number: str
    name_vi: str
    name_en: str
    source: str
    indicators: tuple[Indicator, ...] = ()

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi


@dataclass(frozen=True)
class DistrictCondition:
    """A condition a district must meet beside its criteria, as the catalog states it.

    ``measure`` names what is observed (one of :data:`CONDITION_MEASURES`); ``op``
    and ``value`` the requirement (a share from 0 to 1, or "yes").
    """

    id: str
    measure: str
    op: str
    value: float | None
    name_vi: str
    name_en: str
    source: str

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi

    @property
    def threshold(self) -> Threshold:
        """The requirement as a :class:`Threshold` (its comparison is the catalog's one)."""
        return Threshold(self.op, self.value, None, None, "", self.source)


@dataclass(frozen=True)
class CommuneFloor:
    """A programme target: no commune under ``criteria`` criteria of a full set of
    ``full_set_criteria`` (QĐ 263/QĐ-TTg for 2021–2025)."""

    criteria: int
    full_set_criteria: int
    source: str


@dataclass(frozen=True)
class CriteriaSet:
    """A criteria set issued by one decision, valid for a span of data years."""

    id: str
    level: str
    name_vi: str
    name_en: str
    decision: str
    annex: str
    first_year: int
    last_year: int
    target_year: int
    source: str
    criteria: tuple[Criterion, ...]
    regions: tuple[Mapping[str, str], ...] = ()
    #: Commune groups (QĐ 51/2025), in place of regions: targets follow the commune's group.
    groups: tuple[Mapping[str, str], ...] = ()
    province_set: str | None = None
    #: What a reader must know before citing the set (e.g. wording not yet checked).
    caveat: str | None = None
    #: The national catalog lists no indicator of this set (QĐ 51/2025 so far): a report's
    #: indicator rows are kept under their criterion as written (:meth:`reported_indicator`).
    criterion_level: bool = False
    #: Conditions beside the criteria (district sets: QĐ 320), judged by
    #: :func:`~ntm_analysis.district_conditions.district_conditions`.
    conditions: tuple[DistrictCondition, ...] = ()
    _by_code: Mapping[str, Indicator] = field(default_factory=dict, repr=False, compare=False)
    _by_number: Mapping[str, Criterion] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_number", {c.number: c for c in self.criteria})
        object.__setattr__(
            self, "_by_code", {i.code: i for c in self.criteria for i in c.indicators}
        )

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for c in self.criteria for i in c.indicators)

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def criterion(self, number: str) -> Criterion | None:
        return self._by_number.get(str(number))

    def indicator(self, code: str) -> Indicator | None:
        return self._by_code.get(str(code))

    def reported_indicator(
        self, code: str, text: object = None, *, kind: str = "number"
    ) -> Indicator | None:
        """The catalog's indicator ``code``, or for a criterion-level set an indicator
        taken as the report writes it (its criterion must exist); None otherwise.

        >>> qd51 = load_catalog().get("qd51_2025_commune")
        >>> qd51.reported_indicator("8.2", "Tỷ lệ hộ phân loại rác").text_vi
        'Tỷ lệ hộ phân loại rác'
        >>> qd51.reported_indicator("11.1") is None  # QĐ 51 has 10 criteria
        True
        """
        found = self.indicator(code)
        if found is not None or not self.criterion_level:
            return found
        criterion = str(code).split(".")[0]
        if self.criterion(criterion) is None:
            return None
        written = normalize_text(text) or f"Chỉ tiêu {code}"
        return Indicator(
            code=str(code),
            criterion=criterion,
            text_vi=written,
            text_en=written,
            kind=kind,
            direction="higher",
            unit=None,
            source=f"{self.decision}: chỉ tiêu theo báo cáo (chưa có trong danh mục)",
        )

    def match_criterion_name(self, text: object) -> Criterion | None:
        """Find a criterion by (a prefix of) its name, ignoring case and diacritics.

        >>> load_catalog().get("qd318_2022_commune").match_criterion_name("MÔI TRƯỜNG").number
        '17'
        """
        folded = fold_text(text)
        if not folded:
            return None
        for c in self.criteria:
            if fold_text(c.name_vi) == folded or fold_text(c.name_en) == folded:
                return c
        hits = [
            c
            for c in self.criteria
            if fold_text(c.name_vi).startswith(folded) or folded.startswith(fold_text(c.name_vi))
        ]
        return hits[0] if len(hits) == 1 else None


@dataclass(frozen=True)
class Catalog:
    """All criteria sets known to the tool, optionally with a province overlay."""

    sets: tuple[CriteriaSet, ...]
    province_set: str | None = None

    def get(self, set_id: str) -> CriteriaSet:
        for s in self.sets:
            if s.id == set_id:
                return s
        known = ", ".join(s.id for s in self.sets)
        raise CatalogError(lb.message("err_unknown_set", set_id=set_id, known=known), entry=set_id)

    def set_for_year(self, year: int, level: str = "commune") -> CriteriaSet:
        """The set of ``level`` whose data years cover ``year``."""
        hits = [s for s in self.sets if s.level == level and s.covers(int(year))]
        if not hits:
            raise CatalogError(
                lb.message("err_no_set_for_year", level=level, year=year), entry=str(year)
            )
        return hits[0]

    def to_frame(self, *, lang: str = "vi", set_id: str | None = None) -> pd.DataFrame:
        """One row per indicator and threshold, with its source.

        An indicator without any threshold gets one row whose threshold columns
        are empty and whose ``basis`` says the commune's appraisal is used.
        """
        rows: list[dict[str, Any]] = []
        for s in self.sets:
            if set_id is not None and s.id != set_id:
                continue
            for c in s.criteria:
                for ind in c.indicators or (None,):
                    base = {
                        "criteria_set": s.id,
                        "decision": f"{s.decision}, {s.annex}".strip(", "),
                        "first_year": s.first_year,
                        "last_year": s.last_year,
                        "criterion": c.number,
                        "criterion_name": c.name(lang),
                        "indicator": ind.code if ind else None,
                        "indicator_text": ind.text(lang) if ind else None,
                        "indicator_text_confirmed": ind.text_confirmed if ind else None,
                        "kind": ind.kind if ind else None,
                        "direction": ind.direction if ind else None,
                        "unit": ind.unit if ind else None,
                        "indicator_source": ind.source if ind else c.source,
                    }
                    thresholds = ind.thresholds if ind else ()
                    if not thresholds:
                        rows.append(
                            base
                            | {
                                "region": None,
                                "group": None,
                                "year": None,
                                "op": None,
                                "threshold": None,
                                "target_text": None,
                                "threshold_source": None,
                                "origin": None,
                                "basis": "self_assessment",
                                "certainty": None,
                                "note": None,
                            }
                        )
                    for t in thresholds:
                        rows.append(
                            base
                            | {
                                "region": t.region,
                                "group": t.group,
                                "year": t.year,
                                "op": t.op,
                                "threshold": t.value,
                                "target_text": t.text,
                                "threshold_source": t.source,
                                "origin": t.origin,
                                "basis": "threshold",
                                "certainty": t.certainty,
                                "note": t.note,
                            }
                        )
        frame = pd.DataFrame(rows)
        return frame.astype({"year": "Int64", "threshold": "Float64", "first_year": "Int64"})


# ------------------------------------------------------------------ parsing of set data


def _require(entry: Mapping[str, Any], key: str, where: str, path: str) -> Any:
    value = entry.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CatalogError(f"{path}: {where} has no '{key}'.", path=path, entry=where)
    return value


def _number_field(value: Any, key: str, where: str, path: str) -> float:
    """A number written in a set file, as a person types it ("95", "95%", "95,5")."""
    if isinstance(value, bool):
        parsed = None
    elif isinstance(value, int | float):
        parsed = float(value)
    else:
        number = parse_number(str(value))
        parsed = number.value if number.status == "ok" else None
    if parsed is None or math.isnan(parsed):
        raise CatalogError(
            lb.message("err_set_not_a_number", path=path, where=where, key=key, value=str(value)),
            path=path,
            entry=where,
        )
    return parsed


def _year_field(value: Any, where: str, path: str) -> int:
    year = _number_field(value, "year", where, path)
    if not year.is_integer():
        raise CatalogError(
            lb.message("err_set_not_a_year", path=path, where=where, value=value),
            path=path,
            entry=where,
        )
    return int(year)


def _threshold_from_data(
    data: Mapping[str, Any], where: str, path: str, origin: str = ORIGIN_NATIONAL
) -> Threshold:
    op = _require(data, "op", where, path)
    if op not in THRESHOLD_OPS:
        raise CatalogError(
            lb.message("err_set_bad_op", path=path, where=where, op=op, ops=THRESHOLD_OPS),
            path=path,
        )
    value = data.get("value")
    if op != "yes" and value is None:
        raise CatalogError(
            lb.message("err_set_op_needs_value", path=path, where=where, op=op),
            path=path,
            entry=where,
        )
    year = data.get("year")
    region = data.get("region")
    group = data.get("group")
    return Threshold(
        op=op,
        value=None if value is None else _number_field(value, "value", where, path),
        region=None if region in (None, "", "all") else str(region),
        year=None if year in (None, "") else _year_field(year, where, path),
        text=str(data.get("text") or ""),
        source=str(_require(data, "source", where, path)),
        origin=origin,
        group=None if group in (None, "", "all") else str(group),
        certainty=_optional_text(data.get("certainty")),
        note=_optional_text(data.get("note")),
    )


def _optional_text(value: Any) -> str | None:
    return str(value).strip() if value is not None and str(value).strip() else None


def _indicator_from_data(
    data: Mapping[str, Any], criterion: str, path: str, *, text_confirmed: bool = False
) -> Indicator:
    code = str(_require(data, "code", f"an indicator of criterion {criterion}", path))
    where = f"indicator {code}"
    kind = _require(data, "kind", where, path)
    direction = data.get("direction") or "higher"
    if kind not in KINDS:
        raise CatalogError(
            f"{path}: {where} has kind '{kind}', expected one of {KINDS}.", path=path
        )
    if direction not in DIRECTIONS:
        raise CatalogError(f"{path}: {where} has direction '{direction}'.", path=path)
    if code != criterion and not code.startswith(f"{criterion}."):
        raise CatalogError(f"{path}: {where} does not belong to criterion {criterion}.", path=path)
    return Indicator(
        code=code,
        criterion=criterion,
        text_vi=str(_require(data, "text_vi", where, path)),
        text_en=str(data.get("text_en") or data["text_vi"]),
        kind=kind,
        direction=direction,
        unit=data.get("unit"),
        source=str(_require(data, "source", where, path)),
        thresholds=tuple(
            _threshold_from_data(t, f"a threshold of {where}", path)
            for t in data.get("thresholds") or ()
        ),
        province_sets=bool(data.get("province_sets", False)),
        text_confirmed=_flag(data, "text_confirmed", where, path, default=text_confirmed),
    )


def _flag(data: Mapping[str, Any], key: str, where: str, path: str, *, default: bool) -> bool:
    """A yes/no field of a set file (``true`` / ``false``), ``default`` when absent."""
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise CatalogError(
            f"{path}: {where} has {key} {value!r}; write true or false.", path=path, entry=where
        )
    return value


def _condition_from_data(data: Mapping[str, Any], path: str) -> DistrictCondition:
    cid = str(_require(data, "id", "a condition", path))
    where = f"condition {cid}"
    measure = str(_require(data, "measure", where, path))
    if measure not in CONDITION_MEASURES:
        raise CatalogError(
            f"{path}: {where} measures '{measure}', which is not one of {CONDITION_MEASURES}.",
            path=path,
            entry=cid,
        )
    op = _require(data, "op", where, path)
    if op not in THRESHOLD_OPS:
        raise CatalogError(
            f"{path}: {where} has op '{op}', which is not one of {THRESHOLD_OPS}.",
            path=path,
            entry=cid,
        )
    value = None
    if op in NUMERIC_OPS:
        value = _number_field(_require(data, "value", where, path), "value", where, path)
        if not 0 <= value <= 1:
            raise CatalogError(
                f"{path}: {where} has value {value}; write a share from 0 to 1 (0.9 for 90%).",
                path=path,
                entry=cid,
            )
    name_vi = str(_require(data, "name_vi", where, path))
    return DistrictCondition(
        id=cid,
        measure=measure,
        op=op,
        value=value,
        name_vi=name_vi,
        name_en=str(data.get("name_en") or name_vi),
        source=str(_require(data, "source", where, path)),
    )


def criteria_set_from_data(data: Mapping[str, Any], path: str = "<data>") -> CriteriaSet:
    """Build and validate a :class:`CriteriaSet` from its parsed YAML mapping."""
    set_id = str(_require(data, "id", "the set", path))
    level = _require(data, "level", set_id, path)
    if level not in LEVELS:
        raise CatalogError(f"{path}: level '{level}' is not one of {LEVELS}.", path=path)
    # the indicator wording of a set is unconfirmed unless the file says it was checked
    confirmed = _flag(data, "indicator_text_confirmed", set_id, path, default=False)
    criteria = []
    for c in _require(data, "criteria", set_id, path):
        number = str(_require(c, "number", "a criterion", path))
        where = f"criterion {number}"
        criteria.append(
            Criterion(
                number=number,
                name_vi=str(_require(c, "name_vi", where, path)),
                name_en=str(c.get("name_en") or c["name_vi"]),
                source=str(_require(c, "source", where, path)),
                indicators=tuple(
                    _indicator_from_data(i, number, path, text_confirmed=confirmed)
                    for i in c.get("indicators") or ()
                ),
            )
        )
    numbers = [c.number for c in criteria]
    if len(set(numbers)) != len(numbers):
        raise CatalogError(f"{path}: criterion numbers repeat.", path=path)
    codes = [i.code for c in criteria for i in c.indicators]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise CatalogError(f"{path}: indicator codes repeat: {', '.join(dupes)}.", path=path)
    region_codes = {r["code"] for r in data.get("regions") or ()}
    group_codes = {str(g["code"]) for g in data.get("groups") or ()}
    for c in criteria:
        for i in c.indicators:
            for t in i.thresholds:
                if t.region is not None and t.region not in region_codes:
                    raise CatalogError(
                        f"{path}: indicator {i.code} names unknown region '{t.region}'.", path=path
                    )
                if t.group is not None and t.group not in group_codes:
                    raise CatalogError(
                        f"{path}: indicator {i.code} names unknown commune group '{t.group}'.",
                        path=path,
                    )
    first, last = (
        int(_require(data, "first_year", set_id, path)),
        int(_require(data, "last_year", set_id, path)),
    )
    return CriteriaSet(
        id=set_id,
        level=level,
        name_vi=str(_require(data, "name_vi", set_id, path)),
        name_en=str(data.get("name_en") or data["name_vi"]),
        decision=str(_require(data, "decision", set_id, path)),
        annex=str(data.get("annex") or ""),
        first_year=first,
        last_year=last,
        target_year=int(data.get("target_year") or last),
        source=str(_require(data, "source", set_id, path)),
        criteria=tuple(criteria),
        regions=tuple(dict(r) for r in data.get("regions") or ()),
        groups=tuple(dict(g, code=str(g["code"])) for g in data.get("groups") or ()),
        caveat=str(data["caveat"]).strip() if data.get("caveat") else None,
        criterion_level=bool(criteria) and not any(c.indicators for c in criteria),
        conditions=_conditions_from_data(data, path),
    )


def _conditions_from_data(data: Mapping[str, Any], path: str) -> tuple[DistrictCondition, ...]:
    conditions = tuple(_condition_from_data(c, path) for c in data.get("conditions") or ())
    ids = [c.id for c in conditions]
    if len(set(ids)) != len(ids):
        raise CatalogError(f"{path}: condition ids repeat.", path=path)
    return conditions


def apply_province_thresholds(
    catalog: Catalog, thresholds: Iterable[Mapping[str, Any]], *, base_set: str, name: str
) -> Catalog:
    """Lay a province's thresholds over ``base_set`` (pure).

    Each mapping has ``indicator`` plus the threshold keys (``op``, ``value``,
    ``region`` or ``group``, ``year``, ``text``, ``source``). A province
    threshold replaces any earlier province threshold with the same indicator,
    region, group and year, and beats the national one when both match.

    In a set known only at criterion level (QĐ 51/2025: no indicator in the
    catalog), the province set may name indicators of its own ("8.2"); they are
    added under their criterion with the text the province gives
    (``indicator_text``) and the province file as their source.
    """
    target = catalog.get(base_set)
    group_codes = {g["code"] for g in target.groups}
    by_code: dict[str, list[Threshold]] = {}
    added: dict[str, Indicator] = {}
    for entry in thresholds:
        code = str(entry.get("indicator") or "").strip()
        if target.indicator(code) is None and code not in added:
            added[code] = _province_indicator(target, entry, code, name)
        t = _threshold_from_data(entry, f"province threshold of {code}", name, ORIGIN_PROVINCE)
        if t.group is not None and t.group not in group_codes:
            raise CatalogError(
                f"Province set '{name}': {code} names commune group '{t.group}', but "
                f"{base_set} has "
                + (f"groups {', '.join(sorted(group_codes))}." if group_codes else "no groups."),
                entry=code,
            )
        key = (t.region, t.group, t.year)
        kept = [x for x in by_code.get(code, []) if (x.region, x.group, x.year) != key]
        by_code[code] = [*kept, t]

    def overlay(ind: Indicator) -> Indicator:
        extra = by_code.get(ind.code)
        if not extra:
            return ind
        national = tuple(t for t in ind.thresholds if t.origin != ORIGIN_PROVINCE)
        return dataclasses.replace(ind, thresholds=(*extra, *national))

    def with_added(c: Criterion) -> tuple[Indicator, ...]:
        new = sorted(
            (i for i in added.values() if i.criterion == c.number),
            key=lambda i: tuple(int(p) if p.isdigit() else 0 for p in i.code.split(".")),
        )
        return (*c.indicators, *new)

    criteria = tuple(
        dataclasses.replace(c, indicators=tuple(overlay(i) for i in with_added(c)))
        for c in target.criteria
    )
    new_set = dataclasses.replace(target, criteria=criteria, province_set=name)
    sets = tuple(new_set if s.id == base_set else s for s in catalog.sets)
    return Catalog(sets=sets, province_set=name)


def _province_indicator(
    target: CriteriaSet, entry: Mapping[str, Any], code: str, name: str
) -> Indicator:
    """An indicator a province set adds to a criterion-level set (see above)."""
    criterion = code.split(".")[0]
    c = target.criterion(criterion)
    if c is None or c.indicators:
        raise CatalogError(
            lb.message("err_province_unknown_indicator", name=name, code=code, set_id=target.id),
            entry=code,
        )
    op = str(entry.get("op") or "")
    text = str(entry.get("text") or "")
    kind = "yes_no" if op == "yes" else ("percent" if "%" in text else "number")
    return Indicator(
        code=code,
        criterion=criterion,
        text_vi=str(entry.get("indicator_text") or f"Chỉ tiêu {code}"),
        text_en=str(entry.get("indicator_text") or f"Indicator {code}"),
        kind=kind,
        direction="lower" if op in ("<=", "<") else "higher",
        unit="%" if kind == "percent" else None,
        source=str(entry.get("source") or name),
        text_confirmed=bool(entry.get("indicator_text")),  # the province decision's wording
    )


def province_thresholds_from_table(
    table: pd.DataFrame,
    *,
    source: str,
    region_columns: Mapping[str, str] | None = None,
    group_columns: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Read thresholds from an annex-shaped table (pure).

    The table has the columns TT | Tên tiêu chí | Nội dung tiêu chí | Chỉ tiêu,
    optionally followed by one column per region (header = region code or
    name) or, for QĐ 51/2025, per commune group ("Nhóm 1", "Nhóm 2", "Nhóm 3"),
    and a "Năm" column: a row with a year there holds that year's figures only.
    The indicator code is taken from "Nội dung tiêu chí" ("17.1. Tỷ lệ
    ...") or, for single-indicator criteria, from TT. Cells that do not parse
    as a target are skipped. Returns mappings for
    :func:`apply_province_thresholds`.
    """
    columns = {fold_text(c): c for c in table.columns}
    content_col = next((columns[k] for k in columns if k.startswith("noi dung")), None)
    tt_col = next((columns[k] for k in columns if k in ("tt", "stt", "so tt")), None)
    target_col = next((columns[k] for k in columns if k.startswith("chi tieu")), None)
    year_col = next((columns[k] for k in columns if k in ("nam", "nam ap dung")), None)
    if target_col is None:
        raise CatalogError(lb.message("err_no_target_column", source=source), path=source)
    region_columns = dict(region_columns or {})
    group_columns = dict(group_columns or {})
    out: list[dict[str, Any]] = []
    current_criterion: str | None = None
    for row_number, (_, row) in enumerate(table.iterrows(), start=2):
        tt_code, _ = split_code(row.get(tt_col)) if tt_col is not None else (None, "")
        if tt_code is not None and "." not in tt_code:
            current_criterion = tt_code
        code, content = split_code(row.get(content_col)) if content_col is not None else (None, "")
        if code is None:
            code = tt_code if tt_code is not None else None
        if code is None and current_criterion is not None and tt_code is None:
            continue
        if code is None:
            continue
        year = _table_year(row.get(year_col), source, row_number) if year_col else None
        cells = (
            [(None, None, row.get(target_col))]
            + [(region, None, row.get(col)) for col, region in region_columns.items()]
            + [(None, group, row.get(col)) for col, group in group_columns.items()]
        )
        for region, group, cell in cells:
            target = parse_target(cell)
            if target is None or target.op not in THRESHOLD_OPS:
                continue
            out.append(
                {
                    "indicator": code,
                    "indicator_text": normalize_text(content) or None,
                    "region": region,
                    "group": group,
                    "year": year,
                    "op": target.op,
                    "value": target.value,
                    "text": target.text,
                    "source": f"{source}, dòng {row_number}",
                }
            )
    return out


def _table_year(cell: object, source: str, row_number: int) -> int | None:
    """The "Năm" cell of a province table row: a year, or None when empty."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)) or not str(cell).strip():
        return None
    year = find_year(cell, lo=2000, hi=2050)
    if year is None:
        raise CatalogError(
            lb.message("err_table_year", source=source, row=row_number, cell=cell),
            path=source,
            entry=lb.message("where_row", row=row_number),
        )
    return year


# ------------------------------------------------------------------ file loading (I/O edge)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(
            lb.message("err_catalog_unreadable", file=path.name, detail=exc), path=str(path)
        ) from exc


def _sequence_lines(path: Path, key: str) -> list[int]:
    """The 1-based line of each item of the top-level sequence ``key`` in a YAML file."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for k, v in root.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in v.value]
    return []


DEFAULT_PROVINCE_BASE_SET = "qd318_2022_commune"


def load_province_set(
    catalog: Catalog, path: str | Path, *, base_set: str = DEFAULT_PROVINCE_BASE_SET
) -> Catalog:
    """Lay a province detailing set (``.yaml``/``.yml`` or a spreadsheet) over the catalog.

    A YAML set names its ``base_set``; a spreadsheet applies to ``base_set``.
    """
    path = Path(path)
    if not path.exists():
        raise CatalogError(lb.message("err_province_not_found", path=path), path=str(path))
    if path.suffix.lower() in (".yaml", ".yml"):
        data = _read_yaml(path) or {}
        if not isinstance(data, Mapping):
            raise CatalogError(
                lb.message("err_province_not_mapping", file=path.name),
                path=str(path),
            )
        name = str(data.get("decision") or data.get("id") or path.stem)
        base = str(data.get("base_set") or base_set)
        raw_entries = data.get("thresholds") or ()
        lines = _sequence_lines(path, "thresholds")
        entries = []
        for i, e in enumerate(raw_entries if isinstance(raw_entries, list) else [raw_entries]):
            where = (
                lb.message("where_threshold_line", i=i + 1, line=lines[i])
                if i < len(lines)
                else lb.message("where_threshold", i=i + 1)
            )
            if not isinstance(e, Mapping):
                raise CatalogError(
                    lb.message("err_province_entry_not_mapping", file=path.name, where=where),
                    path=str(path),
                    entry=where,
                )
            entry = {"source": name, **e}
            _threshold_from_data(entry, where, path.name, ORIGIN_PROVINCE)  # names the line
            entries.append(entry)
        return apply_province_thresholds(catalog, entries, base_set=base, name=name)
    try:
        table = pd.read_excel(path, engine="calamine", dtype=object)
    except Exception as exc:  # any reader failure is a bad user file, not a crash
        raise CatalogError(
            lb.message("err_province_unreadable", file=path.name, detail=exc), path=str(path)
        ) from exc
    table = table.rename(columns=lambda c: normalize_text(c) or "")
    group_columns = _group_columns(table.columns)
    base = catalog.get(base_set)
    if group_columns and not base.groups:
        # "Nhóm 1/2/3" columns: a set of the QĐ 51 kind, whatever the default said
        base = next((s for s in reversed(catalog.sets) if s.groups), base)
    region_codes = {r["code"] for r in base.regions}
    region_names = {fold_text(r["name_vi"]): r["code"] for r in base.regions}
    region_columns = {}
    for col in table.columns:
        if col in region_codes:
            region_columns[col] = col
        elif fold_text(col) in region_names:
            region_columns[col] = region_names[fold_text(col)]
    entries = province_thresholds_from_table(
        table, source=path.name, region_columns=region_columns, group_columns=group_columns
    )
    return apply_province_thresholds(catalog, entries, base_set=base.id, name=path.name)


def _group_columns(columns: Iterable[object]) -> dict[str, str]:
    """Columns headed "Nhóm 1" … "Nhóm 3" (any case or accents), by their group code."""
    out = {}
    for col in columns:
        words = fold_text(col).split()
        if len(words) == 2 and words[0] == "nhom" and words[1] in ("1", "2", "3"):
            out[col] = words[1]
    return out


def load_commune_floor(path: str | Path | None = None) -> CommuneFloor | None:
    """The programme's floor of criteria per commune, from the programme targets file
    (the packaged one, read once, by default; None when the file sets none).

    >>> floor = load_commune_floor()
    >>> floor.criteria, floor.full_set_criteria
    (15, 19)
    """
    if path is None:
        return _packaged_floor()
    path = Path(path)
    data = _read_yaml(path) or {}
    entry = data.get("commune_floor")
    if not entry:
        return None
    where = "commune_floor"
    return CommuneFloor(
        criteria=int(_number_field(_require(entry, "criteria", where, path.name), "criteria",
                                   where, path.name)),
        full_set_criteria=int(_number_field(_require(entry, "full_set_criteria", where,
                                                     path.name), "full_set_criteria", where,
                                            path.name)),
        source=str(_require(entry, "source", where, path.name)),
    )  # fmt: skip


@functools.cache
def _packaged_floor() -> CommuneFloor | None:
    return load_commune_floor(PROGRAMME_FILE)


def load_catalog(
    province_file: str | Path | None = None, *, catalog_dir: str | Path | None = None
) -> Catalog:
    """Load every criteria set shipped with the package, plus an optional province set."""
    directory = Path(catalog_dir) if catalog_dir is not None else config.CATALOG_DIR
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise CatalogError(f"No criteria sets found in {directory}.", path=str(directory))
    sets = tuple(criteria_set_from_data(_read_yaml(p) or {}, p.name) for p in files)
    ids = [s.id for s in sets]
    if len(set(ids)) != len(ids):
        raise CatalogError("Two catalog files share an id.", path=str(directory))
    catalog = Catalog(sets=sets)
    if province_file is not None:
        catalog = load_province_set(catalog, province_file)
    return catalog
