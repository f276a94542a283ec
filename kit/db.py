"""DuckDB over the Parquet warehouse: the base views, then the SQL of kit/sql/.

`connect(warehouse)` returns an in-memory DuckDB connection on which every table of
kit/schema.py is a view over the Parquet files of one snapshot (kit.warehouse: the latest
committed version, or a pinned one), as kit.schema.BASE_VIEWS describes it (partition
columns `platform` and `month` come from the folder names), and every file of kit/sql/
has been run, in dependency order, to define the answer-shaped views and table macros.
The views list the snapshot's files by name, so a commit made meanwhile changes nothing
they read; `cursor()` keeps one connection per warehouse and version.

DuckDB binds every macro and view of kit/sql/ when it is created, and binding a view over
Parquet files reads their footers. So a connection defines kit/sql/ over empty views of the
same columns and types first, then points the base views at the snapshot's files: the
answers are bound again, over those files, each time they run (kit/duckdb_sql.py).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import duckdb

from . import warehouse
from .duckdb_sql import connect_files

# connections kept, one per snapshot (warehouse and version), the least recently used dropped
CONNECTIONS_KEPT = 8
_cache: OrderedDict[tuple, duckdb.DuckDBPyConnection] = OrderedDict()
_lock = threading.Lock()


def connect(
    warehouse_dir: str | os.PathLike | None = None,
    *,
    version: int | None = None,
    snapshot: warehouse.Snapshot | None = None,
) -> duckdb.DuckDBPyConnection:
    """A fresh connection with the macros of kit/sql/ and the warehouse's views over the
    files of one snapshot: `snapshot`, else `version`, else the latest committed version.
    Nothing is written, whatever state the warehouse is in."""
    snap = snapshot or warehouse.snapshot(warehouse_dir, version)
    # a version without a current serving layer answers from the base tables, and its
    # serving tables' files may be of another format (other columns): none is read
    return connect_files(snap.view_paths(snap.serving == warehouse.SERVING_FORMAT), reader=True)


def cursor(
    warehouse_dir: str | os.PathLike | None = None,
    *,
    version: int | None = None,
    snapshot: warehouse.Snapshot | None = None,
) -> duckdb.DuckDBPyConnection:
    """A cursor on the cached connection of one snapshot (as `connect`): one connection per
    warehouse and version, so a query pinned to a version keeps reading that version while
    newer ones are committed. A pinned version no longer kept raises VersionGone."""
    snap = snapshot or warehouse.snapshot(warehouse_dir, version)
    if snapshot is not None and snap.version:
        warehouse.read_version(snap.root, snap.version)  # still kept, else VersionGone
    key = snap.key
    with _lock:
        con = _cache.get(key)
        if con is not None:
            _cache.move_to_end(key)
            return con.cursor()
    con = connect(snapshot=snap)
    with _lock:
        con = _cache.setdefault(key, con)
        while len(_cache) > CONNECTIONS_KEPT:
            # dropped, not closed: a cursor taken from it keeps working until it is let go
            _cache.popitem(last=False)
        return con.cursor()
