"""Benchmark 1: ``ntm clean`` of a province-scale raw folder.

Tool: :func:`ntm_analysis.pipeline.clean_folder` (read, parse, evaluate,
validate, write) over 150 invented communes x 4 years of commune report
workbooks plus one district matrix per district and year. Baseline: a plain
loop of ``pandas.read_excel(engine="openpyxl", sheet_name=None)`` over the
same files, reading only. Target: at most 0.5x the baseline.
"""

from __future__ import annotations

import importlib
import tempfile
import time
from pathlib import Path

from benchmarks import harness, inputs

NAME = "reading"
TARGET_RATIO = 0.5
PROVINCE_COMMUNES = 150
YEARS = 4


def read_excel_loop_task(raw_dir: str, **_: object):
    """Baseline: every workbook of ``raw_dir`` through openpyxl, all sheets, reading only."""
    import pandas as pd

    files = sorted(p for p in Path(raw_dir).iterdir() if p.suffix == ".xlsx")

    def call():
        rows = 0
        for path in files:
            sheets = pd.read_excel(path, engine="openpyxl", sheet_name=None)
            rows += sum(len(frame) for frame in sheets.values())
        return {"files": len(files), "rows": rows}

    return call


def clean_task(raw_dir: str, registry_csv: str, catalog_dir: str | None = None, **_: object):
    """Tool: the whole ``ntm clean`` (read, parse, evaluate, write) into a temp folder."""
    from ntm_analysis import config
    from ntm_analysis.pipeline import clean_folder

    if catalog_dir:  # --catalog-dir: the clean loads its catalog from there too
        config.CATALOG_DIR = Path(catalog_dir)

    out = tempfile.mkdtemp(prefix="ntm-bench-clean-")

    def call():
        start = time.perf_counter()
        summary = clean_folder(raw_dir, out, registry_file=registry_csv)
        totals = summary.ingest_report.get("totals", {})
        return {
            "records": totals.get("records"),
            "rejected_rows": totals.get("rejected_rows"),
            "files_read": totals.get("files_read"),
            "findings": len(summary.findings),
            "seconds": round(time.perf_counter() - start, 3),
        }

    return call


def available() -> str | None:
    """None when ``ntm clean`` can run here, else why not."""
    for module in ("ntm_analysis.ingest", "ntm_analysis.pipeline"):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            return f"{module} is not importable yet ({exc})"
    return None


def run(*, quick: bool, runs: int, catalog_dir: str | None = None, timeout: float = 900):
    n = 10 if quick else PROVINCE_COMMUNES
    years = 2 if quick else YEARS
    missing = available()
    if missing:
        print(f"{NAME:<11}  SKIPPED: {missing}", flush=True)
        return [{"name": NAME, "verdict": "SKIPPED", "reason": missing}]
    data = inputs.province_raw_input(n, years, catalog_dir=catalog_dir)
    kwargs = {**data, "catalog_dir": catalog_dir}
    base, tool = harness.measure_pair(
        f"{__name__}:read_excel_loop_task",
        f"{__name__}:clean_task",
        kwargs,
        runs=runs,
        timeout=timeout,
    )
    extra = tool.extra[-1] if tool.extra else {}
    scale = (
        f"{n}communes x {len(data['years'])}y = {data['files']} files ({data['bytes'] / 1e6:.1f}MB)"
    )
    detail = (
        f"records={extra.get('records')} rejected={extra.get('rejected_rows')} "
        f"findings={extra.get('findings')}"
    )
    line, facts = harness.result_line(
        NAME, scale, tool, "read_excel_openpyxl_loop", base, target_ratio=TARGET_RATIO, extra=detail
    )
    print(line, flush=True)
    facts["detail"] = extra
    return [facts]
