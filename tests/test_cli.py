"""The ntm command: subcommands, outputs and exit codes, as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ntm_analysis import config
from ntm_analysis import labels as lb
from ntm_analysis.catalog import load_catalog
from ntm_analysis.cli import main
from ntm_analysis.registry import load_registry


def run_ntm(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ntm_analysis.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def assert_one_clear_line(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("ntm:")


def write_clean_tidy_csv(path: Path, year: int = 2023) -> None:
    """A tidy CSV where every commune meets every indicator and criterion, consistently."""
    cset = load_catalog().set_for_year(year)
    units = load_registry().units(year, assessed_only=True)
    rows = []
    for commune in units["name"]:
        for criterion in cset.criteria:
            rows.append((year, commune, criterion.number, "", "Đạt"))
            for ind in criterion.indicators:
                if ind.code == criterion.number:
                    continue  # single-indicator criteria: the criterion row carries it
                t = ind.threshold_for(None, year)
                if t is None or t.op == "yes":
                    value = "Đạt"
                elif t.op == ">=":
                    value = f"{t.value + 1:g}"
                else:
                    value = f"{max(t.value - 1, 0):g}"
                rows.append((year, commune, ind.code, value, "Đạt"))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["year", "commune", "indicator", "value", "self_assessed"])
        writer.writerows(rows)


def test_every_subcommand_has_help():
    for sub in ("sample", "clean", "check", "catalog"):
        with pytest.raises(SystemExit) as exc:
            main([sub, "--help"])
        assert exc.value.code == 0


def test_usage_error_exits_2():
    with pytest.raises(SystemExit) as exc:
        main(["clean", "--no-such-option"])
    assert exc.value.code == 2


def test_missing_raw_folder_is_one_line_and_exit_2(tmp_path):
    proc = run_ntm("clean", "--raw", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert_one_clear_line(proc)
    assert not (tmp_path / "out").exists()


def test_nothing_readable_exits_2(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "bao-cao.xlsx").write_bytes(b"")
    (raw / "notes.xlsx").write_text("this is not a spreadsheet", encoding="utf-8")
    proc = run_ntm("clean", "--raw", str(raw), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert_one_clear_line(proc)


def test_clean_data_exits_0_and_writes_the_contract(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_clean_tidy_csv(raw / "tong-hop-2023.csv")
    out = tmp_path / "processed"
    proc = run_ntm("clean", "--raw", str(raw), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in (
        config.INDICATORS_FILE,
        config.CRITERIA_FILE,
        config.COMMUNES_FILE,
        config.FINDINGS_FILE,
        config.REJECTS_FILE,
        config.INGEST_REPORT_FILE,
        config.RECORDS_FILE,
    ):
        assert (out / name).is_file(), name
    communes = pd.read_parquet(out / config.COMMUNES_FILE)
    assert len(communes) == 8
    assert (communes["criteria_met"] == 19).all()
    assert set(communes["status"]) == {"ntm"}


def test_sample_clean_exits_1_because_of_the_planted_mess(tmp_path):
    raw = tmp_path / "raw"
    assert run_ntm("sample", "--out", str(raw / "sample")).returncode == 0
    before = sorted((p.name, p.stat().st_mtime_ns) for p in raw.rglob("*"))
    proc = run_ntm("clean", "--raw", str(raw), "--out", str(tmp_path / "processed"))
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "processed" / config.COMMUNES_FILE).is_file()
    # the raw folder is never written to
    assert sorted((p.name, p.stat().st_mtime_ns) for p in raw.rglob("*")) == before


def test_check_prints_the_report_and_writes_nothing(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_clean_tidy_csv(raw / "tong-hop-2023.csv")
    proc = run_ntm("check", "--raw", str(raw), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Đã đọc 1 tệp, 0 tệp không đọc được, 0 tệp bỏ qua.\n")
    assert "Số dòng: đọc 569 = 568 bản ghi + 1 dòng không phải số liệu" in proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]
    assert sorted(p.name for p in raw.iterdir()) == ["tong-hop-2023.csv"]


def test_refuses_to_write_into_the_raw_folder(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_clean_tidy_csv(raw / "t.csv")
    proc = run_ntm("clean", "--raw", str(raw), "--out", str(raw / "processed"))
    assert proc.returncode == 2
    assert_one_clear_line(proc)
    assert not (raw / "processed").exists() or not any((raw / "processed").iterdir())


def test_catalog_csv_has_one_row_per_indicator_and_threshold_with_sources():
    proc = run_ntm("catalog", "--format", "csv", "--year", "2023")
    assert proc.returncode == 0, proc.stderr
    frame = pd.read_csv(io.StringIO(proc.stdout), dtype=str)
    assert set(frame["criteria_set"]) == {"qd318_2022_commune"}
    assert {"indicator", "op", "threshold", "threshold_source", "indicator_source"} <= set(
        frame.columns
    )
    assert frame["criterion"].nunique() == 19
    row = frame.loc[frame["indicator"] == "3.1"].iloc[0]
    assert (row["op"], float(row["threshold"])) == (">=", 80.0)


def test_catalog_summary_prints_how_sure_each_second_hand_figure_is():
    proc = run_ntm("catalog", "--set", "qd318_2022_commune")
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.strip().startswith("10 [DBSH, 2022]"))
    assert "≥ 53" in line and "chưa đối chiếu" in line


def test_catalog_summary_says_which_indicator_wording_is_unconfirmed():
    proc = run_ntm("catalog", "--set", "qd318_2022_commune")
    assert proc.returncode == 0, proc.stderr
    assert "câu chữ: 57/57 nội dung chỉ tiêu chưa được đối chiếu" in proc.stdout
    proc = run_ntm("--lang", "en", "catalog", "--set", "qd318_2022_commune")
    assert "wording: 57 of 57 indicator texts unconfirmed" in proc.stdout
    proc = run_ntm("catalog", "--set", "qd51_2025_commune")  # no indicator listed: no line
    assert proc.returncode == 0 and "câu chữ:" not in proc.stdout


def test_catalog_with_a_bad_province_file_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "tinh.yaml"
    bad.write_text("thresholds:\n  - {indicator: '99.9', op: '>=', value: 1}\n", encoding="utf-8")
    proc = run_ntm("catalog", "--province", str(bad))
    assert proc.returncode == 2
    assert_one_clear_line(proc)


# ------------------------------------------------------------------ mistakes a person makes


def test_clean_into_a_folder_that_cannot_be_written_stops_before_reading(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_clean_tidy_csv(raw / "t.csv")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be", encoding="utf-8")
    proc = run_ntm("clean", "--raw", str(raw), "--out", str(blocker / "processed"))
    assert proc.returncode == 2
    assert_one_clear_line(proc)
    assert str(blocker / "processed") in proc.stderr and ".tmp" not in proc.stderr
    assert "Reading" not in proc.stderr and "internal error" not in proc.stderr


@pytest.mark.skipif(
    not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
    reason="root writes into read-only folders",
)
def test_clean_into_a_read_only_folder_is_one_line_and_exit_2(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_clean_tidy_csv(raw / "t.csv")
    out = tmp_path / "processed"
    out.mkdir()
    out.chmod(0o555)
    try:
        proc = run_ntm("clean", "--raw", str(raw), "--out", str(out))
    finally:
        out.chmod(0o755)
    assert proc.returncode == 2
    assert_one_clear_line(proc)
    assert list(out.iterdir()) == []


def test_render_into_a_folder_that_cannot_be_written_is_one_line_and_exit_2(
    tmp_path, processed_sample_dir
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    proc = run_ntm(
        "render", "--processed", str(processed_sample_dir), "--out", str(blocker / "out")
    )
    assert proc.returncode == 2
    assert_one_clear_line(proc)
    assert "thư mục trang kết quả" in proc.stderr and "Đang dựng" not in proc.stderr


def test_processed_files_are_readable_by_colleagues(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_clean_tidy_csv(raw / "t.csv")
    out = tmp_path / "processed"
    assert main(["clean", "--raw", str(raw), "--out", str(out), "--quiet"]) == 0
    umask = __import__("os").umask(0)
    __import__("os").umask(umask)
    for path in out.iterdir():
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path.name


def test_unknown_criteria_set_is_one_line_naming_the_known_ones():
    proc = run_ntm("catalog", "--set", "foo")
    assert proc.returncode == 2
    assert_one_clear_line(proc)
    assert "foo" in proc.stderr and "qd318_2022_commune" in proc.stderr


def test_province_value_written_with_a_percent_sign_is_read(tmp_path):
    path = tmp_path / "tinh.yaml"
    path.write_text(
        "decision: QĐ thử\nthresholds:\n"
        "  - {indicator: '15.1', op: '>=', value: '95%', source: 'QĐ thử, chỉ tiêu 15.1'}\n"
        "  - {indicator: '3.1', op: '>=', value: '85,5'}\n",
        encoding="utf-8",
    )
    cset = load_catalog(path).get("qd318_2022_commune")
    assert cset.indicator("15.1").threshold_for(None, 2024).value == 95.0
    assert cset.indicator("3.1").threshold_for(None, 2024).value == 85.5
    proc = run_ntm("catalog", "--province", str(path), "--format", "csv", "--year", "2024")
    assert proc.returncode == 0, proc.stderr


def test_province_value_that_is_not_a_number_names_the_line(tmp_path):
    path = tmp_path / "tinh.yaml"
    path.write_text(
        "decision: QĐ thử\nthresholds:\n"
        "  - {indicator: '15.1', op: '>=', value: 95}\n"
        "  - {indicator: '3.1', op: '>=', value: 'tám mươi'}\n",
        encoding="utf-8",
    )
    proc = run_ntm("catalog", "--province", str(path))
    assert proc.returncode == 2
    assert_one_clear_line(proc)
    assert "tinh.yaml" in proc.stderr and "dòng 4" in proc.stderr and "tám mươi" in proc.stderr
    assert "không phải là số (hãy ghi 95 hoặc 95,5)" in proc.stderr
    proc = run_ntm("--lang", "en", "catalog", "--province", str(path))
    assert "line 4" in proc.stderr and "is not a number (write it as 95 or 95.5)" in proc.stderr


@pytest.mark.parametrize("text", ["[1, 2]", "thresholds: [95]", "thresholds: {year: x}"])
def test_province_yaml_of_the_wrong_shape_is_one_line(tmp_path, text):
    path = tmp_path / "tinh.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    proc = run_ntm("catalog", "--province", str(path))
    assert proc.returncode == 2
    assert_one_clear_line(proc)


@pytest.mark.parametrize(
    "args",
    [
        ("catalog", "--format", "csv"),
        ("catalog", "--format", "json"),
        ("catalog",),
        ("check", "--raw", "{raw}"),
        ("check", "--raw", "{raw}", "--json"),
        ("clean", "--raw", "{raw}", "--out", "{out}"),
        ("sample", "--out", "{sample}"),
        ("--help",),
    ],
)
def test_piping_into_head_is_quiet_for_every_subcommand(tmp_path, sample_raw_dir, args):
    fill = {
        "raw": str(sample_raw_dir / "sample"),
        "out": str(tmp_path / "p"),
        "sample": str(tmp_path / "s"),
    }
    command = [sys.executable, "-m", "ntm_analysis.cli", *(a.format(**fill) for a in args)]
    ntm = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ntm.stdout.readline()
    ntm.stdout.close()  # what head -1 does after its first line
    stderr = ntm.stderr.read().decode()
    code = ntm.wait(timeout=300)
    assert "Error" not in stderr and "Traceback" not in stderr and "internal" not in stderr
    assert code in (0, 1)


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_render_jobs_must_be_at_least_one(jobs, tmp_path):
    proc = run_ntm("render", "--processed", str(tmp_path), "--jobs", jobs)
    assert proc.returncode == 2
    assert_one_clear_line(proc)
    assert "--jobs" in proc.stderr and "từ 1 trở lên" in proc.stderr
    proc = run_ntm("render", "--processed", str(tmp_path), "--jobs", jobs, "--lang", "en")
    assert proc.returncode == 2
    assert "--jobs" in proc.stderr and "at least 1" in proc.stderr


# ------------------------------------------------------------------ small frictions


def test_check_takes_a_single_file(sample_raw_dir):
    one = sample_raw_dir / "sample" / "MAU-synthetic_xa-quang-tan_2024.xlsx"
    proc = run_ntm("check", str(one))
    assert proc.returncode == 1, proc.stderr  # the planted fraction is a finding
    assert proc.stdout.startswith("Đã đọc 1 tệp, 0 tệp không đọc được, 0 tệp bỏ qua.")
    proc = run_ntm("--lang", "en", "check", str(one))
    assert proc.stdout.startswith("Files: 1 read, 0 unreadable, 0 skipped.")
    # one file alone says nothing of the other communes' reports
    proc = run_ntm("check", str(one), "--json")
    checks = {f["check"] for f in json.loads(proc.stdout)["findings"]}
    assert "fraction_as_percent" in checks
    assert "missing_commune_report" not in checks


def test_check_json_lists_every_finding_and_reject(sample_raw_dir):
    import json

    proc = run_ntm("check", str(sample_raw_dir / "sample"), "--json")
    report = json.loads(proc.stdout)
    assert report["counts"]["findings"] == len(report["findings"]) > 0
    assert report["counts"]["rejects"] == len(report["rejects"]) > 0
    assert {"check", "message", "source"} <= set(report["findings"][0])
    assert {"source_file", "source_row", "reason", "raw_value"} <= set(report["rejects"][0])


def test_the_summary_explains_reject_lines_beside_rejected_rows(cleaned_sample):
    line = next(x for x in cleaned_sample.lines() if x.startswith("Phát hiện:"))
    assert f"dòng trong rejects.csv: {len(cleaned_sample.rejects)}" in line
    assert "dòng bị loại cả dòng" in line
    with lb.language("en"):
        line = next(x for x in cleaned_sample.lines() if x.startswith("Findings:"))
    assert f"lines in rejects.csv: {len(cleaned_sample.rejects)}" in line and "whole rows" in line


def test_a_bare_fraction_in_a_percent_cell_is_a_finding(cleaned_sample):
    f = cleaned_sample.findings
    fractions = f.loc[f["check"] == "fraction_as_percent"]
    assert len(fractions) >= 1
    row = fractions.iloc[0]
    assert row["commune"] == "Xã Quảng Tân" and int(row["year"]) == 2024
    assert "đã hiểu là" in row["message"] and "hãy ghi kèm dấu %" in row["message"]
