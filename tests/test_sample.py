"""The bundled synthetic sample: deterministic, labelled synthetic, a story worth charting,
every planted flaw really in the files, and cleaning it gives back the truth."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ntm_analysis import sample
from ntm_analysis import schema as s
from ntm_analysis.catalog import load_catalog
from ntm_analysis.legacy_fonts import decode_legacy
from ntm_analysis.parsing import fold_text
from ntm_analysis.registry import load_registry


@pytest.fixture(scope="module")
def rendered():
    return sample.render_sample(sample.DEFAULT_SEED)


@pytest.fixture(scope="module")
def files(rendered) -> dict[str, bytes]:
    return rendered[0]


@pytest.fixture(scope="module")
def truth(rendered) -> sample.SampleTruth:
    return rendered[1]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("raw") / "sample"
    sample.write_sample(out)
    return out


def _grid(name: str, data: bytes) -> dict[str, pd.DataFrame]:
    """Every sheet of a written workbook as a raw grid (calamine, no header)."""
    return pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, engine="calamine")


def _mess(truth: sample.SampleTruth, key: str) -> pd.Series:
    rows = truth.mess.loc[truth.mess["key"] == key]
    assert len(rows) == 1, f"{key} landed {len(rows)} times"
    return rows.iloc[0]


def _cell(files: dict[str, bytes], where: pd.Series):
    wb = openpyxl.load_workbook(io.BytesIO(files[where["file"]]))
    return wb[where["sheet"]][where["cell"]]


def _criteria_met(truth: sample.SampleTruth) -> pd.DataFrame:
    return truth.communes.pivot(index="commune", columns="year", values="criteria_met")


# ------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_bytes(files):
    again, _ = sample.render_sample(sample.DEFAULT_SEED)
    assert list(again) == list(files)
    assert [n for n in files if again[n] != files[n]] == []


def test_written_files_are_byte_identical_between_runs(tmp_path, written):
    other = tmp_path / "again"
    sample.write_sample(other)
    names = sorted(p.name for p in written.iterdir())
    assert names == sorted(p.name for p in other.iterdir())
    for name in names:
        assert (written / name).read_bytes() == (other / name).read_bytes(), name


def test_a_fresh_process_writes_the_same_bytes(tmp_path, files):
    code = (
        "import sys; from pathlib import Path; from ntm_analysis.sample import write_sample; "
        "write_sample(Path(sys.argv[1]))"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, timeout=120)
    for name, data in files.items():
        digest = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        assert digest == hashlib.sha256(data).hexdigest(), name


def test_another_seed_changes_the_figures_not_the_story(truth):
    other = sample.generate_sample(7)
    assert not other.indicators["value"].equals(truth.indicators["value"])
    pd.testing.assert_frame_equal(other.criteria, truth.criteria)


def test_write_sample_replaces_only_its_own_files(tmp_path):
    out = tmp_path / "sample"
    out.mkdir()
    (out / "ghi-chu-cua-toi.xlsx").write_bytes(b"mine")
    (out / f"{sample.FILE_PREFIX}_xa-cu_2019.xlsx").write_bytes(b"stale")
    paths = sample.write_sample(out)
    assert all(p.parent == out and p.is_file() for p in paths)
    assert (out / "ghi-chu-cua-toi.xlsx").read_bytes() == b"mine"
    assert not (out / f"{sample.FILE_PREFIX}_xa-cu_2019.xlsx").exists()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [p.name for p in paths] + ["ghi-chu-cua-toi.xlsx"]
    )


# ------------------------------------------------------------------------- shapes and labels


def test_file_names_say_synthetic(files):
    data_files = [n for n in files if n != sample.README_NAME]
    # Quảng An's four years share one workbook; plus the two new communes' 2026 reports
    assert len(data_files) == 8 * 4 - 3 + 1 + 2
    assert all(n.startswith("MAU-synthetic_") for n in data_files)
    readme = files[sample.README_NAME].decode("utf-8")
    assert "SYNTHETIC" in readme and "không phải số liệu thật".upper() in readme.upper()


def test_every_sheet_opens_with_the_synthetic_label(files):
    for name, data in files.items():
        if name == sample.README_NAME:
            continue
        for sheet, grid in _grid(name, data).items():
            if sheet == "Sheet2":  # the planted hidden empty sheet
                continue
            first = next(str(v) for v in grid.iloc[0] if not pd.isna(v))
            assert "SYNTHETIC" in first.upper(), (name, sheet)


def test_every_format_is_there(files):
    suffixes = {Path(n).suffix for n in files}
    assert suffixes == {".xlsx", ".xls", ".ods", ".txt"}
    multi = _grid(
        f"{sample.FILE_PREFIX}_xa-quang-an_bao-cao-cac-nam.xlsx",
        files[f"{sample.FILE_PREFIX}_xa-quang-an_bao-cao-cac-nam.xlsx"],
    )
    assert [n for n in multi if n != "Sheet2"] == [f"Năm {y}" for y in sample.SAMPLE_YEARS]


def test_commune_report_titles_name_commune_and_year(files):
    grid = _grid("x", files[f"{sample.FILE_PREFIX}_xa-quang-tan_2023.xlsx"])["Biểu 2023"]
    column_a = [str(v) for v in grid[0] if not pd.isna(v)]
    assert column_a[1] == "UBND XÃ QUẢNG TÂN"
    assert column_a[2].endswith("XÃ NÔNG THÔN MỚI NĂM 2023")
    assert column_a[3] == "(Xã Quảng Tân, huyện Đầm Hà, tỉnh Quảng Ninh)"
    header = [str(v) for v in grid.iloc[5] if not pd.isna(v)]
    assert header == [
        "TT",
        "Tên tiêu chí",
        "Nội dung tiêu chí",
        "Chỉ tiêu",
        "Kết quả thực hiện",
        "Tự đánh giá",
        "Ghi chú",
    ]
    text = " ".join(str(v) for v in grid.to_numpy().ravel() if not pd.isna(v))
    for word in ("NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"):
        assert word in text


def test_texts_come_from_the_catalog(files):
    cset = load_catalog().set_for_year(2023)
    grid = _grid("x", files[f"{sample.FILE_PREFIX}_xa-quang-tan_2023.xlsx"])["Biểu 2023"]
    cells = {str(v) for v in grid.to_numpy().ravel() if not pd.isna(v)}
    assert {c.name_vi for c in cset.criteria} <= cells
    assert {i.text_vi for i in cset.indicators} <= cells


def test_matrix_marks_follow_the_communes_own_appraisals(files, truth):
    grids = _grid(sample.MATRIX_FILE, files[sample.MATRIX_FILE])
    assert list(grids) == [str(y) for y in sample.SAMPLE_YEARS]
    grid = grids["2024"]
    header = grid.iloc[5].tolist()
    numbers = [str(int(v)) for v in header[2:-2]]
    assert numbers == [str(n) for n in range(1, 20)]
    tan_lap = grid.loc[grid[1] == "Tân Lập"].iloc[0].tolist()
    own = truth.criteria.query("year == 2024 and commune == 'Xã Tân Lập'")
    expected = ["Đ" if a == s.MET else None for a in own["self_assessed"]]
    assert [None if pd.isna(v) else v for v in tan_lap[2:21]] == expected
    assert tan_lap[21] == 18
    assert "Tổng" in grid[1].tolist()


# ------------------------------------------------------------------------- the storyline


def test_criteria_are_gained_over_the_years(truth):
    met = _criteria_met(truth)
    assert met[2021].between(15, 17).all()
    assert (met[2024] > met[2021]).sum() == 8
    assert (met[2023] == 19).sum() >= 5
    assert (met[2022] >= met[2021]).all()


def test_one_commune_loses_a_criterion_in_2024_and_another_only_on_re_assessment(truth):
    met = _criteria_met(truth)
    drop = met[2023] - met[2024]
    assert drop[drop > 0].to_dict() == {"Xã Tân Lập": 1, "Xã Quảng Tân": 1}
    # Quảng Tân's own word still says every criterion is met: only its value tells
    said = truth.criteria.query("commune == 'Xã Quảng Tân' and year == 2024")["self_assessed"]
    assert (said == s.MET).all()
    crit = truth.criteria.query("commune == 'Xã Tân Lập'").pivot(
        index="criterion", columns="year", values="met"
    )
    assert crit.index[crit[2023] & ~crit[2024]].tolist() == ["17"]


def test_environment_health_and_culture_lag_the_most(truth):
    missed = truth.criteria.loc[~truth.criteria["met"].astype(bool)].groupby("criterion").size()
    assert set(missed.sort_values(ascending=False).index[:3]) == {"6", "15", "17"}
    assert missed.drop(["6", "15", "17"]).max() <= 2


def test_health_insurance_coverage_lags_then_climbs(truth):
    cset = load_catalog().set_for_year(2021)
    lagging = truth.indicators.loc[
        (truth.indicators["criterion"] == "15") & truth.indicators["lagging"]
    ]
    code = lagging["indicator"].iloc[0]
    assert "bảo hiểm y tế" in cset.indicator(code).text_vi
    assert set(lagging["indicator"]) == {code}
    for commune, rows in truth.indicators.loc[truth.indicators["indicator"] == code].groupby(
        "commune"
    ):
        values = rows.sort_values("year")["value"].to_numpy(dtype=float)
        assert (values[1:] >= values[:-1]).all(), commune  # coverage never falls


def test_values_agree_with_thresholds_except_the_planted_disagreement(truth):
    ind = truth.indicators
    judged = ind.loc[ind["threshold_op"].notna() & ind["value"].notna() & ind["met"].notna()]
    disagree = judged.loc[judged["met"].astype(bool) != (judged["self_assessed"] == s.MET)]
    assert sorted(disagree["mess"]) == [
        "appraisal_disagrees_with_stated_target",
        "appraisal_disagrees_with_threshold",
    ]
    assert (judged["threshold_op"].isin([">=", "<=", "yes"])).all()


def test_every_indicator_row_states_a_target_and_illustrative_ones_stay_out_of_the_catalog(truth):
    rows = truth.indicators
    assert (rows["target_text"].fillna("") != "").all()
    texts = set(rows["target_text"])
    assert {"≥ 90%", "Từ 90% trở lên", "Tối thiểu 90%", "Đạt"} <= texts
    catalog = load_catalog()
    for cset in catalog.sets:
        for ind in cset.indicators:
            assert all(t.source != sample.ILLUSTRATIVE for t in ind.thresholds)
    assert catalog.get("qd318_2022_commune").indicator("2.1").thresholds == ()


def test_percentages_move_plausibly_and_stay_in_range(truth):
    pct = truth.indicators.query("kind == 'percent'").dropna(subset=["value"])
    assert pct["value"].between(0, 100).all()
    for _, rows in pct.groupby(["commune", "indicator"]):
        steps = rows.sort_values("year")["value"].diff().dropna().abs()
        assert (steps <= 12).all()


def test_self_appraisals_use_the_three_words(truth):
    assert set(truth.criteria["self_assessed"]) == set(s.APPRAISALS)
    assert (truth.criteria["self_assessed"] == s.BASICALLY_MET).sum() == 2


# ------------------------------------------------------------------------- planted mess


def test_every_planted_mess_item_landed_once(truth):
    assert sorted(truth.mess["key"]) == sorted(m.key for m in sample.PLANTED_MESS)


def test_decimal_comma_and_number_as_text_are_text_cells(files, truth):
    comma = _cell(files, _mess(truth, "decimal_comma"))
    assert isinstance(comma.value, str) and "," in comma.value and comma.value.endswith("%")
    as_text = _cell(files, _mess(truth, "number_as_text"))
    assert isinstance(as_text.value, str) and float(as_text.value) > 0


def test_percent_fraction_has_a_percent_format(files, truth):
    where = _mess(truth, "percent_fraction")
    cell = _cell(files, where)
    assert 0 < cell.value <= 1 and "%" in cell.number_format
    value = truth.indicators.query(
        "commune == @where.commune and year == @where.year and indicator == @where.indicator"
    )["value"]
    assert cell.value == pytest.approx(value.iloc[0] / 100)


def test_excel_error_cell(files, truth):
    cell = _cell(files, _mess(truth, "excel_error"))
    assert cell.value == "#DIV/0!" and cell.data_type == "e"


def test_tcvn3_workbook_is_legacy_encoded(files, truth):
    where = _mess(truth, "legacy_tcvn3")
    title = _cell(files, where).value
    assert fold_text(title) != fold_text(decode_legacy(title, "tcvn3"))
    assert "quang lam" in fold_text(decode_legacy(title, "tcvn3"))
    grid = _grid(where["file"], files[where["file"]])[where["sheet"]]
    cells = [str(v) for v in grid.to_numpy().ravel() if isinstance(v, str)]
    assert "§¹t" in cells  # "Đạt" typed in .VnTime


def test_whitespace_and_plain_name_titles(files, truth):
    spaced = _cell(files, _mess(truth, "stray_spaces")).value
    assert "  " in spaced and spaced != spaced.strip()
    plain = _cell(files, _mess(truth, "name_without_diacritics")).value
    assert plain == "UBND XA QUANG LAM" and plain.isascii()


def test_the_disagreeing_appraisal(files, truth):
    where = _mess(truth, "appraisal_disagrees_with_threshold")
    row = truth.indicators.query(
        "commune == @where.commune and year == @where.year and indicator == @where.indicator"
    ).iloc[0]
    assert row["self_assessed"] == s.MET and not row["met"]
    wb = openpyxl.load_workbook(io.BytesIO(files[where["file"]]))
    ws = wb[where["sheet"]]
    line = [c.value for c in ws[ws[where["cell"]].row]]
    assert "Đạt" in line and ws[where["cell"]].value == pytest.approx(row["value"])


def test_the_omitted_indicator_is_missing_from_its_report(files, truth):
    where = _mess(truth, "omitted_indicator")
    grid = _grid(where["file"], files[where["file"]])[where["sheet"]]
    texts = [str(v) for v in grid.to_numpy().ravel() if not pd.isna(v)]
    assert not any(t == where["indicator"] or t.startswith(f"{where['indicator']}.") for t in texts)
    assert not truth.indicators.query(
        "commune == @where.commune and year == @where.year and indicator == @where.indicator"
    )["in_report"].iloc[0]


def test_hidden_empty_sheet(files, truth):
    where = _mess(truth, "hidden_empty_sheet")
    ws = openpyxl.load_workbook(io.BytesIO(files[where["file"]]))[where["sheet"]]
    assert ws.sheet_state == "hidden"
    assert all(c.value is None for row in ws.iter_rows() for c in row)


def test_matrix_total_does_not_match_its_marks(files, truth):
    where = _mess(truth, "matrix_total_mismatch")
    ws = openpyxl.load_workbook(io.BytesIO(files[where["file"]]))[where["sheet"]]
    row = [c.value for c in ws[ws[where["cell"]].row]]
    marks = sum(1 for v in row[2:21] if v in ("x", "X", "Đ"))
    assert ws[where["cell"]].value == marks + 1


# ------------------------------------------------------------------------- cleaning = truth


@pytest.fixture(scope="module")
def ingested(written):
    ingest = pytest.importorskip("ntm_analysis.ingest")
    return ingest.ingest_folder(
        written.parent, registry=load_registry(), catalog=load_catalog(), progress=False
    )


def test_ingestion_reads_every_value_and_appraisal(ingested, truth):
    records = ingested.records
    got = records.loc[(records["level"] == "indicator") & records["year"].isin(sample.SAMPLE_YEARS)]
    want = truth.indicators.loc[truth.indicators["in_report"]]
    merged = want.merge(
        got, on=["year", "commune", "indicator"], how="outer", suffixes=("", "_got"), indicator=True
    )
    missing = merged.loc[merged["_merge"] != "both"]
    assert missing["mess"].tolist() == ["excel_error"]  # the #DIV/0! row becomes a reject
    both = merged.loc[merged["_merge"] == "both"]
    assert both["value_got"].astype(float).to_numpy() == pytest.approx(
        both["value"].astype(float).to_numpy(), nan_ok=True
    )
    assert (both["self_assessed_got"].astype(str) == both["self_assessed"].astype(str)).all()


def test_ingestion_reads_every_criterion_appraisal(ingested, truth):
    records = ingested.records
    got = records.loc[records["level"] == "criterion"]
    merged = truth.criteria.merge(got, on=["year", "commune", "criterion"], suffixes=("", "_got"))
    assert len(merged) == len(truth.criteria)
    assert (merged["self_assessed_got"].astype(str) == merged["self_assessed"].astype(str)).all()


def test_ingestion_reports_the_planted_mess(ingested, truth):
    checks = set(ingested.findings["check"].astype(str))
    assert {"legacy_encoding", "matrix_total_mismatch"} <= checks
    error = _mess(truth, "excel_error")
    rejects = ingested.rejects
    hit = rejects.loc[(rejects["reason"] == "excel_error")]
    assert len(hit) == 1
    assert hit["source_file"].iloc[0].endswith(error["file"])
    assert int(hit["source_row"].iloc[0]) == int(error["cell"][1:])


def test_cleaning_the_sample_gives_back_the_criteria_met(cleaned_sample, truth):
    communes = cleaned_sample.evaluation.communes
    merged = truth.communes.merge(
        communes, on=["year", "commune"], how="left", suffixes=("", "_clean")
    )
    assert merged["criteria_met_clean"].notna().all()
    assert merged["criteria_met_clean"].astype(int).tolist() == merged["criteria_met"].tolist()
    assert merged["criteria_total_clean"].astype(int).eq(19).all()


def test_cleaning_the_sample_finds_each_planted_disagreement(cleaned_sample, truth):
    findings = cleaned_sample.findings.astype({"year": "Int64"})
    got = {
        (str(f.check), str(f.commune), int(f.year))
        for f in findings.itertuples()
        if not pd.isna(f.year)
    }
    optimistic = _mess(truth, "appraisal_disagrees_with_threshold")
    omitted = _mess(truth, "omitted_indicator")
    error = _mess(truth, "excel_error")
    matrix = _mess(truth, "matrix_total_mismatch")
    legacy = _mess(truth, "legacy_tcvn3")
    assert ("appraisal_vs_threshold", optimistic["commune"], optimistic["year"]) in got
    assert ("missing_indicator", omitted["commune"], omitted["year"]) in got
    assert ("missing_indicator", error["commune"], error["year"]) in got
    assert ("matrix_total_mismatch", matrix["commune"], matrix["year"]) in got
    assert ("legacy_encoding", legacy["commune"], legacy["year"]) in got
    contrary = _mess(truth, "appraisal_disagrees_with_stated_target")
    assert ("appraisal_vs_stated_target", contrary["commune"], contrary["year"]) in got
    assert not any(check == "source_conflict" for check, _, _ in got)
    # every stated target of the sample is read, and the communes agree on them
    assert not {"target_unparsed", "stated_target_inconsistent"} & {c for c, _, _ in got}


def test_the_2026_reports_of_the_new_communes_are_kept_under_qd51(cleaned_sample):
    from ntm_analysis.sample_2026 import SAMPLE_INDICATOR_TEXT, UNMET_2026

    ev = cleaned_sample.evaluation
    com = ev.communes.loc[ev.communes["year"] == 2026].set_index("commune")
    assert dict(zip(com.index, com["commune_code"].astype(str), strict=True)) == {
        "Xã Đầm Hà": "06895",
        "Xã Quảng Tân": "06913",
    }
    assert set(com["criteria_set"].astype(str)) == {"qd51_2025_commune"}
    assert (com["criteria_total"] == 10).all()
    for commune, unmet in UNMET_2026.items():
        assert com.loc[commune, "criteria_met"] == 10 - len(unmet)
    ind = ev.indicators.loc[ev.indicators["year"] == 2026]
    assert len(ind) == 2 * 10 * 2
    assert set(ind["met_basis"].astype(str)) == {"stated_target"}  # the "Chỉ tiêu" column
    assert (ind["indicator_text"] == SAMPLE_INDICATOR_TEXT.format(code="8.1")).sum() == 2
    notes = cleaned_sample.findings.loc[
        cleaned_sample.findings["check"] == "indicators_not_in_catalog"
    ]
    assert len(notes) == 2  # one per 2026 file
