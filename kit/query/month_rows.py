"""A whole calendar month's breakdown rows as the serving layer stores them, read without
a statement.

artist_track_month holds, per artist × track × platform × country × month, the month's
breakdown row as `breakdown` gives it, computed by kit/sql/artist_track_month_rows.sql in
the write path. Each platform × month is one file sorted by country, artist and track, in
row groups of 2,048 rows (kit/warehouse/commit.py), so one artist's rows lie in one or two
row groups, read with Arrow and kept (kit/query/stored.py).
kit/sql/track_breakdown_month.sql is the same read in SQL, which Spark and the statements
that combine a month with other answers use; tests/test_month_rows.py compares the two.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from ..warehouse import Snapshot
from . import stored
from .core import BREAKDOWN_COLUMNS

TABLE = "artist_track_month"


def breakdown_rows(snap: Snapshot, params: dict, start) -> pa.Table | None:
    """The stored breakdown rows (every column of a breakdown) of the month starting on
    `start`, for the artist, platform and country a breakdown's `params` hold: what
    `breakdown` answers for that month before its order and page."""
    return month_rows(
        snap, params["platform"], f"{start:%Y-%m}", params["country"], params["artist"],
        BREAKDOWN_COLUMNS,
    )  # fmt: skip


def month_rows(
    snap: Snapshot,
    platform: str,
    month: str,
    country: str,
    artist_id: str,
    columns: Sequence[str] | None,
    table: str = TABLE,
) -> pa.Table | None:
    """The stored rows of `artist_id` on `platform` in `country` and `month` ('YYYY-MM') of
    a serving `table` sorted by country and artist first (artist_track_month, or
    artist_track_movers), `columns` of them (every one when None), in the order they are
    stored; None when the month has no file (the statement's answer, no rows, then has
    the types)."""
    return stored.artist_month_rows(snap, table, platform, month, country, artist_id, columns)


def ordered(rows: pa.Table, keys: Sequence[tuple[str, bool]]) -> pa.Table:
    """`rows` sorted by (column, descending) keys, missing values last on each: as the
    breakdown's `order by … nulls last` sorts them (strings by their bytes, as DuckDB's
    default collation does; the stored rows hold no NaN, which the two would place apart)."""
    return rows.sort_by(
        [(column, "descending" if desc else "ascending", "at_end") for column, desc in keys]
    )
