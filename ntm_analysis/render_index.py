"""The index of ``ntm render``: ``outputs/index.html`` and the manifest of pages on disk.

Pages are listed by year, newest first, with each year's headline; pages of
earlier runs stay listed while their files exist and were built from the same
data, and pages built from other data are moved out of the way.
"""

from __future__ import annotations

import html
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .areas import Area, area_for, registry_for, restrict_to_area
from .errors import UsageError
from .html_pages import frame_text, page_context, page_html
from .provenance import dataset_fingerprint
from .render_jobs import (
    KIND_COMMUNE,
    KIND_DEPARTMENT,
    KIND_DISTRICT,
    KIND_EXPLORATION,
    NOTEBOOKS,
    RenderSummary,
)
from .sections.district import headline_sentences
from .writing import atomic_write_text

MANIFEST_FILE = "manifest.json"

# ----------------------------------------------------------------------------- index


#: Folder (under the outputs folder) that pages built from other data are moved to.
SUPERSEDED_DIR = "superseded"


def _set_aside_stale(summary: RenderSummary, stale: list[dict]) -> None:
    """Move the pages of other data (and their notebooks) to ``superseded/<time>/``."""
    out = summary.out_dir
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target_root = out / SUPERSEDED_DIR / stamp
    for e in stale:
        rel = _safe_relative(str(e.get("path")))
        if rel is None:
            continue
        page = out / rel
        moved = False
        for path in (page, page.with_suffix(".ipynb"), page.with_suffix(".failed.ipynb")):
            if path.is_file():
                target = target_root / path.relative_to(out)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
                moved = True
        if moved:
            summary.set_aside.append(rel)
    if summary.set_aside:
        summary.set_aside_dir = target_root


def _load_manifest(out_dir: Path) -> dict:
    path = out_dir / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"pages": []}
    return data if isinstance(data.get("pages"), list) else {"pages": []}


def _safe_relative(rel: str) -> str | None:
    """``rel`` when it is a page path inside ``out_dir`` (manifest entries are not trusted)."""
    if not re.fullmatch(r"[0-9]{4}/(?:[a-z0-9-]+/)?[a-z0-9-]+\.html", rel or ""):
        return None
    return rel


def write_index(summary: RenderSummary, data: Any, *, lang: str = "vi") -> Path:
    """Write ``index.html`` linking every page on disk, grouped by year, with headlines.

    Pages rendered by earlier runs (other years, other selections) stay listed
    through ``manifest.json``, as long as their HTML file still exists and they
    were built from the same data. Pages built from other data (the sample,
    an earlier dataset) are moved to ``superseded/<time>/`` and left out.
    """
    out = summary.out_dir
    manifest = _load_manifest(out)
    dataset = dataset_fingerprint(data.ingest_report)
    entries = {}
    stale = []
    for e in manifest["pages"]:
        if e.get("dataset") == dataset:
            entries[(e.get("kind"), e.get("year"), e.get("key"))] = e
        else:
            stale.append(e)
    for p in summary.pages:
        rel = p.html_path.relative_to(out).as_posix()
        old = entries.get((p.kind, p.year, p.key), {})
        entries[(p.kind, p.year, p.key)] = {
            "kind": p.kind,
            "year": int(p.year),
            "key": p.key,
            "label": p.label,
            "area": p.area,
            "path": rel,
            "ok": p.ok,
            "rendered_at": datetime.now(UTC).isoformat(timespec="seconds")
            if p.ok
            else old.get("rendered_at"),
            "dataset": dataset,
            # where the page's time went (seconds): kernel start, cells, conversion
            "seconds": round(p.seconds, 3),
            "timings": {k: round(v, 3) for k, v in p.timings.items()},
        }
    current = {str(e.get("path")) for e in entries.values()}
    _set_aside_stale(summary, [e for e in stale if str(e.get("path")) not in current])
    pages = [
        e
        for e in entries.values()
        if _safe_relative(str(e.get("path")))
        and str(e.get("kind")) in NOTEBOOKS
        and ((out / e["path"]).is_file() or not e.get("ok"))
    ]
    atomic_write_text(
        out / MANIFEST_FILE,
        json.dumps({"pages": pages}, ensure_ascii=False, indent=1, sort_keys=True),
    )
    context = page_context(data, lang)
    body = _index_body(out, pages, data, lang)
    text = page_html(body, title=frame_text(lang, "index_title"), context=context)
    atomic_write_text(summary.index_path, text)
    return summary.index_path


def _headline_area(data: Any, year: int, reviews: list[dict]) -> tuple[Area | None, Any]:
    """The area whose headline a year of the index shows, and its tables: the area of the
    year's one review page, else the year's default area (the whole data when none fits)."""
    specs = list(dict.fromkeys(str(e.get("area") or "") for e in reviews))
    registry = registry_for(data)
    try:
        area = area_for(data, year, specs[0] if len(specs) == 1 else None, registry=registry)
    except UsageError:
        return None, data
    return area, restrict_to_area(data, area, registry)


def _index_body(out: Path, pages: list[dict], data: Any, lang: str) -> str:
    if not pages:
        return f"<p>{frame_text(lang, 'no_pages')}</p>"
    parts: list[str] = []
    kind_order = [KIND_DISTRICT, KIND_COMMUNE, KIND_DEPARTMENT, KIND_EXPLORATION]
    kind_title = {
        KIND_DISTRICT: frame_text(lang, "district_review"),
        KIND_COMMUNE: frame_text(lang, "communes"),
        KIND_DEPARTMENT: frame_text(lang, "departments"),
        KIND_EXPLORATION: frame_text(lang, "exploration"),
    }
    for year in sorted({int(e["year"]) for e in pages}, reverse=True):
        parts.append(
            f'<section class="ntm-year"><h2 id="nam-{year}">'
            f"{frame_text(lang, 'year', year=year)}</h2>"
        )
        if year in data.years:
            reviews = [e for e in pages if int(e["year"]) == year and e["kind"] == KIND_DISTRICT]
            area, area_data = _headline_area(data, year, reviews)
            if area is not None:
                line = frame_text(lang, "area_line", area=area.label(lang))
                parts.append(f'<p class="ntm-area">{html.escape(line)}</p>')
            sentences = headline_sentences(area_data, year=year, lang=lang)
            parts.append(
                '<ul class="ntm-headline">'
                + "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
                + "</ul>"
            )
        for kind in kind_order:
            rows = sorted(
                (e for e in pages if int(e["year"]) == year and e["kind"] == kind),
                key=lambda e: str(e.get("label") or ""),
            )
            if not rows:
                continue
            title = html.escape(kind_title[kind])
            parts.append(f'<h3 id="nam-{year}-{kind}">{title}</h3><ul class="ntm-links">')
            for e in rows:
                label = str(e.get("label") or kind_title[kind])
                if kind == KIND_DISTRICT:
                    label = kind_title[kind] + (f" — {label}" if e.get("label") else "")
                exists = (out / e["path"]).is_file()
                note = ""
                if not e.get("ok"):
                    note = f' <span class="ntm-failed">({frame_text(lang, "failed")}' + (
                        f"; {frame_text(lang, 'stale')})</span>" if exists else ")</span>"
                    )
                if exists:
                    href = html.escape(e["path"], quote=True)
                    parts.append(f'<li><a href="{href}">{html.escape(label)}</a>{note}</li>')
                else:
                    parts.append(f"<li>{html.escape(label)}{note}</li>")
            parts.append("</ul>")
        parts.append("</section>")
    return "\n".join(parts)
