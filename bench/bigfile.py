"""Measurement 5b–5d: one large chart file, ingested in a child process.

The file is the combined one-file layout the public chart dumps use
(`title,rank,date,artist,url,region,chart,trend,streams`), generated once from the demo
generator at Spotify's footprint (GLOBAL and 70 countries, daily top 200) over as many
days as the plan's rows need, and kept in `<work>/combined-<rows>/` with a note of what
made it, like the scale warehouse. Beside it, the same file cut at a tenth of its rows.

Each ingest runs in its own Python process (`python -m bench.bigfile kit FILE WAREHOUSE`),
into a fresh warehouse, so that its peak resident memory is its own: the child reports
its high-water mark (`VmHWM` in /proc/self/status; `ru_maxrss` would not do, as Linux
carries the forking parent's peak into the child's). DuckDB's `read_csv` → Parquet of
the same file runs the same way, side by side. The child times `load_spotify_charts` itself, and every call of
`kit.warehouse.write` (the commits), so the results can say what the write path costs
per commit at this scale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .results import Measurement, megabytes, secs, times

NOTE = "bench-file.json"
ROOT = Path(__file__).resolve().parent.parent  # where `bench` is importable
FILE_TRACKS = 50  # rows of the file per generated track (200,000 tracks for 10 M rows)
PEAK_GOAL = 1.5 * 2**30  # bytes: 1.5 GB (GiB, as the memory figures are MiB)
GROWTH_GOAL = 1.2  # the full file's peak ÷ the tenth's

# The combined layout, written by DuckDB from the generated warehouse: one row per daily
# chart entry, ordered by date, region and rank as the dumps are.
_COMBINED = """
copy (
    with named as (
        select tc.track_id, string_agg(a.name, ', ' order by tc.credit_order) as artist
        from track_credits as tc join artists as a using (artist_id)
        group by tc.track_id
    )
    select
        t.title, c.position as rank, strftime(c.date, '%Y-%m-%d') as date, n.artist,
        'https://open.spotify.com/track/' || c.track_id as url, r.region, 'top200' as chart,
        case
            when c.previous_position is null then 'NEW_ENTRY'
            when c.position < c.previous_position then 'MOVE_UP'
            when c.position > c.previous_position then 'MOVE_DOWN'
            else 'SAME_POSITION'
        end as trend,
        c.streams
    from chart_entries as c
    join tracks as t using (track_id)
    join named as n using (track_id)
    join regions as r using (country)
    where c.frequency = 'daily'
    order by c.date, r.region, c.position
) to '{path}' (header, quote '"')
"""


@dataclass(frozen=True)
class ChartDump:
    full: Path
    rows: int
    tenth: Path
    tenth_rows: int
    how: str


def file_scale(rows: int):
    """The demo at Spotify's footprint, Spotify only, over as many days as `rows` need."""
    from kit.sources.demo import DemoScale

    footprint = DemoScale.bench()
    charts = len(footprint.countries) + 1
    days = math.ceil(rows / (charts * 200))
    tracks = max(2_000, rows // FILE_TRACKS)
    return DemoScale(
        n_filler_artists=tracks // 12,
        n_tracks=tracks,
        countries=footprint.countries,
        platforms=("spotify",),
        start=footprint.end - dt.timedelta(days=days - 1),
        end=footprint.end,
        chart_size=200,
    )


def chart_dump(folder: Path, rows: int, seed: int) -> ChartDump:
    """The combined file of at least `rows` rows and its tenth, reused when a previous run
    left matching ones (same rows, seed and generator)."""
    from .scale import fingerprint

    # the file depends on the generator and on the layout written here, not on the write path
    wanted = {"rows": rows, "seed": seed, "fingerprint": fingerprint(("sources/demo",), _COMBINED)}
    note_path = folder / NOTE
    full, tenth = folder / "combined.csv", folder / "combined-tenth.csv"
    if note_path.exists():
        note = json.loads(note_path.read_text())
        if note["params"] == wanted and full.exists() and tenth.exists():
            how = f"reused (written {note['written_at']} in {note['seconds']:,.0f} s)"
            return ChartDump(full, note["rows"], tenth, note["tenth_rows"], how)
    note_path.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    written, tenth_rows = _write_dump(folder, rows, seed, full, tenth)
    took = time.perf_counter() - started
    written_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    note = {
        "params": wanted,
        "rows": written,
        "tenth_rows": tenth_rows,
        "seconds": took,
        "written_at": written_at,
    }
    note_path.write_text(json.dumps(note, indent=2))
    return ChartDump(full, written, tenth, tenth_rows, f"written by this run in {took:,.0f} s")


def _write_dump(folder: Path, rows: int, seed: int, full: Path, tenth: Path) -> tuple[int, int]:
    import pyarrow as pa

    from kit import db
    from kit.countries import country_name
    from kit.schema import GLOBAL
    from kit.sources.demo import build_demo

    root = folder / "warehouse"
    scale = file_scale(rows)
    build_demo(root, seed=seed, scale=scale)
    con = db.connect(root)
    codes = [*scale.countries, GLOBAL]
    names = ["Global" if c == GLOBAL else country_name(c) for c in codes]
    con.register("regions", pa.table({"country": codes, "region": names}))
    con.execute("set enable_progress_bar = false")
    con.execute(_COMBINED.format(path=str(full).replace("'", "''")))
    con.close()
    shutil.rmtree(root)
    written = _head(full, tenth, None)
    tenth_rows = _head(full, tenth, written // 10)
    return written, tenth_rows


def _head(source: Path, target: Path, rows: int | None) -> int:
    """Copy the header and the first `rows` rows of `source` to `target` (None: count only).
    The demo's titles and names hold no line breaks, so a row is a line."""
    count = 0
    with open(source, "rb") as fh:
        header = fh.readline()
        if rows is None:
            return sum(1 for _ in fh)
        with open(target, "wb") as out:
            out.write(header)
            for line in fh:
                if count == rows:
                    break
                out.write(line)
                count += 1
    return count


# ---------------------------------------------------------------- the measurement


@dataclass(frozen=True)
class ChildRun:
    seconds: float  # measured inside the child, around the work alone
    peak_bytes: int  # the child's peak resident memory, as it reports it
    report: dict


def run_child(*args: str) -> ChildRun:
    """`python -m bench.bigfile ARGS…` in its own process; its timing and peak memory."""
    done = subprocess.run(
        [sys.executable, "-m", f"{__package__}.bigfile", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} exited {done.returncode}: {done.stderr.strip()[-300:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return ChildRun(report["seconds"], report["peak_bytes"], report)


def peak_bytes() -> int:
    """This process's peak resident memory: VmHWM, which belongs to the process's own
    memory map (Linux; elsewhere ru_maxrss, which may include the parent's at fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def read_through(paths: list[Path]) -> None:
    """Read the files once, untimed, so a timed reader finds them in the page cache: the
    reader timed second would otherwise find them there and the first not (this machine
    reclaims cold cache pages, so a file written an hour ago is read from disk again)."""
    for path in paths:
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass


def ingest_runs(dump: ChartDump, work: Path) -> dict[str, ChildRun]:
    """kit and DuckDB on the tenth, then on the full file, each into a fresh folder, each
    after the file was read once (both find it in the page cache)."""
    runs = {}
    for size, path in (("tenth", dump.tenth), ("full", dump.full)):
        target = work / f"bigfile-{size}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        read_through([path])
        runs[f"kit-{size}"] = run_child("kit", str(path), str(target / "warehouse"))
        read_through([path])
        runs[f"duckdb-{size}"] = run_child("duckdb", str(path), str(target / "duckdb.parquet"))
        shutil.rmtree(target, ignore_errors=True)
    return runs


def measurements(dump: ChartDump, runs: dict[str, ChildRun]) -> list[Measurement]:
    rate = {
        k: (dump.rows if k.endswith("full") else dump.tenth_rows) / r.seconds
        for k, r in runs.items()
    }
    ratio = rate["kit-full"] / rate["duckdb-full"]
    tenth_ratio = rate["kit-tenth"] / rate["duckdb-tenth"]
    peak, tenth_peak = runs["kit-full"].peak_bytes, runs["kit-tenth"].peak_bytes
    growth = peak / tenth_peak
    commits = runs["kit-full"].report["commits"]
    shape = f"{dump.rows:,}-row combined file"
    return [
        Measurement(
            "bigfile_rate",
            f"5b. Ingest of one {shape} (a fresh warehouse, child process)",
            f"kit {rate['kit-full']:,.0f} rows/s ({secs(runs['kit-full'].seconds)}, "
            f"{len(commits)} commit{'s' if len(commits) != 1 else ''}) · DuckDB read_csv → Parquet {rate['duckdb-full']:,.0f} "
            f"rows/s ({secs(runs['duckdb-full'].seconds)}) · the tenth ({dump.tenth_rows:,} "
            f"rows): kit {rate['kit-tenth']:,.0f} rows/s, DuckDB {rate['duckdb-tenth']:,.0f} rows/s",
            f"kit rate ÷ DuckDB rate: {times(ratio)} (the tenth: {times(tenth_ratio)})",
            "≥ 0.5× DuckDB's rate",
            ratio >= 0.5,
            values={
                "kit_rows_per_s": rate["kit-full"],
                "duckdb_rows_per_s": rate["duckdb-full"],
                "ratio": ratio,
                "rows": dump.rows,
            },
        ),
        Measurement(
            "bigfile_memory",
            f"5c. Peak memory of that ingest ({shape})",
            f"kit {megabytes(peak)} · DuckDB {megabytes(runs['duckdb-full'].peak_bytes)}",
            "—",
            f"≤ {PEAK_GOAL / 2**30:.1f} GB",
            peak <= PEAK_GOAL,
            values={"peak_bytes": peak, "duckdb_peak_bytes": runs["duckdb-full"].peak_bytes},
        ),
        Measurement(
            "bigfile_growth",
            f"5d. Peak memory, the full file against its tenth ({dump.tenth_rows:,} rows)",
            f"full {megabytes(peak)} · tenth {megabytes(tenth_peak)}",
            f"full ÷ tenth: {times(growth)}",
            f"≤ {GROWTH_GOAL}× the tenth's",
            growth <= GROWTH_GOAL,
            values={"growth": growth, "tenth_peak_bytes": tenth_peak},
        ),
    ]


def commit_lines(dump: ChartDump, runs: dict[str, ChildRun]) -> list[str]:
    """What the write path cost per commit, in the full file's ingest."""
    commits = runs["kit-full"].report["commits"]
    if not commits:
        return []
    report = runs["kit-full"].report
    total = sum(c["seconds"] for c in commits)
    rows = sum(c["rows"] for c in commits)
    data = [c for c in commits if c["rows"]]
    per = sorted(c["seconds"] for c in data)
    validating = report["validating"]
    rest = runs["kit-full"].seconds - total - validating
    if not validating:
        return [
            f"**Ingest of the {dump.rows:,}-row file, step by step** (wall clock, in the child): "
            f"read whole (it is under the size kit reads in chunks) and written in one commit "
            f"with its ingest_log row, {secs(total)} in kit.warehouse.write, "
            f"{secs(total / max(rows, 1) * 1e6)} per million rows; reading and validating "
            f"{secs(rest)}.",
            "",
        ]
    return [
        f"**Ingest of the {dump.rows:,}-row file, step by step** (wall clock, in the child): "
        f"reading and validating it in chunks and keeping them by partition {secs(validating)}; "
        f"{len(data)} commits of whole platform × month partitions, then the ingest_log row "
        f"alone, {secs(total)} in kit.warehouse.write, {secs(total / max(rows, 1) * 1e6)} per "
        f"million rows, a commit {secs(per[len(per) // 2])} at the median and "
        f"{secs(per[-1])} at most; the rest (the checksum pass, artists, tracks and credits, "
        f"reading each commit's partitions back) {secs(rest)}.",
        "",
    ]


# ---------------------------------------------------------------- the child side


def _kit(path: str, warehouse: str) -> dict:
    from kit import warehouse as write_path
    from kit.sources.ingest import batch
    from kit.sources.spotify_charts import load_spotify_charts

    commits, validating = [], []
    write, validate = write_path.write, batch._validate_chunks

    def timed_write(tables, **options):
        started, cpu = time.perf_counter(), time.process_time()
        result = write(tables, **options)
        rows = sum(getattr(t, "num_rows", len(t)) for t in tables.values())
        commits.append(
            {"seconds": time.perf_counter() - started, "rows": rows, "_from": (started, cpu)}
        )
        return result

    def timed_validate(*args):
        started = time.perf_counter()
        result = validate(*args)
        validating.append(time.perf_counter() - started)
        return result

    # the two steps of a large file's load, timed where kit calls them
    write_path.write, batch._validate_chunks = timed_write, timed_validate
    started, cpu = time.perf_counter(), time.process_time()
    summary = load_spotify_charts([path], warehouse=warehouse, progress=False)
    seconds = time.perf_counter() - started
    if not summary.ok:
        raise SystemExit(f"kit refused the file: {summary.errors[0]}")
    # the base part: everything before the last commit (its log row and the serving
    # layer's recompute), wall and CPU of every thread
    last_started, last_cpu = commits[-1].pop("_from")
    for commit in commits:
        commit.pop("_from", None)
    return {
        "seconds": seconds,
        "rows": summary.rows,
        "commits": commits,
        "validating": sum(validating),
        "base_seconds": last_started - started,
        "base_cpu_seconds": last_cpu - cpu,
    }


def _duckdb(path: str, out: str) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    started = time.perf_counter()
    con.execute(
        f"copy (select * from read_csv($file, header = true)) to '{out}' (format parquet)",
        {"file": path},
    )
    return {"seconds": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.bigfile")
    p.add_argument("side", choices=["kit", "duckdb"])
    p.add_argument("file")
    p.add_argument("target")
    args = p.parse_args(argv)
    cpu = time.process_time()
    report = (_kit if args.side == "kit" else _duckdb)(args.file, args.target)
    # CPU seconds of every thread: on a loaded machine, what the work itself took
    report["cpu_seconds"] = time.process_time() - cpu
    print(json.dumps({**report, "peak_bytes": peak_bytes()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
