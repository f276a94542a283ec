"""The warehouse's tables, defined once as pyarrow schemas.

Each table has a natural key (loading a row with the same key replaces it, so a
second load of the same data changes nothing) and a sort order (the keys queries
filter on, so Parquet min/max statistics skip most of each file). Partitioned
tables keep `platform` and `month` in their folder names only (hive style):
`<table>/platform=<slug>/month=<YYYY-MM>/*.parquet`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

GLOBAL = "GLOBAL"  # worldwide, never NULL
FREQUENCIES = ("daily", "weekly")
ROLES = ("main", "featured")
CHARTS = ("top", "viral")


@dataclass(frozen=True)
class Table:
    name: str
    schema: pa.Schema
    key: tuple[str, ...]
    sort: tuple[str, ...]
    partitioned: bool  # by platform and month (of `date`)
    required: tuple[str, ...] = ()  # non-null columns besides the key
    # computed from the base tables by the write path (kit/warehouse/serving.py), never loaded
    derived: bool = False

    @property
    def file_schema(self) -> pa.Schema:
        """The columns stored inside a Parquet file (the partition columns live in paths)."""
        if not self.partitioned:
            return self.schema
        return pa.schema([f for f in self.schema if f.name != "platform"])


ARTISTS = Table(
    "artists",
    pa.schema(
        [
            ("artist_id", pa.string()),
            ("name", pa.string()),
            ("spotify_id", pa.string()),
            ("soundcharts_uuid", pa.string()),
        ]
    ),
    key=("artist_id",),
    sort=("artist_id",),
    partitioned=False,
    required=("name",),
)

TRACKS = Table(
    "tracks",
    pa.schema(
        [
            ("track_id", pa.string()),
            ("title", pa.string()),
            ("isrc", pa.string()),
            ("release_date", pa.date32()),
            ("soundcharts_uuid", pa.string()),
        ]
    ),
    key=("track_id",),
    sort=("track_id",),
    partitioned=False,
    required=("title",),
)

TRACK_CREDITS = Table(
    "track_credits",
    pa.schema(
        [
            ("track_id", pa.string()),
            ("artist_id", pa.string()),
            ("role", pa.string()),  # main | featured
            ("credit_order", pa.int16()),  # 1 = first-named artist
        ]
    ),
    key=("track_id", "artist_id"),
    sort=("artist_id", "track_id"),
    partitioned=False,
    required=("role", "credit_order"),
)

CHART_ENTRIES = Table(
    "chart_entries",
    pa.schema(
        [
            ("date", pa.date32()),  # for a weekly chart, the last day of its week
            ("platform", pa.string()),
            ("country", pa.string()),
            ("frequency", pa.string()),  # daily | weekly
            ("position", pa.int32()),
            ("track_id", pa.string()),
            ("streams", pa.int64()),  # null where the chart carries no streams
            ("source", pa.string()),
            ("chart", pa.string()),  # top | viral
            ("previous_position", pa.int32()),  # null for a new entry or a re-entry
        ]
    ),
    key=("date", "platform", "country", "frequency", "chart", "track_id"),
    sort=("country", "frequency", "chart", "track_id", "date"),
    partitioned=True,
    required=("position", "source"),
)

TRACK_STREAMS = Table(
    "track_streams",
    pa.schema(
        [
            ("date", pa.date32()),
            ("platform", pa.string()),
            ("country", pa.string()),
            ("track_id", pa.string()),
            ("streams", pa.int64()),
            ("source", pa.string()),
        ]
    ),
    key=("date", "platform", "country", "track_id"),
    sort=("country", "track_id", "date"),
    partitioned=True,
    required=("streams", "source"),
)

ARTIST_AUDIENCE = Table(
    "artist_audience",
    pa.schema(
        [
            ("date", pa.date32()),
            ("platform", pa.string()),
            ("country", pa.string()),
            ("artist_id", pa.string()),
            ("metric", pa.string()),  # monthly_listeners | followers | …
            ("value", pa.int64()),
            ("source", pa.string()),
        ]
    ),
    key=("date", "platform", "country", "artist_id", "metric"),
    sort=("artist_id", "metric", "country", "date"),
    partitioned=True,
    required=("value", "source"),
)

INGEST_LOG = Table(
    "ingest_log",
    pa.schema(
        [
            ("load_id", pa.string()),
            ("loaded_at", pa.timestamp("us", tz="UTC")),
            ("source", pa.string()),  # demo | spotify_charts | s4a | table | soundcharts
            ("file", pa.string()),
            ("checksum", pa.string()),  # sha256 of the file, or of the request
            ("rows", pa.int64()),  # rows offered to the warehouse by this load
            ("rows_written", pa.int64()),  # rows new or changed
            ("outcome", pa.string()),  # ok | duplicate | failed
            ("message", pa.string()),
        ]
    ),
    key=("load_id",),
    sort=("loaded_at", "load_id"),
    partitioned=False,
    required=("loaded_at", "source", "outcome"),
)

# The serving layer, kept by the write path in the same commit as the base rows it comes
# from (kit/warehouse/serving.py), partitioned like the base tables: per month, the figures
# of a breakdown and of an audience summary that add up month by month (track_month,
# audience_month), and the days the months around them are read from (track_day: counted
# values; chart_week: weekly entries that stand). kit/sql/<table>_rows.sql computes each.
TRACK_DAY = Table(
    "track_day",
    pa.schema(
        [
            ("date", pa.date32()),
            ("platform", pa.string()),
            ("country", pa.string()),
            ("track_id", pa.string()),
            ("streams", pa.int64()),
            ("days", pa.int64()),
            ("kind", pa.string()),
            ("source", pa.string()),
        ]
    ),
    key=("date", "platform", "country", "track_id"),
    sort=("country", "track_id", "date"),
    partitioned=True,
    derived=True,
)

CHART_WEEK = Table(
    "chart_week",
    pa.schema(
        [
            ("date", pa.date32()),
            ("platform", pa.string()),
            ("country", pa.string()),
            ("chart", pa.string()),
            ("track_id", pa.string()),
            ("position", pa.int32()),
        ]
    ),
    key=("date", "platform", "country", "chart", "track_id"),
    sort=("country", "track_id", "date"),
    partitioned=True,
    derived=True,
)

TRACK_MONTH = Table(
    "track_month",
    pa.schema(
        [
            ("platform", pa.string()),
            ("country", pa.string()),
            ("track_id", pa.string()),
            ("total_streams", pa.int64()),
            ("days_with_value", pa.int64()),
            ("covered_days", pa.int64()),
            ("sources", pa.list_(pa.string())),
            ("peak_days", pa.int64()),
            ("peak_streams", pa.int64()),
            ("peak_date", pa.date32()),
            ("best_position", pa.int64()),
            ("best_viral_position", pa.int64()),
            ("chart_days", pa.int64()),
            ("first_chart_date", pa.date32()),
            ("last_chart_date", pa.date32()),
            ("chart_days_own", pa.int64()),
            ("first_chart_own", pa.date32()),
            ("last_chart_own", pa.date32()),
        ]
    ),
    key=("platform", "country", "track_id"),
    sort=("country", "track_id"),
    partitioned=True,
    derived=True,
)

AUDIENCE_MONTH = Table(
    "audience_month",
    pa.schema(
        [
            ("platform", pa.string()),
            ("country", pa.string()),
            ("artist_id", pa.string()),
            ("metric", pa.string()),
            ("first_date", pa.date32()),
            ("first_value", pa.int64()),
            ("last_date", pa.date32()),
            ("last_value", pa.int64()),
            ("value_sum", pa.int64()),
            ("points", pa.int64()),
            ("peak_value", pa.int64()),
            ("peak_date", pa.date32()),
        ]
    ),
    key=("platform", "country", "artist_id", "metric"),
    sort=("country", "artist_id", "metric"),
    partitioned=True,
    derived=True,
)

# A whole month's breakdown rows per artist, as they are answered: track_month's rows of
# the artist's tracks with the title and credit of the dimension tables and the figures
# of the month as one period (share of the artist's month, coverage of its days). What
# changes them: the month's track_month rows, and a track's title or credits.
ARTIST_TRACK_MONTH = Table(
    "artist_track_month",
    pa.schema(
        [
            ("platform", pa.string()),
            ("country", pa.string()),
            ("artist_id", pa.string()),
            ("track_id", pa.string()),
            ("title", pa.string()),
            ("credit", pa.string()),
            ("total_streams", pa.int64()),
            ("avg_daily", pa.float64()),
            ("peak_streams", pa.int64()),
            ("peak_date", pa.date32()),
            ("best_position", pa.int64()),
            ("days_on_chart", pa.int64()),
            ("first_chart_date", pa.date32()),
            ("last_chart_date", pa.date32()),
            ("share", pa.float64()),
            ("source", pa.string()),
            ("coverage", pa.float64()),
            ("peak_kind", pa.string()),
            ("days_with_value", pa.int64()),
        ]
    ),
    key=("platform", "country", "artist_id", "track_id"),
    sort=("country", "artist_id", "track_id"),
    partitioned=True,
    derived=True,
)

# The day facts a period's days around its whole months are read from, per artist: one row
# per track × day with a fact, its facts side by side: the counted value of track_day
# (streams, days, kind, source), the daily chart entries of chart_entries (`position` on
# the top chart, `viral_position` on the viral one) and the standing weekly entries of
# chart_week (`week_position`, `week_viral_position`), each null where the day has none,
# once per artist credited on its track, sorted by country and artist so one artist's rows
# of a country lie in one or two small row groups. What changes them: the month's base
# rows and those of its neighbours (as track_day's and chart_week's), and a track's credits.
ARTIST_TRACK_DAY = Table(
    "artist_track_day",
    pa.schema(
        [
            ("platform", pa.string()),
            ("country", pa.string()),
            ("artist_id", pa.string()),
            ("track_id", pa.string()),
            ("date", pa.date32()),
            ("streams", pa.int64()),
            ("days", pa.int64()),
            ("kind", pa.string()),
            ("source", pa.string()),
            ("position", pa.int32()),
            ("viral_position", pa.int32()),
            ("week_position", pa.int32()),
            ("week_viral_position", pa.int32()),
        ]
    ),
    key=("platform", "country", "artist_id", "track_id", "date"),
    sort=("country", "artist_id", "track_id", "date"),
    partitioned=True,
    derived=True,
)

# Each whole month's movers against the month before, per artist, as they are answered:
# track_movers of the two months' artist_track_month rows, in the movers' order within
# each country and artist. What changes them: artist_track_month of the month or of the
# month before.
ARTIST_TRACK_MOVERS = Table(
    "artist_track_movers",
    pa.schema(
        [
            ("platform", pa.string()),
            ("country", pa.string()),
            ("artist_id", pa.string()),
            ("track_id", pa.string()),
            ("title", pa.string()),
            ("credit", pa.string()),
            ("streams", pa.int64()),
            ("previous_streams", pa.int64()),
            ("change", pa.int64()),
            ("pct_change", pa.float64()),
            ("contribution", pa.float64()),
            ("best_position", pa.int64()),
            ("previous_best_position", pa.int64()),
            ("rank", pa.int64()),
            ("previous_rank", pa.int64()),
            ("status", pa.string()),
            ("coverage", pa.float64()),
            ("previous_coverage", pa.float64()),
            ("previous_partial", pa.bool_()),
        ]
    ),
    key=("platform", "country", "artist_id", "track_id"),
    # the movers' order within an artist (kit/sql/artist_track_movers_rows.sql), not by track
    sort=("country", "artist_id"),
    partitioned=True,
    derived=True,
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        ARTISTS,
        TRACKS,
        TRACK_CREDITS,
        CHART_ENTRIES,
        TRACK_STREAMS,
        ARTIST_AUDIENCE,
        INGEST_LOG,
        TRACK_DAY,
        CHART_WEEK,
        TRACK_MONTH,
        AUDIENCE_MONTH,
        ARTIST_TRACK_MONTH,
        ARTIST_TRACK_DAY,
        ARTIST_TRACK_MOVERS,
    ]
}
DATA_TABLES = tuple(n for n, t in TABLES.items() if n != "ingest_log" and not t.derived)
SERVING_TABLES = tuple(n for n, t in TABLES.items() if t.derived)

# Each column type as the query engines spell it in SQL.
_SQL_TYPES = {
    pa.string(): {"duckdb": "VARCHAR", "spark": "STRING"},
    pa.date32(): {"duckdb": "DATE", "spark": "DATE"},
    pa.int16(): {"duckdb": "SMALLINT", "spark": "SMALLINT"},
    pa.int32(): {"duckdb": "INTEGER", "spark": "INT"},
    pa.int64(): {"duckdb": "BIGINT", "spark": "BIGINT"},
    pa.float64(): {"duckdb": "DOUBLE", "spark": "DOUBLE"},
    pa.bool_(): {"duckdb": "BOOLEAN", "spark": "BOOLEAN"},
    # Spark's TIMESTAMP is an instant, shown in the session's time zone (UTC): TIMESTAMPTZ
    pa.timestamp("us", tz="UTC"): {"duckdb": "TIMESTAMPTZ", "spark": "TIMESTAMP"},
    pa.list_(pa.string()): {"duckdb": "VARCHAR[]", "spark": "ARRAY<STRING>"},
}


def sql_type(t: pa.DataType, engine: str) -> str:
    """A column type in the SQL of `engine` (duckdb or spark)."""
    return _SQL_TYPES[t][engine]


def duckdb_type(t: pa.DataType) -> str:
    return sql_type(t, "duckdb")


# ---------------------------------------------------------------------------------------
# The base views: every table as the query engines see it. kit/db.py renders them as
# DuckDB views and kit/spark.py as Spark views, so both have the same columns and types.

PARTITIONS = ("platform", "month")  # hive partition columns: strings from folder names


@dataclass(frozen=True)
class BaseView:
    """One table as a view over its Parquet files.

    `columns` are the view's columns in order, with their types: the table's schema, then
    for a partitioned table the partition columns it does not hold (`month`), whose values
    come from the folder names of its files (`…/platform=spotify/month=2026-09/part-….parquet`).
    kit's readers render it over the files one snapshot lists (kit.db, kit.spark); `files`
    is where plain tools find the latest version's files. A table without files is an
    empty view with the same columns."""

    name: str
    columns: tuple[tuple[str, pa.DataType], ...]
    partitions: tuple[str, ...]  # () for a table that is not partitioned

    @property
    def files(self) -> str:
        """The glob of the table's files in the public tree, relative to the warehouse."""
        return "/".join([self.name, *(f"{p}=*" for p in self.partitions), "*.parquet"])


def _base_view(table: Table) -> BaseView:
    partitions = PARTITIONS if table.partitioned else ()
    columns = [(f.name, f.type) for f in table.schema]
    columns += [(p, pa.string()) for p in partitions if p not in table.schema.names]
    return BaseView(table.name, tuple(columns), partitions)


BASE_VIEWS: dict[str, BaseView] = {name: _base_view(t) for name, t in TABLES.items()}
