"""Word (.docx) and OpenDocument text (.odt) reports: the tables read like sheets.

Every fixture is written here with python-docx (or odfpy for .odt): a report
split over two tables with and without a repeated header, merged title cells,
title paragraphs naming the commune and the year, letterhead and signature
tables, a district matrix and a tidy table in Word, and broken documents.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import corpus
import docx
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from odf.opendocument import OpenDocumentText
from odf.table import CoveredTableCell, TableCell, TableColumn, TableRow
from odf.table import Table as OdfTable
from odf.text import P

from ntm_analysis.documents import parse_document
from ntm_analysis.errors import UnreadableFileError
from ntm_analysis.ingest import ingest_folder
from ntm_analysis.word import (
    TITLE_PARAGRAPHS,
    DocumentSheet,
    Paragraph,
    Table,
    document_sheets,
    group_blocks,
    read_document,
)

TITLES = [
    "BÁO CÁO KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ QUỐC GIA VỀ XÃ NÔNG THÔN MỚI NĂM 2023",
    "(Xã Quảng Tân, huyện Đầm Hà, tỉnh Quảng Ninh)",
]
HEADER = corpus.HEADER_A
#: Rows of a small report (after the header), with the expected result in the comment.
BODY = [
    ["I", "QUY HOẠCH"],  # section
    ["1", "Quy hoạch", None, None, None, "Đạt"],  # criterion 1 met
    ["1.1", None, "Có quy hoạch chung xây dựng xã", "Đạt", "Có", "Đạt"],  # 1.1 = 1
    ["1.2", None, "Ban hành quy định quản lý", "Đạt", "Đạt", "Đạt"],  # 1.2 = 1
    ["2", "Giao thông", None, None, None, "Chưa đạt"],  # criterion 2 not met
    [None, None, "2.1. Tỷ lệ đường xã được nhựa hóa", "100%", "95,5%", "Chưa đạt"],  # 95.5
    ["2.2", None, "Tỷ lệ đường thôn", "≥ 95%", "90 %", "Chưa đạt"],  # 90
    ["5", "Trường học", None, "100%", "80%", "Chưa đạt"],  # criterion 5 + indicator 5 = 80
    ["10", "Thu nhập", None, "≥ 45 triệu", "45,3 triệu đồng/người/năm", "Đạt"],  # 45.3
    ["15", "Y tế", None, None, None, None],  # blank criterion
    ["15.1", None, "Tỷ lệ tham gia BHYT", "≥ 95%", "N/A", "Chưa đạt"],  # missing value
    ["15.2", None, "Tỷ lệ dân có sổ sức khỏe", "≥ 90%", "88", "Chưa đạt"],  # 88
    [None, None, "- Đường trục thôn", None, "80%"],  # reject: no code
]
EXPECTED_VALUES = {
    ("indicator", "1.1"): 1.0, ("indicator", "1.2"): 1.0, ("indicator", "2.1"): 95.5,
    ("indicator", "2.2"): 90.0, ("indicator", "5"): 80.0, ("indicator", "10"): 45.3,
    ("indicator", "15.1"): None, ("indicator", "15.2"): 88.0,
}  # fmt: skip
EXPECTED_CRITERIA = {"1": "met", "2": "not_met", "5": "not_met", "10": "met"}


@pytest.fixture(scope="module")
def registry():
    return corpus.damha_registry()


@pytest.fixture(scope="module")
def catalog():
    return corpus.tiny_catalog()


def ingest(raw: Path, registry, catalog):
    return ingest_folder(raw, registry=registry, catalog=catalog, jobs=1)


# --------------------------------------------------------------------------- writers


def add_table(document, rows, width=None):
    width = width or max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                table.cell(i, j).text = str(value)
    return table


def add_letterhead(document, commune="QUẢNG TÂN"):
    table = add_table(
        document,
        [[f"UBND XÃ {commune}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
         ["Số: 12/BC-UBND", "Độc lập - Tự do - Hạnh phúc"]],
    )  # fmt: skip
    return table


def add_signature(document):
    document.add_paragraph("Nơi nhận:")
    add_table(document, [["- UBND huyện;", "TM. ỦY BAN NHÂN DÂN"], ["- Lưu: VT.", "CHỦ TỊCH"]])
    document.add_paragraph("(Ký tên, đóng dấu)")


def write_split_report(path: Path, *, repeat_header: bool, continuation_line: bool) -> Path:
    """Letterhead, titles, the report in two tables (merged title row), signature block."""
    document = docx.Document()
    add_letterhead(document)
    for text in TITLES:
        document.add_paragraph(text)
    document.add_paragraph("")
    first = add_table(document, [["Biểu tổng hợp kết quả"], HEADER, *BODY[:6]], width=7)
    first.cell(0, 0).merge(first.cell(0, 6))  # merged title cell across the table
    document.add_paragraph("")
    if continuation_line:
        document.add_paragraph("(Tiếp theo)")
    add_table(document, ([HEADER] if repeat_header else []) + BODY[6:], width=7)
    add_signature(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def non_empty_rows(path: Path) -> int:
    """Non-empty paragraphs and non-empty table rows of a .docx (what must be accounted for)."""
    document = docx.Document(path)
    paragraphs = sum(1 for p in document.paragraphs if p.text.strip())
    rows = sum(1 for t in document.tables for r in t.rows if any(c.text.strip() for c in r.cells))
    return paragraphs + rows


def records_by_key(result):
    r = result.records
    values = [None if pd.isna(v) else round(float(v), 6) for v in r["value"]]
    return {
        (lvl, code): (v, sa)
        for lvl, code, v, sa in zip(
            r["level"], r["indicator"], values, r["self_assessed"], strict=True
        )  # fmt: skip
    }


# --------------------------------------------------------------------------- a split report


@pytest.mark.parametrize("repeat_header", [True, False])
@pytest.mark.parametrize("continuation_line", [True, False])
def test_a_report_split_over_two_tables_reads_as_one(
    tmp_path, registry, catalog, repeat_header, continuation_line
):
    path = write_split_report(
        tmp_path / "raw" / "quang_tan.docx",
        repeat_header=repeat_header,
        continuation_line=continuation_line,
    )
    result = ingest(tmp_path / "raw", registry, catalog)
    (entry,) = result.ingest_report["files"]
    assert entry["status"] == "read" and entry["reconciled"]
    (sheet,) = entry["sheets"]
    assert sheet["layout"] == "commune_report"
    assert sheet["sheet"] == "Bảng 1–4"  # letterhead, two report parts, signature table
    assert sheet["rows_read"] == non_empty_rows(path)
    # header once (+ its repetition), no row of the second part lost
    assert sheet["non_data"]["header"] == 1 + repeat_header
    assert sheet["non_data"]["section"] == 1 and sheet["non_data"]["blank_criterion"] == 1
    assert sheet["non_data"]["signature"] >= 2
    assert sheet["rejected"] == 1  # "- Đường trục thôn"
    rec = result.records
    assert set(rec["commune"]) == {"Xã Quảng Tân"} and set(rec["year"]) == {2023}
    got = records_by_key(result)
    for key, value in EXPECTED_VALUES.items():
        assert got[key][0] == value, key
    for code, appraisal in EXPECTED_CRITERIA.items():
        assert got[("criterion", code)][1] == appraisal
    (reject,) = result.rejects.itertuples()
    assert (reject.source_sheet, reject.column, reject.raw_value) == ("Bảng 1–4", "E", "80%")
    assert reject.reason == "unrecognised_row"
    assert result.findings.empty


def test_docx_gives_the_same_records_as_the_same_report_in_a_sheet(tmp_path, registry, catalog):
    write_split_report(tmp_path / "doc" / "quang_tan.docx", repeat_header=True,
                       continuation_line=True)  # fmt: skip
    wb = openpyxl.Workbook()
    grid = [["UBND XÃ QUẢNG TÂN"], *[[t] for t in TITLES], HEADER, *BODY]
    for r, row in enumerate(grid, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                wb.active.cell(r, c, v)
    (tmp_path / "sheet").mkdir()
    wb.save(tmp_path / "sheet" / "quang_tan.xlsx")
    from_doc = records_by_key(ingest(tmp_path / "doc", registry, catalog))
    from_sheet = records_by_key(ingest(tmp_path / "sheet", registry, catalog))
    assert from_doc == from_sheet and len(from_doc) == 12


def test_row_numbers_and_columns_point_into_the_document_grid(tmp_path, registry, catalog):
    path = write_split_report(tmp_path / "raw" / "q.docx", repeat_header=True,
                              continuation_line=True)  # fmt: skip
    parsed = parse_document(read_document(path, raw_dir=tmp_path / "raw"),
                            registry=registry, catalog=catalog)  # fmt: skip
    ((sheet, result),) = parsed
    assert isinstance(sheet, DocumentSheet) and sheet.tables == (1, 2, 3, 4)
    # rows are counted from the letterhead: 2 letterhead rows, 2 title paragraphs, then table 2
    assert dict(sheet.table_rows) == {1: 0, 2: 4, 3: 13, 4: 22}
    assert sheet.rows[4][0] == "Biểu tổng hợp kết quả"
    for rec in result.records.itertuples():
        assert sheet.rows[rec.source_row - 1][0] in (rec.indicator, "")  # "2.1" is in the text
    ((reject_row, column),) = result.rejects[["source_row", "column"]].itertuples(index=False)
    assert sheet.rows[reject_row - 1][ord(column) - ord("A")] == "80%"
    # the "(Tiếp theo)" line and the repeated header are set aside, not lost
    assert [(sheet.rows[i][0], kind) for i, kind in sheet.set_aside] == [
        ("(Tiếp theo)", "title"),
        ("TT", "header"),
    ]


def test_a_long_text_above_the_table_does_not_hide_its_header(tmp_path, registry, catalog):
    """A report that is mostly prose with the summary table at the end."""
    document = docx.Document()
    add_letterhead(document)
    for text in TITLES:
        document.add_paragraph(text)
    for k in range(40):
        document.add_paragraph(f"{k % 5 + 1}. Tiêu chí số {k % 19 + 1}: xã đã đạt kế hoạch.")
    document.add_paragraph("II. BIỂU TỔNG HỢP KẾT QUẢ")
    add_table(document, [HEADER, *BODY], width=7)
    for text in ["III. KIẾN NGHỊ", "1. Đề nghị UBND huyện thẩm định, công nhận xã đạt chuẩn.",
                 "Trên đây là báo cáo của UBND xã Quảng Tân."]:  # fmt: skip
        document.add_paragraph(text)
    add_signature(document)
    (tmp_path / "raw").mkdir()
    path = tmp_path / "raw" / "bao_cao.docx"
    document.save(path)
    result = ingest(tmp_path / "raw", registry, catalog)
    (entry,) = result.ingest_report["files"]
    assert entry["reconciled"] and entry["rows_read"] == non_empty_rows(path)
    text, table = entry["sheets"]
    # 2 titles + 40 + 1 caption = 43 paragraphs above table 2: 5 first and 5 last are titles
    assert (text["sheet"], text["rows_read"], text["non_data"]) == (
        "Văn bản trước bảng 2",
        33,
        {"note": 33},
    )
    assert table["sheet"] == "Bảng 1–3" and table["layout"] == "commune_report"
    assert table["rejected"] == 1  # "- Đường trục thôn" only: no prose row becomes a reject
    assert set(result.records["commune"]) == {"Xã Quảng Tân"}
    assert set(result.records["year"]) == {2023}
    got = records_by_key(result)
    for key, value in EXPECTED_VALUES.items():
        assert got[key][0] == value, key
    assert len(got) == 12  # the prose "1. Đề nghị …" after the table is no record


# --------------------------------------------------------------------------- merged cells


def test_merged_cells_keep_their_text_top_left_only(tmp_path):
    document = docx.Document()
    table = add_table(document, [["A", "B", "C"], ["x", "y", "z"], ["p", "q", "r"]])
    table.cell(0, 0).merge(table.cell(0, 2))  # horizontal
    table.cell(1, 0).merge(table.cell(2, 0))  # vertical
    path = tmp_path / "m.docx"
    document.save(path)
    (sheet,) = read_document(path, raw_dir=tmp_path)
    assert sheet.rows == (("A\nB\nC", "", ""), ("x\np", "y", "z"), ("", "q", "r"))


def test_a_matrix_with_a_merged_criteria_header_reads_in_word(tmp_path, registry, catalog):
    document = docx.Document()
    document.add_paragraph("BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN TIÊU CHÍ NTM NĂM 2023")
    top = ["TT", "Tên xã", "Tiêu chí"] + [None] * 18 + ["Tổng số tiêu chí đạt"]
    numbers = [None, None] + [str(k) for k in range(1, 20)] + [None]
    rows = [top, numbers]
    for k, name in enumerate(("Quảng Tân", "Tân Bình"), start=1):
        marks = ["x"] * 19 if k == 1 else ["x"] * 17 + ["-", "-"]
        rows.append([str(k), name, *marks, "19" if k == 1 else "17"])
    table = add_table(document, rows)
    table.cell(0, 2).merge(table.cell(0, 20))
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(0, 1).merge(table.cell(1, 1))
    table.cell(0, 21).merge(table.cell(1, 21))
    (tmp_path / "raw").mkdir()
    document.save(tmp_path / "raw" / "tong_hop_2023.docx")
    result = ingest(tmp_path / "raw", registry, catalog)
    (entry,) = result.ingest_report["files"]
    assert entry["sheets"][0]["layout"] == "district_matrix" and entry["reconciled"]
    crit = result.records
    assert len(crit) == 38 and set(crit["year"]) == {2023}
    tan_binh = crit.loc[crit["commune"] == "Xã Tân Bình"]
    assert (tan_binh["self_assessed"] == "met").sum() == 17
    assert result.rejects.empty and result.findings.empty


def test_a_tidy_table_in_word(tmp_path, registry, catalog):
    document = docx.Document()
    add_table(
        document,
        [["year", "commune", "indicator", "value", "self_assessed"],
         ["2023", "Quảng Tân", "2.1", "96,5", "Đạt"],
         ["2023", "Tân Bình", "15.1", "91%", "Chưa đạt"]],
    )  # fmt: skip
    (tmp_path / "raw").mkdir()
    document.save(tmp_path / "raw" / "tidy.docx")
    result = ingest(tmp_path / "raw", registry, catalog)
    assert result.ingest_report["files"][0]["sheets"][0]["layout"] == "tidy"
    assert sorted(result.records["value"].tolist()) == [91.0, 96.5]


def test_two_reports_in_one_document_stay_apart(tmp_path, registry, catalog):
    document = docx.Document()
    for year in (2022, 2023):
        add_letterhead(document)
        document.add_paragraph(f"BÁO CÁO KẾT QUẢ XÂY DỰNG NÔNG THÔN MỚI NĂM {year}")
        add_table(document, [HEADER, *BODY[1:4]], width=7)
        add_signature(document)
        document.add_page_break()
    (tmp_path / "raw").mkdir()
    document.save(tmp_path / "raw" / "quang_tan.docx")
    result = ingest(tmp_path / "raw", registry, catalog)
    (entry,) = result.ingest_report["files"]
    assert [s["layout"] for s in entry["sheets"]] == ["commune_report", "commune_report"]
    assert entry["reconciled"] and entry["rejected_rows"] == 0
    assert sorted(set(result.records["year"])) == [2022, 2023]
    assert len(result.records) == 6


# --------------------------------------------------------------------------- .odt


def write_odt_report(path: Path) -> Path:
    doc = OpenDocumentText()
    for text in ["UBND XÃ QUẢNG TÂN", *TITLES]:
        doc.text.addElement(P(text=text))
    table = OdfTable(name="BaoCao")
    table.addElement(TableColumn(numbercolumnsrepeated=7))
    title = TableRow()
    cell = TableCell(numbercolumnsspanned=7)
    cell.addElement(P(text="Biểu tổng hợp"))
    title.addElement(cell)
    for _ in range(6):
        title.addElement(CoveredTableCell())
    table.addElement(title)
    for row in [HEADER, *BODY]:
        tr = TableRow()
        for k in range(7):
            value = row[k] if k < len(row) else None
            c = TableCell()
            if value is not None:
                c.addElement(P(text=str(value)))
            tr.addElement(c)
        table.addElement(tr)
    doc.text.addElement(table)
    doc.text.addElement(P(text="Người lập biểu"))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def test_odt_reports_are_read_too(tmp_path, registry, catalog):
    write_odt_report(tmp_path / "raw" / "quang_tan.odt")
    result = ingest(tmp_path / "raw", registry, catalog)
    (entry,) = result.ingest_report["files"]
    assert entry["status"] == "read" and entry["reconciled"]
    assert entry["rows_read"] == 3 + 1 + 1 + len(BODY) + 1
    got = records_by_key(result)
    for key, value in EXPECTED_VALUES.items():
        assert got[key][0] == value, key


# --------------------------------------------------------------------------- not data / broken


def test_doc_pdf_and_broken_documents_get_one_line_and_the_run_goes_on(tmp_path, registry, catalog):
    raw = tmp_path / "raw"
    good = write_split_report(raw / "quang_tan.docx", repeat_header=False,
                              continuation_line=False)  # fmt: skip
    (raw / "dai_binh.doc").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 1024)
    (raw / "bien_ban.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\n")
    (raw / "truncated.docx").write_bytes(good.read_bytes()[:900])
    (raw / "empty.docx").write_bytes(b"")
    (raw / "notes.docx").write_text("Biên bản họp\n", encoding="utf-8")
    (raw / "protected.docx").write_bytes(corpus._cfb_encrypted())
    document = docx.Document()
    document.add_paragraph("Kính gửi UBND huyện")
    document.save(raw / "letter.docx")
    (raw / "renamed.doc").write_bytes(good.read_bytes())  # a .docx saved under .doc
    workbook = corpus.write_quang_tan_2023(tmp_path / "x")
    (raw / "workbook.docx").write_bytes(workbook.read_bytes())
    result = ingest(raw, registry, catalog)
    files = {f["file"]: f for f in result.ingest_report["files"]}
    expected = {
        "dai_binh.doc": "word_97_document",
        "bien_ban.pdf": "pdf_document",
        "truncated.docx": "corrupt",
        "empty.docx": "empty_file",
        "notes.docx": "not_a_spreadsheet",
        "protected.docx": "password_protected",
        "letter.docx": "no_table",
        "workbook.docx": "not_a_spreadsheet",
    }
    for name, reason in expected.items():
        assert (files[name]["status"], files[name]["reason"]) == ("unreadable", reason), name
        message = files[name]["message"]
        assert message and "\n" not in message and message.endswith(".")
    for name in ("dai_binh.doc", "bien_ban.pdf"):
        assert "dưới dạng .docx hoặc .xlsx" in files[name]["message"]
    assert files["quang_tan.docx"]["status"] == files["renamed.doc"]["status"] == "read"
    # the two are one report sent twice: the newer version (renamed.doc, written later) keeps
    # the records, the other's are dropped duplicates
    assert files["renamed.doc"]["records"] > 0 and result.ingest_report["totals"]["reconciled"]
    assert files["quang_tan.docx"]["duplicates_dropped"] > 0


def run_ntm(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ntm_analysis.cli", *args],
        capture_output=True, text=True, cwd=cwd, timeout=300,
    )  # fmt: skip


def test_ntm_check_and_clean_read_word_and_name_doc_and_pdf(tmp_path):
    raw = tmp_path / "raw"
    write_split_report(raw / "quang_tan_2023.docx", repeat_header=True, continuation_line=True)
    (raw / "tan_binh_2023.doc").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 512)
    (raw / "dai_binh_2023.pdf").write_bytes(b"%PDF-1.4\n")
    before = sorted((p.name, p.stat().st_mtime_ns) for p in raw.rglob("*"))
    check = run_ntm("check", "--raw", str(raw), "--json", cwd=tmp_path)
    assert check.returncode == 1, check.stderr
    assert "Traceback" not in check.stderr
    clean = run_ntm("clean", "--raw", str(raw), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert clean.returncode == 1, clean.stderr
    assert "tan_binh_2023.doc: Tệp Word 97–2003 (.doc) không đọc được" in clean.stdout
    assert "dai_binh_2023.pdf: Tệp PDF" in clean.stdout
    report = json.loads((tmp_path / "out" / "ingest_report.json").read_text(encoding="utf-8"))
    files = {f["file"]: f for f in report["files"]}
    assert files["quang_tan_2023.docx"]["records"] > 0 and report["totals"]["reconciled"]
    assert files["tan_binh_2023.doc"]["reason"] == "word_97_document"
    assert sorted((p.name, p.stat().st_mtime_ns) for p in raw.rglob("*")) == before


# --------------------------------------------------------------------------- properties

_cell_text = st.text(
    alphabet=st.sampled_from(list("abcĐạtxã 0123456789,.%-()")), min_size=0, max_size=8
)


@st.composite
def documents(draw):
    """Blocks of a document: paragraphs and tables, with split tables and repeated headers."""
    blocks = []
    for number in range(1, draw(st.integers(1, 5)) + 1):
        for _ in range(draw(st.sampled_from([0, 1, 2, 3, 11, 14]))):
            blocks.append(Paragraph(draw(st.sampled_from(["", "  ", "(tiếp theo)", "Tiêu đề"]))))
        width = draw(st.integers(1, 5))
        header = tuple(draw(_cell_text) for _ in range(width))
        rows = [header] + [
            tuple(draw(_cell_text) for _ in range(width)) for _ in range(draw(st.integers(0, 6)))
        ]
        blocks.append(Table(number, tuple(rows)))
    return blocks


@pytest.mark.parametrize(
    "between, joined",
    [
        ([], True), (["(tiếp theo)"], True), (["Tiếp theo bảng trên"], True), (["(Tiếp)"], True),
        (["(còn tiếp)"], True), (["Tiếp tục duy trì tiêu chí 17"], False),
        (["BÁO CÁO NĂM 2024"], False), (["(tiếp theo)", "Xã Tân Bình"], False),
    ],
)  # fmt: skip
def test_what_counts_as_a_table_continued(between, joined):
    first = Table(1, (("TT", "Tên tiêu chí", "Kết quả"), ("1", "Quy hoạch", "Đạt")))
    second = Table(2, (("2", "Giao thông", "x"),))
    blocks = [first, *[Paragraph(t) for t in between], second]
    groups = group_blocks(blocks)
    assert len(groups) == (1 if joined else 2)


@given(documents())
@settings(max_examples=200, deadline=None)
def test_grouping_keeps_every_non_empty_row_exactly_once(blocks):
    groups = group_blocks(blocks)
    paragraphs = [b.text.strip() for b in blocks if isinstance(b, Paragraph) and b.text.strip()]
    tables = [b for b in blocks if isinstance(b, Table)]
    assert sum(len(g.rows) for g in groups) == len(paragraphs) + sum(len(t.rows) for t in tables)
    # tables in order, each in exactly one group; set-aside rows are rows of their group
    assert [t.number for g in groups for t in g.tables] == [t.number for t in tables]
    for g in groups:
        if not g.tables:  # the middle of a long text above a table
            assert g.text_before is not None and len(g.rows) > 0 and not g.set_aside
            continue
        # never more than TITLE_PARAGRAPHS paragraphs above the group's first table
        assert g.table_rows[0][1] <= TITLE_PARAGRAPHS
        assert all(0 <= i < len(g.rows) for i, _ in g.set_aside)
        assert len({i for i, _ in g.set_aside}) == len(g.set_aside)
        # a set-aside header row repeats a row near the top of the group's first table
        first = {tuple(" ".join(v.split()).casefold() for v in r) for r in g.tables[0].rows[:6]}
        for i, kind in g.set_aside:
            if kind == "header":
                assert tuple(" ".join(v.split()).casefold() for v in g.rows[i]) in first


@given(documents())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_parsing_a_document_accounts_for_every_row(blocks):
    sheets = document_sheets(blocks, "d.docx")
    parsed = parse_document(sheets, registry=corpus.damha_registry(),
                            catalog=corpus.tiny_catalog())  # fmt: skip
    non_empty = sum(1 for s in sheets for r in s.rows if any(str(v).strip() for v in r))
    assert sum(r.rows_read for _, r in parsed) == non_empty
    for _, result in parsed:
        assert result.reconciled


@given(
    st.lists(st.lists(_cell_text, min_size=3, max_size=3), min_size=1, max_size=5),
    st.integers(0, 2),
)
@settings(max_examples=25, deadline=None)
def test_docx_cells_round_trip(tmp_path_factory, rows, span_row):
    document = docx.Document()
    table = add_table(document, rows, width=3)
    span_row = min(span_row, len(rows) - 1)
    table.cell(span_row, 0).merge(table.cell(span_row, 1))
    path = tmp_path_factory.mktemp("rt") / "t.docx"
    document.save(path)
    (sheet,) = read_document(path, raw_dir=path.parent)
    expected = [[v if v.strip() else "" for v in r] for r in rows]
    merged = "\n".join(t for t in rows[span_row][:2] if t.strip())
    expected[span_row][0:2] = [merged, ""]
    assert [list(r) for r in sheet.rows] == expected


def test_read_document_refuses_a_spreadsheet_extension_with_one_line(tmp_path):
    (tmp_path / "x.docx").write_bytes(b"PK\x03\x04broken")
    with pytest.raises(UnreadableFileError) as info:
        read_document(tmp_path / "x.docx", raw_dir=tmp_path)
    assert info.value.reason == "corrupt" and "\n" not in str(info.value)
