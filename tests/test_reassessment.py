"""The re-assessment beside the communes' own word: standing, disagreements, chart."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from ntm_analysis import plots
from ntm_analysis import schema as s
from ntm_analysis.reassessment import basis_counts, disagreements, reassessed_standing


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def criteria(rows):
    return pd.DataFrame(rows, columns=["year", "commune", "criterion", "met", "self_assessed"])


CRITERIA = criteria(
    [
        (2024, "Xã An", "1", True, s.MET),
        (2024, "Xã An", "2", False, s.MET),  # said met, re-assessed not met
        (2024, "Xã Bình", "1", True, s.MET),
        (2024, "Xã Bình", "2", True, s.BASICALLY_MET),  # said basically met
        (2024, "Xã Cường", "1", True, s.MET),
        (2024, "Xã Cường", "2", True, s.MET),
        (2023, "Xã An", "1", False, s.NOT_MET),
    ]
)


def test_standing_counts_criteria_as_reported_and_as_re_assessed():
    out = reassessed_standing(CRITERIA, year=2024).set_index("commune")
    assert out.loc["Xã An", ["criteria_self", "criteria_met", "criteria_total"]].tolist() == [
        2,
        1,
        2,
    ]
    assert out.loc["Xã Bình", ["criteria_self", "criteria_met"]].tolist() == [1, 2]
    assert out["ntm"].tolist() == [False, True, True]
    assert out["ntm_self"].tolist() == [True, False, True]


def indicators(rows):
    cols = ["year", "commune", "indicator", "value_text", "target_text", "met", "self_assessed"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.assign(
        met=frame["met"].astype("boolean"),
        met_basis=s.BASIS_STATED_TARGET,
        source_file=frame["commune"] + ".xlsx",
        source_sheet="2024",
        source_row=pd.array(range(5, 5 + len(frame)), dtype="Int64"),
    )


INDICATORS = indicators(
    [
        (2024, "Xã An", "15.1", "88,2%", "≥ 95%", False, s.MET),  # said met: misses
        (2024, "Xã An", "2.1", "96%", "≥ 90%", True, s.NOT_MET),  # said not met: meets
        (2024, "Xã An", "10", "60", "≥ 56", True, s.MET),  # agrees
        (2024, "Xã Bình", "11", "3,1%", "≤ 2%", False, s.BASICALLY_MET),  # agrees (not met)
        (2024, "Xã Bình", "6.1", None, None, None, s.MET),  # undecided: no disagreement
        (2023, "Xã An", "15.1", "80%", "≥ 95%", False, s.MET),  # another year
    ]
)


def test_disagreements_in_both_directions_with_value_target_and_source():
    out = disagreements(INDICATORS, year=2024)
    assert out["indicator"].tolist() == ["2.1", "15.1"]  # numeric code order
    first = out.iloc[1]
    assert (first["value_text"], first["target_text"], first["self_assessed"]) == (
        "88,2%",
        "≥ 95%",
        s.MET,
    )
    assert not first["met"]
    assert first["source"] == "Xã An.xlsx › 2024 › row 5"
    assert disagreements(INDICATORS, year=2024, commune="Xã Bình").empty


def test_basis_counts_list_every_basis():
    frame = pd.DataFrame(
        {"year": [2024] * 3, "met_basis": ["threshold", "stated_target", "stated_target"]}
    )
    assert basis_counts(frame, year=2024) == {
        "threshold": 1,
        "stated_target": 2,
        "self_assessment": 0,
        "undecided": 0,
    }


def test_reassessment_chart_draws_both_counts_per_commune():
    standing = reassessed_standing(CRITERIA, year=2024)
    ax = plots.plot_reassessment(standing, lang="en")
    got = {
        gid: [p.get_width() for p in ax.patches if p.get_gid() == gid]
        for gid in ("self", "reassessed")
    }
    assert got["self"] == [2.0, 1.0, 2.0]
    assert got["reassessed"] == [1.0, 2.0, 2.0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Xã An", "Xã Bình", "Xã Cường"]
    assert ax.get_title() == "Criteria met: as the commune reports and as re-assessed"
