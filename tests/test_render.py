"""``ntm render``: slugs, planning, pages, index, failures, the Dask path and the CLI.

The batch tests run small stand-in notebooks (``render_fixtures``) on a tiny
processed folder, so they exercise papermill, the HTML conversion and the
writing rules in seconds; ``test_notebooks.py`` runs the real notebooks on the
sample.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render_fixtures import write_processed_fixture, write_tiny_notebooks  # noqa: E402

from ntm_analysis import cli, names, render, writing  # noqa: E402
from ntm_analysis.errors import NoDataError, UsageError  # noqa: E402
from ntm_analysis.review import load_review  # noqa: E402
from ntm_analysis.sections import commune, district, markup  # noqa: E402

FAILING = "Xã Quảng Lâm"
#: src= / href= attributes pointing at a network address (or protocol-relative).
NETWORK_REF = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//)""", re.IGNORECASE)


def assert_offline_page(text: str) -> None:
    """The checks every published page must pass."""
    assert text.startswith("<!DOCTYPE html>")
    assert not NETWORK_REF.search(text), NETWORK_REF.search(text).group(0)
    assert "http://" not in text and "https://" not in text
    assert "//cdn" not in text
    assert "<script" not in text.lower()
    assert "<link" not in text.lower()
    assert "@import" not in text and "url(" not in text


# ----------------------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Xã Quảng Tân", "xa-quang-tan"),
        ("Phòng Tài nguyên – Môi trường", "phong-tai-nguyen-moi-truong"),
        ("Thị trấn Đầm Hà", "thi-tran-dam-ha"),
        ("XÃ ĐẦM HÀ", "xa-dam-ha"),
        ("Phòng Lao động – TB&XH", "phong-lao-dong-tb-xh"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "x"),
        ("", "x"),
        ("/", "x"),
        ("CON", "con-x"),
        ("Xã\u00a0Quảng\nTân", "xa-quang-tan"),
        ("Xa\u0303 Qua\u0309ng Ta\u0302n", "xa-quang-tan"),  # decomposed (NFD) input
    ],
)
def test_slugify_makes_safe_ascii_file_names(name, slug):
    assert names.slugify(name) == slug


def test_slugify_output_never_leaves_its_folder():
    for nasty in ("a/../../b", "C:\\Windows\\x", "~root", "a\x00b", "<script>", "ñ/ü"):
        slug = names.slugify(nasty)
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug), slug


def test_slugify_is_bounded_in_length():
    assert len(names.slugify("Xã " * 100)) <= 60


def test_unique_slugs_number_collisions():
    assert names.unique_slugs(["Xã Đầm Hà", "Xa Dam Ha", "Thị trấn Đầm Hà"]) == {
        "Xã Đầm Hà": "xa-dam-ha",
        "Xa Dam Ha": "xa-dam-ha-2",
        "Thị trấn Đầm Hà": "thi-tran-dam-ha",
    }


# ----------------------------------------------------------------------------- planning


@pytest.fixture(scope="module")
def tiny_processed(tmp_path_factory) -> Path:
    return write_processed_fixture(tmp_path_factory.mktemp("processed"))


@pytest.fixture(scope="module")
def tiny_data(tiny_processed):
    from ntm_analysis.pipeline import load_processed

    return load_processed(tiny_processed)


def test_plan_defaults_to_the_latest_year_and_every_commune_and_department(tiny_data):
    jobs = render.plan_jobs(tiny_data)
    assert {j.year for j in jobs} == {2024}
    kinds = [j.kind for j in jobs]
    assert kinds.count("district") == 1
    assert kinds.count("commune") == 3
    assert kinds.count("department") >= 3  # transport, health, environment owners
    district = next(j for j in jobs if j.kind == "district")
    assert district.html_path == "2024/district-review.html"
    assert district.parameters["year"] == 2024
    assert Path(district.parameters["processed_dir"]).is_absolute()
    commune = next(j for j in jobs if j.label == "Xã Quảng Tân")
    assert commune.html_path == "2024/communes/xa-quang-tan.html"
    assert commune.parameters["commune"] == "Xã Quảng Tân"
    dept = next(j for j in jobs if j.label == "Phòng Tài nguyên – Môi trường")
    assert dept.html_path == "2024/departments/phong-tai-nguyen-moi-truong.html"


def test_an_english_department_page_is_titled_in_english_at_the_same_path(tiny_data):
    vi = render.plan_jobs(tiny_data, kinds=["department"])
    en = render.plan_jobs(tiny_data, kinds=["department"], lang="en")
    assert [j.html_path for j in en] == [j.html_path for j in vi]
    assert [j.parameters["department"] for j in en] == [j.label for j in vi]
    dept = next(j for j in en if j.html_path.endswith("phong-tai-nguyen-moi-truong.html"))
    assert dept.label == "Natural Resources and Environment Office"
    assert (
        dept.title == "New rural development tasks: Natural Resources and Environment Office, 2024"
    )
    assert dept.parameters["department"] == "Phòng Tài nguyên – Môi trường"


def test_plan_selects_communes_by_any_spelling(tiny_data):
    jobs = render.plan_jobs(
        tiny_data, years=[2023, 2024], communes=["quang-tan", "QUẢNG LÂM"], kinds=["commune"]
    )
    assert sorted((j.year, j.label) for j in jobs) == [
        (2023, "Xã Quảng Lâm"),
        (2023, "Xã Quảng Tân"),
        (2024, "Xã Quảng Lâm"),
        (2024, "Xã Quảng Tân"),
    ]


def test_naming_a_commune_renders_that_commune_only(tiny_data):
    jobs = render.plan_jobs(tiny_data, communes=["quang tan"])
    assert [(j.kind, j.label) for j in jobs] == [("commune", "Xã Quảng Tân")]


def test_naming_communes_and_departments_renders_those_pages_only(tiny_data):
    jobs = render.plan_jobs(
        tiny_data, communes=["Quảng Lâm"], departments=["Phòng Tài nguyên – Môi trường"]
    )
    assert sorted((j.kind, j.label) for j in jobs) == [
        ("commune", "Xã Quảng Lâm"),
        ("department", "Phòng Tài nguyên – Môi trường"),
    ]


def test_naming_a_commune_with_other_kinds_adds_those_kinds(tiny_data):
    jobs = render.plan_jobs(tiny_data, communes=["quang tan"], kinds=["district"])
    assert [(j.kind, j.label) for j in jobs][1:] == [("commune", "Xã Quảng Tân")]
    assert jobs[0].kind == "district"


def test_plan_escapes_nothing_but_slugs_every_path(tiny_data):
    jobs = render.plan_jobs(tiny_data, kinds=["commune"])
    odd = next(j for j in jobs if "Thử" in j.label)
    assert odd.html_path == "2024/communes/xa-b-thu-b-co.html"
    assert odd.parameters["commune"] == "Xã <b>Thử</b> & Co"  # the real name reaches the notebook


def test_plan_rejects_unknown_years_communes_and_kinds(tiny_data):
    with pytest.raises(UsageError, match="2019"):
        render.plan_jobs(tiny_data, years=[2019])
    with pytest.raises(UsageError, match="Atlantis"):
        render.plan_jobs(tiny_data, communes=["Atlantis"])
    with pytest.raises(UsageError, match="loại trang .*poster"):
        render.plan_jobs(tiny_data, kinds=["poster"])


def test_a_name_known_in_one_of_the_years_renders_there_and_is_no_error(processed_sample_dir):
    from ntm_analysis.pipeline import load_processed

    data = load_processed(processed_sample_dir)  # 2024 under QĐ 318, 2026 under QĐ 51
    jobs = render.plan_jobs(data, departments=["Phòng Tài nguyên – Môi trường", "phong kinh te xa"])
    assert [(j.year, j.label) for j in jobs] == [
        (2024, "Phòng Tài nguyên – Môi trường"),
        (2026, "Phòng Kinh tế (xã)"),
    ]
    # Tân Lập was merged away in 2025: its 2024 profile only
    jobs = render.plan_jobs(data, communes=["Tân Lập", "Quảng Tân"])
    assert [(j.year, j.label) for j in jobs] == [
        (2024, "Xã Tân Lập"),
        (2024, "Xã Quảng Tân"),
        (2026, "Xã Quảng Tân"),
    ]
    # a name no year knows is an error, listing the names of every year
    with pytest.raises(UsageError, match="Atlantis.*Ban CHQS huyện.*Ban CHQS xã"):
        render.plan_jobs(data, departments=["Atlantis"])


# ----------------------------------------------------------------------------- page shell


def test_page_html_is_self_contained_with_banner_sources_and_contents():
    body = '<h2 id="tong-quan">Tổng quan</h2><p>x</p><h3 id="chi-tiet">Chi tiết</h3>'
    context = {
        "sample": True,
        "sources": [{"file": "sample/a<b>.xlsx", "rows": 12}],
        "data_date": "2025-01-15",
        "lang": "vi",
    }
    text = render.page_html(body, title="Rà soát <năm> 2024", context=context)
    assert_offline_page(text)
    assert '<html lang="vi">' in text
    assert "<title>Rà soát &lt;năm&gt; 2024</title>" in text
    assert "DỮ LIỆU MẪU (tổng hợp, không phải số liệu thật)" in text
    assert "sample/a&lt;b&gt;.xlsx" in text
    assert "15/01/2025" in text
    assert '<a href="#tong-quan">Tổng quan</a>' in text
    assert '<a href="#chi-tiet">Chi tiết</a>' in text
    assert "@media print" in text and "size: A4" in text


def test_page_html_has_no_banner_for_real_data():
    context = {"sample": False, "sources": [], "data_date": "2025-01-15", "lang": "en"}
    text = render.page_html("<p>x</p>", title="Review", context=context)
    assert "DỮ LIỆU MẪU" not in text and "SAMPLE DATA" not in text
    assert '<html lang="en">' in text


# ----------------------------------------------------------------------------- batch


@pytest.fixture(scope="module")
def tiny_notebooks(tmp_path_factory) -> Path:
    return write_tiny_notebooks(tmp_path_factory.mktemp("notebooks"), failing=FAILING)


@pytest.fixture(scope="module")
def local_run(tiny_processed, tiny_notebooks, tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    # A good page from an earlier run: the failing notebook must not replace it.
    old = out / "2024" / "communes" / "xa-quang-lam.html"
    old.parent.mkdir(parents=True)
    old.write_text("<!DOCTYPE html><p>previous good page</p>", encoding="utf-8")
    summary = render.render_review(
        processed_dir=tiny_processed,
        out_dir=out,
        jobs=2,
        progress=False,
        notebooks_dir=tiny_notebooks,
    )
    return summary


@pytest.mark.slow
def test_a_failing_notebook_is_reported_and_the_others_render(local_run):
    failed = local_run.failures
    assert [(p.kind, p.label) for p in failed] == [("commune", FAILING)]
    error = failed[0].error
    assert Path(error.notebook).name == "commune_profile.ipynb"
    assert error.parameters["commune"] == FAILING and error.parameters["year"] == 2024
    assert error.cell_index == 4  # in the source notebook: title, parameters, import, load, here
    assert "deliberate failure" in error.cell_source
    assert "ValueError" in str(error)
    ok = [p for p in local_run.pages if p.ok]
    assert len(ok) == len(local_run.pages) - 1 >= 6
    assert all(p.html_path.is_file() and p.ipynb_path.is_file() for p in ok)
    for p in ok:  # where the time went, for profiling
        assert set(p.timings) == {"execute", "cells", "kernel_start", "convert"}
        assert p.timings["cells"] > 0 and p.timings["kernel_start"] >= 0
    assert local_run.exit_code == 1
    described = failed[0].describe_error()
    assert "commune_profile.ipynb" in described and "lỗi tại ô 4" in described


@pytest.mark.slow
def test_render_passes_the_snapshot_to_each_kernel_and_leaves_the_process_environment(
    tiny_processed, tmp_path, monkeypatch
):
    import os

    from render_fixtures import _notebook

    from ntm_analysis.review import SNAPSHOT_ENV

    nb_dir = write_tiny_notebooks(tmp_path / "notebooks")
    shows_env = _notebook(
        [
            "year = 2024\nprocessed_dir = None\nlang = 'vi'\ndistrict = None",
            "import os\nimport matplotlib\nfrom IPython.display import HTML\n"
            f"snap = os.environ.get({SNAPSHOT_ENV!r}, '')\n"
            "page_lang = os.environ.get('NTM_LANG')\n"
            'HTML(f\'<p>snapshot={snap.endswith("review.pkl")} '
            "backend={matplotlib.get_backend()} "
            "page_lang={page_lang}</p>')",
        ],
        markdown_title="# District",
    )
    nbformat.write(shows_env, nb_dir / "district_review.ipynb")
    monkeypatch.delenv(SNAPSHOT_ENV, raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    seen = []
    run_local = render._run_local

    def spy(jobs, n_jobs, on_done):
        seen.append({k: os.environ.get(k) for k in (SNAPSHOT_ENV, "MPLBACKEND")})
        return run_local(jobs, n_jobs, on_done)

    monkeypatch.setattr(render, "_run_local", spy)
    summary = render.render_review(
        processed_dir=tiny_processed,
        out_dir=tmp_path / "out",
        kinds=["district"],
        progress=False,
        notebooks_dir=nb_dir,
        lang="en",
    )
    assert seen == [{SNAPSHOT_ENV: None, "MPLBACKEND": "Agg"}]  # never set process-wide
    (page,) = summary.pages
    assert page.ok, page.error
    text = page.html_path.read_text(encoding="utf-8")
    assert "snapshot=True" in text and f"backend={render.INLINE_BACKEND}" in text
    assert "page_lang=en" in text  # the kernel's own messages follow the page's language
    assert os.environ.get(SNAPSHOT_ENV) is None and os.environ["MPLBACKEND"] == "Agg"


@pytest.mark.slow
def test_a_failed_page_never_replaces_the_good_one(local_run):
    page = local_run.out_dir / "2024" / "communes" / "xa-quang-lam.html"
    assert page.read_text(encoding="utf-8") == "<!DOCTYPE html><p>previous good page</p>"
    assert page.with_suffix(".failed.ipynb").is_file()
    assert not list(local_run.out_dir.rglob("*.tmp"))


@pytest.mark.slow
def test_pages_have_no_code_no_network_and_embedded_images(local_run):
    page = local_run.out_dir / "2024" / "district-review.html"
    text = page.read_text(encoding="utf-8")
    assert_offline_page(text)
    assert "from ntm_analysis" not in text
    assert "load_review" not in text
    assert "jp-InputArea" not in text and "input_area" not in text
    assert re.search(r'<img [^>]*src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', text)
    assert "DỮ LIỆU MẪU (tổng hợp, không phải số liệu thật)" in text
    assert "<title>Rà soát nông thôn mới năm 2024 — Huyện Đầm Hà</title>" in text
    assert '<nav class="ntm-toc"' in text and 'href="#headline"' in text
    assert "Năm 2024 có 2/3 xã đạt chuẩn nông thôn mới (năm 2023: 1/3)." in text
    assert "3 tệp nguồn" in text and "15/01/2025" in text
    assert "# District" not in text  # the cell tagged remove-from-page
    assert 'href="../index.html"' in text


@pytest.mark.slow
def test_data_text_is_escaped_in_pages_and_index(local_run):
    index = local_run.index_path.read_text(encoding="utf-8")
    assert "Xã &lt;b&gt;Thử&lt;/b&gt; &amp; Co" in index
    assert "<b>Thử</b>" not in index
    commune = (local_run.out_dir / "2024" / "communes" / "xa-b-thu-b-co.html").read_text(
        encoding="utf-8"
    )
    assert "<b>Thử</b>" not in commune
    assert "Xã &lt;b&gt;Thử&lt;/b&gt; &amp; Co" in commune


@pytest.mark.slow
def test_index_links_every_page_by_year_with_headlines(local_run):
    index = local_run.index_path.read_text(encoding="utf-8")
    assert_offline_page(index)
    assert '<h2 id="nam-2024">Năm 2024</h2>' in index
    for page in local_run.pages:
        rel = page.html_path.relative_to(local_run.out_dir).as_posix()
        assert f'href="{rel}"' in index, rel  # the failed one links its previous version
    assert "lỗi khi tạo trang" in index
    assert "Năm 2024 có 2/3 xã đạt chuẩn nông thôn mới" in index
    assert (local_run.out_dir / "manifest.json").is_file()


@pytest.mark.slow
def test_dask_path_renders_the_same_pages_as_the_local_path(
    local_run, tiny_processed, tiny_notebooks, tmp_path
):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        summary = render.render_review(
            processed_dir=tiny_processed,
            out_dir=tmp_path,
            scheduler=cluster.scheduler_address,
            progress=False,
            notebooks_dir=tiny_notebooks,
        )

    def pages(s):
        return sorted(
            (p.kind, p.year, p.key, p.html_path.relative_to(s.out_dir).as_posix(), p.ok)
            for p in s.pages
        )

    assert pages(summary) == pages(local_run)
    for page in summary.pages:
        if page.ok:
            local = local_run.out_dir / page.html_path.relative_to(summary.out_dir)
            # same content apart from the generation time and papermill's random cell id
            strip = re.compile(
                r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}|\d{2}/\d{2}/\d{4} \d{2}:\d{2}|cell-id=[0-9a-f-]+"
            )
            assert strip.sub("", page.html_path.read_text(encoding="utf-8")) == strip.sub(
                "", local.read_text(encoding="utf-8")
            )


# ----------------------------------------------------------------------------- no data / CLI


def test_missing_processed_folder_is_one_clear_no_data_error(tmp_path):
    with pytest.raises(NoDataError) as info:
        render.render_review(processed_dir=tmp_path / "nowhere", out_dir=tmp_path, progress=False)
    assert "\n" not in str(info.value) and "ntm clean" in str(info.value)


def test_empty_processed_folder_is_one_clear_no_data_error(tmp_path):
    (tmp_path / "processed").mkdir()
    with pytest.raises(NoDataError) as info:
        render.render_review(
            processed_dir=tmp_path / "processed", out_dir=tmp_path / "out", progress=False
        )
    assert "\n" not in str(info.value)
    assert not (tmp_path / "out" / "index.html").exists()


def test_cli_exits_2_with_one_line_when_there_is_no_data(tmp_path, capsys):
    code = cli.main(["render", "--processed", str(tmp_path), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "ntm clean" in err


def test_cli_options_parse_into_the_api_call():
    args = cli.build_parser().parse_args(
        [
            "render",
            "--year",
            "2023",
            "--year",
            "2024",
            "--commune",
            "Quảng Tân,Quảng Lâm",
            "--commune",
            "Dực Yên",
            "--jobs",
            "3",
            "--scheduler",
            "tcp://127.0.0.1:8786",
            "--lang",
            "en",
        ]
    )
    assert args.func is cli.cmd_render
    assert args.years == [2023, 2024]
    assert cli.split_list(args.communes) == ["Quảng Tân", "Quảng Lâm", "Dực Yên"]
    assert args.jobs == 3 and args.scheduler == "tcp://127.0.0.1:8786" and args.lang == "en"


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a" / "page.html"
    writing.atomic_write_text(target, "one")
    writing.atomic_write_text(target, "two")
    assert target.read_text(encoding="utf-8") == "two"
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]


# ----------------------------------------------------------------------------- report helpers


def test_numbers_read_the_vietnamese_way():
    assert markup.format_number(18.94) == "18,9"
    assert markup.format_number(18.94, "en") == "18.9"
    assert markup.format_number(19.0) == "19"
    assert markup.format_number(float("nan")) == "–"
    assert markup.format_number(-0.01) == "0"


def test_tables_escape_text_and_show_missing_as_a_dash():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "commune": ["Xã <b>A</b>", None],
            "year": pd.array([2024, None], dtype="Int64"),
            "gap": [6.8, None],
        }
    )
    html = markup.table_html(frame)
    assert "<th>Xã</th>" in html and "<th>Năm</th>" in html and "<th>Còn thiếu</th>" in html
    assert "&lt;b&gt;A&lt;/b&gt;" in html and "<b>" not in html
    assert "<td>6,8</td>" in html
    assert "NA" not in html and "nan" not in html
    assert html.count("<td>–</td>") == 3


def test_headline_sentences_read_the_year(tiny_data):
    assert district.headline_sentences(tiny_data, year=2024) == [
        "Năm 2024 có 2/3 xã đạt chuẩn nông thôn mới (năm 2023: 1/3).",
        "Bình quân 2,7 tiêu chí/xã; thấp nhất 2 tiêu chí.",
        "Tiêu chí còn xã chưa đạt: 15. Y tế (1 xã).",
    ]
    assert district.headline_sentences(tiny_data, year=2023, lang="en")[0] == (
        "In 2023, 1 of 3 communes meet the new rural standard."
    )


def test_figures_are_embedded_as_png_and_closed():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([1, 2], [1, 2])
    html = markup.figure_html(fig, alt='Biểu đồ "A" <1>')
    assert html.startswith('<figure class="ntm-figure"><img src="data:image/png;base64,iVBOR')
    assert 'alt="Biểu đồ &quot;A&quot; &lt;1&gt;"' in html
    assert not plt.fignum_exists(fig.number)


def test_headings_carry_stable_anchors_for_the_contents():
    assert markup.heading("over_years") == '<h2 id="over-years">Diễn biến qua các năm</h2>'
    assert markup.heading("over_years", "en") == '<h2 id="over-years">Over the years</h2>'


def test_outlook_lists_indicators_off_track(tiny_processed):
    html = district.outlook(load_review(tiny_processed, year=2024))
    assert '<h2 id="outlook">Triển vọng đạt mục tiêu</h2>' in html
    assert "1 chỉ tiêu (theo xã) đang đi xuống hoặc không kịp mục tiêu" in html
    row = re.search(r"<tr>\s*<td>Xã &lt;b&gt;Thử&lt;/b&gt; &amp; Co</td>(.*?)</tr>", html, re.S)
    assert row and "<td>88,5</td>" in row.group(1) and "Không kịp mục tiêu" in row.group(1)


def test_data_checks_show_findings_escaped(tiny_processed):
    html = district.data_checks(load_review(tiny_processed, year=2024))
    assert "1 phát hiện khi đối chiếu số liệu năm 2024" in html
    assert "Tự đánh giá tiêu chí khác kết quả tính" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html


def test_commune_unmet_lists_gap_owner_and_outlook(tiny_processed):
    review = load_review(tiny_processed, year=2024)
    html = commune.unmet(review, "Xã <b>Thử</b> & Co")
    assert "1 chỉ tiêu chưa đạt trong năm 2024." in html
    assert "<td>≥ 95</td>" in html and "<td>6,5</td>" in html  # target and gap
    assert "Phòng Y tế" in html or "BHXH huyện" in html
    with pytest.raises(UsageError):
        commune.unmet(review, "Atlantis")
