"""Layout detection and row parsing, on in-memory sheets with deliberately dirty rows."""

from __future__ import annotations

import corpus
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ntm_analysis import schema as s
from ntm_analysis.layouts import parse_sheet
from ntm_analysis.legacy_fonts import encode_legacy
from ntm_analysis.parsing import normalize_text
from ntm_analysis.readers import RawSheet
from ntm_analysis.sheet_rows import criterion_header_number, report_role, tidy_role


@pytest.fixture(scope="module")
def registry():
    return corpus.damha_registry()


@pytest.fixture(scope="module")
def catalog():
    return corpus.tiny_catalog()


def sheet(rows, *, file="bc.xlsx", name="Sheet1", first_row=1, first_col=0, hidden=False):
    width = max(len(r) for r in rows)
    grid = tuple(tuple("" if v is None else v for v in r) + ("",) * (width - len(r)) for r in rows)
    return RawSheet(file, name, hidden, grid, first_row, first_col)


def parse(rows, registry, catalog, **kw):
    return parse_sheet(sheet(rows, **kw), registry=registry, catalog=catalog)


def rec(result, code, level="indicator"):
    r = result.records
    hit = r.loc[(r["indicator"] == code) & (r["level"] == level)]
    assert len(hit) == 1, hit
    return hit.iloc[0]


TITLE = [["UBND XÃ QUẢNG TÂN"], ["BÁO CÁO KẾT QUẢ NĂM 2023"]]


# --------------------------------------------------------------------------- header words


@pytest.mark.parametrize(
    "label, role",
    [
        ("TT", "tt"), ("STT", "tt"), ("Số TT", "tt"),
        ("Tên tiêu chí", "name"), ("Tiêu chí", "name"), ("Nội dung", "name"),
        ("Nội dung tiêu chí", "content"), ("Chỉ tiêu", "content"),
        ("Chỉ tiêu chung", "target"), ("Chỉ tiêu theo quy định", "target"), ("Yêu cầu", "target"),
        ("Kết quả thực hiện", "value"), ("Hiện trạng", "value"), ("Kết quả", "value"),
        ("Tự đánh giá", "appraisal"), ("Đánh giá của xã", "appraisal"),
        ("Kết quả đánh giá", "appraisal"),
        ("Ghi chú", "note"), ("Đơn vị chủ trì", "other"), ("ĐVT", "unit"),
        ("KẾT QUẢ\nTHỰC HIỆN", "value"), ("tu danh gia", "appraisal"),
    ],
)  # fmt: skip
def test_report_header_wording(label, role):
    assert report_role(label) == role


def test_tidy_header_wording():
    assert [tidy_role(x) for x in ("year", "Commune", "indicator", "value", "self_assessed")] == [
        "year", "commune", "indicator", "value", "self_assessed",
    ]  # fmt: skip
    assert tidy_role("Ghi chú") is None


def test_matrix_header_cells(catalog):
    sets = catalog.sets
    assert criterion_header_number("TC 17", sets) == "17"
    assert criterion_header_number("Tiêu chí 3", sets) == "3"
    assert criterion_header_number(19.0, sets) == "19"
    assert criterion_header_number("Môi trường", sets) == "17"
    assert criterion_header_number("Tên xã", sets) is None


# --------------------------------------------------------------------------- commune report


def test_error_cells_of_a_report_are_rejected_with_their_cell_and_nothing_is_lost(
    registry, catalog
):
    body = [list(r) for r in corpus.BODY_QT]
    body[2] = [1, "Quy hoạch", None, None, None, "#N/A"]  # criterion appraisal (G10)
    body[4] = ["1.2", None, "Ban hành quy định quản lý", "Đạt", "Đạt", " #ref! "]  # appraisal
    body[6] = [None, None, "2.1. Tỷ lệ đường xã", "100%", " #div/0! ", "Chưa đạt"]  # value
    rows = corpus.TITLE_QT + [[]] + [corpus.HEADER_A] + body
    grid = tuple(tuple("" if v is None else v for v in r) + ("",) * (7 - len(r)) for r in rows)
    res = parse_sheet(RawSheet("qt.xlsx", "BC", False, grid, 3, 1), registry=registry,
                      catalog=catalog)  # fmt: skip
    errors = res.rejects.loc[res.rejects["reason"] == "excel_error"].set_index(s.SOURCE_ROW)
    assert errors.loc[10, "column"] == "G" and "G10" in errors.loc[10, "message"]
    assert "#N/A" in errors.loc[10, "message"]
    assert errors.loc[12, "column"] == "G" and "#REF!" in errors.loc[12, "message"]
    assert errors.loc[14, "column"] == "F" and "#DIV/0!" in errors.loc[14, "message"]
    assert errors.loc[14, "raw_value"].strip() == "#div/0!"
    kept = set(res.records["indicator"].astype(str))
    assert {"1.2", "2.1"}.isdisjoint(kept) and "1.1" in kept
    assert res.reconciled


def test_commune_report_records_and_accounting(registry, catalog):
    sh = RawSheet(
        "2023/quang_tan_2023.xlsx",
        "BC 2023",
        False,
        tuple(
            tuple(r) + ("",) * (7 - len(r))
            for r in (
                [("" if v is None else v) for v in row]
                for row in corpus.TITLE_QT + [[]] + [corpus.HEADER_A] + corpus.BODY_QT
            )
        ),
        3,
        1,
    )
    res = parse_sheet(sh, registry=registry, catalog=catalog)
    assert res.layout == s.LAYOUT_COMMUNE_REPORT
    assert set(res.records["commune"]) == {"Xã Quảng Tân"}
    assert set(res.records["commune_code"]) == {"06913"}
    assert set(res.records["year"]) == {2023}
    assert rec(res, "1", "criterion")["self_assessed"] == s.MET
    assert rec(res, "1.1")["value"] == 1.0  # "Có"
    assert rec(res, "1.2")["value"] == 1.0  # "Đạt" as a yes/no value
    assert rec(res, "2.1")["value"] == pytest.approx(95.5)  # Excel fraction 0.955
    assert rec(res, "2.1")["value_text"] == "0.955"
    assert rec(res, "5")["value"] == pytest.approx(95.5)  # single-indicator criterion row
    assert rec(res, "5", "criterion")["self_assessed"] == s.NOT_MET
    ten = rec(res, "10")
    assert (ten["value"], ten["unit"]) == (pytest.approx(45.3), "triệu đồng/người/năm")
    assert pd.isna(rec(res, "15.1")["value"])  # "N/A" is missing, never 0
    assert rec(res, "15.2")["value"] == 88.0  # number stored as text
    assert rec(res, "2.1")["target_text"] == "100%"
    assert rec(res, "2.1")[s.SOURCE_ROW] == 14  # titles 3-5, blank 6, header 7, numbering 8
    rejects = res.rejects.set_index(s.SOURCE_ROW)
    assert rejects.loc[15, "reason"] == "excel_error" and rejects.loc[15, "column"] == "F"
    assert "F15" in rejects.loc[15, "message"]
    assert rejects.loc[16, "reason"] == "unrecognised_row"
    assert rejects.loc[22, "reason"] == "unknown_indicator"
    assert res.non_data_rows == {
        "title": 3, "header": 2, "section": 1, "blank_criterion": 1, "total": 1, "note": 1,
        "signature": 2,
    }  # fmt: skip
    assert res.rows_read == 24
    assert res.reconciled
    assert res.records_rows == 10 and res.rejected_rows == 3


def test_header_found_below_many_title_rows(registry, catalog):
    rows = [[f"Dòng tiêu đề {k}"] for k in range(20)] + TITLE
    rows += [["STT", "Tiêu chí", "Hiện trạng", "Tự đánh giá"], [4, "Điện", "Đạt", "Đạt"]]
    res = parse(rows, registry, catalog)
    assert res.layout == s.LAYOUT_COMMUNE_REPORT and rec(res, "4")["value"] == 1.0


def test_no_header_in_search_rows_rejects_every_row(registry, catalog):
    rows = [[f"Dòng {k}"] for k in range(26)] + [["TT", "Tiêu chí", "Kết quả", "Tự đánh giá"]]
    res = parse(rows, registry, catalog)
    assert res.layout is None
    assert res.rejected_rows == res.rows_read == 27
    assert set(res.rejects["reason"]) == {"no_header"}


def test_two_row_merged_header_and_column_order(registry, catalog):
    rows = TITLE + [
        ["Đánh giá", None, "Số TT", "Nội dung", "Kết quả thực hiện", None],
        [None, None, None, None, "Hiện trạng", "Ghi chú"],
        ["Đạt", None, "2.1", "Đường xã", "97,5 %", "ok"],
    ]
    res = parse(rows, registry, catalog)
    assert res.non_data_rows == {"title": 2, "header": 2}
    r = rec(res, "2.1")
    assert (r["value"], r["self_assessed"]) == (97.5, s.MET)


def test_value_and_appraisal_told_apart_by_content(registry, catalog):
    rows = TITLE + [
        ["TT", "Tiêu chí", "Kết quả", "Kết quả thực hiện"],
        ["2.1", "Đường xã", "Đạt", "88%"],
        ["2.2", "Đường thôn", "Chưa đạt", "70%"],
    ]
    res = parse(rows, registry, catalog)
    assert (rec(res, "2.1")["value"], rec(res, "2.1")["self_assessed"]) == (88.0, s.MET)
    assert (rec(res, "2.2")["value"], rec(res, "2.2")["self_assessed"]) == (70.0, s.NOT_MET)


def test_indicator_code_inside_text_and_criterion_by_name(registry, catalog):
    rows = TITLE + [
        ["Nội dung", "Kết quả", "Tự đánh giá"],
        ["Môi trường và an toàn thực phẩm", None, "Chưa đạt"],
        ["17.1. Tỷ lệ hộ dùng nước sạch", "60%", "Chưa đạt"],
    ]
    res = parse(rows, registry, catalog)
    assert rec(res, "17", "criterion")["self_assessed"] == s.NOT_MET
    assert rec(res, "17.1")["value"] == 60.0


def test_percent_text_is_not_scaled_but_fraction_is(registry, catalog):
    rows = TITLE + [
        ["TT", "Tiêu chí", "Kết quả", "Tự đánh giá"],
        ["2.1", "a", "0,5%", "Chưa đạt"],
        ["2.2", "b", 0.5, "Chưa đạt"],
        [11, "Nghèo đa chiều", "1,5", "Đạt"],
    ]
    res = parse(rows, registry, catalog)
    assert rec(res, "2.1")["value"] == 0.5
    assert rec(res, "2.2")["value"] == 50.0
    assert rec(res, "11")["value"] == 1.5


def test_unparseable_value_is_a_reject(registry, catalog):
    rows = TITLE + [["TT", "Tiêu chí", "Kết quả", "Tự đánh giá"], ["2.1", "a", "đang làm", "Đạt"]]
    res = parse(rows, registry, catalog)
    assert res.records.empty
    assert res.rejects.iloc[0]["reason"] == "unparseable_value"
    assert res.rejects.iloc[0]["raw_value"] == "đang làm"


def test_appraisal_word_in_a_number_column_keeps_the_record(registry, catalog):
    rows = TITLE + [["TT", "Tiêu chí", "Kết quả"], ["2.1", "a", "Đạt"]]
    r = rec(parse(rows, registry, catalog), "2.1")
    assert pd.isna(r["value"]) and r["self_assessed"] == s.MET


# --------------------------------------------------------------------------- context


def test_context_from_sheet_and_file_name(registry, catalog):
    rows = [["TT", "Tiêu chí", "Kết quả", "Tự đánh giá"], [4, "Điện", "Đạt", "Đạt"]]
    res = parse(rows, registry, catalog, file="reports/quang_lam.xlsx", name="Năm 2022")
    assert rec(res, "4")["commune"] == "Xã Quảng Lâm" and rec(res, "4")["year"] == 2022


def test_title_beats_sheet_name_and_conflict_is_a_finding(registry, catalog):
    rows = TITLE + [["TT", "Tiêu chí", "Kết quả", "Tự đánh giá"], [4, "Điện", "Đạt", "Đạt"]]
    res = parse(rows, registry, catalog, file="dai_binh_2022.xlsx", name="2022")
    r = rec(res, "4")
    assert (r["commune"], r["year"]) == ("Xã Quảng Tân", 2023)
    checks = res.findings["check"].tolist()
    assert checks == ["source_conflict"] * 3  # year vs sheet, year vs file, commune vs file
    assert any("2023" in m and "2022" in m for m in res.findings["message"])
    assert any("Xã Đại Bình" in m for m in res.findings["message"])


def test_district_in_title_is_never_the_commune(registry, catalog):
    rows = [
        ["UBND HUYỆN ĐẦM HÀ"],
        ["BÁO CÁO NĂM 2023 (xã Dực Yên, huyện Đầm Hà)"],
        ["TT", "Tiêu chí", "Kết quả", "Tự đánh giá"],
        [4, "Điện", "Đạt", "Đạt"],
    ]
    assert rec(parse(rows, registry, catalog), "4")["commune"] == "Xã Dực Yên"


def test_prefix_decides_between_town_and_commune(registry, catalog):
    header = [["TT", "Tiêu chí", "Kết quả", "Tự đánh giá"], [4, "Điện", "Đạt", "Đạt"]]
    town = parse([["UBND THỊ TRẤN ĐẦM HÀ"], ["NĂM 2023"], *header], registry, catalog)
    commune = parse([["UBND XÃ ĐẦM HÀ"], ["NĂM 2023"], *header], registry, catalog)
    bare = parse([["BÁO CÁO NĂM 2023"], *header], registry, catalog, file="dam_ha.xlsx")
    assert rec(town, "4")["commune_code"] == "06895"
    assert rec(commune, "4")["commune_code"] == "06916"
    assert bare.records.empty
    assert bare.rejects.iloc[0]["reason"] == "ambiguous_commune"
    assert "Thị trấn Đầm Hà" in bare.rejects.iloc[0]["message"]
    assert "Xã Đầm Hà" in bare.rejects.iloc[0]["message"]


def test_merged_away_commune_is_rejected_not_matched_to_successor(registry, catalog):
    rows = [["UBND XÃ QUẢNG LỢI"], ["NĂM 2023"], ["TT", "Tiêu chí", "Kết quả"], [4, "Điện", "Có"]]
    res = parse(rows, registry, catalog)
    assert res.records.empty
    assert res.rejects.iloc[0]["reason"] == "commune_not_valid_in_year"


def test_unknown_commune_in_title(registry, catalog):
    rows = [["UBND XÃ AN PHÚ"], ["NĂM 2023"], ["TT", "Tiêu chí", "Kết quả"], [4, "Điện", "Có"]]
    res = parse(rows, registry, catalog)
    assert res.rejects.iloc[0]["reason"] == "unknown_commune"


def test_year_outside_every_set(registry, catalog):
    rows = [["UBND XÃ QUẢNG TÂN"], ["NĂM 2019"], ["TT", "Tiêu chí", "Kết quả"], [4, "Điện", "Có"]]
    res = parse(rows, registry, catalog)
    assert res.rejects.iloc[0]["reason"] == "no_criteria_set"


def test_signature_date_line_is_not_the_year(registry, catalog):
    rows = [
        ["UBND XÃ QUẢNG TÂN", None, "Quảng Tân, ngày 5 tháng 1 năm 2024"],
        ["BÁO CÁO NĂM 2023"],
        ["TT", "Tiêu chí", "Kết quả"],
        [4, "Điện", "Có"],
    ]
    assert rec(parse(rows, registry, catalog), "4")["year"] == 2023


# --------------------------------------------------------------------------- legacy fonts


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_sheet_is_converted_and_reported(registry, catalog, encoding):
    def enc(text):
        return encode_legacy(text, encoding, errors="lower")

    rows = [
        [enc("UBND xã Quảng Tân")],
        [enc("Báo cáo kết quả năm 2023")],
        [enc("TT"), enc("Tên tiêu chí"), enc("Kết quả"), enc("Tự đánh giá")],
        [1, enc("Quy hoạch"), None, enc("Chưa đạt")],
        ["1.1", enc("Có quy hoạch"), enc("Có"), enc("Đạt")],
        ["1.2", enc("Quy định quản lý"), enc("Chưa có"), enc("Chưa đạt")],
    ]
    res = parse(rows, registry, catalog)
    assert res.legacy_encoding == encoding
    assert rec(res, "1", "criterion")["self_assessed"] == s.NOT_MET
    assert rec(res, "1.1")["value_text"] == "Có"
    assert rec(res, "1.2")["value"] == 0.0
    assert res.findings["check"].tolist() == ["legacy_encoding"]


def test_a_foreign_word_on_a_legacy_sheet_is_left_alone(registry, catalog):
    def enc(text):
        return encode_legacy(text, "tcvn3", errors="lower")

    rows = [
        [enc("UBND xã Quảng Tân")],
        [enc("Báo cáo kết quả năm 2023")],
        [enc("TT"), enc("Tên tiêu chí"), enc("Kết quả"), enc("Tự đánh giá"), "Ghi chú"],
        ["1.1", enc("Có quy hoạch"), enc("Có"), enc("Đạt"), "café"],
    ]
    res = parse(rows, registry, catalog)
    assert res.legacy_encoding == "tcvn3"
    assert rec(res, "1.1")["value_text"] == "Có"  # converted
    assert rec(res, "1.1")["self_assessed"] == s.MET
    # "café" would decode to the nonsense "cafộ": it stays as typed (checked via the
    # layout's cell cleaning, which every record and reject goes through)
    from ntm_analysis.sheet_rows import _reads_as_vietnamese

    assert not _reads_as_vietnamese("café", "cafộ")
    assert _reads_as_vietnamese("Tû lÖ hé nghÌo", "Tỷ lệ hộ nghèo")


def test_ordinary_unicode_sheet_is_not_converted(registry, catalog):
    rows = TITLE + [["TT", "Tiêu chí", "Kết quả", "Tự đánh giá"], ["2.1", "Đường", "95,5%", "Đạt"]]
    res = parse(rows, registry, catalog)
    assert res.legacy_encoding is None and res.findings.empty


# --------------------------------------------------------------------------- district matrix


def matrix_rows(marks_by_name, *, header="numbers"):
    if header == "numbers":
        head = [["TT", "Tên xã", "Tiêu chí"] + [None] * 18 + ["Tổng số tiêu chí đạt"],
                [None, None] + list(range(1, 20)) + [None]]  # fmt: skip
    else:
        head = [["TT", "Xã", *corpus.CRITERIA_NAMES, "Tổng số TC đạt"]]
    body = [[k, name, *marks, total] for k, (name, (marks, total)) in enumerate(marks_by_name, 1)]
    return [["TỔNG HỢP NĂM 2023"], *head, *body, [None, "Tổng cộng"] + [None] * 19 + [36]]


@pytest.mark.parametrize("header", ["numbers", "names"])
def test_matrix_marks_total_and_totals_row(registry, catalog, header):
    rows = matrix_rows(
        [("Quảng Tân", (["x"] * 18 + ["CBĐ"], 18)), ("Tân Lập", (["Đ"] * 17 + ["", "-"], 18))],
        header=header,
    )
    res = parse(rows, registry, catalog, file="tong_hop.xlsx")
    assert res.layout == s.LAYOUT_DISTRICT_MATRIX
    r = res.records
    assert len(r) == 38 and set(r["level"]) == {"criterion"}
    qt = r.loc[r["commune"] == "Xã Quảng Tân"].set_index("criterion")
    assert qt.loc["19", "self_assessed"] == s.BASICALLY_MET
    assert qt.loc["1", "self_assessed"] == s.MET and qt.loc["1", "stated_total"] == 18
    assert r["value"].isna().all()
    mismatch = res.findings.loc[res.findings["check"] == "matrix_total_mismatch"]
    assert mismatch["commune"].tolist() == ["Xã Tân Lập"]
    assert res.non_data_rows.get("total") == 1
    assert res.reconciled


def test_matrix_tc_headers_and_year_from_sheet_name(registry, catalog):
    rows = [["Đơn vị", *[f"TC{n}" for n in range(1, 20)]], ["Dực Yên", *(["✓"] * 19)]]
    res = parse(rows, registry, catalog, file="x.xlsx", name="Năm 2022")
    assert len(res.records) == 19 and set(res.records["year"]) == {2022}
    assert set(res.records["self_assessed"]) == {s.MET}


def test_matrix_bad_cells_are_cell_rejects(registry, catalog):
    rows = matrix_rows([("Quảng An", (["x"] * 17 + ["#REF!", "??"], 17))])
    res = parse(rows, registry, catalog)
    assert len(res.records) == 17
    assert sorted(res.rejects["reason"]) == ["bad_mark", "excel_error"]
    assert res.rejects["column"].tolist() == ["T", "U"]
    assert res.records_rows == 1 and res.rejected_rows == 0 and res.reconciled


def test_matrix_ambiguous_and_unknown_rows(registry, catalog):
    rows = matrix_rows([("Đầm Hà", (["x"] * 19, 19)), ("Hà Lâm", (["x"] * 19, 19))])
    res = parse(rows, registry, catalog)
    assert res.records.empty
    assert res.rejects["reason"].tolist() == ["ambiguous_commune", "unknown_commune"]
    assert res.rejected_rows == 2 and res.reconciled


def test_matrix_district_row_is_a_total(registry, catalog):
    rows = matrix_rows([("Huyện Đầm Hà", (["x"] * 19, 19))])
    res = parse(rows, registry, catalog)
    assert res.records.empty and res.non_data_rows["total"] == 2


# --------------------------------------------------------------------------- tidy


def test_tidy_rows(registry, catalog):
    rows = [
        ["year", "commune", "indicator", "value", "self_assessed", "unit"],
        [2023.0, "xã quảng tân", "17.1", "95,5", "Đạt", "%"],
        ["2023", "QUANG TAN", 17, None, "Chưa đạt", None],
        ["2023", "Quảng Tân", "1.1", "Có", None, None],
        ["abc", "Quảng Tân", "1.1", "Có", None, None],
        [2023, "Quảng Tân", "ba", "1", None, None],
    ]
    res = parse(rows, registry, catalog, file="tidy.csv", name="")
    assert res.layout == s.LAYOUT_TIDY
    assert rec(res, "17.1")["value"] == 95.5
    assert rec(res, "17", "criterion")["self_assessed"] == s.NOT_MET
    assert rec(res, "1.1")["value"] == 1.0
    assert res.rejects["reason"].tolist() == ["missing_year", "unknown_indicator"]
    assert res.reconciled


def test_empty_sheet(registry, catalog):
    res = parse_sheet(RawSheet("a.xlsx", "S", False, (), 1, 0), registry=registry, catalog=catalog)
    assert res.rows_read == 0 and res.records.empty and res.layout is None and res.reconciled


def test_records_follow_the_contract(registry, catalog):
    rows = TITLE + [["TT", "Tiêu chí", "Kết quả", "Tự đánh giá"], ["2.1", "a", "1", "Đạt"]]
    res = parse(rows, registry, catalog)
    assert tuple(res.records.columns) == s.RECORD_COLUMNS
    assert tuple(res.rejects.columns) == s.REJECT_COLUMNS
    assert tuple(res.findings.columns) == s.FINDING_COLUMNS
    assert str(res.records["value"].dtype) == "Float64"


def test_code_typed_as_number_17_10_after_17_1(registry, catalog):
    rows = TITLE + [
        ["TT", "Tiêu chí", "Kết quả", "Tự đánh giá"],
        [17.1, "a", "90%", "Đạt"],
        [17.2, "b", "Có", "Đạt"],
        [17.1, "c", "Không", "Chưa đạt"],  # Excel turned "17.10" into 17.1
    ]
    res = parse(rows, registry, catalog)
    assert rec(res, "17.1")["value"] == 90.0
    assert rec(res, "17.10")["value"] == 0.0


def test_one_word_name_in_a_title_is_not_a_commune(catalog):
    from ntm_analysis.registry import Registry

    frame = corpus.damha_registry().frame.copy()
    extra = frame.iloc[[0]].assign(code="09999", name="Xã Mới", unit_type="xã", valid_to=None)
    reg = Registry(pd.concat([frame, extra], ignore_index=True))
    rows = [
        ["BÁO CÁO XÂY DỰNG NÔNG THÔN MỚI NĂM 2023"],
        ["(Xã Dực Yên)"],
        ["TT", "Tiêu chí", "Kết quả"],
        [4, "Điện", "Có"],
    ]
    assert rec(parse(rows, reg, catalog), "4")["commune"] == "Xã Dực Yên"


# --------------------------------------------------------------------------- properties


_WORDS = [
    "TT", "STT", "Tên tiêu chí", "Nội dung", "Chỉ tiêu chung", "Kết quả", "Hiện trạng",
    "Tự đánh giá", "Ghi chú", "year", "commune", "indicator", "value", "self_assessed",
    "UBND XÃ QUẢNG TÂN", "NĂM 2023", "Đầm Hà", "Tổng cộng", "CHỦ TỊCH", "Đạt", "Chưa đạt",
    "CBĐ", "x", "-", "N/A", "#DIV/0!", "#REF!", "95,5%", "1.234,5", "17.1", "2.1", "I",
    "Quy hoạch", "Môi trường", "TC5", "§¹t", "Chöa ñaït", "", " ", "\n",
]  # fmt: skip
_cells = st.one_of(
    st.sampled_from(_WORDS),
    st.integers(-5, 2030),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=12),
    st.none(),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(_cells, min_size=1, max_size=8), min_size=0, max_size=30),
    st.sampled_from(["bc.xlsx", "quang_tan_2023.xlsx", "dam_ha.csv"]),
    st.sampled_from(["", "2022", "Sheet1"]),
)
def test_any_grid_parses_without_raising_and_reconciles(rows, file, name):
    registry, catalog = corpus.damha_registry(), corpus.tiny_catalog()
    res = parse_sheet(
        RawSheet(file, name, False, tuple(tuple(r) for r in rows), 1, 0),
        registry=registry,
        catalog=catalog,
    )

    def empty(v):
        return (
            v is None
            or (isinstance(v, float) and v != v)
            or (isinstance(v, str) and normalize_text(v) is None)
        )

    assert res.rows_read == sum(1 for r in rows if not all(empty(v) for v in r))
    assert res.reconciled
    assert tuple(res.records.columns) == s.RECORD_COLUMNS
    assert len(res.rejects) >= res.rejected_rows


def test_second_content_column_is_the_target(registry, catalog):
    rows = TITLE + [
        ["TT", "Tên tiêu chí", "Nội dung tiêu chí", "Chỉ tiêu", "Kết quả", "Tự đánh giá"],
        ["2.1", None, "Đường xã", "100%", "97%", "Chưa đạt"],
    ]
    r = rec(parse(rows, registry, catalog), "2.1")
    assert (r["target_text"], r["value"]) == ("100%", 97.0)


def test_commune_written_together_in_a_file_name(registry, catalog):
    rows = [["BÁO CÁO NĂM 2023"], ["TT", "Tiêu chí", "Kết quả"], [4, "Điện", "Có"]]
    res = parse(rows, registry, catalog, file="BC_QuangTan_2023.xlsx")
    assert rec(res, "4")["commune"] == "Xã Quảng Tân"
