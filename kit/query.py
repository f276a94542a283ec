"""The answers, named after their shape: summary, breakdown, timeseries.

A `Query` (artists, platforms, country, period) is parsed and validated once against
the warehouse. The functions run the SQL of kit/sql/ with the query's values as
parameters and return typed pandas DataFrames; the widget, the report, the workbook and
the CLI call these and compute nothing else.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from . import config, db, engine
from .countries import country_code, country_name
from .errors import QueryError
from .period import PeriodError, PeriodLike, comparison_period, parse_period, period_label
from .platforms import PLATFORMS, normalise_platform
from .schema import GLOBAL

SUMMARY_COLUMNS = [
    "artist", "platform", "metric", "start_value", "end_value", "difference", "pct_change",
    "average", "peak_value", "peak_date", "points", "coverage", "artist_id",
]  # fmt: skip
BREAKDOWN_COLUMNS = [
    "track_id", "title", "credit", "total_streams", "avg_daily", "peak_streams", "peak_date",
    "best_position", "days_on_chart", "first_chart_date", "last_chart_date", "share", "source",
    "coverage", "peak_kind", "days_with_value",
]  # fmt: skip
TOTALS_COLUMNS = [
    "total_streams", "track_count", "partial_tracks", "tracks_without_streams", "top_track_id",
    "top_track", "top_track_streams", "top_track_share", "average_listeners", "listener_points",
    "streams_per_listener",
]  # fmt: skip
TIMESERIES_COLUMNS = [
    "artist_id", "artist", "platform", "country", "metric", "date", "value", "source", "window_start",
]  # fmt: skip
TRACK_TIMESERIES_COLUMNS = [
    "track_id",
    "title",
    "credit",
    "date",
    "streams",
    "days",
    "kind",
    "source",
]

_TYPES = {
    pa.int64(): pd.Int64Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int16(): pd.Int16Dtype(),
}


@dataclass(frozen=True)
class Query:
    """What the analyst asks about: artists (names or ids), platforms, a country, a period.

    `period` is 'YYYY-MM', 'YYYY-MM-DD:YYYY-MM-DD', a (start, end) pair, or '28d:YYYY-MM-DD'
    (the 28 days that make up the monthly listeners of that day). `platforms` defaults to
    every platform with data for these artists in the country and period (kit/sql/
    platforms_with_data.sql); `country` to GLOBAL (worldwide)."""

    artists: str | Sequence[str]
    period: PeriodLike
    platforms: str | Sequence[str] | None = None
    country: str = GLOBAL
    warehouse: str | os.PathLike | None = None
    check_data: bool = True

    artist_ids: tuple[str, ...] = field(init=False)
    artist_names: tuple[str, ...] = field(init=False)
    platform_slugs: tuple[str, ...] = field(init=False)
    country_code: str = field(init=False)
    start: dt.date = field(init=False)
    end: dt.date = field(init=False)
    warehouse_path: Path = field(init=False)

    def __post_init__(self) -> None:
        root = config.warehouse_path(self.warehouse)
        if not root.exists():
            raise QueryError(f"No warehouse at {root}: run `kit demo` or ingest data first.")
        set_ = object.__setattr__
        set_(self, "warehouse_path", root)
        cur = db.cursor(root)

        def window_start(d: dt.date) -> dt.date:
            return cur.execute("select listeners_window_start(?)", [d]).fetchall()[0][0]

        try:
            start, end = parse_period(self.period, window_start)
        except PeriodError as exc:
            raise QueryError(str(exc)) from None
        set_(self, "start", start)
        set_(self, "end", end)
        try:
            set_(self, "country_code", country_code(self.country))
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        ids, names = _resolve_artists(cur, self.artists)
        set_(self, "artist_ids", ids)
        set_(self, "artist_names", names)
        set_(
            self,
            "platform_slugs",
            _resolve_platforms(cur, self.platforms, ids, self.country_code, start, end),
        )
        if self.check_data:
            _require_data(cur, self)

    @property
    def period_label(self) -> str:
        return period_label(self.start, self.end)

    @property
    def country_label(self) -> str:
        return country_name(self.country_code)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def artist_id(self, artist: str) -> str:
        """The id of one of this query's artists, given by name or id."""
        for aid, name in zip(self.artist_ids, self.artist_names, strict=True):
            if artist in (aid, name) or artist.casefold() == name.casefold():
                return aid
        raise QueryError(
            f"Artist {artist!r} is not part of this query ({', '.join(self.artist_names)})."
        )

    def artist_name(self, artist: str) -> str:
        return self.artist_names[self.artist_ids.index(self.artist_id(artist))]

    def platform(self, platform: str) -> str:
        slug = normalise_platform(platform)
        if slug not in self.platform_slugs:
            raise QueryError(
                f"Platform {platform!r} is not part of this query ({', '.join(self.platform_slugs)})."
            )
        return slug

    def replace(self, **changes) -> Query:
        """A new, validated query with some fields changed."""
        fields = {
            "artists": self.artists,
            "period": self.period,
            "platforms": self.platforms,
            "country": self.country,
            "warehouse": self.warehouse_path,
            "check_data": self.check_data,
        }
        fields.update(changes)
        return Query(**fields)


def _resolve_artists(cur, artists: str | Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    wanted = [artists] if isinstance(artists, str) else list(artists)
    if not wanted:
        raise QueryError("No artist given: name at least one artist.")
    known = cur.execute("select artist_id, name from artists order by name").fetchall()
    by_id = {a: n for a, n in known}
    by_name = {n.casefold(): (a, n) for a, n in known}
    ids, names = [], []
    for w in wanted:
        text = str(w).strip()
        if text in by_id:
            ids.append(text)
            names.append(by_id[text])
        elif text.casefold() in by_name:
            a, n = by_name[text.casefold()]
            ids.append(a)
            names.append(n)
        else:
            close = difflib.get_close_matches(text, [n for _, n in known], n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise QueryError(f"Unknown artist {text!r}.{hint}")
    return tuple(dict.fromkeys(ids)), tuple(dict.fromkeys(names))


def _resolve_platforms(
    cur,
    platforms: str | Sequence[str] | None,
    artist_ids: tuple[str, ...],
    country: str,
    start: dt.date,
    end: dt.date,
) -> tuple[str, ...]:
    if platforms is None or platforms == [] or platforms == ():
        return _platforms_in_order(
            r[0]
            for r in cur.execute(
                "select platform from platforms_with_data($artists, $country, $start, $end)",
                {"artists": list(artist_ids), "country": country, "start": start, "end": end},
            ).fetchall()
        )
    wanted = [platforms] if isinstance(platforms, str) else list(platforms)
    out = []
    for p in wanted:
        slug = normalise_platform(str(p))
        if slug not in PLATFORMS:
            close = difflib.get_close_matches(slug, list(PLATFORMS), n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise QueryError(
                f"Unknown platform {p!r}: expected one of {', '.join(PLATFORMS)}.{hint}"
            )
        out.append(slug)
    return tuple(dict.fromkeys(out))


def _platforms_in_order(slugs) -> tuple[str, ...]:
    """Known platforms in the order of kit.platforms, then any others by name."""
    found = set(slugs)
    return tuple([p for p in PLATFORMS if p in found] + sorted(found - set(PLATFORMS)))


# A period that holds every date the warehouse can carry: "anywhere in the warehouse".
_ALL_TIME = {"start": dt.date(1900, 1, 1), "end": dt.date(2999, 12, 31)}


def _require_data(cur, q: Query) -> None:
    if q.platform_slugs and not q.platforms:
        return  # the default platforms are those with data (platforms_with_data)
    # the About sheet's list of sources is exactly "the data there is": none means no answer
    found = cur.execute(
        "select count(*) from period_sources($artists, $platforms, $country, $start, $end)",
        _selection_params(q),
    ).fetchall()[0][0]
    if found:
        return
    span = cur.execute(
        "select min(first_date), max(last_date) from platforms_with_data($artists, $country, $start, $end)",
        {"artists": list(q.artist_ids), "country": q.country_code, **_ALL_TIME},
    ).fetchall()[0]
    where = (
        f" The warehouse has data for them in {q.country_code} from {span[0]} to {span[1]}."
        if span and span[0]
        else f" The warehouse has no data for them in {q.country_code}."
    )
    raise QueryError(
        f"No data for {', '.join(q.artist_names)} on {', '.join(q.platform_slugs) or 'any platform'} "
        f"in {q.country_code} from {q.start} to {q.end}.{where}"
    )


def _run(cur, sql: str, params: dict | None = None) -> pa.Table:
    """The answer of `sql` as Arrow, on the engine in force.

    On DuckDB, execute() binds and plans the query once, where a relation from .sql() parses
    and binds it again when fetched (about a fifth more CPU per breakdown, measured by the
    benchmark); the copy DuckDB warns about costs less than that for answers this size."""
    if isinstance(cur, duckdb.DuckDBPyConnection):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
            return cur.execute(sql, params).to_arrow_table()
    return cur.sql(sql, params=params).to_arrow_table()


def _frame(table: pa.Table, columns: list[str]) -> pd.DataFrame:
    df = table.to_pandas(types_mapper=_TYPES.get, date_as_object=False)
    return df[columns] if columns else df


def _base_params(q: Query) -> dict:
    return {"country": q.country_code, "start": q.start, "end": q.end}


def _selection_params(q: Query) -> dict:
    """The query's artists, platforms, country and period, as the macros take them."""
    return {"artists": list(q.artist_ids), "platforms": list(q.platform_slugs), **_base_params(q)}


def summary(q: Query, compare: str | None = None) -> pd.DataFrame:
    """One row per artist × platform × metric: the audience over the period (README, "What the numbers mean").

    With `compare` ("previous" or "year"), the comparison period's end value and average
    follow, with their changes (AUDIENCE_COMPARISON_COLUMNS, kit/sql/audience_comparison.sql)."""
    if compare is not None:
        return audience_comparison(q, compare)
    cur = engine.cursor(q.warehouse_path)
    result = _run(
        cur,
        "select * from audience_summary($artists, $platforms, $country, $start, $end)",
        params=_selection_params(q),
    )
    return _frame(result, SUMMARY_COLUMNS)


SORTABLE = set(BREAKDOWN_COLUMNS)
# The breakdown's order as (column, descending) keys, used by the SQL ORDER BY and by the
# Explorer's re-sorting of its cached rows: a `sort` column first, then most streams, best
# position, title and id, so that ties come out the same everywhere.
BREAKDOWN_ORDER = (("total_streams", True), ("best_position", False), ("title", False), ("track_id", False))  # fmt: skip
DESCENDING_FIRST = frozenset({"total_streams", "avg_daily", "peak_streams", "share", "days_on_chart", "coverage"})  # fmt: skip


def breakdown_order(
    sort: str | None = None, descending: bool | None = None
) -> list[tuple[str, bool]]:
    """The keys that order a breakdown (missing values last on each); `sort` opens
    descending when it is in DESCENDING_FIRST, unless `descending` says otherwise."""
    if sort is not None and sort not in SORTABLE:
        raise QueryError(
            f"Cannot sort by {sort!r}: expected one of {', '.join(BREAKDOWN_COLUMNS)}."
        )
    if descending is None:
        descending = sort in DESCENDING_FIRST
    first = [] if sort is None else [(sort, descending)]
    return first + [key for key in BREAKDOWN_ORDER if key[0] != sort]


def breakdown(
    q: Query,
    artist: str,
    platform: str,
    *,
    sort: str | None = None,
    descending: bool | None = None,
    search: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> pd.DataFrame:
    """One row per track that carried `artist` on `platform` in the query's country and period.

    Default order: most streams first, then best position. `sort` names any column;
    `search` keeps titles containing it (case-insensitive); `offset`/`limit` page the rows.
    share is always of the artist's whole total, whatever the search keeps."""
    params = {"artist": q.artist_id(artist), "platform": q.platform(platform), **_base_params(q)}
    order = "order by " + ", ".join(
        f'"{column}" {"desc" if desc else "asc"} nulls last'
        for column, desc in breakdown_order(sort, descending)
    )
    where = ""
    if search:
        where = "where contains(lower(title), lower($search))"
        params["search"] = search.strip()
    page = ""
    if limit is not None:
        if limit < 0 or offset < 0:
            raise QueryError("limit and offset must be zero or more.")
        page = "limit $limit offset $offset"
        params.update(limit=int(limit), offset=int(offset))
    elif offset:
        page = "offset $offset"
        params["offset"] = int(offset)
    cur = engine.cursor(q.warehouse_path)
    result = _run(
        cur,
        f"select * from track_breakdown($artist, $platform, $country, $start, $end) {where} {order} {page}",
        params=params,
    )
    return _frame(result, BREAKDOWN_COLUMNS)


def breakdown_totals(q: Query, artist: str, platform: str) -> pd.DataFrame:
    """The footer of a breakdown, one row: total, track count, top track, streams per listener."""
    params = {"artist": q.artist_id(artist), "platform": q.platform(platform), **_base_params(q)}
    cur = engine.cursor(q.warehouse_path)
    result = _run(
        cur,
        "select * from breakdown_totals($artist, $platform, $country, $start, $end)",
        params=params,
    )
    return _frame(result, TOTALS_COLUMNS)


def timeseries(
    q: Query,
    metric: str | None = "monthly_listeners",
    *,
    artist: str | None = None,
    platform: str | None = None,
) -> pd.DataFrame:
    """The audience points over the period, one row per artist × platform × metric × date."""
    params = {
        "artists": [q.artist_id(artist)] if artist else list(q.artist_ids),
        "platforms": [q.platform(platform)] if platform else list(q.platform_slugs),
        "metric": metric,
        **_base_params(q),
    }
    cur = engine.cursor(q.warehouse_path)
    result = _run(
        cur,
        """
        select * exclude (month) from audience_daily
        where list_contains($artists, artist_id) and list_contains($platforms, platform)
          and country = $country and ($metric is null or metric = $metric)
          and month between strftime($start, '%Y-%m') and strftime($end, '%Y-%m')
          and date between $start and $end
        order by artist_id, platform, metric, date
        """,
        params=params,
    )
    return _frame(result, TIMESERIES_COLUMNS)


def track_timeseries(
    q: Query,
    artist: str,
    platform: str,
    *,
    tracks: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The counted streams of the artist's tracks, one row per track × day (days = 1) or
    week (days = 7, dated on its last day), as the breakdown counts them."""
    params = {
        "artist": q.artist_id(artist),
        "platform": q.platform(platform),
        "tracks": list(tracks) if tracks is not None else None,
        **_base_params(q),
    }
    cur = engine.cursor(q.warehouse_path)
    result = _run(
        cur,
        """
        select * from artist_track_daily($artist, $platform, $country, $start, $end)
        where $tracks is null or list_contains($tracks, track_id)
        order by track_id, date
        """,
        params=params,
    )
    return _frame(result, TRACK_TIMESERIES_COLUMNS)


@dataclass(frozen=True)
class Catalogue:
    """What a warehouse holds, for pickers: artists (id, name) by name, the platforms and
    countries with dated data, and the first and last date with data anywhere."""

    artists: tuple[tuple[str, str], ...]
    platforms: tuple[str, ...]
    countries: tuple[str, ...]
    first_date: dt.date | None
    last_date: dt.date | None


def catalogue(warehouse: str | os.PathLike | None = None) -> Catalogue:
    """The warehouse's artists, platforms, countries and date span (kit/sql/data_span.sql)."""
    cur = db.cursor(config.warehouse_path(warehouse))
    artists = cur.execute("select artist_id, name from artists order by name, artist_id").fetchall()
    platforms = [r[0] for r in cur.execute("select distinct platform from data_span").fetchall()]
    countries = cur.execute("select distinct country from data_span order by country").fetchall()
    first, last = cur.execute("select min(first_date), max(last_date) from data_span").fetchall()[0]
    ordered = [p for p in PLATFORMS if p in platforms] + sorted(set(platforms) - set(PLATFORMS))
    return Catalogue(
        artists=tuple((a, n) for a, n in artists),
        platforms=tuple(ordered),
        countries=tuple(r[0] for r in countries),
        first_date=first,
        last_date=last,
    )


SOURCES_COLUMNS = ["data", "platform", "source", "row_count", "first_date", "last_date"]


def sources(q: Query) -> pd.DataFrame:
    """Where the query's figures come from: one row per table × platform × source with
    the rows it holds for these artists in the country and period, and its date span."""
    cur = engine.cursor(q.warehouse_path)
    result = _run(
        cur,
        "select * from period_sources($artists, $platforms, $country, $start, $end)",
        params=_selection_params(q),
    )
    return _frame(result, SOURCES_COLUMNS)


PLATFORMS_WITH_DATA_COLUMNS = ["platform", "row_count", "first_date", "last_date"]


def platforms_with_data(q: Query) -> pd.DataFrame:
    """The platforms with data for the query's artists in its country and period, whatever
    platforms the query names: one row per platform with audience points, chart entries or
    own-series values there (kit/sql/platforms_with_data.sql), how many rows, and the first
    and last date; known platforms first, in the order of kit.platforms. What a query's
    default platforms are, and what a platform picker offers."""
    cur = engine.cursor(q.warehouse_path)
    result = _run(
        cur,
        "select * from platforms_with_data($artists, $country, $start, $end)",
        params={"artists": list(q.artist_ids), **_base_params(q)},
    )
    found = _frame(result, PLATFORMS_WITH_DATA_COLUMNS).set_index("platform", drop=False)
    return found.loc[list(_platforms_in_order(found["platform"]))].reset_index(drop=True)


POSITIONS_COLUMNS = [
    "date", "country", "frequency", "position", "chart", "track_id", "title", "streams",
]  # fmt: skip
GROWTH_COLUMNS = [
    "track_id", "half_days", "first_half_streams", "second_half_streams", "half_change",
]  # fmt: skip
COMPARISON_COLUMNS = [
    "track_id", "title", "date", "streams", "days", "kind", "source", "release_date",
    "chart_entry_date", "days_since_release", "days_since_chart_entry",
]  # fmt: skip
ALIGNMENTS = {
    "date": "date",
    "release": "days_since_release",
    "chart_entry": "days_since_chart_entry",
}


def resolve_track(q: Query, track: str) -> str:
    """The id of a track given by id, or by title among the tracks credited to the query's
    artists (case-insensitive). An unknown or ambiguous title raises QueryError."""
    cur = db.cursor(q.warehouse_path)
    text = str(track).strip()
    if cur.execute("select 1 from tracks where track_id = ?", [text]).fetchall():
        return text
    known = cur.execute(
        """
        select distinct t.track_id, t.title from tracks as t
        join track_credits as tc on tc.track_id = t.track_id
        where list_contains(?, tc.artist_id)
        order by t.title, t.track_id
        """,
        [list(q.artist_ids)],
    ).fetchall()
    found = [tid for tid, title in known if (title or "").casefold() == text.casefold()]
    if len(found) == 1:
        return found[0]
    if found:
        raise QueryError(
            f"Several tracks of {', '.join(q.artist_names)} are titled {text!r} "
            f"({', '.join(found)}): give the track id."
        )
    close = difflib.get_close_matches(text, [title for _, title in known if title], n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise QueryError(f"No track {text!r} of {', '.join(q.artist_names)}.{hint}")


def positions(
    q: Query,
    track: str,
    platform: str = "spotify",
    *,
    countries: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The chart positions of one track (id, or title of a track of the query's artists) on
    the platform's top chart over the query's period: one row per entry, in every country
    whose chart it was on (the query's country does not restrict it; `countries` does),
    daily and weekly (a weekly row is dated on its week's last day). Days off the chart
    have no row (kit/sql/track_positions.sql)."""
    slug = normalise_platform(platform)
    if slug not in PLATFORMS:
        raise QueryError(f"Unknown platform {platform!r}: expected one of {', '.join(PLATFORMS)}.")
    try:
        wanted = [country_code(c) for c in countries] if countries else None
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    cur = engine.cursor(q.warehouse_path)
    result = _run(
        cur,
        """
        select * from track_positions($track, $platform, $start, $end)
        where $countries is null or list_contains($countries, country)
        order by country, frequency, date
        """,
        params={
            "track": resolve_track(q, track),
            "platform": slug,
            "countries": wanted,
            "start": q.start,
            "end": q.end,
        },
    )
    return _frame(result, POSITIONS_COLUMNS)


def track_growth(q: Query, artist: str, platform: str) -> pd.DataFrame:
    """Per track of the artist's breakdown: its counted streams in the first and second
    half of the period and the change between them (kit/sql/track_growth.sql)."""
    params = {"artist": q.artist_id(artist), "platform": q.platform(platform), **_base_params(q)}
    cur = engine.cursor(q.warehouse_path)
    result = _run(
        cur,
        "select * from track_growth($artist, $platform, $country, $start, $end) order by track_id",
        params=params,
    )
    return _frame(result, GROWTH_COLUMNS)


def track_comparison(
    q: Query,
    tracks: Sequence[tuple[str, str]],
    *,
    align: str = "date",
) -> pd.DataFrame:
    """The counted streams of 2–6 tracks, each given as (platform, track id or title), in
    the query's country, one row per track × day (or week, days = 7) as the breakdown
    counts them (kit/sql/track_comparison.sql); the tracks may be any artists'.

    `align` says which days are compared and what `x` holds:
    - "date": the query's period for every track; x is the date;
    - "release": each track's first N days from its release date, N = the query's days
      (day 0 = release day); x is days since release;
    - "chart_entry": likewise from the track's first day on the platform's top chart for
      the country anywhere in the warehouse (kit/sql/track_milestones.sql).
    A track whose release or chart-entry day is unknown has no rows under that alignment;
    its title is listed in `.attrs["unaligned"]`; `.attrs["titles"]` lists every track's."""
    if align not in ALIGNMENTS:
        raise QueryError(f"Unknown alignment {align!r}: expected one of {', '.join(ALIGNMENTS)}.")
    if not 2 <= len(tracks) <= 6:
        raise QueryError(f"Pick 2 to 6 tracks to compare ({len(tracks)} picked).")
    cur = engine.cursor(q.warehouse_path)
    frames, titles, unaligned = [], [], []
    for platform, track in tracks:
        slug = normalise_platform(platform)
        if slug not in PLATFORMS:
            raise QueryError(
                f"Unknown platform {platform!r}: expected one of {', '.join(PLATFORMS)}."
            )
        params = {"track": resolve_track(q, track), "platform": slug, "country": q.country_code}
        milestones = _frame(
            _run(cur, "select * from track_milestones($track, $platform, $country)", params=params),
            [],
        )
        titles.append(milestones["title"].iloc[0])
        start, end = q.start, q.end
        if align != "date":
            day = milestones[f"{align}_date"].iloc[0]
            if pd.isna(day):
                unaligned.append(titles[-1])
                continue
            start = pd.Timestamp(day).date()
            end = start + dt.timedelta(days=q.days - 1)
        result = _run(
            cur,
            """
            select * from track_comparison($track, $platform, $country, $start, $end)
            order by date
            """,
            params={**params, "start": start, "end": end},
        )
        frames.append(_frame(result, COMPARISON_COLUMNS).assign(platform=slug))
    columns = ["platform", *COMPARISON_COLUMNS]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    out = out[columns]
    out["x"] = out[ALIGNMENTS[align]]
    out.attrs["titles"] = titles
    out.attrs["unaligned"] = unaligned
    return out


def track_artists(track_id: str, warehouse: str | os.PathLike | None = None) -> tuple[str, ...]:
    """The ids of the artists credited on a track, main artists first; () when unknown."""
    cur = db.cursor(config.warehouse_path(warehouse))
    rows = cur.execute(
        """
        select artist_id from track_credits where track_id = ?
        order by role = 'main' desc, artist_id
        """,
        [str(track_id).strip()],
    ).fetchall()
    return tuple(dict.fromkeys(r[0] for r in rows))


# ---------------------------------------------------------------------------------------
# What moved: a period against the period it is compared with (README, "What moved and
# what is noteworthy"). The comparison period is kit.period.comparison_period's.

AUDIENCE_COMPARISON_COLUMNS = [
    *SUMMARY_COLUMNS, "previous_end_value", "previous_average", "previous_coverage",
    "end_change", "end_pct_change", "average_change", "average_pct_change",
]  # fmt: skip
MOVERS_COLUMNS = [
    "track_id", "title", "credit", "streams", "previous_streams", "change", "pct_change",
    "contribution", "best_position", "previous_best_position", "rank", "previous_rank",
    "status", "coverage", "previous_coverage", "previous_partial",
]  # fmt: skip
# Sorting by these puts the largest first; by any other column, the smallest.
_LARGEST_FIRST = {
    "streams", "previous_streams", "change", "pct_change", "contribution", "coverage",
    "previous_coverage", "previous_partial",
}  # fmt: skip


def previous_period(q: Query, compare: str = "previous") -> tuple[dt.date, dt.date]:
    """The period the query's period is compared with (kit.period.comparison_period)."""
    try:
        return comparison_period(q.start, q.end, compare)
    except PeriodError as exc:
        raise QueryError(str(exc)) from None


def audience_comparison(q: Query, compare: str = "previous") -> pd.DataFrame:
    """summary(q) with the comparison period's end value, average and coverage beside each
    row, and the changes: one row per artist × platform × metric with points in the period."""
    previous_start, previous_end = previous_period(q, compare)
    cur = engine.cursor(q.warehouse_path)
    result = _run(
        cur,
        """
        select * from audience_comparison(
            $artists, $platforms, $country, $start, $end, $previous_start, $previous_end)
        """,
        params={
            **_selection_params(q),
            "previous_start": previous_start,
            "previous_end": previous_end,
        },
    )
    out = _frame(result, AUDIENCE_COMPARISON_COLUMNS)
    out.attrs["previous_period"] = (previous_start, previous_end)
    return out


def movers(
    q: Query,
    artist: str,
    platform: str,
    compare: str = "previous",
    *,
    sort: str | None = None,
    descending: bool | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """What moved between the comparison period and the query's period: one row per track
    of either period's breakdown of `artist` on `platform` (kit/sql/track_movers.sql).

    Default order: the largest change first, up or down. `sort` names any column (change,
    contribution, pct_change… largest first; rank, title… smallest first); `limit` keeps
    the first rows. `.attrs["previous_period"]` is the comparison period (start, end).
    A comparison period without any data for the artist on the platform in the country is
    refused: every track would look new."""
    artist_id, slug = q.artist_id(artist), q.platform(platform)
    previous_start, previous_end = previous_period(q, compare)
    cur = engine.cursor(q.warehouse_path)
    params = {
        "artist": artist_id,
        "platform": slug,
        **_base_params(q),
        "previous_start": previous_start,
        "previous_end": previous_end,
    }
    order = ""
    if sort is not None:
        if sort not in MOVERS_COLUMNS:
            raise QueryError(
                f"Cannot sort by {sort!r}: expected one of {', '.join(MOVERS_COLUMNS)}."
            )
        largest_first = sort in _LARGEST_FIRST if descending is None else descending
        direction = "desc" if largest_first else "asc"
        order = (
            f'order by "{sort}" {direction} nulls last, abs(change) desc nulls last, '
            "rank asc nulls last, previous_rank asc nulls last, track_id"
        )
    page = ""
    if limit is not None:
        if limit < 0:
            raise QueryError("limit must be zero or more.")
        page = "limit $limit"
        params["limit"] = int(limit)
    result = _run(
        cur,
        f"""
        select * from track_movers(
            $artist, $platform, $country, $start, $end, $previous_start, $previous_end)
        {order} {page}
        """,
        params=params,
    )
    out = _frame(result, MOVERS_COLUMNS)
    if out["previous_rank"].isna().all():  # no track then: is there any data at all?
        _require_comparison_data(q, artist_id, slug, previous_start, previous_end)
    out.attrs["previous_period"] = (previous_start, previous_end)
    return out


def _require_comparison_data(
    q: Query, artist_id: str, platform: str, start: dt.date, end: dt.date
) -> None:
    cur = db.cursor(q.warehouse_path)
    params = {
        "artists": [artist_id],
        "platforms": [platform],
        "country": q.country_code,
        "start": start,
        "end": end,
    }
    found = cur.execute(
        "select count(*) from period_sources($artists, $platforms, $country, $start, $end)",
        params,
    ).fetchall()[0][0]
    if not found:
        raise QueryError(
            f"No data for {q.artist_name(artist_id)} on {platform} in {q.country_code} "
            f"from {start} to {end}, the period {q.period_label} is compared with: nothing "
            "to compare with. Pick another period or comparison."
        )


# ---------------------------------------------------------------------------------------
# What is noteworthy: unusual days against each series' own trailing baseline, and chart
# events (kit/sql/series_alerts.sql, kit/sql/chart_alerts.sql; thresholds in kit.alerts).

ALERT_COLUMNS = [
    "date", "artist", "platform", "country", "track", "metric", "kind", "value", "baseline",
    "change", "pct_change", "score", "message", "artist_id", "track_id", "frequency",
]  # fmt: skip
ALERT_DAYS = 7  # without `since`: the week ending on `until`


def alerts(
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    *,
    artists: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    countries: Sequence[str] | None = None,
    rules=None,
    warehouse: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """The alerts dated from `since` to `until` (both included): one row per spike or drop
    of an audience metric or of a track's counted daily streams, and per chart entry, exit
    or new peak, for the artists (default: all), platforms and countries (default: all with
    data). `until` defaults to the last day with data, `since` to the week ending on it;
    `rules` is a kit.alerts.AlertRules (default: the documented thresholds).
    `.attrs` holds since, until and the rules."""
    from .alerts import AlertRules, alert_messages

    root = config.warehouse_path(warehouse)
    if not root.exists():
        raise QueryError(f"No warehouse at {root}: run `kit demo` or ingest data first.")
    rules = rules or AlertRules()
    cur = db.cursor(root)
    last = cur.execute("select max(last_date) from data_span").fetchall()[0][0]
    until = _alert_day(until, "until") or last or dt.date.today()
    since = _alert_day(since, "since") or until - dt.timedelta(days=ALERT_DAYS - 1)
    if until < since:
        raise QueryError(f"The alerts' period ends ({until}) before it starts ({since}).")
    if artists:
        artist_ids = list(_resolve_artists(cur, artists)[0])
    else:
        artist_ids = [r[0] for r in cur.execute("select artist_id from artists").fetchall()]
    slugs = _alert_platforms(platforms)
    try:
        codes = [country_code(c) for c in countries] if countries else None
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    pairs = cur.execute(
        """
        select distinct platform, country from data_span
        where ($platforms is null or list_contains($platforms, platform))
          and ($countries is null or list_contains($countries, country))
        order by platform, country
        """,
        {"platforms": slugs, "countries": codes},
    ).fetchall()
    params: dict = {
        "artists": artist_ids,
        "platforms": sorted({p for p, _ in pairs}),
        "countries": sorted({c for _, c in pairs}),
        "since": since,
        "until": until,
        "chart_days": rules.chart_days,
        "peak_top": rules.peak_top,
    }
    parts = [
        "select * from chart_alerts($artists, $platforms, $countries, $since, $until, $chart_days, $peak_top)"
    ]
    series_rules = (
        "baseline_days", "min_points", "min_score", "audience_min_pct", "audience_min_change",
        "streams_min_pct", "streams_min_change", "cooldown_days",
    )  # fmt: skip
    for n, (platform, country) in enumerate(pairs):
        params.update({name: getattr(rules, name) for name in series_rules})
        params.update({f"platform_{n}": platform, f"country_{n}": country})
        arguments = ", ".join(f"${name}" for name in series_rules)
        parts.append(
            f"select * from series_alerts($artists, $platform_{n}, $country_{n}, $since, $until, {arguments})"
        )
    result = _run(
        engine.cursor(root),
        f"""
        select * from ({" union all ".join(parts)}) as found
        order by date, artist, artist_id, platform, country, track_id nulls first, metric,
                 frequency nulls first, kind
        """,
        params=params,
    )
    out = _frame(result, [])
    out["message"] = alert_messages(out, rules)
    out = out[ALERT_COLUMNS]
    out.attrs.update(since=since, until=until, rules=rules)
    return out


def _alert_day(value: str | dt.date | None, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise QueryError(f"Invalid {what} {value!r}: expected a date, YYYY-MM-DD.") from None


def _alert_platforms(platforms: Sequence[str] | None) -> list[str] | None:
    if not platforms:
        return None
    out = []
    for p in platforms:
        slug = normalise_platform(str(p))
        if slug not in PLATFORMS:
            close = difflib.get_close_matches(slug, list(PLATFORMS), n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise QueryError(
                f"Unknown platform {p!r}: expected one of {', '.join(PLATFORMS)}.{hint}"
            )
        out.append(slug)
    return list(dict.fromkeys(out))
