"""The serving recompute's shortcuts (kit/warehouse/serving.py, SHORTCUTS): months of daily
charts alone, no own series and no weekly entries, have their track_day rows from
track_day_chart_rows (unsorted, in chart_entries' file order, checked as they come), their
track_month rows from track_month_chart_rows and their artist_track_day rows from
artist_track_day_chart_rows (the daily entries and credits alone, unsorted, sorted by the
write path by whole numbers).
The files are those the tables' own macros give, row for row and in order; a month the
shortcuts do not fit, or whose rows come out of order, is computed by the tables' own
macros. Months without a weekly entry run no chart_week statement (it has no rows there)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from serving_checks import assert_serving_matches_base

from kit import db, warehouse
from kit.schema import TABLES
from kit.warehouse import serving
from kit.warehouse.commit import transaction
from kit.warehouse.layout import partition_rel

D = dt.date
# the months of the daily charts below, and the neighbours their figures reach
MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]


def _entry(
    track,
    day,
    position,
    streams,
    country="IT",
    frequency="daily",
    chart="top",
    source="spotify_charts",
):
    return {
        "date": day, "platform": "spotify", "country": country, "frequency": frequency,
        "position": position, "track_id": track, "streams": streams,
        "source": source, "chart": chart,
    }  # fmt: skip


def _daily_charts() -> pd.DataFrame:
    """Daily top charts of two countries over August to October (an entry without streams
    among them, and a track whose entries come from two sources), and a viral chart with a
    track found on it alone."""
    rows = []
    day = D(2026, 8, 1)
    while day <= D(2026, 10, 31):
        n = day.toordinal()
        for country in ("IT", "GLOBAL"):
            for position, track in enumerate(("t1", "t2", "t3", f"t{4 + n % 3}"), start=1):
                streams = None if (track, n % 11) == ("t3", 0) else 1000 - 10 * position + n % 7
                mixed = (track, country, n % 3) == ("t2", "IT", 0)
                source = "soundcharts" if mixed else "spotify_charts"
                rows.append(_entry(track, day, position, streams, country, source=source))
        rows.append(_entry("t8", day, 1 + n % 5, None, "IT", chart="viral"))
        day += dt.timedelta(days=1)
    return pd.DataFrame(rows)


def _credits() -> pd.DataFrame:
    """Credits whose artists' order is not their tracks': a track of two artists, an artist
    of two tracks, the viral chart's own track credited, t5 credited to none."""
    credits = [
        ("t1", "zoe", "main", 1), ("t2", "amy", "main", 1), ("t2", "zoe", "featured", 2),
        ("t3", "mia", "main", 1), ("t4", "amy", "main", 1), ("t6", "bob", "main", 1),
        ("t8", "mia", "main", 1),
    ]  # fmt: skip
    return pd.DataFrame(credits, columns=["track_id", "artist_id", "role", "credit_order"])


@pytest.fixture
def stages(monkeypatch) -> list[tuple[str, str, tuple[str, ...]]]:
    """(table, macro, months) of every statement the serving recompute stages from now on."""
    found = []
    stage_rows = serving._stage_rows

    def spied(txn, con, table, platform, run, macro, *args):
        found.append((table, macro, tuple(run)))
        return stage_rows(txn, con, table, platform, run, macro, *args)

    monkeypatch.setattr(serving, "_stage_rows", spied)
    return found


def _assert_files_are_the_macros_rows(root: Path, table: str, months: list[str]) -> int:
    """Each month's file of `table` holds its own macro's rows over the month, in order.
    Returns the rows compared."""
    snap = warehouse.snapshot(root)
    con = db.connect(snapshot=snap)
    macro, _, _, spans = serving.SERVING[table]
    names = TABLES[table].file_schema.names
    compared = 0
    for month in months:
        first = D(int(month[:4]), int(month[5:7]), 1)
        end = ", last_day(cast(? as date))" if spans else ""
        params = ["spotify", first, first] if spans else ["spotify", first]
        wanted = con.sql(f"select * from {macro}(?, ?{end})", params=params).to_arrow_table()
        files = [p for p in snap.paths(table) if partition_rel("spotify", month) in str(p)]
        if not wanted.num_rows:
            assert files == []
            continue
        (path,) = files
        stored = pq.read_table(path)
        assert stored.equals(wanted.select(names).cast(stored.schema))
        compared += stored.num_rows
    con.close()
    return compared


def test_months_of_daily_charts_alone_store_their_own_macros_rows_by_the_shortcuts(
    empty_warehouse, stages
):
    warehouse.write(
        {"chart_entries": _daily_charts(), "track_credits": _credits()},
        source="spotify_charts",
        warehouse=empty_warehouse,
    )
    assert {(t, m) for t, m, _ in stages if t in serving.SHORTCUTS} == {
        ("track_day", "track_day_chart_rows"),
        ("track_month", "track_month_chart_rows"),
        ("artist_track_day", "artist_track_day_chart_rows"),
    }
    # no weekly entry: chart_week's statements are not run, and it has no file
    assert [m for t, m, _ in stages if t == "chart_week"] == []
    assert warehouse.snapshot(empty_warehouse).paths("chart_week") == []
    assert_serving_matches_base(empty_warehouse)
    assert _assert_files_are_the_macros_rows(empty_warehouse, "track_day", MONTHS) > 500
    assert _assert_files_are_the_macros_rows(empty_warehouse, "track_month", MONTHS) > 10
    assert _assert_files_are_the_macros_rows(empty_warehouse, "artist_track_day", MONTHS) > 500


def test_months_with_an_own_series_or_a_weekly_entry_near_them_are_computed_by_the_own_macros(
    empty_warehouse, stages, monkeypatch
):
    monkeypatch.setattr(serving, "SPAN_ROWS", 1)  # a statement per month
    charts = _daily_charts()
    weekly = pd.DataFrame([_entry("t1", D(2026, 10, 3), 2, 9000, frequency="weekly")])
    own = pd.DataFrame(
        [
            {
                "date": D(2026, 8, 4),
                "platform": "spotify",
                "country": "IT",
                "track_id": "t2",
                "streams": 5,
                "source": "s4a",
            }
        ]  # fmt: skip
    )
    warehouse.write(
        {
            "chart_entries": pd.concat([charts, weekly]),
            "track_streams": own,
            "track_credits": _credits(),
        },
        source="spotify_charts",
        warehouse=empty_warehouse,
    )
    by_month = {(t, run): m for t, m, run in stages if t in serving.SHORTCUTS}
    month_of = {
        table: {month: macro for (t, run), macro in by_month.items() if t == table for month in run}
        for table in serving.SHORTCUTS
    }
    # the own series of 4 August reaches August's track_day and track_month (and September's
    # six days before it do not hold it); the week of 3 October is October's, and
    # track_month's week also reaches September, whose period runs six days past its end
    assert month_of["track_day"]["2026-08"] == "track_day_rows"
    assert month_of["track_day"]["2026-09"] == "track_day_chart_rows"
    assert month_of["track_day"]["2026-10"] == "track_day_rows"
    assert month_of["artist_track_day"]["2026-08"] == "artist_track_day_rows"
    assert month_of["artist_track_day"]["2026-09"] == "artist_track_day_chart_rows"
    assert month_of["artist_track_day"]["2026-10"] == "artist_track_day_rows"
    assert month_of["track_month"]["2026-08"] == "track_month_rows"
    assert month_of["track_month"]["2026-09"] == "track_month_rows"
    assert month_of["track_month"]["2026-10"] == "track_month_rows"
    # chart_week's statement runs for the month of the weekly entry alone, whose file holds it
    assert [(m, run) for t, m, run in stages if t == "chart_week"] == [("chart_week_rows", ("2026-10",))]  # fmt: skip
    assert [partition_rel("spotify", "2026-10") in str(p) for p in warehouse.snapshot(empty_warehouse).paths("chart_week")] == [True]  # fmt: skip
    assert_serving_matches_base(empty_warehouse)
    for table in serving.SHORTCUTS:
        assert _assert_files_are_the_macros_rows(empty_warehouse, table, MONTHS) > 10


def test_a_month_whose_chart_file_is_out_of_order_is_computed_again_by_track_day_rows(
    empty_warehouse, stages
):
    charts = _daily_charts()
    warehouse.write(
        {"chart_entries": charts, "track_credits": _credits()},
        source="spotify_charts",
        warehouse=empty_warehouse,
    )
    stages.clear()
    # September's file written in the reverse of its order (kit never writes one so; the
    # shortcut's rows are checked all the same)
    partition = partition_rel("spotify", "2026-09")
    with transaction(empty_warehouse) as txn:
        (path,) = txn.partition_files("chart_entries", partition)
        rows = pq.read_table(path)
        txn.replace("chart_entries", partition, rows.take(list(range(rows.num_rows - 1, -1, -1))))
    # September and its neighbours, one statement: the shortcut's rows of August, staged
    # first, are replaced too when September's come out of order
    day_stages = [(m, run) for t, m, run in stages if t == "track_day"]
    assert day_stages == [
        ("track_day_chart_rows", ("2026-08", "2026-09", "2026-10")),
        ("track_day_rows", ("2026-08", "2026-09", "2026-10")),
    ]
    # artist_track_day's shortcut sorts its rows itself, whatever the file's order
    assert [(m, run) for t, m, run in stages if t == "artist_track_day"] == [
        ("artist_track_day_chart_rows", ("2026-08", "2026-09", "2026-10")),
    ]
    assert_serving_matches_base(empty_warehouse)
    assert _assert_files_are_the_macros_rows(empty_warehouse, "track_day", MONTHS) > 500
    assert _assert_files_are_the_macros_rows(empty_warehouse, "artist_track_day", MONTHS) > 500


def test_the_artist_day_shortcut_gives_the_full_macros_rows_over_a_run_of_months(empty_warehouse):
    """Over one statement's run of months, artist_track_day_chart_rows gives the rows of
    artist_track_day_rows, in whatever order, and the write path's sort of them puts them
    in that macro's order (months, then countries, artists, tracks and days: an artist of
    upper-case letters first, as its bytes order it), each row filed under its month, the
    same types: the entries without streams, the viral chart's, the track credited to
    none and a credit listed twice (its rows repeated) included."""
    credits = pd.concat([_credits(), pd.DataFrame([("t4", "Zed", "main", 2)], columns=_credits().columns)])  # fmt: skip
    warehouse.write(
        {"chart_entries": _daily_charts(), "track_credits": credits},
        source="spotify_charts",
        warehouse=empty_warehouse,
    )
    con = db.connect(empty_warehouse)
    con.execute(
        "create or replace view track_credits as select * from track_credits_in_memory"
        " union all select * from track_credits_in_memory where track_id = 't2'"
    )
    run = ["spotify", D(2026, 7, 1), D(2026, 11, 30)]
    wanted = con.sql("select * from artist_track_day_rows(?, ?, ?)", params=run).to_arrow_table()
    got = con.sql("select * from artist_track_day_chart_rows(?, ?, ?)", params=run).to_arrow_table()
    con.close()
    names = [n for n in wanted.column_names if n != "month"]
    # the rows in the reverse of the order they came in: the sort alone orders them
    got = got.take(list(range(got.num_rows - 1, -1, -1)))
    pieces = list(serving._sorted_pieces(got, names, serving.SORTED_HERE["artist_track_day"]))
    ordered = pa.Table.from_batches([b.select(names) for _, b in pieces])
    assert ordered.equals(wanted.select(names))
    assert [m for m, b in pieces for _ in range(b.num_rows)] == wanted.column("month").to_pylist()
    assert wanted.num_rows > 900
    assert set(wanted.column("month").to_pylist()) == {"2026-08", "2026-09", "2026-10"}
    # a day of two artists, a viral entry alone, a top entry without streams, the repeated
    # credit's rows twice, the upper-case artist first in its country
    assert wanted.filter(pc.equal(wanted["track_id"], "t2")).column("artist_id").unique().to_pylist() == ["amy", "zoe"]  # fmt: skip
    assert wanted.filter(pc.equal(wanted["track_id"], "t8")).column("position").null_count > 0
    assert wanted.filter(pc.equal(wanted["track_id"], "t3")).column("streams").null_count > 0
    t2 = wanted.filter(pc.equal(wanted["track_id"], "t2"))
    assert t2.num_rows == 2 * t2.group_by(["artist_id", "country", "date"]).aggregate([]).num_rows
    assert wanted.column("artist_id")[0].as_py() == "Zed"


def test_rows_out_of_order_are_found_within_a_batch_and_across_two():
    def batch(months, countries):
        return pa.record_batch({"month": months, "country": countries})

    keys = ("month", "country")
    ordered = [batch(["2026-08", "2026-08"], ["GLOBAL", "IT"]), batch(["2026-09"], ["AT"])]
    assert list(serving._in_order(iter(ordered), keys)) == ordered
    for batches in (
        [batch(["2026-08", "2026-08"], ["IT", "GLOBAL"])],  # within one
        [batch(["2026-08"], ["IT"]), batch(["2026-08"], ["GLOBAL"])],  # across two
        [batch(["2026-08", "2026-08"], ["IT", "IT"])],  # a key twice
        [batch(["2026-08", "2026-08"], ["IT", None])],  # no key
    ):
        with pytest.raises(serving._OutOfOrder):
            list(serving._in_order(iter(batches), keys))
