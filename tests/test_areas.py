"""The area a review covers: a district, the province, or a former district (issue 11)."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_analysis import areas, render
from ntm_analysis import review as rv
from ntm_analysis.errors import UsageError
from ntm_analysis.pipeline import load_processed
from ntm_analysis.registry import load_registry
from ntm_analysis.sections import district as page

NEW_COMMUNES = ["Xã Quảng Tân", "Xã Đầm Hà"]
OLD_COMMUNES = [
    "Xã Dực Yên",
    "Xã Quảng An",
    "Xã Quảng Lâm",
    "Xã Quảng Tân",
    "Xã Tân Bình",
    "Xã Tân Lập",
    "Xã Đại Bình",
    "Xã Đầm Hà",
]


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.fixture(scope="module")
def data(processed_sample_dir):
    return load_processed(processed_sample_dir)


@pytest.fixture
def fresh_kernel(monkeypatch):
    monkeypatch.setattr(rv, "_REVIEWS", {})
    monkeypatch.delenv(rv.SNAPSHOT_ENV, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("written", "kind", "name"),
    [
        ("Tỉnh Quảng Ninh", areas.AREA_PROVINCE, "Tỉnh Quảng Ninh"),
        ("quang ninh", areas.AREA_PROVINCE, "Tỉnh Quảng Ninh"),
        ("province", areas.AREA_PROVINCE, "Tỉnh Quảng Ninh"),
        ("Huyện Đầm Hà", areas.AREA_DISTRICT, "Huyện Đầm Hà"),
        ("dam ha", areas.AREA_DISTRICT, "Huyện Đầm Hà"),
        ("huyện Đầm Hà cũ", areas.AREA_FORMER_DISTRICT, "Huyện Đầm Hà"),
        ("Địa bàn huyện Đầm Hà cũ", areas.AREA_FORMER_DISTRICT, "Huyện Đầm Hà"),
        ("former-district", areas.AREA_FORMER_DISTRICT, "Huyện Đầm Hà"),
    ],
)
def test_an_area_is_read_as_users_write_it(registry, written, kind, name):
    area = areas.parse_area(written, registry=registry)
    assert (area.kind, area.name) == (kind, name)
    assert areas.parse_area(area.spec, registry=registry) == area  # the spec reads back


def test_areas_are_labelled_in_both_languages(registry):
    labels = {
        spec: (area.label("vi"), area.label("en"), area.slug)
        for spec in ("Tỉnh Quảng Ninh", "Huyện Đầm Hà", "huyện Đầm Hà cũ")
        for area in [areas.parse_area(spec, registry=registry)]
    }
    assert labels == {
        "Tỉnh Quảng Ninh": ("Tỉnh Quảng Ninh", "Quảng Ninh province", "tinh-quang-ninh"),
        "Huyện Đầm Hà": ("Huyện Đầm Hà", "Đầm Hà district", "huyen-dam-ha"),
        "huyện Đầm Hà cũ": (
            "Địa bàn huyện Đầm Hà cũ",
            "Former Đầm Hà district area",
            "dia-ban-huyen-dam-ha-cu",
        ),
    }


def test_an_unknown_area_is_one_clear_line(registry):
    with pytest.raises(UsageError) as err:
        areas.parse_area("Tiên Yên", registry=registry)
    assert "Tiên Yên" in str(err.value) and "Huyện Đầm Hà" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_reused_code_names_the_unit_of_the_year(registry):
    assert registry.unit_in_year("06895", 2024).name == "Thị trấn Đầm Hà"
    assert registry.unit_in_year("06895", 2026).name == "Xã Đầm Hà"
    assert registry.unit_in_year("06895", 2026).district is None
    # in 2025 both held the code: the name decides, else the unit standing on 31 December
    assert registry.unit_in_year("06895", 2025, name="Thị trấn Đầm Hà").unit_type == "thị trấn"
    assert registry.unit_in_year("06895", 2025).valid_from.isoformat() == "2025-07-01"


def test_rows_belong_to_an_area_by_their_unit_not_their_code(registry):
    rows = pd.DataFrame(
        {
            "year": [2024, 2026, 2024],
            "commune_code": ["06895", "06895", "06916"],
            "commune": ["Thị trấn Đầm Hà", "Xã Đầm Hà", "Xã Đầm Hà"],
        }
    )
    district = areas.parse_area("Huyện Đầm Hà", registry=registry)
    former = areas.parse_area("huyện Đầm Hà cũ", registry=registry)
    province = areas.parse_area("Tỉnh Quảng Ninh", registry=registry)
    assert areas.in_area(rows, district, registry).tolist() == [True, False, True]
    assert areas.in_area(rows, former, registry).tolist() == [True, True, True]
    assert areas.in_area(rows, province, registry).tolist() == [True, True, True]


def test_a_former_district_reaches_its_successors_through_the_lineage(registry):
    former = areas.parse_area("huyện Đầm Hà cũ", registry=registry)
    units = areas.former_district_units(former, registry)
    new = sorted(u.name for u in units if u.district is None)
    assert new == NEW_COMMUNES
    assert "Xã Quảng Lợi" in {u.name for u in units}  # merged away in 2020, still its ground


def test_the_default_area_is_the_district_before_the_arrangement_and_the_province_after(
    data, registry
):
    assert areas.default_area(data, 2024, registry) == areas.Area("district", "Huyện Đầm Hà")
    assert areas.default_area(data, 2026, registry) == areas.Area("province", "Tỉnh Quảng Ninh")
    assert [areas.after_arrangement(y) for y in (2024, 2025, 2026)] == [False, True, True]


def test_a_district_cannot_be_reviewed_after_it_ended(data, registry):
    with pytest.raises(UsageError, match="Địa bàn huyện Đầm Hà cũ"):
        areas.area_for(data, 2026, "Huyện Đầm Hà", registry=registry)


def test_restricting_to_a_former_district_keeps_its_communes_of_each_year(data, registry):
    before = data.communes.copy()
    former = areas.area_for(data, 2026, "huyện Đầm Hà cũ", registry=registry)
    sub = areas.restrict_to_area(data, former, registry)
    com = sub.communes
    assert sorted(com.loc[com["year"] == 2026, "commune"]) == NEW_COMMUNES
    assert sorted(com.loc[com["year"] == 2024, "commune"]) == OLD_COMMUNES
    assert set(sub.indicators["commune"]) == set(com["commune"])
    pd.testing.assert_frame_equal(data.communes, before)  # pure


def test_the_district_review_of_2024_shows_the_qd320_conditions(processed_sample_dir, fresh_kernel):
    review = rv.load_area_review(processed_sample_dir, year=2024)
    assert review.area == areas.Area("district", "Huyện Đầm Hà")
    text = page.district_conditions(review)
    assert 'id="district-conditions"' in text and "QĐ 320/QĐ-TTg" in text
    assert "100% số xã đạt chuẩn NTM" in text and "6/8" in text
    assert "Địa bàn rà soát: Huyện Đầm Hà, 8 xã năm 2024." in page.headline(review)


def test_the_province_review_of_2026_has_no_district_conditions(processed_sample_dir, fresh_kernel):
    review = rv.load_area_review(processed_sample_dir, year=2026)
    assert review.area == areas.Area("province", "Tỉnh Quảng Ninh")
    assert page.district_conditions(review) == ""
    assert "Địa bàn rà soát: Tỉnh Quảng Ninh, 2 xã năm 2026." in page.headline(review)
    former = rv.load_area_review(processed_sample_dir, year=2026, area="former-district", lang="en")
    assert page.district_conditions(former) == ""
    headline = page.headline(former)
    assert "Area reviewed: Former Đầm Hà district area, 2 communes in 2026." in headline


def test_render_plans_each_year_with_its_area(data):
    jobs = render.plan_jobs(data, kinds=["district", "commune"])
    reviews = {j.year: j for j in jobs if j.kind == "district"}
    assert reviews[2024].html_path == "2024/district-review.html"
    assert reviews[2024].title == "Rà soát nông thôn mới năm 2024 — Huyện Đầm Hà"
    assert reviews[2024].parameters["area"] == "Huyện Đầm Hà"
    assert reviews[2026].html_path == "2026/review-tinh-quang-ninh.html"
    assert reviews[2026].title == "Rà soát nông thôn mới năm 2026 — Tỉnh Quảng Ninh"
    assert reviews[2026].parameters["area"] == "Tỉnh Quảng Ninh"
    communes = {(j.year, j.label) for j in jobs if j.kind == "commune"}
    assert {n for y, n in communes if y == 2026} == set(NEW_COMMUNES)
    assert len([n for y, n in communes if y == 2024]) == 8


def test_render_takes_the_former_district_as_its_area(data):
    jobs = render.plan_jobs(data, years=[2026], area="huyện Đầm Hà cũ", lang="en")
    (review,) = [j for j in jobs if j.kind == "district"]
    assert review.html_path == "2026/review-dia-ban-huyen-dam-ha-cu.html"
    assert review.title == "New rural development review 2026 — Former Đầm Hà district area"
    assert review.label == "Former Đầm Hà district area"
    assert sorted(j.label for j in jobs if j.kind == "commune") == NEW_COMMUNES
    with pytest.raises(UsageError, match="no longer exists"):
        render.plan_jobs(data, years=[2026], area="Huyện Đầm Hà")
