"""The page parts of "What moved" and "Noteworthy" (README, "What moved and what is
noteworthy"), shared by the monthly report and the Explorer: the change cells of a track
table, the change line and the alerts badge of a card, the line under an Explorer row
compared with another period, one artist's "What moved" (per platform: the audience
change, the streams change, the new and gone tracks named, the notes where the comparison
period is incomplete, and the largest changes; every track's change is in its breakdown)
and "Noteworthy" (the alerts), and the alerts digest that `kit alerts --format html` and
the mail send (render_digest).

As in kit.render, Python prepares every value here, formatted (kit.fmt), and the Jinja2
templates of kit/templates/ lay them out. Every figure comes from kit.query through
kit.selection (movers, movers_totals, summary(q, compare=…), period_alerts); the order of
the movers is kit.query's (movers_order). Nothing is added up here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from . import fmt, query
from .alerts import AlertRules, digest_context
from .definitions import LISTENERS
from .fmt import is_missing
from .period import period_label
from .platforms import platform_name, track_url
from .templating import Column, page_part

if TYPE_CHECKING:
    from .selection import Moved, PlatformData, Selection

STATUS_LABELS = {"new": "● new", "up": "▲ up", "down": "▼ down", "same": "= same", "gone": "✕ gone"}
LEADERS = 3  # the largest gains and the largest losses, marked in every table of changes
TOP_MOVERS = 5  # the largest changes the report's "What moved" lists per platform
ALERT_TITLES = 5  # alert messages in a card badge's tooltip

CHANGE_COLUMNS = (
    Column("Previous streams", "n"),
    Column("Change", "n"),
    Column("% change", "n"),
    Column("Contribution", "n"),
    Column("Status"),
)
# On a platform whose charts carry no stream counts, tracks move by their best position.
POSITION_COLUMNS = (Column("Previous best", "n"), Column("Status"))
MOVED_COLUMNS = (
    Column("Track"),
    Column("Credit"),
    Column("Streams", "n"),
    *CHANGE_COLUMNS,
    Column("Best pos.", "n"),
    Column("Previous best", "n"),
)
MOVED_POSITION_COLUMNS = (
    Column("Track"),
    Column("Credit"),
    Column("Status"),
    Column("Best pos.", "n"),
    Column("Previous best", "n"),
)


def previous_label(moved: Moved) -> str:
    return period_label(moved.previous_start, moved.previous_end)


# ---------------------------------------------------------------- change cells


@dataclass(frozen=True)
class ChangeCells:
    """A track's comparison, as the cells after its streams in a track table."""

    previous_streams: str
    change: str
    pct_change: str
    contribution: str
    trend: str  # "up", "down" or "": the colour of the change
    status: str  # new, up, down, same, gone
    status_label: str  # "▲ up"
    lead: str  # "gain" (one of the LEADERS largest gains), "loss", or ""
    partial: bool  # the comparison period's figure is incomplete
    previous_best_position: str
    by_position: bool  # no stream counts in either period: the status is by best position


@dataclass(frozen=True)
class TrackChanges:
    """The change cells of a breakdown's tracks (by track id) and their columns."""

    columns: tuple[Column, ...]
    cells: Mapping[str, ChangeCells]


def leaders(movers: pd.DataFrame) -> dict[str, str]:
    """The LEADERS largest gains ("gain") and losses ("loss") by change, in kit.query's
    order of the movers."""
    out = {}
    for descending, mark in ((True, "gain"), (False, "loss")):
        ordered = query.order_movers(movers, query.movers_order("change", descending))
        signed = ordered["change"].gt(0) if descending else ordered["change"].lt(0)
        out.update(dict.fromkeys(ordered.loc[signed.fillna(False), "track_id"].head(LEADERS), mark))
    return out


def by_position(moved: Moved) -> bool:
    """Neither period has stream counts (movers_totals): tracks compare by best position."""
    t = moved.footer
    return t is not None and is_missing(t["streams"]) and is_missing(t["previous_streams"])


def change_cells(movers: pd.DataFrame, positions_only: bool = False) -> dict[str, ChangeCells]:
    """Every mover's comparison cells, by track id."""
    marked = leaders(movers)
    return {
        row.track_id: ChangeCells(
            previous_streams=fmt.count(row.previous_streams),
            change=fmt.signed_count(row.change),
            pct_change=fmt.percent(row.pct_change, signed=True),
            contribution=fmt.percent(row.contribution, signed=True),
            trend=fmt.trend(row.change),
            status=str(row.status),
            status_label=STATUS_LABELS.get(str(row.status), str(row.status)),
            lead=marked.get(row.track_id, ""),
            # without stream counts anywhere every track is "incomplete": no mark then
            partial=bool(row.previous_partial) and not positions_only,
            previous_best_position=fmt.count(row.previous_best_position),
            by_position=positions_only,
        )
        for row in movers.itertuples(index=False)
    }


def track_changes(moved: Moved | None) -> TrackChanges | None:
    """The change cells of a breakdown's tracks, or None without a comparison."""
    if moved is None or moved.movers is None:
        return None
    positions_only = by_position(moved)
    columns = POSITION_COLUMNS if positions_only else CHANGE_COLUMNS
    return TrackChanges(columns, change_cells(moved.movers, positions_only))


# ---------------------------------------------------------------- cards


@dataclass(frozen=True)
class CardChange:
    """A card's line against the comparison period: the end value's change."""

    label: str  # "vs August 2026"
    value: str  # "+1,977,446 (+24.6 %)"
    trend: str  # "up", "down" or ""
    title: str  # the comparison period's end value, for the tooltip


def card_changes(audience_change: pd.DataFrame | None, previous: str) -> dict[tuple, CardChange]:
    """Per (artist id, platform, metric): the card's change against the comparison
    period's end value (summary(q, compare=…))."""
    if audience_change is None:
        return {}
    out = {}
    for row in audience_change.itertuples(index=False):
        if is_missing(row.previous_end_value):
            said = CardChange(f"vs {previous}", "no value then", "", "")
        else:
            said = CardChange(
                f"vs {previous}",
                f"{fmt.signed_count(row.end_change)} ({fmt.percent(row.end_pct_change, signed=True)})",
                fmt.trend(row.end_change),
                f"End of {previous}: {fmt.count(row.previous_end_value)}",
            )
        out[(row.artist_id, row.platform, row.metric)] = said
    return out


@dataclass(frozen=True)
class AlertBadge:
    label: str  # "3 alerts"
    title: str  # the first messages, for the tooltip


def card_alerts(alerts: pd.DataFrame | None) -> dict[tuple[str, str], AlertBadge]:
    """Per (artist id, platform) with alerts in the period: the cards' badge."""
    if alerts is None or alerts.empty:
        return {}
    out = {}
    for (artist_id, platform), rows in alerts.groupby(["artist_id", "platform"], sort=False):
        messages = list(rows["message"].head(ALERT_TITLES))
        more = len(rows) - len(messages)
        title = " · ".join(messages) + (f" · and {more} more" if more > 0 else "")
        out[(artist_id, platform)] = AlertBadge(f"⚑ {fmt.plural(len(rows), 'alert')}", title)
    return out


# ---------------------------------------------------------------- What moved


@dataclass(frozen=True)
class MoverLine:
    track_id: str
    title: str
    url: str | None
    platform_label: str
    credit: str
    streams: str
    best_position: str
    previous_best_position: str
    cells: ChangeCells


@dataclass(frozen=True)
class MovedTable:
    columns: tuple[Column, ...]
    lines: tuple[MoverLine, ...]
    by_position: bool = False  # without stream counts: status and best positions only


def moved_table(
    movers: pd.DataFrame,
    platform: str,
    cells: Mapping[str, ChangeCells],
    positions_only: bool = False,
) -> MovedTable:
    """The rows of `movers` in their order, with their change cells."""
    label = platform_name(platform)
    return MovedTable(
        MOVED_POSITION_COLUMNS if positions_only else MOVED_COLUMNS,
        tuple(
            MoverLine(
                track_id=row.track_id,
                title=str(row.title),
                url=track_url(platform, row.track_id),
                platform_label=label,
                credit=str(row.credit),
                streams=fmt.count(row.streams),
                best_position=fmt.count(row.best_position),
                previous_best_position=fmt.count(row.previous_best_position),
                cells=cells[row.track_id],
            )
            for row in movers.itertuples(index=False)
        ),
        by_position=positions_only,
    )


@dataclass(frozen=True)
class MovedPlatform:
    """What moved on one artist × platform, ready to lay out."""

    artist_id: str
    platform: str
    platform_label: str
    lines: tuple[str, ...]  # the audience change, the streams change, new and gone tracks
    notes: tuple[str, ...]  # where the comparison rests on incomplete data
    top: MovedTable | None  # the TOP_MOVERS largest changes


def _listeners_first(rows: pd.DataFrame) -> pd.DataFrame:
    """Audience rows with monthly listeners before the other metrics, as on the cards."""
    return rows.assign(_other=rows["metric"].ne(LISTENERS)).sort_values("_other", kind="stable")


def audience_lines(rows: pd.DataFrame, now: str, previous: str) -> list[str]:
    """One sentence per metric: the end value and the average against the comparison
    period's (summary(q, compare=…) rows of one artist × platform)."""
    out = []
    for row in _listeners_first(rows).itertuples(index=False):
        head = f"{fmt.metric_label(row.metric).capitalize()}: {fmt.count(row.end_value)} at the end of {now}"
        if is_missing(row.previous_end_value):
            out.append(f"{head}; no value in {previous} to compare with.")
            continue
        out.append(
            f"{head} against {fmt.count(row.previous_end_value)} at the end of {previous}: "
            f"{fmt.signed_count(row.end_change)} ({fmt.percent(row.end_pct_change, signed=True)}); "
            f"average {fmt.count(row.average)} against {fmt.count(row.previous_average)} "
            f"({fmt.percent(row.average_pct_change, signed=True)})."
        )
    return out


def _named(movers: pd.DataFrame, status: str, column: str, streams: bool) -> str:
    rows = movers[movers["status"] == status]
    what = "streams" if streams else "best position"
    said = [
        f"{row.title} ({fmt.count(getattr(row, column))} {what})"
        if streams
        else f"{row.title} (#{fmt.count(getattr(row, column))})"
        for row in rows.itertuples(index=False)
    ]
    return ", ".join(said)


def streams_lines(data: PlatformData, moved: Moved, now: str, previous: str) -> list[str]:
    """The streams change (movers_totals) and the new and gone tracks, named."""
    t = moved.footer
    movers = moved.movers
    name = platform_name(data.platform)
    counts = (
        f"{fmt.count(t['new_tracks'])} new, {fmt.count(t['gone_tracks'])} gone, "
        f"{fmt.count(t['up_tracks'])} up, {fmt.count(t['down_tracks'])} down, "
        f"{fmt.count(t['same_tracks'])} the same"
    )
    tracks = f"{fmt.plural(t['tracks'], 'track')} ({fmt.count(t['previous_tracks'])} in {previous})"
    streams = not is_missing(t["streams"]) or not is_missing(t["previous_streams"])
    if streams:
        lines = [
            f"Streams: {fmt.count(t['streams'])} in {now} against {fmt.count(t['previous_streams'])} "
            f"in {previous}: {fmt.signed_count(t['change'])} "
            f"({fmt.percent(t['pct_change'], signed=True)}); {tracks}: {counts}."
        ]
    else:
        lines = [f"No stream counts on {name}: {tracks} compared by chart position: {counts}."]
    new = _named(movers, "new", "streams" if streams else "best_position", streams)
    gone = _named(
        movers, "gone", "previous_streams" if streams else "previous_best_position", streams
    )
    lines.append(f"New in {now}: {new}." if new else f"No new track in {now}.")
    lines.append(f"Gone since {previous}: {gone}." if gone else f"No track gone since {previous}.")
    return lines


def comparison_notes(
    data: PlatformData, moved: Moved, audience: pd.DataFrame | None, previous: str
) -> list[str]:
    """Where the comparison period's figures are incomplete, in plain words: its tracks
    and, with `audience` (summary(q, compare=…) rows), its audience points."""
    notes = []
    t = moved.footer
    # without stream counts in either period every track is "incomplete", and the lines
    # already say that the tracks compare by chart position
    if t is not None and t["previous_partial_tracks"] and not by_position(moved):
        notes.append(
            f"{fmt.count(t['previous_partial_tracks'])} of {fmt.count(t['previous_tracks'])} "
            f"tracks have incomplete figures in {previous} (coverage below 100 % or chart "
            "positions without stream counts): their changes rest on fewer days."
        )
    for row in () if audience is None else _listeners_first(audience).itertuples(index=False):
        if not is_missing(row.previous_coverage) and row.previous_coverage < 1:
            notes.append(
                f"{fmt.metric_label(row.metric).capitalize()} on {platform_name(row.platform)} "
                f"have values on {fmt.percent(row.previous_coverage, digits=0)} of the days of "
                f"{previous}."
            )
    return notes


def moved_platform(data: PlatformData, audience_change: pd.DataFrame | None) -> MovedPlatform:
    """One artist × platform's "What moved" (data.moved must be loaded)."""
    moved = data.moved
    assert moved is not None, "load the selection with a comparison (kit.selection.load)"
    now, previous = period_label(data.start, data.end), previous_label(moved)
    audience = pd.DataFrame()
    if audience_change is not None:
        audience = audience_change[
            (audience_change["artist_id"] == data.artist_id)
            & (audience_change["platform"] == data.platform)
        ]
    lines = audience_lines(audience, now, previous) if len(audience) else []
    base = dict(
        artist_id=data.artist_id,
        platform=data.platform,
        platform_label=platform_name(data.platform),
    )
    if moved.movers is None:
        notes = [moved.refused or f"Nothing to compare with in {previous}."]
        return MovedPlatform(**base, lines=tuple(lines), notes=tuple(notes), top=None)
    lines += streams_lines(data, moved, now, previous)
    return MovedPlatform(
        **base,
        lines=tuple(lines),
        notes=tuple(comparison_notes(data, moved, audience, previous)),
        top=moved_table(
            moved.movers.head(TOP_MOVERS),
            data.platform,
            change_cells(moved.movers, by_position(moved)),
            by_position(moved),
        ),
    )


def what_moved(selection: Selection, artist: str) -> str:
    """One artist's "What moved" section, every platform of the selection."""
    rows = selection.rows(artist)
    moved = [r for r in rows if r.moved is not None]
    if not moved:
        return ""
    first = moved[0].moved
    return page_part(
        "moved.html.j2",
        platforms=[moved_platform(r, selection.audience_change) for r in moved],
        compared=(
            f"Compared with {previous_label(first)} ({fmt.day(first.previous_start)} to "
            f"{fmt.day(first.previous_end)}): the {TOP_MOVERS} largest changes in streams, up "
            "or down (without stream counts, the first by best position); every track's "
            "change is in its breakdown above."
        ),
    )


# ---------------------------------------------------------------- Noteworthy


def noteworthy(alerts: pd.DataFrame, artist_id: str, place: str, period: str) -> str:
    """One artist's alerts in the period (kit.query.period_alerts), as a table: date, kind,
    where, the message, value, baseline, change; and the thresholds."""
    mine = alerts[alerts["artist_id"] == artist_id]
    context = digest_context(
        mine, since=alerts.attrs["since"], until=alerts.attrs["until"], rules=alerts.attrs["rules"]
    )
    items = context["sections"][0]["alerts"] if context["sections"] else []
    overview = context["overview"] if items else f"Nothing unusual {place} in {period}: no alert."
    return page_part(
        "noteworthy.html.j2", alerts=items, overview=overview, rules_note=context["rules_note"]
    )


def render_digest(
    alerts: pd.DataFrame, *, since: dt.date, until: dt.date, rules: AlertRules
) -> str:
    """The alerts (kit.query.alerts) as one HTML page for a mail client: inline styles, no
    script, nothing fetched from elsewhere."""
    return page_part(
        "alerts_digest.html.j2", **digest_context(alerts, since=since, until=until, rules=rules)
    )


def row_changes_html(data: PlatformData, moved: Moved | None) -> str:
    """Under an Explorer breakdown compared with another period: the streams change and the
    counts by status, the tracks gone since then (they have no row in the table), and the
    notes where the comparison period is incomplete; or why nothing compares. Empty
    without a comparison."""
    if moved is None:
        return ""
    previous = previous_label(moved)
    if moved.movers is None:
        lines = [moved.refused or f"Nothing to compare with in {previous}."]
        return page_part("moved_line.html.j2", lines=lines, notes=[])
    t = moved.footer
    counts = (
        f"{fmt.count(t['new_tracks'])} new, {fmt.count(t['gone_tracks'])} gone, "
        f"{fmt.count(t['up_tracks'])} up, {fmt.count(t['down_tracks'])} down"
    )
    if by_position(moved):
        lines = [f"Against {previous}, by best chart position: {counts}."]
    else:
        lines = [
            f"Against {previous}: streams {fmt.signed_count(t['change'])} "
            f"({fmt.percent(t['pct_change'], signed=True)}); {counts}."
        ]
    column = "previous_best_position" if by_position(moved) else "previous_streams"
    gone = _named(moved.movers, "gone", column, not by_position(moved))
    if gone:
        lines.append(f"Gone since {previous}: {gone}.")
    notes = comparison_notes(data, moved, None, previous)
    return page_part("moved_line.html.j2", lines=lines, notes=notes)
