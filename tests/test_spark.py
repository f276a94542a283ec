"""The same warehouse and the same SQL on Apache Spark (local mode): identical DataFrames.

Every answer of kit.query is computed twice, on DuckDB and on Spark, over the metric
fixture of tests/test_metrics.py and the small demo warehouse, and the two frames must
be equal, exactly: rows, values and pandas dtypes. One Spark session serves the whole run.
The translation's refusals are tested without Spark.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlglot
from sqlglot import exp
from test_metrics import write_metric_fixture

from kit import (
    Query,
    breakdown,
    breakdown_totals,
    cli,
    db,
    engine,
    query,
    summary,
    timeseries,
    track_timeseries,
    warehouse,
)
from kit import spark as kit_spark
from kit.query import QueryError, _frame, _run
from kit.schema import TABLES

D = dt.date

ANSWERS = {
    "summary": lambda q, artist, platform: summary(q),
    "breakdown": lambda q, artist, platform: breakdown(q, artist, platform),
    "breakdown_totals": lambda q, artist, platform: breakdown_totals(q, artist, platform),
    "timeseries": lambda q, artist, platform: timeseries(q, None),
    "track_timeseries": lambda q, artist, platform: track_timeseries(q, artist, platform),
}


@pytest.fixture(scope="session")
def spark_session():
    """One Spark session for the whole test run (starting one takes 5–15 s)."""
    yield kit_spark.session()
    kit_spark.stop()


@pytest.fixture(scope="module")
def metric_wh(tmp_path_factory) -> Path:
    return write_metric_fixture(tmp_path_factory.mktemp("spark-metrics") / "warehouse")


@pytest.fixture(scope="module")
def metric_query(metric_wh) -> tuple[Query, str, str]:
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=metric_wh)
    return q, "Alba", "spotify"


@pytest.fixture(scope="module")
def demo_query(demo_warehouse) -> tuple[Query, str, str]:
    from kit.sources.demo import DEFAULT_ARTIST, DEFAULT_COUNTRY, DEFAULT_MONTH

    q = Query(DEFAULT_ARTIST, DEFAULT_MONTH, country=DEFAULT_COUNTRY, warehouse=demo_warehouse)
    return q, DEFAULT_ARTIST, "spotify"


def _quoted(columns) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _on_both(answer, *args) -> tuple[pd.DataFrame, pd.DataFrame]:
    with engine.using("duckdb"):
        on_duckdb = answer(*args)
    with engine.using("spark"):
        on_spark = answer(*args)
    return on_duckdb, on_spark


# ---------------------------------------------------------------------------------------
# Identical answers


@pytest.mark.spark
@pytest.mark.parametrize("name", list(ANSWERS))
def test_every_answer_on_the_metric_fixture_is_the_same_frame_on_spark(
    spark_session, metric_query, name
):
    on_duckdb, on_spark = _on_both(ANSWERS[name], *metric_query)
    assert len(on_duckdb) > 0
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=True, check_exact=True)


@pytest.mark.spark
@pytest.mark.parametrize("name", list(ANSWERS))
def test_every_answer_on_the_demo_is_the_same_frame_on_spark(spark_session, demo_query, name):
    on_duckdb, on_spark = _on_both(ANSWERS[name], *demo_query)
    assert len(on_duckdb) > 0
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=True, check_exact=True)


@pytest.mark.spark
def test_a_query_pinned_to_a_version_reads_its_files_on_spark_after_newer_commits(
    spark_session, tmp_path
):
    from snapshot_states import PERIOD, write_state

    root = tmp_path / "warehouse"
    write_state(root, "A")
    held = Query("Alba", PERIOD, country="IT", warehouse=root)
    write_state(root, "B")
    fresh = Query("Alba", PERIOD, country="IT", warehouse=root)
    # tests/snapshot_states.py: t1's streams over both days in state A, then in state B
    for q, t1 in ((held, 100 + 200), (fresh, 1000 + 2000)):
        for name, answer in ANSWERS.items():
            on_duckdb, on_spark = _on_both(answer, q, "Alba", "spotify")
            pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=True, check_exact=True)
            if name == "breakdown":
                assert on_spark.set_index("track_id").loc["t1", "total_streams"] == t1
    assert cli.main(["vacuum", "--grace", "0", "--warehouse", str(root)]) == 0
    with pytest.raises(warehouse.VersionGone, match="no longer kept"):
        kit_spark.cursor(snapshot=held.snapshot)


# The messier parts of the metric fixture (tests/test_metrics.py): overlapping weekly
# entries of two sources, a viral-only track, an own-series-only artist, and platforms with
# data only in another country or period.
MESSY_ANSWERS = {
    "breakdown with overlapping weeks and a viral-only track": lambda q: breakdown(
        q, "Carla", "spotify"
    ),
    "breakdown_totals with a viral-only track": lambda q: breakdown_totals(q, "Carla", "spotify"),
    "track_timeseries with overlapping weeks": lambda q: track_timeseries(q, "Carla", "spotify"),
    "positions with overlapping weeks": lambda q: query.positions(q, "Faro"),
    "track_growth with overlapping weeks": lambda q: query.track_growth(q, "Carla", "spotify"),
    "comparison by chart entry with overlapping weeks": lambda q: query.track_comparison(
        q, [("spotify", "Faro"), ("spotify", "Gelso")], align="chart_entry"
    ),
    "breakdown of an own-series-only artist": lambda q: breakdown(q, "Dario", "spotify"),
    "platforms_with_data in Italy": lambda q: query.platforms_with_data(q),
    "platforms_with_data in Germany": lambda q: query.platforms_with_data(q.replace(country="DE")),
    "platforms_with_data in July": lambda q: query.platforms_with_data(q.replace(period="2026-07")),
}


@pytest.mark.spark
@pytest.mark.parametrize("name", list(MESSY_ANSWERS))
def test_the_messy_parts_of_the_metric_fixture_are_the_same_frames_on_spark(
    spark_session, metric_wh, name
):
    q = Query(["Carla", "Dario"], "2026-09", country="IT", warehouse=metric_wh)
    on_duckdb, on_spark = _on_both(MESSY_ANSWERS[name], q)
    assert len(on_duckdb) > 0
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=True, check_exact=True)


@pytest.mark.spark
def test_overlapping_weekly_entries_count_once_on_spark(spark_session, metric_wh):
    q = Query("Carla", "2026-09", country="IT", warehouse=metric_wh)
    with engine.using("spark"):
        faro = breakdown(q, "Carla", "spotify").set_index("title").loc["Faro"]
        platforms = query.platforms_with_data(q.replace(country="DE"))
    assert (faro["total_streams"], faro["best_position"], faro["days_on_chart"]) == (15000, 3, 14)
    assert list(platforms["platform"]) == ["deezer"]


# Definitions the five answers above already run, so they are not run twice.
REACHED_BY_THE_ANSWERS = {
    "audience_summary", "track_breakdown", "breakdown_totals", "audience_daily", "artist_track_daily",
}  # fmt: skip
# Served macros Spark does not run: an aggregate ordered within (first(… order by …): the
# footer's top track), lists of rows and struct columns (the row's one statement) or window
# frames over lists (the alerts over every platform and country at once) have no
# translation, nor the unnest of the lists the movers' stored months come as
# (track_movers_breakdown). Spark answers from the definitions over the base tables, and
# tests/test_serving.py compares the two ways on DuckDB.
SERVED_ON_DUCKDB = {
    "breakdown_totals_served", "breakdown_and_series", "series_alerts_served",
    "track_movers_breakdown",
}  # fmt: skip
# The rows a served macro reads from the table its argument names (query_table), made by
# the calling query as kit.query makes them: {parameter: (name, the rows' SQL)}, or
# {(macro, parameter): …} where macros name different rows alike.
NAMED_ROWS = {
    "p_breakdown": (
        "breakdown",
        "select * from track_breakdown($p_artist_id, $p_platform, $p_country, $start_date, $end_date)",
    ),
    "p_previous_breakdown": (
        "previous_breakdown",
        "select * from track_breakdown($p_artist_id, $p_platform, $p_country, $p_previous_start, $p_previous_end)",
    ),
    # one artist's two breakdowns, keyed as the write path keys every artist's months
    ("track_movers_grouped", "p_breakdown"): (
        "breakdown",
        "select '2026-09' as month, $p_country as country, $p_artist_id as artist_id, * "
        "from track_breakdown($p_artist_id, $p_platform, $p_country, $start_date, $end_date)",
    ),
    ("track_movers_grouped", "p_previous_breakdown"): (
        "previous_breakdown",
        "select '2026-09' as month, $p_country as country, $p_artist_id as artist_id, * "
        "from track_breakdown($p_artist_id, $p_platform, $p_country, $p_previous_start, $p_previous_end)",
    ),
    ("track_movers_rank", "p_rows"): (
        "breakdown",
        "select '2026-09' as month, $p_country as country, $p_artist_id as artist_id, * "
        "from track_breakdown($p_artist_id, $p_platform, $p_country, $start_date, $end_date)",
    ),
    # ... and ranked as track_movers_grouped ranks them, for track_movers_ranked
    ("track_movers_ranked", "p_ranked"): (
        "ranked",
        "select '2026-09' as month, $p_country as country, $p_artist_id as artist_id, *, "
        "row_number() over (order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc) as period_rank "
        "from track_breakdown($p_artist_id, $p_platform, $p_country, $start_date, $end_date)",
    ),
    ("track_movers_ranked", "p_previous_ranked"): (
        "previous_ranked",
        "select '2026-09' as month, $p_country as country, $p_artist_id as artist_id, *, "
        "row_number() over (order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc) as period_rank "
        "from track_breakdown($p_artist_id, $p_platform, $p_country, $p_previous_start, $p_previous_end)",
    ),
    "p_listener_parts": (
        "listener_parts",
        "select * from audience_edge_parts($p_artist_ids, $p_platforms, $p_country, $head_start, $head_end, $tail_start, $tail_end)",
    ),
    "p_series": (
        "series",
        "select * from artist_track_daily($p_artist_id, $p_platform, $p_country, $start_date, $end_date)",
    ),
    # events as series_alerts finds them: a track's spike and an artist's drop
    "p_events": (
        "events",
        "select 'spotify' as platform, 'IT' as country, 'track' as subject_kind, 't2' as subject, "
        "'streams' as metric, date '2026-09-10' as date, 'spike' as kind, 7000 as value, "
        "700.0 as baseline, 6300.0 as change, 9.0 as pct_change, 12.5 as score "
        "union all select 'spotify', 'IT', 'artist', 'a', 'monthly_listeners', date '2026-09-30', "
        "'drop', 1200, 1500.0, -300.0, -0.2, -4.5",
    ),
    "p_asked": ("asked", "select 'a' as artist_id"),
    # the pieces of a period read one platform's rows of a serving table, as
    # kit.query.parts.served_breakdown names its files
    ("track_month_pieces", "p_rows"): (
        "track_month_in_period",
        "select * from track_month where platform = $p_platform",
    ),
    ("track_edge_pieces", "p_rows"): (
        "artist_track_day_in_period",
        "select * from artist_track_day where platform = $p_platform",
    ),
    # September's whole month and both its edges at once: each piece over its own rows
    ("track_breakdown_pieces", "p_pieces"): (
        "breakdown_pieces",
        "with month_rows as (select * from track_month where platform = $p_platform), "
        "day_rows as (select * from artist_track_day where platform = $p_platform) "
        "select * from track_month_pieces('month_rows', $p_artist_id, $p_country, $start_date, $end_date) "
        "union all select * from track_edge_pieces('day_rows', $p_artist_id, $p_country, $start_date, $end_date, $head_start, $head_end, $tail_start, $tail_end)",
    ),
    ("audience_summary_served", "p_parts"): (
        "audience_parts",
        "select * from audience_month_parts($p_artist_ids, $p_platforms, $p_country, $months_start, $months_end)",
    ),
}
# A value for each macro parameter, by name, on the metric fixture.
MACRO_ARGUMENTS = {
    "p_artist_id": "a",
    "p_track_id": "t1",
    "p_artist_ids": ["a"],
    "p_platform": "spotify",
    "p_platforms": ["spotify"],
    "p_country": "IT",
    "start_date": D(2026, 9, 1),
    "end_date": D(2026, 9, 30),
    "d": D(2026, 9, 30),
    "p_previous_start": D(2026, 8, 1),
    "p_previous_end": D(2026, 8, 31),
    "p_countries": ["IT"],
    "p_since": D(2026, 9, 1),
    "p_until": D(2026, 9, 30),
    # thresholds low enough for the fixture's few points to make alerts
    "p_baseline_days": 28,
    "p_min_points": 1,
    "p_min_score": 0.0,
    "p_audience_min_pct": 0.0,
    "p_audience_min_change": 0,
    "p_streams_min_pct": 0.0,
    "p_streams_min_change": 0,
    "p_cooldown_days": 0,
    "p_chart_days": 1,
    "p_peak_top": 200,
    # the serving layer's parts: whole months and the days around them
    "part_start": D(2026, 9, 1),
    "part_end": D(2026, 9, 30),
    "month_start": D(2026, 9, 1),
    "months_start": D(2026, 9, 1),
    "months_end": D(2026, 9, 30),
    # the days of September around its middle third: both edges of a period at once
    "head_start": D(2026, 9, 1),
    "head_end": D(2026, 9, 10),
    "tail_start": D(2026, 9, 21),
    "tail_end": D(2026, 9, 30),
}


@pytest.mark.spark
@pytest.mark.parametrize(
    "name", sorted(set(kit_spark.definitions()) - REACHED_BY_THE_ANSWERS - SERVED_ON_DUCKDB)
)
def test_every_other_definition_of_kit_sql_gives_the_same_rows_on_spark(
    spark_session, metric_wh, name
):
    definition = kit_spark.definitions()[name]
    named = {
        p: NAMED_ROWS.get((name, p)) or NAMED_ROWS[p]
        for p in definition.params
        if (name, p) in NAMED_ROWS or p in NAMED_ROWS
    }
    arguments = [p for p in definition.params if p not in named]
    arguments += [p for _, rows in named.values() for p in re.findall(r"\$(\w+)", rows)]
    missing = [p for p in arguments if p not in MACRO_ARGUMENTS]
    assert not missing, f"add a value for {missing} to MACRO_ARGUMENTS in tests/test_spark.py"
    params = {p: MACRO_ARGUMENTS[p] for p in arguments}
    values = [f"'{named[p][0]}'" if p in named else f"${p}" for p in definition.params]
    call = f"{name}({', '.join(values)})"
    ctes = ", ".join(f"{table} as ({rows})" for table, rows in named.values())
    with_rows = f"with {ctes} " if ctes else ""
    if definition.kind == "scalar_macro":
        sql = f"select {call} as value"
    else:
        source = call if definition.kind == "table_macro" else name
        first = f"{with_rows}select * from {source}"
        columns = db.cursor(metric_wh).sql(first, params=params).columns
        sql = f"{first} order by {_quoted(columns)}"
    on_duckdb = _frame(_run(db.cursor(metric_wh), sql, params), [])
    on_spark = _frame(_run(kit_spark.cursor(metric_wh), sql, params), [])
    assert len(on_duckdb) > 0
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=True, check_exact=True)


@pytest.mark.spark
def test_a_sorted_searched_page_of_the_breakdown_is_the_same_on_spark(spark_session, metric_query):
    q, artist, platform = metric_query

    def page(q, artist, platform):
        return breakdown(q, artist, platform, sort="title", search="A", offset=1, limit=2)

    on_duckdb, on_spark = _on_both(page, *metric_query)
    assert list(on_duckdb["title"]) == ["Canzone", "Estate"]
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=True, check_exact=True)


@pytest.mark.spark
@pytest.mark.parametrize("table", list(TABLES))
def test_every_warehouse_table_reads_the_same_on_spark(spark_session, metric_wh, table):
    ordered = f"select * from {table} order by all"
    on_duckdb = _frame(_run(db.cursor(metric_wh), ordered), [])
    by_every_column = f"select * from {table} order by {_quoted(on_duckdb.columns)}"
    on_spark = _frame(_run(kit_spark.cursor(metric_wh), by_every_column), [])
    for column in on_duckdb.select_dtypes("datetimetz").columns:
        # The same instants: DuckDB labels them with its connection's time zone (the
        # machine's, here Etc/UTC), Spark with its session's (UTC).
        on_duckdb[column] = on_duckdb[column].dt.tz_convert("UTC")
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=True, check_exact=True)


@pytest.mark.spark
def test_rows_written_after_a_spark_query_count_in_the_next_fresh_one(spark_session, tmp_path):
    root = tmp_path / "warehouse"
    audience = {
        "date": [D(2026, 9, 1)],
        "platform": "spotify",
        "country": "IT",
        "artist_id": "a",
        "metric": "monthly_listeners",
        "value": [100],
        "source": "test",
    }
    artists = pd.DataFrame({"artist_id": ["a"], "name": ["Alba"]})
    tables = {"artists": artists, "artist_audience": pd.DataFrame(audience)}
    warehouse.write(tables, source="test", warehouse=root)
    q = Query("Alba", "2026-09", platforms="spotify", country="IT", warehouse=root)
    with engine.using("spark"):
        assert list(summary(q)["points"]) == [1]
        audience.update(date=[D(2026, 9, 2)], value=[300])
        warehouse.write({"artist_audience": pd.DataFrame(audience)}, source="test", warehouse=root)
        held = summary(q)  # the query keeps the version it was built on
        after = summary(q.refresh())
    assert list(held["points"]) == [1]
    assert list(after["points"]) == [2]
    assert list(after["end_value"]) == [300]


@pytest.mark.spark
def test_kit_summary_prints_the_same_table_on_both_engines(
    spark_session, metric_wh, capsys, monkeypatch
):
    monkeypatch.delenv("CHARTROOM_ENGINE", raising=False)
    argv = ["summary", "--artist", "Alba", "--country", "IT", "--period", "2026-09"]
    argv += ["--format", "csv", "--warehouse", str(metric_wh)]
    assert cli.main([*argv, "--engine", "duckdb"]) == 0
    on_duckdb = capsys.readouterr().out
    assert cli.main([*argv, "--engine", "spark"]) == 0
    on_spark = capsys.readouterr().out
    assert "Alba,spotify,monthly_listeners,1000,1200,200," in on_duckdb
    assert on_spark == on_duckdb


@pytest.mark.spark
def test_a_value_with_quotes_and_backslashes_reaches_spark_as_written(spark_session):
    text = "it's a \\ back'slash\" -- not a comment"
    sql = kit_spark.translate("select $text as text", {"text": text})
    assert spark_session.sql(sql).collect()[0]["text"] == text


# ---------------------------------------------------------------------------------------
# The translation, without Spark


def test_a_table_macro_becomes_a_subquery_with_the_values_as_literals():
    sql = kit_spark.translate(
        "select * from breakdown_totals($artist, $platform, $country, $start, $end)",
        {
            "artist": "a",
            "platform": "spotify",
            "country": "IT",
            "start": D(2026, 9, 1),
            "end": D(2026, 9, 30),
        },
    )
    tree = sqlglot.parse_one(sql, read="spark")
    definitions = set(kit_spark.definitions())
    called = {f.name.lower() for f in tree.find_all(exp.Anonymous)}
    tables = {t.name for t in tree.find_all(exp.Table)}
    assert not called & definitions
    assert not tables & definitions
    assert "CAST('2026-09-30' AS DATE)" in sql
    assert not list(tree.find_all(exp.Placeholder))


def test_the_inlined_definitions_keep_their_ctes_apart():
    sql = kit_spark.translate(
        "select * from track_breakdown('a', 'spotify', 'IT', date '2026-09-01', date '2026-09-30')"
    )
    names = [cte.alias_or_name for cte in sqlglot.parse_one(sql, read="spark").find_all(exp.CTE)]
    assert len(names) == len(set(names))
    # track_daily reads track_values, whose CTEs keep its name
    assert any(n.startswith("track_values_") for n in names)


def _ctes(sql: str) -> dict[str, exp.Expression]:
    return {c.alias_or_name: c.this for c in sqlglot.parse_one(sql, read="spark").find_all(exp.CTE)}


def _read(query: exp.Expression) -> set[str]:
    return {t.name for t in query.find_all(exp.Table)}


def test_a_name_given_to_query_table_reads_the_calling_query_s_cte_not_the_macro_s_own():
    # track_movers_served, track_movers_grouped, which it calls, and track_movers_ranked,
    # which that calls, each have a CTE `final` of their own; the caller's `final` is meant
    sql = kit_spark.translate(
        "with final as (select * from breakdown_rows) "
        "select * from track_movers_served('final', 'final')"
    )
    ctes = _ctes(sql)
    assert "query_table" not in sql.lower()
    (this_grouped,) = [q for name, q in ctes.items() if name.endswith("__this_grouped")]
    assert _read(this_grouped) == {"final"}
    own_finals = sorted(name for name in ctes if name.endswith("__final"))
    assert len(own_finals) == 3
    for name in own_finals:
        assert "final" not in _read(ctes[name])
    (grouped_final,) = [n for n in own_finals if n.startswith("track_movers_grouped_")]
    (ranked_final,) = [n for n in own_finals if n.startswith("track_movers_ranked_")]
    # ... and its own CTEs, renamed with it: the pairs and each group's total change
    assert _read(ctes[grouped_final]) == {ranked_final}
    assert _read(ctes[ranked_final]) == {n for n in ctes if n.endswith(("__paired", "__totals"))}


def test_a_name_a_macro_passes_on_reads_the_cte_of_its_body_under_its_inlined_name():
    # track_growth_served passes 'series', a CTE of its body, to track_growth_of
    sql = kit_spark.translate(
        "select * from track_growth_served('a', 'spotify', 'IT', date '2026-09-01', date '2026-09-30')"
    )
    ctes = _ctes(sql)
    (series,) = [name for name in ctes if name.startswith("track_growth_served_")]
    assert series.endswith("__series")
    assert series in _read(sqlglot.parse_one(sql, read="spark"))
    assert "series" not in _read(sqlglot.parse_one(sql, read="spark"))


def test_query_table_of_anything_but_a_string_is_refused():
    with pytest.raises(kit_spark.TranslationError, match="query_table takes the name of a table"):
        kit_spark.translate("select * from track_movers_served(title, 'previous_breakdown')")


def test_a_macro_called_with_the_wrong_number_of_arguments_is_refused():
    with pytest.raises(kit_spark.TranslationError, match=r"track_daily\(\) takes 4 arguments"):
        kit_spark.translate("select * from track_daily('spotify', 'IT')")


def test_a_parameter_without_a_value_is_refused():
    with pytest.raises(kit_spark.TranslationError, match=r"\$country"):
        kit_spark.translate("select * from artists where name = $country", {"artist": "a"})


def test_a_table_macro_named_without_arguments_is_refused():
    with pytest.raises(kit_spark.TranslationError, match="track_breakdown is a table macro"):
        kit_spark.translate("select * from track_breakdown")


def test_an_unknown_engine_is_refused_naming_the_choices(monkeypatch):
    monkeypatch.setenv("CHARTROOM_ENGINE", "oracle")
    with pytest.raises(QueryError, match="expected 'duckdb' or 'spark'"):
        engine.engine_name()


def test_the_engine_given_in_code_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("CHARTROOM_ENGINE", "spark")
    with engine.using("duckdb"):
        assert engine.engine_name() == "duckdb"
    assert engine.engine_name() == "spark"


def test_kit_breakdown_refuses_an_unknown_engine(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["breakdown", "--artist", "a", "--platform", "spotify", "--period", "2026-09", "--engine", "oracle"])  # fmt: skip
    assert exit_.value.code == 2
    assert "invalid choice: 'oracle'" in capsys.readouterr().err


def test_kit_report_runs_its_kernels_on_the_engine_given(metric_wh, tmp_path, monkeypatch):
    from kit import report

    seen = []

    def run_reports(specs, **kwargs):
        seen.append(os.environ.get("CHARTROOM_ENGINE"))  # what a papermill kernel inherits
        return []

    monkeypatch.setattr(report, "run_reports", run_reports)
    monkeypatch.setenv("CHARTROOM_ENGINE", "duckdb")
    argv = ["report", "--artist", "Alba", "--month", "2026-09", "--engine", "spark"]
    assert cli.main([*argv, "--warehouse", str(metric_wh), "--output", str(tmp_path)]) == 0
    assert seen == ["spark"]
    assert os.environ["CHARTROOM_ENGINE"] == "duckdb"


def test_the_spark_engine_without_java_is_refused_in_one_line(metric_wh):
    env = {k: v for k, v in os.environ.items() if k not in {"CHARTROOM_ENGINE", "SPARK_REMOTE"}}
    env["JAVA_HOME"] = str(metric_wh / "no-java-here")
    kit = Path(sys.executable).with_name("kit")
    argv = [str(kit), "summary", "--artist", "Alba", "--period", "2026-09", "--country", "IT"]
    argv += ["--engine", "spark", "--warehouse", str(metric_wh)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("kit summary: Spark could not start")
    assert "Java 17" in done.stderr
    assert done.stderr.count("\n") == 1
