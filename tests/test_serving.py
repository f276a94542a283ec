"""The serving layer (kit/warehouse/serving.py): answers put together from per-month rows
equal the definitions run over the base tables, exactly, and every commit keeps it so.

Each answer is computed both ways on one version (tests/serving_checks.py): breakdowns,
their totals, the tracks' counted streams (track_timeseries), their half-on-half growth
(track_growth) and summaries of the demo and of the metric fixture (tests/test_metrics.py),
for calendar months, "28 days to D" windows and odd periods that straddle months.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from serving_checks import (
    SERVING_MACROS,
    assert_same_both_ways,
    assert_serving_matches_base,
    from_the_base_tables,
    statements_run,
)
from test_metrics import _chart, write_metric_fixture

from kit import (
    Query,
    breakdown,
    breakdown_totals,
    cli,
    db,
    summary,
    track_growth,
    track_timeseries,
    warehouse,
)
from kit.errors import QueryError
from kit.period import serving_months
from kit.query import (
    BREAKDOWN_COLUMNS,
    TRACK_TIMESERIES_COLUMNS,
    BreakdownAndSeries,
    breakdown_and_series,
    movers,
    movers_totals,
    parts,
    track_series_and_growth,
)
from kit.query.catalogue import Lookups, lookups
from kit.schema import CHART_ENTRIES
from kit.warehouse import versions
from kit.warehouse.serving import SPAN_ROWS, month_runs

D = dt.date

PERIODS = [
    "2026-08",
    "2026-09",
    "2026-10",
    "28d:2026-09-30",
    "28d:2026-10-03",
    "2026-08-29:2026-10-04",  # edges too near the months for them to be whole
    "2026-08-26:2026-10-06",  # September whole, six edge days either side
    "2026-07-15:2026-10-12",  # 90 days: two whole months and their edges
    "2026-09-03:2026-09-05",
    "2026-09-01:2026-10-01",
    "2026-08-31:2026-09-30",
    "2026-08-20:2026-09-30",  # a head edge and September, no tail
    "2026-09-01:2026-10-15",  # September and a tail edge, no head
]


def assert_series_and_growth_as_defined(q: Query, artist: str, platform: str) -> pd.DataFrame:
    """The one statement an Explorer row and the report read a track series and its growth
    with gives exactly the two answers computed from the base tables."""
    assert parts.served(q)
    with from_the_base_tables():
        series, growth = track_timeseries(q, artist, platform), track_growth(q, artist, platform)
    both = track_series_and_growth(q, artist, platform)
    pd.testing.assert_frame_equal(both[0], series, check_dtype=True, check_exact=True)
    pd.testing.assert_frame_equal(both[1], growth, check_dtype=True, check_exact=True)
    return series


def assert_row_as_defined(q: Query, artist: str, platform: str) -> BreakdownAndSeries:
    """The one statement an Explorer row and the report's rows read their breakdown, its
    footer, the series and the growth with gives exactly the four answers computed from the
    base tables."""
    assert parts.served(q)
    with from_the_base_tables():
        base = (
            breakdown(q, artist, platform),
            breakdown_totals(q, artist, platform),
            track_timeseries(q, artist, platform),
            track_growth(q, artist, platform),
        )
    row = breakdown_and_series(q, artist, platform)
    for got, expected in zip(row, base, strict=True):
        pd.testing.assert_frame_equal(got, expected, check_dtype=True, check_exact=True)
    return row


COMPARISONS = ["previous", "year"]


def _what_moved(q: Query, artist: str, platform: str, compare: str, **order) -> tuple | str:
    """movers (in the order `order` asks) and their footer; or the refusal's message when
    there is nothing to compare with."""
    try:
        return (
            movers(q, artist, platform, compare, **order),
            movers_totals(q, artist, platform, compare),
        )
    except QueryError as exc:
        return str(exc)


def assert_moved_the_same_both_ways(
    q: Query, artist: str, platform: str, compare: str, **order
) -> int:
    """What moved (movers and their footer) reads the same from the serving layer as from
    the base tables, or is refused alike; the movers compared."""
    assert parts.served(q)
    with from_the_base_tables():
        base = _what_moved(q, artist, platform, compare, **order)
    served = _what_moved(q, artist, platform, compare, **order)
    if isinstance(base, str):
        assert served == base
        return 0
    for got, expected in zip(served, base, strict=True):
        pd.testing.assert_frame_equal(got, expected, check_dtype=True, check_exact=True)
        assert got.attrs == expected.attrs
    return len(base[0])


@pytest.fixture(scope="module")
def metric_wh(tmp_path_factory) -> Path:
    return write_metric_fixture(tmp_path_factory.mktemp("serving-metrics") / "warehouse")


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("artist", ["Alba", "Bruno", "Carla", "Dario"])
def test_every_answer_on_the_metric_fixture_is_the_same_from_the_serving_layer(
    metric_wh, artist, period
):
    q = Query(artist, period, platforms="spotify", country="IT", warehouse=metric_wh, check_data=False)  # fmt: skip
    assert_same_both_ways(breakdown, q, artist, "spotify")
    assert_same_both_ways(breakdown_totals, q, artist, "spotify")
    assert_same_both_ways(track_timeseries, q, artist, "spotify")
    assert_same_both_ways(track_growth, q, artist, "spotify")
    assert_series_and_growth_as_defined(q, artist, "spotify")
    assert_row_as_defined(q, artist, "spotify")
    assert_same_both_ways(summary, q)
    for compare in COMPARISONS:
        assert_moved_the_same_both_ways(q, artist, "spotify", compare)


@pytest.mark.parametrize("period", ["2026-10", "2026-09-15:2026-10-14", "28d:2026-10-01"])
def test_what_moved_on_the_metric_fixture_reads_the_same_from_the_serving_layer(metric_wh, period):
    """Each period and the one before it hold Alba's five tracks between them (t1, t3 and
    t4 only in September, t2 and t5 on either side of 1 October): whole months, and parts
    that cut them, on both sides of the comparison."""
    q = Query("Alba", period, platforms="spotify", country="IT", warehouse=metric_wh)
    assert assert_moved_the_same_both_ways(q, "Alba", "spotify", "previous") == 5
    by_status = {"sort": "status", "limit": 3}
    assert assert_moved_the_same_both_ways(q, "Alba", "spotify", "previous", **by_status) == 3


def test_october_against_september_reads_its_totals_from_the_serving_layer(metric_wh):
    """October counts Bolero's week of 1 October (5000) and Estate's 1 October (90);
    September is Alba's 9040 (test_metrics.py)."""
    q = Query("Alba", "2026-10", platforms="spotify", country="IT", warehouse=metric_wh)
    assert parts.served(q)
    totals = movers_totals(q, "Alba", "spotify").iloc[0]
    assert (totals["streams"], totals["previous_streams"], totals["change"]) == (5090, 9040, -3950)
    assert (totals["tracks"], totals["previous_tracks"], totals["gone_tracks"]) == (2, 5, 3)


def test_a_row_s_breakdown_footer_series_and_growth_are_one_statement(metric_wh, monkeypatch):
    """Carla in September (tests/test_metrics.py): Faro's standing weekly values of 10 and
    18 September (7000, 8000), Gelso's of 4 September (400) and Luna on the viral chart
    alone, read in one statement; halves of 15 days (1–15 and 16–30 September)."""
    q = Query("Carla", "2026-09", platforms="spotify", country="IT", warehouse=metric_wh)
    statements = statements_run(monkeypatch)
    row = breakdown_and_series(q, "Carla", "spotify")
    assert len(statements) == 1 and "breakdown_and_series(" in statements[0]
    assert list(row.breakdown["title"]) == ["Faro", "Gelso", "Luna"]
    footer = row.totals.iloc[0]
    assert (footer["total_streams"], footer["track_count"], footer["top_track"]) == (
        15400,
        3,
        "Faro",
    )
    series = [(t, d.date(), n, days) for t, d, n, days in row.series[["track_id", "date", "streams", "days"]].itertuples(index=False)]  # fmt: skip
    assert series == [("t6", D(2026, 9, 10), 7000, 7), ("t6", D(2026, 9, 18), 8000, 7), ("t7", D(2026, 9, 4), 400, 7)]  # fmt: skip
    growth = [tuple(r) for r in row.growth[["track_id", "half_days", "first_half_streams", "second_half_streams"]].itertuples(index=False)]  # fmt: skip
    assert growth == [("t6", 15, 7000, 8000), ("t7", 15, 400, 0)]
    assert list(row.growth["half_change"]) == [8000 / 7000 - 1, -1.0]


def test_a_row_without_tracks_has_empty_frames_and_a_footer_of_none(metric_wh):
    """Dario has no track in October: no breakdown row, series or growth, and a footer of
    no track, with the columns and types of the answers."""
    q = Query("Dario", "2026-10", platforms="spotify", country="IT", warehouse=metric_wh, check_data=False)  # fmt: skip
    row = assert_row_as_defined(q, "Dario", "spotify")
    assert (len(row.breakdown), len(row.series), len(row.growth)) == (0, 0, 0)
    assert list(row.breakdown.columns) == BREAKDOWN_COLUMNS
    assert list(row.series.columns) == TRACK_TIMESERIES_COLUMNS
    footer = row.totals.iloc[0]
    assert (footer["track_count"], footer["listener_points"]) == (0, 0)
    assert pd.isna(footer["total_streams"]) and pd.isna(footer["top_track_id"])


def test_weekly_values_read_the_same_from_the_serving_layer_in_periods_that_cut_their_weeks(
    metric_wh,
):
    """Carla's Faro (t6): the soundcharts week of 1 October (25 September – 1 October) is
    counted, by its date, in a period from 29 September that cuts the week, in none that
    ends on 30 September, and in the second half of 17 September – 4 October (18 days,
    halves of 9: 17–25 September and 26 September – 4 October)."""
    q = Query("Carla", "2026-09-29:2026-10-04", platforms="spotify", country="IT", warehouse=metric_wh)  # fmt: skip
    series = assert_same_both_ways(track_timeseries, q, "Carla", "spotify", tracks=["t6"])
    assert [(d.date(), n, days) for d, n, days in zip(series["date"], series["streams"], series["days"], strict=True)] == [(D(2026, 10, 1), 5000, 7)]  # fmt: skip
    september = q.replace(period="2026-09-12:2026-09-30")
    series = assert_same_both_ways(track_timeseries, september, "Carla", "spotify", tracks=["t6"])
    assert list(series["streams"]) == [8000]  # 18 September; 29 September gives way to 1 October
    halves = q.replace(period="2026-09-17:2026-10-04")
    growth = assert_same_both_ways(track_growth, halves, "Carla", "spotify").set_index("track_id")
    faro = growth.loc["t6"]
    assert (faro["half_days"], faro["first_half_streams"], faro["second_half_streams"]) == (9, 8000, 5000)  # fmt: skip
    assert faro["half_change"] == 5000 / 8000 - 1
    assert_series_and_growth_as_defined(halves, "Carla", "spotify")
    assert_row_as_defined(halves, "Carla", "spotify")


def test_the_worked_example_reads_the_same_from_the_serving_layer(metric_wh):
    """docs/metrics.md, "Overlapping weekly entries": Faro, September and October."""
    sep = Query("Carla", "2026-09", platforms="spotify", country="IT", warehouse=metric_wh)
    assert parts.served(sep)
    faro = breakdown(sep, "Carla", "spotify").set_index("title").loc["Faro"]
    assert (faro["total_streams"], faro["days_with_value"], faro["best_position"]) == (15000, 14, 3)
    assert faro["days_on_chart"] == 14
    both = sep.replace(period="2026-09-01:2026-10-31")
    assert breakdown(both, "Carla", "spotify").set_index("title").loc["Faro", "total_streams"] == 20000  # fmt: skip


@pytest.fixture(scope="module")
def demo_artists(demo_warehouse) -> list[str]:
    from kit.sources.demo import DEFAULT_ARTIST

    names = warehouse.read_table("artists", demo_warehouse).column("name").to_pylist()
    return [DEFAULT_ARTIST, *sorted(n for n in names if n != DEFAULT_ARTIST)[:3]]


@pytest.mark.parametrize("period", PERIODS + ["2026-06-01:2026-09-30"])
@pytest.mark.parametrize("country", ["IT", "GLOBAL", "US"])
def test_every_answer_on_the_demo_is_the_same_from_the_serving_layer(
    demo_warehouse, demo_artists, period, country
):
    compared = counted = moved = 0
    for artist in demo_artists:
        q = Query(artist, period, country=country, warehouse=demo_warehouse, check_data=False)
        for platform in q.platform_slugs:
            compared += len(assert_same_both_ways(breakdown, q, artist, platform))
            assert_same_both_ways(breakdown_totals, q, artist, platform)
            assert_same_both_ways(breakdown, q, artist, platform, sort="coverage", search="a", limit=5)  # fmt: skip
            series = assert_same_both_ways(track_timeseries, q, artist, platform)
            counted += len(series)
            assert_same_both_ways(track_timeseries, q, artist, platform, tracks=list(series["track_id"].head(2)))  # fmt: skip
            assert_same_both_ways(track_growth, q, artist, platform)
            assert_series_and_growth_as_defined(q, artist, platform)
            assert_row_as_defined(q, artist, platform)
            for compare in COMPARISONS:
                moved += assert_moved_the_same_both_ways(q, artist, platform, compare)
        assert_same_both_ways(summary, q)
    assert compared > 0 and counted > 0 and moved > 0


# Periods whose breakdown is read from the serving layer's files of their months
# (kit/sql/track_breakdown_pieces.sql): the demo's weeks run Friday to Thursday.
PERIODS_FROM_FILES = [
    "2026-05-06:2026-08-02",  # 90 days from a Wednesday to a Sunday: weeks cut at both ends
    "2025-12-10:2026-02-07",  # across a year end: January whole, edges in two years
    "2026-09-03:2026-09-24",  # one partial month: no whole month, all of it an edge
    "2026-03-20:2026-06-30",  # a head edge of twelve days, then whole months to its end
    "2026-01-20:2026-03-08",  # edges around February: the head's weeks reach into it
    "2026-06-27:2026-07-04",  # eight days, no whole month: its edge spans two months
]


@pytest.mark.parametrize("period", PERIODS_FROM_FILES)
@pytest.mark.parametrize("country", ["IT", "GLOBAL"])
def test_a_period_s_breakdown_read_from_the_files_of_its_months_is_as_defined(
    demo_warehouse, demo_artists, period, country
):
    compared = 0
    for artist in demo_artists:
        q = Query(artist, period, country=country, warehouse=demo_warehouse, check_data=False)
        for platform in q.platform_slugs:
            params = {"platform": platform, "start": q.start, "end": q.end}
            assert parts.period_pieces(q.snapshot, params)[1], "the period's months have files"
            compared += len(assert_same_both_ways(breakdown, q, artist, platform))
            assert_same_both_ways(breakdown_totals, q, artist, platform)
            assert_same_both_ways(breakdown, q, artist, platform, sort="days_on_chart", limit=3)
    assert compared > 0


def test_a_period_reads_each_table_in_the_months_its_pieces_need():
    """4 June to 1 September: July whole; the head 4–30 June, the tail 1 August to
    1 September (August is not whole: the tail's weekly figures reach into it). Weekly
    entries dated up to 6 July cover days of the head."""
    assert parts.period_months(D(2026, 6, 4), D(2026, 9, 1)) == {
        "track_month": ["2026-07"],
        "artist_track_day": ["2026-06", "2026-07", "2026-08", "2026-09"],
    }
    # no whole month: the period is all head, its weeks' reach stops at its end
    assert parts.period_months(D(2025, 12, 20), D(2026, 1, 10)) == {
        "track_month": [],
        "artist_track_day": ["2025-12", "2026-01"],
    }
    # a head of twelve days, a whole February, a tail of eight days: the weekly entries
    # dated up to 6 February cover days of the head
    assert parts.period_months(D(2026, 1, 20), D(2026, 3, 8)) == {
        "track_month": ["2026-02"],
        "artist_track_day": ["2026-01", "2026-02", "2026-03"],
    }


def test_a_period_before_all_data_has_no_files_to_read(metric_wh):
    q = Query("Alba", "2020-01-05:2020-03-20", platforms="spotify", country="IT", warehouse=metric_wh, check_data=False)  # fmt: skip
    pieces, files = parts.period_pieces(
        q.snapshot, {"platform": "spotify", "start": q.start, "end": q.end}
    )
    assert files == {} and pieces.count("select") == 1
    assert_same_both_ways(breakdown, q, "Alba", "spotify")


def test_the_demo_keeps_its_serving_layer_equal_to_its_base_tables(demo_warehouse):
    assert_serving_matches_base(demo_warehouse)


def test_the_audience_months_are_stored_with_lz4_and_the_other_tables_with_zstd(metric_wh):
    """A served summary opens a column chunk of audience_month per platform × month it
    covers; lz4 costs less to open than zstd (kit/warehouse/commit.py, COMPRESSION)."""
    snap = warehouse.snapshot(metric_wh)

    def codecs(table: str) -> set[str]:
        found = set()
        for path in snap.paths(table):
            footer = pq.read_metadata(path)
            for group in range(footer.num_row_groups):
                row_group = footer.row_group(group)
                found |= {row_group.column(c).compression for c in range(row_group.num_columns)}
        return found

    assert codecs("audience_month") == {"LZ4"}
    assert codecs("artist_audience") == {"ZSTD"}
    assert codecs("track_month") == {"ZSTD"}


@pytest.mark.parametrize(
    "table", ["track_day", "chart_week", "artist_track_month", "artist_track_day"]
)
@pytest.mark.parametrize("fixture", ["metric_wh", "demo_warehouse"])
def test_one_statement_over_consecutive_months_gives_each_month_s_rows_exactly(
    request, fixture, table
):
    """The write path computes a run of consecutive months in one statement:
    its rows are those of the months computed one by one, the month first."""
    con = db.connect(request.getfixturevalue(fixture))
    macro = SERVING_MACROS[table]
    spans = con.sql(
        "select platform, min(date), max(date) from chart_entries group by platform order by 1"
    ).fetchall()
    assert spans
    found = 0
    for platform, first, last in spans:
        # from the month before the first to the month after the last: neighbours included
        start = (first.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        months = [start]
        while months[-1] <= last:
            months.append((months[-1] + dt.timedelta(days=31)).replace(day=1))
        together = con.sql(
            f"select * from {macro}(?, ?, last_day(cast(? as date)))",
            params=[platform, start, months[-1]],
        ).df()
        each = [
            con.sql(
                f"select * from {macro}(?, ?, last_day(cast(? as date)))", params=[platform, m, m]
            ).df()
            for m in months
        ]
        one_by_one = pd.concat([rows for rows in each if len(rows)] or each[:1], ignore_index=True)
        assert sorted(set(together["month"])) == sorted(set(one_by_one["month"]))
        found += len(together)
        columns = list(together.columns)
        pd.testing.assert_frame_equal(
            together.sort_values(columns).reset_index(drop=True),
            one_by_one.sort_values(columns).reset_index(drop=True),
            check_exact=True,
        )
        assert list(together["month"]) == sorted(together["month"])
    con.close()
    assert found > 0


def test_consecutive_months_share_a_statement_up_to_a_bound_on_their_base_rows():
    rows = {"2026-07": 100, "2026-08": 300_000, "2026-09": 300_000, "2026-10": 600_000}
    months = {("spotify", m) for m in rows} | {("spotify", "2026-12"), ("deezer", "2026-08")}
    runs = month_runs(months, lambda m: rows.get(m[1], 0))
    assert runs == [
        ("deezer", ["2026-08"]),
        ("spotify", ["2026-07", "2026-08"]),
        ("spotify", ["2026-09"]),
        ("spotify", ["2026-10"]),  # over the bound: alone
        ("spotify", ["2026-12"]),  # not next to the one before
    ]
    assert SPAN_ROWS == 500_000
    # a table whose statement computes one month: a run per month
    assert month_runs({("spotify", "2026-07"), ("spotify", "2026-08")}) == [
        ("spotify", ["2026-07"]),
        ("spotify", ["2026-08"]),
    ]


def test_a_month_is_whole_only_when_its_weekly_figures_need_no_correction():
    assert serving_months(D(2026, 9, 1), D(2026, 9, 30), 6) == (D(2026, 9, 1), D(2026, 9, 30))
    assert serving_months(D(2026, 9, 1), D(2026, 9, 29), 6) == (None, None)
    # 1 September is five days after 27 August: too near; 1 October six after 25 September
    assert serving_months(D(2026, 8, 27), D(2026, 12, 27), 6) == (D(2026, 10, 1), D(2026, 11, 30))  # fmt: skip
    assert serving_months(D(2026, 8, 26), D(2026, 12, 29), 6) == (D(2026, 9, 1), D(2026, 11, 30))  # fmt: skip
    assert serving_months(D(2026, 8, 26), D(2026, 12, 29), 0) == (D(2026, 9, 1), D(2026, 11, 30))  # fmt: skip
    assert serving_months(D(2026, 9, 3), D(2026, 9, 28), 0) == (None, None)


def _chart_row(track, day, frequency, position, streams, source="spotify_charts"):
    return {
        "date": day, "platform": "spotify", "country": "IT", "frequency": frequency,
        "position": position, "track_id": track, "streams": streams, "source": source,
        "chart": "top",
    }  # fmt: skip


def test_a_write_in_one_month_recomputes_what_its_neighbours_derive_from_it(metric_wh, tmp_path):
    root = write_metric_fixture(tmp_path / "warehouse")
    # A chart-file week dated 2 October (26 September – 2 October) outranks SoundCharts'
    # week of 1 October, and a daily value on 29 September drops the October week ending
    # 1 October of Bolero: September's and October's figures both change.
    rows = pd.DataFrame(
        [
            _chart_row("t6", D(2026, 10, 2), "weekly", 7, 6000),
            _chart_row("t2", D(2026, 9, 29), "daily", 50, 10, "fixture"),
        ]
    )
    before = Query("Carla", "2026-09-20:2026-10-31", platforms="spotify", country="IT", warehouse=root)  # fmt: skip
    faro_before = breakdown(before, "Carla", "spotify").set_index("title").loc["Faro"]
    warehouse.write({"chart_entries": rows}, source="spotify_charts", warehouse=root)
    assert_serving_matches_base(root)
    for artist in ("Carla", "Alba"):
        for period in ("2026-09", "2026-10", "2026-09-20:2026-10-31", "28d:2026-10-05"):
            q = Query(artist, period, platforms="spotify", country="IT", warehouse=root)
            assert_same_both_ways(breakdown, q, artist, "spotify")
            assert_same_both_ways(breakdown_totals, q, artist, "spotify")
    after = breakdown(before.refresh(), "Carla", "spotify").set_index("title").loc["Faro"]
    # the week of 1 October (5,000) gives way to the chart file's of 2 October (6,000)
    assert (faro_before["total_streams"], after["total_streams"]) == (5000, 6000)


def test_a_credit_added_later_recomputes_every_month_of_the_track(tmp_path):
    root = write_metric_fixture(tmp_path / "warehouse")
    # Dario (Mare, September) turns out to be featured on Carla's Faro, which has weeks in
    # September and October: a write of that credit alone, no chart rows, changes both
    # months' whole-month breakdown rows (artist_track_month), which carry the credits.
    credit = pd.DataFrame(
        {"track_id": ["t6"], "artist_id": ["d"], "role": ["featured"], "credit_order": [2]}
    )
    warehouse.write({"track_credits": credit}, source="credits", warehouse=root)
    assert_serving_matches_base(root)
    for period in ("2026-09", "2026-10"):
        q = Query("Dario", period, platforms="spotify", country="IT", warehouse=root)
        got = assert_same_both_ways(breakdown, q, "Dario", "spotify")
        assert_same_both_ways(breakdown_totals, q, "Dario", "spotify")
        assert ("Faro", "featured") in set(zip(got["title"], got["credit"], strict=True))
    september = breakdown(Query("Dario", "2026-09", platforms="spotify", country="IT", warehouse=root), "Dario", "spotify")  # fmt: skip
    # Mare's own days (500 + 600) beside Faro's September as tests/test_metrics.py works it
    # out: the weeks of 10 September (7,000) and 18 September (8,000) stand
    assert dict(zip(september["title"], september["total_streams"], strict=True)) == {
        "Faro": 15000,
        "Mare": 1100,
    }


def test_a_refused_write_leaves_base_and_serving_layer_as_they_were(tmp_path):
    root = write_metric_fixture(tmp_path / "warehouse")
    bad = pd.DataFrame([_chart_row("t6", D(2026, 9, 30), "monthly", 1, 5)])
    with pytest.raises(warehouse.WarehouseError):
        warehouse.write({"chart_entries": bad}, source="test", warehouse=root)
    assert_serving_matches_base(root)


def test_an_exception_inside_a_transaction_leaves_base_and_serving_layer_as_they_were(tmp_path):
    root = write_metric_fixture(tmp_path / "warehouse")
    version = warehouse.current_version(root)
    rows = pd.DataFrame([_chart_row("t6", D(2026, 9, 30), "daily", 1, 5)])
    with pytest.raises(RuntimeError), warehouse.transaction(root) as txn:
        txn.merge(CHART_ENTRIES, warehouse.conform(CHART_ENTRIES, rows))
        raise RuntimeError("halfway")
    assert warehouse.current_version(root) == version
    assert_serving_matches_base(root)


def test_loading_the_same_rows_again_keeps_the_serving_layer(tmp_path):
    root = write_metric_fixture(tmp_path / "warehouse")
    write_metric_fixture(root)  # a reload: the same rows
    assert_serving_matches_base(root)


_KILLED_WRITE = """
import sys, datetime as dt, pandas as pd
from kit import warehouse
rows = pd.DataFrame({"date": [dt.date(2026, 10, 2), dt.date(2026, 9, 29)], "platform": "spotify",
    "country": "IT", "frequency": ["weekly", "daily"], "position": [7, 50], "track_id": ["t6", "t2"],
    "streams": [6000, 10], "source": "spotify_charts", "chart": "top"})
audience = pd.DataFrame({"date": [dt.date(2026, 9, 30)], "platform": "spotify", "country": "IT",
    "artist_id": "a", "metric": "monthly_listeners", "value": [999], "source": "killed"})
warehouse.write({"chart_entries": rows, "artist_audience": audience}, source="killed",
    warehouse=sys.argv[1])
"""
FAILPOINTS = ["staged", "manifest-written", "committed", "publishing", "published", "vacuumed"]


@pytest.mark.parametrize("failpoint", FAILPOINTS)
def test_a_write_killed_at_any_step_leaves_base_and_serving_layer_consistent(tmp_path, failpoint):
    root = write_metric_fixture(tmp_path / "warehouse")
    env = {**os.environ, "CHARTROOM_FAILPOINT": failpoint}
    proc = subprocess.run([sys.executable, "-c", _KILLED_WRITE, str(root)], env=env, capture_output=True)  # fmt: skip
    assert proc.returncode == -9
    assert_serving_matches_base(root)
    q = Query("Carla", "2026-09-20:2026-10-31", platforms="spotify", country="IT", warehouse=root)
    faro = assert_same_both_ways(breakdown, q, "Carla", "spotify").set_index("title").loc["Faro"]
    committed = failpoint not in ("staged", "manifest-written")
    assert faro["total_streams"] == (6000 if committed else 5000)
    warehouse.write({"artists": pd.DataFrame({"artist_id": ["e"], "name": ["Ettore"]})}, source="next", warehouse=root)  # fmt: skip
    assert_serving_matches_base(root)


def _without_serving_layer(root: Path) -> None:
    """Make the latest version look like one an earlier kit wrote: no serving layer."""
    path = versions.manifest_path(root, warehouse.current_version(root))
    data = json.loads(path.read_text())
    del data["serving"]
    for table in ("track_day", "chart_week", "track_month", "audience_month"):
        data["tables"].pop(table, None)
    path.write_text(json.dumps(data))
    os.utime(path, ns=(1, 1))  # a manifest read before is read again


def test_a_warehouse_without_a_serving_layer_answers_from_the_base_tables_until_rebuilt(
    tmp_path, capsys
):
    root = write_metric_fixture(tmp_path / "warehouse")
    with from_the_base_tables():
        expected = breakdown(Query("Carla", "2026-09-25:2026-10-31", country="IT", warehouse=root), "Carla", "spotify")  # fmt: skip
    _without_serving_layer(root)
    q = Query("Carla", "2026-09-25:2026-10-31", country="IT", warehouse=root)
    assert not parts.served(q)
    pd.testing.assert_frame_equal(breakdown(q, "Carla", "spotify"), expected, check_exact=True)
    # its writes keep it so: a serving layer of some months only would answer wrongly
    warehouse.write({"artists": pd.DataFrame({"artist_id": ["e"], "name": ["Ettore"]})}, source="next", warehouse=root)  # fmt: skip
    assert warehouse.snapshot(root).serving == 0

    assert cli.main(["rebuild", "--warehouse", str(root), "--no-progress"]) == 0
    assert "serving layer" in capsys.readouterr().out
    assert_serving_matches_base(root)
    q = q.refresh()
    assert parts.served(q)
    pd.testing.assert_frame_equal(breakdown(q, "Carla", "spotify"), expected, check_exact=True)


def test_a_serving_layer_of_an_earlier_format_with_other_columns_is_not_read_until_rebuilt(
    tmp_path,
):
    """Format 3 held artist_track_day as a row per fact (`fact`, `chart`, `position`), not
    a row per day: a version of that format answers from the base tables without binding
    its files, and its writes keep it so, until `rebuild` recomputes the layer."""
    root = write_metric_fixture(tmp_path / "warehouse")
    period = "2026-09-25:2026-10-31"
    with from_the_base_tables():
        expected = breakdown(Query("Carla", period, country="IT", warehouse=root), "Carla", "spotify")  # fmt: skip
    snap = warehouse.snapshot(root)
    for path in snap.paths("artist_track_day"):
        rows = pq.read_table(path)
        old = rows.select(["country", "artist_id", "track_id", "date", "streams"])
        old = old.append_column("fact", pa.array(["value"] * old.num_rows))
        pq.write_table(old.append_column("chart", pa.nulls(old.num_rows, pa.string())), path)
    path = versions.manifest_path(root, warehouse.current_version(root))
    data = json.loads(path.read_text())
    data["serving"] = warehouse.SERVING_FORMAT - 1
    path.write_text(json.dumps(data))
    os.utime(path, ns=(1, 1))  # a manifest read before is read again
    q = Query("Carla", period, country="IT", warehouse=root)
    assert not parts.served(q)
    pd.testing.assert_frame_equal(breakdown(q, "Carla", "spotify"), expected, check_exact=True)
    warehouse.write({"artists": pd.DataFrame({"artist_id": ["e"], "name": ["Ettore"]})}, source="next", warehouse=root)  # fmt: skip
    assert warehouse.snapshot(root).serving == 0
    warehouse.rebuild(root)
    assert_serving_matches_base(root)
    q = q.refresh()
    assert parts.served(q)
    pd.testing.assert_frame_equal(breakdown(q, "Carla", "spotify"), expected, check_exact=True)


def _platforms_both_ways(root: Path, artist: str, period, country: str, among=None):
    """(from the base tables, with the serving layer's months first) of the platforms a
    Query finds with data: platforms_with_data's, and platforms_present's. The latter both
    from lookups read afresh (the serving layer's months read for `among`'s platforms only)
    and from those the Query kept (its months read for every platform), which agree."""
    q = Query(artist, period, country=country, warehouse=root, check_data=False)
    known = lookups(q.snapshot)
    base = set(known.platforms_with_data(q.artist_ids, q.country_code, q.start, q.end, among))
    asked = (q.artist_ids, q.country_code, q.start, q.end, among)
    fresh = Lookups(q.snapshot, known.artists).platforms_present(*asked)
    assert fresh == known.platforms_present(*asked)
    return base, set(fresh)


@pytest.mark.parametrize("period", [*PERIODS, "2026-01-01:2026-12-31", "2026-07"])
def test_the_platforms_with_data_are_the_same_with_the_serving_layer_s_months(
    metric_wh, demo_warehouse, demo_artists, period
):
    found = 0
    for root, artists, countries in (
        (metric_wh, ["Alba", "Bruno", "Carla", "Dario"], ["IT", "GLOBAL", "DE"]),
        (demo_warehouse, demo_artists, ["IT", "GLOBAL", "US"]),
    ):
        for artist in artists:
            for country in countries:
                for among in (None, ("spotify",), ("deezer", "apple_music")):
                    base, present = _platforms_both_ways(root, artist, period, country, among)
                    assert present == base, (artist, country, among)
                    found += len(base)
    assert found > 0


def test_the_stored_breakdown_rows_show_a_platform_without_a_statement(metric_wh, monkeypatch):
    """Carla's September on Spotify in Italy (tests/test_metrics.py: Faro's and Gelso's
    values, Luna's viral entries) is rows of artist_track_month: Query's check finds
    Spotify there, without a statement. Deezer has no row of hers, so the statement
    answers it, as it does when both are asked."""
    q = Query("Carla", "2026-09", platforms="spotify", country="IT", warehouse=metric_wh)
    fresh = Lookups(q.snapshot, lookups(q.snapshot).artists)
    ran = []
    real = Lookups.cursor
    monkeypatch.setattr(Lookups, "cursor", lambda self: ran.append(1) or real(self))
    september = (q.artist_ids, "IT", D(2026, 9, 1), D(2026, 9, 30))
    assert fresh._platforms_served(*september, ("spotify",)) == {"spotify"}
    assert ran == []
    assert fresh._platforms_served(*september, ("deezer", "spotify")) == {"spotify"}
    assert ran == [1]
    # Dario has no row in October: the statement answers, and finds none either
    dario = (lookups(q.snapshot).by_name["dario"][0],)
    assert fresh._platforms_served(dario, "IT", D(2026, 10, 1), D(2026, 10, 31), ("spotify",)) == set()  # fmt: skip
    assert ran == [1, 1]


def test_a_platform_the_serving_layer_does_not_show_is_still_found_in_the_base_tables(tmp_path):
    """Zed's only October row is a weekly entry of 2 October from SoundCharts, which the
    preferred source's weekly entry of 29 September overlaps (docs/metrics.md, "Overlapping
    weekly entries"): it does not stand and counts for nothing (no October row in
    track_month), yet it is data."""
    root = tmp_path / "warehouse"
    warehouse.write(
        {
            "artists": pd.DataFrame({"artist_id": ["z"], "name": ["Zed"]}),
            "tracks": pd.DataFrame({"track_id": ["z1"], "title": ["Zenit"]}),
            "track_credits": pd.DataFrame(
                {"track_id": ["z1"], "artist_id": ["z"], "role": ["main"], "credit_order": [1]}
            ),
            "chart_entries": pd.DataFrame(
                _chart(
                    [
                        ("z1", D(2026, 9, 29), "weekly", 5, 700, "IT", "spotify_charts"),
                        ("z1", D(2026, 10, 2), "weekly", 4, 800, "IT", "soundcharts"),
                    ]
                )
            ),
        },
        source="fixture",
        warehouse=root,
    )
    october = Query("Zed", "2026-10", country="IT", warehouse=root)
    assert parts.served(october)
    shown = lookups(october.snapshot)._platforms_served(("z",), "IT", D(2026, 10, 1), D(2026, 10, 31))  # fmt: skip
    assert shown == frozenset()  # the serving layer shows nothing in October...
    assert october.platform_slugs == ("spotify",)  # ...and the Query still finds spotify
    assert Query("Zed", "2026-10", platforms="spotify", country="IT", warehouse=root).platform_slugs == ("spotify",)  # fmt: skip
    assert breakdown(october, "Zed", "spotify").empty
