"""One language at a time: ``ntm --lang`` (Vietnamese by default) governs every message."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm_analysis import config
from ntm_analysis import labels as lb
from ntm_analysis.cli import main
from ntm_analysis.parsing import parse_number


def run_ntm(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ntm_analysis.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


# ------------------------------------------------------------------------- numbers


def test_vietnamese_numbers_use_a_decimal_comma_and_a_thousands_dot():
    assert lb.format_number(79.2, "vi") == "79,2"
    assert lb.format_number(1200, "vi") == "1.200"
    assert lb.format_number(1234567.25, "vi", 2) == "1.234.567,25"
    assert lb.format_number(-0.04, "vi") == "0"


def test_english_numbers_use_a_decimal_point_and_a_thousands_comma():
    assert lb.format_number(79.2, "en") == "79.2"
    assert lb.format_number(1200, "en") == "1,200"
    assert lb.format_number(1234567.25, "en", 2) == "1,234,567.25"


def test_numbers_without_grouping_and_missing_values():
    assert lb.format_number(2024.0, "vi", grouping=False) == "2024"
    assert lb.format_number(None, "vi") == "–"
    assert lb.format_number(float("nan"), "en") == "–"


def test_pages_and_messages_share_one_number_formatter():
    from ntm_analysis.sections import markup

    assert markup.format_number is lb.format_number


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(config.LANGS),
)
def test_a_formatted_number_reads_back_as_the_same_number(value, digits, lang):
    text = lb.format_number(value, lang, digits)
    parsed = parse_number(text, decimal="," if lang == "vi" else ".")
    assert parsed.status == "ok", text
    assert parsed.value == pytest.approx(round(value, digits), abs=10 ** (-digits) / 2 + 1e-9)


@given(st.integers(min_value=0, max_value=10**9))
def test_grouped_counts_in_messages_read_back(n):
    vi = lb.fill("{n:n}", "vi", n=n)
    en = lb.fill("{n:n}", "en", n=n)
    assert parse_number(vi, decimal=",").value == n == parse_number(en, decimal=".").value
    assert "," not in vi and "." not in en


def test_message_fields_are_written_the_way_the_language_does():
    assert lb.fill("{x} / {year} / {n:n} / {s:.1f}", "vi", x=79.25, year=2024, n=2631, s=6.04) == (
        "79,25 / 2024 / 2.631 / 6,0"
    )
    assert lb.fill("{x} / {year} / {n:n} / {s:.1f}", "en", x=79.25, year=2024, n=2631, s=6.04) == (
        "79.25 / 2024 / 2,631 / 6.0"
    )


# ------------------------------------------------------------------------ wording


def test_every_message_is_written_in_both_languages():
    for key, (vi, en) in lb.MESSAGES.items():
        assert vi.strip() and en.strip(), key
        fields = set(re.findall(r"(?<!\{)\{(\w+)", vi))
        assert fields == set(re.findall(r"(?<!\{)\{(\w+)", en)), key


def test_messages_follow_the_language_of_the_run_and_default_to_vietnamese():
    assert lb.current_lang() == config.DEFAULT_LANG == "vi"
    assert lb.message("cli_files", read=12, unreadable=1, skipped=0) == (
        "Đã đọc 12 tệp, 1 tệp không đọc được, 0 tệp bỏ qua."
    )
    with lb.language("en"):
        assert lb.message("cli_written", path="x") == "Written to x"
    assert lb.message("cli_written", path="x") == "Đã ghi vào x"
    assert lb.message("render_failed", "en", n=1) == "1 page failed:"
    assert lb.message("render_failed", "en", n=2) == "2 pages failed:"


def test_a_chart_label_with_a_number_follows_the_language():
    assert lb.label("threshold_line", "vi", op="≥", value=79.2) == "Ngưỡng ≥ 79,2"
    assert lb.label("threshold_line", "en", op="≥", value=79.2) == "Target ≥ 79.2"


# ---------------------------------------------------------------------- the command


def test_an_exit_2_error_is_vietnamese_by_default_and_english_with_lang_en():
    vi = run_ntm("catalog", "--set", "foo")
    en = run_ntm("--lang", "en", "catalog", "--set", "foo")
    assert vi.returncode == en.returncode == 2
    assert vi.stderr.startswith("ntm: lỗi: Không có bộ tiêu chí 'foo'; chọn một trong:")
    assert en.stderr.startswith("ntm: error: Unknown criteria set 'foo'; choose from")


def test_the_same_bad_file_is_reported_in_the_language_asked_for(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "t.csv").write_text(
        "year,commune,indicator,value,self_assessed\n"
        '2023,Xã Quảng Tân,17.1,"95,5%",Đạt\n'
        "2023,Xã Quảng Tân,99.9,12,Đạt\n",
        encoding="utf-8",
    )
    vi = run_ntm("check", str(raw), "--show", "1")
    en = run_ntm("check", str(raw), "--show", "1", "--lang", "en")
    assert vi.returncode == en.returncode == 1
    vi_lines, en_lines = vi.stdout.splitlines(), en.stdout.splitlines()
    # the summary
    assert vi_lines[0] == "Đã đọc 1 tệp, 0 tệp không đọc được, 0 tệp bỏ qua."
    assert en_lines[0] == "Files: 1 read, 0 unreadable, 0 skipped."
    assert "Năm 2023: 0/1 xã đạt chuẩn NTM." in vi_lines
    assert "2023: 0/1 communes meet the NTM standard." in en_lines
    # the reject: the same code, its message in the language of the run
    assert vi_lines[-2] == (
        "  bị loại t.csv ›  › dòng 3: Chỉ tiêu 99.9 không có trong bộ tiêu chí năm 2023"
        " (qd318_2022_commune)."
    )
    assert en_lines[-2] == (
        "  reject t.csv ›  › row 3: Indicator 99.9 is not in the criteria set for 2023"
        " (qd318_2022_commune)."
    )
    # a finding
    assert vi_lines[-1] == (
        "  phát hiện 2023 Xã Quảng Tân 1.1: Báo cáo thiếu chỉ tiêu 1.1; tiêu chí 1 không có"
        " kết quả tự đánh giá để thay thế."
    )
    assert en_lines[-1] == (
        "  finding 2023 Xã Quảng Tân 1.1: The report leaves out indicator 1.1; criterion 1 has"
        " no appraisal to stand for it."
    )


def test_finding_values_are_written_the_way_the_language_does(cleaned_sample):
    f = cleaned_sample.findings
    threshold = f.loc[f["check"] == "appraisal_vs_threshold", "message"].iloc[0]
    assert "giá trị 79,2 không đạt ngưỡng" in threshold
    fraction = f.loc[f["check"] == "fraction_as_percent", "message"].iloc[0]
    assert "ghi số 0,957 cho chỉ tiêu 2.4" in fraction and "đã hiểu là 95,7%" in fraction


def test_lang_before_or_after_the_subcommand_is_one_setting(monkeypatch):
    seen = []

    def fake_render(**kwargs):
        seen.append((kwargs["lang"], lb.current_lang()))
        raise SystemExit(0)

    monkeypatch.setattr("ntm_analysis.render.render_review", fake_render)
    for argv, want in (
        (["render"], "vi"),
        (["--lang", "en", "render"], "en"),
        (["render", "--lang", "en"], "en"),
        (["--lang", "en", "render", "--lang", "vi"], "vi"),
    ):
        with pytest.raises(SystemExit):
            main(argv)
        assert seen.pop() == (want, want), argv
    assert lb.current_lang() == "vi"  # a run leaves the language as it found it


def test_ntm_lang_sets_the_default_and_a_wrong_value_is_one_line(tmp_path):
    en = run_ntm("catalog", "--set", "foo", env={"NTM_LANG": "en"})
    assert en.stderr.startswith("ntm: error: Unknown criteria set")
    vi = run_ntm("--lang", "vi", "catalog", "--set", "foo", env={"NTM_LANG": "en"})
    assert vi.stderr.startswith("ntm: lỗi:")
    bad = run_ntm("catalog", env={"NTM_LANG": "fr"})
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "NTM_LANG" in bad.stderr


#: English words a Vietnamese summary must not contain (file names and paths removed first).
_ENGLISH = re.compile(
    r"\b(the|and|of|read|rows?|files?|records?|findings?|rejects?|rejected|written|wrote|"
    r"communes?|skipped|unreadable|plans?|held|duplicates?|meet|standard|task)\b",
    re.IGNORECASE,
)


def _without_names(text: str) -> str:
    text = re.sub(r"\S*[/\\]\S*", " ", text)  # paths
    text = re.sub(r"\S+\.(xlsx|xls|ods|csv|docx|json|parquet)\b", " ", text)  # file names
    return text.replace("rejects.csv", " ")


def test_no_english_is_left_in_the_vietnamese_output_of_the_sample_run(sample_raw_dir, tmp_path):
    proc = run_ntm(
        "clean", "--raw", str(sample_raw_dir / "sample"), "--out", str(tmp_path / "p"), "--quiet"
    )
    assert proc.returncode == 1, proc.stderr
    quiet = proc.stdout
    proc = run_ntm("clean", "--raw", str(sample_raw_dir / "sample"), "--out", str(tmp_path / "p"))
    assert quiet == "" and proc.stdout.startswith("Đã đọc ")
    leftovers = [line for line in proc.stdout.splitlines() if _ENGLISH.search(_without_names(line))]
    assert leftovers == []


def test_english_page_counts_agree_in_number():
    from ntm_analysis import labels as lb
    from ntm_analysis.sections.department import _tasks_key
    from ntm_analysis.sections.markup import count_phrase

    one = lb.page_phrase(_tasks_key(1, 1), "en", department="D", n=1, communes=1, year=2024)
    assert one == "D: 1 task in 1 commune in 2024."
    some = lb.page_phrase(_tasks_key(3, 1), "en", department="D", n=3, communes=1, year=2024)
    assert some == "D: 3 tasks in 1 commune in 2024."
    many = lb.page_phrase(_tasks_key(3, 2), "vi", department="D", n=3, communes=2, year=2024)
    assert many == "D: 3 nhiệm vụ tại 2 xã trong năm 2024."
    assert count_phrase("n_unmet", 1, "en", n=1, year=2026) == "1 indicator is unmet in 2026."
    assert count_phrase("n_unmet", 2, "en", n=2, year=2026) == "2 indicators are unmet in 2026."
