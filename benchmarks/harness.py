"""Timing harness: every run in a fresh subprocess, median time and peak RSS.

A *task* is ``"module:function"``; the function takes keyword arguments
(JSON-serialisable), does its set-up (imports, loading reference data) and
returns a zero-argument callable: only that call is timed. The subprocess
reports the wall time of the call and its peak resident memory (its own
``ru_maxrss`` and that of any children it ran, whichever is larger), so the
memory figure is honest: it is what the operating system saw.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK_DIR = Path(os.environ.get("NTM_BENCH_WORK", ROOT / "benchmarks" / ".work"))
RESULT_TAG = "BENCH_RESULT "


@dataclass
class Measurement:
    """The runs of one task: seconds and peak RSS (MB) of each run."""

    task: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    before_mb: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    extra: list[dict] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def cpu_median(self) -> float:
        """Median CPU seconds (user + system, with children): steadier under load."""
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else float("nan")

    @property
    def peak(self) -> float:
        return max(self.peak_mb) if self.peak_mb else float("nan")

    @property
    def work_mb(self) -> float:
        """Peak memory above the footprint the process had before the timed call."""
        if not self.peak_mb:
            return float("nan")
        return max(p - b for p, b in zip(self.peak_mb, self.before_mb, strict=True))


def run_once(task: str, kwargs: dict, *, timeout: float | None = None) -> dict:
    """Run ``task`` once in a fresh interpreter and return its result record."""
    cmd = [sys.executable, "-m", "benchmarks._worker", task, json.dumps(kwargs)]
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG) :])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
    raise RuntimeError(f"{task} failed (exit {proc.returncode}): {tail[0]}")


def _run_into(m: Measurement, kwargs: dict, timeout: float | None) -> bool:
    """One fresh-process run of ``m.task``, recorded in ``m``; False once it failed."""
    if m.error is not None:
        return False
    try:
        rec = run_once(m.task, kwargs, timeout=timeout)
    except subprocess.TimeoutExpired:
        m.error = f"timed out after {timeout:.0f} s"
        return False
    except RuntimeError as exc:
        m.error = str(exc)
        return False
    m.seconds.append(rec["seconds"])
    m.peak_mb.append(rec["peak_mb"])
    m.before_mb.append(rec.get("rss_before_mb", float("nan")))
    m.cpu_seconds.append(rec.get("cpu_seconds", float("nan")))
    m.extra.append(rec.get("extra") or {})
    return True


def measure(task: str, kwargs: dict, *, runs: int, timeout: float | None = None) -> Measurement:
    """Median-ready measurement of ``runs`` fresh-process runs of ``task``."""
    m = Measurement(task)
    for _ in range(runs):
        if not _run_into(m, kwargs, timeout):
            break
    return m


def measure_pair(
    baseline: str, tool: str, kwargs: dict, *, runs: int, timeout: float | None = None
) -> tuple[Measurement, Measurement]:
    """Baseline and tool runs interleaved (B, T, B, T, ...), so that both see the
    same state of a shared machine; each run is a fresh process."""
    base, mine = Measurement(baseline), Measurement(tool)
    for _ in range(runs):
        _run_into(base, kwargs, timeout)
        _run_into(mine, kwargs, timeout)
    return base, mine


def _fmt_seconds(x: float) -> str:
    if x != x:
        return "n/a"
    return f"{x:.3f}s" if x < 10 else f"{x:.1f}s"


def result_line(
    name: str,
    scale: str,
    tool: Measurement,
    baseline_name: str,
    baseline: Measurement | None,
    *,
    target_ratio: float | None,
    extra: str = "",
) -> tuple[str, dict]:
    """One printed line per benchmark, and the same facts as a dict."""
    ratio = cpu_ratio = float("nan")
    if baseline is not None and baseline.ok and tool.ok and baseline.median > 0:
        ratio = tool.median / baseline.median
        if baseline.cpu_median > 0:
            cpu_ratio = tool.cpu_median / baseline.cpu_median
    if not tool.ok:
        verdict = f"ERROR ({tool.error})"
    elif baseline is not None and not baseline.ok:
        verdict = f"ERROR (baseline: {baseline.error})"
    elif target_ratio is None or ratio != ratio:
        verdict = "INFO"
    else:
        verdict = "PASS" if ratio <= target_ratio else "MISS"
    parts = [
        f"{name:<11}",
        f"scale={scale}",
        f"median={_fmt_seconds(tool.median)} (n={len(tool.seconds)})",
        f"peak={tool.peak:.0f}MB",
        f"baseline={baseline_name}",
        f"baseline_median={_fmt_seconds(baseline.median) if baseline else 'n/a'}",
        f"ratio={ratio:.2f}x",
        f"target<={target_ratio}x" if target_ratio is not None else "target=n/a",
        verdict,
        f"cpu={_fmt_seconds(tool.cpu_median)} cpu_ratio={cpu_ratio:.2f}x",
    ]
    if extra:
        parts.append(extra)
    facts = {
        "name": name,
        "scale": scale,
        "median_s": tool.median,
        "runs": len(tool.seconds),
        "peak_mb": tool.peak,
        "baseline": baseline_name,
        "baseline_median_s": baseline.median if baseline else None,
        "ratio": ratio,
        "cpu_s": tool.cpu_median,
        "baseline_cpu_s": baseline.cpu_median if baseline else None,
        "cpu_ratio": cpu_ratio,
        "target": target_ratio,
        "verdict": verdict,
    }
    return "  ".join(parts), facts


def machine_description() -> dict:
    """nproc, CPU model, RAM and library versions, for RESULTS.md."""
    import platform

    import pandas as pd

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = float("nan")
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = int(line.split()[1]) / 1024**2
                break
    except OSError:
        pass
    versions = {"pandas": pd.__version__}
    for mod in ("pyarrow", "numpy", "openpyxl", "python_calamine", "papermill", "nbconvert"):
        try:
            from importlib.metadata import version

            versions[mod] = version(mod.replace("_", "-"))
        except Exception:  # not installed: leave it out
            continue
    try:
        load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    return {
        "nproc": os.cpu_count(),
        "load_avg_1_5_15m": load,
        "cpu": cpu,
        "ram_gb": round(ram_gb, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **versions,
    }
