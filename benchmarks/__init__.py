"""Benchmark suite of ntm-analysis (``python -m benchmarks`` / ``make bench``).

Each benchmark generates its own deterministic inputs (under
``benchmarks/.work/``), times the tool and a named baseline in fresh
subprocesses, and prints one line: median time, peak memory, the baseline's
median, the ratio and whether the target ratio holds. Targets are reported,
never enforced.
"""
