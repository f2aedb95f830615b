"""Nothing the project ships refers to files a user of the repository does not have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ntm_analysis import config
from ntm_analysis.catalog import load_catalog

#: What a shipped file or a catalog source must never name: the developers' reference
#: notes, or absolute paths of the machine the project was written on. Built from parts so
#: that this file does not match itself.
OUTSIDE_REFERENCES = re.compile(
    "|".join(
        [
            "ntm" + "-domain",
            r"\bshared/" + "reference",
            r"(?<![\w.])/" + r"work/",
            r"(?<![\w.])/" + r"home/\w+",
            r"\b[A-Z]:\\\\" + r"Users\\\\",
        ]
    )
)

SHIPPED_DIRS = ("ntm_analysis", "notebooks", "docs", "tests", "benchmarks")
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".csv", ".ipynb", ".txt", ".toml", ".cfg", ""}


def _shipped_files() -> list[Path]:
    root = config.PROJ_ROOT
    files = [p for p in root.iterdir() if p.is_file() and not p.name.startswith(".")]
    for name in SHIPPED_DIRS:
        files += [
            p
            for p in (root / name).rglob("*")
            # hidden folders are not shipped (checkpoints, the benchmarks' git-ignored .work/)
            if p.is_file()
            and "__pycache__" not in p.parts
            and not any(part.startswith(".") for part in p.relative_to(root).parts)
        ]
    return [p for p in files if p.suffix in TEXT_SUFFIXES or p.name == "Makefile"]


def test_the_scan_covers_the_catalog_readme_and_docs():
    names = {p.relative_to(config.PROJ_ROOT).as_posix() for p in _shipped_files()}
    assert {"README.md", "Makefile", "docs/catalog-sources.md"} <= names
    assert "ntm_analysis/data/catalog/qd318_2022_commune.yaml" in names


@pytest.mark.parametrize(
    "text", ["ghi nhận trong ntm" + "-domain.md", "/" + "work/shared/" + "reference/x"]
)
def test_the_pattern_catches_the_references_it_is_for(text):
    assert OUTSIDE_REFERENCES.search(text)


def test_no_shipped_file_refers_to_files_outside_the_repository():
    offending = []
    for path in _shipped_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE_REFERENCES.search(line):
                rel = path.relative_to(config.PROJ_ROOT).as_posix()
                offending.append(f"{rel}:{number}: {line.strip()[:100]}")
    assert offending == []


def test_every_catalog_source_cites_a_public_document_not_a_file():
    catalog = load_catalog()
    sources = [
        (cset.id, indicator.code, threshold.source)
        for cset in catalog.sets
        for indicator in cset.indicators
        for threshold in indicator.thresholds
    ]
    assert sources  # the national sets carry thresholds
    bad = [s for s in sources if OUTSIDE_REFERENCES.search(s[2] or "") or ".md" in (s[2] or "")]
    assert bad == []
    by_code = {(set_id, code): src for set_id, code, src in sources}
    assert by_code[("qd318_2022_commune", "3.1")].startswith("QĐ 318/QĐ-TTg")
