"""The Explorer: pick artists, platforms, a country and a period, then open any
Artist × Platform row into the tracks that carried it (README, "What the numbers mean").

Two layers, as in jupyter-widgets/tutorial's password generator:

- the model, plain Python: `ExplorerModel` runs the kit.query calls and caches each row's
  breakdown and charts; `BreakdownState` is one open row's view (sort, search, how many
  rows are shown) over that cached breakdown. No widgets here; the benchmark times
  `ExplorerModel.load_breakdown`.
- the view: `render_*` builders receive data and return HTML or widgets; `BreakdownRow`
  and `Explorer` wire controls to the model.

Widgets are filled by setting their values (HTML.value, Image.value), never through
`with output:`, so a test reads them without a kernel. Every handler reports failures
in an error box inside the widget, never as a traceback.

Periods are counted back from the anchor day: the day before `today` when it is given,
else the last date with data in the warehouse. "Last month" is the last calendar month
complete on the anchor day; "last 28 days" is the listeners window ending on it
("28d:<anchor>"); "last 90 days" is the 90 days ending on it.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import ipywidgets as widgets
import pandas as pd

from . import config, query, render
from .countries import country_code, country_name
from .period import PRESET_PERIODS, anchor_day, preset_period
from .platforms import PLATFORMS, platform_name, track_url
from .query import Query, QueryError
from .schema import GLOBAL

PAGE = 20  # track rows shown on opening a row, and added by "Load more"
CHART_TOP_TRACKS = 5  # tracks drawn in a row's daily-streams chart
COMPARE_MIN, COMPARE_MAX = 2, 6  # tracks on one comparison chart
ALIGN_OPTIONS = [
    ("by date", "date"),
    ("by days since release", "release"),
    ("by days since chart entry", "chart_entry"),
]

CUSTOM = "custom"

# (label, column) for the sort picker, and the direction each column opens with.
SORT_COLUMNS = [
    ("Streams", "total_streams"),
    ("Title", "title"),
    ("Credit", "credit"),
    ("Average daily", "avg_daily"),
    ("Peak", "peak_streams"),
    ("Peak date", "peak_date"),
    ("Best position", "best_position"),
    ("Days on chart", "days_on_chart"),
    ("First on chart", "first_chart_date"),
    ("Last on chart", "last_chart_date"),
    ("Share", "share"),
    ("Source", "source"),
    ("Coverage", "coverage"),
]
DESCENDING_FIRST = {
    "total_streams",
    "avg_daily",
    "peak_streams",
    "days_on_chart",
    "share",
    "coverage",
}


class Fetcher(Protocol):
    """A provider that can fill in tracks' daily streams (kit.sources.soundcharts)."""

    def is_configured(self) -> bool: ...

    def fetch_missing_tracks(
        self, q: Query, artist: str, platform: str, progress: Callable[[int, int], None]
    ) -> Any: ...


def default_fetcher() -> Fetcher | None:
    """The SoundCharts client when that module is present; it says itself if it has a key."""
    try:
        from .sources import soundcharts
    except ImportError:
        return None
    return soundcharts


# ---------------------------------------------------------------------------------------
# Model: state and queries, no widgets.


RowKey = tuple[Path, str, str, str, dt.date, dt.date]


def row_key(q: Query, artist: str, platform: str) -> RowKey:
    """What a row's breakdown depends on: warehouse, artist, platform, country, period."""
    return (
        q.warehouse_path,
        q.artist_id(artist),
        q.platform(platform),
        q.country_code,
        q.start,
        q.end,
    )


@dataclass(frozen=True)
class BreakdownData:
    """One row's breakdown as kit.query returns it: every track, and the footer."""

    artist: str  # display name
    platform: str  # slug
    tracks: pd.DataFrame  # kit.query.breakdown, in its default order
    totals: pd.Series  # the one row of kit.query.breakdown_totals


@dataclass(frozen=True)
class TrackGrowth:
    """What a row's track table adds to the breakdown: each track's sparkline (inline SVG
    of its daily streams) and kit.query.track_growth (first vs second half of the period)."""

    sparklines: dict[str, str]
    growth: pd.DataFrame


@dataclass(frozen=True)
class TrackPositions:
    """One track's chart positions (kit.query.positions) and their chart as a PNG."""

    track_id: str
    platform: str
    entries: pd.DataFrame
    png: bytes


@dataclass(frozen=True)
class TrackPick:
    """A track picked for the comparison chart, from any row."""

    artist: str
    platform: str
    track_id: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.title} · {self.artist} · {platform_name(self.platform)}"


@dataclass
class BreakdownState:
    """The view of one open row: which column it is sorted by, the title search, and how
    many rows are shown. Sorting and searching reorder and filter the cached rows;
    nothing is added up here."""

    data: BreakdownData
    sort: str = "total_streams"
    descending: bool = True
    search: str = ""
    shown: int = PAGE

    def matching(self) -> pd.DataFrame:
        rows = self.data.tracks
        text = self.search.strip()
        if text:
            rows = rows[rows["title"].str.contains(text, case=False, regex=False, na=False)]
        # Stable, so ties keep the breakdown's own order (most streams, best position, title).
        return rows.sort_values(
            self.sort, ascending=not self.descending, na_position="last", kind="stable"
        )

    def visible(self) -> pd.DataFrame:
        return self.matching().head(self.shown)

    def load_more(self) -> None:
        self.shown += PAGE

    def set_sort(self, column: str, descending: bool | None = None) -> None:
        if column not in query.BREAKDOWN_COLUMNS:
            raise QueryError(f"Cannot sort by {column!r}.")
        self.sort = column
        self.descending = column in DESCENDING_FIRST if descending is None else descending

    def set_search(self, text: str) -> None:
        self.search = text
        self.shown = PAGE


@dataclass
class ExplorerModel:
    """The Explorer's state and its only door to the data: kit.query, counted and cached.

    `queries_run` counts the kit.query calls made through this model, so a test or the
    benchmark can tell a cached expansion (no query) from a first one."""

    warehouse: str | os.PathLike | None = None
    today: dt.date | str | None = None
    queries_run: int = 0
    catalogue: query.Catalogue = field(init=False)
    _breakdowns: dict[RowKey, BreakdownData] = field(init=False, default_factory=dict)
    _charts: dict[RowKey, tuple[bytes, ...]] = field(init=False, default_factory=dict)
    _growth: dict[RowKey, TrackGrowth] = field(init=False, default_factory=dict)
    _positions: dict[tuple, TrackPositions] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.warehouse = config.warehouse_path(self.warehouse)
        if not Path(self.warehouse).exists():
            raise QueryError(
                f"No warehouse at {self.warehouse}: run `kit demo` or ingest data first."
            )
        self.catalogue = query.catalogue(self.warehouse)

    @property
    def anchor(self) -> dt.date:
        return anchor_day(self.catalogue.last_date, self.today)

    def artist_names(self) -> list[str]:
        return [name for _, name in self.catalogue.artists]

    def make_query(
        self,
        artists: Sequence[str],
        platforms: Sequence[str] | None,
        country: str,
        period: str | Sequence,
    ) -> Query:
        return Query(
            list(artists),
            preset_period(period, self.anchor),
            platforms=list(platforms) if platforms else None,
            country=country,
            warehouse=self.warehouse,
        )

    def check_artist(self, name: str) -> str:
        """The warehouse's spelling of an artist typed by hand; QueryError with close matches."""
        q = Query(name, ("2000-01-01", "2000-01-01"), warehouse=self.warehouse, check_data=False)
        return q.artist_names[0]

    def summary(self, q: Query) -> pd.DataFrame:
        self.queries_run += 1
        return query.summary(q)

    def load_breakdown(self, q: Query, artist: str, platform: str) -> BreakdownData:
        """A row's breakdown: queried the first time, then served from the cache."""
        key = row_key(q, artist, platform)
        if key not in self._breakdowns:
            tracks = query.breakdown(q, artist, platform)
            totals = query.breakdown_totals(q, artist, platform)
            self.queries_run += 2
            self._breakdowns[key] = BreakdownData(
                q.artist_name(artist), q.platform(platform), tracks, totals.iloc[0]
            )
        return self._breakdowns[key]

    def load_charts(self, q: Query, artist: str, platform: str) -> tuple[bytes, ...]:
        """A row's growth charts as PNGs (audience; top tracks' daily streams), cached."""
        key = row_key(q, artist, platform)
        if key not in self._charts:
            from . import plots

            row_q = q.replace(
                artists=[q.artist_id(artist)], platforms=[q.platform(platform)], check_data=False
            )
            figures = [
                plots.audience_chart(row_q, artist=artist),
                plots.track_stack_chart(row_q, artist, platform, top=CHART_TOP_TRACKS),
            ]
            self.queries_run += 3
            self._charts[key] = tuple(plots.png(fig, dpi=80) for fig in figures)
        return self._charts[key]

    def load_growth(self, q: Query, artist: str, platform: str) -> TrackGrowth:
        """A row's sparklines (from kit.query.track_timeseries) and half-on-half changes
        (kit.query.track_growth), queried once, then cached."""
        key = row_key(q, artist, platform)
        if key not in self._growth:
            from . import plots

            series = query.track_timeseries(q, artist, platform)
            growth = query.track_growth(q, artist, platform)
            self.queries_run += 2
            self._growth[key] = TrackGrowth(plots.sparklines(series, q.start, q.end), growth)
        return self._growth[key]

    def load_positions(self, q: Query, track_id: str, platform: str) -> TrackPositions:
        """A track's chart positions over the period in every country, and their chart."""
        key = (q.warehouse_path, track_id, q.platform(platform), q.start, q.end)
        if key not in self._positions:
            from . import plots

            entries = query.positions(q, track_id, platform)
            figure = plots.position_history_chart(q, track_id, platform, height=3.2)
            self.queries_run += 2
            self._positions[key] = TrackPositions(track_id, platform, entries, plots.png(figure))
        return self._positions[key]

    def compare(self, q: Query, picks: Sequence[TrackPick], align: str) -> bytes:
        """The comparison chart of the picked tracks' daily streams, as a PNG."""
        from . import plots

        if not COMPARE_MIN <= len(picks) <= COMPARE_MAX:
            raise QueryError(
                f"Pick {COMPARE_MIN} to {COMPARE_MAX} tracks to compare ({len(picks)} picked)."
            )
        figure = plots.comparison_chart(
            q, [(p.platform, p.track_id) for p in picks], align=align, height=3.6
        )
        self.queries_run += 1
        return plots.png(figure, dpi=90)

    def forget(self, q: Query, artist: str, platform: str) -> None:
        """Drop a row's cached breakdown and charts, after new data arrived for it."""
        key = row_key(q, artist, platform)
        self._breakdowns.pop(key, None)
        self._charts.pop(key, None)
        self._growth.pop(key, None)

    def export_workbook(self, q: Query, folder: str | os.PathLike) -> Path:
        """The monthly report's workbook for this selection, written under `folder`."""
        from . import export

        slug = re.sub(r"[^a-z0-9]+", "-", "-".join(q.artist_ids).lower()).strip("-")
        path = Path(folder) / f"chartroom_{slug}_{q.country_code}_{q.start}_{q.end}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        export.workbook(q, path)
        self.queries_run += 1
        return path


# ---------------------------------------------------------------------------------------
# View: builders that receive data and return HTML or widgets.

STYLE = """
<style>
.kit-explorer { font-family: system-ui, sans-serif; font-size: 13px; }
.kit-cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0; }
.kit-card { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 10px; min-width: 220px; }
.kit-card h4 { margin: 0 0 4px 0; font-size: 14px; }
.kit-card .kit-figure { font-size: 18px; font-weight: 600; }
.kit-muted { color: #57606a; }
.kit-up { color: #1a7f37; } .kit-down { color: #cf222e; }
.kit-error { border: 1px solid #cf222e; background: #ffebe9; color: #82071e;
             border-radius: 6px; padding: 6px 10px; margin: 4px 0; }
.kit-loading { color: #57606a; font-style: italic; padding: 4px 0; }
.kit-empty { color: #57606a; padding: 4px 0; }
.kit-note { background: #fff8c5; border-radius: 4px; padding: 4px 8px; margin: 2px 0; }
.kit-grid { display: grid; grid-template-columns: 170px 120px 150px repeat(6, 95px);
            gap: 4px; align-items: center; }
.kit-grid .kit-num, .kit-tracks .kit-num { text-align: right; }
.kit-head { font-weight: 600; border-bottom: 1px solid #d0d7de; margin-left: 94px; }
table.kit-tracks { border-collapse: collapse; margin: 4px 0; }
table.kit-tracks th, table.kit-tracks td { padding: 2px 8px; border-bottom: 1px solid #eaeef2; }
table.kit-tracks th { text-align: left; background: #f6f8fa; white-space: nowrap; }
table.kit-tracks td.kit-num, table.kit-tracks td.kit-dates { white-space: nowrap; }
table.kit-tracks td.kit-title { min-width: 160px; }
table.kit-tracks td.kit-source { min-width: 170px; }
.kit-scroll { overflow-x: auto; }
tr.kit-top td { font-weight: 600; }
tr.kit-top td, tr.kit-lead td { background: #fff6d6; }
table.kit-tracks a { color: inherit; text-decoration: none; border-bottom: 1px dotted #0969da; }
table.kit-tracks td.kit-spark { padding: 0 6px; }
td.kit-partial { color: #9a6700; }
</style>
"""
ROW_COLUMNS = ["Artist", "Platform", "Audience", "Start", "End", "Change", "Average", "Peak"]
ROW_COLUMNS += ["Coverage"]
LOADING = '<div class="kit-loading">Loading tracks…</div>'


def _count(value: Any) -> str:
    return "—" if pd.isna(value) else f"{round(value):,}"


def _ratio(value: Any, signed: bool = False) -> str:
    if pd.isna(value):
        return "—"
    return f"{value:+.1%}" if signed else f"{value:.1%}"


def _day(value: Any) -> str:
    return "—" if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _metric_label(metric: str) -> str:
    return metric.replace("_", " ")


def _change_class(value: Any) -> str:
    if pd.isna(value) or value == 0:
        return ""
    return "kit-up" if value > 0 else "kit-down"


def render_error(message: str) -> str:
    return f'<div class="kit-error" role="alert">⚠ {html.escape(message)}</div>'


def describe_failure(exc: BaseException) -> str:
    """What to tell the analyst: our own refusals as they are, anything else by its kind."""
    if isinstance(exc, QueryError | ValueError):
        return str(exc)
    return f"Something went wrong ({type(exc).__name__}): {exc}"


def render_heading(q: Query, anchor: dt.date) -> str:
    artists = ", ".join(q.artist_names)
    return (
        f"<h3>{html.escape(artists)} · {html.escape(q.country_label)} · "
        f"{html.escape(q.period_label)}</h3>"
        f'<div class="kit-muted">{q.start} to {q.end} ({q.days} days); '
        f"presets count back from {anchor}.</div>"
    )


def render_cards(summary: pd.DataFrame, q: Query) -> str:
    """One card per platform: each artist's audience figures over the period."""
    cards = []
    for slug in q.platform_slugs:
        rows = summary[summary["platform"] == slug].sort_values(
            "metric", key=lambda metric: metric != "monthly_listeners", kind="stable"
        )
        blocks = []
        for row in rows.itertuples(index=False):
            partial = (
                f' <span class="kit-note">partial: {_ratio(row.coverage)} of days</span>'
                if not pd.isna(row.coverage) and row.coverage < 1
                else ""
            )
            blocks.append(
                f'<div><span class="kit-muted">{html.escape(row.artist)} · '
                f"{_metric_label(row.metric)}</span><br>"
                f'<span class="kit-figure">{_count(row.end_value)}</span> '
                f'<span class="{_change_class(row.pct_change)}">{_ratio(row.pct_change, True)}</span>'
                f'<br><span class="kit-muted">start {_count(row.start_value)} · '
                f"avg {_count(row.average)} · peak {_count(row.peak_value)} "
                f"({_day(row.peak_date)}) · coverage {_ratio(row.coverage)}</span>{partial}</div>"
            )
        if not blocks:
            blocks.append('<div class="kit-empty">No audience data in this period.</div>')
        cards.append(
            f'<div class="kit-card"><h4>{html.escape(platform_name(slug))}</h4>'
            + "".join(blocks)
            + "</div>"
        )
    return '<div class="kit-cards">' + "".join(cards) + "</div>"


def headline(summary: pd.DataFrame, artist_id: str, platform: str) -> pd.Series | None:
    """The audience row a table row shows: monthly listeners, else the first metric."""
    rows = summary[(summary["artist_id"] == artist_id) & (summary["platform"] == platform)]
    if rows.empty:
        return None
    listeners = rows[rows["metric"] == "monthly_listeners"]
    return (listeners if not listeners.empty else rows).iloc[0]


def render_row_head() -> str:
    cells = "".join(
        f'<div class="{"kit-num" if i > 2 else ""}">{c}</div>' for i, c in enumerate(ROW_COLUMNS)
    )
    return f'<div class="kit-grid kit-head">{cells}</div>'


def render_row_cells(artist: str, platform: str, audience: pd.Series | None) -> str:
    """The Artist × Platform row's figures: its headline audience over the period."""
    cells = [html.escape(artist), html.escape(platform_name(platform))]
    if audience is None:
        cells += ['<span class="kit-muted">no audience data</span>'] + [""] * 6
    else:
        coverage = _ratio(audience["coverage"])
        if audience["coverage"] < 1:
            coverage = f'<span class="kit-partial" title="partial data">◐ {coverage}</span>'
        cells += [
            _metric_label(audience["metric"]),
            _count(audience["start_value"]),
            _count(audience["end_value"]),
            f'<span class="{_change_class(audience["pct_change"])}">'
            f"{_ratio(audience['pct_change'], True)}</span>",
            _count(audience["average"]),
            _count(audience["peak_value"]),
            coverage,
        ]
    body = "".join(
        f'<div class="{"kit-num" if i > 2 else ""}">{c}</div>' for i, c in enumerate(cells)
    )
    return f'<div class="kit-grid">{body}</div>'


def _peak(row: Any) -> str:
    if pd.isna(row.peak_streams):
        return "—"
    when = _day(row.peak_date)
    label = f"week to {when}" if row.peak_kind == "week" else when
    return f'{_count(row.peak_streams)} <span class="kit-muted">({label})</span>'


def render_breakdown(state: BreakdownState, growth: TrackGrowth | None = None) -> str:
    """The open row's track table: the visible rows of the state, the top track starred
    and the top tracks tinted (render.top_track_ids), titles linked to the platform where
    the id allows it, partial rows flagged, and how many of how many tracks are shown.
    With `growth`, each track shows its sparkline and its second-half vs first-half change."""
    data = state.data
    matching = state.matching()
    if data.tracks.empty:
        return (
            f'<div class="kit-empty">No tracks of {html.escape(data.artist)} have streams or '
            f"chart entries on {html.escape(platform_name(data.platform))} in this period.</div>"
        )
    if matching.empty:
        return (
            f'<div class="kit-empty">No track title contains “{html.escape(state.search)}”.</div>'
        )
    top_id = data.totals["top_track_id"]
    leading = set(render.top_track_ids(data.tracks))
    growth_head = "<th>Daily streams</th><th class='kit-num'>2nd half vs 1st</th>" if growth else ""
    header = (
        "<tr><th></th><th>Track</th><th>Credit</th><th class='kit-num'>Streams</th>"
        f"{growth_head}<th class='kit-num'>Avg daily</th><th class='kit-num'>Peak</th>"
        "<th class='kit-num'>Best pos.</th><th class='kit-num'>Days on chart</th>"
        "<th>On chart</th><th class='kit-num'>Share</th><th>Source</th>"
        "<th class='kit-num'>Coverage</th></tr>"
    )
    lines = []
    for row in matching.head(state.shown).itertuples(index=False):
        top = row.track_id == top_id
        partial = not pd.isna(row.coverage) and row.coverage < 1
        coverage = ("◐ " if partial else "") + _ratio(row.coverage)
        on_chart = (
            "—"
            if pd.isna(row.first_chart_date)
            else f"{_day(row.first_chart_date)} – {_day(row.last_chart_date)}"
        )
        css = " kit-top" if top else (" kit-lead" if row.track_id in leading else "")
        url = track_url(data.platform, str(row.track_id))
        title = html.escape(str(row.title))
        if url:
            title = (
                f'<a href="{html.escape(url)}" target="_blank" rel="noopener" '
                f'title="Open on {html.escape(platform_name(data.platform))}">{title}</a>'
            )
        cells = ""
        if growth:
            change = render.half_change(growth.growth, row.track_id)
            cells = (
                f'<td class="kit-spark">{growth.sparklines.get(row.track_id, "")}</td>'
                f'<td class="kit-num {_change_class(change)}">{_ratio(change, True)}</td>'
            )
        lines.append(
            f'<tr class="kit-track{css}" '
            f'data-track-id="{html.escape(str(row.track_id))}">'
            f"<td>{'★' if top else ''}</td>"
            f'<td class="kit-title">{title}</td>'
            f"<td>{html.escape(str(row.credit))}</td>"
            f'<td class="kit-num">{_count(row.total_streams)}</td>{cells}'
            f'<td class="kit-num">{_count(row.avg_daily)}</td>'
            f'<td class="kit-num">{_peak(row)}</td>'
            f'<td class="kit-num">{_count(row.best_position)}</td>'
            f'<td class="kit-num">{_count(row.days_on_chart)}</td>'
            f'<td class="kit-dates">{on_chart}</td>'
            f'<td class="kit-num">{_ratio(row.share)}</td>'
            f'<td class="kit-source">{html.escape(str(row.source))}</td>'
            f'<td class="kit-num{" kit-partial" if partial else ""}">{coverage}</td></tr>'
        )
    search = state.search.strip()
    within = f" matching “{html.escape(search)}” (of {len(data.tracks)})" if search else ""
    count = (
        f'<div class="kit-muted kit-count">Showing {min(state.shown, len(matching))} of '
        f"{len(matching)} tracks{within}.</div>"
    )
    table = f'<table class="kit-tracks">{header}{"".join(lines)}</table>'
    return f'<div class="kit-scroll">{table}</div>{count}'


def render_totals(data: BreakdownData) -> str:
    """The footer (kit.query.breakdown_totals) and where the data is partial."""
    t = data.totals
    if data.tracks.empty:
        return ""
    per_listener = (
        "—"
        if pd.isna(t["streams_per_listener"])
        else f"≈ {t['streams_per_listener']:.2f} (approximate: listeners are unique over "
        "28 days, streams are not)"
    )
    parts = [
        f"<b>Total</b> {_count(t['total_streams'])} streams",
        f"<b>Tracks</b> {_count(t['track_count'])}",
        f"<b>Top track</b> ★ {html.escape(str(t['top_track']))} "
        f"({_count(t['top_track_streams'])}, {_ratio(t['top_track_share'])})",
        f"<b>Streams per listener</b> {per_listener}",
    ]
    notes = []
    if t["partial_tracks"]:
        notes.append(
            f"{t['partial_tracks']} of {t['track_count']} tracks have partial data "
            "(◐: a value on fewer than all days of the period)."
        )
    if t["tracks_without_streams"]:
        notes.append(
            f"{t['tracks_without_streams']} tracks have chart positions but no stream counts."
        )
    platform = PLATFORMS.get(data.platform)
    if platform is not None and not platform.reports_streams:
        notes.append(
            f"{platform.name}'s charts carry no stream counts: its tracks have streams only "
            "where a provider supplied their own daily series."
        )
    return (
        '<div class="kit-totals">'
        + " · ".join(parts)
        + "</div>"
        + "".join(f'<div class="kit-note">{html.escape(n)}</div>' for n in notes)
    )


def render_picks(picks: Sequence[TrackPick]) -> str:
    """The tracks picked for the comparison, or how to pick them."""
    if not picks:
        return (
            '<div class="kit-muted">Open a row, click a track and press “Add to comparison”; '
            f"pick {COMPARE_MIN} to {COMPARE_MAX} tracks from one artist or several.</div>"
        )
    items = "".join(f"<li>{html.escape(p.label)}</li>" for p in picks)
    return f'<ol class="kit-picks">{items}</ol>'


def render_positions(found: TrackPositions, title: str) -> str:
    """Where a track's chart positions come from: its link, and the entries themselves in
    a fold (date, country, daily or weekly, position), as kit.query.positions returns them."""
    url = track_url(found.platform, found.track_id)
    link = (
        f' · <a href="{html.escape(url)}" target="_blank" rel="noopener">open on '
        f"{html.escape(platform_name(found.platform))}</a>"
        if url
        else ""
    )
    entries = found.entries
    if entries.empty:
        return (
            f'<div class="kit-empty">{html.escape(title)} was on no '
            f"{html.escape(platform_name(found.platform))} chart in this period{link}.</div>"
        )
    rows = "".join(
        f"<tr><td>{_day(r.date)}</td><td>{html.escape(country_name(r.country))}</td>"
        f'<td>{r.frequency}</td><td class="kit-num">{r.position}</td></tr>'
        for r in entries.itertuples(index=False)
    )
    return (
        f'<div class="kit-positions"><b>{html.escape(title)}</b>{link}'
        f"<details><summary>{len(entries)} chart entries</summary>"
        '<table class="kit-tracks"><tr><th>Date</th><th>Country</th><th>Chart</th>'
        f"<th class='kit-num'>Position</th></tr>{rows}</table></details></div>"
    )


def render_download(path: Path) -> str:
    """A link that downloads the workbook from the page itself (data: URI), so it works in
    JupyterLab and in Voilà alike, and where the file was written."""
    payload = base64.b64encode(path.read_bytes()).decode("ascii")
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return (
        f"<div>Workbook written to <code>{html.escape(str(path))}</code> · "
        f'<a download="{html.escape(path.name)}" href="data:{mime};base64,{payload}">'
        f"Download {html.escape(path.name)}</a></div>"
    )


# ---------------------------------------------------------------------------------------
# GUI: widgets wired to the model.


class BreakdownRow(widgets.VBox):
    """One Artist × Platform row: its figures, a toggle, and the breakdown under it, which
    is queried on the first opening only."""

    def __init__(
        self,
        model: ExplorerModel,
        q: Query,
        artist_id: str,
        platform: str,
        audience: pd.Series | None,
        fetcher: Fetcher | None = None,
        on_pick: Callable[[TrackPick], None] | None = None,
    ) -> None:
        self.model, self.q, self.artist_id, self.platform = model, q, artist_id, platform
        self.fetcher = fetcher
        self.on_pick = on_pick
        self.state: BreakdownState | None = None
        self.growth: TrackGrowth | None = None
        self.toggle = widgets.ToggleButton(
            description="▸ tracks", tooltip="Show the tracks", layout=widgets.Layout(width="90px")
        )
        self.cells = widgets.HTML(render_row_cells(q.artist_name(artist_id), platform, audience))
        self.message = widgets.HTML()
        self.sort = widgets.Dropdown(
            options=SORT_COLUMNS,
            value="total_streams",
            description="Sort by",
            layout=widgets.Layout(width="220px"),
        )
        self.direction = widgets.Dropdown(
            options=[("descending", True), ("ascending", False)],
            value=True,
            layout=widgets.Layout(width="120px"),
        )
        self.search = widgets.Text(
            placeholder="Search titles", layout=widgets.Layout(width="200px")
        )
        self.tracks = widgets.HTML()
        self.more = widgets.Button(description=f"Load more (+{PAGE})")
        self.totals = widgets.HTML()
        self.charts = widgets.HBox()
        self.fetch = widgets.Button(
            description="Fetch track data", icon="download", layout=widgets.Layout(width="170px")
        )
        self.fetch.layout.display = "" if self.fetch_available() else "none"
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="Fetching")
        self.progress.layout.display = "none"
        toolbar = widgets.HBox([self.sort, self.direction, self.search, self.fetch])
        # Track detail: a click on a track in this list shows its chart positions; the
        # button adds it to the Explorer's comparison.
        self.picker = widgets.Select(options=[], rows=8, layout=widgets.Layout(width="300px"))
        self.add_to_compare = widgets.Button(
            description="Add to comparison", icon="plus", layout=widgets.Layout(width="170px")
        )
        self.history = widgets.Image(format="png", layout=widgets.Layout(width="820px"))
        self.history.layout.display = "none"
        self.history_rows = widgets.HTML()
        # Classes that name the parts, so a browser (and its test) can find them.
        self.picker.add_class("kit-track-picker")
        self.add_to_compare.add_class("kit-add-to-compare")
        self.history.add_class("kit-history")
        detail = widgets.HBox(
            [
                widgets.VBox(
                    [
                        widgets.HTML(
                            '<div class="kit-muted">Click a track for its chart positions</div>'
                        ),
                        self.picker,
                        self.add_to_compare,
                    ]
                ),
                widgets.VBox([self.history, self.history_rows]),
            ]
        )
        self.body = widgets.VBox(
            [
                self.message,
                toolbar,
                self.progress,
                self.tracks,
                self.more,
                self.totals,
                self.charts,
                detail,
            ],
            layout=widgets.Layout(display="none", margin="0 0 8px 24px"),
        )
        super().__init__([widgets.HBox([self.toggle, self.cells]), self.body])
        self.toggle.observe(self._on_toggle, "value")
        for control, handler in [
            (self.sort, self._on_sort),
            (self.direction, self._on_direction),
            (self.search, self._on_search),
        ]:
            control.observe(lambda change, h=handler: self._safely(lambda: h(change)), "value")
        self.more.on_click(lambda _: self._safely(self._load_more))
        self.fetch.on_click(lambda _: self._safely(self._fetch))
        self.picker.observe(lambda change: self._safely(lambda: self._on_pick(change)), "value")
        self.add_to_compare.on_click(lambda _: self._safely(self._add_to_compare))

    def fetch_available(self) -> bool:
        return self.fetcher is not None and bool(self.fetcher.is_configured())

    def _safely(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as exc:  # shown in the row: the analyst never sees a traceback
            self.message.value = render_error(describe_failure(exc))

    def _on_toggle(self, change: dict) -> None:
        opened = change["new"]
        self.toggle.description = "▾ tracks" if opened else "▸ tracks"
        self.body.layout.display = "" if opened else "none"
        if opened and self.state is None:
            self._safely(self.load)

    def load(self) -> None:
        """Query the breakdown (or take it from the cache), then show it and its charts."""
        self.message.value = LOADING
        data = self.model.load_breakdown(self.q, self.artist_id, self.platform)
        self.growth = self.model.load_growth(self.q, self.artist_id, self.platform)
        self.state = BreakdownState(data)
        self.sort.value, self.direction.value, self.search.value = "total_streams", True, ""
        self.message.value = ""
        self.show()
        self.totals.value = render_totals(data)
        pngs = self.model.load_charts(self.q, self.artist_id, self.platform)
        self.charts.children = [
            widgets.Image(value=png, format="png", layout=widgets.Layout(max_width="48%"))
            for png in pngs
        ]

    def show(self) -> None:
        if self.state is None:
            return
        self.tracks.value = render_breakdown(self.state, self.growth)
        hidden = self.state.shown >= len(self.state.matching())
        self.more.layout.display = "none" if hidden else ""
        visible = self.state.visible()
        chosen = self.picker.value
        self.picker.options = list(zip(visible["title"], visible["track_id"], strict=True))
        self.picker.value = chosen if chosen in set(visible["track_id"]) else None

    def show_positions(self, track_id: str) -> TrackPositions:
        """The chart position history of one of the row's tracks, under the table."""
        found = self.model.load_positions(self.q, track_id, self.platform)
        self.history.value = found.png
        self.history.layout.display = ""
        self.history_rows.value = render_positions(found, self._title(track_id))
        return found

    def _title(self, track_id: str) -> str:
        assert self.state is not None
        tracks = self.state.data.tracks
        return str(tracks.loc[tracks["track_id"] == track_id, "title"].iloc[0])

    def _on_pick(self, change: dict) -> None:
        if change["new"] is not None:
            self.show_positions(change["new"])

    def _add_to_compare(self) -> None:
        track_id = self.picker.value
        if track_id is None:
            raise QueryError("Click a track in the list first, then add it to the comparison.")
        if self.on_pick is not None:
            artist = self.q.artist_name(self.artist_id)
            self.on_pick(TrackPick(artist, self.platform, track_id, self._title(track_id)))

    def _on_sort(self, change: dict) -> None:
        if self.state is not None:
            self.state.set_sort(change["new"])
            self.direction.value = self.state.descending
            self.show()

    def _on_direction(self, change: dict) -> None:
        if self.state is not None:
            self.state.descending = change["new"]
            self.show()

    def _on_search(self, change: dict) -> None:
        if self.state is not None:
            self.state.set_search(change["new"])
            self.show()

    def _load_more(self) -> None:
        if self.state is not None:
            self.state.load_more()
            self.show()

    def _fetch(self) -> None:
        """Ask the provider for the tracks' missing daily streams, then re-query the row."""
        assert self.fetcher is not None
        self.progress.value, self.progress.max = 0, 1
        self.progress.layout.display = ""

        def progress(done: int, total: int) -> None:
            self.progress.max = max(total, 1)
            self.progress.value = min(done, self.progress.max)

        result = self.fetcher.fetch_missing_tracks(
            self.q, self.q.artist_name(self.artist_id), self.platform, progress=progress
        )
        self.progress.layout.display = "none"
        self.model.forget(self.q, self.artist_id, self.platform)
        self.load()
        report = html.escape(str(result)).replace("\n", "<br>")
        self.message.value = f'<div class="kit-muted">Fetched: {report}</div>'


class Explorer(widgets.VBox):
    """Pick artists, platforms, a country and a period; read the per-platform cards and
    open any Artist × Platform row into its tracks.

    `period` is "last_month", "28d", "90d" (counted back from the last day with data, or
    from the day before `today`), a (start, end) pair, or any period Query accepts.
    `artists` defaults to the warehouse's first artist by name; `platforms` to every
    platform with data for them. `fetcher` is the provider behind "Fetch track data"
    (default: kit.sources.soundcharts when present and configured)."""

    def __init__(
        self,
        artists: str | Sequence[str] | None = None,
        platforms: str | Sequence[str] | None = None,
        country: str = GLOBAL,
        period: str | Sequence = "last_month",
        warehouse: str | os.PathLike | None = None,
        today: dt.date | str | None = None,
        *,
        fetcher: Fetcher | None = None,
        export_dir: str | os.PathLike | None = None,
    ) -> None:
        self.error = widgets.HTML()
        self.status = widgets.HTML()
        self.export_link = widgets.HTML()
        self.heading = widgets.HTML()
        self.cards = widgets.HTML()
        self.rows: list[BreakdownRow] = []
        self.table = widgets.VBox()
        self.q: Query | None = None
        self.picks: list[TrackPick] = []
        self.picked = widgets.HTML(render_picks([]))
        self.align = widgets.Dropdown(options=ALIGN_OPTIONS, value="date", description="Align")
        self.compare_button = widgets.Button(
            description="Compare", button_style="info", icon="line-chart"
        )
        self.clear_picks = widgets.Button(description="Clear", icon="times")
        self.comparison = widgets.Image(format="png", layout=widgets.Layout(max_width="900px"))
        self.comparison.layout.display = "none"
        self.comparison.add_class("kit-comparison")
        self.compare_button.on_click(lambda _: self._safely(self.compare))
        self.clear_picks.on_click(lambda _: self._safely(self.clear_comparison))
        self.fetcher = fetcher if fetcher is not None else default_fetcher()
        self.export_dir = Path(export_dir) if export_dir else config.REPORTS_DIR / "exports"
        try:
            self.model: ExplorerModel | None = ExplorerModel(warehouse, today)
        except Exception as exc:
            self.model = None
            self.error.value = render_error(describe_failure(exc))
        self._build_controls(artists, platforms, country, period)
        super().__init__(
            [
                widgets.HTML(STYLE),
                widgets.HBox([self.artist_input, self.add_artist, self.artists]),
                widgets.HBox([self.platforms, widgets.VBox([self.country, self.period])]),
                widgets.HBox([self.start, self.end]),
                widgets.HBox([self.update, self.export, self.status]),
                self.error,
                self.export_link,
                self.heading,
                self.cards,
                self.table,
                widgets.HTML("<h4>Compare tracks</h4>"),
                self.picked,
                widgets.HBox([self.align, self.compare_button, self.clear_picks]),
                self.comparison,
            ]
        )
        self.add_class("kit-explorer")
        if self.model is not None:
            self.refresh()

    def _build_controls(
        self,
        artists: str | Sequence[str] | None,
        platforms: str | Sequence[str] | None,
        country: str,
        period: str | Sequence,
    ) -> None:
        cat = self.model.catalogue if self.model else None
        names = self.model.artist_names() if self.model else []
        if isinstance(artists, str):
            artists = [artists]
        chosen = list(artists) if artists is not None else names[:1]
        self.artist_input = widgets.Combobox(
            options=names,
            placeholder="Type an artist",
            ensure_option=False,
            description="Artist",
            layout=widgets.Layout(width="280px"),
        )
        self.add_artist = widgets.Button(description="Add", layout=widgets.Layout(width="60px"))
        # Names that are not in the warehouse are kept so that Update says what is wrong.
        self.artists = widgets.TagsInput(
            value=chosen, allowed_tags=list(dict.fromkeys(names + chosen)), allow_duplicates=False
        )
        known = list(cat.platforms) if cat else []
        if isinstance(platforms, str):
            platforms = [platforms]
        wanted = [p.strip().lower() for p in platforms] if platforms else []
        slugs = known + [p for p in wanted if p not in known]
        self.platforms = widgets.SelectMultiple(
            options=[(platform_name(s), s) for s in slugs],
            value=wanted or slugs,
            rows=min(max(len(slugs), 2), 6),
            description="Platforms",
        )
        try:
            code = country_code(country)
        except ValueError as exc:
            self.error.value = render_error(str(exc))
            code = GLOBAL
        codes = [c for c in (cat.countries if cat else ()) if c != GLOBAL]
        if code != GLOBAL and code not in codes:
            codes.append(code)
        options = [("Worldwide", GLOBAL)] + sorted(
            ((country_name(c), c) for c in codes), key=lambda o: o[0]
        )
        self.country = widgets.Dropdown(options=options, value=code, description="Country")
        period_options = [(label, key) for key, label in PRESET_PERIODS.items()]
        period_options.append(("Custom dates", CUSTOM))
        start = end = None
        if isinstance(period, tuple | list):
            value = CUSTOM
            start, end = (_as_date(d) for d in period)
        elif period in PRESET_PERIODS:
            value = period
        else:
            value = str(period)
            period_options.insert(0, (f"Period {value}", value))
        self.period = widgets.Dropdown(options=period_options, value=value, description="Period")
        self.start = widgets.DatePicker(value=start, description="From")
        self.end = widgets.DatePicker(value=end, description="To")
        self._show_dates()
        self.period.observe(lambda _: self._show_dates(), "value")
        self.update = widgets.Button(description="Update", button_style="primary", icon="refresh")
        self.export = widgets.Button(description="Export to Excel", icon="file-excel-o")
        self.update.on_click(lambda _: self.refresh())
        self.export.on_click(lambda _: self._safely(self._export))
        self.add_artist.on_click(lambda _: self._safely(self._add_typed_artist))

    def _show_dates(self) -> None:
        display = "" if self.period.value == CUSTOM else "none"
        self.start.layout.display = self.end.layout.display = display

    def _safely(self, action: Callable[[], None]) -> bool:
        self.error.value = ""
        try:
            action()
        except Exception as exc:  # shown in the widget: the analyst never sees a traceback
            self.error.value = render_error(describe_failure(exc))
            return False
        return True

    def selected_period(self) -> str | tuple:
        if self.period.value == CUSTOM:
            return (self.start.value, self.end.value)
        return self.period.value

    def build_query(self) -> Query:
        """The Query the controls describe; QueryError says what to change."""
        if self.model is None:
            raise QueryError("No warehouse to explore.")
        if not self.artists.value:
            raise QueryError("Pick at least one artist.")
        every = len(self.platforms.value) in (0, len(self.platforms.options))
        return self.model.make_query(
            self.artists.value,
            None if every else self.platforms.value,
            self.country.value,
            self.selected_period(),
        )

    def refresh(self) -> None:
        """Run the summary for the controls' selection and rebuild the cards and rows."""
        self.status.value = '<span class="kit-loading">Loading…</span>'
        if not self._safely(self._refresh):
            self.q = None
            self.heading.value = self.cards.value = ""
            self.rows = []
            self.table.children = []
        self.status.value = ""

    def _refresh(self) -> None:
        assert self.model is not None
        q = self.build_query()
        summary = self.model.summary(q)
        self.q = q
        self.heading.value = render_heading(q, self.model.anchor)
        self.cards.value = render_cards(summary, q)
        self.rows = [
            BreakdownRow(
                self.model,
                q,
                aid,
                slug,
                headline(summary, aid, slug),
                fetcher=self.fetcher,
                on_pick=self.pick,
            )
            for aid in q.artist_ids
            for slug in q.platform_slugs
        ]
        self.table.children = [widgets.HTML(render_row_head()), *self.rows]

    def row(self, artist: str, platform: str) -> BreakdownRow:
        """The row of one artist (name or id) on one platform."""
        if self.q is None:
            raise QueryError("Nothing is shown yet: fix the error above and press Update.")
        aid, slug = self.q.artist_id(artist), self.q.platform(platform)
        for r in self.rows:
            if (r.artist_id, r.platform) == (aid, slug):
                return r
        raise QueryError(f"No row for {artist} on {platform}.")

    def pick(self, track: TrackPick) -> None:
        """Add a track (from any row) to the comparison; at most COMPARE_MAX."""
        if track in self.picks:
            return
        if len(self.picks) >= COMPARE_MAX:
            raise QueryError(
                f"At most {COMPARE_MAX} tracks fit on one comparison: clear it or compare these."
            )
        self.picks.append(track)
        self.picked.value = render_picks(self.picks)

    def clear_comparison(self) -> None:
        self.picks = []
        self.picked.value = render_picks(self.picks)
        self.comparison.layout.display = "none"

    def compare(self) -> None:
        """Draw the picked tracks' daily streams on one chart, aligned as chosen."""
        if self.q is None:
            raise QueryError("Nothing is shown yet: fix the error above and press Update.")
        assert self.model is not None
        self.comparison.value = self.model.compare(self.q, self.picks, self.align.value)
        self.comparison.layout.display = ""

    def _add_typed_artist(self) -> None:
        assert self.model is not None
        typed = self.artist_input.value.strip()
        if not typed:
            return
        name = self.model.check_artist(typed)
        if name not in self.artists.value:
            self.artists.value = [*self.artists.value, name]
        self.artist_input.value = ""

    def _export(self) -> None:
        if self.q is None:
            raise QueryError("Nothing to export: fix the selection and press Update first.")
        assert self.model is not None
        self.export_link.value = '<span class="kit-loading">Writing the workbook…</span>'
        try:
            path = self.model.export_workbook(self.q, self.export_dir)
        except Exception:
            self.export_link.value = ""
            raise
        self.export_link.value = render_download(path)


def _as_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
