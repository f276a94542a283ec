"""The benchmark machinery at a tiny scale: it runs, writes the results table, and every
figure in it comes from the run (a clock that ticks 1 ms per reading gives 1 ms rows)."""

from __future__ import annotations

import itertools
import json
import re
import shutil

import duckdb
import pytest
from serving_checks import assert_serving_matches_base

from bench import BenchPlan, run
from bench.__main__ import build_parser, plan_of
from bench.components import ComponentMissing, require
from bench.scale import NOTE, scale_warehouse
from kit import warehouse

# 2,000 tracks, charts of two entries: the demo builds it in a few seconds.
TINY = BenchPlan(
    "tiny",
    chart_entries=60_000,
    audience_points=100_000,
    tracks=2_000,
    breakdown_picks=5,
    summary_picks=3,
    explorer_picks=5,
    ingest_days=10,
    workbook_tracks=100,
    workbook_days=30,
    file_rows=20_000,
    fresh_processes=1,
    skip=frozenset({"spark", "reports", "soundcharts"}),
)
TICK = 0.001  # seconds between two readings of the test's clock


def _ticking_clock():
    ticks = itertools.count()
    return lambda: next(ticks) * TICK


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    out = folder / "results.md"
    done = run(TINY, out=out, work=folder / "work", clock=_ticking_clock(), log=lambda _: None)
    return done, out.read_text(), folder


def _table(page: str) -> list[list[str]]:
    lines = [line for line in page.splitlines() if line.startswith("| ")]
    assert lines[0] == "| measurement | figure | ratio | goal | met |"
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def _row(done, key: str):
    return next(m for m in done.measurements if m.key == key)


def test_results_page_has_the_table_with_a_row_for_each_of_the_nine_measurements(bench_run):
    _, page, _ = bench_run
    titles = [cells[0] for cells in _table(page)]
    for number in ("1.", "2.", "3a.", "3b.", "4.", "5.", "6.", "7.", "8.", "9."):
        assert any(t.startswith(number) for t in titles), f"no row {number}"
    assert any("Spark" in t for t in titles)


def test_every_figure_cell_is_filled(bench_run):
    _, page, _ = bench_run
    for cells in _table(page):
        assert len(cells) == 5
        assert cells[1], f"empty figure in {cells[0]}"
        assert cells[1].startswith("not run: ") or re.search(r"\d", cells[1]), cells


def test_timed_rows_show_what_the_runs_clock_measured(bench_run):
    done, page, _ = bench_run
    figures = {cells[0]: cells[1] for cells in _table(page)}
    one_tick = "p50 1.00 ms · p95 1.00 ms"
    assert figures[_row(done, "breakdown").title] == one_tick
    assert figures[_row(done, "summary").title] == one_tick
    assert figures[_row(done, "floor").title] == one_tick
    assert figures[_row(done, "seed_way").title] == f"{one_tick}; answers ≠ kit: 0 of 5"
    assert figures[_row(done, "pandas").title] == f"{one_tick}; answers ≠ kit: 0 of 5"
    assert _row(done, "floor").ratio == "kit ÷ floor (p50): 1.00×"
    # issue 13's rows: the breakdown with its Query, over months and over 90-day periods
    assert figures[_row(done, "breakdown_query").title] == one_tick
    assert figures[_row(done, "breakdown_period").title] == one_tick
    assert _row(done, "seed_query").ratio == "seed ÷ kit (p50): 1.00×"
    assert _row(done, "floor_query").ratio == "kit ÷ floor (p50): 1.00×"
    assert _row(done, "floor_query").met is True  # 1× the floor: at most 1×
    assert _row(done, "breakdown_query").met is True  # 1 ms: within 10 ms and 25 ms


def test_the_movers_and_alerts_rows_show_what_the_runs_clock_measured(bench_run):
    done, page, _ = bench_run
    figures = {cells[0]: cells for cells in _table(page)}
    movers, alerts = _row(done, "movers"), _row(done, "alerts")
    assert movers.title.startswith("10.") and alerts.title.startswith("11.")
    assert figures[movers.title][1:] == [
        "p95 1.00 ms · p50 1.00 ms; breakdown p95 1.00 ms · p50 1.00 ms; "
        "movers' first read p95 1.00 ms · p50 1.00 ms",
        "movers ÷ breakdown (p95): 1.00×",
        "≤ 2× the breakdown's p95",
        "yes",
    ]
    assert figures[alerts.title][1].startswith("1.00 ms: ")
    assert figures[alerts.title][3:] == ["≤ 60 s", "yes"]


def test_the_seed_way_and_pandas_give_the_same_answers_as_kit(bench_run):
    done, _, _ = bench_run
    assert _row(done, "seed_way").values["mismatches"] == 0
    assert _row(done, "pandas").values["mismatches"] == 0


def test_a_goal_is_met_or_not_from_the_measured_ratio(bench_run):
    done, _, _ = bench_run
    # one tick each: the seed's way is 1× kit, far from 100×; the breakdown is 1× the floor
    assert _row(done, "seed_way").met is False
    assert _row(done, "floor").met is True


def test_skipped_measurements_say_not_run_and_why(bench_run):
    _, page, _ = bench_run
    rows = {cells[0]: cells for cells in _table(page)}
    reports = next(cells for title, cells in rows.items() if title.startswith("8."))
    assert reports[1] == "not run: skipped by this run's plan (--skip, --only)"
    assert reports[4] == "not run"


def test_only_runs_the_measurements_named_and_skip_still_applies():
    args = build_parser().parse_args(["--small", "--only", "queries", "--only", "periods"])
    plan = plan_of(args)
    assert plan.name == "small"
    assert plan.skip == {"summary", "spark", "ingest", "bigfile", "workbook", "explorer",
                         "reports", "soundcharts", "moved", "fresh"}  # fmt: skip
    both = plan_of(build_parser().parse_args(["--only", "queries", "--skip", "queries"]))
    assert "queries" in both.skip and "periods" in both.skip


def test_the_page_records_machine_versions_data_and_command(bench_run):
    _, page, _ = bench_run
    for needle in (
        "- cores: ",
        "- memory: ",
        "- python: ",
        "- duckdb: ",
        "- xlsxwriter: ",
        "- rows in chart_entries: ",
        "- Command: `python -m bench`",
    ):
        assert needle in page


def test_the_scale_warehouse_is_reused_while_its_parameters_match(bench_run):
    done, _, folder = bench_run
    again = scale_warehouse(folder / "work" / "scale-tiny", TINY.scale(), seed=20260918)
    assert again.reused
    assert "reused" in again.how


def test_a_kept_warehouse_whose_serving_code_changed_gets_its_serving_layer_recomputed(
    bench_run, tmp_path
):
    """Only the serving layer is recomputed (a new version on the same base files), and
    the note records it, so the next run reuses the warehouse as it is."""
    _, _, folder = bench_run
    kept = tmp_path / "scale-tiny"
    shutil.copytree(folder / "work" / "scale-tiny", kept)
    note = json.loads((kept / NOTE).read_text())
    before = warehouse.snapshot(kept / "warehouse")
    (kept / NOTE).write_text(json.dumps({**note, "serving": "older code"}))
    again = scale_warehouse(kept, TINY.scale(), seed=20260918)
    after = warehouse.snapshot(kept / "warehouse")
    assert again.reused and "serving layer recomputed" in again.how
    assert after.version == before.version + 1
    assert after.paths("chart_entries") == before.paths("chart_entries")
    assert after.serving == warehouse.SERVING_FORMAT
    assert_serving_matches_base(kept / "warehouse")
    assert json.loads((kept / NOTE).read_text())["serving"] == note["serving"]
    assert "recomputed" not in scale_warehouse(kept, TINY.scale(), seed=20260918).how


def test_the_scale_warehouse_is_rebuilt_when_its_parameters_changed(tmp_path):
    (tmp_path / NOTE).write_text(json.dumps({"params": {"seed": 1}, "counts": {}}))
    (tmp_path / "warehouse").mkdir()
    scale = BenchPlan("t", 20_000, 40_000, 1_000).scale()
    built = scale_warehouse(tmp_path, scale, seed=2)
    assert not built.reused
    assert "seed" in built.why_built
    assert json.loads((tmp_path / NOTE).read_text())["params"]["seed"] == 2


def test_a_missing_part_of_kit_is_reported_as_missing():
    with pytest.raises(ComponentMissing, match="kit.no_such_part"):
        require("kit.no_such_part")
    with pytest.raises(ComponentMissing, match="kit.query.no_such_function"):
        require("kit.query", "no_such_function")


def test_the_scale_warehouse_has_spotifys_footprint(bench_run):
    _, _, folder = bench_run
    root = folder / "work" / "scale-tiny" / "warehouse"
    con = duckdb.connect()
    charts = dict(
        con.execute(
            f"select platform, count(distinct country) from read_parquet("
            f"'{root}/chart_entries/*/*/*.parquet', hive_partitioning = true) group by all"
        ).fetchall()
    )
    # GLOBAL and 70 countries on Spotify; 30, 40, 20 and 10 countries (and GLOBAL) elsewhere
    assert charts == {
        "spotify": 71,
        "youtube": 31,
        "apple_music": 41,
        "deezer": 21,
        "amazon_music": 11,
    }
    own, tracks = con.execute(
        f"select (select count(distinct track_id) from read_parquet("
        f"'{root}/track_streams/*/*/*.parquet')), (select count(*) from read_parquet("
        f"'{root}/tracks/*.parquet'))"
    ).fetchall()[0]
    assert tracks == 2_000
    assert own >= 40  # 2 % of the tracks have their own series


def test_the_large_file_rows_come_from_its_child_processes(bench_run):
    done, page, _ = bench_run
    rate, memory, growth = (
        _row(done, k) for k in ("bigfile_rate", "bigfile_memory", "bigfile_growth")
    )
    # 20,000 rows asked: two days of GLOBAL and 70 countries' top 200 = 28,400 rows, and a
    # tenth of them
    assert rate.title.startswith("5b. Ingest of one 28,400-row combined file")
    assert "the tenth (2,840 rows)" in rate.figure
    assert rate.met == (rate.values["ratio"] >= 0.5)
    assert rate.values["kit_rows_per_s"] > 0 and rate.values["duckdb_rows_per_s"] > 0
    # a Python process with pyarrow and DuckDB loaded holds tens of megabytes at least
    assert memory.values["peak_bytes"] > 50 * 2**20
    assert memory.met == (memory.values["peak_bytes"] <= 1.5 * 2**30)
    assert growth.met == (growth.values["growth"] <= 1.2)
    assert "**Ingest of the 28,400-row file, step by step**" in page


def test_a_fresh_process_is_timed_from_import_kit_to_the_first_breakdown(bench_run):
    done, _, _ = bench_run
    fresh = _row(done, "fresh")
    assert fresh.figure.startswith("median ")
    assert 0 < fresh.values["p50"] < 600  # seconds, measured by the child itself
    assert fresh.met == (fresh.values["p50"] <= 1.5)
