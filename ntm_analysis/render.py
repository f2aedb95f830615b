"""Execute the review notebooks and publish them as offline HTML (``ntm render``).

Every page is one notebook run by papermill with its parameters, converted
in-process with nbconvert into a self-contained HTML page (code hidden, images
embedded, styles inlined, no network address anywhere) and written beside the
executed notebook::

    outputs/index.html
    outputs/<year>/district-review.html        (+ .ipynb)
    outputs/<year>/communes/<slug>.html        (+ .ipynb)
    outputs/<year>/departments/<slug>.html     (+ .ipynb)

Pages run in parallel on local threads (each page has its own kernel process)
or on an existing Dask cluster. A page that fails never replaces a good one
and never stops the others. Papermill and nbconvert are imported where they
are used: a Dask worker or a test that only plans pages does not pay for them.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import config
from . import labels as lb
from .errors import NoDataError, RenderError, UsageError
from .folders import check_writable_folder
from .names import match_names, unique_slugs
from .pipeline import load_processed
from .provenance import dataset_fingerprint, is_sample_report
from .review import SNAPSHOT_ENV, communes_in_year, district_name, write_snapshot
from .review import departments as review_departments
from .schema import ProcessedData
from .sections.district import headline_sentences
from .writing import atomic_write_text

#: Page kinds and the notebook that renders each.
KIND_DISTRICT = "district"
KIND_COMMUNE = "commune"
KIND_DEPARTMENT = "department"
KIND_EXPLORATION = "exploration"
NOTEBOOKS = config.PAGE_NOTEBOOKS
#: Kinds rendered when none are asked for (the meeting set).
DEFAULT_KINDS = (KIND_DISTRICT, KIND_COMMUNE, KIND_DEPARTMENT)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
INDEX_FILE = "index.html"
MANIFEST_FILE = "manifest.json"
#: Cells carrying this tag are kept in the notebook but left out of the HTML.
REMOVE_TAG = "remove-from-page"
#: Matplotlib backend of the notebook kernels: figures become embedded images.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

_TEXT = {
    "vi": {
        "sample_banner": "DỮ LIỆU MẪU (tổng hợp, không phải số liệu thật)",
        "toc": "Mục lục",
        "sources": "Nguồn dữ liệu",
        "sources_line": "Dữ liệu: {n} tệp nguồn, làm sạch ngày {date}.",
        "generated": "Trang tạo lúc {when} bằng ntm-analysis.",
        "index_title": "Rà soát nông thôn mới — các báo cáo",
        "year": "Năm {year}",
        "district_review": "Báo cáo rà soát của huyện",
        "communes": "Hồ sơ xã",
        "departments": "Nhiệm vụ của phòng, ban",
        "exploration": "Sổ khám phá dữ liệu",
        "failed": "lỗi khi tạo trang",
        "stale": "bản trước",
        "no_pages": "Chưa có trang nào.",
        "title_district": "Rà soát nông thôn mới năm {year}",
        "title_commune": "Hồ sơ nông thôn mới: {label}, năm {year}",
        "title_department": "Nhiệm vụ nông thôn mới: {label}, năm {year}",
        "title_exploration": "Khám phá dữ liệu nông thôn mới, năm {year}",
        "back": "← Mục lục các báo cáo",
        "file_status": "{rows} dòng đọc",
    },
    "en": {
        "sample_banner": "SAMPLE DATA (synthetic, not real figures)",
        "toc": "Contents",
        "sources": "Data sources",
        "sources_line": "Data: {n} source files, cleaned on {date}.",
        "generated": "Page generated at {when} by ntm-analysis.",
        "index_title": "New rural development review — reports",
        "year": "Year {year}",
        "district_review": "District review",
        "communes": "Commune profiles",
        "departments": "Department task lists",
        "exploration": "Data exploration notebook",
        "failed": "failed to render",
        "stale": "previous version",
        "no_pages": "No pages yet.",
        "title_district": "New rural development review {year}",
        "title_commune": "New rural development profile: {label}, {year}",
        "title_department": "New rural development tasks: {label}, {year}",
        "title_exploration": "New rural development data exploration, {year}",
        "back": "← Index of reports",
        "file_status": "{rows} rows read",
    },
}


def _t(lang: str, key: str, **kwargs: Any) -> str:
    table = _TEXT.get(lang, _TEXT["vi"])
    return table[key].format(**kwargs)


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


def _sources(report: dict) -> list[dict]:
    files = [f for f in report.get("files", []) if f.get("status") == "read"]
    return [{"file": str(f.get("file")), "rows": f.get("rows_read", f.get("rows"))} for f in files]


def _data_date(report: dict, processed_dir: Path) -> str:
    stamp = report.get("generated_at")
    if stamp:
        return str(stamp)[:10]
    path = processed_dir / config.COMMUNES_FILE
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()


def _page_context(data: ProcessedData, lang: str) -> dict:
    """Facts every page header shows: sample flag, sources, data date, language."""
    return {
        "sample": is_sample_report(data.report),
        "sources": _sources(data.report),
        "data_date": _data_date(data.report, Path(data.path)),
        "lang": lang,
    }


@dataclass(frozen=True)
class _Year:
    """What every page of one year shares while it is planned."""

    data: ProcessedData
    year: int
    lang: str
    notebooks_dir: Path
    district: str
    parameters: dict  # year, processed folder, lang
    context: dict  # page header facts

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


def _district_jobs(plan: _Year, wanted: Sequence[str] | None) -> list[RenderJob]:
    year, district = plan.year, plan.district
    title = _t(plan.lang, "title_district", year=year) + (f" — {district}" if district else "")
    extra = {"district": district}
    return [plan.job(KIND_DISTRICT, "", district, extra, f"{year}/district-review.html", title)]


def _commune_jobs(plan: _Year, wanted: Sequence[str] | None) -> list[RenderJob]:
    names = match_names(wanted, communes_in_year(plan.data, plan.year), "commune")
    return [
        plan.job(
            KIND_COMMUNE,
            slug,
            name,
            {"commune": name},
            f"{plan.year}/communes/{slug}.html",
            _t(plan.lang, "title_commune", label=name, year=plan.year),
        )
        for name, slug in unique_slugs(names).items()
    ]


def _department_jobs(plan: _Year, wanted: Sequence[str] | None) -> list[RenderJob]:
    names = match_names(wanted, review_departments(plan.data, plan.year), "department")
    return [
        plan.job(
            KIND_DEPARTMENT,
            slug,
            name,
            {"department": name},
            f"{plan.year}/departments/{slug}.html",
            _t(plan.lang, "title_department", label=name, year=plan.year),
        )
        for name, slug in unique_slugs(names).items()
    ]


def _exploration_jobs(plan: _Year, wanted: Sequence[str] | None) -> list[RenderJob]:
    title = _t(plan.lang, "title_exploration", year=plan.year)
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
    communes: Sequence[str] | None = None,
    departments: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    lang: str = "vi",
    notebooks_dir: str | Path | None = None,
) -> list[RenderJob]:
    """Every page to render for the selection; runs nothing.

    The departments come from the responsibility mapping. Naming ``communes``
    or ``departments`` selects those pages only, plus any ``kinds`` given.
    Raises :class:`UsageError` for a year, commune, department or kind not known.
    """
    kinds = _kinds_asked(kinds, communes, departments)
    unknown = [k for k in kinds if k not in NOTEBOOKS]
    if unknown:
        raise UsageError(lb.message("err_unknown_kinds", unknown=unknown, known=sorted(NOTEBOOKS)))
    wanted = {KIND_COMMUNE: communes, KIND_DEPARTMENT: departments}
    context = _page_context(data, lang)
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else config.NOTEBOOKS_DIR
    jobs: list[RenderJob] = []
    for year in _chosen_years(data, years):
        district = district_name(data, int(year))
        plan = _Year(
            data=data,
            year=int(year),
            lang=lang,
            notebooks_dir=nb_dir,
            district=district,
            parameters={
                "year": int(year),
                "processed_dir": str(Path(data.path).resolve()),
                "lang": lang,
            },
            context=context | {"year": int(year), "district": district},
        )
        for kind, planner in _PLANNERS.items():
            if kind in kinds:
                jobs.extend(planner(plan, wanted.get(kind)))
    return jobs


# ----------------------------------------------------------------------------- one page


@dataclass
class PageOutput:
    """What a worker hands back: the executed notebook and the page, as text."""

    ok: bool
    ipynb: str | None
    html: str | None
    message: str = ""
    cell_index: int | None = None
    cell_source: str | None = None
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)


def _source_cell_index(source_nb: Any, executed_nb: Any, exc: Any) -> int:
    """Index in the source notebook of the cell that failed.

    The executed notebook has extra cells (papermill's injected parameters and
    its error banners), so the failing cell is found by its id, then by its
    source, in the notebook the user edits.
    """
    failing_id = next(
        (
            cell.get("id")
            for cell in executed_nb.cells
            if any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        ),
        None,
    )
    for i, cell in enumerate(source_nb.cells):
        if failing_id is not None and cell.get("id") == failing_id:
            return i
    for i, cell in enumerate(source_nb.cells):
        if cell.get("source") == exc.source:
            return i
    return int(exc.cell_index)


_KERNEL_MANAGERS: dict[tuple, type] = {}
_KERNEL_MANAGERS_LOCK = threading.Lock()


def _quiet_kernel_manager(env: dict | None = None) -> type:
    """A kernel manager whose kernel process logs are muted and whose kernels get ``env``
    on top of this process's environment.

    Kernel start-up chatter would otherwise interleave with the progress bar;
    errors of the notebook itself still come back through the notebook. One
    class per distinct ``env`` (papermill takes a class, not an instance).
    """
    key = tuple(sorted((env or {}).items()))
    with _KERNEL_MANAGERS_LOCK:
        if key not in _KERNEL_MANAGERS:
            import subprocess

            from jupyter_client.manager import AsyncKernelManager

            extra = dict(key)

            class QuietKernelManager(AsyncKernelManager):
                async def _async_launch_kernel(self, kernel_cmd, **kw):
                    kw.setdefault("stderr", subprocess.DEVNULL)
                    kw["env"] = {**(kw.get("env") or os.environ), **extra}
                    return await super()._async_launch_kernel(kernel_cmd, **kw)

            _KERNEL_MANAGERS[key] = QuietKernelManager
        return _KERNEL_MANAGERS[key]


def execute_job(job: RenderJob, *, timeout: int = 600) -> PageOutput:
    """Run one notebook and convert it to a page; never raises for a notebook error.

    Runs wherever it is called: a local thread or a Dask worker. It reads the
    processed data named in the job's parameters and writes only to a private
    temporary folder; the caller writes the returned text to the output folder.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    timings: dict[str, float] = {}
    source_nb = nbformat.read(job.notebook, as_version=4)
    # No ``cwd=``: papermill changes the process-wide working directory for it,
    # which is unsafe with several pages running on threads.
    with tempfile.TemporaryDirectory(prefix="ntm-render-") as tmp:
        out = Path(tmp) / "executed.ipynb"
        try:
            pm.execute_notebook(
                job.notebook,
                str(out),
                parameters=dict(job.parameters),
                kernel_name=config.KERNEL_NAME,
                progress_bar=False,
                request_save_on_cell_execute=False,
                kernel_manager_class=_quiet_kernel_manager(job.kernel_env),
                execution_timeout=timeout,
            )
        except PapermillExecutionError as exc:
            executed = nbformat.read(out, as_version=4) if out.is_file() else source_nb
            return PageOutput(
                ok=False,
                ipynb=nbformat.writes(executed) if out.is_file() else None,
                html=None,
                message=f"{exc.ename}: {exc.evalue}",
                cell_index=_source_cell_index(source_nb, executed, exc),
                cell_source=exc.source,
                seconds=time.perf_counter() - started,
            )
        except Exception as exc:  # kernel died, missing kernel, bad notebook file...
            return PageOutput(
                ok=False,
                ipynb=nbformat.writes(nbformat.read(out, as_version=4)) if out.is_file() else None,
                html=None,
                message=f"{type(exc).__name__}: {exc}",
                seconds=time.perf_counter() - started,
            )
        timings["execute"] = time.perf_counter() - started
        executed = nbformat.read(out, as_version=4)
        timings["cells"] = sum(
            float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0)
            for c in executed.cells
        )
        timings["kernel_start"] = max(0.0, timings["execute"] - timings["cells"])
    t0 = time.perf_counter()
    try:
        page = notebook_to_html(executed, title=job.title, context=job.context)
    except Exception as exc:
        return PageOutput(
            ok=False,
            ipynb=nbformat.writes(executed),
            html=None,
            message=f"HTML conversion failed: {type(exc).__name__}: {exc}",
            seconds=time.perf_counter() - started,
        )
    timings["convert"] = time.perf_counter() - t0
    return PageOutput(
        ok=True,
        ipynb=nbformat.writes(executed),
        html=page,
        seconds=time.perf_counter() - started,
        timings=timings,
    )


# ----------------------------------------------------------------------------- HTML


def _css() -> str:
    return (TEMPLATES_DIR / "page.css").read_text(encoding="utf-8")


_LOCAL = threading.local()


def _exporter():
    """An nbconvert exporter for the page body: the bare 'basic' template, inputs hidden.

    One per thread: exporters keep state while converting.
    """
    exporter = getattr(_LOCAL, "exporter", None)
    if exporter is None:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        c = Config()
        c.TagRemovePreprocessor.enabled = True
        c.TagRemovePreprocessor.remove_cell_tags = {REMOVE_TAG}
        c.HTMLExporter.preprocessors = ["nbconvert.preprocessors.TagRemovePreprocessor"]
        exporter = HTMLExporter(
            config=c,
            template_name="basic",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            anchor_link_text="",
        )
        _LOCAL.exporter = exporter
    return exporter


class _Headings:
    """Collects (level, id, text) of the h2/h3 headings of a page body."""

    def __init__(self, body: str):
        from html.parser import HTMLParser

        found: list[tuple[int, str, str]] = []

        class Parser(HTMLParser):
            current: list | None = None

            def handle_starttag(self, tag, attrs):
                if tag in ("h2", "h3"):
                    ident = dict(attrs).get("id")
                    self.current = [int(tag[1]), ident, ""] if ident else None

            def handle_endtag(self, tag):
                if tag in ("h2", "h3") and self.current is not None:
                    level, ident, text = self.current
                    found.append((level, ident, " ".join(text.split())))
                    self.current = None

            def handle_data(self, data):
                if self.current is not None:
                    self.current[2] += data

        Parser(convert_charrefs=True).feed(body)
        self.items = found


def _toc(body: str, lang: str) -> str:
    items = _Headings(body).items
    if not items:
        return ""
    parts = [f'<nav class="ntm-toc" aria-label="{_t(lang, "toc")}"><h2>{_t(lang, "toc")}</h2><ol>']
    open_sub = False
    for level, ident, text in items:
        link = f'<a href="#{html.escape(ident, quote=True)}">{html.escape(text)}</a>'
        if level == 3:
            if not open_sub:
                parts.append("<ol>")
                open_sub = True
            parts.append(f"<li>{link}</li>")
        else:
            if open_sub:
                parts.append("</ol>")
                open_sub = False
            parts.append(f"<li>{link}</li>")
    if open_sub:
        parts.append("</ol>")
    parts.append("</ol></nav>")
    return "".join(parts)


def _banner(context: dict) -> str:
    if not context.get("sample"):
        return ""
    text = html.escape(_t(context.get("lang", "vi"), "sample_banner"))
    return f'<div class="ntm-sample-banner" role="note">{text}</div>'


def _sources_block(context: dict) -> tuple[str, str]:
    """The one-line data note for the header and the full list for the page foot."""
    lang = context.get("lang", "vi")
    sources = context.get("sources", [])
    date = display_date(context.get("data_date", ""), lang)
    line = html.escape(_t(lang, "sources_line", n=len(sources), date=date))
    head = f'<p class="ntm-meta">{line} <a href="#ntm-sources">{_t(lang, "sources")}</a></p>'
    items = "".join(
        f"<li>{html.escape(s['file'])}"
        + (
            f" <span class='ntm-muted'>({_t(lang, 'file_status', rows=int(s['rows']))})</span>"
            if isinstance(s.get("rows"), int)
            else ""
        )
        + "</li>"
        for s in sources
    )
    # folded: a long list of files neither fills the screen nor adds printed sheets
    foot = (
        f'<section class="ntm-sources" id="ntm-sources"><details>'
        f"<summary>{_t(lang, 'sources')} ({len(sources)})</summary>"
        f"<p>{line}</p><ul>{items}</ul></details></section>"
    )
    return head, foot


def display_date(value: object, lang: str) -> str:
    """A date (or ISO timestamp) as people write it: 04/12/2026 in Vietnamese, 2026-12-04 in
    English; anything else unchanged.

    >>> display_date("2026-12-04T08:00:00+00:00", "vi")
    '04/12/2026'
    >>> display_date("2026-12-04", "en")
    '2026-12-04'
    """
    text = str(value or "")
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not match or lang == "en":
        return text[:10] if match else text
    year, month, day = match.groups()
    return f"{day}/{month}/{year}"


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (for the printed running header)."""
    out = []
    for ch in " ".join(str(text).split()):
        if ch in '\\"<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _print_css(title: str, context: dict) -> str:
    """Running header (sample banner and page title) and footer (page x/y) of every sheet."""
    lang = context.get("lang", "vi")
    banner = _t(lang, "sample_banner") + " — " if context.get("sample") else ""
    page_word = "Trang" if lang != "en" else "Page"
    return (
        "@media print { @page { "
        f"@top-center {{ content: {_css_string(banner + title)}; font-size: 8pt; "
        f"color: #333; font-weight: {700 if banner else 400}; }} "
        f'@bottom-right {{ content: "{page_word} " counter(page) "/" counter(pages); '
        "font-size: 8pt; color: #555; } } }"
    )


def page_html(body: str, *, title: str, context: dict, index_href: str | None = None) -> str:
    """Wrap a page body in the self-contained page: head, banner, sources, contents."""
    lang = context.get("lang", "vi")
    head_note, foot = _sources_block(context)
    now = datetime.now(UTC).astimezone()
    when = now.strftime("%d/%m/%Y %H:%M" if lang != "en" else "%Y-%m-%d %H:%M")
    back = (
        f'<p class="ntm-back"><a href="{html.escape(index_href, quote=True)}">'
        f"{_t(lang, 'back')}</a></p>"
        if index_href
        else ""
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang, quote=True)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="ntm-analysis">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{_css()}\n{_print_css(title, context)}\n"
        "</style>\n</head>\n<body>\n"
        f"{_banner(context)}\n"
        f'<header class="ntm-header">{back}<h1>{html.escape(title)}</h1>{head_note}</header>\n'
        f"{_toc(body, lang)}\n"
        f'<main class="ntm-main">\n{body}\n</main>\n'
        f'<footer class="ntm-footer">{foot}'
        f'<p class="ntm-muted">{html.escape(_t(lang, "generated", when=when))}</p></footer>\n'
        f"{_banner(context)}\n"
        "</body>\n</html>\n"
    )


def notebook_to_html(nb: Any, *, title: str, context: dict) -> str:
    """Convert an executed notebook node into a self-contained HTML page."""
    body, _ = _exporter().from_notebook_node(nb)
    depth = str(context.get("html_path", "x/y")).count("/")
    return page_html(body, title=title, context=context, index_href="../" * depth + INDEX_FILE)


# ----------------------------------------------------------------------------- writing


def _store(job: RenderJob, output: PageOutput, out_dir: Path) -> PageResult:
    html_path = out_dir / job.html_path
    failed_nb = html_path.with_suffix(".failed.ipynb")
    if output.ok:
        atomic_write_text(html_path.with_suffix(".ipynb"), output.ipynb or "")
        atomic_write_text(html_path, output.html or "")
        if failed_nb.exists():
            failed_nb.unlink()
        return PageResult(
            job.kind,
            job.year,
            job.key,
            job.label,
            html_path,
            True,
            None,
            output.seconds,
            dict(output.timings),
        )
    if output.ipynb:
        atomic_write_text(failed_nb, output.ipynb)
    error = RenderError(
        output.message,
        notebook=job.notebook,
        parameters=dict(job.parameters),
        cell_index=output.cell_index,
        cell_source=output.cell_source,
    )
    return PageResult(
        job.kind, job.year, job.key, job.label, html_path, False, error, output.seconds
    )


# ----------------------------------------------------------------------------- running


def _run_local(jobs: list[RenderJob], n_jobs: int, on_done: Callable) -> None:
    from concurrent.futures import ThreadPoolExecutor, as_completed

    with ThreadPoolExecutor(max_workers=max(1, n_jobs), thread_name_prefix="ntm-render") as pool:
        futures = {pool.submit(execute_job, job): job for job in jobs}
        for fut in as_completed(futures):
            on_done(futures[fut], fut.result())


def _run_dask(jobs: list[RenderJob], scheduler: Any, on_done: Callable) -> None:
    from distributed import Client, as_completed

    own = not hasattr(scheduler, "submit")
    client = Client(scheduler, set_as_default=False) if own else scheduler
    try:
        futures = [
            client.submit(execute_job, job, pure=False, key=f"ntm-render-{i}-{job.kind}-{job.key}")
            for i, job in enumerate(jobs)
        ]
        by_key = {f.key: job for f, job in zip(futures, jobs, strict=True)}
        for fut in as_completed(futures, loop=client.loop):
            job = by_key[fut.key]
            try:
                output = fut.result()
            except Exception as exc:  # the worker itself died
                output = PageOutput(False, None, None, message=f"{type(exc).__name__}: {exc}")
            on_done(job, output)
    finally:
        if own:
            client.close()


def render_review(
    *,
    processed_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    years: Sequence[int] | None = None,
    communes: Sequence[str] | None = None,
    departments: Sequence[str] | None = None,
    jobs: int | None = None,
    scheduler: Any = None,
    lang: str = "vi",
    progress: bool = True,
    kinds: Sequence[str] | None = None,
    notebooks_dir: str | Path | None = None,
) -> RenderSummary:
    """Render the review pages and the index (the ``ntm render`` API).

    Defaults: the latest year of each criteria set, every commune and department, one job per
    core, local threads. ``scheduler`` is a Dask scheduler address (or a
    ``distributed.Client``) to run the pages on instead; its workers must see
    ``processed_dir`` at the same path. ``kinds`` picks page kinds (default
    district, commune and department pages; ``"exploration"`` adds the
    exploration notebook). Raises :class:`NoDataError` when the processed data
    is missing or empty and :class:`UsageError` for an unknown selection.
    """
    started = time.perf_counter()
    if lang not in config.LANGS:
        raise UsageError(lb.message("err_unknown_lang", lang=lang))
    processed = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DATA_DIR
    out = Path(out_dir) if out_dir is not None else config.OUTPUTS_DIR
    if not processed.is_dir():
        raise NoDataError(lb.message("err_no_processed_folder", path=processed))
    check_writable_folder(out, lb.message("what_outputs_folder"))
    data = load_processed(processed)
    plan = plan_jobs(
        data,
        years=years,
        communes=communes,
        departments=departments,
        kinds=kinds,
        lang=lang,
        notebooks_dir=notebooks_dir,
    )
    missing = sorted({j.notebook for j in plan if not Path(j.notebook).is_file()})
    if missing:
        raise UsageError(lb.message("err_notebooks_missing", names=", ".join(missing)))
    plan = [_with_page_path(j) for j in plan]
    out.mkdir(parents=True, exist_ok=True)
    summary = RenderSummary(out_dir=out, index_path=out / INDEX_FILE)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(
            total=len(plan), desc=lb.message("progress_rendering"), unit=lb.message("unit_page")
        )

    def on_done(job: RenderJob, output: PageOutput) -> None:
        result = _store(job, output, out)
        summary.pages.append(result)
        if bar is not None:
            bar.update(1)
            if not result.ok:
                bar.write(f"failed: {job.html_path}: {output.message}")

    snapshot_dir = tempfile.mkdtemp(prefix="ntm-snapshot-")
    try:
        snapshot = Path(snapshot_dir) / "review.pkl"
        write_snapshot(snapshot, data, sorted({j.year for j in plan}), lang)
        # Each page's kernel gets the snapshot and inline figures (a test or batch
        # environment may have set MPLBACKEND=Agg); this process's environment stays as it is.
        env = {SNAPSHOT_ENV: str(snapshot), "MPLBACKEND": INLINE_BACKEND}
        plan = [replace(j, kernel_env=j.kernel_env | env) for j in plan]
        if scheduler is not None:
            _run_dask(plan, scheduler, on_done)
        else:
            _run_local(plan, jobs or os.cpu_count() or 1, on_done)
    finally:
        shutil.rmtree(snapshot_dir, ignore_errors=True)
        if bar is not None:
            bar.close()
    order = {(j.kind, j.year, j.key): i for i, j in enumerate(plan)}
    summary.pages.sort(key=lambda p: order[(p.kind, p.year, p.key)])
    write_index(summary, data, lang=lang)
    summary.seconds = time.perf_counter() - started
    return summary


def _with_page_path(job: RenderJob) -> RenderJob:
    return replace(job, context=job.context | {"html_path": job.html_path})


# ----------------------------------------------------------------------------- index


#: Folder (under the outputs folder) that pages built from other data are moved to.
SUPERSEDED_DIR = "superseded"


def _set_aside_stale(summary: RenderSummary, stale: list[dict]) -> None:
    """Move the pages of other data (and their notebooks) to ``superseded/<time>/``."""
    out = summary.out_dir
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target_root = out / SUPERSEDED_DIR / stamp
    for e in stale:
        rel = _safe_relative(str(e.get("path")))
        if rel is None:
            continue
        page = out / rel
        moved = False
        for path in (page, page.with_suffix(".ipynb"), page.with_suffix(".failed.ipynb")):
            if path.is_file():
                target = target_root / path.relative_to(out)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
                moved = True
        if moved:
            summary.set_aside.append(rel)
    if summary.set_aside:
        summary.set_aside_dir = target_root


def _load_manifest(out_dir: Path) -> dict:
    path = out_dir / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"pages": []}
    return data if isinstance(data.get("pages"), list) else {"pages": []}


def _safe_relative(rel: str) -> str | None:
    """``rel`` when it is a page path inside ``out_dir`` (manifest entries are not trusted)."""
    if not re.fullmatch(r"[0-9]{4}/(?:[a-z0-9-]+/)?[a-z0-9-]+\.html", rel or ""):
        return None
    return rel


def write_index(summary: RenderSummary, data: Any, *, lang: str = "vi") -> Path:
    """Write ``index.html`` linking every page on disk, grouped by year, with headlines.

    Pages rendered by earlier runs (other years, other selections) stay listed
    through ``manifest.json``, as long as their HTML file still exists and they
    were built from the same data. Pages built from other data (the sample,
    an earlier dataset) are moved to ``superseded/<time>/`` and left out.
    """
    out = summary.out_dir
    manifest = _load_manifest(out)
    dataset = dataset_fingerprint(data.report)
    entries = {}
    stale = []
    for e in manifest["pages"]:
        if e.get("dataset") == dataset:
            entries[(e.get("kind"), e.get("year"), e.get("key"))] = e
        else:
            stale.append(e)
    for p in summary.pages:
        rel = p.html_path.relative_to(out).as_posix()
        old = entries.get((p.kind, p.year, p.key), {})
        entries[(p.kind, p.year, p.key)] = {
            "kind": p.kind,
            "year": int(p.year),
            "key": p.key,
            "label": p.label,
            "path": rel,
            "ok": p.ok,
            "rendered_at": datetime.now(UTC).isoformat(timespec="seconds")
            if p.ok
            else old.get("rendered_at"),
            "dataset": dataset,
        }
    current = {str(e.get("path")) for e in entries.values()}
    _set_aside_stale(summary, [e for e in stale if str(e.get("path")) not in current])
    pages = [
        e
        for e in entries.values()
        if _safe_relative(str(e.get("path")))
        and str(e.get("kind")) in NOTEBOOKS
        and ((out / e["path"]).is_file() or not e.get("ok"))
    ]
    atomic_write_text(
        out / MANIFEST_FILE,
        json.dumps({"pages": pages}, ensure_ascii=False, indent=1, sort_keys=True),
    )
    context = _page_context(data, lang)
    body = _index_body(out, pages, data, lang)
    text = page_html(body, title=_t(lang, "index_title"), context=context)
    atomic_write_text(summary.index_path, text)
    return summary.index_path


def _index_body(out: Path, pages: list[dict], data: Any, lang: str) -> str:
    if not pages:
        return f"<p>{_t(lang, 'no_pages')}</p>"
    parts: list[str] = []
    kind_order = [KIND_DISTRICT, KIND_COMMUNE, KIND_DEPARTMENT, KIND_EXPLORATION]
    kind_title = {
        KIND_DISTRICT: _t(lang, "district_review"),
        KIND_COMMUNE: _t(lang, "communes"),
        KIND_DEPARTMENT: _t(lang, "departments"),
        KIND_EXPLORATION: _t(lang, "exploration"),
    }
    for year in sorted({int(e["year"]) for e in pages}, reverse=True):
        parts.append(
            f'<section class="ntm-year"><h2 id="nam-{year}">{_t(lang, "year", year=year)}</h2>'
        )
        if year in data.years:
            sentences = headline_sentences(data, year=year, lang=lang)
            parts.append(
                '<ul class="ntm-headline">'
                + "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
                + "</ul>"
            )
        for kind in kind_order:
            rows = sorted(
                (e for e in pages if int(e["year"]) == year and e["kind"] == kind),
                key=lambda e: str(e.get("label") or ""),
            )
            if not rows:
                continue
            title = html.escape(kind_title[kind])
            parts.append(f'<h3 id="nam-{year}-{kind}">{title}</h3><ul class="ntm-links">')
            for e in rows:
                label = str(e.get("label") or kind_title[kind])
                if kind == KIND_DISTRICT:
                    label = kind_title[kind] + (f" — {label}" if e.get("label") else "")
                exists = (out / e["path"]).is_file()
                note = ""
                if not e.get("ok"):
                    note = f' <span class="ntm-failed">({_t(lang, "failed")}' + (
                        f"; {_t(lang, 'stale')})</span>" if exists else ")</span>"
                    )
                if exists:
                    href = html.escape(e["path"], quote=True)
                    parts.append(f'<li><a href="{href}">{html.escape(label)}</a>{note}</li>')
                else:
                    parts.append(f"<li>{html.escape(label)}{note}</li>")
            parts.append("</ul>")
        parts.append("</section>")
    return "\n".join(parts)


__all__ = [
    "PageResult",
    "RenderJob",
    "RenderSummary",
    "execute_job",
    "notebook_to_html",
    "page_html",
    "plan_jobs",
    "render_review",
]
