"""User-facing words in Vietnamese and English, defined once.

Criterion and indicator names come from the catalog; everything else a table,
chart or page shows to people (appraisal and status words, bands, progress
statuses, chart titles, axis labels, department names, the pages' headings,
sentences and column headings, the page frame) lives here, each table of the
one shape ``key -> (Vietnamese, English)``. The sentences of the CLI, errors,
rejects and findings are :mod:`ntm_analysis.messages`, a table of that shape
read through :func:`message`.

>>> label("met")
'Đạt'
>>> label("met", lang="en")
'Met'
>>> label("title_attainment_heatmap", lang="en", year=2024)
'Criteria attainment by commune, 2024'
"""

from __future__ import annotations

import contextlib
import math
import numbers
import string
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar

from ntm_analysis import config
from ntm_analysis import schema as s
from ntm_analysis.errors import FindingCheck
from ntm_analysis.messages import MESSAGES
from ntm_analysis.page_words import (
    BASIS_WORDS,
    COLUMN_HEADINGS,
    FRAME_WORDS,
    PAGE_PHRASES,
    SECTION_TITLES,
)
from ntm_analysis.page_words import PLAN_COLUMN_HEADINGS as _PLAN_COLUMN_HEADINGS

#: Codes shown in charts and tables that are not in :mod:`ntm_analysis.schema`.
NO_DATA = "no_data"
GAINED = "gained"
LOST = "lost"
UNCHANGED_MET = "unchanged_met"
UNCHANGED_NOT_MET = "unchanged_not_met"
NOT_COMPARABLE = "not_comparable"

#: Bands of criteria met (issue 4, chart 5).
BAND_ALL = "band_all"  # every criterion of the set (19/19)
BAND_FLOOR = "band_floor"  # the QĐ 263 floor (15) up to all but one (15–18)
BAND_BELOW = "band_below"  # under the floor (< 15)
BAND_NOT_ALL = "band_not_all"  # a set with no floor defined: not all criteria
BANDS = (BAND_ALL, BAND_FLOOR, BAND_BELOW, BAND_NOT_ALL, NO_DATA)

#: Open SDG progress statuses, best first.
PROGRESS_ACHIEVED = "target_achieved"
PROGRESS_SUBSTANTIAL = "substantial_progress"
PROGRESS_MODERATE = "moderate_progress"
PROGRESS_LIMITED = "limited_progress"
PROGRESS_DETERIORATION = "deterioration"
PROGRESS_NOT_ENOUGH_DATA = "not_enough_data"
PROGRESS_STATUSES = (
    PROGRESS_ACHIEVED,
    PROGRESS_SUBSTANTIAL,
    PROGRESS_MODERATE,
    PROGRESS_LIMITED,
    PROGRESS_DETERIORATION,
    PROGRESS_NOT_ENOUGH_DATA,
)

#: Outlook at the current trend.
OUTLOOK_ACHIEVED = "outlook_achieved"
OUTLOOK_ON_TRACK = "on_track"
OUTLOOK_OFF_TRACK = "off_track"
OUTLOOK_UNKNOWN = "outlook_unknown"
OUTLOOKS = (OUTLOOK_ACHIEVED, OUTLOOK_ON_TRACK, OUTLOOK_OFF_TRACK, OUTLOOK_UNKNOWN)

#: Results of a district condition check.
CONDITION_MET = "condition_met"
CONDITION_NOT_MET = "condition_not_met"
CONDITION_CANNOT_DECIDE = "cannot_decide"

_LABELS: dict[str, tuple[str, str]] = {
    # appraisals / met states
    s.MET: ("Đạt", "Met"),
    s.BASICALLY_MET: ("Cơ bản đạt", "Basically met"),
    s.NOT_MET: ("Chưa đạt", "Not met"),
    NO_DATA: ("Không có số liệu", "No data"),
    # commune status
    s.STATUS_NTM: ("Đạt chuẩn NTM", "NTM standard met"),
    s.STATUS_NOT_NTM: ("Chưa đạt chuẩn NTM", "NTM standard not met"),
    # change
    GAINED: ("Mới đạt", "Gained"),
    LOST: ("Không còn đạt", "Lost"),
    UNCHANGED_MET: ("Giữ đạt", "Still met"),
    UNCHANGED_NOT_MET: ("Vẫn chưa đạt", "Still not met"),
    NOT_COMPARABLE: ("Không so sánh được", "Not comparable"),
    # bands
    BAND_ALL: ("Đạt tất cả tiêu chí", "All criteria met"),
    BAND_FLOOR: ("Đạt 15–18 tiêu chí", "15–18 criteria met"),
    BAND_BELOW: ("Dưới 15 tiêu chí", "Under 15 criteria met"),
    BAND_NOT_ALL: ("Chưa đạt đủ tiêu chí", "Not all criteria met"),
    # progress (Open SDG)
    PROGRESS_ACHIEVED: ("Đã đạt mục tiêu", "Target achieved"),
    PROGRESS_SUBSTANTIAL: ("Tiến bộ tốt", "Substantial progress"),
    PROGRESS_MODERATE: ("Tiến bộ vừa phải", "Moderate progress"),
    PROGRESS_LIMITED: ("Tiến bộ hạn chế", "Limited progress"),
    PROGRESS_DETERIORATION: ("Đi xuống", "Deterioration"),
    PROGRESS_NOT_ENOUGH_DATA: ("Chưa đủ số liệu", "Not enough data"),
    # outlook
    OUTLOOK_ACHIEVED: ("Đã đạt", "Already met"),
    OUTLOOK_ON_TRACK: ("Kịp mục tiêu", "On track"),
    OUTLOOK_OFF_TRACK: ("Không kịp mục tiêu", "Off track"),
    OUTLOOK_UNKNOWN: ("Chưa dự báo được", "Cannot project"),
    # district conditions (QĐ 320)
    CONDITION_MET: ("Đạt", "Met"),
    CONDITION_NOT_MET: ("Chưa đạt", "Not met"),
    CONDITION_CANNOT_DECIDE: ("Không đủ dữ liệu để kết luận", "Cannot decide from the data"),
    "reason_no_advanced_data": (
        "Không có số liệu xã NTM nâng cao",
        "No data on advanced communes",
    ),
    "reason_no_town_data": (
        "Không có số liệu về thị trấn (đô thị văn minh)",
        "No data on towns (civilised-urban standard)",
    ),
    "reason_no_satisfaction_data": (
        "Không có số liệu khảo sát mức độ hài lòng",
        "No resident-satisfaction survey data",
    ),
    "reason_no_district_criteria": (
        "Không có số liệu tiêu chí cấp huyện",
        "No district-level criteria data",
    ),
    "reason_communes_missing": (
        "Có xã chưa có số liệu",
        "Some communes have no data",
    ),
    "district_ntm": ("Huyện đạt chuẩn NTM", "District meets the NTM standard"),
    # the area a review covers ({name}: "Đầm Hà", "Quảng Ninh")
    "area_district": ("Huyện {name}", "{name} district"),
    "area_province": ("Tỉnh {name}", "{name} province"),
    "area_former_district": ("Địa bàn huyện {name} cũ", "Former {name} district area"),
    # district-level trend of a criterion's share
    "rose": ("Tăng", "Rose"),
    "fell": ("Giảm", "Fell"),
    "unchanged": ("Không đổi", "Unchanged"),
    "unassigned": ("Chưa phân công", "Unassigned"),
    # generic words
    "commune": ("Xã", "Commune"),
    "criterion": ("Tiêu chí", "Criterion"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "year": ("Năm", "Year"),
    "department": ("Đơn vị phụ trách", "Department in charge"),
    "count": ("Số lượng", "Count"),
    "standard_line": ("Chuẩn NTM ({n} tiêu chí)", "NTM standard ({n} criteria)"),
    "floor_line": ("Mức tối thiểu ({n} tiêu chí)", "Floor ({n} criteria)"),
    "threshold_line": ("Ngưỡng {op} {value:g}", "Target {op} {value:g}"),
    "projection": ("Dự báo theo xu hướng", "Projection at current trend"),
    "target_year_line": ("Năm mục tiêu {year}", "Target year {year}"),
    "lagging": ("Tiêu chí chậm", "Lagging criterion"),
    "other_criteria": ("Tiêu chí khác", "Other criteria"),
    "short_of_target": ("Còn thiếu so với mục tiêu", "Short of target"),
    "beyond_target": ("Đạt hoặc vượt mục tiêu", "At or beyond target"),
    "not_met_no_target": ("Chưa đạt, chưa có ngưỡng", "Not met, no target set"),
    "no_target": ("Chưa có ngưỡng", "No target"),
    # chart titles (str.format fields in braces)
    "title_attainment_heatmap": (
        "Kết quả đạt tiêu chí theo xã, năm {year}",
        "Criteria attainment by commune, {year}",
    ),
    "title_change_heatmap": (
        "Thay đổi kết quả tiêu chí, {year_from}–{year_to}",
        "Change in criteria attainment, {year_from}–{year_to}",
    ),
    "title_criteria_met_over_years": (
        "Số tiêu chí đạt của từng xã qua các năm",
        "Criteria met per commune over the years",
    ),
    "title_criterion_shares": (
        "Tỷ lệ xã đạt từng tiêu chí qua các năm",
        "Share of communes meeting each criterion over the years",
    ),
    "title_bands": (
        "Số xã theo nhóm số tiêu chí đạt",
        "Communes by band of criteria met",
    ),
    "title_indicator_trajectory": (
        "Diễn biến chỉ tiêu {code} theo xã",
        "Indicator {code} by commune over the years",
    ),
    "title_gap_to_target": (
        "Khoảng cách tới mục tiêu, năm {year}",
        "Distance to target, {year}",
    ),
    "title_reassessment": (
        "Số tiêu chí đạt: xã tự báo cáo và đánh giá lại",
        "Criteria met: as the commune reports and as re-assessed",
    ),
    "bars_self": ("Xã tự báo cáo", "As the commune reports"),
    "bars_reassessed": ("Đánh giá lại", "Re-assessed"),
    "title_progress_summary": (
        "Tình hình tiến bộ của các chỉ tiêu",
        "Progress status of indicators",
    ),
    # axis labels
    "axis_criteria_met": ("Số tiêu chí đạt", "Criteria met"),
    "axis_share_communes": ("Tỷ lệ xã đạt (%)", "Communes meeting it (%)"),
    "axis_communes": ("Số xã", "Number of communes"),
    "axis_value": ("Giá trị", "Value"),
    "axis_gap": (
        "Khoảng cách tới mục tiêu (đơn vị của chỉ tiêu; dương = còn thiếu)",
        "Distance to target (indicator's unit; positive = short)",
    ),
    "axis_gap_relative": (
        "Khoảng cách tới mục tiêu (% của ngưỡng; dương = còn thiếu)",
        "Distance to target (% of the threshold; positive = short)",
    ),
    "axis_indicators": ("Số chỉ tiêu (xã × chỉ tiêu)", "Indicators (commune × indicator)"),
    "legend_state": ("Kết quả", "Result"),
    "legend_change": ("Thay đổi", "Change"),
    "legend_band": ("Nhóm", "Band"),
    "legend_status": ("Tình hình", "Status"),
    # task plans (the departments' workbooks) and their tracking
    "plan_not_started": ("Chưa triển khai", "Not started"),
    "plan_in_progress": ("Đang thực hiện", "In progress"),
    "plan_done": ("Hoàn thành", "Done"),
    "plan_delayed": ("Chậm tiến độ", "Delayed"),
    "plan_none": ("Chưa có kế hoạch", "No plan yet"),
    "funding_unknown": ("Chưa xác định", "Not stated"),
    "closed": ("Đã hoàn thành (chỉ tiêu đã đạt)", "Closed (indicator now met)"),
    "overdue": ("Chưa đạt, quá hạn", "Open, overdue"),
    "on_time": ("Chưa đạt, còn trong hạn", "Open, on time"),
    "no_deadline": ("Chưa đạt, không rõ thời hạn", "Open, no deadline"),
    "title_plan_timeline": ("Lộ trình thực hiện nhiệm vụ", "Task roadmap by deadline"),
    "title_budget_by_source": ("Kinh phí theo nguồn vốn", "Budget by funding source"),
    "axis_deadline": ("Hạn hoàn thành", "Deadline"),
    "axis_budget": ("Kinh phí (triệu đồng)", "Budget (million VND)"),
    "axis_task": ("Nhiệm vụ", "Task"),
    "funding_source": ("Nguồn vốn", "Funding source"),
    # history across mergers and criteria sets (ntm_analysis.history)
    "axis_criteria_share": (
        "Tiêu chí đạt (% tổng số tiêu chí của bộ)",
        "Criteria met (% of the set's criteria)",
    ),
    "standard_share_line": (
        "Chuẩn NTM (đạt mọi tiêu chí của bộ)",
        "NTM standard (every criterion of the set)",
    ),
    "set_change_line": ("Đổi bộ tiêu chí ({year})", "New criteria set ({year})"),
    "title_criterion_shares_of_set": (
        "Tỷ lệ xã đạt từng tiêu chí theo {set}",
        "Share of communes meeting each criterion under {set}",
    ),
    "sets_not_compared": (
        "Các năm dùng các bộ tiêu chí khác nhau ({sets}). Số thứ tự và số lượng tiêu chí của các "
        "bộ không so sánh được với nhau: biểu đồ thể hiện số tiêu chí đạt theo tỷ lệ trên tổng số "
        "tiêu chí của từng bộ, ngắt đường tại năm đổi bộ; bảng so sánh từng tiêu chí chỉ trong "
        "cùng một bộ.",
        "The years use different criteria sets ({sets}). Criterion numbers and counts of "
        "different sets are not comparable: the chart shows criteria met as a share of each "
        "set's total, with lines cut where the set changes; criteria are compared one by one "
        "only within one set.",
    ),
    "change_across_sets": (
        "Năm {prev} và năm {year} dùng hai bộ tiêu chí khác nhau: không so sánh từng tiêu chí; "
        "chỉ so sánh việc đạt chuẩn và tỷ lệ tiêu chí đạt.",
        "{prev} and {year} use different criteria sets: criteria are not compared one by one, "
        "only the standard met or not and the share of criteria met.",
    ),
    "formed_from": ("Hình thành từ các đơn vị cũ", "Formed from"),
    "formed_from_sentence": (
        "{commune} ({code}) được hình thành từ ngày {date} trên cơ sở {n} đơn vị: {names}.",
        "{commune} ({code}) was formed on {date} from {n} units: {names}.",
    ),
    "merger_basis": ("Căn cứ: {basis}.", "Legal basis: {basis}."),
    "merger_basis_unknown": (
        "Căn cứ pháp lý của việc sắp xếp chưa có trong tệp lineage.csv.",
        "The lineage file does not state the legal basis of the merger.",
    ),
    "namesake_note": (
        "{name} ({code}) trước ngày {date} là một đơn vị khác: số liệu của đơn vị đó nằm trong "
        "bảng các đơn vị cũ, không gộp vào quá trình của xã mới.",
        "{name} ({code}) before {date} was another unit: its figures are in the table of former "
        "units, not in the new commune's history.",
    ),
    "merger_no_rule": (
        "Chưa có quy định từ nguồn công khai về tình trạng nông thôn mới của xã hình thành sau "
        "sáp nhập mà công cụ này áp dụng. Bảng đặt tình trạng của các đơn vị cũ cạnh nhau và "
        "không kết luận tình trạng của {commune}.",
        "No public source the tool applies states the NTM status of a commune formed by a "
        "merger. The table sets the former units' statuses side by side and decides nothing "
        "about {commune}.",
    ),
    "became_part_of": (
        "Từ ngày {date}, {commune} nhập vào {successors}.",
        "From {date}, {commune} is part of {successors}.",
    ),
    "col_predecessor": ("Đơn vị cũ", "Former unit"),
    "col_code": ("Mã", "Code"),
    "col_last_year": ("Năm có số liệu gần nhất", "Latest year with data"),
    "col_criteria_of_set": ("Tiêu chí đạt", "Criteria met"),
    "col_criteria_set": ("Bộ tiêu chí", "Criteria set"),
    "col_status_commune": ("Nông thôn mới", "NTM"),
    "col_status_commune_advanced": ("NTM nâng cao", "Advanced NTM"),
    "col_status_commune_model": ("NTM kiểu mẫu", "Model NTM"),
    "col_merged_on": ("Ngày sắp xếp", "Merged on"),
    "status_in_year": ("{status} ({year})", "{status} ({year})"),
    "not_assessed": (
        "Không đánh giá theo bộ tiêu chí xã",
        "Not assessed under the commune sets",
    ),
}

#: Departments of the shipped example mapping, by id: (Vietnamese, English).
DEPARTMENTS: dict[str, tuple[str, str]] = {
    "kt_ht": ("Phòng Kinh tế – Hạ tầng", "Economy and Infrastructure Office"),
    "nn_ptnt": (
        "Phòng Nông nghiệp và PTNT",
        "Agriculture and Rural Development Office",
    ),
    "vh_tt": ("Phòng Văn hóa – Thông tin", "Culture and Information Office"),
    "tn_mt": ("Phòng Tài nguyên – Môi trường", "Natural Resources and Environment Office"),
    "y_te": ("Phòng Y tế", "Health Office"),
    "bhxh": ("BHXH huyện", "District Social Insurance"),
    "gd_dt": ("Phòng Giáo dục và Đào tạo", "Education and Training Office"),
    "ld_tbxh": (
        "Phòng Lao động – TB&XH",
        "Labour, Invalids and Social Affairs Office",
    ),
    "tc_kh": ("Phòng Tài chính – Kế hoạch", "Finance and Planning Office"),
    "noi_vu": ("Phòng Nội vụ", "Home Affairs Office"),
    "tu_phap": ("Phòng Tư pháp", "Justice Office"),
    "cong_an": ("Công an huyện", "District Police"),
    "chqs": ("Ban CHQS huyện", "District Military Command"),
    "ubnd_xa": ("UBND xã", "Commune People's Committee"),
}

for _key, _pair in DEPARTMENTS.items():
    _LABELS.setdefault(f"dept_{_key}", _pair)


#: Readable name of every finding check (a test keeps it complete).
FINDING_CHECK_NAMES: dict[str, tuple[str, str]] = {
    FindingCheck.APPRAISAL_VS_THRESHOLD: (
        "Tự đánh giá khác kết quả theo ngưỡng",
        "Appraisal vs threshold",
    ),
    FindingCheck.APPRAISAL_VS_STATED_TARGET: (
        "Tự đánh giá khác kết quả theo chỉ tiêu xã ghi",
        "Appraisal vs the report's own target",
    ),
    FindingCheck.STATED_TARGET_VS_THRESHOLD: (
        "Chỉ tiêu xã ghi khác ngưỡng áp dụng",
        "Stated target vs threshold in use",
    ),
    FindingCheck.STATED_TARGET_INCONSISTENT: (
        "Các xã cùng vùng ghi chỉ tiêu khác nhau",
        "Communes of a region state different targets",
    ),
    FindingCheck.TARGET_UNPARSED: ("Không đọc được chỉ tiêu", "Target not readable"),
    FindingCheck.CRITERION_VS_INDICATORS: (
        "Đánh giá tiêu chí khác các chỉ tiêu",
        "Criterion appraisal vs its indicators",
    ),
    FindingCheck.CRITERION_APPRAISAL_VS_RESULT: (
        "Tự đánh giá tiêu chí khác kết quả tính",
        "Criterion appraisal vs computed result",
    ),
    FindingCheck.MATRIX_TOTAL_MISMATCH: (
        "Tổng số tiêu chí đạt không khớp",
        "Matrix total mismatch",
    ),
    FindingCheck.MISSING_INDICATOR: (
        "Thiếu chỉ tiêu trong báo cáo",
        "Indicator missing from report",
    ),
    FindingCheck.DUPLICATE_CONFLICT: ("Số liệu trùng, khác nhau", "Conflicting duplicate"),
    FindingCheck.DUPLICATE_SAME: ("Số liệu trùng", "Duplicate"),
    FindingCheck.REPLACED_VERSION: (
        "Báo cáo đã được thay bằng bản mới",
        "Report replaced by a newer version",
    ),
    FindingCheck.REPORT_TOTAL_MISMATCH: (
        "Số tiêu chí đạt ghi trong báo cáo không khớp",
        "Report's stated total mismatch",
    ),
    FindingCheck.SOURCE_CONFLICT: (
        "Tên xã/năm không thống nhất",
        "Conflicting title, sheet or file name",
    ),
    FindingCheck.LEGACY_ENCODING: ("Đã chuyển phông chữ cũ", "Legacy font converted"),
    FindingCheck.FRACTION_AS_PERCENT: (
        "Số thập phân trong ô tỷ lệ được hiểu là phần trăm",
        "Bare fraction in a percent cell read as a percentage",
    ),
    FindingCheck.MISSING_COMMUNE_REPORT: ("Thiếu báo cáo của xã", "Commune report missing"),
    FindingCheck.INDICATORS_NOT_IN_CATALOG: (
        "Danh mục chưa có các chỉ tiêu của bộ tiêu chí",
        "Indicator list of the set not in the catalog",
    ),
}


#: Column headings of the plan tables, with the tracking states' own labels.
PLAN_COLUMN_HEADINGS: dict[str, tuple[str, str]] = {
    **_PLAN_COLUMN_HEADINGS,
    **{state: _LABELS[state] for state in s.TRACKING_STATES},
}


def check_name(check: str, lang: str = config.DEFAULT_LANG) -> str:
    """The readable name of a finding check (an unknown code comes back unchanged).

    >>> check_name("duplicate_same", "en")
    'Duplicate'
    """
    pair = FINDING_CHECK_NAMES.get(check)
    if pair is None:
        return str(check)
    return pair[1] if _check_lang(lang) == "en" else pair[0]


def _check_lang(lang: str) -> str:
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
    return lang


def label(key: str, lang: str = config.DEFAULT_LANG, **fields: object) -> str:
    """The word or phrase for ``key`` in ``lang``, with ``fields`` filled in.

    Unknown keys come back unchanged, so a new code never breaks a chart.

    >>> label("not_met", "en")
    'Not met'
    >>> label("standard_line", n=19)
    'Chuẩn NTM (19 tiêu chí)'
    >>> label("no such key")
    'no such key'
    """
    _check_lang(lang)
    pair = _LABELS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return fill(text, lang, **fields) if fields else text


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def page_phrase(key: str, lang: str = config.DEFAULT_LANG, **fields: object) -> str:
    """A sentence of the pages (:data:`PAGE_PHRASES`), its fields filled by ``str.format``.

    >>> page_phrase("headline_ntm", year=2024, ntm=8, total=8)
    'Năm 2024 có 8/8 xã đạt chuẩn nông thôn mới'
    >>> page_phrase("no_findings", "en")
    'No findings.'
    """
    return _pick(PAGE_PHRASES[key], lang).format(**fields)


def section_title(key: str, lang: str = config.DEFAULT_LANG) -> str:
    """The heading of a page section (an unknown key comes back unchanged).

    >>> section_title("checks"), section_title("checks", "en")
    ('Kiểm tra số liệu', 'Data checks')
    """
    pair = SECTION_TITLES.get(key)
    return key if pair is None else _pick(pair, lang)


def column_headings(
    columns: Iterable[str],
    lang: str = config.DEFAULT_LANG,
    *,
    table: Mapping[str, tuple[str, str]] = COLUMN_HEADINGS,
) -> dict[str, str]:
    """Column name -> heading in ``lang``, for those of ``columns`` that ``table`` names.

    >>> column_headings(["commune", "criteria_met", "x"], "en")
    {'commune': 'Commune', 'criteria_met': 'Criteria met'}
    """
    return {c: _pick(table[c], lang) for c in columns if c in table}


def basis_word(basis: object, lang: str = config.DEFAULT_LANG) -> str:
    """The basis of a re-assessed indicator in words, or "–" for none.

    >>> basis_word("stated_target", "en"), basis_word(None)
    ('target the report states', '–')
    """
    pair = BASIS_WORDS.get(basis) if isinstance(basis, str) else None
    return "–" if pair is None else _pick(pair, lang)


def frame_word(key: str, lang: str = config.DEFAULT_LANG, **fields: object) -> str:
    """A word of the page frame (:data:`FRAME_WORDS`), Vietnamese for a language other
    than English, its fields filled by ``str.format``.

    >>> frame_word("title_district", "en", year=2024)
    'New rural development review 2024'
    """
    return _pick(FRAME_WORDS[key], lang).format(**fields)


def labels(keys: Iterable[str], lang: str = config.DEFAULT_LANG) -> list[str]:
    """:func:`label` for each key."""
    return [label(k, lang) for k in keys]


def department_name(department_id: str, lang: str = config.DEFAULT_LANG) -> str:
    """The name of a department of the shipped list, or the id unchanged.

    >>> department_name("tn_mt")
    'Phòng Tài nguyên – Môi trường'
    """
    return label(f"dept_{department_id}", lang) if department_id in DEPARTMENTS else department_id


class _MarkStripper(dict):
    """``str.translate`` table that drops combining marks: each character maps to its
    NFD form without marks, worked out the first time the character is met."""

    def __missing__(self, ordinal: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(ordinal))
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[ordinal] = stripped
        return stripped


_STRIP_MARKS = _MarkStripper()


def vi_sort_key(text: object) -> tuple[str, str]:
    """Sort key for Vietnamese names: letters first, diacritics only to break ties, "đ" after "d".

    >>> sorted(["Xã Đầm Hà", "Xã Tân Bình", "Xã Dực Yên", "Xã Đại Bình"], key=vi_sort_key)
    ['Xã Dực Yên', 'Xã Đại Bình', 'Xã Đầm Hà', 'Xã Tân Bình']
    """
    raw = "" if text is None else str(text)
    # per character, the same as NFD of the whole text without its combining marks
    # (canonical reordering only moves marks), at a dict look-up per character
    return raw.casefold().replace("đ", "d\uffff").translate(_STRIP_MARKS), raw


def criterion_names(source: object, lang: str = config.DEFAULT_LANG) -> dict[str, str]:
    """Criterion number -> name, from a criteria set (or a catalog's sets, or a mapping).

    ``source`` may be a :class:`~ntm_analysis.catalog.CriteriaSet`, a
    :class:`~ntm_analysis.catalog.Catalog` (the first set's name for each number
    among commune sets), a mapping ``{number: name}``, or ``None`` (empty).
    """
    _check_lang(lang)
    if source is None:
        return {}
    if isinstance(source, Mapping):
        return {str(k): str(v) for k, v in source.items()}
    if hasattr(source, "criteria"):
        return {c.number: c.name(lang) for c in source.criteria}
    if hasattr(source, "sets"):
        out: dict[str, str] = {}
        for cs in source.sets:
            if getattr(cs, "level", "commune") == "commune":
                for c in cs.criteria:
                    out.setdefault(c.number, c.name(lang))
        return out
    raise TypeError(f"cannot take criterion names from {type(source).__name__}")


def criterion_label(
    number: str, names: Mapping[str, str] | None = None, *, short: bool = False
) -> str:
    """ "17. Môi trường …" (or "17" with ``short`` or when no name is known)."""
    name = (names or {}).get(str(number))
    if short or not name:
        return str(number)
    return f"{number}. {name}"


# ------------------------------------------------------------- language of a run

_RUN_LANG: ContextVar[str | None] = ContextVar("ntm_lang", default=None)


def current_lang() -> str:
    """The language of messages made now: :func:`set_lang`'s, else ``config.DEFAULT_LANG``.

    ``config.DEFAULT_LANG`` is Vietnamese unless the environment sets ``NTM_LANG``.
    """
    return _RUN_LANG.get() or config.DEFAULT_LANG


def set_lang(lang: str) -> None:
    """Make ``lang`` the language of every message made from now on (``ntm --lang``)."""
    _RUN_LANG.set(_check_lang(lang))


@contextlib.contextmanager
def language(lang: str) -> Iterator[str]:
    """Messages made inside the block are in ``lang``.

    >>> with language("en"):
    ...     message("cli_written", path="out")
    'Written to out'
    >>> message("cli_written", path="out")
    'Đã ghi vào out'
    """
    token = _RUN_LANG.set(_check_lang(lang))
    try:
        yield lang
    finally:
        _RUN_LANG.reset(token)


# ------------------------------------------------------------------------ numbers


def format_number(
    value: object, lang: str | None = None, digits: int = 1, *, grouping: bool = True
) -> str:
    """A number as people read it in ``lang``: no trailing zeros, at most ``digits`` decimals.

    Vietnamese writes a decimal comma and groups thousands with a dot
    ("1.200,5"); English the other way round ("1,200.5").
    :func:`ntm_analysis.parsing.parse_number` reads either back.

    >>> format_number(79.25), format_number(79.2, "en"), format_number(1200, "vi")
    ('79,2', '79.2', '1.200')
    >>> format_number(1234567.5, "en"), format_number(6.0), format_number(None)
    ('1,234,567.5', '6', '–')
    """
    lang = _check_lang(lang or current_lang())
    if value is None or isinstance(value, str):
        return "–" if value is None else value
    try:
        number = round(float(value), digits)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return "–"
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    sep = "," if grouping else ""
    text = f"{number:{sep}.{digits}f}"
    if digits:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.translate(_VI_MARKS) if lang == "vi" else text


_VI_MARKS = str.maketrans({",": ".", ".": ","})


class _TextFormatter(string.Formatter):
    """``str.format`` that writes numbers the way ``lang`` does.

    A float field is written by :func:`format_number` (two decimals at most);
    an int field as it is (a year stays 2024); the spec ``n`` groups thousands
    ("{rows:n}" -> "2.631"); any other numeric spec is applied, then the marks
    are swapped for Vietnamese.
    """

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return super().format_field(value, format_spec)
        if format_spec == "n":
            return format_number(value, self.lang, 2)
        if not format_spec:
            if isinstance(value, numbers.Integral):
                return str(int(value))
            return format_number(value, self.lang, 2)
        text = format(value, format_spec)
        return text.translate(_VI_MARKS) if self.lang == "vi" else text


_FORMATTERS = {code: _TextFormatter(code) for code in config.LANGS}


def fill(template: str, lang: str | None = None, **fields: object) -> str:
    """``template.format(**fields)`` with numbers written the way ``lang`` does.

    >>> fill("{share} %, {n:n} dòng", "vi", share=79.2, n=2631)
    '79,2 %, 2.631 dòng'
    >>> fill("{share}%, {n:n} rows", "en", share=79.2, n=2631)
    '79.2%, 2,631 rows'
    """
    return _FORMATTERS[_check_lang(lang or current_lang())].format(template, **fields)


# ----------------------------------------------------------------------- messages


def message(key: str, lang: str | None = None, /, **fields: object) -> str:
    """A sentence of the CLI, an error, a reject or a finding in ``lang``.

    ``lang`` defaults to :func:`current_lang`; numbers in ``fields`` are
    written the way the language does (see :func:`fill`). An English
    ``<key>_one`` entry is used when the field ``n`` is 1.

    >>> message("cli_files", read=12, unreadable=1, skipped=0)
    'Đã đọc 12 tệp, 1 tệp không đọc được, 0 tệp bỏ qua.'
    >>> message("cli_files", "en", read=12, unreadable=1, skipped=0)
    'Files: 12 read, 1 unreadable, 0 skipped.'
    """
    lang = _check_lang(lang or current_lang())
    if lang == "en" and fields.get("n") == 1 and f"{key}_one" in MESSAGES:
        key = f"{key}_one"
    vi, en = MESSAGES[key]
    return fill(en if lang == "en" else vi, lang, **fields)
