"""Charts of a criteria review, drawn with matplotlib and seaborn.

Every chart follows seaborn's contract: the data comes first, every option is
keyword-only, it draws on ``ax`` (or, when ``ax`` is None, on the current
axes, or on a new figure sized by ``size`` when no figure is open) and returns
the Axes. Nothing here saves or shows a figure, and ``*_kws`` dicts are
copied, never modified.

Titles and axis labels are Vietnamese by default (``lang="en"`` for English).
The house style (Okabe–Ito colours, sizes for a projector or A4, a font with
every Vietnamese glyph) is :mod:`ntm_analysis.plot_theme`; :func:`set_theme`,
:func:`theme`, :func:`new_figure` and the colour tables are used from here too.

>>> import pandas as pd
>>> crit = pd.DataFrame({"year": [2024] * 2, "commune": ["Xã A"] * 2, "commune_code": ["1"] * 2,
...     "criteria_set": ["s"] * 2, "criterion": ["1", "2"], "met": [True, False],
...     "self_assessed": [pd.NA] * 2})
>>> ax = plot_attainment_heatmap(crit, year=2024)
>>> ax.get_title()
'Kết quả đạt tiêu chí theo xã, năm 2024'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from . import changes, columnar, history
from . import labels as lb
from . import schema as s
from .plot_theme import (
    BAND_COLORS,
    CHANGE_COLORS,
    CHANGE_ORDER,
    FIGSIZES,
    FONT_FAMILY,
    GAP_COLORS,
    LINE_COLORS,
    LINE_DODGE,
    LINE_MARKERS,
    NO_DATA_COLOR,
    OKABE_ITO,
    PROGRESS_COLORS,
    STATE_COLORS,
    STATE_ORDER,
    VIETNAMESE_LETTERS,
    criterion_ticks,
    get_ax,
    latest_year,
    line_style,
    new_figure,
    row_label_step,
    set_theme,
    state_legend,
    theme,
    theme_rc,
)
from .progress import gap_to_target, progress_status, unmet_indicators
from .standing import (
    FLOOR_CRITERIA,
    FULL_SET_CRITERIA,
    commune_standing,
    criterion_shares,
)

# --------------------------------------------------------------------------- 1. attainment


def attainment_matrix(criteria: pd.DataFrame, *, year: int | None = None) -> pd.DataFrame:
    """Commune × criterion states of one year (``STATE_ORDER`` codes), rows sorted by criteria met.

    A criterion not met whose commune appraised it "Cơ bản đạt" is
    ``basically_met``; a missing decision (or a missing row) is ``no_data``.
    Rows: most criteria met first, then commune name. Columns: criteria in
    numeric order.
    """
    year = latest_year(criteria, year)
    crit = criteria.loc[criteria["year"] == year]
    met = crit["met"].astype("boolean")
    basically = (crit["self_assessed"] == s.BASICALLY_MET).fillna(False).astype(bool)
    state = np.select(
        [
            met.isna().to_numpy(bool),
            met.fillna(False).to_numpy(bool),
            basically.to_numpy(bool),
        ],
        [lb.NO_DATA, s.MET, s.BASICALLY_MET],
        default=s.NOT_MET,
    )
    long = crit.assign(_state=state)
    wide = long.pivot_table(
        index="commune", columns="criterion", values="_state", aggfunc="first"
    ).reindex(columns=columnar.sort_codes(crit["criterion"]))
    wide = wide.fillna(lb.NO_DATA)
    order = (
        (wide == s.MET)
        .sum(axis=1)
        .rename("_n")
        .reset_index()
        .sort_values(
            ["_n", "commune"], ascending=[False, True], kind="stable", key=columnar.column_sort_key
        )
    )
    wide = wide.loc[order["commune"]]
    wide.columns.name = "criterion"
    return wide.astype("string")


def plot_attainment_heatmap(
    criteria: pd.DataFrame,
    *,
    year: int | None = None,
    names: object = None,
    lang: str = "vi",
    long_labels: bool = False,
    legend: bool = True,
    ax: Axes | None = None,
    size: str = "screen",
    heatmap_kws: Mapping | None = None,
) -> Axes:
    """Chart 1: commune × criterion for one year, met / basically met / not met / no data.

    Rows are sorted by criteria met (most first); the number met shows after
    each commune name. ``names`` (a criteria set, catalog or mapping) gives
    criterion names for ``long_labels``. Cell values of the drawn mesh are
    the indexes of ``STATE_ORDER``.
    """
    year = latest_year(criteria, year)
    wide = attainment_matrix(criteria, year=year)
    codes = {k: i for i, k in enumerate(STATE_ORDER)}
    values = wide.apply(lambda c: c.map(codes)).astype(float).to_numpy()
    ax = get_ax(ax, size)
    cmap = ListedColormap([STATE_COLORS[k] for k in STATE_ORDER])
    kws = {"linewidths": 0.5, "linecolor": "white", "cbar": False, "square": False}
    kws.update(dict(heatmap_kws or {}))
    n_met = (wide == s.MET).sum(axis=1)
    total = wide.shape[1]
    ylabels = [f"{c} ({n}/{total})" for c, n in zip(wide.index, n_met, strict=True)]
    name_map = lb.criterion_names(names, lang) if names is not None else {}
    sns.heatmap(
        pd.DataFrame(
            values,
            index=ylabels,
            columns=criterion_ticks(list(wide.columns), name_map, long_labels),
        ),
        ax=ax,
        cmap=cmap,
        vmin=-0.5,
        vmax=len(STATE_ORDER) - 0.5,
        xticklabels=True,
        yticklabels=row_label_step(len(ylabels)),
        **kws,
    )
    ax.set_title(lb.label("title_attainment_heatmap", lang, year=year))
    ax.set_xlabel(lb.label("criterion", lang))
    ax.set_ylabel(lb.label("commune", lang))
    ax.tick_params(axis="y", rotation=0)
    if long_labels:
        ax.tick_params(axis="x", rotation=90)
    if legend:
        state_legend(ax, STATE_ORDER, STATE_COLORS, lb.label("legend_state", lang), lang)
    return ax


# --------------------------------------------------------------------------- 2. change


def change_matrix(criteria: pd.DataFrame, *, year_from: int, year_to: int) -> pd.DataFrame:
    """Commune × criterion change codes (``CHANGE_ORDER``); rows: most lost, then most gained."""
    cells = changes.compare_years(criteria, None, year_from, year_to).cells
    wide = cells.pivot_table(index="commune", columns="criterion", values="change", aggfunc="first")
    wide = wide.reindex(columns=columnar.sort_codes(cells["criterion"])).fillna(lb.NO_DATA)
    order = pd.DataFrame(
        {"lost": (wide == lb.LOST).sum(axis=1), "gained": (wide == lb.GAINED).sum(axis=1)}
    ).reset_index()
    order = order.sort_values(
        ["lost", "gained", "commune"],
        ascending=[False, False, True],
        kind="stable",
        key=columnar.column_sort_key,
    )
    wide = wide.loc[order["commune"]]
    wide.columns.name = "criterion"
    return wide.astype("string")


def plot_change_heatmap(
    criteria: pd.DataFrame,
    *,
    year_from: int,
    year_to: int,
    names: object = None,
    lang: str = "vi",
    long_labels: bool = False,
    legend: bool = True,
    ax: Axes | None = None,
    size: str = "screen",
    heatmap_kws: Mapping | None = None,
) -> Axes:
    """Chart 2: gained / lost / unchanged criteria per commune between two years.

    Cell values of the drawn mesh are the indexes of ``CHANGE_ORDER``; only
    the states present are in the legend.
    """
    wide = change_matrix(criteria, year_from=year_from, year_to=year_to)
    codes = {k: i for i, k in enumerate(CHANGE_ORDER)}
    values = wide.apply(lambda c: c.map(codes)).astype(float).to_numpy()
    ax = get_ax(ax, size)
    cmap = ListedColormap([CHANGE_COLORS[k] for k in CHANGE_ORDER])
    kws = {"linewidths": 0.5, "linecolor": "white", "cbar": False}
    kws.update(dict(heatmap_kws or {}))
    name_map = lb.criterion_names(names, lang) if names is not None else {}
    sns.heatmap(
        pd.DataFrame(
            values,
            index=list(wide.index),
            columns=criterion_ticks(list(wide.columns), name_map, long_labels),
        ),
        ax=ax,
        cmap=cmap,
        vmin=-0.5,
        vmax=len(CHANGE_ORDER) - 0.5,
        xticklabels=True,
        yticklabels=row_label_step(len(wide.index)),
        **kws,
    )
    ax.set_title(lb.label("title_change_heatmap", lang, year_from=year_from, year_to=year_to))
    ax.set_xlabel(lb.label("criterion", lang))
    ax.set_ylabel(lb.label("commune", lang))
    ax.tick_params(axis="y", rotation=0)
    if long_labels:
        ax.tick_params(axis="x", rotation=90)
    if legend:
        present = [k for k in CHANGE_ORDER if (wide == k).any().any()]
        state_legend(ax, present, CHANGE_COLORS, lb.label("legend_change", lang), lang)
    return ax


# --------------------------------------------------------------------------- 3. criteria met


#: Above this many communes, lines are drawn thin and grey without a legend.
MAX_LEGEND_COMMUNES = 12


def plot_criteria_met_over_years(
    communes: pd.DataFrame,
    *,
    highlight: Sequence[str] | None = None,
    floor: int | None = FLOOR_CRITERIA,
    lang: str = "vi",
    legend: bool | None = None,
    ax: Axes | None = None,
    size: str = "screen",
    line_kws: Mapping | None = None,
) -> Axes:
    """Chart 3: criteria met per commune over the years, with the standard and floor lines.

    One line per commune (its label is the commune name), each with its own
    colour and marker, drawn a little to the side of the others (``LINE_DODGE``
    years in all) so equal counts do not hide each other; a commune missing a
    year has no point there, and a commune that appears mid-series starts
    later. The standard is the set's number of criteria (19, or 10 for the
    2026 set); the floor (QĐ 263: 15) is drawn for 19-criterion sets only.
    With more than ``MAX_LEGEND_COMMUNES`` communes, lines are thin and grey
    except ``highlight``.

    Criterion counts of different criteria sets are never compared: when the
    years span several sets (19 criteria of QĐ 318, then 10 of QĐ 51), each
    point is criteria met as a share of its own set's total (%), a line never
    joins two sets (or two units, when ``communes`` has ``schema.UNIT_COLUMN``),
    the standard is 100% and a dotted vertical line (gid ``"set_change"``)
    marks the first year of each later set.
    """
    ax = get_ax(ax, size)
    names = sorted(communes["commune"].dropna().unique(), key=lb.vi_sort_key)
    many = len(names) > MAX_LEGEND_COMMUNES
    highlight = set(highlight or [])
    kws = {"linewidth": 2}
    kws.update(dict(line_kws or {}))
    dodge = 0.0 if many or len(names) < 2 else LINE_DODGE / (len(names) - 1)
    across = history.spans_sets(communes)
    values = history.share_of_set(communes) if across else communes["criteria_met"]
    values = values.to_numpy(dtype=float, na_value=np.nan)
    years = communes["year"].to_numpy(dtype=float, na_value=np.nan)
    runs = history.set_runs(communes).to_numpy()
    for i, name in enumerate(names):
        rows = np.flatnonzero((communes["commune"] == name).to_numpy(dtype=bool, na_value=False))
        rows = rows[np.argsort(years[rows], kind="stable")]
        line = {**line_style(i), **kws}
        if many and name not in highlight:
            line.update(color="#9E9E9E", linewidth=0.8, alpha=0.6, marker=None)
        shift = (i - (len(names) - 1) / 2) * dodge  # side by side, never on top of each other
        for k, run in enumerate(dict.fromkeys(runs[rows])):
            part = rows[runs[rows] == run]
            ax.plot(
                years[part] + shift,
                values[part],
                label=name if k == 0 else "_nolegend_",
                **line,
            )
    if across:
        _draw_set_changes(communes, ax, lang)
    standard = int(communes["criteria_total"].max()) if not communes.empty else None
    if across:
        ax.axhline(
            100,
            color=OKABE_ITO["bluish_green"],
            linestyle="--",
            linewidth=1.5,
            label=lb.label("standard_share_line", lang),
            gid="standard",
        )
        standard = None
    if standard:
        ax.axhline(
            standard,
            color=OKABE_ITO["bluish_green"],
            linestyle="--",
            linewidth=1.5,
            label=lb.label("standard_line", lang, n=standard),
            gid="standard",
        )
    if floor is not None and standard == FULL_SET_CRITERIA and not across:
        ax.axhline(
            floor,
            color=OKABE_ITO["vermillion"],
            linestyle=":",
            linewidth=1.5,
            label=lb.label("floor_line", lang, n=floor),
            gid="floor",
        )
    years = sorted(int(y) for y in communes["year"].unique())
    ax.set_xticks(years)
    ax.xaxis.set_major_formatter(mpl.ticker.FormatStrFormatter("%d"))
    ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    if across:
        ax.set_ylim(0, 105)
    ax.set_title(lb.label("title_criteria_met_over_years", lang))
    ax.set_xlabel(lb.label("year", lang))
    ax.set_ylabel(lb.label("axis_criteria_share" if across else "axis_criteria_met", lang))
    if legend or (legend is None and not many):
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def latest_set_rows(frame: pd.DataFrame, criteria_set: str | None = None) -> pd.DataFrame:
    """The rows of ``criteria_set`` (default: the set of the latest year) when ``frame``
    spans several criteria sets; ``frame`` itself otherwise."""
    if frame.empty or "criteria_set" not in frame.columns or not history.spans_sets(frame):
        return frame
    if criteria_set is None:
        latest = frame.loc[frame["year"] == frame["year"].max(), "criteria_set"].dropna()
        criteria_set = str(latest.iloc[-1]) if len(latest) else history.sets_in_order(frame)[-1]
    return frame.loc[(frame["criteria_set"].astype("string") == criteria_set).fillna(False)]


def _draw_set_changes(frame: pd.DataFrame, ax: Axes, lang: str) -> None:
    """A dotted vertical line just before the first year of each later criteria set."""
    firsts = sorted(history.first_years(frame).values())
    for year in firsts[1:]:
        ax.axvline(
            year - 0.5,
            color="#555555",
            linestyle=":",
            linewidth=1.2,
            label=lb.label("set_change_line", lang, year=year),
            gid="set_change",
        )


# --------------------------------------------------------------------------- 4. shares


def plot_criterion_shares(
    criteria: pd.DataFrame,
    *,
    lagging: Sequence[str] | None = None,
    n_lagging: int = 3,
    names: object = None,
    criteria_set: str | None = None,
    lang: str = "vi",
    long_labels: bool = False,
    ax: Axes | None = None,
    size: str = "screen",
    line_kws: Mapping | None = None,
) -> Axes:
    """Chart 4: share of communes meeting each criterion, one dot per year, lagging ones shaded.

    Each year is one line of markers (label = the year) with x = criterion
    position (numeric order) and y = share in %. ``lagging`` defaults to the
    ``n_lagging`` criteria with the lowest share in the latest year (those
    with a share below 100% only); their columns are shaded and their tick
    labels coloured. The markers are drawn with ``ax.plot`` (a line without
    segments), so ``line_kws`` takes :class:`~matplotlib.lines.Line2D`
    properties (``markersize``, ``marker``, ``alpha`` …).

    Only the years of one criteria set are drawn (``criteria_set``, default
    the set of the latest year): criterion 6 of one set is not criterion 6 of
    another, so years of other sets are left out, never put on the same axis.
    """
    criteria = latest_set_rows(criteria, criteria_set)
    shares = criterion_shares(criteria)
    codes = columnar.sort_codes(shares["criterion"])
    pos = {c: i for i, c in enumerate(codes)}
    years = sorted(int(y) for y in shares["year"].unique())
    if lagging is None:
        last = shares.loc[shares["year"] == max(years)] if years else shares
        last = last.loc[last["share_met"] < 1].sort_values(
            ["share_met", "criterion"], key=columnar.column_sort_key, kind="stable"
        )
        lagging = list(last["criterion"].head(n_lagging))
    lagging = [str(c) for c in lagging]
    ax = get_ax(ax, size)
    for c in lagging:
        if c in pos:
            ax.axvspan(
                pos[c] - 0.45,
                pos[c] + 0.45,
                color=OKABE_ITO["orange"],
                alpha=0.15,
                linewidth=0,
                gid="lagging",
            )
    # a sequential palette whose steps stay apart: light to dark, the latest year darkest
    colors = [
        tuple(c) for c in mpl.colormaps["viridis"](np.linspace(0.8, 0.05, max(len(years), 1)))
    ]
    kws = {"marker": "o", "linestyle": "none", "markersize": 9}
    kws.update(dict(line_kws or {}))
    for i, y in enumerate(years):
        sub = shares.loc[shares["year"] == y]
        ax.plot(
            sub["criterion"].map(pos).to_numpy(float),
            (sub["share_met"].astype(float) * 100).to_numpy(),
            label=str(y),
            **{"color": colors[i], **kws},
        )
    name_map = lb.criterion_names(names, lang) if names is not None else {}
    ax.set_xticks(range(len(codes)))
    ax.set_xticklabels(
        criterion_ticks(codes, name_map, long_labels), rotation=90 if long_labels else 0
    )
    for tick, c in zip(ax.get_xticklabels(), codes, strict=True):
        if c in lagging:
            tick.set_color(OKABE_ITO["vermillion"])
            tick.set_fontweight("bold")
    ax.set_ylim(-5, 105)
    ax.set_xlim(-0.6, len(codes) - 0.4)
    ax.set_title(lb.label("title_criterion_shares", lang))
    ax.set_xlabel(lb.label("criterion", lang))
    ax.set_ylabel(lb.label("axis_share_communes", lang))
    handles, _ = ax.get_legend_handles_labels()
    handles.append(Patch(facecolor=OKABE_ITO["orange"], alpha=0.3, label=lb.label("lagging", lang)))
    ax.legend(
        handles=handles, title=lb.label("year", lang), loc="upper left", bbox_to_anchor=(1.01, 1.0)
    )
    return ax


# --------------------------------------------------------------------------- 5. bands


def band_counts(communes: pd.DataFrame, *, floor: int | None = FLOOR_CRITERIA) -> pd.DataFrame:
    """Communes per year (rows) and band (columns, in ``labels.BANDS`` order, present ones only)."""
    standing = commune_standing(communes, floor=floor)
    counts = standing.groupby(["year", "band"]).size().unstack("band", fill_value=0)
    return counts.reindex(columns=[b for b in lb.BANDS if b in counts.columns]).sort_index()


def plot_bands(
    communes: pd.DataFrame,
    *,
    floor: int | None = FLOOR_CRITERIA,
    lang: str = "vi",
    ax: Axes | None = None,
    size: str = "screen",
    bar_kws: Mapping | None = None,
) -> Axes:
    """Chart 5: communes by band of criteria met (all / 15–18 / under 15), stacked by year.

    One bar container per band (label = the band's words), bars at x = year.
    """
    counts = band_counts(communes, floor=floor)
    ax = get_ax(ax, size)
    kws = {"width": 0.6, "edgecolor": "white"}
    kws.update(dict(bar_kws or {}))
    bottom = np.zeros(len(counts))
    x = counts.index.to_numpy(int)
    for band in counts.columns:
        heights = counts[band].to_numpy(float)
        bars = ax.bar(
            x, heights, bottom=bottom, color=BAND_COLORS[band], label=lb.label(band, lang), **kws
        )
        labels = [f"{int(h)}" if h else "" for h in heights]
        ax.bar_label(bars, labels=labels, label_type="center", color="black")
        bottom = bottom + heights
    ax.set_xticks(x)
    ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.set_title(lb.label("title_bands", lang))
    ax.set_xlabel(lb.label("year", lang))
    ax.set_ylabel(lb.label("axis_communes", lang))
    ax.legend(title=lb.label("legend_band", lang), loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


# --------------------------------------------------------------------------- 6. trajectory


def plot_indicator_trajectory(
    indicators: pd.DataFrame,
    *,
    indicator: str,
    progress: pd.DataFrame | None = None,
    target_year: int | None = None,
    commune_names: Sequence[str] | None = None,
    text: str | None = None,
    criteria_set: str | None = None,
    lang: str = "vi",
    legend: bool | None = None,
    ax: Axes | None = None,
    size: str = "screen",
    line_kws: Mapping | None = None,
) -> Axes:
    """Chart 6: one indicator's values per commune over the years, threshold and projection.

    Solid lines (label = commune) join the reported values; the threshold of
    the latest year is a horizontal line (gid ``"threshold"``); a dashed line
    (gid ``"projection"``) runs from each commune's current value to its
    projected value in the target year, from ``progress``
    (:func:`~ntm_analysis.progress.progress_status`) or computed here when
    ``target_year`` is given. ``text`` (the indicator's words) goes in the title.
    ``commune_names`` draws only the communes of that list of names.
    Only the years of one criteria set are drawn (``criteria_set``, default the
    set of the latest year): indicator 6.1 of one set is not 6.1 of another.
    """
    data = indicators.loc[(indicators["indicator"] == str(indicator)) & indicators["value"].notna()]
    data = latest_set_rows(data, criteria_set)
    if commune_names is not None:
        data = data.loc[data["commune"].isin(list(commune_names))]
    if progress is None and target_year is not None and not data.empty:
        progress = progress_status(data, target_year=target_year)
    ax = get_ax(ax, size)
    names = sorted(data["commune"].unique(), key=lb.vi_sort_key)
    many = len(names) > MAX_LEGEND_COMMUNES
    kws = {"linewidth": 2}
    kws.update(dict(line_kws or {}))
    colors = {}
    for i, name in enumerate(names):
        sub = data.loc[data["commune"] == name].sort_values("year")
        line = {**line_style(i), **kws}
        if many:
            line.update(color="#9E9E9E", linewidth=0.8, alpha=0.6, marker=None)
        (drawn,) = ax.plot(
            sub["year"].to_numpy(), sub["value"].astype(float).to_numpy(), label=name, **line
        )
        colors[name] = drawn.get_color()
    xmax = int(data["year"].max()) if not data.empty else None
    if progress is not None and not progress.empty:
        p = progress.loc[progress["indicator"] == str(indicator)]
        p = p.loc[p["commune"].isin(names) & p["projected_value"].notna()]
        for r in p.itertuples(index=False):
            if int(r.target_year) <= int(r.current_year):
                continue
            ax.plot(
                [int(r.current_year), int(r.target_year)],
                [float(r.current_value), float(r.projected_value)],
                linestyle="--",
                linewidth=1.2,
                color=colors.get(r.commune, "#9E9E9E"),
                gid="projection",
                label="_nolegend_",
            )
            xmax = max(xmax or 0, int(r.target_year))
        if not p.empty:
            ty = int(p["target_year"].max())
            ax.axvline(
                ty,
                color="#666666",
                linestyle=":",
                linewidth=1,
                gid="target_year",
                label=lb.label("target_year_line", lang, year=ty),
            )
    latest = data.loc[data["year"] == data["year"].max()] if not data.empty else data
    thr = latest.loc[latest["threshold"].notna() & latest["threshold_op"].isin(s.NUMERIC_OPS)]
    if not thr.empty:
        value = float(thr["threshold"].iloc[0])
        op = s.OP_SYMBOLS[thr["threshold_op"].iloc[0]]
        ax.axhline(
            value,
            color=OKABE_ITO["black"],
            linestyle="--",
            linewidth=1.5,
            gid="threshold",
            label=lb.label("threshold_line", lang, op=op, value=value),
        )
    if xmax is not None:
        ticks = list(range(int(data["year"].min()), xmax + 1))
        ax.set_xticks(ticks)
    unit = data["unit"].dropna().iloc[0] if "unit" in data and data["unit"].notna().any() else None
    title = lb.label("title_indicator_trajectory", lang, code=indicator)
    if text:
        title = f"{title}: {text}"
    ax.set_title(title)
    ax.set_xlabel(lb.label("year", lang))
    ax.set_ylabel(lb.label("axis_value", lang) + (f" ({unit})" if unit else ""))
    if legend or (legend is None and not many):
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


# --------------------------------------------------------------------------- 7. gaps


def plot_gap_to_target(
    indicators: pd.DataFrame,
    *,
    year: int | None = None,
    scale: str = "relative",
    only_short: bool = False,
    lang: str = "vi",
    ax: Axes | None = None,
    size: str = "screen",
    scatter_kws: Mapping | None = None,
) -> Axes:
    """Chart 7: each commune's distance from each numeric threshold in one year (dot plot).

    One row per indicator (numeric order, top to bottom), one dot per commune.
    ``scale="relative"`` plots the gap as a percentage of the threshold so
    that indicators in different units share an axis; ``scale="unit"`` plots
    it in the indicator's own unit (best for one indicator). Positive = short
    of the target (vermillion), zero or negative = met (blue). Collections:
    short (gid ``"short"``), met (gid ``"met"``) and, hollow at 0, indicators
    not met that have no threshold to measure a gap against (gid ``"no_target"``).
    """
    if scale not in ("relative", "unit"):
        raise ValueError("scale must be 'relative' or 'unit'")
    year = latest_year(indicators, year)
    gaps = gap_to_target(indicators, year).dropna(subset=["gap"])
    if only_short:
        gaps = gaps.loc[gaps["gap"] > 0]
    unmet = unmet_indicators(indicators, year)
    untargeted = unmet.loc[unmet["gap"].isna().to_numpy(bool)]
    codes = columnar.sort_codes(pd.concat([gaps["indicator"], untargeted["indicator"]]))
    pos = {c: i for i, c in enumerate(codes)}
    x = gaps["gap"].astype(float)
    if scale == "relative":
        x = (x / gaps["threshold"].astype(float).abs().replace(0, np.nan) * 100).fillna(0)
    gaps = gaps.assign(_x=x, _y=gaps["indicator"].map(pos).astype(float))
    ax = get_ax(ax, size)
    kws = {"s": 90, "alpha": 0.8, "edgecolor": "white", "linewidth": 0.5}
    kws.update(dict(scatter_kws or {}))
    for key, mask, word in (
        ("short", gaps["gap"] > 0, "short_of_target"),
        ("met", gaps["gap"] <= 0, "beyond_target"),
    ):
        sub = gaps.loc[mask.astype(bool)]
        ax.scatter(
            sub["_x"], sub["_y"], color=GAP_COLORS[key], label=lb.label(word, lang), gid=key, **kws
        )
    if len(untargeted):  # not met, but no threshold to measure a gap against: at 0, hollow
        no_kws = {**kws, "facecolor": "none", "edgecolor": GAP_COLORS["no_target"]}
        no_kws.update(marker="D", linewidth=1.5)
        ax.scatter(
            np.zeros(len(untargeted)),
            untargeted["indicator"].map(pos).astype(float),
            label=lb.label("not_met_no_target", lang),
            gid="no_target",
            **no_kws,
        )
    ax.axvline(0, color="#333333", linewidth=1)
    ax.set_yticks(range(len(codes)))
    ax.set_yticklabels(codes)
    ax.set_ylim(len(codes) - 0.5, -0.5)
    ax.set_title(lb.label("title_gap_to_target", lang, year=year))
    xlabel = lb.label("axis_gap_relative" if scale == "relative" else "axis_gap", lang)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(lb.label("indicator", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


# --------------------------------------------------------------------------- 8. progress


def progress_counts(progress: pd.DataFrame) -> pd.Series:
    """Number of commune × indicator pairs per status, in ``labels.PROGRESS_STATUSES`` order."""
    counts = progress["status"].value_counts()
    return counts.reindex(list(lb.PROGRESS_STATUSES), fill_value=0).astype(int)


def plot_progress_summary(
    progress: pd.DataFrame,
    *,
    lang: str = "vi",
    ax: Axes | None = None,
    size: str = "screen",
    bar_kws: Mapping | None = None,
) -> Axes:
    """Chart 8: counts of commune × indicator pairs by Open SDG progress status.

    Horizontal bars, one per status (best at the top), widths = counts.
    """
    counts = progress_counts(progress)
    ax = get_ax(ax, size)
    kws = {"height": 0.6, "edgecolor": "white"}
    kws.update(dict(bar_kws or {}))
    y = np.arange(len(counts))
    bars = ax.barh(
        y, counts.to_numpy(float), color=[PROGRESS_COLORS[k] for k in counts.index], **kws
    )
    ax.bar_label(bars, labels=[str(int(v)) for v in counts], padding=3)
    ax.set_xlim(0, max(1, int(counts.max())) * 1.12)
    ax.set_yticks(y)
    ax.set_yticklabels(lb.labels(counts.index, lang))
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.set_title(lb.label("title_progress_summary", lang))
    ax.set_xlabel(lb.label("axis_indicators", lang))
    ax.set_ylabel(lb.label("legend_status", lang))
    return ax


# --------------------------------------------------------------------------- 9. roadmap

#: Colours of what departments report of a task ("Tiến độ") and of its tracking.
PLAN_STATUS_COLORS = {
    s.PLAN_NOT_STARTED: OKABE_ITO["sky_blue"],
    s.PLAN_IN_PROGRESS: OKABE_ITO["blue"],
    s.PLAN_DONE: OKABE_ITO["bluish_green"],
    s.PLAN_DELAYED: OKABE_ITO["vermillion"],
    s.TRACK_CLOSED: OKABE_ITO["bluish_green"],
    s.TRACK_OVERDUE: OKABE_ITO["vermillion"],
    s.TRACK_ON_TIME: OKABE_ITO["blue"],
    s.TRACK_NO_DEADLINE: OKABE_ITO["orange"],
    lb.NO_DATA: NO_DATA_COLOR,
    "plan_none": NO_DATA_COLOR,
}
#: Task rows a timeline labels at most (more tasks: every n-th label).
MAX_TIMELINE_LABELS = 40


def plot_plan_timeline(
    plans: pd.DataFrame,
    *,
    hue: str = "status",
    as_of: object = None,
    lang: str = "vi",
    ax: Axes | None = None,
    size: str = "screen",
    scatter_kws: Mapping | None = None,
) -> Axes:
    """The roadmap: one row per planned task (commune · indicator), a dot at its deadline.

    ``plans`` is ``plans.parquet`` (or :func:`ntm_analysis.roadmap.track_plans`
    output with ``hue="tracking"``); tasks without a readable deadline are not
    drawn. Dots are coloured by ``hue`` (one scatter collection per value,
    gid = the code, label = its words; no status = "Chưa có kế hoạch"). Rows
    are ordered by deadline, earliest at the top. ``as_of`` (a date) draws a
    vertical line, e.g. the date the latest data describes.
    """
    dated = plans.loc[plans["deadline"].notna()]
    dated = dated.sort_values(["deadline", "commune", "indicator"], kind="stable").reset_index(
        drop=True
    )
    ax = get_ax(ax, size)
    kws = {"s": 80, "edgecolor": "white", "linewidth": 0.5, "zorder": 3}
    kws.update(dict(scatter_kws or {}))
    codes = dated[hue].astype("string").fillna("plan_none") if len(dated) else pd.Series()
    order = [c for c in PLAN_STATUS_COLORS if c in set(codes)]
    y = np.arange(len(dated), dtype=float)
    dates = pd.to_datetime(dated["deadline"])
    for code in order:
        mask = (codes == code).to_numpy(bool)
        word = lb.label(f"plan_{code}" if code in s.PLAN_STATUSES else code, lang)
        color = PLAN_STATUS_COLORS[code]
        ax.scatter(dates[mask], y[mask], color=color, label=word, gid=code, **kws)
    labels = [f"{c} · {i}" for c, i in zip(dated["commune"], dated["indicator"], strict=True)]
    step = max(1, -(-len(labels) // MAX_TIMELINE_LABELS))
    ax.set_yticks(y[::step])
    ax.set_yticklabels(labels[::step])
    ax.set_ylim(len(dated) - 0.5, -0.5)
    if as_of is not None:
        ax.axvline(pd.Timestamp(as_of), color="#333333", linewidth=1, linestyle="--", zorder=2)
    ax.xaxis.set_major_formatter(mpl.dates.DateFormatter("%m/%Y"))
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(lb.label("title_plan_timeline", lang))
    ax.set_xlabel(lb.label("axis_deadline", lang))
    ax.set_ylabel(lb.label("axis_task", lang))
    if order:
        title = lb.label("legend_status", lang)
        ax.legend(title=title, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def plot_budget_by_source(
    budget: pd.DataFrame,
    *,
    lang: str = "vi",
    ax: Axes | None = None,
    size: str = "screen",
    bar_kws: Mapping | None = None,
) -> Axes:
    """Total budget per funding source (horizontal bars, largest on top, million VND).

    ``budget`` is :func:`ntm_analysis.roadmap.budget_by_source` (one row per
    source). One bar container; each bar carries its total as a label.
    """
    rows = budget.sort_values("budget_million_vnd", ascending=False, kind="stable")
    ax = get_ax(ax, size)
    kws = {"color": OKABE_ITO["blue"], "height": 0.6}
    kws.update(dict(bar_kws or {}))
    values = rows["budget_million_vnd"].astype("Float64").fillna(0).to_numpy(float)
    y = np.arange(len(rows), dtype=float)
    bars = ax.barh(y, values, **kws)
    sep = "." if lang == "vi" else ","
    ax.bar_label(bars, labels=[f"{v:,.0f}".replace(",", sep) for v in values], padding=3)
    ax.set_yticks(y)
    ax.set_yticklabels(rows["funding_source"].astype(str).tolist())
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_title(lb.label("title_budget_by_source", lang))
    ax.set_xlabel(lb.label("axis_budget", lang))
    ax.set_ylabel(lb.label("funding_source", lang))
    return ax


# --------------------------------------------------------------------------- 10. re-assessment

REASSESSMENT_COLORS = {"self": OKABE_ITO["orange"], "reassessed": OKABE_ITO["blue"]}


def plot_reassessment(
    standing: pd.DataFrame,
    *,
    lang: str = "vi",
    ax: Axes | None = None,
    size: str = "screen",
    bar_kws: Mapping | None = None,
) -> Axes:
    """Chart 10: criteria met per commune as the commune reports it and as re-assessed.

    ``standing`` is :func:`ntm_analysis.reassessment.reassessed_standing`. Two
    horizontal bars per commune, communes in name order (patch gid ``"self"``
    and ``"reassessed"``), and a line at the number of criteria of the set.
    """
    rows = standing.sort_values("commune", kind="stable").reset_index(drop=True)
    ax = get_ax(ax, size)
    y = np.arange(len(rows), dtype=float)
    kws = {"height": 0.38, "edgecolor": "white"}
    kws.update(dict(bar_kws or {}))
    for key, column, shift in (
        ("self", "criteria_self", -0.2),
        ("reassessed", "criteria_met", 0.2),
    ):
        bars = ax.barh(
            y + shift,
            rows[column].astype(float),
            color=REASSESSMENT_COLORS[key],
            label=lb.label(f"bars_{key}", lang),
            **kws,
        )
        for patch in bars:
            patch.set_gid(key)
    if len(rows):
        total = int(rows["criteria_total"].max())
        ax.axvline(total, color="#333333", linewidth=1, linestyle="--")
    ax.set_yticks(y)
    ax.set_yticklabels(rows["commune"].astype(str).tolist())
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlabel(lb.label("axis_criteria_met", lang))
    ax.set_title(lb.label("title_reassessment", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


#: The charts, and the house style re-exported from :mod:`ntm_analysis.plot_theme`.
__all__ = [
    "BAND_COLORS",
    "CHANGE_COLORS",
    "CHANGE_ORDER",
    "FIGSIZES",
    "FONT_FAMILY",
    "GAP_COLORS",
    "LINE_COLORS",
    "LINE_DODGE",
    "LINE_MARKERS",
    "NO_DATA_COLOR",
    "OKABE_ITO",
    "PROGRESS_COLORS",
    "STATE_COLORS",
    "STATE_ORDER",
    "VIETNAMESE_LETTERS",
    "attainment_matrix",
    "band_counts",
    "change_matrix",
    "latest_set_rows",
    "new_figure",
    "plot_attainment_heatmap",
    "plot_bands",
    "plot_budget_by_source",
    "plot_change_heatmap",
    "plot_criteria_met_over_years",
    "plot_criterion_shares",
    "plot_gap_to_target",
    "plot_indicator_trajectory",
    "plot_plan_timeline",
    "plot_progress_summary",
    "plot_reassessment",
    "progress_counts",
    "set_theme",
    "theme",
    "theme_rc",
]
