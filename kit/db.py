"""DuckDB over the Parquet warehouse: the base views, then the SQL of kit/sql/.

`connect(warehouse)` returns an in-memory DuckDB connection on which every table of
kit/schema.py is a view over its Parquet files (partition columns `platform` and
`month` come from the folder names), and every file of kit/sql/ has been run, in
dependency order, to define the answer-shaped views and table macros.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import duckdb

from . import config, warehouse
from .schema import TABLES, Table, duckdb_type

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


def _base_view(root: Path, table: Table) -> str:
    """The view that reads one warehouse table, typed by its pyarrow schema."""
    folder = root / table.name
    cols = [f'cast("{f.name}" as {duckdb_type(f.type)}) as "{f.name}"' for f in table.schema]
    if table.partitioned:
        cols.append('"month"')
    if table.partitioned:
        has_files = any(folder.glob("platform=*/month=*/*.parquet"))
        source = (
            f"read_parquet({_quote(str(folder / 'platform=*' / 'month=*' / '*.parquet'))}, "
            "hive_partitioning = true, hive_types = {'platform': VARCHAR, 'month': VARCHAR})"
        )
    else:
        has_files = any(folder.glob("*.parquet"))
        source = f"read_parquet({_quote(str(folder / '*.parquet'))})"
    if not has_files:
        empty = [f'cast(null as {duckdb_type(f.type)}) as "{f.name}"' for f in table.schema]
        if table.partitioned:
            empty.append('cast(null as VARCHAR) as "month"')
        return f"create or replace view {table.name} as select {', '.join(empty)} where false"
    return f"create or replace view {table.name} as select {', '.join(cols)} from {source}"


def _signature(root: Path) -> tuple:
    """Which tables have files: a view over an empty table must be rebuilt once it has some."""
    out = []
    for t in TABLES.values():
        pattern = "platform=*/month=*/*.parquet" if t.partitioned else "*.parquet"
        out.append(next((root / t.name).glob(pattern), None) is not None)
    return (str(root), tuple(out))


def connect(warehouse_dir: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh connection with the warehouse's views and the macros of kit/sql/."""
    root = config.warehouse_path(warehouse_dir)
    if warehouse.needs_recovery(root):
        warehouse.recover(root)
    con = duckdb.connect()
    for table in TABLES.values():
        con.execute(_base_view(root, table))
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
