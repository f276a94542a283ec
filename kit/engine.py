"""Which engine runs the definitions of kit/sql/: DuckDB (the default) or Apache Spark.

The engine is `CHARTROOM_ENGINE=duckdb|spark` (kit.config.engine_name), `--engine` on the
commands, or `using(name)` around a block of Python. kit.query asks `cursor(warehouse)`
for something that answers `.sql(sql, params=...)`: DuckDB's own cached cursor, or
kit.spark's cursor, which translates the same SQL to Spark SQL.

Validating a `Query` (artist names, platforms with data) always runs on DuckDB: those
are small lookups, and the answers (summary, breakdown, breakdown_totals, timeseries,
track_timeseries) are what moves to Spark.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar

from . import config, db
from .errors import QueryError

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


def cursor(warehouse_dir: str | os.PathLike | None = None):
    """A cursor of the engine in force on this warehouse: `.sql(sql, params=...)`."""
    if engine_name() == "spark":
        from . import spark

        return spark.cursor(warehouse_dir)
    return db.cursor(warehouse_dir)
