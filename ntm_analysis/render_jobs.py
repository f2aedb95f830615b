"""What ``ntm render`` renders: the page jobs of a selection, and what became of them.

:func:`plan_jobs` turns a selection (years, area, communes, departments, page
kinds) into one :class:`RenderJob` per page, running nothing; a
:class:`PageResult` per page and the :class:`RenderSummary` of the run come
back from :mod:`ntm_analysis.render`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import config
from . import labels as lb
from .areas import AREA_DISTRICT, Area, area_for, registry_for, restrict_to_area
from .errors import RenderError, UsageError
from .html_pages import frame_text, page_context
from .names import match_names, unique_slugs, unknown_name
from .responsibility import load_responsibility
from .review import communes_in_year
from .review import departments as review_departments
from .roadmap import department_names
from .schema import ProcessedData

#: Page kinds and the notebook that renders each.
KIND_DISTRICT = "district"
KIND_COMMUNE = "commune"
KIND_DEPARTMENT = "department"
KIND_EXPLORATION = "exploration"
NOTEBOOKS = config.PAGE_NOTEBOOKS
#: Kinds rendered when none are asked for (the meeting set).
DEFAULT_KINDS = (KIND_DISTRICT, KIND_COMMUNE, KIND_DEPARTMENT)

# ----------------------------------------------------------------------------- data model


@dataclass(frozen=True)
class RenderJob:
    """One page to render: which notebook, with which parameters, written where."""

    kind: str
    year: int
    key: str  # slug of the commune / department; "" for one-per-year pages
    label: str  # display name (commune or department name, or the district)
    notebook: str  # absolute path of the source notebook
    parameters: dict
    html_path: str  # relative to the output folder, POSIX separators
    title: str
    context: dict  # page header facts: sample flag, sources, data date, lang
    #: Environment variables of the notebook's kernel on top of this process's (the batch
    #: snapshot, the inline figure backend); this process's own environment is never changed.
    kernel_env: dict = field(default_factory=dict)

    @property
    def ipynb_path(self) -> str:
        return self.html_path[: -len(".html")] + ".ipynb"


@dataclass
class PageResult:
    """What became of one page."""

    kind: str
    year: int
    key: str
    label: str
    html_path: Path
    ok: bool
    error: RenderError | None = None
    seconds: float = 0.0
    #: Where the page's time went: ``kernel_start`` (kernel start-up and papermill
    #: overhead), ``cells`` (the notebook's own cells, imports included),
    #: ``execute`` (both), ``convert`` (HTML conversion); seconds.
    timings: dict = field(default_factory=dict)
    #: The area a review page covers, as :func:`ntm_analysis.areas.parse_area` reads it.
    area: str = ""

    @property
    def ipynb_path(self) -> Path:
        return self.html_path.with_suffix(".ipynb")

    def describe_error(self) -> str:
        """One or a few lines naming the notebook, its parameters and the failing cell."""
        if self.error is None:
            return ""
        e = self.error
        params = ", ".join(f"{k}={v!r}" for k, v in e.parameters.items())
        where = (
            lb.message("render_cell", index=e.cell_index)
            if e.cell_index is not None
            else lb.message("render_no_cell")
        )
        notebook = Path(e.notebook or "?").name
        lines = [
            lb.message("render_page_error", notebook=notebook, params=params, where=where, text=e)
        ]
        if e.cell_source:
            first = e.cell_source.strip().splitlines()
            lines.append("    > " + (first[0] if first else "") + (" …" if len(first) > 1 else ""))
        return "\n".join(lines)


@dataclass
class RenderSummary:
    """Every page of one ``ntm render`` run and where the index is."""

    out_dir: Path
    index_path: Path
    pages: list[PageResult] = field(default_factory=list)
    seconds: float = 0.0
    #: Pages of other data moved out of the index's way, and the folder they went to.
    set_aside: list[str] = field(default_factory=list)
    set_aside_dir: Path | None = None

    @property
    def failures(self) -> list[PageResult]:
        return [p for p in self.pages if not p.ok]

    @property
    def exit_code(self) -> int:
        """0 when every page rendered, 1 when any failed."""
        return 1 if self.failures else 0

    def lines(self) -> list[str]:
        """A short plain-text summary for the terminal."""
        ok = len(self.pages) - len(self.failures)
        out = [lb.message("render_done", ok=ok, total=len(self.pages), seconds=self.seconds)]
        if self.failures:
            out.append(lb.message("render_failed", n=len(self.failures)))
            out.extend("  " + p.describe_error().replace("\n", "\n  ") for p in self.failures)
        if self.set_aside:
            out.append(
                lb.message("render_set_aside", n=len(self.set_aside), path=self.set_aside_dir)
            )
        out.append(lb.message("render_index", path=self.index_path))
        return out


# ----------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class _Year:
    """What every page of one year shares while it is planned."""

    data: ProcessedData
    area_data: ProcessedData  # the tables of the area's communes
    area: Area
    year: int
    lang: str
    notebooks_dir: Path
    parameters: dict  # year, processed folder, lang
    context: dict  # page header facts
    #: per page kind, the names asked for that this year does not know, and the names it knows
    unmatched: dict = field(default_factory=dict)
    known: dict = field(default_factory=dict)

    def match(self, kind: str, wanted: Sequence[str] | None, available: Sequence[str]):
        """The ``available`` names ``wanted`` asks for; a name this year does not know is
        noted, not an error (:func:`plan_jobs` fails only for a name no year knows)."""
        self.known[kind] = list(available)
        return match_names(wanted, available, kind, unmatched=self.unmatched.setdefault(kind, []))

    def job(self, kind: str, key: str, label: str, extra: dict, html_path: str, title: str):
        return RenderJob(
            kind,
            self.year,
            key,
            label,
            str(self.notebooks_dir / NOTEBOOKS[kind]),
            self.parameters | extra,
            html_path,
            title,
            self.context,
        )


def review_path(year: int, area: Area) -> tuple[str, str]:
    """Key and page path of the review of ``area``: a district's keeps the path pages
    had before areas ("2024/district-review.html"), others are named for their area
    ("2026/review-tinh-quang-ninh.html")."""
    if area.kind == AREA_DISTRICT:
        return "", f"{year}/district-review.html"
    return area.slug, f"{year}/review-{area.slug}.html"


def _district_jobs(plan: _Year, wanted: Sequence[str] | None) -> list[RenderJob]:
    year, label = plan.year, plan.area.label(plan.lang)
    title = frame_text(plan.lang, "title_district", year=year) + f" — {label}"
    key, path = review_path(year, plan.area)
    return [plan.job(KIND_DISTRICT, key, label, {"area": plan.area.spec}, path, title)]


def _commune_jobs(plan: _Year, wanted: Sequence[str] | None) -> list[RenderJob]:
    names = plan.match(KIND_COMMUNE, wanted, communes_in_year(plan.area_data, plan.year))
    return [
        plan.job(
            KIND_COMMUNE,
            slug,
            name,
            {"commune": name},
            f"{plan.year}/communes/{slug}.html",
            frame_text(plan.lang, "title_commune", label=name, year=plan.year),
        )
        for name, slug in unique_slugs(names).items()
    ]


def _department_jobs(plan: _Year, wanted: Sequence[str] | None) -> list[RenderJob]:
    """A page per department, named (and its path slugged) by its Vietnamese name, shown
    by its name in the page's language."""
    names = plan.match(KIND_DEPARTMENT, wanted, review_departments(plan.area_data, plan.year))
    shown = department_names(load_responsibility()) if plan.lang == "en" else {}
    return [
        plan.job(
            KIND_DEPARTMENT,
            slug,
            shown.get(name, name),
            {"department": name},
            f"{plan.year}/departments/{slug}.html",
            frame_text(plan.lang, "title_department", label=shown.get(name, name), year=plan.year),
        )
        for name, slug in unique_slugs(names).items()
    ]


def _exploration_jobs(plan: _Year, wanted: Sequence[str] | None) -> list[RenderJob]:
    title = frame_text(plan.lang, "title_exploration", year=plan.year)
    return [plan.job(KIND_EXPLORATION, "", "", {}, f"{plan.year}/exploration.html", title)]


#: How each page kind is planned, in the order pages are listed.
_PLANNERS = {
    KIND_DISTRICT: _district_jobs,
    KIND_COMMUNE: _commune_jobs,
    KIND_DEPARTMENT: _department_jobs,
    KIND_EXPLORATION: _exploration_jobs,
}


def _chosen_years(data: ProcessedData, years: Sequence[int] | None) -> list[int]:
    """The years asked for; by default the latest year of each criteria set in the data
    (2024 under QĐ 318 and 2026 under QĐ 51 for the sample)."""
    if not years:
        com = data.communes
        latest = com.groupby(com["criteria_set"].astype("string"), observed=True)["year"].max()
        return sorted({int(y) for y in latest} or {max(data.years)})
    missing = sorted(set(int(y) for y in years) - set(data.years))
    if missing:
        raise UsageError(
            lb.message("err_unknown_years", missing=missing, path=data.path, available=data.years)
        )
    return sorted(set(int(y) for y in years))


def _kinds_asked(
    kinds: Sequence[str] | None,
    communes: Sequence[str] | None,
    departments: Sequence[str] | None,
) -> tuple:
    """The page kinds a selection asks for.

    Naming communes or departments asks for those pages, plus any ``kinds``
    given; naming nothing and giving no kinds asks for the default kinds.
    """
    named = [k for k, names in ((KIND_COMMUNE, communes), (KIND_DEPARTMENT, departments)) if names]
    return tuple(dict.fromkeys([*(kinds or ()), *named])) or DEFAULT_KINDS


def plan_jobs(
    data: ProcessedData,
    *,
    years: Sequence[int] | None = None,
    area: str | None = None,
    communes: Sequence[str] | None = None,
    departments: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    lang: str = "vi",
    notebooks_dir: str | Path | None = None,
) -> list[RenderJob]:
    """Every page to render for the selection; runs nothing.

    ``area`` is the area reviewed (see :func:`ntm_analysis.areas.parse_area`);
    by default the district for a year before 01/07/2025 and the province
    after. The review page covers it, and the commune and department pages
    are those of its communes. The departments come from the responsibility
    mapping. Naming ``communes`` or ``departments`` selects those pages only,
    plus any ``kinds`` given. Raises :class:`UsageError` for a year, area,
    commune, department or kind not known, and for a district asked for a
    year after it ended.
    """
    kinds = _kinds_asked(kinds, communes, departments)
    unknown = [k for k in kinds if k not in NOTEBOOKS]
    if unknown:
        raise UsageError(lb.message("err_unknown_kinds", unknown=unknown, known=sorted(NOTEBOOKS)))
    wanted = {KIND_COMMUNE: communes, KIND_DEPARTMENT: departments}
    context = page_context(data, lang)
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else config.NOTEBOOKS_DIR
    registry = registry_for(data)
    jobs: list[RenderJob] = []
    plans: list[_Year] = []
    for year in _chosen_years(data, years):
        reviewed = area_for(data, int(year), area, registry=registry)
        plan = _Year(
            data=data,
            area_data=restrict_to_area(data, reviewed, registry),
            area=reviewed,
            year=int(year),
            lang=lang,
            notebooks_dir=nb_dir,
            parameters={
                "year": int(year),
                "processed_dir": str(Path(data.path).resolve()),
                "lang": lang,
            },
            context=context | {"year": int(year), "area": reviewed.label(lang)},
        )
        plans.append(plan)
        for kind, planner in _PLANNERS.items():
            if kind in kinds:
                jobs.extend(planner(plan, wanted.get(kind)))
    _check_names_known(plans)
    return jobs


def _check_names_known(plans: Sequence[_Year]) -> None:
    """Raise :class:`UsageError` for a commune or department named that no year planned
    knows (one that exists in 2024 only still renders its 2024 page)."""
    for kind in (KIND_COMMUNE, KIND_DEPARTMENT):
        missed = [set(p.unmatched.get(kind, ())) for p in plans if kind in p.unmatched]
        for name in dict.fromkeys(sum((p.unmatched.get(kind, []) for p in plans), [])):
            if all(name in m for m in missed):
                known = dict.fromkeys(n for p in plans for n in p.known.get(kind, ()))
                raise unknown_name(kind, name, list(known))
