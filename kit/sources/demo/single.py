"""The demo's planted release (the first event of events.py): the default artist's most
popular track becomes his new single, out on the third Friday of DEFAULT_MONTH. It is
planted in the cast, as the track's release day, spike and decay, so the model's streams,
charts and audience follow from it as from any release."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from .parameters import DEFAULT_MONTH, FRIDAY
from .scale import DemoScale, Timeline

SINGLE_SPIKE, SINGLE_TAU = 3.0, 21.0


def third_friday(month: str) -> date:
    first = date.fromisoformat(f"{month}-01")
    return first + timedelta(days=(FRIDAY - first.weekday()) % 7 + 14)


def plant_single(
    release: np.ndarray,
    spike: np.ndarray,
    tau: np.ndarray,
    track: int | None,
    scale: DemoScale,
    tl: Timeline,
) -> None:
    """The release: `track` (the default artist's most popular) becomes his new single,
    out on the third Friday of DEFAULT_MONTH, when the demo covers that day."""
    month_start = date.fromisoformat(f"{DEFAULT_MONTH}-01")
    single = tl.index(third_friday(DEFAULT_MONTH))
    if track is not None and scale.start <= month_start and single <= tl.last:
        release[track], spike[track], tau[track] = single, SINGLE_SPIKE, SINGLE_TAU
