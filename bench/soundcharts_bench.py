"""SoundCharts fetch: calls and wall time of a first and a second run against the local server.

One artist (20 songs as main performer, 6 featured), five platforms, one year, with a
fixed latency added to every answer, as the real API's ~200 ms. `run()` returns a dict;
run as a script it prints the figures at concurrency 8 and 1:

    .venv/bin/python bench/soundcharts_bench.py [--latency 0.2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from soundcharts_server import API_KEY, APP_ID, ARTIST_NAME, FakeCatalogue, SoundChartsServer  # noqa: E402

PLATFORMS = ("spotify", "apple_music", "deezer", "youtube", "amazon_music")
START, END = "2025-01-01", "2025-12-31"


@contextmanager
def _environment(values: dict[str, str]):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run(
    latency: float = 0.2,
    concurrency: int = 8,
    *,
    platforms: tuple[str, ...] = PLATFORMS,
    chart_history: bool = False,
    songs: tuple[int, int] = (20, 6),
) -> dict:
    """Calls and seconds of a first and a second fetch of one artist over 2025."""
    from kit.sources.soundcharts import fetch_artist

    catalogue = FakeCatalogue(main=songs[0], featured=songs[1])
    with (
        tempfile.TemporaryDirectory() as tmp,
        SoundChartsServer(catalogue, latency=latency) as server,
    ):
        env = {"SOUNDCHARTS_BASE_URL": server.url, "SOUNDCHARTS_APP_ID": APP_ID,
               "SOUNDCHARTS_API_KEY": API_KEY, "CHARTROOM_CACHE": str(Path(tmp) / "cache")}  # fmt: skip
        with _environment(env):
            timings = []
            for _ in range(2):
                before = server.calls
                started = time.perf_counter()
                summary = fetch_artist(ARTIST_NAME, list(platforms), START, END,
                                       warehouse=Path(tmp) / "warehouse", progress=False,
                                       concurrency=concurrency, chart_history=chart_history)  # fmt: skip
                timings.append((server.calls - before, time.perf_counter() - started, summary))
    (calls1, secs1, first), (calls2, secs2, second) = timings
    return {
        "latency": latency,
        "concurrency": concurrency,
        "platforms": list(platforms),
        "period": f"{START}:{END}",
        "songs": sum(songs),
        "chart_history": chart_history,
        "first_calls": calls1,
        "first_seconds": round(secs1, 2),
        "second_calls": calls2,
        "second_seconds": round(secs2, 2),
        "rows": first.rows,
        "complete": first.complete and second.complete,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, nargs="*", default=[8, 1])
    parser.add_argument("--chart-history", action="store_true")
    args = parser.parse_args()
    print("| concurrency | 1st run calls | 1st run s | 2nd run calls | 2nd run s |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for c in args.concurrency:
        r = run(args.latency, c, chart_history=args.chart_history)
        print(
            f"| {c} | {r['first_calls']} | {r['first_seconds']} | {r['second_calls']} | {r['second_seconds']} |"
        )


if __name__ == "__main__":
    main()
