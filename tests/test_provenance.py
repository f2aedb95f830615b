"""One rule for "this data is the synthetic sample", used by clean, render and the index."""

from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm_analysis import render
from ntm_analysis.pipeline import clean_folder, load_processed
from ntm_analysis.provenance import SAMPLE_FILE_PREFIX, is_sample_file, is_sample_report
from ntm_analysis.readers import discover_inputs
from ntm_analysis.review import load_review


def _read(*names: str, skipped: tuple[str, ...] = ()) -> dict:
    files = [{"file": n, "status": "read"} for n in names]
    aside = {"status": "skipped", "reason": "sample_beside_real_data"}
    files += [{"file": n, **aside} for n in skipped]
    return {"files": files}


@pytest.mark.parametrize(
    "path, expected",
    [
        ("sample/MAU-synthetic_xa-tan-lap_2024.xlsx", True),
        ("sample/anything.xlsx", True),
        ("2024/mau-synthetic_copy.xlsx", True),  # the marker, whatever the folder or case
        ("2024/bao-cao-xa-tan-lap.xlsx", False),
        ("samples/bao-cao.xlsx", False),  # only the folder ntm sample writes to
        ("thuc/sample/bao-cao.xlsx", False),  # a nested folder named sample is the user's
    ],
)
def test_a_sample_file_is_in_the_sample_folder_or_carries_the_marker(path, expected):
    assert is_sample_file(path) is expected


def test_skipped_sample_files_do_not_make_real_data_a_sample():
    real = _read("thuc/bao-cao-2024.xlsx", skipped=("sample/MAU-synthetic_a.xlsx",))
    assert not is_sample_report(real)
    assert not is_sample_report({**real, "sample": True})  # the files read decide
    assert is_sample_report(_read("sample/MAU-synthetic_a.xlsx", "sample/MAU-synthetic_b.xls"))
    assert not is_sample_report(_read("sample/MAU-synthetic_a.xlsx", "thuc/bao-cao.xlsx"))


def test_a_report_listing_no_files_read_falls_back_to_its_flag():
    assert is_sample_report({"sample": True, "files": []})
    assert not is_sample_report({"files": []})


@given(
    st.lists(
        st.tuples(st.booleans(), st.sampled_from(["read", "skipped", "unreadable"])), max_size=8
    )
)
def test_the_report_is_a_sample_exactly_when_every_file_read_is(files):
    names = [
        f"sample/{SAMPLE_FILE_PREFIX}_{i}.xlsx" if sample else f"thuc/bao-cao-{i}.xlsx"
        for i, (sample, _) in enumerate(files)
    ]
    statuses = [status for _, status in files]
    report_ = {"files": [{"file": n, "status": x} for n, x in zip(names, statuses, strict=True)]}
    read = [sample for sample, status in files if status == "read"]
    assert is_sample_report(report_) is (bool(read) and all(read))


def test_readers_set_aside_exactly_the_files_the_rule_calls_sample(tmp_path):
    (tmp_path / "sample").mkdir()
    (tmp_path / "sample" / "a.xlsx").write_bytes(b"x")
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / f"{SAMPLE_FILE_PREFIX}_copy.xlsx").write_bytes(b"x")
    (tmp_path / "2024" / "bao-cao.xlsx").write_bytes(b"x")
    inputs, skipped = discover_inputs(tmp_path)
    assert [p.name for p in inputs] == ["bao-cao.xlsx"]
    assert sorted(s.file for s in skipped) == ["2024/MAU-synthetic_copy.xlsx", "sample/a.xlsx"]


@pytest.fixture(scope="module")
def real_beside_sample(sample_raw_dir, tmp_path_factory):
    """Real-looking reports in their own folder, with data/raw/sample/ left in place."""
    raw = tmp_path_factory.mktemp("raw-real")
    shutil.copytree(sample_raw_dir / "sample", raw / "sample")
    (raw / "bao-cao-thuc").mkdir()
    for src in sorted((raw / "sample").glob(f"{SAMPLE_FILE_PREFIX}_xa-*_2024.xlsx"))[:3]:
        name = src.name.removeprefix(f"{SAMPLE_FILE_PREFIX}_")
        shutil.copy(src, raw / "bao-cao-thuc" / f"bao-cao-{name}")
    out = tmp_path_factory.mktemp("processed-real")
    clean_folder(raw, out)
    return out


def test_real_data_beside_the_sample_is_not_stamped_sample_anywhere(real_beside_sample):
    stored = json.loads((real_beside_sample / "ingest_report.json").read_text(encoding="utf-8"))
    assert stored["sample"] is False
    assert any(f.get("reason") == "sample_beside_real_data" for f in stored["files"])
    data = load_processed(real_beside_sample)
    assert data.is_sample is False
    jobs = render.plan_jobs(data, kinds=["district"])
    assert jobs and all(job.context["sample"] is False for job in jobs)
    assert all(not is_sample_file(src["file"]) for job in jobs for src in job.context["sources"])
    assert len(jobs[0].context["sources"]) == 3  # the page counts the files read, not skipped
    review = load_review(real_beside_sample, year=2024)
    assert review.is_sample is False
    page = render.page_html("<p>x</p>", title="t", context=jobs[0].context)
    assert "DỮ LIỆU MẪU" not in page


def test_the_sample_alone_is_still_stamped(processed_sample_dir):
    data = load_processed(processed_sample_dir)
    assert data.is_sample
    (job,) = render.plan_jobs(data, years=[2024], kinds=["district"])
    assert job.context["sample"] is True
    assert "DỮ LIỆU MẪU" in render.page_html("<p>x</p>", title="t", context=job.context)
