"""Chartroom's analysis kit: which songs made up an artist's audience.

`from kit import Query, summary, breakdown, load_spotify_charts, …` works as usual, but
each name is imported on first use (PEP 562): `import kit` alone loads neither pandas,
DuckDB nor the ingest stack, so `kit --help` and a notebook's first cell stay fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Each public name and the module of kit that defines it.
_EXPORTS = {
    "Query": "query",
    "breakdown": "query",
    "breakdown_totals": "query",
    "positions": "query",
    "summary": "query",
    "timeseries": "query",
    "track_comparison": "query",
    "track_growth": "query",
    "track_timeseries": "query",
    "movers": "query",
    "alerts": "query",
    "platforms_with_data": "query",
    "QueryError": "errors",
    "IngestError": "sources.ingest",
    "IngestSummary": "sources.ingest",
    "load_s4a": "sources.s4a",
    "load_spotify_charts": "sources.spotify_charts",
    "load_table": "sources.tables",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> object:
    """A public name (imported from its module), or a submodule such as `kit.engine`."""
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    if not name.startswith("_"):
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # what type checkers and editors see; `X as X` marks a re-export
    from .errors import QueryError as QueryError
    from .query import Query as Query
    from .query import alerts as alerts
    from .query import breakdown as breakdown
    from .query import breakdown_totals as breakdown_totals
    from .query import movers as movers
    from .query import platforms_with_data as platforms_with_data
    from .query import positions as positions
    from .query import summary as summary
    from .query import timeseries as timeseries
    from .query import track_comparison as track_comparison
    from .query import track_growth as track_growth
    from .query import track_timeseries as track_timeseries
    from .sources.ingest import IngestError as IngestError
    from .sources.ingest import IngestSummary as IngestSummary
    from .sources.s4a import load_s4a as load_s4a
    from .sources.spotify_charts import load_spotify_charts as load_spotify_charts
    from .sources.tables import load_table as load_table
