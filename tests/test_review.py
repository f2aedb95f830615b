"""The review data model and the render batch's snapshot, read back directly."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_fixtures import write_processed_fixture  # noqa: E402

from ntm_analysis import progress  # noqa: E402
from ntm_analysis import review as rv  # noqa: E402
from ntm_analysis.errors import UsageError  # noqa: E402
from ntm_analysis.pipeline import load_processed  # noqa: E402


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    return write_processed_fixture(tmp_path_factory.mktemp("processed"))


@pytest.fixture
def fresh_kernel(monkeypatch):
    """No review kept from an earlier load, and no snapshot in the environment."""
    monkeypatch.setattr(rv, "_REVIEWS", {})
    monkeypatch.delenv(rv.SNAPSHOT_ENV, raising=False)
    return monkeypatch


def test_snapshot_round_trip_gives_the_analyses_without_reading_the_tables(
    processed, tmp_path, fresh_kernel
):
    data = load_processed(processed)
    path = tmp_path / "review.pkl"
    rv.write_snapshot(path, data, [2023, 2024], "vi")
    fresh_kernel.setenv(rv.SNAPSHOT_ENV, str(path))

    def no_reading(*args, **kwargs):
        raise AssertionError("the snapshot should spare reading the tables")

    fresh_kernel.setattr(rv, "load_processed", no_reading)
    review = rv.load_review(processed, year=2024)
    assert review.year == 2024 and review.previous_year == 2023
    assert {"standing", "summary", "progress", "lagging", "mapping", "tasks"} <= set(review._cache)
    assert "comparison" in review._cache and "indicator_texts" in review._cache
    expected = rv.Review(data=data, year=2024)
    pd.testing.assert_frame_equal(review.tasks, expected.tasks)
    pd.testing.assert_frame_equal(review.progress, expected.progress)
    assert review.criterion_names == expected.criterion_names != {}
    pd.testing.assert_frame_equal(review.indicators, data.indicators)


def test_a_snapshot_of_another_folder_or_language_is_not_used(processed, tmp_path, fresh_kernel):
    data = load_processed(processed)
    path = tmp_path / "review.pkl"
    rv.write_snapshot(path, data, [2024], "en")
    fresh_kernel.setenv(rv.SNAPSHOT_ENV, str(path))
    assert rv._from_snapshot(processed, 2024, "vi") is None
    assert rv._from_snapshot(processed, 2024, "en") is not None


def test_a_broken_snapshot_is_an_error_not_a_silent_fallback(processed, tmp_path, fresh_kernel):
    path = tmp_path / "review.pkl"
    path.write_bytes(b"not a pickle")
    fresh_kernel.setenv(rv.SNAPSHOT_ENV, str(path))
    with pytest.raises(Exception, match="pickle|load"):
        rv.load_review(processed, year=2024)


def test_snapshot_skips_an_analysis_that_fails_on_the_data_but_not_a_bug(processed, fresh_kernel):
    data = load_processed(processed)

    def bad_data(*args, **kwargs):
        raise UsageError("no usable targets")

    fresh_kernel.setattr(progress, "progress_status", bad_data)
    snap = rv.build_snapshot(data, years=[2024], lang="vi")
    assert "progress" not in snap["caches"][2024] and "standing" in snap["caches"][2024]

    def bug(*args, **kwargs):
        raise KeyError("a bug")

    fresh_kernel.setattr(progress, "progress_status", bug)
    with pytest.raises(KeyError):
        rv.build_snapshot(data, years=[2024], lang="vi")


def test_load_review_names_the_year_and_district_it_refuses(processed, fresh_kernel):
    with pytest.raises(UsageError, match="2019"):
        rv.load_review(processed, year=2019)
    with pytest.raises(UsageError, match="Tiên Yên"):
        rv.load_review(processed, year=2024, district="Tiên Yên")
    assert rv.load_review(processed, year=2024, district="dam ha").year == 2024
