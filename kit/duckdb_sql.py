"""DuckDB over given Parquet files: every table of kit/schema.py as a view over its files
(kit.schema.BASE_VIEWS), then every file of kit/sql/, in dependency order.

The layer below kit.warehouse and kit.db: it knows files, not versions. kit.db opens it on
the files of a reader's snapshot; the write path (kit/warehouse/serving.py) on the state a
commit has staged, to compute the serving layer in that commit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb

from . import config
from .schema import BASE_VIEWS, BaseView, duckdb_type


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


def sql_string(text: str) -> str:
    """`text` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def base_view_sql(view: BaseView, files: Sequence[Path]) -> str:
    """The DuckDB view over exactly `files` of one table, as kit/schema.py describes it."""
    if not files:
        empty = [f'cast(null as {duckdb_type(t)}) as "{c}"' for c, t in view.columns]
        return f"create or replace view {view.name} as select {', '.join(empty)} where false"
    columns = [f'cast("{c}" as {duckdb_type(t)}) as "{c}"' for c, t in view.columns]
    source = "[" + ", ".join(sql_string(str(f)) for f in files) + "]"
    if view.partitions:
        types = dict(view.columns)
        hive = ", ".join(f"'{p}': {duckdb_type(types[p])}" for p in view.partitions)
        source += f", hive_partitioning = true, hive_types = {{{hive}}}"
    return (
        f"create or replace view {view.name} as "
        f"select {', '.join(columns)} from read_parquet({source})"
    )


# The dimension tables every artist's answer joins (which tracks are the artist's, their
# titles): small beside the facts, so a reader's connection holds them in memory instead
# of reading their Parquet files at every answer.
DIMENSIONS_IN_MEMORY = ("artists", "tracks", "track_credits")


def dimension_table_sql(view: BaseView, files: Sequence[Path]) -> list[str]:
    """The statements that load one dimension table's `files` into memory and point its
    view at that copy (same columns and types as base_view_sql). The rows keep the files'
    order, which is the table's sort order (kit/warehouse/merge.py), so DuckDB skips the
    blocks an artist's or a track's rows are not in."""
    table = f"{view.name}_in_memory"
    loaded = base_view_sql(view, files).replace(
        f"create or replace view {view.name} as ", f"create or replace table {table} as "
    )
    return [
        loaded,
        f"create or replace view {view.name} as select * from {table}",
    ]


def connect_files(
    files: Mapping[str, Sequence[Path]], *, reader: bool = False
) -> duckdb.DuckDBPyConnection:
    """A fresh connection whose base views read exactly `files` ({table: paths}; a table
    not given is empty), with the views and macros of kit/sql/. A `reader`'s connection,
    kept for many answers, holds the tables of DIMENSIONS_IN_MEMORY in memory, read once,
    and keeps the Parquet footers it has read (files are immutable: both are the
    snapshot's)."""
    con = duckdb.connect()
    if reader:
        # every answer binds views over the snapshot's files and reads their footers (a
        # platform-month file's is up to 250 KB): kept, 5–15 % less time per answer at the
        # benchmark's scale. Global: each answer runs on a cursor of its own.
        con.execute("set global parquet_metadata_cache = true")
    # kit/sql/ is bound over empty views of the same columns and types (binding a view over
    # Parquet files reads their footers), then the base views are pointed at the files
    for view in BASE_VIEWS.values():
        con.execute(base_view_sql(view, ()))
    for definition in _definitions():
        con.execute(definition)
    for name, view in BASE_VIEWS.items():
        if reader and name in DIMENSIONS_IN_MEMORY:
            for statement in dimension_table_sql(view, files.get(name, ())):
                con.execute(statement)
        else:
            con.execute(base_view_sql(view, files.get(name, ())))
    return con
