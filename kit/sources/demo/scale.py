"""How much demo to make (`DemoScale`) and the days it covers (`Timeline`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from ...platforms import normalise_platform
from .parameters import FRIDAY, NAMED_ARTISTS, RHYTHM, WEEKLY_PLATFORMS, audience_metrics


@dataclass(frozen=True)
class DemoScale:
    """How much demo to make. The defaults build in seconds; `bench()` sizes it by rows."""

    n_artists: int = 12  # focus artists (audience tracked); the first 12 are named
    n_filler_artists: int = 400  # generated artists whose tracks fill the charts
    n_tracks: int = 4_000
    countries: tuple[str, ...] = ("IT", "US", "GB", "DE", "FR", "ES", "BR", "SE")  # + GLOBAL
    platforms: tuple[str, ...] = ("spotify", "youtube", "apple_music", "deezer")
    start: date = date(2024, 11, 1)
    end: date = date(2026, 10, 31)
    chart_size: int = 200

    def __post_init__(self) -> None:
        if self.n_artists < 1 or self.n_filler_artists < 0:
            raise ValueError("DemoScale: n_artists must be ≥ 1 and n_filler_artists ≥ 0")
        if self.end < self.start:
            raise ValueError(f"DemoScale: end {self.end} is before start {self.start}")
        if self.chart_size < 1:
            raise ValueError("DemoScale: chart_size must be ≥ 1")
        if not self.countries or not self.platforms:
            raise ValueError("DemoScale: at least one country and one platform are needed")
        bad = [c for c in self.countries if len(c) != 2 or not c.isalpha() or not c.isupper()]
        if bad:
            raise ValueError(
                f"DemoScale: countries must be ISO alpha-2 codes (GLOBAL is added): {bad}"
            )
        slugs = [p for p in self.platforms if p != normalise_platform(p)]
        if slugs:
            raise ValueError(
                f"DemoScale: platforms are lowercase slugs such as 'apple_music': {slugs}"
            )
        if len(set(self.countries)) != len(self.countries) or len(set(self.platforms)) != len(
            self.platforms
        ):
            raise ValueError("DemoScale: countries and platforms must not repeat")
        named = sum(a.tracks for a in NAMED_ARTISTS[: self.n_artists])
        generated = max(0, self.n_artists - len(NAMED_ARTISTS)) + self.n_filler_artists
        if self.n_tracks < named + generated:
            raise ValueError(
                f"DemoScale: n_tracks must be ≥ {named + generated} "
                f"({named} for the named artists, one per generated artist)"
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> int:
        """Complete Friday–Thursday weeks inside the period (one weekly chart each)."""
        first_friday = self.start + timedelta(days=(FRIDAY - self.start.weekday()) % 7)
        return max(0, ((self.end - first_friday).days + 1) // 7)

    @classmethod
    def bench(
        cls,
        chart_entries: int = 10_000_000,
        audience_points: int = 20_000_000,
        tracks: int = 200_000,
    ) -> DemoScale:
        """A scale whose warehouse has about these row counts (default countries, platforms, dates)."""
        base = cls()
        charts = len(base.countries) + 1
        weekly = sum(p in WEEKLY_PLATFORMS for p in base.platforms)
        slots = charts * (len(base.platforms) * base.days + weekly * base.weeks)
        per_artist = charts * base.days * sum(len(audience_metrics(p)) for p in base.platforms)
        n_artists = max(len(NAMED_ARTISTS), round(audience_points / per_artist))
        return cls(
            n_artists=n_artists,
            n_filler_artists=max(100, tracks // 12 - n_artists),
            n_tracks=tracks,
            chart_size=max(1, round(chart_entries / slots)),
        )

    @classmethod
    def small(cls) -> DemoScale:
        """All platforms, countries and two years, with short charts: a few seconds."""
        return cls(n_filler_artists=80, n_tracks=700, chart_size=20)


DEFAULT_SCALE = DemoScale()


@dataclass(frozen=True)
class Timeline:
    """Day i is g0 + i; g0 is a Friday at least 27 days before the period, so that the
    28 days to the first day are generated and weeks (Friday–Thursday) align with 7·k."""

    g0: date
    first: int  # index of scale.start
    last: int  # index of scale.end
    day_factor: np.ndarray  # rhythm × season × growth, per day index

    @classmethod
    def of(cls, scale: DemoScale) -> Timeline:
        warm = scale.start - timedelta(days=27)
        g0 = warm - timedelta(days=(warm.weekday() - FRIDAY) % 7)
        n = (scale.end - g0).days + 1
        dates = np.datetime64(g0, "D") + np.arange(n)
        doy = (dates - dates.astype("datetime64[Y]")).astype(np.int64)
        season = 1 + 0.05 * np.cos(2 * np.pi * (doy - 355) / 365.25)
        growth = 1 + 0.07 * np.arange(n) / 365
        rhythm = RHYTHM[(FRIDAY + np.arange(n)) % 7]
        return cls(g0, (scale.start - g0).days, (scale.end - g0).days, rhythm * season * growth)

    @property
    def n_days(self) -> int:
        return self.last + 1

    def index(self, d: date) -> int:
        return (d - self.g0).days

    def dates(self, idx: np.ndarray) -> pa.Array:
        return pa.array(np.datetime64(self.g0, "D") + idx.astype("timedelta64[D]"))


def constant(value: str, n: int) -> pa.DictionaryArray:
    """A column of `n` times `value`, dictionary-encoded (one byte per row)."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int8)), pa.array([value]))
