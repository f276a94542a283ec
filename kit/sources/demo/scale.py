"""How much demo to make (`DemoScale`) and the days it covers (`Timeline`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from ...platforms import normalise_platform
from .parameters import (
    FOOTPRINT,
    FOOTPRINT_COUNTRIES,
    FOOTPRINT_END,
    FOOTPRINT_OWN_SHARE,
    FOOTPRINT_START,
    FRIDAY,
    NAMED_ARTISTS,
    RHYTHM,
    WEEKLY_PLATFORMS,
    audience_metrics,
)


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
    # (platform, n): that platform charts only in the first n `countries` (and GLOBAL)
    platform_countries: tuple[tuple[str, int], ...] = ()
    # (platform, size): that platform's charts list `size` tracks instead of `chart_size`
    platform_chart_sizes: tuple[tuple[str, int], ...] = ()
    # own series for at least this share of the tracks: those of the named artists, then of
    # the next artists in order until the share is reached (0: the named artists' only)
    own_series_share: float = 0.0

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
        for platform, n in self.platform_countries:
            if platform not in self.platforms or not 1 <= n <= len(self.countries):
                raise ValueError(
                    f"DemoScale: platform_countries ({platform!r}, {n}) needs one of the "
                    f"platforms and 1 to {len(self.countries)} countries"
                )
        for platform, size in self.platform_chart_sizes:
            if platform not in self.platforms or size < 1:
                raise ValueError(
                    f"DemoScale: platform_chart_sizes ({platform!r}, {size}) needs one of the "
                    "platforms and a size ≥ 1"
                )
        if not 0 <= self.own_series_share <= 1:
            raise ValueError("DemoScale: own_series_share is a share of the tracks, 0 to 1")
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

    def countries_of(self, platform: str) -> tuple[str, ...]:
        """The countries whose charts `platform` has (GLOBAL is added)."""
        n = dict(self.platform_countries).get(platform, len(self.countries))
        return self.countries[:n]

    def chart_size_of(self, platform: str) -> int:
        return dict(self.platform_chart_sizes).get(platform, self.chart_size)

    @classmethod
    def bench(
        cls,
        chart_entries: int = 10_700_000,
        audience_points: int = 20_000_000,
        tracks: int = 200_000,
    ) -> DemoScale:
        """Spotify's real footprint, sized by rows: GLOBAL and 70 countries on Spotify, fewer
        on four other platforms (FOOTPRINT), 13 months, own series for 2 % of the tracks.
        The chart lengths keep the footprint's proportions (the other platforms' half of
        Spotify's): about 10.7 M chart entries give Spotify's top 200."""
        base = cls(
            countries=tuple(FOOTPRINT_COUNTRIES),
            platforms=tuple(FOOTPRINT),
            start=FOOTPRINT_START,
            end=FOOTPRINT_END,
        )
        days, weeks = base.days, base.weeks
        slots = sum(
            (n + 1) * share * (days + (weeks if p in WEEKLY_PLATFORMS else 0))
            for p, (n, share) in FOOTPRINT.items()
        )
        spotify = max(1, round(chart_entries / slots))
        points = sum((n + 1) * len(audience_metrics(p)) for p, (n, _) in FOOTPRINT.items())
        n_artists = max(len(NAMED_ARTISTS), round(audience_points / (days * points)))
        return replace(
            base,
            n_artists=n_artists,
            n_filler_artists=max(100, tracks // 12 - n_artists),
            n_tracks=tracks,
            chart_size=spotify,
            platform_countries=tuple((p, n) for p, (n, _) in FOOTPRINT.items()),
            platform_chart_sizes=tuple(
                (p, max(1, round(spotify * share))) for p, (_, share) in FOOTPRINT.items()
            ),
            own_series_share=FOOTPRINT_OWN_SHARE,
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
