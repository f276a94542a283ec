"""SQL over Arrow tables in memory: DuckDB for what Arrow's own kernels make slow.

Window functions (the first row of a key, the row before in a series) and grouped
checks run here; the tables are registered by name for one query and never copied.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import duckdb
import pyarrow as pa

_local = threading.local()


def connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB per thread (ingest reads and checks files on several threads);
    opening one costs tens of milliseconds, so each thread keeps its own."""
    if not hasattr(_local, "con"):
        _local.con = duckdb.connect()
    return _local.con


def arrow_sql(query: str, **tables: pa.Table) -> pa.Table:
    """Run `query` over Arrow tables registered under the given names."""
    con = connection()
    for name, rows in tables.items():
        con.register(name, rows)
    try:
        return con.sql(query).to_arrow_table()
    finally:
        for name in tables:
            con.unregister(name)


def quoted(columns: Iterable[str]) -> str:
    """Column names as a comma-separated list of quoted identifiers."""
    return ", ".join(f'"{c}"' for c in columns)
