"""Chartroom's analysis kit: which songs made up an artist's audience."""

from .query import (
    Query,
    QueryError,
    breakdown,
    breakdown_totals,
    positions,
    summary,
    timeseries,
    track_comparison,
    track_growth,
    track_timeseries,
)
from .sources.ingest import IngestError, IngestSummary
from .sources.s4a import load_s4a
from .sources.spotify_charts import load_spotify_charts
from .sources.tables import load_table

__all__ = [
    "Query",
    "QueryError",
    "breakdown",
    "breakdown_totals",
    "summary",
    "timeseries",
    "track_timeseries",
    "IngestError",
    "IngestSummary",
    "load_s4a",
    "load_spotify_charts",
    "load_table",
    "positions",
    "track_comparison",
    "track_growth",
]
