"""The commune report's own indicator wording: read from every layout, kept in the
processed data, and shown on the pages wherever the catalog's wording is unconfirmed."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import docx
import pandas as pd
import pytest
import yaml
from openpyxl import Workbook

from ntm_analysis.catalog import load_catalog
from ntm_analysis.ingest import ingest_folder
from ntm_analysis.layouts import parse_sheet
from ntm_analysis.pipeline import clean_folder, load_processed
from ntm_analysis.readers import RawSheet
from ntm_analysis.registry import load_registry
from ntm_analysis.review import Review, load_review
from ntm_analysis.roadmap import workbook_tasks
from ntm_analysis.sections import commune, department, district
from ntm_analysis.wording import report_wordings, varied_wordings, wording_key

HEADER = ["TT", "Tên tiêu chí", "Nội dung tiêu chí", "Chỉ tiêu", "Kết quả thực hiện", "Tự đánh giá"]
TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM 2024"


def sheet(rows, *, file="bao_cao.xlsx", name="2024"):
    width = max(len(r) for r in rows)
    grid = tuple(tuple("" if v is None else v for v in r) + ("",) * (width - len(r)) for r in rows)
    return RawSheet(file, name, False, grid, 1, 0)


def indicator_rows(result) -> pd.DataFrame:
    r = result.records
    return r.loc[r["level"] == "indicator"].set_index("indicator")


# --------------------------------------------------------------------------- reading


def test_every_indicator_row_keeps_the_wording_the_report_writes():
    rows = [
        ["UBND XÃ TÂN LẬP"],
        [TITLE],
        HEADER,
        [5, "Trường học", "Tỷ lệ trường đạt chuẩn cơ sở vật chất", "100%", "80%", "Chưa đạt"],
        [10, "Thu nhập", None, "≥ 53 triệu", "55 triệu đồng/người/năm", "Đạt"],
        [17, "Môi trường", None, None, None, "Chưa đạt"],
        ["17.1", None, "Tỷ lệ hộ dùng nước sạch hợp vệ sinh", "≥ 95%", "90%", "Chưa đạt"],
        [None, None, "17.2. Tỷ lệ cơ sở sản xuất đảm bảo môi trường", "100%", "100%", "Đạt"],
        ["17.3", None, None, "Đạt", "Đạt", "Đạt"],
    ]
    ind = indicator_rows(parse_sheet(sheet(rows), registry=load_registry(), catalog=load_catalog()))
    assert ind.loc["17.1", "indicator_text"] == "Tỷ lệ hộ dùng nước sạch hợp vệ sinh"
    assert ind.loc["17.2", "indicator_text"] == "Tỷ lệ cơ sở sản xuất đảm bảo môi trường"
    # a single-indicator criterion: the wording of its content column, not its name
    assert ind.loc["5", "indicator_text"] == "Tỷ lệ trường đạt chuẩn cơ sở vật chất"
    assert pd.isna(ind.loc["10", "indicator_text"])  # only the criterion's name is written
    assert pd.isna(ind.loc["17.3", "indicator_text"])  # no wording at all


def test_a_tidy_table_keeps_its_indicator_text_column():
    rows = [
        ["year", "commune", "indicator", "indicator_text", "value", "self_assessed"],
        [2024, "Xã Tân Lập", "17.1", "Tỷ lệ hộ dùng nước sạch", "90%", "Chưa đạt"],
        [2024, "Xã Tân Lập", "17.2 Tỷ lệ cơ sở đảm bảo môi trường", None, "100%", "Đạt"],
    ]
    ind = indicator_rows(parse_sheet(sheet(rows), registry=load_registry(), catalog=load_catalog()))
    assert ind.loc["17.1", "indicator_text"] == "Tỷ lệ hộ dùng nước sạch"
    assert ind.loc["17.2", "indicator_text"] == "Tỷ lệ cơ sở đảm bảo môi trường"


def test_a_word_report_keeps_its_wording_too(tmp_path):
    document = docx.Document()
    document.add_paragraph("UBND XÃ TÂN LẬP")
    document.add_paragraph(TITLE)
    body = [HEADER, ["17", "Môi trường", None, None, None, "Chưa đạt"]]
    body.append(["17.1", None, "Tỷ lệ hộ dùng nước sạch (Word)", "≥ 95%", "90%", "Chưa đạt"])
    table = document.add_table(rows=len(body), cols=len(HEADER))
    for i, row in enumerate(body):
        for j, value in enumerate(row):
            if value is not None:
                table.cell(i, j).text = str(value)
    (tmp_path / "raw").mkdir()
    document.save(tmp_path / "raw" / "tan_lap.docx")
    result = ingest_folder(tmp_path / "raw", registry=load_registry(), catalog=load_catalog())
    ind = result.records.loc[result.records["indicator"] == "17.1"]
    assert list(ind["indicator_text"]) == ["Tỷ lệ hộ dùng nước sạch (Word)"]


# --------------------------------------------------------------------------- wording rules


def test_the_most_common_wording_ranks_first_and_every_other_is_kept():
    frame = pd.DataFrame(
        {
            "year": [2024] * 5 + [2023],
            "commune": ["Xã A", "Xã B", "Xã C", "Xã D", "Xã E", "Xã F"],
            "indicator": ["17.1"] * 4 + ["5", "17.1"],
            "indicator_text": [
                "Tỷ lệ hộ dùng nước sạch",
                "tỷ lệ hộ dùng  nước sạch.",  # the same wording: case, spacing, full stop
                "Tỷ lệ hộ được cấp nước hợp vệ sinh",
                None,
                "Trường học đạt chuẩn",
                "Another year's wording",
            ],
        }
    )
    w = report_wordings(frame, year=2024)
    first = w.loc[w["indicator"] == "17.1"].set_index("rank")
    assert first.loc[1, "indicator_text"] == "Tỷ lệ hộ dùng nước sạch"
    assert (first.loc[1, "communes"], first.loc[1, "commune_names"]) == (2, "Xã A, Xã B")
    assert first.loc[2, "indicator_text"] == "Tỷ lệ hộ được cấp nước hợp vệ sinh"
    assert (first.loc[2, "communes"], first.loc[2, "commune_names"]) == (1, "Xã C")
    assert set(first["variants"]) == {2}
    assert list(varied_wordings(w)["indicator"].unique()) == ["17.1"]
    assert "Another year's wording" not in set(w["indicator_text"])


def test_a_tie_goes_to_the_wording_that_sorts_first_whatever_the_file_order():
    rows = {"year": [2024, 2024], "commune": ["Xã A", "Xã B"], "indicator": ["8.1", "8.1"]}
    one = pd.DataFrame(rows | {"indicator_text": ["Tỷ lệ thu gom rác", "Thu gom chất thải"]})
    two = pd.DataFrame(rows | {"indicator_text": ["Thu gom chất thải", "Tỷ lệ thu gom rác"]})
    for frame in (one, two):
        w = report_wordings(frame, year=2024)
        assert w.loc[w["rank"] == 1, "indicator_text"].item() == "Thu gom chất thải"


def test_wording_key_tells_different_indicators_apart():
    assert wording_key("Tỷ lệ hộ nghèo") != wording_key("Tỷ lệ hộ cận nghèo")
    assert wording_key(" Tỷ lệ  HỘ nghèo; ") == wording_key("tỷ lệ hộ nghèo")


def test_the_shipped_2016_and_2021_wordings_are_marked_unconfirmed():
    catalog = load_catalog()
    for set_id in ("qd1980_2016_commune", "qd318_2022_commune"):
        assert not any(i.text_confirmed for i in catalog.get(set_id).indicators)
    frame = catalog.to_frame(set_id="qd318_2022_commune")
    assert set(frame["indicator_text_confirmed"]) == {False}


def test_a_province_set_s_own_indicator_wording_counts_as_confirmed(tmp_path):
    province = tmp_path / "p.yaml"
    entry = {"indicator": "8.2", "indicator_text": "Tỷ lệ hộ phân loại rác", "op": ">=",
             "value": 60, "text": "≥ 60%", "source": "QĐ tỉnh"}  # fmt: skip
    province.write_text(
        yaml.safe_dump({"decision": "QĐ tỉnh", "base_set": "qd51_2025_commune",
                        "thresholds": [entry]}, allow_unicode=True),
        encoding="utf-8",
    )  # fmt: skip
    ind = load_catalog(province).get("qd51_2025_commune").indicator("8.2")
    assert ind.text_confirmed and ind.text_vi == "Tỷ lệ hộ phân loại rác"


# --------------------------------------------------------------------------- on the pages

#: (commune, wording of 17.1): two communes share a wording, one writes its own.
WORDINGS = {
    "ĐẦM HÀ": "Tỷ lệ hộ sử dụng nước hợp vệ sinh",
    "TÂN BÌNH": "Tỷ lệ hộ sử dụng nước hợp vệ sinh",
    "TÂN LẬP": "Tỷ lệ hộ dùng nước sạch <QCVN> & nước hợp vệ sinh",
}


def write_report(path: Path, name: str, wording: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "2024"
    for row in (
        [f"UBND XÃ {name}"],
        [TITLE],
        HEADER,
        [17, "Môi trường và an toàn thực phẩm", None, None, None, "Đạt"],
        # appraised "Đạt" below its own stated target: unmet, and a disagreement
        ["17.1", None, wording, "≥ 95%", "88,2%", "Đạt"],
    ):
        ws.append(row)
    wb.save(path)


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    root = tmp_path_factory.mktemp("wording")
    raw = root / "raw"
    raw.mkdir()
    for name, wording in WORDINGS.items():
        write_report(raw / f"{name.lower().replace(' ', '_')}.xlsx", name, wording)
    summary = clean_folder(raw, root / "processed")
    return load_review(summary.out_dir, year=2024)


def test_the_processed_indicators_carry_each_report_s_wording(review):
    data = load_processed(review.data.path)
    ind = data.indicators.loc[data.indicators["indicator"] == "17.1"].set_index("commune")
    assert ind.loc["Xã Tân Lập", "indicator_text"] == WORDINGS["TÂN LẬP"]
    assert ind.loc["Xã Đầm Hà", "indicator_text"] == WORDINGS["ĐẦM HÀ"]
    rec = pd.read_parquet(Path(review.data.path) / "records.parquet")
    assert set(rec.loc[rec["indicator"] == "17.1", "indicator_text"]) == set(WORDINGS.values())


def test_the_district_review_shows_the_most_common_wording_and_notes_the_other(review):
    html = district.reassessment(review)
    labels = set(re.findall(r"<td>(17\.1\. [^<]*)</td>", html))
    assert labels == {"17.1. Tỷ lệ hộ sử dụng nước hợp vệ sinh"}
    catalog_text = load_catalog().get("qd318_2022_commune").indicator("17.1").text_vi
    assert catalog_text not in html
    notes = " ".join(re.findall(r'<p class="ntm-note">(.*?)</p>', html))
    assert "17.1" in notes and "ghi theo báo cáo của xã" in notes
    assert "2/3 xã" in notes
    # the other wording, with the commune that uses it, escaped
    assert "«Tỷ lệ hộ dùng nước sạch &lt;QCVN&gt; &amp; nước hợp vệ sinh» (Xã Tân Lập)" in notes
    assert "<QCVN>" not in html


def test_the_unmet_table_of_the_district_review_uses_the_same_wording(review):
    html = district.lagging(review)
    assert set(re.findall(r"<td>(17\.1\. [^<]*)</td>", html)) == {
        "17.1. Tỷ lệ hộ sử dụng nước hợp vệ sinh"
    }
    assert "«Tỷ lệ hộ dùng nước sạch &lt;QCVN&gt;" in html


def test_a_commune_profile_quotes_its_own_report(review):
    html = commune.commune_disagreements(review, "Xã Tân Lập") + commune.unmet(review, "Xã Tân Lập")
    labels = set(re.findall(r"<td>(17\.1\. [^<]*)</td>", html))
    assert labels == {"17.1. Tỷ lệ hộ dùng nước sạch &lt;QCVN&gt; &amp; nước hợp vệ sinh"}
    notes = re.findall(r'<p class="ntm-note">(.*?)</p>', html)
    assert notes and all("Cách ghi khác" not in n for n in notes)  # its own: no variants


def test_the_english_pages_say_the_same(tmp_path_factory, review):
    en = load_review(review.data.path, year=2024, lang="en")
    html = district.reassessment(en)
    assert "17.1. Tỷ lệ hộ sử dụng nước hợp vệ sinh" in html
    assert "the commune reports&#x27; own" in html and "2 of 3 communes" in html


def test_the_department_page_and_the_task_workbook_use_the_report_wording(review):
    html = department.tasks(review, "Phòng Tài nguyên – Môi trường")
    assert set(re.findall(r"<td>(17\.1\. [^<]*)</td>", html)) == {
        "17.1. Tỷ lệ hộ sử dụng nước hợp vệ sinh"
    }
    tasks = workbook_tasks(
        review.indicators, review.criteria, review.mapping, 2024, catalog=review.catalog
    )
    own = tasks.loc[tasks["indicator"] == "17.1"].set_index("commune")["indicator_text_full"]
    assert own["Xã Tân Lập"] == "17.1. " + WORDINGS["TÂN LẬP"]  # each commune's own row
    assert own["Xã Đầm Hà"] == "17.1. " + WORDINGS["ĐẦM HÀ"]


def test_a_confirmed_catalog_wording_is_kept_without_a_note(review):
    cset = review.criteria_set
    criteria = tuple(
        dataclasses.replace(
            c, indicators=tuple(dataclasses.replace(i, text_confirmed=True) for i in c.indicators)
        )
        for c in cset.criteria
    )
    confirmed = Review(data=review.data, year=2024)
    confirmed.__dict__["criteria_set"] = dataclasses.replace(cset, criteria=criteria)
    text = cset.indicator("17.1").text_vi
    assert confirmed.indicator_label("17.1") == f"17.1. {text}"
    assert confirmed.indicator_label("17.1", commune="Xã Tân Lập") == f"17.1. {text}"
    assert not confirmed.wording_from_report("17.1")
    html = district.reassessment(confirmed)
    assert f"<td>17.1. {text}</td>" in html and 'class="ntm-note"' not in html
