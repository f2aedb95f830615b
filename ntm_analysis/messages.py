"""The sentences of the ``ntm`` command, its errors, rejects and findings, in both languages.

One table of the same shape as the labels of :mod:`ntm_analysis.labels`,
``key -> (Vietnamese, English)``, kept apart only for its length; it is read
through :func:`ntm_analysis.labels.message`, which fills in the fields and
writes numbers the way the language does.
"""

from __future__ import annotations

#: Sentences of the CLI, errors, rejects and findings: key -> (Vietnamese, English).
#: Fields in braces; ``{x:n}`` groups thousands (see :func:`fill`).
MESSAGES: dict[str, tuple[str, str]] = {
    # --- the ntm command
    "cli_error": ("ntm: lỗi: {text}", "ntm: error: {text}"),
    "cli_no_data": ("ntm: {text}", "ntm: {text}"),
    "cli_usage_error": (
        "ntm: lỗi: {text} (xem {prog} --help)",
        "ntm: error: {text} (see {prog} --help)",
    ),
    "cli_interrupted": ("ntm: đã dừng theo yêu cầu", "ntm: interrupted"),
    "cli_internal_error": (
        "ntm: lỗi nội bộ: {kind}: {text} (chạy lại với ntm --debug … để xem chi tiết)",
        "ntm: internal error: {kind}: {text} (rerun with ntm --debug … for details)",
    ),
    "cli_bad_env_lang": (
        "ntm: lỗi: biến môi trường NTM_LANG là {value!r}; chỉ nhận 'vi' hoặc 'en'.",
        "ntm: error: the environment variable NTM_LANG is {value!r}; use 'vi' or 'en'.",
    ),
    "cli_jobs_not_positive": (
        "cần một số nguyên từ 1 trở lên, không phải {text!r}",
        "expected a whole number of at least 1, got {text!r}",
    ),
    "cli_sample_written": (
        "Đã ghi {files:n} tệp mẫu tổng hợp và {plans:n} sổ nhiệm vụ đã điền (số liệu giả định)"
        " vào {path}",
        "Wrote {files:n} synthetic sample files and {plans:n} filled task workbooks"
        " (made-up figures) to {path}",
    ),
    "cli_files": (
        "Đã đọc {read:n} tệp, {unreadable:n} tệp không đọc được, {skipped:n} tệp bỏ qua.",
        "Files: {read:n} read, {unreadable:n} unreadable, {skipped:n} skipped.",
    ),
    "cli_rows": (
        "Số dòng: đọc {read:n} = {records:n} bản ghi + {non_data:n} dòng không phải số liệu"
        " + {rejected:n} dòng bị loại + {duplicates:n} dòng trùng.",
        "Rows: {read:n} read = {records:n} records + {non_data:n} non-data"
        " + {rejected:n} rejected + {duplicates:n} duplicates.",
    ),
    "cli_findings_rejects": (
        "Phát hiện: {findings:n}; dòng trong rejects.csv: {rejects:n} ({rejected:n} dòng bị loại"
        " cả dòng, còn lại là ô đơn lẻ hoặc bản trùng mâu thuẫn).",
        "Findings: {findings:n}; lines in rejects.csv: {rejects:n} (whole rows: {rejected:n};"
        " the others are single cells or conflicting duplicates).",
    ),
    "cli_unreadable_file": ("  ! {file}: {text}", "  ! {file}: {text}"),
    "cli_sample_set_aside": (
        "  {n:n} tệp mẫu: {text}",
        "  {n:n} sample files: {text}",
    ),
    "cli_sample_set_aside_one": ("  1 tệp mẫu: {text}", "  1 sample file: {text}"),
    "cli_ntm_standard": (
        "Năm {year}: {ntm:n}/{total:n} xã đạt chuẩn NTM.",
        "{year}: {ntm:n}/{total:n} communes meet the NTM standard.",
    ),
    "cli_written": ("Đã ghi vào {path}", "Written to {path}"),
    "cli_check_reject": (
        "  bị loại {file} › {sheet} › dòng {row}: {text}",
        "  reject {file} › {sheet} › row {row}: {text}",
    ),
    "cli_check_finding": (
        "  phát hiện {year} {commune} {subject}: {text}",
        "  finding {year} {commune} {subject}: {text}",
    ),
    "cli_catalog_set": (
        "{id}: {name} — {decision} {annex} [{first}–{last}] {criteria:n} tiêu chí,"
        " {indicators:n} chỉ tiêu, {thresholds:n} chỉ tiêu có ngưỡng",
        "{id}: {name} — {decision} {annex} [{first}–{last}] {criteria:n} criteria,"
        " {indicators:n} indicators, {thresholds:n} with a threshold",
    ),
    "cli_catalog_caveat": ("  lưu ý: {text}", "  caveat: {text}"),
    "cli_catalog_unconfirmed": (
        "  câu chữ: {n:n}/{total:n} nội dung chỉ tiêu chưa được đối chiếu; các trang ghi câu chữ"
        " trong báo cáo của xã bên cạnh mã chỉ tiêu",
        "  wording: {n:n} of {total:n} indicator texts unconfirmed; pages show the wording of the"
        " commune reports beside their codes",
    ),
    "cli_catalog_general": ("chung", "general"),
    "cli_province_draft_others": (
        "Bản nháp này cho bộ {base}; báo cáo còn ghi chỉ tiêu theo bộ {sets}: soạn bằng --set ID.",
        "This draft is for {base}; the reports also state targets under {sets}: draft with"
        " --set ID.",
    ),
    "err_draft_set_without_targets": (
        "Không báo cáo nào ghi chỉ tiêu trong các năm của bộ {set}; các báo cáo thuộc bộ {sets}.",
        "No report states a target in a year of {set}; the reports cover {sets}.",
    ),
    "cli_province_draft": (
        "Đã ghi BẢN NHÁP bộ tiêu chí tỉnh ({n:n} ngưỡng suy ra từ chỉ tiêu các xã ghi trong"
        " báo cáo) vào {path}; hãy đối chiếu với quyết định của tỉnh.",
        "Wrote a DRAFT province set ({n:n} thresholds inferred from the targets commune"
        " reports state) to {path}; check it against the province's decision.",
    ),
    "cli_province_template": (
        "Đã ghi mẫu bộ tiêu chí tỉnh vào {path}; hãy nhập các số liệu của quyết định vào đó.",
        "Wrote the province set template to {path}; type the decision's figures into it.",
    ),
    "tasks_exported": (
        "Năm {year}: {n:n} nhiệm vụ, {prefilled:n} nhiệm vụ đã có kế hoạch được nhập.",
        "{year}: {n:n} tasks, {prefilled:n} with a plan already imported.",
    ),
    "tasks_exported_one": (
        "Năm {year}: 1 nhiệm vụ, {prefilled:n} nhiệm vụ đã có kế hoạch được nhập.",
        "{year}: 1 task, {prefilled:n} with a plan already imported.",
    ),
    "tasks_read": (
        "Sổ nhiệm vụ: đã đọc {read:n} tệp, {unreadable:n} tệp không đọc được; {rows:n} dòng"
        " nhiệm vụ, {plans:n} dòng có kế hoạch.",
        "Task workbooks: {read:n} read, {unreadable:n} unreadable; task rows: {rows:n},"
        " with a plan: {plans:n}.",
    ),
    "tasks_held": (
        "Kế hoạch đang lưu: {plans:n}; trường thay đổi: {changes:n}; ô bị loại: {rejects:n}.",
        "Plans held: {plans:n}; changed fields: {changes:n}; rejects: {rejects:n}.",
    ),
    "tasks_reject": (
        "  ! {file} › {sheet} › {cell}: {text}",
        "  ! {file} › {sheet} › {cell}: {text}",
    ),
    "tasks_more": ("  … và {n:n} dòng khác trong {file}", "  … {n:n} more in {file}"),
    "err_plan_folder_not_found": (
        "Không tìm thấy thư mục sổ nhiệm vụ: {path}",
        "Plan workbook folder not found: {path}",
    ),
    "err_no_plan_workbooks": (
        "Không có sổ nhiệm vụ (.xlsx, .xlsm, .xls, .ods) trong {path}.",
        "No plan workbooks (.xlsx, .xlsm, .xls, .ods) in {path}.",
    ),
    "err_unknown_set": (
        "Không có bộ tiêu chí '{set_id}'; chọn một trong: {known}.",
        "Unknown criteria set '{set_id}'; choose from {known}.",
    ),
    "err_no_set_for_year": (
        "Không có bộ tiêu chí ({level}) nào áp dụng cho năm {year}.",
        "No {level} criteria set covers the year {year}.",
    ),
    "err_set_not_a_number": (
        "{path}: {where} có {key} {value!r}, không phải là số (hãy ghi 95 hoặc 95,5).",
        "{path}: {where} has {key} {value!r}, which is not a number (write it as 95 or 95.5).",
    ),
    "err_set_not_a_year": (
        "{path}: {where} có năm {value!r}, không phải là năm.",
        "{path}: {where} has year {value!r}, which is not a year.",
    ),
    "err_set_op_needs_value": (
        "{path}: {where} có phép so sánh '{op}' nhưng thiếu giá trị.",
        "{path}: {where} op '{op}' needs a value.",
    ),
    "err_set_bad_op": (
        "{path}: {where} có phép so sánh '{op}'; chỉ nhận một trong {ops}.",
        "{path}: {where} has op '{op}', expected one of {ops}.",
    ),
    "err_province_unknown_indicator": (
        "Bộ tiêu chí tỉnh '{name}': chỉ tiêu '{code}' không có trong {set_id}.",
        "Province set '{name}': indicator '{code}' is not in {set_id}.",
    ),
    "err_province_not_found": (
        "Không tìm thấy tệp bộ tiêu chí tỉnh: {path}",
        "Province set file not found: {path}",
    ),
    "err_province_not_mapping": (
        "{file}: bộ tiêu chí tỉnh phải gồm 'decision', 'base_set' và 'thresholds'"
        " (xem README, mục 'Province detailing sets').",
        "{file}: a province set is a mapping with 'decision', 'base_set' and 'thresholds'"
        " (see README, 'Province detailing sets').",
    ),
    "err_province_entry_not_mapping": (
        "{file}: {where} phải có dạng {{indicator: '15.1', op: '>=', value: 95, source: '...'}}.",
        "{file}: {where} is not a mapping such as"
        " {{indicator: '15.1', op: '>=', value: 95, source: '...'}}.",
    ),
    "err_province_unreadable": (
        "{file}: không đọc được bộ tiêu chí tỉnh ({detail}).",
        "{file}: cannot read province set ({detail}).",
    ),
    "where_threshold": ("ngưỡng thứ {i}", "threshold {i}"),
    "where_threshold_line": ("ngưỡng thứ {i}, dòng {line}", "threshold {i}, line {line}"),
    # --- findings (findings.csv and the pages)
    "verdict_meets": ("đạt", "meets"),
    "verdict_misses": ("không đạt", "does not meet"),
    "find_appraisal_vs_threshold": (
        "Xã tự đánh giá '{appraisal}' nhưng giá trị {value} {verdict} ngưỡng {threshold}"
        " ({source}).",
        "The commune appraises it '{appraisal}' but the value {value} {verdict} the threshold"
        " {threshold} ({source}).",
    ),
    "find_appraisal_vs_stated_target": (
        "Chỉ tiêu {code}: xã tự đánh giá '{appraisal}' nhưng kết quả {value} {verdict} chỉ tiêu"
        " chính báo cáo ghi '{target}'.",
        "Indicator {code}: the commune appraises it '{appraisal}' but the value {value}"
        " {verdict} the target its own report states, '{target}'.",
    ),
    "find_stated_target_vs_threshold": (
        "Chỉ tiêu {code}: báo cáo ghi chỉ tiêu '{target}' ({read_as}), khác ngưỡng đang áp dụng"
        " '{threshold}' ({source}).",
        "Indicator {code}: the report states the target '{target}' ({read_as}), not the"
        " threshold in use '{threshold}' ({source}).",
    ),
    "find_target_unit_clash": (
        "Chỉ tiêu {code}: không dùng được chỉ tiêu báo cáo ghi '{target}' (đơn vị khác với đơn"
        " vị của kết quả '{unit}'); chỉ tiêu này được đánh giá theo căn cứ kế tiếp.",
        "Indicator {code}: the target the report states, '{target}', cannot be used (its unit"
        " is not the unit of the value, '{unit}'); the indicator is judged on the next basis.",
    ),
    "find_target_unparsed": (
        "Chỉ tiêu {code}: không dùng được chỉ tiêu báo cáo ghi '{target}' (không đọc được toán"
        " tử và mức); chỉ tiêu này được đánh giá theo căn cứ kế tiếp.",
        "Indicator {code}: the target the report states, '{target}', cannot be used (no"
        " operator and figure could be read); the indicator is judged on the next basis.",
    ),
    "find_in_region": ("vùng {region}", "of region {region}"),
    "find_no_region": ("chưa xác định vùng", "with no region set"),
    "find_target_figure": ("{figure}: {n:n} xã", "{figure}: {n:n} communes"),
    "find_target_figure_one": ("{figure}: 1 xã", "{figure}: 1 commune"),
    "find_target_unlike_most": (
        "Chỉ tiêu {code} năm {year}: báo cáo ghi chỉ tiêu '{target}', khác mức phần lớn các xã"
        " {where} ghi ({usual}: {n:n}/{total:n} xã).",
        "Indicator {code}, {year}: the report states the target '{target}', unlike most"
        " communes {where} ({usual}: {n:n} of {total:n} communes).",
    ),
    "find_targets_differ": (
        "Chỉ tiêu {code} năm {year}: báo cáo ghi chỉ tiêu '{target}'; các xã {where} ghi các"
        " mức khác nhau, không có mức chung ({spread}).",
        "Indicator {code}, {year}: the report states the target '{target}'; the communes"
        " {where} state different figures, none shared by most ({spread}).",
    ),
    "find_criterion_vs_result": (
        "Tiêu chí {criterion}: xã tự đánh giá '{appraisal}' nhưng theo các chỉ tiêu thì là"
        " '{result}' ({met:n}/{reported:n} chỉ tiêu đạt).",
        "Criterion {criterion}: the commune appraises it '{appraisal}' but its indicators make"
        " it '{result}' ({met:n} of {reported:n} indicators met).",
    ),
    "find_criterion_vs_indicators": (
        "Tiêu chí {criterion}: xã tự đánh giá '{appraisal}' nhưng tự đánh giá các chỉ tiêu trong"
        " cùng báo cáo là '{result}'.",
        "Criterion {criterion}: the commune appraises it '{appraisal}' but appraises its"
        " indicators in the same report as '{result}'.",
    ),
    "find_missing_indicator": (
        "Báo cáo thiếu chỉ tiêu {code}; dùng kết quả tự đánh giá tiêu chí {criterion} của xã"
        " ('{appraisal}') thay cho chỉ tiêu này.",
        "The report leaves out indicator {code}; the commune's appraisal of criterion"
        " {criterion} ('{appraisal}') stands for it.",
    ),
    "find_missing_indicator_no_appraisal": (
        "Báo cáo thiếu chỉ tiêu {code}; tiêu chí {criterion} không có kết quả tự đánh giá để"
        " thay thế.",
        "The report leaves out indicator {code}; criterion {criterion} has no appraisal to"
        " stand for it.",
    ),
    "find_missing_commune_report": (
        "Không có số liệu của {commune} năm {year}, dù {district} có báo cáo năm đó.",
        "No data from {commune} for {year}, although {district} reported that year.",
    ),
    "none": ("không có", "none"),
    "where_title": ("tiêu đề", "title"),
    "where_sheet_name": ("tên trang tính", "sheet name"),
    "where_file_name": ("tên tệp", "file name"),
    "find_indicators_not_in_catalog": (
        "Danh mục chưa có danh sách chỉ tiêu của {decision} ({set_id}): {n:n} dòng chỉ tiêu"
        " ({codes}) được giữ nguyên văn dưới tiêu chí của chúng và đánh giá theo bộ tiêu chí"
        " của tỉnh, chỉ tiêu báo cáo ghi hoặc kết quả tự đánh giá của xã.",
        "The indicator list of {decision} ({set_id}) is not in the catalog yet: {n:n} indicator"
        " rows ({codes}) were kept as written under their criterion and judged by the province"
        " set, the stated target or the commune's appraisal.",
    ),
    "find_legacy_encoding": (
        "{n:n} ô chữ được gõ bằng bảng mã cũ {encoding} và đã được chuyển sang Unicode;"
        " hãy kiểm tra lại chữ sau khi chuyển.",
        "{n:n} text cells were typed in the legacy {encoding} font encoding and were converted"
        " to Unicode; check the converted text.",
    ),
    "find_legacy_encoding_one": (
        "1 ô chữ được gõ bằng bảng mã cũ {encoding} và đã được chuyển sang Unicode;"
        " hãy kiểm tra lại chữ sau khi chuyển.",
        "1 text cell was typed in the legacy {encoding} font encoding and was converted"
        " to Unicode; check the converted text.",
    ),
    "find_year_conflict": (
        "{chosen_where} ghi năm {chosen} nhưng {where} ghi năm {y}; đã dùng năm {chosen}.",
        "The {chosen_where} gives the year {chosen} but the {where} gives {y}; {chosen} was used.",
    ),
    "find_commune_conflict": (
        "{chosen_where} ghi {chosen} nhưng {where} ghi {other}; đã dùng {chosen}.",
        "The {chosen_where} names {chosen} but the {where} names {other}; {chosen} was used.",
    ),
    "find_fraction_as_percent": (
        "Ô {cell} ghi số {bare} cho chỉ tiêu {code} (tỷ lệ %); đã hiểu là {percent}%, như Excel"
        " lưu một ô định dạng %. Nếu ý là {bare}%, hãy ghi kèm dấu %.",
        "Cell {cell} holds the bare number {bare} for indicator {code} (a percentage); it was"
        " read as {percent}%, the way Excel stores a % cell. If {bare}% was meant, write it"
        " with its % sign.",
    ),
    "find_matrix_total": (
        "Bảng tổng hợp ghi {commune} đạt {stated} tiêu chí nhưng các ô đánh dấu chỉ có {met:n}.",
        "The matrix states {stated} criteria met for {commune} but its marks show {met:n}.",
    ),
    "find_report_total": (
        "Báo cáo của {commune} ghi '{stated}' nhưng các dòng tiêu chí của chính báo cáo đánh"
        " dấu {met:n} tiêu chí đạt (chưa đạt: {not_met}).",
        "The report states '{stated}' for {commune} but its own criterion rows mark {met:n} as"
        " met (not met: {not_met}).",
    ),
    # --- rejects (rejects.csv, ingest_report.json)
    "rej_unrecognised_row": (
        "Dòng không khớp mẫu nào của bảng nên không được dùng.",
        "The row fits no pattern of the table and was not used.",
    ),
    "rej_no_header": (
        "Không tìm thấy dòng tiêu đề bảng (ví dụ 'TT | Tên tiêu chí | Kết quả | Tự đánh giá',"
        " hoặc năm/xã/chỉ tiêu/giá trị) trong {rows} dòng đầu của trang tính; các dòng của"
        " trang không được dùng.",
        "No table header (e.g. 'TT | Tên tiêu chí | Kết quả | Tự đánh giá', or"
        " year/commune/indicator/value) in the first {rows} rows of this sheet; its rows were"
        " not used.",
    ),
    "rej_no_report_year": (
        "Tiêu đề, tên trang tính và tên tệp đều không có năm báo cáo; hãy thêm 'NĂM 2023' vào"
        " tiêu đề hoặc ghi năm vào tên trang tính.",
        "No report year in the titles, sheet name or file name; add 'NĂM 2023' to the title"
        " or the year to the sheet name.",
    ),
    "rej_no_report_commune": (
        "Tiêu đề, tên trang tính và tên tệp đều không có tên xã; hãy thêm, ví dụ,"
        " 'UBND XÃ QUẢNG TÂN' vào tiêu đề.",
        "No commune name in the titles, sheet name or file name; add e.g. 'UBND XÃ QUẢNG TÂN'"
        " to the title.",
    ),
    "rej_no_matrix_year": (
        "Tiêu đề bảng tổng hợp, tên trang tính và tên tệp đều không có năm; hãy thêm 'NĂM 2023'"
        " vào tiêu đề.",
        "No year in the matrix titles, sheet name or file name; add 'NĂM 2023' to the title.",
    ),
    "rej_no_set": (
        "Không có bộ tiêu chí xã nào áp dụng cho năm {year}.",
        "No commune criteria set covers the year {year}.",
    ),
    "rej_no_set_detail": (
        "Không có bộ tiêu chí xã nào áp dụng cho năm {year} ({detail}).",
        "No commune criteria set covers the year {year} ({detail}).",
    ),
    "rej_row_without_code": (
        "Dòng có kết quả nhưng không có mã tiêu chí hoặc chỉ tiêu ('{label}'); hãy ghi mã"
        " (ví dụ 17.1) vào cột TT để dòng được dùng.",
        "The row has a result but no criterion or indicator code ('{label}'); write the code"
        " (e.g. 17.1) in the TT column to use it.",
    ),
    "rej_unknown_criterion_tt": (
        "Tiêu chí {code} không có trong bộ tiêu chí năm {year}, {set_label}; hãy kiểm tra số"
        " ở cột TT.",
        "Criterion {code} is not in the criteria set for {year}, {set_label}; check the number"
        " in the TT column.",
    ),
    "rej_unknown_criterion": (
        "Tiêu chí {code} không có trong bộ tiêu chí năm {year} ({set_id}).",
        "Criterion {code} is not in the criteria set for {year} ({set_id}).",
    ),
    "rej_unknown_indicator": (
        "Chỉ tiêu {code} không có trong bộ tiêu chí năm {year}, {set_label}; hãy kiểm tra mã"
        " hoặc năm báo cáo.",
        "Indicator {code} is not in the criteria set for {year}, {set_label}; check the code"
        " or the report year.",
    ),
    "rej_unknown_indicator_no_criterion": (
        "Chỉ tiêu {code} không có trong bộ tiêu chí năm {year}, {set_label} (bộ này không có"
        " tiêu chí {criterion}); hãy kiểm tra mã hoặc năm báo cáo.",
        "Indicator {code} is not in the criteria set for {year}, {set_label} (criterion"
        " {criterion} does not exist in it); check the code or the report year.",
    ),
    "rej_unknown_indicator_in_set": (
        "Chỉ tiêu {code} không có trong bộ tiêu chí năm {year} ({set_id}).",
        "Indicator {code} is not in the criteria set for {year} ({set_id}).",
    ),
    "rej_excel_error": (
        "Ô {cell} hiện lỗi Excel {error}; hãy sửa rồi gửi lại tệp.",
        "Cell {cell} shows the Excel error {error}; fix it and re-send the file.",
    ),
    "rej_excel_error_criterion": (
        "Ô {cell} hiện lỗi Excel {error} ở tiêu chí {code}; hãy sửa công thức rồi gửi lại tệp.",
        "Cell {cell} shows the Excel error {error} for criterion {code}; fix the formula and"
        " re-send the file.",
    ),
    "rej_excel_error_appraisal": (
        "Ô {cell} hiện lỗi Excel {error} ở chỉ tiêu {code}; hãy sửa rồi gửi lại tệp.",
        "Cell {cell} shows the Excel error {error} for indicator {code}; fix it and re-send"
        " the file.",
    ),
    "rej_excel_error_value": (
        "Ô {cell} hiện lỗi Excel {error} thay cho giá trị của chỉ tiêu {code}; hãy sửa công"
        " thức rồi gửi lại tệp.",
        "Cell {cell} shows the Excel error {error} instead of the value of indicator {code};"
        " fix the formula and re-send the file.",
    ),
    "rej_excel_error_mark": (
        "Ô {cell} hiện lỗi Excel {error} ở tiêu chí {criterion} của {commune}.",
        "Cell {cell} shows the Excel error {error} for criterion {criterion} of {commune}.",
    ),
    "rej_bad_mark": (
        "'{mark}' ở ô {cell} (tiêu chí {criterion} của {commune}) không phải ký hiệu đã biết;"
        " hãy dùng x / Đạt, CBĐ hoặc để trống nếu chưa đạt.",
        "'{mark}' in cell {cell} (criterion {criterion} of {commune}) is not a known mark; use"
        " x / Đạt, CBĐ or leave it empty for not met.",
    ),
    "rej_unparseable_value": (
        "Giá trị '{value}' của chỉ tiêu {code} ({kind}) không phải là số cũng không phải kết"
        " quả đánh giá; hãy ghi một số (ví dụ 95,5%) hoặc Đạt / Chưa đạt.",
        "The value '{value}' of indicator {code} ({kind}) is neither a number nor an"
        " appraisal; write a number (e.g. 95,5%) or Đạt / Chưa đạt.",
    ),
    "rej_matrix_row_without_commune": (
        "Một dòng của bảng tổng hợp có đánh dấu nhưng không có tên xã; hãy ghi tên xã.",
        "A matrix row has marks but no commune name; write the commune name.",
    ),
    "rej_not_a_year": (
        "'{value}' không phải là năm; hãy ghi năm báo cáo (ví dụ 2023).",
        "'{value}' is not a year; write the report year (e.g. 2023).",
    ),
    "rej_empty_commune": ("Cột tên xã để trống.", "The commune column is empty."),
    "rej_not_a_code": (
        "'{value}' không phải mã chỉ tiêu hoặc tiêu chí (ví dụ 17.1 hoặc 17).",
        "'{value}' is not an indicator or criterion code (e.g. 17.1 or 17).",
    ),
    "where_row": ("dòng {row}", "row {row}"),
    "empty": ("trống", "empty"),
    "and_more": (" và {n:n} chỉ tiêu khác", " and {n:n} more"),
    "and_more_semicolon": ("; và {n:n} giá trị khác", "; and {n:n} more"),
    "file_cannot_be_read": (
        "Không đọc được tệp ({kind}: {detail}).",
        "The file cannot be read ({kind}: {detail}).",
    ),
    "dup_what_criterion": (
        "tiêu chí {code} của {commune} năm {year}",
        "criterion {code} of {commune} in {year}",
    ),
    "dup_what_indicator": (
        "chỉ tiêu {code} của {commune} năm {year}",
        "indicator {code} of {commune} in {year}",
    ),
    "find_duplicate_conflict": (
        "Số liệu {what} khác nhau giữa {win} ({win_value}) và {lose} ({lose_value}); đã giữ"
        " {win} theo thứ tự ưu tiên.",
        "The {what} differs between {win} ({win_value}) and {lose} ({lose_value}); kept {win}"
        " by precedence.",
    ),
    "rej_duplicate_conflict": (
        "Không dùng: {what} cũng có trong {win} với giá trị {value}, được ưu tiên hơn; hãy sửa"
        " tệp bị sai.",
        "Not used: the {what} is also in {win} with {value}, which takes precedence; correct"
        " the file that is wrong.",
    ),
    "newer_revision": ("bản sửa lần {n}", "revision {n}"),
    "newer_name_says": ("tên tệp ghi '{words}'", "its name says '{words}'"),
    "newer_name_date": (
        "ngày trong tên tệp ({date}) muộn hơn",
        "the date in its name ({date}) is later",
    ),
    "newer_modified": ("tệp được sửa sau", "it was modified later"),
    "newer_sorts_later": ("tên tệp xếp sau", "its name sorts later"),
    "find_same_versions": (
        "{old} và {new} có cùng {n:n} giá trị; đã giữ {new}{why}.",
        "{old} and {new} hold the same {n:n} values; kept {new}{why}.",
    ),
    "find_replaced_version": (
        "{new} thay cho bản cũ {old}{why}; {changed:n}/{n:n} giá trị thay đổi: {listed}.",
        "{new} replaces the older version {old}{why}; {changed:n} of {n:n} values changed:"
        " {listed}.",
    ),
    "find_repeated_values": (
        "{n:n} giá trị xuất hiện hai lần với cùng kết quả ở {kept} và {dropped} ({listed});"
        " đã giữ {kept}.",
        "{n:n} values appear twice with the same result in {kept} and {dropped} ({listed});"
        " kept {kept}.",
    ),
    # --- files skipped or unreadable (ingest_report.json)
    "skip_lock_file": (
        "Tệp khóa của một sổ tính Office đang mở; bỏ qua.",
        "Office lock file of an open workbook; skipped.",
    ),
    "skip_hidden_file": (
        "Tệp ẩn hoặc tệp của hệ điều hành; bỏ qua.",
        "Hidden or operating-system file; skipped.",
    ),
    "skip_hidden_folder": ("Thư mục ẩn; bỏ qua.", "Hidden folder; skipped."),
    "skip_unsupported": (
        "Không phải bảng tính, tệp CSV hay tệp Word (đọc được: {kinds}); bỏ qua.",
        "Not a spreadsheet, CSV or Word file (read: {kinds}); skipped.",
    ),
    "skip_sample_aside": (
        "Đã để riêng dữ liệu mẫu tổng hợp vì thư mục còn có số liệu thật; muốn làm sạch riêng"
        " dữ liệu mẫu, hãy chạy với --raw {path}.",
        "Synthetic sample set aside because the folder also holds real data; clean it alone"
        " with --raw {path}.",
    ),
    "skip_plan_workbooks": (
        "Sổ nhiệm vụ: được nhập như kế hoạch, không đọc như báo cáo của xã.",
        "Task plan workbooks: imported as plans, not read as commune reports.",
    ),
    "unreadable_encrypted": (
        "sổ tính có mật khẩu (đã mã hóa); hãy lưu một bản không có mật khẩu.",
        "the workbook is password-protected (encrypted); save an unprotected copy.",
    ),
    "unreadable_password": (
        "sổ tính có mật khẩu; hãy lưu một bản không có mật khẩu.",
        "the workbook is password-protected; save an unprotected copy.",
    ),
    "hint_html": (
        "đây là trang web (HTML) lưu thành bảng tính; hãy mở bằng Excel rồi lưu thành .xlsx",
        "it is a web page (HTML) saved as a spreadsheet; open it in Excel and save as .xlsx",
    ),
    "hint_xml2003": (
        "đây là bảng tính XML của Excel 2003; hãy mở bằng Excel rồi lưu thành .xlsx",
        "it is an Excel 2003 XML spreadsheet; open it in Excel and save as .xlsx",
    ),
    "hint_wrong_name": (
        "có thể là văn bản hoặc tài liệu khác bị đặt nhầm đuôi tệp",
        "perhaps text or another document saved with the wrong name",
    ),
    "unreadable_not_spreadsheet": (
        "tệp không phải bảng tính dù có đuôi {ext} ({hint}).",
        "the file is not a spreadsheet although it is named {ext} ({hint}).",
    ),
    "unreadable_damaged": (
        "sổ tính bị hỏng hoặc không trọn vẹn nên không mở được ({detail}).",
        "the workbook is damaged or truncated and cannot be opened ({detail}).",
    ),
    "unreadable_sheet": (
        "không đọc được một trang tính của sổ tính ({detail}).",
        "a sheet of the workbook cannot be read ({detail}).",
    ),
    "unreadable_binary_csv": (
        "tệp có đuôi {ext} nhưng chứa dữ liệu nhị phân, không phải văn bản phân cách (có thể"
        " là sổ tính bị đặt nhầm đuôi).",
        "the file is named {ext} but holds binary data, not delimited text (perhaps a workbook"
        " saved with the wrong name).",
    ),
    "unreadable_csv": (
        "không phân tích được tệp CSV ({detail}).",
        "the CSV cannot be parsed ({detail}).",
    ),
    "unreadable_cannot_open": (
        "không mở được tệp ({detail}).",
        "the file cannot be opened ({detail}).",
    ),
    "unreadable_cannot_read": (
        "không đọc được tệp ({detail}).",
        "the file cannot be read ({detail}).",
    ),
    "unreadable_empty": ("tệp trống (0 byte).", "the file is empty (0 bytes)."),
    "unreadable_too_large": (
        "tệp có {size:n} byte, vượt giới hạn {limit:n} byte (đặt NTM_MAX_INPUT_BYTES để nâng"
        " giới hạn).",
        "the file is {size:n} bytes, over the {limit:n}-byte limit (set NTM_MAX_INPUT_BYTES to"
        " raise it).",
    ),
    "unreadable_unsupported": ("không hỗ trợ loại tệp '{ext}'.", "unsupported file type '{ext}'."),
    # --- commune names matched against the registry
    "or": (" hoặc ", " or "),
    "and": (" và ", " and "),
    "match_empty": ("Tên xã để trống.", "Empty commune name."),
    "match_not_a_commune": (
        "'{written}' là tên một {prefix}, không phải đơn vị cấp xã.",
        "'{written}' names a {prefix}, not a commune-level unit.",
    ),
    "match_did_you_mean": (" Có phải là {names}?", " Did you mean {names}?"),
    "match_unknown": (
        "'{written}' không có trong danh mục xã.{hint}",
        "'{written}' is not in the commune registry.{hint}",
    ),
    "match_became": (
        ": từ {date} thuộc {became}",
        ": from {date} part of {became}",
    ),
    "match_not_valid": (
        "{name} không phải là đơn vị hành chính vào năm {year}{extra}.",
        "{name} was not a valid unit in {year}{extra}.",
    ),
    "match_ambiguous": (
        "'{written}' có thể là {labels}; hãy ghi cả loại đơn vị (xã / thị trấn) cùng tên.",
        "'{written}' could be {labels}; write the unit type (xã / thị trấn) with the name.",
    ),
    # --- task workbooks read back (plan_rejects.csv)
    "plan_no_header": (
        "Trang tính không có dòng tiêu đề “Mã nhiệm vụ …”; không đọc được nhiệm vụ nào.",
        "The sheet has no header row “Mã nhiệm vụ …”; no task could be read.",
    ),
    "plan_row_text": ("nội dung dòng: {text}.", "the row says: {text}."),
    "plan_no_task_id": (
        "Dòng có kế hoạch nhưng không có mã nhiệm vụ; {row}",
        "The row has a plan but no task id; {row}",
    ),
    "plan_unknown_task": (
        "Mã nhiệm vụ “{task}” không có trong số liệu đã làm sạch; {row}",
        "The task id “{task}” is not in the cleaned data; {row}",
    ),
    "plan_several_departments": (
        "Nhiệm vụ “{task}” thuộc nhiều đơn vị ({departments}); không xác định được đơn vị của"
        " trang “{sheet}”; {row}",
        "The task “{task}” belongs to several departments ({departments}); the department of"
        " the sheet “{sheet}” is not known; {row}",
    ),
    "plan_altered_cell": (
        "Ô do phần mềm điền đã bị sửa (phần mềm ghi “{expected}”); kế hoạch vẫn được nhận theo"
        " mã nhiệm vụ {task}.",
        "A cell the tool filled was changed (the tool wrote “{expected}”); the plan is still"
        " taken by its task id {task}.",
    ),
    "plan_unreadable_deadline": (
        "Không đọc được hạn hoàn thành; ghi ngày/tháng/năm (30/6/2024), tháng/năm (T6/2024),"
        " quý/năm (Quý III/2024) hoặc năm (năm 2025). Các cột khác của dòng vẫn được nhận.",
        "The deadline cannot be read; write a day (30/6/2024), a month (T6/2024), a quarter"
        " (Quý III/2024) or a year (năm 2025). The other columns of the row are kept.",
    ),
    "plan_unreadable_budget": (
        "Không đọc được kinh phí; ghi số triệu đồng (1.200) hoặc kèm đơn vị (1,5 tỷ; 350"
        " triệu). Các cột khác của dòng vẫn được nhận.",
        "The budget cannot be read; write millions of đồng (1.200) or a unit (1,5 tỷ;"
        " 350 triệu). The other columns of the row are kept.",
    ),
    "plan_unknown_status": (
        "Tiến độ không thuộc danh sách ({choices}). Các cột khác của dòng vẫn được nhận.",
        "The progress is not one of the list ({choices}). The other columns of the row are kept.",
    ),
    "plan_cannot_open": ("Không mở được tệp: {detail}", "The file cannot be opened: {detail}"),
    "unreadable_word_97": (
        "Tệp Word 97–2003 (.doc) không đọc được: mở bằng Word, chọn Lưu thành (Save As), lưu lại"
        " dưới dạng .docx hoặc .xlsx rồi gửi lại.",
        "A Word 97–2003 file (.doc) cannot be read: open it in Word, choose Save As, save it as"
        " .docx or .xlsx and send it again.",
    ),
    "unreadable_pdf": (
        "Tệp PDF không đọc được số liệu: đề nghị xã gửi lại tệp gốc dưới dạng .docx hoặc .xlsx"
        " (không gửi bản in, bản chụp hay bản quét).",
        "No figures can be read from a PDF: ask the commune to send the original as .docx or"
        " .xlsx (not a print-out, photo or scan).",
    ),
    "unreadable_word_damaged": (
        "tài liệu Word bị hỏng hoặc không trọn vẹn nên không mở được.",
        "the Word document is damaged or truncated and cannot be opened.",
    ),
    "unreadable_document_damaged": (
        "tài liệu bị hỏng hoặc không trọn vẹn nên không mở được.",
        "the document is damaged or truncated and cannot be opened.",
    ),
    "unreadable_not_docx": (
        "tệp có đuôi .docx nhưng không phải tài liệu Word (có thể là sổ tính hoặc gói khác bị"
        " đặt nhầm đuôi).",
        "the file is named .docx but is not a Word document (perhaps a workbook or another"
        " package saved with the wrong name).",
    ),
    "unreadable_not_odt": (
        "tệp có đuôi .odt nhưng không phải văn bản OpenDocument ({mimetype}).",
        "the file is named .odt but is not an OpenDocument text ({mimetype}).",
    ),
    "unreadable_document_encrypted": (
        "tài liệu có mật khẩu (đã mã hóa); hãy lưu một bản không có mật khẩu.",
        "the document is password-protected (encrypted); save an unprotected copy.",
    ),
    "unreadable_not_document": (
        "tệp có đuôi {ext} nhưng không phải tài liệu Word hay OpenDocument (có thể là văn bản"
        " hoặc trang web bị đặt nhầm đuôi).",
        "the file is named {ext} but is not a Word or OpenDocument file (perhaps text or a web"
        " page saved with the wrong name).",
    ),
    "unreadable_no_table": (
        "tài liệu không có bảng; các tiêu chí và chỉ tiêu phải nằm trong một bảng (hoặc gửi báo"
        " cáo dưới dạng .xlsx).",
        "the document holds no table; the criteria and indicators must be in a table (or send"
        " the report as .xlsx).",
    ),
    "err_other_district": (
        "Số liệu là của {known}, không phải '{district}'.",
        "The data covers {known}, not '{district}'.",
    ),
    "err_no_stated_targets": (
        "Không có chỉ tiêu nào ('Chỉ tiêu') do báo cáo ghi thuộc năm mà một bộ tiêu chí áp dụng.",
        "No stated target ('Chỉ tiêu') of a year any criteria set covers.",
    ),
    # --- catalog, province set and registry files given by the user
    "err_no_target_column": (
        "{source}: không tìm thấy cột 'Chỉ tiêu'.",
        "{source}: no 'Chỉ tiêu' column found.",
    ),
    "err_table_year": (
        "{source}, dòng {row}: '{cell}' ở cột 'Năm' không phải là năm; hãy ghi năm mà số liệu"
        " của dòng áp dụng (ví dụ 2024), hoặc để trống nếu áp dụng cho mọi năm.",
        "{source}, row {row}: '{cell}' in the 'Năm' column is not a year; write the year the"
        " row's figures hold for (e.g. 2024), or leave it empty for every year.",
    ),
    "err_catalog_unreadable": (
        "{file}: không đọc được tệp danh mục ({detail}).",
        "{file}: cannot read catalog file ({detail}).",
    ),
    "role_predecessor": ("đơn vị cũ", "predecessor"),
    "role_successor": ("đơn vị mới", "successor"),
    "no_code": ("không có mã", "no code"),
    "err_lineage_date": (
        "{where}: effective_date '{value}' không phải ngày dạng YYYY-MM-DD.",
        "{where}: effective_date '{value}' is not a YYYY-MM-DD date.",
    ),
    "err_lineage_unit": (
        "{where}: {role} {name} ({code}) không phải đơn vị của danh mục còn hiệu lực ngày {day}.",
        "{where}: the {role} {name} ({code}) is not a unit of the registry valid on {day}.",
    ),
    "err_registry_columns": (
        "{path}: danh mục xã thiếu cột {columns}.",
        "{path}: registry lacks the column(s) {columns}.",
    ),
    "err_registry_unit_types": (
        "{path}: loại đơn vị không đúng: {bad}; dùng một trong {known}.",
        "{path}: unknown unit type(s) {bad}; use one of {known}.",
    ),
    "err_registry_groups": (
        "{path}: nhóm xã không đúng: {bad}; dùng một trong {known} (QĐ 51/2025) hoặc để trống.",
        "{path}: unknown commune group(s) {bad}; use one of {known} (QĐ 51/2025) or leave it"
        " empty.",
    ),
    "err_registry_date": (
        "{path}: đơn vị '{name}' có ngày không đúng ({detail}); dùng dạng YYYY-MM-DD.",
        "{path}: unit '{name}' has a bad date ({detail}); use YYYY-MM-DD.",
    ),
    "err_registry_unreadable": (
        "Không đọc được danh mục xã {path}: {detail}",
        "Cannot read the commune registry {path}: {detail}",
    ),
    "progress_reading": ("Đang đọc", "Reading"),
    "progress_rendering": ("Đang dựng trang", "Rendering"),
    "unit_file": ("tệp", "file"),
    "unit_page": ("trang", "page"),
    # --- usage errors (exit 2)
    "err_not_writable_file": (
        "Không ghi được vào {what} {folder}: {existing} là một tệp, không phải thư mục;"
        " hãy chọn thư mục khác bằng --out.",
        "Cannot write to the {what} {folder}: {existing} is a file, not a folder;"
        " choose another with --out.",
    ),
    "err_not_writable": (
        "Không ghi được vào {what} {folder} ({reason}); hãy chọn thư mục khác bằng --out"
        " hoặc sửa quyền ghi.",
        "Cannot write to the {what} {folder} ({reason}); choose another with --out"
        " or fix its permissions.",
    ),
    "what_output_folder": ("thư mục kết quả", "output folder"),
    "what_outputs_folder": ("thư mục trang kết quả", "outputs folder"),
    "what_commune": ("xã", "commune"),
    "what_department": ("đơn vị phụ trách", "department"),
    "err_unknown_name": (
        "Không có {what} '{name}'. Các tên đã biết: {known}.",
        "Unknown {what} '{name}'. Known: {known}.",
    ),
    "err_several_names": (
        "'{name}' trùng với nhiều {what}: {hits}; hãy ghi cụ thể hơn.",
        "'{name}' names several {what}s: {hits}; be more specific.",
    ),
    "err_unknown_years": (
        "Không có số liệu năm {missing} trong {path}; các năm có: {available}.",
        "No data for year(s) {missing} in {path}; available: {available}.",
    ),
    "err_unknown_kinds": (
        "Không có loại trang {unknown}; chọn trong {known}.",
        "Unknown page kind(s) {unknown}; choose from {known}.",
    ),
    "err_unknown_lang": (
        "Không có ngôn ngữ '{lang}'; dùng 'vi' hoặc 'en'.",
        "Unknown language '{lang}'; use 'vi' or 'en'.",
    ),
    "err_no_processed_folder": (
        "Không có thư mục số liệu đã xử lý {path}; hãy chạy 'ntm clean' trước.",
        "No processed data folder at {path}; run 'ntm clean' first.",
    ),
    "err_notebooks_missing": (
        "Không tìm thấy sổ tính (notebook): {names}.",
        "Notebook(s) not found: {names}.",
    ),
    "render_done": (
        "Đã dựng {ok:n}/{total:n} trang trong {seconds:.1f} giây.",
        "Rendered {ok:n}/{total:n} pages in {seconds:.1f} s.",
    ),
    "render_failed": ("{n:n} trang bị lỗi:", "{n:n} pages failed:"),
    "render_failed_one": ("1 trang bị lỗi:", "1 page failed:"),
    "render_set_aside": (
        "Đã chuyển {n:n} trang dựng từ số liệu khác sang {path}; mục lục chỉ liệt kê các trang"
        " của số liệu đang dùng.",
        "{n:n} pages built from other data moved to {path}; the index lists only pages of the"
        " data in use.",
    ),
    "render_set_aside_one": (
        "Đã chuyển 1 trang dựng từ số liệu khác sang {path}; mục lục chỉ liệt kê các trang"
        " của số liệu đang dùng.",
        "1 page built from other data moved to {path}; the index lists only pages of the"
        " data in use.",
    ),
    "render_index": ("Mục lục: {path}", "Index: {path}"),
    "render_page_error": (
        "{notebook} ({params}) lỗi tại {where}: {text}",
        "{notebook} ({params}) failed at {where}: {text}",
    ),
    "render_cell": ("ô {index}", "cell {index}"),
    "render_no_cell": ("ngoài các ô", "outside any cell"),
    "what_processed_folder": ("thư mục số liệu đã xử lý", "processed data folder"),
    "err_raw_not_found": (
        "Không tìm thấy thư mục hoặc tệp số liệu gốc: {path}",
        "Raw data folder or file not found: {path}",
    ),
    "err_raw_folder_not_found": (
        "Không tìm thấy thư mục số liệu gốc: {path}",
        "Raw data folder not found: {path}",
    ),
    "err_write_into_raw": (
        "Không ghi vào thư mục số liệu gốc {path}; hãy chọn thư mục khác bằng --out.",
        "Refusing to write into the raw folder {path}; choose another --out.",
    ),
    "err_no_readable_data": (
        "Không có số liệu của xã đọc được trong {path}{detail}.",
        "No readable commune data in {path}{detail}.",
    ),
    "err_read_but_empty": (
        "Đã đọc các tệp trong {path} nhưng không có số liệu của xã.",
        "The files in {path} were read but held no commune data.",
    ),
    "err_no_processed": (
        "Chưa có số liệu đã xử lý trong {path} (thiếu {missing}); hãy chạy 'ntm clean' trước.",
        "No processed data in {path} (missing {missing}); run 'ntm clean' first.",
    ),
    "err_processed_empty": (
        "Số liệu đã xử lý trong {path} trống; hãy chạy 'ntm clean' với các tệp gốc.",
        "The processed data in {path} is empty; run 'ntm clean' on your raw files.",
    ),
    "err_no_records": (
        "Không có tệp bản ghi tại {path}; hãy chạy 'ntm clean' trước.",
        "No records file at {path}; run 'ntm clean' first.",
    ),
    "err_not_parquet": (
        "{path} không phải tệp parquet đọc được ({detail}).",
        "{path} is not a readable parquet file ({detail}).",
    ),
    "err_not_records_table": (
        "{path} không phải bảng bản ghi: thiếu cột {columns}.",
        "{path} is not a records table: no column(s) {columns}.",
    ),
}
