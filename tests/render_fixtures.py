"""A tiny processed-data folder and tiny notebooks for the rendering tests.

Built in memory to the processed-data contract (validated with the same
pandera schemas as ``ntm clean``), so the rendering machinery can be tested
in seconds without the sample, the catalog or the real notebooks.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd

from ntm_analysis import config
from ntm_analysis import schema as s
from ntm_analysis.validation import validate_table

#: Commune names carry HTML to prove that data-derived text is escaped.
COMMUNES = {
    "06913": "Xã Quảng Tân",
    "06898": "Xã Quảng Lâm",
    "06999": "Xã <b>Thử</b> & Co",
}
YEARS = (2023, 2024)
CRITERIA = {"2": ["2.1"], "15": ["15.1"], "17": ["17.1", "17.2"]}
SET_ID = "qd318_2022_commune"


def _met(code: str, commune: str, year: int) -> bool:
    # Quảng Lâm misses 17.2 in 2023 and gains it in 2024; the third commune misses 15.1.
    if code == "17.2" and commune == "06898" and year == 2023:
        return False
    return not (code == "15.1" and commune == "06999")


def processed_frames() -> dict[str, pd.DataFrame]:
    ind_rows, crit_rows, com_rows = [], [], []
    for year in YEARS:
        for code, name in COMMUNES.items():
            met_criteria = 0
            for crit, inds in CRITERIA.items():
                flags = [_met(i, code, year) for i in inds]
                for ind, flag in zip(inds, flags, strict=True):
                    value = 96.0 if flag else 88.5
                    ind_rows.append(
                        {
                            "year": year,
                            "commune": name,
                            "commune_code": code,
                            "criteria_set": SET_ID,
                            "criterion": crit,
                            "indicator": ind,
                            "indicator_text": None,
                            "value": value,
                            "value_text": f"{value}%",
                            "unit": "%",
                            "target_text": "≥ 95%",
                            "threshold": 95.0,
                            "threshold_op": ">=",
                            "threshold_source": "test",
                            "met": flag,
                            "met_basis": s.BASIS_THRESHOLD,
                            "self_assessed": s.MET,
                            s.SOURCE_FILE: f"sample/bao-cao-{code}-MAU-synthetic.xlsx",
                            s.SOURCE_SHEET: str(year),
                            s.SOURCE_ROW: 9,
                        }
                    )
                ok = all(flags)
                met_criteria += ok
                crit_rows.append(
                    {
                        "year": year,
                        "commune": name,
                        "commune_code": code,
                        "criteria_set": SET_ID,
                        "criterion": crit,
                        "met": ok,
                        "met_basis": s.BASIS_INDICATORS,
                        "self_assessed": s.MET,
                        "indicators_expected": len(inds),
                        "indicators_reported": len(inds),
                        "indicators_met": sum(flags),
                        s.SOURCE_FILE: f"sample/bao-cao-{code}-MAU-synthetic.xlsx",
                        s.SOURCE_SHEET: str(year),
                        s.SOURCE_ROW: 8,
                    }
                )
            total = len(CRITERIA)
            com_rows.append(
                {
                    "year": year,
                    "commune": name,
                    "commune_code": code,
                    "criteria_set": SET_ID,
                    "criteria_met": met_criteria,
                    "criteria_basically_met": 0,
                    "criteria_reported": total,
                    "criteria_total": total,
                    "status": s.STATUS_NTM if met_criteria == total else s.STATUS_NOT_NTM,
                }
            )
    communes = pd.DataFrame(com_rows)
    district = (
        communes.assign(ntm=communes["status"] == s.STATUS_NTM)
        .groupby("year", as_index=False)
        .agg(
            communes_total=("commune", "size"),
            communes_ntm=("ntm", "sum"),
            mean_criteria_met=("criteria_met", "mean"),
        )
    )
    district = district.assign(
        district="Huyện Đầm Hà",
        criteria_set=SET_ID,
        share_ntm=district["communes_ntm"] / district["communes_total"],
    )
    criteria = pd.DataFrame(crit_rows)
    dc = (
        criteria.assign(m=criteria["met"].astype(int))
        .groupby(["year", "criterion"], as_index=False)
        .agg(communes_met=("m", "sum"), communes_reported=("m", "size"))
    )
    dc = dc.assign(
        district="Huyện Đầm Hà",
        criteria_set=SET_ID,
        share_met=dc["communes_met"] / dc["communes_reported"],
    )
    findings = pd.DataFrame(
        [
            {
                "year": 2024,
                "commune": "Xã <b>Thử</b> & Co",
                "subject_type": "criterion",
                "subject": "15",
                "check": "criterion_appraisal_vs_result",
                "message": "Xã tự đánh giá Đạt nhưng chỉ tiêu 15.1 chưa đạt <script>x</script>.",
                "source": "test.xlsx › 2024 › row 7",
                "source_file": "test.xlsx",
                "source_sheet": "2024",
                "source_row": 7,
            }
        ]
    )
    return {
        "indicators": pd.DataFrame(ind_rows).loc[:, list(s.INDICATOR_COLUMNS)],
        "criteria": criteria.loc[:, list(s.CRITERION_COLUMNS)],
        "communes": communes.loc[:, list(s.COMMUNE_COLUMNS)],
        "district": district.loc[:, list(s.DISTRICT_COLUMNS)],
        "district_criteria": dc.loc[
            :,
            [
                "year",
                "district",
                "criteria_set",
                "criterion",
                "communes_met",
                "communes_reported",
                "share_met",
            ],
        ],
        "findings": findings.loc[:, list(s.FINDING_COLUMNS)],
    }


def write_processed_fixture(out: Path, *, sample: bool = True) -> Path:
    """Write the tiny processed folder (as ``ntm clean`` would) and return it."""
    out.mkdir(parents=True, exist_ok=True)
    frames = processed_frames()
    files = {
        "indicators": config.INDICATORS_FILE,
        "criteria": config.CRITERIA_FILE,
        "communes": config.COMMUNES_FILE,
        "district": config.DISTRICT_FILE,
        "district_criteria": config.DISTRICT_CRITERIA_FILE,
    }
    for attr, name in files.items():
        validate_table(attr, frames[attr]).to_parquet(out / name, index=False)
    validate_table("findings", frames["findings"]).to_csv(
        out / config.FINDINGS_FILE, index=False, encoding="utf-8-sig"
    )
    pd.DataFrame(columns=list(s.REJECT_COLUMNS)).to_csv(
        out / config.REJECTS_FILE, index=False, encoding="utf-8-sig"
    )
    prefix = "sample/" if sample else ""
    marker = "-MAU-synthetic" if sample else ""
    report = {
        "generated_at": "2025-01-15T08:00:00+00:00",
        "sample": sample,
        "files": [
            {"file": f"{prefix}bao-cao-{code}{marker}.xlsx", "status": "read", "rows_read": 40}
            for code in COMMUNES
        ],
    }
    (out / config.INGEST_REPORT_FILE).write_text(
        json.dumps(report, ensure_ascii=False), encoding="utf-8"
    )
    return out


def _notebook(cells: list[str], *, markdown_title: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(cells[0])
    params.metadata["tags"] = ["parameters"]
    title = nbformat.v4.new_markdown_cell(markdown_title)
    title.metadata["tags"] = ["remove-from-page"]
    nb.cells = [title, params] + [nbformat.v4.new_code_cell(c) for c in cells[1:]]
    nb.metadata["kernelspec"] = {
        "name": config.KERNEL_NAME,
        "display_name": "Python (ntm-analysis)",
        "language": "python",
    }
    return nb


TINY_BODY = [
    "from IPython.display import HTML\nfrom ntm_analysis.review import load_review\n"
    "from ntm_analysis.sections import district as page, markup",
    "review = load_review(processed_dir, year=year, lang=lang)",
    "HTML(page.headline(review))",
    "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
    "fig, ax = plt.subplots(figsize=(4, 3))\nax.bar(['a', 'b'], [1, 2])\n"
    "HTML(markup.heading('attainment', lang) + markup.figure_html(fig, alt='x'))",
]


def write_tiny_notebooks(nb_dir: Path, *, failing: str | None = None) -> Path:
    """Small stand-ins for the real notebooks, with the same parameters.

    ``failing`` names a commune whose profile raises in its fourth cell.
    """
    nb_dir.mkdir(parents=True, exist_ok=True)
    common = "year = 2024\nprocessed_dir = None\nlang = 'vi'\n"
    district = _notebook([common + "district = None"] + TINY_BODY, markdown_title="# District")
    commune_body = list(TINY_BODY)
    if failing:
        commune_body[2] = (
            f"if commune == {failing!r}:\n    raise ValueError('deliberate failure')\n"
            "HTML(page.headline(review))"
        )
    commune = _notebook([common + "commune = 'Xã Quảng Tân'"] + commune_body, markdown_title="# C")
    department = _notebook(
        [common + "department = 'Phòng Tài nguyên – Môi trường'"] + TINY_BODY,
        markdown_title="# D",
    )
    for name, nb in (
        ("district_review.ipynb", district),
        ("commune_profile.ipynb", commune),
        ("department_report.ipynb", department),
        ("exploration.ipynb", district),
    ):
        nbformat.write(nb, nb_dir / name)
    return nb_dir
