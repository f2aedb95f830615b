"""Authoring a province detailing set: a draft inferred from reports, and a template to type in.

A province fixes many figures of the national criteria set in its own
detailing decision. This module helps a district office write that decision
down in the two forms ``--province`` reads (see :mod:`ntm_analysis.catalog`):

* :func:`draft_province_set` infers a draft from the targets the commune
  reports state in their "Chỉ tiêu" column: per indicator, year and threshold
  region, the figure most communes stated, with its count and the files it
  came from. It is a draft, to be checked against the decision before use.
* :func:`template_rows` lays the set out like the decision's annex (TT | Tên
  tiêu chí | Nội dung tiêu chí | Chỉ tiêu chung | one column per region | Năm),
  with the catalog's sourced figures filled in (a figure for one year only,
  such as income, on a row of its own with that year in "Năm");
  :func:`write_province_template` writes it as a workbook to type the decision
  into.

The builders are pure; ``write_*`` are the I/O edge.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import labels as lb
from . import schema as s
from .catalog import Catalog, CriteriaSet
from .errors import UsageError
from .parsing import read_target
from .registry import Registry
from .stated_targets import target_label

#: The header of the annex-shaped template, before the region columns.
TEMPLATE_HEAD = ("TT", "Tên tiêu chí", "Nội dung tiêu chí", "Chỉ tiêu chung")
#: The column of a row that holds one year's figures (empty: every year of the set).
TEMPLATE_YEAR = "Năm"
#: The last column: where each filled-in figure comes from.
TEMPLATE_NOTE = "Nguồn, ghi chú"
DRAFT_DECISION = (
    "BẢN NHÁP suy ra từ chỉ tiêu ghi trong báo cáo của các xã ({n} tệp, năm {years}) — "
    "phải đối chiếu với quyết định của UBND tỉnh trước khi dùng"
)


# --------------------------------------------------------------------------- draft


def stated_target_sets(records: pd.DataFrame, catalog: Catalog) -> list[CriteriaSet]:
    """The commune sets covering the years whose reports state a target, oldest first."""
    years = {int(y) for y in records.loc[records["target_text"].notna(), "year"].dropna()}
    found: dict[str, CriteriaSet] = {}
    for year in sorted(years):
        if _covers(catalog, year):
            cset = catalog.set_for_year(year)
            found.setdefault(cset.id, cset)
    return list(found.values())


def default_draft_set(sets: Sequence[CriteriaSet]) -> CriteriaSet:
    """The set a draft is for when none is named: the latest whose indicators the catalog
    lists, since a criterion-level set (QĐ 51/2025) would take its indicator list and
    wording from the reports themselves; that one is drafted when asked for by id."""
    listed = [c for c in sets if not c.criterion_level]
    return (listed or list(sets))[-1]


def draft_province_set(
    records: pd.DataFrame,
    catalog: Catalog,
    *,
    registry: Registry | None = None,
    set_id: str | None = None,
) -> dict[str, Any]:
    """A province set (the YAML form ``--province`` reads) inferred from stated targets.

    ``records`` are ingested records (``schema.RECORD_COLUMNS``). A province set
    details one criteria set: ``set_id``, or by default :func:`default_draft_set`
    of the sets whose years state targets. For each of its indicators and each
    year it covers (and each threshold region or commune group, when the registry
    gives communes one), the figure most communes stated is kept, its ``source``
    saying how many communes stated it and in which files. A tie keeps the
    stricter-looking first figure in reading order and says so. For a set known
    at criterion level only, the indicators are the ones the reports name under
    an existing criterion, each with the wording most reports use
    (``indicator_text``).
    """
    if "indicator_text" not in records.columns:  # records written before the column existed
        records = records.assign(indicator_text=pd.NA)
    frame = records.loc[
        records["target_text"].notna() & records["year"].notna(),
        ["year", "commune", "commune_code", "indicator", "indicator_text", "target_text"]
        + [s.SOURCE_FILE],
    ]
    frame = frame.astype({c: "string" for c in frame.columns if c != "year"})
    sets = stated_target_sets(frame, catalog)
    if not sets:
        raise UsageError(lb.message("err_no_stated_targets"))
    if set_id is None:
        cset = default_draft_set(sets)
    else:
        cset = catalog.get(set_id)
        if all(c.id != cset.id for c in sets):
            raise UsageError(
                lb.message(
                    "err_draft_set_without_targets",
                    set=cset.id,
                    sets=", ".join(c.id for c in sets),
                )
            )
    frame = frame.loc[frame["year"].astype(int).map(cset.covers).to_numpy(dtype=bool)]
    covered = sorted({int(y) for y in frame["year"].tolist()})
    readings = {t: read_target(t) for t in frame["target_text"].unique().tolist()}
    groups: dict[tuple, list[tuple]] = {}
    wording: dict[str, Counter] = {}
    for year, name, code, indicator, text_as_written, text, file in frame.itertuples(index=False):
        target = readings[text].target
        known = cset.reported_indicator(indicator, text_as_written)
        if known is None or target is None or target.op not in s.THRESHOLD_OPS:
            continue
        if cset.indicator(indicator) is None and not pd.isna(text_as_written):
            wording.setdefault(indicator, Counter())[str(text_as_written)] += 1
        where = None
        if registry is not None:
            where = (
                registry.group_of(code, int(year), name=name)
                if cset.groups
                else registry.region_of(code, int(year))
            )
        key = (indicator, int(year), where)
        figure = (target.op, target.value, target.unit)
        groups.setdefault(key, []).append((figure, name, file))
    order = {i.code: k for k, i in enumerate(cset.indicators)}

    def position(code: str) -> tuple:
        if code in order:
            return (order[code],)
        return (len(order), *(int(p) if p.isdigit() else 0 for p in code.split(".")))

    thresholds = []
    for indicator, year, where in sorted(groups, key=lambda k: (position(k[0]), k[1], k[2] or "")):
        stated = groups[(indicator, year, where)]
        counts = Counter(f for f, _, _ in stated)
        (op, value, unit), n = counts.most_common(1)[0]
        tie = sum(1 for c in counts.values() if c == n) > 1
        files = sorted({file for f, _, file in stated if f == (op, value, unit) and file})
        communes = len({name for _, name, _ in stated})
        others = "; ".join(
            f"{target_label(*f)}: {c} xã" for f, c in counts.most_common() if f != (op, value, unit)
        )
        note = f"{n}/{communes} xã ghi '{target_label(op, value, unit)}'"
        if others:
            note += f" (khác: {others}{'; không có mức chung' if tie else ''})"
        entry: dict[str, Any] = {"indicator": indicator, "year": year}
        if indicator in wording:
            entry["indicator_text"] = wording[indicator].most_common(1)[0][0]
        if where is not None:
            entry["group" if cset.groups else "region"] = where
        entry |= {
            "op": op,
            "value": value,
            "text": target_label(op, value, unit),
            "source": f"Suy ra từ báo cáo xã: {note}; tệp: {', '.join(files)}",
        }
        thresholds.append(entry)
    n_files = frame[s.SOURCE_FILE].nunique()
    span = f"{covered[0]}–{covered[-1]}" if len(covered) > 1 else "".join(map(str, covered))
    return {
        "decision": DRAFT_DECISION.format(n=n_files, years=span),
        "base_set": cset.id,
        "thresholds": thresholds,
    }


def _covers(catalog: Catalog, year: int) -> bool:
    return any(c.level == "commune" and c.covers(year) for c in catalog.sets)


def write_province_draft(draft: dict[str, Any], path: str | Path) -> Path:
    """Write a draft province set as YAML (UTF-8, readable by ``--province``)."""
    path = Path(path)
    header = (
        "# Bộ tiêu chí của tỉnh — BẢN NHÁP do ntm province draft suy ra từ báo cáo của các xã.\n"
        "# Đối chiếu từng mức với quyết định của UBND tỉnh, sửa 'source' thành số hiệu quyết\n"
        "# định, rồi dùng với --province.\n"
    )
    body = yaml.safe_dump(draft, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(header + body, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- template


@dataclass(frozen=True)
class TemplateRow:
    """One row of the annex-shaped template."""

    tt: str | None
    name: str | None
    content: str | None
    targets: dict[str, str]  # column ("Chỉ tiêu chung" or a region / group code) -> text
    note: str | None
    year: int | None = None  # the year the row's figures hold for; None: every year


def target_columns(cset: CriteriaSet) -> list[str]:
    """The target columns of a set: the common figure, then one per region (or group).

    Read from the set's data, so a set that lists commune groups instead of
    regions gets their columns.

    >>> from ntm_analysis.catalog import load_catalog
    >>> target_columns(load_catalog().get("qd318_2022_commune"))[:3]
    ['Chỉ tiêu chung', 'TDMNPB', 'DBSH']
    """
    codes = [str(r["code"]) for r in cset.regions]
    codes += [f"Nhóm {g['code']}" for g in cset.groups]  # read back as group columns
    return [TEMPLATE_HEAD[-1], *codes]


def template_rows(cset: CriteriaSet, *, year: int | None = None) -> list[TemplateRow]:
    """The set as annex rows, with its sourced figures filled in.

    A figure that holds for every year sits on the indicator's row; figures for
    one year only (income) sit on a row of their own below it, with the year in
    the "Năm" column and the code in "Nội dung tiêu chí". ``year`` keeps only
    the rows of that year.
    """
    rows: list[TemplateRow] = []
    for criterion in cset.criteria:
        single = len(criterion.indicators) == 1 and criterion.indicators[0].code == (
            criterion.number
        )
        if not single:
            rows.append(TemplateRow(criterion.number, criterion.name_vi, None, {}, None))
        for ind in criterion.indicators:
            by_year: dict[int | None, tuple[dict[str, str], list[str]]] = {None: ({}, [])}
            for t in ind.thresholds:
                if t.year is not None and year is not None and t.year != year:
                    continue
                column = _threshold_column(t)
                sure = f" ({t.certainty})" if t.certainty else ""
                targets, notes = by_year.setdefault(t.year, ({}, []))
                targets[column] = t.text
                notes.append(f"{column}: {t.source}{sure}")
            content = ind.text_vi if single else f"{ind.code}. {ind.text_vi}"
            targets, notes = by_year.pop(None)
            rows.append(
                TemplateRow(
                    criterion.number if single else None,
                    criterion.name_vi if single else None,
                    content,
                    targets,
                    "; ".join(notes) or None,
                )
            )
            for y, (targets, notes) in sorted(by_year.items()):
                rows.append(
                    TemplateRow(
                        None, None, f"{ind.code}. {ind.text_vi}", targets, "; ".join(notes), y
                    )
                )
    return rows


def _threshold_column(t) -> str:
    """The template column of a threshold: its region, its group, or the common figure."""
    if t.region is not None:
        return t.region
    if t.group is not None:
        return f"Nhóm {t.group}"
    return TEMPLATE_HEAD[-1]


def template_frame(cset: CriteriaSet, *, year: int | None = None) -> pd.DataFrame:
    """The template as a table: header ``TEMPLATE_HEAD``, regions, the year, then the note."""
    columns = [*TEMPLATE_HEAD[:-1], *target_columns(cset), TEMPLATE_YEAR, TEMPLATE_NOTE]
    data = [
        [
            r.tt,
            r.name,
            r.content,
            *(r.targets.get(c) for c in target_columns(cset)),
            r.year,
            r.note,
        ]
        for r in template_rows(cset, year=year)
    ]
    return pd.DataFrame(data, columns=columns, dtype="object")


def pick_set(catalog: Catalog, *, year: int | None = None, set_id: str | None = None):
    """The set a template is for: by id, by year, else the current commune set."""
    if set_id is not None:
        return catalog.get(set_id)
    if year is not None:
        return catalog.set_for_year(year)
    return catalog.get("qd318_2022_commune")


_WIDTHS = {
    "TT": 6,
    "Tên tiêu chí": 22,
    "Nội dung tiêu chí": 60,
    TEMPLATE_YEAR: 8,
    TEMPLATE_NOTE: 60,
}


def write_province_template(
    catalog: Catalog,
    path: str | Path,
    *,
    year: int | None = None,
    set_id: str | None = None,
) -> Path:
    """Write the annex-shaped workbook to type a province's decision into.

    Header frozen, readable widths, wrapped text, A4 landscape fitted to the
    page width; a second sheet says how to fill it in.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    cset = pick_set(catalog, year=year, set_id=set_id)
    frame = template_frame(cset, year=year)
    book = Workbook()
    sheet = book.active
    sheet.title = "Bo tieu chi tinh"
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for r, tt in enumerate(frame["TT"].tolist(), start=2):
        if isinstance(tt, str) and frame.iloc[r - 2]["Nội dung tiêu chí"] is None:
            for cell in sheet[r]:
                cell.font = bold
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for k, name in enumerate(frame.columns, start=1):
        sheet.column_dimensions[get_column_letter(k)].width = _WIDTHS.get(name, 14)
    sheet.freeze_panes = "D2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    guide = book.create_sheet("Huong dan")
    for line in _guide_lines(cset, year):
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    path = Path(path)
    book.save(path)
    return path


def _guide_lines(cset: CriteriaSet, year: int | None) -> Sequence[str]:
    return (
        f"Mẫu nhập bộ tiêu chí của tỉnh, theo {cset.decision} {cset.annex}".strip(),
        "Gõ mức của quyết định tỉnh vào cột 'Chỉ tiêu chung' hoặc cột của vùng: '≥ 95%', "
        "'≤ 2%', 'Dưới 2%', '≥ 53 triệu đồng/người/năm', 'Đạt'.",
        "Ô để trống: tỉnh không quy định, dùng mức quốc gia (nếu có) hoặc chỉ tiêu ghi trong "
        "báo cáo của xã.",
        "Mức đã điền sẵn là mức có nguồn trong danh mục (xem cột 'Nguồn, ghi chú'); để nguyên "
        "thì kết quả đánh giá không đổi.",
        "Mức chỉ áp dụng cho một năm (thu nhập): một dòng riêng, mã chỉ tiêu ở cột 'Nội dung "
        "tiêu chí' (ví dụ '10. Thu nhập'), năm ở cột 'Năm'. Cột 'Năm' để trống: mức áp dụng "
        "cho mọi năm.",
        "Dùng: ntm clean --province TỆP.xlsx; kiểm tra: ntm catalog --province TỆP.xlsx.",
        *([f"Ghi chú nguồn lọc theo năm {year}."] if year is not None else []),
    )
