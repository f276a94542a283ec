"""Periods as analysts write them: '2026-09', '2026-09-01:2026-09-30', '28d:2026-09-30'.

The one place where periods are parsed (`parse_period`), labelled (`period_label`), named
as folders (`period_folder`), counted back from a day (`preset_period`: the Explorer's
"last month", "last 28 days" and "last 90 days") and matched with the period it is
compared with (`comparison_period`: the month before, the same length before, or a year
earlier). Query, the Explorer, the report, the benchmark and the movers all call these.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .errors import PeriodError

PeriodLike = str | tuple[str | dt.date, str | dt.date]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WINDOW = re.compile(r"^28d:(.+)$", re.IGNORECASE)


def as_date(value: str | dt.date) -> dt.date:
    """A day given as a date, a datetime or YYYY-MM-DD text; ValueError for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _date(value: str | dt.date, what: str, text: object) -> dt.date:
    try:
        return as_date(value)
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


def period_label(start: dt.date, end: dt.date) -> str:
    """A period as a reader says it: 'September 2026' for a calendar month, else
    '2026-09-03 to 2026-10-01'."""
    whole_month = (
        start.day == 1
        and (end + dt.timedelta(days=1)).day == 1
        and (start.year, start.month) == (end.year, end.month)
    )
    if whole_month:
        return start.strftime("%B %Y")
    return f"{start.isoformat()} to {end.isoformat()}"


def period_folder(period: str) -> str:
    """A period as a folder name: '2026-09' stays, '28d:2026-09-30' → '28d_2026-09-30'."""
    return period.strip().replace(":", "_")


# The periods the Explorer offers, counted back from an anchor day.
PRESET_PERIODS = {"last_month": "Last month", "28d": "Last 28 days", "90d": "Last 90 days"}


def anchor_day(last_date: dt.date | None, today: dt.date | str | None = None) -> dt.date:
    """The day relative periods end on: the day before `today`, else the last day with data."""
    if today is not None:
        day = today if isinstance(today, dt.date) else dt.date.fromisoformat(str(today))
        return day - dt.timedelta(days=1)
    return last_date or dt.date.today() - dt.timedelta(days=1)


def preset_period(choice: str | tuple | list, anchor: dt.date) -> PeriodLike:
    """The period a choice stands for: a preset counted back from `anchor` ("last_month" is
    the last calendar month complete on that day, "28d" the listeners window ending on it,
    "90d" the 90 days ending on it), a (start, end) pair, or any period string."""
    if choice == "last_month":
        complete = (anchor + dt.timedelta(days=1)).day == 1
        month = anchor if complete else anchor.replace(day=1) - dt.timedelta(days=1)
        return f"{month.year:04d}-{month.month:02d}"
    if choice == "28d":
        return f"28d:{anchor.isoformat()}"
    if choice == "90d":
        return (anchor - dt.timedelta(days=89), anchor)
    if isinstance(choice, tuple | list):
        if len(choice) != 2 or None in choice:
            raise PeriodError("Pick both a start date and an end date.")
        return (choice[0], choice[1])
    if isinstance(choice, str):
        return choice
    raise PeriodError(
        f"Unknown period {choice!r}: expected last_month, 28d, 90d, a (start, end) pair or a "
        "period such as 2026-09."
    )


# How a period is compared (README, "What moved and what is noteworthy").
COMPARISONS = {"previous": "the period before", "year": "a year earlier"}


def is_calendar_month(start: dt.date, end: dt.date) -> bool:
    """Whether the period is exactly one calendar month."""
    return (start.year, start.month) == (end.year, end.month) and (start.day, end.day) == (
        1,
        calendar.monthrange(end.year, end.month)[1],
    )


def _year_earlier(day: dt.date) -> dt.date:
    # 29 February has no twin a year earlier: the last day of that February stands in
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def comparison_period(
    start: dt.date, end: dt.date, compare: str = "previous"
) -> tuple[dt.date, dt.date]:
    """The period that (start, end) is compared with, both days included.

    compare="previous": a calendar month compares with the calendar month before it
    (September with August, March's 31 days with February's 28); any other period with
    the period of the same length that ends the day before it starts.
    compare="year": the same dates one year earlier (29 February becomes 28 February);
    a period of whole calendar months compares with the same whole months, so February
    2025 compares with 1–29 February 2024."""
    if compare not in COMPARISONS:
        raise PeriodError(
            f"Unknown comparison {compare!r}: expected {' or '.join(map(repr, COMPARISONS))}."
        )
    if end < start:
        raise PeriodError(f"Invalid period: it ends ({end}) before it starts ({start}).")
    whole_months = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if compare == "year":
        earlier_start, earlier_end = _year_earlier(start), _year_earlier(end)
        if whole_months:
            last = calendar.monthrange(earlier_end.year, earlier_end.month)[1]
            earlier_end = earlier_end.replace(day=last)
        return earlier_start, earlier_end
    if is_calendar_month(start, end):
        previous_end = start - dt.timedelta(days=1)
        return previous_end.replace(day=1), previous_end
    days = (end - start).days + 1
    return start - dt.timedelta(days=days), start - dt.timedelta(days=1)


def serving_months(
    start: dt.date, end: dt.date, margin: int = 0
) -> tuple[dt.date | None, dt.date | None]:
    """The whole calendar months of [start, end] a serving layer answers for (the first
    day of the first, the last day of the last), or (None, None); the days around them
    come from the base tables.

    `margin`: days a stored month's figures reach past its edges (the six days of a weekly
    chart, kit/sql/track_breakdown_pieces.sql). A month then counts only when it starts on
    `start` or at least `margin` days after it, and ends on `end` or at least `margin`
    days before it."""
    first = start.replace(day=1)
    if first < start:
        first = _month_after(first)
    if first != start and (first - start).days < margin:
        first = _month_after(first)
    last = _month_after(end.replace(day=1)) - dt.timedelta(days=1)
    if last > end:
        last = end.replace(day=1) - dt.timedelta(days=1)
    if last != end and (end - last).days < margin:
        last = last.replace(day=1) - dt.timedelta(days=1)
    if first > last:
        return None, None
    return first, last


def _month_after(first_day: dt.date) -> dt.date:
    return (first_day + dt.timedelta(days=32)).replace(day=1)


def serving_parts(start: dt.date, end: dt.date, margin: int = 0) -> dict:
    """[start, end] cut into the parts the served answers put together: `months_start` and
    `months_end` (the whole months, `serving_months`), then the days before and after them,
    `head_start`/`head_end` and `tail_start`/`tail_end` (the whole period is the head when
    there are no whole months). A part that is not there is None."""
    first, last = serving_months(start, end, margin)
    head = tail = (None, None)
    if first is None or last is None:
        head = (start, end)
    else:
        if first > start:
            head = (start, first - dt.timedelta(days=1))
        if last < end:
            tail = (last + dt.timedelta(days=1), end)
    return {
        "months_start": first,
        "months_end": last,
        "head_start": head[0],
        "head_end": head[1],
        "tail_start": tail[0],
        "tail_end": tail[1],
    }


def months_of(start: dt.date, end: dt.date) -> list[str]:
    """The calendar months the days [start, end] fall in, as YYYY-MM, in order (none when
    the period ends before it starts)."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(f"{month.year:04d}-{month.month:02d}")
        month = _month_after(month)
    return months
