"""The report's four charts, drawn by matplotlib as inline SVG.

No pyplot (no global figure state, no GUI backend): each chart is a ``Figure`` on the SVG canvas.
Text stays text (``svg.fonttype = none``: smaller, selectable, and the reader's own sans-serif font,
nothing fetched); ``text.parse_math`` is off so a key named ``$x$`` is shown as written; matplotlib
escapes every label it writes into the SVG. Drawing uses floats: the exact figures are the tables'.
"""

from __future__ import annotations

import datetime
import io
import warnings
from typing import TYPE_CHECKING, Any

from ..store import Dashboard, shared_text
from ..store._dashboard import KeyLimit
from ._text import visible

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Labels longer than this are cut in a chart (the tables show them whole).
LABEL_CHARS = 32
OTHER_COLOUR = "#9e9e9e"
_STYLE: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "aimlapi-billing",  # the same ids for the same figures: reproducible files
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": "cycler(color=['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', "
    "'#e377c2', '#17becf', '#bcbd22', '#7f7f7f'])",
}
WIDTH_INCHES = 7.0  # fits A4 portrait within its margins


def _dates(moments: list[datetime.datetime] | list[datetime.date]) -> list[float]:
    """Moments as matplotlib's date numbers (the axis is then a date axis: ``xaxis_date``)."""
    from matplotlib.dates import date2num

    return [float(date2num(moment)) for moment in moments]  # type: ignore[no-untyped-call]


def _label(text: str) -> str:
    # Control characters (a tab, a NUL, a bidi override in a key's name) have no glyph: matplotlib
    # would warn on stderr and draw a box.
    text = visible(text)
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


#: The ratio of spend over a limit of 0 (infinite): the table's cell, and the chart's label says it too.
OVER_ZERO = "over (∞)"


def _key_label(key: KeyLimit) -> str:
    if key.shared_by is not None:
        return f"{key.prefix} ({shared_text(key.shared_by)})"
    label = key.prefix if key.name is None else f"{key.name} ({key.prefix})"
    return f"{OVER_ZERO} {label}" if key.over_zero else label  # first: a long label is cut at its end


def _figure(height: float) -> Figure:
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    FigureCanvasSVG(figure)
    return figure


def _svg(figure: Figure, title: str) -> str:
    buffer = io.StringIO()
    # A glyph the fonts lack (an emoji, a rare script in a model's name) is a matplotlib warning on
    # stderr for each label: the SVG keeps the text anyway (the reader's browser draws it).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    svg = text[text.index("<svg") :]
    # An accessible name; the title is ours (no user text), so it needs no escaping.
    return svg.replace("<svg ", f'<svg role="img" aria-label="{title}" ', 1)


def _empty(axes: Axes, what: str) -> None:
    axes.text(0.5, 0.5, what, ha="center", va="center", transform=axes.transAxes, color="#555555")
    axes.set_xticks([])
    axes.set_yticks([])


def _usd_axis(axes: Axes, axis: str) -> None:
    from matplotlib.ticker import StrMethodFormatter

    (axes.yaxis if axis == "y" else axes.xaxis).set_major_formatter(StrMethodFormatter("${x:,.2f}"))


def daily(report: Dashboard) -> str:
    """Spend per day (or month), stacked by the top keys or teams, "other" in grey on top."""
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        figure = _figure(3.4)
        axes = figure.add_subplot()
        if not report.daily:
            _empty(axes, "no spend in this window")
        else:
            width = 0.8 if report.bucket == "day" else 24.0
            bottoms = [0.0] * len(report.days)
            for number, group in enumerate(report.groups):
                heights = [float(report.daily.get((day, number), 0)) for day in report.days]
                colour: Any = OTHER_COLOUR if group.other else None
                axes.bar(
                    _dates(list(report.days)), heights, width, bottom=bottoms, label=_label(group.name), color=colour
                )
                bottoms = [low + high for low, high in zip(bottoms, heights, strict=True)]
            axes.xaxis_date()
            # The axis spans the window's bars and no more: a tick past the last day (the day after the
            # window, 2026-12-01 for November) is outside it, and its label ran into the one before.
            first, last = _dates([report.days[0], report.days[-1]])
            axes.set_xlim(first - width / 2, last + width / 2)
            _usd_axis(axes, "y")
            axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, title=report.by)
            figure.autofmt_xdate()
        return _svg(figure, f"spend per {report.bucket}, stacked by {report.by}")


def _bars(names: list[str], values: list[float], others: list[bool], title: str, height: float) -> Figure:
    figure = _figure(height)
    axes = figure.add_subplot()
    positions = list(range(len(names)))[::-1]
    colours = [OTHER_COLOUR if other else "#1f77b4" for other in others]
    axes.barh(positions, values, color=colours)
    axes.set_yticks(positions, [_label(name) for name in names])
    _usd_axis(axes, "x")
    axes.set_title(title, loc="left")
    return figure


def models(report: Dashboard) -> str:
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        if not report.models:
            figure = _figure(1.2)
            _empty(figure.add_subplot(), "no spend in this window")
        else:
            figure = _bars(
                [share.name for share in report.models],
                [float(share.spend) for share in report.models],
                [share.other for share in report.models],
                "spend by model",
                0.6 + 0.22 * len(report.models),
            )
        return _svg(figure, "spend by model")


def limits(report: Dashboard) -> str:
    """Each key's spend in the window (bar) against its current limit (black tick)."""
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        if not report.keys:
            figure = _figure(1.2)
            _empty(figure.add_subplot(), "no keys in the store")
            return _svg(figure, "spend against limits")
        names = [_key_label(key) for key in report.keys]
        figure = _bars(
            names,
            [float(key.spend) for key in report.keys],
            [key.members > 1 for key in report.keys],
            "spend in the window, and the limit (|)",
            0.6 + 0.22 * len(report.keys),
        )
        axes = figure.axes[0]
        positions = list(range(len(report.keys)))[::-1]
        marks = [(float(key.limit), y) for key, y in zip(report.keys, positions, strict=True) if key.limit is not None]
        if marks:
            axes.scatter([x for x, _ in marks], [y for _, y in marks], marker="|", s=120, color="black", zorder=3)
        return _svg(figure, "spend against limits")


def balance(report: Dashboard) -> str:
    """The balance the syncs observed (steps), top-ups (triangles), and the runway projection (dashed)."""
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        figure = _figure(3.0)
        axes = figure.add_subplot()
        if not report.balances:
            _empty(axes, "no balance stored for this window (sync records one each run)")
            return _svg(figure, "balance over time")
        for first, last, amount in report.balances:
            axes.plot(
                _dates([first, last]), [float(amount)] * 2, color="#1f77b4", linewidth=2, marker="o", markersize=3
            )
        if report.topups:
            level = max(float(amount) for _, _, amount in report.balances)
            axes.scatter(
                _dates([at for at, _, _ in report.topups]), [level] * len(report.topups), marker="^", color="#2ca02c"
            )
        runway = report.runway
        if runway is not None and runway.days is not None and runway.burn_per_day > 0:
            horizon = max(report.end - report.start, datetime.timedelta(days=7))
            days = min(float(runway.days), horizon / datetime.timedelta(days=1))
            until = runway.as_of + datetime.timedelta(days=days)
            left = float(runway.balance) - float(runway.burn_per_day) * days
            axes.plot(_dates([runway.as_of, until]), [float(runway.balance), left], linestyle="--", color="#d62728")
        axes.set_xlim(left=_dates([report.start])[0])
        axes.xaxis_date()
        _usd_axis(axes, "y")
        axes.set_ylim(bottom=0)
        figure.autofmt_xdate()
        return _svg(figure, "balance over time")
