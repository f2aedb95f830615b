"""The clean pipeline's edges: what it writes, how it reads back, and safety of exports."""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest

from ntm_analysis import config
from ntm_analysis import schema as s
from ntm_analysis.catalog import load_catalog
from ntm_analysis.errors import NoDataError, UsageError
from ntm_analysis.evaluation import evaluate, records_order
from ntm_analysis.pipeline import (
    clean_folder,
    load_processed,
    read_records,
    run_clean,
    safe_csv_frame,
)
from ntm_analysis.registry import load_registry
from ntm_analysis.validation import validate_table


def write_tidy(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["year", "commune", "indicator", "value", "self_assessed"])
        writer.writerows(rows)


def test_formula_like_input_text_is_neutralised_in_exported_csv(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_tidy(
        raw / "t.csv",
        [
            (2023, "Xã Quảng Tân", "3.1", "85", "Đạt"),
            (2023, "Xã Quảng Tân", "3.2", '=HYPERLINK("http://x","y")', "Đạt"),
        ],
    )
    summary = clean_folder(raw, tmp_path / "out")
    rejects = pd.read_csv(tmp_path / "out" / config.REJECTS_FILE, dtype=str, encoding="utf-8-sig")
    assert len(rejects) == 1
    assert rejects["raw_value"].iloc[0].startswith("'=")
    assert summary.exit_code == 1


def test_safe_csv_frame_leaves_numbers_and_plain_text_alone():
    frame = pd.DataFrame({"n": [-1.5, 2.0], "t": ["-5 hộ", "Đạt"], "u": ["@x", None]})
    out = safe_csv_frame(frame)
    assert out["n"].tolist() == [-1.5, 2.0]
    assert out["t"].tolist() == ["'-5 hộ", "Đạt"]
    assert out["u"].iloc[0] == "'@x" and pd.isna(out["u"].iloc[1])
    assert frame["t"].iloc[0] == "-5 hộ"  # input untouched


def test_processed_tables_read_back_validated(processed_sample_dir):
    data = load_processed(processed_sample_dir)
    assert data.years == [2021, 2022, 2023, 2024, 2026]
    assert data.is_sample
    assert set(data.communes["status"]) <= {"ntm", "not_ntm", "no_data"}
    assert len(data.communes) == 8 * 4 + 2  # and the two new communes in 2026
    totals = data.communes.groupby("criteria_set")["criteria_total"].unique()
    assert {k: v.tolist() for k, v in totals.items()} == {
        "qd318_2022_commune": [19],
        "qd51_2025_commune": [10],
    }
    # every indicator row says on what basis it was judged
    assert data.indicators["met_basis"].notna().all()
    assert {"threshold", "stated_target"} <= set(data.indicators["met_basis"])


def test_ingest_report_reconciles_and_names_the_sets_used(processed_sample_dir):
    report = json.loads((processed_sample_dir / config.INGEST_REPORT_FILE).read_text("utf-8"))
    assert report["sample"] is True
    assert report["criteria_sets"] == ["qd318_2022_commune", "qd51_2025_commune"]
    assert report["years"] == [2021, 2022, 2023, 2024, 2026]
    read = [f for f in report["files"] if f["status"] == "read"]
    assert read and all(f["reconciled"] for f in read)
    t = report["totals"]
    assert t["rows_read"] == (
        t["records"] + t["non_data_rows"] + t["rejected_rows"] + t["duplicates_dropped"]
    )


def test_no_temporary_files_are_left_behind(processed_sample_dir):
    assert not [p for p in processed_sample_dir.iterdir() if p.name.endswith(".tmp")]


def test_missing_processed_data_is_a_clear_error(tmp_path):
    with pytest.raises(NoDataError, match="ntm clean"):
        load_processed(tmp_path / "nothing")


def test_check_writes_nothing(sample_raw_dir):
    before = sorted(p.name for p in sample_raw_dir.rglob("*"))
    summary = run_clean(sample_raw_dir)
    assert summary.written == [] and summary.out_dir is None
    assert summary.exit_code == 1
    assert sorted(p.name for p in sample_raw_dir.rglob("*")) == before


def test_raw_folder_must_exist(tmp_path):
    with pytest.raises(UsageError, match="Không tìm thấy"):
        run_clean(tmp_path / "nowhere")


def test_records_are_written_and_read_back_as_categoricals(cleaned_sample, processed_sample_dir):
    records = read_records(processed_sample_dir / config.RECORDS_FILE)
    assert list(records.columns) == list(s.RECORD_COLUMNS)
    assert len(records) == len(cleaned_sample.records) > 0
    for column in ("commune", "commune_code", "indicator", "self_assessed", "source_file"):
        assert isinstance(records[column].dtype, pd.CategoricalDtype), column
    assert records["value"].dtype == "Float64"
    # in file order: indicator rows first, each level by year, commune and code
    assert (records_order(records) == np.arange(len(records))).all()
    levels = records["level"].astype(str).tolist()
    assert levels == sorted(levels, key=lambda v: v != "indicator")
    # evaluating the records read back gives the tables that were written
    catalog, registry = load_catalog(), load_registry()
    again = evaluate(records, catalog=catalog, registry=registry)
    written = load_processed(processed_sample_dir)
    for table in ("indicators", "criteria", "communes", "district", "district_criteria"):
        got = validate_table(table, getattr(again, table))
        pd.testing.assert_frame_equal(got, getattr(written, table), check_dtype=False)


def test_read_records_errors_are_one_clear_line(tmp_path, processed_sample_dir):
    with pytest.raises(NoDataError, match="hãy chạy 'ntm clean' trước"):
        read_records(tmp_path / "missing.parquet")
    (tmp_path / "bad.parquet").write_text("not parquet", encoding="utf-8")
    with pytest.raises(UsageError, match="không phải tệp parquet đọc được"):
        read_records(tmp_path / "bad.parquet")
    with pytest.raises(UsageError, match="không phải bảng bản ghi: thiếu cột"):
        read_records(processed_sample_dir / config.COMMUNES_FILE)


def test_write_processed_leaves_its_summary_unchanged(cleaned_sample, tmp_path):
    from ntm_analysis.pipeline import write_processed

    before = (cleaned_sample.out_dir, list(cleaned_sample.written))
    written = write_processed(cleaned_sample, tmp_path / "again")
    assert (cleaned_sample.out_dir, cleaned_sample.written) == before
    assert sorted(p.name for p in written) == sorted(p.name for p in before[1])
    assert all(p.parent == tmp_path / "again" and p.is_file() for p in written)
