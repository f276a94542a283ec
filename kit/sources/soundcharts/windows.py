"""Dates of a fetch: today (UTC), and periods cut into the API's windows of at most 90 days."""

from __future__ import annotations

import datetime as dt

WINDOW_DAYS = 90  # the API's longest date range per request


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def date_windows(
    start: dt.date, end: dt.date, days: int = WINDOW_DAYS
) -> list[tuple[dt.date, dt.date]]:
    """[start, end] cut into consecutive windows of at most `days` days."""
    if end < start:
        return []
    out = []
    lo = start
    while lo <= end:
        hi = min(end, lo + dt.timedelta(days=days - 1))
        out.append((lo, hi))
        lo = hi + dt.timedelta(days=1)
    return out


def as_date(value: dt.date | str | None, default: dt.date) -> dt.date:
    if value is None:
        return default
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
