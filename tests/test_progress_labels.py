"""Progress labels agree with the data: best values achieved, a latest fall never good progress,
the outlook table counts what its chart draws, and every unmet indicator is in the gap view."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from ntm_analysis import labels as lb
from ntm_analysis import plots
from ntm_analysis.catalog import load_catalog
from ntm_analysis.progress import progress_status, unmet_indicators
from ntm_analysis.sections import district
from ntm_analysis.sections.markup import progress_text

SET = "qd318_2022_commune"


def _series(indicator: str, values: list[float], *, unit: str, op=None, threshold=None, met=None):
    rows = []
    for k, value in enumerate(values):
        rows.append(
            {
                "year": 2021 + k,
                "commune": "Xã Tân Lập",
                "commune_code": "06917",
                "criteria_set": SET,
                "criterion": indicator.split(".")[0],
                "indicator": indicator,
                "value": value,
                "unit": unit,
                "threshold_op": op,
                "threshold": threshold,
                "met": met if met is not None else pd.NA,
            }
        )
    return rows


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _progress(rows, catalog):
    frame = pd.DataFrame(rows).astype({"threshold": "Float64", "met": "boolean"})
    return progress_status(frame, catalog=catalog).set_index("indicator")


def test_an_indicator_at_its_best_value_every_year_is_achieved(catalog):
    p = _progress(_series("9.1", [0, 0, 0, 0], unit="hộ"), catalog)
    assert p.loc["9.1", "status"] == lb.PROGRESS_ACHIEVED
    assert p.loc["9.1", "outlook"] == lb.OUTLOOK_ACHIEVED


def test_a_full_percentage_is_achieved_without_a_threshold(catalog):
    p = _progress(_series("17.1", [97.0, 99.0, 100.0], unit="%"), catalog)
    assert p.loc["17.1", "status"] == lb.PROGRESS_ACHIEVED


def test_a_fall_in_the_latest_year_is_never_good_progress(catalog):
    # Tân Lập's 17.1: up from the base year, down 90.9 -> 86.8 in the latest year
    p = _progress(_series("17.1", [80.0, 85.0, 90.9, 86.8], unit="%"), catalog)
    row = p.loc["17.1"]
    assert row["status"] not in (lb.PROGRESS_SUBSTANTIAL, lb.PROGRESS_MODERATE)
    assert row["status"] == lb.PROGRESS_LIMITED
    assert (row["previous_year"], row["previous_value"]) == (2023, 90.9)
    assert row["latest_change"] == pytest.approx(-4.1)
    assert progress_text(row["status"], row["latest_change"], "vi") == (
        "Tiến bộ hạn chế (năm gần nhất: −4,1)"
    )


def test_a_rise_in_the_latest_year_keeps_its_status(catalog):
    p = _progress(_series("17.1", [80.0, 85.0, 88.0, 92.0], unit="%"), catalog)
    assert p.loc["17.1", "status"] == lb.PROGRESS_SUBSTANTIAL
    assert p.loc["17.1", "latest_change"] == pytest.approx(4.0)


def test_a_lower_is_better_indicator_falling_is_a_good_latest_change(catalog):
    p = _progress(_series("11", [5.0, 4.0, 3.5, 3.0], unit="%"), catalog)
    assert p.loc["11", "status"] in (lb.PROGRESS_SUBSTANTIAL, lb.PROGRESS_MODERATE)


def test_the_outlook_table_counts_what_its_chart_draws(catalog):
    rows = (
        _series("9.1", [0, 0, 0], unit="hộ")
        + _series("17.1", [80.0, 90.9, 86.8], unit="%")
        + _series("15.1", [85.0, 88.0, 91.0], unit="%", op=">=", threshold=95.0)
    )
    progress = progress_status(pd.DataFrame(rows).astype({"threshold": "Float64"}), catalog=catalog)
    table = district.progress_table(progress, "vi")
    counts = plots.progress_counts(progress)
    assert table["n"].tolist() == counts.tolist()
    assert table["n"].sum() == len(progress)
    ax = plots.plot_progress_summary(progress)
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == table["n"].tolist()


def test_every_unmet_indicator_is_in_the_gap_view(catalog):
    rows = (
        _series("3.1", [85.0, 86.0, 90.0], unit="%", op=">=", threshold=80.0, met=True)
        + _series("17.1", [80.0, 90.9, 86.8], unit="%", met=False)
        + _series("15.1", [85.0, 88.0, 91.0], unit="%", op=">=", threshold=95.0, met=False)
    )
    frame = pd.DataFrame(rows).astype({"threshold": "Float64", "met": "boolean"})
    unmet = unmet_indicators(frame, 2023)
    assert unmet["indicator"].tolist() == ["15.1", "17.1"]
    assert unmet["has_target"].tolist() == [True, False]
    assert unmet["gap"].iloc[0] == pytest.approx(4.0) and pd.isna(unmet["gap"].iloc[1])
    ax = plots.plot_gap_to_target(frame, year=2023)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["3.1", "15.1", "17.1"]
    hollow = next(c for c in ax.collections if c.get_gid() == "no_target")
    assert hollow.get_offsets().tolist() == [[0.0, 2.0]]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert lb.label("not_met_no_target") in legend


# ----------------------------------------------------------------------------- colour


def test_eight_communes_get_eight_colours_and_eight_markers():
    from matplotlib.colors import to_hex

    rows = [
        {"year": y, "commune": f"Xã {i}", "criteria_met": 17, "criteria_total": 19}
        for i in range(8)
        for y in (2023, 2024)
    ]
    ax = plots.plot_criteria_met_over_years(pd.DataFrame(rows))
    lines = [line for line in ax.get_lines() if line.get_label().startswith("Xã")]
    assert len({to_hex(line.get_color()) for line in lines}) == 8
    assert len({line.get_marker() for line in lines}) == 8
    # equal counts stay visible: the lines sit side by side, each within a quarter year
    firsts = sorted(line.get_xdata()[0] for line in lines)
    assert len(set(firsts)) == 8 and all(abs(x - 2023) <= 0.125 for x in firsts)
    assert all(list(line.get_ydata()) == [17, 17] for line in lines)


def test_the_year_dots_are_clearly_different_shades():
    from matplotlib.colors import to_rgb

    criteria = pd.DataFrame(
        [
            {"year": y, "commune": f"Xã {k}", "criteria_set": SET, "criterion": str(c),
             "met": k < 1}
            for y in (2021, 2022, 2023, 2024)
            for c in range(1, 4)
            for k in range(2)
        ]
    ).astype({"met": "boolean"})  # fmt: skip
    ax = plots.plot_criterion_shares(criteria)
    colors = [to_rgb(line.get_color()) for line in ax.get_lines() if line.get_label()[:2] == "20"]
    lum = [0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b in colors]
    assert len(lum) == 4 and all(b - a < -0.1 for a, b in zip(lum, lum[1:], strict=False))


def test_english_counts_of_one_commune_are_singular():
    from ntm_analysis.sections.markup import count_phrase

    assert count_phrase("lagging_item", 1, "en", name="17. Environment", n=1) == (
        "17. Environment (1 commune)"
    )
    assert count_phrase("lagging_item", 2, "en", name="x", n=2) == "x (2 communes)"
