"""What moved: a period against the period it is compared with."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import engine
from ..errors import QueryError
from ..period import PeriodError, comparison_period
from . import core, month_rows, parts, period_files
from .catalogue import lookups
from .core import SUMMARY_COLUMNS, Query, _base_params, _frame, _selection_params

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
# The serving table of whole months' movers against the month before (kit/schema.py).
MOVERS_TABLE = "artist_track_movers"
MOVERS_TOTALS_COLUMNS = [
    "streams", "previous_streams", "change", "pct_change", "tracks", "previous_tracks",
    "new_tracks", "gone_tracks", "up_tracks", "down_tracks", "same_tracks",
    "previous_partial_tracks",
]  # fmt: skip
# Sorting by these puts the largest first; by any other column, the smallest.
LARGEST_FIRST = frozenset({
    "streams", "previous_streams", "change", "pct_change", "contribution", "coverage",
    "previous_coverage", "previous_partial",
})  # fmt: skip
# A status sorts in this order: the gains first, the losses last.
STATUS_ORDER = ("new", "up", "same", "down", "gone")
# The movers' order as (key, descending), used by the SQL ORDER BY and by the Explorer's
# re-sorting of its cached rows: a `sort` column first, then the largest change up or down
# ("abs_change"), the place in the period's breakdown, in the comparison period's, the id.
MOVERS_ORDER = (("abs_change", True), ("rank", False), ("previous_rank", False), ("track_id", False))  # fmt: skip


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
    cur = engine.cursor(snapshot=q.snapshot)
    result = core._run(
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
    refused: every track would look new. A calendar month against the month before is read
    as the serving layer stores it (artist_track_movers), then ordered and paged in Arrow;
    any other comparison is one statement (`_moved`)."""
    artist_id, slug = q.artist_id(artist), q.platform(platform)
    previous_start, previous_end = previous_period(q, compare)
    params = {
        "artist": artist_id,
        "platform": slug,
        **_base_params(q),
        "previous_start": previous_start,
        "previous_end": previous_end,
    }
    keys = None if sort is None else movers_order(sort, descending)
    if limit is not None and limit < 0:
        raise QueryError("limit must be zero or more.")
    kept = _stored_movers(q, params)
    if kept is not None:
        if kept["previous_rank"].null_count == kept.num_rows:
            # no track of the month before's stored breakdown: it has none of the artist's
            _require_comparison_data(q, params, breakdown_empty=True)
        rows = kept if keys is None else _ordered(kept, keys)
        out = _frame(rows if limit is None else rows.slice(0, limit), MOVERS_COLUMNS)
        out.attrs["previous_period"] = (previous_start, previous_end)
        return out
    order = ""
    if keys is not None:
        order = "order by " + ", ".join(
            f"{_ORDER_EXPRESSIONS.get(key) or _quoted(key)} {'desc' if desc else 'asc'} nulls last"
            for key, desc in keys
        )
        if sort == "status":
            params["status_order"] = list(STATUS_ORDER)
    page = ""
    if limit is not None:
        page = "limit $limit"
        params["limit"] = int(limit)
    out = _frame(_moved(q, "track_movers", params, f"{order} {page}"), MOVERS_COLUMNS)
    out.attrs["previous_period"] = (previous_start, previous_end)
    return out


_ORDER_EXPRESSIONS = {
    "abs_change": "abs(change)",
    "status": "list_position($status_order, status)",
}


def _stored_movers(q: Query, params: dict) -> pa.Table | None:
    """The artist's movers as the serving layer stores them (artist_track_movers, every
    column, in the movers' default order), when the period is a calendar month compared
    with the month before, of a version with a serving layer whose month has a file; else
    None: the statement answers."""
    start, previous_start = params["start"], params["previous_start"]
    month_before = (start - dt.timedelta(days=1)).replace(day=1)
    if (
        not parts.served(q)
        or not parts.one_month(start, params["end"])
        or (previous_start, params["previous_end"]) != (month_before, start - dt.timedelta(days=1))
    ):
        return None
    return month_rows.month_rows(
        q.snapshot, params["platform"], f"{start:%Y-%m}", params["country"], params["artist"],
        None, MOVERS_TABLE,
    )  # fmt: skip


def _ordered(rows: pa.Table, keys: list[tuple[str, bool]]) -> pa.Table:
    """Stored movers sorted by `keys` (movers_order) as the statement's `order by` sorts
    them, missing values last on each (strings by their bytes, as DuckDB's default
    collation does; the stored rows hold no NaN)."""
    values = {}
    for n, (key, _) in enumerate(keys):
        if key == "abs_change":
            values[f"_key{n}"] = pc.abs(rows["change"])
        elif key == "status":
            values[f"_key{n}"] = pc.index_in(rows["status"], value_set=pa.array(STATUS_ORDER))
        else:
            values[f"_key{n}"] = rows[key]
    keyed = rows
    for name, column in values.items():
        keyed = keyed.append_column(name, column)
    named = [(name, desc) for name, (_, desc) in zip(values, keys, strict=True)]
    return month_rows.ordered(keyed, named).drop_columns(list(values))


def _quoted(column: str) -> str:
    return '"' + column + '"'


def movers_order(sort: str | None = None, descending: bool | None = None) -> list[tuple[str, bool]]:
    """The keys that order the movers (missing values last on each): `sort` first, largest
    first when it is in LARGEST_FIRST unless `descending` says otherwise, then
    MOVERS_ORDER. A status sorts by STATUS_ORDER."""
    if sort is not None and sort not in MOVERS_COLUMNS:
        raise QueryError(f"Cannot sort by {sort!r}: expected one of {', '.join(MOVERS_COLUMNS)}.")
    if descending is None:
        descending = sort in LARGEST_FIRST
    first = [] if sort is None else [(sort, descending)]
    return first + [key for key in MOVERS_ORDER if key[0] != sort]


def order_movers(rows: pd.DataFrame, keys: list[tuple[str, bool]]) -> pd.DataFrame:
    """`rows` with the movers' columns (those the keys name, `change` for "abs_change"),
    sorted by `keys` as movers(…, sort=…) sorts them in SQL: for re-sorting rows already
    fetched, such as the Explorer's, without a query."""
    values = {}
    for n, (key, _) in enumerate(keys):
        if key == "abs_change":
            values[f"_key{n}"] = rows["change"].abs()
        elif key == "status":
            values[f"_key{n}"] = rows["status"].map(
                {status: n for n, status in enumerate(STATUS_ORDER)}
            )
        else:
            values[f"_key{n}"] = rows[key]
    ordered = rows.assign(**values).sort_values(
        list(values),
        ascending=[not desc for _, desc in keys],
        na_position="last",
        kind="stable",
    )
    return ordered.drop(columns=list(values))


def movers_totals(q: Query, artist: str, platform: str, compare: str = "previous") -> pd.DataFrame:
    """The footer of movers(q, artist, platform, compare), one row: the two breakdown
    totals, their change and % change, the tracks of each period and of each status, and
    those whose comparison-period figure is incomplete (kit/sql/track_movers_totals.sql).
    Refused, as movers is, without any data in the comparison period."""
    artist_id, slug = q.artist_id(artist), q.platform(platform)
    previous_start, previous_end = previous_period(q, compare)
    params = {
        "artist": artist_id,
        "platform": slug,
        **_base_params(q),
        "previous_start": previous_start,
        "previous_end": previous_end,
    }
    out = _frame(_moved(q, "track_movers_totals", params), MOVERS_TOTALS_COLUMNS)
    out.attrs["previous_period"] = (previous_start, previous_end)
    return out


def _moved(q: Query, macro: str, params: dict, tail: str = "") -> pa.Table:
    """The rows of the movers' `macro` (track_movers or track_movers_totals) for `params`,
    `tail` (an order and a page) after; refused when the comparison period's breakdown is
    empty and the period holds no data either. When both periods are whole months of a
    version with a serving layer, their breakdowns are the stored rows
    (kit/query/month_rows.py), handed to the `_served` twin as the lists of their columns
    (track_movers_breakdown), and an empty comparison month is checked before the
    statement."""
    stored = _stored_breakdowns(q, params)
    if stored is None:
        cur = engine.cursor(snapshot=q.snapshot)
        rows = core._run(cur, f"{_movers_source(q, macro, params)} {tail}", params=params)
        if _nothing_before(macro, rows):
            _require_comparison_data(q, params)
        return rows
    if not stored[1].num_rows:
        _require_comparison_data(q, params, breakdown_empty=True)
    # the rows go in as parameters, the lists of their columns (track_movers_breakdown)
    sql = (
        f"with {_listed('breakdown', 'this_')}, {_listed('previous_breakdown', 'previous_')} "
        f"select * from {macro}_served('breakdown', 'previous_breakdown') {tail}"
    )
    # the tail's parameters only: the periods are in the rows already
    values = {k: v for k, v in params.items() if f"${k}" in sql}
    for prefix, rows in zip(("this_", "previous_"), stored, strict=True):
        values.update({prefix + c: rows[c].to_pylist() for c in MOVERS_BREAKDOWN_COLUMNS})
    return core._run(engine.cursor(snapshot=q.snapshot), sql, params=values)


# The columns of a breakdown the movers read, in the order track_movers_breakdown takes them.
MOVERS_BREAKDOWN_COLUMNS = ("track_id", "title", "credit", "total_streams", "best_position", "coverage")  # fmt: skip


def _listed(name: str, prefix: str) -> str:
    """The CTE `name`: the breakdown whose columns are the parameters `{prefix}{column}`."""
    lists = ", ".join(f"${prefix}{column}" for column in MOVERS_BREAKDOWN_COLUMNS)
    return f"{name} as (select * from track_movers_breakdown({lists}))"


def _nothing_before(macro: str, rows: pa.Table) -> bool:
    """Whether the movers' `rows` show no track in the comparison period's breakdown."""
    if macro == "track_movers_totals":
        return not rows["previous_tracks"][0].as_py()
    return rows["previous_rank"].null_count == rows.num_rows


def _stored_breakdowns(q: Query, params: dict) -> tuple[pa.Table, pa.Table] | None:
    """The stored breakdown rows of the period and of the comparison period, when the
    version has a serving layer and both are whole calendar months, and one has a file."""
    bounds = [(params["start"], params["end"]), (params["previous_start"], params["previous_end"])]
    if not parts.served(q) or not all(parts.one_month(*b) for b in bounds):
        return None
    found = [month_rows.breakdown_rows(q.snapshot, params, start) for start, _ in bounds]
    if all(rows is None for rows in found):
        return None
    schema = next(rows.schema for rows in found if rows is not None)
    this, previous = (schema.empty_table() if rows is None else rows for rows in found)
    return this, previous


def _movers_source(q: Query, macro: str, params: dict) -> str:
    """`select * from` the movers' `macro` (track_movers or track_movers_totals): over the
    base tables, or from the serving layer when the query's version has one
    (parts.served), where its `_served` twin reads the two periods' served breakdowns,
    made in the same statement; their parts' bounds go into `params`."""
    if not parts.served(q):
        return (
            f"select * from {macro}("
            "$artist, $platform, $country, $start, $end, $previous_start, $previous_end)"
        )
    this = parts.served_breakdown(params, snapshot=q.snapshot)
    previous = parts.served_breakdown(params, "previous_", snapshot=q.snapshot)
    return (
        f"with {this}, {previous} select * from {macro}_served('breakdown', 'previous_breakdown')"
    )


def _require_comparison_data(q: Query, params: dict, breakdown_empty: bool = False) -> None:
    """Refuse a comparison period without any data for the artist on the platform in the
    country (a row of period_rows, kit/sql/period_rows.sql): every track would look new.
    Asked of the version's files (kit/query/period_files.py; `breakdown_empty`: the
    period's stored breakdown rows were read and hold none of the artist's); of the
    statement when a file is outside a platform × month folder."""
    artist_id, platform = params["artist"], params["platform"]
    start, end = params["previous_start"], params["previous_end"]
    found = period_files.has_rows(
        q.snapshot, artist_id, platform, q.country_code, start, end,
        breakdown_empty=breakdown_empty,
    )  # fmt: skip
    if found is None:
        found = bool(
            lookups(q.snapshot).platforms_present(
                (artist_id,), q.country_code, start, end, among=(platform,)
            )
        )
    if not found:
        raise QueryError(
            f"No data for {q.artist_name(artist_id)} on {platform} in {q.country_code} "
            f"from {start} to {end}, the period {q.period_label} is compared with: nothing "
            "to compare with. Pick another period or comparison."
        )
