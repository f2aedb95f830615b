"""The words of the review pages, in both languages: section headings, sentences, column
headings, the basis of a judgement and the page frame.

Tables of the same shape as the labels of :mod:`ntm_analysis.labels`,
``key -> (Vietnamese, English)``, kept apart only for their length (as
:mod:`ntm_analysis.messages` is for the sentences of the CLI). They are read
through :func:`~ntm_analysis.labels.page_phrase`,
:func:`~ntm_analysis.labels.section_title`,
:func:`~ntm_analysis.labels.column_headings`,
:func:`~ntm_analysis.labels.basis_word` and :func:`~ntm_analysis.labels.frame_word`.
"""

from __future__ import annotations

from ntm_analysis import schema as s

#: Fields in braces are filled by ``str.format`` (the sections format their numbers before).

#: Section headings of the pages (their anchors are the keys with "-" for "_").
SECTION_TITLES: dict[str, tuple[str, str]] = {
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
    # the roadmap sections (ntm_analysis.sections.plans)
    "plans": ("Kế hoạch thực hiện và lộ trình", "Plans and roadmap"),
    "resources": ("Nguồn lực", "Resources"),
    "gaps": ("Khoảng cách tới mục tiêu", "Distance to target"),
    "tracking": ("Theo dõi thực hiện kế hoạch", "Tracking the plans"),
    "roadmap_resources": ("Lộ trình và nguồn lực", "Roadmap and resources"),
    "bands": ("Số xã theo nhóm số tiêu chí đạt", "Communes by criteria met"),
    "trajectories": ("Diễn biến các chỉ tiêu chậm", "Trajectories of lagging indicators"),
}

#: Sentences of the pages; an English ``<key>_one`` is the singular (:func:`page_phrase`).
PAGE_PHRASES: dict[str, tuple[str, str]] = {
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
    "n_unmet_one": (
        "{n} chỉ tiêu chưa đạt trong năm {year}.",
        "{n} indicator is unmet in {year}.",
    ),
    "dept_tasks": (
        "{department}: {n} nhiệm vụ tại {communes} xã trong năm {year}.",
        "{department}: {n} tasks in {communes} communes in {year}.",
    ),
    "dept_tasks_one_commune": (
        "{department}: {n} nhiệm vụ tại {communes} xã trong năm {year}.",
        "{department}: {n} tasks in {communes} commune in {year}.",
    ),
    "dept_tasks_one": (
        "{department}: {n} nhiệm vụ tại {communes} xã trong năm {year}.",
        "{department}: {n} task in {communes} commune in {year}.",
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
    # the roadmap sections (ntm_analysis.sections.plans)
    "plans_seen": (
        "{n} nhiệm vụ có kế hoạch (nhiệm vụ lập từ số liệu năm {years}); {dated} có hạn hoàn "
        "thành đọc được.",
        "{n} tasks have a plan (tasks drawn from the {years} data); {dated} have a readable "
        "deadline.",
    ),
    "no_plans": (
        "Chưa có kế hoạch nào cho nhiệm vụ năm {year} hoặc {prev}. Xuất danh sách nhiệm vụ bằng "
        "lệnh ntm tasks export, gửi các phòng, ban điền rồi nhập lại bằng ntm tasks import.",
        "No plan yet for the tasks of {year} or {prev}. Export the task workbooks with "
        "ntm tasks export, have the departments fill them in, and import them with "
        "ntm tasks import.",
    ),
    "unplanned": (
        "Nhiệm vụ năm {year}: {planned}/{total} đã có kế hoạch.",
        "Tasks of {year}: {planned} of {total} have a plan.",
    ),
    "budget_total": (
        "Tổng kinh phí dự kiến: {total} triệu đồng, {sources} nguồn vốn.",
        "Total planned budget: {total} million VND from {sources} funding sources.",
    ),
    "no_budget": ("Chưa có kinh phí nào được kê khai.", "No budget has been stated."),
    "no_gap": (
        "Các chỉ tiêu do đơn vị phụ trách chưa có ngưỡng bằng số được xác lập, nên chưa tính "
        "được khoảng cách tới mục tiêu.",
        "The indicators in the department's charge have no numeric threshold set, so no "
        "distance to target can be computed.",
    ),
    "tracking_counts": (
        "Kế hoạch lập từ số liệu năm {prev}, đối chiếu với số liệu năm {year}: {closed} đã "
        "hoàn thành (chỉ tiêu đã đạt), {overdue} chưa đạt và quá hạn, {on_time} chưa đạt, còn "
        "trong hạn{other}.",
        "Plans drawn from the {prev} data, checked against {year}: {closed} closed (indicator "
        "now met), {overdue} open and overdue, {on_time} open and on time{other}.",
    ),
    "tracking_other": (
        "; {n} khác (không rõ hạn hoặc thiếu số liệu)",
        "; {n} other (no deadline or no data)",
    ),
    "no_tracking": (
        "Không có kế hoạch nào lập từ số liệu năm {prev} để theo dõi.",
        "No plan drawn from the {prev} data to track.",
    ),
    "no_previous": ("Không có số liệu năm trước.", "No previous year in the data."),
    "overdue_list": ("Nhiệm vụ quá hạn:", "Overdue tasks:"),
    "no_overdue": ("Không có nhiệm vụ nào quá hạn.", "No task is overdue."),
    "no_trajectory": (
        "Không có chỉ tiêu chậm có số liệu bằng số để vẽ diễn biến.",
        "No lagging indicator with numeric values to chart.",
    ),
    "and": (" và ", " and "),
}

#: Column headings of the page tables, by column name.
COLUMN_HEADINGS: dict[str, tuple[str, str]] = {
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

#: Column headings of the plan tables (their words differ from :data:`COLUMN_HEADINGS`'s:
#: a plan's status is its progress); :mod:`ntm_analysis.labels` adds the tracking states,
#: which are labels of their own.
PLAN_COLUMN_HEADINGS: dict[str, tuple[str, str]] = {
    "department": ("Đơn vị phụ trách", "Department"),
    "commune": ("Xã", "Commune"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "action": ("Giải pháp", "Action"),
    "officer": ("Cán bộ phụ trách", "Officer"),
    "deadline": ("Hạn hoàn thành", "Deadline"),
    "budget_million_vnd": ("Kinh phí (triệu đồng)", "Budget (million VND)"),
    "funding_source": ("Nguồn vốn", "Funding source"),
    "status": ("Tiến độ", "Status"),
    "tracking": ("Kết quả theo dõi", "Tracking"),
    "tasks": ("Số nhiệm vụ", "Tasks"),
    "planned": ("Đã có kế hoạch", "Planned"),
    "unplanned": ("Chưa có kế hoạch", "Not planned"),
}

#: The basis of a re-assessed indicator (``met_basis``) in words.
BASIS_WORDS: dict[str, tuple[str, str]] = {
    s.BASIS_THRESHOLD: ("ngưỡng của bộ tiêu chí", "criteria set threshold"),
    s.BASIS_STATED_TARGET: ("chỉ tiêu xã ghi", "target the report states"),
    s.BASIS_SELF_ASSESSMENT: ("xã tự đánh giá", "commune's appraisal"),
    s.BASIS_NONE: ("chưa xác định", "undecided"),
}

#: Words of the page frame: banner, contents, sources, index and page titles.
FRAME_WORDS: dict[str, tuple[str, str]] = {
    "sample_banner": (
        "DỮ LIỆU MẪU (tổng hợp, không phải số liệu thật)",
        "SAMPLE DATA (synthetic, not real figures)",
    ),
    "toc": ("Mục lục", "Contents"),
    "sources": ("Nguồn dữ liệu", "Data sources"),
    "sources_line": (
        "Dữ liệu: {n} tệp nguồn, làm sạch ngày {date}.",
        "Data: {n} source files, cleaned on {date}.",
    ),
    "generated": (
        "Trang tạo lúc {when} bằng ntm-analysis.",
        "Page generated at {when} by ntm-analysis.",
    ),
    "index_title": (
        "Rà soát nông thôn mới — các báo cáo",
        "New rural development review — reports",
    ),
    "year": ("Năm {year}", "Year {year}"),
    "district_review": ("Báo cáo rà soát", "Area review"),
    "area_line": ("Địa bàn rà soát: {area}", "Area reviewed: {area}"),
    "communes": ("Hồ sơ xã", "Commune profiles"),
    "departments": ("Nhiệm vụ của phòng, ban", "Department task lists"),
    "exploration": ("Sổ khám phá dữ liệu", "Data exploration notebook"),
    "failed": ("lỗi khi tạo trang", "failed to render"),
    "stale": ("bản trước", "previous version"),
    "no_pages": ("Chưa có trang nào.", "No pages yet."),
    "title_district": ("Rà soát nông thôn mới năm {year}", "New rural development review {year}"),
    "title_commune": (
        "Hồ sơ nông thôn mới: {label}, năm {year}",
        "New rural development profile: {label}, {year}",
    ),
    "title_department": (
        "Nhiệm vụ nông thôn mới: {label}, năm {year}",
        "New rural development tasks: {label}, {year}",
    ),
    "title_exploration": (
        "Khám phá dữ liệu nông thôn mới, năm {year}",
        "New rural development data exploration, {year}",
    ),
    "back": ("← Mục lục các báo cáo", "← Index of reports"),
    "file_status": ("{rows} dòng đọc", "{rows} rows read"),
    "page": ("Trang", "Page"),
}
