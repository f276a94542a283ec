"""Two known states of a small warehouse, A and B, and the processes that write and read
them concurrently (tests/test_snapshots.py runs this file as a script).

Both states hold the same keys; only the values differ. One artist, Alba, on Spotify in
Italy, over 31 August and 1 September 2026 (two month partitions of each table):

- daily top-chart entries of t1 and t2, with streams;
- an own daily series (track_streams) of t3, which charts nowhere;
- her monthly listeners.

A reader that mixed the two states (one month, or one table, of A and the rest of B)
would get figures that are neither A's nor B's.

    python tests/snapshot_states.py load ROOT STATE                  load A or B once
    python tests/snapshot_states.py write ROOT STOPFILE [--count N]   alternate A, B, A, …
    python tests/snapshot_states.py read ROOT OUTFILE STOPFILE       Query + breakdown + summary
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import traceback
from pathlib import Path

import pandas as pd

D = dt.date
DAYS = [D(2026, 8, 31), D(2026, 9, 1)]
PERIOD = "2026-08-31:2026-09-01"

# streams per day (31 August, 1 September), listeners per day, in each state
STATES = {
    "A": {"t1": (100, 200), "t2": (10, 20), "t3": (5, 6), "listeners": (1000, 1100)},
    "B": {"t1": (1000, 2000), "t2": (1, 2), "t3": (50, 60), "listeners": (2000, 2500)},
}


def tables(state: str) -> dict[str, pd.DataFrame]:
    values = STATES[state]
    chart = [
        {"date": day, "track_id": t, "position": pos, "streams": values[t][i]}
        for t, pos in (("t1", 1), ("t2", 2))
        for i, day in enumerate(DAYS)
    ]
    return {
        "artists": pd.DataFrame({"artist_id": ["alba"], "name": ["Alba"]}),
        "tracks": pd.DataFrame({"track_id": ["t1", "t2", "t3"], "title": ["Uno", "Due", "Tre"]}),
        "track_credits": pd.DataFrame(
            {
                "track_id": ["t1", "t2", "t3"],
                "artist_id": "alba",
                "role": "main",
                "credit_order": 1,
            }
        ),
        "chart_entries": pd.DataFrame(chart).assign(
            platform="spotify", country="IT", frequency="daily", chart="top", source="charts"
        ),
        "track_streams": pd.DataFrame(
            {
                "date": DAYS,
                "platform": "spotify",
                "country": "IT",
                "track_id": "t3",
                "streams": list(values["t3"]),
                "source": "s4a",
            }
        ),
        "artist_audience": pd.DataFrame(
            {
                "date": DAYS,
                "platform": "spotify",
                "country": "IT",
                "artist_id": "alba",
                "metric": "monthly_listeners",
                "value": list(values["listeners"]),
                "source": "s4a",
            }
        ),
    }


FACTS = ("chart_entries", "track_streams", "artist_audience")


def write_state(root: Path, state: str) -> None:
    """Load a state: every table into a warehouse without a version yet, else the facts
    only (the artist, tracks and credits are the same in both states)."""
    from kit import warehouse

    rows = tables(state)
    if warehouse.current_version(root):
        rows = {name: rows[name] for name in FACTS}
    warehouse.write(rows, source=f"state {state}", warehouse=root)


def answer(root: Path, q=None) -> dict:
    """What a reader sees: the breakdown's totals per track and the audience summary, of a
    new Query or of `q`."""
    from kit.query import Query, breakdown, summary

    q = q or Query("Alba", PERIOD, country="IT", warehouse=root)
    tracks = breakdown(q, "Alba", "spotify")
    audience = summary(q)
    return {
        "platforms": list(q.platform_slugs),
        "tracks": {
            t: int(n) for t, n in zip(tracks["track_id"], tracks["total_streams"], strict=True)
        },
        "listeners": [int(audience["start_value"].iloc[0]), int(audience["end_value"].iloc[0])],
    }


def _write(root: Path, stop: Path, count: int) -> None:
    for i in range(count):
        if stop.exists():
            break
        write_state(root, "AB"[i % 2])


def _read(root: Path, out: Path, stop: Path) -> None:
    with open(out, "a") as fh:
        while not stop.exists():
            try:
                line = {"answer": answer(root)}
            except Exception:
                line = {"error": traceback.format_exc()}
            fh.write(json.dumps(line) + "\n")
            fh.flush()
            time.sleep(0.01)


if __name__ == "__main__":
    command, root = sys.argv[1], Path(sys.argv[2])
    if command == "load":
        write_state(root, sys.argv[3])
    elif command == "write":
        count = int(sys.argv[5]) if len(sys.argv) > 5 else 1_000_000
        _write(root, Path(sys.argv[3]), count)
    else:
        _read(root, Path(sys.argv[3]), Path(sys.argv[4]))
