"""HTML building blocks of the page sections.

Every piece of text that comes from the data is HTML-escaped here; tables go
through :meth:`DataFrame.to_html`, which escapes. The words (headings, sentences,
column headings) are the tables of :mod:`ntm_analysis.labels`: Vietnamese by
default and English with ``lang="en"``.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from .. import config, plots
from .. import labels as lb
from ..errors import FindingCheck

#: Resolution of embedded chart images: sharp on a projector, small enough to mail.
FIGURE_DPI = 110

#: Findings that compare the commune's own appraisal with the evaluated result.
APPRAISAL_CHECKS = (
    FindingCheck.APPRAISAL_VS_THRESHOLD,
    FindingCheck.APPRAISAL_VS_STATED_TARGET,
    FindingCheck.CRITERION_APPRAISAL_VS_RESULT,
    FindingCheck.CRITERION_VS_INDICATORS,
)
#: Findings about reporting completeness.
COMPLETENESS_CHECKS = (FindingCheck.MISSING_COMMUNE_REPORT, FindingCheck.MISSING_INDICATOR)
#: Findings about the targets the reports state.
TARGET_CHECKS = (
    FindingCheck.STATED_TARGET_VS_THRESHOLD,
    FindingCheck.STATED_TARGET_INCONSISTENT,
    FindingCheck.TARGET_UNPARSED,
)
MAX_FINDING_ROWS = 40


#: A sentence of the pages filled in (the sentences are :data:`labels.PAGE_PHRASES`).
phrase = lb.page_phrase


def count_phrase(key: str, count: int, lang: str = config.DEFAULT_LANG, **fields: Any) -> str:
    """:func:`phrase` in the singular form ``<key>_one`` when ``count`` is 1 (English)."""
    one = f"{key}_one"
    return phrase(one if count == 1 and one in lb.PAGE_PHRASES else key, lang, **fields)


def check_name(check: str, lang: str = config.DEFAULT_LANG) -> str:
    """The readable name of a finding check ("duplicate_same" -> "Số liệu trùng")."""
    return lb.check_name(check, lang)


#: Numbers as people read them in the page's language (one formatter, in :mod:`labels`).
format_number = lb.format_number


def heading(
    section: str, lang: str = config.DEFAULT_LANG, *, level: int = 2, suffix: str = ""
) -> str:
    """HTML of a section heading with a stable anchor id (for the table of contents)."""
    title = lb.section_title(section, lang)
    if suffix:
        title = f"{title}: {suffix}"
    anchor = section.replace("_", "-")
    return f'<h{level} id="{anchor}">{html.escape(title)}</h{level}>'


def paragraphs(sentences: Sequence[str], *, css_class: str = "ntm-prose") -> str:
    """HTML paragraphs of (escaped) sentences."""
    return "".join(f'<p class="{css_class}">{html.escape(str(t))}</p>' for t in sentences)


def is_missing(value: object) -> bool:
    """True for None, NaN, NA and NaT scalars (False for anything list-like)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def table_html(
    frame: pd.DataFrame, lang: str = config.DEFAULT_LANG, *, max_rows: int | None = None
) -> str:
    """A table with its column labels in ``lang``, numbers formatted, text escaped."""
    shown = frame if max_rows is None else frame.head(max_rows)
    renamed = shown.rename(columns=lb.column_headings(shown.columns, lang))
    cells = {}
    for col in renamed.columns:
        values = renamed[col].astype(object)
        if pd.api.types.is_float_dtype(renamed[col]):
            cells[col] = [format_number(v, lang) for v in values]
        else:
            cells[col] = ["–" if is_missing(v) else str(v) for v in values]
    # Every cell is text by now; to_html escapes it.
    return pd.DataFrame(cells, columns=renamed.columns).to_html(
        index=False, classes="ntm-table", border=0, escape=True
    )


def figure_html(fig, *, alt: str = "", dpi: int = FIGURE_DPI) -> str:
    """The figure as an embedded PNG ``<figure>``; the figure is closed afterwards."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    alt_text = html.escape(alt, quote=True)
    caption = f"<figcaption>{html.escape(alt)}</figcaption>" if alt else ""
    return (
        f'<figure class="ntm-figure"><img src="data:image/png;base64,{data}" alt="{alt_text}">'
        f"{caption}</figure>"
    )


def chart(draw: Callable[[Any], object], *, alt: str, size: str = "screen") -> str:
    """Draw one chart with the house theme on a new figure and embed it."""
    with plots.theme(size):
        fig, ax = plots.new_figure(size)
        draw(ax)
        return figure_html(fig, alt=alt)


def progress_text(status: object, latest_change: object, lang: str) -> str:
    """A progress status with the latest year's change beside it.

    >>> progress_text("limited_progress", -4.1, "vi")
    'Tiến bộ hạn chế (năm gần nhất: −4,1)'
    >>> progress_text("target_achieved", None, "en")
    'Target achieved'
    """
    label = status_label(status, lang)
    if is_missing(latest_change) or not isinstance(status, str):
        return label
    change = float(latest_change)
    number = format_number(abs(change), lang)
    signed = f"−{number}" if change < 0 else (f"+{number}" if change > 0 else number)
    return f"{label} ({phrase('latest_change', lang, change=signed)})"


def status_label(status: object, lang: str) -> str:
    """The label of a status code, or "–" when there is none."""
    return lb.label(str(status), lang) if isinstance(status, str) else "–"
