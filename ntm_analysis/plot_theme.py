"""The house style of the review charts: colours, sizes, fonts and shared chart helpers.

Colours are the Okabe–Ito colour-blind-safe palette; :func:`set_theme` (or the
:func:`theme` context manager) applies one style, with a font that has every
Vietnamese glyph (DejaVu Sans, shipped with matplotlib) and font sizes for a
16:9 projector (``size="screen"``) or an A4 page (``size="a4"``). The charts
themselves are in :mod:`ntm_analysis.plots`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from . import labels as lb
from . import schema as s

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
NO_DATA_COLOR = "#D9D9D9"

#: Colours of the four attainment states.
STATE_COLORS = {
    s.MET: OKABE_ITO["bluish_green"],
    s.BASICALLY_MET: OKABE_ITO["orange"],
    s.NOT_MET: OKABE_ITO["vermillion"],
    lb.NO_DATA: NO_DATA_COLOR,
}
STATE_ORDER = (s.MET, s.BASICALLY_MET, s.NOT_MET, lb.NO_DATA)

#: Colours of a change between two years.
CHANGE_COLORS = {
    lb.GAINED: OKABE_ITO["blue"],
    lb.LOST: OKABE_ITO["vermillion"],
    lb.UNCHANGED_MET: "#B3E0D2",  # light bluish green
    lb.UNCHANGED_NOT_MET: "#F2C9A8",  # light vermillion
    lb.NO_DATA: NO_DATA_COLOR,
    lb.NOT_COMPARABLE: "#8C8C8C",
}
CHANGE_ORDER = (
    lb.GAINED,
    lb.LOST,
    lb.UNCHANGED_MET,
    lb.UNCHANGED_NOT_MET,
    lb.NO_DATA,
    lb.NOT_COMPARABLE,
)

#: Colours of the bands of criteria met.
BAND_COLORS = {
    lb.BAND_ALL: OKABE_ITO["bluish_green"],
    lb.BAND_FLOOR: OKABE_ITO["sky_blue"],
    lb.BAND_BELOW: OKABE_ITO["vermillion"],
    lb.BAND_NOT_ALL: OKABE_ITO["orange"],
    lb.NO_DATA: NO_DATA_COLOR,
}

#: Colours of the Open SDG progress statuses.
PROGRESS_COLORS = {
    lb.PROGRESS_ACHIEVED: OKABE_ITO["bluish_green"],
    lb.PROGRESS_SUBSTANTIAL: OKABE_ITO["sky_blue"],
    lb.PROGRESS_MODERATE: OKABE_ITO["yellow"],
    lb.PROGRESS_LIMITED: OKABE_ITO["orange"],
    lb.PROGRESS_DETERIORATION: OKABE_ITO["vermillion"],
    lb.PROGRESS_NOT_ENOUGH_DATA: NO_DATA_COLOR,
}

#: Colours of gaps: short of the target, or meeting it.
GAP_COLORS = {
    "short": OKABE_ITO["vermillion"],
    "met": OKABE_ITO["blue"],
    "no_target": OKABE_ITO["black"],
}

#: Figure sizes in inches: a 16:9 slide, and the printable area of A4 landscape / portrait.
FIGSIZES = {
    "screen": (13.33, 7.5),
    "a4": (10.7, 7.0),
    "a4_portrait": (7.0, 9.5),
}
#: seaborn plotting context per size (font scale for a projector or paper).
_CONTEXTS = {"screen": ("talk", 0.9), "a4": ("notebook", 0.9), "a4_portrait": ("notebook", 0.85)}

#: A font with every Vietnamese glyph, shipped with matplotlib.
FONT_FAMILY = "DejaVu Sans"
#: Letters a Vietnamese label may use beyond ASCII (checked by the tests).
VIETNAMESE_LETTERS = (
    "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđĐàáâãèéêìíòóôõùúýăơưÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂƠƯ"
)


#: Eight line colours (Okabe–Ito without yellow, which is unreadable on white, plus Tol's
#: wine) and nine markers: a district's communes each get their own colour and marker, and
#: colour × marker pairs do not repeat before 72 lines.
LINE_COLORS = (
    *(
        OKABE_ITO[k]
        for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue")
    ),
    OKABE_ITO["black"],
    "#882255",
)
LINE_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h")

#: Horizontal spread (in years) of the markers of lines drawn side by side, so that communes
#: with the same count in a year stay visible instead of hiding under each other.
LINE_DODGE = 0.24


def line_style(i: int) -> dict:
    """Colour and marker of the ``i``-th line (commune) of a chart."""
    return {
        "color": LINE_COLORS[i % len(LINE_COLORS)],
        "marker": LINE_MARKERS[i % len(LINE_MARKERS)],
    }


def check_size(size: str) -> str:
    """``size`` when it is one of :data:`FIGSIZES`, else ValueError."""
    if size not in FIGSIZES:
        raise ValueError(f"size must be one of {', '.join(FIGSIZES)}, not {size!r}")
    return size


def theme_rc(size: str = "screen") -> dict:
    """The rcParams of the house style for ``size`` (what :func:`set_theme` applies)."""
    context, scale = _CONTEXTS[check_size(size)]
    rc = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context(context, font_scale=scale))
    rc.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FONT_FAMILY, *mpl.rcParams["font.sans-serif"]],
            "figure.figsize": FIGSIZES[size],
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.prop_cycle": mpl.cycler(color=list(OKABE_ITO.values())[:7]),
            "legend.frameon": False,
            "svg.fonttype": "none",
        }
    )
    return rc


def set_theme(size: str = "screen") -> None:
    """Apply the house style globally (call once at the top of a notebook)."""
    mpl.rcParams.update(theme_rc(size))


@contextmanager
def theme(size: str = "screen") -> Iterator[None]:
    """The house style for the duration of a ``with`` block."""
    with mpl.rc_context(theme_rc(size)):
        yield


def new_figure(size: str = "screen", **subplots_kws) -> tuple[plt.Figure, Axes]:
    """A figure of the size for ``size`` with one Axes (or a grid, via ``subplots_kws``)."""
    kws = dict(subplots_kws)
    kws.setdefault("figsize", FIGSIZES[check_size(size)])
    kws.setdefault("layout", "constrained")
    return plt.subplots(**kws)


def get_ax(ax: Axes | None, size: str) -> Axes:
    """``ax``, else the current axes, else a new figure of ``size`` (seaborn's contract)."""
    if ax is not None:
        return ax
    check_size(size)
    if plt.get_fignums():
        return plt.gca()
    return new_figure(size)[1]


def latest_year(frame: pd.DataFrame, year: int | None) -> int:
    """``year``, else the latest year of ``frame`` (ValueError when it is empty)."""
    if year is not None:
        return int(year)
    if frame.empty:
        raise ValueError("no data to plot")
    return int(frame["year"].max())


def state_legend(
    ax: Axes, keys: Sequence[str], colors: Mapping[str, str], title: str, lang: str, **legend_kws
) -> None:
    """A legend of colour patches, one per state in ``keys``, beside the axes."""
    handles = [Patch(facecolor=colors[k], edgecolor="none", label=lb.label(k, lang)) for k in keys]
    kws = {"title": title, "loc": "upper left", "bbox_to_anchor": (1.01, 1.0)}
    kws.update(legend_kws)
    ax.legend(handles=handles, **kws)


#: A heatmap labels at most this many rows (a province of 150 communes shows every 3rd name).
MAX_LABELLED_ROWS = 60


def row_label_step(n_rows: int) -> bool | int:
    """``True`` (every row) or every n-th row, so names stay legible."""
    return True if n_rows <= MAX_LABELLED_ROWS else -(-n_rows // MAX_LABELLED_ROWS)


def criterion_ticks(codes: Sequence[str], names: Mapping[str, str], long: bool) -> list[str]:
    """Tick labels of criteria: the code, or the code and name when ``long``."""
    return [lb.criterion_label(c, names, short=not long) for c in codes]
