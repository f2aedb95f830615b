"""requirements.lock pins the environment; it must agree with pyproject.toml's ranges."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("lock_tool", ROOT / "tools" / "lock.py")
lock_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lock_tool)

PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"


def range_problems(pyproject: Path, lock: Path) -> list[str]:
    """Requirements of pyproject.toml that the lock does not pin inside their range."""
    _, pins = lock_tool.read_lock(lock)
    problems = []
    for spec in lock_tool.lock_inputs(pyproject):
        req = Requirement(spec)
        name = lock_tool.normalize_name(req.name)
        pinned = pins.get(name, [])
        if not pinned:
            problems.append(f"{req.name} is not in the lock")
            continue
        for version, _marker in pinned:
            if not req.specifier.contains(Version(version), prereleases=True):
                problems.append(f"{req.name}=={version} is outside {req.specifier}")
        if not any(m is None or Marker(m).evaluate() for _, m in pinned):
            problems.append(f"{req.name} has no pin for this Python and platform")
    return problems


def test_the_lock_was_built_from_the_current_dependency_list():
    assert lock_tool.stale_reason(PYPROJECT, LOCK) is None


def test_every_requirement_is_pinned_inside_its_range():
    assert range_problems(PYPROJECT, LOCK) == []


def test_the_lock_holds_only_exact_pins_from_the_package_index():
    lines = [
        line.strip()
        for line in LOCK.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert len(lines) > 100  # the whole environment, not only the direct dependencies
    for line in lines:
        assert re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][^\s;]*( ; .+)?$", line), line
    _, pins = lock_tool.read_lock(LOCK)
    assert {"pandas", "numpy", "python-docx", "setuptools", "lxml"} <= set(pins)


def test_drift_is_detected(tmp_path):
    """Both checks above can fail: a new dependency, a range the pin leaves, a dropped pin."""
    text = PYPROJECT.read_text(encoding="utf-8")
    grown = tmp_path / "pyproject.toml"
    grown.write_text(text.replace('"pandas>=3.0",', '"pandas>=3.0",\n    "rich>=13",'))
    reason = lock_tool.stale_reason(grown, LOCK)
    assert reason and "rich>=13" in reason
    assert "rich is not in the lock" in range_problems(grown, LOCK)
    narrowed = tmp_path / "narrow.toml"
    narrowed.write_text(text.replace('"pandas>=3.0",', '"pandas>=3.0,<3.0.1",'))
    assert "pandas>=3.0,<3.0.1" in lock_tool.stale_reason(narrowed, LOCK)
    assert any(p.startswith("pandas==") for p in range_problems(narrowed, LOCK))
    shrunk = tmp_path / "requirements.lock"
    shrunk.write_text(
        "".join(
            line
            for line in LOCK.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("openpyxl==")
        )
    )
    assert range_problems(PYPROJECT, shrunk) == ["openpyxl is not in the lock"]
    assert lock_tool.stale_reason(PYPROJECT, tmp_path / "absent.lock") == "absent.lock is missing"


def test_check_is_one_line_and_exit_2_when_stale(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(lock_tool, "LOCK", tmp_path / "requirements.lock")
    assert lock_tool.main(["--check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "run `make lock`" in err
    monkeypatch.setattr(lock_tool, "LOCK", LOCK)
    assert lock_tool.main(["--check"]) == 0


def test_the_makefile_installs_from_the_lock_and_lists_make_lock():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    stamp = re.search(r"^\$\(STAMP\):(.*)$", makefile, re.M)
    assert stamp and "$(LOCK)" in stamp.group(1) and "pyproject.toml" in stamp.group(1)
    assert re.search(r"^LOCK := requirements\.lock$", makefile, re.M)
    recipe = makefile[stamp.end() : makefile.index("\nsetup:")]
    assert "pip install --quiet -r $(LOCK)" in recipe
    assert "--no-deps" in recipe  # the package itself adds nothing unpinned
    assert "tools/lock.py --check" in recipe
    out = subprocess.run(
        ["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"make lock\s+Re-pin", out)


@pytest.mark.parametrize("spec", lock_tool.lock_inputs(PYPROJECT))
def test_each_input_is_a_valid_requirement(spec):
    assert Requirement(spec).name
