"""DuckDB over the Parquet warehouse: the base views, then the SQL of kit/sql/.

`connect(warehouse)` returns an in-memory DuckDB connection on which every table of
kit/schema.py is a view over its Parquet files, as kit.schema.BASE_VIEWS describes it
(partition columns `platform` and `month` come from the folder names), and every file of kit/sql/ has been run, in
dependency order, to define the answer-shaped views and table macros.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import duckdb

from . import config, warehouse
from .schema import BASE_VIEWS, BaseView, duckdb_type

_cache: dict[tuple, duckdb.DuckDBPyConnection] = {}
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
        for other in files:
            if other != name and re.search(
                rf"\b{other}\s*\(|\bfrom\s+{other}\b|\bjoin\s+{other}\b", body
            ):
                visit(other, (*path, name))
        ordered.append(name)

    for name in sorted(files):
        visit(name)
    return [files[n] for n in ordered]


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def _quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def _base_view(root: Path, view: BaseView) -> str:
    """The DuckDB view over one table's files, as kit/schema.py describes it."""
    if not view.has_files(root):
        empty = [f'cast(null as {duckdb_type(t)}) as "{c}"' for c, t in view.columns]
        return f"create or replace view {view.name} as select {', '.join(empty)} where false"
    columns = [f'cast("{c}" as {duckdb_type(t)}) as "{c}"' for c, t in view.columns]
    source = _quote(str(root / view.files))
    if view.partitions:
        types = dict(view.columns)
        hive = ", ".join(f"'{p}': {duckdb_type(types[p])}" for p in view.partitions)
        source += f", hive_partitioning = true, hive_types = {{{hive}}}"
    return (
        f"create or replace view {view.name} as "
        f"select {', '.join(columns)} from read_parquet({source})"
    )


def _signature(root: Path) -> tuple:
    """Which tables have files: a view over an empty table must be rebuilt once it has some."""
    return (str(root), tuple(v.has_files(root) for v in BASE_VIEWS.values()))


def connect(warehouse_dir: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh connection with the warehouse's views and the macros of kit/sql/."""
    root = config.warehouse_path(warehouse_dir)
    if warehouse.needs_recovery(root):
        warehouse.recover(root)
    con = duckdb.connect()
    for view in BASE_VIEWS.values():
        con.execute(_base_view(root, view))
    for path in sql_files():
        con.execute(path.read_text())
    return con


def cursor(warehouse_dir: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor on a cached connection for this warehouse (rebuilt when tables appear)."""
    root = config.warehouse_path(warehouse_dir)
    if warehouse.needs_recovery(root):
        warehouse.recover(root)
    key = _signature(root)
    with _lock:
        con = _cache.get(key)
        if con is None:
            for old in [k for k in _cache if k[0] == key[0]]:
                _cache.pop(old).close()
            con = _cache[key] = connect(root)
        return con.cursor()
