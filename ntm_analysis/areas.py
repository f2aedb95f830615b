"""The area a review covers: a district, the province, or a former district.

Until 30/06/2025 a district reviewed its communes. Since 01/07/2025 local
government has two tiers: there is no district, the province reviews the
communes, and a former district's ground is still worth reviewing as one
("địa bàn huyện Đầm Hà cũ": the communes that succeeded its units, through
the registry's lineage). An :class:`Area` is one of the three; a data row
belongs to it by its unit, found by code *and* name within the row's year
(codes are reused: 06895 is the town until 30/06/2025, then the new commune),
never by the code alone.

>>> from ntm_analysis.registry import load_registry
>>> area = parse_area("huyện Đầm Hà cũ", registry=load_registry())
>>> area.label("vi"), area.label("en")
('Địa bàn huyện Đầm Hà cũ', 'Former Đầm Hà district area')
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from . import config
from . import labels as lb
from .errors import NtmError, UsageError
from .lineage import Unit
from .names import slugify
from .parsing import fold_text, normalize_text, split_unit_prefix
from .registry import Registry, load_registry
from .schema import ProcessedData

AREA_DISTRICT = "district"
AREA_PROVINCE = "province"
AREA_FORMER_DISTRICT = "former_district"
AREA_KINDS = (AREA_DISTRICT, AREA_PROVINCE, AREA_FORMER_DISTRICT)
#: Two-tier local government from this day: districts end, communes are merged.
ARRANGEMENT_DATE = date(2025, 7, 1)

#: Words that name an area kind without its name (the one of the data).
_KIND_WORDS = {
    "province": AREA_PROVINCE,
    "tinh": AREA_PROVINCE,
    "district": AREA_DISTRICT,
    "huyen": AREA_DISTRICT,
    "former-district": AREA_FORMER_DISTRICT,
    "former district": AREA_FORMER_DISTRICT,
    "huyen cu": AREA_FORMER_DISTRICT,
}


@dataclass(frozen=True)
class Area:
    """The ground a review covers: ``kind`` and the registry's name of the district or
    province ("Huyện Đầm Hà", "Tỉnh Quảng Ninh")."""

    kind: str
    name: str

    @property
    def bare_name(self) -> str:
        """The name without "Huyện"/"Tỉnh": "Đầm Hà"."""
        return split_unit_prefix(self.name)[1] or self.name

    def label(self, lang: str = config.DEFAULT_LANG) -> str:
        """ "Tỉnh Quảng Ninh", "Huyện Đầm Hà", "Địa bàn huyện Đầm Hà cũ" (or in English)."""
        return lb.label(f"area_{self.kind}", lang, name=self.bare_name)

    @property
    def spec(self) -> str:
        """The text :func:`parse_area` reads back: "Huyện Đầm Hà cũ" for a former district."""
        return f"{self.name} cũ" if self.kind == AREA_FORMER_DISTRICT else self.name

    @property
    def slug(self) -> str:
        return slugify(self.label("vi"))

    @property
    def district_level(self) -> bool:
        """True for a district: the district conditions (QĐ 320) apply."""
        return self.kind == AREA_DISTRICT


def after_arrangement(year: int) -> bool:
    """True for a year whose communes are assessed after 01/07/2025 (year-end reports).

    >>> after_arrangement(2024), after_arrangement(2025), after_arrangement(2026)
    (False, True, True)
    """
    return date(int(year), 12, 31) >= ARRANGEMENT_DATE


def registry_for(data: ProcessedData) -> Registry:
    """The registry the data was cleaned with (the bundled one if its file is gone)."""
    path = data.ingest_report.get("registry")
    if path and not str(path).startswith("<"):
        try:
            return load_registry(path)
        except NtmError:  # moved or broken since cleaning
            pass
    return load_registry()


def _names(registry: Registry, column: str) -> list[str]:
    return list(dict.fromkeys(registry.frame[column].dropna().astype(str)))


def parse_area(text: object, *, registry: Registry, data: ProcessedData | None = None) -> Area:
    """Read an area as a user writes it.

    "Tỉnh Quảng Ninh" or "province"; "Huyện Đầm Hà", "Đầm Hà" or "district";
    "huyện Đầm Hà cũ", "địa bàn huyện Đầm Hà cũ" or "former-district". A bare
    kind word means the one province or district of the ``data`` (or of the
    registry). Raises :class:`UsageError` for a name the registry does not know.
    """
    written = normalize_text(text) or ""
    folded = fold_text(written)
    if folded.startswith("dia ban "):
        written, folded = written[len("địa bàn ") :].strip(), folded[len("dia ban ") :].strip()
    former = folded.endswith(" cu") or folded.startswith("former ")
    if folded in _KIND_WORDS:
        return _only_area(_KIND_WORDS[folded], registry, data)
    if former:
        written = written[: -len(" cũ")] if folded.endswith(" cu") else written[len("former ") :]
    prefix, bare = split_unit_prefix(written)
    provinces = {fold_text(split_unit_prefix(n)[1]): n for n in _names(registry, "province")}
    districts = {fold_text(split_unit_prefix(n)[1]): n for n in _names(registry, "district")}
    key = fold_text(bare)
    if prefix in (None, "huyện", "quận", "thị xã", "thành phố") and key in districts:
        return Area(AREA_FORMER_DISTRICT if former else AREA_DISTRICT, districts[key])
    if prefix in (None, "tỉnh") and key in provinces and not former:
        return Area(AREA_PROVINCE, provinces[key])
    known = [*provinces.values(), *districts.values()]
    raise UsageError(
        f"Unknown area '{written}'. Known: {', '.join(known)}; a former district is written "
        "'huyện … cũ' (or use province, district, former-district)."
    )


def _only_area(kind: str, registry: Registry, data: ProcessedData | None) -> Area:
    """The one province or district of the data's units (of the registry without data)."""
    column = "province" if kind == AREA_PROVINCE else "district"
    if data is not None:
        units = [u for u in _units_of(data.communes, registry) if u is not None]
        names = list(dict.fromkeys(getattr(u, column) for u in units if getattr(u, column)))
    else:
        names = _names(registry, column)
    if len(names) != 1:
        what = "province" if kind == AREA_PROVINCE else "district"
        raise UsageError(
            f"The data covers {len(names)} {what}s ({', '.join(names) or 'none'}): "
            f"name one with --area."
        )
    return Area(kind, names[0])


def _units_of(frame: pd.DataFrame, registry: Registry) -> list[Unit | None]:
    """The unit of each row (year, commune code, commune name), looked up once per key."""
    keys = list(
        zip(
            frame["year"].astype(int).tolist(),
            frame["commune_code"].astype(object).where(frame["commune_code"].notna(), None),
            frame["commune"].astype(object).where(frame["commune"].notna(), None),
            strict=True,
        )
    )
    found: dict[tuple, Unit | None] = {}
    for key in dict.fromkeys(keys):
        year, code, name = key
        found[key] = registry.unit_in_year(code, year, name=name) if code or name else None
    return [found[k] for k in keys]


def former_district_units(area: Area, registry: Registry) -> frozenset[Unit]:
    """The district's units and every unit that succeeded one of them (the lineage)."""
    members = {u for u in registry.all_units() if u.district == area.name}
    grew = True
    while grew:
        new = {link.successor for link in registry.links if link.predecessor in members}
        grew = not new <= members
        members |= new
    return frozenset(members)


def _belongs(area: Area, registry: Registry):
    """A row the registry cannot place (cleaning reported it) stays in a district's or the
    province's review, whose data it came with, and out of a former district's."""
    if area.kind == AREA_PROVINCE:
        return lambda unit: unit is None or unit.province == area.name
    if area.kind == AREA_DISTRICT:
        return lambda unit: unit is None or unit.district == area.name
    members = former_district_units(area, registry)
    return lambda unit: unit is not None and unit in members


def in_area(frame: pd.DataFrame, area: Area, registry: Registry) -> np.ndarray:
    """Which rows (``year``, ``commune_code``, ``commune``) are of a unit in ``area``."""
    if frame.empty:
        return np.zeros(0, dtype=bool)
    belongs = _belongs(area, registry)
    return np.array([belongs(u) for u in _units_of(frame, registry)], dtype=bool)


def check_area(area: Area, year: int, registry: Registry) -> None:
    """Raise :class:`UsageError` when ``area`` did not exist at the end of ``year``: a
    district after 01/07/2025 (its ground is reviewed as a former district)."""
    if area.kind != AREA_DISTRICT:
        return
    end = date(int(year), 12, 31)
    if not any(u.district == area.name and u.valid_on(end) for u in registry.all_units()):
        raise UsageError(
            f"{area.name} no longer exists at the end of {year}: districts ended on "
            f"{ARRANGEMENT_DATE:%d/%m/%Y}. Review its ground with --area "
            f"'{replace(area, kind=AREA_FORMER_DISTRICT).label('vi')}', or the province."
        )


def default_area(data: ProcessedData, year: int, registry: Registry) -> Area:
    """The province for a year after 01/07/2025; before, the district of the year's
    communes (the province when they lie in several districts)."""
    rows = data.communes.loc[data.communes["year"] == int(year)]
    units = [u for u in _units_of(rows, registry) if u is not None]
    provinces = list(dict.fromkeys(u.province for u in units if u.province))
    districts = list(dict.fromkeys(u.district for u in units if u.district))
    if not after_arrangement(year) and len(districts) == 1:
        return Area(AREA_DISTRICT, districts[0])
    if len(provinces) == 1:
        return Area(AREA_PROVINCE, provinces[0])
    raise UsageError(
        f"The {year} data covers {len(provinces)} provinces ({', '.join(provinces) or 'none'}): "
        "name the area with --area."
    )


def area_for(
    data: ProcessedData, year: int, text: object = None, *, registry: Registry | None = None
) -> Area:
    """The area ``text`` names (the default one of ``year`` when empty), checked to exist."""
    registry = registry if registry is not None else registry_for(data)
    if normalize_text(text) is None:
        return default_area(data, year, registry)
    area = parse_area(text, registry=registry, data=data)
    check_area(area, year, registry)
    return area


def restrict_to_area(data: ProcessedData, area: Area, registry: Registry) -> ProcessedData:
    """The processed tables of the communes in ``area`` (pure; every year kept).

    Communes, criteria and indicators go by their unit; findings by the
    commune's name in their year, those about no commune (a file) staying,
    as do the rejects. The roll-up tables keep the rows of the districts (or
    provinces, after 01/07/2025) the area's units belong to.
    """
    communes = data.communes.loc[in_area(data.communes, area, registry)]
    keys = set(zip(communes["year"].astype(int), communes["commune"].astype(str), strict=True))
    findings = data.findings
    years = pd.to_numeric(findings["year"], errors="coerce")
    names = findings["commune"].astype("string")
    keep = [
        pd.isna(n) or (not pd.isna(y) and (int(y), str(n)) in keys)
        for y, n in zip(years, names, strict=True)
    ]
    units = [u for u in _units_of(communes, registry) if u is not None]
    rollups = {u.district or u.province for u in units}

    def rolled(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.loc[frame["district"].astype("string").isin(rollups).to_numpy(dtype=bool)]

    return replace(
        data,
        communes=communes,
        criteria=data.criteria.loc[in_area(data.criteria, area, registry)],
        indicators=data.indicators.loc[in_area(data.indicators, area, registry)],
        findings=findings.loc[np.array(keep, dtype=bool)],
        district=rolled(data.district),
        district_criteria=rolled(data.district_criteria),
    )
