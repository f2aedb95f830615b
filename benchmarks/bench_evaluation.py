"""Benchmark 2: evaluation, roll-ups and year-over-year analysis at national scale.

Tool: read the records parquet, ``evaluate(...)`` (indicators, criteria,
communes, district roll-ups, findings) and the year-over-year analysis of
the analysis modules (``standing``, ``changes``, ``progress``, ``lagging``).
Baseline: reading the same parquet file. Target:
at most 3x the baseline, peak memory under 2 GB. A scale series (district
scale x 10, x 100, x 1000) reports how time and memory grow.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from benchmarks import harness, inputs

NAME = "evaluation"
TARGET_RATIO = 3.0
TARGET_PEAK_MB = 2048
NATIONAL_COMMUNES = 8000
DISTRICT_COMMUNES = 10
YEARS = 5


# --------------------------------------------------------------------------- worker tasks


def read_parquet_task(parquet: str, **_: object):
    """Baseline: only read the parquet file."""
    import pandas as pd
    import pyarrow.parquet  # noqa: F401  (warm, as in the tool's process)

    def call():
        frame = pd.read_parquet(parquet)
        return {"rows": len(frame)}

    return call


def year_over_year(evaluation, catalog=None) -> dict[str, float | str]:
    """Run the year-over-year analysis the review uses; seconds per step."""
    out: dict[str, float | str] = {}
    for name, fn in analysis_steps(evaluation, catalog):
        start = time.perf_counter()
        try:
            fn()
        except Exception as exc:  # a failing step is reported, the others still run
            out[name] = f"ERROR({type(exc).__name__}: {exc})"
            continue
        out[name] = round(time.perf_counter() - start, 3)
    return out


def analysis_steps(evaluation, catalog=None):
    """(name, zero-argument callable) per analysis step a review runs."""
    from ntm_analysis import changes, lagging, progress, standing

    ev = evaluation
    years = sorted(int(y) for y in ev.communes["year"].unique())
    first, last = years[0], years[-1]
    previous = years[-2] if len(years) > 1 else first
    return [
        ("commune_standing", lambda: standing.commune_standing(ev.communes, last)),
        ("district_summary", lambda: standing.district_summary(ev.communes, ev.criteria)),
        ("criterion_shares", lambda: standing.criterion_shares(ev.criteria)),
        ("indicator_shares", lambda: standing.indicator_shares(ev.indicators)),
        (
            "compare_years",
            lambda: changes.compare_years(ev.criteria, ev.communes, previous, last),
        ),
        ("gap_to_target", lambda: progress.gap_to_target(ev.indicators, last)),
        ("progress_status", lambda: progress.progress_status(ev.indicators, catalog=catalog)),
        ("lagging_criteria", lambda: lagging.lagging_criteria(ev.criteria, ev.indicators, last)),
    ]


def evaluate_task(parquet: str, registry_csv: str, catalog_dir: str | None = None, **_: object):
    """Tool: read parquet, evaluate, roll up, year-over-year analysis."""
    import pyarrow.parquet  # noqa: F401  (warm, as in the baseline's process)

    from ntm_analysis.evaluation import evaluate
    from ntm_analysis.pipeline import read_records
    from ntm_analysis.registry import load_registry

    catalog = inputs.load_reference(catalog_dir)
    registry = load_registry(registry_csv)
    # import cost stays outside the timed call
    from ntm_analysis import changes, lagging, progress, standing  # noqa: F401

    def call():
        steps = {}
        start = time.perf_counter()
        records = read_records(parquet)  # the tool's own reader (text as categoricals)
        steps["read"] = round(time.perf_counter() - start, 3)
        start = time.perf_counter()
        ev = evaluate(records, catalog=catalog, registry=registry)
        steps["evaluate"] = round(time.perf_counter() - start, 3)
        start = time.perf_counter()
        steps.update(year_over_year(ev, catalog))
        steps["analysis"] = round(time.perf_counter() - start, 3)
        steps["indicator_rows"] = len(ev.indicators)
        return steps

    return call


# --------------------------------------------------------------------------- driver


def pair_ratios(baseline: list[float], tool: list[float]) -> list[float]:
    """Tool / baseline of each interleaved pair of runs, smallest first.

    >>> pair_ratios([0.4, 1.0], [1.2, 1.5])
    [1.5, 3.0]
    """
    return sorted(round(t / b, 2) for b, t in zip(baseline, tool, strict=False) if b > 0)


def growth_exponents(points: list[tuple[float, float]]) -> list[float]:
    """log-log slopes between successive (size, cost) points (1.0 = linear).

    >>> growth_exponents([(10, 1.0), (100, 10.0), (1000, 200.0)])
    [1.0, 1.3]
    """
    out = []
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if min(x0, y0, x1, y1) <= 0:
            out.append(float("nan"))
            continue
        out.append(round(math.log(y1 / y0) / math.log(x1 / x0), 2))
    return out


def run(*, quick: bool, runs: int, catalog_dir: str | None = None, timeout: float = 900):
    """Print the national-scale line and the scale series; return their facts."""
    national = 200 if quick else NATIONAL_COMMUNES
    data = inputs.records_input(national, YEARS, catalog_dir=catalog_dir)
    kwargs = {**data, "catalog_dir": catalog_dir}
    Path(data["parquet"]).read_bytes()  # both sides read from a warm OS cache
    base, tool = harness.measure_pair(
        f"{__name__}:read_parquet_task",
        f"{__name__}:evaluate_task",
        kwargs,
        runs=runs,
        timeout=timeout,
    )
    steps = tool.extra[-1] if tool.extra else {}
    pairs = pair_ratios(base.seconds, tool.seconds)
    pair_text = ",".join(f"{r:.2f}" for r in pairs)
    step_text = ",".join(f"{k}={v}" for k, v in steps.items() if k != "indicator_rows")
    mem_ok = tool.ok and tool.peak < TARGET_PEAK_MB
    line, facts = harness.result_line(
        NAME,
        f"{national}communes x {len(data['years'])}y = {data['rows']:,} records "
        f"({steps.get('indicator_rows', '?'):,} indicator rows)"
        if isinstance(steps.get("indicator_rows"), int)
        else f"{national}communes x {len(data['years'])}y = {data['rows']:,} records",
        tool,
        "read_parquet",
        base,
        target_ratio=TARGET_RATIO,
        extra=f"peak<{TARGET_PEAK_MB}MB:{'PASS' if mem_ok else 'MISS'}  "
        f"pair_ratios[{pair_text}]  steps[{step_text}]",
    )
    print(line, flush=True)
    facts["steps"] = steps
    facts["pair_ratios"] = pairs
    facts["memory_verdict"] = "PASS" if mem_ok else "MISS"

    # scale series: district scale x 1, 10, 100, 1000
    factors = (1, 10) if quick else (1, 10, 100, 1000)
    series = []
    for f in factors:
        n = DISTRICT_COMMUNES * f
        d = inputs.records_input(n, YEARS, catalog_dir=catalog_dir)
        m = harness.measure(
            f"{__name__}:evaluate_task",
            {**d, "catalog_dir": catalog_dir},
            runs=1 if f > 1 or quick else runs,
            timeout=timeout,
        )
        extra = m.extra[-1] if m.extra else {}
        series.append(
            {
                "factor": f,
                "communes": n,
                "records": d["rows"],
                "seconds": m.median,
                "peak_mb": m.peak,
                "work_mb": max(m.work_mb, 1.0),
                "evaluate_s": extra.get("evaluate"),
                "error": m.error,
            }
        )
    t_exp = growth_exponents([(p["records"], p["seconds"]) for p in series])
    m_exp = growth_exponents([(p["records"], p["work_mb"]) for p in series])
    cells = "  ".join(
        f"x{p['factor']}:{p['records']:,}rec {p['seconds']:.2f}s {p['peak_mb']:.0f}MB"
        for p in series
    )
    print(
        f"{'eval-scale':<11}  {cells}  time_exponents={t_exp}  memory_exponents={m_exp}"
        "  (1.0 = linear; memory above the process' start-up footprint)",
        flush=True,
    )
    return [facts, {"name": "eval-scale", "series": series, "time_exp": t_exp, "mem_exp": m_exp}]
