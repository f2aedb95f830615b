"""Cell-level parsing: table-driven examples and hypothesis properties."""

from __future__ import annotations

import datetime as dt
import decimal
import math
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ntm_analysis import schema
from ntm_analysis.parsing import (
    ParsedNumber,
    Target,
    TargetReading,
    decode_text_bytes,
    excel_error,
    find_year,
    fold_text,
    is_missing,
    neutralise_formula,
    normalize_text,
    parse_appraisal,
    parse_mark,
    parse_number,
    parse_target,
    parse_yes_no,
    read_target,
    roman_heading,
    split_code,
    split_unit_prefix,
)

MET, BASIC, NOT = schema.MET, schema.BASICALLY_MET, schema.NOT_MET

# Any cell value a reader might hand over, including awkward ones.
ANY_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.text(alphabet="0123456789.,%-+ ≥≤<>=~khoảngtriệuđồngĐạtx#/!"),
    st.datetimes(),
    st.dates(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.binary(max_size=20),
    st.sampled_from([pd.NA, pd.NaT, np.nan, np.int64(7), np.float64(0.5), np.bool_(True)]),
    st.lists(st.integers(), max_size=3),
)


def cp1258_bytes(text: str) -> bytes:
    """Encode as Vietnamese Windows does: base letters precomposed, tone marks combining."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", decomposed[:-1])
            out += base.encode("cp1258") + decomposed[-1].encode("cp1258")
    return bytes(out)


# ------------------------------------------------------------------------ text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Xã\u00a0 Quảng\nTân ", "Xã Quảng Tân"),
        ("a\tb\r\nc", "a b c"),
        ("a\u200bb", "a b"),
        (unicodedata.normalize("NFD", "Xã Quảng Tân"), "Xã Quảng Tân"),
        ("", None),
        ("   ", None),
        (None, None),
        (float("nan"), None),
        (pd.NA, None),
        (12.0, "12"),
        (0.5, "0.5"),
        (7, "7"),
    ],
)
def test_normalize_text_examples(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_text_composes_windows_1258_tone_marks():
    decoded = cp1258_bytes("Chưa đạt").decode("cp1258")
    assert decoded != "Chưa đạt"  # combining marks before normalising
    assert normalize_text(decoded) == "Chưa đạt"


def test_normalize_text_keeps_soft_hyphen_for_legacy_detection():
    assert normalize_text("Ch\u00ada") == "Ch\u00ada"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Xã  QUẢNG TÂN", "xa quang tan"),
        ("Đầm Hà", "dam ha"),
        ("Đầm-Hà (TT)", "dam ha tt"),
        (None, ""),
        ("Quảng  Lợi", "quang loi"),
    ],
)
def test_fold_text_examples(raw, expected):
    assert fold_text(raw) == expected


# ------------------------------------------------------------- missing and errors


@pytest.mark.parametrize(
    "raw",
    [None, float("nan"), pd.NA, pd.NaT, np.nan, "", "  ", "-", "–", "—", "N/A", "n/a", "NA"]
    + ["Không có số liệu", "KHÔNG CÓ SỐ LIỆU", "KCSL", "...", "…", "\u00a0"],
)
def test_is_missing_true(raw):
    assert is_missing(raw)


@pytest.mark.parametrize("raw", [0, 0.0, "0", "x", "Không", "#N/A", "#DIV/0!", "Đạt", False])
def test_is_missing_false(raw):
    assert not is_missing(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("#DIV/0!", "#DIV/0!"),
        (" #div/0! ", "#DIV/0!"),
        ("#REF!", "#REF!"),
        ("#VALUE!", "#VALUE!"),
        ("#N/A", "#N/A"),
        ("#NAME?", "#NAME?"),
        ("#NUM!", "#NUM!"),
        ("#NULL!", "#NULL!"),
        ("#SPILL!", "#SPILL!"),
        ("#CALC!", "#CALC!"),
        ("#GETTING_DATA", "#GETTING_DATA"),
        ("95%", None),
        ("N/A", None),
        (None, None),
        (3.0, None),
    ],
)
def test_excel_error_examples(raw, expected):
    assert excel_error(raw) == expected


# ------------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [
        ("95,5%", 95.5, "%"),
        ("95.5 %", 95.5, "%"),
        ("95,5 %", 95.5, "%"),
        ("1.234,5", 1234.5, None),
        ("1,234.5", 1234.5, None),
        ("1.234", 1234.0, None),  # single dot + exactly three digits: thousands
        ("12.500", 12500.0, None),
        ("1,234", 1.234, None),  # single comma: always decimal (Vietnamese)
        ("1,5", 1.5, None),
        ("0.955", 0.955, None),  # leading zero: decimal dot
        ("1.234.567", 1234567.0, None),
        ("1 234,5", 1234.5, None),
        ("45,3 triệu đồng/người/năm", 45.3, "triệu đồng/người/năm"),
        ("  88 ", 88.0, None),
        ("khoảng 50%", 50.0, "%"),
        ("~ 12", 12.0, None),
        ("≈3,5 km", 3.5, "km"),
        ("-5", -5.0, None),
        ("−2,5", -2.5, None),
        ("5 người", 5.0, "người"),
        ("100 m²", 100.0, "m²"),
        ("95%.", 95.0, "%"),
        (88, 88.0, None),
        (88.25, 88.25, None),
        (decimal.Decimal("2.5"), 2.5, None),
        (np.int64(3), 3.0, None),
    ],
)
def test_parse_number_examples(raw, value, unit):
    parsed = parse_number(raw)
    assert parsed == ParsedNumber(value, unit, "ok")


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("-", "missing"),
        ("", "missing"),
        (None, "missing"),
        (float("nan"), "missing"),
        ("Không có số liệu", "missing"),
        ("N/A", "missing"),
        ("#DIV/0!", "excel_error"),
        ("#N/A", "excel_error"),
        (True, "not_number"),
        (False, "not_number"),
        ("Đạt", "not_number"),
        ("12/15", "not_number"),
        ("2021-2025", "not_number"),
        (dt.datetime(2023, 1, 1), "not_number"),
        (float("inf"), "not_number"),
    ],
)
def test_parse_number_status(raw, status):
    parsed = parse_number(raw)
    assert parsed.status == status
    assert parsed.value is None


def test_parse_number_percent_scales_numeric_fractions_only():
    assert parse_number(0.955, percent=True) == ParsedNumber(95.5, "%", "ok")
    assert parse_number(1, percent=True).value == 100.0
    assert parse_number(95.5, percent=True).value == 95.5  # already a percentage
    assert parse_number("0,5%", percent=True).value == 0.5  # text is never scaled
    assert parse_number("0,955", percent=True).value == 0.955
    assert parse_number(0.955).value == 0.955  # no scaling without percent=True


@pytest.mark.parametrize(
    ("raw", "decimal", "expected"),
    [
        ("12.345", ".", 12.345),
        ("12.345", ",", 12345.0),
        ("1,234", ".", 1234.0),
        ("1,234", ",", 1.234),
        ("1,234.5", ".", 1234.5),
        ("1.234,5", ",", 1234.5),
        ("95,5%", ",", 95.5),
        ("1.234,5", ".", None),  # contradicts the stated convention
    ],
)
def test_parse_number_with_a_known_decimal_mark(raw, decimal, expected):
    assert parse_number(raw, decimal=decimal).value == expected


def test_parse_number_converts_a_unit_typed_in_a_legacy_font():
    parsed = parse_number("45,3 triÖu ®ång/ng\u00adêi/n¨m")
    assert parsed == ParsedNumber(45.3, "triệu đồng/người/năm", "ok")


# --------------------------------------------------------------------- appraisals


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[(v, MET) for v in ["Đạt", "đạt", "ĐẠT", "Đ", "x", "X", "✓", "✔", "Dat", " đạt ", "Đạt."]],
        *[(v, BASIC) for v in ["Cơ bản đạt", "CBĐ", "CBD", "cơ bản đạt", "C.B.Đ"]],
        *[(v, NOT) for v in ["Chưa đạt", "Không đạt", "CĐ", "CD", "KĐ", "Chua dat", "chưa  đạt"]],
        ("§¹t", MET),  # TCVN3
        ("Ch\u00ada ®¹t", NOT),
        ("Ñaït", MET),  # VNI
        ("Không", None),
        ("Có", None),
        ("95%", None),
        (1, None),
        (None, None),
        ("", None),
    ],
)
def test_parse_appraisal_examples(raw, expected):
    assert parse_appraisal(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[(v, MET) for v in ["x", "X", " x ", "Đ", "Đạt", "1", 1, 1.0, "✓"]],
        *[(v, NOT) for v in ["", None, float("nan"), "-", "CĐ", "Chưa đạt", "0", 0]],
        *[(v, BASIC) for v in ["CBĐ", "Cơ bản đạt"]],
        ("abc", None),
        (2, None),
        ("N/A", None),
    ],
)
def test_parse_mark_examples(raw, expected):
    assert parse_mark(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[(v, True) for v in ["Có", "có", "Đạt", "x", "Yes", "✓", True, 1]],
        *[(v, False) for v in ["Không", "Chưa đạt", "Chưa có", "No", "không có", False, 0]],
        *[(v, None) for v in ["maybe", "95%", None, "", "KCSL", 2]],
    ],
)
def test_parse_yes_no_examples(raw, expected):
    assert parse_yes_no(raw) is expected


# ------------------------------------------------------------------------ targets


@pytest.mark.parametrize(
    ("raw", "op", "value", "unit"),
    [
        ("≥ 95%", ">=", 95.0, "%"),
        (">=95%", ">=", 95.0, "%"),
        ("≥95 %", ">=", 95.0, "%"),
        ("Tối thiểu 95%", ">=", 95.0, "%"),
        ("Từ 95% trở lên", ">=", 95.0, "%"),
        ("≤ 2%", "<=", 2.0, "%"),
        ("<=2%", "<=", 2.0, "%"),
        ("Dưới 2%", "<", 2.0, "%"),
        ("Tối đa 2%", "<=", 2.0, "%"),
        ("Không quá 3%", "<=", 3.0, "%"),
        ("2% trở xuống", "<=", 2.0, "%"),
        ("Trên 50%", ">", 50.0, "%"),
        ("100%", ">=", 100.0, "%"),
        ("=100%", "=", 100.0, "%"),
        ("≥ 45 triệu đồng/người/năm", ">=", 45.0, "triệu đồng/người/năm"),
        ("≥ 45 triệu đồng/người/năm (năm 2023)", ">=", 45.0, "triệu đồng/người/năm"),
        ("≥ 1,5 km", ">=", 1.5, "km"),
        ("Đạt", "yes", None, None),
        ("Có", "yes", None, None),
        ("Đạt chuẩn", "yes", None, None),
        ("Không", "no", None, None),
    ],
)
def test_parse_target_examples(raw, op, value, unit):
    assert parse_target(raw) == Target(op, value, unit, normalize_text(raw))


def test_parse_target_converts_legacy_font_text():
    assert parse_target("Tèi thiÓu 95%") == Target(">=", 95.0, "%", "Tối thiểu 95%")
    assert parse_target("§¹t") == Target("yes", None, None, "Đạt")


@pytest.mark.parametrize("raw", ["abc", "", None, "≥", "Từ 2 đến 5", "#REF!", True, "-"])
def test_parse_target_unparseable_is_none(raw):
    assert parse_target(raw) is None


@pytest.mark.parametrize(
    ("raw", "op", "value", "unit"),
    [
        ("Tối thiểu 95%", ">=", 95.0, "%"),
        ("tối thiểu là 95%", ">=", 95.0, "%"),
        ("không quá 2%", "<=", 2.0, "%"),
        ("trên 90%", ">", 90.0, "%"),
        ("≥95", ">=", 95.0, None),
        ("100% số hộ", ">=", 100.0, "%"),
        ("≥ 95% số hộ gia đình", ">=", 95.0, "%"),
        (">= 95 phần trăm", ">=", 95.0, "%"),
        ("≥ 53 tr.đ/người/năm", ">=", 53.0, "triệu đồng/người/năm"),
        ("≥ 53 triệu đồng/người/năm", ">=", 53.0, "triệu đồng/người/năm"),
        ("Đạt 100%", ">=", 100.0, "%"),
        ("Đạt (điểm ≥ 70)", "yes", None, None),
        ("Không có", "no", None, None),
        ("Không vượt quá 1,5%", "<=", 1.5, "%"),
    ],
)
def test_parse_target_forms_real_reports_write(raw, op, value, unit):
    assert parse_target(raw) == Target(op, value, unit, normalize_text(raw))


def test_read_target_tells_a_target_from_an_empty_cell_and_from_other_text():
    assert read_target("≥ 95%") == TargetReading("ok", Target(">=", 95.0, "%", "≥ 95%"), "≥ 95%")
    assert read_target(None) == TargetReading("missing", None, None)
    assert read_target("  ") == TargetReading("missing", None, None)
    assert read_target("-") == TargetReading("missing", None, None)
    assert read_target("Theo kế hoạch") == TargetReading("unparsed", None, "Theo kế hoạch")
    assert read_target("Từ 2 đến 5") == TargetReading("unparsed", None, "Từ 2 đến 5")
    assert read_target("#REF!").status == "unparsed"  # an Excel error is not an empty cell


def _figure(tenths: int, comma: bool) -> str:
    text = f"{tenths / 10:g}"
    return text.replace(".", ",") if comma else text


AT_LEAST_FORMS = (
    "≥ {x}%",
    ">={x} %",
    "=> {x}%",
    "≥{x}",
    "từ {x}% trở lên",
    "Từ {x} % trở lên",
    "{x}% trở lên",
    "Tối thiểu {x}%",
    "tối thiểu là {x}%",
    "ít nhất {x}%",
    "Không dưới {x}%",
    "không thấp hơn {x} %",
    "{x}%",
    "{x}% số hộ",
    "≥ {x}% (năm 2024)",
)
AT_MOST_FORMS = (
    "≤ {x}%",
    "<={x}%",
    "=< {x} %",
    "không quá {x}%",
    "Không vượt quá {x}%",
    "Tối đa {x}%",
    "{x}% trở xuống",
)


@given(
    tenths=st.integers(min_value=0, max_value=10_000),
    comma=st.booleans(),
    form=st.sampled_from(AT_LEAST_FORMS),
)
def test_every_at_least_form_parses_to_the_same_target(tenths, comma, form):
    target = parse_target(form.format(x=_figure(tenths, comma)))
    assert target is not None
    assert (target.op, target.value) == (">=", tenths / 10)
    assert target.unit in ("%", None)


@given(
    tenths=st.integers(min_value=0, max_value=10_000),
    comma=st.booleans(),
    form=st.sampled_from(AT_MOST_FORMS),
)
def test_every_at_most_form_parses_to_the_same_target(tenths, comma, form):
    target = parse_target(form.format(x=_figure(tenths, comma)))
    assert target is not None
    assert (target.op, target.value, target.unit) == ("<=", tenths / 10, "%")


@given(value=ANY_CELL)
def test_read_target_never_raises_and_agrees_with_parse_target(value):
    reading = read_target(value)
    assert reading.status in ("ok", "missing", "unparsed")
    assert (reading.target is not None) == (reading.status == "ok")
    assert reading.target == parse_target(value)
    if reading.status == "unparsed":
        assert reading.text


# -------------------------------------------------------------------------- codes


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("17.1. Tỷ lệ hộ nghèo", ("17.1", "Tỷ lệ hộ nghèo")),
        ("17.1 Tỷ lệ", ("17.1", "Tỷ lệ")),
        ("1", ("1", "")),
        (1, ("1", "")),
        (1.0, ("1", "")),
        (2.1, ("2.1", "")),
        ("2.10", ("2.10", "")),
        ("Tiêu chí 5: Trường học", ("5", "Trường học")),
        ("Tiêu chí số 17", ("17", "")),
        ("TC5", ("5", "")),
        ("TC 17", ("17", "")),
        ("1.1.", ("1.1", "")),
        (" 2 - Giao thông", ("2", "Giao thông")),
        ("17,1", ("17.1", "")),
        ("a)", (None, "a)")),
        ("-", (None, "-")),
        ("Quy hoạch", (None, "Quy hoạch")),
        ("100% hộ", (None, "100% hộ")),
        ("I. QUY HOẠCH", (None, "I. QUY HOẠCH")),
        (0, (None, "0")),
        (None, (None, "")),
        (True, (None, "")),
    ],
)
def test_split_code_examples(raw, expected):
    assert split_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I. QUY HOẠCH", "I"),
        ("II", "II"),
        ("IV. VĂN HÓA - XÃ HỘI - MÔI TRƯỜNG", "IV"),
        ("VI.KINH TẾ", "VI"),
        ("X", None),  # a met mark, not a heading
        ("Xã Quảng Tân", None),
        ("Ivan", None),
        ("i. abc", None),
        ("17", None),
        (None, None),
    ],
)
def test_roman_heading_examples(raw, expected):
    assert roman_heading(raw) == expected


# ------------------------------------------------------------------ unit prefixes


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Xã Quảng Tân", ("xã", "Quảng Tân")),
        ("xã Quảng Tân", ("xã", "Quảng Tân")),
        ("X. Quảng Tân", ("xã", "Quảng Tân")),
        ("XÃ QUẢNG TÂN", ("xã", "QUẢNG TÂN")),
        ("Xa Quang Tan", ("xã", "Quang Tan")),
        ("Thị trấn Đầm Hà", ("thị trấn", "Đầm Hà")),
        ("TT Đầm Hà", ("thị trấn", "Đầm Hà")),
        ("TT. Đầm Hà", ("thị trấn", "Đầm Hà")),
        ("T.T Đầm Hà", ("thị trấn", "Đầm Hà")),
        ("Phường Hồng Gai", ("phường", "Hồng Gai")),
        ("P. Hồng Gai", ("phường", "Hồng Gai")),
        ("Huyện Đầm Hà", ("huyện", "Đầm Hà")),
        ("H. Đầm Hà", ("huyện", "Đầm Hà")),
        ("Tỉnh Quảng Ninh", ("tỉnh", "Quảng Ninh")),
        ("UBND xã Quảng Tân", ("xã", "Quảng Tân")),
        ("UBND XÃ QUẢNG TÂN", ("xã", "QUẢNG TÂN")),
        ("Ủy ban nhân dân xã Quảng Tân", ("xã", "Quảng Tân")),
        ("Uỷ ban nhân dân xã Quảng Tân", ("xã", "Quảng Tân")),
        ("Thị xã Quảng Yên", ("thị xã", "Quảng Yên")),
        ("Quảng  Tân", (None, "Quảng Tân")),
        ("Đầm Hà", (None, "Đầm Hà")),
        ("Xuân Lộc", (None, "Xuân Lộc")),
        ("Xã", (None, "Xã")),
        (None, (None, "")),
    ],
)
def test_split_unit_prefix_examples(raw, expected):
    assert split_unit_prefix(raw) == expected


# -------------------------------------------------------------------------- years


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NĂM 2023", 2023),
        ("BÁO CÁO KẾT QUẢ ... NĂM 2023", 2023),
        ("2023", 2023),
        (2023, 2023),
        (2023.0, 2023),
        ("quang_tan_2023.xlsx", 2023),
        ("31/12/2023", 2023),
        (dt.date(2023, 5, 1), 2023),
        ("Báo cáo năm 2023 (giai đoạn 2021-2025)", 2023),
        ("2021-2025", None),
        ("giai đoạn 2021 đến 2025", None),
        ("2022 và 2023", None),
        ("1999", None),
        ("20231", None),
        (True, None),
        (None, None),
    ],
)
def test_find_year_examples(raw, expected):
    assert find_year(raw) == expected


def test_find_year_bounds_are_parameters():
    assert find_year("1999", lo=1990) == 1999


# ------------------------------------------------------------------------- export


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =cmd", "'  =cmd"),
        ("\tz", "'\tz"),
        ("\rz", "'\rz"),
        ("Quảng Tân", "Quảng Tân"),
        ("", ""),
        (-5, -5),
        (1.5, 1.5),
        (None, None),
    ],
)
def test_neutralise_formula_examples(raw, expected):
    assert neutralise_formula(raw) == expected


# ----------------------------------------------------------------------- decoding

TEXT = "năm;xã;giá trị\n2023;Quảng Tân;95,5\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (cp1258_bytes(TEXT), "cp1258"),
    ],
)
def test_decode_text_bytes_examples(data, encoding):
    assert decode_text_bytes(data) == (TEXT, encoding)


def test_decode_text_bytes_empty():
    assert decode_text_bytes(b"") == ("", "utf-8")


# --------------------------------------------------------------------- properties

TOTAL_FUNCTIONS = [
    normalize_text,
    fold_text,
    is_missing,
    excel_error,
    parse_number,
    lambda v: parse_number(v, percent=True),
    parse_appraisal,
    parse_mark,
    parse_yes_no,
    parse_target,
    read_target,
    split_code,
    roman_heading,
    split_unit_prefix,
    find_year,
    neutralise_formula,
]


@settings(max_examples=300, deadline=None)
@given(value=ANY_CELL)
def test_parsers_never_raise_on_any_cell(value):
    for function in TOTAL_FUNCTIONS:
        function(value)


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_parsers_never_raise_on_any_text(text):
    for function in TOTAL_FUNCTIONS:
        function(text)


@given(data=st.binary(max_size=200))
def test_decode_text_bytes_never_raises(data):
    text, encoding = decode_text_bytes(data)
    assert isinstance(text, str)
    assert encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1258")


MISSING_SPELLINGS = st.sampled_from(
    ["", " ", "-", "–", "—", "N/A", "n/a", "NA", "Không có số liệu", "KCSL", "...", "\u00a0"]
)


@given(value=st.one_of(ANY_CELL, MISSING_SPELLINGS))
def test_missing_never_becomes_zero(value):
    if is_missing(value):
        assert parse_number(value).value is None
        assert parse_number(value, percent=True).value is None
        assert parse_number(value).status == "missing"


def vietnamese_number_text(value: decimal.Decimal) -> str:
    """Format as Vietnamese does: thousands dot, decimal comma."""
    sign = "-" if value < 0 else ""
    integer, _, fraction = f"{abs(value):f}".partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = sign + ".".join(groups)
    return text + ("," + fraction if fraction else "")


@given(
    value=st.decimals(
        min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False
    ),
    unit=st.sampled_from(["", "%", " %", " km", " triệu đồng/người/năm"]),
)
def test_vietnamese_formatted_numbers_round_trip(value, unit):
    value = value.normalize() if value != 0 else decimal.Decimal(0)
    if value == value.to_integral_value():
        value = value.quantize(decimal.Decimal(1))
    text = vietnamese_number_text(value) + unit
    parsed = parse_number(text)
    assert parsed.status == "ok", text
    assert math.isclose(parsed.value, float(value), rel_tol=1e-12, abs_tol=1e-12), text
    assert parsed.unit == (unit.strip() or None)


@given(text=st.one_of(st.text(), st.text(alphabet="ĐđÂâĂăƠơƯưàáảãạ AaBb-_.,1")))
def test_fold_text_is_idempotent_and_plain(text):
    folded = fold_text(text)
    assert fold_text(folded) == folded
    assert set(folded) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
    assert "  " not in folded


@given(text=st.text())
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    if once is not None:
        assert once == once.strip()
        assert unicodedata.is_normalized("NFC", once)


@given(major=st.integers(1, 99), minor=st.one_of(st.none(), st.integers(1, 99)))
def test_split_code_reads_every_code(major, minor):
    code = str(major) if minor is None else f"{major}.{minor}"
    assert split_code(f"{code}. Nội dung") == (code, "Nội dung")
    assert split_code(f"{code} Nội dung") == (code, "Nội dung")


@given(year=st.integers(2000, 2039), other=st.text(alphabet="abc _-.NĂM"))
def test_find_year_finds_the_one_year(year, other):
    assert find_year(f"{other}{year}{other}") == year


def test_docstring_examples_run():
    import doctest

    import ntm_analysis.parsing as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10
    assert result.failed == 0
