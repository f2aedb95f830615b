"""Province-set authoring: the draft inferred from stated targets and the annex template."""

from __future__ import annotations

import io
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
import yaml

from ntm_analysis import config
from ntm_analysis import schema as s
from ntm_analysis.catalog import load_catalog, load_province_set
from ntm_analysis.errors import CatalogError, UsageError
from ntm_analysis.province import (
    TEMPLATE_HEAD,
    TEMPLATE_NOTE,
    TEMPLATE_YEAR,
    draft_province_set,
    template_frame,
    write_province_draft,
    write_province_template,
)

SET = "qd318_2022_commune"


def run_ntm(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ntm_analysis.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def stated(year, commune, code, target, file=None):
    return {
        "year": year,
        "commune": commune,
        "commune_code": None,
        "level": "indicator",
        "criterion": code.split(".")[0],
        "indicator": code,
        "value": None,
        "value_text": None,
        "unit": None,
        "target_text": target,
        "self_assessed": None,
        "layout": s.LAYOUT_COMMUNE_REPORT,
        "stated_total": None,
        s.SOURCE_FILE: file or f"{commune}-{year}.xlsx",
        s.SOURCE_SHEET: str(year),
        s.SOURCE_ROW: 9,
    }


def records(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(s.RECORD_COLUMNS)).astype({"year": "int64"})


@pytest.fixture
def reports() -> pd.DataFrame:
    return records(
        stated(2024, "Xã An", "15.1", "≥ 95%"),
        stated(2024, "Xã Bình", "15.1", "Tối thiểu 95%"),
        stated(2024, "Xã Cường", "15.1", "≥ 85%"),
        stated(2024, "Xã An", "11", "Dưới 2%"),
        stated(2024, "Xã An", "1.1", "Đạt"),
        stated(2024, "Xã An", "2.1", "theo kế hoạch"),  # not a target: left out
        stated(2023, "Xã An", "15.1", "≥ 90%"),
        stated(2024, "Xã An", "99.9", "≥ 5%"),  # not an indicator of the set
    )


def test_draft_takes_the_figure_most_communes_state_with_count_and_files(catalog, reports):
    draft = draft_province_set(reports, catalog)
    assert draft["base_set"] == SET
    assert "BẢN NHÁP" in draft["decision"] and "đối chiếu" in draft["decision"]
    by_key = {(t["indicator"], t["year"]): t for t in draft["thresholds"]}
    assert set(by_key) == {("15.1", 2024), ("15.1", 2023), ("11", 2024), ("1.1", 2024)}
    t = by_key[("15.1", 2024)]
    assert (t["op"], t["value"], t["text"]) == (">=", 95.0, "≥ 95%")
    assert "2/3 xã" in t["source"] and "≥ 85%: 1 xã" in t["source"]
    assert "Xã An-2024.xlsx" in t["source"] and "Xã Bình-2024.xlsx" in t["source"]
    assert "Xã Cường-2024.xlsx" not in t["source"]
    assert (by_key[("11", 2024)]["op"], by_key[("11", 2024)]["value"]) == ("<", 2.0)
    assert by_key[("1.1", 2024)]["op"] == "yes"


def test_a_written_draft_loads_as_a_province_set(catalog, reports, tmp_path):
    path = write_province_draft(draft_province_set(reports, catalog), tmp_path / "nhap.yaml")
    assert "BẢN NHÁP" in path.read_text(encoding="utf-8")
    loaded = load_province_set(catalog, path)
    ind = loaded.get(SET).indicator("15.1")
    assert ind.threshold_for(None, 2024).value == 95.0
    assert ind.threshold_for(None, 2023).value == 90.0
    assert ind.threshold_for(None, 2024).origin == "province"


def test_draft_without_any_stated_target_is_a_clear_error(catalog):
    with pytest.raises(UsageError, match="Chỉ tiêu"):
        draft_province_set(records(stated(2024, "Xã An", "15.1", None)), catalog)


def test_template_has_the_annex_header_one_column_per_region_and_the_sourced_figures(catalog):
    frame = template_frame(catalog.get(SET))
    regions = [r["code"] for r in catalog.get(SET).regions]
    assert list(frame.columns) == [*TEMPLATE_HEAD, *regions, TEMPLATE_YEAR, TEMPLATE_NOTE]
    row = frame.loc[frame["Nội dung tiêu chí"].fillna("").str.startswith("3.1.")].iloc[0]
    assert row["Chỉ tiêu chung"] == "≥ 80%"
    row = frame.loc[frame["Nội dung tiêu chí"].fillna("").str.startswith("15.4.")].iloc[0]
    assert (row["TDMNPB"], row["DBSH"], row["BTB"]) == ("≥ 50%", "≥ 70%", None)
    assert "118.69.201.250" in row[TEMPLATE_NOTE]
    income = frame.loc[frame["TT"] == "10"].iloc[0]  # a single-indicator criterion: one row
    assert income["Chỉ tiêu chung"] is None and pd.isna(income[TEMPLATE_YEAR])
    # its 2022-only figures on a row of their own, the year in "Năm"
    year_rows = frame.loc[frame[TEMPLATE_YEAR].notna()]
    assert list(year_rows["Nội dung tiêu chí"].str.split(".").str[0]) == ["10"]
    y2022 = year_rows.iloc[0]
    assert y2022[TEMPLATE_YEAR] == 2022
    assert y2022["Chỉ tiêu chung"].startswith("≥ 48") and y2022["DBSH"].startswith("≥ 53")
    assert y2022["DHNTB"] is None  # no source shows it: left empty
    assert "DBSH:" in y2022[TEMPLATE_NOTE]
    every_year = frame.loc[frame[TEMPLATE_YEAR].isna()]
    n_indicators = every_year["Nội dung tiêu chí"].notna().sum()
    assert n_indicators == len(catalog.get(SET).indicators)


def test_template_columns_follow_the_set_data(catalog):
    frame = template_frame(catalog.get("qd51_2025_commune"))
    groups = ["Nhóm 1", "Nhóm 2", "Nhóm 3"]
    assert list(frame.columns) == [*TEMPLATE_HEAD, *groups, TEMPLATE_YEAR, TEMPLATE_NOTE]


def test_template_puts_a_group_figure_under_its_group_column(catalog):
    from ntm_analysis.catalog import apply_province_thresholds

    entry = {"indicator": "8.2", "indicator_text": "Tỷ lệ hộ phân loại rác", "op": ">=",
             "value": 60, "text": "≥ 60%", "group": "2", "source": "QĐ tỉnh"}  # fmt: skip
    cset = apply_province_thresholds(
        catalog, [entry], base_set="qd51_2025_commune", name="QĐ tỉnh"
    ).get("qd51_2025_commune")
    row = template_frame(cset).set_index("Nội dung tiêu chí").loc["8.2. Tỷ lệ hộ phân loại rác"]
    assert (row["Nhóm 2"], row["Nhóm 1"], row["Chỉ tiêu chung"]) == ("≥ 60%", None, None)


def test_template_workbook_is_frozen_readable_and_prints_on_a4_landscape(catalog, tmp_path):
    path = write_province_template(catalog, tmp_path / "mau.xlsx", year=2024)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[1]][:4] == list(TEMPLATE_HEAD)
    assert sheet.freeze_panes == "D2"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.column_dimensions["C"].width >= 50
    assert sheet[1][0].font.bold


def _thresholds(catalog, set_id=SET):
    cset = catalog.get(set_id)
    regions = [None, *(r["code"] for r in cset.regions)]
    out = {}
    for ind in cset.indicators:
        for region in regions:
            for year in range(cset.first_year, cset.last_year + 1):
                t = ind.threshold_for(region, year)
                out[(ind.code, region, year)] = None if t is None else (t.op, t.value)
    return out


def test_loading_the_untouched_template_changes_nothing(catalog, tmp_path):
    path = write_province_template(catalog, tmp_path / "mau.xlsx")
    assert _thresholds(load_province_set(catalog, path)) == _thresholds(catalog)


def test_a_figure_typed_into_the_template_reaches_the_catalog_csv(catalog, tmp_path):
    path = write_province_template(catalog, tmp_path / "mau.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("TT")].value == "11":
            row[header.index("Chỉ tiêu chung")].value = "Dưới 1,5%"
        if str(row[header.index("Nội dung tiêu chí")].value or "").startswith("17.1."):
            row[header.index("DBSH")].value = "≥ 98%"
    book.save(path)
    proc = run_ntm("catalog", "--province", str(path), "--format", "csv", "--set", SET)
    assert proc.returncode == 0, proc.stderr
    frame = pd.read_csv(io.StringIO(proc.stdout), dtype=str)
    poverty = frame.loc[frame["indicator"] == "11"].iloc[0]
    assert (poverty["op"], float(poverty["threshold"]), poverty["origin"]) == ("<", 1.5, "province")
    water = frame.loc[(frame["indicator"] == "17.1") & (frame["region"] == "DBSH")].iloc[0]
    assert float(water["threshold"]) == 98.0
    assert water["threshold_source"].startswith("mau.xlsx")


def test_the_template_s_year_rows_load_back_with_their_year(catalog, tmp_path):
    path = write_province_template(catalog, tmp_path / "mau.xlsx")
    income = load_province_set(catalog, path).get(SET).indicator("10")
    province = [t for t in income.thresholds if t.origin == "province"]
    assert {(t.region, t.year, t.value) for t in province} >= {
        (None, 2022, 48.0),
        ("DBSH", 2022, 53.0),
    }
    assert {t.year for t in province} == {2022}


def test_a_figure_typed_with_a_year_holds_for_that_year_only(catalog, tmp_path):
    path = write_province_template(catalog, tmp_path / "mau.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.append(
        [None, None, "15.1. Tỷ lệ người dân tham gia bảo hiểm y tế", "≥ 97%"]
        + [None] * (header.index(TEMPLATE_YEAR) - 4)
        + [2024, "QĐ tỉnh, năm 2024"]
    )
    book.save(path)
    ind = load_province_set(catalog, path).get(SET).indicator("15.1")
    assert ind.threshold_for(None, 2024).value == 97.0
    assert ind.threshold_for(None, 2024).origin == "province"
    assert ind.threshold_for(None, 2023).value != 97.0  # the other years keep their figure
    proc = run_ntm("catalog", "--province", str(path), "--format", "csv", "--set", SET)
    assert proc.returncode == 0, proc.stderr
    frame = pd.read_csv(io.StringIO(proc.stdout), dtype=str)
    typed = frame.loc[(frame["indicator"] == "15.1") & (frame["year"] == "2024")]
    assert (typed["threshold"].astype(float).tolist(), set(typed["origin"])) == (
        [97.0],
        {"province"},
    )
    assert "2024" not in set(frame.loc[frame["indicator"] != "15.1", "year"].dropna())


def test_a_year_cell_that_is_not_a_year_is_one_clear_error(catalog, tmp_path):
    path = write_province_template(catalog, tmp_path / "mau.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=5, column=header.index(TEMPLATE_YEAR) + 1, value="năm sau")
    book.save(path)
    with pytest.raises(CatalogError, match="dòng 5: 'năm sau' ở cột 'Năm' không phải là năm"):
        load_province_set(catalog, path)
    proc = run_ntm("catalog", "--province", str(path))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "không phải là năm" in proc.stderr


def test_cli_template_and_draft_on_the_cleaned_sample(processed_sample_dir, tmp_path):
    proc = run_ntm("province", "template", "--set", SET, "--out", str(tmp_path / "t.xlsx"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "t.xlsx").is_file()
    out = tmp_path / "draft.yaml"
    proc = run_ntm("province", "draft", "--processed", str(processed_sample_dir), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "BẢN NHÁP" in proc.stdout
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    by_key = {(t["indicator"], t["year"]): t for t in data["thresholds"]}
    water = by_key[("2.1", 2024)]
    assert (water["op"], water["value"]) == (">=", 90.0)
    assert "8/8 xã" in water["source"]
    proc = run_ntm("catalog", "--province", str(out), "--format", "csv", "--year", "2024")
    assert proc.returncode == 0, proc.stderr


def test_cli_draft_without_processed_data_is_one_line_and_exit_2(tmp_path):
    proc = run_ntm("province", "draft", "--processed", str(tmp_path), "--out", "x.yaml")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1


def test_cli_draft_of_the_qd51_set_takes_indicators_and_wording_from_the_reports(
    processed_sample_dir, tmp_path
):
    """The sample's 2026 reports state made-up targets under QĐ 51 (known at criterion level):
    asked for by id, the draft lists the indicators they name, with their wording."""
    out = tmp_path / "qd51.yaml"
    proc = run_ntm(
        "province", "draft", "--processed", str(processed_sample_dir), "--out", str(out),
        "--set", "qd51_2025_commune",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "qd318_2022_commune" in proc.stdout  # the other set with stated targets is named
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["base_set"] == "qd51_2025_commune"
    by_key = {(t["indicator"], t["year"]): t for t in data["thresholds"]}
    assert len(by_key) == 10 * 2 and {y for _, y in by_key} == {2026}
    waste = by_key[("8.1", 2026)]
    assert (waste["op"], waste["value"]) == (">=", 70.0)
    assert waste["indicator_text"].startswith("Chỉ tiêu mẫu 8.1")
    assert "2/2 xã" in waste["source"]
    proc = run_ntm(
        "catalog", "--province", str(out), "--format", "csv", "--set", "qd51_2025_commune"
    )
    assert proc.returncode == 0, proc.stderr
    frame = pd.read_csv(io.StringIO(proc.stdout), dtype=str)
    row = frame.loc[frame["indicator"] == "8.1"].iloc[0]
    assert (row["op"], float(row["threshold"]), row["origin"]) == (">=", 70.0, "province")


def test_draft_defaults_to_the_set_whose_indicators_the_catalog_lists(processed_sample_dir):
    from ntm_analysis.pipeline import read_records

    records = read_records(processed_sample_dir / config.RECORDS_FILE)
    draft = draft_province_set(records, load_catalog())
    assert draft["base_set"] == "qd318_2022_commune"
    assert {t["year"] for t in draft["thresholds"]} == {2021, 2022, 2023, 2024}
    with pytest.raises(UsageError, match="qd318_2022_commune"):
        draft_province_set(records, load_catalog(), set_id="qd1980_2016_commune")
