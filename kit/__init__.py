"""Chartroom's analysis kit: which songs made up an artist's audience."""

from .query import (
    Query,
    QueryError,
    breakdown,
    breakdown_totals,
    summary,
    timeseries,
    track_timeseries,
)

__all__ = [
    "Query",
    "QueryError",
    "breakdown",
    "breakdown_totals",
    "summary",
    "timeseries",
    "track_timeseries",
]
