"""Smoke tests of the benchmark generators and harness at a tiny scale (no timing assertions)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from benchmarks import __main__ as bench_main
from benchmarks import bench_evaluation, generate, harness, inputs
from ntm_analysis import schema as s
from ntm_analysis.catalog import load_catalog
from ntm_analysis.evaluation import evaluate
from ntm_analysis.registry import Registry, load_registry

SRC = "benchmark test set"


def _indicator(code, kind, thresholds=(), direction="higher"):
    return {
        "code": code,
        "text_vi": f"Chỉ tiêu {code}",
        "kind": kind,
        "direction": direction,
        "unit": "%" if kind == "percent" else None,
        "source": SRC,
        "thresholds": list(thresholds),
    }


TINY_SET = {
    "id": "bench_tiny",
    "level": "commune",
    "name_vi": "Bộ thử benchmark",
    "decision": "QĐ thử",
    "first_year": 2021,
    "last_year": 2025,
    "source": SRC,
    "regions": [{"code": "A", "name_vi": "Vùng A"}, {"code": "B", "name_vi": "Vùng B"}],
    "criteria": [
        {
            "number": "1",
            "name_vi": "Quy hoạch",
            "source": SRC,
            "indicators": [
                _indicator("1.1", "yes_no", [{"op": "yes", "text": "Đạt", "source": SRC}]),
                _indicator(
                    "1.2", "percent", [{"op": ">=", "value": 80, "text": "≥80%", "source": SRC}]
                ),
            ],
        },
        {
            "number": "2",
            "name_vi": "Nghèo đa chiều",
            "source": SRC,
            "indicators": [
                _indicator(
                    "2",
                    "percent",
                    [{"op": "<=", "value": 2, "text": "≤2%", "source": SRC}],
                    direction="lower",
                )
            ],
        },
        {
            "number": "3",
            "name_vi": "Thu nhập",
            "source": SRC,
            "indicators": [
                _indicator(
                    "3",
                    "money_per_capita",
                    [
                        {"op": ">=", "value": 40 + k, "region": r, "year": y, "source": SRC}
                        for k, r in enumerate(("A", "B"))
                        for y in range(2021, 2026)
                    ],
                )
            ],
        },
    ],
}
N_INDICATORS, N_CRITERIA = 4, 3


@pytest.fixture(scope="module")
def catalog_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("catalog")
    (d / "tiny.yaml").write_text(yaml.safe_dump(TINY_SET, allow_unicode=True), encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def catalog(catalog_dir):
    return load_catalog(catalog_dir=catalog_dir)


def test_registry_is_deterministic_unique_and_loadable(tmp_path):
    reg = generate.make_registry(25, communes_per_district=10, regions=("A", "B"), seed=3)
    again = generate.make_registry(25, communes_per_district=10, regions=("A", "B"), seed=3)
    pd.testing.assert_frame_equal(reg, again)
    assert reg["name"].is_unique and reg["code"].is_unique
    assert reg["district"].nunique() == 3
    assert set(reg["threshold_region"]) == {"A", "B"}
    assert reg["code"].iloc[0] == "90000"
    path = tmp_path / "registry.csv"
    reg.to_csv(path, index=False)
    loaded = load_registry(path)
    name = reg["name"].iloc[7]
    assert loaded.match(name, year=2023).code == reg["code"].iloc[7]


def test_registry_names_scale_to_the_national_size():
    reg = generate.make_registry(10_000, regions=("A",))
    assert reg["name"].is_unique and len(reg) == 10_000


def test_records_cover_every_commune_year_indicator_and_criterion(catalog):
    reg = generate.make_registry(6, regions=("A", "B"))
    rec = generate.make_records(reg, catalog, [2022, 2023], missing_share=0.0)
    assert list(rec.columns) == list(s.RECORD_COLUMNS)
    ind = rec.loc[rec["level"] == "indicator"]
    crit = rec.loc[rec["level"] == "criterion"]
    assert len(ind) == 6 * 2 * N_INDICATORS
    assert len(crit) == 6 * 2 * N_CRITERIA
    assert set(rec["self_assessed"].dropna()) <= set(s.APPRAISALS)
    # values follow the threshold kinds: yes/no as 1.0 / 0.0, percentages within 0..100
    yes_no = ind.loc[ind["indicator"] == "1.1", "value"]
    assert set(yes_no.astype(float)) <= {0.0, 1.0}
    pct = ind.loc[ind["indicator"] == "1.2", "value"].astype(float)
    assert pct.between(0, 100).all()
    assert ind.loc[ind["indicator"] == "1.2", "value_text"].str.endswith("%").all()


def test_records_are_deterministic_and_leave_out_the_requested_share(catalog):
    reg = generate.make_registry(40, regions=("A", "B"))
    a = generate.make_records(reg, catalog, [2021, 2022], seed=5, missing_share=0.1)
    b = generate.make_records(reg, catalog, [2021, 2022], seed=5, missing_share=0.1)
    pd.testing.assert_frame_equal(a, b)
    n_ind = (a["level"] == "indicator").sum()
    assert 0.8 * 40 * 2 * N_INDICATORS < n_ind < 40 * 2 * N_INDICATORS


def test_generated_records_evaluate_with_the_threshold_basis(catalog):
    regf = generate.make_registry(10, regions=("A", "B"))
    rec = generate.make_records(regf, catalog, [2023, 2024], disagree_share=0.0)
    ev = evaluate(rec, catalog=catalog, registry=Registry(regf))
    assert len(ev.indicators) == 10 * 2 * N_INDICATORS
    assert (ev.indicators["met_basis"] == s.BASIS_THRESHOLD).all()
    # truthful appraisals: no appraisal-vs-threshold finding
    assert not (ev.findings["check"] == "appraisal_vs_threshold").any()
    assert set(ev.communes["criteria_total"]) == {N_CRITERIA}


def test_commune_report_and_matrix_workbooks_have_the_expected_layout(catalog, tmp_path):
    reg = generate.make_registry(3, regions=("A",))
    rec = generate.make_records(reg, catalog, [2023], missing_share=0.0)
    files = generate.write_province_raw(tmp_path, reg, rec, catalog)
    assert len(files) == 3 + 1  # one report per commune, one matrix for the district
    report = pd.read_excel(files[0], sheet_name=None, header=None, engine="calamine")
    (sheet,) = report.values()
    assert "NĂM 2023" in str(sheet.iloc[1, 0])
    assert list(sheet.iloc[4, :6]) == list(generate.REPORT_HEADER[:6])
    codes = [str(c) for c in sheet.iloc[5:, 0].dropna()]
    assert codes[:3] == ["1", "1.1", "1.2"]
    matrix = pd.read_excel(files[-1], header=None, engine="calamine")
    assert list(matrix.iloc[3, 2:5].astype(str)) == ["1", "2", "3"]
    assert matrix.iloc[-1, 1] == "Tổng cộng"


def test_growth_exponents_are_log_log_slopes():
    assert bench_evaluation.growth_exponents([(10, 2.0), (100, 20.0), (1000, 2000.0)]) == [
        1.0,
        2.0,
    ]


def test_harness_runs_a_task_in_a_fresh_process(tmp_path):
    path = tmp_path / "r.parquet"
    pd.DataFrame({"a": range(100)}).to_parquet(path)
    m = harness.measure(
        "benchmarks.bench_evaluation:read_parquet_task", {"parquet": str(path)}, runs=2
    )
    assert m.ok and len(m.seconds) == 2
    assert m.peak > 10  # MB: at least an interpreter with pandas
    assert m.extra[0] == {"rows": 100}
    line, facts = harness.result_line("x", "tiny", m, "self", m, target_ratio=1.0)
    assert facts["ratio"] == pytest.approx(1.0) and facts["verdict"] == "PASS"
    assert "  PASS  " in line and "cpu_ratio=" in line


def test_harness_reports_a_failing_task_without_raising():
    m = harness.measure("benchmarks.bench_evaluation:no_such_task", {}, runs=1)
    assert not m.ok and "failed" in m.error
    line, _ = harness.result_line("x", "tiny", m, "b", None, target_ratio=1.0)
    assert "ERROR" in line


def test_quick_evaluation_benchmark_prints_its_lines(catalog_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(harness, "WORK_DIR", tmp_path)
    monkeypatch.setattr(inputs, "WORK_DIR", tmp_path)
    argv = ["--quick", "--only", "evaluation", "--catalog-dir", str(catalog_dir)]
    assert bench_main.main(argv) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("evaluation "))
    assert "baseline=read_parquet" in line and "ratio=" in line
    assert any(x.startswith("eval-scale ") and "time_exponents=" in x for x in out.splitlines())
    facts = json.loads((tmp_path / "last-run.json").read_text())["facts"]
    assert facts[0]["name"] == "evaluation" and facts[0]["median_s"] > 0


def test_baseline_and_tool_runs_are_interleaved(tmp_path, monkeypatch):
    calls = []

    def fake_run_once(task, kwargs, *, timeout=None):
        calls.append(task)
        if task == "tool" and len(calls) > 3:
            raise RuntimeError("tool failed (exit 1): boom")
        return {"seconds": 1.0, "peak_mb": 100.0, "extra": {}}

    monkeypatch.setattr(harness, "run_once", fake_run_once)
    base, tool = harness.measure_pair("base", "tool", {}, runs=3)
    assert calls == ["base", "tool", "base", "tool", "base"]  # a failed tool is not re-run
    assert len(base.seconds) == 3 and len(tool.seconds) == 1
    assert not tool.ok and "boom" in tool.error
