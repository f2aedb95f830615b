"""Deterministic synthetic inputs for the benchmarks, at any scale.

Everything here is made up and says so: commune names are invented syllable
combinations, codes start at 90000 (above every real unit code) and file
names carry ``MAU-synthetic``. The same ``seed`` always gives the same bytes
of content (workbook timestamps aside).

* :func:`make_registry` - a commune registry of ``n`` invented communes, in
  districts of ``communes_per_district``, spread over threshold regions;
* :func:`make_province_registry` - invented communes of one province after
  the arrangement of 01/07/2025: no district, a QĐ 51 commune group each;
* :func:`make_records` - ingested records (``schema.RECORD_COLUMNS``) for
  every commune x year x indicator of the real catalog, plus one
  criterion-level appraisal row per commune x year x criterion (a set known
  at criterion level only gets invented indicator rows with stated targets);
* :func:`write_commune_report` / :func:`write_district_matrix` - raw
  workbooks in the layouts communes and district offices send;
* :func:`write_province_raw` - a whole raw folder (reports and matrices).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ntm_analysis import schema as s
from ntm_analysis.evaluation import records_order
from ntm_analysis.registry import COMMUNE_GROUPS, REGISTRY_COLUMNS

#: Syllables of invented commune names (never a district syllable, so a
#: commune name can not be read as a district name).
COMMUNE_SYLLABLES = (
    "An", "Bình", "Cẩm", "Đông", "Hòa", "Hưng", "Lạc", "Long", "Minh", "Phú",
    "Phúc", "Quang", "Sơn", "Tân", "Thanh", "Thịnh", "Thuận", "Trung", "Vĩnh", "Yên",
    "Cát", "Hà", "Lợi", "Nam", "Đức",
)  # fmt: skip
DISTRICT_SYLLABLES = (
    "Bảo", "Châu", "Diễn", "Giang", "Hải", "Kim", "Lâm", "Mỹ", "Nghĩa", "Ngọc",
    "Nhân", "Quế", "Sa", "Tiên", "Tường", "Uyên", "Vạn", "Xuân",
)  # fmt: skip
PROVINCE_NAME = "Tỉnh Mẫu (dữ liệu giả lập)"
CODE_BASE = 90000
SYNTHETIC_NOTE = "Đơn vị giả lập cho benchmark (synthetic)"


def _names(syllables: Sequence[str], n: int, rng: np.random.Generator) -> list[str]:
    """``n`` distinct invented names from ``syllables`` (2 syllables, then 3)."""
    pairs = [f"{a} {b}" for a, b in itertools.permutations(syllables, 2)]
    if n <= len(pairs):
        pool = pairs
    else:
        pool = [f"{a} {b} {c}" for a, b, c in itertools.permutations(syllables, 3)]
        if n > len(pool):
            raise ValueError(f"At most {len(pool)} invented names; asked for {n}.")
    order = rng.permutation(len(pool))[:n]
    return [pool[i] for i in order]


def make_registry(
    n_communes: int,
    *,
    communes_per_district: int = 10,
    regions: Sequence[str | None] = (None,),
    seed: int = 0,
) -> pd.DataFrame:
    """A registry frame (the columns of ``communes.csv``) of invented communes.

    >>> reg = make_registry(3, regions=("A", "B"))
    >>> list(reg["code"])
    ['90000', '90001', '90002']
    >>> reg["unit_type"].unique().tolist()
    ['xã']
    """
    rng = np.random.default_rng(seed)
    names = _names(COMMUNE_SYLLABLES, n_communes, rng)
    n_districts = -(-n_communes // communes_per_district)
    district_pool = _names(DISTRICT_SYLLABLES, min(n_districts, 18 * 17), rng)
    districts = [
        f"Huyện {district_pool[k % len(district_pool)]}"
        + (f" {k // len(district_pool) + 1}" if k >= len(district_pool) else "")
        for k in range(n_districts)
    ]
    region_of_district = [regions[k % len(regions)] for k in range(n_districts)]
    rows = []
    for i, name in enumerate(names):
        k = i // communes_per_district
        rows.append(
            {
                "code": f"{CODE_BASE + i:05d}",
                "name": f"Xã {name}",
                "unit_type": "xã",
                "district": districts[k],
                "province": PROVINCE_NAME,
                "threshold_region": region_of_district[k],
                "valid_from": None,
                "valid_to": None,
                "note": SYNTHETIC_NOTE,
            }
        )
    return pd.DataFrame(rows, columns=list(REGISTRY_COLUMNS)).astype("string")


#: The day the two-tier local government began (districts gone, communes merged).
ARRANGEMENT_DATE = "2025-07-01"


def make_province_registry(
    n_communes: int,
    *,
    groups: Sequence[str] = COMMUNE_GROUPS,
    valid_from: str = ARRANGEMENT_DATE,
    seed: int = 0,
) -> pd.DataFrame:
    """Invented communes of one province formed on ``valid_from``: no district, and a
    commune group (QĐ 51/2025) each, in turn.

    >>> reg = make_province_registry(4)
    >>> reg["district"].isna().all(), list(reg["commune_group"])
    (np.True_, ['1', '2', '3', '1'])
    """
    reg = make_registry(n_communes, seed=seed)
    group = [groups[i % len(groups)] for i in range(len(reg))]
    return reg.assign(district=pd.NA, valid_from=valid_from, commune_group=group).astype("string")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class _IndicatorSpec:
    code: str
    criterion: str
    kind: str
    direction: str
    unit: str | None
    text: str | None = None  # the wording a report writes; None: the catalog's


def _catalog_specs(cset) -> list[_IndicatorSpec]:
    return [
        _IndicatorSpec(i.code, c.number, i.kind, i.direction, i.unit)
        for c in cset.criteria
        for i in c.indicators
    ]


#: Wording of the invented indicator rows of a set the catalog knows at criterion level.
INVENTED_INDICATOR_TEXT = "Chỉ tiêu giả lập {code} (benchmark, không phải văn bản quyết định)"


def _invented_indicators(cset) -> tuple[list[_IndicatorSpec], list[tuple]]:
    """Two invented indicators per criterion of a criterion-level set: a percentage
    against a made-up stated target and a yes/no; with their (op, value, text) targets."""
    specs, targets = [], []
    for k, crit in enumerate(cset.criteria):
        target = 60.0 + 5 * (k % 7)  # made up: the decision's figures are not in the catalog
        for suffix, kind, goal in (
            ("1", "percent", (">=", target, f"≥ {target:g}%")),
            ("2", "yes_no", ("yes", np.nan, "Đạt")),
        ):
            code = f"{crit.number}.{suffix}"
            unit = "%" if kind == "percent" else None
            text = INVENTED_INDICATOR_TEXT.format(code=code)
            specs.append(_IndicatorSpec(code, crit.number, kind, "higher", unit, text))
            targets.append(goal)
    return specs, targets


def _year_indicators(cset, regions, year):
    """The indicators of ``year`` and their (op, value, text) per region x indicator."""
    if any(c.indicators for c in cset.criteria):
        specs = _catalog_specs(cset)
        return specs, _threshold_arrays(cset, specs, regions, year)
    specs, targets = _invented_indicators(cset)
    op = np.array([[t[0] for t in targets]] * len(regions), dtype=object)
    val = np.array([[t[1] for t in targets]] * len(regions), dtype=float)
    text = np.array([[t[2] for t in targets]] * len(regions), dtype=object)
    return specs, (op, val, text)


def covered_years(catalog, n_years: int, *, last_year: int | None = None) -> list[int]:
    """The last ``n_years`` data years that one commune criteria set covers."""
    sets = [cs for cs in catalog.sets if cs.level == "commune" and cs.criteria]
    best = max(sets, key=lambda cs: sum(len(c.indicators) for c in cs.criteria))
    last = min(best.last_year, last_year) if last_year is not None else best.last_year
    first = max(best.first_year, last - n_years + 1)
    return list(range(first, last + 1))


def _threshold_arrays(cset, specs, regions, year):
    """(op, value, text) per region x indicator for ``year``."""
    op = np.empty((len(regions), len(specs)), dtype=object)
    val = np.full((len(regions), len(specs)), np.nan)
    text = np.empty((len(regions), len(specs)), dtype=object)
    for r, region in enumerate(regions):
        for j, spec in enumerate(specs):
            t = cset.indicator(spec.code).threshold_for(region, year)
            op[r, j] = None if t is None else t.op
            val[r, j] = np.nan if t is None or t.value is None else t.value
            text[r, j] = None if t is None else t.text
    return op, val, text


def _format_values(values: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """The value cells as a commune would type them ("95,5%", "45,3 triệu ...")."""
    out = np.empty(len(values), dtype=object)
    for i, (v, k) in enumerate(zip(values.tolist(), kinds.tolist(), strict=True)):
        if v != v:
            out[i] = None
        elif k == "yes_no":
            out[i] = "Đạt" if v >= 0.5 else "Chưa đạt"
        elif k == "percent":
            out[i] = f"{v:.1f}%".replace(".", ",")
        elif k == "money_per_capita":
            out[i] = f"{v:.1f} triệu đồng/người/năm".replace(".", ",")
        elif k == "count":
            out[i] = f"{int(v)}"
        else:
            out[i] = f"{v:.1f}".replace(".", ",")
    return out


def make_records(
    registry: pd.DataFrame,
    catalog,
    years: Sequence[int],
    *,
    seed: int = 0,
    missing_share: float = 0.002,
    disagree_share: float = 0.03,
) -> pd.DataFrame:
    """Ingested records for every commune x year x indicator, plus criterion rows.

    Values are drawn around each indicator's threshold (for the commune's
    region and the year); communes improve over the years, so some gain
    criteria. ``disagree_share`` of appraisals contradict the threshold and
    ``missing_share`` of indicator rows are left out (both become findings, as
    in real data).
    """
    rng = np.random.default_rng(seed)
    regions_of = (
        registry["threshold_region"]
        .astype(object)
        .where(registry["threshold_region"].notna(), None)
    )
    region_list = list(dict.fromkeys(regions_of.tolist()))
    region_idx = np.array([region_list.index(r) for r in regions_of], dtype=np.int64)
    n_c = len(registry)
    strength = rng.uniform(0.55, 0.97, n_c)
    frames = []
    for y_i, year in enumerate(years):
        cset = catalog.set_for_year(year)
        specs, (op, tval, ttext) = _year_indicators(cset, region_list, year)
        n_i = len(specs)
        kinds = np.array([sp.kind for sp in specs], dtype=object)
        # one row per commune x indicator, commune-major
        c_idx = np.repeat(np.arange(n_c), n_i)
        i_idx = np.tile(np.arange(n_i), n_c)
        r_idx = region_idx[c_idx]
        p_met = np.clip(strength[c_idx] + 0.03 * y_i, 0, 0.995)
        met = rng.random(len(c_idx)) < p_met
        row_op = op[r_idx, i_idx]
        row_t = tval[r_idx, i_idx]
        row_kind = kinds[i_idx]
        spread = np.where(row_kind == "money_per_capita", 0.15 * np.nan_to_num(row_t, nan=40), 6.0)
        spread = np.where(row_kind == "count", 2.0, spread)
        delta = np.abs(rng.normal(0, 1, len(c_idx))) * spread + 1e-3
        ge = row_op == ">="
        le = row_op == "<="
        yes_no = (row_op == "yes") | ((row_op == None) & (row_kind == "yes_no"))  # noqa: E711
        value = np.full(len(c_idx), np.nan)
        value = np.where(ge, np.where(met, row_t + delta, row_t - delta), value)
        value = np.where(le, np.where(met, row_t - delta, row_t + delta), value)
        value = np.where(yes_no, met.astype(float), value)
        free = np.isnan(value)  # no numeric threshold: a plausible figure
        value = np.where(free & (row_kind == "percent"), rng.uniform(40, 100, len(c_idx)), value)
        value = np.where(free & (row_kind == "count"), rng.integers(0, 12, len(c_idx)), value)
        value = np.where(free & np.isnan(value), rng.uniform(10, 80, len(c_idx)), value)
        value = np.where(row_kind == "percent", np.clip(value, 0, 100), np.maximum(value, 0))
        value = np.where(row_kind == "count", np.round(value), np.round(value, 1))
        # rounding and clipping may cross a threshold: the figure as written decides
        with np.errstate(invalid="ignore"):
            met = np.where(ge, value >= row_t, np.where(le, value <= row_t, met))
        met = np.where(yes_no, value >= 0.5, met).astype(bool)
        # appraisal: mostly truthful, sometimes wrong, "cơ bản đạt" for near misses
        said_met = np.where(rng.random(len(c_idx)) < disagree_share, ~met, met)
        basically = ~said_met & (rng.random(len(c_idx)) < 0.3)
        appraisal = np.where(said_met, s.MET, np.where(basically, s.BASICALLY_MET, s.NOT_MET))
        keep = rng.random(len(c_idx)) >= missing_share
        units = np.array([sp.unit for sp in specs], dtype=object)[i_idx]
        codes = registry["code"].to_numpy(dtype=object)
        names = registry["name"].to_numpy(dtype=object)
        file_names = np.array(
            [f"{c}_{year}_MAU-synthetic.xlsx" for c in codes.tolist()], dtype=object
        )
        row_in_sheet = 8 + np.tile(np.arange(n_i), n_c)
        ind = pd.DataFrame(
            {
                "year": year,
                "commune": names[c_idx],
                "commune_code": codes[c_idx],
                "level": "indicator",
                "criterion": np.array([sp.criterion for sp in specs], dtype=object)[i_idx],
                "indicator": np.array([sp.code for sp in specs], dtype=object)[i_idx],
                "value": value,
                "value_text": _format_values(value, row_kind),
                "unit": units,
                "indicator_text": np.array([sp.text for sp in specs], dtype=object)[i_idx],
                "target_text": ttext[r_idx, i_idx],
                "self_assessed": appraisal,
                "layout": s.LAYOUT_COMMUNE_REPORT,
                "stated_total": np.nan,
                s.SOURCE_FILE: file_names[c_idx],
                s.SOURCE_SHEET: str(year),
                s.SOURCE_ROW: row_in_sheet,
            }
        ).loc[keep]
        # criterion rows: the commune's own appraisal of each criterion
        crit_numbers = [c.number for c in cset.criteria]
        crit_of = np.array([crit_numbers.index(sp.criterion) for sp in specs])
        said = (
            pd.DataFrame({"c": c_idx, "k": crit_of[i_idx], "ok": said_met})
            .groupby(["c", "k"], sort=True)["ok"]
            .all()
        )
        full = pd.MultiIndex.from_product([range(n_c), range(len(crit_numbers))])
        said = said.reindex(full, fill_value=True).to_numpy()
        cc = np.repeat(np.arange(n_c), len(crit_numbers))
        kk = np.tile(np.arange(len(crit_numbers)), n_c)
        crit_code = np.array(crit_numbers, dtype=object)[kk]
        crit = pd.DataFrame(
            {
                "year": year,
                "commune": names[cc],
                "commune_code": codes[cc],
                "level": "criterion",
                "criterion": crit_code,
                "indicator": crit_code,
                "value": np.nan,
                "value_text": np.where(said, "Đạt", "Chưa đạt"),
                "unit": None,
                "indicator_text": None,
                "target_text": None,
                "self_assessed": np.where(said, s.MET, s.NOT_MET),
                "layout": s.LAYOUT_COMMUNE_REPORT,
                "stated_total": np.nan,
                s.SOURCE_FILE: file_names[cc],
                s.SOURCE_SHEET: str(year),
                s.SOURCE_ROW: 7 + kk,
            }
        )
        frames.extend([crit, ind])
    out = pd.concat(frames, ignore_index=True)
    out = out.take(records_order(out)).reset_index(drop=True)  # as ntm clean writes them
    return out.astype(
        {
            "year": "int64",
            "value": "Float64",
            "stated_total": "Float64",
            s.SOURCE_ROW: "Int64",
            **{
                c: "string"
                for c in s.RECORD_COLUMNS
                if c not in ("year", "value", "stated_total", s.SOURCE_ROW)
            },
        }
    ).loc[:, list(s.RECORD_COLUMNS)]


# --------------------------------------------------------------------------- raw workbooks

REPORT_HEADER = (
    "TT",
    "Tên tiêu chí",
    "Nội dung tiêu chí",
    "Chỉ tiêu chung",
    "Kết quả thực hiện",
    "Tự đánh giá",
    "Ghi chú",
)
APPRAISAL_TEXT = {s.MET: "Đạt", s.BASICALLY_MET: "Cơ bản đạt", s.NOT_MET: "Chưa đạt"}


def _bare(name: str) -> str:
    return name.split(" ", 1)[1] if name.startswith("Xã ") else name


def _cell(value: object) -> object:
    """A value openpyxl can write (missing values become empty cells)."""
    return None if value is None or pd.isna(value) else value


def _report_indicators(crit, rows) -> list[tuple[str, str]]:
    """(code, wording) of the indicator rows a report lists under ``crit``: the catalog's,
    or for a criterion-level set those of the records, with the wording they carry."""
    if crit.indicators:
        return [(i.code, i.text_vi) for i in crit.indicators]
    found = {
        r.indicator: r.indicator_text
        for r in rows
        if r.level == "indicator" and r.criterion == crit.number
    }
    return sorted(found.items(), key=lambda item: [int(x) for x in item[0].split(".")])


def write_commune_report(
    path: Path,
    commune: pd.Series,
    year: int,
    records: pd.DataFrame,
    catalog,
) -> None:
    """One commune report workbook (layout A of the ingestion issue).

    ``commune`` is a registry row; ``records`` this commune-year's records.
    """
    from openpyxl import Workbook

    cset = catalog.set_for_year(year)
    rows = list(records.itertuples(index=False))
    crit_by = {r.criterion: r for r in rows if r.level == "criterion"}
    ind_by = {r.indicator: r for r in rows if r.level == "indicator"}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(year))
    name = str(commune["name"])
    ws.append([f"UBND XÃ {_bare(name).upper()}"])
    ws.append(
        [
            "BÁO CÁO KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ QUỐC GIA VỀ XÃ NÔNG THÔN MỚI "
            f"NĂM {year} (DỮ LIỆU GIẢ LẬP)"
        ]
    )
    district = commune.get("district")
    where = [name, *([str(district).lower()] if pd.notna(district) else []), commune["province"]]
    ws.append([f"({', '.join(where)})"])
    ws.append([])
    ws.append(list(REPORT_HEADER))
    for crit in cset.criteria:
        crow = crit_by.get(crit.number)
        said = APPRAISAL_TEXT.get(crow.self_assessed) if crow is not None else None
        single = len(crit.indicators) == 1 and crit.indicators[0].code == crit.number
        if single:
            r = ind_by.get(crit.number)
            ws.append(
                [
                    crit.number,
                    crit.name_vi,
                    crit.indicators[0].text_vi,
                    None if r is None else _cell(r.target_text),
                    None if r is None else _cell(r.value_text),
                    said,
                    None,
                ]
            )
            continue
        ws.append([crit.number, crit.name_vi, None, None, None, said, None])
        for code, text in _report_indicators(crit, rows):
            r = ind_by.get(code)
            if r is None:
                continue
            ws.append(
                [
                    code,
                    None,
                    text,
                    _cell(r.target_text),
                    _cell(r.value_text),
                    APPRAISAL_TEXT.get(r.self_assessed),
                    None,
                ]
            )
    ws.append([])
    ws.append([None, "NGƯỜI LẬP BIỂU", None, None, "TM. ỦY BAN NHÂN DÂN"])
    ws.append([None, None, None, None, "CHỦ TỊCH"])
    wb.save(path)


def write_district_matrix(
    path: Path,
    district: str,
    year: int,
    communes: pd.DataFrame,
    criteria: pd.DataFrame,
    criterion_numbers: Sequence[str],
) -> None:
    """One district summary matrix (layout B): a row per commune, a column per criterion.

    ``criteria`` holds the criterion-level records of this district-year.
    """
    from openpyxl import Workbook

    said = {(r.commune, r.criterion): r.self_assessed for r in criteria.itertuples(index=False)}
    wb = Workbook()
    ws = wb.active
    ws.title = str(year)
    n = len(criterion_numbers)
    ws.append([f"BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN TIÊU CHÍ NÔNG THÔN MỚI NĂM {year}"])
    ws.append([f"{district} (dữ liệu giả lập)"])
    ws.append(["TT", "Tên xã", "Tiêu chí"] + [None] * (n - 1) + ["Tổng số tiêu chí đạt"])
    ws.append([None, None, *criterion_numbers, None])
    ws.merge_cells(start_row=3, start_column=3, end_row=3, end_column=2 + n)
    for k, row in enumerate(communes.itertuples(index=False), start=1):
        marks = []
        for num in criterion_numbers:
            a = said.get((row.name, num))
            marks.append("x" if a == s.MET else ("CBĐ" if a == s.BASICALLY_MET else None))
        total = sum(m == "x" for m in marks)
        ws.append([k, row.name, *marks, total])
    ws.append([None, "Tổng cộng"])
    wb.save(path)


def write_province_raw(
    raw_dir: Path,
    registry: pd.DataFrame,
    records: pd.DataFrame,
    catalog,
    *,
    matrices: bool = True,
) -> list[Path]:
    """Write one report per commune x year (and a matrix per district x year)."""
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    written = []
    reg = registry.set_index("code", drop=False)
    for (year, code), group in records.groupby(["year", "commune_code"], sort=True):
        commune = reg.loc[code]
        path = raw_dir / f"bao-cao-{code}-{year}-MAU-synthetic.xlsx"
        write_commune_report(path, commune, int(year), group, catalog)
        written.append(path)
    if matrices:
        crit = records.loc[records["level"] == "criterion"]
        for year in sorted(records["year"].unique()):
            numbers = [c.number for c in catalog.set_for_year(int(year)).criteria]
            year_crit = crit.loc[crit["year"] == year]
            for k, (district, communes) in enumerate(registry.groupby("district", sort=True)):
                path = raw_dir / f"tong-hop-huyen-{k:03d}-{year}-MAU-synthetic.xlsx"
                write_district_matrix(
                    path,
                    str(district),
                    int(year),
                    communes,
                    year_crit.loc[year_crit["commune"].isin(communes["name"])],
                    numbers,
                )
                written.append(path)
    return written
