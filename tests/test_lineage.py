"""The lineage of units across mergers, and the commune group of QĐ 51."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from ntm_analysis import config
from ntm_analysis.catalog import load_catalog
from ntm_analysis.errors import CatalogError
from ntm_analysis.layouts import parse_sheet
from ntm_analysis.lineage import LINEAGE_COLUMNS, read_lineage
from ntm_analysis.readers import RawSheet
from ntm_analysis.registry import Registry, load_registry

OLD_DAM_HA = {"Thị trấn Đầm Hà", "Xã Đầm Hà", "Xã Tân Bình", "Xã Tân Lập", "Xã Đại Bình"}
OLD_QUANG_TAN = {"Xã Quảng Lâm", "Xã Quảng An", "Xã Dực Yên", "Xã Quảng Tân"}
MERGER = date(2025, 7, 1)


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_ships_nine_old_units_into_two_new_communes(registry):
    links = [link for link in registry.links if link.effective == MERGER]
    assert len(links) == 9
    into = {}
    for link in links:
        into.setdefault(link.successor.label(), set()).add(link.predecessor.name)
    assert into == {"Xã Đầm Hà (06895)": OLD_DAM_HA, "Xã Quảng Tân (06913)": OLD_QUANG_TAN}
    assert all(link.predecessor.valid_to == date(2025, 6, 30) for link in links)
    assert all(link.successor.valid_from == MERGER for link in links)


def test_the_legal_basis_is_given_only_where_known(registry):
    bases = {link.predecessor.name: link.legal_basis for link in registry.links}
    assert bases["Xã Quảng Lợi"] is None
    assert all("1679/NQ-UBTVQH15" in b for n, b in bases.items() if n != "Xã Quảng Lợi")


def test_a_reused_code_means_a_different_unit_on_each_side_of_the_merger(registry):
    before, after = date(2024, 12, 31), date(2026, 1, 1)
    assert registry.unit("06895", on=before).name == "Thị trấn Đầm Hà"
    assert registry.unit("06895", on=after).name == "Xã Đầm Hà"
    assert registry.unit("06895", on=date(2025, 6, 30)).unit_type == "thị trấn"
    assert registry.unit("06895", on=MERGER).unit_type == "xã"
    # the town had no predecessors; the new commune has five
    assert registry.predecessors("06895", on=before) == ()
    assert {link.predecessor.name for link in registry.predecessors("06895", on=after)} == (
        OLD_DAM_HA
    )
    # the town became the new commune; the new commune has not been merged further
    assert [link.successor.label() for link in registry.successors("06895", on=before)] == [
        "Xã Đầm Hà (06895)"
    ]
    assert registry.successors("06895", on=after) == ()


def test_same_code_and_name_on_both_sides_are_still_two_units(registry):
    old = registry.unit("06913", on=date(2023, 1, 1))
    new = registry.unit("06913", on=date(2026, 1, 1))
    assert old.name == new.name == "Xã Quảng Tân"
    assert old != new
    assert [
        link.predecessor.name for link in registry.predecessors("06913", on=date(2023, 1, 1))
    ] == ["Xã Quảng Lợi"]
    assert {link.predecessor.name for link in registry.predecessors("06913", on=MERGER)} == (
        OLD_QUANG_TAN
    )
    assert registry.successors("06913", on=date(2023, 1, 1))[0].successor == new


def test_a_codeless_unit_is_found_by_its_name(registry):
    (link,) = registry.successors(None, on=date(2019, 6, 1), name="Xã Quảng Lợi")
    assert link.successor.code == "06913" and link.effective == date(2020, 1, 1)
    assert registry.unit(None, on=date(2021, 1, 1), name="Xã Quảng Lợi") is None


@pytest.mark.parametrize(
    "written, year, successor",
    [
        ("Xã Tân Lập", 2026, "Xã Đầm Hà (06895)"),
        ("Thị trấn Đầm Hà", 2026, "Xã Đầm Hà (06895)"),
        ("Xã Dực Yên", 2027, "Xã Quảng Tân (06913)"),
        ("Xã Quảng Lợi", 2023, "Xã Quảng Tân (06913)"),
    ],
)
def test_a_unit_gone_in_the_year_is_not_matched_and_names_its_successor(
    registry, written, year, successor
):
    match = registry.match(written, year=year)
    assert match.status == "not_valid_in_year"
    assert match.successors == (successor,)
    assert successor in match.message and str(year) in match.message


def test_a_report_from_a_merged_away_commune_is_rejected_naming_its_successor(registry):
    rows = [
        ["UBND XÃ TÂN LẬP"],
        ["BÁO CÁO KẾT QUẢ NĂM 2026"],
        ["TT", "Tên tiêu chí", "Tự đánh giá"],
        [1, "Quy hoạch", "Đạt"],
    ]
    grid = tuple(tuple(r) + ("",) * (3 - len(r)) for r in rows)
    res = parse_sheet(
        RawSheet("tan_lap_2026.xlsx", "2026", False, grid, 1, 0),
        registry=registry,
        catalog=load_catalog(),
    )
    assert res.records.empty
    reject = res.rejects.iloc[0]
    assert reject["reason"] == "commune_not_valid_in_year"
    assert "Xã Đầm Hà (06895)" in reject["message"]
    assert res.reconciled


def _registry(tmp_path, rows, lineage=None):
    head = "code,name,unit_type,district,province,threshold_region,valid_from,valid_to,note"
    (tmp_path / "communes.csv").write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    if lineage is not None:
        (tmp_path / "lineage.csv").write_text(
            "\n".join([",".join(LINEAGE_COLUMNS), *lineage]) + "\n", encoding="utf-8"
        )
    return load_registry(tmp_path / "communes.csv")


def test_a_registry_without_a_lineage_file_or_group_columns_still_loads(tmp_path):
    reg = _registry(tmp_path, ["00001,Xã A,xã,H,T,DBSH,,,"])
    assert reg.links == ()
    assert reg.group_of("00001", 2026) is None
    assert reg.match("Xã A", year=2026).ok


def test_a_lineage_row_that_names_no_registry_unit_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogError, match=r"dòng 2: đơn vị mới Xã C .*2020-01-01"):
        _registry(
            tmp_path,
            ["00001,Xã A,xã,H,T,,,2019-12-31,", "00002,Xã B,xã,H,T,,,,"],
            ["00001,Xã A,00009,Xã C,2020-01-01,,"],
        )
    with pytest.raises(CatalogError, match="không phải ngày dạng YYYY-MM-DD"):
        _registry(tmp_path, ["00001,Xã A,xã,H,T,,,,"], ["00001,Xã A,00001,Xã A,01/07/2025,,"])


def test_the_lineage_file_is_read_as_text():
    frame = read_lineage(config.REGISTRY_FILE.with_name("lineage.csv"))
    assert len(frame) == 10
    assert frame["predecessor_code"].dropna().str.len().eq(5).all()


# --------------------------------------------------------------------------- commune groups


def test_the_shipped_registry_sets_no_commune_group(registry):
    assert registry.frame["commune_group"].isna().all()


def test_commune_group_counts_only_within_its_own_period():
    frame = pd.DataFrame(
        {
            "code": ["00001", "00002"],
            "name": ["Xã A", "Xã B"],
            "unit_type": ["xã", "xã"],
            "district": [None, None],
            "province": ["T", "T"],
            "threshold_region": ["DBSH", None],
            "commune_group": ["2", "3"],
            "group_valid_from": ["2026-01-01", None],
            "group_valid_to": [None, "2027-12-31"],
            "valid_from": [None, None],
            "valid_to": [None, None],
            "note": [None, None],
        }
    )
    reg = Registry(frame)
    assert reg.group_of("00001", 2025) is None
    assert reg.group_of("00001", 2026) == "2"
    assert reg.group_of("00002", 2027) == "3"
    assert reg.group_of("00002", 2028) is None
    assert list(reg.units(2028)["commune_group"].isna()) == [False, True]
    with pytest.raises(CatalogError, match="nhóm xã"):
        Registry(frame.assign(commune_group=["4", None]))
