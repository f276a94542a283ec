"""Events planted around the demo's default view (DEFAULT_ARTIST in DEFAULT_COUNTRY in
DEFAULT_MONTH), so that the report's "What moved" and "Noteworthy" have something to say.

The model of kit.sources.demo makes smooth careers: releases that spike and decay, slow
waves, daily noise. An analyst's month is rarely that quiet, so four things happen to the
default artist's tracks, each chosen by a rule on the cast (not by title, so another seed
plants them on its own tracks):

- **release**: his most popular track is his new single, released on the third Friday of
  the month (a spike of 3 decaying over 21 days), so it starts late in the month; it is
  planted in the cast itself, as its release day (single.py);
- **viral**: his least popular solo track from at least a year before the month takes off
  in the country from the 8th: its streams there grow to 9× in a week, then slowly fade;
- **drop**: his most popular solo catalogue track leaves a large Spotify playlist in the
  country on the 14th: its Spotify streams there fall to 35 % and stay there;
- **takedown**: his most popular featured track from before the month is taken down
  everywhere on the 21st (a rights dispute): no streams on any platform from that day, so
  it leaves every chart, and its Spotify for Artists series reads 0.

An event multiplies the track's expected streams (before the daily noise is rounded) by a
factor of the days since it began, on its platforms and countries, and GLOBAL follows as
the sum of the countries. It draws no random numbers, so every other value of the demo is
what it would be without it. The charts, the own series and the audience are computed
from the changed streams, so they all agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from .parameters import DEFAULT_ARTIST, DEFAULT_COUNTRY, DEFAULT_MONTH
from .scale import DemoScale, Timeline

if TYPE_CHECKING:
    from .cast import Cast

VIRAL_DAY, VIRAL_PEAK, VIRAL_RAMP_DAYS, VIRAL_FADE_DAYS = 8, 9.0, 7, 45.0
DROP_DAY, DROP_TO = 14, 0.35
TAKEDOWN_DAY = 21
CATALOGUE_DAYS = 365  # a viral track was released at least this long before the month


@dataclass(frozen=True)
class StreamEvent:
    """From `first_day` on, a track's streams × `factor(days since first_day)` on
    `platforms` (None: all) in `countries` (None: all, and the rest of the world)."""

    name: str
    track: int  # the track's index in the cast
    first_day: int  # timeline index
    platforms: tuple[str, ...] | None
    countries: tuple[str, ...] | None

    def factor(self, age: np.ndarray) -> np.ndarray:
        """The multiplier on each day, by its age (days since first_day; 1 before it)."""
        a = np.maximum(age, 0).astype(np.float64)
        if self.name == "viral":
            rise = np.minimum(1.0, (a + 1) / VIRAL_RAMP_DAYS)
            fade = np.exp(-np.maximum(a - VIRAL_RAMP_DAYS, 0) / VIRAL_FADE_DAYS)
            f = 1 + (VIRAL_PEAK - 1) * rise * fade
        elif self.name == "drop":
            f = np.full(a.shape, DROP_TO)
        else:  # takedown
            f = np.zeros(a.shape)
        return np.where(age >= 0, f, 1.0)

    def bounds(self) -> tuple[float, float]:
        """The least and the largest factor the event ever applies."""
        if self.name == "viral":
            return 1.0, VIRAL_PEAK
        return (DROP_TO, 1.0) if self.name == "drop" else (0.0, 1.0)


def plan(cast: Cast, scale: DemoScale, tl: Timeline) -> tuple[StreamEvent, ...]:
    """The viral track, the drop and the takedown of this cast (see the module docstring);
    none when the demo lacks the default artist, country or month."""
    if DEFAULT_ARTIST not in cast.names or DEFAULT_COUNTRY not in scale.countries:
        return ()
    month_start = date.fromisoformat(f"{DEFAULT_MONTH}-01")
    if not scale.start <= month_start <= scale.end:
        return ()
    artist = cast.names.index(DEFAULT_ARTIST)
    start = tl.index(month_start)
    credited = cast.credit_track[cast.credit_artist == artist]
    collabs = set(cast.credit_track[cast.credit_order > 1].tolist())
    solo = [int(t) for t in credited if cast.main[t] == artist and int(t) not in collabs]
    featured = [int(t) for t in credited if cast.main[t] != artist]
    single = int(np.flatnonzero(cast.main == artist)[0])

    def most(tracks: Sequence[int], popular: bool) -> int | None:
        if not tracks:
            return None
        return (max if popular else min)(tracks, key=lambda t: cast.track_pop[t])

    catalogue = [t for t in solo if t != single and cast.release[t] < start]
    old = [t for t in catalogue if cast.release[t] <= start - CATALOGUE_DAYS]
    chosen = [
        ("viral", most(old, False), VIRAL_DAY, None, (DEFAULT_COUNTRY,)),
        ("drop", most(catalogue, True), DROP_DAY, ("spotify",), (DEFAULT_COUNTRY,)),
        ("takedown", most([t for t in featured if cast.release[t] < start], True), TAKEDOWN_DAY, None, None),
    ]  # fmt: skip
    return tuple(
        StreamEvent(name, track, start + day - 1, platforms, countries)
        for name, track, day, platforms, countries in chosen
        if track is not None and start + day - 1 <= tl.last
    )


class PlantedStreams:
    """The events of one platform, applied to its chunks of expected streams."""

    def __init__(
        self,
        events: Sequence[StreamEvent],
        platform: str,
        local: np.ndarray,
        countries: Sequence[str],
    ) -> None:
        self.events = [e for e in events if e.platforms is None or platform in e.platforms]
        self.rows = {e: int(np.searchsorted(local, e.track)) for e in self.events}
        self.components = {
            e: range(len(countries) + 1)
            if e.countries is None
            else [countries.index(c) for c in e.countries if c in countries]
            for e in self.events
        }
        for e in self.events:
            if local[self.rows[e]] != e.track:
                raise RuntimeError(f"demo: the {e.name} track is not generated on {platform}")

    def bounds(self, n_tracks: int) -> tuple[np.ndarray, np.ndarray]:
        """Per cast track, the least and the largest factor applied to it on this platform."""
        low, high = np.ones(n_tracks), np.ones(n_tracks)
        for e in self.events:
            least, largest = e.bounds()
            low[e.track] = min(low[e.track], least)
            high[e.track] = max(high[e.track], largest)
        return low, high

    def apply(self, level: np.ndarray, component: int, days: np.ndarray) -> None:
        """Multiply `level` (local tracks × `days`, one country or the rest of the world)
        in place where an event applies."""
        for e in self.events:
            if component in self.components[e]:
                row = self.rows[e]
                level[row] *= e.factor(days - e.first_day).astype(level.dtype)

    def silenced(self, tracks: np.ndarray, days: np.ndarray) -> np.ndarray:
        """(tracks, days): True where a takedown leaves a track without streams anywhere."""
        out = np.zeros((len(tracks), len(days)), dtype=bool)
        for e in self.events:
            if e.name == "takedown":
                out[tracks == e.track] |= days[None, :] >= e.first_day
        return out
