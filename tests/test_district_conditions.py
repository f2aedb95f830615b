"""The district conditions are catalog data judged by one loop.

The reference model below is the hard-coded QĐ 320 branching the loop replaced
(kept verbatim apart from names): on the sample and on generated inputs the loop
over the catalog's conditions gives the same table. A changed catalog file
changes the result, which a hard-coded loop could not do.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ntm_analysis import config
from ntm_analysis import labels as lb
from ntm_analysis import schema as s
from ntm_analysis.catalog import CONDITION_MEASURES, load_catalog
from ntm_analysis.district_conditions import MEASURES, district_conditions
from ntm_analysis.errors import CatalogError
from ntm_analysis.pipeline import load_processed

DISTRICT_FILE = "qd320_2022_district.yaml"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


# --------------------------------------------------------------------------- reference model


def _per_year(value, year):
    return value.get(year) if isinstance(value, Mapping) else value


def reference_district_conditions(
    communes, *, year=None, advanced=None, towns_civilised=None, satisfaction=None,
    district_criteria=None, lang="vi",
):  # fmt: skip
    """The QĐ 320 conditions as they were coded before the catalog held them."""
    rows = []
    years = sorted(communes["year"].unique()) if year is None else [year]
    for y in years:
        com = communes.loc[communes["year"] == y]
        total = len(com)
        ntm = int((com["status"] == s.STATUS_NTM).sum())
        no_data = int((com["status"] == s.STATUS_NO_DATA).sum())
        not_ntm = int((com["status"] == s.STATUS_NOT_NTM).sum())
        conds = []
        if total == 0:
            conds.append(("all_communes_ntm", "100%", "", lb.CONDITION_CANNOT_DECIDE,
                          "reason_communes_missing"))  # fmt: skip
        elif not_ntm:
            conds.append(("all_communes_ntm", "100%", f"{ntm}/{total}", lb.CONDITION_NOT_MET, ""))
        elif no_data:
            conds.append(("all_communes_ntm", "100%", f"{ntm}/{total}",
                          lb.CONDITION_CANNOT_DECIDE, "reason_communes_missing"))  # fmt: skip
        else:
            conds.append(("all_communes_ntm", "100%", f"{ntm}/{total}", lb.CONDITION_MET, ""))
        req = f"≥ {0.10:.0%}"
        adv = None if advanced is None else advanced.loc[advanced["year"] == y]
        if adv is None or adv.empty or total == 0:
            conds.append(("advanced_share", req, "", lb.CONDITION_CANNOT_DECIDE,
                          "reason_no_advanced_data"))  # fmt: skip
        else:
            n_adv = int((adv["status"] == s.STATUS_NTM).sum())
            share = n_adv / total
            res = lb.CONDITION_MET if share >= 0.10 else lb.CONDITION_NOT_MET
            conds.append(("advanced_share", req, f"{n_adv}/{total} ({share:.0%})", res, ""))
        towns = _per_year(towns_civilised, y)
        if towns is None:
            conds.append(("towns_civilised", "100%", "", lb.CONDITION_CANNOT_DECIDE,
                          "reason_no_town_data"))  # fmt: skip
        else:
            res = lb.CONDITION_MET if towns else lb.CONDITION_NOT_MET
            conds.append(("towns_civilised", "100%", str(bool(towns)), res, ""))
        sat = _per_year(satisfaction, y)
        req = f"≥ {0.90:.0%}"
        if sat is None or pd.isna(sat):
            conds.append(("satisfaction", req, "", lb.CONDITION_CANNOT_DECIDE,
                          "reason_no_satisfaction_data"))  # fmt: skip
        else:
            share = float(sat) / 100 if float(sat) > 1 else float(sat)
            res = lb.CONDITION_MET if share >= 0.90 else lb.CONDITION_NOT_MET
            conds.append(("satisfaction", req, f"{share:.0%}", res, ""))
        dc = None if district_criteria is None else district_criteria.loc[
            district_criteria["year"] == y]  # fmt: skip
        if dc is None or dc.empty:
            conds.append(("district_criteria", "100%", "", lb.CONDITION_CANNOT_DECIDE,
                          "reason_no_district_criteria"))  # fmt: skip
        else:
            met_col = dc["met"].astype("boolean")
            met = int(met_col.fillna(False).sum())
            n = len(dc)
            if met == n:
                res, reason = lb.CONDITION_MET, ""
            elif (~met_col).fillna(False).any():
                res, reason = lb.CONDITION_NOT_MET, ""
            else:
                res, reason = lb.CONDITION_CANNOT_DECIDE, "reason_no_district_criteria"
            conds.append(("district_criteria", f"{n}/{n}", f"{met}/{n}", res, reason))
        results = [c[3] for c in conds]
        if lb.CONDITION_NOT_MET in results:
            overall = lb.CONDITION_NOT_MET
        elif all(r == lb.CONDITION_MET for r in results):
            overall = lb.CONDITION_MET
        else:
            overall = lb.CONDITION_CANNOT_DECIDE
        conds.append(("district_ntm", "", "", overall, ""))
        for cond, required, observed, result, reason in conds:
            rows.append({
                "year": int(y), "condition": cond, "required": required, "observed": observed,
                "result": result, "result_label": lb.label(result, lang),
                "reason": lb.label(reason, lang) if reason else "",
            })  # fmt: skip
    cols = ["year", "condition", "required", "observed", "result", "result_label", "reason"]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({c: "string" for c in out.columns if c != "year"})


def _same_as_reference(got: pd.DataFrame, **kws) -> None:
    want = reference_district_conditions(**kws)
    pd.testing.assert_frame_equal(got.drop(columns="condition_label"), want)


# --------------------------------------------------------------------------- fixtures


def communes_frame(statuses_by_year: dict[int, list[str]]) -> pd.DataFrame:
    rows = [
        {"year": y, "commune": f"Xã {i}", "commune_code": str(i), "status": st_}
        for y, statuses in statuses_by_year.items()
        for i, st_ in enumerate(statuses)
    ]
    return pd.DataFrame(rows, columns=["year", "commune", "commune_code", "status"]).astype(
        {"status": "string"}
    )


def district_criteria_frame(met_by_year: dict[int, list[bool | None]]) -> pd.DataFrame:
    rows = [
        {"year": y, "criterion": str(k + 1), "met": m}
        for y, mets in met_by_year.items()
        for k, m in enumerate(mets)
    ]
    return pd.DataFrame(rows, columns=["year", "criterion", "met"]).astype({"met": "boolean"})


STATUSES = st.sampled_from([s.STATUS_NTM, s.STATUS_NOT_NTM, s.STATUS_NO_DATA])
YEARS = st.lists(st.sampled_from([2021, 2022, 2023, 2024, 2025]), min_size=1, max_size=3,
                 unique=True)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    years=YEARS,
    statuses=st.lists(STATUSES, max_size=12),
    advanced=st.one_of(st.none(), st.lists(STATUSES, max_size=12)),
    towns=st.one_of(st.none(), st.booleans()),
    satisfaction=st.one_of(
        st.none(),
        st.just(float("nan")),
        st.sampled_from([0.9, 0.89, 90, 89.5, 1, 0.95, 100]),
        st.floats(0, 100, allow_nan=False),
    ),
    district_met=st.one_of(st.none(), st.lists(st.sampled_from([True, False, None]), max_size=9)),
    lang=st.sampled_from(["vi", "en"]),
)
def test_the_loop_over_the_catalog_gives_what_the_coded_conditions_gave(
    catalog, years, statuses, advanced, towns, satisfaction, district_met, lang
):
    com = communes_frame({y: statuses for y in years}) if statuses else communes_frame({})
    if not statuses:  # a year with no commune rows at all
        com = communes_frame({years[0]: []})
    adv = None if advanced is None else communes_frame({y: advanced for y in years})
    dcrit = None if district_met is None else district_criteria_frame(
        {y: district_met for y in years})  # fmt: skip
    kws = dict(advanced=adv, towns_civilised=towns, satisfaction=satisfaction,
               district_criteria=dcrit, lang=lang)  # fmt: skip
    year = years[0] if not statuses else None
    got = district_conditions(com, year=year, catalog=catalog, **kws)
    _same_as_reference(got, communes=com, year=year, **kws)


def test_per_year_inputs_are_read_per_year(catalog):
    com = communes_frame({2023: [s.STATUS_NTM] * 4, 2024: [s.STATUS_NTM] * 4})
    kws = dict(towns_civilised={2023: False, 2024: True}, satisfaction={2024: 91})
    got = district_conditions(com, catalog=catalog, **kws)
    _same_as_reference(got, communes=com, **kws)
    table = got.set_index(["year", "condition"])
    assert table.loc[(2023, "towns_civilised"), "result"] == lb.CONDITION_NOT_MET
    assert table.loc[(2024, "towns_civilised"), "result"] == lb.CONDITION_MET
    assert table.loc[(2023, "satisfaction"), "result"] == lb.CONDITION_CANNOT_DECIDE
    assert table.loc[(2024, "satisfaction"), "observed"] == "91%"


def test_the_sample_district_gives_what_the_coded_conditions_gave(catalog, processed_sample_dir):
    communes = load_processed(processed_sample_dir).communes
    years = sorted(int(y) for y in communes["year"].unique())
    first = communes["commune"].astype("string") == communes["commune"].astype("string").min()
    advanced = communes.assign(status=communes["status"].where(first, s.STATUS_NOT_NTM))
    dcrit = district_criteria_frame({y: [True] * 8 + [y % 2 == 0] for y in years})
    kws = dict(advanced=advanced, towns_civilised={years[-1]: True}, satisfaction=0.93,
               district_criteria=dcrit)  # fmt: skip
    got = district_conditions(communes, catalog=catalog, **kws)
    assert set(got["year"]) == {y for y in years if 2021 <= y <= 2025}
    _same_as_reference(got, communes=communes.loc[communes["year"].between(2021, 2025)], **kws)


def test_the_labels_and_requirements_read_as_before(catalog):
    com = communes_frame({2024: [s.STATUS_NTM, s.STATUS_NTM, s.STATUS_NO_DATA]})
    got = district_conditions(com, catalog=catalog, lang="en").set_index("condition")
    assert got.loc["all_communes_ntm", "condition_label"] == (
        "100% of communes meet the NTM standard"
    )
    assert got.loc["all_communes_ntm", "result"] == lb.CONDITION_CANNOT_DECIDE
    assert got.loc["all_communes_ntm", "reason"] == "Some communes have no data"
    assert got.loc["advanced_share", "required"] == "≥ 10%"
    assert got.loc["satisfaction", "required"] == "≥ 90%"
    assert got.loc["district_ntm", "condition_label"] == "District meets the NTM standard"
    vi = district_conditions(com, catalog=catalog).set_index("condition")
    assert vi.loc["advanced_share", "condition_label"] == "Ít nhất 10% số xã đạt chuẩn NTM nâng cao"


def test_years_no_district_set_covers_give_no_rows(catalog):
    com = communes_frame({2019: [s.STATUS_NTM], 2024: [s.STATUS_NTM], 2026: [s.STATUS_NTM]})
    got = district_conditions(com, catalog=catalog)
    assert sorted(set(got["year"])) == [2024]


# --------------------------------------------------------------------------- the data decide


def _catalog_with(tmp_path, edit) -> object:
    folder = tmp_path / "catalog"
    shutil.copytree(config.CATALOG_DIR, folder)
    path = folder / DISTRICT_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_catalog(catalog_dir=folder)


def _condition(data, cid):
    return next(c for c in data["conditions"] if c["id"] == cid)


def test_a_changed_figure_in_the_catalog_changes_the_result(tmp_path, catalog):
    com = communes_frame({2024: [s.STATUS_NTM] * 10})
    adv = communes_frame({2024: [s.STATUS_NTM] * 2 + [s.STATUS_NOT_NTM] * 8})
    kws = dict(advanced=adv, towns_civilised=True, satisfaction=92)
    before = district_conditions(com, catalog=catalog, **kws).set_index("condition")
    assert before.loc["satisfaction", "result"] == lb.CONDITION_MET
    assert before.loc["advanced_share", "result"] == lb.CONDITION_MET

    def stricter(data):
        _condition(data, "satisfaction")["value"] = 0.95
        _condition(data, "advanced_share")["value"] = 0.25

    after = district_conditions(com, catalog=_catalog_with(tmp_path, stricter), **kws)
    after = after.set_index("condition")
    assert after.loc["satisfaction", "result"] == lb.CONDITION_NOT_MET
    assert after.loc["satisfaction", "required"] == "≥ 95%"
    assert after.loc["advanced_share", "result"] == lb.CONDITION_NOT_MET
    assert after.loc["advanced_share", "required"] == "≥ 25%"
    assert after.loc["district_ntm", "result"] == lb.CONDITION_NOT_MET


def test_the_catalog_decides_which_conditions_there_are(tmp_path):
    com = communes_frame({2024: [s.STATUS_NTM] * 3})

    def only_two(data):
        data["conditions"] = [
            _condition(data, "all_communes_ntm"),
            _condition(data, "towns_civilised"),
        ]
        _condition(data, "towns_civilised")["id"] = "every_town_civilised"

    got = district_conditions(com, catalog=_catalog_with(tmp_path, only_two), towns_civilised=True)
    assert got["condition"].tolist() == ["all_communes_ntm", "every_town_civilised", "district_ntm"]
    # the two conditions left are met: the district is, by this (made-up) set
    assert got["result"].tolist() == [lb.CONDITION_MET] * 3


def test_a_condition_without_a_source_or_with_an_unknown_measure_is_refused(tmp_path):
    def unsourced(data):
        del _condition(data, "satisfaction")["source"]

    with pytest.raises(CatalogError, match="source"):
        _catalog_with(tmp_path / "a", unsourced)

    def unknown(data):
        _condition(data, "satisfaction")["measure"] = "happiness"

    with pytest.raises(CatalogError, match="happiness"):
        _catalog_with(tmp_path / "b", unknown)


def test_every_measure_the_catalog_accepts_is_observed():
    assert set(MEASURES) == set(CONDITION_MEASURES)


def test_every_condition_carries_its_legal_source(catalog):
    district = catalog.get("qd320_2022_district")
    assert [c.id for c in district.conditions] == [
        "all_communes_ntm", "advanced_share", "towns_civilised", "satisfaction",
        "district_criteria",
    ]  # fmt: skip
    assert all("QĐ 320/QĐ-TTg" in c.source for c in district.conditions)
