"""Who is in charge of each criterion and indicator: the user-editable department mapping.

The mapping is a CSV (the shipped one, ``data/responsibility/departments.csv``,
is an example to edit). Columns:

* ``criteria_set`` — a set id ("qd51_2025_commune"), or empty for any set;
* ``level`` — ``criterion`` or ``indicator``;
* ``code`` — "17" or "17.1";
* ``department_id`` — a short id ("tn_mt"); ``department_vi`` / ``department_en``
  — the names (filled from :data:`ntm_analysis.labels.DEPARTMENTS` when empty);
* ``note`` — free text.

Lines starting with ``#`` are comments. For a given indicator, rows are tried
in this order and the first level that matches wins: the indicator in its
set, the indicator in any set, its criterion in its set, its criterion in any
set. Several rows at the winning level give one task per department.

:func:`load_responsibility` is the only function here that reads a file.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from . import config
from . import labels as lb
from .errors import CatalogError

RESPONSIBILITY_COLUMNS = (
    "criteria_set",
    "level",
    "code",
    "department_id",
    "department_vi",
    "department_en",
    "note",
)
LEVELS = ("criterion", "indicator")


def load_responsibility(path: str | Path | None = None) -> pd.DataFrame:
    """Read a department mapping CSV (default: the shipped, editable example).

    >>> m = load_responsibility()
    >>> m.loc[m["code"] == "17", "department_vi"].iloc[0]
    'Phòng Tài nguyên – Môi trường'
    """
    p = Path(path) if path is not None else config.RESPONSIBILITY_FILE
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CatalogError(
            f"Cannot read the responsibility mapping {p}: {exc}", path=str(p)
        ) from exc
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    frame = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    return responsibility_from_frame(frame, path=str(p))


def responsibility_from_frame(frame: pd.DataFrame, *, path: str = "<frame>") -> pd.DataFrame:
    """Check and normalise a mapping table (pure; what :func:`load_responsibility` returns)."""
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in ("level", "code") if c not in frame.columns]
    if "department_id" not in frame.columns and "department_vi" not in frame.columns:
        missing.append("department_id or department_vi")
    if missing:
        raise CatalogError(
            f"The responsibility mapping {path} lacks column(s): {', '.join(missing)}.", path=path
        )
    out = frame.reindex(columns=list(RESPONSIBILITY_COLUMNS)).astype("string")
    out = out.apply(lambda c: c.str.strip()).replace({"": pd.NA})
    out = out.assign(level=out["level"].str.lower())
    bad = out.loc[~out["level"].isin(LEVELS).fillna(False) | out["code"].isna()]
    if not bad.empty:
        row = bad.index[0] + 2
        raise CatalogError(
            f"Row {row} of the responsibility mapping {path}: level must be 'criterion' or "
            f"'indicator' and code must be set (got {bad.iloc[0]['level']!r}, "
            f"{bad.iloc[0]['code']!r}).",
            path=path,
            entry=str(bad.iloc[0]["code"]),
        )
    dept_id = out["department_id"].fillna(out["department_vi"])
    vi = out["department_vi"].fillna(dept_id.map(lambda d: lb.department_name(d, "vi")))
    en = out["department_en"].fillna(dept_id.map(lambda d: lb.department_name(d, "en")))
    return out.assign(department_id=dept_id, department_vi=vi, department_en=en).reset_index(
        drop=True
    )


def assign_departments(
    frame: pd.DataFrame, mapping: pd.DataFrame, *, lang: str = "vi"
) -> pd.DataFrame:
    """Add ``department_id``, ``department`` (name in ``lang``) and ``department_note``.

    ``frame`` needs ``criteria_set``, ``criterion`` and ``indicator``. A row
    whose code has several departments is repeated, one per department; a row
    with no department gets ``department_id`` NA and the "unassigned" label.
    The input is not modified.
    """
    name_col = "department_en" if lang == "en" else "department_vi"
    work = frame.reset_index(drop=True).assign(_row=lambda d: range(len(d)))
    keys = work.loc[:, ["_row", "criteria_set", "criterion", "indicator"]]
    m = mapping.loc[:, ["criteria_set", "level", "code", "department_id", name_col, "note"]].rename(
        columns={name_col: "department", "note": "department_note"}
    )
    candidates = []
    for priority, (level, col, specific) in enumerate(
        [
            ("indicator", "indicator", True),
            ("indicator", "indicator", False),
            ("criterion", "criterion", True),
            ("criterion", "criterion", False),
        ]
    ):
        sub = m.loc[(m["level"] == level) & (m["criteria_set"].notna() == specific)]
        if sub.empty:
            continue
        on_left = [col, "criteria_set"] if specific else [col]
        on_right = ["code", "criteria_set"] if specific else ["code"]
        right = sub.drop(columns=["level"] + ([] if specific else ["criteria_set"]))
        hit = keys.astype({col: "string", "criteria_set": "string"}).merge(
            right, left_on=on_left, right_on=on_right
        )
        candidates.append(hit.loc[:, ["_row", "department_id", "department", "department_note"]]
                          .assign(_p=priority))  # fmt: skip
    if candidates:
        cand = pd.concat(candidates, ignore_index=True)
        best = cand.groupby("_row")["_p"].transform("min")
        cand = cand.loc[cand["_p"] == best].drop(columns="_p")
    else:
        cand = pd.DataFrame(columns=["_row", "department_id", "department", "department_note"])
    out = work.merge(cand, on="_row", how="left").drop(columns="_row")
    return out.assign(
        department_id=out["department_id"].astype("string"),
        department=out["department"].astype("string").fillna(lb.label("unassigned", lang)),
        department_note=out["department_note"].astype("string"),
    )
