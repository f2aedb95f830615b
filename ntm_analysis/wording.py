"""Indicator wording: the catalog's where it is confirmed, else the commune report's own.

The catalog's wording of the 2016–2020 and 2021–2025 indicators was written from
secondary sources (README, "Criteria catalog"), while every commune report writes
the wording it was assessed against beside the code. Pages show the report's
wording wherever the catalog's is unconfirmed or absent. When communes word one
indicator differently, a table of several communes shows the wording most of
them use and a note lists the others; a commune's own page shows its own.

>>> frame = pd.DataFrame({"year": [2024] * 3, "commune": ["Xã A", "Xã B", "Xã C"],
...     "indicator": ["5"] * 3,
...     "indicator_text": ["Trường học đạt chuẩn", "Trường học đạt chuẩn.", "Trường đạt chuẩn"]})
>>> common_wordings(report_wordings(frame, year=2024))
{'5': 'Trường học đạt chuẩn'}
"""

from __future__ import annotations

import re

import pandas as pd

from .parsing import fold_text, normalize_text

#: Columns of :func:`report_wordings`.
WORDING_COLUMNS = ("indicator", "indicator_text", "communes", "commune_names", "rank", "variants")

_TRAILING = re.compile(r"[\s.,;:]+$")


def wording_key(text: object) -> str:
    """What two wordings must share to count as one: case, accents of the letter forms,
    spacing and a trailing full stop aside.

    >>> wording_key("Tỷ lệ hộ  dùng nước sạch.") == wording_key("tỷ lệ hộ dùng nước sạch")
    True
    >>> wording_key("Tỷ lệ hộ nghèo") == wording_key("Tỷ lệ hộ cận nghèo")
    False
    """
    text = normalize_text(text) or ""
    return " ".join(_TRAILING.sub("", text).casefold().split())


def report_wordings(indicators: pd.DataFrame, *, year: int | None = None) -> pd.DataFrame:
    """One row per indicator and wording the reports use, the most common first (pure).

    A wording counts once per commune (``communes``; ``commune_names`` in
    order, joined by ", "). ``rank`` 1 is the wording most communes use; a tie
    goes to the wording that sorts first, so the choice does not depend on the
    order of the files. ``variants`` is how many wordings the indicator has.
    Wordings that differ only in case, spacing or a trailing full stop are one;
    it is shown as most of its communes write it. Rows without a wording
    (``indicator_text`` NA, or no such column) are left out.
    """
    if "indicator_text" not in indicators.columns:
        return pd.DataFrame(columns=list(WORDING_COLUMNS))
    rows = indicators.loc[:, ["year", "commune", "indicator", "indicator_text"]]
    if year is not None:
        rows = rows.loc[rows["year"] == year]
    rows = rows.loc[rows["indicator_text"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=list(WORDING_COLUMNS))
    rows = pd.DataFrame(
        {
            "indicator": rows["indicator"].astype(str).to_numpy(),
            "commune": rows["commune"].astype(str).to_numpy(),
            "text": [normalize_text(t) or "" for t in rows["indicator_text"]],
        }
    )
    rows = rows.loc[rows["text"] != ""]
    rows = rows.assign(key=[wording_key(t) for t in rows["text"]])
    out = []
    for code, group in rows.groupby("indicator", sort=True):
        per_key = []
        for key, same in group.groupby("key", sort=True):
            forms = same.drop_duplicates("commune")["text"].value_counts()
            shown = sorted(forms.index[forms == forms.max()], key=fold_text)[0]
            names = sorted(same["commune"].unique(), key=fold_text)
            per_key.append((key, shown, names))
        per_key.sort(key=lambda k: (-len(k[2]), fold_text(k[1]), k[1]))
        for rank, (_, shown, names) in enumerate(per_key, start=1):
            out.append((code, shown, len(names), ", ".join(names), rank, len(per_key)))
    return pd.DataFrame(out, columns=list(WORDING_COLUMNS)).astype(
        {"communes": "int64", "rank": "int64", "variants": "int64"}
    )


def common_wordings(wordings: pd.DataFrame) -> dict[str, str]:
    """Indicator code -> the wording most communes use (rank 1 of :func:`report_wordings`)."""
    top = wordings.loc[wordings["rank"] == 1]
    return dict(zip(top["indicator"].astype(str), top["indicator_text"], strict=True))


def commune_wordings(indicators: pd.DataFrame, *, year: int, commune: str) -> dict[str, str]:
    """Indicator code -> the wording ``commune``'s own report used in ``year``."""
    return common_wordings(
        report_wordings(indicators.loc[indicators["commune"] == commune], year=year)
    )


def varied_wordings(wordings: pd.DataFrame, codes: object = None) -> pd.DataFrame:
    """The rows of :func:`report_wordings` for indicators worded more than one way
    (among ``codes`` when given), in code order and rank."""
    rows = wordings.loc[wordings["variants"] > 1]
    if codes is not None:
        rows = rows.loc[rows["indicator"].isin([str(c) for c in codes])]
    return rows
