"""Growth charts with matplotlib, shared by the monthly report and the Explorer.

Each function takes a Query, runs the kit.query function behind its figures and returns a
`matplotlib.figure.Figure`. The figures are built without pyplot, so nothing is shown,
registered or kept open behind the caller's back: the caller displays, saves (`png()`)
or drops them. No display is needed, so they also work under cron.
"""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from . import render
from .platforms import platform_name
from .query import Query, breakdown, timeseries, track_timeseries

WIDTH, HEIGHT = 10.0, 3.8


def _tick(value: float, _pos: int) -> str:
    # Axis ticks need a finer step than render.compact's one decimal (1.05K, 1.1K, 1.15K).
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
    q: Query,
    metric: str = "monthly_listeners",
    *,
    artist: str | None = None,
    width: float = WIDTH,
    height: float = HEIGHT,
) -> Figure:
    """The audience over the query's period, one line per platform (per artist × platform
    when several artists are drawn): the stored daily points of `timeseries`, gaps left open."""
    points = timeseries(q, metric, artist=artist)
    fig, ax = _figure(width, height)
    who = q.artist_name(artist) if artist else ", ".join(q.artist_names)
    ax.set_title(
        f"{render.metric_label(metric).capitalize()} of {who}, {q.country_label}, {q.period_label}",
        loc="left",
        fontsize=11,
    )
    if points.empty:
        _empty(ax, f"No {render.metric_label(metric)} in this period")
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
    q: Query,
    artist: str,
    platform: str,
    *,
    top: int = 5,
    width: float = WIDTH,
    height: float = HEIGHT,
) -> Figure:
    """The daily streams of the artist's `top` tracks on one platform, stacked so that each
    track's contribution to the day is visible. The tracks are the breakdown's first rows
    (most streams); the values are those the breakdown counts (`track_timeseries`). Days
    without a value are drawn at zero; weekly chart values are not drawn as days."""
    leaders = breakdown(q, artist, platform, limit=top)
    leaders = leaders[leaders["total_streams"].notna()]
    fig, ax = _figure(width, height)
    ax.set_title(
        f"Daily streams of {q.artist_name(artist)}'s top {len(leaders)} tracks on "
        f"{platform_name(q.platform(platform))}, {q.country_label}, {q.period_label}",
        loc="left",
        fontsize=11,
    )
    if leaders.empty:
        _empty(ax, "No streams in this period")
        return fig
    series = track_timeseries(q, artist, platform, tracks=list(leaders["track_id"]))
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
