"""Growth charts with matplotlib, shared by the monthly report and the Explorer.

Each function takes the frames kit.query returned (or kit.selection's objects holding
them) and the scope they cover, and returns a `matplotlib.figure.Figure`; none runs a
query. The figures are built without pyplot, so nothing is shown, registered or kept
open behind the caller's back: the caller displays, saves (`png()`) or drops them. No
display is needed, so they also work under cron.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Protocol

import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .countries import country_name
from .fmt import metric_label
from .platforms import platform_name

if TYPE_CHECKING:
    from .selection import PlatformData

WIDTH, HEIGHT = 10.0, 3.8


class Scope(Protocol):
    """Where and when a chart's figures are from (a kit.query.Query is one)."""

    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...

    @property
    def days(self) -> int: ...

    @property
    def country_label(self) -> str: ...

    @property
    def period_label(self) -> str: ...


def _tick(value: float, _pos: int) -> str:
    # Axis ticks need a finer step than fmt.compact's one decimal (1.05K, 1.1K, 1.15K).
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= limit:
            return f"{value / limit:.2f}".rstrip("0").rstrip(".") + suffix
    return f"{value:,.0f}"


_COMPACT = FuncFormatter(_tick)


def _figure(width: float, height: float) -> tuple[Figure, object]:
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e6e9ef", linewidth=0.8)
    ax.yaxis.set_major_formatter(_COMPACT)
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    return fig, ax


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#5a6272")
    ax.set_yticks([])


def audience_chart(
    points: pd.DataFrame,
    q: Scope,
    *,
    who: str,
    metric: str = "monthly_listeners",
    width: float = WIDTH,
    height: float = HEIGHT,
) -> Figure:
    """The audience of `who` over the period, one line per platform (per artist × platform
    when several artists are drawn): the stored daily points of `metric` in `points` (a
    `kit.query.timeseries` frame), gaps left open."""
    points = points[points["metric"] == metric]
    fig, ax = _figure(width, height)
    ax.set_title(
        f"{metric_label(metric).capitalize()} of {who}, {q.country_label}, {q.period_label}",
        loc="left",
        fontsize=11,
    )
    if points.empty:
        _empty(ax, f"No {metric_label(metric)} in this period")
        return fig
    several = points["artist_id"].nunique() > 1
    calendar = pd.date_range(q.start, q.end, freq="D")
    for (artist_name, platform), line in points.groupby(["artist", "platform"], sort=False):
        label = f"{artist_name} · {platform_name(platform)}" if several else platform_name(platform)
        values = line.set_index("date")["value"].astype("float64").reindex(calendar)
        ax.plot(calendar, values, label=label, linewidth=1.8)
    ax.set_xlim(calendar[0], calendar[-1])
    ax.legend(loc="upper left", fontsize=9, frameon=False)
    return fig


def track_stack_chart(
    data: PlatformData,
    q: Scope,
    *,
    top: int = 5,
    width: float = WIDTH,
    height: float = HEIGHT,
) -> Figure:
    """The daily streams of an artist's `top` tracks on one platform, stacked so that each
    track's contribution to the day is visible. The tracks are the breakdown's first rows
    (most streams); the values are those the breakdown counts (its `track_timeseries`).
    Days without a value are drawn at zero; weekly chart values are not drawn as days."""
    leaders = data.breakdown.head(top)
    leaders = leaders[leaders["total_streams"].notna()]
    fig, ax = _figure(width, height)
    ax.set_title(
        f"Daily streams of {data.artist}'s top {len(leaders)} tracks on "
        f"{platform_name(data.platform)}, {q.country_label}, {q.period_label}",
        loc="left",
        fontsize=11,
    )
    if leaders.empty:
        _empty(ax, "No streams in this period")
        return fig
    series = data.series[data.series["track_id"].isin(leaders["track_id"])]
    daily = series[series["days"] == 1]
    calendar = pd.date_range(q.start, q.end, freq="D")
    wide = (
        daily.pivot(index="date", columns="track_id", values="streams")
        .reindex(index=calendar, columns=list(leaders["track_id"]))
        .astype("float64")
        .fillna(0.0)
    )
    labels = [_short(t) for t in leaders["title"]]
    ax.stackplot(calendar, wide.T.to_numpy(), labels=labels, alpha=0.9, linewidth=0)
    ax.set_xlim(calendar[0], calendar[-1])
    ax.legend(loc="upper left", fontsize=8.5, frameon=False, reverse=True)
    if series["days"].eq(7).any():
        ax.text(
            1.0,
            -0.16,
            "weekly chart values are not drawn as days",
            transform=ax.transAxes,
            ha="right",
            fontsize=8,
            color="#5a6272",
        )
    return fig


def _short(title: str, limit: int = 38) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def png(fig: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (for an `<img>`, an IPython Image or a file)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def position_history_chart(
    entries: pd.DataFrame,
    q: Scope,
    *,
    track: str,
    platform: str,
    width: float = WIDTH,
    height: float = HEIGHT,
) -> Figure:
    """A track's chart positions over the period (`entries`, a `kit.query.positions`
    frame): one line per country chart it was on, position 1 at the top. Daily entries
    are joined day to day and a day off the chart breaks the line (a gap, never a zero);
    weekly entries are drawn as square markers on their week's last day, never joined as
    days. `track` names the track when it has no entry."""
    fig, ax = _figure(width, height)
    title = entries["title"].iloc[0] if len(entries) else track
    ax.set_title(
        f"Chart positions of {title} on {platform_name(platform)}, {q.period_label}",
        loc="left",
        fontsize=11,
    )
    if entries.empty:
        _empty(ax, "Not on any chart in this period")
        return fig
    calendar = pd.date_range(q.start, q.end, freq="D")
    colours: dict[str, str] = {}
    for (country, frequency), line in entries.groupby(["country", "frequency"], sort=True):
        # One legend entry per country (its colour); how daily and weekly look is said once.
        named = country in colours
        colour = colours.setdefault(country, f"C{len(colours) % 10}")
        label = "_nolegend_" if named else country_name(country)
        values = line.set_index("date")["position"].astype("float64")
        if frequency == "daily":
            ax.plot(
                calendar,
                values.reindex(calendar),
                color=colour,
                linewidth=1.8,
                marker=".",
                markersize=4,
                label=label,
            )
        else:
            ax.plot(values.index, values, color=colour, label=label, **WEEKLY_MARKER)
    handles, _labels = ax.get_legend_handles_labels()
    grey = "#5a6272"
    handles += [
        Line2D([], [], color=grey, linewidth=1.8, marker=".", markersize=4, label="daily"),
        Line2D([], [], color=grey, label="weekly (week to the date)", **WEEKLY_MARKER),
    ]
    worst = float(entries["position"].max())
    margin = max(0.6, worst * 0.04)
    ax.set_ylim(worst + margin, 1 - margin)  # inverted: position 1 at the top
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    # Position 1 is always labelled, there is no position 0, and no tick crowds the 1.
    ticks = list(ax.get_yticks())
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    ax.set_yticks([1] + [t for t in ticks if t - 1 > step / 2 and t <= worst + margin])
    ax.set_ylabel("position")
    ax.set_xlim(calendar[0], calendar[-1])
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5, frameon=False
    )
    return fig


WEEKLY_MARKER = {
    "linestyle": "none",
    "marker": "s",
    "markersize": 7,
    "markerfacecolor": "white",
    "markeredgewidth": 1.6,
}
ALIGN_LABELS = {
    "date": "date",
    "release": "days since release",
    "chart_entry": "days since chart entry",
}


def comparison_chart(
    series: pd.DataFrame,
    q: Scope,
    *,
    align: str = "date",
    width: float = WIDTH,
    height: float = HEIGHT,
) -> Figure:
    """The daily streams of 2–6 tracks side by side on one chart (`series`, the
    `kit.query.track_comparison` frame aligned as `align`): over the period aligned by
    date, or over each track's first days (as many as the period has) from its release or
    its chart entry. Days without a value are gaps; weekly chart values are not drawn as
    days; a track whose release or chart-entry day is unknown is not drawn, and named."""
    fig, ax = _figure(width, height)
    window = (
        q.period_label
        if align == "date"
        else f"the first {q.days} days from {'release' if align == 'release' else 'chart entry'}"
    )
    ax.set_title(f"Daily streams compared, {q.country_label}, {window}", loc="left", fontsize=11)
    daily = series[(series["days"] == 1) & series["x"].notna()]
    several_platforms = series["platform"].nunique() > 1
    for (platform, _track_id), own in daily.groupby(["platform", "track_id"], sort=False):
        label = _short(own["title"].iloc[0])
        if several_platforms:
            label += f" · {platform_name(platform)}"
        values = own.set_index("x")["streams"].astype("float64")
        if align == "date":
            steps = pd.date_range(q.start, q.end, freq="D")
        else:
            steps = pd.RangeIndex(0, q.days)
        ax.plot(steps, values.reindex(steps), linewidth=1.8, label=label)
    if align == "date":
        ax.set_xlim(q.start, q.end)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}"))
        ax.set_xlim(0, q.days - 1)
        ax.set_xlabel(f"{ALIGN_LABELS[align]} (day 0 = the day itself)")
    notes = []
    unaligned = series.attrs.get("unaligned", [])
    if unaligned:
        what = "release date" if align == "release" else "chart entry"
        notes.append(f"not drawn, no {what} known: {', '.join(unaligned)}")
    drawn = set(daily["title"])
    empty = [t for t in series.attrs.get("titles", []) if t not in drawn and t not in unaligned]
    if empty:
        notes.append(f"no daily streams in the window: {', '.join(empty)}")
    if series["days"].eq(7).any():
        notes.append("weekly chart values are not drawn as days")
    if notes:  # a right-hand title: inside the figure's layout, unlike text below the axes
        ax.set_title("; ".join(notes), loc="right", fontsize=8, color="#5a6272")
    if ax.lines:
        ax.legend(loc="upper left", fontsize=8.5, frameon=False)
    else:
        _empty(ax, "No daily streams to compare in this period")
    return fig
