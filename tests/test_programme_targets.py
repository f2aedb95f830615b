"""The programme's floor of criteria per commune is catalog data, with its source."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_analysis import labels as lb
from ntm_analysis import schema as s
from ntm_analysis import standing
from ntm_analysis.catalog import PROGRAMME_FILE, load_commune_floor
from ntm_analysis.errors import CatalogError


def test_the_floor_and_the_full_set_come_from_the_programme_file_with_their_source():
    floor = load_commune_floor()
    assert (floor.criteria, floor.full_set_criteria) == (15, 19)
    assert "QĐ 263/QĐ-TTg" in floor.source
    assert (standing.FLOOR_CRITERIA, standing.FULL_SET_CRITERIA) == (15, 19)


def test_a_changed_file_changes_the_floor(tmp_path):
    text = PROGRAMME_FILE.read_text(encoding="utf-8")
    path = tmp_path / "targets.yaml"
    path.write_text(text.replace("criteria: 15", "criteria: 17"), encoding="utf-8")
    assert load_commune_floor(path).criteria == 17
    path.write_text("decision: x\n", encoding="utf-8")
    assert load_commune_floor(path) is None  # no floor set: none drawn


def test_a_floor_without_a_source_is_refused(tmp_path):
    text = PROGRAMME_FILE.read_text(encoding="utf-8")
    path = tmp_path / "targets.yaml"
    path.write_text(
        "\n".join(line for line in text.splitlines() if "source:" not in line), encoding="utf-8"
    )
    with pytest.raises(CatalogError, match="source"):
        load_commune_floor(path)


def test_the_floor_bands_communes_of_a_full_set_only():
    communes = pd.DataFrame(
        {
            "year": [2024] * 3,
            "commune": ["Xã A", "Xã B", "Xã C"],
            "commune_code": ["1", "2", "3"],
            "criteria_set": ["qd318_2022_commune"] * 2 + ["qd51_2025_commune"],
            "criteria_total": [19, 19, 10],
            "criteria_met": [16, 14, 8],
            "status": [s.STATUS_NOT_NTM] * 3,
        }
    )
    bands = standing.commune_standing(communes).set_index("commune")["band"]
    assert bands.to_dict() == {
        "Xã A": lb.BAND_FLOOR,
        "Xã B": lb.BAND_BELOW,
        "Xã C": lb.BAND_NOT_ALL,
    }
