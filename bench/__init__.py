"""The benchmarks: speed, measured side by side in one run, written to bench/results.md.

`run(plan, out=..., work=...)` builds (or reuses) the scale warehouse with the demo
generator at Spotify's footprint, then measures, on the same machine in the same run:

1. the breakdown (kit.query.breakdown), p50/p95 over random picks; with its Query
   built, over months and over arbitrary 90-day periods;
2. the summary (kit.query.summary), 10 artists × 4 platforms × 365 days;
3. the seed's way (filter a frame, json.loads per row) and a pandas groupby, on the same
   picks, checked to give kit's answers;
4. the floor: DuckDB reading only the Parquet it needs, with a bare sum;
5. ingesting Spotify chart CSVs, against DuckDB's read_csv into Parquet: a year of
   daily files and a combined file, then one large combined file (and its tenth) in a
   child process, for speed and peak memory;
6. the Excel workbook, against xlsxwriter writing the same cells;
7. the Explorer's expand: query plus rendered table;
8. `kit report` for several artists with --jobs 2 against --jobs 1;
9. SoundCharts fetching with bounded concurrency against sequential calls;
10. the movers against the breakdown, on the same picks (bench/moved.py);
11. the alerts of the whole warehouse for one month (bench/moved.py);
12. a fresh process: `import kit` and the first breakdown;
and the breakdown on Spark local mode beside DuckDB.

A measurement whose component is missing, or that fails, gets a "not run: <reason>" row;
no figure is ever typed in. bench/README.md explains each row. `python -m bench` (from
the repository's root) runs it; this folder is not part of the installed package.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .components import ComponentMissing
from .results import Measurement, Run, not_run

BENCH_DIR = Path(__file__).resolve().parent
MEASUREMENTS = (
    "queries",
    "periods",
    "summary",
    "spark",
    "ingest",
    "bigfile",
    "fresh",
    "workbook",
    "explorer",
    "reports",
    "soundcharts",
    "moved",
)


@dataclass(frozen=True)
class BenchPlan:
    """How big a run is. `default()` is the issue's scale (Spotify's footprint, about 10.7 M
    chart entries); `small()` the same shape at a tenth of its data."""

    name: str
    chart_entries: int
    audience_points: int
    tracks: int
    breakdown_picks: int = 50
    summary_picks: int = 20
    explorer_picks: int = 50
    ingest_days: int = 365
    ingest_country: str = "IT"
    workbook_tracks: int = 10_000
    workbook_days: int = 365
    report_artists: int = 12
    spark_repeat: int = 3
    file_rows: int = 10_000_000  # the large combined file (5b–5d)
    fresh_processes: int = 3
    soundcharts_platforms: tuple[str, ...] | None = None  # None: the bench script's five
    soundcharts_songs: tuple[int, int] | None = None  # main, featured; None: the script's
    skip: frozenset[str] = field(default_factory=frozenset)
    seed: int = 8  # the picks' generator; the data's seed is the demo's own

    @classmethod
    def default(cls) -> BenchPlan:
        return cls("default", 10_700_000, 20_000_000, 200_000)

    @classmethod
    def small(cls) -> BenchPlan:
        return cls(
            "small",
            1_070_000,
            2_000_000,
            20_000,
            file_rows=1_000_000,
            workbook_tracks=2_000,
            report_artists=2,
            spark_repeat=1,
            soundcharts_platforms=("spotify",),
            soundcharts_songs=(6, 2),
        )

    def scale(self):
        from kit.sources.demo import DemoScale

        return DemoScale.bench(self.chart_entries, self.audience_points, self.tracks)

    def without(self, *names: str) -> BenchPlan:
        return replace(self, skip=self.skip | set(names))


def run(
    plan: BenchPlan,
    *,
    out: str | os.PathLike | None = None,
    work: str | os.PathLike | None = None,
    command: str = "python -m bench",
    clock: Callable[[], float] = time.perf_counter,
    log: Callable[[str], None] = print,
) -> Run:
    """Run every measurement of `plan`, write `out` (bench/results.md), return the run."""
    from . import components, queries, results
    from .scale import scale_warehouse

    out = Path(out) if out else BENCH_DIR / "results.md"
    work = Path(work or BENCH_DIR / "work").resolve()
    work.mkdir(parents=True, exist_ok=True)
    errors = work / "errors.log"
    errors.unlink(missing_ok=True)
    started_at = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    machine = results.machine()
    rows: list[Measurement] = []
    analysis: list[str] = []

    def guarded(key: str, title: str, goal: str, measure: Callable[[], list[Measurement]]):
        if key in plan.skip:
            rows.append(not_run(key, title, "skipped by this run's plan (--skip, --only)", goal))
            return
        log(f"bench: {title} … ({time.perf_counter() - started:,.0f} s into the run)")
        try:
            rows.extend(measure())
        except ComponentMissing as exc:
            rows.append(not_run(key, title, f"{exc} not available", goal))
        except Exception as exc:  # one failed measurement must not lose the others
            with open(errors, "a") as fh:
                fh.write(f"== {title}\n{traceback.format_exc()}\n")
            reason = f"failed ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})"
            rows.append(not_run(key, title, f"{reason}; see {errors.name}", goal))

    log(f"bench: the {plan.name} scale warehouse …")
    from kit.sources.demo import DEMO_SEED

    scale = plan.scale()
    wh = scale_warehouse(work / f"scale-{plan.name}", scale, DEMO_SEED)
    log(f"bench: warehouse {wh.how}")
    rng = np.random.default_rng(plan.seed)
    picks = queries.breakdown_picks(wh.path, plan.breakdown_picks, rng)
    summary_picks = queries.summary_picks(wh.path, plan.summary_picks, rng)
    period_picks = queries.period_picks(wh.path, picks, rng)
    log(f"bench: picks drawn ({time.perf_counter() - started:,.0f} s into the run)")
    state: dict = {}

    def warm(measure: Callable[[], list[Measurement]]) -> Callable[[], list[Measurement]]:
        """`measure`, after the warehouse's current files were read once, untimed: the
        timed answers find them in the page cache, as an analyst's second look does (this
        machine reclaims page-cache pages unused for a few minutes, so without it the
        picks that first reach a file would time the disk)."""

        def warmed() -> list[Measurement]:
            components.read_warehouse(wh.path)
            return measure()

        return warmed

    def measure_queries() -> list[Measurement]:
        # one untimed expand first: the connection, its views and the file listing
        queries.kit_breakdowns(wh.path, picks[:1], clock)
        kit_timings, answers = queries.kit_breakdowns(wh.path, picks, clock)
        state["kit_timings"] = kit_timings
        charts, credits = queries.seed_frames(wh.path)
        ways = queries.compare_ways(charts, credits, picks, answers, clock)
        del charts
        floor = queries.floor_timings(wh.path, picks, credits, clock)
        with_query = queries.kit_breakdowns_with_query(wh.path, picks, clock)
        out_rows = [
            queries.breakdown_measurement(kit_timings),
            *queries.seed_measurements(kit_timings, ways),
            queries.floor_measurement(kit_timings, floor),
            *queries.with_query_measurements(with_query, ways["seed"][0], floor),
        ]
        macro = queries.macro_timings(wh.path, picks, clock)
        state["macro_timings"] = macro
        return out_rows

    def measure_periods() -> list[Measurement]:
        return [queries.period_measurement(wh.path, period_picks, clock)]

    def measure_summary() -> list[Measurement]:
        return [queries.summary_measurement(wh.path, summary_picks, clock)]

    def measure_spark() -> list[Measurement]:
        if "kit_timings" not in state:
            raise ComponentMissing("the DuckDB breakdown figures (row 1)")
        row = components.spark_measurement(wh.path, picks, state["kit_timings"], plan.spark_repeat)
        return [row]

    def measure_ingest() -> list[Measurement]:
        row, profile = components.ingest_measurement(
            wh.path, work, plan.ingest_country, plan.ingest_days, clock
        )
        analysis.extend(profile)
        return [row]

    def measure_bigfile() -> list[Measurement]:
        rows, lines = components.bigfile_measurements(work, plan.file_rows, DEMO_SEED, log)
        analysis.extend(lines)
        return rows

    def measure_fresh() -> list[Measurement]:
        return [queries.fresh_process_measurement(wh.path, picks[0], plan.fresh_processes)]

    def measure_workbook() -> list[Measurement]:
        row, profile = components.workbook_measurement(
            wh.path, work, plan.workbook_tracks, plan.workbook_days
        )
        analysis.extend(profile)
        return [row]

    def measure_explorer() -> list[Measurement]:
        return [components.explorer_measurement(wh.path, picks[: plan.explorer_picks], clock)]

    def measure_reports() -> list[Measurement]:
        return [components.reports_measurement(work, plan.report_artists)]

    def measure_soundcharts() -> list[Measurement]:
        return components.soundcharts_measurements(
            platforms=plan.soundcharts_platforms, songs=plan.soundcharts_songs
        )

    guarded(
        "queries",
        "1, 3, 4. Breakdown, the seed's way, pandas, the floor",
        "p50 ≤ 10 ms, p95 ≤ 25 ms with its Query; ≥ 50× the seed's way; ≤ 1× the floor",
        warm(measure_queries),
    )
    guarded(
        "periods",
        "1c. Breakdown over arbitrary 90-day periods",
        "p95 ≤ 40 ms",
        warm(measure_periods),
    )
    guarded("summary", "2. Summary", "p95 ≤ 40 ms", warm(measure_summary))
    guarded("spark", "Breakdown on Spark local mode", "—", measure_spark)
    guarded("ingest", "5. Ingest Spotify chart CSVs", "≥ 0.5× DuckDB's rate", measure_ingest)
    guarded(
        "bigfile",
        f"5b–5d. Ingest of one {plan.file_rows:,}-row combined file",
        "≥ 0.5× DuckDB's rate; peak ≤ 1.5 GB, ≤ 1.2× the tenth's",
        measure_bigfile,
    )
    guarded("workbook", "6. Workbook", "≤ 1.5× xlsxwriter's time", measure_workbook)
    guarded(
        "explorer", "7. Explorer: expand → rendered table", "p95 ≤ 60 ms", warm(measure_explorer)
    )
    guarded(
        "reports",
        "8. Reports: kit report, --jobs 2 against --jobs 1",
        "--jobs 2 faster than --jobs 1",
        measure_reports,
    )
    guarded(
        "soundcharts",
        "9. SoundCharts fetch",
        "≥ 4× faster than sequential; 0 calls on a second run",
        measure_soundcharts,
    )

    def measure_moved() -> list[Measurement]:
        from . import moved

        return moved.measurements(wh.path, picks, clock)

    guarded("moved", "10, 11. Movers and alerts", "see bench/moved.py", warm(measure_moved))
    guarded(
        "fresh",
        "12. A fresh process: import kit plus the first breakdown",
        "≤ 1.5 s",
        measure_fresh,
    )
    rows.sort(key=_row_order)

    floor_row = next((m for m in rows if m.key == "floor"), None)
    if floor_row is not None and floor_row.met is False and "kit_timings" in state:
        analysis += _breakdown_analysis(wh.path, picks, state, work)

    scale_rows = {
        "warehouse": f"{wh.path} — {wh.how}",
        "scale": f"{plan.name}: DemoScale.bench(chart_entries={plan.chart_entries:,}, "
        f"audience_points={plan.audience_points:,}, tracks={plan.tracks:,})",
        **{f"rows in {table}": f"{n:,}" for table, n in wh.counts.items()},
        "breakdown picks": f"{len(picks)} (seeded generator, seed {plan.seed})",
    }
    run_ = Run(
        command=command,
        started=started_at,
        seconds=time.perf_counter() - started,
        measurements=rows,
        machine=machine,
        versions=results.versions(),
        scale=scale_rows,
        analysis=analysis,
    )
    results.write(run_, out)
    log(f"bench: wrote {out}")
    return run_


_ORDER = [
    "queries",
    "breakdown",
    "breakdown_query",
    "periods",
    "breakdown_period",
    "summary",
    "seed_way",
    "pandas",
    "seed_query",
    "floor",
    "floor_query",
    "spark",
    "ingest",
    "bigfile",
    "bigfile_rate",
    "bigfile_memory",
    "bigfile_growth",
    "workbook",
    "explorer",
    "reports",
    "soundcharts",
    "soundcharts_rerun",
    "movers",
    "alerts",
    "fresh",
]


def _row_order(m: Measurement) -> int:
    return _ORDER.index(m.key) if m.key in _ORDER else len(_ORDER)


def _breakdown_analysis(root: Path, picks: list, state: dict, work: Path) -> list[str]:
    from . import queries
    from .results import ms, percentiles

    kit_p50, _ = percentiles(state["kit_timings"])
    macro_p50, _ = percentiles(state["macro_timings"])
    statement = queries.breakdown_statement(root)
    if "track_breakdown_month" in statement:
        lines = [
            f"**Breakdown against the floor.** kit.query.breakdown p50 {ms(kit_p50)}: a whole "
            "month of a version with a serving layer is read as stored, by Arrow, from the row "
            "groups the file's statistics name (kit/query/month_rows.py), without a statement. "
            f"The same rows by the statement that reads them in SQL (`{statement}`, what Spark "
            f"and the Explorer's one statement per row use), fetched as tuples on the same "
            f"picks: p50 {ms(macro_p50)}.",
            "",
        ]
    else:
        lines = [
            f"**Breakdown against the floor.** kit.query.breakdown p50 {ms(kit_p50)}; its "
            f"statement alone (`{statement}`), fetched as tuples on the same picks, p50 "
            f"{ms(macro_p50)}: the other {ms(max(kit_p50 - macro_p50, 0))} are kit.query's "
            "own (the order and paging around the statement, the typed DataFrame).",
            "",
        ]
    pick = queries.median_pick(picks, state["kit_timings"])
    lines += queries.profile_breakdown(root, pick, work / "profile")
    return [*lines, ""]
