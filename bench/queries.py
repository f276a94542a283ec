"""Measurements 1–4: the breakdown, the summary, the seed's way and the floor.

All four answer the same picks, drawn once per run with a seeded generator, so their
times compare like with like; the seed's way and pandas must give kit's answers.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from kit import db, warehouse
from kit.period import month_bounds
from kit.query import Query, breakdown, summary

from .results import Measurement, ms, percentiles, secs, times

Clock = Callable[[], float]


@dataclass(frozen=True)
class BreakdownPick:
    """One expand: an artist × platform × country × month that has charted with streams."""

    artist_id: str
    platform: str
    country: str
    month: str  # YYYY-MM

    @property
    def start(self) -> dt.date:
        return month_bounds(self.month)[0]

    @property
    def end(self) -> dt.date:
        return month_bounds(self.month)[1]

    def query(self, root: Path) -> Query:
        """The Query the Explorer would build for this expand."""
        return Query(
            self.artist_id,
            self.month,
            platforms=[self.platform],
            country=self.country,
            warehouse=root,
        )


@dataclass(frozen=True)
class SummaryPick:
    artist_ids: tuple[str, ...]
    platforms: tuple[str, ...]
    country: str
    start: dt.date
    end: dt.date


Answer = dict[str, int]  # track_id → total streams


def breakdown_picks(root: Path, n: int, rng: np.random.Generator) -> list[BreakdownPick]:
    """`n` distinct picks, uniform over the artist × platform × country × month combinations
    that have a chart entry carrying streams (charts without streams have no breakdown totals
    to compare)."""
    rows = (
        db.cursor(root)
        .execute(
            """
            select distinct tc.artist_id, c.platform, c.country, c.month
            from chart_entries as c
            join track_credits as tc on tc.track_id = c.track_id
            where c.chart = 'top' and c.streams is not null
            order by all
            """
        )
        .fetchall()
    )
    chosen = rng.choice(len(rows), size=min(n, len(rows)), replace=False)
    return [BreakdownPick(*rows[i]) for i in sorted(chosen)]


def summary_picks(root: Path, n: int, rng: np.random.Generator) -> list[SummaryPick]:
    """`n` picks of 10 artists × 4 platforms × one country over the last 365 days of data."""
    cur = db.cursor(root)
    end = cur.execute("select max(date) from artist_audience").fetchall()[0][0]
    start = end - dt.timedelta(days=364)
    platforms = [
        r[0]
        for r in cur.execute(
            "select platform from artist_audience group by platform order by count(*) desc, platform"
        ).fetchall()
    ][:4]
    countries = [
        r[0]
        for r in cur.execute("select distinct country from artist_audience order by 1").fetchall()
    ]
    artists = [
        r[0]
        for r in cur.execute(
            "select distinct artist_id from artist_audience where date >= ? order by 1", [start]
        ).fetchall()
    ]
    picks = []
    for _ in range(n):
        chosen = rng.choice(len(artists), size=min(10, len(artists)), replace=False)
        picks.append(
            SummaryPick(
                tuple(artists[i] for i in chosen),
                tuple(platforms),
                countries[int(rng.integers(len(countries)))],
                start,
                end,
            )
        )
    return picks


# ---------------------------------------------------------------- 1. breakdown


def kit_breakdowns(
    root: Path, picks: list[BreakdownPick], clock: Clock
) -> tuple[list[float], list[Answer]]:
    """Query time of `kit.query.breakdown` per pick (the Query is built first, untimed, as
    the widget builds it once per expand), and each pick's answer."""
    timings, answers = [], []
    for pick in picks:
        q = pick.query(root)
        started = clock()
        frame = breakdown(q, pick.artist_id, pick.platform)
        timings.append(clock() - started)
        counted = frame[frame["total_streams"].notna()]
        answers.append(
            dict(zip(counted["track_id"], counted["total_streams"].astype(int), strict=True))
        )
    return timings, answers


def breakdown_measurement(timings: list[float]) -> Measurement:
    p50, p95 = percentiles(timings)
    return Measurement(
        "breakdown",
        f"1. Breakdown (kit.query.breakdown), {len(timings)} random artist × platform × country × month",
        f"p50 {ms(p50)} · p95 {ms(p95)}",
        values={"p50": p50, "p95": p95, "picks": len(timings)},
    )


# ---------------------------------------------------------------- 2. summary


def summary_measurement(root: Path, picks: list[SummaryPick], clock: Clock) -> Measurement:
    timings = []
    for pick in picks:
        q = Query(
            list(pick.artist_ids),
            (pick.start, pick.end),
            platforms=list(pick.platforms),
            country=pick.country,
            warehouse=root,
            check_data=False,
        )
        started = clock()
        summary(q)
        timings.append(clock() - started)
    p50, p95 = percentiles(timings)
    shape = f"{len(picks[0].artist_ids)} artists × {len(picks[0].platforms)} platforms × 365 days"
    return Measurement(
        "summary",
        f"2. Summary (kit.query.summary), {shape}, {len(picks)} picks",
        f"p50 {ms(p50)} · p95 {ms(p95)}",
        goal="p95 ≤ 40 ms",
        met=p95 <= 0.040,
        values={"p50": p50, "p95": p95, "picks": len(picks)},
    )


# ---------------------------------------------------------------- 3. the seed's way


def seed_frames(root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows the seed's dashboard held in memory, and the credits (artist → tracks).

    One row per chart row, with its figures inside a JSON metric field (for the seed's
    loop) and its streams also as a number (for the pandas groupby). For the platform ×
    country charts that carry streams, the rows are those kit counts (track_daily over the
    whole span: own series first, then the daily chart, then the weekly rule), so the
    seed's sum per track has kit's definition; the charts without streams keep their
    positions only. The frame is as long as the warehouse's chart table."""
    cur = db.cursor(root)
    lo, hi = cur.execute("select min(date), max(date) from chart_entries").fetchall()[0]
    combos = cur.execute(
        """
        select distinct platform, country from chart_entries where streams is not null
        union
        select distinct platform, country from track_streams
        order by all
        """
    ).fetchall()
    parts = []
    for platform, country in combos:
        parts.append(
            cur.sql(
                """
                select d.date, $platform as platform, $country as country, d.track_id,
                       d.streams, '{"streams": ' || d.streams || ', "days": ' || d.days || '}' as metric
                from track_daily($platform, $country, $lo, $hi) as d
                """,
                params={"platform": platform, "country": country, "lo": lo, "hi": hi},
            ).to_arrow_table()
        )
    parts.append(
        cur.sql(
            """
            select date, platform, country, track_id, streams,
                   '{"position": ' || position || '}' as metric
            from chart_entries
            where streams is null
            """
        ).to_arrow_table()
    )
    charts = pa.concat_tables(parts).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    charts["date"] = pd.to_datetime(charts["date"])
    credits = cur.sql("select artist_id, track_id from track_credits").to_arrow_table()
    return charts, credits.to_pandas()


def _seed_rows(charts: pd.DataFrame, credits: pd.DataFrame, pick: BreakdownPick) -> pd.DataFrame:
    tracks = credits.loc[credits["artist_id"] == pick.artist_id, "track_id"]
    mask = (
        (charts["platform"] == pick.platform)
        & (charts["country"] == pick.country)
        & (charts["date"] >= pd.Timestamp(pick.start))
        & (charts["date"] <= pd.Timestamp(pick.end))
        & charts["track_id"].isin(tracks)
    )
    return charts[mask]


def seed_way(charts: pd.DataFrame, credits: pd.DataFrame, pick: BreakdownPick) -> Answer:
    """The original dashboard: filter the frame, then read each row's JSON in a Python loop."""
    rows = _seed_rows(charts, credits, pick)
    totals: Answer = {}
    for track_id, metric in zip(rows["track_id"], rows["metric"], strict=True):
        totals[track_id] = totals.get(track_id, 0) + json.loads(metric)["streams"]
    return totals


def pandas_groupby(charts: pd.DataFrame, credits: pd.DataFrame, pick: BreakdownPick) -> Answer:
    """The same filter, then a vectorised groupby on the numeric column."""
    rows = _seed_rows(charts, credits, pick)
    sums = rows.groupby("track_id", sort=False)["streams"].sum()
    return {k: int(v) for k, v in sums.items()}


def compare_ways(
    charts: pd.DataFrame,
    credits: pd.DataFrame,
    picks: list[BreakdownPick],
    kit_answers: list[Answer],
    clock: Clock,
) -> dict[str, tuple[list[float], int]]:
    """Per way: timings per pick and how many picks gave an answer different from kit's."""
    out = {}
    for name, way in (("seed", seed_way), ("pandas", pandas_groupby)):
        timings, mismatches = [], 0
        for pick, expected in zip(picks, kit_answers, strict=True):
            started = clock()
            answer = way(charts, credits, pick)
            timings.append(clock() - started)
            mismatches += answer != expected
        out[name] = (timings, mismatches)
    return out


def seed_measurements(
    kit_timings: list[float], ways: dict[str, tuple[list[float], int]]
) -> list[Measurement]:
    kit_p50, _ = percentiles(kit_timings)
    seed_timings, seed_bad = ways["seed"]
    pandas_timings, pandas_bad = ways["pandas"]
    seed_p50, seed_p95 = percentiles(seed_timings)
    pandas_p50, pandas_p95 = percentiles(pandas_timings)
    seed_ratio = seed_p50 / kit_p50
    pandas_ratio = pandas_p50 / kit_p50
    n = len(seed_timings)
    return [
        Measurement(
            "seed_way",
            "3a. The seed's way: filter a pandas frame, json.loads per row, sum per track",
            f"p50 {ms(seed_p50)} · p95 {ms(seed_p95)}; answers ≠ kit: {seed_bad} of {n}",
            f"seed ÷ kit (p50): {times(seed_ratio)}",
            "kit ≥ 100× faster; same answers",
            seed_ratio >= 100 and seed_bad == 0,
            values={"p50": seed_p50, "p95": seed_p95, "ratio": seed_ratio, "mismatches": seed_bad},
        ),
        Measurement(
            "pandas",
            "3b. pandas groupby on frames already in memory (same filter)",
            f"p50 {ms(pandas_p50)} · p95 {ms(pandas_p95)}; answers ≠ kit: {pandas_bad} of {n}",
            f"pandas ÷ kit (p50): {times(pandas_ratio)}",
            "same answers",
            pandas_bad == 0,
            values={
                "p50": pandas_p50,
                "p95": pandas_p95,
                "ratio": pandas_ratio,
                "mismatches": pandas_bad,
            },
        ),
    ]


# ---------------------------------------------------------------- 4. the floor


def floor_timings(
    root: Path, picks: list[BreakdownPick], credits: pd.DataFrame, clock: Clock
) -> list[float]:
    """DuckDB reading only the pick's platform/month folder of chart_entries and the columns
    track_id, country, date, streams, with the artist's track ids known: a bare sum."""
    con = duckdb.connect()
    timings = []
    for pick in picks:
        folder = root / "chart_entries" / f"platform={pick.platform}" / f"month={pick.month}"
        files = [str(f) for f in sorted(folder.glob("*.parquet"))]
        tracks = credits.loc[credits["artist_id"] == pick.artist_id, "track_id"].tolist()
        started = clock()
        con.execute(
            """
            select sum(streams) from read_parquet($files)
            where country = $country and date between $start and $end
              and list_contains($tracks, track_id)
            """,
            {
                "files": files,
                "country": pick.country,
                "start": pick.start,
                "end": pick.end,
                "tracks": tracks,
            },
        ).fetchall()
        timings.append(clock() - started)
    con.close()
    return timings


def floor_measurement(kit_timings: list[float], floor: list[float]) -> Measurement:
    kit_p50, _ = percentiles(kit_timings)
    p50, p95 = percentiles(floor)
    ratio = kit_p50 / p50
    return Measurement(
        "floor",
        "4. The floor: DuckDB, one partition folder, 4 columns, bare sum",
        f"p50 {ms(p50)} · p95 {ms(p95)}",
        f"kit ÷ floor (p50): {times(ratio)}",
        "breakdown ≤ 3× the floor",
        ratio <= 3,
        values={"p50": p50, "p95": p95, "ratio": ratio},
    )


# ---------------------------------------------------------------- where the breakdown's time goes


def breakdown_statement(root: Path) -> str:
    """The statement that answers a calendar month's breakdown (every pick is one): the
    serving layer's stored rows (track_breakdown_month; kit.query.breakdown reads the same
    rows by Arrow, without it) when the warehouse has one, the definition over the base
    tables (track_breakdown, which kit.query.breakdown runs) otherwise."""
    served = warehouse.snapshot(root).serving == warehouse.SERVING_FORMAT
    macro = "track_breakdown_month" if served else "track_breakdown"
    return f"select * from {macro}($artist, $platform, $country, $start, $end)"


def _statement_params(pick: BreakdownPick) -> dict:
    return {
        "artist": pick.artist_id,
        "platform": pick.platform,
        "country": pick.country,
        "start": pick.start,
        "end": pick.end,
    }


def macro_timings(root: Path, picks: list[BreakdownPick], clock: Clock) -> list[float]:
    """The breakdown's statement alone (breakdown_statement), fetched as tuples:
    kit.query.breakdown minus the Query method calls and the conversion of the result into
    a typed DataFrame."""
    cur = db.cursor(root)
    sql = breakdown_statement(root)
    timings = []
    for pick in picks:
        started = clock()
        cur.execute(sql, _statement_params(pick)).fetchall()
        timings.append(clock() - started)
    return timings


def profile_breakdown(root: Path, pick: BreakdownPick, folder: Path, top: int = 5) -> list[str]:
    """DuckDB's profile of the breakdown's statement for one pick, summarised as markdown
    lines; the whole profile (JSON) and EXPLAIN ANALYZE (text) are left in `folder`."""
    params = _statement_params(pick)
    sql = breakdown_statement(root)
    folder.mkdir(parents=True, exist_ok=True)
    con = db.connect(root)
    con.execute(sql, params).fetchall()  # warm, as in the timed runs
    plan = con.execute(f"explain analyze {sql}", params).fetchall()
    (folder / "breakdown-explain-analyze.txt").write_text("\n".join(str(r[-1]) for r in plan))
    profile = folder / "breakdown-profile.json"
    con.execute("pragma enable_profiling = 'json'")
    con.execute(f"pragma profiling_output = '{profile}'")
    con.execute(sql, params).fetchall()
    con.execute("pragma disable_profiling")
    con.close()
    tree = json.loads(profile.read_text())
    operators: list[tuple[float, str, dict]] = []

    def walk(node: dict) -> None:
        operators.append((float(node.get("timing") or 0.0), str(node.get("name", "?")), node))
        for child in node.get("children", []):
            walk(child)

    for root_node in tree.get("operator", []):
        walk(root_node)
    query = tree.get("query", {})
    planning = sum(
        float(tree.get(stage, {}).get("total_time") or 0.0)
        for stage in ("planner", "optimizer", "physical_planner")
    )
    executing = sum(t for t, _, _ in operators)
    scans = [n for _, name, n in operators if name == "READ_PARQUET"]
    files = sum(int((n.get("extra_info") or {}).get("Total Files Read") or 0) for n in scans)
    lines = [
        f"DuckDB's profile of `{sql.split(' from ', 1)[1].split('(')[0]}('{pick.artist_id}', '{pick.platform}', "
        f"'{pick.country}', {pick.start}, {pick.end})` (the median pick): "
        f"{ms(float(query.get('total_time') or 0.0))} in DuckDB, of which "
        f"{ms(planning)} binding, optimising and planning the macro's SQL and "
        f"{ms(executing)} in operators; {len(scans)} Parquet scans read {files} files and "
        f"{int(query.get('total_rows_scanned') or 0):,} rows "
        f"({int(query.get('total_row_groups_scanned') or 0)} row groups). "
        "The operators that took longest:",
        "",
    ]
    for seconds, name, node in sorted(operators, key=lambda o: o[0], reverse=True)[:top]:
        extra = node.get("extra_info") or {}
        detail = extra.get("Filename(s)") or extra.get("Conditions") or extra.get("Aggregates")
        detail = f" — {str(detail)[:110]}" if detail else ""
        lines.append(f"  - {name}: {ms(seconds)}{detail}")
    return lines


def median_pick(picks: list[BreakdownPick], timings: list[float]) -> BreakdownPick:
    order = np.argsort(timings)
    return picks[int(order[len(order) // 2])]


# ---------------------------------------------------------------- issue 13: with the Query, other periods


def kit_breakdowns_with_query(root: Path, picks: list[BreakdownPick], clock: Clock) -> list[float]:
    """Time of building the pick's Query and `kit.query.breakdown` together: what an expand
    costs from the click (the Query's look-ups included)."""
    timings = []
    for pick in picks:
        started = clock()
        breakdown(pick.query(root), pick.artist_id, pick.platform)
        timings.append(clock() - started)
    return timings


def with_query_measurements(
    with_query: list[float], seed_timings: list[float] | None, floor: list[float] | None
) -> list[Measurement]:
    """1b (month periods), 3c (against the seed's way) and 4b (against the pruned scan)."""
    p50, p95 = percentiles(with_query)
    rows = [
        Measurement(
            "breakdown_query",
            f"1b. Breakdown including building its Query (month periods), {len(with_query)} picks",
            f"p50 {ms(p50)} · p95 {ms(p95)}",
            goal="p50 ≤ 10 ms, p95 ≤ 25 ms",
            met=p50 <= 0.010 and p95 <= 0.025,
            values={"p50": p50, "p95": p95},
        )
    ]
    if seed_timings is not None:
        ratio = percentiles(seed_timings)[0] / p50
        rows.append(
            Measurement(
                "seed_query",
                "3c. The seed's way against the breakdown including its Query (same picks)",
                f"seed p50 {ms(percentiles(seed_timings)[0])} · breakdown p50 {ms(p50)}",
                f"seed ÷ kit (p50): {times(ratio)}",
                "kit ≥ 50× faster",
                ratio >= 50,
                values={"ratio": ratio},
            )
        )
    if floor is not None:
        ratio = p50 / percentiles(floor)[0]
        rows.append(
            Measurement(
                "floor_query",
                "4b. The breakdown including its Query against the pruned-scan floor (row 4)",
                f"breakdown p50 {ms(p50)} · floor p50 {ms(percentiles(floor)[0])}",
                f"kit ÷ floor (p50): {times(ratio)}",
                "≤ 1× the floor",
                ratio <= 1,
                values={"ratio": ratio},
            )
        )
    return rows


def period_picks(root: Path, picks: list[BreakdownPick], rng: np.random.Generator) -> list[tuple]:
    """The picks' artist × platform × country, each over a random 90-day period (any start
    day) that holds the pick's month, where they charted: (pick, start, end). The period
    stays inside the chart data's span."""
    lo, hi = db.cursor(root).execute("select min(date), max(date) from chart_entries").fetchall()[0]
    out = []
    for pick in picks:
        first = max(lo, pick.end - dt.timedelta(days=89))
        last = min(pick.start, hi - dt.timedelta(days=89))
        start = first + dt.timedelta(days=int(rng.integers(max((last - first).days, 0) + 1)))
        out.append((pick, start, start + dt.timedelta(days=89)))
    return out


def period_measurement(root: Path, picks: list[tuple], clock: Clock) -> Measurement:
    timings = []
    for pick, start, end in picks:
        started = clock()
        q = Query(
            pick.artist_id,
            f"{start}:{end}",
            platforms=[pick.platform],
            country=pick.country,
            warehouse=root,
        )
        breakdown(q, pick.artist_id, pick.platform)
        timings.append(clock() - started)
    p50, p95 = percentiles(timings)
    return Measurement(
        "breakdown_period",
        f"1c. Breakdown including its Query over arbitrary 90-day periods, {len(timings)} picks",
        f"p50 {ms(p50)} · p95 {ms(p95)}",
        goal="p95 ≤ 40 ms",
        met=p95 <= 0.040,
        values={"p50": p50, "p95": p95},
    )


# A fresh Python process: `import kit`, then the first breakdown (its Query included).
_FRESH = """
import sys, time
started = time.perf_counter()
import kit
from kit.query import Query, breakdown
root, artist, platform, country, month = sys.argv[1:]
breakdown(Query(artist, month, platforms=[platform], country=country, warehouse=root), artist, platform)
print(time.perf_counter() - started)
"""


def fresh_process_measurement(root: Path, pick: BreakdownPick, repeat: int) -> Measurement:
    """`import kit` plus the first breakdown, timed inside `repeat` fresh processes."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", _FRESH, str(root), pick.artist_id, pick.platform, pick.country,
             pick.month],
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"fresh process: {done.stderr.strip().splitlines()[-1:]}")
        runs.append(float(done.stdout.strip().splitlines()[-1]))
    p50 = float(np.median(runs))
    return Measurement(
        "fresh",
        f"12. A fresh process: import kit plus the first breakdown ({len(runs)} "
        f"process{'es' if len(runs) != 1 else ''})",
        f"median {secs(p50)} · " + ", ".join(secs(r) for r in runs),
        goal="≤ 1.5 s (median)",
        met=p50 <= 1.5,
        values={"p50": p50},
    )
