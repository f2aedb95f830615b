"""The commune registry and name matching."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ntm_analysis.errors import CatalogError
from ntm_analysis.registry import load_registry

DAM_HA_UNITS = {
    "06895": "Thị trấn Đầm Hà",
    "06916": "Xã Đầm Hà",
    "06904": "Xã Tân Bình",
    "06917": "Xã Tân Lập",
    "06919": "Xã Đại Bình",
    "06898": "Xã Quảng Lâm",
    "06901": "Xã Quảng An",
    "06910": "Xã Dực Yên",
    "06913": "Xã Quảng Tân",
}


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_ships_dam_ha_nine_units_with_codes_as_text(registry):
    units = registry.units(2023)
    assert dict(zip(units["code"], units["name"], strict=True)) == DAM_HA_UNITS
    assert set(units["district"]) == {"Huyện Đầm Hà"}
    assert set(units["province"]) == {"Tỉnh Quảng Ninh"}


def test_only_communes_are_assessed(registry):
    assessed = registry.units(2023, assessed_only=True)
    assert len(assessed) == 8
    assert "Thị trấn Đầm Hà" not in set(assessed["name"])


@pytest.mark.parametrize(
    "written", ["Quang Tan", "QUẢNG TÂN", "Xã Quảng Tân", "X. Quảng Tân", "  xã  quảng   tân "]
)
def test_names_match_whatever_the_case_diacritics_spacing_and_prefix(registry, written):
    match = registry.match(written, year=2023)
    assert match.ok
    assert (match.code, match.name) == ("06913", "Xã Quảng Tân")


def test_the_prefix_decides_between_town_and_commune(registry):
    assert registry.match("Thị trấn Đầm Hà", year=2023).code == "06895"
    assert registry.match("TT Đầm Hà", year=2023).code == "06895"
    assert registry.match("Xã Đầm Hà", year=2023).code == "06916"


def test_bare_ambiguous_name_names_both_candidates(registry):
    match = registry.match("Đầm Hà", year=2023)
    assert match.status == "ambiguous"
    assert any("Thị trấn Đầm Hà" in c for c in match.candidates)
    assert any("Xã Đầm Hà" in c for c in match.candidates)


def test_a_district_is_never_taken_for_a_commune(registry):
    assert registry.match("huyện Đầm Hà", year=2023).status == "not_a_commune"
    assert registry.is_district_name("Huyện Đầm Hà")
    assert not registry.is_district_name("Xã Quảng Tân")


def test_a_merged_commune_is_not_matched_to_its_successor(registry):
    match = registry.match("Xã Quảng Lợi", year=2023)
    assert match.status == "not_valid_in_year"
    assert "2023" in match.message
    assert registry.match("Quảng Lợi", year=2019).ok


def test_codes_reused_after_the_2025_merger_are_told_apart_by_period(registry):
    assert registry.match("Xã Đầm Hà", year=2024).code == "06916"
    assert registry.match("Xã Đầm Hà", year=2026).code == "06895"
    assert registry.match("Xã Tân Bình", year=2026).status == "not_valid_in_year"


def test_unknown_name_suggests_a_close_one(registry):
    match = registry.match("Xã Quảng Tấn Mới", year=2023)
    assert match.status == "unknown"
    assert "không có trong danh mục xã" in match.message and "Xã Quảng Tân" in match.message


def test_another_district_is_a_file_not_code(tmp_path):
    path = tmp_path / "communes.csv"
    path.write_text(
        "code,name,unit_type,district,province,threshold_region,valid_from,valid_to,note\n"
        "00001,Xã Thử Nghiệm,xã,Huyện Khác,Tỉnh Khác,DBSH,,,\n",
        encoding="utf-8",
    )
    registry = load_registry(path)
    match = registry.match("thu nghiem", year=2023)
    assert (match.code, match.threshold_region) == ("00001", "DBSH")
    assert registry.region_of("00001", 2023) == "DBSH"


def test_a_bad_registry_file_gets_a_clear_error(tmp_path):
    path = tmp_path / "communes.csv"
    path.write_text("code,name\n1,Xã A\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="thiếu cột"):
        load_registry(path)
    path.write_text(
        "code,name,unit_type,district,province,threshold_region,valid_from,valid_to,note\n"
        "1,Xã A,làng,H,T,,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="loại đơn vị"):
        load_registry(path)


# --------------------------------------------------------------------------- properties

COMMUNES_2023 = [n for n in DAM_HA_UNITS.values() if n.startswith("Xã ") and n != "Xã Đầm Hà"]
PREFIXES = ["", "Xã ", "xã ", "XÃ ", "X. ", "x.", "UBND xã ", "Ủy ban nhân dân xã "]


def _strip_marks(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


@st.composite
def written_names(draw):
    name = draw(st.sampled_from(COMMUNES_2023))
    bare = name.removeprefix("Xã ")
    if draw(st.booleans()):
        bare = _strip_marks(bare)
    bare = draw(st.sampled_from([bare, bare.upper(), bare.lower(), bare.title()]))
    spaces = draw(st.sampled_from([" ", "  ", "\u00a0", " \n"]))
    bare = spaces.join(bare.split(" "))
    padded = draw(st.sampled_from(["", " ", "  "])) + draw(st.sampled_from(PREFIXES)) + bare
    return name, padded + draw(st.sampled_from(["", " ", "\t"]))


@settings(max_examples=300, deadline=None)
@given(written_names())
def test_any_spelling_of_a_commune_matches_the_same_unit(registry, case):
    name, written = case
    match = registry.match(written, year=2023)
    assert match.ok, (written, match.message)
    assert match.name == name


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_matching_never_raises_and_never_invents_a_unit(registry, text):
    match = registry.match(text, year=2023)
    assert match.status in {"ok", "unknown", "ambiguous", "not_valid_in_year", "not_a_commune"}
    if match.ok:
        assert match.name in DAM_HA_UNITS.values()
    else:
        assert match.code is None and match.message
