"""Paths and settings, defined once.

Every default path of the tool comes from here; the CLI, the notebooks and the
tests read these names instead of spelling paths themselves.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJ_ROOT = PACKAGE_DIR.parent

#: Root of the working data. ``NTM_DATA_DIR`` moves it (used by tests and batch jobs).
DATA_DIR = Path(os.environ.get("NTM_DATA_DIR", PROJ_ROOT / "data"))
RAW_DATA_DIR = DATA_DIR / "raw"
SAMPLE_RAW_DIR = RAW_DATA_DIR / "sample"
PROCESSED_DATA_DIR = DATA_DIR / "processed"
OUTPUTS_DIR = Path(os.environ.get("NTM_OUTPUTS_DIR", PROJ_ROOT / "outputs"))
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
#: The notebook in ``NOTEBOOKS_DIR`` that renders each kind of page.
PAGE_NOTEBOOKS = {
    "district": "district_review.ipynb",
    "commune": "commune_profile.ipynb",
    "department": "department_report.ipynb",
    "exploration": "exploration.ipynb",
}

#: Data shipped inside the package (catalog, registry, example responsibility map).
PACKAGE_DATA_DIR = PACKAGE_DIR / "data"
CATALOG_DIR = PACKAGE_DATA_DIR / "catalog"
REGISTRY_FILE = PACKAGE_DATA_DIR / "registry" / "communes.csv"
RESPONSIBILITY_FILE = PACKAGE_DATA_DIR / "responsibility" / "departments.csv"

#: Input files larger than this are refused with a clear message (bytes).
MAX_INPUT_BYTES = int(os.environ.get("NTM_MAX_INPUT_BYTES", 50 * 1024 * 1024))

#: The header row of a commune report is searched for in this many top rows.
HEADER_SEARCH_ROWS = 25

#: Languages of the user-facing labels and messages, and the default one: Vietnamese,
#: unless the environment sets ``NTM_LANG`` to ``en`` (``ntm --lang`` overrides it per run;
#: a value that is not a language is ignored here and refused by ``ntm``).
LANGS = ("vi", "en")
LANG_ENV = "NTM_LANG"
DEFAULT_LANG = os.environ.get(LANG_ENV) if os.environ.get(LANG_ENV) in LANGS else "vi"

#: Name of the Jupyter kernel that set-up registers for the notebooks.
KERNEL_NAME = "ntm-analysis"

#: Processed file names (the processed-data contract).
INDICATORS_FILE = "indicators.parquet"
CRITERIA_FILE = "criteria.parquet"
COMMUNES_FILE = "communes.parquet"
DISTRICT_FILE = "district.parquet"
DISTRICT_CRITERIA_FILE = "district_criteria.parquet"
FINDINGS_FILE = "findings.csv"
REJECTS_FILE = "rejects.csv"
INGEST_REPORT_FILE = "ingest_report.json"
#: Every record as read, before evaluation (``ntm_analysis.pipeline.read_records``).
RECORDS_FILE = "records.parquet"

# Task plans read back from the departments' workbooks (ntm tasks import)
PLANS_FILE = "plans.parquet"
PLAN_REJECTS_FILE = "plan_rejects.csv"
PLAN_CHANGES_FILE = "plan_changes.csv"
#: A folder of this name under the raw folder holds filled task workbooks, not commune reports.
PLANS_FOLDER = "plans"
