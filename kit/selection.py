"""A selection's figures, fetched once: what the monthly report, its workbook and an open
Explorer row show.

`load(q)` runs each kit.query function once per report (summary, the audience points,
the sources, and with a comparison the audience beside the comparison period's and the
alerts), the data checks once (kit.checks.report_findings: the findings that concern the
report), and once per artist × platform (breakdown, its footer, the tracks' counted
streams and their half-on-half growth (kit.query.breakdown_and_series: one statement
from the serving layer), the chart positions of the top tracks, and with a comparison the
movers and their footer), and returns frozen objects. The page parts,
the charts and the workbook take these objects
and run no query of their own, so a figure shown twice is the same figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from . import checks, query
from .definitions import TOP_TRACKS
from .errors import QueryError
from .query import Query


def top_track_ids(breakdown: pd.DataFrame, n: int = TOP_TRACKS) -> list[str]:
    """The breakdown's top tracks (kit.definitions.TOP_TRACKS): its first n rows, in the
    order kit.query.breakdown returns them."""
    return list(breakdown["track_id"].head(n))


@dataclass(frozen=True)
class TopTracks:
    """The report's detail on a breakdown's top tracks: each one's chart positions over
    the period (kit.query.positions, by track id, in top-track order), and the daily
    streams of those with streams compared from their release (kit.query.track_comparison;
    None when fewer than two have streams)."""

    positions: Mapping[str, pd.DataFrame]
    comparison: pd.DataFrame | None


@dataclass(frozen=True)
class Moved:
    """What moved on one artist × platform between the comparison period and the period
    (README, "What moved and what is noteworthy"). Without data in the comparison period,
    `movers` and `totals` are None and `refused` says why."""

    compare: str  # "previous" or "year" (kit.period.comparison_period)
    previous_start: dt.date
    previous_end: dt.date
    movers: pd.DataFrame | None  # kit.query.movers: one row per track of either period
    totals: pd.DataFrame | None  # kit.query.movers_totals: their footer, one row
    refused: str | None = None

    @property
    def footer(self) -> pd.Series | None:
        return None if self.totals is None else self.totals.iloc[0]


def load_moved(q: Query, artist: str, platform: str, compare: str = "previous") -> Moved:
    """The movers of one artist × platform of `q` and their footer; a comparison period
    without data gives a Moved that says so (`refused`) rather than an error."""
    start, end = query.previous_period(q, compare)
    try:
        movers = query.movers(q, artist, platform, compare)
    except QueryError as exc:
        return Moved(compare, start, end, None, None, refused=str(exc))
    return Moved(compare, start, end, movers, query.movers_totals(q, artist, platform, compare))


@dataclass(frozen=True)
class PlatformData:
    """One artist on one platform over the period, as kit.query returns it."""

    artist: str  # display name
    artist_id: str
    platform: str  # slug
    start: dt.date
    end: dt.date
    breakdown: pd.DataFrame  # kit.query.breakdown: every track, in its default order
    totals: pd.DataFrame  # kit.query.breakdown_totals: the footer, one row
    series: pd.DataFrame  # kit.query.track_timeseries: the counted streams per track and day
    growth: pd.DataFrame  # kit.query.track_growth: first vs second half of the period
    top: TopTracks | None = None  # None where it was not asked for (the Explorer's rows)
    moved: Moved | None = None  # None where it was not asked for (the Explorer's rows)

    @property
    def footer(self) -> pd.Series:
        """The one row of `totals`."""
        return self.totals.iloc[0]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def top_track_ids(self) -> list[str]:
        return top_track_ids(self.breakdown)


@dataclass(frozen=True)
class Selection:
    """A query's figures: the audience of every artist × platform, its daily points, the
    sources behind them, the data checks' findings about them, and one PlatformData per
    artist × platform (artists in the query's order, then platforms)."""

    query: Query
    summary: pd.DataFrame  # kit.query.summary
    timeseries: pd.DataFrame  # kit.query.timeseries(q, None): every metric's points
    sources: pd.DataFrame  # kit.query.sources
    platforms: tuple[PlatformData, ...]
    findings: pd.DataFrame  # kit.checks.report_findings: rule, table, severity, count, …
    compare: str | None = None  # what the period is compared with: "previous", "year", None
    # kit.query.summary(q, compare=…): the audience beside the comparison period's
    audience_change: pd.DataFrame | None = None
    alerts: pd.DataFrame | None = None  # kit.query.period_alerts: the period's alerts

    @property
    def previous_period(self) -> tuple[dt.date, dt.date] | None:
        """The comparison period (start, end), None without a comparison."""
        return None if self.compare is None else query.previous_period(self.query, self.compare)

    def rows(self, artist: str) -> list[PlatformData]:
        """One artist's PlatformData (by name or id), in the query's platform order."""
        aid = self.query.artist_id(artist)
        return [p for p in self.platforms if p.artist_id == aid]


def load(
    q: Query,
    *,
    top_tracks: bool = True,
    today: dt.date | None = None,
    compare: str | None = None,
) -> Selection:
    """Every figure of the query `q`, each kit.query function run once (per artist ×
    platform for the breakdown's), and the data checks' findings about it (freshness
    measured against `today`, default today UTC). `top_tracks=False` leaves out the chart
    positions and comparison of the top tracks, which only the report's track detail shows.
    With `compare` ("previous" or "year"), what moved since the comparison period and the
    period's alerts come too; None leaves them out."""
    return Selection(
        query=q,
        summary=query.summary(q),
        timeseries=query.timeseries(q, None),
        sources=query.sources(q),
        platforms=tuple(
            load_platform(q, artist_id, platform, top_tracks=top_tracks, compare=compare)
            for artist_id in q.artist_ids
            for platform in q.platform_slugs
        ),
        findings=checks.report_findings(q, today=today),
        compare=compare,
        audience_change=None if compare is None else query.summary(q, compare=compare),
        alerts=None if compare is None else query.period_alerts(q),
    )


def load_platform(
    q: Query,
    artist: str,
    platform: str,
    *,
    top_tracks: bool = True,
    compare: str | None = None,
) -> PlatformData:
    """One artist × platform of `q`: its breakdown, footer, track series and growth, with
    `top_tracks` the positions and comparison of its top tracks, and with `compare` what
    moved since the comparison period (load_moved)."""
    aid, slug = q.artist_id(artist), q.platform(platform)
    row = query.breakdown_and_series(q, aid, slug)
    return PlatformData(
        artist=q.artist_name(aid),
        artist_id=aid,
        platform=slug,
        start=q.start,
        end=q.end,
        breakdown=row.breakdown,
        totals=row.totals,
        series=row.series,
        growth=row.growth,
        top=_top_tracks(q, slug, row.breakdown) if top_tracks else None,
        moved=None if compare is None else load_moved(q, aid, slug, compare),
    )


def _top_tracks(q: Query, platform: str, breakdown: pd.DataFrame) -> TopTracks:
    leaders = breakdown.head(TOP_TRACKS)
    positions = {t: query.positions(q, t, platform) for t in leaders["track_id"]}
    with_streams = list(leaders.loc[leaders["total_streams"].notna(), "track_id"])
    comparison = None
    if len(with_streams) >= 2:
        picked = [(platform, t) for t in with_streams]
        comparison = query.track_comparison(q, picked, align="release")
    return TopTracks(positions, comparison)
