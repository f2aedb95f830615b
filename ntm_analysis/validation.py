"""Pandera schemas of the processed-data contract.

The schemas are declared here, apart from the transforms that fill them, and
are checked where the tables are written (:mod:`ntm_analysis.pipeline`) and
where they are read back (:func:`ntm_analysis.pipeline.load_processed`).
Validation is lazy: every failure is collected into one table before raising.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from . import schema as s
from .errors import FindingCheck, NtmError, RejectReason

_YEAR = pa.Column("Int64", pa.Check.in_range(2000, 2100), nullable=False, coerce=True)
_TEXT = {"dtype": "string", "nullable": True, "coerce": True}
_REQ_TEXT = {"dtype": "string", "nullable": False, "coerce": True}
_COUNT = pa.Column("int64", pa.Check.ge(0), coerce=True)
_CODE = pa.Column("string", pa.Check.str_matches(r"^\d{1,2}(\.\d{1,2})?$"), coerce=True)

INDICATORS_SCHEMA = pa.DataFrameSchema(
    {
        "year": _YEAR,
        "commune": pa.Column(**_REQ_TEXT),
        "commune_code": pa.Column(**_TEXT),
        "criteria_set": pa.Column(**_REQ_TEXT),
        "criterion": _CODE,
        "indicator": _CODE,
        "indicator_text": pa.Column(**_TEXT),
        "value": pa.Column("Float64", nullable=True, coerce=True),
        "value_text": pa.Column(**_TEXT),
        "unit": pa.Column(**_TEXT),
        "target_text": pa.Column(**_TEXT),
        "threshold": pa.Column("Float64", nullable=True, coerce=True),
        "threshold_op": pa.Column(
            "string", pa.Check.isin(list(s.THRESHOLD_OPS)), nullable=True, coerce=True
        ),
        "threshold_source": pa.Column(**_TEXT),
        "met": pa.Column("boolean", nullable=True, coerce=True),
        "met_basis": pa.Column(
            "string",
            pa.Check.isin(
                [s.BASIS_THRESHOLD, s.BASIS_STATED_TARGET, s.BASIS_SELF_ASSESSMENT, s.BASIS_NONE]
            ),
            coerce=True,
        ),
        "self_assessed": pa.Column(
            "string", pa.Check.isin(list(s.APPRAISALS)), nullable=True, coerce=True
        ),
        s.SOURCE_FILE: pa.Column(**_TEXT),
        s.SOURCE_SHEET: pa.Column(**_TEXT),
        s.SOURCE_ROW: pa.Column("Int64", nullable=True, coerce=True),
    },
    checks=[
        pa.Check(
            lambda df: ~df.duplicated(["year", "commune_code", "commune", "indicator"]),
            error="one row per year x commune x indicator",
        ),
        pa.Check(
            lambda df: ~((df["met_basis"] == s.BASIS_THRESHOLD) & df["threshold_op"].isna()),
            error="a threshold basis needs a threshold",
        ),
    ],
    strict=True,
    ordered=True,
    name="indicators",
)

CRITERIA_SCHEMA = pa.DataFrameSchema(
    {
        "year": _YEAR,
        "commune": pa.Column(**_REQ_TEXT),
        "commune_code": pa.Column(**_TEXT),
        "criteria_set": pa.Column(**_REQ_TEXT),
        "criterion": _CODE,
        "met": pa.Column("boolean", nullable=True, coerce=True),
        "met_basis": pa.Column("string", pa.Check.isin(list(s.MET_BASES)), coerce=True),
        "self_assessed": pa.Column(
            "string", pa.Check.isin(list(s.APPRAISALS)), nullable=True, coerce=True
        ),
        "indicators_expected": _COUNT,
        "indicators_reported": _COUNT,
        "indicators_met": _COUNT,
        s.SOURCE_FILE: pa.Column(**_TEXT),
        s.SOURCE_SHEET: pa.Column(**_TEXT),
        s.SOURCE_ROW: pa.Column("Int64", nullable=True, coerce=True),
    },
    checks=[
        pa.Check(
            lambda df: df["indicators_met"] <= df["indicators_reported"],
            error="indicators met cannot exceed indicators reported",
        ),
        pa.Check(
            lambda df: ~df.duplicated(["year", "commune_code", "commune", "criterion"]),
            error="one row per year x commune x criterion",
        ),
    ],
    strict=True,
    ordered=True,
    name="criteria",
)

COMMUNES_SCHEMA = pa.DataFrameSchema(
    {
        "year": _YEAR,
        "commune": pa.Column(**_REQ_TEXT),
        "commune_code": pa.Column(**_TEXT),
        "criteria_set": pa.Column(**_REQ_TEXT),
        "criteria_met": _COUNT,
        "criteria_basically_met": _COUNT,
        "criteria_reported": _COUNT,
        "criteria_total": pa.Column("int64", pa.Check.gt(0), coerce=True),
        "status": pa.Column(
            "string",
            pa.Check.isin([s.STATUS_NTM, s.STATUS_NOT_NTM, s.STATUS_NO_DATA]),
            coerce=True,
        ),
    },
    checks=[
        pa.Check(
            lambda df: df["criteria_met"] <= df["criteria_total"],
            error="criteria met cannot exceed the set's total",
        ),
        pa.Check(
            lambda df: (
                (df["status"] == s.STATUS_NTM) == (df["criteria_met"] == df["criteria_total"])
            ),
            error="status 'ntm' exactly when every criterion is met",
        ),
    ],
    strict=True,
    ordered=True,
    name="communes",
)

DISTRICT_SCHEMA = pa.DataFrameSchema(
    {
        "year": _YEAR,
        "district": pa.Column(**_TEXT),
        "criteria_set": pa.Column(**_REQ_TEXT),
        "communes_total": _COUNT,
        "communes_ntm": _COUNT,
        "share_ntm": pa.Column("float64", pa.Check.in_range(0, 1), nullable=True, coerce=True),
        "mean_criteria_met": pa.Column("float64", pa.Check.ge(0), nullable=True, coerce=True),
    },
    strict=True,
    ordered=True,
    name="district",
)

DISTRICT_CRITERIA_SCHEMA = pa.DataFrameSchema(
    {
        "year": _YEAR,
        "district": pa.Column(**_TEXT),
        "criteria_set": pa.Column(**_REQ_TEXT),
        "criterion": _CODE,
        "communes_met": _COUNT,
        "communes_reported": _COUNT,
        "share_met": pa.Column("Float64", pa.Check.in_range(0, 1), nullable=True, coerce=True),
    },
    strict=True,
    ordered=True,
    name="district_criteria",
)

FINDINGS_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column("Int64", nullable=True, coerce=True),
        "commune": pa.Column(**_TEXT),
        "subject_type": pa.Column(
            "string",
            pa.Check.isin(["criterion", "indicator", "total", "commune", "file", "sheet"]),
            coerce=True,
        ),
        "subject": pa.Column(**_TEXT),
        "check": pa.Column(
            "string", pa.Check.isin([c.value for c in FindingCheck]), nullable=False, coerce=True
        ),
        "message": pa.Column(**_REQ_TEXT),
        "source": pa.Column(**_TEXT),
        s.SOURCE_FILE: pa.Column(**_TEXT),
        s.SOURCE_SHEET: pa.Column(**_TEXT),
        s.SOURCE_ROW: pa.Column("Int64", nullable=True, coerce=True),
    },
    strict=True,
    ordered=True,
    name="findings",
)

REJECTS_SCHEMA = pa.DataFrameSchema(
    {
        s.SOURCE_FILE: pa.Column(**_REQ_TEXT),
        s.SOURCE_SHEET: pa.Column(**_TEXT),
        s.SOURCE_ROW: pa.Column("Int64", nullable=True, coerce=True),
        "column": pa.Column(**_TEXT),
        "raw_value": pa.Column(**_TEXT),
        "reason": pa.Column(
            "string", pa.Check.isin([r.value for r in RejectReason]), nullable=False, coerce=True
        ),
        "message": pa.Column(**_REQ_TEXT),
    },
    strict=True,
    ordered=True,
    name="rejects",
)

PLANS_SCHEMA = pa.DataFrameSchema(
    {
        "task_id": pa.Column("string", pa.Check.str_matches(r"^NV-\d{4}-"), coerce=True),
        "year": _YEAR,
        "department": pa.Column(**_REQ_TEXT),
        "commune": pa.Column(**_REQ_TEXT),
        "indicator": _CODE,
        "action": pa.Column(**_TEXT),
        "officer": pa.Column(**_TEXT),
        "deadline": pa.Column("datetime64[ns]", nullable=True, coerce=True),
        "budget_million_vnd": pa.Column("Float64", pa.Check.ge(0), nullable=True, coerce=True),
        "funding_source": pa.Column(**_TEXT),
        "status": pa.Column(
            "string", pa.Check.isin(list(s.PLAN_STATUSES)), nullable=True, coerce=True
        ),
        s.SOURCE_FILE: pa.Column(**_REQ_TEXT),
        s.SOURCE_ROW: pa.Column("Int64", nullable=False, coerce=True),
    },
    strict=True,
    ordered=True,
    unique=["task_id", "department"],
    name="plans",
)

PLAN_REJECTS_SCHEMA = pa.DataFrameSchema(
    {
        s.SOURCE_FILE: pa.Column(**_REQ_TEXT),
        s.SOURCE_SHEET: pa.Column(**_TEXT),
        "cell": pa.Column(**_TEXT),
        s.SOURCE_ROW: pa.Column("Int64", nullable=True, coerce=True),
        "column": pa.Column(**_TEXT),
        "raw_value": pa.Column(**_TEXT),
        "reason": pa.Column(
            "string", pa.Check.isin([r.value for r in RejectReason]), nullable=False, coerce=True
        ),
        "message": pa.Column(**_REQ_TEXT),
    },
    strict=True,
    ordered=True,
    name="plan_rejects",
)

SCHEMAS = {
    "indicators": INDICATORS_SCHEMA,
    "criteria": CRITERIA_SCHEMA,
    "communes": COMMUNES_SCHEMA,
    "district": DISTRICT_SCHEMA,
    "district_criteria": DISTRICT_CRITERIA_SCHEMA,
    "findings": FINDINGS_SCHEMA,
    "rejects": REJECTS_SCHEMA,
    "plans": PLANS_SCHEMA,
    "plan_rejects": PLAN_REJECTS_SCHEMA,
}


class ContractError(NtmError):
    """A processed table breaks the data contract; ``failures`` lists every case."""

    def __init__(self, table: str, failures: pd.DataFrame):
        first = failures.head(3).to_dict("records")
        super().__init__(
            f"The {table} table breaks the processed-data contract "
            f"({len(failures)} failure(s)), e.g. {first}"
        )
        self.table = table
        self.failures = failures


def validate_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Validate (and coerce) one processed table; raise :class:`ContractError`."""
    try:
        return SCHEMAS[name].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ContractError(name, exc.failure_cases) from None
