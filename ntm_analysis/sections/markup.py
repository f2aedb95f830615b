"""HTML building blocks of the page sections, and the words they use.

Every piece of text that comes from the data is HTML-escaped here; tables go
through :meth:`DataFrame.to_html`, which escapes. Prose is Vietnamese by
default and English with ``lang="en"``.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from .. import config, plots
from .. import labels as lb
from ..errors import FindingCheck

#: Resolution of embedded chart images: sharp on a projector, small enough to mail.
FIGURE_DPI = 110

_SECTIONS = {
    "headline": ("Tổng quan", "Headline"),
    "district_conditions": (
        "Điều kiện huyện đạt chuẩn nông thôn mới (QĐ 320/QĐ-TTg)",
        "District new rural conditions (QĐ 320/QĐ-TTg)",
    ),
    "attainment": ("Kết quả đạt tiêu chí", "Criteria attainment"),
    "change": ("Thay đổi so với năm trước", "Change since the previous year"),
    "over_years": ("Diễn biến qua các năm", "Over the years"),
    "lagging": ("Tiêu chí chậm và khoảng cách tới mục tiêu", "Lagging criteria and gaps"),
    "outlook": ("Triển vọng đạt mục tiêu", "Progress outlook"),
    "checks": ("Kiểm tra số liệu", "Data checks"),
    "reassessment": (
        "Đánh giá lại so với xã tự báo cáo",
        "Re-assessment against the communes' word",
    ),
    "disagreements": (
        "Chỉ tiêu xã tự đánh giá khác kết quả đánh giá lại",
        "Indicators where the commune's appraisal and the re-assessment disagree",
    ),
    "standing": ("Kết quả của xã", "Where the commune stands"),
    "history": ("Quá trình qua các năm", "History"),
    "unmet": ("Chỉ tiêu chưa đạt", "Unmet indicators"),
    "tasks": ("Danh sách nhiệm vụ", "Task list"),
    "roadmap": ("Lộ trình", "Roadmap"),
}

_PHRASES = {
    "area_scope": (
        "Địa bàn rà soát: {area}, {n} xã năm {year}.",
        "Area reviewed: {area}, {n} communes in {year}.",
    ),
    "area_scope_one": (
        "Địa bàn rà soát: {area}, {n} xã năm {year}.",
        "Area reviewed: {area}, {n} commune in {year}.",
    ),
    "area_former_district": (
        "Gồm các xã hình thành từ các đơn vị của {district} khi sắp xếp đơn vị hành chính "
        "từ {date} (theo danh sách kế thừa đi kèm danh mục đơn vị), và các đơn vị của huyện "
        "trong những năm trước.",
        "The communes formed from the units of {district} in the arrangement of {date} (by "
        "the lineage file beside the registry), and the district's own units in earlier years.",
    ),
    "district_conditions_note": (
        "Huyện chỉ xét được những điều kiện có số liệu; điều kiện thiếu số liệu ghi "
        "“không đủ dữ liệu để kết luận”.",
        "Only conditions with data are decided; the others read “cannot decide from the data”.",
    ),
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
    "lagging_item_one": ("{name} ({n} xã)", "{name} ({n} commune)"),
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
        "{findings} phát hiện khi đối chiếu số liệu năm {year}, trong đó {missing} về báo cáo "
        "hoặc chỉ tiêu còn thiếu. Tất cả được liệt kê dưới đây theo loại.",
        "{findings} findings in the data checks of {year}, {missing} of them about missing "
        "reports or indicators. All are listed below by kind.",
    ),
    "checks_counts_one": (
        "{findings} phát hiện khi đối chiếu số liệu năm {year}, trong đó {missing} về báo cáo "
        "hoặc chỉ tiêu còn thiếu.",
        "{findings} finding in the data checks of {year}, {missing} of them about missing "
        "reports or indicators.",
    ),
    "checks_more": (
        "Hiển thị {shown}/{total} dòng; xem đầy đủ trong tệp findings.csv.",
        "Showing {shown} of {total} rows; see findings.csv for all.",
    ),
    "checks_group_more": (
        "… và {n} phát hiện khác (xem đầy đủ trong tệp findings.csv).",
        "… and {n} more findings (see findings.csv for all).",
    ),
    "checks_group_more_one": (
        "… và {n} phát hiện khác (xem đầy đủ trong tệp findings.csv).",
        "… and {n} more finding (see findings.csv for all).",
    ),
    "no_findings": ("Không có phát hiện nào.", "No findings."),
    "reassessed_headline": (
        "Đánh giá lại: {ntm}/{total} xã đạt chuẩn (xã tự báo cáo: {self}/{total}).",
        "Re-assessed: {ntm} of {total} communes at the standard (as the communes report: "
        "{self} of {total}).",
    ),
    "n_disagreements": (
        "{n} chỉ tiêu tại {communes} xã: kết quả đánh giá lại khác kết quả xã tự đánh giá "
        "(năm {year}).",
        "{n} indicators in {communes} communes where the re-assessment and the commune's own "
        "appraisal disagree ({year}).",
    ),
    "no_disagreements": (
        "Không có chỉ tiêu nào mà kết quả đánh giá lại khác kết quả xã tự đánh giá (năm {year}).",
        "The re-assessment agrees with every appraisal of {year}.",
    ),
    "latest_change": ("năm gần nhất: {change}", "latest year: {change}"),
    "basis_counts": (
        "Cơ sở đánh giá năm {year}: {threshold}/{total} chỉ tiêu được so với ngưỡng của bộ tiêu "
        "chí; {stated} chỉ tiêu chưa có ngưỡng từ nguồn chính thức được so với chỉ tiêu ghi "
        "trong báo cáo của xã; {self} chỉ tiêu dùng kết quả tự đánh giá của xã (không có ngưỡng "
        "hay chỉ tiêu dùng được, hoặc thiếu số liệu); {undecided} chỉ tiêu chưa xác định được.",
        "Basis of evaluation in {year}: {threshold} of {total} indicators were compared with the "
        "criteria set's threshold; {stated} without an official threshold were compared with the "
        "target the commune's report states; {self} use the commune's own appraisal (no usable "
        "threshold or target, or no value); {undecided} could not be decided.",
    ),
    "basis_hint": (
        "Để đánh giá theo ngưỡng của tỉnh, nạp bộ tiêu chí chi tiết của tỉnh (ntm clean --province "
        "TỆP; ntm province template hoặc ntm province draft giúp soạn tệp này).",
        "To evaluate against the province's thresholds, load its detailing set "
        "(ntm clean --province FILE; ntm province template or draft helps write it).",
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
    "wording_source": (
        "Câu chữ của chỉ tiêu {codes} ghi theo báo cáo của xã: câu chữ trong bộ tiêu chí của "
        "công cụ chưa được đối chiếu với văn bản quyết định.",
        "The wording of indicator(s) {codes} is the commune reports' own: the tool's catalog "
        "wording is not yet checked against the decision.",
    ),
    "wording_varies": (
        "Chỉ tiêu {code} được các xã ghi theo {n} cách; bảng dùng cách ghi của {top}/{total} xã. "
        "Cách ghi khác: {others}.",
        "Indicator {code} is worded {n} ways by the communes; the table uses the wording of "
        "{top} of {total} communes. Other wordings: {others}.",
    ),
    "wording_other": ("«{text}» ({communes})", "“{text}” ({communes})"),
    "sample_note": (
        "Lưu ý: đây là dữ liệu mẫu tổng hợp, không phải số liệu thật.",
        "Note: this is synthetic sample data, not real figures.",
    ),
}

_COLUMNS = {
    "condition_label": ("Điều kiện", "Condition"),
    "required": ("Yêu cầu", "Required"),
    "observed": ("Thực tế", "Observed"),
    "result_label": ("Kết quả", "Result"),
    "reason": ("Lý do", "Reason"),
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
    "value_text": ("Kết quả", "Value"),
    "target_text": ("Chỉ tiêu (mục tiêu)", "Target"),
    "self_assessed": ("Xã tự đánh giá", "Commune's appraisal"),
    "met": ("Đánh giá lại", "Re-assessed"),
    "met_basis": ("Cơ sở đánh giá lại", "Basis"),
    "source_file": ("Tệp nguồn", "Source file"),
    "criteria_self": ("Số tiêu chí đạt (xã báo cáo)", "Criteria met (as reported)"),
    "criteria_reassessed": ("Số tiêu chí đạt (đánh giá lại)", "Criteria met (re-assessed)"),
}

#: Findings that compare the commune's own appraisal with the evaluated result.
APPRAISAL_CHECKS = (
    FindingCheck.APPRAISAL_VS_THRESHOLD,
    FindingCheck.APPRAISAL_VS_STATED_TARGET,
    FindingCheck.CRITERION_APPRAISAL_VS_RESULT,
    FindingCheck.CRITERION_VS_INDICATORS,
)
#: Findings about reporting completeness.
COMPLETENESS_CHECKS = (FindingCheck.MISSING_COMMUNE_REPORT, FindingCheck.MISSING_INDICATOR)
#: Findings about the targets the reports state.
TARGET_CHECKS = (
    FindingCheck.STATED_TARGET_VS_THRESHOLD,
    FindingCheck.STATED_TARGET_INCONSISTENT,
    FindingCheck.TARGET_UNPARSED,
)
MAX_FINDING_ROWS = 40


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def phrase(key: str, lang: str = config.DEFAULT_LANG, **fields: Any) -> str:
    """A sentence template of the pages filled in.

    >>> phrase("headline_ntm", year=2024, ntm=8, total=8)
    'Năm 2024 có 8/8 xã đạt chuẩn nông thôn mới'
    """
    return _pick(_PHRASES[key], lang).format(**fields)


def count_phrase(key: str, count: int, lang: str = config.DEFAULT_LANG, **fields: Any) -> str:
    """:func:`phrase` in the singular form ``<key>_one`` when ``count`` is 1 (English)."""
    one = f"{key}_one"
    return phrase(one if count == 1 and one in _PHRASES else key, lang, **fields)


def check_name(check: str, lang: str = config.DEFAULT_LANG) -> str:
    """The readable name of a finding check ("duplicate_same" -> "Số liệu trùng")."""
    return lb.check_name(check, lang)


#: Numbers as people read them in the page's language (one formatter, in :mod:`labels`).
format_number = lb.format_number


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


def is_missing(value: object) -> bool:
    """True for None, NaN, NA and NaT scalars (False for anything list-like)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


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
            cells[col] = ["–" if is_missing(v) else str(v) for v in values]
    # Every cell is text by now; to_html escapes it.
    return pd.DataFrame(cells, columns=renamed.columns).to_html(
        index=False, classes="ntm-table", border=0, escape=True
    )


def figure_html(fig, *, alt: str = "", dpi: int = FIGURE_DPI) -> str:
    """The figure as an embedded PNG ``<figure>``; the figure is closed afterwards."""
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


def chart(draw: Callable[[Any], object], *, alt: str, size: str = "screen") -> str:
    """Draw one chart with the house theme on a new figure and embed it."""
    with plots.theme(size):
        fig, ax = plots.new_figure(size)
        draw(ax)
        return figure_html(fig, alt=alt)


def progress_text(status: object, latest_change: object, lang: str) -> str:
    """A progress status with the latest year's change beside it.

    >>> progress_text("limited_progress", -4.1, "vi")
    'Tiến bộ hạn chế (năm gần nhất: −4,1)'
    >>> progress_text("target_achieved", None, "en")
    'Target achieved'
    """
    label = status_label(status, lang)
    if is_missing(latest_change) or not isinstance(status, str):
        return label
    change = float(latest_change)
    number = format_number(abs(change), lang)
    signed = f"−{number}" if change < 0 else (f"+{number}" if change > 0 else number)
    return f"{label} ({phrase('latest_change', lang, change=signed)})"


def status_label(status: object, lang: str) -> str:
    """The label of a status code, or "–" when there is none."""
    return lb.label(str(status), lang) if isinstance(status, str) else "–"
