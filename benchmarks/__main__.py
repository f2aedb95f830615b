"""``python -m benchmarks [--only NAME] [--quick] [--runs N] [--record]``.

Runs the benchmarks in order (reading, evaluation, rendering, size, a
province's rendering after the arrangement), one
printed line each, and keeps the facts of the run in
``benchmarks/.work/last-run.json``. ``--record`` also writes the run, with the
machine's description, into ``benchmarks/RESULTS.md`` (between its
``latest-run`` markers).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import (
    bench_evaluation,
    bench_reading,
    bench_render,
    bench_render_province,
    harness,
)

BENCHMARKS = {
    "reading": bench_reading.run,
    "evaluation": bench_evaluation.run,
    "render": bench_render.run,  # also prints the size line
    "render-province": bench_render_province.run,  # also the LocalCluster line
}
RESULTS_FILE = Path(__file__).resolve().parent / "RESULTS.md"
START_MARK = "<!-- latest-run:start -->"
END_MARK = "<!-- latest-run:end -->"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time ntm-analysis against named baselines; one line per benchmark.",
    )
    p.add_argument(
        "--only",
        choices=[*BENCHMARKS, "size"],
        action="append",
        help="run only this benchmark (repeatable); 'size' is measured with 'render'",
    )
    p.add_argument("--quick", action="store_true", help="small scales, for a fast look")
    p.add_argument("--runs", type=int, default=None, help="runs per measurement (default 3)")
    p.add_argument("--timeout", type=float, default=900, help="seconds before one run is abandoned")
    p.add_argument(
        "--catalog-dir", default=None, help="load the criteria catalog from this folder instead"
    )
    p.add_argument(
        "--record", action="store_true", help="write this run into benchmarks/RESULTS.md"
    )
    return p


def _markdown(machine: dict, lines: list[str], args: argparse.Namespace, seconds: float) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "python -m benchmarks" + (" --quick" if args.quick else "")
    if args.runs:
        command += f" --runs {args.runs}"
    for name in args.only or ():
        command += f" --only {name}"
    desc = ", ".join(f"{k}={v}" for k, v in machine.items())
    body = "\n".join(lines)
    return (
        f"{START_MARK}\n"
        f"Run {when}, `{command}`, {seconds / 60:.1f} min in all.\n\n"
        f"Machine: {desc}\n\n```text\n{body}\n```\n"
        f"{END_MARK}"
    )


def _record(markdown: str) -> None:
    text = RESULTS_FILE.read_text(encoding="utf-8") if RESULTS_FILE.is_file() else ""
    if START_MARK in text and END_MARK in text:
        head, rest = text.split(START_MARK, 1)
        _, tail = rest.split(END_MARK, 1)
        text = head + markdown + tail
    else:
        text = text.rstrip() + "\n\n## Latest run\n\n" + markdown + "\n"
    RESULTS_FILE.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    runs = args.runs or (1 if args.quick else 3)
    selected = list(dict.fromkeys(args.only or BENCHMARKS))
    if "size" in selected:
        selected = [n if n != "size" else "render" for n in selected]
        selected = list(dict.fromkeys(selected))
    machine = harness.machine_description()
    print(
        f"# ntm-analysis benchmarks ({'quick' if args.quick else 'full'}, {runs} run(s) each): "
        + ", ".join(f"{k}={v}" for k, v in machine.items()),
        flush=True,
    )
    start = time.perf_counter()
    facts: list[dict] = []
    lines: list[str] = []

    saved = sys.stdout

    class _Tee:
        def write(self, text: str) -> int:
            lines.extend(x for x in text.splitlines() if x.strip())
            return saved.write(text)

        def flush(self) -> None:
            saved.flush()

    sys.stdout = _Tee()
    try:
        for name in selected:
            try:
                facts.extend(
                    BENCHMARKS[name](
                        quick=args.quick,
                        runs=runs,
                        catalog_dir=args.catalog_dir,
                        timeout=args.timeout,
                    )
                )
            except Exception as exc:  # one broken benchmark must not hide the others
                print(f"{name:<11}  ERROR: {type(exc).__name__}: {exc}", flush=True)
                facts.append({"name": name, "verdict": "ERROR", "reason": str(exc)})
    finally:
        sys.stdout = saved
    seconds = time.perf_counter() - start
    with contextlib.suppress(OSError):
        machine["load_avg_at_end"] = "/".join(f"{x:.1f}" for x in os.getloadavg())
    harness.WORK_DIR.mkdir(parents=True, exist_ok=True)
    (harness.WORK_DIR / "last-run.json").write_text(
        json.dumps({"machine": machine, "facts": facts}, indent=2, default=str),
        encoding="utf-8",
    )
    if args.record:
        _record(_markdown(machine, lines, args, seconds))
        print(f"Recorded in {RESULTS_FILE}")
    print(f"# done in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
