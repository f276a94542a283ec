"""The sparkline of a track's daily streams, as the track tables show it after Streams.

Python works out the line (one point per calendar day, scaled to the track's own range,
a gap where a day has no value); the `sparkline` macro of kit/templates/macros.html.j2
draws it as a small inline SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Sparkline:
    """A tiny line of a track's daily streams, as SVG coordinates ("x,y" text): a polyline
    per run of days with values, a dot for a lone day, the last day marked. Its values
    travel along in `data_values`, so the line can be checked against its series."""

    width: int
    height: int
    lines: tuple[str, ...]
    dots: tuple[tuple[str, str], ...]
    last: tuple[str, str]
    data_values: str


def daily_values(series: pd.DataFrame, start, end) -> dict[str, list[float | None]]:
    """What each track's sparkline draws: its daily counted streams (the `days == 1` rows
    of a `kit.query.track_timeseries` frame), one value per calendar day from start to
    end, None on a day without a value. Weekly chart values are not days, so they are
    left out (a track with weekly values only has no value at all)."""
    first = np.datetime64(pd.Timestamp(start).date(), "D")
    n_days = int((np.datetime64(pd.Timestamp(end).date(), "D") - first).astype(int)) + 1
    daily = series[series["days"] == 1]
    # One placement for every track at once: a (track × day) grid, a track's days unique
    # (a pivot does the same at several times the cost, on every opened row).
    day = (daily["date"].to_numpy(dtype="datetime64[D]") - first).astype(np.int64)
    inside = (day >= 0) & (day < n_days)
    codes, tracks = pd.factorize(daily["track_id"].to_numpy(dtype=object)[inside])
    grid = np.full((len(tracks), n_days), np.nan)
    grid[codes, day[inside]] = daily["streams"].to_numpy(dtype="float64", na_value=np.nan)[inside]
    row_of = {track_id: i for i, track_id in enumerate(tracks)}
    nothing = [None] * n_days
    return {
        track_id: [None if np.isnan(v) else float(v) for v in grid[row_of[track_id]]]
        if track_id in row_of
        else nothing
        for track_id in series["track_id"].unique()
    }


def sparkline(
    values: Sequence[float | None], width: int = 110, height: int = 24
) -> Sparkline | None:
    """The Sparkline of `values` (None breaks the line), scaled to its own range; None
    when there is no value at all."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (width - 4) / max(len(values) - 1, 1)

    def point(i: int, v: float) -> tuple[str, str]:
        return f"{2 + i * step:.1f}", f"{height - 2 - (v - low) / span * (height - 4):.1f}"

    runs, current = [], []
    for i, v in enumerate(values):
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(point(i, v))
    if current:
        runs.append(current)
    last = max(i for i, v in enumerate(values) if v is not None)
    return Sparkline(
        width=width,
        height=height,
        lines=tuple(" ".join(f"{x},{y}" for x, y in run) for run in runs if len(run) > 1),
        dots=tuple(run[0] for run in runs if len(run) == 1),
        last=point(last, values[last]),
        data_values=",".join("" if v is None else f"{v:g}" for v in values),
    )


def sparklines(series: pd.DataFrame, start, end) -> dict[str, Sparkline | None]:
    """One Sparkline per track of a `track_timeseries` frame, by track id."""
    return {
        track_id: sparkline(values) for track_id, values in daily_values(series, start, end).items()
    }
