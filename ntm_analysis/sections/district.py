"""Sections of the district review page: each returns HTML, the notebook displays it.

>>> from IPython.display import HTML               # doctest: +SKIP
>>> HTML(district.headline(review))                # doctest: +SKIP
"""

from __future__ import annotations

import html

import pandas as pd

from .. import config, history, plots, progress
from .. import labels as lb
from .. import schema as s
from ..areas import AREA_FORMER_DISTRICT, ARRANGEMENT_DATE
from ..district_conditions import district_conditions as qd320_conditions
from ..errors import CatalogError
from ..reassessment import disagreements, reassessed_standing
from ..review import Review
from ..schema import code_sort_key
from .markup import (
    COMPLETENESS_CHECKS,
    MAX_FINDING_ROWS,
    chart,
    check_name,
    count_phrase,
    format_number,
    heading,
    paragraphs,
    phrase,
    progress_text,
    status_label,
    table_html,
)
from .shared import basis_sentences, disagreement_table, target_texts, wording_note


def headline_sentences(data, *, year: int, lang: str = config.DEFAULT_LANG) -> list[str]:
    """Sentences that read a year's headline numbers for the audience.

    Example: ``["Năm 2024 có 6/8 xã đạt chuẩn nông thôn mới (năm 2023: 5/8).",
    "Bình quân 18,2 tiêu chí/xã; thấp nhất 15 tiêu chí.",
    "Tiêu chí còn xã chưa đạt: 17. Môi trường … (2 xã), 15. Y tế (1 xã)."]``
    ``data`` is a :class:`Review` or a ``ProcessedData``.
    """
    review = data if isinstance(data, Review) else Review(data=data, year=int(year), lang=lang)
    if review.year != int(year) or review.lang != lang:
        review = Review(data=review.data, year=int(year), lang=lang)
    rows = review.communes.loc[review.communes["year"] == int(year)]
    total = len(rows)
    ntm = int((rows["status"] == s.STATUS_NTM).sum())
    first = phrase("headline_ntm", lang, year=year, ntm=ntm, total=total)
    prev = review.previous_year
    if prev is not None:
        p_rows = review.communes.loc[review.communes["year"] == prev]
        p_ntm = int((p_rows["status"] == s.STATUS_NTM).sum())
        first += " " + phrase("headline_prev", lang, year=prev, ntm=p_ntm, total=len(p_rows))
    out = [first + "."]
    reported = rows.loc[rows["status"] != s.STATUS_NO_DATA, "criteria_met"]
    if len(reported):
        out.append(
            phrase(
                "headline_mean",
                lang,
                mean=format_number(reported.mean(), lang),
                min=int(reported.min()),
            )
        )
    crit = review.criteria.loc[review.criteria["year"] == int(year)]
    short = (
        crit.assign(short=crit["met"].ne(True))
        .groupby("criterion", sort=False)["short"]
        .sum()
        .astype(int)
    )
    short = short[short > 0]
    if len(short):
        order = sorted(short.index, key=lambda c: (-short[c], code_sort_key(c)))
        items = ", ".join(
            count_phrase(
                "lagging_item", int(short[c]), lang, name=review.criterion_label(c), n=int(short[c])
            )
            for c in order[:5]
        )
        out.append(phrase("headline_lagging", lang, items=items))
    elif total:
        out.append(phrase("headline_all_met", lang))
    return out


def reassessed_sentence(review: Review) -> str | None:
    """ "Đánh giá lại: 6/8 xã đạt chuẩn (xã tự báo cáo: 7/8)." for the review's year."""
    standing = reassessed_standing(review.criteria, year=review.year)
    if standing.empty:
        return None
    return phrase(
        "reassessed_headline",
        review.lang,
        ntm=int(standing["ntm"].sum()),
        self=int(standing["ntm_self"].sum()),
        total=len(standing),
    )


def area_sentences(review: Review) -> list[str]:
    """What ground the review covers: "Địa bàn rà soát: Tỉnh Quảng Ninh, 2 xã năm 2026."
    and, for a former district, how its communes are found (none without an area)."""
    area = review.area
    if area is None:
        return []
    n = int((review.communes["year"] == review.year).sum())
    out = [count_phrase("area_scope", n, review.lang, area=area.label(review.lang), n=n,
                        year=review.year)]  # fmt: skip
    if area.kind == AREA_FORMER_DISTRICT:
        when = ARRANGEMENT_DATE.strftime("%d/%m/%Y" if review.lang != "en" else "%Y-%m-%d")
        out.append(phrase("area_former_district", review.lang, district=area.name, date=when))
    return out


def headline(review: Review) -> str:
    """The area reviewed, the re-assessed standing beside the reported one, then the year's
    headline numbers."""
    lang = review.lang
    opening = reassessed_sentence(review)
    parts = [
        heading("headline", lang),
        paragraphs(area_sentences(review)),
        paragraphs([opening] if opening else []),
        paragraphs(headline_sentences(review, year=review.year, lang=lang)),
    ]
    summary = review.summary
    cols = [
        c
        for c in ("year", "communes_total", "communes_ntm", "mean_criteria_met", "criteria_total")
        if c in summary
    ]
    table = summary.loc[summary["year"] <= review.year, cols].astype({"year": "string"})
    parts.append(table_html(table, lang))
    parts.append(paragraphs(basis_sentences(review.indicators, year=review.year, lang=lang)))
    return "".join(parts)


def attainment(review: Review) -> str:
    """The attainment heatmap of the year and, when there is one, the change heatmap."""
    lang, year = review.lang, review.year
    parts = [heading("attainment", lang)]
    parts.append(
        chart(
            lambda ax: plots.plot_attainment_heatmap(
                review.criteria, year=year, names=review.criterion_names, lang=lang, ax=ax
            ),
            alt=lb.label("title_attainment_heatmap", lang, year=year),
        )
    )
    parts.append(heading("change", lang))
    comparison = review.comparison()
    if comparison is None:
        parts.append(paragraphs([phrase("no_previous_year", lang)]))
    else:
        prev = review.previous_year
        sets = history.sets_in_order(
            review.communes.loc[review.communes["year"].isin([prev, year])]
        )
        if len(sets) > 1:
            parts.append(paragraphs([lb.label("change_across_sets", lang, prev=prev, year=year)]))
        parts.append(
            chart(
                lambda ax: plots.plot_change_heatmap(
                    review.criteria,
                    year_from=prev,
                    year_to=year,
                    names=review.criterion_names,
                    lang=lang,
                    ax=ax,
                ),
                alt=lb.label("title_change_heatmap", lang, year_from=prev, year_to=year),
            )
        )
        changed = comparison.communes
        cols = [
            c
            for c in ("commune", "criteria_met_change", "gained_names", "lost_names")
            if c in changed
        ]
        moved = changed.loc[
            (changed["gained"].fillna("") != "") | (changed["lost"].fillna("") != ""), cols
        ]
        if len(moved):
            parts.append(table_html(moved, lang))
    return "".join(parts)


def over_years(review: Review) -> str:
    """Criteria met per commune over the years, and the share meeting each criterion."""
    lang = review.lang
    communes = review.communes.loc[review.communes["year"] <= review.year]
    criteria = review.criteria.loc[review.criteria["year"] <= review.year]
    parts = [heading("over_years", lang)]
    sets = history.sets_in_order(communes)
    if len(sets) > 1:
        names = ", ".join(review.set_name(x) for x in sets)
        parts.append(paragraphs([lb.label("sets_not_compared", lang, sets=names)]))
    parts.append(
        chart(
            lambda ax: plots.plot_criteria_met_over_years(
                review.unit_communes.loc[communes.index], lang=lang, ax=ax
            ),
            alt=lb.label("title_criteria_met_over_years", lang),
        )
    )
    for set_id in reversed(sets or [None]):  # one chart per set, the latest first
        rows = criteria if set_id is None else criteria.loc[criteria["criteria_set"] == set_id]
        names = _set_names(review, set_id)
        parts.append(
            chart(
                lambda ax, rows=rows, names=names: plots.plot_criterion_shares(
                    rows, names=names, lang=lang, ax=ax
                ),
                alt=lb.label("title_criterion_shares", lang)
                if len(sets) < 2
                else lb.label("title_criterion_shares_of_set", lang, set=review.set_name(set_id)),
            )
        )
    return "".join(parts)


def _set_names(review: Review, set_id: object) -> object:
    """Criterion names of ``set_id`` (the year's names when the catalog does not know it)."""
    try:
        return review.catalog.get(str(set_id))
    except CatalogError:
        return review.criterion_names


def lagging(review: Review) -> str:
    """Criteria ranked by communes short of them, and each commune's gap to target."""
    lang, year = review.lang, review.year
    lag = review.lagging
    lag = lag.loc[lag["lagging"].fillna(False)]
    parts = [heading("lagging", lang)]
    if len(lag):
        table = lag.assign(
            criterion=[review.criterion_label(c) for c in lag["criterion"]],
        ).loc[:, ["criterion", "communes_short", "indicators_behind"]]
        parts.append(table_html(table, lang))
    else:
        parts.append(paragraphs([phrase("headline_all_met", lang)]))
    unmet = progress.unmet_indicators(review.indicators, year)
    if len(unmet):
        parts.append(
            chart(
                lambda ax: plots.plot_gap_to_target(review.indicators, year=year, lang=lang, ax=ax),
                alt=lb.label("title_gap_to_target", lang, year=year),
            )
        )
        table = unmet.assign(
            indicator=[review.indicator_label(c) for c in unmet["indicator"]],
            value=unmet["value"].astype("Float64").astype(float),
            threshold=[
                text if has else lb.label("no_target", lang)
                for text, has in zip(target_texts(unmet, lang), unmet["has_target"], strict=True)
            ],
            gap=unmet["gap"].astype("Float64").astype(float),
        ).loc[:, ["commune", "indicator", "value", "unit", "threshold", "gap"]]
        parts.append(table_html(table, lang, max_rows=MAX_FINDING_ROWS))
        if len(table) > MAX_FINDING_ROWS:
            parts.append(
                paragraphs([phrase("checks_more", lang, shown=MAX_FINDING_ROWS, total=len(table))])
            )
        parts.append(wording_note(review, unmet["indicator"].head(MAX_FINDING_ROWS)))
    return "".join(parts)


def progress_table(progress: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The chart's counts by progress status, split by outlook: the table counts what the
    chart draws (one row per status bar, ``n`` = its length)."""
    counts = plots.progress_counts(progress)
    rows = []
    for status, n in counts.items():
        outlooks = progress.loc[progress["status"].eq(status).fillna(False), "outlook"]
        split = "; ".join(
            f"{status_label(o, lang)} {k}" for o, k in outlooks.value_counts(sort=True).items()
        )
        rows.append({"progress_status": status_label(status, lang), "n": int(n), "outlook": split})
    return pd.DataFrame(rows, columns=["progress_status", "n", "outlook"])


def outlook(review: Review) -> str:
    """Progress status of every numeric indicator (Open SDG method) and its outlook."""
    lang = review.lang
    progress = review.progress
    parts = [heading("outlook", lang)]
    if len(progress):
        parts.append(
            chart(
                lambda ax: plots.plot_progress_summary(progress, lang=lang, ax=ax),
                alt=lb.label("title_progress_summary", lang),
            )
        )
        parts.append(table_html(progress_table(progress, lang), lang))
        behind = progress.loc[
            progress["outlook"].eq(lb.OUTLOOK_OFF_TRACK).fillna(False)
            | progress["status"].eq(lb.PROGRESS_DETERIORATION).fillna(False)
        ]
        if len(behind):
            parts.append(paragraphs([phrase("off_track", lang, n=len(behind))]))
            table = behind.assign(
                indicator=[review.indicator_label(c) for c in behind["indicator"]],
                value=behind["current_value"].astype("Float64").astype(float),
                progress_status=[
                    progress_text(v, c, lang)
                    for v, c in zip(behind["status"], behind["latest_change"], strict=True)
                ],
                outlook=[status_label(v, lang) for v in behind["outlook"]],
            ).loc[
                :,
                ["commune", "indicator", "value", "unit", "progress_status", "outlook"]
                + ["projected_year", "target_year"],
            ]
            parts.append(table_html(table, lang, max_rows=MAX_FINDING_ROWS))
            parts.append(wording_note(review, behind["indicator"].head(MAX_FINDING_ROWS)))
    else:
        parts.append(paragraphs([lb.label(lb.PROGRESS_NOT_ENOUGH_DATA, lang)]))
    return "".join(parts)


def reassessment(review: Review) -> str:
    """Criteria met per commune as reported and as re-assessed, and every disagreeing indicator."""
    lang, year = review.lang, review.year
    parts = [heading("reassessment", lang)]
    standing = reassessed_standing(review.criteria, year=year)
    if standing.empty:
        parts.append(paragraphs([phrase("no_findings", lang)]))
        return "".join(parts)
    parts.append(
        chart(
            lambda ax: plots.plot_reassessment(standing, lang=lang, ax=ax),
            alt=lb.label("title_reassessment", lang),
        )
    )
    status = [s.STATUS_NTM if v else s.STATUS_NOT_NTM for v in standing["ntm"]]
    table = standing.assign(
        status=[status_label(v, lang) for v in status], criteria_reassessed=standing["criteria_met"]
    ).loc[:, ["commune", "criteria_self", "criteria_reassessed", "criteria_total", "status"]]
    parts.append(table_html(table, lang))
    rows = disagreements(review.indicators, year=year)
    if rows.empty:
        parts.append(paragraphs([phrase("no_disagreements", lang, year=year)]))
    else:
        sentence = phrase(
            "n_disagreements", lang, n=len(rows), communes=rows["commune"].nunique(), year=year
        )
        parts.append(paragraphs([sentence]))
        parts.append(table_html(disagreement_table(review, rows, with_commune=True), lang))
        parts.append(wording_note(review, rows["indicator"]))
    return "".join(parts)


def district_conditions(review: Review) -> str:
    """The QĐ 320 district conditions of the year, for a district review only.

    They are a district's: a review of the province or of a former district's
    ground (after 01/07/2025 there is no district) shows nothing.
    """
    if review.area is None or not review.area.district_level:
        return ""
    lang = review.lang
    table = qd320_conditions(review.communes, year=review.year, catalog=review.catalog, lang=lang)
    if table.empty:  # no district set covers the year
        return ""
    shown = table.loc[:, ["condition_label", "required", "observed", "result_label", "reason"]]
    return "".join(
        [
            heading("district_conditions", lang),
            paragraphs([phrase("district_conditions_note", lang)]),
            table_html(shown, lang),
        ]
    )


def findings_in_year(review: Review) -> pd.DataFrame:
    """The findings of the review's year."""
    f = review.data.findings
    year = pd.to_numeric(f["year"], errors="coerce")
    return f.loc[year == review.year]


#: Findings listed under each check before "và N phát hiện khác".
FINDINGS_PER_CHECK = 10


def data_checks(review: Review) -> str:
    """Every finding of the year, counted by check and listed under its check.

    A check with more than :data:`FINDINGS_PER_CHECK` findings lists the first
    ones and says how many more there are (all are in ``findings.csv``).
    """
    lang = review.lang
    found = findings_in_year(review)
    missing = found.loc[found["check"].isin(COMPLETENESS_CHECKS)]
    parts = [heading("checks", lang)]
    parts.append(
        paragraphs(
            [
                count_phrase(
                    "checks_counts",
                    len(found),
                    lang,
                    findings=len(found),
                    missing=len(missing),
                    year=review.year,
                )
            ]
        )
    )
    if found.empty:
        parts.append(paragraphs([phrase("no_findings", lang)]))
        return "".join(parts)
    named = found.assign(check_label=found["check"].map(lambda c: check_name(c, lang)))
    by_check = (
        named.groupby("check_label", sort=True)
        .size()
        .rename("n")
        .reset_index()
        .rename(columns={"check_label": "check"})
    )
    parts.append(table_html(by_check, lang))
    for label, rows in named.groupby("check_label", sort=True):
        rows = rows.sort_values(["commune", "subject"], na_position="last", kind="stable")
        parts.append(f'<h3 class="ntm-check-group">{html.escape(f"{label} ({len(rows)})")}</h3>')
        shown = rows.loc[:, ["commune", "subject", "message"]]
        parts.append(table_html(shown, lang, max_rows=FINDINGS_PER_CHECK))
        more = len(rows) - FINDINGS_PER_CHECK
        if more > 0:
            parts.append(paragraphs([count_phrase("checks_group_more", more, lang, n=more)]))
    return "".join(parts)


#: The sections of the district review, in page order.
SECTIONS = (
    headline,
    reassessment,
    attainment,
    over_years,
    lagging,
    outlook,
    district_conditions,
    data_checks,
)


def page(review: Review) -> str:
    """Every section of the district review, in order (for a notebook opened by hand)."""
    return "".join(section(review) for section in SECTIONS)
