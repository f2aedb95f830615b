"""The review data model: the processed tables of one folder and the analyses of one year.

:func:`load_review` reads the processed tables once per kernel and returns a
:class:`Review`, which computes each analysis the pages need once and keeps
it. ``ntm render`` computes those analyses once per batch and hands the
notebook kernels a snapshot of them (:func:`write_snapshot`), so that each
kernel skips re-reading, re-validating and re-analysing the same tables.
The page sections (:mod:`ntm_analysis.sections`) take a :class:`Review` first.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import changes, config, department_tasks, history, lagging, progress, standing
from . import labels as lb
from .areas import Area, area_for, registry_for, restrict_to_area
from .catalog import Catalog, CriteriaSet, load_catalog
from .errors import CatalogError, NtmError, UsageError
from .names import names_district
from .pipeline import load_processed
from .provenance import is_sample_report
from .registry import Registry, load_registry
from .responsibility import assign_departments, load_responsibility
from .schema import ProcessedData
from .wording import common_wordings, commune_wordings, report_wordings


@dataclass
class Review:
    """The processed data of one folder, with analyses computed once and kept.

    Built by :func:`load_review`; every page section takes it first.
    """

    data: ProcessedData
    year: int
    lang: str = config.DEFAULT_LANG
    #: The area reviewed, when ``data`` holds its communes only (:func:`load_area_review`).
    area: Area | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def communes(self) -> pd.DataFrame:
        return self.data.communes

    @property
    def criteria(self) -> pd.DataFrame:
        return self.data.criteria

    @property
    def indicators(self) -> pd.DataFrame:
        return self.data.indicators

    @property
    def years(self) -> list[int]:
        return self.data.years

    @property
    def previous_year(self) -> int | None:
        earlier = [y for y in self.years if y < self.year]
        return max(earlier) if earlier else None

    @property
    def is_sample(self) -> bool:
        return is_sample_report(self.data.ingest_report)

    @cached_property
    def catalog(self) -> Catalog:
        """The catalog the data was cleaned with (the national one if its province file is gone)."""
        try:
            return load_catalog(self.data.ingest_report.get("province_set") or None)
        except NtmError:  # the province file moved or broke since cleaning: not a page stopper
            return load_catalog()

    @cached_property
    def registry(self) -> Registry:
        """The registry the data was cleaned with (the bundled one if that file is gone)."""
        try:
            return load_registry(self.data.ingest_report.get("registry") or None)
        except NtmError:  # the registry file moved or broke since cleaning
            return load_registry()

    @cached_property
    def set_levels(self) -> dict[str, str]:
        """Criteria set id -> its catalog level ("commune", "commune_advanced" …)."""
        return {cs.id: cs.level for cs in self.catalog.sets}

    def set_name(self, set_id: object) -> str:
        """The decision of a criteria set ("QĐ 318/QĐ-TTg ngày 08/03/2022"), else its id."""
        try:
            return self.catalog.get(str(set_id)).decision
        except CatalogError:
            return str(set_id)

    @cached_property
    def criteria_set(self) -> CriteriaSet | None:
        """The criteria set of the year's data, or None when the catalog does not know it."""
        sets = self.communes.loc[self.communes["year"] == self.year, "criteria_set"].dropna()
        if sets.empty:
            return None
        try:
            return self.catalog.get(str(sets.iloc[0]))
        except CatalogError:
            return None

    @cached_property
    def criterion_names(self) -> dict[str, str]:
        """Criterion number -> name in ``lang`` for the year's criteria set."""
        if self.communes.loc[self.communes["year"] == self.year, "criteria_set"].isna().all():
            return lb.criterion_names(self.catalog, self.lang)
        cset = self.criteria_set
        return {} if cset is None else lb.criterion_names(cset, self.lang)

    def criterion_label(self, number: object) -> str:
        """ "17. Môi trường và an toàn thực phẩm" or "17" when no name is known."""
        return lb.criterion_label(str(number), self.criterion_names)

    def cached(self, key: str, compute):
        """``compute()`` once per review and key."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def wordings(self) -> pd.DataFrame:
        """The wordings the year's reports give each indicator, the most common first
        (:func:`ntm_analysis.wording.report_wordings`)."""
        return self.cached("wordings", lambda: report_wordings(self.indicators, year=self.year))

    @property
    def indicator_texts(self) -> dict[str, str]:
        """Indicator code -> the text the pages show beside it: the catalog's in ``lang``
        where its wording is confirmed, else the wording most of the year's reports use
        (the catalog's only when no report words the indicator)."""

        def compute():
            cset = self.criteria_set
            listed = {} if cset is None else {i.code: i for i in cset.indicators}
            texts = common_wordings(self.wordings)
            for code, ind in listed.items():
                if ind.text_confirmed or code not in texts:
                    texts[code] = ind.text(self.lang)
            return texts

        return self.cached("indicator_texts", compute)

    def wording_from_report(self, code: object) -> bool:
        """True when the pages show the reports' own wording of ``code`` (the catalog's
        wording of it is unconfirmed or absent, and a report words it)."""
        cset = self.criteria_set
        ind = None if cset is None else cset.indicator(str(code))
        reported = str(code) in set(self.wordings["indicator"].astype(str))
        return reported and (ind is None or not ind.text_confirmed)

    def commune_wordings(self, commune: str) -> dict[str, str]:
        """Indicator code -> the wording ``commune``'s own report used in the year."""
        return self.cached(
            ("commune_wordings", commune),
            lambda: commune_wordings(self.indicators, year=self.year, commune=commune),
        )

    def indicator_label(self, code: object, *, commune: str | None = None) -> str:
        """ "17.1. Tỷ lệ hộ …"; a criterion-level code gets the criterion's name.

        With ``commune``, an indicator worded as the reports word it takes that
        commune's own wording (its page quotes its own report).
        """
        text = self.indicator_texts.get(str(code))
        if commune is not None and self.wording_from_report(code):
            text = self.commune_wordings(commune).get(str(code)) or text
        if text:
            return f"{code}. {text}"
        return self.criterion_label(code) if "." not in str(code) else str(code)

    @property
    def standing(self) -> pd.DataFrame:
        return self.cached("standing", lambda: standing.commune_standing(self.unit_communes))

    @property
    def unit_communes(self) -> pd.DataFrame:
        """The communes table with each row's registry unit (:func:`history.with_units`)."""
        return self.cached(
            "unit_communes", lambda: history.with_units(self.communes, self.registry)
        )

    @property
    def summary(self) -> pd.DataFrame:
        return self.cached(
            "summary", lambda: standing.district_summary(self.communes, self.criteria)
        )

    @property
    def series(self) -> pd.DataFrame:
        """The indicator rows up to the year of the units assessed in it, under the set
        they are assessed by (:func:`history.current_series`): what progress and
        trajectories are drawn from."""
        return self.cached(
            "series", lambda: history.current_series(self.indicators, self.registry, self.year)
        )

    @property
    def progress(self) -> pd.DataFrame:
        return self.cached(
            "progress",
            lambda: progress.progress_status(self.series, year=self.year, catalog=self.catalog),
        )

    @property
    def lagging(self) -> pd.DataFrame:
        return self.cached(
            "lagging",
            lambda: lagging.lagging_criteria(
                self.criteria,
                self.indicators,
                self.year,
                names=self.criterion_names,
                lang=self.lang,
            ),
        )

    @property
    def mapping(self) -> pd.DataFrame:
        return self.cached("mapping", load_responsibility)

    @property
    def tasks(self) -> pd.DataFrame:
        return self.cached(
            "tasks",
            lambda: department_tasks.department_tasks(
                self.indicators,
                self.progress,
                self.mapping,
                self.year,
                criteria=self.criteria,
                catalog=self.catalog,
                lang=self.lang,
            ),
        )

    def comparison(self):
        """:func:`changes.compare_years` between the previous year and this one, or None."""
        prev = self.previous_year
        if prev is None:
            return None
        return self.cached(
            "comparison",
            lambda: changes.compare_years(
                history.with_units(self.criteria, self.registry),
                self.unit_communes,
                prev,
                self.year,
                names=self.criterion_names,
                lang=self.lang,
            ),
        )


_REVIEWS: dict[tuple, Review] = {}


def load_review(
    processed_dir: str | Path | None = None,
    *,
    year: int | None = None,
    lang: str = config.DEFAULT_LANG,
    district: str | None = None,
) -> Review:
    """Read the processed tables (once per kernel) and pick the year (default: latest).

    ``district`` (optional) must name the district the data covers.
    Raises :class:`~ntm_analysis.errors.NoDataError` when there is no
    processed data and :class:`~ntm_analysis.errors.UsageError` for a year
    or district not in it.
    """
    review = _load_review(processed_dir, year=year, lang=lang)
    if district:
        known = district_name(review.data, review.year)
        if known and not names_district(district, known):
            raise UsageError(lb.message("err_other_district", known=known, district=district))
    return review


def load_area_review(
    processed_dir: str | Path | None = None,
    *,
    year: int | None = None,
    lang: str = config.DEFAULT_LANG,
    area: str | None = None,
) -> Review:
    """The review of an area in a year (default: latest): its communes' tables only.

    ``area`` is read by :func:`ntm_analysis.areas.parse_area` ("Tỉnh Quảng
    Ninh", "Huyện Đầm Hà", "huyện Đầm Hà cũ"); by default the district for a
    year before 01/07/2025 and the province after. Raises
    :class:`~ntm_analysis.errors.UsageError` for an unknown area, or a
    district asked for a year after it ended.
    """
    whole = _load_review(processed_dir, year=year, lang=lang)
    key = (*_review_key(processed_dir, lang, whole.year), "area", str(area or ""))
    if key in _REVIEWS:
        return _REVIEWS[key]
    registry = registry_for(whole.data)
    chosen = area_for(whole.data, whole.year, area, registry=registry)
    review = _area_from_snapshot(processed_dir, whole.year, lang, chosen)
    if review is None:
        data = restrict_to_area(whole.data, chosen, registry)
        review = Review(data=data, year=whole.year, lang=lang, area=chosen)
    _REVIEWS[key] = review
    return review


def _review_key(processed_dir: str | Path | None, lang: str, year: int | None) -> tuple:
    path = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DATA_DIR
    return (str(path.resolve()), _folder_stamp(path), lang, year)


def _load_review(processed_dir: str | Path | None, *, year: int | None, lang: str) -> Review:
    path = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DATA_DIR
    key = (str(path.resolve()), _folder_stamp(path), lang, year)
    if key in _REVIEWS:
        return _REVIEWS[key]
    review = _from_snapshot(path, year, lang)
    if review is not None:
        _REVIEWS[key] = review
        return review
    base = next((r for k, r in _REVIEWS.items() if k[:2] == key[:2]), None)
    data = base.data if base is not None else load_processed(path)
    chosen = int(year) if year is not None else max(data.years)
    if chosen not in data.years:
        raise UsageError(
            lb.message("err_unknown_years", missing=[chosen], path=path, available=data.years)
        )
    review = Review(data=data, year=chosen, lang=lang)
    _REVIEWS[key] = review
    return review


def district_name(data: ProcessedData, year: int | None = None) -> str:
    """The district the processed data covers in ``year`` (any year when None): the province
    for a year after 01/07/2025, whose communes have no district ("" when unknown or several)."""
    rows = data.district if year is None else data.district.loc[data.district["year"] == year]
    names = rows["district"].dropna().astype(str).unique().tolist()
    return names[0] if len(names) == 1 else ""


def communes_in_year(data: ProcessedData, year: int) -> list[str]:
    """Names of the communes with a row in ``year``, in the data's order of codes."""
    rows = data.communes.loc[data.communes["year"] == int(year)]
    rows = rows.sort_values(["commune_code", "commune"], na_position="last")
    return list(dict.fromkeys(rows["commune"].astype(str)))


def departments(data: ProcessedData, year: int, *, lang: str = config.DEFAULT_LANG) -> list[str]:
    """Departments the responsibility mapping puts in charge of a criterion or indicator
    present in ``year``, by the mapping's own precedence (a set's own rows before the rows
    for any set), in the mapping's order."""
    mapping = load_responsibility()
    keys = ["criteria_set", "criterion", "indicator"]
    crit = data.criteria.loc[data.criteria["year"] == int(year), ["criteria_set", "criterion"]]
    ind = data.indicators.loc[data.indicators["year"] == int(year), keys]
    present = pd.concat(
        [crit.assign(indicator=crit["criterion"]).loc[:, keys], ind], ignore_index=True
    ).astype("string")
    assigned = assign_departments(present.drop_duplicates(), mapping, lang=lang)
    names = set(assigned["department"].dropna().astype(str))
    column = "department_en" if lang == "en" else "department_vi"
    return [n for n in dict.fromkeys(mapping[column].dropna().astype(str)) if n in names]


# ----------------------------------------------------------------------------- snapshot

#: Environment variable naming a snapshot file that ``ntm render`` writes once per
#: batch, so every notebook kernel skips re-reading, re-validating and re-analysing.
SNAPSHOT_ENV = "NTM_REVIEW_SNAPSHOT"
#: Analyses precomputed into the snapshot, per year.
SNAPSHOT_ANALYSES = (
    "criterion_names",
    "standing",
    "summary",
    "progress",
    "lagging",
    "mapping",
    "tasks",
)


def _folder_stamp(path: Path) -> tuple:
    if not path.is_dir():
        return ()
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(path.glob("*")) if p.is_file())


def _precomputed(review: Review) -> dict:
    """The analyses of :data:`SNAPSHOT_ANALYSES` of one review, computed into its cache."""
    for name in SNAPSHOT_ANALYSES:
        try:
            value = getattr(review, name)
        except NtmError:  # bad data: the page computes it again and reports it
            continue
        if name == "criterion_names":
            review._cache["_criterion_names"] = value
    with contextlib.suppress(NtmError):
        review.comparison()
    review.indicator_texts  # noqa: B018 - computed into the cache
    return dict(review._cache)


def _light(data: ProcessedData) -> ProcessedData:
    return ProcessedData(
        **{name: getattr(data, name) for name in ProcessedData.__dataclass_fields__}
    )


def build_snapshot(
    data: ProcessedData,
    *,
    years: Sequence[int],
    lang: str,
    areas: Sequence[tuple[int, str]] = (),
) -> dict:
    """The processed tables and the analyses of each year, computed once (for ``ntm render``),
    and those of each (year, area) reviewed."""
    path = Path(data.path).resolve()
    caches = {int(y): _precomputed(Review(data=data, year=int(y), lang=lang)) for y in years}
    by_area: dict[tuple[int, str], dict] = {}
    if areas:
        registry = registry_for(data)
        for year, spec in areas:
            try:
                area = area_for(data, int(year), spec, registry=registry)
            except NtmError:  # the page reports it
                continue
            review = Review(
                data=restrict_to_area(data, area, registry), year=int(year), lang=lang, area=area
            )
            cache = _precomputed(review)
            by_area[(int(year), area.spec)] = {"data": _light(review.data), "cache": cache}
    return {
        "key": (str(path), _folder_stamp(path), lang),
        "data": _light(data),
        "caches": caches,
        "areas": by_area,
    }


def write_snapshot(
    path: Path,
    data: ProcessedData,
    years: Sequence[int],
    lang: str,
    *,
    areas: Sequence[tuple[int, str]] = (),
) -> None:
    """Compute the shared analyses once and pickle them for the notebook kernels.

    Kernels on this machine load it instead of re-reading, re-validating and
    re-analysing the same tables (see :data:`SNAPSHOT_ENV`); a kernel that
    cannot use it computes everything itself.
    """
    snap = build_snapshot(data, years=years, lang=lang, areas=areas)
    with open(path, "wb") as fh:
        pickle.dump(snap, fh, protocol=pickle.HIGHEST_PROTOCOL)


def _read_snapshot(path: Path, lang: str) -> dict | None:
    file = os.environ.get(SNAPSHOT_ENV)
    if not file or not Path(file).is_file():  # not in a render batch, or on another machine
        return None
    with open(file, "rb") as fh:
        snap = pickle.load(fh)  # written by this package for this batch only
    resolved = path.resolve()
    if snap.get("key") != (str(resolved), _folder_stamp(resolved), lang):
        return None
    return snap


def _with_cache(review: Review, cache: dict) -> Review:
    cache = dict(cache)
    names = cache.pop("_criterion_names", None)
    if names is not None:
        review.__dict__["criterion_names"] = names
    review._cache.update(cache)
    return review


def _area_from_snapshot(
    processed_dir: str | Path | None, year: int, lang: str, area: Area
) -> Review | None:
    path = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DATA_DIR
    snap = _read_snapshot(path, lang)
    found = None if snap is None else snap.get("areas", {}).get((int(year), area.spec))
    if found is None:
        return None
    review = Review(data=found["data"], year=int(year), lang=lang, area=area)
    return _with_cache(review, found["cache"])


def _from_snapshot(path: Path, year: int | None, lang: str) -> Review | None:
    snap = _read_snapshot(path, lang)
    if snap is None:
        return None
    data = snap["data"]
    chosen = int(year) if year is not None else max(data.years)
    if chosen not in data.years:
        return None
    review = Review(data=data, year=chosen, lang=lang)
    return _with_cache(review, snap["caches"].get(chosen, {}))
