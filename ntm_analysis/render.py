"""Execute the review notebooks and publish them as offline HTML (``ntm render``).

Every page is one notebook run by papermill with its parameters, converted
in-process with nbconvert into a self-contained HTML page (code hidden, images
embedded, styles inlined, no network address anywhere) and written beside the
executed notebook::

    outputs/index.html
    outputs/<year>/district-review.html        (+ .ipynb)
    outputs/<year>/communes/<slug>.html        (+ .ipynb)
    outputs/<year>/departments/<slug>.html     (+ .ipynb)

Pages run in parallel on local threads or on an existing Dask cluster; each
thread keeps its notebook kernel warm from one page to the next
(:mod:`ntm_analysis.render_kernels`). A page that fails never replaces a good one
and never stops the others. Papermill and nbconvert are imported where they
are used: a Dask worker or a test that only plans pages does not pay for them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import config
from . import labels as lb
from .errors import NoDataError, RenderError, UsageError
from .folders import check_writable_folder
from .html_pages import INDEX_FILE, display_date, page_html
from .pipeline import load_processed
from .render_index import MANIFEST_FILE, SUPERSEDED_DIR, write_index
from .render_jobs import (
    DEFAULT_KINDS,
    KIND_COMMUNE,
    KIND_DEPARTMENT,
    KIND_DISTRICT,
    KIND_EXPLORATION,
    NOTEBOOKS,
    PageResult,
    RenderJob,
    RenderSummary,
    plan_jobs,
)
from .render_kernels import close_kernels, page_kernel
from .review import SNAPSHOT_ENV, write_snapshot
from .writing import atomic_write_text

#: Cells carrying this tag are kept in the notebook but left out of the HTML.
REMOVE_TAG = "remove-from-page"
#: Matplotlib backend of the notebook kernels: figures become embedded images.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

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


def execute_job(job: RenderJob, *, timeout: int = 600) -> PageOutput:
    """Run one notebook and convert it to a page; never raises for a notebook error.

    Runs wherever it is called: a local thread or a Dask worker, in the kernel that
    thread kept from its last page (see :mod:`ntm_analysis.render_kernels`). It reads the
    processed data named in the job's parameters and writes only to a private
    temporary folder; the caller writes the returned text to the output folder.
    """
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    timings: dict[str, float] = {}
    source_nb = nbformat.read(job.notebook, as_version=4)
    kernel = page_kernel(config.KERNEL_NAME, job.kernel_env)
    ran = False
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
                km=kernel.manager,
                execution_timeout=timeout,
            )
            ran = True
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
        finally:
            kernel.release(reuse=ran)
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
            area=str(job.parameters.get("area") or ""),
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
        job.kind,
        job.year,
        job.key,
        job.label,
        html_path,
        False,
        error,
        output.seconds,
        area=str(job.parameters.get("area") or ""),
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
        with contextlib.suppress(Exception):  # the workers' warm kernels
            client.run(close_kernels)
        if own:
            client.close()


def render_review(
    *,
    processed_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    years: Sequence[int] | None = None,
    area: str | None = None,
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

    Defaults: the latest year of each criteria set, the area of each year (the district
    before 01/07/2025, the province after; ``area`` names another: see
    :func:`ntm_analysis.areas.parse_area`), every commune and department of it, one job per
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
        area=area,
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
        areas = sorted({(j.year, j.parameters["area"]) for j in plan if "area" in j.parameters})
        write_snapshot(snapshot, data, sorted({j.year for j in plan}), lang, areas=areas)
        # Each page's kernel gets the snapshot and inline figures (a test or batch
        # environment may have set MPLBACKEND=Agg) and the page's language for the package's
        # own messages; this process's environment stays as it is.
        env = {SNAPSHOT_ENV: str(snapshot), "MPLBACKEND": INLINE_BACKEND, config.LANG_ENV: lang}
        plan = [replace(j, kernel_env=j.kernel_env | env) for j in plan]
        if scheduler is not None:
            _run_dask(plan, scheduler, on_done)
        else:
            _run_local(plan, jobs or os.cpu_count() or 1, on_done)
    finally:
        close_kernels()
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


__all__ = [
    "DEFAULT_KINDS",
    "INDEX_FILE",
    "KIND_COMMUNE",
    "KIND_DEPARTMENT",
    "KIND_DISTRICT",
    "KIND_EXPLORATION",
    "MANIFEST_FILE",
    "NOTEBOOKS",
    "SUPERSEDED_DIR",
    "PageResult",
    "RenderJob",
    "RenderSummary",
    "display_date",
    "execute_job",
    "notebook_to_html",
    "page_html",
    "plan_jobs",
    "render_review",
    "write_index",
]
