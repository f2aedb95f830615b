"""Sections of a commune profile page: each returns HTML, the notebook displays it."""

from __future__ import annotations

import html

import pandas as pd

from .. import history as hist
from .. import labels as lb
from .. import plots
from .. import schema as s
from ..names import resolve_name
from ..reassessment import disagreements
from ..review import Review, communes_in_year
from .markup import chart, count_phrase, heading, paragraphs, phrase, status_label, table_html
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
        c = comparison.communes.loc[
            (comparison.communes["commune"] == commune)
            & comparison.communes["present_to"]
            & comparison.communes["present_from"]
        ]
        if len(c) and c.iloc[0]["criteria_set_from"] != c.iloc[0]["criteria_set_to"]:
            prev = review.previous_year
            sentences.append(lb.label("change_across_sets", lang, prev=prev, year=year))
        elif len(c):
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
    """Criteria met by the commune's own unit over the years (chart and table), the units it
    was formed from with their last standing, and what it later became part of.

    Rows of another unit with the same name or code (before or after a merger) are not
    the commune's history; criterion counts of different criteria sets are not compared.
    """
    lang = review.lang
    commune = _commune(review, commune)
    rows = hist.own_rows(review.communes, review.registry, commune, review.year)
    rows = rows.loc[rows["year"] <= review.year]
    parts = [heading("history", lang)]
    if hist.spans_sets(rows):
        sets = ", ".join(review.set_name(x) for x in hist.sets_in_order(rows))
        parts.append(paragraphs([lb.label("sets_not_compared", lang, sets=sets)]))
    parts.append(
        chart(
            lambda ax: plots.plot_criteria_met_over_years(rows, lang=lang, ax=ax, legend=False),
            alt=lb.label("title_criteria_met_over_years", lang),
            size="a4",
        )
    )
    table = rows.sort_values("year").assign(
        criteria_set=[review.set_name(x) for x in rows.sort_values("year")["criteria_set"]],
        status=[status_label(v, lang) for v in rows.sort_values("year")["status"]],
    )
    table = table.loc[:, ["year", "criteria_set", "criteria_met", "criteria_total", "status"]]
    table = table.rename(columns={"criteria_set": lb.label("col_criteria_set", lang)})
    parts.append(table_html(table.astype({"year": "string"}), lang))
    parts.append(formed_from(review, commune))
    links = hist.became_part_of(review.communes, review.registry, commune, review.year)
    if links:
        became = ", ".join(link.successor.label() for link in links)
        parts.append(
            paragraphs(
                [
                    lb.label(
                        "became_part_of",
                        lang,
                        date=f"{links[0].effective:%d/%m/%Y}",
                        commune=commune,
                        successors=became,
                    )
                ]
            )
        )
    return "".join(parts)


def _standing_cell(status: object, year: object, lang: str) -> str:
    """ "Đạt (2024)", "Chưa đạt (2024)", "Không có số liệu" or "not assessed" words."""
    if status == hist.NOT_ASSESSED:
        return lb.label("not_assessed", lang)
    if status in (s.STATUS_NTM, s.STATUS_NOT_NTM) and not pd.isna(year):
        word = lb.label(s.MET if status == s.STATUS_NTM else s.NOT_MET, lang)
        return lb.label("status_in_year", lang, status=word, year=int(year))
    return lb.label(lb.NO_DATA, lang)


def formed_from_table(review: Review, commune: str) -> pd.DataFrame:
    """The units ``commune`` was formed from, as the page shows them (labels in ``lang``)."""
    lang = review.lang
    pred = hist.formed_from(
        review.communes, review.registry, commune, review.year, levels=review.set_levels
    )
    met = [
        "–" if pd.isna(m) else f"{int(m)}/{int(n)}"
        for m, n in zip(pred["criteria_met"], pred["criteria_total"], strict=True)
    ]
    table = {
        "col_predecessor": pred["predecessor"],
        "col_code": pred["predecessor_code"],
        "col_last_year": pred["last_year"].astype("string"),
        "col_criteria_of_set": met,
        "col_criteria_set": [
            pd.NA if pd.isna(x) else review.set_name(x) for x in pred["criteria_set"]
        ],
    }
    for level in hist.STANDING_LEVELS:
        table[f"col_status_{level}"] = [
            _standing_cell(v, y, lang)
            for v, y in zip(pred[f"status_{level}"], pred[f"status_{level}_year"], strict=True)
        ]
    frame = pd.DataFrame({k: list(v) for k, v in table.items()})
    return frame.rename(columns={k: lb.label(k, lang) for k in table})


def formed_from(review: Review, commune: str) -> str:
    """The units the commune was formed from, their last standing and the merger's date and
    legal basis; the predecessors' statuses side by side, with no status decided for the
    commune ("" for a commune formed by no merger in the lineage file)."""
    lang = review.lang
    commune = _commune(review, commune)
    pred = hist.formed_from(
        review.communes, review.registry, commune, review.year, levels=review.set_levels
    )
    if pred.empty:
        return ""
    unit = hist.unit_of_commune(review.communes, review.registry, commune, review.year)
    code = unit.code if unit is not None and unit.code else "–"
    title = html.escape(lb.label("formed_from", lang))
    parts = [f'<h3 id="formed-from">{title}</h3>']
    sentences = []
    for day, links in pred.groupby("merged_on", sort=True):
        names = ", ".join(
            f"{n} ({c})" if not pd.isna(c) else str(n)
            for n, c in zip(links["predecessor"], links["predecessor_code"], strict=True)
        )
        sentences.append(
            lb.label(
                "formed_from_sentence",
                lang,
                commune=commune,
                code=code,
                date=f"{day:%d/%m/%Y}",
                n=len(links),
                names=names,
            )
        )
        bases = list(dict.fromkeys(links["legal_basis"].dropna().astype(str)))
        sentences.append(
            lb.label("merger_basis", lang, basis="; ".join(bases))
            if bases
            else lb.label("merger_basis_unknown", lang)
        )
        for n, c in zip(links["predecessor"], links["predecessor_code"], strict=True):
            if n == commune:
                sentences.append(
                    lb.label(
                        "namesake_note",
                        lang,
                        name=n,
                        code=c if not pd.isna(c) else "–",
                        date=f"{day:%d/%m/%Y}",
                    )
                )
    parts.append(paragraphs(sentences))
    parts.append(table_html(formed_from_table(review, commune), lang))
    parts.append(paragraphs([lb.label("merger_no_rule", lang, commune=commune)]))
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
        parts.append(paragraphs([count_phrase("n_unmet", n, lang, n=n, year=year)]))
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
