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
answers are bound again, over those files, each time they run.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import duckdb

from . import config, warehouse
from .schema import BASE_VIEWS, BaseView, duckdb_type

# connections kept, one per snapshot (warehouse and version), the least recently used dropped
CONNECTIONS_KEPT = 8
_cache: OrderedDict[tuple, duckdb.DuckDBPyConnection] = OrderedDict()
_lock = threading.Lock()


def sql_files() -> list[Path]:
    """kit/sql/*.sql in the order they must run: a file after those it names."""
    files = {p.stem: p for p in config.SQL_DIR.glob("*.sql")}
    texts = {name: p.read_text() for name, p in files.items()}
    ordered: list[str] = []

    def visit(name: str, path: tuple[str, ...] = ()) -> None:
        if name in ordered:
            return
        if name in path:
            raise RuntimeError(f"kit/sql: circular reference through {name}")
        body = _strip_comments(texts[name])
        # only the names the body spells out can be references
        words = set(re.findall(r"\w+", body))
        for other in files:
            if (
                other != name
                and other in words
                and re.search(rf"\b{other}\s*\(|\bfrom\s+{other}\b|\bjoin\s+{other}\b", body)
            ):
                visit(other, (*path, name))
        ordered.append(name)

    for name in sorted(files):
        visit(name)
    return [files[n] for n in ordered]


@functools.cache
def _definitions() -> tuple[str, ...]:
    """The text of kit/sql/*.sql in the order they run, read once per process (the files
    are part of the installed package)."""
    return tuple(path.read_text() for path in sql_files())


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def _quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def base_view_sql(view: BaseView, files: Sequence[Path]) -> str:
    """The DuckDB view over exactly `files` of one table, as kit/schema.py describes it."""
    if not files:
        empty = [f'cast(null as {duckdb_type(t)}) as "{c}"' for c, t in view.columns]
        return f"create or replace view {view.name} as select {', '.join(empty)} where false"
    columns = [f'cast("{c}" as {duckdb_type(t)}) as "{c}"' for c, t in view.columns]
    source = "[" + ", ".join(_quote(str(f)) for f in files) + "]"
    if view.partitions:
        types = dict(view.columns)
        hive = ", ".join(f"'{p}': {duckdb_type(types[p])}" for p in view.partitions)
        source += f", hive_partitioning = true, hive_types = {{{hive}}}"
    return (
        f"create or replace view {view.name} as "
        f"select {', '.join(columns)} from read_parquet({source})"
    )


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
    con = duckdb.connect()
    for view in BASE_VIEWS.values():
        con.execute(base_view_sql(view, ()))
    for definition in _definitions():
        con.execute(definition)
    for name, view in BASE_VIEWS.items():
        con.execute(base_view_sql(view, snap.paths(name)))
    return con


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
