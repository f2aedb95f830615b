"""Charts: what is drawn equals the data; labels, fonts, palette and the seaborn contract."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.colors import to_hex
from matplotlib.ft2font import FT2Font

from ntm_analysis import labels as lb
from ntm_analysis import plots
from ntm_analysis import schema as s
from ntm_analysis.evaluation import evaluate_communes
from ntm_analysis.progress import progress_status

matplotlib.use("Agg")  # conftest sets MPLBACKEND too; be explicit for a lone run

SET = "qd318_2022_commune"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def criteria_frame(rows) -> pd.DataFrame:
    """rows: (year, commune, criterion, met[, self_assessed[, criteria_set]])."""
    out = [
        {
            "year": r[0],
            "commune": r[1],
            "commune_code": r[1][-1],
            "criteria_set": r[5] if len(r) > 5 else SET,
            "criterion": r[2],
            "met": r[3],
            "met_basis": s.BASIS_INDICATORS,
            "self_assessed": r[4] if len(r) > 4 else pd.NA,
            "indicators_expected": 1,
            "indicators_reported": 1,
            "indicators_met": 1,
            "source": "t",
        }
        for r in rows
    ]
    return pd.DataFrame(out, columns=list(s.CRITERION_COLUMNS)).astype({"met": "boolean"})


def indicators_frame(rows) -> pd.DataFrame:
    """rows: (year, commune, indicator, value, threshold, op)."""
    out = []
    for year, commune, code, value, threshold, op in rows:
        met = None if value is None else (value >= threshold if op == ">=" else value <= threshold)
        out.append(
            {
                "year": year,
                "commune": commune,
                "commune_code": commune[-1],
                "criteria_set": SET,
                "criterion": code.split(".")[0],
                "indicator": code,
                "value": value,
                "unit": "%",
                "threshold": threshold,
                "threshold_op": op,
                "met": met,
            }
        )
    return pd.DataFrame(out).astype({"met": "boolean", "value": "Float64", "threshold": "Float64"})


def full_set(year, commune, met_numbers, total=19, criteria_set=SET):
    return [
        (year, commune, str(k), k in met_numbers, pd.NA, criteria_set) for k in range(1, total + 1)
    ]


@pytest.fixture
def crit():
    """2023: A 19/19, B 17/19; 2024: A 18 (lost 19), B 19 (gained 3, 10), C appears 15/19."""
    rows = (
        full_set(2023, "Xã A", set(range(1, 20)))
        + full_set(2023, "Xã B", set(range(1, 20)) - {3, 10})
        + full_set(2024, "Xã A", set(range(1, 19)))
        + full_set(2024, "Xã B", set(range(1, 20)))
        + full_set(2024, "Xã C", set(range(1, 16)))
    )
    frame = criteria_frame(rows)
    # C: criterion 16 basically met, criterion 17 undecided
    frame.loc[(frame["commune"] == "Xã C") & (frame["criterion"] == "16"), "self_assessed"] = (
        s.BASICALLY_MET
    )
    frame.loc[(frame["commune"] == "Xã C") & (frame["criterion"] == "17"), "met"] = pd.NA
    return frame


@pytest.fixture
def ind():
    return indicators_frame(
        [
            (2022, "Xã A", "15.1", 80.0, 95.0, ">="),
            (2023, "Xã A", "15.1", 85.0, 95.0, ">="),
            (2024, "Xã A", "15.1", 88.2, 95.0, ">="),
            (2023, "Xã B", "15.1", 96.0, 95.0, ">="),
            (2024, "Xã B", "15.1", 97.0, 95.0, ">="),
            (2024, "Xã A", "11", 3.1, 2.0, "<="),
            (2024, "Xã B", "11", 1.0, 2.0, "<="),
        ]
    )


def mesh_values(ax) -> np.ndarray:
    mesh = ax.collections[0]
    return np.asarray(mesh.get_array()).reshape(len(ax.get_yticks()), len(ax.get_xticks()))


# --------------------------------------------------------------------------- font & theme


def test_font_in_use_has_every_vietnamese_glyph():
    with plots.theme():
        _, ax = plt.subplots()
        title = ax.set_title("Kết quả đạt tiêu chí")
        path = font_manager.findfont(title.get_fontproperties(), fallback_to_default=False)
    font = FT2Font(path)
    cmap = font.get_charmap()
    missing = [ch for ch in plots.VIETNAMESE_LETTERS if ord(ch) not in cmap]
    assert "DejaVu" in font.family_name
    assert missing == []
    for ch in "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđĐ":
        assert ch in plots.VIETNAMESE_LETTERS


def test_theme_context_restores_settings_and_sizes_differ():
    before = matplotlib.rcParams["figure.figsize"]
    with plots.theme("a4"):
        assert tuple(matplotlib.rcParams["figure.figsize"]) == plots.FIGSIZES["a4"]
    assert matplotlib.rcParams["figure.figsize"] == before
    assert plots.theme_rc("screen")["font.size"] > plots.theme_rc("a4")["font.size"]
    with pytest.raises(ValueError, match="size"):
        plots.theme_rc("poster")


def test_state_colours_are_distinct_okabe_ito():
    colours = [plots.STATE_COLORS[k] for k in plots.STATE_ORDER]
    assert len(set(colours)) == 4
    assert set(colours[:3]) <= set(plots.OKABE_ITO.values())


def test_new_figure_uses_size():
    fig, _ = plots.new_figure("a4")
    assert tuple(fig.get_size_inches()) == pytest.approx(plots.FIGSIZES["a4"])


# --------------------------------------------------------------------------- 1. attainment


def test_attainment_heatmap_cells_equal_states_sorted_by_criteria_met(crit):
    fig, ax = plt.subplots()
    out = plots.plot_attainment_heatmap(crit, year=2024, ax=ax)
    assert out is ax
    values = mesh_values(ax)
    code = {k: i for i, k in enumerate(plots.STATE_ORDER)}
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == ["Xã B (19/19)", "Xã A (18/19)", "Xã C (15/19)"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(k) for k in range(1, 20)]
    assert (values[0] == code[s.MET]).all()
    assert values[1, 18] == code[s.NOT_MET]
    assert values[2, 15] == code[s.BASICALLY_MET]
    assert values[2, 16] == code[lb.NO_DATA]
    assert values[2, 17] == code[s.NOT_MET]
    assert ax.get_title() == "Kết quả đạt tiêu chí theo xã, năm 2024"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Đạt", "Cơ bản đạt", "Chưa đạt", "Không có số liệu"]


def test_attainment_heatmap_in_english_with_names_and_ten_criteria():
    rows = full_set(2026, "Xã A", {1, 2}, 10, "qd51_2025_commune")
    ax = plots.plot_attainment_heatmap(
        criteria_frame(rows), lang="en", names={"1": "Planning"}, long_labels=True
    )
    assert ax.get_title() == "Criteria attainment by commune, 2026"
    assert ax.get_xlabel() == "Criterion"
    assert mesh_values(ax).shape == (1, 10)
    assert ax.get_xticklabels()[0].get_text() == "1. Planning"


def test_heatmap_kws_are_copied(crit):
    kws = {"linewidths": 2}
    plots.plot_attainment_heatmap(crit, year=2024, heatmap_kws=kws)
    assert kws == {"linewidths": 2}


# --------------------------------------------------------------------------- 2. change


def test_change_heatmap_cells(crit):
    ax = plots.plot_change_heatmap(crit, year_from=2023, year_to=2024)
    code = {k: i for i, k in enumerate(plots.CHANGE_ORDER)}
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == ["Xã A", "Xã B", "Xã C"]  # most lost first, then most gained
    values = mesh_values(ax)
    assert values[0, 18] == code[lb.LOST]
    assert values[1, 2] == code[lb.GAINED] and values[1, 9] == code[lb.GAINED]
    assert values[1, 0] == code[lb.UNCHANGED_MET]
    assert (values[2] == code[lb.NO_DATA]).all()
    assert ax.get_title() == "Thay đổi kết quả tiêu chí, 2023–2024"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Mới đạt", "Không còn đạt", "Giữ đạt", "Không có số liệu"]


# --------------------------------------------------------------------------- 3. criteria met


def test_criteria_met_lines_equal_data_with_standard_and_floor(crit):
    com = evaluate_communes(crit)
    ax = plots.plot_criteria_met_over_years(com)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    # lines sit a little to the side of each other (plots.LINE_DODGE): x rounds to the year
    xy = {n: [[round(x), y] for x, y in lines[n].get_xydata().tolist()] for n in ("Xã A", "Xã C")}
    assert xy["Xã A"] == [[2023, 19], [2024, 18]]
    assert xy["Xã C"] == [[2024, 15]]  # appears mid-series
    assert abs(lines["Xã A"].get_xdata()[0] - 2023) <= plots.LINE_DODGE / 2
    standard = [ln for ln in ax.get_lines() if ln.get_gid() == "standard"][0]
    floor = [ln for ln in ax.get_lines() if ln.get_gid() == "floor"][0]
    assert standard.get_ydata()[0] == 19 and floor.get_ydata()[0] == 15
    assert standard.get_label() == "Chuẩn NTM (19 tiêu chí)"
    assert ax.get_ylabel() == "Số tiêu chí đạt"


def test_criteria_met_ten_criterion_set_has_no_floor():
    rows = full_set(2026, "Xã A", {1, 2, 3}, 10, "qd51_2025_commune")
    ax = plots.plot_criteria_met_over_years(evaluate_communes(criteria_frame(rows)), lang="en")
    gids = [ln.get_gid() for ln in ax.get_lines()]
    assert "floor" not in gids
    standard = [ln for ln in ax.get_lines() if ln.get_gid() == "standard"][0]
    assert standard.get_ydata()[0] == 10


def test_many_communes_draw_grey_lines_without_legend():
    rows = []
    for i in range(20):
        rows += full_set(2024, f"Xã {i:02d}", set(range(1, 10 + i % 9)))
    com = evaluate_communes(criteria_frame(rows))
    ax = plots.plot_criteria_met_over_years(com, highlight=["Xã 03"])
    assert ax.get_legend() is None
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert to_hex(lines["Xã 00"].get_color()) == "#9e9e9e"
    assert to_hex(lines["Xã 03"].get_color()) != "#9e9e9e"


# --------------------------------------------------------------------------- 4. shares


def test_criterion_shares_points_equal_shares_and_lagging_highlighted(crit):
    ax = plots.plot_criterion_shares(crit, n_lagging=2)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    y2023 = lines["2023"].get_ydata()
    y2024 = lines["2024"].get_ydata()
    assert y2023[2] == 50.0 and y2023[0] == 100.0  # criterion 3: B missed it in 2023
    assert y2024[18] == pytest.approx(100 / 3)  # criterion 19: only B in 2024
    assert y2024[15] == pytest.approx(200 / 3)
    shaded = [p for p in ax.patches if p.get_gid() == "lagging"]
    assert len(shaded) == 2
    # lowest shares in 2024: 19 (1/3), then 16, 17, 18 (2/3) -> 16 by code order
    bold = [t.get_text() for t in ax.get_xticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["16", "19"]


def test_criterion_shares_explicit_lagging(crit):
    ax = plots.plot_criterion_shares(crit, lagging=["3"])
    bold = [t.get_text() for t in ax.get_xticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["3"]


def test_criterion_shares_line_kws_reach_the_marker_lines_and_are_not_mutated(crit):
    kws = {"markersize": 4, "marker": "s"}
    ax = plots.plot_criterion_shares(crit, line_kws=kws)
    years = [ln for ln in ax.get_lines() if ln.get_label() in ("2023", "2024")]
    assert len(years) == 2
    assert {(ln.get_markersize(), ln.get_marker(), ln.get_linestyle()) for ln in years} == {
        (4, "s", "None")
    }
    assert kws == {"markersize": 4, "marker": "s"}
    with pytest.raises(TypeError, match="scatter_kws"):
        plots.plot_criterion_shares(crit, scatter_kws={"s": 4})  # it never fed a scatter


# --------------------------------------------------------------------------- 5. bands


def test_band_bars_heights_equal_counts(crit):
    com = evaluate_communes(crit)
    ax = plots.plot_bands(com)
    heights = {c.get_label(): [b.get_height() for b in c] for c in ax.containers}
    assert heights == {
        "Đạt tất cả tiêu chí": [1.0, 1.0],
        "Đạt 15–18 tiêu chí": [1.0, 2.0],
    }
    assert [b.get_x() + b.get_width() / 2 for b in ax.containers[0]] == [2023, 2024]
    counts = plots.band_counts(com)
    assert counts.loc[2024, lb.BAND_FLOOR] == 2


def test_band_below_floor():
    rows = full_set(2024, "Xã A", set(range(1, 10)))
    ax = plots.plot_bands(evaluate_communes(criteria_frame(rows)), lang="en")
    assert [c.get_label() for c in ax.containers] == ["Under 15 criteria met"]


# --------------------------------------------------------------------------- 6. trajectory


def test_indicator_trajectory_points_threshold_and_projection(ind):
    ax = plots.plot_indicator_trajectory(ind, indicator="15.1", target_year=2026)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert lines["Xã A"].get_xydata().tolist() == [[2022, 80.0], [2023, 85.0], [2024, 88.2]]
    threshold = [ln for ln in ax.get_lines() if ln.get_gid() == "threshold"][0]
    assert threshold.get_ydata()[0] == 95.0
    projections = [ln for ln in ax.get_lines() if ln.get_gid() == "projection"]
    progress = progress_status(ind.loc[ind["indicator"] == "15.1"], target_year=2026)
    a = progress.set_index("commune").loc["Xã A"]
    assert len(projections) == 2
    xy = [p.get_xydata().tolist() for p in projections]
    assert [[2024, 88.2], [2026, pytest.approx(a["projected_value"])]] in xy
    assert ax.get_ylabel() == "Giá trị (%)"
    assert ax.get_title() == "Diễn biến chỉ tiêu 15.1 theo xã"


def test_indicator_trajectory_without_projection(ind):
    ax = plots.plot_indicator_trajectory(ind, indicator="15.1", commune_names=["Xã B"], lang="en")
    assert [ln.get_label() for ln in ax.get_lines() if ln.get_gid() is None] == ["Xã B"]
    assert not [ln for ln in ax.get_lines() if ln.get_gid() == "projection"]


# --------------------------------------------------------------------------- 7. gaps


def test_gap_dots_equal_gaps(ind):
    ax = plots.plot_gap_to_target(ind, year=2024, scale="unit")
    by_gid = {c.get_gid(): c.get_offsets() for c in ax.collections}
    # rows: "11" at y=0, "15.1" at y=1
    short = sorted(map(tuple, np.asarray(by_gid["short"]).round(6).tolist()))
    met = sorted(map(tuple, np.asarray(by_gid["met"]).round(6).tolist()))
    assert short == [(1.1, 0.0), (6.8, 1.0)]
    assert met == [(-2.0, 1.0), (-1.0, 0.0)]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["11", "15.1"]


def test_gap_dots_relative_scale(ind):
    ax = plots.plot_gap_to_target(ind, year=2024, only_short=True)
    offsets = sorted(np.asarray(ax.collections[0].get_offsets())[:, 0].round(4).tolist())
    assert offsets == [pytest.approx(6.8 / 95 * 100, abs=1e-3), 55.0]


# --------------------------------------------------------------------------- 8. progress


def test_progress_summary_bar_widths_equal_counts(ind):
    progress = progress_status(ind, target_year=2025)
    ax = plots.plot_progress_summary(progress, lang="en")
    widths = [b.get_width() for b in ax.containers[0]]
    expected = progress["status"].value_counts()
    assert widths == [float(expected.get(k, 0)) for k in lb.PROGRESS_STATUSES]
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Target achieved"
    assert ax.get_title() == "Progress status of indicators"


def test_plots_draw_on_current_axes_when_ax_is_none(crit):
    fig, ax = plt.subplots()
    assert plots.plot_bands(evaluate_communes(crit)) is ax
    assert len(fig.axes) == 1


def test_heatmap_of_a_province_labels_every_few_rows():
    rows = []
    for i in range(150):
        rows += full_set(2024, f"Xã {i:03d}", set(range(1, 1 + i % 20)))
    ax = plots.plot_attainment_heatmap(criteria_frame(rows))
    values = np.asarray(ax.collections[0].get_array()).reshape(150, 19)
    assert (values == 0).sum() == sum(i % 20 for i in range(150))
    assert len(ax.get_yticklabels()) == 50  # every 3rd of 150
