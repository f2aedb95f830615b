"""Pieces several pages use: the basis of evaluation and the task table."""

from __future__ import annotations

import pandas as pd

from .. import config
from .. import labels as lb
from .. import schema as s
from ..review import Review
from ..schema import code_sort_key
from ..wording import varied_wordings
from .markup import format_number, is_missing, paragraphs, phrase, progress_text, status_label


def basis_sentences(
    indicators: pd.DataFrame, *, year: int, lang: str = config.DEFAULT_LANG
) -> list[str]:
    """Say on what basis the year's indicators were judged: threshold, stated target, appraisal.

    >>> frame = pd.DataFrame({"year": [2024, 2024, 2024],
    ...     "met_basis": ["threshold", "self_assessment", "self_assessment"]})
    >>> basis_sentences(frame, year=2024, lang="en")[0][:60]
    'Basis of evaluation in 2024: 1 of 3 indicators were compared'
    """
    rows = indicators.loc[indicators["year"] == year, "met_basis"]
    if rows.empty:
        return []
    counts = rows.value_counts()
    n_self = int(counts.get(s.BASIS_SELF_ASSESSMENT, 0))
    n_stated = int(counts.get(s.BASIS_STATED_TARGET, 0))
    sentences = [
        phrase(
            "basis_counts",
            lang,
            year=year,
            threshold=int(counts.get(s.BASIS_THRESHOLD, 0)),
            total=len(rows),
            stated=n_stated,
            self=n_self,
            undecided=int(counts.get(s.BASIS_NONE, 0)),
        )
    ]
    if n_self or n_stated:
        sentences.append(phrase("basis_hint", lang))
    return sentences


def disagreement_table(review: Review, rows: pd.DataFrame, *, with_commune: bool) -> pd.DataFrame:
    """Rows of :func:`ntm_analysis.reassessment.disagreements` as shown on a page."""
    lang = review.lang
    out = rows.assign(
        indicator=_labels(review, rows, with_commune=with_commune),
        self_assessed=[lb.label(str(v), lang) for v in rows["self_assessed"]],
        met=[lb.label(s.MET if bool(v) else s.NOT_MET, lang) for v in rows["met"]],
        met_basis=[lb.basis_word(v, lang) for v in rows["met_basis"]],
    )
    cols = ["commune"] if with_commune else []
    cols += ["indicator", "value_text", "target_text", "self_assessed", "met", "met_basis"]
    cols += ["source_file" if with_commune else "source"]
    return out.loc[:, cols]


def _labels(review: Review, rows: pd.DataFrame, *, with_commune: bool) -> list[str]:
    """Indicator labels of a table; on one commune's table (no commune column), in the
    commune's own wording."""
    if with_commune or "commune" not in rows.columns:
        return [review.indicator_label(c) for c in rows["indicator"]]
    return [
        review.indicator_label(c, commune=str(m))
        for c, m in zip(rows["indicator"], rows["commune"], strict=True)
    ]


def wording_note(review: Review, codes: object, *, one_commune: bool = False) -> str:
    """Paragraphs under a table of indicators: which codes are labelled in the reports'
    own wording, and, on a table of several communes, every other wording of each.

    Empty when every label shown is the catalog's confirmed wording.
    """
    lang = review.lang
    shown = sorted({str(c) for c in codes if review.wording_from_report(c)}, key=code_sort_key)
    if not shown:
        return ""
    sentences = [phrase("wording_source", lang, codes=", ".join(shown))]
    if not one_commune:
        varied = varied_wordings(review.wordings, shown)
        for code in sorted(varied["indicator"].unique(), key=code_sort_key):
            rows = varied.loc[varied["indicator"] == code].sort_values("rank")
            others = "; ".join(
                phrase("wording_other", lang, text=t, communes=n)
                for t, n in zip(
                    rows["indicator_text"].iloc[1:], rows["commune_names"].iloc[1:], strict=True
                )
            )
            sentences.append(
                phrase(
                    "wording_varies",
                    lang,
                    code=code,
                    n=len(rows),
                    top=int(rows["communes"].iloc[0]),
                    total=int(rows["communes"].sum()),
                    others=others,
                )
            )
    return paragraphs(sentences, css_class="ntm-note")


def task_table(review: Review, rows: pd.DataFrame, *, with_commune: bool) -> pd.DataFrame:
    """Rows of :attr:`Review.tasks` as shown on a page: labels, target text, outlook."""
    lang = review.lang
    out = rows.assign(
        indicator=_labels(review, rows, with_commune=with_commune),
        progress_status=[
            progress_text(v, c, lang)
            for v, c in zip(
                rows["progress_status"],
                rows["latest_change"] if "latest_change" in rows else [None] * len(rows),
                strict=True,
            )
        ],
        outlook=[status_label(v, lang) for v in rows["outlook"]],
        gap=rows["gap"].astype("Float64").astype(float),
        value=rows["value"].astype("Float64").astype(float) if "value" in rows else pd.NA,
        threshold=rows["threshold"].astype("Float64").astype(float)
        if "threshold" in rows
        else pd.NA,
    )
    if "target_text" not in rows.columns and len(rows):
        keys = ["year", "commune_code", "commune", "indicator"]
        texts = review.indicators.loc[:, keys + ["target_text"]].drop_duplicates(keys)
        rows = rows.merge(texts, on=keys, how="left")
        out = out.assign(target_text=rows["target_text"].to_numpy())
    out = out.assign(threshold=target_texts(out, lang))
    cols = ["commune"] if with_commune else []
    cols += ["indicator", "value", "threshold", "gap", "unit", "progress_status", "outlook"]
    cols += ["projected_year", "target_year"]
    if not with_commune:
        cols.insert(1, "department")
    return out.loc[:, [c for c in cols if c in out.columns]]


def target_texts(rows: pd.DataFrame, lang: str) -> list[str]:
    """ "≥ 95" from the threshold, else the target as the report wrote it."""
    out = []
    for op, value, text in zip(
        rows.get("threshold_op", pd.Series(pd.NA, index=rows.index)),
        rows.get("threshold", pd.Series(pd.NA, index=rows.index)),
        rows.get("target_text", pd.Series(pd.NA, index=rows.index)),
        strict=True,
    ):
        op = op if isinstance(op, str) else None
        if op in s.OP_SYMBOLS and not is_missing(value):
            out.append(f"{s.OP_SYMBOLS[op]} {format_number(value, lang)}")
        elif op == s.OP_YES:
            out.append(lb.label(s.MET, lang))
        elif isinstance(text, str) and text.strip():
            out.append(text)
        else:
            out.append("–")
    return out
