"""Static HTML for the monthly report: cards, the Artist × Platform table, and under each
row a collapsible track breakdown that opens without JavaScript (`<details>`).

Pure functions: they take the DataFrames of kit.query and return HTML strings with inline
CSS only (no script, no CDN), so the page works as a file attached to an e-mail. They
format; they compute nothing (every figure comes from kit/sql/ through kit.query). The
formatting helpers (`count`, `compact`, `percent`, …) are shared with the Explorer.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from .platforms import PLATFORMS, platform_name, track_url

MISSING = "—"
LISTENERS = "monthly_listeners"
# The top tracks of a breakdown: its first TOP_TRACKS rows in its own order (most streams,
# then best position; kit/sql/track_breakdown.sql). The same rows are
# tinted in the Explorer, the report and the workbook (TOP_TRACK_FILL), the first also
# starred as the top track, and the report draws their chart positions.
TOP_TRACKS = 3
TOP_TRACK_FILL = "#fff6d6"

# The definitions of README, "What the numbers mean" in an analyst's words: shown under the report and in the
# workbook's About sheet. The SQL in kit/sql/ is where they are computed.
DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Monthly listeners",
        "Spotify's unique listeners over the 28 days ending on a day (UTC); YouTube's "
        "figure is built the same way. A listener who played ten songs counts once.",
    ),
    (
        "Start / end",
        "The value on the first / last day of the period that has a value; never interpolated.",
    ),
    ("Difference, %", "End − start, and that difference ÷ start."),
    ("Average", "The mean of the daily values inside the period."),
    ("Peak", "The highest daily value, with its date (the earliest on ties)."),
    (
        "Coverage",
        "Days with a value ÷ calendar days in the period: below 100 % the figures rest on "
        "fewer days than the period has.",
    ),
    (
        "Streams",
        "Plays of a track. Each track × day counts one value: the track's own daily "
        "series (Spotify for Artists) where there is one, else the platform's daily chart "
        "for the country (the worldwide chart for Worldwide). Nothing is counted twice.",
    ),
    (
        "Weekly chart values",
        "Cover the seven days ending on their date and count only for a week without daily "
        "values; a weekly peak is labelled 'week to' its last day, never as one day.",
    ),
    (
        "Best position, days on chart",
        "The best rank on the platform's top chart for the country, and the days of the "
        "period that a chart entry covers.",
    ),
    ("Share", "A track's streams ÷ the artist's streams on that platform in the period."),
    (
        "Top tracks",
        f"The first {TOP_TRACKS} tracks of a breakdown by streams (then best position: on a "
        "platform without stream counts, by position alone), tinted in every table; the "
        "first with streams is the top track (★).",
    ),
    (
        "Daily streams (sparkline)",
        "A track's counted daily streams over the period, scaled to its own range; a gap is "
        "a day without a value. Weekly chart values are not days and are not drawn.",
    ),
    (
        "2nd half vs 1st",
        "Streams in the period's last half ÷ streams in its first half − 1. Halves have the "
        "same number of calendar days (an odd period's middle day is in neither); a weekly "
        "value counts in the half of its date. Blank when the first half has no streams.",
    ),
    (
        "Chart position history",
        "A track's position on the platform's top chart per day (a line; a day off the chart "
        "is a gap) or per week (a square on the week's last day), one line per country.",
    ),
    (
        "Streams per listener (approximate)",
        "Total streams ÷ average monthly listeners. Approximate: listeners are unique over "
        "rolling 28-day windows, streams are plain counts.",
    ),
    (
        "28 days to D",
        "The window that makes up the monthly listeners of day D: D − 27 to D.",
    ),
)

CSS = """
.cr { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #1d2330; font-size: 14px; line-height: 1.45; max-width: 1280px; }
.cr h1 { font-size: 22px; font-weight: 600; margin: 4px 0 6px; }
.cr h2 { font-size: 18px; font-weight: 600; margin: 26px 0 8px; padding-top: 10px; border-top: 2px solid #d8dde6; }
.cr h3 { font-size: 15px; font-weight: 600; margin: 18px 0 6px; }
.cr table { table-layout: auto; margin: 0; }
.cr table.grid td, .cr table.grid th, .cr table.tracks td, .cr table.tracks th,
.cr .card td { text-align: left; }
.cr .wide { overflow-x: auto; }
.cr table tbody tr:nth-child(odd), .cr table tbody tr:nth-child(even) { background: transparent; }
.cr .params { color: #5a6272; font-size: 13px; margin: 0 0 8px; }
.cr .params span { margin-right: 16px; white-space: nowrap; }
.cr .cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0 14px; }
.cr .card { border: 1px solid #d8dde6; border-radius: 8px; padding: 10px 14px; min-width: 220px;
  background: #fafbfd; }
.cr .card .what { font-size: 12px; color: #5a6272; text-transform: uppercase; letter-spacing: .03em; }
.cr .card .big { font-size: 24px; font-weight: 600; margin: 2px 0; }
.cr .card table { border-collapse: collapse; font-size: 12.5px; }
.cr .card td { padding: 1px 10px 1px 0; }
.cr .card td.n { text-align: right; font-variant-numeric: tabular-nums; }
.cr .up { color: #1a7f37; } .cr .down { color: #c0362c; }
.cr .warn { color: #9a6700; }
.cr table.grid { border-collapse: collapse; width: 100%; font-size: 13px; }
.cr table.grid th { text-align: left; background: #eef1f6; padding: 5px 8px; font-weight: 600;
  border-bottom: 1px solid #c9d0dc; vertical-align: bottom; }
.cr table.grid td { padding: 4px 8px; border-bottom: 1px solid #e6e9ef; vertical-align: top; }
.cr table.grid td.n, .cr table.grid th.n { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.cr tr.ap > td { background: #f7f9fc; font-weight: 500; }
.cr tr.fold > td { padding: 0 8px 10px 24px; border-bottom: 1px solid #c9d0dc; }
.cr details > summary { cursor: pointer; color: #1f5fbf; padding: 4px 0; text-align: left; }
.cr details[open] > summary { margin-bottom: 6px; }
.cr table.tracks { border-collapse: collapse; width: 100%; font-size: 12.5px; }
.cr table.tracks th { text-align: left; background: #f2f4f8; padding: 4px 6px; font-weight: 600;
  border-bottom: 1px solid #c9d0dc; white-space: nowrap; }
.cr table.tracks td { padding: 3px 6px; border-bottom: 1px solid #eceff4; white-space: nowrap; }
.cr table.tracks td.n, .cr table.tracks th.n { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
.cr table.tracks tr.top td, .cr table.tracks tr.lead td { background: #fff6d6; }
.cr table.tracks td.spark { padding: 1px 6px; }
.cr table.tracks a { color: inherit; text-decoration: none; border-bottom: 1px dotted #1f5fbf; }
.cr table.tracks tfoot td { border-top: 2px solid #c9d0dc; font-weight: 600; background: #f7f9fc; }
.cr .mark { color: #b07d00; font-weight: 700; }
.cr .small { color: #5a6272; font-size: 12px; }
.cr ul.notes { margin: 6px 0 4px; padding-left: 18px; color: #9a6700; font-size: 12.5px;
  text-align: left; }
.cr p { text-align: left; }
.cr .explain { background: #f5f7fb; border-left: 4px solid #7a93c4; padding: 8px 14px;
  margin: 18px 0; }
.cr dl.defs dt { font-weight: 600; margin-top: 6px; }
.cr dl.defs dd { margin: 0 0 0 14px; }
"""


# ---------------------------------------------------------------- formatting helpers


def is_missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def count(value: object) -> str:
    """A whole number with thousands separators: 8,512,004."""
    return MISSING if is_missing(value) else f"{round(float(value)):,}"


def compact(value: object) -> str:
    """A large number as people say it: 8.5M, 912K, 740."""
    if is_missing(value):
        return MISSING
    v = float(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= limit:
            text = f"{v / limit:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{round(v):,}"


def decimal(value: object, digits: int = 1) -> str:
    return MISSING if is_missing(value) else f"{float(value):,.{digits}f}"


def percent(value: object, *, signed: bool = False, digits: int = 1) -> str:
    """A fraction as a percentage: 0.253 → 25.3 %; signed adds '+' to gains."""
    if is_missing(value):
        return MISSING
    sign = "+" if signed else ""
    return f"{float(value) * 100:{sign}.{digits}f} %"


def signed_count(value: object) -> str:
    return MISSING if is_missing(value) else f"{round(float(value)):+,}"


def day(value: object) -> str:
    """A date as YYYY-MM-DD, the form analysts sort and type."""
    if is_missing(value):
        return MISSING
    if isinstance(value, pd.Timestamp | dt.datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def plural(n: object, word: str) -> str:
    """'1 track', '31 tracks', '— tracks'."""
    return f"{count(n)} {word}" + ("" if not is_missing(n) and int(n) == 1 else "s")


def metric_label(metric: str) -> str:
    return metric.replace("_", " ")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def top_track_ids(breakdown: pd.DataFrame, n: int = TOP_TRACKS) -> list[str]:
    """The breakdown's top tracks (TOP_TRACKS above): its first n rows, in the order
    kit.query.breakdown returns them (most streams, then best position)."""
    return list(breakdown["track_id"].head(n))


def track_title(title: object, platform: str, track_id: str) -> str:
    """A track's title as HTML, a link to its page on the platform where the id allows one
    (kit.platforms.track_url); it opens in a new tab."""
    url = track_url(platform, track_id)
    if url is None:
        return _e(title)
    return (
        f'<a href="{_e(url)}" target="_blank" rel="noopener" '
        f'title="Open on {_e(platform_name(platform))}">{_e(title)}</a>'
    )


def _trend(value: object) -> str:
    if is_missing(value) or float(value) == 0:
        return ""
    return "up" if float(value) > 0 else "down"


# ---------------------------------------------------------------- page parts


def style() -> str:
    """The report's stylesheet, inline; included once at the top of the page."""
    return f"<style>{CSS}</style>"


def question(artist: str, listeners: object, country_label: str, period_label: str) -> str:
    """The question the report answers, with the artist's end-of-period monthly listeners."""
    place = "worldwide" if country_label == "Worldwide" else f"in {country_label}"
    when = f"from {period_label}" if " to " in period_label else f"in {period_label}"
    if is_missing(listeners):
        return f"Which songs made up {artist}'s audience {place} {when}?"
    return f"Which songs made up {artist}'s {compact(listeners)} monthly listeners {place} {when}?"


def headline_listeners(summary: pd.DataFrame, artist_id: str) -> object:
    """The monthly listeners the question quotes: the end value on the first platform that
    has the metric, in the report's platform order (Spotify first)."""
    rows = summary[(summary["artist_id"] == artist_id) & (summary["metric"] == LISTENERS)]
    return rows["end_value"].iloc[0] if len(rows) else None


def heading(
    title: str,
    *,
    artists: Sequence[str],
    platforms: Sequence[str],
    country_label: str,
    period_label: str,
    start: dt.date,
    end: dt.date,
    top_n: int,
) -> str:
    """The report's title (the question) and its parameters."""
    params = [
        ("Artists" if len(artists) > 1 else "Artist", ", ".join(artists)),
        ("Platforms", ", ".join(platform_name(p) for p in platforms) or MISSING),
        ("Country", country_label),
        (
            "Period",
            period_label
            if " to " in period_label
            else f"{period_label} ({day(start)} to {day(end)})",
        ),
        ("Charts", f"top {top_n} tracks; the tables list every track"),
    ]
    items = "".join(f"<span><b>{_e(k)}:</b> {_e(v)}</span>" for k, v in params)
    return f'<div class="cr"><h1>{_e(title)}</h1><p class="params">{items}</p></div>'


def cards(summary: pd.DataFrame) -> str:
    """One card per platform × metric of one artist's summary rows: start, end, difference
    with %, average, peak with its date, coverage."""
    # Platforms in the query's order; on each, monthly listeners before other metrics.
    ordered = summary.assign(
        _platform=pd.factorize(summary["platform"])[0], _other=summary["metric"].ne(LISTENERS)
    ).sort_values(["_platform", "_other"], kind="stable")
    out = []
    for row in ordered.itertuples(index=False):
        trend = _trend(row.difference)
        cover_cls = (
            ' class="n warn"' if not is_missing(row.coverage) and row.coverage < 1 else ' class="n"'
        )
        out.append(
            f'<div class="card" data-platform="{_e(row.platform)}" data-metric="{_e(row.metric)}">'
            f'<div class="what">{_e(platform_name(row.platform))} · {_e(metric_label(row.metric))}</div>'
            f'<div class="big">{count(row.end_value)}</div>'
            "<table>"
            f'<tr><td>Start</td><td class="n">{count(row.start_value)}</td></tr>'
            f'<tr><td>End</td><td class="n">{count(row.end_value)}</td></tr>'
            f'<tr><td>Difference</td><td class="n {trend}">{signed_count(row.difference)} '
            f"({percent(row.pct_change, signed=True)})</td></tr>"
            f'<tr><td>Average</td><td class="n">{count(row.average)}</td></tr>'
            f'<tr><td>Peak</td><td class="n">{count(row.peak_value)} on {day(row.peak_date)}</td></tr>'
            f"<tr><td>Coverage</td><td{cover_cls}>{percent(row.coverage, digits=0)} "
            f"({count(row.points)} days)</td></tr>"
            "</table></div>"
        )
    if not out:
        return '<div class="cr"><p class="small">No audience figures in this period.</p></div>'
    return f'<div class="cr"><div class="cards">{"".join(out)}</div></div>'


@dataclass(frozen=True)
class PlatformRow:
    """What one Artist × Platform row shows: its audience, its breakdown and the footer."""

    artist: str
    artist_id: str
    platform: str
    listeners: pd.Series | None  # the summary row of monthly_listeners, if the platform has it
    breakdown: pd.DataFrame
    totals: pd.DataFrame  # one row (breakdown_totals)
    sparklines: dict[str, str] | None = None  # inline SVG by track id (plots.sparklines)
    growth: pd.DataFrame | None = None  # kit.query.track_growth


BREAKDOWN_HEADERS = (
    ("#", "n"),
    ("Track", ""),
    ("Credit", ""),
    ("Streams", "n"),
    ("Avg daily", "n"),
    ("Peak", "n"),
    ("Peak date", ""),
    ("Best pos.", "n"),
    ("Days on chart", "n"),
    ("On chart", ""),
    ("Share", "n"),
    ("Source", ""),
    ("Coverage", "n"),
)


def _peak_date(row) -> str:
    if is_missing(row.peak_date):
        return MISSING
    return f"week to {day(row.peak_date)}" if row.peak_kind == "week" else day(row.peak_date)


GROWTH_HEADERS = (("Daily streams", ""), ("2nd half vs 1st", "n"))


def half_change(growth: pd.DataFrame | None, track_id: str) -> object:
    """A track's `half_change` from kit.query.track_growth, None when it has none."""
    if growth is None:
        return None
    found = growth.loc[growth["track_id"] == track_id, "half_change"]
    return found.iloc[0] if len(found) else None


def breakdown_table(
    breakdown: pd.DataFrame,
    totals: pd.DataFrame,
    top_track_id: str | None,
    *,
    platform: str | None = None,
    sparklines: dict[str, str] | None = None,
    growth: pd.DataFrame | None = None,
) -> str:
    """Every track of one breakdown, the top track marked and the top tracks tinted, with
    the footer's total. With `platform`, titles link to the platform's page where the id
    allows it; with `sparklines` and `growth`, each row shows its daily streams and the
    change from the first to the second half of the period after its streams."""
    with_growth = sparklines is not None or growth is not None
    headers = list(BREAKDOWN_HEADERS)
    if with_growth:
        headers[4:4] = GROWTH_HEADERS
    head = "".join(f'<th class="{cls}">{_e(name)}</th>' for name, cls in headers)
    leading = set(top_track_ids(breakdown))
    body = []
    for rank, row in enumerate(breakdown.itertuples(index=False), start=1):
        top = row.track_id == top_track_id and not is_missing(row.total_streams)
        mark = ' <span class="mark" title="top track">★ top</span>' if top else ""
        css = " class=top" if top else (" class=lead" if row.track_id in leading else "")
        title = track_title(row.title, platform, row.track_id) if platform else _e(row.title)
        extra = ""
        if with_growth:
            change = half_change(growth, row.track_id)
            extra = (
                f'<td class="spark">{(sparklines or {}).get(row.track_id, "")}</td>'
                f'<td class="n {_trend(change)}">{percent(change, signed=True)}</td>'
            )
        span = (
            MISSING
            if is_missing(row.first_chart_date)
            else f"{day(row.first_chart_date)} – {day(row.last_chart_date)}"
        )
        cover = ' class="n warn"' if row.coverage < 1 else ' class="n"'
        body.append(
            f'<tr data-track-id="{_e(row.track_id)}"{css}>'
            f'<td class="n">{rank}</td><td>{title}{mark}</td><td>{_e(row.credit)}</td>'
            f'<td class="n">{count(row.total_streams)}</td>{extra}<td class="n">{count(row.avg_daily)}</td>'
            f'<td class="n">{count(row.peak_streams)}</td><td>{_peak_date(row)}</td>'
            f'<td class="n">{count(row.best_position)}</td><td class="n">{count(row.days_on_chart)}</td>'
            f'<td>{span}</td><td class="n">{percent(row.share)}</td><td>{_e(row.source)}</td>'
            f"<td{cover}>{percent(row.coverage, digits=0)}</td></tr>"
        )
    t = totals.iloc[0]
    foot = (
        f'<tr><td></td><td colspan="2">Total: {plural(t.track_count, "track")}</td>'
        f'<td class="n">{count(t.total_streams)}</td><td colspan="{len(headers) - 4}"></td></tr>'
    )
    return (
        f'<div class="wide"><table class="tracks"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody><tfoot>{foot}</tfoot></table></div>"
    )


def partial_notes(row: PlatformRow, days: int) -> list[str]:
    """Where the figures rest on less than the whole period, in plain words."""
    t = row.totals.iloc[0]
    name = platform_name(row.platform)
    notes = []
    if not t.track_count:
        return [
            f"No tracks of {row.artist} on {name} in this period: no chart entries and no "
            "stream counts."
        ]
    if is_missing(t.total_streams):
        reports = PLATFORMS.get(row.platform)
        why = (
            f"{name}'s charts carry no stream counts"
            if reports is not None and not reports.reports_streams
            else "no stream counts were loaded for it"
        )
        notes.append(
            f"No streams on {name} in this period ({why}): its tracks are listed by chart "
            "position only, and streams per listener cannot be computed."
        )
    elif t.tracks_without_streams:
        notes.append(
            f"{count(t.tracks_without_streams)} of {count(t.track_count)} tracks have chart "
            "positions but no stream counts."
        )
    if t.partial_tracks and not is_missing(t.total_streams):
        notes.append(
            f"{count(t.partial_tracks)} of {count(t.track_count)} tracks have values on fewer "
            f"than the period's {days} days (coverage below 100 %): released during the period, "
            "on the chart on some days only, or with missing days."
        )
    if row.listeners is not None and row.listeners["coverage"] < 1:
        notes.append(
            f"Monthly listeners have values on {count(row.listeners['points'])} of {days} days."
        )
    if not is_missing(t.total_streams) and row.listeners is None:
        notes.append(f"No monthly listeners on {name}: streams per listener cannot be computed.")
    if (
        row.breakdown["peak_kind"].eq("week").any()
        or row.breakdown["source"].str.contains("weekly", regex=False).any()
    ):
        notes.append(
            "Some values come from weekly charts: each covers the seven days ending on its "
            "date, and a weekly peak is shown as 'week to' that date."
        )
    return notes


def _summary_line(row: PlatformRow) -> str:
    t = row.totals.iloc[0]
    streams = (
        f"{compact(t.total_streams)} streams" if not is_missing(t.total_streams) else "no streams"
    )
    top = f"; top track: {_e(t.top_track)}" if not is_missing(t.total_streams) else ""
    return (
        f"Tracks behind {_e(row.artist)} on {_e(platform_name(row.platform))}: "
        f"{plural(t.track_count, 'track')}, {streams}{top}"
    )


ARTIST_PLATFORM_HEADERS = (
    ("Artist", ""),
    ("Platform", ""),
    ("Monthly listeners (end)", "n"),
    ("Change", "n"),
    ("Average listeners", "n"),
    ("Streams", "n"),
    ("Tracks", "n"),
    ("Top track", ""),
    ("Streams per listener (≈)", "n"),
    ("Listener coverage", "n"),
)


def artist_platform_table(rows: Sequence[PlatformRow], days: int) -> str:
    """The Artist × Platform table; under each row, its track breakdown in a `<details>`."""
    head = "".join(f'<th class="{cls}">{_e(name)}</th>' for name, cls in ARTIST_PLATFORM_HEADERS)
    body = []
    for row in rows:
        t = row.totals.iloc[0]
        lst = row.listeners
        if lst is not None:
            change = (
                f"{signed_count(lst['difference'])} ({percent(lst['pct_change'], signed=True)})"
            )
            listeners = (count(lst["end_value"]), change, count(lst["average"]))
            cover = percent(lst["coverage"], digits=0)
        else:
            listeners, cover = (MISSING, MISSING, MISSING), MISSING
        top = _e(t.top_track) if not is_missing(t.total_streams) else MISSING
        body.append(
            f'<tr class="ap" data-artist-id="{_e(row.artist_id)}" data-platform="{_e(row.platform)}">'
            f"<td>{_e(row.artist)}</td><td>{_e(platform_name(row.platform))}</td>"
            f'<td class="n">{listeners[0]}</td>'
            f'<td class="n {_trend(lst["difference"]) if lst is not None else ""}">{listeners[1]}</td>'
            f'<td class="n">{listeners[2]}</td><td class="n">{count(t.total_streams)}</td>'
            f'<td class="n">{count(t.track_count)}</td><td>{top}</td>'
            f'<td class="n">{decimal(t.streams_per_listener, 2)}</td><td class="n">{cover}</td></tr>'
        )
        notes = partial_notes(row, days)
        notes_html = (
            '<ul class="notes">' + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>"
            if notes
            else ""
        )
        spl = (
            f'<p class="small">Streams per listener ≈ {decimal(t.streams_per_listener, 2)} '
            f"(approximate: {count(t.total_streams)} streams ÷ {count(t.average_listeners)} "
            "average monthly listeners; listeners are unique over rolling 28 days, streams are not).</p>"
            if not is_missing(t.streams_per_listener)
            else ""
        )
        top_id = None if is_missing(t.top_track_id) else t.top_track_id
        tracks = (
            breakdown_table(
                row.breakdown,
                row.totals,
                top_id,
                platform=row.platform,
                sparklines=row.sparklines,
                growth=row.growth,
            )
            if t.track_count
            else ""
        )
        body.append(
            f'<tr class="fold"><td colspan="{len(ARTIST_PLATFORM_HEADERS)}">'
            f'<details data-artist-id="{_e(row.artist_id)}" data-platform="{_e(row.platform)}">'
            f"<summary>{_summary_line(row)}</summary>{notes_html}"
            f"{tracks}{spl}</details></td></tr>"
        )
    return (
        f'<div class="cr"><table class="grid"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def artist_heading(title: str) -> str:
    return f'<div class="cr"><h2>{_e(title)}</h2></div>'


def subheading(text: str) -> str:
    return f'<div class="cr"><h3>{_e(text)}</h3></div>'


def explanation() -> str:
    """Listeners against streams, and the definitions behind every figure."""
    defs = "".join(f"<dt>{_e(term)}</dt><dd>{_e(text)}</dd>" for term, text in DEFINITIONS)
    return (
        '<div class="cr"><h2>Listeners and streams</h2><div class="explain">'
        "<p><b>Monthly listeners</b> count people: the unique listeners of the artist over the "
        "28 days ending on a day. <b>Streams</b> count plays: every play of every track, by "
        "anyone, any number of times. One listener who plays three songs five times each is one "
        "listener and fifteen streams, so streams add up across tracks and days and listeners "
        "do not. The track breakdown shows which songs carried the streams; streams per "
        "listener relates the two only approximately. Listeners of several artists are never "
        "added up unless labelled <i>combined (listeners may overlap)</i>, because one person "
        "can listen to both.</p></div>"
        f'<dl class="defs">{defs}</dl></div>'
    )


def link(href: str, text: str) -> str:
    return f'<div class="cr"><p>{_e(text)}: <a href="{_e(href)}">{_e(href)}</a></p></div>'
