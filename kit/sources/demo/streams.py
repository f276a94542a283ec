"""Streams and charts of one platform: daily streams per track and country, the charts
they make, and the roster's own series (see kit.sources.demo for the model)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
from tqdm.auto import tqdm

from ...platforms import PLATFORMS
from ...schema import GLOBAL
from .audience import audience_table
from .cast import Cast
from .events import PlantedStreams, StreamEvent
from .parameters import (
    DEFAULT_COUNTRY,
    DRIFT_MAX,
    MARKET,
    MARKET_OTHER,
    NOISE_SIGMA,
    OWN_SOURCE,
    PLATFORM_COUNTRY,
    PLATFORM_SCALE,
    PLATFORM_SCALE_OTHER,
    PLATFORM_SPREAD,
    REST_OF_WORLD,
    SOURCE,
    UNIT,
    WEEKLY_PLATFORMS,
)
from .scale import DemoScale, Timeline, constant


def _stable_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def _life(age: np.ndarray, spike: np.ndarray, tau: np.ndarray, decay: np.ndarray) -> np.ndarray:
    """A track's lifecycle: 0 before release, a spike on release, then a slow decay."""
    a = np.maximum(age, 0)
    return np.where(age >= 0, (1 + spike * np.exp(-a / tau)) * (1 + a / 365) ** -decay, 0)


def _candidates(
    e0: np.ndarray,
    cast: Cast,
    tl: Timeline,
    size: int,
    always: np.ndarray,
    factors: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """The tracks that can enter some chart of this platform (and `always`), ascending.

    On every chart day a track's streams lie within [lower, upper]: its expected level
    at the extremes of its lifecycle and of the day factor, times the clipped noise,
    plus rounding. Catalogue tracks (released by the first day) stay above their
    `lower` all period, so the chart_size-th largest `lower` is a floor under every
    day's chart_size-th value (and 7× it under every week's). A track whose `upper`
    is below that floor in every chart can never be charted and is not generated. The
    planted events' `factors` (least, largest, per track) widen the bounds of their tracks."""
    n_comp = e0.shape[1]
    level = np.column_stack([e0[:, :-1], e0.sum(axis=1)])  # the countries, then GLOBAL
    parts = np.r_[np.ones(n_comp - 1), n_comp]
    days = tl.day_factor[tl.first : tl.last + 1]
    noise = DRIFT_MAX + 3 * NOISE_SIGMA
    age_first = (tl.first - cast.release).astype(np.float64)
    age_last = (tl.last - cast.release).astype(np.float64)
    life_max = _life(np.maximum(age_first, 0), cast.spike, cast.tau, cast.decay)
    life_min = np.where(age_first >= 0, _life(age_last, cast.spike, cast.tau, cast.decay), 0)
    least, largest = factors
    upper = level * (largest * life_max * days.max() * np.exp(noise) * (1 + 1e-4))[:, None]
    upper += parts / 2 + 1
    lower = level * (least * life_min * days.min() * np.exp(-noise) * (1 - 1e-4))[:, None]
    lower -= parts / 2
    n = len(level)
    if size >= n:
        return np.arange(n)
    floor = np.partition(lower, n - size, axis=0)[n - size]
    return np.flatnonzero((upper >= floor).any(axis=1) | always)


def _noise(
    rng: np.random.Generator, spare: np.random.Generator, usual: np.ndarray, days: int
) -> np.ndarray:
    """Standard normal noise (tracks × days): the `usual` rows from `rng`, the others from
    `spare`."""
    if usual.all():
        return rng.standard_normal((len(usual), days), dtype=np.float32)
    noise = np.empty((len(usual), days), np.float32)
    noise[usual] = rng.standard_normal((int(usual.sum()), days), dtype=np.float32)
    noise[~usual] = spare.standard_normal((int((~usual).sum()), days), dtype=np.float32)
    return noise


def _top(values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per column, the rows of the `size` largest values, largest first (ties: lower row),
    and whether each is a real entry (streams > 0, i.e. released)."""
    m = values.shape[0]
    key = values * m + (m - 1 - np.arange(m))[:, None]  # unique: no ties to break later
    size = min(size, m)
    if size < m:
        part = np.argpartition(key, m - size, axis=0)[m - size :]
    else:
        part = np.broadcast_to(np.arange(m)[:, None], values.shape)
    order = np.argsort(-np.take_along_axis(key, part, axis=0), axis=0)
    top = np.take_along_axis(part, order, axis=0)
    return top, np.take_along_axis(values, top, axis=0) > 0


class _Charts:
    """One platform's chart rows, added chunk by chunk; carries each chart's last positions."""

    def __init__(self, n_local: int, size: int) -> None:
        self.n_local = n_local
        self.size = size
        self.carry: dict[tuple[int, int], np.ndarray] = {}
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, frequency: int, chart: int, values: np.ndarray, days: np.ndarray) -> None:
        """`values`: (tracks, charts) streams, one column per chart dated `days`."""
        top, valid = _top(values, self.size)
        size, n_charts = top.shape
        carry = self.carry.get((frequency, chart), np.zeros(self.n_local, np.int32))
        rank = np.broadcast_to(np.arange(1, size + 1, dtype=np.int32)[:, None], top.shape)
        col = np.broadcast_to(np.arange(n_charts)[None, :], top.shape)
        positions = np.zeros((n_charts + 1, self.n_local), np.int32)
        positions[0] = carry
        positions[col[valid] + 1, top[valid]] = rank[valid]
        previous = positions[col, top]  # the position on the chart before, 0 = absent
        self.carry[(frequency, chart)] = positions[n_charts]
        streams = np.take_along_axis(values, top, axis=0)
        n = int(valid.sum())
        self.parts.append(
            (
                days[col[valid]],
                np.full(n, chart, np.int8),
                np.full(n, frequency, np.int8),
                rank[valid],
                top[valid],
                streams[valid],
                previous[valid],
            )
        )

    def table(
        self,
        platform: str,
        local: np.ndarray,
        cast_ids: pa.Array,
        charts: Sequence[str],
        tl: Timeline,
        with_streams: bool,
    ) -> pa.Table:
        cols = [np.concatenate(c) for c in zip(*self.parts, strict=True)]
        day, chart, freq, rank, track, streams, previous = cols
        n = len(day)
        return pa.table(
            {
                "date": tl.dates(day),
                "platform": constant(platform, n),
                "country": pa.DictionaryArray.from_arrays(pa.array(chart), pa.array(list(charts))),
                "frequency": pa.DictionaryArray.from_arrays(
                    pa.array(freq), pa.array(["daily", "weekly"])
                ),
                "position": pa.array(rank, pa.int32()),
                "track_id": cast_ids.take(pa.array(local[track])),
                "streams": pa.array(streams, pa.int64())
                if with_streams
                else pa.nulls(n, pa.int64()),
                "source": constant(SOURCE, n),
                "chart": constant("top", n),
                "previous_position": pa.array(previous, pa.int32(), mask=previous == 0),
            }
        )


def platform_tables(
    platform: str,
    scale: DemoScale,
    tl: Timeline,
    cast: Cast,
    cast_ids: pa.Array,
    seed: int,
    bar: tqdm,
    events: Sequence[StreamEvent] = (),
) -> dict[str, pa.Table]:
    """One platform's chart_entries, artist_audience and (Spotify) track_streams, with the
    planted `events` (kit.sources.demo.events) applied to the streams they touch."""
    rng = np.random.default_rng([seed, _stable_int(platform)])
    n = len(cast.track_ids)
    market = np.array(
        [
            MARKET.get(c, MARKET_OTHER) * PLATFORM_COUNTRY.get((platform, c), 1.0)
            for c in scale.countries
        ]
        + [REST_OF_WORLD]
    )
    taste = np.clip(rng.lognormal(0, PLATFORM_SPREAD.get(platform, 0.3), n), 0.4, 2.5)
    amplitude = rng.uniform(0, DRIFT_MAX, n)
    period = rng.uniform(45, 200, n)
    phase = rng.uniform(0, 2 * np.pi, n)
    scale_p = UNIT * PLATFORM_SCALE.get(platform, PLATFORM_SCALE_OTHER)
    e0 = scale_p * (cast.track_pop * taste)[:, None] * cast.track_affinity * market[None, :]
    countries = list(scale.countries_of(platform))
    if len(countries) < len(scale.countries):
        # the countries this platform does not chart in count in GLOBAL's rest of the world
        e0 = np.column_stack([e0[:, : len(countries)], e0[:, len(countries) :].sum(axis=1)])
    n_comp = len(countries) + 1  # the countries and the rest of the world
    charts = [*countries, GLOBAL]
    size = scale.chart_size_of(platform)

    always = np.zeros(n, dtype=bool)  # the focus artists' tracks, and those with own series
    always[cast.credit_track[cast.credit_artist < cast.n_focus]] = True
    roster = _own_roster(cast, scale) if platform == "spotify" else None
    if roster is not None:
        always[roster] = True
    least, largest = PlantedStreams(events, platform, np.arange(n), countries).bounds(n)
    same = np.ones(n)
    usual = _candidates(e0, cast, tl, size, always, (same, same))
    eventful = _candidates(e0, cast, tl, size, always | (largest > 1), (least, largest))
    local = np.union1d(usual, eventful)
    # The few tracks that only the events can bring onto a chart draw their noise from a
    # stream of their own, so every other value is the one of a demo without events.
    usual_rows = np.isin(local, usual)
    spare = np.random.default_rng([seed, _stable_int(platform), _stable_int("events")])
    planted = PlantedStreams(events, platform, local, countries)
    m = len(local)
    e0_local = e0[local].astype(np.float32)
    release = cast.release[local]
    spike, tau, decay = (
        x[local].astype(np.float32)[:, None] for x in (cast.spike, cast.tau, cast.decay)
    )
    amplitude, period, phase = (x[local][:, None] for x in (amplitude, period, phase))

    # the artists' streams, for their audience: credits of focus artists, by artist
    focus = cast.credit_artist < cast.n_focus
    credit_local = np.searchsorted(local, cast.credit_track[focus])
    credit_starts = np.searchsorted(cast.credit_artist[focus], np.arange(cast.n_focus))
    totals = np.zeros((len(charts), cast.n_focus, tl.n_days), np.int64)

    own = (
        _OwnSeries(rng, platform, countries, tl, cast, local, roster, planted)
        if roster is not None
        else None
    )
    weekly = platform in WEEKLY_PLATFORMS
    book = _Charts(m, size)
    # about 1.5 M values per chart in memory at once (a chunk of weeks), counted on the
    # usual tracks: the events' few tracks leave every other draw as it was
    weeks = int(np.clip(1_500_000 * 9 // max(1, len(usual) * 7 * len(charts)), 1, 13))
    for d0 in range(0, tl.n_days, 7 * weeks):
        d1 = min(d0 + 7 * weeks, tl.n_days)
        day = np.arange(d0, d1)
        age = (day[None, :] - release[:, None]).astype(np.float32)
        base = _life(age, spike, tau, decay).astype(np.float32)
        base *= np.exp(amplitude * np.sin(2 * np.pi * day / period + phase)).astype(np.float32)
        base *= tl.day_factor[d0:d1].astype(np.float32)
        values = np.zeros((len(charts), m, d1 - d0), np.int64)
        for j in range(n_comp):
            noise = _noise(rng, spare, usual_rows, d1 - d0)
            np.clip(noise, -3, 3, out=noise)
            noise *= NOISE_SIGMA
            np.exp(noise, out=noise)
            expected = e0_local[:, j, None] * base * noise
            planted.apply(expected, j, day)
            v = np.rint(expected).astype(np.int64)
            if j < len(countries):
                values[j] = v
            values[-1] += v
        totals[:, :, d0:d1] = np.add.reduceat(values[:, credit_local], credit_starts, axis=1)

        c0 = max(d0, tl.first)
        if c0 < d1:
            for k in range(len(charts)):
                book.add(0, k, values[k][:, c0 - d0 :], np.arange(c0, d1))
            if own is not None:
                own.add(values[:, :, c0 - d0 :], np.arange(c0, d1))
        week_start = np.arange(d0, d1 - 6, 7)
        week_start = week_start[week_start >= tl.first]
        if weekly and len(week_start):
            blocks = (week_start - d0) // 7
            n_blocks = (d1 - d0) // 7
            for k in range(len(charts)):
                sums = values[k][:, : 7 * n_blocks].reshape(m, n_blocks, 7).sum(axis=2)
                book.add(1, k, sums[:, blocks], week_start + 6)
        bar.update(d1 - d0)

    reports = PLATFORMS[platform].reports_streams if platform in PLATFORMS else False
    out = {
        "chart_entries": book.table(platform, local, cast_ids, charts, tl, reports),
        "artist_audience": audience_table(rng, platform, scale, tl, cast, totals, charts),
    }
    if own is not None:
        out["track_streams"] = own.table(cast_ids, charts)
    return out


def _own_roster(cast: Cast, scale: DemoScale) -> np.ndarray:
    """The tracks with own series, ascending: those credited to the named artists, then to
    the next artists in order until they are `scale.own_series_share` of the tracks."""
    first_artist = np.full(len(cast.track_ids), len(cast.names))
    np.minimum.at(first_artist, cast.credit_track, cast.credit_artist)
    wanted = int(np.ceil(scale.own_series_share * len(cast.track_ids)))
    artists = cast.n_named
    if wanted:
        artists = max(artists, int(np.sort(first_artist)[min(wanted, len(first_artist)) - 1]) + 1)
    return np.flatnonzero(first_artist < artists)


class _OwnSeries:
    """Spotify-for-Artists-like daily series of the named artists' tracks, with gaps."""

    def __init__(
        self,
        rng: np.random.Generator,
        platform: str,
        countries: Sequence[str],
        tl: Timeline,
        cast: Cast,
        local: np.ndarray,
        roster: np.ndarray,
        planted: PlantedStreams,
    ) -> None:
        self.rng = rng
        self.planted = planted
        self.platform = platform
        self.tl = tl
        self.tracks = roster
        self.rows = np.searchsorted(local, roster)
        self.release = cast.release[roster]
        charts = np.array([*countries, GLOBAL])
        home = cast.home[cast.main[roster]]
        self.mask = (
            (charts[:, None] == DEFAULT_COUNTRY)
            | (charts[:, None] == GLOBAL)
            | (charts[:, None] == home[None, :])
        )  # (charts, tracks)
        since = np.maximum(self.release, tl.first)[None, :]  # each series misses a run
        self.run_start = since + np.floor(
            rng.random(self.mask.shape) * (tl.last + 1 - since)
        ).astype(np.int64)
        self.run_end = self.run_start + rng.integers(3, 9, self.mask.shape)
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, values: np.ndarray, days: np.ndarray) -> None:
        """`values`: (charts, local tracks, days) streams as the charts count them."""
        v = values[:, self.rows]
        extra = np.maximum(1, np.rint(v * self.rng.uniform(0.005, 0.03, v.shape))).astype(np.int64)
        # a track taken down has no streams to report: its series reads 0, not the 1 above
        extra[:, self.planted.silenced(self.tracks, days)] = 0
        d = days[None, None, :]
        keep = (
            (d >= self.release[None, :, None])
            & self.mask[:, :, None]
            & (self.rng.random(v.shape) >= 0.03)
            & ~((d >= self.run_start[:, :, None]) & (d < self.run_end[:, :, None]))
        )
        chart, track, day = np.nonzero(keep)
        self.parts.append((days[day], chart.astype(np.int8), self.tracks[track], (v + extra)[keep]))

    def table(self, cast_ids: pa.Array, charts: Sequence[str]) -> pa.Table:
        day, chart, track, streams = (np.concatenate(c) for c in zip(*self.parts, strict=True))
        n = len(day)
        return pa.table(
            {
                "date": self.tl.dates(day),
                "platform": constant(self.platform, n),
                "country": pa.DictionaryArray.from_arrays(pa.array(chart), pa.array(list(charts))),
                "track_id": cast_ids.take(pa.array(track)),
                "streams": pa.array(streams, pa.int64()),
                "source": constant(OWN_SOURCE, n),
            }
        )
