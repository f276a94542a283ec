"""The serving layer at scale: Query + breakdown (month and 90-day periods) and summary,
answered from the serving layer and from the base tables, side by side, on one warehouse.

    python -m bench.serving WAREHOUSE [--picks N] [--seed N]

The warehouse must have a serving layer (`kit rebuild` on a copy of an older one). Every
pick is answered both ways and the frames must be equal; the times include building the
Query, as the Explorer does on each expand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kit import warehouse
from kit.query import Query, breakdown, parts, summary

from .queries import BreakdownPick, breakdown_picks, floor_timings, summary_picks
from .results import ms, percentiles


def _timed(fn) -> tuple[float, pd.DataFrame]:
    started = time.perf_counter()
    frame = fn()
    return time.perf_counter() - started, frame


def _both(fn) -> tuple[float, float]:
    """(seconds from the base tables, seconds from the serving layer); the frames equal."""
    served = parts.served
    parts.served = lambda q: False
    try:
        base_s, base = _timed(fn)
    finally:
        parts.served = served
    serving_s, frame = _timed(fn)
    pd.testing.assert_frame_equal(frame, base, check_exact=True)
    return base_s, serving_s


def _breakdown(root: Path, pick: BreakdownPick, period) -> pd.DataFrame:
    q = Query(pick.artist_id, period, platforms=[pick.platform], country=pick.country, warehouse=root)  # fmt: skip
    return breakdown(q, pick.artist_id, pick.platform)


def _line(name: str, base: list[float], served: list[float]) -> str:
    b50, b95 = percentiles(base)
    s50, s95 = percentiles(served)
    return f"| {name} | {ms(s50)} | {ms(s95)} | {ms(b50)} | {ms(b95)} | {b50 / s50:.1f}× |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serving")
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--picks", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    root = args.warehouse
    if warehouse.snapshot(root).serving != warehouse.SERVING_FORMAT:
        parser.error(f"{root} has no serving layer: run `kit rebuild --warehouse {root}` first")
    rng = np.random.default_rng(args.seed)
    picks = breakdown_picks(root, args.picks, rng)
    load_before = os.getloadavg()

    month = [_both(lambda p=p: _breakdown(root, p, p.month)) for p in picks]
    alone = []  # the Query built first, untimed: the answer alone
    for p in picks:
        q = Query(p.artist_id, p.month, platforms=[p.platform], country=p.country, warehouse=root)  # fmt: skip
        alone.append(_both(lambda q=q, p=p: breakdown(q, p.artist_id, p.platform)))
    ninety = []
    for p in picks:
        start = p.start - dt.timedelta(days=int(rng.integers(0, 60)))  # a window holding the month
        period = (start, start + dt.timedelta(days=89))
        ninety.append(_both(lambda p=p, period=period: _breakdown(root, p, period)))
    sums = []
    for s in summary_picks(root, max(args.picks // 3, 10), rng):
        q = Query(list(s.artist_ids), (s.start, s.end), platforms=list(s.platforms), country=s.country, warehouse=root, check_data=False)  # fmt: skip
        sums.append(_both(lambda q=q: summary(q)))
    from kit.warehouse import read_table

    credits = read_table("track_credits", root).to_pandas()
    floor = floor_timings(root, picks, credits, time.perf_counter)

    print("| answer | served p50 | served p95 | base p50 | base p95 | base ÷ served (p50) |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(_line(f"Query + breakdown, month ({len(month)} picks)", *zip(*month, strict=True)))
    print(_line(f"breakdown alone, month ({len(alone)} picks)", *zip(*alone, strict=True)))
    print(_line(f"Query + breakdown, 90 days ({len(ninety)} picks)", *zip(*ninety, strict=True)))
    print(_line(f"Query + summary, 10 artists × 4 platforms × 365 days ({len(sums)})", *zip(*sums, strict=True)))  # fmt: skip
    f50, f95 = percentiles(floor)
    print(f"\nfloor (bare pruned scan of the chart rows): p50 {ms(f50)} · p95 {ms(f95)}")
    print(f"load average before {load_before}, after {os.getloadavg()}; {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
