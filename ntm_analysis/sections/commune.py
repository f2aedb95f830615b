"""Sections of a commune profile page: each returns HTML, the notebook displays it."""

from __future__ import annotations

import pandas as pd

from .. import labels as lb
from .. import plots
from .. import schema as s
from ..names import resolve_name
from ..reassessment import disagreements
from ..review import Review, communes_in_year
from .markup import chart, heading, paragraphs, phrase, status_label, table_html
from .shared import basis_sentences, disagreement_table, task_table, wording_note


def _commune(review: Review, name: str, *, in_year: bool = False) -> str:
    """The commune of the data that ``name`` names (UsageError when none)."""
    known = list(review.communes["commune"].unique())
    if in_year:
        known = communes_in_year(review.data, review.year) or known
    return resolve_name(name, known, "commune")


def commune_tasks(review: Review, commune: str) -> pd.DataFrame:
    """Every unmet indicator of the commune in the year, with gap, owner and outlook."""
    tasks = review.tasks
    rows = tasks.loc[tasks["commune"] == commune]
    return task_table(review, rows, with_commune=False)


def standing(review: Review, commune: str) -> str:
    """The commune's criteria met and status this year, and what changed."""
    lang, year = review.lang, review.year
    commune = _commune(review, commune, in_year=True)
    parts = [heading("standing", lang)]
    row = review.standing.loc[
        (review.standing["commune"] == commune) & (review.standing["year"] == year)
    ]
    if row.empty:
        parts.append(paragraphs([phrase("not_in_year", lang, commune=commune, year=year)]))
        return "".join(parts)
    r = row.iloc[0]
    sentences = [
        phrase(
            "commune_standing",
            lang,
            year=year,
            commune=commune,
            met=int(r["criteria_met"]),
            total=int(r["criteria_total"]),
            status=status_label(r["status"], lang),
        )
    ]
    comparison = review.comparison()
    if comparison is not None:
        c = comparison.communes.loc[comparison.communes["commune"] == commune]
        if len(c):
            none = phrase("none", lang)
            sentences.append(
                phrase(
                    "commune_change",
                    lang,
                    prev=review.previous_year,
                    gained=str(c.iloc[0].get("gained_names") or "") or none,
                    lost=str(c.iloc[0].get("lost_names") or "") or none,
                )
            )
    parts.append(paragraphs(sentences))
    crit = review.criteria.loc[
        (review.criteria["commune"] == commune) & (review.criteria["year"] == year)
    ]
    table = crit.assign(
        criterion=[review.criterion_label(c) for c in crit["criterion"]],
        status=[
            lb.label(s.MET if m is True else s.NOT_MET if m is False else lb.NO_DATA, lang)
            for m in crit["met"].astype(object).where(crit["met"].notna(), None)
        ],
    ).loc[:, ["criterion", "status"]]
    parts.append(table_html(table, lang))
    own = review.indicators.loc[review.indicators["commune"] == commune]
    parts.append(paragraphs(basis_sentences(own, year=year, lang=lang)))
    return "".join(parts)


def history(review: Review, commune: str) -> str:
    """Criteria met by the commune over the years (chart and table)."""
    lang = review.lang
    commune = _commune(review, commune)
    rows = review.communes.loc[
        (review.communes["commune"] == commune) & (review.communes["year"] <= review.year)
    ]
    parts = [heading("history", lang)]
    parts.append(
        chart(
            lambda ax: plots.plot_criteria_met_over_years(rows, lang=lang, ax=ax, legend=False),
            alt=lb.label("title_criteria_met_over_years", lang),
            size="a4",
        )
    )
    table = rows.assign(status=[status_label(v, lang) for v in rows["status"]]).loc[
        :, ["year", "criteria_met", "criteria_total", "status"]
    ]
    parts.append(table_html(table.astype({"year": "string"}), lang))
    return "".join(parts)


def unmet(review: Review, commune: str) -> str:
    """Every unmet indicator of the commune, with its gap, owner and outlook."""
    lang, year = review.lang, review.year
    commune = _commune(review, commune)
    table = commune_tasks(review, commune)
    parts = [heading("unmet", lang)]
    if table.empty:
        parts.append(paragraphs([phrase("no_unmet", lang, year=year)]))
    else:
        n = table["indicator"].nunique()
        parts.append(paragraphs([phrase("n_unmet", lang, n=n, year=year)]))
        parts.append(table_html(table, lang))
        codes = review.tasks.loc[review.tasks["commune"] == commune, "indicator"]
        parts.append(wording_note(review, codes, one_commune=True))
    return "".join(parts)


def commune_disagreements(review: Review, commune: str) -> str:
    """The commune's indicators where its own appraisal and the re-assessment disagree."""
    lang, year = review.lang, review.year
    commune = _commune(review, commune)
    rows = disagreements(review.indicators, year=year, commune=commune)
    parts = [heading("disagreements", lang)]
    if rows.empty:
        parts.append(paragraphs([phrase("no_disagreements", lang, year=year)]))
    else:
        sentence = phrase("n_disagreements", lang, n=len(rows), communes=1, year=year)
        parts.append(paragraphs([sentence]))
        parts.append(table_html(disagreement_table(review, rows, with_commune=False), lang))
        parts.append(wording_note(review, rows["indicator"], one_commune=True))
    return "".join(parts)


#: The sections of a commune profile, in page order.
SECTIONS = (standing, commune_disagreements, history, unmet)


def page(review: Review, commune: str) -> str:
    """Every section of the commune profile, in order (for a notebook opened by hand)."""
    return "".join(section(review, commune) for section in SECTIONS)
