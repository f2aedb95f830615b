"""Benchmark 5: ``ntm render`` of a whole province after the arrangement of 01/07/2025.

Input: invented communes of one invented province for 2026 (QĐ 51/2025, known
at criterion level: each report carries invented indicator rows with stated
targets), formed on 01/07/2025, with no district and a commune group each;
their reports are cleaned with the generated registry, which the render then
uses (the processed data names it). Pages: every commune profile, the
province review (the default area after the arrangement) and the department
reports.

Tool: ``ntm render --jobs 2``. Baseline: the same notebooks and parameters run
one after another with the papermill CLI, then ``jupyter nbconvert --to html
--no-input`` (:mod:`benchmarks.bench_render`'s loop). Target: at most 0.25x.

The same batch also runs through ``ntm render --scheduler`` on a 2-worker
``distributed.LocalCluster`` (started before the timed call, as a user's
cluster would be running already). Target: at most 1.2x the ``--jobs 2`` time.

Where the time goes: per page kind, the kernel start, the import cell, the
other cells (papermill's timings in the executed notebooks) and the HTML
conversion (the tool's own timing, from the output's ``manifest.json``).
"""

from __future__ import annotations

import atexit
import json
import statistics
from pathlib import Path

from benchmarks import bench_render, harness, inputs

NAME = "render-province"
DASK_NAME = "render-dask"
TARGET_RATIO = 0.25
DASK_TARGET_RATIO = 1.2
JOBS = 2  # the target is set for 2 cores
YEAR = 2026
#: Time allowed to the baseline loop per page (a commune's and about 10 more pages).
BASELINE_SECONDS_PER_PAGE = 30
#: Communes per scale; ``kinds`` None renders the default set (review, communes, departments).
SCALES = {
    "full": {"communes": 110, "kinds": None},
    "quick": {"communes": 6, "kinds": None},
}


# --------------------------------------------------------------------------- worker task


def render_dask_task(processed: str, out: str, workers: int = JOBS, kinds=None, **_: object):
    """``ntm render --scheduler`` on a ``LocalCluster`` of ``workers`` one-thread worker
    processes, started in the set-up (untimed) and closed when this process exits."""
    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    atexit.register(cluster.close)
    return bench_render.render_cli_task(
        processed, out, kinds=kinds, scheduler=cluster.scheduler_address
    )


# --------------------------------------------------------------------------- profile


def manifest_timings(out: Path) -> dict[str, dict[str, float]]:
    """Median seconds per notebook of the pages ``ntm render`` wrote under ``out``: the
    whole page (``seconds``) and its ``kernel_start``, ``cells`` and ``convert``."""
    path = out / "manifest.json"
    pages = json.loads(path.read_text(encoding="utf-8"))["pages"] if path.is_file() else []
    from ntm_analysis.config import PAGE_NOTEBOOKS

    by_notebook: dict[str, list[dict]] = {}
    for page in pages:
        if page.get("ok") and page.get("timings"):
            notebook = PAGE_NOTEBOOKS.get(str(page.get("kind")), str(page.get("kind")))
            by_notebook.setdefault(notebook, []).append(
                {"seconds": page.get("seconds", 0.0), **page["timings"]}
            )
    return {
        notebook: {
            k: round(statistics.median(float(p.get(k, 0.0)) for p in items), 2)
            for k in ("seconds", "kernel_start", "cells", "convert")
        }
        for notebook, items in by_notebook.items()
    }


def _per_page(m: harness.Measurement, pages: int) -> str:
    return f"{m.median / pages:.2f}s" if m.ok and pages else "n/a"


# --------------------------------------------------------------------------- driver


def run(
    *,
    quick: bool,
    runs: int,
    catalog_dir: str | None = None,
    timeout: float = 1800,
):
    missing = bench_render.available()
    if missing:
        print(f"{NAME:<11}  SKIPPED: {missing}", flush=True)
        return [{"name": NAME, "verdict": "SKIPPED", "reason": missing}]
    scale = SCALES["quick" if quick else "full"]
    work = harness.WORK_DIR / "render-province"
    made = inputs.province_after_arrangement_input(
        scale["communes"], year=YEAR, catalog_dir=catalog_dir
    )
    processed = bench_render.clean_afresh(
        Path(made["raw_dir"]), work / "processed", registry_file=made["registry_csv"]
    )
    tool, base, tool_out = bench_render.measure_render(
        processed,
        work,
        jobs=JOBS,
        kinds=scale["kinds"],
        runs=runs,
        timeout=timeout,
        # the loop pays ~5-15 s per notebook on a shared machine: 119 of them take a while
        baseline_timeout=max(timeout, BASELINE_SECONDS_PER_PAGE * (scale["communes"] + 10)),
    )
    pages = int(tool.extra[-1].get("notebooks") or 0) if tool.extra else 0
    b = bench_render.baseline_detail(base)
    where = f"{scale['communes']} invented communes, {YEAR}, province review"
    line, facts = harness.result_line(
        NAME,
        f"{where} ({pages} pages)",
        tool,
        "papermill+nbconvert_cli_loop",
        base,
        target_ratio=TARGET_RATIO,
        extra=(
            f"jobs={JOBS} per_page={_per_page(tool, pages)} "
            f"baseline_per_page={_per_page(base, pages) if base else 'n/a'} "
            f"baseline_split[papermill={b.get('papermill_s')}s nbconvert={b.get('nbconvert_s')}s]"
        ),
    )
    print(line, flush=True)
    facts["baseline_detail"] = b
    out = [facts]

    dask_out = work / "dask-out"
    dask = None
    if tool.ok:
        dask = harness.measure(
            f"{__name__}:render_dask_task",
            {"processed": str(processed), "out": str(dask_out), "kinds": scale["kinds"]},
            runs=runs,
            timeout=timeout,
        )
        line, dask_facts = harness.result_line(
            DASK_NAME,
            f"the same {pages} pages, --scheduler on a {JOBS}-worker LocalCluster",
            dask,
            f"ntm_render_jobs{JOBS}",
            tool,
            target_ratio=DASK_TARGET_RATIO,
            extra=f"per_page={_per_page(dask, pages)}",
        )
        print(line, flush=True)
        out.append(dask_facts)

    for label, m, folder in (("jobs", tool, tool_out), ("dask", dask, dask_out)):
        if m is None or not m.ok:
            continue
        conversion = {k: v["convert"] for k, v in manifest_timings(folder).items()}
        print(f"{'profile':<11}  ntm render ({label}):", flush=True)
        profiles = bench_render.print_profiles(
            folder, conversion, conversion_by="in ntm render, median"
        )
        out.append({"name": f"profile-{label}", "profiles": profiles})
    return out
