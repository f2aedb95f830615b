"""History that survives the 01/07/2025 merger: a unit's own rows, the units a new commune
was formed from with their last standing, and trends that never compare criterion numbers
of two criteria sets."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from ntm_analysis import changes, config, history, plots, standing
from ntm_analysis import schema as s
from ntm_analysis.registry import load_registry
from ntm_analysis.review import Review
from ntm_analysis.sections import commune as commune_page
from ntm_analysis.sections import district as district_page

OLD, NEW, ADV = "qd318_2022_commune", "qd51_2025_commune", "qd318_2022_commune_advanced"
LEVELS = {OLD: "commune", NEW: "commune", ADV: "commune_advanced"}
COLUMNS = ["year", "commune", "commune_code", "criteria_set", "criteria_met", "criteria_total",
           "status"]  # fmt: skip


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def _communes(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype(
        {"year": "Int64", "commune": "string", "commune_code": "string", "criteria_set": "string",
         "criteria_met": "int64", "criteria_total": "int64", "status": "string"}
    )  # fmt: skip


COMMUNES = _communes(
    [
        (2023, "Xã Đầm Hà", "06916", OLD, 19, 19, "ntm"),
        (2024, "Xã Đầm Hà", "06916", OLD, 19, 19, "ntm"),
        (2024, "Xã Đầm Hà", "06916", ADV, 19, 19, "ntm"),
        (2023, "Xã Tân Lập", "06917", OLD, 19, 19, "ntm"),
        (2024, "Xã Tân Lập", "06917", OLD, 18, 19, "not_ntm"),
        (2023, "Xã Quảng Tân", "06913", OLD, 19, 19, "ntm"),
        (2024, "Xã Quảng Tân", "06913", OLD, 18, 19, "not_ntm"),
        (2024, "Xã Quảng Lâm", "06898", OLD, 19, 19, "ntm"),
        (2026, "Xã Đầm Hà", "06895", NEW, 8, 10, "not_ntm"),
        (2026, "Xã Quảng Tân", "06913", NEW, 10, 10, "ntm"),
    ]
)


# ----------------------------------------------------------------------------- units


def test_rows_of_namesakes_belong_to_different_units(registry):
    keys = history.unit_keys(COMMUNES, registry)
    old_qt = keys[(COMMUNES["commune"] == "Xã Quảng Tân") & (COMMUNES["year"] == 2024)].iloc[0]
    new_qt = keys[(COMMUNES["commune"] == "Xã Quảng Tân") & (COMMUNES["year"] == 2026)].iloc[0]
    assert old_qt == "06913|Xã Quảng Tân|"
    assert new_qt == "06913|Xã Quảng Tân|2025-07-01"  # same name, same code, another unit


def test_unit_keys_find_the_unit_that_unit_in_year_finds(registry):
    keys = history.unit_keys(COMMUNES, registry)
    for row, key in zip(COMMUNES.itertuples(index=False), keys, strict=True):
        unit = history.unit_in_year(registry, row.commune, row.commune_code, row.year)
        assert key == history.unit_key(unit)
    unknown = COMMUNES.head(1).assign(commune="Xã Không Có")
    assert history.unit_keys(unknown, registry).isna().all()


def test_a_new_commune_history_leaves_out_its_namesake(registry):
    new = history.own_rows(COMMUNES, registry, "Xã Đầm Hà", 2026)
    assert new["year"].tolist() == [2026]
    assert new["commune_code"].tolist() == ["06895"]
    old = history.own_rows(COMMUNES, registry, "Xã Đầm Hà", 2024)
    assert sorted(old["year"].tolist()) == [2023, 2024, 2024]
    assert set(old["commune_code"]) == {"06916"}
    # name and code both shared: still two units
    assert history.own_rows(COMMUNES, registry, "Xã Quảng Tân", 2026)["year"].tolist() == [2026]
    assert history.own_rows(COMMUNES, registry, "Xã Quảng Tân", 2023)["year"].tolist() == [
        2023,
        2024,
    ]


def test_a_2026_commune_lists_its_predecessors_with_their_last_standing(registry):
    table = history.formed_from(COMMUNES, registry, "Xã Đầm Hà", 2026, levels=LEVELS)
    assert table["predecessor"].tolist() == [
        "Thị trấn Đầm Hà", "Xã Đầm Hà", "Xã Tân Bình", "Xã Tân Lập", "Xã Đại Bình",
    ]  # fmt: skip
    assert table["predecessor_code"].tolist() == ["06895", "06916", "06904", "06917", "06919"]
    assert set(table["merged_on"]) == {date(2025, 7, 1)}
    assert table["legal_basis"].str.contains("1679/NQ-UBTVQH15").all()
    by = table.set_index("predecessor")
    # the old namesake is a predecessor, with its own figures (not the new commune's 8/10)
    old = by.loc["Xã Đầm Hà"]
    assert (old["last_year"], old["criteria_set"]) == (2024, OLD)
    assert (old["criteria_met"], old["criteria_total"]) == (19, 19)
    assert (old["status_commune"], old["status_commune_year"]) == (s.STATUS_NTM, 2024)
    assert (old["status_commune_advanced"], old["status_commune_advanced_year"]) == ("ntm", 2024)
    assert old["status_commune_model"] == "no_data"
    assert (by.loc["Xã Tân Lập", "criteria_met"], by.loc["Xã Tân Lập", "status_commune"]) == (
        18,
        s.STATUS_NOT_NTM,
    )
    assert by.loc["Xã Tân Lập", "status_commune_advanced"] == "no_data"
    # no data for Tân Bình; the town is not assessed under the commune sets
    assert pd.isna(by.loc["Xã Tân Bình", "last_year"])
    assert by.loc["Xã Tân Bình", "status_commune"] == "no_data"
    assert by.loc["Thị trấn Đầm Hà", "status_commune"] == history.NOT_ASSESSED


def test_an_old_commune_was_formed_from_quang_loi_and_became_part_of_the_new_one(registry):
    table = history.formed_from(COMMUNES, registry, "Xã Quảng Tân", 2024)
    assert table["predecessor"].tolist() == ["Xã Quảng Lợi"]
    assert table["merged_on"].tolist() == [date(2020, 1, 1)]
    assert pd.isna(table["legal_basis"].iloc[0])
    links = history.became_part_of(COMMUNES, registry, "Xã Quảng Tân", 2024)
    assert [(x.successor.label(), x.effective) for x in links] == [
        ("Xã Quảng Tân (06913)", date(2025, 7, 1))
    ]
    assert history.became_part_of(COMMUNES, registry, "Xã Quảng Tân", 2026) == ()


# ----------------------------------------------------------------------------- sets


def test_set_runs_cut_a_series_where_the_set_or_the_unit_changes(registry):
    qt = COMMUNES.loc[COMMUNES["commune"] == "Xã Quảng Tân"]
    assert history.set_runs(qt).tolist() == [0, 0, 1]
    same_set = qt.assign(criteria_set=OLD)
    assert history.set_runs(same_set).tolist() == [0, 0, 0]
    assert history.set_runs(history.with_units(same_set, registry)).tolist() == [0, 0, 1]


def test_a_chart_over_2023_2026_never_compares_criterion_counts_of_two_sets():
    rows = COMMUNES.loc[(COMMUNES["criteria_set"] != ADV)]
    rows = rows.loc[rows["commune"].isin(["Xã Tân Lập", "Xã Quảng Tân"])]
    ax = plots.plot_criteria_met_over_years(rows)
    lines = [ln for ln in ax.get_lines() if ln.get_gid() is None]
    drawn = {
        (ln.get_label(), tuple(np.round(ln.get_xdata()).astype(int))): list(ln.get_ydata())
        for ln in lines
    }
    # the line breaks at the change of set; each point is a share of its own set's total
    assert drawn == {
        ("Xã Quảng Tân", (2023, 2024)): [100.0, pytest.approx(18 / 19 * 100)],
        ("_nolegend_", (2026,)): [100.0],
        ("Xã Tân Lập", (2023, 2024)): [100.0, pytest.approx(18 / 19 * 100)],
    }
    standard = [ln for ln in ax.get_lines() if ln.get_gid() == "standard"]
    assert [ln.get_ydata()[0] for ln in standard] == [100]
    assert not [ln for ln in ax.get_lines() if ln.get_gid() == "floor"]
    change = [ln for ln in ax.get_lines() if ln.get_gid() == "set_change"]
    assert [ln.get_xdata()[0] for ln in change] == [2025.5]
    assert ax.get_ylabel() == "Tiêu chí đạt (% tổng số tiêu chí của bộ)"


def test_a_chart_of_one_set_still_counts_criteria():
    rows = COMMUNES.loc[(COMMUNES["criteria_set"] == OLD) & (COMMUNES["commune"] == "Xã Tân Lập")]
    ax = plots.plot_criteria_met_over_years(rows)
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "Xã Tân Lập")
    assert line.get_xydata().tolist() == [[2023, 19], [2024, 18]]
    assert [ln.get_ydata()[0] for ln in ax.get_lines() if ln.get_gid() == "standard"] == [19]


def _criteria(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["year", "commune", "commune_code", "criteria_set",
                                        "criterion", "met"])  # fmt: skip
    return frame.astype({"year": "Int64", "met": "boolean", "criterion": "string"})


#: Criterion 6 is met by everyone under QĐ 318 and by no one under QĐ 51.
CRITERIA = _criteria(
    [(y, c, k, OLD, str(n), True) for y in (2023, 2024) for c, k in
     (("Xã Quảng Tân", "06913"), ("Xã Tân Lập", "06917")) for n in range(1, 20)]
    + [(2026, "Xã Quảng Tân", "06913", NEW, str(n), n != 6) for n in range(1, 11)]
)  # fmt: skip


def test_criterion_shares_over_two_sets_draw_only_one_set():
    ax = plots.plot_criterion_shares(CRITERIA)
    years = {ln.get_label(): ln for ln in ax.get_lines()}
    assert list(years) == ["2026"]  # 2023 and 2024 (QĐ 318) are not on QĐ 51's axis
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(n) for n in range(1, 11)]
    assert years["2026"].get_ydata()[5] == 0.0  # criterion 6 of QĐ 51 only
    plt.close("all")
    ax = plots.plot_criterion_shares(CRITERIA, criteria_set=OLD)
    assert [ln.get_label() for ln in ax.get_lines()] == ["2023", "2024"]
    assert len(ax.get_xticklabels()) == 19


def test_an_indicator_trajectory_never_joins_two_sets():
    ind = pd.DataFrame(
        {
            "year": [2023, 2024, 2026],
            "commune": ["Xã Tân Lập"] * 3,
            "commune_code": ["06917"] * 3,
            "criteria_set": [OLD, OLD, NEW],
            "criterion": ["6", "6", "6"],
            "indicator": ["6.1", "6.1", "6.1"],
            "value": [90.0, 95.0, 40.0],
            "threshold": [np.nan] * 3,
            "threshold_op": [pd.NA] * 3,
            "unit": ["%"] * 3,
        }
    ).astype({"year": "Int64"})
    ax = plots.plot_indicator_trajectory(ind, indicator="6.1")
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "Xã Tân Lập")
    assert line.get_xydata().tolist() == [[2026, 40.0]]
    plt.close("all")
    ax = plots.plot_indicator_trajectory(ind, indicator="6.1", criteria_set=OLD)
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "Xã Tân Lập")
    assert line.get_xydata().tolist() == [[2023, 90.0], [2024, 95.0]]


def _indicator_rows(rows) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["year", "commune", "commune_code", "criteria_set", "indicator", "value"]
    )
    return frame.assign(criterion=frame["indicator"].str.split(".").str[0]).astype(
        {"year": "Int64"}
    )


def test_the_series_of_a_year_are_its_own_units_under_its_own_set(registry):
    ind = _indicator_rows(
        [
            (2023, "Xã Quảng Tân", "06913", OLD, "2.1", 93.2),  # same name and code, old unit
            (2024, "Xã Quảng Tân", "06913", OLD, "2.1", 88.1),
            (2024, "Xã Tân Lập", "06917", OLD, "17.1", 87.9),  # merged away in 2025
            (2026, "Xã Quảng Tân", "06913", NEW, "2.1", 93.9),
            (2026, "Xã Đầm Hà", "06895", NEW, "8.1", 65.1),
            (2027, "Xã Đầm Hà", "06895", NEW, "8.1", 70.0),  # after the year asked for
        ]
    )
    now = history.current_series(ind, registry, 2026)
    assert now[["year", "commune", "indicator"]].values.tolist() == [
        [2026, "Xã Quảng Tân", "2.1"],
        [2026, "Xã Đầm Hà", "8.1"],
    ]
    then = history.current_series(ind, registry, 2024)
    assert then["year"].tolist() == [2023, 2024, 2024]
    # a commune the registry does not know keeps its name and code as its unit
    other = _indicator_rows(
        [(2025, "Xã Mới", "99999", OLD, "2.1", 1.0), (2026, "Xã Mới", "99999", OLD, "2.1", 2.0)]
    )
    assert history.current_series(other, registry, 2026)["year"].tolist() == [2025, 2026]


def test_the_2026_review_draws_progress_only_from_the_new_communes(processed_sample_dir):
    from ntm_analysis.pipeline import load_processed

    data = load_processed(processed_sample_dir)
    progress = Review(data=data, year=2026).progress
    assert set(progress["commune"]) == {"Xã Đầm Hà", "Xã Quảng Tân"}
    assert set(progress["criteria_set"]) == {NEW}
    assert (progress["base_year"] == 2026).all()
    # the 2024 review still follows each old commune over 2021-2024
    old = Review(data=data, year=2024).progress
    assert set(old["criteria_set"]) == {OLD}
    assert old["commune"].nunique() == 8
    assert old["base_year"].min() == 2021


def test_compare_years_across_a_set_change_pairs_no_criterion_and_no_namesake(registry):
    crit = history.with_units(CRITERIA, registry)
    com = history.with_units(COMMUNES.loc[COMMUNES["criteria_set"] != ADV], registry)
    cmp = changes.compare_years(crit, com, 2024, 2026)
    qt = cmp.communes.loc[cmp.communes["commune"] == "Xã Quảng Tân"]
    # the old and the new Xã Quảng Tân are two units: two rows, never one pair
    assert sorted(zip(qt["present_from"], qt["present_to"], strict=True)) == [
        (False, True),
        (True, False),
    ]
    assert not qt["dropped_below_standard"].any() and not qt["newly_ntm"].any()
    assert (cmp.cells.loc[cmp.cells["commune"] == "Xã Quảng Tân", "change"] == "no_data").all()
    # without units, the same name and code pair up, but still nothing is compared by number
    base = COMMUNES.loc[COMMUNES["criteria_set"] != ADV]
    plain = changes.compare_years(CRITERIA, base, 2024, 2026)
    row = plain.communes.loc[plain.communes["commune"] == "Xã Quảng Tân"].iloc[0]
    assert (row["criteria_met_from"], row["criteria_met_to"]) == (18, 10)
    assert pd.isna(row["criteria_met_change"])
    assert row["gained"] == "" or pd.isna(row["gained"])
    cells = plain.cells.loc[plain.cells["commune"] == "Xã Quảng Tân"]
    six = cells.loc[cells["criterion"] == "6"]
    assert six["change"].tolist() == ["not_comparable"]  # 6 of QĐ 318 is not 6 of QĐ 51
    shares = plain.criteria.set_index("criterion")
    assert not shares.loc["6", "comparable"] and pd.isna(shares.loc["6", "share_change"])


def test_commune_standing_gives_no_count_change_across_sets(registry):
    rows = COMMUNES.loc[COMMUNES["criteria_set"] != ADV]
    table = standing.commune_standing(rows)
    qt = table.loc[table["commune"] == "Xã Quảng Tân"].set_index("year")
    assert qt.loc[2024, "criteria_met_change"] == -1
    assert pd.isna(qt.loc[2026, "criteria_met_change"])
    by_unit = standing.commune_standing(history.with_units(rows, registry))
    qt = by_unit.loc[by_unit["commune"] == "Xã Quảng Tân"].set_index("year")
    assert pd.isna(qt.loc[2026, "previous_year"])  # the new unit has no earlier year


def test_a_plan_of_the_old_set_is_not_closed_by_the_new_sets_criterion():
    from ntm_analysis import roadmap

    plans = pd.DataFrame(
        {"task_id": ["NV-2025-06913-6"], "year": [2025], "department": ["P"],
         "commune": ["Xã Quảng Tân"], "indicator": ["6"],
         "deadline": [pd.Timestamp("2026-06-30")]}
    )  # fmt: skip
    crit = _criteria(
        [(2025, "Xã Quảng Tân", "06913", OLD, "6", False),
         (2026, "Xã Quảng Tân", "06913", NEW, "6", True)]
    )  # fmt: skip
    tracked = roadmap.track_plans(plans, crit.iloc[0:0], 2026, criteria=crit)
    assert tracked["tracking"].tolist() == [s.TRACK_NO_DATA]
    same = crit.assign(criteria_set=OLD)
    tracked = roadmap.track_plans(plans, crit.iloc[0:0], 2026, criteria=same)
    assert tracked["tracking"].tolist() == [s.TRACK_CLOSED]


# ----------------------------------------------------------------------------- pages


def _review_with_2026(processed_sample_dir, *, registry_path=None, lang="vi") -> Review:
    """The sample's 2021–2024 years with 2026 rows of known figures for the two new communes.

    The sample's own 2026 reports are replaced, so each test states the figures it checks.
    """
    from ntm_analysis.pipeline import load_processed

    data = load_processed(processed_sample_dir)
    data = dataclasses.replace(
        data,
        communes=data.communes.loc[data.communes["year"] != 2026],
        criteria=data.criteria.loc[data.criteria["year"] != 2026],
        indicators=data.indicators.loc[data.indicators["year"] != 2026],
    )
    new = _communes(
        [
            (2026, "Xã Đầm Hà", "06895", NEW, 8, 10, "not_ntm"),
            (2026, "Xã Quảng Tân", "06913", NEW, 10, 10, "ntm"),
        ]
    )
    new = new.assign(criteria_basically_met=0, criteria_reported=10)
    new = new.reindex(columns=data.communes.columns)
    communes = pd.concat([data.communes, new.astype(data.communes.dtypes.to_dict())])
    crit_rows = [
        {"year": 2026, "commune": c, "commune_code": k, "criteria_set": NEW,
         "criterion": str(n), "met": n <= met, "met_basis": "self_assessment",
         "self_assessed": "met" if n <= met else "not_met", "indicators_expected": 0,
         "indicators_reported": 0, "indicators_met": 0, "source_file": f"{k}_2026.xlsx",
         "source_sheet": "Sheet1", "source_row": n + 6}
        for c, k, met in (("Xã Đầm Hà", "06895", 8), ("Xã Quảng Tân", "06913", 10))
        for n in range(1, 11)
    ]  # fmt: skip
    extra = pd.DataFrame(crit_rows).reindex(columns=data.criteria.columns)
    criteria = pd.concat([data.criteria, extra.astype(data.criteria.dtypes.to_dict())])
    report = dict(data.ingest_report)
    if registry_path is not None:
        report["registry"] = str(registry_path)
    data = dataclasses.replace(
        data,
        communes=communes.reset_index(drop=True),
        criteria=criteria.reset_index(drop=True),
        ingest_report=report,
    )
    return Review(data=data, year=2026, lang=lang)


def _last(frame, commune, code):
    rows = frame.loc[(frame["commune"] == commune) & (frame["commune_code"] == code)]
    return rows.sort_values("year").iloc[-1]


def test_a_2026_profile_names_its_predecessors_with_their_last_standing(processed_sample_dir):
    review = _review_with_2026(processed_sample_dir)
    page = commune_page.history(review, "Xã Đầm Hà")
    text = re.sub(r"<[^>]+>", " ", page)
    assert "Hình thành từ các đơn vị cũ" in text
    assert "Xã Đầm Hà (06895) được hình thành từ ngày 01/07/2025 trên cơ sở 5 đơn vị" in text
    assert "NQ 1679/NQ-UBTVQH15" in text
    communes = review.communes
    table = commune_page.formed_from_table(review, "Xã Đầm Hà").set_index("Đơn vị cũ")
    for name, code in (("Xã Đầm Hà", "06916"), ("Xã Tân Lập", "06917"), ("Xã Đại Bình", "06919")):
        last = _last(communes, name, code)
        row = table.loc[name]
        assert row["Mã"] == code
        assert row["Năm có số liệu gần nhất"] == str(int(last["year"])) == "2024"
        assert row["Tiêu chí đạt"] == f"{int(last['criteria_met'])}/19"
        word = "Đạt" if last["status"] == s.STATUS_NTM else "Chưa đạt"
        assert row["Nông thôn mới"] == f"{word} (2024)"
        assert row["NTM kiểu mẫu"] == "Không có số liệu"
    assert table.loc["Thị trấn Đầm Hà", "Nông thôn mới"] == "Không đánh giá theo bộ tiêu chí xã"
    # nothing decided: the page says so
    assert "không kết luận tình trạng của Xã Đầm Hà" in text
    # the old namesake is a predecessor, and its rows are not the new commune's history
    assert "Xã Đầm Hà (06916) trước ngày 01/07/2025 là một đơn vị khác" in text
    own = re.search(r"Tổng số tiêu chí.*?</table>", page, re.S).group(0)
    assert re.findall(r"<td>(20\d\d)</td>", own) == ["2026"]


def test_an_english_profile_and_an_old_communes_successor(processed_sample_dir):
    review = _review_with_2026(processed_sample_dir, lang="en")
    text = re.sub(r"<[^>]+>", " ", commune_page.history(review, "Quảng Tân"))
    assert "Xã Quảng Tân (06913) was formed on 01/07/2025 from 4 units" in text
    assert "decides nothing about Xã Quảng Tân" in text
    old = Review(data=review.data, year=2024, lang="vi")
    text = re.sub(r"<[^>]+>", " ", commune_page.history(old, "Xã Quảng Tân"))
    assert "Từ ngày 01/07/2025, Xã Quảng Tân nhập vào Xã Quảng Tân (06913)." in text
    assert "Hình thành từ" in text  # Quảng Lợi, 01/01/2020, with no legal basis on file
    assert "Căn cứ pháp lý của việc sắp xếp chưa có trong tệp lineage.csv." in text


def test_the_2026_standing_does_not_compare_with_the_old_namesake(processed_sample_dir):
    review = _review_with_2026(processed_sample_dir)
    text = re.sub(r"<[^>]+>", " ", commune_page.standing(review, "Xã Quảng Tân"))
    assert "Năm 2026, Xã Quảng Tân đạt 10/10 tiêu chí" in text
    assert "So với năm 2024" not in text  # the 2024 Xã Quảng Tân was another unit
    cmp = review.comparison()
    rows = cmp.communes.loc[cmp.communes["commune"] == "Xã Quảng Tân"]
    assert len(rows) == 2 and not rows["dropped_below_standard"].any()


def test_the_district_review_over_2021_2026_splits_at_the_set_change(processed_sample_dir):
    review = _review_with_2026(processed_sample_dir)
    page = district_page.over_years(review)
    text = re.sub(r"<[^>]+>", " ", page)
    assert "QĐ 318/QĐ-TTg ngày 08/03/2022, QĐ 51/2025/QĐ-TTg ngày 29/12/2025" in text
    assert page.count("<figure") == 3  # criteria met (shares) + one criterion chart per set
    assert "theo QĐ 51/2025/QĐ-TTg" in text and "theo QĐ 318/QĐ-TTg" in text


def test_data_derived_text_is_escaped(processed_sample_dir, tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    source = config.REGISTRY_FILE
    (folder / "communes.csv").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    lineage = (source.parent / "lineage.csv").read_text(encoding="utf-8")
    (folder / "lineage.csv").write_text(
        lineage.replace("NQ 1679/NQ-UBTVQH15", "<script>x</script> 1679"), encoding="utf-8"
    )
    review = _review_with_2026(processed_sample_dir, registry_path=folder / "communes.csv")
    page = commune_page.history(review, "Xã Đầm Hà")
    assert "<script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt; 1679" in page


def test_2026_pages_go_to_the_communes_own_offices_not_the_old_districts(processed_sample_dir):
    from ntm_analysis.pipeline import load_processed
    from ntm_analysis.review import departments

    data = load_processed(processed_sample_dir)
    assert departments(data, 2026) == [
        "Phòng Kinh tế (xã)",
        "Phòng Văn hóa – Xã hội (xã)",
        "Văn phòng HĐND và UBND xã",
        "Công an xã",
        "Ban CHQS xã",
    ]
    old = departments(data, 2024)
    assert "Phòng Y tế" in old and "BHXH huyện" in old
    assert not any(name.endswith("(xã)") for name in old)
    tasks = Review(data=data, year=2026).tasks
    assert set(tasks["department"]) <= set(departments(data, 2026))


def test_the_gap_table_writes_targets_as_the_other_tables_do(processed_sample_dir):
    from ntm_analysis.pipeline import load_processed

    page = district_page.lagging(Review(data=load_processed(processed_sample_dir), year=2026))
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    quang_tan_61 = next(r for r in rows if "Xã Quảng Tân" in r and "6.1." in r)
    assert "<td>≥ 90</td>" in quang_tan_61
    assert "&gt;=" not in page
