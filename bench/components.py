"""The measurements that call other parts of kit: Spark, ingest, the workbook, the
Explorer, `kit report` and the SoundCharts fetcher. Each part is looked up when its
measurement runs, so a part that is missing gives a "not run" row, never a figure."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from . import ingest
from .profile import profile_lines
from .queries import BreakdownPick, median_pick
from .results import Measurement, duration, megabytes, ms, percentiles, secs, times

Clock = Callable[[], float]


class ComponentMissing(Exception):
    """A part of kit that a measurement needs has not been built (yet)."""


def require(module: str, *names: str):
    """`module` (imported), checked to have `names`; ComponentMissing naming what is absent."""
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise ComponentMissing(module) from None
        raise
    for name in names:
        if not hasattr(found, name):
            raise ComponentMissing(f"{module}.{name}")
    return found


# ---------------------------------------------------------------- Spark


def time_spark_breakdown(q, artist: str, platform: str, *, repeat: int = 3) -> dict[str, float]:
    """Seconds taken by `kit.query.breakdown` on Spark: the session's start, the first
    query (views, planning, JVM warm-up) and the best of `repeat` further runs."""
    from kit import engine, spark
    from kit.query import breakdown

    started = time.perf_counter()
    spark.session()
    startup = time.perf_counter() - started
    runs = []
    with engine.using("spark"):
        for _ in range(repeat + 1):
            started = time.perf_counter()
            breakdown(q, artist, platform)
            runs.append(time.perf_counter() - started)
    return {"startup": startup, "first": runs[0], "best": min(runs[1:] or runs)}


def spark_measurement(
    root: Path, picks: list[BreakdownPick], kit_timings: list[float], repeat: int
) -> Measurement:
    """The median pick's breakdown on Spark local mode, beside DuckDB's p50."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise ComponentMissing("Java")
    require("pyspark")
    require("kit.spark", "session")
    pick = median_pick(picks, kit_timings)
    q = pick.query(root)
    took = time_spark_breakdown(q, pick.artist_id, pick.platform, repeat=repeat)
    duck_p50, _ = percentiles(kit_timings)
    ratio = took["best"] / duck_p50
    return Measurement(
        "spark",
        "Breakdown on Spark local mode (the median pick), beside DuckDB",
        f"best of {repeat} {duration(took['best'])} · first query {secs(took['first'])} · "
        f"session start {secs(took['startup'])}",
        f"Spark ÷ DuckDB p50: {times(ratio)}",
        "— (one machine: Spark is expected to be slower)",
        None,
        values={
            "best": took["best"],
            "first": took["first"],
            "startup": took["startup"],
            "ratio": ratio,
        },
    )


# ---------------------------------------------------------------- ingest


def ingest_measurement(
    root: Path, work: Path, country: str, days: int, clock: Clock
) -> tuple[Measurement, list[str]]:
    """Measurement 5, and when its goal is not met, a profile of kit's load."""
    require("kit.sources.spotify_charts", "load_spotify_charts")
    folder = work / "ingest"
    files = ingest.write_chart_files(root, folder / "csv", country, days)
    from .bigfile import read_through

    # both readers find the files in the page cache
    read_through([*files.daily, files.combined])
    kit_seconds = ingest.kit_ingest_seconds(files, folder / "warehouse", clock)
    read_through([*files.daily, files.combined])
    duck_seconds = ingest.duckdb_ingest_seconds(files, folder / "duckdb", clock)
    row = ingest.ingest_measurement(files, kit_seconds, duck_seconds)
    analysis = []
    if row.met is False:
        from kit.sources.spotify_charts import load_spotify_charts

        target = folder / "profiled"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)

        analysis = profile_lines(
            "**Ingest.** kit's load of the daily files (cProfile, a second run into a fresh "
            "warehouse; the large combined file is profiled under 5b)",
            lambda: load_spotify_charts(files.daily, warehouse=target, progress=False),
        )
    return row, analysis


def bigfile_measurements(
    work: Path, rows: int, seed: int, log: Callable[[str], None]
) -> tuple[list[Measurement], list[str]]:
    """Measurements 5b–5d: the large combined file and its tenth, kit and DuckDB, each in a
    child process; and when the speed goal is not met, a profile of kit's load of the tenth."""
    require("kit.sources.spotify_charts", "load_spotify_charts")
    from . import bigfile

    dump = bigfile.chart_dump(work / f"combined-{rows}", rows, seed)
    log(f"bench: the combined file {dump.full} ({dump.rows:,} rows), {dump.how}")
    runs = bigfile.ingest_runs(dump, work)
    out = bigfile.measurements(dump, runs)
    out[0].note = f"{dump.full} ({dump.rows:,} rows; the tenth: {dump.tenth_rows:,}), {dump.how}"
    analysis = bigfile.commit_lines(dump, runs)
    if out[0].met is False:
        from kit.sources.spotify_charts import load_spotify_charts

        target = work / "bigfile-profiled"
        shutil.rmtree(target, ignore_errors=True)
        analysis += profile_lines(
            f"**Ingest of the large file.** kit's load of its tenth ({dump.tenth_rows:,} rows; "
            "cProfile, in the bench's own process, into a fresh warehouse)",
            lambda: load_spotify_charts([dump.tenth], warehouse=target, progress=False),
            top=10,
        )
        shutil.rmtree(target, ignore_errors=True)
    return out, analysis


# ---------------------------------------------------------------- Explorer


def read_warehouse(root: Path) -> None:
    """Read every file of the warehouse's latest version once (untimed; see read_through)."""
    from kit import warehouse

    from .bigfile import read_through

    snap = warehouse.snapshot(root)
    read_through([path for table in snap.files for path in snap.paths(table)])


def explorer_measurement(root: Path, picks: list[BreakdownPick], clock: Clock) -> Measurement:
    """From a row's expand to its rendered table: the model's first (uncached) load of the
    breakdown and its footer, then the HTML of the table and the footer."""
    widgets = require(
        "kit.explorer", "ExplorerModel", "BreakdownState", "render_breakdown", "render_totals"
    )
    model = widgets.ExplorerModel(warehouse=root)
    timings = []
    for pick in picks:
        q = pick.query(root)
        started = clock()
        data = model.load_breakdown(q, pick.artist_id, pick.platform)
        widgets.render_breakdown(widgets.BreakdownState(data))
        widgets.render_totals(data)
        timings.append(clock() - started)
    p50, p95 = percentiles(timings)
    return Measurement(
        "explorer",
        f"7. Explorer: expand → rendered table (query + render), {len(picks)} picks",
        f"p95 {ms(p95)} · p50 {ms(p50)}",
        goal="p95 ≤ 60 ms",
        met=p95 <= 0.060,
        values={"p50": p50, "p95": p95, "picks": len(picks)},
    )


# ---------------------------------------------------------------- workbook


def workbook_measurement(
    root: Path, work: Path, tracks: int, days: int
) -> tuple[Measurement, list[str]]:
    """Measurement 6: kit.export's sheet writer against xlsxwriter, same frames, same cells;
    and when its goal is not met, a profile of kit's writer."""
    from . import workbook

    require("kit.export", "Sheet", "_write_table", "_format", "_values", "_width")
    require("xlsxwriter")
    folder = work / "workbook"
    rows = workbook.workbook_frames(root, tracks, days, folder)
    kit = workbook.run_side("kit", folder)
    xlsx = workbook.run_side("xlsxwriter", folder)
    ratio = kit["seconds"] / xlsx["seconds"]
    memory = kit["peak_bytes"] / xlsx["peak_bytes"]
    analysis = workbook.run_side("kit-profile", folder)["lines"] if ratio > 1.5 else []
    row = Measurement(
        "workbook",
        f"6. Workbook: {rows['Track Breakdown']:,} track rows + {rows['Daily']:,} daily rows "
        "(kit.export's writer, openpyxl write-only)",
        f"kit {secs(kit['seconds'])}, peak {megabytes(kit['peak_bytes'])} · xlsxwriter "
        f"{secs(xlsx['seconds'])}, peak {megabytes(xlsx['peak_bytes'])}",
        f"kit ÷ xlsxwriter: {times(ratio)} the time, {times(memory)} the memory",
        "≤ 1.5× xlsxwriter's time",
        ratio <= 1.5,
        values={
            "seconds": kit["seconds"],
            "peak_bytes": kit["peak_bytes"],
            "xlsxwriter_seconds": xlsx["seconds"],
            "xlsxwriter_peak_bytes": xlsx["peak_bytes"],
            "ratio": ratio,
            "memory_ratio": memory,
        },
    )
    return row, analysis


# ---------------------------------------------------------------- reports


def reports_measurement(work: Path, artists: int) -> Measurement:
    """`kit report` for the demo's named artists (default-scale demo warehouse, its default
    month and country), with --jobs 2 and then --jobs 1: the second run finds the files in
    the page cache, which favours --jobs 1, so the speed-up shown is a lower bound."""
    require("kit.report", "run_reports")
    from kit.sources.demo import DEFAULT_COUNTRY, DEFAULT_MONTH, DEMO_SEED, NAMED_ARTISTS, DemoScale

    from .scale import scale_warehouse

    demo = scale_warehouse(work / "scale-demo", DemoScale(), DEMO_SEED)
    names = [a.name for a in NAMED_ARTISTS[:artists]]
    seconds = {}
    for jobs in (2, 1):
        output = work / f"reports-jobs{jobs}"
        shutil.rmtree(output, ignore_errors=True)
        command = [
            sys.executable,
            "-m",
            "kit.cli",
            "report",
            "--month",
            DEFAULT_MONTH,
            "--country",
            DEFAULT_COUNTRY,
            "--jobs",
            str(jobs),
            "--output",
            str(output),
            "--warehouse",
            str(demo.path),
        ]
        for name in names:
            command += ["--artist", name]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds[jobs] = time.perf_counter() - started
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
            raise RuntimeError(f"kit report --jobs {jobs} exited {done.returncode}: {tail}")
    speedup = seconds[1] / seconds[2]
    return Measurement(
        "reports",
        f"8. Reports: kit report for {len(names)} demo artists ({DEFAULT_COUNTRY}, "
        f"{DEFAULT_MONTH}), --jobs 2 against --jobs 1",
        f"--jobs 2 {secs(seconds[2])} · --jobs 1 {secs(seconds[1])} "
        f"({secs(seconds[1] / len(names))} a report)",
        f"--jobs 1 ÷ --jobs 2: {times(speedup)}",
        "--jobs 2 faster than --jobs 1 (2 cores: at most 2×)",
        speedup > 1,
        values={"jobs2_seconds": seconds[2], "jobs1_seconds": seconds[1], "speedup": speedup},
    )


# ---------------------------------------------------------------- SoundCharts


def soundcharts_measurements(
    latency: float = 0.2,
    platforms: tuple[str, ...] | None = None,
    songs: tuple[int, int] | None = None,
) -> list[Measurement]:
    """bench/soundcharts_bench.py (issue 7's local server with `latency` per answer): one
    artist, five platforms, a year, at the fetcher's default concurrency and sequentially;
    and the calls a second run makes (the cache answers them all)."""
    fetch = require("kit.sources.soundcharts.fetch", "DEFAULT_CONCURRENCY")
    try:
        # it serves the answers with tests/soundcharts_server.py, found beside bench/
        module = importlib.import_module(f"{__package__}.soundcharts_bench")
    except ModuleNotFoundError as exc:
        raise ComponentMissing(f"{exc.name} (the local SoundCharts server)") from None
    concurrency = fetch.DEFAULT_CONCURRENCY
    options: dict = {"platforms": platforms} if platforms else {}
    if songs:
        options["songs"] = songs
    bounded = module.run(latency=latency, concurrency=concurrency, **options)
    sequential = module.run(latency=latency, concurrency=1, **options)
    speedup = sequential["first_seconds"] / bounded["first_seconds"]
    shape = (
        f"1 artist ({bounded['songs']} songs) × {len(bounded['platforms'])} "
        f"platform{'s' if len(bounded['platforms']) > 1 else ''} × "
        f"{bounded['period']}, {latency * 1000:.0f} ms latency"
    )
    return [
        Measurement(
            "soundcharts",
            f"9a. SoundCharts fetch: {shape}",
            f"concurrency {concurrency}: {secs(bounded['first_seconds'])} "
            f"({bounded['first_calls']} calls) · sequential: {secs(sequential['first_seconds'])} "
            f"({sequential['first_calls']} calls)",
            f"sequential ÷ concurrent: {times(speedup)}",
            "≥ 4× faster than sequential",
            speedup >= 4,
            values={
                "seconds": bounded["first_seconds"],
                "calls": bounded["first_calls"],
                "sequential_seconds": sequential["first_seconds"],
                "speedup": speedup,
            },
        ),
        Measurement(
            "soundcharts_rerun",
            "9b. SoundCharts: the same fetch run again (raw-response cache)",
            f"{bounded['second_calls']} calls, {secs(bounded['second_seconds'])}",
            "—",
            "0 calls",
            bounded["second_calls"] == 0,
            values={"calls": bounded["second_calls"], "seconds": bounded["second_seconds"]},
        ),
    ]
