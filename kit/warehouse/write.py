"""`write()`: rows of any source merged into the warehouse in one commit, with their
ingest_log rows."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from ..schema import INGEST_LOG, TABLES
from .commit import transaction
from .conform import WarehouseError, conform


@dataclass(frozen=True)
class LogEntry:
    """One ingest_log row: what was loaded, from where."""

    source: str
    file: str | None = None
    checksum: str | None = None
    rows: int | None = None  # rows offered; defaults to all rows of the write
    rows_written: int | None = None  # defaults to the write's (a load of several writes says)
    outcome: str = "ok"
    message: str | None = None


@dataclass
class LoadResult:
    load_id: str
    rows: dict[str, int] = field(default_factory=dict)  # offered, per table
    rows_written: dict[str, int] = field(default_factory=dict)  # new or changed, per table
    partitions: int = 0  # files rewritten
    version: int = 0  # the version this load committed

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def total_written(self) -> int:
        return sum(self.rows_written.values())


def write(
    tables: Mapping[str, pa.Table | pd.DataFrame],
    *,
    source: str,
    warehouse: str | os.PathLike | None = None,
    file: str | None = None,
    checksum: str | None = None,
    log: Sequence[LogEntry] | None = None,
    message: str | None = None,
    defer_serving: bool = False,
    conformed: bool = False,
) -> LoadResult:
    """Merge `tables` ({table name: rows}) into the warehouse in one atomic commit.

    Adds one ingest_log row per entry of `log` (default: one for this load; `log=()`: none,
    for a load written in several commits that logs itself with its last). Such a load
    passes `defer_serving=True` to all its commits but the last: the serving layer's months
    they touch are recomputed once, by the last (kit/warehouse/serving.py). `conformed=True`:
    every table is `conform`'s output already (a large file's rows are conformed as its
    chunks are validated), so it is not done twice."""
    loadable = [n for n, t in TABLES.items() if n != "ingest_log" and not t.derived]
    unknown = [n for n in tables if n not in loadable]
    if unknown:
        raise WarehouseError(f"unknown table(s) {unknown}; expected one of {loadable}")
    if not conformed:
        tables = {name: conform(TABLES[name], rows) for name, rows in tables.items()}
    load_id = uuid.uuid4().hex
    result = LoadResult(load_id=load_id)
    with transaction(warehouse, load_id, defer_serving=defer_serving) as txn:
        for name, rows in tables.items():
            result.rows[name] = rows.num_rows
            result.rows_written[name] = 0
            if rows.num_rows:
                written, partitions = txn.merge(TABLES[name], rows)
                result.rows_written[name] = written
                result.partitions += partitions
        entries = [LogEntry(source, file, checksum, message=message)] if log is None else log
        if entries:
            txn.merge(INGEST_LOG, _log_rows(load_id, entries, result))
        result.version = txn.number
    return result


def log_failure(
    *,
    source: str,
    file: str | None,
    message: str,
    checksum: str | None = None,
    rows: int = 0,
    warehouse: str | os.PathLike | None = None,
) -> None:
    """Record a refused load in ingest_log; no data table is touched."""
    write(
        {},
        source=source,
        warehouse=warehouse,
        log=[LogEntry(source, file, checksum, rows=rows, outcome="failed", message=message)],
    )


def _log_rows(load_id: str, entries: Sequence[LogEntry], result: LoadResult) -> pa.Table:
    now = dt.datetime.now(dt.UTC)
    alone = result.total_written if len(entries) == 1 else None
    return pa.table(
        {
            "load_id": [load_id if i == 0 else f"{load_id}-{i}" for i in range(len(entries))],
            "loaded_at": [now] * len(entries),
            "source": [e.source for e in entries],
            "file": [e.file for e in entries],
            "checksum": [e.checksum for e in entries],
            "rows": [e.rows if e.rows is not None else result.total_rows for e in entries],
            "rows_written": [alone if e.rows_written is None else e.rows_written for e in entries],
            "outcome": [e.outcome for e in entries],
            "message": [e.message for e in entries],
        },
        schema=INGEST_LOG.schema,
    )
