"""What the review notebooks show: headline prose, tables and charts, one call each.

The notebooks stay thin (one ``parameters`` cell, then calls into this
module), so ``ntm render`` and an analyst in JupyterLab see the same thing.
:func:`load_review` reads the processed tables once per kernel and keeps the
analyses it has computed; the ``show_*`` functions display a section (a
heading with an anchor for the table of contents, short prose, a table or an
embedded chart). Every piece of text that comes from the data is
HTML-escaped here; tables go through :meth:`DataFrame.to_html`, which escapes.

Prose is Vietnamese by default and English with ``lang="en"``.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from . import config
from . import labels as lb
from . import schema as s
from .errors import UsageError
from .provenance import is_sample_report
from .schema import ProcessedData

#: Resolution of embedded chart images: sharp on a projector, small enough to mail.
FIGURE_DPI = 110

_SECTIONS = {
    "headline": ("Tổng quan", "Headline"),
    "attainment": ("Kết quả đạt tiêu chí", "Criteria attainment"),
    "change": ("Thay đổi so với năm trước", "Change since the previous year"),
    "over_years": ("Diễn biến qua các năm", "Over the years"),
    "lagging": ("Tiêu chí chậm và khoảng cách tới mục tiêu", "Lagging criteria and gaps"),
    "outlook": ("Triển vọng đạt mục tiêu", "Progress outlook"),
    "checks": ("Kiểm tra số liệu", "Data checks"),
    "standing": ("Kết quả của xã", "Where the commune stands"),
    "history": ("Quá trình qua các năm", "History"),
    "unmet": ("Chỉ tiêu chưa đạt", "Unmet indicators"),
    "tasks": ("Danh sách nhiệm vụ", "Task list"),
    "roadmap": ("Lộ trình", "Roadmap"),
}

_PHRASES = {
    "headline_ntm": (
        "Năm {year} có {ntm}/{total} xã đạt chuẩn nông thôn mới",
        "In {year}, {ntm} of {total} communes meet the new rural standard",
    ),
    "headline_prev": ("(năm {year}: {ntm}/{total})", "({year}: {ntm}/{total})"),
    "headline_mean": (
        "Bình quân {mean} tiêu chí/xã; thấp nhất {min} tiêu chí.",
        "On average {mean} criteria per commune; the lowest is {min}.",
    ),
    "headline_lagging": (
        "Tiêu chí còn xã chưa đạt: {items}.",
        "Criteria some communes still miss: {items}.",
    ),
    "lagging_item": ("{name} ({n} xã)", "{name} ({n} communes)"),
    "headline_all_met": (
        "Mọi xã đạt tất cả các tiêu chí.",
        "Every commune meets every criterion.",
    ),
    "commune_standing": (
        "Năm {year}, {commune} đạt {met}/{total} tiêu chí: {status}.",
        "In {year}, {commune} meets {met} of {total} criteria: {status}.",
    ),
    "commune_change": (
        "So với năm {prev}: mới đạt: {gained}; không còn đạt: {lost}.",
        "Since {prev}: gained {gained}; lost {lost}.",
    ),
    "none": ("không có", "none"),
    "no_unmet": (
        "Không có chỉ tiêu nào chưa đạt trong năm {year}.",
        "No indicator is unmet in {year}.",
    ),
    "n_unmet": (
        "{n} chỉ tiêu chưa đạt trong năm {year}.",
        "{n} indicators are unmet in {year}.",
    ),
    "dept_tasks": (
        "{department}: {n} nhiệm vụ tại {communes} xã trong năm {year}.",
        "{department}: {n} tasks in {communes} communes in {year}.",
    ),
    "dept_no_tasks": (
        "{department} không có chỉ tiêu nào chưa đạt trong năm {year}.",
        "{department} has no unmet indicator in {year}.",
    ),
    "checks_counts": (
        "{findings} phát hiện khi đối chiếu số liệu năm {year}; {missing} báo cáo hoặc chỉ tiêu "
        "còn thiếu.",
        "{findings} cross-check findings in {year}; {missing} missing reports or indicators.",
    ),
    "checks_more": (
        "Hiển thị {shown}/{total} dòng; xem đầy đủ trong tệp findings.csv.",
        "Showing {shown} of {total} rows; see findings.csv for all.",
    ),
    "no_findings": ("Không có phát hiện nào.", "No findings."),
    "basis_counts": (
        "Cơ sở đánh giá năm {year}: {threshold}/{total} chỉ tiêu được so với ngưỡng của bộ tiêu "
        "chí; {self} chỉ tiêu chưa có ngưỡng được xác lập từ nguồn chính thức (hoặc thiếu số liệu) "
        "nên dùng kết quả tự đánh giá của xã; {undecided} chỉ tiêu chưa xác định được.",
        "Basis of evaluation in {year}: {threshold} of {total} indicators were compared with the "
        "criteria set's threshold; {self} have no threshold set from an official source (or no "
        "value) and use the commune's own appraisal; {undecided} could not be decided.",
    ),
    "basis_hint": (
        "Để đánh giá theo ngưỡng, nạp bộ tiêu chí chi tiết của tỉnh (ntm clean --province TỆP).",
        "To evaluate against thresholds, load the province's detailing set "
        "(ntm clean --province FILE).",
    ),
    "no_previous_year": (
        "Không có số liệu năm trước để so sánh.",
        "No previous year in the data to compare with.",
    ),
    "not_in_year": (
        "{commune} không có số liệu năm {year}.",
        "{commune} has no data for {year}.",
    ),
    "off_track": (
        "{n} chỉ tiêu (theo xã) đang đi xuống hoặc không kịp mục tiêu theo xu hướng hiện nay:",
        "{n} commune indicators are deteriorating or off track at the current trend:",
    ),
    "sample_note": (
        "Lưu ý: đây là dữ liệu mẫu tổng hợp, không phải số liệu thật.",
        "Note: this is synthetic sample data, not real figures.",
    ),
}

_COLUMNS = {
    "commune": ("Xã", "Commune"),
    "year": ("Năm", "Year"),
    "criteria_met": ("Số tiêu chí đạt", "Criteria met"),
    "criteria_total": ("Tổng số tiêu chí", "Criteria in set"),
    "criteria_met_change": ("Thay đổi", "Change"),
    "status": ("Tình trạng", "Status"),
    "criterion": ("Tiêu chí", "Criterion"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "value": ("Giá trị", "Value"),
    "threshold": ("Mục tiêu", "Target"),
    "gap": ("Còn thiếu", "Short by"),
    "unit": ("Đơn vị", "Unit"),
    "progress_status": ("Tiến bộ", "Progress"),
    "status_label": ("Tiến bộ", "Progress"),
    "outlook": ("Triển vọng", "Outlook"),
    "projected_year": ("Năm dự kiến đạt", "Projected year"),
    "target_year": ("Hạn", "Deadline"),
    "department": ("Đơn vị phụ trách", "Department"),
    "communes_short": ("Số xã chưa đạt", "Communes short"),
    "indicators_behind": ("Chỉ tiêu chưa đạt (số xã)", "Indicators behind (communes)"),
    "subject": ("Nội dung", "Subject"),
    "check": ("Loại kiểm tra", "Check"),
    "message": ("Mô tả", "Description"),
    "source": ("Nguồn", "Source"),
    "gained_names": ("Mới đạt", "Gained"),
    "lost_names": ("Không còn đạt", "Lost"),
    "communes_ntm": ("Số xã đạt chuẩn", "Communes at standard"),
    "communes_total": ("Tổng số xã", "Communes"),
    "mean_criteria_met": ("Bình quân tiêu chí/xã", "Mean criteria met"),
    "tasks": ("Số nhiệm vụ", "Tasks"),
    "n": ("Số lượng", "Count"),
}

_CHECK_NAMES = {
    "appraisal_vs_threshold": ("Tự đánh giá khác kết quả theo ngưỡng", "Appraisal vs threshold"),
    "criterion_vs_indicators": (
        "Đánh giá tiêu chí khác các chỉ tiêu",
        "Criterion appraisal vs its indicators",
    ),
    "criterion_appraisal_vs_result": (
        "Tự đánh giá tiêu chí khác kết quả tính",
        "Criterion appraisal vs computed result",
    ),
    "matrix_total_mismatch": ("Tổng số tiêu chí đạt không khớp", "Matrix total mismatch"),
    "missing_indicator": ("Thiếu chỉ tiêu trong báo cáo", "Indicator missing from report"),
    "duplicate_conflict": ("Số liệu trùng, khác nhau", "Conflicting duplicate"),
    "duplicate_same": ("Số liệu trùng", "Duplicate"),
    "source_conflict": ("Tên xã/năm không thống nhất", "Conflicting title, sheet or file name"),
    "legacy_encoding": ("Đã chuyển phông chữ cũ", "Legacy font converted"),
    "missing_commune_report": ("Thiếu báo cáo của xã", "Commune report missing"),
}
#: Findings that compare the commune's own appraisal with the evaluated result.
APPRAISAL_CHECKS = (
    "appraisal_vs_threshold",
    "criterion_appraisal_vs_result",
    "criterion_vs_indicators",
)
#: Findings about reporting completeness.
COMPLETENESS_CHECKS = ("missing_commune_report", "missing_indicator")
MAX_FINDING_ROWS = 40


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def phrase(key: str, lang: str = config.DEFAULT_LANG, **fields: Any) -> str:
    """A sentence template of this module filled in.

    >>> phrase("headline_ntm", year=2024, ntm=8, total=8)
    'Năm 2024 có 8/8 xã đạt chuẩn nông thôn mới'
    """
    return _pick(_PHRASES[key], lang).format(**fields)


def format_number(value: object, lang: str = config.DEFAULT_LANG, digits: int = 1) -> str:
    """A number as people read it: decimal comma in Vietnamese, no trailing zeros.

    >>> format_number(18.25)
    '18,2'
    >>> format_number(6.0, "en")
    '6'
    >>> format_number(None)
    '–'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    number = round(float(value), digits)
    text = f"{number:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{number:.0f}"
    if text == "-0":
        text = "0"
    return text.replace(".", ",") if lang == "vi" else text


# ----------------------------------------------------------------------------- the data


@dataclass
class Review:
    """The processed data of one folder, with analyses computed once and kept.

    Built by :func:`load_review`; every ``show_*`` function takes it first.
    """

    data: Any  # schema.ProcessedData
    year: int
    lang: str = config.DEFAULT_LANG
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def communes(self) -> pd.DataFrame:
        return self.data.communes

    @property
    def criteria(self) -> pd.DataFrame:
        return self.data.criteria

    @property
    def indicators(self) -> pd.DataFrame:
        return self.data.indicators

    @property
    def years(self) -> list[int]:
        return self.data.years

    @property
    def previous_year(self) -> int | None:
        earlier = [y for y in self.years if y < self.year]
        return max(earlier) if earlier else None

    @property
    def is_sample(self) -> bool:
        return is_sample_report(self.data.report)

    @cached_property
    def catalog(self):
        from .catalog import load_catalog

        try:
            return load_catalog(self.data.report.get("province_set") or None)
        except Exception:  # a missing province file must not stop a page
            return load_catalog()

    @cached_property
    def criterion_names(self) -> dict[str, str]:
        """Criterion number -> name in ``lang`` for the year's criteria set."""
        sets = self.communes.loc[self.communes["year"] == self.year, "criteria_set"].dropna()
        try:
            if len(sets):
                return lb.criterion_names(self.catalog.get(str(sets.iloc[0])), self.lang)
            return lb.criterion_names(self.catalog, self.lang)
        except Exception:
            return {}

    def criterion_label(self, number: object) -> str:
        """ "17. Môi trường và an toàn thực phẩm" or "17" when no name is known."""
        return lb.criterion_label(str(number), self.criterion_names)

    def cached(self, key: str, compute):
        """``compute()`` once per review and key."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    @property
    def standing(self) -> pd.DataFrame:
        from . import trends

        return self.cached("standing", lambda: trends.commune_standing(self.communes))

    @property
    def summary(self) -> pd.DataFrame:
        from . import trends

        return self.cached("summary", lambda: trends.district_summary(self.communes, self.criteria))

    @property
    def progress(self) -> pd.DataFrame:
        from . import trends

        return self.cached(
            "progress",
            lambda: trends.progress_status(self.indicators, year=self.year, catalog=self.catalog),
        )

    @property
    def lagging(self) -> pd.DataFrame:
        from . import trends

        return self.cached(
            "lagging",
            lambda: trends.lagging_criteria(
                self.criteria,
                self.indicators,
                self.year,
                names=self.criterion_names,
                lang=self.lang,
            ),
        )

    @property
    def mapping(self) -> pd.DataFrame:
        from .responsibility import load_responsibility

        return self.cached("mapping", load_responsibility)

    @property
    def tasks(self) -> pd.DataFrame:
        from . import trends

        return self.cached(
            "tasks",
            lambda: trends.department_tasks(
                self.indicators,
                self.progress,
                self.mapping,
                self.year,
                criteria=self.criteria,
                catalog=self.catalog,
                lang=self.lang,
            ),
        )

    def comparison(self):
        """:func:`trends.compare_years` between the previous year and this one, or None."""
        from . import trends

        prev = self.previous_year
        if prev is None:
            return None
        return self.cached(
            "comparison",
            lambda: trends.compare_years(
                self.criteria,
                self.communes,
                prev,
                self.year,
                names=self.criterion_names,
                lang=self.lang,
            ),
        )


_REVIEWS: dict[tuple, Review] = {}


def load_review(
    processed_dir: str | Path | None = None,
    *,
    year: int | None = None,
    lang: str = config.DEFAULT_LANG,
    district: str | None = None,
) -> Review:
    """Read the processed tables (once per kernel) and pick the year (default: latest).

    ``district`` (optional) must name the district the data covers.
    Raises :class:`~ntm_analysis.errors.NoDataError` when there is no
    processed data and :class:`~ntm_analysis.errors.UsageError` for a year
    or district not in it.
    """
    review = _load_review(processed_dir, year=year, lang=lang)
    if district:
        from .render import slugify

        known = district_name(review.data)
        bare = re.sub(r"^(huyen|thi-xa|thanh-pho|quan)-", "", slugify(known))
        if known and slugify(district) not in (slugify(known), bare):
            raise UsageError(f"The data covers {known}, not '{district}'.")
    return review


def _load_review(processed_dir: str | Path | None, *, year: int | None, lang: str) -> Review:
    path = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DATA_DIR
    key = (str(path.resolve()), _folder_stamp(path), lang, year)
    if key in _REVIEWS:
        return _REVIEWS[key]
    review = _from_snapshot(path, year, lang)
    if review is not None:
        _REVIEWS[key] = review
        return review
    base = next((r for k, r in _REVIEWS.items() if k[:2] == key[:2]), None)
    if base is not None:
        data = base.data
    else:
        from .pipeline import load_processed

        data = load_processed(path)
    chosen = int(year) if year is not None else max(data.years)
    if chosen not in data.years:
        raise UsageError(f"No data for {chosen} in {path}; available years: {data.years}.")
    review = Review(data=data, year=chosen, lang=lang)
    _REVIEWS[key] = review
    return review


def district_name(data: Any) -> str:
    """The district the processed data covers ("" when unknown or several)."""
    names = data.district["district"].dropna().astype(str).unique().tolist()
    return names[0] if len(names) == 1 else ""


def communes_in_year(data: Any, year: int) -> list[str]:
    """Names of the communes with a row in ``year``, in the data's order of codes."""
    rows = data.communes.loc[data.communes["year"] == int(year)]
    rows = rows.sort_values(["commune_code", "commune"], na_position="last")
    return list(dict.fromkeys(rows["commune"].astype(str)))


def departments(data: Any, year: int, *, lang: str = config.DEFAULT_LANG) -> list[str]:
    """Departments of the responsibility mapping that own a criterion present in ``year``."""
    from .responsibility import load_responsibility

    mapping = load_responsibility()
    rows = data.criteria.loc[data.criteria["year"] == int(year)]
    sets = set(rows["criteria_set"].dropna().astype(str))
    criteria = set(rows["criterion"].dropna().astype(str))
    applies = mapping["criteria_set"].isna() | mapping["criteria_set"].astype(str).isin(sets)
    code = mapping["code"].astype(str)
    present = code.str.split(".").str[0].isin(criteria)
    picked = mapping.loc[applies & present]
    column = "department_en" if lang == "en" else "department_vi"
    return list(dict.fromkeys(picked[column].dropna().astype(str)))


# ----------------------------------------------------------------------------- prose


def headline_sentences(data: Any, *, year: int, lang: str = config.DEFAULT_LANG) -> list[str]:
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
        from .evaluation import code_sort_key

        order = sorted(short.index, key=lambda c: (-short[c], code_sort_key(c)))
        items = ", ".join(
            phrase("lagging_item", lang, name=review.criterion_label(c), n=int(short[c]))
            for c in order[:5]
        )
        out.append(phrase("headline_lagging", lang, items=items))
    elif total:
        out.append(phrase("headline_all_met", lang))
    return out


# ----------------------------------------------------------------------------- display


def _display_html(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def heading(
    section: str, lang: str = config.DEFAULT_LANG, *, level: int = 2, suffix: str = ""
) -> str:
    """HTML of a section heading with a stable anchor id (for the table of contents)."""
    title = _pick(_SECTIONS[section], lang) if section in _SECTIONS else section
    if suffix:
        title = f"{title}: {suffix}"
    anchor = section.replace("_", "-")
    return f'<h{level} id="{anchor}">{html.escape(title)}</h{level}>'


def paragraphs(sentences: Sequence[str], *, css_class: str = "ntm-prose") -> str:
    """HTML paragraphs of (escaped) sentences."""
    return "".join(f'<p class="{css_class}">{html.escape(str(t))}</p>' for t in sentences)


def table_html(
    frame: pd.DataFrame, lang: str = config.DEFAULT_LANG, *, max_rows: int | None = None
) -> str:
    """A table with its column labels in ``lang``, numbers formatted, text escaped."""
    shown = frame if max_rows is None else frame.head(max_rows)
    renamed = shown.rename(
        columns={c: _pick(_COLUMNS[c], lang) for c in shown.columns if c in _COLUMNS}
    )
    cells = {}
    for col in renamed.columns:
        values = renamed[col].astype(object)
        if pd.api.types.is_float_dtype(renamed[col]):
            cells[col] = [format_number(v, lang) for v in values]
        else:
            cells[col] = ["–" if np_isna(v) else str(v) for v in values]
    # Every cell is text by now; to_html escapes it.
    return pd.DataFrame(cells, columns=renamed.columns).to_html(
        index=False, classes="ntm-table", border=0, escape=True
    )


def np_isna(value: object) -> bool:
    """True for None, NaN, NA and NaT scalars (False for anything list-like)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def figure_html(fig, *, alt: str = "", dpi: int = FIGURE_DPI) -> str:
    """The figure as an embedded PNG ``<figure>``; the figure is closed afterwards."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    alt_text = html.escape(alt, quote=True)
    caption = f"<figcaption>{html.escape(alt)}</figcaption>" if alt else ""
    return (
        f'<figure class="ntm-figure"><img src="data:image/png;base64,{data}" alt="{alt_text}">'
        f"{caption}</figure>"
    )


def _fig_of(obj):
    return obj.get_figure() if hasattr(obj, "get_figure") and obj.get_figure() is not None else obj


def _status_label(status: object, lang: str) -> str:
    return lb.label(str(status), lang) if isinstance(status, str) else "–"


def basis_sentences(
    indicators: pd.DataFrame, *, year: int, lang: str = config.DEFAULT_LANG
) -> list[str]:
    """Say on what basis the year's indicators were judged (threshold or appraisal).

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
    sentences = [
        phrase(
            "basis_counts",
            lang,
            year=year,
            threshold=int(counts.get(s.BASIS_THRESHOLD, 0)),
            total=len(rows),
            self=n_self,
            undecided=int(counts.get(s.BASIS_NONE, 0)),
        )
    ]
    if n_self:
        sentences.append(phrase("basis_hint", lang))
    return sentences


def show_headline(review: Review) -> None:
    """Headline numbers of the year with the change since the previous year."""
    lang = review.lang
    parts = [
        heading("headline", lang),
        paragraphs(headline_sentences(review, year=review.year, lang=lang)),
    ]
    summary = review.summary
    cols = [
        c for c in ("year", "communes_total", "communes_ntm", "mean_criteria_met") if c in summary
    ]
    table = summary.loc[summary["year"] <= review.year, cols].astype({"year": "string"})
    parts.append(table_html(table, lang))
    parts.append(paragraphs(basis_sentences(review.indicators, year=review.year, lang=lang)))
    _display_html("".join(parts))


def _chart(draw, *, alt: str, size: str = "screen") -> str:
    """Draw one chart with the house theme on a new figure and embed it."""
    from . import plots

    with plots.theme(size):
        fig, ax = plots.new_figure(size)
        draw(ax)
        return figure_html(fig, alt=alt)


def _indicator_texts(review: Review) -> dict[str, str]:
    def compute():
        try:
            sets = review.communes.loc[review.communes["year"] == review.year, "criteria_set"]
            cset = review.catalog.get(str(sets.iloc[0]))
            return {i.code: i.text(review.lang) for i in cset.indicators}
        except Exception:
            return {}

    return review.cached("indicator_texts", compute)


def _indicator_label(review: Review, code: object) -> str:
    """ "17.1. Tỷ lệ hộ …"; a criterion-level code gets the criterion's name."""
    text = _indicator_texts(review).get(str(code))
    if text:
        return f"{code}. {text}"
    return review.criterion_label(code) if "." not in str(code) else str(code)


def show_attainment(review: Review) -> None:
    """The attainment heatmap of the year and, when there is one, the change heatmap."""
    from . import plots

    lang, year = review.lang, review.year
    parts = [heading("attainment", lang)]
    parts.append(
        _chart(
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
        parts.append(
            _chart(
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
    _display_html("".join(parts))


def show_over_years(review: Review) -> None:
    """Criteria met per commune over the years, and the share meeting each criterion."""
    from . import plots

    lang = review.lang
    communes = review.communes.loc[review.communes["year"] <= review.year]
    criteria = review.criteria.loc[review.criteria["year"] <= review.year]
    parts = [heading("over_years", lang)]
    parts.append(
        _chart(
            lambda ax: plots.plot_criteria_met_over_years(communes, lang=lang, ax=ax),
            alt=lb.label("title_criteria_met_over_years", lang),
        )
    )
    parts.append(
        _chart(
            lambda ax: plots.plot_criterion_shares(
                criteria, names=review.criterion_names, lang=lang, ax=ax
            ),
            alt=lb.label("title_criterion_shares", lang),
        )
    )
    _display_html("".join(parts))


def show_lagging(review: Review) -> None:
    """Criteria ranked by communes short of them, and each commune's gap to target."""
    from . import plots

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
    indicators = review.indicators.loc[review.indicators["year"] == year]
    has_numeric = (
        indicators["threshold_op"].isin([">=", "<="]).fillna(False) & indicators["value"].notna()
    ).any()
    if has_numeric:
        parts.append(
            _chart(
                lambda ax: plots.plot_gap_to_target(review.indicators, year=year, lang=lang, ax=ax),
                alt=lb.label("title_gap_to_target", lang, year=year),
            )
        )
    _display_html("".join(parts))


def show_outlook(review: Review) -> None:
    """Progress status of every numeric indicator (Open SDG method) and its outlook."""
    from . import plots

    lang = review.lang
    progress = review.progress
    parts = [heading("outlook", lang)]
    if len(progress):
        parts.append(
            _chart(
                lambda ax: plots.plot_progress_summary(progress, lang=lang, ax=ax),
                alt=lb.label("title_progress_summary", lang),
            )
        )
        counts = (
            progress.assign(outlook=progress["outlook"].map(lambda v: _status_label(v, lang)))
            .groupby("outlook", sort=False)
            .size()
            .rename("n")
            .reset_index()
        )
        parts.append(table_html(counts, lang))
        behind = progress.loc[
            progress["outlook"].eq(lb.OUTLOOK_OFF_TRACK).fillna(False)
            | progress["status"].eq(lb.PROGRESS_DETERIORATION).fillna(False)
        ]
        if len(behind):
            parts.append(paragraphs([phrase("off_track", lang, n=len(behind))]))
            table = behind.assign(
                indicator=[_indicator_label(review, c) for c in behind["indicator"]],
                value=behind["current_value"].astype("Float64").astype(float),
                progress_status=[_status_label(v, lang) for v in behind["status"]],
                outlook=[_status_label(v, lang) for v in behind["outlook"]],
            ).loc[
                :,
                ["commune", "indicator", "value", "unit", "progress_status", "outlook"]
                + ["projected_year", "target_year"],
            ]
            parts.append(table_html(table, lang, max_rows=MAX_FINDING_ROWS))
    else:
        parts.append(paragraphs([lb.label(lb.PROGRESS_NOT_ENOUGH_DATA, lang)]))
    _display_html("".join(parts))


def _findings_in_year(review: Review) -> pd.DataFrame:
    f = review.data.findings
    year = pd.to_numeric(f["year"], errors="coerce")
    return f.loc[year == review.year]


def show_data_checks(review: Review) -> None:
    """Findings of the data checks: appraisal against result, and reporting completeness."""
    lang = review.lang
    found = _findings_in_year(review)
    appraisal = found.loc[found["check"].isin(APPRAISAL_CHECKS)]
    missing = found.loc[found["check"].isin(COMPLETENESS_CHECKS)]
    parts = [heading("checks", lang)]
    parts.append(
        paragraphs(
            [
                phrase(
                    "checks_counts",
                    lang,
                    findings=len(appraisal),
                    missing=len(missing),
                    year=review.year,
                )
            ]
        )
    )
    if found.empty:
        parts.append(paragraphs([phrase("no_findings", lang)]))
    else:
        by_check = (
            found.assign(
                check=found["check"].map(lambda c: _pick(_CHECK_NAMES.get(c, (c, c)), lang))
            )
            .groupby("check", sort=True)
            .size()
            .rename("n")
            .reset_index()
        )
        parts.append(table_html(by_check, lang))
        for subset in (appraisal, missing):
            if len(subset):
                shown = subset.loc[:, ["commune", "subject", "message"]]
                parts.append(table_html(shown, lang, max_rows=MAX_FINDING_ROWS))
                if len(subset) > MAX_FINDING_ROWS:
                    parts.append(
                        paragraphs(
                            [phrase("checks_more", lang, shown=MAX_FINDING_ROWS, total=len(subset))]
                        )
                    )
    _display_html("".join(parts))


def show_district_review(review: Review) -> None:  # pragma: no cover - convenience for the lab
    """Every section of the district review, in order."""
    for show in (
        show_headline,
        show_attainment,
        show_over_years,
        show_lagging,
        show_outlook,
        show_data_checks,
    ):
        show(review)


# ----------------------------------------------------------------------------- commune


def _resolve(name: str, choices: Sequence[str], what: str) -> str:
    from .render import slugify

    wanted = slugify(name)
    for c in choices:
        slug = slugify(c)
        if wanted in (slug, slug.split("-", 1)[-1]) or (
            slug.startswith("thi-tran-") and wanted == slug[len("thi-tran-") :]
        ):
            return c
    raise UsageError(f"Unknown {what} '{name}'. Known: {', '.join(choices)}.")


def commune_tasks(review: Review, commune: str) -> pd.DataFrame:
    """Every unmet indicator of the commune in the year, with gap, owner and outlook."""
    tasks = review.tasks
    rows = tasks.loc[tasks["commune"] == commune]
    return _task_table(review, rows, with_commune=False)


def _task_table(review: Review, rows: pd.DataFrame, *, with_commune: bool) -> pd.DataFrame:
    lang = review.lang
    out = rows.assign(
        indicator=[_indicator_label(review, c) for c in rows["indicator"]],
        progress_status=[_status_label(v, lang) for v in rows["progress_status"]],
        outlook=[_status_label(v, lang) for v in rows["outlook"]],
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
    out = out.assign(threshold=_target_texts(out, lang))
    cols = ["commune"] if with_commune else []
    cols += ["indicator", "value", "threshold", "gap", "unit", "progress_status", "outlook"]
    cols += ["projected_year", "target_year"]
    if not with_commune:
        cols.insert(1, "department")
    return out.loc[:, [c for c in cols if c in out.columns]]


def _target_texts(rows: pd.DataFrame, lang: str) -> list[str]:
    """ "≥ 95" from the threshold, else the target as the report wrote it."""
    out = []
    for op, value, text in zip(
        rows.get("threshold_op", pd.Series(pd.NA, index=rows.index)),
        rows.get("threshold", pd.Series(pd.NA, index=rows.index)),
        rows.get("target_text", pd.Series(pd.NA, index=rows.index)),
        strict=True,
    ):
        if isinstance(op, str) and op in (">=", "<=") and not np_isna(value):
            out.append(f"{'≥' if op == '>=' else '≤'} {format_number(value, lang)}")
        elif isinstance(op, str) and op == "yes":
            out.append(lb.label(s.MET, lang))
        elif isinstance(text, str) and text.strip():
            out.append(text)
        else:
            out.append("–")
    return out


def show_commune_standing(review: Review, commune: str) -> None:
    """The commune's criteria met and status this year, and what changed."""
    lang, year = review.lang, review.year
    commune = _resolve(
        commune,
        communes_in_year(review.data, year) or list(review.communes["commune"].unique()),
        "commune",
    )
    parts = [heading("standing", lang)]
    row = review.standing.loc[
        (review.standing["commune"] == commune) & (review.standing["year"] == year)
    ]
    if row.empty:
        parts.append(paragraphs([phrase("not_in_year", lang, commune=commune, year=year)]))
        _display_html("".join(parts))
        return
    r = row.iloc[0]
    sentences = [
        phrase(
            "commune_standing",
            lang,
            year=year,
            commune=commune,
            met=int(r["criteria_met"]),
            total=int(r["criteria_total"]),
            status=_status_label(r["status"], lang),
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
    _display_html("".join(parts))


def show_commune_history(review: Review, commune: str) -> None:
    """Criteria met by the commune over the years (chart and table)."""
    from . import plots

    lang = review.lang
    commune = _resolve(commune, list(review.communes["commune"].unique()), "commune")
    history = review.communes.loc[
        (review.communes["commune"] == commune) & (review.communes["year"] <= review.year)
    ]
    parts = [heading("history", lang)]
    parts.append(
        _chart(
            lambda ax: plots.plot_criteria_met_over_years(history, lang=lang, ax=ax, legend=False),
            alt=lb.label("title_criteria_met_over_years", lang),
            size="a4",
        )
    )
    table = history.assign(status=[_status_label(v, lang) for v in history["status"]]).loc[
        :, ["year", "criteria_met", "criteria_total", "status"]
    ]
    parts.append(table_html(table.astype({"year": "string"}), lang))
    _display_html("".join(parts))


def show_commune_unmet(review: Review, commune: str) -> None:
    """Every unmet indicator of the commune, with its gap, owner and outlook."""
    lang, year = review.lang, review.year
    commune = _resolve(commune, list(review.communes["commune"].unique()), "commune")
    table = commune_tasks(review, commune)
    parts = [heading("unmet", lang)]
    if table.empty:
        parts.append(paragraphs([phrase("no_unmet", lang, year=year)]))
    else:
        n = table["indicator"].nunique()
        parts.append(paragraphs([phrase("n_unmet", lang, n=n, year=year)]))
        parts.append(table_html(table, lang))
    _display_html("".join(parts))


# ----------------------------------------------------------------------------- department


def department_task_list(review: Review, department: str) -> pd.DataFrame:
    """The department's tasks: every unmet indicator in its charge, by commune."""
    tasks = review.tasks
    names = list(dict.fromkeys(tasks["department"].dropna().astype(str))) + departments(
        review.data, review.year, lang=review.lang
    )
    try:
        name = _resolve(department, list(dict.fromkeys(names)), "department")
    except UsageError:
        ids = tasks.loc[tasks["department_id"].astype(str) == department, "department"]
        if ids.empty:
            raise
        name = str(ids.iloc[0])
    rows = tasks.loc[tasks["department"] == name]
    return _task_table(review, rows, with_commune=True).assign(_department=name)


def show_department_tasks(review: Review, department: str) -> None:
    """The department's task list across all communes."""
    lang, year = review.lang, review.year
    table = department_task_list(review, department)
    name = str(table["_department"].iloc[0]) if len(table) else department
    table = table.drop(columns="_department")
    parts = [heading("tasks", lang)]
    if table.empty:
        parts.append(paragraphs([phrase("dept_no_tasks", lang, department=department, year=year)]))
    else:
        parts.append(
            paragraphs(
                [
                    phrase(
                        "dept_tasks",
                        lang,
                        department=name,
                        n=len(table),
                        communes=table["commune"].nunique(),
                        year=year,
                    )
                ]
            )
        )
        parts.append(table_html(table.sort_values(["indicator", "commune"]), lang))
    parts.append(paragraphs(basis_sentences(review.indicators, year=year, lang=lang)))
    _display_html("".join(parts))


def show_department_roadmap(review: Review, department: str) -> None:
    """The roadmap: tasks per deadline and outlook, and each indicator's trajectory."""
    lang = review.lang
    table = department_task_list(review, department).drop(columns="_department")
    parts = [heading("roadmap", lang)]
    if table.empty:
        _display_html(
            "".join(
                parts
                + [
                    paragraphs(
                        [phrase("dept_no_tasks", lang, department=department, year=review.year)]
                    )
                ]
            )
        )
        return
    roadmap = (
        table.groupby(["target_year", "outlook"], dropna=False, sort=True)
        .agg(tasks=("indicator", "size"), communes=("commune", "nunique"))
        .reset_index()
        .rename(columns={"communes": "communes_total"})
    )
    parts.append(table_html(roadmap.astype({"target_year": "string"}), lang))
    tasks = review.tasks
    codes = (
        tasks.loc[
            tasks["department"].isin(
                department_task_list(review, department)["_department"].unique()
            )
        ]
        .loc[lambda t: t["threshold_op"].isin([">=", "<="]).fillna(False), "indicator"]
        .dropna()
        .unique()
    )
    from . import plots
    from .evaluation import code_sort_key

    for code in sorted(codes, key=code_sort_key)[:4]:
        parts.append(
            _chart(
                lambda ax, code=code: plots.plot_indicator_trajectory(
                    review.indicators.loc[review.indicators["year"] <= review.year],
                    indicator=str(code),
                    progress=review.progress,
                    text=_indicator_texts(review).get(str(code)),
                    lang=lang,
                    ax=ax,
                ),
                alt=_indicator_label(review, code),
                size="a4",
            )
        )
    _display_html("".join(parts))


# ----------------------------------------------------------------------------- snapshot

#: Environment variable naming a snapshot file that ``ntm render`` writes once per
#: batch, so every notebook kernel skips re-reading, re-validating and re-analysing.
SNAPSHOT_ENV = "NTM_REVIEW_SNAPSHOT"
#: Analyses precomputed into the snapshot, per year.
SNAPSHOT_ANALYSES = (
    "criterion_names",
    "standing",
    "summary",
    "progress",
    "lagging",
    "mapping",
    "tasks",
)


def _folder_stamp(path: Path) -> tuple:
    if not path.is_dir():
        return ()
    return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(path.glob("*")) if p.is_file())


def build_snapshot(data: Any, *, years: Sequence[int], lang: str) -> dict:
    """The processed tables and the analyses of each year, computed once (for ``ntm render``)."""
    path = Path(data.path).resolve()
    caches: dict[int, dict] = {}
    for year in years:
        review = Review(data=data, year=int(year), lang=lang)
        for name in SNAPSHOT_ANALYSES:
            try:
                value = getattr(review, name)
            except Exception:  # a failing analysis fails in the page, where it is reported
                continue
            if name == "criterion_names":
                review._cache["_criterion_names"] = value
        with contextlib.suppress(Exception):
            review.comparison()
        _indicator_texts(review)
        caches[int(year)] = dict(review._cache)
    light = ProcessedData(
        **{name: getattr(data, name) for name in ProcessedData.__dataclass_fields__}
    )
    return {"key": (str(path), _folder_stamp(path), lang), "data": light, "caches": caches}


def _from_snapshot(path: Path, year: int | None, lang: str) -> Review | None:
    import pickle

    file = os.environ.get(SNAPSHOT_ENV)
    if not file or not Path(file).is_file():
        return None
    try:
        with open(file, "rb") as fh:
            snap = pickle.load(fh)  # written by this package for this batch only
    except Exception:
        return None
    resolved = path.resolve()
    if snap.get("key") != (str(resolved), _folder_stamp(resolved), lang):
        return None
    data = snap["data"]
    chosen = int(year) if year is not None else max(data.years)
    if chosen not in data.years:
        return None
    review = Review(data=data, year=chosen, lang=lang)
    cache = dict(snap["caches"].get(chosen, {}))
    names = cache.pop("_criterion_names", None)
    if names is not None:
        review.__dict__["criterion_names"] = names
    review._cache.update(cache)
    return review
