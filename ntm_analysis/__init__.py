"""Analysis helpers for Vietnam's New Rural Development (nông thôn mới) criteria review.

The public API is re-exported here and imported lazily, so ``import
ntm_analysis`` stays fast (the CLI and each notebook kernel pay only for what
they use)::

    import ntm_analysis as ntm
    data = ntm.load_processed()          # the tables `ntm clean` wrote
    catalog = ntm.load_catalog()         # criteria sets with their sources
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_catalog": "ntm_analysis.catalog",
    "load_registry": "ntm_analysis.registry",
    "clean_folder": "ntm_analysis.pipeline",
    "run_clean": "ntm_analysis.pipeline",
    "load_processed": "ntm_analysis.pipeline",
    "evaluate": "ntm_analysis.evaluation",
    "ingest_folder": "ntm_analysis.ingest",
    "write_sample": "ntm_analysis.sample",
    "NtmError": "ntm_analysis.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'ntm_analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
