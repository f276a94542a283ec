"""The monthly report's building blocks: what notebooks/monthly_report.ipynb displays.

The notebook is thin: its cells call `query`, `header`, `artist_section`, `track_detail`,
`explanation` and `save_workbook` and display what they return (HTML and PNG images, so
that the executed notebook and its HTML export hold every figure).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .. import render
from ..platforms import platform_name
from ..query import Query, breakdown, breakdown_totals, summary, track_growth, track_timeseries

DEFAULT_TOP_N = 5


def query(
    artists: str | Sequence[str],
    period: str,
    *,
    platforms: str | Sequence[str] | None = None,
    country: str = "GLOBAL",
    warehouse: str | None = None,
) -> Query:
    """The report's Query from the notebook's parameters (empty values mean the defaults).
    An unknown artist, a month such as 2026-13 or a period without data raise QueryError."""
    return Query(
        artists,
        period,
        platforms=platforms or None,
        country=country or "GLOBAL",
        warehouse=warehouse or None,
    )


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)


def _image(fig):
    from IPython.display import Image

    from ..plots import png

    return Image(data=png(fig), format="png")


def _several(q: Query) -> bool:
    return len(q.artist_ids) > 1


def header(q: Query, *, top_n: int = DEFAULT_TOP_N):
    """The stylesheet, the question the report answers and its parameters."""
    if _several(q):
        place = "worldwide" if q.country_code == "GLOBAL" else f"in {q.country_label}"
        names = ", ".join(q.artist_names[:-1]) + f" and {q.artist_names[-1]}"
        title = f"Which songs made up the monthly listeners of {names} {place} in {q.period_label}?"
    else:
        audience = summary(q)
        title = render.question(
            q.artist_names[0],
            render.headline_listeners(audience, q.artist_ids[0]),
            q.country_label,
            q.period_label,
        )
    return _html(
        render.style()
        + render.heading(
            title,
            artists=q.artist_names,
            platforms=q.platform_slugs,
            country_label=q.country_label,
            period_label=q.period_label,
            start=q.start,
            end=q.end,
            top_n=top_n,
        )
    )


def platform_rows(
    q: Query, artist: str, audience: pd.DataFrame | None = None
) -> list[render.PlatformRow]:
    """One artist's Artist × Platform rows: audience, every track with its sparkline and
    half-on-half change, and the footer. `audience` is `summary(q)` when the caller has it."""
    from ..plots import sparklines

    aid = q.artist_id(artist)
    audience = summary(q) if audience is None else audience
    listeners = audience[(audience["artist_id"] == aid) & (audience["metric"] == render.LISTENERS)]
    rows = []
    for platform in q.platform_slugs:
        own = listeners[listeners["platform"] == platform]
        rows.append(
            render.PlatformRow(
                artist=q.artist_name(aid),
                artist_id=aid,
                platform=platform,
                listeners=own.iloc[0] if len(own) else None,
                breakdown=breakdown(q, aid, platform),
                totals=breakdown_totals(q, aid, platform),
                sparklines=sparklines(track_timeseries(q, aid, platform), q.start, q.end),
                growth=track_growth(q, aid, platform),
            )
        )
    return rows


def artist_section(q: Query, artist: str, *, top_n: int = DEFAULT_TOP_N) -> list:
    """One artist's part of the report, as objects to display: the per-platform cards, the
    Artist × Platform table with a collapsible breakdown of every track under each row,
    and the growth charts (audience per platform, the top tracks' daily streams stacked)."""
    from ..plots import audience_chart, track_stack_chart

    aid = q.artist_id(artist)
    name = q.artist_name(aid)
    audience = summary(q)
    own = audience[audience["artist_id"] == aid]
    rows = platform_rows(q, aid, audience)
    title = ""
    if _several(q):
        question = render.question(
            name, render.headline_listeners(audience, aid), q.country_label, q.period_label
        )
        title = render.artist_heading(question)
    parts = [
        _html(
            title
            + render.subheading(f"{name}: audience by platform")
            + render.cards(own)
            + render.subheading(f"{name} × platform: open a row to see every track behind it")
            + render.artist_platform_table(rows, q.days)
            + render.subheading(f"{name}: growth over {q.period_label}")
        ),
        _image(audience_chart(q, artist=aid)),
    ]
    for row in rows:
        if not render.is_missing(row.totals["total_streams"].iloc[0]):
            parts.append(_image(track_stack_chart(q, aid, row.platform, top=top_n)))
    return parts


def track_detail(q: Query, artist: str) -> list:
    """One artist's top tracks in detail, as objects to display: per platform, the chart
    position history of each top track (render.top_track_ids: one line per country chart
    it was on), and their daily streams compared from each track's release."""
    from ..plots import comparison_chart, position_history_chart

    aid = q.artist_id(artist)
    name = q.artist_name(aid)
    parts = []
    for platform in q.platform_slugs:
        tracks = breakdown(q, aid, platform, limit=render.TOP_TRACKS)
        if tracks.empty:
            continue
        parts.append(
            _html(
                render.subheading(
                    f"{name} on {platform_name(platform)}: chart positions of the top "
                    f"{len(tracks)} tracks"
                )
            )
        )
        for track_id in render.top_track_ids(tracks):
            parts.append(_image(position_history_chart(q, track_id, platform, height=3.0)))
        with_streams = tracks[tracks["total_streams"].notna()]
        if len(with_streams) >= 2:
            picked = [(platform, t) for t in with_streams["track_id"]]
            parts.append(_image(comparison_chart(q, picked, align="release", height=3.2)))
    return parts


def explanation():
    """Listeners against streams, and the definitions of every figure."""
    return _html(render.explanation())


def save_workbook(q: Query, output: str, name: str):
    """Write the workbook `<output>/<name>.xlsx` and return a link to it (relative, so it
    works beside the HTML page); nothing when `output` is empty."""
    if not output:
        return None
    from ..export import workbook

    path = workbook(q, Path(output) / f"{name}.xlsx")
    return _html(render.link(path.name, "The figures of this report as an Excel workbook"))
