"""A whole calendar month's breakdown rows as the serving layer stores them, read without
a statement.

artist_track_month holds, per artist × track × platform × country × month, the month's
breakdown row as `breakdown` gives it, computed by kit/sql/artist_track_month_rows.sql in
the write path. Each platform × month is one file sorted by country, artist and track, in
row groups of 2,048 rows (kit/warehouse/commit.py), so one artist's rows lie in one or two
row groups that the footer's statistics name. Reading those groups with Arrow costs a
fraction of a DuckDB statement over the same file: a statement pays its planning, its
threads and a view over every month's files, where this pays the decoding of a group
(bench/README.md, "Reading a stored month"). kit/sql/track_breakdown_month.sql is the same
read in SQL, which Spark and the statements that combine a month with other answers use;
tests/test_month_rows.py compares the two.

Files are never rewritten (a commit writes new ones under new names), so a file's footer
and its decoded row groups are kept by path, the least recently used dropped.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import warehouse
from ..warehouse import Snapshot
from .core import BREAKDOWN_COLUMNS

TABLE = "artist_track_month"
# decoded row groups kept, in bytes of Arrow memory (a group is about 0.3 MB)
GROUPS_KEPT_BYTES = 64 << 20
# footers kept (a month file's is about 37 KB)
FOOTERS_KEPT = 512

_lock = threading.Lock()
_footers: OrderedDict[str, tuple[pq.FileMetaData, tuple]] = OrderedDict()
_groups: OrderedDict[tuple[str, int], pa.Table] = OrderedDict()
_groups_bytes = 0


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
    columns: Sequence[str],
) -> pa.Table | None:
    """The stored rows of `artist_id` on `platform` in `country` and `month` ('YYYY-MM'),
    `columns` of them, in the order they are stored (by track id); None when the month has
    no file (the statement's answer, no rows, then has the types)."""
    try:
        return _read(snap, platform, month, country, artist_id, columns)
    except FileNotFoundError:
        # a version no longer kept has lost its files: say so, as a statement would
        warehouse.read_version(snap.root, snap.version)
        raise


def _read(
    snap: Snapshot, platform: str, month: str, country: str, artist_id: str, columns: Sequence[str]
) -> pa.Table | None:
    paths = warehouse.files_by_partition(snap, TABLE).get((platform, month), ())
    if not paths:
        return None
    pieces = []
    for path in paths:
        metadata, bounds = _footer(path)
        for group, (low, high) in enumerate(bounds):
            if low is not None and not (low <= (country, artist_id) <= high):
                continue
            rows = _group(path, metadata, group)
            keep = pc.and_(
                pc.equal(rows["country"], country), pc.equal(rows["artist_id"], artist_id)
            )
            pieces.append(rows.filter(keep).select(list(columns)))
    if not pieces:
        return _footer(paths[0])[0].schema.to_arrow_schema().empty_table().select(list(columns))
    return pa.concat_tables(pieces) if len(pieces) > 1 else pieces[0]


def ordered(rows: pa.Table, keys: Sequence[tuple[str, bool]]) -> pa.Table:
    """`rows` sorted by (column, descending) keys, missing values last on each: as the
    breakdown's `order by … nulls last` sorts them (strings by their bytes, as DuckDB's
    default collation does; the stored rows hold no NaN, which the two would place apart)."""
    return rows.sort_by(
        [(column, "descending" if desc else "ascending", "at_end") for column, desc in keys]
    )


def _footer(path: str) -> tuple[pq.FileMetaData, tuple]:
    """The file's footer and, per row group, the lowest and highest (country, artist_id)
    it can hold, from its statistics; (None, None) where they are missing (read it)."""
    with _lock:
        found = _footers.get(path)
        if found is not None:
            _footers.move_to_end(path)
            return found
    metadata = pq.read_metadata(path)
    names = metadata.schema.to_arrow_schema().names
    country, artist = names.index("country"), names.index("artist_id")
    bounds = []
    for i in range(metadata.num_row_groups):
        group = metadata.row_group(i)
        c, a = group.column(country).statistics, group.column(artist).statistics
        if c is None or a is None or not (c.has_min_max and a.has_min_max):
            bounds.append((None, None))
        else:
            # the rows are sorted by country, then artist: a group holds no (country, artist)
            # below its first row's or above its last row's, which these bound
            bounds.append(((c.min, a.min), (c.max, a.max)))
    found = (metadata, tuple(bounds))
    with _lock:
        _footers[path] = found
        while len(_footers) > FOOTERS_KEPT:
            _footers.popitem(last=False)
    return found


def _group(path: str, metadata: pq.FileMetaData, group: int) -> pa.Table:
    """Row group `group` of the file, every column (decoded once, then kept)."""
    global _groups_bytes
    key = (path, group)
    with _lock:
        found = _groups.get(key)
        if found is not None:
            _groups.move_to_end(key)
    if found is None:
        # a ParquetFile of its own per read: one file object is not shared between threads
        found = pq.ParquetFile(path, metadata=metadata).read_row_group(group)
        with _lock:
            if key not in _groups:
                _groups[key] = found
                _groups_bytes += found.nbytes
            while _groups_bytes > GROUPS_KEPT_BYTES and len(_groups) > 1:
                _, dropped = _groups.popitem(last=False)
                _groups_bytes -= dropped.nbytes
    return found
