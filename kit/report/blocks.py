"""The monthly report's building blocks: what notebooks/monthly_report.ipynb displays.

The notebook is thin: it builds the query and its figures once (`query`, `load`), and its
cells call `header`, `artist_section`, `what_moved`, `noteworthy`, `track_detail`,
`explanation` and `save_workbook` on those figures and display what they return (HTML and PNG images, so that the executed
notebook and its HTML export hold every figure). No block runs a query of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .. import render, render_moved, selection
from ..fmt import is_missing
from ..period import period_label
from ..platforms import platform_name
from ..query import Query
from ..selection import Selection

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


def load(q: Query) -> Selection:
    """Every figure of the report, fetched once (kit.selection.load), compared with the
    previous period (README, "What moved and what is noteworthy")."""
    return selection.load(q, compare="previous")


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)


def _image(fig):
    from IPython.display import Image

    from ..plots import png

    return Image(data=png(fig), format="png")


def _several(q: Query) -> bool:
    return len(q.artist_ids) > 1


def title(data: Selection) -> str:
    """The question the report answers: one artist's with their monthly listeners, or for
    several artists one that adds no listeners up."""
    q = data.query
    if _several(q):
        place = "worldwide" if q.country_code == "GLOBAL" else f"in {q.country_label}"
        names = ", ".join(q.artist_names[:-1]) + f" and {q.artist_names[-1]}"
        return f"Which songs made up the monthly listeners of {names} {place} in {q.period_label}?"
    return render.question(
        q.artist_names[0],
        render.headline_listeners(data.summary, q.artist_ids[0]),
        q.country_label,
        q.period_label,
    )


def parameters(q: Query, top_n: int) -> list[tuple[str, str]]:
    """The report's parameters as (name, value), under its title."""
    period = q.period_label
    if " to " not in period:
        period = f"{period} ({q.start.isoformat()} to {q.end.isoformat()})"
    return [
        ("Artists" if _several(q) else "Artist", ", ".join(q.artist_names)),
        ("Platforms", ", ".join(platform_name(p) for p in q.platform_slugs) or "—"),
        ("Country", q.country_label),
        ("Period", period),
        ("Charts", f"top {top_n} tracks; the tables list every track"),
    ]


def header(data: Selection, *, top_n: int = DEFAULT_TOP_N):
    """The stylesheet, the question the report answers, its parameters, and the data
    checks' findings about them (kit.checks.report_findings, fetched in `data`)."""
    return _html(
        render.style()
        + render.heading(title(data), parameters(data.query, top_n))
        + render.data_checks(data.findings)
    )


def artist_section(data: Selection, artist: str, *, top_n: int = DEFAULT_TOP_N) -> list:
    """One artist's part of the report, as objects to display: the per-platform cards, the
    Artist × Platform table with a collapsible breakdown of every track under each row,
    and the growth charts (audience per platform, the top tracks' daily streams stacked)."""
    from ..plots import audience_chart, track_stack_chart

    q = data.query
    aid = q.artist_id(artist)
    name = q.artist_name(aid)
    rows = data.rows(aid)
    heading = ""
    if _several(q):
        question = render.question(
            name, render.headline_listeners(data.summary, aid), q.country_label, q.period_label
        )
        heading = render.section(question, level=2)
    parts = [
        _html(
            heading
            + render.section(f"{name}: audience by platform")
            + render.cards(data.summary[data.summary["artist_id"] == aid], **_card_extras(data))
            + render.section(f"{name} × platform: open a row to see every track behind it")
            + render.artist_platform_table(rows, data.summary)
            + render.section(f"{name}: growth over {q.period_label}")
        ),
        _image(audience_chart(data.timeseries[data.timeseries["artist_id"] == aid], q, who=name)),
    ]
    for row in rows:
        if not is_missing(row.footer["total_streams"]):
            parts.append(_image(track_stack_chart(row, q, top=top_n)))
    return parts


def _card_extras(data: Selection) -> dict:
    """The cards' line against the comparison period and their alerts badge."""
    if data.previous_period is None:
        return {}
    return {
        "versus": render_moved.card_changes(
            data.audience_change, period_label(*data.previous_period)
        ),
        "alerts": render_moved.card_alerts(data.alerts),
    }


def what_moved(data: Selection, artist: str) -> list:
    """What moved since the comparison period, per platform: the audience change, the
    streams change, the tracks that explain it (largest changes first), the new and gone
    tracks named, and where the comparison period's figures are incomplete (nothing when
    the selection has no comparison)."""
    if data.previous_period is None:
        return []
    q = data.query
    name = q.artist_name(artist)
    heading = render.section(f"{name}: what moved since {period_label(*data.previous_period)}")
    return [_html(heading + render_moved.what_moved(data, artist))]


def noteworthy(data: Selection, artist: str) -> list:
    """The alerts of the artist in the report's period and country (spikes, drops, chart
    entries and exits, new peaks), with the thresholds behind them (nothing when the
    selection was loaded without them)."""
    if data.alerts is None:
        return []
    q = data.query
    name = q.artist_name(artist)
    place = "worldwide" if q.country_code == "GLOBAL" else f"in {q.country_label}"
    heading = render.section(f"{name}: noteworthy {place} in {q.period_label}")
    body = render_moved.noteworthy(data.alerts, q.artist_id(artist), place, q.period_label)
    return [_html(heading + body)]


def track_detail(data: Selection, artist: str) -> list:
    """One artist's top tracks in detail, as objects to display: per platform, the chart
    position history of each top track (kit.selection.top_track_ids: one line per country
    chart it was on), and their daily streams compared from each track's release."""
    from ..plots import comparison_chart, position_history_chart

    q = data.query
    parts = []
    for row in data.rows(artist):
        if row.top is None or not row.top.positions:
            continue
        parts.append(
            _html(
                render.section(
                    f"{row.artist} on {platform_name(row.platform)}: chart positions of the "
                    f"top {len(row.top.positions)} tracks"
                )
            )
        )
        for track_id, entries in row.top.positions.items():
            chart = position_history_chart(
                entries, q, track=track_id, platform=row.platform, height=3.0
            )
            parts.append(_image(chart))
        if row.top.comparison is not None:
            parts.append(
                _image(comparison_chart(row.top.comparison, q, align="release", height=3.2))
            )
    return parts


def explanation():
    """Listeners against streams, and the definitions of every figure."""
    return _html(render.explanation())


def save_workbook(data: Selection, output: str, name: str):
    """Write the workbook `<output>/<name>.xlsx` and return a link to it (relative, so it
    works beside the HTML page); nothing when `output` is empty."""
    if not output:
        return None
    from ..export import workbook

    path = workbook(data, Path(output) / f"{name}.xlsx")
    return _html(render.link(path.name, "The figures of this report as an Excel workbook"))
