"""Movers against the breakdown, and the alerts of a whole warehouse, on the demo.

Not part of `kit bench`: a quick measurement. For `--picks` random artist × platform ×
country × month picks (seeded) from the demo's focus artists, each query is timed warm,
best of three (breakdown and movers alternately first), and the script prints the p50 and p95 of
each and the ratio of the p95s; then it times `kit.query.alerts` over one month for every
artist, platform and country. Run `kit demo` first:

    .venv/bin/python bench/movers_timing.py [--picks 30] [--month 2026-09] [--warehouse PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import time

import numpy as np

from kit import breakdown, config, db
from kit.period import month_bounds
from kit.query import Query, alerts, movers


def _picks(warehouse, n: int, seed: int) -> list[tuple[str, str, str, str]]:
    cur = db.cursor(warehouse)
    focus = [
        r[0]
        for r in cur.execute("select distinct artist_id from artist_audience order by 1").fetchall()
    ]
    pairs = cur.execute("select distinct platform, country from data_span order by 1, 2").fetchall()
    months = [f"2026-{m:02d}" for m in range(1, 11)] + ["2025-11", "2025-12"]
    rng = random.Random(seed)
    return [(rng.choice(focus), *rng.choice(pairs), rng.choice(months)) for _ in range(n)]


def _timed(answer, *args, repeat: int = 3) -> float:
    """The best of `repeat` runs: on a shared machine the others' load only adds time."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        answer(*args)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--picks", type=int, default=30)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--month", default="2026-09", help="the month the alerts cover")
    parser.add_argument("--warehouse")
    args = parser.parse_args()
    warehouse = config.warehouse_path(args.warehouse)
    times: dict[str, list[float]] = {"breakdown": [], "movers": []}
    rows = 0
    for n, (artist, platform, country, month) in enumerate(
        _picks(warehouse, args.picks, args.seed)
    ):
        q = Query(
            artist,
            month,
            platforms=[platform],
            country=country,
            warehouse=warehouse,
            check_data=False,
        )
        moved = movers(q, artist, platform)  # warm: the cached connection, the files' metadata
        breakdown(q, artist, platform)
        rows += len(moved)
        order = ["breakdown", "movers"] if n % 2 == 0 else ["movers", "breakdown"]
        answers = {"breakdown": breakdown, "movers": movers}
        for name in order:
            times[name].append(_timed(answers[name], q, artist, platform))
    load = os.getloadavg()[0]
    for name, values in times.items():
        p50, p95 = np.percentile(values, [50, 95])
        print(
            f"{name:<10} p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   ({len(values)} picks)"
        )
    ratio = np.percentile(times["movers"], 95) / np.percentile(times["breakdown"], 95)
    print(
        f"movers p95 ÷ breakdown p95: {ratio:.2f}   ({rows:,} mover rows; load average {load:.1f})"
    )
    start, end = month_bounds(args.month)
    started = time.perf_counter()
    found = alerts(start, end, warehouse=warehouse)
    took = time.perf_counter() - started
    kinds = ", ".join(f"{k} {v:,}" for k, v in found["kind"].value_counts().items())
    print(
        f"alerts, every artist, platform and country, {start} to {end}: {took:.1f} s, "
        f"{len(found):,} alerts ({kinds}); {found['artist'].nunique()} artists; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
