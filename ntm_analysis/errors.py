"""One base exception, its subclasses, and the fixed sets of reason codes.

Errors are data: a rejected row carries a :class:`RejectReason` code, a
cross-check that disagrees carries a :class:`FindingCheck` code, and both carry
a sentence a district analyst can act on.
"""

from __future__ import annotations

from enum import StrEnum


class NtmError(Exception):
    """Base class of every error this package raises on purpose."""


class UsageError(NtmError):
    """The user asked for something that cannot be done (bad path, option...)."""


class CatalogError(NtmError):
    """A catalog, province set or registry file is malformed."""

    def __init__(self, message: str, *, path: str | None = None, entry: str | None = None):
        super().__init__(message)
        self.path = path
        self.entry = entry


class UnreadableFileError(NtmError):
    """An input file could not be opened as a spreadsheet or CSV."""

    def __init__(self, message: str, *, path: str, reason: str):
        super().__init__(message)
        self.path = path
        self.reason = reason


class NoDataError(NtmError):
    """Nothing usable was found where data was expected."""


class RenderError(NtmError):
    """A notebook failed to execute or convert."""

    def __init__(
        self,
        message: str,
        *,
        notebook: str | None = None,
        parameters: dict | None = None,
        cell_index: int | None = None,
        cell_source: str | None = None,
    ):
        super().__init__(message)
        self.notebook = notebook
        self.parameters = parameters or {}
        self.cell_index = cell_index
        self.cell_source = cell_source


class RejectReason(StrEnum):
    """Why an input row (or cell) could not be used."""

    EXCEL_ERROR = "excel_error"  # "#DIV/0!", "#REF!", ...
    UNPARSEABLE_VALUE = "unparseable_value"  # a value cell that is neither number nor appraisal
    UNKNOWN_INDICATOR = "unknown_indicator"  # code not in the criteria set
    UNKNOWN_COMMUNE = "unknown_commune"  # name not in the registry
    AMBIGUOUS_COMMUNE = "ambiguous_commune"  # e.g. bare "Đầm Hà": town or commune
    COMMUNE_NOT_VALID_IN_YEAR = "commune_not_valid_in_year"  # merged away / not yet created
    MISSING_YEAR = "missing_year"  # no year in titles, sheet name or file name
    MISSING_COMMUNE = "missing_commune"  # no commune in titles, sheet name or file name
    NO_CRITERIA_SET = "no_criteria_set"  # year outside every criteria set
    UNRECOGNISED_ROW = "unrecognised_row"  # a row inside a table that fits no pattern
    NO_HEADER = "no_header"  # a sheet with content but no recognisable table
    DUPLICATE_CONFLICT = "duplicate_conflict"  # lost to a record of higher precedence
    BAD_MARK = "bad_mark"  # matrix cell that is not a known met / not-met mark
    # task workbooks read back by ``ntm tasks import``
    UNREADABLE_DEADLINE = "unreadable_deadline"  # "sớm nhất có thể", "31/2/2024"
    UNREADABLE_BUDGET = "unreadable_budget"  # "vài trăm triệu"
    UNKNOWN_STATUS = "unknown_status"  # not one of the "Tiến độ" choices
    UNKNOWN_TASK = "unknown_task"  # a task id the data does not give
    ALTERED_TOOL_COLUMN = "altered_tool_column"  # a cell the tool filled was changed
    UNREADABLE_FILE = "unreadable_file"  # a workbook that cannot be opened


class FindingCheck(StrEnum):
    """Which cross-check disagreed."""

    APPRAISAL_VS_THRESHOLD = "appraisal_vs_threshold"  # indicator: self-appraisal vs threshold
    APPRAISAL_VS_STATED_TARGET = "appraisal_vs_stated_target"  # vs the report's own target
    STATED_TARGET_VS_THRESHOLD = "stated_target_vs_threshold"  # report's target vs threshold
    STATED_TARGET_INCONSISTENT = "stated_target_inconsistent"  # communes of a region disagree
    TARGET_UNPARSED = "target_unparsed"  # target text that is not a target (or wrong unit)
    CRITERION_VS_INDICATORS = "criterion_vs_indicators"  # criterion appraisal vs its indicators
    CRITERION_APPRAISAL_VS_RESULT = "criterion_appraisal_vs_result"  # vs computed result
    MATRIX_TOTAL_MISMATCH = "matrix_total_mismatch"  # stated total vs marks
    REPORT_TOTAL_MISMATCH = "report_total_mismatch"  # "Đạt 19/19 tiêu chí" vs the report's rows
    MISSING_INDICATOR = "missing_indicator"  # expected by the catalog, absent from the report
    DUPLICATE_CONFLICT = "duplicate_conflict"  # same key, different values, from two sources
    DUPLICATE_SAME = "duplicate_same"  # same values twice (kept one): one line per file pair
    REPLACED_VERSION = "replaced_version"  # a newer version of a file replaced changed values
    SOURCE_CONFLICT = "source_conflict"  # titles / sheet name / file name disagree
    LEGACY_ENCODING = "legacy_encoding"  # text converted from TCVN3 / VNI
    FRACTION_AS_PERCENT = "fraction_as_percent"  # a bare 0.5 in a percent cell read as 50%
    MISSING_COMMUNE_REPORT = "missing_commune_report"  # registry unit with no data this year
    #: a file's indicator rows of a set the catalog knows at criterion level only (kept as written)
    INDICATORS_NOT_IN_CATALOG = "indicators_not_in_catalog"
