"""Reading raw files into grids: discovery, offsets, Excel errors, CSV encodings, broken files."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import corpus
import openpyxl
import pytest

from ntm_analysis import config
from ntm_analysis.errors import UnreadableFileError
from ntm_analysis.readers import SUPPORTED_EXTENSIONS, column_letter, discover_inputs, read_sheets

SHEETS = SUPPORTED_EXTENSIONS


@pytest.fixture
def raw(tmp_path) -> Path:
    return tmp_path / "raw"


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_discover_skips_lock_hidden_and_unsupported_files(raw):
    corpus.build_corpus(raw)
    (raw / ".git").mkdir()
    (raw / ".git" / "config.csv").write_text("a,b\n")
    inputs, skipped = discover_inputs(raw)
    names = [p.relative_to(raw).as_posix() for p in inputs]
    assert names == sorted(names)
    assert "2023/quang_tan_2023.xlsx" in names and "tidy/tidy_utf16.csv" in names
    assert "bien_ban.pdf" in names  # named in the report by reading, with how to send the data
    reasons = {s.file: s.reason for s in skipped}
    assert reasons == {
        ".DS_Store": "hidden_file",
        ".git/": "hidden_file",
        "Thumbs.db": "hidden_file",
        "~$quang_tan_2023.xlsx": "lock_file",
    }
    assert all(s.message for s in skipped)


def test_discover_is_deterministic(raw):
    corpus.build_corpus(raw)
    assert discover_inputs(raw) == discover_inputs(raw)


def test_offsets_give_real_cell_addresses(raw):
    """Calamine skips leading empty rows/columns; first_row/first_col restore addresses."""
    path = corpus.write_quang_tan_2023(raw)
    sheets = read_sheets(path, raw_dir=raw)
    main = sheets[0]
    assert (main.file, main.sheet, main.hidden) == ("2023/quang_tan_2023.xlsx", "BC 2023", False)
    assert (main.first_row, main.first_col) == (3, 1)  # written from B3
    assert main.rows[0][0] == "UBND XÃ QUẢNG TÂN"
    # the header "TT" is in B7: grid row 7 - first_row, column B
    header_index = 7 - main.first_row
    assert main.rows[header_index][0] == "TT"
    assert column_letter(main.first_col + 4) == "F"  # "Kết quả thực hiện" column


def test_numbers_stay_numbers_and_fraction_is_kept(raw):
    path = corpus.write_quang_tan_2023(raw)
    grid = read_sheets(path, raw_dir=raw)[0].rows
    values = [row[4] for row in grid if len(row) > 4]
    assert 0.955 in values  # the Excel fraction, unscaled
    assert "45,3 triệu đồng/người/năm" in values


def test_excel_error_cells_are_recovered_with_their_address(raw):
    raw.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C5"] = "#DIV/0!"  # openpyxl stores it as an error cell (t="e")
    ws["D6"] = "#REF!"
    ws["B4"] = 1.5
    wb.save(raw / "errors.xlsx")
    (sheet,) = read_sheets(raw / "errors.xlsx", raw_dir=raw)
    assert (sheet.first_row, sheet.first_col) == (4, 1)
    assert sheet.rows[5 - 4][2 - 1] == "#DIV/0!"
    assert sheet.rows[6 - 4][3 - 1] == "#REF!"
    assert sheet.rows[0][0] == 1.5


def test_hidden_and_empty_sheets_are_listed(raw):
    path = corpus.write_quang_tan_2023(raw)
    sheets = read_sheets(path, raw_dir=raw)
    assert [(s.sheet, s.hidden, len(s.rows)) for s in sheets][1:] == [
        ("Copy", True, 7),
        ("Trống", False, 0),
    ]


def test_xls_and_ods_are_read(raw):
    raw.mkdir()
    xls = read_sheets(corpus.write_tan_binh_xls(raw), raw_dir=raw)
    ods = read_sheets(corpus.write_dai_binh_ods(raw), raw_dir=raw)
    assert xls[0].sheet == "Tan Binh" and xls[0].rows[3][0] == 1.0
    assert ods[0].sheet == "2023" and ods[0].rows[4][2] == 100


def test_dates_stay_dates(raw):
    raw.mkdir()
    wb = openpyxl.Workbook()
    wb.active["A1"] = dt.date(2023, 12, 31)
    wb.save(raw / "d.xlsx")
    (sheet,) = read_sheets(raw / "d.xlsx", raw_dir=raw)
    assert sheet.rows[0][0] in (dt.date(2023, 12, 31), dt.datetime(2023, 12, 31))


@pytest.mark.parametrize(
    "name", ["tidy_utf8.csv", "tidy_bom.csv", "tidy_cp1258.csv", "tidy_utf16.csv"]
)
def test_csv_encodings_and_separators(raw, name):
    raw.mkdir()
    corpus.write_tidy_csvs(raw)
    (sheet,) = read_sheets(raw / "tidy" / name, raw_dir=raw)
    assert sheet.file == f"tidy/{name}" and sheet.sheet == ""
    assert sheet.rows[0] == ("year", "commune", "indicator", "value", "self_assessed")
    assert sheet.rows[1][1:] == ("Quảng Lâm", "2.1", "92,5", "Chưa đạt")  # NFC, decimal comma
    assert len(sheet.rows) == 1 + len(corpus.TIDY_ROWS)


def test_csv_leading_blank_lines_shift_first_row(raw):
    raw.mkdir()
    (raw / "t.csv").write_text("\n\nyear;commune\n2023;Quảng Tân\n\n", encoding="utf-8")
    (sheet,) = read_sheets(raw / "t.csv", raw_dir=raw)
    assert sheet.first_row == 3
    assert sheet.rows == (("year", "commune"), ("2023", "Quảng Tân"))


@pytest.mark.parametrize(
    "name, reason",
    [(k, v[1]) for k, v in corpus.BROKEN.items() if v[0] == "unreadable" and k.endswith(SHEETS)],
)
def test_broken_files_raise_one_clear_line(raw, monkeypatch, name, reason):
    monkeypatch.setattr(config, "MAX_INPUT_BYTES", corpus.TEST_SIZE_LIMIT)
    raw.mkdir()
    good = corpus.write_dai_binh_ods(raw)
    corpus.write_broken(raw, corpus.write_quang_tan_2023(raw))
    assert good.exists()
    with pytest.raises(UnreadableFileError) as info:
        read_sheets(raw / name, raw_dir=raw)
    assert info.value.reason == reason
    assert info.value.path == name
    message = str(info.value)
    assert "\n" not in message and message[0].isupper() and message.endswith(".")


def test_xls_content_under_xlsx_name_is_still_read(raw):
    raw.mkdir()
    xls = corpus.write_tan_binh_xls(raw)
    renamed = raw / "renamed.xlsx"
    renamed.write_bytes(xls.read_bytes())
    assert read_sheets(renamed, raw_dir=raw)[0].sheet == "Tan Binh"


def test_reading_never_writes(raw):
    corpus.build_corpus(raw)
    before = {p: p.stat().st_mtime_ns for p in raw.rglob("*")}
    inputs, _ = discover_inputs(raw)
    for p in inputs:
        with contextlib.suppress(UnreadableFileError):
            read_sheets(p, raw_dir=raw)
    assert {p: p.stat().st_mtime_ns for p in raw.rglob("*")} == before


def test_xls_error_cells_are_recovered(raw):
    import xlwt

    raw.mkdir()
    book = xlwt.Workbook()
    sheet = book.add_sheet("S")
    sheet.write(0, 0, "a")
    sheet.row(2).set_cell_error(3, "#DIV/0!")
    book.save(str(raw / "err.xls"))
    (grid,) = read_sheets(raw / "err.xls", raw_dir=raw)
    assert grid.rows[2][3] == "#DIV/0!"


def test_txt_files_are_not_data(raw):
    raw.mkdir()
    (raw / "README.txt").write_text("Ghi chú\n", encoding="utf-8")
    inputs, skipped = discover_inputs(raw)
    assert inputs == [] and [s.reason for s in skipped] == ["unsupported_extension"]


def test_csv_excel_separator_hint(raw):
    raw.mkdir()
    (raw / "t.csv").write_text('sep=;\nyear;value\n2023;"1,5"\n', encoding="utf-8")
    (sheet,) = read_sheets(raw / "t.csv", raw_dir=raw)
    assert sheet.rows == (("sep=", ""), ("year", "value"), ("2023", "1,5"))


@pytest.mark.parametrize(
    "content, hint",
    [
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "trang web (HTML)"),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "bảng tính XML của Excel 2003",
        ),
    ],
)
def test_web_page_or_xml_saved_as_xls_says_what_it_is(raw, content, hint):
    raw.mkdir()
    (raw / "export.xls").write_bytes(content)
    with pytest.raises(UnreadableFileError) as info:
        read_sheets(raw / "export.xls", raw_dir=raw)
    assert info.value.reason == "not_a_spreadsheet" and hint in str(info.value)


def test_the_sample_is_set_aside_when_real_data_sits_beside_it(tmp_path):
    from ntm_analysis.readers import SKIP_SAMPLE_BESIDE_REAL_DATA, discover_inputs

    (tmp_path / "sample").mkdir()
    (tmp_path / "sample" / "MAU-synthetic_a.xlsx").write_bytes(b"x")
    inputs, skipped = discover_inputs(tmp_path)
    assert [p.name for p in inputs] == ["MAU-synthetic_a.xlsx"]  # alone: it is read
    (tmp_path / "bao-cao-2024.xlsx").write_bytes(b"x")
    inputs, skipped = discover_inputs(tmp_path)
    assert [p.name for p in inputs] == ["bao-cao-2024.xlsx"]
    assert [(s.file, s.reason) for s in skipped] == [
        ("sample/MAU-synthetic_a.xlsx", SKIP_SAMPLE_BESIDE_REAL_DATA)
    ]
