"""Warm kernels of ``ntm render``: a thread's next page reuses its kernel, cleared; failures
and the end of a batch shut kernels down."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from render_fixtures import _notebook

from ntm_analysis import render, render_kernels
from ntm_analysis.render_jobs import RenderJob

ENV = {"NTM_TEST_PAGE_ENV": "yes"}


def _job(path, name: str) -> RenderJob:
    return RenderJob(
        "commune",
        2026,
        name,
        name,
        str(path),
        {"name": name},
        f"2026/communes/{name}.html",
        name,
        {"lang": "vi", "html_path": f"2026/communes/{name}.html"},
        kernel_env=ENV,
    )


@pytest.fixture
def notebooks(tmp_path):
    """A page that leaves a variable and a figure behind, one that checks it sees neither
    (and reports its process id), and one that fails."""
    cells = {
        "leaves": [
            "name = 'x'",
            "import matplotlib.pyplot as plt\nleft_behind = 42\nfig = plt.figure()",
        ],
        "checks": [
            "name = 'x'",
            "import os\nimport matplotlib.pyplot as plt\nfrom IPython.display import HTML\n"
            "assert 'left_behind' not in globals() and not plt.get_fignums()\n"
            "HTML(f'<p>pid={os.getpid()} env={os.environ.get(\"NTM_TEST_PAGE_ENV\")}</p>')",
        ],
        "fails": ["name = 'x'", "raise ValueError('deliberate failure')"],
    }
    paths = {}
    for stem, source in cells.items():
        paths[stem] = tmp_path / f"{stem}.ipynb"
        nbformat.write(_notebook(source, markdown_title=f"# {stem}"), paths[stem])
    yield paths
    render_kernels.close_kernels()


@pytest.fixture
def run_page():
    """``execute_job`` on one worker thread, as ``ntm render`` runs pages (papermill sets up
    an event loop in the thread it runs on; the test's own thread stays clean)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield lambda job: pool.submit(render.execute_job, job).result()


def _pid(output) -> str:
    return output.html.split("pid=")[1].split(" ")[0]


@pytest.mark.slow
def test_a_threads_next_page_runs_in_its_kept_kernel_with_a_clean_namespace(notebooks, run_page):
    first = run_page(_job(notebooks["checks"], "a"))
    assert first.ok, first.message
    assert render_kernels.kept_kernels() == 1
    leaves = run_page(_job(notebooks["leaves"], "b"))
    assert leaves.ok, leaves.message
    second = run_page(_job(notebooks["checks"], "c"))
    assert second.ok, second.message  # its assertion: nothing of the page before is left
    assert _pid(second) == _pid(first)  # the same kernel process
    assert "env=yes" in second.html
    # the executed notebook counts from 1 and prints nothing extra, as from a fresh kernel
    cells = [c for c in nbformat.reads(second.ipynb, as_version=4).cells if "outputs" in c]
    counts = [c.execution_count for c in cells]
    assert counts[0] == 1 and counts == sorted(counts)
    assert not [o for c in cells for o in c.outputs if o.output_type == "stream"]
    # the warm page skips the kernel start: much less than the first page's time
    assert second.timings["kernel_start"] < first.timings["kernel_start"]
    assert render_kernels.close_kernels() == 1 and render_kernels.kept_kernels() == 0


@pytest.mark.slow
def test_a_failed_page_shuts_its_kernel_down_and_the_next_page_gets_a_new_one(notebooks, run_page):
    first = run_page(_job(notebooks["checks"], "a"))
    kept = render_kernels._KEPT.copy()
    (manager,) = kept.values()
    failed = run_page(_job(notebooks["fails"], "b"))
    assert not failed.ok and "deliberate failure" in failed.message
    assert render_kernels.kept_kernels() == 0 and not manager.has_kernel
    again = run_page(_job(notebooks["checks"], "c"))
    assert again.ok and _pid(again) != _pid(first)


@pytest.mark.slow
def test_pages_of_another_environment_get_their_own_kernel(notebooks, run_page):
    first = run_page(_job(notebooks["checks"], "a"))
    other = RenderJob(**{**_job(notebooks["checks"], "b").__dict__, "kernel_env": {}})
    second = run_page(other)
    assert first.ok and second.ok
    assert _pid(first) != _pid(second) and "env=None" in second.html
    assert render_kernels.kept_kernels() == 2
    assert render_kernels.close_kernels() == 2


def test_closing_without_kept_kernels_does_nothing():
    render_kernels.close_kernels()
    assert render_kernels.close_kernels() == 0
