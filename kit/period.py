"""Periods as analysts write them: '2026-09', '2026-09-01:2026-09-30', '28d:2026-09-30'."""

from __future__ import annotations

import calendar
import datetime as dt
import re

PeriodLike = str | tuple[str | dt.date, str | dt.date]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WINDOW = re.compile(r"^28d:(.+)$", re.IGNORECASE)


class PeriodError(ValueError):
    pass


def _date(value: str | dt.date, what: str, text: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise PeriodError(
            f"Invalid period {text!r}: {what} {value!r} is not a date (expected YYYY-MM-DD)."
        ) from None


def month_bounds(text: str) -> tuple[dt.date, dt.date]:
    m = _MONTH.match(text.strip())
    if not m:
        raise PeriodError(f"Invalid month {text!r}: expected YYYY-MM, such as 2026-09.")
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise PeriodError(f"Invalid month {text!r}: the month must be 01 to 12.")
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_period(value: PeriodLike, window_start=None) -> tuple[dt.date, dt.date]:
    """(start, end) of a period, both included.

    `window_start(d)` gives the first day of the "28 days to D" window; kit.query passes
    the SQL definition (kit/sql/listeners_window.sql) so that it is defined once."""
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise PeriodError(f"Invalid period {value!r}: expected (start, end).")
        start, end = _date(value[0], "start", value), _date(value[1], "end", value)
    elif isinstance(value, str):
        text = value.strip()
        if m := _WINDOW.match(text):
            end = _date(m.group(1), "day", value)
            if window_start is None:
                raise PeriodError(
                    "A 28-day window needs the warehouse's definition (use kit.Query)."
                )
            start = window_start(end)
        elif ":" in text:
            a, b = text.split(":", 1)
            start, end = _date(a, "start", value), _date(b, "end", value)
        elif _MONTH.match(text) or re.match(r"^\d{4}-\d{1,2}$", text):
            start, end = month_bounds(text)
        else:
            raise PeriodError(
                f"Invalid period {value!r}: expected YYYY-MM, YYYY-MM-DD:YYYY-MM-DD or 28d:YYYY-MM-DD."
            )
    else:
        raise PeriodError(f"Invalid period {value!r}: expected a string or a (start, end) pair.")
    if end < start:
        raise PeriodError(f"Invalid period {value!r}: it ends ({end}) before it starts ({start}).")
    return start, end


def previous_month(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    first = today.replace(day=1)
    last = first - dt.timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"
