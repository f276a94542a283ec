"""The answers, named after their shape: summary, breakdown, breakdown_totals, timeseries,
track_timeseries, sources, platforms_with_data.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .. import engine
from ..errors import QueryError
from . import core, month_rows, parts
from .core import (
    BREAKDOWN_COLUMNS,
    SUMMARY_COLUMNS,
    TIMESERIES_COLUMNS,
    TOTALS_COLUMNS,
    TRACK_TIMESERIES_COLUMNS,
    Query,
    _base_params,
    _frame,
    _platforms_in_order,
    _selection_params,
)
from .moved import audience_comparison


def summary(q: Query, compare: str | None = None) -> pd.DataFrame:
    """One row per artist × platform × metric: the audience over the period (README, "What the numbers mean").

    With `compare` ("previous" or "year"), the comparison period's end value and average
    follow, with their changes (AUDIENCE_COMPARISON_COLUMNS, kit/sql/audience_comparison.sql)."""
    if compare is not None:
        return audience_comparison(q, compare)
    cur = engine.cursor(snapshot=q.snapshot)
    if parts.served(q):
        found, params = parts.audience_parts(q, "$artists", "$platforms")
        result = core._run(
            cur,
            f"with summary_parts as ({found}) "
            "select * from audience_summary_served($artists, $platforms, $start, $end, 'summary_parts')",
            params={**_selection_params(q), **params},
        )
    else:
        result = core._run(
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
    keys = breakdown_order(sort, descending)
    if limit is not None and (limit < 0 or offset < 0):
        raise QueryError("limit and offset must be zero or more.")
    if not search and offset >= 0 and parts.served(q) and parts.one_month(q.start, q.end):
        rows = month_rows.breakdown_rows(q.snapshot, params, q.start)
        if rows is not None:
            return _frame(month_rows.ordered(rows, keys).slice(offset, limit), BREAKDOWN_COLUMNS)
    order = "order by " + ", ".join(
        f'"{column}" {"desc" if desc else "asc"} nulls last' for column, desc in keys
    )
    where = ""
    if search:
        where = "where contains(lower(title), lower($search))"
        params["search"] = search.strip()
    page = ""
    if limit is not None:
        page = "limit $limit offset $offset"
        params.update(limit=int(limit), offset=int(offset))
    elif offset:
        page = "offset $offset"
        params["offset"] = int(offset)
    cur = engine.cursor(snapshot=q.snapshot)
    sql = "select * from track_breakdown($artist, $platform, $country, $start, $end)"
    if parts.served(q):
        sql = f"with {parts.served_breakdown(params, snapshot=q.snapshot)} select * from breakdown"
    result = core._run(cur, f"{sql} {where} {order} {page}", params=params)
    return _frame(result, BREAKDOWN_COLUMNS)


def breakdown_totals(q: Query, artist: str, platform: str) -> pd.DataFrame:
    """The footer of a breakdown, one row: total, track count, top track, streams per listener."""
    params = {"artist": q.artist_id(artist), "platform": q.platform(platform), **_base_params(q)}
    cur = engine.cursor(snapshot=q.snapshot)
    sql = "select * from breakdown_totals($artist, $platform, $country, $start, $end)"
    if parts.served(q):
        sql = (
            f"with {parts.served_totals_parts(q, params)} "
            "select * from breakdown_totals_served('breakdown', 'listener_parts')"
        )
    result = core._run(cur, sql, params=params)
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
    cur = engine.cursor(snapshot=q.snapshot)
    result = core._run(
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
    macro = "artist_track_daily_served" if parts.served(q) else "artist_track_daily"
    cur = engine.cursor(snapshot=q.snapshot)
    result = core._run(
        cur,
        f"""
        select * from {macro}($artist, $platform, $country, $start, $end)
        where $tracks is null or list_contains($tracks, track_id)
        order by track_id, date
        """,
        params=params,
    )
    return _frame(result, TRACK_TIMESERIES_COLUMNS)


SOURCES_COLUMNS = ["data", "platform", "source", "row_count", "first_date", "last_date"]


def sources(q: Query) -> pd.DataFrame:
    """Where the query's figures come from: one row per table × platform × source with
    the rows it holds for these artists in the country and period, and its date span."""
    cur = engine.cursor(snapshot=q.snapshot)
    result = core._run(
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
    cur = engine.cursor(snapshot=q.snapshot)
    result = core._run(
        cur,
        "select * from platforms_with_data($artists, $country, $start, $end)",
        params={"artists": list(q.artist_ids), **_base_params(q)},
    )
    found = _frame(result, PLATFORMS_WITH_DATA_COLUMNS).set_index("platform", drop=False)
    return found.loc[list(_platforms_in_order(found["platform"]))].reset_index(drop=True)
