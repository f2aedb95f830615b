"""The lineage file: which units were merged into which, when, and by what act.

``ntm_analysis/data/registry/lineage.csv`` sits beside the commune registry and
is as plain to edit: one row per predecessor → successor link, with the
effective date and, where a public source states it, the legal basis. A unit
is named by its code *and* its name, and resolved against the registry on the
day before (predecessor) and the day of (successor) the effective date, so a
code reused by the new unit (06895: the town, then the merged commune) never
confuses the two. The queries live on :class:`ntm_analysis.registry.Registry`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .errors import CatalogError
from .parsing import normalize_text

LINEAGE_FILE_NAME = "lineage.csv"

LINEAGE_COLUMNS = (
    "predecessor_code",
    "predecessor_name",
    "successor_code",
    "successor_name",
    "effective_date",
    "legal_basis",
    "note",
)


@dataclass(frozen=True)
class Unit:
    """One administrative unit for one validity period (``None``: open-ended)."""

    code: str | None
    name: str
    unit_type: str
    district: str | None
    province: str | None
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def valid_in(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= date(year, 12, 31)) and (
            self.valid_to is None or self.valid_to >= date(year, 1, 1)
        )

    def label(self) -> str:
        """ "Xã Đầm Hà (06895)", or the bare name when the code is unknown."""
        return f"{self.name} ({self.code})" if self.code else self.name


@dataclass(frozen=True)
class LineageLink:
    """``predecessor`` became (part of) ``successor`` on ``effective``."""

    predecessor: Unit
    successor: Unit
    effective: date
    legal_basis: str | None
    note: str | None


def read_lineage(path: str | Path) -> pd.DataFrame:
    """Read a lineage CSV as text (codes keep their leading zeros); empty cells are NA."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise CatalogError(f"Cannot read the lineage file {path}: {exc}", path=str(path)) from exc
    missing = [c for c in LINEAGE_COLUMNS if c not in frame.columns]
    if missing:
        raise CatalogError(
            f"{path}: lineage file lacks the column(s) {', '.join(missing)}.", path=str(path)
        )
    frame = frame.loc[:, list(LINEAGE_COLUMNS)].astype("string")
    frame = frame.apply(lambda col: col.map(normalize_text, na_action="ignore")).astype("string")
    return frame.replace({"": pd.NA})


def empty_lineage() -> pd.DataFrame:
    """A lineage table without links (a registry with no lineage file beside it)."""
    return pd.DataFrame({c: pd.Series(dtype="string") for c in LINEAGE_COLUMNS})
