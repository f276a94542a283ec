"""cProfile, summarised as markdown lines for the "Where the time goes" section."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable
from pathlib import Path

from kit import config

from .results import secs


def profile_lines(what: str, call: Callable[[], object], top: int = 6) -> list[str]:
    """cProfile of `call` as markdown: the functions with the most time of their own (often
    DuckDB, pyarrow or openpyxl), then kit's own functions with the most time including
    what they call, which says which step of kit that time belongs to."""
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    entries = stats.stats.items()
    own = sorted(entries, key=lambda item: item[1][2], reverse=True)[:top]
    kit_dir = str(config.PACKAGE_DIR)
    steps = [e for e in entries if e[0][0].startswith(kit_dir)]
    steps = sorted(steps, key=lambda item: item[1][3], reverse=True)[: 2 * top]
    lines = [f"{what}: {secs(stats.total_tt)} under the profiler.", "", "Most time of their own:"]
    lines += [_line(*entry) for entry in own]
    lines += ["", "kit's steps, with what they call:"]
    lines += [_line(*entry) for entry in steps]
    return [*lines, ""]


def _line(function: tuple[str, int, str], stat: tuple) -> str:
    filename, line, name = function
    _, calls, own, cumulative, _ = stat
    where = f"{Path(filename).name}:{line}" if line else filename
    return (
        f"  - `{name}` ({where}): {secs(own)} own, {secs(cumulative)} with callees, {calls:,} calls"
    )
