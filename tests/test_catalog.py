"""Catalog integrity, set selection by year, and province detailing sets."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from corpus import CRITERIA_NAMES

from ntm_analysis.catalog import Catalog, criteria_set_from_data, load_catalog
from ntm_analysis.errors import CatalogError

#: The 19 criteria of QĐ 318 Annex I, in order (docs/catalog-sources.md, S1).
QD318_NAMES = list(CRITERIA_NAMES)
SET_IDS = {
    "qd1980_2016_commune",
    "qd318_2022_commune",
    "qd318_2022_commune_advanced",
    "qd320_2022_district",
    "qd51_2025_commune",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_every_decision_has_a_set(catalog):
    assert {s.id for s in catalog.sets} == SET_IDS


def test_qd318_commune_set_has_the_19_criteria_in_order(catalog):
    cset = catalog.get("qd318_2022_commune")
    assert [c.number for c in cset.criteria] == [str(n) for n in range(1, 20)]
    assert [c.name_vi for c in cset.criteria] == QD318_NAMES
    assert all(c.name_en for c in cset.criteria)


def test_qd318_indicators_are_coded_within_their_criterion(catalog):
    cset = catalog.get("qd318_2022_commune")
    assert len(cset.indicators) >= 19
    for c in cset.criteria:
        assert c.indicators, f"criterion {c.number} has no indicator"
        for i in c.indicators:
            assert i.code == c.number or i.code.startswith(c.number + ".")


@pytest.mark.parametrize("set_id", sorted(SET_IDS))
def test_codes_unique_and_everything_sourced(catalog, set_id):
    cset = catalog.get(set_id)
    codes = [i.code for i in cset.indicators]
    assert len(codes) == len(set(codes))
    assert cset.decision and cset.source
    for c in cset.criteria:
        assert c.source.strip()
        for i in c.indicators:
            assert i.source.strip(), i.code
            assert i.text_vi.strip() and i.text_en.strip()
            for t in i.thresholds:
                assert t.source.strip(), f"{set_id} {i.code} threshold without a source"
                assert t.op in (">=", "<=", "yes")
                assert (t.value is None) == (t.op == "yes")


def test_confirmed_qd318_thresholds(catalog):
    cset = catalog.get("qd318_2022_commune")
    t31 = cset.indicator("3.1").threshold_for(None, 2023)
    assert (t31.op, t31.value) == (">=", 80.0)
    t32 = cset.indicator("3.2").threshold_for(None, 2023)
    assert t32.op == "yes"


@pytest.mark.parametrize(
    "region, year, expected",
    [
        (None, 2022, 48.0),  # the common figure where the region is unset
        ("DBSH", 2022, 53.0),
        ("TDMNPB", 2022, 39.0),
        ("DNB", 2022, 63.0),
        ("DHNTB", 2022, None),  # not found: not the common figure either
        ("DBSH", 2023, None),  # only 2022 was found
    ],
)
def test_qd318_income_2022_per_region_with_its_certainty(catalog, region, year, expected):
    t = catalog.get("qd318_2022_commune").indicator("10").threshold_for(region, year)
    assert (t.value if t is not None else None) == expected
    if t is not None:
        assert "investinquangninh.vn" in t.source
        assert t.certainty and "chưa đối chiếu" in t.certainty


def test_qd1980_income_2020_for_every_region(catalog):
    ind = catalog.get("qd1980_2016_commune").indicator("10")
    figures = {r: ind.threshold_for(r, 2020).value for r in ("TDMNPB", "DBSH", "DHNTB", "DNB")}
    assert figures == {"TDMNPB": 36.0, "DBSH": 50.0, "DHNTB": 41.0, "DNB": 59.0}
    assert ind.threshold_for(None, 2020).value == 45.0
    assert "thuviennhadat.vn" in ind.threshold_for("TN", 2020).source


def test_second_hand_figures_say_so_and_the_frame_carries_it(catalog):
    frame = catalog.to_frame(set_id="qd318_2022_commune")
    sure = frame.loc[frame["certainty"].notna(), "indicator"]
    assert set(sure) == {"10", "15.1", "15.4"}
    assert frame.loc[frame["indicator"] == "3.1", "certainty"].isna().all()
    stunting = frame.loc[frame["indicator"] == "15.3"]
    assert stunting["threshold"].isna().all()  # read, but too uncertain to encode


@pytest.mark.parametrize(
    "year, expected",
    [
        (2016, "qd1980_2016_commune"),
        (2020, "qd1980_2016_commune"),
        (2021, "qd318_2022_commune"),
        (2025, "qd318_2022_commune"),
        (2026, "qd51_2025_commune"),
    ],
)
def test_the_year_of_the_data_picks_the_set(catalog, year, expected):
    assert catalog.set_for_year(year).id == expected


def test_years_outside_every_set_are_refused(catalog):
    with pytest.raises(CatalogError):
        catalog.set_for_year(2010)


def test_other_levels_are_selected_separately(catalog):
    assert catalog.set_for_year(2023, level="district").id == "qd320_2022_district"
    assert catalog.set_for_year(2023, level="commune_advanced").id == "qd318_2022_commune_advanced"
    assert len(catalog.get("qd51_2025_commune").criteria) == 10
    assert len(catalog.get("qd320_2022_district").criteria) == 9


def test_catalog_frame_has_one_row_per_indicator_and_threshold(catalog):
    frame = catalog.to_frame(set_id="qd318_2022_commune")
    cset = catalog.get("qd318_2022_commune")
    expected_rows = sum(max(1, len(i.thresholds)) for i in cset.indicators)
    assert len(frame) == expected_rows
    unset = frame.loc[frame["op"].isna()]
    assert set(unset["basis"]) <= {"self_assessment"}
    assert frame.loc[frame["op"].notna(), "threshold_source"].notna().all()
    assert frame["indicator_source"].notna().all()


def test_criterion_names_match_ignoring_case_and_diacritics(catalog):
    cset = catalog.get("qd318_2022_commune")
    assert cset.match_criterion_name("GIAO THONG").number == "2"
    assert cset.match_criterion_name("Môi trường").number == "17"
    assert cset.match_criterion_name("Không có") is None


def test_province_yaml_fills_in_and_overrides_thresholds(tmp_path):
    path = tmp_path / "tinh.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "decision": "QĐ 1/QĐ-UBND tỉnh Thử",
                "base_set": "qd318_2022_commune",
                "thresholds": [
                    {"indicator": "3.1", "op": ">=", "value": 85, "text": "≥85%"},
                    {"indicator": "10", "year": 2024, "op": ">=", "value": 60, "text": "≥60"},
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    cat = load_catalog(path)
    cset = cat.get("qd318_2022_commune")
    t31 = cset.indicator("3.1").threshold_for(None, 2024)
    assert (t31.value, t31.origin, t31.source) == (85.0, "province", "QĐ 1/QĐ-UBND tỉnh Thử")
    assert cset.indicator("10").threshold_for(None, 2024).value == 60.0
    assert cset.province_set == "QĐ 1/QĐ-UBND tỉnh Thử"
    # the national catalog is untouched
    assert (
        load_catalog().get("qd318_2022_commune").indicator("3.1").threshold_for(None, 2024).value
        == 80.0
    )


def test_province_spreadsheet_laid_out_like_the_annex(tmp_path):
    path = tmp_path / "bo-tieu-chi-tinh.xlsx"
    table = pd.DataFrame(
        {
            "TT": [3, None, None, 15, None, 11],
            "Tên tiêu chí": ["Thủy lợi", None, None, "Y tế", None, "Nghèo đa chiều"],
            "Nội dung tiêu chí": [
                None,
                "3.1. Tỷ lệ diện tích đất sản xuất nông nghiệp được tưới và tiêu nước chủ động",
                "3.2. Đảm bảo yêu cầu chủ động về phòng chống thiên tai",
                None,
                "15.1. Tỷ lệ người dân tham gia bảo hiểm y tế",
                "Tỷ lệ nghèo đa chiều",
            ],
            "Chỉ tiêu": [None, "≥ 90%", "Đạt", None, ">=95%", "Dưới 2%"],
            "DBSH": [None, "≥ 92%", None, None, None, None],
        }
    )
    table.to_excel(path, index=False)
    cset = load_catalog(path).get("qd318_2022_commune")
    assert cset.indicator("3.1").threshold_for(None, 2023).value == 90.0
    assert cset.indicator("3.1").threshold_for("DBSH", 2023).value == 92.0
    t151 = cset.indicator("15.1").threshold_for(None, 2023)
    assert (t151.op, t151.value, t151.origin) == (">=", 95.0, "province")
    assert "bo-tieu-chi-tinh.xlsx" in t151.source
    # a single-indicator criterion takes its code from TT; "Dưới" is a strict ceiling
    t11 = cset.indicator("11").threshold_for(None, 2023)
    assert (t11.op, t11.value) == ("<", 2.0)


def test_unknown_indicator_in_a_province_set_is_refused(tmp_path):
    path = tmp_path / "tinh.yaml"
    path.write_text("thresholds:\n  - {indicator: '99.9', op: '>=', value: 1}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="99.9"):
        load_catalog(path)


@pytest.mark.parametrize(
    "mutation, message",
    [
        (lambda d: d["criteria"][0]["indicators"][0]["thresholds"][0].pop("source"), "source"),
        (lambda d: d["criteria"][0]["indicators"][0].update(kind="colour"), "kind"),
        (lambda d: d["criteria"][0]["indicators"][0].update(code="2.1"), "criterion"),
        (
            lambda d: d["criteria"][0]["indicators"][0]["thresholds"][0].update(op="~"),
            "phép so sánh '~'",
        ),
    ],
)
def test_malformed_set_data_is_refused_with_a_clear_message(mutation, message):
    data = {
        "id": "x",
        "level": "commune",
        "name_vi": "x",
        "decision": "x",
        "first_year": 2021,
        "last_year": 2025,
        "source": "x",
        "criteria": [
            {
                "number": "1",
                "name_vi": "x",
                "source": "x",
                "indicators": [
                    {
                        "code": "1.1",
                        "text_vi": "x",
                        "kind": "percent",
                        "source": "x",
                        "thresholds": [{"op": ">=", "value": 1, "source": "x"}],
                    }
                ],
            }
        ],
    }
    criteria_set_from_data(data)  # valid as written
    mutation(data)
    with pytest.raises(CatalogError, match=message):
        criteria_set_from_data(data)
