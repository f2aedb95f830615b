"""The province-scale render benchmark: its generated province after the arrangement, and
its harness at a tiny scale (no timing assertions)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from benchmarks import __main__ as bench_main
from benchmarks import bench_render_province, generate, harness, inputs
from ntm_analysis import pipeline
from ntm_analysis.catalog import load_catalog
from ntm_analysis.registry import MATCH_NOT_VALID_IN_YEAR, MATCH_OK, load_registry


def test_province_registry_has_new_communes_without_districts_in_groups(tmp_path):
    reg = generate.make_province_registry(7, seed=2)
    assert reg["code"].tolist() == [f"{90000 + i}" for i in range(7)]
    assert reg["district"].isna().all() and (reg["valid_from"] == "2025-07-01").all()
    assert reg["commune_group"].tolist() == ["1", "2", "3", "1", "2", "3", "1"]
    path = tmp_path / "registry.csv"
    reg.to_csv(path, index=False)
    loaded = load_registry(path)
    name = reg["name"].iloc[4]
    assert loaded.match(name, year=2026).status == MATCH_OK
    assert loaded.match(name, year=2024).status == MATCH_NOT_VALID_IN_YEAR  # formed in 2025


def test_generated_2026_reports_clean_with_their_registry_and_keep_indicator_rows(tmp_path):
    catalog = load_catalog()
    reg = generate.make_province_registry(3)
    records = generate.make_records(reg, catalog, [2026], missing_share=0.0)
    ind = records.loc[records["level"] == "indicator"]
    assert len(ind) == 3 * 10 * 2  # two invented indicator rows per QĐ 51 criterion
    assert ind["indicator_text"].str.contains("giả lập").all()
    assert set(ind.loc[ind["indicator"] == "1.1", "target_text"]) == {"≥ 60%"}
    reg.to_csv(tmp_path / "registry.csv", index=False)
    files = generate.write_province_raw(tmp_path / "raw", reg, records, catalog, matrices=False)
    assert len(files) == 3 and all("MAU-synthetic" in f.name for f in files)
    summary = pipeline.clean_folder(
        tmp_path / "raw", tmp_path / "processed", registry_file=tmp_path / "registry.csv"
    )
    assert summary.rejects.empty
    communes = summary.evaluation.communes
    assert sorted(communes["commune_code"]) == reg["code"].tolist()
    assert set(communes["criteria_set"]) == {"qd51_2025_commune"}
    assert (communes["criteria_reported"] == 10).all()
    kept = summary.evaluation.indicators
    assert len(kept) == len(ind) and set(kept["indicator"]) == set(ind["indicator"])
    # the render reads the registry the data was cleaned with
    assert summary.ingest_report["registry"] == str(tmp_path / "registry.csv")


def test_manifest_timings_are_medians_per_notebook(tmp_path):
    pages = [
        {"kind": "commune", "ok": True, "seconds": s, "timings": {"cells": s / 2, "convert": 0.1}}
        for s in (1.0, 2.0, 9.0)
    ] + [{"kind": "department", "ok": False, "seconds": 5.0, "timings": {}}]
    (tmp_path / "manifest.json").write_text(json.dumps({"pages": pages}), encoding="utf-8")
    got = bench_render_province.manifest_timings(tmp_path)
    assert got == {
        "commune_profile.ipynb": {
            "seconds": 2.0,
            "kernel_start": 0.0,
            "cells": 1.0,
            "convert": 0.1,
        }
    }


@pytest.mark.slow
def test_tiny_province_render_benchmark_prints_its_lines(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(harness, "WORK_DIR", tmp_path)
    monkeypatch.setattr(inputs, "WORK_DIR", tmp_path)
    tiny = {"communes": 1, "kinds": ["commune"]}
    monkeypatch.setitem(bench_render_province.SCALES, "quick", tiny)
    assert bench_main.main(["--quick", "--only", "render-province"]) == 0
    lines = capsys.readouterr().out.splitlines()
    tool = next(x for x in lines if x.startswith("render-province "))
    assert "(1 pages)" in tool and "baseline=papermill+nbconvert_cli_loop" in tool
    assert "ERROR" not in tool and "per_page=" in tool and "baseline_per_page=" in tool
    dask = next(x for x in lines if x.startswith("render-dask "))
    assert "baseline=ntm_render_jobs2" in dask and "ERROR" not in dask
    profiles = [x for x in lines if x.startswith("profile ") and "ipynb (n=1)" in x]
    assert len(profiles) == 2  # the commune profile, for --jobs and for Dask
    assert all("conversion(in ntm render, median)=" in x for x in profiles)
    facts = json.loads((tmp_path / "last-run.json").read_text())["facts"]
    assert [f["name"] for f in facts[:2]] == ["render-province", "render-dask"]
    assert facts[0]["baseline_detail"]["notebooks"] == 1 and facts[1]["target"] == 1.2
    communes = list(tmp_path.glob("render-province/*-out/2026/communes/*.html"))
    assert len(communes) == 2  # one page by --jobs, one by Dask
    assert (
        len(pd.read_parquet(tmp_path / "render-province" / "processed" / "communes.parquet")) == 1
    )
