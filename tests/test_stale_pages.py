"""Pages built from other data never stay in the index: they are moved aside, named as such."""

from __future__ import annotations

import json

import pytest
from render_fixtures import write_processed_fixture

from ntm_analysis import labels as lb
from ntm_analysis import render
from ntm_analysis.pipeline import load_processed
from ntm_analysis.provenance import dataset_fingerprint


@pytest.fixture(scope="module")
def sample_data(tmp_path_factory):
    return load_processed(write_processed_fixture(tmp_path_factory.mktemp("s"), sample=True))


@pytest.fixture(scope="module")
def real_data(tmp_path_factory):
    return load_processed(write_processed_fixture(tmp_path_factory.mktemp("r"), sample=False))


def _page(out, rel: str, text: str = "<html>page</html>") -> None:
    (out / rel).parent.mkdir(parents=True, exist_ok=True)
    (out / rel).write_text(text, encoding="utf-8")
    (out / rel).with_suffix(".ipynb").write_text("{}", encoding="utf-8")


def _summary(out, pages: list[tuple[str, str, str]]) -> render.RenderSummary:
    summary = render.RenderSummary(out_dir=out, index_path=out / "index.html")
    for kind, key, rel in pages:
        _page(out, rel)
        summary.pages.append(render.PageResult(kind, 2024, key, key or "Huyện", out / rel, True))
    return summary


def test_the_fingerprint_tells_datasets_apart(sample_data, real_data):
    assert dataset_fingerprint(sample_data.ingest_report) != dataset_fingerprint(
        real_data.ingest_report
    )
    assert dataset_fingerprint(real_data.ingest_report) == dataset_fingerprint(
        dict(real_data.ingest_report)
    )


def test_pages_of_the_sample_are_moved_aside_when_real_data_is_rendered(
    tmp_path, sample_data, real_data
):
    out = tmp_path / "outputs"
    first = _summary(
        out,
        [
            ("district", "", "2024/district-review.html"),
            ("commune", "xa-quang-lam", "2024/communes/xa-quang-lam.html"),
            ("department", "phong-y-te", "2024/departments/phong-y-te.html"),
        ],
    )
    render.write_index(first, sample_data)
    assert "xa-quang-lam.html" in (out / "index.html").read_text(encoding="utf-8")

    second = _summary(out, [("district", "", "2024/district-review.html")])
    render.write_index(second, real_data)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "2024/district-review.html" in index
    assert "xa-quang-lam" not in index and "phong-y-te" not in index
    assert not (out / "2024/communes/xa-quang-lam.html").exists()
    assert sorted(second.set_aside) == [
        "2024/communes/xa-quang-lam.html",
        "2024/departments/phong-y-te.html",
    ]
    moved = second.set_aside_dir
    assert moved.parent == out / render.SUPERSEDED_DIR
    assert (moved / "2024/communes/xa-quang-lam.html").is_file()
    assert (moved / "2024/communes/xa-quang-lam.ipynb").is_file()
    assert any("Đã chuyển" in line and "số liệu khác" in line for line in second.lines())
    with lb.language("en"):
        assert any("moved to" in line and "other data" in line for line in second.lines())
    manifest = json.loads((out / render.MANIFEST_FILE).read_text(encoding="utf-8"))
    assert [e["path"] for e in manifest["pages"]] == ["2024/district-review.html"]


def test_pages_of_the_same_data_from_earlier_runs_stay_listed(tmp_path, real_data):
    out = tmp_path / "outputs"
    render.write_index(
        _summary(out, [("commune", "xa-quang-lam", "2024/communes/xa-quang-lam.html")]), real_data
    )
    later = _summary(out, [("commune", "xa-quang-tan", "2024/communes/xa-quang-tan.html")])
    render.write_index(later, real_data)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "xa-quang-lam.html" in index and "xa-quang-tan.html" in index
    assert later.set_aside == [] and not (out / render.SUPERSEDED_DIR).exists()
