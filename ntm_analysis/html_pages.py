"""The HTML page around a rendered body: header, sample banner, contents, data sources.

Every page of ``ntm render`` and the index share this frame: self-contained
(styles inlined, no network address), with the sample banner on top and at the
foot of every page built from the sample, and the page title in the printed
running header.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import config
from . import labels as lb
from .provenance import is_sample_report
from .schema import ProcessedData

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
INDEX_FILE = "index.html"


def frame_text(lang: str, key: str, **kwargs: Any) -> str:
    """A word of the page frame in ``lang`` (Vietnamese for an unknown one), from
    :data:`ntm_analysis.labels.FRAME_WORDS`."""
    return lb.frame_word(key, lang, **kwargs)


# ----------------------------------------------------------------------------- page header facts


def _sources(ingest_report: dict) -> list[dict]:
    files = [f for f in ingest_report.get("files", []) if f.get("status") == "read"]
    return [{"file": str(f.get("file")), "rows": f.get("rows_read", f.get("rows"))} for f in files]


def _data_date(ingest_report: dict, processed_dir: Path) -> str:
    stamp = ingest_report.get("generated_at")
    if stamp:
        return str(stamp)[:10]
    path = processed_dir / config.COMMUNES_FILE
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()


def page_context(data: ProcessedData, lang: str) -> dict:
    """Facts every page header shows: sample flag, sources, data date, language."""
    return {
        "sample": is_sample_report(data.ingest_report),
        "sources": _sources(data.ingest_report),
        "data_date": _data_date(data.ingest_report, Path(data.path)),
        "lang": lang,
    }


# ----------------------------------------------------------------------------- HTML


def _css() -> str:
    return (TEMPLATES_DIR / "page.css").read_text(encoding="utf-8")


class _Headings:
    """Collects (level, id, text) of the h2/h3 headings of a page body."""

    def __init__(self, body: str):
        from html.parser import HTMLParser

        found: list[tuple[int, str, str]] = []

        class Parser(HTMLParser):
            current: list | None = None

            def handle_starttag(self, tag, attrs):
                if tag in ("h2", "h3"):
                    ident = dict(attrs).get("id")
                    self.current = [int(tag[1]), ident, ""] if ident else None

            def handle_endtag(self, tag):
                if tag in ("h2", "h3") and self.current is not None:
                    level, ident, text = self.current
                    found.append((level, ident, " ".join(text.split())))
                    self.current = None

            def handle_data(self, data):
                if self.current is not None:
                    self.current[2] += data

        Parser(convert_charrefs=True).feed(body)
        self.items = found


def _toc(body: str, lang: str) -> str:
    items = _Headings(body).items
    if not items:
        return ""
    toc = frame_text(lang, "toc")
    parts = [f'<nav class="ntm-toc" aria-label="{toc}"><h2>{toc}</h2><ol>']
    open_sub = False
    for level, ident, text in items:
        link = f'<a href="#{html.escape(ident, quote=True)}">{html.escape(text)}</a>'
        if level == 3:
            if not open_sub:
                parts.append("<ol>")
                open_sub = True
            parts.append(f"<li>{link}</li>")
        else:
            if open_sub:
                parts.append("</ol>")
                open_sub = False
            parts.append(f"<li>{link}</li>")
    if open_sub:
        parts.append("</ol>")
    parts.append("</ol></nav>")
    return "".join(parts)


def _banner(context: dict) -> str:
    if not context.get("sample"):
        return ""
    text = html.escape(frame_text(context.get("lang", "vi"), "sample_banner"))
    return f'<div class="ntm-sample-banner" role="note">{text}</div>'


def _sources_block(context: dict) -> tuple[str, str]:
    """The one-line data note for the header and the full list for the page foot."""
    lang = context.get("lang", "vi")
    sources = context.get("sources", [])
    date = display_date(context.get("data_date", ""), lang)
    line = html.escape(frame_text(lang, "sources_line", n=len(sources), date=date))
    head = (
        f'<p class="ntm-meta">{line} <a href="#ntm-sources">{frame_text(lang, "sources")}</a></p>'
    )
    items = "".join(
        f"<li>{html.escape(s['file'])}"
        + (
            f" <span class='ntm-muted'>"
            f"({frame_text(lang, 'file_status', rows=int(s['rows']))})</span>"
            if isinstance(s.get("rows"), int)
            else ""
        )
        + "</li>"
        for s in sources
    )
    # folded: a long list of files neither fills the screen nor adds printed sheets
    foot = (
        f'<section class="ntm-sources" id="ntm-sources"><details>'
        f"<summary>{frame_text(lang, 'sources')} ({len(sources)})</summary>"
        f"<p>{line}</p><ul>{items}</ul></details></section>"
    )
    return head, foot


def display_date(value: object, lang: str) -> str:
    """A date (or ISO timestamp) as people write it: 04/12/2026 in Vietnamese, 2026-12-04 in
    English; anything else unchanged.

    >>> display_date("2026-12-04T08:00:00+00:00", "vi")
    '04/12/2026'
    >>> display_date("2026-12-04", "en")
    '2026-12-04'
    """
    text = str(value or "")
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not match or lang == "en":
        return text[:10] if match else text
    year, month, day = match.groups()
    return f"{day}/{month}/{year}"


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (for the printed running header)."""
    out = []
    for ch in " ".join(str(text).split()):
        if ch in '\\"<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _print_css(title: str, context: dict) -> str:
    """Running header (sample banner and page title) and footer (page x/y) of every sheet."""
    lang = context.get("lang", "vi")
    banner = frame_text(lang, "sample_banner") + " — " if context.get("sample") else ""
    page_word = frame_text(lang, "page")
    return (
        "@media print { @page { "
        f"@top-center {{ content: {_css_string(banner + title)}; font-size: 8pt; "
        f"color: #333; font-weight: {700 if banner else 400}; }} "
        f'@bottom-right {{ content: "{page_word} " counter(page) "/" counter(pages); '
        "font-size: 8pt; color: #555; } } }"
    )


def page_html(body: str, *, title: str, context: dict, index_href: str | None = None) -> str:
    """Wrap a page body in the self-contained page: head, banner, sources, contents."""
    lang = context.get("lang", "vi")
    head_note, foot = _sources_block(context)
    now = datetime.now(UTC).astimezone()
    when = now.strftime("%d/%m/%Y %H:%M" if lang != "en" else "%Y-%m-%d %H:%M")
    back = (
        f'<p class="ntm-back"><a href="{html.escape(index_href, quote=True)}">'
        f"{frame_text(lang, 'back')}</a></p>"
        if index_href
        else ""
    )
    generated = frame_text(lang, "generated", when=when)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang, quote=True)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="ntm-analysis">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{_css()}\n{_print_css(title, context)}\n"
        "</style>\n</head>\n<body>\n"
        f"{_banner(context)}\n"
        f'<header class="ntm-header">{back}<h1>{html.escape(title)}</h1>{head_note}</header>\n'
        f"{_toc(body, lang)}\n"
        f'<main class="ntm-main">\n{body}\n</main>\n'
        f'<footer class="ntm-footer">{foot}'
        f'<p class="ntm-muted">{html.escape(generated)}</p></footer>\n'
        f"{_banner(context)}\n"
        "</body>\n</html>\n"
    )


__all__ = ["INDEX_FILE", "display_date", "frame_text", "page_context", "page_html"]
