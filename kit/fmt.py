"""How figures read on a page: counts, compact numbers, percentages, dates.

One module for the monthly report, the Explorer and the README's examples, so that a
figure reads the same wherever it is shown. Every function takes a value that may be
missing (None, NaN, pd.NA) and returns text; a missing value reads as MISSING.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

MISSING = "—"


def is_missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def count(value: object) -> str:
    """A whole number with thousands separators: 8,512,004."""
    return MISSING if is_missing(value) else f"{round(float(value)):,}"


def signed_count(value: object) -> str:
    """A difference with its sign: +300, -12,000."""
    return MISSING if is_missing(value) else f"{round(float(value)):+,}"


def compact(value: object) -> str:
    """A large number as people say it: 8.5M, 912.3K, 740."""
    if is_missing(value):
        return MISSING
    v = float(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= limit:
            text = f"{v / limit:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return f"{round(v):,}"


def decimal(value: object, digits: int = 1) -> str:
    return MISSING if is_missing(value) else f"{float(value):,.{digits}f}"


def percent(value: object, *, signed: bool = False, digits: int = 1) -> str:
    """A fraction as a percentage, a space before the sign: 0.253 → 25.3 %; `signed`
    adds '+' to gains."""
    if is_missing(value):
        return MISSING
    sign = "+" if signed else ""
    return f"{float(value) * 100:{sign}.{digits}f} %"


def day(value: object) -> str:
    """A date as YYYY-MM-DD, the form analysts sort and type."""
    if is_missing(value):
        return MISSING
    if isinstance(value, pd.Timestamp | dt.datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def plural(n: object, word: str) -> str:
    """'1 track', '31 tracks', '— tracks'."""
    return f"{count(n)} {word}" + ("" if not is_missing(n) and int(n) == 1 else "s")


def metric_label(metric: str) -> str:
    """A metric's name as words: monthly_listeners → monthly listeners."""
    return metric.replace("_", " ")


def trend(value: object) -> str:
    """The CSS class of a change: 'up', 'down', or '' for none or no change."""
    if is_missing(value) or float(value) == 0:
        return ""
    return "up" if float(value) > 0 else "down"
