"""The package reads top to bottom: every module imports alone, in any order, and
imports flow one way through the layers README describes:

    reading -> rules -> analysis -> plots -> report -> render -> CLI

with a foundation of settings, names and words that every layer may use. The
import graph counts imports inside functions too, so a cycle cannot hide there.
"""

from __future__ import annotations

import ast
import random
import subprocess
import sys
from pathlib import Path

import pytest

import ntm_analysis

PACKAGE_DIR = Path(ntm_analysis.__file__).resolve().parent

#: Layer of every module, lowest first. A module may import its own layer and the
#: layers below it. A new module must be placed here (and in README's architecture).
LAYERS: dict[str, tuple[str, ...]] = {
    "foundation": (
        "config",
        "errors",
        "schema",
        "columnar",
        "messages",
        "page_words",
        "labels",
        "names",
        "provenance",
        "writing",
        "folders",
    ),
    "reading": (
        "legacy_fonts",
        "parsing",
        "plan_parsing",
        "readers",
        "word",
        "stated_totals",
        "sheet_rows",
        "sheet_titles",
        "sheet_records",
        "layout_commune_report",
        "layout_matrix",
        "layout_tidy",
        "layouts",
        "documents",
        "lineage",
        "registry",
        "versions",
        "ingest",
    ),
    "rules": (
        "catalog",
        "responsibility",
        "validation",
        "stated_targets",
        "thresholds",
        "findings",
        "evaluation",
        "pipeline",
        "province",
        "sample_2026",
        "sample_sheets",
        "sample",
    ),
    "analysis": (
        "areas",
        "standing",
        "changes",
        "progress",
        "lagging",
        "department_tasks",
        "district_conditions",
        "roadmap",
        "reassessment",
        "wording",
        "history",
    ),
    "plots": ("plot_theme", "plots"),
    "report": (
        "review",
        "sections",
        "sections.markup",
        "sections.shared",
        "sections.district",
        "sections.commune",
        "sections.department",
        "task_workbooks",
        "sample_plans",
        "sections.plans",
    ),
    "render": ("html_pages", "render_jobs", "render_index", "render_kernels", "render"),
    "cli": ("cli", "__init__"),
}
LAYER_OF = {module: rank for rank, names in enumerate(LAYERS.values()) for module in names}
LAYER_NAMES = list(LAYERS)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


MODULES = sorted(_module_name(p) for p in PACKAGE_DIR.rglob("*.py"))


def _imports_of(module: str) -> set[str]:
    """Package modules that ``module`` imports anywhere in its source, functions included."""
    rel = module.replace(".", "/")
    path = PACKAGE_DIR / (f"{rel}.py" if (PACKAGE_DIR / f"{rel}.py").is_file() else rel)
    if path.is_dir():
        path = path / "__init__.py"
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    if module == "__init__":
        package = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
            elif (node.module or "").startswith("ntm_analysis"):
                base, node_module = [], node.module.split(".", 1)[1:]
                node = ast.ImportFrom(module=".".join(node_module) or None, names=node.names)
            else:
                continue
            prefix = base + (node.module.split(".") if node.module else [])
            for alias in node.names:
                candidate = ".".join(prefix + [alias.name])
                found.add(candidate if candidate in MODULES else ".".join(prefix))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("ntm_analysis."):
                    found.add(alias.name.split(".", 1)[1])
    return {m for m in found if m and m != module}


GRAPH = {module: _imports_of(module) for module in MODULES}


def test_every_module_has_a_layer():
    unplaced = [m for m in MODULES if m not in LAYER_OF]
    assert unplaced == [], f"place these modules in LAYERS (and README's architecture): {unplaced}"


def test_imports_only_go_down_the_layers():
    upward = [
        f"{m} ({LAYER_NAMES[LAYER_OF[m]]}) imports {t} ({LAYER_NAMES[LAYER_OF[t]]})"
        for m, targets in GRAPH.items()
        for t in sorted(targets)
        if m in LAYER_OF and t in LAYER_OF and LAYER_OF[t] > LAYER_OF[m]
    ]
    assert upward == []


def test_the_import_graph_has_no_cycle():
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(GRAPH.get(node, ())):
            if state.get(target) == 1:
                cycles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = 2

    for module in MODULES:
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_graph_sees_imports_inside_functions():
    """A function-level import is an edge too (that is where cycles used to hide)."""
    assert "render" in GRAPH["cli"]
    assert {"review", "html_pages", "render_jobs", "render_index"} <= GRAPH["render"]
    assert {"names", "review", "areas"} <= GRAPH["render_jobs"]


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("module", [m for m in MODULES if m != "__init__"])
def test_module_imports_alone_in_a_fresh_interpreter(module):
    done = _run(f"import ntm_analysis.{module}")
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_modules_import_in_any_order(seed):
    order = [m for m in MODULES if m != "__init__"]
    if seed == 0:
        order.reverse()
    else:
        random.Random(seed).shuffle(order)
    code = "import importlib\n" + "".join(
        f"importlib.import_module('ntm_analysis.{m}')\n" for m in order
    )
    done = _run(code)
    assert done.returncode == 0, (order, done.stderr[-2000:])
