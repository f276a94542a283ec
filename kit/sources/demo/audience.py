"""The focus artists' daily audience (listeners, followers) from their streams."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pyarrow as pa

from .cast import Cast
from .parameters import (
    DEFAULT_COUNTRY,
    DEFAULT_MONTH,
    SOURCE,
    STREAMS_PER_LISTENER,
    STREAMS_PER_LISTENER_OTHER,
    audience_metrics,
)
from .scale import DemoScale, Timeline, constant


def audience_table(
    rng: np.random.Generator,
    platform: str,
    scale: DemoScale,
    tl: Timeline,
    cast: Cast,
    totals: np.ndarray,
    charts: Sequence[str],
) -> pa.Table:
    """Daily audience of the focus artists from their streams (see the module docstring)."""
    n_charts, n_focus, _ = totals.shape
    shape = (n_charts, n_focus)
    cumulative = np.concatenate(
        [np.zeros((*shape, 1), np.int64), np.cumsum(totals, axis=2)], axis=2
    )
    in_28_days = (
        cumulative[:, :, tl.first + 1 : tl.last + 2]
        - cumulative[:, :, tl.first - 27 : tl.last - 26]
    )
    # GLOBAL's listeners are the countries' plus the rest of the world's, so that they
    # are never fewer than one country's
    in_28_days[-1] -= in_28_days[:-1].sum(axis=0)
    day = np.arange(tl.first, tl.last + 1)
    n_days = len(day)

    lo, hi = STREAMS_PER_LISTENER.get(platform, STREAMS_PER_LISTENER_OTHER)
    wave = np.sin(
        2 * np.pi * day / rng.uniform(60, 240, (1, n_focus, 1))
        + rng.uniform(0, 6.3, (1, n_focus, 1))
    )
    per_listener = (
        rng.uniform(lo, hi, (1, n_focus, 1))
        * rng.lognormal(0, 0.05, (*shape, 1))
        * np.exp(0.06 * wave + rng.normal(0, 0.01, (*shape, n_days)))
    )
    listeners = np.floor(in_28_days / per_listener).astype(np.int64)
    growth = listeners * rng.uniform(0.0001, 0.0004, (*shape, 1))
    growth *= np.maximum(0, 1 + 0.4 * rng.standard_normal((*shape, n_days)))
    followers = np.rint(
        listeners[:, :, :1] * rng.uniform(0.3, 0.9, (*shape, 1)) + np.cumsum(growth, axis=2)
    ).astype(np.int64)
    listeners[-1] += listeners[:-1].sum(axis=0)
    followers[-1] += followers[:-1].sum(axis=0)
    values = {"monthly_listeners": listeners, "followers": followers}

    debut = np.full(cast.n_focus, tl.last + 1)
    focus = cast.credit_artist < cast.n_focus
    np.minimum.at(debut, cast.credit_artist[focus], cast.release[cast.credit_track[focus]])
    keep = np.broadcast_to(day[None, None, :] >= debut[None, :, None], (*shape, n_days)).copy()
    if platform == "youtube" and DEFAULT_COUNTRY in charts:
        outage = tl.index(date.fromisoformat(f"{DEFAULT_MONTH}-14")) + np.arange(4)
        keep[charts.index(DEFAULT_COUNTRY), :, np.isin(day, outage)] = False
    if platform not in ("spotify", "youtube"):
        keep &= rng.random(keep.shape) >= 0.01

    parts = []
    for i, metric in enumerate(audience_metrics(platform)):
        chart, artist, d = np.nonzero(keep)
        parts.append(
            (
                day[d],
                chart.astype(np.int8),
                artist,
                np.full(len(d), i, np.int8),
                values[metric][keep],
            )
        )
    day_, chart, artist, metric, value = (np.concatenate(c) for c in zip(*parts, strict=True))
    n = len(day_)
    return pa.table(
        {
            "date": tl.dates(day_),
            "platform": constant(platform, n),
            "country": pa.DictionaryArray.from_arrays(pa.array(chart), pa.array(list(charts))),
            "artist_id": pa.array(cast.artist_ids[: cast.n_focus]).take(pa.array(artist)),
            "metric": pa.DictionaryArray.from_arrays(
                pa.array(metric), pa.array(list(audience_metrics(platform)))
            ),
            "value": pa.array(value, pa.int64()),
            "source": constant(SOURCE, n),
        }
    )
