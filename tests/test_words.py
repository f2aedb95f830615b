"""Every word a page, chart or message shows lives in one place, in one table shape.

The words are tables ``key -> (Vietnamese, English)`` in :mod:`ntm_analysis.labels`
(tables, charts and pages) and :mod:`ntm_analysis.messages` (sentences of the CLI,
errors, rejects and findings). Other modules hold Vietnamese text only when it is
not a label: the words of the inputs the tool reads, data it writes into its
tables, or the synthetic sample.
"""

from __future__ import annotations

import ast
import re
import string
import unicodedata
from pathlib import Path

import pytest

import ntm_analysis
from ntm_analysis import labels as lb
from ntm_analysis import messages

PACKAGE_DIR = Path(ntm_analysis.__file__).resolve().parent

#: The homes of user-facing words.
WORD_MODULES = ("labels", "messages", "page_words")

#: Modules with Vietnamese text that is not a label, and why. Keep it short: a word a
#: page, chart or message shows belongs in ``labels.py``, ``page_words.py`` or ``messages.py``.
NOT_LABELS: dict[str, str] = {
    # the words of what the tool reads (reports, documents, names typed by users)
    "legacy_fonts": "the code tables of the legacy Vietnamese fonts reports are typed in",
    "parsing": "the appraisal, yes/no and unit words cells are written with",
    "sheet_rows": "the header words of a report sheet, and the letters of Vietnamese",
    "sheet_titles": "the words a sheet title gives its year and commune with",
    "stated_targets": "the appraisal words of a report's target column",
    "stated_totals": "the words of a report's stated total",
    "names": "the letter đ, which slugs write as d",
    "registry": "the unit types of names ('xã', 'thị trấn', 'huyện', …)",
    "areas": "the words of an area a user types ('huyện … cũ', 'tỉnh')",
    "findings": "the appraisal words as reports write them, quoted in findings",
    "cli": "example values in --help ('Quảng Tân', 'Tỉnh Quảng Ninh')",
    "ingest": "a revision word of file names, in the precedence the ingest report states",
    # data the tool writes into its tables (the same in either language)
    "word": "the sheet names of a Word document's tables ('Bảng 2'), kept in the source",
    "catalog": "the name and source of an indicator a report adds to the catalog",
    "schema": "the threshold_source value of an indicator judged by its stated target",
    "plot_theme": "the letters a chart font must draw",
    # Vietnamese forms sent out and read back: their headings are the file format
    "task_workbooks": "the departments' task workbooks (headings read back on import)",
    "province": "the province-set template and draft (headings read back by --province)",
    # the synthetic sample, written the way communes write their reports
    "sample": "the synthetic commune reports",
    "sample_2026": "the synthetic 2026 commune reports",
    "sample_sheets": "the synthetic reports' sheets (titles and headings as offices type them)",
    "sample_plans": "the synthetic filled task workbooks",
}

_VIETNAMESE = re.compile(r"[đĐ]|[A-Za-z][\u0300-\u036f]")


def _is_vietnamese(text: str) -> bool:
    return bool(_VIETNAMESE.search(unicodedata.normalize("NFD", text)))


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE_DIR).with_suffix("").parts)


def _vietnamese_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of the string literals of a module with Vietnamese in them, docstrings
    left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and _is_vietnamese(node.value)
    ]


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def _word_tables() -> dict[str, dict]:
    """Every table ``key -> (vi, en)`` of the word modules."""
    tables = {}
    for module in (lb, messages):
        for name, value in vars(module).items():
            if (
                isinstance(value, dict)
                and value
                and all(isinstance(v, tuple) for v in value.values())
            ):
                tables[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = value
    return tables


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


# ----------------------------------------------------------------------- the tables


def test_the_page_words_are_tables_of_the_labels_module():
    tables = _word_tables()
    for name in (
        "SECTION_TITLES",
        "PAGE_PHRASES",
        "COLUMN_HEADINGS",
        "PLAN_COLUMN_HEADINGS",
        "BASIS_WORDS",
        "FRAME_WORDS",
    ):
        assert f"labels.{name}" in tables


@pytest.mark.parametrize("table", sorted(_word_tables()))
def test_every_key_has_a_vietnamese_and_an_english_text_with_the_same_fields(table):
    for key, pair in _word_tables()[table].items():
        assert len(pair) == 2, (table, key)
        vi, en = pair
        assert isinstance(vi, str) and vi.strip(), (table, key)
        assert isinstance(en, str) and en.strip(), (table, key)
        assert _fields(vi) == _fields(en), (table, key)


def test_the_look_ups_pick_the_language_and_fill_the_fields():
    assert lb.section_title("checks") == "Kiểm tra số liệu"
    assert lb.section_title("checks", "en") == "Data checks"
    assert lb.section_title("not a section") == "not a section"
    assert lb.page_phrase("headline_prev", "en", year=2023, ntm=5, total=8) == "(2023: 5/8)"
    assert lb.column_headings(["status", "commune", "zz"], "vi") == {
        "status": "Tình trạng",
        "commune": "Xã",
    }
    plan = lb.column_headings(["status"], "vi", table=lb.PLAN_COLUMN_HEADINGS)
    assert plan == {"status": "Tiến độ"}
    assert lb.basis_word("threshold", "en") == "criteria set threshold"
    assert lb.basis_word("no such basis", "vi") == "–"
    assert lb.frame_word("year", "en", year=2024) == "Year 2024"
    # the frame falls back to Vietnamese for a language it does not know
    assert lb.frame_word("toc", "fr") == "Mục lục"


def test_a_tracking_state_reads_the_same_in_a_plan_table_and_a_chart():
    from ntm_analysis import schema as s

    for state in s.TRACKING_STATES:
        assert lb.PLAN_COLUMN_HEADINGS[state] == (lb.label(state, "vi"), lb.label(state, "en"))


_LOOK_UPS = {
    # function name -> (position of the key among the arguments, the table it reads)
    "phrase": (0, lb.PAGE_PHRASES),
    "count_phrase": (0, lb.PAGE_PHRASES),
    "page_phrase": (0, lb.PAGE_PHRASES),
    "heading": (0, lb.SECTION_TITLES),
    "_heading": (0, lb.SECTION_TITLES),
    "section_title": (0, lb.SECTION_TITLES),
    "frame_text": (1, lb.FRAME_WORDS),
    "frame_word": (0, lb.FRAME_WORDS),
}


def test_every_word_the_pages_ask_for_by_name_is_in_its_table():
    asked = 0
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called not in _LOOK_UPS:
                continue
            position, table = _LOOK_UPS[called]
            if len(node.args) <= position:
                continue
            key = node.args[position]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                asked += 1
                assert key.value in table, f"{name}:{node.lineno}: {called}({key.value!r})"
    assert asked > 50  # the scan does see the pages' look-ups


# ------------------------------------------------------------------ nowhere else


def test_no_module_outside_the_word_modules_holds_vietnamese_labels():
    found = {}
    for name, path in _modules().items():
        if name in WORD_MODULES or name in NOT_LABELS:
            continue
        literals = _vietnamese_literals(path)
        if literals:
            found[name] = literals[:3]
    assert not found, (
        "Vietnamese text outside the word modules (move it into a word table, "
        f"or say in NOT_LABELS why it is not a label): {found}"
    )


def test_the_modules_allowed_vietnamese_text_still_have_it():
    modules = _modules()
    for name in NOT_LABELS:
        assert name in modules, name
        assert _vietnamese_literals(modules[name]), f"{name} no longer needs its exception"


def test_the_scan_sees_vietnamese_and_skips_docstrings(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        '"""Trang chủ."""\n\ndef f():\n    """Hàm."""\n    return "Chưa đạt", "Not met"\n',
        encoding="utf-8",
    )
    assert _vietnamese_literals(module) == [(5, "Chưa đạt")]
    assert _is_vietnamese("Đầm Hà") and _is_vietnamese("Mục lục")
    assert not _is_vietnamese("Criteria met – 15–18 ≥ 90%")
