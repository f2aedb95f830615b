"""environment.yml (conda users) and pyproject.toml (pip users) list the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {"pandas", "matplotlib", "seaborn", "jupyterlab", "papermill"}


def _split(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    assert match, spec
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs.extend(extra)
    return dict(_split(s) for s in specs)


def _environment() -> dict[str, str]:
    data = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = [d for d in data["dependencies"] if isinstance(d, str)]
    out = dict(_split(d) for d in deps)
    out.pop("python")
    out.pop("pip")
    return out


def test_environment_yml_lists_exactly_the_pyproject_dependencies():
    assert _environment() == _pyproject()


def test_the_design_card_packages_are_dependencies():
    assert REQUIRED <= set(_pyproject())


def test_environment_installs_the_package_itself():
    data = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in data["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section


def test_drift_is_detected(tmp_path, monkeypatch):
    """The comparison above is not vacuous: a missing package makes the sets differ."""
    env = _environment()
    env.pop("seaborn")
    assert env != _pyproject()
