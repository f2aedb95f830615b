"""Column names and code values of the processed-data contract, defined once.

Every module refers to these constants instead of spelling column names, so a
rename happens in one place. The pandera schemas that validate the written
tables live in :mod:`ntm_analysis.validation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .provenance import is_sample_report

if TYPE_CHECKING:  # pandas is not imported at run time: this module stays light
    import pandas as pd

# --- appraisal codes (commune's own "tự đánh giá", matrix marks) -------------
MET = "met"  # "Đạt", "Đ", "x"
BASICALLY_MET = "basically_met"  # "Cơ bản đạt", "CBĐ" -- counts as not met
NOT_MET = "not_met"  # "Chưa đạt", "Không đạt", "CĐ"
APPRAISALS = (MET, BASICALLY_MET, NOT_MET)

# --- threshold operators (``threshold_op``) -------------------------------------
OP_AT_LEAST = ">="  # "≥ 95%": a floor
OP_AT_MOST = "<="  # "≤ 2%": a ceiling
OP_ABOVE = ">"  # strict floor
OP_BELOW = "<"  # strict ceiling
OP_YES = "yes"  # a yes/no indicator that must be "Đạt" / "Có"
#: Every operator, in the order of the integer codes evaluation gives them.
THRESHOLD_OPS = (OP_AT_LEAST, OP_AT_MOST, OP_ABOVE, OP_BELOW, OP_YES)
#: Operators that compare a number (all but yes/no).
NUMERIC_OPS = (OP_AT_LEAST, OP_AT_MOST, OP_ABOVE, OP_BELOW)
#: Operators whose threshold is a floor (higher is better); the other numeric ones are ceilings.
HIGHER_OPS = (OP_AT_LEAST, OP_ABOVE)
#: How each numeric operator is written for people.
OP_SYMBOLS = {OP_AT_LEAST: "≥", OP_AT_MOST: "≤", OP_ABOVE: ">", OP_BELOW: "<"}

# --- how a computed `met` was decided ------------------------------------------
BASIS_THRESHOLD = "threshold"  # value compared with the catalog / province threshold
BASIS_STATED_TARGET = "stated_target"  # no threshold set: value vs the report's own target
BASIS_SELF_ASSESSMENT = "self_assessment"  # no usable target: the commune's appraisal
BASIS_INDICATORS = "indicators"  # criterion: all its reported indicators
BASIS_MATRIX = "district_matrix"  # criterion: mark in a district summary matrix
BASIS_NONE = "undecided"  # neither a usable value nor an appraisal
MET_BASES = (
    BASIS_THRESHOLD,
    BASIS_STATED_TARGET,
    BASIS_SELF_ASSESSMENT,
    BASIS_INDICATORS,
    BASIS_MATRIX,
    BASIS_NONE,
)

#: ``threshold_source`` of an indicator judged against the target its report states.
STATED_TARGET_SOURCE = "Chỉ tiêu ghi trong báo cáo của xã"

#: A commune's identity in every table: codes are reused with a new meaning after the
#: 07/2025 reform, so a code alone is not a key.
COMMUNE_KEY = ["commune_code", "commune"]
#: Optional column of the commune tables: the registry unit of a row (added by
#: :func:`ntm_analysis.history.with_units`). Where present it is part of a commune's
#: identity, so the units before and after a merger that share a name and code stay apart.
UNIT_COLUMN = "unit"


def commune_key(frame: pd.DataFrame) -> list[str]:
    """A commune's identity in ``frame``: code and name, and its unit where the frame has one."""
    return COMMUNE_KEY + ([UNIT_COLUMN] if UNIT_COLUMN in frame.columns else [])


# --- commune status -------------------------------------------------------------
STATUS_NTM = "ntm"  # meets every criterion of the set
STATUS_NOT_NTM = "not_ntm"
STATUS_NO_DATA = "no_data"

# --- input layouts ----------------------------------------------------------------
LAYOUT_COMMUNE_REPORT = "commune_report"
LAYOUT_DISTRICT_MATRIX = "district_matrix"
LAYOUT_TIDY = "tidy"
#: When the same year x commune x code arrives from several layouts with different
#: values, the first in this tuple wins (documented in README).
LAYOUT_PRECEDENCE = (LAYOUT_COMMUNE_REPORT, LAYOUT_TIDY, LAYOUT_DISTRICT_MATRIX)

# --- source columns (carried by every record, reject and finding) ---------------
SOURCE_FILE = "source_file"
SOURCE_SHEET = "source_sheet"
SOURCE_ROW = "source_row"  # 1-based row number as a spreadsheet shows it
SOURCE = "source"  # "file.xlsx › Sheet1 › row 12" (human readable)
SOURCE_COLUMNS = (SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW)

# --- raw records: what ingestion hands to evaluation ----------------------------
#: One row per year x commune x code read from any layout. `level` says whether
#: the code is an indicator ("17.1") or a criterion ("17").
RECORD_COLUMNS = (
    "year",  # int
    "commune",  # registry name, e.g. "Xã Quảng Tân"
    "commune_code",  # registry code, e.g. "06913"
    "level",  # "indicator" | "criterion"
    "criterion",  # "17"
    "indicator",  # "17.1"; for a criterion-level record, the criterion number
    "indicator_text",  # the indicator's wording as the report writes it beside the code, or NA
    "value",  # float or NA (parsed number; yes/no as 1.0 / 0.0)
    "value_text",  # the cell as written (NFC-normalised)
    "unit",  # unit found in the value cell or header ("%", "triệu đồng/người/năm") or NA
    "target_text",  # the target cell as written, or NA
    "self_assessed",  # MET | BASICALLY_MET | NOT_MET | NA
    "layout",  # LAYOUT_*
    "stated_total",  # matrix only: "Tổng số tiêu chí đạt" as written (float) or NA
    SOURCE_FILE,
    SOURCE_SHEET,
    SOURCE_ROW,
)

# --- processed tables -------------------------------------------------------------
INDICATOR_COLUMNS = (
    "year",
    "commune",
    "commune_code",
    "criteria_set",
    "criterion",
    "indicator",
    "indicator_text",  # the wording of the commune's own report (NA when it gives none)
    "value",
    "value_text",
    "unit",
    "target_text",
    "threshold",  # float or NA: the figure of the target in use (threshold or stated target)
    "threshold_op",  # one of THRESHOLD_OPS, or NA when no target is in use
    "threshold_source",  # legal source of the threshold, STATED_TARGET_SOURCE, or NA
    "met",  # boolean or NA
    "met_basis",  # BASIS_THRESHOLD | BASIS_STATED_TARGET | BASIS_SELF_ASSESSMENT | BASIS_NONE
    "self_assessed",
    SOURCE_FILE,
    SOURCE_SHEET,
    SOURCE_ROW,
)

CRITERION_COLUMNS = (
    "year",
    "commune",
    "commune_code",
    "criteria_set",
    "criterion",
    "met",  # boolean or NA
    "met_basis",  # BASIS_INDICATORS | BASIS_SELF_ASSESSMENT | BASIS_MATRIX | BASIS_NONE
    "self_assessed",
    "indicators_expected",  # by the catalog
    "indicators_reported",
    "indicators_met",
    SOURCE_FILE,  # the criterion's own record, else its first indicator's
    SOURCE_SHEET,
    SOURCE_ROW,
)

COMMUNE_COLUMNS = (
    "year",
    "commune",
    "commune_code",
    "criteria_set",
    "criteria_met",
    "criteria_basically_met",
    "criteria_reported",
    "criteria_total",
    "status",  # STATUS_*
)

DISTRICT_COLUMNS = (
    "year",
    "district",
    "criteria_set",
    "communes_total",
    "communes_ntm",
    "share_ntm",
    "mean_criteria_met",
)

FINDING_COLUMNS = (
    "year",
    "commune",
    "subject_type",  # "criterion" | "indicator" | "total" | "commune" | "file"
    "subject",  # "17", "17.1", ...
    "check",  # a FindingCheck code
    "message",  # one sentence an analyst can act on
    "source",  # "file.xlsx › Sheet1 › row 12": the three columns below, joined for display
    SOURCE_FILE,  # the file the finding points into (the kept one, for a duplicate)
    SOURCE_SHEET,  # its sheet or Word table, NA for a whole file
    SOURCE_ROW,  # 1-based row, NA for a whole file or sheet
)

REJECT_COLUMNS = (
    SOURCE_FILE,
    SOURCE_SHEET,
    SOURCE_ROW,
    "column",  # spreadsheet column letter or header text, or NA for whole rows
    "raw_value",
    "reason",  # a RejectReason code
    "message",
)

# ----------------------------------------------------------------- plans (task workbooks)

#: What a department reports of a task's progress (the workbook's "Tiến độ" drop-down).
PLAN_NOT_STARTED = "not_started"  # "Chưa triển khai"
PLAN_IN_PROGRESS = "in_progress"  # "Đang thực hiện"
PLAN_DONE = "done"  # "Hoàn thành"
PLAN_DELAYED = "delayed"  # "Chậm tiến độ"
PLAN_STATUSES = (PLAN_NOT_STARTED, PLAN_IN_PROGRESS, PLAN_DONE, PLAN_DELAYED)

#: How a planned task of year Y stands once year Y+1's data is in.
TRACK_CLOSED = "closed"  # the indicator is now met
TRACK_OVERDUE = "overdue"  # still unmet and its deadline has passed
TRACK_ON_TIME = "on_time"  # still unmet, deadline not yet passed
TRACK_NO_DEADLINE = "no_deadline"  # still unmet, no readable deadline
TRACK_NO_DATA = "no_data"  # no data on the indicator in year Y+1
TRACKING_STATES = (TRACK_CLOSED, TRACK_OVERDUE, TRACK_ON_TIME, TRACK_NO_DEADLINE, TRACK_NO_DATA)

#: plans.parquet: one row per task and department, the latest import of it.
PLAN_COLUMNS = (
    "task_id",  # "NV-2023-06919-15.1": year, commune code, indicator
    "year",  # the data year the task was drawn from
    "department",
    "commune",
    "indicator",
    "action",  # Giải pháp
    "officer",  # Cán bộ phụ trách
    "deadline",  # Hạn hoàn thành (a date; a month, quarter or year is its last day)
    "budget_million_vnd",  # Kinh phí (triệu đồng)
    "funding_source",  # Nguồn vốn
    "status",  # a PLAN_STATUSES code
    SOURCE_FILE,
    SOURCE_ROW,
)

#: plan_rejects.csv: one row per cell (or row) of a plan workbook that could not be used.
PLAN_REJECT_COLUMNS = (
    SOURCE_FILE,
    SOURCE_SHEET,
    "cell",  # "K12"
    SOURCE_ROW,
    "column",  # the header text of the column
    "raw_value",
    "reason",  # a RejectReason code
    "message",  # in the language of the run (ntm --lang)
)

#: plan_changes.csv: every field a later import changed, appended run after run.
PLAN_CHANGE_COLUMNS = (
    "imported_at",
    "task_id",
    "department",
    "field",
    "old_value",
    "new_value",
    SOURCE_FILE,
    SOURCE_ROW,
)


@dataclass(frozen=True)
class ProcessedData:
    """The processed tables of one ``ntm clean`` run, as read back from disk.

    Defined here rather than beside the pandera validation so that a
    pickled copy (the render batch's snapshot) unpickles without pandera.
    """

    indicators: pd.DataFrame
    criteria: pd.DataFrame
    communes: pd.DataFrame
    district: pd.DataFrame
    district_criteria: pd.DataFrame
    findings: pd.DataFrame
    rejects: pd.DataFrame
    ingest_report: dict
    path: Path

    @property
    def is_sample(self) -> bool:
        return is_sample_report(self.ingest_report)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.communes["year"].unique())


def code_sort_key(code: object) -> tuple[int, ...]:
    """Numeric sort key of a criterion / indicator code.

    >>> sorted(["10", "2.1", "2", "1.10", "1.2"], key=code_sort_key)
    ['1.2', '1.10', '2', '2.1', '10']
    """
    parts = []
    for p in str(code).split("."):
        parts.append(int(p) if p.isdigit() else 10**6)
    return tuple(parts)
