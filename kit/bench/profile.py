"""cProfile, summarised as markdown lines for the "Where the time goes" section."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable
from pathlib import Path

from .results import secs


def profile_lines(what: str, call: Callable[[], object], top: int = 8) -> list[str]:
    """cProfile of `call`: the functions with the most time of their own, as markdown."""
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = stats.total_tt
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    lines = [f"{what}: {secs(total)} under the profiler. Most time of their own:", ""]
    for (filename, line, name), (_, calls, own, cumulative, _) in rows:
        where = f"{Path(filename).name}:{line}" if line else filename
        lines.append(
            f"  - `{name}` ({where}): {secs(own)} own, {secs(cumulative)} with callees, "
            f"{calls:,} calls"
        )
    return [*lines, ""]
