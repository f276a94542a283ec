"""Rows of the serving layer's files read with Arrow, without a statement: the row groups
that can hold a key, named by the footer's statistics, decoded once and kept.

The serving layer's files are sorted by their leading keys (country first: kit/schema.py),
in small row groups (kit/warehouse/commit.py), so the rows of one country, or of one
country and artist, lie in one or two groups that the footer's min/max statistics name.
Reading those groups with Arrow costs a fraction of a DuckDB statement over the same file:
a statement pays its planning, its threads and a view over every month's files, where this
pays the decoding of a group (bench/README.md, "Reading a stored month").

Files are never rewritten (a commit writes new ones under new names), so a file's footer
and its decoded row groups are kept by path, the least recently used dropped. A version
vacuumed away has lost its files: the reader says so as a statement would (VersionGone).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import warehouse
from ..warehouse import Snapshot

# decoded row groups kept, in bytes of Arrow memory (a group of a month's breakdown rows is
# about 0.3 MB; one of a month's days or chart entries, 1-2 MB)
GROUPS_KEPT_BYTES = 64 << 20
# footers kept (a month file's is about 37 KB)
FOOTERS_KEPT = 512

_lock = threading.Lock()
_footers: OrderedDict[tuple[str, tuple[str, ...]], tuple[pq.FileMetaData, tuple]] = OrderedDict()
# by (path, group, columns, columns read as dictionaries)
_groups: OrderedDict[tuple, pa.Table] = OrderedDict()
_groups_bytes = 0

T = TypeVar("T")


def read(snap: Snapshot, reader: Callable[[], T]) -> T:
    """`reader()`, which reads files of `snap`; when one is gone, the version was vacuumed
    away: VersionGone says so, as a statement on it would."""
    try:
        return reader()
    except FileNotFoundError:
        warehouse.read_version(snap.root, snap.version)
        raise


def artist_month_rows(
    snap: Snapshot,
    table: str,
    platform: str,
    month: str,
    country: str,
    artist_id: str,
    columns: Sequence[str] | None = None,
) -> pa.Table | None:
    """The rows of `artist_id` in `country` (upper case) of a serving `table` sorted by
    country and artist first, in its `platform` × `month` ('YYYY-MM') files, `columns` of
    them (every one when None), in the order they are stored; None when the month has no
    file."""

    def month_of_artist() -> pa.Table | None:
        paths = warehouse.files_by_partition(snap, table).get((platform, month), ())
        if not paths:
            return None
        pieces = [
            rows if columns is None else rows.select(list(columns))
            for path in paths
            if (rows := rows_with(path, ("country", "artist_id"), (country, artist_id))) is not None
        ]
        if not pieces:
            empty = schema_of(paths[0]).empty_table()
            return empty if columns is None else empty.select(list(columns))
        return pa.concat_tables(pieces) if len(pieces) > 1 else pieces[0]

    return read(snap, month_of_artist)


def rows_with(path: str, keys: Sequence[str], values: Sequence) -> pa.Table | None:
    """The rows of the file at `path` whose leading sort `keys` equal `values`, every
    column, in the order they are stored; None when no row group can hold them (by the
    statistics of its footer, or by its key columns, read first when several groups can)."""
    keys = tuple(keys)
    metadata, bounds = footer(path, keys)
    wanted = tuple(values)
    candidates = [
        index for index, (low, high) in enumerate(bounds) if low is None or low <= wanted <= high
    ]
    pieces = []
    for n, index in enumerate(candidates):
        if n < len(candidates) - 1:
            # Each key's bounds are its own column's, so a group that spans several first
            # keys (countries) is named for every key between them. Its key columns alone,
            # a fraction of the group, say whether it holds such rows, and, the rows being
            # sorted, whether a later group can.
            keyed = group(path, metadata, index, keys)
            if not keyed.num_rows:
                continue
            keep = _equal(keyed, keys, wanted)
            if not pc.any(keep).as_py():
                if last_keys(keyed, keys) > wanted:
                    break
                continue
            rows = group(path, metadata, index)
            pieces.append(rows.filter(keep))
            if last_keys(keyed, keys) != wanted:
                break
            continue
        rows = group(path, metadata, index)
        pieces.append(rows.filter(_equal(rows, keys, wanted)))
    if not pieces:
        return None
    return pa.concat_tables(pieces) if len(pieces) > 1 else pieces[0]


def _equal(rows: pa.Table, keys: tuple[str, ...], wanted: tuple) -> pa.ChunkedArray:
    """Whether each row's `keys` are `wanted`."""
    keep = pc.equal(rows[keys[0]], wanted[0])
    for key, value in zip(keys[1:], wanted[1:], strict=True):
        keep = pc.and_(keep, pc.equal(rows[key], value))
    return keep


def last_keys(rows: pa.Table, keys: Sequence[str]) -> tuple:
    """The keys of the last of `rows`."""
    last = rows.num_rows - 1
    return tuple(rows[key][last].as_py() for key in keys)


def schema_of(path: str) -> pa.Schema:
    """The Arrow schema of the file at `path` (its footer, kept)."""
    return footer(path, ())[0].schema.to_arrow_schema()


def footer(path: str, keys: tuple[str, ...]) -> tuple[pq.FileMetaData, tuple]:
    """The file's footer and, per row group, the lowest and highest values of its leading
    sort `keys` it can hold, from its statistics; (None, None) where they are missing (read
    it)."""
    with _lock:
        found = _footers.get((path, keys))
        if found is not None:
            _footers.move_to_end((path, keys))
            return found
    metadata = pq.read_metadata(path)
    names = metadata.schema.to_arrow_schema().names
    columns = [names.index(key) for key in keys]
    bounds = []
    for i in range(metadata.num_row_groups):
        stats = [metadata.row_group(i).column(c).statistics for c in columns]
        if any(s is None or not s.has_min_max for s in stats):
            bounds.append((None, None))
        else:
            # the rows are sorted by these keys first: a group holds no key below its first
            # row's or above its last row's, which these bound
            bounds.append((tuple(s.min for s in stats), tuple(s.max for s in stats)))
    found = (metadata, tuple(bounds))
    with _lock:
        _footers[(path, keys)] = found
        while len(_footers) > FOOTERS_KEPT:
            _footers.popitem(last=False)
    return found


def group(
    path: str,
    metadata: pq.FileMetaData,
    index: int,
    columns: Sequence[str] | None = None,
    dictionary: Sequence[str] = (),
) -> pa.Table:
    """Row group `index` of the file, its `columns` (every one when None), those named in
    `dictionary` read as dictionaries (decoded once, then kept)."""
    global _groups_bytes
    key = (path, index, None if columns is None else tuple(columns), tuple(dictionary))
    with _lock:
        found = _groups.get(key)
        if found is not None:
            _groups.move_to_end(key)
    if found is None:
        # a ParquetFile of its own per read: one file object is not shared between threads
        found = pq.ParquetFile(
            path, metadata=metadata, read_dictionary=list(dictionary) or None
        ).read_row_group(index, columns=None if columns is None else list(columns))
        with _lock:
            if key not in _groups:
                _groups[key] = found
                _groups_bytes += found.nbytes
            while _groups_bytes > GROUPS_KEPT_BYTES and len(_groups) > 1:
                _, dropped = _groups.popitem(last=False)
                _groups_bytes -= dropped.nbytes
    return found
