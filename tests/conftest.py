"""Shared fixtures: the sample written and cleaned once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def sample_raw_dir(tmp_path_factory) -> Path:
    """A raw folder holding only the bundled synthetic sample (in ``sample/``)."""
    from ntm_analysis.sample import write_sample

    raw = tmp_path_factory.mktemp("raw")
    write_sample(raw / "sample")
    return raw


@pytest.fixture(scope="session")
def cleaned_sample(sample_raw_dir, tmp_path_factory):
    """The :class:`~ntm_analysis.pipeline.CleanSummary` of cleaning the sample."""
    from ntm_analysis.pipeline import clean_folder

    out = tmp_path_factory.mktemp("processed")
    return clean_folder(sample_raw_dir, out)


@pytest.fixture(scope="session")
def processed_sample_dir(cleaned_sample) -> Path:
    """``data/processed/`` as ``ntm clean`` writes it from the sample."""
    return cleaned_sample.out_dir
