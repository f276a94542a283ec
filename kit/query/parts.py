"""A period's answers from the serving layer (kit/warehouse/serving.py): whether a query's
version is served (`served`, the one switch every served answer asks), and the SQL that
puts a period together from its parts, a calendar month as stored, or its whole months and
the days around them (kit.period.serving_parts).
"""

from __future__ import annotations

import datetime as dt

from .. import engine, warehouse
from ..period import months_of, serving_months, serving_parts
from .core import Query


def served(q: Query) -> bool:
    """Whether the query's answers come from the serving layer (kit/warehouse/serving.py):
    its version has one, and the engine is DuckDB. Otherwise the definitions run over the
    base tables; both give the same figures (tests/test_serving.py)."""
    return q.snapshot.serving == warehouse.SERVING_FORMAT and engine.engine_name() == "duckdb"


# Days a stored month's breakdown figures reach past its edges: a weekly chart's six days
# before its date (kit/sql/track_breakdown_pieces.sql).
WEEK_MARGIN = 6


EDGES = ("head_start", "head_end", "tail_start", "tail_end")


def _parts(
    start: dt.date, end: dt.date, margin: int, months_sql: str, edges_sql: str, prefix: str = ""
) -> tuple[str, dict]:
    """The union of the parts of the period [start, end] (kit.period.serving_parts) as SQL
    over the macros `months_sql` (its whole months, taking `{start}, {end}`) and `edges_sql`
    (the days before and after them, both edges in one call, taking `{edges}`: head start,
    head end, tail start, tail end, a missing edge's bounds null); and their values, named
    with `prefix` first. Only the
    parts the period has are named, so nothing is planned for the others."""
    cut = serving_parts(start, end, margin)
    selects, params = [], {}
    if cut["months_start"] is not None:
        selects.append(
            months_sql.format(start=f"${prefix}months_start", end=f"${prefix}months_end")
        )
        params.update({f"{prefix}months_start": cut["months_start"], f"{prefix}months_end": cut["months_end"]})  # fmt: skip
    if cut["head_start"] is not None or cut["tail_start"] is not None:
        selects.append(edges_sql.format(edges=", ".join(f"${prefix}{k}" for k in EDGES)))
        params.update({f"{prefix}{k}": cut[k] for k in EDGES})
    return " union all ".join(f"select * from {s}" for s in selects), params


def audience_parts(q: Query, artists: str, platforms: str, prefix: str = "") -> tuple[str, dict]:
    return _parts(
        q.start,
        q.end,
        0,
        f"audience_month_parts({artists}, {platforms}, $country, {{start}}, {{end}})",
        f"audience_edge_parts({artists}, {platforms}, $country, {{edges}})",
        prefix,
    )


def served_breakdown(params: dict, prefix: str = "", *, snapshot: warehouse.Snapshot) -> str:
    """The CTE `breakdown` that answers a breakdown from the serving layer: a whole
    calendar month as stored (track_breakdown_month), any other period from the pieces of
    its whole months and the days around them, read from the reader's `snapshot`'s files of
    the months that hold them, in one grouping (period_pieces, track_breakdown_pieces); the
    pieces' bounds and files go into `params`. The period is the one whose bounds `params`
    holds as `start` and `end`, the query's; with a `prefix`, the one it holds as
    `{prefix}start` and `{prefix}end`, in the CTE `{prefix}breakdown` (a comparison
    period's, in the same statement as the query's)."""
    start, end = params[f"{prefix}start"], params[f"{prefix}end"]
    if one_month(start, end):
        return (
            f"{prefix}breakdown as (select * from track_breakdown_month("
            f"$artist, $platform, $country, ${prefix}start, ${prefix}end))"
        )
    pieces, files = period_pieces(snapshot, params, prefix)
    params.update({f"{name}_files": paths for name, paths in files.items()})
    rows = "".join(
        f"{name} as (select * from read_parquet(${name}_files{READ_OPTIONS.get(table, '')})), "
        for _, table, _ in PERIOD_PIECES
        if (name := f"{prefix}{table}_in_period") in files
    )
    if not files:
        # no piece has a file in the period's months: the whole months' piece over no rows
        rows = f"{prefix}{PERIOD_PIECES[0][1]}_in_period as (select * from {PERIOD_PIECES[0][1]} where false), "
    return (
        f"{rows}{prefix}breakdown_pieces as ({pieces}), {prefix}breakdown as (select * from "
        f"track_breakdown_pieces($artist, ${prefix}start, ${prefix}end, '{prefix}breakdown_pieces'))"
    )


# The pieces of a period's breakdown (kit/sql/track_breakdown_pieces.sql): each macro, the
# serving layer's table whose rows it reads, and its arguments after the artist and country.
# The whole months' track_month rows; the days around them, the artist's rows of
# artist_track_day, in one piece (its values, daily entries and weekly entries).
PERIOD_PIECES = (
    ("track_month_pieces", "track_month", "{start}, {end}"),
    ("track_edge_pieces", "artist_track_day", "{start}, {end}, {edges}"),
)
# How each table's files are read: track_month_pieces reads the month of the path;
# artist_track_day's rows need none of it, and a plain read binds faster.
READ_OPTIONS = {"track_month": ", hive_partitioning = true, hive_types_autocast = false"}


def period_months(start: dt.date, end: dt.date) -> dict[str, list[str]]:
    """The months (YYYY-MM) whose files each table of PERIOD_PIECES is read in for the
    period [start, end] (kit.period.serving_parts): track_month in its whole months;
    artist_track_day in the months of the days before and after them, and in those of the
    six days after the head (a weekly entry dated then covers days of it), never past
    `end`."""
    cut = serving_parts(start, end, WEEK_MARGIN)
    week_head = tail = []
    if cut["head_start"] is not None:
        reach = min(end, cut["head_end"] + dt.timedelta(days=WEEK_MARGIN))
        week_head = months_of(cut["head_start"], reach)
    if cut["tail_start"] is not None:
        tail = months_of(cut["tail_start"], cut["tail_end"])
    return {
        "track_month": []
        if cut["months_start"] is None
        else months_of(cut["months_start"], cut["months_end"]),
        "artist_track_day": sorted(set(week_head + tail)),
    }


def period_pieces(
    snapshot: warehouse.Snapshot, params: dict, prefix: str = ""
) -> tuple[str, dict[str, list[str]]]:
    """The union of the pieces of the period whose bounds `params` holds as `{prefix}start`
    and `{prefix}end`, on the platform it holds as `platform`, as SQL over the macros of
    PERIOD_PIECES, each reading its table's rows under the name `{prefix}{table}_in_period`;
    and, by that name, the files of `snapshot` that hold its months, of the tables that
    have some. The edges' bounds go into `params`. Only the tables with files there are
    named, so nothing is planned for the others; when none has one (the period is before
    or after all data), the whole months' piece alone is named, over no files."""
    start, end = params[f"{prefix}start"], params[f"{prefix}end"]
    cut = serving_parts(start, end, WEEK_MARGIN)
    months = period_months(start, end)
    edges = ", ".join(f"${prefix}{k}" for k in EDGES)
    selects, files, with_edges = [], {}, False
    for macro, table, arguments in PERIOD_PIECES:
        by_month = warehouse.files_by_partition(snapshot, table)
        found = [
            f for month in months[table] for f in by_month.get((params["platform"], month), ())
        ]
        if not found:
            continue
        name = f"{prefix}{table}_in_period"
        files[name] = found
        with_edges |= "{edges}" in arguments
        rest = arguments.format(start=f"${prefix}start", end=f"${prefix}end", edges=edges)
        selects.append(f"select * from {macro}('{name}', $artist, $country, {rest})")
    if not selects:
        macro, table, _ = PERIOD_PIECES[0]
        selects.append(
            f"select * from {macro}('{prefix}{table}_in_period', $artist, $country, ${prefix}start, ${prefix}end)"
        )
    if with_edges:
        params.update({f"{prefix}{k}": cut[k] for k in EDGES})
    return " union all ".join(selects), files


def one_month(start: dt.date, end: dt.date) -> bool:
    """Whether the period [start, end] is one whole calendar month: its served breakdown is
    then the month's rows as stored (kit/sql/track_breakdown_month.sql)."""
    same_month = (start.year, start.month) == (end.year, end.month)  # not a year apart
    return serving_months(start, end) == (start, end) and same_month


def served_totals_parts(q: Query, params: dict) -> str:
    """The CTEs a served breakdown's footer is put together from (breakdown_totals_served):
    `breakdown` (served_breakdown) and `listener_parts`, the artist's audience over the
    period's parts; their bounds go into `params`."""
    listener_parts, listener_cut = audience_parts(q, "[$artist]", "[$platform]", "listener_")
    params.update(listener_cut)
    return f"{served_breakdown(params, snapshot=q.snapshot)}, listener_parts as ({listener_parts})"
