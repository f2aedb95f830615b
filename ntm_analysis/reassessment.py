"""The re-assessment beside the communes' own word: standing, disagreements, bases.

Evaluation judges every indicator against a target (see README "Evaluation
rules"); the commune's appraisal ("Tự đánh giá") is kept beside the result.
These functions put the two side by side for the review meeting. Pure:
DataFrames in (the processed tables, plain or categorical), DataFrames out.
"""

from __future__ import annotations

import pandas as pd

from . import schema as s
from .findings import source_text
from .schema import code_sort_key

#: Columns of :func:`disagreements`.
DISAGREEMENT_COLUMNS = (
    "year",
    "commune",
    "indicator",
    "value_text",
    "target_text",
    "self_assessed",
    "met",
    "met_basis",
    "source_file",
    "source",
)


def reassessed_standing(criteria: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """Per commune in ``year``: criteria met as re-assessed and as the commune reports them.

    ``criteria_self`` counts the criteria the commune itself appraises "Đạt"
    (a district matrix mark counts as its word); ``ntm_self`` says whether
    that is every criterion of its set.

    >>> crit = pd.DataFrame({"year": [2024] * 4, "commune": ["A", "A", "B", "B"],
    ...     "criterion": ["1", "2", "1", "2"], "met": [True, False, True, True],
    ...     "self_assessed": ["met", "met", "met", "not_met"]})
    >>> reassessed_standing(crit, year=2024).to_dict("list")["criteria_met"]
    [1, 2]
    """
    rows = criteria.loc[criteria["year"] == int(year)]
    frame = pd.DataFrame(
        {
            "commune": rows["commune"].astype("string").to_numpy(),
            "met": rows["met"].astype("boolean").fillna(False).to_numpy(dtype=bool),
            "said": (rows["self_assessed"].astype("string") == s.MET)
            .fillna(False)
            .to_numpy(dtype=bool),
        }
    )
    out = (
        frame.groupby("commune", sort=True)
        .agg(
            criteria_total=("met", "size"),
            criteria_met=("met", "sum"),
            criteria_self=("said", "sum"),
        )
        .reset_index()
        .astype({"criteria_total": "int64", "criteria_met": "int64", "criteria_self": "int64"})
    )
    return out.assign(
        ntm=out["criteria_met"] == out["criteria_total"],
        ntm_self=out["criteria_self"] == out["criteria_total"],
    )


def disagreements(
    indicators: pd.DataFrame, *, year: int, commune: str | None = None
) -> pd.DataFrame:
    """Every indicator whose re-assessed result disagrees with the commune's own appraisal.

    "Cơ bản đạt" counts as not met, as in the roll-up. Sorted by commune and
    indicator code; ``source`` is the readable source cell.
    """
    rows = indicators.loc[indicators["year"] == int(year)]
    if commune is not None:
        rows = rows.loc[rows["commune"].astype("string") == commune]
    met = rows["met"].astype("boolean")
    said = rows["self_assessed"].astype("string")
    known = met.notna() & said.notna()
    differs = known & (met.fillna(False) != (said == s.MET).fillna(False))
    picked = rows.loc[differs.to_numpy(dtype=bool)]
    out = pd.DataFrame(
        {
            "year": picked["year"].to_numpy(),
            "commune": picked["commune"].astype("string").to_numpy(),
            "indicator": picked["indicator"].astype("string").to_numpy(),
            "value_text": picked["value_text"].astype("string").to_numpy(),
            "target_text": picked["target_text"].astype("string").to_numpy(),
            "self_assessed": said[differs].to_numpy(),
            "met": met[differs].to_numpy(),
            "met_basis": picked["met_basis"].astype("string").to_numpy(),
            "source_file": picked[s.SOURCE_FILE].astype("string").to_numpy(),
            "source": source_text(picked).to_numpy(),
        }
    )
    order = sorted(
        range(len(out)),
        key=lambda k: (out["commune"].iloc[k], code_sort_key(out["indicator"].iloc[k])),
    )
    return out.take(order).reset_index(drop=True)


def basis_counts(indicators: pd.DataFrame, *, year: int) -> dict[str, int]:
    """How many of the year's indicators each basis judged, every basis listed.

    >>> basis_counts(pd.DataFrame({"year": [2024, 2024], "met_basis": ["threshold",
    ...     "stated_target"]}), year=2024)["stated_target"]
    1
    """
    rows = indicators.loc[indicators["year"] == int(year), "met_basis"].astype("string")
    counts = rows.value_counts()
    return {
        b: int(counts.get(b, 0))
        for b in (s.BASIS_THRESHOLD, s.BASIS_STATED_TARGET, s.BASIS_SELF_ASSESSMENT, s.BASIS_NONE)
    }
