"""The review notebooks: committed thin and clean, and every one executes on the sample.

The slow tests run ``render_review`` (what ``ntm render`` calls) over the
whole sample review set plus the exploration notebook, once per module.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from ntm_analysis import config, render

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
PARAMETERS = {
    "district_review.ipynb": {"year", "area", "processed_dir", "lang"},
    "commune_profile.ipynb": {"commune", "year", "processed_dir", "lang"},
    "department_report.ipynb": {"department", "year", "processed_dir", "lang"},
    "exploration.ipynb": {"year", "processed_dir", "lang", "export_dir"},
}
EMBEDDED_DATA = re.compile(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+")
NETWORK_REF = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//)""", re.IGNORECASE)
MAX_DISTRICT_REVIEW_BYTES = 3 * 1024 * 1024


def test_the_four_notebooks_exist():
    assert sorted(p.name for p in NOTEBOOKS) == sorted(PARAMETERS)
    assert set(render.NOTEBOOKS.values()) == set(PARAMETERS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.source
            assert cell.execution_count is None, cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_names_the_project_kernel(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.kernelspec.name == config.KERNEL_NAME
    assert nb.metadata.kernelspec.display_name == "Python (ntm-analysis)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_one_parameters_cell_with_sample_defaults(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse(tagged[0].source)
    names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets}
    assert names == PARAMETERS[path.name]
    values = {
        t.id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
    }
    assert values["year"] == 2024 and values["processed_dir"] is None and values["lang"] == "vi"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin(path):
    """No function or class definitions, no hard-coded paths: calls into the package."""
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    for source in code:
        tree = ast.parse(source)
        for node in ast.walk(tree):
            assert not isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda
            )
        literals = [
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        ]
        assert not [v for v in literals if v.startswith(("/", "~")) or "data/" in v], literals
    assert sum(len(s.splitlines()) for s in code) < 80
    assert any("ntm_analysis" in s for s in code)


# ----------------------------------------------------------------------------- execution


@pytest.fixture(scope="module")
def rendered(processed_sample_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    mp = pytest.MonkeyPatch()
    # The exploration notebook exports a table under outputs/: keep it in the tmp folder.
    mp.setenv("NTM_OUTPUTS_DIR", str(out / "exports"))
    try:
        summary = render.render_review(
            processed_dir=processed_sample_dir,
            out_dir=out,
            kinds=["district", "commune", "department", "exploration"],
            progress=False,
        )
    finally:
        mp.undo()
    return summary


@pytest.mark.slow
def test_every_notebook_executes_on_the_sample(rendered):
    failures = [p.describe_error() for p in rendered.failures]
    assert failures == []
    kinds = {p.kind for p in rendered.pages}
    assert kinds == {"district", "commune", "department", "exploration"}
    # the latest year of each criteria set: 2024 (8 communes) and 2026 (the 2 new communes)
    assert sum(p.kind == "commune" for p in rendered.pages) == 8 + 2
    assert {p.year for p in rendered.pages} == {2024, 2026}
    assert sum(p.kind == "department" for p in rendered.pages) >= 5


@pytest.mark.slow
def test_every_page_is_offline_with_hidden_code(rendered):
    for page in rendered.pages:
        text = page.html_path.read_text(encoding="utf-8")
        assert not NETWORK_REF.search(text), (page.html_path, NETWORK_REF.search(text))
        # embedded images are base64, whose alphabet can spell "//cdn" by chance
        words = EMBEDDED_DATA.sub("data:", text)
        assert "https://" not in words and "http://" not in words and "//cdn" not in words
        assert "<script" not in text.lower()
        assert "report.load_review" not in text and "import " not in text
        assert "Traceback" not in text
        assert "DỮ LIỆU MẪU (tổng hợp, không phải số liệu thật)" in text
        assert '<nav class="ntm-toc"' in text


@pytest.mark.slow
def test_district_review_is_small_with_embedded_charts(rendered):
    page = next(p for p in rendered.pages if p.kind == "district").html_path
    text = page.read_text(encoding="utf-8")
    assert page.stat().st_size < MAX_DISTRICT_REVIEW_BYTES
    images = re.findall(r'<img [^>]*src="data:image/png;base64,', text)
    assert len(images) >= 6  # attainment, change, over the years, shares, gaps, progress
    for anchor in (
        "headline",
        "attainment",
        "change",
        "over-years",
        "lagging",
        "outlook",
        "checks",
    ):
        assert f'id="{anchor}"' in text and f'href="#{anchor}"' in text
    assert "Năm 2024 có " in text and "xã đạt chuẩn nông thôn mới" in text


@pytest.mark.slow
def test_commune_profile_lists_standing_history_and_unmet_indicators(rendered):
    page = next(p for p in rendered.pages if p.kind == "commune").html_path
    text = page.read_text(encoding="utf-8")
    for anchor in ("standing", "history", "unmet"):
        assert f'id="{anchor}"' in text
    assert re.search(r"Năm 2024, Xã [^ ]+.* đạt \d+/19 tiêu chí", text)


@pytest.mark.slow
def test_exploration_exports_a_table(rendered):
    exported = list((rendered.out_dir / "exports" / "exploration").glob("nhiem-vu-2024.csv"))
    assert len(exported) == 1
    assert exported[0].read_text(encoding="utf-8-sig").startswith("department_id,")


@pytest.mark.slow
def test_index_lists_the_year_with_headlines(rendered):
    index = rendered.index_path.read_text(encoding="utf-8")
    assert '<h2 id="nam-2024">Năm 2024</h2>' in index
    assert index.count('href="2024/communes/') == 8
    assert "xã đạt chuẩn nông thôn mới" in index


@pytest.mark.slow
def test_index_groups_the_latest_year_of_each_criteria_set(rendered):
    """2026 (QĐ 51, the two communes formed on 01/07/2025) above 2024 (QĐ 318, eight communes)."""
    index = rendered.index_path.read_text(encoding="utf-8")
    start_2026 = index.index('<h2 id="nam-2026">Năm 2026</h2>')
    start_2024 = index.index('<h2 id="nam-2024">Năm 2024</h2>')
    assert start_2026 < start_2024
    section_2026, section_2024 = index[start_2026:start_2024], index[start_2024:]
    assert section_2026.count('href="2026/communes/') == 2
    assert 'href="2026/communes/xa-dam-ha.html">Xã Đầm Hà<' in section_2026
    assert 'href="2026/communes/xa-quang-tan.html">Xã Quảng Tân<' in section_2026
    assert "Năm 2026 có 0/2 xã đạt chuẩn nông thôn mới" in section_2026
    # each year says which area it reviews: the province after 01/07/2025, the district before
    assert "Địa bàn rà soát: Tỉnh Quảng Ninh" in section_2026
    link_2026 = 'href="2026/review-tinh-quang-ninh.html">Báo cáo rà soát — Tỉnh Quảng Ninh<'
    assert link_2026 in section_2026
    assert "Địa bàn rà soát: Huyện Đầm Hà" in section_2024
    assert 'href="2024/district-review.html">Báo cáo rà soát — Huyện Đầm Hà<' in section_2024
    assert section_2024.count('href="2024/communes/') == 8
    assert "2026/" not in section_2024


@pytest.mark.slow
def test_the_2026_review_covers_the_province_without_district_conditions(rendered):
    page = next(p for p in rendered.pages if p.year == 2026 and p.kind == "district")
    rel = page.html_path.relative_to(rendered.out_dir).as_posix()
    assert rel == "2026/review-tinh-quang-ninh.html"
    text = page.html_path.read_text(encoding="utf-8")
    assert "<h1>Rà soát nông thôn mới năm 2026 — Tỉnh Quảng Ninh</h1>" in text
    assert "Địa bàn rà soát: Tỉnh Quảng Ninh, 2 xã năm 2026." in text
    assert 'id="district-conditions"' not in text and "QĐ 320" not in text
    district = next(p for p in rendered.pages if p.year == 2024 and p.kind == "district")
    text_2024 = district.html_path.read_text(encoding="utf-8")
    assert "<h1>Rà soát nông thôn mới năm 2024 — Huyện Đầm Hà</h1>" in text_2024
    assert 'id="district-conditions"' in text_2024 and 'href="#district-conditions"' in text_2024


@pytest.mark.slow
def test_a_2026_commune_page_reads_its_qd51_report(rendered):
    page = next(p for p in rendered.pages if p.year == 2026 and p.key == "xa-dam-ha")
    text = page.html_path.read_text(encoding="utf-8")
    assert "DỮ LIỆU MẪU (tổng hợp, không phải số liệu thật)" in text
    assert "Năm 2026, Xã Đầm Hà đạt 8/10 tiêu chí" in text
    assert "Chỉ tiêu mẫu 8.1 (nội dung tổng hợp, không phải văn bản QĐ 51/2025)" in text


@pytest.mark.slow
def test_district_review_renders_in_english(processed_sample_dir, tmp_path):
    summary = render.render_review(
        processed_dir=processed_sample_dir,
        out_dir=tmp_path,
        kinds=["district"],
        lang="en",
        progress=False,
    )
    assert not summary.failures, [p.describe_error() for p in summary.failures]
    text = summary.pages[0].html_path.read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    assert "New rural development review 2024" in text
    assert "SAMPLE DATA (synthetic, not real figures)" in text
    assert ">Headline<" in text and "communes meet the new rural standard" in text


def test_page_paths_follow_the_layout(rendered):
    rels = {p.html_path.relative_to(rendered.out_dir).as_posix() for p in rendered.pages}
    assert "2024/district-review.html" in rels
    assert "2024/communes/xa-quang-tan.html" in rels
    assert "2024/departments/phong-tai-nguyen-moi-truong.html" in rels
    assert "2026/communes/xa-dam-ha.html" in rels
    assert all(re.fullmatch(r"202[46]/(?:[a-z]+/)?[a-z0-9-]+\.html", r) for r in rels)
    for page in rendered.pages:
        assert Path(page.html_path).with_suffix(".ipynb").is_file()


@pytest.mark.slow
def test_pages_say_on_what_basis_each_indicator_was_judged(rendered):
    """Unset thresholds fall back to the stated target, and every kind of page says so."""
    for kind in ("district", "commune", "department"):
        page = next(p for p in rendered.pages if p.kind == kind and p.ok).html_path
        text = page.read_text(encoding="utf-8")
        match = re.search(
            r"Cơ sở đánh giá năm 2024: (\d+)/(\d+) chỉ tiêu được so với ngưỡng.*?; (\d+) chỉ tiêu "
            r"chưa có ngưỡng từ nguồn chính thức được so với chỉ tiêu ghi trong báo cáo của xã; "
            r"(\d+) chỉ tiêu dùng kết quả tự đánh giá",
            text,
        )
        assert match, kind
        threshold, total, stated, appraisal = map(int, match.groups())
        assert threshold >= 1 and stated >= 1 and threshold + stated + appraisal <= total
        assert "--province" in text


@pytest.mark.slow
def test_district_review_opens_with_the_re_assessed_standing(rendered):
    page = next(p for p in rendered.pages if p.kind == "district").html_path
    text = page.read_text(encoding="utf-8")
    opening = "Đánh giá lại: 6/8 xã đạt chuẩn (xã tự báo cáo: 7/8)."
    assert opening in text
    assert text.index(opening) < text.index('id="attainment"')
    assert 'id="reassessment"' in text
    # the disagreeing indicator of the sample, with its value, target and source file
    assert "Xã Quảng Tân" in text and "≥ 90%" in text and "MAU-synthetic_xa-quang-tan_2024" in text


@pytest.mark.slow
def test_commune_profile_lists_its_own_disagreements(rendered):
    page = next(
        p for p in rendered.pages if p.kind == "commune" and "quang-tan" in str(p.html_path)
    ).html_path
    text = page.read_text(encoding="utf-8")
    assert 'id="disagreements"' in text
    assert "1 chỉ tiêu tại 1 xã" in text and "2.1." in text
