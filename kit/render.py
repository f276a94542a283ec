"""The page parts the monthly report and the Explorer share: the heading, the cards, the
Artist × Platform table and, under each row, the notes where data is partial, the track
table and streams per listener.

Python prepares every value here, formatted (kit.fmt) and ready to show; the Jinja2
templates in kit/templates/ (kit.templating, autoescaped) only lay them out, as
nbconvert's own page templates do. Nothing is computed: every figure comes from kit/sql/ through kit.query,
fetched once into kit.selection's objects. The HTML has inline CSS only (no script, no
CDN), so the report works as a file attached to an e-mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from . import fmt
from .definitions import DEFINITIONS, LISTENERS, TOP_TRACK_FILL
from .fmt import MISSING, is_missing
from .platforms import PLATFORMS, platform_name, track_url
from .render_moved import AlertBadge, CardChange, TrackChanges, track_changes
from .sparkline import Sparkline, sparklines
from .templating import Column, macro, page_part

if TYPE_CHECKING:
    from .selection import PlatformData

__all__ = ["Column", "macro", "page_part"]  # the one Jinja2 environment, as kit.render's

# ---------------------------------------------------------------- heading and cards


def style(*, explorer: bool = False) -> str:
    """The stylesheet, inline; included once at the top of the page."""
    return page_part("style.html.j2", explorer=explorer, top_fill=TOP_TRACK_FILL)


def question(artist: str, listeners: object, country_label: str, period_label: str) -> str:
    """The question the report answers, with the artist's end-of-period monthly listeners."""
    place = "worldwide" if country_label == "Worldwide" else f"in {country_label}"
    when = f"from {period_label}" if " to " in period_label else f"in {period_label}"
    if is_missing(listeners):
        return f"Which songs made up {artist}'s audience {place} {when}?"
    return (
        f"Which songs made up {artist}'s {fmt.compact(listeners)} monthly listeners {place} {when}?"
    )


def headline_listeners(summary: pd.DataFrame, artist_id: str) -> object:
    """The monthly listeners the question quotes: the end value on the first platform that
    has the metric, in the report's platform order (Spotify first)."""
    rows = summary[(summary["artist_id"] == artist_id) & (summary["metric"] == LISTENERS)]
    return rows["end_value"].iloc[0] if len(rows) else None


def heading(title: str, params: Sequence[tuple[str, str]]) -> str:
    """A page's title and its parameters (name, value)."""
    return page_part("heading.html.j2", title=title, params=list(params))


def section(text: str, level: int = 3) -> str:
    """A section heading: 2 for an artist's section, 3 for a part of it."""
    return page_part("section.html.j2", text=text, level=level)


@dataclass(frozen=True)
class Card:
    platform: str
    metric: str
    platform_label: str
    metric_label: str
    start: str
    end: str
    difference: str
    change: str
    trend: str
    average: str
    peak: str
    peak_date: str
    coverage: str
    partial: bool
    points: str
    versus: CardChange | None = None  # against the comparison period (kit.render_moved)
    alerts: AlertBadge | None = None  # the period's alerts on the platform


def cards(
    summary: pd.DataFrame,
    *,
    versus: dict[tuple, CardChange] | None = None,
    alerts: dict[tuple[str, str], AlertBadge] | None = None,
) -> str:
    """One card per platform × metric of summary rows (one artist's): start, end,
    difference with %, average, peak with its date, coverage; with `versus` (by artist id,
    platform, metric) a line against the comparison period, and with `alerts` (by artist id,
    platform) a badge counting the period's alerts."""
    versus, alerts = versus or {}, alerts or {}
    # Platforms in the query's order; on each, monthly listeners before other metrics.
    ordered = summary.assign(
        _platform=pd.factorize(summary["platform"])[0], _other=summary["metric"].ne(LISTENERS)
    ).sort_values(["_platform", "_other"], kind="stable")
    shown = [
        Card(
            platform=row.platform,
            metric=row.metric,
            platform_label=platform_name(row.platform),
            metric_label=fmt.metric_label(row.metric),
            start=fmt.count(row.start_value),
            end=fmt.count(row.end_value),
            difference=fmt.signed_count(row.difference),
            change=fmt.percent(row.pct_change, signed=True),
            trend=fmt.trend(row.difference),
            average=fmt.count(row.average),
            peak=fmt.count(row.peak_value),
            peak_date=fmt.day(row.peak_date),
            coverage=fmt.percent(row.coverage, digits=0),
            partial=not is_missing(row.coverage) and row.coverage < 1,
            points=fmt.count(row.points),
            versus=versus.get((row.artist_id, row.platform, row.metric)),
            alerts=alerts.get((row.artist_id, row.platform)),
        )
        for row in ordered.itertuples(index=False)
    ]
    return page_part("cards.html.j2", cards=shown)


# ---------------------------------------------------------------- the track table

TRACK_COLUMNS = (
    Column("#", "n"),
    Column("Track"),
    Column("Credit"),
    Column("Streams", "n"),
    Column("Daily streams"),
    Column("2nd half vs 1st", "n"),
    Column("Avg daily", "n"),
    Column("Peak", "n"),
    Column("Peak date"),
    Column("Best pos.", "n"),
    Column("Days on chart", "n"),
    Column("On chart"),
    Column("Share", "n"),
    Column("Source"),
    Column("Coverage", "n"),
)


@dataclass(frozen=True)
class TrackLine:
    track_id: str
    rank: int
    title: str
    url: str | None
    platform_label: str
    star: bool
    tint: str  # "top" (the top track), "lead" (another top track) or ""
    credit: str
    streams: str
    spark: Sparkline | None
    change: str
    change_trend: str
    avg_daily: str
    peak: str
    peak_date: str
    best_position: str
    days_on_chart: str
    on_chart: str
    share: str
    source: str
    coverage: str
    partial: bool
    moved: object = None  # kit.render_moved.ChangeCells, where compared with another period


@dataclass(frozen=True)
class TrackTable:
    columns: tuple[Column, ...]
    lines: tuple[TrackLine, ...]
    total_label: str
    total_streams: str
    showing: str | None = None  # "Showing 20 of 23 tracks." where the rows are paged
    empty: str | None = None  # said instead of the table when no row is left to show
    change_columns: int = 0  # compared with another period: its cells after "2nd half vs 1st"


def _peak_date(row) -> str:
    if is_missing(row.peak_date):
        return MISSING
    day = fmt.day(row.peak_date)
    return f"week to {day}" if row.peak_kind == "week" else day


def track_table(
    data: PlatformData,
    rows: pd.DataFrame | None = None,
    *,
    showing: str | None = None,
    empty: str | None = None,
    comparison: TrackChanges | None = None,
) -> TrackTable:
    """The track table of one breakdown: `rows` of it in their order (default: every
    track, in the breakdown's order), the top tracks tinted (kit.selection.top_track_ids)
    and the top track starred when it has streams, titles linked to the platform where
    the id allows it, each track's sparkline and half-on-half change after its streams; with
    `comparison` (kit.render_moved.track_changes), its change since another period next."""
    rows = data.breakdown if rows is None else rows
    footer = data.footer
    leading = set(data.top_track_ids)
    top_id = None if is_missing(footer["top_track_id"]) else footer["top_track_id"]
    changes = data.growth.set_index("track_id")["half_change"]
    wanted = data.series[data.series["track_id"].isin(rows["track_id"])]
    lines_of = sparklines(wanted, data.start, data.end)
    label = platform_name(data.platform)
    lines = []
    for rank, row in enumerate(rows.itertuples(index=False), start=1):
        top = row.track_id == top_id and not is_missing(row.total_streams)
        change = changes.get(row.track_id)
        lines.append(
            TrackLine(
                track_id=row.track_id,
                rank=rank,
                title=str(row.title),
                url=track_url(data.platform, row.track_id),
                platform_label=label,
                star=top,
                tint="top" if top else ("lead" if row.track_id in leading else ""),
                credit=str(row.credit),
                streams=fmt.count(row.total_streams),
                spark=lines_of.get(row.track_id),
                change=fmt.percent(change, signed=True),
                change_trend=fmt.trend(change),
                avg_daily=fmt.count(row.avg_daily),
                peak=fmt.count(row.peak_streams),
                peak_date=_peak_date(row),
                best_position=fmt.count(row.best_position),
                days_on_chart=fmt.count(row.days_on_chart),
                on_chart=MISSING
                if is_missing(row.first_chart_date)
                else f"{fmt.day(row.first_chart_date)} – {fmt.day(row.last_chart_date)}",
                share=fmt.percent(row.share),
                source=str(row.source),
                coverage=fmt.percent(row.coverage, digits=0),
                partial=not is_missing(row.coverage) and row.coverage < 1,
                moved=None if comparison is None else comparison.cells.get(row.track_id),
            )
        )
    columns = TRACK_COLUMNS
    if comparison is not None:
        columns = TRACK_COLUMNS[:6] + comparison.columns + TRACK_COLUMNS[6:]
    return TrackTable(
        columns=columns,
        lines=tuple(lines),
        total_label=f"Total: {fmt.plural(footer['track_count'], 'track')}",
        total_streams=fmt.count(footer["total_streams"]),
        showing=showing,
        empty=empty,
        change_columns=0 if comparison is None else len(comparison.columns),
    )


# ---------------------------------------------------------------- notes and the fold


def partial_notes(data: PlatformData) -> list[str]:
    """Where the figures of a breakdown rest on less than the whole period, in plain
    words: the one list of notes that the report and the Explorer both show."""
    t = data.footer
    name = platform_name(data.platform)
    days = data.days
    if not t.track_count:
        return [
            f"No tracks of {data.artist} on {name} in this period: no chart entries and no "
            "stream counts."
        ]
    notes = []
    streams = not is_missing(t.total_streams)
    breakdown = data.breakdown
    # the breakdown's source text of a track listed from the viral chart alone
    # (docs/metrics.md, "Viral-only tracks"): counted in tracks_without_streams
    viral_only = breakdown["source"].fillna("").str.startswith("viral chart only").any()
    if not streams:
        known = PLATFORMS.get(data.platform)
        why = (
            f"{name}'s charts carry no stream counts"
            if known is not None and not known.reports_streams
            else "no stream counts were loaded for it"
        )
        notes.append(
            f"No streams on {name} in this period ({why}): its tracks are listed by chart "
            "position only, and streams per listener cannot be computed."
        )
    elif t.tracks_without_streams:
        charts = "chart positions (top or viral chart)" if viral_only else "chart positions"
        notes.append(
            f"{fmt.count(t.tracks_without_streams)} of {fmt.count(t.track_count)} tracks have "
            f"{charts} but no stream counts."
        )
    if viral_only:
        notes.append(
            "Tracks whose source reads 'viral chart only' were on the viral chart alone: "
            "their best viral position is given there, never as a top-chart position."
        )
    if t.partial_tracks and streams:
        why = (
            "on the chart on some days only, with missing days, or without stream counts"
            if t.tracks_without_streams
            else "on the chart on some days only, or with missing days"
        )
        notes.append(
            f"{fmt.count(t.partial_tracks)} of {fmt.count(t.track_count)} tracks have values "
            f"on fewer than the period's {days} days (coverage below 100 %): released during "
            f"the period, {why}."
        )
    points = 0 if is_missing(t.listener_points) else int(t.listener_points)
    if 0 < points < days:
        notes.append(f"Monthly listeners have values on {fmt.count(points)} of {days} days.")
    if streams and not points:
        notes.append(f"No monthly listeners on {name}: streams per listener cannot be computed.")
    if (
        breakdown["peak_kind"].eq("week").any()
        or breakdown["source"].str.contains("weekly", regex=False).any()
    ):
        notes.append(
            "Some values come from weekly charts: each covers the seven days ending on its "
            "date, and a weekly peak is shown as 'week to' that date."
        )
    return notes


def per_listener(data: PlatformData) -> str | None:
    """Streams per listener, with what it rests on; None where it cannot be computed."""
    t = data.footer
    if is_missing(t.streams_per_listener):
        return None
    return (
        f"Streams per listener ≈ {fmt.decimal(t.streams_per_listener, 2)} (approximate: "
        f"{fmt.count(t.total_streams)} streams ÷ {fmt.count(t.average_listeners)} average "
        "monthly listeners; listeners are unique over rolling 28 days, streams are not)."
    )


def fold_summary(data: PlatformData) -> str:
    """The line that opens a row's breakdown in the report."""
    t = data.footer
    streams = not is_missing(t.total_streams)
    said = f"{fmt.compact(t.total_streams)} streams" if streams else "no streams"
    top = f"; top track: {t.top_track}" if streams else ""
    return (
        f"Tracks behind {data.artist} on {platform_name(data.platform)}: "
        f"{fmt.plural(t.track_count, 'track')}, {said}{top}"
    )


@dataclass(frozen=True)
class Fold:
    """What opens under an Artist × Platform row; each part may be left out."""

    summary: str = ""
    notes: tuple[str, ...] = ()
    table: TrackTable | None = None
    per_listener: str | None = None


def fold(data: PlatformData) -> Fold:
    """The report's fold: every track (with its change since the comparison period when
    the data has one), its notes and streams per listener."""
    comparison = track_changes(data.moved)
    return Fold(
        summary=fold_summary(data),
        notes=tuple(partial_notes(data)),
        table=track_table(data, comparison=comparison) if data.footer["track_count"] else None,
        per_listener=per_listener(data),
    )


def fold_html(part: Fold) -> str:
    """A fold's notes, track table and streams per listener (those it has), as HTML."""
    return page_part("fold.html.j2", fold=part)


# ---------------------------------------------------------------- Artist × Platform

PLATFORM_COLUMNS = (
    Column("Artist", "", 150),
    Column("Platform", "", 110),
    Column("Monthly listeners (end)", "n", 120),
    Column("Change", "n", 170),
    Column("Average listeners", "n", 110),
    Column("Streams", "n", 110),
    Column("Tracks", "n", 60),
    Column("Top track", "", 180),
    Column("Streams per listener (≈)", "n", 110),
    Column("Listener coverage", "n", 90),
)


@dataclass(frozen=True)
class PlatformLine:
    artist: str
    artist_id: str
    platform: str
    platform_label: str
    listeners: str
    change: str
    trend: str
    average: str
    streams: str
    tracks: str
    top_track: str
    per_listener: str
    coverage: str
    partial: bool


def listeners_row(summary: pd.DataFrame, artist_id: str, platform: str) -> pd.Series | None:
    """The summary row of an artist's monthly listeners on a platform, None without one."""
    rows = summary[
        (summary["artist_id"] == artist_id)
        & (summary["platform"] == platform)
        & (summary["metric"] == LISTENERS)
    ]
    return rows.iloc[0] if len(rows) else None


def platform_line(
    artist: str,
    artist_id: str,
    platform: str,
    listeners: pd.Series | None,
    footer: pd.Series | None,
) -> PlatformLine:
    """An Artist × Platform row: the monthly listeners (summary row) and, when the
    breakdown's footer is at hand, its streams, tracks, top track and streams per
    listener (blank without it: the Explorer loads a row's breakdown on opening)."""
    if listeners is not None:
        said = (
            fmt.count(listeners["end_value"]),
            f"{fmt.signed_count(listeners['difference'])} "
            f"({fmt.percent(listeners['pct_change'], signed=True)})",
            fmt.count(listeners["average"]),
            fmt.percent(listeners["coverage"], digits=0),
        )
        trend = fmt.trend(listeners["difference"])
        partial = not is_missing(listeners["coverage"]) and listeners["coverage"] < 1
    else:
        said, trend, partial = (MISSING,) * 4, "", False
    tracks = ("", "", "", "")
    if footer is not None:
        streams = not is_missing(footer["total_streams"])
        tracks = (
            fmt.count(footer["total_streams"]),
            fmt.count(footer["track_count"]),
            str(footer["top_track"]) if streams else MISSING,
            fmt.decimal(footer["streams_per_listener"], 2),
        )
    return PlatformLine(
        artist=artist,
        artist_id=artist_id,
        platform=platform,
        platform_label=platform_name(platform),
        listeners=said[0],
        change=said[1],
        trend=trend,
        average=said[2],
        streams=tracks[0],
        tracks=tracks[1],
        top_track=tracks[2],
        per_listener=tracks[3],
        coverage=said[3],
        partial=partial,
    )


@dataclass(frozen=True)
class PlatformRow:
    line: PlatformLine
    fold: Fold


def artist_platform_table(rows: Sequence[PlatformData], summary: pd.DataFrame) -> str:
    """The Artist × Platform table of the report; under each row, its fold in a
    `<details>` element (every track, its notes, streams per listener)."""
    shown = [
        PlatformRow(
            platform_line(
                data.artist,
                data.artist_id,
                data.platform,
                listeners_row(summary, data.artist_id, data.platform),
                data.footer,
            ),
            fold(data),
        )
        for data in rows
    ]
    return page_part("artist_platform.html.j2", columns=PLATFORM_COLUMNS, rows=shown)


def platform_line_html(line: PlatformLine | None) -> str:
    """One Artist × Platform row as a table of its own, or with None the header row."""
    return page_part(
        "platform_line.html.j2", columns=PLATFORM_COLUMNS, line=line, head=line is None
    )


# ---------------------------------------------------------------- data checks

SEVERITY_LABELS = {"error": "Error", "warn": "Warning", "info": "Note"}


@dataclass(frozen=True)
class CheckLine:
    severity: str  # error | warn | info, also the line's CSS class
    label: str
    rule: str
    text: str


def data_checks(findings: pd.DataFrame) -> str:
    """The data checks' findings that concern the report (kit.checks.report_findings), as
    notes under its heading: one line each, errors first; or one line saying none was
    found, so that a reader knows the checks ran."""
    lines = [
        CheckLine(f.severity, SEVERITY_LABELS[f.severity], f.rule,
                  f"{f.message} (for example {f.example})" if not is_missing(f.example) else f.message)
        for f in findings.itertuples(index=False)
    ]  # fmt: skip
    said = (
        f"{fmt.plural(len(lines), 'finding')} {'concerns' if len(lines) == 1 else 'concern'} "
        "these artists, platforms, country and period:"
        if lines
        else "nothing found that concerns these artists, platforms, country and period."
    )
    return page_part("data_checks.html.j2", said=said, lines=lines)


# ---------------------------------------------------------------- the end of the page


def explanation() -> str:
    """Listeners against streams, and the definitions behind every figure."""
    return page_part("explanation.html.j2", definitions=DEFINITIONS)


def link(href: str, text: str) -> str:
    return page_part("link.html.j2", href=href, text=text)
