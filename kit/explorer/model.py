"""The Explorer's model, plain Python and no widgets: `ExplorerModel` is its only door to
the data (kit.query, counted, and kit.selection's per-row object, cached), and
`BreakdownState` is one open row's view (sort, search, how many rows are shown) over
that cached object. The benchmark times `ExplorerModel.load_breakdown`.

Periods are counted back from the anchor day: the day before `today` when it is given,
else the last date with data in the warehouse (kit.period).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from .. import config, query, selection
from ..period import anchor_day, preset_period
from ..platforms import platform_name
from ..query import Query, QueryError
from ..selection import Moved, PlatformData

PAGE = 20  # track rows shown on opening a row, and added by "Load more"
CHART_TOP_TRACKS = 5  # tracks drawn in a row's daily-streams chart
COMPARE_MIN, COMPARE_MAX = 2, 6  # tracks on one comparison chart

# (label, column) for the sort picker; the direction each column opens with, and the
# tie-breaks, are kit.query's (breakdown_order), as in the SQL.
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
# Sortable too while the Explorer compares the period with another: the movers' columns,
# ordered as kit.query.movers orders them (movers_order).
CHANGE_SORT_COLUMNS = [
    ("Previous streams", "previous_streams"),
    ("Change", "change"),
    ("% change", "pct_change"),
    ("Contribution", "contribution"),
    ("Status", "status"),
]
CHANGE_SORTS = frozenset(column for _, column in CHANGE_SORT_COLUMNS)
# The movers' columns a breakdown row needs to be sorted by a change
_MOVERS_KEYS = ["track_id", "previous_streams", "change", "pct_change", "contribution", "status", "rank", "previous_rank"]  # fmt: skip


class Fetcher(Protocol):
    """A provider that can fill in tracks' daily streams (kit.sources.soundcharts)."""

    def is_configured(self) -> bool: ...

    def fetch_missing_tracks(
        self, q: Query, artist: str, platform: str, progress: Callable[[int, int], None]
    ) -> Any: ...


def default_fetcher() -> Fetcher | None:
    """The SoundCharts client when that module is present; it says itself if it has a key."""
    try:
        from ..sources import soundcharts
    except ImportError:
        return None
    return soundcharts


RowKey = tuple[Path, int, str, str, str, dt.date, dt.date]


def row_key(q: Query, artist: str, platform: str) -> RowKey:
    """What a row's figures depend on: warehouse and the version the query reads, artist,
    platform, country, period."""
    return (
        q.warehouse_path,
        q.version,
        q.artist_id(artist),
        q.platform(platform),
        q.country_code,
        q.start,
        q.end,
    )


def selection_key(q: Query) -> tuple:
    """What a selection's figures depend on: warehouse and the version the query reads,
    artists, platforms, country, period."""
    return (
        q.warehouse_path,
        q.version,
        q.artist_ids,
        q.platform_slugs,
        q.country_code,
        q.start,
        q.end,
    )


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
    many rows are shown, and, where the Explorer compares the period with another, the
    row's movers. Sorting and searching reorder and filter the cached rows, in kit.query's
    breakdown order (the movers' order for a change column); nothing is added up and no
    query runs here."""

    data: PlatformData
    sort: str = "total_streams"
    descending: bool = True
    search: str = ""
    shown: int = PAGE
    moved: Moved | None = None

    @property
    def compared(self) -> bool:
        return self.moved is not None and self.moved.movers is not None

    def matching(self) -> pd.DataFrame:
        rows = self.data.breakdown
        text = self.search.strip()
        if text:
            rows = rows[rows["title"].str.contains(text, case=False, regex=False, na=False)]
        if self.sort in CHANGE_SORTS and self.compared:
            assert self.moved is not None and self.moved.movers is not None
            keyed = rows.merge(self.moved.movers[_MOVERS_KEYS], on="track_id", how="left")
            ordered = query.order_movers(keyed, query.movers_order(self.sort, self.descending))
            return ordered[list(rows.columns)]
        keys = query.breakdown_order(self.sort, self.descending)
        if keys == query.breakdown_order():
            return rows  # already in the order kit.query.breakdown returns (PlatformData)
        return rows.sort_values(
            [column for column, _ in keys],
            ascending=[not descending for _, descending in keys],
            na_position="last",
            kind="stable",
        )

    def visible(self) -> pd.DataFrame:
        return self.matching().head(self.shown)

    def load_more(self) -> None:
        self.shown += PAGE

    def set_sort(self, column: str, descending: bool | None = None) -> None:
        """Sort by `column`, in the direction it opens with unless `descending` is given;
        an unknown column raises QueryError."""
        if column in CHANGE_SORTS:
            self.sort, self.descending = query.movers_order(column, descending)[0]
        else:
            self.sort, self.descending = query.breakdown_order(column, descending)[0]

    def set_moved(self, moved: Moved | None) -> None:
        """Compare with another period (the row's movers), or stop comparing (None); a sort
        by a change column that no longer applies goes back to the breakdown's."""
        self.moved = moved
        if self.sort in CHANGE_SORTS and not self.compared:
            self.set_sort("total_streams")

    def set_search(self, text: str) -> None:
        self.search = text
        self.shown = PAGE


@dataclass(frozen=True)
class CatalogueChange:
    """What the warehouse's catalogue gained and lost between two reads (two versions):
    what the Explorer's pickers follow on Update."""

    before: query.Catalogue
    after: query.Catalogue

    @property
    def changed(self) -> bool:
        return self.after is not self.before and self.after != self.before

    @property
    def artists_added(self) -> list[str]:
        known = {name for _, name in self.before.artists}
        return [name for _, name in self.after.artists if name not in known]

    def artists_gone(self, selected: Sequence[str]) -> list[str]:
        """The artists of `selected` that the warehouse held and no longer holds (a name
        it never held is not "gone": a Query says it is unknown, with close matches)."""
        was = {name for _, name in self.before.artists}
        now = {name for _, name in self.after.artists}
        return [name for name in selected if name in was and name not in now]


@dataclass
class ExplorerModel:
    """The Explorer's state and its only door to the data: kit.query, counted and cached.

    `queries_run` counts the kit.query calls made through this model, so a test or the
    benchmark can tell a cached expansion (no query) from a first one."""

    warehouse: str | os.PathLike | None = None
    today: dt.date | str | None = None
    queries_run: int = 0
    catalogue: query.Catalogue = field(init=False)
    _rows: dict[RowKey, PlatformData] = field(init=False, default_factory=dict)
    _charts: dict[RowKey, tuple[bytes, ...]] = field(init=False, default_factory=dict)
    _positions: dict[tuple, TrackPositions] = field(init=False, default_factory=dict)
    _moved: dict[tuple, Moved] = field(init=False, default_factory=dict)
    _audience_changes: dict[tuple, pd.DataFrame] = field(init=False, default_factory=dict)
    _alerts: dict[tuple, pd.DataFrame] = field(init=False, default_factory=dict)

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

    def refresh_catalogue(self) -> query.Catalogue:
        """The catalogue of the warehouse's latest version, now held: a commit (by this
        process or another) is a new version, read once (kit.query.catalogue keeps it per
        version); on the same version nothing is read again and it is the same object."""
        self.catalogue = query.catalogue(self.warehouse)
        return self.catalogue

    def make_query(
        self,
        artists: Sequence[str],
        platforms: Sequence[str] | None,
        country: str,
        period: str | Sequence,
    ) -> Query:
        """A Query on the latest version of the warehouse (the Explorer's Update asks for
        fresh data): the catalogue, and the anchor relative periods count back from, are
        read again when a commit made a new version (refresh_catalogue)."""
        self.refresh_catalogue()
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

    def platforms_with_data(self, q: Query) -> list[str]:
        """The platforms with data for the query's artists in its country and period
        (kit.query.platforms_with_data): what the platform picker offers."""
        self.queries_run += 1
        return list(query.platforms_with_data(q)["platform"])

    def summary(self, q: Query) -> pd.DataFrame:
        self.queries_run += 1
        return query.summary(q)

    def load_breakdown(self, q: Query, artist: str, platform: str) -> PlatformData:
        """What an open row shows, as the report has it (kit.selection.PlatformData: the
        breakdown, its footer, the tracks' daily streams and half-on-half growth, without
        the report's top-track detail): queried the first time, then served from the cache."""
        key = row_key(q, artist, platform)
        if key not in self._rows:
            self._rows[key] = selection.load_platform(q, artist, platform, top_tracks=False)
            self.queries_run += 1  # breakdown_and_series: breakdown, footer, series, growth
        return self._rows[key]

    def load_moved(self, q: Query, artist: str, platform: str, compare: str) -> Moved:
        """A row's movers and their footer against the comparison period `compare`
        (kit.selection.load_moved), cached per row × comparison: switching comparisons
        back and forth runs no query."""
        key = (row_key(q, artist, platform), compare)
        if key not in self._moved:
            moved = selection.load_moved(q, artist, platform, compare)
            self.queries_run += 1 if moved.movers is None else 2
            self._moved[key] = moved
        return self._moved[key]

    def audience_change(self, q: Query, compare: str) -> pd.DataFrame:
        """The selection's audience beside the comparison period's (summary(q, compare=…)),
        cached per selection × comparison: the cards' change line."""
        key = (selection_key(q), compare)
        if key not in self._audience_changes:
            self._audience_changes[key] = query.summary(q, compare=compare)
            self.queries_run += 1
        return self._audience_changes[key]

    def alerts(self, q: Query) -> pd.DataFrame:
        """The selection's alerts in its period and country (kit.query.period_alerts),
        fetched once per selection: the cards' badges."""
        key = selection_key(q)
        if key not in self._alerts:
            self._alerts[key] = query.period_alerts(q)
            self.queries_run += 1
        return self._alerts[key]

    def load_charts(self, q: Query, artist: str, platform: str) -> tuple[bytes, ...]:
        """A row's growth charts as PNGs (audience; top tracks' daily streams), cached."""
        key = row_key(q, artist, platform)
        if key not in self._charts:
            from .. import plots

            data = self.load_breakdown(q, artist, platform)
            points = query.timeseries(q, artist=data.artist_id, platform=data.platform)
            self.queries_run += 1
            figures = [
                plots.audience_chart(points, q, who=data.artist),
                plots.track_stack_chart(data, q, top=CHART_TOP_TRACKS),
            ]
            self._charts[key] = tuple(plots.png(fig, dpi=80) for fig in figures)
        return self._charts[key]

    def load_positions(self, q: Query, track_id: str, platform: str) -> TrackPositions:
        """A track's chart positions over the period in every country, and their chart."""
        slug = q.platform(platform)
        key = (q.warehouse_path, q.version, track_id, slug, q.start, q.end)
        if key not in self._positions:
            from .. import plots

            entries = query.positions(q, track_id, slug)
            self.queries_run += 1
            figure = plots.position_history_chart(
                entries, q, track=track_id, platform=slug, height=3.2
            )
            self._positions[key] = TrackPositions(track_id, slug, entries, plots.png(figure))
        return self._positions[key]

    def compare(self, q: Query, picks: Sequence[TrackPick], align: str) -> bytes:
        """The comparison chart of the picked tracks' daily streams, as a PNG."""
        from .. import plots

        if not COMPARE_MIN <= len(picks) <= COMPARE_MAX:
            raise QueryError(
                f"Pick {COMPARE_MIN} to {COMPARE_MAX} tracks to compare ({len(picks)} picked)."
            )
        series = query.track_comparison(q, [(p.platform, p.track_id) for p in picks], align=align)
        self.queries_run += 1
        return plots.png(plots.comparison_chart(series, q, align=align, height=3.6), dpi=90)

    def forget(self, q: Query, artist: str, platform: str) -> None:
        """Drop a row's cached figures and charts (a query on a newer version has its own
        rows: see row_key)."""
        key = row_key(q, artist, platform)
        self._rows.pop(key, None)
        self._charts.pop(key, None)
        for compare in [c for k, c in self._moved if k == key]:
            self._moved.pop((key, compare), None)

    def export_workbook(
        self, q: Query, folder: str | os.PathLike, compare: str = "previous"
    ) -> Path:
        """The monthly report's workbook for this selection, written under `folder`, with
        its Movers (against `compare`) and Noteworthy sheets."""
        from .. import export

        slug = re.sub(r"[^a-z0-9]+", "-", "-".join(q.artist_ids).lower()).strip("-")
        path = Path(folder) / f"chartroom_{slug}_{q.country_code}_{q.start}_{q.end}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = selection.load(q, top_tracks=False, compare=compare)
        # summary, timeseries, sources, the audience comparison and the alerts; per row the
        # breakdown, its footer, series and growth (one call), and the movers with their footer
        moved = sum(p.moved is not None and p.moved.movers is not None for p in data.platforms)
        self.queries_run += 5 + 2 * len(data.platforms) + moved
        export.workbook(data, path)
        return path
