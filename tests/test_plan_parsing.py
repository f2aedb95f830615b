"""Deadlines and money as departments type them: examples and hypothesis properties."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm_analysis.plan_parsing import (
    DEADLINE_DAY,
    DEADLINE_MONTH,
    DEADLINE_QUARTER,
    DEADLINE_YEAR,
    excel_serial_to_date,
    parse_deadline,
    parse_money_million,
)

D = dt.date


@pytest.mark.parametrize(
    ("raw", "date", "precision"),
    [
        ("30/6/2024", D(2024, 6, 30), DEADLINE_DAY),
        ("30-06-2024", D(2024, 6, 30), DEADLINE_DAY),
        ("30.6.24", D(2024, 6, 30), DEADLINE_DAY),
        (" trước 15/3/2025 ", D(2025, 3, 15), DEADLINE_DAY),
        ("2024-06-30", D(2024, 6, 30), DEADLINE_DAY),
        (dt.datetime(2024, 6, 30, 0, 0), D(2024, 6, 30), DEADLINE_DAY),
        (D(2024, 6, 30), D(2024, 6, 30), DEADLINE_DAY),
        (45473, D(2024, 6, 30), DEADLINE_DAY),  # Excel serial
        (45473.5, D(2024, 6, 30), DEADLINE_DAY),
        ("6/2024", D(2024, 6, 30), DEADLINE_MONTH),
        ("T6/2024", D(2024, 6, 30), DEADLINE_MONTH),
        ("tháng 6/2024", D(2024, 6, 30), DEADLINE_MONTH),
        ("Tháng 2 năm 2024", D(2024, 2, 29), DEADLINE_MONTH),
        ("Quý III/2024", D(2024, 9, 30), DEADLINE_QUARTER),
        ("Q3/2024", D(2024, 9, 30), DEADLINE_QUARTER),
        ("quý 4 năm 2024", D(2024, 12, 31), DEADLINE_QUARTER),
        ("Quý I-2025", D(2025, 3, 31), DEADLINE_QUARTER),
        ("năm 2025", D(2025, 12, 31), DEADLINE_YEAR),
        ("cuối năm 2025", D(2025, 12, 31), DEADLINE_YEAR),
        (2025, D(2025, 12, 31), DEADLINE_YEAR),
    ],
)
def test_deadline_examples(raw, date, precision):
    parsed = parse_deadline(raw)
    assert (parsed.status, parsed.date, parsed.precision) == ("ok", date, precision)


@pytest.mark.parametrize(
    "raw", ["sớm nhất có thể", "31/2/2024", "13/2024", "Quý V/2024", "30/6/1890", "True", True]
)
def test_deadline_unreadable(raw):
    parsed = parse_deadline(raw)
    assert (parsed.status, parsed.date) == ("unreadable", None)


@pytest.mark.parametrize("raw", [None, "", "   ", float("nan"), "-"])
def test_deadline_missing(raw):
    assert parse_deadline(raw).status == "missing"


@pytest.mark.parametrize(
    ("raw", "million"),
    [
        ("1.200", 1200.0),
        ("1,5 tỷ", 1500.0),
        ("1,5 tỉ đồng", 1500.0),
        ("350 triệu", 350.0),
        ("350 tr", 350.0),
        ("350", 350.0),
        (350, 350.0),
        (12.5, 12.5),
        ("12,5", 12.5),
        ("1.200,5 triệu đồng", 1200.5),
        ("500 nghìn", 0.5),
        ("1.500.000.000 đồng", 1500.0),
        ("2 tỷ 500 triệu", 2500.0),
        ("0", 0.0),
    ],
)
def test_money_examples(raw, million):
    parsed = parse_money_million(raw)
    assert parsed.status == "ok"
    assert parsed.value == pytest.approx(million)


@pytest.mark.parametrize("raw", ["vài trăm", "-5", -5, "350 USD", "12/15", True])
def test_money_unreadable(raw):
    assert parse_money_million(raw).status == "unreadable"


@pytest.mark.parametrize("raw", [None, "", "-", "N/A"])
def test_money_missing(raw):
    assert parse_money_million(raw).status == "missing"


# --------------------------------------------------------------------- properties

DATES = st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31))
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@given(day=DATES, sep=st.sampled_from(["/", "-", "."]), pad=st.booleans())
def test_day_month_year_round_trips(day, sep, pad):
    fmt = f"{day.day:02d}{sep}{day.month:02d}" if pad else f"{day.day}{sep}{day.month}"
    assert parse_deadline(f"{fmt}{sep}{day.year}").date == day


@given(day=DATES)
def test_dates_and_excel_serials_round_trip(day):
    serial = (day - D(1899, 12, 30)).days
    assert excel_serial_to_date(serial) == day
    assert parse_deadline(serial).date == day
    assert parse_deadline(dt.datetime.combine(day, dt.time())).date == day


@given(
    year=st.integers(2000, 2100),
    month=st.integers(1, 12),
    form=st.sampled_from(["{m}/{y}", "T{m}/{y}", "tháng {m}/{y}", "Tháng {m} năm {y}"]),
)
def test_month_means_its_last_day(year, month, form):
    parsed = parse_deadline(form.format(m=month, y=year))
    assert parsed.date == D(year, month, calendar.monthrange(year, month)[1])
    assert parsed.precision == DEADLINE_MONTH


@given(
    year=st.integers(2000, 2100),
    quarter=st.integers(1, 4),
    form=st.sampled_from(["Quý {r}/{y}", "Q{q}/{y}", "quý {q} năm {y}", "QUÝ {r} - {y}"]),
)
def test_quarter_means_its_last_day(year, quarter, form):
    parsed = parse_deadline(form.format(r=ROMAN[quarter], q=quarter, y=year))
    last_month = 3 * quarter
    assert parsed.date == D(year, last_month, calendar.monthrange(year, last_month)[1])
    assert parsed.precision == DEADLINE_QUARTER


@given(value=st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.dates()))
def test_parsers_never_raise_and_are_consistent(value):
    deadline = parse_deadline(value)
    assert deadline.status in ("ok", "missing", "unreadable")
    assert (deadline.date is not None) == deadline.ok
    money = parse_money_million(value)
    assert money.status in ("ok", "missing", "unreadable")
    assert (money.value is not None) == money.ok
    assert not money.ok or money.value >= 0


@given(amount=st.integers(0, 999_999_999))
def test_thousands_dots_read_as_the_whole_number(amount):
    text = f"{amount:,}".replace(",", ".")
    assert parse_money_million(text).value == amount


@given(whole=st.integers(0, 999), tenths=st.integers(0, 9))
def test_billions_with_a_decimal_comma(whole, tenths):
    assert parse_money_million(f"{whole},{tenths} tỷ").value == pytest.approx(
        whole * 1000 + tenths * 100
    )
    assert parse_money_million(f"{whole} triệu").value == whole
