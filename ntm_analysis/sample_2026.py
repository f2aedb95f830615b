"""Sample reports for 2026: the two communes formed on 01/07/2025, under QĐ 51/2025.

Part of the synthetic sample (:mod:`ntm_analysis.sample`): every figure, target
and appraisal here is **made up**. The catalog holds QĐ 51/2025 at criterion
level only, so the indicator rows carry sample wording ("Chỉ tiêu mẫu 8.1 …")
that says it is not the decision's text; nothing of the 47 indicators is
invented. Each report states its targets in the "Chỉ tiêu" column and names a
commune group in its title, both marked as sample data; the shipped registry
keeps ``commune_group`` empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .catalog import Catalog
from .provenance import SAMPLE_FILE_PREFIX

SAMPLE_2026_YEAR = 2026
SAMPLE_2026_SET = "qd51_2025_commune"

#: Made-up storyline of 2026: criteria each new commune does not meet yet.
UNMET_2026: Mapping[str, tuple[str, ...]] = {
    "Xã Đầm Hà": ("5", "8"),
    "Xã Quảng Tân": ("3", "6", "8"),
}
#: Made-up commune group (QĐ 51/2025) each sample report names in its title.
SAMPLE_GROUPS: Mapping[str, str] = {"Xã Đầm Hà": "2", "Xã Quảng Tân": "3"}

_HEADER = ("TT", "Tên tiêu chí", "Nội dung tiêu chí", "Chỉ tiêu", "Kết quả thực hiện",
           "Tự đánh giá", "Ghi chú")  # fmt: skip
WIDTHS = (6, 26, 52, 14, 14, 13, 14)
_SLUGS = {"Xã Đầm Hà": "xa-dam-ha-moi", "Xã Quảng Tân": "xa-quang-tan-moi"}
SAMPLE_INDICATOR_TEXT = "Chỉ tiêu mẫu {code} (nội dung tổng hợp, không phải văn bản QĐ 51/2025)"


def _indicator_rows(number: str, met: bool, rng: np.random.Generator) -> list[list[object]]:
    """Two made-up indicator rows of a criterion: a percentage with its target, and a yes/no."""
    target = float((70, 80, 90, 95)[int(number) % 4])  # one made-up figure per criterion
    value = round(target + float(rng.uniform(0.5, 6.0)), 1)
    yes = True
    if not met:  # the criterion misses: one of its two indicators falls short
        if rng.random() < 0.5:
            value = round(target - float(rng.uniform(2.0, 12.0)), 1)
        else:
            yes = False
    pct_ok = value >= target
    return [
        [f"{number}.1", None, SAMPLE_INDICATOR_TEXT.format(code=f"{number}.1"),
         f"≥ {target:g}%", f"{value:g}%".replace(".", ","), "Đạt" if pct_ok else "Chưa đạt", None],
        [f"{number}.2", None, SAMPLE_INDICATOR_TEXT.format(code=f"{number}.2"),
         "Đạt", "Có" if yes else "Không", "Đạt" if yes else "Chưa đạt", None],
    ]  # fmt: skip


@dataclass(frozen=True)
class MergedReport:
    """One 2026 sample report as rows of cells; :mod:`ntm_analysis.sample` writes it."""

    file: str
    sheet: str
    rows: tuple[tuple[object, ...], ...]
    bold_rows: frozenset[int]


def merged_commune_report(commune: str, catalog: Catalog, seed: int, label: str) -> MergedReport:
    """The 2026 report of one new commune (shape A, header like the other sample reports)."""
    cset = catalog.get(SAMPLE_2026_SET)
    rng = np.random.default_rng([seed, SAMPLE_2026_YEAR, len(commune)])
    width = len(_HEADER)
    rows: list[tuple[object, ...]] = []
    bold: set[int] = set()

    def add(cells, *, strong: bool = False) -> None:
        if strong:
            bold.add(len(rows))
        rows.append(tuple(cells) + (None,) * (width - len(cells)))

    bare = commune.removeprefix("Xã ")
    for text in (
        label,
        f"UBND XÃ {bare.upper()}",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ QUỐC GIA VỀ XÃ NÔNG THÔN MỚI "
        f"NĂM {SAMPLE_2026_YEAR}",
        f"({commune}, tỉnh Quảng Ninh)",
        f"Nhóm {SAMPLE_GROUPS[commune]} theo QĐ 51/2025/QĐ-TTg (dữ liệu mẫu)",
    ):
        add([text], strong=True)
    add([])
    add(_HEADER, strong=True)
    unmet = set(UNMET_2026[commune])
    for crit in cset.criteria:
        met = crit.number not in unmet
        add(
            [crit.number, crit.name_vi, None, None, None, "Đạt" if met else "Chưa đạt"],
            strong=True,
        )
        for row in _indicator_rows(crit.number, met, rng):
            add(row)
    add([])
    add(["Ghi chú: Số liệu, chỉ tiêu và nhóm xã trong biểu là dữ liệu mẫu tổng hợp (synthetic)."])
    add([None] * 5 + [f"{bare}, ngày 15 tháng 12 năm {SAMPLE_2026_YEAR}"])
    add([None] * 5 + ["TM. ỦY BAN NHÂN DÂN"], strong=True)
    return MergedReport(
        file=f"{SAMPLE_FILE_PREFIX}_{_SLUGS[commune]}_{SAMPLE_2026_YEAR}.xlsx",
        sheet=str(SAMPLE_2026_YEAR),
        rows=tuple(rows),
        bold_rows=frozenset(bold),
    )


def merged_commune_reports(catalog: Catalog, seed: int, label: str) -> list[MergedReport]:
    """The 2026 reports of the sample's two new communes (pure)."""
    return [merged_commune_report(c, catalog, seed, label) for c in UNMET_2026]
