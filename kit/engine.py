"""Which engine runs the definitions of kit/sql/: DuckDB (the default) or Apache Spark.

The engine is `CHARTROOM_ENGINE=duckdb|spark` (kit.config.engine_name), `--engine` on the
commands, or `using(name)` around a block of Python. kit.query asks `cursor(warehouse)`
for something that answers `.sql(sql, params=...)`: DuckDB's own cached cursor, or
kit.spark's cursor, which translates the same SQL to Spark SQL. Both read the files of
one snapshot of the warehouse (kit.warehouse): a Query's pinned version.

Validating a `Query` (artist names, platforms with data) always runs on DuckDB: those
are small lookups, and the answers (summary, breakdown, breakdown_totals, timeseries,
track_timeseries) are what moves to Spark.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING

from . import config, db
from .errors import QueryError

if TYPE_CHECKING:
    from .warehouse import Snapshot

ENGINE_VARIABLE = "CHARTROOM_ENGINE"
_chosen: ContextVar[str | None] = ContextVar("chartroom_engine", default=None)


def engine_name() -> str:
    """The engine in force: `using(...)`, else $CHARTROOM_ENGINE, else duckdb."""
    try:
        return config.engine_name(_chosen.get())
    except ValueError as exc:
        raise QueryError(str(exc)) from None


@contextlib.contextmanager
def using(name: str) -> Iterator[str]:
    """Run kit.query on this engine inside the block (overrides $CHARTROOM_ENGINE).

    $CHARTROOM_ENGINE is set for the block too, so the processes started inside it (the
    papermill kernels of `kit report`) run on the same engine."""
    try:
        chosen = config.engine_name(name)
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    token = _chosen.set(chosen)
    before = os.environ.get(ENGINE_VARIABLE)
    os.environ[ENGINE_VARIABLE] = chosen
    try:
        yield chosen
    finally:
        _chosen.reset(token)
        if before is None:
            os.environ.pop(ENGINE_VARIABLE, None)
        else:
            os.environ[ENGINE_VARIABLE] = before


def cursor(warehouse_dir: str | os.PathLike | None = None, *, snapshot: Snapshot | None = None):
    """A cursor of the engine in force on this warehouse: `.sql(sql, params=...)`, reading
    `snapshot` (a Query's pinned version), else the latest committed version."""
    if engine_name() == "spark":
        from . import spark

        return spark.cursor(warehouse_dir, snapshot=snapshot)
    return db.cursor(warehouse_dir, snapshot=snapshot)
