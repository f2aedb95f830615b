"""Benchmarks 3 and 4: ``ntm render`` of the sample's review set, and the page size.

Tool: ``ntm render --processed P --out O`` (its default ``--jobs``) on the
cleaned sample. Baseline: what a user would script by hand, one notebook
after another: ``papermill`` then ``jupyter nbconvert --to html --no-input``
for every notebook and parameter set that the tool rendered (read back from
the executed notebooks' papermill metadata, so both do the same work).
Target: at most 0.4x the baseline.

Profile: from papermill's per-cell timings, where a notebook's time goes
(process and kernel start, the import cell, the other cells, conversion).

Size (benchmark 4): bytes and embedded images of the district review HTML.
Target: under 3 MB.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from benchmarks import harness

NAME = "render"
TARGET_RATIO = 0.4
SIZE_LIMIT_BYTES = 3 * 1024 * 1024
RENDER_DIR = harness.WORK_DIR / "render"


def _bin(name: str) -> list[str]:
    exe = Path(sys.executable).parent / name
    return [str(exe)] if exe.exists() else [name]


def _ntm() -> list[str]:
    exe = Path(sys.executable).parent / "ntm"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "import sys; from ntm_analysis.cli import main; sys.exit(main())"]


def available() -> str | None:
    """None when ``ntm render`` can run here, else why not."""
    for module in ("ntm_analysis.render", "ntm_analysis.sample", "ntm_analysis.ingest"):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            return f"{module} is not importable yet ({exc})"
    return None


def clean_afresh(raw: Path, processed: Path, *, registry_file: str | Path | None = None) -> Path:
    """``ntm clean`` of ``raw`` into an emptied ``processed`` folder (outside the timed part).

    Cleaned on every run: processed data kept from an older version of the
    tool may no longer meet the processed-data contract.
    """
    from ntm_analysis import pipeline

    shutil.rmtree(processed, ignore_errors=True)
    pipeline.clean_folder(raw, processed, registry_file=registry_file)
    return processed


def prepare_processed() -> Path:
    """The sample, written and cleaned afresh (under benchmarks/.work/render/)."""
    from ntm_analysis import sample

    raw = RENDER_DIR / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    sample.write_sample(raw / "sample")
    return clean_afresh(raw, RENDER_DIR / "processed")


# --------------------------------------------------------------------------- worker tasks


def render_cli_task(
    processed: str,
    out: str,
    jobs: int | None = None,
    kinds: list | None = None,
    scheduler: str | None = None,
    **_: object,
):
    """Tool: ``ntm render`` as a user runs it (on local kernels, or on a Dask ``scheduler``)."""
    cmd = [*_ntm(), "render", "--processed", processed, "--out", out, "--quiet"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    if scheduler:
        cmd += ["--scheduler", scheduler]
    for kind in kinds or ():
        cmd += ["--kind", kind]

    def call():
        shutil.rmtree(out, ignore_errors=True)
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode > 1:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise RuntimeError(f"ntm render exited {proc.returncode}: {' | '.join(tail)}")
        return {"exit": proc.returncode, "notebooks": len(executed_notebooks(Path(out)))}

    return call


def executed_notebooks(out: Path) -> list[Path]:
    """Every notebook papermill executed under ``out``."""
    found = []
    for path in sorted(out.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("papermill", {})
        except (OSError, ValueError, KeyError):
            continue
        if meta.get("input_path"):
            found.append(path)
    return found


def manual_loop_task(reference_out: str, work: str, **_: object):
    """Baseline: papermill CLI then nbconvert CLI, one notebook after another."""
    jobs = []
    for nb in executed_notebooks(Path(reference_out)):
        nb_meta = json.loads(nb.read_text(encoding="utf-8"))["metadata"]
        meta = nb_meta["papermill"]
        kernel = (nb_meta.get("kernelspec") or {}).get("name")
        jobs.append((meta["input_path"], meta.get("parameters") or {}, nb.stem, kernel))
    papermill, jupyter = _bin("papermill"), _bin("jupyter")

    def call():
        shutil.rmtree(work, ignore_errors=True)
        Path(work).mkdir(parents=True)
        steps = {"papermill": [], "nbconvert": []}
        for k, (src, params, stem, kernel) in enumerate(jobs):
            out_nb = Path(work) / f"{k:03d}-{stem}.ipynb"
            cmd = [*papermill, src, str(out_nb), "-y", json.dumps(params), "--log-level", "ERROR"]
            if kernel:
                cmd += ["-k", kernel]
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            steps["papermill"].append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run(
                [*jupyter, "nbconvert", "--to", "html", "--no-input", str(out_nb)],
                check=True,
                capture_output=True,
            )
            steps["nbconvert"].append(time.perf_counter() - start)
        return {
            "notebooks": len(jobs),
            "papermill_s": round(sum(steps["papermill"]), 2),
            "nbconvert_s": round(sum(steps["nbconvert"]), 2),
            "papermill_median_s": round(statistics.median(steps["papermill"]), 2) if jobs else 0,
            "nbconvert_median_s": round(statistics.median(steps["nbconvert"]), 2) if jobs else 0,
        }

    return call


# --------------------------------------------------------------------------- profile & size


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def notebook_profile(path: Path) -> dict:
    """Where one executed notebook's time went, from papermill's metadata (seconds).

    ``kernel_start`` is the gap between papermill starting the notebook and
    its first cell starting; ``imports`` the cells that import; ``cells`` the
    rest.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    meta = nb["metadata"].get("papermill", {})
    total = float(meta.get("duration") or 0.0)
    start = _time(meta.get("start_time"))
    first_cell = None
    imports = cells = 0.0
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        pm = cell.get("metadata", {}).get("papermill", {})
        duration = float(pm.get("duration") or 0.0)
        if first_cell is None and pm.get("start_time"):
            first_cell = _time(pm["start_time"])
        source = "".join(cell.get("source", ""))
        if re.search(r"^\s*(import|from)\s+\S+", source, flags=re.M):
            imports += duration
        else:
            cells += duration
    kernel = (first_cell - start).total_seconds() if start and first_cell else float("nan")
    return {
        "notebook": Path(meta.get("input_path", path.name)).name,
        "total": round(total, 2),
        "kernel_start": round(kernel, 2),
        "imports": round(imports, 2),
        "cells": round(cells, 2),
    }


def district_review_html(out: Path) -> Path | None:
    """The HTML page rendered from the district review notebook."""
    for nb in executed_notebooks(out):
        meta = json.loads(nb.read_text(encoding="utf-8"))["metadata"]["papermill"]
        src = Path(meta["input_path"]).name.lower()
        if "district" in src or "huyen" in src:
            html = nb.with_suffix(".html")
            if html.is_file():
                return html
    pages = [p for p in out.rglob("*.html") if p.name != "index.html"]
    named = [p for p in pages if "district" in p.name.lower() or "huyen" in p.name.lower()]
    return (named or [None])[0]


def page_size(html: Path) -> dict:
    """Byte count, images and network references of one HTML page."""
    text = html.read_text(encoding="utf-8", errors="replace")
    return {
        "bytes": html.stat().st_size,
        "img_tags": len(re.findall(r"<img\b", text, flags=re.I)),
        "embedded_images": len(re.findall(r"data:image/", text)),
        "svg_images": len(re.findall(r"<svg\b", text, flags=re.I)),
        "network_refs": len(re.findall(r"""(?:src|href)\s*=\s*["']https?://""", text)),
    }


# --------------------------------------------------------------------------- driver


def measure_render(
    processed: Path,
    work: Path,
    *,
    jobs: int,
    kinds: list | None,
    runs: int,
    timeout: float,
    baseline_timeout: float | None = None,
):
    """The tool's runs (``ntm render`` into ``work/tool-out``), then the manual loop's over the
    notebooks and parameters the tool executed: (tool, baseline or None, tool output folder).
    ``baseline_timeout`` (default ``timeout``) bounds one run of the loop."""
    tool_out = work / "tool-out"
    tool = harness.measure(
        f"{__name__}:render_cli_task",
        {"processed": str(processed), "out": str(tool_out), "jobs": jobs, "kinds": kinds},
        runs=runs,
        timeout=timeout,
    )
    base = None
    if tool.ok:
        # the serial baseline is slow and steady: one run unless more are asked for
        base = harness.measure(
            f"{__name__}:manual_loop_task",
            {"reference_out": str(tool_out), "work": str(work / "manual-out")},
            runs=1 if runs <= 3 else runs,
            timeout=baseline_timeout or timeout,
        )
    return tool, base, tool_out


def baseline_detail(base: harness.Measurement | None) -> dict:
    """The baseline's last run: its papermill and nbconvert seconds (empty when it did not run)."""
    return base.extra[-1] if base is not None and base.extra else {}


def print_profiles(
    out: Path, conversion: dict[str, float] | float | None, *, conversion_by: str
) -> list[dict]:
    """One ``profile`` line per notebook kind rendered under ``out`` (medians of the pages'
    papermill timings); ``conversion`` is the HTML conversion's seconds, per kind or one
    figure for all, measured as ``conversion_by`` says."""
    profiles = [notebook_profile(p) for p in executed_notebooks(out)]
    by_kind: dict[str, list[dict]] = {}
    for p in profiles:
        by_kind.setdefault(p["notebook"], []).append(p)
    for kind, items in sorted(by_kind.items()):
        med = {
            k: round(statistics.median(i[k] for i in items), 2)
            for k in ("total", "kernel_start", "imports", "cells")
        }
        conv = conversion.get(kind) if isinstance(conversion, dict) else conversion
        print(
            f"{'profile':<11}  {kind} (n={len(items)}): total={med['total']}s "
            f"kernel_start={med['kernel_start']}s imports={med['imports']}s "
            f"cells={med['cells']}s  conversion({conversion_by})={conv}s",
            flush=True,
        )
    return profiles


def run(*, quick: bool, runs: int, catalog_dir: str | None = None, timeout: float = 1800):
    missing = available()
    if missing:
        for name in (NAME, "size"):
            print(f"{name:<11}  SKIPPED: {missing}", flush=True)
        return [{"name": n, "verdict": "SKIPPED", "reason": missing} for n in (NAME, "size")]
    processed = prepare_processed()
    jobs = os.cpu_count() or 2
    # --quick renders the district review only; the full run renders the whole set
    kinds = ["district"] if quick else None
    tool, base, tool_out = measure_render(
        processed, RENDER_DIR, jobs=jobs, kinds=kinds, runs=runs, timeout=timeout
    )
    facts_out = []
    n_nb = tool.extra[-1].get("notebooks") if tool.extra else "?"
    b = baseline_detail(base)
    detail = (
        f"notebooks={n_nb} jobs={jobs} baseline_split[papermill={b.get('papermill_s')}s "
        f"nbconvert={b.get('nbconvert_s')}s]"
    )
    line, facts = harness.result_line(
        NAME,
        f"sample {'district review only' if quick else 'full set'} ({n_nb} notebooks)",
        tool,
        "papermill+nbconvert_cli_loop",
        base,
        target_ratio=TARGET_RATIO,
        extra=detail,
    )
    print(line, flush=True)
    facts["baseline_detail"] = b
    facts_out.append(facts)

    if tool.ok:
        profiles = print_profiles(
            tool_out, b.get("nbconvert_median_s"), conversion_by="nbconvert CLI, median"
        )
        facts_out.append({"name": "profile", "profiles": profiles})

    html = district_review_html(tool_out) if tool.ok else None
    if html is None:
        print(f"{'size':<11}  SKIPPED: no district review HTML was rendered", flush=True)
        facts_out.append({"name": "size", "verdict": "SKIPPED"})
    else:
        size = page_size(html)
        ok = size["bytes"] < SIZE_LIMIT_BYTES
        print(
            f"{'size':<11}  scale=district review {html.relative_to(tool_out)}  "
            f"bytes={size['bytes']:,} ({size['bytes'] / 1024**2:.2f}MB)  "
            f"images={size['embedded_images']} (img tags {size['img_tags']}, "
            f"inline svg {size['svg_images']})  network_refs={size['network_refs']}  "
            f"target<3MB  {'PASS' if ok else 'MISS'}",
            flush=True,
        )
        facts_out.append({"name": "size", **size, "verdict": "PASS" if ok else "MISS"})
    return facts_out
