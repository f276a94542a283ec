"""Running totals into daily values: value(D) − value(D − 1), per series, vectorised.

The one conversion for every source that gives running totals: plain tables loaded
with `--cumulative` (kit.sources.tables) and SoundCharts' cumulative song audience
(kit.sources.soundcharts.mapping). Its rules, the same for both:

- a point becomes a daily value only when its series has a point on the day before:
  the first point of a series, and a point after a gap in the dates, give no row (a
  difference over several days is not one day's value; nothing is interpolated);
- a total lower than the series' previous one is a decrease. What a decrease means is
  the caller's to say: `on_decrease="refuse"` raises `Decrease` (a plain table whose
  totals go down is wrong, and the user is told which lines); `on_decrease="skip"` drops
  the point (SoundCharts corrects a total downwards now and then).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .arrow_sql import arrow_sql, quoted

_HELPERS = ["_pos", "_previous", "_previous_date", "_previous_pos", "_day_before"]


@dataclass(frozen=True)
class DailyValues:
    """The points that became daily values, and how many were dropped after a gap."""

    rows: pa.Table  # the input's columns, in input order; `value` is now the day's difference
    after_gap: int  # points whose series' previous point is not on the day before


class Decrease(ValueError):
    """A running total lower than its series' previous one (the first such point in input order)."""

    def __init__(
        self,
        row: dict,
        position: int,
        previous_value: float | int,
        previous_date: dt.date,
        previous_position: int,
    ) -> None:
        super().__init__(f"running total decreases at row {position}")
        self.row = row  # the decreasing point, every input column
        self.position = position  # its index in the input
        self.previous_value = previous_value
        self.previous_date = previous_date
        self.previous_position = previous_position  # the index of the point before it


def daily_from_cumulative(
    rows: pa.Table,
    series: Sequence[str],
    value: str,
    *,
    on_decrease: Literal["refuse", "skip"],
    date: str = "date",
) -> DailyValues:
    """Each point of `rows` minus its series' point of the day before; see the module docstring.

    `rows` holds one point per series and date: the `series` columns, `date` (a date) and
    `value` (a running total); other columns are carried along."""
    if on_decrease not in ("refuse", "skip"):
        raise ValueError(f"on_decrease: expected 'refuse' or 'skip', got {on_decrease!r}")
    numbered = rows.append_column("_pos", pa.array(np.arange(rows.num_rows), pa.int64()))
    v, d = quoted([value]), quoted([date])
    steps = arrow_sql(
        f"""
        select *,
            lag({v}) over w as _previous,
            lag({d}) over w as _previous_date,
            lag(_pos) over w as _previous_pos,
            coalesce({d} - lag({d}) over w = 1, false) as _day_before
        from numbered
        window w as (partition by {quoted(series)} order by {d})
        order by _pos
        """,
        numbered=numbered,
    )
    down = pc.fill_null(pc.less(steps.column(value), steps.column("_previous")), False)
    if on_decrease == "refuse" and pc.any(down).as_py():
        first = steps.filter(down).slice(0, 1).to_pylist()[0]
        raise Decrease(
            {k: first[k] for k in rows.column_names},
            first["_pos"],
            first["_previous"],
            first["_previous_date"],
            first["_previous_pos"],
        )
    day_before = steps.column("_day_before")
    after_gap = pc.and_(pc.is_valid(steps.column("_previous")), pc.invert(day_before))
    daily = steps.filter(pc.and_(day_before, pc.invert(down)))
    daily = daily.set_column(
        daily.schema.get_field_index(value),
        value,
        pc.subtract(daily.column(value), daily.column("_previous")).cast(
            rows.schema.field(value).type
        ),
    )
    return DailyValues(daily.drop_columns(_HELPERS), pc.sum(after_gap).as_py() or 0)
