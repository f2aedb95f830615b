"""Pages on A4: running header with the banner and title, page numbers, folded source list,
Vietnamese dates, and no sheet left holding only the title and contents."""

from __future__ import annotations

import re

from ntm_analysis import config, render

CONTEXT = {
    "sample": True,
    "sources": [{"file": f"sample/bao-cao-{i}.xlsx", "rows": 40} for i in range(30)],
    "data_date": "2026-12-04T08:00:00+00:00",
    "lang": "vi",
}


def _page(context=CONTEXT, title="Hồ sơ xã Quảng Tân năm 2024") -> str:
    return render.page_html('<h2 id="a">A</h2><p>x</p>', title=title, context=context)


def test_every_printed_sheet_carries_the_banner_and_the_title():
    page = _page()
    rules = re.search(r"@media print \{ @page \{(.*?)\} \} \}", page, re.S).group(1)
    assert "@top-center" in rules and "DỮ LIỆU MẪU" in rules and "Hồ sơ xã Quảng Tân" in rules
    assert 'counter(page) "/" counter(pages)' in rules


def test_real_data_prints_the_title_without_a_banner():
    page = _page(CONTEXT | {"sample": False})
    header = re.search(r"@top-center \{ content: (\"[^\"]*\")", page).group(1)
    assert "MẪU" not in header and "Hồ sơ xã Quảng Tân" in header


def test_a_data_derived_title_cannot_break_out_of_the_style_sheet():
    page = _page(title='Xã <b>Thử</b></style><script>x</script> "Co"')
    style = page[page.index("<style>") : page.index("</style>")]
    assert "<script>" not in style and "</style" not in style[8:]
    assert "\\22 Co\\22 " in style


def test_the_source_list_is_folded():
    page = _page()
    sources = page[page.index('id="ntm-sources"') :]
    assert sources.index("<details>") < sources.index("<summary>Nguồn dữ liệu (30)</summary>")
    assert (
        sources.index("</summary>") < sources.index("bao-cao-0.xlsx") < sources.index("</details>")
    )


def test_dates_are_written_the_vietnamese_way():
    page = _page()
    assert "làm sạch ngày 04/12/2026" in page
    assert re.search(r"Trang tạo lúc \d\d/\d\d/\d{4} \d\d:\d\d", page)
    english = _page(CONTEXT | {"lang": "en"})
    assert "cleaned on 2026-12-04" in english


def test_the_contents_do_not_force_a_new_sheet():
    css = (config.PACKAGE_DIR / "templates" / "page.css").read_text(encoding="utf-8")
    toc = re.search(r"\.ntm-toc \{[^}]*\}", css[css.index("@media print") :]).group(0)
    assert "break-after" not in toc
