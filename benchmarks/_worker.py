"""Run one benchmark task in this (fresh) process and print its result record.

Usage: ``python -m benchmarks._worker module:function '{"kwarg": ...}'``.
The function does its set-up and returns a zero-argument callable; only the
call is timed. If the call returns a dict, it is passed back as ``extra``.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time

from benchmarks.harness import RESULT_TAG


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports KiB


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> int:
    task, raw_kwargs = argv[1], argv[2]
    module_name, func_name = task.split(":")
    func = getattr(importlib.import_module(module_name), func_name)
    call = func(**json.loads(raw_kwargs))
    before = _current_rss_mb()
    cpu_start = _cpu_seconds()
    start = time.perf_counter()
    extra = call()
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_start
    record = {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "rss_before_mb": before,
        "cpu_seconds": cpu,
        "extra": extra if isinstance(extra, dict) else None,
    }
    print(RESULT_TAG + json.dumps(record, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
